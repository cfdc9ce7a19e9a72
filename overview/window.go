package overview

import (
	"fmt"
	"math"
)

// An axis maps the pixels of one dimension of an overview level onto
// those of the level above it as GDAL 3.6 does (gcore/overview.cpp, with a
// ratio src/dst between 2 and 2 + 1/dst for the levels GDAL's COG driver
// makes):
//
//   - AVERAGE and MODE: pixel j covers [j·r, (j+1)·r) of the level above,
//     r = src/dst: source pixels int(j·r + 1e-8) to ceil((j+1)·r − 1e-8),
//     exclusive, the last window running to the edge. AVERAGE weights the
//     first pixel by 1 − (j·r − its index) and the last by 1 − (its end −
//     (j+1)·r), so where src = 2·dst+1 the windows are three pixels wide
//     with fractional ends; MODE counts every pixel of the window once.
//   - NEAREST: pixel int(0.5 + j·r).
//
// Where src = 2·dst every window is an exact 2×2 block.
type axis struct {
	src, dst int
	ratio    float64
	near     bool
	tile     int
	// Per source tile t: destination pixels [start[t], mid[t]) have their
	// windows inside tile t, [mid[t], start[t+1]) straddle tiles t and t+1.
	start, mid []int
}

func newAxis(src, dst, tile int, near bool) (axis, error) {
	a := axis{src: src, dst: dst, ratio: float64(src) / float64(dst), near: near, tile: tile}
	tiles := (src + tile - 1) / tile
	a.start, a.mid = make([]int, tiles+1), make([]int, tiles)
	j := 0
	for t := range tiles {
		a.start[t] = j
		for ; j < dst; j++ {
			x0, x1, _, _ := a.win(j)
			if x0/tile != t || (x1-1)/tile != t {
				break
			}
		}
		a.mid[t] = j
		for ; j < dst; j++ {
			x0, x1, _, _ := a.win(j)
			if x0/tile != t {
				break
			}
			if (x1-1)/tile != t+1 {
				return a, fmt.Errorf("overview: pixel %d of %d: window [%d, %d) spans more than two tiles of %d", j, dst, x0, x1, tile)
			}
		}
	}
	a.start[tiles] = j
	for t := range tiles {
		// Every group lies in one destination tile (windows start at 2j
		// or 2j+1 and tiles are even).
		for _, g := range [2][2]int{{a.start[t], a.mid[t]}, {a.mid[t], a.start[t+1]}} {
			if g[0] < g[1] && g[0]/tile != (g[1]-1)/tile {
				return a, fmt.Errorf("overview: pixels [%d, %d) span two tiles of %d", g[0], g[1], tile)
			}
		}
	}
	if j != dst {
		return a, fmt.Errorf("overview: %d of %d pixels mapped onto %d source pixels", j, dst, src)
	}
	return a, nil
}

// even reports whether every window is an exact pair of pixels.
// (NEAREST then takes the first of each pair).
func (a *axis) even() bool { return a.src == 2*a.dst }

// win returns the window [x0, x1) of destination pixel j in the level
// above, and the weights of its first and last pixels (1 for those
// between).
func (a *axis) win(j int) (x0, x1 int, w0, w1 float64) {
	if a.near {
		x0 = min(int(0.5+float64(float64(j)*a.ratio)), a.src-1)
		return x0, x0 + 1, 1, 1
	}
	off := float64(float64(j) * a.ratio)
	off2 := float64(float64(j+1) * a.ratio)
	x0 = int(off + 1e-8)
	x1 = int(math.Ceil(off2 - 1e-8))
	if x1 == x0 {
		x1++
	}
	if x1 > a.src || j == a.dst-1 {
		if x0 == a.src {
			x0 = a.src - 1
		}
		x1 = a.src
	}
	return x0, x1, 1 - (off - float64(x0)), 1 - (float64(x1) - off2)
}

// A group is a run of destination pixels whose windows lie in source tiles
// t0 to t1 (t1 = t0 or t0+1).
type group struct{ lo, hi, t0, t1 int }

// groups returns the groups whose windows touch source tile t: the
// straddling pixels of t−1 and t, and those inside t.
func (a *axis) groups(t int) (g [3]group, n int) {
	if t > 0 && a.mid[t-1] < a.start[t] {
		g[n] = group{a.mid[t-1], a.start[t], t - 1, t}
		n++
	}
	if a.start[t] < a.mid[t] {
		g[n] = group{a.start[t], a.mid[t], t, t}
		n++
	}
	if a.mid[t] < a.start[t+1] {
		g[n] = group{a.mid[t], a.start[t+1], t, t + 1}
		n++
	}
	return g, n
}
