#!/usr/bin/python3
"""The numpy loop users write: read each input with GDAL, accumulate the
valid values in float64, write the masked mean as a DEFLATE GTiff.

Usage: /usr/bin/python3 bench/daily/numpy_loop.py out.tif in1.tif ...
"""
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def main(argv):
    out, inputs = argv[0], argv[1:]
    s = n = None
    for p in inputs:
        ds = gdal.Open(p)
        b = ds.GetRasterBand(1)
        a = b.ReadAsArray()
        nd = b.GetNoDataValue()
        ok = a == a
        if nd is not None:
            ok &= a != np.float32(nd)
        if s is None:
            s = np.zeros(a.shape, np.float64)
            n = np.zeros(a.shape, np.int32)
            gt, prj = ds.GetGeoTransform(), ds.GetProjection()
        s[ok] += a[ok]
        n += ok
        ds = None
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (s / n).astype(np.float32)
    m[n == 0] = -9999
    d = gdal.GetDriverByName("GTiff").Create(out, m.shape[1], m.shape[0], 1, gdal.GDT_Float32,
                                             ["COMPRESS=DEFLATE", "TILED=YES"])
    d.SetGeoTransform(gt)
    d.SetProjection(prj)
    d.GetRasterBand(1).SetNoDataValue(-9999)
    d.GetRasterBand(1).WriteArray(m)
    d = None
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
