package geotiff

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/tiling"
)

// gdalPython is Debian's python3, the one with the osgeo bindings.
const gdalPython = "/usr/bin/python3"

// needGDALPython skips the test unless python3-gdal and numpy are installed.
func needGDALPython(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping GDAL cross-check in -short mode")
	}
	if err := exec.Command(gdalPython, "-c", "from osgeo import gdal; import numpy").Run(); err != nil {
		t.Skipf("skipping: %s with osgeo.gdal and numpy not available (apt install python3-gdal python3-numpy): %v", gdalPython, err)
	}
}

// runPython runs script with args and returns its standard output.
func runPython(t *testing.T, script string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(gdalPython, append([]string{"-c", script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	return out
}

// gdalCompareScript reads each file with GDAL and compares its samples,
// bit for bit, with the raw pixel-interleaved little-endian raster beside
// it. It prints one line per file: "OK name" or "FAIL name: why", and
// fails a file on any GDAL warning.
const gdalCompareScript = `
import sys, json
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
msgs = []
gdal.PushErrorHandler(lambda cls, no, msg: msgs.append(msg))
for case in json.load(open(sys.argv[1])):
    del msgs[:]
    try:
        ds = gdal.Open(case["file"])
        size = case["size"]
        a = ds.ReadRaster(buf_type=ds.GetRasterBand(1).DataType, band_list=None)
        got = np.frombuffer(a, dtype="u%d" % size).reshape(ds.RasterCount, ds.RasterYSize, ds.RasterXSize)
        raw = np.frombuffer(open(case["raw"], "rb").read(), dtype="<u%d" % size)
        want = raw.reshape(case["h"], case["w"], case["bands"]).transpose(2, 0, 1)
        st = ds.GetMetadata("IMAGE_STRUCTURE")
        if got.shape != want.shape:
            print("FAIL", case["name"] + ": shape", got.shape, "want", want.shape)
        elif not np.array_equal(got.astype(want.dtype), want):
            print("FAIL", case["name"] + ": samples differ at", np.argwhere(got != want)[0])
        elif msgs:
            print("FAIL", case["name"] + ": GDAL said", msgs)
        else:
            print("OK", case["name"], st.get("COMPRESSION", "NONE"), st.get("PREDICTOR", "1"), st.get("INTERLEAVE"))
    except Exception as e:
        print("FAIL", case["name"] + ":", e)
`

// TestWriterGDALReads checks that GDAL reads every combination of type,
// compression, predictor, planar configuration and byte order exactly as
// written.
func TestWriterGDALReads(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	type gdalCase struct {
		Name  string `json:"name"`
		File  string `json:"file"`
		Raw   string `json:"raw"`
		W     int    `json:"w"`
		H     int    `json:"h"`
		Bands int    `json:"bands"`
		Size  int    `json:"size"`
	}
	var cases []gdalCase
	for _, tc := range writerMatrix() {
		o := tc.opts
		raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
		c := gdalCase{Name: tc.name, File: filepath.Join(dir, tc.name+".tif"), Raw: filepath.Join(dir, tc.name+".raw"),
			W: o.Width, H: o.Height, Bands: o.Bands, Size: o.Type.Size()}
		w, err := Create(c.File, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeRaster(w, raster, 2); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(c.Raw, raster, 0o644); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	manifest, _ := json.Marshal(cases)
	mf := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(mf, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runPython(t, gdalCompareScript, mf)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	ok := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "OK ") {
			ok++
		} else {
			t.Error(l)
		}
	}
	t.Logf("GDAL read %d files; first: %s; last: %s", ok, lines[0], lines[len(lines)-1])
	if ok != len(cases) {
		t.Errorf("GDAL read %d of %d files correctly", ok, len(cases))
	}
}

// gdalInfoScript prints, as JSON, what GDAL sees of each file's
// georeferencing, nodata and metadata, and any GDAL warning.
const gdalInfoScript = `
import sys, json
from osgeo import gdal
gdal.UseExceptions()
msgs = []
gdal.PushErrorHandler(lambda cls, no, msg: msgs.append(msg))
out = {}
for fn in sys.argv[1:]:
    del msgs[:]
    ds = gdal.Open(fn)
    srs = ds.GetSpatialRef()
    epsg = ""
    if srs is not None:
        srs.AutoIdentifyEPSG()
        epsg = srs.GetAuthorityCode(None) or ""
    b = ds.GetRasterBand(1)
    out[fn] = dict(gt=ds.GetGeoTransform(can_return_null=True), epsg=epsg,
        wkt=srs.ExportToWkt() if srs is not None else "",
        nodata=repr(b.GetNoDataValue()), md=ds.GetMetadata(), checksum=b.Checksum(),
        desc=ds.GetMetadataItem("TIFFTAG_SOFTWARE") or "", msgs=list(msgs))
print(json.dumps(out))
`

type gdalInfo struct {
	GT       []float64         `json:"gt"`
	EPSG     string            `json:"epsg"`
	WKT      string            `json:"wkt"`
	NoData   string            `json:"nodata"`
	MD       map[string]string `json:"md"`
	Checksum int               `json:"checksum"`
	Software string            `json:"desc"`
	Msgs     []string          `json:"msgs"`
}

func gdalInfos(t *testing.T, files ...string) map[string]gdalInfo {
	t.Helper()
	var m map[string]gdalInfo
	if err := json.Unmarshal(runPython(t, gdalInfoScript, files...), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWriterGDALGeoref checks that GDAL sees the georeferencing, nodata
// and metadata asked for.
func TestWriterGDALGeoref(t *testing.T) {
	needGDALPython(t)
	utm := &GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []GeoKey{
		{ID: KeyGTModelType, Count: 1, Value: ModelTypeProjected},
		{ID: KeyGTRasterType, Count: 1, Value: RasterPixelIsArea},
		{ID: KeyProjectedCSType, Count: 1, Value: 32633}}}
	wgs84Point := &GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []GeoKey{
		{ID: KeyGTModelType, Count: 1, Value: ModelTypeGeographic},
		{ID: KeyGTRasterType, Count: 1, Value: RasterPixelIsPoint},
		{ID: KeyGeographicType, Count: 1, Value: 4326}}}
	const md = `<GDALMetadata>
  <Item name="FOO">bar</Item>
  <Item name="SOURCE">gomean test</Item>
</GDALMetadata>`
	for _, tc := range []struct {
		name     string
		typ      SampleType
		geo      *Georef
		nodata   float64
		wantND   string // Python's repr of GDAL's nodata
		wantEPSG string
		wantAOP  string
	}{
		{"utm area", Float32, &Georef{HasTransform: true, Transform: GeoTransform{500000, 30, 0, 4600000, 0, -30}, Keys: utm}, -9999, "-9999.0", "32633", "Area"},
		{"wgs84 point", Float64, &Georef{HasTransform: true, Transform: GeoTransform{10, 0.25, 0, 50, 0, -0.25}, Keys: wgs84Point}, 0.1, "0.1", "4326", "Point"},
		{"rotated", Int16, &Georef{HasTransform: true, Transform: GeoTransform{500000, 30, 5, 4600000, 4, -30}, Keys: utm}, -32768, "-32768.0", "32633", "Area"},
		{"rotated point", Float64, &Georef{HasTransform: true, Transform: GeoTransform{10, 0.25, 0.01, 50, 0.02, -0.25}, Keys: wgs84Point}, 1e30, "1e+30", "4326", "Point"},
		{"south up", Uint16, &Georef{HasTransform: true, Transform: GeoTransform{10, 0.25, 0, 50, 0, 0.25}, Keys: wgs84Point}, 65535, "65535.0", "4326", "Point"},
		{"nan nodata", Float32, &Georef{HasTransform: true, Transform: GeoTransform{500000, 30, 0, 4600000, 0, -30}, Keys: utm}, nanValue(), "nan", "32633", "Area"},
		{"inf nodata", Float64, nil, infValue(-1), "-inf", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "g.tif")
			o := WriterOptions{Width: 50, Height: 40, Bands: 2, Type: tc.typ, TileWidth: 32, TileHeight: 32,
				HasNoData: true, NoData: tc.nodata, Geo: tc.geo, Metadata: md,
				ExtraFields: []Field{NewASCIIField(TagSoftware, "gomean"), NewLongField(TagTileWidth, 999)}}
			w, err := Create(name, o)
			if err != nil {
				t.Fatal(err)
			}
			if err := writeRaster(w, testRaster(o.Type, o.Width, o.Height, o.Bands), 1); err != nil {
				t.Fatal(err)
			}
			info := gdalInfos(t, name)[name]
			if len(info.Msgs) > 0 {
				t.Errorf("GDAL warnings: %q", info.Msgs)
			}
			if tc.geo != nil {
				if len(info.GT) != 6 || !GeoTransform(info.GT).Equal(tc.geo.Transform, 1e-9) {
					t.Errorf("geotransform %v, want %v", info.GT, tc.geo.Transform)
				}
			}
			if info.EPSG != tc.wantEPSG {
				t.Errorf("EPSG %q, want %q", info.EPSG, tc.wantEPSG)
			}
			if tc.wantAOP != "" && info.MD["AREA_OR_POINT"] != tc.wantAOP {
				t.Errorf("AREA_OR_POINT %q, want %q", info.MD["AREA_OR_POINT"], tc.wantAOP)
			}
			if info.NoData != tc.wantND {
				t.Errorf("nodata %s, want %s", info.NoData, tc.wantND)
			}
			if info.MD["FOO"] != "bar" || info.MD["SOURCE"] != "gomean test" {
				t.Errorf("metadata %v, want FOO=bar and SOURCE=gomean test", info.MD)
			}
			if info.Software != "gomean" {
				t.Errorf("TIFFTAG_SOFTWARE %q, want the extra field's gomean", info.Software)
			}
		})
	}
}

func nanValue() float64      { return math.NaN() }
func infValue(s int) float64 { return math.Inf(s) }

// gdalMakeScript writes GDAL-made sources for TestWriterGDALCopy.
const gdalMakeScript = `
import sys
import numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
d = sys.argv[1]
def make(name, epsg, gt, point, dtype, nodata, opts):
    ds = gdal.GetDriverByName("GTiff").Create(d + "/" + name, 90, 70, 2, dtype, opts)
    ds.SetGeoTransform(gt)
    s = osr.SpatialReference(); s.ImportFromEPSG(epsg); ds.SetSpatialRef(s)
    if point: ds.SetMetadataItem("AREA_OR_POINT", "Point")
    ds.SetMetadataItem("ORIGIN", "gdal")
    for i in (1, 2):
        b = ds.GetRasterBand(i)
        b.SetNoDataValue(nodata)
        b.WriteArray((np.arange(90 * 70).reshape(70, 90) % (37 + i)).astype(b.ReadAsArray().dtype))
    ds = None
make("utm.tif", 32618, [300000, 10, 0, 4500000, 0, -10], False, gdal.GDT_Float32, -9999, ["TILED=YES", "COMPRESS=DEFLATE"])
make("point.tif", 4326, [-70.5, 0.001, 0, 42.25, 0, -0.001], True, gdal.GDT_Int16, -32768, ["COMPRESS=LZW", "ENDIANNESS=BIG"])
make("lambert.tif", 2154, [700000, 5, 0, 6600000, 0, -5], False, gdal.GDT_UInt16, 0, ["TILED=YES"])
`

// TestWriterGDALCopy copies GDAL-made files through Reader and Writer,
// georeferencing, nodata, metadata and extra fields included, and checks
// that GDAL sees the same thing in both.
func TestWriterGDALCopy(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	runPython(t, gdalMakeScript, dir)
	var files []string
	for _, src := range []string{"utm.tif", "point.tif", "lambert.tif"} {
		src = filepath.Join(dir, src)
		dst := strings.TrimSuffix(src, ".tif") + ".copy.tif"
		copyTIFF(t, src, dst)
		files = append(files, src, dst)
	}
	infos := gdalInfos(t, files...)
	for i := 0; i < len(files); i += 2 {
		src, dst := infos[files[i]], infos[files[i+1]]
		a, _ := json.Marshal(src)
		b, _ := json.Marshal(dst)
		if !bytes.Equal(a, b) {
			t.Errorf("%s:\nsource %s\ncopy   %s", filepath.Base(files[i]), a, b)
		}
		if src.EPSG == "" || src.MD["ORIGIN"] != "gdal" || len(src.Msgs) > 0 {
			t.Errorf("%s: source not as made: %s", filepath.Base(files[i]), a)
		}
	}
}

// copyTIFF copies the first image of src to dst with Reader and Writer.
func copyTIFF(t *testing.T, src, dst string) {
	t.Helper()
	r, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	geo := im.Geo
	w, err := Create(dst, WriterOptions{Width: im.Width, Height: im.Height, Bands: im.Bands, Type: im.Type,
		TileWidth: 32, TileHeight: 32, HasNoData: im.HasNoData, NoData: im.NoData, Geo: &geo,
		Metadata: im.Metadata, ExtraFields: im.Fields, Compression: CompressionZSTD})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	g := tiling.Grid{Width: im.Width, Height: im.Height, TileWidth: 32, TileHeight: 32}
	size := im.Type.Size() * im.Bands
	tile := make([]byte, 32*32*size)
	for i := range g.Len() {
		rect := g.Rect(i)
		win, err := r.ReadWindow(im, rect, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		clear(tile)
		for y := range rect.Dy() {
			copy(tile[y*32*size:], win[y*rect.Dx()*size:(y+1)*rect.Dx()*size])
		}
		if err := w.WriteTile(context.Background(), i, tile); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
