package compute

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/tiling"
)

// MergeOptions configure [Merge].
type MergeOptions struct {
	// Overwrite lets Merge replace an existing output.
	Overwrite bool
	// Format, when not "", is the output format the caller expects:
	// "GTiff" or "COG". Merge writes the format the job asked for, which
	// its parts record, and refuses parts of a job of the other format.
	Format string
	// Workers is the number of goroutines that decode full-resolution
	// tiles for the overviews and statistics of a COG job; 0 means
	// GOMAXPROCS. Plain jobs copy tiles from one goroutine.
	Workers int
	// Progress, if set, is called after each part with the parts done and
	// their count (for a COG job, after each tile with the tiles done and
	// their count).
	Progress func(done, total int)
}

// A part is one opened part file.
type part struct {
	name       string
	r          *geotiff.Reader
	im, mask   *geotiff.Image
	k, n       int
	first, end int // tile rows
	height     int // of the whole output
	fp, inputs string
	metadata   string // of the whole output
	bigTIFF    geotiff.BigTIFFMode
	out        *partOutput // of a job with COG, overviews or statistics, else nil
}

// Merge assembles the part files of one sharded job (runs with
// Config.Shards = N, one per shard, in any order) into output: it checks
// that they are complete and of one job, then copies their compressed
// tiles as they are, with no decoding, into the file the job's run
// without shards writes, byte for byte. For a job with COG output,
// overviews or statistics (Config.Overviews), which its parts record,
// it writes that output: the full-resolution tiles are copied as they
// are and each is decoded once to compute the overviews and statistics
// as the run without shards does, again byte for byte. The output is
// written to a temporary file renamed into place at the end; on error
// nothing is left.
func Merge(ctx context.Context, parts []string, output string, opts MergeOptions) error {
	if len(parts) == 0 {
		return errors.New("compute: merge: no part files given")
	}
	ps := make([]*part, 0, len(parts))
	defer func() {
		for _, p := range ps {
			p.r.Close()
		}
	}()
	outAbs, _ := filepath.Abs(output)
	for _, name := range parts {
		if a, _ := filepath.Abs(name); a == outAbs {
			return fmt.Errorf("compute: merge: the output %s is also a part", output)
		}
		p, err := openPart(name)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	ordered, err := checkParts(ps)
	if err != nil {
		return err
	}
	job := "GTiff"
	if o := ordered[0].out; o != nil && o.Overviews.COG {
		job = "COG"
	}
	if opts.Format != "" && !strings.EqualFold(opts.Format, job) {
		return fmt.Errorf("compute: merge: the parts are of a %s job, not %s: merge writes the output the job asked for (drop -of, or rerun the shards with -of %s)", job, opts.Format, opts.Format)
	}
	if ordered[0].out != nil {
		return writeMergedCOG(ctx, ordered, output, opts)
	}
	return writeMerged(ctx, ordered, output, opts)
}

// openPart opens a part file and reads its shard items.
func openPart(name string) (*part, error) {
	r, err := geotiff.Open(name)
	if err != nil {
		return nil, fmt.Errorf("compute: merge: part %s: %w (a truncated or unfinished part?)", name, err)
	}
	p := &part{name: name, r: r}
	fail := func(format string, args ...any) (*part, error) {
		r.Close()
		return nil, fmt.Errorf("compute: merge: part %s: %s", name, fmt.Sprintf(format, args...))
	}
	ims := r.Images()
	if len(ims) == 0 {
		return fail("no image")
	}
	p.im = ims[0]
	p.mask = r.MaskFor(p.im)
	items := shardItems(p.im.Metadata)
	if items == nil {
		return fail("not a part file of a sharded run: its GDAL_METADATA has no %s items (make parts with --shard)", ShardDomain)
	}
	k, n, ok := strings.Cut(items[shardItem], "/")
	p.k, err = strconv.Atoi(k)
	if !ok || err != nil {
		return fail("invalid %s %q: want K/N", shardItem, items[shardItem])
	}
	if p.n, err = strconv.Atoi(n); err != nil || p.n < 1 || p.k < 0 || p.k >= p.n {
		return fail("invalid %s %q: want K/N with 0 <= K < N", shardItem, items[shardItem])
	}
	a, b, ok := strings.Cut(items[rowsItem], "-")
	p.first, err = strconv.Atoi(a)
	if ok && err == nil {
		p.end, err = strconv.Atoi(b)
	}
	if !ok || err != nil {
		return fail("invalid %s %q", rowsItem, items[rowsItem])
	}
	if p.height, err = strconv.Atoi(items[heightItem]); err != nil || p.height < 1 || int64(p.height) >= 1<<31 {
		return fail("invalid %s %q", heightItem, items[heightItem])
	}
	md, err := base64.StdEncoding.DecodeString(items[metadataItem])
	if err != nil {
		return fail("invalid %s: %v", metadataItem, err)
	}
	p.metadata = string(md)
	bt, err := strconv.Atoi(items[bigTIFFItem])
	if err != nil {
		return fail("invalid %s %q", bigTIFFItem, items[bigTIFFItem])
	}
	p.bigTIFF = geotiff.BigTIFFMode(bt)
	p.fp, p.inputs = items[fingerprintItem], items[inputsItem]
	if p.fp == "" {
		return fail("no %s", fingerprintItem)
	}
	if v, ok := items[outputItem]; ok {
		p.out = new(partOutput)
		if err := json.Unmarshal([]byte(v), p.out); err != nil {
			return fail("invalid %s: %v", outputItem, err)
		}
	}
	return p, nil
}

// checkParts checks that ps are the N parts of one job, each once, laid
// out as the job's grid says, and returns them in shard order.
func checkParts(ps []*part) ([]*part, error) {
	ref := ps[0]
	byK := make([]*part, ref.n)
	for _, p := range ps {
		if (p.out == nil) != (ref.out == nil) || p.out != nil && p.out.Overviews != ref.out.Overviews {
			return nil, fmt.Errorf("compute: merge: %s is a part of a %s job, %s of a %s job: parts of one job share their output format",
				p.name, p.jobKind(), ref.name, ref.jobKind())
		}
		if p.fp != ref.fp {
			why := "same input list, other options or output layout"
			if p.inputs != ref.inputs {
				why = "the input lists differ"
			}
			return nil, fmt.Errorf("compute: merge: %s (shard %d/%d) is from another job than %s (shard %d/%d): fingerprints %.12s and %.12s differ (%s)",
				p.name, p.k, p.n, ref.name, ref.k, ref.n, p.fp, ref.fp, why)
		}
		if p.n != ref.n {
			return nil, fmt.Errorf("compute: merge: %s is shard %d/%d, %s is shard %d/%d: parts of one job share N", p.name, p.k, p.n, ref.name, ref.k, ref.n)
		}
		if q := byK[p.k]; q != nil {
			return nil, fmt.Errorf("compute: merge: shard %d/%d given twice: %s and %s", p.k, p.n, q.name, p.name)
		}
		byK[p.k] = p
	}
	var missing []string
	for k, p := range byK {
		if p == nil {
			missing = append(missing, strconv.Itoa(k))
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return nil, fmt.Errorf("compute: merge: missing shard %s of %d (shards are numbered from 0): rerun it with --shard %s/%d",
			missing[0], ref.n, missing[0], ref.n)
	default:
		return nil, fmt.Errorf("compute: merge: missing shards %s of %d (shards are numbered from 0): rerun each with --shard K/%d",
			strings.Join(missing, ", "), ref.n, ref.n)
	}
	im0 := byK[0].im
	down := (ref.height + im0.TileHeight - 1) / im0.TileHeight
	for _, p := range byK {
		first, end, err := ShardRows(down, p.k, p.n)
		if err != nil {
			return nil, fmt.Errorf("compute: merge: part %s: %w", p.name, err)
		}
		h := min(end*im0.TileHeight, p.height) - first*im0.TileHeight
		im := p.im
		planes := 1
		if im.Planar == geotiff.PlanarSeparate {
			planes = im.Bands
		}
		across := (im.Width + im.TileWidth - 1) / im.TileWidth
		switch {
		case p.first != first || p.end != end:
			return nil, fmt.Errorf("compute: merge: part %s: shard %d/%d holds tile rows %d-%d, want %d-%d", p.name, p.k, p.n, p.first, p.end, first, end)
		case !im.Tiled || im.Width != im0.Width || im.Height != h || im.TileWidth != im0.TileWidth || im.TileHeight != im0.TileHeight ||
			im.Bands != im0.Bands || im.Planar != im0.Planar || im.Type != im0.Type || im.Compression != im0.Compression:
			return nil, fmt.Errorf("compute: merge: part %s: a %dx%d image in %dx%d tiles, want %dx%d in the %dx%d tiles of %s",
				p.name, im.Width, im.Height, im.TileWidth, im.TileHeight, im0.Width, h, im0.TileWidth, im0.TileHeight, byK[0].name)
		case im.NumTiles() != (end-first)*across*planes:
			return nil, fmt.Errorf("compute: merge: part %s: %d tiles, want %d", p.name, im.NumTiles(), (end-first)*across*planes)
		case (p.mask == nil) != (byK[0].mask == nil):
			return nil, fmt.Errorf("compute: merge: part %s: mask differs from that of %s", p.name, byK[0].name)
		case p.r.ByteOrder() != byK[0].r.ByteOrder():
			return nil, fmt.Errorf("compute: merge: part %s: byte order differs from that of %s", p.name, byK[0].name)
		}
	}
	return byK, nil
}

// jobKind names the output format of p's job for error messages.
func (p *part) jobKind() string {
	switch o := p.out; {
	case o == nil:
		return "GTiff"
	case o.Overviews.COG:
		return "COG"
	case o.Overviews.Internal:
		return "GTiff with --overviews"
	}
	return "GTiff with --stats"
}

// heightField returns ImageLength as the writer sets it.
func heightField(h int) geotiff.Field {
	if h <= math.MaxUint16 {
		return geotiff.NewShortField(geotiff.TagImageLength, uint16(h))
	}
	return geotiff.NewLongField(geotiff.TagImageLength, uint32(h))
}

// mergedFields returns the IFD fields of the whole output from those of
// part 0 (whose georeferencing is the output's) and the nodata some part
// declared.
func mergedFields(ps []*part) ([]geotiff.Field, error) {
	ref := ps[0]
	noData, err := partsNoData(ps)
	if err != nil {
		return nil, err
	}
	var out []geotiff.Field
	for _, f := range ref.im.Fields {
		switch f.Tag {
		case geotiff.TagImageLength:
			f = heightField(ref.height)
		case geotiff.TagGDALMetadata, geotiff.TagGDALNoData:
			continue
		}
		out = append(out, f)
	}
	if noData != nil {
		out = append(out, *noData)
	}
	if ref.metadata != "" {
		out = append(out, geotiff.NewASCIIField(geotiff.TagGDALMetadata, ref.metadata))
	}
	return out, nil
}

// partsNoData returns the GDAL_NODATA field that some part declares (a
// nodata declared at the end of the run only by the shards that left
// pixels empty), or nil; parts that declare different ones are an error.
func partsNoData(ps []*part) (*geotiff.Field, error) {
	var noData *geotiff.Field
	for _, p := range ps {
		f := p.im.Fields.Get(geotiff.TagGDALNoData)
		if f == nil {
			continue
		}
		if noData != nil && !slices.Equal(noData.Data, f.Data) {
			return nil, fmt.Errorf("compute: merge: parts declare different nodata values: %q in %s, %q before", p.im.NoDataText, p.name, strings.TrimRight(string(noData.Data), "\x00"))
		}
		noData = f
	}
	return noData, nil
}

// mergeRun is the number of tiles Merge copies between checks of its
// context.
const mergeRun = 256

// writeMerged copies the tiles of ps, in shard order, into output.
func writeMerged(ctx context.Context, ps []*part, output string, opts MergeOptions) error {
	fields, err := mergedFields(ps)
	if err != nil {
		return err
	}
	ro := geotiff.RawOptions{Fields: fields, ByteOrder: ps[0].r.ByteOrder(), BigTIFF: ps[0].bigTIFF, Overwrite: opts.Overwrite}
	if m := ps[0].mask; m != nil {
		for _, f := range m.Fields {
			if f.Tag == geotiff.TagImageLength {
				f = heightField(ps[0].height)
			}
			ro.MaskFields = append(ro.MaskFields, f)
		}
	}
	w, err := geotiff.CreateRaw(output, ro)
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	im0 := ps[0].im
	planes := 1
	if im0.Planar == geotiff.PlanarSeparate {
		planes = im0.Bands
	}
	across := (im0.Width + im0.TileWidth - 1) / im0.TileWidth
	gridLen := w.NumTiles() / planes
	var buf []byte
	done := 0
	for plane := range planes {
		for _, p := range ps {
			n := (p.end - p.first) * across
			mask := p.mask
			if plane > 0 {
				mask = nil
			}
			// In runs of mergeRun tiles, so that a cancel stops it soon.
			for j := 0; j < n; j += mergeRun {
				if err := ctx.Err(); err != nil {
					w.Abort()
					return context.Cause(ctx)
				}
				m := min(mergeRun, n-j)
				if buf, err = w.CopyRawTiles(p.r, p.im, plane*n+j, m, mask, plane*gridLen+p.first*across+j, buf); err != nil {
					w.Abort()
					return fmt.Errorf("compute: merge: part %s: %w", p.name, err)
				}
			}
			done++
			if opts.Progress != nil {
				opts.Progress(done, planes*len(ps))
			}
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return copyAux(ps[0].name, output)
}

// copyAux gives output the CRS sidecar of part 0 (written when the CRS has
// no EPSG code, the same for every part and the whole output), or removes
// a stale one.
func copyAux(part, output string) error {
	aux := output + ".aux.xml"
	b, err := os.ReadFile(part + ".aux.xml")
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Remove(aux); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", aux, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s.aux.xml: %w", part, err)
	}
	if err := os.WriteFile(aux, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", aux, err)
	}
	return nil
}

// writeMergedCOG writes the output of a job with COG, overviews or
// statistics from its parts, in shard order, as the run without shards
// writes it: every full-resolution tile is copied as it is stored into
// the COG writer's spool (no re-encoding), and decoded once to feed the
// overview builder and the statistics, the very code of that run
// (ovWriter, overview.Builder); only the overview tiles are encoded.
func writeMergedCOG(ctx context.Context, ps []*part, output string, opts MergeOptions) error {
	ref, po := ps[0], ps[0].out
	o := po.Options
	nd := noDataPolicy{has: po.Policy.Has, deferred: po.Policy.Deferred, text: po.Policy.Text}
	var errs [3]error
	o.NoData, errs[0] = strconv.ParseFloat(po.NoData, 64)
	nd.value, errs[1] = strconv.ParseFloat(po.Policy.Value, 64)
	nd.fill, errs[2] = strconv.ParseFloat(po.Policy.Fill, 64)
	if err := errors.Join(errs[:]...); err != nil {
		return fmt.Errorf("compute: merge: part %s: invalid %s item: %v", ref.name, outputItem, err)
	}
	im := ref.im
	if o.Width != im.Width || o.Height != ref.height || o.TileWidth != im.TileWidth || o.TileHeight != im.TileHeight ||
		o.Bands != im.Bands || o.Type != im.Type || o.Mask != (ref.mask != nil) || o.Bands > 1 && im.Planar != geotiff.PlanarContig {
		return fmt.Errorf("compute: merge: part %s: its %s item describes a %dx%d output of %d %v bands in %dx%d tiles (mask %v), which its tiles do not fit",
			ref.name, outputItem, o.Width, o.Height, o.Bands, o.Type, o.TileWidth, o.TileHeight, o.Mask)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	o.ByteOrder, o.Metadata, o.Overwrite, o.Workers = ref.r.ByteOrder(), ref.metadata, opts.Overwrite, workers
	// The pipeline of the run without shards, as far as createCOG and the
	// ovWriter use it.
	p := &pipeline{
		cfg:   Config{Type: o.Type, Overviews: po.Overviews},
		grid:  tiling.Grid{Width: o.Width, Height: o.Height, TileWidth: o.TileWidth, TileHeight: o.TileHeight},
		tileW: o.TileWidth, tileH: o.TileHeight, stride: o.Bands, nd: nd, maskOut: o.Mask,
	}
	w, err := p.createCOG(ctx, output, o, po.Levels)
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	if err := copyFeed(ctx, w, ps, p.grid, workers, opts.Progress); err != nil {
		w.Abort()
		return err
	}
	noData, err := partsNoData(ps)
	if err == nil && nd.deferred && noData != nil {
		// As finish does when some pixel of the whole output is empty.
		err = w.SetNoData(true, nd.fill)
	}
	if err != nil {
		w.Abort()
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return copyAux(ref.name, output)
}

// copyFeed copies every full-resolution tile (and mask tile) of the parts
// ps, in shard order, into w's COG writer as stored, and feeds it decoded
// to w's overview builder and statistics, from workers goroutines that
// take the tiles in increasing order, as the pipeline's workers do.
func copyFeed(ctx context.Context, w *ovWriter, ps []*part, g tiling.Grid, workers int, progress func(done, total int)) error {
	total, across := g.Len(), g.Across()
	var next atomic.Int64
	var mu sync.Mutex
	done := 0
	eg, ctx := errgroup.WithContext(ctx)
	for range min(workers, total) {
		eg.Go(func() error {
			var raw, samples, valid []byte
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return context.Cause(ctx)
				}
				row := i / across
				p := ps[sort.Search(len(ps), func(k int) bool { return ps[k].end > row })]
				j := i - p.first*across
				var err error
				if raw, err = p.r.ReadRawTile(p.im, j, raw); err == nil {
					err = w.cw.WriteRawTile(ctx, i, raw)
				}
				if err == nil && p.mask != nil {
					if raw, err = p.r.ReadRawTile(p.mask, j, raw); err == nil {
						err = w.cw.WriteRawMaskTile(ctx, i, raw)
					}
					if err == nil {
						valid, err = p.r.ReadTile(p.mask, j, valid)
					}
				}
				if err == nil {
					samples, err = p.r.ReadTile(p.im, j, samples)
				}
				if err == nil {
					var v []byte
					if p.mask != nil {
						v = valid
					}
					err = w.feed(ctx, i, samples, v)
				}
				if err != nil {
					if ctx.Err() != nil {
						return context.Cause(ctx)
					}
					return fmt.Errorf("compute: merge: part %s, tile %d: %w", p.name, j, err)
				}
				if progress != nil {
					mu.Lock()
					done++
					progress(done, total)
					mu.Unlock()
				}
			}
		})
	}
	return eg.Wait()
}
