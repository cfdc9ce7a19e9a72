package compute

import (
	"fmt"
	"math"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

func TestDecoderNoData(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		typ       geotiff.SampleType
		hasNoData bool
		noData    float64
		in, want  []float64 // in as written with the encoder, want as decoded
	}{
		{geotiff.Uint8, true, 255, []float64{0, 254, 255}, []float64{0, 254, nan}},
		{geotiff.Int8, true, -128, []float64{-128, 127}, []float64{nan, 127}},
		{geotiff.Uint16, true, 0, []float64{0, 65535}, []float64{nan, 65535}},
		{geotiff.Int16, true, -9999, []float64{-9999, -9998, 32767}, []float64{nan, -9998, 32767}},
		{geotiff.Uint32, false, 0, []float64{0, 4294967295}, []float64{0, 4294967295}},
		{geotiff.Int32, true, -2147483648, []float64{-2147483648, 5}, []float64{nan, 5}},
		{geotiff.Uint64, true, 18446744073709551615, []float64{18446744073709551615, 7}, []float64{nan, 7}},
		{geotiff.Int64, true, -9223372036854775808, []float64{-9223372036854775808, -1}, []float64{nan, -1}},
		{geotiff.Float32, true, -9999, []float64{-9999, nan, math.Inf(1), 1.5}, []float64{nan, nan, math.Inf(1), 1.5}},
		// GDAL writes FLT_MAX as text that parses to a float64 a little
		// off; it is compared in the band's type.
		{geotiff.Float32, true, 3.40282346638529e+38, []float64{math.MaxFloat32, 0}, []float64{nan, 0}},
		{geotiff.Float64, true, nan, []float64{nan, 2}, []float64{nan, 2}},
		{geotiff.Float64, false, 0, []float64{0, nan}, []float64{0, nan}},
		// A nodata value the type cannot hold matches nothing.
		{geotiff.Uint8, true, -9999, []float64{0, 255}, []float64{0, 255}},
		{geotiff.Int16, true, 0.5, []float64{0, 1}, []float64{0, 1}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v nodata %v", tt.typ, tt.noData), func(t *testing.T) {
			// Write the samples with a stride of 2 to check the indexing.
			buf := make([]byte, 2*len(tt.in)*tt.typ.Size())
			enc := newEncoder(tt.typ, nan)
			enc.encode(buf, 1, 2, tt.in)
			d := newDecoder(tt.typ, tt.hasNoData, tt.noData)
			got := make([]float64, len(tt.in))
			d.decode(got, buf, 1, 2)
			for i := range got {
				if !(got[i] == tt.want[i] || math.IsNaN(got[i]) && math.IsNaN(tt.want[i])) {
					t.Errorf("sample %d: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestEncoderRoundsAndClamps(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		typ  geotiff.SampleType
		fill float64
		in   []float64
		want []float64
	}{
		{geotiff.Uint8, 255, []float64{-3, 0.5, 1.49, 254.5, 300, nan}, []float64{0, 1, 1, 255, 255, 255}},
		{geotiff.Int8, -128, []float64{-0.5, -200, 127.4}, []float64{-1, -128, 127}},
		{geotiff.Int16, -32768, []float64{-2.5, 2.5, 1e9, nan}, []float64{-3, 3, 32767, -32768}},
		{geotiff.Uint16, 0, []float64{65535.4, -1}, []float64{65535, 0}},
		{geotiff.Int32, 0, []float64{-3e9, 3e9, 7.5}, []float64{-2147483648, 2147483647, 8}},
		{geotiff.Uint32, 0, []float64{5e9, 1.5}, []float64{4294967295, 2}},
		{geotiff.Int64, 0, []float64{1e19, -1e19}, []float64{math.MaxInt64, math.MinInt64}},
		{geotiff.Uint64, 0, []float64{1e20, -4}, []float64{math.MaxUint64, 0}},
		{geotiff.Float32, -9999, []float64{1.1, nan}, []float64{float64(float32(1.1)), -9999}},
		{geotiff.Float64, nan, []float64{1.1, nan}, []float64{1.1, nan}},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			buf := make([]byte, len(tt.in)*tt.typ.Size())
			enc := newEncoder(tt.typ, tt.fill)
			enc.encode(buf, 0, 1, tt.in)
			got := make([]float64, len(tt.in))
			d := newDecoder(tt.typ, false, 0)
			d.decode(got, buf, 0, 1)
			for i := range got {
				if !(got[i] == tt.want[i] || math.IsNaN(got[i]) && math.IsNaN(tt.want[i])) {
					t.Errorf("%v: got %v, want %v", tt.in[i], got[i], tt.want[i])
				}
			}
		})
	}
}

func TestDefaultNoData(t *testing.T) {
	for typ, want := range map[geotiff.SampleType]float64{
		geotiff.Float32: -9999, geotiff.Float64: -9999, geotiff.Uint8: 255, geotiff.Int16: -32768,
		geotiff.Uint16: 65535, geotiff.Int32: -2147483648, geotiff.Uint32: 4294967293,
	} {
		if got := DefaultNoData(typ); got != want {
			t.Errorf("DefaultNoData(%v) = %v, want %v", typ, got, want)
		}
	}
}
