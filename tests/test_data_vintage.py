"""Vintage on every table, readable describe(), incomplete-month flags and country hints."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest

import venecon
from venecon.data import _package
from venecon.exceptions import IncompleteDataWarning, UnknownValueError


@pytest.mark.parametrize("name", _package.names())
def test_every_table_states_its_last_period_and_vintage(name):
    entry = venecon.describe(name)
    vintage = entry["vintage"]
    assert vintage["last_period"] is not None
    row = venecon.datasets().set_index("name").loc[name]
    assert row["last_period"] == vintage["last_period"] and row["vintage"]
    for raw in vintage.get("raw_files", []):
        # Upstream commit date (UTC) from the repository metadata, where the snapshot has it.
        assert raw["commit"]
        assert raw["committed"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", raw["committed"])


def test_vintage_names_the_commit_times_of_the_raw_files():
    vintage = venecon.describe("production_annual")["vintage"]
    times = {raw["file"]: raw["committed"] for raw in vintage["raw_files"]}
    # MANIFEST.md: the 2026 EI workbook is in commit 73d0b84 of 2026-07-21.
    ei = "energy-institute-2026/EI-Stats-Review-ALL-data-2026.xlsx"
    assert times[ei] == "2026-07-21"
    assert vintage["last_period_by_source"] == {"ei_sr2024": 2023, "ei_sr2026": 2025,
                                                "eia_ies": 2025, "opec_asb2018": 2017}
    assert venecon.describe("trade")["vintage"]["latest_commit"] == "2026-08-17"
    assert venecon.describe("events")["vintage"]["last_period"] == "2026-03-18"


def test_describe_is_a_readable_dict():
    entry = venecon.describe("trade")
    text = repr(entry)
    assert text.startswith("trade: ") and "last period" in text and "2026-08-17" in text
    assert "incomplete_reporting" in text
    assert "<table>" in entry._repr_html_()
    plain = entry.to_dict()
    assert type(plain) is dict and plain["name"] == "trade"
    json.dumps(entry)  # still a JSON-safe dict
    assert entry["hash"].startswith("sha256:")


def test_cli_describe_prints_a_summary_before_the_json(capsys):
    from venecon.cli import main

    assert main(["data", "describe", "trade"]) == 0
    out = capsys.readouterr().out
    summary, _, body = out.partition("\n\n")
    assert summary.startswith("trade: ")
    assert json.loads(body)["name"] == "trade"


def test_comtrade_months_still_reporting_are_flagged():
    with pytest.warns(IncompleteDataWarning):
        trade = venecon.load("trade", source="un_comtrade", series="exports_value",
                             start="2026-03")
    flags = trade.set_index(trade["date"].dt.strftime("%Y-%m"))["flag"]
    # Months closing less than three months before the raw file's commit (2026-08-17).
    assert flags.dropna().index.tolist() == ["2026-05", "2026-06", "2026-07"]
    assert set(flags.dropna()) == {"incomplete_reporting"}
    values = trade.set_index(trade["date"].dt.strftime("%Y-%m"))["value"]
    assert values["2026-06"] == pytest.approx(81.45)  # the apparent collapse being flagged
    # IMF (US-reported) rows are never flagged by this rule.
    assert venecon.load("trade", source="imf_imts")["flag"].isna().all()


def test_load_warns_listing_flagged_months_only_when_the_window_holds_them():
    with pytest.warns(IncompleteDataWarning, match="2026-06, 2026-07"):
        venecon.load("trade", source="un_comtrade", start="2026-06")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        venecon.load("trade", source="un_comtrade", end="2026-04")
        venecon.load("trade", source="imf_imts")


@pytest.mark.parametrize("given", ["Venezuela", "VE", "ve", "venezuela, bolivarian republic of",
                                   "Venezuala"])
def test_a_country_name_or_alpha2_gets_the_alpha3_code(given):
    with pytest.raises(UnknownValueError, match="use 'VEN'"):
        venecon.load("production_annual", country=given)


def test_country_hint_for_partners_and_unknown_names():
    with pytest.raises(UnknownValueError, match="use 'USA'"):
        venecon.load("trade", partner="United States")
    with pytest.raises(UnknownValueError) as err:
        venecon.load("production_annual", country="Atlantis")
    assert "alpha-3" not in str(err.value)


def test_live_names_mean_the_bundled_concept():
    from venecon.sources.live import LIVE_DATASETS

    # A live dataset named like a bundled one has its columns; live-only series have own names.
    assert "trade" not in LIVE_DATASETS and "us_crude_imports" in LIVE_DATASETS
    for name in set(LIVE_DATASETS) & set(_package.names()):
        bundled = [f["name"] for f in _package.resource(name)["schema"]["fields"]]
        assert list(LIVE_DATASETS[name].columns) == bundled, name


def test_live_vintage_reports_the_retrieval_time():
    from venecon.data.load import live_vintage

    frame = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-02-01"])})
    frame.attrs["venecon"] = {"responses": [{"retrieved_utc": "2026-11-30T10:00:00Z"},
                                            {"retrieved_utc": "2026-12-01T09:30:00Z"}]}
    assert live_vintage(frame) == {
        "retrieved_utc": "2026-12-01T09:30:00Z", "last_period": "2026-02-01",
        "basis": "live overlay: newest retrieval time (UTC) of its raw responses"}


def test_readme_lists_every_dataset_with_its_last_period_and_vintage():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[1] / "README.md"
    if not readme.is_file():
        pytest.skip("README.md not beside the tests (installed package)")
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 7:
            rows[cells[0].strip("`")] = cells
    catalogue = venecon.datasets().set_index("name")
    assert set(rows) == set(catalogue.index)
    for name, cells in rows.items():
        assert cells[3] == str(catalogue.at[name, "last_period"]), name
        assert cells[4] == catalogue.at[name, "vintage"], name
