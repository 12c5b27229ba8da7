"""venecon.revenue.loss_channels: the loss split into volume, price and discount channels.

References: the identity value = V x (P - D) computed by hand from the model's
counterfactual and treated paths; with the same discount in both worlds the
total reproduces :func:`venecon.revenue.lost` (validated in test_revenue_lost.py);
observed discounts are checked against the bundled OPEC ASB and press-reported
prices they come from.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import venecon
import venecon.revenue as rev
from venecon.exceptions import AssumptionError, ModelSpecificationError
from venecon.models import ITS


@pytest.fixture(scope="module")
def its():
    y = venecon.load("production_monthly", country="VEN", series="crude_oil",
                     start="2016-01", end="2020-02")
    return ITS(y, events={"eo13808": "2017-08-24", "pdvsa-sdn": "2019-01-28"},
               end="2020-02").fit()


@pytest.fixture(scope="module")
def prices():
    return venecon.load("prices_monthly")


def actual(fallback: float = 11.5, share: float = 0.7845, **kw) -> rev.Assumptions:
    return rev.Assumptions(export_share=share, discount=rev.Discount.observed(
        "merey", fallback=rev.Discount.usd(fallback)), **kw)


WINDOW = {"start": "2017-09", "end": "2019-12"}


@pytest.mark.parametrize("cf_discount", [11.36, 6.0, 25.0])
def test_channels_add_up_to_the_total_exactly(its, prices, cf_discount):
    ch = rev.loss_channels(its, prices, actual(), rev.Discount.usd(cf_discount), **WINDOW)
    t = ch.table
    # every period and the window: volume + price + discount == loss, no residual
    np.testing.assert_allclose(t[list(rev.CHANNELS)].sum(axis=1), t["loss"], rtol=0,
                               atol=1e-9 * t["loss"].abs().max())
    assert ch.totals[list(rev.CHANNELS)].sum() == pytest.approx(ch.total, rel=1e-12)
    # the identity by hand: value = V x (P - D) in both worlds
    barrels = 1000 * t["days"] * t["export_share"]
    value_cf = t["counterfactual_kbd"] * barrels * (t["benchmark_price"] - cf_discount) / 1e6
    value_act = t["treated_kbd"] * barrels * (t["benchmark_price"] - t["discount_act"]) / 1e6
    assert ch.total == pytest.approx(float((value_cf - value_act).sum()), rel=1e-10)
    # closed-form Shapley values of a product of three factors (midpoint weights)
    v_cf, v_act = t["exported_barrels_cf"], t["exported_barrels_act"]
    pr_cf = t["benchmark_price"] - t["discount_cf"]
    pr_act = t["benchmark_price"] - t["discount_act"]
    np.testing.assert_allclose(t["volume"], (v_cf - v_act) * (pr_cf + pr_act) / 2 / 1e6,
                               rtol=1e-10)
    np.testing.assert_allclose(t["discount"],
                               -(t["discount_cf"] - t["discount_act"]) * (v_cf + v_act) / 2 / 1e6,
                               rtol=1e-10, atol=1e-9)
    assert (t["price"] == 0).all()  # same benchmark in both worlds
    assert ch.lower < ch.total < ch.upper
    json.dumps(ch.to_dict())


def test_same_discount_in_both_worlds_reproduces_lost(its, prices):
    a = actual()
    ch = rev.loss_channels(its, prices, a, None, **WINDOW)
    lost = rev.lost(its, prices, a, **WINDOW)
    assert ch.totals["discount"] == pytest.approx(0.0, abs=1e-9)
    assert ch.total == pytest.approx(lost.usd_million, rel=1e-10)
    assert (ch.lower, ch.upper) == pytest.approx((lost.lower, lost.upper), rel=1e-10)
    np.testing.assert_allclose(ch.table["loss_lower"], lost.monthly["lost_usd_million_lower"],
                               rtol=1e-10)
    year = ch.per_year_usd_bn()
    assert year["total"] == pytest.approx(lost.per_year_usd_bn[0], rel=1e-10)


def test_interval_is_shifted_not_widened(its, prices):
    cf = rev.Discount.usd(11.36)
    ch = rev.loss_channels(its, prices, actual(), cf, **WINDOW)
    at_cf = rev.lost(its, prices, actual().replace(discount=cf), **WINDOW)
    assert ch.upper - ch.lower == pytest.approx(at_cf.upper - at_cf.lower, rel=1e-10)
    np.testing.assert_allclose(ch.table["loss_upper"] - ch.table["loss_lower"],
                               at_cf.monthly["lost_usd_million_upper"]
                               - at_cf.monthly["lost_usd_million_lower"], rtol=1e-10)


def test_real_values_use_the_deflator(its, prices):
    months = pd.date_range("2015-01", "2020-12", freq="MS")
    index = pd.Series(200.0, index=months)
    index[pd.Timestamp("2015-01")] = 100.0  # base month: real = nominal x 100 / 200
    deflator = rev.Deflator(index, name="test index", base="2015-01", source="test")
    ch = rev.loss_channels(its, prices, actual(deflator=deflator), rev.Discount.usd(11.36),
                           **WINDOW)
    np.testing.assert_allclose(ch.real_totals.to_numpy(), ch.totals.to_numpy() / 2, rtol=1e-12)
    frame = ch.to_frame()
    assert {"usd_bn_per_year", "real_usd_bn_per_year"} <= set(frame.columns)
    nominal_only = rev.loss_channels(its, prices, actual(), None, **WINDOW)
    assert nominal_only.real_totals is None
    with pytest.raises(AssumptionError, match="deflator"):
        nominal_only.per_year_usd_bn(real=True)


def test_bad_inputs_raise_specific_errors(its, prices):
    with pytest.raises(ModelSpecificationError, match="Assumptions"):
        rev.loss_channels(its, prices, None)
    with pytest.raises(ModelSpecificationError, match="Discount"):
        rev.loss_channels(its, prices, actual(), 11.36, **WINDOW)


def test_observed_discounts_come_from_the_bundled_prices(prices):
    table = rev.observed_discounts()
    brent = prices[(prices.series == "brent") & (prices.source == "eia_spot")].set_index("date")
    merey = prices[(prices.series == "merey") & (prices.source == "opec_asb2018")].set_index(
        "date")
    gap_2017 = (brent["value"] - merey["value"]).loc["2017"].mean()
    assert table.loc[2017, "discount"] == pytest.approx(gap_2017, rel=1e-12)
    assert table.loc[2017, "source"] == "opec_asb2018" and table.loc[2017, "months"] == 12
    rep = venecon.load("reported_monthly")
    rep = rep[rep.series == "merey"].set_index("date")["value"]
    gap_2025 = (brent["value"].reindex(rep.index) - rep).loc["2025"].mean()
    assert table.loc[2025, "discount"] == pytest.approx(gap_2025, rel=1e-12)
    assert table.loc[2025, "source"] == "opec_momr_press" and table.loc[2025, "months"] == 12
    assert list(table.index) == [*range(2005, 2018), 2025, 2026]


def test_median_discount_is_the_median_not_the_minimum():
    table = rev.observed_discounts()
    d = rev.median_observed_discount()
    assert d.kind == "usd"
    assert d.value == pytest.approx(float(np.median(table["discount"])), abs=1e-4)
    assert d.value > table["discount"].min() + 1
    pre = rev.median_observed_discount((2005, 2016))
    assert pre.value == pytest.approx(float(np.median(table.loc[2005:2016, "discount"])),
                                      abs=1e-4)
    assert "2005-2016" in pre.note and "12 years" in pre.note
    with pytest.raises(AssumptionError, match="no observed"):
        rev.median_observed_discount((2018, 2024))


def test_real_interval_is_the_deflated_counterfactual_interval_shifted(its, prices):
    months = pd.date_range("2015-01", "2020-12", freq="MS")
    index = pd.Series(200.0, index=months)
    index[pd.Timestamp("2015-01")] = 100.0
    deflator = rev.Deflator(index, name="test index", base="2015-01", source="test")
    ch = rev.loss_channels(its, prices, actual(deflator=deflator), rev.Discount.usd(11.36),
                           **WINDOW)
    assert ch.real_lower == pytest.approx(ch.lower / 2, rel=1e-10)
    assert ch.real_upper == pytest.approx(ch.upper / 2, rel=1e-10)
