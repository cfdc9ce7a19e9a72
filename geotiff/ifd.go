package geotiff

import (
	"encoding/binary"
	"fmt"
	"io"
	"sort"
)

// An IFD entry is 12 bytes in a classic TIFF (tag, type, uint32 count,
// 4-byte value or offset) and 20 bytes in a BigTIFF (uint64 count, 8-byte
// value or offset). Values that fit in the value field are stored inline.

// readAt reads n bytes at off, checking the range against the file size
// before allocating.
func (r *Reader) readAt(off uint64, n uint64) ([]byte, error) {
	if off > uint64(r.size) || n > uint64(r.size)-off {
		return nil, fmt.Errorf("reading %d bytes at offset %d of a %d-byte file: %w", n, off, r.size, io.ErrUnexpectedEOF)
	}
	b := make([]byte, n)
	if err := readFull(r.r, b, int64(off)); err != nil {
		return nil, err
	}
	return b, nil
}

// readFull fills b from r at off; a short read is io.ErrUnexpectedEOF.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// A deferredField is a block index array (StripOffsets, StripByteCounts,
// TileOffsets, TileByteCounts) that a reader opened with
// [ReaderOptions].LazyIndex left in the file: its field without Data, and
// the file offset of its values, checked to lie inside the file.
type deferredField struct {
	Field
	at uint64
}

// lazyMinBlocks is the fewest values an index array must have for
// [ReaderOptions].LazyIndex to leave it in the file: smaller ones cost
// less than the bookkeeping.
const lazyMinBlocks = 64

// deferrable reports whether tag t holds a block index array.
func deferrable(t Tag) bool {
	return t == TagStripOffsets || t == TagStripByteCounts || t == TagTileOffsets || t == TagTileByteCounts
}

// readIFD parses the IFD at off and returns its fields (sorted by tag, first
// of duplicates kept) and the offset of the next IFD. With
// ReaderOptions.LazyIndex, index arrays of more than lazyMinBlocks values
// are not read: they are returned apart, in deferred.
func (r *Reader) readIFD(off uint64) (fields Fields, deferred []deferredField, next uint64, err error) {
	countSize, entrySize, nextSize := uint64(2), uint64(12), uint64(4)
	if r.bigTIFF {
		countSize, entrySize, nextSize = 8, 20, 8
	}
	b, err := r.readAt(off, countSize)
	if err != nil {
		return nil, nil, 0, err
	}
	var n uint64
	if r.bigTIFF {
		n = r.order.Uint64(b)
	} else {
		n = uint64(r.order.Uint16(b))
	}
	if n == 0 {
		return nil, nil, 0, FormatError("IFD has no entries")
	}
	if n > (uint64(r.size)-off)/entrySize {
		return nil, nil, 0, FormatError(fmt.Sprintf("IFD entry count %d exceeds the file size", n))
	}
	b, err = r.readAt(off+countSize, n*entrySize+nextSize)
	if err != nil {
		// A missing next-IFD pointer at the very end of the file is
		// tolerated, as libtiff does.
		if b, err = r.readAt(off+countSize, n*entrySize); err != nil {
			return nil, nil, 0, err
		}
		b = append(b, make([]byte, nextSize)...)
	}
	fields = make(Fields, 0, n)
	seen := make(map[Tag]bool, n)
	for i := uint64(0); i < n; i++ {
		f, at, ok, err := r.parseEntry(b[i*entrySize : (i+1)*entrySize])
		if err != nil {
			return nil, nil, 0, err
		}
		if !ok || seen[f.Tag] {
			continue
		}
		seen[f.Tag] = true
		if f.Data == nil && f.Count > 0 {
			deferred = append(deferred, deferredField{f, at})
			continue
		}
		fields = append(fields, f)
	}
	if len(deferred) > 0 {
		// A reader that keeps thousands of files open keeps no spare room.
		fields = append(make(Fields, 0, len(fields)), fields...)
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Tag < fields[j].Tag })
	tail := b[n*entrySize:]
	if r.bigTIFF {
		next = r.order.Uint64(tail)
	} else {
		next = uint64(r.order.Uint32(tail))
	}
	return fields, deferred, next, nil
}

// parseEntry decodes one directory entry. Entries of unknown type are
// skipped (ok is false), as libtiff does. A block index array that
// ReaderOptions.LazyIndex leaves in the file comes back without Data, with
// the file offset of its values in at.
func (r *Reader) parseEntry(e []byte) (f Field, at uint64, ok bool, err error) {
	f.Tag = Tag(r.order.Uint16(e))
	f.Type = DataType(r.order.Uint16(e[2:]))
	var val []byte
	if r.bigTIFF {
		f.Count, val = r.order.Uint64(e[4:]), e[12:20]
	} else {
		f.Count, val = uint64(r.order.Uint32(e[4:])), e[8:12]
	}
	size := uint64(f.Type.Size())
	if size == 0 {
		return f, 0, false, nil
	}
	if f.Count > uint64(r.size)/size {
		return f, 0, false, FormatError(fmt.Sprintf("tag %v: count %d × %d bytes exceeds the file size %d", f.Tag, f.Count, size, r.size))
	}
	total := f.Count * size
	if total > uint64(r.limits.MaxFieldBytes) {
		return f, 0, false, FormatError(fmt.Sprintf("tag %v: %d bytes of values exceed limit %d", f.Tag, total, r.limits.MaxFieldBytes))
	}
	var data []byte
	if total <= uint64(len(val)) {
		data = append([]byte(nil), val[:total]...)
	} else {
		var off uint64
		if r.bigTIFF {
			off = r.order.Uint64(val)
		} else {
			off = uint64(r.order.Uint32(val))
		}
		if r.lazy && deferrable(f.Tag) && f.Count > lazyMinBlocks {
			// Checked as readAt would, but not read.
			if off > uint64(r.size) || total > uint64(r.size)-off {
				return f, 0, false, fmt.Errorf("tag %v: reading %d bytes at offset %d of a %d-byte file: %w", f.Tag, total, off, r.size, io.ErrUnexpectedEOF)
			}
			return f, off, true, nil
		}
		if data, err = r.readAt(off, total); err != nil {
			return f, 0, false, fmt.Errorf("tag %v: %w", f.Tag, err)
		}
	}
	toLittleEndian(r.order, data, f.Type.elemSize())
	f.Data = data
	return f, 0, true, nil
}

// loadDeferred reads the values of a deferred field.
func (r *Reader) loadDeferred(d deferredField) (Field, error) {
	f := d.Field
	data, err := r.readAt(d.at, f.Count*uint64(f.Type.Size()))
	if err != nil {
		return f, fmt.Errorf("tag %v: %w", f.Tag, err)
	}
	toLittleEndian(r.order, data, f.Type.elemSize())
	f.Data = data
	return f, nil
}

// toLittleEndian swaps each size-byte element of b in place when order is
// big-endian.
func toLittleEndian(order binary.ByteOrder, b []byte, size int) {
	if order != binary.BigEndian || size < 2 {
		return
	}
	swapBytes(b, size)
}

// swapBytes reverses the bytes of each size-byte element of b.
func swapBytes(b []byte, size int) {
	switch size {
	case 2:
		for i := 0; i+1 < len(b); i += 2 {
			b[i], b[i+1] = b[i+1], b[i]
		}
	case 4:
		for i := 0; i+3 < len(b); i += 4 {
			b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
		}
	case 8:
		for i := 0; i+7 < len(b); i += 8 {
			binary.LittleEndian.PutUint64(b[i:], binary.BigEndian.Uint64(b[i:]))
		}
	}
}
