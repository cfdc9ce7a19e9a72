// Command floor measures the codec floor of a reduction job on one core: the
// CPU time gomean's own codecs need to decode every tile of the inputs and
// to encode the output's tiles again (predictor and DEFLATE, through
// geotiff's writer), with GOMAXPROCS=1 and nothing else. The floor on n
// cores is that total divided by n: no pipeline can beat it with the same
// codecs, since it leaves out the reduction itself, I/O and scheduling.
//
// Usage:
//
//	go run ./bench/floor [-reps 3] [-level 1] -out mean.tif in1.tif in2.tif ...
//
// -out is an output gomean wrote (its tiles are decoded outside the timing
// and encoded again with its compression and predictor at -level).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/gomean/gomean/geotiff"
)

func main() {
	reps := flag.Int("reps", 3, "repetitions; the medians are printed")
	out := flag.String("out", "", "a tiled output written by gomean (required)")
	level := flag.Int("level", 0, "compression level the output was written with (0: the writer's default)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: floor [-reps N] [-level L] -out OUT.tif IN.tif...")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	if err := run(flag.Args(), *out, *level, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(inputs []string, out string, level, reps int) error {
	var dec, rd, enc []float64
	var outBytes int64
	for r := range reps {
		d, err := cpuOf(func() error { return decodeAll(inputs) })
		if err != nil {
			return err
		}
		b, err := cpuOf(func() error { _, err := reencode(out, level, false); return err })
		if err != nil {
			return err
		}
		var n int64
		c, err := cpuOf(func() error { var err error; n, err = reencode(out, level, true); return err })
		if err != nil {
			return err
		}
		outBytes = n
		dec, rd, enc = append(dec, d), append(rd, b), append(enc, c-b)
		fmt.Fprintf(os.Stderr, "rep %d: decode inputs %.2f CPU-s, read output %.2f, encode output %.2f\n", r+1, d, b, c-b)
	}
	d, e := median(dec), median(enc)
	fmt.Printf("inputs\t%d\n", len(inputs))
	fmt.Printf("decode_inputs_cpu_s\t%.2f\n", d)
	fmt.Printf("encode_output_cpu_s\t%.2f\n", e)
	fmt.Printf("encoded_output_bytes\t%d\n", outBytes)
	fmt.Printf("floor_1core_s\t%.2f\n", d+e)
	for _, n := range []int{2, 4, 8, 16} {
		fmt.Printf("floor_%dcores_s\t%.2f\n", n, (d+e)/float64(n))
	}
	return nil
}

// cpuOf returns the process CPU time (user+sys) that f takes.
func cpuOf(f func() error) (float64, error) {
	t0 := cpuNow()
	err := f()
	return cpuNow() - t0, err
}

func cpuNow() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return float64(time.Now().UnixNano()) / 1e9
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// decodeAll reads and decodes every tile (or strip) of every input.
func decodeAll(inputs []string) error {
	var buf []byte
	for _, name := range inputs {
		r, err := geotiff.Open(name)
		if err != nil {
			return err
		}
		im := r.Image()
		for i := range im.NumTiles() {
			if buf, err = r.ReadTile(im, i, buf); err != nil {
				r.Close()
				return err
			}
		}
		r.Close()
	}
	return nil
}

// reencode decodes every tile of out and, if encode is set, writes them to
// a discarding writer with out's compression and predictor; it returns the
// compressed size.
func reencode(out string, level int, encode bool) (int64, error) {
	r, err := geotiff.Open(out)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	im := r.Image()
	if !im.Tiled {
		return 0, fmt.Errorf("%s is not tiled", out)
	}
	var w *geotiff.Writer
	var sink countingSink
	if encode {
		w, err = geotiff.NewWriter(&sink, geotiff.WriterOptions{
			Width: im.Width, Height: im.Height, Bands: im.Bands, Type: im.Type,
			TileWidth: im.TileWidth, TileHeight: im.TileHeight, Planar: im.Planar,
			Compression: im.Compression, Level: level, Predictor: im.Predictor, Workers: 1,
		})
		if err != nil {
			return 0, err
		}
	}
	var buf []byte
	for i := range im.NumTiles() {
		if buf, err = r.ReadTile(im, i, buf); err != nil {
			if w != nil {
				w.Abort()
			}
			return 0, err
		}
		if w != nil {
			if err := w.WriteTile(context.Background(), i, buf); err != nil {
				w.Abort()
				return 0, err
			}
		}
	}
	if w != nil {
		if err := w.Close(); err != nil {
			return 0, err
		}
	}
	return sink.n, nil
}

// countingSink is an io.WriterAt that keeps only the size written.
type countingSink struct{ n int64 }

func (s *countingSink) WriteAt(p []byte, off int64) (int, error) {
	s.n = max(s.n, off+int64(len(p)))
	return len(p), nil
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
