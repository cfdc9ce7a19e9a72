package compute

import (
	"image"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
	"github.com/gomean/gomean/tiling"
)

// A source is one opened input with what the pipeline derives from it.
type source struct {
	idx  int
	name string
	r    *geotiff.Reader
	im   *geotiff.Image
	grid tiling.Grid // the input's block grid (tiles, or full-width strips)
	size int         // bytes per sample
	decs []decoder   // per band: its samples to float64, nodata to NaN
	// vmode is per band: where the validity of its samples comes from
	// beyond NaN (the mask, the alpha band, nodata or nothing).
	vmode []validity
	// loads[o] lists the bands loaded for output plane o: the plane's
	// bands, then the alpha band when a band uses it.
	loads [][]int
	// mask reads the input's mask (internal or FILE.msk), if it has one;
	// maskPerBand is set when it has one band per input band.
	mask        *source
	maskPerBand bool
	sep         bool // PlanarSeparate: one block plane per band
	plane       int  // blocks of one plane
	// direct is set when the input's tiles are the output's tiles and the
	// input is PlanarContig: output tile i is read with ReadTile(i).
	direct bool
	// uses[p] is the number of output planes that need input plane p.
	uses []int
	// off is the output pixel of the input's pixel (0, 0); foot is the
	// input's footprint in output pixels.
	off  image.Point
	foot image.Rectangle
	// rs, when set, places the input through nearest-neighbour axes
	// instead of off; with an area kernel (kern), the window holds the
	// kernel's float64 results and kdecs are the input's own decoders.
	rs     *grid.Placement
	kern   grid.Kernel
	kdecs  []decoder
	interp *grid.Interp // for interpolating kernels (bilinear, cubic, cubicspline, lanczos)
	kvalid []validity   // with a kernel, each band's validity before the kernel folds it into NaN
}

// planeOf returns the block plane that holds band b.
func (s *source) planeOf(b int) int {
	if s.sep {
		return b
	}
	return 0
}

// refs returns how many output tile requests need input block i (the
// output tiles its pixels overlap, times the output planes that need its
// plane) and those tiles, in tile coordinates.
func (s *source) refs(out tiling.Grid, i int) (int, image.Rectangle) {
	plane := i / s.plane
	r := s.grid.Rect(i % s.plane).Add(s.off)
	if s.rs != nil {
		x0, x1 := s.rs.X.Range(r.Min.X, r.Max.X)
		y0, y1 := s.rs.Y.Range(r.Min.Y, r.Max.Y)
		switch {
		case s.interp != nil:
			x0, x1 = s.interp.RangeX(r.Min.X, r.Max.X)
			y0, y1 = s.interp.RangeY(r.Min.Y, r.Max.Y)
		case s.kern != grid.Nearest:
			x0, x1 = s.rs.X.ClampedRange(r.Min.X, r.Max.X, s.im.Width)
			y0, y1 = s.rs.Y.ClampedRange(r.Min.Y, r.Max.Y, s.im.Height)
		}
		r = image.Rect(x0, y0, x1, y1).Intersect(s.foot)
	}
	c := out.Cover(r)
	return c.Dx() * c.Dy() * s.uses[plane], c
}

// A view locates one band of an output tile's window in a buffer: the
// sample of pixel p is at sample index first+p*stride of data.
type view struct {
	data          []byte
	first, stride int
}

// A blockRef names an input block and its plane.
type blockRef struct{ block, plane int }

// load reads the window of output tile t (bounds, of which rect lies in
// the image) for the given bands of s into views[j], one per band, using
// the worker's buffers win and its scratch list later.
func (s *source) load(p *pipeline, t int, bounds, rect image.Rectangle, bands []int, views []view, win *[][]byte, later *[]blockRef) error {
	if s.direct {
		return s.loadDirect(t, bands, views, win)
	}
	if s.rs != nil && s.kern != grid.Nearest {
		return s.loadKernel(p, bounds, rect, bands, views, win)
	}
	if s.rs != nil {
		return s.loadResampled(p, bounds, rect, bands, views, win)
	}
	// In the input's own pixels: the window keeps the output tile's shape,
	// and its pixels outside the input are left as they are (the worker
	// counts them invalid).
	bounds = bounds.Sub(s.off)
	rect = rect.Sub(s.off).Intersect(image.Rect(0, 0, s.im.Width, s.im.Height))
	n := bounds.Dx() * bounds.Dy() * len(bands) * s.size
	if len(*win) == 0 {
		*win = append(*win, nil)
	}
	buf := grow((*win)[0], n)
	(*win)[0] = buf
	dst := tiling.Buffer{Data: buf, Rect: bounds, Stride: len(bands), Size: s.size}
	for j := range bands {
		views[j] = view{data: buf, first: j, stride: len(bands)}
	}
	// Blocks that another worker is decoding are left for a second pass,
	// so two workers on neighbouring output tiles, which need the same
	// blocks in the same order, decode different blocks side by side
	// instead of one waiting for each block the other decodes.
	cover := s.grid.Cover(rect)
	*later = (*later)[:0]
	for plane := range s.uses {
		if !needsPlane(s, bands, plane) {
			continue
		}
		for row := cover.Min.Y; row < cover.Max.Y; row++ {
			for col := cover.Min.X; col < cover.Max.X; col++ {
				i := s.im.TileIndex(col, row, plane)
				done, err := s.copyBlock(p, i, plane, dst, rect, bands, false)
				if err != nil {
					return err
				}
				if !done {
					*later = append(*later, blockRef{i, plane})
				}
			}
		}
	}
	for _, b := range *later {
		if _, err := s.copyBlock(p, b.block, b.plane, dst, rect, bands, true); err != nil {
			return err
		}
	}
	return nil
}

func needsPlane(s *source, bands []int, plane int) bool {
	for _, b := range bands {
		if s.planeOf(b) == plane {
			return true
		}
	}
	return false
}

// copyBlock copies the part of block i (of plane plane) that lies in rect
// into dst, for every band of that plane. Without wait it copies nothing
// and reports false when another worker is decoding the block.
func (s *source) copyBlock(p *pipeline, i, plane int, dst tiling.Buffer, rect image.Rectangle, bands []int, wait bool) (bool, error) {
	key := blockKey{s.idx, i}
	b, err := p.cache.get(key, func() (int, image.Rectangle) { return s.refs(p.grid, i) }, func(buf []byte) ([]byte, error) {
		return s.r.ReadTile(s.im, i, buf)
	}, wait)
	if b == nil && err == nil {
		return false, nil
	}
	if err != nil {
		p.cache.put(b)
		return false, &InputError{Path: s.name, Err: err}
	}
	src := tiling.Buffer{Data: b.data, Rect: s.grid.Bounds(i % s.plane), Stride: s.im.TileBands(), Size: s.size}
	if !s.sep && len(bands) == s.im.Bands && identity(bands) {
		tiling.Copy(dst, src, rect)
	} else {
		for j, band := range bands {
			if s.planeOf(band) == plane {
				tiling.CopySample(dst, j, src, s.sampleOf(band), rect)
			}
		}
	}
	p.cache.put(b)
	return true, nil
}

// loadDirect reads output tile t as input tile t (plane 0).
func (s *source) loadDirect(t int, bands []int, views []view, win *[][]byte) error {
	if len(*win) == 0 {
		*win = append(*win, nil)
	}
	data, err := s.r.ReadTile(s.im, t, (*win)[0])
	(*win)[0] = data
	if err != nil {
		return &InputError{Path: s.name, Err: err}
	}
	for j, b := range bands {
		views[j] = view{data: data, first: b, stride: s.im.Bands}
	}
	return nil
}

func identity(bands []int) bool {
	for i, b := range bands {
		if b != i {
			return false
		}
	}
	return true
}

// sampleOf returns the position of band b among the samples of a pixel in
// its block.
func (s *source) sampleOf(b int) int {
	if s.sep {
		return 0
	}
	return b
}

// grow returns b resized to n bytes, reusing its storage when it can.
func grow(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]byte, n)
}
