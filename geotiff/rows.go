package geotiff

import (
	"errors"
	"fmt"
	"io"

	"github.com/gomean/gomean/deflate"
)

// ErrNoRowStream is returned by [Reader.NewRowReader] for blocks it cannot
// decode row by row (LZW, PackBits, n-bit and float16 samples); read them
// whole with [Reader.ReadTile].
var ErrNoRowStream = errors.New("geotiff: block cannot be decoded row by row")

// maxZstdWindow bounds the window a streamed ZSTD block may ask for.
const maxZstdWindow = 64 << 20

// A RowReader decodes one tile or strip row by row, in order, holding only
// the decompressor's state and one row: a strip of hundreds of megabytes
// is read in the time of one decode and the memory of one row. Rows come
// as [Reader.ReadTile] returns them: TileWidth×TileBands samples,
// little-endian, in the image's type.
type RowReader struct {
	r        *Reader
	im       *Image
	name     string
	dec      io.ReadCloser
	rowBytes int
	rows     int // rows the block holds
	next     int
	sparse   bool
}

// NewRowReader returns a row decoder for block i of im. It is not safe
// for concurrent use; the Reader stays so.
func (r *Reader) NewRowReader(im *Image, i int) (*RowReader, error) {
	if im.unsupported != nil {
		return nil, im.unsupported
	}
	if i < 0 || i >= im.nblocks {
		return nil, fmt.Errorf("geotiff: block index %d out of range [0, %d)", i, im.nblocks)
	}
	if im.float16 || im.storedSize()*8 != im.BitsPerSample {
		return nil, ErrNoRowStream
	}
	rows := im.TileHeight
	if !im.Tiled {
		rows = min(rows, im.Height-(i%im.Grid().Len())*im.TileHeight)
	}
	rr := &RowReader{r: r, im: im, name: im.chunkName(i), rows: rows,
		rowBytes: im.TileWidth * im.TileBands() * im.storedSize()}
	off, cnt, err := im.blockAt(i)
	if err != nil {
		return nil, r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, rr.name, err))
	}
	if cnt == 0 {
		rr.sparse = true
		return rr, nil
	}
	if off > uint64(r.size) || cnt > uint64(r.size)-off {
		return nil, r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, rr.name,
			FormatError(fmt.Sprintf("data at offset %d, %d bytes, lies past the end of the %d-byte file", off, cnt, r.size))))
	}
	src := io.NewSectionReader(r.r, int64(off), int64(cnt))
	switch im.Compression {
	case CompressionNone:
		if cnt < uint64(rows*rr.rowBytes) {
			return nil, r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, rr.name,
				FormatError(fmt.Sprintf("%d bytes of uncompressed data: want %d", cnt, rows*rr.rowBytes))))
		}
		rr.dec = io.NopCloser(src)
	case CompressionDeflate, CompressionDeflateOld:
		rr.dec, err = deflate.NewZlibReader(src)
	case CompressionZSTD:
		rr.dec, err = deflate.NewZstdReader(src, maxZstdWindow)
	default:
		return nil, ErrNoRowStream
	}
	if err != nil {
		return nil, r.wrap(fmt.Errorf("ifd %d: %s: %v data: %w", im.Index, rr.name, im.Compression, err))
	}
	return rr, nil
}

// Rows returns the number of rows of the block that lie in the image.
func (rr *RowReader) Rows() int { return rr.rows }

// Next decodes the next row into dst (grown as needed) and returns it.
func (rr *RowReader) Next(dst []byte) ([]byte, error) {
	im := rr.im
	n := im.TileWidth * im.TileBands() * im.Type.Size()
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	if rr.next >= rr.rows {
		return dst, fmt.Errorf("geotiff: %s: row %d past the block's %d rows", rr.name, rr.next, rr.rows)
	}
	rr.next++
	if rr.sparse {
		fillSparse(im, dst)
		return dst, nil
	}
	if _, err := io.ReadFull(rr.dec, dst); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = FormatError(fmt.Sprintf("%v data ends in row %d of %d", im.Compression, rr.next-1, rr.rows))
		}
		return dst, rr.r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, rr.name, err))
	}
	if err := rr.r.unpredict(im, dst, rr.rowBytes); err != nil {
		return dst, rr.r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, rr.name, err))
	}
	return dst, nil
}

// Close releases the decoder.
func (rr *RowReader) Close() error {
	if rr.dec != nil {
		return rr.dec.Close()
	}
	return nil
}
