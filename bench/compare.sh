#!/usr/bin/env bash
# Time gomean against the tools it replaces, on the same inputs, in one session.
#
# usage: bash bench/compare.sh DATA_DIR OUT_DIR
#   DATA_DIR  the inputs: every *.tiff / *.tif in it, sorted (bench/gendem or
#             ../shared/bench/gen_dem.py output)
#   OUT_DIR   scratch + results: outputs, per-run logs, results.tsv, summary.md
#             (keep it off tmpfs if disk writes should count, and out of the repo)
# environment:
#   RUNS=3        timed runs per config, interleaved: round 1 of every config
#                 (A B C ...), then round 2, ...; medians are taken per config
#   FIRST_RUN=1   number of the first round (FIRST_RUN=4 RUNS=6 appends rounds 4-6)
#   ONLY=regex    run only the configs whose name matches (bash =~)
#   SKIP=regex    leave out the configs whose name matches
#   GOMEAN=path   gomean binary (default: built from this checkout into OUT_DIR)
#   PY=/usr/bin/python3   interpreter with numpy, osgeo (GDAL) and rasterio
#   CLEAN_OTHER_S=1.0     a run is "clean" if the rest of the machine used <= this many
#                 CPU-seconds during it; medians use clean runs when there are >= 3
#   QUIET_PCT=15  before each run wait (up to QUIET_WAIT=120 s) until the machine's
#                 busy share over 2 s is below this; logged as bg_busy_pct
#   AUTOGROUP_NICE=-10   raise this script's scheduler autogroup priority (root;
#                 launch with setsid)
#   VERIFY=1      compare every mean output with a numpy reference at the end
#   REF=gomean    the config the ratios are relative to (bench/summary -ref)
#
# Timing is ../shared/bench/peers.sh's: GNU time -v for wall, user+sys CPU and
# the peak RSS of the largest single process; inputs read once before (warm page
# cache); `sync` between runs, untimed; the CPU-seconds used by the rest of the
# machine during each run are recorded as other_cpu_s. A peer that is not
# installed is skipped with a message.
set -euo pipefail

DATA=${1:?usage: compare.sh DATA_DIR OUT_DIR}
OUT=${2:?usage: compare.sh DATA_DIR OUT_DIR}
RUNS=${RUNS:-3}
FIRST_RUN=${FIRST_RUN:-1}
ONLY=${ONLY:-.}
SKIP=${SKIP:-^$}
PY=${PY:-/usr/bin/python3}
CLEAN_OTHER_S=${CLEAN_OTHER_S:-1.0}
QUIET_PCT=${QUIET_PCT:-15}
QUIET_WAIT=${QUIET_WAIT:-120}
VERIFY=${VERIFY:-1}
REF=${REF:-gomean}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PEERS=$HERE/peers
if [[ -n "${AUTOGROUP_NICE:-}" && -w /proc/$$/autogroup ]]; then
  echo "$AUTOGROUP_NICE" > /proc/$$/autogroup
fi
mkdir -p "$OUT/logs" "$OUT/out" "$OUT/prep"

mapfile -t IN < <(find "$DATA" -maxdepth 1 \( -name '*.tiff' -o -name '*.tif' \) | sort -V)
N=${#IN[@]}
(( N >= 2 )) || { echo "need at least 2 inputs in $DATA, found $N" >&2; exit 1; }

# ------------------------------------------------------------------ tools
if [[ -z "${GOMEAN:-}" ]]; then
  GOMEAN=$OUT/gomean
  (cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -o "$GOMEAN" ./cmd/gomean)
fi
have_gdal=1; have_calc=1; have_rasterio=1; have_vrtpy=1
command -v gdal_translate > /dev/null || { have_gdal=0; echo "skip: gdal_translate not installed (apt-get install gdal-bin): no VRT peer" >&2; }
command -v gdal_calc.py > /dev/null || { have_calc=0; echo "skip: gdal_calc.py not installed (apt-get install gdal-bin python3-gdal): no gdal_calc peer" >&2; }
if ! "$PY" -c 'import rasterio, numpy' 2> /dev/null; then
  have_rasterio=0; echo "skip: $PY has no rasterio/numpy (apt-get install python3-rasterio): no rasterio pool peer" >&2
fi
if ! "$PY" -c 'from osgeo import gdal; import numpy' 2> /dev/null; then
  have_vrtpy=0; have_calc=0
  echo "skip: $PY has no osgeo/numpy (apt-get install python3-gdal python3-numpy): no VRT and gdal_calc peers" >&2
fi
LETTERS=(A B C D E F G H I J K L M N O P Q R S T U V W X Y Z)
if (( have_calc && N > 26 )); then have_calc=0; echo "skip: gdal_calc.py takes at most 26 inputs (A-Z), got $N" >&2; fi
if [[ -z "${PYTHONSO:-}" ]] && (( have_vrtpy )); then
  PYTHONSO=$("$PY" -c 'import sysconfig,os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')
fi
export PYTHONSO=${PYTHONSO:-}

# ---------------------------------------------------------------- environment
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
  echo "mem: $(free -g | awk '/Mem:/{print $2" GiB"}')"
  echo "os: $(. /etc/os-release; echo "$PRETTY_NAME")  kernel $(uname -r)"
  echo "go: $(go version 2> /dev/null || echo none)"
  echo "gomean: $("$GOMEAN" --version)"
  (( have_gdal )) && echo "gdal: $(gdalinfo --version)"
  (( have_rasterio )) && "$PY" -c 'import sys,numpy,rasterio; print("python:", sys.version.split()[0], " numpy:", numpy.__version__, " rasterio:", rasterio.__version__, "(GDAL", rasterio.__gdal_version__ + ")")'
  echo "inputs: $N"; for f in "${IN[@]}"; do echo "  $f $(stat -c %s "$f") bytes"; done
  (( have_gdal )) && gdalinfo "${IN[0]}" | grep -E '^Size is|Block=|COMPRESSION|PREDICTOR|NoData'
} > "$OUT/env.txt"
cat "$OUT/env.txt"

# ------------------------------------------------------------------ configs
# name | output is a mean raster (mean|-) | command ("@OUT@" = output path)
TCO=(--co TILED=YES --co COMPRESS=DEFLATE --co BLOCKXSIZE=256 --co BLOCKYSIZE=256)
TCO1=(-co TILED=YES -co COMPRESS=DEFLATE -co BLOCKXSIZE=256 -co BLOCKYSIZE=256)
declare -a NAMES KINDS CMDS
add() { NAMES+=("$1"); KINDS+=("$2"); shift 2; CMDS+=("$(printf '%q ' "$@")"); }

# gomean. --propagate-nodata gives the peers' pixels (nodata where any input is
# nodata), so output sizes compare like for like; gomean_skip is its default
# semantics (mean of the valid inputs).
G=("$GOMEAN" -q --overwrite --propagate-nodata -o "@OUT@")
add gomean          mean "${G[@]}" "${IN[@]}"                                   # defaults: DEFLATE level 1 + predictor 3
add gomean_1core    mean taskset -c 0 env GOMAXPROCS=1 "${G[@]}" --workers 1 "${IN[@]}"
add gomean_z6p3     mean "${G[@]}" --co ZLEVEL=6 --co PREDICTOR=3 "${IN[@]}"    # matches GDAL ZLEVEL=6 PREDICTOR=3
add gomean_z6       mean "${G[@]}" --co ZLEVEL=6 --co PREDICTOR=1 "${IN[@]}"    # GDAL's default options, literally
add gomean_z7       mean "${G[@]}" --co ZLEVEL=7 --co PREDICTOR=1 "${IN[@]}"    # no predictor, GDAL-default size
add gomean_huff     mean "${G[@]}" --co ZLEVEL=HUFFMAN "${IN[@]}"                 # Huffman-only DEFLATE + predictor 3: the fast option
add gomean_skip     mean "$GOMEAN" -q --overwrite -o "@OUT@" "${IN[@]}"         # default nodata semantics

# a. the rasterio + multiprocessing script
if (( have_rasterio )); then
  POOL=("$PY" "$PEERS/rasterio_pool_mean.py" -o "@OUT@")
  add pool_p1         mean env -u GDAL_NUM_THREADS "${POOL[@]}" -p 1 "${IN[@]}"
  add pool_p2         mean env -u GDAL_NUM_THREADS "${POOL[@]}" -p 2 "${IN[@]}"
  add pool_p1_gdalnt  mean env GDAL_NUM_THREADS=ALL_CPUS "${POOL[@]}" -p 1 "${IN[@]}"
  add pool_p2_gdalnt  mean env GDAL_NUM_THREADS=ALL_CPUS "${POOL[@]}" -p 2 "${IN[@]}"
fi
# b. gdal_calc.py
if (( have_calc )); then
  CALC=(gdal_calc.py --quiet)
  SUM=""
  for i in "${!IN[@]}"; do CALC+=("-${LETTERS[$i]}" "${IN[$i]}"); SUM+="${SUM:++}${LETTERS[$i]}"; done
  CALC+=(--outfile="@OUT@" --calc="($SUM)/$N" --NoDataValue=-9999 --type=Float32 --overwrite)
  add calc            mean env -u GDAL_NUM_THREADS "${CALC[@]}" "${TCO[@]}"
  add calc_nt         mean env -u GDAL_NUM_THREADS "${CALC[@]}" "${TCO[@]}" --co NUM_THREADS=ALL_CPUS
fi
# c. a VRT with a numpy pixel function, materialised by gdal_translate
if (( have_gdal && have_vrtpy )); then
  "$PY" "$PEERS/make_mean_vrt.py" "$OUT/prep/mean.vrt" "${IN[@]}"
  V=(gdal_translate -q "${TCO1[@]}")
  add vrt             mean env -u GDAL_NUM_THREADS GDAL_VRT_ENABLE_PYTHON=YES "${V[@]}" "$OUT/prep/mean.vrt" "@OUT@"
  add vrt_nt          mean env GDAL_NUM_THREADS=ALL_CPUS GDAL_VRT_ENABLE_PYTHON=YES "${V[@]}" -co NUM_THREADS=ALL_CPUS "$OUT/prep/mean.vrt" "@OUT@"
  add vrt_nt_pred3    mean env GDAL_NUM_THREADS=ALL_CPUS GDAL_VRT_ENABLE_PYTHON=YES "${V[@]}" -co NUM_THREADS=ALL_CPUS -co PREDICTOR=3 "$OUT/prep/mean.vrt" "@OUT@"
fi

selected() { [[ $1 =~ $ONLY && ! $1 =~ $SKIP ]]; }
: > "$OUT/commands.txt"
for i in "${!NAMES[@]}"; do
  selected "${NAMES[$i]}" || continue
  printf '%s\t%s\n' "${NAMES[$i]}" "${CMDS[$i]//@OUT@/$OUT/out/${NAMES[$i]}.tif}" >> "$OUT/commands.txt"
done

# ------------------------------------------------------------------ run
busy_pct() {
  local a b ta=0 tb=0 k
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  for k in 1 2 3 4 5 6 7 8; do ta=$((ta + a[k])); tb=$((tb + b[k])); done
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) tot=$((tb - ta))
  echo $(( tot > 0 ? 100 * (tot - idle) / tot : 0 ))
}
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
HZ=$(getconf CLK_TCK)
wait_quiet() {
  local t0=$SECONDS p
  while :; do
    p=$(busy_pct)
    if (( p < QUIET_PCT )) || (( SECONDS - t0 > QUIET_WAIT )); then echo "$p"; return; fi
    echo "machine busy (${p}%), waiting..." >&2
    sleep 5
  done
}
cat "${IN[@]}" > /dev/null   # warm the page cache
RES=$OUT/results.tsv
[[ -f $RES ]] || printf 'config\trun\twall_s\tuser_s\tsys_s\tcpu_pct\tmaxrss_kb\tout_bytes\tbg_busy_pct\tother_cpu_s\n' > "$RES"

for ((r = FIRST_RUN; r <= RUNS; r++)); do
  for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]}
    selected "$name" || continue
    o=$OUT/out/$name.tif
    cmd=${CMDS[$i]//@OUT@/$o}
    rm -f "$o"; sync
    bg=$(wait_quiet)
    log=$OUT/logs/$name.$r
    j0=$(busy_jiffies)
    if ! eval "/usr/bin/time -v -o $log.time $cmd" > "$log.out" 2>&1; then
      echo "FAILED: $name run $r (see $log.out)" >&2; cat "$log.out" >&2; exit 1
    fi
    j1=$(busy_jiffies)
    sz=$(stat -c %s "$o")
    line=$(awk -F': ' -v c="$name" -v r="$r" -v sz="$sz" -v bg="$bg" -v mj="$((j1 - j0))" -v hz="$HZ" '
      /User time/ {u=$2} /System time/ {s=$2} /Percent of CPU/ {p=$2; sub(/%/,"",p)}
      /Maximum resident/ {m=$2}
      /Elapsed \(wall clock\)/ {n=split($NF,t,":"); w=0; for(i=1;i<=n;i++) w=w*60+t[i]}
      END {o=mj/hz-u-s; if (o<0) o=0
           printf "%s\t%d\t%.2f\t%.2f\t%.2f\t%s\t%d\t%d\t%s\t%.2f\n", c, r, w, u, s, p, m, sz, bg, o}' "$log.time")
    printf '%s\n' "$line" >> "$RES"
    printf '%s\n' "$line"
  done
done

# ------------------------------------------------------------------ summary
(cd "$ROOT" && go run ./bench/summary -ref "$REF" -clean "$CLEAN_OTHER_S" "$RES") | tee "$OUT/summary.md"

# ------------------------------------------------------------------ numerical agreement
if [[ $VERIFY == 1 ]] && (( have_vrtpy )); then
  means=()
  for i in "${!NAMES[@]}"; do
    [[ ${KINDS[$i]} == mean && -f $OUT/out/${NAMES[$i]}.tif ]] && selected "${NAMES[$i]}" && means+=("$OUT/out/${NAMES[$i]}.tif")
  done
  "$PY" "$PEERS/verify_outputs.py" --inputs "${IN[@]}" -- "${means[@]}" | tee "$OUT/verify.txt"
fi
