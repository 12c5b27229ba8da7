"""Every time-series model at monthly, quarterly and annual frequency (issue 14).

References: the Nile annual flow (statsmodels.datasets.nile, bundled with
statsmodels) has one break, a new regime from 1899; the break SSRs for 1 to 5
breaks equal an exhaustive search over all admissible partitions.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import venecon
import venecon.revenue as rev
from venecon.exceptions import FrequencyError, ModelSpecificationError, VeneconError
from venecon.models import ITS, InterventionARIMA, LocalProjections, StructuralBreaks
from venecon.models.core.calendar import period_label, regular_index


def nile() -> pd.Series:
    import statsmodels.api as sm

    data = sm.datasets.nile.load_pandas().data
    return data.set_index("year")["volume"]


def exhaustive_ssr(y: np.ndarray, m: int, h: int) -> float:
    """Smallest SSR over every partition into m + 1 segments of >= h points (mean shifts).

    Brute force: each segment's SSR computed directly (deviations from its
    mean), every admissible set of break dates enumerated.
    """
    n = len(y)
    seg = {(a, b): float(((y[a:b] - y[a:b].mean()) ** 2).sum())
           for a in range(n) for b in range(a + h, n + 1)}

    def partitions(start: int, left: int):
        """Every admissible tuple of ``left`` break dates after ``start``."""
        if left == 0:
            yield ()
            return
        for b in range(start + h, n - left * h + 1):
            for rest in partitions(b, left - 1):
                yield (b, *rest)

    return min(sum(seg[a, b] for a, b in itertools.pairwise((0, *breaks, n)))
               for breaks in partitions(0, m))


def test_nile_one_break_in_1899_labelled_as_a_year():
    res = StructuralBreaks(nile(), n_sim=0).fit()
    assert len(res.breaks) == 1
    assert res.breaks.iloc[0]["date"] == pd.Timestamp("1899-01-01")
    assert res.selection.loc[1, "dates"] == "1899"
    assert res.selection.loc[2, "dates"] == "1899, 1954"
    text = str(res.summary())
    assert "1 chosen by bic (max 5): 1899" in text
    assert "1899-01" not in text
    assert "min. segment 15 years" in text
    # The same series as a year-start date index or annual periods: the same fit.
    y = nile()
    dated = pd.Series(y.to_numpy(), index=pd.date_range("1871", periods=100, freq="YS"))
    periods = pd.Series(y.to_numpy(), index=pd.period_range("1871", periods=100, freq="Y"))
    for other in (dated, periods):
        again = StructuralBreaks(other, n_sim=0).fit()
        np.testing.assert_array_equal(again.selection["ssr"], res.selection["ssr"])
        assert again.selection.loc[1, "dates"] == "1899"


def test_nile_break_ssr_equals_exhaustive_search():
    y = nile()
    res = StructuralBreaks(y, n_sim=0).fit()
    h = res.statistics["min_length"]
    assert h == 15
    ssr = res.selection["ssr"]
    assert ssr[1] == pytest.approx(1_597_457.2, abs=0.05)
    values = y.to_numpy()
    for m in range(1, 6):
        assert ssr[m] == pytest.approx(exhaustive_ssr(values, m, h), rel=1e-10), m


def test_its_on_annual_iran_data():
    """The case of issue 14: once 'dates carry a time of day', now an annual model."""
    import statsmodels.api as sm

    iran = venecon.load("production_annual", country="IRN", series="oil_production",
                        source="ei_sr2026")
    res = ITS(iran, {"sanctions": 2012}).fit()
    years = iran["date"].to_numpy()
    t = np.arange(len(years), dtype=float)
    d = (years >= 2012).astype(float)
    pos = int(np.flatnonzero(d)[0])
    x = np.column_stack([np.ones_like(t), t, d, d * (t - pos)])
    ref = sm.OLS(iran["value"].to_numpy(), x).fit(cov_type="HAC", cov_kwds={"maxlags": 3})
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-10)
    np.testing.assert_allclose(res.std_errors.to_numpy(), ref.bse, rtol=1e-10)
    assert res.outcome_unit == "kb/d" and res.frequency == "Y"
    assert res.events.loc["sanctions", "period"] == pd.Timestamp("2012-01-01")
    assert "sanctions (2012)" in str(res.summary())
    assert res.provenance["data"]["datasets"] == iran.attrs["venecon"]["datasets"]
    # Barrels use the days of each year: 365 or 366.
    cum = res.cumulative_effect(2012, 2016)
    eff = res.effects.loc["2012":"2016", "effect"].to_numpy()
    days = np.array([366, 365, 365, 365, 366], dtype=float)
    assert cum.days == 1827 and cum.periods == 5
    assert cum.barrels == pytest.approx(float(eff @ days) * 1e3, rel=1e-12)
    assert str(cum).startswith("Cumulative effect 2012 to 2016 (5 periods)")
    np.testing.assert_array_equal(res.period_days(res.window_positions(2012, 2016)), days)


def test_annual_representations_give_identical_fits():
    iran = venecon.load("production_annual", country="IRN", series="oil_production",
                        source="ei_sr2026")
    values = iran["value"].to_numpy()
    years = iran["date"].to_numpy()
    forms = [
        pd.Series(values, index=pd.Index(years)),
        pd.Series(values, index=pd.DatetimeIndex([f"{y}-01-01" for y in years])),
        pd.Series(values, index=pd.DatetimeIndex([f"{y}-12-31" for y in years])),
        pd.Series(values, index=pd.period_range(str(years[0]), periods=len(years), freq="Y")),
    ]
    fits = [ITS(y, "2012-06-30").fit() for y in forms]
    for res in fits[1:]:
        np.testing.assert_array_equal(res.params, fits[0].params)
        assert res.effects.index.equals(fits[0].effects.index)


def quarterly(seed: int = 3, n: int = 48) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 50 + 0.3 * t - 6.0 * (t >= 24) + rng.normal(0, 1, n)
    return pd.Series(y, index=pd.date_range("2010-01-01", periods=n, freq="QS"), name="q")


def test_quarterly_partial_rules_match_the_regressors():
    """An event on 2016-02-15 (in 2016Q1, position 24): the same partial= rules as monthly."""
    y = quarterly()
    start = ITS(y, "2016-02-15").fit()
    nxt = ITS(y, "2016-02-15", partial="next").fit()
    frac = ITS(y, "2016-02-15", partial="fraction").fit()
    assert start.events.iloc[0]["period"] == pd.Timestamp("2016-01-01")
    assert nxt.events.iloc[0]["period"] == pd.Timestamp("2016-04-01")
    x = ITS(y, "2016-02-15", partial="fraction").exog
    # 2016Q1 has 91 days; from 15 February on, 46 of them.
    assert x["level[2016-02-15]"].iloc[24] == pytest.approx(46 / 91, rel=1e-12)
    assert "2016Q1" in str(start.summary()) and "2016Q2" in str(nxt.summary())
    assert frac.params["level[2016-02-15]"] != start.params["level[2016-02-15]"]
    seasonal = ITS(y, "2016-02-15", seasonal=True)
    assert [c for c in seasonal.exog.columns if c.startswith("quarter")] == [
        "quarter[2]", "quarter[3]", "quarter[4]"]


def test_quarterly_representations_and_barrels():
    y = quarterly()
    ends = pd.Series(y.to_numpy(), index=pd.date_range("2010-03-31", periods=48, freq="QE"))
    periods = pd.Series(y.to_numpy(), index=pd.period_range("2010Q1", periods=48, freq="Q"))
    base = ITS(y, "2016-01-01", outcome_unit="kb/d").fit()
    for other in (ends, periods):
        res = ITS(other, "2016-01-01", outcome_unit="kb/d").fit()
        np.testing.assert_array_equal(res.params, base.params)
    cum = base.cumulative_effect("2016-01", "2016-12")
    assert cum.periods == 4 and cum.days == 366
    eff = base.effects["effect"].iloc[24:28].to_numpy()
    assert cum.barrels == pytest.approx(float(eff @ np.array([91, 91, 92, 92])) * 1e3, rel=1e-12)


def test_arima_projections_breaks_on_annual_and_quarterly_data():
    y = quarterly(5, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arima = InterventionARIMA(y, {"e": "2016-01-01"}, order=(1, 0, 0), trend="ct",
                                  n_simulations=200).fit()
    assert arima.effects.index[0] == pd.Timestamp("2016-01-01")
    assert "e (2016Q1, step)" in str(arima.summary())
    assert "(24 quarters)" in str(arima.summary())
    assert arima.params["step[e]"] == pytest.approx(-6.0, abs=2.0)
    lp = LocalProjections(y, {"e": "2016-01-01"}, horizons=4, lags=1).fit()
    assert lp.irf["horizon"].tolist() == [0, 1, 2, 3, 4]
    br = StructuralBreaks(y, model="trend", max_breaks=2, select=1, n_sim=0).fit()
    assert br.breaks.iloc[0]["date"] == pd.Timestamp("2016-01-01")
    assert br.selection.loc[1, "dates"] == "2016Q1"
    iran = venecon.load("production_annual", country="IRN", series="oil_production",
                        source="ei_sr2026")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        annual = InterventionARIMA(iran, {"s": 2012}, order=(1, 1, 0), n_simulations=200).fit()
    assert annual.cumulative_effect(2012, 2013).days == 731


def test_annual_its_values_lost_revenue_by_calendar_year():
    iran = venecon.load("production_annual", country="IRN", series="oil_production",
                        source="ei_sr2026")
    res = ITS(iran, {"sanctions": 2012}).fit()
    prices = pd.Series(100.0, index=pd.date_range("2010-01", "2020-12", freq="MS"), name="brent")
    a = rev.Assumptions(export_share=1.0, discount=rev.Discount.usd(10))
    lost = rev.lost(res, prices, a, start=2012, end=2015)
    assert lost.frequency == "annual" and lost.periods == 4
    table = lost.annual
    np.testing.assert_array_equal(table["days"].to_numpy(), [366, 365, 365, 365])
    eff = (res.effects.loc["2012":"2015", "fitted"]
           - res.effects.loc["2012":"2015", "counterfactual"])
    expected = -eff.to_numpy() * 1e3 * table["days"].to_numpy() * 90.0 / 1e6
    np.testing.assert_allclose(table["lost_usd_million"].to_numpy(), expected, rtol=1e-12)
    assert lost.usd_million == pytest.approx(expected.sum(), rel=1e-12)


def test_quarterly_lost_revenue_is_refused_clearly():
    y = quarterly()
    res = ITS(y, "2016-01-01", outcome_unit="kb/d").fit()
    a = rev.Assumptions(export_share=1.0, discount=rev.Discount.usd(10))
    prices = pd.Series(100.0, index=pd.date_range("2010-01", "2020-12", freq="MS"), name="brent")
    with pytest.raises(VeneconError, match="quarterly"):
        rev.lost(res, prices, a)


@pytest.mark.parametrize("index, message", [
    (pd.date_range("2020-01-01", periods=100, freq="D"), "more than one date in a month"),
    (pd.date_range("2020-01-01", periods=30, freq="2MS"), "2 months apart"),
    (pd.date_range("2020-01-01", periods=20, freq="6MS"), "6 months apart"),
    (pd.RangeIndex(40), "not dates or calendar years"),
    (pd.date_range("2020-01-01 10:00", periods=30, freq="MS"), "time of day"),
])
def test_non_regular_frequency_is_a_specific_error(index, message):
    y = pd.Series(np.random.default_rng(0).normal(size=len(index)), index=index)
    with pytest.raises(FrequencyError, match=message):
        ITS(y, "2021-06-01")
    assert issubclass(FrequencyError, ModelSpecificationError)


def test_regular_index_and_labels():
    idx = regular_index(pd.DatetimeIndex(["2019-03-31", "2019-06-30", "2019-09-30"]), "x")
    assert list(idx) == list(pd.DatetimeIndex(["2019-01-01", "2019-04-01", "2019-07-01"]))
    assert period_label(idx[0], "Q") == "2019Q1"
    assert period_label(idx[0], "Y") == "2019"
    assert period_label(idx[0], "M") == "2019-01"
    months = regular_index(pd.DatetimeIndex(["2019-01-31", "2019-02-28", "2019-03-31"]), "x")
    assert months[1] == pd.Timestamp("2019-02-01")
    with pytest.raises(FrequencyError, match="different days"):
        regular_index(pd.DatetimeIndex(["2019-01-01", "2020-01-15", "2021-01-01"]), "x")
