package main

import (
	"context"
	"fmt"
	"os"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/remote"
	"github.com/gomean/gomean/sidecar"
)

// openRaster opens a local file, or a remote input (a URL, /vsicurl/,
// /vsis3/) read by range; done closes what it opened.
func openRaster(ctx context.Context, name string) (r *geotiff.Reader, done func(), err error) {
	if !remote.IsRemote(name) {
		r, err := geotiff.Open(name)
		if err != nil {
			return nil, nil, err
		}
		return r, func() { r.Close() }, nil
	}
	opts, err := remote.ParseOptions(os.Getenv("GOMEAN_REMOTE"))
	if err != nil {
		return nil, nil, fmt.Errorf("GOMEAN_REMOTE: %w", err)
	}
	f, err := remote.NewClient(opts).Open(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	r, err = geotiff.NewReaderOptions(f, f.Size(), geotiff.ReaderOptions{Name: name})
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, func() { f.Close() }, nil
}

// readSidecars reads the sidecars of name as sidecar.Read does, over the
// network for a remote raster (see remote.Client.Sidecars): its PAM file,
// and its world files when the TIFF has no geotransform (hasTransform).
func readSidecars(ctx context.Context, name string, hasTransform bool) (*sidecar.Info, error) {
	if !remote.IsRemote(name) {
		return sidecar.Read(name)
	}
	opts, err := remote.ParseOptions(os.Getenv("GOMEAN_REMOTE"))
	if err != nil {
		return nil, fmt.Errorf("GOMEAN_REMOTE: %w", err)
	}
	c := remote.NewClient(opts)
	if !c.Sidecars(name) {
		return nil, nil
	}
	return sidecar.ReadWith(name, func(n string, limit int64) ([]byte, error) {
		return c.ReadSmall(ctx, n, limit)
	}, !hasTransform)
}
