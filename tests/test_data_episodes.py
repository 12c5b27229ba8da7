"""The curated oil_sanction_episodes table: schema, provenance, builder checks."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pandas as pd
import pytest
from reference_data import unavailable

import venecon

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "datasets"))
from _build import episodes  # noqa: E402

REQUIRED = {"IRN", "IRQ", "LBY", "RUS", "SYR", "SDN", "VEN"}


def test_loads_with_every_required_producer_and_a_citation_per_row():
    eps = venecon.load("oil_sanction_episodes")
    assert REQUIRED <= set(eps["country"])
    assert eps["episode_id"].is_unique
    assert eps["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert ((eps["end"] >= eps["start"]) | eps["end"].isna()).all()
    assert eps["start"].dtype == "int64" and eps["end"].dtype == "float64"
    assert set(eps["verification"]) <= {"V", "P"}
    assert eps["citation"].str.contains("GSDB v3 case").all()
    assert eps.loc[eps["verification"] == "P", "remarks"].str.len().gt(0).all()
    assert set(eps["oil_measure"]) <= {"yes", "no", "unverified"}
    # every required producer has at least one verified oil measure
    oil = eps[(eps["oil_measure"] == "yes")]
    assert REQUIRED <= set(oil["country"])
    # spot checks against the sources cited in the rows
    row = eps.set_index("episode_id")
    assert row.loc["IRQ-1990-UN", "instrument"].startswith("UN Security Council resolution 661")
    assert (row.loc["IRQ-1990-UN", "start"], row.loc["IRQ-1990-UN", "end"]) == (1990, 2003)
    assert pd.isna(row.loc["VEN-2019-US", "end"])


def test_descriptor_documents_sources_and_fields():
    entry = venecon.describe("oil_sanction_episodes")
    assert entry["rows"] == len(episodes.EPISODES)
    assert all(s["path"].startswith("https://") for s in entry["sources"])
    assert any("Gap:" in n for n in entry["notes"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"episode_id": "IRN-1995-US"}, "duplicate"),
        ({"country": "Iran"}, "ISO3"),
        ({"end": 1900}, "before start"),
        ({"verification": "U"}, "verification"),
        ({"gsdb_case": "x"}, "gsdb_case"),
    ],
)
def test_builder_rejects_bad_rows(change, message):
    bad = dataclasses.replace(episodes.EPISODES[2], **change)
    if "country" in change:
        bad = dataclasses.replace(bad, episode_id=f"{change['country']}-2012-EU")
    with pytest.raises(ValueError, match=message):
        episodes.validate([*episodes.EPISODES, bad] if "episode_id" in change else
                          [*episodes.EPISODES[:2], bad, *episodes.EPISODES[3:]])


def test_build_is_deterministic_and_matches_the_committed_file(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    ea = episodes.build(tmp_path / "no-raw", a)
    eb = episodes.build(tmp_path / "no-raw", b)
    assert ea == eb
    data = (a / "oil_sanction_episodes.csv").read_bytes()
    assert data == (b / "oil_sanction_episodes.csv").read_bytes()
    assert data == (REPO / "datasets" / "data" / "oil_sanction_episodes.csv").read_bytes()


def test_cited_gsdb_cases_match_the_gsdb_file(raw_dir):
    gsdb = raw_dir / episodes.GSDB_FILE
    if not gsdb.is_file():
        unavailable(f"{gsdb} is missing (shared/raw/MANIFEST.md, gsdb/)")
    frame = episodes.validate(episodes.EPISODES)
    assert episodes.check_against_gsdb(frame, gsdb) == 17
