// Package overview computes the reduced-resolution levels of a tiled
// raster as GDAL 3.6's overview builders do (gcore/overview.cpp, as its
// COG driver and gdaladdo run it): each level is computed from the one
// above it (level k+1 from level k), its size rounded down as the COG
// driver sizes them. Where the level above has an even size the windows
// are exact 2×2 blocks; where it has an odd size 2n+1, GDAL maps it onto n
// pixels with a ratio of 2 + 1/n, so its AVERAGE windows are three pixels
// wide with fractional weights at both ends, and so are this package's
// (see window.go).
//
// A [Builder] takes full-resolution tiles in any order and keeps, per
// level, the overview tiles whose sources are not all in, and the two
// edge rows and columns of the source tiles that a window straddling two
// tiles still needs.
package overview

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// A Method is a resampling method of GDAL's overview builders.
type Method int

// Methods.
const (
	// Average is the weighted mean of the valid samples of each window
	// (a 2×2 block where the level above has even sizes), as gdaladdo -r
	// average: invalid samples are skipped, and the overview sample is
	// invalid (the fill value) only when all are. As GDAL 3.6, the sums
	// are in float64 of the samples as float32, the result goes through
	// float32 and is rounded half away from zero (in float32) for integer
	// types, except Byte, Int8 and UInt16, which GDAL sums exactly and
	// rounds in float64.
	Average Method = iota
	// Nearest takes the sample at int(0.5 + j·ratio) of the level above:
	// the top-left one of each 2×2 block where sizes are even.
	Nearest
	// Mode takes the most frequent valid value of each window, counted in
	// row-major order, the value that first reached the highest count
	// winning ties (GDAL's rule), for categorical data.
	Mode
)

func (m Method) String() string {
	switch m {
	case Average:
		return "AVERAGE"
	case Nearest:
		return "NEAREST"
	case Mode:
		return "MODE"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod parses GDAL's name of a resampling method: AVERAGE, NEAREST
// or MODE, in any case.
func ParseMethod(s string) (Method, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "AVERAGE":
		return Average, nil
	case "NEAREST":
		return Nearest, nil
	case "MODE":
		return Mode, nil
	}
	return 0, fmt.Errorf("overview: resampling %q: want AVERAGE, NEAREST or MODE", s)
}

// A Tiling describes the tiles that [Tiling.Reduce] reads and writes.
type Tiling struct {
	TileWidth, TileHeight int // even sizes, at least 4
	Samples               int // samples per pixel in a tile
	Type                  geotiff.SampleType
	// HasNoData marks samples equal to NoData invalid; NaN samples always
	// are. Fill is written where a block has no valid sample.
	HasNoData bool
	NoData    float64
	Fill      float64
	// Alpha: the last sample of each pixel is an alpha band, which GDAL
	// 3.6's AVERAGE uses as a mask: a pixel whose alpha is 0 is skipped
	// in every band, the alpha itself included (its overview is the
	// average of the nonzero alphas, 0 where there is none); colours are
	// not weighted by alpha. NEAREST and MODE ignore the alpha, as GDAL's
	// do (MODE still skips nodata).
	Alpha bool
}

// skip reports whether sample s of pixel p of src is left out: masked
// out, nodata or NaN, or, for Average, of a pixel whose alpha is 0.
func (t *Tiling) skip(m Method, src, valid []byte, p, s int) bool {
	if valid != nil && valid[p] == 0 {
		return true
	}
	spp, size := t.Samples, t.Type.Size()
	if t.Alpha && m == Average {
		if t.Type.Get(src[(p*spp+spp-1)*size:]) == 0 {
			return true
		}
		if s == spp-1 {
			return false
		}
	}
	return t.invalid(t.Type.Get(src[(p*spp+s)*size:]))
}

// fill returns the value of sample s where no pixel is valid: Fill, or 0
// for an alpha band.
func (t *Tiling) fill(s int) float64 {
	if t.Alpha && s == t.Samples-1 {
		return 0
	}
	return t.Fill
}

// invalid reports whether sample v is invalid: NaN (always, as gomean
// skips NaN everywhere) or the nodata value.
func (t *Tiling) invalid(v float64) bool {
	return v != v || t.HasNoData && v == t.NoData
}

// mode returns the value that first reaches the highest count among the
// valid vals, in order, or fill when none is valid.
func (t *Tiling) mode(vals []float64, ok []bool, fill float64) float64 {
	best, bestN := fill, 0
	for i, v := range vals {
		if !ok[i] {
			continue
		}
		c := 0
		for j := 0; j <= i; j++ {
			if ok[j] && (vals[j] == v || v != v && vals[j] != vals[j]) {
				c++
			}
		}
		if c > bestN {
			best, bestN = v, c
		}
	}
	return best
}

// exact reports whether GDAL 3.6 averages the type in float64 (its Byte
// and UInt16 working types; Int8 is Byte there) rather than in float32.
func (t *Tiling) exact() bool {
	return t.Type == geotiff.Uint8 || t.Type == geotiff.Int8 || t.Type == geotiff.Uint16
}

// in returns sample v as GDAL's working type holds it.
func (t *Tiling) in(v float64) float64 {
	if t.exact() {
		return v
	}
	return float64(float32(v))
}

// out converts an average to the value GDAL 3.6 stores: Byte and UInt16
// rounded half up in float64; other types through float32, integer types
// rounded half away from zero in float32 (GDAL's GDALCopyWord). Put
// clamps it to the type's range.
func (t *Tiling) out(v float64) float64 {
	if t.exact() {
		return math.Floor(v + 0.5)
	}
	f := float32(v)
	if t.Type.IsFloat() {
		return float64(f)
	}
	if f >= 0 {
		f += 0.5
	} else {
		f -= 0.5
	}
	return math.Trunc(float64(f))
}

// averageFloat32 reduces the fw×fh 2×2 blocks of a one-band float32 tile
// into quarter (qx, qy) of dst with Average, without a mask (the common
// case, unrolled): invalid samples are NaN and, with checkND, nd.
func (t *Tiling) averageFloat32(dst, src []byte, fw, fh, qx, qy int, checkND bool, nd, fill float32) {
	tw, hw, hh := t.TileWidth, t.TileWidth/2, t.TileHeight/2
	le := binary.LittleEndian
	for y := range fh {
		row0 := src[8*y*tw : 8*y*tw+4*tw]
		row1 := src[(8*y+4)*tw : (8*y+4)*tw+4*tw]
		out := dst[4*((qy*hh+y)*tw+qx*hw):]
		for x := range fw {
			v := [4]float32{
				math.Float32frombits(le.Uint32(row0[8*x:])),
				math.Float32frombits(le.Uint32(row0[8*x+4:])),
				math.Float32frombits(le.Uint32(row1[8*x:])),
				math.Float32frombits(le.Uint32(row1[8*x+4:])),
			}
			var sum float64
			n := 0
			for _, f := range v {
				if f == f && !(checkND && f == nd) {
					sum += float64(f)
					n++
				}
			}
			r := fill
			if n > 0 {
				r = float32(sum / float64(n))
			}
			le.PutUint32(out[4*x:], math.Float32bits(r))
		}
	}
}
