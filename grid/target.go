package grid

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// A Target describes the output grid of a stack: an [Extent] and
// gdalwarp's target flags. The zero value is the union of the inputs on
// their common lattice.
type Target struct {
	// Extent chooses the inputs' union, intersection or the first input's
	// grid when no TE is given; with TR, TS or TAP it gives the extent
	// they apply to, as gdalwarp's computed extent does.
	Extent Extent
	// TE is -te xmin ymin xmax ymax, when HasTE.
	TE    [4]float64
	HasTE bool
	// TR is -tr xres yres (both > 0), or zero.
	TR [2]float64
	// TAP is -tap: the extent is snapped outwards to multiples of TR.
	TAP bool
	// TS is -ts width height, or zero; one of them 0 keeps the pixels
	// square, as in gdalwarp.
	TS [2]int
	// Resampling is -r: how inputs off the target grid's lattice are
	// resampled (see [Place]); Nearest by default, as in gdalwarp.
	Resampling Kernel
}

// Flags reports whether t sets any gdalwarp target flag.
func (t Target) Flags() bool { return t.HasTE || t.TR != [2]float64{} || t.TAP || t.TS != [2]int{} }

// Validate checks t on its own, before any input is read.
func (t Target) Validate() error {
	if t.Extent < Union || t.Extent > First {
		return fmt.Errorf("invalid extent %v: want union, intersection or first", t.Extent)
	}
	if t.HasTE {
		for _, v := range t.TE {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("-te %g %g %g %g: want finite coordinates", t.TE[0], t.TE[1], t.TE[2], t.TE[3])
			}
		}
		if !(t.TE[0] < t.TE[2]) || !(t.TE[1] < t.TE[3]) {
			return fmt.Errorf("-te %g %g %g %g: want xmin < xmax and ymin < ymax", t.TE[0], t.TE[1], t.TE[2], t.TE[3])
		}
	}
	if t.TR != [2]float64{} {
		for _, v := range t.TR {
			if !(v > 0) || math.IsInf(v, 0) {
				return fmt.Errorf("-tr %g %g: want two resolutions > 0", t.TR[0], t.TR[1])
			}
		}
	}
	if t.Resampling < Nearest || t.Resampling > Lanczos {
		return fmt.Errorf("invalid resampling method %v", t.Resampling)
	}
	if t.TAP && t.TR == [2]float64{} {
		return errors.New("-tap needs -tr: the target resolution the extent is aligned to")
	}
	if t.TS != [2]int{} {
		if t.TR != [2]float64{} {
			return errors.New("-tr and -ts cannot be used together (as in gdalwarp)")
		}
		if t.TS[0] < 0 || t.TS[1] < 0 || t.TS[0] > maxSize || t.TS[1] > maxSize {
			return fmt.Errorf("-ts %d %d: want sizes from 1 to %d (0 for one of them keeps square pixels)", t.TS[0], t.TS[1], maxSize)
		}
	}
	return nil
}

// An InputError reports that input Index (0-based) cannot be placed on the
// output grid.
type InputError struct {
	Index int
	Err   error
}

func (e *InputError) Error() string { return fmt.Sprintf("input %d: %v", e.Index+1, e.Err) }

func (e *InputError) Unwrap() error { return e.Err }

// ErrEmpty is wrapped by the error of [Resolve] when the inputs share no
// pixel and the extent is their intersection.
var ErrEmpty = errors.New("the inputs share no pixel")

// Resolve returns the output grid of inputs under t and, per input, the
// output pixel at which its pixel (0, 0) lies. Every input must lie on the
// lattice of the first (see [Offset]), and so must a target grid that t
// sets: it does not resample (see [Place]). Errors about one input are
// [*InputError]s.
func Resolve(inputs []Grid, t Target) (Grid, []image.Point, error) {
	if len(inputs) == 0 {
		return Grid{}, nil, errors.New("no inputs")
	}
	if err := t.Validate(); err != nil {
		return Grid{}, nil, err
	}
	ref := inputs[0]
	offs := make([]image.Point, len(inputs))
	for i, g := range inputs {
		if g.Width <= 0 || g.Height <= 0 {
			return Grid{}, nil, &InputError{i, fmt.Errorf("size %dx%d: want at least one pixel", g.Width, g.Height)}
		}
		if i == 0 {
			continue
		}
		off, err := Offset(ref, g)
		if err != nil {
			return Grid{}, nil, &InputError{i, err}
		}
		offs[i] = off
	}
	var r image.Rectangle
	for i, g := range inputs {
		fr := image.Rect(0, 0, g.Width, g.Height).Add(offs[i])
		switch {
		case i == 0:
			r = fr
		case t.Extent == Union:
			r = r.Union(fr)
		case t.Extent == Intersection:
			r = r.Intersect(fr)
			if r.Empty() {
				return Grid{}, nil, &InputError{i, fmt.Errorf("%w with --extent intersection: its footprint %v (pixels of the first input's grid) does not meet the intersection of the inputs before it", ErrEmpty, fr)}
			}
		}
	}
	if int64(r.Dx()) > maxSize || int64(r.Dy()) > maxSize {
		return Grid{}, nil, fmt.Errorf("the %v of the inputs is %dx%d pixels: want at most %d a side", t.Extent, r.Dx(), r.Dy(), maxSize)
	}
	out := ref.Shift(r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	if t.Flags() {
		var err error
		if out, err = t.target(out, ref); err != nil {
			return Grid{}, nil, err
		}
		o, err := Offset(ref, out)
		if err != nil {
			return Grid{}, nil, fmt.Errorf("the target grid %v is not on the inputs' pixel lattice (%v): %w; Resolve does not resample (Place does)", out, ref, err)
		}
		// The output's origin is the inputs' exact lattice point.
		out = ref.Shift(o.X, o.Y, out.Width, out.Height)
		r = image.Rect(o.X, o.Y, o.X+out.Width, o.Y+out.Height)
	}
	for i := range offs {
		offs[i] = offs[i].Sub(r.Min)
	}
	return out, offs, nil
}

// target applies the gdalwarp flags of t to ext, the grid of the chosen
// extent on the lattice of ref, as gdalwarp computes its output grid in
// the inputs' CRS.
func (t Target) target(ext, ref Grid) (Grid, error) {
	if ref.Rotated() || !(ref.T[1] > 0) || !(ref.T[5] < 0) {
		return Grid{}, fmt.Errorf("the inputs' geotransform %v is rotated or not north-up: -te, -tr, -tap and -ts need a north-up grid", ref)
	}
	minX, minY, maxX, maxY := ext.Bounds()
	return t.targetBounds(minX, minY, maxX, maxY, ref)
}

// targetBounds is target for the extent minX, minY, maxX, maxY.
func (t Target) targetBounds(minX, minY, maxX, maxY float64, ref Grid) (Grid, error) {
	if t.HasTE {
		minX, minY, maxX, maxY = t.TE[0], t.TE[1], t.TE[2], t.TE[3]
	}
	xres, yres := ref.T[1], -ref.T[5]
	var w, h float64
	switch {
	case t.TR != [2]float64{}:
		xres, yres = t.TR[0], t.TR[1]
		if t.TAP {
			minX, maxX = math.Floor(minX/xres)*xres, math.Ceil(maxX/xres)*xres
			minY, maxY = math.Floor(minY/yres)*yres, math.Ceil(maxY/yres)*yres
		}
		w, h = math.Trunc((maxX-minX+xres/2)/xres), math.Trunc((maxY-minY+yres/2)/yres)
	case t.TS[0] != 0 && t.TS[1] != 0:
		w, h = float64(t.TS[0]), float64(t.TS[1])
		xres, yres = (maxX-minX)/w, (maxY-minY)/h
	case t.TS[0] != 0:
		w = float64(t.TS[0])
		xres = (maxX - minX) / w
		yres = xres
		h = math.Trunc((maxY - minY + yres/2) / yres)
	case t.TS[1] != 0:
		h = float64(t.TS[1])
		yres = (maxY - minY) / h
		xres = yres
		w = math.Trunc((maxX - minX + xres/2) / xres)
	default: // -te alone: the inputs' resolution, stretched to fit the extent
		w, h = math.Trunc((maxX-minX+xres/2)/xres), math.Trunc((maxY-minY+yres/2)/yres)
		if w > 0 && h > 0 {
			xres, yres = (maxX-minX)/w, (maxY-minY)/h
		}
	}
	if !(w >= 1 && h >= 1) || w > maxSize || h > maxSize {
		return Grid{}, fmt.Errorf("the target grid would be %gx%g pixels (extent %g %g %g %g, resolution %g %g): want 1 to %d a side",
			w, h, minX, minY, maxX, maxY, xres, yres, maxSize)
	}
	return Grid{T: [6]float64{minX, xres, 0, maxY, 0, -yres}, Width: int(w), Height: int(h)}, nil
}
