package geotiff

// Tile copy: compressed tiles read as they are stored from one file and
// appended as they are to another, with no decoding and no re-encoding.
// [Reader.ReadRawTile] reads them; a [RawWriter] lays them out as [Writer]
// does (header, tiles in file order, IFD last, BigTIFF decided at Close,
// temporary file renamed into place) under a directory given as fields,
// so that a file assembled from the parts of another Writer's image is
// that image byte for byte.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
)

// RawTileSize returns the stored (compressed) size in bytes of tile or
// strip i of im, as [Reader.ReadRawTile] returns it, and false if i is out
// of range (or, for a reader opened with [ReaderOptions].LazyIndex, if
// the index cannot be read from the file).
func (im *Image) RawTileSize(i int) (uint64, bool) {
	if i < 0 || i >= im.nblocks {
		return 0, false
	}
	_, cnt, err := im.blockAt(i)
	return cnt, err == nil
}

// ReadRawTile reads tile or strip i of im as it is stored in the file,
// compressed and with its predictor applied, into dst (grown as needed)
// and returns it. A sparse tile (byte count 0) is returned empty. It
// checks that the bytes lie inside the file and within the reader's
// MaxTileBytes before it allocates.
func (r *Reader) ReadRawTile(im *Image, i int, dst []byte) ([]byte, error) {
	if i < 0 || i >= im.nblocks {
		return dst[:0], r.wrap(fmt.Errorf("geotiff: raw tile %d: index out of range [0, %d)", i, im.nblocks))
	}
	off, cnt, err := im.blockAt(i)
	if err != nil {
		return dst[:0], r.wrap(fmt.Errorf("geotiff: raw tile %d: %w", i, err))
	}
	if off > uint64(r.size) || cnt > uint64(r.size)-off {
		return dst[:0], r.wrap(FormatError(fmt.Sprintf("tile %d: data at offset %d, %d bytes, lies past the end of the %d-byte file (truncated?)", i, off, cnt, r.size)))
	}
	if cnt > uint64(r.limits.MaxTileBytes) {
		return dst[:0], r.wrap(FormatError(fmt.Sprintf("tile %d: byte count %d exceeds limit %d", i, cnt, r.limits.MaxTileBytes)))
	}
	if uint64(cap(dst)) < cnt {
		dst = make([]byte, cnt)
	}
	dst = dst[:cnt]
	if cnt == 0 {
		return dst, nil
	}
	if err := readFull(r.r, dst, int64(off)); err != nil {
		return dst[:0], r.wrap(fmt.Errorf("geotiff: raw tile %d: %w", i, err))
	}
	return dst, nil
}

// RawOptions describe the file a [RawWriter] writes.
type RawOptions struct {
	// Fields are the entries of the image IFD but TileOffsets and
	// TileByteCounts, which the RawWriter sets: as [Image].Fields holds
	// them, little-endian values, any order. They must include
	// ImageWidth, ImageLength, TileWidth and TileLength; SamplesPerPixel
	// and PlanarConfiguration give the planes of tiles.
	Fields []Field
	// MaskFields, when not nil, are those of an internal mask IFD chained
	// after the image's, with one mask tile per tile of the first plane,
	// each right after its image tile in the file (as [Writer] writes
	// with [WriterOptions].Mask).
	MaskFields []Field
	// ByteOrder is binary.LittleEndian (the default when nil) or
	// binary.BigEndian.
	ByteOrder binary.ByteOrder
	BigTIFF   BigTIFFMode
	// Overwrite lets [CreateRaw] replace an existing file.
	Overwrite bool
}

// A RawWriter writes a tiled image from compressed tiles given as they
// are to be stored, in file order: tile 0 (then mask tile 0), tile 1, ...
// Close writes the IFD after the data and the header at offset 0, as a
// classic TIFF when the mode allows and every offset fits, exactly as
// [Writer] lays out an image with the same fields and tiles. A RawWriter
// is not safe for concurrent use.
type RawWriter struct {
	opts                    RawOptions
	fields, mask            []Field
	order                   binary.ByteOrder
	bigEndian               bool
	file                    *os.File
	tmp, final              string
	numTiles, maskTiles     int
	next                    int // next item in file order
	end                     int64
	offsets, counts         []uint64
	maskOffsets, maskCounts []uint64
	done                    bool
	err                     error
}

// CreateRaw creates the file name for a [RawWriter]: a temporary file in
// the same directory, renamed to name by Close, removed by Abort or a
// failed Close, as [Create] does.
func CreateRaw(name string, opts RawOptions) (*RawWriter, error) {
	w := &RawWriter{opts: opts, order: opts.ByteOrder, final: name, end: headerSize}
	if w.order == nil {
		w.order = binary.LittleEndian
	}
	w.bigEndian = isBigEndian(w.order)
	switch opts.BigTIFF {
	case BigTIFFAuto, BigTIFFYes, BigTIFFNo:
	default:
		return nil, fmt.Errorf("geotiff: invalid BigTIFF mode %d", int(opts.BigTIFF))
	}
	var err error
	if w.fields, w.numTiles, err = rawLayout(opts.Fields, "image"); err != nil {
		return nil, err
	}
	planes := 1
	if pc := Fields(sortedFields(w.fields)).Get(TagPlanarConfiguration); pc != nil {
		if v, _ := pc.Uint(0); v == PlanarSeparate {
			if spp := Fields(sortedFields(w.fields)).Get(TagSamplesPerPixel); spp != nil {
				n, _ := spp.Uint(0)
				planes = max(int(n), 1)
			}
		}
	}
	if int64(w.numTiles)*int64(planes) > math.MaxInt32 {
		return nil, fmt.Errorf("geotiff: raw image of %d tiles per plane and %d planes exceeds limit %d", w.numTiles, planes, math.MaxInt32)
	}
	perPlane := w.numTiles
	w.numTiles *= planes
	if opts.MaskFields != nil {
		var n int
		if w.mask, n, err = rawLayout(opts.MaskFields, "mask"); err != nil {
			return nil, err
		}
		if n != perPlane {
			return nil, fmt.Errorf("geotiff: raw mask of %d tiles for an image of %d tiles per plane: want the same grid", n, perPlane)
		}
		w.maskTiles = n
	}
	f, err := createTemp(name, opts.Overwrite)
	if err != nil {
		return nil, err
	}
	w.file, w.tmp = f, f.Name()
	w.offsets, w.counts = make([]uint64, w.numTiles), make([]uint64, w.numTiles)
	w.maskOffsets, w.maskCounts = make([]uint64, w.maskTiles), make([]uint64, w.maskTiles)
	return w, nil
}

// sortedFields returns fs sorted by tag.
func sortedFields(fs []Field) []Field {
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(a, b Field) int { return int(a.Tag) - int(b.Tag) })
	return fs
}

// rawLayout returns fields without tile offsets and byte counts and the
// number of tiles of one plane their size and tile size give.
func rawLayout(in []Field, what string) ([]Field, int, error) {
	fs := Fields(sortedFields(in))
	get := func(t Tag, name string) (uint64, error) {
		f := fs.Get(t)
		if f == nil {
			return 0, fmt.Errorf("geotiff: raw %s fields: no %s", what, name)
		}
		v, ok := f.Uint(0)
		if !ok || v == 0 || v > math.MaxUint32 {
			return 0, fmt.Errorf("geotiff: raw %s fields: invalid %s", what, name)
		}
		return v, nil
	}
	var dims [4]uint64
	for k, t := range []struct {
		tag  Tag
		name string
	}{{TagImageWidth, "ImageWidth"}, {TagImageLength, "ImageLength"}, {TagTileWidth, "TileWidth"}, {TagTileLength, "TileLength"}} {
		v, err := get(t.tag, t.name)
		if err != nil {
			return nil, 0, err
		}
		dims[k] = v
	}
	n := ((dims[0] + dims[2] - 1) / dims[2]) * ((dims[1] + dims[3] - 1) / dims[3])
	if n > math.MaxInt32 {
		return nil, 0, fmt.Errorf("geotiff: raw %s of %d tiles exceeds limit %d", what, n, math.MaxInt32)
	}
	out := make([]Field, 0, len(fs))
	for _, f := range fs {
		if f.Tag != TagTileOffsets && f.Tag != TagTileByteCounts {
			out = append(out, f)
		}
	}
	return out, int(n), nil
}

// NumTiles returns the number of image tiles, every plane.
func (w *RawWriter) NumTiles() int { return w.numTiles }

// NumMaskTiles returns the number of mask tiles, 0 without a mask.
func (w *RawWriter) NumMaskTiles() int { return w.maskTiles }

// item returns the tile index of file item seq and whether it is a mask
// tile: with a mask, image tile i < maskTiles is item 2i and its mask
// tile item 2i+1; later tiles follow one by one.
func (w *RawWriter) item(seq int) (int, bool) {
	if seq < 2*w.maskTiles {
		return seq / 2, seq%2 == 1
	}
	return seq - w.maskTiles, false
}

// WriteRawTile appends image tile i, stored bytes as they are; i must be
// the next image tile in file order.
func (w *RawWriter) WriteRawTile(i int, data []byte) error {
	return w.write(i, false, data)
}

// WriteRawMaskTile appends mask tile i, stored bytes as they are; it must
// come right after image tile i.
func (w *RawWriter) WriteRawMaskTile(i int, data []byte) error {
	return w.write(i, true, data)
}

func (w *RawWriter) write(i int, mask bool, data []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("geotiff: raw tile written after Close")
	}
	kind := "tile"
	if mask {
		kind = "mask tile"
	}
	wantI, wantMask := w.item(w.next)
	if w.next >= w.numTiles+w.maskTiles || i != wantI || mask != wantMask {
		return fmt.Errorf("geotiff: raw %s %d out of order: want %s", kind, i, w.describe(w.next))
	}
	off, n := w.end, int64(len(data))
	if w.opts.BigTIFF == BigTIFFNo && off+n > maxClassicOffset {
		return w.setErr(fmt.Errorf("geotiff: raw %s %d: data reaches offset %d, beyond the limit %d of a classic TIFF (BigTIFF mode NO)", kind, i, off+n, int64(maxClassicOffset)))
	}
	if n > 0 {
		if _, err := w.file.WriteAt(data, off); err != nil {
			return w.setErr(fmt.Errorf("geotiff: write %s: %w", w.final, pathErrCause(err)))
		}
	}
	if mask {
		w.maskOffsets[i], w.maskCounts[i] = uint64(off), uint64(n)
	} else {
		w.offsets[i], w.counts[i] = uint64(off), uint64(n)
	}
	w.end = off + n
	w.next++
	return nil
}

// describe names file item seq.
func (w *RawWriter) describe(seq int) string {
	if seq >= w.numTiles+w.maskTiles {
		return "no more tiles"
	}
	i, m := w.item(seq)
	if m {
		return fmt.Sprintf("mask tile %d", i)
	}
	return fmt.Sprintf("tile %d", i)
}

func (w *RawWriter) setErr(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// Close writes the IFD (and the mask IFD) after the data and the header,
// syncs the file and renames it into place. It is an error if a tile was
// not written; the temporary file is then removed.
func (w *RawWriter) Close() error {
	if w.done {
		return w.err
	}
	w.done = true
	if w.err == nil && w.next < w.numTiles+w.maskTiles {
		w.err = fmt.Errorf("geotiff: close %s: %s was never written", w.final, w.describe(w.next))
	}
	if w.err == nil {
		w.err = w.finish()
	}
	if w.err != nil {
		w.discard()
	}
	return w.err
}

// Abort removes the temporary file; Abort after Close does nothing.
func (w *RawWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.err = errAborted
	return w.discard()
}

// discard closes and removes the temporary file, if any.
func (w *RawWriter) discard() error { return discardTemp(&w.file, &w.tmp) }

// finish writes the directory and the header and commits the file, as
// Writer.writeDirectory and Writer.commit do.
func (w *RawWriter) finish() error {
	at := w.end + w.end%2
	big := w.opts.BigTIFF == BigTIFFYes
	var dir []byte
	var err error
	if !big {
		dir, err = w.encodeDirectory(at, false)
		if errors.Is(err, errNeedBigTIFF) && w.opts.BigTIFF == BigTIFFAuto {
			big = true
		} else if err != nil {
			return fmt.Errorf("geotiff: close %s: %d bytes of tiles and an IFD at offset %d: %w (BigTIFF mode %v)", w.final, w.end-headerSize, at, err, w.opts.BigTIFF)
		}
	}
	if big {
		if dir, err = w.encodeDirectory(at, true); err != nil {
			return fmt.Errorf("geotiff: close %s: %w", w.final, err)
		}
	}
	if _, err := w.file.WriteAt(dir, at); err != nil {
		return fmt.Errorf("geotiff: write %s: %w", w.final, pathErrCause(err))
	}
	if _, err := w.file.WriteAt(header(w.order, w.bigEndian, big, at), 0); err != nil {
		return fmt.Errorf("geotiff: write %s: %w", w.final, pathErrCause(err))
	}
	if err := checkTarget(w.final, w.opts.Overwrite); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(w.final); err == nil && st.Mode().IsRegular() {
		mode = st.Mode().Perm()
	}
	f := w.file
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("geotiff: write %s: %w", w.final, pathErrCause(err))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("geotiff: write %s: %w", w.final, pathErrCause(err))
	}
	w.file = nil
	if err := f.Close(); err != nil {
		return fmt.Errorf("geotiff: write %s: %w", w.final, pathErrCause(err))
	}
	if err := os.Rename(w.tmp, w.final); err != nil {
		return fmt.Errorf("geotiff: create %s: %w", w.final, err)
	}
	w.tmp = ""
	syncDir(dirOf(w.final))
	return nil
}

// dirOf returns the directory of name, "." for a bare name.
func dirOf(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if os.IsPathSeparator(name[i]) {
			if i == 0 {
				return name[:1]
			}
			return name[:i]
		}
	}
	return "."
}

// encodeDirectory is Writer.encodeDirectory for the given fields.
func (w *RawWriter) encodeDirectory(at int64, big bool) ([]byte, error) {
	tf := func(offsets, counts []uint64) []Field {
		return []Field{uintsField(TagTileOffsets, offsets, big), uintsField(TagTileByteCounts, counts, big)}
	}
	ifd, err := encodeIFD(append(slices.Clone(w.fields), tf(w.offsets, w.counts)...), at, big, w.order)
	if err != nil || w.mask == nil {
		return ifd, err
	}
	ifd = append(ifd, make([]byte, len(ifd)%2)...)
	maskAt := at + int64(len(ifd))
	mask, err := encodeIFD(append(slices.Clone(w.mask), tf(w.maskOffsets, w.maskCounts)...), maskAt, big, w.order)
	if err != nil {
		return nil, err
	}
	setNextIFD(ifd, maskAt, big, w.order)
	return append(ifd, mask...), nil
}

// CopyRawTiles appends n image tiles of im read from r, from tile first,
// to w, each with its mask tile from mask (an image of r, nil for none)
// where w has one, reusing buf; it returns the grown buffer. Tile first+j
// of im becomes tile at+j of w.
func (w *RawWriter) CopyRawTiles(r *Reader, im *Image, first, n int, mask *Image, at int, buf []byte) ([]byte, error) {
	var err error
	for j := range n {
		if buf, err = r.ReadRawTile(im, first+j, buf); err != nil {
			return buf, err
		}
		if err := w.WriteRawTile(at+j, buf); err != nil {
			return buf, err
		}
		if at+j < w.maskTiles {
			if mask == nil {
				return buf, fmt.Errorf("geotiff: raw copy: %s has no mask for mask tile %d", r.name, at+j)
			}
			if buf, err = r.ReadRawTile(mask, first+j, buf); err != nil {
				return buf, err
			}
			if err := w.WriteRawMaskTile(at+j, buf); err != nil {
				return buf, err
			}
		}
	}
	return buf, nil
}
