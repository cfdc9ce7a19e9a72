#!/usr/bin/python3
"""Regenerate the validity acceptance fixtures (gomean issue 11) with GDAL.

    /usr/bin/python3 testdata/validity/make_validity.py

Writes, beside this script, one folder per fixture set and cases.json, the
list of gomean runs that check.py judges against GDAL (RFC 15 mask
semantics: a pixel is valid per the mask band when there is one, else the
alpha band, else the nodata value cast to the band's type; NaN is never
valid). Deterministic: fixed numpy seeds, GDAL writes no timestamps.

Every fixture is small (64x48) and hides large garbage under its masks,
alpha and nodata so that a reader that ignores them gives visibly wrong
means. Before writing cases.json the script checks with GDAL that each
input's GetMaskBand() is exactly the validity it was designed with.
"""

import json
import os
import shutil

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "NO")  # .msk, .aux.xml and .tfw must be found
gdal.SetConfigOption("GDAL_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 64, 48
GT = [500000.0, 30.0, 0.0, 4600000.0, 0.0, -30.0]
DIRS = ["mask_internal", "mask_external", "rgba", "aux_only", "world_file", "no_nodata", "f32_min",
        "nan_holes", "int64", "narrow", "crs", "nbits"]
GDT = {"Byte": gdal.GDT_Byte, "UInt16": gdal.GDT_UInt16, "Int16": gdal.GDT_Int16,
       "Float32": gdal.GDT_Float32, "Float64": gdal.GDT_Float64,
       "Int64": gdal.GDT_Int64, "UInt64": gdal.GDT_UInt64}

F32_MIN_ND = -3.4e38  # GDAL writes "-3.4e+38"; the pixels hold float32(-3.4e38)
INT64_MIN = -(2 ** 63)
UINT64_MAX = 2 ** 64 - 1


def srs_epsg(code):
    s = osr.SpatialReference()
    s.ImportFromEPSG(code)
    return s


def srs_proj4(p4):
    s = osr.SpatialReference()
    s.ImportFromProj4(p4)
    return s


UTM = srs_epsg(32633)


def terrain(seed, lo=100.0, hi=900.0):
    """A smooth surface from lo to hi plus noise, rounded to 1/8."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:H, 0:W]
    z = (np.sin(x / 9.0 + seed) + np.cos(y / 7.0 - seed) + 2) / 4  # 0..1
    z = lo + (hi - lo) * z + rng.normal(0, 3, (H, W))
    return np.round(z * 8) / 8


def holes(seed, frac=0.18):
    """Random invalid pixels (True = invalid)."""
    rng = np.random.default_rng(1000 + seed)
    h = rng.random((H, W)) < frac
    h[5:10, 40:47] = True  # every input is invalid here: 7x5 pixels
    return h


def create(path, dtype, bands=1, opts=(), gt=GT, srs=UTM, nodata=None):
    opts = list(opts)
    if not any(o.startswith("COMPRESS") for o in opts) and "PROFILE=BASELINE" not in opts:
        opts.append("COMPRESS=DEFLATE")
    ds = gdal.GetDriverByName("GTiff").Create(path, W, H, bands, GDT[dtype], opts)
    if gt is not None:
        ds.SetGeoTransform(gt)
    if srs is not None:
        ds.SetSpatialRef(srs)
    if nodata is not None:
        for i in range(1, bands + 1):
            b = ds.GetRasterBand(i)
            if dtype == "Int64":
                b.SetNoDataValueAsInt64(nodata)
            elif dtype == "UInt64":
                b.SetNoDataValueAsUInt64(nodata)
            else:
                b.SetNoDataValue(nodata)
    return ds


def write_masked(path, data, invalid, dtype="Float32", internal=True, opts=("TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=16"),
                 nodata=None):
    """data with a per-dataset mask (0 where invalid) and garbage under it."""
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES" if internal else "NO")
    ds = create(path, dtype, opts=opts, nodata=nodata)
    ds.GetRasterBand(1).WriteArray(data)
    ds.CreateMaskBand(gdal.GMF_PER_DATASET)
    ds.GetRasterBand(1).GetMaskBand().WriteArray(np.where(invalid, 0, 255).astype(np.uint8))
    ds = None
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", None)


def write_plain(path, data, dtype, nodata=None, opts=(), gt=GT, srs=UTM):
    ds = create(path, dtype, opts=opts, gt=gt, srs=srs, nodata=nodata)
    ds.GetRasterBand(1).WriteArray(data)
    ds = None


def rel(p):
    return os.path.relpath(p, HERE)


CASES = []
# valid[path] is the designed validity of band 1 (True = valid) that
# GDAL's GetMaskBand() (and NaN) must reproduce.
DESIGNED = {}


def case(name, inputs, op="mean", args=(), **expect):
    """Add a run to cases.json. expect keys are documented in check.py."""
    CASES.append(dict(name=name, op=op, args=list(args), inputs=[rel(p) for p in inputs], **expect))


def p(d, f):
    return os.path.join(HERE, d, f)


def mask_internal():
    files = []
    for i, (dtype, garbage) in enumerate([("Float32", 1e6), ("Int16", 30000), ("Float32", -1e6)]):
        inv = holes(i)
        z = terrain(i)
        data = np.where(inv, garbage, z)
        if dtype == "Int16":
            data = np.round(data)
        f = p("mask_internal", "m%d.tif" % i)
        write_masked(f, data, inv, dtype)
        DESIGNED[f] = ~inv
        files.append(f)
    case("internal_mask_mean", files, out_mask="per_dataset", out_nodata="any",
         doc="GDAL_TIFF_INTERNAL_MASK=YES per-dataset masks, no nodata, garbage 1e6/30000/-1e6 under the masks; mixed Float32/Int16")
    case("internal_mask_median", files, op="median", out_mask="per_dataset", out_nodata="any",
         doc="same inputs, median")

    # Mask plus nodata: the mask wins (RFC 15), so -9999 where the mask is
    # 255 is a value, not a hole.
    both = []
    for i in range(2):
        inv = holes(10 + i)
        z = terrain(10 + i)
        z[20:24, 8:20] = -9999.0  # valid per the mask: both inputs
        if i == 0:
            z[30:34, 8:20] = -9999.0  # valid per the mask: input 0 only
        data = np.where(inv, 5e5, z)
        f = p("mask_internal", "mask_and_nodata%d.tif" % i)
        write_masked(f, data, inv, "Float32", nodata=-9999)
        DESIGNED[f] = ~inv
        both.append(f)
    case("mask_over_nodata", both, out_mask="per_dataset", out_nodata="any",
         doc="internal mask and nodata -9999 on the same band: the mask wins, so mask-valid -9999 pixels are values")

    # Mixed sources: a mask, a nodata value, NaN only.
    a = p("mask_internal", "src_mask.tif")
    inv = holes(20)
    write_masked(a, np.where(inv, 30000, np.round(terrain(20))), inv, "Int16")
    DESIGNED[a] = ~inv
    b = p("mask_internal", "src_nodata.tif")
    inv = holes(21)
    write_plain(b, np.where(inv, -9999, terrain(21)), "Float32", nodata=-9999, opts=["TILED=YES"])
    DESIGNED[b] = ~inv
    c = p("mask_internal", "src_nan.tif")
    inv = holes(22)
    write_plain(c, np.where(inv, np.nan, terrain(22)), "Float32")
    DESIGNED[c] = ~inv
    case("mixed_sources", [a, b, c], out_mask="per_dataset", out_nodata="any",
         doc="one input with an internal mask (Int16, 30000 under it), one with nodata -9999, one with NaN holes only")


def mask_external():
    files = []
    for i in range(3):
        inv = holes(30 + i)
        data = np.where(inv, 7e5, terrain(30 + i))
        f = p("mask_external", "e%d.tif" % i)
        write_masked(f, data, inv, "Float32", internal=False, opts=())
        assert os.path.exists(f + ".msk"), f
        DESIGNED[f] = ~inv
        files.append(f)
    case("external_msk", files, out_mask="per_dataset", out_nodata="any",
         doc="GDAL_TIFF_INTERNAL_MASK=NO: FILE.tif.msk sidecars, stripped inputs, 7e5 under the masks")


def rgba():
    files = []
    for i in range(2):
        rng = np.random.default_rng(40 + i)
        inv = holes(40 + i, 0.25)
        ds = create(p("rgba", "rgba%d.tif" % i), "Byte", bands=4,
                    opts=["PHOTOMETRIC=RGB", "ALPHA=YES", "TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=16"])
        for b in range(3):
            v = np.clip(terrain(40 + 3 * i + b, 20, 200), 0, 255).astype(np.uint8)
            garbage = rng.integers(240, 256, (H, W))
            ds.GetRasterBand(b + 1).WriteArray(np.where(inv, garbage, v).astype(np.uint8))
        ds.GetRasterBand(4).WriteArray(np.where(inv, 0, 255).astype(np.uint8))
        ds = None
        f = p("rgba", "rgba%d.tif" % i)
        DESIGNED[f] = ~inv
        files.append(f)
    case("rgba_pair", files, args=["-ot", "Byte"], out_mask="alpha", out_nodata="any", out_bands=4,
         doc="RGBA Byte pairs (ExtraSamples unassociated alpha), 240-255 garbage where alpha is 0: output RGB + alpha")


def aux_only():
    files = []
    for i in range(3):
        inv = holes(50 + i)
        f = p("aux_only", "x%d.tif" % i)
        write_plain(f, np.where(inv, -9999, terrain(50 + i)), "Float32", opts=["PROFILE=BASELINE"])
        ds = gdal.Open(f)  # read-only: GDAL keeps the nodata in the .aux.xml, not in a TIFF tag
        ds.GetRasterBand(1).SetNoDataValue(-9999)
        ds = None
        with open(f + ".aux.xml") as fh:
            assert "<NoDataValue>" in fh.read(), f
        DESIGNED[f] = ~inv
        files.append(f)
    case("aux_xml_only", files, out_nodata=-9999.0,
         doc="PROFILE=BASELINE: geotransform, CRS and nodata -9999 only in .aux.xml (PAM)")


def world_file():
    files = []
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    for i in range(3):
        f = p("world_file", "t%d.tif" % i)
        write_plain(f, terrain(60 + i).astype(np.float32), "Float32", opts=["PROFILE=BASELINE", "TFW=YES"],
                    gt=[300000.0, 10.0, 0.0, 5000000.0, 0.0, -10.0])
        assert os.path.exists(p("world_file", "t%d.tfw" % i)) and not os.path.exists(f + ".aux.xml"), f
        DESIGNED[f] = np.ones((H, W), bool)
        files.append(f)
    gdal.SetConfigOption("GDAL_PAM_ENABLED", None)
    case("world_file_only", files, out_nodata="none",
         doc="PROFILE=BASELINE TFW=YES, no .aux.xml: geotransform from the .tfw, no CRS (GDAL's GTiff reads no .prj), no holes")


def no_nodata():
    files = []
    for i in range(3):
        rng = np.random.default_rng(70 + i)
        v = rng.integers(0, 256, (H, W))
        v[:, :10] = 255  # 255 everywhere in all inputs: the mean is 255, a value
        v[:, 10:14] = 0
        v[rng.random((H, W)) < 0.1] = 255
        f = p("no_nodata", "byte%d.tif" % i)
        write_plain(f, v.astype(np.uint8), "Byte")
        DESIGNED[f] = np.ones((H, W), bool)
        files.append(f)
    case("no_nodata_byte_255", files, args=["-ot", "Byte"], out_nodata="none",
         doc="Byte inputs, no nodata, 255 and 0 are ordinary values (columns 0-9 are 255 in all inputs)")
    files = []
    for i in range(3):
        rng = np.random.default_rng(80 + i)
        z = terrain(80 + i, -6000, -50)
        z[:, :8] = -9999  # a deep trench: -9999 m in every input
        z[rng.random((H, W)) < 0.1] = -9999
        f = p("no_nodata", "bathy%d.tif" % i)
        write_plain(f, z, "Float32")
        DESIGNED[f] = np.ones((H, W), bool)
        files.append(f)
    case("no_nodata_bathy_9999", files, out_nodata="none",
         doc="Float32 bathymetry, no nodata: -9999 m is a depth (columns 0-7 are -9999 in all inputs)")


def f32_min():
    files = []
    for i in range(3):
        inv = holes(90 + i)
        f = p("f32_min", "f%d.tif" % i)
        write_plain(f, np.where(inv, np.float32(F32_MIN_ND), terrain(90 + i)).astype(np.float32), "Float32",
                    nodata=F32_MIN_ND, opts=["TILED=YES", "PREDICTOR=3"])
        DESIGNED[f] = ~inv
        files.append(f)
    case("nodata_f32_min", files, out_nodata=float(np.float32(F32_MIN_ND)), nodata_as_f32=True,
         doc="Float32 nodata text -3.4e+38; holes hold float32(-3.4e38) = -3.3999999521443642e+38")
    case("nodata_f32_min_to_f64", files, args=["-ot", "Float64"], out_nodata=float(np.float32(F32_MIN_ND)),
         doc="same inputs, -ot Float64: the common nodata after the cast, -3.3999999521443642e+38, exactly")


def nan_holes():
    files, full = [], []
    invs = [holes(110 + i) for i in range(3)]
    for i, inv2 in enumerate(invs):
        inv2[5:10, 40:47] = False
        inv2[5:10, 40 + i] = True
    all_three = invs[0] & invs[1] & invs[2]
    invs[1] &= ~all_three  # never all three
    for i in range(3):
        inv = holes(100 + i)
        f = p("nan_holes", "n%d.tif" % i)
        write_plain(f, np.where(inv, np.nan, terrain(100 + i)), "Float32")
        DESIGNED[f] = ~inv
        files.append(f)
        f = p("nan_holes", "full%d.tif" % i)
        write_plain(f, np.where(invs[i], np.nan, terrain(110 + i)), "Float32")
        DESIGNED[f] = ~invs[i]
        full.append(f)
    case("nan_holes_some_empty", files, out_nodata="nan", stderr_empty_count=True,
         doc="NaN holes, no nodata; a 7x5 block is NaN in all inputs: output nodata NaN and the empty count on stderr")
    case("nan_holes_none_empty", full, out_nodata="none",
         doc="NaN holes, no nodata, every pixel valid in some input: the output declares no nodata")
    case("nan_holes_nodata_none_flag", files, args=["--nodata", "none"], refuse="", stderr_empty_count=True,
         doc="--nodata none with empty pixels is an error")
    case("nan_holes_nodata_none_ok", full, args=["--nodata", "none"], out_nodata="none",
         doc="--nodata none when no pixel is empty: no nodata tag")


def int64():
    files = []
    for i in range(3):
        inv = holes(120 + i)
        v = np.round(terrain(120 + i, -2e12, 2e12)).astype(np.int64)
        f = p("int64", "i%d.tif" % i)
        write_plain(f, np.where(inv, np.int64(INT64_MIN), v), "Int64", nodata=INT64_MIN)
        DESIGNED[f] = ~inv
        files.append(f)
    case("int64_min_nodata", files, args=["-ot", "Int64"], out_nodata_int=str(INT64_MIN),
         doc="Int64 nodata -9223372036854775808 (read back with GetNoDataValueAsInt64)")
    files = []
    for i in range(3):
        inv = holes(130 + i)
        v = np.round(terrain(130 + i, 0, 4e12)).astype(np.uint64)
        f = p("int64", "u%d.tif" % i)
        write_plain(f, np.where(inv, np.uint64(UINT64_MAX), v), "UInt64", nodata=UINT64_MAX)
        DESIGNED[f] = ~inv
        files.append(f)
    case("uint64_max_nodata", files, args=["-ot", "UInt64"], out_nodata_int=str(UINT64_MAX),
         doc="UInt64 nodata 18446744073709551615 (read back with GetNoDataValueAsUInt64)")


def narrow():
    files = []
    for i in range(3):
        inv = holes(140 + i)
        z = terrain(140 + i, 600, 850)
        z[30:40, :] = terrain(150 + i, 180, 300)[30:40, :]  # some in range, some just above
        f = p("narrow", "d%d.tif" % i)
        write_plain(f, np.where(inv, -9999, z), "Float32", nodata=-9999)
        DESIGNED[f] = ~inv
        files.append(f)
    case("narrow_byte_nodata_255", files, args=["-ot", "Byte", "--nodata", "255"], out_nodata=255.0,
         stderr_clamp_count=True,
         doc="600-850 m means written as Byte with nodata 255: clamped results become 254, never 255; a warning counts them")
    case("narrow_byte_default_nodata", files, args=["-ot", "Byte"], out_nodata="any", stderr_clamp_count=True,
         doc="same, nodata chosen by gomean (-9999 does not fit Byte): no valid pixel may equal it")


def crs():
    cea = srs_proj4("+proj=cea +lat_ts=30 +lon_0=0 +datum=WGS84 +units=m +no_defs")
    lcc = srs_proj4("+proj=lcc +lat_1=30 +lat_2=60 +lat_0=0 +lon_0=0 +datum=WGS84 +units=m +no_defs")
    a, b, c = p("crs", "cea_a.tif"), p("crs", "lcc.tif"), p("crs", "cea_b.tif")
    for f, s, seed in [(a, cea, 160), (b, lcc, 161), (c, cea, 162)]:
        write_plain(f, terrain(seed), "Float32", srs=s)
        DESIGNED[f] = np.ones((H, W), bool)
    case("crs_cea_vs_lcc_refused", [a, b], refuse="CRS",
         doc="user-defined CRSs (ProjectedCSType 32767), same datum and grid, CEA vs LCC: must be refused")
    case("crs_cea_same_accepted", [a, c], out_nodata="none",
         doc="control: the same user-defined CEA CRS twice is accepted and carried")


def nbits():
    files = []
    for i in range(3):
        rng = np.random.default_rng(170 + i)
        inv = holes(170 + i)
        v = rng.integers(0, 4095, (H, W))
        f = p("nbits", "b12_%d.tif" % i)
        write_plain(f, np.where(inv, 4095, v).astype(np.uint16), "UInt16", nodata=4095, opts=["NBITS=12"])
        DESIGNED[f] = ~inv
        files.append(f)
    case("nbits12_uint16", files, args=["--type", "UInt16"], out_nodata=4095.0,
         doc="NBITS=12 UInt16 inputs with nodata 4095, --type UInt16: exact (rounded) means")
    files = []
    for i in range(3):
        rng = np.random.default_rng(180 + i)
        f = p("nbits", "b1_%d.tif" % i)
        write_plain(f, (rng.random((H, W)) < 0.4 + 0.1 * i).astype(np.uint8), "Byte", opts=["NBITS=1"])
        DESIGNED[f] = np.ones((H, W), bool)
        files.append(f)
    case("nbits1_byte", files, args=["--type", "Byte"], out_nodata="none",
         doc="NBITS=1 inputs, no nodata, --type Byte: round(k/3)")


def verify():
    """Check that GDAL's mask (and NaN) is the designed validity."""
    for f, want in DESIGNED.items():
        ds = gdal.Open(f)
        b = ds.GetRasterBand(1)
        got = b.GetMaskBand().ReadAsArray() != 0
        v = b.ReadAsArray()
        if v.dtype.kind == "f":
            got &= ~np.isnan(v)
        if not np.array_equal(got, want):
            raise SystemExit("%s: GDAL's mask differs from the design at %d pixels" % (f, int((got != want).sum())))
        ds = None


def main():
    for d in DIRS:
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
        os.makedirs(os.path.join(HERE, d))
    mask_internal()
    mask_external()
    rgba()
    aux_only()
    world_file()
    no_nodata()
    f32_min()
    nan_holes()
    int64()
    narrow()
    crs()
    nbits()
    verify()
    with open(os.path.join(HERE, "cases.json"), "w") as fh:
        json.dump(CASES, fh, indent=1)
        fh.write("\n")
    print("%d cases, %d inputs" % (len(CASES), len(DESIGNED)))


if __name__ == "__main__":
    main()
