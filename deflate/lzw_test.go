package deflate

import (
	"bytes"
	"compress/lzw"
	"errors"
	"testing"
)

func TestLZWRoundTrip(t *testing.T) {
	for _, in := range testInputs() {
		t.Run(in.name, func(t *testing.T) {
			enc, err := EncodeLZW([]byte{9}, in.data)
			if err != nil || enc[0] != 9 {
				t.Fatalf("EncodeLZW = %v; want appended output", err)
			}
			enc = enc[1:]
			if len(enc) < 2 || enc[0] != 0x80 || enc[1]&0x80 != 0 {
				t.Fatalf("stream starts %x; want a 9-bit Clear code (0x80 0x0.)", enc[:2])
			}
			dst := make([]byte, len(in.data)+3)
			n, err := DecodeLZW(dst, enc)
			if err != nil || n != len(in.data) || !bytes.Equal(dst[:n], in.data) {
				t.Fatalf("DecodeLZW = %d, %v; want %d bytes equal to input", n, err, len(in.data))
			}
		})
	}
}

// TestDecodeLZWCompat decodes the old LSB-first flavour, which the
// standard library's compress/lzw writes with order LSB and 8-bit literals.
func TestDecodeLZWCompat(t *testing.T) {
	for _, in := range testInputs() {
		if len(in.data) == 0 {
			continue // compress/lzw writes nothing at all for empty input
		}
		t.Run(in.name, func(t *testing.T) {
			var b bytes.Buffer
			w := lzw.NewWriter(&b, lzw.LSB, 8)
			w.Write(in.data)
			w.Close()
			if b.Bytes()[0] != 0 || b.Bytes()[1]&1 == 0 {
				t.Fatalf("compat stream starts %x; want 00 x1", b.Bytes()[:2])
			}
			dst := make([]byte, len(in.data))
			n, err := DecodeLZW(dst, b.Bytes())
			if err != nil || n != len(in.data) || !bytes.Equal(dst, in.data) {
				t.Fatalf("DecodeLZW = %d, %v; want %d bytes equal to input", n, err, len(in.data))
			}
		})
	}
}

// lzwCodes packs 9-bit codes MSB first (enough for short hand-made streams).
func lzwCodes(codes ...int) []byte {
	w := lzwWriter{}
	for _, c := range codes {
		w.put(c, 9)
	}
	w.flush()
	return w.dst
}

func TestDecodeLZWCases(t *testing.T) {
	tests := []struct {
		name    string
		dst     int
		src     []byte
		want    []byte
		wantErr bool
	}{
		// "ABABABA": A B AB ABA(KwKwK: code 260 before it is defined... defined as it is read).
		{"kwkwk", 7, lzwCodes(256, 'A', 'B', 258, 260, 257), []byte("ABABABA"), false},
		{"no leading clear", 2, lzwCodes('x', 'y', 257), []byte("xy"), false},
		{"stops at EOI", 10, lzwCodes(256, 'a', 257, 'b'), []byte("a"), false},
		{"dst full ignores trailing codes", 2, lzwCodes(256, 'a', 'b', 'c', 999), []byte("ab"), false},
		{"string cut at dst end", 3, lzwCodes(256, 'A', 'B', 258, 257), []byte("ABA"), false},
		{"no EOI", 5, lzwCodes(256, 'a', 'b'), []byte("ab"), false},
		{"repeated clears", 2, lzwCodes(256, 256, 256, 'q', 'r'), []byte("qr"), false},
		{"empty", 4, nil, nil, false},
		{"code beyond table", 10, lzwCodes(256, 'a', 300), []byte("a"), true},
		{"EOI-range code after clear", 10, lzwCodes(256, 258), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, tt.dst+4)
			n, err := DecodeLZW(buf[:tt.dst], tt.src)
			if (err != nil) != tt.wantErr {
				t.Fatalf("DecodeLZW error = %v; want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, errLZWCode) {
				t.Errorf("error %v does not wrap errLZWCode", err)
			}
			if !bytes.Equal(buf[:n], tt.want) {
				t.Errorf("DecodeLZW = %q; want %q", buf[:n], tt.want)
			}
			if !bytes.Equal(buf[tt.dst:], make([]byte, 4)) {
				t.Errorf("DecodeLZW wrote past len(dst)")
			}
		})
	}
}

func FuzzLZW(f *testing.F) {
	f.Add([]byte("ABABABABABABAB"), 20)
	f.Add(lzwCodes(256, 'A', 'B', 258, 260, 257), 7)
	f.Fuzz(func(t *testing.T, data []byte, size int) {
		// Random bytes as a stream: bounded output, no panic.
		size = max(0, min(size, 1<<16))
		dst := make([]byte, size)
		if n, _ := DecodeLZW(dst, data); n > size {
			t.Fatalf("n = %d > len(dst) = %d", n, size)
		}
		// The same bytes as data: round trip.
		enc, _ := EncodeLZW(nil, data)
		back := make([]byte, len(data))
		if n, err := DecodeLZW(back, enc); err != nil || n != len(data) || !bytes.Equal(back, data) {
			t.Fatalf("round trip = %d, %v", n, err)
		}
	})
}
