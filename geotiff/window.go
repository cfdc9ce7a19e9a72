package geotiff

import (
	"fmt"
	"image"
	"math/bits"
)

// ReadWindow reads rectangle rect of the given bands (0-based; nil means
// all) of im and returns the samples appended to dst[:0]: rect.Dx()×rect.Dy()
// pixels, row-major, each pixel holding len(bands) samples of im.Type,
// little-endian. Each tile or strip the window touches is decoded once per
// call. It is safe for concurrent use.
func (r *Reader) ReadWindow(im *Image, rect image.Rectangle, bands []int, dst []byte) ([]byte, error) {
	if bands == nil {
		bands = make([]int, im.Bands)
		for i := range bands {
			bands[i] = i
		}
	}
	n, err := windowSize(im, rect, bands)
	if err != nil {
		return dst[:0], r.wrap(fmt.Errorf("ifd %d: %w", im.Index, err))
	}
	c0, c1 := rect.Min.X/im.TileWidth, (rect.Max.X-1)/im.TileWidth
	r0, r1 := rect.Min.Y/im.TileHeight, (rect.Max.Y-1)/im.TileHeight
	planes := []int{0}
	if im.Planar == PlanarSeparate {
		planes = uniquePlanes(bands)
	}
	g := im.Grid()
	// Check every block the window needs before allocating anything.
	for _, p := range planes {
		for row := r0; row <= r1; row++ {
			for col := c0; col <= c1; col++ {
				i := p*g.Len() + g.Index(col, row)
				if _, _, err := r.checkBlock(im, i); err != nil {
					return dst[:0], r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, im.chunkName(i), err))
				}
			}
		}
	}
	if cap(dst) >= n {
		dst = dst[:n]
	} else {
		dst = make([]byte, n)
	}
	var tile *[]byte // allocated at the first block with data
	defer func() {
		if tile != nil {
			putBuf(tile)
		}
	}()
	for _, p := range planes {
		for row := r0; row <= r1; row++ {
			for col := c0; col <= c1; col++ {
				i := p*g.Len() + g.Index(col, row)
				tb := g.Bounds(i % g.Len())
				b, err := r.fetchBlock(im, i)
				if err == nil && b.sparse {
					fillWindow(im, tb, p, rect, bands, dst)
					continue
				}
				if err == nil {
					if tile == nil {
						tile = getBuf(im.chunkSize)
					}
					err = r.decodeBlock(im, b, *tile)
					b.release()
				}
				if err != nil {
					return dst, r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, im.chunkName(i), err))
				}
				copyFromTile(im, *tile, tb, p, rect, bands, dst)
			}
		}
	}
	return dst, nil
}

// windowSize checks rect and bands against im and returns the size of the
// window in bytes.
func windowSize(im *Image, rect image.Rectangle, bands []int) (int, error) {
	if rect.Empty() || !rect.In(image.Rect(0, 0, im.Width, im.Height)) {
		return 0, fmt.Errorf("geotiff: window %v is empty or not inside the %dx%d image", rect, im.Width, im.Height)
	}
	for _, b := range bands {
		if b < 0 || b >= im.Bands {
			return 0, fmt.Errorf("geotiff: band index %d out of range [0, %d)", b, im.Bands)
		}
	}
	if len(bands) == 0 {
		return 0, fmt.Errorf("geotiff: no bands selected")
	}
	n := uint64(rect.Dx())
	for _, m := range []uint64{uint64(rect.Dy()), uint64(len(bands)), uint64(im.Type.Size())} {
		hi, lo := bits.Mul64(n, m)
		if hi != 0 || lo > uint64(maxInt) {
			return 0, fmt.Errorf("geotiff: window %v of %d bands is too large for this platform", rect, len(bands))
		}
		n = lo
	}
	return int(n), nil
}

const maxInt = int(^uint(0) >> 1)

// uniquePlanes returns the distinct band indices of bands in first-seen order.
func uniquePlanes(bands []int) []int {
	var out []int
	for _, b := range bands {
		dup := false
		for _, o := range out {
			dup = dup || o == b
		}
		if !dup {
			out = append(out, b)
		}
	}
	return out
}

// copyFromTile copies the part of a decoded tile (covering pixel bounds tb,
// holding plane p) that falls in rect into the window buffer dst.
func copyFromTile(im *Image, tile []byte, tb image.Rectangle, p int, rect image.Rectangle, bands []int, dst []byte) {
	in := tb.Intersect(rect)
	size := im.Type.Size()
	spp := im.TileBands()
	nb := len(bands)
	// Which window slot takes which tile sample: src[k] for window band k.
	var src [64]int
	srcIdx := src[:0]
	if nb > len(src) {
		srcIdx = make([]int, 0, nb)
	}
	whole := nb == spp
	for k, b := range bands {
		s := b
		if im.Planar == PlanarSeparate {
			if b != p {
				s = -1
			} else {
				s = 0
			}
		}
		srcIdx = append(srcIdx, s)
		whole = whole && s == k
	}
	tileRow := im.TileWidth * spp * size
	winRow := rect.Dx() * nb * size
	for y := in.Min.Y; y < in.Max.Y; y++ {
		t := tile[(y-tb.Min.Y)*tileRow+(in.Min.X-tb.Min.X)*spp*size:]
		w := dst[(y-rect.Min.Y)*winRow+(in.Min.X-rect.Min.X)*nb*size:]
		if whole {
			copy(w[:in.Dx()*nb*size], t)
			continue
		}
		for x := 0; x < in.Dx(); x++ {
			for k, s := range srcIdx {
				if s >= 0 {
					copy(w[(x*nb+k)*size:(x*nb+k+1)*size], t[(x*spp+s)*size:])
				}
			}
		}
	}
}

// fillWindow fills the part of the window dst that a sparse block (covering
// pixel bounds tb, holding plane p) covers with the image's fill value: its
// nodata value when the type can hold it, else 0, as [Reader.ReadTile]
// fills a sparse block.
func fillWindow(im *Image, tb image.Rectangle, p int, rect image.Rectangle, bands []int, dst []byte) {
	size := im.Type.Size()
	var v [8]byte
	fillSparse(im, v[:size])
	in := tb.Intersect(rect)
	nb := len(bands)
	winRow := rect.Dx() * nb * size
	for y := in.Min.Y; y < in.Max.Y; y++ {
		w := dst[(y-rect.Min.Y)*winRow+(in.Min.X-rect.Min.X)*nb*size:]
		for x := 0; x < in.Dx(); x++ {
			for k, b := range bands {
				if im.Planar != PlanarSeparate || b == p {
					copy(w[(x*nb+k)*size:], v[:size])
				}
			}
		}
	}
}
