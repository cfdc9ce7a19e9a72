package deflate

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	stdzlib "compress/zlib"

	kpzlib "github.com/klauspost/compress/zlib"
)

func TestNewEncoderLevels(t *testing.T) {
	for level := -3; level <= 10; level++ {
		_, err := NewEncoder(level)
		valid := level >= HuffmanOnly && level <= BestCompression
		if valid != (err == nil) {
			t.Errorf("NewEncoder(%d): err = %v, want valid = %v", level, err, valid)
		}
	}
	_, err := NewEncoder(12)
	if want := "invalid compression level 12: want value in range [0, 9]"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("NewEncoder(12) = %v, want error containing %q", err, want)
	}
}

func TestEncoderRoundTrip(t *testing.T) {
	for _, in := range testInputs() {
		for level := HuffmanOnly; level <= BestCompression; level++ {
			t.Run(fmt.Sprintf("%s/level%d", in.name, level), func(t *testing.T) {
				e, err := NewEncoder(level)
				if err != nil {
					t.Fatal(err)
				}
				prefix := []byte("keep")
				enc, err := e.Encode(bytes.Clone(prefix), in.data)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(enc, prefix) {
					t.Fatalf("Encode did not append: got prefix %q", enc[:min(4, len(enc))])
				}
				enc = enc[len(prefix):]
				// The standard library is the independent oracle.
				zr, err := stdzlib.NewReader(bytes.NewReader(enc))
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if _, err := got.ReadFrom(zr); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), in.data) {
					t.Fatalf("stdlib decode of Encode output differs: %d bytes, want %d", got.Len(), len(in.data))
				}
				dst := make([]byte, len(in.data))
				n, err := Inflate(dst, enc)
				if err != nil || n != len(in.data) || !bytes.Equal(dst, in.data) {
					t.Fatalf("Inflate = %d, %v; want %d bytes equal to input", n, err, len(in.data))
				}
			})
		}
	}
}

func TestEncoderDeterministic(t *testing.T) {
	in := testInputs()[5].data
	for _, level := range []int{HuffmanOnly, DefaultCompression, NoCompression, BestSpeed, 6, BestCompression} {
		e1, _ := NewEncoder(level)
		e2, _ := NewEncoder(level)
		a, err1 := e1.Encode(nil, in)
		b, err2 := e1.Encode(nil, in) // reused pooled writer
		c, err3 := e2.Encode(nil, in)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
			t.Errorf("level %d: Encode output not deterministic (%d, %d, %d bytes)", level, len(a), len(b), len(c))
		}
	}
}

func TestEncoderConcurrent(t *testing.T) {
	inputs := testInputs()
	e, err := NewEncoder(BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 8 {
				in := inputs[(g+i)%len(inputs)].data
				enc, err := e.Encode(nil, in)
				if err != nil {
					errs <- err
					return
				}
				dst := make([]byte, len(in))
				if n, err := Inflate(dst, enc); err != nil || n != len(in) || !bytes.Equal(dst, in) {
					errs <- fmt.Errorf("goroutine %d: Inflate = %d, %v", g, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func ExampleEncoder() {
	e, err := NewEncoder(BestSpeed)
	if err != nil {
		panic(err)
	}
	tile := bytes.Repeat([]byte{1, 2, 3, 4}, 1024)
	enc, err := e.Encode(nil, tile)
	if err != nil {
		panic(err)
	}
	dst := make([]byte, len(tile))
	n, err := Inflate(dst, enc)
	fmt.Println(n, err, bytes.Equal(dst, tile))
	// Output: 4096 <nil> true
}

// TestEncoderMatchesZlibWriter checks that Encode, which writes the zlib
// header and Adler-32 trailer itself around klauspost's DEFLATE writer,
// gives exactly the bytes of klauspost's zlib writer at every level but
// HuffmanOnly, which has its own encoder (TestHuffmanOnlyDecodes).
func TestEncoderMatchesZlibWriter(t *testing.T) {
	for _, in := range testInputs() {
		for level := NoCompression; level <= BestCompression; level++ {
			e, err := NewEncoder(level)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Encode(nil, in.data)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			zw, err := kpzlib.NewWriterLevel(&want, level)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := zw.Write(in.data); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s level %d: Encode gives %d bytes, klauspost zlib %d; first difference at %d",
					in.name, level, len(got), want.Len(), firstDiffAt(got, want.Bytes()))
			}
		}
	}
}

func firstDiffAt(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
