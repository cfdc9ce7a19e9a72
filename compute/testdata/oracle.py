#!/usr/bin/python3
"""Reference results for gomean's compute tests, from GDAL and numpy.

Run with Debian's python3 (it has osgeo.gdal and numpy):

    oracle.py make DIR
        writes the inputs: DIR/uniform_{0..3}.tif (float32, tiled 256,
        DEFLATE, nodata -9999) and DIR/mixed_{0..3}.tif holding the same
        values and holes in mixed layouts, types and codecs: Float32 tiled
        512 ZSTD, Int16 strips of 7 rows LZW, Float64 tiled 128x64 PACKBITS
        with NaN holes and no nodata, Int32 strips of 1 row DEFLATE. Input 3
        has NaN pixels as well as nodata holes.

    oracle.py check JOBS
        JOBS is a file with one check a line, its fields separated by
        tabs: OP PROPAGATE MINVALID WEIGHTS OUT IN... For each, oracle.py
        reads the inputs with GDAL, masks each input's nodata value and
        NaN (rasterio's read(masked=True), with NaN as missing too),
        reduces the stack in float64 with numpy masked arrays, and prints
        a JSON line comparing OUT with it: the largest difference relative
        to max(1, |reference|), and the number of pixels where one is
        nodata and the other is not. WEIGHTS is "-" or "1,2,1";
        PROPAGATE is 0 or 1.

    oracle.py calc OUT IN...
        runs gdal_calc's mean (A+B+...)/n with its default nodata handling
        (any nodata input gives nodata) and writes OUT as Float32 with
        nodata -9999.
"""

import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")

W, H = 300, 270  # ragged edges for 256 and 128x64 tiles, 7-row strips
NODATA = -9999.0


def values(k):
    rng = np.random.default_rng(100 + k)
    a = rng.integers(-3000, 3000, size=(H, W)).astype(np.float64)  # exact in every type used
    holes = rng.random((H, W)) < 0.12
    return a, holes


def write(path, arr, dtype, opts, nodata):
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, W, H, 1, dtype, opts)
    ds.SetGeoTransform((400000.0, 20.0, 0.0, 4500000.0, 0.0, -20.0))
    ds.SetProjection(_wkt())
    b = ds.GetRasterBand(1)
    if nodata is not None:
        b.SetNoDataValue(nodata)
    b.WriteArray(arr)
    ds = None


def _wkt():
    from osgeo import osr
    s = osr.SpatialReference()
    s.ImportFromEPSG(32631)
    return s.ExportToWkt()


MIXED = [
    (gdal.GDT_Float32, ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=ZSTD", "PREDICTOR=3"], NODATA),
    (gdal.GDT_Int16, ["COMPRESS=LZW", "PREDICTOR=2", "BLOCKYSIZE=7"], -32768.0),
    (gdal.GDT_Float64, ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=64", "COMPRESS=PACKBITS"], None),
    (gdal.GDT_Int32, ["COMPRESS=DEFLATE", "BLOCKYSIZE=1"], 2147483647.0),
]


def make(d):
    for k, (dtype, opts, nd) in enumerate(MIXED):
        a, holes = values(k)
        u = a.copy()
        u[holes] = NODATA
        if k == 3:
            u[::37, ::11] = np.nan  # NaN pixels as well as nodata holes
        write("%s/uniform_%d.tif" % (d, k), u.astype(np.float32), gdal.GDT_Float32,
              ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"], NODATA)
        m = a.copy()
        if k == 3:
            holes = holes | (np.indices((H, W))[0] % 37 == 0) & (np.indices((H, W))[1] % 11 == 0)
        if nd is None:
            m[holes] = np.nan
        else:
            m[holes] = nd
        write("%s/mixed_%d.tif" % (d, k), m, dtype, opts, nd)


def read_masked(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    mask = np.isnan(a)
    if nd is not None:
        mask |= a == nd
    return np.ma.array(a, mask=mask), nd


def reduce(op, stack, propagate, minvalid, weights):
    n = stack.count(axis=0)
    if op == "mean":
        if weights is not None:
            r = np.ma.average(stack, axis=0, weights=np.array(weights)[:, None, None] * np.ones(stack.shape))
        else:
            r = stack.mean(axis=0)
    elif op == "sum":
        r = stack.sum(axis=0)
    elif op == "min":
        r = stack.min(axis=0)
    elif op == "max":
        r = stack.max(axis=0)
    elif op == "count":
        r = np.ma.array(n.astype(np.float64))
    elif op == "std":
        r = stack.std(axis=0)
    elif op == "median":
        r = np.ma.median(stack, axis=0)
    r = np.ma.array(r.filled(np.nan) if np.ma.isMaskedArray(r) else r, dtype=np.float64)
    r = np.asarray(r.filled(np.nan) if np.ma.isMaskedArray(r) else r)
    need = max(minvalid, 1) if op != "count" else minvalid
    if propagate:
        need = stack.shape[0]
    r = np.where(n < need, np.nan, r)
    return r


def check(op, propagate, minvalid, weights, out, inputs):
    stack = np.ma.stack([read_masked(p)[0] for p in inputs])
    ref = reduce(op, stack, propagate == "1", int(minvalid), None if weights == "-" else [float(w) for w in weights.split(",")])
    ds = gdal.Open(out)
    b = ds.GetRasterBand(1)
    got = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    gmask = np.isnan(got)
    if nd is not None:
        gmask |= got == nd
    rmask = np.isnan(ref)
    both = ~gmask & ~rmask
    diff = 0.0
    if both.any():
        diff = float(np.max(np.abs(got[both] - ref[both]) / np.maximum(1, np.abs(ref[both]))))
    print(json.dumps({"maxrel": diff, "masked_mismatch": int((gmask != rmask).sum()),
                      "valid": int(both.sum()), "nodata": nd,
                      "gt": list(ds.GetGeoTransform()), "epsg": ds.GetSpatialRef().GetAuthorityCode(None)}))


def calc(out, inputs):
    from osgeo_utils import gdal_calc
    letters = "ABCDEFGHIJ"[: len(inputs)]
    kw = {l: p for l, p in zip(letters, inputs)}
    expr = "(" + "+".join(l + ".astype(numpy.float64)" for l in letters) + ")/%d" % len(inputs)
    gdal_calc.Calc(calc=expr, outfile=out, NoDataValue=NODATA, type="Float32", quiet=True, overwrite=True, **kw)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "check":
        with open(sys.argv[2]) as f:
            for line in f:
                if line.strip():
                    fields = line.rstrip("\n").split("\t")
                    check(*fields[:5], fields[5:])
    elif cmd == "calc":
        calc(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("unknown command " + cmd)
