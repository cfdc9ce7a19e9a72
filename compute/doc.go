// Package compute reduces stacks of co-registered rasters pixel by pixel
// into a new tiled GeoTIFF: mean (optionally weighted), sum, min, max,
// count of valid inputs, population standard deviation and median.
//
// # Values and nodata
//
// Every input sample is converted to float64; a sample equal to its
// input's nodata value (GDAL_NODATA, compared in the input's type) or NaN
// is invalid and skipped, so the mean divides by the number of valid inputs
// like rasterio's read(masked=True) and GDAL's VRT mean.
// [Config.PropagateNoData] makes any invalid input invalidate the pixel
// (gdal_calc's behaviour) and [Config.MinValid] requires a number of valid
// inputs. Pixels without a result are written as the output nodata. Results
// are converted to the output type (Float32 by default); integer types are
// rounded half away from zero and clamped.
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
// # Memory
//
// Memory is bounded by Workers × inputs × one output tile of each input's
// samples (the windows), Workers × inputs × 1024 float64 values, the
// block cache budget, and the writer's window of 4 × Workers tiles. It
// does not depend on the raster size or the number of tiles: three
// 20000×20000 float32 inputs with 4 workers peak under 32 MiB of heap
// (TestHeapBounded).
//
// # Errors
//
// [Run] checks before any work that all inputs share size, geotransform
// (within 0.01 pixel at every corner) and CRS, and returns an error
// wrapping [ErrNotCoregistered] that names the first mismatching file and
// shows both values. Read errors are [*InputError] values naming the input
// file. On any error or cancellation the output file is removed.
package compute
