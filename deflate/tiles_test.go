package deflate

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gdalTile is one GDAL-encoded tile from testdata (see make_tiles.py).
type gdalTile struct {
	name, codec string
	size        int
	crc         uint32
	data        []byte
}

// loadTiles reads dir/tiles.txt and the tile files it lists.
func loadTiles(t testing.TB, dir string) []gdalTile {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "tiles.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tiles []gdalTile
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 4 {
			t.Fatalf("tiles.txt: bad line %q", s.Text())
		}
		size, err1 := strconv.Atoi(fields[2])
		crc, err2 := strconv.ParseUint(fields[3], 16, 32)
		data, err3 := os.ReadFile(filepath.Join(dir, fields[0]))
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("tiles.txt: line %q: %v %v %v", s.Text(), err1, err2, err3)
		}
		tiles = append(tiles, gdalTile{fields[0], fields[1], size, uint32(crc), data})
	}
	if len(tiles) == 0 {
		t.Fatal("tiles.txt lists no tiles")
	}
	return tiles
}

// decoders by tiles.txt codec name.
var tileDecoders = map[string]func(dst, src []byte) (int, error){
	"zlib":     Inflate,
	"lzw":      DecodeLZW,
	"packbits": DecodePackBits,
	"zstd":     DecodeZstd,
}

// TestGDALTiles decodes every GDAL-made tile and checks size and CRC-32
// of the output against what GDAL/zlib decoded when the tile was made.
func TestGDALTiles(t *testing.T) {
	for _, tile := range loadTiles(t, "testdata") {
		t.Run(tile.name, func(t *testing.T) {
			decode := tileDecoders[tile.codec]
			if decode == nil {
				t.Fatalf("unknown codec %q", tile.codec)
			}
			dst := make([]byte, tile.size)
			n, err := decode(dst, tile.data)
			if err != nil || n != tile.size {
				t.Fatalf("decode = %d, %v; want %d, nil", n, err, tile.size)
			}
			if got := crc32.ChecksumIEEE(dst); got != tile.crc {
				t.Errorf("crc32 = %08x; want %08x", got, tile.crc)
			}
			// One byte short must be reported, not silently cut.
			if tile.size > 0 && (tile.codec == "zlib" || tile.codec == "zstd") {
				if _, err := decode(dst[:tile.size-1], tile.data); err == nil {
					t.Errorf("decode into %d bytes: no error", tile.size-1)
				}
			}
		})
	}
}

// TestEncodeLZWMatchesGDAL re-encodes a GDAL LZW tile's data: EncodeLZW
// writes libtiff's codes (Clear at start and at 4094 entries, early
// change), so the streams must be identical byte for byte.
func TestEncodeLZWMatchesGDAL(t *testing.T) {
	for _, tile := range loadTiles(t, "testdata") {
		if tile.codec != "lzw" {
			continue
		}
		dst := make([]byte, tile.size)
		if _, err := DecodeLZW(dst, tile.data); err != nil {
			t.Fatal(err)
		}
		enc, _ := EncodeLZW(nil, dst)
		back := make([]byte, tile.size)
		if n, err := DecodeLZW(back, enc); err != nil || n != tile.size || crc32.ChecksumIEEE(back) != tile.crc {
			t.Errorf("%s: re-encoded stream decodes to %d bytes, %v", tile.name, n, err)
		}
		if !bytes.Equal(enc, tile.data) {
			t.Errorf("%s: EncodeLZW wrote %d bytes, libtiff %d; streams differ", tile.name, len(enc), len(tile.data))
		}
	}
}

// loadStrips reads a file of GDAL-made strips written by make_strips.py:
// records of compressed size, decoded size and CRC-32 (little-endian
// uint32 each) followed by the compressed strip.
func loadStrips(t testing.TB, name string) []gdalTile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var strips []gdalTile
	for len(data) > 0 {
		if len(data) < 12 {
			t.Fatalf("%s: %d bytes left, want a 12-byte record header", name, len(data))
		}
		n := int(binary.LittleEndian.Uint32(data))
		size := int(binary.LittleEndian.Uint32(data[4:]))
		crc := binary.LittleEndian.Uint32(data[8:])
		if n > len(data)-12 {
			t.Fatalf("%s: record of %d bytes, %d left", name, n, len(data)-12)
		}
		strips = append(strips, gdalTile{fmt.Sprintf("%s#%d", name, len(strips)), "zlib", size, crc, data[12 : 12+n]})
		data = data[12+n:]
	}
	if len(strips) == 0 {
		t.Fatalf("%s holds no strips", name)
	}
	return strips
}

// stripFiles are the files of GDAL-made one-row strips (make_strips.py).
var stripFiles = []string{"daily_strips.bin", "daily_strips_pred3.bin"}

// TestGDALStrips decodes the GDAL-made one-row strips (5,760 bytes each,
// one dynamic block per strip) with the fast and the careful loop.
func TestGDALStrips(t *testing.T) {
	for _, name := range stripFiles {
		for _, s := range loadStrips(t, name) {
			for _, slow := range []bool{false, true} {
				dst := make([]byte, s.size)
				n, err := inflateWith(dst, s.data, true, slow)
				if err != nil || n != s.size {
					t.Fatalf("%s (slow %v): decode = %d, %v; want %d, nil", s.name, slow, n, err, s.size)
				}
				if got := crc32.ChecksumIEEE(dst); got != s.crc {
					t.Errorf("%s (slow %v): crc32 = %08x; want %08x", s.name, slow, got, s.crc)
				}
			}
		}
	}
}
