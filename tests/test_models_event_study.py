"""Market-model event study: known abnormal returns, textbook variances, BMP, real data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import venecon
from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models.timeseries.event_study import EventStudy


def simulated(jumps: dict[str, float], n=900, seed=0, alpha=0.0002, beta=1.5, noise=0.002):
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-01", periods=n)
    m = rng.normal(0, 0.01, n)
    r = alpha + beta * m + rng.normal(0, noise, n)
    for day, size in jumps.items():
        r[dates.get_loc(pd.Timestamp(day))] += size
    to_prices = lambda x: pd.Series(100 * np.exp(np.cumsum(np.r_[0, x[1:]])), index=dates)  # noqa: E731
    return to_prices(r), to_prices(m)


def test_market_model_recovers_an_injected_abnormal_return():
    asset, market = simulated({"2017-03-01": 0.05})
    res = EventStudy(asset, {"jump": "2017-03-01"}, market=market).fit()
    ar = res.abnormal_returns.set_index("day")["abnormal_return"]
    assert ar[0] == pytest.approx(0.05, abs=0.006)
    assert res.params["CAR[jump]"] == pytest.approx(0.05, abs=0.01)
    assert res.pvalues["CAR[jump]"] < 1e-6
    assert abs(ar[-1]) < 0.008 and abs(ar[1]) < 0.008


def test_classic_variance_matches_ols_prediction_errors():
    import statsmodels.api as sm

    asset, market = simulated({}, seed=3)
    study = EventStudy(asset, ["2017-06-01"], market=market, estimation=(-120, -6),
                       window=(-2, 2))
    res = study.fit()
    r = np.log(asset).diff().dropna()
    m = np.log(market).diff().dropna()
    t0 = r.index.searchsorted(pd.Timestamp("2017-06-01"))
    X = sm.add_constant(m.iloc[t0 - 120:t0 - 5].to_numpy())
    ols = sm.OLS(r.iloc[t0 - 120:t0 - 5].to_numpy(), X).fit()
    X0 = sm.add_constant(m.iloc[t0 - 2:t0 + 3].to_numpy(), has_constant="add")
    pred = ols.get_prediction(X0)
    got = res.abnormal_returns
    np.testing.assert_allclose(got["abnormal_return"], r.iloc[t0 - 2:t0 + 3] - pred.predicted_mean)
    np.testing.assert_allclose(got["se_ar"], pred.se_obs)
    assert res.distribution == f"t({ols.df_resid:g})"


def test_constant_mean_model_and_bmp_across_events():
    asset, _ = simulated({"2016-05-02": 0.03, "2017-05-01": 0.04, "2018-05-01": 0.02}, seed=5)
    res = EventStudy(asset, ["2016-05-02", "2017-05-01", "2018-05-01"]).fit()
    cars = res.params.drop("CAAR")
    ses = res.std_errors.drop("CAAR")
    scar = cars / ses
    tests = res.tests.set_index("test")
    bmp = tests.loc[tests.index.str.startswith("BMP")].iloc[0]
    assert bmp["statistic"] == pytest.approx(scar.mean() * np.sqrt(3) / scar.std(ddof=1))
    classic = tests.loc[tests.index.str.startswith("classic")].iloc[0]
    assert classic["estimate"] == pytest.approx(cars.mean())
    assert classic["statistic"] == pytest.approx(cars.mean() / (np.sqrt((ses**2).sum()) / 3))
    assert res.provenance["options"]["model"] == "constant-mean model"
    json.dumps(res.to_dict())


def test_single_event_has_no_bmp_and_says_so():
    asset, _ = simulated({})
    res = EventStudy(asset, ["2017-01-03"]).fit()
    assert np.isnan(res.tests["statistic"].iloc[1])
    assert "BMP test needs two or more events" in str(res.summary())


def test_bundled_brent_and_wti_around_registry_events():
    ids = ["eo13808", "pdvsa-sdn", "gl41", "gl44"]
    for series in ("brent", "wti"):
        prices = venecon.load("prices_daily", series=series, source="eia_spot")
        res = EventStudy(prices, ids).fit()
        assert list(res.params.index) == [f"CAR[{i}]" for i in ids] + ["CAAR"]
        assert res.provenance["data"]["datasets"] == prices.attrs["venecon"]["datasets"]
        assert res.model == "venecon.models.EventStudy" and res.dependent == series
        assert len(res.abnormal_returns) == 3 * len(ids)
        day0 = res.abnormal_returns.query("event == 'pdvsa-sdn' and day == 0")["date"].iloc[0]
        assert day0 == pd.Timestamp("2019-01-28")
        assert np.isfinite(res.params).all() and (res.std_errors > 0).all()


def test_event_on_a_weekend_maps_to_the_next_trading_day():
    asset, _ = simulated({})
    res = EventStudy(asset, {"sat": "2017-03-04"}).fit()  # a Saturday
    day0 = res.abnormal_returns.query("day == 0")["date"].iloc[0]
    assert day0 == pd.Timestamp("2017-03-06")


def test_live_equities_with_a_market_index(tmp_path, monkeypatch):
    """Chevron and a refiner against the S&P 500, through the Yahoo adapter (injected)."""
    from venecon.sources import yahoo
    from venecon.sources._live import Session
    from venecon.sources.cache import Cache

    cvx, spx = simulated({"2019-01-28": -0.04}, n=2100, seed=7)
    vlo, _ = simulated({}, n=2100, seed=8)

    def download(tickers, **kwargs):
        frames = {"CVX": cvx, "VLO": vlo, "^GSPC": spx}
        cols = pd.MultiIndex.from_product([["Adj Close", "Close"], tickers])
        data = {(f, t): frames[t] * (0.98 if f == "Adj Close" else 1.0) for f, t in cols}
        return pd.DataFrame(data)

    live = yahoo.prices(["CVX", "VLO", "^GSPC"], session=Session(cache=Cache(tmp_path)),
                        download=download)
    pick = lambda t: live[(live["ticker"] == t) & (live["field"] == "adj_close")]  # noqa: E731
    res = EventStudy(pick("CVX"), ["pdvsa-sdn"], market=pick("^GSPC")).fit()
    assert res.params["CAR[pdvsa-sdn]"] == pytest.approx(-0.04, abs=0.012)
    assert list(res.provenance["data"]["datasets"]) == ["market_daily@live"]
    assert res.dependent == "chevron"
    EventStudy(pick("VLO"), ["pdvsa-sdn", "gl41"], market=pick("^GSPC")).fit()


def test_input_errors_are_clear():
    asset, _ = simulated({})
    with pytest.raises(ModelSpecificationError, match="outside the returns sample"):
        EventStudy(asset, ["2030-01-01"]).fit()
    with pytest.raises(InsufficientDataError, match="estimation window"):
        EventStudy(asset, ["2015-02-02"]).fit()
    with pytest.raises(ModelSpecificationError, match="must end before"):
        EventStudy(asset, ["2017-01-03"], estimation=(-100, 0), window=(-1, 1))
    both = venecon.load("prices_daily", series=["brent", "wti"])
    with pytest.raises(ModelSpecificationError, match="several values of 'series'"):
        EventStudy(both, ["pdvsa-sdn"])
    wti = venecon.load("prices_daily", series="wti", source="eia_spot")
    with pytest.raises(ModelSpecificationError, match="2020-04-2.*non-positive"):
        EventStudy(wti, {"covid": "2020-04-21"}).fit()
    with pytest.raises(venecon.EventNotFoundError):
        EventStudy(asset, ["no-such-event"])


def test_caar_covariance_nobs_and_market_provenance():
    asset, market = simulated({"2016-05-02": 0.03, "2017-05-01": 0.04}, seed=9)
    res = EventStudy(asset, ["2016-05-02", "2017-05-01"], market=market,
                     estimation=(-120, -11)).fit()
    cov, se = res.cov, res.std_errors
    # CAAR is the mean of the CARs: Cov(CAR_i, CAAR) = Var(CAR_i) / n, not 0.
    for name in ("CAR[2016-05-02]", "CAR[2017-05-01]"):
        assert cov.loc[name, "CAAR"] == pytest.approx(se[name] ** 2 / 2, rel=1e-12)
        assert cov.loc["CAAR", name] == cov.loc[name, "CAAR"]
    assert cov.loc["CAR[2016-05-02]", "CAR[2017-05-01]"] == 0
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), se, rtol=1e-12)
    # var(CAAR) = w' V w with w = (1/2, 1/2), the CARs' block of the matrix.
    w = np.array([0.5, 0.5])
    assert w @ cov.iloc[:2, :2].to_numpy() @ w == pytest.approx(se["CAAR"] ** 2, rel=1e-12)
    assert res.nobs == 2 * 110  # observations of the two estimation windows
    # The market series is part of the data behind the numbers.
    prov = res.provenance["data"]
    assert len(prov["market"]["datasets"]["user-supplied"]) == 64
    drifted = market * 1.01 ** np.arange(len(market))
    other = EventStudy(asset, ["2016-05-02", "2017-05-01"], market=drifted,
                       estimation=(-120, -11)).fit()
    assert other.provenance["data"]["market"] != prov["market"]
    assert other.provenance["data"]["datasets"] == prov["datasets"]


# --------------------------------------------------------------------------- issue 15
def test_nan_price_on_the_event_day_is_an_error_or_an_explicit_skip():
    asset, _ = simulated({"2017-03-01": 0.05})
    holed = asset.copy()
    holed[pd.Timestamp("2017-03-01")] = np.nan
    # before: day 0 silently became 2017-03-02
    with pytest.raises(ModelSpecificationError, match="2017-03-01 is missing.*event day"):
        EventStudy(holed, {"jump": "2017-03-01"}).fit()
    inside = asset.copy()
    inside[pd.Timestamp("2017-02-01")] = np.nan  # inside the estimation window
    with pytest.raises(ModelSpecificationError, match="inside the windows.*missing='skip'"):
        EventStudy(inside, {"jump": "2017-03-01"}).fit()
    res = EventStudy(holed, {"jump": "2017-03-01"}, missing="skip").fit()
    day0 = res.abnormal_returns.query("day == 0")["date"].iloc[0]
    assert day0 == pd.Timestamp("2017-03-02")  # documented: a non-trading day when asked
    # a NaN far from every window changes nothing
    far = asset.copy()
    far[pd.Timestamp("2017-09-01")] = np.nan
    pd.testing.assert_series_equal(EventStudy(far, {"jump": "2017-03-01"}).fit().params,
                                   EventStudy(asset, {"jump": "2017-03-01"}).fit().params)
    with pytest.raises(ModelSpecificationError, match="'raise' or 'skip'"):
        EventStudy(asset, ["2017-03-01"], missing="drop")


def test_constant_prices_and_constant_market_are_clear_errors():
    asset, market = simulated({})
    flat = pd.Series(50.0, index=asset.index)
    with pytest.raises(ModelSpecificationError, match="constant-mean model fits.*exactly"):
        EventStudy(flat, ["2017-03-01"]).fit()  # before: ZeroDivisionError
    with pytest.raises(ModelSpecificationError, match="market price is constant"):
        EventStudy(asset, ["2017-03-01"], market=flat).fit()  # before: singular matrix
    with pytest.raises(ModelSpecificationError, match="move exactly with the market"):
        EventStudy(market * 3, ["2017-03-01"], market=market).fit()


@pytest.mark.parametrize("bad", ["n/a", "12,5", True, (1.0,)])
def test_text_in_the_price_column_is_a_clear_error(bad):
    asset, _ = simulated({})
    frame = pd.DataFrame({"date": asset.index, "value": asset.to_numpy().astype(object)})
    frame.at[10, "value"] = bad
    with pytest.raises(ModelSpecificationError, match="not numbers.*2015-01-15"):
        EventStudy(frame, ["2017-03-01"])


def test_bad_dates_events_and_windows_are_clear_errors():
    asset, _ = simulated({})
    inf = asset.copy()
    inf.iloc[5] = np.inf
    with pytest.raises(ModelSpecificationError, match="infinite price"):
        EventStudy(inf, ["2017-03-01"])
    bad_index = pd.Series(asset.to_numpy(), index=[f"day {i}" for i in range(len(asset))])
    with pytest.raises(ModelSpecificationError, match="dates are unreadable"):
        EventStudy(bad_index, ["2017-03-01"])
    for events in ({"x": 5}, [3.5], None, {"x": "NaT"}, [pd.NaT]):
        with pytest.raises(ModelSpecificationError):
            EventStudy(asset, events)
    with pytest.raises(venecon.EventNotFoundError):
        EventStudy(asset, ["9999-99-99"])
    with pytest.raises(ModelSpecificationError, match="outside the dates pandas can hold"):
        EventStudy(asset, ["9999-01-01"])  # before: OutOfBoundsDatetime in fit()
    for window in ((1,), ("a", 1), (0.5, 1), None):
        with pytest.raises(ModelSpecificationError, match="two integers"):
            EventStudy(asset, ["2017-03-01"], window=window)
    with pytest.raises(InsufficientDataError):
        EventStudy(asset.iloc[:2], ["2017-03-01"])
