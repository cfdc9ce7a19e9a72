#!/usr/bin/python3
"""Write a VRT whose Float32 band is the masked mean of N rasters.

GDAL's best single-step way to average a stack while skipping nodata: a
VRTDerivedRasterBand with a numpy pixel function over every input,
materialised with gdal_translate and both thread knobs
(GDAL_NUM_THREADS=ALL_CPUS, -co NUM_THREADS=ALL_CPUS). Semantics match
gomean mean: a pixel is the mean of its valid inputs (not -9999, not NaN),
-9999 where none is valid, summed in float64 input by input.

Usage: /usr/bin/python3 bench/daily/masked_mean_vrt.py out.vrt in1.tif ...
Run the VRT with GDAL_VRT_ENABLE_PYTHON=YES.
"""
import os
import sys
from xml.sax.saxutils import escape

from osgeo import gdal

gdal.UseExceptions()

PIXFN = '''
import numpy as np
def masked_mean(in_ar, out_ar, xoff, yoff, xsize, ysize, raster_xsize,
                raster_ysize, buf_radius, gt, **kwargs):
    s = np.zeros(out_ar.shape, np.float64)
    n = np.zeros(out_ar.shape, np.int32)
    for a in in_ar:
        ok = (a != -9999) & (a == a)
        s[ok] += a[ok]
        n += ok
    with np.errstate(invalid="ignore", divide="ignore"):
        m = s / n
    m[n == 0] = -9999
    out_ar[:] = m
'''


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, inputs = argv[0], argv[1:]
    ds = gdal.Open(inputs[0])
    w, h = ds.RasterXSize, ds.RasterYSize
    gt = ",".join(repr(v) for v in ds.GetGeoTransform())
    srs = escape(ds.GetProjection())
    bx, by = ds.GetRasterBand(1).GetBlockSize()
    src = "\n".join(
        f'    <SimpleSource><SourceFilename relativeToVRT="0">{escape(os.path.abspath(p))}</SourceFilename>'
        f'<SourceBand>1</SourceBand>'
        f'<SourceProperties RasterXSize="{w}" RasterYSize="{h}" DataType="Float32" BlockXSize="{bx}" BlockYSize="{by}"/>'
        f'<SrcRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/><DstRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/>'
        f'</SimpleSource>' for p in inputs)
    xml = (
        f'<VRTDataset rasterXSize="{w}" rasterYSize="{h}">\n'
        f'  <SRS>{srs}</SRS>\n  <GeoTransform>{gt}</GeoTransform>\n'
        f'  <VRTRasterBand dataType="Float32" band="1" subClass="VRTDerivedRasterBand">\n'
        f'    <NoDataValue>-9999</NoDataValue>\n'
        f'    <PixelFunctionType>masked_mean</PixelFunctionType>\n'
        f'    <PixelFunctionLanguage>Python</PixelFunctionLanguage>\n'
        f'    <PixelFunctionCode><![CDATA[{PIXFN}]]></PixelFunctionCode>\n'
        f'    <BufferRadius>0</BufferRadius>\n'
        f'{src}\n  </VRTRasterBand>\n</VRTDataset>\n')
    with open(out, "w") as f:
        f.write(xml)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
