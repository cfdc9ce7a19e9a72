package geotiff

import (
	"context"
	"encoding/binary"

	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeTestCOG writes a width×height float32 COG of levels overviews whose
// pixel (x, y) of level k holds k*1e6 + y*width + x, with a mask marking
// every third pixel invalid when mask is set.
func writeTestCOG(t *testing.T, name string, width, height, levels, workers int, mask bool, big BigTIFFMode) {
	t.Helper()
	writeTestCOGGap(t, name, width, height, levels, workers, mask, big, 0)
}

// writeTestCOGGap is writeTestCOG with a hole of gap bytes before the tiles.
func writeTestCOGGap(t *testing.T, name string, width, height, levels, workers int, mask bool, big BigTIFFMode, gap int64) {
	t.Helper()
	ctx := context.Background()
	opts := COGOptions{WriterOptions: WriterOptions{
		Width: width, Height: height, Bands: 1, Type: Float32, TileWidth: 64, TileHeight: 64,
		Workers: workers, Mask: mask, HasNoData: !mask, NoData: -9999, BigTIFF: big,
		Metadata: "<GDALMetadata>\n  <Item name=\"X\">1</Item>\n</GDALMetadata>\n",
	}, Overviews: levels}
	w, err := CreateCOG(name, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.testGap = gap
	for k := 0; k <= levels; k++ {
		lw := max(1, width>>k)
		across := (lw + 63) / 64
		for i := range w.NumTiles(k) {
			tx, ty := i%across, i/across
			buf := make([]byte, w.TileBytes())
			m := make([]byte, 64*64)
			for y := range 64 {
				for x := range 64 {
					v := float32(k*1e6 + (ty*64+y)*lw + tx*64 + x)
					binary.LittleEndian.PutUint32(buf[4*(y*64+x):], math.Float32bits(v))
					if (x+y)%3 != 0 {
						m[y*64+x] = 1
					}
				}
			}
			if k == 0 {
				err = w.WriteTile(ctx, i, buf)
			} else {
				err = w.WriteOverviewTile(ctx, k, i, buf)
			}
			if err == nil && mask {
				if k == 0 {
					err = w.WriteMaskTile(ctx, i, m)
				} else {
					err = w.WriteOverviewMaskTile(ctx, k, i, m)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// validateCOG runs GDAL's COG validator with --full-check=yes and fails on
// any error or warning.
func validateCOG(t *testing.T, name string) {
	t.Helper()
	out, err := exec.Command(gdalPython, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", name).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "is a valid cloud optimized GeoTIFF") || strings.Contains(strings.ToLower(string(out)), "warning") {
		t.Fatalf("validator on %s: %v\n%s", filepath.Base(name), err, out)
	}
}

func TestCOGValidatorAndPixels(t *testing.T) {
	needGDALPython(t)
	for _, tc := range []struct {
		name          string
		width, height int
		levels        int
		mask          bool
	}{
		{"nodata", 300, 200, 3, false},
		{"mask", 300, 200, 3, true},
		{"one level", 130, 70, 1, false},
		{"no overviews", 60, 50, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "c.tif")
			writeTestCOG(t, name, tc.width, tc.height, tc.levels, 2, tc.mask, BigTIFFAuto)
			validateCOG(t, name)
			out := runPython(t, `
import sys
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
b = ds.GetRasterBand(1)
w, h, n = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
assert b.GetOverviewCount() == n, b.GetOverviewCount()
assert ds.GetMetadataItem("X") == "1"
for k in range(n + 1):
    o = b if k == 0 else b.GetOverview(k - 1)
    lw, lh = max(1, w >> k), max(1, h >> k)
    assert (o.XSize, o.YSize) == (lw, lh), (k, o.XSize, o.YSize)
    a = o.ReadAsArray().astype('f8')
    y, x = np.mgrid[0:lh, 0:lw]
    want = (k * 1e6 + y * lw + x).astype('f4')
    assert (a == want).all(), k
    if sys.argv[5] == "1":
        m = o.GetMaskBand().ReadAsArray()
        assert ((m != 0) == ((x % 64 + y % 64) % 3 != 0)).all(), k
print("ok")
`, name, fmt.Sprint(tc.width), fmt.Sprint(tc.height), fmt.Sprint(tc.levels), map[bool]string{true: "1", false: "0"}[tc.mask])
			if strings.TrimSpace(string(out)) != "ok" {
				t.Fatalf("python: %s", out)
			}
			assertNoTemps(t, filepath.Dir(name))
		})
	}
}

// assertNoTemps fails if dir holds anything but c.tif.
func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() != "c.tif" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestCOGSameBytesAnyWorkers(t *testing.T) {
	dir := t.TempDir()
	var first []byte
	for _, workers := range []int{1, 2, 3, 8} {
		name := filepath.Join(dir, fmt.Sprintf("w%d.tif", workers))
		writeTestCOG(t, name, 300, 200, 3, workers, true, BigTIFFAuto)
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if string(b) != string(first) {
			t.Fatalf("%d workers: bytes differ from 1 worker", workers)
		}
	}
}

func TestCOGBigTIFF(t *testing.T) {
	needGDALPython(t)
	name := filepath.Join(t.TempDir(), "c.tif")
	writeTestCOG(t, name, 300, 200, 3, 2, true, BigTIFFYes)
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if b[2] != 43 {
		t.Fatalf("version %d, want 43 (BigTIFF)", b[2])
	}
	validateCOG(t, name)
}

func TestCOGAbortAndMissingTile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "c.tif")
	w, err := CreateCOG(name, COGOptions{WriterOptions: WriterOptions{Width: 100, Height: 100, Bands: 1, Type: Uint8, TileWidth: 64, TileHeight: 64}, Overviews: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteOverviewTile(context.Background(), 2, 0, make([]byte, w.TileBytes())); err == nil || !strings.Contains(err.Error(), "level 2 out of range") {
		t.Errorf("level 2: got %v", err)
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "never written") {
		t.Errorf("close with missing tiles: got %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind after a failed Close: %d files", len(ents))
	}
	w, err = CreateCOG(name, COGOptions{WriterOptions: WriterOptions{Width: 100, Height: 100, Bands: 1, Type: Uint8, TileWidth: 64, TileHeight: 64}, Overviews: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind after Abort: %d files", len(ents))
	}
	if _, err := CreateCOG(name, COGOptions{WriterOptions: WriterOptions{Width: 100, Height: 100, Bands: 1, Type: Uint8}, Overviews: -1}); err == nil {
		t.Error("-1 overviews: no error")
	}

}

func TestCOGCloseFailureLeavesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(w *COGWriter) context.Context
	}{
		{"cancelled", func(w *COGWriter) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}},
		{"spool unreadable", func(w *COGWriter) context.Context {
			w.spools[1].Close() // the copy fails as on EIO or ENOSPC
			return context.Background()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "c.tif")
			w, err := CreateCOG(name, COGOptions{WriterOptions: WriterOptions{Width: 100, Height: 100, Bands: 1, Type: Uint8, TileWidth: 64, TileHeight: 64}, Overviews: 1})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			for i := range w.NumTiles(0) {
				if err := w.WriteTile(ctx, i, make([]byte, w.TileBytes())); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.WriteOverviewTile(ctx, 1, 0, make([]byte, w.TileBytes())); err != nil {
				t.Fatal(err)
			}
			if err := w.CloseContext(tc.breakIt(w)); err == nil {
				t.Fatal("Close: no error")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("left behind: %d files", len(ents))
			}
		})
	}
}

// TestCOGOver4GiB writes a COG whose tiles start past 4 GiB (a sparse
// hole before them): BigTIFF is chosen from the real offsets, and GDAL's
// validator and reader accept the file.
func TestCOGOver4GiB(t *testing.T) {
	needGDALPython(t)
	name := filepath.Join(t.TempDir(), "c.tif")
	writeTestCOGGap(t, name, 300, 200, 2, 2, true, BigTIFFAuto, 1<<32)
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	f.Read(b)
	f.Close()
	if b[2] != 43 || st.Size() <= 1<<32 {
		t.Fatalf("version %d, size %d: want a BigTIFF over 4 GiB", b[2], st.Size())
	}
	validateCOG(t, name)
	out := runPython(t, `
import sys
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
b = ds.GetRasterBand(1)
a = b.GetOverview(1).ReadAsArray()
y, x = np.mgrid[0:50, 0:75]
print("ok" if (a == (2e6 + y * 75 + x).astype('f4')).all() else "bad")
`, name)
	if strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("python: %s", out)
	}
}
