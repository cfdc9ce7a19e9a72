package grid

import (
	"image"
	"math"
)

// An Interp computes the interpolating kernels (bilinear, cubic,
// cubicspline, lanczos) for one input of W×H pixels resampled through the
// axes X and Y, as gdalwarp's warp kernel does in one CRS (GDAL 3.6's
// gdalwarpkernel.cpp):
//
//   - The centre of an output pixel maps to the source coordinate
//     (x, y) = (X.Offset + (i+0.5)·X.Scale, ...). The output pixel is
//     empty unless 0 ≤ x ≤ W and 0 ≤ y ≤ H (with the 1e-10 allowance) and
//     the input pixel containing (x, y) is valid: gdalwarp takes only the
//     centre pixel's validity for the pixel's, whatever the kernel.
//   - When neither axis is downsampled by more than 1/0.95, bilinear takes
//     the 4 pixels around (x, y) and cubic the 16 (Catmull-Rom; it falls
//     back to bilinear within 2 pixels of the input's edge and when any of
//     the 16 is invalid). Invalid and outside pixels are left out and the
//     weights of the others renormalised; the pixel is empty when they sum
//     to less than 1e-5.
//   - Otherwise (and always for cubicspline) the kernel is gdalwarp's
//     general one: the filter, widened by the downsampling factor (its
//     scale, snapped to 1/n when within 0.05 of a whole factor n), over the
//     taps of gdalwarp's radius, invalid and outside pixels left out, and
//     the sum divided by the sum of the weights unless that is within 1e-5
//     of 1; the pixel is empty when the weights sum to less than 1e-6.
//   - lanczos is gdalwarp's GWKResampleOptimizedLanczos: the taps within 3
//     (scaled) pixels, its weights (which, when downsampling, gdalwarp takes
//     at whole-pixel distances from the pixel left of (above) the point,
//     whatever the offset), and the pixel empty when fewer than half the
//     taps are valid.
//   - An input 1 pixel wide or high takes the centre pixel.
type Interp struct {
	K    Kernel // Bilinear, Cubic, CubicSpline or Lanczos
	X, Y Axis   // output pixels to input coordinates
	W, H int    // the input's size
	// The filter along each axis: gdalwarp's scale (output pixels per
	// input pixel, ≤ 1 when downsampling), its first tap and radius.
	sx, sy         float64
	x0, rx, y0, ry int
	four           bool // gdalwarp's 4-sample formulas (bilinear, cubic)
}

// NewInterp returns the interpolation of kernel k (Bilinear, Cubic,
// CubicSpline or Lanczos) for an input of w×h pixels placed through the
// axes x and y, whose scales must be > 0.
func NewInterp(k Kernel, x, y Axis, w, h int) *Interp {
	p := &Interp{K: k, X: x, Y: y, W: w, H: h, sx: filterScale(x.Scale), sy: filterScale(y.Scale)}
	r := 1
	switch k {
	case Cubic, CubicSpline:
		r = 2
	case Lanczos:
		r = 3
	}
	p.x0, p.rx = filterTaps(r, p.sx)
	p.y0, p.ry = filterTaps(r, p.sy)
	p.four = (k == Bilinear || k == Cubic) && p.sx >= 0.95 && p.sy >= 0.95
	return p
}

// filterScale is gdalwarp's dfXScale for an axis of the given scale
// (input pixels per output pixel): its inverse, snapped to 1/n when it
// downsamples by within 0.05 of a whole factor n.
func filterScale(scale float64) float64 {
	s := 1 / scale
	if s < 1 {
		r := 1 / s
		if n := int(r + 0.5); math.Abs(r-float64(n)) < 0.05 {
			s = 1 / float64(n)
		}
	}
	return s
}

// filterTaps returns gdalwarp's first tap and radius (nFiltInitX,
// nXRadius) of a filter of radius r at scale s.
func filterTaps(r int, s float64) (first, radius int) {
	radius = r
	if s < 1 {
		radius = int(math.Ceil(float64(r) / s))
	}
	return (r+1)%2 - radius, radius
}

// support returns the source pixels [lo, hi) that the kernel of an output
// pixel centred at source coordinate c may read, unclipped.
func support(c float64, first, radius int) (lo, hi int) {
	b := int(math.Floor(c - 0.5))
	return b + min(first, -1), b + max(radius, 2) + 1
}

// SupportX returns the input columns [lo, hi) that output column i may
// read, unclipped.
func (p *Interp) SupportX(i int) (lo, hi int) {
	return support(p.X.Offset+(float64(i)+0.5)*p.X.Scale, p.x0, p.rx)
}

// SupportY returns the input rows [lo, hi) that output row i may read,
// unclipped.
func (p *Interp) SupportY(i int) (lo, hi int) {
	return support(p.Y.Offset+(float64(i)+0.5)*p.Y.Scale, p.y0, p.ry)
}

// RangeX returns the output columns [lo, hi) whose support meets the
// input columns [s0, s1).
func (p *Interp) RangeX(s0, s1 int) (lo, hi int) { return supportRange(p.X, p.SupportX, s0, s1) }

// RangeY returns the output rows [lo, hi) whose support meets the input
// rows [s0, s1).
func (p *Interp) RangeY(s0, s1 int) (lo, hi int) { return supportRange(p.Y, p.SupportY, s0, s1) }

func supportRange(a Axis, sup func(int) (int, int), s0, s1 int) (lo, hi int) {
	guess := func(s int) int { return int(math.Floor((float64(s)-a.Offset)/a.Scale - 0.5)) }
	// The first pixel whose support ends after s0.
	lo = guess(s0)
	for k := 0; k < 1<<20; k++ {
		if _, h := sup(lo - 1); h <= s0 {
			break
		}
		lo--
	}
	for k := 0; k < 1<<20; k++ {
		if _, h := sup(lo); h > s0 {
			break
		}
		lo++
	}
	// The first pixel whose support starts at s1 or later.
	hi = guess(s1)
	for k := 0; k < 1<<20; k++ {
		if l, _ := sup(hi - 1); l < s1 {
			break
		}
		hi--
	}
	for k := 0; k < 1<<20; k++ {
		if l, _ := sup(hi); l >= s1 {
			break
		}
		hi++
	}
	return lo, max(lo, hi)
}

// A Tap is the interpolation of one output column or row: the source
// coordinate of its centre and, for gdalwarp's general kernel, the input
// pixels [Lo, Hi) it weighs (clipped to the input) and their weights.
type Tap struct {
	C      float64
	Lo, Hi int
	Wt     []float64
}

// Taps returns the most input columns a [Tap] of TapX weighs.
func (p *Interp) Taps() int {
	if p.four {
		return 0
	}
	return p.rx - p.x0 + 1
}

// TapX returns the interpolation of output column i; its weights are
// appended to buf[:0].
func (p *Interp) TapX(i int, buf []float64) Tap {
	return p.tap(p.X.Offset+(float64(i)+0.5)*p.X.Scale, p.sx, p.x0, p.rx, p.W, buf)
}

// TapY returns the interpolation of output row i; its weights are
// appended to buf[:0].
func (p *Interp) TapY(i int, buf []float64) Tap {
	return p.tap(p.Y.Offset+(float64(i)+0.5)*p.Y.Scale, p.sy, p.y0, p.ry, p.H, buf)
}

func (p *Interp) tap(c, s float64, first, radius, n int, buf []float64) Tap {
	t := Tap{C: c}
	if p.four {
		return t
	}
	b := int(math.Floor(c - 0.5))
	d := c - 0.5 - float64(b)
	lo, hi := max(b+first, 0), min(b+radius, n-1)+1
	t.Lo, t.Hi, t.Wt = lo, max(lo, hi), buf[:0]
	if p.K == Lanczos {
		return lanczosTap(t, b, d, s)
	}
	for j := lo; j < hi; j++ {
		x := float64(j-b) - d
		if s < 1 {
			x *= s
		}
		t.Wt = append(t.Wt, p.filter(x))
	}
	return t
}

// filter is gdalwarp's weight function of the kernel at distance x.
func (p *Interp) filter(x float64) float64 {
	ax := math.Abs(x)
	switch p.K {
	case Bilinear:
		if ax <= 1 {
			return 1 - ax
		}
	case Cubic:
		x2 := float64(x * x)
		if ax <= 1 {
			return float64(x2*(1.5*ax-2.5)) + 1
		}
		if ax <= 2 {
			return float64(x2*(-0.5*ax+2.5)) - 4*ax + 2
		}
	case CubicSpline: // gdalwarp's GWKBSpline, 6 times the B-spline
		xp2, xp1, xm1 := x+2, x+1, x-1
		if xp2 <= 0 {
			return 0
		}
		v := float64(xp2 * xp2 * xp2)
		if xp1 > 0 {
			w := -4 * float64(xp1*xp1*xp1)
			if x > 0 {
				u := 6 * float64(x*x*x)
				if xm1 > 0 {
					u += -4 * float64(xm1*xm1*xm1)
				}
				w += u
			}
			v = w + v
		}
		return v
	}
	return 0
}

// At returns the kernel's value for the output pixel whose column and row
// interpolations are tx and ty (from TapX and TapY), from plane, the
// input's pixels in (row-major over in, NaN where invalid), which must
// hold the pixels the kernel reads (SupportX × SupportY, clipped to the
// input). It is NaN where gdalwarp leaves the pixel empty.
func (p *Interp) At(plane []float64, in image.Rectangle, tx, ty *Tap) float64 {
	x, y := tx.C, ty.C
	w, h := float64(p.W), float64(p.H)
	if !(x >= 0 && y >= 0) || x+nudge > w || y+nudge > h {
		return math.NaN()
	}
	cx, cy := min(int(x+nudge), p.W-1), min(int(y+nudge), p.H-1)
	stride := in.Dx()
	at := func(i, j int) float64 { return plane[(j-in.Min.Y)*stride+i-in.Min.X] }
	if v := at(cx, cy); v != v || p.W == 1 || p.H == 1 {
		return v
	}
	if p.K == Lanczos {
		return p.lanczos(plane, in, tx, ty)
	}
	if p.four {
		if p.K == Cubic {
			return p.cubic4(at, x, y)
		}
		return p.bilinear4(at, x, y)
	}
	return p.general(plane, in, tx, ty)
}

// bilinear4 is gdalwarp's GWKBilinearResample4Sample.
func (p *Interp) bilinear4(at func(i, j int) float64, x, y float64) float64 {
	ix, iy := int(math.Floor(x-0.5)), int(math.Floor(y-0.5))
	rx, ry := 1.5-(x-float64(ix)), 1.5-(y-float64(iy))
	if ix == -1 {
		ix, rx = 0, 1
	}
	if iy == -1 {
		iy, ry = 0, 1
	}
	div, acc := 0.0, 0.0
	add := func(i, j int, m float64) {
		if i >= 0 && i < p.W && j >= 0 && j < p.H {
			if v := at(i, j); v == v {
				div += m
				acc += float64(v * m)
			}
		}
	}
	add(ix, iy, float64(rx*ry))
	add(ix+1, iy, float64((1-rx)*ry))
	add(ix, iy+1, float64(rx*(1-ry)))
	add(ix+1, iy+1, float64((1-rx)*(1-ry)))
	switch {
	case div == 1:
		return acc
	case div < 0.00001:
		return math.NaN()
	}
	return acc / div
}

// cubicWeights is gdalwarp's GWKCubicComputeWeights.
func cubicWeights(x float64) [4]float64 {
	hx := 0.5 * x
	tx := 3.0 * x
	hx2 := float64(hx * x)
	return [4]float64{
		float64(hx * (-1 + float64(x*(2-x)))),
		1 + float64(hx2*(-5+tx)),
		float64(hx * (1 + float64(x*(4-tx)))),
		float64(hx2 * (-1 + x)),
	}
}

func convol4(a, b *[4]float64) float64 {
	return float64(a[0]*b[0]) + float64(a[1]*b[1]) + float64(a[2]*b[2]) + float64(a[3]*b[3])
}

// cubic4 is gdalwarp's GWKCubicResample4Sample.
func (p *Interp) cubic4(at func(i, j int) float64, x, y float64) float64 {
	ix, iy := int(x-0.5), int(y-0.5)
	if ix-1 < 0 || ix+2 >= p.W || iy-1 < 0 || iy+2 >= p.H {
		return p.bilinear4(at, x, y)
	}
	cx := cubicWeights(x - 0.5 - float64(ix))
	var rows [4]float64
	for j := -1; j < 3; j++ {
		var v [4]float64
		for i := range v {
			v[i] = at(ix-1+i, iy+j)
			if v[i] != v[i] {
				return p.bilinear4(at, x, y)
			}
		}
		rows[j+1] = convol4(&cx, &v)
	}
	cy := cubicWeights(y - 0.5 - float64(iy))
	return convol4(&cy, &rows)
}

// general is gdalwarp's GWKResample.
func (p *Interp) general(plane []float64, in image.Rectangle, tx, ty *Tap) float64 {
	stride := in.Dx()
	acc, accW := 0.0, 0.0
	for j := ty.Lo; j < ty.Hi; j++ {
		row := plane[(j-in.Min.Y)*stride+tx.Lo-in.Min.X : (j-in.Min.Y)*stride+tx.Hi-in.Min.X]
		s, sw := 0.0, 0.0
		for i, v := range row {
			if v == v {
				w := tx.Wt[i]
				s += float64(v * w)
				sw += w
			}
		}
		w1 := ty.Wt[j-ty.Lo]
		acc += float64(s * w1)
		accW += float64(sw * w1)
	}
	switch {
	case accW < 0.000001:
		return math.NaN()
	case accW < 0.99999 || accW > 1.00001:
		return acc / accW
	}
	return acc
}

// Window returns the input pixels the kernel reads for the output pixels
// r, clipped to the input.
func (p *Interp) Window(r image.Rectangle) image.Rectangle {
	x0, _ := p.SupportX(r.Min.X)
	_, x1 := p.SupportX(r.Max.X - 1)
	y0, _ := p.SupportY(r.Min.Y)
	_, y1 := p.SupportY(r.Max.Y - 1)
	return image.Rect(x0, y0, x1, y1).Intersect(image.Rect(0, 0, p.W, p.H))
}

// lanczosTap narrows t (the taps [Lo, Hi) around b, the pixel left of the
// centre, at offset d from it) to gdalwarp's Lanczos taps and weights: the
// taps within 3 pixels of the centre (upsampling, weights by gdalwarp's
// trigonometric identities) or within 3 scaled pixels of b (downsampling
// at scale s, weights of the whole distances).
func lanczosTap(t Tap, b int, d, s float64) Tap {
	i0, i1 := t.Lo-b, t.Hi-1-b
	if s < 1 {
		for float64(i0)*s < -3 {
			i0++
		}
		for float64(i1)*s > 3 {
			i1--
		}
		for i := i0; i <= i1; i++ {
			t.Wt = append(t.Wt, lanczosSinc(float64(i)*s))
		}
		t.Lo, t.Hi = b+i0, max(b+i0, b+i1+1)
		return t
	}
	for float64(i0)-d < -3 {
		i0++
	}
	for float64(i1)-d > 3 {
		i1--
	}
	s3 := math.Sin((-math.Pi / 3.0) * d)
	s3sq := float64(s3 * s3)
	c3 := math.Sqrt(1.0 - s3sq)
	spi := float64((3.0 - float64(4*s3sq)) * s3)
	a := float64(3.0 / (math.Pi * math.Pi) * spi)
	h := float64(float64(-0.5*a) * s3)
	c := float64(float64(0.8660254037844386*a) * c3)
	cst := [3]float64{float64(a * s3), h - c, h + c}
	for i := i0; i <= i1; i++ {
		x := float64(i) - d
		w := 1.0
		if x != 0 {
			w = cst[(i+3)%3] / float64(x*x)
		}
		t.Wt = append(t.Wt, w)
	}
	t.Lo, t.Hi = b+i0, max(b+i0, b+i1+1)
	return t
}

// lanczosSinc is gdalwarp's GWKLanczosSinc (radius 3).
func lanczosSinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	pix := math.Pi * x
	pixr := pix / 3
	return float64(math.Sin(pix)*math.Sin(pixr)) / float64(pix*pixr)
}

// lanczos is gdalwarp's GWKResampleOptimizedLanczos with a validity mask.
func (p *Interp) lanczos(plane []float64, in image.Rectangle, tx, ty *Tap) float64 {
	stride := in.Dx()
	acc, accW, n := 0.0, 0.0, 0
	for j := ty.Lo; j < ty.Hi; j++ {
		w1 := ty.Wt[j-ty.Lo]
		row := plane[(j-in.Min.Y)*stride+tx.Lo-in.Min.X : (j-in.Min.Y)*stride+tx.Hi-in.Min.X]
		for i, v := range row {
			if v == v {
				n++
				w2 := float64(w1 * tx.Wt[i])
				acc += float64(v * w2)
				accW += w2
			}
		}
	}
	switch {
	case accW < 0.000001 || n < (ty.Hi-ty.Lo)*(tx.Hi-tx.Lo)/2:
		return math.NaN()
	case accW < 0.99999 || accW > 1.00001:
		return acc * (1 / accW)
	}
	return acc
}
