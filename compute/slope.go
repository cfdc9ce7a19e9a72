package compute

import "math"

// slope sets out[p] to the ordinary least squares slope of the valid
// vals[k][p] against r.xs[k], times r.unit: Σ(x-x̄)(y-ȳ) / Σ(x-x̄)², with
// the means over the pixel's valid inputs (two passes, as np.polyfit's
// centred solution). A pixel with fewer than two valid values, or all of
// them at one time, is NaN. The sums run input by input over the whole
// chunk, so memory is four float64 values per pixel of the chunk.
func (r *reducer) slope(out []float64, vals [][]float64) {
	n := len(out)
	if len(r.acc3) < n {
		r.acc3, r.acc4 = make([]float64, len(r.cnt)), make([]float64, len(r.cnt))
	}
	cnt, sy, sx, sxy, sxx := r.cnt[:n], r.acc[:n], r.acc2[:n], r.acc3[:n], r.acc4[:n]
	clear(sx)
	sumValid(sy, cnt, vals)
	for k, v := range vals {
		x := r.xs[k]
		for p, y := range v[:n] {
			if y == y {
				sx[p] += x
			}
		}
	}
	for p := range n {
		c := float64(cnt[p])
		sy[p] /= c // the means; 0/0 is NaN where no value is valid
		sx[p] /= c
	}
	clear(sxy)
	clear(sxx)
	for k, v := range vals {
		x := r.xs[k]
		for p, y := range v[:n] {
			if y == y {
				dx := x - sx[p]
				sxy[p] += dx * (y - sy[p])
				sxx[p] += dx * dx
			}
		}
	}
	for p := range out {
		if cnt[p] < 2 || sxx[p] == 0 {
			out[p] = math.NaN()
			continue
		}
		out[p] = sxy[p] / sxx[p] * r.unit
	}
}
