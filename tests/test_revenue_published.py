"""Published revenue arithmetic reproduced; venecon's estimates beside the published figures.

Source lines quoted from research/literature.md (section 1; the figures themselves are in
venecon.literature, whose quotes tests/test_literature.py checks verbatim):

    Rodríguez (2019): Financial sanctions are "associated with a decline in production of
    **797tbd**,
    which at today's oil prices would represent **USD 16.9bn a year**". Consistency check (our
    arithmetic): 16.9e9 / (797e3 × 365) gives about USD 58/bbl.   [V]

    Rodríguez (2022): The total loss is "around USD 6.2bn a year at current oil prices". ...
    USD 6.2 bn a year is about USD 17 m a day. That is roughly 260–290 kb/d at USD 60–65/bbl.   [V]

    Weisbrot & Sachs (2019): "an estimated **US$6 billion in lost oil revenue over the ensuing 12
    months**" ... Our arithmetic: about 270 kb/d at USD 60/bbl.   [V-sec]
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import venecon.revenue as rev
from venecon.revenue.published import PUBLISHED, PUBLISHED_ARITHMETIC


def test_rodriguez_2019_797_kbd_is_16_9_bn_at_58_usd():
    price = rev.implied_price(16.9, 797)
    assert price == pytest.approx(58.09, abs=0.01)
    assert round(price) == 58
    assert rev.annual_revenue_usd_bn(797, price) == pytest.approx(16.9, rel=1e-12)
    # Same arithmetic through the unit helpers: kb/d -> barrels/year -> USD million.
    barrels = rev.kbd_to_barrels(797, "2019")
    assert rev.usd_to_usd_million(barrels * price) == pytest.approx(16_900, rel=1e-12)


def test_rodriguez_2022_6_2_bn_is_260_290_kbd_at_60_65():
    low, high = rev.implied_kbd(6.2, 65), rev.implied_kbd(6.2, 60)
    assert (low, high) == (pytest.approx(261.3, abs=0.05), pytest.approx(283.1, abs=0.05))
    assert 260 <= low < high <= 290
    # "about USD 17 m a day": one day of either flow at its price, through venecon's own
    # revenue arithmetic (USD bn -> USD million), is 6.2 bn / 365 = USD 16.99 m.
    for kbd, price in ((low, 65), (high, 60)):
        per_day = rev.usd_to_usd_million(rev.annual_revenue_usd_bn(kbd, price, days=1) * 1e9)
        assert per_day == pytest.approx(17, abs=0.05)
        assert per_day == pytest.approx(6.2e3 / 365, rel=1e-12)


def test_weisbrot_sachs_6_bn_is_270_kbd_at_60():
    assert rev.implied_kbd(6.0, 60) == pytest.approx(274.0, abs=0.05)
    assert abs(rev.implied_kbd(6.0, 60) - 270) < 5  # "about 270 kb/d"


def test_leap_year_changes_the_arithmetic_by_one_day():
    assert rev.annual_revenue_usd_bn(
        797, 58, days=rev.days_in_period(2020)
    ) / rev.annual_revenue_usd_bn(797, 58) == pytest.approx(366 / 365)


def test_published_rows_come_from_the_registry():
    # The verbatim-quote check of every registry entry is in tests/test_literature.py.
    from venecon.literature import published

    assert [item["key"] for item in PUBLISHED] == list(rev.published_figures().index)
    for item in PUBLISHED:
        entry = published(item["key"])
        assert item["quote"] == entry.quote and item["usd_bn"] == entry.usd_bn
    for key, line in PUBLISHED_ARITHMETIC.items():
        assert line == published(key).arithmetic


def test_published_figures_table():
    table = rev.published_figures()
    assert list(table.index) == [
        "rodriguez2019",
        "rodriguez2022",
        "weisbrot_sachs2019",
        "oliveros2020",
    ]
    assert table.loc["rodriguez2019", "implied_price_usd_bbl"] == pytest.approx(58.09, abs=0.01)
    assert (table.loc["oliveros2020", "usd_bn_low"], table.loc["oliveros2020", "usd_bn_high"]) == (
        17.0,
        31.0,
    )
    assert set(table["tag"]) == {"[V]", "[V-sec]"}


@pytest.fixture(scope="module")
def comparison():
    return rev.published_comparison()


def test_comparison_is_computed_live(comparison):
    assert len(comparison) == 8
    assert set(comparison["venecon_model"]) == {"ITS", "InterventionARIMA"}
    numbers = comparison[
        ["venecon_kbd", "venecon_usd_bn", "venecon_usd_bn_lower", "venecon_usd_bn_upper"]
    ]
    assert np.isfinite(numbers.to_numpy()).all()
    assert (comparison["venecon_usd_bn_lower"] < comparison["venecon_usd_bn"]).all()
    assert (comparison["venecon_usd_bn"] < comparison["venecon_usd_bn_upper"]).all()
    # Recompute one row directly: the table holds no stored numbers.
    import venecon
    from venecon.models import ITS

    data = venecon.load("production_monthly", series="crude_oil", start="2016-01", end="2020-02")
    res = rev.lost(
        ITS(data, events=["eo13808", "pdvsa-sdn"]).fit(),
        None,
        rev.default_comparison_assumptions(),
        start="2017-09",
        end="2018-08",
    )
    row = comparison[
        (comparison["study"].str.startswith("Weisbrot")) & (comparison["venecon_model"] == "ITS")
    ]
    assert row["venecon_usd_bn"].iloc[0] == pytest.approx(res.usd_million / 1e3, rel=1e-12)
    prov = comparison.attrs["venecon"]
    assert prov["assumptions"]["discount"]["fallback"]["kind"] == "usd"
    assert set(prov["models"]) == {"ITS", "InterventionARIMA"}


def test_comparison_fallback_discount_is_the_2017_mean():
    a = rev.default_comparison_assumptions()
    import venecon

    p = venecon.load("prices_monthly", start="2017-01", end="2017-12")
    brent = p.query("series == 'brent' and source == 'eia_spot'")["value"].to_numpy()
    merey = p.query("series == 'merey'")["value"].to_numpy()
    assert a.discount.fallback.value == pytest.approx(float(np.mean(brent - merey)), abs=5e-5)
    assert math.isclose(a.export_share, 1.0)
