package deflate

import (
	"errors"
	"fmt"
	"sync"
)

// TIFF LZW (TIFF 6.0 section 13) as libtiff reads and writes it: codes of 9
// to 12 bits, Clear = 256, EndOfInformation = 257, first string code 258.
const (
	lzwClear    = 256
	lzwEOI      = 257
	lzwFirst    = 258
	lzwMinWidth = 9
	lzwMaxWidth = 12
	lzwTable    = 1 << lzwMaxWidth
)

// errLZWCode reports a code that names no string in the table.
var errLZWCode = errors.New("deflate: lzw: invalid code")

// lzwEntry is one table string: its last byte, its first byte, its length
// and the code of the string it extends.
type lzwEntry struct {
	prefix uint16
	suffix byte
	first  byte
	length uint16
}

// lzwBits reads codes from src, most significant bit first (msb) as TIFF
// requires, or least significant bit first for the old "compat" flavour.
type lzwBits struct {
	src   []byte
	pos   int
	acc   uint32
	nbits uint
	msb   bool
}

// next returns the next code of width bits and false once src cannot
// supply a whole code (libtiff then treats the strip as ended).
func (b *lzwBits) next(width uint) (int, bool) {
	for b.nbits < width {
		if b.pos >= len(b.src) {
			return 0, false
		}
		if b.msb {
			b.acc = b.acc<<8 | uint32(b.src[b.pos])
		} else {
			b.acc |= uint32(b.src[b.pos]) << b.nbits
		}
		b.pos++
		b.nbits += 8
	}
	b.nbits -= width
	if b.msb {
		return int(b.acc>>b.nbits) & (1<<width - 1), true
	}
	c := int(b.acc & (1<<width - 1))
	b.acc >>= width
	return c, true
}

var lzwTables = sync.Pool{New: func() any { return new([lzwTable]lzwEntry) }}

// DecodeLZW decodes the TIFF LZW stream src into dst and returns the number
// of bytes written. It stops at the EndOfInformation code, at the end of
// src, or when dst is full (codes after that are ignored, as libtiff does).
// Streams starting with the bytes 0x00 0x01 (a Clear code written least
// significant bit first) are read as the pre-TIFF 6.0 "compat" flavour,
// as libtiff does. A code naming no string is an error.
func DecodeLZW(dst, src []byte) (int, error) {
	br := lzwBits{src: src, msb: true}
	// early is 1 for TIFF 6.0 streams: the code width grows one code before
	// the table needs it ("early change"); compat streams change on time.
	early := 1
	if len(src) >= 2 && src[0] == 0 && src[1]&1 != 0 {
		br.msb, early = false, 0
	}
	table := lzwTables.Get().(*[lzwTable]lzwEntry)
	defer lzwTables.Put(table)
	for i := range 256 {
		table[i] = lzwEntry{suffix: byte(i), first: byte(i), length: 1}
	}
	width, free, prev := uint(lzwMinWidth), lzwFirst, -1
	n := 0
	for n < len(dst) {
		code, ok := br.next(width)
		if !ok || code == lzwEOI {
			break
		}
		if code == lzwClear {
			width, free, prev = lzwMinWidth, lzwFirst, -1
			continue
		}
		if prev < 0 { // first code after a Clear: a single byte
			if code >= lzwClear {
				return n, fmt.Errorf("%w %d after clear at output byte %d", errLZWCode, code, n)
			}
			dst[n] = byte(code)
			n++
			prev = code
			continue
		}
		if code > free || code == free && free >= lzwTable {
			return n, fmt.Errorf("%w %d: table holds %d codes at output byte %d", errLZWCode, code, free, n)
		}
		if free < lzwTable {
			// The new string is prev's plus the first byte of code's string,
			// which for code == free (the KwKwK case) is prev's first byte.
			first := table[prev].first
			if code < free {
				first = table[code].first
			}
			table[free] = lzwEntry{prefix: uint16(prev), suffix: first,
				first: table[prev].first, length: table[prev].length + 1}
			free++
			if free+early >= 1<<width && width < lzwMaxWidth {
				width++
			}
		}
		n = lzwEmit(dst, n, table, code)
		prev = code
	}
	return n, nil
}

// lzwEmit writes the string of code to dst[n:], cut at len(dst), and
// returns the new length. Strings are stored back to front.
func lzwEmit(dst []byte, n int, table *[lzwTable]lzwEntry, code int) int {
	e := table[code]
	end := n + int(e.length)
	for i := end - 1; i >= n; i-- {
		if i < len(dst) {
			dst[i] = e.suffix
		}
		e = table[e.prefix]
	}
	return min(end, len(dst))
}
