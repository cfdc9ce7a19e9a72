package tiling

import "image"

// Cover returns the tiles of g that r touches, as a rectangle in tile
// coordinates: columns Min.X to Max.X-1 and rows Min.Y to Max.Y-1. r is
// clipped to the raster first, so the result is empty when r lies outside it.
func (g Grid) Cover(r image.Rectangle) image.Rectangle {
	r = r.Intersect(image.Rect(0, 0, g.Width, g.Height))
	if r.Empty() || g.TileWidth <= 0 || g.TileHeight <= 0 {
		return image.Rectangle{}
	}
	return image.Rect(r.Min.X/g.TileWidth, r.Min.Y/g.TileHeight,
		ceilDiv(r.Max.X, g.TileWidth), ceilDiv(r.Max.Y, g.TileHeight))
}

// Tiles returns the indices of the tiles of g that r touches, row-major,
// appended to dst[:0].
func (g Grid) Tiles(r image.Rectangle, dst []int) []int {
	dst = dst[:0]
	c := g.Cover(r)
	for row := c.Min.Y; row < c.Max.Y; row++ {
		for col := c.Min.X; col < c.Max.X; col++ {
			dst = append(dst, g.Index(col, row))
		}
	}
	return dst
}

// A Buffer is a block of samples laid out row-major over the pixels of Rect:
// pixel (x, y) starts at sample ((y-Rect.Min.Y)*Rect.Dx() + x-Rect.Min.X)*Stride,
// holds Stride samples, and each sample is Size bytes. A decoded tile is a
// Buffer over the tile's unclipped bounds ([Grid.Bounds]).
type Buffer struct {
	Data   []byte
	Rect   image.Rectangle
	Stride int // samples per pixel
	Size   int // bytes per sample
}

// offset returns the byte offset of sample s of pixel (x, y).
func (b Buffer) offset(x, y, s int) int {
	return (((y-b.Rect.Min.Y)*b.Rect.Dx()+x-b.Rect.Min.X)*b.Stride + s) * b.Size
}

// valid reports whether the buffer's data is large enough for its layout.
func (b Buffer) valid() bool {
	return b.Stride > 0 && b.Size > 0 && !b.Rect.Empty() &&
		len(b.Data) >= b.Rect.Dx()*b.Rect.Dy()*b.Stride*b.Size
}

// Copy copies whole pixels of r from src to dst. Both buffers must have the
// same Stride and Size; r is clipped to both rectangles. It returns the
// number of pixels copied, 0 when the layouts differ or a buffer is too
// short for its Rect.
func Copy(dst, src Buffer, r image.Rectangle) int {
	r = r.Intersect(dst.Rect).Intersect(src.Rect)
	if r.Empty() || dst.Stride != src.Stride || dst.Size != src.Size || !dst.valid() || !src.valid() {
		return 0
	}
	n := r.Dx() * src.Stride * src.Size
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d := dst.offset(r.Min.X, y, 0)
		s := src.offset(r.Min.X, y, 0)
		copy(dst.Data[d:d+n], src.Data[s:s+n])
	}
	return r.Dx() * r.Dy()
}

// CopySample copies sample srcBand of each pixel of r in src to sample
// dstBand of the same pixel in dst. Both buffers must have the same Size; r
// is clipped to both rectangles. It returns the number of samples copied, 0
// when a band is out of range, the sizes differ or a buffer is too short.
func CopySample(dst Buffer, dstBand int, src Buffer, srcBand int, r image.Rectangle) int {
	r = r.Intersect(dst.Rect).Intersect(src.Rect)
	if r.Empty() || dst.Size != src.Size || !dst.valid() || !src.valid() ||
		dstBand < 0 || dstBand >= dst.Stride || srcBand < 0 || srcBand >= src.Stride {
		return 0
	}
	size := src.Size
	ds, ss := dst.Stride*size, src.Stride*size
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d := dst.offset(r.Min.X, y, dstBand)
		s := src.offset(r.Min.X, y, srcBand)
		dd, sd := dst.Data[d:], src.Data[s:]
		switch size {
		case 1:
			for i := 0; i < r.Dx(); i++ {
				dd[i*ds] = sd[i*ss]
			}
		case 2:
			for i := 0; i < r.Dx(); i++ {
				copy(dd[i*ds:i*ds+2], sd[i*ss:i*ss+2])
			}
		case 4:
			for i := 0; i < r.Dx(); i++ {
				copy(dd[i*ds:i*ds+4], sd[i*ss:i*ss+4])
			}
		default:
			for i := 0; i < r.Dx(); i++ {
				copy(dd[i*ds:i*ds+size], sd[i*ss:i*ss+size])
			}
		}
	}
	return r.Dx() * r.Dy()
}

// Fill sets every sample of every pixel of dst outside r to the size-byte
// value v (len(v) must equal dst.Size). It is used to give the padding of
// an edge tile a fixed value.
func Fill(dst Buffer, r image.Rectangle, v []byte) {
	if !dst.valid() || len(v) != dst.Size {
		return
	}
	r = r.Intersect(dst.Rect)
	w := dst.Rect.Dx() * dst.Stride
	for y := dst.Rect.Min.Y; y < dst.Rect.Max.Y; y++ {
		row := dst.Data[dst.offset(dst.Rect.Min.X, y, 0):][:w*dst.Size]
		if y < r.Min.Y || y >= r.Max.Y || r.Empty() {
			fillSamples(row, v)
			continue
		}
		left := (r.Min.X - dst.Rect.Min.X) * dst.Stride * dst.Size
		right := (r.Max.X - dst.Rect.Min.X) * dst.Stride * dst.Size
		fillSamples(row[:left], v)
		fillSamples(row[right:], v)
	}
}

func fillSamples(b, v []byte) {
	for i := 0; i+len(v) <= len(b); i += len(v) {
		copy(b[i:], v)
	}
}
