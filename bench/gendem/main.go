// Command gendem writes K deterministic, DEM-like, co-registered GeoTIFFs
// for gomean's benchmarks, with gomean's own writer (no Python, no GDAL).
//
// The K rasters model K measurements of the same terrain, as
// ../shared/bench/gen_dem.py does (same model, different random numbers):
//
//   - a shared terrain: an fBm of 11 octaves of value noise (lattice
//     spacing 2048 px down to 2 px, gain 0.55), stretched to 0..3000 m with
//     a flat sea at 0 m;
//   - per input: a few metres of its own fBm noise (64 px down to 2 px), a
//     bias drawn from N(0, 1) m, and nodata blobs (about 2 % of the pixels)
//     from a thresholded low-frequency field;
//   - EPSG:32652 (WGS 84 / UTM 52N), 30 m pixels, origin (300000, 4200000);
//   - float32 (nodata -9999), int16 (-9999) or uint16 (65535), rounded;
//   - tiled 256×256 (gomean's writer) or stripped (a small strip writer
//     here; GDAL's default of about 8 KiB per strip), DEFLATE.
//
// The defaults (no predictor, DEFLATE level 7) mimic what GDAL writes with
// its own defaults (ZLEVEL 6, no predictor): klauspost/compress levels 1 to
// 6 store raw float32 blocks almost uncompressed, level 7 compresses them
// as libdeflate's level 6 does (../shared/bench/FLOOR.md).
//
// Output depends only on the flags, not on the number of CPUs: every pixel
// is a function of its position. Generation runs tile by tile on all CPUs
// with memory bounded by the writers' windows.
//
// Usage:
//
//	go run ./bench/gendem --size 10000 --count 3 --outdir /tmp/gomean-bench/10000
//	go run ./bench/gendem --size 4096 --type int16 --layout strip --predictor 2 --outdir DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/gomean/gomean/geotiff"
)

type options struct {
	width, height int
	count         int
	typ           geotiff.SampleType
	nodata        float64
	strip         bool
	rowsPerStrip  int
	tile          int
	predictor     int
	level         int
	outdir        string
	prefix        string
	seed          uint64
}

// name returns the file name of input k (0-based): PREFIX.<k+1>.tiff.
func (o *options) name(k int) string { return fmt.Sprintf("%s.%d.tiff", o.prefix, k+1) }

func (o *options) writerOptions() geotiff.WriterOptions {
	return geotiff.WriterOptions{
		Width: o.width, Height: o.height, Bands: 1, Type: o.typ,
		TileWidth: o.tile, TileHeight: o.tile,
		Compression: geotiff.CompressionDeflate, Level: o.level,
		Predictor: geotiff.Predictor(o.predictor),
		HasNoData: true, NoData: o.nodata,
		Geo:       georef(),
		Overwrite: true,
	}
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("gendem", flag.ContinueOnError)
	size := fs.Int("size", 4096, "raster width and height in pixels (4096 to 20000 in the benchmarks)")
	width := fs.Int("width", 0, "raster width (default --size)")
	height := fs.Int("height", 0, "raster height (default --size)")
	count := fs.Int("count", 3, "number of inputs K (2 to 32 in the benchmarks)")
	typ := fs.String("type", "float32", "sample type: float32, int16 or uint16")
	layout := fs.String("layout", "tiled", "tiled (256×256) or strip")
	rps := fs.Int("rows-per-strip", 0, "rows per strip for --layout strip (default: GDAL's, about 8 KiB per strip)")
	pred := fs.Int("predictor", 1, "TIFF predictor: 1 none (GDAL's default), 2 horizontal (integers), 3 floating point")
	level := fs.Int("level", 7, "DEFLATE level 1-9 (7 ≈ GDAL's ZLEVEL 6 size without a predictor)")
	outdir := fs.String("outdir", "", "output folder (required); files are PREFIX.1.tiff .. PREFIX.K.tiff")
	prefix := fs.String("prefix", "dem.30m", "file name prefix")
	seed := fs.Uint64("seed", 20240601, "random seed")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o := &options{width: *width, height: *height, count: *count, predictor: *pred, level: *level,
		outdir: *outdir, prefix: *prefix, seed: *seed, tile: 256, rowsPerStrip: *rps}
	if o.width == 0 {
		o.width = *size
	}
	if o.height == 0 {
		o.height = *size
	}
	switch *typ {
	case "float32":
		o.typ, o.nodata = geotiff.Float32, -9999
	case "int16":
		o.typ, o.nodata = geotiff.Int16, -9999
	case "uint16":
		o.typ, o.nodata = geotiff.Uint16, 65535
	default:
		return nil, fmt.Errorf("--type %q: want float32, int16 or uint16", *typ)
	}
	switch *layout {
	case "tiled":
	case "strip":
		o.strip = true
		if o.rowsPerStrip == 0 {
			o.rowsPerStrip = defaultRowsPerStrip(o.width, o.typ.Size())
		}
	default:
		return nil, fmt.Errorf("--layout %q: want tiled or strip", *layout)
	}
	switch {
	case o.outdir == "":
		return nil, fmt.Errorf("no --outdir: give the folder to write to")
	case o.width <= 0 || o.height <= 0 || o.width > 1<<20 || o.height > 1<<20:
		return nil, fmt.Errorf("size %dx%d: want 1 to %d pixels each way", o.width, o.height, 1<<20)
	case o.count < 1 || o.count > 1000:
		return nil, fmt.Errorf("--count %d: want 1 to 1000", o.count)
	case o.predictor < 1 || o.predictor > 3:
		return nil, fmt.Errorf("--predictor %d: want 1, 2 or 3", o.predictor)
	case o.predictor == 3 && o.typ != geotiff.Float32:
		return nil, fmt.Errorf("--predictor 3 needs --type float32, got %s", *typ)
	case o.level < 1 || o.level > 9:
		return nil, fmt.Errorf("--level %d: want 1 to 9", o.level)
	case o.rowsPerStrip < 0:
		return nil, fmt.Errorf("--rows-per-strip %d: want a positive count", o.rowsPerStrip)
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendem:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "gendem:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o *options) error {
	if err := os.MkdirAll(o.outdir, 0o755); err != nil {
		return err
	}
	t0 := time.Now()
	m := newModel(o.seed, o.count, o.typ, o.nodata, o.width, o.height)
	var holes []int64
	var err error
	if o.strip {
		holes, err = writeStripped(ctx, o, m)
	} else {
		holes, err = writeTiled(ctx, o, m)
	}
	if err != nil {
		return err
	}
	px := float64(o.width) * float64(o.height)
	for k, h := range holes {
		p := filepath.Join(o.outdir, o.name(k))
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		fmt.Printf("%s\t%d bytes\tnodata %.2f%%\n", p, st.Size(), 100*float64(h)/px)
	}
	fmt.Fprintf(os.Stderr, "generated %d x %dx%d %s in %.1fs\n", o.count, o.width, o.height, o.typ, time.Since(t0).Seconds())
	return nil
}
