package deflate

import (
	"bytes"
	stdzlib "compress/zlib"
	"io"
	"os"
	"strings"
	"testing"
)

// stdInflate is compress/zlib through a reused reader, for comparison.
type stdInflate struct {
	src bytes.Reader
	zr  io.ReadCloser
}

func (s *stdInflate) inflate(dst, src []byte) (int, error) {
	s.src.Reset(src)
	var err error
	if s.zr == nil {
		s.zr, err = stdzlib.NewReader(&s.src)
	} else {
		err = s.zr.(stdzlib.Resetter).Reset(&s.src, nil)
	}
	if err != nil {
		return 0, err
	}
	return readAll(s.zr, dst)
}

// BenchmarkInflate decodes the GDAL-made DEFLATE tiles with the
// whole-buffer inflater (own), the klauspost/compress reference and the
// standard library. Compare with: go test -run X -bench Inflate -cpu 1
// -count 10 ./deflate | benchstat -col /dec -
//
// GOMEAN_BENCH_TILES may name a directory with more tiles listed in a
// tiles.txt of the same format as testdata/tiles.txt.
func BenchmarkInflate(b *testing.B) {
	std := new(stdInflate)
	decoders := []struct {
		name string
		fn   func(dst, src []byte) (int, error)
	}{
		{"own", func(dst, src []byte) (int, error) { return inflateBuffer(dst, src, true) }},
		{"klauspost", referenceInflate},
		{"stdlib", std.inflate},
	}
	tiles := loadTiles(b, "testdata")
	if dir := os.Getenv("GOMEAN_BENCH_TILES"); dir != "" {
		tiles = append(tiles, loadTiles(b, dir)...)
	}
	for _, tile := range tiles {
		if tile.codec != "zlib" {
			continue
		}
		for _, dec := range decoders {
			name := strings.TrimSuffix(tile.name, ".zlib")
			b.Run("tile="+name+"/dec="+dec.name, func(b *testing.B) {
				dst := make([]byte, tile.size)
				b.SetBytes(int64(tile.size))
				for b.Loop() {
					if n, err := dec.fn(dst, tile.data); err != nil || n != tile.size {
						b.Fatalf("= %d, %v", n, err)
					}
				}
			})
		}
	}
}
