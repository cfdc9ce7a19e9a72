//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// buildGomean builds the command once per test run, for the tests that
// must run it as a process (signals, resource limits).
func buildGomean(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH: cannot build the binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gomean-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "gomean")
		// CGO_ENABLED=0 as the release builds: a cgo binary's C threads
		// and malloc arenas take address space the ulimit -v test counts.
		build := exec.Command(goTool, "build", "-o", binPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// writeBigInput writes a size×size float32 raster of noise, uncompressed
// so that writing it is fast and reading it is not free.
func writeBigInput(t *testing.T, path string, size int) {
	t.Helper()
	tile := make([]byte, 256*256*4)
	seed := uint32(1)
	for i := range 256 * 256 {
		seed = seed*1664525 + 1013904223
		binary.LittleEndian.PutUint32(tile[4*i:], math.Float32bits(float32(seed>>8)))
	}
	writeRepeated(t, path, geotiff.WriterOptions{Width: size, Height: size, Bands: 1, Type: geotiff.Float32,
		Compression: geotiff.CompressionNone, TileWidth: 256, TileHeight: 256}, tile)
}

// writeRepeated writes a raster of opts whose every tile is tile.
func writeRepeated(t *testing.T, path string, opts geotiff.WriterOptions, tile []byte) {
	t.Helper()
	w, err := geotiff.Create(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range w.NumTiles() {
		if err := w.WriteTile(context.Background(), i, tile); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSignalStopsRun sends SIGTERM, SIGHUP and SIGINT to a long reduction
// once its temporary output exists, and checks the exit status (128 plus
// the signal number), the message, and that only the input is left.
func TestSignalStopsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a long reduction")
	}
	bin := buildGomean(t)
	src := filepath.Join(t.TempDir(), "in.tif")
	writeBigInput(t, src, 3000)
	for _, tt := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGTERM, "SIGTERM", 143},
		{syscall.SIGHUP, "SIGHUP", 129},
		{syscall.SIGINT, "SIGINT", 130},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if signal.Ignored(tt.sig) {
				// The child would inherit the ignored disposition and,
				// as gomean keeps it, run to the end.
				t.Skipf("%s is ignored in this test process (started in the background or under nohup)", tt.name)
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "in.tif")
			if err := os.Link(src, in); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out.tif")
			// The same input 40 times, a median and the slowest DEFLATE
			// level: many seconds of work even on a fast machine.
			args := []string{"median", "-q", "-j", "1", "--co", "ZLEVEL=9", "-o", out}
			for range 40 {
				args = append(args, in)
			}
			cmd := exec.Command(bin, args...)
			exited, stderr := startCmd(t, cmd)
			tmp := waitForTemp(t, dir, exited)
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-exited:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("gomean still running 60 s after %s", tt.name)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.code {
				t.Errorf("exit %v, want status %d; stderr: %s", err, tt.code, stderr.String())
			}
			want := "gomean: interrupted by " + tt.name + ": " + out + " was not written\n"
			if stderr.String() != want {
				t.Errorf("stderr %q, want %q", stderr.String(), want)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.Name() != "in.tif" {
					t.Errorf("%s left in the output directory (temporary file was %s)", e.Name(), tmp)
				}
			}
		})
	}
}

// TestIgnoredSignalStaysIgnored starts gomean with SIGHUP ignored, as
// nohup does, sends SIGHUP during the run and checks that the run ends
// normally with its output written.
func TestIgnoredSignalStaysIgnored(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a long reduction")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to start gomean with SIGHUP ignored")
	}
	bin := buildGomean(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tif")
	writeBigInput(t, in, 3000)
	out := filepath.Join(dir, "out.tif")
	script := `trap '' HUP; exec "$0" "$@"`
	args := []string{"-c", script, bin, "-q", "-j", "1", "-o", out}
	for range 10 {
		args = append(args, in)
	}
	cmd := exec.Command(sh, args...)
	exited, stderr := startCmd(t, cmd)
	waitForTemp(t, dir, exited)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err = <-exited:
	case <-time.After(120 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatal("gomean still running after 120 s")
	}
	if err != nil {
		t.Fatalf("gomean with SIGHUP ignored: %v; stderr: %s", err, stderr.String())
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no output after the ignored SIGHUP: %v", err)
	}
}

// startCmd starts cmd with its standard error captured; the channel gets
// the result of Wait.
func startCmd(t *testing.T, cmd *exec.Cmd) (<-chan error, *bytes.Buffer) {
	t.Helper()
	stderr := new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return exited, stderr
}

// waitForTemp waits up to 60 s for the temporary output file to appear in
// dir, failing if the process exits first.
func waitForTemp(t *testing.T, dir string, exited <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		m, _ := filepath.Glob(geotiff.TempPattern(filepath.Join(dir, "out.tif")))
		if len(m) > 0 {
			return filepath.Base(m[0])
		}
		select {
		case err := <-exited:
			t.Fatalf("gomean exited (%v) before its temporary output appeared", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("no temporary output file after 60 s")
	return ""
}

// TestSignalNames checks the names and exit codes of the stop signals.
func TestSignalNames(t *testing.T) {
	for _, tt := range []struct {
		sig  os.Signal
		name string
		code int
	}{
		{os.Interrupt, "SIGINT", 130},
		{syscall.SIGTERM, "SIGTERM", 143},
		{syscall.SIGHUP, "SIGHUP", 129},
	} {
		if got := signalName(tt.sig); got != tt.name {
			t.Errorf("signalName(%v) = %q, want %q", tt.sig, got, tt.name)
		}
		if got := signalExitCode(tt.sig); got != tt.code {
			t.Errorf("signalExitCode(%v) = %d, want %d", tt.sig, got, tt.code)
		}
	}
	if !strings.Contains(signalCause{syscall.SIGTERM}.Error(), "SIGTERM") {
		t.Error("signalCause does not name the signal")
	}
}
