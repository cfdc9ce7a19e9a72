package deflate

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// Margins of the fast loop. One iteration refills the bit buffer at most
// twice, each refill loading the 8 bytes in[ip:ip+8] and advancing ip by
// at most 7, so it needs fastInMargin = 8+7 input bytes. It stores at most
// three literal pairs (6 bytes) and one match of up to 258 bytes that
// copyMatch may overshoot by 7, so it needs fastOutMargin output bytes.
const (
	fastInMargin  = 8 + 7
	fastOutMargin = 3*2 + 258 + 8 // copyMatch's overshoot exceeds the 16-byte copy's
)

// fastLoop decodes symbols of a Huffman block while at least fastInMargin
// input bytes and fastOutMargin output bytes remain. Within those margins
// no load or store can leave in or out, so it uses unchecked accesses
// (load64, store16, copyMatch); table lookups stay checked (the main
// index is masked, so only subtable lookups carry a check). Bits: each
// iteration starts with at least 56 valid bits and the main-table entry e
// for the lowest ones already loaded, and
//
//   - a run of up to three literal entries takes at most 33 bits (11 each,
//     pairs included), leaving at least 23 for the next lookup;
//   - a literal from a subtable takes at most 15, leaving at least 41;
//   - a length code with extra bits (15+5) and a distance code with extra
//     bits (15+13) take at most 48, so they follow a refill, and the 8
//     bits left may not cover a lookup, so a refill precedes it.
//
// The state lives in locals and is written back on return. It reports
// done when it decoded the end-of-block code; otherwise the caller goes on
// with the careful loop in huffmanBlock.
func (d *inflater) fastLoop(lt *[litlenTableSize]uint32, dt *[distTableSize]uint32) (done bool, err error) {
	if len(d.in)-fastInMargin < d.ip || len(d.out)-fastOutMargin < d.op {
		return false, nil
	}
	// Pointers instead of slice indexes keep the loop's state in few
	// registers: ip and op point at in[ip] and out[op], and they start an
	// iteration only while at most inEnd and outEnd, the last positions
	// that leave the margins.
	inBase := unsafe.Pointer(unsafe.SliceData(d.in))
	outBase := unsafe.Pointer(unsafe.SliceData(d.out))
	inEnd := uintptr(inBase) + uintptr(len(d.in)-fastInMargin)
	outEnd := uintptr(outBase) + uintptr(len(d.out)-fastOutMargin)
	ip, op := unsafe.Add(inBase, d.ip), unsafe.Add(outBase, d.op)
	// Inside the loop only the low 6 bits of bitsleft are meaningful:
	// consuming an entry subtracts the whole entry (its consume field is
	// the low 6 bits, and borrows only run upwards), which saves a mask
	// per symbol as in libdeflate; every use masks with 63.
	bitbuf, bitsleft := d.bitbuf, d.bitsleft

	// Invariant at the top of the loop: at least 56 valid bits, and e is
	// the main-table entry for the low bits. Looking e up before the
	// refill that follows keeps the refill off the chain of dependent
	// loads (entry, shift, next entry) that bounds the decoding speed.
	bitbuf |= load64(ip) << (bitsleft & 63)
	ip = unsafe.Add(ip, (63-bitsleft)&63>>3)
	bitsleft |= 56
	e := lt[bitbuf&(1<<litlenBits-1)]
	for uintptr(ip) <= inEnd && uintptr(op) <= outEnd {
		if e&flagLiteral != 0 {
			// One or two literals per entry; storing the second byte is
			// harmless when there is only one (the margin covers it and
			// later output overwrites it). Up to three entries take at
			// most 33 bits, leaving at least 23 for the next lookup.
			bitbuf >>= e & 63
			bitsleft -= uint(e)
			store16(op, uint16(e>>16))
			op = unsafe.Add(op, 1+e>>13&1)
			e = lt[bitbuf&(1<<litlenBits-1)]
			if e&flagLiteral != 0 {
				bitbuf >>= e & 63
				bitsleft -= uint(e)
				store16(op, uint16(e>>16))
				op = unsafe.Add(op, 1+e>>13&1)
				e = lt[bitbuf&(1<<litlenBits-1)]
				if e&flagLiteral != 0 {
					bitbuf >>= e & 63
					bitsleft -= uint(e)
					store16(op, uint16(e>>16))
					op = unsafe.Add(op, 1+e>>13&1)
					e = lt[bitbuf&(1<<litlenBits-1)]
				}
			}
			// Refill; it keeps the low bits that e was looked up with.
			bitbuf |= load64(ip) << (bitsleft & 63)
			ip = unsafe.Add(ip, (63-bitsleft)&63>>3)
			bitsleft |= 56
			if e&flagLiteral != 0 {
				continue
			}
		}
		if e&flagSub != 0 {
			e = lt[int(e>>16)+int(bitbuf>>litlenBits&(1<<(e&entryConsume)-1))]
			if e&flagLiteral != 0 {
				bitbuf >>= e & 63
				bitsleft -= uint(e)
				*(*byte)(op) = byte(e >> 16)
				op = unsafe.Add(op, 1)
				// At least 41 bits remain: look up, then refill.
				e = lt[bitbuf&(1<<litlenBits-1)]
				bitbuf |= load64(ip) << (bitsleft & 63)
				ip = unsafe.Add(ip, (63-bitsleft)&63>>3)
				bitsleft |= 56
				continue
			}
		}
		if e&(flagEOB|flagInvalid) != 0 {
			if e&flagInvalid != 0 {
				err = errCorrupt
				break
			}
			bitbuf >>= e & 63
			bitsleft -= uint(e)
			done = true
			break
		}
		// A length: base plus the extra bits that follow its code.
		n := e & 63
		length := uintptr(e>>16) + uintptr(bitbuf&(1<<n-1)>>(e>>8&15))
		bitbuf >>= n
		bitsleft -= uint(n)

		de := dt[bitbuf&(1<<distBits-1)]
		if de&flagSub != 0 {
			de = dt[int(de>>16)+int(bitbuf>>distBits&(1<<(de&entryConsume)-1))]
		}
		if de&flagInvalid != 0 {
			err = errCorrupt
			break
		}
		dn := de & 63
		dist := uintptr(de>>16) + uintptr(bitbuf&(1<<dn-1)>>(de>>8&15))
		bitbuf >>= dn
		bitsleft -= uint(dn)
		if dist > uintptr(op)-uintptr(outBase) {
			err = errCorrupt
			break
		}
		// At least 8 bits remain: refill before the lookup. The next
		// entry does not depend on the copy, so it is looked up first
		// and its load overlaps the copy (libdeflate does the same).
		bitbuf |= load64(ip) << (bitsleft & 63)
		ip = unsafe.Add(ip, (63-bitsleft)&63>>3)
		bitsleft |= 56
		e = lt[bitbuf&(1<<litlenBits-1)]
		// Most matches are short and far enough back for word copies:
		// two words cover lengths up to 16 without a loop.
		if src := unsafe.Add(op, -int(dist)); dist >= 8 && length <= 16 {
			store64(op, load64(src))
			store64(unsafe.Add(op, 8), load64(unsafe.Add(src, 8)))
		} else {
			copyMatch(op, dist, length)
		}
		op = unsafe.Add(op, length)
	}
	d.ip = int(uintptr(ip) - uintptr(inBase))
	d.op = int(uintptr(op) - uintptr(outBase))
	d.bitbuf, d.bitsleft = bitbuf, bitsleft&63
	if err != nil {
		return false, d.corrupt()
	}
	return done, nil
}

// load64 returns the little-endian word at p; the caller guarantees that
// its 8 bytes lie inside one slice.
func load64(p unsafe.Pointer) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(p)[:])
}

// store64 stores v little-endian at p, inside one slice.
func store64(p unsafe.Pointer, v uint64) {
	binary.LittleEndian.PutUint64((*[8]byte)(p)[:], v)
}

// store16 stores v little-endian at p, inside one slice.
func store16(p unsafe.Pointer, v uint16) {
	binary.LittleEndian.PutUint16((*[2]byte)(p)[:], v)
}

// copyMatch copies length bytes from op-dist to op (0 < dist, and op-dist
// is inside the output); the regions overlap when dist < length, which
// repeats the last dist bytes. It may store up to 7 bytes past op+length;
// the caller guarantees that room inside the output slice.
func copyMatch(op unsafe.Pointer, dist, length uintptr) {
	src := unsafe.Add(op, -int(dist))
	switch {
	case dist >= 8:
		// Each 8-byte load ends at or before the start of its store, so
		// it reads only bytes that are already final.
		for k := uintptr(0); k < length; k += 8 {
			store64(unsafe.Add(op, k), load64(unsafe.Add(src, k)))
		}
	case dist == 1:
		v := uint64(*(*byte)(src)) * 0x0101010101010101
		for k := uintptr(0); k < length; k += 8 {
			store64(unsafe.Add(op, k), v)
		}
	default:
		// 2 <= dist < 8: the first 8 bytes one at a time (each reads a
		// byte already written), then words from period, the smallest
		// multiple of dist that is at least 8: out[p] = out[p-dist]
		// implies out[p] = out[p-period], and period < dist+8 keeps every
		// source inside the bytes already final.
		for k := uintptr(0); k < 8; k++ {
			*(*byte)(unsafe.Add(op, k)) = *(*byte)(unsafe.Add(src, k))
		}
		period := uintptr(matchPeriod[dist])
		for k := uintptr(8); k < length; k += 8 {
			store64(unsafe.Add(op, k), load64(unsafe.Add(op, k-period)))
		}
	}
}

// matchPeriod[d] is the smallest multiple of d that is at least 8.
var matchPeriod = [8]uint8{2: 8, 3: 9, 4: 8, 5: 10, 6: 12, 7: 14}

// errCorrupt marks, inside the fast loop, that the caller must report
// d.corrupt().
var errCorrupt = errors.New("corrupt")
