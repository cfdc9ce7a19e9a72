#!/usr/bin/python3
"""Regenerate the sidecar fixtures of package sidecar with GDAL.

    /usr/bin/python3 testdata/sidecar/make_sidecar.py

Every raster is 16x16 and has no georeferencing of its own: GDAL puts the
geotransform, CRS and nodata into sidecar files. The script deletes the
files it writes (every *.tif and sidecar in this folder) and rewrites them:

  baseline.tif    PROFILE=BASELINE, EPSG:32633, nodata 7, dataset and band
                  metadata, ColorInterp: all in baseline.tif.aux.xml
  tfw.tif         PROFILE=BASELINE TFW=YES, EPSG:4326: tfw.tfw from GDAL,
                  CRS in tfw.tif.aux.xml, plus an ESRI tfw.prj (GDAL's GTiff
                  driver does not read it)
  world.tif       a hand-written world file only (rotated), no CRS
  bands.tif       5 float32 bands, per-band nodata 0, NaN, -3.4e+38, the
                  float32 rounding of -3.4e+38 (le_hex_equiv), none
  nan.tif         1 float32 band, nodata NaN
  lcc.tif         user-defined Lambert conformal conic (no EPSG code)
  plain.tif       no sidecar at all

Run `go test ./sidecar/` afterwards: it compares sidecar.Read with what GDAL
reports for each file (and skips without GDAL).
"""

import glob
import os

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
N = 16


def clean():
    for pat in ("*.tif", "*.aux.xml", "*.tfw", "*.prj", "*.wld", "*.tifw"):
        for p in glob.glob(os.path.join(HERE, pat)):
            os.remove(p)


class create:
    """An in-memory dataset written to name with CreateCopy on close.

    CreateCopy, unlike Create, puts everything that PROFILE=BASELINE keeps
    out of the TIFF (georeferencing, nodata, metadata) into the .aux.xml.
    """

    def __init__(self, name, bands=1, dtype=gdal.GDT_Byte, options=("PROFILE=BASELINE",)):
        self.path = os.path.join(HERE, name)
        self.options = list(options)
        self.ds = gdal.GetDriverByName("MEM").Create("", N, N, bands, dtype)
        rng = np.random.default_rng(len(name))
        for b in range(bands):
            arr = rng.integers(0, 200, size=(N, N)).astype(np.float64)
            self.ds.GetRasterBand(b + 1).WriteArray(arr)

    def __enter__(self):
        return self.ds

    def __exit__(self, *exc):
        if exc[0] is None:
            gdal.GetDriverByName("GTiff").CreateCopy(self.path, self.ds, options=self.options)
        self.ds = None


def srs(text):
    s = osr.SpatialReference()
    s.SetFromUserInput(text)
    # What gdal_translate -a_srs does: x/y data axes whatever the CRS says.
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def main():
    clean()

    with create("baseline.tif") as ds:
        ds.SetSpatialRef(srs("EPSG:32633"))
        ds.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
        ds.SetMetadata({"AREA": "test & <site>", "SOURCE": "make_sidecar.py"})
        ds.SetMetadataItem("OTHER", "x", "CUSTOM")
        b = ds.GetRasterBand(1)
        b.SetNoDataValue(7)
        b.SetColorInterpretation(gdal.GCI_Undefined)
        b.SetMetadata({"UNITS": "m"})

    with create("tfw.tif", options=("PROFILE=BASELINE", "TFW=YES")) as ds:
        ds.SetSpatialRef(srs("EPSG:4326"))
        ds.SetGeoTransform([10, 0.01, 0, 50, 0, -0.01])
    with open(os.path.join(HERE, "tfw.prj"), "w") as f:
        f.write(srs("EPSG:4326").ExportToWkt(["FORMAT=WKT1_ESRI"]))

    with create("world.tif"):
        pass
    # A, D, B, E, C, F: the centre of the top-left pixel.
    with open(os.path.join(HERE, "world.tfw"), "w") as f:
        f.write("2.0\n0.5\n-0.25\n-2.0\n1001.0\n2001.0\n")

    with create("bands.tif", bands=5, dtype=gdal.GDT_Float32) as ds:
        ds.SetSpatialRef(srs("EPSG:32633"))
        ds.SetGeoTransform([400000.5, 30, 0, 6000000.25, 0, -30])
        for i, v in enumerate([0.0, float("nan"), -3.4e38, float(np.float32(-3.4e38))]):
            ds.GetRasterBand(i + 1).SetNoDataValue(v)
        ds.GetRasterBand(5).SetColorInterpretation(gdal.GCI_AlphaBand)

    with create("nan.tif", dtype=gdal.GDT_Float32) as ds:
        ds.SetSpatialRef(srs("EPSG:4326"))
        ds.SetGeoTransform([-180, 22.5, 0, 90, 0, -11.25])
        ds.GetRasterBand(1).SetNoDataValue(float("nan"))

    with create("lcc.tif") as ds:
        ds.SetSpatialRef(srs("+proj=lcc +lat_1=45 +lat_2=55 +lat_0=50 +lon_0=10 "
                             "+x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"))
        ds.SetGeoTransform([-100000, 1000, 0, 100000, 0, -1000])

    with create("plain.tif"):
        pass


if __name__ == "__main__":
    main()
