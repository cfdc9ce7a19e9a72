package main

import (
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/grid"
)

// gridFlags are the options that choose the output grid of inputs whose
// grids differ (docs/GRIDS.md).
func gridFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "extent", Usage: "output `EXTENT` when the inputs' footprints differ: union (default), intersection, or first (the first input's grid)"},
		&cli.StringFlag{Name: "te", Usage: "target extent `XMIN YMIN XMAX YMAX` in the inputs' CRS, as gdalwarp -te (4 numbers, or one comma list)"},
		&cli.StringFlag{Name: "tr", Usage: "target resolution `XRES YRES`, as gdalwarp -tr"},
		&cli.BoolFlag{Name: "tap", Usage: "align the target extent to multiples of --tr, as gdalwarp -tap"},
		&cli.StringFlag{Name: "r", Aliases: []string{"resampling"}, Usage: "resampling `METHOD` for inputs off the target grid's lattice, as gdalwarp -r: near (default), bilinear, cubic, cubicspline, lanczos, average, min, max or mode"},
		&cli.StringFlag{Name: "ts", Usage: "target size `WIDTH HEIGHT` in pixels, as gdalwarp -ts (0 for one keeps square pixels)"},
	}
}

// gridDescription is the part of a reduction's help about grids.
const gridDescription = `

Inputs on one pixel lattice (same CRS and pixel size, origins whole pixels
apart) may have different footprints: the output covers their union
(--extent union, the default), their intersection, or the first input's
grid, and a pixel outside an input counts as invalid for it, like nodata.
--te, --tr, --tap and --ts set the target grid as gdalwarp does; inputs off
its lattice (another resolution, a sub-pixel offset) are resampled by
nearest neighbour as gdalwarp -r near does in one CRS, or with -r bilinear,
cubic, cubicspline, lanczos, average, min, max or mode (invalid pixels left
out, weights renormalised, as gdalwarp). See docs/GRIDS.md.
   gomean mean -o dem.tif survey_2019.tif survey_2021.tif survey_2023.tif
   gomean mean -o tile.tif --te 500000 4990000 510000 5000000 surveys/*.tif
   gomean mean -o dem30.tif --tr 30 30 --tap -r average dem_10m.tif dem_30m.tif
   gomean mean -o dem5.tif --tr 5 5 -r cubic dem_10m.tif dem_30m.tif`

// gridValues maps the flags that take several numbers to their count.
var gridValues = map[string]int{"te": 4, "tr": 2, "ts": 2}

// gridArgs rewrites gdalwarp's spelling of the grid flags, "--te XMIN YMIN
// XMAX YMAX" (or -te), into "--te=XMIN,YMIN,XMAX,YMAX", which the flag
// parser reads as one value. Arguments after "--" are left alone.
func gridArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name := strings.TrimLeft(a, "-")
		n, ok := gridValues[name]
		if ok && strings.HasPrefix(a, "-") && i+n < len(args) && numbers(args[i+1:i+1+n]) {
			out = append(out, "--"+name+"="+strings.Join(args[i+1:i+1+n], ","))
			i += n
			continue
		}
		out = append(out, a)
	}
	return out
}

func numbers(s []string) bool {
	for _, v := range s {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return false
		}
	}
	return true
}

// gridConfig reads the grid flags.
func gridConfig(cmd *cli.Command) (grid.Target, error) {
	var t grid.Target
	if v := cmd.String("extent"); v != "" {
		e, err := grid.ParseExtent(strings.ToLower(v))
		if err != nil {
			return t, usagef("--extent: %w", err)
		}
		t.Extent = e
	}
	if v := cmd.String("te"); v != "" {
		f, err := gridNumbers("te", v)
		if err != nil {
			return t, err
		}
		t.HasTE = true
		copy(t.TE[:], f)
	}
	if v := cmd.String("tr"); v != "" {
		f, err := gridNumbers("tr", v)
		if err != nil {
			return t, err
		}
		t.TR = [2]float64{f[0], f[1]}
	}
	if v := cmd.String("ts"); v != "" {
		f, err := gridNumbers("ts", v)
		if err != nil {
			return t, err
		}
		for i, x := range f {
			if x != float64(int(x)) {
				return t, usagef("--ts %s: want whole pixel counts", v)
			}
			t.TS[i] = int(x)
		}
		if t.TS == [2]int{} {
			return t, usagef("--ts %s: want a width or a height above 0", v)
		}
	}
	t.TAP = cmd.Bool("tap")
	if v := cmd.String("r"); v != "" {
		k, err := grid.ParseKernel(v)
		if err != nil {
			return t, usagef("-r: %w", err)
		}
		t.Resampling = k
	}
	if err := t.Validate(); err != nil {
		return t, usagef("%w", err)
	}
	return t, nil
}

// gridNumbers parses the numbers of flag name, separated by commas or
// spaces.
func gridNumbers(name, v string) ([]float64, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	want := gridValues[name]
	if len(fields) != want {
		return nil, usagef("--%s %s: want %d numbers", name, v, want)
	}
	f := make([]float64, want)
	for i, s := range fields {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, usagef("--%s %s: %q is not a number", name, v, s)
		}
		f[i] = x
	}
	return f, nil
}
