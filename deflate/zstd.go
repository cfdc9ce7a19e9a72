package deflate

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// DefaultZstdLevel is the ZSTD_LEVEL GDAL uses when none is given.
const DefaultZstdLevel = 9

// zstdMaxWindow is libzstd's default decoder window limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27):
// frames asking for more history are rejected before anything is allocated.
const zstdMaxWindow = 1 << 27

var zstdDecoder = sync.OnceValues(func() (*zstd.Decoder, error) {
	return zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecodeAllCapLimit(true),
		zstd.WithDecoderMaxWindow(zstdMaxWindow),
		zstd.WithDecoderLowmem(true))
})

// DecodeZstd decodes the Zstandard frames in src into dst and returns the
// number of bytes written, with the bounds contract of [Inflate]: output
// beyond len(dst) is an error matching [ErrOutputTooLarge]; frames that
// end before dst is full return n < len(dst) and no error. An empty src is
// io.ErrUnexpectedEOF.
func DecodeZstd(dst, src []byte) (int, error) {
	if len(src) == 0 {
		return 0, fmt.Errorf("deflate: zstd: %w", io.ErrUnexpectedEOF)
	}
	d, err := zstdDecoder()
	if err != nil {
		return 0, fmt.Errorf("deflate: zstd: %w", err)
	}
	out, err := d.DecodeAll(src, dst[:0:len(dst)])
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) || len(out) > len(dst) ||
		(len(out) > 0 && &out[0] != &dst[0]) {
		return 0, fmt.Errorf("%w: zstd: more than %d bytes", ErrOutputTooLarge, len(dst))
	}
	if err != nil {
		return len(out), fmt.Errorf("deflate: zstd: %w", err)
	}
	return len(out), nil
}

// ZstdEncoder compresses byte slices to single Zstandard frames at a fixed
// level. It is safe for concurrent use.
type ZstdEncoder struct {
	level int
	enc   *zstd.Encoder
}

// NewZstdEncoder returns a ZstdEncoder for a libzstd level as GDAL's
// ZSTD_LEVEL takes it, 1 to 22, or 0 for [DefaultZstdLevel]. The level is
// mapped to the nearest klauspost/compress speed with
// zstd.EncoderLevelFromZstd. Frames carry no checksum, as libzstd's
// defaults write them.
func NewZstdEncoder(level int) (*ZstdEncoder, error) {
	if level < 0 || level > 22 {
		return nil, fmt.Errorf("deflate: invalid zstd level %d: want value in range [0, 22]", level)
	}
	if level == 0 {
		level = DefaultZstdLevel
	}
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)),
		zstd.WithEncoderCRC(false),
		zstd.WithZeroFrames(true))
	if err != nil {
		return nil, fmt.Errorf("deflate: zstd: %w", err)
	}
	return &ZstdEncoder{level: level, enc: enc}, nil
}

// Level reports the libzstd level the ZstdEncoder was created with.
func (e *ZstdEncoder) Level() int { return e.level }

// Encode appends one Zstandard frame holding src to dst and returns the
// extended slice.
func (e *ZstdEncoder) Encode(dst, src []byte) ([]byte, error) {
	return e.enc.EncodeAll(src, dst), nil
}
