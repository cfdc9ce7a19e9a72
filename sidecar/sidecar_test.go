package sidecar

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAtof(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		m    bool // atofM
	}{
		{"7", 7, false}, {"  -3.5e2x", -350, false}, {"12abc", 12, false}, {"", 0, false},
		{"abc", 0, false}, {"nan", math.NaN(), false}, {"-NaN(123)", math.NaN(), false},
		{"inf", math.Inf(1), false}, {"-Infinity", math.Inf(-1), false}, {"1.#QNAN", math.NaN(), false},
		{"-1.#IND", math.NaN(), false}, {"-1.#INF", math.Inf(-1), false}, {"0x10", 16, false},
		{"0x1.8p1", 3, false}, {"-0x", 0, false}, {"1e999", math.Inf(1), false}, {"1e", 1, false},
		{".5", 0.5, false}, {"5.", 5, false}, {".", 0, false}, {"+.5e-1", 0.05, false},
		{"-3.40000000000000E+38", -3.4e38, false}, {"-0", math.Copysign(0, -1), false},
		{"500005,5", 500005, false}, {"500005,5", 500005.5, true}, {"1.5,2", 1.5, true}, {"\t7", 7, true},
	}
	for _, tt := range tests {
		f := atof
		if tt.m {
			f = atofM
		}
		if got := f(tt.in); !sameFloat(got, tt.want) {
			t.Errorf("atof(%q, M=%v) = %v, want %v", tt.in, tt.m, got, tt.want)
		}
	}
	for in, want := range map[string]int{"1": 1, " 1x": 1, "-2": -2, "x": 0, "": 0, "99999999999": math.MaxInt32} {
		if got := atoi(in); got != want {
			t.Errorf("atoi(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestWorldFileNames(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"d/a.tif", []string{"d/a.tfw", "d/a.TFW", "d/a.tifw", "d/a.TIFW", "d/a.wld", "d/a.WLD"}},
		{"a.TIFF", []string{"a.tfw", "a.TFW", "a.tiffw", "a.TIFFW", "a.wld", "a.WLD"}},
		{"a.x", []string{"a.wld", "a.WLD"}},
		{"a", []string{"a.wld", "a.WLD"}},
		{"d.v1/a", []string{"d.v1/a.wld", "d.v1/a.WLD"}},
	}
	for _, tt := range tests {
		if got := worldFileNames(tt.path); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("worldFileNames(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestParseWorld(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [6]float64
		ok   bool
	}{
		{"north up", "10\n0\n0\n-10\n500005\n4999995\n", [6]float64{500000, 10, 0, 5000000, 0, -10}, true},
		{"rotated", "2\n0.5\n-0.25\n-2\n1001\n2001\n", [6]float64{1001 - 1 + 0.125, 2, -0.25, 2001 - 0.25 + 1, 0.5, -2}, true},
		{"seventh line ignored", "1\n0\n0\n-1\n0.5\n-0.5\n99\n", [6]float64{0, 1, 0, 0, 0, -1}, true},
		{"only rotation", "0\n1\n1\n0\n0\n0\n", [6]float64{-0.5, 0, 1, -0.5, 1, 0}, true},
		{"five lines", "1\n0\n0\n-1\n0\n", [6]float64{}, false},
		{"no x size", "0\n0\n0\n-1\n0\n0\n", [6]float64{}, false},
		{"no y size", "1\n0\n0\n0\n0\n0\n", [6]float64{}, false},
		{"empty", "", [6]float64{}, false},
	}
	for _, tt := range tests {
		got, ok := parseWorld([]byte(tt.in))
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: parseWorld = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseWKT(t *testing.T) {
	tests := []struct {
		name    string
		wkt     string
		epsg    int
		kind    crsKind
		mapping string
		err     string
	}{
		{"wkt1 projected", `PROJCS["x",GEOGCS["g",AUTHORITY["EPSG","4326"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32633"]]`, 32633, crsProjected, "1,2", ""},
		{"wkt1 geographic lat first", `GEOGCS["WGS 84",AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["epsg","4326"]]`, 4326, crsGeographic, "2,1", ""},
		{"wkt1 parentheses", `GEOGCS("WGS 84",AUTHORITY("EPSG","4326"))`, 4326, crsGeographic, "", ""},
		{"nested authority only", `PROJCS["x",GEOGCS["g",AUTHORITY["EPSG","4326"]],UNIT["m",1,AUTHORITY["EPSG","9001"]]]`, 0, crsProjected, "", ""},
		{"other authority", `PROJCS["x",AUTHORITY["ESRI","102100"]]`, 0, crsProjected, "", ""},
		{"wkt2 id", `PROJCRS["x",CS[Cartesian,2],AXIS["(E)",east,ORDER[1]],AXIS["(N)",north,ORDER[2]],ID["EPSG",32633]]`, 32633, crsProjected, "1,2", ""},
		{"wkt2 geodcrs ellipsoidal", `GEODCRS["x",CS[ellipsoidal,2],AXIS["lat",north],AXIS["lon",east],ID["EPSG",4326]]`, 4326, crsGeographic, "2,1", ""},
		{"wkt2 geodcrs cartesian", `GEODCRS["x",CS[Cartesian,3],ID["EPSG",4978]]`, 0, crsOther, "", ""},
		{"three axes", `GEOGCRS["x",AXIS["lat",north],AXIS["lon",east],AXIS["h",up],ID["EPSG",4979]]`, 4979, crsGeographic, "2,1,3", ""},
		{"compound", `COMPD_CS["x",PROJCS["p",AUTHORITY["EPSG","32633"]],AUTHORITY["EPSG","5972"]]`, 0, crsOther, "", ""},
		{"quoted quote", `PROJCS["a ""b"" c",AUTHORITY["EPSG","3857"]]`, 3857, crsProjected, "", ""},
		{"code not a number", `PROJCS["x",AUTHORITY["EPSG","abc"]]`, 0, crsProjected, "", ""},
		{"code too large", `PROJCS["x",AUTHORITY["EPSG","99999999999"]]`, 0, crsProjected, "", ""},
		{"epsg user input", `EPSG:4326`, 0, 0, "", "want a keyword"},
		{"proj string", `+proj=longlat`, 0, 0, "", "want a keyword"},
		{"unterminated", `PROJCS["x`, 0, 0, "", "unterminated"},
		{"unclosed", `PROJCS["x",1`, 0, 0, "", "end of text"},
		{"trailing", `PROJCS["x"] x`, 0, 0, "", "after the root"},
		{"empty item", `PROJCS["x",,1]`, 0, 0, "", "empty item"},
		{"too deep", strings.Repeat("A[", 100) + "1" + strings.Repeat("]", 100), 0, 0, "", "nesting"},
	}
	for _, tt := range tests {
		n, err := parseWKT(tt.wkt)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if n.epsg() != tt.epsg || n.kind() != tt.kind || n.axisMapping() != tt.mapping {
			t.Errorf("%s: epsg %d kind %d mapping %q; want %d %d %q", tt.name, n.epsg(), n.kind(), n.axisMapping(), tt.epsg, tt.kind, tt.mapping)
		}
	}
}

func TestReadNone(t *testing.T) {
	info, err := Read(filepath.Join("..", "testdata", "sidecar", "plain.tif"))
	if info != nil || err != nil {
		t.Fatalf("Read(plain.tif) = %+v, %v; want nil, nil", info, err)
	}
	info, err = Read(filepath.Join(t.TempDir(), "missing.tif"))
	if info != nil || err != nil {
		t.Fatalf("Read(missing.tif) = %+v, %v; want nil, nil", info, err)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A path below a regular file: stat fails with ENOTDIR, not "not exist".
	p := filepath.Join(file, "r.tif")
	_, err := Read(p)
	if err == nil || !strings.Contains(err.Error(), p+".aux.xml") {
		t.Fatalf("Read(%s) error %v, want one naming the aux.xml", p, err)
	}
	// A directory where a sidecar would be is not a sidecar.
	r := filepath.Join(dir, "r.tif")
	if err := os.Mkdir(r+".aux.xml", 0o755); err != nil {
		t.Fatal(err)
	}
	if info, err := Read(r); info != nil || err != nil {
		t.Fatalf("Read with a directory as aux.xml = %+v, %v", info, err)
	}
	// Too large.
	big := filepath.Join(dir, "big.aux.xml")
	if err := os.WriteFile(big, make([]byte, 101), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readSmall(readHead, big, 100); err == nil || !strings.Contains(err.Error(), "big.aux.xml: size exceeds limit 100") {
		t.Fatalf("readSmall error %v", err)
	}
	if _, err := readSmall(readHead, filepath.Join(file, "x"), 100); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("readSmall below a file: %v", err)
	}
}

func TestReadFixtureValues(t *testing.T) {
	dir := filepath.Join("..", "testdata", "sidecar")
	info, err := Read(filepath.Join(dir, "bands.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if info.EPSG != 32633 || !info.Projected || !info.TransformIsPAM() || info.Transform != [6]float64{400000.5, 30, 0, 6000000.25, 0, -30} {
		t.Errorf("bands.tif: %+v", info)
	}
	want := []struct {
		has  bool
		v    float64
		text string
	}{
		{true, 0, "0.00000000000000E+00"},
		{true, math.NaN(), "nan"},
		{true, -3.4e38, "-3.40000000000000E+38"},
		{true, float64(float32(-3.4e38)), "-3.39999995214436E+38"},
	}
	if len(info.Bands) != len(want) {
		t.Fatalf("bands: %+v", info.Bands)
	}
	for k, w := range want {
		b := info.Bands[k]
		if b.HasNoData != w.has || !sameFloat(b.NoData, w.v) || b.NoDataText != w.text {
			t.Errorf("band %d: %+v, want %+v", k+1, b, w)
		}
	}
	info, err = Read(filepath.Join(dir, "world.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if info.TransformIsPAM() || info.TransformFrom != filepath.Join(dir, "world.tfw") || info.SRS != "" {
		t.Errorf("world.tif: %+v", info)
	}
	info, err = Read(filepath.Join(dir, "tfw.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if info.EPSG != 4326 || info.Projected || len(info.Warnings) != 1 || !strings.Contains(info.Warnings[0], "tfw.prj") {
		t.Errorf("tfw.tif: %+v", info)
	}
	info, err = Read(filepath.Join(dir, "lcc.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if info.EPSG != 0 || !info.Projected || !strings.Contains(info.SRS, "Lambert_Conformal_Conic_2SP") {
		t.Errorf("lcc.tif: %+v", info)
	}
}

// BenchmarkRead measures the common cases: no sidecar at all (eight
// stats), and GDAL's PAM file of a PROFILE=BASELINE TIFF.
func BenchmarkRead(b *testing.B) {
	dir := filepath.Join("..", "testdata", "sidecar")
	for _, name := range []string{"plain.tif", "baseline.tif", "world.tif"} {
		b.Run(name, func(b *testing.B) {
			p := filepath.Join(dir, name)
			for b.Loop() {
				if _, err := Read(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
