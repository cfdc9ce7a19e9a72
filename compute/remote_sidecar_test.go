package compute

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// TestRemoteSidecars reduces the validity fixtures whose validity or
// georeferencing lies in sidecars (.aux.xml, .msk, .tfw) over HTTP and
// wants the output of the local files, with one request per sidecar
// looked for; GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR turns the look-ups
// off.
func TestRemoteSidecars(t *testing.T) {
	root := filepath.Join("..", "testdata", "validity")
	srv := newCountingServer(t, root)
	tests := []struct {
		name     string
		dir      string
		files    []string
		emptyDir bool
		// asked lists the sidecar requests of the first input, by suffix,
		// each once.
		asked []string
	}{
		{"aux.xml", "aux_only", []string{"x0.tif", "x1.tif", "x2.tif"}, false, []string{".tif.aux.xml", ".tif.msk", ".tif.MSK"}},
		{"external mask", "mask_external", []string{"e0.tif", "e1.tif", "e2.tif"}, false, []string{".tif.aux.xml", ".tif.msk", ".tif.MSK"}},
		{"world file", "world_file", []string{"t0.tif", "t1.tif", "t2.tif"}, false, []string{".tif.aux.xml", ".tif.msk", ".tif.MSK", ".tfw"}},
		{"no sidecars", "no_nodata", []string{"bathy0.tif", "bathy1.tif", "bathy2.tif"}, false, []string{".tif.aux.xml", ".tif.msk", ".tif.MSK"}},
		{"EMPTY_DIR", "aux_only", []string{"x0.tif", "x1.tif", "x2.tif"}, true, nil},
		{"signed URLs", "aux_only", []string{"x0.tif?sig=1", "x1.tif?sig=2", "x2.tif?sig=3"}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed := strings.Contains(tt.files[0], "?")
			if tt.emptyDir && !signed {
				t.Setenv("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")
			}
			var local, urls []string
			for _, f := range tt.files {
				local = append(local, filepath.Join(root, tt.dir, strings.Split(f, "?")[0]))
				urls = append(urls, srv.srv.URL+"/"+tt.dir+"/"+f)
			}
			out := t.TempDir()
			if tt.emptyDir {
				// What the run sees: the TIFFs alone.
				for i, p := range local {
					data, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					local[i] = filepath.Join(out, filepath.Base(local[i]))
					if err := os.WriteFile(local[i], data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			a, b := filepath.Join(out, "local.tif"), filepath.Join(out, "remote.tif")
			cfg := Config{Op: Mean, Output: geotiff.WriterOptions{Overwrite: true}}
			if err := Run(context.Background(), cfg, local, a); err != nil {
				t.Fatalf("local: %v", err)
			}
			srv.reset()
			if err := Run(context.Background(), cfg, urls, b); err != nil {
				t.Fatalf("remote: %v", err)
			}
			wa, _ := os.ReadFile(a)
			wb, _ := os.ReadFile(b)
			if len(wa) == 0 || !bytes.Equal(wa, wb) {
				t.Errorf("remote output (%d bytes) differs from the local output (%d bytes)", len(wb), len(wa))
			}
			srv.mu.Lock()
			ranges := slices.Clone(srv.ranges)
			srv.mu.Unlock()
			first := "/" + tt.dir + "/" + strings.TrimSuffix(filepath.Base(local[0]), ".tif")
			var asked []string
			for _, r := range ranges {
				path, _, _ := strings.Cut(r, " ")
				if suf, ok := strings.CutPrefix(path, first); ok && suf != ".tif" {
					asked = append(asked, suf)
				}
			}
			slices.Sort(asked)
			want := slices.Clone(tt.asked)
			slices.Sort(want)
			if !slices.Equal(asked, want) {
				t.Errorf("sidecar requests for %s: %q, want %q", tt.files[0], asked, want)
			}
		})
	}
}

// TestRemoteSidecarFails wants a sidecar that cannot be fetched (503
// after the retries, some seconds) to fail the run, naming it, as a local
// sidecar that cannot be read does.
func TestRemoteSidecarFails(t *testing.T) {
	srv := newCountingServer(t, filepath.Join("..", "testdata", "validity"))
	srv.fail.Store("x0.tif.aux.xml")
	url := srv.srv.URL + "/aux_only/x0.tif"
	err := Run(context.Background(), Config{Op: Mean}, []string{url, srv.srv.URL + "/aux_only/x1.tif"}, filepath.Join(t.TempDir(), "o.tif"))
	if err == nil || !strings.Contains(err.Error(), url+".aux.xml") || !strings.Contains(err.Error(), "503") {
		t.Fatalf("run: %v, want an error naming %s.aux.xml", err, url)
	}
}
