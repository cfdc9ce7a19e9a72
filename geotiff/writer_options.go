package geotiff

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"strconv"
)

// BigTIFFMode chooses between classic TIFF and BigTIFF output.
type BigTIFFMode int

// BigTIFF modes.
const (
	// BigTIFFAuto writes a classic TIFF if every offset of the finished
	// file fits in 32 bits, and a BigTIFF otherwise. The choice is made at
	// [Writer.Close], from the real offsets.
	BigTIFFAuto BigTIFFMode = iota
	// BigTIFFYes always writes a BigTIFF.
	BigTIFFYes
	// BigTIFFNo always writes a classic TIFF; a file that does not fit is
	// an error.
	BigTIFFNo
)

func (m BigTIFFMode) String() string {
	switch m {
	case BigTIFFAuto:
		return "IF_NEEDED"
	case BigTIFFYes:
		return "YES"
	case BigTIFFNo:
		return "NO"
	}
	return "BigTIFFMode(" + strconv.Itoa(int(m)) + ")"
}

// Defaults of [WriterOptions].
const (
	DefaultTileSize = 256
	// DefaultDeflateLevel is the DEFLATE level used when Level is 0. On
	// float32 elevation tiles with the floating-point predictor, level 1
	// output is a few percent larger than level 6 and about twice as fast
	// to produce (BenchmarkCompressionLevel in writer_bench_test.go).
	DefaultDeflateLevel = 1
	// DefaultZstdLevel is the ZSTD level used when Level is 0, GDAL's
	// default ZSTD_LEVEL.
	DefaultZstdLevel = 9
	// DeflateHuffmanOnly is a DEFLATE Level that only entropy-codes the
	// bytes, looking for no repeats. After the floating-point predictor it
	// is about twice as fast as level 1 and its output 12-16% larger
	// (BenchmarkCompressionLevel); every DEFLATE reader decodes it.
	DeflateHuffmanOnly = -2
)

// maxClassicOffset is the largest offset a classic TIFF can hold.
const maxClassicOffset = math.MaxUint32

// maxTileBytes bounds the decoded size of one tile the writer accepts.
const maxTileBytes = 1 << 30

// WriterOptions describe the image a [Writer] writes. The zero value of
// each field but Width, Height, Bands and Type selects a default.
type WriterOptions struct {
	Width, Height int        // raster size in pixels
	Bands         int        // samples per pixel
	Type          SampleType // sample type of every band

	// TileWidth and TileHeight are the tile size, multiples of 16;
	// default 256.
	TileWidth, TileHeight int
	// Planar is PlanarContig (the default when 0: all bands of a pixel
	// together, GDAL's INTERLEAVE=PIXEL) or PlanarSeparate (one plane of
	// tiles per band, INTERLEAVE=BAND).
	Planar int

	// Compression is CompressionDeflate (the default when 0),
	// CompressionZSTD, CompressionLZW or CompressionNone.
	Compression Compression
	// Level is the compression level: DEFLATE 1 to 9 or
	// DeflateHuffmanOnly (default DefaultDeflateLevel), ZSTD 1 to 22 as
	// GDAL's ZSTD_LEVEL (default DefaultZstdLevel). It is ignored for LZW
	// and NONE.
	Level int
	// Predictor is PredictorNone, PredictorHorizontal or PredictorFloat
	// (float types only). The default when 0 is PredictorFloat for float
	// types and PredictorHorizontal for integer types, or PredictorNone
	// without compression, which allows no other.
	Predictor Predictor
	// ByteOrder is binary.LittleEndian (the default when nil) or
	// binary.BigEndian.
	ByteOrder binary.ByteOrder
	BigTIFF   BigTIFFMode
	// Workers is the number of goroutines that apply the predictor and
	// compress tiles; default runtime.GOMAXPROCS(0).
	Workers int

	// HasNoData writes NoData as the GDAL_NODATA tag, formatted for Type
	// by [FormatNoDataType] as GDAL formats it ("-9999", "nan",
	// "0.100000000000000006"). NoData must be a value of Type: an integer
	// in the type's range for integer types (the float64 nearest a 64-bit
	// limit stands for the limit), a float32 or ±Inf or NaN for Float32.
	// [Writer.SetNoData] replaces both until Close.
	HasNoData bool
	NoData    float64
	// NoDataText, when not "", is written as GDAL_NODATA as it is, in
	// place of HasNoData and NoData: exact text for 64-bit integer values
	// that a float64 cannot hold ("9223372036854775807"). It must parse as
	// a decimal integer in Type's range for integer types, as a decimal
	// float (or "nan", "inf", "-inf") for float types.
	// [Writer.SetNoDataText] replaces it until Close.
	NoDataText string

	// Mask adds an internal transparency mask, as GDAL writes with
	// GDAL_TIFF_INTERNAL_MASK=YES: a second IFD chained after the image's
	// (NewSubfileType 4, PhotometricInterpretation 4, one bit per pixel,
	// DEFLATE, the image's tile size), which GDAL's GetMaskBand returns
	// for every band (GMF_PER_DATASET). Every tile of the first plane then
	// needs [Writer.WriteMaskTile] as well as [Writer.WriteTile].
	Mask bool
	// Photometric is the PhotometricInterpretation: PhotometricMinIsBlack
	// (the default when 0) or PhotometricRGB, which needs 3 bands or more.
	Photometric int
	// ExtraSamples describe the bands after the color channels (1 for
	// MinIsBlack, 3 for RGB), one value each: ExtraSampleUnspecified,
	// ExtraSampleAssociatedAlpha or ExtraSampleUnassociatedAlpha. Nil
	// writes them unspecified, as GDAL does; RGBA is Photometric
	// PhotometricRGB and ExtraSamples []uint16{ExtraSampleUnassociatedAlpha}.
	ExtraSamples []uint16
	// Geo is written as ModelPixelScale and ModelTiepoint for a north-up
	// transform, ModelTransformation otherwise, and the GeoKey directory.
	// Geo.Transform is corner-based as GDAL's: for a RasterPixelIsPoint
	// image the written tie point is moved back by half a pixel, as GDAL
	// does. Nil writes no georeferencing.
	Geo *Georef
	// Metadata is written as is as GDAL_METADATA (tag 42112) when not "".
	Metadata string
	// ExtraFields are written as they are, for tags copied from another
	// file. Tags the writer sets itself (layout, compression, tiles, sample
	// format, georeferencing, GDAL_NODATA, GDAL_METADATA) and fields that
	// hold file offsets (types IFD and IFD8, SubIFDs, Exif and GPS IFDs,
	// strips, free lists, JPEG tables) are skipped, as are repeats of a
	// tag.
	ExtraFields []Field

	// Overwrite lets [Create] replace an existing file.
	Overwrite bool
}

// writerConfig is a validated WriterOptions with its defaults filled in
// and the sizes derived from it.
type writerConfig struct {
	WriterOptions
	bigEndian     bool
	spp           int // samples per pixel in one tile
	rowSamples    int // samples in one tile row
	tileBytes     int // decoded bytes of one tile
	tilesPerPlane int
	numTiles      int
	maskTiles     int // tiles of the mask: tilesPerPlane with Mask, else 0
	maskBytes     int // bytes of one packed mask tile (1 bit per pixel)
	numItems      int // image and mask tiles, in the order of the file
	window        int // items that may be held between WriteTile and the file

	photometric  int
	extraSamples []uint16
	noData       string // GDAL_NODATA text from the options; "" for none

	// Test hooks. dataStart is the offset of the first tile (default 16),
	// to test offsets beyond 4 GiB without writing 4 GiB; testEncodeErr
	// makes the encoding of a tile fail.
	dataStart     int64
	testEncodeErr func(tile int) error

	geo, extra []Field // georeferencing and copied fields to write

	// Set by the COG writer (writer_cog.go): leader frames every tile
	// with GDAL's 4-byte size leader and 4-byte trailer; spool makes Close
	// stop once every tile is in the file, writing no directory.
	leader, spool bool
}

func (o WriterOptions) config() (*writerConfig, error) {
	c := &writerConfig{WriterOptions: o}
	for _, check := range []func() error{c.checkSize, c.checkTiles, c.checkCodec, c.checkOther, c.checkColor, c.checkNoData, c.checkFields} {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *writerConfig) checkSize() error {
	if c.Width <= 0 || c.Height <= 0 || int64(c.Width) > math.MaxUint32 || int64(c.Height) > math.MaxUint32 {
		return fmt.Errorf("geotiff: invalid image size %dx%d: want 1 to %d pixels each way", c.Width, c.Height, uint32(math.MaxUint32))
	}
	if c.Bands <= 0 || c.Bands > math.MaxUint16 {
		return fmt.Errorf("geotiff: invalid band count %d: want value in range [1, %d]", c.Bands, math.MaxUint16)
	}
	if c.Type == Invalid || c.Type.Size() == 0 {
		return fmt.Errorf("geotiff: invalid sample type %v", c.Type)
	}
	switch c.Planar {
	case 0:
		c.Planar = PlanarContig
	case PlanarContig, PlanarSeparate:
	default:
		return fmt.Errorf("geotiff: invalid planar configuration %d: want %d (contig) or %d (separate)", c.Planar, PlanarContig, PlanarSeparate)
	}
	return nil
}

func (c *writerConfig) checkTiles() error {
	if c.TileWidth == 0 {
		c.TileWidth = DefaultTileSize
	}
	if c.TileHeight == 0 {
		c.TileHeight = DefaultTileSize
	}
	for _, s := range []int{c.TileWidth, c.TileHeight} {
		if s <= 0 || s%16 != 0 || s > math.MaxUint16+1 {
			return fmt.Errorf("geotiff: invalid tile size %dx%d: want positive multiples of 16 up to 65536", c.TileWidth, c.TileHeight)
		}
	}
	c.spp = c.Bands
	if c.Planar == PlanarSeparate {
		c.spp = 1
	}
	c.rowSamples = c.TileWidth * c.spp
	n := int64(c.rowSamples) * int64(c.TileHeight) * int64(c.Type.Size())
	if n > maxTileBytes {
		return fmt.Errorf("geotiff: tile of %dx%d pixels with %d samples of %v is %d bytes, exceeds limit %d", c.TileWidth, c.TileHeight, c.spp, c.Type, n, maxTileBytes)
	}
	c.tileBytes = int(n)
	across := (int64(c.Width) + int64(c.TileWidth) - 1) / int64(c.TileWidth)
	down := (int64(c.Height) + int64(c.TileHeight) - 1) / int64(c.TileHeight)
	planes := int64(c.Bands) / int64(c.spp)
	if total := across * down * planes; total > math.MaxInt32 {
		return fmt.Errorf("geotiff: image of %dx%d pixels needs %d tiles of %dx%d, exceeds limit %d", c.Width, c.Height, total, c.TileWidth, c.TileHeight, math.MaxInt32)
	}
	c.tilesPerPlane = int(across * down)
	c.numTiles = int(across * down * planes)
	if c.Mask {
		c.maskTiles = c.tilesPerPlane
		c.maskBytes = c.TileWidth / 8 * c.TileHeight
	}
	if n := int64(c.numTiles) + int64(c.maskTiles); n > math.MaxInt32 {
		return fmt.Errorf("geotiff: image of %dx%d pixels needs %d tiles with its mask, exceeds limit %d", c.Width, c.Height, n, math.MaxInt32)
	}
	c.numItems = c.numTiles + c.maskTiles
	return nil
}

func (c *writerConfig) checkCodec() error {
	switch c.Compression {
	case 0:
		c.Compression = CompressionDeflate
	case CompressionDeflate, CompressionZSTD, CompressionLZW, CompressionNone:
	default:
		return UnsupportedError("writing compression " + c.Compression.String())
	}
	switch c.Compression {
	case CompressionDeflate:
		if c.Level == 0 {
			c.Level = DefaultDeflateLevel
		} else if (c.Level < 1 || c.Level > 9) && c.Level != DeflateHuffmanOnly {
			return fmt.Errorf("geotiff: invalid DEFLATE level %d: want value in range [1, 9] or DeflateHuffmanOnly (%d)", c.Level, DeflateHuffmanOnly)
		}
	case CompressionZSTD:
		if c.Level == 0 {
			c.Level = DefaultZstdLevel
		} else if c.Level < 1 || c.Level > 22 {
			return fmt.Errorf("geotiff: invalid ZSTD level %d: want value in range [1, 22]", c.Level)
		}
	default:
		c.Level = 0
	}
	return c.checkPredictor()
}

func (c *writerConfig) checkPredictor() error {
	if c.Predictor == 0 {
		switch {
		case c.Compression == CompressionNone:
			c.Predictor = PredictorNone
		case c.Type.IsFloat():
			c.Predictor = PredictorFloat
		default:
			c.Predictor = PredictorHorizontal
		}
	}
	switch c.Predictor {
	case PredictorNone:
	case PredictorHorizontal, PredictorFloat:
		if c.Compression == CompressionNone {
			return fmt.Errorf("geotiff: predictor %v needs compression: got NONE", c.Predictor)
		}
		if c.Predictor == PredictorFloat && !c.Type.IsFloat() {
			return fmt.Errorf("geotiff: predictor FloatingPoint needs a float sample type: got %v", c.Type)
		}
	default:
		return fmt.Errorf("geotiff: invalid predictor %d: want 1 (none), 2 (horizontal) or 3 (floating point)", uint16(c.Predictor))
	}
	return nil
}

func (c *writerConfig) checkOther() error {
	if c.ByteOrder == nil {
		c.ByteOrder = binary.LittleEndian
	}
	c.bigEndian = isBigEndian(c.ByteOrder)
	switch c.BigTIFF {
	case BigTIFFAuto, BigTIFFYes, BigTIFFNo:
	default:
		return fmt.Errorf("geotiff: invalid BigTIFF mode %d", int(c.BigTIFF))
	}
	if c.Workers < 0 {
		return fmt.Errorf("geotiff: invalid worker count %d: want 0 (GOMAXPROCS) or more", c.Workers)
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	// 4 image tiles per worker, each with its mask tile.
	c.window = 4 * c.Workers
	if c.Mask {
		c.window *= 2
	}
	if c.dataStart < headerSize {
		c.dataStart = headerSize
	}
	return nil
}

// Values of [WriterOptions.Photometric] (tag 262).
const (
	PhotometricMinIsBlack = 1 // gray: one color channel, 0 is black
	PhotometricRGB        = 2 // red, green and blue channels
	PhotometricMask       = 4 // a transparency mask (the Mask IFD)
)

// Values of [WriterOptions.ExtraSamples] (tag 338).
const (
	ExtraSampleUnspecified       = 0 // data with no color meaning
	ExtraSampleAssociatedAlpha   = 1 // alpha, color premultiplied by it
	ExtraSampleUnassociatedAlpha = 2 // alpha, color not premultiplied (GDAL's RGBA)
)

// checkColor validates Photometric and ExtraSamples.
func (c *writerConfig) checkColor() error {
	color := 1
	switch c.Photometric {
	case 0, PhotometricMinIsBlack:
		c.photometric = PhotometricMinIsBlack
	case PhotometricRGB:
		c.photometric, color = PhotometricRGB, 3
		if c.Bands < 3 {
			return fmt.Errorf("geotiff: photometric RGB needs at least 3 bands: got %d", c.Bands)
		}
	default:
		return fmt.Errorf("geotiff: invalid photometric interpretation %d: want %d (MinIsBlack) or %d (RGB)", c.Photometric, PhotometricMinIsBlack, PhotometricRGB)
	}
	extra := c.Bands - color
	if c.ExtraSamples == nil {
		c.extraSamples = repeat(ExtraSampleUnspecified, extra)
		return nil
	}
	if len(c.ExtraSamples) != extra {
		return fmt.Errorf("geotiff: got %d ExtraSamples for %d bands with %d color channels, want %d", len(c.ExtraSamples), c.Bands, color, extra)
	}
	for k, v := range c.ExtraSamples {
		if v > ExtraSampleUnassociatedAlpha {
			return fmt.Errorf("geotiff: invalid ExtraSamples[%d] %d: want %d (unspecified), %d (associated alpha) or %d (unassociated alpha)",
				k, v, ExtraSampleUnspecified, ExtraSampleAssociatedAlpha, ExtraSampleUnassociatedAlpha)
		}
	}
	c.extraSamples = c.ExtraSamples
	return nil
}

// checkNoData validates the nodata of the options and formats it.
func (c *writerConfig) checkNoData() error {
	var err error
	switch {
	case c.NoDataText != "":
		c.noData, err = checkNoDataText(c.Type, c.NoDataText)
	case c.HasNoData:
		c.noData, err = noDataText(c.Type, c.NoData)
	}
	return err
}
