package deflate

import (
	"bytes"
	stdflate "compress/flate"
	stdzlib "compress/zlib"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zlib"
)

// diffLimit bounds what the reference decoders may produce per input, so
// that a small input cannot make the fuzzer inflate gigabytes.
const diffLimit = 1 << 20

// refResult is what a streaming reference decoder made of an input.
type refResult struct {
	out []byte
	err error // nil: a complete, valid stream
}

// decodeRef fully decodes src with a streaming reader from open, up to
// diffLimit bytes; ok is false when the output is longer than that.
func decodeRef(src []byte, open func(io.Reader) (io.ReadCloser, error)) (res refResult, ok bool) {
	r, err := open(bytes.NewReader(src))
	if err != nil {
		return refResult{err: err}, true
	}
	out, err := io.ReadAll(io.LimitReader(r, diffLimit+1))
	if len(out) > diffLimit {
		return refResult{}, false
	}
	return refResult{out, err}, true
}

func openStdZlib(r io.Reader) (io.ReadCloser, error)  { return stdzlib.NewReader(r) }
func openStdFlate(r io.Reader) (io.ReadCloser, error) { return stdflate.NewReader(r), nil }
func openKpZlib(r io.Reader) (io.ReadCloser, error)   { return zlib.NewReader(r) }
func openKpFlate(r io.Reader) (io.ReadCloser, error)  { return flate.NewReader(r), nil }

// checkDiff decodes src with compress/{zlib,flate} and klauspost/compress
// and with ours into a destination of the reference length plus slack
// (clamped at 0), and fails if ours disagrees: a stream both references
// decode must decode to the same bytes (or report ErrOutputTooLarge when
// the destination is short), and a stream both reject must be rejected.
// Inputs on which the references disagree are skipped.
func checkDiff(t *testing.T, src []byte, raw bool, slack int) {
	t.Helper()
	openStd, openKp, ours := openStdZlib, openKpZlib, Inflate
	if raw {
		openStd, openKp, ours = openStdFlate, openKpFlate, InflateRaw
	}
	std, ok1 := decodeRef(src, openStd)
	kp, ok2 := decodeRef(src, openKp)
	if !ok1 || !ok2 || (std.err == nil) != (kp.err == nil) ||
		(std.err == nil && !bytes.Equal(std.out, kp.out)) {
		return
	}
	size := max(0, len(std.out)+slack)
	dst := make([]byte, size+16)
	for i := range dst {
		dst[i] = 0xa5
	}
	n, err := ours(dst[:size], src)
	if n < 0 || n > size {
		t.Fatalf("n = %d outside [0, %d]", n, size)
	}
	for _, b := range dst[size:] {
		if b != 0xa5 {
			t.Fatalf("wrote past len(dst) = %d", size)
		}
	}
	switch {
	case std.err != nil && err == nil:
		t.Fatalf("references reject (%v / %v); ours accepts %d bytes", std.err, kp.err, n)
	case std.err != nil:
		if errors.Is(std.err, zlib.ErrChecksum) && len(std.out) <= size && !errors.Is(err, zlib.ErrChecksum) {
			t.Fatalf("references: checksum error; ours: %v", err)
		}
	case len(std.out) > size:
		if !errors.Is(err, ErrOutputTooLarge) {
			t.Fatalf("stream of %d bytes into %d: err = %v; want ErrOutputTooLarge", len(std.out), size, err)
		}
	case err != nil:
		t.Fatalf("references decode %d bytes; ours fails: %v", len(std.out), err)
	case n != len(std.out) || !bytes.Equal(dst[:n], std.out):
		t.Fatalf("ours decodes %d bytes, references %d; bytes differ", n, len(std.out))
	}
}

// diffSeeds returns zlib streams from every level of both libraries over a
// few inputs, hand-made stored, fixed and empty streams, and the small
// GDAL tiles.
func diffSeeds(t testing.TB) [][]byte {
	inputs := [][]byte{nil, {0}, []byte("a"), []byte("hello, hello, hello world"),
		bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 300)}
	rng := rand.New(rand.NewPCG(3, 4))
	noise := make([]byte, 3000)
	for i := range noise {
		noise[i] = byte(rng.NormFloat64()*20) + byte(i/50)
	}
	inputs = append(inputs, noise, floatPredict(testInputs()[5].data[:4*256*4], 256))
	var seeds [][]byte
	for _, in := range inputs {
		for level := -2; level <= 9; level++ {
			seeds = append(seeds, mustZlib(t, in, level))
			var b bytes.Buffer
			w, _ := stdzlib.NewWriterLevel(&b, level)
			w.Write(in)
			w.Close()
			seeds = append(seeds, b.Bytes())
		}
	}
	seeds = append(seeds,
		[]byte{0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01}, // empty stored block
		[]byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01},                   // empty fixed block
		[]byte{0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01},             // fixed block "\x00"
	)
	for _, name := range []string{"dem_f32_small_l1.zlib", "dem_f32_small_l9.zlib"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzInflateDiff is the differential fuzzer of Inflate and InflateRaw
// against compress/flate and klauspost/compress. For raw mode the zlib
// header and trailer are cut off a 2-byte-headed seed by the fuzzer itself.
func FuzzInflateDiff(f *testing.F) {
	for _, s := range diffSeeds(f) {
		f.Add(s, false, int8(0))
		f.Add(s, false, int8(-1))
		if len(s) > 6 {
			f.Add(s[2:len(s)-4], true, int8(0))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, raw bool, slack int8) {
		checkDiff(t, src, raw, int(slack))
	})
}

// TestInflateDiffMutations runs the differential check on every seed and
// on seeded random mutations of them (bit flips, truncations, byte
// changes), so that CI covers what the fuzzer covers first.
func TestInflateDiffMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rounds := 40
	if testing.Short() {
		rounds = 5
	}
	for _, s := range diffSeeds(t) {
		checkDiff(t, s, false, 0)
		checkDiff(t, s, false, -1)
		if len(s) > 6 {
			checkDiff(t, s[2:len(s)-4], true, 0)
		}
		for range rounds {
			m := bytes.Clone(s)
			switch rng.IntN(3) {
			case 0:
				i := rng.IntN(len(m) * 8)
				m[i/8] ^= 1 << (i % 8)
			case 1:
				m = m[:rng.IntN(len(m)+1)]
			default:
				m[rng.IntN(len(m))] = byte(rng.Uint32())
			}
			checkDiff(t, m, false, 0)
			if len(m) > 2 {
				checkDiff(t, m[2:], true, int(rng.IntN(5))-2)
			}
		}
	}
}
