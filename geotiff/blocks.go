package geotiff

import (
	"fmt"
	"sync"
)

// maxBatchBytes bounds the stored bytes ReadTiles reads in one call to
// ReadAt.
const maxBatchBytes = 1 << 20

// windowBlocks is the most index entries ReadTiles reads at a time from
// the file of a reader opened with ReaderOptions.LazyIndex.
const windowBlocks = 512

// windowBufs recycles ReadTiles' buffers of index entries.
var windowBufs = sync.Pool{New: func() any { return new([]uint64) }}

// ReadTiles decodes blocks first to first+n-1 of im in order, calling fn
// with each block's index and samples (as ReadTile returns them, in a
// buffer that fn must not keep). Blocks whose stored bytes follow each
// other in the file, as GDAL writes strips, are read together, up to
// 1 MiB at a time: a thousand one-row strips cost a few reads, not a
// thousand. It stops at the first error, which names the block.
func (r *Reader) ReadTiles(im *Image, first, n int, dst []byte, fn func(i int, data []byte) error) ([]byte, error) {
	if cap(dst) >= im.chunkSize {
		dst = dst[:im.chunkSize]
	} else {
		dst = make([]byte, im.chunkSize)
	}
	fail := func(i int, err error) ([]byte, error) {
		return dst, r.wrap(fmt.Errorf("ifd %d: %s: %w", im.Index, im.chunkName(i), err))
	}
	// The index entries of blocks wFirst to wFirst+len(wOff)-1: all of
	// the range when they are in memory, else up to windowBlocks at a
	// time read from the file.
	var wFirst int
	var wOff, wCnt []uint64
	var scratch []uint64
	if im.lazy != nil {
		sp := windowBufs.Get().(*[]uint64)
		scratch = *sp
		defer func() { *sp = scratch; windowBufs.Put(sp) }()
	}
	for i := first; i < first+n; {
		if im.unsupported != nil {
			return fail(i, im.unsupported)
		}
		if i < 0 || i >= im.nblocks {
			return fail(i, fmt.Errorf("geotiff: block index %d out of range [0, %d)", i, im.nblocks))
		}
		if i >= wFirst+len(wOff) {
			var err error
			wFirst = i
			wn := min(first+n, im.nblocks) - i
			if im.lazy != nil {
				wn = min(wn, windowBlocks)
			}
			if wOff, wCnt, scratch, err = im.blockIndex(i, wn, scratch); err != nil {
				return fail(i, err)
			}
		}
		wEnd := wFirst + len(wOff)
		// Gather the run of blocks from i whose bytes are contiguous.
		off, stored := wOff[i-wFirst], wCnt[i-wFirst]
		cnt, err := r.checkSpan(im, i, off, stored)
		if err != nil {
			return fail(i, err)
		}
		// Only blocks read whole (their byte count not cut by checkSpan)
		// join a run, so each one starts where the previous one ends.
		end, total := i+1, cnt
		for end < wEnd && cnt != 0 && cnt == stored {
			k := end - wFirst
			c, err := r.checkSpan(im, end, wOff[k], wCnt[k])
			if err != nil || c == 0 || c != wCnt[k] || wOff[k] != wOff[k-1]+wCnt[k-1] || total+c > maxBatchBytes {
				break
			}
			total += c
			end++
		}
		var buf *[]byte
		if total > 0 {
			buf = getBuf(int(total))
			if err := readFull(r.r, *buf, int64(off)); err != nil {
				putBuf(buf)
				return fail(i, err)
			}
		}
		var at uint64
		for j := i; j < end; j++ {
			b := block{index: j, rows: im.blockRows(j), sparse: total == 0}
			if !b.sparse {
				c := total // a run of one block: its checked byte count
				if end > i+1 {
					c = wCnt[j-wFirst]
				}
				src := (*buf)[at : at+c]
				at += c
				if im.Compression == CompressionZSTD {
					need := uint64(b.rows * im.storedRowBytes())
					if most, why := zstdMaxDecoded(src); most < need {
						putBuf(buf)
						return fail(j, FormatError(fmt.Sprintf("%d compressed bytes cannot hold %d decoded bytes (%s)", c, need, why)))
					}
				}
				b.src = &src
			}
			if err := r.decodeBlock(im, b, dst); err != nil {
				if buf != nil {
					putBuf(buf)
				}
				return fail(j, err)
			}
			if err := fn(j, dst); err != nil {
				if buf != nil {
					putBuf(buf)
				}
				return dst, err
			}
		}
		if buf != nil {
			putBuf(buf)
		}
		i = end
	}
	return dst, nil
}
