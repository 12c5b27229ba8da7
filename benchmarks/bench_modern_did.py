"""Benchmark: synthetic DiD on Prop 99 and Callaway-Sant'Anna on mpdta, beside their Python ports.

Times, in one run on one machine:

* venecon :class:`~venecon.models.SyntheticDiD` against ``synthdid-py`` (a port of R
  ``synthdid``) on California Proposition 99: the point estimate (weights + ATT) and the
  placebo standard error (Algorithm 4, 200 replications by default).
* venecon :class:`~venecon.models.CallawaySantAnna` against ``csdid`` (a port of R ``did``)
  on ``mpdta``: all ATT(g,t) with analytical standard errors plus the simple and dynamic
  aggregations, for never-treated and not-yet-treated comparisons.
* the same with the covariate ``lpop`` (R's ``xformla = ~lpop``): ``est_method="dr"``
  (``DRDID::drdid_panel``, R ``did``'s default) against ``csdid`` and ``moderndid``, and
  ``est_method="dr-imp"`` (``DRDID::drdid_imp_panel``) against ``moderndid`` running its
  ``att_gt`` with its ``drdid_imp_panel``. These rows are CPU time (``time.process_time``)
  with BLAS held to one thread (``threadpoolctl``), the contenders interleaved in each
  repeat, and the ratio is peer / venecon.

and checks that both libraries give the same numbers. Neither peer is used by venecon
itself (``pip install synthdid-py csdid moderndid``; all are in the ``test`` extra).

Run as a script (it is not a test and is not collected by pytest)::

    python benchmarks/bench_modern_did.py [--repeat N] [--placebo-reps R] [--peer-placebo-reps K]

``--peer-placebo-reps K`` times synthdid-py's placebo loop on K replications only and
extrapolates to R (its loop refits one replication at a time, about 0.5 s each); the
default runs all R. Data come from ``$VENECON_TEST_DATA`` (``synth-reference/`` and
``did-reference/``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd


def _median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def bench_sdid(path: Path, repeat: int, reps: int, peer_reps: int | None) -> list[dict]:
    from synthdid import panel_matrices, synthdid_estimate
    from synthdid.vcov import placebo_se

    from venecon.models import SyntheticDiD

    df = pd.read_csv(path, sep=";")
    kw = dict(outcome="PacksPerCapita", unit="State", time="Year", treated="treated")
    rows = []
    t_v, res = _median_time(lambda: SyntheticDiD(df, se="none", **kw).fit(), repeat)

    def peer_fit():
        panel = panel_matrices(df, unit="State", time="Year", outcome="PacksPerCapita",
                               treatment="treated")
        return synthdid_estimate(panel.Y, panel.N0, panel.T0)

    t_p, est = _median_time(peer_fit, repeat)
    rows.append({"workload": "SDID Prop 99: weights + ATT", "venecon_s": t_v, "peer": "synthdid-py",
                 "peer_s": t_p, "venecon": res.params["att"], "peer_value": float(est)})
    t_v, res = _median_time(lambda: SyntheticDiD(df, replications=reps, seed=0, **kw).fit(), 1)
    k = reps if peer_reps is None else min(peer_reps, reps)
    t = time.perf_counter()
    se_peer = placebo_se(est, k, 0)
    t_p = (time.perf_counter() - t) * reps / k
    rows.append({"workload": f"SDID Prop 99: + placebo SE ({reps} reps)", "venecon_s": t_v,
                 "peer": "synthdid-py" + ("" if k == reps else f" ({k} reps, extrapolated)"),
                 "peer_s": t_p, "venecon": res.std_errors["att"],
                 "peer_value": se_peer if k == reps else float("nan")})
    return rows


def bench_cs(path: Path, repeat: int) -> list[dict]:
    from csdid.att_gt import ATTgt

    from venecon.models import CallawaySantAnna

    df = pd.read_csv(path)
    rows = []
    for group, peer_group in (("never", "nevertreated"), ("notyet", "notyettreated")):
        def ours(group=group):
            res = CallawaySantAnna(df, outcome="lemp", unit="countyreal", time="year",
                                   cohort="first.treat", control_group=group).fit()
            return res, res.aggregate("simple"), res.aggregate("dynamic")

        def peer(peer_group=peer_group):
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                            xformla=None, data=df, control_group=peer_group).fit(
                    est_method="dr", bstrap=False)
                fit.aggte(typec="simple", bstrap=False, cband=False)
                simple = fit.atte["overall_att"]
                fit.aggte(typec="dynamic", bstrap=False, cband=False)
            return simple

        t_v, (res, simple, _) = _median_time(ours, repeat)
        t_p, peer_simple = _median_time(peer, repeat)
        rows.append({"workload": f"CS mpdta ({group}): ATT(g,t) + simple + dynamic",
                     "venecon_s": t_v, "peer": "csdid", "peer_s": t_p,
                     "venecon": simple.params["att"], "peer_value": float(peer_simple)})
    return rows


def bench_cs_covariates(path: Path, repeat: int) -> list[dict]:
    """CS on mpdta with ``lpop``: ATT(g,t) + simple + dynamic, CPU time, one BLAS thread."""
    from csdid.att_gt import ATTgt
    from moderndid import aggte, att_gt
    from moderndid.drdid.estimators.drdid_imp_panel import drdid_imp_panel
    from threadpoolctl import threadpool_limits

    from venecon.models import CallawaySantAnna

    df = pd.read_csv(path)

    def ours(method):
        res = CallawaySantAnna(df, outcome="lemp", unit="countyreal", time="year",
                               cohort="first.treat", covariates=["lpop"], est_method=method).fit()
        res.aggregate("dynamic")
        return res.aggregate("simple").params["att"]

    def csdid_dr():
        with contextlib.redirect_stdout(io.StringIO()):
            fit = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                        xformla="lemp~lpop", data=df, control_group="nevertreated").fit(
                est_method="dr", bstrap=False)
            fit.aggte(typec="simple", bstrap=False, cband=False)
            simple = fit.atte["overall_att"]
            fit.aggte(typec="dynamic", bstrap=False, cband=False)
        return simple

    def improved(y1, y0, d, covariates, i_weights, influence_func):
        return drdid_imp_panel(y1=y1, y0=y0, d=d, covariates=covariates, i_weights=i_weights,
                               influence_func=True)

    def moderndid(method):
        fit = att_gt(df, yname="lemp", tname="year", idname="countyreal", gname="first.treat",
                     xformla="~lpop", est_method=method, boot=False)
        aggte(fit, type="dynamic", boot=False, cband=False)
        return aggte(fit, type="simple", boot=False, cband=False).overall_att

    contenders = {
        "dr": {"venecon": lambda: ours("dr"), "csdid": csdid_dr,
               "moderndid": lambda: moderndid("dr")},
        "dr-imp": {"venecon": lambda: ours("dr-imp"),
                   "moderndid": lambda: moderndid(improved)},
    }
    rows = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method, funcs in contenders.items():
            names = list(funcs)
            values = {name: funcs[name]() for name in names}  # warm-up: imports, caches
            cpu = {name: [] for name in names}
            for r in range(repeat):
                for name in names[r % len(names):] + names[:r % len(names)]:
                    t = time.process_time()
                    values[name] = funcs[name]()
                    cpu[name].append(time.process_time() - t)
            base = statistics.median(cpu["venecon"])
            for name in names[1:]:
                rows.append({"workload": f"CS mpdta + lpop ({method}): ATT(g,t) + simple + dyn.",
                             "venecon_s": base, "peer": f"{name} (CPU, 1 BLAS thread)",
                             "peer_s": statistics.median(cpu[name]),
                             "venecon": float(values["venecon"]),
                             "peer_value": float(values[name])})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--placebo-reps", type=int, default=200)
    parser.add_argument("--peer-placebo-reps", type=int, default=None)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("VENECON_TEST_DATA", ".")))
    parser.add_argument("--only-covariates", action="store_true",
                        help="run only the CS-with-covariates rows")
    args = parser.parse_args()
    if args.only_covariates:
        rows = bench_cs_covariates(args.data / "did-reference" / "mpdta.csv", args.repeat)
        _print(rows, args.repeat)
        return
    rows = bench_sdid(args.data / "synth-reference" / "california_prop99_synthdid.csv",
                      args.repeat, args.placebo_reps, args.peer_placebo_reps)
    rows += bench_cs(args.data / "did-reference" / "mpdta.csv", args.repeat)
    rows += bench_cs_covariates(args.data / "did-reference" / "mpdta.csv", args.repeat)
    _print(rows, args.repeat)


def _print(rows: list[dict], repeat: int) -> None:
    print(f"{platform.platform()}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} cores; median of {repeat} runs (placebo: 1 run)")
    print(f"{'workload':52} {'venecon':>9} {'peer':>9} {'ratio':>7}  value (venecon / peer)")
    for r in rows:
        print(f"{r['workload']:52} {r['venecon_s']:8.3f}s {r['peer_s']:8.3f}s "
              f"{r['peer_s'] / r['venecon_s']:6.1f}x  {r['venecon']:.6f} / {r['peer_value']:.6f}"
              f"  [{r['peer']}]")


if __name__ == "__main__":
    main()
