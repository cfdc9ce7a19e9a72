package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/tiling"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		flag  string
		env   map[string]string
		k, n  int
		error string
	}{
		{flag: "", k: 0, n: 0},
		{flag: "0/1", k: 0, n: 1},
		{flag: "2/5", k: 2, n: 5},
		{flag: "5/5", error: "shard index 5 out of range: want 0 to 4"},
		{flag: "-1/5", error: "out of range"},
		{flag: "0/0", error: "N a shard count of 1 or more"},
		{flag: "a/3", error: "K a shard index"},
		{flag: "0", error: "N a shard count"},
		{flag: "4", error: "none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set"},
		{flag: "4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "3"}, k: 3, n: 4},
		{flag: "4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1"}, k: 3, n: 4},
		{flag: "4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "0"}, error: "shard index 4 out of range"},
		{flag: "4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "x"}, error: `SLURM_ARRAY_TASK_ID="x" is not an integer`},
		{flag: "4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"}, k: 2, n: 4},
		{flag: "16", env: map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "7", "SLURM_ARRAY_TASK_COUNT": "1"}, error: "the Slurm job array has 1 tasks, not 16"},
		{flag: "4", env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, k: 2, n: 4},
		{flag: "4", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "1"}, k: 1, n: 4},
		{flag: "4", env: map[string]string{"JOB_COMPLETION_INDEX": "1", "AWS_BATCH_JOB_ARRAY_INDEX": "3"}, k: 1, n: 4},
	}
	for _, tc := range tests {
		var cfg compute.Config
		err := parseShard(tc.flag, func(k string) string { return tc.env[k] }, &cfg)
		if tc.error != "" {
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("--shard %q %v: error %v, want one containing %q", tc.flag, tc.env, err, tc.error)
			}
			continue
		}
		if err != nil || cfg.Shard != tc.k || cfg.Shards != tc.n {
			t.Errorf("--shard %q %v: shard %d/%d, %v; want %d/%d", tc.flag, tc.env, cfg.Shard, cfg.Shards, err, tc.k, tc.n)
		}
	}
}

// TestShardAndMergeCommands runs shards from the command line (explicit
// K/N and K from SLURM_ARRAY_TASK_ID) and merges them with a glob and an
// @list, checking the bytes against the run without shards, and the
// errors of a missing shard.
func TestShardAndMergeCommands(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Dir(f.a)
	whole := filepath.Join(dir, "whole.tif")
	common := []string{"--tile", "16", "-q", f.a, f.b, f.c}
	if _, stderr, err := run(t, append([]string{"median", "-o", whole}, common...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	pdir := filepath.Join(dir, "parts")
	os.Mkdir(pdir, 0o755)
	part := func(k int) string { return filepath.Join(pdir, fmt.Sprintf("p%d.tif", k)) }
	if _, stderr, err := run(t, append([]string{"median", "--shard", "1/2", "-o", part(1)}, common...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// Missing shard 0.
	out := filepath.Join(dir, "merged.tif")
	_, _, err = run(t, "merge", "-q", "-o", out, filepath.Join(pdir, "*.tif"))
	if err == nil || !strings.Contains(err.Error(), "missing shard 0 of 2") || exitCode(err) == 0 {
		t.Fatalf("merge without shard 0: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("merge without shard 0 left an output")
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "0")
	t.Setenv("SLURM_ARRAY_TASK_MIN", "0")
	if _, stderr, err := run(t, append([]string{"median", "--shard", "2", "-o", part(0)}, common...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if _, stderr, err := run(t, "merge", "-q", "-o", out, filepath.Join(pdir, "*.tif")); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("merged file of %d bytes differs from the one-machine output of %d", len(got), len(want))
	}
	list := filepath.Join(dir, "parts.txt")
	os.WriteFile(list, []byte(part(1)+"\n"+part(0)+"\n"), 0o644)
	if _, stderr, err := run(t, "merge", "-q", "--overwrite", "-o", out, "@"+list); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
		t.Fatal("merge from an @list differs from the one-machine output")
	}
	// Without --overwrite an existing output is refused.
	if _, _, err := run(t, "merge", "-q", "-o", out, "@"+list); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("merge over an existing output: %v", err)
	}
}

// writeShardInput writes a 100×90 float32 input whose pixel (x, y) holds
// base + x*y/7, georeferenced in UTM 32N.
func writeShardInput(t *testing.T, path string, base float32) {
	t.Helper()
	geo := &geotiff.Georef{HasTransform: true, Transform: geotiff.GeoTransform{100, 1, 0, 200, 0, -1},
		Keys: &geotiff.GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []geotiff.GeoKey{
			{ID: geotiff.KeyGTModelType, Count: 1, Value: geotiff.ModelTypeProjected},
			{ID: geotiff.KeyProjectedCSType, Count: 1, Value: 32632}}}}
	const w, h = 100, 90
	wr, err := geotiff.Create(path, geotiff.WriterOptions{Width: w, Height: h, Bands: 1, Type: geotiff.Float32, TileWidth: 32, TileHeight: 32, Geo: geo})
	if err != nil {
		t.Fatal(err)
	}
	g := tiling.Grid{Width: w, Height: h, TileWidth: 32, TileHeight: 32}
	for i := range g.Len() {
		buf := make([]byte, 32*32*4)
		r := g.Rect(i)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				v := base + float32(x*y)/7
				binary.LittleEndian.PutUint32(buf[4*((y-r.Min.Y)*32+x-r.Min.X):], math.Float32bits(v))
			}
		}
		if err := wr.WriteTile(context.Background(), i, buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestShardAndMergeCOGCommands runs the shards of a -of COG job from the
// command line, merges them with -of COG and a glob, and checks the bytes
// against the one-machine -of COG run; then the refusals: merge -of GTiff
// of COG parts, COG parts mixed with a GTiff job's, -of PNG.
func TestShardAndMergeCOGCommands(t *testing.T) {
	dir := t.TempDir()
	var ins []string
	for k, base := range []float32{10, 20, 60} {
		ins = append(ins, filepath.Join(dir, fmt.Sprintf("in%d.tif", k)))
		writeShardInput(t, ins[k], base)
	}
	cog := append([]string{"-of", "COG", "--co", "BLOCKSIZE=16", "-q"}, ins...)
	whole := filepath.Join(dir, "whole.tif")
	if _, stderr, err := run(t, append([]string{"median", "-o", whole}, cog...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	pdir := filepath.Join(dir, "parts")
	os.Mkdir(pdir, 0o755)
	for k := range 3 {
		part := filepath.Join(pdir, fmt.Sprintf("p%d.tif", k))
		if _, stderr, err := run(t, append([]string{"median", "--shard", fmt.Sprintf("%d/3", k), "-o", part}, cog...)...); err != nil {
			t.Fatalf("shard %d: %v\n%s", k, err, stderr)
		}
	}
	out := filepath.Join(dir, "merged.tif")
	if _, stderr, err := run(t, "merge", "-of", "COG", "-j", "2", "-q", "-o", out, filepath.Join(pdir, "*.tif")); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("merged COG of %d bytes differs from the one-machine COG of %d", len(got), len(want))
	}
	// A GTiff part of the same reduction among COG parts.
	plain := filepath.Join(dir, "plain1.tif")
	if _, stderr, err := run(t, append([]string{"median", "--shard", "1/3", "--tile", "16", "-q", "-o", plain}, ins...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	p := func(k int) string { return filepath.Join(pdir, fmt.Sprintf("p%d.tif", k)) }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-of", "GTiff", p(0), p(1), p(2)}, "the parts are of a COG job, not GTiff"},
		{[]string{p(0), plain, p(2)}, "of a GTiff job"},
		{[]string{"-of", "PNG", p(0), p(1), p(2)}, "gomean merge writes GTiff or COG"},
	} {
		bad := filepath.Join(dir, "bad.tif")
		_, _, err := run(t, append([]string{"merge", "-q", "-o", bad}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) == 0 {
			t.Errorf("merge %v: %v, want an error containing %q", tc.args, err, tc.want)
		}
		if _, err := os.Stat(bad); !os.IsNotExist(err) {
			t.Errorf("merge %v left an output", tc.args)
		}
	}
}
