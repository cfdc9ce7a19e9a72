package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/compute"
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
