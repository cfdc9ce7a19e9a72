package geotiff

// Cloud-Optimized GeoTIFF layout written by COGWriter, as GDAL's COG
// driver writes it:
//
//	offset 0      header, 8 bytes (BigTIFF: 16), pointing at the first IFD
//	then          the ghost area: "GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n"
//	              and the structural metadata (LAYOUT=IFDS_BEFORE_DATA,
//	              BLOCK_ORDER=ROW_MAJOR, BLOCK_LEADER=SIZE_AS_UINT4,
//	              BLOCK_TRAILER=LAST_4_BYTES_REPEATED, ...)
//	then          every IFD with its values, each at an even offset: the full
//	              resolution, its mask, the overviews largest to smallest,
//	              then the masks of the overviews largest to smallest
//	then          the tile data, smallest overview first and the full
//	              resolution last, each level's tiles in index order, a mask
//	              tile right after its image tile; every tile is preceded by
//	              its byte count (uint32, little-endian) and followed by a
//	              repeat of its last 4 bytes
//
// While tiles come in, each level's tiles are compressed by a Writer of its
// own into a spool file next to the output (".NAME.gomean-tmp-PID-spool*",
// removed by Close and Abort, and as a stale temporary file by a later
// Create). Close lays out the IFDs from the real sizes, writes them, then
// copies each spool into place with io.Copy between files, which Linux
// does with copy_file_range: no tile is decoded or encoded again.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// COGOptions describe a Cloud-Optimized GeoTIFF.
type COGOptions struct {
	WriterOptions
	// Overviews is the number of overview levels: level k is
	// max(1, Width>>k)×max(1, Height>>k) pixels (GDAL 3.6 COG driver's
	// sizes) in tiles of the full resolution's size. 0 writes none.
	Overviews int
	// Plain writes a plain GeoTIFF with internal overviews instead: the
	// same order of IFDs and tiles, without the ghost area and without
	// the block leaders and trailers, as GDAL's GTiff driver reads any
	// tiled file with reduced-resolution IFDs after the first.
	Plain bool
}

// A COGWriter writes a Cloud-Optimized GeoTIFF with its overviews in one
// pass: full-resolution tiles through [COGWriter.WriteTile], overview
// tiles through [COGWriter.WriteOverviewTile], each level in any order
// and from any goroutine, with the contract and the memory window of
// [Writer.WriteTile] per level (overview levels allow two tile rows more,
// so a producer that completes overview tiles in about row order never
// blocks on them). [COGWriter.Close] writes the file.
type COGWriter struct {
	levels []*Writer
	spools []*os.File
	out    *Writer // the output's temporary file, for commit and discard
	mask   bool
	plain  bool
	// testGap is a test hook: a hole of that many bytes before the tiles,
	// to write a COG over 4 GiB as a sparse file.
	testGap int64

	mu        sync.Mutex
	closeOnce sync.Once
	closeErr  error
}

// CreateCOG creates the Cloud-Optimized GeoTIFF name, as [Create] creates a
// GeoTIFF: a temporary file renamed at Close, nothing left after Abort or
// an error. opts.Overwrite and the rest of the WriterOptions apply as for
// Create; Geo, Metadata and ExtraFields go to the full resolution only.
func CreateCOG(name string, opts COGOptions) (*COGWriter, error) {
	if opts.Overviews < 0 || opts.Overviews > 30 {
		return nil, fmt.Errorf("geotiff: %d overview levels: want 0 to 30", opts.Overviews)
	}
	cfgs := make([]*writerConfig, opts.Overviews+1)
	for k := range cfgs {
		o := opts.WriterOptions
		o.Width, o.Height = max(1, opts.Width>>k), max(1, opts.Height>>k)
		if k > 0 {
			o.Geo, o.Metadata, o.ExtraFields = nil, "", nil
		}
		c, err := o.config()
		if err != nil {
			return nil, err
		}
		c.leader, c.spool, c.dataStart = !opts.Plain, true, 0
		if k > 0 {
			across := (c.Width + c.TileWidth - 1) / c.TileWidth
			win := 4*c.Workers + 2*across
			if c.Mask {
				win *= 2
			}
			c.window = max(c.window, win)
		}
		cfgs[k] = c
	}
	f, err := createTemp(name, opts.Overwrite)
	if err != nil {
		return nil, err
	}
	cw := &COGWriter{out: &Writer{cfg: cfgs[0], file: f, tmp: f.Name(), final: name}, mask: opts.Mask, plain: opts.Plain}
	for _, c := range cfgs {
		sp, err := createSpool(name)
		if err == nil {
			cw.spools = append(cw.spools, sp)
			var w *Writer
			if w, err = newWriter(sp, c, nil, ""); err == nil {
				cw.levels = append(cw.levels, w)
				continue
			}
		}
		cw.Abort()
		return nil, err
	}
	return cw, nil
}

// createSpool creates a spool file next to the output name.
func createSpool(name string) (*os.File, error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+tempInfix+strconv.Itoa(os.Getpid())+"-spool*")
	if err != nil {
		return nil, fmt.Errorf("geotiff: create spool file next to %s: %w", name, pathErrCause(err))
	}
	return f, nil
}

// Overviews returns the number of overview levels.
func (w *COGWriter) Overviews() int { return len(w.levels) - 1 }

// NumTiles returns the number of tiles of level k (0 is the full
// resolution), as [Writer.NumTiles].
func (w *COGWriter) NumTiles(k int) int {
	if k < 0 || k >= len(w.levels) {
		return 0
	}
	return w.levels[k].NumTiles()
}

// TileBytes returns the size of the samples of one tile, as
// [Writer.TileBytes].
func (w *COGWriter) TileBytes() int { return w.levels[0].TileBytes() }

// WriteTile hands full-resolution tile i to the writer, as
// [Writer.WriteTile].
func (w *COGWriter) WriteTile(ctx context.Context, i int, samples []byte) error {
	return w.levels[0].WriteTile(ctx, i, samples)
}

// WriteMaskTile hands the mask of full-resolution tile i to the writer,
// as [Writer.WriteMaskTile].
func (w *COGWriter) WriteMaskTile(ctx context.Context, i int, mask []byte) error {
	return w.levels[0].WriteMaskTile(ctx, i, mask)
}

// WriteOverviewTile hands tile i of overview level (1 to
// [COGWriter.Overviews]) to the writer, as [Writer.WriteTile].
func (w *COGWriter) WriteOverviewTile(ctx context.Context, level, i int, samples []byte) error {
	if level < 1 || level >= len(w.levels) {
		return fmt.Errorf("geotiff: write overview tile: level %d out of range [1, %d]", level, len(w.levels)-1)
	}
	return w.levels[level].WriteTile(ctx, i, samples)
}

// WriteOverviewMaskTile hands the mask of tile i of overview level to the
// writer, as [Writer.WriteMaskTile].
func (w *COGWriter) WriteOverviewMaskTile(ctx context.Context, level, i int, mask []byte) error {
	if level < 1 || level >= len(w.levels) {
		return fmt.Errorf("geotiff: write overview mask tile: level %d out of range [1, %d]", level, len(w.levels)-1)
	}
	return w.levels[level].WriteMaskTile(ctx, i, mask)
}

// SetNoData sets the nodata value of every level, as [Writer.SetNoData].
func (w *COGWriter) SetNoData(has bool, v float64) error {
	for _, l := range w.levels {
		if err := l.SetNoData(has, v); err != nil {
			return err
		}
	}
	return nil
}

// SetNoDataText sets the nodata text of every level, as
// [Writer.SetNoDataText].
func (w *COGWriter) SetNoDataText(s string) error {
	for _, l := range w.levels {
		if err := l.SetNoDataText(s); err != nil {
			return err
		}
	}
	return nil
}

// SetMetadata replaces the GDAL_METADATA text of the full resolution
// (WriterOptions.Metadata) until Close, for values known only at the end
// of the pass, such as statistics.
func (w *COGWriter) SetMetadata(s string) {
	w.mu.Lock()
	w.levels[0].cfg.Metadata = s
	w.mu.Unlock()
}

// Close finishes every level, writes the header, the ghost area and the
// IFDs, copies the spooled tiles into place, removes the spools and
// renames the file into place. After an error nothing is left: no
// output, no spool. Calls after the first return its result.
func (w *COGWriter) Close() error {
	return w.CloseContext(context.Background())
}

// CloseContext is [COGWriter.Close] that stops when ctx is done, between
// chunks of 64 MiB of the final copy, leaving nothing behind.
func (w *COGWriter) CloseContext(ctx context.Context) error {
	w.closeOnce.Do(func() {
		w.closeErr = w.close(ctx)
		if w.closeErr != nil {
			w.cleanup()
		}
	})
	return w.closeErr
}

// Abort stops every level and removes the temporary files; after Close it
// does nothing.
func (w *COGWriter) Abort() error {
	var err error
	w.closeOnce.Do(func() {
		err = w.cleanup()
		w.closeErr = errAborted
	})
	return err
}

func (w *COGWriter) cleanup() error {
	for _, l := range w.levels {
		l.Abort()
	}
	for _, f := range w.spools {
		f.Close()
		os.Remove(f.Name())
	}
	w.spools = nil
	return w.out.discard()
}

func (w *COGWriter) close(ctx context.Context) error {
	var first error
	for _, l := range w.levels {
		if err := l.Close(); err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return first
	}
	c := w.out.cfg
	big := c.BigTIFF == BigTIFFYes
	dir, bases, err := w.layout(big)
	if errors.Is(err, errNeedBigTIFF) && c.BigTIFF == BigTIFFAuto {
		big = true
		dir, bases, err = w.layout(true)
	}
	if err != nil {
		return fmt.Errorf("geotiff: close: %w (BigTIFF mode %v)", err, c.BigTIFF)
	}
	f := w.out.file
	if _, err := f.WriteAt(dir, 0); err != nil {
		return w.out.ioError("close: write IFDs", err)
	}
	for k := len(w.levels) - 1; k >= 0; k-- {
		if err := w.copySpool(ctx, k, bases[k]); err != nil {
			return err
		}
	}
	for _, sp := range w.spools {
		sp.Close()
		os.Remove(sp.Name())
	}
	w.spools = nil
	return w.out.commit()
}

// copyChunk is the most copySpool copies between two looks at its context.
const copyChunk = 64 << 20

// copySpool copies the spool of level k to offset at of the output.
func (w *COGWriter) copySpool(ctx context.Context, k int, at int64) error {
	sp, out := w.spools[k], w.out.file
	if _, err := sp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("geotiff: close: read spool: %w", err)
	}
	if _, err := out.Seek(at, io.SeekStart); err != nil {
		return w.out.ioError("close: seek", err)
	}
	// io.CopyN hands out.ReadFrom an io.LimitedReader of an *os.File,
	// which Linux copies with copy_file_range.
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("geotiff: close: copy the tiles of level %d: %w", k, context.Cause(ctx))
		}
		c, err := io.CopyN(out, sp, copyChunk)
		n += c
		if err == io.EOF {
			break
		}
		if err != nil {
			return w.out.ioError(fmt.Sprintf("close: copy the tiles of level %d", k), err)
		}
	}
	if want := w.levels[k].end; n != want {
		return fmt.Errorf("geotiff: close: copied %d bytes of the tiles of level %d, want %d", n, k, want)
	}
	return nil
}

// ghostArea returns GDAL's structural metadata block.
func (w *COGWriter) ghostArea() string {
	if w.plain {
		return ""
	}
	md := "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n" +
		"BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n "
	if w.mask {
		md += "MASK_INTERLEAVED_WITH_IMAGERY=YES\n"
	}
	return fmt.Sprintf("GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n", len(md)) + md
}

// layout returns the header, ghost area and IFDs, and the file offset of
// the tiles of each level.
func (w *COGWriter) layout(big bool) ([]byte, []int64, error) {
	hdr := int64(8)
	if big {
		hdr = 16
	}
	ghost := w.ghostArea()
	start := hdr + int64(len(ghost))
	start += start % 2
	// First pass with spool offsets sizes the IFDs; the second has the
	// real ones. Sizes agree: value widths depend only on big.
	bases := make([]int64, len(w.levels))
	ifds, end, err := w.encodeIFDs(start, bases, big)
	if err != nil {
		return nil, nil, err
	}
	at := end + w.testGap
	for k := len(w.levels) - 1; k >= 0; k-- {
		bases[k] = at
		at += w.levels[k].end
	}
	ifds2, end2, err := w.encodeIFDs(start, bases, big)
	if err != nil {
		return nil, nil, err
	}
	if end2 != end || len(ifds2) != len(ifds) {
		return nil, nil, fmt.Errorf("geotiff: internal error: IFDs of %d bytes, then %d", end, end2)
	}
	c := w.out.cfg
	buf := make([]byte, 0, end)
	buf = append(buf, header(c.ByteOrder, c.bigEndian, big, start)[:hdr]...)
	buf = append(buf, ghost...)
	buf = append(buf, make([]byte, start-int64(len(buf)))...)
	buf = append(buf, ifds2...)
	return buf, bases, nil
}

// encodeIFDs returns the chained IFDs from offset start, and the offset
// after them, with the tile offsets of level k moved by bases[k].
func (w *COGWriter) encodeIFDs(start int64, bases []int64, big bool) ([]byte, int64, error) {
	var specs [][]Field
	shift := func(v []uint64, by int64) []uint64 {
		s := make([]uint64, len(v))
		for i, x := range v {
			s[i] = x + uint64(by)
		}
		return s
	}
	for k, l := range w.levels {
		fs := l.imageFields()
		if k > 0 {
			fs = append(fs, NewLongField(TagNewSubfileType, SubfileReduced))
		}
		fs = append(fs, l.tileFields(shift(l.offsets, bases[k]), l.counts, big)...)
		specs = append(specs, fs)
		if k == 0 && w.mask {
			specs = append(specs, w.maskIFDFields(0, bases[0], big, shift))
		}
	}
	if w.mask {
		for k := 1; k < len(w.levels); k++ {
			specs = append(specs, w.maskIFDFields(k, bases[k], big, shift))
		}
	}
	c := w.out.cfg
	var out []byte
	at := start
	var prev int // index in out of the previous IFD
	for n, fs := range specs {
		ifd, err := encodeIFD(fs, at, big, c.ByteOrder)
		if err != nil {
			return nil, 0, err
		}
		if n > 0 {
			setNextIFD(out[prev:], at, big, c.ByteOrder)
		}
		prev = len(out)
		out = append(out, ifd...)
		at += int64(len(ifd))
		if at%2 == 1 {
			out = append(out, 0)
			at++
		}
	}
	return out, at, nil
}

// maskIFDFields returns the fields of the mask IFD of level k.
func (w *COGWriter) maskIFDFields(k int, base int64, big bool, shift func([]uint64, int64) []uint64) []Field {
	l := w.levels[k]
	fs := l.maskFields()
	if k > 0 {
		for i := range fs {
			if fs[i].Tag == TagNewSubfileType {
				fs[i] = NewLongField(TagNewSubfileType, SubfileMask|SubfileReduced)
			}
		}
	}
	return append(fs, l.tileFields(shift(l.maskOffsets, base), l.maskCounts, big)...)
}

// appendFramed writes encoded item seq at the end of the data with GDAL's
// COG block leader (the byte count, uint32 little-endian) and trailer (its
// last 4 bytes again); the recorded offset is that of the data.
func (w *Writer) appendFramed(seq int, data []byte) error {
	n := len(data)
	buf := make([]byte, 0, n+8)
	buf = append(buf, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	buf = append(buf, data...)
	var tail [4]byte
	copy(tail[max(0, 4-n):], data[max(0, n-4):])
	buf = append(buf, tail[:]...)
	off := w.end
	if _, err := w.w.WriteAt(buf, off); err != nil {
		return w.ioError("write "+w.cfg.itemName(seq), err)
	}
	if i, mask := w.cfg.item(seq); mask {
		w.maskOffsets[i], w.maskCounts[i] = uint64(off+4), uint64(n)
	} else {
		w.offsets[i], w.counts[i] = uint64(off+4), uint64(n)
	}
	w.end = off + int64(len(buf))
	return nil
}
