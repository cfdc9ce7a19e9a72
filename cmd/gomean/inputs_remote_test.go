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
