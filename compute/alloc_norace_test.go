//go:build !race

package compute

import (
	"context"
	"math"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

type nullWriter struct{}

func (nullWriter) WriteTile(context.Context, int, []byte) error     { return nil }
func (nullWriter) WriteMaskTile(context.Context, int, []byte) error { return nil }

// TestTileAllocs (not run under the race detector, which allocates) checks that a worker in steady state allocates no buffers
// per output tile: what remains is the cache's small bookkeeping (a block
// record and its ready channel for each cached block, 2 per tile here)
// and whatever the reader allocates.
func TestTileAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count skipped in -short mode")
	}
	dir := t.TempDir()
	var inputs []string
	var readers []*geotiff.Reader
	for k, o := range []geotiff.WriterOptions{
		{Type: geotiff.Float32, TileWidth: 64, TileHeight: 64},          // read directly
		{Type: geotiff.Int16, TileWidth: 128, TileHeight: 32, Level: 1}, // through the cache
		{Type: geotiff.Float32, Compression: geotiff.CompressionNone, TileWidth: 64, TileHeight: 64},
	} {
		r := randomRaster(uint64(k), 256, 256, 1, 0, 100, 0.1, math.NaN())
		o.HasNoData, o.NoData = true, -9999
		in := writeRaster(t, dir, "in"+string(rune('a'+k))+".tif", r, o)
		rd, err := geotiff.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		inputs = append(inputs, in)
		readers = append(readers, rd)
	}
	cfg, _ := Config{Workers: 1, Output: geotiff.WriterOptions{TileWidth: 64, TileHeight: 64}}.validate(3)
	var ins []*input
	for k, r := range readers {
		in, err := newInput(inputs[k], r, nil)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, in)
	}
	p, err := newPipeline(cfg, ins)
	if err != nil {
		t.Fatal(err)
	}
	wk := p.newWorker(true)
	i := 0
	allocs := testing.AllocsPerRun(16, func() {
		if err := wk.tile(context.Background(), i%p.grid.Len(), nullWriter{}); err != nil {
			t.Fatal(err)
		}
		i++
	})
	t.Logf("%.1f allocations per output tile of 3 inputs (reader included)", allocs)
	if allocs > 8 {
		t.Errorf("%.1f allocations per output tile, want at most 8", allocs)
	}
}
