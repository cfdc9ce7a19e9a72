package grid

import (
	"image"
	"math"
	"testing"
)

func TestFilterScale(t *testing.T) {
	tests := []struct{ scale, want float64 }{
		{1, 1},
		{0.7, 1 / 0.7},
		{3, 1.0 / 3},
		{3.04, 1.0 / 3}, // within 0.05 of 3: snapped, as gdalwarp
		{2.5, 0.4},
		{2.9, 1 / 2.9},
	}
	for _, tt := range tests {
		if got := filterScale(tt.scale); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("filterScale(%v) = %v; want %v", tt.scale, got, tt.want)
		}
	}
	for _, tt := range []struct {
		r          int
		s          float64
		first, rad int
	}{{1, 1, 0 - 1, 1}, {2, 1, 1 - 2, 2}, {3, 1, -3, 3}, {1, 1.0 / 3, -3, 3}, {2, 0.4, 1 - 5, 5}, {3, 0.25, -12, 12}} {
		if f, r := filterTaps(tt.r, tt.s); f != tt.first || r != tt.rad {
			t.Errorf("filterTaps(%d, %v) = %d, %d; want %d, %d", tt.r, tt.s, f, r, tt.first, tt.rad)
		}
	}
}

// TestInterpRange checks that RangeX and RangeY find exactly the output
// pixels whose support meets a span of input pixels.
func TestInterpRange(t *testing.T) {
	for _, k := range []Kernel{Bilinear, Cubic, CubicSpline, Lanczos} {
		for _, a := range []Axis{{0, 1}, {0, 3}, {0.25, 1.0 / 3}, {-7.5, 2.5}, {12.3, 0.7}, {0.5, 1}} {
			p := NewInterp(k, a, a, 30, 30)
			for s0 := -3; s0 < 20; s0++ {
				for s1 := s0 + 1; s1 < 25; s1 += 3 {
					lo, hi := p.RangeX(s0, s1)
					for i := lo - 8; i < hi+8; i++ {
						l, h := p.SupportX(i)
						meets := l < s1 && h > s0
						if meets != (i >= lo && i < hi) {
							t.Fatalf("%v %+v RangeX(%d, %d) = [%d, %d) but pixel %d reads [%d, %d)", k, a, s0, s1, lo, hi, i, l, h)
						}
					}
				}
			}
		}
	}
}

// interpAll returns the kernel's values for every output pixel of an
// input plane of w×h pixels, resampled through axes x and y onto ow×oh
// pixels.
func interpAll(k Kernel, plane []float64, w, h int, x, y Axis, ow, oh int) []float64 {
	p := NewInterp(k, x, y, w, h)
	in := image.Rect(0, 0, w, h)
	out := make([]float64, ow*oh)
	for oy := range oh {
		ty := p.TapY(oy, nil)
		for ox := range ow {
			tx := p.TapX(ox, nil)
			out[oy*ow+ox] = p.At(plane, in, &tx, &ty)
		}
	}
	return out
}

// TestInterpValues checks the kernels on planes whose results are known:
// a constant plane stays constant everywhere the centre lies in the
// input (the weights are renormalised at the edges and around invalid
// pixels), a plane linear in x is reproduced by bilinear inside the input,
// a pixel whose centre pixel is invalid is empty whatever its neighbours,
// and pixels whose centre is outside the input are empty.
func TestInterpValues(t *testing.T) {
	const w, h = 23, 17
	axes := []struct {
		name   string
		x, y   Axis
		ow, oh int
	}{
		{"shift", Axis{0.25, 1}, Axis{-0.5, 1}, w + 2, h + 2},
		{"up 10:7", Axis{-1, 0.7}, Axis{0.3, 0.7}, 36, 26},
		{"down 3:1", Axis{0, 3}, Axis{-1.5, 3}, 9, 7},
		{"down 2.5:1", Axis{0.5, 2.5}, Axis{0, 2.5}, 10, 7},
		{"mixed", Axis{0, 3}, Axis{0.2, 0.5}, 9, 35},
	}
	for _, k := range []Kernel{Bilinear, Cubic, CubicSpline, Lanczos} {
		for _, ax := range axes {
			konst := make([]float64, w*h)
			ramp := make([]float64, w*h)
			for i := range konst {
				konst[i] = 7.5
				ramp[i] = float64(i%w) + 0.5
				if i%11 == 3 && k != Lanczos {
					konst[i] = math.NaN() // holes
				}
			}
			got := interpAll(k, konst, w, h, ax.x, ax.y, ax.ow, ax.oh)
			valid := 0
			for oy := range ax.oh {
				for ox := range ax.ow {
					v := got[oy*ax.ow+ox]
					cx, cy := ax.x.Offset+(float64(ox)+0.5)*ax.x.Scale, ax.y.Offset+(float64(oy)+0.5)*ax.y.Scale
					inside := cx >= 0 && cy >= 0 && cx+nudge <= w && cy+nudge <= h
					if !inside {
						if v == v {
							t.Fatalf("%v %s: pixel (%d, %d) centred outside the input at (%v, %v) = %v; want empty", k, ax.name, ox, oy, cx, cy, v)
						}
						continue
					}
					c := konst[min(int(cy+nudge), h-1)*w+min(int(cx+nudge), w-1)]
					if c != c {
						if v == v {
							t.Fatalf("%v %s: pixel (%d, %d) over an invalid centre pixel = %v; want empty", k, ax.name, ox, oy, v)
						}
						continue
					}
					if v == v {
						valid++
						if math.Abs(v-7.5) > 1e-9 {
							t.Fatalf("%v %s: pixel (%d, %d) of a constant plane = %v; want 7.5", k, ax.name, ox, oy, v)
						}
					}
				}
			}
			if valid == 0 {
				t.Fatalf("%v %s: no valid pixel", k, ax.name)
			}
			if k != Bilinear || ax.name == "down 2.5:1" {
				continue // a triangle sampled at a fractional width is not linear-exact
			}
			got = interpAll(k, ramp, w, h, ax.x, ax.y, ax.ow, ax.oh)
			for oy := range ax.oh {
				for ox := range ax.ow {
					cx := ax.x.Offset + (float64(ox)+0.5)*ax.x.Scale
					ty := ax.y.Offset + (float64(oy)+0.5)*ax.y.Scale
					// Away from the edges by the kernel's reach, bilinear
					// reproduces a linear plane.
					reach := math.Max(1, ax.x.Scale) + 1
					if cx < reach || cx > w-reach || ty < 0 || ty > h {
						continue
					}
					if v := got[oy*ax.ow+ox]; math.Abs(v-cx) > 1e-9 {
						t.Fatalf("bilinear %s: pixel (%d, %d) of a ramp = %v; want %v", ax.name, ox, oy, v, cx)
					}
				}
			}
		}
	}
}

// TestInterpKnown checks single values against gdalwarp's formulas worked
// by hand.
func TestInterpKnown(t *testing.T) {
	// 4×4 input, values 0..15 row by row; pixel 5 (x 1, y 1) invalid.
	plane := make([]float64, 16)
	for i := range plane {
		plane[i] = float64(i)
	}
	plane[5] = math.NaN()
	in := image.Rect(0, 0, 4, 4)
	at := func(k Kernel, x, y float64) float64 {
		p := NewInterp(k, Axis{x - 0.5, 1}, Axis{y - 0.5, 1}, 4, 4)
		tx, ty := p.TapX(0, nil), p.TapY(0, nil)
		return p.At(plane, in, &tx, &ty)
	}
	tests := []struct {
		k    Kernel
		x, y float64
		want float64
	}{
		// Between pixels 2, 3 (row 0) and 6, 7 (row 1), a quarter across.
		{Bilinear, 2.75, 0.5, 0.75*2 + 0.25*3},
		{Bilinear, 2.75, 1.5, 0.75*6 + 0.25*7},
		// Pixel 5 invalid: the other three renormalised.
		{Bilinear, 2.1, 1.9, (0.6*0.6*6 + 0.4*0.4*9 + 0.6*0.4*10) / (0.6*0.6 + 0.4*0.4 + 0.6*0.4)},
		// The centre pixel invalid: empty.
		{Bilinear, 1.5, 1.5, math.NaN()},
		{Cubic, 1.2, 1.3, math.NaN()},
		// The first half pixel takes the first pixel alone.
		{Bilinear, 0.25, 3.5, 12},
		// Near the edge cubic is bilinear.
		{Cubic, 3.25, 2.5, 0.25*10 + 0.75*11},
		// At a pixel centre: that pixel.
		{Cubic, 2.5, 2.5, 10},
	}
	for _, tt := range tests {
		got := at(tt.k, tt.x, tt.y)
		if !(math.Abs(got-tt.want) < 1e-12 || got != got && tt.want != tt.want) {
			t.Errorf("%v at (%v, %v) = %v; want %v", tt.k, tt.x, tt.y, got, tt.want)
		}
	}
	// Catmull-Rom weights sum to 1 and interpolate at whole offsets.
	for _, d := range []float64{0, 0.25, 0.5, 0.9} {
		c := cubicWeights(d)
		if s := c[0] + c[1] + c[2] + c[3]; math.Abs(s-1) > 1e-15 {
			t.Errorf("cubic weights at %v sum to %v", d, s)
		}
	}
	if c := cubicWeights(0); c != [4]float64{0, 1, 0, 0} {
		t.Errorf("cubic weights at 0 = %v", c)
	}
}

// TestLanczosWeights checks gdalwarp's trigonometric shortcut for the
// Lanczos weights against the windowed sinc itself, and the taps kept.
func TestLanczosWeights(t *testing.T) {
	for _, d := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.999} {
		tp := lanczosTap(Tap{Lo: 10 - 3, Hi: 10 + 4}, 10, d, 1)
		for j := tp.Lo; j < tp.Hi; j++ {
			x := float64(j-10) - d
			if math.Abs(x) > 3 {
				t.Fatalf("offset %v: tap %d at distance %v kept", d, j, x)
			}
			if w := tp.Wt[j-tp.Lo]; math.Abs(w-lanczosSinc(x)) > 1e-12 {
				t.Fatalf("offset %v: weight at %v = %v; want %v", d, x, w, lanczosSinc(x))
			}
		}
	}
	// Downsampling 3:1: taps within 3 scaled pixels, weights at whole
	// distances whatever the offset, as gdalwarp.
	tp := lanczosTap(Tap{Lo: 100 - 9, Hi: 100 + 10}, 100, 0.4, 1.0/3)
	if tp.Lo != 91 || tp.Hi != 110 || len(tp.Wt) != 19 {
		t.Fatalf("3:1 taps [%d, %d) with %d weights; want [91, 110) with 19", tp.Lo, tp.Hi, len(tp.Wt))
	}
	if tp.Wt[9] != 1 || math.Abs(tp.Wt[12]-lanczosSinc(1)) > 1e-15 {
		t.Fatalf("3:1 weights %v", tp.Wt)
	}
}
