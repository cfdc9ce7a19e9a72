package compute

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/remote"
)

// The process's client for remote inputs, made on first use with the
// options of the GOMEAN_REMOTE environment variable, so that its cache
// and connections serve every run.
var (
	remoteOnce   sync.Once
	remoteClient *remote.Client
	remoteErr    error
)

// defaultRemote returns the process's remote client.
func defaultRemote() (*remote.Client, error) {
	remoteOnce.Do(func() {
		opts, err := remote.ParseOptions(os.Getenv("GOMEAN_REMOTE"))
		if err != nil {
			remoteErr = fmt.Errorf("GOMEAN_REMOTE: %w", err)
			return
		}
		remoteClient = remote.NewClient(opts)
	})
	return remoteClient, remoteErr
}

// A remoteScope holds the remote files opened for one run: their
// requests end with the run's context, and the files close with it.
// early holds the files opened ahead, side by side, by name.
type remoteScope struct {
	ctx   context.Context
	files []*remote.File
	early map[string]opened
}

// An opened is the outcome of opening one remote file ahead.
type opened struct {
	f   *remote.File
	err error
}

// openAhead is the number of remote inputs opened at once: each open
// waits for one round trip.
const openAhead = 16

var (
	remoteMu     sync.Mutex
	remoteScopes = map[*filePool]*remoteScope{}
)

// bindRemote ties the remote inputs that pool's opener opens to ctx, and
// opens the remote ones among names side by side (each open is a round
// trip); the function it returns closes them.
func bindRemote(ctx context.Context, pool *filePool, names []string) func() {
	sc := &remoteScope{ctx: ctx, early: map[string]opened{}}
	var remotes []string
	for _, name := range names {
		if remote.IsRemote(name) {
			remotes = append(remotes, name)
		}
	}
	if c, err := defaultRemote(); err == nil && len(remotes) > 1 {
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, openAhead)
		for _, name := range remotes {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				f, err := c.Open(ctx, name)
				mu.Lock()
				if prev, dup := sc.early[name]; dup && prev.f != nil {
					prev.f.Close() // the same URL twice: opened again on use
				}
				sc.early[name] = opened{f, err}
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	remoteMu.Lock()
	remoteScopes[pool] = sc
	remoteMu.Unlock()
	return func() {
		remoteMu.Lock()
		sc := remoteScopes[pool]
		delete(remoteScopes, pool)
		remoteMu.Unlock()
		for _, f := range sc.files {
			f.Close()
		}
		for _, o := range sc.early {
			if o.f != nil {
				o.f.Close()
			}
		}
	}
}

// openRemote opens the remote input name (a URL) for pool's run.
func openRemote(pool *filePool, name string) (*geotiff.Reader, error) {
	c, err := defaultRemote()
	if err != nil {
		return nil, err
	}
	remoteMu.Lock()
	sc := remoteScopes[pool]
	remoteMu.Unlock()
	ctx := context.Background()
	var f *remote.File
	if sc != nil {
		ctx = sc.ctx
		remoteMu.Lock()
		o, ok := sc.early[name]
		delete(sc.early, name)
		remoteMu.Unlock()
		if ok {
			f, err = o.f, o.err
		}
	}
	if f == nil && err == nil {
		f, err = c.Open(ctx, name)
	}
	if err != nil {
		return nil, err
	}
	r, err := geotiff.NewReaderOptions(f, f.Size(), geotiff.ReaderOptions{Name: name})
	if err != nil {
		f.Close()
		return nil, err
	}
	if sc != nil {
		remoteMu.Lock()
		sc.files = append(sc.files, f)
		remoteMu.Unlock()
	}
	if im := r.Image(); im != nil {
		f.Prefetch(firstRow(im))
	}
	return r, nil
}

// prefetchBytes caps what is asked for ahead of the pipeline at open.
const prefetchBytes = 8 << 20

// firstRow returns the byte span of the blocks of im's first 256 rows
// (plane 0), which the pipeline reads first, as far as they lie in order
// in the file, at most prefetchBytes; 0, 0 when there is none.
func firstRow(im *geotiff.Image) (off, n int64) {
	offs, counts := im.Fields.Get(geotiff.TagTileOffsets), im.Fields.Get(geotiff.TagTileByteCounts)
	if offs == nil || counts == nil {
		offs, counts = im.Fields.Get(geotiff.TagStripOffsets), im.Fields.Get(geotiff.TagStripByteCounts)
	}
	if offs == nil || counts == nil {
		return 0, 0
	}
	o, c := offs.Uints(), counts.Uints()
	g := im.Grid()
	rows := max(1, (256+g.TileHeight-1)/max(1, g.TileHeight))
	k := min(g.Across()*rows, len(o), len(c))
	if k == 0 {
		return 0, 0
	}
	start, end := o[0], o[0]
	for i := range k {
		if o[i] < end || o[i]-end > 64<<10 || c[i] > prefetchBytes || o[i]+c[i]-start > prefetchBytes {
			break // out of order, far apart, or enough
		}
		end = o[i] + c[i]
	}
	return int64(start), int64(end - start)
}
