package geotiff

import (
	"path/filepath"
	"testing"
)

// BenchmarkReadTile measures tile decode throughput in MB/s of decoded
// samples, per codec and predictor, on the GDAL-made fixtures.
func BenchmarkReadTile(b *testing.B) {
	for _, name := range []string{
		"dem/dem_a.tif", // float32 DEFLATE predictor 3, 256x256 tiles
		"types/float32_deflate_p1.tif", "types/float32_zstd_p3.tif", "types/float32_lzw_p3.tif",
		"types/int16_deflate_p2.tif", "types/uint16_zstd_p2.tif", "types/byte_packbits_p1.tif",
		"types/float64_none_p1.tif",
	} {
		b.Run(name, func(b *testing.B) {
			r, err := Open(filepath.Join("..", "testdata", name))
			if err != nil {
				b.Skip(err)
			}
			defer r.Close()
			im := r.Image()
			b.SetBytes(int64(im.TileBytes()))
			buf := make([]byte, im.TileBytes())
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if buf, err = r.ReadTile(im, i%im.NumTiles(), buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
