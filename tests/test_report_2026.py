"""The report's 2026 section: monthly output to the last bundled month, events, verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import venecon
from venecon.report import build_report
from venecon.report.analysis import run_analysis

FAST = {"report": {"sections": ["data", "reopening"], "studies": []}}

#: Licences and authorisations of 2026 in the events registry (all must be on the chart).
LICENCES_2026 = {"vitol-trafigura-licences-2026", "eo14373", "gl46", "gl46a", "gl47", "gl48",
                 "gl49", "gl50", "gl50a", "gl5u", "us-import-licence-2026", "pdvsa-sales-2026"}


@pytest.fixture(scope="module")
def analysis():
    return run_analysis(FAST)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report2026")
    build_report(out, config=FAST, quiet=True, studies=[])
    return out


def test_path_runs_to_the_last_bundled_month(analysis):
    table = analysis.frames["reopening_period"]
    crude = venecon.load("production_monthly", country="VEN", series="crude_oil")
    assert f"{table.index.max():%Y-%m}" == f"{crude['date'].max():%Y-%m}" == "2026-04"
    observed = crude.set_index("date")["value"].reindex(table.index)
    pd.testing.assert_series_equal(table["observed"], observed, check_names=False)
    assert (table["gap"] == table["observed"] - table["counterfactual"]).all()
    assert (table["band_lower"] < table["counterfactual"]).all()
    assert (table["counterfactual"] < table["band_upper"]).all()
    # the counterfactual is the pre-window's linear trend, fitted by ordinary least squares
    pre = crude[(crude["date"] >= "2024-01-01") & (crude["date"] <= "2025-11-01")]
    x = range(len(pre))
    slope, intercept = pd.Series(pre["value"].to_numpy()).pipe(
        lambda s: __import__("numpy").polyfit(list(x), s.to_numpy(), 1))
    steps = (table.index.year - 2024) * 12 + table.index.month - 1
    assert table["counterfactual"].to_numpy() == pytest.approx(intercept + slope * steps,
                                                               rel=1e-9)


def test_post_period_counts_and_events(analysis):
    h = analysis.results["headline"]["reopening_latest_gap_kbd"]
    assert h["window"] == ["2026-04", "2026-04"]
    assert h["post_months"] == {"absolute-resolve": 4, "gl46": 3}
    assert h["lower"] < h["estimate"] < h["upper"]
    marked = set(analysis.frames["reopening_events"]["id"])
    assert LICENCES_2026 <= marked and "absolute-resolve" in marked
    assert "reopening_level_shift_kbd" not in analysis.results["headline"]


def test_section_shows_every_month_and_the_verdict(report: Path):
    md = (report / "report.md").read_text()
    section = md.split("## After Maduro's capture, month by month", 1)[1].split("\n## ")[0]
    for month in ("2025-12", "2026-01", "2026-02", "2026-03", "2026-04"):
        assert f"| {month} |" in section, month
    assert "too short for a credible estimate" in section
    assert "4 monthly observations after the capture" in section
    assert "3 after `gl46`" in section
    assert "2026-05" not in section.split("Month by month")[0]
    assert (report / "figures" / "reopening.png").stat().st_size > 10_000
    res = json.loads((report / "results.json").read_text())
    assert res["headline"]["reopening_latest_gap_kbd"]["window"][1] == "2026-04"
