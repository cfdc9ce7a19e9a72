package deflate

import "math/bits"

// Decode tables for the whole-buffer inflater (RFC 1951 section 3.2).
//
// A table maps the next tableBits input bits (DEFLATE packs Huffman codes
// starting from their most significant bit, so the table is indexed by the
// bit-reversed code) to a uint32 entry that carries everything the decode
// loop needs, so that one load decides what to do:
//
//	bits  0-4   consume: bits to drop from the bit buffer (code length plus
//	            extra bits; for a pair of literals both code lengths)
//	bit   5     invalid: no symbol has this code (incomplete code), or the
//	            symbol is reserved (literal/length 286-287, distance 30-31)
//	bits  8-11  code length, where the extra bits start
//	bit  12     literal: value holds a literal byte in bits 16-23
//	bit  13     pair: a second literal in bits 24-31 (only with literal)
//	bit  14     subtable: the code is longer than tableBits; value is the
//	            subtable's offset and consume is its index width
//	bit  15     end of block
//	bits 16-31  value: literal(s), length base, distance base, precode
//	            symbol or subtable offset
//
// A code longer than tableBits takes two loads: the main entry for its low
// tableBits bits points to a subtable indexed by the bits that follow.
const (
	entryConsume = 0x1f
	flagInvalid  = 1 << 5
	flagLiteral  = 1 << 12
	flagPair     = 1 << 13
	flagSub      = 1 << 14
	flagEOB      = 1 << 15
)

const (
	litlenBits  = 11 // main table index width, as libdeflate
	distBits    = 8
	precodeBits = 7 // the precode's longest code, so it needs no subtable
	maxCodeLen  = 15

	// Table sizes: the main table plus room for a subtable per long code
	// (at most 2^(15-bits) entries each), a simple bound above the exact
	// worst cases of zlib's examples/enough.c (2342 for "enough 288 11
	// 15", 402 for "enough 32 8 15").
	litlenTableSize = 1<<litlenBits + 288<<(maxCodeLen-litlenBits)
	distTableSize   = 1<<distBits + 32<<(maxCodeLen-distBits)
)

// Base values and extra-bit counts of length symbols 257-285 and distance
// symbols 0-29 (RFC 1951 section 3.2.5).
var (
	lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
		35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
		3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
		257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
		7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// Decode results per symbol: the entry of the symbol without its code
// length, which the table builder adds (n<<8 | n: the length field and
// the code's share of the consume field). Extra bits are already in the
// consume field.
var (
	litlenResults  = makeLitlenResults()
	distResults    = makeDistResults()
	precodeResults = makePrecodeResults()
)

// makeLitlenResults returns the results of literal/length symbols 0-287:
// literals, end of block, lengths, and the reserved 286-287 as invalid.
func makeLitlenResults() *[288]uint32 {
	var r [288]uint32
	for sym := range r {
		switch {
		case sym < 256:
			r[sym] = uint32(sym)<<16 | flagLiteral
		case sym == 256:
			r[sym] = flagEOB
		case sym < 286:
			r[sym] = uint32(lengthBase[sym-257])<<16 | uint32(lengthExtra[sym-257])
		default:
			r[sym] = flagInvalid
		}
	}
	return &r
}

// makeDistResults returns the results of distance symbols 0-31, the
// reserved 30-31 as invalid.
func makeDistResults() *[32]uint32 {
	var r [32]uint32
	for sym := range r {
		if sym < 30 {
			r[sym] = uint32(distBase[sym])<<16 | uint32(distExtra[sym])
		} else {
			r[sym] = flagInvalid
		}
	}
	return &r
}

// makePrecodeResults returns the results of code length symbols 0-18,
// and a zero for the padding of buildTable.
func makePrecodeResults() *[20]uint32 {
	var r [20]uint32 // 19 and the padding of buildTable
	for sym := range r[:19] {
		r[sym] = uint32(sym) << 16
	}
	return &r
}

// codeEntry returns the table entry of a symbol whose result is result
// and whose code is n bits long.
func codeEntry(result uint32, n uint) uint32 {
	return result + uint32(n)<<8 + uint32(n)
}

// buildTable fills table from the code lengths lens (one per symbol, 0 =
// unused, at most 288 symbols) and reports whether the lengths form a
// usable code. As zlib and compress/flate do, it accepts complete codes,
// the degenerate code of a single symbol with a 1-bit code, and the empty
// code; bit patterns that no symbol owns decode to an invalid entry.
// results[sym] is the entry of symbol sym without its code length (see
// codeEntry).
//
// As libdeflate's build_decode_table, it sorts the symbols by code length
// (a counting sort, which keeps symbol order within a length: the
// canonical order of RFC 1951 section 3.2.2) and walks the codes in that
// order. results must have an entry for every symbol of lens rounded up to
// a multiple of 4. The main table grows with the code length: a code c
// (bit-reversed) of n bits owns the entries c + k<<n, so once the
// codes of n bits are written to the first 2^n entries, copying those
// entries once doubles the table to 2^(n+1) entries that are right for
// every code of at most n bits, and each code is written once before the
// copies replicate it. Longer codes go to subtables, filled with strided
// stores.
func buildTable(table []uint32, lens []uint8, tableBits uint, results []uint32) bool {
	// The symbols, padded with unused ones to a multiple of 4, are cut
	// into 4 quarters that are counted and sorted side by side: counting
	// or placing one symbol after another of the same length waits for
	// the previous increment of the same counter, and four independent
	// counters overlap those waits.
	var padded [288]uint8
	copy(padded[:], lens)
	q := (len(lens) + 3) >> 2
	l0, l1, l2, l3 := padded[:q], padded[q:2*q], padded[2*q:3*q], padded[3*q:4*q]
	var h0, h1, h2, h3 [maxCodeLen + 1]uint16
	for j := range l0 {
		h0[l0[j]&maxCodeLen]++
		h1[l1[j]&maxCodeLen]++
		h2[l2[j]&maxCodeLen]++
		h3[l3[j]&maxCodeLen]++
	}
	var count [maxCodeLen + 1]uint16
	for n := range count {
		count[n] = h0[n] + h1[n] + h2[n] + h3[n]
	}
	// Kraft check: left is the number of unused codes at each length.
	left := 1
	for n := 1; n <= maxCodeLen; n++ {
		left = left<<1 - int(count[n])
		if left < 0 {
			return false // over-subscribed
		}
	}
	mainSize := 1 << tableBits
	if left > 0 {
		// Incomplete: only "no codes" (left 2^15) or "one code of
		// length 1" (left 2^14) are accepted; every entry is invalid
		// but those of the one code, which are the even ones.
		if left != 1<<maxCodeLen && (left != 1<<(maxCodeLen-1) || count[1] != 1) {
			return false
		}
		main := table[:mainSize]
		invalid := uint32(flagInvalid) | uint32(tableBits)<<8 | uint32(tableBits)
		for i := range main {
			main[i] = invalid
		}
		if count[1] == 1 {
			for sym, n := range lens {
				if n == 1 {
					e := codeEntry(results[sym], 1)
					for i := 0; i < len(main); i += 2 {
						main[i] = e
					}
				}
			}
		}
		return true
	}
	// Sort the entries by code length, in symbol order within a length
	// (quarter k's symbols of a length follow those of quarters before
	// it); the unused symbols (length 0, padding included) come first and
	// are skipped. results must cover the padding.
	var o0, o1, o2, o3 [maxCodeLen + 1]uint16
	for n := 1; n <= maxCodeLen; n++ {
		o0[n] = o0[n-1] + count[n-1]
	}
	for n := range o0 {
		o1[n] = o0[n] + h0[n]
		o2[n] = o1[n] + h1[n]
		o3[n] = o2[n] + h2[n]
	}
	var sorted [288]uint32
	r0, r1, r2, r3 := results[:q], results[q:2*q], results[2*q:3*q], results[3*q:4*q]
	for j := range l0 {
		n0, n1, n2, n3 := l0[j]&maxCodeLen, l1[j]&maxCodeLen, l2[j]&maxCodeLen, l3[j]&maxCodeLen
		sorted[o0[n0]] = codeEntry(r0[j], uint(n0))
		o0[n0]++
		sorted[o1[n1]] = codeEntry(r1[j], uint(n1))
		o1[n1]++
		sorted[o2[n2]] = codeEntry(r2[j], uint(n2))
		o2[n2]++
		sorted[o3[n3]] = codeEntry(r3[j], uint(n3))
		o3[n3]++
	}
	next := sorted[count[0] : 4*q]

	// The code is complete and not empty. The codes of n bits are the
	// consecutive values code, code+1, ... (RFC 1951 section 3.2.2),
	// and the table is indexed by them bit-reversed; reversing each code
	// on its own (rather than stepping a reversed code, as libdeflate
	// does) keeps the codes independent of one another.
	n := uint(1)
	for count[n] == 0 {
		n++
	}
	code := 0     // the next code, n bits
	end := 1 << n // filled part of the main table while n <= tableBits
	k := 0        // next entry of next
	for n <= tableBits {
		c := int(count[n])
		for i, e := range next[k : k+c] {
			table[reverseBits(code+i, n)] = e
		}
		k, code = k+c, code+c
		if code == end {
			// All codes used: replicate up to the whole main table.
			for ; end < mainSize; end <<= 1 {
				copy(table[end:end<<1], table[:end])
			}
			return true
		}
		for {
			n++
			code <<= 1
			if n <= tableBits {
				copy(table[end:end<<1], table[:end])
				end <<= 1
			}
			if count[n] != 0 {
				break
			}
		}
	}
	return buildSubtables(table, next[k:], &count, code, n, tableBits)
}

// buildSubtables places the codes longer than tableBits: next holds the
// entries of the remaining symbols in canonical order, the first with
// code (not reversed) of n bits; count holds the number of codes of each
// length, of which count[n] remain. Codes sharing their low tableBits
// (reversed) bits are consecutive in that order and go to one subtable,
// made as wide as their longest code needs: the smallest w for which the
// codes of n to tableBits+w bits fill its 2^w entries (the code is
// complete, so they fill it exactly). The main entry of the prefix points
// to it.
func buildSubtables(table, next []uint32, count *[maxCodeLen + 1]uint16, code int, n, tableBits uint) bool {
	mainMask := 1<<tableBits - 1
	end := 1 << tableBits // next free entry
	prefix, start := -1, 0
	for k, e := range next {
		rev := reverseBits(code, n)
		if rev&mainMask != prefix {
			prefix, start = rev&mainMask, end
			w := n - tableBits
			used := int(count[n])
			for used < 1<<w {
				w++
				used = used<<1 + int(count[tableBits+w])
			}
			end = start + 1<<w
			if end > len(table) {
				return false // cannot happen for complete codes (see tableSize)
			}
			table[prefix] = uint32(start)<<16 | flagSub | uint32(w)
		}
		for i := start + rev>>tableBits; i < end; i += 1 << (n - tableBits) {
			table[i] = e
		}
		if k == len(next)-1 {
			break
		}
		code++
		count[n]--
		for count[n] == 0 {
			n++
			code <<= 1
		}
	}
	return true
}

// reverseBits returns the low n bits of code in reverse order.
func reverseBits(code int, n uint) int {
	return int(bits.Reverse16(uint16(code)) >> (16 - n))
}

// pairLiterals rewrites main-table entries of literal codes shorter than
// tableBits so that, where the bits after the first literal hold a whole
// second literal code, one lookup yields both literals. single is the
// table before pairing (main part only).
//
// A literal with an n-bit code c fills the entries c | k<<n; the bits
// after it are k, so its partner is single[k], usable if it is a literal
// whose code fits in the tableBits-n bits known.
func pairLiterals(table, single []uint32, tableBits uint) {
	for c, e1 := range single {
		n1 := uint(e1 & entryConsume)
		if e1&flagLiteral == 0 || c >= 1<<n1 || n1 >= tableBits {
			continue // not a literal, not its first entry, or no room
		}
		room := uint32(tableBits - n1)
		lit1 := e1&0x00ff0000 | flagLiteral | flagPair | uint32(n1)
		for k, e2 := range single[:1<<room] {
			if e2&flagLiteral != 0 && e2&entryConsume <= room {
				table[c|k<<n1] = lit1 | (e2&0x00ff0000)<<8 + e2&entryConsume
			}
		}
	}
}
