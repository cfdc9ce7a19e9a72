package compute

import (
	"encoding/binary"
	"math"

	"github.com/gomean/gomean/geotiff"
)

// A decoder turns the little-endian samples of one input band into float64
// values, mapping the input's nodata value and NaN to NaN, so reductions
// see every invalid sample as NaN.
type decoder struct {
	typ geotiff.SampleType
	nd  float64 // nodata in the input's type, or NaN when there is none
	ndi uint64  // nodata bits for 64-bit integer types (exact comparison)
	hnd bool    // the input has a nodata value that its type can hold
}

// newDecoder returns a decoder for samples of type t with the given nodata.
// A nodata value that type t cannot hold (a fraction for an integer type, or
// a value out of range) matches no sample.
func newDecoder(t geotiff.SampleType, hasNoData bool, noData float64) decoder {
	d := decoder{typ: t, nd: math.NaN()}
	if !hasNoData || math.IsNaN(noData) {
		return d
	}
	switch {
	case t == geotiff.Float32:
		d.nd, d.hnd = float64(float32(noData)), true
	case t == geotiff.Float64:
		d.nd, d.hnd = noData, true
	default:
		lo, hi := t.Range()
		if noData != math.Trunc(noData) || noData < lo || noData > hi {
			return d
		}
		d.nd, d.hnd = noData, true
		if t == geotiff.Int64 {
			d.ndi = uint64(toInt64(noData))
		} else if t == geotiff.Uint64 {
			d.ndi = toUint64(noData)
		}
	}
	return d
}

// decode sets dst[k] to the sample at index first+k*stride of src (an index
// in samples, not bytes), or NaN where that sample is nodata.
func (d *decoder) decode(dst []float64, src []byte, first, stride int) {
	nd := d.nd
	nan := math.NaN()
	switch d.typ {
	case geotiff.Uint8:
		for k, i := 0, first; k < len(dst); k, i = k+1, i+stride {
			v := float64(src[i])
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Int8:
		for k, i := 0, first; k < len(dst); k, i = k+1, i+stride {
			v := float64(int8(src[i]))
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Uint16:
		for k, i := 0, first*2; k < len(dst); k, i = k+1, i+stride*2 {
			v := float64(binary.LittleEndian.Uint16(src[i:]))
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Int16:
		for k, i := 0, first*2; k < len(dst); k, i = k+1, i+stride*2 {
			v := float64(int16(binary.LittleEndian.Uint16(src[i:])))
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Uint32:
		for k, i := 0, first*4; k < len(dst); k, i = k+1, i+stride*4 {
			v := float64(binary.LittleEndian.Uint32(src[i:]))
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Int32:
		for k, i := 0, first*4; k < len(dst); k, i = k+1, i+stride*4 {
			v := float64(int32(binary.LittleEndian.Uint32(src[i:])))
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Float32:
		for k, i := 0, first*4; k < len(dst); k, i = k+1, i+stride*4 {
			v := float64(math.Float32frombits(binary.LittleEndian.Uint32(src[i:])))
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Float64:
		for k, i := 0, first*8; k < len(dst); k, i = k+1, i+stride*8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(src[i:]))
			if v == nd {
				v = nan
			}
			dst[k] = v
		}
	case geotiff.Uint64, geotiff.Int64:
		d.decode64(dst, src, first, stride)
	}
}

// decode64 decodes 64-bit integers, comparing nodata exactly as integers.
func (d *decoder) decode64(dst []float64, src []byte, first, stride int) {
	signed := d.typ == geotiff.Int64
	for k, i := 0, first*8; k < len(dst); k, i = k+1, i+stride*8 {
		u := binary.LittleEndian.Uint64(src[i:])
		switch {
		case d.hnd && u == d.ndi:
			dst[k] = math.NaN()
		case signed:
			dst[k] = float64(int64(u))
		default:
			dst[k] = float64(u)
		}
	}
}

// An encoder writes float64 results as samples of the output type: integers
// are rounded half away from zero and clamped to the type's range, and NaN
// (no valid result) becomes the fill value. When avoid is set, a valid
// result that would be stored as the fill value (the output nodata) is
// moved to the nearest other value of the type, as gdalwarp does, so a
// valid pixel never reads as empty. The encoder counts what it did.
type encoder struct {
	typ    geotiff.SampleType
	fill   float64 // value written for NaN, already in the output type
	lo, hi float64 // clamp range for integer types
	avoid  bool    // move valid results off fill

	empty   int64 // NaN results written as fill
	clamped int64 // valid results clamped to the type's range
	moved   int64 // valid results moved off fill
}

func newEncoder(t geotiff.SampleType, fill float64) encoder {
	lo, hi := t.Range()
	return encoder{typ: t, fill: fill, lo: lo, hi: hi}
}

// integer returns v rounded and clamped for an integer output type, or the
// fill value for NaN.
func (e *encoder) integer(v float64) float64 {
	if v != v {
		e.empty++
		return e.fill
	}
	r := math.Round(v)
	if r < e.lo {
		r = e.lo
		e.clamped++
	} else if r > e.hi {
		r = e.hi
		e.clamped++
	}
	if e.avoid && r == e.fill {
		r = e.offFill(v)
	}
	return r
}

// offFill returns the integer next to the fill value on the side of v,
// or on the other side at the edge of the type's range.
func (e *encoder) offFill(v float64) float64 {
	e.moved++
	up := v > e.fill
	if up && e.fill >= e.hi || !up && e.fill <= e.lo {
		up = !up
	}
	next := e.fill - 1
	if up {
		next = e.fill + 1
	}
	if next == e.fill { // beyond 2^53: the next float64 toward that side
		dir := math.Inf(-1)
		if up {
			dir = math.Inf(1)
		}
		next = math.Nextafter(e.fill, dir)
	}
	return next
}

// float32 returns v as a float32 output sample: NaN as the fill value,
// values beyond the float32 range as ±Inf (as GDAL converts them), and
// (with avoid) a valid value that equals the fill moved to the next
// float32.
func (e *encoder) float32(v float64) float32 {
	if v != v {
		e.empty++
		return float32(e.fill)
	}
	f := float32(v)
	if e.avoid && f == float32(e.fill) {
		e.moved++
		to := float32(math.Inf(1))
		if v < e.fill || f == math.MaxFloat32 {
			to = float32(math.Inf(-1))
		}
		f = math.Nextafter32(f, to)
	}
	return f
}

// float64 is float32 for Float64 outputs.
func (e *encoder) float64(v float64) float64 {
	if v != v {
		e.empty++
		return e.fill
	}
	if e.avoid && v == e.fill {
		e.moved++
		to := math.Inf(1)
		if v == math.MaxFloat64 {
			to = math.Inf(-1)
		}
		v = math.Nextafter(v, to)
	}
	return v
}

// encode writes src[k] as the sample at index first+k*stride of dst.
func (e *encoder) encode(dst []byte, first, stride int, src []float64) {
	switch e.typ {
	case geotiff.Uint8:
		for k, i := 0, first; k < len(src); k, i = k+1, i+stride {
			dst[i] = uint8(e.integer(src[k]))
		}
	case geotiff.Int8:
		for k, i := 0, first; k < len(src); k, i = k+1, i+stride {
			dst[i] = uint8(int8(e.integer(src[k])))
		}
	case geotiff.Uint16:
		for k, i := 0, first*2; k < len(src); k, i = k+1, i+stride*2 {
			binary.LittleEndian.PutUint16(dst[i:], uint16(e.integer(src[k])))
		}
	case geotiff.Int16:
		for k, i := 0, first*2; k < len(src); k, i = k+1, i+stride*2 {
			binary.LittleEndian.PutUint16(dst[i:], uint16(int16(e.integer(src[k]))))
		}
	case geotiff.Uint32:
		for k, i := 0, first*4; k < len(src); k, i = k+1, i+stride*4 {
			binary.LittleEndian.PutUint32(dst[i:], uint32(e.integer(src[k])))
		}
	case geotiff.Int32:
		for k, i := 0, first*4; k < len(src); k, i = k+1, i+stride*4 {
			binary.LittleEndian.PutUint32(dst[i:], uint32(int32(e.integer(src[k]))))
		}
	case geotiff.Uint64:
		for k, i := 0, first*8; k < len(src); k, i = k+1, i+stride*8 {
			binary.LittleEndian.PutUint64(dst[i:], toUint64(e.integer(src[k])))
		}
	case geotiff.Int64:
		for k, i := 0, first*8; k < len(src); k, i = k+1, i+stride*8 {
			binary.LittleEndian.PutUint64(dst[i:], uint64(toInt64(e.integer(src[k]))))
		}
	case geotiff.Float32:
		for k, i := 0, first*4; k < len(src); k, i = k+1, i+stride*4 {
			binary.LittleEndian.PutUint32(dst[i:], math.Float32bits(e.float32(src[k])))
		}
	case geotiff.Float64:
		for k, i := 0, first*8; k < len(src); k, i = k+1, i+stride*8 {
			binary.LittleEndian.PutUint64(dst[i:], math.Float64bits(e.float64(src[k])))
		}
	}
}

// toInt64 converts a rounded, clamped value; float64(MaxInt64) is 2^63,
// which does not convert.
func toInt64(v float64) int64 {
	if v >= 0x1p63 {
		return math.MaxInt64
	}
	return int64(v)
}

func toUint64(v float64) uint64 {
	if v >= 0x1p64 {
		return math.MaxUint64
	}
	return uint64(v)
}

// sampleBytes returns value v as one little-endian sample of type t, with
// the output's rounding and clamping.
func sampleBytes(t geotiff.SampleType, v float64) []byte {
	b := make([]byte, t.Size())
	e := newEncoder(t, v)
	e.encode(b, 0, 1, []float64{v})
	return b
}
