package geotiff

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"
	"testing"
)

// TestPairMasks runs GDAL's pairing rules (ScanDirectories) on IFD lists
// described as strings: per IFD "kind:WxH:bands[:type]" with kind i image,
// o overview, m mask, n overview mask. want lists, per IFD, the index of
// its mask or -1.
func TestPairMasks(t *testing.T) {
	for _, tc := range []struct {
		name string
		ifds []string
		want []int
	}{
		{"image only", []string{"i:40x30:1"}, []int{-1}},
		{"image and mask", []string{"i:40x30:3", "m:40x30:1"}, []int{1, -1}},
		{"per-band mask", []string{"i:40x30:3", "m:40x30:3"}, []int{1, -1}},
		{"mask with 2 of 3 bands", []string{"i:40x30:3", "m:40x30:2"}, []int{-1, -1}},
		{"mask of the wrong size, then a good one", []string{"i:40x30:1", "m:20x30:1", "m:40x30:1"}, []int{2, -1, -1}},
		{"first good mask wins", []string{"i:40x30:1", "m:40x30:1", "m:40x30:1"}, []int{1, -1, -1}},
		{"UInt16 mask", []string{"i:40x30:1", "m:40x30:1:u16"}, []int{-1, -1}},
		{"GDAL layout", []string{"i:40x30:1", "m:40x30:1", "o:20x15:1", "o:10x8:1", "n:20x15:1", "n:10x8:1"},
			[]int{1, -1, 4, 5, -1, -1}},
		{"overview masks out of order", []string{"i:40x30:1", "o:20x15:1", "o:10x8:1", "n:10x8:1", "n:20x15:1"},
			[]int{-1, 4, 3, -1, -1}},
		{"overview mask before its overview", []string{"i:40x30:1", "n:20x15:1", "o:20x15:1"}, []int{-1, -1, -1}},
		{"overview with other band count is no overview", []string{"i:40x30:2", "o:20x15:1", "n:20x15:1"},
			[]int{-1, -1, -1}},
		{"two overviews of one size", []string{"i:40x30:1", "o:20x15:1", "o:20x15:1", "n:20x15:1", "n:20x15:1"},
			[]int{-1, 3, 4, -1, -1}},
		{"IFD 0 is a mask: the image is IFD 1", []string{"m:40x30:1", "i:40x30:1", "m:40x30:1"}, []int{-1, 0, -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Reader{}
			for i, s := range tc.ifds {
				var kind string
				var w, h, b int
				if _, err := fmt.Sscanf(s, "%1s:%dx%d:%d", &kind, &w, &h, &b); err != nil {
					t.Fatalf("bad IFD %q: %v", s, err)
				}
				im := &Image{Index: i, Width: w, Height: h, Bands: b, Type: Uint8}
				if strings.HasSuffix(s, ":u16") {
					im.Type = Uint16
				}
				im.SubfileType = map[string]uint32{"i": 0, "o": SubfileReduced, "m": SubfileMask,
					"n": SubfileMask | SubfileReduced}[kind]
				r.images = append(r.images, im)
			}
			r.pairMasks()
			for i, im := range r.images {
				got := -1
				if m := r.MaskFor(im); m != nil {
					got = m.Index
				}
				if got != tc.want[i] {
					t.Errorf("MaskFor(IFD %d) = %d, want %d", i, got, tc.want[i])
				}
			}
			if m := r.Image(); m.IsMask() || m.IsOverview() {
				t.Errorf("Image() is IFD %d, a mask or overview", m.Index)
			}
		})
	}
}

// TestMaskFixtures checks the masks of GDAL-made files (no GDAL needed):
// which IFD MaskFor finds for the image and each overview, and that each
// decodes to 0 and 255 with the invalid pixels GDAL wrote.
func TestMaskFixtures(t *testing.T) {
	for _, tc := range []struct {
		path    string
		masks   []int // mask IFD of the image, then of each overview in order; -1 none
		invalid []int // zero pixels in each of those masks
	}{
		{"ovr/overviews_mask.tif", []int{1, 4, 5}, []int{250, 60, 10}},
		{"mask/mask_rgb_strips.tif", []int{1}, []int{-1}},
		{"mask/mask_nodata_tiled.tif", []int{1}, []int{-1}},
		{"mask/mask_ovr_strips.tif", []int{1, 4, 5}, []int{-1, -1, -1}},
		{"mask/alpha_gray.tif", []int{-1}, nil},
		{"types/byte_none_p1.tif", []int{-1}, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r, err := Open(filepath.Join(fixturesDir, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ims := []*Image{r.Image()}
			for _, im := range r.Images() {
				if im.IsOverview() {
					ims = append(ims, im)
				}
			}
			if len(ims) != len(tc.masks) {
				t.Fatalf("%d images and overviews, want %d", len(ims), len(tc.masks))
			}
			for k, im := range ims {
				m := r.MaskFor(im)
				if tc.masks[k] < 0 {
					if m != nil {
						t.Errorf("IFD %d: mask IFD %d, want none", im.Index, m.Index)
					}
					continue
				}
				if m == nil || m.Index != tc.masks[k] {
					t.Fatalf("IFD %d: mask %v, want IFD %d", im.Index, m, tc.masks[k])
				}
				if r.MaskFor(m) != nil || m.Width != im.Width || m.Height != im.Height || m.Type != Uint8 {
					t.Errorf("mask IFD %d: %dx%d %v, a mask of its own %v", m.Index, m.Width, m.Height, m.Type, r.MaskFor(m))
				}
				buf, err := r.ReadWindow(m, image.Rect(0, 0, m.Width, m.Height), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				zeros := 0
				for _, v := range buf {
					switch v {
					case 0:
						zeros++
					case 255:
					default:
						t.Fatalf("mask IFD %d holds %d, want 0 or 255", m.Index, v)
					}
				}
				if zeros == 0 || (tc.invalid[k] >= 0 && zeros != tc.invalid[k]) {
					t.Errorf("mask IFD %d: %d invalid pixels, want %d", m.Index, zeros, tc.invalid[k])
				}
			}
		})
	}
}
