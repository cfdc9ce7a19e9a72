package remote

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// A File is a remote file read by range: an io.ReaderAt that is safe for
// concurrent use. Reads are served from the client's byte cache; what is
// missing is fetched in whole blocks, close ranges merged into one
// request, several requests in flight, and sequential reads fetch ahead
// of themselves.
type File struct {
	c      *Client
	name   string
	t      target
	size   int64
	ctx    context.Context
	cancel context.CancelFunc
	sem    chan struct{} // requests in flight for this file
	stats  counters

	// etag and lastMod are the ETag and Last-Modified of the first
	// response: a later one that differs means the file changed.
	etag, lastMod string

	// local holds the whole file when its server ignores Range (tmp is
	// its temporary file, if any).
	local io.ReaderAt
	tmp   *os.File

	// Guarded by c.mu.
	blocks  map[int64]*block // cached and pending blocks
	queue   []*request       // requests not sent yet
	streams [4]stream
	tick    uint64
	closed  bool
	// expect, when set, holds the blocks the job will read, as sorted,
	// disjoint runs: read-ahead fetches only those (see Expect).
	expect []run
}

// A block is BlockBytes of the file (less for the last one): cached when
// data is set, else pending on req.
type block struct {
	f     *File
	i     int64
	data  []byte
	req   *request      // the request that fetched or fetches it; nil for the header
	elem  *list.Element // in c.fresh or c.lru, once cached
	fresh bool          // in c.fresh: not read since it was fetched
}

// A request fetches blocks [start, end) of a file.
type request struct {
	start, end int64
	demand     bool // a read waits for it (else it is read-ahead)
	done       chan struct{}
	err        error
}

// A stream is a run of sequential reads from block start: next is the
// first block not yet requested ahead of it, ra the current read-ahead in
// blocks.
type stream struct {
	start, next, ra int64
	tick            uint64
}

// errClosed is returned by reads after Close.
var errClosed = errors.New("read after close")

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// Size returns the size of the file in bytes.
func (f *File) Size() int64 { return f.size }

// Stats returns the file's network use so far.
func (f *File) Stats() Stats { return f.stats.snapshot() }

// ReadAt reads len(p) bytes at off. It returns io.EOF with fewer bytes
// only at the end of the file; a server that sends fewer bytes than asked
// is an error.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%s: read at negative offset %d", f.name, off)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if off >= f.size {
		return 0, io.EOF
	}
	n, eof := int64(len(p)), error(nil)
	if n > f.size-off {
		n, eof = f.size-off, io.EOF
	}
	if f.local != nil {
		m, err := f.local.ReadAt(p[:n], off)
		if err == nil {
			err = eof
		}
		return m, err
	}
	bs := f.c.opts.BlockBytes
	b0, b1 := off/bs, (off+n-1)/bs+1
	need, pending, err := f.plan(b0, b1)
	if err != nil {
		return 0, err
	}
	for _, blk := range need {
		if blk.req != nil {
			<-blk.req.done
			if blk.req.err != nil {
				return 0, blk.req.err
			}
		}
	}
	if pending {
		// The blocks fetched for this read count as read.
		f.c.mu.Lock()
		for _, blk := range need {
			f.c.touch(blk)
		}
		f.c.mu.Unlock()
	}
	done := int64(0)
	for j, blk := range need {
		data := blk.data
		start := (b0 + int64(j)) * bs
		lo := max(off, start) - start
		hi := min(off+n, start+int64(len(data))) - start
		if hi < lo {
			return int(done), fmt.Errorf("%s: block %d has %d bytes, want %d: %w", f.name, b0+int64(j), len(data), hi, io.ErrUnexpectedEOF)
		}
		done += int64(copy(p[done:], data[lo:hi]))
	}
	if done != n {
		return int(done), fmt.Errorf("%s: read %d bytes at %d, want %d: %w", f.name, done, off, n, io.ErrUnexpectedEOF)
	}
	return int(n), eof
}

// Prefetch tells f that bytes [off, off+n) will be read soon, front to
// back: the missing ones (those of the plan, after Expect) are fetched in
// the background (merged, in pieces side by side), and reads from off on
// continue as a stream, with read-ahead past off+n. It does not wait, and
// reading is correct without it.
func (f *File) Prefetch(off, n int64) {
	if f.local != nil || off < 0 || n <= 0 || off >= f.size {
		return
	}
	n = min(n, f.size-off)
	c := f.c
	o := &c.opts
	b0, b1 := off/o.BlockBytes, (off+n-1)/o.BlockBytes+1
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.closed {
		return
	}
	f.fetchMissing(b0, b1, max((b1-b0)/int64(o.PerFile), (512<<10)/o.BlockBytes))
	old := 0
	for k := range f.streams {
		if f.streams[k].tick < f.streams[old].tick {
			old = k
		}
	}
	f.tick++
	f.streams[old] = stream{start: b0, next: b1, ra: max(b1-b0, (64<<10)/o.BlockBytes), tick: f.tick}
}

// Close cancels the file's requests and drops its cached blocks.
func (f *File) Close() error {
	c := f.c
	c.mu.Lock()
	if f.closed {
		c.mu.Unlock()
		return nil
	}
	f.closed = true
	c.files--
	for _, blk := range f.blocks {
		if blk.data != nil {
			c.drop(blk)
		}
	}
	f.blocks = nil
	queue := f.queue
	f.queue = nil
	c.mu.Unlock()
	for _, r := range queue {
		r.err = fmt.Errorf("%s: %w", f.name, errClosed)
		close(r.done)
	}
	f.cancel()
	if f.tmp != nil {
		removeTemp(f.tmp)
	}
	return nil
}

// plan returns blocks [b0, b1), queueing requests for the missing ones
// and for the read-ahead. Pending blocks keep their req, which the caller
// waits on; pending reports whether there are any.
func (f *File) plan(b0, b1 int64) (need []*block, pending bool, err error) {
	c := f.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.closed {
		return nil, false, fmt.Errorf("%s: %w", f.name, errClosed)
	}
	need = make([]*block, 0, b1-b0)
	run := int64(-1) // first block of the current run of missing blocks
	for i := b0; i < b1; i++ {
		blk := f.blocks[i]
		if blk == nil {
			if run < 0 {
				run = i
			}
			need = append(need, nil)
			pending = true
			continue
		}
		if run >= 0 {
			f.enqueue(run, i, true, 0)
			run = -1
		}
		if blk.data != nil {
			c.touch(blk)
		} else {
			blk.req.demand = true
			pending = true
		}
		need = append(need, blk)
	}
	if run >= 0 {
		f.enqueue(run, b1, true, 0)
	}
	for j, blk := range need {
		if blk == nil {
			need[j] = f.blocks[b0+int64(j)]
		}
	}
	if s, e := f.readahead(b0, b1); s < e {
		// In pieces, so that they travel side by side.
		f.fetchMissing(s, e, max((e-s)/2, (512<<10)/f.c.opts.BlockBytes))
	}
	return need, pending, nil
}

// fetchMissing queues read-ahead requests of at most maxb blocks for the
// blocks of [s, e) that are neither cached nor pending.
func (f *File) fetchMissing(s, e, maxb int64) {
	if f.expect != nil {
		for k := f.planFrom(s); k < len(f.expect) && f.expect[k].s < e; k++ {
			f.fetchRun(max(s, f.expect[k].s), min(e, f.expect[k].e), maxb)
		}
		return
	}
	f.fetchRun(s, e, maxb)
}

// fetchRun is fetchMissing without regard to the plan.
func (f *File) fetchRun(s, e, maxb int64) {
	run := int64(-1)
	for i := s; i < e; i++ {
		if f.blocks[i] == nil {
			if run < 0 {
				run = i
			}
		} else if run >= 0 {
			f.enqueue(run, i, false, maxb)
			run = -1
		}
	}
	if run >= 0 {
		f.enqueue(run, e, false, maxb)
	}
}

// nblocks returns the number of blocks of the file.
func (f *File) nblocks() int64 {
	bs := f.c.opts.BlockBytes
	return (f.size + bs - 1) / bs
}

// enqueue queues the fetch of blocks [s, e), none of them held: merged
// into a queued request when within GapBytes of it (the blocks in between
// are fetched too), else as new requests of at most maxb blocks (0 means
// MaxRequestBytes).
func (f *File) enqueue(s, e int64, demand bool, maxb int64) {
	o := &f.c.opts
	gap := (o.GapBytes + o.BlockBytes - 1) / o.BlockBytes
	if limit := max(1, o.MaxRequestBytes/o.BlockBytes); maxb <= 0 || maxb > limit {
		maxb = limit
	}
	for s < e {
		var r *request
		for _, q := range f.queue {
			if s <= q.end+gap && e >= q.start-gap && max(e, q.end)-min(s, q.start) <= maxb {
				r = q
				break
			}
		}
		if r != nil {
			ns, ne := min(r.start, s), max(r.end, e)
			for i := ns; i < ne; i++ {
				if f.blocks[i] == nil {
					f.blocks[i] = &block{f: f, i: i, req: r}
				}
			}
			r.start, r.end = ns, ne
			r.demand = r.demand || demand
			return
		}
		ce := min(e, s+maxb)
		r = &request{start: s, end: ce, demand: demand, done: make(chan struct{})}
		for i := s; i < ce; i++ {
			f.blocks[i] = &block{f: f, i: i, req: r}
		}
		f.queue = append(f.queue, r)
		go f.dispatch()
		s = ce
	}
}

// readahead returns the blocks [s, e) to fetch ahead of a read of blocks
// [b0, b1). A read continues a stream when it falls between the stream's
// start and just after what the stream requested; the stream then keeps
// at least half its read-ahead requested ahead of the read, doubling it
// each time it runs short (from twice the read's size, at least 64 KiB).
// A read starts a stream when the block before it is held: the reads go
// forward. With a plan (Expect), read-ahead is counted in planned blocks
// only (fetchMissing skips the others), and any read of planned blocks
// starts a stream.
func (f *File) readahead(b0, b1 int64) (s, e int64) {
	c := f.c
	o := &c.opts
	maxRA := min(o.ReadaheadBytes, c.cacheCap()/int64(max(1, c.files))) / o.BlockBytes
	if maxRA < 1 {
		return 0, 0
	}
	gap := (o.GapBytes + o.BlockBytes - 1) / o.BlockBytes
	last := f.nblocks()
	read := b1 - b0
	f.tick++
	for k := range f.streams {
		st := &f.streams[k]
		if st.ra == 0 || b0 < st.start-gap || b0 > st.next+gap {
			continue
		}
		st.tick = f.tick
		if f.count(b1, st.next) >= min(max(st.ra, 2*read), maxRA)/2 {
			return 0, 0 // enough requested ahead
		}
		st.ra = min(max(2*st.ra, 2*read), maxRA)
		s, e = max(st.next, b1), f.advance(b1, st.ra)
		st.next = max(st.next, e)
		return s, e
	}
	if b1 >= last {
		return 0, 0
	}
	if f.expect == nil && (b0 == 0 || f.blocks[b0-1] == nil) || f.expect != nil && f.count(b0, b1) == 0 {
		return 0, 0
	}
	old := 0
	for k := range f.streams {
		if f.streams[k].tick < f.streams[old].tick {
			old = k
		}
	}
	ra := min(max((64<<10)/o.BlockBytes, 2*read), maxRA)
	e = f.advance(b1, ra)
	f.streams[old] = stream{start: b0, next: e, ra: ra, tick: f.tick}
	return b1, e
}

// dispatch sends one queued request when the file and the client have a
// request slot free: the oldest one a read waits for, else the
// read-ahead with the lowest offset.
func (f *File) dispatch() {
	select {
	case f.sem <- struct{}{}:
	case <-f.ctx.Done():
		f.failQueued()
		return
	}
	defer func() { <-f.sem }()
	select {
	case f.c.sem <- struct{}{}:
	case <-f.ctx.Done():
		f.failQueued()
		return
	}
	defer func() { <-f.c.sem }()
	c := f.c
	c.mu.Lock()
	best := -1
	for k, q := range f.queue {
		if best < 0 || q.demand && !f.queue[best].demand || q.demand == f.queue[best].demand && !q.demand && q.start < f.queue[best].start {
			best = k
		}
	}
	if best < 0 {
		c.mu.Unlock()
		return
	}
	r := f.queue[best]
	f.queue = append(f.queue[:best], f.queue[best+1:]...)
	c.mu.Unlock()
	f.fetch(r)
}

// failQueued fails the queued requests once the file's context is done.
func (f *File) failQueued() {
	c := f.c
	c.mu.Lock()
	queue := f.queue
	f.queue = nil
	for _, r := range queue {
		for i := r.start; i < r.end; i++ {
			if blk := f.blocks[i]; blk != nil && blk.req == r {
				delete(f.blocks, i)
			}
		}
		r.err = f.ctx.Err()
	}
	c.mu.Unlock()
	for _, r := range queue {
		close(r.done)
	}
}

// fetch sends request r and stores what it brings.
func (f *File) fetch(r *request) {
	c := f.c
	bs := c.opts.BlockBytes
	off := r.start * bs
	n := min(r.end*bs, f.size) - off
	p, err := c.getRange(f.ctx, f.t, off, n, false, f.ifMatch(), &f.stats)
	if err == nil {
		err = f.same(p, fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	}
	c.mu.Lock()
	if err != nil {
		for i := r.start; i < r.end; i++ {
			if blk := f.blocks[i]; blk != nil && blk.req == r {
				delete(f.blocks, i)
			}
		}
		r.err = err
	} else {
		f.store(p, r)
	}
	c.mu.Unlock()
	close(r.done)
}

// store puts the blocks of part p in the cache; those pending on r are
// filled. Blocks already held are left alone. Called with c.mu held.
func (f *File) store(p *part, r *request) {
	c := f.c
	bs := c.opts.BlockBytes
	pos := p.off
	for _, data := range p.chunks {
		i := pos / bs
		pos += int64(len(data))
		if pos%bs != 0 && pos < f.size {
			break // a partial block that is not the file's last
		}
		blk := f.blocks[i]
		switch {
		case f.closed:
			if blk != nil && blk.req == r {
				blk.data = data
			}
			continue
		case blk == nil:
			blk = &block{f: f, i: i}
			f.blocks[i] = blk
		case blk.req != r || r == nil:
			continue
		}
		blk.data = data
		blk.elem, blk.fresh = c.fresh.PushFront(blk), true
		c.used += int64(len(data))
	}
	c.evict()
}

// touch marks blk as just read.
func (c *Client) touch(blk *block) {
	switch {
	case blk.elem == nil:
	case blk.fresh:
		c.fresh.Remove(blk.elem)
		blk.elem, blk.fresh = c.lru.PushFront(blk), false
	default:
		c.lru.MoveToFront(blk.elem)
	}
}

// drop removes blk from the cache.
func (c *Client) drop(blk *block) {
	if blk.elem == nil {
		return
	}
	if blk.fresh {
		c.fresh.Remove(blk.elem)
	} else {
		c.lru.Remove(blk.elem)
	}
	blk.elem = nil
	c.used -= int64(len(blk.data))
}

// evict drops blocks until the cache fits: the least recently read
// first, then the oldest of those not read yet.
func (c *Client) evict() {
	limit := c.cacheCap()
	for c.used > limit {
		e := c.lru.Back()
		if e == nil {
			if e = c.fresh.Back(); e == nil {
				return
			}
		}
		blk := e.Value.(*block)
		c.drop(blk)
		if blk.f.blocks != nil && blk.f.blocks[blk.i] == blk {
			delete(blk.f.blocks, blk.i)
		}
	}
}
