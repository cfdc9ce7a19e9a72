package compute

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/tiling"
)

// fusedSamples returns n float32 samples, little-endian, mixing ordinary
// values with the awkward ones: nodata, NaN, ±0, ±Inf, extremes and
// subnormals.
func fusedSamples(rng *rand.Rand, n int, nd float32) []byte {
	special := []float32{nd, float32(math.NaN()), 0, float32(math.Copysign(0, -1)),
		float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.MaxFloat32,
		math.SmallestNonzeroFloat32, 1e-40}
	b := make([]byte, n*4)
	for p := range n {
		x := float32(rng.NormFloat64() * 1000)
		if rng.IntN(4) == 0 {
			x = special[rng.IntN(len(special))]
		}
		binary.LittleEndian.PutUint32(b[p*4:], math.Float32bits(x))
	}
	return b
}

// generalPath computes what the pipeline computes without the fused path:
// decode to float64, reduce, apply the policy, encode.
func generalPath(op Op, propagate bool, minValid int, decs []decoder, srcs [][]byte, fill float64, px int) []byte {
	red := newReducer(op, nil, propagate, minValid, px)
	enc := newEncoder(geotiff.Float32, fill)
	vals := make([][]float64, len(srcs))
	for k, s := range srcs {
		vals[k] = make([]float64, px)
		decs[k].decode(vals[k], s, 0, 1)
	}
	out := make([]float64, px)
	red.reduce(out, vals)
	dst := make([]byte, px*4)
	enc.encode(dst, 0, 1, out)
	return dst
}

// TestFusedMatchesGeneral checks the fused float32 path byte for byte
// against the general one, for every input count from 1 to 5, both
// operations and every nodata policy.
func TestFusedMatchesGeneral(t *testing.T) {
	const px = 4099
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 1; k <= 5; k++ {
		for _, op := range []Op{Mean, Sum} {
			for _, pol := range []struct {
				propagate bool
				minValid  int
			}{{false, 0}, {false, 2}, {true, 0}} {
				name := fmt.Sprintf("k%d/%v/propagate=%v/min=%d", k, op, pol.propagate, pol.minValid)
				t.Run(name, func(t *testing.T) {
					p := &pipeline{cfg: Config{Op: op, Type: geotiff.Float32, PropagateNoData: pol.propagate, MinValid: pol.minValid}, bands: []int{0}}
					srcs := make([][]byte, k)
					decs := make([]decoder, k)
					views := make([]view, k)
					for i := range k {
						nd, has := float32(-9999), true
						if i == 1 {
							nd, has = float32(math.NaN()), false // an input without nodata
						}
						decs[i] = newDecoder(geotiff.Float32, has, float64(nd))
						p.srcs = append(p.srcs, &source{decs: decs[i : i+1], vmode: []validity{validNoData}, im: &geotiff.Image{Type: geotiff.Float32}})
						// Offset views check that first is honoured.
						srcs[i] = fusedSamples(rng, px+3, nd)
						views[i] = view{data: srcs[i], first: 3, stride: 1}
					}
					const fill = -9999
					enc := newEncoder(geotiff.Float32, fill)
					enc.avoid = true
					f := newFused32(p, &enc)
					if f == nil {
						t.Fatal("run did not qualify for the fused path")
					}
					got := make([]byte, px*4)
					if !f.reduce(got, views, 0, px) {
						t.Fatal("fused path refused consecutive samples")
					}
					shifted := make([][]byte, k)
					for i := range k {
						shifted[i] = srcs[i][3*4:]
					}
					want := generalPath(op, pol.propagate, pol.minValid, decs, shifted, fill, px)
					if !bytes.Equal(got, want) {
						for q := 0; q < px; q++ {
							if !bytes.Equal(got[q*4:q*4+4], want[q*4:q*4+4]) {
								t.Fatalf("pixel %d: fused %v, general %v", q,
									math.Float32frombits(binary.LittleEndian.Uint32(got[q*4:])),
									math.Float32frombits(binary.LittleEndian.Uint32(want[q*4:])))
							}
						}
					}
				})
			}
		}
	}
}

// TestFusedQualifies checks which runs take the fused path.
func TestFusedQualifies(t *testing.T) {
	f32 := testSource(geotiff.Float32)
	i16 := testSource(geotiff.Int16)
	for _, tc := range []struct {
		name string
		cfg  Config
		srcs []*source
		nb   int
		want bool
	}{
		{"mean float32", Config{Op: Mean, Type: geotiff.Float32}, []*source{f32, f32}, 1, true},
		{"sum float32", Config{Op: Sum, Type: geotiff.Float32}, []*source{f32, f32}, 1, true},
		{"weighted mean", Config{Op: Mean, Type: geotiff.Float32, Weights: []float64{1, 2}}, []*source{f32, f32}, 1, false},
		{"median", Config{Op: Median, Type: geotiff.Float32}, []*source{f32, f32}, 1, false},
		{"float64 output", Config{Op: Mean, Type: geotiff.Float64}, []*source{f32, f32}, 1, false},
		{"int16 input", Config{Op: Mean, Type: geotiff.Float32}, []*source{f32, i16}, 1, false},
		{"interleaved bands", Config{Op: Mean, Type: geotiff.Float32}, []*source{f32, f32}, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &pipeline{cfg: tc.cfg, srcs: tc.srcs, bands: make([]int, tc.nb)}
			enc := newEncoder(geotiff.Float32, -9999)
			if got := newFused32(p, &enc) != nil; got != tc.want {
				t.Errorf("fused = %v, want %v", got, tc.want)
			}
		})
	}
}

// BenchmarkReduceTile compares the general path with the fused one on one
// 256×256 tile of three float32 inputs.
func BenchmarkReduceTile(b *testing.B) {
	const px = 256 * 256
	rng := rand.New(rand.NewPCG(3, 4))
	p := &pipeline{cfg: Config{Op: Mean, Type: geotiff.Float32}, bands: []int{0}}
	var views []view
	for range 3 {
		b := make([]byte, px*4)
		for q := range px {
			x := float32(1000 + rng.NormFloat64())
			if rng.IntN(40) == 0 {
				x = -9999
			}
			binary.LittleEndian.PutUint32(b[q*4:], math.Float32bits(x))
		}
		p.srcs = append(p.srcs, testSource(geotiff.Float32))
		views = append(views, view{data: b, stride: 1})
	}
	p.grid = tiling.Grid{Width: 256, Height: 256, TileWidth: 256, TileHeight: 256}
	newWk := func() *worker {
		wk := p.newWorker(true)
		wk.buf = make([]byte, px*4)
		for k := range views {
			wk.views[k][0] = views[k]
		}
		return wk
	}
	b.Run("general", func(b *testing.B) {
		wk := newWk()
		wk.fused = nil
		b.SetBytes(px * 4 * 3)
		for b.Loop() {
			wk.reduceTile([]int{0}, []span{{0, px}}, false)
		}
	})
	b.Run("fused", func(b *testing.B) {
		wk := newWk()
		b.SetBytes(px * 4 * 3)
		for b.Loop() {
			wk.reduceTile([]int{0}, []span{{0, px}}, false)
		}
	})
}

// testSource returns a one-band source of type t with nodata -9999 and
// loads for one output plane.
func testSource(t geotiff.SampleType) *source {
	return &source{decs: []decoder{newDecoder(t, true, -9999)}, vmode: []validity{validNoData},
		im: &geotiff.Image{Type: t, Bands: 1}, size: t.Size(), loads: [][]int{{0}}}
}
