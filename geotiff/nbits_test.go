package geotiff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/gomean/gomean/deflate"
)

// packBits is the slow reference packer: rows of n samples of bits bits,
// most significant bit first, each row padded to a whole byte. 24-bit
// samples of big-endian files are stored least significant byte first, as
// GDAL stores them.
func packBits(vals []uint32, n, bits int, bigEndian24 bool) []byte {
	var out []byte
	for row := 0; row*n < len(vals); row++ {
		var cur []byte
		bit := 0
		for _, v := range vals[row*n : (row+1)*n] {
			if bits == 24 && bigEndian24 {
				cur = append(cur, byte(v), byte(v>>8), byte(v>>16))
				bit += 24
				continue
			}
			for k := bits - 1; k >= 0; k-- {
				if bit%8 == 0 {
					cur = append(cur, 0)
				}
				if v>>k&1 != 0 {
					cur[bit/8] |= 0x80 >> (bit % 8)
				}
				bit++
			}
		}
		out = append(out, cur...)
	}
	return out
}

// widen returns vals as little-endian samples of t.
func widen(vals []uint32, t SampleType) []byte {
	out := make([]byte, len(vals)*t.Size())
	for i, v := range vals {
		t.Put(out[i*t.Size():], float64(v))
	}
	return out
}

// randomSamples returns n values below 2^bits, with 0 and the maximum.
func randomSamples(rng *rand.Rand, n, bits int) []uint32 {
	vals := make([]uint32, n)
	for i := range vals {
		vals[i] = uint32(rng.Uint64N(1 << bits))
	}
	vals[0], vals[n-1] = 0, uint32(1<<bits-1)
	return vals
}

func TestUnpackBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for bits := 1; bits < 32; bits++ {
		typ := packedType(uint64(bits))
		if typ == Invalid {
			continue
		}
		for _, shape := range []struct{ w, spp, rows int }{{1, 1, 1}, {7, 1, 3}, {37, 3, 2}, {16, 2, 4}} {
			for _, big := range []bool{false, true} {
				name := fmt.Sprintf("%d-bit %dx%d×%d big=%v", bits, shape.w, shape.rows, shape.spp, big)
				n := shape.w * shape.spp
				vals := randomSamples(rng, n*shape.rows, bits)
				im := &Image{TileWidth: shape.w, TileHeight: shape.rows, Bands: shape.spp, Planar: PlanarContig,
					BitsPerSample: bits, Type: typ, packed: true}
				src := packBits(vals, n, bits, big)
				if want := shape.rows * im.storedRowBytes(); len(src) != want {
					t.Fatalf("%s: reference packed %d bytes, storedRowBytes says %d", name, len(src), want)
				}
				dst := make([]byte, len(vals)*typ.Size())
				if err := unpackBits(im, dst, src, shape.rows, big); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if want := widen(vals, typ); !bytes.Equal(dst, want) {
					t.Errorf("%s: unpacked\n%v\nwant\n%v", name, dst, want)
				}
			}
		}
	}
}

// TestUnpackMaskPromotes checks that a 1-bit mask IFD reads 0 and 255, and
// that other 1-bit images, and masks with several samples per block, read
// 0 and 1, as GDAL reads them.
func TestUnpackMaskPromotes(t *testing.T) {
	for _, tc := range []struct {
		subfile uint32
		bands   int
		planar  int
		one     byte
	}{
		{SubfileMask, 1, PlanarContig, 255},
		{SubfileMask | SubfileReduced, 1, PlanarContig, 255},
		{SubfileMask, 2, PlanarSeparate, 255},
		{SubfileMask, 2, PlanarContig, 1},
		{0, 1, PlanarContig, 1},
		{SubfileReduced, 1, PlanarContig, 1},
	} {
		im := &Image{TileWidth: 9, TileHeight: 1, Bands: tc.bands, Planar: tc.planar, BitsPerSample: 1,
			Type: Uint8, packed: true, SubfileType: tc.subfile}
		n := 9 * im.TileBands()
		vals := make([]uint32, n)
		for i := range vals {
			vals[i] = uint32(i % 2)
		}
		dst := make([]byte, n)
		if err := unpackBits(im, dst, packBits(vals, n, 1, false), 1, false); err != nil {
			t.Fatal(err)
		}
		for i, v := range dst {
			if want := byte(vals[i]) * tc.one; v != want {
				t.Errorf("subfile %d, %d bands planar %d: sample %d = %d, want %d", tc.subfile, tc.bands, tc.planar, i, v, want)
				break
			}
		}
	}
}

// TestReadNBits decodes small bit-packed images built in memory, in every
// supported compression, both byte orders, stripped and tiled, one and
// three samples per pixel, and compares with the values packed.
func TestReadNBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	enc, err := deflate.NewEncoder(6)
	if err != nil {
		t.Fatal(err)
	}
	zenc, err := deflate.NewZstdEncoder(0)
	if err != nil {
		t.Fatal(err)
	}
	codecs := []struct {
		code Compression
		enc  func([]byte) []byte
	}{
		{CompressionNone, func(b []byte) []byte { return b }},
		{CompressionDeflate, func(b []byte) []byte { out, _ := enc.Encode(nil, b); return out }},
		{CompressionLZW, func(b []byte) []byte { out, _ := deflate.EncodeLZW(nil, b); return out }},
		{CompressionPackBits, func(b []byte) []byte { return deflate.EncodePackBits(nil, b) }},
		{CompressionZSTD, func(b []byte) []byte { out, _ := zenc.Encode(nil, b); return out }},
	}
	const w, h = 21, 5
	for _, bits := range []int{1, 4, 12, 15, 24, 31} {
		typ := packedType(uint64(bits))
		for _, spp := range []int{1, 3} {
			for _, c := range codecs {
				for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
					for _, tiled := range []bool{false, true} {
						name := fmt.Sprintf("%d-bit×%d %v %v tiled=%v", bits, spp, c.code, bo, tiled)
						vals := randomSamples(rng, w*h*spp, bits)
						file, bw, bh := nbitsTIFF(bo, vals, w, h, spp, bits, tiled, c.code, c.enc)
						r, err := openBytes(file)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						im := r.Image()
						if im.Type != typ || im.BitsPerSample != bits || im.Supported() != nil {
							t.Fatalf("%s: type %v, %d bits, %v", name, im.Type, im.BitsPerSample, im.Supported())
						}
						got, err := r.ReadWindow(im, image.Rect(0, 0, w, h), nil, nil)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if want := widen(vals, typ); !bytes.Equal(got, want) {
							t.Fatalf("%s (blocks %dx%d): decoded samples differ", name, bw, bh)
						}
					}
				}
			}
		}
	}
}

// nbitsTIFF builds a PlanarContig image of bit-packed samples: one strip,
// or 16x16 tiles. It returns the file and the block size.
func nbitsTIFF(bo binary.ByteOrder, vals []uint32, w, h, spp, bits int, tiled bool, c Compression,
	enc func([]byte) []byte) ([]byte, int, int) {
	bw, bh := w, h
	if tiled {
		bw, bh = 16, 16
	}
	var data []byte
	var offs, cnts []uint64
	for y0 := 0; y0 < h; y0 += bh {
		for x0 := 0; x0 < w; x0 += bw {
			block := make([]uint32, 0, bw*bh*spp)
			for y := y0; y < y0+bh; y++ {
				for x := x0; x < x0+bw; x++ {
					for s := 0; s < spp; s++ {
						v := uint32(0)
						if x < w && y < h {
							v = vals[(y*w+x)*spp+s]
						}
						block = append(block, v)
					}
				}
			}
			rows := bh
			if !tiled {
				rows = h - y0
				block = block[:rows*bw*spp]
			}
			packed := enc(packBits(block, bw*spp, bits, bo == binary.BigEndian))
			offs = append(offs, dataOff(false)+uint64(len(data)))
			cnts = append(cnts, uint64(len(packed)))
			data = append(data, packed...)
		}
	}
	bps := make([]uint64, spp)
	for i := range bps {
		bps[i] = uint64(bits)
	}
	e := []testEntry{
		{tag: TagImageWidth, typ: Long, vals: []uint64{uint64(w)}},
		{tag: TagImageLength, typ: Long, vals: []uint64{uint64(h)}},
		{tag: TagBitsPerSample, typ: Short, vals: bps},
		{tag: TagCompression, typ: Short, vals: []uint64{uint64(c)}},
		{tag: TagSamplesPerPixel, typ: Short, vals: []uint64{uint64(spp)}},
	}
	if tiled {
		e = append(e, testEntry{tag: TagTileWidth, typ: Long, vals: []uint64{uint64(bw)}},
			testEntry{tag: TagTileLength, typ: Long, vals: []uint64{uint64(bh)}},
			testEntry{tag: TagTileOffsets, typ: Long, vals: offs},
			testEntry{tag: TagTileByteCounts, typ: Long, vals: cnts})
	} else {
		e = append(e, testEntry{tag: TagRowsPerStrip, typ: Long, vals: []uint64{uint64(h)}},
			testEntry{tag: TagStripOffsets, typ: Long, vals: offs},
			testEntry{tag: TagStripByteCounts, typ: Long, vals: cnts})
	}
	return buildTIFF(bo, false, data, e), bw, bh
}

// TestNBitsTypes checks the widened type of every bit depth and the
// formats that are refused.
func TestNBitsTypes(t *testing.T) {
	for _, tc := range []struct {
		bits, format uint64
		want         SampleType
		err          string
	}{
		{1, 1, Uint8, ""}, {7, 1, Uint8, ""}, {9, 1, Uint16, ""}, {15, 1, Uint16, ""},
		{17, 1, Uint32, ""}, {24, 1, Uint32, ""}, {31, 1, Uint32, ""},
		{12, 0, Uint16, ""}, // no SampleFormat tag: unsigned
		{12, 2, Invalid, "12-bit signed integer samples (GDAL reads them as unsigned)"},
		{12, 4, Invalid, "12-bit SampleFormat 4 samples"},
		{24, 3, Invalid, "24-bit floating-point samples"},
		{33, 1, Invalid, "33-bit unsigned integer samples"},
		{48, 1, Invalid, "48-bit unsigned integer samples"},
	} {
		e := stripEntries(false, 8, 1, 16)
		e[2].vals = []uint64{tc.bits}
		if tc.format != 0 {
			e = append(e, testEntry{tag: TagSampleFormat, typ: Short, vals: []uint64{tc.format}})
		}
		r, err := openBytes(buildTIFF(binary.LittleEndian, false, make([]byte, 16), e))
		if err != nil {
			t.Fatalf("%d bits format %d: %v", tc.bits, tc.format, err)
		}
		im := r.Image()
		err = im.Supported()
		switch {
		case tc.err == "" && (err != nil || im.Type != tc.want || im.BitsPerSample != int(tc.bits)):
			t.Errorf("%d bits format %d: type %v, %d bits, %v; want %v", tc.bits, tc.format, im.Type, im.BitsPerSample, err, tc.want)
		case tc.err != "" && (err == nil || err.Error() != "geotiff: unsupported feature: "+tc.err || !errors.As(err, new(UnsupportedError))):
			t.Errorf("%d bits format %d: error %v, want %q", tc.bits, tc.format, err, tc.err)
		}
	}
}

// BenchmarkUnpackBits measures unpacking in MB/s of decoded samples for a
// 512x512 block.
func BenchmarkUnpackBits(b *testing.B) {
	for _, bits := range []int{1, 4, 12, 24} {
		b.Run(fmt.Sprintf("%dbit", bits), func(b *testing.B) {
			typ := packedType(uint64(bits))
			im := &Image{TileWidth: 512, TileHeight: 512, Bands: 1, Planar: PlanarContig, BitsPerSample: bits,
				Type: typ, packed: true}
			src := make([]byte, 512*im.storedRowBytes())
			for i := range src {
				src[i] = byte(i * 7)
			}
			dst := make([]byte, 512*512*typ.Size())
			b.SetBytes(int64(len(dst)))
			for b.Loop() {
				if err := unpackBits(im, dst, src, 512, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
