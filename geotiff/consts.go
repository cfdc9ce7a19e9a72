package geotiff

import "strconv"

// A Tag identifies a TIFF field (TIFF 6.0 section 2, GeoTIFF 1.1 and GDAL's
// private tags).
type Tag uint16

// Tags that gomean interprets. Every other tag is kept raw in [Image.Fields].
const (
	TagNewSubfileType            Tag = 254
	TagImageWidth                Tag = 256
	TagImageLength               Tag = 257
	TagBitsPerSample             Tag = 258
	TagCompression               Tag = 259
	TagPhotometricInterpretation Tag = 262
	TagImageDescription          Tag = 270
	TagStripOffsets              Tag = 273
	TagSamplesPerPixel           Tag = 277
	TagRowsPerStrip              Tag = 278
	TagStripByteCounts           Tag = 279
	TagPlanarConfiguration       Tag = 284
	TagSoftware                  Tag = 305
	TagDateTime                  Tag = 306
	TagPredictor                 Tag = 317
	TagColorMap                  Tag = 320
	TagTileWidth                 Tag = 322
	TagTileLength                Tag = 323
	TagTileOffsets               Tag = 324
	TagTileByteCounts            Tag = 325
	TagSubIFDs                   Tag = 330
	TagExtraSamples              Tag = 338
	TagSampleFormat              Tag = 339
	TagJPEGTables                Tag = 347
	TagModelPixelScale           Tag = 33550
	TagModelTiepoint             Tag = 33922
	TagModelTransformation       Tag = 34264
	TagGeoKeyDirectory           Tag = 34735
	TagGeoDoubleParams           Tag = 34736
	TagGeoASCIIParams            Tag = 34737
	TagGDALMetadata              Tag = 42112
	TagGDALNoData                Tag = 42113
)

var tagNames = map[Tag]string{
	TagNewSubfileType: "NewSubfileType", TagImageWidth: "ImageWidth", TagImageLength: "ImageLength",
	TagBitsPerSample: "BitsPerSample", TagCompression: "Compression",
	TagPhotometricInterpretation: "PhotometricInterpretation", TagImageDescription: "ImageDescription",
	TagStripOffsets: "StripOffsets", TagSamplesPerPixel: "SamplesPerPixel", TagRowsPerStrip: "RowsPerStrip",
	TagStripByteCounts: "StripByteCounts", TagPlanarConfiguration: "PlanarConfiguration",
	TagSoftware: "Software", TagDateTime: "DateTime", TagPredictor: "Predictor", TagColorMap: "ColorMap",
	TagTileWidth: "TileWidth", TagTileLength: "TileLength", TagTileOffsets: "TileOffsets",
	TagTileByteCounts: "TileByteCounts", TagSubIFDs: "SubIFDs", TagExtraSamples: "ExtraSamples",
	TagSampleFormat: "SampleFormat", TagJPEGTables: "JPEGTables", TagModelPixelScale: "ModelPixelScale",
	TagModelTiepoint: "ModelTiepoint", TagModelTransformation: "ModelTransformation",
	TagGeoKeyDirectory: "GeoKeyDirectory", TagGeoDoubleParams: "GeoDoubleParams",
	TagGeoASCIIParams: "GeoASCIIParams", TagGDALMetadata: "GDAL_METADATA", TagGDALNoData: "GDAL_NODATA",
}

func (t Tag) String() string {
	if s, ok := tagNames[t]; ok {
		return s
	}
	return "Tag(" + strconv.Itoa(int(t)) + ")"
}

// A DataType is the type of a TIFF field's values (TIFF 6.0 section 2,
// BigTIFF adds LONG8, SLONG8 and IFD8).
type DataType uint16

// Field data types.
const (
	Byte      DataType = 1
	ASCII     DataType = 2
	Short     DataType = 3
	Long      DataType = 4
	Rational  DataType = 5
	SByte     DataType = 6
	Undefined DataType = 7
	SShort    DataType = 8
	SLong     DataType = 9
	SRational DataType = 10
	Float     DataType = 11
	Double    DataType = 12
	IFD       DataType = 13
	Long8     DataType = 16
	SLong8    DataType = 17
	IFD8      DataType = 18
)

var dataTypeNames = [...]string{"", "BYTE", "ASCII", "SHORT", "LONG", "RATIONAL", "SBYTE", "UNDEFINED",
	"SSHORT", "SLONG", "SRATIONAL", "FLOAT", "DOUBLE", "IFD", "", "", "LONG8", "SLONG8", "IFD8"}

func (d DataType) String() string {
	if int(d) < len(dataTypeNames) && dataTypeNames[d] != "" {
		return dataTypeNames[d]
	}
	return "DataType(" + strconv.Itoa(int(d)) + ")"
}

// Size returns the size in bytes of one value of type d, or 0 if d is unknown.
func (d DataType) Size() int {
	switch d {
	case Byte, ASCII, SByte, Undefined:
		return 1
	case Short, SShort:
		return 2
	case Long, SLong, Float, IFD:
		return 4
	case Rational, SRational, Double, Long8, SLong8, IFD8:
		return 8
	}
	return 0
}

// elemSize is the size of the unit that byte swapping works on: a RATIONAL is
// two LONGs.
func (d DataType) elemSize() int {
	if d == Rational || d == SRational {
		return 4
	}
	return d.Size()
}

// A Compression is the value of the Compression tag (259).
type Compression uint16

// Compression schemes. gomean decodes None, LZW, Deflate, DeflateOld,
// PackBits and ZSTD; the others are named so errors can name them.
const (
	CompressionNone       Compression = 1
	CompressionCCITTRLE   Compression = 2
	CompressionCCITTFax3  Compression = 3
	CompressionCCITTFax4  Compression = 4
	CompressionLZW        Compression = 5
	CompressionOJPEG      Compression = 6
	CompressionJPEG       Compression = 7
	CompressionDeflate    Compression = 8
	CompressionJBIG       Compression = 34661
	CompressionPackBits   Compression = 32773
	CompressionDeflateOld Compression = 32946
	CompressionLERC       Compression = 34887
	CompressionLZMA       Compression = 34925
	CompressionZSTD       Compression = 50000
	CompressionWebP       Compression = 50001
	CompressionJPEGXL     Compression = 50002
	CompressionJPEGXLDNG  Compression = 52546
)

var compressionNames = map[Compression]string{
	CompressionNone: "NONE", CompressionCCITTRLE: "CCITTRLE", CompressionCCITTFax3: "CCITTFAX3",
	CompressionCCITTFax4: "CCITTFAX4", CompressionLZW: "LZW", CompressionOJPEG: "OJPEG",
	CompressionJPEG: "JPEG", CompressionDeflate: "DEFLATE", CompressionJBIG: "JBIG",
	CompressionPackBits: "PACKBITS", CompressionDeflateOld: "DEFLATE", CompressionLERC: "LERC",
	CompressionLZMA: "LZMA", CompressionZSTD: "ZSTD", CompressionWebP: "WEBP",
	CompressionJPEGXL: "JXL", CompressionJPEGXLDNG: "JXL",
}

// String returns GDAL's name for the compression (as in COMPRESS=), or
// "Compression(N)" for an unknown code.
func (c Compression) String() string {
	if s, ok := compressionNames[c]; ok {
		return s
	}
	return "Compression(" + strconv.Itoa(int(c)) + ")"
}

// A Predictor is the value of the Predictor tag (317).
type Predictor uint16

// Predictors (TIFF 6.0 section 14; Adobe Photoshop TIFF technical note 3).
const (
	PredictorNone       Predictor = 1
	PredictorHorizontal Predictor = 2
	PredictorFloat      Predictor = 3
)

func (p Predictor) String() string {
	switch p {
	case PredictorNone:
		return "None"
	case PredictorHorizontal:
		return "Horizontal"
	case PredictorFloat:
		return "FloatingPoint"
	}
	return "Predictor(" + strconv.Itoa(int(p)) + ")"
}

// SampleFormat values (tag 339).
const (
	sampleFormatUint      = 1
	sampleFormatInt       = 2
	sampleFormatFloat     = 3
	sampleFormatUndefined = 4
	sampleFormatComplexI  = 5
	sampleFormatComplexF  = 6
)

// PlanarConfiguration values (tag 284).
const (
	PlanarContig   = 1 // samples of a pixel are stored together (INTERLEAVE=PIXEL)
	PlanarSeparate = 2 // each band is stored in its own tiles (INTERLEAVE=BAND)
)

// NewSubfileType bits (tag 254).
const (
	SubfileReduced = 1 // a reduced-resolution version (an overview)
	SubfilePage    = 2 // one page of a multi-page image
	SubfileMask    = 4 // a transparency mask
)
