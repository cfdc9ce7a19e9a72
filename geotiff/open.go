package geotiff

import (
	"fmt"
	"io"
	"math"
	"strconv"
)

// defaultLimits fills in the zero fields of l.
func (l Limits) withDefaults() Limits {
	if l.MaxIFDs <= 0 {
		l.MaxIFDs = 4096
	}
	if l.MaxFieldBytes <= 0 {
		l.MaxFieldBytes = 64 << 20
	}
	if l.MaxTileBytes <= 0 {
		l.MaxTileBytes = 1 << 30
		if strconv.IntSize == 32 {
			l.MaxTileBytes = 256 << 20
		}
	}
	return l
}

// open parses the header and the main IFD chain.
func (r *Reader) open() error {
	hdr := make([]byte, headerBig)
	n, err := r.r.ReadAt(hdr, 0)
	if err != nil && err != io.EOF {
		return err
	}
	var first uint64
	r.order, r.bigTIFF, first, err = parseHeader(hdr[:n])
	if err != nil {
		return err
	}
	seen := make(map[uint64]bool)
	for off := first; off != 0; {
		idx := len(r.images)
		if idx >= r.limits.MaxIFDs {
			r.warnf("ifd %d: more than %d IFDs; the rest are ignored", idx, r.limits.MaxIFDs)
			break
		}
		if seen[off] {
			r.warnf("ifd %d: IFD chain loops back to offset %d; the rest are ignored", idx, off)
			break
		}
		seen[off] = true
		im, next, err := r.readImage(idx, off)
		if err != nil {
			if idx == 0 {
				return err
			}
			r.warnf("%v; it and the IFDs after it are ignored", err)
			break
		}
		r.images = append(r.images, im)
		off = next
	}
	if len(r.images) == 0 {
		return FormatError("no IFD")
	}
	r.pairMasks()
	return nil
}

// readImage parses the IFD at off into an Image.
func (r *Reader) readImage(idx int, off uint64) (*Image, uint64, error) {
	if off > math.MaxInt64 {
		return nil, 0, fmt.Errorf("ifd %d: %w", idx, FormatError(fmt.Sprintf("offset %d out of range", off)))
	}
	fields, deferred, next, err := r.readIFD(off)
	if err != nil {
		return nil, 0, fmt.Errorf("ifd %d at offset %d: %w", idx, off, err)
	}
	im := &Image{Index: idx, Offset: int64(off), Fields: fields}
	if err := im.parse(r, deferred); err != nil {
		return nil, 0, fmt.Errorf("ifd %d: %w", idx, err)
	}
	return im, next, nil
}

// warnf records a non-fatal problem found while opening the file.
func (r *Reader) warnf(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

// Warnings returns the non-fatal problems found while opening the file,
// such as an IFD chain that loops, as GDAL reports them as warnings.
func (r *Reader) Warnings() []string { return r.warnings }
