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
}

func runGDALInfo(t *testing.T, path string) (*gdalInfo, bool) {
	t.Helper()
	out, err := exec.Command("gdalinfo", "-json", "-nofl", "-mdd", "all", path).Output()
	if err != nil {
		return nil, false // GDAL cannot open it either
	}
	var g gdalInfo
	if err := json.Unmarshal(out, &g); err != nil {
		t.Fatalf("gdalinfo -json %s: %v", path, err)
	}
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
// fixture: size, bands, type, block size, geotransform, EPSG, nodata,
// metadata items and overview count.
func TestInfoMatchesGDAL(t *testing.T) {
	if _, err := exec.LookPath("gdalinfo"); err != nil {
		t.Skip("gdalinfo not installed (apt-get install gdal-bin): cannot compare with GDAL")
	}
	for _, path := range infoFixtures(t) {
		name := strings.TrimPrefix(path, "../../testdata/")
		t.Run(name, func(t *testing.T) {
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
		})
	}
}

func compareInfo(t *testing.T, f *fileInfo, g *gdalInfo) {
	t.Helper()
	if !reflect.DeepEqual(f.Size[:], g.Size) {
		t.Errorf("size %v, gdalinfo %v", f.Size, g.Size)
	}
	if f.Bands != len(g.Bands) {
		t.Fatalf("bands %d, gdalinfo %d", f.Bands, len(g.Bands))
	}
	b := g.Bands[0]
	gdalType := b.Type
	if gdalType == "Byte" && b.Metadata["IMAGE_STRUCTURE"]["PIXELTYPE"] == "SIGNEDBYTE" {
		gdalType = "Int8" // GDAL before 3.7 has no Int8 type
	}
	if f.Type != gdalType && f.Unsupported == "" {
		t.Errorf("type %s, gdalinfo %s", f.Type, b.Type)
	}
	if !reflect.DeepEqual(f.Block[:], b.Block) {
		t.Errorf("block %v, gdalinfo %v", f.Block, b.Block)
	}
	switch {
	case g.GeoTransform == nil && f.GeoTrans != nil:
		t.Errorf("geoTransform %v, gdalinfo has none", *f.GeoTrans)
	case g.GeoTransform != nil && f.GeoTrans == nil:
		t.Errorf("no geoTransform, gdalinfo %v", g.GeoTransform)
	case g.GeoTransform != nil && !reflect.DeepEqual(f.GeoTrans[:], g.GeoTransform):
		t.Errorf("geoTransform %v, gdalinfo %v", *f.GeoTrans, g.GeoTransform)
	}
	compareEPSG(t, f, g)
	compareNoData(t, f, b.NoData, b.Type == "Float32")
	compareMetadata(t, f, g)
	if len(f.Overviews) != len(b.Overviews) {
		t.Errorf("%d overviews, gdalinfo %d", len(f.Overviews), len(b.Overviews))
	}
	// A mask IFD shows in gdalinfo as a PER_DATASET mask whose overviews
	// are the reduced mask IFDs; an alpha band's mask is PER_DATASET too,
	// but also ALPHA, and no IFD.
	wantMasks := 0
	if b.Mask != nil && slices.Contains(b.Mask.Flags, "PER_DATASET") && !slices.Contains(b.Mask.Flags, "ALPHA") {
		wantMasks = 1 + len(b.Mask.Overviews)
	}
	if len(f.Masks) != wantMasks {
		t.Errorf("%d mask IFDs, gdalinfo: %d (mask %+v)", len(f.Masks), wantMasks, b.Mask)
	}
	for i := range min(len(f.Overviews), len(b.Overviews)) {
		if !reflect.DeepEqual(f.Overviews[i][:], b.Overviews[i].Size) {
			t.Errorf("overview %d: size %v, gdalinfo %v", i, f.Overviews[i], b.Overviews[i].Size)
		}
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
func compareNoData(t *testing.T, f *fileInfo, raw json.RawMessage, float32Band bool) {
	t.Helper()
	if raw == nil {
		if f.NoData != nil {
			t.Errorf("nodata %q, gdalinfo has none", f.NoData.Text)
		}
		return
	}
	if f.NoData == nil {
		t.Errorf("no nodata, gdalinfo %s", raw)
		return
	}
	var want float64
	var s string
	if json.Unmarshal(raw, &s) == nil { // "nan", "inf", "-inf"
		want, _ = strconv.ParseFloat(s, 64)
	} else if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("gdalinfo noDataValue %s: %v", raw, err)
	}
	got, err := strconv.ParseFloat(strings.TrimSpace(f.NoData.Text), 64)
	if err != nil && f.NoData.Value != nil {
		got = *f.NoData.Value
	}
	if float32Band {
		got, want = float64(float32(got)), float64(float32(want))
	}
	if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
		t.Errorf("nodata %q, gdalinfo %s", f.NoData.Text, raw)
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
	for _, it := range f.Metadata {
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
	for _, it := range f.Metadata {
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
		"Band 1 Block=256x256 Type=Float32\n",
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
