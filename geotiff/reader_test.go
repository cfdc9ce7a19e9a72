package geotiff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"io"
	"strings"
	"testing"
)

func openBytes(b []byte) (*Reader, error) {
	return NewReaderOptions(bytes.NewReader(b), int64(len(b)), ReaderOptions{Name: "mem.tif"})
}

func TestReadStripBothOrders(t *testing.T) {
	pix := []byte{1, 2, 3, 4, 5, 6}
	for _, tc := range []struct {
		name  string
		order binary.ByteOrder
		big   bool
	}{
		{"II classic", binary.LittleEndian, false},
		{"MM classic", binary.BigEndian, false},
		{"II BigTIFF", binary.LittleEndian, true},
		{"MM BigTIFF", binary.BigEndian, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := openBytes(buildTIFF(tc.order, tc.big, pix, stripEntries(tc.big, 3, 2, len(pix))))
			if err != nil {
				t.Fatal(err)
			}
			if r.BigTIFF() != tc.big || r.ByteOrder() != tc.order {
				t.Errorf("BigTIFF, order = %v, %v; want %v, %v", r.BigTIFF(), r.ByteOrder(), tc.big, tc.order)
			}
			im := r.Image()
			got, err := r.ReadWindow(im, image.Rect(1, 0, 3, 2), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := []byte{2, 3, 5, 6}; !bytes.Equal(got, want) {
				t.Errorf("window = %v, want %v", got, want)
			}
		})
	}
}

// TestReadUint16BigEndianPredictor checks byte swapping before the
// horizontal predictor is undone.
func TestReadUint16BigEndianPredictor(t *testing.T) {
	vals := []uint16{1000, 1001, 999, 65535} // one row, differenced
	var data []byte
	prev := uint16(0)
	for i, v := range vals {
		d := v
		if i > 0 {
			d = v - prev
		}
		prev = v
		data = binary.BigEndian.AppendUint16(data, d)
	}
	e := stripEntries(false, 4, 1, len(data))
	e[2].vals = []uint64{16}
	e = append(e, testEntry{tag: TagPredictor, typ: Short, vals: []uint64{2}})
	r, err := openBytes(buildTIFF(binary.BigEndian, false, data, e))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.ReadTile(r.Image(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if g := binary.LittleEndian.Uint16(got[2*i:]); g != v {
			t.Errorf("sample %d = %d, want %d", i, g, v)
		}
	}
}

func TestReaderErrors(t *testing.T) {
	pix := make([]byte, 6)
	good := func() []testEntry { return stripEntries(false, 3, 2, len(pix)) }
	// withAll returns good() with each of set replacing the entry of its
	// tag, or added.
	withAll := func(set ...testEntry) []testEntry {
		es := good()
	next:
		for _, e := range set {
			for i := range es {
				if es[i].tag == e.tag {
					es[i] = e
					continue next
				}
			}
			es = append(es, e)
		}
		return es
	}
	with := func(tag Tag, e testEntry) []testEntry { return withAll(e) }
	rowsAndCodec := func(rows, codec uint64) []testEntry {
		return withAll(testEntry{tag: TagRowsPerStrip, typ: Long, vals: []uint64{rows}},
			testEntry{tag: TagImageLength, typ: Long, vals: []uint64{rows}},
			testEntry{tag: TagCompression, typ: Short, vals: []uint64{codec}})
	}
	tests := []struct {
		name    string
		file    []byte
		openErr string // substring of the error from open; "" = opens
		readErr string // substring of the error from ReadTile(0)
		typ     any    // error type the read or open error must match
	}{
		{name: "empty", file: nil, openErr: "shorter than a TIFF header", typ: new(FormatError)},
		{name: "bad magic", file: []byte("XX*\x00\x08\x00\x00\x00"), openErr: "byte order mark", typ: new(FormatError)},
		{name: "bad version", file: []byte("II\x2b\x01\x08\x00\x00\x00"), openErr: "version 299", typ: new(FormatError)},
		{name: "IFD past EOF", file: []byte("II*\x00\xff\xff\x00\x00"), openErr: "unexpected EOF"},
		{name: "zero size", file: buildTIFF(binary.LittleEndian, false, pix, with(TagImageWidth,
			testEntry{tag: TagImageWidth, typ: Long, vals: []uint64{0}})), openErr: "image size 0x2", typ: new(FormatError)},
		{name: "count beyond file", file: buildTIFF(binary.LittleEndian, false, pix, with(TagSoftware,
			testEntry{tag: TagSoftware, typ: Double, count: 1 << 30, raw: []byte{0, 0, 0, 0}})),
			openErr: "exceeds the file size", typ: new(FormatError)},
		{name: "huge tiles", file: buildTIFF(binary.LittleEndian, false, pix, append(good(),
			testEntry{tag: TagTileWidth, typ: Long, vals: []uint64{1 << 30}},
			testEntry{tag: TagTileLength, typ: Long, vals: []uint64{1 << 30}},
			testEntry{tag: TagTileOffsets, typ: Long, vals: []uint64{8}},
			testEntry{tag: TagTileByteCounts, typ: Long, vals: []uint64{6}})),
			openErr: "exceeds limit", typ: new(FormatError)},
		{name: "too few offsets", file: buildTIFF(binary.LittleEndian, false, pix, with(TagRowsPerStrip,
			testEntry{tag: TagRowsPerStrip, typ: Long, vals: []uint64{1}})),
			openErr: "want 2", typ: new(FormatError)},
		{name: "strip past EOF", file: buildTIFF(binary.LittleEndian, false, pix, with(TagStripOffsets,
			testEntry{tag: TagStripOffsets, typ: Long, vals: []uint64{1 << 31}})),
			readErr: "past the end", typ: new(FormatError)},
		{name: "JPEG", file: buildTIFF(binary.LittleEndian, false, pix, append(good(),
			testEntry{tag: TagCompression, typ: Short, vals: []uint64{7}})),
			readErr: "compression JPEG (7)", typ: new(UnsupportedError)},
		{name: "4-bit signed", file: buildTIFF(binary.LittleEndian, false, pix, withAll(testEntry{tag: TagBitsPerSample, typ: Short, vals: []uint64{4}},
			testEntry{tag: TagSampleFormat, typ: Short, vals: []uint64{2}})),
			readErr: "4-bit signed integer samples (GDAL reads them as unsigned)", typ: new(UnsupportedError)},
		{name: "4-bit undefined format", file: buildTIFF(binary.LittleEndian, false, pix, withAll(testEntry{tag: TagBitsPerSample, typ: Short, vals: []uint64{4}},
			testEntry{tag: TagSampleFormat, typ: Short, vals: []uint64{4}})),
			readErr: "4-bit SampleFormat 4 samples", typ: new(UnsupportedError)},
		{name: "48-bit", file: buildTIFF(binary.LittleEndian, false, pix, with(TagBitsPerSample,
			testEntry{tag: TagBitsPerSample, typ: Short, vals: []uint64{48}})),
			readErr: "48-bit unsigned integer", typ: new(UnsupportedError)},
		{name: "4-bit predictor 2", file: buildTIFF(binary.LittleEndian, false, pix, withAll(testEntry{tag: TagBitsPerSample, typ: Short, vals: []uint64{4}},
			testEntry{tag: TagPredictor, typ: Short, vals: []uint64{2}})),
			readErr: "predictor 2 (horizontal differencing) with 4-bit samples", typ: new(UnsupportedError)},
		{name: "short uncompressed strip", file: buildTIFF(binary.LittleEndian, false, pix, with(TagStripByteCounts,
			testEntry{tag: TagStripByteCounts, typ: Long, vals: []uint64{5}})),
			readErr: "5 bytes of uncompressed data cannot hold the 6 bytes of 2 rows", typ: new(FormatError)},
		{name: "DEFLATE ratio", file: buildTIFF(binary.LittleEndian, false, pix, rowsAndCodec(3000, 8)), // 3000 rows x 3 > 6 x 1032
			readErr: "6 compressed bytes cannot hold 9000 decoded bytes (DEFLATE expands at most 1032:1)", typ: new(FormatError)},
		{name: "PackBits ratio", file: buildTIFF(binary.LittleEndian, false, pix, rowsAndCodec(200, 32773)),
			readErr: "6 compressed bytes cannot hold 600 decoded bytes (PackBits expands at most 64:1)", typ: new(FormatError)},
		{name: "LZW bound", file: buildTIFF(binary.LittleEndian, false, pix, rowsAndCodec(100, 5)),
			readErr: "6 compressed bytes cannot hold 300 decoded bytes (LZW: 6 codes of at least 9 bits yield at most 21 bytes)",
			typ:     new(FormatError)},
		{name: "ZSTD ratio", file: buildTIFF(binary.LittleEndian, false, pix, withAll(
			testEntry{tag: TagImageWidth, typ: Long, vals: []uint64{200000}},
			testEntry{tag: TagCompression, typ: Short, vals: []uint64{50000}})),
			readErr: "6 compressed bytes cannot hold 400000 decoded bytes (ZSTD expands at most 32768:1)", typ: new(FormatError)},
		{name: "truncated deflate", file: buildTIFF(binary.LittleEndian, false, pix, append(good(),
			testEntry{tag: TagCompression, typ: Short, vals: []uint64{8}})),
			readErr: "DEFLATE data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := openBytes(tc.file)
			if tc.openErr != "" {
				checkErr(t, err, tc.openErr, tc.typ)
				return
			}
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			_, err = r.ReadTile(r.Image(), 0, nil)
			checkErr(t, err, tc.readErr, tc.typ)
			if err != nil && !strings.Contains(err.Error(), "mem.tif: ifd 0: strip 0") {
				t.Errorf("error %q does not name the file, IFD and strip", err)
			}
		})
	}
}

func checkErr(t *testing.T, err error, want string, typ any) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if typ != nil && !errors.As(err, typ) {
		t.Errorf("error %q is not a %T", err, typ)
	}
}

func TestIFDLoop(t *testing.T) {
	pix := make([]byte, 6)
	b := buildTIFF(binary.LittleEndian, false, pix, stripEntries(false, 3, 2, len(pix)))
	// Point the next-IFD offset (the IFD's last 4 bytes) back at the IFD.
	ifd := binary.LittleEndian.Uint32(b[4:])
	n := binary.LittleEndian.Uint16(b[ifd:])
	binary.LittleEndian.PutUint32(b[int(ifd)+2+12*int(n):], ifd)
	r, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Images()) != 1 || len(r.Warnings()) != 1 || !strings.Contains(r.Warnings()[0], "loops") {
		t.Errorf("images %d, warnings %q: want 1 image and a loop warning", len(r.Images()), r.Warnings())
	}
}

func TestSparseTileReadsNoData(t *testing.T) {
	e := stripEntries(false, 2, 1, 0)
	e[2].vals = []uint64{16}
	e[4].vals = []uint64{0} // byte count 0: sparse
	e = append(e, testEntry{tag: TagSampleFormat, typ: Short, vals: []uint64{2}},
		testEntry{tag: TagGDALNoData, typ: ASCII, raw: []byte("-9999\x00")})
	r, err := openBytes(buildTIFF(binary.LittleEndian, false, nil, e))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.ReadTile(r.Image(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if v := Int16.Get(got[2*i:]); v != -9999 {
			t.Errorf("sample %d = %v, want -9999", i, v)
		}
	}
}

func TestTruncatedReader(t *testing.T) {
	// A file whose ReaderAt returns fewer bytes than its claimed size.
	pix := make([]byte, 6)
	b := buildTIFF(binary.LittleEndian, false, pix, stripEntries(false, 3, 2, len(pix)))
	_, err := NewReader(bytes.NewReader(b[:20]), int64(len(b)))
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want unexpected EOF", err)
	}
}
