package geotiff

// A FormatError reports that the input is not a valid TIFF or GeoTIFF.
type FormatError string

func (e FormatError) Error() string { return "geotiff: invalid format: " + string(e) }

// An UnsupportedError reports that the input uses a valid but unimplemented
// feature, such as a compression scheme or sample type gomean cannot decode.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "geotiff: unsupported feature: " + string(e) }
