package geotiff

import (
	"bytes"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fuzzLimits keep every fuzz input cheap: a few IFDs, small fields and
// tiles, so no input can make the reader allocate much.
var fuzzLimits = Limits{MaxIFDs: 8, MaxFieldBytes: 1 << 20, MaxTileBytes: 4 << 20}

// fuzzDecodeBudget bounds the decoded bytes one input may ask for.
const fuzzDecodeBudget = 16 << 20

// maxSeedSize keeps large fixtures (the sample DEMs) out of the seeds.
const maxSeedSize = 64 << 10

// addFuzzSeeds adds every small .tif/.tiff under ../testdata and, when
// present, the shared corpus, calling add with each file's bytes.
func addFuzzSeeds(f *testing.F, add func(data []byte)) {
	n := 0
	for _, dir := range []string{fixturesDir, corpusDir} {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			ext := strings.ToLower(filepath.Ext(path))
			if ext != ".tif" && ext != ".tiff" {
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > maxSeedSize {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			add(data)
			n++
			return nil
		})
	}
	if n == 0 {
		f.Log("no seed files found; fuzzing from an empty corpus")
	}
}

// openFuzz opens data under fuzzLimits and checks the invariants every
// opened file must satisfy.
func openFuzz(t *testing.T, data []byte) *Reader {
	r, err := NewReaderOptions(bytes.NewReader(data), int64(len(data)), ReaderOptions{Name: "fuzz.tif", Limits: fuzzLimits})
	if err != nil {
		if r != nil {
			t.Fatalf("NewReaderOptions returned a reader and the error %v", err)
		}
		return nil
	}
	ims := r.Images()
	if len(ims) == 0 || len(ims) > fuzzLimits.MaxIFDs {
		t.Fatalf("opened with %d images, want 1 to %d", len(ims), fuzzLimits.MaxIFDs)
	}
	for _, im := range ims {
		if im.Width <= 0 || im.Height <= 0 || im.Bands <= 0 || im.TileWidth <= 0 || im.TileHeight <= 0 {
			t.Fatalf("ifd %d: size %dx%d, %d bands, block %dx%d", im.Index, im.Width, im.Height, im.Bands, im.TileWidth, im.TileHeight)
		}
		if im.NumTiles() <= 0 || int64(im.TileBytes()) > fuzzLimits.MaxTileBytes {
			t.Fatalf("ifd %d: %d blocks of %d bytes (limit %d)", im.Index, im.NumTiles(), im.TileBytes(), fuzzLimits.MaxTileBytes)
		}
	}
	return r
}

// FuzzOpen opens arbitrary bytes, lists the images and decodes the tiles
// of the first one, then the whole first image when it is small. It must
// not panic, hang or allocate beyond fuzzLimits.
func FuzzOpen(f *testing.F) {
	addFuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		r := openFuzz(t, data)
		if r == nil {
			return
		}
		im := r.Images()[0]
		var buf []byte
		var err error
		budget := fuzzDecodeBudget
		for i := 0; i < im.NumTiles() && budget > 0; i++ {
			budget -= im.TileBytes()
			buf, err = r.ReadTile(im, i, buf)
			if err == nil && len(buf) != im.TileBytes() {
				t.Fatalf("tile %d: %d bytes, want %d", i, len(buf), im.TileBytes())
			}
		}
		n := int64(im.Width) * int64(im.Height) * int64(im.Bands) * int64(max(im.Type.Size(), 1))
		if n > fuzzDecodeBudget {
			return
		}
		win, err := r.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), nil, nil)
		if err == nil && int64(len(win)) != n {
			t.Fatalf("window: %d bytes, want %d", len(win), n)
		}
	})
}

// FuzzReadTile decodes one block of one image, chosen by the fuzzer, and
// checks that ReadWindow over the block's rectangle returns the same
// samples.
func FuzzReadTile(f *testing.F) {
	addFuzzSeeds(f, func(data []byte) { f.Add(data, uint8(0), uint16(0)) })
	f.Fuzz(func(t *testing.T, data []byte, ifd uint8, tile uint16) {
		r := openFuzz(t, data)
		if r == nil {
			return
		}
		ims := r.Images()
		im := ims[int(ifd)%len(ims)]
		i := int(tile) % im.NumTiles()
		got, err := r.ReadTile(im, i, nil)
		if err != nil {
			return
		}
		if len(got) != im.TileBytes() {
			t.Fatalf("tile %d: %d bytes, want %d", i, len(got), im.TileBytes())
		}
		rect, plane := im.TileRect(i)
		if rect.Empty() {
			t.Fatalf("tile %d: empty rectangle", i)
		}
		var bands []int
		if im.Planar == PlanarSeparate {
			bands = []int{plane}
		}
		win, err := r.ReadWindow(im, rect, bands, nil)
		if err != nil {
			t.Fatalf("ReadTile(%d) succeeded but ReadWindow(%v) failed: %v", i, rect, err)
		}
		px := im.TileBands() * im.Type.Size()
		row := rect.Dx() * px
		for y := 0; y < rect.Dy(); y++ {
			from := y * im.TileWidth * px
			if !bytes.Equal(win[y*row:(y+1)*row], got[from:from+row]) {
				t.Fatalf("tile %d row %d: window and tile differ", i, y)
			}
		}
	})
}

// FuzzReadTileRealLimits opens arbitrary bytes with the default Limits
// (1 GiB blocks), not the small fuzz cap, and decodes one block: a block
// with data is never allocated beyond what its bytes can expand to, so a
// few fuzzed bytes that claim a huge block must fail before allocating.
// Sparse blocks (no data) are left out: they read as nodata at their full
// size by design.
func FuzzReadTileRealLimits(f *testing.F) {
	addFuzzSeeds(f, func(data []byte) { f.Add(data, uint16(0)) })
	f.Fuzz(func(t *testing.T, data []byte, tile uint16) {
		r, err := NewReaderOptions(bytes.NewReader(data), int64(len(data)), ReaderOptions{Name: "fuzz.tif"})
		if err != nil {
			return
		}
		im := r.Images()[0]
		if im.NumTiles() == 0 {
			return
		}
		i := int(tile) % im.NumTiles()
		if im.counts[i] == 0 {
			return
		}
		// Whatever the codec, a block cannot expand past 32768:1 (ZSTD's
		// bound here) and libtiff's 10x + 4096 of its decoded size.
		limit := uint64(len(data))*32768 + 64<<20
		if uint64(im.TileBytes()) > limit {
			// Claimed far beyond the file: must fail without allocating.
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := r.ReadTile(im, i, nil)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("a %d-byte file decoded a %d-byte block", len(data), im.TileBytes())
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > limit {
				t.Fatalf("failed ReadTile allocated %d bytes for a %d-byte file", grew, len(data))
			}
			return
		}
		if im.TileBytes() > fuzzDecodeBudget {
			return
		}
		r.ReadTile(im, i, nil)
	})
}
