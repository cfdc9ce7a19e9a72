package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCOGCommand(t *testing.T) {
	accNeedGDAL(t)
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		args []string
		cog  bool
		ovr  int
		stat bool
	}{
		{"of COG", []string{"-of", "COG", "--co", "BLOCKSIZE=16"}, true, 2, true},
		{"layout COG, nearest, no statistics", []string{"--co", "LAYOUT=COG", "--co", "BLOCKSIZE=16", "--co", "OVERVIEW_RESAMPLING=NEAREST", "--co", "STATISTICS=NO"}, true, 2, false},
		{"COG one level", []string{"-of", "cog", "--co", "BLOCKSIZE=16", "--co", "OVERVIEW_COUNT=1"}, true, 1, true},
		{"COG no overviews", []string{"-of", "COG", "--co", "BLOCKSIZE=16", "--co", "OVERVIEWS=NONE"}, true, 0, true},
		{"GTiff overviews and stats", []string{"--overviews", "--stats", "--tile", "16"}, false, 2, true},
		{"GTiff stats", []string{"--stats", "--tile", "16"}, false, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(f.dir, strings.ReplaceAll(tc.name, " ", "_")+".tif")
			args := append([]string{"mean", "-q", "-o", out, f.a, f.b, f.c}, tc.args...)
			if _, stderr, err := run(t, args...); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, stderr)
			}
			if tc.cog {
				v, err := exec.Command(accPython, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", out).CombinedOutput()
				if err != nil || !strings.Contains(string(v), "is a valid cloud optimized GeoTIFF") || strings.Contains(strings.ToLower(string(v)), "warning") {
					t.Fatalf("validator: %v\n%s", err, v)
				}
			}
			info, err := exec.Command("gdalinfo", out).CombinedOutput()
			if err != nil {
				t.Fatalf("gdalinfo: %v\n%s", err, info)
			}
			s := string(info)
			if got := strings.Count(strings.SplitN(s, "Overviews:", 2)[min(1, strings.Count(s, "Overviews:"))], "x"); tc.ovr == 0 && strings.Contains(s, "Overviews:") || tc.ovr > 0 && got < tc.ovr {
				t.Errorf("want %d overviews:\n%s", tc.ovr, s)
			}
			if strings.Contains(s, "STATISTICS_MEAN") != tc.stat {
				t.Errorf("statistics present %v, want %v:\n%s", !tc.stat, tc.stat, s)
			}
			if ents, _ := filepath.Glob(filepath.Join(f.dir, ".*gomean-tmp*")); len(ents) != 0 {
				t.Errorf("temporary files left: %v", ents)
			}
		})
	}
}

func TestCOGCommandErrors(t *testing.T) {
	f := newFixture(t)
	out := filepath.Join(f.dir, "out.tif")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-of", "PNG"}, "gomean writes GTiff or COG"},
		{[]string{"-of", "COG", "--co", "BLOCKSIZE=100"}, "multiple of 16"},
		{[]string{"--co", "OVERVIEW_COUNT=2"}, "applies to -of COG or --overviews"},
		{[]string{"--co", "BLOCKSIZE=256"}, "applies to -of COG"},
		{[]string{"-of", "COG", "--co", "OVERVIEW_RESAMPLING=CUBIC"}, "AVERAGE, NEAREST or MODE"},
		{[]string{"-of", "COG", "--co", "OVERVIEWS=NONE", "--co", "OVERVIEW_COUNT=2"}, "conflicts"},
		{[]string{"-of", "COG", "--co", "LAYOUT=IFDS"}, "COG"},
		{[]string{"-of", "COG", "--co", "BLOCKSIZE=16", "--co", "OVERVIEW_COUNT=9"}, "at most"},
		{[]string{"--stats", "--co", "STATISTICS=NO"}, "conflicts"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			args := append([]string{"mean", "-q", "-o", out, f.a, f.b, f.c}, tc.args...)
			_, stderr, err := run(t, args...)
			if err == nil || !strings.Contains(err.Error()+stderr, tc.want) {
				t.Fatalf("got %v %s, want an error containing %q", err, stderr, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("output written")
			}
		})
	}
}
