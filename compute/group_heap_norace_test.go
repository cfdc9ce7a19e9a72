//go:build !race

package compute

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// TestRunGroupsManyGroups reduces 365 daily inputs by day of the year,
// 365 groups of one input each, and checks that RunGroups holds one
// group's pipeline at a time: its peak heap stays near that of one run on
// a single input, not 365 times it; that the groups partition the inputs
// (so each input is read once, by its group's run); and that every
// output is its input (the median of one value).
func TestRunGroupsManyGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("365 inputs skipped in -short mode")
	}
	const n, size = 365, 96
	dir := t.TempDir()
	var inputs []string
	day0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	gen := func(k int) raster { return randomRaster(uint64(700+k), size, size, 1, 0, 1000, 0.1, -1) }
	opts := geotiff.WriterOptions{Type: geotiff.Int16, TileWidth: 32, TileHeight: 32, HasNoData: true, NoData: -1}
	for k := range n {
		name := fmt.Sprintf("t2m_%s.tif", day0.AddDate(0, 0, k).Format("20060102"))
		inputs = append(inputs, writeRaster(t, dir, name, gen(k), opts))
	}
	dates, err := NameDates(inputs)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := SplitGroups(ByDOY, inputs, dates, filepath.Join(dir, "median_{group}.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != n {
		t.Fatalf("%d groups, want %d", len(groups), n)
	}
	var seen []int
	for _, g := range groups {
		seen = append(seen, g.Index...)
	}
	slices.Sort(seen)
	for k, i := range seen {
		if i != k {
			t.Fatalf("the groups do not partition the inputs: sorted indices %v...", seen[:min(len(seen), k+2)])
		}
	}
	cfg := Config{Op: Median, Workers: 2}
	one := peakHeap(func() { err = Run(context.Background(), cfg, inputs[:1], filepath.Join(dir, "one.tif")) })
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var ms runtime.MemStats
	all := peakHeap(func() {
		err = RunGroups(context.Background(), cfg, groups)
		runtime.GC()
		runtime.ReadMemStats(&ms)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d groups in %v: peak heap %.1f MiB, %.1f MiB live after; one run on one input %.1f MiB peak",
		n, time.Since(start).Round(time.Millisecond), float64(all)/(1<<20), float64(ms.HeapAlloc)/(1<<20), float64(one)/(1<<20))
	// Each group's run allocates about one run's peak, collected after it;
	// HeapAlloc counts that garbage until the next collection, so the peak
	// is a few runs' worth, where 365 pipelines held at once would be 365.
	if all > one+16<<20 {
		t.Errorf("peak heap of %d groups %d bytes, one group's %d: pipelines are held at once", n, all, one)
	}
	if ms.HeapAlloc > one+4<<20 {
		t.Errorf("%d bytes live after %d groups, one run's peak %d: the runs' memory is kept", ms.HeapAlloc, n, one)
	}
	for _, k := range []int{0, 59, 364} {
		g := groups[k]
		_, got := readRaster(t, g.Output)
		want := gen(g.Index[0])
		for i, v := range want.vals {
			if v == -1 {
				continue // nodata stays nodata; its value is the output's choice
			}
			if got.vals[i] != v {
				t.Fatalf("group %s pixel %d: got %v, want %v", g.Name, i, got.vals[i], v)
			}
		}
	}
}
