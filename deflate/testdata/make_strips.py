#!/usr/bin/python3
"""Make the one-row DEFLATE strips that BenchmarkInflateStrips decodes.

GDAL's default layout for an untiled GeoTIFF is one row per strip here:
a 1440x720 float32 daily grid (bench/daily/gen_daily.py, day 0: a
seasonal field with noise, two decimals, nodata -9999 over a sea mask)
is written by GDAL's GTiff driver without a predictor (as gen_daily.py
does) and with PREDICTOR=3, and 32 consecutive strips of each (rows
300-331, land and sea) are cut out with BLOCK_OFFSET_0_<row>.

Each output file is a sequence of records: compressed size, decoded size
and CRC-32 of the decoded (still predicted) bytes as little-endian uint32,
then the compressed strip.

Run with Debian's interpreter (python3-gdal, python3-numpy):
    /usr/bin/python3 deflate/testdata/make_strips.py
"""

import os
import struct
import zlib

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = range(300, 332)


def day0():
    """Day 0 of bench/daily/gen_daily.py."""
    h, w = 720, 1440
    yy, xx = np.mgrid[0:h, 0:w]
    sea = (np.sin(xx / 90.0) + np.cos(yy / 60.0)) > 0.6
    base = (30 * np.cos((yy - 360) / 360 * np.pi) - 5).astype(np.float32)
    rng = np.random.default_rng(1000)
    a = base + rng.normal(0, 2, (h, w)).astype(np.float32) + np.float32(0)
    a = np.round(a * 100) / 100
    a[sea] = -9999
    return a.astype(np.float32)


def write(name, arr, options):
    h, w = arr.shape
    path = "/vsimem/strips.tif"
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, 1, gdal.GDT_Float32,
                                              options=["COMPRESS=DEFLATE"] + options)
    ds.GetRasterBand(1).WriteArray(arr)
    ds = None
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    assert band.GetBlockSize() == [w, 1], band.GetBlockSize()
    spans = [(int(band.GetMetadataItem("BLOCK_OFFSET_0_%d" % r, "TIFF")),
              int(band.GetMetadataItem("BLOCK_SIZE_0_%d" % r, "TIFF"))) for r in ROWS]
    ds = None
    f = gdal.VSIFOpenL(path, "rb")
    with open(os.path.join(HERE, name), "wb") as out:
        for off, size in spans:
            gdal.VSIFSeekL(f, off, 0)
            data = gdal.VSIFReadL(1, size, f)
            dec = zlib.decompress(data)
            assert len(dec) == w * 4
            out.write(struct.pack("<III", len(data), len(dec), zlib.crc32(dec)) + data)
    gdal.VSIFCloseL(f)
    gdal.Unlink(path)


def main():
    a = day0()
    write("daily_strips.bin", a, [])
    write("daily_strips_pred3.bin", a, ["PREDICTOR=3"])


if __name__ == "__main__":
    main()
