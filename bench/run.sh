#!/usr/bin/env bash
# The whole benchmark of docs/BENCHMARKS.md, in one session:
#   1. inputs: 3 x 10000² and 3 x 20000² float32 DEMs (bench/gendem), unless present
#   2. gomean vs the peers on 10000², interleaved rounds (bench/compare.sh)
#   3. the codec floor of the same job on one core (bench/floor)
#   4. gomean alone on 20000², for peak RSS against 10000²
#   5. CPU and heap profiles of gomean on 10000² (bench/profile)
#   6. the tables (bench/summary) and the chart docs/bench-cores.png (bench/chart)
#
# usage: bash bench/run.sh [SCRATCH]      (default /tmp/gomean-bench; never inside the repo)
# environment: RUNS (3), RUNS20K (3), SKIP20K=1 to leave out step 4, PROFILE=0 to leave out
# step 5, and compare.sh's variables (ONLY, SKIP, QUIET_PCT, AUTOGROUP_NICE, ...).
# Launch with `setsid env AUTOGROUP_NICE=-10 bash bench/run.sh` on a shared machine.
set -euo pipefail
S=${1:-/tmp/gomean-bench}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=${RUNS:-3}
RUNS20K=${RUNS20K:-3}
mkdir -p "$S/bin"
cd "$ROOT"
for p in gomean:./cmd/gomean gendem:./bench/gendem floor:./bench/floor profile:./bench/profile; do
  CGO_ENABLED=0 go build -trimpath -ldflags "-X main.commit=$(git rev-parse --short=12 HEAD 2>/dev/null)" -o "$S/bin/${p%%:*}" "${p#*:}"
done
export GOMEAN=$S/bin/gomean

gen() { # size
  if [[ ! -f $S/$1/dem.30m.3.tiff ]]; then
    /usr/bin/time -f "gendem $1: %e s wall, %U+%S s CPU, %M KiB peak RSS" \
      "$S/bin/gendem" --size "$1" --count 3 --outdir "$S/$1"
  fi
}
gen 10000
[[ ${SKIP20K:-0} == 1 ]] || gen 20000

# 2. gomean vs peers
RUNS=$RUNS bash "$HERE/compare.sh" "$S/10000" "$S/run10000"

# 3. codec floor (single core), on gomean's default output
"$S/bin/floor" -reps 3 -out "$S/run10000/out/gomean.tif" "$S"/10000/dem.30m.*.tiff | tee "$S/run10000/floor.tsv"
FLOOR=$(awk '$1=="floor_1core_s"{print $2}' "$S/run10000/floor.tsv")

# 4. 20000²: gomean only (peak RSS and wall)
if [[ ${SKIP20K:-0} != 1 ]]; then
  RUNS=$RUNS20K ONLY='^gomean$' VERIFY=0 bash "$HERE/compare.sh" "$S/20000" "$S/run20000"
fi

# 5. profiles
if [[ ${PROFILE:-1} == 1 ]]; then
  "$S/bin/profile" -propagate -o "$S/run10000/prof.tif" -cpuprofile "$S/run10000/cpu.prof" \
    -memprofile "$S/run10000/heap.prof" "$S"/10000/dem.30m.*.tiff | tee "$S/run10000/profile.tsv"
  go tool pprof -top -nodecount 35 "$S/bin/profile" "$S/run10000/cpu.prof" > "$S/run10000/cpu.top.txt" 2>&1 || true
  go tool pprof -top -nodecount 25 -sample_index=inuse_space "$S/bin/profile" "$S/run10000/heap.prof" > "$S/run10000/heap.top.txt" 2>&1 || true
  # time spent in fsync at Close (durability; the peers do not sync)
  strace --seccomp-bpf -f -T -e trace=fsync -o "$S/run10000/fsync.strace" "$GOMEAN" -q --overwrite --propagate-nodata \
    -o "$S/run10000/strace.tif" "$S"/10000/dem.30m.*.tiff || true
fi

# 6. tables and chart
go run ./bench/summary -floor "$FLOOR" "$S/run10000/results.tsv" | tee "$S/run10000/summary.md"
[[ -f $S/run20000/results.tsv ]] && go run ./bench/summary -cores '' "$S/run20000/results.tsv" | tee "$S/run20000/summary.md"
go run ./bench/chart -o docs/bench-cores.png -floor "$FLOOR" \
  -title "mean of 3 x 10000x10000 float32 DEMs" \
  -note "wall time, median of $RUNS interleaved runs; $(nproc)-core $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | awk '{print $1, $2, $3}'), $(go env GOVERSION), $(gdalinfo --version 2>/dev/null | cut -d, -f1)" \
  -series 'gomean=gomean_1core@1,gomean@2' \
  -series 'GDAL VRT + gdal_translate=vrt@1,vrt_nt@2' \
  -series 'gdal_calc.py=calc@1,calc_nt@2' \
  -series 'rasterio + Pool (p=1 or 2)=pool_p1@1,pool_p2@2' \
  -series 'rasterio + Pool, GDAL threads=pool_p1_gdalnt@1,pool_p2_gdalnt@2' \
  "$S/run10000/results.tsv"
echo "done: $S/run10000/summary.md docs/bench-cores.png"
