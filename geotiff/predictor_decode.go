package geotiff

import (
	"encoding/binary"
	"fmt"
)

// Predictor decoding, as libtiff's tif_predict.c does it, one row at a time.
// rowBytes is the stored size of one row of the block; spp the samples per
// pixel in the block; size the stored bytes per sample.

// undoHorizontal reverses predictor 2 on little-endian samples: within each
// row, sample i is stored as the difference from sample i-spp.
func undoHorizontal(b []byte, rowBytes, spp, size int) {
	stride := spp * size
	for row := 0; row+rowBytes <= len(b); row += rowBytes {
		r := b[row : row+rowBytes]
		switch size {
		case 1:
			for i := stride; i < len(r); i++ {
				r[i] += r[i-stride]
			}
		case 2:
			for i := stride; i+2 <= len(r); i += 2 {
				v := binary.LittleEndian.Uint16(r[i:]) + binary.LittleEndian.Uint16(r[i-stride:])
				binary.LittleEndian.PutUint16(r[i:], v)
			}
		case 4:
			for i := stride; i+4 <= len(r); i += 4 {
				v := binary.LittleEndian.Uint32(r[i:]) + binary.LittleEndian.Uint32(r[i-stride:])
				binary.LittleEndian.PutUint32(r[i:], v)
			}
		case 8:
			for i := stride; i+8 <= len(r); i += 8 {
				v := binary.LittleEndian.Uint64(r[i:]) + binary.LittleEndian.Uint64(r[i-stride:])
				binary.LittleEndian.PutUint64(r[i:], v)
			}
		}
	}
}

// undoFloat reverses predictor 3 (Adobe technical note 3). Each row stores
// the bytes of its samples as planes, most significant byte first whatever
// the file's byte order, then differenced bytewise with stride spp. The
// result is little-endian samples. tmp must hold rowBytes bytes.
func undoFloat(b, tmp []byte, rowBytes, spp, size int) {
	n := rowBytes / size // samples per row
	tmp = tmp[:rowBytes]
	for row := 0; row+rowBytes <= len(b); row += rowBytes {
		r := b[row : row+rowBytes]
		if spp == 1 {
			prefixSum(tmp, r)
		} else {
			copy(tmp, r)
			for i := spp; i < len(tmp); i++ {
				tmp[i] += tmp[i-spp]
			}
		}
		switch size {
		case 4:
			p0, p1, p2, p3 := tmp[:n], tmp[n:2*n], tmp[2*n:3*n], tmp[3*n:4*n]
			out := r[:4*n]
			p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
			for i := range p0 {
				v := uint32(p3[i]) | uint32(p2[i])<<8 | uint32(p1[i])<<16 | uint32(p0[i])<<24
				binary.LittleEndian.PutUint32(out[4*i:], v)
			}
		default:
			for i := 0; i < n; i++ {
				for k := 0; k < size; k++ {
					r[size*i+k] = tmp[(size-1-k)*n+i]
				}
			}
		}
	}
}

// prefixSum stores in dst the running bytewise sum (mod 256) of src. It
// works on 8-byte words: within a little-endian word, adding the word
// shifted by 8, 16 and 32 bits with carry-free bytewise additions gives
// each byte the sum of itself and all bytes below it; the last byte of the
// previous word, broadcast to every byte, carries the sum across words.
func prefixSum(dst, src []byte) {
	const hi = 0x8080808080808080
	addb := func(x, y uint64) uint64 { return ((x &^ hi) + (y &^ hi)) ^ ((x ^ y) & hi) }
	dst = dst[:len(src)]
	var carry uint64
	i := 0
	for ; i+8 <= len(src); i += 8 {
		x := binary.LittleEndian.Uint64(src[i:])
		x = addb(x, x<<8)
		x = addb(x, x<<16)
		x = addb(x, x<<32)
		x = addb(x, carry)
		binary.LittleEndian.PutUint64(dst[i:], x)
		carry = (x >> 56) * 0x0101010101010101
	}
	acc := byte(carry)
	for ; i < len(src); i++ {
		acc += src[i]
		dst[i] = acc
	}
}

// unpredict undoes im's predictor on one decoded block of stored samples,
// and brings them to little-endian order.
func (r *Reader) unpredict(im *Image, b []byte, rowBytes int) error {
	size, spp := im.storedSize(), im.TileBands()
	switch im.Predictor {
	case PredictorFloat:
		if size != 2 && size != 4 && size != 8 {
			return UnsupportedError(fmt.Sprintf("floating-point predictor on %d-byte samples", size))
		}
		tmp := getBuf(rowBytes)
		undoFloat(b, *tmp, rowBytes, spp, size)
		putBuf(tmp)
		return nil
	case PredictorHorizontal:
		toLittleEndian(r.order, b, size)
		undoHorizontal(b, rowBytes, spp, size)
		return nil
	default:
		toLittleEndian(r.order, b, size)
		return nil
	}
}
