package deflate

import (
	"math/rand/v2"
	"testing"
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

// refBuildTable is the table builder before libdeflate's method (a
// strided fill per symbol, in symbol order), kept as the reference for
// buildTable. It fills table from the code lengths lens (one per symbol, 0 =
// unused) and reports whether the lengths form a usable code. As zlib and
// compress/flate do, it accepts complete codes, the degenerate code of a
// single symbol with a 1-bit code, and the empty code; bit patterns that no
// symbol owns decode to an invalid entry. entry makes the entry for a
// symbol and its code length.
func refBuildTable(table []uint32, lens []uint8, tableBits uint, entry func(sym int, n uint32) uint32) bool {
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
	return refBuildSubtables(table, lens, tableBits, next[:], entry)
}

// refBuildSubtables places the codes longer than tableBits. Codes sharing
// their low tableBits (reversed) bits go to one subtable whose index width
// is the longest such code minus tableBits; for a complete code that
// subtable is exactly covered.
func refBuildSubtables(table []uint32, lens []uint8, tableBits uint, next []int, entry func(sym int, n uint32) uint32) bool {
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

// randomLengths returns code lengths (at most 15) of a random complete
// prefix code over n of the nsym symbols, made by splitting leaves.
func randomLengths(rng *rand.Rand, nsym, n int) []uint8 {
	leaves := []uint8{0}
	for len(leaves) < n {
		i := rng.IntN(len(leaves))
		if leaves[i] == maxCodeLen {
			continue
		}
		leaves[i]++
		leaves = append(leaves, leaves[i])
	}
	lens := make([]uint8, nsym)
	for i, s := range rng.Perm(nsym)[:n] {
		lens[s] = leaves[i]
	}
	return lens
}

// lookup decodes the symbol entry for the (LSB-first) bits.
func lookup(table []uint32, tableBits uint, bits uint64) uint32 {
	e := table[bits&(1<<tableBits-1)]
	if e&flagSub != 0 {
		e = table[int(e>>16)+int(bits>>tableBits&(1<<(e&entryConsume)-1))]
	}
	return e
}

// TestBuildTable checks every code of random complete codes against the
// canonical code computed the slow way (RFC 1951 section 3.2.2), on a
// table first filled with stale subtable pointers.
func TestBuildTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var table [litlenTableSize]uint32
	for round := range 300 {
		lens := randomLengths(rng, 286, 2+rng.IntN(284))
		for i := range table {
			table[i] = flagSub | uint32(rng.IntN(1<<16))<<16 | 4
		}
		if !buildTable(table[:], lens, litlenBits, litlenResults[:]) {
			t.Fatalf("round %d: complete code rejected", round)
		}
		code := 0
		for n := uint8(1); n <= maxCodeLen; n++ {
			for sym, l := range lens {
				if l != n {
					continue
				}
				rev := uint64(reverseBits(code, uint(n)))
				code++
				for range 4 { // any bits may follow the code
					bits := rev | rng.Uint64()<<n
					if got, want := lookup(table[:], litlenBits, bits), litlenEntry(sym, uint32(n)); got != want {
						t.Fatalf("round %d: symbol %d (%d bits): entry %08x, want %08x", round, sym, n, got, want)
					}
				}
			}
			code <<= 1
		}
	}
}

func TestBuildTableRejects(t *testing.T) {
	var table [litlenTableSize]uint32
	for _, tt := range []struct {
		name string
		lens []uint8
		ok   bool
	}{
		{"empty", make([]uint8, 30), true},
		{"one 1-bit code", []uint8{0, 1, 0}, true},
		{"one 2-bit code", []uint8{0, 2, 0}, false},
		{"two 1-bit codes", []uint8{1, 1}, true},
		{"over-subscribed", []uint8{1, 1, 1}, false},
		{"incomplete", []uint8{1, 2}, false},
	} {
		if got := buildTable(table[:], tt.lens, distBits, distResults[:]); got != tt.ok {
			t.Errorf("%s: buildTable = %v; want %v", tt.name, got, tt.ok)
		}
	}
}

// TestPairLiterals checks that every pair entry holds exactly the two
// literals that two single lookups give.
func TestPairLiterals(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var table [litlenTableSize]uint32
	pairs := 0
	for range 100 {
		lens := randomLengths(rng, 286, 257+rng.IntN(29))
		lens[256] = max(lens[256], 1) // keep end-of-block
		if !buildTable(table[:], lens, litlenBits, litlenResults[:]) {
			continue
		}
		var single [1 << litlenBits]uint32
		copy(single[:], table[:])
		pairLiterals(table[:], single[:], litlenBits)
		for i := range single {
			e := table[i]
			if e&flagPair == 0 {
				if e != single[i] {
					t.Fatalf("entry %d changed without pairing", i)
				}
				continue
			}
			pairs++
			e1 := single[i]
			n1 := e1 & entryConsume
			e2 := single[i>>n1]
			if e2&flagLiteral == 0 || byte(e>>16) != byte(e1>>16) || byte(e>>24) != byte(e2>>16) ||
				e&entryConsume != n1+e2&entryConsume || n1+e2&entryConsume > litlenBits {
				t.Fatalf("entry %d: pair %08x from %08x and %08x", i, e, e1, e2)
			}
		}
	}
	if pairs == 0 {
		t.Fatal("no pairs made")
	}
}

// tableKind is one of the three codes buildTable makes tables for.
type tableKind struct {
	name    string
	nsym    int // symbols of the code
	bits    uint
	size    int
	results []uint32
	entry   func(sym int, n uint32) uint32
}

var tableKinds = []tableKind{
	{"litlen", 288, litlenBits, litlenTableSize, litlenResults[:], litlenEntry},
	{"dist", 32, distBits, distTableSize, distResults[:], distEntry},
	{"precode", 19, precodeBits, 1 << precodeBits, precodeResults[:], precodeEntry},
}

// sameDecoding reports the first 15-bit pattern (LSB first, so every code
// and the bits after it) that decodes differently in the two tables.
func sameDecoding(got, want []uint32, tableBits uint) (uint64, bool) {
	for bits := uint64(0); bits < 1<<maxCodeLen; bits++ {
		if lookup(got, tableBits, bits) != lookup(want, tableBits, bits) {
			return bits, false
		}
	}
	return 0, true
}

// checkAgainstRef builds the table of lens with buildTable and
// refBuildTable and fails unless both accept or both reject it and, when
// accepted, every bit pattern decodes to the same entry. The new table
// starts full of stale subtable pointers.
func checkAgainstRef(t *testing.T, k tableKind, name string, lens []uint8) {
	t.Helper()
	got, want := make([]uint32, k.size), make([]uint32, k.size)
	for i := range got {
		got[i] = flagSub | uint32(i%k.size)<<16 | 3
	}
	okGot := buildTable(got, lens, k.bits, k.results)
	okWant := refBuildTable(want, lens, k.bits, k.entry)
	if okGot != okWant {
		t.Fatalf("%s %s: buildTable = %v, reference %v (lens %v)", k.name, name, okGot, okWant, lens)
	}
	if !okGot {
		return
	}
	if bits, ok := sameDecoding(got, want, k.bits); !ok {
		t.Fatalf("%s %s: bits %015b decode to %08x, reference %08x (lens %v)", k.name, name, bits,
			lookup(got, k.bits, bits), lookup(want, k.bits, bits), lens)
	}
}

// TestBuildTableMatchesReference compares buildTable with the per-symbol
// reference builder on the edge cases of each code (empty, single
// symbol, over-subscribed, incomplete, codes needing subtables, the
// longest codes) and on random complete, nearly complete and arbitrary
// lengths.
func TestBuildTableMatchesReference(t *testing.T) {
	// A complete code of n+1 symbols with lengths 1, 2, ..., n, n: the
	// deepest tree, whose long codes all share main-table prefixes.
	chain := func(nsym, n int) []uint8 {
		lens := make([]uint8, nsym)
		for i := range n {
			lens[i] = uint8(i + 1)
		}
		lens[n] = uint8(n)
		return lens
	}
	flat := func(nsym, n int, l uint8) []uint8 {
		lens := make([]uint8, nsym)
		for i := range n {
			lens[i] = l
		}
		return lens
	}
	for _, k := range tableKinds {
		maxLen := maxCodeLen
		if k.name == "precode" {
			maxLen = 7
		}
		cases := []struct {
			name string
			lens []uint8
		}{
			{"empty", make([]uint8, k.nsym)},
			{"one 1-bit code, symbol 0", append([]uint8{1}, make([]uint8, k.nsym-1)...)},
			{"one 1-bit code, last symbol", append(make([]uint8, k.nsym-1), 1)},
			{"one 2-bit code", append([]uint8{0, 2}, make([]uint8, k.nsym-2)...)},
			{"one 15-bit code", append([]uint8{15}, make([]uint8, k.nsym-1)...)},
			{"two 1-bit codes", append([]uint8{1, 1}, make([]uint8, k.nsym-2)...)},
			{"three 1-bit codes", append([]uint8{1, 1, 1}, make([]uint8, k.nsym-3)...)},
			{"incomplete 1, 2", append([]uint8{1, 2}, make([]uint8, k.nsym-2)...)},
			{"over-subscribed 1, 2, 2, 2", append([]uint8{1, 2, 2, 2}, make([]uint8, k.nsym-4)...)},
			{"chain to max", chain(k.nsym, maxLen)},
			{"chain to tableBits+1", chain(k.nsym, int(k.bits)+1)},
			{"chain to tableBits", chain(k.nsym, int(k.bits))},
			{"16 codes of 4 bits", flat(k.nsym, 16, 4)},
			{"all 5 bits", flat(k.nsym, min(k.nsym, 32), 5)},
		}
		if k.nsym >= 256 {
			cases = append(cases, struct {
				name string
				lens []uint8
			}{"256 codes of 8 bits", flat(k.nsym, 256, 8)})
		}
		for _, c := range cases {
			checkAgainstRef(t, k, c.name, c.lens)
		}
		rng := rand.New(rand.NewPCG(21, uint64(k.nsym)))
		for round := range 300 {
			n := 2 + rng.IntN(k.nsym-1)
			lens := randomLengths(rng, k.nsym, n)
			if k.name == "precode" && slicesMax(lens) > 7 {
				continue // the precode's lengths are 3-bit fields
			}
			checkAgainstRef(t, k, "random complete", lens)
			// One length off: over-subscribed or incomplete.
			i := rng.IntN(k.nsym)
			if lens[i] > 1 && rng.IntN(2) == 0 {
				lens[i]--
			} else if lens[i] < uint8(maxLen) {
				lens[i]++
			}
			checkAgainstRef(t, k, "random one off", lens)
			// Arbitrary lengths: rarely a usable code.
			for j := range lens {
				lens[j] = uint8(rng.IntN(maxLen + 1))
				if round%3 == 0 && rng.IntN(4) != 0 {
					lens[j] = 0
				}
			}
			checkAgainstRef(t, k, "random lengths", lens)
		}
	}
}

// slicesMax returns the largest of lens.
func slicesMax(lens []uint8) uint8 {
	m := uint8(0)
	for _, l := range lens {
		m = max(m, l)
	}
	return m
}
