package compute

import (
	"image"
	"math"

	"github.com/gomean/gomean/grid"
)

// indexFootprints indexes the inputs' footprints on the output grid and
// finds the most inputs that meet one output tile, which bounds a
// worker's windows.
func (p *pipeline) indexFootprints() {
	rects := make([]image.Rectangle, len(p.srcs))
	for k, s := range p.srcs {
		rects[k] = s.foot
	}
	bounds := image.Rect(0, 0, p.grid.Width, p.grid.Height)
	p.index = grid.NewIndex(bounds, rects, max(p.tileW, p.tileH))
	if p.grid.Len() > 1<<20 {
		// A tile meets at most 4 cells of the index.
		p.maxActive = min(len(p.srcs), 4*p.index.MaxCell())
		return
	}
	var act []int
	for t := range p.grid.Len() {
		act = p.index.Query(p.grid.Rect(t), act)
		p.maxActive = max(p.maxActive, len(act))
	}
}

// A tileInputs holds what a worker knows of the inputs of one output tile
// when the inputs' footprints differ: which inputs meet the tile, and
// which of those cover it only in part.
type tileInputs struct {
	act     []int  // the inputs that meet the tile, ascending
	on      []bool // per input, whether it meets the tile
	partial []bool // per input, whether it meets only part of the tile
	compact bool   // the reducer sees the inputs of act only
	vals    [][]float64
	weights []float64
	xs      []float64
}

// select finds the inputs of tile bounds (clipped to rect) and reports
// whether the tile takes the plain path: every input covers it.
func (ti *tileInputs) pick(p *pipeline, bounds, rect image.Rectangle) bool {
	n := len(p.srcs)
	if ti.on == nil {
		ti.on, ti.partial = make([]bool, n), make([]bool, n)
	}
	ti.act = p.index.Query(rect, ti.act)
	clear(ti.on)
	all := len(ti.act) == n
	for _, k := range ti.act {
		ti.on[k] = true
		ti.partial[k] = !rect.In(p.srcs[k].foot)
		all = all && !ti.partial[k] && p.srcs[k].kdecs == nil // kernel windows hold float64
	}
	// Inputs that miss the pixel are left out of the reducer, unless
	// --propagate-nodata must see them as invalid.
	ti.compact = !all && !p.cfg.PropagateNoData
	return all
}

// inFoot reports whether pixel q of a tile with bounds lies in the
// footprint of input k.
func (ti *tileInputs) inFoot(p *pipeline, k, q int, bounds image.Rectangle) bool {
	if !ti.on[k] {
		return false
	}
	if !ti.partial[k] {
		return true
	}
	w := bounds.Dx()
	return image.Pt(bounds.Min.X+q%w, bounds.Min.Y+q/w).In(p.srcs[k].foot)
}

// maskFoot sets to NaN the values of the pixels p0, p0+1, ... of a tile
// with bounds that lie outside foot.
func maskFoot(vals []float64, p0 int, bounds, foot image.Rectangle) {
	w := bounds.Dx()
	x, y := bounds.Min.X+p0%w, bounds.Min.Y+p0/w
	inY := y >= foot.Min.Y && y < foot.Max.Y
	for q := range vals {
		if !inY || x < foot.Min.X || x >= foot.Max.X {
			vals[q] = math.NaN()
		}
		if x++; x == bounds.Max.X {
			x = bounds.Min.X
			y++
			inY = y >= foot.Min.Y && y < foot.Max.Y
		}
	}
}

// useInputs makes the worker's reducer see only the inputs of the tile,
// wk.ti.act (their values, weights and times), or with all all inputs
// again.
func (wk *worker) useInputs(all bool) {
	r, ti := wk.red, &wk.ti
	if !wk.saved {
		wk.allW, wk.allXs, wk.saved = r.weights, r.xs, true
	}
	r.weights, r.xs = wk.allW, wk.allXs
	if all {
		return
	}
	ks := ti.act
	ti.vals, ti.weights, ti.xs = ti.vals[:0], ti.weights[:0], ti.xs[:0]
	for _, k := range ks {
		ti.vals = append(ti.vals, wk.vals[k])
		if wk.allW != nil {
			ti.weights = append(ti.weights, wk.allW[k])
		}
		if wk.allXs != nil {
			ti.xs = append(ti.xs, wk.allXs[k])
		}
	}
	if wk.allW != nil {
		r.weights = ti.weights
	}
	if wk.allXs != nil {
		r.xs = ti.xs
	}
}

func fillNaN(v []float64) {
	for i := range v {
		v[i] = math.NaN()
	}
}

// ceilDiv returns a/b rounded up, for a >= 0 and b > 0.
func ceilDiv(a, b int) int { return (a + b - 1) / b }
