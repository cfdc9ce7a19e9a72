package geotiff

import (
	"encoding/binary"
	"fmt"
)

// Bit-packed ("NBITS") unsigned integer samples: BitsPerSample 1 to 31 other
// than 8 and 16. TIFF 6.0 (section 2, BitsPerSample) packs them most
// significant bit first with no padding between samples, and pads each row
// to a whole byte; for PlanarContig a row is TileWidth×SamplesPerPixel
// samples. GDAL widens them to the next whole type (1–8 bits: Byte, 9–16:
// UInt16, 17–31: UInt32), and so does the reader.
//
// Two GDAL details are kept on purpose:
//   - 24-bit samples are whole bytes, so libtiff byte-swaps them in files
//     whose byte order differs from the host's, and GDAL then reads the
//     bytes as a big-endian (on a little-endian host) 24-bit value. The net
//     effect, the same on every host, is that a little-endian file holds
//     its 24-bit samples most significant byte first and a big-endian file
//     least significant byte first (GDAL gtiffoddbitsband.cpp, "#2361").
//   - 1-bit samples of a transparency mask with one sample per block read
//     as 0 and 255, not 0 and 1 (GDAL_TIFF_INTERNAL_MASK_TO_8BIT=YES, the
//     default).

// packedType returns the widened type of unsigned bits-bit samples stored
// bit-packed, or Invalid when bits is not such a width.
func packedType(bits uint64) SampleType {
	switch {
	case bits == 0 || bits == 8 || bits == 16 || bits >= 32:
		return Invalid
	case bits < 8:
		return Uint8
	case bits < 16:
		return Uint16
	}
	return Uint32
}

// storedRowBytes returns the size in bytes of one stored row of a block:
// TileWidth×TileBands samples, bit-packed and padded to a byte for packed
// samples.
func (im *Image) storedRowBytes() int {
	n := im.TileWidth * im.TileBands()
	if im.packed {
		return (n*im.BitsPerSample + 7) / 8
	}
	return n * im.storedSize()
}

// promoteMask reports whether im's 1-bit samples read as 0 and 255: a mask
// IFD with one sample per block, as GDAL reads an internal mask.
func (im *Image) promoteMask() bool {
	return im.packed && im.BitsPerSample == 1 && im.IsMask() && im.TileBands() == 1
}

// unpackBits expands rows of bit-packed samples in src (each
// im.storedRowBytes() long) into little-endian samples of im.Type in dst,
// TileWidth×TileBands samples per row. bigEndian is the file's byte order.
func unpackBits(im *Image, dst, src []byte, rows int, bigEndian bool) error {
	bits := im.BitsPerSample
	n := im.TileWidth * im.TileBands()
	rowBytes := im.storedRowBytes()
	size := im.Type.Size()
	if len(src) < rows*rowBytes || len(dst) < rows*n*size {
		return fmt.Errorf("geotiff: internal error: unpack %d rows of %d %d-bit samples from %d into %d bytes",
			rows, n, bits, len(src), len(dst))
	}
	for y := 0; y < rows; y++ {
		in := src[y*rowBytes : (y+1)*rowBytes]
		out := dst[y*n*size : (y+1)*n*size]
		switch {
		case bits == 1:
			one := byte(1)
			if im.promoteMask() {
				one = 255
			}
			unpack1(out, in, one)
		case bits == 24:
			unpack24(out, in, bigEndian)
		default:
			unpackRow(out, in, n, bits, size)
		}
	}
	return nil
}

// unpack1 expands len(out) 1-bit samples, most significant bit first, to
// bytes that are 0 or one.
func unpack1(out, in []byte, one byte) {
	i := 0
	for ; i+8 <= len(out); i += 8 {
		b, o := in[i>>3], out[i:i+8:i+8]
		o[0], o[1], o[2], o[3] = one*(b>>7), one*(b>>6&1), one*(b>>5&1), one*(b>>4&1)
		o[4], o[5], o[6], o[7] = one*(b>>3&1), one*(b>>2&1), one*(b>>1&1), one*(b&1)
	}
	for ; i < len(out); i++ {
		out[i] = one * (in[i>>3] >> (7 - i&7) & 1)
	}
}

// unpack24 expands 3-byte samples to little-endian uint32 samples, with the
// byte order GDAL gives them (see the comment at the top of the file).
func unpack24(out, in []byte, bigEndianFile bool) {
	for i := 0; 4*i+4 <= len(out); i++ {
		b := in[3*i : 3*i+3]
		var v uint32
		if bigEndianFile {
			v = uint32(b[2])<<16 | uint32(b[1])<<8 | uint32(b[0])
		} else {
			v = uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
		}
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
}

// unpackRow expands n samples of bits bits each (2 to 31), most significant
// bit first, to little-endian samples size bytes wide.
func unpackRow(out, in []byte, n, bits, size int) {
	var acc uint64 // bits not yet used, right-aligned
	var have int   // how many
	pos := 0
	mask := uint64(1)<<bits - 1
	for i := 0; i < n; i++ {
		for have < bits {
			acc = acc<<8 | uint64(in[pos])
			pos++
			have += 8
		}
		have -= bits
		v := (acc >> have) & mask
		switch size {
		case 1:
			out[i] = byte(v)
		case 2:
			binary.LittleEndian.PutUint16(out[2*i:], uint16(v))
		default:
			binary.LittleEndian.PutUint32(out[4*i:], uint32(v))
		}
	}
}
