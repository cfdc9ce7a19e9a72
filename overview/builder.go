package overview

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
// goroutine. Each level keeps only the tiles whose sources are not all in:
// with tiles coming about in row order, about one tile row per level (the
// tiles across the level, each TileWidth×TileHeight×Samples samples, plus
// one validity byte per pixel with Mask), plus those of the tiles that
// callers hold at the time.
type Builder struct {
	cfg  Config
	emit EmitFunc
	lv   []level // lv[k] receives the tiles of level k+1
	bufs sync.Pool
	vbuf sync.Pool
}

type level struct {
	w, h         int // size of the level
	across, down int // tiles of the level
	sw, sh       int // size of the level above
	sAcross      int // tiles across the level above
	useAcross    int // of which reach this level
	useDown      int
	mu           sync.Mutex
	pending      map[int]*pend
}

type pend struct {
	samples, valid []byte
	quarters       uint8 // bit qy*2+qx set when that quarter is written
}

// NewBuilder returns a Builder that hands each finished overview tile to
// emit.
func NewBuilder(c Config, emit EmitFunc) (*Builder, error) {
	if c.TileWidth <= 0 || c.TileHeight <= 0 || c.TileWidth%2 != 0 || c.TileHeight%2 != 0 {
		return nil, fmt.Errorf("overview: tile size %dx%d: want positive even sizes", c.TileWidth, c.TileHeight)
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
		l.sw, l.sh = Size(c.Width, c.Height, k)
		l.w, l.h = Size(c.Width, c.Height, k+1)
		l.sAcross = ceilDiv(l.sw, c.TileWidth)
		// Source tiles that reach the level: an odd last column or row
		// of the level above has no block of its own.
		l.useAcross, l.useDown = ceilDiv(min(l.sw, 2*l.w), c.TileWidth), ceilDiv(min(l.sh, 2*l.h), c.TileHeight)
		l.across, l.down = ceilDiv(l.w, c.TileWidth), ceilDiv(l.h, c.TileHeight)
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

// add reduces tile i of level k into level k+1.
func (b *Builder) add(ctx context.Context, k, i int, samples, valid []byte) error {
	if k >= len(b.lv) {
		return nil
	}
	c := &b.cfg
	l := &b.lv[k]
	tx, ty := i%l.sAcross, i/l.sAcross
	if tx >= l.useAcross || ty >= l.useDown {
		return nil
	}
	// Blocks of the level above end at twice the level's size: with an
	// odd size, its last column or row is dropped.
	vw := min(c.TileWidth, min(l.sw, 2*l.w)-tx*c.TileWidth)
	vh := min(c.TileHeight, min(l.sh, 2*l.h)-ty*c.TileHeight)
	j := (ty/2)*l.across + tx/2
	qx, qy := tx%2, ty%2

	l.mu.Lock()
	p := l.pending[j]
	if p == nil {
		p = &pend{samples: b.getBuf(), valid: b.getValid()}
		l.pending[j] = p
	}
	l.mu.Unlock()
	c.Reduce(c.Method, p.samples, p.valid, samples, valid, vw, vh, qx, qy)

	// Quarters with a source tile: those inside the level above.
	want := uint8(0)
	for q := range 4 {
		sx, sy := (tx/2)*2+q%2, (ty/2)*2+q/2
		if sx < l.useAcross && sy < l.useDown {
			want |= 1 << q
		}
	}
	l.mu.Lock()
	p.quarters |= 1 << (qy*2 + qx)
	done := p.quarters == want
	if done {
		delete(l.pending, j)
	}
	l.mu.Unlock()
	if !done {
		return nil
	}
	defer b.put(p)
	// Quarters outside the image: fill, so edge tiles do not depend on
	// what a buffer held before.
	for q := range 4 {
		if want&(1<<q) == 0 {
			c.Reduce(c.Method, p.samples, p.valid, nil, nil, 0, 0, q%2, q/2)
		}
	}
	if err := b.emit(ctx, k+1, j, p.samples, p.valid); err != nil {
		return err
	}
	return b.add(ctx, k+1, j, p.samples, p.valid)
}

// Pending returns the number of overview tiles held, for tests.
func (b *Builder) Pending() int {
	n := 0
	for k := range b.lv {
		b.lv[k].mu.Lock()
		n += len(b.lv[k].pending)
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
