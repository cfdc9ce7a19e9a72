package main

import (
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestExpandInputsRemote: URLs pass through as given, glob characters and
// all, as arguments and in @lists.
func TestExpandInputsRemote(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "inputs.txt")
	urls := []string{"https://h.example/a.tif?X-Amz-Signature=ab*", "s3://bucket/b[1].tif", "/vsis3/bucket/c?.tif", "/vsicurl/http://h/d.tif"}
	if err := os.WriteFile(list, []byte("# remote\n"+urls[0]+"\n"+urls[1]+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := expandInputs([]string{"@" + list, urls[2], urls[3]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, urls) {
		t.Fatalf("expandInputs = %q, want %q", got, urls)
	}
}

// TestInfoRemote: info over HTTP says what it says of the local file.
func TestInfoRemote(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "dem")
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	local, err := describe(filepath.Join(dir, "dem_a.tif"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := describe(srv.URL + "/dem_a.tif")
	if err != nil {
		t.Fatal(err)
	}
	got.Description, got.Files = local.Description, local.Files
	if !reflect.DeepEqual(got, local) {
		t.Errorf("info over HTTP differs from local:\n%+v\n%+v", got, local)
	}
	if _, err := describe(srv.URL + "/missing.tif"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing URL: error %v, want fs.ErrNotExist", err)
	}
}

// TestInfoRemoteSidecars: info over HTTP reads the PAM file and the world
// file next to the URL, as it reads them next to a local file, and none
// with GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR.
func TestInfoRemoteSidecars(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "validity")
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, name := range []string{"aux_only/x0.tif", "world_file/t0.tif"} {
		local, err := describe(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		url := srv.URL + "/" + name
		got, err := describe(url)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, f := range local.Files {
			want = append(want, srv.URL+"/"+filepath.ToSlash(strings.TrimPrefix(f, dir+string(filepath.Separator))))
		}
		if len(got.Files) < 2 || !slices.Equal(got.Files, want) {
			t.Errorf("%s: files %q, want %q", name, got.Files, want)
		}
		got.Description, got.Files = local.Description, local.Files
		if !reflect.DeepEqual(got, local) {
			t.Errorf("%s: info over HTTP differs from local:\n%+v\n%+v", name, got, local)
		}
		t.Setenv("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")
		off, err := describe(url)
		if err != nil {
			t.Fatal(err)
		}
		if len(off.Files) != 1 {
			t.Errorf("%s with EMPTY_DIR: files %q, want the TIFF alone", name, off.Files)
		}
		t.Setenv("GDAL_DISABLE_READDIR_ON_OPEN", "")
	}
}
