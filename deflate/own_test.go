package deflate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
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

// TestInflateFastMatchesSlow decodes the GDAL tiles, the test inputs and
// mutations of them with and without the fast loop: both paths must give
// the same bytes and the same error or success.
func TestInflateFastMatchesSlow(t *testing.T) {
	var streams [][]byte
	for _, tile := range loadTiles(t, "testdata") {
		if tile.codec == "zlib" {
			streams = append(streams, tile.data)
		}
	}
	for _, in := range testInputs() {
		for _, level := range []int{-2, 1, 6, 9} {
			streams = append(streams, mustZlib(t, in.data, level))
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for i, s := range streams {
		variants := [][]byte{s}
		for range 5 {
			m := bytes.Clone(s)
			m[2+rng.IntN(len(m)-2)] ^= byte(1 + rng.IntN(255))
			variants = append(variants, m)
		}
		for j, v := range variants {
			for _, size := range []int{1 << 20, 300000, 1000} {
				fast, slow := make([]byte, size), make([]byte, size)
				nf, errf := inflateWith(fast, v, true, false)
				ns, errs := inflateWith(slow, v, true, true)
				// On error, n is only how far each got; the bytes up to there
				// must still agree.
				m := min(nf, ns)
				if (errf == nil) != (errs == nil) || (errf == nil && nf != ns) || !bytes.Equal(fast[:m], slow[:m]) {
					t.Errorf("stream %d variant %d size %d: fast = %d, %v; slow = %d, %v", i, j, size, nf, errf, ns, errs)
				}
			}
		}
	}
}

// TestCopyMatch checks the word-wise overlapping copy against a byte loop
// for every short distance and many lengths.
func TestCopyMatch(t *testing.T) {
	for dist := 1; dist <= 40; dist++ {
		for length := 3; length <= 258; length += 1 + length/16 {
			want := make([]byte, 64+length+8)
			for i := range 64 {
				want[i] = byte(i*37 + 11)
			}
			got := bytes.Clone(want)
			for k := range length {
				want[64+k] = want[64+k-dist]
			}
			copyMatch(unsafe.Pointer(&got[64]), uintptr(dist), uintptr(length))
			if !bytes.Equal(got[:64+length], want[:64+length]) {
				t.Fatalf("dist %d length %d: copy differs", dist, length)
			}
		}
	}
}
