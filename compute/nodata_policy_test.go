package compute

import (
	"math"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// TestEncoderAvoidsNoData checks that a valid result never becomes the
// output nodata: it moves to the nearest other value, on the side of the
// unrounded result where the type allows, and is counted.
func TestEncoderAvoidsNoData(t *testing.T) {
	for _, tc := range []struct {
		typ      geotiff.SampleType
		fill, in float64
		want     float64
		clamped  int64
	}{
		{geotiff.Uint8, 255, 700, 254, 1},   // clamps onto 255, moves down
		{geotiff.Uint8, 255, 254.6, 254, 0}, // rounds onto 255
		{geotiff.Uint8, 0, 0.2, 1, 0},       // rounds onto 0, moves up (no -1)
		{geotiff.Int16, -9999, -9999.4, -10000, 0},
		{geotiff.Int16, -9999, -9998.6, -9998, 0},
		{geotiff.Int16, -32768, -40000, -32767, 1},
		{geotiff.Uint16, 65535, 1e9, 65534, 1},
		{geotiff.Int64, math.MinInt64, -1e30, math.Nextafter(math.MinInt64, 0), 1},
		{geotiff.Float32, -9999, -9999, float64(math.Nextafter32(-9999, float32(math.Inf(1)))), 0},
		{geotiff.Float64, -9999, -9999, math.Nextafter(-9999, math.Inf(1)), 0},
	} {
		e := newEncoder(tc.typ, tc.fill)
		e.avoid = true
		buf := make([]byte, tc.typ.Size())
		e.encode(buf, 0, 1, []float64{tc.in})
		got := tc.typ.Get(buf)
		if got != tc.want || e.moved != 1 || e.clamped != tc.clamped {
			t.Errorf("%v fill %v: %v encodes as %v (moved %d, clamped %d), want %v (moved 1, clamped %d)",
				tc.typ, tc.fill, tc.in, got, e.moved, e.clamped, tc.want, tc.clamped)
		}
		// NaN is the empty value: it stays the fill and is counted.
		e.encode(buf, 0, 1, []float64{math.NaN()})
		if got := tc.typ.Get(buf); got != float64(tc.typ.Get(sampleBytes(tc.typ, tc.fill))) || e.empty != 1 {
			t.Errorf("%v: NaN encodes as %v (empty %d), want the fill %v", tc.typ, got, e.empty, tc.fill)
		}
	}
}

// TestResolveNoData checks the output nodata chosen for a stack.
func TestResolveNoData(t *testing.T) {
	f32 := func(has bool, v float64, text string) *input {
		return &input{im: &geotiff.Image{Type: geotiff.Float32, Bands: 1}, nodata: []bandNoData{{has, v, text}}}
	}
	u64 := &input{im: &geotiff.Image{Type: geotiff.Uint64, Bands: 1}, nodata: []bandNoData{{true, 1 << 64, "18446744073709551615"}}}
	nan := math.NaN()
	same := func(a, b float64) bool { return a == b || a != a && b != b }
	for _, tc := range []struct {
		name     string
		cfg      Config
		ins      []*input
		masked   bool
		has      bool
		value    float64
		text     string
		deferred bool
		fill     float64
	}{
		{"input nodata kept", Config{Type: geotiff.Float32}, []*input{f32(true, -9999, "-9999")}, false, true, -9999, "", false, -9999},
		{"float32 cast", Config{Type: geotiff.Float32}, []*input{f32(true, -3.4e38, "-3.4e+38")}, false, true, float64(float32(-3.4e38)), "", false, float64(float32(-3.4e38))},
		{"first declared wins", Config{Type: geotiff.Float32}, []*input{f32(false, 0, ""), f32(true, -1, "-1")}, false, true, -1, "", false, -1},
		{"none declared: deferred NaN", Config{Type: geotiff.Float32}, []*input{f32(false, 0, "")}, false, false, 0, "", true, nan},
		{"none declared, int: deferred default", Config{Type: geotiff.Uint8}, []*input{f32(false, 0, "")}, false, false, 0, "", true, 255},
		{"masked: none", Config{Type: geotiff.Float32}, []*input{f32(false, 0, "")}, true, false, 0, "", false, nan},
		{"does not fit: type default", Config{Type: geotiff.Uint8}, []*input{f32(true, -9999, "-9999")}, false, true, 255, "", false, 255},
		{"--nodata none", Config{Type: geotiff.Float32, NoNoData: true}, []*input{f32(true, -9999, "-9999")}, false, false, 0, "", false, nan},
		{"--nodata V", Config{Type: geotiff.Float32, HasNoData: true, NoData: 7}, []*input{f32(true, -9999, "-9999")}, false, true, 7, "", false, 7},
		{"uint64 exact", Config{Type: geotiff.Uint64}, []*input{u64}, false, true, 1 << 64, "18446744073709551615", false, 1 << 64},
		{"count never empty", Config{Type: geotiff.Uint16, Op: Count}, []*input{f32(true, -9999, "-9999")}, false, false, 0, "", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := tc.cfg.validate(len(tc.ins))
			if err != nil {
				t.Fatal(err)
			}
			pol, err := resolveNoData(&cfg, tc.ins, []int{0}, tc.masked, true)
			if err != nil {
				t.Fatal(err)
			}
			if pol.has != tc.has || pol.has && !same(pol.value, tc.value) || pol.text != tc.text || pol.deferred != tc.deferred || !same(pol.fill, tc.fill) {
				t.Errorf("got has=%v value=%v text=%q deferred=%v fill=%v, want has=%v value=%v text=%q deferred=%v fill=%v",
					pol.has, pol.value, pol.text, pol.deferred, pol.fill, tc.has, tc.value, tc.text, tc.deferred, tc.fill)
			}
		})
	}
}
