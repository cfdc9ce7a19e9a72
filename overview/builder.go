package overview

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/gomean/gomean/geotiff"
)

// Count returns the number of overview levels GDAL's COG driver makes for
// a width×height image in blocks of block pixels: levels are added until
// the smallest fits in one block each way.
func Count(width, height, block int) int {
	n := 0
	for {
		w, h := Size(width, height, n)
		if w <= block && h <= block || w == 1 && h == 1 {
			return n
		}
		n++
	}
}

// Size returns the size of overview level k (0 is the full resolution) of
// a width×height image: size / 2^k each way, rounded down, at least 1, as
// GDAL's COG driver sizes them (GDAL 3.6).
func Size(width, height, k int) (int, int) {
	return max(1, width>>k), max(1, height>>k)
}

// Config describes the pyramid a [Builder] computes.
type Config struct {
	Tiling
	Width, Height int // full-resolution size
	Levels        int // overview levels after the full resolution
	Method        Method
	// Mask: tiles come with one validity byte per pixel (an internal mask),
	// and every overview tile is emitted with its own.
	Mask bool
}

// EmitFunc receives finished overview tile i of level (1 to Levels), with
// its validity bytes when the Config has Mask, nil otherwise. The buffers
// are reused after it returns.
type EmitFunc func(ctx context.Context, level, i int, samples, valid []byte) error

// A Builder computes the overview levels of a raster from its
// full-resolution tiles, handed to [Builder.Add] in any order from any
// goroutine. Each overview pixel is computed once, when the last source
// tile its window touches is in, from the same samples whatever the
// order, so the result does not depend on it.
//
// Memory, per level, with tiles coming about in row order: the overview
// tiles whose sources are not all in (about one tile row of the level:
// TileWidth×TileHeight×Samples samples per tile, plus one validity byte
// per pixel with Mask); where the level above has an odd width or height
// (windows straddling two source tiles), the first two and last two rows
// and columns of each source tile whose straddling windows are not all
// computed (about one tile row of them: 8 × TileWidth pixels per tile);
// and one bit per source tile. Nothing grows with the raster's height
// beyond that bit.
type Builder struct {
	cfg  Config
	emit EmitFunc
	lv   []level // lv[k] receives the tiles of level k and makes level k+1
	bufs sync.Pool
	vbuf sync.Pool
}

type level struct {
	w, h         int // size of the level made
	across, down int // its tiles
	sAcross      int // tiles across the level above
	xa, ya       axis
	even         bool // exact 2×2 blocks each way

	mu      sync.Mutex
	arrived []uint64 // bit per source tile
	borders map[int]*border
	pending map[int]*pend
}

type pend struct {
	samples, valid []byte
	left           int // pixels inside the level not yet computed
}

// A border keeps the two edge rows and columns of a source tile for the
// windows that straddle it and a neighbour: refs of them are still to be
// computed.
type border struct {
	left, right, top, bottom     []byte // samples: 2 columns × height, 2 rows × width
	vleft, vright, vtop, vbottom []byte // validity, with Mask
	refs                         int
}

// NewBuilder returns a Builder that hands each finished overview tile to
// emit.
func NewBuilder(c Config, emit EmitFunc) (*Builder, error) {
	if c.TileWidth < 4 || c.TileHeight < 4 || c.TileWidth%2 != 0 || c.TileHeight%2 != 0 {
		return nil, fmt.Errorf("overview: tile size %dx%d: want even sizes of at least 4", c.TileWidth, c.TileHeight)
	}
	if c.Width <= 0 || c.Height <= 0 || c.Samples <= 0 || c.Type.Size() == 0 {
		return nil, fmt.Errorf("overview: invalid image %dx%d, %d samples of %v", c.Width, c.Height, c.Samples, c.Type)
	}
	if c.Levels < 0 || c.Levels > 30 {
		return nil, fmt.Errorf("overview: %d levels: want 0 to 30", c.Levels)
	}
	switch c.Method {
	case Average, Nearest, Mode:
	default:
		return nil, fmt.Errorf("overview: invalid method %v", c.Method)
	}
	b := &Builder{cfg: c, emit: emit, lv: make([]level, c.Levels)}
	for k := range b.lv {
		l := &b.lv[k]
		sw, sh := Size(c.Width, c.Height, k)
		l.w, l.h = Size(c.Width, c.Height, k+1)
		var err error
		if l.xa, err = newAxis(sw, l.w, c.TileWidth, c.Method == Nearest); err != nil {
			return nil, err
		}
		if l.ya, err = newAxis(sh, l.h, c.TileHeight, c.Method == Nearest); err != nil {
			return nil, err
		}
		l.even = l.xa.even() && l.ya.even()
		l.sAcross = ceilDiv(sw, c.TileWidth)
		l.across, l.down = ceilDiv(l.w, c.TileWidth), ceilDiv(l.h, c.TileHeight)
		l.arrived = make([]uint64, (l.sAcross*ceilDiv(sh, c.TileHeight)+63)/64)
		l.borders = make(map[int]*border)
		l.pending = make(map[int]*pend)
	}
	return b, nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// NumTiles returns the number of tiles of level k (0 is the full
// resolution).
func (b *Builder) NumTiles(k int) int {
	w, h := Size(b.cfg.Width, b.cfg.Height, k)
	return ceilDiv(w, b.cfg.TileWidth) * ceilDiv(h, b.cfg.TileHeight)
}

// Add feeds full-resolution tile i: samples as geotiff.Writer.WriteTile
// takes them, valid one byte per pixel (0 invalid) with Mask, else nil.
// It reduces the tile into the next level and emits, from the calling
// goroutine, every overview tile that this tile completes. Add does not
// keep samples or valid. It is safe for concurrent use; each tile must be
// added once.
func (b *Builder) Add(ctx context.Context, i int, samples, valid []byte) error {
	c := &b.cfg
	if want := c.TileWidth * c.TileHeight * c.Samples * c.Type.Size(); len(samples) != want {
		return fmt.Errorf("overview: tile %d: got %d bytes of samples, want %d", i, len(samples), want)
	}
	if c.Mask != (valid != nil) {
		return errors.New("overview: validity bytes must come with Mask, and only then")
	}
	if c.Mask && len(valid) != c.TileWidth*c.TileHeight {
		return fmt.Errorf("overview: tile %d: got %d validity bytes, want %d", i, len(valid), c.TileWidth*c.TileHeight)
	}
	if i < 0 || i >= b.NumTiles(0) {
		return fmt.Errorf("overview: tile %d out of range [0, %d)", i, b.NumTiles(0))
	}
	return b.add(ctx, 0, i, samples, valid)
}

// A cell is the destination pixels gx × gy, all in destination tile dst,
// whose windows touch the source tiles gx.t0..gx.t1 × gy.t0..gy.t1.
type cell struct {
	gx, gy group
	dst    int
	p      *pend
	b      [4]*border // of the source tiles, row-major, nil for the tile being added
}

func (c *cell) interior() bool { return c.gx.t0 == c.gx.t1 && c.gy.t0 == c.gy.t1 }

// add reduces source tile i of level k into level k+1.
func (b *Builder) add(ctx context.Context, k, i int, samples, valid []byte) error {
	if k >= len(b.lv) {
		return nil
	}
	c := &b.cfg
	l := &b.lv[k]
	tx, ty := i%l.sAcross, i/l.sAcross
	gxs, nx := l.xa.groups(tx)
	gys, ny := l.ya.groups(ty)
	seams := 0
	for _, gx := range gxs[:nx] {
		for _, gy := range gys[:ny] {
			if gx.t0 != gx.t1 || gy.t0 != gy.t1 {
				seams++
			}
		}
	}
	var own *border
	if seams > 0 {
		own = b.newBorder(samples, valid)
		own.refs = seams
	}

	var cells [9]cell
	n := 0
	l.mu.Lock()
	if l.arrived[i/64]&(1<<(i%64)) != 0 {
		l.mu.Unlock()
		return fmt.Errorf("overview: level %d tile %d added twice", k, i)
	}
	l.arrived[i/64] |= 1 << (i % 64)
	if own != nil {
		l.borders[i] = own
	}
	for _, gx := range gxs[:nx] {
	next:
		for _, gy := range gys[:ny] {
			ce := cell{gx: gx, gy: gy}
			q := 0
			for sy := gy.t0; sy <= gy.t1; sy++ {
				for sx := gx.t0; sx <= gx.t1; sx++ {
					si := sy*l.sAcross + sx
					if l.arrived[si/64]&(1<<(si%64)) == 0 {
						continue next
					}
					if si != i {
						ce.b[q] = l.borders[si]
					}
					q++
				}
			}
			ce.dst = (gy.lo/c.TileHeight)*l.across + gx.lo/c.TileWidth
			p := l.pending[ce.dst]
			if p == nil {
				p = &pend{samples: b.getBuf(), valid: b.getValid()}
				dx, dy := ce.dst%l.across, ce.dst/l.across
				p.left = min(c.TileWidth, l.w-dx*c.TileWidth) * min(c.TileHeight, l.h-dy*c.TileHeight)
				l.pending[ce.dst] = p
			}
			ce.p = p
			cells[n] = ce
			n++
		}
	}
	l.mu.Unlock()

	for q := range cells[:n] {
		ce := &cells[q]
		b.compute(l, tx, ty, ce, samples, valid, own)
		l.mu.Lock()
		ce.p.left -= (ce.gx.hi - ce.gx.lo) * (ce.gy.hi - ce.gy.lo)
		done := ce.p.left == 0
		if done {
			delete(l.pending, ce.dst)
		}
		if !ce.interior() {
			q := 0
			for sy := ce.gy.t0; sy <= ce.gy.t1; sy++ {
				for sx := ce.gx.t0; sx <= ce.gx.t1; sx++ {
					si := sy*l.sAcross + sx
					bd := ce.b[q]
					if si == i {
						bd = own
					}
					if bd.refs--; bd.refs == 0 {
						delete(l.borders, si)
					}
					q++
				}
			}
		}
		l.mu.Unlock()
		if !done {
			continue
		}
		if err := b.finish(ctx, k, l, ce.dst, ce.p); err != nil {
			return err
		}
	}
	return nil
}

// compute computes the pixels of cell ce from source tile (tx, ty)
// (samples, valid) and the borders of the others.
func (b *Builder) compute(l *level, tx, ty int, ce *cell, samples, valid []byte, own *border) {
	c := &b.cfg
	tw, th := c.TileWidth, c.TileHeight
	dx0, dy0 := (ce.dst%l.across)*tw, (ce.dst/l.across)*th
	if ce.interior() {
		if l.even && c.Method == Average && c.Type == geotiff.Float32 && c.Samples == 1 && valid == nil {
			// Exact 2×2 blocks: the source tile is a quarter of the
			// destination tile.
			vw := min(tw, l.xa.src-tx*tw)
			vh := min(th, l.ya.src-ty*th)
			checkND := c.HasNoData && !math.IsNaN(c.NoData)
			c.averageFloat32(ce.p.samples, samples, vw/2, vh/2, tx%2, ty%2, checkND, float32(c.NoData), float32(c.Fill))
			return
		}
		v := view{samples: samples, valid: valid, x0: tx * tw, y0: ty * th, stride: tw}
		c.reduceCell(c.Method, &l.xa, &l.ya, v, ce.gx.lo, ce.gx.hi, ce.gy.lo, ce.gy.hi, ce.p.samples, ce.p.valid, dx0, dy0)
		return
	}
	// Gather the source region of the cell from the tiles' borders.
	x0, _, _, _ := l.xa.win(ce.gx.lo)
	_, x1, _, _ := l.xa.win(ce.gx.hi - 1)
	y0, _, _, _ := l.ya.win(ce.gy.lo)
	_, y1, _, _ := l.ya.win(ce.gy.hi - 1)
	ps := c.Samples * c.Type.Size()
	w := x1 - x0
	reg := make([]byte, w*(y1-y0)*ps)
	var rv []byte
	if c.Mask {
		rv = make([]byte, w*(y1-y0))
	}
	for y := y0; y < y1; y++ {
		sy := y / th
		for x := x0; x < x1; x++ {
			sx := x / tw
			q := (sy-ce.gy.t0)*(ce.gx.t1-ce.gx.t0+1) + sx - ce.gx.t0
			bd := ce.b[q]
			if sx == tx && sy == ty {
				bd = own
			}
			d := (y-y0)*w + x - x0
			sm, vm := bd.pixel(x-sx*tw, y-sy*th, tw, th, ps)
			copy(reg[d*ps:(d+1)*ps], sm)
			if rv != nil {
				rv[d] = vm
			}
		}
	}
	v := view{samples: reg, valid: rv, x0: x0, y0: y0, stride: w}
	c.reduceCell(c.Method, &l.xa, &l.ya, v, ce.gx.lo, ce.gx.hi, ce.gy.lo, ce.gy.hi, ce.p.samples, ce.p.valid, dx0, dy0)
}

// finish fills the pixels of a completed tile beyond the level, emits it
// and adds it to the next level.
func (b *Builder) finish(ctx context.Context, k int, l *level, j int, p *pend) error {
	defer b.put(p)
	c := &b.cfg
	tw, th := c.TileWidth, c.TileHeight
	ow := min(tw, l.w-(j%l.across)*tw)
	oh := min(th, l.h-(j/l.across)*th)
	if ow < tw || oh < th {
		size := c.Type.Size()
		for y := range th {
			for x := range tw {
				if x < ow && y < oh {
					continue
				}
				dp := y*tw + x
				for s := range c.Samples {
					c.Type.Put(p.samples[(dp*c.Samples+s)*size:], c.fill(s))
				}
				if p.valid != nil {
					p.valid[dp] = 0
				}
			}
		}
	}
	if err := b.emit(ctx, k+1, j, p.samples, p.valid); err != nil {
		return err
	}
	return b.add(ctx, k+1, j, p.samples, p.valid)
}

// newBorder copies the two edge rows and columns of a source tile.
func (b *Builder) newBorder(samples, valid []byte) *border {
	c := &b.cfg
	tw, th := c.TileWidth, c.TileHeight
	ps := c.Samples * c.Type.Size()
	bd := &border{
		left: rect(samples, ps, tw, 0, 0, 2, th), right: rect(samples, ps, tw, tw-2, 0, 2, th),
		top: rect(samples, ps, tw, 0, 0, tw, 2), bottom: rect(samples, ps, tw, 0, th-2, tw, 2),
	}
	if valid != nil {
		bd.vleft, bd.vright = rect(valid, 1, tw, 0, 0, 2, th), rect(valid, 1, tw, tw-2, 0, 2, th)
		bd.vtop, bd.vbottom = rect(valid, 1, tw, 0, 0, tw, 2), rect(valid, 1, tw, 0, th-2, tw, 2)
	}
	return bd
}

// rect returns a copy of the w×h pixels at (x, y) of a tile of tw pixels
// across, ps bytes each.
func rect(src []byte, ps, tw, x, y, w, h int) []byte {
	out := make([]byte, 0, w*h*ps)
	for r := y; r < y+h; r++ {
		out = append(out, src[(r*tw+x)*ps:(r*tw+x+w)*ps]...)
	}
	return out
}

// pixel returns the samples and validity of pixel (x, y) of the tile,
// which must be within two pixels of an edge.
func (bd *border) pixel(x, y, tw, th, ps int) ([]byte, byte) {
	var s, v []byte
	var i int
	switch {
	case x < 2:
		s, v, i = bd.left, bd.vleft, 2*y+x
	case x >= tw-2:
		s, v, i = bd.right, bd.vright, 2*y+x-(tw-2)
	case y < 2:
		s, v, i = bd.top, bd.vtop, y*tw+x
	default: // y >= th-2
		s, v, i = bd.bottom, bd.vbottom, (y-(th-2))*tw+x
	}
	m := byte(255)
	if v != nil {
		m = v[i]
	}
	return s[i*ps : (i+1)*ps], m
}

// Pending returns the number of overview tiles and source borders held,
// for tests.
func (b *Builder) Pending() int {
	n := 0
	for k := range b.lv {
		b.lv[k].mu.Lock()
		n += len(b.lv[k].pending) + len(b.lv[k].borders)
		b.lv[k].mu.Unlock()
	}
	return n
}

func (b *Builder) getBuf() []byte {
	if p, ok := b.bufs.Get().(*[]byte); ok {
		return *p
	}
	c := &b.cfg
	return make([]byte, c.TileWidth*c.TileHeight*c.Samples*c.Type.Size())
}

func (b *Builder) getValid() []byte {
	if !b.cfg.Mask {
		return nil
	}
	if p, ok := b.vbuf.Get().(*[]byte); ok {
		return *p
	}
	return make([]byte, b.cfg.TileWidth*b.cfg.TileHeight)
}

func (b *Builder) put(p *pend) {
	b.bufs.Put(&p.samples)
	if p.valid != nil {
		b.vbuf.Put(&p.valid)
	}
}
