package compute

import (
	"fmt"
	"math"

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

// outputNoData resolves the output nodata: cfg's if set, else the first
// input's if the output type holds it, else DefaultNoData. A Count output
// has none unless cfg sets one or a nodata policy can leave pixels empty.
func outputNoData(cfg *Config, first *geotiff.Image, t geotiff.SampleType) (bool, float64, error) {
	if cfg.HasNoData {
		if !fits(t, cfg.NoData) {
			return false, 0, fmt.Errorf("compute: output nodata %v does not fit the output type %v: choose a value in its range", cfg.NoData, t)
		}
		return true, cfg.NoData, nil
	}
	if cfg.Op == Count && !cfg.PropagateNoData && cfg.MinValid <= 0 {
		return false, 0, nil
	}
	if first.HasNoData && fits(t, first.NoData) {
		return true, first.NoData, nil
	}
	return true, DefaultNoData(t), nil
}
