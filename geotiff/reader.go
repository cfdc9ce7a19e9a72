package geotiff

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// Limits bound what a file can make the reader allocate. The zero value of
// each field means its default.
type Limits struct {
	MaxIFDs       int   // IFDs in the main chain; default 4096
	MaxFieldBytes int64 // bytes of one field's values; default 64 MiB
	MaxTileBytes  int64 // decoded bytes of one tile or strip; default 1 GiB (256 MiB on 32-bit)
}

// ReaderOptions configure [NewReaderOptions].
type ReaderOptions struct {
	// Name is used in error messages (a path or URL); default "".
	Name   string
	Limits Limits
	// LazyIndex leaves in the file the block offsets and byte counts of
	// images with more than 64 blocks (StripOffsets and StripByteCounts,
	// or TileOffsets and TileByteCounts): reads fetch the entries they
	// need from the file, a few hundred at a time, and each image keeps
	// at most 32 of them, so an open Reader holds about the same memory
	// whatever its number of blocks. This is for runs that open
	// thousands of local files at once; every read costs a few small
	// extra reads of the file. Those images' [Image].Fields then omit
	// the two index fields.
	LazyIndex bool
}

// A Reader reads the images of one TIFF file. Its methods are safe for
// concurrent use: every read goes through io.ReaderAt with its own offsets,
// with no shared cursor and no lock.
type Reader struct {
	r       io.ReaderAt
	size    int64
	name    string
	order   binary.ByteOrder
	bigTIFF bool
	images  []*Image
	limits  Limits
	closer  io.Closer
	lazy    bool // ReaderOptions.LazyIndex

	warnings []string
}

// Open opens the named file and parses all its IFDs.
func Open(name string) (*Reader, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := NewReaderOptions(f, st.Size(), ReaderOptions{Name: name})
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewReader parses the TIFF file of the given size read through r.
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	return NewReaderOptions(r, size, ReaderOptions{})
}

// NewReaderOptions is [NewReader] with a name for errors and limits.
func NewReaderOptions(ra io.ReaderAt, size int64, opts ReaderOptions) (*Reader, error) {
	r := &Reader{r: ra, size: size, name: opts.Name, limits: opts.Limits.withDefaults(), lazy: opts.LazyIndex}
	if size < 0 {
		return nil, r.wrap(FormatError("negative file size"))
	}
	if err := r.open(); err != nil {
		return nil, r.wrap(err)
	}
	return r, nil
}

// wrap prefixes err with the file name, if there is one.
func (r *Reader) wrap(err error) error {
	if r.name == "" {
		return err
	}
	return fmt.Errorf("%s: %w", r.name, err)
}

// Close closes the file if [Open] opened it.
func (r *Reader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

// Name returns the name given at open, for messages.
func (r *Reader) Name() string { return r.name }

// BigTIFF reports whether the file is a BigTIFF.
func (r *Reader) BigTIFF() bool { return r.bigTIFF }

// ByteOrder returns the byte order of the file.
func (r *Reader) ByteOrder() binary.ByteOrder { return r.order }

// Images returns every image of the main IFD chain, in file order.
func (r *Reader) Images() []*Image { return r.images }

// Image returns the first full-resolution image: the first IFD that is
// neither an overview nor a mask, or IFD 0 if every IFD is one.
func (r *Reader) Image() *Image {
	for _, im := range r.images {
		if !im.IsOverview() && !im.IsMask() {
			return im
		}
	}
	return r.images[0]
}
