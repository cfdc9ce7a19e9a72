package deflate

import (
	"fmt"
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

func TestAdler32(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	buf := make([]byte, 300000)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	ones := make([]byte, 70000)
	for i := range ones {
		ones[i] = 0xff // the largest lane sums
	}
	lengths := []int{2047, 2048, 2049, 2055, 2056, 4096, 5552, 5553, 5760, 65536, 262144, 300000}
	for n := range 1100 { // every block and run tail
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, p := range [][]byte{buf[:n], ones[:min(n, len(ones))]} {
			if got, want := adler32Checksum(p), adler32.Checksum(p); got != want {
				t.Errorf("adler32Checksum(%d bytes) = %08x; want %08x", len(p), got, want)
			}
		}
	}
}

func FuzzAdler32(f *testing.F) {
	f.Add([]byte("Wikipedia"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := adler32Checksum(p), adler32.Checksum(p); got != want {
			t.Fatalf("adler32 = %08x; want %08x", got, want)
		}
	})
}

// BenchmarkAdler32 sums a 256 KiB tile and a 5,760-byte strip (one row
// of 1440 float32).
func BenchmarkAdler32(b *testing.B) {
	for _, size := range []int{262144, 5760} {
		p := make([]byte, size)
		for i := range p {
			p[i] = byte(i * 7)
		}
		for _, impl := range []struct {
			name string
			fn   func([]byte) uint32
		}{{"own", adler32Checksum}, {"stdlib", adler32.Checksum}} {
			b.Run(fmt.Sprintf("size=%d/impl=%s", size, impl.name), func(b *testing.B) {
				b.SetBytes(int64(len(p)))
				cpuLoop(b, func() { impl.fn(p) })
			})
		}
	}
}
