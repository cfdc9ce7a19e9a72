package geotiff

import (
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
func (r *Reader) ReadTile(im *Image, i int, dst []byte) ([]byte, error) {
	if cap(dst) >= im.chunkSize {
		dst = dst[:im.chunkSize]
	} else {
		dst = make([]byte, im.chunkSize)
	}
	if err := r.readChunk(im, i, dst); err != nil {
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

// readChunk decodes block i of im into dst, which holds im.chunkSize bytes.
func (r *Reader) readChunk(im *Image, i int, dst []byte) error {
	if im.unsupported != nil {
		return im.unsupported
	}
	if i < 0 || i >= len(im.offsets) {
		return fmt.Errorf("geotiff: block index %d out of range [0, %d)", i, len(im.offsets))
	}
	rows := im.TileHeight
	if !im.Tiled {
		rows = min(rows, im.Height-(i%im.Grid().Len())*im.TileHeight)
	}
	rowBytes := im.TileWidth * im.TileBands() * im.storedSize()
	stored := rows * rowBytes
	off, cnt := im.offsets[i], im.counts[i]
	if cnt == 0 {
		fillSparse(im, dst)
		return nil
	}
	// A short last strip may hold data for a full strip (libtiff ignores
	// the excess), so decode into room for a full block and require only
	// the rows the strip has.
	full := im.TileHeight * rowBytes
	raw := dst[:full]
	var tmp *[]byte
	if im.float16 {
		tmp = getBuf(full)
		defer putBuf(tmp)
		raw = *tmp
	}
	if err := r.decompress(im, off, cnt, raw, stored); err != nil {
		return err
	}
	raw = raw[:stored]
	if err := r.unpredict(im, raw, rowBytes); err != nil {
		return err
	}
	if im.float16 {
		expandHalf(dst, raw)
	}
	clear(dst[rows*im.TileWidth*im.TileBands()*im.Type.Size():])
	return nil
}

// decompress reads cnt bytes at off and decodes them into out; at least
// need bytes must come out.
func (r *Reader) decompress(im *Image, off, cnt uint64, out []byte, need int) error {
	if im.Compression == CompressionNone {
		cnt = min(cnt, uint64(need))
	}
	if off > uint64(r.size) || cnt > uint64(r.size)-off {
		return FormatError(fmt.Sprintf("data at offset %d, %d bytes, lies past the end of the %d-byte file", off, cnt, r.size))
	}
	if cnt > uint64(r.limits.MaxTileBytes) {
		return FormatError(fmt.Sprintf("byte count %d exceeds limit %d", cnt, r.limits.MaxTileBytes))
	}
	src := getBuf(int(cnt))
	defer putBuf(src)
	if err := readFull(r.r, *src, int64(off)); err != nil {
		return err
	}
	var n int
	var err error
	switch im.Compression {
	case CompressionNone:
		n = copy(out, *src)
	case CompressionDeflate, CompressionDeflateOld:
		n, err = deflate.Inflate(out, *src)
	case CompressionZSTD:
		n, err = deflate.DecodeZstd(out, *src)
	case CompressionLZW:
		n, err = deflate.DecodeLZW(out, *src)
	case CompressionPackBits:
		n, err = deflate.DecodePackBits(out, *src)
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
