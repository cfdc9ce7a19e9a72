package main

import (
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/overview"
)

// cogDefaultBlock is the tile size of COG output, GDAL's COG BLOCKSIZE
// default.
const cogDefaultBlock = 512

// cogOptions are the creation options of GDAL's COG driver and of
// gomean's overviews, as given.
type cogOptions struct {
	layoutCOG  bool   // LAYOUT=COG
	block      int    // BLOCKSIZE, 0 when not given
	overviews  string // OVERVIEWS, "" when not given
	count      int    // OVERVIEW_COUNT, 0 when not given
	resampling string // OVERVIEW_RESAMPLING
	statistics string // STATISTICS
	given      []string
}

// cogOption applies a COG creation option; handled is false for a key it
// does not know.
func (c *creation) cogOption(key, v, how string, bad func(string) error) (handled bool, err error) {
	o := &c.cog
	switch key {
	case "LAYOUT":
		if !strings.EqualFold(v, "COG") {
			return true, bad("COG (the same as -of COG)")
		}
		o.layoutCOG = true
		return true, nil
	case "BLOCKSIZE":
		n, perr := atoiRange(v, 16, 65536)
		if perr != nil || n%16 != 0 {
			return true, bad("a multiple of 16 from 16 to 65536")
		}
		o.block = n
		if err := c.note("tile BLOCKXSIZE", how); err != nil {
			return true, err
		}
		return true, c.note("tile BLOCKYSIZE", how)
	case "LEVEL":
		n, perr := atoiRange(v, 1, 22)
		if perr != nil {
			return true, bad("a DEFLATE level from 1 to 9 or a ZSTD level from 1 to 22")
		}
		return true, c.level(n)
	case "OVERVIEWS":
		switch u := strings.ToUpper(v); u {
		case "AUTO", "IGNORE_EXISTING", "FORCE_USE_EXISTING", "NONE":
			o.overviews = u
		default:
			return true, bad("AUTO, IGNORE_EXISTING, FORCE_USE_EXISTING or NONE")
		}
	case "OVERVIEW_COUNT":
		n, perr := atoiRange(v, 0, 30)
		if perr != nil {
			return true, bad("a count from 0 to 30")
		}
		o.count = n
		if n == 0 {
			o.count = -1
		}
	case "OVERVIEW_RESAMPLING", "RESAMPLING":
		if _, perr := overview.ParseMethod(v); perr != nil {
			return true, bad("AVERAGE, NEAREST or MODE")
		}
		o.resampling = v
	case "STATISTICS":
		switch u := strings.ToUpper(v); u {
		case "AUTO", "YES", "NO":
			o.statistics = u
		default:
			return true, bad("AUTO, YES or NO")
		}
	default:
		return false, nil
	}
	o.given = append(o.given, key)
	return true, nil
}

// outputFlags returns the creation options and the overview configuration
// from -of, --overviews, --stats and the --co items.
func outputFlags(cmd *cli.Command) (geotiff.WriterOptions, compute.OverviewConfig, error) {
	var oc compute.OverviewConfig
	c, err := creationOf(cmd)
	if err != nil {
		return geotiff.WriterOptions{}, oc, err
	}
	o := &c.cog
	switch f := strings.ToUpper(cmd.String("format")); f {
	case "", "GTIFF":
	case "COG":
		oc.COG = true
	default:
		return geotiff.WriterOptions{}, oc, usagef("-of %s: gomean writes GTiff or COG", cmd.String("format"))
	}
	oc.COG = oc.COG || o.layoutCOG
	oc.Internal = !oc.COG && cmd.Bool("overviews")
	oc.Stats = cmd.Bool("stats")
	if !oc.COG && !oc.Internal {
		for _, k := range o.given {
			if k != "STATISTICS" {
				return geotiff.WriterOptions{}, oc, usagef("creation option %s applies to -of COG or --overviews", k)
			}
		}
		if o.block != 0 {
			return geotiff.WriterOptions{}, oc, usagef("creation option BLOCKSIZE applies to -of COG: use --tile or BLOCKXSIZE and BLOCKYSIZE for GTiff")
		}
	}
	switch o.statistics {
	case "YES":
		oc.Stats = true
	case "NO":
		if cmd.Bool("stats") {
			return geotiff.WriterOptions{}, oc, usagef("--stats conflicts with --co STATISTICS=NO")
		}
		oc.NoStats = true
	}
	if o.overviews == "NONE" {
		if o.count > 0 {
			return geotiff.WriterOptions{}, oc, usagef("OVERVIEWS=NONE conflicts with OVERVIEW_COUNT=%d", o.count)
		}
		oc.Levels = -1
	} else {
		oc.Levels = o.count
	}
	if o.resampling != "" {
		oc.Resampling, _ = overview.ParseMethod(o.resampling)
	}
	opts, err := c.finish()
	if err != nil {
		return opts, oc, err
	}
	if o.block != 0 {
		opts.TileWidth, opts.TileHeight = o.block, o.block
	} else if oc.COG && opts.TileWidth == 0 {
		opts.TileWidth, opts.TileHeight = cogDefaultBlock, cogDefaultBlock
	}
	return opts, oc, nil
}
