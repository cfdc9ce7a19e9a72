package geotiff

import "image"

// Number is the set of Go types that [ReadWindowAs] converts samples to.
type Number interface {
	~uint8 | ~int8 | ~uint16 | ~int16 | ~uint32 | ~int32 | ~uint64 | ~int64 | ~float32 | ~float64
}

// ReadWindowAs is [Reader.ReadWindow] into a typed slice: the samples of
// the window, converted from im.Type to T with Go's conversion rules, are
// appended to dst[:0]. Samples pass through float64, so they are exact
// except 64-bit integers beyond ±2^53; converting to a narrower type
// truncates as Go does. For raw samples use ReadWindow.
func ReadWindowAs[T Number](r *Reader, im *Image, rect image.Rectangle, bands []int, dst []T) ([]T, error) {
	p := getBuf(0)
	defer putBuf(p)
	raw, err := r.ReadWindow(im, rect, bands, (*p)[:0])
	*p = raw
	if err != nil {
		return dst[:0], err
	}
	size := im.Type.Size()
	n := len(raw) / size
	if cap(dst) >= n {
		dst = dst[:n]
	} else {
		dst = make([]T, n)
	}
	for i := range dst {
		dst[i] = T(im.Type.Get(raw[i*size:]))
	}
	return dst, nil
}
