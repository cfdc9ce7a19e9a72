package compute

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortSmallZeroOne checks every network by the 0-1 principle: a
// comparator network sorts every input if and only if it sorts every
// sequence of zeros and ones, of which there are 2^n.
func TestSortNetworkZeroOne(t *testing.T) {
	buf := make([]float64, maxNetwork)
	for n := 0; n <= maxNetwork; n++ {
		for bits := range 1 << n {
			v := buf[:n]
			ones := 0
			for i := range v {
				v[i] = float64(bits >> i & 1)
				ones += bits >> i & 1
			}
			sortNetwork(v)
			for i, x := range v {
				if want := float64(min(1, max(0, i-(n-ones)+1))); x != want {
					t.Fatalf("n=%d: %b sorts to %v", n, bits, v)
				}
			}
		}
	}
}

// TestSortValues checks sortValues against slices.Sort on random values
// with many ties, infinities and signed zeros, for every length around
// the network's limit.
func TestSortValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	pool := []float64{math.Inf(-1), -2.5, -1, math.Copysign(0, -1), 0, 1e-300, 3, 7, 1e300, math.Inf(1)}
	for n := 0; n <= 2*maxNetwork; n++ {
		for range 2000 {
			v := make([]float64, n)
			for i := range v {
				if rng.IntN(2) == 0 {
					v[i] = pool[rng.IntN(len(pool))]
				} else {
					v[i] = rng.NormFloat64()
				}
			}
			want := slices.Clone(v)
			slices.Sort(want)
			sortValues(v)
			if !slices.Equal(v, want) { // -0 == +0: either order is sorted
				t.Fatalf("n=%d: got %v, want %v", n, v, want)
			}
		}
	}
}
