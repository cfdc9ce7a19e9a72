package grid

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// An Axis maps output pixel indices along one axis to source pixel
// indices by nearest neighbour, as gdalwarp's -r near does in one CRS: the
// centre of output pixel i lies at source coordinate Offset + (i+0.5)·Scale,
// and the source pixel is that coordinate rounded down (after gdalwarp's
// 1e-10 nudge).
type Axis struct {
	Offset, Scale float64
}

// nudge is gdalwarp's allowance for coordinates a rounding error below a
// pixel edge.
const nudge = 1e-10

// Nearest returns the source pixel of output pixel i.
func (a Axis) Nearest(i int) int {
	return int(math.Floor(a.Offset + (float64(i)+0.5)*a.Scale + nudge))
}

// Range returns the output pixels [lo, hi) whose source pixel lies in
// [s0, s1); Scale must be > 0.
func (a Axis) Range(s0, s1 int) (lo, hi int) {
	first := func(s int) int { // the first output pixel whose source is >= s
		i := int(math.Ceil((float64(s)-nudge-a.Offset)/a.Scale - 0.5))
		for a.Nearest(i-1) >= s {
			i--
		}
		for a.Nearest(i) < s {
			i++
		}
		return i
	}
	lo, hi = first(s0), first(s1)
	return lo, max(lo, hi)
}

// A Placement locates one input on the output grid: its pixel (0, 0) at
// output pixel Off, or, when Resampled, through the nearest-neighbour axes
// X and Y. Foot is the output pixels the input covers.
type Placement struct {
	Off       image.Point
	Resampled bool
	X, Y      Axis
	Foot      image.Rectangle
}

// Place is [Resolve] that also resamples: when t sets the target grid
// (TE, TR or TS) and an input does not lie on its lattice, the input is
// placed through nearest-neighbour axes instead of an offset. Inputs and
// target must be north-up for that; the extent of inputs on different
// lattices is the union, intersection or first of their georeferenced
// bounds.
func Place(inputs []Grid, t Target) (Grid, []Placement, error) {
	out, offs, err := Resolve(inputs, t)
	if err == nil {
		ps := make([]Placement, len(inputs))
		for i, g := range inputs {
			ps[i] = Placement{Off: offs[i], Foot: image.Rect(0, 0, g.Width, g.Height).Add(offs[i]).Intersect(image.Rect(0, 0, out.Width, out.Height))}
		}
		return out, ps, nil
	}
	if !errors.Is(err, ErrNotAligned) || !(t.HasTE || t.TR != [2]float64{} || t.TS != [2]int{}) {
		return Grid{}, nil, err
	}
	for i, g := range inputs {
		if g.Rotated() || !(g.T[1] > 0) || !(g.T[5] < 0) {
			return Grid{}, nil, &InputError{i, fmt.Errorf("geotransform %v is rotated or not north-up: resampling needs north-up grids", g)}
		}
	}
	minX, minY, maxX, maxY := inputs[0].Bounds()
	for i, g := range inputs[1:] {
		a, b, c, d := g.Bounds()
		switch t.Extent {
		case Union:
			minX, minY, maxX, maxY = math.Min(minX, a), math.Min(minY, b), math.Max(maxX, c), math.Max(maxY, d)
		case Intersection:
			minX, minY, maxX, maxY = math.Max(minX, a), math.Max(minY, b), math.Min(maxX, c), math.Min(maxY, d)
			if !(minX < maxX && minY < maxY) && !t.HasTE {
				return Grid{}, nil, &InputError{i + 1, fmt.Errorf("%w with --extent intersection", ErrEmpty)}
			}
		}
	}
	out, err = t.targetBounds(minX, minY, maxX, maxY, inputs[0])
	if err != nil {
		return Grid{}, nil, err
	}
	whole := image.Rect(0, 0, out.Width, out.Height)
	ps := make([]Placement, len(inputs))
	for i, g := range inputs {
		if o, err := Offset(g, out); err == nil {
			off := image.Point{}.Sub(o)
			ps[i] = Placement{Off: off, Foot: image.Rect(0, 0, g.Width, g.Height).Add(off).Intersect(whole)}
			continue
		}
		x := Axis{Offset: (out.T[0] - g.T[0]) / g.T[1], Scale: out.T[1] / g.T[1]}
		y := Axis{Offset: (out.T[3] - g.T[3]) / g.T[5], Scale: out.T[5] / g.T[5]}
		x0, x1 := x.Range(0, g.Width)
		y0, y1 := y.Range(0, g.Height)
		if t.Resampling != Nearest && !t.Resampling.Interpolating() {
			x0, x1 = x.ClampedRange(0, g.Width, g.Width)
			y0, y1 = y.ClampedRange(0, g.Height, g.Height)
		}
		ps[i] = Placement{Resampled: true, X: x, Y: y, Foot: image.Rect(x0, y0, x1, y1).Intersect(whole)}
	}
	return out, ps, nil
}
