package compute

import (
	"encoding/binary"
	"math"

	"github.com/gomean/gomean/geotiff"
)

// A fused32 reduces float32 inputs to a float32 output in one pass per
// pixel, for the unweighted mean and the sum: it reads the K samples of a
// pixel, skips NaN and each input's nodata, accumulates a float64 sum and a
// count in registers, and stores the result (or the fill value) straight
// into the output tile. It computes exactly what the general path computes
// (decode to float64, reduce, apply the policy, encode): the same
// additions in the same order, so the output bytes are identical.
type fused32 struct {
	mean  bool      // Mean (sum / count); otherwise Sum
	need  int32     // fewest valid inputs for a result
	srcs  []*source // the inputs, for the nodata of each band
	nd    []float32 // per input, the band's nodata (NaN when it has none)
	fill  uint32    // output bits for "no result"
	avoid bool      // move valid results off fill
	enc   *encoder  // the worker's encoder, which counts for both paths
	src   [][]byte  // per input, the tile's samples (scratch)
}

// newFused32 returns the fused reducer for the run, or nil when the run
// does not qualify: every input and the output must be float32, the output
// a single band or separate planes, and the operation the unweighted mean
// or the sum.
func newFused32(p *pipeline, enc *encoder) *fused32 {
	c := p.cfg
	if (c.Op != Mean && c.Op != Sum) || c.Weights != nil || c.Type != geotiff.Float32 {
		return nil
	}
	if len(p.tileBands(0)) != 1 {
		return nil
	}
	f := &fused32{mean: c.Op == Mean, srcs: p.srcs, nd: make([]float32, len(p.srcs)), src: make([][]byte, len(p.srcs)),
		avoid: enc.avoid, enc: enc}
	for _, s := range p.srcs {
		if s.im.Type != geotiff.Float32 || s.mask != nil {
			return nil
		}
		for _, v := range s.vmode {
			if v == validAlpha {
				return nil
			}
		}
	}
	f.need = int32(max(c.MinValid, 1))
	if c.PropagateNoData {
		f.need = int32(len(p.srcs))
	}
	f.fill = math.Float32bits(float32(enc.fill))
	return f
}

// reduce writes the px samples of one output band into dst from views,
// one per input; it returns false, writing nothing, when a view is not a
// run of consecutive samples.
func (f *fused32) reduce(dst []byte, views []view, band, px int) bool {
	for k, v := range views {
		if v.stride != 1 {
			return false
		}
		f.src[k] = v.data[v.first*4 : (v.first+px)*4]
		f.nd[k] = float32(f.srcs[k].decs[band].nd) // NaN when the band has no nodata
	}
	dst = dst[:px*4]
	switch len(f.src) {
	case 2:
		f.reduce2(dst, px)
	case 3:
		f.reduce3(dst, px)
	default:
		f.reduceN(dst, px)
	}
	return true
}

// result returns the output bits of one pixel from its sum and count.
func (f *fused32) result(sum float64, cnt int32) uint32 {
	if cnt >= f.need {
		if f.mean {
			sum /= float64(cnt)
		}
		if sum == sum { // +Inf and -Inf add up to NaN: no result
			bits := math.Float32bits(float32(sum))
			if bits == f.fill && f.avoid {
				bits = math.Float32bits(f.enc.float32(sum)) // rare: moved off nodata
			}
			return bits
		}
	}
	f.enc.empty++
	return f.fill
}

// add adds sample x to sum and cnt when it is valid: not NaN and not nd.
func add(x, nd float32, sum float64, cnt int32) (float64, int32) {
	if x == x && x != nd {
		return sum + float64(x), cnt + 1
	}
	return sum, cnt
}

func sample(b []byte) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

// The loops below walk their slices by re-slicing, so the compiler drops
// the bounds checks.

func (f *fused32) reduce2(dst []byte, px int) {
	a, b := f.src[0][:px*4], f.src[1][:px*4]
	na, nb := f.nd[0], f.nd[1]
	for len(dst) >= 4 && len(a) >= 4 && len(b) >= 4 {
		sum, cnt := add(sample(a[:4]), na, 0, 0)
		sum, cnt = add(sample(b[:4]), nb, sum, cnt)
		binary.LittleEndian.PutUint32(dst[:4], f.result(sum, cnt))
		dst, a, b = dst[4:], a[4:], b[4:]
	}
}

func (f *fused32) reduce3(dst []byte, px int) {
	a, b, c := f.src[0][:px*4], f.src[1][:px*4], f.src[2][:px*4]
	na, nb, nc := f.nd[0], f.nd[1], f.nd[2]
	for len(dst) >= 4 && len(a) >= 4 && len(b) >= 4 && len(c) >= 4 {
		sum, cnt := add(sample(a[:4]), na, 0, 0)
		sum, cnt = add(sample(b[:4]), nb, sum, cnt)
		sum, cnt = add(sample(c[:4]), nc, sum, cnt)
		binary.LittleEndian.PutUint32(dst[:4], f.result(sum, cnt))
		dst, a, b, c = dst[4:], a[4:], b[4:], c[4:]
	}
}

func (f *fused32) reduceN(dst []byte, px int) {
	for p := range px {
		var sum float64
		var cnt int32
		for k, s := range f.src {
			sum, cnt = add(sample(s[p*4:]), f.nd[k], sum, cnt)
		}
		binary.LittleEndian.PutUint32(dst[p*4:], f.result(sum, cnt))
	}
}
