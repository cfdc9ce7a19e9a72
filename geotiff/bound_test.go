package geotiff

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"os"
	"testing"

	"github.com/gomean/gomean/deflate"
	"github.com/klauspost/compress/zstd"
)

// TestMaxDecodedHolds compresses the data each codec shrinks most (long
// runs of one byte) with real encoders at their strongest, and checks that
// the bound is at least what the stream decodes to: a bound below it would
// refuse valid files.
func TestMaxDecodedHolds(t *testing.T) {
	zl := func(b []byte) []byte {
		var buf bytes.Buffer
		w, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	enc, err := deflate.NewEncoder(9)
	if err != nil {
		t.Fatal(err)
	}
	zenc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		t.Fatal(err)
	}
	defer zenc.Close()
	codecs := []struct {
		name string
		c    Compression
		enc  func([]byte) []byte
	}{
		{"zlib", CompressionDeflate, zl},
		{"deflate", CompressionDeflate, func(b []byte) []byte { out, _ := enc.Encode(nil, b); return out }},
		{"lzw", CompressionLZW, func(b []byte) []byte { out, _ := deflate.EncodeLZW(nil, b); return out }},
		{"packbits", CompressionPackBits, func(b []byte) []byte { return deflate.EncodePackBits(nil, b) }},
		{"zstd", CompressionZSTD, func(b []byte) []byte { return zenc.EncodeAll(b, nil) }},
	}
	for _, c := range codecs {
		for _, n := range []int{1, 2, 100, 4096, 1 << 20, 8 << 20} {
			src := bytes.Repeat([]byte{7}, n)
			comp := c.enc(src)
			most, why := maxDecoded(c.c, uint64(len(comp)))
			if most < uint64(n) {
				t.Errorf("%s: %d bytes compressed to %d; bound %d (%s) is below", c.name, n, len(comp), most, why)
			}
			if c.c == CompressionZSTD {
				if zm, why := zstdMaxDecoded(comp); zm < uint64(n) {
					t.Errorf("zstd frames: %d bytes compressed to %d; bound %d (%s) is below", n, len(comp), zm, why)
				}
			}
		}
	}
}

// TestMaxDecodedValues pins the bounds.
func TestMaxDecodedValues(t *testing.T) {
	for _, tc := range []struct {
		c    Compression
		cnt  uint64
		want uint64
	}{
		{CompressionNone, 10, 10},
		{CompressionDeflate, 84, 85 * 1032},
		{CompressionDeflateOld, 0, 1032},
		{CompressionPackBits, 16, 1024},
		{CompressionLZW, 4, 10},              // 4 codes: 1+2+3+4
		{CompressionLZW, 10000, 8889 * 4096}, // 8889 codes: capped by the table size
		{CompressionZSTD, 3, 3 * 32768},
		{CompressionDeflate, 1 << 62, ^uint64(0)}, // saturates
		{CompressionJPEG, 1, ^uint64(0)},          // no bound
	} {
		if got, why := maxDecoded(tc.c, tc.cnt); got != tc.want {
			t.Errorf("maxDecoded(%v, %d) = %d (%s), want %d", tc.c, tc.cnt, got, why, tc.want)
		}
	}
}

// zstdFrameBytes builds a frame header with the given descriptor and
// fields, followed by blocks.
func zstdFrameBytes(fhd byte, fields []byte, blocks ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0xFD2FB528)
	b = append(b, fhd)
	b = append(b, fields...)
	for _, blk := range blocks {
		b = append(b, blk...)
	}
	return b
}

// zstdBlock returns a block header and content: typ 0 raw (size bytes
// follow), 1 RLE (one byte follows), 2 compressed (size bytes follow).
func zstdBlock(last bool, typ, size int) []byte {
	h := uint32(size)<<3 | uint32(typ)<<1
	if last {
		h |= 1
	}
	b := []byte{byte(h), byte(h >> 8), byte(h >> 16)}
	switch typ {
	case 1:
		return append(b, 0)
	default:
		return append(b, make([]byte, size)...)
	}
}

func TestZstdMaxDecoded(t *testing.T) {
	le32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	skippable := append(append(le32(0x184D2A5F), le32(3)...), 1, 2, 3)
	for _, tc := range []struct {
		name string
		src  []byte
		want uint64
	}{
		{"single segment, 1-byte size", zstdFrameBytes(0x20, []byte{200}, zstdBlock(true, 1, 5000)), 200},
		{"2-byte size is +256", zstdFrameBytes(0x60, []byte{0, 1}, zstdBlock(true, 1, 5000)), 512},
		{"4-byte size, window, dict id, checksum",
			append(zstdFrameBytes(0x80|0x04|0x02, append([]byte{0x50, 9, 9}, le32(70000)...), zstdBlock(true, 2, 10)), 1, 2, 3, 4), 70000},
		{"8-byte size larger than the blocks", zstdFrameBytes(0xC0, append([]byte{0x50}, binary.LittleEndian.AppendUint64(nil, 1<<40)...),
			zstdBlock(false, 0, 10), zstdBlock(true, 1, 300)), 310},
		{"no size: raw + RLE + compressed", zstdFrameBytes(0x00, []byte{0x50},
			zstdBlock(false, 0, 10), zstdBlock(false, 1, 300), zstdBlock(true, 2, 4)), 10 + 300 + 128<<10},
		{"two frames and a skippable one", append(append(
			zstdFrameBytes(0x20, []byte{100}, zstdBlock(true, 1, 100)), skippable...),
			zstdFrameBytes(0x20, []byte{50}, zstdBlock(true, 1, 50))...), 150},
		{"truncated block: ratio bound of the rest", zstdFrameBytes(0x20, []byte{100}, zstdBlock(true, 0, 100))[:20], 20 * 32768},
		{"not zstd", []byte("not a zstd frame at all"), 23 * 32768},
		{"reserved block type", zstdFrameBytes(0x20, []byte{100}, []byte{0x07, 0, 0}), 9 * 32768},
	} {
		if got, why := zstdMaxDecoded(tc.src); got != tc.want {
			t.Errorf("%s: %d (%s), want %d", tc.name, got, why, tc.want)
		}
	}
}

// TestZstdMaxDecodedReal checks the frame walk on frames klauspost writes,
// with and without a content size.
func TestZstdMaxDecodedReal(t *testing.T) {
	for _, single := range []bool{true, false} {
		enc, err := zstd.NewWriter(nil, zstd.WithSingleSegment(single), zstd.WithEncoderCRC(true))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 1000, 300 << 10} {
			src := make([]byte, n)
			for i := range src {
				src[i] = byte(i * i >> 3)
			}
			comp := enc.EncodeAll(src, nil)
			if got, why := zstdMaxDecoded(comp); got < uint64(n) {
				t.Errorf("single=%v n=%d: bound %d (%s) below the data", single, n, got, why)
			}
		}
		enc.Close()
	}
}

func ExampleReader_ReadTile_refusesImpossibleBlocks() {
	name := "../testdata/hostile/alloc_deflate_1gib_tile.tif"
	data, err := os.ReadFile(name)
	if err != nil {
		fmt.Println(err)
		return
	}
	// 1 GiB blocks are allowed (the default on 64-bit systems; 32-bit
	// ones allow 256 MiB and would refuse the file at open).
	r, err := NewReaderOptions(bytes.NewReader(data), int64(len(data)),
		ReaderOptions{Name: name, Limits: Limits{MaxTileBytes: 1 << 30}})
	if err != nil {
		fmt.Println(err)
		return
	}
	im := r.Image()
	_, err = r.ReadTile(im, 0, nil) // refused before the 1 GiB tile is allocated
	fmt.Println(err)
	// Output:
	// ../testdata/hostile/alloc_deflate_1gib_tile.tif: ifd 0: tile 0 (col 0, row 0): geotiff: invalid format: 84 compressed bytes cannot hold 1073741824 decoded bytes (DEFLATE expands at most 1032:1)
}

// TestFitsDecoded checks that the quick check of checkBlock agrees with
// maxDecoded: it never passes a block maxDecoded refuses, and decides
// DEFLATE and uncompressed blocks as maxDecoded does.
func TestFitsDecoded(t *testing.T) {
	comps := []Compression{CompressionNone, CompressionDeflate, CompressionDeflateOld, CompressionLZW, CompressionPackBits, CompressionZSTD}
	sizes := []uint64{0, 1, 2, 9, 100, 1031, 1032, 1033, 65536, 1 << 40, 1<<64 - 1}
	for _, c := range comps {
		for _, cnt := range sizes {
			for _, need := range sizes {
				most, _ := maxDecoded(c, cnt)
				fits := fitsDecoded(c, cnt, need)
				if fits && most < need {
					t.Errorf("%v: fitsDecoded(%d, %d) passes what maxDecoded (%d) refuses", c, cnt, need, most)
				}
				exact := c == CompressionNone || c == CompressionDeflate || c == CompressionDeflateOld
				if exact && fits != (most >= need) {
					t.Errorf("%v: fitsDecoded(%d, %d) = %v, maxDecoded gives %d", c, cnt, need, fits, most)
				}
			}
		}
	}
}
