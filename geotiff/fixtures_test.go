package geotiff

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixtures checks every file of ../testdata/fixtures.tsv like
// TestCorpus, and for the files that decode also their georeferencing:
// geotransform, EPSG code, nodata and GCPs as GDAL reports them.
// Regenerate the fixtures with ../testdata/make_fixtures.py.
func TestFixtures(t *testing.T) {
	rows := loadManifest(t, filepath.Join(fixturesDir, "fixtures.tsv"))
	tl := tally{}
	for _, row := range rows {
		path := row["path"]
		t.Run(path, func(t *testing.T) {
			exp := expect(row, strings.HasPrefix(path, "hostile/"))
			full := filepath.Join(fixturesDir, path)
			outcome, detail := checkFile(full, row, exp)
			// Where GDAL failed to read the georeferencing the manifest has
			// nothing to compare with.
			if outcome == outExact && !strings.Contains(row["features"], "gdal georef:") {
				if d := fixtureGeoref(full, row); d != "" {
					outcome, detail = outMismatch, d
				}
			}
			tl.add(outcome, path)
			if outcome == outMismatch {
				t.Errorf("want %v: %s", exp, detail)
			}
		})
	}
	t.Logf("fixtures: %d files: %v", len(rows), tl)
	for _, k := range []string{outUnsupported, outRejected} {
		t.Logf("%s: %s", k, strings.Join(tl[k], ", "))
	}
}

// fixtureGeoref opens path and compares its IFD 0 georeferencing with row.
func fixtureGeoref(path string, row manifestRow) string {
	r, err := Open(path)
	if err != nil {
		return err.Error()
	}
	defer r.Close()
	return checkGeoref(r.Images()[0], row)
}

// TestFixtureBands decodes every band of each fixture that should decode,
// one band at a time, and compares the concatenation with GDAL's
// gdal_bands_sha256: it covers the bands after the first, which the band-1
// checksum does not, in contig and planar-separate files.
func TestFixtureBands(t *testing.T) {
	rows := loadManifest(t, filepath.Join(fixturesDir, "fixtures.tsv"))
	checked := 0
	for _, row := range rows {
		path := row["path"]
		if expect(row, strings.HasPrefix(path, "hostile/")) != expectDecode || row["gdal_bands_sha256"] == "" {
			continue
		}
		t.Run(path, func(t *testing.T) {
			r, err := Open(filepath.Join(fixturesDir, path))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			im := r.Images()[0]
			h := sha256.New()
			for b := 0; b < im.Bands; b++ {
				buf, err := r.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), []int{b}, nil)
				if err != nil {
					t.Fatalf("band %d: %v", b+1, err)
				}
				h.Write(buf)
			}
			if got, want := hex.EncodeToString(h.Sum(nil)), row["gdal_bands_sha256"]; got != want {
				t.Errorf("%d bands: sha256 %s, GDAL %s", im.Bands, got, want)
			}
			checked++
		})
	}
	if checked == 0 {
		t.Error("no fixture checked")
	}
}

// TestFixtureWindows reads each decodable fixture whole, then checks that
// windows crossing block edges, with band subsets in any order, return the
// matching part of the whole.
func TestFixtureWindows(t *testing.T) {
	rows := loadManifest(t, filepath.Join(fixturesDir, "fixtures.tsv"))
	for _, row := range rows {
		path := row["path"]
		if expect(row, strings.HasPrefix(path, "hostile/")) != expectDecode {
			continue
		}
		t.Run(path, func(t *testing.T) {
			r, err := Open(filepath.Join(fixturesDir, path))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			im := r.Images()[0]
			whole, err := r.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			bandSets := [][]int{nil, {im.Bands - 1}}
			if im.Bands > 1 {
				bandSets = append(bandSets, []int{im.Bands - 1, 0})
			}
			for _, rect := range testWindows(im) {
				for _, bands := range bandSets {
					got, err := r.ReadWindow(im, rect, bands, nil)
					if err != nil {
						t.Fatalf("window %v bands %v: %v", rect, bands, err)
					}
					if want := cropWindow(whole, im, rect, bands); !bytes.Equal(got, want) {
						t.Fatalf("window %v bands %v differs from the whole image", rect, bands)
					}
				}
			}
		})
	}
}

// testWindows returns windows of im that start and end inside blocks,
// straddle block edges, and cover single pixels and corners.
func testWindows(im *Image) []image.Rectangle {
	w, h := im.Width, im.Height
	tw, th := min(im.TileWidth, w), min(im.TileHeight, h)
	cands := []image.Rectangle{
		image.Rect(0, 0, 1, 1),
		image.Rect(w-1, h-1, w, h),
		image.Rect(tw/2, th/2, min(w, tw+tw/2+1), min(h, th+th/2+1)),
		image.Rect(max(0, tw-1), max(0, th-1), min(w, tw+1), min(h, th+1)),
		image.Rect(w/3, 0, w, h/2+1),
		image.Rect(0, h/2, w/2+1, h),
	}
	var out []image.Rectangle
	for _, r := range cands {
		if !r.Empty() && r.In(image.Rect(0, 0, w, h)) {
			out = append(out, r)
		}
	}
	return out
}

// cropWindow extracts rect and bands (nil: all) from whole, a full
// pixel-interleaved read of im.
func cropWindow(whole []byte, im *Image, rect image.Rectangle, bands []int) []byte {
	if bands == nil {
		for b := 0; b < im.Bands; b++ {
			bands = append(bands, b)
		}
	}
	size := im.Type.Size()
	var out []byte
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			for _, b := range bands {
				o := ((y*im.Width+x)*im.Bands + b) * size
				out = append(out, whole[o:o+size]...)
			}
		}
	}
	return out
}

// TestFixtureDirectories checks what the manifest does not record: the
// GDAL_METADATA text, the overview and mask IFDs, and which image Image()
// picks.
func TestFixtureDirectories(t *testing.T) {
	for _, tc := range []struct {
		path     string
		metadata []string // substrings of IFD 0's GDAL_METADATA
		kinds    string   // per IFD: i image, m mask, o overview
	}{
		{"georef/gdal_metadata.tif", []string{`<Item name="GOMEAN_FIXTURE">`, `<Item name="OTHER" domain="custom_domain">x</Item>`,
			`<Item name="SCALE" sample="0" role="scale">0.5</Item>`, `<Item name="OFFSET" sample="0" role="offset">-10</Item>`}, "i"},
		{"ovr/overviews_mask.tif", nil, "imoomm"},
		{"ovr/overview_strips.tif", nil, "io"},
		{"types/byte_none_p1.tif", nil, "i"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r, err := Open(filepath.Join(fixturesDir, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var kinds []byte
			for _, im := range r.Images() {
				switch {
				case im.IsMask():
					kinds = append(kinds, 'm')
				case im.IsOverview():
					kinds = append(kinds, 'o')
				default:
					kinds = append(kinds, 'i')
				}
			}
			if string(kinds) != tc.kinds {
				t.Errorf("IFD kinds %q, want %q", kinds, tc.kinds)
			}
			if r.Image() != r.Images()[0] {
				t.Errorf("Image() is IFD %d, want 0", r.Image().Index)
			}
			md := r.Images()[0].Metadata
			for _, s := range tc.metadata {
				if !strings.Contains(md, s) {
					t.Errorf("GDAL_METADATA lacks %s:\n%s", s, md)
				}
			}
			if len(tc.metadata) == 0 && md != "" {
				t.Errorf("GDAL_METADATA = %q, want none", md)
			}
		})
	}
}
