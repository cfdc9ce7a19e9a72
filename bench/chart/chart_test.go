package main

import (
	"testing"

	"github.com/gomean/gomean/bench/internal/results"
)

func TestNiceScale(t *testing.T) {
	tests := []struct{ v, max, step float64 }{
		{14.9, 16, 2}, {8.7, 9, 1}, {0.9, 0.9, 0.1}, {120, 120, 20}, {0, 1, 0.2},
	}
	for _, tc := range tests {
		m, s := niceScale(tc.v)
		if m < tc.v || s <= 0 || m/s > 10.0001 {
			t.Errorf("niceScale(%v) = %v, %v: want max >= v and at most 10 ticks", tc.v, m, s)
		}
		if tc.v > 0 && (m != tc.max && (m-tc.max)/tc.max > 1e-9 || s != tc.step && (s-tc.step)/tc.step > 1e-9) {
			t.Errorf("niceScale(%v) = %v, %v, want %v, %v", tc.v, m, s, tc.max, tc.step)
		}
	}
}

func TestDrawSeries(t *testing.T) {
	sum := []results.Summary{{Config: "a1", Wall: 4}, {Config: "a2", Wall: 2}, {Config: "b2", Wall: 8}}
	ss, err := parseSeries([]string{"A=a1@1,a2@2", "B=b1@1,b2@2", "C=zz@1"}, sum)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || len(ss[0].points) != 2 || len(ss[1].points) != 1 {
		t.Fatalf("got series %+v: want A with 2 points, B with 1, no C", ss)
	}
	img := draw(ss, "t", "n")
	found := map[int]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			for i := range ss {
				if img.RGBAAt(x, y) == palette[i] {
					found[i] = true
				}
			}
		}
	}
	if !found[0] || !found[1] {
		t.Errorf("series colours drawn: %v, want both", found)
	}
	for _, bad := range []string{"noequals", "A=a1", "A=a1@0"} {
		if _, err := parseSeries([]string{bad}, sum); err == nil {
			t.Errorf("parseSeries(%q): got nil error", bad)
		}
	}
}
