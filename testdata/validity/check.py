#!/usr/bin/python3
"""Judge gomean's outputs on the validity fixtures against GDAL (issue 11).

    /usr/bin/python3 testdata/validity/check.py run GOMEAN [CASE...]
        runs the gomean binary on every case of cases.json (or the named
        ones) in a temporary folder and prints a report; exit status 1 when
        a case fails.
    /usr/bin/python3 testdata/validity/check.py check JOBS.json
        judges outputs made by someone else (the Go test): JOBS.json is a
        list of {"name", "out", "rc", "stderr"}; prints one JSON line per
        job: {"name", "ok", "problems": [...], "info"}.
    /usr/bin/python3 testdata/validity/check.py selftest
        checks the checker: GDAL-made ideal outputs pass, and the same
        with one wrong pixel, or without the warning, fail.

The expected result is computed from GDAL's view of the inputs only: each
input band's GetMaskBand() (RFC 15: mask IFD or .msk, else alpha, else
nodata) and NaN decide which pixels are valid; alpha bands are not
reduced. The expected value is numpy's float64 masked mean (or median) of
the valid inputs; the output must be valid (its own GetMaskBand() nonzero
and not NaN) exactly where at least one input is, hold that value (float32:
exact or 1 ulp; integers: rounded, ties either way, clamped, and moved off
the nodata value), and have the inputs' geotransform and CRS.

Case keys in cases.json (written by make_validity.py):
  op, args, inputs      the gomean command: gomean OP -o OUT ARGS INPUTS
  refuse                gomean must fail, write nothing, and say this word
                        on stderr ("" = any message)
  out_nodata            "any", "none" (no nodata tag), "nan", or a number
                        (exact; as float32 with nodata_as_f32)
  out_nodata_int        decimal Int64/UInt64 nodata, read with
                        GetNoDataValueAsInt64/AsUInt64
  out_mask              "per_dataset": an internal mask (no .msk sidecar);
                        "alpha": the last band is alpha, 0 where invalid
  out_bands             band count of the output
  stderr_empty_count    stderr must give the number of empty pixels
  stderr_clamp_count    stderr must give the number of out-of-range
                        results (after rounding or before), or of results
                        moved off the nodata value
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "NO")

HERE = os.path.dirname(os.path.abspath(__file__))
FIRST = 5  # wrong pixels listed per problem


def load_cases():
    with open(os.path.join(HERE, "cases.json")) as fh:
        return {c["name"]: c for c in json.load(fh)}


def out_type(case):
    args = case["args"]
    for i, a in enumerate(args):
        if a in ("-ot", "--type", "-type") and i + 1 < len(args):
            return args[i + 1]
    return "Float32"


def data_bands(ds):
    return [i for i in range(1, ds.RasterCount + 1)
            if ds.GetRasterBand(i).GetColorInterpretation() != gdal.GCI_AlphaBand]


def read_band(ds, i):
    """Values (native dtype) and validity of band i: mask nonzero, not NaN."""
    b = ds.GetRasterBand(i)
    v = b.ReadAsArray()
    valid = b.GetMaskBand().ReadAsArray() != 0
    if v.dtype.kind == "f":
        valid &= ~np.isnan(v)
    return v, valid


def expected(case):
    """Per data band: (float64 result, validity), plus the inputs' georef."""
    dss = [gdal.Open(os.path.join(HERE, f)) for f in case["inputs"]]
    bands = data_bands(dss[0])
    out = []
    for k in bands:
        vals, valid = [], []
        for ds in dss:
            v, ok = read_band(ds, k)
            vals.append(v.astype(np.float64))
            valid.append(ok)
        vals, valid = np.array(vals), np.array(valid)
        any_valid = valid.any(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            if case["op"] == "median":
                res = np.ma.median(np.ma.masked_array(vals, ~valid), axis=0).filled(np.nan)
            else:
                res = np.where(valid, vals, 0).sum(axis=0) / valid.sum(axis=0)
        out.append((res, any_valid))
    srs = [ds.GetSpatialRef() for ds in dss]
    gts = [ds.GetGeoTransform(can_return_null=True) for ds in dss]
    return out, gts[0], srs[0], dss


def fmt_pixels(mask, *arrays, names=()):
    idx = np.argwhere(mask)[:FIRST]
    parts = []
    for r, c in idx:
        parts.append("x=%d,y=%d: " % (c, r) + " ".join("%s=%r" % (n, a[r, c].item()) for n, a in zip(names, arrays)))
    return "; ".join(parts)


def numbers_in(stderr):
    s = re.sub(r"0(\.\.\.\d+)+( - done\.?)?", " ", stderr)  # GDAL's progress line
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)  # 1,234 -> 1234
    return {int(m) for m in re.findall(r"(?<![\w.])\d+(?![\w.]*\d)", s)}


def int_candidates(res, t, nodata):
    """The accepted integer results: rounded (ties either way), clamped,
    and moved to a neighbour when equal to the nodata value."""
    info = np.iinfo(t)
    lo, hi = float(info.min), float(info.max)
    with np.errstate(invalid="ignore"):
        c1 = np.clip(np.floor(res + 0.5), lo, hi)
        c2 = np.clip(np.ceil(res - 0.5), lo, hi)
    cands = [c1, c2]
    if nodata is not None:
        nd = float(nodata)
        for c in (c1, c2):
            for alt in (nd - 1, nd + 1):
                if lo <= alt <= hi:
                    cands.append(np.where(c == nd, alt, np.nan))
        cands = [np.where(c == nd, np.nan, c) for c in cands]
    return cands


def judge(case, out, rc, stderr):
    """Problems with one gomean run, and a line of information."""
    problems, info = [], []
    exists = os.path.exists(out)
    if "refuse" in case:
        if rc == 0:
            problems.append("gomean succeeded (exit 0); want a refusal")
        want = case["refuse"]
        alts = [want] if want else []
        if case.get("stderr_empty_count"):
            alts += ["empty", "no valid"]
            res = expected(case)[0]
            alts.append(str(sum(int((~v).sum()) for _, v in res)))
        if alts and not any(a.lower() in stderr.lower() for a in alts):
            problems.append("stderr does not mention %s: %r" % (" or ".join(map(repr, alts)), stderr.strip()[-300:]))
        if exists:
            problems.append("output written despite the refusal")
        return problems, "exit %d: %s" % (rc, stderr.strip().splitlines()[-1] if stderr.strip() else "")
    if rc != 0 or not exists:
        problems.append("gomean failed (exit %d): %s" % (rc, stderr.strip()[-400:]))
        return problems, ""
    res, gt, srs, dss = expected(case)
    ds = gdal.Open(out)
    t = out_type(case)
    if gdal.GetDataTypeName(ds.GetRasterBand(1).DataType) != t:
        problems.append("output type %s, want %s" % (gdal.GetDataTypeName(ds.GetRasterBand(1).DataType), t))
    # georeferencing
    ogt = ds.GetGeoTransform(can_return_null=True)
    if (ogt is None) != (gt is None) or (gt is not None and tuple(ogt) != tuple(gt)):
        problems.append("geotransform %s, want the inputs' %s" % (ogt, gt))
    osrs = ds.GetSpatialRef()
    if (osrs is None) != (srs is None) or (srs is not None and not osrs.IsSame(srs)):
        problems.append("CRS %s, want the inputs' %s" % (
            osrs.ExportToProj4() if osrs else None, srs.ExportToProj4() if srs else None))
    # bands
    obands = data_bands(ds)
    if "out_bands" in case and ds.RasterCount != case["out_bands"]:
        problems.append("%d output bands, want %d" % (ds.RasterCount, case["out_bands"]))
    if len(obands) != len(res):
        problems.append("%d output data bands (not alpha), want %d" % (len(obands), len(res)))
        if len(obands) < len(res):
            return problems, ""
        obands = obands[:len(res)]
    # nodata
    b1 = ds.GetRasterBand(1)
    nd = b1.GetNoDataValue()
    want = case.get("out_nodata", "any")
    if "out_nodata_int" in case:
        wi = int(case["out_nodata_int"])
        got = b1.GetNoDataValueAsUInt64() if t == "UInt64" else b1.GetNoDataValueAsInt64()
        if got is None or int(got) != wi:
            problems.append("nodata %r, want %d exactly" % (got, wi))
        nd = got
    elif want == "none":
        if nd is not None:
            problems.append("nodata %r, want no nodata tag" % nd)
    elif want == "nan":
        if nd is None or not np.isnan(nd):
            problems.append("nodata %r, want NaN" % nd)
    elif want != "any":
        ok = nd is not None and (np.float32(nd) == np.float32(want) if case.get("nodata_as_f32") else nd == want)
        if not ok:
            problems.append("nodata %r, want %r" % (nd, want))
    for k in obands[1:]:
        bk = ds.GetRasterBand(k)
        other = bk.GetNoDataValueAsInt64() if t == "Int64" else bk.GetNoDataValueAsUInt64() if t == "UInt64" else bk.GetNoDataValue()
        if repr(other) != repr(nd if t not in ("Int64", "UInt64") else other if nd is None else int(nd)):
            problems.append("band %d nodata %r differs from band 1's %r" % (k, other, nd))
    # mask kind
    if case.get("out_mask") == "per_dataset":
        flags = b1.GetMaskFlags()
        if flags != gdal.GMF_PER_DATASET:
            problems.append("output mask flags %#x, want an internal per-dataset mask (GMF_PER_DATASET)" % flags)
        if os.path.exists(out + ".msk"):
            problems.append("output mask is an external .msk sidecar, want it inside the file")
    # values
    total_wrong, valid_n, empty_n, clamped_n, moved_n, raw_n = 0, 0, 0, 0, 0, 0
    for k, (want_v, want_ok) in zip(obands, res):
        got, got_ok = read_band(ds, k)
        valid_n += int(want_ok.sum())
        empty_n += int((~want_ok).sum())
        bad = got_ok != want_ok
        if bad.any():
            total_wrong += int(bad.sum())
            problems.append("band %d: %d pixels valid in the output but in no input, %d valid in an input but not in the output: %s" % (
                k, int((got_ok & ~want_ok).sum()), int((~got_ok & want_ok).sum()),
                fmt_pixels(bad, want_ok, got_ok, got, names=("want_valid", "got_valid", "value"))))
        both = got_ok & want_ok
        if got.dtype.kind == "f":
            if got.dtype == np.float32:
                w = want_v.astype(np.float32)
                ok = (got == w) | (got == np.nextafter(w, np.float32(np.inf))) | (got == np.nextafter(w, np.float32(-np.inf)))
            else:
                ok = np.isclose(got, want_v, rtol=1e-12, atol=0)
        else:
            g = got.astype(np.float64)
            cands = int_candidates(want_v, got.dtype, nd)
            ok = np.zeros(got.shape, bool)
            for c in cands:
                ok |= g == c
            info_ = np.iinfo(got.dtype)
            with np.errstate(invalid="ignore"):
                r = np.floor(want_v + 0.5)
                clamped_n += int((want_ok & ((r < info_.min) | (r > info_.max))).sum())
                raw_n += int((want_ok & ((want_v < info_.min) | (want_v > info_.max))).sum())
                if nd is not None:
                    moved_n += int((want_ok & (np.clip(r, info_.min, info_.max) == float(nd))).sum())
        wrong = both & ~ok
        if wrong.any():
            total_wrong += int(wrong.sum())
            problems.append("band %d: %d of %d valid pixels hold a wrong value: %s" % (
                k, int(wrong.sum()), int(both.sum()), fmt_pixels(wrong, want_v, got, names=("want", "got"))))
        if case.get("out_mask") == "alpha" and k == obands[0]:
            a = ds.GetRasterBand(ds.RasterCount)
            if a.GetColorInterpretation() != gdal.GCI_AlphaBand:
                problems.append("last output band is not alpha")
            else:
                av = a.ReadAsArray() != 0
                if not np.array_equal(av, want_ok):
                    problems.append("alpha band: %d pixels wrong: %s" % (int((av != want_ok).sum()),
                                    fmt_pixels(av != want_ok, want_ok, av, names=("want_valid", "alpha_nonzero"))))
    if valid_n == 0:
        problems.append("fixture defect: no valid pixel")
    nums = numbers_in(stderr)
    if case.get("stderr_empty_count"):
        if empty_n == 0:
            problems.append("fixture defect: no empty pixel")
        elif empty_n not in nums:
            problems.append("stderr does not give the %d empty pixels: %r" % (empty_n, stderr.strip()[-300:]))
    if case.get("stderr_clamp_count"):
        if clamped_n == 0:
            problems.append("fixture defect: nothing out of range")
        elif not nums & {clamped_n, raw_n, moved_n or -1}:
            problems.append("stderr does not give the %d out-of-range results (%d before rounding, %d moved off nodata): %r" % (
                clamped_n, raw_n, moved_n, stderr.strip()[-300:]))
    info.append("%d valid, %d empty pixels, %d wrong; nodata %r" % (valid_n, empty_n, total_wrong, nd))
    if clamped_n:
        info.append("%d out of range, %d moved off nodata" % (clamped_n, moved_n))
    return problems, "; ".join(info)


def judge_safe(case, out, rc, stderr):
    try:
        return judge(case, out, rc, stderr)
    except Exception as e:  # a file GDAL cannot read is a failure, not a crash
        return ["GDAL could not check the output: %s: %s" % (type(e).__name__, e)], ""


NP = {"Byte": np.uint8, "UInt16": np.uint16, "Int16": np.int16, "Int64": np.int64, "UInt64": np.uint64,
      "Float32": np.float32, "Float64": np.float64}


def ideal(case, out, corrupt=False):
    """Write the output a correct gomean would write (GDAL-made), or one
    with a single wrong valid pixel; return the stderr it would print."""
    res, gt, srs, dss = expected(case)
    t = out_type(case)
    want = case.get("out_nodata", "any")
    nd = None
    if "out_nodata_int" in case:
        nd = int(case["out_nodata_int"])
    elif want == "nan":
        nd = float("nan")
    elif want == "any" and case.get("out_mask") is None:
        nd = 255.0 if t == "Byte" else -9999.0
    elif want not in ("any", "none"):
        nd = want
    alpha = case.get("out_mask") == "alpha"
    opts = ["PHOTOMETRIC=RGB", "ALPHA=YES"] if alpha else []
    ds = gdal.GetDriverByName("GTiff").Create(out, W(res), H(res), len(res) + alpha, gdal.GetDataTypeByName(t), opts)
    if gt is not None:
        ds.SetGeoTransform(gt)
    if srs is not None:
        ds.SetSpatialRef(srs)
    empty = clamped = 0
    for k, (v, ok) in enumerate(res):
        empty += int((~ok).sum())
        b = ds.GetRasterBand(k + 1)
        if np.dtype(NP[t]).kind == "f":
            a = np.where(ok, v, np.nan if nd is None else nd)
        else:
            info = np.iinfo(NP[t])
            with np.errstate(invalid="ignore"):
                r = np.floor(np.where(ok, v, 0) + 0.5)
            clamped += int((ok & ((r < info.min) | (r > info.max))).sum())
            r = np.clip(r, info.min, info.max)
            if nd is not None:
                r = np.where(r == nd, nd - 1 if nd > info.min else nd + 1, r)
            a = np.where(ok, r, 0 if nd is None else nd)
            if t in ("Int64", "UInt64"):
                a = np.array([[int(x) for x in row] for row in a.tolist()], dtype=object)
                a = np.where(ok, a, nd if nd is not None else 0).astype(NP[t])
        a = np.asarray(a).astype(NP[t])
        if corrupt and k == 0:
            y, x = np.argwhere(ok)[len(np.argwhere(ok)) // 2]
            a[y, x] = a[y, x] - 7 if a[y, x] >= 7 else a[y, x] + 7
        b.WriteArray(a)
        if nd is not None:
            if t == "Int64":
                b.SetNoDataValueAsInt64(nd)
            elif t == "UInt64":
                b.SetNoDataValueAsUInt64(nd)
            else:
                b.SetNoDataValue(nd)
    if alpha:
        ds.GetRasterBand(len(res) + 1).WriteArray(np.where(res[0][1], 255, 0).astype(np.uint8))
    if case.get("out_mask") == "per_dataset":
        gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().WriteArray(np.where(res[0][1], 255, 0).astype(np.uint8))
        gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", None)
    ds = None
    return "warning: %d pixels have no valid input\nwarning: %d results out of range\n" % (empty, clamped)


def W(res):
    return res[0][0].shape[1]


def H(res):
    return res[0][0].shape[0]


def selftest():
    """The checker must pass what a correct gomean writes and fail a single
    wrong pixel, a missing warning and a wrongly accepted refusal."""
    cases = load_cases()
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        for n, c in cases.items():
            out = os.path.join(d, n + ".tif")
            if "refuse" in c:
                good = judge_safe(c, out, 1, "gomean: inputs differ in CRS; 47 pixels empty")[0]
                wrong = judge_safe(c, out, 0, "")[0]
                verdicts = [("correct refusal", good, False), ("exit 0", wrong, True)]
            else:
                stderr = ideal(c, out)
                good = judge_safe(c, out, 0, stderr)[0]
                verdicts = [("ideal output", good, False)]
                if c.get("stderr_empty_count") or c.get("stderr_clamp_count"):
                    verdicts.append(("no warning", judge_safe(c, out, 0, "")[0], True))
                os.remove(out)
                ideal(c, out, corrupt=True)
                verdicts.append(("one wrong pixel", judge_safe(c, out, 0, stderr)[0], True))
                for f in os.listdir(d):
                    os.remove(os.path.join(d, f))
            for what, probs, want_fail in verdicts:
                if bool(probs) != want_fail:
                    bad += 1
                    print("SELFTEST FAIL %s, %s: %s" % (n, what, probs or "passed, want a failure"))
    print("selftest: %d of %d cases judged as designed" % (len(cases) - bad, len(cases)) if not bad else
          "selftest: %d wrong judgements" % bad)
    return 1 if bad else 0


def command(case, gomean, out):
    return [gomean, case["op"], "-o", out] + case["args"] + [os.path.join(HERE, f) for f in case["inputs"]]


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        cases = load_cases()
        with open(sys.argv[2]) as fh:
            jobs = json.load(fh)
        for j in jobs:
            probs, info = judge_safe(cases[j["name"]], j["out"], j["rc"], j["stderr"])
            print(json.dumps(dict(name=j["name"], ok=not probs, problems=probs, info=info)), flush=True)
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        cases = load_cases()
        names = sys.argv[3:] or list(cases)
        failed = 0
        with tempfile.TemporaryDirectory() as d:
            for n in names:
                c = cases[n]
                out = os.path.join(d, n + ".tif")
                p = subprocess.run(command(c, sys.argv[2], out), capture_output=True, text=True)
                probs, info = judge_safe(c, out, p.returncode, p.stderr)
                print("%-30s %s  %s" % (n, "FAIL" if probs else "ok  ", info))
                for pr in probs:
                    print("    - " + pr)
                failed += bool(probs)
        print("%d of %d cases pass" % (len(names) - failed, len(names)))
        return 1 if failed else 0
    if len(sys.argv) == 2 and sys.argv[1] == "selftest":
        return selftest()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
