package overview

import (
	"context"
	"fmt"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// BenchmarkBuilder reduces a one-band float32 raster into all its levels:
// 4096² (exact 2×2 blocks) and 4097² (GDAL's weighted 3-pixel windows at
// level 1).
func BenchmarkBuilder(b *testing.B) {
	for _, size := range []int{4096, 4097} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			const tw = 512
			tl := Tiling{TileWidth: tw, TileHeight: tw, Samples: 1, Type: geotiff.Float32, HasNoData: true, NoData: -9999, Fill: -9999}
			tile := make([]float64, tw*tw)
			for i := range tile {
				tile[i] = float64(i % 1000)
			}
			src := put(geotiff.Float32, tile)
			levels := Count(size, size, tw)
			b.SetBytes(int64(size) * int64(size) * 4)
			for b.Loop() {
				bl, err := NewBuilder(Config{Tiling: tl, Width: size, Height: size, Levels: levels}, func(context.Context, int, int, []byte, []byte) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				for i := range bl.NumTiles(0) {
					if err := bl.Add(context.Background(), i, src, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
