package deflate

import "sync"

// lzwHashSize is the size of the encoder's open-addressing string table;
// a power of two over twice the 4096 codes keeps probes short.
const lzwHashSize = 1 << 13

// lzwHash maps (prefix code, next byte) to the code of that string.
// Keys are prefix<<8 | byte + 1 so that 0 marks an empty slot.
type lzwHash struct {
	keys  [lzwHashSize]uint32
	codes [lzwHashSize]uint16
}

var lzwHashes = sync.Pool{New: func() any { return new(lzwHash) }}

// lzwWriter packs codes most significant bit first.
type lzwWriter struct {
	dst   []byte
	acc   uint32
	nbits uint
}

func (w *lzwWriter) put(code int, width uint) {
	w.acc = w.acc<<width | uint32(code)
	w.nbits += width
	for w.nbits >= 8 {
		w.nbits -= 8
		w.dst = append(w.dst, byte(w.acc>>w.nbits))
	}
}

func (w *lzwWriter) flush() {
	if w.nbits > 0 {
		w.dst = append(w.dst, byte(w.acc<<(8-w.nbits)))
		w.nbits = 0
	}
}

// EncodeLZW appends the TIFF LZW encoding of src to dst, as libtiff writes
// it: a leading Clear code, codes most significant bit first with the
// "early change" of width, a Clear whenever the table reaches 4094
// entries, and a final EndOfInformation code. libtiff also starts a new
// table when its compression ratio drops (checked every 10000 input
// bytes); EncodeLZW does not, so on some inputs the streams differ, but
// any TIFF reader decodes both.
func EncodeLZW(dst, src []byte) ([]byte, error) {
	h := lzwHashes.Get().(*lzwHash)
	defer lzwHashes.Put(h)
	clear(h.keys[:])
	w := lzwWriter{dst: dst}
	width, free := uint(lzwMinWidth), lzwFirst
	w.put(lzwClear, width)
	if len(src) == 0 {
		w.put(lzwEOI, width)
		w.flush()
		return w.dst, nil
	}
	prefix := int(src[0])
	for _, c := range src[1:] {
		key := uint32(prefix)<<8 | uint32(c) + 1
		slot := (key * 2654435761) >> (32 - 13)
		for h.keys[slot] != 0 && h.keys[slot] != key {
			slot = (slot + 1) & (lzwHashSize - 1)
		}
		if h.keys[slot] == key {
			prefix = int(h.codes[slot])
			continue
		}
		w.put(prefix, width)
		prefix = int(c)
		h.keys[slot], h.codes[slot] = key, uint16(free)
		free++
		switch {
		case free == lzwTable-2: // libtiff's CODE_MAX-1: start a new table
			w.put(lzwClear, width)
			clear(h.keys[:])
			width, free = lzwMinWidth, lzwFirst
		case free > 1<<width-1:
			width++
		}
	}
	w.put(prefix, width)
	// The decoder adds one more entry on reading prefix, so the width of
	// the EndOfInformation code follows the table one entry later
	// (libtiff's LZWPostEncode).
	switch free++; {
	case free == lzwTable-2:
		w.put(lzwClear, width)
		width = lzwMinWidth
	case free > 1<<width-1:
		width++
	}
	w.put(lzwEOI, width)
	w.flush()
	return w.dst, nil
}
