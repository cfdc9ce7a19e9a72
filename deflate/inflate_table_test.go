package deflate

import (
	"math/rand/v2"
	"testing"
)

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
		if !buildTable(table[:], lens, litlenBits, litlenEntry) {
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
		if got := buildTable(table[:], tt.lens, distBits, distEntry); got != tt.ok {
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
		if !buildTable(table[:], lens, litlenBits, litlenEntry) {
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
