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
	}
}
