package grid

import (
	"image"
	"math"
	"strings"
	"testing"
)

func TestAxisRange(t *testing.T) {
	for _, a := range []Axis{{0, 1}, {0, 3}, {0.25, 1.0 / 3}, {-7.5, 2}, {12.3, 0.7}, {0, 2}} {
		for s0 := -3; s0 < 20; s0++ {
			for s1 := s0; s1 < 25; s1 += 3 {
				lo, hi := a.Range(s0, s1)
				for i := lo - 5; i < hi+5; i++ {
					n := a.Nearest(i)
					in := i >= lo && i < hi
					if in != (n >= s0 && n < s1) {
						t.Fatalf("%+v Range(%d, %d) = [%d, %d) but pixel %d maps to %d", a, s0, s1, lo, hi, i, n)
					}
				}
			}
		}
	}
}

func TestPlace(t *testing.T) {
	a := north(0, 100, 10, 10, 10) // x 0..100, y 0..100
	b := north(0, 100, 30, 4, 4)   // x 0..120, y -20..100
	// Aligned inputs: Resolve's offsets.
	out, ps, err := Place([]Grid{a, north(20, 80, 10, 3, 3)}, Target{})
	if err != nil || out != a || ps[1].Resampled || ps[1].Off != image.Pt(2, 2) || ps[1].Foot != image.Rect(2, 2, 5, 5) {
		t.Fatalf("Place aligned = %v %+v %v", out, ps, err)
	}
	// Without a target grid, another resolution is an error.
	if _, _, err := Place([]Grid{a, b}, Target{}); err == nil {
		t.Fatal("Place of two resolutions without a target: no error")
	}
	// With -tr 10 10 over the union, b is resampled 3:1.
	out, ps, err = Place([]Grid{a, b}, Target{TR: [2]float64{10, 10}})
	if err != nil {
		t.Fatal(err)
	}
	if want := north(0, 100, 10, 12, 12); out != want {
		t.Fatalf("output %v; want %v", out, want)
	}
	if ps[0].Resampled || ps[0].Foot != image.Rect(0, 0, 10, 10) || !ps[1].Resampled || ps[1].Foot != image.Rect(0, 0, 12, 12) {
		t.Fatalf("placements %+v", ps)
	}
	for i, want := range []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3} {
		if got := ps[1].X.Nearest(i); got != want {
			t.Fatalf("column %d maps to %d; want %d", i, got, want)
		}
	}
}

func TestAxisCells(t *testing.T) {
	for _, a := range []Axis{{0, 3}, {0.5, 3}, {0, 1.0 / 3}, {-7.25, 2.5}, {12.3, 0.7}, {0, 1}} {
		for i := -5; i < 30; i++ {
			lo, hi := a.Cell(i)
			if hi <= lo {
				t.Fatalf("%+v Cell(%d) = [%d, %d)", a, i, lo, hi)
			}
			sum := 0.0
			for j := lo; j < hi; j++ {
				sum += a.Weight(i, j)
			}
			if math.Abs(sum-a.Scale) > 1e-9 {
				t.Fatalf("%+v: weights of pixel %d sum to %v; want %v", a, i, sum, a.Scale)
			}
		}
		for s0 := -3; s0 < 20; s0++ {
			for s1 := s0 + 1; s1 < 25; s1 += 4 {
				lo, hi := a.CellRange(s0, s1)
				for i := lo - 6; i < hi+6; i++ {
					l, h := a.Cell(i)
					meets := l < s1 && h > s0
					if meets != (i >= lo && i < hi) {
						t.Fatalf("%+v CellRange(%d, %d) = [%d, %d) but cell %d is [%d, %d)", a, s0, s1, lo, hi, i, l, h)
					}
				}
			}
		}
	}
	for _, s := range []string{"near", "nearest", "average", "min", "max", "mode", "bilinear", "cubic", "cubicspline", "lanczos"} {
		if _, err := ParseKernel(s); err != nil {
			t.Errorf("ParseKernel(%q): %v", s, err)
		}
	}
	if _, err := ParseKernel("med"); err == nil || !strings.Contains(err.Error(), "not implemented") {
		t.Errorf("ParseKernel(med) = %v", err)
	}
}

func TestEdgeWeight(t *testing.T) {
	a := Axis{Offset: 0.5, Scale: 3} // cell of pixel 0: [0.5, 3.5)
	for j, want := range map[int]float64{0: 0.5, 1: 1, 2: 1, 3: 0.5} {
		if got := a.EdgeWeight(0, j, 0, 4); got != want {
			t.Errorf("EdgeWeight(0, %d) = %v; want %v", j, got, want)
		}
	}
	// Clipped at an input ending at 3: the last pixel takes the cell's rest.
	if got := a.EdgeWeight(0, 2, 0, 3); got != 1.5 {
		t.Errorf("clipped EdgeWeight = %v; want 1.5", got)
	}
}
