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

// TestMergeCOGHeapBounded merges the two parts of 8192-pixel-wide COG
// jobs of two heights and checks that the merge's peak heap does not grow
// with the height: the overview builder holds about one tile row per
// level, the COG writer its windows, and the parts are read tile by tile.
func TestMergeCOGHeapBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("8192-wide COG merges skipped in -short mode")
	}
	dir := t.TempDir()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	run := func(w, h int) uint64 {
		var parts []string
		for k := range 2 {
			var readers []*geotiff.Reader
			var names []string
			for i := range 3 {
				b := syntheticTIFF(t, w, h, float32(i*100))
				r, err := geotiff.NewReader(bytes.NewReader(b), int64(len(b)))
				if err != nil {
					t.Fatal(err)
				}
				readers = append(readers, r)
				names = append(names, fmt.Sprintf("synthetic%d", i))
			}
			cfg := Config{Workers: 2, Shard: k, Shards: 2, Overviews: OverviewConfig{COG: true}}
			parts = append(parts, filepath.Join(dir, fmt.Sprintf("part%d-%d.tif", h, k)))
			if err := RunReaders(context.Background(), cfg, names, readers, parts[k]); err != nil {
				t.Fatal(err)
			}
		}
		out := filepath.Join(dir, fmt.Sprintf("out%d.tif", h))
		var err error
		start := time.Now()
		peak := peakHeap(func() { err = Merge(context.Background(), parts, out, MergeOptions{Workers: 4}) })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("merge of a %dx%d COG: peak heap %.1f MiB, %v", w, h, float64(peak)/(1<<20), time.Since(start).Round(time.Millisecond))
		return peak
	}
	short := run(8192, 1024)
	tall := run(8192, 8192)
	// A merge that held the raster would hold 256 MiB more at 8192 rows;
	// the tiles queued for the writers depend on scheduling.
	if tall > short+16<<20 {
		t.Errorf("merge's peak heap grows with the height: %d bytes at 1024 rows, %d at 8192", short, tall)
	}
	// One tile row per level (16 tiles of 1 MiB at level 1, 512² COG
	// blocks, half as many at each next level) and the writers' windows.
	if bound := uint64(heapBound + 2*16*(1<<20)); tall > bound {
		t.Errorf("merge's peak heap %d bytes, exceeds bound %d", tall, bound)
	}
}
