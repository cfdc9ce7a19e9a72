package geotiff

import (
	"image"
	"strconv"
	"strings"

	"github.com/gomean/gomean/tiling"
)

// An Image is one IFD of a TIFF file: a raster's layout, sample type,
// compression, georeferencing and every field of its directory. Images are
// parsed and validated when the file is opened and are read-only after.
type Image struct {
	Index  int   // position in the IFD chain, from 0
	Offset int64 // file offset of the IFD

	Width, Height int
	Bands         int        // SamplesPerPixel
	Type          SampleType // type of decoded samples (Float32 for float16, UInt16 for 12-bit files)
	BitsPerSample int        // as stored: 16 for float16, 12 for 12-bit data
	Planar        int        // PlanarContig or PlanarSeparate

	Tiled bool
	// TileWidth and TileHeight give the block size: the tile size of a
	// tiled image, or the image width and RowsPerStrip of a stripped one.
	TileWidth, TileHeight int

	Compression Compression
	Predictor   Predictor
	Photometric int
	SubfileType uint32 // NewSubfileType

	// ExtraSamples holds the raw values of the ExtraSamples tag (338), one
	// per extra sample after the color channels: 0 unspecified, 1
	// associated (premultiplied) alpha, 2 unassociated alpha. It is nil
	// when the tag is absent. See [Image.AlphaBand] and [Image.ColorInterp].
	ExtraSamples []int

	// HasNoData reports whether GDAL_NODATA is present; NoData is its value
	// (NaN, ±Inf included) and NoDataText the tag's text as written.
	HasNoData  bool
	NoData     float64
	NoDataText string

	// Metadata is the GDAL_METADATA XML (tag 42112), or "".
	Metadata string

	Geo Georef

	// Fields holds every entry of the IFD in tag order, including those
	// interpreted above, so a writer can carry any of them over; but for
	// a reader opened with [ReaderOptions].LazyIndex, not the block
	// offsets and byte counts it left in the file.
	Fields Fields

	// The block index: offsets and counts, or lazy where the Reader left
	// it in the file (image_index.go); nblocks entries either way.
	offsets, counts []uint64
	lazy            *lazyIndex
	nblocks         int
	float16         bool
	packed          bool     // bit-packed unsigned samples (see nbits.go)
	mask            *Image   // the internal mask GDAL pairs with this image
	colorInterp     []string // per-band names from GDAL_METADATA, "" where none
	chunkSize       int      // decoded bytes of one full tile or strip
	unsupported     error    // why ReadTile cannot decode this image, if it cannot
}

// Supported returns nil if the reader can decode the image's pixels, or an
// [UnsupportedError] that says why not.
func (im *Image) Supported() error { return im.unsupported }

// Grid returns the tile (or strip) grid of one band plane.
func (im *Image) Grid() tiling.Grid {
	return tiling.Grid{Width: im.Width, Height: im.Height, TileWidth: im.TileWidth, TileHeight: im.TileHeight}
}

// NumTiles returns the number of tiles or strips: for PlanarSeparate images,
// Bands times the tiles of one plane, plane after plane.
func (im *Image) NumTiles() int { return im.nblocks }

// TileBands returns the number of samples per pixel in one tile: Bands for
// PlanarContig images, 1 for PlanarSeparate.
func (im *Image) TileBands() int {
	if im.Planar == PlanarSeparate {
		return 1
	}
	return im.Bands
}

// TileRect returns the pixel rectangle of tile i clipped to the image, and
// the band plane it belongs to (always 0 for PlanarContig images).
func (im *Image) TileRect(i int) (r image.Rectangle, plane int) {
	g := im.Grid()
	n := g.Len()
	if n == 0 {
		return image.Rectangle{}, 0
	}
	return g.Rect(i % n), i / n
}

// TileIndex returns the index of the tile in column col, row row and band
// plane plane (0 for PlanarContig images).
func (im *Image) TileIndex(col, row, plane int) int {
	g := im.Grid()
	return plane*g.Len() + g.Index(col, row)
}

// TileBytes returns the size in bytes of one decoded full tile or strip, as
// [Reader.ReadTile] returns it.
func (im *Image) TileBytes() int { return im.chunkSize }

// IsOverview reports whether the image is a reduced-resolution version
// (NewSubfileType bit 0) that is not a mask.
func (im *Image) IsOverview() bool {
	return im.SubfileType&SubfileReduced != 0 && im.SubfileType&SubfileMask == 0
}

// IsMask reports whether the image is a transparency mask (NewSubfileType
// bit 2).
func (im *Image) IsMask() bool { return im.SubfileType&SubfileMask != 0 }

// NoDataInt64 returns the nodata value of im as an int64 when GDAL_NODATA
// holds a decimal integer in int64's range, as GDAL 3.5 and later write it
// for Int64 rasters: exact, where NoData (a float64) rounds values beyond
// ±2^53. It returns false when there is no nodata or the text is not such
// an integer ("nan", "1.5", "1e3", out of range).
func (im *Image) NoDataInt64() (int64, bool) {
	if im.Fields.Get(TagGDALNoData) == nil {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(im.NoDataText), 10, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// NoDataUint64 is [Image.NoDataInt64] for UInt64 rasters: the nodata value
// as a uint64 when GDAL_NODATA holds a decimal integer in [0, 2^64).
func (im *Image) NoDataUint64() (uint64, bool) {
	if im.Fields.Get(TagGDALNoData) == nil {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimSpace(im.NoDataText), 10, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}
