// Package compute reduces stacks of co-registered rasters pixel by pixel
// into a new tiled GeoTIFF: mean (optionally weighted), sum, min, max,
// count of valid inputs, population standard deviation, median,
// percentiles, mode and the least squares slope against time; and, with
// [RunGroups], one output per calendar group of inputs.
//
// # Validity
//
// Which input samples count follows GDAL's mask rules (RFC 15,
// GDALRasterBand::GetMaskBand), which rasterio's read(masked=True) exposes:
// a sample is invalid where the input's mask is 0 (an internal mask IFD,
// GDAL_TIFF_INTERNAL_MASK, or an external FILE.msk, per dataset or per
// band); else where it equals the band's nodata, compared in the band's
// type (a Float32 nodata of -3.4e+38 means the float32 nearest to it;
// Int64 and UInt64 nodata exactly, from the tag's text); else where the
// alpha band is 0 (a 2-band gray+alpha or 4-band RGBA image of Byte or
// UInt16 samples; the alpha band is then not reduced unless Config.Bands
// names it). NaN is always invalid. Sidecars are read in GDAL's default
// order: FILE.aux.xml (geotransform, CRS, per-band NoDataValue) wins over
// the TIFF's tags, and a world file (.tfw, .tifw, .wld) counts only
// without either geotransform. A CRS given as WKT with an EPSG code is
// written as GeoKeys; one without is compared as text and written to
// OUT.aux.xml, as GDAL does.
//
// [Config.PropagateNoData] makes any invalid input invalidate the pixel
// (gdal_calc's behaviour) and [Config.MinValid] requires a number of valid
// inputs. Results are converted to the output type (Float32 by default);
// integer types are rounded half away from zero and clamped.
//
// # What the output declares
//
// The output keeps the inputs' meaning. Its nodata is Config.NoData when
// set; else the first input band's nodata, cast to its type, when the
// output type holds it (else the type's default); else, when inputs carry
// masks or alpha, none: the output carries an internal mask instead, or an
// alpha band when the reduced bands are an RGB image and the output type
// Byte or UInt16. When no input declares nodata and none is masked, the
// output declares none, unless some pixel had no valid input: the IFD is
// written last, so NaN (float) or [DefaultNoData] (integer) is then
// declared at the end, with a Config.Notice line giving the count.
// Config.NoNoData forbids a nodata value; an empty pixel is then an error.
// A valid result never becomes nodata: one that would round or clamp onto
// it moves to the nearest other value (as gdalwarp does), counted in a
// Config.Notice line.
//
// # Pipeline
//
// The output has the inputs' size and grid. Its tiles are numbered
// row-major (plane after plane for PlanarSeparate output), and
// Config.Workers goroutines take tile indices in increasing order from a
// shared counter. For each output tile a worker reads the matching window
// of every input, reduces it band by band in chunks of 1024 pixels, and
// hands the tile to the [geotiff.Writer], which compresses tiles on its own
// workers and appends them in index order. Because workers take indices
// in order, the tile the writer waits for is always in progress, so the
// writer's bounded window never deadlocks.
//
// An input whose tiles are the output's tiles (same tile size, pixel
// interleaved) is read tile by tile straight into the worker's buffer.
// The unweighted mean and the sum of float32 inputs into a float32 output
// skip the float64 chunks: one loop reads the samples of a pixel, adds the
// valid ones in float64 and stores the float32 result, with the same
// arithmetic in the same order, so the bytes are the same either way.
// Other inputs (strips, other tile sizes, band-interleaved files) go
// through a cache shared by the workers: each decoded block is counted
// with the number of output tiles that need it and freed after the last
// one, so it is decoded once; a byte budget ([Config.CacheBytes]) evicts
// unpinned blocks when the blocks waiting for later tiles outgrow it
// (those needed farthest ahead first), at the price of decoding them again.
// A PlanarSeparate output is computed plane by plane, in the writer's tile
// order, so pixel-interleaved inputs are then read once per output band.
//
// # Streaming path
//
// Mean, weighted mean, sum, count, min and max of unmasked inputs whose
// blocks are not the output's tiles (strips, other tile sizes), or of more
// than 32 inputs, take the streaming path instead: a unit of work is one
// row of output tiles and a group of 32 inputs; the worker reads every
// block of those inputs that the row covers once and folds it into
// float64 accumulators for the whole row; the groups of a row are added
// in group order and the worker that adds the last encodes the row's
// tiles. Up to 32 inputs the sums are the tile path's, in the same order,
// so the bytes are the same; beyond, they are formed per group, which
// changes results by rounding only (at most 1e-13 relative in the tests)
// and never with the worker count. Parallelism comes from rows, spans and
// groups together, so a few output tiles over many inputs still use every
// core; when they give fewer than four units per worker (a month of daily
// grids), tile rows are also split into parts of whole input blocks, which
// changes no sum.
//
// # Memory
//
// Tile path: Workers × inputs × one output tile of each input's samples
// (the windows), Workers × inputs × 1024 float64 values, the block cache
// budget, and the writer's window of 4 × Workers tiles. Streaming path:
// the accumulators of the rows in flight (width × tile height × bands ×
// 12 or 20 bytes each, at most about 3 × Workers of them) and one decoded
// block per worker, whatever the number of inputs. Neither depends on the
// raster size: three 20000×20000 float32 inputs with 4 workers peak under
// 32 MiB of heap (TestHeapBounded). [Config.MemoryBytes] bounds the plan:
// a block that alone does not fit stops the run before allocating, with
// an error wrapping [ErrMemoryBudget] that names the file and block.
// Inputs are read through a pool of at most a quarter of the open-file
// limit (at most 256), so any number of inputs runs under a low ulimit -n.
//
// # Percentiles, mode, slope and calendar groups
//
// Percentile, Mode and Slope take the tile path. Percentiles and mode
// need every valid value of a pixel: the worker gathers them from the
// chunk of 1024 pixels × inputs it already holds into one buffer of one
// value per input, sorts it (once for all percentiles) and moves on, so
// their memory is the tile path's, Workers × inputs × (one output tile of
// samples + 8 KiB), plus a few KiB per worker; it does not depend on the
// raster size (TestPercentileThousandInputs: 1,000 inputs, 2 workers,
// 32×32 tiles, under 36 MiB of heap). Percentiles interpolate as numpy's
// nanpercentile(method="linear"), with the same float64 operations, so
// the values are numpy's to the bit. The 50th percentile equals Median
// (the mean of the two middle values) wherever both are exact in float64:
// integer inputs up to 32 bits, and float32 values within a factor 2^29
// of each other; elsewhere the two may differ in the last bit of a
// Float64 output, as numpy's nanpercentile(50) and nanmedian do. Several
// percentiles write len(Percentiles) output bands per input band,
// pixel-interleaved. Mode's output type defaults to the inputs'. Slope
// regresses on Config.Dates in days (or years of 365.25 days), or on the
// input positions.
//
// [SplitGroups] partitions inputs by month, year, season or day of year
// of their dates ([DateFromName], [ReadDates]); [RunGroups] runs one
// reduction per group, so each input is read once, since the groups
// partition the inputs.
//
// # Errors
//
// [Run] checks before any work that all inputs share size, geotransform
// (within 0.01 pixel at every corner) and CRS, and returns an error
// wrapping [ErrNotCoregistered] that names the first mismatching file and
// shows both values. Read errors are [*InputError] values naming the input
// file. On any error or cancellation the output file is removed.
package compute
