//go:build !race

package compute

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// TestPercentileThousandInputs reduces 1,000 Int16 inputs with holes to
// three percentiles, checks every value against the reference, and checks
// the stated memory bound: per worker, one output tile of every input
// (the windows) and one chunk of 1024 float64 values of every input, so
// Workers × inputs × (tile bytes + 8 KiB), plus a fixed allowance; and
// that the peak does not grow with the raster size.
func TestPercentileThousandInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 inputs skipped in -short mode")
	}
	const n, workers, tile = 1000, 2, 32
	ps := []float64{5, 50, 95}
	run := func(size int) uint64 {
		dir := t.TempDir()
		var inputs []string
		gen := func(k int) raster { return randomRaster(uint64(3000+k), size, size, 1, 0, 500, 0.3, -1) }
		for k := range n {
			r := gen(k)
			inputs = append(inputs, writeRaster(t, dir, fmt.Sprintf("in%04d.tif", k), r,
				geotiff.WriterOptions{Type: geotiff.Int16, TileWidth: tile, TileHeight: tile, HasNoData: true, NoData: -1}))
		}
		out := filepath.Join(dir, "p.tif")
		cfg := Config{Op: Percentile, Percentiles: ps, Workers: workers, Type: geotiff.Float64,
			Output: geotiff.WriterOptions{TileWidth: tile, TileHeight: tile}}
		var err error
		peak := peakHeap(func() { err = Run(context.Background(), cfg, inputs, out) })
		if err != nil {
			t.Fatal(err)
		}
		// The reference is computed after the run, so its 1,000 rasters
		// are not counted in the peak.
		rs := make([]raster, n)
		for k := range rs {
			rs[k] = gen(k)
		}
		im, got := readRaster(t, out)
		if im.Bands != 3 {
			t.Fatalf("%d bands, want 3", im.Bands)
		}
		xs := make([]float64, n)
		for i := range size * size {
			for k, r := range rs {
				xs[k] = r.vals[i]
				if xs[k] == -1 {
					xs[k] = math.NaN()
				}
			}
			for j, p := range ps {
				if g, w := got.vals[i*3+j], refPercentile(xs, p); g != w {
					t.Fatalf("pixel %d p%v: got %v, want %v", i, p, g, w)
				}
			}
		}
		return peak
	}
	small := run(64)
	big := run(192)
	bound := uint64(workers*n*(tile*tile*2+chunk*8)) + 32<<20
	t.Logf("peak heap with %d inputs, %d workers: %.1f MiB for 64², %.1f MiB for 192²; bound %.1f MiB",
		n, workers, float64(small)/(1<<20), float64(big)/(1<<20), float64(bound)/(1<<20))
	if big > bound {
		t.Errorf("peak heap %d bytes exceeds the bound %d", big, bound)
	}
	if big > small+16<<20 { // HeapAlloc counts garbage not yet collected: allow for GC pacing
		t.Errorf("peak heap grows with the raster size: %d bytes for 64², %d for 192²", small, big)
	}
}
