package compute

import (
	"errors"
	"image"
	"sync"

	"github.com/gomean/gomean/geotiff"
)

// rowStreamMin is the decoded size from which a block that spans several
// rows of output tiles is decoded row by row, once, instead of once per
// tile row it spans (a variable for tests).
var rowStreamMin = 8 << 20

// rowStreamed reports whether the streaming path decodes the blocks of s
// row by row: blocks of at least rowStreamMin bytes taller than a tile
// row, in a codec that streams (spans are whole blocks wide, so the units
// of one block are those of one span, in row order).
func (p *pipeline) rowStreamed(s *source) bool {
	if s.im.TileHeight <= p.tileH || s.im.TileBytes() < rowStreamMin {
		return false
	}
	switch s.im.Compression {
	case geotiff.CompressionNone, geotiff.CompressionDeflate, geotiff.CompressionDeflateOld, geotiff.CompressionZSTD:
	default:
		return false
	}
	if s.im.Type.Size()*8 != s.im.BitsPerSample {
		return false // n-bit or float16 samples
	}
	return true
}

// A cursor is the row decoder of one block shared by the units of the
// tile rows it spans, which take their rows in order.
type cursor struct {
	mu   sync.Mutex
	cond sync.Cond
	rr   *geotiff.RowReader
	next int // next block row to decode
	skip int // rows above a shard's band, to decode and drop first
	row  []byte
	err  error
}

// errAborted stops units waiting on a cursor after another unit failed.
var errAborted = errors.New("compute: run aborted")

// cursorFor returns the cursor of block i of input k, creating it.
func (sr *streamRun) cursorFor(k, i int) (*cursor, error) {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	key := blockKey{k, i}
	if c := sr.cursors[key]; c != nil {
		return c, nil
	}
	if sr.aborted {
		return nil, errAborted
	}
	s := sr.p.srcs[k]
	rr, err := s.r.NewRowReader(s.im, i)
	if err != nil {
		return nil, &InputError{Path: s.name, Err: err}
	}
	c := &cursor{rr: rr}
	// A shard's band, or an output grid that starts below the input's
	// top, may start inside the block: no unit decodes the rows above
	// it, so the first unit skips them.
	first, _ := sr.p.rowRange()
	if top, start := s.grid.Bounds(i%s.plane).Min.Y, first*sr.p.tileH-s.off.Y; start > top {
		c.next = start - top
		c.skip = c.next
	}
	c.cond.L = &c.mu
	sr.cursors[key] = c
	return c, nil
}

// abort wakes every unit waiting on a cursor with errAborted.
func (sr *streamRun) abort() {
	sr.mu.Lock()
	sr.aborted = true
	cs := make([]*cursor, 0, len(sr.cursors))
	for _, c := range sr.cursors {
		cs = append(cs, c)
	}
	sr.mu.Unlock()
	for _, c := range cs {
		c.mu.Lock()
		if c.err == nil {
			c.err = errAborted
		}
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

// foldRows folds the rows of block i of input k that lie in clip (the
// block's bounds b; both in the input's pixels) into acc, decoding them from the block's cursor after
// the units of the tile rows above have taken theirs.
func (sr *streamRun) foldRows(wk *worker, k, i, plane int, b, clip, want image.Rectangle, acc *accum, weight float64) error {
	p := sr.p
	s := p.srcs[k]
	c, err := sr.cursorFor(k, i)
	if err != nil {
		return err
	}
	first := clip.Min.Y - b.Min.Y
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.err == nil && c.next < first {
		c.cond.Wait()
	}
	if c.err != nil {
		return c.err
	}
	for ; c.skip > 0; c.skip-- {
		if c.row, err = c.rr.Next(c.row); err != nil {
			c.err = &InputError{Path: s.name, Err: err}
			c.cond.Broadcast()
			return c.err
		}
	}
	tb := s.im.TileBands()
	vals := wk.out[:clip.Dx()]
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		c.row, err = c.rr.Next(c.row)
		if err != nil {
			c.err = &InputError{Path: s.name, Err: err}
			c.cond.Broadcast()
			return c.err
		}
		for j, band := range p.bands {
			if s.planeOf(band) != plane {
				continue
			}
			s.decs[band].decode(vals, c.row, (clip.Min.X-b.Min.X)*tb+s.sampleOf(band), tb)
			sr.foldRow(acc, sr.at(j, y+s.off.Y, clip.Min.X+s.off.X, want), vals, weight)
		}
	}
	c.next = clip.Max.Y - b.Min.Y
	if c.next >= min(b.Dy(), c.rr.Rows()) {
		c.rr.Close()
		sr.mu.Lock()
		delete(sr.cursors, blockKey{k, i})
		sr.mu.Unlock()
	}
	c.cond.Broadcast()
	return nil
}
