"""Panel estimators against pyfixest: CPU ratios and peak memory, measured in one run.

    python benchmarks/bench_panel.py [--sizes 1000x30 3000x30] [--repeat 7] [--json out.json]
        [--blas-threads 1]

Workloads (simulated balanced panels, :func:`simulated_staggered`: three treated
cohorts first treated in periods 10, 16 and 22 plus never-treated units, in equal
expected shares; dynamic effects; 30 periods gives 87 cohort x relative-period cells):

* ``sun_abraham``: ``venecon.models.SunAbraham(...).fit()`` (saturated regression,
  clustered covariance, interaction-weighted event-time aggregates and ATT) against
  ``pyfixest.event_study(..., estimator="saturated", att=False)`` followed by
  ``.aggregate()`` (the same saturated regression with CRV1 errors and the same
  cohort-share aggregation).
* ``event_study``: ``venecon.models.PanelEventStudy(...).fit()`` (window -5..10,
  binned ends, reference -1) against ``pyfixest.feols("y ~ i(relb, ref=-1) | unit + t",
  vcov={"CRV1": "unit"})`` on the same binned event time (never-treated units are
  given the reference value, so all their indicators are 0).

CPU: one fresh process per workload and size imports both libraries, runs each
side once (warm-up, and checks that the coefficients agree), then alternates
venecon and pyfixest ``--repeat`` times, timing each call with
``time.process_time()`` (CPU of all the process's threads, so BLAS or Rust threads
count). Reported: median CPU of each side and the min / median / max of the
per-pair ratios venecon / pyfixest. Memory: one fresh process per side, workload
and size builds the data, runs the fit once and reports ``ru_maxrss`` (peak
resident set of the whole process, interpreter and libraries included) and its
increase over the process's peak before the fit.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COHORTS = (10, 16, 22)
WINDOW = (-5, 10)


def simulated_staggered(n_units: int, n_periods: int = 30, seed: int = 0,
                        cohorts: tuple[int, ...] = COHORTS) -> Any:
    """Balanced panel ``unit, t, y, cohort`` (cohort NaN = never treated) with dynamic effects."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    groups = np.array([*cohorts, np.nan], dtype="float64")
    cohort = np.repeat(groups[rng.integers(0, len(groups), n_units)], n_periods)
    unit = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(1, n_periods + 1), n_units)
    rel = t - cohort
    effect = np.where(rel >= 0, (rel + 1) * 0.1 * (1 + np.nan_to_num(cohort) / n_periods), 0.0)
    y = (np.repeat(rng.normal(size=n_units), n_periods) + 0.05 * t + effect
         + rng.normal(size=unit.size))
    return pd.DataFrame({"unit": unit, "t": t, "y": y, "cohort": cohort})


# --------------------------------------------------------------------------- the four sides


def venecon_sun_abraham(df: Any) -> Callable[[], Any]:
    from venecon.models import SunAbraham

    def run() -> Any:
        res = SunAbraham(df, outcome="y", cohort="cohort", entity="unit", time="t").fit()
        ce = res.cohort_effects
        return {(int(e), int(r)): v for e, r, v in zip(ce["cohort"], ce["rel"], ce["estimate"],
                                                       strict=True)}
    return run


def pyfixest_sun_abraham(df: Any) -> Callable[[], Any]:
    import pyfixest as pf

    data = df.assign(cohort=df["cohort"].fillna(0))  # pyfixest codes never treated as 0
    pattern = re.compile(r"::(-?[\d.]+):.+::(-?[\d.]+)$")

    def run() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "SaturatedEventStudyClass is currently in beta"
            fit = pf.event_study(data, yname="y", idname="unit", tname="t", gname="cohort",
                                 estimator="saturated", att=False)
            fit.aggregate()
        out = {}
        for name, value in fit.coef().items():
            rel, cohort = pattern.search(name).groups()
            out[(int(float(cohort)), int(float(rel)))] = value
        return out
    return run


def venecon_event_study(df: Any) -> Callable[[], Any]:
    from venecon.models import PanelEventStudy

    def run() -> Any:
        res = PanelEventStudy(df, outcome="y", cohort="cohort", entity="unit", time="t",
                              window=WINDOW, reference=-1, endpoints="bin").fit()
        et = res.event_time
        return {int(k): v for k, v in et["estimate"].items() if k != -1}
    return run


def pyfixest_event_study(df: Any) -> Callable[[], Any]:
    import pyfixest as pf

    rel = (df["t"] - df["cohort"]).clip(*WINDOW).fillna(-1)
    data = df.assign(relb=rel)
    pattern = re.compile(r"::(-?[\d.]+)$")

    def run() -> Any:
        fit = pf.feols("y ~ i(relb, ref=-1) | unit + t", data=data, vcov={"CRV1": "unit"})
        return {int(float(pattern.search(n).group(1))): v for n, v in fit.coef().items()}
    return run


def feols_saturated(df: Any) -> Callable[[], Any]:
    """The Sun-Abraham saturated regression as one plain ``pyfixest.feols`` call.

    One indicator per treated cohort and relative period (reference -1 omitted, never
    treated units all at the reference): ``feols("y ~ i(cell, ref='ref') | unit + t")``
    with CRV1 errors by unit; the coefficients are venecon's ``cohort_effects``.
    """
    import numpy as np
    import pyfixest as pf

    cohort = df["cohort"].where(df["cohort"] <= df["t"].max())  # treated after the sample: never
    rel = df["t"] - cohort
    treated = cohort.notna() & (rel != -1)
    cell = np.where(treated, cohort.fillna(0).astype(int).astype(str) + "|"
                    + rel.fillna(0).astype(int).astype(str), "ref")
    data = df.assign(cell=cell)
    pattern = re.compile(r"::(-?\d+)\|(-?\d+)$")

    def run() -> Any:
        fit = pf.feols("y ~ i(cell, ref='ref') | unit + t", data=data, vcov={"CRV1": "unit"})
        out = {}
        for name, value in fit.coef().items():
            e, r = pattern.search(name).groups()
            out[(int(e), int(r))] = value
        return out
    return run


PAIRS: dict[str, tuple[Callable, Callable]] = {
    "sun_abraham": (venecon_sun_abraham, pyfixest_sun_abraham),
    "sun_abraham_feols": (venecon_sun_abraham, feols_saturated),
    "event_study": (venecon_event_study, pyfixest_event_study),
}


# --------------------------------------------------------------------------- child processes


def cpu_child(pair: str, n_units: int, n_periods: int, repeat: int) -> dict[str, Any]:
    """Interleaved CPU times of both sides in this process, and their coefficient agreement."""
    import pyfixest  # noqa: F401 - both libraries imported before any timing

    import venecon.models  # noqa: F401

    df = simulated_staggered(n_units, n_periods)
    ours, theirs = (make(df) for make in PAIRS[pair])
    a, b = ours(), theirs()  # warm-up (lazy imports, compiled code) and agreement check
    if set(a) != set(b):
        raise SystemExit(f"{pair}: different coefficients: {sorted(set(a) ^ set(b))[:5]}")
    diff = max(abs(a[key] - b[key]) for key in a)
    times_v, times_p = [], []
    for _ in range(repeat):
        for run, sink in ((ours, times_v), (theirs, times_p)):
            start = time.process_time()
            run()
            sink.append(time.process_time() - start)
    return {"venecon_cpu": times_v, "pyfixest_cpu": times_p, "coefficients": len(a),
            "max_abs_coef_diff": diff}


def memory_child(pair: str, side: int, n_units: int, n_periods: int) -> dict[str, Any]:
    """Peak RSS of a process that builds the data and fits once."""
    import resource

    if side == 0:
        import venecon.models.did.sun_abraham  # noqa: F401
    else:
        import pyfixest  # noqa: F401
    df = simulated_staggered(n_units, n_periods)
    run = PAIRS[pair][side](df)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    run()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_rss_mib": after, "increase_mib": after - before}


#: Set by ``--blas-threads``: the BLAS thread count of every child process (both sides).
CHILD_ENV: dict[str, str] = {}


def _spawn(*args: str) -> dict[str, Any]:
    import os

    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                         text=True, check=False, env={**os.environ, **CHILD_ENV})
    lines = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
    if out.returncode or not lines:
        raise RuntimeError(f"child {args} failed:\n{out.stderr[-2000:]}")
    return json.loads(lines[-1][7:])


def measure(pair: str, n_units: int, n_periods: int, repeat: int) -> dict[str, Any]:
    cpu = _spawn("cpu", pair, str(n_units), str(n_periods), str(repeat))
    ratios = [v / p for v, p in zip(cpu["venecon_cpu"], cpu["pyfixest_cpu"], strict=True)]
    mem = [_spawn("memory", pair, str(side), str(n_units), str(n_periods)) for side in (0, 1)]
    return {
        "pair": pair, "units": n_units, "periods": n_periods, "repeat": repeat,
        "venecon_cpu_median_s": statistics.median(cpu["venecon_cpu"]),
        "pyfixest_cpu_median_s": statistics.median(cpu["pyfixest_cpu"]),
        "ratio_min": min(ratios), "ratio_median": statistics.median(ratios),
        "ratio_max": max(ratios), "coefficients": cpu["coefficients"],
        "max_abs_coef_diff": cpu["max_abs_coef_diff"],
        "venecon_peak_rss_mib": mem[0]["peak_rss_mib"], "venecon_fit_mib": mem[0]["increase_mib"],
        "pyfixest_peak_rss_mib": mem[1]["peak_rss_mib"], "pyfixest_fit_mib": mem[1]["increase_mib"],
        "blas_threads": CHILD_ENV.get("OPENBLAS_NUM_THREADS", "default"), "raw": cpu,
    }


# --------------------------------------------------------------------------- run_benchmarks.py


def prepare_panel(pair: str, side: str, n_units: int, n_periods: int = 30) -> Callable[[], Any]:
    """A workload for ``run_benchmarks.py``: one side of a pair on a simulated panel."""
    df = simulated_staggered(n_units, n_periods)
    return PAIRS[pair][0 if side == "venecon" else 1](df)


WORKLOADS: dict[str, Callable[..., Callable[[], Any]]] = {"panel": prepare_panel}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, pair, *nums = sys.argv[2:]
        if kind == "cpu":
            out = cpu_child(pair, int(nums[0]), int(nums[1]), int(nums[2]))
        else:
            out = memory_child(pair, int(nums[0]), int(nums[1]), int(nums[2]))
        print("RESULT " + json.dumps(out))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1000x30", "3000x30"],
                        help="units x periods (default: 1000x30 3000x30)")
    parser.add_argument("--pairs", nargs="*", default=list(PAIRS), choices=list(PAIRS))
    parser.add_argument("--repeat", type=int, default=7, help="interleaved pairs (default 7)")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--blas-threads", type=int,
                        help="OpenBLAS/MKL/OpenMP threads in the measured processes (default: "
                             "the libraries' own, one per core)")
    args = parser.parse_args()
    if args.blas_threads:
        CHILD_ENV.update({v: str(args.blas_threads) for v in
                          ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")})
    results = []
    print(f"{'workload':26} {'venecon s':>9} {'pyfixest s':>10} {'ratio min/med/max':>20} "
          f"{'max|dcoef|':>10} {'venecon MiB':>11} {'pyfixest MiB':>12}")
    for pair in args.pairs:
        for size in args.sizes:
            n_units, n_periods = (int(v) for v in size.lower().split("x"))
            r = measure(pair, n_units, n_periods, args.repeat)
            results.append(r)
            print(f"{pair + ' ' + size:26} {r['venecon_cpu_median_s']:9.3f} "
                  f"{r['pyfixest_cpu_median_s']:10.3f} "
                  f"{r['ratio_min']:6.2f}/{r['ratio_median']:.2f}/{r['ratio_max']:.2f}      "
                  f"{r['max_abs_coef_diff']:10.1e} {r['venecon_peak_rss_mib']:11.0f} "
                  f"{r['pyfixest_peak_rss_mib']:12.0f}", flush=True)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
