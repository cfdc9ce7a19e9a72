package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
)

// stackFlags returns the flags of every reduction for calendar groups,
// and those of the reductions that need more settings.
func stackFlags(op compute.Op) []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "group-by", Usage: "reduce the inputs of each calendar `PERIOD` (month, year, season or doy) into its own output, named by {group} in -o: 2024-01, 2024, 2024-DJF (December counts in the next year's), 001; dates come from the file names or --dates"},
		&cli.StringFlag{Name: "dates", Usage: "`FILE` with the date of each input, one a line in input order (YYYY-MM-DD, YYYYMMDD, YYYYDDD or RFC 3339), instead of the dates in the file names; for --group-by and slope"},
	}
	switch op {
	case compute.Percentile:
		flags = append(flags, &cli.StringSliceFlag{Name: "p", Usage: "percentile `P` from 0 to 100 (repeatable, or a comma list such as 10,50,90): one output band per P and input band, in the order given (numpy's nanpercentile, linear)"})
	case compute.Slope:
		flags = append(flags, &cli.StringFlag{Name: "per", Usage: "slope `UNIT`: day (default) or year (365.25 days); needs dates"})
	}
	return flags
}

// stackUsage is the one-line usage of the reductions added for stacks.
var stackUsage = map[compute.Op]string{
	compute.Percentile: "per-pixel percentiles of the valid inputs (--p 10,50,90: one band per P), exact, as numpy's nanpercentile",
	compute.Mode:       "per-pixel most frequent valid value (the smallest of a tie), for classes such as land cover",
	compute.Slope:      "per-pixel least squares slope of the valid values against the inputs' dates (trend per day or year)",
}

// stackDescription is the text before the common description of a
// reduction.
var stackDescription = map[compute.Op]string{
	compute.Percentile: `Percentiles are exact: all valid values of a pixel are sorted and
interpolated linearly, as numpy's nanpercentile(method="linear") does, to
the bit in float64. The output has one band per P per input band, in the
order band 1 P1, band 1 P2, ..., band 2 P1, ..., described as p10, p50,
... (gdalinfo shows it). --p 50 is the median. Each worker holds one
output tile and one chunk of 1024 float64 values of every input, so memory
grows with the number of inputs, not with the raster size: 1,000 inputs
with 2 workers and 32x32 tiles peak near 34 MiB. Over strips (GDAL's
default layout) a worker instead holds a stack of a few rows of every
input, at most 32 MiB, and decodes each strip once. Three P cost about one
median's reduction; the output's extra bands cost their compression.

   gomean percentile --p 10,50,90 -o p.tif scenes/*.tif
   gomean percentile --p 95 --group-by year -o p95_{group}.tif daily_*.tif

`,
	compute.Mode: `The most frequent valid value of each pixel, the smallest of those tied.
The output type is the inputs' type when they share one (else Float64),
so class codes stay integers; -ot sets another. Memory is bounded as for
percentile (1,000 Byte inputs, 2 workers: near 29 MiB).

   gomean mode -o landcover.tif lc_2019.tif lc_2020.tif lc_2021.tif

`,
	compute.Slope: `The ordinary least squares slope of each pixel's valid values against
time, as np.polyfit(t, y, 1)[0] on the valid pairs. Time is the date in
each input's name (the first YYYYMMDD, YYYY-MM-DD or YYYYDDD, years 1800
to 2199), or --dates FILE, or, when no name has a date, the input's
position (0, 1, 2, ...: the slope is then per input). --per year gives the
change per 365.25 days. A pixel with fewer than 2 valid values, or all at
one date, is empty.

   gomean slope --per year -o trend.tif ndvi_2015-07-01.tif ndvi_2016-07-01.tif ...
   gomean slope --dates dates.txt -o trend.tif @scenes.txt

`,
}

// groupDescription is appended to every reduction's description.
const groupDescription = `

Calendar groups: --group-by month|year|season|doy reduces the inputs of
each period (from the dates in their names, or --dates FILE) into its own
output, {group} in -o giving its name. Groups run one after the other,
each reading only its own inputs, so each input is read once and memory is
one group's (365 groups by doy hold one pipeline at a time).
   gomean mean --group-by month -o mean_{group}.tif daily/*_20240*.tif
   gomean median --group-by season -o median_{group}.tif --dates dates.txt @list.txt`

// commandExample returns the command as the common examples write it.
func commandExample(op compute.Op) string {
	if op == compute.Percentile {
		return "percentile --p 10,50,90"
	}
	return op.String()
}

// stackConfig applies the flags of stackFlags to cfg and returns the
// calendar groups (nil without --group-by); every error is a usage
// error, found before any work.
func stackConfig(cmd *cli.Command, op compute.Op, cfg *compute.Config, inputs []string, out string) ([]compute.Group, error) {
	if op == compute.Percentile {
		ps, err := parsePercentiles(cmd.StringSlice("p"))
		if err != nil {
			return nil, err
		}
		cfg.Percentiles = ps
		if len(ps) > 1 && cfg.Output.Planar == geotiff.PlanarSeparate {
			return nil, usagef("--p: %d percentiles are written pixel-interleaved only: drop INTERLEAVE=BAND", len(ps))
		}
	}
	if op == compute.Mode && !cmd.IsSet("type") {
		cfg.Type = geotiff.Invalid // the inputs' type, decided by compute
		if cfg.HasNoData {
			// --nodata was checked against Float32: check it against the real type.
			t, err := inputsType(inputs)
			if err != nil {
				return nil, err
			}
			cfg.Type, cfg.HasNoData = t, false
			if err := parseNoData(cmd, cfg); err != nil {
				return nil, err
			}
		}
	}
	groupBy := compute.NoGroups
	if s := cmd.String("group-by"); s != "" {
		var err error
		if groupBy, err = compute.ParseGroupBy(s); err != nil {
			return nil, usagef("--group-by %s: want month, year, season or doy", s)
		}
	}
	if cmd.String("dates") != "" && op != compute.Slope && groupBy == compute.NoGroups {
		return nil, usagef("--dates is for slope and --group-by: drop it, or add --group-by")
	}
	perYear := false
	switch per := cmd.String("per"); strings.ToLower(per) {
	case "", "day":
	case "year":
		perYear = true
	default:
		return nil, usagef("--per %s: want day or year", per)
	}
	var dates []time.Time
	if op == compute.Slope || groupBy != compute.NoGroups {
		var err error
		if dates, err = inputDates(cmd.String("dates"), inputs); err != nil {
			return nil, err
		}
	}
	if op == compute.Slope {
		switch {
		case dates != nil:
			cfg.Dates, cfg.PerYear = dates, perYear
		case cmd.IsSet("per"):
			return nil, usagef("--per %s needs dates: no input name has one (YYYYMMDD, YYYY-MM-DD or YYYYDDD); give --dates FILE, or drop --per for a slope per input", cmd.String("per"))
		}
	}
	if groupBy == compute.NoGroups {
		return nil, nil
	}
	if dates == nil {
		return nil, usagef("--group-by %s needs dates: no input name has one (YYYYMMDD, YYYY-MM-DD or YYYYDDD); give --dates FILE", groupBy)
	}
	groups, err := compute.SplitGroups(groupBy, inputs, dates, out)
	if err != nil {
		return nil, usagef("%w", err)
	}
	if err := checkGroupOutputs(groups, inputs, cmd.Bool("overwrite")); err != nil {
		return nil, err
	}
	return groups, nil
}

// checkGroupOutputs is checkOutput for every group's output, with each
// input's absolute path and file information found once, not once per
// group: 365 groups of 365 inputs made 266,000 stat calls (filepath.Abs
// stats the working directory each time).
func checkGroupOutputs(groups []compute.Group, inputs []string, overwrite bool) error {
	abs := make(map[string]bool, len(inputs))
	for _, in := range inputs {
		a, _ := filepath.Abs(in)
		abs[a] = true
	}
	var infos []os.FileInfo // of the inputs, once an output exists
	for _, g := range groups {
		if ao, _ := filepath.Abs(g.Output); abs[ao] {
			return usagef("output %s is also an input: choose another output name", g.Output)
		}
		st, err := os.Stat(g.Output)
		if err != nil {
			continue
		}
		if infos == nil {
			infos = make([]os.FileInfo, 0, len(inputs))
			for _, in := range inputs {
				if si, err := os.Stat(in); err == nil {
					infos = append(infos, si)
				}
			}
		}
		for _, si := range infos {
			if os.SameFile(st, si) {
				return usagef("output %s is also an input: choose another output name", g.Output)
			}
		}
		if !overwrite {
			return usagef("output %s exists: pass --overwrite to replace it, or choose another name", g.Output)
		}
	}
	return nil
}

// parsePercentiles reads the --p values: numbers from 0 to 100, each flag
// a single value or a comma list.
func parsePercentiles(args []string) ([]float64, error) {
	var ps []float64
	for _, a := range args {
		for f := range strings.SplitSeq(a, ",") {
			f = strings.TrimSpace(f)
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || !(v >= 0 && v <= 100) {
				return nil, usagef("--p %q: want percentiles from 0 to 100, such as --p 10,50,90", f)
			}
			ps = append(ps, v)
		}
	}
	if len(ps) == 0 {
		return nil, usagef("percentile needs --p P (0 to 100; repeat it or give a comma list such as --p 10,50,90)")
	}
	return ps, nil
}

// inputDates returns the date of every input: from the --dates file, else
// from their names; nil when no name has a date.
func inputDates(file string, inputs []string) ([]time.Time, error) {
	if file == "" {
		dates, err := compute.NameDates(inputs)
		if err != nil {
			return nil, usagef("%w", err)
		}
		return dates, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, usagef("--dates: %w", err)
	}
	defer f.Close()
	dates, err := compute.ReadDates(f, file)
	if err != nil {
		return nil, usagef("--dates: %w", err)
	}
	if len(dates) != len(inputs) {
		return nil, usagef("--dates %s has %d dates for %d inputs: give one date per input, in input order", file, len(dates), len(inputs))
	}
	return dates, nil
}

// inputsType returns the inputs' common sample type, or Float64 when they
// differ (mode's default output type).
func inputsType(inputs []string) (geotiff.SampleType, error) {
	t := geotiff.Invalid
	for _, in := range inputs {
		r, err := geotiff.Open(in)
		if err != nil {
			return t, fmt.Errorf("%s: %w", in, err)
		}
		it := r.Image().Type
		r.Close()
		if t != geotiff.Invalid && it != t {
			return geotiff.Float64, nil
		}
		t = it
	}
	return t, nil
}
