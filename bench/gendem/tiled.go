package main

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gomean/gomean/geotiff"
)

// writeTiled writes the K inputs as tiled GeoTIFFs with gomean's writer.
// Generator goroutines take tile indices in increasing order from a shared
// counter and hand each tile to every input's writer, which compresses
// tiles on its own workers; taking indices in order keeps the writers'
// bounded windows moving. It returns the nodata pixel count of each input.
func writeTiled(ctx context.Context, o *options, m *model) ([]int64, error) {
	ws := make([]*geotiff.Writer, o.count)
	abort := func() {
		for _, w := range ws {
			if w != nil {
				w.Abort()
			}
		}
	}
	for k := range ws {
		w, err := geotiff.Create(filepath.Join(o.outdir, o.name(k)), o.writerOptions())
		if err != nil {
			abort()
			return nil, err
		}
		ws[k] = w
	}
	tile := o.tile
	across := (o.width + tile - 1) / tile
	n := ws[0].NumTiles()
	holes := make([]int64, o.count)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newBlock(tile * tile)
			buf := make([]byte, ws[0].TileBytes())
			local := make([]int64, o.count)
			defer func() {
				for k, h := range local {
					atomic.AddInt64(&holes[k], h)
				}
			}()
			for {
				t := int(next.Add(1) - 1)
				if t >= n || ctx.Err() != nil {
					return
				}
				x0, y0 := (t%across)*tile, (t/across)*tile
				m.terrain(b, x0, y0, tile, tile)
				for k, w := range ws {
					local[k] += int64(m.input(b, k, x0, y0, tile, tile, buf))
					if err := w.WriteTile(ctx, t, buf); err != nil {
						once.Do(func() { firstErr = fmt.Errorf("gendem: input %d tile %d: %w", k+1, t, err); cancel() })
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		abort()
		return nil, firstErr
	}
	for k, w := range ws {
		if err := w.Close(); err != nil {
			ws[k] = nil
			abort()
			return nil, fmt.Errorf("gendem: close input %d: %w", k+1, err)
		}
		ws[k] = nil
	}
	return holes, nil
}
