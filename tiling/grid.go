// Package tiling maps rasters onto grids of tiles: tile indices and their
// pixel rectangles, the tiles that cover a window, and copies between tile
// buffers and window buffers.
package tiling

import "image"

// A Grid divides a Width×Height raster into TileWidth×TileHeight tiles,
// numbered row-major from the top-left tile. Tiles on the right and bottom
// edges may extend past the raster; [Grid.Rect] clips them.
type Grid struct {
	Width, Height         int
	TileWidth, TileHeight int
}

// Across returns the number of tile columns.
func (g Grid) Across() int { return ceilDiv(g.Width, g.TileWidth) }

// Down returns the number of tile rows.
func (g Grid) Down() int { return ceilDiv(g.Height, g.TileHeight) }

// Len returns the number of tiles.
func (g Grid) Len() int { return g.Across() * g.Down() }

// Index returns the index of the tile in column col and row row.
func (g Grid) Index(col, row int) int { return row*g.Across() + col }

// Coords returns the column and row of tile i; it is the inverse of Index.
func (g Grid) Coords(i int) (col, row int) {
	a := g.Across()
	return i % a, i / a
}

// Bounds returns the unclipped pixel rectangle of tile i.
func (g Grid) Bounds(i int) image.Rectangle {
	col, row := g.Coords(i)
	x, y := col*g.TileWidth, row*g.TileHeight
	return image.Rect(x, y, x+g.TileWidth, y+g.TileHeight)
}

// Rect returns the pixel rectangle of tile i clipped to the raster.
func (g Grid) Rect(i int) image.Rectangle {
	return g.Bounds(i).Intersect(image.Rect(0, 0, g.Width, g.Height))
}

func ceilDiv(a, b int) int {
	if b <= 0 || a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}
