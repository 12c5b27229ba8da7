"""Every estimator is equivariant to the outcome's units.

Multiplying the outcome by ``c`` must multiply every effect estimate by ``c``
(and leave synthetic-control weights unchanged) over at least 1e-12..1e12; an
outcome whose squares overflow double precision is refused with a specific
error instead of a silently wrong answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from venecon.exceptions import VeneconError
from venecon.models import (
    ITS,
    CallawaySantAnna,
    InterventionARIMA,
    LocalProjections,
    PanelDiD,
    PanelEventStudy,
    StructuralBreaks,
    SunAbraham,
    SyntheticControl,
    SyntheticDiD,
)

SCALES = [1e-12, 1e-8, 1.0, 1e8, 1e12]
RTOL = 1e-9


def sc_panel() -> pd.DataFrame:
    """A factor panel: 8 units, 1990-2019, treated unit u2 (as tests/test_models_synth.py)."""
    rng = np.random.default_rng(0)
    years = np.arange(1990, 2020)
    factor = rng.normal(size=len(years)).cumsum()
    rows = []
    for u in range(8):
        load = rng.uniform(0.5, 1.5)
        y = 10 + u + load * factor + rng.normal(scale=0.3, size=len(years))
        x = rng.normal(size=len(years)) + u
        for t, yy, xx in zip(years, y, x, strict=True):
            rows.append({"unit": f"u{u}", "year": int(t), "y": yy, "x": xx})
    return pd.DataFrame(rows)


def staggered(seed: int = 0, n_per: int = 6, periods: int = 16) -> pd.DataFrame:
    """Cohorts 6, 10 and never treated, with dynamic effects (as tests/test_models_panel.py)."""
    rng = np.random.default_rng(seed)
    rows, i = [], 0
    for g in (6, 10, np.nan):
        for _ in range(n_per):
            alpha = rng.normal()
            for t in range(1, periods + 1):
                rel = t - g
                eff = (rel + 1) * 0.3 if rel >= 0 else 0.0
                y = alpha + 0.1 * t + eff + 0.2 * rng.normal()
                rows.append((f"c{i:02d}", 2000 + t, y, 2000 + g, float(rel >= 0)))
            i += 1
    return pd.DataFrame(rows, columns=["country", "date", "y", "cohort", "d"])


def series(seed: int = 1, n: int = 120, event: int = 60) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    d = (t >= event).astype(float)
    y = 100 + 0.5 * t + 20 * d - 0.5 * d * (t - event) + rng.normal(0, 2, n)
    return pd.Series(y, index=pd.date_range("2010-01-01", periods=n, freq="MS"), name="y")


EVENT = "2015-01-15"


def scaled_frame(frame: pd.DataFrame, c: float, col: str = "y") -> pd.DataFrame:
    return frame.assign(**{col: frame[col] * c})


# --------------------------------------------------------------------------- fitters
# each returns (estimates that scale with c, quantities invariant to c)


def fit_sc(c: float, v: str = "nested", scale: bool = True, outcome_only: bool = False):
    df = scaled_frame(sc_panel(), c)
    preds = (
        [("y", slice(1990, 2004), "mean"), ("y", [2000], "mean"), ("y", [2004], "mean")]
        if outcome_only
        else [("y", slice(1990, 2004), "mean"), ("x", slice(1990, 2004), "mean"),
              ("y", [2004], "mean")]
    )
    res = SyntheticControl(df, outcome="y", unit="unit", time="year", treated="u2",
                           treatment_time=2005, predictors=preds, v=v, scale=scale).fit()
    return np.asarray(res.gaps, dtype="float64"), np.asarray(res.weights, dtype="float64")


def fit_sdid(c: float, method: str = "sdid"):
    df = staggered()
    df = df[df["cohort"].isna() | (df["cohort"] == 2010)].assign(
        treated=lambda f: f["cohort"].notna())
    df = scaled_frame(df, c)
    treated = sorted(df.loc[df["treated"], "country"].unique())
    res = SyntheticDiD(df, outcome="y", unit="country", time="date", treated=treated,
                       treatment_time=2010, method=method, se="none").fit()
    return (np.r_[res.params.to_numpy(dtype="float64")],
            np.r_[res.unit_weights.to_numpy(dtype="float64"),
                  res.time_weights.to_numpy(dtype="float64")])


def fit_its(c: float):
    res = ITS(series() * c, [EVENT], hac_lags=2).fit()
    return np.r_[res.params.to_numpy(), res.std_errors.to_numpy()], np.r_[res.tstats.to_numpy()]


def fit_arima(c: float, order: tuple[int, int, int] | None = (1, 0, 0)):
    res = InterventionARIMA(series() * c, [EVENT], order=order, n_simulations=20,
                            outcome_unit="kb/d").fit()
    p, se = res.params, res.std_errors
    arma = p.index.str.startswith(("ar.", "ma."))  # no units
    linear = ~arma & (p.index != "sigma2")
    path = res.effects[["counterfactual", "effect", "effect_lower", "effect_upper"]].to_numpy()
    cum = res.cumulative_effect()
    return (np.r_[p[linear], se[linear], np.sqrt(p["sigma2"]), path.ravel(),
                  cum.average, cum.average_lower, cum.average_upper],
            np.r_[p[arma], se[arma], (p / se).to_numpy(), list(res.order)])


def fit_lp(c: float):
    rng = np.random.default_rng(2)
    n = 200
    s = rng.normal(size=n)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = 0.6 * y[t - 1] + 2.0 * s[t] + rng.normal()
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    res = LocalProjections(pd.Series(y * c, index=idx, name="y"),
                           pd.Series(s, index=idx, name="s"), horizons=6, lags=2).fit()
    return np.r_[res.params.to_numpy(), res.std_errors.to_numpy()], np.array([])


def fit_breaks(c: float):
    rng = np.random.default_rng(3)
    y = np.r_[np.zeros(40), np.full(40, 3.0), np.full(40, 1.0)] + rng.normal(size=120)
    idx = pd.date_range("2000-01-01", periods=120, freq="MS")
    res = StructuralBreaks(pd.Series(y * c, index=idx, name="y"), max_breaks=2, n_sim=0).fit()
    return np.r_[res.params.to_numpy()], np.r_[np.asarray(res.tstats.to_numpy(), dtype=float)]


def fit_panel_did(c: float):
    res = PanelDiD(scaled_frame(staggered(), c), outcome="y", treatment="d").fit()
    return np.r_[res.params.to_numpy(), res.std_errors.to_numpy()], np.array([])


def fit_event_study(c: float):
    res = PanelEventStudy(scaled_frame(staggered(), c), outcome="y", cohort="cohort",
                          window=(-3, 4)).fit()
    return np.r_[res.params.to_numpy(), res.std_errors.to_numpy()], np.array([])


def fit_sun_abraham(c: float):
    res = SunAbraham(scaled_frame(staggered(), c), outcome="y", cohort="cohort",
                     window=(-3, 4)).fit()
    return np.r_[res.params.to_numpy(), res.std_errors.to_numpy()], np.array([])


def fit_callaway(c: float):
    df = scaled_frame(staggered(), c).assign(cohort=lambda f: f["cohort"].fillna(0))
    res = CallawaySantAnna(df, outcome="y", unit="country", time="date", cohort="cohort").fit()
    return np.r_[res.params.to_numpy()], np.array([])


FITTERS = {
    "sc-nested-scaled": lambda c: fit_sc(c),
    "sc-nested-unscaled": lambda c: fit_sc(c, scale=False, outcome_only=True),
    "sc-equal-scaled": lambda c: fit_sc(c, v="equal"),
    "sc-equal-unscaled": lambda c: fit_sc(c, v="equal", scale=False, outcome_only=True),
    "sdid": lambda c: fit_sdid(c),
    "sdid-sc": lambda c: fit_sdid(c, "sc"),
    "its": fit_its,
    "arima": fit_arima,
    "arima-selected": lambda c: fit_arima(c, order=None),
    "local-projections": fit_lp,
    "structural-breaks": fit_breaks,
    "panel-did": fit_panel_did,
    "panel-event-study": fit_event_study,
    "sun-abraham": fit_sun_abraham,
    "callaway-santanna": fit_callaway,
}
# LocalProjections regresses the (scaled) outcome on lags of itself and on the
# (unscaled) shock; projections.py equilibrates the columns (powers of two), so it
# holds to RTOL like the others (it lost 4e-4 at c = 1e+-12 without).
TOLERANCE: dict[str, float] = {}
# InterventionARIMA fits on the outcome divided by a power of two and polishes the
# optimum by Newton's method (timeseries/unit_free.py); statsmodels' own search moved
# the step effect 21.88 -> 21.55 (x1e-12) and -> 149.9 (x1e12).
_BASE: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def base(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name not in _BASE:
        _BASE[name] = FITTERS[name](1.0)
    return _BASE[name]


def check(name: str, c: float) -> None:
    est1, inv1 = base(name)
    est, inv = FITTERS[name](c)
    rtol = TOLERANCE.get(name, RTOL)
    scale = np.max(np.abs(est1))
    np.testing.assert_allclose(est / c, est1, rtol=rtol, atol=rtol * scale,
                               err_msg=f"{name} at scale {c:g}")
    np.testing.assert_allclose(inv, inv1, rtol=rtol, atol=rtol, err_msg=f"{name} at {c:g}")


def _cases():
    for name in sorted(FITTERS):
        for c in SCALES:
            yield pytest.param(name, c, id=f"{name}-{c:g}")


@pytest.mark.parametrize(("name", "c"), list(_cases()))
@pytest.mark.slow
def test_estimates_scale_with_the_outcome(name, c):
    check(name, c)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(exponent=st.floats(-12, 12), name=st.sampled_from(
    ["sc-nested-unscaled", "sc-equal-unscaled", "sc-equal-scaled", "sdid", "panel-did",
     "arima", "arima-selected"]))
def test_equivariance_property(exponent, name):
    check(name, 10.0**exponent)


@pytest.mark.parametrize("c", [1e200, 1e150])
@pytest.mark.parametrize("name", sorted(FITTERS))
def test_unrepresentable_scale_is_refused(name, c):
    with pytest.raises(VeneconError, match="overflow"):
        FITTERS[name](c)


def test_min_norm_point_in_tiny_units():
    """The QP's weights do not depend on the units of the points (the Gram matrix is not lost)."""
    from venecon.models.synth.qp import simplex_lstsq

    rng = np.random.default_rng(5)
    A = rng.normal(size=(6, 10))
    b = rng.normal(size=6) + 3.0
    w1 = simplex_lstsq(A, b)
    for c in (1e-10, 1e-150, 1e150):
        np.testing.assert_allclose(simplex_lstsq(A * c, b * c), w1, rtol=1e-9, atol=1e-12)
