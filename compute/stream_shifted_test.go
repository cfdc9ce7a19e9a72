package compute

import (
	"context"
	"fmt"
	"image"
	"math"
	"path/filepath"
	"testing"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
)

// TestStreamShifted checks the streaming and stack paths over inputs with other
// footprints (more than one group of them meeting a tile, as a year of
// daily grids some of which have another extent): union, intersection
// and a --te window, strips, tiles and blocks decoded row by row, against
// the same reduction over the inputs padded onto the output grid with NaN,
// which is co-registered and streams too. The group arithmetic is the
// same, so the values are identical.
func TestStreamShifted(t *testing.T) {
	dir := t.TempDir()
	defer func(n int) { rowStreamMin = n }(rowStreamMin)
	rowStreamMin = 1 << 10
	const n = 40 // two groups
	var ss []survey
	for k := range n {
		o := geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 96, TileHeight: 16} // full-width blocks, like strips
		switch k % 4 {
		case 1:
			o.TileWidth, o.TileHeight = 32, 32
		case 2:
			o.TileWidth, o.TileHeight = 96, 80 // taller than a tile row: decoded row by row
		case 3:
			o.HasNoData, o.NoData = true, -9999
		}
		off := image.Pt(0, 0)
		if k%5 == 4 {
			off = image.Pt(k%3-1, k%7-3) // some days on a grid shifted by whole pixels
		}
		nd := math.NaN()
		if o.HasNoData {
			nd = o.NoData
		}
		ss = append(ss, survey{randomRaster(uint64(300+k), 90, 75, 1, -100, 100, 0.1, nd), off, o})
	}
	names := writeSurveys(t, dir, ss)
	union := image.Rect(-1, -3, 91, 78)
	cases := []struct {
		name string
		g    grid.Target
		rect image.Rectangle
		cfg  Config
	}{
		{"union mean", grid.Target{}, union, Config{Op: Mean}},
		{"union sum", grid.Target{}, union, Config{Op: Sum}},
		{"union count", grid.Target{}, union, Config{Op: Count}},
		{"union min", grid.Target{}, union, Config{Op: Min}},
		{"union max", grid.Target{}, union, Config{Op: Max}},
		{"union propagate", grid.Target{}, union, Config{Op: Mean, PropagateNoData: true}},
		{"intersection mean", grid.Target{Extent: grid.Intersection}, image.Rect(1, 3, 89, 72), Config{Op: Mean}},
		{"first max, 1 worker", grid.Target{Extent: grid.First}, image.Rect(0, 0, 90, 75), Config{Op: Max, Workers: 1}},
		// The stack path: every value of a pixel at once, NaN outside a
		// footprint.
		{"union median", grid.Target{}, union, Config{Op: Median}},
		{"union percentiles", grid.Target{}, union, Config{Op: Percentile, Percentiles: []float64{10, 50, 95}}},
		{"union std, min-valid 30", grid.Target{}, union, Config{Op: Std, MinValid: 30}},
		{"intersection mode", grid.Target{Extent: grid.Intersection}, image.Rect(1, 3, 89, 72), Config{Op: Mode, Type: geotiff.Float32}},
		{"union slope propagate", grid.Target{}, union, Config{Op: Slope, PropagateNoData: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pads := padded(t, t.TempDir(), ss, c.rect)
			var outs []raster
			for i, ins := range [][]string{names, pads} {
				cfg := c.cfg
				cfg.Grid = c.g
				if cfg.Workers == 0 {
					cfg.Workers = 3
				}
				cfg.Output.TileWidth, cfg.Output.TileHeight, cfg.Output.Overwrite = 32, 16, true
				cv, err := cfg.validate(len(ins))
				if err != nil {
					t.Fatal(err)
				}
				p := openPipeline(t, cv, ins)
				if !p.stream || (i == 0) != (p.index != nil) {
					t.Fatalf("input set %d: stream=%v, footprint index=%v: want the streaming path", i, p.stream, p.index != nil)
				}
				out := filepath.Join(dir, fmt.Sprintf("%s-%d.tif", c.name, i))
				if err := Run(context.Background(), cfg, ins, out); err != nil {
					t.Fatal(err)
				}
				im, r := readRaster(t, out)
				if im.Width != c.rect.Dx() || im.Height != c.rect.Dy() {
					t.Fatalf("input set %d: output %dx%d, want %dx%d", i, im.Width, im.Height, c.rect.Dx(), c.rect.Dy())
				}
				if im.HasNoData {
					for q, v := range r.vals {
						if v == im.NoData {
							r.vals[q] = math.NaN()
						}
					}
				}
				outs = append(outs, r)
			}
			valid := 0
			for q := range outs[0].vals {
				x, y := outs[0].vals[q], outs[1].vals[q]
				if x != y && !(x != x && y != y) {
					t.Fatalf("pixel %d: %v over the shifted inputs, %v over the padded ones", q, x, y)
				}
				if x == x {
					valid++
				}
			}
			if valid == 0 {
				t.Fatal("no valid pixel: the case tests nothing")
			}
		})
	}
}
