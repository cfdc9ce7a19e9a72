package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// run runs the app in-process and returns its stdout, stderr and error.
func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	app := newApp()
	var out, errOut bytes.Buffer
	app.Writer, app.ErrWriter = &out, &errOut
	err := app.Run(context.Background(), append([]string{"gomean"}, args...))
	return out.String(), errOut.String(), err
}

// writeInput writes a 40×30 float32 raster whose pixel (x, y) holds
// base + x, with nodata -9999 at pixel (0, 0) when base is 10.
func writeInput(t *testing.T, path string, base float32, geo *geotiff.Georef) {
	t.Helper()
	if geo == nil {
		geo = &geotiff.Georef{HasTransform: true, Transform: geotiff.GeoTransform{100, 1, 0, 200, 0, -1},
			Keys: &geotiff.GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []geotiff.GeoKey{
				{ID: geotiff.KeyGTModelType, Count: 1, Value: geotiff.ModelTypeProjected},
				{ID: geotiff.KeyProjectedCSType, Count: 1, Value: 32632}}}}
	}
	w, err := geotiff.Create(path, geotiff.WriterOptions{Width: 40, Height: 30, Bands: 1, Type: geotiff.Float32,
		TileWidth: 16, TileHeight: 16, HasNoData: true, NoData: -9999, Geo: geo})
	if err != nil {
		t.Fatal(err)
	}
	g := [2]int{3, 2}
	tile := make([]byte, 16*16*4)
	for ty := 0; ty < g[1]; ty++ {
		for tx := 0; tx < g[0]; tx++ {
			for y := 0; y < 16; y++ {
				for x := 0; x < 16; x++ {
					v := base + float32((tx*16+x)%40)
					if base == 10 && tx == 0 && ty == 0 && x == 0 && y == 0 {
						v = -9999
					}
					binary.LittleEndian.PutUint32(tile[4*(y*16+x):], math.Float32bits(v))
				}
			}
			if err := w.WriteTile(context.Background(), ty*g[0]+tx, tile); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// pixel reads band 0 of pixel (x, y) of a file as float64.
func pixel(t *testing.T, path string, x, y int) (float64, *geotiff.Image) {
	t.Helper()
	r, err := geotiff.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	b, err := r.ReadWindow(im, image.Rect(x, y, x+1, y+1), []int{0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	switch im.Type {
	case geotiff.Float32:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), im
	case geotiff.Float64:
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), im
	case geotiff.Int16:
		return float64(int16(binary.LittleEndian.Uint16(b))), im
	case geotiff.Uint8:
		return float64(b[0]), im
	}
	t.Fatalf("unexpected type %v", im.Type)
	return 0, nil
}

type fixture struct{ dir, a, b, c string }

func newFixture(t *testing.T) fixture {
	dir := t.TempDir()
	f := fixture{dir, filepath.Join(dir, "a.tif"), filepath.Join(dir, "b.tif"), filepath.Join(dir, "c.tif")}
	writeInput(t, f.a, 10, nil)
	writeInput(t, f.b, 20, nil)
	writeInput(t, f.c, 60, nil)
	return f
}

func TestReduceCommands(t *testing.T) {
	f := newFixture(t)
	out := func(name string) string { return filepath.Join(f.dir, name) }
	if err := os.WriteFile(out("list.txt"), []byte("# inputs\n"+f.a+"\n\n"+f.b+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		file string
		x    int     // pixel (x, 0) is checked
		want float64 // value there
		typ  geotiff.SampleType
		comp geotiff.Compression
		tile int
	}{
		{"default mean", []string{"-o", out("1.tif"), f.a, f.b, f.c}, "1.tif", 5, 35, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"explicit mean", []string{"mean", "-o", out("2.tif"), f.a, f.b, f.c}, "2.tif", 5, 35, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"flags after inputs", []string{f.a, f.b, f.c, "-o", out("3.tif"), "--co", "ZLEVEL=9"}, "3.tif", 5, 35, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"gdal single dash", []string{f.a, f.b, "-o", out("4.tif"), "-co", "COMPRESS=ZSTD", "-ot", "Int16", "-a_nodata", "-1"}, "4.tif", 5, 20, geotiff.Int16, geotiff.CompressionZSTD, 256},
		{"nodata skipped", []string{"-o", out("5.tif"), f.a, f.b, f.c}, "5.tif", 0, 40, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"sum", []string{"sum", "-o", out("6.tif"), f.a, f.b, f.c}, "6.tif", 1, 93, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"min", []string{"min", f.a, f.b, f.c, "-o", out("7.tif")}, "7.tif", 2, 12, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"max", []string{"max", "-o", out("8.tif"), f.a, f.b, f.c}, "8.tif", 2, 62, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"count", []string{"count", "-o", out("9.tif"), "--type", "Byte", f.a, f.b, f.c}, "9.tif", 0, 2, geotiff.Uint8, geotiff.CompressionDeflate, 256},
		{"std", []string{"std", "-o", out("10.tif"), f.a, f.b}, "10.tif", 3, 5, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"median", []string{"median", "-o", out("11.tif"), f.a, f.b, f.c}, "11.tif", 3, 23, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"weights", []string{"-o", out("12.tif"), f.a, f.b, "--weights", "1,3"}, "12.tif", 1, (11 + 3*21) / 4.0, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"list file", []string{"-o", out("13.tif"), "@" + out("list.txt")}, "13.tif", 4, 19, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"quoted glob", []string{"-o", out("14.tif"), filepath.Join(f.dir, "[ab].tif")}, "14.tif", 4, 19, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"plain creation flags", []string{"-o", out("15.tif"), "--compress", "NONE", "--tile", "32", "--workers", "3", f.a, f.b}, "15.tif", 4, 19, geotiff.Float32, geotiff.CompressionNone, 32},
		{"block size co", []string{"-o", out("16.tif"), "--co", "BLOCKXSIZE=64", "--co", "BLOCKYSIZE=64", "--co", "PREDICTOR=2", "--co", "NUM_THREADS=2", "--co", "BIGTIFF=YES", f.a}, "16.tif", 4, 14, geotiff.Float32, geotiff.CompressionDeflate, 64},
		{"huffman only", []string{f.a, f.b, "-o", out("18.tif"), "--co", "ZLEVEL=huffman"}, "18.tif", 4, 19, geotiff.Float32, geotiff.CompressionDeflate, 256},
		{"float64 propagate", []string{"-o", out("17.tif"), "-ot", "Float64", "--propagate-nodata", f.a, f.b}, "17.tif", 0, -9999, geotiff.Float64, geotiff.CompressionDeflate, 256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := run(t, tt.args...)
			if err != nil {
				t.Fatalf("%v\nstderr: %s", err, stderr)
			}
			if !strings.HasSuffix(stderr, "0...10...20...30...40...50...60...70...80...90...100 - done.\n") {
				t.Errorf("stderr %q, want GDAL's progress line", stderr)
			}
			v, im := pixel(t, out(tt.file), tt.x, 0)
			if v != tt.want {
				t.Errorf("pixel (%d, 0) = %v, want %v", tt.x, v, tt.want)
			}
			if im.Type != tt.typ || im.Compression != tt.comp || im.TileWidth != tt.tile {
				t.Errorf("output %v %v tile %d, want %v %v tile %d", im.Type, im.Compression, im.TileWidth, tt.typ, tt.comp, tt.tile)
			}
			if im.Geo.Keys == nil || im.Geo.Keys.EPSG() != 32632 || im.Geo.Transform != (geotiff.GeoTransform{100, 1, 0, 200, 0, -1}) {
				t.Errorf("georeferencing not carried: %+v", im.Geo)
			}
		})
	}
}

func TestReduceErrors(t *testing.T) {
	f := newFixture(t)
	other := filepath.Join(f.dir, "other.tif")
	// Half a pixel off the lattice of a.tif: it would have to be resampled.
	writeInput(t, other, 0, &geotiff.Georef{HasTransform: true, Transform: geotiff.GeoTransform{100.5, 1, 0, 200, 0, -1},
		Keys: &geotiff.GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []geotiff.GeoKey{
			{ID: geotiff.KeyGTModelType, Count: 1, Value: geotiff.ModelTypeProjected},
			{ID: geotiff.KeyProjectedCSType, Count: 1, Value: 32632}}}})
	exists := filepath.Join(f.dir, "exists.tif")
	if err := os.WriteFile(exists, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(f.dir, "out.tif")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no output", []string{f.a, f.b}, 2, []string{"no output file", "-o"}},
		{"no inputs", []string{"-o", out}, 2, []string{"no input files"}},
		{"unknown flag", []string{"-o", out, f.a, "--bogus"}, 2, []string{"bogus"}},
		{"unknown creation option", []string{"-o", out, f.a, "--co", "FOO=1"}, 2, []string{"unknown creation option FOO"}},
		{"bad compress", []string{"-o", out, f.a, "--co", "COMPRESS=JPEG"}, 2, []string{"JPEG", "DEFLATE, ZSTD"}},
		{"bad zlevel", []string{"-o", out, f.a, "--co", "ZLEVEL=12"}, 2, []string{"ZLEVEL=12", "1 to 9, or HUFFMAN"}},
		{"conflict", []string{"-o", out, f.a, "--co", "ZLEVEL=9", "--level", "3"}, 2, []string{"--level 3 conflicts with --co ZLEVEL=9"}},
		{"bad tile", []string{"-o", out, f.a, "--tile", "100"}, 2, []string{"--tile 100", "multiples of 16"}},
		{"bad type", []string{"-o", out, f.a, "-ot", "Complex64"}, 2, []string{"Complex64"}},
		{"bad nodata", []string{"-o", out, f.a, "-ot", "Byte", "--nodata", "-5"}, 2, []string{"-5", "Byte"}},
		{"weights count", []string{"-o", out, f.a, f.b, "--weights", "1,2,3"}, 2, []string{"3 weights for 2 inputs"}},
		{"min-valid", []string{"-o", out, f.a, f.b, "--min-valid", "3"}, 2, []string{"--min-valid 3"}},
		{"band zero", []string{"-o", out, f.a, "--band", "0"}, 2, []string{"numbered from 1"}},
		{"exists", []string{"-o", exists, f.a}, 2, []string{"exists.tif exists", "--overwrite"}},
		{"output is input", []string{"-o", f.a, f.a, f.b, "--overwrite"}, 2, []string{"a.tif is also an input"}},
		{"glob matches nothing", []string{"-o", out, filepath.Join(f.dir, "zz*.tif")}, 2, []string{"matches no file"}},
		{"missing list", []string{"-o", out, "@" + filepath.Join(f.dir, "none.txt")}, 2, []string{"none.txt"}},
		{"missing input", []string{"-o", out, f.a, filepath.Join(f.dir, "missing.tif")}, 1, []string{"missing.tif", "check the path"}},
		{"unknown command", []string{"avg", "-o", out, f.a}, 2, []string{"avg is neither a file nor a command"}},
		{"not co-registered", []string{"-o", out, f.a, other}, 1, []string{"other.tif", "geotransform", "a.tif"}},
		{"CEA and LCC on one datum", []string{"-o", out, "../../testdata/crs/lcc.tif", "../../testdata/crs/cea.tif"}, 1,
			[]string{"cea.tif", "CRS user-defined projected CRS: Cylindrical Equal Area", "differs from user-defined projected CRS: Lambert Conic Conformal (2SP)", "--ignore-crs"}},
		{"band out of range", []string{"-o", out, f.a, "--band", "2"}, 1, []string{"band 2 does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if c := exitCode(err); c != tt.code {
				t.Errorf("exit code %d, want %d (error %v)", c, tt.code, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("output written despite the error")
			}
		})
	}
	t.Run("overwrite", func(t *testing.T) {
		if _, _, err := run(t, "-q", "-o", exists, f.a, "--overwrite"); err != nil {
			t.Fatal(err)
		}
		if v, _ := pixel(t, exists, 3, 0); v != 13 {
			t.Errorf("pixel = %v, want 13", v)
		}
	})
}

func TestQuietAndHelp(t *testing.T) {
	f := newFixture(t)
	_, stderr, err := run(t, "-q", "-o", filepath.Join(f.dir, "q.tif"), f.a)
	if err != nil || stderr != "" {
		t.Errorf("-q: err %v, stderr %q, want none", err, stderr)
	}
	stdout, _, err := run(t, "--version")
	if err != nil || !strings.Contains(stdout, "dev") || !strings.Contains(stdout, "commit") {
		t.Errorf("--version printed %q (%v), want the version and commit", stdout, err)
	}
	for _, args := range [][]string{{"--help"}, {"mean", "--help"}, {"std", "--help"}, {"count", "--help"}, {"info", "--help"}} {
		stdout, _, err := run(t, args...)
		if err != nil || !strings.Contains(stdout, "Examples") {
			t.Errorf("%v: %v, output lacks an Examples block:\n%s", args, err, stdout)
		}
		if args[0] == "std" && !strings.Contains(stdout, "population") {
			t.Errorf("std --help does not say it is the population standard deviation")
		}
	}
}

// TestREADMEExample runs the README's main command on the sample DEMs and
// checks with gdalinfo that the output has the inputs' CRS and
// geotransform.
func TestREADMEExample(t *testing.T) {
	dems, _ := filepath.Glob("../../testdata/dem/dem_*.tif")
	if len(dems) != 3 {
		t.Skipf("sample DEMs missing: found %v in ../../testdata/dem", dems)
	}
	if _, err := exec.LookPath("gdalinfo"); err != nil {
		t.Skip("gdalinfo not installed (Debian gdal-bin)")
	}
	out := filepath.Join(t.TempDir(), "mean.tif")
	if _, _, err := run(t, "-o", out, dems[0], dems[1], dems[2]); err != nil {
		t.Fatal(err)
	}
	info := func(p string) (gt []float64, wkt string) {
		b, err := exec.Command("gdalinfo", "-json", p).Output()
		if err != nil {
			t.Fatalf("gdalinfo %s: %v", p, err)
		}
		var j struct {
			GeoTransform []float64 `json:"geoTransform"`
			CRS          struct {
				WKT string `json:"wkt"`
			} `json:"coordinateSystem"`
		}
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatal(err)
		}
		return j.GeoTransform, j.CRS.WKT
	}
	gtIn, wktIn := info(dems[0])
	gtOut, wktOut := info(out)
	if wktIn == "" || wktOut != wktIn {
		t.Errorf("output CRS differs from the inputs':\n%s\nvs\n%s", wktOut, wktIn)
	}
	if len(gtOut) != 6 || len(gtIn) != 6 {
		t.Fatalf("geotransforms %v, %v", gtOut, gtIn)
	}
	for i := range gtIn {
		if gtOut[i] != gtIn[i] {
			t.Errorf("output geotransform %v, want %v", gtOut, gtIn)
			break
		}
	}
}

func TestProcessingErrorHints(t *testing.T) {
	f := newFixture(t)
	bad := filepath.Join(f.dir, "bad.tif")
	if err := os.WriteFile(bad, []byte("this is not a TIFF file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(f.dir, "out.tif")
	_, _, err := run(t, "-q", "-o", out, f.a, bad)
	if exitCode(err) != 1 || err == nil || !strings.Contains(err.Error(), "bad.tif") || !strings.Contains(err.Error(), "gdalinfo") {
		t.Errorf("not a TIFF: exit %d, error %v; want 1 and a message naming bad.tif with a hint", exitCode(err), err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	app := newApp()
	app.Writer, app.ErrWriter = new(bytes.Buffer), new(bytes.Buffer)
	err = app.Run(ctx, []string{"gomean", "-o", out, f.a, f.b})
	if exitCode(err) != 1 || !strings.Contains(fmt.Sprint(err), "interrupted: "+out+" was not written") {
		t.Errorf("cancelled run: exit %d, error %v", exitCode(err), err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("cancelled run left an output file")
	}
	entries, _ := os.ReadDir(f.dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
