"""Two edges of a study's design: the donors a grid may put back, and the SC fit window.

* ``Study._complete_units`` finds the units observed in every sample period in one
  pass: the robustness grid asks it about every excluded unit, and a user may
  exclude thousands.
* ``_predictors`` with "every pre-period outcome": the predictors lie inside the
  fit window, and a pre-period that starts after the declared fit window shortens it.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from venecon import Study
from venecon.models.synth.grid import simulated_panel
from venecon.study.adapters.synthetic_control import SyntheticControlOptions
from venecon.study.estimators import (
    _predictors,  # noqa: PLC2701 - the predictor sets are the unit under test
    run_synthetic_control,
)


def _reference_complete(panel, design, unit) -> bool:
    """The per-unit rule the grid used: the unit has every period of the sample."""
    f = panel.frame
    sel = f[(f["time"] >= design.pre[0]) & (f["time"] <= design.sample_end)]
    return sel.loc[sel["unit"] == unit, "time"].nunique() == sel["time"].nunique()


def _gappy_panel(n_units: int, years: range, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(f"U{i:05d}", t) for i in range(n_units) for t in years]
    frame = pd.DataFrame(rows, columns=["unit", "time"])
    frame["value"] = rng.normal(size=len(frame))
    # every third unit misses one year inside the sample, every seventh one before it
    gap = frame["unit"].str[1:].astype(int)
    drop = ((gap % 3 == 0) & (frame["time"] == years[len(years) // 2])) | (
        (gap % 7 == 0) & (frame["time"] == years[0]))
    return frame[~drop].reset_index(drop=True)


def test_complete_units_match_the_per_unit_rule_on_a_small_panel():
    frame = _gappy_panel(30, range(1985, 2021))
    panel = SimpleNamespace(frame=frame)
    design = SimpleNamespace(pre=(1990, 2014), sample_end=2020)
    got = Study._complete_units(panel, design)  # noqa: SLF001
    want = {u for u in frame["unit"].unique() if _reference_complete(panel, design, u)}
    assert got == want
    # units 0, 3, 6, ... miss the middle year; units 7, 14, ... only a year before the sample
    assert "U00003" not in got and "U00007" in got and "U00001" in got


def test_complete_units_is_linear_in_the_number_of_units():
    frame = _gappy_panel(5000, range(1990, 2021))
    panel = SimpleNamespace(frame=frame)
    design = SimpleNamespace(pre=(1990, 2014), sample_end=2020)
    start = time.perf_counter()
    got = Study._complete_units(panel, design)  # noqa: SLF001
    elapsed = time.perf_counter() - start
    # one scan of 155,000 rows; the per-unit rule took about 5,000 scans (tens of seconds)
    assert elapsed < 2.0, elapsed
    # the sample starts in the first year: units 0, 3, 6, ... and 7, 14, ... each miss one
    assert len(got) == sum(1 for i in range(5000) if i % 3 and i % 7)


def _sc_study(fit_window) -> Study:
    p = simulated_panel(n_donors=8, n_periods=31, treatment_period=26, effect=-50.0,
                        noise=1.0, seed=3, n_covariates=0)
    frame = pd.DataFrame({"unit": p["unit"].replace({"treated": "SIM"}).to_numpy(),
                          "time": p["period"].to_numpy() + 1989, "value": p["y"].to_numpy()})
    return Study(
        name="fit-window", treated="SIM", treatment=2015,
        outcome={"frame": frame, "units": "kb/d"},
        window={"pre": [1990, 2014], "post": [2015, 2020]},
        estimators={"synthetic_control": {"placebo": False, "fit_window": fit_window}},
        robustness={"enabled": False},
    )


def test_every_pre_period_outcome_uses_only_the_fit_window():
    study = _sc_study([1998, 2014])
    ctx = study._context().vary(predictor_set="all_pre_outcomes")  # noqa: SLF001
    opts = SyntheticControlOptions(placebo=False, fit_window=(1998, 2014))
    predictors, fit_window = _predictors(ctx, opts)
    periods = sorted(t for _, ts, _ in predictors for t in ts)
    assert fit_window == (1998, 2014)
    assert periods == list(range(1998, 2015))  # not 1990-1997, outside the window


def test_a_later_pre_period_shortens_the_fit_window_of_every_pre_period_outcome():
    study = _sc_study([1990, 2014])
    opts = SyntheticControlOptions(placebo=False, fit_window=(1990, 2014))
    ctx = study._context().vary(predictor_set="all_pre_outcomes", pre=(1994, 2014))  # noqa: SLF001
    predictors, fit_window = _predictors(ctx, opts)
    assert fit_window == (1994, 2014)
    assert min(t for _, ts, _ in predictors for t in ts) == 1994
    # the fit used to stop with "fit_window 1990-2014 must lie within 1994-2020"
    est = run_synthetic_control(ctx, opts, inference=False)
    assert np.isfinite(est.average_effect)
    assert est.average_effect == pytest.approx(-50.0, abs=5.0)
