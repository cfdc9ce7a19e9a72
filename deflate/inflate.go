package deflate

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
