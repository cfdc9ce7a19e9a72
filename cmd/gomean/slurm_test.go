package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// writeDEM writes a w×h float32 raster in 16×16 tiles whose values depend
// on seed, with the fixtures' georeferencing.
func writeDEM(t *testing.T, path string, w, h int, seed float32) {
	t.Helper()
	geo := &geotiff.Georef{HasTransform: true, Transform: geotiff.GeoTransform{100, 1, 0, 200, 0, -1},
		Keys: &geotiff.GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []geotiff.GeoKey{
			{ID: geotiff.KeyGTModelType, Count: 1, Value: geotiff.ModelTypeProjected},
			{ID: geotiff.KeyProjectedCSType, Count: 1, Value: 32632}}}}
	wr, err := geotiff.Create(path, geotiff.WriterOptions{Width: w, Height: h, Bands: 1, Type: geotiff.Float32,
		TileWidth: 16, TileHeight: 16, Geo: geo})
	if err != nil {
		t.Fatal(err)
	}
	tile := make([]byte, 16*16*4)
	for i := range wr.NumTiles() {
		for p := range 256 {
			v := seed*float32(i) + float32(math.Sin(float64(p)*0.37+float64(seed)))*100
			binary.LittleEndian.PutUint32(tile[4*p:], math.Float32bits(v))
		}
		if err := wr.WriteTile(context.Background(), i, tile); err != nil {
			t.Fatal(err)
		}
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSlurmArrayJob submits four shards of a median as a Slurm job array
// (sbatch --array=0-3, each shard taking K from SLURM_ARRAY_TASK_ID) and
// a merge job that waits for them (--dependency=afterok), and compares the
// merged file with a one-machine run byte for byte. It needs a running
// Slurm cluster whose jobs share this machine's /tmp: .ci/run starts a
// one-node one (scripts/slurm.sh); elsewhere it skips.
func TestSlurmArrayJob(t *testing.T) {
	if testing.Short() {
		t.Skip("Slurm test skipped in -short mode")
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Skip("Slurm test skipped: sbatch not installed (apt-get install slurm-wlm munge; bash scripts/slurm.sh go test -run TestSlurmArrayJob ./cmd/gomean)")
	}
	if out, err := exec.Command("scontrol", "ping").CombinedOutput(); err != nil || !strings.Contains(string(out), "UP") {
		t.Skipf("Slurm test skipped: slurmctld is not available (scontrol ping: %v, %s); start one with bash scripts/slurm.sh go test -run TestSlurmArrayJob ./cmd/gomean", err, strings.TrimSpace(string(out)))
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("Slurm test skipped: no go command to build gomean")
	}
	dir, err := os.MkdirTemp("", "gomean-slurm-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "gomean")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var ins []string
	for k := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("dem%d.tif", k))
		writeDEM(t, p, 100, 150, float32(k+1))
		ins = append(ins, p)
	}
	whole := filepath.Join(dir, "whole.tif")
	if out, err := exec.Command(bin, append([]string{"median", "-q", "--tile", "16", "-o", whole}, ins...)...).CombinedOutput(); err != nil {
		t.Fatalf("one-machine run: %v\n%s", err, out)
	}
	os.Mkdir(filepath.Join(dir, "parts"), 0o755)
	script := fmt.Sprintf("#!/bin/bash\nset -e\nexec %s median -q --tile 16 --shard 4 -o %s/parts/part-$SLURM_ARRAY_TASK_ID.tif %s\n",
		bin, dir, strings.Join(ins, " "))
	shardScript := filepath.Join(dir, "shards.sh")
	if err := os.WriteFile(shardScript, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	sbatch := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("sbatch", append([]string{"--parsable", "-D", dir}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("sbatch %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
		return id
	}
	arrayID := sbatch("--array=0-3", "-J", "gomean-shards", "-o", filepath.Join(dir, "shard-%a.log"), shardScript)
	merged := filepath.Join(dir, "merged.tif")
	mergeID := sbatch("--dependency=afterok:"+arrayID, "-J", "gomean-merge", "-o", filepath.Join(dir, "merge.log"),
		"--wrap", fmt.Sprintf("%s merge -q -o %s %s/parts/*.tif", bin, merged, dir))
	t.Logf("submitted array job %s and merge job %s", arrayID, mergeID)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		out, err := exec.Command("squeue", "-h", "-j", arrayID+","+mergeID, "-o", "%i %T").CombinedOutput()
		if err == nil && strings.TrimSpace(string(out)) == "" {
			break
		}
		if time.Now().After(deadline) {
			exec.Command("scancel", arrayID, mergeID).Run()
			t.Fatalf("jobs not done after 3 minutes: %s", out)
		}
		time.Sleep(500 * time.Millisecond)
	}
	got, err := os.ReadFile(merged)
	if err != nil {
		logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		var b strings.Builder
		for _, l := range logs {
			c, _ := os.ReadFile(l)
			fmt.Fprintf(&b, "%s:\n%s\n", l, c)
		}
		t.Fatalf("no merged output: %v\n%s", err, b.String())
	}
	want, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("merged output of the Slurm job (%d bytes) differs from the one-machine run (%d bytes)", len(got), len(want))
	}
	parts, _ := filepath.Glob(filepath.Join(dir, "parts", "*.tif"))
	if len(parts) != 4 {
		t.Fatalf("parts %v, want 4", parts)
	}
}
