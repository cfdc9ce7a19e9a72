package compute

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

// TestRunFixtures takes the mean of each GDAL-made fixture with itself
// (every sample type, codec, predictor, strip and tile layout, planar
// configuration and byte order in ../testdata) and checks that it equals
// the fixture, nodata included.
func TestRunFixtures(t *testing.T) {
	var files []string
	for _, dir := range []string{"layout", "types"} {
		m, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.tif"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no fixtures in ../testdata/layout and ../testdata/types")
	}
	out := t.TempDir()
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			o := filepath.Join(out, filepath.Base(f))
			cfg := Config{Workers: 2}
			if err := Run(context.Background(), cfg, []string{f, f}, o); err != nil {
				t.Fatal(err)
			}
			in, src := readRaster(t, f)
			outIm, got := readRaster(t, o)
			for i, v := range src.vals {
				invalid := math.IsNaN(v) || in.HasNoData && v == inputNoData(in)
				g := got.vals[i]
				switch {
				case invalid && !(g == outIm.NoData || math.IsNaN(g)):
					t.Fatalf("sample %d: nodata in the input, %v in the output", i, g)
				case !invalid && g != float64(float32(v)):
					t.Fatalf("sample %d: got %v, want %v", i, g, float64(float32(v)))
				}
			}
		})
	}
}
