package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// limitsBinary returns the gomean binary for the tests that run it under
// resource limits (prlimit), which an in-process run cannot have.
func limitsBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("prlimit (util-linux) not found: resource-limit tests skipped")
	}
	return buildGomean(t)
}

// writeSmall writes an 8×8 float32 raster filled with v, nodata -9999.
func writeSmall(t *testing.T, path string, v float32) {
	t.Helper()
	tile := make([]byte, 16*16*4)
	for i := 0; i < len(tile); i += 4 {
		binary.LittleEndian.PutUint32(tile[i:], math.Float32bits(v))
	}
	writeRepeated(t, path, geotiff.WriterOptions{Width: 8, Height: 8, Bands: 1, Type: geotiff.Float32,
		TileWidth: 16, TileHeight: 16, HasNoData: true, NoData: -9999}, tile)
}

// TestManyInputsFewDescriptors reduces 1,000 inputs under a hard limit of
// 64 open files: inputs are opened a few at a time.
func TestManyInputsFewDescriptors(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000-input run skipped in -short mode")
	}
	bin := limitsBinary(t)
	dir := t.TempDir()
	const n = 1000
	var list strings.Builder
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("in%04d.tif", i))
		writeSmall(t, p, float32(i))
		list.WriteString(p + "\n")
	}
	listFile := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "mean.tif")
	cmd := exec.Command("prlimit", "--nofile=64:64", bin, "mean", "-q", "-o", out, "@"+listFile)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gomean under 64 descriptors: %v\n%s", err, b)
	}
	got, _ := pixel(t, out, 3, 3)
	if want := float64(n-1) / 2; got != want {
		t.Errorf("mean of 0..%d = %v, want %v", n-1, got, want)
	}
}

// hugeSparseTIFF returns a classic TIFF of a few hundred bytes whose one
// float32 strip of 16384×16384 (1 GiB decoded) is sparse (offset and
// byte count 0), which GDAL reads as all zeros.
func hugeSparseTIFF() []byte {
	const side = 16384
	type entry struct {
		tag, typ uint16
		val      uint32
	}
	entries := []entry{
		{256, 4, side}, {257, 4, side}, {258, 3, 32}, {259, 3, 1}, {262, 3, 1},
		{273, 4, 0}, {277, 3, 1}, {278, 4, side}, {279, 4, 0}, {339, 3, 3},
	}
	b := binary.LittleEndian.AppendUint16([]byte("II"), 42)
	b = binary.LittleEndian.AppendUint32(b, 8)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.typ)
		b = binary.LittleEndian.AppendUint32(b, 1)
		if e.typ == 3 {
			b = binary.LittleEndian.AppendUint16(b, uint16(e.val))
			b = binary.LittleEndian.AppendUint16(b, 0)
		} else {
			b = binary.LittleEndian.AppendUint32(b, e.val)
		}
	}
	return binary.LittleEndian.AppendUint32(b, 0)
}

// TestAddressSpaceCap runs files that claim 1 GiB blocks (a sparse strip
// made here, and the reader's hostile alloc_* fixtures: short files,
// DEFLATE, LZW and PackBits bombs, a ZSTD frame that lies, a 1 TiB sparse
// raster) under a 2 GiB address-space limit: gomean must end with a clear
// error (exit 1) or a result, never a runtime out-of-memory crash, and
// leave nothing behind but what it was asked to write.
func TestAddressSpaceCap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it under prlimit")
	}
	bin := limitsBinary(t)
	src := t.TempDir()
	sparse := filepath.Join(src, "sparse.tif")
	if err := os.WriteFile(sparse, hugeSparseTIFF(), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "hostile", "alloc_*.tif"))
	files = append(files, sparse)
	if len(files) < 5 {
		t.Fatalf("found %d files, want the alloc_* fixtures too", len(files))
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.tif")
			cmd := exec.Command("prlimit", "--as=2147483648", bin, "mean", "-q", "-o", out, in, in, in)
			cmd.Env = append(os.Environ(), "GOMEMLIMIT=off")
			var buf strings.Builder
			cmd.Stdout, cmd.Stderr = &buf, &buf
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// A run that would take long (a 1 TiB raster of sparse tiles
			// is a valid, huge job) is stopped with SIGTERM after 8 s:
			// what matters is that memory held until then.
			stop := time.AfterFunc(8*time.Second, func() { cmd.Process.Signal(syscall.SIGTERM) })
			err := cmd.Wait()
			stopped := !stop.Stop()
			msg := buf.String()
			var ee *exec.ExitError
			switch {
			case err == nil:
				t.Logf("result written")
				return
			case !errors.As(err, &ee):
				t.Fatal(err)
			case stopped && ee.ExitCode() == 143:
				t.Logf("still running after 8 s without running out of memory; stopped")
				if strings.Contains(msg, "fatal error") {
					t.Errorf("runtime error:\n%s", msg)
				}
				if ents, _ := os.ReadDir(dir); len(ents) != 0 {
					t.Errorf("files left behind: %v", ents)
				}
				return
			case ee.ExitCode() != 1:
				t.Fatalf("want exit status 0 or 1, got %v:\n%s", err, msg)
			}
			t.Logf("gomean said: %s", msg)
			if strings.Contains(msg, "fatal error") || !strings.Contains(msg, filepath.Base(in)) {
				t.Errorf("want a clear error naming the file, got:\n%s", msg)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("files left behind: %v", ents)
			}
		})
	}
}
