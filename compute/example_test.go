package compute_test

import (
	"context"
	"fmt"
	"image"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
)

// writeConstant writes a 64×64 float32 GeoTIFF filled with v, with nodata
// -9999 in its first row.
func writeConstant(name string, v float32) {
	w, err := geotiff.Create(name, geotiff.WriterOptions{Width: 64, Height: 64, Bands: 1, Type: geotiff.Float32,
		TileWidth: 64, TileHeight: 64, HasNoData: true, NoData: -9999})
	if err != nil {
		log.Fatal(err)
	}
	tile := make([]byte, 64*64*4)
	for i := 0; i < 64*64; i++ {
		x := v
		if i < 64 && v > 2 {
			x = -9999
		}
		bits := math.Float32bits(x)
		tile[4*i], tile[4*i+1], tile[4*i+2], tile[4*i+3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
	}
	if err := w.WriteTile(context.Background(), 0, tile); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
}

func ExampleRun() {
	dir, err := os.MkdirTemp("", "gomean-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var inputs []string
	for i, v := range []float32{1, 2, 6} {
		name := filepath.Join(dir, fmt.Sprintf("in%d.tif", i))
		writeConstant(name, v)
		inputs = append(inputs, name)
	}
	out := filepath.Join(dir, "mean.tif")
	if err := compute.Run(context.Background(), compute.Config{}, inputs, out); err != nil {
		log.Fatal(err)
	}

	r, err := geotiff.Open(out)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	// Pixel (0, 0) is nodata in the third input, pixel (0, 1) is not.
	px, err := r.ReadWindow(im, image.Rect(0, 0, 1, 2), nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	f := func(b []byte) float32 {
		return math.Float32frombits(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
	}
	fmt.Println(im.Type, im.NoData, f(px[0:4]), f(px[4:8]))
	// Output: Float32 -9999 1.5 3
}
