package geotiff

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/gomean/gomean/deflate"
)

var bufPool sync.Pool // of *[]byte

// getBuf returns a pooled buffer of length n.
func getBuf(n int) *[]byte {
	if p, ok := bufPool.Get().(*[]byte); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	b := make([]byte, n)
	return &b
}

func putBuf(p *[]byte) { bufPool.Put(p) }

// ReadTile decodes tile or strip i of im and returns its samples appended to
// dst[:0]: TileWidth×TileHeight×TileBands samples, pixel-interleaved,
// little-endian, in im.Type (a last strip shorter than TileHeight is padded
// with zeros). A sparse tile (byte count 0) reads as the image's nodata
// value, or 0 when it has none. It is safe for concurrent use.
//
// The block's offset, byte count and (for compressed data) the most its
// codec can expand that many bytes to are checked before dst is grown, so
// a file that claims more than it holds fails with a [FormatError] instead
// of allocating the decoded size.
func (r *Reader) ReadTile(im *Image, i int, dst []byte) ([]byte, error) {
	b, err := r.fetchBlock(im, i)
	if err != nil {
		return dst[:0], r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, im.chunkName(i), err))
	}
	defer b.release()
	if cap(dst) >= im.chunkSize {
		dst = dst[:im.chunkSize]
	} else {
		dst = make([]byte, im.chunkSize)
	}
	if err := r.decodeBlock(im, b, dst); err != nil {
		return dst, r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, im.chunkName(i), err))
	}
	return dst, nil
}

// chunkName names block i for error messages.
func (im *Image) chunkName(i int) string {
	if !im.Tiled {
		return fmt.Sprintf("strip %d", i)
	}
	g := im.Grid()
	if n := g.Len(); n > 0 {
		col, row := g.Coords(i % n)
		return fmt.Sprintf("tile %d (col %d, row %d)", i, col, row)
	}
	return fmt.Sprintf("tile %d", i)
}

// A block is one tile or strip, checked and read from the file but not yet
// decoded.
type block struct {
	index  int
	rows   int     // rows of stored data the block must hold
	sparse bool    // no data in the file: reads as nodata
	src    *[]byte // the stored (compressed) bytes, pooled; nil when sparse
}

// release returns b's buffer to the pool.
func (b *block) release() {
	if b.src != nil {
		putBuf(b.src)
		b.src = nil
	}
}

// blockRows returns the rows of stored data block i holds: TileHeight, or
// fewer for the last strip.
func (im *Image) blockRows(i int) int {
	if im.Tiled {
		return im.TileHeight
	}
	return min(im.TileHeight, im.Height-(i%im.Grid().Len())*im.TileHeight)
}

// checkBlock checks block i of im without reading it: the index, that its
// bytes lie inside the file, and that they can hold the block's decoded
// size. It returns the byte count to read (0 for a sparse block).
//
// Compared with libtiff 4.5 (what GDAL reads through): libtiff also fails
// a block whose bytes run past the end of the file or decode to less than
// the block ("Read error on strip", "Not enough data"), reads only the bytes
// an uncompressed block needs, and caps a compressed byte count at 10× the
// decoded size + 4096; so do we. It differs in two ways: it allocates the
// decoded block before finding out, and it cuts a compressed block that
// decodes to more than its size where DEFLATE and ZSTD data is refused
// here (deflate.ErrOutputTooLarge; LZW and PackBits stop at the size, as in
// libtiff). It also re-estimates the StripByteCounts of a single-strip
// uncompressed image whose count is 0 or implausible, which is read here as
// a sparse block or refused.
func (r *Reader) checkBlock(im *Image, i int) (off, cnt uint64, err error) {
	if im.unsupported != nil {
		return 0, 0, im.unsupported
	}
	if i < 0 || i >= im.nblocks {
		return 0, 0, fmt.Errorf("geotiff: block index %d out of range [0, %d)", i, im.nblocks)
	}
	if off, cnt, err = im.blockAt(i); err != nil {
		return 0, 0, err
	}
	cnt, err = r.checkSpan(im, i, off, cnt)
	return off, cnt, err
}

// checkSpan is checkBlock for block i (in range) of an image the reader
// supports, stored at off, cnt bytes.
func (r *Reader) checkSpan(im *Image, i int, off, cnt uint64) (uint64, error) {
	if cnt == 0 {
		return 0, nil
	}
	need := im.blockRows(i) * im.storedRowBytes()
	if im.Compression == CompressionNone {
		if cnt < uint64(need) {
			return 0, FormatError(fmt.Sprintf("%d bytes of uncompressed data cannot hold the %d bytes of %d rows",
				cnt, need, im.blockRows(i)))
		}
		// libtiff reads only the bytes it needs (TIFFReadRawStrip1).
		cnt = uint64(need)
	} else {
		// libtiff caps a claimed byte count at 10× the decoded size + 4096
		// (TIFFFillStrip: "Too large strip byte count"); no codec needs more.
		full := uint64(im.TileHeight) * uint64(im.storedRowBytes())
		cnt = min(cnt, 10*full+4096)
	}
	if off > uint64(r.size) || cnt > uint64(r.size)-off {
		return 0, FormatError(fmt.Sprintf("data at offset %d, %d bytes, lies past the end of the %d-byte file", off, cnt, r.size))
	}
	if cnt > uint64(r.limits.MaxTileBytes) {
		return 0, FormatError(fmt.Sprintf("byte count %d exceeds limit %d", cnt, r.limits.MaxTileBytes))
	}
	if fitsDecoded(im.Compression, cnt, uint64(need)) {
		return cnt, nil
	}
	if most, why := maxDecoded(im.Compression, cnt); most < uint64(need) {
		return 0, FormatError(fmt.Sprintf("%d compressed bytes cannot hold %d decoded bytes (%s)", cnt, need, why))
	}
	return cnt, nil
}

// fetchBlock checks block i of im and reads its stored bytes. For ZSTD it
// also checks the content sizes the frame headers declare. Call release
// on the result.
func (r *Reader) fetchBlock(im *Image, i int) (block, error) {
	off, cnt, err := r.checkBlock(im, i)
	if err != nil {
		return block{}, err
	}
	b := block{index: i, rows: im.blockRows(i), sparse: cnt == 0}
	if b.sparse {
		return b, nil
	}
	b.src = getBuf(int(cnt))
	if err := readFull(r.r, *b.src, int64(off)); err != nil {
		b.release()
		return block{}, err
	}
	if im.Compression == CompressionZSTD {
		need := uint64(b.rows * im.storedRowBytes())
		if most, why := zstdMaxDecoded(*b.src); most < need {
			b.release()
			return block{}, FormatError(fmt.Sprintf("%d compressed bytes cannot hold %d decoded bytes (%s)", cnt, need, why))
		}
	}
	return b, nil
}

// decodeBlock decodes the fetched block b of im into dst, which holds
// im.chunkSize bytes.
func (r *Reader) decodeBlock(im *Image, b block, dst []byte) error {
	if b.sparse {
		fillSparse(im, dst)
		return nil
	}
	rowBytes := im.storedRowBytes()
	stored := b.rows * rowBytes
	// A short last strip may hold data for a full strip (libtiff ignores
	// the excess), so decode into room for a full block and require only
	// the rows the strip has.
	full := im.TileHeight * rowBytes
	raw := dst[:full]
	var tmp *[]byte
	if im.float16 || im.packed {
		tmp = getBuf(full)
		defer putBuf(tmp)
		raw = *tmp
	}
	if err := decompress(im, *b.src, raw, stored); err != nil {
		return err
	}
	raw = raw[:stored]
	decoded := b.rows * im.TileWidth * im.TileBands() * im.Type.Size()
	switch {
	case im.packed:
		if err := unpackBits(im, dst, raw, b.rows, r.order == binary.BigEndian); err != nil {
			return err
		}
	default:
		if err := r.unpredict(im, raw, rowBytes); err != nil {
			return err
		}
		if im.float16 {
			expandHalf(dst[:decoded], raw)
		}
	}
	clear(dst[decoded:])
	return nil
}

// decompress decodes the stored bytes src of one block of im into out; at
// least need bytes must come out.
func decompress(im *Image, src, out []byte, need int) error {
	var n int
	var err error
	switch im.Compression {
	case CompressionNone:
		n = copy(out, src)
	case CompressionDeflate, CompressionDeflateOld:
		n, err = deflate.Inflate(out, src)
	case CompressionZSTD:
		n, err = deflate.DecodeZstd(out, src)
	case CompressionLZW:
		n, err = deflate.DecodeLZW(out, src)
	case CompressionPackBits:
		n, err = deflate.DecodePackBits(out, src)
	default:
		return UnsupportedError(fmt.Sprintf("compression %v", im.Compression))
	}
	if err != nil {
		return fmt.Errorf("%v data: %w", im.Compression, err)
	}
	if n < need {
		return FormatError(fmt.Sprintf("%v data decodes to %d bytes: want %d", im.Compression, n, need))
	}
	return nil
}

// fillSparse fills a missing block with the nodata value when the type can
// hold it, else with zeros, as GDAL does.
func fillSparse(im *Image, dst []byte) {
	clear(dst)
	if !im.HasNoData || im.NoData == 0 {
		return
	}
	v := im.NoData
	if !im.Type.IsFloat() {
		lo, hi := im.Type.Range()
		if math.IsNaN(v) || v < lo || v > hi || v != math.Trunc(v) {
			return
		}
	}
	size := im.Type.Size()
	im.Type.Put(dst, v)
	for n := size; n < len(dst); n *= 2 {
		copy(dst[n:], dst[:n])
	}
}

// expandHalf converts little-endian IEEE 754 half-precision samples in src
// to float32 samples in dst.
func expandHalf(dst, src []byte) {
	for i := 0; i+1 < len(src) && 4*i/2+3 < len(dst); i += 2 {
		h := uint32(src[i]) | uint32(src[i+1])<<8
		f := math.Float32bits(halfToFloat(h))
		j := 2 * i
		dst[j], dst[j+1], dst[j+2], dst[j+3] = byte(f), byte(f>>8), byte(f>>16), byte(f>>24)
	}
}

// halfToFloat converts a binary16 bit pattern to float32 exactly.
func halfToFloat(h uint32) float32 {
	sign := h >> 15
	exp := (h >> 10) & 0x1f
	man := h & 0x3ff
	var bits uint32
	switch {
	case exp == 0x1f: // Inf or NaN
		bits = sign<<31 | 0xff<<23 | man<<13
	case exp != 0: // normal
		bits = sign<<31 | (exp+112)<<23 | man<<13
	case man == 0: // zero
		bits = sign << 31
	default: // subnormal: value = man × 2^-24
		f := float32(man) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(bits)
}
