"""``venecon report``: files, determinism, config validation, --quiet, ``data build``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from venecon.cli import main
from venecon.exceptions import ConfigError, VeneconError
from venecon.report.config import DEFAULTS, SECTIONS, load_config, validate

#: These build reports (tens of seconds each on 2 cores): left out of `tox -e fast`.
pytestmark = pytest.mark.slow


FIGURES = {
    "production",
    "prices",
    "sanctions_its",
    "sanctions_arima",
    "breaks",
    "chevron_its",
    "chevron_arima",
    "reopening",
}
TABLES = {
    "sanctions_its",
    "sanctions_arima",
    "sanctions_lp",
    "breaks_level",
    "chevron_its",
    "chevron_arima",
    "chevron_lp",
    "reopening_its",
    "headline",
    "literature",
}


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--out", str(out), "--quiet"]) == 0
    return out


def test_report_writes_every_file(report_dir: Path) -> None:
    for name in ("report.html", "report.md", "results.json"):
        assert (report_dir / name).stat().st_size > 1000, name
    figs = {p.stem for p in (report_dir / "figures").glob("*.png")}
    tables = {p.stem for p in (report_dir / "tables").glob("*.tex")}
    assert FIGURES <= figs
    assert TABLES <= tables
    for p in (report_dir / "figures").glob("*.png"):
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for p in (report_dir / "tables").glob("*.tex"):
        text = p.read_text()
        assert "\\begin{tabular}" in text and "\\end{tabular}" in text, p.name


def test_html_is_self_contained_with_every_figure(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text()
    embedded = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,', html)
    assert len(embedded) == len(list((report_dir / "figures").glob("*.png")))
    assert not re.search(r'src="(?!data:)', html)  # nothing loaded from disk or the network
    md = (report_dir / "report.md").read_text()
    for p in (report_dir / "figures").glob("*.png"):
        assert f"figures/{p.name}" in md


def test_results_json_has_headlines_with_intervals_and_provenance(report_dir: Path) -> None:
    res = json.loads((report_dir / "results.json").read_text())
    head = res["headline"]
    for key in (
        "sanctions_its_oil_average_kbd",
        "sanctions_arima_oil_average_kbd",
        "sanctions_its_financial_average_kbd",
        "chevron_its_average_kbd",
        "reopening_latest_gap_kbd",
    ):
        h = head[key]
        assert h["lower"] <= h["estimate"] <= h["upper"], key
        assert h["unit"] and h["method"] and h["window"]
    assert res["config"] == validate({})
    prov = res["provenance"]
    assert set(prov["datasets"]) >= {"production_monthly", "prices_monthly"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", v) for v in prov["datasets"].values())
    assert prov["versions"]["venecon"] == res["venecon_version"]
    assert prov["data_version"]
    for model in res["models"].values():
        assert model["provenance"]["data"]["datasets"]
    lit = {row["id"]: row for row in res["literature"]}
    assert lit["rodriguez2019_kbd"]["value"] == -797.0 and lit["rodriguez2019_kbd"]["tag"] == "V"
    assert lit["monaldi2020"]["venecon_estimate"] == head["data_crude_2018_12_kbd"]["estimate"]
    # the sections whose modules exist are in the report; missing ones are listed, never stubbed
    assert set(res["sections"]) | set(res["sections_unavailable"]) == set(SECTIONS)
    if "synth" in res["sections"]:
        assert head["synth_effect_kbd"]["estimate"] < 0
        assert (report_dir / "figures" / "synth_paths.png").exists()
    if "revenue" in res["sections"]:
        h = head["revenue_lost_usd_bn_per_year"]
        assert h["lower"] <= h["estimate"] <= h["upper"]
        assert (report_dir / "figures" / "revenue_lost.png").exists()


#: Headline numbers of the deterministic default run (bundled data, Energy Institute 2026
#: edition), as stored in results.json (10 significant digits): estimate, lower, upper.
#: Changes from 0.1.0 (see CHANGELOG.md): ITS intervals use fixed-b critical values (point
#: estimates unchanged); the synthetic control runs on EI 2026 to 2025; revenue uses the
#: observed export share 0.7845 instead of 1; revenue is gross export value by channel with the
#: median observed Merey discount (11.55) after 2017 instead of the 2017 gap (6.56); the 2026
#: section reports each month's gap from the pre-blockade trend instead of a level shift.
PINNED = {
    "sanctions_its_financial_average_kbd": (-180.7398904, -367.9934505, 6.513669653),
    "sanctions_its_oil_average_kbd": (-561.4165446, -903.9173981, -218.9156911),
    "sanctions_arima_financial_average_kbd": (-255.3870637, -381.3165013, -127.0946527),
    "sanctions_arima_oil_average_kbd": (-690.9599696, -923.1985806, -446.5241949),
    "chevron_its_average_kbd": (95.35066940, 73.2280139, 117.4733249),
    "chevron_arima_average_kbd": (95.72822222, 81.00081864, 111.9439523),
    # descriptive only: the national-output ITS that was the Chevron headline before 0.3
    "chevron_output_its_average_kbd": (-126.0499894, -356.3112374, 104.2112585),
    # 2018 is the first full treated year, 2017 (EO 13808 from 2017-08-25) is left out; with
    # 2017 treated the same fit gave 2017-2025 -1121.39506 [-1507.430109, -1083.571867] and
    # 2017-2018 -496.8628095
    "synth_effect_kbd": (-1230.191685, -1638.979718, -1190.359113),
    "synth_effect_first_full_year_kbd": (-742.7035656, None, None),
    "synth_effect_oil_sanctions_kbd": (-1299.832845, None, None),
    "synth_effect_without_quota_bound_kbd": (-1709.583129, None, None),
    "reopening_latest_gap_kbd": (38.87351779, 5.411326665, 72.33570891),
    "revenue_lost_usd_bn_per_year": (5.141031274, 1.225435549, 9.056626999),
    "revenue_lost_real_usd_bn_per_year": (6.5232339, 1.52717968, 11.51928812),
}

#: The literature comparisons (declared by the studies, ``[[study.literature]]``): venecon's
#: number on the study's window, unchanged from the report's earlier LITERATURE table; the
#: Weisbrot & Sachs row was the headline sanctions_financial_value_12m_usd_bn and Rodríguez's
#: USD row synth_value_2018_2018_usd_bn_per_year.
PINNED_LITERATURE = {
    "rodriguez2019_kbd": (-742.7035656, None, None, False),
    "rodriguez2019_kbd_its": (-180.7398904, -367.9934505, 6.513669653, True),
    "rodriguez2019_usd": (12.65672765, None, None, False),
    "rodriguez2022": (5.141031274, 1.225435549, 9.056626999, False),
    "weisbrot_sachs2019": (2.267968023, -0.5789669474, 5.114902993, True),
    "oliveros2020": (12.00043465, 2.860468734, 21.14040056, False),
    "monaldi2020": (1301.0, None, None, True),
    "iai2023": (1271.0, None, None, True),
    "guacamaya2025": (930.0, None, None, False),
}


def test_literature_comparisons_are_pinned_and_state_both_windows(report_dir: Path) -> None:
    res = json.loads((report_dir / "results.json").read_text())
    rows = {r["id"]: r for r in res["literature"]}
    assert set(rows) == set(PINNED_LITERATURE)
    for key, (value, lower, upper, comparable) in PINNED_LITERATURE.items():
        r = rows[key]
        for want, name in ((value, "venecon_estimate"), (lower, "venecon_lower"),
                           (upper, "venecon_upper")):
            assert r[name] == (None if want is None else pytest.approx(want, rel=1e-9)), key
        assert r["comparable"] is comparable and bool(r["mismatch"]) is not comparable, key
        assert r["window"] and r["tag"] in ("V", "V-sec", "P") and r["citation"], key
    assert rows["rodriguez2019_kbd"]["window"] == [2018, 2018]
    assert rows["rodriguez2019_kbd"]["literature_window"] == ["2017-09", "2018-12"]
    assert rows["rodriguez2019_kbd_its"]["window"] == ["2017-09", "2018-12"]


@pytest.mark.parametrize("key", sorted(PINNED))
def test_headline_numbers_are_pinned(report_dir: Path, key: str) -> None:
    head = json.loads((report_dir / "results.json").read_text())["headline"]
    got = head[key]
    for value, name in zip(PINNED[key], ("estimate", "lower", "upper"), strict=True):
        if value is None:
            assert got[name] is None, (key, name)
        else:
            assert got[name] == pytest.approx(value, rel=1e-9, abs=1e-9), (key, name)


def test_studies_reproduce_the_standard_analysis(report_dir: Path) -> None:
    """The standard analysis's headlines are the bundled Venezuela studies' estimates."""
    res = json.loads((report_dir / "results.json").read_text())
    head, studies = res["headline"], res["studies"]
    pairs = [
        ("venezuela-chevron", "its", "chevron_its_average_kbd"),
        ("venezuela-2019-oil", "its", "sanctions_its_oil_average_kbd"),
        ("venezuela-2017-financial", "its", "sanctions_its_financial_average_kbd"),
        ("venezuela-annual", "synthetic_control", "synth_effect_kbd"),
    ]
    for study, estimator, key in pairs:
        e = studies[study]["estimates"][estimator]
        assert e["average_effect"] == pytest.approx(head[key]["estimate"], rel=1e-8), study
        assert e["unit"] == "kb/d" and head[key]["window"] == [
            int(x) if x.isdigit() else x for x in e["window"]], key
        assert head[key].get("study") == study
    models = res["models_from_studies"]
    assert models["sanctions_its"] == "venezuela-2019-oil.its"
    assert models["synth"] == "venezuela-annual.synthetic_control"
    assert models["chevron_output_its"] == "venezuela-chevron-output.its"
    assert "reuse" not in res["config"]["report"] and "reused_from_studies" not in res
    # the descriptive national-output study is never read as the licence's effect
    assert studies["venezuela-chevron-output"]["verdict"] == "not identified"
    assert any("descriptive outcome" in r
               for r in studies["venezuela-chevron-output"]["verdict_reasons"])
    for name, s in studies.items():
        if not s["identified"]:
            assert s["reason"], name
            continue
        rob = s["robustness"]
        if not s["declaration"]["robustness"]["enabled"]:
            assert rob is None, name
            continue
        assert rob["n_specifications"] >= 1
        assert rob["min"] <= rob["median"] <= rob["max"]
        assert 0 <= rob["share_same_sign"] <= 1 and 0 <= rob["share_significant"] <= 1
    sc = studies["venezuela-annual"]["estimates"]["synthetic_control"]
    assert abs(sum(sc["weights"].values()) - 1) < 1e-6 and 0 < sc["placebo_pvalue"] <= 1


def test_chevron_headline_is_exports_to_the_us_not_national_output(report_dir: Path) -> None:
    res = json.loads((report_dir / "results.json").read_text())
    head = res["headline"]
    h = head["chevron_its_average_kbd"]
    assert h["window"] == ["2022-11", "2023-09"] and h["unit"] == "kb/d"
    assert "exports to the US" in h["outcome"] and "13.32" in h["outcome"]
    assert "descriptive" not in h
    out = head["chevron_output_its_average_kbd"]
    assert out["descriptive"] is True
    assert "cannot identify a company licence" in out["level_note"]
    # the treatment path: one effect per licence regime, against the same baseline
    assert any("reported at 230 kb/d" in n for n in res["notes"]["chevron"])
    regimes = {k for k in head if k.startswith("chevron_its_regime_")}
    assert "chevron_its_regime_no_licence_average_kbd" in regimes and len(regimes) == 8
    md = (report_dir / "report.md").read_text()
    section = md.split("\n## Chevron's licences (GL 41 to GL 50)", 1)[1].split("\n## ", 1)[0]
    assert "cannot identify a company" in section
    assert "mean exports to the US" in section  # the table by licence state


def test_report_tells_the_story(report_dir: Path) -> None:
    md = (report_dir / "report.md").read_text()
    for heading in ("## Executive summary", "## Studies: estimates and robustness",
                    "## Local projections", "## Across countries",
                    "## Forest plot: venecon beside the literature", "## Revenue lost"):
        assert heading in md, heading
    summary = md.split("## Executive summary", 1)[1].split("\n## ", 1)[0]
    # the summary opens with the treated unit's bottom line, then every study's headline
    assert summary.lstrip().startswith("### Venezuela: the bottom line"), summary[:80]
    assert "Rodríguez (2019)" in summary and "Matching window" in summary
    every = summary.split("### Every study", 1)[1]
    for para in [p for p in every.split("\n\n") if p.startswith("**")]:
        # every headline comes with its robustness range and its caveats (or says there are none)
        assert "Robustness:" in para or "not identified" in para, para[:80]
        assert "Caveats:" in para or "raised no caveat" in para or "not identified" in para
    assert "sensitivity range USD" in md and "cells" in md
    figs = {p.stem for p in (report_dir / "figures").glob("*.png")}
    assert "forest" in figs and any(f.endswith("_specification_curve") for f in figs)


#: A study's headline paragraph (verdict, reasons and caveats) may not run past this: the
#: cohort study's repeated every conflict line (6,162 characters in venecon 0.4.0; 2,011
#: now). The longest, Chevron's licences (3,691), lists nine subwindows' agreement and
#: eight modelled events' uninformative intervals, each once.
MAX_PARAGRAPH = 4000


def _clauses(text: str) -> list[str]:
    """The clauses of a verdict text: sentences, ';'-separated items, numbered reasons."""
    out = []
    for c in re.split(r";\s+|\.\s+(?=[A-Z*])", text):
        c = re.sub(r"^\**(Verdict|Reasons|Caveats)[^:]*:\s*", "", c.strip())
        c = re.sub(r"^(\(\d+\) )?(passed|fragile|not identified): ", "", c).rstrip(".")
        if len(c) >= 40:  # short items ("Verdict: fragile") may repeat
            out.append(c)
    return out


def _repeated(texts: list[str]) -> list[str]:
    seen: set[str] = set()
    twice = []
    for c in (c for t in texts for c in _clauses(t)):
        if c in seen:
            twice.append(c)
        seen.add(c)
    return twice


def _reasons_table(section: str) -> list[str]:
    """The rows of a study section's table of verdict reasons."""
    blocks = [b for b in section.split("\n\n") if "each diagnostic and what it reads as" in b]
    return [line.strip("| ") for b in blocks for line in b.splitlines()[2:]]


def _study_sections(md: str) -> dict[str, str]:
    part = md.split("\n## Studies: estimates and robustness", 1)[1].split("\n## ", 1)[0]
    return {chunk.split("\n", 1)[0]: chunk for chunk in part.split("\n### ")[1:]}


def test_verdict_texts_say_each_caveat_once_and_stay_short(report_dir: Path) -> None:
    res = json.loads((report_dir / "results.json").read_text())
    for name, s in res["studies"].items():
        assert not _repeated([s["summary"]]), (name, _repeated([s["summary"]]))
        assert len(s["summary"]) <= MAX_PARAGRAPH, (name, len(s["summary"]))
    md = (report_dir / "report.md").read_text()
    every = md.split("### Every study", 1)[1].split("\n## ", 1)[0]
    for para in [p for p in every.split("\n\n") if p.startswith("**")]:
        assert not _repeated([para]), _repeated([para])
    # the study sections: the study's reasons (table) and caveats, and each other estimate's
    # verdict and caveats read beside them (estimates may share a reason with each other)
    for title, section in _study_sections(md).items():
        paras = section.split("\n\n")
        base = _reasons_table(section) + [p for p in paras if p.startswith("Caveats of the study")]
        assert not _repeated(base), (title, _repeated(base))
        for p in paras:
            if "Verdict:" in p or p.startswith("Caveats ("):
                assert not _repeated([*base, p]), (title, _repeated([*base, p]))
    cohorts = res["studies"]["oil-sanction-cohorts"]
    conflicts = [c for c in cohorts["confounders"] if "armed conflict" in c]
    assert len(conflicts) == 4  # LBY, IRQ, IRN, SYR: each named once, in full in the table
    assert sum(r.count("armed conflict in the treatment window") for r in
               cohorts["verdict_reasons"]) == 4


def test_every_study_has_a_verdict_and_the_summary_counts_them(report_dir: Path) -> None:
    res = json.loads((report_dir / "results.json").read_text())
    verdicts = {"credible", "fragile", "not identified"}
    counts = dict.fromkeys(("credible", "fragile", "not identified"), 0)
    for name, s in res["studies"].items():
        assert s["verdict"] in verdicts and s["verdict_reasons"], name
        counts[s["verdict"]] += 1
        for e in s["estimates"].values():
            assert e["verdict"] in verdicts and e["verdict_reasons"], name
        assert all(set(x) == {"unit", "reason"} for x in s["donors_excluded"]), name
    # issue 20: pre-RMSPE 1,031 kb/d, placebo p 0.977, an in-time placebo larger than the effect
    assert res["studies"]["russia-2022"]["verdict"] == "not identified"
    md = (report_dir / "report.md").read_text()
    summary = md.split("## Executive summary", 1)[1].split("\n## ", 1)[0]
    n = len(res["studies"])
    assert (f"{n} studies: {counts['credible']} credible, {counts['fragile']} fragile, "
            f"{counts['not identified']} not identified") in summary
    assert " identified." not in summary.replace("not identified.", "")


def test_results_json_is_identical_across_runs(report_dir: Path, tmp_path: Path) -> None:
    from venecon.report import build_report

    build_report(tmp_path / "again", quiet=True)
    assert (tmp_path / "again" / "results.json").read_bytes() == (
        report_dir / "results.json"
    ).read_bytes()
    text = (report_dir / "results.json").read_text()
    # Strict JSON: NaN and Infinity are not JSON values (prose may mention "NaN").
    def reject(constant: str) -> None:
        raise AssertionError(f"results.json holds the non-JSON value {constant}")

    json.loads(text, parse_constant=reject)
    assert not re.search(
        r"20\d\d-\d\d-\d\dT\d\d:\d\d", text.replace("T00:00:00", "")
    )  # no timestamps


def test_quiet_is_silent_and_default_shows_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "fast.toml"
    cfg.write_text('[report]\nsections = ["data"]\nstudies = ["venezuela-reopening"]\n')
    monkeypatch.setenv("VENECON_PROGRESS", "1")  # captured stderr is not a terminal
    assert main(["report", "--out", str(tmp_path / "q"), "--config", str(cfg), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert main(["report", "--out", str(tmp_path / "v"), "--config", str(cfg)]) == 0
    captured = capsys.readouterr()
    # a tqdm bar with its total (standard analysis, one study, writing) and the time left
    assert "venecon report" in captured.err and "3/3" in captured.err
    assert "report.html" in captured.out
    assert (tmp_path / "q" / "report.html").exists()
    monkeypatch.delenv("VENECON_PROGRESS")
    assert main(["report", "--out", str(tmp_path / "w"), "--config", str(cfg)]) == 0
    assert capsys.readouterr().err == ""  # not a terminal: no bar unless asked for


@pytest.mark.parametrize(
    ("toml", "key", "allowed"),
    [
        ('[sanctions]\nwindw = ["2019-01", "2019-12"]\n', "sanctions.windw", "financial"),
        ("[nope]\nx = 1\n", "nope", "[sanctions]"),
        ('[report]\nsections = ["data", "bogus"]\n', "report.sections", "literature"),
        ("[report]\nalpha = 2\n", "report.alpha", "a number in (0.0, 0.5]"),
        ('[sanctions]\noil = "Not A Slug"\n', "sanctions.oil", "a study name"),
        ("[chevron]\nstudy = 3\n", "chevron.study", "a study name"),
        ('[chevron]\nregimes_since = "2019-13"\n', "chevron.regimes_since", "YYYY-MM"),
        ('[synth]\ndonors = ["MEX", "NOR"]\n', "synth.donors", "study"),
        ('[revenue]\nbenchmark = "urals"\n', "revenue.benchmark", "brent, opec_basket"),
        ("[revenue]\nexport_share = 80\n", "revenue.export_share", "(0.0, 1.0]"),
    ],
)
def test_bad_config_names_key_and_allowed_values(
    tmp_path: Path, toml: str, key: str, allowed: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == key
    assert f"'{key}'" in str(info.value) and allowed in str(info.value)
    assert isinstance(info.value, VeneconError) and isinstance(info.value, ValueError)


def test_unknown_study_names_the_key_before_anything_runs(tmp_path: Path, capsys) -> None:
    path = tmp_path / "studies.toml"
    path.write_text('[synth]\nstudy = "venezuela-anual"\n')
    assert main(["report", "--out", str(tmp_path / "r"), "--config", str(path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "synth.study" in err and "venezuela-anual" in err and "venezuela-annual" in err
    assert not (tmp_path / "r").exists()  # fails before anything is written


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[report\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_config_overrides_are_applied_and_defaults_untouched() -> None:
    cfg = validate({"synth": {"study": "iran-2012"}, "report": {"sections": ["data"]}})
    assert cfg["synth"]["study"] == "iran-2012"
    assert cfg["sanctions"] == DEFAULTS["sanctions"]
    assert DEFAULTS["synth"]["study"] == "venezuela-annual"


def test_the_study_declaration_changes_the_numbers() -> None:
    """A window is changed in the study the section reads, not in the report config."""
    import dataclasses

    from venecon.report.analysis import run_analysis
    from venecon.study import Study
    from venecon.study.bundled import bundled_path

    oil = Study.from_toml(bundled_path("venezuela-2019-oil"))
    short = dataclasses.replace(
        oil, window=dataclasses.replace(oil.window, post=("2019-01", "2019-03")),
        robustness=dataclasses.replace(oil.robustness, enabled=False))
    a = run_analysis({"report": {"sections": ["sanctions"]}}, studies=[short.run()])
    h = a.results["headline"]["sanctions_its_oil_average_kbd"]
    assert h["window"] == ["2019-01", "2019-03"] and h["study"] == "venezuela-2019-oil"
    assert a.results["sections"] == ["sanctions"]


def test_data_build_outside_a_source_checkout(tmp_path: Path, monkeypatch, capsys) -> None:
    import venecon.cli as cli

    monkeypatch.setattr(cli, "__file__", str(tmp_path / "site-packages" / "venecon" / "cli.py"))
    assert main(["data", "build"]) == 2
    err = capsys.readouterr().err
    assert "source checkout" in err and "raw" in err


def test_data_build_needs_the_raw_files(tmp_path: Path, capsys) -> None:
    assert main(["data", "build", "--raw", str(tmp_path / "nothing")]) == 2
    assert "raw source files" in capsys.readouterr().err
