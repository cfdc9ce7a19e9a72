//go:build !race

package compute

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// TestCOGHeapBounded writes 20000- and 20001-pixel-wide COGs (6 overview
// levels at the full height) of two heights and checks that the peak heap
// does not grow with the height: each overview level holds about one tile
// row.
func TestCOGHeapBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("20000-wide COG jobs skipped in -short mode")
	}
	dir := t.TempDir()
	// Garbage counts in HeapAlloc until the next GC: collect often so the
	// peak is that of the live heap.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	run := func(w, h int) uint64 {
		var readers []*geotiff.Reader
		var names []string
		for k := range 3 {
			b := syntheticTIFF(t, w, h, float32(k*100))
			r, err := geotiff.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			readers = append(readers, r)
			names = append(names, fmt.Sprintf("synthetic%d", k))
		}
		out := filepath.Join(dir, fmt.Sprintf("out%d.tif", h))
		cfg := Config{Workers: 4, Overviews: OverviewConfig{COG: true}}
		var err error
		start := time.Now()
		peak := peakHeap(func() { err = RunReaders(context.Background(), cfg, names, readers, out) })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("COG %dx%d: peak heap %.1f MiB, %v", w, h, float64(peak)/(1<<20), time.Since(start).Round(time.Millisecond))
		return peak
	}
	// 20001×8193: odd sizes at level 1, whose windows straddle tiles (the
	// Builder also keeps source tiles' edges).
	for _, w := range []int{20000, 20001} {
		short := run(w, 2048+w%2)
		tall := run(w, 8192+w%2)
		// The tiles queued for the overview writers depend on scheduling
		// (up to 4 x workers + 2 x tiles across each), so allow 16 MiB of
		// noise; growth with the height would be hundreds of MiB here.
		if tall > short+16<<20 {
			t.Errorf("%d wide: peak heap grows with the height: %d bytes at %d rows, %d at %d", w, short, 2048+w%2, tall, 8192+w%2)
		}
		// One tile row per level: 20000/256 tiles of 256 KiB at level 1,
		// half as many at each next level, with the writers' windows and
		// today's pipeline (heapBound).
		if bound := uint64(heapBound + 2*(w/256+1)*(256<<10)); tall > bound {
			t.Errorf("%d wide: peak heap %d bytes, exceeds bound %d", w, tall, bound)
		}
	}
}
