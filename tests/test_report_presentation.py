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

#: These build reports (tens of seconds each on 2 cores): left out of `tox -e fast`.
pytestmark = pytest.mark.slow


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


# --------------------------------------------------------------------------- issue 20, item 10


def test_counts_shares_and_sentence_ends_read_as_english() -> None:
    from venecon._text import percent, plural, sentence

    assert plural(1, "study") == "1 study" and plural(9, "study") == "9 studies"
    assert plural(0, "specification") == "0 specifications"
    assert plural(1, "was", count=False) == "was" and plural(2, "was", count=False) == "were"
    assert percent(-0.004) == "0%" and percent(-0.0) == "0%"  # never "-0%"
    assert (percent(0.04) == "+4%" and percent(-0.19) == "-19%"
            and percent(0.5, signed=False) == "50%")
    assert percent(-0.0004, 1) == "0.0%"
    assert sentence("Did you mean 'SYR'?") == "Did you mean 'SYR'?"
    assert sentence("no caveat") == "no caveat." and sentence("done. ") == "done."


def test_study_error_with_a_suggestion_ends_once() -> None:
    from venecon.study import Study, StudyError

    d = {"study": {"name": "typo", "treated": "IRX", "treatment": 2012,
                   "outcome": {"dataset": "production_annual", "series": "oil_production"},
                   "window": {"pre": [1995, 2011], "post": [2012, 2015]},
                   "estimators": {"synthetic_control": {"v": "equal", "placebo": False}}}}
    with pytest.raises(StudyError) as info:
        Study.from_dict(d).run()
    text = str(info.value)
    assert re.search(r"Did you mean '[A-Z]{3}'\? Fix:", text), text
    assert "?." not in text


def _simulated_study(name: str = "sim", treatment_label: str | None = None, **est: object):
    from venecon.models.synth.grid import simulated_panel
    from venecon.study import Study
    from venecon.study.spec import Treatment

    p = simulated_panel(n_donors=12, n_periods=31, treatment_period=26, effect=-50.0, noise=1.0,
                        seed=3, n_covariates=0)
    frame = pd.DataFrame({"unit": p["unit"].replace({"treated": "ZZZ"}),
                          "time": p["period"] + 1989, "value": p["y"]})
    return Study(name=name, title=f"Simulated study {name}", treated="ZZZ",
                 treatment=Treatment(value=2015, label=treatment_label),
                 outcome={"frame": frame, "units": "kb/d"},
                 window={"pre": [1990, 2014], "post": [2015, 2020]},
                 estimators={"synthetic_control": {"v": "equal", "placebo": True, **est}},
                 robustness={"enabled": False}).run()


@pytest.fixture(scope="module")
def sim_results():
    return _simulated_study()


def test_executive_summary_counts_in_the_singular(sim_results) -> None:
    from venecon.report import study_sections
    from venecon.report.sections import ReportContext

    blocks = study_sections.executive_summary([sim_results], ReportContext(config={}))
    text = " ".join(str(b[1]) for b in blocks)
    assert "1 study: 1 credible, 0 fragile, 0 not identified (1 of 1 ran)" in text
    assert "1 studies" not in text
    assert "-0%" not in text


def test_study_figure_marks_treatment_windows_country_and_source(sim_results) -> None:
    from venecon.report.study_sections import path_figure_args
    from venecon.study.report import path_figure

    e = sim_results.headline_estimate
    fig = path_figure(**path_figure_args(sim_results, e))
    title = fig._suptitle.get_text()
    assert "ZZZ" in title and sim_results.study.title in title
    top = fig.axes[0]
    xs = [ln.get_xdata()[0] for ln in top.lines if len(set(ln.get_xdata())) == 1]
    assert 2014.5 in xs  # the treatment (a year: its first day, between the 2014 and 2015 points)
    assert len(top.patches) >= 2  # pre-period and post window shaded
    labels = top.get_legend_handles_labels()[1]
    assert "pre-period" in labels and "post window" in labels
    assert any(t.get_text().startswith("Source: the user's panel") for t in fig.texts)
    plt.close(fig)


def test_two_windows_on_one_series_give_different_figures(sim_results) -> None:
    import dataclasses
    import io

    from venecon.report.study_sections import path_figure_args
    from venecon.study.report import path_figure

    e = sim_results.headline_estimate
    images = []
    for window in (("2015", "2020"), ("2017", "2020")):
        fig = path_figure(**path_figure_args(sim_results, dataclasses.replace(e, window=window)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=50)
        plt.close(fig)
        images.append(buf.getvalue())
    assert images[0] != images[1]


def test_forest_labels_are_not_clipped() -> None:
    from venecon.report.study_sections import forest_figure

    long = "venecon: US financial sanctions on Somewhere (EO 99999), 2017 (Interrupted time series)"
    rows = [{"label": long, "source": "venecon", "value": -180.0, "lower": -360.0, "upper": 2.0,
             "unit": "kb/d"},
            {"label": "Rodríguez (2019), Torino Economics: 797 kb/d decline associated with the "
                      "2017 financial sanctions", "source": "x", "value": -797.0, "lower": None,
             "upper": None, "unit": "kb/d"}]
    fig = forest_figure(rows)
    assert fig.dpi == 150  # laid out at the dpi it is saved at
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for t in ax.get_yticklabels():
            box = t.get_window_extent(renderer)
            assert box.x0 >= 0, t.get_text()
    texts = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any(t.startswith("venecon:") for t in texts)
    plt.close(fig)


def test_synthetic_control_tables_for_referees(sim_results) -> None:
    from venecon.study.report import PRE_FIT_FILTERS, synthetic_control_tables

    tables = synthetic_control_tables(sim_results.estimates["synthetic_control"])
    assert set(tables) == {"Predictor balance and V weights", "Donor weights",
                           "Placebos filtered by pre-period fit", "In-time placebo"}
    bal = tables["Predictor balance and V weights"]
    assert {"treated", "synthetic", "V"} <= set(bal.columns)
    assert bal["V"].sum() == pytest.approx(1.0)
    pl = tables["Placebos filtered by pre-period fit"]
    assert len(pl) == 1 + len(PRE_FIT_FILTERS)
    assert (pl["p-value"] >= pl["smallest possible p"] - 1e-12).all()
    assert pl["units compared"].iloc[0] == 13  # the treated unit and 12 donors, no filter
    assert pl["units compared"].is_monotonic_decreasing
    it = tables["In-time placebo"]
    # the placebo the verdict reads, moved back into the pre-period
    placebo = sim_results.estimates["synthetic_control"].extra["in_time_placebo"]
    assert it.index.tolist() == [placebo["moved_to"]]
    # a placebo date with no true effect: far smaller than the real -50
    assert abs(it["average gap"].iloc[0]) < 10


def test_study_section_renders_the_referee_tables(sim_results, tmp_path: Path) -> None:
    from venecon.report import study_sections
    from venecon.report.renderers import to_markdown
    from venecon.report.sections import ReportContext

    ctx = ReportContext(config={}, figure_dir=tmp_path)
    md = to_markdown(study_sections.study_results([sim_results], ctx))
    for title in ("predictor balance and v weights", "placebos filtered by pre-period fit",
                  "in-time placebo", "donor weights"):
        assert title in md.lower()
    assert any(k.endswith("in_time_placebo") for k in ctx.tex)
    assert "\\begin{tabular}" in ctx.tex["study_sim_synthetic_control_predictor_balance_and"]


# --------------------------------------------------------------------------- issue 20, item 8


def test_on_window_reads_a_path_on_a_published_window() -> None:
    from venecon.literature import on_window, published

    months = pd.date_range("2017-01-01", "2019-06-01", freq="MS")
    monthly = pd.Series(range(len(months)), index=months, dtype=float)
    got = on_window(monthly, ("2018-01", "2018-02"))
    assert got["first"] == "2018-01" and got["last"] == "2018-02" and got["n"] == 2
    assert got["average"] == pytest.approx((12 * 31 + 13 * 28) / 59)  # days-in-month weights
    assert got["end"] == 13.0
    annual = pd.Series([-100.0, -300.0, -900.0], index=[2017, 2018, 2019])
    got = on_window(annual, ("2017-09", "2018-12"))  # 2017 has 4 months in it: left out
    assert (got["first"], got["last"], got["average"]) == ("2018", "2018", -300.0)
    assert on_window(annual, ("2020-01", "2020-12")) is None
    fig = published("rodriguez2019").get("kbd")
    assert fig.window == ("2017-09", "2018-12") and "[U]" in fig.window_note


def _with_verdict(r, verdict, reasons=("placebo rank 1 of 13",)):
    """The study and each of its estimates given ``verdict`` (None: no verdict recorded)."""
    import dataclasses

    reasons = () if verdict is None else tuple(reasons)
    estimates = {k: dataclasses.replace(e, verdict=verdict, verdict_reasons=reasons)
                 for k, e in r.estimates.items()}
    return dataclasses.replace(r, verdict=verdict, verdict_reasons=reasons, estimates=estimates)


@pytest.fixture(scope="module")
def episode_studies():
    # two designs of one episode on the same panel: the equal-V one fits worse than nested V
    return (_simulated_study("sim-a", "eo13808"),
            _simulated_study("sim-b", "eo13808", v="nested"))


def test_bottom_line_prefers_the_credible_design_with_the_best_fit(episode_studies) -> None:
    from venecon.report.bottom_line import bottom_line, designs, preferred
    from venecon.report.renderers import to_markdown

    a, b = (_with_verdict(r, "credible") for r in episode_studies)
    ds = designs([a, b], "ZZZ", "eo13808")
    assert {d.study for d in ds} == {"sim-a", "sim-b"}
    best = preferred(ds)
    assert best.relative_fit == min(d.relative_fit for d in ds)
    md = to_markdown(bottom_line([a, b], "ZZZ"))
    assert md.index("the bottom line") < md.index("Preferred estimate: **")
    assert f"study `{best.study}`" in md.split("Preferred estimate: **", 1)[1].split(".", 1)[0] \
        or best.study in md
    assert "Across the 2 credible designs" in md
    assert "Rodríguez (2019)" in md and "Matching window 2017-09..2018-12" in md
    for word in ("Hyperinflation", "OPEC+", "COVID-19", "EIA versus OPEC", "Bahar",
                 "Hausmann & Muci"):
        assert word in md, word


def test_bottom_line_without_a_credible_design_says_so(episode_studies) -> None:
    from venecon.report.bottom_line import bottom_line
    from venecon.report.renderers import to_markdown

    a, b = episode_studies
    md = to_markdown(bottom_line([_with_verdict(a, "fragile", ("poor pre-fit",)),
                                  _with_verdict(b, "not identified", ("no donors",))], "ZZZ"))
    assert "No design of this episode is rated credible" in md
    assert "fragile, not a preferred estimate" in md and "Preferred estimate: **" not in md
    assert "Not identified: " in md and "no donors" in md
    assert bottom_line([a], "QQQ") == []  # no study of the treated unit: no bottom line


def test_bottom_line_without_verdicts_prefers_nothing(episode_studies) -> None:
    from venecon.report.bottom_line import bottom_line
    from venecon.report.renderers import to_markdown

    md = to_markdown(bottom_line([_with_verdict(r, None) for r in episode_studies], "ZZZ"))
    assert "No verdict was recorded for this episode's designs, so none is preferred" in md
    assert "unrated, not a preferred estimate" in md and "Preferred estimate: **" not in md
