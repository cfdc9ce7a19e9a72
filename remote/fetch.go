package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// An Error is a failed remote request: what was asked of which URL, the
// HTTP status if a response came, and why it failed. It wraps
// fs.ErrNotExist for 404 and fs.ErrPermission for 401 and 403.
type Error struct {
	URL      string // the input's URL (without its query string)
	Range    string // the requested range, "bytes=0-65535"; "" for none
	Status   int    // the HTTP status; 0 when no response came
	Msg      string // what went wrong, and what to do
	Attempts int    // requests sent, retries included
	Err      error  // the underlying error, if any
}

// Error returns "GET URL (bytes=A-B): STATUS: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("GET ")
	b.WriteString(e.URL)
	if e.Range != "" {
		b.WriteString(" (" + e.Range + ")")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Msg != "" {
		b.WriteString(": " + e.Msg)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (gave up after %d attempts)", e.Attempts)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error and, for 404, 401 and 403, the
// matching fs error.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	switch e.Status {
	case http.StatusNotFound:
		errs = append(errs, fs.ErrNotExist)
	case http.StatusUnauthorized, http.StatusForbidden:
		errs = append(errs, fs.ErrPermission)
	}
	return errs
}

// errIdle is the cause of a request aborted for receiving nothing.
var errIdle = errors.New("no data received within the timeout")

// A target builds the requests for one remote object.
type target interface {
	// request returns a GET request for the object with the given Range
	// header value, and an If-Match header when ifMatch is set.
	request(ctx context.Context, rng, ifMatch string) (*http.Request, error)
	// display is the object's name in messages.
	display() string
	// explain turns an error status and the start of its body into a
	// message.
	explain(status int, body []byte) string
}

// A part is the result of one range request: the bytes from off in
// chunks that end on block boundaries, and the size of the whole object
// (-1 when the server does not say).
type part struct {
	off    int64
	chunks [][]byte
	total  int64
	// etag and lastMod are the response's ETag and Last-Modified headers.
	etag, lastMod string
	data          []byte // the whole object, when whole and small
	// whole is set when the server sent the whole object instead of the
	// range (first requests only): then data holds it, or file does.
	whole bool
	file  *os.File
}

// getRange fetches n bytes at off from t, retrying transient failures.
// When first is set, a server that ignores Range is accepted: the whole
// object is downloaded once (into memory when small, else into a
// temporary file) and returned with whole set; a later request that gets
// the whole object fails instead, so no tile ever costs a full download.
// ifMatch, when set, is sent as If-Match: a 412 answer means the object
// changed.
func (c *Client) getRange(ctx context.Context, t target, off, n int64, first bool, ifMatch string, st *counters) (*part, error) {
	rng := fmt.Sprintf("bytes=%d-%d", off, off+n-1)
	deadline := time.Now().Add(c.opts.RetryTime)
	delay := c.opts.RetryDelay
	for attempt := 1; ; attempt++ {
		p, err, retry, after := c.attempt(ctx, t, rng, off, n, first, ifMatch, st)
		if err == nil {
			return p, nil
		}
		var re *Error
		if !errors.As(err, &re) {
			re = &Error{URL: t.display(), Range: rng, Err: err}
		}
		re.Attempts = attempt
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !retry || attempt > c.opts.Retries {
			return nil, re
		}
		// Full jitter: a random wait up to the backoff, at least what the
		// server asked for in Retry-After.
		wait := time.Duration(rand.Int64N(int64(delay) + 1))
		wait = max(wait, after)
		if time.Now().Add(wait).After(deadline) {
			re.Msg = strings.TrimPrefix(re.Msg+"; retry time "+c.opts.RetryTime.String()+" exhausted", "; ")
			return nil, re
		}
		st.addRetry()
		tm := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			tm.Stop()
			return nil, ctx.Err()
		case <-tm.C:
		}
		delay = min(2*delay, 8*time.Second)
	}
}

// attempt sends one request. retry says whether a failure is worth
// another try, after how long the server asked to wait.
func (c *Client) attempt(ctx context.Context, t target, rng string, off, n int64, first bool, ifMatch string, st *counters) (p *part, err error, retry bool, after time.Duration) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(c.opts.Timeout, func() { cancel(errIdle) })
	defer timer.Stop()
	defer func() {
		if err != nil && ctx.Err() == nil && context.Cause(actx) == errIdle {
			err, retry = &Error{URL: t.display(), Range: rng, Msg: fmt.Sprintf("no data for %v", c.opts.Timeout)}, true
		}
	}()
	req, err := t.request(actx, rng, ifMatch)
	if err != nil {
		return nil, err, false, 0
	}
	st.addRequest()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &Error{URL: t.display(), Range: rng, Err: cleanNetErr(err)}, transient(err), 0
	}
	defer resp.Body.Close()
	body := &idleReader{r: resp.Body, timer: timer, d: c.opts.Timeout, st: st}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, end, total, perr := parseContentRange(resp.Header.Get("Content-Range"))
		if perr != nil {
			return nil, &Error{URL: t.display(), Range: rng, Status: resp.StatusCode, Err: perr}, false, 0
		}
		want := off + n - 1
		if total >= 0 {
			want = min(want, total-1)
		}
		if start != off || end != want {
			return nil, &Error{URL: t.display(), Range: rng, Status: resp.StatusCode,
				Msg: fmt.Sprintf("the server sent bytes %d-%d, want %d-%d", start, end, off, want)}, false, 0
		}
		// Read straight into block-sized buffers, which the cache keeps.
		p := &part{off: off, total: total, etag: resp.Header.Get("ETag"), lastMod: resp.Header.Get("Last-Modified")}
		bs := c.opts.BlockBytes
		for pos := start; pos <= end; {
			chunk := make([]byte, min(bs-pos%bs, end+1-pos))
			if _, err := io.ReadFull(body, chunk); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return nil, &Error{URL: t.display(), Range: rng, Status: resp.StatusCode,
					Msg: fmt.Sprintf("short body: want %d bytes", end-start+1), Err: cleanNetErr(err)}, true, 0
			}
			p.chunks = append(p.chunks, chunk)
			pos += int64(len(chunk))
		}
		return p, nil, false, 0
	case http.StatusOK:
		if !first {
			return nil, &Error{URL: t.display(), Range: rng, Status: resp.StatusCode,
				Msg: "the server ignored the Range header after honouring it for the first request"}, false, 0
		}
		p, err := c.download(body, resp.ContentLength)
		if err != nil {
			return nil, &Error{URL: t.display(), Status: resp.StatusCode,
				Msg: "downloading the whole file (the server ignores Range requests)", Err: cleanNetErr(err)}, transient(err), 0
		}
		p.etag, p.lastMod = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		return p, nil, false, 0
	case http.StatusPreconditionFailed:
		if ifMatch != "" {
			return nil, &Error{URL: t.display(), Range: rng, Status: resp.StatusCode,
				Msg: "the file changed while being read: its ETag is no longer " + ifMatch + ", the one it had when opened; run again"}, false, 0
		}
	case http.StatusRequestedRangeNotSatisfiable:
		if first && off == 0 {
			// An empty object has no byte 0.
			return &part{off: 0, total: 0}, nil, false, 0
		}
	}
	msgBody, _ := io.ReadAll(io.LimitReader(body, 4096))
	e := &Error{URL: t.display(), Range: rng, Status: resp.StatusCode, Msg: t.explain(resp.StatusCode, msgBody)}
	retry = resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented
	if retry {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			after = min(time.Duration(s)*time.Second, 30*time.Second)
		}
	}
	return nil, e, retry, after
}

// download reads a whole object from body: into memory when it fits in
// HeaderBytes, else into a temporary file.
func (c *Client) download(body io.Reader, length int64) (*part, error) {
	head := make([]byte, c.opts.HeaderBytes+1)
	n, err := io.ReadFull(body, head)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		if length >= 0 && int64(n) != length {
			return nil, fmt.Errorf("got %d bytes, want %d: %w", n, length, io.ErrUnexpectedEOF)
		}
		return &part{data: head[:n], total: int64(n), whole: true}, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(c.opts.TempDir, "gomean-remote-*")
	if err != nil {
		return nil, fmt.Errorf("temporary file: %w", err)
	}
	if runtime.GOOS != "windows" {
		// Nothing is left behind, even if the process is killed.
		os.Remove(f.Name())
	}
	fail := func(err error) (*part, error) {
		removeTemp(f)
		return nil, err
	}
	if _, err := f.Write(head[:n]); err != nil {
		return fail(err)
	}
	m, err := io.Copy(f, body)
	if err != nil {
		return fail(err)
	}
	total := int64(n) + m
	if length >= 0 && total != length {
		return fail(fmt.Errorf("got %d bytes, want %d: %w", total, length, io.ErrUnexpectedEOF))
	}
	return &part{total: total, whole: true, file: f}, nil
}

// An idleReader resets the request's idle timer on every read and counts
// the bytes read.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
	st    *counters
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.d)
		r.st.addBytes(int64(n))
	}
	return n, err
}

// parseContentRange parses "bytes START-END/TOTAL" (TOTAL may be *,
// returned as -1).
func parseContentRange(s string) (start, end, total int64, err error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !ok {
		return 0, 0, 0, fmt.Errorf("invalid Content-Range %q", s)
	}
	rng, tot, ok := strings.Cut(rest, "/")
	a, b, ok2 := strings.Cut(rng, "-")
	if !ok || !ok2 {
		return 0, 0, 0, fmt.Errorf("invalid Content-Range %q", s)
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	total = -1
	var err3 error
	if tot != "*" {
		total, err3 = strconv.ParseInt(tot, 10, 64)
	}
	if err1 != nil || err2 != nil || err3 != nil || start < 0 || end < start || total >= 0 && end >= total {
		return 0, 0, 0, fmt.Errorf("invalid Content-Range %q", s)
	}
	return start, end, total, nil
}

// transient reports whether a transport error is worth a retry: a
// timeout, a reset connection, or a connection closed early. A refused
// connection is not: nothing listens there.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "server closed")
}

// cleanNetErr drops the *url.Error wrapper, whose message repeats the
// method and the URL (with its query string).
func cleanNetErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// redact returns u without its query string, which may hold a signature.
func redact(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}
