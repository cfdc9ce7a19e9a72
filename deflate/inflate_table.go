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

// litlenEntry returns the entry of literal/length symbol sym with a code of
// n bits.
func litlenEntry(sym int, n uint32) uint32 {
	switch {
	case sym < 256:
		return uint32(sym)<<16 | flagLiteral | n<<8 | n
	case sym == 256:
		return flagEOB | n<<8 | n
	case sym < 286:
		i := sym - 257
		return uint32(lengthBase[i])<<16 | n<<8 | (n + uint32(lengthExtra[i]))
	}
	return flagInvalid | n<<8 | n
}

// distEntry returns the entry of distance symbol sym with a code of n bits.
func distEntry(sym int, n uint32) uint32 {
	if sym < 30 {
		return uint32(distBase[sym])<<16 | n<<8 | (n + uint32(distExtra[sym]))
	}
	return flagInvalid | n<<8 | n
}

// precodeEntry returns the entry of code length symbol sym (0-18).
func precodeEntry(sym int, n uint32) uint32 {
	return uint32(sym)<<16 | n<<8 | n
}

// buildTable fills table from the code lengths lens (one per symbol, 0 =
// unused) and reports whether the lengths form a usable code. As zlib and
// compress/flate do, it accepts complete codes, the degenerate code of a
// single symbol with a 1-bit code, and the empty code; bit patterns that no
// symbol owns decode to an invalid entry. entry makes the entry for a
// symbol and its code length.
func buildTable(table []uint32, lens []uint8, tableBits uint, entry func(sym int, n uint32) uint32) bool {
	var count [maxCodeLen + 1]int
	for _, n := range lens {
		count[n]++
	}
	count[0] = 0
	// Kraft check: left is the number of unused codes at each length.
	left, maxLen := 1, 0
	for n := 1; n <= maxCodeLen; n++ {
		left = left<<1 - count[n]
		if left < 0 {
			return false // over-subscribed
		}
		if count[n] > 0 {
			maxLen = n
		}
	}
	if left > 0 {
		// Incomplete: only "no codes" or "one code of length 1" (left is
		// then 2^15 - 2^14) are accepted.
		if maxLen > 1 || (maxLen == 1 && count[1] != 1) {
			return false
		}
	}
	mainSize := 1 << tableBits
	if left > 0 {
		// Only an incomplete code leaves main entries unowned; for a
		// complete one the loops below write every entry.
		invalid := uint32(flagInvalid | tableBits<<8 | tableBits)
		for i := range table[:mainSize] {
			table[i] = invalid
		}
	}
	// First canonical code of each length (RFC 1951 section 3.2.2).
	var next [maxCodeLen + 2]int
	code := 0
	for n := 1; n <= maxCodeLen; n++ {
		code = (code + count[n-1]) << 1
		next[n] = code
	}
	// Codes of at most tableBits bits fill every main entry whose low n
	// bits are the reversed code.
	for sym, n := range lens {
		if n == 0 || uint(n) > tableBits {
			continue
		}
		rev := reverseBits(next[n], uint(n))
		next[n]++
		e := entry(sym, uint32(n))
		for i := rev; i < mainSize; i += 1 << n {
			table[i] = e
		}
	}
	if maxLen <= int(tableBits) {
		return true
	}
	return buildSubtables(table, lens, tableBits, next[:], entry)
}

// buildSubtables places the codes longer than tableBits. Codes sharing
// their low tableBits (reversed) bits go to one subtable whose index width
// is the longest such code minus tableBits; for a complete code that
// subtable is exactly covered.
func buildSubtables(table []uint32, lens []uint8, tableBits uint, next []int, entry func(sym int, n uint32) uint32) bool {
	mainMask := 1<<tableBits - 1
	// Longest code per main-table prefix. Canonical codes of equal length
	// are consecutive, so visiting symbols by length keeps next[] right.
	var width [1 << litlenBits]uint8
	codes := make([]int, 0, 288) // reversed code per long symbol, in sym order
	syms := make([]int, 0, 288)
	for n := tableBits + 1; n <= maxCodeLen; n++ {
		for sym, l := range lens {
			if uint(l) != n {
				continue
			}
			rev := reverseBits(next[n], n)
			next[n]++
			codes, syms = append(codes, rev), append(syms, sym)
			p := rev & mainMask
			width[p] = uint8(max(uint(width[p]), n-tableBits))
		}
	}
	end := 1 << tableBits
	for k, rev := range codes {
		p := rev & mainMask
		if width[p] != 0 { // first long code with this prefix
			w := uint(width[p])
			width[p] = 0
			if end+1<<w > len(table) {
				return false // cannot happen for complete codes (see tableSize)
			}
			table[p] = uint32(end)<<16 | flagSub | uint32(w)
			end += 1 << w
		}
		off, w := int(table[p]>>16), uint(table[p]&entryConsume)
		n := uint(lens[syms[k]])
		e := entry(syms[k], uint32(n))
		for i := rev >> tableBits; i < 1<<w; i += 1 << (n - tableBits) {
			table[off+i] = e
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
