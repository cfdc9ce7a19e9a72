package remote

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A Client opens remote files. Its files share a byte cache, a cap on
// the requests in flight and a pool of keep-alive connections. It is safe
// for concurrent use.
type Client struct {
	opts Options
	http *http.Client
	sem  chan struct{} // requests in flight, all files

	s3once sync.Once
	s3cfg  *s3Config
	s3err  error

	// mu guards the cache and the block maps, queues and streams of
	// every file of the client.
	// Cached blocks are in one of two lists, most recent first: fresh
	// ones, fetched (mostly ahead) and not read yet, and read ones. The
	// read ones go first when the cache is full: a stream reads its bytes
	// once, and read-ahead dropped before it is read costs a request.
	mu    sync.Mutex
	fresh list.List // *block
	lru   list.List // *block
	used  int64     // bytes in the cache
	files int       // open files
	stats counters
}

// Stats count a client's or a file's network use.
type Stats struct {
	Requests int64 // requests sent, retries included
	Retries  int64 // requests sent again after a transient failure
	Bytes    int64 // body bytes received
}

// counters are the atomic form of Stats; a file's counters add to its
// client's too.
type counters struct {
	requests, retries, bytes atomic.Int64
	parent                   *counters
}

func (s *counters) addRequest() {
	for ; s != nil; s = s.parent {
		s.requests.Add(1)
	}
}

func (s *counters) addRetry() {
	for ; s != nil; s = s.parent {
		s.retries.Add(1)
	}
}

func (s *counters) addBytes(n int64) {
	for ; s != nil; s = s.parent {
		s.bytes.Add(n)
	}
}

func (s *counters) snapshot() Stats {
	return Stats{Requests: s.requests.Load(), Retries: s.retries.Load(), Bytes: s.bytes.Load()}
}

// NewClient returns a client with the given options.
func NewClient(opts Options) *Client {
	opts = opts.withDefaults()
	tr := opts.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        2 * opts.Requests,
			MaxIdleConnsPerHost: opts.Requests,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
			// Ranges of compressed tiles: a gzip transfer encoding would
			// only cost CPU, and makes lengths unverifiable.
			DisableCompression: true,
		}
	}
	return &Client{opts: opts, http: &http.Client{Transport: tr}, sem: make(chan struct{}, opts.Requests)}
}

// cacheCap returns the cache's capacity: CacheBytes when set, else
// 64 MiB or 8 MiB per open file, whichever is more. Called with c.mu held.
func (c *Client) cacheCap() int64 {
	if c.opts.CacheBytes > 0 {
		return c.opts.CacheBytes
	}
	return max(64<<20, int64(c.files)*(8<<20))
}

// Stats returns the client's network use so far.
func (c *Client) Stats() Stats { return c.stats.snapshot() }

// Open opens the remote file name (see [Parse] for the forms accepted).
// It reads the first HeaderBytes of the file at once, which also gives
// its size; a server that ignores Range requests is handled here, once,
// by downloading the whole file. ctx bounds every request of the file,
// until Close.
func (c *Client) Open(ctx context.Context, name string) (*File, error) {
	t, err := c.target(name)
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithCancel(ctx)
	f := &File{c: c, name: name, t: t, ctx: fctx, cancel: cancel, blocks: map[int64]*block{},
		sem: make(chan struct{}, c.opts.PerFile)}
	f.stats.parent = &c.stats
	p, err := c.getRange(fctx, t, 0, c.opts.HeaderBytes, true, "", &f.stats)
	if err != nil {
		cancel()
		return nil, err
	}
	switch {
	case p.file != nil:
		f.size, f.local, f.tmp = p.total, p.file, p.file
	case p.whole:
		f.size, f.local = p.total, bytes.NewReader(p.data)
	case p.total < 0:
		cancel()
		return nil, &Error{URL: t.display(), Status: http.StatusPartialContent, Msg: "the server did not give the file size (Content-Range bytes A-B/*)"}
	default:
		f.size = p.total
	}
	f.etag, f.lastMod = p.etag, p.lastMod
	c.mu.Lock()
	c.files++
	if f.local == nil {
		f.store(p, nil)
	}
	c.mu.Unlock()
	return f, nil
}

// target returns the target of the remote file name.
func (c *Client) target(name string) (target, error) {
	loc, err := Parse(name)
	if err != nil {
		return nil, err
	}
	if loc.Kind == S3 {
		cfg, err := c.s3Config()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return cfg.target(loc.Bucket, loc.Key), nil
	}
	return &httpTarget{url: loc.URL}, nil
}

// ReadSmall returns the first limit bytes of the remote file name (all
// of it when shorter: a sidecar file), in one request, retried as any
// other. A file that the server answers with a client error (4xx: 404,
// and also 401 and 403, as S3 answers for a missing key to a caller that
// may not list the bucket) is taken as absent: nil and no error. Other
// failures are errors naming the URL.
func (c *Client) ReadSmall(ctx context.Context, name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("%s: read limit %d: want > 0", name, limit)
	}
	t, err := c.target(name)
	if err != nil {
		return nil, err
	}
	p, err := c.getRange(ctx, t, 0, limit, true, "", &c.stats)
	var re *Error
	switch {
	case errors.As(err, &re) && re.Status >= 400 && re.Status < 500:
		return nil, nil
	case err != nil:
		return nil, err
	case p.file != nil:
		defer removeTemp(p.file)
		b := make([]byte, min(p.total, limit))
		if _, err := p.file.ReadAt(b, 0); err != nil {
			return nil, fmt.Errorf("%s: temporary copy: %w", t.display(), err)
		}
		return b, nil
	case p.whole:
		return p.data[:min(int64(len(p.data)), limit)], nil
	}
	n := 0
	for _, ch := range p.chunks {
		n += len(ch)
	}
	b := make([]byte, 0, n) // not nil, even when empty
	for _, ch := range p.chunks {
		b = append(b, ch...)
	}
	return b, nil
}

// Sidecars reports whether the files next to the remote file name
// (name+".aux.xml", name+".msk", ...) are to be looked for, as GDAL's
// /vsicurl/ and /vsis3/ look for them: yes, unless
// GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR (GDAL's setting that stops its
// own look-ups), and never for an http(s) URL with a query string (a
// signed URL signs one object: its siblings cannot be reached with it).
func (c *Client) Sidecars(name string) bool {
	env := c.opts.Env
	if env == nil {
		env = os.Getenv
	}
	if strings.EqualFold(strings.TrimSpace(env("GDAL_DISABLE_READDIR_ON_OPEN")), "EMPTY_DIR") {
		return false
	}
	loc, err := Parse(name)
	return err == nil && (loc.Kind != HTTP || !strings.Contains(loc.URL, "?"))
}

// httpTarget is a plain http(s) URL.
type httpTarget struct{ url string }

func (t *httpTarget) request(ctx context.Context, rng, ifMatch string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Range", rng)
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	req.Header.Set("User-Agent", "gomean")
	return req, nil
}

func (t *httpTarget) display() string { return redact(t.url) }

func (t *httpTarget) explain(status int, _ []byte) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return "access denied: check the URL (a signed URL may have expired)"
	case http.StatusNotFound:
		return "no such file"
	case http.StatusRequestedRangeNotSatisfiable:
		return "the file is shorter than it was when opened"
	}
	return ""
}

// removeTemp removes a downloaded file's temporary copy, which on Unix
// has no name already.
func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}
