package deflate

import (
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// inflater decodes one DEFLATE stream from a byte slice straight into the
// destination slice: the destination is the whole history window, so
// matches copy within it and nothing is buffered.
//
// Bits are read LSB first into bitbuf; bitsleft of them are valid. Bytes
// of bitbuf above bitsleft may already hold the next input bytes (a word
// refill loads 8 bytes but counts only the whole bytes that fit), which is
// harmless because refills OR in the same bytes again. When the input is
// exhausted, refill appends zero bytes and counts them in overread; a
// stream that consumes any of them is truncated (see checkOverread).
type inflater struct {
	in       []byte
	ip       int // next byte of in to load into bitbuf
	bitbuf   uint64
	bitsleft uint
	overread uint // zero bytes loaded past the end of in

	out []byte
	op  int // bytes written to out

	slowOnly bool // tests: decode without fastLoop

	litlen [litlenTableSize]uint32
	dist   [distTableSize]uint32
	lens   [286 + 30]uint8
}

var inflaters = sync.Pool{New: func() any { return new(inflater) }}

// fixedTables holds the literal/length and distance tables of the fixed
// Huffman code (RFC 1951 section 3.2.6), built once.
var fixedTables = sync.OnceValue(func() *inflater {
	f := new(inflater)
	var lens [288]uint8
	for i := range lens {
		switch {
		case i < 144:
			lens[i] = 8
		case i < 256:
			lens[i] = 9
		case i < 280:
			lens[i] = 7
		default:
			lens[i] = 8
		}
	}
	var single [1 << litlenBits]uint32
	buildTable(f.litlen[:], lens[:], litlenBits, litlenResults[:])
	copy(single[:], f.litlen[:])
	pairLiterals(f.litlen[:], single[:], litlenBits)
	var dlens [32]uint8
	for i := range dlens {
		dlens[i] = 5
	}
	buildTable(f.dist[:], dlens[:], distBits, distResults[:])
	return f
})

// corrupt returns the error for malformed input found near the current
// input position, as compress/flate reports it.
func (d *inflater) corrupt() error {
	pos := int64(d.ip) - int64(d.bitsleft/8) + int64(d.overread)
	return fmt.Errorf("deflate: %w", flate.CorruptInputError(max(pos, 0)))
}

// errTruncated is the error for a stream cut short.
var errTruncated = fmt.Errorf("deflate: %w", io.ErrUnexpectedEOF)

// refill makes at least 56 bits valid. Far from the end of the input it
// loads a whole little-endian word: the bytes that fit are those above
// bitsleft, (63-bitsleft)/8 of them, after which bitsleft is 56 + its low
// three bits, i.e. bitsleft | 56. Near the end it loads byte by byte and
// pads with zero bytes, failing once more than a word of padding would be
// needed.
func (d *inflater) refill() error {
	if d.ip+8 <= len(d.in) {
		d.bitbuf |= binary.LittleEndian.Uint64(d.in[d.ip:]) << d.bitsleft
		d.ip += int(63-d.bitsleft) >> 3
		d.bitsleft |= 56
		return nil
	}
	for d.bitsleft <= 56 {
		if d.ip < len(d.in) {
			d.bitbuf |= uint64(d.in[d.ip]) << d.bitsleft
			d.ip++
		} else {
			if d.overread >= 8 {
				return errTruncated
			}
			d.overread++
		}
		d.bitsleft += 8
	}
	return nil
}

// bits removes and returns the next n (at most 32) bits, refilling first.
func (d *inflater) bits(n uint) (uint32, error) {
	if d.bitsleft < n {
		if err := d.refill(); err != nil {
			return 0, err
		}
	}
	v := uint32(d.bitbuf & (1<<n - 1))
	d.bitbuf >>= n
	d.bitsleft -= n
	return v, nil
}

// checkOverread fails if the stream has consumed padding bytes: of the
// bits loaded, the last 8*overread were padding and bitsleft are unused.
func (d *inflater) checkOverread() error {
	if d.bitsleft < 8*d.overread {
		return errTruncated
	}
	return nil
}

// bytePos drops the bits up to the next byte boundary and returns the
// offset in d.in of the next unread byte, after which the bit buffer is
// empty. It fails if that offset lies in padding.
func (d *inflater) bytePos() (int, error) {
	if err := d.checkOverread(); err != nil {
		return 0, err
	}
	pos := d.ip - int(d.bitsleft/8) + int(d.overread)
	d.bitbuf, d.bitsleft, d.overread = 0, 0, 0
	d.ip = pos
	return pos, nil
}

// inflate decodes the raw DEFLATE stream in d.in into d.out. It returns
// the number of bytes written and the offset in d.in just past the
// stream's last byte.
func (d *inflater) inflate() (int, int, error) {
	for {
		hdr, err := d.bits(3)
		if err != nil {
			return d.op, 0, err
		}
		switch hdr >> 1 {
		case 0:
			err = d.stored()
		case 1:
			f := fixedTables()
			err = d.huffmanBlock(&f.litlen, &f.dist)
		case 2:
			if err = d.readDynamicTables(); err == nil {
				err = d.huffmanBlock(&d.litlen, &d.dist)
			}
		default:
			err = d.corrupt() // block type 3 is reserved
		}
		if err != nil {
			return d.op, 0, err
		}
		if hdr&1 != 0 { // final block
			end, err := d.bytePos()
			return d.op, end, err
		}
	}
}

// stored copies a stored block (RFC 1951 section 3.2.4).
func (d *inflater) stored() error {
	pos, err := d.bytePos()
	if err != nil {
		return err
	}
	if len(d.in)-pos < 4 {
		return errTruncated
	}
	n := int(binary.LittleEndian.Uint16(d.in[pos:]))
	if nn := binary.LittleEndian.Uint16(d.in[pos+2:]); uint16(n) != ^nn {
		return d.corrupt()
	}
	pos += 4
	src := d.in[pos:min(pos+n, len(d.in))]
	k := copy(d.out[d.op:], src)
	d.op += k
	d.ip = pos + k
	switch {
	case k < n && k == len(src):
		return errTruncated
	case k < n:
		return fmt.Errorf("%w: more than %d bytes", ErrOutputTooLarge, len(d.out))
	}
	return nil
}
