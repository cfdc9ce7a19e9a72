package geotiff_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/gomean/gomean/geotiff"
)

// ExampleCreate writes a small float32 GeoTIFF with georeferencing and
// nodata, one tile at a time.
func ExampleCreate() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "ramp.tif")

	w, err := geotiff.Create(name, geotiff.WriterOptions{
		Width: 300, Height: 200, Bands: 1, Type: geotiff.Float32,
		HasNoData: true, NoData: -9999,
		Geo: &geotiff.Georef{
			HasTransform: true,
			Transform:    geotiff.GeoTransform{300000, 30, 0, 4200000, 0, -30},
			Keys: &geotiff.GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []geotiff.GeoKey{
				{ID: geotiff.KeyGTModelType, Count: 1, Value: geotiff.ModelTypeProjected},
				{ID: geotiff.KeyGTRasterType, Count: 1, Value: geotiff.RasterPixelIsArea},
				{ID: geotiff.KeyProjectedCSType, Count: 1, Value: 32652},
			}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Abort() // removes the temporary file unless Close succeeded

	tile := make([]byte, w.TileBytes()) // 256×256 float32 samples, little-endian
	for i := range w.NumTiles() {
		for k := 0; k < len(tile); k += 4 {
			binary.LittleEndian.PutUint32(tile[k:], math.Float32bits(float32(i)))
		}
		if err := w.WriteTile(context.Background(), i, tile); err != nil {
			log.Fatal(err)
		}
	}
	// Close writes the directory and moves the file into place: check its error.
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := geotiff.Open(name)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	fmt.Println(im.Width, im.Height, im.Type, im.Compression, im.Predictor, im.NoDataText, im.Geo.Keys.EPSG())
	// Output: 300 200 Float32 DEFLATE FloatingPoint -9999 32652
}

// ExampleWriter hands tiles to a Writer from several goroutines; the
// Writer compresses them in parallel and appends them in order.
func ExampleWriter() {
	f, err := os.CreateTemp("", "example-*.tif")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()

	w, err := geotiff.NewWriter(f, geotiff.WriterOptions{
		Width: 1000, Height: 1000, Bands: 3, Type: geotiff.Uint16,
		Planar: geotiff.PlanarSeparate, Compression: geotiff.CompressionZSTD,
	})
	if err != nil {
		log.Fatal(err)
	}
	g, ctx := errgroup.WithContext(context.Background())
	const producers = 4
	for p := range producers {
		g.Go(func() error {
			tile := make([]byte, w.TileBytes())
			for i := p; i < w.NumTiles(); i += producers {
				plane := i / (w.NumTiles() / 3)
				for k := 0; k < len(tile); k += 2 {
					binary.LittleEndian.PutUint16(tile[k:], uint16(1000*plane+k/2%1000))
				}
				if err := w.WriteTile(ctx, i, tile); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		w.Abort()
		log.Fatal(err)
	}
	// Close waits for the last tiles and writes the directory: check its error.
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.NumTiles(), "tiles written")
	// Output: 48 tiles written
}

// ExampleWriter_WriteMaskTile writes an image with an internal mask, which
// GDAL returns as the mask band of every band: each tile is handed with
// its validity, the image tile first.
func ExampleWriter_WriteMaskTile() {
	f, err := os.CreateTemp("", "example-*.tif")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()

	w, err := geotiff.NewWriter(f, geotiff.WriterOptions{
		Width: 600, Height: 400, Bands: 1, Type: geotiff.Uint8, Mask: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Abort()
	ctx := context.Background()
	tile := make([]byte, w.TileBytes())
	mask := make([]byte, 256*256) // one byte per pixel: 0 invalid, else valid
	for i := range w.NumTiles() {
		for k := range mask {
			mask[k] = byte(k % 256 / 128) // the left half of each tile is invalid
		}
		if err := w.WriteTile(ctx, i, tile); err != nil {
			log.Fatal(err)
		}
		if err := w.WriteMaskTile(ctx, i, mask); err != nil {
			log.Fatal(err)
		}
	}
	// The nodata value may be decided until Close.
	if err := w.SetNoData(true, 0); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	r, err := geotiff.Open(f.Name())
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for _, im := range r.Images() {
		fmt.Println(im.Width, im.Height, im.IsMask(), im.NoDataText)
	}
	// Output:
	// 600 400 false 0
	// 600 400 true
}
