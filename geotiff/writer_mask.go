package geotiff

import (
	"context"
	"fmt"
)

// The mask of a Writer: with WriterOptions.Mask, mask tile i (1 bit per
// pixel of tile i of the first plane) follows image tile i in the file,
// so the appender takes items in the order image 0, mask 0, image 1,
// mask 1, ..., then, for PlanarSeparate, the tiles of the other planes.
// The pipeline (slots, claims, jobs) counts items, not tiles.

// maskDeflateLevel is the DEFLATE level of mask tiles: zlib's default, as
// GDAL compresses its internal masks.
const maskDeflateLevel = 6

// imageSeq returns the item number of image tile i.
func (c *writerConfig) imageSeq(i int) int { return i + min(i, c.maskTiles) }

// maskSeq returns the item number of mask tile i.
func (c *writerConfig) maskSeq(i int) int { return 2*i + 1 }

// item returns the tile of item seq and whether it is a mask tile.
func (c *writerConfig) item(seq int) (i int, mask bool) {
	if seq < 2*c.maskTiles {
		return seq / 2, seq%2 == 1
	}
	return seq - c.maskTiles, false
}

// itemName names item seq in errors: "tile 5" or "mask tile 5".
func (c *writerConfig) itemName(seq int) string {
	i, mask := c.item(seq)
	if mask {
		return fmt.Sprintf("mask tile %d", i)
	}
	return fmt.Sprintf("tile %d", i)
}

// missingError is the error of Close when item seq was never written.
func (c *writerConfig) missingError(seq int) error {
	i, mask := c.item(seq)
	if mask {
		return fmt.Errorf("geotiff: close: mask tile %d of %d was never written (WriterOptions.Mask is set: every tile needs WriteMaskTile)", i, c.maskTiles)
	}
	return fmt.Errorf("geotiff: close: tile %d of %d was never written", i, c.numTiles)
}

// NumMaskTiles returns the number of tiles of the mask: tiles across ×
// tiles down with [WriterOptions].Mask, 0 without. Mask tile i covers the
// pixels of tile i (of every band for PlanarSeparate).
func (w *Writer) NumMaskTiles() int { return w.cfg.maskTiles }

// WriteMaskTile hands mask tile i to the writer: one byte per pixel of
// the full tile i, TileWidth×TileHeight bytes, row-major, 0 where the
// pixel is invalid (nodata) and any other value where it is valid. The
// writer packs it to the one bit per pixel of the mask IFD, which GDAL
// reads as 0 and 255. For PlanarSeparate, i counts the tiles of one plane
// ([Writer.NumMaskTiles]), and the mask covers every band.
//
// WriteMaskTile needs [WriterOptions].Mask. It follows the contract of
// [Writer.WriteTile]: safe for concurrent use, any order, blocking while
// the tile is too far ahead. In the file mask tile i comes right after
// image tile i, so a goroutine that writes both should write the image
// tile first. Every mask tile must be written before Close.
func (w *Writer) WriteMaskTile(ctx context.Context, i int, mask []byte) error {
	c := w.cfg
	if !c.Mask {
		return fmt.Errorf("geotiff: write mask tile %d: the writer has no mask (WriterOptions.Mask is false)", i)
	}
	if i < 0 || i >= c.maskTiles {
		return fmt.Errorf("geotiff: write mask tile %d: index out of range [0, %d)", i, c.maskTiles)
	}
	if n := c.TileWidth * c.TileHeight; len(mask) != n {
		return fmt.Errorf("geotiff: write mask tile %d: got %d bytes of mask, want %d (one per pixel)", i, len(mask), n)
	}
	seq := c.maskSeq(i)
	if err := w.waitTurn(ctx, seq); err != nil {
		return err
	}
	buf := w.getMaskBuf(c.maskBytes)
	packMask(*buf, mask)
	return w.submit(seq, buf)
}

// packMask packs mask, one byte per pixel, to one bit per pixel, most
// significant bit first: bit set where the byte is not 0. len(dst) is
// len(mask)/8 (rows of a tile are multiples of 16 pixels, so they need no
// padding).
func packMask(dst, mask []byte) {
	for k := range dst {
		m := mask[8*k : 8*k+8 : 8*k+8]
		var b byte
		for j, v := range m {
			if v != 0 {
				b |= 0x80 >> j
			}
		}
		dst[k] = b
	}
}

// getMaskBuf returns a pooled mask buffer of length n.
func (w *Writer) getMaskBuf(n int) *[]byte {
	p, _ := w.maskBufs.Get().(*[]byte)
	if p == nil {
		b := make([]byte, n, n+n/64+256)
		return &b
	}
	if cap(*p) < n {
		*p = make([]byte, n)
	}
	*p = (*p)[:n]
	return p
}

// maskFields returns the fields of the mask IFD as GDAL writes them for an
// internal mask, but the tile offsets and byte counts.
func (w *Writer) maskFields() []Field {
	c := w.cfg
	return []Field{
		NewLongField(TagNewSubfileType, SubfileMask),
		shortOrLong(TagImageWidth, c.Width),
		shortOrLong(TagImageLength, c.Height),
		NewShortField(TagBitsPerSample, 1),
		NewShortField(TagCompression, uint16(CompressionDeflate)),
		NewShortField(TagPhotometricInterpretation, PhotometricMask),
		NewShortField(TagSamplesPerPixel, 1),
		NewShortField(TagPlanarConfiguration, PlanarContig),
		NewShortField(TagPredictor, uint16(PredictorNone)),
		shortOrLong(TagTileWidth, c.TileWidth),
		shortOrLong(TagTileLength, c.TileHeight),
		NewShortField(TagSampleFormat, sampleFormatUint),
	}
}
