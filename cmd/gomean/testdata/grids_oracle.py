"""Oracle for the grid tests: makes surveys with GDAL, and checks a gomean
output against gdalwarp of each input onto the output's grid (-r near)
followed by numpy's masked reduction, bit for bit at float32.

  grids_oracle.py make DIR
  grids_oracle.py check OP[:R] OUT IN...   (prints one JSON line; R: gdalwarp -r, default near)
  grids_oracle.py grid "GDALWARP FLAGS" IN...   (the grid gdalwarp makes, one JSON line)
"""
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def make(d):
    rng = np.random.default_rng(12)
    # (name, origin pixel on a 10 m lattice, size, type, nodata, options)
    specs = [
        ("a.tif", (0, 0), (300, 220), gdal.GDT_Float32, None, ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", "COMPRESS=DEFLATE"]),
        ("b.tif", (140, 90), (250, 260), gdal.GDT_Float32, -9999.0, ["COMPRESS=LZW"]),
        ("c.tif", (-70, 160), (190, 120), gdal.GDT_Int16, -32768, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32"]),
    ]
    for name, (ox, oy), (w, h), typ, nd, opts in specs:
        ds = gdal.GetDriverByName("GTiff").Create(f"{d}/{name}", w, h, 1, typ, opts)
        ds.SetGeoTransform((500000 + 10 * ox, 10, 0, 5000000 - 10 * oy, 0, -10))
        ds.SetProjection("EPSG:32633")
        if typ == gdal.GDT_Float32:
            v = rng.uniform(-500, 3000, (h, w)).astype(np.float32)
        else:
            v = rng.integers(-1000, 3000, (h, w)).astype(np.int16)
        holes = rng.random((h, w)) < 0.08
        b = ds.GetRasterBand(1)
        if nd is None:
            v[holes] = np.nan
        else:
            v[holes] = nd
            b.SetNoDataValue(nd)
        b.WriteArray(v)
        ds = None
    # Validity from an internal mask (Float32, values under the mask kept)
    # and from an alpha band (Byte gray + alpha), 10 % invalid each.
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
    ds = gdal.GetDriverByName("GTiff").Create(f"{d}/masked.tif", 130, 100, 1, gdal.GDT_Float32, ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
    ds.SetGeoTransform((500000 + 10 * 20, 10, 0, 5000000 - 10 * 30, 0, -10))
    ds.SetProjection("EPSG:32633")
    ds.GetRasterBand(1).WriteArray(rng.uniform(-500, 3000, (100, 130)).astype(np.float32))
    ds.CreateMaskBand(gdal.GMF_PER_DATASET)
    ds.GetRasterBand(1).GetMaskBand().WriteArray(np.where(rng.random((100, 130)) < 0.1, 0, 255).astype(np.uint8))
    ds = None
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", None)
    ds = gdal.GetDriverByName("GTiff").Create(f"{d}/alpha.tif", 110, 90, 2, gdal.GDT_Byte, ["ALPHA=YES"])
    ds.SetGeoTransform((500000 + 10 * 60, 10, 0, 5000000 - 10 * 50, 0, -10))
    ds.SetProjection("EPSG:32633")
    ds.GetRasterBand(1).WriteArray(rng.integers(0, 256, (90, 110)).astype(np.uint8))
    ds.GetRasterBand(2).WriteArray(np.where(rng.random((90, 110)) < 0.1, 0, 255).astype(np.uint8))
    ds = None
    # Classes 0-3 with nodata -1, for -r mode (many ties).
    ds = gdal.GetDriverByName("GTiff").Create(f"{d}/classes.tif", 200, 150, 1, gdal.GDT_Int16, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
    ds.SetGeoTransform((500000 + 10 * 30, 10, 0, 5000000 - 10 * 20, 0, -10))
    ds.SetProjection("EPSG:32633")
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(-1)
    b.WriteArray(rng.integers(-1, 4, (150, 200)).astype(np.int16))
    ds = None


# gdalwarp's interpolating kernels take their downsampling factor from the
# sizes of the chunk they warp (dst pixels / src pixels, the source clipped
# to the raster), so a destination reaching past the input, or an input
# edge inside a destination pixel, widens or narrows the kernel. gomean
# takes the factor of the two resolutions with gdalwarp's snapping to 1/n:
# give gdalwarp that factor (its XSCALE and YSCALE warp options).
INTERPOLATING = ("bilinear", "cubic", "cubicspline", "lanczos")


def filter_scale(out_res, in_res):
    s = 1 / (out_res / in_res)
    if s < 1:
        r = 1 / s
        n = int(r + 0.5)
        if abs(r - n) < 0.05:
            s = 1 / n
    return s


def check(op, out, ins, r="near"):
    ods = gdal.Open(out)
    gt = ods.GetGeoTransform()
    w, h = ods.RasterXSize, ods.RasterYSize
    ob = ods.GetRasterBand(1)
    got = ob.ReadAsArray().astype(np.float64)
    ond = ob.GetNoDataValue()
    gvalid = ~np.isnan(got)
    if ond is not None and not np.isnan(ond):
        gvalid &= got != ond
    bounds = (gt[0], gt[3] + h * gt[5], gt[0] + w * gt[1], gt[3])
    vals, valid = [], []
    for p in ins:
        # NaN is invalid, as gomean reads it: say so to gdalwarp for
        # float inputs without nodata (else its kernels average NaN in).
        src = gdal.Open(p)
        sb = src.GetRasterBand(1)
        nd = "nan" if sb.GetNoDataValue() is None and sb.DataType in (gdal.GDT_Float32, gdal.GDT_Float64) else None
        wo = []
        if r in INTERPOLATING:
            sg = src.GetGeoTransform()
            wo = ["XSCALE=%r" % filter_scale(gt[1], sg[1]), "YSCALE=%r" % filter_scale(-gt[5], -sg[5])]
        wds = gdal.Warp("", src, format="MEM", outputBounds=bounds, width=w, height=h, resampleAlg=r, dstAlpha=True,
                        outputType=gdal.GDT_Float64, srcNodata=nd, warpOptions=wo)
        v = wds.GetRasterBand(1).ReadAsArray()
        a = wds.GetRasterBand(2).ReadAsArray()
        vals.append(v)
        valid.append((a > 0) & ~np.isnan(v))
    v, m = np.stack(vals), np.stack(valid)
    cnt = m.sum(0)
    if op == "mean":
        want = (np.where(m, v, 0).sum(0) / np.maximum(cnt, 1)).astype(np.float32)
    elif op == "max":
        want = np.where(m, v, -np.inf).max(0).astype(np.float32)
    elif op == "count":
        want = cnt.astype(np.float32)
    else:
        raise SystemExit("unknown op " + op)
    wvalid = cnt > 0 if op != "count" else np.ones_like(cnt, bool)
    mism = int((wvalid != gvalid).sum())
    both = wvalid & gvalid
    g32, w32 = got[both].astype(np.float32), want[both]
    diff = int((g32 != w32).sum())
    far = int((np.abs(g32.astype(np.float64) - w32) > 1e-3 * np.maximum(np.abs(w32), 1.0)).sum())
    print(json.dumps({"size": [w, h], "gt": gt, "valid": int(both.sum()), "validity_mismatch": mism, "value_mismatch": diff,
                      "far": far, "pixels": int(w * h)}))


def warp_grid(flags, ins):
    ds = gdal.Warp("", ins, options="-of MEM " + flags)
    print(json.dumps({"size": [ds.RasterXSize, ds.RasterYSize], "gt": ds.GetGeoTransform()}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "grid":
        warp_grid(sys.argv[2], sys.argv[3:])
    else:
        op, r = (sys.argv[2].split(":") + ["near"])[:2]
        check(op, sys.argv[3], sys.argv[4:], r)
