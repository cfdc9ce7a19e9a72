//go:build unix

package geotiff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	// A host program, not os.Args[0]: under qemu-user the test binary is
	// of another architecture and cannot be started by exec.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if sh, err := exec.LookPath("true"); err == nil {
		cmd = exec.Command(sh)
	}
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot start a process to get a dead pid: %v", err)
	}
	return cmd.Process.Pid
}

func TestCreateRemovesStaleTemps(t *testing.T) {
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
