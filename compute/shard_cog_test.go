package compute

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/overview"
	"github.com/gomean/gomean/tiling"
)

// TestShardMergeCOGIdentical checks that merging the parts of N shards
// of a COG job (and of GTiff jobs with --overviews or --stats), in any
// order, writes the bytes of the run without shards: overviews,
// statistics, a nodata declared at the end by one shard only, an explicit
// nodata, an internal mask, integer output with NEAREST, the streaming
// and the tile paths, for N = 1, 2, 3, 5 and 13 (a prime number of tile
// rows); and that GDAL's validator passes the merged COG.
func TestShardMergeCOGIdentical(t *testing.T) {
	dir := t.TempDir()
	const w, h = 150, 13*32 - 5 // 13 tile rows of 32, the last partial
	ins := shardInputs(t, dir, 3, w, h, [2]int{})
	masked := maskedShardInputs(t, dir, 3, w, h)
	base := Config{Workers: 2, Overviews: OverviewConfig{COG: true}, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32, Overwrite: true}}
	cases := []struct {
		name string
		cfg  func() Config
		ns   []int
	}{
		{"cog-mean", func() Config { c := base; c.Op = Mean; return c }, []int{1, 2, 3, 5, 13}},
		{"cog-median-mask", func() Config { c := base; c.Op = Median; return c }, []int{1, 2, 3, 5, 13}},
		{"cog-mean-mask-stream", func() Config { c := base; c.Op = Mean; return c }, []int{2, 13}},
		{"cog-mean-nodata", func() Config { c := base; c.Op = Mean; c.HasNoData, c.NoData = true, -9999; return c }, []int{3, 13}},
		{"cog-max-int16-nearest-zstd", func() Config {
			c := base
			c.Op, c.Type = Max, geotiff.Int16
			c.Overviews.Resampling = overview.Nearest
			c.Output.Compression = geotiff.CompressionZSTD
			return c
		}, []int{2, 5}},
		{"cog-min-bigtiff-bigendian-2levels-nostats", func() Config {
			c := base
			c.Op = Min
			c.Output.BigTIFF, c.Output.ByteOrder = geotiff.BigTIFFYes, binaryBigEndian()
			c.Overviews.Levels, c.Overviews.NoStats = 2, true
			return c
		}, []int{3}},
		{"gtiff-overviews", func() Config { c := base; c.Op = Mean; c.Overviews = OverviewConfig{Internal: true}; return c }, []int{2, 5}},
		{"gtiff-stats", func() Config { c := base; c.Op = Mean; c.Overviews = OverviewConfig{Stats: true}; return c }, []int{3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg()
			ins := ins
			mask := strings.Contains(tc.name, "-mask")
			if mask {
				ins = masked
			}
			whole := filepath.Join(dir, tc.name+"-whole.tif")
			if err := Run(context.Background(), cfg, ins, whole); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(whole)
			if err != nil {
				t.Fatal(err)
			}
			im, wantR := readRaster(t, whole)
			r, err := geotiff.Open(whole)
			if err != nil {
				t.Fatal(err)
			}
			images := len(r.Images())
			r.Close()
			// The one-machine output has what the merge must rebuild:
			// overviews (with their masks), statistics, nodata.
			wantImages := 1
			if cfg.Overviews.COG || cfg.Overviews.Internal {
				wantImages += overview.Count(w, h, 32)
				if cfg.Overviews.Levels > 0 {
					wantImages = 1 + cfg.Overviews.Levels
				}
			}
			if mask {
				wantImages *= 2
			}
			hasStats := strings.Contains(im.Metadata, "STATISTICS_MEAN")
			if images != wantImages || hasStats != cfg.Overviews.stats() || im.HasNoData == mask {
				t.Fatalf("one-machine output: %d images (want %d), statistics %v, nodata %v", images, wantImages, hasStats, im.HasNoData)
			}
			for _, n := range tc.ns {
				pdir := filepath.Join(dir, fmt.Sprintf("%s-%d", tc.name, n))
				withNoData := shardMerge(t, cfg, ins, pdir, n, uint64(n)+7, MergeOptions{Workers: 1 + n%3}, want, wantR)
				// The nodata declared at the end: by the part holding
				// the empty pixel only.
				if tc.name == "cog-mean" && withNoData != 1 {
					t.Fatalf("N=%d: %d parts declare nodata, want 1", n, withNoData)
				}
			}
			if cfg.Overviews.COG {
				validateCOGFile(t, whole)
			}
		})
	}
}

// maskedShardInputs writes n float32 inputs of w×h in 64×64 tiles with
// internal masks that leave the same fifth of the pixels and pixel (3, 2)
// invalid in every input: the output's mask has them invalid.
func maskedShardInputs(t *testing.T, dir string, n, w, h int) []string {
	t.Helper()
	var names []string
	ctx := context.Background()
	for k := range n {
		name := filepath.Join(dir, fmt.Sprintf("masked%d.tif", k))
		o := geotiff.WriterOptions{Width: w, Height: h, Bands: 1, Type: geotiff.Float32, TileWidth: 64, TileHeight: 64, Mask: true, Geo: testGeo()}
		wr, err := geotiff.Create(name, o)
		if err != nil {
			t.Fatal(err)
		}
		r := randomRaster(uint64(700+k), w, h, 1, -500, 500, 0, 0)
		g := tiling.Grid{Width: w, Height: h, TileWidth: 64, TileHeight: 64}
		for i := range g.Len() {
			samples, valid := make([]byte, 64*64*4), make([]byte, 64*64)
			b := g.Rect(i)
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					p := (y-b.Min.Y)*64 + x - b.Min.X
					binary.LittleEndian.PutUint32(samples[4*p:], math.Float32bits(float32(r.at(x, y, 0))))
					if (x*7+y*13+k*5)%5 != 0 && (x != 3 || y != 2) {
						valid[p] = 255
					}
				}
			}
			if err := wr.WriteTile(ctx, i, samples); err != nil {
				t.Fatal(err)
			}
			if err := wr.WriteMaskTile(ctx, i, valid); err != nil {
				t.Fatal(err)
			}
		}
		if err := wr.Close(); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// firstByteDiff returns the first offset where a and b differ.
func firstByteDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// validateCOGFile runs GDAL's COG validator with --full-check=yes on name
// and fails on any error or warning; it skips without GDAL's Python.
func validateCOGFile(t *testing.T, name string) {
	t.Helper()
	needGDALPython(t)
	out, err := exec.Command(debianPython, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", name).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "is a valid cloud optimized GeoTIFF") || strings.Contains(strings.ToLower(string(out)), "warning") {
		t.Fatalf("validator on %s: %v\n%s", filepath.Base(name), err, out)
	}
}

// TestMergeCOGErrors checks the refusals of a COG merge: parts of a COG
// job mixed with parts of the GTiff job of the same reduction, a format
// other than the job's, and a part whose recorded output does not fit
// its tiles; none leaves an output.
func TestMergeCOGErrors(t *testing.T) {
	dir := t.TempDir()
	ins := shardInputs(t, dir, 2, 100, 200, [2]int{})
	cfg := Config{Op: Mean, Workers: 2, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32}}
	cog := cfg
	cog.Overviews.COG = true
	mk := func(sub string, c Config) []string {
		d := filepath.Join(dir, sub)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return runShards(t, c, ins, d, 3, 1)
	}
	plain, cogParts := mk("gtiff", cfg), mk("cog", cog)
	stats := cfg
	stats.Overviews.Stats = true
	statsParts := mk("stats", stats)
	tests := []struct {
		name   string
		parts  []string
		format string
		want   string
	}{
		{"mixed", []string{cogParts[0], plain[1], cogParts[2]}, "", "of a GTiff job"},
		{"mixed-stats", []string{statsParts[0], cogParts[1], statsParts[2]}, "", "of a COG job"},
		{"cog-as-gtiff", cogParts, "GTiff", "the parts are of a COG job, not GTiff"},
		{"gtiff-as-cog", plain, "COG", "the parts are of a GTiff job, not COG"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".tif")
			err := Merge(context.Background(), tc.parts, out, MergeOptions{Format: tc.format})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Merge: error %v, want one containing %q", err, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("output left after a failed merge: %v", err)
			}
		})
	}
	// Both formats named as they are merge.
	for _, c := range []struct {
		parts  []string
		format string
	}{{cogParts, "cog"}, {plain, "GTiff"}, {statsParts, "GTiff"}} {
		out := filepath.Join(filepath.Dir(c.parts[0]), "ok.tif")
		if err := Merge(context.Background(), c.parts, out, MergeOptions{Format: c.format}); err != nil {
			t.Errorf("Merge -of %s: %v", c.format, err)
		}
	}
	// A COG job with several bands in separate planes is refused when
	// the shard runs, as without shards.
	sep := cog
	sep.Output.Planar = geotiff.PlanarSeparate
	sep.Shard, sep.Shards = 0, 2
	if err := Run(context.Background(), sep, []string{writeRaster(t, dir, "rgb.tif", randomRaster(5, 64, 64, 3, 0, 200, 0, 0), geotiff.WriterOptions{Type: geotiff.Uint8})}, filepath.Join(dir, "sep.tif")); err == nil || !strings.Contains(err.Error(), "INTERLEAVE=PIXEL") {
		t.Errorf("separate COG shard: %v", err)
	}
}

// TestMergeCOGCancelled checks that a cancelled COG merge leaves no
// output and no spool.
func TestMergeCOGCancelled(t *testing.T) {
	dir := t.TempDir()
	ins := shardInputs(t, dir, 2, 100, 200, [2]int{})
	cfg := Config{Op: Mean, Workers: 2, Overviews: OverviewConfig{COG: true}, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32}}
	parts := runShards(t, cfg, ins, dir, 3, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "out.tif")
	if err := Merge(ctx, parts, out, MergeOptions{}); err == nil || !errorsIsCanceled(err) {
		t.Fatalf("Merge after cancel: %v, want context.Canceled", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*out.tif*")); len(left) > 0 {
		t.Fatalf("files left after a cancelled merge: %v", left)
	}
}
