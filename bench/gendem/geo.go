package main

import "github.com/gomean/gomean/geotiff"

// The inputs' grid: EPSG:32652 (WGS 84 / UTM zone 52N), 30 m pixels, upper
// left corner at (300000, 4200000), as ../shared/bench/gen_dem.py writes it.
const (
	epsg    = 32652
	pixel   = 30.0
	originX = 300000.0
	originY = 4200000.0
	crsName = "WGS 84 / UTM zone 52N"
)

// georef returns the georeferencing GDAL writes for the grid: a north-up
// transform and the GeoKeys of a projected CRS given by its EPSG code,
// PixelIsArea.
func georef() *geotiff.Georef {
	cit := crsName + "|"
	return &geotiff.Georef{
		HasTransform: true,
		Transform:    geotiff.GeoTransform{originX, pixel, 0, originY, 0, -pixel},
		Keys: &geotiff.GeoKeyDirectory{
			Version: 1, KeyRevision: 1, MinorRevision: 0,
			Keys: []geotiff.GeoKey{
				{ID: geotiff.KeyGTModelType, Count: 1, Value: geotiff.ModelTypeProjected},
				{ID: geotiff.KeyGTRasterType, Count: 1, Value: geotiff.RasterPixelIsArea},
				{ID: geotiff.KeyGTCitation, Location: geotiff.TagGeoASCIIParams, Count: uint16(len(cit)), Value: 0},
				{ID: geotiff.KeyProjectedCSType, Count: 1, Value: epsg},
				{ID: geotiff.KeyProjLinearUnits, Count: 1, Value: 9001}, // metre
			},
			ASCII: cit,
		},
	}
}
