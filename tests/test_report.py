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
        "reopening_2026_latest_gap_kbd",
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
        assert head["synth_effect_2018_2025_kbd"]["estimate"] < 0
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
    "sanctions_its_financial_average_kbd": (-180.7398904, -363.7656166, 2.285835757),
    "sanctions_its_oil_average_kbd": (-561.4165446, -898.56337, -224.2697193),
    "sanctions_arima_financial_average_kbd": (-255.3870637, -381.3165013, -127.0946527),
    "sanctions_arima_oil_average_kbd": (-690.9599696, -923.1985806, -446.5241949),
    "chevron_its_average_kbd": (95.35066940, 73.37022217, 117.3311166),
    "chevron_arima_average_kbd": (95.72822222, 81.00081864, 111.9439523),
    # descriptive only: the national-output ITS that was the Chevron headline before 0.3
    "chevron_output_its_average_kbd": (-126.0499894, -358.6100361, 106.5100573),
    # 2018 is the first full treated year, 2017 (EO 13808 from 2017-08-25) is left out; with
    # 2017 treated the same fit gave 2017-2025 -1121.39506 [-1507.430109, -1083.571867] and
    # 2017-2018 -496.8628095
    "synth_effect_2018_2025_kbd": (-1230.191685, -1638.979718, -1190.359113),
    "synth_effect_2018_2018_kbd": (-742.7035656, None, None),
    "synth_effect_2019_2025_kbd": (-1299.832845, None, None),
    "synth_effect_2018_2025_without_quota_bound_kbd": (-1709.583129, None, None),
    "reopening_2026_latest_gap_kbd": (38.87351779, 5.411326665, 72.33570891),
    "revenue_lost_usd_bn_per_year": (5.141031274, 1.274125722, 9.007936826),
    "revenue_lost_real_usd_bn_per_year": (6.5232339, 1.586337308, 11.46013049),
    "sanctions_financial_value_12m_usd_bn": (2.267968023, -0.5193874778, 5.055323524),
}


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
    """The bundled Venezuela studies give the standard analysis's numbers (same design)."""
    res = json.loads((report_dir / "results.json").read_text())
    head, studies = res["headline"], res["studies"]
    pairs = [
        ("venezuela-chevron", "its", "chevron_its_average_kbd"),
        ("venezuela-2019-oil", "its", "sanctions_its_oil_average_kbd"),
        ("venezuela-2017-financial", "its", "sanctions_its_financial_average_kbd"),
        ("venezuela-annual", "synthetic_control", "synth_effect_2018_2025_kbd"),
    ]
    for study, estimator, key in pairs:
        e = studies[study]["estimates"][estimator]
        assert e["average_effect"] == pytest.approx(head[key]["estimate"], rel=1e-8), study
        assert e["unit"] == "kb/d"
    for name, s in studies.items():
        if not s["identified"]:
            assert s["reason"], name
            continue
        rob = s["robustness"]
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
        ('[sanctions]\nwindw = ["2019-01", "2019-12"]\n', "sanctions.windw", "effect_window"),
        ("[nope]\nx = 1\n", "nope", "[sanctions]"),
        ('[report]\nsections = ["data", "bogus"]\n', "report.sections", "literature"),
        ("[report]\nalpha = 2\n", "report.alpha", "a number in (0.0, 0.5]"),
        (
            '[sanctions]\neffect_window = ["2019-13", "2019-12"]\n',
            "sanctions.effect_window[0]",
            "YYYY-MM",
        ),
        (
            '[sanctions]\neffect_window = ["2019-12", "2019-01"]\n',
            "sanctions.effect_window",
            "start <= end",
        ),
        ('[chevron]\nevents = {gl41 = "late 2022"}\n', "chevron.events.gl41", "YYYY-MM-DD"),
        ('[chevron]\ndeflate_benchmark = "dubai"\n', "chevron.deflate_benchmark", "brent, wti"),
        (
            '[chevron]\nregime_windows = {late = ["2025-13", "2026-01"]}\n',
            "chevron.regime_windows.late[0]",
            "YYYY-MM",
        ),
        ("[chevron]\nregime_windows = {}\n", "chevron.regime_windows", "table of windows"),
        ('[synth]\ndonors = ["MEX"]\n', "synth.donors", "at least two"),
        ('[synth]\nplacebo = "yes"\n', "synth.placebo", "true or false"),
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


def test_unknown_donor_names_the_key_and_the_allowed_codes(tmp_path: Path, capsys) -> None:
    path = tmp_path / "donors.toml"
    path.write_text('[synth]\ndonors = ["MEX", "XXX"]\n')
    assert main(["report", "--out", str(tmp_path / "r"), "--config", str(path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "synth.donors" in err and "XXX" in err and "allowed:" in err and "NOR" in err
    assert not (tmp_path / "r").exists()  # fails before anything is written


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[report\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_config_overrides_are_applied_and_defaults_untouched() -> None:
    cfg = validate(
        {"sanctions": {"effect_window": ["2019-01", "2019-06"]}, "report": {"sections": ["data"]}}
    )
    assert cfg["sanctions"]["effect_window"] == ["2019-01", "2019-06"]
    assert cfg["sanctions"]["events"] == DEFAULTS["sanctions"]["events"]
    assert DEFAULTS["sanctions"]["effect_window"] == ["2019-01", "2019-12"]


def test_config_changes_the_numbers(tmp_path: Path) -> None:
    from venecon.report import analyse

    short = analyse(
        {
            "report": {"sections": ["sanctions"]},
            "sanctions": {"effect_window": ["2019-01", "2019-03"]},
        }
    )
    h = short["headline"]["sanctions_its_oil_average_kbd"]
    assert h["window"] == ["2019-01", "2019-03"]
    assert short["sections"] == ["sanctions"]


def test_data_build_outside_a_source_checkout(tmp_path: Path, monkeypatch, capsys) -> None:
    import venecon.cli as cli

    monkeypatch.setattr(cli, "__file__", str(tmp_path / "site-packages" / "venecon" / "cli.py"))
    assert main(["data", "build"]) == 2
    err = capsys.readouterr().err
    assert "source checkout" in err and "raw" in err


def test_data_build_needs_the_raw_files(tmp_path: Path, capsys) -> None:
    assert main(["data", "build", "--raw", str(tmp_path / "nothing")]) == 2
    assert "raw source files" in capsys.readouterr().err
