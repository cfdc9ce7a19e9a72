package geotiff

import "encoding/binary"

// This file applies the TIFF predictors before compression (TIFF 6.0
// section 14 for the horizontal predictor, Adobe Photoshop TIFF technical
// note 3 for the floating-point one), the inverse of predictor_decode.go.
// Input tiles are little-endian samples; output is in the file's byte order.

// encodePredictor applies predictor p in place to a tile of rows of
// rowSamples samples of size bytes, spp samples per pixel, and leaves the
// result in the byte order of the file. The input samples are little-endian.
// scratch must hold at least one row (rowSamples*size bytes) for
// PredictorFloat; it is unused otherwise.
func encodePredictor(tile []byte, p Predictor, size, rowSamples, spp int, bigEndian bool, scratch []byte) {
	rowBytes := rowSamples * size
	switch p {
	case PredictorHorizontal:
		for off := 0; off+rowBytes <= len(tile); off += rowBytes {
			horizontalDiff(tile[off:off+rowBytes], size, spp)
		}
		if bigEndian {
			swapToBigEndian(tile, size)
		}
	case PredictorFloat:
		// The floating-point predictor stores the bytes of a row as planes,
		// most significant byte first, whatever the byte order of the file
		// (libtiff's fpDiff), so there is nothing to swap.
		for off := 0; off+rowBytes <= len(tile); off += rowBytes {
			floatDiff(tile[off:off+rowBytes], scratch[:rowBytes], size, spp)
		}
	default:
		if bigEndian {
			swapToBigEndian(tile, size)
		}
	}
}

// horizontalDiff replaces each little-endian sample of row, past the first
// pixel, by its difference from the same sample of the previous pixel,
// modulo 2^(8*size).
func horizontalDiff(row []byte, size, spp int) {
	le := binary.LittleEndian
	switch size {
	case 1:
		for j := len(row) - 1; j >= spp; j-- {
			row[j] -= row[j-spp]
		}
	case 2:
		d := 2 * spp
		for j := len(row) - 2; j >= d; j -= 2 {
			le.PutUint16(row[j:], le.Uint16(row[j:])-le.Uint16(row[j-d:]))
		}
	case 4:
		d := 4 * spp
		for j := len(row) - 4; j >= d; j -= 4 {
			le.PutUint32(row[j:], le.Uint32(row[j:])-le.Uint32(row[j-d:]))
		}
	case 8:
		d := 8 * spp
		for j := len(row) - 8; j >= d; j -= 8 {
			le.PutUint64(row[j:], le.Uint64(row[j:])-le.Uint64(row[j-d:]))
		}
	}
}

// floatDiff applies the floating-point predictor to one row of
// little-endian samples: the bytes are split into size planes, most
// significant first (plane b holds byte size-1-b of every sample), and each
// byte of the result is then differenced with the byte spp places before it.
func floatDiff(row, scratch []byte, size, spp int) {
	wc := len(row) / size
	switch size {
	case 4:
		p0, p1, p2, p3 := scratch[:wc], scratch[wc:2*wc], scratch[2*wc:3*wc], scratch[3*wc:4*wc]
		for k := range wc {
			s := row[4*k : 4*k+4]
			p0[k], p1[k], p2[k], p3[k] = s[3], s[2], s[1], s[0]
		}
	case 8:
		for k := range wc {
			s := row[8*k : 8*k+8]
			for b := range 8 {
				scratch[(7-b)*wc+k] = s[b]
			}
		}
	default:
		for k := range wc {
			for b := range size {
				scratch[(size-1-b)*wc+k] = row[k*size+b]
			}
		}
	}
	if spp == 1 {
		diffBytes(row, scratch[:len(row)])
		return
	}
	copy(row[:spp], scratch[:spp])
	for j := spp; j < len(row); j++ {
		row[j] = scratch[j] - scratch[j-spp]
	}
}

// diffBytes stores in dst the bytewise differences (mod 256) of src with
// its predecessor: dst[0] = src[0], dst[i] = src[i] - src[i-1]. It works on
// 8-byte little-endian words: the word shifted up by 8 bits, with the last
// byte of the previous word in its low byte, is each byte's predecessor,
// subtracted bytewise without borrows crossing bytes. It inverts prefixSum.
func diffBytes(dst, src []byte) {
	const hi = 0x8080808080808080
	dst = dst[:len(src)]
	var prev uint64
	i := 0
	for ; i+8 <= len(src); i += 8 {
		x := binary.LittleEndian.Uint64(src[i:])
		y := x<<8 | prev
		binary.LittleEndian.PutUint64(dst[i:], ((x|hi)-(y&^hi))^((x^^y)&hi))
		prev = x >> 56
	}
	last := byte(prev)
	for ; i < len(src); i++ {
		dst[i] = src[i] - last
		last = src[i]
	}
}

// swapToBigEndian reverses the bytes of every size-byte sample of b in place.
func swapToBigEndian(b []byte, size int) {
	switch size {
	case 2:
		for j := 0; j+2 <= len(b); j += 2 {
			b[j], b[j+1] = b[j+1], b[j]
		}
	case 4:
		for j := 0; j+4 <= len(b); j += 4 {
			binary.BigEndian.PutUint32(b[j:], binary.LittleEndian.Uint32(b[j:]))
		}
	case 8:
		for j := 0; j+8 <= len(b); j += 8 {
			binary.BigEndian.PutUint64(b[j:], binary.LittleEndian.Uint64(b[j:]))
		}
	}
}
