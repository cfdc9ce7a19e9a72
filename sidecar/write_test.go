package sidecar

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	utm33 = `PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",15],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32633"]]`
	wgs84 = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`
)

// TestWriteAuxLikeGDAL rewrites the PAM files GDAL made for the fixtures
// from what Read found in them: the bytes must be GDAL's.
func TestWriteAuxLikeGDAL(t *testing.T) {
	for _, name := range []string{"baseline.tif", "bands.tif", "nan.tif", "lcc.tif", "tfw.tif"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join("..", "testdata", "sidecar", name)
			want, err := os.ReadFile(p + auxSuffix)
			if err != nil {
				t.Fatal(err)
			}
			info, err := Read(p)
			if err != nil {
				t.Fatal(err)
			}
			if !info.TransformIsPAM() {
				info.HasTransform = false // from the world file
			}
			got, err := formatAux(info)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("formatAux:\n%s\nGDAL wrote:\n%s", got, want)
			}
		})
	}
}

// writeCases are Infos that WriteAux must write so that Read and GDAL read
// them back.
var writeCases = []struct {
	name  string
	bands int
	info  Info
}{
	{"utm nodata", 1, Info{HasTransform: true, Transform: [6]float64{500000, 10, 0, 5000000, 0, -10}, SRS: utm33,
		Bands: []Band{{HasNoData: true, NoData: -9999}}}},
	{"geographic nan", 1, Info{HasTransform: true, Transform: [6]float64{-180, 0.1, 0, 90, 0, -0.1}, SRS: wgs84,
		Bands: []Band{{HasNoData: true, NoData: math.NaN()}}}},
	{"rotated fractions", 1, Info{HasTransform: true, Transform: [6]float64{1e-7 / 3, 1.0 / 3, 0.25, -1e300, -0.125, -2.0 / 3}}},
	{"srs only", 1, Info{SRS: utm33}},
	{"per-band nodata", 5, Info{SRS: wgs84, Bands: []Band{
		{HasNoData: true, NoData: 0}, {HasNoData: true, NoData: math.Inf(-1)}, {HasNoData: true, NoData: -3.4e38},
		{HasNoData: true, NoData: float64(float32(-3.4e38))}, {HasNoData: true, NoData: 0.1}}}},
	{"only band 3", 5, Info{Bands: []Band{{}, {}, {HasNoData: true, NoData: math.Copysign(0, -1)}}}},
	{"metadata", 1, Info{Metadata: map[string]string{"A": `x & <y> "z"`, "B key": "multi\nline", "C": "ü"},
		Bands: []Band{{ColorInterp: "Gray", Metadata: map[string]string{"UNITS": "m"}}}}},
}

func TestWriteAuxRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range writeCases {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "r.tif")
			if err := WriteAux(p, &tt.info); err != nil {
				t.Fatal(err)
			}
			got, err := Read(p)
			if err != nil {
				t.Fatal(err)
			}
			if got.HasTransform != tt.info.HasTransform || got.Transform != tt.info.Transform || got.SRS != tt.info.SRS {
				t.Errorf("read back %+v", got)
			}
			if !reflect.DeepEqual(got.Metadata, tt.info.Metadata) {
				t.Errorf("metadata %q, want %q", got.Metadata, tt.info.Metadata)
			}
			if len(got.Bands) != len(tt.info.Bands) {
				t.Fatalf("bands %+v, want %+v", got.Bands, tt.info.Bands)
			}
			for k, b := range tt.info.Bands {
				g := got.Bands[k]
				if g.HasNoData != b.HasNoData || !sameFloat(g.NoData, b.NoData) || g.ColorInterp != b.ColorInterp || !reflect.DeepEqual(g.Metadata, b.Metadata) {
					t.Errorf("band %d: %+v, want %+v", k+1, g, b)
				}
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*"))
			if len(left) > 0 {
				t.Errorf("temporary files left: %q", left)
			}
		})
	}
}

// TestWriteAuxGDAL writes PAM files next to TIFFs without georeferencing
// and checks that GDAL reads the same geotransform, CRS, nodata and
// metadata.
func TestWriteAuxGDAL(t *testing.T) {
	needGDAL(t)
	src := filepath.Join("..", "testdata", "sidecar")
	one, err := os.ReadFile(filepath.Join(src, "plain.tif"))
	if err != nil {
		t.Fatal(err)
	}
	five, err := os.ReadFile(filepath.Join(src, "bands.tif")) // its .aux.xml stays behind
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for k, tt := range writeCases {
		p := filepath.Join(dir, string(rune('a'+k))+".tif")
		data := one
		if tt.bands == 5 {
			data = five
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteAux(p, &tt.info); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	views := gdalViews(t, paths...)
	for k, tt := range writeCases {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Read(paths[k])
			if err != nil {
				t.Fatal(err)
			}
			compareGDAL(t, info, views[k])
			if views[k].WKT != tt.info.SRS {
				t.Errorf("GDAL's CRS:\n%s\nwant\n%s", views[k].WKT, tt.info.SRS)
			}
			for key, v := range tt.info.Metadata {
				if views[k].Metadata[key] != v {
					t.Errorf("GDAL metadata %s = %q, want %q", key, views[k].Metadata[key], v)
				}
			}
		})
	}
}

func TestWriteAuxErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.tif")
	tests := []struct {
		name string
		info *Info
		want string
	}{
		{"nil", nil, "nil Info"},
		{"nan transform", &Info{HasTransform: true, Transform: [6]float64{math.NaN(), 1, 0, 0, 0, -1}}, "want finite values"},
		{"inf transform", &Info{HasTransform: true, Transform: [6]float64{0, math.Inf(1), 0, 0, 0, -1}}, "want finite values"},
		{"control char", &Info{Metadata: map[string]string{"A": "x\x01"}}, "U+0001 not allowed"},
		{"bad utf-8 key", &Info{Metadata: map[string]string{"\xff": "x"}}, "invalid UTF-8"},
		{"empty key", &Info{Metadata: map[string]string{"": "x"}}, "key is empty"},
		{"band color interp", &Info{Bands: []Band{{}, {ColorInterp: "\x00"}}}, "band 2: ColorInterp"},
		{"srs", &Info{SRS: "\x02"}, "SRS"},
	}
	for _, tt := range tests {
		err := WriteAux(p, tt.info)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		if tt.info != nil && !strings.Contains(err.Error(), p+auxSuffix) {
			t.Errorf("%s: error %v does not name the file", tt.name, err)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("files left after errors: %v", left)
	}
	// Nothing to write removes a stale PAM file.
	if err := os.WriteFile(p+auxSuffix, []byte("<PAMDataset/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteAux(p, &Info{Bands: []Band{{}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + auxSuffix); !os.IsNotExist(err) {
		t.Errorf("stale PAM file kept: %v", err)
	}
	if err := WriteAux(p, &Info{}); err != nil {
		t.Errorf("nothing to write, no file: %v", err)
	}
	// A folder that does not exist.
	if err := WriteAux(filepath.Join(dir, "no", "r.tif"), &Info{SRS: wgs84}); err == nil {
		t.Error("WriteAux into a missing folder succeeded")
	}
}

func TestFormatNoData(t *testing.T) {
	tests := []struct {
		v          float64
		text, bits string
	}{
		{7, "7.00000000000000E+00", ""},
		{-9999, "-9.99900000000000E+03", ""},
		{math.NaN(), "nan", "000000000000F87F"},
		{math.Float64frombits(0xFFF8000000000123), "nan", "000000000000F87F"},
		{math.Inf(-1), "-INF", ""},
		{0.5, "5.00000000000000E-01", "000000000000E03F"},
		{-3.4e38, "-3.40000000000000E+38", ""},
		{float64(float32(-3.4e38)), "-3.39999995214436E+38", "000000C033F9EFC7"},
		{1e-320, "9.99988867182683E-321", "E807000000000000"},
		{123456789012345678, "1.23456789012346E+17", "350F63BAB4697B43"},
	}
	for _, tt := range tests {
		text, bits := formatNoData(tt.v)
		if text != tt.text || bits != tt.bits {
			t.Errorf("formatNoData(%v) = %q, %q; want %q, %q", tt.v, text, bits, tt.text, tt.bits)
		}
	}
}
