package geotiff

import (
	"context"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestEPSGKeys(t *testing.T) {
	tests := []struct {
		name      string
		code      int
		projected bool
		want      *GeoKeyDirectory
	}{
		{"utm", 32633, true, &GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []GeoKey{
			{ID: KeyGTModelType, Count: 1, Value: ModelTypeProjected},
			{ID: KeyGTRasterType, Count: 1, Value: RasterPixelIsArea},
			{ID: KeyProjectedCSType, Count: 1, Value: 32633},
		}}},
		{"wgs84", 4326, false, &GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []GeoKey{
			{ID: KeyGTModelType, Count: 1, Value: ModelTypeGeographic},
			{ID: KeyGTRasterType, Count: 1, Value: RasterPixelIsArea},
			{ID: KeyGeographicType, Count: 1, Value: 4326},
		}}},
		{"zero", 0, true, nil},
		{"negative", -4326, false, nil},
		{"user-defined", UserDefined, true, nil},
		{"too large", 102100, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EPSGKeys(tt.code, tt.projected)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("EPSGKeys(%d, %v) = %+v, want %+v", tt.code, tt.projected, got, tt.want)
			}
			if got != nil && (got.EPSG() != tt.code || (got.ModelType() == ModelTypeProjected) != tt.projected) {
				t.Errorf("EPSG() = %d, ModelType() = %d", got.EPSG(), got.ModelType())
			}
		})
	}
}

// TestEPSGKeysGDAL writes a file with EPSGKeys and checks that GDAL reads
// the same CRS (same WKT, same authority code) as from a file that
// gdal_translate -a_srs wrote.
func TestEPSGKeysGDAL(t *testing.T) {
	needGDALPython(t)
	if _, err := exec.LookPath("gdal_translate"); err != nil {
		t.Skip("skipping: gdal_translate not on PATH")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		code      int
		projected bool
		ullr      []string
	}{
		{32633, true, []string{"500000", "5000000", "500160", "4999840"}},
		{4326, false, []string{"10", "50", "10.16", "49.84"}},
		{3857, true, []string{"0", "0", "160", "-160"}},
		{4258, false, []string{"10", "50", "10.16", "49.84"}},
	} {
		name := filepath.Join(dir, "gomean.tif")
		w, err := Create(name, WriterOptions{Width: 16, Height: 16, Bands: 1, Type: Uint8, TileWidth: 16, TileHeight: 16,
			Geo:       &Georef{HasTransform: true, Transform: GeoTransform{0, 1, 0, 0, 0, -1}, Keys: EPSGKeys(tc.code, tc.projected)},
			Overwrite: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteTile(context.Background(), 0, make([]byte, w.TileBytes())); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		ref := filepath.Join(dir, "gdal.tif")
		args := append([]string{"-q", "-a_srs", "EPSG:" + strconv.Itoa(tc.code), "-a_ullr"}, tc.ullr...)
		if out, err := exec.Command("gdal_translate", append(args, name, ref)...).CombinedOutput(); err != nil {
			t.Fatalf("gdal_translate: %v\n%s", err, out)
		}
		out := string(runPython(t, `
import sys
from osgeo import gdal
gdal.UseExceptions()
for p in sys.argv[1:]:
    ds = gdal.Open(p)
    s = ds.GetSpatialRef()
    print(s.GetAuthorityCode(None), s.IsProjected(), s.ExportToWkt(["FORMAT=WKT2_2019"]))
`, name, ref))
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 {
			t.Fatalf("EPSG:%d: python printed %q", tc.code, out)
		}
		wantPrefix := strconv.Itoa(tc.code) + " " + map[bool]string{true: "1", false: "0"}[tc.projected] + " "
		if !strings.HasPrefix(lines[0], wantPrefix) {
			t.Errorf("EPSG:%d: GDAL reads our keys as %.60s..., want prefix %q", tc.code, lines[0], wantPrefix)
		}
		if lines[0] != lines[1] {
			t.Errorf("EPSG:%d: GDAL's CRS differs from gdal_translate's:\n ours %s\n gdal %s", tc.code, lines[0], lines[1])
		}
	}
}
