#!/usr/bin/env bash
# The daily-grids benchmark of docs/BENCHMARKS.md: the masked mean of N daily
# 1440x720 float32 grids in GDAL's default strip layout (gen_daily.py), for
# each N in $COUNTS, by
#   gomean_j1, gomean_j2   gomean mean with 1 and 2 workers
#   gdal_vrt               masked-mean VRT pixel function + gdal_translate with
#                          GDAL_NUM_THREADS=ALL_CPUS and -co NUM_THREADS=ALL_CPUS
#   numpy                  a single-threaded numpy loop over GDAL ReadAsArray
# in interleaved rounds (round 1 of every config, then round 2, ...), timed by
# GNU time (wall, user+sys CPU, peak RSS), plus the codec floor of the job on
# one core (bench/floor: decode every input strip, encode the output).
#
# usage: bash bench/daily/run.sh [SCRATCH] [OUTDIR]
#   SCRATCH  inputs and outputs (default /tmp/gomean-daily; never the repo)
#   OUTDIR   results.tsv, floor.tsv, summary.md (default SCRATCH/results)
# environment: COUNTS ("30 100 365 1000"), RUNS (3), ONLY (regex of configs)
set -euo pipefail
S=${1:-/tmp/gomean-daily}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${2:-$S/results}
COUNTS=${COUNTS:-30 100 365 1000}
RUNS=${RUNS:-3}
ONLY=${ONLY:-.}
PY=/usr/bin/python3
mkdir -p "$S/bin" "$S/out" "$OUT"
(cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -o "$S/bin/gomean" ./cmd/gomean &&
  CGO_ENABLED=0 go build -trimpath -o "$S/bin/floor" ./bench/floor)
max=0
for n in $COUNTS; do ((n > max)) && max=$n; done
$PY "$HERE/gen_daily.py" "$max" "$S/grids"
ls "$S"/grids/tmean_*.tif | sort >"$S/all.txt"

res=$OUT/results.tsv
[[ -f $res ]] || printf 'n\tconfig\tround\twall_s\tcpu_s\tmaxrss_kib\n' >"$res"
timed() { # n config round cmd...
  local n=$1 cfg=$2 r=$3
  shift 3
  [[ $cfg =~ $ONLY ]] || return 0
  sync
  local t
  t=$(mktemp)
  if ! /usr/bin/time -o "$t" -f '%e %U %S %M' "$@" >"$S/out/$cfg.$n.log" 2>&1; then
    echo "$cfg n=$n failed: see $S/out/$cfg.$n.log" >&2
    rm -f "$t"
    return 0
  fi
  read -r wall user sys rss <"$t"
  rm -f "$t"
  printf '%s\t%s\t%s\t%s\t%.2f\t%s\n' "$n" "$cfg" "$r" "$wall" "$(echo "$user + $sys" | bc)" "$rss" | tee -a "$res"
}
for n in $COUNTS; do
  head -n "$n" "$S/all.txt" >"$S/list.$n.txt"
  $PY "$HERE/masked_mean_vrt.py" "$S/mean.$n.vrt" $(cat "$S/list.$n.txt")
  cat $(cat "$S/list.$n.txt") >/dev/null # warm the page cache
  for r in $(seq 1 "$RUNS"); do
    timed "$n" gomean_j1 "$r" "$S/bin/gomean" mean -q -j 1 --overwrite -o "$S/out/gomean_j1.$n.tif" "@$S/list.$n.txt"
    timed "$n" gomean_j2 "$r" "$S/bin/gomean" mean -q -j 2 --overwrite -o "$S/out/gomean_j2.$n.tif" "@$S/list.$n.txt"
    timed "$n" gdal_vrt "$r" env GDAL_VRT_ENABLE_PYTHON=YES GDAL_NUM_THREADS=ALL_CPUS \
      gdal_translate -q -of GTiff -co TILED=YES -co COMPRESS=DEFLATE -co NUM_THREADS=ALL_CPUS \
      "$S/mean.$n.vrt" "$S/out/gdal_vrt.$n.tif"
    timed "$n" numpy "$r" $PY "$HERE/numpy_loop.py" "$S/out/numpy.$n.tif" $(cat "$S/list.$n.txt")
    rm -f "$S/out/gdal_vrt.$n.tif" "$S/out/numpy.$n.tif.tmp"
  done
  if [[ gomean_j1 =~ $ONLY ]]; then
    printf 'n=%s\t' "$n" >>"$OUT/floor.tsv"
    "$S/bin/floor" -reps 3 -out "$S/out/gomean_j1.$n.tif" $(cat "$S/list.$n.txt") | tr '\n' '\t' >>"$OUT/floor.tsv"
    echo >>"$OUT/floor.tsv"
    cmp "$S/out/gomean_j1.$n.tif" "$S/out/gomean_j2.$n.tif" && echo "n=$n: 1 and 2 workers wrote the same bytes"
  fi
done
# Medians per (n, config).
awk -F'\t' 'NR > 1 { k = $1 "\t" $2; w[k] = w[k] " " $4; c[k] = c[k] " " $5; m[k] = m[k] " " $6 }
  function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return a[int((n + 1) / 2)] }
  END { print "| n | config | wall s | CPU s | peak RSS MiB |"; print "|---|---|---|---|---|"
        for (k in w) { split(k, p, "\t"); printf "| %s | %s | %s | %s | %.0f |\n", p[1], p[2], med(w[k]), med(c[k]), med(m[k]) / 1024 } }' "$res" |
  sort -t'|' -k2,2n -k3,3 >"$OUT/summary.md"
cat "$OUT/summary.md"
