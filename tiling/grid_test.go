package tiling

import (
	"image"
	"testing"
)

func TestGrid(t *testing.T) {
	tests := []struct {
		name            string
		g               Grid
		across, down, n int
		last            image.Rectangle // Rect of the last tile
	}{
		{"1x1", Grid{1, 1, 16, 16}, 1, 1, 1, image.Rect(0, 0, 1, 1)},
		{"exact", Grid{512, 256, 256, 256}, 2, 1, 2, image.Rect(256, 0, 512, 256)},
		{"ragged", Grid{300, 200, 256, 128}, 2, 2, 4, image.Rect(256, 128, 300, 200)},
		{"strips", Grid{1000, 10, 1000, 3}, 1, 4, 4, image.Rect(0, 9, 1000, 10)},
		{"empty", Grid{0, 10, 16, 16}, 0, 1, 0, image.Rectangle{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a, d, n := tt.g.Across(), tt.g.Down(), tt.g.Len(); a != tt.across || d != tt.down || n != tt.n {
				t.Fatalf("Across, Down, Len = %d, %d, %d; want %d, %d, %d", a, d, n, tt.across, tt.down, tt.n)
			}
			if tt.n == 0 {
				return
			}
			if r := tt.g.Rect(tt.n - 1); r != tt.last {
				t.Errorf("Rect(last) = %v, want %v", r, tt.last)
			}
			total := 0
			for i := 0; i < tt.n; i++ {
				col, row := tt.g.Coords(i)
				if j := tt.g.Index(col, row); j != i {
					t.Errorf("Index(Coords(%d)) = %d", i, j)
				}
				total += tt.g.Rect(i).Dx() * tt.g.Rect(i).Dy()
			}
			if total != tt.g.Width*tt.g.Height {
				t.Errorf("tiles cover %d pixels, want %d", total, tt.g.Width*tt.g.Height)
			}
		})
	}
}

func TestCover(t *testing.T) {
	g := Grid{Width: 1000, Height: 700, TileWidth: 256, TileHeight: 256}
	tests := []struct {
		name string
		r    image.Rectangle
		want image.Rectangle
	}{
		{"one tile", image.Rect(0, 0, 256, 256), image.Rect(0, 0, 1, 1)},
		{"straddles", image.Rect(255, 255, 257, 257), image.Rect(0, 0, 2, 2)},
		{"edge", image.Rect(900, 600, 1000, 700), image.Rect(3, 2, 4, 3)},
		{"clipped", image.Rect(-10, -10, 2000, 2000), image.Rect(0, 0, 4, 3)},
		{"outside", image.Rect(1000, 0, 1100, 10), image.Rectangle{}},
		{"empty", image.Rectangle{}, image.Rectangle{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := g.Cover(tt.r); got != tt.want {
				t.Errorf("Cover(%v) = %v, want %v", tt.r, got, tt.want)
			}
			// Every tile listed touches r, and the tiles listed cover r.
			covered := 0
			for _, i := range g.Tiles(tt.r, nil) {
				in := g.Rect(i).Intersect(tt.r)
				if in.Empty() {
					t.Errorf("tile %d does not touch %v", i, tt.r)
				}
				covered += in.Dx() * in.Dy()
			}
			want := tt.r.Intersect(image.Rect(0, 0, g.Width, g.Height))
			if covered != want.Dx()*want.Dy() {
				t.Errorf("tiles cover %d pixels of %v, want %d", covered, tt.r, want.Dx()*want.Dy())
			}
		})
	}
}

func FuzzGrid(f *testing.F) {
	f.Add(1000, 700, 256, 256, 5)
	f.Add(1, 1, 16, 16, 0)
	f.Fuzz(func(t *testing.T, w, h, tw, th, i int) {
		if w <= 0 || h <= 0 || tw <= 0 || th <= 0 || w > 1<<20 || h > 1<<20 || tw > 1<<16 || th > 1<<16 {
			return
		}
		g := Grid{w, h, tw, th}
		if i < 0 || i >= g.Len() {
			return
		}
		col, row := g.Coords(i)
		if g.Index(col, row) != i {
			t.Fatalf("Index(Coords(%d)) = %d", i, g.Index(col, row))
		}
		r := g.Rect(i)
		if r.Empty() || !r.In(image.Rect(0, 0, w, h)) {
			t.Fatalf("Rect(%d) = %v outside %dx%d", i, r, w, h)
		}
		if c := g.Cover(r); c != image.Rect(col, row, col+1, row+1) {
			t.Fatalf("Cover(Rect(%d)) = %v, want tile (%d, %d)", i, c, col, row)
		}
	})
}
