package deflate

import "fmt"

// codeOrder is the order of the code length code lengths (RFC 1951
// section 3.2.7).
var codeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// readDynamicTables reads a dynamic block's header (RFC 1951 section
// 3.2.7) and builds d.litlen and d.dist, rejecting what compress/flate
// rejects: more than 286 literal/length or 30 distance codes, a repeat
// with nothing to repeat or past the end, and unusable codes.
func (d *inflater) readDynamicTables() error {
	h, err := d.bits(14)
	if err != nil {
		return err
	}
	nlit, ndist, nclen := int(h&31)+257, int(h>>5&31)+1, int(h>>10)+4
	if nlit > 286 || ndist > 30 {
		return d.corrupt()
	}
	var clens [19]uint8
	for _, sym := range codeOrder[:nclen] {
		v, err := d.bits(3)
		if err != nil {
			return err
		}
		clens[sym] = uint8(v)
	}
	var pre [1 << precodeBits]uint32
	if !buildTable(pre[:], clens[:], precodeBits, precodeResults[:]) {
		return d.corrupt()
	}
	lens := d.lens[:nlit+ndist]
	// The bit buffer lives in locals here: d.lens shares d with d.bitbuf,
	// so stores to lens would otherwise force reloads of the fields.
	bitbuf, bitsleft := d.bitbuf, d.bitsleft
	for i := 0; i < len(lens); {
		// A precode symbol takes at most 7 bits plus 7 extra bits.
		if bitsleft < 14 {
			d.bitbuf, d.bitsleft = bitbuf, bitsleft
			if err := d.refill(); err != nil {
				return err
			}
			bitbuf, bitsleft = d.bitbuf, d.bitsleft
		}
		e := pre[bitbuf&(1<<precodeBits-1)]
		if e&flagInvalid != 0 {
			d.bitbuf, d.bitsleft = bitbuf, bitsleft
			return d.corrupt()
		}
		bitbuf >>= e & entryConsume
		bitsleft -= uint(e & entryConsume)
		sym := e >> 16
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var val uint8
		switch sym {
		case 16:
			if i == 0 {
				d.bitbuf, d.bitsleft = bitbuf, bitsleft
				return d.corrupt()
			}
			rep, val = 3+int(bitbuf&3), lens[i-1]
			bitbuf, bitsleft = bitbuf>>2, bitsleft-2
		case 17:
			rep = 3 + int(bitbuf&7)
			bitbuf, bitsleft = bitbuf>>3, bitsleft-3
		default: // 18
			rep = 11 + int(bitbuf&127)
			bitbuf, bitsleft = bitbuf>>7, bitsleft-7
		}
		if i+rep > len(lens) {
			d.bitbuf, d.bitsleft = bitbuf, bitsleft
			return d.corrupt()
		}
		for range rep {
			lens[i] = val
			i++
		}
	}
	d.bitbuf, d.bitsleft = bitbuf, bitsleft
	if !buildTable(d.litlen[:], lens[:nlit], litlenBits, litlenResults[:]) ||
		!buildTable(d.dist[:], lens[nlit:], distBits, distResults[:]) {
		return d.corrupt()
	}
	// Pairs need two literal codes that fit in the table's bits together;
	// literal-heavy float data (predictor 3) has 7- to 9-bit codes and
	// none, and skipping the copy and the scan is a tenth of the time of
	// decoding a small strip.
	// Small outputs (GDAL's default strips are one row: a few KiB) do not
	// repay the pair table either.
	if len(d.out)-d.op < pairMinOutput || shortestLiteral(lens[:min(nlit, 256)])*2 > litlenBits {
		return nil
	}
	var single [1 << litlenBits]uint32
	copy(single[:], d.litlen[:])
	pairLiterals(d.litlen[:], single[:], litlenBits)
	return nil
}

// huffmanBlock decodes the symbols of one Huffman-coded block up to and
// including its end-of-block code. It runs the fast loop while the
// margins allow and finishes symbol by symbol in the careful loop below,
// which keeps the bit buffer and the output position in locals (d's
// fields are written back before every return and refill) and copies
// matches in bulk where they do not overlap.
func (d *inflater) huffmanBlock(lt *[litlenTableSize]uint32, dt *[distTableSize]uint32) error {
	if !d.slowOnly {
		if done, err := d.fastLoop(lt, dt); done || err != nil {
			return err
		}
	}
	bitbuf, bitsleft := d.bitbuf, d.bitsleft
	out, op := d.out, d.op
	// sync writes the local state back to d.
	sync := func() { d.bitbuf, d.bitsleft, d.op = bitbuf, bitsleft, op }
	for {
		// 48 bits cover the longest length code with extra bits (15+5)
		// and the longest distance code with extra bits (15+13).
		if bitsleft < 48 {
			sync()
			if err := d.refill(); err != nil {
				return err
			}
			bitbuf, bitsleft = d.bitbuf, d.bitsleft
		}
		e := lt[bitbuf&(1<<litlenBits-1)]
		if e&flagSub != 0 {
			e = lt[int(e>>16)+int(bitbuf>>litlenBits&(1<<(e&entryConsume)-1))]
		}
		n := e & entryConsume
		switch {
		case e&flagInvalid != 0:
			sync()
			return d.corrupt()
		case e&flagLiteral != 0:
			bitbuf >>= n
			bitsleft -= uint(n)
			if op >= len(out) {
				sync()
				return d.tooLarge()
			}
			out[op] = byte(e >> 16)
			op++
			if e&flagPair != 0 {
				if op >= len(out) {
					sync()
					return d.tooLarge()
				}
				out[op] = byte(e >> 24)
				op++
			}
			continue
		case e&flagEOB != 0:
			bitbuf >>= n
			bitsleft -= uint(n)
			sync()
			return d.checkOverread()
		}
		// A length: base plus the extra bits that follow the code.
		length := int(e>>16) + int(bitbuf&(1<<n-1)>>(e>>8&15))
		bitbuf >>= n
		bitsleft -= uint(n)
		de := dt[bitbuf&(1<<distBits-1)]
		if de&flagSub != 0 {
			de = dt[int(de>>16)+int(bitbuf>>distBits&(1<<(de&entryConsume)-1))]
		}
		if de&flagInvalid != 0 {
			sync()
			return d.corrupt()
		}
		dn := de & entryConsume
		dist := int(de>>16) + int(bitbuf&(1<<dn-1)>>(de>>8&15))
		bitbuf >>= dn
		bitsleft -= uint(dn)
		if dist > op {
			sync()
			return d.corrupt()
		}
		// As many bytes as fit, then the error if some did not: the
		// output is the same as byte by byte.
		k := min(length, len(out)-op)
		if dist >= k {
			copy(out[op:op+k], out[op-dist:])
		} else {
			for i := range k {
				out[op+i] = out[op+i-dist]
			}
		}
		op += k
		if k < length {
			sync()
			return d.tooLarge()
		}
	}
}

// tooLarge returns the error for output beyond len(d.out).
func (d *inflater) tooLarge() error {
	return fmt.Errorf("%w: more than %d bytes", ErrOutputTooLarge, len(d.out))
}

// pairMinOutput is the output left, in bytes, below which a dynamic block
// is decoded without the literal-pair table.
const pairMinOutput = 16 << 10

// shortestLiteral returns the shortest nonzero code length of the literal
// lengths lens, or 16 when none is.
func shortestLiteral(lens []uint8) uint {
	m := uint8(16)
	for _, l := range lens {
		if l != 0 && l < m {
			m = l
		}
	}
	return uint(m)
}
