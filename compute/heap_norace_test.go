//go:build !race

package compute

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// syntheticTIFF returns a w×h float32 tiled TIFF (DEFLATE, 256×256 tiles)
// in memory whose tiles all point at one compressed tile holding a ramp
// plus base, so a raster of any size costs a few kilobytes.
func syntheticTIFF(t testing.TB, w, h int, base float32) []byte {
	t.Helper()
	const ts = 256
	tile := make([]byte, ts*ts*4)
	for i := 0; i < ts*ts; i++ {
		binary.LittleEndian.PutUint32(tile[4*i:], math.Float32bits(base+float32(i%ts)))
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(tile)
	zw.Close()
	n := ((w + ts - 1) / ts) * ((h + ts - 1) / ts)
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II")
	binary.Write(&b, le, uint16(42))
	binary.Write(&b, le, uint32(8))
	type entry struct {
		tag, typ uint16
		vals     []uint32
	}
	entries := []entry{
		{256, 4, []uint32{uint32(w)}}, {257, 4, []uint32{uint32(h)}}, {258, 3, []uint32{32}},
		{259, 3, []uint32{8}}, {262, 3, []uint32{1}}, {277, 3, []uint32{1}}, {284, 3, []uint32{1}},
		{322, 3, []uint32{ts}}, {323, 3, []uint32{ts}}, {324, 4, nil}, {325, 4, nil}, {339, 3, []uint32{3}},
	}
	ifdSize := 2 + 12*len(entries) + 4
	offArr := 8 + ifdSize
	cntArr := offArr + 4*n
	data := cntArr + 4*n
	offs, cnts := make([]uint32, n), make([]uint32, n)
	for i := range offs {
		offs[i], cnts[i] = uint32(data), uint32(z.Len())
	}
	entries[9].vals, entries[10].vals = offs, cnts
	binary.Write(&b, le, uint16(len(entries)))
	for i, e := range entries {
		binary.Write(&b, le, e.tag)
		binary.Write(&b, le, e.typ)
		binary.Write(&b, le, uint32(len(e.vals)))
		switch {
		case i == 9:
			binary.Write(&b, le, uint32(offArr))
		case i == 10:
			binary.Write(&b, le, uint32(cntArr))
		case e.typ == 3:
			binary.Write(&b, le, uint16(e.vals[0]))
			binary.Write(&b, le, uint16(0))
		default:
			binary.Write(&b, le, e.vals[0])
		}
	}
	binary.Write(&b, le, uint32(0))
	binary.Write(&b, le, offs)
	binary.Write(&b, le, cnts)
	b.Write(z.Bytes())
	return b.Bytes()
}

// peakHeap runs f and returns the largest HeapAlloc seen while it ran,
// sampled every 5 ms.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

// heapBound is the stated bound on the peak heap of a 3-input float32 run
// with 256×256 tiles and 4 workers, whatever the raster size.
const heapBound = 32 << 20

// TestHeapBounded reduces three 20000×20000 float32 rasters and checks
// that the peak heap stays under heapBound, and that it does not grow
// with the raster size (compared with a 2000×2000 run).
func TestHeapBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("3 × 20000×20000 job skipped in -short mode")
	}
	dir := t.TempDir()
	run := func(n, size int) (uint64, time.Duration) {
		var readers []*geotiff.Reader
		var names []string
		for k := 0; k < n; k++ {
			b := syntheticTIFF(t, size, size, float32(k*100))
			r, err := geotiff.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			readers = append(readers, r)
			names = append(names, fmt.Sprintf("synthetic%d", k))
		}
		out := filepath.Join(dir, fmt.Sprintf("out%d_%d.tif", n, size))
		start := time.Now()
		var err error
		peak := peakHeap(func() {
			err = RunReaders(context.Background(), Config{Workers: 4}, names, readers, out)
		})
		if err != nil {
			t.Fatal(err)
		}
		return peak, time.Since(start)
	}
	small, _ := run(3, 2000)
	big, tb := run(3, 20000)
	t.Logf("peak heap: %.1f MiB for 3×2000², %.1f MiB for 3×20000² (%v, %.0f Mpixel/s); bound %d MiB",
		float64(small)/(1<<20), float64(big)/(1<<20), tb.Round(time.Millisecond), 4e8/tb.Seconds()/1e6, heapBound>>20)
	if big > heapBound {
		t.Errorf("peak heap %d bytes for 3×20000², exceeds bound %d", big, heapBound)
	}
	if big > small+16<<20 {
		t.Errorf("peak heap grows with raster size: %d bytes for 2000², %d for 20000²", small, big)
	}

	// 100 inputs: the windows are 4 workers × 100 inputs × 256 KiB.
	small, _ = run(100, 512)
	big, tb = run(100, 2048)
	const bound100 = 4*100*256<<10 + 32<<20
	t.Logf("peak heap: %.1f MiB for 100×512², %.1f MiB for 100×2048² (%v); bound %d MiB",
		float64(small)/(1<<20), float64(big)/(1<<20), tb.Round(time.Millisecond), bound100>>20)
	if big > bound100 {
		t.Errorf("peak heap %d bytes for 100×2048², exceeds bound %d", big, bound100)
	}
	if big > small+32<<20 {
		t.Errorf("peak heap grows with raster size: %d bytes for 100×512², %d for 100×2048²", small, big)
	}
}

// perInputBytes bounds the heap a run keeps for each input of a mean of
// stripped rasters while it streams: the parsed IFD (fields, image,
// reader), the input and source records, the pooled file; not the
// inputs' strip offsets and byte counts (geotiff.ReaderOptions.LazyIndex).
// With the index in memory an input of 768 strips kept about 20 KiB.
const perInputBytes = 3 << 10

// TestHeapPerInput runs the mean of 100 and of 400 inputs of 768 one-row
// strips each, on one worker into 16×16 output tiles, and checks that the
// live heap while the run streams (the least seen at an output tile)
// grows by at most perInputBytes per input; it reports the peak heap of
// both runs.
func TestHeapPerInput(t *testing.T) {
	if testing.Short() {
		t.Skip("400-input job skipped in -short mode")
	}
	dir := t.TempDir()
	const w, h = 16, 768
	var names []string
	for k := range 400 {
		name := filepath.Join(dir, fmt.Sprintf("in%03d.tif", k))
		if err := os.WriteFile(name, stripTIFF(t, w, h, float32(k)), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	// live is the least live heap seen at an output tile, after two
	// collections (the second frees what sync.Pools kept through the
	// first): at some of the 48 tiles no tile is being compressed, so
	// the writer's buffers do not count.
	run := func(n int) (live, peak uint64) {
		live = math.MaxUint64
		cfg := Config{Op: Mean, Workers: 1, Output: geotiff.WriterOptions{Overwrite: true, Workers: 1, TileWidth: 16, TileHeight: 16}, Progress: func(done, total int) {
			var ms runtime.MemStats
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&ms)
			live = min(live, ms.HeapAlloc)
		}}
		var err error
		peak = peakHeap(func() {
			err = Run(context.Background(), cfg, names[:n], filepath.Join(dir, fmt.Sprintf("out%d.tif", n)))
		})
		if err != nil {
			t.Fatal(err)
		}
		if live == math.MaxUint64 {
			t.Fatal("no output tile reported")
		}
		return live, peak
	}
	live100, peak100 := run(100)
	live400, peak400 := run(400)
	per := (float64(live400) - float64(live100)) / 300
	t.Logf("live heap while streaming: %.2f MiB with 100 inputs, %.2f MiB with 400: %.0f bytes per input (bound %d); peak heap %.2f and %.2f MiB",
		float64(live100)/(1<<20), float64(live400)/(1<<20), per, perInputBytes, float64(peak100)/(1<<20), float64(peak400)/(1<<20))
	if per > perInputBytes {
		t.Errorf("the run keeps %.0f bytes per input, want at most %d", per, perInputBytes)
	}
}
