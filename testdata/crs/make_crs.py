#!/usr/bin/python3
"""Makes the 8x8 GeoTIFFs of testdata/crs with GDAL: one CRS each, for the
CRS identity tests of compute/coreg.go and for gomean info.

Run from this directory: /usr/bin/python3 make_crs.py
All projected ones are on WGS 84 and share the same grid, so only the CRS
tells them apart. The outputs are committed; rerun only to change them.
"""
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()

# name -> (SRS definition, geotransform)
PROJ = (100000.0, 1000.0, 0.0, 200000.0, 0.0, -1000.0)
FIXTURES = {
    "lcc": ("+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", PROJ),
    "lcc_again": ("+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", PROJ),
    "lcc_lat2": ("+proj=lcc +lat_1=33 +lat_2=46 +lat_0=39 +lon_0=-96 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", PROJ),
    "cea": ("+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", PROJ),
    "aea": ("+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=23 +lon_0=-96 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", PROJ),
    "stere_north": ("+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", PROJ),
    "sterea": ("+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +datum=WGS84 +units=m +no_defs", PROJ),
    "tmerc_utm33": ("+proj=tmerc +lat_0=0 +lon_0=15 +k=0.9996 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs", PROJ),
    "epsg_32633": ("EPSG:32633", PROJ),
    "epsg_4326": ("EPSG:4326", (10.0, 0.001, 0.0, 50.0, 0.0, -0.001)),
}


def main():
    drv = gdal.GetDriverByName("GTiff")
    data = np.arange(64, dtype=np.float32).reshape(8, 8)
    for name, (srs_def, gt) in FIXTURES.items():
        srs = osr.SpatialReference()
        srs.SetFromUserInput(srs_def)
        ds = drv.Create(name + ".tif", 8, 8, 1, gdal.GDT_Float32)
        ds.SetGeoTransform(gt)
        ds.SetProjection(srs.ExportToWkt())
        ds.GetRasterBand(1).WriteArray(data)
        ds = None


if __name__ == "__main__":
    main()
