package sidecar_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gomean/gomean/sidecar"
)

// ExampleRead reads the PAM file GDAL wrote next to a TIFF made with
// -co PROFILE=BASELINE, whose own tags hold no georeferencing.
func ExampleRead() {
	info, err := sidecar.Read(filepath.Join("..", "testdata", "sidecar", "bands.tif"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Transform, info.TransformIsPAM())
	fmt.Println(info.EPSG, info.Projected)
	for i, b := range info.Bands {
		fmt.Printf("band %d: nodata %v %g %q\n", i+1, b.HasNoData, b.NoData, b.NoDataText)
	}
	// Output:
	// [400000.5 30 0 6.00000025e+06 0 -30] true
	// 32633 true
	// band 1: nodata true 0 "0.00000000000000E+00"
	// band 2: nodata true NaN "nan"
	// band 3: nodata true -3.4e+38 "-3.40000000000000E+38"
	// band 4: nodata true -3.3999999521443642e+38 "-3.39999995214436E+38"
}

// ExampleWriteAux georeferences a raster by its PAM file.
func ExampleWriteAux() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "out.tif")

	err = sidecar.WriteAux(name, &sidecar.Info{
		HasTransform: true,
		Transform:    [6]float64{500000, 10, 0, 5000000, 0, -10},
		Bands:        []sidecar.Band{{HasNoData: true, NoData: -9999}},
	})
	if err != nil {
		log.Fatal(err)
	}
	b, err := os.ReadFile(name + ".aux.xml")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(b))
	// Output:
	// <PAMDataset>
	//   <GeoTransform>  5.0000000000000000e+05,  1.0000000000000000e+01,  0.0000000000000000e+00,  5.0000000000000000e+06,  0.0000000000000000e+00, -1.0000000000000000e+01</GeoTransform>
	//   <PAMRasterBand band="1">
	//     <NoDataValue>-9.99900000000000E+03</NoDataValue>
	//   </PAMRasterBand>
	// </PAMDataset>
}
