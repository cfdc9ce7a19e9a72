package deflate

import (
	"encoding/binary"
	"slices"
)

// The package's own Huffman-only DEFLATE encoder (level [HuffmanOnly]):
// no match search, each block one dynamic Huffman code over the 256
// literals and end-of-block (RFC 1951 section 3.2.7), built from the
// block's histogram and limited to 15 bits, and the literals written with
// a 64-bit bit buffer, three codes per 8-byte store. Data that the code
// would not shrink (random bytes) go into stored blocks instead.
//
// Byte-plane-shuffled float32 tiles (TIFF predictor 3) are mostly
// literals, so on them this is the cheapest DEFLATE that still
// compresses.

const (
	// huffBlockSize is the most input bytes per Huffman-only block: a
	// histogram per 256 KiB adapts to the data without a header per few
	// KiB.
	huffBlockSize = 1 << 18
	// maxStoredBlock is the most bytes a stored block holds.
	maxStoredBlock = 65535
)

// appendHuffmanOnly appends to dst a raw DEFLATE stream (RFC 1951) of
// src made of Huffman-only or stored blocks and returns the extended
// slice.
func appendHuffmanOnly(dst, src []byte) []byte {
	w := bitWriter{out: dst}
	if len(src) == 0 {
		// A final fixed Huffman block holding only end-of-block (its
		// 7-bit code is 0).
		w.writeBits(1|1<<1, 3+7)
		return w.flush()
	}
	for len(src) > 0 {
		n := min(len(src), huffBlockSize)
		w.writeHuffmanBlock(src[:n], n == len(src))
		src = src[n:]
	}
	return w.flush()
}

// bitWriter writes bits LSB first: bits holds nbits (< 64) pending bits
// not yet in out.
type bitWriter struct {
	out   []byte
	bits  uint64
	nbits uint
}

// writeBits appends the low n (at most 32) bits of v.
func (w *bitWriter) writeBits(v uint64, n uint) {
	w.bits |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.bits))
		w.bits >>= 8
		w.nbits -= 8
	}
}

// flush pads the pending bits to a byte boundary with zeros and returns
// the output.
func (w *bitWriter) flush() []byte {
	if w.nbits > 0 {
		w.out = append(w.out, byte(w.bits))
	}
	w.bits, w.nbits = 0, 0
	return w.out
}

// writeHuffmanBlock writes the block holding the literals src, with the
// BFINAL bit final, as a dynamic Huffman block, or as stored blocks when
// those are smaller.
func (w *bitWriter) writeHuffmanBlock(src []byte, final bool) {
	var freq [257]uint32
	histogram(&freq, src)
	freq[256] = 1 // end of block
	var lens [257]uint8
	huffmanLengths(lens[:], freq[:], 15)

	// The header: literal/length lengths, one distance code of 1 bit
	// (unused; zlib writes the same), run-length coded with the code
	// length code.
	var all [258]uint8
	copy(all[:], lens[:])
	all[257] = 1
	var rleBuf [258]uint16 // at most one symbol per length
	rle := runLengths(rleBuf[:0], all[:])
	var cfreq [19]uint32
	for _, r := range rle {
		cfreq[r&0xff]++
	}
	var clens [19]uint8
	huffmanLengths(clens[:], cfreq[:], 7)
	nclen := 19
	for nclen > 4 && clens[codeOrder[nclen-1]] == 0 {
		nclen--
	}

	// Size in bits of the Huffman block against stored blocks.
	bitsLen := 3 + 14 + 3*uint64(nclen)
	for _, r := range rle {
		bitsLen += uint64(clens[r&0xff]) + uint64(extraBitsOf(r&0xff))
	}
	for s, f := range freq {
		bitsLen += uint64(f) * uint64(lens[s])
	}
	storedLen := uint64(len(src)+maxStoredBlock-1)/maxStoredBlock*(5*8) + 8*uint64(len(src)) + 7
	if len(src) > 0 && storedLen < bitsLen {
		w.writeStored(src, final)
		return
	}

	hdr := uint64(2 << 1) // BTYPE 10, dynamic
	if final {
		hdr |= 1
	}
	w.writeBits(hdr, 3)
	w.writeBits(uint64(257-257)|uint64(1-1)<<5|uint64(nclen-4)<<10, 14)
	for _, sym := range codeOrder[:nclen] {
		w.writeBits(uint64(clens[sym]), 3)
	}
	var ccodes [19]uint16
	canonicalCodes(ccodes[:], clens[:])
	for _, r := range rle {
		sym := r & 0xff
		w.writeBits(uint64(ccodes[sym]), uint(clens[sym]))
		if n := extraBitsOf(sym); n > 0 {
			w.writeBits(uint64(r>>8), uint(n))
		}
	}
	var codes [257]uint16
	canonicalCodes(codes[:], lens[:])
	var table [256]uint32 // reversed code | length << 16
	for s := range table {
		table[s] = uint32(codes[s]) | uint32(lens[s])<<16
	}
	w.writeLiterals(src, &table, slices.Max(lens[:]))
	w.writeBits(uint64(codes[256]), uint(lens[256]))
}

// writeLiterals writes the codes of src, whose longest is maxLen bits.
// Three codes of at most 15 bits (four of at most 14) added to fewer than
// 8 pending bits fit the 64-bit buffer, after which one 8-byte store
// writes its whole bytes.
func (w *bitWriter) writeLiterals(src []byte, table *[256]uint32, maxLen uint8) {
	// Room for every code at its longest plus the 8-byte stores.
	out := slices.Grow(w.out, len(src)*15/8+16)
	o := len(out)
	out = out[:cap(out)]
	bits, nbits := w.bits, w.nbits
	if maxLen <= 14 {
		// Four codes of at most 14 bits and 7 pending bits fit.
		for ; len(src) >= 4; src = src[4:] {
			c0, c1, c2, c3 := table[src[0]], table[src[1]], table[src[2]], table[src[3]]
			bits |= uint64(c0&0xffff) << (nbits & 63)
			nbits += uint(c0 >> 16)
			bits |= uint64(c1&0xffff) << (nbits & 63)
			nbits += uint(c1 >> 16)
			bits |= uint64(c2&0xffff) << (nbits & 63)
			nbits += uint(c2 >> 16)
			bits |= uint64(c3&0xffff) << (nbits & 63)
			nbits += uint(c3 >> 16)
			binary.LittleEndian.PutUint64(out[o:], bits)
			o += int(nbits >> 3)
			bits >>= nbits & 56
			nbits &= 7
		}
	}
	for ; len(src) >= 3; src = src[3:] {
		c0, c1, c2 := table[src[0]], table[src[1]], table[src[2]]
		bits |= uint64(c0&0xffff) << (nbits & 63)
		nbits += uint(c0 >> 16)
		bits |= uint64(c1&0xffff) << (nbits & 63)
		nbits += uint(c1 >> 16)
		bits |= uint64(c2&0xffff) << (nbits & 63)
		nbits += uint(c2 >> 16)
		binary.LittleEndian.PutUint64(out[o:], bits)
		o += int(nbits >> 3)
		bits >>= nbits & 56
		nbits &= 7
	}
	for _, b := range src {
		c := table[b]
		bits |= uint64(c&0xffff) << nbits
		nbits += uint(c >> 16)
	}
	w.out, w.bits, w.nbits = out[:o], bits, nbits
	// Move whole pending bytes out (nbits may now reach 7+2*15).
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.bits))
		w.bits >>= 8
		w.nbits -= 8
	}
}

// writeStored writes src as stored blocks (RFC 1951 section 3.2.4), the
// last one with the BFINAL bit final.
func (w *bitWriter) writeStored(src []byte, final bool) {
	for {
		n := min(len(src), maxStoredBlock)
		last := n == len(src)
		hdr := uint64(0)
		if final && last {
			hdr = 1
		}
		w.writeBits(hdr, 3)
		w.flush()
		w.out = binary.LittleEndian.AppendUint16(w.out, uint16(n))
		w.out = binary.LittleEndian.AppendUint16(w.out, ^uint16(n))
		w.out = append(w.out, src[:n]...)
		if src = src[n:]; last {
			return
		}
	}
}

// histogram adds the byte counts of src to freq[0:256], with four tables
// so that runs of one byte value do not wait on one counter.
func histogram(freq *[257]uint32, src []byte) {
	var h [4][256]uint32
	for ; len(src) >= 8; src = src[8:] {
		v := binary.LittleEndian.Uint64(src)
		h[0][byte(v)]++
		h[1][byte(v>>8)]++
		h[2][byte(v>>16)]++
		h[3][byte(v>>24)]++
		h[0][byte(v>>32)]++
		h[1][byte(v>>40)]++
		h[2][byte(v>>48)]++
		h[3][byte(v>>56)]++
	}
	for _, b := range src {
		h[0][b]++
	}
	for i := range 256 {
		freq[i] += h[0][i] + h[1][i] + h[2][i] + h[3][i]
	}
}

// extraBitsOf returns the number of extra bits after code length symbol
// sym (16: 2, 17: 3, 18: 7).
func extraBitsOf(sym uint16) uint8 {
	switch sym {
	case 16:
		return 2
	case 17:
		return 3
	case 18:
		return 7
	}
	return 0
}

// runLengths appends to dst the code length symbols of lens (RFC 1951
// section 3.2.7), each as symbol | extra bits << 8: zero runs as 17 and
// 18, other runs as the length then 16s. It returns the extended slice.
func runLengths(dst []uint16, lens []uint8) []uint16 {
	for i := 0; i < len(lens); {
		v := lens[i]
		n := 1
		for i+n < len(lens) && lens[i+n] == v {
			n++
		}
		i += n
		if v == 0 {
			for n >= 11 {
				k := min(n, 138)
				dst = append(dst, 18|uint16(k-11)<<8)
				n -= k
			}
			if n >= 3 {
				dst = append(dst, 17|uint16(n-3)<<8)
				n = 0
			}
		} else {
			dst = append(dst, uint16(v))
			n--
			for n >= 3 {
				k := min(n, 6)
				dst = append(dst, 16|uint16(k-3)<<8)
				n -= k
			}
		}
		for ; n > 0; n-- {
			dst = append(dst, uint16(v))
		}
	}
	return dst
}

// huffmanLengths sets lens[s] to the length of symbol s in a Huffman code
// for the counts freq, limited to maxLen bits: 0 for unused symbols, and
// at least two symbols get codes (a lone symbol is paired with an unused
// one), so the code is always complete. len(freq) must be at least 2.
func huffmanLengths(lens []uint8, freq []uint32, maxLen int) {
	// Symbols sorted by count, as count<<16 | symbol.
	var buf [288]uint64
	syms := buf[:0]
	for s, f := range freq {
		lens[s] = 0
		if f > 0 {
			syms = append(syms, uint64(f)<<16|uint64(s))
		}
	}
	for s := 0; len(syms) < 2; s++ {
		if freq[s] == 0 {
			syms = append(syms, uint64(s)) // count 0 sorts first
		}
	}
	slices.Sort(syms)
	n := len(syms)

	// Huffman's construction with two queues (leaves in order, internal
	// nodes made in order of weight), then the depth of each leaf.
	var weight, parent [2 * 288]uint64
	for i, v := range syms {
		weight[i] = v >> 16
	}
	leaf, node, next := 0, n, n // next: the next internal node to make
	pick := func() int {
		if leaf < n && (node >= next || weight[leaf] <= weight[node]) {
			leaf++
			return leaf - 1
		}
		node++
		return node - 1
	}
	for next < 2*n-1 {
		a, b := pick(), pick()
		weight[next] = weight[a] + weight[b]
		parent[a], parent[b] = uint64(next), uint64(next)
		next++
	}
	// Depths: the root is node 2n-2; parents have higher indexes.
	var depth [2 * 288]uint8
	for i := 2*n - 3; i >= 0; i-- {
		depth[i] = depth[parent[i]] + 1
	}
	var count [32]int
	for i := range n {
		count[min(int(depth[i]), maxLen)]++
	}
	// Clamping may over-subscribe the code; while it does, move a leaf
	// from maxLen and split a shorter leaf into two one bit longer
	// (miniz's tdefl_huffman_enforce_max_code_size).
	total := 0
	for l := 1; l <= maxLen; l++ {
		total += count[l] << (maxLen - l)
	}
	for total > 1<<maxLen {
		count[maxLen]--
		for l := maxLen - 1; l > 0; l-- {
			if count[l] > 0 {
				count[l]--
				count[l+1] += 2
				break
			}
		}
		total--
	}
	// Longest codes to the rarest symbols (syms is in ascending count).
	i := 0
	for l := maxLen; l > 0; l-- {
		for range count[l] {
			lens[syms[i]&0xffff] = uint8(l)
			i++
		}
	}
}

// canonicalCodes sets codes[s] to the canonical code (RFC 1951 section
// 3.2.2) of symbol s with lengths lens, bit-reversed for LSB-first
// writing.
func canonicalCodes(codes []uint16, lens []uint8) {
	var count [maxCodeLen + 1]int
	for _, n := range lens {
		count[n]++
	}
	count[0] = 0
	var next [maxCodeLen + 1]int
	code := 0
	for n := 1; n <= maxCodeLen; n++ {
		code = (code + count[n-1]) << 1
		next[n] = code
	}
	for s, n := range lens {
		if n > 0 {
			codes[s] = uint16(reverseBits(next[n], uint(n)))
			next[n]++
		}
	}
}
