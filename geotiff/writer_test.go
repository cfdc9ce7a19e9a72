package geotiff

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// memFile is an in-memory io.WriterAt.
type memFile struct {
	mu sync.Mutex
	b  []byte
}

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if end := int(off) + len(p); end > len(m.b) {
		m.b = append(m.b, make([]byte, end-len(m.b))...)
	}
	return copy(m.b[off:], p), nil
}

func (m *memFile) Bytes() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.b)
}

var allTypes = []SampleType{Uint8, Int8, Uint16, Int16, Uint32, Int32, Uint64, Int64, Float32, Float64}

// testRaster returns a width×height×bands pixel-interleaved little-endian
// raster of t: smooth values with every 13th sample an extreme bit
// pattern (type limits, NaN, ±Inf, -0), so predictors see wrap-around.
func testRaster(t SampleType, width, height, bands int) []byte {
	size := t.Size()
	out := make([]byte, width*height*bands*size)
	k := 0
	for y := range height {
		for x := range width {
			for b := range bands {
				v := 1000*math.Sin(float64(x)/17+float64(b)) + 300*math.Cos(float64(y)/11) + float64(x*y%7)
				putTestSample(out[k*size:], t, v, k%13 == 0, k/13)
				k++
			}
		}
	}
	return out
}

func putTestSample(dst []byte, t SampleType, v float64, extreme bool, n int) {
	le := binary.LittleEndian
	if extreme {
		lo, hi := t.Range()
		v = []float64{lo, hi, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0.1}[n%7]
		if !t.IsFloat() && (math.IsNaN(v) || math.IsInf(v, 0)) {
			v = hi
		}
	}
	switch t {
	case Uint8, Int8:
		dst[0] = byte(int64(v))
	case Uint16, Int16:
		le.PutUint16(dst, uint16(int64(v)))
	case Uint32, Int32:
		le.PutUint32(dst, uint32(int64(v)))
	case Uint64:
		if v >= math.MaxUint64 {
			le.PutUint64(dst, math.MaxUint64)
		} else {
			le.PutUint64(dst, uint64(int64(v)))
		}
	case Int64:
		le.PutUint64(dst, uint64(int64(v)))
	case Float32:
		le.PutUint32(dst, math.Float32bits(float32(v)))
	case Float64:
		le.PutUint64(dst, math.Float64bits(v))
	}
}

// tileOf cuts tile i of the writer's layout out of raster (pixel
// interleaved, o.Bands samples per pixel); the part outside the image is
// filled with 0xA5.
func tileOf(raster []byte, c *writerConfig, i int) []byte {
	size := c.Type.Size()
	tile := bytes.Repeat([]byte{0xA5}, c.tileBytes)
	plane, idx := i/c.tilesPerPlane, i%c.tilesPerPlane
	across := (c.Width + c.TileWidth - 1) / c.TileWidth
	x0, y0 := idx%across*c.TileWidth, idx/across*c.TileHeight
	for y := y0; y < min(y0+c.TileHeight, c.Height); y++ {
		for x := x0; x < min(x0+c.TileWidth, c.Width); x++ {
			src := raster[((y*c.Width+x)*c.Bands)*size:]
			dst := tile[((y-y0)*c.TileWidth+(x-x0))*c.spp*size:]
			if c.Planar == PlanarSeparate {
				copy(dst[:size], src[plane*size:])
			} else {
				copy(dst[:c.spp*size], src)
			}
		}
	}
	return tile
}

// writeRaster writes raster with opts to w, tiles in order, from workers
// goroutines each taking every workers-th tile.
func writeRaster(w *Writer, raster []byte, goroutines int) error {
	var wg sync.WaitGroup
	errs := make([]error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < w.NumTiles(); i += goroutines {
				if err := w.WriteTile(context.Background(), i, tileOf(raster, w.cfg, i)); err != nil {
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

// encodeMem writes raster to memory with opts.
func encodeMem(t testing.TB, opts WriterOptions, raster []byte) []byte {
	t.Helper()
	var m memFile
	w, err := NewWriter(&m, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeRaster(w, raster, 3); err != nil {
		t.Fatal(err)
	}
	return m.Bytes()
}

// matrixCase is one combination of the writer's layout options.
type matrixCase struct {
	name string
	opts WriterOptions
}

// writerMatrix returns every sample type × compression × predictor ×
// planar configuration × byte order, on a small raster whose size is not a
// multiple of the tile size.
func writerMatrix() []matrixCase {
	var cases []matrixCase
	for _, typ := range allTypes {
		for _, comp := range []Compression{CompressionNone, CompressionDeflate, CompressionZSTD, CompressionLZW} {
			preds := []Predictor{PredictorNone, PredictorHorizontal}
			if typ.IsFloat() {
				preds = append(preds, PredictorFloat)
			}
			if comp == CompressionNone {
				preds = preds[:1]
			}
			for _, pred := range preds {
				for _, planar := range []int{PlanarContig, PlanarSeparate} {
					for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
						o := WriterOptions{Width: 70, Height: 37, Bands: 3, Type: typ, TileWidth: 32, TileHeight: 16,
							Planar: planar, Compression: comp, Predictor: pred, ByteOrder: order, Workers: 2}
						name := fmt.Sprintf("%v_%v_%v_planar%d_%s", typ, comp, pred, planar, order.String()[:3])
						cases = append(cases, matrixCase{name, o})
					}
				}
			}
		}
	}
	// Huffman-only DEFLATE, with and without a predictor.
	for _, typ := range []SampleType{Uint8, Int16, Float32, Float64} {
		for _, pred := range []Predictor{PredictorNone, PredictorHorizontal} {
			o := WriterOptions{Width: 70, Height: 37, Bands: 3, Type: typ, TileWidth: 32, TileHeight: 16,
				Planar: PlanarContig, ByteOrder: binary.LittleEndian,
				Compression: CompressionDeflate, Level: DeflateHuffmanOnly, Predictor: pred, Workers: 2}
			if typ.IsFloat() && pred == PredictorHorizontal {
				o.Predictor = PredictorFloat
			}
			cases = append(cases, matrixCase{fmt.Sprintf("%v_DEFLATE-huffman_%v", typ, o.Predictor), o})
		}
	}
	return cases
}

func TestWriterRoundTrip(t *testing.T) {
	for _, tc := range writerMatrix() {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
			file := encodeMem(t, o, raster)
			r, err := NewReader(bytes.NewReader(file), int64(len(file)))
			if err != nil {
				t.Fatal(err)
			}
			im := r.Image()
			if im.Type != o.Type || im.Compression != o.Compression || im.Predictor != o.Predictor ||
				im.Planar != o.Planar || im.Bands != o.Bands || r.ByteOrder() != o.ByteOrder || r.BigTIFF() {
				t.Fatalf("read type %v compression %v predictor %v planar %d bands %d order %v big %v",
					im.Type, im.Compression, im.Predictor, im.Planar, im.Bands, r.ByteOrder(), r.BigTIFF())
			}
			got, err := r.ReadWindow(im, image.Rect(0, 0, o.Width, o.Height), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, raster) {
				t.Fatalf("samples differ at byte %d of %d", firstDiff(got, raster), len(raster))
			}
			// ReadTile returns the tile as written, padding included.
			cfg, _ := o.config()
			last := cfg.numTiles - 1
			tile, err := r.ReadTile(im, last, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := tileOf(raster, cfg, last); !bytes.Equal(tile, want) {
				t.Errorf("tile %d differs at byte %d", last, firstDiff(tile, want))
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestWriterDeterministic checks that the bytes do not depend on the
// number of workers or of goroutines calling WriteTile.
func TestWriterDeterministic(t *testing.T) {
	o := WriterOptions{Width: 300, Height: 260, Bands: 2, Type: Float32, TileWidth: 64, TileHeight: 32}
	raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
	for _, comp := range []Compression{CompressionDeflate, CompressionZSTD} {
		o.Compression = comp
		var want []byte
		for _, workers := range []int{1, 2, 3, 8} {
			o.Workers = workers
			var m memFile
			w, err := NewWriter(&m, o)
			if err != nil {
				t.Fatal(err)
			}
			if err := writeRaster(w, raster, workers); err != nil {
				t.Fatal(err)
			}
			got := m.Bytes()
			if want == nil {
				want = got
			} else if !bytes.Equal(got, want) {
				t.Errorf("%v: %d workers: file differs from 1 worker's at byte %d", comp, workers, firstDiff(got, want))
			}
		}
	}
}

func TestWriterOptionErrors(t *testing.T) {
	ok := WriterOptions{Width: 10, Height: 10, Bands: 1, Type: Uint8}
	for _, tc := range []struct {
		name string
		edit func(*WriterOptions)
		want string
	}{
		{"zero width", func(o *WriterOptions) { o.Width = 0 }, "invalid image size 0x10"},
		{"no bands", func(o *WriterOptions) { o.Bands = 0 }, "invalid band count 0"},
		{"no type", func(o *WriterOptions) { o.Type = Invalid }, "invalid sample type"},
		{"tile 100", func(o *WriterOptions) { o.TileWidth = 100 }, "invalid tile size 100x256: want positive multiples of 16"},
		{"planar 3", func(o *WriterOptions) { o.Planar = 3 }, "invalid planar configuration 3"},
		{"jpeg", func(o *WriterOptions) { o.Compression = CompressionJPEG }, "unsupported feature: writing compression JPEG"},
		{"deflate 12", func(o *WriterOptions) { o.Level = 12 }, "invalid DEFLATE level 12: want value in range [1, 9]"},
		{"zstd 23", func(o *WriterOptions) { o.Compression, o.Level = CompressionZSTD, 23 }, "invalid ZSTD level 23: want value in range [1, 22]"},
		{"float predictor on ints", func(o *WriterOptions) { o.Predictor = PredictorFloat }, "predictor FloatingPoint needs a float sample type: got Byte"},
		{"predictor without compression", func(o *WriterOptions) { o.Compression, o.Predictor = CompressionNone, PredictorHorizontal }, "needs compression"},
		{"predictor 4", func(o *WriterOptions) { o.Predictor = 4 }, "invalid predictor 4"},
		{"workers", func(o *WriterOptions) { o.Workers = -1 }, "invalid worker count -1"},
		{"bigtiff", func(o *WriterOptions) { o.BigTIFF = 7 }, "invalid BigTIFF mode 7"},
		{"huge tile", func(o *WriterOptions) { o.TileWidth, o.TileHeight, o.Type, o.Bands = 65536, 65536, Float64, 4 }, "exceeds limit"},
		{"bad extra", func(o *WriterOptions) { o.ExtraFields = []Field{{Tag: 305, Type: ASCII, Count: 5, Data: []byte("ab")}} }, "extra field Software: got 2 bytes"},
		{"rgb of 1 band", func(o *WriterOptions) { o.Photometric = PhotometricRGB }, "geotiff: photometric RGB needs at least 3 bands: got 1"},
		{"photometric 3", func(o *WriterOptions) { o.Photometric = 3 }, "geotiff: invalid photometric interpretation 3: want 1 (MinIsBlack) or 2 (RGB)"},
		{"extra samples count", func(o *WriterOptions) { o.Bands, o.ExtraSamples = 2, []uint16{2, 2} }, "geotiff: got 2 ExtraSamples for 2 bands with 1 color channels, want 1"},
		{"extra samples rgb", func(o *WriterOptions) {
			o.Bands, o.Photometric, o.ExtraSamples = 3, PhotometricRGB, []uint16{ExtraSampleUnassociatedAlpha}
		}, "got 1 ExtraSamples for 3 bands with 3 color channels, want 0"},
		{"extra samples value", func(o *WriterOptions) { o.Bands, o.ExtraSamples = 2, []uint16{3} }, "geotiff: invalid ExtraSamples[0] 3: want 0 (unspecified), 1 (associated alpha) or 2 (unassociated alpha)"},
		{"nodata range", func(o *WriterOptions) { o.HasNoData, o.NoData = true, -1 }, "geotiff: nodata -1 is not a value of Byte"},
		{"nodata text", func(o *WriterOptions) { o.NoDataText = "nan" }, `geotiff: invalid nodata text "nan" for Byte`},
		{"bad geotransform", func(o *WriterOptions) {
			o.Geo = &Georef{HasTransform: true, Transform: GeoTransform{math.NaN(), 1, 0, 0, 0, -1}}
		}, "invalid geotransform"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			_, err := NewWriter(&memFile{}, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestWriteTileErrors(t *testing.T) {
	o := WriterOptions{Width: 40, Height: 20, Bands: 1, Type: Uint16, TileWidth: 16, TileHeight: 16, Workers: 1}
	w, err := NewWriter(&memFile{}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	ctx := context.Background()
	tile := make([]byte, w.TileBytes())
	if w.NumTiles() != 6 || w.TileBytes() != 512 {
		t.Fatalf("NumTiles, TileBytes = %d, %d; want 6, 512", w.NumTiles(), w.TileBytes())
	}
	checks := []struct {
		err  error
		want string
	}{
		{w.WriteTile(ctx, 6, tile), "geotiff: write tile 6: index out of range [0, 6)"},
		{w.WriteTile(ctx, -1, tile), "geotiff: write tile -1: index out of range [0, 6)"},
		{w.WriteTile(ctx, 0, tile[:10]), "geotiff: write tile 0: got 10 bytes of samples, want 512"},
		{w.WriteTile(ctx, 0, tile), ""},
		{w.WriteTile(ctx, 0, tile), "geotiff: write tile 0: tile already written"},
		{w.Close(), "geotiff: close: tile 1 of 6 was never written"},
		{w.WriteTile(ctx, 1, tile), "geotiff: close: tile 1 of 6 was never written"},
		{w.Close(), "geotiff: close: tile 1 of 6 was never written"},
	}
	for i, c := range checks {
		if c.want == "" && c.err != nil || c.want != "" && (c.err == nil || c.err.Error() != c.want) {
			t.Errorf("check %d: got %v, want %q", i, c.err, c.want)
		}
	}
}

func TestWriteTileAfterClose(t *testing.T) {
	o := WriterOptions{Width: 16, Height: 16, Bands: 1, Type: Uint8, TileWidth: 16, TileHeight: 16}
	w, err := NewWriter(&memFile{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTile(context.Background(), 0, make([]byte, 256)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTile(context.Background(), 0, make([]byte, 256)); !errors.Is(err, errClosed) {
		t.Errorf("WriteTile after Close: got %v, want %v", err, errClosed)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("Abort after Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCreateOverwrite(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.tif")
	o := WriterOptions{Width: 20, Height: 20, Bands: 1, Type: Int16, TileWidth: 16, TileHeight: 16}
	raster := testRaster(o.Type, o.Width, o.Height, o.Bands)
	create := func(o WriterOptions) error {
		w, err := Create(name, o)
		if err != nil {
			return err
		}
		return writeRaster(w, raster, 1)
	}
	if err := create(o); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(name)
	err := create(o)
	if want := "geotiff: create " + name + ": file exists"; !errors.Is(err, fs.ErrExist) || err.Error() != want {
		t.Errorf("Create over an existing file: got %v, want %q wrapping fs.ErrExist", err, want)
	}
	o.Overwrite = true
	o.Compression = CompressionNone
	if err := create(o); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(name)
	if bytes.Equal(first, second) || len(second) < len(raster) {
		t.Errorf("Overwrite did not replace the file (%d bytes before, %d after)", len(first), len(second))
	}
	checkOnlyFiles(t, dir, "out.tif")
	r, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.ReadWindow(r.Image(), image.Rect(0, 0, 20, 20), nil, nil)
	if err != nil || !bytes.Equal(got, raster) {
		t.Errorf("read back: err %v, equal %v", err, bytes.Equal(got, raster))
	}
}

// checkOnlyFiles fails unless dir holds exactly the named files.
func checkOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}

func TestWriterExtraFields(t *testing.T) {
	o := WriterOptions{Width: 16, Height: 16, Bands: 1, Type: Uint8, TileWidth: 16, TileHeight: 16,
		ExtraFields: []Field{
			NewASCIIField(TagSoftware, "first"),
			NewASCIIField(TagSoftware, "second"),                     // a repeat: dropped
			NewLongField(TagTileOffsets, 12345),                      // owned: dropped
			NewASCIIField(TagGDALNoData, "-1"),                       // owned: dropped
			{Tag: 50000, Type: IFD, Count: 1, Data: make([]byte, 4)}, // a file offset: dropped
			{Tag: 50001, Type: Long8, Count: 2, Data: binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 7), 1<<32-1)},
			{Tag: 50002, Type: SLong8, Count: 1, Data: binary.LittleEndian.AppendUint64(nil, uint64(1<<64-5))}, // -5
		}}
	for _, tc := range []struct {
		name    string
		huge    bool // add a LONG8 that needs 64 bits
		wantBig bool
	}{{"classic narrows LONG8", false, false}, {"LONG8 beyond 32 bits needs BigTIFF", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			o := o
			if tc.huge {
				o.ExtraFields = append(slices.Clone(o.ExtraFields), Field{Tag: 50003, Type: Long8, Count: 1, Data: binary.LittleEndian.AppendUint64(nil, 1<<40)})
			}
			file := encodeMem(t, o, make([]byte, 256))
			r, err := NewReader(bytes.NewReader(file), int64(len(file)))
			if err != nil {
				t.Fatal(err)
			}
			if r.BigTIFF() != tc.wantBig {
				t.Fatalf("BigTIFF %v, want %v", r.BigTIFF(), tc.wantBig)
			}
			fs := r.Image().Fields
			if f := fs.Get(TagSoftware); f == nil || f.String() != "first" {
				t.Errorf("Software = %v, want first", f)
			}
			if fs.Get(TagGDALNoData) != nil || fs.Get(50000) != nil {
				t.Errorf("owned or offset fields were copied")
			}
			if v := fs.Get(TagTileOffsets).Uints(); len(v) != 1 || v[0] != headerSize {
				t.Errorf("TileOffsets = %v, want [%d]", v, headerSize)
			}
			f, g := fs.Get(50001), fs.Get(50002)
			wantT, wantS := Long, SLong
			if tc.wantBig {
				wantT, wantS = Long8, SLong8
			}
			if f == nil || f.Type != wantT || fmt.Sprint(f.Uints()) != "[7 4294967295]" {
				t.Errorf("tag 50001 = %+v, want %v [7 4294967295]", f, wantT)
			}
			if v, _ := g.Float(0); g == nil || g.Type != wantS || v != -5 {
				t.Errorf("tag 50002 = %+v, want %v -5", g, wantS)
			}
		})
	}
}

func TestWriterColorTags(t *testing.T) {
	for _, tc := range []struct {
		name        string
		bands       int
		photometric int
		extra       []uint16
		wantPhoto   uint64
		wantExtra   string // "" for no tag
	}{
		{"gray", 1, 0, nil, 1, ""},
		{"gray bands", 3, 0, nil, 1, "[0 0]"},
		{"rgb", 3, PhotometricRGB, nil, 2, ""},
		{"rgb empty extras", 3, PhotometricRGB, []uint16{}, 2, ""},
		{"rgba", 4, PhotometricRGB, []uint16{ExtraSampleUnassociatedAlpha}, 2, "[2]"},
		{"rgb+2", 5, PhotometricRGB, []uint16{ExtraSampleAssociatedAlpha, ExtraSampleUnspecified}, 2, "[1 0]"},
		{"gray alpha", 2, PhotometricMinIsBlack, []uint16{ExtraSampleUnassociatedAlpha}, 1, "[2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := WriterOptions{Width: 16, Height: 16, Bands: tc.bands, Type: Uint8, TileWidth: 16, TileHeight: 16,
				Photometric: tc.photometric, ExtraSamples: tc.extra}
			file := encodeMem(t, o, make([]byte, 256*tc.bands))
			r, err := NewReader(bytes.NewReader(file), int64(len(file)))
			if err != nil {
				t.Fatal(err)
			}
			fs := r.Image().Fields
			if v := fs.Get(TagPhotometricInterpretation).Uints(); len(v) != 1 || v[0] != tc.wantPhoto {
				t.Errorf("Photometric %v, want %d", v, tc.wantPhoto)
			}
			f := fs.Get(TagExtraSamples)
			if (f == nil) != (tc.wantExtra == "") || f != nil && fmt.Sprint(f.Uints()) != tc.wantExtra {
				t.Errorf("ExtraSamples %v, want %q", f, tc.wantExtra)
			}
		})
	}
}
