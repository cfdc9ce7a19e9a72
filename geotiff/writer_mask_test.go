package geotiff

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomean/gomean/deflate"
)

// testValid is the validity of pixel (x, y) in the mask tests: a disc, a
// stripe and scattered pixels, so whole tiles are valid, invalid and
// mixed.
func testValid(x, y int) bool {
	dx, dy := x-40, y-25
	switch {
	case dx*dx+dy*dy < 300:
		return false
	case y%17 == 3:
		return false
	case (x*7+y*13)%11 == 0:
		return false
	}
	return true
}

// maskOf returns mask tile i of c's layout from valid: 255 or 0 per pixel,
// 0 outside the image.
func maskOf(c *writerConfig, i int, valid func(x, y int) bool) []byte {
	m := make([]byte, c.TileWidth*c.TileHeight)
	across := (c.Width + c.TileWidth - 1) / c.TileWidth
	x0, y0 := i%across*c.TileWidth, i/across*c.TileHeight
	for y := y0; y < min(y0+c.TileHeight, c.Height); y++ {
		for x := x0; x < min(x0+c.TileWidth, c.Width); x++ {
			if valid(x, y) {
				m[(y-y0)*c.TileWidth+x-x0] = byte(1 + (x+y)%255) // any non-zero
			}
		}
	}
	return m
}

// writeRasterMask writes raster and the mask of valid with w, from
// goroutines each taking every goroutines-th tile and writing its image
// tile then, for a tile of the first plane, its mask tile.
func writeRasterMask(w *Writer, raster []byte, valid func(x, y int) bool, goroutines int) error {
	var wg sync.WaitGroup
	errs := make([]error, goroutines)
	ctx := context.Background()
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < w.NumTiles(); i += goroutines {
				err := w.WriteTile(ctx, i, tileOf(raster, w.cfg, i))
				if err == nil && i < w.NumMaskTiles() {
					err = w.WriteMaskTile(ctx, i, maskOf(w.cfg, i, valid))
				}
				if err != nil {
					errs[g] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// readMask decodes the mask IFD of file, the second image, as one byte
// per pixel of the image (0 or 1).
func readMask(t *testing.T, file []byte) (*Image, []byte) {
	t.Helper()
	return readMaskAt(t, bytes.NewReader(file), int64(len(file)))
}

// readMaskAt is readMask of a file in f, size bytes long.
func readMaskAt(t *testing.T, f io.ReaderAt, size int64) (*Image, []byte) {
	t.Helper()
	r, err := NewReader(f, size)
	if err != nil {
		t.Fatal(err)
	}
	ims := r.Images()
	if len(ims) != 2 || !ims[1].IsMask() {
		t.Fatalf("file has %d images, want the image and its mask", len(ims))
	}
	im, m := ims[0], ims[1]
	offs, counts := m.Fields.Get(TagTileOffsets).Uints(), m.Fields.Get(TagTileByteCounts).Uints()
	tw, th := int(m.Fields.Get(TagTileWidth).Uints()[0]), int(m.Fields.Get(TagTileLength).Uints()[0])
	across := (im.Width + tw - 1) / tw
	out := make([]byte, im.Width*im.Height)
	packed := make([]byte, tw*th/8)
	for i := range offs {
		src := make([]byte, counts[i])
		if _, err := f.ReadAt(src, int64(offs[i])); err != nil {
			t.Fatal(err)
		}
		n, err := deflate.Inflate(packed, src)
		if err != nil || n != len(packed) {
			t.Fatalf("mask tile %d: inflated %d bytes, want %d: %v", i, n, len(packed), err)
		}
		x0, y0 := i%across*tw, i/across*th
		for y := y0; y < min(y0+th, im.Height); y++ {
			for x := x0; x < min(x0+tw, im.Width); x++ {
				k := (y-y0)*tw + x - x0
				out[y*im.Width+x] = packed[k/8] >> (7 - k%8) & 1
			}
		}
	}
	return im, out
}

func TestPackMask(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	mask := make([]byte, 256*16)
	for k := range mask {
		if rng.IntN(3) > 0 {
			mask[k] = byte(rng.IntN(256))
		}
	}
	got := make([]byte, len(mask)/8)
	packMask(got, mask)
	for k, v := range mask { // the slow reference
		if bit := got[k/8]>>(7-k%8)&1 == 1; bit != (v != 0) {
			t.Fatalf("pixel %d: bit %v, byte %d", k, bit, v)
		}
	}
}

func TestWriterMask(t *testing.T) {
	base := WriterOptions{Width: 70, Height: 53, Type: Float32, TileWidth: 32, TileHeight: 16, Mask: true, Workers: 2}
	for _, tc := range []struct {
		name   string
		bands  int
		planar int
		big    BigTIFFMode
		comp   Compression
		order  bool // big-endian
	}{
		{"1 band", 1, PlanarContig, BigTIFFAuto, CompressionDeflate, false},
		{"3 bands contig", 3, PlanarContig, BigTIFFAuto, CompressionZSTD, false},
		{"3 bands separate", 3, PlanarSeparate, BigTIFFAuto, CompressionLZW, false},
		{"BigTIFF", 2, PlanarSeparate, BigTIFFYes, CompressionNone, false},
		{"big-endian", 2, PlanarContig, BigTIFFAuto, CompressionDeflate, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			o.Bands, o.Planar, o.BigTIFF, o.Compression = tc.bands, tc.planar, tc.big, tc.comp
			if tc.order {
				o.ByteOrder = binary.BigEndian
			}
			raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
			var m memFile
			w, err := NewWriter(&m, o)
			if err != nil {
				t.Fatal(err)
			}
			if want := 3 * 4; w.NumMaskTiles() != want {
				t.Fatalf("NumMaskTiles = %d, want %d", w.NumMaskTiles(), want)
			}
			if err := writeRasterMask(w, raster, testValid, 3); err != nil {
				t.Fatal(err)
			}
			file := m.Bytes()
			im, mask := readMask(t, file)
			r, _ := NewReader(bytes.NewReader(file), int64(len(file)))
			got, err := r.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), nil, nil)
			if err != nil || !bytes.Equal(got, raster) {
				t.Fatalf("image: err %v, equal %v", err, bytes.Equal(got, raster))
			}
			for y := range o.Height {
				for x := range o.Width {
					if v := mask[y*o.Width+x] == 1; v != testValid(x, y) {
						t.Fatalf("mask at (%d, %d) = %v, want %v", x, y, v, !v)
					}
				}
			}
			checkMaskTags(t, r.Images()[1], o)
			checkMaskOrder(t, r, o)
		})
	}
}

// checkMaskTags checks the fields of the mask IFD: those GDAL writes for
// an internal mask.
func checkMaskTags(t *testing.T, m *Image, o WriterOptions) {
	t.Helper()
	want := map[Tag]uint64{TagNewSubfileType: 4, TagImageWidth: uint64(o.Width), TagImageLength: uint64(o.Height),
		TagBitsPerSample: 1, TagCompression: 8, TagPhotometricInterpretation: 4, TagSamplesPerPixel: 1,
		TagPlanarConfiguration: 1, TagPredictor: 1, TagTileWidth: uint64(o.TileWidth), TagTileLength: uint64(o.TileHeight),
		TagSampleFormat: 1}
	var tags []Tag
	for _, f := range m.Fields {
		tags = append(tags, f.Tag)
		if v, ok := want[f.Tag]; ok {
			if u := f.Uints(); len(u) != 1 || u[0] != v {
				t.Errorf("mask %v = %v, want %d", f.Tag, u, v)
			}
		} else if f.Tag != TagTileOffsets && f.Tag != TagTileByteCounts {
			t.Errorf("mask has tag %v, which GDAL does not write", f.Tag)
		}
	}
	if len(tags) != len(want)+2 {
		t.Errorf("mask tags %v, want %d", tags, len(want)+2)
	}
}

// checkMaskOrder checks that mask tile i follows image tile i (of the
// first plane) in the file.
func checkMaskOrder(t *testing.T, r *Reader, o WriterOptions) {
	t.Helper()
	im, m := r.Images()[0], r.Images()[1]
	offs, counts := im.Fields.Get(TagTileOffsets).Uints(), im.Fields.Get(TagTileByteCounts).Uints()
	mo := m.Fields.Get(TagTileOffsets).Uints()
	for i := range mo {
		if mo[i] != offs[i]+counts[i] {
			t.Fatalf("mask tile %d at offset %d, want %d right after image tile %d", i, mo[i], offs[i]+counts[i], i)
		}
	}
}

// TestWriterMaskDeterministic checks that the bytes with a mask do not
// depend on the number of workers or of writing goroutines.
func TestWriterMaskDeterministic(t *testing.T) {
	o := WriterOptions{Width: 300, Height: 130, Bands: 2, Type: Int16, TileWidth: 64, TileHeight: 32, Mask: true, Planar: PlanarSeparate}
	raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
	var want []byte
	for _, workers := range []int{1, 2, 5} {
		o.Workers = workers
		var m memFile
		w, err := NewWriter(&m, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeRasterMask(w, raster, testValid, workers+1); err != nil {
			t.Fatal(err)
		}
		if got := m.Bytes(); want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("%d workers: file differs from 1 worker's at byte %d", workers, firstDiff(got, want))
		}
	}
}

func TestWriteMaskTileErrors(t *testing.T) {
	o := WriterOptions{Width: 40, Height: 20, Bands: 2, Type: Uint8, TileWidth: 16, TileHeight: 16, Workers: 2, Planar: PlanarSeparate}
	ctx := context.Background()
	noMask, err := NewWriter(&memFile{}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer noMask.Abort()
	o.Mask = true
	w, err := NewWriter(&memFile{}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	tile, mask := make([]byte, 256), make([]byte, 256)
	if w.NumTiles() != 12 || w.NumMaskTiles() != 6 || noMask.NumMaskTiles() != 0 {
		t.Fatalf("NumTiles, NumMaskTiles = %d, %d (%d without mask); want 12, 6 (0)", w.NumTiles(), w.NumMaskTiles(), noMask.NumMaskTiles())
	}
	checks := []struct {
		err  error
		want string
	}{
		{noMask.WriteMaskTile(ctx, 0, mask), "geotiff: write mask tile 0: the writer has no mask (WriterOptions.Mask is false)"},
		{w.WriteMaskTile(ctx, 6, mask), "geotiff: write mask tile 6: index out of range [0, 6)"},
		{w.WriteMaskTile(ctx, -1, mask), "geotiff: write mask tile -1: index out of range [0, 6)"},
		{w.WriteMaskTile(ctx, 0, mask[:32]), "geotiff: write mask tile 0: got 32 bytes of mask, want 256 (one per pixel)"},
		{w.WriteTile(ctx, 0, tile), ""},
		{w.WriteMaskTile(ctx, 0, mask), ""},
		{w.WriteMaskTile(ctx, 0, mask), "geotiff: write mask tile 0: tile already written"},
		{w.WriteTile(ctx, 1, tile), ""},
		{w.WriteTile(ctx, 6, tile), ""}, // band 1, tile 0
		{w.Close(), "geotiff: close: mask tile 1 of 6 was never written (WriterOptions.Mask is set: every tile needs WriteMaskTile)"},
	}
	for i, c := range checks {
		if c.want == "" && c.err != nil || c.want != "" && (c.err == nil || c.err.Error() != c.want) {
			t.Errorf("check %d: got %v, want %q", i, c.err, c.want)
		}
	}
}

// TestWriterMaskWindow checks that with a stalled file the writer holds
// at most its window of items, image and mask tiles alike.
func TestWriterMaskWindow(t *testing.T) {
	o := faultOptions
	o.Workers, o.Mask = 2, true
	f := &blockingFile{release: make(chan struct{})}
	w, err := NewWriter(f, o)
	if err != nil {
		t.Fatal(err)
	}
	raster := testRaster(o.Type, o.Width, o.Height, 1)
	ctx, cancel := context.WithCancel(context.Background())
	accepted := 0
	var werr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range w.NumTiles() {
			if werr = w.WriteTile(ctx, i, tileOf(raster, w.cfg, i)); werr != nil {
				return
			}
			accepted++
			if werr = w.WriteMaskTile(ctx, i, maskOf(w.cfg, i, testValid)); werr != nil {
				return
			}
			accepted++
		}
	}()
	select {
	case <-done:
		t.Fatalf("all %d items accepted while the file was stalled (err %v)", accepted, werr)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	<-done
	if accepted != w.cfg.window || w.cfg.window != 16 {
		t.Errorf("accepted %d items while the file was stalled, want the window %d = 2 × 4 × workers", accepted, w.cfg.window)
	}
	if want := fmt.Sprintf("geotiff: write tile %d: context canceled", w.cfg.window/2); werr == nil || werr.Error() != want {
		t.Errorf("got %v, want %s", werr, want)
	}
	close(f.release)
	w.Abort()
}

// TestWriterMaskBigTIFFSwitch places the data so that the image IFD fits
// a classic TIFF and the mask IFD after it does not: the file must be a
// BigTIFF (or an error in mode NO).
func TestWriterMaskBigTIFFSwitch(t *testing.T) {
	o := bigTIFFOptions()
	o.Mask = true
	raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
	write := func(f interface {
		WriteAt([]byte, int64) (int, error)
	}, o WriterOptions, dataStart int64) error {
		cfg, err := o.config()
		if err != nil {
			return err
		}
		cfg.dataStart = dataStart
		w, err := newWriter(f, cfg, nil, "")
		if err != nil {
			return err
		}
		return writeRasterMask(w, raster, testValid, 2)
	}
	// Measure the parts of a small file: data, image IFD, mask IFD.
	var small memFile
	if err := write(&small, o, headerSize); err != nil {
		t.Fatal(err)
	}
	b := small.Bytes()
	at := int64(binary.LittleEndian.Uint32(b[4:]))
	n := int64(binary.LittleEndian.Uint16(b[at:]))
	maskAt := int64(binary.LittleEndian.Uint32(b[at+2+12*n:]))
	data, ifd, mask := at-headerSize, maskAt-at, int64(len(b))-maskAt
	start := (gib4 - data - ifd - mask/2) &^ 1
	for _, mode := range []BigTIFFMode{BigTIFFAuto, BigTIFFNo} {
		o.BigTIFF = mode
		var f sparseFile
		err := write(&f, o, start)
		if mode == BigTIFFNo {
			if err == nil || !strings.Contains(err.Error(), "file needs BigTIFF (BigTIFF mode NO)") {
				t.Errorf("mode NO: got %v, want file needs BigTIFF", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		checkHeader(t, &f, true)
		// The same layout as a classic TIFF would put the image IFD below
		// 4 GiB.
		if start+data+ifd > gib4 || start+data+ifd+mask <= gib4 {
			t.Fatalf("layout: image IFD ends at %d, mask IFD at %d; want around %d", start+data+ifd, start+data+ifd+mask, gib4)
		}
		_, got := readMaskAt(t, &f, f.size)
		for y := range o.Height {
			for x := range o.Width {
				if v := got[y*o.Width+x] == 1; v != testValid(x, y) {
					t.Fatalf("mask at (%d, %d) = %v", x, y, v)
				}
			}
		}
	}
}
