package compute

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
)

// DefaultCacheBytes is the default budget of the shared cache of decoded
// input blocks that serve several output tiles (Config.CacheBytes).
const DefaultCacheBytes = 256 << 20

// Config configures [Run]. The zero value computes the mean of all bands
// as Float32, skipping nodata, with GOMAXPROCS workers, into a
// DEFLATE-compressed tiled GeoTIFF.
type Config struct {
	// Op is the reduction; default Mean.
	Op Op
	// Weights, one per input, make Mean a weighted mean:
	// sum(w·x) / sum(w) over the valid inputs of each pixel.
	Weights []float64
	// Bands are the 0-based bands to reduce, band by band; nil means all
	// bands, and then every input must have the same number.
	Bands []int

	// Percentiles are the percentiles, from 0 to 100, that Percentile
	// writes: one output band each per input band, percentile i of input
	// band j in output band j×len(Percentiles)+i.
	Percentiles []float64
	// Dates, one per input, are the times Slope regresses against; nil
	// means the inputs' positions 0, 1, 2, ...
	Dates []time.Time
	// PerYear gives Slope per year of 365.25 days instead of per day; it
	// needs Dates.
	PerYear bool

	// PropagateNoData makes a pixel nodata when any input is nodata there
	// (gdal_calc's behaviour). By default nodata inputs are skipped.
	PropagateNoData bool
	// MinValid is the number of valid inputs a pixel needs for a result;
	// default 1 (0 for Count, which writes 0 where no input is valid).
	MinValid int

	// Type is the output sample type; default Float32 (for Mode, the
	// inputs' type when they share one, else Float64). Integer types are
	// rounded half away from zero and clamped to their range.
	Type geotiff.SampleType
	// HasNoData and NoData set the output nodata (--nodata V); NoDataText,
	// if set, is its exact text for Int64 and UInt64 outputs. By default
	// the output keeps the inputs' meaning: their common nodata, or none
	// when they declare none (see the package documentation).
	HasNoData  bool
	NoData     float64
	NoDataText string
	// NoNoData forbids a nodata value in the output (--nodata none): an
	// output pixel without a valid input is then an error, unless the
	// output carries a mask.
	NoNoData bool

	// Workers is the number of goroutines that read and reduce tiles, and
	// the default of Output.Workers; default GOMAXPROCS.
	Workers int
	// Output holds the creation options of the output: compression,
	// level, predictor, tile size, planar configuration, byte order,
	// BigTIFF mode and Overwrite. Run sets the size, bands, type, nodata,
	// georeferencing and metadata. When the tile size is 0 it is the
	// inputs' tile size if they all share one (multiples of 16 from 128 to
	// 1024), else 256×256.
	Output geotiff.WriterOptions
	// Overviews asks for a Cloud-Optimized GeoTIFF, internal overviews
	// and statistics, built in the same pass; the zero value asks for
	// none.
	Overviews OverviewConfig

	// Grid chooses the output grid when the inputs' grids differ (their
	// union by default) and sets gdalwarp's target flags; see
	// [grid.Target]. Inputs must lie on one pixel lattice: nothing is
	// resampled.
	Grid grid.Target

	// IgnoreCRS skips the comparison of the inputs' CRSs (sizes and
	// geotransforms are still compared).
	IgnoreCRS bool
	// CacheBytes bounds the decoded input blocks kept for later output
	// tiles when input and output tiles differ; default DefaultCacheBytes.
	CacheBytes int64

	// MemoryBytes bounds the memory the run plans for: decoded input
	// blocks, the block cache and the workers' buffers. A run that cannot
	// fit stops before allocating, with an error that names the file and
	// block. Default: GOMEMLIMIT when set, else a quarter of the address
	// space limit (ulimit -v) when set, else half the physical memory
	// (at most 1 GiB on 32-bit systems).
	MemoryBytes int64

	// Notice, if set, receives one-line messages about choices the user
	// did not ask for: the output nodata declared at Close, values
	// clamped or moved off nodata by a narrower output type.
	Notice func(msg string)

	// Shards, when above 0, makes the run compute only shard Shard (from
	// 0) of Shards of the output, a band of whole tile rows (see
	// [ShardRows]), into a part file that [Merge] assembles with the
	// others into the output a run without shards writes.
	Shard, Shards int

	// Progress, if set, is called after each output tile with the number
	// of tiles done and the total, one call at a time.
	Progress func(done, total int)
}

// validate checks cfg against the number of inputs and fills defaults
// into a copy.
func (cfg Config) validate(inputs int) (Config, error) {
	if inputs < 1 {
		return cfg, fmt.Errorf("compute: no inputs: give at least one raster")
	}
	if int(cfg.Op) >= len(opNames) {
		return cfg, fmt.Errorf("compute: invalid op %v", cfg.Op)
	}
	if cfg.Weights != nil {
		if cfg.Op != Mean {
			return cfg, fmt.Errorf("compute: weights apply to mean only, not %v", cfg.Op)
		}
		if len(cfg.Weights) != inputs {
			return cfg, fmt.Errorf("compute: got %d weights for %d inputs: give one weight per input", len(cfg.Weights), inputs)
		}
		for i, w := range cfg.Weights {
			if !(w >= 0) || math.IsInf(w, 0) {
				return cfg, fmt.Errorf("compute: weight %d is %v: want a finite value >= 0", i+1, w)
			}
		}
	}
	if err := cfg.validateExtra(inputs); err != nil {
		return cfg, err
	}
	if err := cfg.Grid.Validate(); err != nil {
		return cfg, fmt.Errorf("compute: %w", err)
	}
	if cfg.MinValid < 0 || cfg.MinValid > inputs {
		return cfg, fmt.Errorf("compute: minimum valid count %d out of range [0, %d]", cfg.MinValid, inputs)
	}
	if cfg.Type == geotiff.Invalid && cfg.Op != Mode { // Mode's is the inputs' (modeType)
		cfg.Type = geotiff.Float32
	}
	if cfg.Type.Size() == 0 && cfg.Type != geotiff.Invalid {
		return cfg, fmt.Errorf("compute: invalid output type %v", cfg.Type)
	}
	if cfg.Workers < 0 {
		return cfg, fmt.Errorf("compute: invalid worker count %d: want 0 (GOMAXPROCS) or more", cfg.Workers)
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Output.Workers == 0 {
		cfg.Output.Workers = cfg.Workers
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.MemoryBytes < 0 {
		return cfg, fmt.Errorf("compute: invalid memory budget %d bytes", cfg.MemoryBytes)
	}
	if cfg.MemoryBytes == 0 {
		cfg.MemoryBytes = DefaultMemoryBytes()
	}
	if cfg.Shards < 0 || cfg.Shards > 0 && (cfg.Shard < 0 || cfg.Shard >= cfg.Shards) {
		return cfg, fmt.Errorf("compute: shard %d of %d: want 0 <= K < N", cfg.Shard, cfg.Shards)
	}
	if cfg.HasNoData && cfg.NoNoData {
		return cfg, fmt.Errorf("compute: both a nodata value and no nodata requested")
	}
	return cfg, nil
}
