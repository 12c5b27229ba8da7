"""Presentation of ``venecon report`` (issue 13): figures, legends, labels, units, formats."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from venecon.policy.plotting import plot_events  # noqa: E402


@pytest.fixture(scope="module")
def small_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from venecon.report import build_report

    out = tmp_path_factory.mktemp("pres") / "report"
    build_report(out, {"report": {"sections": ["data", "sanctions"], "studies": []}}, quiet=True)
    return out


def test_same_day_events_share_one_label() -> None:
    fig, ax = plt.subplots()
    idx = pd.date_range("2018-01-01", "2020-01-01", freq="MS")
    ax.plot(idx, range(len(idx)))
    # eo13808 and gl1-4 carry the same registry date; so do pdvsa-sdn, gl7 and gl8
    plot_events(ax, ["eo13808", "gl1-4", "pdvsa-sdn", "gl7", "gl8"])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["pdvsa-sdn + gl7 + gl8"] or sorted(texts) == sorted(
        ["eo13808 + gl1-4", "pdvsa-sdn + gl7 + gl8"]
    )
    assert len(ax.lines) == 1 + len(texts)  # one dashed line per date, not per event
    plt.close(fig)


def test_near_events_do_not_overlap() -> None:
    fig, ax = plt.subplots(figsize=(10, 4))
    idx = pd.date_range("2010-01-01", "2026-04-01", freq="MS")
    ax.plot(idx, range(len(idx)))
    plot_events(ax, ["gl41a", "gl41b-expiry", "chevron-licence-2025", "gl46"])
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts]
    assert len(boxes) == 4
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "event labels print over each other"
    plt.close(fig)


def test_production_chart_spells_do_not_overlap_and_legend_is_readable(small_report) -> None:
    from venecon.report import figures
    from venecon.report.analysis import run_analysis

    fig = figures.production(run_analysis({"report": {"sections": ["data"]}}))
    main = fig.axes[0]
    assert not main.patches  # no shading under the series: spells live on their own rows
    legend = fig.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert "Financial sanctions in force" in labels
    assert all("_" not in lab for lab in labels), labels
    assert any(lab.startswith("Chevron licence: ") for lab in labels)
    plt.close(fig)


def test_every_axis_states_its_unit(small_report: Path) -> None:
    from venecon.report import figures
    from venecon.report.analysis import run_analysis

    a = run_analysis({"report": {"sections": ["data", "sanctions"]}})
    for stem, (func, _caption) in figures.FIGURES.items():
        fig = func(a)
        if fig is None:
            continue
        for ax in fig.axes:
            label = ax.get_ylabel()
            if label and ax.get_visible() and not ax.get_yticklabels()[0].get_text().isalpha():
                assert re.search(r"kb/d|USD|barrels|%", label), (stem, label)
        plt.close(fig)


def test_figures_in_vector_and_raster(small_report: Path) -> None:
    pngs = sorted(p.stem for p in (small_report / "figures").glob("*.png"))
    svgs = sorted(p.stem for p in (small_report / "figures").glob("*.svg"))
    assert pngs and pngs == svgs
    from PIL import Image

    with Image.open(small_report / "figures" / "production.png") as im:
        assert im.info["dpi"][0] == pytest.approx(150, abs=1)
    assert "<svg" in (small_report / "figures" / "production.svg").read_text()[:500]


def test_intervals_do_not_wrap_and_config_is_a_collapsed_appendix(small_report: Path) -> None:
    html = (small_report / "report.html").read_text()
    cells = re.findall(r"<td[^>]*>(-?[\d,.]+\s*\[[^<]*\])</td>", html)
    assert cells, "no estimate cells found"
    assert all(" " not in c for c in cells), cells[:3]  # only non-breaking spaces
    details = html.index("<details><summary>Configuration")
    assert "&quot;sections&quot;" in html[details:]  # the configuration dump sits inside it
    assert html.index("Provenance and how to cite") < details
    tex = (small_report / "tables" / "headline.tex").read_text()
    assert "\u00a0" not in tex and "~[" in tex
