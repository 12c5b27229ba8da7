"""The ``opec_quotas`` table: OPEC / OPEC+ quota obligations and exemptions by year."""

from __future__ import annotations

import pandas as pd
import pytest

import venecon


@pytest.fixture(scope="module")
def quotas() -> pd.DataFrame:
    return venecon.load("opec_quotas").set_index(["date", "country"])


def test_every_row_is_tagged_and_cited(quotas):
    assert set(quotas["tag"]) <= {"V", "P"}
    assert quotas["source_url"].str.startswith("http").all()
    assert not quotas.index.duplicated().any()
    assert quotas.index.get_level_values("date").max() == 2022  # 2023-2025 unverified


def test_exemptions_of_the_issue(quotas):
    for year in (2017, 2018):
        assert not quotas.loc[(year, "LBY"), "quota_bound"]
        assert not quotas.loc[(year, "NGA"), "quota_bound"]
        assert quotas.loc[(year, "VEN"), "quota_bound"]
    for year in (2019, 2020, 2021, 2022):
        for code in ("VEN", "IRN", "LBY"):
            assert not quotas.loc[(year, code), "quota_bound"], (year, code)
        for code in ("SAU", "AGO", "RUS", "NGA"):
            assert quotas.loc[(year, code), "quota_bound"], (year, code)
    assert quotas.loc[(2020, "MEX"), "quota_bound"] and (2021, "MEX") not in quotas.index


def test_2017_2018_allocations_match_asb_table_1_2(quotas, raw_dir):
    # ASB 2018 Table 1.2, column "Jun17-" (footnote 54/), thousand b/d, read independently
    sheet = pd.read_excel(
        raw_dir / "opec-asb-2018" / "T12 - OPEC Members crude oil production allocations.xlsx",
        header=None, dtype=object)
    col = next(i for i, v in enumerate(sheet.iloc[3]) if str(v).strip() == "54/")
    labels = sheet.iloc[:, 0].astype(str).str.strip()
    for name, code in (("Saudi Arabia", "SAU"), ("Venezuela", "VEN"), ("IR Iran", "IRN")):
        value = sheet.iloc[labels[labels == name].index[0], col]
        assert f"allocation {value} thousand b/d" in quotas.loc[(2018, code), "note"]
        assert quotas.loc[(2018, code), "tag"] == "V"


def test_membership_changes(quotas):
    assert quotas.loc[(2019, "QAT"), "member"] == "none"
    assert quotas.loc[(2020, "ECU"), "member"] == "none"
    assert (2019, "ECU") in quotas.index and quotas.loc[(2019, "ECU"), "quota_bound"]


def test_descriptor_says_what_stays_unverified():
    notes = " ".join(venecon.describe("opec_quotas")["notes"])
    assert "from 2023 on" in notes and "Mexico's obligations after 2020" in notes
