package compute

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/tiling"
)

// chunk is the number of pixels reduced at a time: the float64 values of
// every input for one chunk stay in cache.
const chunk = 1024

// A pipeline holds everything the workers share for one run.
type pipeline struct {
	cfg          Config
	srcs         []*source
	first        *geotiff.Image
	bands        []int // input bands, one per output band
	grid         tiling.Grid
	tileW, tileH int
	separate     bool // output is PlanarSeparate with several bands
	planes       int  // output tile planes
	hasNoData    bool
	noData       float64
	cache        *blockCache

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

// writeTiler is the part of [geotiff.Writer] the workers use.
type writeTiler interface {
	WriteTile(ctx context.Context, i int, samples []byte) error
}

// run processes every output tile with cfg.Workers workers, which take
// tile indices in increasing order from a shared counter, so the tile the
// writer waits for is always being worked on.
func (p *pipeline) run(ctx context.Context, w writeTiler) error {
	total := p.grid.Len() * p.planes
	g, ctx := errgroup.WithContext(ctx)
	for range p.cfg.Workers {
		g.Go(func() error {
			wk := p.newWorker()
			for {
				i := int(p.next.Add(1) - 1)
				if i >= total {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := wk.tile(ctx, i, w); err != nil {
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
	p     *pipeline
	red   *reducer
	fused *fused32 // nil unless the run qualifies for the fused float32 path
	enc   encoder
	win   [][][]byte // per input, its window buffers
	views [][]view   // per input, one view per band of the tile
	one   []view     // per input, the view of the band being reduced
	later []blockRef // blocks left for a second pass by source.load
	vals  [][]float64
	out   []float64
	buf   []byte
	fill  []byte
}

func (p *pipeline) newWorker() *worker {
	n := len(p.srcs)
	// Pixels with no result get the output nodata; without one (Count),
	// NaN for float outputs and 0 for integer ones.
	fill := p.noData
	if !p.hasNoData {
		fill = 0
		if p.cfg.Type.IsFloat() {
			fill = math.NaN()
		}
	}
	wk := &worker{
		p:     p,
		red:   newReducer(p.cfg.Op, p.cfg.Weights, p.cfg.PropagateNoData, p.cfg.MinValid, chunk),
		fused: newFused32(p, fill),
		enc:   newEncoder(p.cfg.Type, fill),
		win:   make([][][]byte, n),
		views: make([][]view, n),
		one:   make([]view, n),
		vals:  make([][]float64, n),
		out:   make([]float64, chunk),
		fill:  sampleBytes(p.cfg.Type, fill),
	}
	nb := len(p.tileBands(0))
	for k := range n {
		wk.views[k] = make([]view, nb)
		wk.vals[k] = make([]float64, chunk)
	}
	return wk
}

// tile computes output tile i and hands it to w.
func (wk *worker) tile(ctx context.Context, i int, w writeTiler) error {
	p := wk.p
	plane, t := i/p.grid.Len(), i%p.grid.Len()
	bands := p.tileBands(plane)
	bounds, rect := p.grid.Bounds(t), p.grid.Rect(t)
	for k, s := range p.srcs {
		if err := s.load(p, t, bounds, rect, bands, wk.views[k], &wk.win[k], &wk.later); err != nil {
			return err
		}
	}
	px := bounds.Dx() * bounds.Dy()
	stride := len(bands)
	wk.buf = grow(wk.buf, px*stride*p.cfg.Type.Size())
	wk.reduceTile(bands, px)
	if rect != bounds {
		tiling.Fill(tiling.Buffer{Data: wk.buf, Rect: bounds, Stride: stride, Size: p.cfg.Type.Size()}, rect, wk.fill)
	}
	return w.WriteTile(ctx, i, wk.buf)
}

// reduceTile computes the px pixels of every band of the tile into wk.buf
// from the views loaded for it.
func (wk *worker) reduceTile(bands []int, px int) {
	stride := len(bands)
	for j := range bands {
		if wk.fused != nil && wk.fusedBand(j, px) {
			continue
		}
		for p0 := 0; p0 < px; p0 += chunk {
			c := min(chunk, px-p0)
			for k, s := range wk.p.srcs {
				v := wk.views[k][j]
				s.dec.decode(wk.vals[k][:c], v.data, v.first+p0*v.stride, v.stride)
			}
			wk.red.reduce(wk.out[:c], wk.vals)
			wk.enc.encode(wk.buf, j+p0*stride, stride, wk.out[:c])
		}
	}
}

// fusedBand reduces band j of the tile with the fused float32 path, and
// reports whether it could.
func (wk *worker) fusedBand(j, px int) bool {
	for k := range wk.views {
		wk.one[k] = wk.views[k][j]
	}
	return wk.fused.reduce(wk.buf, wk.one, px)
}
