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
	files []opened
	early map[string]opened
	small []string // the names of the sidecars fetched ahead (remoteSmall)
}

// An opened is a remote file opened ahead (and the error of opening it),
// or one in use by reader r.
type opened struct {
	f   *remote.File
	r   *geotiff.Reader
	err error
}

// openAhead is the number of remote inputs opened at once: each open
// waits for one round trip.
const openAhead = 16

// remoteScopes holds the scope of each run's pool; remoteFiles the
// remote file each open remote reader reads, for expectRemote.
var (
	remoteMu     sync.Mutex
	remoteScopes = map[*filePool]*remoteScope{}
	remoteFiles  = map[*geotiff.Reader]*remote.File{}
)

// bindRemote ties the remote inputs that pool's opener opens to ctx, and
// opens the remote ones among names side by side (each open is a round
// trip); the function it returns closes them.
func bindRemote(ctx context.Context, pool *filePool, names []string) func() {
	sc := &remoteScope{ctx: ctx, early: map[string]opened{}}
	var remotes []string
	seen := map[string]bool{} // the same URL twice: opened again on use
	for _, name := range names {
		if remote.IsRemote(name) && !seen[name] {
			seen[name] = true
			remotes = append(remotes, name)
		}
	}
	if c, err := defaultRemote(); err == nil && len(remotes) > 0 {
		var wg sync.WaitGroup
		sem := make(chan struct{}, openAhead)
		for _, name := range remotes {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				var side sync.WaitGroup
				if remoteSidecars(name) {
					fetchSidecarsAhead(ctx, c, sc, name, &side)
				}
				f, err := c.Open(ctx, name)
				remoteMu.Lock()
				sc.early[name] = opened{f: f, err: err}
				remoteMu.Unlock()
				side.Wait()
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
		for _, o := range sc.files {
			remoteMu.Lock()
			delete(remoteFiles, o.r)
			remoteMu.Unlock()
			o.f.Close()
		}
		remoteMu.Lock()
		for _, name := range sc.small {
			delete(remoteSmall, name)
		}
		remoteMu.Unlock()
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
		sc.files = append(sc.files, opened{f: f, r: r})
		remoteMu.Unlock()
	}
	remoteMu.Lock()
	remoteFiles[r] = f
	remoteMu.Unlock()
	return r, nil
}
