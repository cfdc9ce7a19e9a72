#!/usr/bin/python3
"""Regenerate gomean's test fixtures with GDAL.

Run from anywhere with Debian's python3 (it has osgeo.gdal and numpy):

    /usr/bin/python3 testdata/make_fixtures.py

Everything is deterministic: numpy generators with fixed seeds, GDAL writes
no timestamps. The script writes, under the directory holding it:

  dem/dem_{a,b,c}.tif   sample data for the README's main command
  types/                every sample type x codec x legal predictor
  layout/               strips, tiles, planar, byte order, BigTIFF corners
  georef/               PixelIsPoint, rotation, GCPs, nodata, metadata
  sparse/               SPARSE_OK files with empty tiles
  ovr/                  overviews and an internal mask
  unsupported/          codecs and bit depths gomean does not decode
  hostile/              byte-edited GDAL output: truncation, loops, lies;
                        alloc_*: hand-built files that claim huge blocks
  nbits/                bit-packed samples (NBITS=1..31) gomean widens as GDAL does
  mask/                 internal masks, alpha bands, color interpretation
  fixtures.tsv          the manifest, with GDAL's band-1 checksum per file

The checksum is taken exactly like /work/shared/corpus's MANIFEST.tsv: band 1
of IFD 0 read by GDAL's ReadRaster in the band's own type, little-endian.
"""

import hashlib
import math
import os
import shutil
import struct
import sys
import zlib

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
gdal.SetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")
gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
gdal.SetConfigOption("GDAL_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
SUBDIRS = ["dem", "types", "layout", "georef", "sparse", "ovr", "unsupported", "hostile", "nbits", "mask"]

# Small rasters: 37x23 has partial edge tiles for 16x16 tiles and a short
# last strip for most strip heights.
W, H = 37, 23

GDT = {
    "Byte": gdal.GDT_Byte, "Int8": gdal.GDT_Byte, "UInt16": gdal.GDT_UInt16,
    "Int16": gdal.GDT_Int16, "UInt32": gdal.GDT_UInt32, "Int32": gdal.GDT_Int32,
    "UInt64": gdal.GDT_UInt64, "Int64": gdal.GDT_Int64,
    "Float32": gdal.GDT_Float32, "Float64": gdal.GDT_Float64,
}
NP = {
    "Byte": np.uint8, "Int8": np.int8, "UInt16": np.uint16, "Int16": np.int16,
    "UInt32": np.uint32, "Int32": np.int32, "UInt64": np.uint64, "Int64": np.int64,
    "Float32": np.float32, "Float64": np.float64,
}
INT_TYPES = ["Byte", "Int8", "UInt16", "Int16", "UInt32", "Int32", "UInt64", "Int64"]
FLOAT_TYPES = ["Float32", "Float64"]
CODECS = ["NONE", "DEFLATE", "LZW", "ZSTD", "PACKBITS"]

rows = []  # manifest rows, dicts


# ---------------------------------------------------------------- data


def sample_array(tname, h, w, seed):
    """Deterministic samples of type tname: a smooth ramp, a random patch
    and the type's extremes, so predictors and byte swapping are exercised
    over the whole range."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(NP[tname])
    y, x = np.mgrid[0:h, 0:w]
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = int(info.min), int(info.max)
        span = hi - lo
        ramp = ((x * 7 + y * 13) % 64) / 63.0
        a = np.empty((h, w), dtype=dt)
        flat = a.reshape(-1)
        rampf = ramp.reshape(-1)
        for i in range(flat.size):
            flat[i] = lo + (span * int(round(rampf[i] * 1000))) // 1000
        mask = rng.random((h, w)) < 0.25
        a[mask] = rng.integers(lo, hi, size=int(mask.sum()), dtype=dt, endpoint=True)
        flat = a.reshape(-1)
        for i, v in enumerate([lo, hi, 0 if lo < 0 else hi // 2]):
            flat[(i * 17) % flat.size] = v
        return a
    v = 100.0 * np.sin(x / 5.0) * np.cos(y / 7.0) + rng.normal(0, 0.5, (h, w))
    a = v.astype(dt)
    specials = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).tiny / 4,
                np.finfo(dt).max, -np.finfo(dt).max, 1e-3]
    for i, s in enumerate(specials):
        a.reshape(-1)[(37 * i + 3) % a.size] = s
    return a


def fbm(h, w, seed, octaves=7):
    """Fractional Brownian motion terrain in [0, 1], bilinear upsampled
    noise octaves; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    out = np.zeros((h, w))
    amp, total = 1.0, 0.0
    for o in range(octaves):
        n = 2 ** (o + 2)
        g = rng.random((n + 1, n + 1))
        ys = np.linspace(0, n, h)
        xs = np.linspace(0, n, w)
        y0 = np.minimum(ys.astype(int), n - 1)
        x0 = np.minimum(xs.astype(int), n - 1)
        fy = (ys - y0)[:, None]
        fx = (xs - x0)[None, :]
        a = g[y0][:, x0]
        b = g[y0][:, x0 + 1]
        c = g[y0 + 1][:, x0]
        d = g[y0 + 1][:, x0 + 1]
        out += amp * (a * (1 - fx) * (1 - fy) + b * fx * (1 - fy) + c * (1 - fx) * fy + d * fx * fy)
        total += amp
        amp *= 0.5
    out /= total
    return (out - out.min()) / (out.max() - out.min())


# ---------------------------------------------------------------- writing


def srs_wkt(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    return s.ExportToWkt()


def write(rel, arrays, tname, options, gt=(500000.0, 10.0, 0.0, 4100000.0, 0.0, -10.0),
          epsg=32652, nodata=None, before_close=None, blocks=None, metadata=None):
    """Write arrays (one per band, all h x w of NP[tname]) to testdata/rel
    with GTiff creation options. blocks, if given, is a list of
    (xoff, yoff, xsize, ysize) windows: only those are written (sparse)."""
    path = os.path.join(HERE, rel)
    h, w = arrays[0].shape
    opts = list(options)
    if tname == "Int8":
        opts.append("PIXELTYPE=SIGNEDBYTE")
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, len(arrays), GDT[tname], opts)
    if gt is not None:
        ds.SetGeoTransform(gt)
    if epsg is not None:
        ds.SetProjection(srs_wkt(epsg))
    if metadata:
        ds.SetMetadata(metadata)
    for i, a in enumerate(arrays):
        b = ds.GetRasterBand(i + 1)
        if nodata is not None:
            if tname == "Int64":
                b.SetNoDataValueAsInt64(int(nodata))
            elif tname == "UInt64":
                b.SetNoDataValueAsUInt64(int(nodata))
            else:
                b.SetNoDataValue(nodata)
        data = a.view(np.uint8) if tname == "Int8" else a
        if blocks is None:
            b.WriteArray(data)
        else:
            for (xo, yo, xs, ys) in blocks:
                b.WriteArray(data[yo:yo + ys, xo:xo + xs], xo, yo)
    if before_close:
        before_close(ds)
    ds.FlushCache()
    ds = None
    return path


# ---------------------------------------------------------------- manifest


def tiff_struct(path):
    """Parse the TIFF header and IFD chain directly (no GDAL) for the
    structural columns. Returns a dict, or None if unparseable."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return None
    e = "<" if data[:2] == b"II" else ">"
    ver = struct.unpack(e + "H", data[2:4])[0]
    big = ver == 43
    if ver not in (42, 43):
        return None
    try:
        off = struct.unpack(e + "Q", data[8:16])[0] if big else struct.unpack(e + "I", data[4:8])[0]
        ifds, seen = [], set()
        while off and off not in seen and len(ifds) < 100:
            seen.add(off)
            if big:
                n = struct.unpack(e + "Q", data[off:off + 8])[0]
                p, esz = off + 8, 20
            else:
                n = struct.unpack(e + "H", data[off:off + 2])[0]
                p, esz = off + 2, 12
            tags = {}
            for k in range(n):
                ent = data[p + k * esz:p + (k + 1) * esz]
                tag, typ = struct.unpack(e + "HH", ent[:4])
                cnt = struct.unpack(e + ("Q" if big else "I"), ent[4:12 if big else 8])[0]
                raw = ent[12:20] if big else ent[8:12]
                size = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
                        13: 4, 16: 8, 17: 8, 18: 8}.get(typ, 1)
                if cnt * size > len(raw):
                    vo = struct.unpack(e + ("Q" if big else "I"), raw)[0]
                    raw = data[vo:vo + cnt * size]
                fmt = {3: "H", 4: "I", 13: "I", 16: "Q", 18: "Q"}.get(typ)
                if fmt and len(raw) >= cnt * size:
                    tags[tag] = list(struct.unpack(e + fmt * cnt, raw[:cnt * size]))
                else:
                    tags[tag] = raw[:cnt * size]
            ifds.append(tags)
            q = p + n * esz
            off = struct.unpack(e + ("Q" if big else "I"), data[q:q + (8 if big else 4)])[0]
        loop = off in seen and off != 0
    except (struct.error, IndexError):
        return None
    return {"order": "LE" if e == "<" else "BE", "bigtiff": big, "ifds": ifds, "loop": loop}


def first(tags, tag, default=""):
    v = tags.get(tag)
    if isinstance(v, list) and v:
        return v[0]
    return default


def gdal_oracle(path):
    """GDAL's view: (reads, dtype, nbytes, sha, gt, epsg, nodata, gcps)."""
    try:
        ds = gdal.OpenEx(path, gdal.OF_RASTER, allowed_drivers=["GTiff"])
        b = ds.GetRasterBand(1)
        buf = b.ReadRaster(0, 0, ds.RasterXSize, ds.RasterYSize)
    except Exception as ex:  # noqa: BLE001 - any GDAL failure means "no"
        return {"reads": "no", "error": str(ex).splitlines()[0][:120]}
    out = {"reads": "yes", "dtype": gdal.GetDataTypeName(b.DataType),
           "nbytes": str(len(buf)), "sha": hashlib.sha256(buf).hexdigest()}
    try:
        h = hashlib.sha256()
        for i in range(1, ds.RasterCount + 1):
            h.update(ds.GetRasterBand(i).ReadRaster(0, 0, ds.RasterXSize, ds.RasterYSize))
        out["all"] = h.hexdigest()
    except RuntimeError:
        out["all"] = ""
    out["gt"], out["epsg"] = "", ""
    try:
        gt = ds.GetGeoTransform(can_return_null=True)
        out["gt"] = ",".join(repr(float(v)) for v in gt) if gt else ""
        srs = ds.GetSpatialRef()
        if srs is not None and srs.GetAuthorityName(None) == "EPSG":
            out["epsg"] = srs.GetAuthorityCode(None)
    except RuntimeError as ex:
        out["georef_error"] = str(ex).splitlines()[0][:120]
    nd = None
    if b.DataType == gdal.GDT_Int64:
        nd = b.GetNoDataValueAsInt64()
    elif b.DataType == gdal.GDT_UInt64:
        nd = b.GetNoDataValueAsUInt64()
    else:
        nd = b.GetNoDataValue()
    out["nodata"] = "" if nd is None else (repr(nd) if isinstance(nd, int) else repr(float(nd)))
    out["gcps"] = str(ds.GetGCPCount())
    out["mask_flags"] = str(b.GetMaskFlags())
    return out


COMP_NAMES = {1: "NONE", 5: "LZW", 7: "JPEG", 8: "DEFLATE", 32773: "PACKBITS", 32946: "DEFLATE-old",
              34887: "LERC", 34925: "LZMA", 50000: "ZSTD", 50001: "WEBP"}


def add(rel, features):
    """Record one file in the manifest."""
    path = os.path.join(HERE, rel)
    st = tiff_struct(path)
    row = {"path": rel, "features": features, "size_bytes": str(os.path.getsize(path))}
    if st is None or not st["ifds"]:
        row.update(byte_order="?", bigtiff="?", width_height="?", layout="?", planar="?",
                   samples="?", sample_type="?", compression="?", predictor="?", ifds="0")
    else:
        t = st["ifds"][0]
        fmt = {1: "uint", 2: "int", 3: "float", 5: "complex-int", 6: "complex-float"}
        bps, sf = first(t, 258, 1), first(t, 339, 1)
        if sf in (5, 6) and isinstance(bps, int):
            bps //= 2  # complex: bits per component, as the corpus manifest writes it
        if 322 in t:
            layout = "tiled %sx%s" % (first(t, 322), first(t, 323))
        else:
            layout = "strips rps=%s" % first(t, 278, "absent")
        comp = first(t, 259, 1)
        nsub = sum(1 for d in st["ifds"][1:] if first(d, 254, 0))
        ifds = str(len(st["ifds"]))
        if nsub:
            ifds += " (%d reduced or mask)" % nsub
        if st["loop"]:
            ifds += " (IFD loop)"
        row.update(byte_order=st["order"], bigtiff="yes" if st["bigtiff"] else "no",
                   width_height="%sx%s" % (first(t, 256, "?"), first(t, 257, "?")), layout=layout,
                   planar=str(first(t, 284, 1)), samples=str(first(t, 277, 1)),
                   sample_type="%s%s" % (fmt.get(sf, "sf%s-" % sf), bps),
                   compression="%s(%s)" % (COMP_NAMES.get(comp, "unknown"), comp),
                   predictor=str(first(t, 317, 1)), ifds=ifds)
    o = gdal_oracle(path)
    row["gdal_reads"] = o["reads"]
    for k, col in [("dtype", "gdal_dtype"), ("nbytes", "gdal_band1_nbytes"), ("sha", "gdal_band1_sha256"), ("all", "gdal_bands_sha256"),
                   ("gt", "geotransform"), ("epsg", "epsg"), ("nodata", "nodata"), ("gcps", "gcps")]:
        row[col] = o.get(k, "")
    if o["reads"] == "no":
        row["features"] += "; gdal: " + o["error"].replace(path, rel).replace("\t", " ")
    elif "georef_error" in o:
        row["features"] += "; gdal georef: " + o["georef_error"].replace("\t", " ")
    rows.append(row)


COLUMNS = ["path", "features", "size_bytes", "byte_order", "bigtiff", "width_height", "layout", "planar",
           "samples", "sample_type", "compression", "predictor", "ifds", "gdal_reads", "gdal_dtype",
           "gdal_band1_nbytes", "gdal_band1_sha256", "gdal_bands_sha256", "geotransform", "epsg", "nodata", "gcps"]


def write_manifest():
    with open(os.path.join(HERE, "fixtures.tsv"), "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(r.get(c, "") for c in COLUMNS) + "\n")


# ---------------------------------------------------------------- fixtures


def make_dem():
    """Three co-registered 600x500 float32 DEMs: shared fBm terrain plus
    per-file noise and bias, nodata -9999 holes (one 3x3 hole shared by
    all three), NaNs in dem_c. Values are multiples of 1/8 m so DEFLATE
    with the floating-point predictor keeps the files small."""
    h, w = 500, 600
    base = 200.0 + 1800.0 * fbm(h, w, seed=20240601)
    gt = (300000.0, 30.0, 0.0, 4200000.0, 0.0, -30.0)
    opts = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3"]
    for k, (name, bias, seed) in enumerate([("a", 0.0, 11), ("b", 1.5, 22), ("c", -0.75, 33)]):
        rng = np.random.default_rng(seed)
        z = base + bias + rng.normal(0.0, 0.5, (h, w))
        z = np.round(z * 8.0) / 8.0
        z = z.astype(np.float32)
        # per-file holes: a rectangle and scattered pixels
        y0, x0 = 60 + 90 * k, 80 + 150 * k
        z[y0:y0 + 12, x0:x0 + 20] = -9999.0
        idx = rng.choice(h * w, size=200, replace=False)
        z.reshape(-1)[idx] = -9999.0
        z[250:253, 300:303] = -9999.0  # shared hole: all inputs nodata
        if name == "c":
            z[400:405, 500:510] = np.nan
            z.reshape(-1)[rng.choice(h * w, size=50, replace=False)] = np.nan
        rel = "dem/dem_%s.tif" % name
        write(rel, [z], "Float32", opts, gt=gt, epsg=32652, nodata=-9999.0)
        add(rel, "sample DEM; float32 tiled 256x256 DEFLATE predictor 3; nodata -9999 holes"
            + ("; NaN pixels" if name == "c" else ""))


def make_types():
    """Every type x codec, predictor 1 everywhere it is legal, 2 for
    integers and 3 for floats with the codecs that take predictors.
    Odd-numbered files are stripped (rps 5, short last strip), the others
    tiled 16x16 with partial edge tiles."""
    n = 0
    for tname in INT_TYPES + FLOAT_TYPES:
        preds = [1, 2] + ([3] if tname in FLOAT_TYPES else [])
        for codec in CODECS:
            for p in preds:
                if p != 1 and codec in ("NONE", "PACKBITS"):
                    continue
                if p == 2 and tname in FLOAT_TYPES and codec != "DEFLATE":
                    continue
                layout = ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"] if n % 2 == 0 else ["BLOCKYSIZE=5"]
                a = sample_array(tname, H, W, seed=1000 + n)
                rel = "types/%s_%s_p%d.tif" % (tname.lower(), codec.lower(), p)
                write(rel, [a], tname, layout + ["COMPRESS=" + codec, "PREDICTOR=%d" % p])
                add(rel, "%s %s predictor %d %s" % (tname, codec, p, "tiled 16x16" if n % 2 == 0 else "strips rps=5"))
                n += 1


def make_layouts():
    gt = (500000.0, 10.0, 0.0, 4100000.0, 0.0, -10.0)
    cases = [
        ("layout/be_bigtiff_tiled_f64_deflate_p3.tif", "Float64", 1,
         ["ENDIANNESS=BIG", "BIGTIFF=YES", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=3"],
         "big-endian BigTIFF tiled float64 DEFLATE predictor 3"),
        ("layout/be_bigtiff_tiled_f64_none.tif", "Float64", 1,
         ["ENDIANNESS=BIG", "BIGTIFF=YES", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"],
         "big-endian BigTIFF tiled float64 uncompressed"),
        ("layout/be_int16_lzw_p2.tif", "Int16", 1,
         ["ENDIANNESS=BIG", "COMPRESS=LZW", "PREDICTOR=2", "BLOCKYSIZE=7"],
         "big-endian stripped int16 LZW predictor 2"),
        ("layout/be_uint32_zstd_p2_tiled.tif", "UInt32", 1,
         ["ENDIANNESS=BIG", "COMPRESS=ZSTD", "PREDICTOR=2", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"],
         "big-endian tiled uint32 ZSTD predictor 2"),
        ("layout/be_f32_deflate_p3_3band.tif", "Float32", 3,
         ["ENDIANNESS=BIG", "COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKYSIZE=8"],
         "big-endian stripped 3-band contig float32 DEFLATE predictor 3"),
        ("layout/be_uint64_packbits.tif", "UInt64", 1,
         ["ENDIANNESS=BIG", "COMPRESS=PACKBITS"], "big-endian uint64 PACKBITS"),
        ("layout/le_bigtiff_strips_int32_lzw.tif", "Int32", 1,
         ["BIGTIFF=YES", "COMPRESS=LZW", "BLOCKYSIZE=4"], "little-endian BigTIFF stripped int32 LZW"),
        ("layout/planar_band_uint16_deflate_p2_tiled.tif", "UInt16", 3,
         ["INTERLEAVE=BAND", "COMPRESS=DEFLATE", "PREDICTOR=2", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"],
         "planar separate 3-band tiled uint16 DEFLATE predictor 2"),
        ("layout/planar_band_f32_lzw_p3_strips.tif", "Float32", 4,
         ["INTERLEAVE=BAND", "COMPRESS=LZW", "PREDICTOR=3", "BLOCKYSIZE=6"],
         "planar separate 4-band stripped float32 LZW predictor 3"),
        ("layout/planar_band_int8_zstd_p2.tif", "Int8", 2,
         ["INTERLEAVE=BAND", "COMPRESS=ZSTD", "PREDICTOR=2", "BLOCKYSIZE=10"],
         "planar separate 2-band stripped int8 ZSTD predictor 2"),
        ("layout/contig_rgb_byte_lzw_p2.tif", "Byte", 3,
         ["COMPRESS=LZW", "PREDICTOR=2", "PHOTOMETRIC=RGB", "BLOCKYSIZE=8"],
         "contig RGB byte LZW predictor 2 (predictor stride 3 samples)"),
        ("layout/contig_4band_int16_deflate_p2_tiled.tif", "Int16", 4,
         ["COMPRESS=DEFLATE", "PREDICTOR=2", "TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=16"],
         "contig 4-band tiled 32x16 int16 DEFLATE predictor 2"),
        ("layout/contig_2band_f64_zstd_p3.tif", "Float64", 2,
         ["COMPRESS=ZSTD", "PREDICTOR=3", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=32"],
         "contig 2-band tiled 16x32 float64 ZSTD predictor 3"),
        ("layout/strips_short_last.tif", "Float32", 1,
         ["COMPRESS=DEFLATE", "BLOCKYSIZE=10"], "stripped rps=10 on 23 rows: short last strip"),
        ("layout/strips_single.tif", "UInt16", 1,
         ["COMPRESS=LZW", "BLOCKYSIZE=23"], "one strip holding the whole image"),
        ("layout/strips_rps1.tif", "Int16", 1,
         ["COMPRESS=PACKBITS", "BLOCKYSIZE=1"], "one row per strip"),
        ("layout/tile_larger_than_image.tif", "Float32", 1,
         ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=DEFLATE", "PREDICTOR=3"],
         "single 64x64 tile larger than the 37x23 image"),
        ("layout/tiles_partial_edges_uncompressed.tif", "Int32", 1,
         ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"], "uncompressed tiles with partial edge tiles"),
        ("layout/deflate_zlevel1.tif", "UInt16", 1,
         ["COMPRESS=DEFLATE", "ZLEVEL=1", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"], "DEFLATE level 1"),
        ("layout/deflate_zlevel9_p2.tif", "Int16", 1,
         ["COMPRESS=DEFLATE", "ZLEVEL=9", "PREDICTOR=2", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"],
         "DEFLATE level 9 predictor 2"),
    ]
    for k, (rel, tname, nb, opts, feat) in enumerate(cases):
        arrays = [sample_array(tname, H, W, seed=2000 + 10 * k + b) for b in range(nb)]
        write(rel, arrays, tname, opts, gt=gt)
        add(rel, feat)
    # degenerate sizes
    for k, (rel, h, w, opts, feat) in enumerate([
            ("layout/one_pixel.tif", 1, 1, ["COMPRESS=DEFLATE"], "1x1 image"),
            ("layout/one_column_tiled.tif", 40, 1, ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=LZW"],
             "1-pixel-wide tiled image"),
            ("layout/one_row.tif", 1, 70, ["COMPRESS=ZSTD", "PREDICTOR=2"], "1-row image")]):
        a = sample_array("Int16", h, w, seed=2900 + k)
        write(rel, [a], "Int16", opts, gt=gt)
        add(rel, feat)


def make_georef():
    opts = ["COMPRESS=DEFLATE", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"]
    a = sample_array("Float32", H, W, seed=3000)

    def point(ds):
        ds.SetMetadataItem("AREA_OR_POINT", "Point")
    write("georef/pixel_is_point.tif", [a], "Float32", opts,
          gt=(300000.0, 30.0, 0.0, 4200000.0, 0.0, -30.0), epsg=32652, before_close=point)
    add("georef/pixel_is_point.tif", "PixelIsPoint raster type, EPSG:32652")

    write("georef/rotated.tif", [a], "Float32", opts,
          gt=(300000.0, 25.980762113533157, 15.0, 4200000.0, 15.0, -25.980762113533157), epsg=32652)
    add("georef/rotated.tif", "rotated 30 degrees: ModelTransformation")

    write("georef/geographic_4326.tif", [a], "Float32", opts,
          gt=(126.5, 0.001, 0.0, 37.75, 0.0, -0.001), epsg=4326)
    add("georef/geographic_4326.tif", "geographic EPSG:4326")

    write("georef/positive_y.tif", [a], "Float32", opts,
          gt=(300000.0, 30.0, 0.0, 4200000.0, 0.0, 30.0), epsg=32652)
    add("georef/positive_y.tif", "positive y pixel size (south-up): ModelTransformation")

    def gcps(ds):
        g = [gdal.GCP(300000.0 + 30 * px, 4200000.0 - 30 * py, 0.0, px, py)
             for px, py in [(0.5, 0.5), (36.5, 0.5), (0.5, 22.5), (36.5, 22.5), (18.0, 11.0)]]
        ds.SetGCPs(g, srs_wkt(32652))
    write("georef/gcps_only.tif", [a], "Float32", opts, gt=None, epsg=None, before_close=gcps)
    add("georef/gcps_only.tif", "5 GCPs (tiepoints) and no geotransform")

    write("georef/no_georef.tif", [a], "Float32", opts, gt=None, epsg=None)
    add("georef/no_georef.tif", "no georeferencing at all")

    n = a.copy()
    n[3:6, 4:9] = np.nan
    write("georef/nodata_nan.tif", [n], "Float32", opts, nodata=float("nan"))
    add("georef/nodata_nan.tif", "float32 nodata nan")

    write("georef/nodata_neg_max_f32.tif", [a], "Float32", opts, nodata=-3.4028234663852886e38)
    add("georef/nodata_neg_max_f32.tif", "float32 nodata -FLT_MAX")

    i16 = sample_array("Int16", H, W, seed=3001)
    write("georef/nodata_int16.tif", [i16], "Int16", opts, nodata=-32768)
    add("georef/nodata_int16.tif", "int16 nodata -32768")

    i64 = sample_array("Int64", H, W, seed=3002)
    write("georef/nodata_int64.tif", [i64], "Int64", opts, nodata=-9223372036854775807)
    add("georef/nodata_int64.tif", "int64 nodata -9223372036854775807 (not exact as float64)")

    u8 = sample_array("Byte", H, W, seed=3003)
    write("georef/nodata_byte_out_of_range.tif", [u8], "Byte", opts, nodata=-10000.0)
    add("georef/nodata_byte_out_of_range.tif", "byte with out-of-range nodata -10000")

    def meta(ds):
        ds.SetMetadataItem("GOMEAN_FIXTURE", "metadata <&> test")
        ds.SetMetadataItem("OTHER", "x", "custom_domain")
        b = ds.GetRasterBand(1)
        b.SetScale(0.5)
        b.SetOffset(-10.0)
        b.SetDescription("elevation")
        b.SetMetadataItem("STATISTICS_MEAN", "12.5")
    write("georef/gdal_metadata.tif", [i16], "Int16", opts, before_close=meta)
    add("georef/gdal_metadata.tif", "GDAL_METADATA: dataset items, custom domain, band scale/offset/description")


def make_sparse():
    tiled = ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "SPARSE_OK=TRUE"]
    a = sample_array("Float32", H, W, seed=4000)
    blocks = [(0, 0, 16, 16), (32, 16, 5, 7)]  # tiles 0 and 5 of 3x2
    write("sparse/sparse_nodata.tif", [a], "Float32", tiled, nodata=-9999.0, blocks=blocks)
    add("sparse/sparse_nodata.tif", "SPARSE_OK tiles 1-4 empty (offset 0); nodata -9999")
    write("sparse/sparse_no_nodata.tif", [a], "Float32", tiled, blocks=blocks)
    add("sparse/sparse_no_nodata.tif", "SPARSE_OK tiles 1-4 empty (offset 0); no nodata: reads 0")
    i = sample_array("UInt16", H, W, seed=4001)
    write("sparse/sparse_strips_uint16.tif", [i], "UInt16",
          ["BLOCKYSIZE=5", "COMPRESS=LZW", "SPARSE_OK=TRUE"], nodata=7, blocks=[(0, 5, W, 5), (0, 20, W, 3)])
    add("sparse/sparse_strips_uint16.tif", "SPARSE_OK stripped: strips 0, 2, 3 empty; nodata 7")
    write("sparse/sparse_all_empty.tif", [a], "Float32", tiled, nodata=1.5, blocks=[])
    add("sparse/sparse_all_empty.tif", "SPARSE_OK with no tile written: all reads nodata 1.5")


def make_ovr():
    h, w = 70, 50
    a = (200 + 50 * fbm(h, w, seed=5000)).astype(np.float32)

    def ovr_mask(ds):
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        m = np.full((h, w), 255, np.uint8)
        m[10:20, 5:30] = 0
        ds.GetRasterBand(1).GetMaskBand().WriteArray(m)
        ds.BuildOverviews("AVERAGE", [2, 4])
    opts = ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=3"]
    write("ovr/overviews_mask.tif", [a], "Float32", opts, before_close=ovr_mask)
    add("ovr/overviews_mask.tif", "internal mask IFD + 2 overviews (+ their masks)")

    def ovr(ds):
        ds.BuildOverviews("NEAREST", [2])
    b = sample_array("UInt16", h, w, seed=5001)
    write("ovr/overview_strips.tif", [b], "UInt16", ["COMPRESS=LZW", "BLOCKYSIZE=16"], before_close=ovr)
    add("ovr/overview_strips.tif", "stripped with one overview IFD")


def make_unsupported():
    a8 = sample_array("Byte", H, W, seed=6000)
    f = sample_array("Float32", H, W, seed=6001)
    f[~np.isfinite(f)] = 0
    f[np.abs(f) > 1e6] = 0
    u16 = (sample_array("UInt16", H, W, seed=6002) >> 4).astype(np.uint16)
    cases = [
        ("unsupported/lzma.tif", "Byte", [a8], ["COMPRESS=LZMA"], "LZMA codec"),
        ("unsupported/lerc.tif", "Float32", [f], ["COMPRESS=LERC", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"],
         "LERC codec"),
        ("unsupported/lerc_deflate.tif", "Float32", [f], ["COMPRESS=LERC_DEFLATE"], "LERC_DEFLATE codec"),
        ("unsupported/jpeg.tif", "Byte", [a8], ["COMPRESS=JPEG"], "JPEG codec (lossy)"),
        ("unsupported/webp.tif", "Byte", [a8, a8, a8], ["COMPRESS=WEBP", "WEBP_LOSSLESS=YES"], "WEBP lossless codec"),
        ("unsupported/float16_deflate.tif", "Float32", [f], ["NBITS=16", "COMPRESS=DEFLATE"],
         "float16 samples DEFLATE (decodes to Float32)"),
        ("unsupported/float16_lzw_p3.tif", "Float32", [f], ["NBITS=16", "COMPRESS=LZW", "PREDICTOR=3"],
         "float16 samples LZW predictor 3 (decodes to Float32)"),
    ]
    for rel, tname, arrays, opts, feat in cases:
        try:
            write(rel, arrays, tname, opts)
        except RuntimeError as ex:
            print("skip %s: %s" % (rel, ex), file=sys.stderr)
            continue
        add(rel, feat)
    # complex: GDAL 3.6 writes CInt16 / CFloat32
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(HERE, "unsupported/cfloat32.tif"), 9, 7, 1,
                                              gdal.GDT_CFloat32)
    ds.GetRasterBand(1).WriteArray((np.arange(63).reshape(7, 9) * (1 + 2j)).astype(np.complex64))
    ds = None
    add("unsupported/cfloat32.tif", "complex float32 samples")


# ---------------------------------------------------------------- hostile


def ifd0_entries(data):
    """(endian, bigtiff, ifd0 offset, [(entry offset, tag, type, count)])."""
    e = "<" if data[:2] == b"II" else ">"
    big = struct.unpack(e + "H", data[2:4])[0] == 43
    off = struct.unpack(e + "Q", data[8:16])[0] if big else struct.unpack(e + "I", data[4:8])[0]
    if big:
        n = struct.unpack(e + "Q", data[off:off + 8])[0]
        p, esz = off + 8, 20
    else:
        n = struct.unpack(e + "H", data[off:off + 2])[0]
        p, esz = off + 2, 12
    out = []
    for k in range(n):
        q = p + k * esz
        tag, typ = struct.unpack(e + "HH", data[q:q + 4])
        cnt = struct.unpack(e + ("Q" if big else "I"), data[q + 4:q + (12 if big else 8)])[0]
        out.append((q, tag, typ, cnt))
    return e, big, off, out, p + n * esz


def entry(entries, tag):
    for q, t, typ, cnt in entries:
        if t == tag:
            return q, typ, cnt
    raise KeyError(tag)


def put_value(data, e, big, q, typ, value):
    """Overwrite the inline value of the entry at q."""
    vo = q + (12 if big else 8)
    fmt = {3: "H", 4: "I", 16: "Q"}[typ]
    struct.pack_into(e + fmt, data, vo, value)


def make_hostile():
    base_rel = "hostile/_base_strips.tif"
    a = sample_array("Byte", H, W, seed=7000)
    write(base_rel, [a], "Byte", ["BLOCKYSIZE=8"])
    tiled_rel = "hostile/_base_tiled.tif"
    write(tiled_rel, [sample_array("Float32", H, W, seed=7001)], "Float32",
          ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=3"])
    ovr_rel = "hostile/_base_ovr.tif"

    def ovr(ds):
        ds.BuildOverviews("NEAREST", [2])
    write(ovr_rel, [a], "Byte", ["BLOCKYSIZE=8"], before_close=ovr)
    big_rel = "hostile/_base_bigtiff.tif"
    write(big_rel, [a], "Byte", ["BIGTIFF=YES", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"])

    def load(rel):
        with open(os.path.join(HERE, rel), "rb") as f:
            return bytearray(f.read())

    out = []  # (rel, bytes, features)
    s = load(base_rel)
    e, big, off, ents, nextp = ifd0_entries(s)

    out.append(("hostile/truncated_header.tif", s[:6], "truncated inside the 8-byte header"))
    out.append(("hostile/truncated_in_ifd.tif", s[:off + 20], "truncated inside IFD 0"))
    t = load(tiled_rel)
    te, tbig, toff, tents, _ = ifd0_entries(t)
    q, typ, cnt = entry(tents, 324)  # TileOffsets (out of line for 6 tiles)
    vo = struct.unpack(te + "I", t[q + 8:q + 12])[0]
    offs = struct.unpack(te + "I" * cnt, t[vo:vo + 4 * cnt])
    cut = max(offs) + 3
    out.append(("hostile/truncated_in_tile.tif", t[:cut] if cut < len(t) else t[:-10],
                "tiled DEFLATE file cut 3 bytes into its last tile"))

    b = bytearray(s)
    struct.pack_into(e + "I", b, nextp, off)
    out.append(("hostile/ifd_loop_self.tif", b, "IFD 0's next-IFD offset points to IFD 0"))

    o = load(ovr_rel)
    oe, obig, ooff, oents, onext = ifd0_entries(o)
    ifd1 = struct.unpack(oe + "I", o[onext:onext + 4])[0]
    n1 = struct.unpack(oe + "H", o[ifd1:ifd1 + 2])[0]
    b = bytearray(o)
    struct.pack_into(oe + "I", b, ifd1 + 2 + 12 * n1, ooff)
    out.append(("hostile/ifd_loop_two.tif", b, "IFD 1 (overview) points back to IFD 0"))

    b = bytearray(s)
    for tag in (256, 257):
        q, typ, cnt = entry(ents, tag)
        struct.pack_into(e + "HI", b, q + 2, 4, 1)  # retype as LONG
        put_value(b, e, big, q, 4, 0x7FFFFFFF)
    out.append(("hostile/huge_dimensions.tif", b, "ImageWidth and ImageLength are LONG 2^31-1"))

    b = bytearray(t)
    for tag in (322, 323):
        q, typ, cnt = entry(tents, tag)
        struct.pack_into(te + "HI", b, q + 2, 4, 1)
        put_value(b, te, tbig, q, 4, 0x10000)
    out.append(("hostile/huge_tiles.tif", b, "TileWidth and TileLength 65536: a 16 GiB tile"))

    b = bytearray(s)
    q, typ, cnt = entry(ents, 256)
    put_value(b, e, big, q, typ, 0)
    out.append(("hostile/zero_width.tif", b, "ImageWidth 0"))

    b = bytearray(s)
    q, typ, cnt = entry(ents, 273)  # StripOffsets, out of line
    struct.pack_into(e + "I", b, q + 4, 0x3FFFFFFF)
    out.append(("hostile/count_beyond_file.tif", b, "StripOffsets count 2^30-1: values lie beyond EOF"))

    b = bytearray(s)
    q, typ, cnt = entry(ents, 279)  # StripByteCounts
    vo = struct.unpack(e + "I", b[q + 8:q + 12])[0]
    struct.pack_into(e + "I", b, vo, 0x7FFFFFF0)
    out.append(("hostile/bytecount_beyond_file.tif", b, "StripByteCounts[0] = 2^31-16, far past EOF"))

    b = bytearray(s)
    q, typ, cnt = entry(ents, 273)
    vo = struct.unpack(e + "I", b[q + 8:q + 12])[0]
    struct.pack_into(e + "I", b, vo + 4, len(s) + 1000)
    out.append(("hostile/offset_beyond_file.tif", b, "StripOffsets[1] past EOF"))

    b = bytearray(s)
    struct.pack_into(e + "H", b, off, 0xFFFF)
    out.append(("hostile/entry_count_beyond_file.tif", b, "IFD 0 claims 65535 entries"))

    b = bytearray(s)
    struct.pack_into(e + "I", b, 4, len(s) + 4096)
    out.append(("hostile/first_ifd_beyond_file.tif", b, "first IFD offset past EOF"))

    b = bytearray(s)
    b[0:2] = b"IX"
    out.append(("hostile/bad_magic.tif", b, "byte order mark IX"))

    b = bytearray(s)
    q, typ, cnt = entry(ents, 258)
    put_value(b, e, big, q, typ, 0)
    out.append(("hostile/bits_per_sample_zero.tif", b, "BitsPerSample 0"))

    b = bytearray(s)
    q, typ, cnt = entry(ents, 277)
    put_value(b, e, big, q, typ, 0)
    out.append(("hostile/samples_zero.tif", b, "SamplesPerPixel 0"))

    b = bytearray(s)
    q, typ, cnt = entry(ents, 34737)
    struct.pack_into(e + "H", b, q + 2, 99)
    out.append(("hostile/unknown_field_type.tif", b, "GeoAsciiParams has field type 99 (readers may skip it)"))

    b = bytearray(t)
    for o_ in offs:
        for k in range(2, 12):
            if o_ + k < len(b):
                b[o_ + k] ^= 0x5A
    out.append(("hostile/corrupt_deflate.tif", b, "every DEFLATE tile has bytes 2..11 flipped"))

    bt = load(big_rel)
    b = bytearray(bt)
    struct.pack_into("<H", b, 4, 16)
    out.append(("hostile/bigtiff_bad_offset_size.tif", b, "BigTIFF header offset size 16"))

    be, bbig, boff, bents, _ = ifd0_entries(bt)
    b = bytearray(bt)
    q, typ, cnt = entry(bents, 324)
    struct.pack_into("<Q", b, q + 4, 1 << 60)
    out.append(("hostile/bigtiff_huge_count.tif", b, "BigTIFF TileOffsets count 2^60"))

    b = bytearray(t)
    q, typ, cnt = entry(tents, 322)
    put_value(b, te, tbig, q, typ, 17)
    out.append(("hostile/tile_width_not_multiple_16.tif", b, "TileWidth 17 (TIFF requires a multiple of 16)"))

    for rel, data, feat in out:
        with open(os.path.join(HERE, rel), "wb") as f:
            f.write(bytes(data))
        add(rel, "hostile: " + feat)
    for rel in (base_rel, tiled_rel, ovr_rel, big_rel):
        os.remove(os.path.join(HERE, rel))


# ---------------------------------------------------------------- nbits


def nbits_array(tname, nbits, seed):
    """Samples of container type tname that fit in nbits bits: the type's
    full-range ramp shifted down, so 0 and 2^nbits-1 both occur."""
    a = sample_array(tname, H, W, seed)
    return (a >> (8 * a.dtype.itemsize - nbits)).astype(a.dtype)


def make_nbits():
    """NBITS=n files (GDAL's bit-packed unsigned samples), read as the next
    whole type. The first two are the former unsupported/nbits*.tif."""
    a8 = sample_array("Byte", H, W, seed=6000)
    u16 = (sample_array("UInt16", H, W, seed=6002) >> 4).astype(np.uint16)
    tiled = ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"]
    cases = [
        ("nbits/nbits12.tif", "UInt16", [u16], ["NBITS=12"], "12-bit samples, one strip"),
        ("nbits/nbits1.tif", "Byte", [(a8 > 127).astype(np.uint8)], ["NBITS=1"], "1-bit samples, one strip"),
        ("nbits/nbits1_tiled_deflate.tif", "Byte", [nbits_array("Byte", 1, 6100)], tiled + ["NBITS=1", "COMPRESS=DEFLATE"],
         "1-bit tiled 16x16 DEFLATE (rows of 2 bytes)"),
        ("nbits/nbits1_strips_packbits.tif", "Byte", [nbits_array("Byte", 1, 6101)], ["NBITS=1", "BLOCKYSIZE=5", "COMPRESS=PACKBITS"],
         "1-bit strips rps=5 PACKBITS (37-bit rows padded to 5 bytes)"),
        ("nbits/nbits4_tiled_lzw.tif", "Byte", [nbits_array("Byte", 4, 6102)], tiled + ["NBITS=4", "COMPRESS=LZW"],
         "4-bit tiled 16x16 LZW"),
        ("nbits/nbits4_3band_contig_strips_zstd.tif", "Byte", [nbits_array("Byte", 4, 6103 + k) for k in range(3)],
         ["NBITS=4", "BLOCKYSIZE=5", "COMPRESS=ZSTD"], "4-bit 3-band contig strips ZSTD (444-bit rows padded)"),
        ("nbits/nbits7_2band_contig_tiled_none.tif", "Byte", [nbits_array("Byte", 7, 6106 + k) for k in range(2)],
         tiled + ["NBITS=7"], "7-bit 2-band contig tiled uncompressed"),
        ("nbits/nbits12_strips_none.tif", "UInt16", [nbits_array("UInt16", 12, 6110)], ["NBITS=12", "BLOCKYSIZE=5"],
         "12-bit strips rps=5 uncompressed (short last strip)"),
        ("nbits/nbits12_tiled_zstd.tif", "UInt16", [nbits_array("UInt16", 12, 6111)], tiled + ["NBITS=12", "COMPRESS=ZSTD"],
         "12-bit tiled 16x16 ZSTD"),
        ("nbits/nbits12_2band_contig_tiled_deflate.tif", "UInt16", [nbits_array("UInt16", 12, 6112 + k) for k in range(2)],
         tiled + ["NBITS=12", "COMPRESS=DEFLATE"], "12-bit 2-band contig tiled DEFLATE"),
        ("nbits/nbits12_be_strips_lzw.tif", "UInt16", [nbits_array("UInt16", 12, 6114)],
         ["NBITS=12", "BLOCKYSIZE=7", "COMPRESS=LZW", "ENDIANNESS=BIG"], "12-bit big-endian strips LZW (bits are not swapped)"),
        ("nbits/nbits15_strips_lzw.tif", "UInt16", [nbits_array("UInt16", 15, 6115)], ["NBITS=15", "BLOCKYSIZE=5", "COMPRESS=LZW"],
         "15-bit strips rps=5 LZW"),
        ("nbits/nbits15_planar_tiled_deflate.tif", "UInt16", [nbits_array("UInt16", 15, 6116 + k) for k in range(2)],
         tiled + ["NBITS=15", "INTERLEAVE=BAND", "COMPRESS=DEFLATE"], "15-bit 2-band planar separate tiled DEFLATE"),
        ("nbits/nbits17_2band_contig_tiled_packbits.tif", "UInt32", [nbits_array("UInt32", 17, 6118 + k) for k in range(2)],
         tiled + ["NBITS=17", "COMPRESS=PACKBITS"], "17-bit 2-band contig tiled PACKBITS"),
        ("nbits/nbits24_strips_deflate.tif", "UInt32", [nbits_array("UInt32", 24, 6120)], ["NBITS=24", "BLOCKYSIZE=5", "COMPRESS=DEFLATE"],
         "24-bit little-endian strips DEFLATE (GDAL stores the bytes MSB first)"),
        ("nbits/nbits24_be_tiled_none.tif", "UInt32", [nbits_array("UInt32", 24, 6121)], tiled + ["NBITS=24", "ENDIANNESS=BIG"],
         "24-bit big-endian tiled uncompressed (GDAL stores the bytes LSB first)"),
        ("nbits/nbits31_tiled_zstd.tif", "UInt32", [nbits_array("UInt32", 31, 6122)], tiled + ["NBITS=31", "COMPRESS=ZSTD"],
         "31-bit tiled 16x16 ZSTD"),
    ]
    for rel, tname, arrays, opts, feat in cases:
        write(rel, arrays, tname, opts)
        add(rel, feat)
    # Predictor 2 on 12-bit samples: GDAL does not write it and libtiff
    # refuses to read it; made by patching the Predictor tag.
    rel = "nbits/nbits12_predictor2.tif"
    write(rel, [nbits_array("UInt16", 12, 6123)], "UInt16", ["NBITS=12", "COMPRESS=DEFLATE"])
    path = os.path.join(HERE, rel)
    with open(path, "rb") as f:
        b = bytearray(f.read())
    e, big, off, ents, _ = ifd0_entries(b)
    q, typ, cnt = entry(ents, 317)
    put_value(b, e, big, q, typ, 2)
    with open(path, "wb") as f:
        f.write(bytes(b))
    add(rel, "12-bit DEFLATE with Predictor patched to 2 (libtiff refuses it)")


# ---------------------------------------------------------------- masks


def make_masks():
    """Internal masks (GDAL_TIFF_INTERNAL_MASK=YES), alpha bands and color
    interpretation, as GDAL decides validity from them (RFC 15)."""
    h, w = H, W

    def mask_of(seed):
        m = np.full((h, w), 255, np.uint8)
        rng = np.random.default_rng(seed)
        m[5:12, 3:20] = 0
        m[rng.random((h, w)) < 0.1] = 0
        return m

    def with_mask(seed, ovr=False):
        def f(ds):
            ds.CreateMaskBand(gdal.GMF_PER_DATASET)
            ds.GetRasterBand(1).GetMaskBand().WriteArray(mask_of(seed))
            if ovr:
                ds.BuildOverviews("NEAREST", [2, 4])
        return f
    rgb = [sample_array("Byte", h, w, seed=8000 + k) for k in range(3)]
    write("mask/mask_rgb_strips.tif", rgb, "Byte", ["PHOTOMETRIC=RGB", "BLOCKYSIZE=5", "COMPRESS=DEFLATE"],
          before_close=with_mask(8010))
    add("mask/mask_rgb_strips.tif", "RGB strips DEFLATE with an internal 1-bit mask (per dataset)")
    f = sample_array("Float32", h, w, seed=8001)
    write("mask/mask_nodata_tiled.tif", [f], "Float32", ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=LZW"],
          nodata=-9999.0, before_close=with_mask(8011))
    add("mask/mask_nodata_tiled.tif", "float32 tiled with nodata and an internal mask (the mask wins)")
    u = sample_array("UInt16", h, w, seed=8002)
    write("mask/mask_ovr_strips.tif", [u, u], "UInt16", ["BLOCKYSIZE=8", "COMPRESS=ZSTD"],
          before_close=with_mask(8012, ovr=True))
    add("mask/mask_ovr_strips.tif", "2-band strips ZSTD, internal mask, 2 overviews with their masks")

    g = sample_array("Byte", h, w, seed=8003)
    alpha = mask_of(8013)
    cases = [
        ("mask/alpha_gray.tif", "Byte", [g, alpha], ["ALPHA=YES"], None, "gray + unassociated alpha (GMF_ALPHA)"),
        ("mask/alpha_gray_premultiplied.tif", "Byte", [g, alpha], ["ALPHA=PREMULTIPLIED"], None,
         "gray + associated alpha (ExtraSamples 1)"),
        ("mask/alpha_gray_nodata.tif", "Byte", [g, alpha], ["ALPHA=YES"], 7, "gray + alpha with nodata (nodata wins)"),
        ("mask/alpha_rgba_uint16.tif", "UInt16", [u, u, u, alpha.astype(np.uint16) * 257],
         ["PHOTOMETRIC=RGB", "ALPHA=YES", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"], None,
         "UInt16 RGBA (alpha rescaled by GDAL)"),
        ("mask/alpha_4band_minisblack.tif", "Byte", [g, g, g, alpha], ["PHOTOMETRIC=MINISBLACK", "ALPHA=YES"], None,
         "4 bands min-is-black, band 4 alpha (ExtraSamples 0 0 2)"),
        ("mask/alpha_float32.tif", "Float32", [f, alpha.astype(np.float32)], ["ALPHA=YES"], None,
         "float32 gray + alpha: Alpha, but GDAL does not use it as a mask"),
        ("mask/alpha_rgbaa.tif", "Byte", rgb + [alpha, alpha], ["PHOTOMETRIC=RGB", "ALPHA=YES"], None,
         "RGB + 2 alpha bands: no GDAL alpha mask for 5 bands"),
    ]
    for rel, tname, arrays, opts, nd, feat in cases:
        write(rel, arrays, tname, opts, nodata=nd)
        add(rel, feat)

    def interp(names):
        def f(ds):
            for i, n in enumerate(names):
                if n is not None:
                    ds.GetRasterBand(i + 1).SetColorInterpretation(n)
        return f
    write("mask/colorinterp_metadata.tif", [g, g, alpha], "Byte", [],
          before_close=interp([gdal.GCI_RedBand, gdal.GCI_GreenBand, gdal.GCI_AlphaBand]))
    add("mask/colorinterp_metadata.tif", "3 bands min-is-black, Red/Green/Alpha set: GDAL_METADATA COLORINTERP items")
    write("mask/colorinterp_rgbaa.tif", rgb + [alpha, alpha], "Byte", ["PHOTOMETRIC=RGB"],
          before_close=interp([None, None, None, gdal.GCI_AlphaBand, gdal.GCI_AlphaBand]))
    add("mask/colorinterp_rgbaa.tif", "RGB with bands 4 and 5 set to Alpha (ExtraSamples 2 2)")

    def palette(ds):
        ct = gdal.ColorTable()
        for i in range(256):
            ct.SetColorEntry(i, (i, 255 - i, (7 * i) % 256, 255))
        ds.GetRasterBand(1).SetColorTable(ct)
    write("mask/palette.tif", [g], "Byte", ["COMPRESS=DEFLATE"], before_close=palette)
    add("mask/palette.tif", "paletted byte image (Photometric 3, ColorMap)")


# ---------------------------------------------------------------- hostile: allocation


def tiff_le(entries, data):
    """A little-endian classic TIFF: header, data, one IFD. entries are
    (tag, type, values) with type 2 ASCII (values bytes), 3 SHORT or 4
    LONG; out-of-line values follow the IFD. Offsets into data are
    relative to DATA_OFF."""
    head = b"II*\x00" + struct.pack("<I", 0)
    body = bytearray(head + data)
    if len(body) % 2:
        body.append(0)
    ifd_off = len(body)
    struct.pack_into("<I", body, 4, ifd_off)
    entries = sorted(entries)
    extra = ifd_off + 2 + 12 * len(entries) + 4
    ifd, ext = bytearray(struct.pack("<H", len(entries))), bytearray()
    for tag, typ, vals in entries:
        if typ == 2:
            raw, cnt = bytes(vals), len(vals)
        else:
            raw, cnt = struct.pack("<" + {3: "H", 4: "I"}[typ] * len(vals), *vals), len(vals)
        ifd += struct.pack("<HHI", tag, typ, cnt)
        if len(raw) <= 4:
            ifd += raw.ljust(4, b"\x00")
        else:
            ifd += struct.pack("<I", extra + len(ext))
            ext += raw
            if len(ext) % 2:
                ext.append(0)
    ifd += struct.pack("<I", 0)
    return bytes(body + ifd + ext)


DATA_OFF = 8


def raster_entries(w, h, bits, fmt, comp, block, counts, offsets=None, nodata=None):
    """Entries of a one-band image; block is ("tile", tw, th) or ("strip", rps)."""
    es = [(256, 4, [w]), (257, 4, [h]), (258, 3, [bits]), (259, 3, [comp]), (262, 3, [1]),
          (277, 3, [1]), (339, 3, [fmt])]
    if offsets is None:
        offsets = [DATA_OFF] * len(counts)
    if block[0] == "tile":
        es += [(322, 4, [block[1]]), (323, 4, [block[2]]), (324, 4, offsets), (325, 4, counts)]
    else:
        es += [(278, 4, [block[1]]), (273, 4, offsets), (279, 4, counts)]
    if nodata is not None:
        es.append((42113, 2, nodata.encode() + b"\x00"))
    return es


def make_hostile_alloc():
    """Tiny files whose blocks claim far more than they hold. The reader
    must refuse them before allocating the decoded block. They are not in
    fixtures.tsv: reading band 1 whole, as the manifest oracle does, would
    make GDAL allocate gigabytes. geotiff/hostile_test.go checks them."""
    gib_tile = ("tile", 16384, 16384)  # a 1 GiB float32 tile
    z = zlib.compress(bytes(65536), 9)
    lzw = bytes([0x80, 0x00, 0x20, 0x20])  # Clear, 0, EndOfInformation: 9-bit codes
    zstd_fcs = (struct.pack("<IB", 0xFD2FB528, 0xA0) + struct.pack("<I", 1000)
                + struct.pack("<I", 1 | 1 << 1 | 1000 << 3)[:3] + b"\x00"
                + struct.pack("<II", 0x184D2A50, 40) + bytes(40))
    bomb = zlib.compress(bytes(16 << 20), 9)
    cases = [
        ("hostile/alloc_deflate_1gib_tile.tif", z, raster_entries(16384, 16384, 32, 3, 8, gib_tile, [len(z)]),
         "DEFLATE tile of %d bytes declared 16384x16384 float32 (1 GiB)" % len(z)),
        ("hostile/alloc_lzw_1gib_tile.tif", lzw, raster_entries(16384, 16384, 32, 3, 5, gib_tile, [len(lzw)]),
         "LZW tile of 4 bytes declared 1 GiB"),
        ("hostile/alloc_packbits_1gib_tile.tif", b"\x81\x00" * 8,
         raster_entries(16384, 16384, 32, 3, 32773, gib_tile, [16]), "PackBits tile of 16 bytes declared 1 GiB"),
        ("hostile/alloc_zstd_fcs.tif", zstd_fcs, raster_entries(1024, 1024, 8, 1, 50000, ("tile", 1024, 1024),
                                                                [len(zstd_fcs)]),
         "ZSTD frame declaring 1000 bytes (plus a skippable frame) for a 1 MiB tile"),
        ("hostile/alloc_none_short_strip.tif", bytes(100), raster_entries(32768, 32768, 8, 1, 1, ("strip", 32768), [100]),
         "uncompressed 1 GiB strip with a byte count of 100"),
        ("hostile/alloc_none_past_eof.tif", bytes(100), raster_entries(32768, 32768, 8, 1, 1, ("strip", 32768), [1 << 30]),
         "uncompressed 1 GiB strip whose byte count runs 1 GiB past the end of the file"),
        ("hostile/alloc_deflate_bomb.tif", bomb, raster_entries(256, 256, 8, 1, 8, ("tile", 256, 256), [len(bomb)]),
         "64 KiB DEFLATE tile whose data inflates to 16 MiB"),
        ("hostile/alloc_sparse_huge.tif", b"", raster_entries(1 << 20, 1 << 20, 8, 1, 8, ("tile", 16384, 16384),
                                                              [0] * 4096, offsets=[0] * 4096, nodata="7"),
         "1048576x1048576 byte raster of 4096 sparse 16384x16384 tiles (1 TiB), nodata 7"),
    ]
    for rel, data, es, feat in cases:
        with open(os.path.join(HERE, rel), "wb") as f:
            f.write(tiff_le(es, data))
        print("%s: %s" % (rel, feat))


def main():
    for d in SUBDIRS:
        p = os.path.join(HERE, d)
        if os.path.isdir(p):
            shutil.rmtree(p)
        os.makedirs(p)
    make_dem()
    make_types()
    make_layouts()
    make_georef()
    make_sparse()
    make_ovr()
    make_unsupported()
    make_hostile()
    make_nbits()
    make_masks()
    make_hostile_alloc()
    write_manifest()
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(HERE) for f in fs)
    print("%d files in fixtures.tsv; testdata/ holds %.2f MB" % (len(rows), total / 1e6))


if __name__ == "__main__":
    main()
