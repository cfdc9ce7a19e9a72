package compute

import (
	"container/list"
	"image"
	"sync"
)

// maxPooledBlock is the largest block buffer kept for reuse: larger ones
// go back to the garbage collector, so a run over huge blocks does not
// hold one idle buffer per input.
const maxPooledBlock = 16 << 20

// blockKey names one decoded tile or strip of one input.
type blockKey struct{ src, block int }

// A block is a decoded input tile or strip shared by the output tiles it
// serves.
type block struct {
	key   blockKey
	data  []byte
	err   error
	ready chan struct{}   // closed once data or err is set
	refs  int             // requests still expected in this run
	cover image.Rectangle // the output tiles it serves, in tile coordinates
	pins  int             // workers using data now
	elem  *list.Element   // place in the LRU list while unpinned
}

// A blockCache decodes each input block once for all the output tiles it
// serves. A block is freed after its last expected request (its reference
// count is the number of output tile requests that need it). When the
// unpinned blocks outgrow the byte budget, the one whose next use is
// farthest away is evicted (Belady's choice, which beats least recently
// used on the cyclic reuse of strips along a row of output tiles) and
// decoded again if asked for later. Concurrent requests for a block being
// decoded wait for that one decode.
type blockCache struct {
	mu      sync.Mutex
	m       map[blockKey]*block
	lru     list.List          // unpinned blocks, most recently used first
	left    map[blockKey]int   // remaining refs of evicted blocks
	bytes   int64              // bytes of blocks in m
	budget  int64              // bytes of unpinned blocks kept at most
	decodes int64              // blocks decoded, for tests
	pools   map[int]*sync.Pool // recycled buffers by source
	// nextUse returns how far ahead, in output tiles, the next use of the
	// tiles in cover lies.
	nextUse func(cover image.Rectangle) int
}

func newBlockCache(budget int64, nextUse func(image.Rectangle) int) *blockCache {
	return &blockCache{m: map[blockKey]*block{}, left: map[blockKey]int{}, budget: budget,
		pools: map[int]*sync.Pool{}, nextUse: nextUse}
}

// get returns block key, decoding it with read (which appends to the buffer
// it is given) unless it is cached or being decoded; info returns its
// reference count and the output tiles it serves, on first use. The caller
// must call put when done with it. When another worker is decoding the
// block, get waits for it if wait is set, and otherwise returns nil (and
// pins nothing), so the caller can do other work first.
func (c *blockCache) get(key blockKey, info func() (int, image.Rectangle), read func([]byte) ([]byte, error), wait bool) (*block, error) {
	c.mu.Lock()
	if b := c.m[key]; b != nil {
		if !wait {
			select {
			case <-b.ready:
			default:
				c.mu.Unlock()
				return nil, nil
			}
		}
		b.pins++
		if b.elem != nil {
			c.lru.Remove(b.elem)
			b.elem = nil
		}
		c.mu.Unlock()
		<-b.ready
		return b, b.err
	}
	b := &block{key: key, ready: make(chan struct{}), pins: 1}
	b.refs, b.cover = info()
	if n, ok := c.left[key]; ok {
		b.refs = n
		delete(c.left, key)
	}
	c.m[key] = b
	pool := c.pool(key.src)
	c.decodes++
	c.mu.Unlock()

	var buf []byte
	if p, ok := pool.Get().(*[]byte); ok {
		buf = *p
	}
	data, err := read(buf)

	c.mu.Lock()
	b.data, b.err = data, err
	c.bytes += int64(cap(data))
	c.mu.Unlock()
	close(b.ready)
	return b, err
}

func (c *blockCache) pool(src int) *sync.Pool {
	p := c.pools[src]
	if p == nil {
		p = new(sync.Pool)
		c.pools[src] = p
	}
	return p
}

// put ends one use of b: it is freed after its last expected use, and
// otherwise kept, subject to the budget.
func (c *blockCache) put(b *block) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b.pins--
	b.refs--
	if b.pins > 0 {
		return
	}
	if b.refs <= 0 || b.err != nil {
		c.free(b)
		return
	}
	b.elem = c.lru.PushFront(b)
	for c.bytes > c.budget && c.lru.Len() > 0 {
		old := c.victim()
		c.lru.Remove(old.elem)
		old.elem = nil
		c.left[old.key] = old.refs
		c.free(old)
	}
}

// victim returns the unpinned block used farthest in the future; c.mu is
// held and the list is not empty. Blocks next needed by the same output
// tile are read in key order (input by input, block by block), so among
// those the one with the largest key is needed last.
func (c *blockCache) victim() *block {
	if c.nextUse == nil {
		return c.lru.Back().Value.(*block)
	}
	var best *block
	far := -1
	for e := c.lru.Back(); e != nil; e = e.Prev() {
		b := e.Value.(*block)
		d := c.nextUse(b.cover)
		if d > far || d == far && (b.key.src > best.key.src || b.key.src == best.key.src && b.key.block > best.key.block) {
			best, far = b, d
		}
	}
	return best
}

// free drops b from the cache and recycles its buffer; c.mu is held.
func (c *blockCache) free(b *block) {
	delete(c.m, b.key)
	c.bytes -= int64(cap(b.data))
	if b.data != nil && cap(b.data) <= maxPooledBlock {
		d := b.data[:0]
		c.pool(b.key.src).Put(&d)
	}
	b.data = nil
}

// stats returns the number of blocks decoded and the bytes held now.
func (c *blockCache) stats() (decodes, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.decodes, c.bytes
}
