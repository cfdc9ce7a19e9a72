package remote

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A faultServer serves files by range with http.ServeContent on
// 127.0.0.1, with faults injected on demand, and counts what it does.
type faultServer struct {
	srv   *httptest.Server
	files map[string][]byte

	delay       time.Duration // added to every request
	ignoreRange atomic.Bool   // answer 200 with the whole file
	ignoreAfter atomic.Int64  // ignore Range from this request on (0: never)

	// Each counter fails that many of the next requests.
	fail503 atomic.Int64 // 503 Service Unavailable with Retry-After 0
	fail429 atomic.Int64 // 429 Too Many Requests
	resets  atomic.Int64 // abort the connection before any byte
	shorts  atomic.Int64 // send half the body, then abort
	stalls  atomic.Int64 // send nothing until the client gives up
	status  atomic.Int64 // answer every request with this status (0: off)

	// Versions: from request swapAt on (0: never), alt replaces files.
	// etags sends an ETag per version (honouring If-Match unless
	// ignoreIfMatch), modTimes a Last-Modified per version.
	swapAt        atomic.Int64
	alt           map[string][]byte
	etags         bool
	ignoreIfMatch bool
	modTimes      bool
	ifMatch       atomic.Int64 // requests that carried If-Match

	requests atomic.Int64
	bytes    atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64

	mu     sync.Mutex
	ranges []string
}

// newFaultServer starts a server of files; setup, if any, runs before it
// starts (to set delay or hooks).
func newFaultServer(t *testing.T, files map[string][]byte, setup ...func(*faultServer)) *faultServer {
	t.Helper()
	s := &faultServer{files: files}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	for _, f := range setup {
		f(s)
	}
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

// url returns the URL of the named file.
func (s *faultServer) url(name string) string { return s.srv.URL + "/" + name }

// take decrements a fault counter, reporting whether the fault applies.
func take(c *atomic.Int64) bool {
	for {
		n := c.Load()
		if n <= 0 {
			return false
		}
		if c.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n.Add(int64(n))
	return n, err
}

func (s *faultServer) serve(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	in := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxIn.Load()
		if in <= m || s.maxIn.CompareAndSwap(m, in) {
			break
		}
	}
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.mu.Unlock()
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	data, ok := s.files[name]
	version, mod := `"v1"`, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if at := s.swapAt.Load(); at > 0 && n >= at {
		if d, found := s.alt[name]; found {
			data, ok, version, mod = d, true, `"v2"`, mod.Add(time.Hour)
		}
	}
	if r.Header.Get("If-Match") != "" {
		s.ifMatch.Add(1)
	}
	if s.etags {
		w.Header().Set("ETag", version)
		if s.ignoreIfMatch {
			r.Header.Del("If-Match")
		}
	}
	if !s.modTimes {
		mod = time.Time{}
	}
	switch {
	case !ok:
		http.NotFound(w, r)
		return
	case s.status.Load() != 0:
		http.Error(w, "injected", int(s.status.Load()))
		return
	case take(&s.fail503):
		w.Header().Set("Retry-After", "0")
		http.Error(w, "injected", http.StatusServiceUnavailable)
		return
	case take(&s.fail429):
		http.Error(w, "injected", http.StatusTooManyRequests)
		return
	case take(&s.resets):
		panic(http.ErrAbortHandler)
	case take(&s.stalls):
		<-r.Context().Done()
		return
	}
	cw := countingWriter{w, &s.bytes}
	if s.ignoreRange.Load() || s.ignoreAfter.Load() != 0 && n >= s.ignoreAfter.Load() {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		cw.Write(data)
		return
	}
	if take(&s.shorts) {
		var a, b int64
		if _, err := fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-%d", &a, &b); err != nil || b >= int64(len(data)) {
			b = int64(len(data)) - 1
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, len(data)))
		w.Header().Set("Content-Length", fmt.Sprint(b-a+1))
		w.WriteHeader(http.StatusPartialContent)
		cw.Write(data[a : a+(b-a+1)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	http.ServeContent(cw, r, "", mod, bytes.NewReader(data))
}

// testData returns n reproducible pseudo-random bytes.
func testData(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// fastOptions are options for tests: quick retries and timeouts.
func fastOptions() Options {
	return Options{RetryDelay: time.Millisecond, Timeout: 2 * time.Second, RetryTime: 10 * time.Second}
}

func openTest(t *testing.T, c *Client, url string) *File {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	f, err := c.Open(ctx, url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readAll reads f sequentially in chunks of n bytes.
func readAll(t *testing.T, f io.ReaderAt, size int64, n int) []byte {
	t.Helper()
	out := make([]byte, 0, size)
	buf := make([]byte, n)
	for off := int64(0); off < size; off += int64(n) {
		m, err := f.ReadAt(buf, off)
		if err != nil && err != io.EOF {
			t.Fatalf("read %d bytes at %d: %v", n, off, err)
		}
		out = append(out, buf[:m]...)
	}
	return out
}
