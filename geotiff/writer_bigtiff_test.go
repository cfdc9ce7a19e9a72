package geotiff

import (
	"bytes"
	"encoding/json"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// sparseFile is an in-memory io.WriterAt and io.ReaderAt that stores only
// what was written, so a file can have offsets beyond 4 GiB without
// 4 GiB of memory (zip's rleBuffer idea).
type sparseFile struct {
	mu   sync.Mutex
	segs []sparseSeg
	size int64
}

type sparseSeg struct {
	off int64
	b   []byte
}

func (s *sparseFile) WriteAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.segs = append(s.segs, sparseSeg{off, bytes.Clone(p)})
	s.size = max(s.size, off+int64(len(p)))
	return len(p), nil
}

func (s *sparseFile) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if off >= s.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size-off))
	clear(p[:n])
	for _, g := range s.segs { // later writes win
		lo, hi := max(off, g.off), min(off+int64(n), g.off+int64(len(g.b)))
		if lo < hi {
			copy(p[lo-off:hi-off], g.b[lo-g.off:hi-g.off])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// bigTIFFCase places the tile data of a 64×64 Byte image (16 uncompressed
// tiles of 256 bytes, 4096 bytes in all) at dataStart.
type bigTIFFCase struct {
	name      string
	dataStart int64
	mode      BigTIFFMode
	wantBig   bool
	wantErr   string
}

const gib4 = int64(1) << 32

var bigTIFFCases = []bigTIFFCase{
	{"small classic", 0, BigTIFFAuto, false, ""},
	{"small forced BigTIFF", 0, BigTIFFYes, true, ""},
	{"everything below 4 GiB", gib4 - 4096 - 1024, BigTIFFAuto, false, ""},
	{"everything below 4 GiB, NO", gib4 - 4096 - 1024, BigTIFFNo, false, ""},
	{"tiles cross 4 GiB", gib4 - 1000, BigTIFFAuto, true, ""},
	{"tiles cross 4 GiB, NO", gib4 - 1000, BigTIFFNo, false, "geotiff: write tile 3: data reaches offset 4294967320, beyond the limit 4294967295 of a classic TIFF (BigTIFF mode NO)"},
	{"IFD values cross 4 GiB", gib4 - 4096 - 100, BigTIFFAuto, true, ""},
	{"IFD values cross 4 GiB, NO", gib4 - 4096 - 100, BigTIFFNo, false, "file needs BigTIFF (BigTIFF mode NO)"},
}

func bigTIFFOptions() WriterOptions {
	return WriterOptions{Width: 64, Height: 64, Bands: 1, Type: Uint8, TileWidth: 16, TileHeight: 16,
		Compression: CompressionNone, Workers: 2}
}

// writeAt writes raster to f with the tile data starting at dataStart.
func writeAt(f io.WriterAt, o WriterOptions, dataStart int64, raster []byte) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	cfg.dataStart = max(dataStart, headerSize)
	w, err := newWriter(f, cfg, nil, "")
	if err != nil {
		return err
	}
	return writeRaster(w, raster, 2)
}

// TestWriterBigTIFFSwitch checks the classic/BigTIFF decision on offsets
// around 4 GiB, with a sparse in-memory file.
func TestWriterBigTIFFSwitch(t *testing.T) {
	for _, tc := range bigTIFFCases {
		t.Run(tc.name, func(t *testing.T) {
			o := bigTIFFOptions()
			o.BigTIFF = tc.mode
			raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
			var f sparseFile
			err := writeAt(&f, o, tc.dataStart, raster)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkHeader(t, &f, tc.wantBig)
			r, err := NewReader(&f, f.size)
			if err != nil {
				t.Fatal(err)
			}
			if r.BigTIFF() != tc.wantBig {
				t.Errorf("reader says BigTIFF %v, want %v", r.BigTIFF(), tc.wantBig)
			}
			got, err := r.ReadWindow(r.Image(), image.Rect(0, 0, 64, 64), nil, nil)
			if err != nil || !bytes.Equal(got, raster) {
				t.Errorf("read back: err %v, equal %v", err, bytes.Equal(got, raster))
			}
		})
	}
}

// checkHeader checks the TIFF magic number: 42 classic, 43 BigTIFF.
func checkHeader(t *testing.T, r io.ReaderAt, wantBig bool) {
	t.Helper()
	h := make([]byte, 16)
	if _, err := r.ReadAt(h, 0); err != nil {
		t.Fatal(err)
	}
	want := []byte("II*\x00")
	if wantBig {
		want = []byte("II+\x00\x08\x00\x00\x00")
	}
	if !bytes.HasPrefix(h, want) {
		t.Errorf("header % x, want prefix % x", h, want)
	}
}

// TestWriterBigTIFFGDAL writes sparse files on disk whose tiles lie just
// below and across 4 GiB, and checks that gdalinfo accepts them and GDAL
// reads their pixels.
func TestWriterBigTIFFGDAL(t *testing.T) {
	needGDALPython(t)
	gdalinfo, err := exec.LookPath("gdalinfo")
	if err != nil {
		t.Skip("skipping: gdalinfo not found")
	}
	dir := t.TempDir()
	o := bigTIFFOptions()
	raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
	if err := os.WriteFile(filepath.Join(dir, "raster.raw"), raster, 0o644); err != nil {
		t.Fatal(err)
	}
	var manifest []map[string]any
	for _, tc := range []struct {
		file      string
		dataStart int64
		big       bool
	}{{"below.tif", gib4 - 4096 - 1024, false}, {"across.tif", gib4 - 1000, true}} {
		name := filepath.Join(dir, tc.file)
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		err = writeAt(f, o, tc.dataStart, raster)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		f, _ = os.Open(name)
		checkHeader(t, f, tc.big)
		f.Close()
		out, err := exec.Command(gdalinfo, name).CombinedOutput()
		if err != nil || bytes.Contains(out, []byte("ERROR")) || bytes.Contains(out, []byte("Warning")) {
			t.Errorf("gdalinfo %s: %v\n%s", tc.file, err, out)
		}
		manifest = append(manifest, map[string]any{"name": tc.file, "file": name, "raw": filepath.Join(dir, "raster.raw"),
			"w": o.Width, "h": o.Height, "bands": o.Bands, "size": 1})
	}
	mf := filepath.Join(dir, "cases.json")
	b, _ := json.Marshal(manifest)
	os.WriteFile(mf, b, 0o644)
	for _, l := range strings.Split(strings.TrimSpace(string(runPython(t, gdalCompareScript, mf))), "\n") {
		if !strings.HasPrefix(l, "OK ") {
			t.Error(l)
		}
	}
}
