package geotiff

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gomean/gomean/deflate"
)

// discardAt is an io.WriterAt that drops everything.
type discardAt struct{}

func (discardAt) WriteAt(p []byte, off int64) (int, error) { return len(p), nil }

// demRaster returns a width×height float32 raster that looks like a DEM:
// fBm of value noise (octaves 512 px down to 2 px, gain 0.55) stretched to
// 0..3000 m, as ../shared/bench/gen_dem.py makes them.
func demRaster(width, height int) []byte {
	out := make([]byte, 4*width*height)
	for y := range height {
		for x := range width {
			v, amp, total := 0.0, 1.0, 0.0
			for s := 512; s >= 2; s /= 2 {
				v += amp * valueNoise(float64(x)/float64(s), float64(y)/float64(s), uint64(s))
				total += amp
				amp *= 0.55
			}
			binary.LittleEndian.PutUint32(out[4*(y*width+x):], math.Float32bits(float32(3000*v/total)))
		}
	}
	return out
}

// valueNoise interpolates pseudo-random lattice values in [0, 1) with a
// quintic fade.
func valueNoise(x, y float64, seed uint64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := fade(x-x0), fade(y-y0)
	ix, iy := int64(x0), int64(y0)
	l := func(i, j int64) float64 {
		h := uint64(i)*0x9E3779B97F4A7C15 ^ uint64(j)*0xC2B2AE3D27D4EB4F ^ seed*0x165667B19E3779F9
		h ^= h >> 31
		h *= 0xBF58476D1CE4E5B9
		h ^= h >> 29
		return float64(h>>11) / (1 << 53)
	}
	a := l(ix, iy) + fx*(l(ix+1, iy)-l(ix, iy))
	b := l(ix, iy+1) + fx*(l(ix+1, iy+1)-l(ix, iy+1))
	return a + fy*(b-a)
}

func fade(t float64) float64 { return t * t * t * (t*(t*6-15) + 10) }

// BenchmarkWriter measures the whole pipeline (copy, predictor 3,
// DEFLATE at the default level, ordered append) on a 1024×1024 float32 DEM,
// written to a discarding io.WriterAt from one producer goroutine.
// Parallel efficiency = throughput(n workers) / (n × throughput(1 worker)).
func BenchmarkWriter(b *testing.B) {
	const size = 1024
	opts := WriterOptions{Width: size, Height: size, Bands: 1, Type: Float32}
	raster := demRaster(size, size)
	cfg, _ := opts.config()
	tiles := make([][]byte, cfg.numTiles)
	for i := range tiles {
		tiles[i] = tileOf(raster, cfg, i)
	}
	for _, comp := range []Compression{CompressionDeflate, CompressionZSTD} {
		for _, workers := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("%v/workers=%d", comp, workers), func(b *testing.B) {
				o := opts
				o.Compression, o.Workers = comp, workers
				b.SetBytes(int64(len(tiles) * cfg.tileBytes))
				b.ReportAllocs()
				for b.Loop() {
					w, err := NewWriter(discardAt{}, o)
					if err != nil {
						b.Fatal(err)
					}
					for i, t := range tiles {
						if err := w.WriteTile(context.Background(), i, t); err != nil {
							b.Fatal(err)
						}
					}
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkWriterMask measures the cost of an internal mask: the writer
// of BenchmarkWriter (DEFLATE) with and without Mask, the mask mostly
// valid with scattered invalid pixels (testValid).
func BenchmarkWriterMask(b *testing.B) {
	const size = 1024
	opts := WriterOptions{Width: size, Height: size, Bands: 1, Type: Float32}
	raster := demRaster(size, size)
	cfg, _ := opts.config()
	tiles := make([][]byte, cfg.numTiles)
	masks := make([][]byte, cfg.numTiles)
	for i := range tiles {
		tiles[i] = tileOf(raster, cfg, i)
		masks[i] = maskOf(cfg, i, testValid)
	}
	for _, mask := range []bool{false, true} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("mask=%v/workers=%d", mask, workers), func(b *testing.B) {
				o := opts
				o.Mask, o.Workers = mask, workers
				b.SetBytes(int64(len(tiles) * cfg.tileBytes))
				ctx := context.Background()
				for b.Loop() {
					w, err := NewWriter(discardAt{}, o)
					if err != nil {
						b.Fatal(err)
					}
					for i, t := range tiles {
						if err := w.WriteTile(ctx, i, t); err != nil {
							b.Fatal(err)
						}
						if mask {
							if err := w.WriteMaskTile(ctx, i, masks[i]); err != nil {
								b.Fatal(err)
							}
						}
					}
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCompressionLevel measures size and speed of DEFLATE (Huffman
// only, levels 1 to 9) and ZSTD levels on DEM tiles, after the
// floating-point predictor (pred3/) and without one (pred1/): the
// measurement behind DefaultDeflateLevel. ratio is compressed/raw bytes.
// The tiles are a 1024×1024 window (or $GEOTIFF_BENCH_SIZE squared) of the
// float32 file named by $GEOTIFF_BENCH_DEM (e.g. made by bench/gendem or
// ../shared/bench/gen_dem.py), or of demRaster.
func BenchmarkCompressionLevel(b *testing.B) {
	size := 1024
	if v, err := strconv.Atoi(os.Getenv("GEOTIFF_BENCH_SIZE")); err == nil && v >= 256 {
		size = v
	}
	raster := benchDEM(b, size)
	cfg, _ := WriterOptions{Width: size, Height: size, Bands: 1, Type: Float32}.config()
	var tiles, plain [][]byte
	scratch := make([]byte, cfg.rowSamples*4)
	for i := range cfg.numTiles {
		t := tileOf(raster, cfg, i)
		plain = append(plain, slices.Clone(t))
		encodePredictor(t, PredictorFloat, 4, cfg.rowSamples, 1, false, scratch)
		tiles = append(tiles, t)
	}
	run := func(name string, enc func(dst, src []byte) ([]byte, error)) {
		b.Run(name, func(b *testing.B) {
			tiles := tiles
			if strings.HasPrefix(name, "pred1/") {
				tiles = plain
			}
			b.SetBytes(int64(len(tiles) * cfg.tileBytes))
			var out []byte
			var n int
			for b.Loop() {
				n = 0
				for _, t := range tiles {
					out, _ = enc(out[:0], t)
					n += len(out)
				}
			}
			b.ReportMetric(float64(n)/float64(len(tiles)*cfg.tileBytes), "ratio")
		})
	}
	for _, pred := range []string{"pred3/", "pred1/"} {
		e, _ := deflate.NewEncoder(deflate.HuffmanOnly)
		run(pred+"DEFLATE-huffman", e.Encode)
		for level := 1; level <= 9; level++ {
			e, _ := deflate.NewEncoder(level)
			run(fmt.Sprintf("%sDEFLATE-%d", pred, level), e.Encode)
		}
		for _, level := range []int{1, 3, 6, 9, 15} {
			e, _ := deflate.NewZstdEncoder(level)
			run(fmt.Sprintf("%sZSTD-%d", pred, level), e.Encode)
		}
	}
}

// benchDEM returns a size×size float32 DEM: the top-left window of
// $GEOTIFF_BENCH_DEM when set, else demRaster.
func benchDEM(b *testing.B, size int) []byte {
	name := os.Getenv("GEOTIFF_BENCH_DEM")
	if name == "" {
		return demRaster(size, size)
	}
	r, err := Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	im := r.Image()
	if im.Type != Float32 || im.Width < size || im.Height < size {
		b.Fatalf("%s: want a float32 image of at least %dx%d, got %v %dx%d", name, size, size, im.Type, im.Width, im.Height)
	}
	raster, err := r.ReadWindow(im, image.Rect(0, 0, size, size), []int{0}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return raster
}

// TestWriterPeakHeap writes float32 rasters of 5000² and 20000² pixels
// from a generator and checks that the peak heap does not grow with the
// raster size.
func TestWriterPeakHeap(t *testing.T) {
	if testing.Short() || writerRaceEnabled {
		t.Skip("skipping 1.6 GB write in -short mode and under -race (the race detector's shadow memory says nothing about our heap)")
	}
	peak := func(size int) uint64 {
		o := WriterOptions{Width: size, Height: size, Bands: 1, Type: Float32}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var max atomic.Uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > max.Load() {
					max.Store(ms.HeapAlloc)
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		w, err := NewWriter(discardAt{}, o)
		if err != nil {
			t.Fatal(err)
		}
		tile := make([]byte, w.TileBytes())
		for i := range w.NumTiles() {
			// Smooth and cheap to make: a plane with a slope per tile.
			for k := 0; k < len(tile); k += 4 {
				binary.LittleEndian.PutUint32(tile[k:], math.Float32bits(float32(i)+float32(k%1024)/8))
			}
			if err := w.WriteTile(context.Background(), i, tile); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		close(stop)
		wg.Wait()
		p := max.Load() - min(base, max.Load())
		t.Logf("%d×%d float32 (%d MB raw, %d tiles) in %v: peak heap %.1f MB above the start",
			size, size, 4*size*size>>20, w.NumTiles(), time.Since(start).Round(time.Millisecond), float64(p)/(1<<20))
		return p
	}
	small, large := peak(5000), peak(20000)
	if large > 2*small+16<<20 {
		t.Errorf("peak heap grew from %d to %d bytes with the raster size", small, large)
	}
}

// TestWriterSteadyStateAllocs checks that the writer does not allocate per
// tile once running: going from 16 to 1024 tiles may add only the tile
// offset arrays and the odd wait channel or pool refill.
func TestWriterSteadyStateAllocs(t *testing.T) {
	if testing.Short() || writerRaceEnabled {
		t.Skip("skipping allocation count in -short mode or under the race detector")
	}
	mask := make([]byte, 256*256)
	for k := range mask {
		mask[k] = byte(k % 3)
	}
	for _, tc := range []struct {
		comp Compression
		mask bool
	}{{CompressionNone, false}, {CompressionDeflate, false}, {CompressionZSTD, false}, {CompressionDeflate, true}} {
		comp := tc.comp
		mallocs := func(size int) (uint64, int) {
			o := WriterOptions{Width: size, Height: size, Bands: 1, Type: Float32, Compression: comp, Workers: 2, Mask: tc.mask}
			w, err := NewWriter(discardAt{}, o)
			if err != nil {
				t.Fatal(err)
			}
			tile := demRaster(256, 256)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for i := range w.NumTiles() {
				if err := w.WriteTile(context.Background(), i, tile); err != nil {
					t.Fatal(err)
				}
				if tc.mask {
					if err := w.WriteMaskTile(context.Background(), i, mask); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			return after.Mallocs - before.Mallocs, w.NumTiles()
		}
		mallocs(1024) // warm up the codecs' own pools
		a1, n1 := mallocs(1024)
		a2, n2 := mallocs(8192)
		per := float64(int64(a2)-int64(a1)) / float64(n2-n1)
		t.Logf("%v mask %v: %d allocations for %d tiles, %d for %d: %.2f per tile", comp, tc.mask, a1, n1, a2, n2, per)
		if per > 0.5 {
			t.Errorf("%v mask %v: %.2f allocations per tile in steady state, want < 0.5", comp, tc.mask, per)
		}
	}
}

// BenchmarkWriterFile writes a 4096×4096 float32 raster to a real file
// (Create, so temp file, fsync and rename included) without compression and
// with Huffman-only DEFLATE: jobs where writing the tiles into the page
// cache is a large share of the work, so how the writes are spread over
// the goroutines shows.
func BenchmarkWriterFile(b *testing.B) {
	const size = 4096
	opts := WriterOptions{Width: size, Height: size, Bands: 1, Type: Float32, Overwrite: true}
	raster := demRaster(size, size)
	cfg, _ := opts.config()
	tiles := make([][]byte, cfg.numTiles)
	for i := range tiles {
		tiles[i] = tileOf(raster, cfg, i)
	}
	name := filepath.Join(b.TempDir(), "out.tif")
	for _, c := range []struct {
		name  string
		comp  Compression
		level int
	}{{"NONE", CompressionNone, 0}, {"DEFLATE-huffman", CompressionDeflate, DeflateHuffmanOnly}} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", c.name, workers), func(b *testing.B) {
				o := opts
				o.Compression, o.Level, o.Workers = c.comp, c.level, workers
				b.SetBytes(int64(len(tiles) * cfg.tileBytes))
				for b.Loop() {
					w, err := Create(name, o)
					if err != nil {
						b.Fatal(err)
					}
					var g errgroup.Group
					for k := range workers {
						g.Go(func() error {
							for i := k; i < len(tiles); i += workers {
								if err := w.WriteTile(context.Background(), i, tiles[i]); err != nil {
									return err
								}
							}
							return nil
						})
					}
					if err := g.Wait(); err != nil {
						b.Fatal(err)
					}
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
