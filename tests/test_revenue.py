"""venecon.revenue: units, assumptions, monthly estimates (identities) and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import venecon
import venecon.revenue as rev
from venecon.exceptions import AssumptionError, DateRangeError, SchemaError, UnitError, VeneconError


def monthly(values, start="2019-01", name=None) -> pd.Series:
    idx = pd.date_range(start, periods=len(values), freq="MS")
    return pd.Series(np.asarray(values, dtype="float64"), index=idx, name=name)


def tidy(values, start="2019-01", series="crude_oil", unit="kb/d", source="test") -> pd.DataFrame:
    s = monthly(values, start)
    return pd.DataFrame(
        {
            "date": s.index,
            "country": "VEN",
            "series": series,
            "value": s.to_numpy(),
            "unit": unit,
            "source": source,
        }
    )


def fixed(share=1.0, usd=10.0, **kw) -> rev.Assumptions:
    return rev.Assumptions(export_share=share, discount=rev.Discount.usd(usd), **kw)


@pytest.fixture(scope="module")
def production():
    return venecon.load("production_monthly", series="crude_oil")


# --------------------------------------------------------------------------- units


def test_import_stays_light():
    code = "import sys, venecon, venecon.revenue; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("period", "days"),
    [
        ("2020-02", 29),
        ("2019-02", 28),
        ("2019-01", 31),
        (2019, 365),
        ("2020", 366),
        (pd.Timestamp("2019-04-15"), 30),
        (pd.Period("2019-06", "M"), 30),
    ],
)
def test_days_in_period(period, days):
    assert rev.days_in_period(period) == days


def test_kbd_barrels_usd_conversions():
    assert rev.kbd_to_barrels(1.0, "2019-01") == 31_000.0
    assert rev.kbd_to_barrels(797, 2019) == 797 * 1000 * 365
    assert rev.barrels_to_kbd(31_000.0, "2019-01") == 1.0
    s = monthly([1.0, 1.0, 1.0], "2020-01")  # 31, 29, 31 days
    assert rev.kbd_to_barrels(s).tolist() == [31_000.0, 29_000.0, 31_000.0]
    back = rev.barrels_to_kbd(rev.kbd_to_barrels(s * 123.4))
    np.testing.assert_allclose(back, s * 123.4, rtol=1e-15)
    assert rev.usd_to_usd_million(16.9e9) == 16_900.0
    assert rev.usd_million_to_usd(1.5) == 1_500_000.0
    with pytest.raises(TypeError, match="period is required"):
        rev.kbd_to_barrels(1.0)


def test_kbd_to_barrels_annual_index_counts_the_year():
    """A year-indexed flow is a year of days (365/366), never the 31 days of January."""
    years = pd.Series([1.0, 1.0], index=pd.period_range("2019", periods=2, freq="Y"))
    assert rev.kbd_to_barrels(years).tolist() == [365_000.0, 366_000.0]
    assert rev.kbd_to_barrels(1.0, years.index).tolist() == [365_000.0, 366_000.0]
    np.testing.assert_allclose(rev.barrels_to_kbd(rev.kbd_to_barrels(years)), years)
    months = pd.Series([1.0, 1.0], index=pd.period_range("2020-02", periods=2, freq="M"))
    assert rev.kbd_to_barrels(months).tolist() == [29_000.0, 31_000.0]
    stamps = pd.Series([1.0, 1.0], index=pd.date_range("2019", periods=2, freq="YS"))
    with pytest.raises(TypeError, match="frequency 'YS-JAN' is read month by month"):
        rev.kbd_to_barrels(stamps)


# --------------------------------------------------------------------------- identities


def test_estimate_hand_computed_month():
    # 1000 kb/d in January (31 days), 80% exported, Brent 60, discount 10 USD/bbl:
    # 31e6 barrels, 24.8e6 exported, 50 USD/bbl -> USD 1,240 million.
    prices = monthly([60.0], "2019-01", name="brent")
    table = rev.estimate(monthly([1000.0], "2019-01"), prices, fixed(0.8, 10.0))
    row = table.iloc[0]
    assert row["barrels"] == 31e6
    assert row["exported_barrels"] == pytest.approx(24.8e6, rel=1e-15)
    assert row["realised_price"] == 50.0
    assert row["revenue_usd_million"] == pytest.approx(1240.0, rel=1e-15)


def test_estimate_identity_every_month(production):
    a = rev.Assumptions(
        export_share=0.78, benchmark="opec_basket", discount=rev.Discount.percent(12.5)
    )
    t = rev.estimate(production, None, a, start="2010-01", end="2017-12")
    expected = t["volume_kbd"] * 1000 * t["days"] * 0.78 * t["benchmark_price"] * (1 - 0.125) / 1e6
    np.testing.assert_allclose(t["revenue_usd_million"], expected, rtol=1e-12)
    np.testing.assert_allclose(
        t["revenue_usd_million"], t["exported_barrels"] * t["realised_price"] / 1e6, rtol=1e-15
    )
    assert (t["days"] == t.index.days_in_month).all()
    assert len(t) == 96 and t.index.freqstr == "MS"
    # 2010-2015 are annual estimates spread over months; 2016-01..04 and 2016-07..11 move by
    # one identical step a month (EIA's flag `equal_steps`)
    assert t["volume_flagged"].sum() == 72 + 9
    assert t.attrs["venecon"]["flagged_volume_months"].startswith("2010-01 to 2016-04")


def test_observed_merey_discount_and_fallback(production):
    prices = venecon.load("prices_monthly")
    a = rev.Assumptions(
        export_share=1.0, discount=rev.Discount.observed("merey", fallback=rev.Discount.usd(8.0))
    )
    t = rev.estimate(production, prices, a, start="2017-06", end="2018-03")
    brent = prices.query("series == 'brent' and source == 'eia_spot'").set_index("date")["value"]
    merey = prices.query("series == 'merey'").set_index("date")["value"]
    obs = t.loc[:"2017-12"]
    np.testing.assert_allclose(obs["discount"], (brent - merey).reindex(obs.index), rtol=1e-12)
    np.testing.assert_allclose(obs["realised_price"], merey.reindex(obs.index), rtol=1e-12)
    assert (obs["discount_basis"] == "observed").all()
    assert (t.loc["2018-01":, "discount"] == 8.0).all()
    assert (t.loc["2018-01":, "discount_basis"] == "assumed").all()


def test_real_dollars_with_user_deflator():
    cpi = monthly(100 * 1.01 ** np.arange(36), "2018-01", name="cpi")
    deflator = rev.Deflator(cpi, name="test index (synthetic)", base="2019-01", source="test")
    a = fixed(1.0, 0.0, deflator=deflator)
    t = rev.estimate(monthly([500.0] * 24, "2019-01"), monthly([50.0] * 24, "2019-01"), a)
    base = cpi[pd.Timestamp("2019-01-01")]
    np.testing.assert_allclose(t["deflator_factor"], base / cpi.loc["2019-01":"2020-12"].to_numpy())
    np.testing.assert_allclose(
        t["revenue_usd_million_real"], t["revenue_usd_million"] * t["deflator_factor"]
    )
    assert t["revenue_usd_million_real"].iloc[0] == t["revenue_usd_million"].iloc[0]  # base month
    record = t.attrs["venecon"]["assumptions"]["deflator"]
    assert record["name"] == "test index (synthetic)" and record["base"] == "2019-01"
    year_base = rev.Deflator(cpi, name="x", base="2019")
    assert year_base.base_level() == pytest.approx(cpi.loc["2019"].mean())


def test_provenance_records_every_assumption(production):
    a = rev.Assumptions(
        export_share=0.9,
        benchmark="brent",
        discount=rev.Discount.usd(12, note="assumed"),
        export_share_note="illustrative",
    )
    t = rev.estimate(production, None, a, start="2019-01", end="2019-12")
    prov = t.attrs["venecon"]
    json.dumps(prov)
    assert prov["assumptions"]["export_share"] == 0.9
    assert prov["assumptions"]["benchmark"] == {
        "series": "brent",
        "source": "eia_spot",
        "unit": "USD/bbl",
    }
    assert prov["assumptions"]["discount"]["value"] == 12.0
    assert prov["assumptions"]["deflator"] is None
    assert "production_monthly" in prov["volumes"]["datasets"]
    assert "prices_monthly" in prov["prices"]["datasets"]
    assert prov["units"]["revenue_usd_million"].startswith("USD million")


def test_export_share_series():
    share = monthly([0.5, 0.6, 0.7], "2019-01")
    a = rev.Assumptions(export_share=share, discount=rev.Discount.usd(0))
    t = rev.estimate(monthly([100.0] * 3), monthly([40.0] * 3, name="brent"), a)
    assert t["export_share"].tolist() == [0.5, 0.6, 0.7]
    with pytest.raises(DateRangeError, match="2019-04"):
        rev.estimate(monthly([100.0] * 4), monthly([40.0] * 4, name="brent"), a)


# --------------------------------------------------------------------------- bad input


def test_price_not_covering_output_period_names_months(production):
    a = rev.Assumptions(export_share=1.0, benchmark="opec_basket", discount=rev.Discount.usd(5))
    with pytest.raises(DateRangeError, match=r"2018-01 to 2020-02 \(26 months\)") as err:
        rev.estimate(production, None, a, start="2017-01", end="2020-02")
    assert "opec_basket" in str(err.value)
    with pytest.raises(DateRangeError, match=r"2019-02, 2019-04"):
        rev.estimate(
            monthly([1.0] * 4), monthly([1.0, np.nan, 1.0, np.nan], name="brent"), fixed(1, 0)
        )


def test_observed_discount_gap_without_assumption(production):
    a = rev.Assumptions(export_share=1.0, discount=rev.Discount.observed("merey"))
    with pytest.raises(DateRangeError, match=r"merey.*2018-01 to 2019-06 \(18 months\).*fallback"):
        rev.estimate(production, None, a, start="2017-07", end="2019-06")


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([100.0, -5.0, 100.0], r"negative values in 2019-02"),
        ([100.0, np.nan, 100.0], r"missing values in 2019-02"),
    ],
)
def test_bad_volumes(values, match):
    with pytest.raises(SchemaError, match=match):
        rev.estimate(monthly(values), monthly([50.0] * 3, name="brent"), fixed())
    with pytest.raises(SchemaError, match=match):
        rev.estimate(tidy(values), monthly([50.0] * 3, name="brent"), fixed())


def test_volume_gaps_and_several_series():
    gappy = monthly([1.0, 2.0, 3.0]).drop(pd.Timestamp("2019-02-01"))
    with pytest.raises(SchemaError, match="absent.*2019-02"):
        rev.estimate(gappy, monthly([50.0] * 3, name="brent"), fixed())
    two = pd.concat([tidy([1.0, 2.0]), tidy([1.0, 2.0], series="total_liquids")])
    with pytest.raises(SchemaError, match="series"):
        rev.estimate(two, monthly([50.0] * 2, name="brent"), fixed())


def test_unit_mismatch_names_found_and_expected():
    with pytest.raises(UnitError, match=r"expected unit 'kb/d', found 'b/d'"):
        rev.estimate(tidy([1000.0], unit="b/d"), monthly([50.0], name="brent"), fixed())
    prices = tidy([50.0], series="brent", unit="USD/t", source="eia_spot")
    with pytest.raises(UnitError, match=r"expected unit 'USD/bbl', found 'USD/t'"):
        rev.estimate(tidy([1000.0]), prices, fixed())
    s = monthly([1.0])
    s.attrs["unit"] = "mb/d"
    with pytest.raises(UnitError, match="mb/d"):
        rev.estimate(s, monthly([50.0], name="brent"), fixed())


@pytest.mark.parametrize("share", [1.2, -0.1, 85, float("nan"), "most"])
def test_export_share_outside_unit_interval(share):
    with pytest.raises(AssumptionError, match="export_share"):
        rev.Assumptions(export_share=share, discount=rev.Discount.usd(0))


def test_bad_assumptions():
    with pytest.raises(AssumptionError, match="export_share"):
        rev.Assumptions(export_share=monthly([0.5, 1.5]), discount=rev.Discount.usd(0))
    with pytest.raises(AssumptionError, match=r"\[0, 100\)"):
        rev.Discount.percent(120)
    with pytest.raises(AssumptionError, match="Discount"):
        rev.Assumptions(export_share=1.0, discount=10.0)
    with pytest.raises(AssumptionError, match="benchmark_source"):
        rev.Assumptions(export_share=1.0, discount=rev.Discount.usd(0), benchmark="merey")
    with pytest.raises(AssumptionError, match="explicit assumptions"):
        rev.estimate(monthly([1.0]), monthly([50.0], name="brent"), None)
    with pytest.raises(AssumptionError, match="negative realised price in 2019-01"):
        rev.estimate(monthly([1.0]), monthly([50.0], name="brent"), fixed(1.0, 60.0))
    with pytest.raises(AssumptionError, match="non-positive"):
        rev.Deflator(monthly([100.0, 0.0]), name="x", base="2019-01")
    with pytest.raises(DateRangeError, match="base period 2015"):
        rev.Deflator(monthly([100.0, 101.0]), name="x", base="2015")
    with pytest.raises(DateRangeError, match="deflator"):
        a = fixed(deflator=rev.Deflator(monthly([100.0]), name="x", base="2019-01"))
        rev.estimate(monthly([1.0, 1.0]), monthly([50.0, 50.0], name="brent"), a)
    assert issubclass(UnitError, VeneconError) and issubclass(AssumptionError, ValueError)
