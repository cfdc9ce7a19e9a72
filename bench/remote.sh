#!/usr/bin/env bash
# The remote-input benchmark (docs/BENCHMARKS.md, "Remote inputs"): three
# 4096² Float32 DEMs (two COGs from GDAL's COG driver, one GDAL striped
# GeoTIFF) served by bench/delayserver on 127.0.0.1 with DELAY added to each
# request, reduced to their mean by gomean (URLs) and by GDAL (a VRT of
# /vsicurl/ sources with a numpy pixel function, materialised by
# gdal_translate with its thread knobs). Prints wall time, peak RSS,
# requests, bytes fetched and the most requests in flight for each, and
# checks that gomean's output over HTTP is byte-identical to its local one.
#
#   bash bench/remote.sh [WORKDIR] [DELAY]      (default /tmp/gomean-remote 50ms)
#
# ROUNDS=N repeats each run (default 1); SKIP_GDAL=1 leaves GDAL out
# (it takes about two minutes a run at 50 ms); ONLY=window runs only the
# --te window part (the end of this script).
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-/tmp/gomean-remote}
DELAY=${2:-50ms}
ROUNDS=${ROUNDS:-1}
PY=/usr/bin/python3
mkdir -p "$W/bin" "$W/data"
go build -o "$W/bin/gomean" ./cmd/gomean
go build -o "$W/bin/delayserver" ./bench/delayserver
if [ ! -f "$W/data/strip3.tif" ]; then
	go run ./bench/gendem --size 4096 --count 3 --outdir "$W/gen"
	gdal_translate -q -of COG -co COMPRESS=DEFLATE "$W/gen/dem.30m.1.tiff" "$W/data/cog1.tif"
	gdal_translate -q -of COG -co COMPRESS=DEFLATE "$W/gen/dem.30m.2.tiff" "$W/data/cog2.tif"
	gdal_translate -q -co COMPRESS=DEFLATE "$W/gen/dem.30m.3.tiff" "$W/data/strip3.tif"
fi
port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
U="http://127.0.0.1:$port"
"$W/bin/delayserver" --dir "$W/data" --addr "127.0.0.1:$port" --delay "$DELAY" 2>"$W/delayserver.log" &
srv=$!
trap 'kill $srv 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "$U/_stats" >/dev/null && break; sleep 0.1; done

stats() { curl -s "$U/_stats?reset=1"; }
timed() { # LABEL CMD...
	local label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$W/time.txt" "$@" >/dev/null 2>"$W/err.txt" || { cat "$W/err.txt"; return 1; }
	read -r wall rss <"$W/time.txt"
	printf '%-14s wall %7.2f s  peak RSS %7d KiB  %s\n' "$label" "$wall" "$rss" "$(stats)"
}

echo "files: $(cd "$W/data" && du -bL cog1.tif cog2.tif strip3.tif | awk '{s += $1; printf "%s %d, ", $2, $1} END {printf "total %d bytes", s}')"
echo "server: $DELAY per request"
stats >/dev/null
for r in $(seq "$ROUNDS"); do
	[ "${ONLY:-}" = window ] && break
	timed "gomean local" "$W/bin/gomean" mean --overwrite -o "$W/local.tif" "$W/data/cog1.tif" "$W/data/cog2.tif" "$W/data/strip3.tif"
	stats >/dev/null
	timed "gomean http" "$W/bin/gomean" mean --overwrite -o "$W/http.tif" "$U/cog1.tif" "$U/cog2.tif" "$U/strip3.tif"
	cmp "$W/local.tif" "$W/http.tif" && echo "round $r: gomean over HTTP is byte-identical to local"
	if [ "${SKIP_GDAL:-0}" != 1 ]; then
		$PY bench/peers/make_mean_vrt.py "$W/local.vrt" "$W/data/cog1.tif" "$W/data/cog2.tif" "$W/data/strip3.tif"
		sed "s#$W/data/#/vsicurl/$U/#g" "$W/local.vrt" >"$W/http.vrt"
		PYTHONSO=$($PY -c 'import sysconfig, os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')
		timed "gdal vsicurl" env PYTHONSO="$PYTHONSO" GDAL_VRT_ENABLE_PYTHON=YES GDAL_NUM_THREADS=ALL_CPUS \
			GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR CPL_VSIL_CURL_ALLOWED_EXTENSIONS=.tif VSI_CACHE=TRUE \
			gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE -co NUM_THREADS=ALL_CPUS "$W/http.vrt" "$W/gdal.tif"
	fi
done

# A --te window of the same three inputs: 1000x1000 pixels from pixel
# (1500, 1700), 9 of the COGs' 64 tiles each and 1000 of the striped file's
# 4096 strips. "need" is the bytes of the blocks under the window.
read -r TE NEED <<<"$($PY - "$W/data" <<'PYEOF'
import sys
from osgeo import gdal
d = sys.argv[1]
x0, y0, x1, y1 = 1500, 1700, 2500, 2700
need = 0
for n in ("cog1.tif", "cog2.tif", "strip3.tif"):
    ds = gdal.Open(f"{d}/{n}")
    b = ds.GetRasterBand(1)
    bw, bh = b.GetBlockSize()
    for r in range(y0 // bh, (y1 - 1) // bh + 1):
        for c in range(x0 // bw, (x1 - 1) // bw + 1):
            need += int(b.GetMetadataItem(f"BLOCK_SIZE_{c}_{r}", "TIFF"))
    if n == "cog1.tif":
        gt = ds.GetGeoTransform()
        te = (gt[0] + x0 * gt[1], gt[3] + y1 * gt[5], gt[0] + x1 * gt[1], gt[3] + y0 * gt[5])
    ds = None
print(",".join("%.6f" % v for v in te), need)
PYEOF
)"
echo "window: --te $TE; blocks under it: $NEED bytes"
stats >/dev/null
for r in $(seq "$ROUNDS"); do
	timed "gomean local --te" "$W/bin/gomean" mean --overwrite --te "$TE" -o "$W/wlocal.tif" "$W/data/cog1.tif" "$W/data/cog2.tif" "$W/data/strip3.tif"
	stats >/dev/null
	timed "gomean http --te" "$W/bin/gomean" mean --overwrite --te "$TE" -o "$W/whttp.tif" "$U/cog1.tif" "$U/cog2.tif" "$U/strip3.tif"
	cmp "$W/wlocal.tif" "$W/whttp.tif" && echo "round $r: the window over HTTP is byte-identical to local"
	if [ "${SKIP_GDAL:-0}" != 1 ]; then
		IFS=, read -r xmin ymin xmax ymax <<<"$TE"
		$PY bench/peers/make_mean_vrt.py "$W/local.vrt" "$W/data/cog1.tif" "$W/data/cog2.tif" "$W/data/strip3.tif"
		sed "s#$W/data/#/vsicurl/$U/#g" "$W/local.vrt" >"$W/http.vrt"
		PYTHONSO=$($PY -c 'import sysconfig, os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')
		timed "gdal --projwin" env PYTHONSO="$PYTHONSO" GDAL_VRT_ENABLE_PYTHON=YES GDAL_NUM_THREADS=ALL_CPUS \
			GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR CPL_VSIL_CURL_ALLOWED_EXTENSIONS=.tif VSI_CACHE=TRUE \
			gdal_translate -q -projwin "$xmin" "$ymax" "$xmax" "$ymin" -co TILED=YES -co COMPRESS=DEFLATE "$W/http.vrt" "$W/gdalw.tif"
	fi
done
