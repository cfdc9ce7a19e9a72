package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/compute"
)

// shardFlag is the --shard option of every reduction.
func shardFlag() cli.Flag {
	return &cli.StringFlag{Name: "shard", Usage: "compute only shard `K/N` (K from 0) of the output, a band of tile rows, into a part file for gomean merge; " +
		"--shard N takes K from SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (see docs/SCALING.md)"}
}

// shardEnv are the variables that give an array task its index, in the
// order they are tried.
var shardEnv = []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"}

// parseShard reads --shard K/N or --shard N into cfg, taking K from the
// batch engine's environment (getenv) for the second form.
func parseShard(v string, getenv func(string) string, cfg *compute.Config) error {
	if v == "" {
		return nil
	}
	ks, ns, explicit := strings.Cut(v, "/")
	if !explicit {
		ns = v
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 1 {
		return usagef("--shard %s: want K/N or N with N a shard count of 1 or more", v)
	}
	var k int
	if explicit {
		if k, err = strconv.Atoi(strings.TrimSpace(ks)); err != nil {
			return usagef("--shard %s: want K/N with K a shard index from 0 to %d", v, n-1)
		}
	} else if k, err = envShard(getenv, n); err != nil {
		return usagef("--shard %s: %w", v, err)
	}
	if k < 0 || k >= n {
		return usagef("--shard %s: shard index %d out of range: want 0 to %d (K counts from 0)", v, k, n-1)
	}
	cfg.Shard, cfg.Shards = k, n
	return nil
}

// envShard returns the index of this array task: SLURM_ARRAY_TASK_ID
// minus SLURM_ARRAY_TASK_MIN (so --array=1-4 works too),
// JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX. A Slurm array of
// other than n tasks is refused: resubmitting one shard as --array=7
// would otherwise compute shard 0.
func envShard(getenv func(string) string, n int) (int, error) {
	for _, name := range shardEnv {
		s := getenv(name)
		if s == "" {
			continue
		}
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return 0, fmt.Errorf("%s=%q is not an integer", name, s)
		}
		if name == "SLURM_ARRAY_TASK_ID" {
			if c := strings.TrimSpace(getenv("SLURM_ARRAY_TASK_COUNT")); c != "" && c != strconv.Itoa(n) {
				return 0, fmt.Errorf("the Slurm job array has %s tasks, not %d: submit --array with %d tasks, or give the shard as --shard K/%d (to rerun one shard, --shard $SLURM_ARRAY_TASK_ID/%d)", c, n, n, n, n)
			}
			if m := getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
				lo, err := strconv.Atoi(strings.TrimSpace(m))
				if err != nil {
					return 0, fmt.Errorf("SLURM_ARRAY_TASK_MIN=%q is not an integer", m)
				}
				k -= lo
			}
		}
		return k, nil
	}
	return 0, fmt.Errorf("no shard index in the environment: none of %s is set (run it as an array task, or give --shard K/N)", strings.Join(shardEnv, ", "))
}

const mergeDescription = `Assembles the part files that the N shards of one job wrote (gomean mean
--shard K/N ...) into the job's output: the file one machine writes without
--shard, byte for byte. Parts come in any order, as paths, globs or @LIST
files. Merge checks that every shard from 0 to N-1 is there once and that
all come from one job (the same inputs, reduction, options and output
grid), then copies their compressed tiles as they are: no re-encoding, so
it runs at the speed of the disk in little memory.

A job run with -of COG (or --overviews, --stats) shards into plain tiled
parts that record it; merge then writes that output: it copies the
full-resolution tiles as they are, decodes each once to compute the
overviews and statistics exactly as the one-machine run does, and encodes
only the overview tiles. -of checks the job's format: merge writes the
output the job asked for, and refuses parts of jobs of different formats.

Examples:
   gomean merge -o out.tif parts/out.part-*.tif
   gomean merge -o out.tif @parts.txt --overwrite
   gomean mean -of COG --shard $SLURM_ARRAY_TASK_ID/16 -o part-$SLURM_ARRAY_TASK_ID.tif @in.txt
   gomean merge -of COG -o out.tif 'part-*.tif'`

// mergeCommand returns the merge command.
func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:         "merge",
		Usage:        "assemble the part files of a --shard job into its output",
		ArgsUsage:    "PART.tif...",
		UsageText:    "gomean merge -o OUT.tif [options] PART.tif...",
		Description:  mergeDescription,
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output GeoTIFF `FILE` (required)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"of"}, Usage: "output `FORMAT` the job must have: GTiff or COG (default: the job's, which the parts record)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"j"}, Usage: "`N` goroutines decoding tiles for a COG's overviews and statistics (default: all CPUs)", HideDefault: true},
			&cli.BoolFlag{Name: "overwrite", Usage: "replace the output file if it exists"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print no progress"},
		},
		Action: runMerge,
	}
}

func runMerge(ctx context.Context, cmd *cli.Command) error {
	out := cmd.String("output")
	if out == "" {
		return usagef("no output file: give -o OUT.tif")
	}
	parts, err := expandInputs(cmd.Args().Slice())
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		return usagef("no part files: give the parts that gomean ... --shard wrote")
	}
	if err := checkOutput(out, parts, cmd.Bool("overwrite")); err != nil {
		return err
	}
	format := cmd.String("format")
	switch strings.ToUpper(format) {
	case "", "GTIFF", "COG":
	default:
		return usagef("-of %s: gomean merge writes GTiff or COG", format)
	}
	if cmd.Int("workers") < 0 {
		return usagef("--workers %d: want 1 or more", cmd.Int("workers"))
	}
	opts := compute.MergeOptions{Overwrite: cmd.Bool("overwrite"), Format: format, Workers: int(cmd.Int("workers"))}
	prog := newProgress(cmd.Root().ErrWriter, cmd.Bool("quiet"))
	if prog != nil {
		opts.Progress = prog.update
	}
	err = compute.Merge(ctx, parts, out, opts)
	if prog != nil {
		prog.finish(err == nil)
	}
	return withHint(ctx, err, out)
}

// shardConfig applies --shard to cfg; it refuses grouped runs, whose
// outputs are several files.
func shardConfig(cmd *cli.Command, cfg *compute.Config, grouped bool) error {
	v := cmd.String("shard")
	if v != "" && grouped {
		return usagef("--shard does not apply to grouped runs (--group-by): shard each group's run on its own")
	}
	return parseShard(v, os.Getenv, cfg)
}
