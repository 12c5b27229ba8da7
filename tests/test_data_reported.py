"""Press-reported OPEC figures for 2025-26: one row per figure, with its citation, own source."""

from __future__ import annotations

import pandas as pd
import pytest

import venecon


@pytest.fixture(scope="module")
def reported() -> pd.DataFrame:
    return venecon.load("reported_monthly")


@pytest.mark.parametrize(
    "series, month, value",
    [
        # The research note's "Reported 2026 figures" section (tag P, each with its URL).
        ("merey", "2025-01", 66.86),
        ("merey", "2025-06", 56.86),
        ("merey", "2026-01", 43.21),
        ("merey", "2026-04", 90.47),
        ("opec_basket", "2026-04", 108.79),
        ("crude_oil_secondary_sources", "2025-08", 940.0),
        ("crude_oil_secondary_sources", "2026-04", 1031.0),
        ("crude_oil_direct_communication", "2025-09", 1105.0),
        # Venezuela's own August figure, in the article the 2025-08 row cites
        ("crude_oil_direct_communication", "2025-08", 1098.0),
        # Chevron, Reuters from sources (the note's "Jan 2026" row)
        ("chevron_jv_crude_output", "2026-01", 240.0),
        ("chevron_exports_us", "2026-01", 230.0),
    ],
)
def test_reported_figures(reported, series, month, value):
    row = reported[(reported["series"] == series) & (reported["date"] == pd.Timestamp(month))]
    assert len(row) == 1
    assert row["value"].iloc[0] == value


def test_every_row_cites_its_report_and_is_its_own_source(reported):
    assert set(reported["source"]) == {"opec_momr_press", "reuters_sources_press"}
    chevron = reported[reported["series"].str.startswith("chevron_")]
    assert set(chevron["source"]) == {"reuters_sources_press"}
    assert set(reported["verification"]) == {"P"}
    assert reported["url"].str.startswith("https://").all()
    assert reported["reported_by"].str.len().gt(5).all()
    merey = reported[reported["series"] == "merey"]
    assert len(merey) == 14 and merey["date"].is_unique
    # Never spliced: the OPEC ASB Merey series still ends in 2017-12, EIA has no such source.
    asb = venecon.load("prices_monthly", series="merey")
    assert set(asb["source"]) == {"opec_asb2018"}
    assert asb["date"].max() == pd.Timestamp("2017-12-01")
    assert "opec_momr_press" not in set(venecon.load("production_monthly")["source"])


def test_production_monthly_notes_set_eia_beside_secondary_sources():
    notes = " ".join(venecon.describe("production_monthly")["notes"])
    eia = venecon.load("production_monthly", series="crude_oil", start="2026-04", end="2026-04")
    gap = eia["value"].iloc[0] - 1031.0
    assert gap == pytest.approx(69.0)
    assert "2026-04 +69 (EIA 1100 vs 1031)" in notes
    assert "through 2026" in notes


def test_august_2025_is_labelled_with_the_report_it_came_from(reported):
    aug = reported[reported["date"] == pd.Timestamp("2025-08-01")].set_index("series")
    secondary = aug.loc["crude_oil_secondary_sources"]
    # the 940 kb/d is August as revised in OPEC's October 2025 report (the September report
    # first gave 936); the article reports September's data with August as the prior month
    assert "October 2025 MOMR" in secondary["reported_by"]
    assert "September 2025 report" not in secondary["reported_by"]
    assert "936" in secondary["remarks"]
    direct = aug.loc["crude_oil_direct_communication"]
    assert direct["url"] == secondary["url"]  # the same article
    assert "note's cell does not carry this figure" in direct["remarks"]


def test_chevron_figures_keep_the_reported_range_and_partial_month(reported):
    jv = reported[reported["series"] == "chevron_jv_crude_output"].iloc[0]
    assert (jv["value"], jv["value_high"]) == (240.0, 250.0)
    exports = reported[reported["series"] == "chevron_exports_us"].iloc[0]
    assert pd.isna(exports["value_high"]) and "partial month" in exports["remarks"]
    assert exports["url"].startswith("https://rismadarvoice.com/")
    # OPEC figures carry no range
    assert reported.loc[~reported["series"].str.startswith("chevron_"), "value_high"].isna().all()
