package geotiff

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gomean/gomean/deflate"
)

// allocated returns the bytes f allocates, from runtime.MemStats.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// maxHostileAlloc is what reading one block of a hostile file may allocate:
// the error message and the few compressed bytes, nothing near the block
// size the file claims.
const maxHostileAlloc = 2 << 20

// TestHostileAllocation reads the files of ../testdata/hostile/alloc_*.tif
// (made by make_fixtures.py) whose blocks claim up to 1 GiB: each must fail
// with a FormatError that says why, or (the sparse raster) succeed, without
// allocating the claimed size, through both ReadTile and ReadWindow.
func TestHostileAllocation(t *testing.T) {
	for _, tc := range []struct {
		file string
		err  string // substring of the error; "" for none
		is   error  // the error must match this with errors.Is, if set
	}{
		{"alloc_deflate_1gib_tile.tif", "ifd 0: tile 0 (col 0, row 0): geotiff: invalid format: 84 compressed bytes cannot hold 1073741824 decoded bytes (DEFLATE expands at most 1032:1)", nil},
		{"alloc_lzw_1gib_tile.tif", "4 compressed bytes cannot hold 1073741824 decoded bytes (LZW: 4 codes of at least 9 bits yield at most 10 bytes)", nil},
		{"alloc_packbits_1gib_tile.tif", "16 compressed bytes cannot hold 1073741824 decoded bytes (PackBits expands at most 64:1)", nil},
		{"alloc_zstd_fcs.tif", "61 compressed bytes cannot hold 1048576 decoded bytes (its ZSTD frames declare or hold at most 1000 bytes)", nil},
		{"alloc_none_short_strip.tif", "ifd 0: strip 0: geotiff: invalid format: 100 bytes of uncompressed data cannot hold the 1073741824 bytes of 32768 rows", nil},
		{"alloc_none_past_eof.tif", "data at offset 8, 1073741824 bytes, lies past the end of the", nil},
		{"alloc_deflate_bomb.tif", "DEFLATE data: deflate: decoded data exceeds destination size", deflate.ErrOutputTooLarge},
		{"alloc_sparse_huge.tif", "", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(fixturesDir, "hostile", tc.file)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			// The 64-bit default limit (1 GiB blocks) on every platform: the
			// 32-bit default (256 MiB) would refuse these files at Open.
			r, err := NewReaderOptions(f, st.Size(), ReaderOptions{Name: path, Limits: Limits{MaxTileBytes: 1 << 30}})
			if err != nil {
				t.Fatal(err)
			}
			im := r.Image()
			check := func(what string, err error) {
				t.Helper()
				switch {
				case tc.err == "" && err != nil:
					t.Errorf("%s: %v", what, err)
				case tc.err == "":
				case err == nil:
					t.Errorf("%s: no error, want %q", what, tc.err)
				case !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), path+": ifd 0: "):
					t.Errorf("%s: error %q, want it to start with the file and IFD and contain %q", what, err, tc.err)
				case tc.is == nil && !errors.As(err, new(FormatError)):
					t.Errorf("%s: error %q is not a FormatError", what, err)
				case tc.is != nil && !errors.Is(err, tc.is):
					t.Errorf("%s: error %q does not match %v", what, err, tc.is)
				}
			}
			var tile []byte
			if tc.err != "" { // the sparse tile is 256 MiB of nodata, legitimately
				n := allocated(func() { tile, err = r.ReadTile(im, 0, nil) })
				check("ReadTile", err)
				t.Logf("ReadTile: %d bytes allocated for a block that claims %d", n, im.TileBytes())
				if n > maxHostileAlloc {
					t.Errorf("ReadTile allocated %d bytes, want at most %d (block claims %d)", n, maxHostileAlloc, im.TileBytes())
				}
			}
			rect := image.Rect(0, 0, 256, 256)
			var win []byte
			n := allocated(func() { win, err = r.ReadWindow(im, rect, nil, nil) })
			check("ReadWindow", err)
			// The window itself is 256 KiB at most.
			t.Logf("ReadWindow %v: %d bytes allocated", rect, n)
			if n > maxHostileAlloc {
				t.Errorf("ReadWindow allocated %d bytes, want at most %d", n, maxHostileAlloc)
			}
			if tc.err == "" {
				for i, v := range win {
					if v != 7 {
						t.Fatalf("sparse window byte %d = %d, want nodata 7", i, v)
					}
				}
			}
			_ = tile
		})
	}
}

// TestLimitsBoundTile checks that Limits.MaxTileBytes refuses a file whose
// decoded blocks exceed it when the file is opened, before any read.
func TestLimitsBoundTile(t *testing.T) {
	path := filepath.Join(fixturesDir, "hostile", "alloc_deflate_1gib_tile.tif")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewReaderOptions(bytes.NewReader(data), int64(len(data)), ReaderOptions{Limits: Limits{MaxTileBytes: 1 << 20}})
	if err == nil {
		t.Fatal("opened a file with a 1 GiB tile under a 1 MiB limit")
	}
	if !strings.Contains(err.Error(), "exceeds limit of 1048576 bytes") || !errors.As(err, new(FormatError)) {
		t.Errorf("error %q, want a FormatError naming the limit", err)
	}
}
