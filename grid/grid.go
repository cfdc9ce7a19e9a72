// Package grid is the pixel-grid math of stacks whose inputs do not share
// one grid: where each input lies on a common output grid, the output grid
// a stack and gdalwarp's target flags (-te, -tr, -tap, -ts) define, and an
// index of the inputs' footprints by output tile.
//
// A grid is a size and a GDAL geotransform (an affine map from pixel to
// georeferenced coordinates). It knows nothing of TIFF or of reductions.
package grid

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// Tolerance is how far, in pixels, an input's origin may lie from the
// nearest pixel corner of another grid for both to count as one lattice.
const Tolerance = 0.01

// ErrNotAligned is wrapped by the errors of [Offset] and [Resolve] when a
// grid does not lie on the pixel lattice of another: it would have to be
// resampled.
var ErrNotAligned = errors.New("grids are not pixel-aligned")

// A Grid is a Width×Height raster whose pixel (col, row) has its top-left
// corner at (T[0] + col·T[1] + row·T[2], T[3] + col·T[4] + row·T[5]).
type Grid struct {
	T             [6]float64
	Width, Height int
}

// Rotated reports whether g has rotation or shear terms.
func (g Grid) Rotated() bool { return g.T[2] != 0 || g.T[4] != 0 }

// Bounds returns the extent of a grid without rotation: the smallest and
// largest x and y of its corners.
func (g Grid) Bounds() (xmin, ymin, xmax, ymax float64) {
	x0, y0 := g.T[0], g.T[3]
	x1, y1 := g.T[0]+float64(g.Width)*g.T[1]+float64(g.Height)*g.T[2], g.T[3]+float64(g.Width)*g.T[4]+float64(g.Height)*g.T[5]
	return math.Min(x0, x1), math.Min(y0, y1), math.Max(x0, x1), math.Max(y0, y1)
}

// pixelSize returns the length of a pixel's longer side.
func (g Grid) pixelSize() float64 {
	return math.Max(math.Hypot(g.T[1], g.T[4]), math.Hypot(g.T[2], g.T[5]))
}

// Shift returns g with its origin moved to its own pixel (dx, dy) and the
// given size.
func (g Grid) Shift(dx, dy, width, height int) Grid {
	t := g.T
	t[0] += float64(dx)*g.T[1] + float64(dy)*g.T[2]
	t[3] += float64(dx)*g.T[4] + float64(dy)*g.T[5]
	return Grid{T: t, Width: width, Height: height}
}

// String formats g as "WxH [t0, t1, t2, t3, t4, t5]".
func (g Grid) String() string {
	return fmt.Sprintf("%dx%d [%.10g, %.10g, %.10g, %.10g, %.10g, %.10g]", g.Width, g.Height,
		g.T[0], g.T[1], g.T[2], g.T[3], g.T[4], g.T[5])
}

// Offset returns the pixel of ref at which pixel (0, 0) of g lies, when g
// lies on ref's lattice: the same pixel size and orientation (the four
// linear terms agree within [Tolerance] of a pixel over g's size) and an
// origin within Tolerance of a pixel corner of ref. Otherwise the error
// wraps [ErrNotAligned] and says what differs.
func Offset(ref, g Grid) (image.Point, error) {
	a, b := ref.T, g.T
	det := a[1]*a[5] - a[2]*a[4]
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return image.Point{}, fmt.Errorf("degenerate geotransform %v", a)
	}
	px := ref.pixelSize()
	n := float64(max(g.Width, g.Height, 1))
	for _, k := range []int{1, 2, 4, 5} {
		if !(math.Abs(a[k]-b[k])*n <= Tolerance*px) {
			return image.Point{}, fmt.Errorf("%w: pixel size or orientation [%.10g %.10g %.10g %.10g] differs from [%.10g %.10g %.10g %.10g]",
				ErrNotAligned, b[1], b[2], b[4], b[5], a[1], a[2], a[4], a[5])
		}
	}
	// Invert ref's linear part on the difference of the origins.
	ex, ey := b[0]-a[0], b[3]-a[3]
	col := (ex*a[5] - ey*a[2]) / det
	row := (ey*a[1] - ex*a[4]) / det
	c, r := math.Round(col), math.Round(row)
	if !(math.Abs(col-c) <= Tolerance && math.Abs(row-r) <= Tolerance) {
		return image.Point{}, fmt.Errorf("%w: origin lies at pixel (%.4f, %.4f) of the target grid, not on a pixel corner",
			ErrNotAligned, col, row)
	}
	if math.Abs(c) > maxSize || math.Abs(r) > maxSize {
		return image.Point{}, fmt.Errorf("origin lies at pixel (%.0f, %.0f) of the target grid: want within %d pixels", c, r, maxSize)
	}
	return image.Pt(int(c), int(r)), nil
}

// maxSize bounds the size and offsets of a grid, in pixels (GDAL's own
// limit on raster sizes is 2^31-1).
const maxSize = math.MaxInt32

// An Extent chooses the output grid of a stack on one lattice.
type Extent int

// Extents.
const (
	Union        Extent = iota // every pixel of some input (gdalwarp's default for several inputs)
	Intersection               // the pixels of every input
	First                      // the first input's grid
)

var extentNames = []string{"union", "intersection", "first"}

// String returns the name ParseExtent accepts.
func (e Extent) String() string {
	if e >= 0 && int(e) < len(extentNames) {
		return extentNames[e]
	}
	return fmt.Sprintf("Extent(%d)", int(e))
}

// ParseExtent parses "union", "intersection" or "first".
func ParseExtent(s string) (Extent, error) {
	for i, n := range extentNames {
		if s == n {
			return Extent(i), nil
		}
	}
	return 0, fmt.Errorf("invalid extent %q: want union, intersection or first", s)
}
