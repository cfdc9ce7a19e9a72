package deflate

import (
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
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 2047, 2048, 2049, 5552, 5553, 65536, 262144, 300000} {
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

func BenchmarkAdler32(b *testing.B) {
	p := make([]byte, 262144)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.Run("own", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for b.Loop() {
			adler32Checksum(p)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for b.Loop() {
			adler32.Checksum(p)
		}
	})
}
