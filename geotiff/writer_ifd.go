package geotiff

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// errNeedBigTIFF reports that a directory does not fit a classic TIFF.
var errNeedBigTIFF = errors.New("geotiff: file needs BigTIFF")

// finish writes the IFD after the tile data and the header, then commits
// the file of Create.
func (w *Writer) finish() error {
	if w.cfg.spool {
		return nil
	}
	if err := w.writeDirectory(); err != nil {
		return err
	}
	if w.file != nil {
		return w.commit()
	}
	return nil
}

// writeDirectory writes the IFD (and the mask IFD chained to it) with
// their values after the data and the header at offset 0, as a classic
// TIFF when the mode allows and every offset fits in 32 bits, as a
// BigTIFF otherwise.
func (w *Writer) writeDirectory() error {
	c := w.cfg
	at := w.end + w.end%2
	big := c.BigTIFF == BigTIFFYes
	var dir []byte
	var err error
	if !big {
		dir, err = w.encodeDirectory(at, false)
		if errors.Is(err, errNeedBigTIFF) && c.BigTIFF == BigTIFFAuto {
			big = true
		} else if err != nil {
			return fmt.Errorf("geotiff: close: %d bytes of tiles and an IFD at offset %d: %w (BigTIFF mode %v)", w.end-c.dataStart, at, err, c.BigTIFF)
		}
	}
	if big {
		if dir, err = w.encodeDirectory(at, true); err != nil {
			return fmt.Errorf("geotiff: close: %w", err)
		}
	}
	if _, err := w.w.WriteAt(dir, at); err != nil {
		return w.ioError("close: write IFD", err)
	}
	if _, err := w.w.WriteAt(header(c.ByteOrder, c.bigEndian, big, at), 0); err != nil {
		return w.ioError("close: write header", err)
	}
	return nil
}

// encodeDirectory returns the image IFD for offset at and, with a mask,
// the mask IFD after it at an even offset, the first pointing to the
// second.
func (w *Writer) encodeDirectory(at int64, big bool) ([]byte, error) {
	c := w.cfg
	ifd, err := encodeIFD(append(w.imageFields(), w.tileFields(w.offsets, w.counts, big)...), at, big, c.ByteOrder)
	if err != nil || !c.Mask {
		return ifd, err
	}
	ifd = append(ifd, make([]byte, len(ifd)%2)...)
	maskAt := at + int64(len(ifd))
	mask, err := encodeIFD(append(w.maskFields(), w.tileFields(w.maskOffsets, w.maskCounts, big)...), maskAt, big, c.ByteOrder)
	if err != nil {
		return nil, err
	}
	setNextIFD(ifd, maskAt, big, c.ByteOrder)
	return append(ifd, mask...), nil
}

// setNextIFD sets the next-IFD offset of the IFD at the start of ifd to
// next; encodeIFD has checked that next fits a classic TIFF.
func setNextIFD(ifd []byte, next int64, big bool, order binary.ByteOrder) {
	if big {
		n := order.Uint64(ifd)
		order.PutUint64(ifd[8+20*n:], uint64(next))
		return
	}
	n := int(order.Uint16(ifd))
	order.PutUint32(ifd[2+12*n:], uint32(next))
}

// header returns the 16 bytes at the start of the file.
func header(order binary.ByteOrder, bigEndian, big bool, ifd int64) []byte {
	h := make([]byte, headerSize)
	copy(h, "II")
	if bigEndian {
		copy(h, "MM")
	}
	if big {
		order.PutUint16(h[2:], 43)
		order.PutUint16(h[4:], 8)
		order.PutUint64(h[8:], uint64(ifd))
	} else {
		order.PutUint16(h[2:], 42)
		order.PutUint32(h[4:], uint32(ifd))
	}
	return h
}

// tileFields returns TileOffsets and TileByteCounts: LONG in a classic
// TIFF (a value beyond 32 bits is left as LONG8, which encodeIFD rejects),
// LONG8 in a BigTIFF.
func (w *Writer) tileFields(offsets, counts []uint64, big bool) []Field {
	return []Field{uintsField(TagTileOffsets, offsets, big), uintsField(TagTileByteCounts, counts, big)}
}

func uintsField(t Tag, v []uint64, big bool) Field {
	if !big && slices.Max(v) <= math.MaxUint32 {
		d := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(d[4*i:], uint32(x))
		}
		return Field{Tag: t, Type: Long, Count: uint64(len(v)), Data: d}
	}
	d := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(d[8*i:], x)
	}
	return Field{Tag: t, Type: Long8, Count: uint64(len(v)), Data: d}
}

// imageFields returns every field of the IFD but the tile offsets and byte
// counts, in no particular order.
func (w *Writer) imageFields() []Field {
	c := w.cfg
	format, bits := c.Type.sampleFormat()
	bands := c.Bands
	fs := []Field{
		shortOrLong(TagImageWidth, c.Width),
		shortOrLong(TagImageLength, c.Height),
		NewShortField(TagBitsPerSample, repeat(uint16(bits), bands)...),
		NewShortField(TagCompression, uint16(c.Compression)),
		NewShortField(TagPhotometricInterpretation, uint16(c.photometric)),
		NewShortField(TagSamplesPerPixel, uint16(bands)),
		NewShortField(TagPlanarConfiguration, uint16(c.Planar)),
		shortOrLong(TagTileWidth, c.TileWidth),
		shortOrLong(TagTileLength, c.TileHeight),
		NewShortField(TagSampleFormat, repeat(uint16(format), bands)...),
	}
	if c.Predictor != PredictorNone {
		fs = append(fs, NewShortField(TagPredictor, uint16(c.Predictor)))
	}
	if len(c.extraSamples) > 0 {
		fs = append(fs, NewShortField(TagExtraSamples, c.extraSamples...))
	}
	w.mu.Lock()
	noData := w.noData
	w.mu.Unlock()
	if noData != "" {
		fs = append(fs, NewASCIIField(TagGDALNoData, noData))
	}
	if c.Metadata != "" {
		fs = append(fs, NewASCIIField(TagGDALMetadata, c.Metadata))
	}
	fs = append(fs, c.geo...)
	return append(fs, c.extra...)
}

// isBigEndian reports whether order stores the most significant byte
// first.
func isBigEndian(order binary.ByteOrder) bool {
	var b [2]byte
	order.PutUint16(b[:], 1)
	return b[0] == 0
}

func shortOrLong(t Tag, v int) Field {
	if v <= math.MaxUint16 {
		return NewShortField(t, uint16(v))
	}
	return NewLongField(t, uint32(v))
}

func repeat(v uint16, n int) []uint16 {
	s := make([]uint16, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// encodeIFD returns an IFD of fields for file offset at, followed by the
// values that do not fit in their entries. It returns errNeedBigTIFF if a
// classic TIFF cannot hold it.
func encodeIFD(fields []Field, at int64, big bool, order binary.ByteOrder) ([]byte, error) {
	if !big && at > maxClassicOffset {
		return nil, errNeedBigTIFF
	}
	fields = slices.Clone(fields)
	slices.SortStableFunc(fields, func(a, b Field) int { return int(a.Tag) - int(b.Tag) })
	e := ifdEncoder{at: at, big: big, order: order, entry: 12, inline: 4}
	head := 2 + len(fields)*12 + 4
	if big {
		e.entry, e.inline = 20, 8
		head = 8 + len(fields)*20 + 8
	}
	e.buf = make([]byte, head, head+valueBytes(fields, e.inline))
	p := 2
	if big {
		order.PutUint64(e.buf, uint64(len(fields)))
		p = 8
	} else {
		order.PutUint16(e.buf, uint16(len(fields)))
	}
	for _, f := range fields {
		if err := e.put(p, f); err != nil {
			return nil, err
		}
		p += e.entry
	}
	return e.buf, nil
}

// An ifdEncoder lays out one IFD: entries at the start of buf, values too
// large for their entry appended after them.
type ifdEncoder struct {
	buf           []byte
	at            int64 // file offset of buf[0]
	big           bool
	order         binary.ByteOrder
	entry, inline int // entry size and the bytes of value it holds
}

// put writes the entry of f at buf[p:] and its values.
func (e *ifdEncoder) put(p int, f Field) error {
	if !e.big {
		var ok bool
		if f, ok = classicField(f); !ok {
			return errNeedBigTIFF
		}
	}
	ent := e.buf[p : p+e.entry]
	e.order.PutUint16(ent, uint16(f.Tag))
	e.order.PutUint16(ent[2:], uint16(f.Type))
	val := ent[8:]
	if e.big {
		e.order.PutUint64(ent[4:], f.Count)
		val = ent[12:]
	} else {
		e.order.PutUint32(ent[4:], uint32(f.Count))
	}
	if len(f.Data) <= e.inline {
		putValues(val, f, e.order)
		return nil
	}
	pad := len(e.buf) % 2 // values start on a word boundary
	off := e.at + int64(len(e.buf)+pad)
	if e.big {
		e.order.PutUint64(val, uint64(off))
	} else if off > maxClassicOffset {
		return errNeedBigTIFF
	} else {
		e.order.PutUint32(val, uint32(off))
	}
	// Only now may buf grow: val points into it.
	e.buf = append(e.buf, make([]byte, pad)...)
	e.buf = append(e.buf, f.Data...)
	putValues(e.buf[len(e.buf)-len(f.Data):], f, e.order)
	return nil
}

// valueBytes returns an upper bound of the bytes of out-of-line values.
func valueBytes(fields []Field, inline int) int {
	n := 0
	for _, f := range fields {
		if len(f.Data) > inline {
			n += len(f.Data) + 1
		}
	}
	return n
}

// putValues copies the little-endian values of f to dst in byte order
// order.
func putValues(dst []byte, f Field, order binary.ByteOrder) {
	copy(dst, f.Data)
	if isBigEndian(order) {
		swapToBigEndian(dst[:len(f.Data)], f.Type.elemSize())
	}
}

// classicField returns f with LONG8 or SLONG8 values narrowed to LONG or
// SLONG, which classic TIFF requires, and false if a value or the count
// does not fit.
func classicField(f Field) (Field, bool) {
	if f.Count > math.MaxUint32 {
		return f, false
	}
	switch f.Type {
	case Long8, SLong8:
	default:
		return f, f.Type != IFD8
	}
	d := make([]byte, 4*f.Count)
	for i := range f.Count {
		v := binary.LittleEndian.Uint64(f.Data[8*i:])
		if f.Type == Long8 && v > math.MaxUint32 || f.Type == SLong8 && int64(v) != int64(int32(v)) {
			return f, false
		}
		binary.LittleEndian.PutUint32(d[4*i:], uint32(v))
	}
	t := Long
	if f.Type == SLong8 {
		t = SLong
	}
	return Field{Tag: f.Tag, Type: t, Count: f.Count, Data: d}, true
}
