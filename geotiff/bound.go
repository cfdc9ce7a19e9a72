package geotiff

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Upper bounds on what n compressed bytes can decode to, so that a block
// whose byte count cannot possibly produce its decoded size is refused
// before its decoded buffer is allocated. Each bound is what the format
// allows, not what encoders produce, so no valid block is refused.

// Expansion limits of the codecs.
const (
	// deflateRatio: a DEFLATE match copies at most 258 bytes and can be coded
	// in 2 bits (1-bit length and distance codes), so 1032 bytes per input
	// byte (the zlib FAQ's "maximum compression factor").
	deflateRatio = 1032
	// packBitsRatio: a 2-byte repeat run yields at most 128 bytes.
	packBitsRatio = 64
	// zstdRatio: a ZSTD block yields at most 128 KiB (Block_Maximum_Size)
	// and takes at least 4 bytes (an RLE block: 3-byte header, 1 byte).
	zstdRatio       = 32768
	zstdMaxBlock    = 128 << 10
	lzwMaxString    = 4096 // a string is at most one table entry long
	lzwMinCodeWidth = 9
)

// fitsDecoded reports, without formatting maxDecoded's message, whether
// cnt bytes compressed with c can surely hold need decoded bytes (false
// means: ask maxDecoded).
func fitsDecoded(c Compression, cnt, need uint64) bool {
	switch c {
	case CompressionDeflate, CompressionDeflateOld:
		return satMul(cnt+1, deflateRatio) >= need
	case CompressionNone:
		return cnt >= need
	}
	return false
}

// maxDecoded returns the most that cnt bytes compressed with c can decode
// to, and how that bound is reached, for messages. It saturates at the
// uint64 maximum and returns it for codecs it has no bound for.
func maxDecoded(c Compression, cnt uint64) (uint64, string) {
	switch c {
	case CompressionNone:
		return cnt, "uncompressed"
	case CompressionDeflate, CompressionDeflateOld:
		return satMul(cnt+1, deflateRatio), fmt.Sprintf("DEFLATE expands at most %d:1", deflateRatio)
	case CompressionPackBits:
		return satMul(cnt, packBitsRatio), fmt.Sprintf("PackBits expands at most %d:1", packBitsRatio)
	case CompressionLZW:
		// At least 9 bits a code, and the i-th code's string is at most i
		// bytes long (each table entry extends an earlier one by a byte)
		// and at most a full table's worth.
		codes := cnt*8/lzwMinCodeWidth + 1
		most := satMul(codes, lzwMaxString)
		if codes < 1<<32 {
			most = min(most, codes*(codes+1)/2)
		}
		return most, fmt.Sprintf("LZW: %d codes of at least 9 bits yield at most %d bytes", codes, most)
	case CompressionZSTD:
		return satMul(cnt, zstdRatio), fmt.Sprintf("ZSTD expands at most %d:1", zstdRatio)
	}
	return ^uint64(0), ""
}

// satMul returns a×b, or the uint64 maximum when it overflows.
func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return ^uint64(0)
	}
	return lo
}

// zstdMaxDecoded walks the frames of the ZSTD data src (RFC 8878) and
// returns the most they can decode to: a frame's Frame_Content_Size when
// its header has one, else the sizes of its raw and RLE blocks plus
// 128 KiB per compressed block. Skippable frames add nothing. Where src
// is not well-formed the walk stops and the ratio bound of the remaining
// bytes is added, so the decoder reports the real error.
func zstdMaxDecoded(src []byte) (uint64, string) {
	var total uint64
	declared := false
	for len(src) > 0 {
		n, rest, fcs, ok := zstdFrame(src)
		if !ok {
			return total + satMul(uint64(len(src)), zstdRatio), fmt.Sprintf("ZSTD expands at most %d:1", zstdRatio)
		}
		declared = declared || fcs
		total += min(n, ^uint64(0)-total)
		src = rest
	}
	if declared {
		return total, fmt.Sprintf("its ZSTD frames declare or hold at most %d bytes", total)
	}
	return total, fmt.Sprintf("its ZSTD blocks hold at most %d bytes", total)
}

// zstdFrame parses one frame at the start of src and returns the most it
// decodes to, the bytes after it, whether its header declared its size,
// and whether it parsed.
func zstdFrame(src []byte) (most uint64, rest []byte, declared, ok bool) {
	if len(src) < 8 {
		return 0, nil, false, false
	}
	magic := binary.LittleEndian.Uint32(src)
	if magic&0xFFFFFFF0 == 0x184D2A50 { // skippable frame
		size := uint64(binary.LittleEndian.Uint32(src[4:]))
		if size > uint64(len(src)-8) {
			return 0, nil, false, false
		}
		return 0, src[8+size:], false, true
	}
	if magic != 0xFD2FB528 {
		return 0, nil, false, false
	}
	fhd := src[4]
	fcsFlag, single, checksum, dictFlag := fhd>>6, fhd>>5&1 == 1, fhd>>2&1 == 1, fhd&3
	p := 5
	if !single {
		p++ // Window_Descriptor
	}
	p += [4]int{0, 1, 2, 4}[dictFlag]
	fcsSize := [4]int{0, 2, 4, 8}[fcsFlag]
	if fcsFlag == 0 && single {
		fcsSize = 1
	}
	if p+fcsSize > len(src) {
		return 0, nil, false, false
	}
	var fcs uint64
	switch fcsSize {
	case 1:
		fcs = uint64(src[p])
	case 2:
		fcs = uint64(binary.LittleEndian.Uint16(src[p:])) + 256
	case 4:
		fcs = uint64(binary.LittleEndian.Uint32(src[p:]))
	case 8:
		fcs = binary.LittleEndian.Uint64(src[p:])
	}
	p += fcsSize
	var blocks uint64
	for {
		if p+3 > len(src) {
			return 0, nil, false, false
		}
		h := uint32(src[p]) | uint32(src[p+1])<<8 | uint32(src[p+2])<<16
		p += 3
		last, typ, size := h&1 == 1, h>>1&3, int(h>>3)
		switch typ {
		case 0: // raw
			blocks += uint64(size)
		case 1: // RLE: one byte repeated size times
			blocks += uint64(size)
			size = 1
		case 2: // compressed
			blocks += zstdMaxBlock
		default:
			return 0, nil, false, false
		}
		if size > len(src)-p {
			return 0, nil, false, false
		}
		p += size
		if last {
			break
		}
	}
	if checksum {
		p += 4
		if p > len(src) {
			return 0, nil, false, false
		}
	}
	if fcsSize > 0 {
		return min(fcs, blocks), src[p:], true, true
	}
	return blocks, src[p:], false, true
}
