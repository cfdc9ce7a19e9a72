//go:build !race

package geotiff

import (
	"bytes"
	"runtime"
	"testing"
)

// lazyReaderBytes bounds the heap that one open Reader with LazyIndex
// keeps for a one-image file of 1,100 strips (GDAL's layout for a
// 1100-row untiled raster): the IFD's fields, the Image, the Reader,
// whatever the number of strips. An eager Reader keeps about 20 KiB.
const lazyReaderBytes = 2048

// TestLazyIndexHeap opens 300 readers of a file of 1,100 strips with and
// without LazyIndex and checks the heap each keeps.
func TestLazyIndexHeap(t *testing.T) {
	b, _ := stripIndexCases[0].build(t)
	const n = 300
	perReader := func(opts ReaderOptions) float64 {
		rs := make([]*Reader, n)
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		for i := range rs {
			var err error
			if rs[i], err = NewReaderOptions(bytes.NewReader(b), int64(len(b)), opts); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(rs)
		return float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / n
	}
	eager := perReader(ReaderOptions{})
	lazy := perReader(ReaderOptions{LazyIndex: true})
	t.Logf("heap kept per open reader of 1,100 strips: %.0f bytes eagerly, %.0f with LazyIndex", eager, lazy)
	if lazy > lazyReaderBytes {
		t.Errorf("a Reader with LazyIndex keeps %.0f bytes, want at most %d", lazy, lazyReaderBytes)
	}
	if eager < 4*lazy {
		t.Errorf("an eager Reader keeps %.0f bytes, a lazy one %.0f: LazyIndex saves less than expected", eager, lazy)
	}
}
