#!/usr/bin/python3
"""Make the GDAL-encoded tiles that the deflate tests and benchmarks read.

Each tile is written by GDAL's GTiff driver (libtiff + libdeflate/zlib,
libzstd) into a one-tile GeoTIFF in /vsimem, and its compressed bytes are
cut out with the TIFF metadata items BLOCK_OFFSET_0_0 / BLOCK_SIZE_0_0.
tiles.txt lists, per file: name, codec, decoded size in bytes and the
CRC-32 of the decoded bytes (for DEFLATE the bytes after inflating, i.e.
still predicted; for LZW, PackBits and ZSTD the same, decoded by GDAL).

The data are deterministic DEM-like fields (fBm value noise, 0..3000 m).

Run with Debian's interpreter (python3-gdal, python3-numpy):
    /usr/bin/python3 deflate/testdata/make_tiles.py
"""

import os
import zlib

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))


def fbm(seed, n, spacings, gain):
    """n x n fBm of bilinear value noise, normalised to about [0, 1]."""
    out = np.zeros((n, n), np.float64)
    amp = total = 1.0
    total = 0.0
    for o, s in enumerate(spacings):
        rng = np.random.default_rng([seed, o])
        m = n // s + 2
        lat = rng.random((m, m))
        p = np.arange(n) / s
        i = np.floor(p).astype(int)
        w = p - i
        w = w * w * (3 - 2 * w)
        rows = lat[i] * (1 - w)[:, None] + lat[i + 1] * w[:, None]
        out += amp * (rows[:, i] * (1 - w) + rows[:, i + 1] * w)
        total += amp
        amp *= gain
    return out / total


def dem(n):
    base = fbm(7, n, [128, 64, 32, 16, 8, 4, 2], 0.55)
    e = np.clip((base - 0.5) * 2.1 + 0.45, 0, 1) ** 1.6 * 3000.0
    e += (fbm(8, n, [8, 4, 2], 0.7) - 0.5) * 8.0  # metres of measurement noise
    return np.clip(e, 0, 3000).astype(np.float32)


def rgb(e):
    """A hillshaded hypsometric colour image of elevations e, uint8 RGB."""
    gy, gx = np.gradient(e.astype(np.float64), 30.0)
    shade = np.clip(0.6 + 0.4 * (-gx - gy) / np.hypot(1, np.hypot(gx, gy)), 0, 1)
    t = e / 3000.0
    ramp = np.stack([0.2 + 0.7 * t, 0.5 + 0.3 * t - 0.4 * t * t, 0.2 + 0.5 * t * t], -1)
    return np.clip(ramp * shade[..., None] * 255, 0, 255).astype(np.uint8)


TYPES = {np.float32: gdal.GDT_Float32, np.int16: gdal.GDT_Int16,
         np.uint16: gdal.GDT_UInt16, np.uint8: gdal.GDT_Byte}


def write_tile(name, arr, options):
    """Write arr (h, w) or (h, w, bands) as one GDAL tile; save the raw tile bytes."""
    h, w = arr.shape[:2]
    bands = 1 if arr.ndim == 2 else arr.shape[2]
    path = "/vsimem/" + name + ".tif"
    co = ["TILED=YES", f"BLOCKXSIZE={w}", f"BLOCKYSIZE={h}", "INTERLEAVE=PIXEL"] + options
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, bands, TYPES[arr.dtype.type], options=co)
    for b in range(bands):
        ds.GetRasterBand(b + 1).WriteArray(arr if arr.ndim == 2 else arr[..., b])
    ds = None
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    off = int(band.GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF"))
    size = int(band.GetMetadataItem("BLOCK_SIZE_0_0", "TIFF"))
    ds = None
    f = gdal.VSIFOpenL(path, "rb")
    gdal.VSIFSeekL(f, off, 0)
    data = gdal.VSIFReadL(1, size, f)
    gdal.VSIFCloseL(f)
    gdal.Unlink(path)
    with open(os.path.join(HERE, name), "wb") as out:
        out.write(data)
    return data


def main():
    e = dem(512)
    tile = e[128:384, 128:384]  # 256 x 256, mostly land
    small = e[:128, 256:384]
    i16 = np.rint(tile).astype(np.int16)
    rows = []

    def deflate(name, arr, opts):
        data = write_tile(name, arr, ["COMPRESS=DEFLATE"] + opts)
        dec = zlib.decompress(data)
        assert len(dec) == arr.nbytes, (name, len(dec), arr.nbytes)
        rows.append((name, "zlib", arr.nbytes, zlib.crc32(dec)))

    deflate("dem_f32.zlib", tile, [])
    deflate("dem_f32_pred3.zlib", tile, ["PREDICTOR=3"])
    deflate("dem_i16_pred2.zlib", i16, ["PREDICTOR=2"])
    # uint16 with predictor 2 gives the same bytes as int16 here (all
    # elevations are positive), so one file stands for both.
    deflate("rgb_u8.zlib", rgb(e[:256, :256]), [])
    deflate("dem_f32_small_l1.zlib", small, ["ZLEVEL=1"])
    deflate("dem_f32_small_l9.zlib", small, ["ZLEVEL=9", "PREDICTOR=3"])

    # Codecs without a Python oracle: no predictor, so the decoded bytes are
    # the array's own (GTiff writes host byte order, little-endian here).
    for name, arr, opts in [
        ("dem_f32_small.lzw", small, ["COMPRESS=LZW"]),
        ("rgb_u8_small.lzw", rgb(e[:128, :128]), ["COMPRESS=LZW"]),
        ("dem_i16_small.packbits", np.rint(small).astype(np.int16), ["COMPRESS=PACKBITS"]),
        ("dem_f32_small.zstd", small, ["COMPRESS=ZSTD", "ZSTD_LEVEL=9"]),
    ]:
        write_tile(name, arr, opts)
        codec = name.rsplit(".", 1)[1]
        rows.append((name, codec, arr.nbytes, zlib.crc32(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes())))

    with open(os.path.join(HERE, "tiles.txt"), "w") as f:
        f.write("# name codec decoded-bytes crc32-of-decoded (made by make_tiles.py, GDAL %s)\n" % gdal.__version__)
        for r in rows:
            f.write("%s %s %d %08x\n" % r)


if __name__ == "__main__":
    main()
