package compute

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestFilePool reads 20 files concurrently through a pool of 3
// descriptors: every read returns the right bytes and the pool never holds
// more descriptors than its limit plus the files in use.
func TestFilePool(t *testing.T) {
	dir := t.TempDir()
	pool := newFilePool(3)
	var files []*pooledFile
	for i := range 20 {
		name := filepath.Join(dir, fmt.Sprintf("f%d", i))
		if err := os.WriteFile(name, bytes.Repeat([]byte{byte(i)}, 100), 0o644); err != nil {
			t.Fatal(err)
		}
		pf, size, err := pool.openPooled(name)
		if err != nil {
			t.Fatal(err)
		}
		if size != 100 {
			t.Fatalf("size %d, want 100", size)
		}
		files = append(files, pf)
	}
	if pool.open > 3 {
		t.Fatalf("%d descriptors open after opening, want at most 3", pool.open)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := make([]byte, 10)
			for round := range 50 {
				i := (g*7 + round*3) % len(files)
				if _, err := files[i].ReadAt(b, int64(round%90)); err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(b, bytes.Repeat([]byte{byte(i)}, 10)) {
					t.Errorf("file %d: read %v", i, b)
					return
				}
				pool.mu.Lock()
				open := pool.open
				pool.mu.Unlock()
				if open > 3+4 {
					t.Errorf("%d descriptors open, want at most 3 + 4 in use", open)
				}
			}
		}()
	}
	wg.Wait()
	pool.closeAll()
	if pool.open != 0 {
		t.Errorf("%d descriptors open after closeAll", pool.open)
	}
	if _, _, err := pool.openPooled(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: got %v, want a not-exist error", err)
	}
}
