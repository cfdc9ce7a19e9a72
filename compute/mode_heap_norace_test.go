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

// TestModeThousandInputs reduces 1,000 Byte inputs of 10 classes with
// holes to their mode, checks every value against a count, and checks the
// bound stated for percentiles, which holds for mode too: per worker, one
// output tile of every input (the windows) and one chunk of 1024 float64
// values of every input, so Workers × inputs × (tile bytes + 8 KiB), plus
// a fixed allowance; and that the peak does not grow with the raster size.
func TestModeThousandInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 inputs skipped in -short mode")
	}
	const n, workers, tile = 1000, 2, 32
	run := func(size int) uint64 {
		dir := t.TempDir()
		var inputs []string
		gen := func(k int) raster { return randomRaster(uint64(5000+k), size, size, 1, 1, 11, 0.3, 0) }
		for k := range n {
			inputs = append(inputs, writeRaster(t, dir, fmt.Sprintf("lc%04d.tif", k), gen(k),
				geotiff.WriterOptions{Type: geotiff.Uint8, TileWidth: tile, TileHeight: tile, HasNoData: true, NoData: 0}))
		}
		out := filepath.Join(dir, "mode.tif")
		cfg := Config{Op: Mode, Workers: workers, Output: geotiff.WriterOptions{TileWidth: tile, TileHeight: tile}}
		var err error
		peak := peakHeap(func() { err = Run(context.Background(), cfg, inputs, out) })
		if err != nil {
			t.Fatal(err)
		}
		rs := make([]raster, n)
		for k := range rs {
			rs[k] = gen(k)
		}
		im, got := readRaster(t, out)
		if im.Type != geotiff.Uint8 {
			t.Fatalf("output type %v, want the inputs' Byte", im.Type)
		}
		xs := make([]float64, n)
		for i := range size * size {
			for k, r := range rs {
				xs[k] = r.vals[i]
				if xs[k] == 0 {
					xs[k] = math.NaN()
				}
			}
			if g, w := got.vals[i], refMode(xs); g != w {
				t.Fatalf("pixel %d: got %v, want %v", i, g, w)
			}
		}
		return peak
	}
	small := run(64)
	big := run(160)
	bound := uint64(workers*n*(tile*tile+chunk*8)) + 32<<20
	t.Logf("peak heap with %d inputs, %d workers: %.1f MiB for 64², %.1f MiB for 160²; bound %.1f MiB",
		n, workers, float64(small)/(1<<20), float64(big)/(1<<20), float64(bound)/(1<<20))
	if big > bound {
		t.Errorf("peak heap %d bytes exceeds the bound %d", big, bound)
	}
	if big > small+16<<20 { // HeapAlloc counts garbage not yet collected: allow for GC pacing
		t.Errorf("peak heap grows with the raster size: %d bytes for 64², %d for 160²", small, big)
	}
}
