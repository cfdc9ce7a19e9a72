package remote

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReadAtMatchesBytes(t *testing.T) {
	data := testData(300_000, 1)
	s := newFaultServer(t, map[string][]byte{"a.bin": data})
	c := NewClient(fastOptions())
	f := openTest(t, c, s.url("a.bin"))
	if f.Size() != int64(len(data)) {
		t.Fatalf("size %d, want %d", f.Size(), len(data))
	}
	tests := []struct {
		name    string
		off     int64
		n       int
		wantN   int
		wantEOF bool
	}{
		{"header", 0, 16, 16, false},
		{"inside the header read", 1000, 50_000, 50_000, false},
		{"across blocks", 100_000, 40_000, 40_000, false},
		{"one byte", 200_001, 1, 1, false},
		{"up to the end", 299_000, 1000, 1000, false},
		{"past the end", 299_500, 1000, 500, true},
		{"at the end", 300_000, 10, 0, true},
		{"empty", 5, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, tt.n)
			n, err := f.ReadAt(buf, tt.off)
			if n != tt.wantN || (err == io.EOF) != tt.wantEOF || err != nil && err != io.EOF {
				t.Fatalf("ReadAt(%d, %d) = %d, %v; want %d, EOF %v", tt.n, tt.off, n, err, tt.wantN, tt.wantEOF)
			}
			if !bytes.Equal(buf[:n], data[tt.off:tt.off+int64(n)]) {
				t.Fatalf("ReadAt(%d, %d): wrong bytes", tt.n, tt.off)
			}
		})
	}
	if _, err := f.ReadAt(make([]byte, 1), -1); err == nil {
		t.Fatal("negative offset: no error")
	}
}

func TestConcurrentReads(t *testing.T) {
	data := testData(2<<20, 2)
	s := newFaultServer(t, map[string][]byte{"a.bin": data}, func(s *faultServer) { s.delay = 5 * time.Millisecond })
	c := NewClient(Options{CacheBytes: 256 << 10, RetryDelay: time.Millisecond})
	f := openTest(t, c, s.url("a.bin"))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			buf := make([]byte, 7000+g*1000)
			for k := range 60 {
				off := int64((k*104729 + g*7919) % (len(data) - len(buf)))
				if _, err := f.ReadAt(buf, off); err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(buf, data[off:off+int64(len(buf))]) {
					errs <- errors.New("wrong bytes")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c.mu.Lock()
	used := c.used
	if c.fresh.Len()+c.lru.Len() == 0 {
		t.Error("nothing cached")
	}
	c.mu.Unlock()
	if used > 256<<10 {
		t.Errorf("cache holds %d bytes, over its cap of %d", used, 256<<10)
	}
	if m := s.maxIn.Load(); m > int64(c.opts.PerFile) {
		t.Errorf("%d requests in flight at once, over the per-file cap %d", m, c.opts.PerFile)
	}
}

// TestSequentialReadMerges reads a file front to back in tile-sized
// reads over a slow server: the read-ahead must turn hundreds of reads
// into a few requests, several in flight, fetching about the file's size.
func TestSequentialReadMerges(t *testing.T) {
	data := testData(4<<20, 3)
	s := newFaultServer(t, map[string][]byte{"a.bin": data}, func(s *faultServer) { s.delay = 20 * time.Millisecond })
	c := NewClient(fastOptions())
	f := openTest(t, c, s.url("a.bin"))
	got := readAll(t, f, f.Size(), 30_000)
	if !bytes.Equal(got, data) {
		t.Fatal("wrong bytes")
	}
	st := f.Stats()
	reads := (len(data) + 29_999) / 30_000
	// 4 MiB in read-ahead pieces of at least 256 KiB: about 20.
	if st.Requests > 30 {
		t.Errorf("%d requests for %d sequential reads, want at most 30", st.Requests, reads)
	}
	t.Logf("%d reads: %+v, at most %d in flight", reads, st, s.maxIn.Load())
	if float64(st.Bytes) > 1.05*float64(len(data)) {
		t.Errorf("fetched %d bytes for a %d-byte file", st.Bytes, len(data))
	}
	if s.maxIn.Load() < 2 {
		t.Errorf("at most %d request in flight, want read-ahead requests side by side", s.maxIn.Load())
	}
}

// TestGapMerge checks that queued ranges less than GapBytes apart go in
// one request, and ranges further apart do not.
func TestGapMerge(t *testing.T) {
	data := testData(1<<20, 4)
	s := newFaultServer(t, map[string][]byte{"a.bin": data})
	c := NewClient(Options{BlockBytes: 1024, HeaderBytes: 1024, GapBytes: 4096, RetryDelay: time.Millisecond})
	f := openTest(t, c, s.url("a.bin"))
	c.mu.Lock()
	f.enqueue(100, 102, true, 0) // blocks, 1 KiB each
	f.enqueue(104, 106, true, 0) // 2 blocks apart: merged
	f.enqueue(300, 301, true, 0) // far: a request of its own
	var reqs [][2]int64
	for _, r := range f.queue {
		reqs = append(reqs, [2]int64{r.start, r.end})
	}
	need := []*block{f.blocks[100], f.blocks[103], f.blocks[105], f.blocks[300]}
	c.mu.Unlock()
	if len(reqs) != 2 || reqs[0] != [2]int64{100, 106} || reqs[1] != [2]int64{300, 301} {
		t.Fatalf("queued requests %v, want [[100 106] [300 301]]", reqs)
	}
	for _, blk := range need {
		<-blk.req.done
		if blk.req.err != nil || !bytes.Equal(blk.data, data[blk.i*1024:(blk.i+1)*1024]) {
			t.Fatalf("block %d: %v, or wrong bytes", blk.i, blk.req.err)
		}
	}
}

func TestRetries(t *testing.T) {
	data := testData(200_000, 5)
	tests := []struct {
		name   string
		inject func(s *faultServer)
	}{
		{"503", func(s *faultServer) { s.fail503.Store(2) }},
		{"429", func(s *faultServer) { s.fail429.Store(2) }},
		{"connection reset", func(s *faultServer) { s.resets.Store(2) }},
		{"short body", func(s *faultServer) { s.shorts.Store(2) }},
		{"stalled server", func(s *faultServer) { s.stalls.Store(1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFaultServer(t, map[string][]byte{"a.bin": data})
			opts := fastOptions()
			opts.Timeout = time.Second // the stalled request is given up after this
			c := NewClient(opts)
			f := openTest(t, c, s.url("a.bin"))
			tt.inject(s) // the faults hit the reads after the header
			buf := make([]byte, 50_000)
			if _, err := f.ReadAt(buf, 120_000); err != nil {
				t.Fatalf("read: %v", err)
			}
			if !bytes.Equal(buf, data[120_000:170_000]) {
				t.Fatal("wrong bytes")
			}
			if st := f.Stats(); st.Retries < 1 {
				t.Errorf("stats %+v: want retries", st)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	data := testData(100_000, 6)
	tests := []struct {
		name      string
		opts      Options
		inject    func(s *faultServer)
		wantReqs  int64 // requests after the header read, at most
		wantInMsg string
	}{
		{"count", Options{Retries: 3, RetryDelay: time.Millisecond}, func(s *faultServer) { s.status.Store(503) }, 4, "503 Service Unavailable"},
		{"time", Options{Retries: 100, RetryDelay: 100 * time.Millisecond, RetryTime: 300 * time.Millisecond},
			func(s *faultServer) { s.status.Store(502) }, 6, "retry time"},
		// net/http itself sends a request again once when a reused
		// keep-alive connection turns out closed.
		{"no retries", Options{Retries: -1}, func(s *faultServer) { s.resets.Store(100) }, 2, "EOF"},
		{"short body", Options{Retries: 2, RetryDelay: time.Millisecond}, func(s *faultServer) { s.shorts.Store(100) }, 3, "short body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFaultServer(t, map[string][]byte{"a.bin": data})
			c := NewClient(tt.opts)
			f := openTest(t, c, s.url("a.bin"))
			tt.inject(s)
			before := s.requests.Load()
			start := time.Now()
			_, err := f.ReadAt(make([]byte, 1000), 90_000)
			if err == nil {
				t.Fatal("read succeeded through a failing server")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("gave up after %v", d)
			}
			if n := s.requests.Load() - before; n > tt.wantReqs || n < 1 {
				t.Errorf("%d requests, want 1 to %d", n, tt.wantReqs)
			}
			if msg := err.Error(); !strings.Contains(msg, s.url("a.bin")) || !strings.Contains(msg, tt.wantInMsg) {
				t.Errorf("error %q: want the URL and %q", msg, tt.wantInMsg)
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	data := testData(1000, 7)
	tests := []struct {
		name   string
		status int
		file   string
		is     error
		inMsg  string
	}{
		{"404", 0, "missing.tif", fs.ErrNotExist, "404 Not Found"},
		{"403", http.StatusForbidden, "a.bin", fs.ErrPermission, "403 Forbidden: access denied"},
		{"401", http.StatusUnauthorized, "a.bin", fs.ErrPermission, "401 Unauthorized"},
		{"400", http.StatusBadRequest, "a.bin", nil, "400 Bad Request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFaultServer(t, map[string][]byte{"a.bin": data})
			s.status.Store(int64(tt.status))
			c := NewClient(fastOptions())
			_, err := c.Open(context.Background(), s.url(tt.file))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if msg := err.Error(); !strings.Contains(msg, s.url(tt.file)) || !strings.Contains(msg, tt.inMsg) {
				t.Errorf("error %q: want the URL and %q", msg, tt.inMsg)
			}
			if n := s.requests.Load(); n != 1 {
				t.Errorf("%d requests: a client error must not be retried", n)
			}
		})
	}
}

// TestServerIgnoresRange: the whole file comes with the first answer and
// is kept; no later read costs a request.
func TestServerIgnoresRange(t *testing.T) {
	for _, size := range []int{1000, 500_000} { // in memory, in a temporary file
		data := testData(size, 8)
		s := newFaultServer(t, map[string][]byte{"a.bin": data})
		s.ignoreRange.Store(true)
		c := NewClient(Options{TempDir: t.TempDir()})
		f := openTest(t, c, s.url("a.bin"))
		if f.Size() != int64(size) {
			t.Fatalf("size %d, want %d", f.Size(), size)
		}
		got := readAll(t, f, f.Size(), 4096)
		if !bytes.Equal(got, data) {
			t.Fatalf("size %d: wrong bytes", size)
		}
		if n := s.requests.Load(); n != 1 {
			t.Errorf("size %d: %d requests, want the one download", size, n)
		}
	}
}

// TestServerStopsHonouringRange: a server that honours the first Range
// and ignores a later one fails that read at once.
func TestServerStopsHonouringRange(t *testing.T) {
	data := testData(500_000, 9)
	s := newFaultServer(t, map[string][]byte{"a.bin": data})
	s.ignoreAfter.Store(2)
	c := NewClient(fastOptions())
	f := openTest(t, c, s.url("a.bin"))
	_, err := f.ReadAt(make([]byte, 100), 300_000)
	if err == nil || !strings.Contains(err.Error(), "ignored the Range header") {
		t.Fatalf("error %v: want a Range-ignoring error", err)
	}
	if n := s.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (header, then the failed read)", n)
	}
}

// TestCloseEndsReads: reads waiting on a stalled server end when the file
// is closed, and later reads fail.
func TestCloseEndsReads(t *testing.T) {
	data := testData(500_000, 10)
	s := newFaultServer(t, map[string][]byte{"a.bin": data})
	c := NewClient(Options{Timeout: time.Minute})
	f := openTest(t, c, s.url("a.bin"))
	s.stalls.Store(100)
	errc := make(chan error, 1)
	go func() {
		_, err := f.ReadAt(make([]byte, 100), 300_000)
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	f.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("read succeeded on a stalled server")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("read still waiting 10 s after Close")
	}
	if _, err := f.ReadAt(make([]byte, 1), 0); err == nil {
		t.Fatal("read after Close: no error")
	}
}

func TestContentRange(t *testing.T) {
	tests := []struct {
		in                string
		start, end, total int64
		ok                bool
	}{
		{"bytes 0-99/1000", 0, 99, 1000, true},
		{"bytes 5-5/*", 5, 5, -1, true},
		{"bytes 0-1000/1000", 0, 0, 0, false},
		{"bytes 9-3/10", 0, 0, 0, false},
		{"bits 0-1/2", 0, 0, 0, false},
		{"bytes 0-x/2", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, tt := range tests {
		s, e, tot, err := parseContentRange(tt.in)
		if (err == nil) != tt.ok || tt.ok && (s != tt.start || e != tt.end || tot != tt.total) {
			t.Errorf("parseContentRange(%q) = %d, %d, %d, %v", tt.in, s, e, tot, err)
		}
	}
}

// TestPrefetch: bytes asked for ahead are fetched in the background, in a
// few requests, and the reads that follow cost none.
func TestPrefetch(t *testing.T) {
	data := testData(3<<20, 13)
	s := newFaultServer(t, map[string][]byte{"a.bin": data})
	c := NewClient(fastOptions())
	f := openTest(t, c, s.url("a.bin"))
	f.Prefetch(1<<20, 1<<20)
	f.Prefetch(-1, 10)    // ignored
	f.Prefetch(5<<20, 10) // past the end: ignored
	deadline := time.Now().Add(5 * time.Second)
	for s.requests.Load() < 3 && time.Now().Before(deadline) { // the header, then 1 MiB in 2 pieces
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	before := s.requests.Load()
	buf := make([]byte, 100_000)
	for off := int64(1 << 20); off+int64(len(buf)) <= 2<<20; off += int64(len(buf)) {
		if _, err := f.ReadAt(buf, off); err != nil || !bytes.Equal(buf, data[off:off+int64(len(buf))]) {
			t.Fatalf("read at %d: %v, or wrong bytes", off, err)
		}
	}
	if before != 3 {
		t.Errorf("%d requests for the header and a 1 MiB prefetch, want 3", before)
	}
	// The reads continue the prefetch as a stream: read-ahead past it, bounded.
	if st := f.Stats(); st.Bytes > 2<<20+64<<10+int64(c.opts.ReadaheadBytes) {
		t.Errorf("fetched %d bytes", st.Bytes)
	}
}
