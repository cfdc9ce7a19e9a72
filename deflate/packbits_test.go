package deflate

import (
	"bytes"
	"testing"
)

func TestDecodePackBits(t *testing.T) {
	// The example of TIFF 6.0 section 9.
	spec := []byte{0xFE, 0xAA, 0x02, 0x80, 0x00, 0x2A, 0xFD, 0xAA, 0x03, 0x80, 0x00, 0x2A, 0x22, 0xF7, 0xAA}
	want := []byte{0xAA, 0xAA, 0xAA, 0x80, 0x00, 0x2A, 0xAA, 0xAA, 0xAA, 0xAA, 0x80, 0x00, 0x2A, 0x22,
		0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}
	tests := []struct {
		name string
		dst  int
		src  []byte
		want []byte
	}{
		{"spec example", len(want), spec, want},
		{"spec example, dst larger", len(want) + 5, spec, want},
		{"dst full mid literal", 4, spec, want[:4]},
		{"dst full mid run", 8, spec, want[:8]},
		{"no-op header", 2, []byte{0x80, 0x01, 7, 8}, []byte{7, 8}},
		{"literal cut by src", 5, []byte{0x04, 1, 2}, []byte{1, 2}},
		{"run without its byte", 5, []byte{0xFE}, nil},
		{"empty", 5, nil, nil},
		{"empty dst", 0, spec, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, tt.dst+4)
			n, err := DecodePackBits(buf[:tt.dst], tt.src)
			if err != nil || !bytes.Equal(buf[:n], tt.want) {
				t.Errorf("DecodePackBits = %x, %v; want %x", buf[:n], err, tt.want)
			}
			if !bytes.Equal(buf[tt.dst:], make([]byte, 4)) {
				t.Errorf("DecodePackBits wrote past len(dst)")
			}
		})
	}
}

func TestPackBitsRoundTrip(t *testing.T) {
	for _, in := range testInputs() {
		t.Run(in.name, func(t *testing.T) {
			enc := EncodePackBits(nil, in.data)
			dst := make([]byte, len(in.data))
			n, err := DecodePackBits(dst, enc)
			if err != nil || n != len(in.data) || !bytes.Equal(dst, in.data) {
				t.Errorf("round trip = %d, %v; want %d bytes equal", n, err, len(in.data))
			}
		})
	}
}

func FuzzPackBits(f *testing.F) {
	f.Add([]byte{0xFE, 0xAA, 0x02, 0x80, 0x00, 0x2A}, 10)
	f.Fuzz(func(t *testing.T, src []byte, size int) {
		size = max(0, min(size, 1<<16))
		dst := make([]byte, size)
		n, _ := DecodePackBits(dst, src)
		if n > size {
			t.Fatalf("n = %d > len(dst) = %d", n, size)
		}
		enc := EncodePackBits(nil, dst[:n])
		back := make([]byte, n)
		if m, err := DecodePackBits(back, enc); err != nil || m != n || !bytes.Equal(back, dst[:n]) {
			t.Fatalf("round trip failed: %d, %v", m, err)
		}
	})
}
