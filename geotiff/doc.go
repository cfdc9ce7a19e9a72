// Package geotiff reads and writes TIFF, BigTIFF and GeoTIFF rasters without
// cgo.
//
// The reader handles classic TIFF (TIFF 6.0, https://www.itu.int/itudoc/itu-t/com16/tiff-fx/docs/tiff6.pdf)
// and BigTIFF (https://www.awaresystems.be/imaging/tiff/bigtiff.html) in either
// byte order; tiled and stripped layouts; PlanarConfiguration 1 and 2; 8 to
// 64-bit integer and 32/64-bit float samples, with float16 widened to float32
// and bit-packed 1 to 31-bit unsigned samples widened to Byte, UInt16 or
// UInt32 as GDAL reads them; no compression, DEFLATE, LZW, PackBits and
// ZSTD, with predictors 2 and 3. It finds internal masks ([Reader.MaskFor])
// and alpha bands ([Image.AlphaBand]) as GDAL does (RFC 15). It
// parses the GeoTIFF 1.1 georeferencing tags (https://docs.ogc.org/is/19-008r4/19-008r4.html)
// and GDAL's GDAL_NODATA and GDAL_METADATA tags, and keeps every other tag raw.
//
// Decoded samples are always little-endian byte slices of the image's
// [SampleType], whatever the byte order of the file or the host.
//
// Concurrency: a [Reader] is safe for concurrent use. Its metadata is parsed
// at open and is read-only afterwards; every tile read goes through the
// underlying io.ReaderAt at its own offset, with no shared cursor and no lock.
//
// Safety: every count and size read from a file is checked against the file
// size and the [Limits] before anything is allocated, IFD chains are checked
// for cycles, and offsets are 64-bit on every platform. A tile's byte count
// must fit in the file and be able to hold its decoded size (each codec's
// greatest expansion, or a ZSTD frame's declared size) before the decoded
// tile is allocated, and no tile decodes past that size. Malformed input yields
// a [FormatError], valid input the package cannot decode an [UnsupportedError];
// errors name the file, the IFD and the tile.
package geotiff
