"""Callaway-Sant'Anna beside csdid as the panel grows: CPU ratios and the growth slope, one run.

    VENECON_TEST_DATA=/path/to/shared/raw python benchmarks/bench_cs_scale.py \
        [--sizes 10000 100000] [--repeat 3] [--json out.json]

The panel is R ``did``'s ``mpdta`` (500 counties, 2003-2007) stacked with fresh county ids
until it has the requested number of units (each copy after the first gets N(0, 0.01^2)
noise on ``lemp`` so the copies are not identical). Both sides compute every ATT(g,t)
with never-treated comparisons and analytical standard errors plus the simple and
dynamic aggregations: venecon ``CallawaySantAnna(...).fit()`` with ``aggregate("simple")``
and ``aggregate("dynamic")``; csdid ``ATTgt(...).fit(est_method="dr", bstrap=False)`` with
``aggte(typec=..., bstrap=False, cband=False)``. venecon's uniform band (a multiplier
bootstrap csdid does not run with ``cband=False``) is computed when first read; the
``+ band`` columns time venecon with the band read as well. CPU is
``time.process_time()``; the sides alternate within each repeat; BLAS at one thread.
The slope is that of log CPU on log units between the smallest and largest size.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import math
import os
import statistics
import time
import warnings
from pathlib import Path

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")


def stacked_mpdta(path: Path, n_units: int, seed: int = 0):
    import numpy as np
    import pandas as pd

    base = pd.read_csv(path)
    per = base["countyreal"].nunique()
    rng = np.random.default_rng(seed)
    parts = []
    for r in range(-(-n_units // per)):
        d = base.copy()
        d["countyreal"] = d["countyreal"] + r * 100_000
        if r:
            d["lemp"] = d["lemp"] + rng.normal(scale=0.01, size=len(d))
        parts.append(d)
    d = pd.concat(parts, ignore_index=True)
    keep = d["countyreal"].drop_duplicates().iloc[:n_units]
    return d[d["countyreal"].isin(keep)].reset_index(drop=True)


def venecon_side(df, band: bool):
    from venecon.models import CallawaySantAnna

    res = CallawaySantAnna(df, outcome="lemp", unit="countyreal", time="year",
                           cohort="first.treat", control_group="never").fit()
    simple, dynamic = res.aggregate("simple"), res.aggregate("dynamic")
    if band:
        dynamic.band  # noqa: B018 - reading it runs the bootstrap
    return float(simple.params["att"])


def csdid_side(df):
    from csdid.att_gt import ATTgt

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                    xformla=None, data=df, control_group="nevertreated").fit(
            est_method="dr", bstrap=False)
        fit.aggte(typec="simple", bstrap=False, cband=False)
        simple = float(fit.atte["overall_att"])
        fit.aggte(typec="dynamic", bstrap=False, cband=False)
    return simple


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("VENECON_TEST_DATA", ".")))
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    path = args.data / "did-reference" / "mpdta.csv"
    rows = []
    for n in args.sizes:
        df = stacked_mpdta(path, n)
        ours, peer = venecon_side(df, False), csdid_side(df)  # warm-up and agreement
        tv, tb, tp = [], [], []
        for _ in range(args.repeat):
            for fn, sink in ((functools.partial(venecon_side, df, False), tv),
                             (functools.partial(csdid_side, df), tp),
                             (functools.partial(venecon_side, df, True), tb)):
                start = time.process_time()
                fn()
                sink.append(time.process_time() - start)
        ratios = [p / v for v, p in zip(tv, tp, strict=True)]
        ratios_band = [p / v for v, p in zip(tb, tp, strict=True)]
        rows.append({
            "units": n, "venecon_cpu": tv, "venecon_band_cpu": tb, "csdid_cpu": tp,
            "speedup_min": min(ratios), "speedup_median": statistics.median(ratios),
            "speedup_max": max(ratios), "speedup_band_median": statistics.median(ratios_band),
            "att_venecon": ours, "att_csdid": peer, "att_diff": abs(ours - peer),
        })
        print(f"{n:>7} units: venecon {statistics.median(tv):.3f} s (+ band "
              f"{statistics.median(tb):.3f} s), csdid {statistics.median(tp):.3f} s; csdid / "
              f"venecon {min(ratios):.2f} / {statistics.median(ratios):.2f} / {max(ratios):.2f} "
              f"(with band {statistics.median(ratios_band):.2f}); |dATT| {abs(ours - peer):.1e}",
              flush=True)
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        span = math.log(b["units"] / a["units"])
        for key in ("venecon_cpu", "venecon_band_cpu", "csdid_cpu"):
            slope = math.log(statistics.median(b[key]) / statistics.median(a[key])) / span
            for r in rows:
                r[f"slope_{key}"] = slope
        print(f"slope of log CPU on log units: venecon {rows[0]['slope_venecon_cpu']:.2f} "
              f"(+ band {rows[0]['slope_venecon_band_cpu']:.2f}), csdid "
              f"{rows[0]['slope_csdid_cpu']:.2f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, sort_keys=True))
    return rows


if __name__ == "__main__":
    main()
