package compute

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// benchStack writes n Float32 inputs of size×size with 10% nodata, DEFLATE.
func benchStack(b *testing.B, n, size int) []string {
	b.Helper()
	dir := b.TempDir()
	var inputs []string
	for k := range n {
		r := randomRaster(uint64(k+7), size, size, 1, -1000, 1000, 0.1, -9999)
		inputs = append(inputs, writeRaster(b, dir, fmt.Sprintf("in%03d.tif", k), r,
			geotiff.WriterOptions{Type: geotiff.Float32, HasNoData: true, NoData: -9999}))
	}
	return inputs
}

// benchRunConfig returns median ("median") or three percentiles ("p3"),
// the output compressed comp (0: DEFLATE with the floating-point
// predictor, as by default).
func benchRunConfig(op string, comp geotiff.Compression) Config {
	cfg := Config{Op: Median}
	if op == "p3" {
		cfg = Config{Op: Percentile, Percentiles: []float64{10, 50, 90}}
	}
	cfg.Output.Compression = comp
	cfg.Output.Overwrite = true
	return cfg
}

// BenchmarkRunPercentileVsMedian times whole runs of median and of three
// percentiles (10, 50, 90) over K float32 inputs of 512×512 with 10%
// nodata, DEFLATE in, the output DEFLATE (as by default) or uncompressed.
// Median and percentiles alternate run after run and the fastest of each
// is kept, so load that comes and goes on a shared machine hits both
// alike; "ratio" is percentiles / median (target <= 1.2).
func BenchmarkRunPercentileVsMedian(b *testing.B) {
	for _, n := range []int{5, 20, 100} {
		b.Run(fmt.Sprintf("K=%d", n), func(b *testing.B) { benchRunVsMedian(b, n) })
	}
}

func benchRunVsMedian(b *testing.B, n int) {
	inputs := benchStack(b, n, 512)
	for _, comp := range []struct {
		name string
		c    geotiff.Compression
	}{{"deflate", 0}, {"none", geotiff.CompressionNone}} {
		b.Run(comp.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "out.tif")
			cfgs := []Config{benchRunConfig("median", comp.c), benchRunConfig("p3", comp.c)}
			best := [2]time.Duration{time.Hour, time.Hour}
			for b.Loop() {
				for i, cfg := range cfgs {
					start := time.Now()
					if err := Run(context.Background(), cfg, inputs, out); err != nil {
						b.Fatal(err)
					}
					best[i] = min(best[i], time.Since(start))
				}
			}
			b.ReportMetric(float64(best[1])/float64(best[0]), "ratio")
			b.ReportMetric(best[0].Seconds()*1e3, "median-ms")
			b.ReportMetric(best[1].Seconds()*1e3, "p3-ms")
		})
	}
}

// BenchmarkRunOrderOp times one reduction alone (for -cpuprofile and
// benchstat): K=5 and 20 inputs as above, median or three percentiles,
// the output DEFLATE or uncompressed.
func BenchmarkRunOrderOp(b *testing.B) {
	for _, n := range []int{5, 20} {
		var inputs []string
		for _, op := range []string{"median", "p3"} {
			for _, comp := range []struct {
				name string
				c    geotiff.Compression
			}{{"deflate", 0}, {"none", geotiff.CompressionNone}} {
				b.Run(fmt.Sprintf("K=%d/%s/%s", n, op, comp.name), func(b *testing.B) {
					if inputs == nil {
						inputs = benchStack(b, n, 512)
					}
					out := filepath.Join(b.TempDir(), "out.tif")
					cfg := benchRunConfig(op, comp.c)
					for b.Loop() {
						if err := Run(context.Background(), cfg, inputs, out); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkSortSmall compares the sorting network with the insertion
// sort on n random values (n fixed, so branches predict better than in a
// reduction, where n changes from pixel to pixel).
func BenchmarkSortSmall(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]float64, 1<<16)
	for i := range src {
		src[i] = float64(float32(rng.NormFloat64() * 100))
	}
	for _, n := range []int{5, 8, 12, 13, 16} {
		for _, s := range []struct {
			name string
			f    func([]float64)
		}{{"network", sortNetwork}, {"insertion", insertionSort}} {
			b.Run(fmt.Sprintf("n=%d/%s", n, s.name), func(b *testing.B) {
				t := make([]float64, n)
				off := 0
				for b.Loop() {
					if off+n > len(src) {
						off = 0
					}
					copy(t, src[off:off+n])
					off += n
					s.f(t)
				}
			})
		}
	}
}
