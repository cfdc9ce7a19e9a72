package deflate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

func TestZstdRoundTrip(t *testing.T) {
	for _, in := range testInputs() {
		for _, level := range []int{0, 1, 3, 9, 22} {
			t.Run(fmt.Sprintf("%s/level%d", in.name, level), func(t *testing.T) {
				e, err := NewZstdEncoder(level)
				if err != nil {
					t.Fatal(err)
				}
				enc, err := e.Encode([]byte("x"), in.data)
				if err != nil || enc[0] != 'x' {
					t.Fatalf("Encode = %v; want appended output", err)
				}
				dst := make([]byte, len(in.data)+1)
				n, err := DecodeZstd(dst, enc[1:])
				if err != nil || n != len(in.data) || !bytes.Equal(dst[:n], in.data) {
					t.Fatalf("DecodeZstd = %d, %v; want %d bytes equal to input", n, err, len(in.data))
				}
				again, _ := e.Encode(nil, in.data)
				if !bytes.Equal(again, enc[1:]) {
					t.Errorf("Encode is not deterministic")
				}
			})
		}
	}
}

func TestZstdLevels(t *testing.T) {
	for _, level := range []int{-1, 23} {
		if _, err := NewZstdEncoder(level); err == nil || !strings.Contains(err.Error(), "want value in range [0, 22]") {
			t.Errorf("NewZstdEncoder(%d) = %v; want range error", level, err)
		}
	}
	e, err := NewZstdEncoder(0)
	if err != nil || e.Level() != DefaultZstdLevel {
		t.Errorf("NewZstdEncoder(0) level = %v, %v; want %d", e, err, DefaultZstdLevel)
	}
}

func TestDecodeZstdErrors(t *testing.T) {
	data := bytes.Repeat([]byte("zstd tile "), 1000)
	e, _ := NewZstdEncoder(3)
	good, _ := e.Encode(nil, data)
	trailing := append(bytes.Clone(good), "junk"...)
	for _, tt := range []struct {
		name string
		dst  int
		src  []byte
		want error
	}{
		{"empty", 10, nil, io.ErrUnexpectedEOF},
		{"garbage", 10, []byte("not a zstd frame"), nil},
		{"truncated", len(data), good[:len(good)/2], nil},
		{"trailing garbage", len(data), trailing, nil},
		{"too large", len(data) - 1, good, ErrOutputTooLarge},
		{"too large into empty", 0, good, ErrOutputTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, tt.dst+4)
			n, err := DecodeZstd(buf[:tt.dst], tt.src)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("DecodeZstd = %d, %v; want error %v", n, err, tt.want)
			}
			if n > tt.dst || !bytes.Equal(buf[tt.dst:], make([]byte, 4)) {
				t.Errorf("DecodeZstd wrote past len(dst)")
			}
		})
	}
}

func TestZstdConcurrent(t *testing.T) {
	inputs := testInputs()
	e, _ := NewZstdEncoder(9)
	var wg sync.WaitGroup
	var failed sync.Map
	for g := range 8 {
		wg.Go(func() {
			for i := range 6 {
				in := inputs[(g+i)%len(inputs)].data
				enc, _ := e.Encode(nil, in)
				dst := make([]byte, len(in))
				if n, err := DecodeZstd(dst, enc); err != nil || n != len(in) || !bytes.Equal(dst, in) {
					failed.Store(g, fmt.Sprintf("DecodeZstd = %d, %v", n, err))
				}
			}
		})
	}
	wg.Wait()
	failed.Range(func(k, v any) bool { t.Errorf("goroutine %v: %v", k, v); return true })
}
