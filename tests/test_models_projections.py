"""LocalProjections: equality with statsmodels, simulated IRFs, real data, bad input."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from reference_data import need_module

import venecon
from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models import LocalProjections
from venecon.models.timeseries.projections import hac_bandwidth

matplotlib.use("Agg")

FIXTURES = Path(__file__).parent / "fixtures" / "models_lp_breaks.json"
INDEX = pd.date_range("2000-01-01", periods=240, freq="MS")


def simulate(seed: int, n: int = 240, phi: float = 0.6, beta: float = 2.0,
             event: int | None = None, delta: float = 10.0) -> tuple[pd.Series, pd.Series]:
    """AR(1) outcome driven by an iid shock series (IRF beta * phi**h) or one pulse event."""
    rng = np.random.default_rng(seed)
    s, e = rng.normal(size=n), rng.normal(size=n)
    if event is not None:
        s = np.zeros(n)
        s[event] = 1.0
    b = beta if event is None else delta
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = phi * y[t - 1] + b * s[t] + e[t]
    index = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(y, index, name="y"), pd.Series(s, index, name="oil")


def hand_built(y: np.ndarray, s: np.ndarray, h: int, p: int, H: int, diff: bool):
    """The horizon-h regression built by hand: shock, lags of (shock, y), constant."""
    rows = np.arange(p, len(y) - H)
    cols = [s[rows]]
    for lag in range(1, p + 1):
        cols += [s[rows - lag], y[rows - lag]]
    x = np.column_stack([*cols, np.ones(len(rows))])
    lhs = y[rows + h] - (y[rows - 1] if diff else 0)
    return lhs, x


# ------------------------------------------------------------ against statsmodels

def test_identical_to_statsmodels_local_projections():
    lp_mod = need_module("statsmodels.tsa.vector_ar.local_proj")
    y, s = simulate(1)
    ref = lp_mod.LocalProjections(np.column_stack([s, y]), shock_idx=0, lags=3, horizons=10).fit()
    for response in ("level", "difference"):  # identical: y(t-1) is a control (lags >= 1)
        res = LocalProjections(y, s, horizons=10, lags=3, response=response,
                               hac_lags="statsmodels").fit()
        np.testing.assert_allclose(res.params.to_numpy(), ref.irfs[:, 1, 0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(res.std_errors.to_numpy(), ref.stderr[:, 1, 0], rtol=1e-10)
        assert res.nobs == ref.nobs


def test_identical_to_hand_built_ols_hac():
    import statsmodels.api as sm

    y, s = simulate(2)
    res = LocalProjections(y, s, horizons=6, lags=2).fit()  # defaults: difference, h+1 lags
    for h in range(7):
        lhs, x = hand_built(y.to_numpy(), s.to_numpy(), h, 2, 6, diff=True)
        ref = sm.OLS(lhs, x).fit(cov_type="HAC",
                                 cov_kwds={"maxlags": h + 1, "use_correction": False})
        assert res.params[f"h{h}"] == pytest.approx(ref.params[0], rel=1e-10)
        assert res.std_errors[f"h{h}"] == pytest.approx(ref.bse[0], rel=1e-10)
        assert res.irf.loc[h, "hac_lags"] == h + 1


def test_event_errors_are_hac_plus_residual_variance():
    import statsmodels.api as sm

    y, _ = simulate(3, event=120)
    res = LocalProjections(y, {"e": "2010-01-01"}, horizons=4, lags=1).fit()
    yy = y.to_numpy()
    rows = np.arange(1, len(yy) - 4)
    pulse = (rows == 120).astype(float)
    x = np.column_stack([pulse, yy[rows - 1], np.ones(len(rows))])
    for h in range(5):
        lhs = yy[rows + h] - yy[rows - 1]
        ref = sm.OLS(lhs, x).fit(cov_type="HAC",
                                 cov_kwds={"maxlags": h + 1, "use_correction": False})
        sigma2 = ref.ssr / ref.df_resid
        assert res.params[f"h{h}"] == pytest.approx(ref.params[0], rel=1e-10)
        assert res.std_errors[f"h{h}"] == pytest.approx(np.sqrt(ref.bse[0] ** 2 + sigma2),
                                                        rel=1e-10)


@pytest.mark.parametrize("event", [None, 120])
def test_mean_response_is_one_hac_regression_of_the_averaged_outcome(event):
    import statsmodels.api as sm

    y, s = simulate(9, event=event)
    shock = s if event is None else {"e": "2010-01-01"}
    res = LocalProjections(y, shock, horizons=4, lags=2).fit()
    name = "oil" if event is None else "e"
    mean = res.mean_response.loc[name]
    # by linearity of OLS (one sample, one design for every horizon), the mean of the horizons
    assert mean["coefficient"] == pytest.approx(res.params.mean(), rel=1e-10)
    yy, ss = y.to_numpy(), s.to_numpy()
    lhs = np.mean([hand_built(yy, ss, h, 2, 4, diff=True)[0] for h in range(5)], axis=0)
    _, x = hand_built(yy, ss, 0, 2, 4, diff=True)
    if event is not None:  # an event enters without lags: pulse, y(t-1), y(t-2), constant
        x = x[:, [0, 2, 4, 5]]
    ref = sm.OLS(lhs, x).fit(cov_type="HAC", cov_kwds={"maxlags": 5, "use_correction": False})
    var = ref.bse[0] ** 2 + (ref.ssr / ref.df_resid if event is not None else 0.0)
    assert mean["coefficient"] == pytest.approx(ref.params[0], rel=1e-10)
    assert mean["std_error"] == pytest.approx(np.sqrt(var), rel=1e-10)
    assert mean["hac_lags"] == 5
    head = res.headline
    assert head.estimate == mean["coefficient"] and head.std_error == mean["std_error"]
    assert head.lower == pytest.approx(mean["coefficient"] - 1.959963984540054 * mean["std_error"])
    assert head.lower < res.headline_at(0.1).lower < res.headline_at(0.1).upper < head.upper


def test_difference_and_level_differ_only_without_lags():
    y, s = simulate(4)
    a = LocalProjections(y, s, horizons=3, lags=0, response="level").fit()
    b = LocalProjections(y, s, horizons=3, lags=0, response="difference").fit()
    # Without lags the two designs differ (the level form has no y(t-1)) ...
    assert not np.allclose(a.params.to_numpy()[1:], b.params.to_numpy()[1:])
    # ... and the difference form still matches a hand-built regression.
    import statsmodels.api as sm

    yy, ss = y.to_numpy(), s.to_numpy()
    rows = np.arange(1, len(yy) - 3)
    ref = sm.OLS(yy[rows + 2] - yy[rows - 1], np.column_stack([ss[rows], np.ones(len(rows))])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": False})
    assert b.params["h2"] == pytest.approx(ref.params[0], rel=1e-10)


def test_hac_rules():
    assert [hac_bandwidth("h+1", h, 100) for h in (0, 3)] == [1, 4]
    assert hac_bandwidth("nw", 0, 200) == int(4 * 2 ** (2 / 9)) == 4
    assert hac_bandwidth("nw", 7, 200) == 8
    assert [hac_bandwidth("statsmodels", h, 100) for h in (0, 1, 5)] == [2, 2, 5]
    assert hac_bandwidth(3, 9, 100) == 3
    with pytest.raises(ModelSpecificationError, match="hac_lags"):
        LocalProjections(simulate(5)[0], simulate(5)[1], hac_lags="andrews")


# ------------------------------------------------------------ simulated truth

def test_recovers_simulated_irf_of_shock_series():
    y, s = simulate(6, n=600)
    res = LocalProjections(y, s, horizons=6, lags=2).fit()
    truth = 2.0 * 0.6 ** np.arange(7)
    error = np.abs(res.params.to_numpy() - truth)
    assert error[0] < 0.1  # the impact response is precise
    assert (error < 4 * res.std_errors.to_numpy()).all() and (error < 0.4).all()


def test_recovers_simulated_irf_of_event():
    y, _ = simulate(7, event=120, delta=10.0)
    res = LocalProjections(y, "2010-01-01", horizons=4, lags=1).fit()
    truth = 10.0 * 0.6 ** np.arange(5)
    # One event: the error is one draw with sd about sqrt(sum phi^2j) (< 1.25).
    np.testing.assert_allclose(res.params.to_numpy(), truth, atol=4.0)


@pytest.mark.slow
def test_interval_coverage_monte_carlo():
    reps, horizons = 400, (0, 3)
    hits_event = np.zeros(len(horizons))
    hits_series = np.zeros(len(horizons))
    hits_mean = np.zeros(2)
    mean_event, mean_series = 10 * np.mean(0.6 ** np.arange(4)), 2 * np.mean(0.6 ** np.arange(4))
    for r in range(reps):
        y, _ = simulate(50_000 + r, n=180, event=100, delta=10.0)
        fit = LocalProjections(y, "2008-05-01", horizons=3, lags=1).fit()
        ci = fit.conf_int()
        y2, s2 = simulate(90_000 + r, n=180)
        fit2 = LocalProjections(y2, s2, horizons=3, lags=1).fit()
        ci2 = fit2.conf_int()
        for i, h in enumerate(horizons):
            hits_event[i] += ci.loc[f"h{h}", "lower"] <= 10 * 0.6**h <= ci.loc[f"h{h}", "upper"]
            hits_series[i] += ci2.loc[f"h{h}", "lower"] <= 2 * 0.6**h <= ci2.loc[f"h{h}", "upper"]
        hits_mean[0] += fit.headline.lower <= mean_event <= fit.headline.upper
        hits_mean[1] += fit2.headline.lower <= mean_series <= fit2.headline.upper
    # Measured with statsmodels 0.15 (400 reps, 180 months, AR(1) 0.6, Gaussian errors):
    # event pulse h0 0.943, h3 0.985 (conservative: HAC term + residual variance);
    # shock series h0 0.940, h3 0.930; the mean over h = 0..3: event 0.985, series 0.923.
    cover = np.concatenate([hits_event, hits_series, hits_mean]) / reps
    assert ((cover >= 0.91) & (cover <= 0.99)).all(), cover


# ------------------------------------------------------------ real data

def _fixture(key: str) -> dict:
    return json.loads(FIXTURES.read_text())[key]


@pytest.mark.parametrize("key", ["lp_sanctions_2016_2020", "lp_gl41_2021_2026"])
def test_real_data_regression_fixture(key):
    spec = _fixture(key)
    crude = venecon.load("production_monthly", series="crude_oil", start=spec["data"]["start"])
    assert crude.attrs["venecon"]["datasets"] == spec["data"]["datasets"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = LocalProjections(crude, spec["shock"], **spec["options"]).fit()
    assert set(res.params.index) == set(spec["params"])
    for name, value in spec["params"].items():
        assert res.params[name] == pytest.approx(value, rel=1e-7), name
        assert res.std_errors[name] == pytest.approx(spec["std_errors"][name], rel=1e-7), name
    assert res.provenance["data"]["datasets"] == spec["data"]["datasets"]


def test_real_data_pdvsa_designation_lowers_output():
    crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = LocalProjections(crude, ["eo13808", "pdvsa-sdn"], end="2020-02", horizons=6).fit()
    ci = res.conf_int()
    assert (ci.loc[["h2[pdvsa-sdn]", "h3[pdvsa-sdn]", "h4[pdvsa-sdn]"], "upper"] < 0).all()


# ------------------------------------------------------------ results API

def test_results_api():
    y, s = simulate(8)
    res = LocalProjections(y, s, horizons=4).fit()
    assert list(res.params.index) == ["h0", "h1", "h2", "h3", "h4"]
    irf = res.irf
    assert list(irf.columns[:8]) == ["param", "shock", "horizon", "coefficient", "std_error",
                                     "lower", "upper", "nobs"]
    np.testing.assert_allclose(irf["lower"], res.conf_int()["lower"], rtol=1e-12)
    cov = res.cov
    assert (np.isnan(cov.loc["h0", "h1"])
            and cov.loc["h1", "h1"] == pytest.approx(res.std_errors["h1"] ** 2))
    json.dumps(res.to_dict())
    text = str(res.summary())
    assert "h4" in text and "Regressions by horizon" in text and "sha256" in text
    assert res.provenance["data"]["shock"]["name"] == "oil"
    fig = res.plot()
    assert fig.axes[0].get_xlabel() == "horizon (months)"
    again = LocalProjections(y, s, horizons=4).fit()
    assert again.to_dict() == res.to_dict()


# ------------------------------------------------------------ bad input

def test_too_few_pre_event_observations():
    y, _ = simulate(9)
    with pytest.raises(InsufficientDataError, match="before the first event"):
        LocalProjections(y, "2000-05-01", lags=2)


def test_event_outside_sample_or_too_close_to_end():
    y, _ = simulate(10)
    with pytest.raises(ModelSpecificationError, match="after the sample"):
        LocalProjections(y, "2030-01-01")
    with pytest.raises(ModelSpecificationError, match="no pre-event period"):
        LocalProjections(y, "1999-01-01")
    with pytest.raises(InsufficientDataError, match="before the sample's end"):
        LocalProjections(y, "2019-06-01", horizons=12)


def test_missing_duplicated_irregular_outcome():
    y, s = simulate(11)
    bad = y.copy()
    bad.iloc[40] = np.nan
    with pytest.raises(ModelSpecificationError, match="missing value"):
        LocalProjections(bad, s)
    with pytest.raises(ModelSpecificationError, match="duplicated"):
        LocalProjections(pd.concat([y, y.iloc[[3]]]).sort_index(), s)
    with pytest.raises(ModelSpecificationError, match="irregular"):
        LocalProjections(y.drop(y.index[50]), s)


def test_shock_series_must_cover_sample():
    y, s = simulate(12)
    with pytest.raises(ModelSpecificationError, match="lack control values"):
        LocalProjections(y, s.iloc[:200])
    with pytest.raises(ModelSpecificationError, match="constant"):
        LocalProjections(y, pd.Series(1.0, y.index))
    with pytest.raises(ModelSpecificationError, match="shock_lags"):
        LocalProjections(y, "2010-01-01", shock_lags=1)


def test_events_in_same_month_and_close_events():
    y, _ = simulate(13)
    with pytest.raises(ModelSpecificationError, match="cannot be told apart"):
        LocalProjections(y, {"a": "2010-01-03", "b": "2010-01-28"})
    with pytest.warns(UserWarning, match="also contains the effect"):
        res = LocalProjections(y, {"a": "2010-01-03", "b": "2010-04-02"}, horizons=6).fit()
    assert "h6[b]" in res.params.index


def test_bad_options():
    y, s = simulate(14)
    with pytest.raises(ModelSpecificationError, match="response"):
        LocalProjections(y, s, response="log")
    with pytest.raises(ModelSpecificationError, match="horizons"):
        LocalProjections(y, s, horizons=-1)
    with pytest.raises(InsufficientDataError, match="regression months"):
        LocalProjections(y.iloc[:20], s, horizons=15)
    # alpha outside (0, 1) gave intervals with lower > upper (or NaN) without an error
    for alpha in (1.5, 0, -0.05, float("nan")):
        with pytest.raises(ModelSpecificationError, match="alpha must be in"):
            LocalProjections(y, s, alpha=alpha)
