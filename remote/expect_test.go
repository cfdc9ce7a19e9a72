package remote

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestExpectLimitsReadahead reads spans far apart, in order, after
// Expect: read-ahead must fetch them ahead of the reads, side by side,
// and nothing between them.
func TestExpectLimitsReadahead(t *testing.T) {
	data := testData(6<<20, 21)
	s := newFaultServer(t, map[string][]byte{"a.bin": data}, func(s *faultServer) { s.delay = 10 * time.Millisecond })
	c := NewClient(fastOptions())
	f := openTest(t, c, s.url("a.bin"))
	var spans []Span
	for k := range 20 {
		spans = append(spans, Span{Off: 256<<10 + int64(k)*(250<<10) + int64(k*37), Len: 40_000 + int64(k)})
	}
	// In any order, some overlapping.
	given := slices.Clone(spans)
	slices.Reverse(given)
	given = append(given, Span{Off: spans[3].Off + 10, Len: 100}, Span{Off: -5, Len: 3}, Span{Off: 1 << 40, Len: 1})
	f.Expect(given)
	f.Prefetch(spans[0].Off, spans[0].Len)
	for _, sp := range spans {
		buf := make([]byte, sp.Len)
		if _, err := f.ReadAt(buf, sp.Off); err != nil || !bytes.Equal(buf, data[sp.Off:sp.Off+sp.Len]) {
			t.Fatalf("read %d at %d: %v, or wrong bytes", sp.Len, sp.Off, err)
		}
	}
	bs := c.opts.BlockBytes
	planned := func(a, b int64) bool { // bytes [a, b] lie in blocks of the spans
		for blk := a / bs; blk <= b/bs; blk++ {
			if !slices.ContainsFunc(spans, func(sp Span) bool { return sp.Off/bs <= blk && blk <= (sp.Off+sp.Len-1)/bs }) {
				return false
			}
		}
		return true
	}
	s.mu.Lock()
	ranges := slices.Clone(s.ranges)
	s.mu.Unlock()
	var want int64 = c.opts.HeaderBytes
	for _, sp := range spans {
		want += ((sp.Off+sp.Len-1)/bs - sp.Off/bs + 1) * bs
	}
	for _, r := range ranges[1:] {
		var a, b int64
		if _, err := fmt.Sscanf(r, "bytes=%d-%d", &a, &b); err != nil {
			t.Fatalf("range %q: %v", r, err)
		}
		if !planned(a, b) {
			t.Errorf("fetched %s, outside the expected spans", r)
		}
	}
	if st := f.Stats(); st.Bytes > want {
		t.Errorf("fetched %d bytes, want at most %d", st.Bytes, want)
	}
	if s.maxIn.Load() < 2 {
		t.Errorf("at most %d request in flight: the spans were not fetched ahead", s.maxIn.Load())
	}
	t.Logf("%d requests, %d bytes, at most %d in flight", len(ranges), f.Stats().Bytes, s.maxIn.Load())
}

// TestExpectCount checks the block arithmetic of a plan.
func TestExpectCount(t *testing.T) {
	f := &File{c: NewClient(Options{BlockBytes: 10}), size: 1000} // 100 blocks
	f.expect = []run{{5, 10}, {20, 22}, {50, 60}}
	tests := []struct {
		s, e, count int64
		n, advance  int64 // advance(s, n)
	}{
		{0, 100, 17, 3, 8},
		{7, 21, 4, 4, 21},
		{10, 20, 0, 1, 21},
		{22, 50, 0, 10, 60},
		{55, 100, 5, 100, 60},
		{60, 100, 0, 1, 60},
		{0, 5, 0, 5, 10},
	}
	for _, tt := range tests {
		if got := f.count(tt.s, tt.e); got != tt.count {
			t.Errorf("count(%d, %d) = %d, want %d", tt.s, tt.e, got, tt.count)
		}
		if got := f.advance(tt.s, tt.n); got != tt.advance {
			t.Errorf("advance(%d, %d) = %d, want %d", tt.s, tt.n, got, tt.advance)
		}
	}
	f.expect = nil
	if got := f.count(3, 9); got != 6 {
		t.Errorf("without a plan: count(3, 9) = %d, want 6", got)
	}
	if got := f.advance(95, 10); got != 100 {
		t.Errorf("without a plan: advance(95, 10) = %d, want 100", got)
	}
	f.Expect([]Span{{Off: 15, Len: 10}, {Off: 40, Len: 1}, {Off: 0, Len: 5}, {Off: 990, Len: 1<<63 - 1}})
	if want := []run{{0, 3}, {4, 5}, {99, 100}}; !slices.Equal(f.expect, want) {
		t.Errorf("Expect gave runs %v, want %v", f.expect, want)
	}
	f.Expect(nil)
	if f.expect != nil {
		t.Errorf("Expect(nil) left %v", f.expect)
	}
}
