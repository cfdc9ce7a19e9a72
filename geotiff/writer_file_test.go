package geotiff

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestCreateTempName(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out[1].tif")
	o := WriterOptions{Width: 16, Height: 16, Bands: 1, Type: Uint8, TileWidth: 16, TileHeight: 16}
	w, err := Create(name, o)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(w.tmp)
	prefix := ".out[1].tif.gomean-tmp-" + strconv.Itoa(os.Getpid()) + "-"
	if filepath.Dir(w.tmp) != dir || !strings.HasPrefix(base, prefix) || len(base) == len(prefix) {
		t.Errorf("temporary file %s, want %s<random> in %s", w.tmp, prefix, dir)
	}
	if ok, err := filepath.Match(TempPattern(name), w.tmp); !ok || err != nil {
		t.Errorf("TempPattern(%q) = %q does not match %q (%v)", name, TempPattern(name), w.tmp, err)
	}
	for _, other := range []string{filepath.Join(dir, ".out1.tif.gomean-tmp-1-2"), filepath.Join(dir, "out[1].tif")} {
		if ok, _ := filepath.Match(TempPattern(name), other); ok {
			t.Errorf("TempPattern(%q) matches %q", name, other)
		}
	}
	if err := writeRaster(w, make([]byte, 256), 1); err != nil {
		t.Fatal(err)
	}
	checkOnlyFiles(t, dir, "out[1].tif")
}

// tempFailingFile is the temporary file of Create, failing with ENOSPC
// after limit bytes as *os.File does: a *fs.PathError naming the file.
type tempFailingFile struct {
	*os.File
	limit   int64
	written int64
}

func (f *tempFailingFile) WriteAt(p []byte, off int64) (int, error) {
	if f.written += int64(len(p)); f.written > f.limit {
		return 0, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.WriteAt(p, off)
}

// TestCreateErrorsNameOutput checks that errors of writing the file name
// the output, not the temporary file, and that nothing is left behind.
func TestCreateErrorsNameOutput(t *testing.T) {
	o := faultOptions
	cfg, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	raster := testRaster(o.Type, o.Width, o.Height, 1)
	for _, tc := range []struct {
		name  string
		limit int64
		mask  bool
	}{
		{"tiles", 40000, false},
		{"tiles with mask", 40000, true},
		{"IFD", 1 << 30, false}, // the tiles fit, compressed; limit set below
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "out.tif")
			c := *cfg
			c.Mask = tc.mask
			cc, err := c.WriterOptions.config()
			if err != nil {
				t.Fatal(err)
			}
			f, err := createTemp(name, false)
			if err != nil {
				t.Fatal(err)
			}
			ff := &tempFailingFile{File: f, limit: tc.limit}
			if tc.name == "IFD" {
				cc.Compression = CompressionNone
				cc.Predictor = PredictorNone
				ff.limit = int64(cc.numTiles*cc.tileBytes) + 10
			}
			w, err := newWriter(ff, cc, f, name)
			if err != nil {
				t.Fatal(err)
			}
			if tc.mask {
				err = writeRasterMask(w, raster, testValid, 1)
			} else {
				err = writeRaster(w, raster, 1)
			}
			want := "geotiff: write " + name + ": no space left on device"
			var pe *fs.PathError
			if err == nil || err.Error() != want || !errors.Is(err, syscall.ENOSPC) || !errors.As(err, &pe) || pe.Path != name {
				t.Errorf("got %v, want %s wrapping a *fs.PathError and ENOSPC", err, want)
			}
			if err := w.Close(); err == nil {
				t.Error("Close after the failure succeeded")
			}
			checkOnlyFiles(t, dir)
		})
	}
}

// TestCreateDevFull writes to /dev/full, where there is one, as the
// temporary file of Create: the error names the output.
func TestCreateDevFull(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("skipping: no /dev/full: %v", err)
	}
	defer f.Close()
	cfg, err := faultOptions.config()
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWriter(f, cfg, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	w.final = "out.tif" // as Create, but no temporary file to remove
	err = writeRaster(w, testRaster(cfg.Type, cfg.Width, cfg.Height, 1), 1)
	if err == nil || err.Error() != "geotiff: write out.tif: no space left on device" || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("got %v, want geotiff: write out.tif: no space left on device", err)
	}
}

// TestIOError checks the messages of file errors of Create and NewWriter.
func TestIOError(t *testing.T) {
	w := &Writer{final: "out.tif"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "write", Path: "/d/.out.tif.gomean-tmp-1-2", Err: syscall.EIO}, "geotiff: write out.tif: input/output error"},
		{&fs.PathError{Op: "sync", Path: "/d/.out.tif.gomean-tmp-1-2", Err: syscall.ENOSPC}, "geotiff: sync out.tif: no space left on device"},
		{errors.New("short write"), "geotiff: write out.tif: short write"},
	} {
		if got := w.ioError("write tile 3", tc.err).Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	var nw Writer
	if got := nw.ioError("write tile 3", syscall.EIO).Error(); got != "geotiff: write tile 3: input/output error" {
		t.Errorf("NewWriter: got %q", got)
	}
}
