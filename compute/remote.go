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
type remoteScope struct {
	ctx   context.Context
	files []*remote.File
}

var (
	remoteMu     sync.Mutex
	remoteScopes = map[*filePool]*remoteScope{}
)

// bindRemote ties the remote inputs that pool's opener opens to ctx; the
// function it returns closes them.
func bindRemote(ctx context.Context, pool *filePool) func() {
	remoteMu.Lock()
	remoteScopes[pool] = &remoteScope{ctx: ctx}
	remoteMu.Unlock()
	return func() {
		remoteMu.Lock()
		sc := remoteScopes[pool]
		delete(remoteScopes, pool)
		remoteMu.Unlock()
		for _, f := range sc.files {
			f.Close()
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
	if sc != nil {
		ctx = sc.ctx
	}
	f, err := c.Open(ctx, name)
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
	return r, nil
}
