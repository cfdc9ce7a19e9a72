package remote

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Options tune a [Client]. The zero value of each field means its default.
type Options struct {
	// HeaderBytes is the size of the first read of each file, which holds
	// the TIFF header and, in a cloud-optimized GeoTIFF, its IFDs; IFDs
	// further on are read when the parser asks for them. Default 64 KiB.
	HeaderBytes int64
	// BlockBytes is the unit of the byte cache: reads are rounded out to
	// whole blocks. Default 16 KiB.
	BlockBytes int64
	// GapBytes merges two ranges into one request when at most this many
	// bytes lie between them (the bytes in between are fetched too).
	// Default 64 KiB.
	GapBytes int64
	// MaxRequestBytes caps one request; a longer run of blocks is split
	// into requests sent side by side. Default 2 MiB.
	MaxRequestBytes int64
	// ReadaheadBytes caps how far ahead of sequential reads a file
	// fetches. It starts at 64 KiB and doubles while reads stay
	// sequential, and is never more than the cache's share of one open
	// file. Default 8 MiB.
	ReadaheadBytes int64
	// CacheBytes caps the byte cache shared by the client's files.
	// Default (0): 64 MiB, or 8 MiB per open file when that is more, so
	// that each file has room to read ahead.
	CacheBytes int64
	// Requests caps the requests in flight for the whole client, and
	// PerFile those for one file. Defaults 32 and 6.
	Requests int
	PerFile  int
	// Retries is the number of times a request is tried again after a
	// 5xx, 429 or 408 status, a timeout, a reset connection or a short
	// body; RetryTime caps the time spent retrying one request. Defaults
	// 5 and 60 seconds. Retries < 0 means no retries.
	Retries   int
	RetryTime time.Duration
	// RetryDelay is the first backoff delay; each retry doubles it, up to
	// 8 seconds, and waits a random time up to it (full jitter).
	// Default 200 ms.
	RetryDelay time.Duration
	// Timeout aborts (and retries) a request that receives no byte for
	// this long, from the connection to the end of the body. Default 30 s.
	Timeout time.Duration
	// TempDir is where a file is downloaded whole when its server ignores
	// Range requests; default os.TempDir().
	TempDir string
	// Transport, if set, sends the requests (tests); default a keep-alive
	// transport sized for Requests.
	Transport http.RoundTripper
	// Env, if set, replaces os.Getenv for the S3 settings (tests).
	Env func(string) string
}

// withDefaults fills in the zero fields of o.
func (o Options) withDefaults() Options {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.HeaderBytes, 64<<10)
	def(&o.BlockBytes, 16<<10)
	def(&o.GapBytes, 64<<10)
	def(&o.MaxRequestBytes, 2<<20)
	def(&o.ReadaheadBytes, 8<<20)
	// The header read fills whole blocks.
	o.HeaderBytes = (o.HeaderBytes + o.BlockBytes - 1) / o.BlockBytes * o.BlockBytes
	if o.MaxRequestBytes < o.BlockBytes {
		o.MaxRequestBytes = o.BlockBytes
	}
	if o.Requests <= 0 {
		o.Requests = 32
	}
	if o.PerFile <= 0 {
		o.PerFile = 6
	}
	if o.Retries == 0 {
		o.Retries = 5
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryTime <= 0 {
		o.RetryTime = 60 * time.Second
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 200 * time.Millisecond
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return o
}

// ParseOptions reads options from a comma-separated list of key=value
// pairs, as in the GOMEAN_REMOTE environment variable:
// header, block, gap, request, readahead and cache take sizes (64K, 8M,
// 1G or bytes); requests, per-file and retries counts; retry-time,
// retry-delay and timeout durations (10s, 500ms). An empty string gives
// the zero Options (all defaults).
func ParseOptions(s string) (Options, error) {
	var o Options
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return o, fmt.Errorf("remote option %q: want key=value", kv)
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		var err error
		switch k {
		case "header":
			o.HeaderBytes, err = parseBytes(v)
		case "block":
			o.BlockBytes, err = parseBytes(v)
		case "gap":
			o.GapBytes, err = parseBytes(v)
		case "request":
			o.MaxRequestBytes, err = parseBytes(v)
		case "readahead":
			o.ReadaheadBytes, err = parseBytes(v)
		case "cache":
			o.CacheBytes, err = parseBytes(v)
		case "requests":
			o.Requests, err = parseCount(v)
		case "per-file":
			o.PerFile, err = parseCount(v)
		case "retries":
			o.Retries, err = strconv.Atoi(v)
			if err == nil && o.Retries == 0 {
				o.Retries = -1
			}
		case "retry-time":
			o.RetryTime, err = parseDuration(v)
		case "retry-delay":
			o.RetryDelay, err = parseDuration(v)
		case "timeout":
			o.Timeout, err = parseDuration(v)
		default:
			return o, fmt.Errorf("remote option %q: unknown key: want header, block, gap, request, readahead, cache, requests, per-file, retries, retry-time, retry-delay or timeout", k)
		}
		if err != nil {
			return o, fmt.Errorf("remote option %s=%s: %w", k, v, err)
		}
	}
	return o, nil
}

// parseBytes parses a positive size: a number with an optional K, M or G
// suffix (powers of 1024, an optional trailing B or iB).
func parseBytes(s string) (int64, error) {
	t := strings.ToUpper(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	switch {
	case strings.HasSuffix(t, "K"):
		mult = 1 << 10
	case strings.HasSuffix(t, "M"):
		mult = 1 << 20
	case strings.HasSuffix(t, "G"):
		mult = 1 << 30
	}
	if mult > 1 {
		t = t[:len(t)-1]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("invalid size %q: want a positive number of bytes, with K, M or G", s)
	}
	return n * mult, nil
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > 1024 {
		return 0, fmt.Errorf("invalid count %q: want 1 to 1024", s)
	}
	return n, nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: want for example 500ms or 30s", s)
	}
	return d, nil
}
