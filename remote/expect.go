package remote

import (
	"cmp"
	"slices"
)

// A run is blocks [s, e) of a file.
type run struct{ s, e int64 }

// A Span is Len bytes of a file from offset Off.
type Span struct{ Off, Len int64 }

// Expect tells f which bytes the job will read, usually the tiles or
// strips under a window, in any order. From then on read-ahead and
// Prefetch fetch only bytes of those spans, in file order, skipping the
// rest (two spans closer than the gap setting may still share a request,
// with the bytes between them); reads elsewhere still work, fetched when
// asked. A call replaces the previous plan; no spans remove it.
func (f *File) Expect(spans []Span) {
	bs := f.c.opts.BlockBytes
	var runs []run
	for _, sp := range spans {
		if sp.Len <= 0 || sp.Off < 0 || sp.Off >= f.size {
			continue
		}
		end := f.size
		if sp.Len < f.size-sp.Off {
			end = sp.Off + sp.Len
		}
		runs = append(runs, run{sp.Off / bs, (end-1)/bs + 1})
	}
	// Sorted through an index of int64, whose sort the binary has already.
	order := make([]int64, len(runs))
	for k := range order {
		order[k] = int64(k)
	}
	slices.SortFunc(order, func(a, b int64) int { return cmp.Compare(runs[a].s, runs[b].s) })
	var merged []run
	for _, k := range order {
		r := runs[k]
		if k := len(merged) - 1; k >= 0 && r.s <= merged[k].e {
			merged[k].e = max(merged[k].e, r.e)
			continue
		}
		merged = append(merged, r)
	}
	f.c.mu.Lock()
	f.expect = merged
	f.c.mu.Unlock()
}

// planFrom returns the index of the first run of f.expect that ends after
// block b. Called with c.mu held.
func (f *File) planFrom(b int64) int {
	k, _ := slices.BinarySearchFunc(f.expect, b, func(r run, b int64) int {
		if r.e <= b {
			return -1
		}
		return 1
	})
	return k
}

// count returns the number of blocks of [s, e) the job will read: all of
// them without a plan. Called with c.mu held.
func (f *File) count(s, e int64) int64 {
	if f.expect == nil {
		return max(0, e-s)
	}
	n := int64(0)
	for k := f.planFrom(s); k < len(f.expect) && f.expect[k].s < e; k++ {
		n += min(e, f.expect[k].e) - max(s, f.expect[k].s)
	}
	return n
}

// advance returns the block e at which [s, e) holds n blocks the job
// will read (all blocks without a plan), at most the file's last.
// Called with c.mu held.
func (f *File) advance(s, n int64) int64 {
	last := f.nblocks()
	if f.expect == nil {
		return min(s+n, last)
	}
	e := s
	for k := f.planFrom(s); k < len(f.expect); k++ {
		a := max(s, f.expect[k].s)
		if m := f.expect[k].e - a; m < n {
			n -= m
			e = f.expect[k].e
			continue
		}
		return min(a+n, last)
	}
	return min(e, last)
}
