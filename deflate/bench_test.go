package deflate

import (
	"bytes"
	stdzlib "compress/zlib"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
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

func BenchmarkInflate(b *testing.B) {
	decoders := benchDecoders()
	for _, tile := range loadTiles(b, "testdata") {
		if tile.codec != "zlib" {
			continue
		}
		for _, dec := range decoders {
			name := strings.TrimSuffix(tile.name, ".zlib")
			b.Run("tile="+name+"/dec="+dec.name, func(b *testing.B) {
				dst := make([]byte, tile.size)
				b.SetBytes(int64(tile.size))
				cpuLoop(b, func() {
					if n, err := dec.fn(dst, tile.data); err != nil || n != tile.size {
						b.Fatalf("= %d, %v", n, err)
					}
				})
			})
		}
	}
}

// benchDecoders returns the zlib decoders the benchmarks compare.
func benchDecoders() []struct {
	name string
	fn   func(dst, src []byte) (int, error)
} {
	std := new(stdInflate)
	return []struct {
		name string
		fn   func(dst, src []byte) (int, error)
	}{
		{"own", func(dst, src []byte) (int, error) { return inflateBuffer(dst, src, true) }},
		{"klauspost", referenceInflate},
		{"stdlib", std.inflate},
	}
}

// BenchmarkInflateDir decodes, per op, every zlib tile listed in
// $GOMEAN_BENCH_TILES/tiles.txt (same format as testdata/tiles.txt), for
// example all tiles of a DEM made by ../shared/bench/gen_dem.py; it is
// skipped when the variable is unset.
func BenchmarkInflateDir(b *testing.B) {
	dir := os.Getenv("GOMEAN_BENCH_TILES")
	if dir == "" {
		b.Skip("GOMEAN_BENCH_TILES not set")
	}
	tiles := loadTiles(b, dir)
	total, largest := 0, 0
	for _, t := range tiles {
		total, largest = total+t.size, max(largest, t.size)
	}
	for _, dec := range benchDecoders() {
		b.Run("dec="+dec.name, func(b *testing.B) {
			dst := make([]byte, largest)
			b.SetBytes(int64(total))
			cpuLoop(b, func() {
				for _, t := range tiles {
					if n, err := dec.fn(dst[:t.size], t.data); err != nil || n != t.size {
						b.Fatalf("%s: = %d, %v", t.name, n, err)
					}
				}
			})
		})
	}
}

// BenchmarkEncodePred3 encodes the decoded GDAL predictor-3 float32 tile
// (byte-plane-shuffled floats) with the package's Huffman-only encoder
// (own-huffman), klauspost's Huffman-only mode and Encoder level 1;
// bytes is the stream size.
func BenchmarkEncodePred3(b *testing.B) {
	var raw []byte
	for _, tile := range loadTiles(b, "testdata") {
		if tile.name == "dem_f32_pred3.zlib" {
			raw = make([]byte, tile.size)
			if _, err := Inflate(raw, tile.data); err != nil {
				b.Fatal(err)
			}
		}
	}
	level1, err := NewEncoder(BestSpeed)
	if err != nil {
		b.Fatal(err)
	}
	kp, err := flate.NewWriter(nil, flate.HuffmanOnly)
	if err != nil {
		b.Fatal(err)
	}
	var kpOut appendWriter
	for _, enc := range []struct {
		name string
		fn   func(dst, src []byte) []byte
	}{
		{"own-huffman", appendHuffmanOnly},
		{"klauspost-huffman", func(dst, src []byte) []byte {
			kpOut.b = dst
			kp.Reset(&kpOut)
			kp.Write(src)
			kp.Close()
			return kpOut.b
		}},
		{"level1", func(dst, src []byte) []byte {
			out, _ := level1.Encode(dst, src)
			return out
		}},
	} {
		b.Run("enc="+enc.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			var out []byte
			cpuLoop(b, func() { out = enc.fn(out[:0], raw) })
			b.ReportMetric(float64(len(out)), "bytes")
		})
	}
}

// BenchmarkInflateStrips decodes, per op, 32 GDAL-made one-row strips of
// a 1440-pixel float32 daily grid (5,760 bytes each, one dynamic block
// per strip: GDAL's default layout for untiled files), without a
// predictor and with predictor 3 (make_strips.py). On streams this small
// the per-block work (reading the header, building the tables) weighs as
// much as decoding the symbols.
func BenchmarkInflateStrips(b *testing.B) {
	for _, name := range stripFiles {
		strips := loadStrips(b, name)
		total := 0
		for _, s := range strips {
			total += s.size
		}
		for _, dec := range benchDecoders() {
			b.Run("strips="+strings.TrimSuffix(name, ".bin")+"/dec="+dec.name, func(b *testing.B) {
				dst := make([]byte, strips[0].size)
				b.SetBytes(int64(total))
				cpuLoop(b, func() {
					for _, s := range strips {
						if n, err := dec.fn(dst[:s.size], s.data); err != nil || n != s.size {
							b.Fatalf("%s: = %d, %v", s.name, n, err)
						}
					}
				})
			})
		}
	}
}

// BenchmarkDynamicHeader reads, per op, the dynamic block header of each
// GDAL-made one-row strip and builds its tables (readDynamicTables): the
// per-stream work that BenchmarkInflateStrips also pays.
func BenchmarkDynamicHeader(b *testing.B) {
	for _, name := range stripFiles {
		strips := loadStrips(b, name)
		b.Run("strips="+strings.TrimSuffix(name, ".bin"), func(b *testing.B) {
			d := new(inflater)
			dst := make([]byte, strips[0].size)
			cpuLoop(b, func() {
				for _, s := range strips {
					body, err := zlibBody(s.data)
					if err != nil {
						b.Fatal(err)
					}
					d.in, d.ip, d.bitbuf, d.bitsleft, d.overread = body, 0, 0, 0, 0
					d.out, d.op = dst[:s.size], 0
					if h, err := d.bits(3); err != nil || h>>1 != 2 {
						b.Fatalf("%s: block header %d, %v; want a dynamic block", s.name, h, err)
					}
					if err := d.readDynamicTables(); err != nil {
						b.Fatalf("%s: %v", s.name, err)
					}
				}
			})
		})
	}
}
