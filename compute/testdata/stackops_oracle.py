#!/usr/bin/python3
"""Reference results for percentile, mode, slope and calendar groups, from
GDAL and numpy (run with Debian's python3).

    stackops_oracle.py make DIR
        writes DIR/f_DATE.tif: six dated 300x270 inputs of mixed types with
        holes (Float32 with nodata -9999 and NaN pixels, Int16 with nodata
        -32768, Float64 with NaN holes and no nodata, Float32 with an
        internal mask), and DIR/c_K.tif: seven Byte inputs of classes 0 to 4
        with nodata 255.

    stackops_oracle.py check JOBS
        JOBS has one check a line, fields separated by tabs:
        KIND ARG OUT IN... where KIND is percentile (ARG: P1,P2,...; OUT
        has one band per P), mode, slope (ARG: day, year or position) or
        mean (ARG unused). Inputs are read with GDAL; a sample is missing
        where GDAL's mask band is 0 or it is NaN. For each job it prints a
        JSON line: the largest difference relative to max(1, |reference|),
        the number of values that differ at all (bits, with the reference
        cast to the output type), the number of values nodata in one only,
        and the number of valid values.
"""

import datetime
import json
import re
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")

W, H = 300, 270
DATES = ["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-28", "2024-03-10", "2023-12-01"]


def _wkt():
    from osgeo import osr
    s = osr.SpatialReference()
    s.ImportFromEPSG(32631)
    return s.ExportToWkt()


def create(path, dtype, opts, bands=1):
    ds = gdal.GetDriverByName("GTiff").Create(path, W, H, bands, dtype, opts)
    ds.SetGeoTransform((400000.0, 20.0, 0.0, 4500000.0, 0.0, -20.0))
    ds.SetProjection(_wkt())
    return ds


def make(d):
    for k, date in enumerate(DATES):
        rng = np.random.default_rng(500 + k)
        # Few distinct values, so percentiles interpolate between equal and
        # unequal neighbours, plus a trend in time for the slope.
        a = (rng.integers(-2000, 2000, size=(H, W)) + 37 * k).astype(np.float64)
        holes = rng.random((H, W)) < 0.15
        path = "%s/f_%s.tif" % (d, date)
        kind = k % 4
        if kind == 0:
            ds = create(path, gdal.GDT_Float32, ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"])
            a[holes] = -9999
            a[::29, ::13] = np.nan
            ds.GetRasterBand(1).SetNoDataValue(-9999)
            ds.GetRasterBand(1).WriteArray(a.astype(np.float32))
        elif kind == 1:
            ds = create(path, gdal.GDT_Int16, ["COMPRESS=LZW", "BLOCKYSIZE=7"])
            a[holes] = -32768
            ds.GetRasterBand(1).SetNoDataValue(-32768)
            ds.GetRasterBand(1).WriteArray(a)
        elif kind == 2:
            ds = create(path, gdal.GDT_Float64, ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=64"])
            a[holes] = np.nan
            ds.GetRasterBand(1).WriteArray(a)
        else:
            gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
            ds = create(path, gdal.GDT_Float32, ["TILED=YES", "COMPRESS=DEFLATE"])
            ds.GetRasterBand(1).WriteArray(a.astype(np.float32))
            ds.CreateMaskBand(gdal.GMF_PER_DATASET)
            ds.GetRasterBand(1).GetMaskBand().WriteArray(np.where(holes, 0, 255).astype(np.uint8))
        ds = None
    for k in range(7):
        rng = np.random.default_rng(900 + k)
        c = rng.integers(0, 5, size=(H, W)).astype(np.uint8)
        c[rng.random((H, W)) < 0.2] = 255
        ds = create("%s/c_%d.tif" % (d, k), gdal.GDT_Byte, ["TILED=YES", "COMPRESS=DEFLATE"])
        ds.GetRasterBand(1).SetNoDataValue(255)
        ds.GetRasterBand(1).WriteArray(c)
        ds = None


def read(path):
    """The band as float64 with NaN where GDAL's mask is 0 or it is NaN."""
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    m = b.GetMaskBand().ReadAsArray() == 0
    a[m] = np.nan
    return a


def read_out(path):
    ds = gdal.Open(path)
    out = []
    for i in range(ds.RasterCount):
        b = ds.GetRasterBand(i + 1)
        a = b.ReadAsArray()
        nd = b.GetNoDataValue()
        miss = b.GetMaskBand().ReadAsArray() == 0
        if a.dtype.kind == "f":
            miss |= np.isnan(a)
        out.append((a, miss))
    return out


def date_of(path):
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", path.rsplit("/", 1)[-1])
    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def mode(stack):
    vals = np.unique(stack[~np.isnan(stack)])
    counts = np.stack([(stack == v).sum(axis=0) for v in vals])
    r = vals[np.argmax(counts, axis=0)]  # the first of a tie: the smallest value
    return np.where(counts.max(axis=0) == 0, np.nan, r)


def slope(stack, t):
    """np.polyfit(t, y, 1)[0] on each pixel's valid values, vectorised as
    the centred least squares solution; checked with np.polyfit itself on
    a sample of pixels."""
    valid = ~np.isnan(stack)
    n = valid.sum(axis=0)
    tt = np.where(valid, t[:, None, None], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        tm = np.nanmean(tt, axis=0)
        ym = np.nanmean(stack, axis=0)
        sxy = np.nansum((tt - tm) * (stack - ym), axis=0)
        sxx = np.nansum((tt - tm) ** 2, axis=0)
        r = sxy / sxx
    r[(n < 2) | (sxx == 0)] = np.nan
    for y in range(0, H, 17):
        for x in range(0, W, 23):
            v = valid[:, y, x]
            if v.sum() >= 2 and np.ptp(t[v]) > 0:
                p = np.polyfit(t[v], stack[v, y, x], 1)[0]
                assert abs(p - r[y, x]) <= 1e-9 * max(1, abs(p)), (y, x, p, r[y, x])
    return r


def check(kind, arg, out, inputs):
    stack = np.stack([read(p) for p in inputs])
    import warnings
    warnings.simplefilter("ignore", RuntimeWarning)
    if kind == "percentile":
        ps = [float(p) for p in arg.split(",")]
        refs = list(np.nanpercentile(stack, ps, axis=0, method="linear"))
    elif kind == "mode":
        refs = [mode(stack)]
    elif kind == "slope":
        if arg == "position":
            t = np.arange(len(inputs), dtype=np.float64)
        else:
            d0 = min(date_of(p) for p in inputs)
            t = np.array([(date_of(p) - d0).days for p in inputs], dtype=np.float64)
        refs = [slope(stack, t) * (365.25 if arg == "year" else 1)]
    elif kind == "mean":
        refs = [np.ma.masked_invalid(stack).mean(axis=0).filled(np.nan)]
    else:
        sys.exit("unknown kind " + kind)
    got = read_out(out)
    assert len(got) == len(refs), (len(got), len(refs))
    maxrel, differ, mism, valid = 0.0, 0, 0, 0
    for (g, gmiss), ref in zip(got, refs):
        rmiss = np.isnan(ref)
        both = ~gmiss & ~rmiss
        mism += int((gmiss != rmiss).sum())
        valid += int(both.sum())
        gv = g[both].astype(np.float64)
        rv = ref[both]
        if both.any():
            maxrel = max(maxrel, float(np.max(np.abs(gv - rv) / np.maximum(1, np.abs(rv)))))
        differ += int((g[both] != rv.astype(g.dtype)).sum())
    print(json.dumps({"maxrel": maxrel, "differ": differ, "masked_mismatch": mism, "valid": valid,
                      "type": gdal.GetDataTypeName(gdal.Open(out).GetRasterBand(1).DataType)}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        with open(sys.argv[2]) as f:
            for line in f:
                if line.strip():
                    fields = line.rstrip("\n").split("\t")
                    check(fields[0], fields[1], fields[2], fields[3:])
    else:
        sys.exit("unknown command " + sys.argv[1])
