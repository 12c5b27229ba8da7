"""One argument vocabulary (unit, time, outcome, seed, control_group); old names warn."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import venecon
import venecon.revenue as rev
from venecon.exceptions import ModelSpecificationError
from venecon.models import (
    ITS,
    InterventionARIMA,
    LocalProjections,
    PanelDiD,
    PanelEventStudy,
    StructuralBreaks,
    SunAbraham,
    SyntheticControl,
    SyntheticDiD,
)


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


# ---- outcome_unit: the outcome's unit of measure (unit= names a panel's unit column) ----

def monthly() -> pd.Series:
    rng = np.random.default_rng(1)
    n = 72
    t = np.arange(n)
    y = 1000 + 2.0 * t - 80.0 * (t >= 48) + rng.normal(0, 8, n)
    return pd.Series(y, index=pd.date_range("2014-01-01", periods=n, freq="MS"), name="crude")


EVENT = {"e": "2018-01-01"}
PATH_MODELS = {
    "ITS": lambda **kw: ITS(monthly(), EVENT, **kw),
    "InterventionARIMA": lambda **kw: InterventionARIMA(monthly(), EVENT, order=(1, 0, 0),
                                                        n_simulations=200, **kw),
}
TIME_SERIES_MODELS = {
    **PATH_MODELS,
    "LocalProjections": lambda **kw: LocalProjections(monthly(), EVENT, horizons=4, **kw),
    "StructuralBreaks": lambda **kw: StructuralBreaks(monthly(), max_breaks=2, n_sim=50, **kw),
}


def _new(make, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        return make(**kw)


@pytest.mark.parametrize("name", sorted(TIME_SERIES_MODELS))
def test_unit_is_now_outcome_unit_and_the_old_name_gives_the_same_results(name):
    make = TIME_SERIES_MODELS[name]
    new = _new(make, outcome_unit="kb/d")
    assert new.outcome.unit == "kb/d"
    with pytest.warns(FutureWarning, match=rf"^{name}: unit= is now called outcome_unit=") as rec:
        old = make(unit="kb/d")
    # the warning names the caller's line, not the library's
    assert {w.filename for w in rec if issubclass(w.category, FutureWarning)} == {__file__}
    assert old.outcome.unit == "kb/d"
    a, b = new.fit(), old.fit()
    pd.testing.assert_series_equal(a.params, b.params)
    assert json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)
    with pytest.raises(ModelSpecificationError, match="give outcome_unit= only"):
        make(unit="kb/d", outcome_unit="kb/d")


def test_warnings_of_a_renamed_constructor_name_the_callers_line():
    # renamed_arguments wraps __init__; the constructors' own warnings count that frame
    with pytest.warns(UserWarning, match="only 6 months before the first event") as rec:
        ITS(monthly(), {"e": "2014-07-01"}, outcome_unit="kb/d")
    assert {w.filename for w in rec} == {__file__}


def test_synthetic_control_constructor_warnings_name_the_callers_line():
    # its __init__ is wrapped too: a fit window past treatment, an incomplete donor dropped
    rng = np.random.default_rng(0)
    df = pd.DataFrame([(u, t, rng.normal() + 0.1 * t) for u in "ABCDEF" for t in range(2000, 2020)],
                      columns=["unit", "time", "value"])
    df.loc[(df["unit"] == "F") & (df["time"] == 2003), "value"] = np.nan
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        SyntheticControl(df, treated="A", treatment_time=2010, unit="unit", time="time",
                         outcome="value", fit_window=(2000, 2012), drop_incomplete_donors=True)
    messages = {str(w.message).split(" ")[0] for w in rec}
    assert {"fit_window", "dropping"} <= messages
    assert {w.filename for w in rec} == {__file__}


@pytest.mark.parametrize("name", sorted(TIME_SERIES_MODELS))
def test_outcome_unit_of_the_wrong_type_is_a_specification_error(name):
    make = TIME_SERIES_MODELS[name]
    with pytest.raises(ModelSpecificationError, match=r"outcome_unit must be a string .*got int 5"):
        _new(make, outcome_unit=5)
    with pytest.warns(FutureWarning, match="unit= is now called outcome_unit="):
        with pytest.raises(ModelSpecificationError, match="outcome_unit must be a string"):
            make(unit=["kb/d"])
    assert _new(make).outcome.unit is None  # a Series carries no unit


@pytest.mark.parametrize("name", sorted(PATH_MODELS))
def test_path_results_give_the_unit_as_outcome_unit(name):
    res = _new(PATH_MODELS[name], outcome_unit="kb/d").fit()
    assert res.outcome_unit == "kb/d"
    with pytest.warns(FutureWarning, match=rf"{name}Results.unit is now called outcome_unit"):
        assert res.unit == "kb/d"
    # the headline and the cumulative effect keep their unit field (results.json keys)
    assert res.headline.unit == "kb/d" and res.cumulative_effect().unit == "kb/d"
    with pytest.raises(ModelSpecificationError, match="Pass outcome_unit='kb/d' to the model"):
        _new(PATH_MODELS[name]).fit().cumulative_effect()


def test_panel_models_check_the_outcome_unit_type():
    df = staggered()
    df = df[df["cohort"].isna() | (df["iso"] == "U00")]
    spec = dict(outcome="y", unit="iso", time="yr", treated="U00", treatment_time=2005)
    with pytest.raises(ModelSpecificationError, match="outcome_unit must be a string"):
        SyntheticControl(df, outcome_unit=1000, v="equal", n_random_starts=1, **spec)
    with pytest.raises(ModelSpecificationError, match="outcome_unit must be a string"):
        SyntheticDiD(df, outcome_unit=1000, **spec)
    res = SyntheticControl(df, outcome_unit="kb/d", v="equal", n_random_starts=1,
                           **spec).fit(placebo=False)
    assert res.outcome_unit == "kb/d"


@pytest.mark.slow
def test_the_library_itself_uses_the_new_names(monkeypatch):
    # Studies record the warnings of their fits and keep only UserWarnings, so an old name
    # used inside venecon would be hidden from users; count every rename warning instead.
    from venecon.study import Study
    from venecon.study.bundled import bundled_path
    from venecon.userfiles import parse_toml

    renamed: list[str] = []
    warn = warnings.warn

    def spy(message, category=None, *args, **kwargs):
        if category is FutureWarning and "is now called" in str(message):
            renamed.append(str(message))
        return warn(message, category, *args, **kwargs)

    monkeypatch.setattr(warnings, "warn", spy)
    d = parse_toml(bundled_path("venezuela-2019-oil").read_text(encoding="utf-8"))
    d["study"]["robustness"] = {"enabled": False}
    d["study"]["estimators"]["structural_breaks"] = {"n_sim": 50, "max_breaks": 2, "trim": 8}
    res = Study.from_dict(d).run(n_jobs=1)
    assert set(res.estimates) == {"its", "arima", "local_projections", "structural_breaks"}
    d = parse_toml(bundled_path("oil-sanction-cohorts").read_text(encoding="utf-8"))
    d["study"]["robustness"] = {"enabled": False}
    del d["study"]["estimators"]["sdid"]  # slow; its adapter passes the current names
    res = Study.from_dict(d).run(n_jobs=1)
    assert set(res.estimates) == {"callaway_santanna", "sun_abraham", "panel_event_study",
                                  "panel_did"}
    its = ITS(venecon.load("production_monthly", series="crude_oil", start="2017-01"),
              {"pdvsa": "2019-01-28"}, end="2020-02").fit()
    lost = rev.lost(its, None, rev.default_comparison_assumptions(export_share=0.8))
    assert lost is not None
    assert renamed == []
