package compute

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
)

// A countingServer serves the files of a directory by range on
// 127.0.0.1 and records every range it is asked for and the body bytes
// it sends.
type countingServer struct {
	srv      *httptest.Server
	fail     atomic.Value // string: paths with this suffix answer 503
	requests atomic.Int64
	bytes    atomic.Int64
	mu       sync.Mutex
	ranges   []string
}

func newCountingServer(t *testing.T, dir string) *countingServer {
	t.Helper()
	s := &countingServer{}
	files := http.FileServer(http.Dir(dir))
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		s.ranges = append(s.ranges, r.URL.Path+" "+r.Header.Get("Range"))
		s.mu.Unlock()
		if suf, _ := s.fail.Load().(string); suf != "" && strings.HasSuffix(r.URL.Path, suf) {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "injected", http.StatusServiceUnavailable)
			return
		}
		files.ServeHTTP(byteCounter{w, &s.bytes}, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// reset zeroes the counters.
func (s *countingServer) reset() {
	s.requests.Store(0)
	s.bytes.Store(0)
	s.fail.Store("")
	s.mu.Lock()
	s.ranges = nil
	s.mu.Unlock()
}

type byteCounter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w byteCounter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n.Add(int64(n))
	return n, err
}

// writeTestCOG writes a w×h Int16 DEFLATE COG with 256² tiles and levels
// overviews, of noisy values (tiles of some 100 KB), and returns its path.
func writeTestCOG(t testing.TB, path string, w, h, levels int, seed uint64) string {
	t.Helper()
	o := geotiff.COGOptions{WriterOptions: geotiff.WriterOptions{
		Width: w, Height: h, Bands: 1, Type: geotiff.Int16, TileWidth: 256, TileHeight: 256,
		Geo: testGeo(),
	}, Overviews: levels}
	cw, err := geotiff.CreateCOG(path, o)
	if err != nil {
		t.Fatal(err)
	}
	defer cw.Abort()
	tile := make([]byte, cw.TileBytes())
	rng := rand.New(rand.NewPCG(seed, 3))
	fill := func() {
		for i := 0; i < len(tile); i += 2 {
			binary.LittleEndian.PutUint16(tile[i:], uint16(rng.IntN(4000)))
		}
	}
	for k := 0; k <= levels; k++ {
		for i := range cw.NumTiles(k) {
			fill()
			if k == 0 {
				err = cw.WriteTile(context.Background(), i, tile)
			} else {
				err = cw.WriteOverviewTile(context.Background(), k, i, tile)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRemoteWindowFetchesItsTiles reduces a --te window of a large remote
// COG and wants the bytes fetched to be about those of the tiles under the
// window (plus the header read), and the output to be the local one.
func TestRemoteWindowFetchesItsTiles(t *testing.T) {
	if testing.Short() {
		t.Skip("writes an 8 MB COG")
	}
	dir := t.TempDir()
	const size = 2048
	local := writeTestCOG(t, filepath.Join(dir, "big.tif"), size, size, 3, 1)
	srv := newCountingServer(t, dir)
	url := srv.srv.URL + "/big.tif"

	r, err := geotiff.Open(local)
	if err != nil {
		t.Fatal(err)
	}
	im := r.Image()
	counts := im.Fields.Get(geotiff.TagTileByteCounts).Uints()
	gt := im.Geo.Transform
	g := im.Grid()
	r.Close()
	fi, _ := os.Stat(local)

	tests := []struct {
		name          string
		win           image.Rectangle // pixels of the input (--te)
		op            Op
		shard, shards int
	}{
		{"3x3 tiles, mean", image.Rect(600, 700, 1100, 1250), Mean, 0, 0},
		{"3x3 tiles, median", image.Rect(600, 700, 1100, 1250), Median, 0, 0},
		{"one tile", image.Rect(1030, 1030, 1270, 1270), Mean, 0, 0},
		{"one tile row", image.Rect(0, 520, size, 760), Mean, 0, 0},
		{"right edge", image.Rect(1900, 10, size, 1500), Mean, 0, 0},
		{"shard 2 of 4, whole raster", image.Rect(0, 0, size, size), Mean, 2, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Op: tt.op, Shard: tt.shard, Shards: tt.shards,
				Output: geotiff.WriterOptions{Overwrite: true, TileWidth: 256, TileHeight: 256}}
			read := tt.win // what the run reads
			if tt.win != image.Rect(0, 0, size, size) {
				cfg.Grid = grid.Target{HasTE: true, TE: [4]float64{gt[0] + float64(tt.win.Min.X)*gt[1], gt[3] + float64(tt.win.Max.Y)*gt[5],
					gt[0] + float64(tt.win.Max.X)*gt[1], gt[3] + float64(tt.win.Min.Y)*gt[5]}}
			}
			if tt.shards > 0 {
				first, end, err := ShardRows(size/256, tt.shard, tt.shards)
				if err != nil {
					t.Fatal(err)
				}
				read = image.Rect(0, first*256, size, end*256)
			}
			out := t.TempDir()
			a, b := filepath.Join(out, "local.tif"), filepath.Join(out, "remote.tif")
			if err := Run(context.Background(), cfg, []string{local}, a); err != nil {
				t.Fatalf("local: %v", err)
			}
			srv.reset()
			start := time.Now()
			if err := Run(context.Background(), cfg, []string{url}, b); err != nil {
				t.Fatalf("remote: %v", err)
			}
			wall := time.Since(start)
			wa, _ := os.ReadFile(a)
			wb, _ := os.ReadFile(b)
			if tt.shards > 0 {
				// A part file names its inputs: compare the pixels.
				_, ra := readRaster(t, a)
				_, rb := readRaster(t, b)
				if len(ra.vals) == 0 || !slices.EqualFunc(ra.vals, rb.vals, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }) {
					t.Fatal("the remote part's pixels differ from the local part's")
				}
			} else if len(wa) == 0 || !bytes.Equal(wa, wb) {
				t.Fatalf("remote output (%d bytes) differs from the local output (%d bytes)", len(wb), len(wa))
			}
			var need int64
			var tiles int
			for i := range g.Len() {
				if g.Rect(i).Overlaps(read) {
					need += int64(counts[i])
					tiles++
				}
			}
			header := int64(64 << 10)
			got := srv.bytes.Load()
			t.Logf("%d of %d tiles, %d bytes; fetched %d bytes in %d requests (file %d bytes) in %v", tiles, g.Len(), need, got, srv.requests.Load(), fi.Size(), wall)
			if limit := header + need*5/4; got > limit {
				srv.mu.Lock()
				t.Errorf("fetched %d bytes, want at most %d (header %d + 1.25 × %d bytes of %d tiles); requests:\n%s",
					got, limit, header, need, tiles, strings.Join(srv.ranges, "\n"))
				srv.mu.Unlock()
			}
		})
	}
}

// TestRemoteInputChangedMidRun replaces a remote input after it was
// opened: the run must fail with an error naming the URL, leaving no
// output, rather than mix the tiles of two versions.
func TestRemoteInputChangedMidRun(t *testing.T) {
	dir := t.TempDir()
	v1, err := os.ReadFile(writeTestCOG(t, filepath.Join(dir, "v1.tif"), 1024, 1024, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	v2, err := os.ReadFile(writeTestCOG(t, filepath.Join(dir, "v2.tif"), 1024, 1024, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/dem.tif" {
			http.NotFound(w, r) // sidecars
			return
		}
		data, etag := v1, `"one"`
		if n.Add(1) > 1 { // the open reads version one, the tiles version two
			data, etag = v2, `"two"`
		}
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}))
	defer srv.Close()
	url := srv.URL + "/dem.tif"
	out := filepath.Join(t.TempDir(), "o.tif")
	err = Run(context.Background(), Config{Op: Mean}, []string{url}, out)
	if err == nil || !strings.Contains(err.Error(), "changed while being read") || !strings.Contains(err.Error(), url) {
		t.Fatalf("run: %v, want an error naming %s that says it changed", err, url)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an output file was left behind")
	}
}
