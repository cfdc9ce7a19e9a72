package compute

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// TestStackPathMatchesTilePath checks that the stack path (the reductions
// that need every value of a pixel, over blocks that are not the output's
// tiles) writes the tile path's bytes: full-width blocks like strips,
// blocks taller than a tile row decoded row by row, two bands, nodata and
// NaN, parts of a few rows (a small stack limit), 1 and 3 workers.
func TestStackPathMatchesTilePath(t *testing.T) {
	dir := t.TempDir()
	defer func(n int, l int64) { rowStreamMin, stackLimit = n, l }(rowStreamMin, stackLimit)
	rowStreamMin = 1 << 10
	var ins []string
	for k := range 7 {
		o := geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 80, TileHeight: 16, HasNoData: true, NoData: -9999}
		if k%3 == 1 {
			o.TileHeight = 112 // taller than a tile row of 32
		}
		if k == 2 {
			o.Type, o.NoData = geotiff.Int16, -32768
		}
		r := randomRaster(uint64(900+k), 75, 101, 2, -50, 50, 0.15, o.NoData)
		for i := range r.vals {
			if i%11 == 0 && r.vals[i] != o.NoData {
				r.vals[i] = math.Round(r.vals[i] / 10) // ties for mode and percentiles
			}
		}
		ins = append(ins, writeRaster(t, dir, fmt.Sprintf("in%d.tif", k), r, o))
	}
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	var dates []time.Time
	for k := range ins {
		dates = append(dates, day(1+3*k))
	}
	cases := []struct {
		name string
		cfg  Config
	}{
		{"median", Config{Op: Median}},
		{"std", Config{Op: Std}},
		{"percentiles", Config{Op: Percentile, Percentiles: []float64{0, 12.5, 50, 90}}},
		{"mode int16", Config{Op: Mode, Type: geotiff.Int16}},
		{"slope", Config{Op: Slope, Dates: dates}},
		{"median min-valid 4", Config{Op: Median, MinValid: 4}},
		{"median propagate", Config{Op: Median, PropagateNoData: true}},
	}
	run := func(t *testing.T, cfg Config, name string, stream bool) []byte {
		t.Helper()
		cfg.Output.TileWidth, cfg.Output.TileHeight, cfg.Output.Overwrite = 32, 32, true
		cv, err := cfg.validate(len(ins))
		if err != nil {
			t.Fatal(err)
		}
		noStream = !stream
		defer func() { noStream = false }()
		p := openPipeline(t, cv, ins)
		if p.stream != stream {
			t.Fatalf("stream=%v: the pipeline chose stream=%v", stream, p.stream)
		}
		out := filepath.Join(dir, name)
		if err := Run(context.Background(), cfg, ins, out); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Workers = 2
			want := run(t, cfg, "tile.tif", false)
			for _, c := range []struct {
				workers int
				limit   int64
			}{{1, 64 << 20}, {3, 16 * 75 * 2 * 7 * 8}, {2, 31 * 75 * 2 * 7 * 8}} {
				stackLimit = c.limit // parts of 32, 16 and 16 rows (whole blocks)
				cfg.Workers = c.workers
				if got := run(t, cfg, "stack.tif", true); !bytes.Equal(got, want) {
					t.Fatalf("%d workers, stack limit %d: the stack path's output differs from the tile path's", c.workers, c.limit)
				}
			}
		})
	}
}
