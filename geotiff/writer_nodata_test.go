package geotiff

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormatNoDataType(t *testing.T) {
	for _, tc := range []struct {
		typ  SampleType
		v    float64
		want string
	}{
		{Uint8, 255, "255"},
		{Int16, -32768, "-32768"},
		{Uint16, 65535, "65535"},
		{Int32, -2147483648, "-2147483648"},
		{Uint32, 4294967295, "4294967295"},
		{Int64, -9223372036854775808, "-9223372036854775808"},
		{Int64, math.MaxInt64, "9223372036854775807"}, // float64(MaxInt64) is 2^63
		{Int64, -9999, "-9999"},
		{Uint64, math.MaxUint64, "18446744073709551615"}, // 2^64
		{Uint64, 1e300, "18446744073709551615"},
		{Int8, -1000, "-128"},
		{Uint8, 2.5, "3"},
		{Int32, math.NaN(), "nan"},
		{Float32, -3.4e38, "-3.39999995214436425e+38"}, // what gdal_translate -ot Float32 writes
		{Float32, -88.8888, "-88.8888015747070312"},
		{Float32, -9999, "-9999"},
		{Float32, math.NaN(), "nan"},
		{Float32, math.Inf(-1), "-inf"},
		{Float64, -88.8888, "-88.8888000000000034"},
		{Float64, 0.1, "0.100000000000000006"},
		{Float64, math.Inf(1), "inf"},
		{Invalid, 1.5, "1.5"},
	} {
		if got := FormatNoDataType(tc.typ, tc.v); got != tc.want {
			t.Errorf("FormatNoDataType(%v, %v) = %q, want %q", tc.typ, tc.v, got, tc.want)
		}
	}
}

func TestNoDataValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  SampleType
		v    float64
		text string // checked with checkNoDataText when not ""
		want string // error substring; "" for none
	}{
		{"byte range", Uint8, 256, "", "geotiff: nodata 256 is not a value of Byte: want an integer in [0, 255]"},
		{"byte negative", Uint8, -1, "", "want an integer in [0, 255]"},
		{"int16 fraction", Int16, 0.5, "", "nodata 0.5 is not a value of Int16"},
		{"int32 nan", Int32, math.NaN(), "", "nodata NaN is not a value of Int32"},
		{"uint64 inf", Uint64, math.Inf(1), "", "want an integer in [0, 18446744073709551615]"},
		{"int64 max", Int64, math.MaxInt64, "", ""},
		{"float32 range", Float32, -1e39, "", "geotiff: nodata -1e+39 out of range of Float32"},
		{"float32 near max", Float32, 3.40282347e38, "", ""},
		{"float32 -inf", Float32, math.Inf(-1), "", ""},
		{"float64 any", Float64, 1e300, "", ""},
		{"text int64 max", Int64, 0, "9223372036854775807", ""},
		{"text int64 over", Int64, 0, "9223372036854775808", `geotiff: invalid nodata text "9223372036854775808" for Int64: want a decimal integer in [-9223372036854775808, 9223372036854775807]`},
		{"text uint64 max", Uint64, 0, "18446744073709551615", ""},
		{"text uint64 negative", Uint64, 0, "-1", "want a decimal integer in [0, 18446744073709551615]"},
		{"text float for int", Int16, 0, "-9999.0", `invalid nodata text "-9999.0" for Int16`},
		{"text exponent for int", Int64, 0, "-9.22337203685477581e+18", "for Int64"},
		{"text spaces", Int16, 0, " 1", "for Int16"},
		{"text byte", Uint8, 0, "255", ""},
		{"text byte out of range", Uint8, 0, "-10000", ""},
		{"text float32", Float32, 0, "-3.4e+38", ""},
		{"text float32 range", Float32, 0, "1e39", "out of range of Float32"},
		{"text nan", Float64, 0, "nan", ""},
		{"text hex float", Float64, 0, "0x1p-2", "want a decimal number, nan, inf or -inf"},
		{"text junk", Float64, 0, "-9999abc", `invalid nodata text "-9999abc" for Float64`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.text != "" {
				_, err = checkNoDataText(tc.typ, tc.text)
			} else {
				_, err = noDataText(tc.typ, tc.v)
			}
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("got error %v, want %q", err, tc.want)
			}
			// The same through WriterOptions.
			o := WriterOptions{Width: 16, Height: 16, Bands: 1, Type: tc.typ, HasNoData: true, NoData: tc.v, NoDataText: tc.text}
			_, oerr := NewWriter(&memFile{}, o)
			if (err == nil) != (oerr == nil) {
				t.Errorf("NewWriter: got error %v, want %v", oerr, err)
			}
		})
	}
}

// writeNoData writes a 16×16 one-band image of typ to memory, calls set
// between the tiles and Close, and returns GDAL_NODATA as read back.
func writeNoData(t *testing.T, o WriterOptions, set func(*Writer) error) (string, bool) {
	t.Helper()
	o.Width, o.Height, o.Bands, o.TileWidth, o.TileHeight = 16, 16, 1, 16, 16
	var m memFile
	w, err := NewWriter(&m, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTile(context.Background(), 0, make([]byte, w.TileBytes())); err != nil {
		t.Fatal(err)
	}
	if set != nil {
		if err := set(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file := m.Bytes()
	r, err := NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	f := r.Image().Fields.Get(TagGDALNoData)
	if f == nil {
		return "", false
	}
	return f.String(), true
}

func TestWriterSetNoData(t *testing.T) {
	opts := WriterOptions{Type: Int16, HasNoData: true, NoData: -9999}
	for _, tc := range []struct {
		name string
		o    WriterOptions
		set  func(*Writer) error
		want string // "" for no tag
	}{
		{"options", opts, nil, "-9999"},
		{"options text", WriterOptions{Type: Int64, NoDataText: "9223372036854775807"}, nil, "9223372036854775807"},
		{"text wins", WriterOptions{Type: Int16, HasNoData: true, NoData: 1, NoDataText: "2"}, nil, "2"},
		{"replaced", opts, func(w *Writer) error { return w.SetNoData(true, -32768) }, "-32768"},
		{"removed", opts, func(w *Writer) error { return w.SetNoData(false, 0) }, ""},
		{"added", WriterOptions{Type: Uint64}, func(w *Writer) error { return w.SetNoData(true, math.MaxUint64) }, "18446744073709551615"},
		{"text", opts, func(w *Writer) error { return w.SetNoDataText("-32767") }, "-32767"},
		{"text then value", WriterOptions{Type: Float32}, func(w *Writer) error {
			if err := w.SetNoDataText("1e30"); err != nil {
				return err
			}
			return w.SetNoData(true, -3.4e38)
		}, "-3.39999995214436425e+38"},
		{"bad value kept out", opts, func(w *Writer) error {
			if err := w.SetNoData(true, 40000); err == nil || !strings.Contains(err.Error(), "not a value of Int16") {
				return fmt.Errorf("SetNoData(40000) on Int16: got %v", err)
			}
			if err := w.SetNoDataText(""); err == nil || !strings.Contains(err.Error(), "use SetNoData(false, 0)") {
				return fmt.Errorf("SetNoDataText(\"\"): got %v", err)
			}
			if err := w.SetNoDataText("1.5"); err == nil {
				return fmt.Errorf("SetNoDataText(1.5) on Int16: no error")
			}
			return nil
		}, "-9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := writeNoData(t, tc.o, tc.set)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("GDAL_NODATA %q (present %v), want %q", got, ok, tc.want)
			}
		})
	}
	w, err := NewWriter(&memFile{}, WriterOptions{Width: 16, Height: 16, Bands: 1, Type: Uint8, TileWidth: 16, TileHeight: 16})
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if err := w.SetNoData(true, 0); err == nil || err.Error() != "geotiff: SetNoData after Close" {
		t.Errorf("SetNoData after Abort: got %v", err)
	}
	if err := w.SetNoDataText("0"); err == nil || err.Error() != "geotiff: SetNoDataText after Close" {
		t.Errorf("SetNoDataText after Abort: got %v", err)
	}
}

// gdalNoDataScript prints, for each case, the nodata GDAL reads from the
// file (as an integer for 64-bit integer bands, Python's repr of the
// float otherwise) and writes a copy of it with gdal_translate -a_nodata
// of the value asked for, whose GDAL_NODATA text the test compares.
const gdalNoDataScript = `
import sys, json
from osgeo import gdal
gdal.UseExceptions()
for case in json.load(open(sys.argv[1])):
    ds = gdal.Open(case["file"])
    b = ds.GetRasterBand(1)
    if b.DataType == gdal.GDT_Int64:
        v = str(b.GetNoDataValueAsInt64())
    elif b.DataType == gdal.GDT_UInt64:
        v = str(b.GetNoDataValueAsUInt64())
    else:
        v = repr(b.GetNoDataValue())
    gdal.Translate(case["ref"], ds, noData=case["arg"])
    print(v)
`

// TestWriterNoDataGDAL checks that GDAL reads the nodata value written,
// exactly, for every type, and that the text is the one gdal_translate
// writes for that value.
func TestWriterNoDataGDAL(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	type ndCase struct {
		File string `json:"file"`
		Ref  string `json:"ref"`
		Arg  string `json:"arg"`
	}
	tests := []struct {
		typ  SampleType
		v    float64
		text string // SetNoDataText when not ""
		arg  string // the value for gdal_translate -a_nodata
		want string // what GDAL reads
	}{
		{Uint8, 255, "", "255", "255.0"},
		{Int16, -32768, "", "-32768", "-32768.0"},
		{Uint16, 65535, "", "65535", "65535.0"},
		{Int32, -2147483648, "", "-2147483648", "-2147483648.0"},
		{Uint32, 4294967295, "", "4294967295", "4294967295.0"},
		{Int64, math.MinInt64, "", "-9223372036854775808", "-9223372036854775808"},
		{Int64, math.MaxInt64, "", "9223372036854775807", "9223372036854775807"},
		{Int64, 0, "9223372036854775807", "9223372036854775807", "9223372036854775807"},
		{Int64, 0, "-9223372036854775807", "-9223372036854775807", "-9223372036854775807"},
		{Uint64, math.MaxUint64, "", "18446744073709551615", "18446744073709551615"},
		{Float32, -3.4e38, "", "-3.4e38", "-3.3999999521443642e+38"},
		{Float32, -88.8888, "", "-88.8888", "-88.88880157470703"},
		{Float32, math.NaN(), "", "nan", "nan"},
		{Float64, -88.8888, "", "-88.8888", "-88.8888"},
		{Float64, 0.1, "", "0.1", "0.1"},
	}
	var cases []ndCase
	var texts []string
	for k, tc := range tests {
		name := filepath.Join(dir, fmt.Sprintf("nd%d.tif", k))
		o := WriterOptions{Width: 20, Height: 20, Bands: 1, Type: tc.typ, TileWidth: 16, TileHeight: 16}
		w, err := Create(name, o)
		if err != nil {
			t.Fatal(err)
		}
		if tc.text != "" {
			err = w.SetNoDataText(tc.text)
		} else {
			err = w.SetNoData(true, tc.v)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := writeRaster(w, testRaster(o.Type, o.Width, o.Height, 1), 1); err != nil {
			t.Fatal(err)
		}
		r, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, r.Image().NoDataText)
		r.Close()
		cases = append(cases, ndCase{File: name, Ref: name + ".gdal.tif", Arg: tc.arg})
	}
	manifest, _ := json.Marshal(cases)
	mf := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(mf, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(runPython(t, gdalNoDataScript, mf))), "\n")
	if len(got) != len(tests) {
		t.Fatalf("GDAL printed %q", got)
	}
	for k, tc := range tests {
		if got[k] != tc.want {
			t.Errorf("%v nodata %v %q: GDAL reads %s, want %s", tc.typ, tc.v, tc.text, got[k], tc.want)
		}
		r, err := Open(cases[k].Ref)
		if err != nil {
			t.Fatal(err)
		}
		if ref := r.Image().NoDataText; ref != texts[k] {
			t.Errorf("%v nodata %s: wrote %q, gdal_translate writes %q", tc.typ, tc.arg, texts[k], ref)
		}
		r.Close()
	}
}
