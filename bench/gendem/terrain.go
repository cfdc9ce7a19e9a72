package main

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"github.com/gomean/gomean/geotiff"
)

// model is the synthetic area: one shared terrain and, for each of the K
// inputs, its own measurement noise, bias and nodata holes, like K DEMs of
// the same area from different sources.
type model struct {
	base    *field   // shared terrain: 11 octaves, 2048 px down to 2 px
	perturb []*field // per input: a few metres of noise, 64 px down to 2 px
	holes   []*field // per input: low-frequency field thresholded into blobs
	bias    []float32
	typ     geotiff.SampleType
	nodata  float64
	w, h    int // raster size; pixels outside it are written as nodata
}

// holeThreshold makes about 2 % of the pixels nodata.
const holeThreshold = 0.77

func newModel(seed uint64, k int, typ geotiff.SampleType, nodata float64, w, h int) *model {
	m := &model{
		base:   newField(seed, octaveSpacings(2048, 11), 0.55),
		typ:    typ,
		nodata: nodata,
		w:      w,
		h:      h,
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := range k {
		m.perturb = append(m.perturb, newField(seed+1000+uint64(i), octaveSpacings(64, 6), 0.7))
		m.holes = append(m.holes, newField(seed+2000+uint64(i), octaveSpacings(512, 4), 0.5))
		m.bias = append(m.bias, float32(rng.NormFloat64()))
	}
	return m
}

// block is one goroutine's buffers for a w×h block of pixels.
type block struct {
	sc         scratch
	elev, f, g []float32
}

func newBlock(n int) *block {
	return &block{elev: make([]float32, n), f: make([]float32, n), g: make([]float32, n)}
}

// terrain computes the shared elevation (metres, 0 = sea) of the block at
// (x0, y0) into b.elev. The fBm is contrast-stretched and shaped so that
// elevations span 0..3000 m, with the low part clipped to a flat sea (about
// 7 % of the pixels at 10000×10000, as in ../shared/bench/gen_dem.py).
func (m *model) terrain(b *block, x0, y0, w, h int) {
	m.base.eval(&b.sc, x0, y0, w, h, b.elev)
	for i, f := range b.elev[:w*h] {
		t := (f-0.5)*2.1 + 0.45
		t = min(max(t, 0), 1)
		b.elev[i] = float32(math.Pow(float64(t), 1.6)) * 3000
	}
}

// input writes input k's samples of the block whose terrain is in b.elev
// to dst, little-endian, w*h samples of m.typ. It returns the number of
// nodata pixels inside the raster.
func (m *model) input(b *block, k, x0, y0, w, h int, dst []byte) int {
	m.perturb[k].eval(&b.sc, x0, y0, w, h, b.f)
	m.holes[k].eval(&b.sc, x0, y0, w, h, b.g)
	size := m.typ.Size()
	holes := 0
	for y := range h {
		for x := range w {
			i := y*w + x
			v := float64(m.nodata)
			switch {
			case x0+x >= m.w || y0+y >= m.h:
			case b.g[i] > holeThreshold:
				holes++
			default:
				e := b.elev[i]
				if e > 0 {
					e = min(max(e+(b.f[i]-0.5)*8+m.bias[k], 0), 3000)
				}
				v = float64(e)
			}
			put(m.typ, dst[i*size:], v)
		}
	}
	return holes
}

// put stores v as a little-endian sample of type t, rounded to nearest for
// integer types.
func put(t geotiff.SampleType, b []byte, v float64) {
	switch t {
	case geotiff.Float32:
		binary.LittleEndian.PutUint32(b, math.Float32bits(float32(v)))
	case geotiff.Int16:
		binary.LittleEndian.PutUint16(b, uint16(int16(math.RoundToEven(v))))
	case geotiff.Uint16:
		binary.LittleEndian.PutUint16(b, uint16(math.RoundToEven(v)))
	default:
		t.Put(b, v)
	}
}
