package geotiff

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestReadTilesMatchesReadTile decodes every block of the fixtures with
// ReadTiles, in runs of every length, and checks each against ReadTile.
func TestReadTilesMatchesReadTile(t *testing.T) {
	var files []string
	for _, dir := range []string{"layout", "types", "sparse", "nbits", "georef"} {
		m, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.tif"))
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found %d fixtures", len(files))
	}
	blocks := 0
	for _, name := range files {
		r, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		im := r.Image()
		if im.Supported() != nil {
			r.Close()
			continue
		}
		for _, run := range []int{1, 3, im.NumTiles()} {
			for first := 0; first < im.NumTiles(); first += run {
				n := min(run, im.NumTiles()-first)
				next := first
				_, err := r.ReadTiles(im, first, n, nil, func(i int, data []byte) error {
					if i != next {
						t.Fatalf("%s: block %d, want %d", name, i, next)
					}
					next++
					want, err := r.ReadTile(im, i, nil)
					if err != nil {
						t.Fatalf("%s: ReadTile(%d): %v", name, i, err)
					}
					if !bytes.Equal(data, want) {
						t.Fatalf("%s: block %d differs from ReadTile (run %d)", name, i, run)
					}
					blocks++
					return nil
				})
				if err != nil {
					t.Fatalf("%s: ReadTiles(%d, %d): %v", name, first, n, err)
				}
				if next != first+n {
					t.Fatalf("%s: ReadTiles(%d, %d) stopped at %d", name, first, n, next)
				}
			}
		}
		r.Close()
	}
	t.Logf("%d blocks checked", blocks)
}

// TestReadTilesErrors checks that a damaged block in a run is reported
// with its name, as ReadTile reports it.
func TestReadTilesErrors(t *testing.T) {
	for _, f := range []string{"corrupt_deflate.tif", "truncated_in_tile.tif"} {
		r, err := Open(filepath.Join("..", "testdata", "hostile", f))
		if err != nil {
			continue
		}
		im := r.Image()
		_, err = r.ReadTiles(im, 0, im.NumTiles(), nil, func(int, []byte) error { return nil })
		if err == nil {
			t.Errorf("%s: ReadTiles read a damaged file without error", f)
		}
		r.Close()
	}
}
