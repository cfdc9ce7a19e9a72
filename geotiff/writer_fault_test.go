package geotiff

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// failingFile accepts limit bytes, then fails every write with ENOSPC.
type failingFile struct {
	memFile
	limit   int64
	written atomic.Int64
}

func (f *failingFile) WriteAt(p []byte, off int64) (int, error) {
	if f.written.Add(int64(len(p))) > f.limit {
		return 0, &os.PathError{Op: "write", Path: "failing.tif", Err: syscall.ENOSPC}
	}
	return f.memFile.WriteAt(p, off)
}

// blockingFile blocks every write until release is closed.
type blockingFile struct {
	memFile
	release chan struct{}
}

func (f *blockingFile) WriteAt(p []byte, off int64) (int, error) {
	<-f.release
	return f.memFile.WriteAt(p, off)
}

// checkGoroutines fails if more goroutines than before are still running
// after a grace period.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines leaked:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
}

var faultOptions = WriterOptions{Width: 500, Height: 300, Bands: 1, Type: Float32, TileWidth: 64, TileHeight: 64, Workers: 3}

func TestWriterDiskFull(t *testing.T) {
	before := runtime.NumGoroutine()
	raster := testRaster(faultOptions.Type, faultOptions.Width, faultOptions.Height, 1)
	f := &failingFile{limit: 40000}
	w, err := NewWriter(f, faultOptions)
	if err != nil {
		t.Fatal(err)
	}
	err = writeRaster(w, raster, 2)
	if !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), "geotiff: write tile ") {
		t.Errorf("got error %v, want geotiff: write tile N: ... ENOSPC", err)
	}
	if err := w.Close(); !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, errAborted) {
		t.Errorf("Close after the failure: %v", err)
	}
	checkGoroutines(t, before)
}

func TestWriterDiskFullAtClose(t *testing.T) {
	// All tiles fit, the IFD does not.
	o := faultOptions
	o.Compression = CompressionNone
	cfg, _ := o.config()
	f := &failingFile{limit: int64(cfg.numTiles*cfg.tileBytes) + 100}
	w, err := NewWriter(f, o)
	if err != nil {
		t.Fatal(err)
	}
	err = writeRaster(w, testRaster(o.Type, o.Width, o.Height, 1), 1)
	if !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), "geotiff: close: write IFD: ") {
		t.Errorf("got error %v, want geotiff: close: write IFD: ... ENOSPC", err)
	}
}

func TestWriterEncodeError(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	cfg, err := faultOptions.config()
	if err != nil {
		t.Fatal(err)
	}
	injected := errors.New("injected failure")
	cfg.testEncodeErr = func(i int) error {
		if i == 5 {
			return injected
		}
		return nil
	}
	name := filepath.Join(dir, "out.tif")
	f, err := createTemp(name, false)
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWriter(f, cfg, f, name)
	if err != nil {
		t.Fatal(err)
	}
	err = writeRaster(w, testRaster(cfg.Type, cfg.Width, cfg.Height, 1), 2)
	if !errors.Is(err, injected) || !strings.Contains(err.Error(), "geotiff: write tile 5: DEFLATE: injected failure") {
		t.Errorf("got error %v, want geotiff: write tile 5: DEFLATE: injected failure", err)
	}
	checkOnlyFiles(t, dir)
	checkGoroutines(t, before)
}

func TestWriterCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "out.tif"), faultOptions)
	if err != nil {
		t.Fatal(err)
	}
	raster := testRaster(faultOptions.Type, faultOptions.Width, faultOptions.Height, 1)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := errors.New("user pressed ^C")
	for i := range w.NumTiles() {
		if i == 7 {
			cancel(stop)
		}
		err = w.WriteTile(ctx, i, tileOf(raster, w.cfg, i))
		if err != nil {
			break
		}
	}
	if !errors.Is(err, stop) || err.Error() != "geotiff: write tile 7: user pressed ^C" {
		t.Errorf("got error %v, want geotiff: write tile 7: user pressed ^C", err)
	}
	if err := w.Abort(); err != nil {
		t.Error(err)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if err := w.Close(); !errors.Is(err, errAborted) {
		t.Errorf("Close after Abort: got %v, want %v", err, errAborted)
	}
	checkOnlyFiles(t, dir)
	checkGoroutines(t, before)
}

// TestWriterBackpressure checks that a stalled file stops WriteTile after
// window tiles, that cancelling a blocked WriteTile returns promptly, and
// that the writer finishes once the file moves again.
func TestWriterBackpressure(t *testing.T) {
	before := runtime.NumGoroutine()
	o := faultOptions
	o.Workers = 2
	f := &blockingFile{release: make(chan struct{})}
	w, err := NewWriter(f, o)
	if err != nil {
		t.Fatal(err)
	}
	raster := testRaster(o.Type, o.Width, o.Height, 1)
	window := w.cfg.window
	var accepted atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		for i := range w.NumTiles() {
			if err := w.WriteTile(ctx, i, tileOf(raster, w.cfg, i)); err != nil {
				done <- err
				return
			}
			accepted.Add(1)
		}
		done <- nil
	}()
	deadline := time.Now().Add(3 * time.Second)
	for accepted.Load() < int64(window) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := accepted.Load(); n != int64(window) {
		t.Errorf("accepted %d tiles while the file was stalled, want the window of %d", n, window)
	}
	cancel()
	select {
	case err := <-done:
		if want := fmt.Sprintf("geotiff: write tile %d: context canceled", window); err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("WriteTile did not return after cancel")
	}
	close(f.release)
	for i := window; i < w.NumTiles(); i++ {
		if err := w.WriteTile(context.Background(), i, tileOf(raster, w.cfg, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkGoroutines(t, before)
}

// TestWriterManyGoroutines hands each tile from its own goroutine, in
// random order, under the race detector's eye.
func TestWriterManyGoroutines(t *testing.T) {
	o := faultOptions
	o.Workers = 2
	raster := testRaster(o.Type, o.Width, o.Height, 1)
	want := encodeMem(t, o, raster)
	var m memFile
	w, err := NewWriter(&m, o)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, w.NumTiles())
	for i := w.NumTiles() - 1; i >= 0; i-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- w.WriteTile(context.Background(), i, tileOf(raster, w.cfg, i))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := m.Bytes(); string(got) != string(want) {
		t.Errorf("file differs from the in-order one at byte %d", firstDiff(got, want))
	}
}

func TestCreateMissingTile(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "out.tif"), faultOptions)
	if err != nil {
		t.Fatal(err)
	}
	raster := testRaster(faultOptions.Type, faultOptions.Width, faultOptions.Height, 1)
	// Tiles after 9 within the window are accepted; further ones would
	// wait for tile 9.
	for i := range 9 + w.cfg.window {
		if i != 9 {
			if err := w.WriteTile(context.Background(), i, tileOf(raster, w.cfg, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// This one waits for tile 9 until Close fails.
	blocked := make(chan error)
	go func() {
		i := 9 + w.cfg.window
		blocked <- w.WriteTile(context.Background(), i, tileOf(raster, w.cfg, i))
	}()
	time.Sleep(20 * time.Millisecond)
	want := fmt.Sprintf("geotiff: close: tile 9 of %d was never written", w.NumTiles())
	if err := w.Close(); err == nil || err.Error() != want {
		t.Errorf("Close: got %v, want %s", err, want)
	}
	if err := <-blocked; err == nil || err.Error() != want {
		t.Errorf("blocked WriteTile: got %v, want %s", err, want)
	}
	checkOnlyFiles(t, dir)
	checkGoroutines(t, before)
}
