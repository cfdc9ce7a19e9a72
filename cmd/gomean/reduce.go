package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
)

var opUsage = map[compute.Op]string{
	compute.Mean:   "per-pixel mean of the valid inputs (the default command); --weights gives a weighted mean",
	compute.Sum:    "per-pixel sum of the valid inputs",
	compute.Min:    "per-pixel minimum of the valid inputs",
	compute.Max:    "per-pixel maximum of the valid inputs",
	compute.Count:  "per-pixel number of valid inputs (0 where none is valid)",
	compute.Std:    "per-pixel population standard deviation of the valid inputs (divides by n, numpy's ddof=0)",
	compute.Median: "per-pixel median of the valid inputs (mean of the two middle values for an even count)",
}

const reduceDescription = `Every input must have the size, geotransform and CRS of the first; bands
are reduced band by band. Values are accumulated in float64; integer outputs
are rounded and clamped.

Which input pixels count (GDAL's mask rules, as rasterio's
read(masked=True) sees them): a pixel is skipped where the input's mask
says so (an internal mask, or FILE.tif.msk); else where it equals the
band's nodata (GDAL_NODATA, or NoDataValue in FILE.tif.aux.xml), compared
in the band's type (-3.4e+38 means the float32 nearest to it); else where
its alpha band is 0 (2-band gray+alpha or RGBA files; the alpha band
itself is not reduced unless --band asks for it). NaN is always skipped.
Georeferencing and CRS come from FILE.tif.aux.xml, the TIFF tags, then a
world file (.tfw/.tifw/.wld with .prj), in GDAL's order. The mean divides
by the number of valid inputs.

What the output declares: the inputs' nodata when they have one and the
output type holds it; a mask (or an alpha band for RGB output) when they
carry masks or alpha; otherwise no nodata at all, unless some pixel has no
valid input: then NaN (float) or the type's default (255, 65535, -32768,
...) is declared when the output is closed, with one line giving the count.
--nodata V sets it, --nodata none forbids one (an empty pixel is then an
error). A valid result never becomes nodata: with a narrower -ot, a value
that would round or clamp onto the nodata value moves to the nearest other
value, and one line gives the counts.

Inputs may be files, shell globs and @LIST files (one path per line).
Options may come before or after the inputs.

Creation options (GDAL names, or the plain flags):
   --co COMPRESS=DEFLATE|ZSTD|LZW|NONE   (--compress; default DEFLATE)
   --co ZLEVEL=1..9|HUFFMAN              (default 1; HUFFMAN only entropy-codes: about
                                          twice as fast as 1, output 12-16%% larger)
   --co ZSTD_LEVEL=1..22                 (default 9; --level N sets either level)
   --co PREDICTOR=1|2|3                  (--predictor; default 3 for float, 2 for integer)
   --co BLOCKXSIZE=N --co BLOCKYSIZE=N   (--tile N or WxH; default 256, or the inputs'
                                          common tile size from 128 to 1024)
   --co BIGTIFF=YES|NO|IF_NEEDED         (default IF_NEEDED, decided from the real size)
   --co NUM_THREADS=N|ALL_CPUS           (compression threads; default --workers)
   --co INTERLEAVE=PIXEL|BAND, --co ENDIANNESS=LITTLE|BIG, --co TILED=YES

-of COG writes a Cloud-Optimized GeoTIFF in the layout of GDAL's COG driver,
with overviews and statistics computed in the same pass (docs/COG.md):
   --co BLOCKSIZE=N                      (COG tile size, multiple of 16; default 512)
   --co LEVEL=N                          (DEFLATE or ZSTD level)
   --co OVERVIEWS=AUTO|NONE              (AUTO: halve until one tile holds the smallest)
   --co OVERVIEW_COUNT=N                 (that many levels instead)
   --co OVERVIEW_RESAMPLING=AVERAGE|NEAREST|MODE  (default AVERAGE, skipping invalid
                                          pixels as gdaladdo -r average; MODE for classes)
   --co STATISTICS=AUTO|YES|NO           (default: STATISTICS_* in the metadata)
   --co LAYOUT=COG                       (the same as -of COG)

Examples:
   gomean %[1]s -o out.tif a.tif b.tif c.tif
   gomean %[1]s a.tif b.tif c.tif -o out.tif --co ZLEVEL=9
   gomean %[1]s -o out.tif @list.txt --band 1 --band 2 -ot Float64
   gomean %[1]s -o out.tif 'scenes/*.tif' --propagate-nodata --overwrite`

// reduceCommand returns the command for one reduction.
func reduceCommand(op compute.Op) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output GeoTIFF `FILE` (required)"},
		&cli.StringFlag{Name: "type", Aliases: []string{"ot"}, Usage: "output data `TYPE`: Byte, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Float32, Float64", Value: "Float32"},
		&cli.StringFlag{Name: "nodata", Aliases: []string{"a_nodata"}, Usage: "output nodata `VALUE`: a number, nan, or none for no nodata (default: the inputs' own, see below)"},
		&cli.BoolFlag{Name: "propagate-nodata", Usage: "a nodata input makes the pixel nodata (gdal_calc's behaviour)"},
		&cli.IntFlag{Name: "min-valid", Usage: "fewest valid inputs `K` a pixel needs for a result (default 1; 0 for count)", HideDefault: true},
		&cli.IntSliceFlag{Name: "band", Aliases: []string{"b"}, Usage: "reduce band `N` (1-based; repeat for several); default all bands"},
		&cli.StringSliceFlag{Name: "co", Usage: "creation option `KEY=VALUE` (repeatable), see below"},
		&cli.StringFlag{Name: "compress", Usage: "compression `NAME`: DEFLATE, ZSTD, LZW or NONE"},
		&cli.IntFlag{Name: "level", Usage: "compression `LEVEL`: DEFLATE 1-9 (default 1), ZSTD 1-22 (default 9)", HideDefault: true},
		&cli.StringFlag{Name: "predictor", Usage: "predictor `P`: 1 none, 2 horizontal, 3 floating point"},
		&cli.StringFlag{Name: "tile", Usage: "output tile size `N` or WxH, multiples of 16"},
		&cli.StringFlag{Name: "format", Aliases: []string{"of"}, Usage: "output `FORMAT`: GTiff (default) or COG (Cloud-Optimized GeoTIFF with overviews and statistics, see below)"},
		&cli.BoolFlag{Name: "overviews", Usage: "GTiff: add internal overviews, computed in the same pass (OVERVIEW_* options apply)"},
		&cli.BoolFlag{Name: "stats", Usage: "GTiff: write STATISTICS_* metadata per band, computed in the same pass (COG: on unless --co STATISTICS=NO)"},
		&cli.IntFlag{Name: "workers", Aliases: []string{"j"}, Usage: "`N` goroutines reading and reducing tiles (default: all CPUs)", HideDefault: true},
		&cli.IntFlag{Name: "cache", Usage: "`MIB` of decoded input strips or tiles kept for later output tiles when the inputs' blocks differ from the output tiles (default 256; raise it for many wide stripped inputs)", HideDefault: true},
		&cli.StringFlag{Name: "memory", Usage: "memory budget `SIZE` (e.g. 2G, 512M; default GOMEMLIMIT, else a quarter of ulimit -v, else half the RAM): a run that cannot fit stops before allocating"},
		&cli.BoolFlag{Name: "overwrite", Usage: "replace the output file if it exists"},
		&cli.BoolFlag{Name: "ignore-crs", Usage: "do not compare the inputs' CRSs (their grids still must share one pixel lattice)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print no progress"},
	}
	flags = append(flags, stackFlags(op)...)
	flags = append(flags, shardFlag())
	flags = append(flags, gridFlags()...)
	if op == compute.Mean {
		flags = append(flags, &cli.StringFlag{Name: "weights", Usage: "weighted mean with one weight per input, as `W1,W2,...`"})
	}
	return &cli.Command{
		Name:         op.String(),
		Usage:        opUsage[op] + stackUsage[op],
		ArgsUsage:    "IN.tif...",
		UsageText:    fmt.Sprintf("gomean %s -o OUT.tif [options] IN.tif...", op),
		Description:  stackDescription[op] + fmt.Sprintf(reduceDescription, commandExample(op)) + groupDescription + gridDescription,
		Flags:        flags,
		OnUsageError: onUsageError,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runReduce(ctx, cmd, op)
		},
	}
}

// runReduce turns the command line into a compute.Config and runs it.
func runReduce(ctx context.Context, cmd *cli.Command, op compute.Op) error {
	cfg, inputs, out, err := reduceConfig(cmd, op)
	if err != nil {
		return err
	}
	groups, err := stackConfig(cmd, op, &cfg, inputs, out)
	if err != nil {
		return err
	}
	if err := shardConfig(cmd, &cfg, groups != nil); err != nil {
		return err
	}
	prog := newProgress(cmd.Root().ErrWriter, cmd.Bool("quiet"))
	if prog != nil {
		cfg.Progress = prog.update
	}
	errw := cmd.Root().ErrWriter
	cfg.Notice = func(msg string) { fmt.Fprintf(errw, "gomean: %s\n", msg) }
	if cfg.MemoryBytes == 0 {
		cfg.MemoryBytes = compute.DefaultMemoryBytes()
	}
	limitHeap(cfg.MemoryBytes)
	if groups != nil {
		err = compute.RunGroups(ctx, cfg, groups)
	} else {
		err = compute.Run(ctx, cfg, inputs, out)
	}
	if prog != nil {
		prog.finish(err == nil)
	}
	return withHint(ctx, err, out)
}

// limitHeap makes the Go runtime collect garbage before the heap passes
// the run's memory budget (plus a quarter for what the plan leaves out), so
// buffers a run has let go of are returned before new ones push the
// process past ulimit -v or the machine's memory. GOMEMLIMIT, when set,
// is left alone.
func limitHeap(budget int64) {
	if v := os.Getenv("GOMEMLIMIT"); v != "" && v != "off" {
		return
	}
	debug.SetMemoryLimit(budget + budget/4)
}

// reduceConfig validates the command line; every error is a usage error.
func reduceConfig(cmd *cli.Command, op compute.Op) (compute.Config, []string, string, error) {
	cfg := compute.Config{Op: op, PropagateNoData: cmd.Bool("propagate-nodata"), MinValid: cmd.Int("min-valid"),
		Workers: cmd.Int("workers"), IgnoreCRS: cmd.Bool("ignore-crs")}
	out := cmd.String("output")
	if out == "" {
		return cfg, nil, "", usagef("no output file: give -o OUT.tif")
	}
	inputs, err := expandInputs(cmd.Args().Slice())
	if err != nil {
		return cfg, nil, "", err
	}
	if len(inputs) == 0 {
		return cfg, nil, "", usagef("no input files: give the rasters to %s after the options", op)
	}
	if first := inputs[0]; !strings.ContainsAny(first, "./\\") {
		if _, err := os.Stat(first); err != nil {
			return cfg, nil, "", usagef("%s is neither a file nor a command: the commands are mean, sum, min, max, count, std, median, percentile, mode, slope and info", first)
		}
	}
	if err := checkOutput(out, inputs, cmd.Bool("overwrite")); err != nil {
		return cfg, nil, "", err
	}
	if cfg.Type, err = geotiff.ParseSampleType(cmd.String("type")); err != nil {
		return cfg, nil, "", usagef("--type: %w", err)
	}
	if err := parseNoData(cmd, &cfg); err != nil {
		return cfg, nil, "", err
	}
	if cfg.MinValid < 0 || cfg.MinValid > len(inputs) {
		return cfg, nil, "", usagef("--min-valid %d: want a count from 0 to the %d inputs", cfg.MinValid, len(inputs))
	}
	if cfg.Workers < 0 {
		return cfg, nil, "", usagef("--workers %d: want a positive count", cfg.Workers)
	}
	mb := cmd.Int("cache")
	if mb < 0 || mb > 1<<30 {
		return cfg, nil, "", usagef("--cache %d: want a size in MiB", mb)
	}
	cfg.CacheBytes = int64(mb) << 20
	if v := cmd.String("memory"); v != "" {
		if cfg.MemoryBytes, err = parseSize(v); err != nil {
			return cfg, nil, "", usagef("--memory %s: %w", v, err)
		}
	}
	for _, b := range cmd.IntSlice("band") {
		if b < 1 {
			return cfg, nil, "", usagef("--band %d: bands are numbered from 1", b)
		}
		cfg.Bands = append(cfg.Bands, int(b)-1)
	}
	if op == compute.Mean && cmd.String("weights") != "" {
		if cfg.Weights, err = parseWeights(cmd.String("weights"), len(inputs)); err != nil {
			return cfg, nil, "", err
		}
	}
	if cfg.Output, cfg.Overviews, err = outputFlags(cmd); err != nil {
		return cfg, nil, "", err
	}
	cfg.Output.Overwrite = cmd.Bool("overwrite")
	if cfg.Grid, err = gridConfig(cmd); err != nil {
		return cfg, nil, "", err
	}
	return cfg, inputs, out, nil
}

// checkOutput refuses to write over an input, or over an existing file
// without --overwrite.
func checkOutput(out string, inputs []string, overwrite bool) error {
	ao, _ := filepath.Abs(out)
	st, statErr := os.Stat(out)
	for _, in := range inputs {
		ai, _ := filepath.Abs(in)
		same := ai == ao
		if !same && statErr == nil {
			if si, err := os.Stat(in); err == nil && os.SameFile(st, si) {
				same = true
			}
		}
		if same {
			return usagef("output %s is also an input: choose another output name", out)
		}
	}
	if statErr == nil && !overwrite {
		return usagef("output %s exists: pass --overwrite to replace it, or choose another name", out)
	}
	return nil
}

// parseNoData reads --nodata: none, nan, or a number that the output type
// holds once cast to it as GDAL casts a nodata value (-3.4e38 is the
// float32 nearest to it for a Float32 output; Int64 and UInt64 values are
// kept exactly as text).
func parseNoData(cmd *cli.Command, cfg *compute.Config) error {
	s := strings.TrimSpace(cmd.String("nodata"))
	switch {
	case s == "":
		return nil
	case strings.EqualFold(s, "none"):
		cfg.NoNoData = true
		return nil
	}
	t := cfg.Type
	if t == geotiff.Int64 || t == geotiff.Uint64 {
		var err error
		if t == geotiff.Int64 {
			_, err = strconv.ParseInt(s, 10, 64)
		} else {
			_, err = strconv.ParseUint(s, 10, 64)
		}
		if err != nil {
			return usagef("--nodata %s does not fit output type %v: give an integer in its range", s, t)
		}
		v, _ := strconv.ParseFloat(s, 64)
		cfg.HasNoData, cfg.NoData, cfg.NoDataText = true, v, s
		return nil
	}
	v, ok := geotiff.ParseNoData(s)
	if !ok {
		return usagef("--nodata %q: want a number, nan or none", s)
	}
	if t == geotiff.Float32 && !math.IsNaN(v) {
		if f := float32(v); !math.IsInf(float64(f), 0) || math.IsInf(v, 0) {
			v = float64(f)
		}
	}
	if !t.IsFloat() && (math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v)) {
		return usagef("--nodata %s does not fit output type %v: give an integer in its range", s, t)
	}
	if lo, hi := t.Range(); !math.IsNaN(v) && !math.IsInf(v, 0) && (v < lo || v > hi) {
		return usagef("--nodata %s is out of the range [%v, %v] of output type %v", s, lo, hi, t)
	}
	cfg.HasNoData, cfg.NoData = true, v
	return nil
}

// parseSize reads a byte count with an optional K, M, G or T suffix
// (powers of 1024, an optional trailing B or iB).
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	u = strings.TrimSuffix(strings.TrimSuffix(u, "B"), "I")
	mult := int64(1)
	if n := len(u); n > 0 {
		switch u[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			u = u[:n-1]
		}
	}
	v, err := strconv.ParseFloat(u, 64)
	if err != nil || !(v > 0) || v*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("want a positive size such as 2G or 512M")
	}
	return int64(v * float64(mult)), nil
}

func parseWeights(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, usagef("--weights %s: got %d weights for %d inputs: give one per input", s, len(parts), n)
	}
	w := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, usagef("--weights: weight %d is %q: want a number >= 0", i+1, p)
		}
		w[i] = v
	}
	return w, nil
}

// creationFlags applies --co items, then the plain flags.
func creationFlags(cmd *cli.Command) (geotiff.WriterOptions, error) {
	c, err := creationOf(cmd)
	if err != nil {
		return geotiff.WriterOptions{}, err
	}
	return c.finish()
}

// creationOf collects --co items, then the plain flags.
func creationOf(cmd *cli.Command) (*creation, error) {
	c := newCreation()
	for _, item := range cmd.StringSlice("co") {
		if err := c.co(item); err != nil {
			return nil, err
		}
	}
	if v := cmd.String("compress"); v != "" {
		if err := c.compress(v, "--compress "+v); err != nil {
			return nil, err
		}
	}
	if cmd.IsSet("level") {
		if err := c.level(int(cmd.Int("level"))); err != nil {
			return nil, err
		}
	}
	if v := cmd.String("predictor"); v != "" {
		if err := c.predictor(v, "--predictor "+v); err != nil {
			return nil, err
		}
	}
	if v := cmd.String("tile"); v != "" {
		if err := c.tile(v); err != nil {
			return nil, err
		}
	}
	return c, nil
}
