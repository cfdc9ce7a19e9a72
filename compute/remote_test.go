package compute

import (
	"bytes"
	"context"
	"image"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/remote"
	"github.com/gomean/gomean/remote/remotetest"
)

// TestRemoteInputsMatchLocal reduces testdata/dem over a local HTTP server
// that fails one request in four with a 503, in every URL spelling, and
// wants the output byte for byte the same as from the local files.
func TestRemoteInputsMatchLocal(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dem")
	names := []string{"dem_a.tif", "dem_b.tif", "dem_c.tif"}
	var local []string
	for _, n := range names {
		local = append(local, filepath.Join(dir, n))
	}
	var reqs, fails atomic.Int64
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reqs.Add(1)%4 == 2 {
			fails.Add(1)
			w.Header().Set("Retry-After", "0")
			http.Error(w, "injected", http.StatusServiceUnavailable)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	remote := []string{srv.URL + "/" + names[0], "/vsicurl/" + srv.URL + "/" + names[1], srv.URL + "/" + names[2]}

	out := t.TempDir()
	for _, op := range []Op{Mean, Median} {
		cfg := Config{Op: op, Output: geotiff.WriterOptions{Overwrite: true}}
		a, b := filepath.Join(out, "local.tif"), filepath.Join(out, "remote.tif")
		if err := Run(context.Background(), cfg, local, a); err != nil {
			t.Fatalf("%v local: %v", op, err)
		}
		if err := Run(context.Background(), cfg, remote, b); err != nil {
			t.Fatalf("%v remote: %v", op, err)
		}
		wa, _ := os.ReadFile(a)
		wb, _ := os.ReadFile(b)
		if len(wa) == 0 || !bytes.Equal(wa, wb) {
			t.Fatalf("%v: remote output (%d bytes) differs from local output (%d bytes)", op, len(wb), len(wa))
		}
	}
	if fails.Load() == 0 {
		t.Fatal("no fault was injected")
	}
}

func TestRemoteInputErrors(t *testing.T) {
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join("..", "testdata", "dem"))))
	defer srv.Close()
	tests := []struct {
		name, input, inMsg string
	}{
		{"404", srv.URL + "/missing.tif", "404 Not Found"},
		{"not a TIFF", srv.URL + "/", "geotiff"},
		{"unsupported scheme", "/vsigs/bucket/a.tif", "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), Config{Op: Mean}, []string{tt.input, tt.input}, filepath.Join(t.TempDir(), "o.tif"))
			if err == nil || !strings.Contains(err.Error(), tt.inMsg) {
				t.Fatalf("error %v: want %q", err, tt.inMsg)
			}
		})
	}
}

// TestRemoteS3MatchesLocal reduces testdata/dem read from an S3 server
// (versitygw) and wants the output of the local files.
func TestRemoteS3MatchesLocal(t *testing.T) {
	s3 := remotetest.StartS3(t)
	for k, v := range s3.Env() {
		t.Setenv(k, v)
	}
	dir := filepath.Join("..", "testdata", "dem")
	var local, urls []string
	for i, n := range []string{"dem_a.tif", "dem_b.tif", "dem_c.tif"} {
		p := filepath.Join(dir, n)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s3.Put(t, "compute-test", "dem/"+n, data)
		local = append(local, p)
		if i == 1 {
			urls = append(urls, "/vsis3/compute-test/dem/"+n)
		} else {
			urls = append(urls, "s3://compute-test/dem/"+n)
		}
	}
	out := t.TempDir()
	a, b := filepath.Join(out, "local.tif"), filepath.Join(out, "s3.tif")
	cfg := Config{Op: Mean}
	if err := Run(context.Background(), cfg, local, a); err != nil {
		t.Fatalf("local: %v", err)
	}
	if err := Run(context.Background(), cfg, urls, b); err != nil {
		t.Fatalf("s3: %v", err)
	}
	wa, _ := os.ReadFile(a)
	wb, _ := os.ReadFile(b)
	if len(wa) == 0 || !bytes.Equal(wa, wb) {
		t.Fatalf("output over S3 (%d bytes) differs from the local output (%d bytes)", len(wb), len(wa))
	}
}

func TestBlockSpans(t *testing.T) {
	r, err := geotiff.Open(filepath.Join("..", "testdata", "dem", "dem_a.tif"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	im := r.Image() // 600×500 px in 256² tiles: 3×2
	offs, counts := im.Fields.Get(geotiff.TagTileOffsets).Uints(), im.Fields.Get(geotiff.TagTileByteCounts).Uints()
	span := func(i int) remote.Span { return remote.Span{Off: int64(offs[i]), Len: int64(counts[i])} }
	tests := []struct {
		name      string
		win       image.Rectangle
		all, head []int
	}{
		{"empty", image.Rectangle{}, nil, nil},
		{"one tile", image.Rect(10, 10, 20, 20), []int{0}, []int{0}},
		{"tile edges", image.Rect(255, 255, 257, 257), []int{0, 1, 3, 4}, []int{0, 1}},
		{"right column", image.Rect(590, 0, 600, 500), []int{2, 5}, []int{2}},
		{"everything", image.Rect(0, 0, im.Width, im.Height), []int{0, 1, 2, 3, 4, 5}, []int{0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, head := blockSpans(im, tt.win, []int{0})
			var wantAll, wantHead []remote.Span
			for _, i := range tt.all {
				wantAll = append(wantAll, span(i))
			}
			for _, i := range tt.head {
				wantHead = append(wantHead, span(i))
			}
			if !slices.Equal(all, wantAll) || !slices.Equal(head, wantHead) {
				t.Errorf("blockSpans(%v) = %v, %v; want %v, %v", tt.win, all, head, wantAll, wantHead)
			}
		})
	}
}

func TestPrefetchSpan(t *testing.T) {
	tests := []struct {
		name   string
		spans  []remote.Span
		off, n int64
	}{
		{"none", nil, 0, 0},
		{"one", []remote.Span{{Off: 100, Len: 50}}, 100, 50},
		{"out of order", []remote.Span{{Off: 300, Len: 10}, {Off: 100, Len: 50}}, 100, 210},
		{"capped", []remote.Span{{Off: 0, Len: prefetchBytes - 10}, {Off: prefetchBytes, Len: 20}}, 0, prefetchBytes - 10},
		{"one too big", []remote.Span{{Off: 5, Len: prefetchBytes + 1}, {Off: prefetchBytes + 10, Len: 1}}, 5, prefetchBytes + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if off, n := prefetchSpan(tt.spans); off != tt.off || n != tt.n {
				t.Errorf("prefetchSpan = %d, %d; want %d, %d", off, n, tt.off, tt.n)
			}
		})
	}
}
