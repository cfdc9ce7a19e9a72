package geotiff

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// validityPython is Debian's python3, which has the osgeo bindings.
const validityPython = "/usr/bin/python3"

// validityScript prints, for each file named on the command line, one JSON
// line with GDAL's view of what is valid: every band's color
// interpretation, the mask flags of band 1 and the sha256 of its mask
// reduced to 0/1 (invalid/valid), the same for each overview of band 1,
// and the sha256 of every band's samples read with ReadAsArray.
const validityScript = `
import sys, json, hashlib
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
def valid(band):
    m = band.GetMaskBand().ReadAsArray()
    return hashlib.sha256((m != 0).astype(np.uint8).tobytes()).hexdigest()
for path in sys.argv[1:]:
    ds = gdal.OpenEx(path, gdal.OF_RASTER, allowed_drivers=["GTiff"])
    b = ds.GetRasterBand(1)
    h = hashlib.sha256()
    for i in range(ds.RasterCount):
        a = ds.GetRasterBand(i + 1).ReadAsArray()
        h.update(a.astype(a.dtype.newbyteorder("<")).tobytes())
    out = {"path": path,
           "interp": [gdal.GetColorInterpretationName(ds.GetRasterBand(i + 1).GetColorInterpretation())
                      for i in range(ds.RasterCount)],
           "flags": b.GetMaskFlags(), "valid": valid(b), "bands": h.hexdigest(),
           "ovr": [{"w": b.GetOverview(i).XSize, "h": b.GetOverview(i).YSize,
                    "flags": b.GetOverview(i).GetMaskFlags(), "valid": valid(b.GetOverview(i))}
                   for i in range(b.GetOverviewCount())]}
    print(json.dumps(out))
`

// gdalValidity is one line of validityScript's output.
type gdalValidity struct {
	Path   string   `json:"path"`
	Interp []string `json:"interp"`
	Flags  int      `json:"flags"`
	Valid  string   `json:"valid"`
	Bands  string   `json:"bands"`
	Ovr    []struct {
		W, H  int
		Flags int    `json:"flags"`
		Valid string `json:"valid"`
	} `json:"ovr"`
}

// GDAL's mask flags (gdal.h).
const (
	gmfAllValid   = 1
	gmfPerDataset = 2
	gmfAlpha      = 4
	gmfNoData     = 8
)

// TestValidityAgainstGDAL asks GDAL, for every fixture that decodes, what
// it takes as the validity of band 1 (RFC 15 mask flags and mask), and the
// color interpretation of every band, and checks that MaskFor, AlphaBand,
// ColorInterp and the decoded masks say the same; for the nbits/ fixtures
// it also compares all decoded samples with GDAL's ReadAsArray.
func TestValidityAgainstGDAL(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping GDAL cross-check in -short mode")
	}
	if err := exec.Command(validityPython, "-c", "from osgeo import gdal; import numpy").Run(); err != nil {
		t.Skipf("skipping: %s with osgeo.gdal and numpy not available (apt install python3-gdal python3-numpy): %v", validityPython, err)
	}
	rows := loadManifest(t, filepath.Join(fixturesDir, "fixtures.tsv"))
	var paths []string
	for _, row := range rows {
		if expect(row, strings.HasPrefix(row["path"], "hostile/")) == expectDecode {
			paths = append(paths, filepath.Join(fixturesDir, row["path"]))
		}
	}
	cmd := exec.Command(validityPython, append([]string{"-c", validityScript}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	n := 0
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var g gdalValidity
		if err := json.Unmarshal(line, &g); err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		t.Run(strings.TrimPrefix(g.Path, fixturesDir+"/"), func(t *testing.T) { checkValidity(t, g) })
		n++
	}
	if n != len(paths) {
		t.Errorf("GDAL reported %d of %d files", n, len(paths))
	}
}

// checkValidity compares the reader's view of g.Path with GDAL's.
func checkValidity(t *testing.T, g gdalValidity) {
	r, err := Open(g.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	for b, want := range g.Interp {
		if got := im.ColorInterp(b); got != want {
			t.Errorf("ColorInterp(%d) = %s, GDAL %s", b, got, want)
		}
	}
	checkMask(t, r, im, g.Flags, g.Valid)
	var ovrs []*Image
	for _, o := range r.Images() {
		if o.IsOverview() && o.Bands == im.Bands {
			ovrs = append(ovrs, o)
		}
	}
	if len(ovrs) != len(g.Ovr) {
		t.Fatalf("%d overviews, GDAL %d", len(ovrs), len(g.Ovr))
	}
	for i, o := range ovrs {
		if o.Width != g.Ovr[i].W || o.Height != g.Ovr[i].H {
			t.Errorf("overview %d is %dx%d, GDAL %dx%d", i, o.Width, o.Height, g.Ovr[i].W, g.Ovr[i].H)
		}
		checkMask(t, r, o, g.Ovr[i].Flags, g.Ovr[i].Valid)
	}
	if strings.Contains(g.Path, "/nbits/") {
		h := sha256.New()
		for b := 0; b < im.Bands; b++ {
			buf, err := r.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), []int{b}, nil)
			if err != nil {
				t.Fatal(err)
			}
			h.Write(buf)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != g.Bands {
			t.Errorf("samples differ from GDAL's ReadAsArray")
		}
	}
}

// checkMask checks what the reader offers for the validity of band 1 of
// im against GDAL's mask flags and the sha256 of its 0/1 validity.
func checkMask(t *testing.T, r *Reader, im *Image, flags int, valid string) {
	t.Helper()
	m := r.MaskFor(im)
	var validity []byte // 0/1 per pixel, as GDAL's mask != 0
	switch {
	case flags == gmfPerDataset:
		if m == nil {
			t.Fatalf("IFD %d: GDAL has an internal mask, MaskFor has none", im.Index)
		}
		buf, err := r.ReadWindow(m, image.Rect(0, 0, m.Width, m.Height), []int{0}, nil)
		if err != nil {
			t.Fatal(err)
		}
		validity = buf
	case m != nil:
		t.Fatalf("IFD %d: MaskFor is IFD %d, GDAL mask flags %d", im.Index, m.Index, flags)
	case flags&gmfNoData != 0:
		if !im.HasNoData {
			t.Errorf("IFD %d: GDAL uses nodata, the image has none", im.Index)
		}
		return // nodata comparison is compute's, not the reader's
	case flags&gmfAlpha != 0:
		a := im.AlphaBand()
		if a < 0 {
			t.Fatalf("IFD %d: GDAL uses an alpha band, AlphaBand() = -1", im.Index)
		}
		buf, err := ReadWindowAs[float64](r, im, image.Rect(0, 0, im.Width, im.Height), []int{a}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range buf {
			validity = append(validity, map[bool]byte{true: 1}[v != 0])
		}
	case flags == gmfAllValid:
		if a := im.AlphaBand(); a >= 0 && !im.HasNoData {
			t.Errorf("IFD %d: AlphaBand() = %d, GDAL has no alpha mask", im.Index, a)
		}
		validity = bytes.Repeat([]byte{1}, im.Width*im.Height)
	default:
		t.Fatalf("IFD %d: GDAL mask flags %d not handled", im.Index, flags)
	}
	for i, v := range validity {
		if v != 0 {
			validity[i] = 1
		}
	}
	if got := sha256.Sum256(validity); hex.EncodeToString(got[:]) != valid {
		t.Errorf("IFD %d: validity differs from GDAL's mask (flags %d)", im.Index, flags)
	}
}
