"""The price tables ``prices_daily`` and ``prices_monthly`` against published figures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from reference_data import unavailable

import venecon
from venecon.data import _package

REPO = Path(__file__).resolve().parents[1]
KEYS = {
    "prices_daily": ["date", "country", "series", "source"],
    "prices_monthly": ["date", "country", "series", "source"],
}
T71 = (
    "opec-asb-2018/T71 Oil price - OPEC Reference Basket (ORB) and corresponding components "
    "spot prices.xlsx"
)


@pytest.fixture(scope="module")
def raw_prices() -> Path:
    """The raw files: ``$VENECON_RAW_DIR``, default ``<repo>/../shared/raw``; skip if absent."""
    raw = Path(os.environ.get("VENECON_RAW_DIR", REPO.parent / "shared" / "raw"))
    if not (raw / "MANIFEST.md").is_file():
        unavailable(f"raw source files not found at {raw}: set VENECON_RAW_DIR to shared/raw")
    return raw


def _value(name: str, date, **filters) -> float:
    rows = venecon.load(name, start=date, end=date, **filters)
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


@pytest.mark.parametrize("name", list(KEYS))
def test_schema_keys_order_and_units(name):
    frame = venecon.load(name)
    assert list(frame.columns) == ["date", "country", "series", "value", "unit", "source"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert not frame.duplicated(KEYS[name]).any()
    assert frame["value"].notna().all()
    assert (frame["unit"] == "USD/bbl").all()
    for _, part in frame.groupby(["series", "source", "country"]):
        assert part["date"].is_monotonic_increasing
    if name == "prices_monthly":
        assert (frame["date"].dt.day == 1).all()
    # Every series is defined in the data package.
    assert set(frame["series"]) <= set(_package.resource(name)["series"])


def test_daily_coverage_and_country_convention():
    frame = venecon.load("prices_daily")
    spans = frame.groupby(["series", "source"])["date"].agg(["min", "max"])
    # MANIFEST: OPEC_ORB.csv covers 2003-01-02 to 2020-06-18 (4,504 rows).
    assert spans.loc[("opec_basket", "opec_orb")].tolist() == [
        pd.Timestamp("2003-01-02"),
        pd.Timestamp("2020-06-18"),
    ]
    assert len(frame[frame["source"] == "opec_orb"]) == 4504
    assert set(frame["country"]) == {"WLD"}  # benchmarks and baskets only


def test_negative_wti_is_kept():
    # EIA RWTC: the expiring May 2020 contract settled at -36.98 $/bbl on 2020-04-20.
    assert _value("prices_daily", "2020-04-20", series="wti", source="eia_spot") == -36.98


# The daily Brent file lacks the 2012-04-03 quote (EIA's monthly average for
# 2012-04 needs it), so its 2012 mean is 111.57: documented in the table notes.
BRENT_2012_GAP = "brent-daily.csv lacks the 2012-04-03 quote; 2012 daily mean is 111.57"


@pytest.mark.parametrize(
    "series, year, published, tolerance",
    # EIA annual averages as published in brent-year.csv / wti-year.csv (quoted in MANIFEST.md).
    # Tolerance: the published figures are rounded to the cent; Brent 2012 also lacks one
    # daily quote (BRENT_2012_GAP), which moves the mean by 0.059.
    [
        ("brent", 2012, 111.63, 0.06),
        ("brent", 2020, 41.96, 0.01),
        ("wti", 2012, 94.05, 0.01),
        ("wti", 2020, 39.16, 0.01),
    ],
)
def test_daily_mean_matches_published_annual_average(raw_prices, series, year, published,
                                                      tolerance):
    reference = pd.read_csv(
        raw_prices / "eia-oil-prices" / f"{series}-year.csv", parse_dates=["Date"]
    )
    annual = reference.set_index(reference["Date"].dt.year)["Price"]
    assert annual[year] == published  # the reference file says what MANIFEST says
    daily = venecon.load(
        "prices_daily", series=series, source="eia_spot", start=f"{year}-01-01", end=f"{year}-12-31"
    )
    assert daily["value"].mean() == pytest.approx(published, abs=tolerance)


def test_daily_mean_of_every_eia_year_matches_published_average(raw_prices):
    daily = venecon.load("prices_daily", source="eia_spot")
    off = {}
    for series in ("brent", "wti"):
        reference = pd.read_csv(
            raw_prices / "eia-oil-prices" / f"{series}-year.csv", parse_dates=["Date"]
        )
        published = reference.set_index(reference["Date"].dt.year)["Price"]
        part = daily[daily["series"] == series]
        means = part.groupby(part["date"].dt.year)["value"].mean().reindex(published.index)
        gap = (means - published).abs()
        # 0.01 plus float slack: the published figures are rounded to the cent.
        off.update({(series, year): round(g, 3) for year, g in gap[gap > 0.01 + 1e-9].items()})
    assert off == {("brent", 2012): 0.059}, BRENT_2012_GAP


@pytest.mark.parametrize(
    "year, published", [(2012, 109.45), (2015, 49.50), (2016, 40.76), (2019, 64.04)]
)
def test_orb_daily_annual_means(year, published):
    # MANIFEST.md, opec-orb/OPEC_ORB.csv QC: annual means match OPEC's published ORB averages.
    daily = venecon.load(
        "prices_daily", series="opec_basket", start=f"{year}-01-01", end=f"{year}-12-31"
    )
    assert daily["value"].mean() == pytest.approx(published, abs=0.01)


@pytest.mark.parametrize(
    "series, source, month, expected",
    [
        ("brent", "eia_spot", "2020-04", 18.38),  # MANIFEST / EIA RBRTE monthly
        ("brent", "eia_spot", "2025-12", 62.54),
        ("dubai", "wb_pinksheet", "2020-06", 40.1),  # MANIFEST, World Bank Pink Sheet
        ("dubai", "wb_pinksheet", "2025-06", 68.5),
    ],
)
def test_monthly_known_values(series, source, month, expected):
    assert _value("prices_monthly", month, series=series, source=source) == pytest.approx(
        expected, abs=0.005
    )


def test_merey_is_venezuelan_and_ends_in_2017():
    merey = venecon.load("prices_monthly", series="merey")
    assert set(merey["country"]) == {"VEN"} and set(merey["source"]) == {"opec_asb2018"}
    assert merey["date"].max() == pd.Timestamp("2017-12-01")
    assert merey["date"].diff().dropna().dt.days.max() <= 31  # no gap inside the span


# MANIFEST.md (OPEC ASB 2018 Table 7.1): Merey annual averages, $/b.
MEREY_ANNUAL = {2012: 100.06, 2014: 86.88, 2015: 41.11, 2016: 34.02, 2017: 47.63}


@pytest.mark.parametrize("year, published", MEREY_ANNUAL.items())
def test_merey_monthly_mean_matches_annual_average(year, published):
    merey = venecon.load("prices_monthly", series="merey", start=f"{year}-01", end=f"{year}-12")
    assert len(merey) == 12
    # OPEC's yearly figure averages daily quotes; the plain mean of the twelve
    # monthly averages differs from it by up to 0.09 $/b in these years.
    assert merey["value"].mean() == pytest.approx(published, abs=0.15)


def test_merey_yearly_block_of_t71(raw_prices):
    sys.path.insert(0, str(REPO / "datasets"))
    from _build import opec  # the builders' ASB reader

    yearly = opec.blocks(raw_prices / T71, "Yearly")["Venezuela - Merey"]
    for year, published in MEREY_ANNUAL.items():
        assert yearly[year] == pytest.approx(published, abs=0.005)


def test_benchmarks_under_two_sources_and_grades_by_country():
    monthly = venecon.load("prices_monthly")
    sources = monthly.groupby("series")["source"].unique().map(set)
    assert sources["brent"] == {"eia_spot", "opec_asb2018"}
    assert sources["wti"] == {"eia_spot", "opec_asb2018"}
    assert sources["dubai"] == {"wb_pinksheet", "opec_asb2018"}
    assert sources["opec_basket"] == {
        "opec_asb2018"
    }  # T72's repeat of the ORB row is not duplicated
    country = monthly.groupby("series")["country"].unique().map(set)
    for benchmark in ("brent", "wti", "dubai", "opec_basket"):
        assert country[benchmark] == {"WLD"}
    for grade, iso in {
        "merey": "VEN",
        "maya": "MEX",
        "urals": "RUS",
        "arab_heavy": "SAU",
        "isthmus": "MEX",
    }.items():
        assert country[grade] == {iso}
