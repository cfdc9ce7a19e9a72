package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v3"
)

// runInfoCmd runs `gomean info args...` in process and returns its output.
func runInfoCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := &cli.Command{
		Name:      "gomean",
		Writer:    &out,
		ErrWriter: &out,
		Commands:  []*cli.Command{infoCommand()},
	}
	err := root.Run(context.Background(), append([]string{"gomean", "info"}, args...))
	return out.String(), err
}

// gdalInfo is the part of `gdalinfo -json` that info is checked against.
type gdalInfo struct {
	Size []int                `json:"size"`
	CRS  struct{ WKT string } `json:"coordinateSystem"`
	GCPs struct {
		CRS struct{ WKT string } `json:"coordinateSystem"`
	} `json:"gcps"`
	GeoTransform []float64                    `json:"geoTransform"`
	Metadata     map[string]map[string]string `json:"metadata"`
	Bands        []struct {
		Block       []int                        `json:"block"`
		Type        string                       `json:"type"`
		NoData      json.RawMessage              `json:"noDataValue"`
		Description string                       `json:"description"`
		Scale       *float64                     `json:"scale"`
		Offset      *float64                     `json:"offset"`
		Metadata    map[string]map[string]string `json:"metadata"`
		Overviews   []struct {
			Size []int `json:"size"`
		} `json:"overviews"`
		Mask *struct {
			Flags     []string `json:"flags"`
			Overviews []struct {
				Size []int `json:"size"`
			} `json:"overviews"`
		} `json:"mask"`
	} `json:"bands"`
	raw []byte
}

func runGDALInfo(t *testing.T, path string) (*gdalInfo, bool) {
	t.Helper()
	out, err := exec.Command("gdalinfo", "-json", "-mdd", "all", path).Output()
	if err != nil {
		return nil, false // GDAL cannot open it either
	}
	var g gdalInfo
	if err := json.Unmarshal(out, &g); err != nil {
		t.Fatalf("gdalinfo -json %s: %v", path, err)
	}
	g.raw = out
	return &g, true
}

// infoFixtures lists the fixtures that GDAL and gomean should describe alike:
// every testdata GeoTIFF but the hostile ones.
func infoFixtures(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"../../testdata/*.tif", "../../testdata/*/*.tif"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.Contains(f, "/hostile/") {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		t.Skip("no fixtures in ../../testdata (run testdata/make_fixtures.py)")
	}
	return files
}

// TestInfoMatchesGDAL compares info --json with gdalinfo -json on every
// fixture: every field that both print must be equal (numbers within a
// relative 1e-9), the fields gomean prints must be there in GDAL's output
// too, and the EPSG code, nodata, metadata items and overviews must agree.
func TestInfoMatchesGDAL(t *testing.T) {
	if _, err := exec.LookPath("gdalinfo"); err != nil {
		t.Skip("gdalinfo not installed (apt-get install gdal-bin): cannot compare with GDAL")
	}
	for _, path := range infoFixtures(t) {
		name := strings.TrimPrefix(path, "../../testdata/")
		t.Run(name, func(t *testing.T) { checkInfoAgainstGDAL(t, path) })
	}
}

// checkInfoAgainstGDAL compares info --json on path with gdalinfo -json.
func checkInfoAgainstGDAL(t *testing.T, path string) {
	t.Helper()
	g, ok := runGDALInfo(t, path)
	if !ok {
		t.Skip("gdalinfo cannot open it")
	}
	out, err := runInfoCmd(t, "--json", path)
	if err != nil {
		t.Fatalf("info: %v", err)
	}
	var f fileInfo
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("info --json output: %v\n%s", err, out)
	}
	compareInfo(t, &f, g)
	var ours, theirs map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&ours); err != nil {
		t.Fatal(err)
	}
	dec = json.NewDecoder(bytes.NewReader(g.raw))
	dec.UseNumber()
	if err := dec.Decode(&theirs); err != nil {
		t.Fatal(err)
	}
	ignore := map[string]bool{}
	if f.Unsupported != "" {
		// GDAL decodes some types gomean does not (complex, 1-bit).
		for i := range f.Bands {
			ignore["bands."+strconv.Itoa(i)+".type"] = true
		}
	}
	for i, b := range g.Bands {
		if b.Type == "Byte" && b.Metadata["IMAGE_STRUCTURE"]["PIXELTYPE"] == "SIGNEDBYTE" {
			ignore["bands."+strconv.Itoa(i)+".type"] = true // GDAL before 3.7 has no Int8 type
		}
	}
	compareOverlap(t, "", ours, theirs, ignore)
}

// TestInfoMasksMatchGDAL makes files with alpha bands, nodata and internal
// masks with GDAL and compares info's colorInterpretation and mask flags
// (through the whole comparison of TestInfoMatchesGDAL).
func TestInfoMasksMatchGDAL(t *testing.T) {
	if _, err := exec.LookPath("gdalinfo"); err != nil {
		t.Skip("gdalinfo not installed (apt-get install gdal-bin): cannot compare with GDAL")
	}
	dir := t.TempDir()
	const script = `
import sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
d = sys.argv[1]
def make(name, bands, dt, opts, nodata=None, mask=False, interp=None):
    ds = gdal.GetDriverByName("GTiff").Create(d + "/" + name, 20, 10, bands, dt, opts)
    ds.SetGeoTransform((0, 1, 0, 10, 0, -1))
    for b in range(bands):
        band = ds.GetRasterBand(b + 1)
        band.WriteArray(np.full((10, 20), b + 1))
        if nodata is not None:
            band.SetNoDataValue(nodata)
    if interp:
        ds.GetRasterBand(bands).SetColorInterpretation(interp)
    if mask:
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().Fill(255)
    if mask or name.startswith("ovr"):
        ds.BuildOverviews("NEAREST", [2])
    ds = None
make("rgba_byte.tif", 4, gdal.GDT_Byte, ["PHOTOMETRIC=RGB", "ALPHA=YES"])
make("rgba_uint16.tif", 4, gdal.GDT_UInt16, ["PHOTOMETRIC=RGB", "ALPHA=YES"])
make("gray_alpha_byte.tif", 2, gdal.GDT_Byte, ["ALPHA=YES"])
make("gray_alpha_float.tif", 2, gdal.GDT_Float32, ["ALPHA=YES"])
make("gray_alpha_premultiplied.tif", 2, gdal.GDT_Byte, ["ALPHA=PREMULTIPLIED"])
make("rgba_nodata.tif", 4, gdal.GDT_Byte, ["PHOTOMETRIC=RGB", "ALPHA=YES"], nodata=0)
make("rgb_mask.tif", 3, gdal.GDT_Byte, ["PHOTOMETRIC=RGB", "TILED=YES"], mask=True)
make("nodata_mask.tif", 1, gdal.GDT_Int16, [], nodata=-1, mask=True)
make("ovr_rgba.tif", 4, gdal.GDT_Byte, ["PHOTOMETRIC=RGB", "ALPHA=YES"])
make("three_band_alpha.tif", 3, gdal.GDT_Byte, ["ALPHA=YES"])
make("cmyk.tif", 4, gdal.GDT_Byte, ["PHOTOMETRIC=CMYK"])
`
	cmd := exec.Command("/usr/bin/python3", "-c", script, dir)
	cmd.Env = append(cmd.Environ(), "GDAL_TIFF_INTERNAL_MASK=YES")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot make the files with GDAL's Python bindings: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.tif"))
	if len(files) != 11 {
		t.Fatalf("made %d files, want 11", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { checkInfoAgainstGDAL(t, f) })
	}
}

// gdalKeys are the keys of info --json that gdalinfo -json has too; each
// one gomean prints must be in gdalinfo's output.
var gdalKeys = []string{"description", "driverShortName", "driverLongName", "files", "size", "geoTransform",
	"metadata", "cornerCoordinates", "bands"}

// compareOverlap compares the JSON values a (gomean) and b (GDAL) at path:
// objects on the keys both have, arrays element by element, numbers within
// a relative 1e-9 (exactly when both are integers).
func compareOverlap(t *testing.T, path string, a, b any, ignore map[string]bool) {
	t.Helper()
	if ignore[path] {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			t.Errorf("%s: gomean has an object, gdalinfo %v", path, b)
			return
		}
		if path == "" {
			for _, k := range gdalKeys {
				if _, has := av[k]; has {
					if _, gdalHas := bv[k]; !gdalHas && k != "files" {
						t.Errorf("gomean prints %s, gdalinfo does not", k)
					}
				}
			}
		}
		for k, v := range av {
			if w, ok := bv[k]; ok {
				compareOverlap(t, strings.TrimPrefix(path+"."+k, "."), v, w, ignore)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(bv) != len(av) {
			t.Errorf("%s: gomean %v, gdalinfo %v", path, a, b)
			return
		}
		for i := range av {
			compareOverlap(t, path+"."+strconv.Itoa(i), av[i], bv[i], ignore)
		}
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok || !sameNumber(av, bv) {
			t.Errorf("%s: gomean %v, gdalinfo %v", path, a, b)
		}
	default:
		if a != b {
			t.Errorf("%s: gomean %#v, gdalinfo %#v", path, a, b)
		}
	}
}

// sameNumber compares JSON numbers: integers exactly, others within a
// relative 1e-9.
func sameNumber(a, b json.Number) bool {
	ia, errA := a.Int64()
	ib, errB := b.Int64()
	if errA == nil && errB == nil {
		return ia == ib
	}
	fa, errA := a.Float64()
	fb, errB := b.Float64()
	if errA != nil || errB != nil {
		return false
	}
	return fa == fb || math.Abs(fa-fb) <= 1e-9*math.Max(math.Abs(fa), math.Abs(fb))
}

func compareInfo(t *testing.T, f *fileInfo, g *gdalInfo) {
	t.Helper()
	if len(f.Bands) != len(g.Bands) {
		t.Fatalf("bands %d, gdalinfo %d", len(f.Bands), len(g.Bands))
	}
	if (f.GeoTrans == nil) != (g.GeoTransform == nil) {
		t.Errorf("geoTransform %v, gdalinfo %v", f.GeoTrans, g.GeoTransform)
	}
	compareEPSG(t, f, g)
	for i, b := range g.Bands {
		fb := f.Bands[i]
		compareNoData(t, fb.NoData, b.NoData, b.Type == "Float32")
		if (fb.Mask == nil) != (b.Mask == nil) {
			t.Errorf("band %d: mask %+v, gdalinfo %+v", i+1, fb.Mask, b.Mask)
		}
		if (fb.Offset == nil) != (b.Offset == nil) || (fb.Scale == nil) != (b.Scale == nil) {
			t.Errorf("band %d: offset %v scale %v, gdalinfo %v %v", i+1, fb.Offset, fb.Scale, b.Offset, b.Scale)
		}
		if len(fb.Overviews) != len(b.Overviews) {
			t.Errorf("band %d: %d overviews, gdalinfo %d", i+1, len(fb.Overviews), len(b.Overviews))
		}
	}
	compareMetadata(t, f, g)
	// A mask IFD shows in gdalinfo as a PER_DATASET mask whose overviews
	// are the reduced mask IFDs; an alpha band's mask is PER_DATASET too,
	// but also ALPHA, and no IFD.
	b := g.Bands[0]
	wantMasks := 0
	if b.Mask != nil && slices.Contains(b.Mask.Flags, "PER_DATASET") && !slices.Contains(b.Mask.Flags, "ALPHA") {
		wantMasks = 1 + len(b.Mask.Overviews)
	}
	if len(f.Masks) != wantMasks {
		t.Errorf("%d mask IFDs, gdalinfo: %d (mask %+v)", len(f.Masks), wantMasks, b.Mask)
	}
}

// epsgOfWKT matches the EPSG code of a WKT2 CRS: its last ID["EPSG",N].
var epsgOfWKT = regexp.MustCompile(`ID\["EPSG",(\d+)\]\]\s*$`)

func compareEPSG(t *testing.T, f *fileInfo, g *gdalInfo) {
	t.Helper()
	wkt := g.CRS.WKT
	if wkt == "" {
		wkt = g.GCPs.CRS.WKT
	}
	want := 0
	if m := epsgOfWKT.FindStringSubmatch(wkt); m != nil {
		want, _ = strconv.Atoi(m[1])
	}
	got := 0
	if f.CRS != nil {
		got = f.CRS.EPSG
	}
	if got != want {
		t.Errorf("EPSG %d, gdalinfo %d", got, want)
	}
}

// compareNoData compares nodata values; gdalinfo prints a Float32 band's
// value rounded to float32 precision.
func compareNoData(t *testing.T, got any, raw json.RawMessage, float32Band bool) {
	t.Helper()
	if raw == nil || got == nil {
		if raw != nil || got != nil {
			t.Errorf("nodata %v, gdalinfo %s", got, raw)
		}
		return
	}
	parse := func(v any) float64 {
		switch v := v.(type) {
		case float64:
			return v
		case string: // "NaN", "Infinity", "-Infinity"
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Errorf("noDataValue %q: want a number, NaN, Infinity or -Infinity", v)
			}
			return f
		}
		t.Errorf("noDataValue %#v: want a number or a string", v)
		return 0
	}
	var g any
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("gdalinfo noDataValue %s: %v", raw, err)
	}
	a, b := parse(got), parse(g)
	if float32Band {
		a, b = float64(float32(a)), float64(float32(b))
	}
	if !(a == b || math.IsNaN(a) && math.IsNaN(b)) {
		t.Errorf("nodata %v, gdalinfo %s", got, raw)
	}
}

// compareMetadata checks the GDAL_METADATA items: dataset items of the
// default domain and of other domains, band items, and the description,
// scale and offset roles.
func compareMetadata(t *testing.T, f *fileInfo, g *gdalInfo) {
	t.Helper()
	got := map[string]map[string]string{}
	put := func(key, name, value string) {
		if got[key] == nil {
			got[key] = map[string]string{}
		}
		got[key][name] = value
	}
	for _, it := range f.Items {
		switch {
		case it.Domain == "IMAGE_STRUCTURE":
			// GDAL merges these into what it derives from the layout.
			key := "dataset"
			gv, ok := g.Metadata[it.Domain][it.Name]
			if it.Sample >= 0 && it.Sample < len(g.Bands) {
				key = "band " + strconv.Itoa(it.Sample+1)
				gv, ok = g.Bands[it.Sample].Metadata[it.Domain][it.Name]
			}
			if !ok || gv != it.Value {
				t.Errorf("%s IMAGE_STRUCTURE %s=%s, gdalinfo %q", key, it.Name, it.Value, gv)
			}
		case it.Sample < 0 && it.Role == "":
			put("dataset/"+it.Domain, it.Name, it.Value)
		case it.Sample >= 0 && it.Role == "":
			put("band"+strconv.Itoa(it.Sample+1)+"/"+it.Domain, it.Name, it.Value)
		}
	}
	want := map[string]map[string]string{}
	for dom, items := range g.Metadata {
		if dom == "IMAGE_STRUCTURE" || dom == "DERIVED_SUBDATASETS" {
			continue // made by GDAL from the layout, not GDAL_METADATA
		}
		for k, v := range items {
			if dom == "" && k == "AREA_OR_POINT" {
				continue // from GTRasterTypeGeoKey, checked below
			}
			if want["dataset/"+dom] == nil {
				want["dataset/"+dom] = map[string]string{}
			}
			want["dataset/"+dom][k] = v
		}
	}
	for i, b := range g.Bands {
		for dom, items := range b.Metadata {
			if dom == "IMAGE_STRUCTURE" || len(items) == 0 {
				continue
			}
			key := "band" + strconv.Itoa(i+1) + "/" + dom
			want[key] = items
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("metadata items\n got %v\nwant %v (gdalinfo)", got, want)
	}
	if v := g.Metadata[""]["AREA_OR_POINT"]; v != "" && f.CRS != nil && f.CRS.RasterType != "" && f.CRS.RasterType != v {
		t.Errorf("raster type %s, gdalinfo AREA_OR_POINT=%s", f.CRS.RasterType, v)
	}
	b := g.Bands[0]
	roles := map[string]string{}
	for _, it := range f.Items {
		if it.Sample == 0 && it.Role != "" {
			roles[it.Role] = it.Value
		}
	}
	if roles["description"] != b.Description {
		t.Errorf("band 1 description %q, gdalinfo %q", roles["description"], b.Description)
	}
	for role, p := range map[string]*float64{"scale": b.Scale, "offset": b.Offset} {
		if p == nil {
			continue // GDAL omits scale 1 and offset 0
		}
		v, err := strconv.ParseFloat(roles[role], 64)
		if err != nil || v != *p {
			t.Errorf("band 1 %s %q, gdalinfo %g", role, roles[role], *p)
		}
	}
}

// TestInfoText checks the text layout on the first sample DEM.
func TestInfoText(t *testing.T) {
	const path = "../../testdata/dem/dem_a.tif"
	files, _ := filepath.Glob(path)
	if len(files) == 0 {
		t.Skip("testdata/dem/dem_a.tif not generated")
	}
	out, err := runInfoCmd(t, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Driver: GTiff/GeoTIFF\n",
		"Size is 600, 500\n",
		"Coordinate System: EPSG:32652 (WGS 84 / UTM zone 52N)\n",
		"Origin = (300000.000000000000000,4200000.000000000000000)\n",
		"Pixel Size = (30.000000000000000,-30.000000000000000)\n",
		"  COMPRESSION=DEFLATE\n",
		"  INTERLEAVE=BAND\n",
		"  PREDICTOR=3\n",
		"Corner Coordinates:\nUpper Left  (  300000.000, 4200000.000)\n",
		"Center      (  309000.000, 4192500.000)\n",
		"Band 1 Block=256x256 Type=Float32, ColorInterp=Gray\n",
		"  NoData Value=-9999\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestInfoErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no file", nil, "want exactly one FILE, got 0"},
		{"two files", []string{"a.tif", "b.tif"}, "want exactly one FILE, got 2"},
		{"missing", []string{"no/such.tif"}, "no such file"},
		{"not a tiff", []string{"info_test.go"}, "geotiff: invalid format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runInfoCmd(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseGDALMetadata(t *testing.T) {
	xml := `<GDALMetadata>
  <Item name="A">metadata &amp;lt;&amp;amp;&amp;gt; test</Item>
  <Item name="OTHER" domain="custom">x</Item>
  <Item name="STATISTICS_MEAN" sample="0">12.5</Item>
  <Item name="SCALE" sample="1" role="scale">0.5</Item>
</GDALMetadata>`
	got, err := parseGDALMetadata(xml)
	if err != nil {
		t.Fatal(err)
	}
	want := []metaItem{
		{Name: "A", Value: "metadata <&> test", Sample: -1},
		{Name: "OTHER", Value: "x", Sample: -1, Domain: "custom"},
		{Name: "STATISTICS_MEAN", Value: "12.5", Sample: 0},
		{Name: "SCALE", Value: "0.5", Sample: 1, Role: "scale"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{`<GDALMetadata><Item name="x"`, `<GDALMetadata><Item name="x" sample="-1">1</Item></GDALMetadata>`} {
		if _, err := parseGDALMetadata(bad); err == nil {
			t.Errorf("parseGDALMetadata(%q): no error", bad)
		}
	}
}

// TestInfoUserDefinedCRS checks that a user-defined projection is never
// shown as the EPSG code of its base geographic CRS.
func TestInfoUserDefinedCRS(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"lcc.tif", "Coordinate System: user-defined projected CRS: Lambert Conic Conformal (2SP), datum WGS 84, parameters: lat_1=33, lat_2=45, lat_0=39, lon_0=-96, x_0=0, y_0=0\n"},
		{"aea.tif", "Coordinate System: user-defined projected CRS: Albers Equal Area, datum WGS 84, parameters: lat_1=29.5, lat_2=45.5, lat_0=23, lon_0=-96, x_0=0, y_0=0\n"},
		{"cea.tif", "Coordinate System: user-defined projected CRS: Cylindrical Equal Area, datum WGS 84, parameters: lat_ts=30, lon_0=0, x_0=0, y_0=0\n"},
		{"stere_north.tif", "Coordinate System: user-defined projected CRS: Polar Stereographic, datum WGS 84, parameters: lat_ts=70, lon_0=-45, k_0=1, x_0=0, y_0=0\n"},
		{"sterea.tif", "Coordinate System: user-defined projected CRS: Oblique Stereographic, datum WGS 84, parameters: lat_0=52.1561605555556, lon_0=5.38763888888889, k_0=0.9999079, x_0=155000, y_0=463000\n"},
		{"epsg_32633.tif", "Coordinate System: EPSG:32633 (WGS 84 / UTM zone 33N)\n"},
		{"epsg_4326.tif", "Coordinate System: EPSG:4326 (WGS 84)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "testdata", "crs", tt.file)
			out, err := runInfoCmd(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
			js, err := runInfoCmd(t, "--json", path)
			if err != nil {
				t.Fatal(err)
			}
			var f fileInfo
			if err := json.Unmarshal([]byte(js), &f); err != nil {
				t.Fatal(err)
			}
			wantEPSG := 0
			if strings.HasPrefix(tt.file, "epsg_") {
				wantEPSG, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(tt.file, "epsg_"), ".tif"))
			}
			if f.CRS == nil || f.CRS.EPSG != wantEPSG || !strings.Contains(tt.want, f.CRS.Description) {
				t.Errorf("crs %+v, want EPSG %d and the description of the text", f.CRS, wantEPSG)
			}
		})
	}
}
