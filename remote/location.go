package remote

import (
	"fmt"
	"net/url"
	"strings"
)

// A Kind says how a remote input is reached.
type Kind int

// The kinds of remote input.
const (
	HTTP Kind = iota + 1 // http:// or https://, or GDAL's /vsicurl/URL
	S3                   // s3://bucket/key, or GDAL's /vsis3/bucket/key
)

// String returns "http" or "s3".
func (k Kind) String() string {
	switch k {
	case HTTP:
		return "http"
	case S3:
		return "s3"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// A Location is a parsed remote input name.
type Location struct {
	Kind   Kind
	URL    string // the http(s) URL (HTTP)
	Bucket string // the bucket (S3)
	Key    string // the object key, without a leading slash (S3)
}

// String returns the location as a URL: the http(s) URL, or s3://bucket/key.
func (l Location) String() string {
	if l.Kind == S3 {
		return "s3://" + l.Bucket + "/" + l.Key
	}
	return l.URL
}

// unsupportedPrefixes are GDAL virtual file systems that look remote but
// are not read here; naming them gives a clear error instead of "no such
// file".
var unsupportedPrefixes = []string{"/vsigs/", "/vsiaz/", "/vsiadls/", "/vsioss/", "/vsiswift/", "/vsiwebhdfs/",
	"/vsicurl_streaming/", "/vsis3_streaming/", "/vsicurl?", "gs://", "az://", "ftp://"}

// IsRemote reports whether name is a remote input: it starts with
// http://, https://, s3://, /vsicurl/ or /vsis3/, or with the prefix of a
// remote GDAL file system that is not supported (so that opening it gives
// a clear error rather than "no such file"). Local paths, including glob
// patterns, are never remote.
func IsRemote(name string) bool {
	lower := strings.ToLower(name)
	for _, p := range []string{"http://", "https://", "s3://", "/vsicurl/", "/vsis3/"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	for _, p := range unsupportedPrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// Parse parses a remote input name: an http:// or https:// URL,
// /vsicurl/URL, s3://bucket/key or /vsis3/bucket/key.
func Parse(name string) (Location, error) {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(lower, "/vsicurl/"):
		return parseHTTP(name, name[len("/vsicurl/"):])
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return parseHTTP(name, name)
	case strings.HasPrefix(lower, "s3://"):
		return parseS3(name, name[len("s3://"):])
	case strings.HasPrefix(lower, "/vsis3/"):
		return parseS3(name, name[len("/vsis3/"):])
	}
	for _, p := range unsupportedPrefixes {
		if strings.HasPrefix(lower, p) {
			return Location{}, fmt.Errorf("%s: %s inputs are not supported: give an http(s):// URL (a signed URL works), s3://bucket/key, /vsicurl/URL or /vsis3/bucket/key", name, strings.Trim(p, "/?:"))
		}
	}
	return Location{}, fmt.Errorf("%s: not a remote input: want http://, https://, s3://, /vsicurl/ or /vsis3/", name)
}

func parseHTTP(name, raw string) (Location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Location{}, fmt.Errorf("%s: invalid URL: %w", name, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Location{}, fmt.Errorf("%s: URL scheme %q: want http or https", name, u.Scheme)
	}
	if u.Host == "" {
		return Location{}, fmt.Errorf("%s: URL has no host", name)
	}
	u.Fragment = ""
	return Location{Kind: HTTP, URL: u.String()}, nil
}

func parseS3(name, rest string) (Location, error) {
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" || key == "" {
		return Location{}, fmt.Errorf("%s: want s3://bucket/key or /vsis3/bucket/key", name)
	}
	return Location{Kind: S3, Bucket: bucket, Key: key}, nil
}
