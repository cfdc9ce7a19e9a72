package deflate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zlib"
)

// referenceInflate is the klauspost/compress zlib reader path, kept as the
// reference for tests, benchmarks and the differential fuzzer.
func referenceInflate(dst, src []byte) (int, error) { return inflateStream(dst, src, true) }

// referenceInflateRaw is referenceInflate for raw DEFLATE.
func referenceInflateRaw(dst, src []byte) (int, error) { return inflateStream(dst, src, false) }

// streamReader is a pooled, resettable zlib or flate reader over src.
type streamReader struct {
	src bytes.Reader
	rc  io.ReadCloser
}

var zlibReaders, flateReaders sync.Pool // of *streamReader

// inflateStream decodes through klauspost/compress readers taken from a
// pool and reset onto src.
func inflateStream(dst, src []byte, isZlib bool) (int, error) {
	pool := &flateReaders
	if isZlib {
		pool = &zlibReaders
	}
	r, _ := pool.Get().(*streamReader)
	if r == nil {
		r = new(streamReader)
	}
	r.src.Reset(src)
	var err error
	switch {
	case !isZlib && r.rc == nil:
		r.rc = flate.NewReader(&r.src)
	case !isZlib:
		err = r.rc.(flate.Resetter).Reset(&r.src, nil)
	case r.rc == nil:
		r.rc, err = zlib.NewReader(&r.src)
	default:
		err = r.rc.(zlib.Resetter).Reset(&r.src, nil)
	}
	if err != nil {
		if r.rc != nil {
			pool.Put(r)
		}
		return 0, fmt.Errorf("deflate: %w", noEOF(err))
	}
	n, err := readAll(r.rc, dst)
	r.src.Reset(nil)
	pool.Put(r)
	return n, err
}

// readAll reads r into dst until r ends, then checks that r holds no more
// data: reaching io.EOF is what verifies a zlib checksum.
func readAll(r io.Reader, dst []byte) (int, error) {
	n, idle := 0, 0
	for n < len(dst) {
		m, err := r.Read(dst[n:])
		n += m
		if idle = idle + 1; m > 0 {
			idle = 0
		} else if idle > 100 {
			return n, fmt.Errorf("deflate: %w", io.ErrNoProgress)
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("deflate: %w", err)
		}
	}
	var one [1]byte
	for range 100 {
		m, err := r.Read(one[:])
		if m > 0 {
			return n, fmt.Errorf("%w: more than %d bytes", ErrOutputTooLarge, len(dst))
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("deflate: %w", err)
		}
	}
	return n, fmt.Errorf("deflate: %w", io.ErrNoProgress)
}

// noEOF turns io.EOF (an empty or short header) into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
