"""The benchmarked workloads, shared by the pytest-benchmark files and ``run_benchmarks.py``.

Each ``prepare_<name>(**params)`` does the untimed set-up (reading data,
building panels) and returns a zero-argument callable that performs the
timed work once. Workloads use this repository's bundled data, the
synthetic-control reference panels (``$VENECON_TEST_DATA/synth-reference/``;
the Basque panel, Abadie and Gardeazabal 2003) and simulated panels
(:func:`venecon.models.synth.grid.simulated_panel`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# the reference specifications are defined once, in tests/synth_specs.py
sys.path.insert(0, str(ROOT / "tests"))

# re-exported for the benchmark scripts
from synth_specs import (  # noqa: E402,F401
    BASQUE_TREATED,
    SCHOOL,
    SECTORS,
    prop99_frame,
    prop99_model,
)
from synth_specs import basque_model as _basque_model  # noqa: E402


def reference_csv(name: str) -> Path:
    """A reference panel from ``$VENECON_TEST_DATA`` (default ``/work/shared/raw``-style mirror)."""
    root = Path(os.environ.get("VENECON_TEST_DATA", ROOT.parent / "shared" / "raw"))
    for p in (root / "synth-reference" / name, root / name):
        if p.is_file():
            return p
    raise FileNotFoundError(
        f"{name}: set VENECON_TEST_DATA to the directory holding synth-reference/{name}"
    )


# --------------------------------------------------------------------------- import and data


def prepare_import() -> Callable[[], float]:
    """``import venecon`` in a fresh interpreter; the callable returns the import time (s)."""
    code = "import time; t = time.perf_counter(); import venecon; print(time.perf_counter() - t)"

    def run() -> float:
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        return float(out.stdout.strip())

    return run


def dataset_names() -> list[str]:
    import venecon

    return sorted(venecon.datasets()["name"].tolist())


def prepare_load(name: str) -> Callable[[], Any]:
    """Cold load of one bundled dataset: sha256 check, CSV parse, typing, filtering."""
    import importlib

    import venecon

    loader = importlib.import_module("venecon.data.load")
    package = importlib.import_module("venecon.data._package")

    def run() -> Any:
        loader._frame.cache_clear()
        package.read_verified.cache_clear()
        return venecon.load(name)

    return run


# --------------------------------------------------------------------------- synthetic control


def basque_frame():
    import pandas as pd

    df = pd.read_csv(reference_csv("basque.csv"))
    df["year"] = df["year"].astype(int)
    return df


def basque_model(df=None, **kw):
    """Abadie-Gardeazabal Basque specification, nested V (tests/synth_specs.py)."""
    return _basque_model(basque_frame() if df is None else df, **kw)


def prepare_synth_fit() -> Callable[[], Any]:
    model = basque_model()
    return model.fit


def prepare_synth_placebos(n_jobs: int = 1) -> Callable[[], Any]:
    """One nested fit plus all 17 placebos-in-space (each with its own nested V search)."""
    model = basque_model()
    return lambda: model.fit(placebo=True, n_jobs=n_jobs)


def prepare_conformal() -> Callable[[], Any]:
    """CWZ conformal intervals (alpha 0.1) for all 28 post-treatment years of the Basque panel."""
    res = basque_model(v="equal").fit()
    return lambda: res.conformal(alpha=0.1)


def simulated_spec(n_donors: int, n_periods: int, seed: int = 1):
    """A SyntheticControl on a simulated factor-model panel: 5 outcome blocks + 2 covariates.

    Nested V over 7 predictors (default starts: equal and regression); the fit
    window is every pre-treatment period (80% of the panel).
    """
    from venecon.models import SyntheticControl
    from venecon.models.synth.grid import simulated_panel

    df = simulated_panel(n_donors, n_periods, seed=seed)
    t0 = df.attrs["treatment_period"]
    q = (t0 - 1) // 5
    preds = [("y", slice(1 + b * q, (b + 1) * q), "mean") for b in range(5)]
    preds += [("x1", slice(1, t0 - 1), "mean"), ("x2", slice(1, t0 - 1), "mean")]
    return SyntheticControl(
        df,
        outcome="y",
        unit="unit",
        time="period",
        treated="treated",
        treatment_time=t0,
        predictors=preds,
        rng=0,
    )


def _placebo(engine: Any, j: int, donors: Any) -> Any:
    """Gap path of donor ``j`` treated (the public engine API; as in the placebo-in-space test)."""
    fit = engine.fit(j, donors, seed_offset=j)
    return engine.path(j, donors, fit.weights)


def prepare_simulated(
    n_donors: int = 200, n_periods: int = 300, placebos: int | None = None, n_jobs: int = 1
) -> Callable[[], Any]:
    """Fit plus ``placebos`` placebo fits (None: all donors) on a simulated panel."""
    import numpy as np

    from venecon.parallel import parallel_map

    model = simulated_spec(n_donors, n_periods)

    if placebos is None:
        return lambda: model.fit(placebo=True, n_jobs=n_jobs)

    def run() -> Any:
        eng = model.fit().engine
        donors = np.arange(1, len(eng.units))
        tasks = [(eng, j, donors[donors != j]) for j in donors[:placebos]]
        return parallel_map(_placebo, tasks, n_jobs)

    return run


# --------------------------------------------------------------------------- time series, panel


def prepare_arima() -> Callable[[], Any]:
    """The report's sanctions intervention ARIMA: BIC order search, fit, counterfactual."""
    import warnings

    import pandas as pd

    import venecon
    from venecon.models import InterventionARIMA

    crude = venecon.load("production_monthly", country="VEN", series="crude_oil")
    y = crude[crude["date"] >= pd.Timestamp("2016-01-01")].set_index("date")["value"]
    events = {"eo13808": "2017-08-24", "pdvsa-sdn": "2019-01-28"}

    def run() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = InterventionARIMA(y, events, end="2020-02", seed=20170824).fit()
            res.effects  # noqa: B018 - the counterfactual path and its intervals
            return res

    return run


def prepare_event_study() -> Callable[[], Any]:
    """TWFE event study of log oil output around oil-sanction episodes (EI panel, 1965-2023)."""
    import numpy as np

    import venecon
    from venecon.models import PanelEventStudy

    production = venecon.load("production_annual", series="oil_production", source="ei_sr2024")
    episodes = venecon.load("oil_sanction_episodes")
    cohorts = (
        episodes[episodes["oil_measure"] == "yes"].groupby("country")["start"].min().astype("int64")
    )
    frame = production[(production["country"] != "WLD") & (production["value"] > 0)].copy()
    frame["log_output"] = np.log(frame["value"].astype("float64"))
    frame["cohort"] = frame["country"].map(cohorts).astype("float64")
    frame = frame[["country", "date", "log_output", "cohort"]].reset_index(drop=True)
    return lambda: PanelEventStudy(
        frame, outcome="log_output", cohort="cohort", window=(-5, 10)
    ).fit()


# --------------------------------------------------------------------------- the main job


def report_available() -> bool:
    out = subprocess.run(
        [sys.executable, "-m", "venecon", "report", "--help"], capture_output=True, text=True
    )
    return out.returncode == 0


def prepare_report(out_dir: str | Path) -> Callable[[], None]:
    """``venecon report --out DIR --quiet`` (offline, bundled data) in a subprocess."""
    cmd = [sys.executable, "-m", "venecon", "report", "--out", str(out_dir), "--quiet"]
    env = {k: v for k, v in os.environ.items() if k != "VENECON_LIVE"}

    def run() -> None:
        subprocess.run(cmd, check=True, capture_output=True, env=env)

    return run


WORKLOADS: dict[str, Callable[..., Callable[[], Any]]] = {
    "import": prepare_import,
    "load": prepare_load,
    "synth_fit": prepare_synth_fit,
    "synth_placebos": prepare_synth_placebos,
    "conformal": prepare_conformal,
    "simulated": prepare_simulated,
    "arima": prepare_arima,
    "event_study": prepare_event_study,
    "report": prepare_report,
}
