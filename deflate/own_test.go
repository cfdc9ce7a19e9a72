package deflate

import (
	"bytes"
	"fmt"
	"testing"
)

func TestInflateBufferRoundTrip(t *testing.T) {
	for _, in := range testInputs() {
		for _, level := range []int{-2, 0, 1, 5, 9} {
			t.Run(fmt.Sprintf("%s/level%d", in.name, level), func(t *testing.T) {
				for _, isZlib := range []bool{true, false} {
					enc := mustRaw(t, in.data, level)
					if isZlib {
						enc = mustZlib(t, in.data, level)
					}
					for _, extra := range []int{0, 1, 300} {
						dst := make([]byte, len(in.data)+extra)
						n, err := inflateBuffer(dst, enc, isZlib)
						if err != nil || n != len(in.data) || !bytes.Equal(dst[:n], in.data) {
							t.Fatalf("zlib %v extra %d: = %d, %v; want %d bytes equal to input", isZlib, extra, n, err, len(in.data))
						}
					}
				}
			})
		}
	}
}
