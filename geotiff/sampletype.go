package geotiff

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// A SampleType is the type of one decoded sample. Decoded samples are always
// little-endian, whatever the byte order of the file or the host.
type SampleType uint8

// Sample types. Float16 files decode to Float32 samples; Float16 is never the
// type of decoded data.
const (
	Invalid SampleType = iota
	Uint8
	Int8
	Uint16
	Int16
	Uint32
	Int32
	Uint64
	Int64
	Float32
	Float64
)

var sampleTypeNames = [...]string{"Unknown", "Byte", "Int8", "UInt16", "Int16", "UInt32", "Int32",
	"UInt64", "Int64", "Float32", "Float64"}

var sampleTypeSizes = [...]int{0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8}

// String returns GDAL's name for the type (Byte, Int16, UInt16, Float32, ...).
func (t SampleType) String() string {
	if int(t) < len(sampleTypeNames) {
		return sampleTypeNames[t]
	}
	return fmt.Sprintf("SampleType(%d)", uint8(t))
}

// Size returns the size of one sample in bytes, or 0 for an invalid type.
func (t SampleType) Size() int {
	if int(t) < len(sampleTypeSizes) {
		return sampleTypeSizes[t]
	}
	return 0
}

// IsFloat reports whether t is a floating-point type.
func (t SampleType) IsFloat() bool { return t == Float32 || t == Float64 }

// IsSigned reports whether t is a signed integer or floating-point type.
func (t SampleType) IsSigned() bool {
	switch t {
	case Int8, Int16, Int32, Int64, Float32, Float64:
		return true
	}
	return false
}

// Range returns the smallest and largest values of an integer type, and
// ±MaxFloat for float types.
func (t SampleType) Range() (lo, hi float64) {
	switch t {
	case Uint8:
		return 0, 255
	case Int8:
		return -128, 127
	case Uint16:
		return 0, 65535
	case Int16:
		return -32768, 32767
	case Uint32:
		return 0, 4294967295
	case Int32:
		return -2147483648, 2147483647
	case Uint64:
		return 0, 18446744073709551615
	case Int64:
		return -9223372036854775808, 9223372036854775807
	case Float32:
		return -3.4028234663852886e38, 3.4028234663852886e38
	case Float64:
		return -1.7976931348623157e308, 1.7976931348623157e308
	}
	return 0, 0
}

// ParseSampleType parses a GDAL data type name (Byte, Int8, UInt16, Int16,
// UInt32, Int32, UInt64, Int64, Float32, Float64), case-insensitively. The Go
// spellings uint8, uint16, float32, ... are accepted too.
func ParseSampleType(s string) (SampleType, error) {
	switch strings.ToLower(s) {
	case "byte", "uint8":
		return Uint8, nil
	case "int8":
		return Int8, nil
	case "uint16":
		return Uint16, nil
	case "int16":
		return Int16, nil
	case "uint32":
		return Uint32, nil
	case "int32":
		return Int32, nil
	case "uint64":
		return Uint64, nil
	case "int64":
		return Int64, nil
	case "float32":
		return Float32, nil
	case "float64":
		return Float64, nil
	}
	return Invalid, fmt.Errorf("geotiff: unknown data type %q: want one of Byte, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Float32, Float64", s)
}

// sampleFormat returns the TIFF SampleFormat and BitsPerSample of t.
func (t SampleType) sampleFormat() (format, bits int) {
	switch t {
	case Uint8, Uint16, Uint32, Uint64:
		return sampleFormatUint, t.Size() * 8
	case Int8, Int16, Int32, Int64:
		return sampleFormatInt, t.Size() * 8
	case Float32, Float64:
		return sampleFormatFloat, t.Size() * 8
	}
	return 0, 0
}

// Get returns the sample of type t at the start of b (little-endian) as a
// float64. b must hold at least t.Size() bytes.
func (t SampleType) Get(b []byte) float64 {
	switch t {
	case Uint8:
		return float64(b[0])
	case Int8:
		return float64(int8(b[0]))
	case Uint16:
		return float64(binary.LittleEndian.Uint16(b))
	case Int16:
		return float64(int16(binary.LittleEndian.Uint16(b)))
	case Uint32:
		return float64(binary.LittleEndian.Uint32(b))
	case Int32:
		return float64(int32(binary.LittleEndian.Uint32(b)))
	case Uint64:
		return float64(binary.LittleEndian.Uint64(b))
	case Int64:
		return float64(int64(binary.LittleEndian.Uint64(b)))
	case Float32:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	case Float64:
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return 0
}

// Put stores v as a sample of type t at the start of b (little-endian). For
// integer types v is rounded to nearest and clamped to the type's range
// (NaN becomes 0). b must hold at least t.Size() bytes.
func (t SampleType) Put(b []byte, v float64) {
	if !t.IsFloat() {
		if math.IsNaN(v) {
			v = 0
		}
		lo, hi := t.Range()
		v = math.Round(math.Max(lo, math.Min(hi, v)))
	}
	switch t {
	case Uint8, Int8:
		b[0] = byte(int64(v))
	case Uint16, Int16:
		binary.LittleEndian.PutUint16(b, uint16(int64(v)))
	case Uint32, Int32:
		binary.LittleEndian.PutUint32(b, uint32(int64(v)))
	case Uint64:
		if v >= 1<<63 {
			binary.LittleEndian.PutUint64(b, uint64(v))
		} else {
			binary.LittleEndian.PutUint64(b, uint64(int64(v)))
		}
	case Int64:
		if v >= 1<<63 {
			binary.LittleEndian.PutUint64(b, math.MaxInt64)
		} else {
			binary.LittleEndian.PutUint64(b, uint64(int64(v)))
		}
	case Float32:
		binary.LittleEndian.PutUint32(b, math.Float32bits(float32(v)))
	case Float64:
		binary.LittleEndian.PutUint64(b, math.Float64bits(v))
	}
}
