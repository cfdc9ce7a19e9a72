package geotiff

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// A lazyIndex is the block index of an image that a Reader opened with
// [ReaderOptions].LazyIndex left in the file: where its offsets and byte
// counts lie, and the last few entries read (memo) for readers of one
// block at a time. It is safe for concurrent use.
type lazyIndex struct {
	ra           io.ReaderAt
	order        binary.ByteOrder
	n            int   // entries of each array used (the image's blocks)
	offAt, cntAt int64 // file offsets of the arrays, checked at open
	offType      DataType
	cntType      DataType
	memo         atomic.Pointer[indexChunk]
}

// memoBlocks is the number of entries a lazy index keeps between reads.
const memoBlocks = 32

// An indexChunk holds the entries of blocks first to first+n-1.
type indexChunk struct {
	first, n int
	off, cnt [memoBlocks]uint64
}

// blockAt returns the offset and byte count of block i of im, which the
// caller has checked is in [0, im.nblocks).
func (im *Image) blockAt(i int) (off, cnt uint64, err error) {
	x := im.lazy
	if x == nil {
		return im.offsets[i], im.counts[i], nil
	}
	if c := x.memo.Load(); c != nil && i >= c.first && i < c.first+c.n {
		return c.off[i-c.first], c.cnt[i-c.first], nil
	}
	first := i / memoBlocks * memoBlocks
	c := &indexChunk{first: first, n: min(memoBlocks, x.n-first)}
	if err := x.load(first, c.off[:c.n], c.cnt[:c.n]); err != nil {
		return 0, 0, err
	}
	x.memo.Store(c)
	return c.off[i-first], c.cnt[i-first], nil
}

// blockIndex returns the offsets and byte counts of blocks first to
// first+n-1 of im (in range): slices of the index in memory, or read
// from the file into scratch, grown as needed and returned for reuse.
func (im *Image) blockIndex(first, n int, scratch []uint64) (off, cnt, grown []uint64, err error) {
	x := im.lazy
	if x == nil {
		return im.offsets[first : first+n], im.counts[first : first+n], scratch, nil
	}
	if cap(scratch) < 2*n {
		scratch = make([]uint64, 2*n)
	}
	off, cnt = scratch[:n], scratch[n:2*n]
	return off, cnt, scratch, x.load(first, off, cnt)
}

// load reads the entries of blocks first to first+len(off)-1.
func (x *lazyIndex) load(first int, off, cnt []uint64) error {
	if err := x.read(x.offAt, x.offType, first, off); err != nil {
		return fmt.Errorf("reading the block offsets: %w", err)
	}
	if err := x.read(x.cntAt, x.cntType, first, cnt); err != nil {
		return fmt.Errorf("reading the block byte counts: %w", err)
	}
	return nil
}

// indexBufs recycles the byte buffers of lazyIndex.read.
var indexBufs = sync.Pool{New: func() any { return new([]byte) }}

// read decodes len(dst) values of type t from the array at file offset
// at, from value first.
func (x *lazyIndex) read(at int64, t DataType, first int, dst []uint64) error {
	size := t.Size()
	p := indexBufs.Get().(*[]byte)
	defer indexBufs.Put(p)
	if cap(*p) < len(dst)*size {
		*p = make([]byte, len(dst)*size)
	}
	b := (*p)[:len(dst)*size]
	if err := readFull(x.ra, b, at+int64(first)*int64(size)); err != nil {
		return err
	}
	toLittleEndian(x.order, b, t.elemSize())
	f := Field{Type: t, Count: uint64(len(dst)), Data: b}
	for i := range dst {
		dst[i], _ = f.Uint(i)
	}
	return nil
}
