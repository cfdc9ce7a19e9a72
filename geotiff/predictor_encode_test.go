package geotiff

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// refHorizontal is a slow horizontal predictor: each sample as an integer,
// minus the same sample of the previous pixel, modulo 2^(8*size), stored
// in order.
func refHorizontal(tile []byte, size, rowSamples, spp int, order binary.ByteOrder) []byte {
	out := make([]byte, len(tile))
	mask := uint64(1)<<(8*size) - 1
	if size == 8 {
		mask = ^uint64(0)
	}
	get := func(k int) uint64 {
		var v uint64
		for b := size - 1; b >= 0; b-- {
			v = v<<8 | uint64(tile[k*size+b])
		}
		return v
	}
	for k := 0; k < len(tile)/size; k++ {
		v := get(k)
		if k%rowSamples >= spp {
			v = (v - get(k-spp)) & mask
		}
		for b := range size {
			sh := 8 * b
			if order == binary.BigEndian {
				sh = 8 * (size - 1 - b)
			}
			out[k*size+b] = byte(v >> sh)
		}
	}
	return out
}

// refFloat transcribes libtiff's fpDiff (tif_predict.c) for a
// little-endian host: bytes to planes, then a backwards bytewise
// difference of stride spp over the whole row.
func refFloat(tile []byte, size, rowSamples, spp int) []byte {
	out := bytes.Clone(tile)
	cc := rowSamples * size
	for r := 0; r+cc <= len(out); r += cc {
		cp := out[r : r+cc]
		tmp := bytes.Clone(cp)
		wc := cc / size
		for count := range wc {
			for b := range size {
				cp[(size-b-1)*wc+count] = tmp[size*count+b]
			}
		}
		for i := cc - 1; i >= spp; i-- {
			cp[i] -= cp[i-spp]
		}
	}
	return out
}

func TestEncodePredictor(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 2, 4, 8} {
		for _, spp := range []int{1, 2, 3, 5} {
			for _, pred := range []Predictor{PredictorNone, PredictorHorizontal, PredictorFloat} {
				if pred == PredictorFloat && size < 4 {
					continue
				}
				for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
					name := fmt.Sprintf("size%d_spp%d_%v_%v", size, spp, pred, order)
					t.Run(name, func(t *testing.T) {
						width, rows := 16, 3
						rowSamples := width * spp
						tile := make([]byte, rows*rowSamples*size)
						for i := range tile {
							tile[i] = byte(rng.IntN(256))
						}
						var want []byte
						switch pred {
						case PredictorHorizontal:
							want = refHorizontal(tile, size, rowSamples, spp, order)
						case PredictorFloat:
							want = refFloat(tile, size, rowSamples, spp)
						default:
							want = refHorizontal(tile, size, 1, 1, order) // no differences: just the byte order
						}
						got := bytes.Clone(tile)
						encodePredictor(got, pred, size, rowSamples, spp, order == binary.BigEndian, make([]byte, rowSamples*size))
						if !bytes.Equal(got, want) {
							t.Fatalf("differs from the reference at byte %d", firstDiff(got, want))
						}
						// The reader's inverse gives the samples back.
						switch pred {
						case PredictorHorizontal:
							toLittleEndian(order, got, size)
							undoHorizontal(got, rowSamples*size, spp, size)
						case PredictorFloat:
							undoFloat(got, make([]byte, rowSamples*size), rowSamples*size, spp, size)
						default:
							toLittleEndian(order, got, size)
						}
						if !bytes.Equal(got, tile) {
							t.Fatalf("decoding does not invert it: differs at byte %d", firstDiff(got, tile))
						}
					})
				}
			}
		}
	}
}

func BenchmarkEncodePredictor(b *testing.B) {
	tile := testRaster(Float32, 256, 256, 1)
	buf := make([]byte, len(tile))
	scratch := make([]byte, 256*4)
	for _, pred := range []Predictor{PredictorHorizontal, PredictorFloat} {
		b.Run(pred.String(), func(b *testing.B) {
			b.SetBytes(int64(len(tile)))
			for b.Loop() {
				copy(buf, tile)
				encodePredictor(buf, pred, 4, 256, 1, false, scratch)
			}
		})
	}
}

func TestDiffBytesInvertsPrefixSum(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 17, 1024, 1031} {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i*i*31 + i*7 + 3)
		}
		d := make([]byte, n)
		diffBytes(d, src)
		for i := range src {
			var want byte = src[i]
			if i > 0 {
				want = src[i] - src[i-1]
			}
			if d[i] != want {
				t.Fatalf("n=%d: diff byte %d = %d, want %d", n, i, d[i], want)
			}
		}
		back := make([]byte, n)
		prefixSum(back, d)
		if string(back) != string(src) {
			t.Fatalf("n=%d: prefixSum(diffBytes(x)) != x", n)
		}
	}
}
