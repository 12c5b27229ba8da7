"""Synthetic control beside its peers and the numpy floor, in one run, interleaved.

Two workloads, each timed for every implementation in the same process, with
the implementations interleaved (repeat ``r`` runs all of them, in an order
rotated by ``r``), so a machine that is busier in one minute than the next
loads every contender alike. The time is CPU time (``time.process_time`` of
this process plus that of child processes it waited for, e.g. pysyncon's
process pool) and wall time; each ratio is *contender / venecon* within one
repeat, summarised as min / median / max over the repeats.

1. **Proposition 99, outcome-only, fit + 38 placebos** (ADH 2010 panel as
   shipped with R synthdid; 39 states, 1970-2000, treatment 1989). Every
   implementation starts from the long CSV frame and returns California's
   weights and the placebo-in-space p-value (post/pre MSPE ratio rank):

   - venecon: ``SyntheticControl(..., v="equal", scale=False).fit(placebo=True)``
     (predictors = every pre-period outcome, unscaled: the pre-period-MSPE fit);
   - exact floor: a minimal numpy/scipy loop: one pivot, then for each of the 39
     units one ``scipy.optimize.nnls`` on the augmented system ``[A - b 1'; 1'] u =
     [0; 1]``, ``w = u / 1'u`` (exact, no penalty constant) and the MSPE ratios;
   - the older floor: the same loop with ``[A; M 1'] w = [b; M]`` (the simplex
     equality as a heavily weighted row, M = 1e4; inexact by about 1/M);
   - mlsynth ``VanillaSC`` (``backend="outcome-only"``, ``inference="placebo"``);
   - scpi ``scdata`` + ``scest`` (``w_constr={"name": "simplex"}``) for the
     treated unit and each placebo (scpi has no placebo loop of its own);
     scpi-pkg 4.0.0 fails inside ``scdata`` under pandas 3 and is then reported
     as failed.

2. **Basque Country, nested V, fit + all 17 placebos** (Abadie and Gardeazabal
   2003, ``tests/synth_specs.py``): venecon against pysyncon (Nelder-Mead from
   equal V, one process each), weights compared (target: within 1e-3).

3. **Kansas, ridge augmented SC** (Ben-Michael, Feller and Rothstein 2021; the augsynth
   vignette, ``augsynth-kansas/kansas.csv``, log GDP per capita, treated 2012Q2): venecon
   ``AugmentedSynthControl`` (ridge penalty by leave-one-period-out CV, 1-SE rule) against
   mlsynth ``VanillaSC`` with ``augment="ridge"`` (the same penalty rule), weights and
   average effect compared; BLAS held to one thread (``threadpoolctl``) for both. The last
   column of its table is the average effect, not a p-value.

Run (about 10 minutes on 2 cores, dominated by pysyncon)::

    VENECON_TEST_DATA=/path/to/shared/raw python benchmarks/bench_synth_peers.py \
        [--repeats 5] [--basque-repeats 3] [--skip-basque] [--only-ascm] [--json out.json]

Peers that are not installed are reported as such and skipped.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import json
import os
import platform
import resource
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from workloads import basque_frame, basque_model, prop99_frame, prop99_model, reference_csv

import venecon

TREATED, T0 = "California", 1989


def cpu() -> float:
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + child.ru_utime + child.ru_stime


def timed(func: Callable[[], Any]) -> tuple[float, float, Any]:
    c, w = cpu(), time.perf_counter()
    out = func()
    return cpu() - c, time.perf_counter() - w, out


def _pvalue(G: np.ndarray, t0: int) -> float:
    """Placebo p-value from a (T x units) gap matrix, the treated unit first."""
    ratio = np.mean(G[t0:] ** 2, axis=0) / np.mean(G[:t0] ** 2, axis=0)
    return float(np.mean(ratio >= ratio[0]))


# --------------------------------------------------------------------------- Prop 99


def venecon_prop99(df: pd.DataFrame) -> tuple[pd.Series, float]:
    res = prop99_model(df, scale=False).fit(placebo=True)
    return res.weights, res.placebo().pvalue


def _floor_loop(df: pd.DataFrame, solve: Callable[[np.ndarray, np.ndarray], np.ndarray]
                ) -> tuple[pd.Series, float]:
    """One pivot, then ``solve(A, b)`` for each unit against the others, and the p-value."""
    wide = df.pivot(index="Year", columns="State", values="PacksPerCapita")
    units = [TREATED] + [u for u in wide.columns if u != TREATED]
    Y = wide[units].to_numpy()
    t0 = int((wide.index < T0).sum())
    gaps = np.empty_like(Y)
    w0 = None
    for j in range(Y.shape[1]):
        others = np.delete(np.arange(Y.shape[1]), j)
        w = solve(Y[:t0, others], Y[:t0, j])
        gaps[:, j] = Y[:, j] - Y[:, others] @ w
        if j == 0:
            w0 = w
    return pd.Series(w0, index=units[1:]), _pvalue(gaps, t0)


def floor_prop99(df: pd.DataFrame, M: float = 1e4) -> tuple[pd.Series, float]:
    """nnls on ``[A; M 1'] w = [b; M]``: the simplex equality as a row weighted ``M``."""
    from scipy.optimize import nnls

    return _floor_loop(df, lambda A, b: nnls(np.vstack([A, np.full(A.shape[1], M)]),
                                             np.r_[b, M])[0])


def exact_floor_prop99(df: pd.DataFrame) -> tuple[pd.Series, float]:
    """The exact floor: the simplex least squares as one nnls per unit, no penalty constant.

    ``min ||A w - b||`` over the simplex is the minimum-norm point of the columns of
    ``P = A - b 1'``; with ``u >= 0`` solving ``min ||P u||^2 + (1'u - 1)^2`` (nnls on
    ``[P; 1'] u = [0; 1]``), ``w = u / 1'u`` is that point exactly (Lawson and Hanson's
    least-distance programming through NNLS, 1974, ch. 23).
    """
    from scipy.optimize import nnls

    def solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
        P = A - b[:, None]
        u = nnls(np.vstack([P, np.ones(P.shape[1])]), np.r_[np.zeros(len(b)), 1.0])[0]
        return u / u.sum()

    return _floor_loop(df, solve)


def mlsynth_prop99(df: pd.DataFrame) -> tuple[pd.Series, float]:
    from mlsynth import VanillaSC

    data = df.assign(treat=((df["State"] == TREATED) & (df["Year"] >= T0)).astype(int))
    cfg = {
        "df": data,
        "outcome": "PacksPerCapita",
        "treat": "treat",
        "unitid": "State",
        "time": "Year",
        "backend": "outcome-only",
        "inference": "placebo",
        "display_graphs": False,
    }
    res = VanillaSC(cfg).fit()
    w = pd.Series(res.weights.donor_weights, dtype="float64")
    p = getattr(getattr(res, "inference", None), "p_value", np.nan)
    return w, float(p) if p is not None else np.nan


def scpi_prop99(df: pd.DataFrame) -> tuple[pd.Series, float]:
    from scpi_pkg.scdata import scdata
    from scpi_pkg.scest import scest

    units = [TREATED] + sorted(u for u in df["State"].unique() if u != TREATED)
    years = sorted(df["Year"].unique())
    pre = [y for y in years if y < T0]
    post = [y for y in years if y >= T0]
    wide = df.pivot(index="Year", columns="State", values="PacksPerCapita")
    gaps = np.empty((len(years), len(units)))
    w0 = None
    for j, u in enumerate(units):
        donors = [d for d in units if d != u]
        prep = scdata(
            df,
            "State",
            "Year",
            "PacksPerCapita",
            np.array(pre),
            np.array(post),
            u,
            donors,
            verbose=False,
        )
        est = scest(prep, w_constr={"name": "simplex"})
        w = est.w.to_numpy().ravel()
        gaps[:, j] = wide[u].to_numpy() - wide[donors].to_numpy() @ w
        if j == 0:
            w0 = pd.Series(w, index=[str(i).split(",")[-1].strip("' )") for i in est.w.index])
    return w0, _pvalue(gaps, len(pre))


# --------------------------------------------------------------------------- Basque


def venecon_basque(df: pd.DataFrame) -> tuple[pd.Series, float]:
    res = basque_model(df).fit(placebo=True)
    return res.weights, res.placebo().pvalue


def pysyncon_basque(df: pd.DataFrame) -> tuple[pd.Series, float]:
    from bench_synth_basque import run_pysyncon

    out = run_pysyncon(df, n_jobs=1, n_placebos=None)
    return out["weights"], np.nan


# --------------------------------------------------------------------------- driver


# --------------------------------------------------------------------------- Kansas ASCM


def kansas_frame() -> pd.DataFrame:
    root = os.environ.get("VENECON_TEST_DATA", "")
    return pd.read_csv(os.path.join(root, "augsynth-kansas", "kansas.csv"))


def venecon_ascm(df: pd.DataFrame) -> tuple[pd.Series, float]:
    from venecon.models.synth.ascm import AugmentedSynthControl

    res = AugmentedSynthControl(df, outcome="lngdpcapita", unit="state", time="year_qtr",
                                treated="Kansas", treatment_time=2012.25).fit()
    return res.weights.rename(None), float(res.att)


def mlsynth_ascm(df: pd.DataFrame) -> tuple[pd.Series, float]:
    from mlsynth import VanillaSC

    data = df[["state", "year_qtr", "lngdpcapita"]].assign(
        treat=((df["state"] == "Kansas") & (df["year_qtr"] >= 2012.25)).astype(int))
    res = VanillaSC({"df": data, "outcome": "lngdpcapita", "treat": "treat", "unitid": "state",
                     "time": "year_qtr", "backend": "outcome-only", "augment": "ridge",
                     "inference": False, "display_graphs": False}).fit()
    return pd.Series(res.weights.donor_weights, dtype="float64"), float(res.effects.att)


def installed(module: str, dist: str) -> str | None:
    try:
        __import__(module)
        return metadata.version(dist)
    except Exception:  # noqa: BLE001 - any failure means "not usable here"
        return None


def run(
    contenders: dict[str, Callable[[], tuple[pd.Series, float]]], repeats: int
) -> dict[str, Any]:
    failed = {}
    for name in list(contenders):  # warm-up: imports, caches, first-use costs
        try:
            contenders[name]()
        except Exception as exc:  # noqa: BLE001 - a peer that fails here is reported, not timed
            failed[name] = f"{type(exc).__name__}: {exc}"[:200]
            del contenders[name]
            print(f"{name} failed and is not timed: {failed[name]}", flush=True)
    names = list(contenders)
    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    results: dict[str, tuple[pd.Series, float]] = {}
    for r in range(repeats):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            c, w, out = timed(contenders[name])
            times[name].append((c, w))
            results[name] = out
    base = times["venecon"]
    summary = {}
    for name in names:
        ratios = [t[0] / b[0] for t, b in zip(times[name], base, strict=True)]
        summary[name] = {
            "cpu_s": [round(t[0], 5) for t in times[name]],
            "wall_s": [round(t[1], 5) for t in times[name]],
            "cpu_median_s": statistics.median(t[0] for t in times[name]),
            "ratio_to_venecon": {
                "min": min(ratios),
                "median": statistics.median(ratios),
                "max": max(ratios),
            },
        }
    ref_w = results["venecon"][0]
    for name in names:
        w, p = results[name]
        w = w.reindex(ref_w.index)
        summary[name]["max_weight_diff"] = float(np.nanmax(np.abs(w.to_numpy() - ref_w)))
        summary[name]["placebo_pvalue"] = p
    for name, why in failed.items():
        summary[name] = {"failed": why}
    return summary


def table(title: str, summary: dict[str, Any]) -> str:
    lines = [
        f"{title}",
        "| implementation | CPU median | contender / venecon: min | median | max | "
        f"max weight diff | {'ATT' if 'ASCM' in title else 'placebo p'} |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in summary.items():
        if "failed" in s:
            lines.append(f"| {name} | failed: {s['failed']} | | | | | |")
            continue
        r = s["ratio_to_venecon"]
        lines.append(
            f"| {name} | {s['cpu_median_s']:.4g} s | {r['min']:.2f} | {r['median']:.2f} | "
            f"{r['max']:.2f} | {s['max_weight_diff']:.1e} | {s['placebo_pvalue']:.4g} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--basque-repeats", type=int, default=3)
    parser.add_argument("--skip-basque", action="store_true")
    parser.add_argument("--ascm-repeats", type=int, default=7)
    parser.add_argument("--only-ascm", action="store_true", help="run only the Kansas ASCM rows")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    versions = {
        "venecon": venecon.__version__,  # the imported checkout, not an installed dist-info
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": installed("scipy", "scipy"),
        "mlsynth": installed("mlsynth", "mlsynth"),
        "scpi-pkg": installed("scpi_pkg", "scpi-pkg"),
        "pysyncon": installed("pysyncon", "pysyncon"),
    }
    report: dict[str, Any] = {
        "machine": f"{platform.platform()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}",
        "versions": versions,
    }
    print(report["machine"], versions, flush=True)

    if versions["mlsynth"]:
        from threadpoolctl import threadpool_limits

        kansas = kansas_frame()
        with threadpool_limits(1):
            report["kansas_ascm"] = run({"venecon": lambda: venecon_ascm(kansas),
                                         "mlsynth VanillaSC (augment='ridge')":
                                         lambda: mlsynth_ascm(kansas)}, args.ascm_repeats)
        print(table("Kansas ridge ASCM, fit (last column: average effect)",
                    report["kansas_ascm"]), flush=True)
    else:
        report["kansas_ascm"] = "mlsynth not installed"
    if args.only_ascm:
        args.skip_basque = True
    prop99 = prop99_frame(reference_csv("california_prop99_synthdid.csv"))
    contenders = {
        "venecon": lambda: venecon_prop99(prop99),
        "exact floor (nnls on the augmented simplex system)": lambda: exact_floor_prop99(prop99),
        "floor (nnls, equality row weighted 1e4)": lambda: floor_prop99(prop99),
    }
    if versions["mlsynth"]:
        contenders["mlsynth VanillaSC"] = lambda: mlsynth_prop99(prop99)
    if versions["scpi-pkg"]:
        contenders["scpi scest (simplex)"] = lambda: scpi_prop99(prop99)
    if not args.only_ascm:
        report["prop99"] = run(contenders, args.repeats)
        print(table("Prop 99 outcome-only, fit + 38 placebos", report["prop99"]), flush=True)

    if not args.skip_basque:
        basque = basque_frame()
        contenders = {"venecon": lambda: venecon_basque(basque)}
        if versions["pysyncon"]:
            contenders["pysyncon"] = lambda: pysyncon_basque(basque)
        report["basque"] = run(contenders, args.basque_repeats)
        print(table("Basque nested V, fit + 17 placebos", report["basque"]), flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2, default=str)


if __name__ == "__main__":
    main()
