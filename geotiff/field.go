package geotiff

import (
	"encoding/binary"
	"math"
	"strings"
)

// A Field is one TIFF directory entry with its values. Data holds the Count
// values of Type in little-endian order, whatever the byte order of the file
// they came from, so a Field can be copied into a file of either byte order.
type Field struct {
	Tag   Tag
	Type  DataType
	Count uint64
	Data  []byte
}

// Uint returns value i of an integer field as a uint64 (signed types are
// sign-extended then converted), and false if i is out of range or the
// field is not of an integer type.
func (f *Field) Uint(i int) (uint64, bool) {
	if i < 0 || uint64(i) >= f.Count {
		return 0, false
	}
	d := f.Data
	switch f.Type {
	case Byte, Undefined:
		return uint64(d[i]), true
	case SByte:
		return uint64(int8(d[i])), true
	case Short:
		return uint64(binary.LittleEndian.Uint16(d[2*i:])), true
	case SShort:
		return uint64(int16(binary.LittleEndian.Uint16(d[2*i:]))), true
	case Long, IFD:
		return uint64(binary.LittleEndian.Uint32(d[4*i:])), true
	case SLong:
		return uint64(int32(binary.LittleEndian.Uint32(d[4*i:]))), true
	case Long8, IFD8, SLong8:
		return binary.LittleEndian.Uint64(d[8*i:]), true
	}
	return 0, false
}

// Uints returns all values of an integer field.
func (f *Field) Uints() []uint64 {
	out := make([]uint64, 0, f.Count)
	for i := 0; uint64(i) < f.Count; i++ {
		v, ok := f.Uint(i)
		if !ok {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// Float returns value i of a numeric field as a float64.
func (f *Field) Float(i int) (float64, bool) {
	if i < 0 || uint64(i) >= f.Count {
		return 0, false
	}
	d := f.Data
	switch f.Type {
	case Float:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:]))), true
	case Double:
		return math.Float64frombits(binary.LittleEndian.Uint64(d[8*i:])), true
	case Rational:
		n, m := binary.LittleEndian.Uint32(d[8*i:]), binary.LittleEndian.Uint32(d[8*i+4:])
		return float64(n) / float64(m), true
	case SRational:
		n, m := int32(binary.LittleEndian.Uint32(d[8*i:])), int32(binary.LittleEndian.Uint32(d[8*i+4:]))
		return float64(n) / float64(m), true
	case SByte, SShort, SLong, SLong8:
		v, ok := f.Uint(i)
		return float64(int64(v)), ok
	}
	v, ok := f.Uint(i)
	return float64(v), ok
}

// Floats returns all values of a numeric field as float64s.
func (f *Field) Floats() []float64 {
	out := make([]float64, 0, f.Count)
	for i := 0; uint64(i) < f.Count; i++ {
		v, ok := f.Float(i)
		if !ok {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// String returns the text of an ASCII field without its trailing NULs.
func (f *Field) String() string {
	return strings.TrimRight(string(f.Data), "\x00")
}

// Fields is a list of fields in ascending tag order.
type Fields []Field

// Get returns the field with tag t, or nil.
func (fs Fields) Get(t Tag) *Field {
	for i := range fs {
		if fs[i].Tag == t {
			return &fs[i]
		}
	}
	return nil
}

// NewASCIIField returns an ASCII field holding s and a terminating NUL.
func NewASCIIField(t Tag, s string) Field {
	d := append([]byte(s), 0)
	return Field{Tag: t, Type: ASCII, Count: uint64(len(d)), Data: d}
}

// NewShortField returns a SHORT field.
func NewShortField(t Tag, v ...uint16) Field {
	d := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(d[2*i:], x)
	}
	return Field{Tag: t, Type: Short, Count: uint64(len(v)), Data: d}
}

// NewLongField returns a LONG field.
func NewLongField(t Tag, v ...uint32) Field {
	d := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(d[4*i:], x)
	}
	return Field{Tag: t, Type: Long, Count: uint64(len(v)), Data: d}
}

// NewDoubleField returns a DOUBLE field.
func NewDoubleField(t Tag, v ...float64) Field {
	d := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(d[8*i:], math.Float64bits(x))
	}
	return Field{Tag: t, Type: Double, Count: uint64(len(v)), Data: d}
}
