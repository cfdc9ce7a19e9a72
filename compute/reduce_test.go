package compute

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refReduce is the slow reference: the reduction of one pixel's values by
// its definition, NaN meaning invalid.
func refReduce(op Op, xs, weights []float64, propagate bool, minValid int) float64 {
	var valid, w []float64
	for k, x := range xs {
		if !math.IsNaN(x) {
			valid = append(valid, x)
			if weights != nil {
				w = append(w, weights[k])
			}
		}
	}
	need := max(minValid, 1)
	if op == Count {
		need = minValid
	}
	if propagate {
		need = len(xs)
	}
	if len(valid) < need {
		return math.NaN()
	}
	switch op {
	case Count:
		return float64(len(valid))
	case Sum:
		s := 0.0
		for _, x := range valid {
			s += x
		}
		return s
	case Mean:
		if weights == nil {
			s := 0.0
			for _, x := range valid {
				s += x
			}
			return s / float64(len(valid))
		}
		s, sw := 0.0, 0.0
		for i, x := range valid {
			s += w[i] * x
			sw += w[i]
		}
		if sw == 0 {
			return math.NaN()
		}
		return s / sw
	case Min:
		return slices.Min(valid)
	case Max:
		return slices.Max(valid)
	case Std:
		m := refReduce(Mean, valid, nil, false, 0)
		ss := 0.0
		for _, x := range valid {
			ss += (x - m) * (x - m)
		}
		return math.Sqrt(ss / float64(len(valid)))
	case Median:
		s := slices.Clone(valid)
		slices.Sort(s)
		if len(s)%2 == 1 {
			return s[len(s)/2]
		}
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	panic("unknown op")
}

func closeEnough(got, want float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

func TestReduceMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 7, 20} {
		for _, op := range Ops() {
			for _, pol := range []struct {
				name      string
				propagate bool
				minValid  int
				weighted  bool
			}{{"skip", false, 0, false}, {"propagate", true, 0, false}, {"min2", false, 2, false}, {"weighted", false, 0, true}} {
				if pol.weighted && op != Mean {
					continue
				}
				t.Run(fmt.Sprintf("%v/n=%d/%s", op, n, pol.name), func(t *testing.T) {
					const px = 3000 // more than one chunk, not a multiple
					vals := make([][]float64, n)
					for k := range vals {
						vals[k] = make([]float64, px)
						for p := range vals[k] {
							switch r := rng.Float64(); {
							case r < 0.3:
								vals[k][p] = math.NaN()
							case r < 0.35:
								vals[k][p] = math.Inf(1 - 2*rng.IntN(2))
							default:
								vals[k][p] = rng.NormFloat64()*1000 + 500
							}
						}
					}
					var weights []float64
					if pol.weighted {
						weights = make([]float64, n)
						for k := range weights {
							weights[k] = float64(rng.IntN(4))
						}
					}
					r := newReducer(op, weights, pol.propagate, pol.minValid, chunk)
					out := make([]float64, chunk)
					chunkVals := make([][]float64, n)
					xs := make([]float64, n)
					for p0 := 0; p0 < px; p0 += chunk {
						c := min(chunk, px-p0)
						for k := range vals {
							chunkVals[k] = vals[k][p0 : p0+c]
						}
						r.reduce(out[:c], chunkVals)
						for p := 0; p < c; p++ {
							for k := range vals {
								xs[k] = vals[k][p0+p]
							}
							want := refReduce(op, xs, weights, pol.propagate, pol.minValid)
							if !closeEnough(out[p], want) {
								t.Fatalf("pixel %d of %v: got %v, want %v", p0+p, xs, out[p], want)
							}
						}
					}
				})
			}
		}
	}
}

func TestReduceTable(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		op   Op
		xs   []float64
		want float64
	}{
		{"mean skips NaN", Mean, []float64{1, nan, 3}, 2},
		{"mean all NaN", Mean, []float64{nan, nan}, nan},
		{"sum", Sum, []float64{1, 2, nan}, 3},
		{"min", Min, []float64{nan, 5, -2}, -2},
		{"max", Max, []float64{nan, 5, -2}, 5},
		{"max inf", Max, []float64{math.Inf(1), 5}, math.Inf(1)},
		{"count", Count, []float64{nan, 5, 0}, 2},
		{"count none", Count, []float64{nan, nan}, 0},
		{"std population", Std, []float64{2, 4, 4, 4, 5, 5, 7, 9}, 2},
		{"std one", Std, []float64{3, nan}, 0},
		{"median odd", Median, []float64{3, 1, 2}, 2},
		{"median even", Median, []float64{4, 1, nan, 2, 3}, 2.5},
		{"median long", Median, []float64{17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 8.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReducer(tt.op, nil, false, 0, 1)
			vals := make([][]float64, len(tt.xs))
			for k, x := range tt.xs {
				vals[k] = []float64{x}
			}
			out := []float64{0}
			r.reduce(out, vals)
			if !closeEnough(out[0], tt.want) {
				t.Errorf("got %v, want %v", out[0], tt.want)
			}
		})
	}
}

func BenchmarkReduceMean(b *testing.B) {
	for _, n := range []int{3, 20} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			vals := make([][]float64, n)
			for k := range vals {
				vals[k] = make([]float64, chunk)
				for p := range vals[k] {
					vals[k][p] = float64(p + k)
				}
			}
			r := newReducer(Mean, nil, false, 0, chunk)
			out := make([]float64, chunk)
			b.SetBytes(int64(n * chunk * 4)) // as float32 input samples
			for b.Loop() {
				r.reduce(out, vals)
			}
		})
	}
}
