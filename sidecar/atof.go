package sidecar

import (
	"math"
	"strconv"
	"strings"
)

// quietNaN is C's NAN, the NaN strtod returns for "nan"; Go's math.NaN
// has another payload.
var quietNaN = math.Float64frombits(0x7FF8000000000000)

// atof reads a number the way GDAL's CPLAtof does: C strtod on the longest
// valid prefix, after leading white space, with '.' as the decimal
// separator; 0 when there is no number.
func atof(s string) float64 { return strtod(s, '.') }

// atofM is GDAL's CPLAtofM: the decimal separator is ',' when a ',' comes
// before any '.' in the first 50 bytes ("500005,5" is 500005.5).
func atofM(s string) float64 {
	for i := 0; i < len(s) && i < 50; i++ {
		switch s[i] {
		case ',':
			return strtod(s, ',')
		case '.':
			return strtod(s, '.')
		}
	}
	return strtod(s, '.')
}

// strtod parses the longest number at the start of s (after C white space):
// decimal with delim as separator, hexadecimal ("0x1.8p3"), "inf",
// "infinity", "nan" (any case) and the MSVC spellings GDAL accepts
// ("1.#QNAN", "1.#IND", "1.#INF").
func strtod(s string, delim byte) float64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	for _, w := range []struct {
		text string
		v    float64
	}{
		{"-1.#QNAN", quietNaN}, {"1.#QNAN", quietNaN}, {"-1.#IND", quietNaN}, {"1.#IND", quietNaN},
		{"-1.#INF", math.Inf(-1)}, {"1.#INF", math.Inf(1)},
	} {
		if strings.HasPrefix(s, w.text) {
			return w.v
		}
	}
	sign := 1.0
	body := s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		if body[0] == '-' {
			sign = -1
		}
		body = body[1:]
	}
	lower := strings.ToLower(body[:min(len(body), 8)])
	switch {
	case strings.HasPrefix(lower, "inf"):
		return sign * math.Inf(1)
	case strings.HasPrefix(lower, "nan"):
		return quietNaN
	case strings.HasPrefix(lower, "0x"):
		if v, ok := hexPrefix(body[2:]); ok {
			return sign * v
		}
		return 0 // strtod reads the "0"
	}
	return sign * decimalPrefix(body, delim)
}

// decimalPrefix parses digits [delim digits] [e [sign] digits] at the start
// of s; 0 when s does not start with a digit or delim+digit.
func decimalPrefix(s string, delim byte) float64 {
	var b strings.Builder
	i, digits := 0, 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		b.WriteByte(s[i])
		digits++
	}
	if i < len(s) && s[i] == delim {
		j := i + 1
		frac := 0
		for ; j < len(s) && isDigit(s[j]); j++ {
			frac++
		}
		if digits > 0 || frac > 0 {
			b.WriteByte('.')
			b.WriteString(s[i+1 : j])
			digits += frac
			i = j
		}
	}
	if digits == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for ; k < len(s) && isDigit(s[k]); k++ {
		}
		if k > j {
			b.WriteString(s[i:k])
		}
	}
	v, _ := strconv.ParseFloat(b.String(), 64) // ±Inf on overflow, like strtod
	return v
}

// hexPrefix parses hex digits [. hex digits] [p [sign] digits] at the start
// of s (after "0x").
func hexPrefix(s string) (float64, bool) {
	i, digits := 0, 0
	for ; i < len(s) && isHex(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isHex(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	mant := s[:i]
	exp := "p0"
	if i < len(s) && (s[i] == 'p' || s[i] == 'P') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for ; k < len(s) && isDigit(s[k]); k++ {
		}
		if k > j {
			exp = s[i:k]
		}
	}
	v, _ := strconv.ParseFloat("0x"+mant+exp, 64)
	return v, true
}

// atoi is C's atoi: optional white space and sign, then digits; 0 when
// there are none. Values beyond int32 saturate.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int64 // int64: on 32-bit systems n*10 would wrap before the clamp
	for i := 0; i < len(s) && isDigit(s[i]); i++ {
		n = min(n*10+int64(s[i]-'0'), math.MaxInt32)
	}
	if neg {
		return int(-n)
	}
	return int(n)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}
