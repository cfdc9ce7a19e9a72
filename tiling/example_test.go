package tiling_test

import (
	"fmt"
	"image"

	"github.com/gomean/gomean/tiling"
)

func ExampleGrid() {
	g := tiling.Grid{Width: 600, Height: 300, TileWidth: 256, TileHeight: 256}
	fmt.Println(g.Across(), g.Down(), g.Len())
	for i := 0; i < g.Len(); i++ {
		col, row := g.Coords(i)
		fmt.Println(i, col, row, g.Rect(i))
	}
	// The tiles a window touches, in tile coordinates and as indices.
	w := image.Rect(250, 100, 520, 280)
	fmt.Println(g.Cover(w), g.Tiles(w, nil))
	// Output:
	// 3 2 6
	// 0 0 0 (0,0)-(256,256)
	// 1 1 0 (256,0)-(512,256)
	// 2 2 0 (512,0)-(600,256)
	// 3 0 1 (0,256)-(256,300)
	// 4 1 1 (256,256)-(512,300)
	// 5 2 1 (512,256)-(600,300)
	// (0,0)-(3,2) [0 1 2 3 4 5]
}
