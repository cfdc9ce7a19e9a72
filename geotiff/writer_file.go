package geotiff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// createTemp creates the temporary file that Create writes to, in the
// directory of name, after checking that name may be written.
func createTemp(name string, overwrite bool) (*os.File, error) {
	if err := checkTarget(name, overwrite); err != nil {
		return nil, err
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("geotiff: create %s: %w", name, err)
	}
	return f, nil
}

// checkTarget returns an error wrapping fs.ErrExist if name exists and
// overwrite is false.
func checkTarget(name string, overwrite bool) error {
	if overwrite {
		return nil
	}
	_, err := os.Lstat(name)
	switch {
	case err == nil:
		return fmt.Errorf("geotiff: create %s: %w (set WriterOptions.Overwrite to replace it)", name, fs.ErrExist)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("geotiff: create %s: %w", name, err)
	}
	return nil
}

// commit syncs and closes the temporary file of a finished image and
// renames it to its final name. The file gets the permissions of the file
// it replaces, or 0644.
func (w *Writer) commit() error {
	if err := checkTarget(w.final, w.cfg.Overwrite); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(w.final); err == nil && st.Mode().IsRegular() {
		mode = st.Mode().Perm()
	}
	f := w.file
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("geotiff: create %s: %w", w.final, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("geotiff: create %s: sync: %w", w.final, err)
	}
	w.file = nil
	if err := f.Close(); err != nil {
		return fmt.Errorf("geotiff: create %s: %w", w.final, err)
	}
	if err := os.Rename(w.tmp, w.final); err != nil {
		return fmt.Errorf("geotiff: create %s: %w", w.final, err)
	}
	w.tmp = ""
	syncDir(filepath.Dir(w.final))
	return nil
}

// syncDir makes a rename in dir durable where the system allows it; some
// systems cannot sync a directory, which is not an error.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// discard closes and removes the temporary file of Create, if any.
func (w *Writer) discard() error {
	if w.file != nil {
		w.file.Close()
		w.file = nil
	}
	if w.tmp == "" {
		return nil
	}
	name := w.tmp
	w.tmp = ""
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("geotiff: remove temporary file: %w", err)
	}
	return nil
}
