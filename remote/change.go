package remote

import (
	"fmt"
	"net/http"
	"strings"
)

// ifMatch returns the If-Match header for f's requests: its ETag when
// strong (a weak one never matches If-Match), else "".
func (f *File) ifMatch() string {
	if strings.HasPrefix(f.etag, `"`) {
		return f.etag
	}
	return ""
}

// same checks that part p, the answer to a request for rng, comes from
// the file f opened: the same size, the same ETag (when both answers
// give one), else the same Last-Modified (when both give one). Mixing
// the tiles of two versions would give wrong pixels without a word.
func (f *File) same(p *part, rng string) error {
	var what string
	switch {
	case p.total >= 0 && p.total != f.size:
		what = fmt.Sprintf("it is now %d bytes, was %d when opened", p.total, f.size)
	case f.etag != "" && p.etag != "":
		if p.etag != f.etag {
			what = fmt.Sprintf("its ETag is now %s, was %s when opened", p.etag, f.etag)
		}
	case f.lastMod != "" && p.lastMod != "" && p.lastMod != f.lastMod:
		what = fmt.Sprintf("its Last-Modified is now %s, was %s when opened", p.lastMod, f.lastMod)
	}
	if what == "" {
		return nil
	}
	return &Error{URL: f.t.display(), Range: rng, Status: http.StatusPartialContent, Msg: "the file changed while being read: " + what + "; run again"}
}
