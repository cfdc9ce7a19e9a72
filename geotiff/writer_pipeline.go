package geotiff

import (
	"context"
	"fmt"

	"github.com/gomean/gomean/deflate"
)

// The pipeline behind Writer: WriteTile (or WriteMaskTile) copies a tile
// into a pooled buffer and queues it; workers apply the predictor and
// compress it into another pooled buffer and park it in its slot; the
// appender takes the slots in file order, writes them to the file and
// opens the slot to the item window places further on. Items are the
// tiles in file order: image tiles, and with a mask each mask tile right
// after its image tile (writer_mask.go numbers them).
//
// Slot i%window belongs to item i from the time item i-window is in the
// file until item i is. So at most window items are queued, being
// compressed or waiting for the appender, the job channel (capacity
// window) never fills, and the item the appender needs next can always
// get its slot.

// A tileSlot holds one tile between WriteTile and the file.
type tileSlot struct {
	turn int           // the tile that may use the slot now
	done bool          // data holds tile turn, encoded
	data *[]byte       // encoded tile
	wait chan struct{} // closed when turn advances; made by the first waiter
}

// A tileJob is a copied tile waiting for a worker.
type tileJob struct {
	seq int // item number: image or mask tile, see writer_mask.go
	buf *[]byte
}

// encodeFunc compresses src and appends the result to dst.
type encodeFunc func(dst, src []byte) ([]byte, error)

func newEncodeFunc(c *writerConfig) (encodeFunc, error) {
	switch c.Compression {
	case CompressionDeflate:
		e, err := deflate.NewEncoder(c.Level)
		if err != nil {
			return nil, fmt.Errorf("geotiff: %w", err)
		}
		return e.Encode, nil
	case CompressionZSTD:
		e, err := deflate.NewZstdEncoder(c.Level)
		if err != nil {
			return nil, fmt.Errorf("geotiff: %w", err)
		}
		return e.Encode, nil
	case CompressionLZW:
		return deflate.EncodeLZW, nil
	}
	return nil, nil
}

// start launches the workers and the appender.
func (w *Writer) start(enc, maskEnc encodeFunc) {
	w.wg.Add(w.cfg.Workers + 1)
	for range w.cfg.Workers {
		go w.work(enc, maskEnc)
	}
	go w.appendTiles()
}

// waitTurn blocks until item i owns its slot, and claims it.
func (w *Writer) waitTurn(ctx context.Context, i int) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("geotiff: write %s: %w", w.cfg.itemName(i), context.Cause(ctx))
	}
	s := &w.slots[i%w.cfg.window]
	w.mu.Lock()
	for {
		switch {
		case w.err != nil:
			w.mu.Unlock()
			return w.err
		case w.closed:
			w.mu.Unlock()
			return errClosed
		case w.isClaimed(i):
			w.mu.Unlock()
			return fmt.Errorf("geotiff: write %s: tile already written", w.cfg.itemName(i))
		case s.turn == i:
			w.claimed[i/64] |= 1 << (i % 64)
			w.mu.Unlock()
			return nil
		}
		if s.wait == nil {
			s.wait = make(chan struct{})
		}
		wait := s.wait
		w.mu.Unlock()
		select {
		case <-wait:
		case <-w.quit:
		case <-ctx.Done():
			return fmt.Errorf("geotiff: write %s: %w", w.cfg.itemName(i), context.Cause(ctx))
		}
		w.mu.Lock()
	}
}

// submit queues claimed item i for the workers.
func (w *Writer) submit(i int, buf *[]byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		w.putBuf(i, buf)
		return w.err
	}
	if w.closed {
		w.putBuf(i, buf)
		return errClosed
	}
	w.jobs <- tileJob{i, buf} // never blocks: see the comment at the top
	w.submitted++
	return nil
}

func (w *Writer) isClaimed(i int) bool { return w.claimed[i/64]&(1<<(i%64)) != 0 }

// firstUnclaimed returns the first item not handed to WriteTile or
// WriteMaskTile, or -1.
func (w *Writer) firstUnclaimed() int {
	for i := range w.cfg.numItems {
		if !w.isClaimed(i) {
			return i
		}
	}
	return -1
}

// work encodes queued tiles until the queue is closed or the writer fails.
func (w *Writer) work(enc, maskEnc encodeFunc) {
	defer w.wg.Done()
	var scratch []byte
	if w.cfg.Predictor == PredictorFloat {
		scratch = make([]byte, w.cfg.rowSamples*w.cfg.Type.Size())
	}
	for {
		select {
		case j, ok := <-w.jobs:
			if !ok {
				return
			}
			var err error
			if _, mask := w.cfg.item(j.seq); mask {
				err = w.encodeMask(j, maskEnc)
			} else {
				err = w.encode(j, enc, scratch)
			}
			if err != nil {
				w.fail(err)
				return
			}
		case <-w.quit:
			return
		}
	}
}

// encode applies the predictor to tile j and compresses it into its slot.
func (w *Writer) encode(j tileJob, enc encodeFunc, scratch []byte) error {
	c := w.cfg
	raw := *j.buf
	encodePredictor(raw, c.Predictor, c.Type.Size(), c.rowSamples, c.spp, c.bigEndian, scratch)
	out := j.buf
	if enc != nil {
		out = w.getBuf(0)
		b, err := enc((*out)[:0], raw)
		*out = b
		w.bufs.Put(j.buf)
		if err == nil && c.testEncodeErr != nil {
			i, _ := c.item(j.seq)
			err = c.testEncodeErr(i)
		}
		if err != nil {
			w.bufs.Put(out)
			return fmt.Errorf("geotiff: write %s: %v: %w", c.itemName(j.seq), c.Compression, err)
		}
	}
	w.deliver(j.seq, out)
	return nil
}

// encodeMask compresses packed mask tile j into its slot.
func (w *Writer) encodeMask(j tileJob, enc encodeFunc) error {
	out := w.getMaskBuf(0)
	b, err := enc((*out)[:0], *j.buf)
	*out = b
	w.maskBufs.Put(j.buf)
	if err != nil {
		w.maskBufs.Put(out)
		return fmt.Errorf("geotiff: write %s: DEFLATE: %w", w.cfg.itemName(j.seq), err)
	}
	w.deliver(j.seq, out)
	return nil
}

// deliver parks encoded item seq in its slot for the appender.
func (w *Writer) deliver(seq int, out *[]byte) {
	w.mu.Lock()
	s := &w.slots[seq%w.cfg.window]
	s.data, s.done = out, true
	w.mu.Unlock()
	select {
	case w.ready <- struct{}{}:
	default:
	}
}

// appendTiles writes the encoded items to the file in order and closes
// w.appended after the last one.
func (w *Writer) appendTiles() {
	defer w.wg.Done()
	for next := 0; next < w.cfg.numItems; {
		select {
		case <-w.quit:
			return
		default:
		}
		s := &w.slots[next%w.cfg.window]
		w.mu.Lock()
		if !s.done {
			w.mu.Unlock()
			select {
			case <-w.ready:
			case <-w.quit:
				return
			}
			continue
		}
		buf := s.data
		s.data, s.done = nil, false
		w.mu.Unlock()
		err := w.appendTile(next, *buf)
		w.putBuf(next, buf)
		if err != nil {
			w.fail(err)
			return
		}
		w.mu.Lock()
		s.turn = next + w.cfg.window
		wait := s.wait
		s.wait = nil
		w.mu.Unlock()
		if wait != nil {
			close(wait)
		}
		next++
	}
	close(w.appended)
}

// appendTile writes encoded item seq at the end of the data.
func (w *Writer) appendTile(seq int, data []byte) error {
	off, n := w.end, int64(len(data))
	if w.cfg.BigTIFF == BigTIFFNo && off+n > maxClassicOffset {
		return fmt.Errorf("geotiff: write %s: data reaches offset %d, beyond the limit %d of a classic TIFF (BigTIFF mode NO)", w.cfg.itemName(seq), off+n, int64(maxClassicOffset))
	}
	if w.cfg.leader {
		return w.appendFramed(seq, data)
	}
	if _, err := w.w.WriteAt(data, off); err != nil {
		return w.ioError("write "+w.cfg.itemName(seq), err)
	}
	if i, mask := w.cfg.item(seq); mask {
		w.maskOffsets[i], w.maskCounts[i] = uint64(off), uint64(n)
	} else {
		w.offsets[i], w.counts[i] = uint64(off), uint64(n)
	}
	w.end = off + n
	return nil
}

// putBuf returns the buffer of item seq to its pool.
func (w *Writer) putBuf(seq int, buf *[]byte) {
	if _, mask := w.cfg.item(seq); mask {
		w.maskBufs.Put(buf)
	} else {
		w.bufs.Put(buf)
	}
}

// getBuf returns a pooled buffer of length n.
func (w *Writer) getBuf(n int) *[]byte {
	p, _ := w.bufs.Get().(*[]byte)
	if p == nil {
		b := make([]byte, n, w.cfg.tileBytes+w.cfg.tileBytes/64+256)
		return &b
	}
	if cap(*p) < n {
		*p = make([]byte, n)
	}
	*p = (*p)[:n]
	return p
}

// fail records the first error and stops the pipeline.
func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
		close(w.quit)
	}
	w.mu.Unlock()
}

func (w *Writer) firstErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// stop closes the job queue and waits for the workers and the appender.
// The caller has set w.closed, so no WriteTile sends any more.
func (w *Writer) stop() {
	w.mu.Lock()
	if !w.jobsClosed {
		close(w.jobs)
		w.jobsClosed = true
	}
	w.mu.Unlock()
	w.wg.Wait()
}
