package deflate

import (
	"bytes"
	stdflate "compress/flate"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zlib"
)

// mustZlib compresses data with klauspost zlib at level.
func mustZlib(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mustRaw compresses data to raw DEFLATE with the standard library.
func mustRaw(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := stdflate.NewWriter(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInflateRoundTrip(t *testing.T) {
	for _, in := range testInputs() {
		for _, level := range []int{-2, 0, 1, 5, 9} {
			t.Run(fmt.Sprintf("%s/level%d", in.name, level), func(t *testing.T) {
				for _, tc := range []struct {
					kind    string
					enc     []byte
					inflate func(dst, src []byte) (int, error)
				}{
					{"zlib", mustZlib(t, in.data, level), Inflate},
					{"raw", mustRaw(t, in.data, level), InflateRaw},
				} {
					// Exact size, one spare byte, and trailing garbage after the stream.
					for _, extra := range []int{0, 1} {
						dst := make([]byte, len(in.data)+extra)
						src := append(bytes.Clone(tc.enc), 0xde, 0xad)
						n, err := tc.inflate(dst, src)
						if err != nil || n != len(in.data) || !bytes.Equal(dst[:n], in.data) {
							t.Fatalf("%s extra %d: = %d, %v; want %d bytes equal to input", tc.kind, extra, n, err, len(in.data))
						}
					}
				}
			})
		}
	}
}

func TestInflateErrors(t *testing.T) {
	data := bytes.Repeat([]byte("gomean tile "), 1000)
	good := mustZlib(t, data, 6)
	badSum := bytes.Clone(good)
	badSum[len(badSum)-1] ^= 1
	badHeader := bytes.Clone(good)
	badHeader[1] ^= 1                                                // FCHECK no longer a multiple of 31
	dict := []byte{0x78, 0xbb, 0, 0, 0, 2}                           // FDICT set; the id is not adler32 of the empty dictionary
	badBlock := []byte{0x78, 0x9c, 0x07}                             // BTYPE 11 is reserved
	storedBadLen := []byte{0x78, 0x01, 0x01, 0x05, 0x00, 0x00, 0x00} // NLEN != ^LEN
	tests := []struct {
		name  string
		dst   int
		src   []byte
		want  error // matched with errors.Is; nil means any error
		wantN int   // -1: do not check
	}{
		{"empty", len(data), nil, io.ErrUnexpectedEOF, 0},
		{"header only", len(data), good[:2], io.ErrUnexpectedEOF, -1},
		{"truncated middle", len(data), good[:len(good)/2], io.ErrUnexpectedEOF, -1},
		{"truncated checksum", len(data), good[:len(good)-2], io.ErrUnexpectedEOF, len(data)},
		{"bad checksum", len(data), badSum, zlib.ErrChecksum, len(data)},
		{"bad header", len(data), badHeader, zlib.ErrHeader, 0},
		{"preset dictionary", len(data), dict, zlib.ErrDictionary, 0},
		{"reserved block type", len(data), badBlock, nil, -1},
		{"stored length mismatch", 10, storedBadLen, nil, -1},
		{"output too large", len(data) - 1, good, ErrOutputTooLarge, len(data) - 1},
		{"output too large into empty", 0, good, ErrOutputTooLarge, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := make([]byte, tt.dst+8)
			guard := bytes.Repeat([]byte{0xa5}, 8)
			copy(dst[tt.dst:], guard)
			n, err := Inflate(dst[:tt.dst], tt.src)
			if err == nil {
				t.Fatalf("Inflate = %d, nil; want error", n)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Inflate error = %v; want errors.Is %v", err, tt.want)
			}
			if tt.wantN >= 0 && n != tt.wantN {
				t.Errorf("Inflate n = %d; want %d", n, tt.wantN)
			}
			if n > tt.dst || !bytes.Equal(dst[tt.dst:], guard) {
				t.Errorf("Inflate wrote past len(dst)")
			}
		})
	}
}

func TestInflateShortStream(t *testing.T) {
	data := []byte("short")
	dst := make([]byte, 100)
	n, err := Inflate(dst, mustZlib(t, data, 9))
	if err != nil || n != len(data) || string(dst[:n]) != "short" {
		t.Errorf("Inflate = %d, %v; want %d, nil", n, err, len(data))
	}
	n, err = InflateRaw(dst, mustRaw(t, nil, 9))
	if err != nil || n != 0 {
		t.Errorf("InflateRaw(empty stream) = %d, %v; want 0, nil", n, err)
	}
}

func TestInflateRawErrors(t *testing.T) {
	raw := mustRaw(t, bytes.Repeat([]byte("abc"), 999), 6)
	for _, tt := range []struct {
		name string
		dst  int
		src  []byte
		want error
	}{
		{"empty", 10, nil, io.ErrUnexpectedEOF},
		{"truncated", 3000, raw[:len(raw)/2], io.ErrUnexpectedEOF},
		{"too large", 2996, raw, ErrOutputTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := InflateRaw(make([]byte, tt.dst), tt.src)
			if !errors.Is(err, tt.want) {
				t.Errorf("InflateRaw = %d, %v; want errors.Is %v", n, err, tt.want)
			}
		})
	}
}

// TestInflateCorruptErrorTypes checks that flate-level corruption keeps
// the flate error type callers may test for.
func TestInflateCorruptErrorTypes(t *testing.T) {
	_, err := InflateRaw(make([]byte, 10), []byte{0x07})
	var ce flate.CorruptInputError
	if !errors.As(err, &ce) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("InflateRaw(reserved block) = %v; want flate.CorruptInputError", err)
	}
}

func TestInflateRawStored(t *testing.T) {
	// Two stored blocks ("abc", then final "de"), then trailing bytes.
	stream := []byte{0x00, 3, 0, 0xfc, 0xff, 'a', 'b', 'c', 0x01, 2, 0, 0xfd, 0xff, 'd', 'e', 0x99}
	tests := []struct {
		name string
		dst  int
		src  []byte
		want string
		err  error // nil: success
	}{
		{"whole", 5, stream, "abcde", nil},
		{"dst larger", 9, stream, "abcde", nil},
		{"dst too small", 4, stream, "abcd", ErrOutputTooLarge},
		{"data cut", 5, stream[:11], "", io.ErrUnexpectedEOF},
		{"length cut", 5, stream[:3], "", io.ErrUnexpectedEOF},
		{"header only", 5, stream[:1], "", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := make([]byte, tt.dst)
			n, err := InflateRaw(dst, tt.src)
			if tt.err == nil && (err != nil || string(dst[:n]) != tt.want) {
				t.Fatalf("InflateRaw = %q, %v; want %q", dst[:n], err, tt.want)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("InflateRaw error = %v; want %v", err, tt.err)
			}
		})
	}
}

func ExampleInflate() {
	// A zlib stream as a TIFF tile holds it; the decoded size is known.
	tile := []byte{0x78, 0x9c, 0x4b, 0x4c, 0x4a, 0x4e, 0x49, 0x05, 0x00, 0x05, 0xc8, 0x01, 0xf0}
	dst := make([]byte, 5)
	n, err := Inflate(dst, tile)
	fmt.Printf("%d %q %v\n", n, dst[:n], err)
	_, err = Inflate(dst[:4], tile)
	fmt.Println(errors.Is(err, ErrOutputTooLarge))
	// Output:
	// 5 "abcde" <nil>
	// true
}
