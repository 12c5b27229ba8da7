"""venecon.revenue.lost / sensitivity on annual path results (synthetic control, EI panel)."""

from __future__ import annotations

import calendar
import json
import math

import numpy as np
import pandas as pd
import pytest
from test_models_synth_inference import venezuela_model

import venecon
import venecon.revenue as rev
from venecon.exceptions import DateRangeError, UnitError


@pytest.fixture(scope="module")
def synth():
    """Venezuela, treatment 2017, fixture donors and nested V (seed=0): about 0.5 s."""
    return venezuela_model().fit()


@pytest.fixture(scope="module")
def synth_conformal():
    return venezuela_model().fit(conformal=True, alpha=0.1)


@pytest.fixture(scope="module")
def monthly_prices():
    return venecon.load("prices_monthly")


def flat_price(value: float) -> pd.Series:
    idx = pd.date_range("1990-01", "2026-12", freq="MS")
    return pd.Series(value, index=idx, name="brent")


def plain(share: float = 1.0, usd: float = 0.0, **kw) -> rev.Assumptions:
    return rev.Assumptions(export_share=share, discount=rev.Discount.usd(usd), **kw)


def by_hand(result, prices: pd.DataFrame, share: float, fallback: float) -> pd.Series:
    """USD million per year, from the raw tables, without venecon.revenue."""

    def series(name: str, source: str) -> pd.Series:
        rows = prices[(prices["series"] == name) & (prices["source"] == source)]
        return pd.Series(rows["value"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]))

    brent, merey = series("brent", "eia_spot"), series("merey", "opec_asb2018")
    out = {}
    for year, effect in result.effects["effect"].dropna().items():
        months = pd.date_range(f"{year}-01", periods=12, freq="MS")
        price = brent.reindex(months).mean()
        gap = (brent - merey).reindex(months)
        discount = gap.mean() if gap.notna().all() else fallback
        days = 366 if calendar.isleap(year) else 365
        out[year] = -effect * 1000 * days * share * (price - discount) / 1e6
    return pd.Series(out)


# --------------------------------------------------------------------------- identity


def test_identity_against_hand_computation(synth, monthly_prices):
    a = rev.default_comparison_assumptions(export_share=0.8)
    fallback = a.discount.fallback.value
    res = rev.lost(synth, monthly_prices, a)
    expected = by_hand(synth, monthly_prices, 0.8, fallback)
    assert res.usd_million == pytest.approx(expected.sum(), rel=1e-9)
    np.testing.assert_allclose(res.annual["lost_usd_million"], expected, rtol=1e-9)
    t = res.annual
    assert list(t.index) == list(range(2017, 2024)) and t.index.name == "year"
    assert res.monthly is None and res.table is t and res.frequency == "annual"
    assert list(t["days"]) == [365, 365, 365, 366, 365, 365, 365]
    # Merey is bundled to 2017-12: 2017 is observed, later years take the fallback
    assert list(t["discount_basis"]) == ["observed"] + ["assumed"] * 6
    assert (t.loc[2018:, "discount"] == fallback).all()
    assert (res.start, res.end, res.periods, res.days) == (
        pd.Timestamp("2017-01-01"),
        pd.Timestamp("2023-12-01"),
        7,
        6 * 365 + 366,
    )
    # no interval for sums from a synthetic control: NaN, documented in the method
    assert math.isnan(res.lower) and math.isnan(res.upper)
    assert "no interval for sums" in res.method and "365/366" in res.method
    assert res.provenance["frequency"] == "annual"
    assert res.provenance["assumptions"]["export_share"] == 0.8
    record = res.to_dict()
    json.dumps(record)
    assert record["monthly"] is None and len(record["annual"]) == 7
    assert "Revenue lost 2017 to 2023 (7 years)" in str(res)


def test_constant_price_matches_cumulative_barrels(synth):
    # One known price P, share 1, no discount: lost USD = -barrels x P, using the
    # model's own barrels (365/366-day years) from cumulative_effect().
    for window in [(None, None), (2019, 2021)]:
        res = rev.lost(synth, flat_price(60.0), plain(), start=window[0], end=window[1])
        cum = synth.cumulative_effect(*window) if window[0] else synth.cumulative_effect()
        assert res.usd_million == pytest.approx(-cum.barrels * 60 / 1e6, rel=1e-9)
        assert res.kbd_average == pytest.approx(-cum.average, rel=1e-9)
        assert res.days == cum.days and res.periods == cum.periods
        assert res.annual["lost_barrels"].sum() == pytest.approx(-cum.barrels, rel=1e-12)


# --------------------------------------------------------------------------- intervals


def test_conformal_bounds_carried_through(synth, synth_conformal):
    a = rev.default_comparison_assumptions()
    res = rev.lost(synth_conformal, None, a)
    t = res.annual
    eff = synth_conformal.effects.loc[t.index]
    assert eff["effect_lower"].notna().all()
    np.testing.assert_allclose(t["lost_kbd_lower"], -eff["effect_upper"])
    np.testing.assert_allclose(t["lost_kbd_upper"], -eff["effect_lower"])
    c = t["usd_million_per_kbd"]
    np.testing.assert_allclose(t["lost_usd_million_lower"], -eff["effect_upper"] * c, rtol=1e-14)
    np.testing.assert_allclose(t["lost_usd_million_upper"], -eff["effect_lower"] * c, rtol=1e-14)
    assert (t["lost_usd_million_lower"] <= t["lost_usd_million"]).all()
    assert (t["lost_usd_million"] <= t["lost_usd_million_upper"]).all()
    assert res.alpha == pytest.approx(0.1)
    # per-year conformal intervals are not summed into a total interval
    assert math.isnan(res.lower) and math.isnan(res.upper)
    # the point estimates do not depend on whether intervals were computed ...
    plain_res = rev.lost(synth, None, a)
    assert plain_res.usd_million == pytest.approx(res.usd_million, rel=1e-12)
    # ... and without them the yearly bounds are NaN, not zero
    for col in (
        "lost_kbd_lower",
        "lost_kbd_upper",
        "lost_usd_million_lower",
        "lost_usd_million_upper",
    ):
        assert plain_res.annual[col].isna().all()


def test_real_dollars_use_the_years_mean_index(synth):
    idx = pd.date_range("2010-01", "2025-12", freq="MS")
    cpi = pd.Series(250 * 1.002 ** np.arange(len(idx)), index=idx)
    deflator = rev.Deflator(cpi, name="synthetic CPI", base="2019")
    res = rev.lost(synth, flat_price(60.0), plain(deflator=deflator))
    t = res.annual
    level = cpi.groupby(cpi.index.year).mean()
    np.testing.assert_allclose(t["deflator_factor"], level[2019] / level.loc[t.index], rtol=1e-12)
    assert t.loc[2019, "deflator_factor"] == pytest.approx(1.0)
    assert res.real_usd_million == pytest.approx(t["lost_usd_million_real"].sum(), rel=1e-12)


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_annual(synth):
    a = rev.default_comparison_assumptions()
    table = rev.sensitivity(
        synth, None, a, discounts=[a.discount, rev.Discount.percent(20)], export_shares=[0.5, 1.0]
    )
    assert len(table) == 4
    # revenue is linear in the export share
    assert table["usd_million"][1] == pytest.approx(2 * table["usd_million"][0], rel=1e-12)
    assert table["usd_million"][3] == pytest.approx(2 * table["usd_million"][2], rel=1e-12)
    # a 20% discount exceeds the ~6.6 USD/bbl Merey discount in every year here
    assert table["usd_million"][3] < table["usd_million"][1]
    assert table.attrs["venecon"]["window"] == ["2017", "2023"]
    assert table.attrs["venecon"]["frequency"] == "annual"


def test_annual_prices_partial_observed_year_uses_fallback(monthly_prices):
    # Merey starts 2005-03: 2005 has 10 observed months, so the whole year is assumed.
    a = rev.Assumptions(
        export_share=1.0,
        discount=rev.Discount.observed("merey", fallback=rev.Discount.usd(7.0)),
    )
    t = rev.annual_realised_prices([2005, 2006], monthly_prices, a)
    assert list(t["discount_basis"]) == ["assumed", "observed"]
    assert t.loc[2005, "discount"] == 7.0
    monthly = rev.realised_prices(
        pd.date_range("2006-01", periods=12, freq="MS"), monthly_prices, a
    )
    assert t.loc[2006, "realised_price"] == pytest.approx(monthly["realised_price"].mean())


# --------------------------------------------------------------------------- bad input


def test_year_without_twelve_months_of_prices(synth):
    prices = flat_price(60.0).drop(pd.Timestamp("2019-06-01"))
    with pytest.raises(DateRangeError, match=r"2019 \(11 of 12 months; missing 2019-06\)"):
        rev.lost(synth, prices, plain())
    # ... which a window ending before 2019 does not need
    assert rev.lost(synth, prices, plain(), end=2018).periods == 2
    # a benchmark that stops in 2017-12 (OPEC basket) names the first year it lacks
    basket = rev.Assumptions(
        export_share=1.0, benchmark="opec_basket", discount=rev.Discount.usd(5)
    )
    with pytest.raises(DateRangeError, match=r"2018 \(0 of 12 months"):
        rev.lost(synth, None, basket)
    # an observed discount without a fallback, after the last Merey price
    observed = rev.Assumptions(export_share=1.0, discount=rev.Discount.observed("merey"))
    with pytest.raises(DateRangeError, match=r"merey.*2018 \(0 of 12"):
        rev.lost(synth, None, observed)
    assert rev.lost(synth, None, observed, end=2017).annual["discount_basis"].iloc[0] == "observed"


def test_non_flow_unit_and_bad_window(synth):
    stock = venezuela_model(outcome_unit="Mt").fit()
    with pytest.raises(UnitError, match="'Mt', not a flow in 'kb/d'"):
        rev.lost(stock, flat_price(60.0), plain())
    with pytest.raises(DateRangeError, match="must be a year"):
        rev.lost(synth, flat_price(60.0), plain(), start="2019-07")
    with pytest.raises(DateRangeError, match="outside the effects"):
        rev.lost(synth, flat_price(60.0), plain(), end=2030)
    with pytest.raises(DateRangeError, match="no years with an effect"):
        rev.lost(synth, flat_price(60.0), plain(), start=2000, end=2010)
