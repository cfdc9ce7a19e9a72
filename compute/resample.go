package compute

import (
	"image"

	"github.com/gomean/gomean/tiling"
)

// loadResampled fills the window of an output tile (bounds, of which rect
// lies in the output) for the given bands of s, an input placed through
// nearest-neighbour axes: each output pixel in the input's footprint takes
// the samples of its nearest input pixel, read from the blocks that hold
// them through the shared cache. The window has the tile's shape; its
// pixels outside the footprint are left as they are (the worker counts
// them invalid).
func (s *source) loadResampled(p *pipeline, bounds, rect image.Rectangle, bands []int, views []view, win *[][]byte) error {
	n := bounds.Dx() * bounds.Dy() * len(bands) * s.size
	if len(*win) == 0 {
		*win = append(*win, nil)
	}
	buf := grow((*win)[0], n)
	(*win)[0] = buf
	for j := range bands {
		views[j] = view{data: buf, first: j, stride: len(bands)}
	}
	r := rect.Intersect(s.foot)
	if r.Empty() {
		return nil
	}
	ax, ay := s.rs.X, s.rs.Y
	in := image.Rect(ax.Nearest(r.Min.X), ay.Nearest(r.Min.Y), ax.Nearest(r.Max.X-1)+1, ay.Nearest(r.Max.Y-1)+1)
	cover := s.grid.Cover(in)
	// The input column of each output column of r.
	cols := make([]int, r.Dx())
	for x := range cols {
		cols[x] = ax.Nearest(r.Min.X + x)
	}
	for plane := range s.uses {
		if !needsPlane(s, bands, plane) {
			continue
		}
		for row := cover.Min.Y; row < cover.Max.Y; row++ {
			for col := cover.Min.X; col < cover.Max.X; col++ {
				i := s.im.TileIndex(col, row, plane)
				br := s.grid.Rect(i % s.plane)
				x0, x1 := ax.Range(br.Min.X, br.Max.X)
				y0, y1 := ay.Range(br.Min.Y, br.Max.Y)
				o := image.Rect(x0, y0, x1, y1).Intersect(r)
				if o.Empty() {
					continue
				}
				if err := s.gatherBlock(p, i, plane, buf, bounds, o, r.Min.X, cols, bands); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// gatherBlock copies into buf (the window over bounds) the samples of the
// output pixels o whose nearest input pixels lie in block i of plane plane.
// cols[x-x0] is the input column of output column x.
func (s *source) gatherBlock(p *pipeline, i, plane int, buf []byte, bounds, o image.Rectangle, x0 int, cols []int, bands []int) error {
	key := blockKey{s.idx, i}
	b, err := p.cache.get(key, func() (int, image.Rectangle) { return s.refs(p.grid, i) }, func(dst []byte) ([]byte, error) {
		return s.r.ReadTile(s.im, i, dst)
	}, true)
	if err != nil {
		p.cache.put(b)
		return &InputError{Path: s.name, Err: err}
	}
	defer p.cache.put(b)
	bb := s.grid.Bounds(i % s.plane)
	src := tiling.Buffer{Data: b.data, Rect: bb, Stride: s.im.TileBands(), Size: s.size}
	if len(src.Data) < bb.Dx()*bb.Dy()*src.Stride*src.Size {
		return nil // a short block: nothing to copy (ReadTile reports real errors)
	}
	size, nb, tb := s.size, len(bands), src.Stride
	for y := o.Min.Y; y < o.Max.Y; y++ {
		sy := s.rs.Y.Nearest(y) - bb.Min.Y
		srow := sy * bb.Dx()
		drow := (y-bounds.Min.Y)*bounds.Dx() - bounds.Min.X
		for x := o.Min.X; x < o.Max.X; x++ {
			sp := (srow + cols[x-x0] - bb.Min.X) * tb
			dp := (drow + x) * nb
			for j, band := range bands {
				if s.planeOf(band) != plane {
					continue
				}
				si, di := (sp+s.sampleOf(band))*size, (dp+j)*size
				copy(buf[di:di+size], b.data[si:si+size])
			}
		}
	}
	return nil
}
