"""Revenue with the press-reported OPEC Merey prices, the OPEC-bulletin export share, grid rank."""

from __future__ import annotations

import pandas as pd
import pytest

import venecon
import venecon.revenue as rev
from venecon.models import ITS


@pytest.fixture(scope="module")
def prices():
    return venecon.load("prices_monthly")


def brent(prices: pd.DataFrame) -> pd.Series:
    return prices.query("series == 'brent' and source == 'eia_spot'").set_index("date")["value"]


def test_reported_merey_gives_an_observed_discount_in_2025_26(prices):
    production = venecon.load("production_monthly", series="crude_oil", start="2024-10",
                              end="2026-04")
    a = rev.Assumptions(export_share=1.0,
                        discount=rev.Discount.observed("merey", fallback=rev.Discount.usd(8.0)))
    t = rev.estimate(production, prices, a)
    reported = venecon.load("reported_monthly", series="merey").set_index("date")["value"]
    # Months with a press-reported OPEC Merey price are observed, from that source.
    months = reported.index[reported.index.isin(t.index)]
    assert len(months) == 14  # 2025-01..2026-01 and 2026-04
    observed = t.loc[months]
    assert (observed["discount_basis"] == "observed").all()
    assert (observed["discount_source"] == "opec_momr_press").all()
    assert observed["realised_price"].tolist() == pytest.approx(reported[months].tolist())
    assert observed["discount"].tolist() == pytest.approx(
        (brent(prices) - reported).reindex(months).tolist())
    # Every other month keeps the labelled assumption.
    others = t.drop(index=months)
    assert set(others.index.strftime("%Y-%m")) == {"2024-10", "2024-11", "2024-12", "2026-02",
                                                   "2026-03"}
    assert (others["discount_basis"] == "assumed").all()
    assert (others["discount"] == 8.0).all()
    assert set(others["discount_source"]) == {"assumed: 8 USD/bbl"}
    assert "opec_momr_press" in a.discount.label


def test_the_asb_series_is_never_overwritten_and_reported_can_be_switched_off(prices):
    a = rev.Discount.observed("merey", fallback=rev.Discount.usd(5.0))
    months = pd.date_range("2017-11", "2017-12", freq="MS")
    assert set(a.sources(months, prices)) == {"opec_asb2018"}
    alone = rev.Discount.observed("merey", reported=None, fallback=rev.Discount.usd(5.0))
    months = pd.date_range("2025-01", "2025-02", freq="MS")
    assert set(alone.sources(months, prices)) == {"assumed: 5 USD/bbl"}
    assert alone.to_dict()["reported_source"] is None


def test_annual_discount_for_2025_is_observed_from_twelve_reported_months(prices):
    a = rev.Assumptions(export_share=1.0,
                        discount=rev.Discount.observed("merey", fallback=rev.Discount.usd(8.0)))
    table = rev.annual_realised_prices([2024, 2025], prices, a)
    assert list(table["discount_basis"]) == ["assumed", "observed"]
    reported = venecon.load("reported_monthly", series="merey", start="2025-01", end="2025-12")
    assert table.loc[2025, "realised_price"] == pytest.approx(reported["value"].mean())


def test_export_share_observed_in_the_opec_bulletin():
    share = rev.observed_export_share()
    # OPEC ASB 2018: crude exports 1,596.36 kb/d (T53) / crude production 2,034.802 kb/d (T36).
    assert share[2017] == pytest.approx(1596.36 / 2034.802, abs=1e-6)
    assert round(share[2017], 3) == 0.785
    assert share.between(0, 1).all() and share.index.min() == 1982
    central = rev.central_assumptions()
    assert central.export_share == pytest.approx(0.7845, abs=1e-4)
    assert "2017" in central.export_share_note
    assert central.discount.kind == "observed" and central.discount.fallback.kind == "usd"


def test_sensitivity_says_where_the_headline_sits():
    production = venecon.load("production_monthly", series="crude_oil", start="2016-01",
                              end="2020-02")
    fit = ITS(production, events=["eo13808", "pdvsa-sdn"]).fit()
    idx = pd.date_range("2010-01", "2026-12", freq="MS")
    price = pd.Series(60.0, index=idx, name="brent")
    base = rev.Assumptions(export_share=0.785, discount=rev.Discount.usd(10.0))
    discounts = [rev.Discount.usd(0), rev.Discount.usd(10), rev.Discount.usd(20)]
    table = rev.sensitivity(fit, price, base, discounts=discounts, export_shares=[1.0, 0.785],
                            start="2017-09", end="2019-12")
    assert table["headline"].sum() == 1
    row = table[table["headline"]].iloc[0]
    assert (row["discount"], row["export_share"]) == ("10 USD/bbl", 0.785)
    # Rank 1 is the largest loss; the ranks order usd_million.
    ordered = table.sort_values("rank")["usd_million"]
    assert ordered.is_monotonic_decreasing
    expected = int((table["usd_million"] > row["usd_million"]).sum()) + 1
    assert row["rank"] == expected
    assert table.attrs["venecon"]["headline_rank"] == f"{expected} of 6"
    outside = rev.sensitivity(fit, price, base, discounts=[rev.Discount.usd(0)],
                              export_shares=[1.0], start="2017-09", end="2019-12")
    assert outside.attrs["venecon"]["headline_rank"] is None
