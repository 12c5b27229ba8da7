"""``venecon study list | template | check`` and the catalogue's printed width."""

from __future__ import annotations

import json

import pytest

from venecon.cli import main
from venecon.study.bundled import bundled_names


def test_study_list_names_every_bundled_study_in_100_columns(capsys):
    assert main(["study", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["name", "treated", "treatment", "title"]
    for name in bundled_names():
        assert any(line.startswith(name + " ") for line in lines), name
    row = next(line for line in lines if line.startswith("iran-2012 "))
    assert row.split()[1:3] == ["IRN", "2012"] and "EU oil embargo on Iran" in row
    assert max(map(len, lines)) <= 100


def test_check_names_each_cohort_of_a_staggered_design(capsys):
    assert main(["study", "check", "oil-sanction-cohorts"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line == ("    study 'oil-sanction-cohorts' (annual): treated units (first treated "
                    "period): LBY 1986, IRQ 1990, IRN 1995, SYR 2011, VEN 2019 (first oil "
                    "sanction)")


@pytest.mark.slow
def test_study_template_is_accepted_by_check_and_runs(tmp_path, capsys):
    assert main(["study", "template"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# A venecon study") and "[study.window]" in text
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["study", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"ok: {path}" in out and "study 'my-study' (annual): IRN treated at 2012" in out
    assert "estimators: synthetic_control" in out
    assert main(["study", "run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    estimate = results["studies"]["my-study"]["estimates"]["synthetic_control"]
    assert isinstance(estimate["average_effect"], float)


def test_study_check_reports_every_bad_file_and_fails(tmp_path, capsys):
    assert main(["study", "template"]) == 0
    text = capsys.readouterr().out
    bad_unit = tmp_path / "bad_unit.toml"
    bad_unit.write_text(text.replace('treated = "IRN"', 'treated = "XXX"'), encoding="utf-8")
    typo = tmp_path / "typo.toml"
    typo.write_text(text.replace("post = [2012, 2015]", "psot = [2012, 2015]"), encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text("[study\n", encoding="utf-8")
    code = main(["study", "check", str(bad_unit), "iran-2012", str(typo), str(broken)])
    assert code == 2
    captured = capsys.readouterr()
    out = captured.out
    assert f"error: {bad_unit}" in out and "'study.treated': 'XXX' is not in the data" in out
    assert f"error: {typo}" in out and "'study.window.psot': unknown key" in out
    assert f"error: {broken}" in out and "not valid TOML" in out
    assert "ok: " in out and "iran-2012.toml" in out  # a good file between bad ones is checked
    assert "3 problem(s) in 4 file(s)" in captured.err


def test_study_check_catches_two_studies_of_one_name(capsys):
    assert main(["study", "check", "iran-2012", "iran-2012"]) == 2
    out = capsys.readouterr().out
    assert "two studies in one run are named 'iran-2012'" in out


def test_study_check_of_an_unknown_name(capsys):
    assert main(["study", "check", "no-such-study"]) == 2
    out = capsys.readouterr().out
    assert "'no-such-study' is neither a file nor a bundled study" in out


def test_data_list_fits_100_columns(capsys):
    assert main(["data", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "frequency", "start", "last_period", "rows", "title"]
    assert max(map(len, lines)) <= 100


def test_datasets_repr_fits_100_columns():
    import pandas as pd

    import venecon

    cat = venecon.datasets()
    text = repr(cat)
    assert max(map(len, text.splitlines())) <= 100
    assert "production_annual" in text and "sha256" in text  # hidden columns are named
    assert isinstance(cat, pd.DataFrame) and {"title", "licence", "sha256"} <= set(cat.columns)
    assert type(cat[["name", "title"]]) is pd.DataFrame  # selections are plain frames
    assert cat.loc[cat["name"] == "events", "title"].item().startswith("Registry")


def test_canonical_is_one_json_form():
    import numpy as np
    import pandas as pd

    from venecon.canonical import canonical
    from venecon.models.core.results import jsonable

    value = {"b": np.float64(1 / 3), "a": [pd.Timestamp("2019-01-01"), pd.NaT, -0.0,
                                           float("nan"), np.int64(2), np.bool_(True)]}
    assert list(canonical(value)) == ["a", "b"]
    assert canonical(value) == {"a": ["2019-01-01", None, 0.0, None, 2, True],
                                "b": 0.3333333333}
    assert canonical(value, dates="month")["a"][0] == "2019-01"
    assert jsonable(value)["b"] == 1 / 3  # every bit kept
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index([2001, 2002], name="year"))
    assert canonical(frame) == [{"year": 2001, "x": 1.0}, {"year": 2002, "x": 2.0}]
    assert json.dumps(canonical({1: {3, 1}, "t": pd.Timestamp("2020-02-03 04:05")}))


def test_aggregate_codes_cover_every_non_country_code_in_the_bundled_tables():
    import pycountry

    import venecon
    from venecon.data.codes import AGGREGATE_CODES
    from venecon.study.spec import AGGREGATES

    assert AGGREGATES is AGGREGATE_CODES
    iso = {c.alpha_3 for c in pycountry.countries}
    for name in ("production_annual", "production_monthly", "trade_annual", "rigs", "macro",
                 "reported_monthly", "prices_monthly", "oil_sanction_episodes", "conflicts"):
        codes = set(venecon.load(name)["country"].dropna().astype(str))
        assert codes - iso <= AGGREGATE_CODES, (name, sorted(codes - iso - AGGREGATE_CODES))
    assert {"WLD", "SUN"} <= AGGREGATE_CODES and not AGGREGATE_CODES & iso


@pytest.mark.parametrize("bad", ["yesterday-ish", None])
def test_one_date_reader_names_what_it_read(bad):
    from venecon._periods import read_date
    from venecon.exceptions import DateRangeError

    with pytest.raises(DateRangeError, match=r"cannot read start|start is missing"):
        read_date(bad, "start", DateRangeError)
    import pandas as pd

    assert read_date("2019-01-28", "start", DateRangeError) == pd.Timestamp("2019-01-28")
