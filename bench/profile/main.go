// Command profile runs one gomean mean job (compute.Run, as the CLI does)
// under the Go profilers, for the benchmark inputs rather than a test's:
// a CPU profile, a heap profile taken at the peak of the live heap sampled
// every -heap-every, an execution trace, and a summary of wall and CPU
// time, GC and peak RSS.
//
// Usage:
//
//	go run ./bench/profile -o /tmp/out.tif -cpuprofile cpu.prof \
//	    -memprofile heap.prof [-workers N] [-level L] [-predictor P] \
//	    [-propagate] IN1.tif IN2.tif ...
//	go tool pprof -top cpu.prof
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"syscall"
	"time"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
)

func main() {
	out := flag.String("o", "", "output GeoTIFF (required; overwritten)")
	workers := flag.Int("workers", 0, "compute.Config.Workers (0: GOMAXPROCS)")
	level := flag.Int("level", 0, "DEFLATE level (0: the writer's default)")
	pred := flag.Int("predictor", 0, "predictor 1, 2 or 3 (0: the writer's default)")
	propagate := flag.Bool("propagate", false, "propagate nodata (the peers' semantics)")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile to this file")
	memprof := flag.String("memprofile", "", "write a heap profile, taken when the live heap peaks, to this file")
	tracef := flag.String("trace", "", "write an execution trace to this file")
	every := flag.Duration("heap-every", 20*time.Millisecond, "heap sampling period for -memprofile and the peak heap figure")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: profile -o OUT.tif [flags] IN.tif...")
		os.Exit(2)
	}
	cfg := compute.Config{Workers: *workers, PropagateNoData: *propagate,
		Output: geotiff.WriterOptions{Level: *level, Predictor: geotiff.Predictor(*pred), Overwrite: true}}
	if err := run(cfg, flag.Args(), *out, *cpuprof, *memprof, *tracef, *every); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		os.Exit(1)
	}
}

func run(cfg compute.Config, inputs []string, out, cpuprof, memprof, tracef string, every time.Duration) error {
	if cpuprof != "" {
		f, err := os.Create(cpuprof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if tracef != "" {
		f, err := os.Create(tracef)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
		defer trace.Stop()
	}
	hs := startHeapSampler(every, memprof != "")
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0, t0 := cpuNow(), time.Now()
	err := compute.Run(context.Background(), cfg, inputs, out)
	wall, cpu := time.Since(t0).Seconds(), cpuNow()-c0
	peak, prof := hs.stop()
	if err != nil {
		return err
	}
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("wall_s\t%.2f\ncpu_s\t%.2f\ngc_cycles\t%d\ngc_pause_total_ms\t%.1f\n", wall, cpu,
		m1.NumGC-m0.NumGC, float64(m1.PauseTotalNs-m0.PauseTotalNs)/1e6)
	fmt.Printf("total_alloc_MiB\t%.1f\npeak_heap_inuse_MiB\t%.1f\nsys_MiB\t%.1f\nmaxrss_MiB\t%.1f\n",
		float64(m1.TotalAlloc-m0.TotalAlloc)/(1<<20), float64(peak)/(1<<20), float64(m1.Sys)/(1<<20), float64(ru.Maxrss)/1024)
	if memprof != "" {
		if err := os.WriteFile(memprof, prof, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// heapSampler samples the live heap every period and keeps the heap profile
// taken at the largest sample.
type heapSampler struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	peak  uint64
	prof  []byte
}

func startHeapSampler(every time.Duration, keep bool) *heapSampler {
	h := &heapSampler{stopc: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-h.stopc:
				return
			case <-t.C:
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > h.peak {
				h.peak = m.HeapInuse
				if keep {
					var b bytesBuffer
					if pprof.Lookup("heap").WriteTo(&b, 0) == nil {
						h.prof = b
					}
				}
			}
		}
	}()
	return h
}

func (h *heapSampler) stop() (uint64, []byte) {
	close(h.stopc)
	h.wg.Wait()
	return h.peak, h.prof
}

type bytesBuffer []byte

func (b *bytesBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func cpuNow() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
