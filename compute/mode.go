package compute

import "math"

// mode sets out[p] to the most frequent of the valid vals[k][p], the
// smallest of those tied, as np.unique(..., return_counts=True) followed
// by argmax gives; NaN where none is valid. It sorts the values of one
// pixel at a time, in a buffer of one value per input (see percentiles
// for the memory bound).
func (r *reducer) mode(out []float64, vals [][]float64) {
	n := len(out)
	cnt := r.cnt[:n]
	t := r.scratch(len(vals))
	for p := range n {
		t = validAt(t[:0], vals, p)
		cnt[p] = int32(len(t))
		out[p] = modeSorted(t)
	}
}

// modeSorted sorts t and returns its most frequent value, the smallest of
// a tie; NaN for an empty t.
func modeSorted(t []float64) float64 {
	if len(t) == 0 {
		return math.NaN()
	}
	sortValues(t)
	best, bestN := t[0], 0
	for i := 0; i < len(t); {
		j := i + 1
		for j < len(t) && t[j] == t[i] {
			j++
		}
		if j-i > bestN {
			best, bestN = t[i], j-i
		}
		i = j
	}
	return best
}
