package compute

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/overview"
)

// cogInputs writes three w×h Float32 inputs with nodata -9999 holes.
func cogInputs(t *testing.T, dir string, w, h int) []string {
	t.Helper()
	return cogInputsRange(t, dir, w, h, -500, 3000)
}

// cogInputsRange writes three w×h Float32 inputs of integers in [lo, hi)
// with 20 % nodata -9999 holes.
func cogInputsRange(t *testing.T, dir string, w, h, lo, hi int) []string {
	t.Helper()
	var names []string
	for k := range 3 {
		r := randomRaster(uint64(k+1), w, h, 1, lo, hi, 0.2, -9999)
		names = append(names, writeRaster(t, dir, fmt.Sprintf("in%d.tif", k), r,
			geotiff.WriterOptions{Type: geotiff.Float32, HasNoData: true, NoData: -9999, TileWidth: 128, TileHeight: 128}))
	}
	return names
}

// cogCheckScript validates argv[1] with GDAL's COG validator, then
// compares every overview with those GDAL's COG driver computes from its
// full resolution (OVERVIEW_RESAMPLING=argv[2]), and the STATISTICS_*
// metadata with GDAL's ComputeStatistics. It prints "ok" or the failures.
const cogCheckScript = `
import sys, subprocess
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
name, method, cog = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
fails = []
if cog:
    r = subprocess.run([sys.executable, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", name], capture_output=True, text=True)
    if r.returncode != 0 or "is a valid cloud optimized GeoTIFF" not in r.stdout or "warning" in (r.stdout + r.stderr).lower():
        fails.append("validator: " + r.stdout + r.stderr)
ds = gdal.Open(name)
b = ds.GetRasterBand(1)
bs = b.GetBlockSize()[0]
ref = name + ".gdal.tif"
gdal.Translate(ref, ds, format="COG", creationOptions=["BLOCKSIZE=%d" % bs, "OVERVIEW_RESAMPLING=" + method, "OVERVIEWS=IGNORE_EXISTING"])
rd = gdal.Open(ref)
rb = rd.GetRasterBand(1)
if b.GetOverviewCount() != rb.GetOverviewCount():
    fails.append("overviews: %d, GDAL %d" % (b.GetOverviewCount(), rb.GetOverviewCount()))
nd = b.GetNoDataValue()
for i in range(min(b.GetOverviewCount(), rb.GetOverviewCount())):
    o, g = b.GetOverview(i), rb.GetOverview(i)
    a, e = o.ReadAsArray().astype("f8"), g.ReadAsArray().astype("f8")
    if a.shape != e.shape:
        fails.append("level %d: shape %s, GDAL %s" % (i + 1, a.shape, e.shape)); continue
    if i + 1 > int(sys.argv[5]):
        continue
    ma, me = o.GetMaskBand().ReadAsArray() != 0, g.GetMaskBand().ReadAsArray() != 0
    if (ma != me).any():
        fails.append("level %d: %d validity differences" % (i + 1, (ma != me).sum()))
    both = ma & me
    rel = np.abs(a[both] - e[both]) / np.maximum(np.abs(e[both]), 1e-30)
    if both.any() and rel.max() > 1e-4:
        fails.append("level %d: max relative difference %g" % (i + 1, rel.max()))
md = b.GetMetadata()
if sys.argv[4] == "1":
    st = b.ComputeStatistics(False)
    for key, want in zip(["MINIMUM", "MAXIMUM", "MEAN", "STDDEV"], st):
        got = float(md.get("STATISTICS_" + key, "nan"))
        if not abs(got - want) <= 1e-9 * max(1, abs(want)):
            fails.append("STATISTICS_%s %r, GDAL %r" % (key, got, want))
    m = b.GetMaskBand().ReadAsArray() != 0
    if nd is not None:
        m &= b.ReadAsArray() != nd
    vp = 100.0 * m.sum() / m.size
    if abs(float(md.get("STATISTICS_VALID_PERCENT", "nan")) - vp) > 1e-9:
        fails.append("STATISTICS_VALID_PERCENT %s, want %r" % (md.get("STATISTICS_VALID_PERCENT"), vp))
print("\n".join(fails) if fails else "ok")
`

// runCOGCheck runs cogCheckScript; levels after exact are compared by size
// only.
func runCOGCheck(t *testing.T, name, method string, cog, stats bool, exact string) {
	t.Helper()
	b := map[bool]string{true: "1", false: "0"}
	out, err := exec.Command(debianPython, "-c", cogCheckScript, name, method, b[cog], b[stats], exact).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("GDAL check of %s: %v\n%s", filepath.Base(name), err, out)
	}
}

// TestCOGAgainstGDAL compares every overview level with what GDAL's COG
// driver computes from gomean's own full resolution, at even sizes (exact
// 2×2 blocks) and at odd ones (GDAL's drifting, weighted windows: 1001×777
// and 1537×1025 are odd at several levels).
func TestCOGAgainstGDAL(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	sets := map[string][]string{
		"704x512":      cogInputs(t, t.TempDir(), 704, 512),
		"1001x777":     cogInputs(t, t.TempDir(), 1001, 777),
		"1537x1025":    cogInputs(t, t.TempDir(), 1537, 1025),
		"1001x777 0-4": cogInputsRange(t, t.TempDir(), 1001, 777, 0, 4), // ties for MODE
	}
	for _, tc := range []struct {
		name, set string
		op        Op
		method    overview.Method
		typ       geotiff.SampleType
		ov        OverviewConfig
	}{
		{"mean average COG", "704x512", Mean, overview.Average, geotiff.Float32, OverviewConfig{COG: true}},
		{"median nearest COG", "704x512", Median, overview.Nearest, geotiff.Float32, OverviewConfig{COG: true, Resampling: overview.Nearest}},
		{"min int16 mode COG", "704x512", Min, overview.Mode, geotiff.Int16, OverviewConfig{COG: true, Resampling: overview.Mode}},
		{"max int16 average COG", "704x512", Max, overview.Average, geotiff.Int16, OverviewConfig{COG: true}},
		{"mean GTiff overviews and stats", "704x512", Mean, overview.Average, geotiff.Float32, OverviewConfig{Internal: true, Stats: true}},
		{"odd mean average", "1001x777", Mean, overview.Average, geotiff.Float32, OverviewConfig{COG: true}},
		{"odd mean int16 average", "1001x777", Mean, overview.Average, geotiff.Int16, OverviewConfig{COG: true}},
		{"odd median nearest", "1001x777", Median, overview.Nearest, geotiff.Float32, OverviewConfig{COG: true, Resampling: overview.Nearest}},
		{"odd min int16 mode", "1001x777 0-4", Min, overview.Mode, geotiff.Int16, OverviewConfig{COG: true, Resampling: overview.Mode}},
		{"odd max float32 mode", "1001x777 0-4", Max, overview.Mode, geotiff.Float32, OverviewConfig{COG: true, Resampling: overview.Mode}},
		{"odd max uint16 average", "1001x777", Max, overview.Average, geotiff.Uint16, OverviewConfig{COG: true}},
		{"odd mean float64 average", "1001x777", Mean, overview.Average, geotiff.Float64, OverviewConfig{COG: true}},
		{"odd GTiff overviews", "1001x777", Mean, overview.Average, geotiff.Float32, OverviewConfig{Internal: true, Stats: true}},
		{"1537x1025 mean average", "1537x1025", Mean, overview.Average, geotiff.Float32, OverviewConfig{COG: true}},
		{"1537x1025 max int16 average", "1537x1025", Max, overview.Average, geotiff.Int16, OverviewConfig{COG: true}},
		{"1537x1025 min int16 nearest", "1537x1025", Min, overview.Nearest, geotiff.Int16, OverviewConfig{COG: true, Resampling: overview.Nearest}},
		{"1537x1025 mean mode", "1537x1025", Mean, overview.Mode, geotiff.Float32, OverviewConfig{COG: true, Resampling: overview.Mode}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".tif")
			cfg := Config{Op: tc.op, Type: tc.typ, Workers: 2, Overviews: tc.ov}
			cfg.Output.TileWidth, cfg.Output.TileHeight = 128, 128
			if err := Run(context.Background(), cfg, sets[tc.set], out); err != nil {
				t.Fatal(err)
			}
			runCOGCheck(t, out, tc.method.String(), tc.ov.COG, true, "99")
		})
	}
}

func TestCOGSameBytesForAnyWorkers(t *testing.T) {
	dir := t.TempDir()
	even, odd := cogInputs(t, dir, 600, 450), cogInputs(t, t.TempDir(), 601, 449) // odd: straddling windows
	for _, op := range []Op{Mean, Median} {
		ins := even
		if op == Median {
			ins = odd
		}
		var first []byte
		for _, workers := range []int{1, 2, 3, 8} {
			out := filepath.Join(dir, fmt.Sprintf("%v-%d.tif", op, workers))
			cfg := Config{Op: op, Workers: workers, Overviews: OverviewConfig{COG: true}}
			cfg.Output.TileWidth, cfg.Output.TileHeight = 128, 128
			if err := Run(context.Background(), cfg, ins, out); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = b
			} else if string(b) != string(first) {
				t.Fatalf("%v with %d workers: bytes differ from 1 worker", op, workers)
			}
		}
	}
}

// TestCOGMasked reduces inputs with internal masks (made by GDAL) into a
// masked COG and checks it with the validator and against its own full
// resolution: an overview pixel is valid where any pixel of its 2×2 block
// is, and holds the mean of the valid ones; statistics skip masked pixels.
func TestCOGMasked(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	out, err := exec.Command(debianPython, "-c", `
import sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
rng = np.random.default_rng(5)
for k in range(3):
    d = gdal.GetDriverByName("GTiff").Create(sys.argv[1] + "/m%d.tif" % k, 704, 512, 1, gdal.GDT_Float32, options=["TILED=YES"])
    d.SetGeoTransform([0, 1, 0, 0, 0, -1])
    d.GetRasterBand(1).WriteArray((rng.random((512, 704)) * 1000).astype("f4"))
    d.CreateMaskBand(gdal.GMF_PER_DATASET)
    d.GetRasterBand(1).GetMaskBand().WriteArray(((rng.random((512, 704)) > 0.6) * 255).astype("u1"))
    d = None
`, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("making inputs: %v\n%s", err, out)
	}
	var ins []string
	for k := range 3 {
		ins = append(ins, filepath.Join(dir, fmt.Sprintf("m%d.tif", k)))
	}
	name := filepath.Join(dir, "out.tif")
	cfg := Config{Workers: 2, Overviews: OverviewConfig{COG: true}}
	cfg.Output.TileWidth, cfg.Output.TileHeight = 128, 128
	if err := Run(context.Background(), cfg, ins, name); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(debianPython, "-c", `
import sys, subprocess
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
name = sys.argv[1]
r = subprocess.run([sys.executable, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", name], capture_output=True, text=True)
if r.returncode != 0 or "is a valid cloud optimized GeoTIFF" not in r.stdout or "warning" in (r.stdout + r.stderr).lower():
    print("validator:", r.stdout, r.stderr); sys.exit()
ds = gdal.Open(name)
b = ds.GetRasterBand(1)
assert b.GetMaskFlags() == gdal.GMF_PER_DATASET, b.GetMaskFlags()
a = b.ReadAsArray().astype("f8")
m = b.GetMaskBand().ReadAsArray() != 0
for i in range(b.GetOverviewCount()):
    h, w = a.shape[0] // 2, a.shape[1] // 2
    av = np.where(m, a, 0.0)[:2*h, :2*w].reshape(h, 2, w, 2)
    n = m[:2*h, :2*w].reshape(h, 2, w, 2).sum(axis=(1, 3))
    want = (av.sum(axis=(1, 3)) / np.maximum(n, 1)).astype("f4").astype("f8")
    o = b.GetOverview(i)
    got, gm = o.ReadAsArray().astype("f8"), o.GetMaskBand().ReadAsArray() != 0
    if (gm != (n > 0)).any() or np.abs(got - want)[n > 0].max() > 1e-4 * np.abs(want).max():
        print("level", i + 1, "differs"); sys.exit()
    a, m = got, gm
md = b.GetMetadata()
st = b.ComputeStatistics(False)
if abs(float(md["STATISTICS_MEAN"]) - st[2]) > 1e-9 * abs(st[2]):
    print("mean", md["STATISTICS_MEAN"], st[2]); sys.exit()
print("ok")
`, name).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("check: %v\n%s", err, out)
	}
}

// TestCOGAlphaAgainstGDAL reduces RGBA inputs (alpha 0, 100 or 255) into an
// RGBA COG and compares every band of every overview level (odd sizes)
// with GDAL's COG driver run on gomean's full resolution: GDAL's AVERAGE
// skips the pixels whose alpha is 0 in every band, the alpha included,
// and does not weight colours by alpha; NEAREST and MODE ignore alpha.
func TestCOGAlphaAgainstGDAL(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	if d := os.Getenv("GOMEAN_KEEP"); d != "" {
		dir = d
	}
	out, err := exec.Command(debianPython, "-c", `
import sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
rng = np.random.default_rng(9)
for k in range(3):
    d = gdal.GetDriverByName("GTiff").Create(sys.argv[1] + "/a%d.tif" % k, 601, 389, 4, gdal.GDT_Byte, options=["TILED=YES", "ALPHA=YES", "PHOTOMETRIC=RGB"])
    d.SetGeoTransform([0, 1, 0, 0, 0, -1])
    for b in range(3):
        d.GetRasterBand(b + 1).WriteArray(rng.integers(0, 256, (389, 601)).astype("u1"))
    d.GetRasterBand(4).WriteArray(rng.choice([0, 100, 255], (389, 601), p=[0.5, 0.25, 0.25]).astype("u1"))
    d = None
`, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("making inputs: %v\n%s", err, out)
	}
	var ins []string
	for k := range 3 {
		ins = append(ins, filepath.Join(dir, fmt.Sprintf("a%d.tif", k)))
	}
	for _, m := range []overview.Method{overview.Average, overview.Nearest, overview.Mode} {
		name := filepath.Join(dir, m.String()+".tif")
		cfg := Config{Type: geotiff.Uint8, Workers: 2, Overviews: OverviewConfig{COG: true, Resampling: m}}
		cfg.Output.TileWidth, cfg.Output.TileHeight = 128, 128
		if err := Run(context.Background(), cfg, ins, name); err != nil {
			t.Fatal(err)
		}
		out, err = exec.Command(debianPython, "-c", `
import sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
name, method = sys.argv[1], sys.argv[2]
ds = gdal.Open(name)
if ds.RasterCount != 4 or ds.GetRasterBand(4).GetColorInterpretation() != gdal.GCI_AlphaBand:
    print("not RGBA"); sys.exit()
ref = name + ".gdal.tif"
gdal.Translate(ref, ds, format="COG", creationOptions=["BLOCKSIZE=128", "OVERVIEW_RESAMPLING=" + method, "OVERVIEWS=IGNORE_EXISTING"])
rd = gdal.Open(ref)
n = ds.GetRasterBand(1).GetOverviewCount()
if n != 3 or rd.GetRasterBand(1).GetOverviewCount() != n:
    print("overviews", n, rd.GetRasterBand(1).GetOverviewCount()); sys.exit()
for b in range(1, 5):
    for i in range(n):
        a = ds.GetRasterBand(b).GetOverview(i).ReadAsArray()
        e = rd.GetRasterBand(b).GetOverview(i).ReadAsArray()
        if (a != e).any():
            print("band", b, "level", i + 1, (a != e).sum(), "differences"); sys.exit()
print("ok")
`, name, m.String()).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "ok" {
			t.Fatalf("%v: %v\n%s", m, err, out)
		}
	}
}
