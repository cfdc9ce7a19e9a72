package compute

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// expected computes the output of cfg over the inputs by the slow
// reference, as the output type would store it (float64 for comparison).
func expected(t *testing.T, cfg Config, inputs []string) raster {
	t.Helper()
	var ims []*geotiff.Image
	var rs []raster
	for _, in := range inputs {
		im, r := readRaster(t, in)
		ims = append(ims, im)
		rs = append(rs, r)
	}
	cfg, err := cfg.validate(len(inputs))
	if err != nil {
		t.Fatal(err)
	}
	bands := cfg.Bands
	if bands == nil {
		for b := 0; b < ims[0].Bands; b++ {
			bands = append(bands, b)
		}
	}
	var ins []*input
	for k, in := range inputs {
		r, err := geotiff.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		i, err := newInput(inputs[k], r, nil)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, i)
	}
	pol, err := resolveNoData(&cfg, ins, bands, false, true)
	if err != nil {
		t.Fatal(err)
	}
	fill := pol.fill
	out := raster{w: rs[0].w, h: rs[0].h, bands: len(bands), vals: make([]float64, rs[0].w*rs[0].h*len(bands))}
	xs := make([]float64, len(rs))
	enc := newEncoder(cfg.Type, fill)
	enc.avoid = pol.avoid
	buf := make([]byte, cfg.Type.Size())
	dec := newDecoder(cfg.Type, false, 0)
	one := make([]float64, 1)
	for y := 0; y < out.h; y++ {
		for x := 0; x < out.w; x++ {
			for j, b := range bands {
				for k, r := range rs {
					v := r.at(x, y, b)
					if math.IsNaN(v) || (ims[k].HasNoData && v == inputNoData(ims[k])) {
						v = math.NaN()
					}
					xs[k] = v
				}
				one[0] = refReduce(cfg.Op, xs, cfg.Weights, cfg.PropagateNoData, cfg.MinValid)
				enc.encode(buf, 0, 1, one)
				dec.decode(one, buf, 0, 1)
				out.vals[(y*out.w+x)*out.bands+j] = one[0]
			}
		}
	}
	return out
}

// inputNoData returns the nodata of an input as its type stores it.
func inputNoData(im *geotiff.Image) float64 {
	if im.Type == geotiff.Float32 {
		return float64(float32(im.NoData))
	}
	return im.NoData
}

// compareRaster fails unless got and want agree within rel (relative to
// max(1, |want|)), NaN matching NaN.
func compareRaster(t *testing.T, got, want raster, rel float64) {
	t.Helper()
	if got.w != want.w || got.h != want.h || got.bands != want.bands {
		t.Fatalf("got %dx%dx%d, want %dx%dx%d", got.w, got.h, got.bands, want.w, want.h, want.bands)
	}
	for i, g := range got.vals {
		w := want.vals[i]
		if math.IsNaN(g) && math.IsNaN(w) || g == w {
			continue
		}
		if math.IsNaN(g) || math.IsNaN(w) || math.Abs(g-w) > rel*math.Max(1, math.Abs(w)) {
			p := i / got.bands
			t.Fatalf("pixel (%d, %d) band %d: got %v, want %v", p%got.w, p/got.w, i%got.bands, g, w)
		}
	}
}

// stack writes n float32 inputs of w×h with NaN holes, nodata -9999 holes
// in every other file, and returns their paths.
func stack(t *testing.T, dir string, n, w, h, bands int) []string {
	var paths []string
	for k := 0; k < n; k++ {
		r := randomRaster(uint64(k+1), w, h, bands, -500, 3000, 0.15, math.NaN())
		o := geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 64, TileHeight: 64}
		if k%2 == 1 {
			o.HasNoData, o.NoData = true, -9999
			for i := range r.vals {
				if i%7 == k { // literal nodata values next to NaN holes
					r.vals[i] = -9999
				}
			}
			for i := range r.vals {
				if i%11 == 0 {
					r.vals[i] = math.NaN() // becomes -9999 too
				}
			}
		}
		paths = append(paths, writeRaster(t, dir, fmt.Sprintf("in%d.tif", k), r, o))
	}
	return paths
}

func TestRunOps(t *testing.T) {
	dir := t.TempDir()
	inputs := stack(t, dir, 4, 150, 100, 1)
	for _, op := range Ops() {
		for _, pol := range []struct {
			name string
			cfg  Config
		}{
			// 64×64 output tiles are the inputs' tiles (read directly);
			// the default 256×256 go through the block cache.
			{"skip", Config{Output: geotiff.WriterOptions{TileWidth: 64, TileHeight: 64}}},
			{"propagate", Config{PropagateNoData: true}},
			{"min3", Config{MinValid: 3, Output: geotiff.WriterOptions{TileWidth: 64, TileHeight: 64}}},
		} {
			t.Run(op.String()+"/"+pol.name, func(t *testing.T) {
				cfg := pol.cfg
				cfg.Op = op
				cfg.Workers = 2
				out := filepath.Join(dir, fmt.Sprintf("out_%v_%s.tif", op, pol.name))
				if err := Run(context.Background(), cfg, inputs, out); err != nil {
					t.Fatal(err)
				}
				im, got := readRaster(t, out)
				compareRaster(t, got, expected(t, cfg, inputs), 1e-6)
				if im.Type != geotiff.Float32 || !im.Geo.HasTransform || im.Geo.Transform != testGeo().Transform || im.Geo.Keys.EPSG() != 32633 {
					t.Errorf("output type %v, georef %+v", im.Type, im.Geo)
				}
			})
		}
	}
}

func TestRunWeightedAndInteger(t *testing.T) {
	dir := t.TempDir()
	inputs := stack(t, dir, 3, 100, 70, 1)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"weighted", Config{Weights: []float64{1, 2, 1}}},
		{"int16", Config{Type: geotiff.Int16}},
		{"byte clamps", Config{Type: geotiff.Uint8}},
		{"uint16 nodata", Config{Type: geotiff.Uint16, HasNoData: true, NoData: 0}},
		{"float64", Config{Type: geotiff.Float64, Op: Std}},
		{"count", Config{Op: Count, Type: geotiff.Uint8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".tif")
			if err := Run(context.Background(), tt.cfg, inputs, out); err != nil {
				t.Fatal(err)
			}
			im, got := readRaster(t, out)
			compareRaster(t, got, expected(t, tt.cfg, inputs), 1e-6)
			if tt.cfg.Type != 0 && im.Type != tt.cfg.Type {
				t.Errorf("output type %v, want %v", im.Type, tt.cfg.Type)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	inputs := stack(t, dir, 2, 64, 48, 1)
	r := randomRaster(9, 64, 48, 1, 0, 10, 0, 0)
	geo := testGeo()
	geo.Transform[0] += 1 // a tenth of a pixel
	shifted := writeRaster(t, dir, "shifted.tif", r, geotiff.WriterOptions{Type: geotiff.Float32, Geo: geo})
	geo = testGeo()
	geo.Keys.Keys[2].Value = 32634
	crs := writeRaster(t, dir, "crs.tif", r, geotiff.WriterOptions{Type: geotiff.Float32, Geo: geo})
	rgb := writeRaster(t, dir, "rgb.tif", randomRaster(9, 64, 48, 3, 0, 10, 0, 0), geotiff.WriterOptions{Type: geotiff.Uint8})
	tests := []struct {
		name   string
		cfg    Config
		inputs []string
		want   []string
		coreg  bool
	}{
		{"transform", Config{}, []string{inputs[0], inputs[1], shifted}, []string{"shifted.tif", "geotransform", "500001"}, true},
		{"crs", Config{}, []string{inputs[0], crs}, []string{"crs.tif", "CRS EPSG:32634 differs from EPSG:32633", "--ignore-crs"}, true},
		{"bands", Config{}, []string{inputs[0], rgb}, []string{"rgb.tif", "3 bands", "--band"}, false},
		{"band range", Config{Bands: []int{2}}, []string{rgb, inputs[0]}, []string{"in0.tif", "band 3 does not exist"}, false},
		{"missing", Config{}, []string{inputs[0], filepath.Join(dir, "nope.tif")}, []string{"nope.tif"}, false},
		{"weights", Config{Weights: []float64{1}}, inputs, []string{"1 weights for 2 inputs"}, false},
		{"nodata range", Config{Type: geotiff.Uint8, HasNoData: true, NoData: -1}, inputs, []string{"nodata -1 does not fit"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "out_"+tt.name+".tif")
			err := Run(context.Background(), tt.cfg, tt.inputs, out)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if errors.Is(err, ErrNotCoregistered) != tt.coreg {
				t.Errorf("errors.Is(ErrNotCoregistered) = %v, want %v", !tt.coreg, tt.coreg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output exists after error: %v", err)
			}
		})
	}
	t.Run("ignore crs", func(t *testing.T) {
		out := filepath.Join(dir, "ignore.tif")
		if err := Run(context.Background(), Config{IgnoreCRS: true}, []string{inputs[0], crs}, out); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRunManyInputs reduces 100 inputs, each with its own holes.
func TestRunManyInputs(t *testing.T) {
	dir := t.TempDir()
	var inputs []string
	for k := 0; k < 100; k++ {
		r := randomRaster(uint64(1000+k), 40, 36, 1, -100, 100, 0.3, math.NaN())
		inputs = append(inputs, writeRaster(t, dir, fmt.Sprintf("in%03d.tif", k), r,
			geotiff.WriterOptions{Type: geotiff.Int16, TileWidth: 16, TileHeight: 16, HasNoData: true, NoData: -32768}))
	}
	for _, op := range []Op{Mean, Median} {
		cfg := Config{Op: op, Workers: 3, Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32}}
		out := filepath.Join(dir, op.String()+".tif")
		if err := Run(context.Background(), cfg, inputs, out); err != nil {
			t.Fatal(err)
		}
		_, got := readRaster(t, out)
		compareRaster(t, got, expected(t, cfg, inputs), 1e-6)
	}
}

// TestRunUnsupportedInput checks that an input gomean cannot decode is
// reported before the output is created (the first block is probed).
func TestRunUnsupportedInput(t *testing.T) {
	jpeg := "../testdata/unsupported/jpeg.tif"
	if _, err := os.Stat(jpeg); err != nil {
		t.Skipf("fixture %s missing: %v", jpeg, err)
	}
	out := filepath.Join(t.TempDir(), "out.tif")
	created := false
	cfg := Config{Progress: func(done, total int) { created = true }}
	err := Run(context.Background(), cfg, []string{jpeg, jpeg}, out)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Path != jpeg || !errors.As(err, new(geotiff.UnsupportedError)) {
		t.Fatalf("got %v, want an InputError naming %s wrapping an UnsupportedError", err, jpeg)
	}
	if created {
		t.Error("tiles were computed before the error")
	}
}
