"""The ``conflicts`` table (UCDP/PRIO Armed Conflict Dataset, country-years on a country's soil)."""

from __future__ import annotations

import pandas as pd
import pytest

import venecon


@pytest.fixture(scope="module")
def conflicts() -> pd.DataFrame:
    return venecon.load("conflicts")


def _years(frame: pd.DataFrame, country: str, start: int, end: int) -> list[int]:
    sel = frame[(frame["country"] == country) & frame["date"].between(start, end)]
    return sorted(sel["date"].tolist())


def test_columns_and_coverage(conflicts):
    assert {"date", "country", "intensity", "source"} <= set(conflicts.columns)
    assert conflicts["date"].min() == 1946 and conflicts["date"].max() == 2024
    assert set(conflicts["intensity"]) == {1, 2}
    assert not conflicts.duplicated(["date", "country"]).any()
    assert set(conflicts.loc[conflicts["date"] <= 2021, "source"]) == {"ucdp_acd_221"}
    assert set(conflicts.loc[conflicts["date"] > 2021, "source"]) == {"ucdp_acd_251"}


def test_country_years_named_in_the_manifest(conflicts):
    # shared/raw/MANIFEST.md lists these country-years with a conflict located in them (gwno_loc)
    assert _years(conflicts, "LBY", 1980, 2024) == [1987, 2011, *range(2013, 2021)]
    assert _years(conflicts, "SYR", 2000, 2024) == list(range(2011, 2025))
    assert _years(conflicts, "YEM", 2000, 2024) == list(range(2009, 2025))
    assert _years(conflicts, "UKR", 1990, 2024) == list(range(2014, 2025))
    assert _years(conflicts, "VEN", 1946, 2024) == [1962, 1982, 1992]


def test_libya_2011_is_a_war_and_russia_2022_is_interstate_only(conflicts):
    libya = conflicts.set_index(["date", "country"]).loc[(2011, "LBY")]
    assert libya["intensity"] == 2 and libya["intensity_soil"] == 2
    russia = conflicts.set_index(["date", "country"]).loc[(2022, "RUS")]
    assert bool(russia["interstate_only"]) and russia["intensity"] == 2
    assert russia["intensity_soil"] == 0
    # intensity_soil is 0 exactly when every conflict of the country-year is interstate
    assert ((conflicts["intensity_soil"] == 0) == conflicts["interstate_only"]).all()


def test_matches_an_independent_count_of_v22_1(conflicts, raw_dir):
    raw = pd.read_csv(raw_dir / "ucdp-acd" / "ucdp-prio-acd-221.csv", dtype=str,
                      keep_default_na=False)
    raw = raw.assign(gw=raw["gwno_loc"].str.split(",")).explode("gw")
    raw["gw"] = raw["gw"].str.strip().astype(int)
    raw["year"] = raw["year"].astype(int)
    raw["intensity_level"] = raw["intensity_level"].astype(int)
    # 620 Libya, 475 Nigeria, 645 Iraq: highest intensity per year from the raw file
    for gw, iso in ((620, "LBY"), (475, "NGA"), (645, "IRQ")):
        expected = raw[raw["gw"] == gw].groupby("year")["intensity_level"].max()
        got = conflicts[(conflicts["country"] == iso) & (conflicts["date"] <= 2021)]
        assert got.set_index("date")["intensity"].to_dict() == expected.to_dict(), iso


def test_the_split_v25_1_record_is_repaired(raw_dir):
    import sys
    from pathlib import Path

    build_dir = Path(__file__).resolve().parents[1] / "datasets"
    sys.path.insert(0, str(build_dir))
    try:
        from _build.conflicts import read_v251
    finally:
        sys.path.remove(str(build_dir))
    frame, note = read_v251(raw_dir)
    china = frame[(frame["conflict_id"] == 11349) & (frame["year"] == 2008)]
    assert len(china) == 1 and china.iloc[0]["gwno_loc"] == "710"
    assert china.iloc[0]["intensity_level"] == 1 and "11349" in note


def test_descriptor_states_units_versions_and_the_interstate_caveat():
    notes = " ".join(venecon.describe("conflicts")["notes"])
    for text in ("25-999", "interstate", "gwno_loc", "v25.1", "RUS"):
        assert text in notes
    sources = venecon.describe("conflicts")["sources"]
    assert {s["source"] for s in sources} == {"ucdp_acd_221", "ucdp_acd_251"}
    assert all("CC BY 4.0" in s["license"] for s in sources)
