package geotiff

import (
	"encoding/binary"
	"strings"
	"testing"
)

func TestColorInterp(t *testing.T) {
	colorMap := Fields{{Tag: TagColorMap, Type: Short, Count: 6, Data: make([]byte, 12)}}
	md := func(items ...string) string {
		return "<GDALMetadata>\n" + strings.Join(items, "\n") + "\n</GDALMetadata>\n"
	}
	item := func(sample, value string) string {
		return `  <Item name="COLORINTERP" sample="` + sample + `" role="colorinterp">` + value + `</Item>`
	}
	for _, tc := range []struct {
		name        string
		photometric int
		bands       int
		extra       []int
		fields      Fields
		compression Compression
		metadata    string
		typ         SampleType
		bits        int    // default: the type's
		want        string // per band, space-separated
		alpha       int
	}{
		{name: "gray", photometric: 1, bands: 1, want: "Gray", alpha: -1},
		{name: "min-is-white", photometric: 0, bands: 1, want: "Undefined", alpha: -1},
		{name: "gray+alpha", photometric: 1, bands: 2, extra: []int{2}, want: "Gray Alpha", alpha: 1},
		{name: "gray+premultiplied", photometric: 1, bands: 2, extra: []int{1}, want: "Gray Alpha", alpha: 1},
		{name: "gray+unspecified", photometric: 1, bands: 2, extra: []int{0}, want: "Gray Undefined", alpha: -1},
		{name: "gray, no ExtraSamples", photometric: 1, bands: 2, want: "Gray Undefined", alpha: -1},
		{name: "RGB", photometric: 2, bands: 3, want: "Red Green Blue", alpha: -1},
		{name: "RGBA", photometric: 2, bands: 4, extra: []int{2}, want: "Red Green Blue Alpha", alpha: 3},
		{name: "RGBA UInt16", photometric: 2, bands: 4, extra: []int{2}, typ: Uint16, want: "Red Green Blue Alpha", alpha: 3},
		{name: "RGBA float32: no mask", photometric: 2, bands: 4, extra: []int{2}, typ: Float32, want: "Red Green Blue Alpha", alpha: -1},
		{name: "RGBAA", photometric: 2, bands: 5, extra: []int{2, 2}, want: "Red Green Blue Alpha Alpha", alpha: -1},
		{name: "gray 4 bands, band 4 alpha", photometric: 1, bands: 4, extra: []int{0, 0, 2}, want: "Gray Undefined Undefined Alpha", alpha: 3},
		{name: "ExtraSamples too short", photometric: 1, bands: 4, extra: []int{2}, want: "Gray Undefined Undefined Alpha", alpha: 3},
		{name: "ExtraSamples too long", photometric: 1, bands: 2, extra: []int{0, 2, 2}, want: "Gray Alpha", alpha: 1},
		{name: "CMYK", photometric: 5, bands: 5, extra: []int{2}, want: "Cyan Magenta Yellow Black Alpha", alpha: -1},
		{name: "YCbCr", photometric: 6, bands: 3, want: "YCbCr_Y YCbCr_Cb YCbCr_Cr", alpha: -1},
		{name: "JPEG YCbCr reads RGB", photometric: 6, bands: 3, compression: CompressionJPEG, want: "Red Green Blue", alpha: -1},
		{name: "palette", photometric: 3, bands: 1, fields: colorMap, want: "Palette", alpha: -1},
		{name: "palette without ColorMap", photometric: 3, bands: 1, want: "Undefined", alpha: -1},
		{name: "mask photometric", photometric: 4, bands: 1, want: "Undefined", alpha: -1},
		{name: "1-bit gray is a palette", photometric: 1, bands: 1, bits: 1, want: "Palette", alpha: -1},
		{name: "1-bit RGB is a palette", photometric: 2, bands: 1, bits: 1, want: "Palette", alpha: -1},
		{name: "1-bit 2 bands", photometric: 1, bands: 2, bits: 1, extra: []int{2}, want: "Gray Alpha", alpha: 1},
		{name: "metadata overrides", photometric: 1, bands: 3, extra: []int{0, 2},
			metadata: md(item("0", "Red"), item("1", "green"), item("2", "Alpha")), want: "Red Green Alpha", alpha: -1},
		{name: "metadata makes a 2-band alpha", photometric: 1, bands: 2, metadata: md(item("1", "Alpha")),
			want: "Gray Alpha", alpha: 1},
		{name: "metadata hides an alpha", photometric: 1, bands: 2, extra: []int{2}, metadata: md(item("1", "Undefined")),
			want: "Gray Undefined", alpha: -1},
		{name: "unknown metadata name reads Undefined", photometric: 2, bands: 3, metadata: md(item("0", "Gray ")),
			want: "Undefined Green Blue", alpha: -1},
		{name: "metadata sample out of range ignored", photometric: 1, bands: 1, metadata: md(item("1", "Alpha"), item("x", "Red")),
			want: "Gray", alpha: -1},
		{name: "bad metadata XML ignored", photometric: 1, bands: 1, metadata: "<GDALMetadata><Item role=\"colorinterp\"", want: "Gray", alpha: -1},
		{name: "other roles ignored", photometric: 1, bands: 1,
			metadata: md(`<Item name="SCALE" sample="0" role="scale">Alpha</Item>`, `<Item name="colorinterp">Red</Item>`),
			want:     "Gray", alpha: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ := tc.typ
			if typ == Invalid {
				typ = Uint8
			}
			bits := tc.bits
			if bits == 0 {
				bits = 8 * typ.Size()
			}
			im := &Image{Photometric: tc.photometric, Bands: tc.bands, ExtraSamples: tc.extra, Fields: tc.fields,
				Compression: tc.compression, Type: typ, BitsPerSample: bits}
			im.colorInterp = parseColorInterp(tc.metadata, tc.bands)
			var got []string
			for b := 0; b < tc.bands; b++ {
				got = append(got, im.ColorInterp(b))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("ColorInterp = %s, want %s", g, tc.want)
			}
			if a := im.AlphaBand(); a != tc.alpha {
				t.Errorf("AlphaBand() = %d, want %d", a, tc.alpha)
			}
			if im.ColorInterp(-1) != "Undefined" || im.ColorInterp(tc.bands) != "Undefined" {
				t.Error("a band out of range is not Undefined")
			}
		})
	}
}

// TestExtraSamplesParsed checks that ExtraSamples comes from tag 338, and
// is nil without it.
func TestExtraSamplesParsed(t *testing.T) {
	for _, tc := range []struct {
		extra []uint64
		want  []int
	}{
		{nil, nil},
		{[]uint64{2}, []int{2}},
		{[]uint64{0, 1}, []int{0, 1}},
	} {
		e := stripEntries(false, 2, 1, 2)
		e = append(e, testEntry{tag: TagSamplesPerPixel, typ: Short, vals: []uint64{uint64(1 + len(tc.extra))}})
		if tc.extra != nil {
			e = append(e, testEntry{tag: TagExtraSamples, typ: Short, vals: tc.extra})
		}
		r, err := openBytes(buildTIFF(binary.LittleEndian, false, make([]byte, 2*(1+len(tc.extra))), e))
		if err != nil {
			t.Fatal(err)
		}
		got := r.Image().ExtraSamples
		if (got == nil) != (tc.want == nil) || len(got) != len(tc.want) {
			t.Fatalf("ExtraSamples = %#v, want %#v", got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("ExtraSamples = %v, want %v", got, tc.want)
			}
		}
	}
}

func TestNoDataInteger(t *testing.T) {
	for _, tc := range []struct {
		text     string // "" = no tag
		i        int64
		iok      bool
		u        uint64
		uok      bool
		floatVal float64
	}{
		{text: ""},
		{text: "-9223372036854775807", i: -9223372036854775807, iok: true, floatVal: -9223372036854775808},
		{text: "-9223372036854775808", i: -9223372036854775808, iok: true, floatVal: -9223372036854775808},
		{text: "18446744073709551615", u: 18446744073709551615, uok: true, floatVal: 18446744073709551616},
		{text: "9007199254740993", i: 9007199254740993, iok: true, u: 9007199254740993, uok: true, floatVal: 9007199254740992},
		{text: " 7 ", i: 7, iok: true, u: 7, uok: true, floatVal: 7},
		{text: "0", iok: true, uok: true},
		{text: "-1", i: -1, iok: true, floatVal: -1},
		{text: "1.5", floatVal: 1.5},
		{text: "1e3", floatVal: 1000},
		{text: "nan"},
		{text: "18446744073709551616", floatVal: 18446744073709551616},
	} {
		e := stripEntries(false, 2, 1, 2)
		if tc.text != "" {
			e = append(e, testEntry{tag: TagGDALNoData, typ: ASCII, raw: []byte(tc.text + "\x00")})
		}
		r, err := openBytes(buildTIFF(binary.LittleEndian, false, make([]byte, 2), e))
		if err != nil {
			t.Fatal(err)
		}
		im := r.Image()
		if im.NoDataText != tc.text {
			t.Errorf("NoDataText = %q, want %q", im.NoDataText, tc.text)
		}
		if i, ok := im.NoDataInt64(); i != tc.i || ok != tc.iok {
			t.Errorf("%q: NoDataInt64() = %d, %v; want %d, %v", tc.text, i, ok, tc.i, tc.iok)
		}
		if u, ok := im.NoDataUint64(); u != tc.u || ok != tc.uok {
			t.Errorf("%q: NoDataUint64() = %d, %v; want %d, %v", tc.text, u, ok, tc.u, tc.uok)
		}
		if tc.text != "nan" && im.HasNoData && im.NoData != tc.floatVal {
			t.Errorf("%q: NoData = %v, want %v", tc.text, im.NoData, tc.floatVal)
		}
	}
}
