#!/usr/bin/python3
"""Compare single-input gomean outputs with their inputs, as GDAL reads them.

    /usr/bin/python3 testdata/validity/corpus_check.py types FILE...
        prints {FILE: type} as JSON: the GDAL data type name of band 1,
        Int8 for GDAL 3.6's Byte with PIXELTYPE=SIGNEDBYTE
    /usr/bin/python3 testdata/validity/corpus_check.py PAIRS.json

PAIRS.json is a list of {"in": INPUT, "out": OUTPUT} (OUTPUT made by
`gomean mean --type <the input's type> -o OUTPUT INPUT`). Prints one JSON
line per pair: {"in", "status", "reasons", "band1_sha256"}, where status is

  exact        every band's ReadRaster bytes equal the input's
  exact_valid  the bytes differ only where the input is invalid (masked,
               nodata or NaN), and validity (GetMaskBand, NaN) is equal
  mismatch     anything else; reasons says what

and, for every status, the validity (GetMaskBand nonzero and not NaN),
the band count, band types, geotransform (exact),
CRS (osr IsSame; none stays none) and nodata (exact; Int64/UInt64 via
GetNoDataValueAsInt64/AsUInt64; none stays none) must be equal, or the
pair is a mismatch. band1_sha256 is the sha256 of the output's band 1 read
like the corpus manifest's gdal_band1_sha256.
"""

import hashlib
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")


def nodata(b):
    t = gdal.GetDataTypeName(b.DataType)
    if t == "Int64":
        return b.GetNoDataValueAsInt64()
    if t == "UInt64":
        return b.GetNoDataValueAsUInt64()
    return b.GetNoDataValue()


def validity(b):
    v = b.ReadAsArray()
    ok = b.GetMaskBand().ReadAsArray() != 0
    if v.dtype.kind == "f":
        ok &= ~np.isnan(v)
    return v, ok


def compare(inp, out):
    reasons = []
    a, b = gdal.Open(inp), gdal.Open(out)
    if a.RasterCount != b.RasterCount:
        return "mismatch", ["%d bands, input %d" % (b.RasterCount, a.RasterCount)], ""
    if (a.RasterXSize, a.RasterYSize) != (b.RasterXSize, b.RasterYSize):
        return "mismatch", ["size %dx%d, input %dx%d" % (b.RasterXSize, b.RasterYSize, a.RasterXSize, a.RasterYSize)], ""
    ga, gb = a.GetGeoTransform(can_return_null=True), b.GetGeoTransform(can_return_null=True)
    if (ga is None) != (gb is None) or (ga is not None and tuple(ga) != tuple(gb)):
        reasons.append("geotransform %s, input %s" % (gb, ga))
    sa, sb = a.GetSpatialRef(), b.GetSpatialRef()
    if (sa is None) != (sb is None) or (sa is not None and not sa.IsSame(sb)):
        reasons.append("CRS %s, input %s" % (sb.ExportToProj4() if sb else None, sa.ExportToProj4() if sa else None))
    status = "exact"
    for k in range(1, a.RasterCount + 1):
        ba, bb = a.GetRasterBand(k), b.GetRasterBand(k)
        if ba.DataType != bb.DataType:
            reasons.append("band %d type %s, input %s" % (k, gdal.GetDataTypeName(bb.DataType), gdal.GetDataTypeName(ba.DataType)))
            continue
        na, nb = nodata(ba), nodata(bb)
        if repr(na) != repr(nb):
            reasons.append("band %d nodata %r, input %r" % (k, nb, na))
        va, oka = validity(ba)
        vb, okb = validity(bb)
        if not np.array_equal(oka, okb):
            reasons.append("band %d: validity (GetMaskBand, NaN) differs at %d pixels (%d valid in the input only)" % (
                k, int((oka != okb).sum()), int((oka & ~okb).sum())))
            continue
        if ba.ReadRaster() == bb.ReadRaster():
            continue
        ua = va.view("u%d" % va.dtype.itemsize)
        ub = vb.view("u%d" % vb.dtype.itemsize)
        diff = oka & (ua != ub)
        if diff.any():
            y, x = np.argwhere(diff)[0]
            reasons.append("band %d: %d valid pixels differ; first x=%d,y=%d: %r, input %r" % (
                k, int(diff.sum()), x, y, vb[y, x].item(), va[y, x].item()))
        else:
            status = "exact_valid"
    band1 = b.GetRasterBand(1)
    sha = hashlib.sha256(band1.ReadRaster(buf_type=band1.DataType)).hexdigest()
    return ("mismatch" if reasons else status), reasons, sha


def own_type(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    t = gdal.GetDataTypeName(b.DataType)
    if t == "Byte" and b.GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE") == "SIGNEDBYTE":
        return "Int8"
    return t


def main():
    if sys.argv[1] == "types":
        out = {}
        for f in sys.argv[2:]:
            try:
                out[f] = own_type(f)
            except Exception:
                out[f] = ""
        print(json.dumps(out))
        return
    with open(sys.argv[1]) as fh:
        pairs = json.load(fh)
    for p in pairs:
        try:
            status, reasons, sha = compare(p["in"], p["out"])
        except Exception as e:
            status, reasons, sha = "mismatch", ["GDAL: %s: %s" % (type(e).__name__, e)], ""
        print(json.dumps({"in": p["in"], "status": status, "reasons": reasons, "band1_sha256": sha}), flush=True)


if __name__ == "__main__":
    main()
