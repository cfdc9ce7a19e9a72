package compute

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// BenchmarkReduceOrder compares the per-chunk cost of median and of
// three percentiles (10, 50, 90) over K inputs with 20% NaN: one sort
// serves every percentile, so the target is at most 1.2× the median.
func BenchmarkReduceOrder(b *testing.B) {
	for _, k := range []int{5, 20, 100} {
		rng := rand.New(rand.NewPCG(uint64(k), 1))
		vals := make([][]float64, k)
		for i := range vals {
			vals[i] = make([]float64, chunk)
			for p := range vals[i] {
				vals[i][p] = float64(float32(rng.NormFloat64() * 100))
				if rng.Float64() < 0.2 {
					vals[i][p] = math.NaN()
				}
			}
		}
		for _, c := range []struct {
			name string
			cfg  Config
		}{
			{"median", Config{Op: Median}},
			{"percentile3", Config{Op: Percentile, Percentiles: []float64{10, 50, 90}}},
			{"mode", Config{Op: Mode}},
			{"slope", Config{Op: Slope}},
		} {
			b.Run(fmt.Sprintf("K=%d/%s", k, c.name), func(b *testing.B) {
				r := newReducer(c.cfg.Op, nil, false, 0, chunk)
				r.configure(c.cfg, k)
				out := make([]float64, chunk)
				b.SetBytes(int64(k * chunk * 4)) // as float32 input samples
				for b.Loop() {
					r.reduce(out, vals)
				}
			})
		}
	}
}

// BenchmarkRunOrder measures whole runs of median and of three
// percentiles (which write three bands) over 24 float32 inputs of
// 1024×1024 with 10% nodata, DEFLATE in and out.
func BenchmarkRunOrder(b *testing.B) {
	dir := b.TempDir()
	const n, size = 24, 1024
	var inputs []string
	for k := range n {
		r := randomRaster(uint64(k+7), size, size, 1, -1000, 1000, 0.1, -9999)
		inputs = append(inputs, writeRaster(b, dir, fmt.Sprintf("in%02d.tif", k), r,
			geotiff.WriterOptions{Type: geotiff.Float32, HasNoData: true, NoData: -9999}))
	}
	out := filepath.Join(dir, "out.tif")
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"median", Config{Op: Median}},
		{"percentile3", Config{Op: Percentile, Percentiles: []float64{10, 50, 90}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(n * size * size * 4))
			cfg := c.cfg
			cfg.Output.Overwrite = true
			for b.Loop() {
				if err := Run(context.Background(), cfg, inputs, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
