package compute

import "image"

// The stack path is the streaming path for the reductions that need every
// value of a pixel (std, median, percentile, mode, slope) over inputs whose
// blocks are not the output's tiles: GDAL's one-row strips, blocks taller
// than a tile row. A unit is one part of a span of a tile row, all inputs
// at once: the worker decodes each block of each input the part covers
// once, into a stack of float64 values (input after input, band after
// band, NaN where invalid), reduces the stack pixel by pixel with the tile
// path's own reducer, and keeps only the results until the span is
// written. Parts are as few rows as the memory budget needs: a stack holds
// bands × inputs × span width × part rows values, so the rows of a part
// shrink as inputs grow and memory stays bounded (stackRows). The results
// are those of the tile path bit for bit: a reducer's result for a pixel
// depends on that pixel's values in input order only.

// stackLimit bounds the stack of one unit, in bytes (a variable for
// tests).
var stackLimit int64 = 32 << 20

// holistic reports whether op needs every value of a pixel at once.
func holistic(op Op) bool {
	switch op {
	case Std, Median, Percentile, Mode, Slope:
		return true
	}
	return false
}

// stackRowBytes is the size of one pixel row of a unit's stack.
func (p *pipeline) stackRowBytes() int64 {
	_, w := p.spanTiles()
	return int64(w) * int64(len(p.bands)) * int64(len(p.srcs)) * 8
}

// stackRows returns the rows of a unit of the stack path: as many as keep
// its stack under stackLimit and its share of the memory budget, a whole
// number of the inputs' block heights (so no block is decoded twice) up
// to a tile row; 0 when not even one block height fits.
func (p *pipeline) stackRows() int {
	limit := min(stackLimit, p.cfg.MemoryBytes/2/int64(2*p.cfg.Workers+1))
	align := 1
	for _, s := range p.srcs {
		if !p.rowStreamed(s) {
			align = max(align, s.im.TileHeight)
		}
	}
	align = min(align, p.tileH)
	rows := int(min(limit/p.stackRowBytes(), int64(p.tileH)))
	return rows / align * align
}

// outsPerBand is the number of output samples per reduced band.
func (p *pipeline) outsPerBand() int {
	if p.cfg.Op == Percentile {
		return len(p.cfg.Percentiles)
	}
	return 1
}

// stackUnit folds every input into the stack of the unit's rectangle and
// reduces it into acc, one value per output sample and pixel.
func (sr *streamRun) stackUnit(wk *worker, want image.Rectangle, acc *accum) error {
	p := sr.p
	n, nb := len(p.srcs), sr.nb
	size := n * nb * sr.spanPx
	// A free list of the run, not a sync.Pool: stacks go with the run
	// (a pool would keep them until two collections later).
	sr.mu.Lock()
	var stack []float64
	if k := len(sr.stacks); k > 0 {
		stack, sr.stacks = sr.stacks[k-1], sr.stacks[:k-1]
	}
	sr.mu.Unlock()
	if cap(stack) < size {
		stack = make([]float64, size)
	}
	stack = stack[:size]
	defer func() {
		sr.mu.Lock()
		sr.stacks = append(sr.stacks, stack)
		sr.mu.Unlock()
	}()
	fillNaN(stack)
	for k := range p.srcs {
		view := &accum{val: stack[k*nb*sr.spanPx : (k+1)*nb*sr.spanPx]}
		if err := sr.fold(wk, k, want, view); err != nil {
			return err
		}
	}
	if cap(wk.vals) < n {
		wk.vals = make([][]float64, n)
	}
	hv := wk.vals[:n]
	m := sr.nbAcc / nb
	px := (want.Dy()-1)*sr.spanW + want.Dx() // the pixels up to the rectangle's last
	for j := range nb {
		for p0 := 0; p0 < px; p0 += chunk {
			c := min(chunk, px-p0)
			for k := range hv {
				o := (k*nb+j)*sr.spanPx + p0
				hv[k] = stack[o : o+c]
			}
			out := wk.out[:c]
			wk.red.reduce(out, hv)
			for i := range m {
				res := out
				if i > 0 {
					res = wk.red.outs[i][:c]
				}
				copy(acc.val[(j*m+i)*sr.spanPx+p0:], res)
			}
		}
	}
	return nil
}
