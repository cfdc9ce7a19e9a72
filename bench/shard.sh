#!/usr/bin/env bash
# Sharded runs against one machine (docs/BENCHMARKS.md, "Shards and merge"):
# a one-machine run, the N shards of the same job run one after another
# (their CPU seconds summed), and gomean merge of their parts, in
# interleaved rounds; checks that the merged file is the one-machine file.
#
#	bash bench/shard.sh GOMEAN INDIR OUTDIR [N] [ROUNDS] [OP] [FORMAT]
#
# FORMAT (GTiff by default) is passed as -of to the runs and the merge
# (COG: the merge computes the overviews and statistics).
# INDIR holds the inputs (*.tif*), e.g. from
# bench/gendem --size 4096 --count 3 --predictor 3 --outdir INDIR.
# Prints one line per measurement: what, wall s, user+sys CPU s, max RSS KiB
# (for the shards: their summed wall and CPU, the largest RSS).
set -euo pipefail
bin=$1 in=$2 out=$3 n=${4:-4} rounds=${5:-3} op=${6:-mean} of=${7:-GTiff}
mkdir -p "$out/parts"
ins=("$in"/*.tif*)
measure() { # measure LABEL CMD...: one line from GNU time
	local label=$1
	shift
	/usr/bin/time -f "$label %e %U %S %M" "$@" 2>&1 >/dev/null | tail -n 1 |
		awk '{printf "%-14s wall %6.2f s  cpu %6.2f s  rss %7d KiB\n", $1, $2, $3 + $4, $5}'
}
for r in $(seq 1 "$rounds"); do
	echo "# round $r"
	measure whole "$bin" "$op" -of "$of" -q --overwrite -o "$out/whole.tif" "${ins[@]}"
	rm -f "$out"/parts/*.tif
	# All shards under one GNU time: the CPU of waited-for children adds
	# up exactly, where a sum of per-process figures (10 ms resolution)
	# would not.
	measure "shards$n" bash -c 'bin=$1 op=$2 out=$3 n=$4 of=$5; shift 5
		for k in $(seq 0 $((n - 1))); do
			"$bin" "$op" -of "$of" -q --shard "$k/$n" -o "$out/parts/part-$k.tif" "$@"
		done' _ "$bin" "$op" "$out" "$n" "$of" "${ins[@]}"
	# Cold-ish merge: drop nothing (no root needed), but read parts fresh.
	measure merge "$bin" merge -of "$of" -q --overwrite -o "$out/merged.tif" "$out"/parts/part-*.tif
	cmp "$out/whole.tif" "$out/merged.tif" && echo "merged == whole ($(stat -c %s "$out/merged.tif") bytes)"
done
