"""One argument vocabulary (unit, time, outcome, seed, control_group); old names warn."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from venecon.exceptions import ModelSpecificationError
from venecon.models import PanelDiD, PanelEventStudy, SunAbraham, SyntheticControl


def staggered() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(12):
        cohort = {0: 2005, 1: 2005, 2: 2007, 3: 2007}.get(i, np.nan)
        for year in range(2000, 2011):
            d = float(not np.isnan(cohort) and year >= cohort)
            rows.append({"iso": f"U{i:02d}", "yr": year, "y": i + 0.3 * year + 2 * d
                         + rng.normal(0, 0.1), "cohort": cohort, "d": d})
    return pd.DataFrame(rows)


def test_old_panel_names_warn_and_give_the_same_model():
    df = staggered()
    new = SunAbraham(df, outcome="y", cohort="cohort", unit="iso", time="yr",
                     control_group="last").fit()
    with pytest.warns(FutureWarning, match=r"entity= is now called unit="):
        with pytest.warns(FutureWarning, match=r"control= is now called control_group="):
            old = SunAbraham(df, outcome="y", cohort="cohort", entity="iso", time="yr",
                             control="last").fit()
    pd.testing.assert_frame_equal(new.event_time, old.event_time)
    for model, extra in ((PanelDiD, {"treatment": "d"}),
                         (PanelEventStudy, {"cohort": "cohort", "window": (-3, 3)})):
        with pytest.warns(FutureWarning, match=rf"{model.__name__}: entity= is now called unit="):
            a = model(df, outcome="y", entity="iso", time="yr", **extra).fit()
        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)
            b = model(df, outcome="y", unit="iso", time="yr", **extra).fit()
        pd.testing.assert_series_equal(a.params, b.params)
    with pytest.raises(ModelSpecificationError, match="give unit= only"):
        PanelDiD(df, outcome="y", treatment="d", unit="iso", entity="iso", time="yr")


def test_synthetic_control_takes_seed():
    df = staggered()
    df = df[df["cohort"].isna() | (df["iso"] == "U00")]
    spec = dict(outcome="y", unit="iso", time="yr", treated="U00", treatment_time=2005,
                v="equal", n_random_starts=1)
    new = SyntheticControl(df, seed=3, **spec)
    assert new.seed == 3
    with pytest.warns(FutureWarning, match=r"SyntheticControl: rng= is now called seed="):
        old = SyntheticControl(df, rng=3, **spec)
    pd.testing.assert_series_equal(new.fit(placebo=False).weights, old.fit(placebo=False).weights)
    with pytest.warns(FutureWarning, match=r"respecify: rng= is now called seed="):
        assert new.respecify(rng=4).seed == 4
