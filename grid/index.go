package grid

import (
	"image"
	"slices"
)

// An Index finds the footprints (pixel rectangles on one output grid) that
// meet a window without scanning them all: the grid is cut into square
// cells, each listing the footprints that meet it, so a query costs the
// footprints of the cells it touches. A footprint that covers the whole
// grid is kept once, not once per cell.
//
// An Index is safe for concurrent queries.
type Index struct {
	bounds  image.Rectangle
	cell    int
	across  int
	rects   []image.Rectangle
	all     []int   // footprints that cover bounds
	cells   [][]int // per cell, the other footprints that meet it, ascending
	entries int
}

// maxCells is the number of cells an index may have beyond maxEntries per
// footprint.
const maxCells = 1 << 16

// maxEntries bounds the cell lists of an index, as a multiple of the
// number of footprints plus the number of cells.
const maxEntries = 16

// NewIndex indexes rects over the grid bounds, with cells of at least
// minCell pixels a side (an output tile's size is a good choice), larger
// when the lists would exceed 16 entries per footprint.
func NewIndex(bounds image.Rectangle, rects []image.Rectangle, minCell int) *Index {
	x := &Index{bounds: bounds, rects: rects, cell: max(minCell, 1)}
	var part []int
	for i, r := range rects {
		if r.Intersect(bounds) == bounds {
			x.all = append(x.all, i)
		} else if r.Overlaps(bounds) {
			part = append(part, i)
		}
	}
	for {
		x.across = ceil(bounds.Dx(), x.cell)
		down := ceil(bounds.Dy(), x.cell)
		cells := int64(x.across) * int64(down)
		n := int64(0)
		for _, i := range part {
			c := x.cover(rects[i])
			n += int64(c.Dx()) * int64(c.Dy())
		}
		limit := int64(maxEntries) * int64(len(rects)+1)
		if n <= limit && cells <= limit+maxCells || cells <= 1 {
			x.entries = int(n)
			x.cells = make([][]int, x.across*down)
			for _, i := range part {
				c := x.cover(rects[i])
				for row := c.Min.Y; row < c.Max.Y; row++ {
					for col := c.Min.X; col < c.Max.X; col++ {
						k := row*x.across + col
						x.cells[k] = append(x.cells[k], i)
					}
				}
			}
			return x
		}
		x.cell *= 2
	}
}

// cover returns the cells r meets, in cell coordinates.
func (x *Index) cover(r image.Rectangle) image.Rectangle {
	r = r.Intersect(x.bounds).Sub(x.bounds.Min)
	if r.Empty() {
		return image.Rectangle{}
	}
	return image.Rect(r.Min.X/x.cell, r.Min.Y/x.cell, ceil(r.Max.X, x.cell), ceil(r.Max.Y, x.cell))
}

// Query appends to dst[:0] the indices of the footprints that meet r, in
// ascending order.
func (x *Index) Query(r image.Rectangle, dst []int) []int {
	dst = dst[:0]
	r = r.Intersect(x.bounds)
	if r.Empty() {
		return dst
	}
	dst = append(dst, x.all...)
	c := x.cover(r)
	one := c.Dx() == 1 && c.Dy() == 1
	for row := c.Min.Y; row < c.Max.Y; row++ {
		for col := c.Min.X; col < c.Max.X; col++ {
			for _, i := range x.cells[row*x.across+col] {
				if x.rects[i].Overlaps(r) {
					dst = append(dst, i)
				}
			}
		}
	}
	if !one || len(x.all) > 0 {
		slices.Sort(dst)
		dst = slices.Compact(dst)
	}
	return dst
}

// MaxCell returns the most footprints a query of one cell's area can
// find: those that cover the grid and the longest cell list.
func (x *Index) MaxCell() int {
	m := 0
	for _, c := range x.cells {
		m = max(m, len(c))
	}
	return len(x.all) + m
}

// Entries returns the number of cell list entries, for tests of the
// index's size.
func (x *Index) Entries() int { return x.entries }

func ceil(a, b int) int {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}
