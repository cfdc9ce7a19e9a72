package geotiff

import (
	"encoding/binary"
	"sort"
)

// testEntry is one IFD entry for buildTIFF: values are encoded with the
// given type; raw, when set, replaces them (and count) verbatim.
type testEntry struct {
	tag   Tag
	typ   DataType
	vals  []uint64
	count uint64 // overrides len(vals) when non-zero
	raw   []byte // value bytes, in the file's order
}

// buildTIFF assembles a one-IFD TIFF in memory: header, pixel data, then
// the IFD and its out-of-line values. Offsets in entries may point into
// data, which starts at offset dataOff(big).
func buildTIFF(bo binary.ByteOrder, big bool, data []byte, entries []testEntry) []byte {
	order := bo.(binary.AppendByteOrder)
	var b []byte
	if bo == binary.LittleEndian {
		b = append(b, 'I', 'I')
	} else {
		b = append(b, 'M', 'M')
	}
	if big {
		b = order.AppendUint16(b, versionBig)
		b = order.AppendUint16(b, 8)
		b = order.AppendUint16(b, 0)
		b = order.AppendUint64(b, 0)
	} else {
		b = order.AppendUint16(b, versionClassic)
		b = order.AppendUint32(b, 0)
	}
	b = append(b, data...)
	if len(b)%2 == 1 {
		b = append(b, 0)
	}
	ifdOff := uint64(len(b))
	if big {
		bo.PutUint64(b[8:], ifdOff)
	} else {
		bo.PutUint32(b[4:], uint32(ifdOff))
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].tag < entries[j].tag })
	entrySize, valSize := 12, 4
	if big {
		entrySize, valSize = 20, 8
	}
	extra := ifdOff + uint64(2+len(entries)*entrySize+4)
	if big {
		extra = ifdOff + uint64(8+len(entries)*entrySize+8)
	}
	var ifd, ext []byte
	if big {
		ifd = order.AppendUint64(ifd, uint64(len(entries)))
	} else {
		ifd = order.AppendUint16(ifd, uint16(len(entries)))
	}
	for _, e := range entries {
		val := e.raw
		if val == nil {
			for _, v := range e.vals {
				switch e.typ.Size() {
				case 1:
					val = append(val, byte(v))
				case 2:
					val = order.AppendUint16(val, uint16(v))
				case 4:
					val = order.AppendUint32(val, uint32(v))
				case 8:
					val = order.AppendUint64(val, v)
				}
			}
		}
		count := e.count
		if count == 0 && e.typ.Size() > 0 {
			count = uint64(len(val) / e.typ.Size())
		}
		ifd = order.AppendUint16(ifd, uint16(e.tag))
		ifd = order.AppendUint16(ifd, uint16(e.typ))
		if big {
			ifd = order.AppendUint64(ifd, count)
		} else {
			ifd = order.AppendUint32(ifd, uint32(count))
		}
		field := make([]byte, valSize)
		if len(val) <= valSize {
			copy(field, val)
		} else {
			off := extra + uint64(len(ext))
			if big {
				bo.PutUint64(field, off)
			} else {
				bo.PutUint32(field, uint32(off))
			}
			ext = append(ext, val...)
			if len(ext)%2 == 1 {
				ext = append(ext, 0)
			}
		}
		ifd = append(ifd, field...)
	}
	if big {
		ifd = order.AppendUint64(ifd, 0)
	} else {
		ifd = order.AppendUint32(ifd, 0)
	}
	b = append(b, ifd...)
	return append(b, ext...)
}

// dataOff is where buildTIFF puts the data block.
func dataOff(big bool) uint64 {
	if big {
		return headerBig
	}
	return headerClassic
}

// stripEntries returns the entries of a one-strip w×h uint8 image whose
// pixels are the data block.
func stripEntries(big bool, w, h, n int) []testEntry {
	return []testEntry{
		{tag: TagImageWidth, typ: Long, vals: []uint64{uint64(w)}},
		{tag: TagImageLength, typ: Long, vals: []uint64{uint64(h)}},
		{tag: TagBitsPerSample, typ: Short, vals: []uint64{8}},
		{tag: TagStripOffsets, typ: Long, vals: []uint64{dataOff(big)}},
		{tag: TagStripByteCounts, typ: Long, vals: []uint64{uint64(n)}},
		{tag: TagRowsPerStrip, typ: Long, vals: []uint64{uint64(h)}},
	}
}
