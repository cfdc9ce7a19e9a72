package geotiff

import "fmt"

// maxBatchBytes bounds the stored bytes ReadTiles reads in one call to
// ReadAt.
const maxBatchBytes = 1 << 20

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
	for i := first; i < first+n; {
		// Gather the run of blocks from i whose bytes are contiguous.
		cnt, err := r.checkBlock(im, i)
		if err != nil {
			return fail(i, err)
		}
		// Only blocks read whole (their byte count not cut by checkBlock)
		// join a run, so each one starts where the previous one ends.
		end, total := i+1, cnt
		for end < first+n && cnt != 0 && cnt == im.counts[i] {
			c, err := r.checkBlock(im, end)
			if err != nil || c == 0 || c != im.counts[end] || im.offsets[end] != im.offsets[end-1]+im.counts[end-1] || total+c > maxBatchBytes {
				break
			}
			total += c
			end++
		}
		var buf *[]byte
		if total > 0 {
			buf = getBuf(int(total))
			if err := readFull(r.r, *buf, int64(im.offsets[i])); err != nil {
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
					c = im.counts[j]
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
