"""venecon.revenue lost / sensitivity / decompose: intervals in dollars, exact decompositions."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import venecon
import venecon.revenue as rev
from venecon.exceptions import DateRangeError, ModelSpecificationError, SchemaError, UnitError
from venecon.models import ITS, InterventionARIMA

EVENTS = ["eo13808", "pdvsa-sdn"]


@pytest.fixture(scope="module")
def production():
    return venecon.load("production_monthly", series="crude_oil", start="2016-01", end="2020-02")


@pytest.fixture(scope="module")
def its(production):
    return ITS(production, events=EVENTS).fit()


@pytest.fixture(scope="module")
def arima(production):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return InterventionARIMA(production, events=EVENTS).fit()


def flat_price(value: float) -> pd.Series:
    idx = pd.date_range("2010-01", "2026-12", freq="MS")
    return pd.Series(value, index=idx, name="brent")


def plain(share: float = 1.0, usd: float = 0.0, **kw) -> rev.Assumptions:
    return rev.Assumptions(export_share=share, discount=rev.Discount.usd(usd), **kw)


# --------------------------------------------------------------------------- lost revenue


@pytest.mark.parametrize("model", ["its", "arima"])
def test_constant_price_matches_cumulative_barrels(model, request):
    # With one known price P and share 1, lost USD must equal -barrels x P exactly,
    # interval included (the same linear combination, scaled).
    result = request.getfixturevalue(model)
    res = rev.lost(result, flat_price(60.0), plain())
    cum = result.cumulative_effect()
    assert res.usd_million == pytest.approx(-cum.barrels * 60 / 1e6, rel=1e-9)
    assert res.lower == pytest.approx(-cum.barrels_upper * 60 / 1e6, rel=1e-9)
    assert res.upper == pytest.approx(-cum.barrels_lower * 60 / 1e6, rel=1e-9)
    assert res.kbd_average == pytest.approx(-cum.average, rel=1e-9)
    assert res.lower < res.usd_million < res.upper


def test_monthly_columns_and_identities(its):
    res = rev.lost(its, None, rev.default_comparison_assumptions(export_share=0.8))
    m = res.monthly
    eff = its.effects.loc[m.index]
    np.testing.assert_allclose(m["lost_kbd"], -eff["effect"])
    np.testing.assert_allclose(m["lost_kbd_lower"], -eff["effect_upper"])
    np.testing.assert_allclose(m["lost_kbd_upper"], -eff["effect_lower"])
    weight = 1000 * m["days"] * 0.8 * m["realised_price"] / 1e6
    np.testing.assert_allclose(m["usd_million_per_kbd"], weight, rtol=1e-14)
    np.testing.assert_allclose(m["lost_usd_million"], m["lost_kbd"] * weight, rtol=1e-14)
    assert (m["lost_usd_million_lower"] <= m["lost_usd_million_upper"]).all()
    assert res.usd_million == pytest.approx(m["lost_usd_million"].sum(), rel=1e-12)
    # The cumulative interval accounts for correlation: never wider than summed monthly bounds.
    assert (
        res.upper - res.usd_million
        <= (m["lost_usd_million_upper"] - m["lost_usd_million"]).sum() + 1e-6
    )
    assert (res.start, res.end, res.periods) == (
        pd.Timestamp("2017-08-01"),
        pd.Timestamp("2020-02-01"),
        31,
    )
    year = res.per_year_usd_bn
    assert year[0] == pytest.approx(res.usd_million * 365 / res.days / 1e3)
    assert "exact linear combination" in res.method
    json.dumps(res.to_dict())
    assert res.provenance["assumptions"]["export_share"] == 0.8
    assert "Revenue lost 2017-08 to 2020-02" in str(res)


def test_lost_real_dollars(its):
    cpi = pd.Series(
        250 * 1.002 ** np.arange(60), index=pd.date_range("2016-01", periods=60, freq="MS")
    )
    a = plain(deflator=rev.Deflator(cpi, name="synthetic CPI", base="2019"))
    res = rev.lost(its, flat_price(50.0), a)
    assert res.real_usd_million == pytest.approx(
        res.monthly["lost_usd_million_real"].sum(), rel=1e-12
    )
    assert res.real_lower < res.real_usd_million < res.real_upper


def test_lost_window_and_bad_input(its, production):
    res = rev.lost(its, flat_price(60.0), plain(), start="2017-09", end="2018-08")
    assert res.periods == 12
    with pytest.raises(DateRangeError, match="outside the effects"):
        rev.lost(its, flat_price(60.0), plain(), end="2021-01")
    a = rev.Assumptions(export_share=1.0, benchmark="opec_basket", discount=rev.Discount.usd(5))
    with pytest.raises(DateRangeError, match=r"2018-01 to 2020-02 \(26 months\)"):
        rev.lost(its, None, a)
    s = pd.Series(production["value"].to_numpy(), index=pd.DatetimeIndex(production["date"]))
    unitless = ITS(s, events=EVENTS).fit()
    with pytest.raises(UnitError, match="'kb/d'"):
        rev.lost(unitless, flat_price(60.0), plain())
    with pytest.raises(ModelSpecificationError, match="path-based"):
        rev.lost("not a result", flat_price(60.0), plain())
    with pytest.raises(ModelSpecificationError, match="Assumptions"):
        rev.lost(its, flat_price(60.0), None)


def test_sensitivity_grid(its):
    discounts = [rev.Discount.usd(0), rev.Discount.usd(10), rev.Discount.percent(20)]
    table = rev.sensitivity(
        its, flat_price(60.0), plain(), discounts=discounts, export_shares=[1.0, 0.5]
    )
    assert len(table) == 6
    full = table.set_index(["discount", "export_share"])["usd_million"]
    assert full[("0 USD/bbl", 0.5)] == pytest.approx(full[("0 USD/bbl", 1.0)] / 2, rel=1e-12)
    assert full[("10 USD/bbl", 1.0)] == pytest.approx(full[("0 USD/bbl", 1.0)] * 50 / 60, rel=1e-12)
    assert full[("20% of benchmark", 1.0)] == pytest.approx(
        full[("0 USD/bbl", 1.0)] * 0.8, rel=1e-12
    )
    assert (table["lower"] < table["usd_million"]).all() and (
        table["usd_million"] < table["upper"]
    ).all()
    assert table.attrs["venecon"]["base_assumptions"]["discount"]["value"] == 0.0


# --------------------------------------------------------------------------- decomposition


def synthetic_table(rng: np.random.Generator, months: int = 24) -> pd.DataFrame:
    idx = pd.date_range("2018-01", periods=months, freq="MS")
    volumes = pd.Series(rng.uniform(0, 3000, months), index=idx)
    volumes.iloc[rng.integers(months)] = 0.0  # a month without output
    prices = pd.Series(rng.uniform(10, 120, months), index=idx, name="brent")
    share = pd.Series(rng.uniform(0, 1, months), index=idx)
    discount = rev.Discount.usd(float(rng.uniform(-2, 9)))
    return rev.estimate(volumes, prices, rev.Assumptions(export_share=share, discount=discount))


def test_decomposition_sums_exactly_random():
    rng = np.random.default_rng(20240601)
    worst = 0.0
    for _ in range(200):
        table = synthetic_table(rng)
        a, b = ("2018-01", "2018-12"), ("2019-01", "2019-12")
        for split in (False, True):
            d = rev.decompose(table, a, b, split_volume=split)
            direct = (
                table.loc["2019", "revenue_usd_million"].sum()
                - table.loc["2018", "revenue_usd_million"].sum()
            )
            assert d.total == pytest.approx(direct, rel=1e-12)
            worst = max(worst, abs(d.effects.sum() - direct) / max(abs(direct), 1e-300))
    assert worst < 1e-9, worst


def test_decomposition_closed_form_and_single_factor_changes():
    idx = pd.date_range("2019-01", periods=2, freq="MS")
    # Only the benchmark moves: all of the change is a price effect.
    t = rev.estimate(
        pd.Series([1000.0, 1000.0 * 31 / 28], index=idx),  # same barrels in both months
        pd.Series([50.0, 70.0], index=idx, name="brent"),
        rev.Assumptions(1.0, rev.Discount.usd(5)),
    )
    d = rev.decompose(t, "2019-01", "2019-02")
    assert d.effects["volume"] == pytest.approx(0, abs=1e-9)
    assert d.effects["discount"] == 0
    assert d.effects["benchmark_price"] == pytest.approx(d.total, rel=1e-12)
    # Midpoint formulas = Shapley values of V x (P - D).
    rng = np.random.default_rng(1)
    a, b = rng.uniform(1, 100, 3), rng.uniform(1, 100, 3)
    eff = rev.shapley(lambda x: x[0] * (x[1] - x[2]), a, b)
    pr_a, pr_b = a[1] - a[2], b[1] - b[2]
    assert eff[0] == pytest.approx((b[0] - a[0]) * (pr_a + pr_b) / 2, rel=1e-12)
    assert eff[1] == pytest.approx((b[1] - a[1]) * (a[0] + b[0]) / 2, rel=1e-12)
    assert eff[2] == pytest.approx(-(b[2] - a[2]) * (a[0] + b[0]) / 2, rel=1e-12)


def test_decomposition_bundled_data_nominal_and_real():
    data = venecon.load("production_monthly", series="crude_oil")
    cpi = pd.Series(
        230 * 1.0018 ** np.arange(120), index=pd.date_range("2013-01", periods=120, freq="MS")
    )
    a = rev.default_comparison_assumptions().replace(
        deflator=rev.Deflator(cpi, name="synthetic CPI", base="2019")
    )
    t = rev.estimate(data, None, a, start="2013-01", end="2019-12")
    for real in (False, True):
        d = rev.decompose(t, "2013", "2019", real=real)
        column = "revenue_usd_million_real" if real else "revenue_usd_million"
        direct = t.loc["2019", column].sum() - t.loc["2013", column].sum()
        assert abs(d.effects.sum() - direct) <= 1e-9 * abs(direct)
        assert d.effects["volume"] < 0  # output fell by about two thirds
    frame = d.to_frame()
    assert frame.loc["total", "share_of_change_pct"] == pytest.approx(100)
    json.dumps(d.to_dict())


def test_decomposition_bad_input():
    idx = pd.date_range("2019-01", periods=3, freq="MS")
    t = rev.estimate(
        pd.Series(1.0, index=idx),
        pd.Series(50.0, index=idx, name="brent"),
        rev.Assumptions(1.0, rev.Discount.usd(0)),
    )
    with pytest.raises(DateRangeError, match="2019-04"):
        rev.decompose(t, "2019-01", ("2019-03", "2019-04"))
    with pytest.raises(SchemaError, match="deflator"):
        rev.decompose(t, "2019-01", "2019-02", real=True)
    with pytest.raises(SchemaError, match="estimate"):
        rev.decompose(t[["barrels"]], "2019-01", "2019-02")
