package compute

import "slices"

// sortValues sorts t in increasing order (t holds no NaN): up to 12
// values by insertion, 13 to 16 with a sorting network (sortNetwork), more
// with slices.Sort.
func sortValues(t []float64) {
	switch {
	case len(t) <= 12:
		insertionSort(t)
	case len(t) <= maxNetwork:
		sortNetwork(t)
	default:
		slices.Sort(t)
	}
}

// maxNetwork is the most values sortNetwork sorts.
const maxNetwork = 16

// networks[n] lists the comparators (i, j), i < j, of a sorting network
// for n values: Batcher's odd-even merge sort for 16, less the
// comparators that touch an index >= n (those values act as +Inf at the
// end, so the comparators left sort the first n): 16 values take 63
// comparators, 12 take 41.
var networks = func() (nets [maxNetwork + 1][]uint8) {
	const N = maxNetwork
	for p := 1; p < N; p <<= 1 {
		for k := p; k >= 1; k >>= 1 {
			for j := k % p; j+k < N; j += 2 * k {
				for i := 0; i < k && i+j+k < N; i++ {
					if (i+j)/(2*p) == (i+j+k)/(2*p) {
						for n := i + j + k + 1; n <= N; n++ {
							nets[n] = append(nets[n], uint8(i+j), uint8(i+j+k))
						}
					}
				}
			}
		}
	}
	return nets
}()

// sortNetwork sorts up to maxNetwork values (no NaN) with a sorting
// network. Its comparators are branchless min and max, where an insertion
// sort of 9 to 16 values mispredicts several branches per value: for 16
// values the network takes half the time on random data. Equal values
// may swap, which for -0 and +0 (equal as floats) puts -0 first.
func sortNetwork(t []float64) {
	var a [maxNetwork]float64
	n := copy(a[:], t)
	net := networks[n]
	for q := 0; q+1 < len(net); q += 2 {
		i, j := net[q]&(maxNetwork-1), net[q+1]&(maxNetwork-1)
		x, y := a[i], a[j]
		a[i], a[j] = min(x, y), max(x, y)
	}
	copy(t, a[:n])
}
