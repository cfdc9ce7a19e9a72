package geotiff

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// errString is err's text, or "" for nil, to compare errors.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// stripIndexCase describes a TIFF of one-row uint16 strips for the lazy
// index tests.
type stripIndexCase struct {
	name     string
	order    binary.ByteOrder
	big      bool
	offType  DataType
	cntType  DataType
	w, h     int
	deflate  bool
	reversed bool // strips stored last first
	sparse   int  // a strip with byte count 0, or -1
	extra    int  // values past the last strip in StripOffsets
}

// build returns the file's bytes and the samples of its strips.
func (c stripIndexCase) build(t testing.TB) ([]byte, [][]uint16) {
	t.Helper()
	rows := make([][]byte, c.h)
	want := make([][]uint16, c.h)
	for y := range rows {
		raw := make([]byte, 2*c.w)
		want[y] = make([]uint16, c.w)
		for x := range c.w {
			v := uint16(y*c.w + x)
			c.order.PutUint16(raw[2*x:], v)
			want[y][x] = v
		}
		if y == c.sparse {
			want[y] = make([]uint16, c.w)
			continue
		}
		if c.deflate {
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			zw.Write(raw)
			zw.Close()
			raw = z.Bytes()
		}
		rows[y] = raw
	}
	order := make([]int, c.h)
	for y := range order {
		order[y] = y
		if c.reversed {
			order[y] = c.h - 1 - y
		}
	}
	offs, cnts := make([]uint64, c.h+c.extra), make([]uint64, c.h)
	var data []byte
	for _, y := range order {
		offs[y], cnts[y] = dataOff(c.big)+uint64(len(data)), uint64(len(rows[y]))
		data = append(data, rows[y]...)
	}
	for k := c.h; k < len(offs); k++ {
		offs[k] = 1 << 15 // never read
	}
	comp := uint64(CompressionNone)
	if c.deflate {
		comp = uint64(CompressionDeflate)
	}
	entries := []testEntry{
		{tag: TagImageWidth, typ: Long, vals: []uint64{uint64(c.w)}},
		{tag: TagImageLength, typ: Long, vals: []uint64{uint64(c.h)}},
		{tag: TagBitsPerSample, typ: Short, vals: []uint64{16}},
		{tag: TagCompression, typ: Short, vals: []uint64{comp}},
		{tag: TagRowsPerStrip, typ: Short, vals: []uint64{1}},
		{tag: TagStripOffsets, typ: c.offType, vals: offs},
		{tag: TagStripByteCounts, typ: c.cntType, vals: cnts},
		{tag: TagGDALNoData, typ: ASCII, raw: []byte("7\x00")},
	}
	if c.extra > 0 {
		// A stray index array of another layout, read and kept in Fields.
		stray := make([]uint64, c.h+c.extra)
		entries = append(entries, testEntry{tag: TagTileByteCounts, typ: Long, vals: stray})
	}
	return buildTIFF(c.order, c.big, data, entries), want
}

var stripIndexCases = []stripIndexCase{
	{name: "le-classic-long-short-deflate", order: binary.LittleEndian, offType: Long, cntType: Short, w: 3, h: 1100, deflate: true, sparse: -1},
	{name: "be-classic-long-long-deflate", order: binary.BigEndian, offType: Long, cntType: Long, w: 3, h: 1100, deflate: true, sparse: -1},
	{name: "le-classic-short-short-raw", order: binary.LittleEndian, offType: Short, cntType: Short, w: 2, h: 700, sparse: -1},
	{name: "le-big-long8-long8-deflate", order: binary.LittleEndian, big: true, offType: Long8, cntType: Long8, w: 3, h: 1100, deflate: true, sparse: -1},
	{name: "be-big-long8-short-reversed", order: binary.BigEndian, big: true, offType: Long8, cntType: Short, w: 3, h: 600, deflate: true, reversed: true, sparse: 77},
	{name: "le-classic-reversed-sparse", order: binary.LittleEndian, offType: Long, cntType: Long, w: 4, h: 1030, deflate: true, reversed: true, sparse: 513},
	// Offsets past the 64-value threshold, counts under it: read at open.
	{name: "mixed-one-array-deferred", order: binary.LittleEndian, offType: Long, cntType: Short, w: 2, h: 60, deflate: true, sparse: -1, extra: 40},
}

// openBoth opens b eagerly and with LazyIndex.
func openBoth(t testing.TB, b []byte) (eager, lazy *Reader) {
	t.Helper()
	eager, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	lazy, err = NewReaderOptions(bytes.NewReader(b), int64(len(b)), ReaderOptions{LazyIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	return eager, lazy
}

// withoutIndex returns fs without the block index tags.
func withoutIndex(fs Fields) Fields {
	var out Fields
	for _, f := range fs {
		if f.Tag != TagStripOffsets && f.Tag != TagStripByteCounts && f.Tag != TagTileOffsets && f.Tag != TagTileByteCounts {
			out = append(out, f)
		}
	}
	return out
}

// readRun records what ReadTiles(first, n) gives: "i:bytes" per block,
// then the error.
func readRun(r *Reader, im *Image, first, n int) string {
	var b strings.Builder
	_, err := r.ReadTiles(im, first, n, nil, func(i int, data []byte) error {
		fmt.Fprintf(&b, "%d:%x;", i, data)
		return nil
	})
	return b.String() + "|" + errString(err)
}

// compareLazy checks that every way of reading lazy's images gives what
// eager's give, and returns how many of lazy's images left their index in
// the file.
func compareLazy(t *testing.T, name string, eager, lazy *Reader) int {
	t.Helper()
	if len(eager.Images()) != len(lazy.Images()) {
		t.Fatalf("%s: %d images eagerly, %d lazily", name, len(eager.Images()), len(lazy.Images()))
	}
	deferred := 0
	for k, ie := range eager.Images() {
		il := lazy.Images()[k]
		n := ie.NumTiles()
		if il.NumTiles() != n || il.TileBytes() != ie.TileBytes() {
			t.Fatalf("%s ifd %d: %d blocks of %d bytes lazily, want %d of %d", name, k, il.NumTiles(), il.TileBytes(), n, ie.TileBytes())
		}
		wantFields := ie.Fields
		if il.lazy != nil {
			deferred++
			wantFields = withoutIndex(ie.Fields)
			if n <= lazyMinBlocks {
				t.Errorf("%s ifd %d: index of %d blocks left in the file", name, k, n)
			}
		}
		if !reflect.DeepEqual(il.Fields, wantFields) {
			t.Errorf("%s ifd %d: lazy Fields differ", name, k)
		}
		// Every block of small images; of large ones the first and last.
		var blocks []int
		for i := -1; i <= n; i++ {
			if n <= 3000 || i < 1000 || i > n-1000 {
				blocks = append(blocks, i)
			}
		}
		for _, i := range blocks {
			se, oke := ie.RawTileSize(i)
			sl, okl := il.RawTileSize(i)
			if se != sl || oke != okl {
				t.Fatalf("%s ifd %d: RawTileSize(%d) = %d, %v lazily, want %d, %v", name, k, i, sl, okl, se, oke)
			}
			re, erre := eager.ReadRawTile(ie, i, nil)
			rl, errl := lazy.ReadRawTile(il, i, nil)
			if !bytes.Equal(re, rl) || errString(erre) != errString(errl) {
				t.Fatalf("%s ifd %d: ReadRawTile(%d) = %x, %v lazily, want %x, %v", name, k, i, rl, errl, re, erre)
			}
			te, erre := eager.ReadTile(ie, i, nil)
			tl, errl := lazy.ReadTile(il, i, nil)
			if !bytes.Equal(te, tl) || errString(erre) != errString(errl) {
				t.Fatalf("%s ifd %d: ReadTile(%d) differs lazily: %v, want %v", name, k, i, errl, erre)
			}
		}
		for _, run := range []int{1, 7, windowBlocks + 1, min(n, 3000)} {
			for first := 0; first < n; first += max(run, n/5) {
				if got, want := readRun(lazy, il, first, run), readRun(eager, ie, first, run); got != want {
					t.Fatalf("%s ifd %d: ReadTiles(%d, %d) differs lazily", name, k, first, run)
				}
			}
		}
		// A run past the last block reads up to it, then fails alike.
		if got, want := readRun(lazy, il, max(0, n-3), 5), readRun(eager, ie, max(0, n-3), 5); got != want {
			t.Fatalf("%s ifd %d: ReadTiles past the end: %q lazily, want %q", name, k, got, want)
		}
		for _, i := range []int{0, n / 2, n - 1, n} {
			ge, erre := rowsOf(eager, ie, i)
			gl, errl := rowsOf(lazy, il, i)
			if !bytes.Equal(ge, gl) || errString(erre) != errString(errl) {
				t.Fatalf("%s ifd %d: rows of block %d differ lazily: %v, want %v", name, k, i, errl, erre)
			}
		}
		whole := image.Rect(0, 0, ie.Width, ie.Height)
		if int64(ie.Width)*int64(ie.Height)*int64(ie.Bands) > 1<<22 {
			continue
		}
		we, erre := eager.ReadWindow(ie, whole, nil, nil)
		wl, errl := lazy.ReadWindow(il, whole, nil, nil)
		if !bytes.Equal(we, wl) || errString(erre) != errString(errl) {
			t.Fatalf("%s ifd %d: ReadWindow differs lazily: %v, want %v", name, k, errl, erre)
		}
	}
	return deferred
}

// rowsOf decodes block i with a RowReader.
func rowsOf(r *Reader, im *Image, i int) ([]byte, error) {
	rr, err := r.NewRowReader(im, i)
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	var got, row []byte
	for range rr.Rows() {
		if row, err = rr.Next(row); err != nil {
			return got, err
		}
		got = append(got, row...)
	}
	return got, nil
}

// TestLazyIndexMatchesEager reads files of many strips, in both byte
// orders, classic and BigTIFF, with every integer type of index, strips
// in and out of order and sparse, with a reader that leaves the index in
// the file and one that does not, and compares everything they read.
func TestLazyIndexMatchesEager(t *testing.T) {
	for _, c := range stripIndexCases {
		t.Run(c.name, func(t *testing.T) {
			b, want := c.build(t)
			eager, lazy := openBoth(t, b)
			got, wantLazy := compareLazy(t, c.name, eager, lazy), 1
			if c.extra > 0 {
				wantLazy = 0 // one array in the file, one in the IFD
			}
			if got != wantLazy {
				t.Errorf("%d images left their index in the file, want %d", got, wantLazy)
			}
			// The lazy reader decodes the right samples, not just the
			// eager reader's.
			im := lazy.Image()
			for _, y := range []int{0, c.h / 2, c.h - 1, max(c.sparse, 0)} {
				data, err := lazy.ReadTile(im, y, nil)
				if err != nil {
					t.Fatal(err)
				}
				for x, v := range want[y] {
					if y == c.sparse {
						v = 7 // the nodata of a sparse strip
					}
					if g := binary.LittleEndian.Uint16(data[2*x:]); g != v {
						t.Fatalf("strip %d pixel %d = %d, want %d", y, x, g, v)
					}
				}
			}
		})
	}
}

// TestLazyIndexFixtures compares lazy and eager readers on the GDAL
// fixtures (tiled and stripped, masks, overviews, sparse files).
func TestLazyIndexFixtures(t *testing.T) {
	var files []string
	for _, dir := range []string{"layout", "types", "sparse", "nbits", "mask", "georef"} {
		m, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.tif"))
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found %d fixtures", len(files))
	}
	deferred := 0
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		eager, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			continue // refused fixtures: see TestLazyIndexOpenErrors
		}
		lazy, err := NewReaderOptions(bytes.NewReader(b), int64(len(b)), ReaderOptions{LazyIndex: true})
		if err != nil {
			t.Fatalf("%s: opens eagerly, not lazily: %v", name, err)
		}
		deferred += compareLazy(t, filepath.Base(name), eager, lazy)
	}
	t.Logf("%d files, %d images with their index left in the file", len(files), deferred)
}

// TestLazyIndexOpenErrors checks that a reader that leaves the index in
// the file refuses what an eager one refuses, with the same message: an
// index array past the end of the file, and the hostile fixtures.
func TestLazyIndexOpenErrors(t *testing.T) {
	b, _ := stripIndexCases[0].build(t)
	// buildTIFF puts out-of-line values last, StripByteCounts after
	// StripOffsets: cut into the counts, then into the offsets.
	for _, cut := range []int{10, 2*1100 + 2*4 + 10} {
		short := b[:len(b)-cut]
		_, erre := NewReader(bytes.NewReader(short), int64(len(short)))
		_, errl := NewReaderOptions(bytes.NewReader(short), int64(len(short)), ReaderOptions{LazyIndex: true})
		if erre == nil || errString(erre) != errString(errl) {
			t.Errorf("file cut by %d bytes: lazily %v, want %v", cut, errl, erre)
		}
	}
	m, _ := filepath.Glob(filepath.Join("..", "testdata", "hostile", "*.tif"))
	for _, name := range m {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		eager, erre := NewReader(bytes.NewReader(data), int64(len(data)))
		lazy, errl := NewReaderOptions(bytes.NewReader(data), int64(len(data)), ReaderOptions{LazyIndex: true})
		if errString(erre) != errString(errl) {
			t.Errorf("%s: lazily %v, want %v", name, errl, erre)
			continue
		}
		if erre != nil {
			continue
		}
		// Their blocks decode to a GiB or fail: compare the checks only.
		for k, ie := range eager.Images() {
			il := lazy.Images()[k]
			for i := -1; i <= min(ie.NumTiles(), 100); i++ {
				oe, ce, erre := eager.checkBlock(ie, i)
				ol, cl, errl := lazy.checkBlock(il, i)
				if oe != ol || ce != cl || errString(erre) != errString(errl) {
					t.Errorf("%s ifd %d block %d: lazily %d, %d, %v; want %d, %d, %v", name, k, i, ol, cl, errl, oe, ce, erre)
				}
			}
		}
	}
}

// failAfter is an io.ReaderAt that fails once failing is set.
type failAfter struct {
	r       io.ReaderAt
	failing atomic.Bool
}

var errInjected = errors.New("injected read error")

func (f *failAfter) ReadAt(b []byte, off int64) (int, error) {
	if f.failing.Load() {
		return 0, errInjected
	}
	return f.r.ReadAt(b, off)
}

// TestLazyIndexReadErrors checks that an index that cannot be read after
// open fails every read with the cause, and panics nowhere.
func TestLazyIndexReadErrors(t *testing.T) {
	b, _ := stripIndexCases[0].build(t)
	fa := &failAfter{r: bytes.NewReader(b)}
	r, err := NewReaderOptions(fa, int64(len(b)), ReaderOptions{LazyIndex: true, Name: "f.tif"})
	if err != nil {
		t.Fatal(err)
	}
	im := r.Image()
	fa.failing.Store(true)
	if _, ok := im.RawTileSize(5); ok {
		t.Error("RawTileSize with an unreadable index: ok")
	}
	checks := map[string]error{}
	_, checks["ReadTile"] = r.ReadTile(im, 5, nil)
	_, checks["ReadRawTile"] = r.ReadRawTile(im, 5, nil)
	_, checks["ReadTiles"] = r.ReadTiles(im, 0, 100, nil, func(int, []byte) error { return nil })
	_, checks["NewRowReader"] = r.NewRowReader(im, 5)
	_, checks["ReadWindow"] = r.ReadWindow(im, image.Rect(0, 0, 3, 3), nil, nil)
	for what, err := range checks {
		if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "f.tif") {
			t.Errorf("%s with an unreadable index: %v, want the injected error, named", what, err)
		}
	}
}

// TestLazyIndexConcurrent reads the blocks of one lazy image from several
// goroutines at once, in different orders, as the pipeline's workers do,
// and checks each block against an eager reader (run with -race).
func TestLazyIndexConcurrent(t *testing.T) {
	b, _ := stripIndexCases[5].build(t)
	eager, lazy := openBoth(t, b)
	ie, il := eager.Image(), lazy.Image()
	n := ie.NumTiles()
	want := make([][]byte, n)
	for i := range n {
		var err error
		if want[i], err = eager.ReadTile(ie, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			var buf []byte
			var err error
			for k := range n {
				i := (k*(2*g+1) + g*97) % n
				if buf, err = lazy.ReadTile(il, i, buf); err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(buf, want[i]) {
					errs <- fmt.Errorf("goroutine %d: block %d differs", g, i)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
