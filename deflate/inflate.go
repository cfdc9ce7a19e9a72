package deflate

import (
	"compress/zlib"
	"encoding/binary"
	"fmt"
)

// Inflate decodes the zlib (RFC 1950) stream src into dst and returns the
// number of bytes written. It never writes past len(dst): a stream that
// decodes to more bytes is an error matching [ErrOutputTooLarge]. A stream
// that ends before dst is full returns n < len(dst) and no error; the
// caller decides whether that is acceptable. A truncated stream is
// io.ErrUnexpectedEOF, a bad Adler-32 matches zlib.ErrChecksum, and any
// other malformed input is a zlib or flate error. Bytes after the end of
// the stream are ignored.
//
// Inflate decodes the whole stream in one pass straight into dst (see
// inflater); bytes of dst past the returned n may have been overwritten.
func Inflate(dst, src []byte) (int, error) {
	return inflateBuffer(dst, src, true)
}

// InflateRaw is [Inflate] for a raw DEFLATE (RFC 1951) stream, without the
// zlib header and checksum.
func InflateRaw(dst, src []byte) (int, error) {
	return inflateBuffer(dst, src, false)
}

// inflateBuffer decodes the zlib (isZlib) or raw DEFLATE stream src into
// dst with the whole-buffer inflater.
func inflateBuffer(dst, src []byte, isZlib bool) (int, error) {
	return inflateWith(dst, src, isZlib, false)
}

// inflateWith is inflateBuffer; slowOnly (for tests) turns off the fast
// loop so that the careful loop decodes everything.
func inflateWith(dst, src []byte, isZlib, slowOnly bool) (int, error) {
	body := src
	if isZlib {
		var err error
		if body, err = zlibBody(src); err != nil {
			return 0, err
		}
	}
	d := inflaters.Get().(*inflater)
	d.in, d.ip, d.bitbuf, d.bitsleft, d.overread = body, 0, 0, 0, 0
	d.out, d.op, d.slowOnly = dst, 0, slowOnly
	n, end, err := d.inflate()
	d.in, d.out = nil, nil
	inflaters.Put(d)
	if err != nil || !isZlib {
		return n, err
	}
	// RFC 1950: the Adler-32 of the decoded data, big-endian, follows the
	// DEFLATE stream.
	if len(body)-end < 4 {
		return n, errTruncated
	}
	if binary.BigEndian.Uint32(body[end:]) != adler32Checksum(dst[:n]) {
		return n, fmt.Errorf("deflate: %w", zlib.ErrChecksum)
	}
	return n, nil
}

// zlibBody checks the zlib header (RFC 1950 section 2.2) as compress/zlib
// does and returns the DEFLATE stream after it. A preset dictionary is
// accepted only if it is the empty one (Adler-32 1), since none is given.
func zlibBody(src []byte) ([]byte, error) {
	if len(src) < 2 {
		return nil, errTruncated
	}
	cmf, flg := src[0], src[1]
	if cmf&0x0f != 8 || cmf>>4 > 7 || (uint(cmf)<<8|uint(flg))%31 != 0 {
		return nil, fmt.Errorf("deflate: %w", zlib.ErrHeader)
	}
	if flg&0x20 == 0 {
		return src[2:], nil
	}
	if len(src) < 6 {
		return nil, errTruncated
	}
	if binary.BigEndian.Uint32(src[2:]) != 1 {
		return nil, fmt.Errorf("deflate: %w", zlib.ErrDictionary)
	}
	return src[6:], nil
}
