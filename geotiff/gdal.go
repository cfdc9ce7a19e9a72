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

// FormatNoData formats a nodata value as GDAL writes GDAL_NODATA: "nan",
// "inf", "-inf", or printf's %.18g.
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
