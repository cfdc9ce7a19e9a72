package geotiff_test

import (
	"fmt"
	"image"
	"log"

	"github.com/gomean/gomean/geotiff"
)

func ExampleOpen() {
	r, err := geotiff.Open("../testdata/dem/dem_a.tif")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	fmt.Printf("%dx%d, %d band(s) of %v, %dx%d tiles, %v\n", im.Width, im.Height, im.Bands, im.Type,
		im.TileWidth, im.TileHeight, im.Compression)
	fmt.Printf("EPSG:%d origin (%.0f, %.0f) pixel %.0f m, nodata %s\n", im.Geo.Keys.EPSG(),
		im.Geo.Transform[0], im.Geo.Transform[3], im.Geo.Transform[1], im.NoDataText)
	// Output:
	// 600x500, 1 band(s) of Float32, 256x256 tiles, DEFLATE
	// EPSG:32652 origin (300000, 4200000) pixel 30 m, nodata -9999
}

func ExampleReader_ReadWindow() {
	r, err := geotiff.Open("../testdata/dem/dem_a.tif")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	// A window that straddles four tiles; samples come back little-endian.
	win, err := r.ReadWindow(im, image.Rect(250, 250, 260, 262), []int{0}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(win), "bytes =", len(win)/im.Type.Size(), "samples")
	// Output: 480 bytes = 120 samples
}

func ExampleReadWindowAs() {
	r, err := geotiff.Open("../testdata/dem/dem_a.tif")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	elev, err := geotiff.ReadWindowAs[float64](r, im, image.Rect(0, 0, 4, 1), nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(elev), "elevations")
	// Output: 4 elevations
}

func ExampleReader_MaskFor() {
	r, err := geotiff.Open("../testdata/ovr/overviews_mask.tif")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	mask := r.MaskFor(im) // nil when the image has no internal mask
	if mask == nil {
		fmt.Println("every pixel is valid, unless nodata or alpha says otherwise")
		return
	}
	// A mask decodes like any image: one Uint8 sample per pixel, 0 where
	// the pixel is invalid.
	m, err := r.ReadWindow(mask, image.Rect(0, 0, mask.Width, mask.Height), nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	invalid := 0
	for _, v := range m {
		if v == 0 {
			invalid++
		}
	}
	fmt.Printf("mask IFD %d, %d band of %v: %d of %d pixels invalid\n", mask.Index, mask.Bands, mask.Type,
		invalid, len(m))
	// Output: mask IFD 1, 1 band of Byte: 250 of 3500 pixels invalid
}

func ExampleImage_AlphaBand() {
	r, err := geotiff.Open("../testdata/mask/alpha_gray.tif")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	fmt.Println(im.ColorInterp(0), im.ColorInterp(1), "alpha band:", im.AlphaBand(), "ExtraSamples:", im.ExtraSamples)
	// Output: Gray Alpha alpha band: 1 ExtraSamples: [2]
}
