package geotiff

// A GeoTransform maps pixel/line coordinates to georeferenced coordinates the
// way GDAL does: X = T[0] + col*T[1] + row*T[2], Y = T[3] + col*T[4] + row*T[5],
// where (col, row) = (0, 0) is the top-left corner of the top-left pixel.
type GeoTransform [6]float64

// A TiePoint ties raster point (I, J, K) to model point (X, Y, Z)
// (GeoTIFF ModelTiepointTag).
type TiePoint struct {
	I, J, K float64
	X, Y, Z float64
}

// Georef is the georeferencing of an image.
type Georef struct {
	// HasTransform reports whether Transform is valid: the image has a
	// ModelTransformation, or one tie point and a pixel scale.
	HasTransform bool
	Transform    GeoTransform
	// TiePoints holds every tie point of ModelTiepointTag; with more than
	// one and no pixel scale they are ground control points and
	// HasTransform is false.
	TiePoints []TiePoint
	// Keys is the GeoKey directory, or nil if the image has none.
	Keys *GeoKeyDirectory
}

// GeoKey IDs (GeoTIFF 1.1, section 7 and Annex).
const (
	KeyGTModelType          = 1024
	KeyGTRasterType         = 1025
	KeyGTCitation           = 1026
	KeyGeographicType       = 2048
	KeyGeogCitation         = 2049
	KeyGeogAngularUnits     = 2054
	KeyProjectedCSType      = 3072
	KeyPCSCitation          = 3073
	KeyProjection           = 3074
	KeyProjLinearUnits      = 3076
	KeyVerticalCSType       = 4096
	KeyVerticalCitation     = 4097
	KeyVerticalUnits        = 4099
	ModelTypeProjected      = 1
	ModelTypeGeographic     = 2
	ModelTypeGeocentric     = 3
	RasterPixelIsArea       = 1
	RasterPixelIsPoint      = 2
	UserDefined             = 32767
	keyDirectoryHeaderCount = 4
)

// A GeoKey is one entry of the GeoKey directory (tag 34735). When Location
// is 0, Value is the key's SHORT value; otherwise Location is the tag that
// holds the values (34736 doubles, 34737 ASCII) and Value the index of the
// first of Count values there.
type GeoKey struct {
	ID       uint16
	Location Tag
	Count    uint16
	Value    uint16
}

// A GeoKeyDirectory is the GeoTIFF key directory with the double and ASCII
// parameter tags it points into, kept as written so it can be copied to
// another file exactly.
type GeoKeyDirectory struct {
	Version, KeyRevision, MinorRevision uint16
	Keys                                []GeoKey
	Doubles                             []float64 // GeoDoubleParams (34736)
	ASCII                               string    // GeoASCIIParams (34737)
}
