package compute

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

func TestShardRows(t *testing.T) {
	tests := []struct {
		rows, k, n  int
		first, end  int
		errContains string
	}{
		{rows: 13, k: 0, n: 1, first: 0, end: 13},
		{rows: 13, k: 0, n: 2, first: 0, end: 6},
		{rows: 13, k: 1, n: 2, first: 6, end: 13},
		{rows: 13, k: 2, n: 5, first: 5, end: 7},
		{rows: 13, k: 4, n: 5, first: 10, end: 13},
		{rows: 13, k: 12, n: 13, first: 12, end: 13},
		{rows: 13, k: 0, n: 0, errContains: "shard count 0"},
		{rows: 13, k: 3, n: 3, errContains: "want a shard index from 0 to 2"},
		{rows: 13, k: -1, n: 3, errContains: "want a shard index"},
		{rows: 3, k: 0, n: 4, errContains: "4 shards for an output of 3 tile rows"},
	}
	for _, tc := range tests {
		first, end, err := ShardRows(tc.rows, tc.k, tc.n)
		if tc.errContains != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Errorf("ShardRows(%d, %d, %d): error %v, want one containing %q", tc.rows, tc.k, tc.n, err, tc.errContains)
			}
			continue
		}
		if err != nil || first != tc.first || end != tc.end {
			t.Errorf("ShardRows(%d, %d, %d) = %d, %d, %v; want %d, %d", tc.rows, tc.k, tc.n, first, end, err, tc.first, tc.end)
		}
	}
	// Every row in exactly one shard, sizes within one of each other.
	for rows := 1; rows < 40; rows++ {
		for n := 1; n <= rows; n++ {
			next, lo, hi := 0, rows, 0
			for k := range n {
				first, end, err := ShardRows(rows, k, n)
				if err != nil || first != next || end <= first {
					t.Fatalf("ShardRows(%d, %d, %d) = %d, %d, %v after row %d", rows, k, n, first, end, err, next)
				}
				lo, hi, next = min(lo, end-first), max(hi, end-first), end
			}
			if next != rows || hi-lo > 1 {
				t.Fatalf("%d rows in %d shards: cover %d rows, sizes %d to %d", rows, n, next, lo, hi)
			}
		}
	}
}

// shardInputs writes n float32 inputs of w×h in 64×64 tiles (tile×tile
// with tile > 0); every input is empty at pixel (3, 2) only, so only the
// shard holding row 2 has a pixel without a valid input.
func shardInputs(t *testing.T, dir string, n, w, h int, tile [2]int) []string {
	t.Helper()
	var ins []string
	for k := range n {
		r := randomRaster(uint64(900+k), w, h, 2, -500, 500, 0, 0)
		for i := range r.vals {
			r.vals[i] += 0.25 * float64(k)
		}
		r.vals[(2*w+3)*2] = math.NaN()
		r.vals[(2*w+3)*2+1] = math.NaN()
		o := geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 64, TileHeight: 64}
		if tile[0] > 0 {
			o.TileWidth, o.TileHeight = tile[0], tile[1]
		}
		ins = append(ins, writeRaster(t, dir, fmt.Sprintf("in%02d-%dx%d.tif", k, o.TileWidth, o.TileHeight), r, o))
	}
	return ins
}

// runShards runs every shard of n of cfg into dir and returns the part
// names, shuffled.
func runShards(t *testing.T, cfg Config, ins []string, dir string, n int, seed uint64) []string {
	t.Helper()
	var parts []string
	for k := range n {
		c := cfg
		c.Shard, c.Shards = k, n
		p := filepath.Join(dir, fmt.Sprintf("part-%d-of-%d.tif", k, n))
		if err := Run(context.Background(), c, ins, p); err != nil {
			t.Fatalf("shard %d/%d: %v", k, n, err)
		}
		parts = append(parts, p)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return parts
}

// TestShardMergeIdentical checks that merging the parts of N shards, in
// any order, writes the bytes of the run without shards, on the tile path
// (median, PlanarSeparate, an internal mask) and the streaming path
// (mean), for N = 1, 2, 3, 5 and 13, a prime number of tile rows; and
// that each part holds the whole output's pixels of its window.
func TestShardMergeIdentical(t *testing.T) {
	dir := t.TempDir()
	const w, h = 150, 13*32 - 5 // 13 tile rows of 32, the last partial
	ins := shardInputs(t, dir, 3, w, h, [2]int{})
	// Inputs in one block taller than a band, decoded row by row by the
	// streaming path (stream_rows.go): a shard starts inside the block.
	tall := shardInputs(t, dir, 3, w, h, [2]int{160, 416})
	defer func(n int) { rowStreamMin = n }(rowStreamMin)
	rowStreamMin = 1 << 10
	masked := maskedShardInputs(t, dir, 3, w, h)
	base := Config{Workers: 2, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32, Overwrite: true}}
	cases := []struct {
		name   string
		cfg    func() Config
		inputs []string
	}{
		{"median", func() Config { c := base; c.Op = Median; return c }, nil},
		{"mean-stream", func() Config { c := base; c.Op = Mean; return c }, nil},
		{"sum-stream-rows", func() Config { c := base; c.Op = Sum; return c }, tall},
		{"median-tall-blocks", func() Config { c := base; c.Op = Median; return c }, tall},
		{"max-separate-int16", func() Config {
			c := base
			c.Op, c.Type = Max, geotiff.Int16
			c.Output.Planar = geotiff.PlanarSeparate
			c.Output.Compression = geotiff.CompressionZSTD
			return c
		}, nil},
		// Inputs with internal masks give the output an internal mask
		// (Output.Mask alone would not: the pipeline decides it).
		{"mean-mask", func() Config { c := base; c.Op = Mean; return c }, masked},
		{"min-bigtiff-bigendian", func() Config {
			c := base
			c.Op = Min
			c.Output.BigTIFF, c.Output.ByteOrder = geotiff.BigTIFFYes, binaryBigEndian()
			return c
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg()
			ins := ins
			if tc.inputs != nil {
				ins = tc.inputs
			}
			whole := filepath.Join(dir, tc.name+"-whole.tif")
			if err := Run(context.Background(), cfg, ins, whole); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(whole)
			if err != nil {
				t.Fatal(err)
			}
			_, wantR := readRaster(t, whole)
			if tc.name == "mean-mask" {
				r, err := geotiff.Open(whole)
				if err != nil {
					t.Fatal(err)
				}
				hasMask := r.MaskFor(r.Image()) != nil
				r.Close()
				if !hasMask {
					t.Fatal("the one-machine output has no internal mask: the case tests nothing")
				}
			}
			ns := []int{1, 2, 3, 5, 13}
			if tc.name != "median" && tc.name != "mean-stream" {
				ns = []int{2, 5, 13} // keep the race run short
			}
			for _, n := range ns {
				pdir := filepath.Join(dir, fmt.Sprintf("%s-%d", tc.name, n))
				withNoData := shardMerge(t, cfg, ins, pdir, n, uint64(n), MergeOptions{}, want, wantR)
				// Only the band holding row 2 has an empty pixel: with a
				// nodata declared at the end, only its part declares it.
				if tc.name == "median" && withNoData != 1 {
					t.Fatalf("N=%d: %d parts declare nodata, want 1", n, withNoData)
				}
			}
		})
	}
}

// shardMerge runs the n shards of cfg over ins into the new folder pdir
// (in an order drawn from seed), checks each part's pixels against the
// one-machine raster wantR, merges the parts with o and checks that the
// merged file is want, byte for byte, with no temporary file left. It
// returns the number of parts that declare a nodata value.
func shardMerge(t *testing.T, cfg Config, ins []string, pdir string, n int, seed uint64, o MergeOptions, want []byte, wantR raster) int {
	t.Helper()
	if err := os.Mkdir(pdir, 0o755); err != nil {
		t.Fatal(err)
	}
	parts := runShards(t, cfg, ins, pdir, n, seed)
	withNoData := 0
	for _, p := range parts {
		if checkPartPixels(t, p, wantR, 32) {
			withNoData++
		}
	}
	out := filepath.Join(pdir, "merged.tif")
	if err := Merge(context.Background(), parts, out, o); err != nil {
		t.Fatalf("N=%d: %v", n, err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("N=%d: merged file (%d bytes) differs from the one-machine output (%d bytes) at byte %d", n, len(got), len(want), firstByteDiff(got, want))
	}
	if left, _ := filepath.Glob(filepath.Join(pdir, ".*")); len(left) > 0 {
		t.Fatalf("N=%d: temporary files left: %v", n, left)
	}
	return withNoData
}

// checkPartPixels checks that part p holds the rows of whole its shard
// items name, and declares the whole output's grid shifted to its window.
// It returns whether the part declares a nodata value.
func checkPartPixels(t *testing.T, p string, whole raster, tileH int) bool {
	t.Helper()
	im, got := readRaster(t, p)
	items := shardItems(im.Metadata)
	var first, end int
	if _, err := fmt.Sscanf(items[rowsItem], "%d-%d", &first, &end); err != nil {
		t.Fatalf("%s: rows item %q: %v", p, items[rowsItem], err)
	}
	y0 := first * tileH
	if got.w != whole.w || got.h != min(end*tileH, whole.h)-y0 {
		t.Fatalf("%s: %dx%d, want %dx%d", p, got.w, got.h, whole.w, min(end*tileH, whole.h)-y0)
	}
	for y := range got.h {
		for x := range got.w {
			for b := range got.bands {
				a, c := got.at(x, y, b), whole.at(x, y+y0, b)
				if a != c && !(math.IsNaN(a) && math.IsNaN(c)) {
					t.Fatalf("%s: pixel (%d, %d) band %d = %v, whole output has %v", p, x, y, b, a, c)
				}
			}
		}
	}
	if gt := im.Geo.Transform; gt[3] != 5000000-10*float64(y0) || gt[0] != 500000 {
		t.Fatalf("%s: geotransform %v, want origin (500000, %v)", p, gt, 5000000-10*float64(y0))
	}
	return im.HasNoData
}

// TestMergeErrors checks the refusals of Merge: missing, duplicate and
// foreign parts, a truncated part, a part that is no part; none leaves an
// output.
func TestMergeErrors(t *testing.T) {
	dir := t.TempDir()
	ins := shardInputs(t, dir, 2, 100, 200, [2]int{})
	cfg := Config{Op: Mean, Workers: 2, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32}}
	mk := func(sub string, c Config, n int) []string {
		d := filepath.Join(dir, sub)
		os.Mkdir(d, 0o755)
		parts := make([]string, n)
		for k := range n {
			cc := c
			cc.Shard, cc.Shards = k, n
			parts[k] = filepath.Join(d, fmt.Sprintf("p%d.tif", k))
			if err := Run(context.Background(), cc, ins, parts[k]); err != nil {
				t.Fatal(err)
			}
		}
		return parts
	}
	parts := mk("a", cfg, 3)
	other := cfg
	other.Op = Max
	foreign := mk("b", other, 3)
	otherInputs := mk("c", cfg, 3) // replaced below by a run over one input
	{
		c := cfg
		c.Shard, c.Shards = 1, 3
		if err := Run(context.Background(), c, ins[:1], otherInputs[1]); err != nil && !strings.Contains(err.Error(), "exists") {
			t.Fatal(err)
		}
		os.Remove(otherInputs[1])
		if err := Run(context.Background(), c, ins[:1], otherInputs[1]); err != nil {
			t.Fatal(err)
		}
	}
	trunc := filepath.Join(dir, "trunc.tif")
	b, err := os.ReadFile(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(trunc, b[:len(b)-40], 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		parts []string
		want  string
	}{
		{"none", nil, "no part files"},
		{"missing", parts[:2], "missing shard 2 of 3"},
		{"missing-two", parts[1:2], "missing shards 0, 2 of 3"},
		{"duplicate", []string{parts[0], parts[1], parts[1], parts[2]}, "shard 1/3 given twice"},
		{"foreign-op", []string{parts[0], foreign[1], parts[2]}, "is from another job"},
		{"foreign-inputs", []string{parts[0], otherInputs[1], parts[2]}, "the input lists differ"},
		{"truncated", []string{parts[0], parts[1], trunc}, "trunc.tif"},
		{"not-a-part", []string{parts[0], parts[1], ins[0]}, "not a part file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".tif")
			err := Merge(context.Background(), tc.parts, out, MergeOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Merge: error %v, want one containing %q", err, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("output left after a failed merge: %v", err)
			}
			left, _ := filepath.Glob(filepath.Join(dir, "."+tc.name+".tif*"))
			if len(left) > 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
	// Bad shard numbers are refused before any output.
	for _, c := range []struct{ k, n int }{{3, 3}, {-1, 2}, {0, -1}, {0, 8}} {
		cc := cfg
		cc.Shard, cc.Shards = c.k, c.n
		out := filepath.Join(dir, fmt.Sprintf("bad-%d-%d.tif", c.k, c.n))
		if err := Run(context.Background(), cc, ins, out); err == nil {
			t.Errorf("shard %d/%d: no error", c.k, c.n)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("shard %d/%d: output left", c.k, c.n)
		}
	}
}

// TestShardPartGDAL checks that GDAL reads a part file as a georeferenced
// GeoTIFF of its window, with the whole output's pixels there.
func TestShardPartGDAL(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	ins := shardInputs(t, dir, 3, 150, 13*32-5, [2]int{})
	cfg := Config{Op: Median, Workers: 2, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32}}
	whole := filepath.Join(dir, "whole.tif")
	if err := Run(context.Background(), cfg, ins, whole); err != nil {
		t.Fatal(err)
	}
	parts := runShards(t, cfg, ins, dir, 3, 1)
	script := `
import sys, json
from osgeo import gdal
import numpy as np
gdal.UseExceptions()
w = gdal.Open(sys.argv[1]); wa = w.GetRasterBand(1).ReadAsArray()
res = []
for p in sys.argv[2:]:
    d = gdal.Open(p)
    gt = d.GetGeoTransform()
    y0 = int(round((w.GetGeoTransform()[3] - gt[3]) / 10))
    a = d.GetRasterBand(1).ReadAsArray()
    same = bool(np.array_equal(a, wa[y0:y0 + d.RasterYSize], equal_nan=True))
    res.append({"name": p, "w": d.RasterXSize, "h": d.RasterYSize, "y0": y0, "same": same,
                "epsg": d.GetSpatialRef().GetAuthorityCode(None), "shard": d.GetMetadataItem("SHARD", "GOMEAN_SHARD")})
print(json.dumps(res))
`
	out, err := exec.Command(debianPython, append([]string{"-c", script, whole}, parts...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("gdal: %v\n%s", err, out)
	}
	var res []struct {
		Name        string
		W, H, Y0    int
		Same        bool
		EPSG, Shard string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	total := 0
	for _, r := range res {
		if !r.Same || r.W != 150 || r.EPSG != "32633" || !strings.HasSuffix(r.Shard, "/3") {
			t.Errorf("GDAL reads part %s as %+v", r.Name, r)
		}
		total += r.H
	}
	if total != 13*32-5 {
		t.Errorf("parts hold %d rows, want %d", total, 13*32-5)
	}
}

// TestMergeCancelled checks that a cancelled merge leaves no output.
func TestMergeCancelled(t *testing.T) {
	dir := t.TempDir()
	ins := shardInputs(t, dir, 2, 100, 200, [2]int{})
	parts := runShards(t, Config{Op: Mean, Workers: 2, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32}}, ins, dir, 3, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "out.tif")
	if err := Merge(ctx, parts, out, MergeOptions{}); err == nil || !errorsIsCanceled(err) {
		t.Fatalf("Merge after cancel: %v, want context.Canceled", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*out.tif*"))
	if len(left) > 0 {
		t.Fatalf("files left after a cancelled merge: %v", left)
	}
	if err := Merge(context.Background(), parts, out, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Merge(context.Background(), parts, out, MergeOptions{}); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("Merge over an existing output: %v", err)
	}
	if err := Merge(context.Background(), parts, out, MergeOptions{Overwrite: true}); err != nil {
		t.Fatalf("Merge with Overwrite: %v", err)
	}
	if err := Merge(context.Background(), append(parts, out), out, MergeOptions{Overwrite: true}); err == nil || !strings.Contains(err.Error(), "also a part") {
		t.Fatalf("Merge with the output among the parts: %v", err)
	}
}
