package geotiff

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gdalMaskScript reads, for each case, GDAL's mask band of every band of
// the file and compares it with the raw mask beside it (0 or 255 per
// pixel); it prints "OK name flags" or "FAIL name: why", and fails a file
// on any GDAL warning. With "ref" set it also writes a GDAL-made file of
// the same layout with an internal mask, for the tag comparison.
const gdalMaskScript = `
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
        want = np.frombuffer(open(case["raw"], "rb").read(), dtype=np.uint8).reshape(ds.RasterYSize, ds.RasterXSize)
        flags, bad = set(), ""
        for i in range(1, ds.RasterCount + 1):
            b = ds.GetRasterBand(i)
            flags.add(b.GetMaskFlags())
            got = b.GetMaskBand().ReadAsArray()
            if not np.array_equal(got, want):
                bad = "band %d: mask differs at %s (got %d)" % (i, np.argwhere(got != want)[0], got[tuple(np.argwhere(got != want)[0])])
        if bad:
            print("FAIL", case["name"] + ":", bad)
        elif msgs:
            print("FAIL", case["name"] + ": GDAL said", msgs)
        else:
            print("OK", case["name"], sorted(flags))
        if case.get("ref"):
            gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
            b1 = ds.GetRasterBand(1)
            opts = ["TILED=YES", "BLOCKXSIZE=%d" % b1.GetBlockSize()[0], "BLOCKYSIZE=%d" % b1.GetBlockSize()[1],
                "COMPRESS=DEFLATE", "INTERLEAVE=" + ds.GetMetadata("IMAGE_STRUCTURE").get("INTERLEAVE", "PIXEL"),
                "BIGTIFF=" + case["big"]]
            ref = gdal.GetDriverByName("GTiff").Create(case["ref"], ds.RasterXSize, ds.RasterYSize, ds.RasterCount, b1.DataType, opts)
            ref.CreateMaskBand(gdal.GMF_PER_DATASET)
            ref.GetRasterBand(1).GetMaskBand().WriteArray(want)
            ref = None
    except Exception as e:
        print("FAIL", case["name"] + ":", e)
`

// TestWriterMaskGDAL checks that GDAL's GetMaskBand of a file written with
// Mask is the validity written, for every band (GMF_PER_DATASET), and that
// the mask IFD holds the fields GDAL writes for an internal mask.
func TestWriterMaskGDAL(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	type maskCase struct {
		Name string `json:"name"`
		File string `json:"file"`
		Raw  string `json:"raw"`
		Ref  string `json:"ref"`
		Big  string `json:"big"`
	}
	var cases []maskCase
	for _, tc := range []struct {
		name string
		o    WriterOptions
	}{
		{"one band, edge tiles", WriterOptions{Width: 70, Height: 53, Bands: 1, Type: Float32}},
		{"whole tiles", WriterOptions{Width: 64, Height: 48, Bands: 1, Type: Uint8}},
		{"3 bands contig", WriterOptions{Width: 70, Height: 53, Bands: 3, Type: Int16, Compression: CompressionZSTD}},
		// The mask wins over nodata.
		{"3 bands separate, nodata", WriterOptions{Width: 70, Height: 53, Bands: 3, Type: Uint16, Planar: PlanarSeparate, HasNoData: true, NoData: 0}},
		{"BigTIFF separate", WriterOptions{Width: 70, Height: 53, Bands: 2, Type: Float64, Planar: PlanarSeparate, BigTIFF: BigTIFFYes}},
		{"big-endian, no compression", WriterOptions{Width: 33, Height: 17, Bands: 2, Type: Int32, Compression: CompressionNone, ByteOrder: binary.BigEndian}},
		{"all valid, all invalid tiles", WriterOptions{Width: 100, Height: 40, Bands: 1, Type: Uint8}},
	} {
		o := tc.o
		o.TileWidth, o.TileHeight, o.Mask, o.Workers = 32, 16, true, 2
		valid := testValid
		if strings.HasPrefix(tc.name, "all valid") {
			valid = func(x, y int) bool { return x < 64 }
		}
		file := filepath.Join(dir, fmt.Sprintf("m%d.tif", len(cases)))
		w, err := Create(file, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeRasterMask(w, testRaster(o.Type, o.Width, o.Height, o.Bands), valid, 3); err != nil {
			t.Fatal(err)
		}
		raw := make([]byte, o.Width*o.Height)
		for y := range o.Height {
			for x := range o.Width {
				if valid(x, y) {
					raw[y*o.Width+x] = 255
				}
			}
		}
		c := maskCase{Name: tc.name, File: file, Raw: file + ".raw", Ref: file + ".gdal.tif", Big: "NO"}
		if o.BigTIFF == BigTIFFYes {
			c.Big = "YES"
		}
		if err := os.WriteFile(c.Raw, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	manifest, _ := json.Marshal(cases)
	mf := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(mf, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(runPython(t, gdalMaskScript, mf))), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("GDAL checked %d files, want %d:\n%s", len(lines), len(cases), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		// GMF_PER_DATASET alone: the mask is the one written, not nodata
		// or alpha.
		if want := "OK " + cases[i].Name + " [2]"; l != want {
			t.Errorf("got %q, want %q", l, want)
		}
		compareMaskIFD(t, cases[i].File, cases[i].Ref)
	}
}

// compareMaskIFD checks that the mask IFD of ours has the fields of the
// mask IFD of ref, made by GDAL, but the tile offsets and byte counts.
func compareMaskIFD(t *testing.T, ours, ref string) {
	t.Helper()
	fields := func(name string) (string, bool) {
		r, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		ims := r.Images()
		if len(ims) != 2 {
			t.Fatalf("%s: %d images, want 2", filepath.Base(name), len(ims))
		}
		var b strings.Builder
		for _, f := range ims[1].Fields {
			if f.Tag != TagTileOffsets && f.Tag != TagTileByteCounts {
				fmt.Fprintf(&b, "%v %v %v; ", f.Tag, f.Type, f.Uints())
			} else {
				fmt.Fprintf(&b, "%v %d; ", f.Tag, f.Count)
			}
		}
		return b.String(), r.BigTIFF()
	}
	got, gotBig := fields(ours)
	want, wantBig := fields(ref)
	if got != want || gotBig != wantBig {
		t.Errorf("%s: mask IFD (BigTIFF %v)\n%s\nGDAL's (BigTIFF %v)\n%s", filepath.Base(ours), gotBig, got, wantBig, want)
	}
}

// TestWriterColorGDAL checks that GDAL sees the color interpretation of
// Photometric and ExtraSamples, and that it takes the alpha band of an
// RGBA or gray+alpha file as the mask of every band.
func TestWriterColorGDAL(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	const script = `
import sys
from osgeo import gdal
gdal.UseExceptions()
for fn in sys.argv[1:]:
    ds = gdal.Open(fn)
    bands = [ds.GetRasterBand(i) for i in range(1, ds.RasterCount + 1)]
    ci = [gdal.GetColorInterpretationName(b.GetColorInterpretation()) for b in bands]
    flags = sorted(set(b.GetMaskFlags() for b in bands[:-1] or bands))
    alpha = "-"
    if flags == [gdal.GMF_ALPHA | gdal.GMF_PER_DATASET]:
        alpha = str(bands[0].GetMaskBand().ReadRaster() == bands[-1].ReadRaster())
    print(",".join(ci), flags, alpha)
`
	var files []string
	var want []string
	for _, tc := range []struct {
		photometric int
		bands       int
		extra       []uint16
		want        string
	}{
		{0, 3, nil, "Gray,Undefined,Undefined [1] -"}, // GMF_ALL_VALID
		{PhotometricRGB, 3, nil, "Red,Green,Blue [1] -"},
		{PhotometricRGB, 4, []uint16{ExtraSampleUnassociatedAlpha}, "Red,Green,Blue,Alpha [6] True"},
		{PhotometricRGB, 4, []uint16{ExtraSampleAssociatedAlpha}, "Red,Green,Blue,Alpha [6] True"},
		{PhotometricRGB, 5, nil, "Red,Green,Blue,Undefined,Undefined [1] -"},
		{PhotometricMinIsBlack, 2, []uint16{ExtraSampleUnassociatedAlpha}, "Gray,Alpha [6] True"},
	} {
		o := WriterOptions{Width: 40, Height: 20, Bands: tc.bands, Type: Uint8, TileWidth: 16, TileHeight: 16,
			Photometric: tc.photometric, ExtraSamples: tc.extra}
		name := filepath.Join(dir, fmt.Sprintf("c%d.tif", len(files)))
		w, err := Create(name, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeRaster(w, testRaster(o.Type, o.Width, o.Height, o.Bands), 2); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
		want = append(want, tc.want)
	}
	got := strings.Split(strings.TrimSpace(string(runPython(t, script, files...))), "\n")
	if len(got) != len(want) {
		t.Fatalf("GDAL printed %q", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("file %d: GDAL sees %q, want %q", i, got[i], want[i])
		}
	}
}
