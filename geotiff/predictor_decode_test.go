package geotiff

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"testing"
)

// fpDiffRef is a literal transcription of libtiff's fpDiff for one row of
// little-endian samples: shuffle bytes into planes, most significant first,
// then difference bytewise with stride spp, from the end backwards.
func fpDiffRef(row []byte, spp, size int) []byte {
	n := len(row) / size
	out := make([]byte, len(row))
	for i := 0; i < n; i++ {
		for k := 0; k < size; k++ {
			out[(size-1-k)*n+i] = row[size*i+k]
		}
	}
	for i := len(out) - 1; i >= spp; i-- {
		out[i] -= out[i-spp]
	}
	return out
}

func TestUndoFloatMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, tc := range []struct {
		name           string
		size, spp, row int
	}{
		{"float32 1 band", 4, 1, 17}, {"float32 3 bands", 4, 3, 5},
		{"float64 2 bands", 8, 2, 9}, {"float16 1 band", 2, 1, 33},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rowBytes := tc.row * tc.spp * tc.size
			want := make([]byte, 3*rowBytes)
			for i := 0; i+4 <= len(want); i += 4 {
				binary.LittleEndian.PutUint32(want[i:], math.Float32bits(float32(rng.NormFloat64()*1000)))
			}
			var enc []byte
			for r := 0; r < 3; r++ {
				enc = append(enc, fpDiffRef(want[r*rowBytes:(r+1)*rowBytes], tc.spp, tc.size)...)
			}
			undoFloat(enc, make([]byte, rowBytes), rowBytes, tc.spp, tc.size)
			if !bytes.Equal(enc, want) {
				t.Errorf("undoFloat does not invert the reference fpDiff")
			}
		})
	}
}

func TestUndoHorizontal(t *testing.T) {
	// Two rows of 3 pixels × 2 samples, 16-bit: each row restarts.
	vals := []uint16{10, 20, 11, 22, 9, 65535, 5, 6, 7, 8, 9, 10}
	diff := make([]byte, 2*len(vals))
	for i, v := range vals {
		d := v
		if i%6 >= 2 {
			d = v - vals[i-2]
		}
		binary.LittleEndian.PutUint16(diff[2*i:], d)
	}
	undoHorizontal(diff, 12, 2, 2)
	for i, v := range vals {
		if g := binary.LittleEndian.Uint16(diff[2*i:]); g != v {
			t.Errorf("sample %d = %d, want %d", i, g, v)
		}
	}
}

func TestHalfToFloat(t *testing.T) {
	for _, tc := range []struct {
		h    uint32
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0001, 5.960464477539063e-08},
		{0x0400, 6.103515625e-05}, {0x8000, float32(math.Copysign(0, -1))},
		{0x7c00, float32(math.Inf(1))}, {0x3555, 0.333251953125},
	} {
		if got := halfToFloat(tc.h); got != tc.want || math.Signbit(float64(got)) != math.Signbit(float64(tc.want)) {
			t.Errorf("halfToFloat(%#x) = %v, want %v", tc.h, got, tc.want)
		}
	}
	if got := halfToFloat(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("halfToFloat(0x7e00) = %v, want NaN", got)
	}
}

func TestPrefixSum(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 255, 1024} {
		src := make([]byte, n)
		rng.Read(src)
		got := make([]byte, n)
		prefixSum(got, src)
		var acc byte
		for i, v := range src {
			acc += v
			if got[i] != acc {
				t.Fatalf("n=%d: byte %d = %d, want %d", n, i, got[i], acc)
			}
		}
	}
}

func BenchmarkUndoFloat32(b *testing.B) {
	const w, h = 256, 256
	buf := make([]byte, w*h*4)
	rand.New(rand.NewSource(3)).Read(buf)
	tmp := make([]byte, w*4)
	b.SetBytes(int64(len(buf)))
	for i := 0; i < b.N; i++ {
		undoFloat(buf, tmp, w*4, 1, 4)
	}
}
