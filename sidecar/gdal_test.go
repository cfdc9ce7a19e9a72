package sidecar

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// gdalPython is Debian's python3, the one with the osgeo bindings.
const gdalPython = "/usr/bin/python3"

// needGDAL skips the test unless python3-gdal is installed.
func needGDAL(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping GDAL cross-check in -short mode")
	}
	if err := exec.Command(gdalPython, "-c", "from osgeo import gdal").Run(); err != nil {
		t.Skipf("skipping: %s with osgeo.gdal not available (apt install python3-gdal): %v", gdalPython, err)
	}
}

// gdalView is what GDAL reports for a raster: the oracle of Read.
type gdalView struct {
	GT        []float64         `json:"gt"`        // nil without a geotransform
	EPSG      string            `json:"epsg"`      // GetAuthorityCode(None), "" if none
	Projected bool              `json:"projected"` // IsProjected
	HasSRS    bool              `json:"has_srs"`
	WKT       string            `json:"wkt"`    // ExportToWkt, WKT1 as GDAL writes PAM
	NoData    []*string         `json:"nodata"` // per band, repr of the double, nil if none
	Metadata  map[string]string `json:"md"`
	BandMD    []map[string]string
	Files     []string `json:"files"`
}

const gdalViewScript = `
import sys, json, os
from osgeo import gdal
gdal.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")
out = []
for p in sys.argv[1:]:
    ds = gdal.Open(p)
    s = ds.GetSpatialRef()
    nd = []
    for i in range(ds.RasterCount):
        v = ds.GetRasterBand(i + 1).GetNoDataValue()
        nd.append(None if v is None else repr(v))
    out.append({
        "gt": ds.GetGeoTransform(can_return_null=True),
        "epsg": (s.GetAuthorityCode(None) or "") if s is not None and s.GetAuthorityName(None) == "EPSG" else "",
        "projected": bool(s is not None and s.IsProjected()),
        "has_srs": s is not None,
        "wkt": s.ExportToWkt() if s is not None else "",
        "nodata": nd,
        "md": ds.GetMetadata() or {},
        "BandMD": [ds.GetRasterBand(i + 1).GetMetadata() or {} for i in range(ds.RasterCount)],
        "files": [os.path.basename(f) for f in ds.GetFileList()],
    })
    ds = None
json.dump(out, sys.stdout)
`

// gdalViews runs GDAL on each path.
func gdalViews(t *testing.T, paths ...string) []gdalView {
	t.Helper()
	cmd := exec.Command(gdalPython, append([]string{"-c", gdalViewScript}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var v []gdalView
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("python output %q: %v", out, err)
	}
	return v
}

// compareGDAL checks info (from Read) against GDAL's view of the raster.
func compareGDAL(t *testing.T, info *Info, g gdalView) {
	compareGDALEPSG(t, info, g, true)
}

// compareGDALEPSG is compareGDAL, comparing the EPSG code only when
// checkEPSG is set.
func compareGDALEPSG(t *testing.T, info *Info, g gdalView, checkEPSG bool) {
	t.Helper()
	if info == nil {
		info = &Info{}
	}
	if (g.GT != nil) != info.HasTransform {
		t.Errorf("HasTransform = %v, GDAL geotransform %v", info.HasTransform, g.GT)
	} else if g.GT != nil && [6]float64(g.GT) != info.Transform {
		t.Errorf("Transform = %v, GDAL %v", info.Transform, g.GT)
	}
	if got := strconv.Itoa(info.EPSG); checkEPSG && (info.EPSG != 0 && got != g.EPSG || info.EPSG == 0 && g.EPSG != "") {
		t.Errorf("EPSG = %d, GDAL %q", info.EPSG, g.EPSG)
	}
	if g.HasSRS != (info.SRS != "") {
		t.Errorf("SRS = %.40q, GDAL has SRS: %v", info.SRS, g.HasSRS)
	}
	if info.Projected != g.Projected {
		t.Errorf("Projected = %v, GDAL %v", info.Projected, g.Projected)
	}
	for k, want := range g.NoData {
		var b Band
		if k < len(info.Bands) {
			b = info.Bands[k]
		}
		switch {
		case want == nil && b.HasNoData:
			t.Errorf("band %d: nodata %v (%q), GDAL none", k+1, b.NoData, b.NoDataText)
		case want != nil && !b.HasNoData:
			t.Errorf("band %d: no nodata, GDAL %s", k+1, *want)
		case want != nil && !sameFloat(b.NoData, pyFloat(t, *want)):
			t.Errorf("band %d: nodata %v (%q), GDAL %s", k+1, b.NoData, b.NoDataText, *want)
		}
	}
	for k, v := range info.Metadata {
		if g.Metadata[k] != v {
			t.Errorf("metadata %s = %q, GDAL %q", k, v, g.Metadata[k])
		}
	}
	for k, md := range g.BandMD {
		var b Band
		if k < len(info.Bands) {
			b = info.Bands[k]
		}
		if len(md) != len(b.Metadata) {
			t.Errorf("band %d: metadata %v, GDAL %v", k+1, b.Metadata, md)
		}
		for key, v := range md {
			if b.Metadata[key] != v {
				t.Errorf("band %d: metadata %s = %q, GDAL %q", k+1, key, b.Metadata[key], v)
			}
		}
	}
}

// pyFloat parses Python's repr of a float.
func pyFloat(t *testing.T, s string) float64 {
	t.Helper()
	switch s {
	case "nan":
		return math.NaN()
	case "inf":
		return math.Inf(1)
	case "-inf":
		return math.Inf(-1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("python float %q: %v", s, err)
	}
	return v
}

// sameFloat compares bit patterns, NaN equal to NaN.
func sameFloat(a, b float64) bool {
	return a == b && math.Signbit(a) == math.Signbit(b) || math.IsNaN(a) && math.IsNaN(b)
}

// TestReadFixtures compares Read with GDAL on the files made by
// testdata/sidecar/make_sidecar.py.
func TestReadFixtures(t *testing.T) {
	needGDAL(t)
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "sidecar", "*.tif"))
	if err != nil || len(paths) < 7 {
		t.Fatalf("fixtures: %v %v", paths, err)
	}
	views := gdalViews(t, paths...)
	for k, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			info, err := Read(p)
			if err != nil {
				t.Fatal(err)
			}
			compareGDAL(t, info, views[k])
		})
	}
}

// TestReadGDALCases writes sidecars next to a TIFF without georeferencing
// and compares Read with GDAL, case by case: the corners of GDAL's PAM and
// world-file readers.
func TestReadGDALCases(t *testing.T) {
	needGDAL(t)
	plain, err := os.ReadFile(filepath.Join("..", "testdata", "sidecar", "plain.tif"))
	if err != nil {
		t.Fatal(err)
	}
	const wkt2 = `PROJCRS["WGS 84 / UTM zone 33N",BASEGEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4326]],CONVERSION["UTM zone 33N",METHOD["Transverse Mercator",ID["EPSG",9807]],PARAMETER["Latitude of natural origin",0,ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",8801]],PARAMETER["Longitude of natural origin",15,ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",8802]],PARAMETER["Scale factor at natural origin",0.9996,SCALEUNIT["unity",1],ID["EPSG",8805]],PARAMETER["False easting",500000,LENGTHUNIT["metre",1],ID["EPSG",8806]],PARAMETER["False northing",0,LENGTHUNIT["metre",1],ID["EPSG",8807]]],CS[Cartesian,2],AXIS["(E)",east,ORDER[1],LENGTHUNIT["metre",1]],AXIS["(N)",north,ORDER[2],LENGTHUNIT["metre",1]],ID["EPSG",32633]]`
	const geog2 = `GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4326]]`
	const esri = `PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
	const geocent = `GEOCCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Geocentric X",OTHER],AXIS["Geocentric Y",OTHER],AXIS["Geocentric Z",NORTH],AUTHORITY["EPSG","4978"]]`
	gt := "<GeoTransform>1,2,0,4,0,-6</GeoTransform>"
	pam := func(body string) map[string]string {
		return map[string]string{".tif.aux.xml": "<PAMDataset>" + body + "</PAMDataset>"}
	}
	world := "10\n0\n0\n-10\n%s\n4999995\n"
	w := func(x string) string { return replaceOnce(world, "%s", x) }
	tests := []struct {
		name     string
		files    map[string]string // suffix after the stem "r" → content
		warnings int
		// epsg0 says why Read reports no EPSG code where GDAL has one.
		epsg0 string
	}{
		{"tfw", map[string]string{".tfw": w("500005")}, 0, ""},
		{"tfw before tifw and wld", map[string]string{".tfw": w("500005"), ".tifw": w("600005"), ".wld": w("700005")}, 0, ""},
		{"tifw before wld", map[string]string{".tifw": w("600005"), ".wld": w("700005")}, 0, ""},
		{"wld", map[string]string{".wld": w("700005")}, 0, ""},
		{"upper-case TFW", map[string]string{".TFW": w("800005")}, 0, ""},
		{"world blank lines, spaces, garbage", map[string]string{".tfw": "\n\n 10 \n0\n0\n-10\n500005 garbage\n4999995\n"}, 0, ""},
		{"world decimal comma", map[string]string{".tfw": "10\n0\n0\n-10\n500005,5\n4999995\n"}, 0, ""},
		{"world rotated", map[string]string{".tfw": "2\n0.5\n-0.25\n-2\n1001\n2001\n"}, 0, ""},
		{"world CRLF", map[string]string{".tfw": "10\r\n0\r\n0\r\n-10\r\n500005\r\n4999995\r\n"}, 0, ""},
		{"world five lines", map[string]string{".tfw": "10\n0\n0\n-10\n500005\n"}, 1, ""},
		{"world zero pixel size", map[string]string{".tfw": "0\n0\n0\n0\n500005\n1\n"}, 1, ""},
		{"corrupt tfw falls back to wld", map[string]string{".tfw": "10\n", ".wld": w("700005")}, 1, ""},
		{"pam beats world file", map[string]string{".tif.aux.xml": "<PAMDataset>" + gt + "</PAMDataset>", ".tfw": w("500005")}, 0, ""},
		{"pam without transform, world file", map[string]string{".tif.aux.xml": pam(`<SRS>` + esri + `</SRS>`)[".tif.aux.xml"], ".tfw": w("500005")}, 0, ""},
		{"prj ignored", map[string]string{".tfw": w("500005"), ".prj": esri}, 1, ""},
		{"xml declaration", map[string]string{".tif.aux.xml": "<?xml version='1.0'?>\n<PAMDataset>" + gt + "</PAMDataset>"}, 1, ""},
		{"leading comment", map[string]string{".tif.aux.xml": "<!-- c -->\n<PAMDataset>" + gt + "</PAMDataset>"}, 1, ""},
		{"unclosed root", map[string]string{".tif.aux.xml": "<PAMDataset>" + gt}, 1, ""},
		{"malformed pam, world file", map[string]string{".tif.aux.xml": "<PAMDataset>" + gt, ".tfw": w("500005")}, 1, ""},
		{"trailing element", map[string]string{".tif.aux.xml": "<PAMDataset>" + gt + "</PAMDataset><Other/>"}, 0, ""},
		{"other root name", map[string]string{".tif.aux.xml": "<Foo>" + gt + "</Foo>"}, 0, ""},
		{"lower-case names", map[string]string{".tif.aux.xml": "<pamdataset><geotransform>1,,2,0,4,0,-6</geotransform><pamrasterband BAND=' 1x'><nodatavalue>-1.#QNAN</nodatavalue></pamrasterband></pamdataset>"}, 0, ""},
		{"geotransform 3 values", pam("<GeoTransform>1,2,3</GeoTransform>"), 1, ""},
		{"geotransform 7 values", pam("<GeoTransform>1,2,0,4,0,-6,7</GeoTransform>"), 1, ""},
		{"geotransform hex and spaces", pam("<GeoTransform> 0x10 , 1e1,0,4,0,-6</GeoTransform>"), 0, ""},
		{"first geotransform wins", pam(gt + "<GeoTransform>9,2,0,4,0,-6</GeoTransform>"), 0, ""},
		{"srs epsg user input", pam("<SRS>EPSG:4326</SRS>" + gt), 1, "not WKT: projected or not is unknown without the EPSG database"},
		{"srs wkt2 projected", pam("<SRS>" + wkt2 + "</SRS>" + gt), 0, ""},
		{"srs wkt2 geographic", pam("<SRS>" + geog2 + "</SRS>" + gt), 0, ""},
		{"srs esri", pam("<SRS>" + esri + "</SRS>" + gt), 0, ""},
		{"srs geocentric", pam("<SRS>" + geocent + "</SRS>" + gt), 0, "geocentric: EPSG is only for projected and geographic roots"},
		{"nodata garbage suffix", pam(gt + "<PAMRasterBand band='1'><NoDataValue>12abc</NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata empty", pam(gt + "<PAMRasterBand band='1'><NoDataValue></NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata mixed content", pam(gt + "<PAMRasterBand band='1'><NoDataValue>5<X/>6</NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata entity", pam(gt + "<PAMRasterBand band='1'><NoDataValue>&#32;&amp;5</NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata -inf", pam(gt + "<PAMRasterBand band='1'><NoDataValue>-inf</NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata overflow", pam(gt + "<PAMRasterBand band='1'><NoDataValue>1e999</NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata hex equiv", pam(gt + "<PAMRasterBand band='1'><NoDataValue le_hex_equiv='0000000000C05EC0'>5</NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata bad hex equiv", pam(gt + "<PAMRasterBand band='1'><NoDataValue le_hex_equiv='zz'>5</NoDataValue></PAMRasterBand>"), 0, ""},
		{"nodata hex digits", pam(gt + "<PAMRasterBand band='1'><NoDataValue>0x1p3</NoDataValue></PAMRasterBand>"), 0, ""},
		{"later band element wins", pam(gt + "<PAMRasterBand band='1'><NoDataValue>5</NoDataValue><NoDataValue>6</NoDataValue></PAMRasterBand><PAMRasterBand band='1'><NoDataValue>7</NoDataValue></PAMRasterBand>"), 0, ""},
		{"band 0 and 2 ignored", pam(gt + "<PAMRasterBand band='0'><NoDataValue>5</NoDataValue></PAMRasterBand><PAMRasterBand band='2'><NoDataValue>6</NoDataValue></PAMRasterBand>"), 0, ""},
		{"metadata merged", pam(gt + "<Metadata><MDI key='A'>1</MDI><MDI key='E'></MDI></Metadata><Metadata domain='X'><MDI key='B'>2</MDI></Metadata><Metadata><MDI key='C'>3</MDI><MDI key='A'>4</MDI></Metadata>"), 0, ""},
		{"band metadata", pam(gt + "<PAMRasterBand band='1'><Metadata><MDI key='U'>m</MDI></Metadata><Metadata domain='Y'><MDI key='V'>x</MDI></Metadata></PAMRasterBand>"), 0, ""},
	}
	dir := t.TempDir()
	var paths []string
	for k, tt := range tests {
		sub := filepath.Join(dir, strconv.Itoa(k))
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(sub, "r.tif")
		if err := os.WriteFile(p, plain, 0o644); err != nil {
			t.Fatal(err)
		}
		for suffix, content := range tt.files {
			if err := os.WriteFile(filepath.Join(sub, "r"+suffix), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		paths = append(paths, p)
	}
	views := gdalViews(t, paths...)
	for k, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Read(paths[k])
			if err != nil {
				t.Fatal(err)
			}
			compareGDALEPSG(t, info, views[k], tt.epsg0 == "")
			if tt.epsg0 != "" && (info == nil || info.EPSG != 0) {
				t.Errorf("want EPSG 0 (%s), got %+v", tt.epsg0, info)
			}
			var warnings []string
			if info != nil {
				warnings = info.Warnings
			}
			if len(warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", warnings, tt.warnings)
			}
			// GDAL lists every file in Files, and lists ignored PAM files too.
			if info != nil {
				for _, f := range info.Files {
					if !slices.Contains(views[k].Files, filepath.Base(f)) {
						t.Errorf("Files %q, GDAL %q", info.Files, views[k].Files)
					}
				}
			} else if len(views[k].Files) > 1 {
				t.Errorf("Read = nil, GDAL uses %q", views[k].Files[1:])
			}
		})
	}
}

func replaceOnce(s, old, new string) string {
	i := bytes.Index([]byte(s), []byte(old))
	if i < 0 {
		return s
	}
	return s[:i] + new + s[i+len(old):]
}
