package main

import "math"

// A field is a fractal Brownian motion (fBm) of value noise: the sum of
// octaves of a random lattice interpolated with a quintic smoothstep,
// normalised to about [0, 1] (mean 0.5). It is evaluated tile by tile and a
// pixel's value depends only on the field and the pixel's position, so the
// result does not depend on the tile size, the tile order or the number of
// goroutines.
type field struct {
	octaves []octave
	norm    float32 // 1 / sum of the amplitudes
}

type octave struct {
	seed       uint64
	spacing    float64 // lattice spacing in pixels
	amp        float32
	offx, offy float64 // random phase, in pixels
}

// newField returns the fBm of the given lattice spacings (coarse to fine),
// each octave's amplitude gain times the previous one's.
func newField(seed uint64, spacings []float64, gain float32) *field {
	f := &field{}
	amp, total := float32(1), float32(0)
	for o, s := range spacings {
		oseed := mix(seed, uint64(o)+1)
		f.octaves = append(f.octaves, octave{
			seed:    oseed,
			spacing: s,
			amp:     amp,
			offx:    unit(mix(oseed, 1)) * s,
			offy:    unit(mix(oseed, 2)) * s,
		})
		total += amp
		amp *= gain
	}
	f.norm = 1 / total
	return f
}

// octaveSpacings returns n spacings from first, halving each time.
func octaveSpacings(first float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = first / float64(int(1)<<i)
	}
	return s
}

// mix is the splitmix64 finaliser of a combined with b.
func mix(a, b uint64) uint64 {
	z := a ^ (b+0x9E3779B97F4A7C15)*0xBF58476D1CE4E5B9
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// unit maps h to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// lattice is the random value in [0, 1) of lattice point (ix, iy).
func lattice(seed uint64, ix, iy int64) float32 {
	return float32(mix(mix(seed, uint64(ix)), uint64(iy))>>40) / (1 << 24)
}

// fade is the quintic smoothstep 6t^5 - 15t^4 + 10t^3.
func fade(t float64) float32 {
	return float32(t * t * t * (t*(t*6-15) + 10))
}

// scratch holds one goroutine's buffers for field evaluation.
type scratch struct {
	ix, iy []int64
	wx, wy []float32
	lat    []float32
	rows   []float32
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// eval writes the field over the w×h pixels whose top-left corner is
// (x0, y0) into out (row-major, len w*h).
func (f *field) eval(sc *scratch, x0, y0, w, h int, out []float32) {
	clear(out[:w*h])
	sc.ix, sc.wx = grow(sc.ix, w), grow(sc.wx, w)
	sc.iy, sc.wy = grow(sc.iy, h), grow(sc.wy, h)
	for _, o := range f.octaves {
		for x := 0; x < w; x++ {
			p := (float64(x0+x) + o.offx) / o.spacing
			fl := math.Floor(p)
			sc.ix[x], sc.wx[x] = int64(fl), fade(p-fl)
		}
		for y := 0; y < h; y++ {
			p := (float64(y0+y) + o.offy) / o.spacing
			fl := math.Floor(p)
			sc.iy[y], sc.wy[y] = int64(fl), fade(p-fl)
		}
		lx0, nx := sc.ix[0], int(sc.ix[w-1]-sc.ix[0])+2
		ly0, ny := sc.iy[0], int(sc.iy[h-1]-sc.iy[0])+2
		// Interpolate along x every lattice row the tile needs ...
		sc.lat = grow(sc.lat, nx)
		sc.rows = grow(sc.rows, ny*w)
		for j := 0; j < ny; j++ {
			for i := range nx {
				sc.lat[i] = lattice(o.seed, lx0+int64(i), ly0+int64(j))
			}
			row := sc.rows[j*w : (j+1)*w]
			for x := range row {
				i := int(sc.ix[x] - lx0)
				a, b := sc.lat[i], sc.lat[i+1]
				row[x] = a + (b-a)*sc.wx[x]
			}
		}
		// ... then along y, and accumulate.
		for y := 0; y < h; y++ {
			j := int(sc.iy[y] - ly0)
			a, b := sc.rows[j*w:(j+1)*w], sc.rows[(j+1)*w:(j+2)*w]
			wy, dst := sc.wy[y], out[y*w:(y+1)*w]
			for x := range dst {
				dst[x] += o.amp * (a[x] + (b[x]-a[x])*wy)
			}
		}
	}
	for i := range out[:w*h] {
		out[i] *= f.norm
	}
}
