package compute

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// MergeOptions configure [Merge].
type MergeOptions struct {
	// Overwrite lets Merge replace an existing output.
	Overwrite bool
	// Progress, if set, is called after each part with the parts done and
	// their count.
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
}

// Merge assembles the part files of one sharded job (runs with
// Config.Shards = N, one per shard, in any order) into output: it checks
// that they are complete and of one job, then copies their compressed
// tiles as they are, with no decoding, into the file the job's run
// without shards writes, byte for byte. The output is written to a
// temporary file renamed into place at the end; on error nothing is left.
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
	return p, nil
}

// checkParts checks that ps are the N parts of one job, each once, laid
// out as the job's grid says, and returns them in shard order.
func checkParts(ps []*part) ([]*part, error) {
	ref := ps[0]
	byK := make([]*part, ref.n)
	for _, p := range ps {
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
