package geotiff

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parseNoData reads GDAL_NODATA (tag 42113): ASCII text that GDAL parses
// with CPLAtof, so "nan", "-nan", "inf", "1e+30" and trailing junk are all
// accepted.
func (im *Image) parseNoData() {
	f := im.Fields.Get(TagGDALNoData)
	if f == nil {
		return
	}
	im.NoDataText = f.String()
	v, ok := ParseNoData(im.NoDataText)
	im.HasNoData, im.NoData = ok, v
}

// ParseNoData parses a nodata value the way GDAL reads the GDAL_NODATA tag:
// leading and trailing space ignored, "nan", "inf" and "-inf" in any case,
// and the longest numeric prefix of anything else.
func ParseNoData(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimRight(s, "\x00"))
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case "nan", "1.#qnan", "1.#ind":
		return math.NaN(), true
	case "inf", "infinity", "1.#inf":
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	for n := len(s); n > 0; n-- {
		if v, err := strconv.ParseFloat(s[:n], 64); err == nil || isRangeErr(err) {
			return v, true
		}
	}
	return 0, false
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// FormatNoData formats a nodata value as GDAL writes GDAL_NODATA for a
// Float64 band: "nan", "inf", "-inf", or printf's %.18g. For a band of
// another type use [FormatNoDataType], which writes integers as integers.
func FormatNoData(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return fmt.Sprintf("%.18g", v)
}

// FormatNoDataType formats nodata value v for a band of type t as GDAL
// writes GDAL_NODATA, so that GDAL reads back the value the band holds:
//
//   - integer types: the integer, v rounded to the nearest and clamped to
//     the type's range ("-32768", "18446744073709551615"); GDAL 3.5 and
//     later read Int64 and UInt64 nodata as integer text, so
//     "-9.22337203685477581e+18" would read as -9. NaN gives "nan".
//   - Float32: the float32 nearest v, by printf's %.18g, as gdal_translate
//     writes it: -3.4e38 gives "-3.39999995214436425e+38".
//   - Float64 and any other type: [FormatNoData].
func FormatNoDataType(t SampleType, v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case t == Float32:
		return FormatNoData(float64(float32(v)))
	case t.IsFloat() || t.Size() == 0:
		return FormatNoData(v)
	}
	lo, hi := t.Range()
	v = math.Round(v)
	switch {
	case t == Uint64 && v >= hi:
		return strconv.FormatUint(math.MaxUint64, 10)
	case t == Int64 && v >= hi:
		return strconv.FormatInt(math.MaxInt64, 10)
	case v >= hi:
		v = hi
	case v <= lo:
		v = lo
	}
	if t == Uint64 {
		return strconv.FormatUint(uint64(v), 10)
	}
	return strconv.FormatInt(int64(v), 10)
}

// noDataText checks that v is a value of type t and formats it with
// FormatNoDataType. The float64 nearest a 64-bit integer limit (2^63,
// 2^64) stands for the limit.
func noDataText(t SampleType, v float64) (string, error) {
	lo, hi := t.Range()
	switch {
	case t == Float64:
	case t == Float32:
		if !math.IsNaN(v) && !math.IsInf(v, 0) && math.IsInf(float64(float32(v)), 0) {
			return "", fmt.Errorf("geotiff: nodata %v out of range of Float32: want a value in [%g, %g], ±Inf or NaN", v, lo, hi)
		}
	case math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) || v < lo || v > hi:
		return "", fmt.Errorf("geotiff: nodata %v is not a value of %v: want an integer in [%s, %s]", v, t,
			FormatNoDataType(t, lo), FormatNoDataType(t, hi))
	}
	return FormatNoDataType(t, v), nil
}

// checkNoDataText checks that s is GDAL_NODATA text GDAL reads as a value
// of type t: a decimal integer for integer types (in range for the 64-bit
// ones; for the others one outside the type's range, such as -10000 on a
// Byte band, is kept as GDAL keeps it: it marks no sample), a decimal float, "nan", "inf" or "-inf" for float types. It
// returns s.
func checkNoDataText(t SampleType, s string) (string, error) {
	if t.IsFloat() {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || strings.ContainsAny(s, "_xXpP") {
			return "", fmt.Errorf("geotiff: invalid nodata text %q for %v: want a decimal number, nan, inf or -inf", s, t)
		}
		if t == Float32 {
			if _, err := noDataText(t, v); err != nil {
				return "", err
			}
		}
		return s, nil
	}
	var err error
	if t == Uint64 {
		_, err = strconv.ParseUint(s, 10, 64)
	} else {
		_, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil || strings.Contains(s, "_") {
		lo, hi := t.Range()
		return "", fmt.Errorf("geotiff: invalid nodata text %q for %v: want a decimal integer in [%s, %s]", s, t,
			FormatNoDataType(t, lo), FormatNoDataType(t, hi))
	}
	return s, nil
}
