"""The annual production panel: published figures, keys and donor-pool coverage."""

from __future__ import annotations

import pytest

import venecon

DONORS = ["COL", "ECU", "MEX", "BRA", "NOR", "CAN", "IRN", "SAU", "RUS"]


def values(series: str, source: str, country: str = "VEN"):
    frame = venecon.load("production_annual", country=country, series=series, source=source)
    return frame.set_index("date")["value"]


@pytest.mark.parametrize(
    "series, source, expected",
    [
        # Energy Institute Statistical Review 2026, 'Oil Production - barrels' and
        # 'Crude+cond production - barrels' (kb/d), as listed in shared/raw/MANIFEST.md.
        ("oil_production", "ei_sr2026", {2017: 2209.2, 2025: 1104.3}),
        ("crude_condensate", "ei_sr2026", {2019: 974, 2020: 624, 2025: 1071}),
        # Energy Institute Statistical Review 2024, sheet 'Oil Production - barrels' (kb/d),
        # as listed in shared/raw/MANIFEST.md (rounded there to whole kb/d).
        ("oil_production", "ei_sr2024", {2019: 1051, 2020: 680, 2021: 678, 2022: 735, 2023: 853}),
        # Same workbook, sheet 'Crude+cond production - barrels' (MANIFEST.md).
        ("crude_condensate", "ei_sr2024", {2019: 972, 2020: 628, 2023: 809}),
        # OPEC ASB 2018 Table 3.6, T36 World crude oil production by country (MANIFEST.md).
        ("crude_oil", "opec_asb2018", {2013: 2789, 2015: 2654, 2016: 2373, 2017: 2035}),
        # EIA International Energy Statistics, product 57, iciv-venezuela/eia.csv (MANIFEST.md).
        ("crude_oil", "eia_ies", {2019: 877.7, 2020: 527.1, 2023: 770.5, 2024: 863.5, 2025: 972.6}),
    ],
)
def test_published_venezuela_figures(series, source, expected):
    observed = values(series, source)
    for year, value in expected.items():
        assert observed[year] == pytest.approx(value, abs=1.0), (series, source, year)


@pytest.mark.parametrize(
    "country, expected",
    [
        # MANIFEST.md, EI 2026 'Oil Production - barrels' (kb/d).
        ("IRN", {2017: 4939, 2025: 5184}),
        ("SAU", {2017: 11892.2, 2025: 11407.9}),
        ("LBY", {2025: 1399.6}),
        ("RUS", {2025: 10736.8}),
    ],
)
def test_ei_2026_oil_production_of_other_producers(country, expected):
    observed = values("oil_production", "ei_sr2026", country)
    for year, value in expected.items():
        assert observed[year] == pytest.approx(value, abs=0.6), (country, year)


def test_ei_2026_saudi_crude_condensate():
    # MANIFEST.md: Saudi Arabia crude+condensate 2019-2025, EI 2026 (kb/d, whole numbers there;
    # the workbook's 2024 cell is 9203.49, which the MANIFEST writes as 9204, hence abs=1).
    observed = values("crude_condensate", "ei_sr2026", "SAU")
    published = [10145, 9430, 9394, 10509, 9609, 9204, 9727]
    assert observed.loc[2019:2025].tolist() == pytest.approx(published, abs=1.0)
    assert observed[2024] == pytest.approx(9203.49, abs=0.01)


def test_one_edition_per_source_and_the_revisions_are_stated():
    # Each EI source is one whole edition: the 2026 edition revises earlier years, and the
    # two are never mixed (ei_sr2024 ends in 2023, ei_sr2026 in 2025).
    new, old = values("crude_condensate", "ei_sr2026"), values("crude_condensate", "ei_sr2024")
    assert old[2020] == pytest.approx(628, abs=0.5) and new[2020] == pytest.approx(624, abs=0.5)
    assert (old.index.max(), new.index.max()) == (2023, 2025)
    notes = " ".join(venecon.describe("production_annual")["notes"])
    revision = new[2022] - old[2022]
    assert f"2022 {revision:+.1f}" in notes
    assert "never combine the two editions" in notes


def test_opec_members_series_matches_t36_and_reaches_back_to_1960():
    # OPEC ASB 2018 Table 3.5 (T35): Venezuela 1960 2846.1 and 2017 2034.8 (MANIFEST.md).
    members = values("crude_oil_opec_members", "opec_asb2018")
    assert members[1960] == pytest.approx(2846.1)
    assert members[2017] == pytest.approx(2034.8)
    t36 = values("crude_oil", "opec_asb2018")
    assert (members.loc[t36.index] == t36).all()


def test_no_duplicate_keys_and_integer_years():
    frame = venecon.load("production_annual")
    assert not frame.duplicated(["date", "country", "series", "source"]).any()
    assert frame["date"].dtype == "int64"
    assert set(frame["unit"]) == {"kb/d"}
    assert (frame["value"] >= 0).all()


@pytest.mark.parametrize(
    "series, source, first, last",
    [
        ("oil_production", "ei_sr2026", 1965, 2025),
        ("crude_condensate", "ei_sr2026", 2000, 2025),
        ("oil_production", "ei_sr2024", 1965, 2023),
        ("crude_condensate", "ei_sr2024", 2000, 2023),
        ("crude_oil", "opec_asb2018", 1982, 2017),
    ],
)
def test_donor_pool_coverage(series, source, first, last):
    frame = venecon.load("production_annual", series=series, source=source)
    assert set(DONORS + ["VEN", "WLD"]) <= set(frame["country"])
    assert frame["country"].nunique() >= 45
    assert (frame["date"].min(), frame["date"].max()) == (first, last)
    # Every donor has the full span from 2000 (no silent holes in the pre-period).
    recent = frame[frame["date"].between(2000, last)]
    counts = recent[recent["country"].isin(DONORS)].groupby("country").size()
    assert (counts == last - 1999).all(), counts


def test_aggregates_and_not_separately_reported_zeros_are_dropped():
    frame = venecon.load("production_annual", source="ei_sr2026", series="oil_production")
    # Russia is reported inside EI's USSR row until 1984: no fake zeros before 1985.
    assert frame[frame["country"] == "RUS"]["date"].min() == 1985
    # Genuine zero output is kept (Guyana before its 2019-2020 start).
    guyana = frame[frame["country"] == "GUY"].set_index("date")["value"]
    assert guyana[2010] == 0
    # WLD is EI's 'Total World': the listed countries plus the dropped "Other ..." residuals,
    # so it is at least their sum and within a few percent of it.
    world = frame[frame["country"] == "WLD"].set_index("date")["value"]
    countries = frame[frame["country"] != "WLD"].groupby("date")["value"].sum()
    assert (world >= countries - 1e-6).all()
    assert (world.loc[1985:] <= countries.loc[1985:] * 1.05).all()
