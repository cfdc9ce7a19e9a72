package compute

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math"
	"strconv"
	"sync"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/overview"
)

// OverviewConfig asks for a Cloud-Optimized GeoTIFF, internal overviews
// and statistics, all computed in the same pass as the full resolution
// (see docs/COG.md).
type OverviewConfig struct {
	// COG writes a Cloud-Optimized GeoTIFF in GDAL's COG layout, with
	// overviews (unless Levels is negative) and statistics.
	COG bool
	// Internal writes internal overviews into a plain GeoTIFF (gomean's
	// --overviews): the IFDs first, then the tiles, smallest level first.
	Internal bool
	// Levels is the number of overview levels: 0 chooses them as GDAL's
	// COG driver does (halving until the smallest fits in one tile), a
	// negative value writes none (OVERVIEWS=NONE).
	Levels int
	// Resampling is the overview resampling method; default Average.
	Resampling overview.Method
	// Stats writes STATISTICS_MINIMUM, _MAXIMUM, _MEAN, _STDDEV and
	// _VALID_PERCENT per band in GDAL_METADATA; COG implies it unless
	// NoStats is set.
	Stats, NoStats bool
}

// outputFile is what run needs of the output writer.
type outputFile interface {
	tileWriter
	SetNoData(has bool, v float64) error
	Close() error
	Abort() error
}

// wants reports whether the output goes through the overview writer.
func (o OverviewConfig) wants() bool { return o.COG || o.Internal || o.Stats }

// stats reports whether statistics are written.
func (o OverviewConfig) stats() bool { return o.Stats || o.COG && !o.NoStats }

// createOutput creates the output: a plain geotiff.Writer, or a
// geotiff.COGWriter fed through an ovWriter that builds the overviews and
// the statistics from the full-resolution tiles.
func (p *pipeline) createOutput(ctx context.Context, output string) (outputFile, error) {
	o, err := p.outputOptions()
	if err != nil {
		return nil, err
	}
	oc := p.cfg.Overviews
	if !oc.wants() {
		return geotiff.Create(output, o)
	}
	if p.separate {
		return nil, errors.New("compute: overviews, COG and statistics need INTERLEAVE=PIXEL output with several bands")
	}
	levels := 0
	if oc.COG || oc.Internal {
		width, height := p.grid.Width, p.grid.Height // of the whole output, also for a shard
		switch {
		case oc.Levels == 0:
			levels = overview.Count(width, height, p.tileW)
		case oc.Levels > 0:
			levels = oc.Levels
			if max := overview.Count(width, height, 1); levels > max {
				return nil, fmt.Errorf("compute: %d overview levels asked for a %dx%d raster: at most %d halve it to one pixel", levels, width, height, max)
			}
		}
	}
	if p.shard != nil {
		// A plain part; Merge writes the COG, overviews and statistics.
		return p.createPart(output, o, levels)
	}
	w, err := p.createCOG(ctx, output, o, levels)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// createCOG creates the geotiff.COGWriter of output with levels overview
// levels and the ovWriter that feeds it. Merge calls it too, on a
// pipeline that holds only what it uses (see mergeCOG in merge.go).
func (p *pipeline) createCOG(ctx context.Context, output string, o geotiff.WriterOptions, levels int) (*ovWriter, error) {
	oc := p.cfg.Overviews
	cw, err := geotiff.CreateCOG(output, geotiff.COGOptions{WriterOptions: o, Overviews: levels, Plain: !oc.COG})
	if err != nil {
		return nil, err
	}
	w := &ovWriter{cw: cw, p: p, meta: o.Metadata, mask: p.maskOut, ctx: ctx}
	t := overview.Tiling{
		TileWidth: p.tileW, TileHeight: p.tileH, Samples: p.stride, Type: p.cfg.Type,
		HasNoData: p.nd.has || p.nd.deferred, NoData: p.nd.fill, Fill: p.nd.fill,
		Alpha: p.alphaOut,
	}
	if p.nd.has && p.nd.text == "" {
		t.NoData = p.nd.value
	}
	w.tiling = t
	if levels > 0 {
		w.b, err = overview.NewBuilder(overview.Config{
			Tiling: t, Width: o.Width, Height: o.Height, Levels: levels, Method: oc.Resampling, Mask: p.maskOut,
		}, w.emit)
		if err != nil {
			cw.Abort()
			return nil, err
		}
	}
	if oc.stats() {
		w.stats = make([]tileStats, p.grid.Len())
	}
	if p.maskOut {
		w.held = make(map[int][]byte)
	}
	return w, nil
}

// An ovWriter forwards full-resolution tiles to a COGWriter and feeds
// them to the overview builder and the statistics. With a mask, a tile is
// held from WriteTile until its WriteMaskTile (the pipeline writes both
// from the same worker, one after the other).
type ovWriter struct {
	cw     *geotiff.COGWriter
	p      *pipeline
	b      *overview.Builder
	tiling overview.Tiling
	meta   string
	mask   bool
	ctx    context.Context // of the run: stops the final copy

	mu    sync.Mutex
	held  map[int][]byte // tiles waiting for their mask
	stats []tileStats    // per full-resolution tile, summed in tile order
}

// tileStats are the sums of one tile, per band.
type tileStats struct {
	n, sum, sumSq, min, max []float64
}

func (w *ovWriter) WriteTile(ctx context.Context, i int, samples []byte) error {
	if err := w.cw.WriteTile(ctx, i, samples); err != nil {
		return err
	}
	if w.mask {
		c := append([]byte(nil), samples...)
		w.mu.Lock()
		w.held[i] = c
		w.mu.Unlock()
		return nil
	}
	return w.feed(ctx, i, samples, nil)
}

func (w *ovWriter) WriteMaskTile(ctx context.Context, i int, mask []byte) error {
	if err := w.cw.WriteMaskTile(ctx, i, mask); err != nil {
		return err
	}
	w.mu.Lock()
	samples := w.held[i]
	delete(w.held, i)
	w.mu.Unlock()
	if samples == nil {
		return fmt.Errorf("compute: mask tile %d before its image tile", i)
	}
	return w.feed(ctx, i, samples, mask)
}

// feed hands full-resolution tile i to the statistics and the builder.
func (w *ovWriter) feed(ctx context.Context, i int, samples, valid []byte) error {
	if w.stats != nil {
		w.stats[i] = w.tileStats(i, samples, valid)
	}
	if w.b == nil {
		return nil
	}
	return w.b.Add(ctx, i, samples, valid)
}

// emit writes a finished overview tile.
func (w *ovWriter) emit(ctx context.Context, level, i int, samples, valid []byte) error {
	if err := w.cw.WriteOverviewTile(ctx, level, i, samples); err != nil {
		return err
	}
	if valid != nil {
		return w.cw.WriteOverviewMaskTile(ctx, level, i, valid)
	}
	return nil
}

// tileStats returns the sums of the pixels of tile i inside the image.
func (w *ovWriter) tileStats(i int, samples, valid []byte) tileStats {
	p, t := w.p, &w.tiling
	nb := p.stride
	s := tileStats{n: make([]float64, nb), sum: make([]float64, nb), sumSq: make([]float64, nb), min: make([]float64, nb), max: make([]float64, nb)}
	for b := range nb {
		s.min[b], s.max[b] = math.Inf(1), math.Inf(-1)
	}
	rect, bounds := p.grid.Rect(i), p.grid.Bounds(i)
	size := p.cfg.Type.Size()
	if p.cfg.Type == geotiff.Float32 && nb == 1 {
		w.float32Stats(&s, rect, bounds, samples, valid)
		return s
	}
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		row := (y - bounds.Min.Y) * bounds.Dx()
		for x := rect.Min.X; x < rect.Max.X; x++ {
			px := row + x - bounds.Min.X
			if valid != nil && valid[px] == 0 {
				continue
			}
			for b := range nb {
				v := p.cfg.Type.Get(samples[(px*nb+b)*size:])
				if math.IsNaN(v) || t.HasNoData && v == t.NoData {
					continue
				}
				s.n[b]++
				s.sum[b] += v
				s.sumSq[b] += v * v
				s.min[b] = min(s.min[b], v)
				s.max[b] = max(s.max[b], v)
			}
		}
	}
	return s
}

// float32Stats is tileStats for one-band float32 tiles.
func (w *ovWriter) float32Stats(s *tileStats, rect, bounds image.Rectangle, samples, valid []byte) {
	t := &w.tiling
	nd, checkND := float32(t.NoData), t.HasNoData
	var n, sum, sumSq float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		row := (y-bounds.Min.Y)*bounds.Dx() - bounds.Min.X
		for x := rect.Min.X; x < rect.Max.X; x++ {
			px := row + x
			if valid != nil && valid[px] == 0 {
				continue
			}
			v := math.Float32frombits(binary.LittleEndian.Uint32(samples[4*px:]))
			if v != v || checkND && v == nd {
				continue
			}
			f := float64(v)
			n++
			sum += f
			sumSq += f * f
			lo, hi = min(lo, f), max(hi, f)
		}
	}
	s.n[0], s.sum[0], s.sumSq[0], s.min[0], s.max[0] = n, sum, sumSq, lo, hi
}

// statsMetadata returns the GDAL_METADATA text with the statistics of
// every band added to meta.
func (w *ovWriter) statsMetadata() (string, error) {
	var md gdalMetadata
	if err := md.parse(w.meta); err != nil {
		return "", fmt.Errorf("compute: output metadata: %w", err)
	}
	nb := w.p.stride
	total := float64(w.p.grid.Width) * float64(w.p.grid.Height)
	for b := range nb {
		var n, sum, sumSq float64
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range w.stats {
			n += s.n[b]
			sum += s.sum[b]
			sumSq += s.sumSq[b]
			lo, hi = min(lo, s.min[b]), max(hi, s.max[b])
		}
		if n == 0 {
			continue
		}
		mean := sum / n
		sd := math.Sqrt(max(0, sumSq/n-mean*mean))
		f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		sample := strconv.Itoa(b)
		for _, it := range [][2]string{
			{"STATISTICS_MAXIMUM", f(hi)}, {"STATISTICS_MEAN", f(mean)}, {"STATISTICS_MINIMUM", f(lo)},
			{"STATISTICS_STDDEV", f(sd)}, {"STATISTICS_VALID_PERCENT", f(100 * n / total)},
		} {
			md.Items = append(md.Items, metaItem{Name: it[0], Sample: sample, Value: it[1]})
		}
	}
	if len(md.Items) == 0 {
		return "", nil
	}
	return md.String(), nil
}

func (w *ovWriter) SetNoData(has bool, v float64) error { return w.cw.SetNoData(has, v) }

func (w *ovWriter) Abort() error { return w.cw.Abort() }

// Close writes the statistics and closes the COGWriter.
func (w *ovWriter) Close() error {
	if w.stats != nil {
		md, err := w.statsMetadata()
		if err != nil {
			w.cw.Abort()
			return err
		}
		w.cw.SetMetadata(md)
	}
	return w.cw.CloseContext(w.ctx)
}
