package compute

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// defaultFloatNoData is the output nodata of a float output when the first
// input has none.
const defaultFloatNoData = -9999

// DefaultNoData returns the output nodata used for type t when neither the
// configuration nor the first input sets one: -9999 for float types, and
// gdal_calc's defaults for integer types (the type's maximum for unsigned
// types, its minimum for signed ones; 4294967293 for UInt32, as gdal_calc).
func DefaultNoData(t geotiff.SampleType) float64 {
	switch t {
	case geotiff.Float32, geotiff.Float64:
		return defaultFloatNoData
	case geotiff.Uint32:
		return 4294967293
	}
	lo, hi := t.Range()
	if t.IsSigned() {
		return lo
	}
	return hi
}

// fits reports whether type t holds v exactly (NaN and ±Inf for float types).
func fits(t geotiff.SampleType, v float64) bool {
	switch t {
	case geotiff.Float64:
		return true
	case geotiff.Float32:
		return math.IsNaN(v) || math.IsInf(v, 0) || float64(float32(v)) == v
	}
	lo, hi := t.Range()
	return v == math.Trunc(v) && v >= lo && v <= hi
}

// A noDataPolicy is what the output declares about empty pixels (no
// valid input, or too few for --min-valid) and how it marks them.
type noDataPolicy struct {
	// has, value and text are the declared nodata (text is set for
	// Int64 and UInt64 values that a float64 does not hold exactly).
	has   bool
	value float64
	text  string
	// deferred declares fill as nodata at Close, and only if some output
	// value turned out empty; it is set when no input declares nodata
	// and none has a mask or alpha band.
	deferred bool
	// forbid is --nodata none: never a nodata tag; an empty value is an
	// error unless the output carries a mask.
	forbid bool
	// fill is the value written for an empty pixel.
	fill float64
	// avoid is set when valid results equal to fill must be moved off it
	// (fill is, or may become, the declared nodata).
	avoid bool
	// why explains a choice the user did not ask for, or "".
	why string
}

// resolveNoData decides the output nodata (GDAL's meaning kept):
//
//   - --nodata V: V; --nodata none: none at all.
//   - else the first input band that declares nodata, cast to its band's
//     type as GDAL compares it, when the output type holds that value;
//     else the output type's default.
//   - else, when an input has a mask or alpha band, no nodata: the output
//     carries a mask (or alpha band) instead.
//   - else nothing is declared unless some output value has no valid
//     input: NaN for float outputs, DefaultNoData for integer ones,
//     decided when the output is closed.
//
// Count without a policy that leaves pixels empty never has one.
func resolveNoData(cfg *Config, ins []*input, bands []int, masked, mayBeEmpty bool) (noDataPolicy, error) {
	t := cfg.Type
	var pol noDataPolicy
	pol.fill = math.NaN()
	if !t.IsFloat() {
		pol.fill = 0
	}
	switch {
	case cfg.NoNoData:
		pol.forbid = true
		return pol, nil
	case cfg.HasNoData:
		if !fits(t, cfg.NoData) {
			return pol, fmt.Errorf("compute: output nodata %v does not fit the output type %v: choose a value in its range", cfg.NoData, t)
		}
		pol.has, pol.value, pol.fill, pol.avoid = true, cfg.NoData, cfg.NoData, true
		pol.text = cfg.NoDataText
		return pol, nil
	case cfg.Op == Count && !cfg.PropagateNoData && cfg.MinValid <= 0:
		return pol, nil
	}
	for _, in := range ins {
		for _, b := range bands {
			nd := in.nodata[b]
			if !nd.has {
				continue
			}
			v, ok := castNoData(in.im.Type, nd.v)
			switch {
			case !ok && !mayBeEmpty && in.im.Type == t:
				// A nodata the band's type cannot hold (-10000 on Byte)
				// marks nothing; with nothing to mark, keep it as is.
				pol.has, pol.value, pol.text = true, nd.v, strings.TrimSpace(nd.text)
			case ok && fits(t, v):
				pol.has, pol.value, pol.fill, pol.avoid = true, v, v, true
				if (t == geotiff.Int64 || t == geotiff.Uint64) && in.im.Type == t {
					if _, exact := exactInt64(t, nd.text); exact {
						pol.text = strings.TrimSpace(nd.text)
					}
				}
			default:
				d := DefaultNoData(t)
				if t.IsFloat() {
					d = math.NaN()
				}
				pol.has, pol.value, pol.fill, pol.avoid = true, d, d, true
				pol.why = fmt.Sprintf("the inputs' nodata %s does not fit output type %v: the output declares nodata %s",
					nd.text, t, geotiff.FormatNoData(d))
			}
			return pol, nil
		}
	}
	if masked {
		return pol, nil
	}
	pol.deferred = true
	if !t.IsFloat() {
		pol.fill = DefaultNoData(t)
		pol.avoid = mayBeEmpty
	}
	return pol, nil
}
