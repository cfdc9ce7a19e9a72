package compute

import (
	"encoding/binary"
	"fmt"
	"image"
	"math"
	"slices"
	"unsafe"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
)

// useKernel makes s, an input resampled with a kernel other than nearest
// neighbour, load float64 values with NaN for invalid samples: its own
// decoders (nodata to NaN) run before the kernel, and so do its mask or
// alpha band (0 to NaN), so the kernel leaves the invalid samples out;
// the worker then decodes the kernel's float64 results, whose validity is
// NaN alone.
func (p *pipeline) useKernel(s *source) {
	s.kern = p.cfg.Grid.Resampling
	if s.kern.Interpolating() {
		s.interp = grid.NewInterp(s.kern, s.rs.X, s.rs.Y, s.im.Width, s.im.Height)
	}
	s.kvalid = slices.Clone(s.vmode)
	for b, v := range s.vmode {
		if v == validAlpha || v == validMask {
			s.vmode[b] = validNaN
		}
	}
	s.kdecs = s.decs
	s.decs = make([]decoder, len(s.kdecs))
	for b := range s.decs {
		s.decs[b] = newDecoder(geotiff.Float64, false, 0)
	}
	if m := s.mask; m != nil {
		// The mask's blocks are read through the kernel's windows.
		m.kern, m.interp = s.kern, s.interp
		m.kdecs = make([]decoder, m.im.Bands)
		for b := range m.kdecs {
			m.kdecs[b] = newDecoder(m.im.Type, false, 0)
		}
	}
}

// foldValidity sets to NaN the samples of vals (the decoded window in for
// bands, band after band, wn pixels each) that the input's mask or alpha
// band marks invalid (0), reading the mask's window into (*win)[2].
func (s *source) foldValidity(p *pipeline, in image.Rectangle, bands []int, vals []float64, wn int, win *[][]byte) error {
	nan := math.NaN()
	if m := s.mask; m != nil {
		mb := []int{0}
		if s.maskPerBand {
			mb = bands
		}
		for len(*win) < 3 {
			*win = append(*win, nil)
		}
		b := grow((*win)[2], wn*len(mb)*8)
		(*win)[2] = b
		mvals := float64s(b)
		if err := m.decodeWindow(p, in, mb, mvals); err != nil {
			return err
		}
		for j, band := range bands {
			if s.kvalid[band] != validMask {
				continue
			}
			mj := 0
			if s.maskPerBand {
				mj = j
			}
			mp, vp := mvals[mj*wn:(mj+1)*wn], vals[j*wn:(j+1)*wn]
			for q, v := range mp {
				if v == 0 {
					vp[q] = nan
				}
			}
		}
		return nil
	}
	// The alpha band is loaded last (see newSource).
	ja := len(bands) - 1
	for j, band := range bands[:ja] {
		if s.kvalid[band] != validAlpha {
			continue
		}
		ap, vp := vals[ja*wn:(ja+1)*wn], vals[j*wn:(j+1)*wn]
		for q, v := range ap {
			if v == 0 {
				vp[q] = nan
			}
		}
	}
	return nil
}

// kernelCells bounds the input pixels under one output tile of tw×th
// pixels for a kernel: the tile scaled to the input, plus the cells'
// edges (area kernels) or the kernel's margin (interpolating kernels),
// and no more than the input.
func (s *source) kernelCells(tw, th int) float64 {
	sx, sy := math.Abs(s.rs.X.Scale), math.Abs(s.rs.Y.Scale)
	mx, my := 2.0, 2.0
	if s.interp != nil {
		lo, hi := s.interp.SupportX(0)
		mx = float64(hi-lo) + 1
		lo, hi = s.interp.SupportY(0)
		my = float64(hi-lo) + 1
	}
	cells := (float64(tw)*sx + mx) * (float64(th)*sy + my)
	return math.Min(cells, float64(s.im.Width)*float64(s.im.Height)) // the window lies in the input
}

// loadKernel fills the window of an output tile (bounds, of which rect
// lies in the output) for the given bands of s with the kernel's float64
// results: the input pixels under each output pixel's cell are decoded
// (invalid ones to NaN), then averaged with their overlap as weight, or
// their least or greatest taken, leaving the invalid ones out, as gdalwarp
// does. A pixel with no valid input pixel is NaN.
func (s *source) loadKernel(p *pipeline, bounds, rect image.Rectangle, bands []int, views []view, win *[][]byte) error {
	nb := len(bands)
	for len(*win) < 2 {
		*win = append(*win, nil)
	}
	buf := grow((*win)[0], bounds.Dx()*bounds.Dy()*nb*8)
	(*win)[0] = buf
	for j := range bands {
		views[j] = view{data: buf, first: j, stride: nb}
	}
	r := rect.Intersect(s.foot)
	if r.Empty() {
		return nil
	}
	ax, ay := s.rs.X, s.rs.Y
	iw, ih := s.im.Width, s.im.Height
	var in image.Rectangle
	if s.interp != nil {
		in = s.interp.Window(r)
	} else {
		x0, _ := ax.ClampedCell(r.Min.X, iw)
		_, x1 := ax.ClampedCell(r.Max.X-1, iw)
		y0, _ := ay.ClampedCell(r.Min.Y, ih)
		_, y1 := ay.ClampedCell(r.Max.Y-1, ih)
		in = image.Rect(x0, y0, x1, y1).Intersect(image.Rect(0, 0, iw, ih))
	}
	if in.Empty() {
		fillNaNBytes(buf)
		return nil
	}
	// The decoded input window, band after band.
	wn := in.Dx() * in.Dy()
	sb := grow((*win)[1], wn*nb*8)
	(*win)[1] = sb
	vals := float64s(sb)
	if err := s.decodeWindow(p, in, bands, vals); err != nil {
		return err
	}
	if err := s.foldValidity(p, in, bands, vals, wn, win); err != nil {
		return err
	}
	if s.interp != nil {
		s.interpolate(buf, vals, wn, in, bounds, r, nb)
		return nil
	}
	// Per output column of r: its cell, clipped to the window.
	type cell struct{ lo, hi int }
	cols := make([]cell, r.Dx())
	for x := range cols {
		lo, hi := ax.ClampedCell(r.Min.X+x, iw)
		cols[x] = cell{max(lo, in.Min.X), min(hi, in.Max.X)}
	}
	fillNaNBytes(buf)
	for j := range bands {
		plane := vals[j*wn : (j+1)*wn]
		for oy := r.Min.Y; oy < r.Max.Y; oy++ {
			ylo, yhi := ay.ClampedCell(oy, ih)
			ylo, yhi = max(ylo, in.Min.Y), min(yhi, in.Max.Y)
			drow := ((oy-bounds.Min.Y)*bounds.Dx() - bounds.Min.X) * nb
			for ox := r.Min.X; ox < r.Max.X; ox++ {
				c := cols[ox-r.Min.X]
				v := kernelValue(s.kern, plane, in, ax, ay, ox, oy, c.lo, c.hi, ylo, yhi)
				binary.LittleEndian.PutUint64(buf[(drow+ox*nb+j)*8:], math.Float64bits(v))
			}
		}
	}
	return nil
}

// interpolate fills buf (the window over bounds, nb bands interleaved)
// for the output pixels r with the interpolating kernel's values from
// vals, the decoded input pixels in, band after band (wn pixels each).
func (s *source) interpolate(buf []byte, vals []float64, wn int, in, bounds, r image.Rectangle, nb int) {
	ip := s.interp
	// The column taps of r, computed once for its rows; their weights
	// share one backing array.
	cols := make([]grid.Tap, r.Dx())
	wts := make([]float64, 0, r.Dx()*ip.Taps())
	for x := range cols {
		cols[x] = ip.TapX(r.Min.X+x, wts)
		wts = cols[x].Wt[len(cols[x].Wt):]
	}
	var ybuf []float64
	fillNaNBytes(buf)
	for oy := r.Min.Y; oy < r.Max.Y; oy++ {
		ty := ip.TapY(oy, ybuf)
		ybuf = ty.Wt
		drow := ((oy-bounds.Min.Y)*bounds.Dx() - bounds.Min.X) * nb
		for j := 0; j < nb; j++ {
			plane := vals[j*wn : (j+1)*wn]
			for x := range cols {
				v := ip.At(plane, in, &cols[x], &ty)
				binary.LittleEndian.PutUint64(buf[(drow+(r.Min.X+x)*nb+j)*8:], math.Float64bits(v))
			}
		}
	}
}

// kernelValue applies kernel k to the input pixels [xlo, xhi) × [ylo, yhi)
// of plane (the window in) for output pixel (ox, oy).
func kernelValue(k grid.Kernel, plane []float64, in image.Rectangle, ax, ay grid.Axis, ox, oy, xlo, xhi, ylo, yhi int) float64 {
	w := in.Dx()
	switch k {
	case grid.Average:
		sum, wsum := 0.0, 0.0
		for y := ylo; y < yhi; y++ {
			wy := ay.EdgeWeight(oy, y, ylo, yhi)
			row := plane[(y-in.Min.Y)*w-in.Min.X+xlo : (y-in.Min.Y+1)*w]
			for x := xlo; x < xhi; x++ {
				if v := row[x-xlo]; v == v {
					wt := wy * ax.EdgeWeight(ox, x, xlo, xhi)
					sum += float64(wt * v) // rounded product: the same bytes on arm64 (no fused multiply-add)
					wsum += wt
				}
			}
		}
		if wsum > 0 {
			return sum / wsum
		}
	case grid.Min, grid.Max:
		best, found := 0.0, false
		for y := ylo; y < yhi; y++ {
			row := plane[(y-in.Min.Y)*w-in.Min.X+xlo : (y-in.Min.Y+1)*w]
			for x := xlo; x < xhi; x++ {
				v := row[x-xlo]
				if v != v {
					continue
				}
				if !found || (k == grid.Min && v < best) || (k == grid.Max && v > best) {
					best, found = v, true
				}
			}
		}
		if found {
			return best
		}
	case grid.Mode:
		return modeValue(plane, in, xlo, xhi, ylo, yhi)
	}
	return math.NaN()
}

// modeValue returns the most frequent valid value of the pixels [xlo, xhi)
// × [ylo, yhi) of plane (the window in), as gdalwarp's -r mode does for
// non-byte data: values compared as float32, scanned row by row, a value
// taking the lead only when its count passes the leader's, so a tie keeps
// the value that reached the count first. The cell is small (the scale
// squared), so the values are counted in a plain list.
func modeValue(plane []float64, in image.Rectangle, xlo, xhi, ylo, yhi int) float64 {
	var vals [64]float32
	var cnts [64]int
	vs, cs := vals[:0], cnts[:0]
	lead := -1
	w := in.Dx()
	for y := ylo; y < yhi; y++ {
		row := plane[(y-in.Min.Y)*w-in.Min.X+xlo : (y-in.Min.Y+1)*w]
		for x := xlo; x < xhi; x++ {
			v := row[x-xlo]
			if v != v {
				continue
			}
			f := float32(v)
			i := 0
			for ; i < len(vs); i++ {
				if vs[i] == f {
					cs[i]++
					if cs[i] > cs[lead] {
						lead = i
					}
					break
				}
			}
			if i == len(vs) {
				vs, cs = append(vs, f), append(cs, 1)
				if lead < 0 {
					lead = i
				}
			}
		}
	}
	if lead < 0 {
		return math.NaN()
	}
	return float64(vs[lead])
}

// decodeWindow decodes the pixels of in for bands into vals (band after
// band, row-major over in) with the input's own decoders, reading its
// blocks through the shared cache.
func (s *source) decodeWindow(p *pipeline, in image.Rectangle, bands []int, vals []float64) error {
	wn := in.Dx() * in.Dy()
	cover := s.grid.Cover(in)
	tb := s.im.TileBands()
	for plane := range s.uses {
		if !needsPlane(s, bands, plane) {
			continue
		}
		for row := cover.Min.Y; row < cover.Max.Y; row++ {
			for col := cover.Min.X; col < cover.Max.X; col++ {
				i := s.im.TileIndex(col, row, plane)
				key := blockKey{s.idx, i}
				b, err := p.cache.get(key, func() (int, image.Rectangle) { return s.refs(p.grid, i) }, func(dst []byte) ([]byte, error) {
					return s.r.ReadTile(s.im, i, dst)
				}, true)
				if err != nil {
					p.cache.put(b)
					return &InputError{Path: s.name, Err: err}
				}
				bb := s.grid.Bounds(i % s.plane)
				if len(b.data) < bb.Dx()*bb.Dy()*tb*s.size {
					p.cache.put(b)
					return &InputError{Path: s.name, Err: fmt.Errorf("block %d decodes to %d bytes: want %d", i, len(b.data), bb.Dx()*bb.Dy()*tb*s.size)}
				}
				ov := s.grid.Rect(i % s.plane).Intersect(in)
				for j, band := range bands {
					if s.planeOf(band) != plane {
						continue
					}
					for y := ov.Min.Y; y < ov.Max.Y; y++ {
						d := j*wn + (y-in.Min.Y)*in.Dx() + ov.Min.X - in.Min.X
						first := ((y-bb.Min.Y)*bb.Dx()+ov.Min.X-bb.Min.X)*tb + s.sampleOf(band)
						s.kdecs[band].decode(vals[d:d+ov.Dx()], b.data, first, tb)
					}
				}
				p.cache.put(b)
			}
		}
	}
	return nil
}

// fillNaNBytes sets every little-endian float64 of b to NaN.
func fillNaNBytes(b []byte) {
	nan := math.Float64bits(math.NaN())
	for i := 0; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], nan)
	}
}

// float64s views b (from grow, so 8-byte aligned) as float64 values.
func float64s(b []byte) []float64 {
	if len(b) < 8 {
		return nil
	}
	if uintptr(unsafe.Pointer(&b[0]))%8 != 0 {
		return make([]float64, len(b)/8)
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&b[0])), len(b)/8)
}
