package compute

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gomean/gomean/geotiff"
)

// Shards: with Config.Shards = N > 0, a run computes only shard
// Config.Shard of N of the output grid, a band of whole tile rows, and
// writes it as a part file: a GeoTIFF of that window holding the very
// compressed tiles the whole run writes for those rows, whose
// GDAL_METADATA also carries items of domain ShardDomain (the job's
// fingerprint, K/N, the band's rows, the whole output's metadata). [Merge]
// assembles the N parts into the whole output, byte for byte.

// ShardDomain is the GDAL metadata domain of the items that tie a part
// file to its job.
const ShardDomain = "GOMEAN_SHARD"

// Items of ShardDomain.
const (
	shardItem       = "SHARD"       // "K/N"
	rowsItem        = "TILE_ROWS"   // "first-end" tile rows of the band, end excluded
	heightItem      = "HEIGHT"      // height of the whole output
	fingerprintItem = "FINGERPRINT" // sha256 of the job, hex
	inputsItem      = "INPUTS"      // sha256 of the input list, hex
	metadataItem    = "METADATA"    // the whole output's GDAL_METADATA, base64
	bigTIFFItem     = "BIGTIFF"     // BigTIFF mode of the output
	outputItem      = "OUTPUT"      // a partOutput in JSON, for COG, overview and statistics jobs only
)

// ShardRows returns the tile rows [first, end) of shard k of n of a grid
// of rows tile rows: contiguous bands, balanced by tile count (every tile
// row has as many tiles), the larger ones last. It is an error when n < 1,
// k is not in [0, n) or n exceeds rows (a shard would be empty).
func ShardRows(rows, k, n int) (first, end int, err error) {
	switch {
	case n < 1:
		return 0, 0, fmt.Errorf("compute: shard count %d: want 1 or more", n)
	case k < 0 || k >= n:
		return 0, 0, fmt.Errorf("compute: shard %d of %d: want a shard index from 0 to %d", k, n, n-1)
	case n > rows:
		return 0, 0, fmt.Errorf("compute: %d shards for an output of %d tile rows: want at most %d shards", n, rows, rows)
	}
	return int(int64(k) * int64(rows) / int64(n)), int(int64(k+1) * int64(rows) / int64(n)), nil
}

// shardRun is the band of tile rows a sharded run computes.
type shardRun struct {
	k, n        int
	first, end  int // tile rows
	firstTile   int // index of the first tile of the band in a plane
	partLen     int // tiles of the band in one plane
	gridLen     int // tiles of one plane of the whole output
	fingerprint string
	inputs      string
}

// setupShard sets p.shard for cfg.Shards > 0.
func (p *pipeline) setupShard(names []string) error {
	if p.cfg.Shards == 0 {
		return nil
	}
	first, end, err := ShardRows(p.grid.Down(), p.cfg.Shard, p.cfg.Shards)
	if err != nil {
		return err
	}
	a := p.grid.Across()
	p.shard = &shardRun{
		k: p.cfg.Shard, n: p.cfg.Shards, first: first, end: end,
		firstTile: first * a, partLen: (end - first) * a, gridLen: p.grid.Len(),
	}
	p.shard.fingerprint, p.shard.inputs = jobFingerprint(p.cfg, p.writerOptions(), names)
	return nil
}

// tileIndex returns the output tile index of the j-th tile the run
// computes: j itself, or for a shard the j-th tile of its band, plane
// after plane.
func (p *pipeline) tileIndex(j int) int {
	s := p.shard
	if s == nil {
		return j
	}
	return j/s.partLen*s.gridLen + s.firstTile + j%s.partLen
}

// runTiles returns the number of output tiles the run computes, every
// plane.
func (p *pipeline) runTiles() int {
	if p.shard == nil {
		return p.grid.Len() * p.planes
	}
	return p.shard.partLen * p.planes
}

// rowRange returns the tile rows the run computes.
func (p *pipeline) rowRange() (int, int) {
	if p.shard == nil {
		return 0, p.grid.Down()
	}
	return p.shard.first, p.shard.end
}

// outputOptions returns the creation options of the file the run writes:
// the whole output's, or for a shard those of its part file (its window's
// height and georeferencing, the shard items in its metadata).
func (p *pipeline) outputOptions() (geotiff.WriterOptions, error) {
	o := p.writerOptions()
	s := p.shard
	if s == nil {
		return o, nil
	}
	y0 := s.first * p.tileH
	o.Height = min(s.end*p.tileH, p.grid.Height) - y0
	if o.Geo != nil && o.Geo.HasTransform && y0 > 0 {
		g := *o.Geo
		g.Transform[0] += float64(y0) * g.Transform[2]
		g.Transform[3] += float64(y0) * g.Transform[5]
		o.Geo = &g
	}
	var md gdalMetadata
	if o.Metadata != "" {
		if err := md.parse(o.Metadata); err != nil {
			return o, fmt.Errorf("compute: shard: output metadata does not parse: %w", err)
		}
	}
	item := func(name, v string) { md.Items = append(md.Items, metaItem{Name: name, Domain: ShardDomain, Value: v}) }
	item(shardItem, fmt.Sprintf("%d/%d", s.k, s.n))
	item(rowsItem, fmt.Sprintf("%d-%d", s.first, s.end))
	item(heightItem, strconv.Itoa(p.grid.Height))
	item(fingerprintItem, s.fingerprint)
	item(inputsItem, s.inputs)
	item(metadataItem, base64.StdEncoding.EncodeToString([]byte(o.Metadata)))
	item(bigTIFFItem, strconv.Itoa(int(o.BigTIFF)))
	o.Metadata = md.String()
	return o, nil
}

// wrapWriter returns the writer the workers hand whole-output tile
// indices to: w itself, or for a shard a writer that renumbers them into
// the part's.
func (p *pipeline) wrapWriter(w tileWriter) tileWriter {
	if p.shard == nil {
		return w
	}
	return partWriter{w: w, s: p.shard}
}

// partWriter renumbers the output tiles of a shard's band into its part
// file.
type partWriter struct {
	w tileWriter
	s *shardRun
}

func (pw partWriter) WriteTile(ctx context.Context, i int, samples []byte) error {
	s := pw.s
	plane, t := i/s.gridLen, i%s.gridLen
	if t < s.firstTile || t >= s.firstTile+s.partLen {
		return fmt.Errorf("compute: shard %d/%d: tile %d lies outside its rows", s.k, s.n, i)
	}
	return pw.w.WriteTile(ctx, plane*s.partLen+t-s.firstTile, samples)
}

func (pw partWriter) WriteMaskTile(ctx context.Context, t int, mask []byte) error {
	return pw.w.WriteMaskTile(ctx, t-pw.s.firstTile, mask)
}

// jobFingerprint returns the sha256 digests, in hex, of what makes a job
// (the whole output's layout, type, creation options, georeferencing and
// metadata, the reduction and its options, the input list) and of the
// input list alone. Worker counts, memory and cache budgets and
// Overwrite do not change the bytes and are left out.
func jobFingerprint(cfg Config, o geotiff.WriterOptions, names []string) (string, string) {
	h := sha256.New()
	for _, n := range names {
		binary.Write(h, binary.LittleEndian, uint64(len(n)))
		h.Write([]byte(n))
	}
	inputs := hex.EncodeToString(h.Sum(nil))
	order := "LE"
	if o.ByteOrder == binary.BigEndian {
		order = "BE"
	}
	var geo any
	if o.Geo != nil {
		geo = *o.Geo
	}
	dates := make([]string, len(cfg.Dates))
	for i, d := range cfg.Dates {
		dates[i] = d.UTC().Format("2006-01-02T15:04:05.999999999Z")
	}
	job := struct {
		Width, Height, Bands, TileWidth, TileHeight, Planar int
		Type, Compression                                   string
		Level, Predictor, BigTIFF                           int
		ByteOrder                                           string
		HasNoData                                           bool
		NoData, NoDataText                                  string
		Mask                                                bool
		Photometric                                         int
		ExtraSamples                                        []uint16
		Geo                                                 any
		Metadata                                            string
		Op                                                  string
		Weights, Percentiles                                []string
		Bands0                                              []int
		Dates                                               []string
		PerYear, PropagateNoData, NoNoData, IgnoreCRS       bool
		MinValid                                            int
		CfgNoData                                           string
		Inputs                                              string
		Shards                                              int
		Overviews                                           *OverviewConfig `json:",omitempty"`
	}{
		Width: o.Width, Height: o.Height, Bands: o.Bands, TileWidth: o.TileWidth, TileHeight: o.TileHeight, Planar: o.Planar,
		Type: o.Type.String(), Compression: o.Compression.String(), Level: o.Level, Predictor: int(o.Predictor), BigTIFF: int(o.BigTIFF),
		ByteOrder: order, HasNoData: o.HasNoData, NoData: floatText(o.NoData), NoDataText: o.NoDataText,
		Mask: o.Mask, Photometric: o.Photometric, ExtraSamples: o.ExtraSamples, Geo: geo, Metadata: o.Metadata,
		Op: cfg.Op.String(), Weights: floatTexts(cfg.Weights), Percentiles: floatTexts(cfg.Percentiles), Bands0: cfg.Bands,
		Dates: dates, PerYear: cfg.PerYear, PropagateNoData: cfg.PropagateNoData, NoNoData: cfg.NoNoData, IgnoreCRS: cfg.IgnoreCRS,
		MinValid: cfg.MinValid, CfgNoData: fmt.Sprint(cfg.HasNoData, floatText(cfg.NoData), cfg.NoDataText),
		Inputs: inputs, Shards: cfg.Shards,
	}
	if cfg.Overviews.wants() {
		job.Overviews = &cfg.Overviews
	}
	b, err := json.Marshal(job)
	if err != nil { // NaN or Inf in the georeferencing: hash its text
		b = fmt.Appendf(nil, "%+v", job)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), inputs
}

// floatText formats v exactly (NaN and ±Inf included).
func floatText(v float64) string {
	if math.IsNaN(v) {
		return "nan"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func floatTexts(v []float64) []string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = floatText(x)
	}
	return s
}

// shardItems returns the ShardDomain items of a GDAL_METADATA text.
func shardItems(text string) map[string]string {
	if !strings.Contains(text, ShardDomain) {
		return nil
	}
	var md gdalMetadata
	if err := md.parse(text); err != nil {
		return nil
	}
	m := map[string]string{}
	for _, it := range md.Items {
		if it.Domain == ShardDomain {
			m[it.Name] = it.Value
		}
	}
	return m
}

// partOutput is what Merge needs, beyond the part files' own tags, to
// write the output of a COG job (or one with overviews or statistics)
// as the run without shards writes it: the whole output's writer options
// and overview configuration, and the pipeline's nodata policy, which
// the overviews and statistics depend on. Float values are kept as text,
// exactly (NaN included).
type partOutput struct {
	// Options are the whole output's; ByteOrder, NoData, Metadata,
	// Workers and Overwrite are left zero (the part's byte order, NoData
	// below, the METADATA item; the others do not change the bytes).
	Options   geotiff.WriterOptions
	NoData    string
	Overviews OverviewConfig
	Levels    int // overview levels, as the run without shards chooses them
	Policy    struct {
		Has, Deferred     bool
		Value, Fill, Text string
	}
}

// createPart creates the part file of a shard of a job whose output
// goes through the overview writer (COG, overviews or statistics): a
// plain tiled GeoTIFF of the shard's window, as for any job, whose shard
// items also record a partOutput for Merge.
func (p *pipeline) createPart(output string, o geotiff.WriterOptions, levels int) (outputFile, error) {
	po := partOutput{Options: p.writerOptions(), Overviews: p.cfg.Overviews, Levels: levels}
	w := &po.Options
	po.NoData = floatText(w.NoData)
	w.ByteOrder, w.NoData, w.Metadata, w.Workers, w.Overwrite, w.ExtraFields = nil, 0, "", 0, false, nil
	nd := &po.Policy
	nd.Has, nd.Deferred, nd.Value, nd.Fill, nd.Text = p.nd.has, p.nd.deferred, floatText(p.nd.value), floatText(p.nd.fill), p.nd.text
	b, err := json.Marshal(po)
	if err == nil && w.Geo != nil && w.Geo.Keys != nil && !utf8.ValidString(w.Geo.Keys.ASCII) {
		err = errors.New("GeoASCIIParams is not UTF-8")
	}
	if err != nil { // NaN or Inf in the georeferencing
		return nil, fmt.Errorf("compute: shard: the georeferencing of this output cannot be recorded in a part for merge to write its COG, overviews or statistics (%v): run it without --shard", err)
	}
	var md gdalMetadata
	if err := md.parse(o.Metadata); err != nil {
		return nil, fmt.Errorf("compute: shard: part metadata does not parse: %w", err)
	}
	md.Items = append(md.Items, metaItem{Name: outputItem, Domain: ShardDomain, Value: string(b)})
	o.Metadata = md.String()
	return geotiff.Create(output, o)
}
