package grid

import (
	"fmt"
	"math"
	"strings"
)

// A Kernel is a resampling method, as gdalwarp's -r names it.
type Kernel int

// Kernels.
const (
	Nearest     Kernel = iota // the input pixel under the output pixel's centre
	Average                   // the mean of the valid input pixels the output pixel overlaps, weighted by overlap
	Min                       // the least valid input pixel the output pixel overlaps
	Max                       // the greatest valid input pixel the output pixel overlaps
	Mode                      // the most frequent valid input pixel the output pixel overlaps
	Bilinear                  // gdalwarp's bilinear interpolation (a triangle filter widened when downsampling)
	Cubic                     // gdalwarp's cubic convolution (Catmull-Rom), widened when downsampling
	CubicSpline               // gdalwarp's cubic B-spline, widened when downsampling
	Lanczos                   // gdalwarp's Lanczos windowed sinc of radius 3, widened when downsampling
)

var kernelNames = []string{"near", "average", "min", "max", "mode", "bilinear", "cubic", "cubicspline", "lanczos"}

// Interpolating reports whether k weighs the input pixels around the
// centre of an output pixel (bilinear, cubic, cubicspline, lanczos), rather than
// taking the input pixels its cell overlaps (average, min, max, mode) or
// the one under its centre (near).
func (k Kernel) Interpolating() bool { return k >= Bilinear && k <= Lanczos }

// String returns gdalwarp's name of k.
func (k Kernel) String() string {
	if k >= 0 && int(k) < len(kernelNames) {
		return kernelNames[k]
	}
	return fmt.Sprintf("Kernel(%d)", int(k))
}

const kernelList = "near, bilinear, cubic, cubicspline, lanczos, average, min, max or mode"

// ParseKernel parses gdalwarp's -r names this package implements
// ("nearest" is "near").
func ParseKernel(s string) (Kernel, error) {
	s = strings.ToLower(s)
	if s == "nearest" {
		return Nearest, nil
	}
	for i, n := range kernelNames {
		if s == n {
			return Kernel(i), nil
		}
	}
	switch s {
	case "med", "q1", "q3", "sum", "rms":
		return 0, fmt.Errorf("resampling method %q is not implemented: want %s", s, kernelList)
	}
	return 0, fmt.Errorf("invalid resampling method %q: want %s", s, kernelList)
}

// Cell returns the input pixels [lo, hi) that output pixel i overlaps, as
// gdalwarp's average, min and max kernels take them: from the pixel under
// its left (top) edge to the one under its right (bottom) edge, at least
// one, with gdalwarp's 1e-10 allowance at pixel edges.
func (a Axis) Cell(i int) (lo, hi int) {
	x0 := a.Offset + float64(float64(i)*a.Scale) // rounded product: no fused multiply-add on arm64
	x1 := x0 + a.Scale
	lo, hi = int(math.Floor(x0+nudge)), int(math.Ceil(x1-nudge))
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// ClampedCell is Cell clipped to an input of n pixels, as gdalwarp clips
// it: the start is raised to 0 and the end lowered to n, and a cell left
// empty by that at the start of the input (one that ends within a pixel
// before it) takes its first pixel. The result is empty (lo >= hi) for
// cells outside the input.
func (a Axis) ClampedCell(i, n int) (lo, hi int) {
	x0 := a.Offset + float64(float64(i)*a.Scale) // rounded product: no fused multiply-add on arm64
	x1 := x0 + a.Scale
	lo, hi = max(int(math.Floor(x0+nudge)), 0), min(int(math.Ceil(x1-nudge)), n)
	if lo == hi && hi < n {
		hi++
	}
	return lo, hi
}

// ClampedRange is CellRange for the clamped cells of an input of n
// pixels (see [Axis.ClampedCell]): the output pixels whose clamped cells
// meet the input pixels [s0, s1).
func (a Axis) ClampedRange(s0, s1, n int) (lo, hi int) {
	lo, hi = a.CellRange(s0, s1)
	if s0 > 0 || lo >= hi {
		return lo, hi
	}
	for k := 0; k < 1<<20; k++ {
		if l, h := a.ClampedCell(lo-1, n); l >= h || l >= s1 {
			break
		}
		lo--
	}
	return lo, hi
}

// Weight returns how much of input pixel j output pixel i overlaps, in
// input pixels (the whole output pixel's width when it lies inside j).
func (a Axis) Weight(i, j int) float64 {
	x0 := a.Offset + float64(float64(i)*a.Scale) // rounded product: no fused multiply-add on arm64
	x1 := x0 + a.Scale
	return math.Max(0, math.Min(float64(j+1), x1)-math.Max(float64(j), x0))
}

// EdgeWeight is the weight gdalwarp's average gives input pixel j of the
// cell of output pixel i once the cell is clipped to the input, [lo, hi):
// the first pixel weighs from the cell's start to its right edge, the last
// from its left edge to the cell's end, the others 1. Where the cell
// reaches past the input the clipped edge pixel takes the weight of the
// part outside too, as gdalwarp does.
func (a Axis) EdgeWeight(i, j, lo, hi int) float64 {
	x0 := a.Offset + float64(float64(i)*a.Scale) // rounded product: no fused multiply-add on arm64
	switch {
	case j == lo:
		return float64(lo+1) - x0
	case j == hi-1:
		return x0 + a.Scale - float64(j)
	}
	return 1
}

// CellRange returns the output pixels [lo, hi) whose cells meet the input
// pixels [s0, s1); Scale must be > 0.
func (a Axis) CellRange(s0, s1 int) (lo, hi int) {
	// The first output pixel whose cell ends after s0, and the first whose
	// cell starts at s1 or later.
	lo = int(math.Floor((float64(s0)-a.Offset)/a.Scale)) - 1
	for {
		if _, h := a.Cell(lo); h > s0 {
			break
		}
		lo++
	}
	for lo > math.MinInt32 {
		if _, h := a.Cell(lo - 1); h <= s0 {
			break
		}
		lo--
	}
	hi = int(math.Floor((float64(s1)-a.Offset)/a.Scale)) - 1
	for {
		if l, _ := a.Cell(hi); l >= s1 {
			break
		}
		hi++
	}
	for hi > lo {
		if l, _ := a.Cell(hi - 1); l < s1 {
			break
		}
		hi--
	}
	return lo, max(lo, hi)
}
