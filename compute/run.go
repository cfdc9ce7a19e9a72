package compute

import (
	"context"
	"fmt"
	"image"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/tiling"
)

// Run reduces the co-registered rasters named by inputs, pixel by pixel and
// band by band, into a new tiled GeoTIFF named output. It opens every
// input, checks that they share size, geotransform and CRS before any work,
// and then runs the pipeline described in the package documentation. On
// error or when ctx is cancelled no output file is left behind.
func Run(ctx context.Context, cfg Config, inputs []string, output string) error {
	cfg, err := cfg.validate(len(inputs))
	if err != nil {
		return err
	}
	readers := make([]*geotiff.Reader, 0, len(inputs))
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	for _, name := range inputs {
		r, err := geotiff.Open(name)
		if err != nil {
			return &InputError{Path: name, Err: err}
		}
		readers = append(readers, r)
	}
	return RunReaders(ctx, cfg, inputs, readers, output)
}

// RunReaders is [Run] for inputs the caller has opened; names are used in
// messages. It does not close the readers.
func RunReaders(ctx context.Context, cfg Config, names []string, readers []*geotiff.Reader, output string) error {
	cfg, err := cfg.validate(len(readers))
	if err != nil {
		return err
	}
	if len(names) != len(readers) {
		return fmt.Errorf("compute: got %d names for %d readers", len(names), len(readers))
	}
	p, err := newPipeline(cfg, names, readers)
	if err != nil {
		return err
	}
	w, err := geotiff.Create(output, p.writerOptions())
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	if err := p.run(ctx, w); err != nil {
		w.Abort()
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// newPipeline checks the inputs and derives the output layout.
func newPipeline(cfg Config, names []string, readers []*geotiff.Reader) (*pipeline, error) {
	ims := make([]*geotiff.Image, len(readers))
	for i, r := range readers {
		if len(r.Images()) == 0 {
			return nil, fmt.Errorf("%s: no image in the file", names[i])
		}
		ims[i] = r.Image()
	}
	if err := checkCoregistered(names, ims, cfg.IgnoreCRS); err != nil {
		return nil, err
	}
	bands, err := selectBands(cfg.Bands, names, ims)
	if err != nil {
		return nil, err
	}
	first := ims[0]
	hasND, nd, err := outputNoData(&cfg, first, cfg.Type)
	if err != nil {
		return nil, err
	}
	p := &pipeline{cfg: cfg, bands: bands, hasNoData: hasND, noData: nd, first: first}
	p.tileW, p.tileH = outputTileSize(cfg.Output, ims)
	p.grid = tiling.Grid{Width: first.Width, Height: first.Height, TileWidth: p.tileW, TileHeight: p.tileH}
	p.separate = cfg.Output.Planar == geotiff.PlanarSeparate && len(bands) > 1
	p.planes = 1
	if p.separate {
		p.planes = len(bands)
	}
	for i := range readers {
		p.srcs = append(p.srcs, p.newSource(i, names[i], readers[i], ims[i]))
	}
	if err := probe(p.srcs); err != nil {
		return nil, err
	}
	p.cache = newBlockCache(cfg.CacheBytes, p.nextUse)
	return p, nil
}

// nextUse returns how many output tiles lie between the first tile not yet
// taken by a worker and the next tile of cover (tile coordinates) in
// processing order, or a large number when no tile of cover is left in
// the current plane.
func (p *pipeline) nextUse(cover image.Rectangle) int {
	n := p.grid.Len()
	f := int(p.next.Load()) % n
	a := p.grid.Across()
	col, row := f%a, f/a
	var next int
	switch {
	case row < cover.Min.Y:
		next = p.grid.Index(cover.Min.X, cover.Min.Y)
	case row >= cover.Max.Y:
		return 2 * n
	case col < cover.Min.X:
		next = p.grid.Index(cover.Min.X, row)
	case col < cover.Max.X:
		next = f
	case row+1 < cover.Max.Y:
		next = p.grid.Index(cover.Min.X, row+1)
	default:
		return 2 * n
	}
	return next - f
}

// probeLimit is the largest block probe decodes.
const probeLimit = 16 << 20

// probe decodes the first block of every input whose blocks are not huge,
// so that an unsupported compression or sample type, or a damaged first
// block, is reported before the output is created.
func probe(srcs []*source) error {
	var buf []byte
	for _, s := range srcs {
		if s.im.NumTiles() == 0 || s.im.TileBytes() > probeLimit {
			continue
		}
		var err error
		if buf, err = s.r.ReadTile(s.im, 0, buf); err != nil {
			return &InputError{Path: s.name, Err: err}
		}
	}
	return nil
}

// selectBands validates the requested bands against every input, or
// returns all bands when none are requested.
func selectBands(req []int, names []string, ims []*geotiff.Image) ([]int, error) {
	if len(req) == 0 {
		for i, im := range ims {
			if im.Bands != ims[0].Bands {
				return nil, fmt.Errorf("%s: has %d bands, %s has %d: select bands with --band", names[i], im.Bands, names[0], ims[0].Bands)
			}
		}
		all := make([]int, ims[0].Bands)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	for _, b := range req {
		for i, im := range ims {
			if b < 0 || b >= im.Bands {
				return nil, fmt.Errorf("%s: band %d does not exist: the file has bands 1 to %d", names[i], b+1, im.Bands)
			}
		}
	}
	return req, nil
}

// outputTileSize returns the requested tile size, or the inputs' common
// tile size when they are all tiled alike with multiples of 16 from 128 to
// 1024 (so a stack of 512×512 COGs is read tile for tile, with no cache),
// or 256×256.
func outputTileSize(o geotiff.WriterOptions, ims []*geotiff.Image) (int, int) {
	w, h := o.TileWidth, o.TileHeight
	if w != 0 && h != 0 {
		return w, h
	}
	cw, ch := ims[0].TileWidth, ims[0].TileHeight
	common := cw%16 == 0 && ch%16 == 0 && cw >= 128 && ch >= 128 && cw <= 1024 && ch <= 1024
	for _, im := range ims {
		common = common && im.Tiled && im.TileWidth == cw && im.TileHeight == ch
	}
	if !common {
		cw, ch = geotiff.DefaultTileSize, geotiff.DefaultTileSize
	}
	if w == 0 {
		w = cw
	}
	if h == 0 {
		h = ch
	}
	return w, h
}

func (p *pipeline) newSource(i int, name string, r *geotiff.Reader, im *geotiff.Image) *source {
	s := &source{
		idx: i, name: name, r: r, im: im, grid: im.Grid(), size: im.Type.Size(),
		dec: newDecoder(im.Type, im.HasNoData, im.NoData),
		sep: im.Planar == geotiff.PlanarSeparate && im.Bands > 1,
	}
	s.plane = s.grid.Len()
	s.direct = !s.sep && im.Tiled && im.TileWidth == p.tileW && im.TileHeight == p.tileH
	nplanes := 1
	if s.sep {
		nplanes = im.Bands
	}
	s.uses = make([]int, nplanes)
	for o := 0; o < p.planes; o++ {
		for plane := range s.uses {
			if needsPlane(s, p.tileBands(o), plane) {
				s.uses[plane]++
			}
		}
	}
	return s
}

// writerOptions returns the output's creation options.
func (p *pipeline) writerOptions() geotiff.WriterOptions {
	o := p.cfg.Output
	o.Width, o.Height, o.Bands, o.Type = p.grid.Width, p.grid.Height, len(p.bands), p.cfg.Type
	o.TileWidth, o.TileHeight = p.tileW, p.tileH
	o.HasNoData, o.NoData = p.hasNoData, p.noData
	o.Geo = nil
	if g := p.first.Geo; g.HasTransform || g.Keys != nil {
		o.Geo = &g
	}
	o.Metadata = outputMetadata(p.first.Metadata, p.bands, p.cfg.Op)
	return o
}
