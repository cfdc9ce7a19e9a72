package compute

import (
	"math"
	"slices"
)

// Percentiles are exact: every valid value of a pixel is kept, sorted, and
// the result interpolated as numpy's nanpercentile(method="linear") does,
// with the same float64 operations in the same order, so the results are
// numpy's to the bit. The values of one pixel are held at a time, in a
// buffer of one value per input owned by the worker; with the chunks of
// 1024 pixels × K inputs that every reduction holds (8 KiB per input and
// worker), a worker needs about 8 KiB × (K + 1) + 8 KiB × len(P) whatever
// the raster size: 1,000 inputs cost 8 MiB per worker.

// percentiles sets r.outs[i][p] to percentile r.qs[i] of the valid
// vals[k][p], and out to the first of them, for p < len(out).
func (r *reducer) percentiles(out []float64, vals [][]float64) {
	n := len(out)
	cnt := r.cnt[:n]
	t := r.scratch(len(vals))
	for p := range n {
		t = t[:0]
		for _, v := range vals {
			if x := v[p]; x == x {
				t = append(t, x)
			}
		}
		cnt[p] = int32(len(t))
		if len(t) == 0 {
			for _, o := range r.outs {
				o[p] = math.NaN()
			}
			continue
		}
		sortValues(t)
		for i, q := range r.qs {
			r.outs[i][p] = quantileSorted(t, q)
		}
	}
	for _, o := range r.outs {
		r.applyPolicy(o[:n], len(vals))
	}
	copy(out, r.outs[0][:n])
}

// scratch returns r.tmp with room for n values.
func (r *reducer) scratch(n int) []float64 {
	if cap(r.tmp) < n {
		r.tmp = make([]float64, 0, n)
	}
	return r.tmp[:0]
}

// sortValues sorts t in increasing order (t holds no NaN).
func sortValues(t []float64) {
	if len(t) <= 16 {
		insertionSort(t)
	} else {
		slices.Sort(t)
	}
}

// quantileSorted returns quantile q (0 to 1) of the sorted, non-empty t
// as numpy's _quantile does for method "linear": the virtual index
// (n-1)·q, its floor and the next index, clipped to the last value (with
// numpy's gamma of index+1 there), and _lerp's two formulas.
func quantileSorted(t []float64, q float64) float64 {
	n := float64(len(t))
	vi := (n - 1) * q
	if vi >= n-1 {
		last := t[len(t)-1]
		return lerp(last, last, vi+1) // numpy sets the previous index to -1
	}
	prev := math.Floor(vi)
	i := int(prev)
	return lerp(t[i], t[i+1], vi-prev)
}

// lerp is numpy's _lerp: a + (b-a)·g, or b - (b-a)·(1-g) when g >= 0.5.
// The conversions keep the compiler from fusing a multiply and an add,
// which would round differently.
func lerp(a, b, g float64) float64 {
	d := b - a
	if g >= 0.5 {
		return b - float64(d*(1-g))
	}
	return a + float64(d*g)
}
