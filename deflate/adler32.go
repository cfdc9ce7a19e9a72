package deflate

import "encoding/binary"

// adlerMod is the Adler-32 modulus (RFC 1950 section 8).
const adlerMod = 65521

// adler32Checksum returns the Adler-32 checksum of p, as hash/adler32.Checksum,
// about twice as fast: it sums 8 bytes per step in SIMD-within-a-register
// lanes.
//
// For a run of n bytes b_0..b_{n-1} the sums advance as
//
//	s1' = s1 + Σ b_i
//	s2' = s2 + n·s1 + Σ (n-i)·b_i
//
// With the run cut into W words of 8 bytes, i = 8k+j, the weight n-i is
// 8(W-1-k) + (8-j): the first part is 8·Σ_k (W-1-k)·S_k with S_k the byte
// sum of word k, which the recurrence P += A; A += S_k accumulates; the
// second part needs only the column sums B_j = Σ_k b_{8k+j}, which the
// even and odd byte lanes E and O accumulate. Runs of at most 256 words (two per loop step)
// keep every 16-bit lane of E and O (at most 256·255) and every 32-bit
// lane of A and P (at most 256·1020 and 256²·1020/2) from overflowing.
func adler32Checksum(p []byte) uint32 {
	const (
		lanes16 = 0x00ff00ff00ff00ff
		lanes32 = 0x0000ffff0000ffff
	)
	s1, s2 := uint64(1), uint64(0)
	for len(p) >= 16 {
		w := min(len(p)/16, 128) * 2 // words, an even number
		var e, o, a, q uint64
		for blk := p[:w*8]; len(blk) >= 16; blk = blk[16:] {
			x, y := binary.LittleEndian.Uint64(blk), binary.LittleEndian.Uint64(blk[8:])
			xe, xo := x&lanes16, x>>8&lanes16
			ye, yo := y&lanes16, y>>8&lanes16
			e += xe + ye
			o += xo + yo
			vx, vy := xe+xo, ye+yo
			vx = vx&lanes32 + vx>>16&lanes32
			vy = vy&lanes32 + vy>>16&lanes32
			// Two steps of q += a; a += v.
			q += 2*a + vx
			a += vx + vy
		}
		n := uint64(w * 8)
		sum := a&0xffffffff + a>>32
		pk := q&0xffffffff + q>>32
		// Column sums B_0..B_7 are the lanes of e (even j) and o (odd j).
		var wb uint64
		for l := range uint64(4) {
			wb += (8 - 2*l) * (e >> (16 * l) & 0xffff)
			wb += (7 - 2*l) * (o >> (16 * l) & 0xffff)
		}
		s2 = (s2 + n*s1 + 8*pk + wb) % adlerMod
		s1 = (s1 + sum) % adlerMod
		p = p[w*8:]
	}
	for _, b := range p {
		s1 += uint64(b)
		s2 += s1
	}
	return uint32(s2%adlerMod)<<16 | uint32(s1%adlerMod)
}
