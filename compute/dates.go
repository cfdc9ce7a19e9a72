package compute

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// Dates of years outside [minYear, maxYear] in a file name are taken for
// other numbers (tile ids, counters) and skipped.
const (
	minYear = 1800
	maxYear = 2199
)

// DateFromName returns the first date written in the base name of path:
// YYYY-MM-DD, a run of exactly 8 digits read as YYYYMMDD, or a run of
// exactly 7 digits read as YYYYDDD (year and day of year, as in MODIS
// names such as MOD13Q1.A2020001...), whichever comes first, with a year
// from 1800 to 2199 and a day that exists. Runs of digits of other
// lengths are skipped, so tile ids and processing timestamps are not
// taken for dates. The date is at midnight UTC.
func DateFromName(path string) (time.Time, bool) {
	s := filepath.Base(path)
	isDigit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := 0; i < len(s); {
		if !isDigit(i) {
			i++
			continue
		}
		j := i
		for isDigit(j) {
			j++
		}
		run := s[i:j]
		switch len(run) {
		case 4:
			// YYYY-MM-DD: 4 digits, '-', 2 digits, '-', 2 digits, no digit after.
			if j+6 <= len(s) && s[j] == '-' && isDigit(j+1) && isDigit(j+2) && s[j+3] == '-' && isDigit(j+4) && isDigit(j+5) && !isDigit(j+6) {
				if t, ok := makeDate(atoi(run), atoi(s[j+1:j+3]), atoi(s[j+4:j+6])); ok {
					return t, true
				}
			}
		case 8:
			if t, ok := makeDate(atoi(run[:4]), atoi(run[4:6]), atoi(run[6:])); ok {
				return t, true
			}
		case 7:
			if t, ok := makeYearDay(atoi(run[:4]), atoi(run[4:])); ok {
				return t, true
			}
		}
		i = j
	}
	return time.Time{}, false
}

// atoi converts a run of ASCII digits.
func atoi(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n
}

// makeDate returns y-m-d at midnight UTC when that day exists and y is in
// the accepted range.
func makeDate(y, m, d int) (time.Time, bool) {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Month() == time.Month(m) && t.Day() == d
}

// makeYearDay returns day doy (1-based) of year y at midnight UTC.
func makeYearDay(y, doy int) (time.Time, bool) {
	if y < minYear || y > maxYear || doy < 1 || doy > 366 {
		return time.Time{}, false
	}
	t := time.Date(y, 1, doy, 0, 0, 0, 0, time.UTC)
	return t, t.Year() == y
}

// NameDates returns the date in each input's name ([DateFromName]), or
// nil when no name has one. When only some have one, the error names the
// first input without a date.
func NameDates(inputs []string) ([]time.Time, error) {
	dates := make([]time.Time, len(inputs))
	found := 0
	missing := -1
	for k, in := range inputs {
		t, ok := DateFromName(in)
		if !ok {
			if missing < 0 {
				missing = k
			}
			continue
		}
		dates[k] = t
		found++
	}
	switch {
	case found == 0:
		return nil, nil
	case missing >= 0:
		return nil, fmt.Errorf("%s has no date in its name (YYYYMMDD, YYYY-MM-DD or YYYYDDD) but %d other inputs do: rename it or give the dates in a file", inputs[missing], found)
	}
	return dates, nil
}

// ReadDates reads one date per line from r: YYYY-MM-DD, YYYYMMDD,
// YYYYDDD or an RFC 3339 time (2024-01-31T12:00:00Z). Blank lines and
// lines starting with # are skipped. name is used in errors.
func ReadDates(r io.Reader, name string) ([]time.Time, error) {
	var dates []time.Time
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		t, err := parseDate(s)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		dates = append(dates, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return dates, nil
}

// parseDate parses one date of a dates file.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	digits := strings.Trim(s, "0123456789") == ""
	var t time.Time
	ok := false
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		if d := strings.ReplaceAll(s, "-", ""); len(d) == 8 && strings.Trim(d, "0123456789") == "" {
			t, ok = makeDate(atoi(d[:4]), atoi(d[4:6]), atoi(d[6:]))
		}
	case digits && len(s) == 8:
		t, ok = makeDate(atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
	case digits && len(s) == 7:
		t, ok = makeYearDay(atoi(s[:4]), atoi(s[4:]))
	}
	if !ok {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD, YYYYMMDD, YYYYDDD or RFC 3339 (2024-01-31T12:00:00Z), years %d to %d", s, minYear, maxYear)
	}
	return t, nil
}
