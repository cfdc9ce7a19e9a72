package compute

import "math"

// A reducer computes one output value per pixel from the values of a stack
// of inputs. Values arrive as float64 with NaN for every invalid sample
// (nodata or NaN in the input); a result of NaN means "no valid result" and
// is written as the output nodata.
//
// A reducer holds scratch space and is owned by one worker.
type reducer struct {
	op        Op
	weights   []float64 // one per input, or nil for equal weights
	propagate bool      // any invalid input makes the pixel invalid
	minValid  int       // fewest valid inputs for a valid result

	cnt  []int32
	acc  []float64
	acc2 []float64
	tmp  []float64

	qs   []float64    // Percentile: the quantiles, Config.Percentiles / 100
	qAt  []quantileAt // Percentile: for n valid values, qAt[(n-1)·len(qs)+i] locates qs[i]
	outs [][]float64  // Percentile: the results of qs[i] for i >= 1 (qs[0]'s go to out; outs[0] is nil)
	xs   []float64    // Slope: the time of each input
	unit float64      // Slope: the factor from per x unit to the output's unit
	acc3 []float64    // Slope: per-pixel sums
	acc4 []float64
}

// newReducer returns a reducer for chunks of up to n pixels.
func newReducer(op Op, weights []float64, propagate bool, minValid, n int) *reducer {
	if op != Count && minValid < 1 {
		minValid = 1
	}
	return &reducer{
		op: op, weights: weights, propagate: propagate, minValid: minValid,
		cnt: make([]int32, n), acc: make([]float64, n), acc2: make([]float64, n),
	}
}

// reduce sets out[p] from vals[k][p] for every input k, for p < len(out).
func (r *reducer) reduce(out []float64, vals [][]float64) {
	n := len(out)
	cnt := r.cnt[:n]
	clear(cnt)
	switch r.op {
	case Mean:
		r.mean(out, vals)
	case Sum:
		r.sum(out, vals)
	case Min, Max:
		r.extreme(out, vals)
	case Count:
		for _, v := range vals {
			countValid(cnt, v[:n])
		}
		for p := range out {
			out[p] = float64(cnt[p])
		}
	case Std:
		r.std(out, vals)
	case Median:
		r.median(out, vals)
	case Percentile:
		r.percentiles(out, vals)
	case Mode:
		r.mode(out, vals)
	case Slope:
		r.slope(out, vals)
	}
	r.applyPolicy(out, len(vals))
}

// applyPolicy turns the result of a pixel into NaN when too few of its
// inputs are valid.
func (r *reducer) applyPolicy(out []float64, inputs int) {
	need := int32(r.minValid)
	if r.propagate {
		need = int32(inputs)
	}
	if need <= 0 {
		return
	}
	for p, c := range r.cnt[:len(out)] {
		if c < need {
			out[p] = math.NaN()
		}
	}
}

func countValid(cnt []int32, v []float64) {
	for p, x := range v {
		if x == x {
			cnt[p]++
		}
	}
}

func (r *reducer) mean(out []float64, vals [][]float64) {
	n := len(out)
	cnt, sum := r.cnt[:n], r.acc[:n]
	if r.weights == nil {
		sumValid(sum, cnt, vals)
		for p := range out {
			out[p] = sum[p] / float64(cnt[p]) // 0/0 is NaN: no valid input
		}
		return
	}
	clear(sum)
	sw := r.acc2[:n]
	clear(sw)
	for k, v := range vals {
		w := r.weights[k]
		for p, x := range v[:n] {
			if x == x {
				sum[p] += w * x
				sw[p] += w
				cnt[p]++
			}
		}
	}
	for p := range out {
		if sw[p] == 0 {
			out[p] = math.NaN()
			continue
		}
		out[p] = sum[p] / sw[p]
	}
}

func (r *reducer) sum(out []float64, vals [][]float64) {
	n := len(out)
	sumValid(out, r.cnt[:n], vals)
}

// sumValid sets sum[p] to the sum of the valid (non-NaN) vals[k][p] and
// adds their number to cnt[p], for p < len(sum).
func sumValid(sum []float64, cnt []int32, vals [][]float64) {
	n := len(sum)
	clear(sum)
	for _, v := range vals {
		for p, x := range v[:n] {
			if x == x {
				sum[p] += x
				cnt[p]++
			}
		}
	}
}

func (r *reducer) extreme(out []float64, vals [][]float64) {
	n := len(out)
	cnt := r.cnt[:n]
	for p := range out {
		out[p] = math.NaN()
	}
	isMax := r.op == Max
	for _, v := range vals {
		for p, x := range v[:n] {
			if x != x {
				continue
			}
			if cnt[p] == 0 || (isMax && x > out[p]) || (!isMax && x < out[p]) {
				out[p] = x
			}
			cnt[p]++
		}
	}
}

// std computes the population standard deviation in two passes (the mean,
// then the mean squared deviation from it), as numpy does.
func (r *reducer) std(out []float64, vals [][]float64) {
	n := len(out)
	cnt, mean, ss := r.cnt[:n], r.acc[:n], r.acc2[:n]
	clear(ss)
	sumValid(mean, cnt, vals)
	for p := range mean {
		mean[p] /= float64(cnt[p])
	}
	for _, v := range vals {
		for p, x := range v[:n] {
			if x == x {
				d := x - mean[p]
				ss[p] += d * d
			}
		}
	}
	for p := range out {
		out[p] = math.Sqrt(ss[p] / float64(cnt[p]))
	}
}

func (r *reducer) median(out []float64, vals [][]float64) {
	if cap(r.tmp) < len(vals) {
		r.tmp = make([]float64, 0, len(vals))
	}
	cnt := r.cnt[:len(out)]
	for p := range out {
		t := validAt(r.tmp[:0], vals, p)
		cnt[p] = int32(len(t))
		out[p] = medianOf(t)
	}
}

// medianOf returns the median of t, reordering it; NaN for an empty t.
func medianOf(t []float64) float64 {
	switch len(t) {
	case 0:
		return math.NaN()
	case 1:
		return t[0]
	case 2:
		return (t[0] + t[1]) / 2
	}
	sortValues(t)
	m := len(t) / 2
	if len(t)%2 == 1 {
		return t[m]
	}
	return (t[m-1] + t[m]) / 2
}

func insertionSort(t []float64) {
	for i := 1; i < len(t); i++ {
		x := t[i]
		j := i
		for ; j > 0 && t[j-1] > x; j-- {
			t[j] = t[j-1]
		}
		t[j] = x
	}
}

// validAt appends to t the valid (non-NaN) values of pixel p of every
// input, in input order, and returns it.
func validAt(t []float64, vals [][]float64, p int) []float64 {
	for _, v := range vals {
		if x := v[p]; x == x {
			t = append(t, x)
		}
	}
	return t
}
