package geotiff

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gdalMatrixNoDataScript prints, as JSON, GDAL's nodata of every band of each
// file: "none" when there is none, the decimal integer from
// GetNoDataValueAsInt64/AsUInt64 for Int64/UInt64 bands, else Python's
// repr of GetNoDataValue (which round-trips a float64 exactly).
const gdalMatrixNoDataScript = `
import sys, json
from osgeo import gdal
gdal.UseExceptions()
out = {}
for fn in sys.argv[1:]:
    ds = gdal.Open(fn)
    vals = []
    for i in range(1, ds.RasterCount + 1):
        b = ds.GetRasterBand(i)
        t = gdal.GetDataTypeName(b.DataType)
        v = b.GetNoDataValueAsInt64() if t == "Int64" else b.GetNoDataValueAsUInt64() if t == "UInt64" else b.GetNoDataValue()
        vals.append("none" if v is None else str(v) if t in ("Int64", "UInt64") else repr(v))
    out[fn] = vals
    ds = None
print(json.dumps(out))
`

// matrixNoData is the nodata written for each type in
// TestWriterMatrixNoDataGDAL: the extreme a user is most likely to pick,
// and its text as GDAL must read it back. UInt64 uses 2^63 because
// WriterOptions.NoData is a float64, which cannot hold 2^64-1.
var matrixNoData = map[SampleType]struct {
	v    float64
	want string
}{
	Uint8:   {255, "255.0"},
	Int8:    {-128, "-128.0"},
	Uint16:  {65535, "65535.0"},
	Int16:   {-32768, "-32768.0"},
	Uint32:  {4294967295, "4294967295.0"},
	Int32:   {-2147483648, "-2147483648.0"},
	Uint64:  {1 << 63, "9223372036854775808"},
	Int64:   {-1 << 63, "-9223372036854775808"},
	Float32: {float64(float32(-3.4e38)), "-3.3999999521443642e+38"},
	Float64: {-math.MaxFloat64, "-1.7976931348623157e+308"},
}

// TestWriterMatrixNoDataGDAL writes every file of the writer matrix
// (type × compression × predictor × planar × byte order) twice, without
// and with a nodata value, and checks that GDAL sees no nodata on any band
// of the first (none stays none) and exactly the value on every band of
// the second (Int64/UInt64 read with GetNoDataValueAsInt64/AsUInt64).
func TestWriterMatrixNoDataGDAL(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	want := map[string]string{}
	var files []string
	for _, tc := range writerMatrix() {
		for _, withND := range []bool{false, true} {
			o := tc.opts
			name := tc.name + "_none"
			w := "none"
			if withND {
				nd, ok := matrixNoData[o.Type]
				if !ok {
					t.Fatalf("no nodata chosen for type %v", o.Type)
				}
				o.HasNoData, o.NoData = true, nd.v
				name, w = tc.name+"_nodata", nd.want
			}
			file := filepath.Join(dir, name+".tif")
			wr, err := Create(file, o)
			if err != nil {
				t.Fatal(err)
			}
			if err := writeRaster(wr, testRaster(o.Type, o.Width, o.Height, o.Bands), 2); err != nil {
				t.Fatal(err)
			}
			want[file] = w
			files = append(files, file)
		}
	}
	list := filepath.Join(dir, "files.txt")
	if err := os.WriteFile(list, []byte(strings.Join(files, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	var got map[string][]string
	if err := json.Unmarshal(runPython(t, "import sys; sys.argv[1:] = open(sys.argv[1]).read().split('\\n')\n"+gdalMatrixNoDataScript, list), &got); err != nil {
		t.Fatal(err)
	}
	// Failures are summarised per case family (type and with/without
	// nodata), with the first example, so that one formatting bug does
	// not print hundreds of lines.
	type family struct {
		n     int
		first string
	}
	bad := map[string]*family{}
	var order []string
	for _, f := range files {
		vals, ok := got[f]
		if !ok || len(vals) == 0 {
			vals = []string{"(GDAL reported no bands)"}
		}
		base := filepath.Base(f)
		fam := base[:strings.Index(base, "_")] + base[strings.LastIndex(base, "_"):]
		for i, v := range vals {
			if sameNoData(v, want[f]) {
				continue
			}
			if bad[fam] == nil {
				bad[fam] = &family{first: base + " band " + strconv.Itoa(i+1) + ": GDAL nodata " + v + ", want " + want[f]}
				order = append(order, fam)
			}
			bad[fam].n++
		}
	}
	for _, fam := range order {
		t.Errorf("%s: %d bands wrong; first %s", strings.TrimSuffix(fam, ".tif"), bad[fam].n, bad[fam].first)
	}
	t.Logf("%d files, %d with nodata", len(files), len(files)/2)
}

// sameNoData compares GDAL's nodata text with the wanted one: exactly for
// "none" and the decimal integers of Int64/UInt64 bands, as float64 values
// for Python's float reprs ("255.0", "-3.3999999521443642e+38").
func sameNoData(got, want string) bool {
	if want == "none" || !strings.ContainsAny(want, ".en") {
		return got == want
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	return err1 == nil && err2 == nil && (g == w || math.IsNaN(g) && math.IsNaN(w))
}
