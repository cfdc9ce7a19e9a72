package compute

import (
	"container/list"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
)

// maxPooledFiles caps the descriptors a run keeps open whatever the limit.
const maxPooledFiles = 256

// ErrTooManyOpenFiles is wrapped by errors that come from the system's
// limit on open files (EMFILE, ENFILE).
var ErrTooManyOpenFiles = errors.New("too many open files")

// A filePool keeps at most max input files open at once. Inputs are read
// through [pooledFile] values, which open their file on demand and give
// the descriptor back when the pool needs it for another file, so a run
// over 10,000 inputs works under a limit of a few dozen descriptors.
// Files in use are never closed; the least recently used idle file is.
type filePool struct {
	mu   sync.Mutex
	max  int
	open int
	idle list.List // *pooledFile with an open idle descriptor, most recent first
}

// newFilePool returns a pool holding at most n descriptors (at least 1).
func newFilePool(n int) *filePool {
	return &filePool{max: max(1, n)}
}

// defaultPoolSize returns a quarter of the soft limit on open files, at
// most maxPooledFiles and at least 4.
func defaultPoolSize() int {
	n := openFileLimit() / 4
	return min(maxPooledFiles, max(4, n))
}

// A pooledFile is an input file read through a [filePool]: an
// io.ReaderAt that is safe for concurrent use.
type pooledFile struct {
	pool  *filePool
	name  string
	f     *os.File
	users int
	elem  *list.Element
}

// openPooled checks that name can be opened and returns it as a pooled
// file with its size. The descriptor is closed at once if the pool is full.
func (p *filePool) openPooled(name string) (*pooledFile, int64, error) {
	pf := &pooledFile{pool: p, name: name}
	f, err := pf.acquire()
	if err != nil {
		return nil, 0, err
	}
	defer pf.release()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if st.IsDir() {
		return nil, 0, fmt.Errorf("%s is a directory, not a raster", name)
	}
	return pf, st.Size(), nil
}

// acquire returns the open file, opening it (and closing idle files to
// stay within the pool's limit) when needed.
func (pf *pooledFile) acquire() (*os.File, error) {
	p := pf.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	if pf.f != nil {
		if pf.elem != nil {
			p.idle.Remove(pf.elem)
			pf.elem = nil
		}
		pf.users++
		return pf.f, nil
	}
	for p.open >= p.max && p.idle.Len() > 0 {
		old := p.idle.Remove(p.idle.Back()).(*pooledFile)
		old.elem = nil
		old.f.Close()
		old.f = nil
		p.open--
	}
	f, err := os.Open(pf.name)
	if err != nil {
		if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
			return nil, fmt.Errorf("%w (%d inputs open in this run): %w", ErrTooManyOpenFiles, p.open, err)
		}
		return nil, err
	}
	pf.f = f
	pf.users = 1
	p.open++
	return f, nil
}

// release ends one use of the descriptor.
func (pf *pooledFile) release() {
	p := pf.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	pf.users--
	if pf.users == 0 && pf.f != nil {
		if p.open > p.max {
			pf.f.Close()
			pf.f = nil
			p.open--
			return
		}
		pf.elem = p.idle.PushFront(pf)
	}
}

// ReadAt reads from the file, opening it if the pool closed it.
func (pf *pooledFile) ReadAt(b []byte, off int64) (int, error) {
	f, err := pf.acquire()
	if err != nil {
		return 0, err
	}
	defer pf.release()
	return f.ReadAt(b, off)
}

// closeAll closes every idle descriptor; files still in use are closed
// when released.
func (p *filePool) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for e := p.idle.Front(); e != nil; e = e.Next() {
		pf := e.Value.(*pooledFile)
		pf.f.Close()
		pf.f = nil
		pf.elem = nil
		p.open--
	}
	p.idle.Init()
	p.max = 0
}
