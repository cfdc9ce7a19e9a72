package deflate

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// testInputs returns named byte slices of several shapes: empty, one byte,
// runs, text, random and DEM-like float32 samples.
func testInputs() []struct {
	name string
	data []byte
} {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 70000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	dem := make([]byte, 256*256*4)
	for i := range 256 * 256 {
		x, y := float64(i%256), float64(i/256)
		v := 500 + 80*math.Sin(x/17)*math.Cos(y/23) + rng.Float64()
		binary.LittleEndian.PutUint32(dem[4*i:], math.Float32bits(float32(v)))
	}
	return []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{42}},
		{"zeros 100k", make([]byte, 100000)},
		{"text", bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog. "), 500)},
		{"random 70k", random},
		{"dem float32", dem},
		{"dem float32 predictor 3", floatPredict(dem, 256)},
	}
}

// floatPredict returns float32 samples (little-endian, rows of width
// samples) as TIFF's floating-point predictor (3) stores them: per row the
// bytes regrouped from the most significant plane down, then each byte
// minus the one before it. Its DEFLATE streams are mostly literals with
// 7-9-bit codes, the fast loop's speculative case.
func floatPredict(samples []byte, width int) []byte {
	out := make([]byte, len(samples))
	row := 4 * width
	for r := 0; r+row <= len(samples); r += row {
		for i := range width {
			for b := range 4 {
				out[r+b*width+i] = samples[r+4*i+3-b]
			}
		}
		for i := row - 1; i > 0; i-- {
			out[r+i] -= out[r+i-1]
		}
	}
	return out
}
