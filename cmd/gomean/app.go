package main

import (
	"context"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/compute"
)

const rootUsage = `gomean [mean] -o OUT.tif [options] IN.tif...
gomean sum|min|max|count|std|median|mode|slope -o OUT.tif [options] IN.tif...
gomean percentile --p 10,50,90 -o OUT.tif [options] IN.tif...
gomean info FILE.tif
gomean mean --shard K/N -o PART.tif [options] IN.tif...; gomean merge -o OUT.tif PART.tif...`

const rootDescription = `gomean reduces co-registered rasters pixel by pixel into a tiled GeoTIFF,
skipping nodata, with tiles read, reduced and compressed in parallel.
"gomean COMMAND --help" describes the options of each command.

Examples:
   gomean -o mean.tif dem_a.tif dem_b.tif dem_c.tif
   gomean dem_*.tif -o mean.tif --co COMPRESS=ZSTD --co ZSTD_LEVEL=9
   gomean median -o median.tif @scenes.txt --band 1 --band 3
   gomean std -o spread.tif -ot Float64 a.tif b.tif c.tif
   gomean count -o valid.tif --type Byte *.tif
   gomean percentile --p 10,50,90 -o p.tif scenes/*.tif
   gomean mode -o landcover.tif lc_*.tif
   gomean slope --per year -o trend.tif ndvi_2015-07-01.tif ndvi_2016-07-01.tif ...
   gomean mean --group-by month -o mean_{group}.tif daily_2024*.tif
   gomean mean --shard $SLURM_ARRAY_TASK_ID/16 -o part-$SLURM_ARRAY_TASK_ID.tif @in.txt
   gomean merge -o mean.tif part-*.tif     (docs/SCALING.md)`

// newApp returns the gomean command line: the reductions (mean is the
// default command), each with the same options, and info.
func newApp() *cli.Command {
	var cmds []*cli.Command
	for _, op := range compute.Ops() {
		cmds = append(cmds, reduceCommand(op))
	}
	cmds = append(cmds, extraCommands()...)
	return &cli.Command{
		Name:                      "gomean",
		Usage:                     "average (or otherwise reduce) stacks of co-registered GeoTIFFs, fast",
		UsageText:                 rootUsage,
		Description:               rootDescription,
		Version:                   versionString(),
		DefaultCommand:            "mean",
		Commands:                  cmds,
		DisableSliceFlagSeparator: true,
		Writer:                    os.Stdout,
		ErrWriter:                 os.Stderr,
		OnUsageError:              onUsageError,
		HideHelpCommand:           true,
	}
}

func versionString() string {
	c := commit
	if c == "" {
		c = "unknown"
	}
	return version + " (commit " + c + ")"
}

// onUsageError turns flag parsing errors into usage errors (exit status 2)
// instead of printing the whole help.
func onUsageError(_ context.Context, _ *cli.Command, err error, _ bool) error {
	return usageError{err}
}
