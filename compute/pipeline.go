package compute

import (
	"context"
	"image"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
	"github.com/gomean/gomean/tiling"
)

// chunk is the number of pixels reduced at a time: the float64 values of
// every input for one chunk stay in cache.
const chunk = 1024

// A pipeline holds everything the workers share for one run.
type pipeline struct {
	cfg          Config
	ins          []*input
	srcs         []*source
	first        *geotiff.Image
	bands        []int // input bands, one per output band
	grid         tiling.Grid
	tileW, tileH int
	separate     bool // output is PlanarSeparate with several bands
	planes       int  // output tile planes
	stride       int  // samples per pixel in an output tile
	nd           noDataPolicy
	photometric  int      // output PhotometricInterpretation (0: MinIsBlack)
	extraSamples []uint16 // output ExtraSamples
	maskOut      bool     // the output carries an internal mask
	alphaOut     bool     // the output carries an alpha band (the last)
	stream       bool     // the run takes the streaming path
	cache        *blockCache

	shard *shardRun // the band of tile rows a sharded run computes (shard.go)

	// geo is the output's georeferencing; index finds the inputs whose
	// footprints meet an output tile when some input is not the output
	// grid itself (nil otherwise), and maxActive is the most inputs that
	// meet one tile.
	geo       geotiff.Georef
	index     *grid.Index
	maxActive int

	statsMu sync.Mutex
	stats   []*encoder // every worker's encoder, for its counts

	next     atomic.Int64
	progMu   sync.Mutex
	progDone int
}

// tileBands returns the input bands that output plane o holds.
func (p *pipeline) tileBands(o int) []int {
	if p.separate {
		return p.bands[o : o+1]
	}
	return p.bands
}

// tileWriter is the part of [geotiff.Writer] the workers use.
type tileWriter interface {
	WriteTile(ctx context.Context, i int, samples []byte) error
	WriteMaskTile(ctx context.Context, i int, mask []byte) error
}

// run processes every output tile with cfg.Workers workers, which take
// tile indices in increasing order from a shared counter, so the tile the
// writer waits for is always being worked on.
func (p *pipeline) run(ctx context.Context, w tileWriter) error {
	total := p.runTiles()
	g, ctx := errgroup.WithContext(ctx)
	for range p.cfg.Workers {
		g.Go(func() error {
			wk := p.newWorker(true)
			for {
				i := int(p.next.Add(1) - 1)
				if i >= total {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := wk.tile(ctx, p.tileIndex(i), w); err != nil {
					return err
				}
				p.progress(total)
			}
		})
	}
	return g.Wait()
}

func (p *pipeline) progress(total int) {
	if p.cfg.Progress == nil {
		return
	}
	p.progMu.Lock()
	p.progDone++
	p.cfg.Progress(p.progDone, total)
	p.progMu.Unlock()
}

// A worker owns the buffers for one output tile at a time.
type worker struct {
	p      *pipeline
	red    *reducer
	fused  *fused32 // nil unless the run qualifies for the fused float32 path
	enc    encoder
	win    [][][]byte // per input, its window buffers
	mwin   [][][]byte // per input, its mask's window buffers
	views  [][]view   // per input, one view per loaded band of the tile
	mviews [][]view   // per input, one view per band of its mask
	one    []view     // per input, the view of the band being reduced
	later  []blockRef // blocks left for a second pass by source.load
	spans  []span     // the pixels of the tile inside the image
	vals   [][]float64
	out    []float64
	buf    []byte
	valid  []byte // per pixel of the tile, 1 where some band has a result
	fill   []byte

	// With footprints (p.index): the inputs of the current tile, its
	// bounds, whether every input covers it, and the reducer's own
	// weights and times for all inputs.
	ti     tileInputs
	bounds image.Rectangle
	plain  bool
	allW   []float64
	allXs  []float64
	saved  bool // allW and allXs are set
}

// newWorker returns a worker; with tiles, it has the per-input buffers of
// the tile path.
func (p *pipeline) newWorker(tiles bool) *worker {
	n := len(p.srcs)
	wk := &worker{
		p:      p,
		red:    newReducer(p.cfg.Op, p.cfg.Weights, p.cfg.PropagateNoData, p.cfg.MinValid, chunk),
		enc:    newEncoder(p.cfg.Type, p.nd.fill),
		win:    make([][][]byte, n),
		mwin:   make([][][]byte, n),
		views:  make([][]view, n),
		mviews: make([][]view, n),
		one:    make([]view, n),
		vals:   make([][]float64, n),
		out:    make([]float64, chunk),
		fill:   sampleBytes(p.cfg.Type, p.nd.fill),
	}
	wk.enc.avoid = p.nd.avoid
	wk.red.configure(p.cfg, n)
	p.statsMu.Lock()
	p.stats = append(p.stats, &wk.enc)
	p.statsMu.Unlock()
	if !tiles {
		return wk // the streaming path needs no per-input buffers
	}
	wk.fused = newFused32(p, &wk.enc)
	for k, s := range p.srcs {
		nb := 0
		for _, l := range s.loads {
			nb = max(nb, len(l))
		}
		wk.views[k] = make([]view, nb)
		if s.mask != nil {
			wk.mviews[k] = make([]view, len(s.mask.loads[0]))
		}
		wk.vals[k] = make([]float64, chunk)
	}
	return wk
}

// tile computes output tile i and hands it to w.
func (wk *worker) tile(ctx context.Context, i int, w tileWriter) error {
	p := wk.p
	plane, t := i/p.grid.Len(), i%p.grid.Len()
	bands := p.tileBands(plane)
	bounds, rect := p.grid.Bounds(t), p.grid.Rect(t)
	wk.bounds, wk.plain = bounds, true
	if p.index != nil {
		wk.plain = wk.ti.pick(p, bounds, rect)
		defer wk.useInputs(true)
	}
	slot := 0
	for k, s := range p.srcs {
		// With footprints, only the inputs that meet the tile are read,
		// into the worker's first buffers, so a worker holds windows for
		// at most p.maxActive inputs.
		w := k
		if p.index != nil {
			if !wk.ti.on[k] {
				continue
			}
			w, slot = slot, slot+1
		}
		if err := s.load(p, t, bounds, rect, s.loads[plane], wk.views[k], &wk.win[w], &wk.later); err != nil {
			return err
		}
		if m := s.mask; m != nil && s.kdecs == nil { // a kernel folds the mask in itself
			if err := m.load(p, t, bounds, rect, m.loads[plane], wk.mviews[k], &wk.mwin[w], &wk.later); err != nil {
				return err
			}
		}
	}
	if p.index != nil && wk.ti.compact {
		wk.useInputs(false)
	}
	px := bounds.Dx() * bounds.Dy()
	wk.buf = grow(wk.buf, px*p.stride*p.cfg.Type.Size())
	track := p.maskOut || p.alphaOut
	if track {
		wk.valid = grow(wk.valid, px)
		clear(wk.valid)
	}
	// Edge tiles reduce only the pixels inside the image, so the counts of
	// empty and moved values are the image's.
	wk.spans = wk.spans[:0]
	if rect == bounds {
		wk.spans = append(wk.spans, span{0, px})
	} else {
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			wk.spans = append(wk.spans, span{(y-bounds.Min.Y)*bounds.Dx() + rect.Min.X - bounds.Min.X, rect.Dx()})
		}
	}
	wk.reduceTile(bands, wk.spans, track)
	if p.alphaOut {
		wk.writeAlpha(px)
	}
	if rect != bounds {
		tiling.Fill(tiling.Buffer{Data: wk.buf, Rect: bounds, Stride: p.stride, Size: p.cfg.Type.Size()}, rect, wk.fill)
	}
	if err := w.WriteTile(ctx, i, wk.buf); err != nil {
		return err
	}
	if p.maskOut && plane == 0 {
		return w.WriteMaskTile(ctx, t, wk.valid)
	}
	return nil
}

// A span is a run of n pixels of a tile from pixel first.
type span struct{ first, n int }

// reduceTile computes the pixels of spans of every band of the tile into
// wk.buf from the views loaded for it, and with track marks in wk.valid
// the pixels where some band has a result.
func (wk *worker) reduceTile(bands []int, spans []span, track bool) {
	for j, band := range bands {
		if len(spans) == 1 && spans[0].first == 0 && wk.fused != nil && wk.plain && wk.fusedBand(j, band, spans[0].n) {
			continue
		}
		for _, sp := range spans {
			wk.reduceSpan(j, band, sp, track)
		}
	}
}

// reduceSpan computes band j (input band band) of the pixels of sp.
func (wk *worker) reduceSpan(j, band int, sp span, track bool) {
	p := wk.p
	alpha := len(p.tileBands(0)) // the view of the alpha band, if loaded
	for p0 := sp.first; p0 < sp.first+sp.n; p0 += chunk {
		c := min(chunk, sp.first+sp.n-p0)
		for k, s := range p.srcs {
			vals := wk.vals[k][:c]
			if !wk.plain && !wk.ti.on[k] {
				if !wk.ti.compact {
					fillNaN(vals)
				}
				continue
			}
			v := wk.views[k][j]
			s.decs[band].decode(vals, v.data, v.first+p0*v.stride, v.stride)
			switch s.vmode[band] {
			case validAlpha:
				maskOut(vals, wk.views[k][alpha], s.size, p0)
			case validMask:
				mj := 0
				if s.maskPerBand {
					mj = j
				}
				maskOut(vals, wk.mviews[k][mj], s.mask.size, p0)
			}
			if !wk.plain && wk.ti.partial[k] {
				maskFoot(vals, p0, wk.bounds, s.foot)
			}
		}
		out := wk.out[:c]
		if !wk.plain && wk.ti.compact {
			wk.red.reduce(out, wk.ti.vals)
		} else {
			wk.red.reduce(out, wk.vals)
		}
		if len(wk.red.outs) > 1 { // several percentiles: stackops.go
			wk.encodeOuts(j, p0, c, track)
			continue
		}
		if track {
			for q, x := range out {
				if x == x {
					wk.valid[p0+q] = 1
				}
			}
		}
		wk.enc.encode(wk.buf, j+p0*p.stride, p.stride, out)
	}
}

// writeAlpha sets the last sample of every pixel: 0 where the pixel has
// no result, else the largest alpha of the inputs there (an input whose
// validity comes from elsewhere counts as opaque), so one input with
// partial transparency is kept as it is.
func (wk *worker) writeAlpha(px int) {
	p := wk.p
	t := p.cfg.Type
	size := t.Size()
	_, hi := t.Range()
	alpha := len(p.tileBands(0)) // the view of the alpha band, if loaded
	for q := range px {
		a := 0.0
		if wk.valid[q] != 0 {
			for k, s := range p.srcs {
				if !wk.plain && !wk.ti.inFoot(p, k, q, wk.bounds) {
					continue
				}
				if len(s.loads[0]) <= alpha || s.kdecs != nil { // resampled with a kernel: opaque where valid
					a = hi
					break
				}
				v := wk.views[k][alpha]
				i := (v.first + q*v.stride) * s.size
				a = max(a, s.im.Type.Get(v.data[i:i+s.size]))
			}
			a = min(a, hi)
		}
		at := (q*p.stride + p.stride - 1) * size
		t.Put(wk.buf[at:at+size], a)
	}
}

// fusedBand reduces band j (input band band) of the tile with the fused
// float32 path, and reports whether it could.
func (wk *worker) fusedBand(j, band, px int) bool {
	for k := range wk.views {
		wk.one[k] = wk.views[k][j]
	}
	return wk.fused.reduce(wk.buf, wk.one, band, px)
}
