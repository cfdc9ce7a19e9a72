package geotiff

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// TestRowReaderMatchesReadTile decodes every block of the layout and type
// fixtures row by row and checks the rows against ReadTile's block.
func TestRowReaderMatchesReadTile(t *testing.T) {
	var files []string
	for _, dir := range []string{"layout", "types", "sparse"} {
		m, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.tif"))
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found %d fixtures, want the layout, type and sparse sets", len(files))
	}
	streamed := 0
	for _, name := range files {
		r, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		im := r.Image()
		for i := range im.NumTiles() {
			want, err := r.ReadTile(im, i, nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			rr, err := r.NewRowReader(im, i)
			if errors.Is(err, ErrNoRowStream) {
				break
			}
			if err != nil {
				t.Fatalf("%s block %d: %v", name, i, err)
			}
			var got, row []byte
			for range rr.Rows() {
				if row, err = rr.Next(row); err != nil {
					t.Fatalf("%s block %d: %v", name, i, err)
				}
				got = append(got, row...)
			}
			if _, err := rr.Next(row); err == nil {
				t.Errorf("%s block %d: a row past the block's end read without error", name, i)
			}
			rr.Close()
			if !bytes.Equal(got, want[:len(got)]) {
				t.Fatalf("%s block %d: rows differ from ReadTile", name, i)
			}
			streamed++
		}
		r.Close()
	}
	t.Logf("%d blocks of %d files decoded row by row", streamed, len(files))
	if streamed == 0 {
		t.Fatal("no block was decoded row by row")
	}
}

// TestRowReaderTruncated checks that a block whose data ends early is an
// error naming the row, not a short read.
func TestRowReaderTruncated(t *testing.T) {
	r, err := Open(filepath.Join("..", "testdata", "hostile", "truncated_in_tile.tif"))
	if err != nil {
		t.Skip("fixture does not open:", err)
	}
	defer r.Close()
	im := r.Image()
	var failed bool
	for i := range im.NumTiles() {
		rr, err := r.NewRowReader(im, i)
		if err != nil {
			failed = true
			continue
		}
		var row []byte
		for range rr.Rows() {
			if row, err = rr.Next(row); err != nil {
				failed = true
				break
			}
		}
		rr.Close()
	}
	if !failed {
		t.Error("a truncated file decoded row by row without error")
	}
}
