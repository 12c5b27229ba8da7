"""The macro and rigs tables: published figures, flags, units and coverage."""

from __future__ import annotations

import pytest

import venecon


def test_imf_real_gdp_growth():
    # IMF WEO via DataMapper (iciv-venezuela/imf.csv): 2021 1.0, 2022 8.0, 2023 4.0,
    # 2024 5.3, 2025 1.5 (MANIFEST.md).
    growth = venecon.load("macro", country="VEN", series="gdp_real_growth", source="imf_weo")
    growth = growth.set_index("date")
    expected = {2021: 1.0, 2022: 8.0, 2023: 4.0, 2024: 5.3, 2025: 1.5}
    for year, value in expected.items():
        assert growth.loc[year, "value"] == pytest.approx(value)
    # 2025-2026 are IMF estimates/projections (MANIFEST.md) and flagged as such.
    assert growth.loc[2025, "flag"] == "projection" and growth.loc[2026, "flag"] == "projection"
    assert growth.loc[:2024, "flag"].isna().all()


def test_wdi_exports_zeros_are_treated_as_missing():
    # WDI NE.EXP.GNFS.ZS is 0.0 for 2000-2011 in the source pull (MANIFEST.md): dropped.
    exports = venecon.load("macro", series="exports_gdp_share", source="wb_wdi")
    assert exports["date"].min() == 2012
    assert (exports["value"] > 0).all()


def test_units_are_the_documented_ones():
    frame = venecon.load("macro")
    units = frame.groupby("series")["unit"].unique().map(list).to_dict()
    assert units["gdp_current"] == ["USD million"]
    assert units["exchange_rate_official"] == ["LCU/USD"]
    assert units["life_expectancy"] == ["years"]
    assert units["infant_mortality"] == ["per 1000 live births"]
    assert units["remittances_received"] == ["USD"]
    assert units["gdp_real_growth"] == ["percent"]
    assert not frame.duplicated(["date", "country", "series", "source"]).any()


def test_opec_gdp_covers_all_members():
    gdp = venecon.load("macro", series="gdp_current", source="opec_asb2018")
    # OPEC ASB 2018 Table 2.2 lists the 14 member countries of 2018, 1960-2017.
    assert gdp["country"].nunique() == 14
    assert {"VEN", "SAU", "IRN", "NGA", "ECU", "AGO"} <= set(gdp["country"])
    assert (gdp["date"].min(), gdp["date"].max()) == (1960, 2017)


def test_venezuela_rigs():
    # OPEC ASB 2018 Table 3.2, T32 Active rigs by country (MANIFEST.md).
    rigs = venecon.load("rigs", country="VEN").set_index("date")["value"]
    assert rigs.loc[2013:2017].tolist() == [186, 221, 182, 138, 189]


def test_rigs_coverage_and_keys():
    rigs = venecon.load("rigs")
    assert set(rigs["unit"]) == {"count"}
    assert not rigs.duplicated(["date", "country", "series", "source"]).any()
    assert {"VEN", "COL", "MEX", "BRA", "NOR", "CAN", "SAU", "USA", "WLD"} <= set(rigs["country"])
    assert (rigs["date"].min(), rigs["date"].max()) == (1982, 2017)
