package compute

import (
	"context"
	"image"
	"math"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/gomean/gomean/tiling"
)

// groupSize is the number of inputs folded, in order, into one partial
// accumulator of the streaming path. Partials are then added in group
// order, so the arithmetic depends on the number of inputs only, never on
// the worker count; up to groupSize inputs it is the tile path's own
// (one sum per pixel in input order), bit for bit.
const groupSize = 32

// noStream turns the streaming path off, for tests that compare it with
// the tile path.
var noStream bool

// The streaming path computes the streaming reductions (mean, weighted
// mean, sum, count, min, max) row of output tiles by row of output tiles.
// A unit of work is one tile row and one group of inputs: the worker reads
// each block of each input of the group that the row covers exactly once,
// in full, and folds its samples into float64 accumulators for the whole
// row. A row's partials are merged in group order as they finish, and the
// worker that merges the last one encodes the row's tiles. Memory is the
// accumulators of the units and rows in flight and one decoded block per
// worker: it depends on neither the number of inputs nor the raster's
// height, and no block is decoded twice (a block that straddles two tile
// rows is read once for each).
type streamRun struct {
	p      *pipeline
	groups int
	rows   int
	spans  int // spans per tile row
	tiles  int // output tiles per span (the last may have fewer)
	spanW  int // pixels across a full span: tiles × tile width
	spanPx int // pixels of a full part of a span: spanW × partH
	parts  int // parts of a tile row, each a unit of its own
	partH  int // rows of a part (the last may have fewer)
	nb     int // output bands
	need   int32
	wsum   bool // the weighted mean keeps a sum of weights
	hol    bool // the stack path (stream_stack.go): all inputs in one unit
	nbAcc  int  // accumulators per pixel: nb, or nb × outputs per band with hol

	stacks [][]float64 // free stacks of the stack path (under mu)

	next    atomic.Int64
	mu      sync.Mutex
	state   map[[3]int]*rowMerge // by tile row, span and part
	spansIn map[[2]int][]*accum  // finished parts of a span, by tile row and span
	free    []*accum
	cursors map[blockKey]*cursor // row decoders of blocks taller than a tile row
	aborted bool
}

// An accum holds the accumulators of one span of a tile row, band after
// band.
type accum struct {
	val []float64 // sum, or the minimum or maximum so far
	ws  []float64 // sum of weights (weighted mean)
	cnt []int32   // valid values
}

// A rowMerge is the merge state of one part of a span of a tile row.
type rowMerge struct {
	total *accum
	next  int  // next group to merge into total
	busy  bool // a goroutine is adding partials to total
	held  map[int]*accum
}

// streamable reports whether the run takes the streaming path: a streaming
// reduction into pixel-interleaved output, inputs without masks or alpha,
// accumulators that fit the memory budget, and either inputs whose blocks
// are not the output's tiles (strips, other tile sizes) or more inputs than
// one group. Inputs with other footprints on the output grid (p.index) are
// streamed when none is resampled and some output tile meets more inputs
// than one group: a year of daily grids of which some have another extent.
// A mosaic, where each tile meets few inputs, keeps the tile path and its
// footprint index.
func (p *pipeline) streamable() bool {
	if noStream {
		return false
	}
	hol := holistic(p.cfg.Op)
	switch p.cfg.Op {
	case Mean, Sum, Count, Min, Max:
	default:
		if !hol {
			return false
		}
	}
	if p.planes != 1 || p.maskOut || p.alphaOut {
		return false
	}
	if p.index != nil {
		if p.maxActive <= groupSize {
			return false
		}
		for _, s := range p.srcs {
			if s.rs != nil {
				return false
			}
		}
	}
	aligned := true
	for _, s := range p.srcs {
		if s.mask != nil {
			return false
		}
		for _, v := range s.vmode {
			if v == validAlpha || v == validMask {
				return false
			}
		}
		aligned = aligned && s.direct
	}
	if hol {
		// Tiles that are the output's are read once by the tile path; so
		// are, through its cache, a few inputs' blocks taller than a tile
		// row, which a stack would decode once per tile row.
		if aligned || p.stackRows() == 0 {
			return false
		}
		if len(p.srcs) > groupSize {
			return true
		}
		for _, s := range p.srcs {
			if s.im.TileHeight > p.tileH && !p.rowStreamed(s) {
				return false
			}
		}
		return true
	}
	if aligned && len(p.srcs) <= groupSize {
		return false
	}
	_, w := p.spanTiles()
	per := int64(w) * int64(p.tileH) * int64(len(p.bands)) * p.accBytes()
	return per*int64(2*p.cfg.Workers+1) <= p.cfg.MemoryBytes/2
}

// spanCap bounds the accumulators of one span where the inputs' blocks
// allow a choice (a variable for tests).
var spanCap = 4 << 20

// accBytes is the size of the accumulators of one pixel of one band.
func (p *pipeline) accBytes() int64 {
	if holistic(p.cfg.Op) {
		return 8 * int64(len(p.srcs)) // the stack
	}
	if p.cfg.Op == Mean && p.cfg.Weights != nil {
		return 20
	}
	return 12
}

// spanTiles returns the output tiles of one span and its width in pixels.
// A span is a whole number of output tiles and of every input's block
// width, so that each input block lies in one span and is read once: the
// whole row for strips; for tiled inputs the least common multiple of the
// widths, or as many of it as keep the accumulators under spanCap.
func (p *pipeline) spanTiles() (int, int) {
	across := p.grid.Across()
	unit := p.tileW
	for _, s := range p.srcs {
		unit = lcm(unit, s.im.TileWidth)
		if unit >= p.grid.Width {
			return across, p.grid.Width
		}
	}
	per := int64(unit) * int64(p.tileH) * int64(len(p.bands)) * p.accBytes()
	n := max(1, int(int64(spanCap)/per)) * unit / p.tileW
	n = min(across, n)
	return n, min(n*p.tileW, p.grid.Width)
}

// lcm returns the least common multiple of a and b, capped at 1<<30
// (widths are below 2^31, so a larger one is wider than any raster).
func lcm(a, b int) int {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return int(min(int64(a/x)*int64(b), 1<<30))
}

// runStream runs the streaming path with cfg.Workers workers.
func (p *pipeline) runStream(ctx context.Context, w tileWriter) error {
	sr := &streamRun{
		p:       p,
		groups:  (len(p.srcs) + groupSize - 1) / groupSize,
		rows:    p.grid.Down(),
		nb:      len(p.bands),
		wsum:    p.cfg.Op == Mean && p.cfg.Weights != nil,
		hol:     holistic(p.cfg.Op),
		state:   map[[3]int]*rowMerge{},
		spansIn: map[[2]int][]*accum{},
		cursors: map[blockKey]*cursor{},
	}
	sr.nbAcc = sr.nb
	if sr.hol {
		sr.groups = 1
		sr.nbAcc = sr.nb * p.outsPerBand()
	}
	sr.tiles, sr.spanW = p.spanTiles()
	sr.spans = (p.grid.Across() + sr.tiles - 1) / sr.tiles
	rowFirst, rowEnd := p.rowRange()
	sr.parts, sr.partH = p.rowParts((rowEnd - rowFirst) * sr.spans * sr.groups)
	if h := p.stackRows(); sr.hol && h < sr.partH {
		sr.parts, sr.partH = (p.tileH+h-1)/h, h
	}
	sr.spanPx = sr.spanW * sr.partH
	need := max(int32(p.cfg.MinValid), 0)
	if p.cfg.Op != Count {
		need = max(need, 1)
	}
	if p.cfg.PropagateNoData {
		need = int32(len(p.srcs))
	}
	sr.need = need
	first, end := p.rowRange()
	total := end * sr.spans * sr.parts * sr.groups
	sr.next.Store(int64(first * sr.spans * sr.parts * sr.groups))
	g, ctx := errgroup.WithContext(ctx)
	for range p.cfg.Workers {
		g.Go(func() error {
			wk := p.newWorker(false)
			for {
				u := int(sr.next.Add(1) - 1)
				if u >= total {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := sr.unit(ctx, wk, u, w); err != nil {
					sr.abort()
					return err
				}
			}
		})
	}
	err := g.Wait()
	for _, c := range sr.cursors {
		c.rr.Close()
	}
	return err
}

// getAccum returns zeroed accumulators for a row of rows pixel rows.
func (sr *streamRun) getAccum() *accum {
	sr.mu.Lock()
	var a *accum
	if n := len(sr.free); n > 0 {
		a, sr.free = sr.free[n-1], sr.free[:n-1]
	}
	sr.mu.Unlock()
	n := sr.spanPx * sr.nbAcc
	if a == nil {
		a = &accum{val: make([]float64, n)}
		if !sr.hol {
			a.cnt = make([]int32, n)
		}
		if sr.wsum {
			a.ws = make([]float64, n)
		}
		return a
	}
	clear(a.val)
	clear(a.cnt)
	clear(a.ws)
	return a
}

func (sr *streamRun) putAccum(a *accum) {
	sr.mu.Lock()
	sr.free = append(sr.free, a)
	sr.mu.Unlock()
}

// rowParts splits a tile row into parts, each a unit of its own, when
// rows, spans and groups give fewer than four units per worker (a month
// of daily grids: 3 tile rows, one group): parts hold whole input blocks
// where blocks are shorter than a tile row, so none is decoded twice. The
// sums of a pixel are the same whatever the parts, so the bytes do not
// depend on them (nor on the worker count that chooses them).
func (p *pipeline) rowParts(units int) (parts, height int) {
	align := 1
	for _, s := range p.srcs {
		if !p.rowStreamed(s) {
			align = max(align, s.im.TileHeight)
		}
	}
	if align >= p.tileH || units >= 4*p.cfg.Workers {
		return 1, p.tileH
	}
	parts = min((4*p.cfg.Workers+units-1)/units, p.tileH/align)
	height = (p.tileH + parts - 1) / parts
	height = (height + align - 1) / align * align
	return (p.tileH + height - 1) / height, height
}

// unit folds input group g into part h of span c of tile row r, merges
// it, and writes the span's tiles when it completed the span. Units are
// numbered row by row, span by span, part by part, group by group, so the
// units of a block decoded row by row come in row order.
func (sr *streamRun) unit(ctx context.Context, wk *worker, u int, w tileWriter) error {
	p := sr.p
	g := u % sr.groups
	h := u / sr.groups % sr.parts
	c := u / sr.groups / sr.parts % sr.spans
	r := u / sr.groups / sr.parts / sr.spans
	x0 := c * sr.spanW
	y0 := r*p.tileH + h*sr.partH
	y1 := min(y0+sr.partH, (r+1)*p.tileH, p.grid.Height)
	if y0 >= y1 {
		return nil // a part below the raster's last row
	}
	want := image.Rect(x0, y0, min(x0+sr.spanW, p.grid.Width), y1)
	acc := sr.getAccum()
	if sr.hol {
		if err := sr.stackUnit(wk, want, acc); err != nil {
			return err
		}
	} else {
		for k := g * groupSize; k < min((g+1)*groupSize, len(p.srcs)); k++ {
			if err := sr.fold(wk, k, want, acc); err != nil {
				return err
			}
		}
	}
	part := sr.merge([3]int{r, c, h}, g, acc)
	if part == nil {
		return nil
	}
	parts := sr.collect([2]int{r, c}, h, part)
	if parts == nil {
		return nil
	}
	defer func() {
		for _, a := range parts {
			if a != nil {
				sr.putAccum(a)
			}
		}
	}()
	return sr.writeSpan(ctx, wk, r, c, parts, w)
}

// collect records finished part h of a span and returns all its parts
// once the last one is in. Parts below the raster's last row never come.
func (sr *streamRun) collect(key [2]int, h int, acc *accum) []*accum {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	ps := sr.spansIn[key]
	if ps == nil {
		ps = make([]*accum, sr.parts)
	}
	ps[h] = acc
	want := sr.parts
	if last := (key[0]+1)*sr.p.tileH - sr.p.grid.Height; last > 0 {
		// The bottom tile row: its parts past the raster's height are empty.
		want = (sr.p.tileH - last + sr.partH - 1) / sr.partH
	}
	n := 0
	for _, a := range ps {
		if a != nil {
			n++
		}
	}
	if n < want {
		sr.spansIn[key] = ps
		return nil
	}
	delete(sr.spansIn, key)
	return ps
}

// merge records group g of one part and adds every partial whose turn has
// come to the part's total, in group order; it returns the total once all
// groups are in. One goroutine at a time adds (busy); a partial that
// arrives meanwhile is held and added by it.
func (sr *streamRun) merge(key [3]int, g int, acc *accum) *accum {
	sr.mu.Lock()
	st := sr.state[key]
	if st == nil {
		st = &rowMerge{held: map[int]*accum{}}
		sr.state[key] = st
	}
	st.held[g] = acc
	if st.busy {
		sr.mu.Unlock()
		return nil
	}
	st.busy = true
	for {
		var ready []*accum
		for a := st.held[st.next]; a != nil; a = st.held[st.next] {
			delete(st.held, st.next)
			st.next++
			if st.total == nil {
				st.total = a
			} else {
				ready = append(ready, a)
			}
		}
		if len(ready) == 0 {
			break
		}
		total := st.total
		sr.mu.Unlock()
		for _, a := range ready {
			sr.add(total, a)
			sr.putAccum(a)
		}
		sr.mu.Lock()
	}
	st.busy = false
	total, complete := st.total, st.next == sr.groups
	if complete {
		delete(sr.state, key)
	}
	sr.mu.Unlock()
	if complete {
		return total
	}
	return nil
}

// add folds partial b into total a.
func (sr *streamRun) add(a, b *accum) {
	switch sr.p.cfg.Op {
	case Min, Max:
		isMax := sr.p.cfg.Op == Max
		for i, c := range b.cnt {
			if c == 0 {
				continue
			}
			if x := b.val[i]; a.cnt[i] == 0 || isMax && x > a.val[i] || !isMax && x < a.val[i] {
				a.val[i] = x
			}
			a.cnt[i] += c
		}
	default:
		for i, x := range b.val {
			a.val[i] += x
		}
		for i, c := range b.cnt {
			a.cnt[i] += c
		}
		for i, x := range b.ws {
			a.ws[i] += x
		}
	}
}

// fold reads every block of input k that want (output pixels) covers,
// once, and folds the valid samples of the output bands into acc. An input
// placed elsewhere on the output grid (s.off) is read where its footprint
// meets want; outside it, it adds nothing, as an invalid sample.
func (sr *streamRun) fold(wk *worker, k int, want image.Rectangle, acc *accum) error {
	p := sr.p
	s := p.srcs[k]
	in := want.Sub(s.off).Intersect(image.Rect(0, 0, s.im.Width, s.im.Height))
	if in.Empty() {
		return nil
	}
	cover := s.grid.Cover(in)
	tb := s.im.TileBands()
	weight := 1.0
	if p.cfg.Weights != nil {
		weight = p.cfg.Weights[k]
	}
	// foldBlock folds the part of block i (of plane plane) in want.
	foldBlock := func(i, plane int, data []byte) error {
		b := s.grid.Bounds(i % s.plane)
		clip := b.Intersect(in)
		n := clip.Dx()
		if len(wk.out) < n {
			wk.out = make([]float64, n)
		}
		vals := wk.out[:n]
		for j, band := range p.bands {
			if s.planeOf(band) != plane {
				continue
			}
			for y := clip.Min.Y; y < clip.Max.Y; y++ {
				first := ((y-b.Min.Y)*b.Dx()+clip.Min.X-b.Min.X)*tb + s.sampleOf(band)
				s.decs[band].decode(vals, data, first, tb)
				sr.foldRow(acc, sr.at(j, y+s.off.Y, clip.Min.X+s.off.X, want), vals, weight)
			}
		}
		return nil
	}
	rows := p.rowStreamed(s)
	for plane := range s.uses {
		if !needsPlane(s, p.bands, plane) {
			continue
		}
		if !rows {
			// Blocks with consecutive indices are read together where they
			// lie together in the file, as GDAL writes strips: the whole
			// cover when it spans every block column, else row by row.
			step, runs := cover.Dx(), cover.Dy()
			if cover.Dx() == s.grid.Across() {
				step, runs = cover.Dx()*cover.Dy(), 1
			}
			for r := range runs {
				first := s.im.TileIndex(cover.Min.X, cover.Min.Y+r, plane)
				data, err := s.r.ReadTiles(s.im, first, step, wk.buf, func(i int, data []byte) error {
					return foldBlock(i, plane, data)
				})
				wk.buf = data
				if err != nil {
					return &InputError{Path: s.name, Err: err}
				}
			}
			continue
		}
		for row := cover.Min.Y; row < cover.Max.Y; row++ {
			for col := cover.Min.X; col < cover.Max.X; col++ {
				i := s.im.TileIndex(col, row, plane)
				b := s.grid.Bounds(i % s.plane)
				if len(wk.out) < b.Dx() {
					wk.out = make([]float64, b.Dx())
				}
				if err := sr.foldRows(wk, k, i, plane, b, b.Intersect(in), want, acc, weight); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// at returns the accumulator index of output band j at output pixel
// (x, y) of a unit's rectangle want.
func (sr *streamRun) at(j, y, x int, want image.Rectangle) int {
	return j*sr.spanPx + (y-want.Min.Y)*sr.spanW + x - want.Min.X
}

// foldRow folds the values of one row segment into acc from index o.
func (sr *streamRun) foldRow(acc *accum, o int, vals []float64, weight float64) {
	if sr.hol { // acc is one input's part of the stack
		copy(acc.val[o:o+len(vals)], vals)
		return
	}
	cnt := acc.cnt[o : o+len(vals)]
	val := acc.val[o : o+len(vals)]
	switch op := sr.p.cfg.Op; {
	case sr.wsum:
		ws := acc.ws[o : o+len(vals)]
		for q, x := range vals {
			if x == x {
				val[q] += weight * x
				ws[q] += weight
				cnt[q]++
			}
		}
	case op == Count:
		for q, x := range vals {
			if x == x {
				cnt[q]++
			}
		}
	case op == Min || op == Max:
		isMax := op == Max
		for q, x := range vals {
			if x != x {
				continue
			}
			if cnt[q] == 0 || isMax && x > val[q] || !isMax && x < val[q] {
				val[q] = x
			}
			cnt[q]++
		}
	default:
		for q, x := range vals {
			if x == x {
				val[q] += x
				cnt[q]++
			}
		}
	}
}

// result returns the output value of accumulator i: the reduction, or NaN
// when too few inputs are valid there.
func (sr *streamRun) result(a *accum, i int) float64 {
	if sr.hol {
		return a.val[i] // the reducer's result, policy applied
	}
	c := a.cnt[i]
	if c < sr.need {
		return math.NaN()
	}
	switch op := sr.p.cfg.Op; {
	case sr.wsum:
		if a.ws[i] == 0 {
			return math.NaN()
		}
		return a.val[i] / a.ws[i]
	case op == Mean:
		return a.val[i] / float64(c)
	case op == Count:
		return float64(c)
	case op == Min || op == Max:
		if c == 0 {
			return math.NaN()
		}
	}
	return a.val[i]
}

// writeSpan encodes the tiles of span c of tile row r from the
// accumulators of its parts and hands them to w in order.
func (sr *streamRun) writeSpan(ctx context.Context, wk *worker, r, c int, parts []*accum, w tileWriter) error {
	p := sr.p
	size := p.cfg.Type.Size()
	if len(wk.out) < p.tileW {
		wk.out = make([]float64, p.tileW)
	}
	x0 := c * sr.spanW
	for tc := c * sr.tiles; tc < min((c+1)*sr.tiles, p.grid.Across()); tc++ {
		t := p.grid.Index(tc, r)
		bounds, rect := p.grid.Bounds(t), p.grid.Rect(t)
		wk.buf = grow(wk.buf, bounds.Dx()*bounds.Dy()*p.stride*size)
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			for j := range sr.nbAcc {
				out := wk.out[:rect.Dx()]
				dy := y - r*p.tileH
				acc := parts[dy/sr.partH]
				base := j*sr.spanPx + dy%sr.partH*sr.spanW + rect.Min.X - x0
				for q := range out {
					out[q] = sr.result(acc, base+q)
				}
				first := ((y-bounds.Min.Y)*bounds.Dx())*p.stride + j
				wk.enc.encode(wk.buf, first, p.stride, out)
			}
		}
		if rect != bounds {
			tiling.Fill(tiling.Buffer{Data: wk.buf, Rect: bounds, Stride: p.stride, Size: size}, rect, wk.fill)
		}
		if err := w.WriteTile(ctx, t, wk.buf); err != nil {
			return err
		}
		p.progress(p.runTiles())
	}
	return nil
}
