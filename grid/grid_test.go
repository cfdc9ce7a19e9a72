package grid

import (
	"errors"
	"image"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func north(x0, y0, res float64, w, h int) Grid {
	return Grid{T: [6]float64{x0, res, 0, y0, 0, -res}, Width: w, Height: h}
}

func TestOffset(t *testing.T) {
	ref := north(1000, 2000, 10, 100, 100)
	tests := []struct {
		name string
		g    Grid
		want image.Point
		err  string
	}{
		{"same", ref, image.Pt(0, 0), ""},
		{"right and down", north(1050, 1970, 10, 5, 5), image.Pt(5, 3), ""},
		{"left and up", north(980, 2010, 10, 5, 5), image.Pt(-2, -1), ""},
		{"within tolerance", north(1050.05, 1969.95, 10, 5, 5), image.Pt(5, 3), ""},
		{"half pixel", north(1005, 2000, 10, 5, 5), image.Point{}, "not on a pixel corner"},
		{"other resolution", north(1000, 2000, 20, 5, 5), image.Point{}, "pixel size"},
		{"rotated lattice", Grid{T: [6]float64{1000, 10, 1, 2000, 1, -10}, Width: 5, Height: 5}, image.Point{}, "orientation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Offset(ref, tt.g)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrNotAligned) {
					t.Fatalf("Offset = %v, %v; want error containing %q wrapping ErrNotAligned", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Offset = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	// A rotated lattice places a shifted copy of itself.
	rot := Grid{T: [6]float64{0, 8, 6, 0, 6, -8}, Width: 10, Height: 10}
	if got, err := Offset(rot, rot.Shift(3, -4, 2, 2)); err != nil || got != image.Pt(3, -4) {
		t.Fatalf("rotated Offset = %v, %v; want (3,-4)", got, err)
	}
}

func TestParseExtent(t *testing.T) {
	for _, e := range []Extent{Union, Intersection, First} {
		got, err := ParseExtent(e.String())
		if err != nil || got != e {
			t.Fatalf("ParseExtent(%q) = %v, %v", e.String(), got, err)
		}
	}
	if _, err := ParseExtent("all"); err == nil || !strings.Contains(err.Error(), "want union, intersection or first") {
		t.Fatalf("ParseExtent(all) = %v", err)
	}
}

func TestResolveExtents(t *testing.T) {
	a := north(0, 100, 1, 60, 50)   // x 0..60, y 50..100
	b := north(30, 120, 1, 50, 40)  // x 30..80, y 80..120
	c := north(200, 100, 1, 10, 10) // disjoint
	tests := []struct {
		name string
		ins  []Grid
		t    Target
		want Grid
		offs []image.Point
		err  string
	}{
		{"union", []Grid{a, b}, Target{}, north(0, 120, 1, 80, 70), []image.Point{{0, 20}, {30, 0}}, ""},
		{"intersection", []Grid{a, b}, Target{Extent: Intersection}, north(30, 100, 1, 30, 20), []image.Point{{-30, 0}, {0, -20}}, ""},
		{"first", []Grid{a, b}, Target{Extent: First}, a, []image.Point{{0, 0}, {30, -20}}, ""},
		{"empty intersection", []Grid{a, c}, Target{Extent: Intersection}, Grid{}, nil, "share no pixel"},
		{"te inside", []Grid{a, b}, Target{HasTE: true, TE: [4]float64{10, 60, 45, 90}}, north(10, 90, 1, 35, 30), []image.Point{{-10, -10}, {20, -30}}, ""},
		{"te beyond", []Grid{a}, Target{HasTE: true, TE: [4]float64{-5, 40, 65, 103}}, north(-5, 103, 1, 70, 63), []image.Point{{5, 3}}, ""},
		{"tr same", []Grid{a, b}, Target{TR: [2]float64{1, 1}}, north(0, 120, 1, 80, 70), []image.Point{{0, 20}, {30, 0}}, ""},
		{"te and tr", []Grid{a}, Target{HasTE: true, TE: [4]float64{2, 60, 12, 70}, TR: [2]float64{1, 1}}, north(2, 70, 1, 10, 10), []image.Point{{-2, -30}}, ""},
		{"ts same size", []Grid{a}, Target{TS: [2]int{60, 50}}, a, []image.Point{{0, 0}}, ""},
		{"ts width only", []Grid{a}, Target{TS: [2]int{60, 0}}, a, []image.Point{{0, 0}}, ""},
		{"tap", []Grid{north(0.5*4, 100, 1, 10, 10)}, Target{TR: [2]float64{1, 1}, TAP: true}, north(2, 100, 1, 10, 10), []image.Point{{0, 0}}, ""},
		{"te off lattice", []Grid{a}, Target{HasTE: true, TE: [4]float64{0.5, 60, 10.5, 70}}, Grid{}, nil, "Resolve does not resample"},
		{"tr other", []Grid{a}, Target{TR: [2]float64{2, 2}}, Grid{}, nil, "Resolve does not resample"},
		{"ts other", []Grid{a}, Target{TS: [2]int{30, 25}}, Grid{}, nil, "Resolve does not resample"},
		{"te min >= max", []Grid{a}, Target{HasTE: true, TE: [4]float64{10, 0, 5, 10}}, Grid{}, nil, "want xmin < xmax"},
		{"tr negative", []Grid{a}, Target{TR: [2]float64{-1, 1}}, Grid{}, nil, "want two resolutions > 0"},
		{"tap alone", []Grid{a}, Target{TAP: true}, Grid{}, nil, "-tap needs -tr"},
		{"tr and ts", []Grid{a}, Target{TR: [2]float64{1, 1}, TS: [2]int{1, 1}}, Grid{}, nil, "cannot be used together"},
		{"huge te", []Grid{a}, Target{HasTE: true, TE: [4]float64{0, 0, 1e12, 1}}, Grid{}, nil, "want 1 to"},
		{"not aligned input", []Grid{a, north(0.5, 100, 1, 5, 5)}, Target{}, Grid{}, nil, "input 2: grids are not pixel-aligned"},
		{"rotated with te", []Grid{{T: [6]float64{0, 1, 0.1, 0, 0.1, -1}, Width: 5, Height: 5}}, Target{HasTE: true, TE: [4]float64{0, -5, 5, 0}}, Grid{}, nil, "rotated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, offs, err := Resolve(tt.ins, tt.t)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Resolve = %v, %v; want error containing %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want || !slices.Equal(offs, tt.offs) {
				t.Fatalf("Resolve = %v %v %v; want %v %v", got, offs, err, tt.want, tt.offs)
			}
		})
	}
}

func TestIndexMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bounds := image.Rect(0, 0, 5000, 3000)
	var rects []image.Rectangle
	for range 2000 {
		x, y := rng.IntN(5200)-100, rng.IntN(3200)-100
		rects = append(rects, image.Rect(x, y, x+1+rng.IntN(300), y+1+rng.IntN(300)))
	}
	rects = append(rects, bounds, image.Rect(-10, -10, 6000, 4000))
	x := NewIndex(bounds, rects, 256)
	if x.Entries() > maxEntries*(len(rects)+1) {
		t.Fatalf("index holds %d entries for %d footprints", x.Entries(), len(rects))
	}
	var got, want []int
	for range 500 {
		qx, qy := rng.IntN(5000), rng.IntN(3000)
		q := image.Rect(qx, qy, qx+1+rng.IntN(600), qy+1+rng.IntN(600))
		got = x.Query(q, got)
		want = want[:0]
		for i, r := range rects {
			if r.Overlaps(q.Intersect(bounds)) {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Query(%v) = %v; want %v", q, got, want)
		}
	}
}

func TestIndexCoarsens(t *testing.T) {
	// 100 footprints each covering most of a large grid: the cells grow
	// until the lists are bounded.
	bounds := image.Rect(0, 0, 100000, 100000)
	var rects []image.Rectangle
	for i := range 100 {
		rects = append(rects, image.Rect(i, i, 99000, 99000))
	}
	x := NewIndex(bounds, rects, 256)
	if x.Entries() > maxEntries*(len(rects)+1) {
		t.Fatalf("index holds %d entries for %d footprints", x.Entries(), len(rects))
	}
	if got := x.Query(image.Rect(50, 50, 60, 60), nil); len(got) != 60 {
		t.Fatalf("Query found %d footprints; want 60", len(got))
	}
}
