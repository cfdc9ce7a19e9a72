package geotiff

// File layout written by Writer (TIFF 6.0 section 2, BigTIFF):
//
//	offset 0        header, 16 bytes reserved, patched by Close:
//	                classic: "II" or "MM", 42, uint32 offset of the IFD, 8 unused zero bytes;
//	                BigTIFF: "II" or "MM", 43, 8, 0, uint64 offset of the IFD
//	offset 16       compressed tiles, in tile index order, back to back
//	                (PlanarSeparate: every tile of band 0, then band 1, ...);
//	                with a mask, mask tile i right after image tile i
//	                (PlanarSeparate: after the tile i of band 0)
//	after the data  the image IFD, at an even offset: entry count, entries
//	                in ascending tag order, next-IFD offset (classic:
//	                2+12n+4 bytes, BigTIFF: 8+20n+8), 0 without a mask
//	after the IFD   the values too large for their entry, in tag order, each
//	                at an even offset: TileOffsets and TileByteCounts (LONG,
//	                or LONG8 in a BigTIFF), BitsPerSample, SampleFormat, geo
//	                tags, GDAL_METADATA, ...
//	then            with a mask, the mask IFD (NewSubfileType 4) and its
//	                values, at an even offset, the end of the chain
//
// Nothing depends on timing or on the number of workers, so the same
// tiles and options always give the same bytes.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/gomean/gomean/deflate"
)

// headerSize is the space reserved at the start of the file for the
// header, large enough for a BigTIFF one.
const headerSize = 16

// A Writer writes one tiled GeoTIFF image. Tiles are handed to
// [Writer.WriteTile] from any goroutine in any order; a pool of workers
// applies the predictor and compresses them, and one goroutine appends
// them to the file in index order. [Writer.Close] then writes the IFD after
// the data and the header at offset 0.
//
// At most a window of 4 tiles per worker (each with its mask tile, with
// [WriterOptions].Mask) is held in memory between WriteTile and the file,
// whatever the raster size: WriteTile and [Writer.WriteMaskTile] block
// while their tile is that far ahead of the next one to append, so a
// goroutine that writes tiles must not wait for an earlier tile that it
// has not written itself. At most window + Workers tile buffers are in use
// at a time (a sync.Pool keeps some idle ones until the next GC).
//
// The nodata value may change until Close ([Writer.SetNoData]), which
// writes the IFD last.
//
// Every Writer must be finished with Close or [Writer.Abort], which stop
// its goroutines.
type Writer struct {
	cfg *writerConfig
	w   io.WriterAt

	// Set by Create.
	file       *os.File
	tmp, final string

	bufs     sync.Pool // of *[]byte tile buffers
	maskBufs sync.Pool // of *[]byte mask tile buffers
	jobs     chan tileJob
	ready    chan struct{} // a worker delivered a tile; capacity 1
	quit     chan struct{} // closed on the first error or Abort
	appended chan struct{} // closed when every tile is in the file
	wg       sync.WaitGroup

	mu         sync.Mutex
	err        error // first error; set once, with quit closed
	closed     bool  // Close or Abort was called
	jobsClosed bool
	slots      []tileSlot // items in [next, next+window), by item % window
	claimed    []uint64   // bitset of items handed to WriteTile or WriteMaskTile
	submitted  int        // items given to the workers
	noData     string     // GDAL_NODATA text, "" for none

	// Owned by the appender until appended is closed.
	end                     int64 // file offset after the last tile written
	offsets, counts         []uint64
	maskOffsets, maskCounts []uint64

	abortOnce sync.Once
	closeOnce sync.Once
	closeErr  error
}

// Create creates a GeoTIFF named name. It writes to a temporary file in the
// same directory, named as [TempPattern] says, which [Writer.Close] syncs
// and renames to name only when the whole file is written; [Writer.Abort]
// or a failed Close removes it. Create first removes the temporary files
// of name left by processes that no longer run.
//
// An existing file named name is an error wrapping [fs.ErrExist] unless
// opts.Overwrite is set. Errors of writing the file name the output, not
// the temporary file.
func Create(name string, opts WriterOptions) (*Writer, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	f, err := createTemp(name, cfg.Overwrite)
	if err != nil {
		return nil, err
	}
	w, err := newWriter(f, cfg, f, name)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return w, nil
}

// NewWriter returns a Writer that writes a GeoTIFF to w, from offset 0.
// Close does not close w. After an error or Abort, w holds a partial file.
func NewWriter(w io.WriterAt, opts WriterOptions) (*Writer, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	return newWriter(w, cfg, nil, "")
}

// newWriter returns a Writer writing to w; for Create, f is the temporary
// file and final the output's name.
func newWriter(w io.WriterAt, cfg *writerConfig, f *os.File, final string) (*Writer, error) {
	enc, err := newEncodeFunc(cfg)
	if err != nil {
		return nil, err
	}
	var maskEnc encodeFunc
	if cfg.Mask {
		e, err := deflate.NewEncoder(maskDeflateLevel)
		if err != nil {
			return nil, fmt.Errorf("geotiff: %w", err)
		}
		maskEnc = e.Encode
	}
	wr := &Writer{
		cfg:         cfg,
		w:           w,
		file:        f,
		final:       final,
		jobs:        make(chan tileJob, cfg.window),
		ready:       make(chan struct{}, 1),
		quit:        make(chan struct{}),
		appended:    make(chan struct{}),
		slots:       make([]tileSlot, cfg.window),
		claimed:     make([]uint64, (cfg.numItems+63)/64),
		noData:      cfg.noData,
		end:         cfg.dataStart,
		offsets:     make([]uint64, cfg.numTiles),
		counts:      make([]uint64, cfg.numTiles),
		maskOffsets: make([]uint64, cfg.maskTiles),
		maskCounts:  make([]uint64, cfg.maskTiles),
	}
	if f != nil {
		wr.tmp = f.Name()
	}
	for i := range wr.slots {
		wr.slots[i].turn = i
	}
	wr.start(enc, maskEnc)
	return wr, nil
}

// NumTiles returns the number of tiles of the image: tiles across × tiles
// down, times Bands for PlanarSeparate.
func (w *Writer) NumTiles() int { return w.cfg.numTiles }

// TileBytes returns the size in bytes of the samples of one tile as
// [Writer.WriteTile] takes them.
func (w *Writer) TileBytes() int { return w.cfg.tileBytes }

// WriteTile hands tile i to the writer: TileWidth×TileHeight pixels of
// Bands samples (1 for PlanarSeparate) of the options' Type, row-major,
// little-endian, [Writer.TileBytes] bytes in all. Tiles are numbered
// row-major from the top-left one; for PlanarSeparate, band b's tiles come
// after those of bands 0 to b-1. Edge tiles are full size; what lies
// outside the image is written as given.
//
// WriteTile is safe for concurrent use and tiles may come in any order.
// It copies samples before it returns. It blocks while tile i is too far
// ahead of the next tile to be appended, until ctx is done. An error of
// an earlier tile, from a worker or the file, is returned by the calls
// after it and by Close.
func (w *Writer) WriteTile(ctx context.Context, i int, samples []byte) error {
	if i < 0 || i >= w.cfg.numTiles {
		return fmt.Errorf("geotiff: write tile %d: index out of range [0, %d)", i, w.cfg.numTiles)
	}
	if len(samples) != w.cfg.tileBytes {
		return fmt.Errorf("geotiff: write tile %d: got %d bytes of samples, want %d", i, len(samples), w.cfg.tileBytes)
	}
	seq := w.cfg.imageSeq(i)
	if err := w.waitTurn(ctx, seq); err != nil {
		return err
	}
	buf := w.getBuf(w.cfg.tileBytes)
	copy(*buf, samples)
	return w.submit(seq, buf)
}

// SetNoData sets the nodata value that Close writes as GDAL_NODATA, in
// place of the options' HasNoData, NoData and NoDataText: none if has is
// false, else v formatted for the sample type by [FormatNoDataType]. v must
// be a value of the type, as for [WriterOptions].NoData. SetNoData is safe
// for concurrent use and may be called until Close or Abort.
func (w *Writer) SetNoData(has bool, v float64) error {
	text := ""
	if has {
		var err error
		if text, err = noDataText(w.cfg.Type, v); err != nil {
			return err
		}
	}
	return w.setNoData("SetNoData", text)
}

// SetNoDataText sets the text that Close writes as GDAL_NODATA, as it is,
// in place of the options' nodata, for values a float64 cannot hold
// ("-9223372036854775807"). It must be text GDAL reads as a value of the
// sample type, as for [WriterOptions].NoDataText; "" is an error (use
// SetNoData(false, 0) to write none). SetNoDataText is safe for concurrent
// use and may be called until Close or Abort.
func (w *Writer) SetNoDataText(s string) error {
	if s == "" {
		return errors.New("geotiff: SetNoDataText: empty text: use SetNoData(false, 0) to write no nodata")
	}
	text, err := checkNoDataText(w.cfg.Type, s)
	if err != nil {
		return err
	}
	return w.setNoData("SetNoDataText", text)
}

func (w *Writer) setNoData(method, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("geotiff: %s after Close", method)
	}
	w.noData = text
	return nil
}

// Close waits until every tile is in the file, then writes the IFD and the
// header; for [Create] it syncs the file, closes it and renames it into
// place. It is an error if a tile was never written, or with
// [WriterOptions].Mask its mask tile. After an error the
// output is removed (Create) or left partial (NewWriter). Calls after the
// first return its result.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() { w.closeErr = w.close() })
	return w.closeErr
}

func (w *Writer) close() error {
	w.mu.Lock()
	w.closed = true
	short := w.submitted < w.cfg.numItems
	missing := -1
	if short {
		missing = w.firstUnclaimed()
	}
	w.mu.Unlock()
	switch {
	case missing >= 0:
		w.fail(w.cfg.missingError(missing))
	case short:
		w.fail(errors.New("geotiff: close: called while WriteTile or WriteMaskTile was still running"))
	}
	select {
	case <-w.appended:
	case <-w.quit:
	}
	w.stop()
	if err := w.firstErr(); err != nil {
		w.discard()
		return err
	}
	if err := w.finish(); err != nil {
		w.discard()
		return err
	}
	return nil
}

// Abort stops the writer without finishing the file: its goroutines exit
// and, for [Create], the temporary file is removed. Abort after Close, or
// a second Abort, does nothing and returns nil. The error is that of
// removing the temporary file.
func (w *Writer) Abort() error {
	var err error
	w.closeOnce.Do(func() {
		w.fail(errAborted)
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
		w.stop()
		err = w.discard()
		w.closeErr = errAborted
	})
	return err
}

var (
	errAborted = errors.New("geotiff: writer aborted")
	errClosed  = errors.New("geotiff: WriteTile after Close")
)
