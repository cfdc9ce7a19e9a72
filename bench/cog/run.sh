#!/usr/bin/env bash
# COG output against plain GTiff output of the same mean (3 × 4096² DEMs),
# interleaved rounds, and GDAL's way: gdal_translate -of COG of a mean VRT
# (both thread knobs, and without). Usage:
#   bash bench/cog/run.sh [SCRATCH] [ROUNDS]
# Inputs from: go run ./bench/gendem --size 4096 --count 3 --outdir SCRATCH/in
set -euo pipefail
S=${1:-/tmp/cogbench}; R=${2:-3}
cd "$(dirname "$0")/../.."
go build -o "$S/gomean" ./cmd/gomean
IN=("$S"/in/*.tiff)
PY=/usr/bin/python3
export PYTHONSO=${PYTHONSO:-$($PY -c 'import sysconfig,os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')}
$PY bench/peers/make_mean_vrt.py "$S/mean.vrt" "${IN[@]}"
t() { # name cmd...: one timed run: wall and CPU seconds, peak RSS (KiB)
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$S/t" "$@" > /dev/null 2>&1
  echo -e "$name\t$(cat "$S/t" | tr ' ' '\t')"
}
echo -e "case\twall_s\tuser_s\tsys_s\tmaxrss_kib"
for r in $(seq "$R"); do
  t gtiff           "$S/gomean" mean -q --overwrite -o "$S/gtiff.tif" "${IN[@]}"
  t gtiff_tile512   "$S/gomean" mean -q --overwrite --tile 512 -o "$S/gtiff512.tif" "${IN[@]}"
  t cog             "$S/gomean" mean -q --overwrite -of COG -o "$S/cog.tif" "${IN[@]}"
  t cog_tile256     "$S/gomean" mean -q --overwrite -of COG --co BLOCKSIZE=256 -o "$S/cog256.tif" "${IN[@]}"
  t gtiff_ovr_stats "$S/gomean" mean -q --overwrite --tile 512 --overviews --stats -o "$S/ovr.tif" "${IN[@]}"
  t gdal_cog        env GDAL_VRT_ENABLE_PYTHON=YES gdal_translate -q -of COG "$S/mean.vrt" "$S/gdal_cog.tif"
  rm -f "$S/gdal_cog.tif"
  t gdal_cog_nt     env GDAL_VRT_ENABLE_PYTHON=YES GDAL_NUM_THREADS=ALL_CPUS gdal_translate -q -of COG -co NUM_THREADS=ALL_CPUS "$S/mean.vrt" "$S/gdal_cog.tif"
  rm -f "$S/gdal_cog.tif"
done
