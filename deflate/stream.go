package deflate

import (
	"io"

	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// NewZlibReader returns a streaming decoder of a zlib (TIFF DEFLATE)
// stream, for blocks too large to decode whole. The caller closes it.
func NewZlibReader(r io.Reader) (io.ReadCloser, error) {
	return zlib.NewReader(r)
}

// NewZstdReader returns a streaming decoder of a ZSTD stream that keeps
// at most a window of maxWindow bytes. The caller closes it.
func NewZstdReader(r io.Reader, maxWindow uint64) (io.ReadCloser, error) {
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxWindow), zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, err
	}
	return d.IOReadCloser(), nil
}
