// Package deflate implements the tile codecs of gomean on byte slices: zlib
// (RFC 1950) over DEFLATE (RFC 1951), Zstandard (RFC 8878), TIFF LZW
// (TIFF 6.0 section 13) and PackBits (TIFF 6.0 section 9).
//
// The package knows bytes, not TIFF: predictors and tile layout live in the
// geotiff package. Every decoder writes into a caller-supplied destination
// whose length is the expected decoded size, never writes past it, and
// reports malformed input as an error, never a panic.
//
// All functions and the Encode methods are safe for concurrent use.
//
// [Inflate] and [InflateRaw] use the package's own whole-buffer DEFLATE
// decoder in the manner of libdeflate, since a tile's decoded size is known
// before it is decoded: the stream is decoded straight into the
// destination (no window copies, no io.Reader), from a 64-bit bit buffer
// refilled a word at a time, with Huffman table entries that carry the
// symbol, its code length and its extra bits (two literals per entry where
// they fit), and matches copied 8 bytes at a time. A fast loop runs while
// the input and output margins rule out any overrun (its unchecked
// accesses are explained in inflate_fast.go) and a careful, bounds-checked
// loop finishes each stream. It is checked against compress/flate and
// klauspost/compress by a differential fuzzer (FuzzInflateDiff). Encoding
// uses klauspost/compress, except [HuffmanOnly], which has its own
// encoder (huffman_encode.go).
//
// Specifications:
//   - zlib: https://www.rfc-editor.org/rfc/rfc1950
//   - DEFLATE: https://www.rfc-editor.org/rfc/rfc1951
//   - Zstandard: https://www.rfc-editor.org/rfc/rfc8878
//   - TIFF 6.0 (LZW section 13, PackBits section 9): https://www.itu.int/itudoc/itu-t/com16/tiff-fx/docs/tiff6.pdf
package deflate

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/klauspost/compress/flate"
)

// Compression levels of [NewEncoder], with the meaning of the standard
// library's compress/flate constants.
const (
	NoCompression      = 0
	BestSpeed          = 1
	BestCompression    = 9
	DefaultCompression = -1
	// HuffmanOnly disables match search and only entropy-codes literals.
	// On raw float32 tiles it compresses better and faster than levels 1-6.
	// It uses the package's own encoder (appendHuffmanOnly), not
	// klauspost/compress.
	HuffmanOnly = -2
)

// Encoder compresses byte slices to zlib streams at a fixed level.
// It is safe for concurrent use: each call takes a klauspost DEFLATE
// writer from a pool and resets it onto the caller's buffer, except at
// [HuffmanOnly], which has its own encoder. The zlib
// header and the Adler-32 trailer are written here (the checksum with this
// package's own, faster Adler-32), byte for byte as klauspost's zlib
// writer writes them.
type Encoder struct {
	level  int
	header [2]byte
	pool   sync.Pool // of *flateWriter
}

// flateWriter pairs a pooled DEFLATE writer with the buffer it appends to.
type flateWriter struct {
	buf appendWriter
	fw  *flate.Writer
}

// appendWriter is an io.Writer that appends to a byte slice.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// NewEncoder returns an Encoder for the given level: [DefaultCompression],
// [HuffmanOnly] or 0 ([NoCompression]) to 9 ([BestCompression]).
func NewEncoder(level int) (*Encoder, error) {
	if level < HuffmanOnly || level > BestCompression {
		return nil, fmt.Errorf("deflate: invalid compression level %d: want value in range [0, 9]", level)
	}
	e := &Encoder{level: level}
	e.header = zlibHeader(level)
	return e, nil
}

// zlibHeader returns the two-byte zlib header (RFC 1950) for a level:
// 32 KiB window, DEFLATE, the FLEVEL hint and the check bits.
func zlibHeader(level int) [2]byte {
	h := [2]byte{0x78, 0}
	switch level {
	case HuffmanOnly, NoCompression, BestSpeed:
		h[1] = 0 << 6
	case 2, 3, 4, 5:
		h[1] = 1 << 6
	case 6, DefaultCompression:
		h[1] = 2 << 6
	default: // 7, 8, 9
		h[1] = 3 << 6
	}
	h[1] += uint8(31 - binary.BigEndian.Uint16(h[:])%31)
	return h
}

// Level reports the compression level the Encoder was created with.
func (e *Encoder) Level() int { return e.level }

// Encode appends a complete zlib stream holding src to dst and returns the
// extended slice. The output depends only on src and the level.
func (e *Encoder) Encode(dst, src []byte) ([]byte, error) {
	if e.level == HuffmanOnly {
		out := appendHuffmanOnly(append(dst, e.header[:]...), src)
		return binary.BigEndian.AppendUint32(out, adler32Checksum(src)), nil
	}
	w, _ := e.pool.Get().(*flateWriter)
	if w == nil {
		w = new(flateWriter)
	}
	w.buf.b = append(dst, e.header[:]...)
	if w.fw == nil {
		fw, err := flate.NewWriter(&w.buf, e.level)
		if err != nil {
			return dst, fmt.Errorf("deflate: %w", err)
		}
		w.fw = fw
	} else {
		w.fw.Reset(&w.buf)
	}
	_, err := w.fw.Write(src)
	if err == nil {
		err = w.fw.Close()
	}
	out := binary.BigEndian.AppendUint32(w.buf.b, adler32Checksum(src))
	w.buf.b = nil // do not keep the caller's buffer alive in the pool
	e.pool.Put(w)
	if err != nil {
		return dst, fmt.Errorf("deflate: %w", err)
	}
	return out, nil
}
