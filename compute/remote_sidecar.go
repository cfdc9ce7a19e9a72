package compute

import (
	"context"
	"errors"
	"io/fs"
	"sync"

	"github.com/gomean/gomean/remote"
	"github.com/gomean/gomean/sidecar"
)

// The sidecars of a remote input (URL.aux.xml, URL.msk, and world files
// when it has no geotransform) are looked for as GDAL's /vsicurl/ and
// /vsis3/ look for them: a request each, a client error (404, or 403 from
// S3 for a missing key) meaning there is none. The PAM file and the masks
// are asked for when the inputs are opened, side by side with the inputs
// themselves (bindRemote), so they cost no round trip of their own.

// sidecarPrefetch is how much of URL.aux.xml is fetched ahead: a PAM file
// is a few kilobytes; a larger one is fetched again, whole, when read.
const sidecarPrefetch = 1 << 20

// remoteSidecars reports whether the sidecars of the remote input name
// are looked for (see [remote.Client.Sidecars]).
func remoteSidecars(name string) bool {
	c, err := defaultRemote()
	return err == nil && c.Sidecars(name)
}

// absent reports whether err says that an optional remote file is not
// there: a client error (4xx) or no such file.
func absent(err error) bool {
	var re *remote.Error
	return errors.Is(err, fs.ErrNotExist) || errors.As(err, &re) && re.Status >= 400 && re.Status < 500
}

// A smallFile is a sidecar fetched ahead: its first bytes (nil when it
// does not exist), whether they are all of it, or the error.
type smallFile struct {
	data     []byte
	complete bool
	err      error
}

// remoteSmall holds the sidecars fetched ahead, by name, until they are
// read or the run ends. Guarded by remoteMu.
var remoteSmall = map[string]*smallFile{}

// fetchSidecarsAhead fetches URL.aux.xml and opens URL.msk and URL.MSK,
// as the run will look for them, into remoteSmall and sc.
// Called from bindRemote, side by side with the opening of name.
func fetchSidecarsAhead(ctx context.Context, c *remote.Client, sc *remoteScope, name string, wg *sync.WaitGroup) {
	wg.Go(func() {
		aux := name + ".aux.xml"
		b, err := c.ReadSmall(ctx, aux, sidecarPrefetch)
		sf := &smallFile{data: b, complete: len(b) < sidecarPrefetch, err: err}
		remoteMu.Lock()
		remoteSmall[aux] = sf
		sc.small = append(sc.small, aux)
		remoteMu.Unlock()
	})
	// Both spellings at once: one round trip, and a request more only
	// when URL.msk exists (URL.MSK, unused, is closed with the run).
	for _, suf := range maskSuffixes {
		wg.Go(func() {
			f, err := c.Open(ctx, name+suf)
			remoteMu.Lock()
			sc.early[name+suf] = opened{f: f, err: err}
			remoteMu.Unlock()
		})
	}
}

// readRemoteSidecars reads the PAM file of the remote input name, and its
// world files when the TIFF has no geotransform (hasTransform), as
// sidecar.Read reads a local file's.
func readRemoteSidecars(name string, hasTransform bool) (*sidecar.Info, error) {
	if !remoteSidecars(name) {
		return nil, nil
	}
	c, err := defaultRemote()
	if err != nil {
		return nil, err
	}
	fetch := func(n string, limit int64) ([]byte, error) {
		remoteMu.Lock()
		sf := remoteSmall[n]
		delete(remoteSmall, n)
		remoteMu.Unlock()
		if sf != nil && (sf.err != nil || sf.data == nil || sf.complete || int64(len(sf.data)) >= limit) {
			if sf.err != nil || sf.data == nil {
				return nil, sf.err
			}
			return sf.data[:min(int64(len(sf.data)), limit)], nil
		}
		return c.ReadSmall(context.Background(), n, limit)
	}
	return sidecar.ReadWith(name, fetch, !hasTransform)
}

// openRemoteMask opens URL.msk, else URL.MSK, through open, when there is
// one (GDAL_TIFF_INTERNAL_MASK=NO writes them).
func (in *input) openRemoteMask(open opener) error {
	if !remoteSidecars(in.name) {
		return nil
	}
	for _, suf := range maskSuffixes {
		name := in.name + suf
		mr, err := open(name)
		if err != nil {
			if absent(err) {
				continue
			}
			return &InputError{Path: name, Err: err}
		}
		in.maskR, in.maskIm, in.maskName = mr, mr.Image(), name
		if in.maskIm == nil {
			return errors.New(name + ": no image in the mask file")
		}
		return nil
	}
	return nil
}
