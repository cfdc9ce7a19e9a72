package remote

import (
	"bytes"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestKeepAlive: connections are reused: far fewer connections than
// requests, and no more than the requests in flight at once.
func TestKeepAlive(t *testing.T) {
	data := testData(3<<20, 12)
	var conns atomic.Int64
	s := newFaultServer(t, map[string][]byte{"a.bin": data}, func(s *faultServer) {
		s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				conns.Add(1)
			}
		}
		s.delay = 2 * time.Millisecond
	})
	c := NewClient(Options{BlockBytes: 4096, HeaderBytes: 4096, MaxRequestBytes: 64 << 10, ReadaheadBytes: 256 << 10, PerFile: 2})
	f := openTest(t, c, s.url("a.bin"))
	if got := readAll(t, f, f.Size(), 10_000); !bytes.Equal(got, data) {
		t.Fatal("wrong bytes")
	}
	reqs := s.requests.Load()
	t.Logf("%d requests over %d connections", reqs, conns.Load())
	if n := conns.Load(); reqs < 20 || n > 3 {
		t.Errorf("%d connections for %d requests (at most 2 in flight), want at most 3", n, reqs)
	}
}
