"""Benchmark: Basque Country synthetic control, one nested fit plus all 17 placebos.

Compares venecon's :class:`~venecon.models.SyntheticControl` with pysyncon
(``pip install pysyncon``; used here only, never by venecon) on the same
specification (Abadie and Gardeazabal 2003, as in
``shared/research/synth_references.md``: Nelder-Mead from equal V, fit window
1960-1969) and the same machine, in one run, and checks that the treated
unit's weights agree to within 0.001.

Run as a script (it is not a test and is not collected by pytest)::

    python benchmarks/bench_synth_basque.py [--data PATH] [--n-jobs N] [--skip-pysyncon]
        [--pysyncon-placebos K]

``--data`` defaults to ``$VENECON_TEST_DATA/synth-reference/basque.csv``.
``--pysyncon-placebos K`` times pysyncon's placebos on the first K donors only
and reports the per-placebo time and the extrapolation to all 17 separately
(pysyncon's full loop can take a long time); the default runs all of them.
Both libraries use ``n_jobs`` processes for the placebo loop.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

# One definition of the specification, shared with the pytest-benchmark workloads.
from workloads import BASQUE_TREATED as TREATED  # noqa: E402
from workloads import SCHOOL, SECTORS, basque_model  # noqa: E402


def load(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path)
    df["year"] = df["year"].astype(int)
    return df


def run_venecon(df: pd.DataFrame, n_jobs: int) -> dict:
    t = time.perf_counter()
    model = basque_model(df)
    res = model.fit()
    t_fit = time.perf_counter() - t
    placebo = res.placebo(n_jobs=n_jobs)
    t_all = time.perf_counter() - t
    return {
        "fit": t_fit,
        "total": t_all,
        "weights": res.weights,
        "pvalue": placebo.pvalue,
        "loss": res.statistics["mspe_fit"],
    }


def run_pysyncon(df: pd.DataFrame, n_jobs: int, n_placebos: int | None) -> dict:
    from pysyncon import Dataprep, Synth
    from pysyncon.utils import PlaceboTest

    units = sorted(set(df["regionname"]) - {TREATED})
    df = df.copy()
    df["year"] = df["year"].astype(float)

    def dataprep(controls: list[str], treated: str = TREATED) -> Dataprep:
        return Dataprep(
            foo=df,
            predictors=SCHOOL,
            predictors_op="mean",
            time_predictors_prior=range(1964, 1970),
            special_predictors=[("gdpcap", range(1960, 1970), "mean")]
            + [(s, range(1961, 1970, 2), "mean") for s in SECTORS]
            + [("popdens", [1969], "mean")],
            dependent="gdpcap",
            unit_variable="regionname",
            time_variable="year",
            treatment_identifier=treated,
            controls_identifier=controls,
            time_optimize_ssr=range(1960, 1970),
        )

    options = {"optim_method": "Nelder-Mead", "optim_initial": "equal"}
    t = time.perf_counter()
    synth = Synth()
    synth.fit(dataprep=dataprep(units), **options)
    t_fit = time.perf_counter() - t
    out = {"fit": t_fit, "weights": synth.weights(round=9).reindex(units), "loss": synth.loss_V}
    t = time.perf_counter()
    if n_placebos is None:
        PlaceboTest().fit(
            dataprep=dataprep(units),
            scm=Synth(),
            scm_options=options,
            max_workers=n_jobs,
            verbose=False,
        )
        out["placebos"] = time.perf_counter() - t
        out["total"] = t_fit + out["placebos"]
        out["extrapolated"] = False
    else:  # a subset of placebo fits, serially, one per donor as treated unit
        for treated in units[:n_placebos]:
            Synth().fit(dataprep=dataprep([u for u in units if u != treated], treated), **options)
        per = (time.perf_counter() - t) / n_placebos
        out["per_placebo"] = per
        out["placebos"] = per * len(units) / n_jobs
        out["total"] = t_fit + out["placebos"]
        out["extrapolated"] = True
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = (
        Path(os.environ.get("VENECON_TEST_DATA", "../shared/raw"))
        / "synth-reference"
        / "basque.csv"
    )
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--skip-pysyncon", action="store_true")
    parser.add_argument("--pysyncon-placebos", type=int, default=None)
    args = parser.parse_args()
    df = load(args.data)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}"
    )
    print(f"n_jobs for placebo loops: {args.n_jobs}")
    ve = run_venecon(df, args.n_jobs)
    w = ve["weights"]
    print(
        f"venecon : fit {ve['fit']:.2f} s, fit + 17 placebos {ve['total']:.2f} s, "
        f"fit-window MSPE {ve['loss']:.6g}, placebo p {ve['pvalue']:.3f}"
    )
    print("          weights:", w[w > 1e-4].round(4).to_dict())
    if args.skip_pysyncon:
        return
    ps = run_pysyncon(df, args.n_jobs, args.pysyncon_placebos)
    pw = ps["weights"]
    print(
        f"pysyncon: fit {ps['fit']:.2f} s, fit + 17 placebos {ps['total']:.2f} s"
        + (
            f" (placebos extrapolated from {args.pysyncon_placebos}"
            f" at {ps['per_placebo']:.1f} s each)"
            if ps["extrapolated"]
            else ""
        )
        + f", fit-window MSPE {ps['loss']:.6g}"
    )
    print("          weights:", pw[pw > 1e-4].round(4).to_dict())
    diff = float(np.max(np.abs(w.reindex(pw.index).to_numpy() - pw.to_numpy())))
    print(f"max |weight difference| = {diff:.2e} ({'OK' if diff <= 1e-3 else 'ABOVE'} 0.001)")
    print(
        f"speed-up: fit x{ps['fit'] / ve['fit']:.1f}, "
        f"fit + placebos x{ps['total'] / ve['total']:.1f}"
    )


if __name__ == "__main__":
    main()
