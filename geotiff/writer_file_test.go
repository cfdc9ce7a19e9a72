package geotiff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

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

func TestCreateRemovesStaleTemps(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process ids are not tested on Windows")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "out.tif")
	dead := deadPID(t)
	if err := syscall.Kill(dead, 0); !errors.Is(err, syscall.ESRCH) {
		t.Skipf("process %d still exists (%v)", dead, err)
	}
	files := map[string]bool{ // name: kept
		fmt.Sprintf(".out.tif.gomean-tmp-%d-123", dead):      false,
		fmt.Sprintf(".out.tif.gomean-tmp-%d-9", os.Getpid()): true, // a live writer
		fmt.Sprintf(".other.tif.gomean-tmp-%d-123", dead):    true, // another output
		fmt.Sprintf(".out.tif.gomean-tmp-0%d-123", dead):     true, // not a name Create makes
		".out.tif.gomean-tmp-x-1":                            true,
		".out.tif.tmp123":                                    true,
		fmt.Sprintf(".out.tif.gomean-tmp-%d-7", dead) + "/":  true, // a directory
	}
	for f := range files {
		p := filepath.Join(dir, f)
		var err error
		if strings.HasSuffix(f, "/") {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte("x"), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	w, err := Create(name, WriterOptions{Width: 16, Height: 16, Bands: 1, Type: Uint8, TileWidth: 16, TileHeight: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for f, kept := range files {
		_, err := os.Lstat(filepath.Join(dir, strings.TrimSuffix(f, "/")))
		if exists := err == nil; exists != kept {
			t.Errorf("%s: exists %v, want %v", f, exists, kept)
		}
	}
}

func TestTempIsStale(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process ids are not tested on Windows")
	}
	info := fakeInfo{time.Now()}
	if tempIsStale(os.Getpid(), info) {
		t.Error("the temporary file of this process is stale")
	}
	if !tempIsStale(deadPID(t), info) {
		t.Error("the temporary file of an exited process is not stale")
	}
	if tempIsStale(1, info) { // init runs, maybe as another user (EPERM)
		t.Error("the temporary file of process 1 is stale")
	}
}

type fakeInfo struct{ mod time.Time }

func (f fakeInfo) Name() string       { return "x" }
func (f fakeInfo) Size() int64        { return 1 }
func (f fakeInfo) Mode() fs.FileMode  { return 0o644 }
func (f fakeInfo) ModTime() time.Time { return f.mod }
func (f fakeInfo) IsDir() bool        { return false }
func (f fakeInfo) Sys() any           { return nil }

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
