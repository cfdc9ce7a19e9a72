package compute

import (
	"image"
	"math"
	"slices"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
	"github.com/gomean/gomean/remote"
)

// prefetchBytes caps what is asked for ahead of the pipeline once the
// inputs are placed.
const prefetchBytes = 8 << 20

// remoteFile returns the remote file r reads, or nil for a local one.
func remoteFile(r *geotiff.Reader) *remote.File {
	remoteMu.Lock()
	defer remoteMu.Unlock()
	return remoteFiles[r]
}

// expectRemote tells each remote input which of its blocks the run will
// read, those under the output window (the tile rows of a shard), so that
// its read-ahead fetches nothing else, and asks for the first 256 rows of
// them (at most prefetchBytes) so that the first reads find them.
func (p *pipeline) expectRemote() {
	first, end := p.rowRange()
	out := image.Rect(0, first*p.grid.TileHeight, p.grid.Width, min(p.grid.Height, end*p.grid.TileHeight))
	for _, s := range p.srcs {
		f := remoteFile(s.r)
		if f == nil {
			continue
		}
		win := s.inputWindow(out)
		spans, head := blockSpans(s.im, win, s.planes())
		if m := s.mask; m != nil && !win.Empty() {
			ms, mh := blockSpans(m.im, win.Intersect(image.Rect(0, 0, m.im.Width, m.im.Height)), []int{0})
			if remoteFile(m.r) == f {
				spans, head = append(spans, ms...), append(head, mh...)
			} else if mf := remoteFile(m.r); mf != nil {
				mf.Expect(ms)
				mf.Prefetch(prefetchSpan(mh))
			}
		}
		f.Expect(spans)
		f.Prefetch(prefetchSpan(head))
	}
}

// probeBlock returns the first block the run reads of s (plane 0), the
// one under the top-left pixel of its footprint; ok is false when the
// run reads none.
func (s *source) probeBlock() (i int, ok bool) {
	win := s.inputWindow(s.foot)
	g := s.im.Grid()
	if win.Empty() || g.TileWidth <= 0 || g.TileHeight <= 0 {
		return 0, false
	}
	return g.Index(win.Min.X/g.TileWidth, win.Min.Y/g.TileHeight), true
}

// planes returns the block planes the run reads of s.
func (s *source) planes() []int {
	var ps []int
	for _, bands := range s.loads {
		for _, b := range bands {
			if pl := s.planeOf(b); !slices.Contains(ps, pl) {
				ps = append(ps, pl)
			}
		}
	}
	return ps
}

// inputWindow returns the pixels of s's image that the output pixels out
// need: those under its footprint, through its axes when it is resampled
// (a pixel more on each side, for the area kernels).
func (s *source) inputWindow(out image.Rectangle) image.Rectangle {
	r := s.foot.Intersect(out)
	if r.Empty() {
		return image.Rectangle{}
	}
	bounds := image.Rect(0, 0, s.im.Width, s.im.Height)
	if s.rs == nil {
		return r.Sub(s.off).Intersect(bounds)
	}
	span := func(a grid.Axis, lo, hi int) (int, int) {
		x0 := a.Offset + float64(lo)*a.Scale
		x1 := a.Offset + float64(hi)*a.Scale
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		return int(math.Floor(x0)) - 1, int(math.Ceil(x1)) + 1
	}
	x0, x1 := span(s.rs.X, r.Min.X, r.Max.X)
	y0, y1 := span(s.rs.Y, r.Min.Y, r.Max.Y)
	return image.Rect(x0, y0, x1, y1).Intersect(bounds)
}

// blockSpans returns the bytes of the blocks (tiles or strips) of im's
// planes that win overlaps, and those of its first 256 rows of blocks.
func blockSpans(im *geotiff.Image, win image.Rectangle, planes []int) (all, head []remote.Span) {
	if win.Empty() {
		return nil, nil
	}
	offs, counts := im.Fields.Get(geotiff.TagTileOffsets), im.Fields.Get(geotiff.TagTileByteCounts)
	if offs == nil || counts == nil {
		offs, counts = im.Fields.Get(geotiff.TagStripOffsets), im.Fields.Get(geotiff.TagStripByteCounts)
	}
	if offs == nil || counts == nil {
		return nil, nil
	}
	o, c := offs.Uints(), counts.Uints()
	g := im.Grid()
	if g.TileWidth <= 0 || g.TileHeight <= 0 {
		return nil, nil
	}
	c0, c1 := win.Min.X/g.TileWidth, (win.Max.X-1)/g.TileWidth
	r0, r1 := win.Min.Y/g.TileHeight, (win.Max.Y-1)/g.TileHeight
	headRows := max(1, (256+g.TileHeight-1)/g.TileHeight)
	for _, pl := range planes {
		for row := r0; row <= r1; row++ {
			for col := c0; col <= c1; col++ {
				i := pl*g.Len() + g.Index(col, row)
				if i >= len(o) || i >= len(c) || c[i] == 0 || o[i] > math.MaxInt64-c[i] {
					continue
				}
				sp := remote.Span{Off: int64(o[i]), Len: int64(c[i])}
				all = append(all, sp)
				if row-r0 < headRows {
					head = append(head, sp)
				}
			}
		}
	}
	return all, head
}

// prefetchSpan returns the byte range that holds the first of spans, in
// the order they are read, as long as their sum stays within
// prefetchBytes (the first one at least). Prefetch fetches only the
// expected blocks of it.
func prefetchSpan(spans []remote.Span) (off, n int64) {
	if len(spans) == 0 {
		return 0, 0
	}
	off, end, sum := spans[0].Off, spans[0].Off, int64(0)
	for _, sp := range spans {
		if sum+sp.Len > prefetchBytes && sum > 0 {
			break
		}
		sum += sp.Len
		off, end = min(off, sp.Off), max(end, sp.Off+sp.Len)
	}
	return off, end - off
}
