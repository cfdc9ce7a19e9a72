package deflate

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// TestDecodersConcurrent runs every decoder from several goroutines at
// once; run it with -race.
func TestDecodersConcurrent(t *testing.T) {
	type codec struct {
		name   string
		encode func([]byte) []byte
		decode func(dst, src []byte) (int, error)
	}
	enc, _ := NewEncoder(6)
	henc, _ := NewEncoder(HuffmanOnly)
	zenc, _ := NewZstdEncoder(3)
	codecs := []codec{
		{"zlib", func(b []byte) []byte { out, _ := enc.Encode(nil, b); return out }, Inflate},
		{"zlib-huffman", func(b []byte) []byte { out, _ := henc.Encode(nil, b); return out }, Inflate},
		{"raw", func(b []byte) []byte { return mustRaw(t, b, 6) }, InflateRaw},
		{"zstd", func(b []byte) []byte { out, _ := zenc.Encode(nil, b); return out }, DecodeZstd},
		{"lzw", func(b []byte) []byte { out, _ := EncodeLZW(nil, b); return out }, DecodeLZW},
		{"packbits", func(b []byte) []byte { return EncodePackBits(nil, b) }, DecodePackBits},
	}
	inputs := testInputs()
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			encoded := make([][]byte, len(inputs))
			for i, in := range inputs {
				encoded[i] = c.encode(in.data)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Go(func() {
					for i := range 2 * len(inputs) {
						k := (g + i) % len(inputs)
						dst := make([]byte, len(inputs[k].data))
						n, err := c.decode(dst, encoded[k])
						if err != nil || n != len(dst) || !bytes.Equal(dst, inputs[k].data) {
							errs <- fmt.Errorf("goroutine %d, %s: = %d, %v", g, inputs[k].name, n, err)
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
		})
	}
}
