package compute

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/gomean/gomean/sidecar"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
	"github.com/gomean/gomean/tiling"
)

// Run reduces the rasters named by inputs, pixel by pixel and band by
// band, into a new tiled GeoTIFF named output. It opens every input (at
// most a quarter of the open-file limit at once, so any number of inputs
// works), reads their sidecars and masks as GDAL does, checks that they
// share a CRS and one pixel lattice before any work, places them on the
// output grid that Config.Grid chooses (their union by default; a pixel
// outside an input is invalid for it), and then runs the pipeline
// described in the package documentation. On error or
// when ctx is cancelled no output file is left behind.
func Run(ctx context.Context, cfg Config, inputs []string, output string) error {
	cfg, err := cfg.validate(len(inputs))
	if err != nil {
		return err
	}
	pool := newFilePool(defaultPoolSize())
	defer pool.closeAll()
	defer bindRemote(ctx, pool, inputs)()
	open := openerFor(pool)
	// Parsing a thousand IFDs is work too: open on every worker.
	readers := make([]*geotiff.Reader, len(inputs))
	err = parallel(len(inputs), cfg.Workers, func(i int) error {
		r, err := open(inputs[i])
		if err != nil {
			return &InputError{Path: inputs[i], Err: err}
		}
		readers[i] = r
		return nil
	})
	if err != nil {
		return err
	}
	return run(ctx, cfg, inputs, readers, output, open)
}

// RunReaders is [Run] for inputs the caller has opened; names are used in
// messages and to find sidecar files (FILE.aux.xml, world files, FILE.msk)
// when they name local files. It does not close the readers.
func RunReaders(ctx context.Context, cfg Config, names []string, readers []*geotiff.Reader, output string) error {
	cfg, err := cfg.validate(len(readers))
	if err != nil {
		return err
	}
	if len(names) != len(readers) {
		return fmt.Errorf("compute: got %d names for %d readers", len(names), len(readers))
	}
	return run(ctx, cfg, names, readers, output, func(name string) (*geotiff.Reader, error) {
		return geotiff.Open(name)
	})
}

func run(ctx context.Context, cfg Config, names []string, readers []*geotiff.Reader, output string, open opener) error {
	ins := make([]*input, len(readers))
	defer func() {
		for i, in := range ins {
			if in != nil && in.maskR != nil && in.maskR != readers[i] {
				in.maskR.Close()
			}
		}
	}()
	err := parallel(len(readers), cfg.Workers, func(i int) error {
		in, err := newInput(names[i], readers[i], open)
		ins[i] = in
		return err
	})
	if err != nil {
		return err
	}
	if cfg.Type == geotiff.Invalid { // Mode's default
		cfg.Type = modeType(ins)
	}
	p, err := newPipeline(cfg, ins)
	if err != nil {
		return err
	}
	for _, in := range ins {
		for _, msg := range in.warnings {
			p.notice("%s: %s", in.name, msg)
		}
	}
	if err := p.setupShard(names); err != nil {
		return err
	}
	p.expectRemote()
	w, err := p.createOutput(ctx, output)
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	if p.stream {
		err = p.runStream(ctx, p.wrapWriter(w))
	} else {
		err = p.run(ctx, p.wrapWriter(w))
	}
	if err != nil {
		w.Abort()
		return err
	}
	if err := p.finish(w); err != nil {
		w.Abort()
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return p.writeSidecar(output)
}

// newPipeline checks the inputs and derives the output layout.
func newPipeline(cfg Config, ins []*input) (*pipeline, error) {
	ims := make([]*geotiff.Image, len(ins))
	names := make([]string, len(ins))
	for i, in := range ins {
		ims[i], names[i] = in.im, in.name
	}
	p := &pipeline{cfg: cfg, first: ims[0], ins: ins}
	pl, err := place(cfg, names, ims, p.notice)
	if err != nil {
		return nil, err
	}
	if !cfg.IgnoreCRS {
		if err := checkWKT(ins); err != nil {
			return nil, err
		}
	}
	bands, err := selectBands(cfg.Bands, ins)
	if err != nil {
		return nil, err
	}
	first := ims[0]
	p.bands, p.geo = bands, pl.geo
	// masked: some band's validity comes from a mask or alpha band;
	// mayBeEmpty: some input sample can be invalid, so some output pixel
	// may have no valid input.
	masked, mayBeEmpty := false, false
	for _, in := range ins {
		for _, b := range bands {
			switch bandValidity(in, b) {
			case validMask, validAlpha:
				masked, mayBeEmpty = true, true
			case validNoData:
				if _, ok := castNoData(in.im.Type, in.nodata[b].v); ok {
					mayBeEmpty = true
				}
			}
		}
		mayBeEmpty = mayBeEmpty || in.im.Type.IsFloat()
	}
	if p.nd, err = resolveNoData(&cfg, ins, bands, masked, mayBeEmpty); err != nil {
		return nil, err
	}
	p.tileW, p.tileH = outputTileSize(cfg.Output, ims)
	p.grid = tiling.Grid{Width: pl.width, Height: pl.height, TileWidth: p.tileW, TileHeight: p.tileH}
	if tiles := int64(ceilDiv(pl.width, p.tileW)) * int64(ceilDiv(pl.height, p.tileH)) * int64(len(bands)); tiles > math.MaxInt32 {
		return nil, fmt.Errorf("the output grid of %dx%d pixels needs %d tiles of %dx%d, over the GeoTIFF writer's limit of %d: choose a smaller extent (--extent, --te)",
			pl.width, pl.height, tiles, p.tileW, p.tileH, math.MaxInt32)
	}
	p.separate = cfg.Output.Planar == geotiff.PlanarSeparate && len(bands) > 1
	p.planes = 1
	if p.separate {
		p.planes = len(bands)
	}
	p.photometric, p.extraSamples = outputColor(first, ins[0], bands)
	if cfg.outputsPerBand() > 1 { // several percentiles per band: no color meaning
		p.photometric, p.extraSamples = 0, nil
	}
	if masked {
		// An alpha band carries validity when the reduced bands are the
		// gray or RGB bands of an image whose alpha gave their validity.
		alphaType := cfg.Type == geotiff.Uint8 || cfg.Type == geotiff.Uint16
		p.alphaOut = ins[0].alphaUsed() && slices.Equal(bands, dataBands(ins[0])) && len(bands) <= 3 &&
			alphaType && !p.separate && cfg.outputsPerBand() == 1
		p.maskOut = !p.alphaOut
		if p.alphaOut {
			p.extraSamples = []uint16{geotiff.ExtraSampleUnassociatedAlpha}
		}
	}
	p.stride = len(p.tileBands(0)) * cfg.outputsPerBand()
	if p.alphaOut {
		p.stride++
	}
	for i, in := range ins {
		p.srcs = append(p.srcs, p.newSource(i, in, pl.ps[i]))
	}
	for _, s := range p.srcs {
		if s.rs != nil && cfg.Grid.Resampling != grid.Nearest {
			p.useKernel(s)
		}
	}
	if pl.shifted {
		p.indexFootprints()
	}
	p.stream = p.streamable()
	if err := p.checkMemory(); err != nil {
		return nil, err
	}
	if err := probe(p.srcs); err != nil {
		return nil, err
	}
	p.cache = newBlockCache(cfg.CacheBytes, p.nextUse)
	return p, nil
}

// outputColor keeps the inputs' color interpretation where the output
// bands are the same image: RGB when they are the first input's three RGB
// bands (and its ExtraSamples when all its bands are reduced), gray
// otherwise.
func outputColor(im *geotiff.Image, in *input, bands []int) (int, []uint16) {
	all := len(bands) == im.Bands
	for i, b := range bands {
		all = all && b == i
	}
	var extra []uint16
	if all && len(im.ExtraSamples) > 0 {
		for _, v := range im.ExtraSamples {
			extra = append(extra, uint16(v))
		}
	}
	rgb := len(bands) >= 3 && im.Photometric == geotiff.PhotometricRGB && bands[0] == 0 && bands[1] == 1 && bands[2] == 2
	switch {
	case rgb && (len(bands) == 3 || len(extra) == len(bands)-3):
		return geotiff.PhotometricRGB, extra
	case !rgb && len(extra) == len(bands)-1 && im.Photometric <= geotiff.PhotometricMinIsBlack:
		return 0, extra
	}
	return 0, nil
}

// finish declares the output nodata decided at the end of the run and
// reports what the encoders did; it fails when --nodata none meets an
// empty pixel that no mask marks.
func (p *pipeline) finish(w outputFile) error {
	var empty, clamped, moved int64
	for _, st := range p.stats {
		empty += st.empty
		clamped += st.clamped
		moved += st.moved
	}
	total := int64(p.grid.Width) * int64(p.grid.Height) * int64(len(p.outBands()))
	switch {
	case p.nd.forbid && empty > 0 && !p.maskOut && !p.alphaOut:
		return fmt.Errorf("%d of %d output values have no valid input and --nodata none forbids marking them: allow a nodata value (drop --nodata none, or give --nodata V)", empty, total)
	case p.nd.deferred && empty > 0:
		if err := w.SetNoData(true, p.nd.fill); err != nil {
			return err
		}
		p.notice("%d of %d output values have no valid input: the output declares nodata %s", empty, total, geotiff.FormatNoData(p.nd.fill))
	}
	if p.nd.why != "" {
		p.notice("%s", p.nd.why)
	}
	if clamped > 0 || moved > 0 {
		p.notice("output type %v: %d values clamped to its range, %d valid values moved off the nodata value %s",
			p.cfg.Type, clamped, moved, geotiff.FormatNoData(p.nd.fill))
	}
	return nil
}

// notice sends one line to Config.Notice.
func (p *pipeline) notice(format string, args ...any) {
	if p.cfg.Notice != nil {
		p.cfg.Notice(fmt.Sprintf(format, args...))
	}
}

// writeSidecar writes OUT.aux.xml with the inputs' CRS when it has no
// EPSG code to write as GeoKeys (GDAL does the same for such files), and
// otherwise removes a stale OUT.aux.xml, which GDAL would read over the
// output's own georeferencing.
func (p *pipeline) writeSidecar(output string) error {
	aux := output + ".aux.xml"
	if p.ins[0].wkt == "" || p.cfg.IgnoreCRS && p.first.Geo.Keys != nil {
		if err := os.Remove(aux); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", aux, err)
		}
		return nil
	}
	if err := sidecar.WriteAux(output, &sidecar.Info{SRS: p.ins[0].wkt}); err != nil {
		return fmt.Errorf("write %s: %w", aux, err)
	}
	p.notice("the CRS has no EPSG code and cannot be written as GeoKeys: it is in %s, which GDAL reads", aux)
	return nil
}

// checkWKT checks that inputs whose CRS comes as WKT from a sidecar agree.
func checkWKT(ins []*input) error {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	a := norm(ins[0].wkt)
	for _, in := range ins[1:] {
		if b := norm(in.wkt); b != a {
			show := func(s string) string {
				if s == "" {
					return "(none from a sidecar)"
				}
				if len(s) > 80 {
					s = s[:80] + "..."
				}
				return s
			}
			return fmt.Errorf("%s: %w: CRS %s differs from %s of %s: reproject it (gdalwarp -t_srs), or pass --ignore-crs if both CRSs are the same one written differently",
				in.name, ErrNotCoregistered, show(b), show(a), ins[0].name)
		}
	}
	return nil
}

// nextUse returns how many output tiles lie between the first tile not yet
// taken by a worker and the next tile of cover (tile coordinates) in
// processing order, or a large number when no tile of cover is left in
// the current plane.
func (p *pipeline) nextUse(cover image.Rectangle) int {
	n := p.grid.Len()
	f := p.tileIndex(int(p.next.Load())) % n
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

// probeDecodes is the number of inputs whose first block probe decodes.
const probeDecodes = 2

// probe reports, before the output is created, an input whose compression
// or sample type cannot be decoded (every input, from its tags), and a
// first block that does not decode (the first inputs only: with thousands
// of small inputs, decoding one block of each would double the run). The
// block is the first one the run reads, so that a window of a remote
// input fetches no other.
func probe(srcs []*source) error {
	var buf []byte
	for k, s := range srcs {
		if err := s.im.Supported(); err != nil {
			return &InputError{Path: s.name, Err: err}
		}
		if k >= probeDecodes || s.im.NumTiles() == 0 || s.im.TileBytes() > probeLimit {
			continue
		}
		i, ok := s.probeBlock()
		if !ok {
			continue
		}
		var err error
		if buf, err = s.r.ReadTile(s.im, i, buf); err != nil {
			return &InputError{Path: s.name, Err: err}
		}
	}
	return nil
}

// selectBands validates the requested bands against every input, or
// returns all bands but an alpha band that GDAL uses as the mask of the
// others when none are requested.
func selectBands(req []int, ins []*input) ([]int, error) {
	if len(req) == 0 {
		all := dataBands(ins[0])
		for _, in := range ins[1:] {
			if b := dataBands(in); !slices.Equal(b, all) {
				return nil, fmt.Errorf("%s: has %d bands to reduce, %s has %d: select bands with --band", in.name, len(b), ins[0].name, len(all))
			}
		}
		return all, nil
	}
	for _, b := range req {
		for _, in := range ins {
			if b < 0 || b >= in.im.Bands {
				return nil, fmt.Errorf("%s: band %d does not exist: the file has bands 1 to %d", in.name, b+1, in.im.Bands)
			}
		}
	}
	return req, nil
}

// dataBands returns the bands of in but an alpha band that gives the
// validity of the others (GDAL's mask): it is not data to reduce then.
func dataBands(in *input) []int {
	var all []int
	used := in.alphaUsed()
	for b := range in.im.Bands {
		if b != in.alpha || !used {
			all = append(all, b)
		}
	}
	return all
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

func (p *pipeline) newSource(i int, in *input, pl grid.Placement) *source {
	im := in.im
	s := p.blockSource(i, in.name, in.r, im, pl)
	s.decs = make([]decoder, im.Bands)
	s.vmode = make([]validity, im.Bands)
	for b := range im.Bands {
		s.vmode[b] = bandValidity(in, b)
		nd := in.nodata[b]
		if s.vmode[b] != validNoData {
			nd = bandNoData{}
		}
		s.decs[b] = newDecoder(im.Type, nd.has, nd.v)
		if nd.has && (im.Type == geotiff.Int64 || im.Type == geotiff.Uint64) {
			if u, ok := exactInt64(im.Type, nd.text); ok {
				s.decs[b].ndi, s.decs[b].hnd = u, true
			}
		}
	}
	s.loads = make([][]int, p.planes)
	for o := range p.planes {
		bands := slices.Clone(p.tileBands(o))
		for _, b := range p.tileBands(o) {
			if s.vmode[b] == validAlpha {
				bands = append(bands, in.alpha)
				break
			}
		}
		s.loads[o] = bands
	}
	s.countUses()
	if in.maskIm != nil {
		m := p.blockSource(len(p.ins)+i, in.maskName, in.maskR, in.maskIm, pl)
		s.mask, s.maskPerBand = m, in.maskPerBand
		m.loads = make([][]int, p.planes)
		for o := range p.planes {
			m.loads[o] = []int{0}
			if in.maskPerBand {
				m.loads[o] = p.tileBands(o)
			}
		}
		m.countUses()
	}
	return s
}

// blockSource returns the source reading image im of r, without decoders
// and loads.
func (p *pipeline) blockSource(idx int, name string, r *geotiff.Reader, im *geotiff.Image, pl grid.Placement) *source {
	s := &source{
		idx: idx, name: name, r: r, im: im, grid: im.Grid(), size: im.Type.Size(),
		sep: im.Planar == geotiff.PlanarSeparate && im.Bands > 1,
		off: pl.Off, foot: pl.Foot,
	}
	if pl.Resampled {
		s.rs = &pl
	}
	s.plane = s.grid.Len()
	s.direct = !s.sep && im.Tiled && im.TileWidth == p.tileW && im.TileHeight == p.tileH && s.rs == nil &&
		s.off == image.Point{} && im.Width == p.grid.Width && im.Height == p.grid.Height
	return s
}

// countUses sets s.uses from s.loads: how many output planes need each
// block plane.
func (s *source) countUses() {
	nplanes := 1
	if s.sep {
		nplanes = s.im.Bands
	}
	s.uses = make([]int, nplanes)
	for _, bands := range s.loads {
		for plane := range s.uses {
			if needsPlane(s, bands, plane) {
				s.uses[plane]++
			}
		}
	}
}

// writerOptions returns the output's creation options.
func (p *pipeline) writerOptions() geotiff.WriterOptions {
	o := p.cfg.Output
	o.Width, o.Height, o.Type = p.grid.Width, p.grid.Height, p.cfg.Type
	o.TileWidth, o.TileHeight = p.tileW, p.tileH
	o.Bands = p.stride
	if p.separate {
		o.Bands = len(p.bands)
	}
	o.HasNoData, o.NoData, o.NoDataText = p.nd.has, p.nd.value, p.nd.text
	o.Mask = p.maskOut
	o.Photometric, o.ExtraSamples = p.photometric, p.extraSamples
	o.Geo = nil
	if g := p.geo; g.HasTransform || g.Keys != nil {
		o.Geo = &g
	}
	o.Metadata = p.describePercentiles(outputMetadata(p.first.Metadata, p.outBands(), p.cfg.Op))
	return o
}
