package geotiff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// tempInfix separates the output's name from the process id and the
// random part in the name of a temporary file of Create.
const tempInfix = ".gomean-tmp-"

// TempPattern returns the pattern, in [filepath.Match] syntax, of the
// names of the temporary files that [Create] writes for the output name:
// ".<base>.gomean-tmp-<pid>-<random>" in the directory of name, where
// <pid> is the id of the writing process. Create removes those of
// processes that no longer run (on systems without process ids to test,
// those untouched for a day) before it writes its own. Meta characters of
// name are escaped, except on Windows, where the pattern syntax cannot.
func TempPattern(name string) string {
	dir, base := filepath.Split(name)
	if runtime.GOOS != "windows" {
		base = escapeMatch(base)
		dir = escapeMatch(dir)
	}
	return dir + "." + base + tempInfix + "*"
}

// escapeMatch escapes the meta characters of filepath.Match in s.
func escapeMatch(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// errFileExists is the error of Create for an existing output; it wraps
// fs.ErrExist.
var errFileExists = existsError{}

type existsError struct{}

func (existsError) Error() string        { return "file exists" }
func (existsError) Is(target error) bool { return target == fs.ErrExist }

// createTemp creates the temporary file that Create writes to, in the
// directory of name, after checking that name may be written and removing
// temporary files of name left by dead processes.
func createTemp(name string, overwrite bool) (*os.File, error) {
	if err := checkTarget(name, overwrite); err != nil {
		return nil, err
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	removeStaleTemps(dir, base)
	prefix := "." + base + tempInfix + strconv.Itoa(os.Getpid()) + "-"
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return nil, fmt.Errorf("geotiff: create %s: %w", name, pathErrCause(err))
	}
	return f, nil
}

// removeStaleTemps removes the temporary files of output base in dir
// whose writer is gone. Errors are ignored: a file that cannot be removed
// stays, and the new one gets another name.
func removeStaleTemps(dir, base string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + tempInfix
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pid, _, ok := strings.Cut(rest, "-")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil || n <= 0 || strconv.Itoa(n) != pid {
			continue
		}
		if info, err := e.Info(); err == nil && tempIsStale(n, info) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// pathErrCause returns the cause of a *fs.PathError, err otherwise: the
// path in it is that of the temporary file, not the one the user named.
func pathErrCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
		return fmt.Errorf("geotiff: create %s: %w", name, errFileExists)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("geotiff: create %s: %w", name, pathErrCause(err))
	}
	return nil
}

// ioError returns err of writing the file, for operation what ("write
// tile 5", "close: write IFD"). For Create it names the output file, not
// the temporary one: "geotiff: write out.tif: no space left on device".
func (w *Writer) ioError(what string, err error) error {
	if w.final == "" {
		return fmt.Errorf("geotiff: %s: %w", what, err)
	}
	op := "write"
	var pe *fs.PathError
	if errors.As(err, &pe) {
		op, err = pe.Op, pe.Err
	}
	return fmt.Errorf("geotiff: %w", &fs.PathError{Op: op, Path: w.final, Err: err})
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
		return w.ioError("", err)
	}
	if err := f.Sync(); err != nil {
		return w.ioError("", err)
	}
	w.file = nil
	if err := f.Close(); err != nil {
		return w.ioError("", err)
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
func (w *Writer) discard() error { return discardTemp(&w.file, &w.tmp) }

// discardTemp closes *file and removes the temporary file *tmp, if any,
// clearing both.
func discardTemp(file **os.File, tmp *string) error {
	if *file != nil {
		(*file).Close()
		*file = nil
	}
	if *tmp == "" {
		return nil
	}
	name := *tmp
	*tmp = ""
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("geotiff: remove temporary file: %w", err)
	}
	return nil
}
