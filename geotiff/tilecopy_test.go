package geotiff

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyAll copies every tile (and mask tile) of the first image of src
// into a RawWriter with its fields and returns the new file's bytes.
func copyAll(t *testing.T, src, dst string, big BigTIFFMode) []byte {
	t.Helper()
	r, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	im := r.Images()[0]
	o := RawOptions{Fields: im.Fields, ByteOrder: r.ByteOrder(), BigTIFF: big}
	m := r.MaskFor(im)
	if m != nil {
		o.MaskFields = m.Fields
	}
	w, err := CreateRaw(dst, o)
	if err != nil {
		t.Fatal(err)
	}
	if w.NumTiles() != im.NumTiles() {
		t.Fatalf("RawWriter has %d tiles, the image %d", w.NumTiles(), im.NumTiles())
	}
	if _, err := w.CopyRawTiles(r, im, 0, im.NumTiles(), m, 0, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRawWriterCopiesWriterOutput checks that copying every tile of a file
// the Writer wrote, under its own fields, gives the file back byte for
// byte: every layout of the writer matrix, with a mask, and BigTIFF.
func TestRawWriterCopiesWriterOutput(t *testing.T) {
	dir := t.TempDir()
	cases := writerMatrix()
	masked := WriterOptions{Width: 70, Height: 37, Bands: 2, Type: Uint16, TileWidth: 32, TileHeight: 16, Mask: true, Workers: 2}
	sepMasked := masked
	sepMasked.Planar = PlanarSeparate
	big := WriterOptions{Width: 70, Height: 37, Bands: 1, Type: Float32, TileWidth: 32, TileHeight: 16, BigTIFF: BigTIFFYes, Workers: 2}
	cases = append(cases, matrixCase{"mask", masked}, matrixCase{"mask-separate", sepMasked}, matrixCase{"bigtiff", big})
	for k, tc := range cases {
		if testing.Short() && k%7 != 0 && k < len(cases)-3 {
			continue
		}
		src := filepath.Join(dir, "src.tif")
		w, err := Create(src, func() WriterOptions { o := tc.opts; o.Overwrite = true; return o }())
		if err != nil {
			t.Fatal(err)
		}
		raster := testRaster(tc.opts.Type, tc.opts.Width, tc.opts.Height, tc.opts.Bands)
		if tc.opts.Mask {
			err = writeRasterMask(w, raster, testValid, 2)
		} else {
			if err = writeRaster(w, raster, 2); err == nil {
				err = w.Close()
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		got := copyAll(t, src, filepath.Join(dir, tc.name+".tif"), tc.opts.BigTIFF)
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: copy of %d bytes differs from the original of %d at byte %d", tc.name, len(got), len(want), firstDiff(got, want))
		}
	}
}

// TestRawWriterErrors checks out-of-order tiles, a tile never written,
// and ReadRawTile on a truncated file; a failed RawWriter leaves nothing.
func TestRawWriterErrors(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.tif")
	opts := WriterOptions{Width: 70, Height: 37, Bands: 1, Type: Uint8, TileWidth: 32, TileHeight: 16, Mask: true, Workers: 1}
	w, err := Create(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeRasterMask(w, testRaster(Uint8, 70, 37, 1), testValid, 1); err != nil {
		t.Fatal(err)
	}
	r, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	im := r.Images()[0]
	o := RawOptions{Fields: im.Fields, MaskFields: r.MaskFor(im).Fields, ByteOrder: binary.LittleEndian}
	tests := []struct {
		name  string
		write func(w *RawWriter) error
		want  string
	}{
		{"skip", func(w *RawWriter) error { return w.WriteRawTile(1, []byte{1}) }, "tile 1 out of order: want tile 0"},
		{"mask-missing", func(w *RawWriter) error {
			w.WriteRawTile(0, []byte{1})
			return w.WriteRawTile(1, []byte{1})
		}, "want mask tile 0"},
		{"short", func(w *RawWriter) error {
			w.WriteRawTile(0, []byte{1})
			w.WriteRawMaskTile(0, []byte{1})
			return w.Close()
		}, "tile 1 was never written"},
	}
	for _, tc := range tests {
		out := filepath.Join(dir, tc.name+".tif")
		w, err := CreateRaw(out, o)
		if err != nil {
			t.Fatal(err)
		}
		err = tc.write(w)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		w.Abort()
		checkOnlyFiles(t, dir, "src.tif")
	}
	if _, err := CreateRaw(filepath.Join(dir, "x.tif"), RawOptions{Fields: []Field{NewShortField(TagImageWidth, 5)}}); err == nil || !strings.Contains(err.Error(), "no ImageLength") {
		t.Errorf("CreateRaw without ImageLength: %v", err)
	}
	// A truncated file: its last tile lies past the end.
	b, _ := os.ReadFile(src)
	last := im.NumTiles() - 1
	off := im.offsets[last]
	rt, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err == nil {
		rt.size = int64(off + 1) // as if the file were cut in the tile
		_, err = rt.ReadRawTile(im, last, nil)
	}
	if err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Errorf("ReadRawTile of a truncated file: %v", err)
	}
	if _, err := r.ReadRawTile(im, im.NumTiles(), nil); err == nil {
		t.Error("ReadRawTile out of range: no error")
	}
	got, err := r.ReadRawTile(im, 0, nil)
	if n, _ := im.RawTileSize(0); err != nil || uint64(len(got)) != n || !bytes.Equal(got, b[im.offsets[0]:im.offsets[0]+n]) {
		t.Errorf("ReadRawTile(0) = %d bytes, %v; want the %d stored bytes", len(got), err, n)
	}
}

// TestWriterRawTiles checks that a Writer given some tiles raw (copied
// with ReadRawTile from a file it wrote with the same options) and the
// others to encode writes that file byte for byte, with a mask and from
// several goroutines.
func TestWriterRawTiles(t *testing.T) {
	dir := t.TempDir()
	for _, opts := range []WriterOptions{
		{Width: 70, Height: 37, Bands: 2, Type: Float32, TileWidth: 32, TileHeight: 16, Workers: 2},
		{Width: 70, Height: 37, Bands: 2, Type: Uint16, TileWidth: 32, TileHeight: 16, Mask: true, Workers: 2, Planar: PlanarSeparate},
	} {
		ref := filepath.Join(dir, "ref.tif")
		o := opts
		o.Overwrite = true
		w, err := Create(ref, o)
		if err != nil {
			t.Fatal(err)
		}
		raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
		if o.Mask {
			err = writeRasterMask(w, raster, testValid, 2)
		} else if err = writeRaster(w, raster, 2); err == nil {
			err = w.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(ref)
		r, err := Open(ref)
		if err != nil {
			t.Fatal(err)
		}
		im := r.Images()[0]
		mask := r.MaskFor(im)
		var m memFile
		w2, err := NewWriter(&m, opts)
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		for g := range 2 {
			go func() {
				ctx := context.Background()
				for i := g; i < w2.NumTiles(); i += 2 {
					var err error
					if i%3 == 0 {
						var b []byte
						if b, err = r.ReadRawTile(im, i, nil); err == nil {
							err = w2.WriteRawTile(ctx, i, b)
						}
					} else {
						err = w2.WriteTile(ctx, i, tileOf(raster, w2.cfg, i))
					}
					if err == nil && i < w2.NumMaskTiles() {
						var b []byte
						if b, err = r.ReadRawTile(mask, i, nil); err == nil {
							err = w2.WriteRawMaskTile(ctx, i, b)
						}
					}
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if err := w2.Close(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if got := m.Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("mask %v: %d bytes with raw tiles, %d encoded, differ at %d", o.Mask, len(got), len(want), firstDiff(got, want))
		}
		if err := w2.WriteRawTile(context.Background(), 0, []byte{1}); err == nil {
			t.Error("WriteRawTile after Close: no error")
		}
		if err := w2.WriteRawTile(context.Background(), -1, nil); err == nil {
			t.Error("WriteRawTile(-1): no error")
		}
	}
}

// TestCOGRawTiles checks that a COGWriter given its full-resolution tiles
// raw, copied with ReadRawTile from a plain file the Writer wrote with the
// same options, and its overview tiles to encode, writes the COG that
// writeTestCOG writes with every tile encoded, byte for byte (with and
// without a mask); and that raw tiles out of range are refused.
func TestCOGRawTiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	const width, height, levels = 200, 130, 2
	for _, mask := range []bool{false, true} {
		want := filepath.Join(dir, "want.tif")
		os.Remove(want)
		writeTestCOG(t, want, width, height, levels, 2, mask, BigTIFFAuto)
		opts := WriterOptions{
			Width: width, Height: height, Bands: 1, Type: Float32, TileWidth: 64, TileHeight: 64,
			Workers: 2, Mask: mask, HasNoData: !mask, NoData: -9999,
			Metadata: "<GDALMetadata>\n  <Item name=\"X\">1</Item>\n</GDALMetadata>\n", Overwrite: true,
		}
		tile := func(k, i int) ([]byte, []byte) {
			lw := max(1, width>>k)
			across := (lw + 63) / 64
			tx, ty := i%across, i/across
			buf, m := make([]byte, 64*64*4), make([]byte, 64*64)
			for y := range 64 {
				for x := range 64 {
					v := float32(k*1e6 + (ty*64+y)*lw + tx*64 + x)
					binary.LittleEndian.PutUint32(buf[4*(y*64+x):], math.Float32bits(v))
					if (x+y)%3 != 0 {
						m[y*64+x] = 1
					}
				}
			}
			return buf, m
		}
		plain := filepath.Join(dir, "plain.tif")
		pw, err := Create(plain, opts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range pw.NumTiles() {
			buf, m := tile(0, i)
			if err = pw.WriteTile(ctx, i, buf); err == nil && mask {
				err = pw.WriteMaskTile(ctx, i, m)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := Open(plain)
		if err != nil {
			t.Fatal(err)
		}
		im := r.Images()[0]
		got := filepath.Join(dir, "got.tif")
		cw, err := CreateCOG(got, COGOptions{WriterOptions: opts, Overviews: levels})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k <= levels; k++ {
			for i := range cw.NumTiles(k) {
				if k == 0 {
					var b []byte
					if b, err = r.ReadRawTile(im, i, nil); err == nil {
						err = cw.WriteRawTile(ctx, i, b)
					}
					if err == nil && mask {
						if b, err = r.ReadRawTile(r.MaskFor(im), i, nil); err == nil {
							err = cw.WriteRawMaskTile(ctx, i, b)
						}
					}
				} else {
					buf, m := tile(k, i)
					if err = cw.WriteOverviewTile(ctx, k, i, buf); err == nil && mask {
						err = cw.WriteOverviewMaskTile(ctx, k, i, m)
					}
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := cw.WriteRawTile(ctx, cw.NumTiles(0), []byte{1}); err == nil {
			t.Error("WriteRawTile past the last tile: no error")
		}
		if err := cw.WriteRawMaskTile(ctx, -1, []byte{1}); err == nil {
			t.Error("WriteRawMaskTile(-1): no error")
		}
		if err := cw.Close(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		a, _ := os.ReadFile(got)
		b, _ := os.ReadFile(want)
		if !bytes.Equal(a, b) {
			t.Fatalf("mask %v: COG with raw tiles (%d bytes) differs from the encoded one (%d bytes) at %d", mask, len(a), len(b), firstDiff(a, b))
		}
	}
}
