package main

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

func generate(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	o, err := parseFlags(append([]string{"--outdir", dir}, args...))
	if err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readAll decodes the whole first image of a file.
func readAll(t *testing.T, name string) (*geotiff.Image, []byte) {
	t.Helper()
	r, err := geotiff.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	px, err := r.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return im, px
}

func TestDeterministic(t *testing.T) {
	args := []string{"--size", "300", "--count", "2", "--level", "1"}
	a := generate(t, args...)
	prev := runtime.GOMAXPROCS(1)
	b := generate(t, args...)
	runtime.GOMAXPROCS(prev)
	for _, f := range []string{"dem.30m.1.tiff", "dem.30m.2.tiff"} {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between GOMAXPROCS %d and 1", f, prev)
		}
	}
}

func TestLayoutsAndTypes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		typ    geotiff.SampleType
		tiled  bool
		pred   geotiff.Predictor
		nodata float64
	}{
		{"float32 tiled", []string{"--predictor", "3"}, geotiff.Float32, true, geotiff.PredictorFloat, -9999},
		{"float32 strip", []string{"--layout", "strip", "--predictor", "3"}, geotiff.Float32, false, geotiff.PredictorFloat, -9999},
		{"float32 strip no predictor", []string{"--layout", "strip", "--rows-per-strip", "7"}, geotiff.Float32, false, geotiff.PredictorNone, -9999},
		{"int16 strip", []string{"--layout", "strip", "--type", "int16", "--predictor", "2"}, geotiff.Int16, false, geotiff.PredictorHorizontal, -9999},
		{"uint16 tiled", []string{"--type", "uint16", "--predictor", "2"}, geotiff.Uint16, true, geotiff.PredictorHorizontal, 65535},
	}
	tiled, want := readAll(t, filepath.Join(generate(t, "--size", "300", "--count", "1"), "dem.30m.1.tiff"))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := generate(t, append([]string{"--size", "300", "--count", "1", "--level", "1"}, tc.args...)...)
			im, px := readAll(t, filepath.Join(dir, "dem.30m.1.tiff"))
			if im.Type != tc.typ || im.Tiled != tc.tiled || im.Predictor != tc.pred || !im.HasNoData || im.NoData != tc.nodata {
				t.Fatalf("got %v tiled=%v predictor %v nodata %v/%v", im.Type, im.Tiled, im.Predictor, im.HasNoData, im.NoData)
			}
			if im.Geo.Keys == nil || im.Geo.Keys.EPSG() != epsg || im.Geo.Transform != tiled.Geo.Transform {
				t.Fatalf("georeferencing: got %+v", im.Geo)
			}
			// The same pixels as the float32 tiled file, rounded for integers.
			for i := 0; i < 300*300; i++ {
				f := float64(geotiff.Float32.Get(want[4*i:]))
				g := tc.typ.Get(px[i*tc.typ.Size():])
				if f == -9999 {
					if g != tc.nodata {
						t.Fatalf("pixel %d: got %v, want nodata %v", i, g, tc.nodata)
					}
					continue
				}
				if tc.typ != geotiff.Float32 {
					f = float64(int64(f + 0.5))
					if d := g - f; d < -1 || d > 1 {
						t.Fatalf("pixel %d: got %v, want about %v", i, g, f)
					}
				} else if g != f {
					t.Fatalf("pixel %d: got %v, want %v", i, g, f)
				}
			}
		})
	}
}

func TestParseFlagsErrors(t *testing.T) {
	tests := [][]string{
		{"--size", "10"},                                         // no --outdir
		{"--outdir", "x", "--type", "float64"},                   // unsupported type
		{"--outdir", "x", "--layout", "cog"},                     // unknown layout
		{"--outdir", "x", "--predictor", "3", "--type", "int16"}, // float predictor on integers
		{"--outdir", "x", "--level", "0"},                        // level out of range
		{"--outdir", "x", "--count", "0"},                        // no inputs
	}
	for _, args := range tests {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q): got nil error", args)
		}
	}
}
