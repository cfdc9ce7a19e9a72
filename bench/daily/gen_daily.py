#!/usr/bin/python3
"""Write N daily 0.25-degree global grids in GDAL's default layout.

Each file is 1440x720 float32, EPSG:4326, DEFLATE with GDAL's default
strip layout for untiled files (one row per strip here), nodata -9999
over a fixed sea mask (about 30 % of the pixels), a seasonal cycle and
per-day noise. Deterministic: day i is the same whatever N.

Usage: /usr/bin/python3 bench/daily/gen_daily.py N OUTDIR
"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    n, out = int(argv[0]), argv[1]
    os.makedirs(out, exist_ok=True)
    h, w = 720, 1440
    yy, xx = np.mgrid[0:h, 0:w]
    sea = (np.sin(xx / 90.0) + np.cos(yy / 60.0)) > 0.6
    base = (30 * np.cos((yy - 360) / 360 * np.pi) - 5).astype(np.float32)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    drv = gdal.GetDriverByName("GTiff")
    for i in range(n):
        name = os.path.join(out, "tmean_%04d.tif" % i)
        if os.path.exists(name):
            continue
        rng = np.random.default_rng(1000 + i)
        a = base + rng.normal(0, 2, (h, w)).astype(np.float32) + np.float32(8 * np.sin(i / 365 * 2 * np.pi))
        a = np.round(a * 100) / 100  # two decimals, like most published grids
        a[sea] = -9999
        d = drv.Create(name, w, h, 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE"])
        d.SetGeoTransform([-180, 0.25, 0, 90, 0, -0.25])
        d.SetProjection(srs.ExportToWkt())
        d.GetRasterBand(1).SetNoDataValue(-9999)
        d.GetRasterBand(1).WriteArray(a.astype(np.float32))
        d = None
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
