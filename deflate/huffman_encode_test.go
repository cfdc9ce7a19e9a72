package deflate

import (
	"bytes"
	stdflate "compress/flate"
	stdzlib "compress/zlib"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/flate"
)

// huffInputs returns the test inputs plus shapes that reach the encoder's
// edge cases: one byte value only, two values, all 256 values equally,
// counts so skewed that the Huffman code exceeds 15 bits before limiting,
// more than one block, and the decoded GDAL predictor-3 tile.
func huffInputs(t testing.TB) []struct {
	name string
	data []byte
} {
	ins := testInputs()
	// Fibonacci-like counts give a code of depth > 15.
	var skewed []byte
	a, b := 1, 1
	for s := range 24 {
		skewed = append(skewed, bytes.Repeat([]byte{byte(s)}, a)...)
		a, b = b, a+b
	}
	rng := rand.New(rand.NewPCG(21, 22))
	rng.Shuffle(len(skewed), func(i, j int) { skewed[i], skewed[j] = skewed[j], skewed[i] })
	all := make([]byte, 256*40)
	for i := range all {
		all[i] = byte(i)
	}
	big := make([]byte, huffBlockSize*2+12345)
	for i := range big {
		big[i] = byte(rng.NormFloat64() * 12)
	}
	ins = append(ins, []struct {
		name string
		data []byte
	}{
		{"one value", bytes.Repeat([]byte{7}, 1000)},
		{"two values", bytes.Repeat([]byte{0, 255, 0}, 333)},
		{"uniform", all},
		{"skewed past 15 bits", skewed},
		{"three blocks", big},
	}...)
	for _, tile := range loadTiles(t, "testdata") {
		if tile.name == "dem_f32_pred3.zlib" {
			dst := make([]byte, tile.size)
			if _, err := Inflate(dst, tile.data); err != nil {
				t.Fatal(err)
			}
			ins = append(ins, struct {
				name string
				data []byte
			}{"GDAL predictor-3 tile", dst})
		}
	}
	return ins
}

var huffEncoder, _ = NewEncoder(HuffmanOnly)

// TestHuffmanOnlyDecodes checks that the raw streams of appendHuffmanOnly
// decode to the input with compress/flate, klauspost/compress and ours,
// and that the zlib streams of Encoder(HuffmanOnly) decode with
// compress/zlib; it logs the size against klauspost's Huffman-only mode.
func TestHuffmanOnlyDecodes(t *testing.T) {
	for _, in := range huffInputs(t) {
		t.Run(in.name, func(t *testing.T) {
			raw := appendHuffmanOnly([]byte("prefix"), in.data)
			if string(raw[:6]) != "prefix" {
				t.Fatal("dst prefix overwritten")
			}
			raw = raw[6:]
			for name, r := range map[string]io.Reader{
				"stdlib":    stdflate.NewReader(bytes.NewReader(raw)),
				"klauspost": flate.NewReader(bytes.NewReader(raw)),
			} {
				got, err := io.ReadAll(r)
				if err != nil || !bytes.Equal(got, in.data) {
					t.Fatalf("%s: %d bytes, %v; want the %d input bytes", name, len(got), err, len(in.data))
				}
			}
			dst := make([]byte, len(in.data))
			if n, err := InflateRaw(dst, raw); err != nil || n != len(in.data) || !bytes.Equal(dst, in.data) {
				t.Fatalf("InflateRaw: %d, %v", n, err)
			}
			z, err := huffEncoder.Encode(nil, in.data)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := stdzlib.NewReader(bytes.NewReader(z))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, in.data) {
				t.Fatalf("Encoder(HuffmanOnly) through compress/zlib: %d bytes, %v", len(got), err)
			}
			var kp bytes.Buffer
			w, _ := flate.NewWriter(&kp, flate.HuffmanOnly)
			w.Write(in.data)
			w.Close()
			t.Logf("%d bytes: ours %d, klauspost HuffmanOnly %d", len(in.data), len(raw), kp.Len())
			// Never more than stored blocks need (5 bytes per 64 KiB).
			if limit := len(in.data) + 5*(len(in.data)/maxStoredBlock+1) + 300; len(raw) > limit {
				t.Errorf("%d bytes; stored blocks need at most %d", len(raw), limit)
			}
		})
	}
}

// TestHuffmanLengths checks the limited code lengths: a complete prefix
// code (Kraft sum exactly 1), no length past the limit, every used
// symbol coded, and no rarer symbol with a shorter code than a more
// frequent one.
func TestHuffmanLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for i := range 300 {
		n := []int{2, 3, 4, 19, 257}[i%5]
		maxLen := []int{7, 15}[i%2]
		if n > 1<<maxLen {
			continue
		}
		freq := make([]uint32, n)
		for s := range freq {
			switch rng.IntN(4) {
			case 0: // unused
			case 1:
				freq[s] = uint32(rng.ExpFloat64() * 1e6)
			default:
				freq[s] = uint32(1 + rng.IntN(1<<rng.IntN(20)))
			}
		}
		lens := make([]uint8, n)
		huffmanLengths(lens, freq, maxLen)
		kraft, coded := 0, 0
		for s, l := range lens {
			if int(l) > maxLen || (freq[s] > 0 && l == 0) {
				t.Fatalf("case %d: symbol %d count %d length %d (limit %d)", i, s, freq[s], l, maxLen)
			}
			if l > 0 {
				kraft += 1 << (maxLen - int(l))
				coded++
			}
			for s2, l2 := range lens {
				if freq[s2] > 0 && freq[s] > freq[s2] && l > l2 {
					t.Fatalf("case %d: count %d has %d bits, count %d has %d", i, freq[s], l, freq[s2], l2)
				}
			}
		}
		if kraft != 1<<maxLen || coded < 2 {
			t.Fatalf("case %d: Kraft sum %d/%d with %d codes", i, kraft, 1<<maxLen, coded)
		}
	}
}

// FuzzHuffmanOnly round-trips arbitrary data through the Huffman-only
// encoder and compress/flate.
func FuzzHuffmanOnly(f *testing.F) {
	for _, in := range testInputs() {
		f.Add(in.data[:min(len(in.data), 5000)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		raw := appendHuffmanOnly(nil, data)
		got, err := io.ReadAll(stdflate.NewReader(bytes.NewReader(raw)))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("compress/flate: %d bytes, %v; want %d", len(got), err, len(data))
		}
	})
}

// TestRunLengths expands the code length symbols of runLengths again and
// checks that they give back the lengths, with every repeat count in its
// symbol's range (16: 3-6, 17: 3-10, 18: 11-138).
func TestRunLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for i := range 500 {
		lens := make([]uint8, 1+rng.IntN(320))
		for k := 0; k < len(lens); {
			run := 1 + rng.IntN([]int{3, 12, 150}[i%3])
			v := uint8(rng.IntN(16))
			for ; run > 0 && k < len(lens); run-- {
				lens[k] = v
				k++
			}
		}
		var got []uint8
		for _, r := range runLengths(nil, lens) {
			sym, extra := r&0xff, int(r>>8)
			switch {
			case sym < 16:
				got = append(got, uint8(sym))
			case sym == 16 && extra <= 3 && len(got) > 0:
				got = append(got, bytes.Repeat(got[len(got)-1:], 3+extra)...)
			case sym == 17 && extra <= 7:
				got = append(got, make([]uint8, 3+extra)...)
			case sym == 18 && extra <= 127:
				got = append(got, make([]uint8, 11+extra)...)
			default:
				t.Fatalf("case %d: symbol %d extra %d", i, sym, extra)
			}
		}
		if !bytes.Equal(got, lens) {
			t.Fatalf("case %d: %v expands to %v", i, lens, got)
		}
	}
}
