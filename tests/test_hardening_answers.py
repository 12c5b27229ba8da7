"""Issue 23, defects 4, 5 (files) and 7 (raw tracebacks from study inputs).

No silent wrong answer: duplicate study names, ignored ``predictor_years``, an
infinite price, a unit called ``NA``. No unbounded read: ``file=`` and
``--config`` accept regular files of bounded size only. No raw traceback: an
empty, non-UTF-8 or ragged CSV, an impossible date, a bad ``flag_column``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import venecon.revenue as rev
from venecon.cli import main
from venecon.exceptions import ConfigError, DataValueError, VeneconError
from venecon.models.synth.grid import simulated_panel
from venecon.report.config import load_config
from venecon.study import Study
from venecon.study.output import results_dict
from venecon.study.spec import StudyError

sys.path.insert(0, str(Path(__file__).parent))


def _panel(seed: int = 3) -> pd.DataFrame:
    p = simulated_panel(n_donors=20, n_periods=31, treatment_period=26, effect=-20.0, noise=1.0,
                        seed=seed, n_covariates=0)
    return pd.DataFrame({"unit": p["unit"].replace({"treated": "ZZZ"}),
                         "time": p["period"] + 1989, "value": p["y"]})


def _study(name: str = "p", outcome=None, **sc) -> Study:
    return Study(name=name, treated="ZZZ", treatment=2015,
                 outcome=outcome or {"frame": _panel(), "units": "kb/d"},
                 window={"pre": [1990, 2014], "post": [2015, 2020]},
                 estimators={"synthetic_control": {"v": "nested", "placebo": False, **sc}},
                 robustness={"enabled": False})


def _effect(**sc) -> float:
    return _study(**sc).run().estimates["synthetic_control"].average_effect


# --------------------------------------------------------------------------- 4. silent answers
def test_two_studies_with_one_name_are_refused(tmp_path: Path, capsys) -> None:
    toml = tmp_path / "a.toml"
    from venecon.study.bundled import bundled_path

    toml.write_text(bundled_path("iran-2012").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["study", "run", "iran-2012", str(toml), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 2
    assert "two studies in one run are named 'iran-2012'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    r = _study("same").run()
    with pytest.raises(StudyError, match="named 'same'"):
        results_dict([r, r])


def test_predictor_years_alone_are_used() -> None:
    """[1990] alone was ignored (the default predictors gave -19.809209)."""
    default = _effect()
    assert default == pytest.approx(-19.809209, abs=1e-6)
    year = _effect(predictor_years=[1990])
    assert year != pytest.approx(default, abs=1e-3)
    assert year == pytest.approx(_effect(predictor_windows=[[1990, 1990]]), rel=1e-12)


@pytest.mark.parametrize("years", [[2018], [1980], [2000, 2015]])
def test_predictor_years_outside_the_pre_period_are_refused(years) -> None:
    with pytest.raises(StudyError, match="predictor_years.*outside the pre-period"):
        _study(predictor_years=years)


def test_predictor_window_outside_the_pre_period_is_refused() -> None:
    with pytest.raises(StudyError, match="does not overlap the pre-period"):
        _study(predictor_windows=[[2016, 2018]])


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_revenue_with_an_infinite_price_raises(bad) -> None:
    idx = pd.date_range("2019-01", periods=3, freq="MS")
    prices = pd.Series([60.0, bad, 62.0], index=idx, name="brent")
    volumes = pd.Series([1000.0, 1000.0, 1000.0], index=idx)
    assumptions = rev.Assumptions(export_share=0.8, discount=rev.Discount.usd(10.0))
    with pytest.raises(DataValueError, match="infinite or not a number in 2019-02"):
        rev.estimate(volumes, prices, assumptions)
    share = rev.Assumptions(export_share=0.8, discount=rev.Discount.percent(10.0))
    with pytest.raises(DataValueError, match="2019-02"):
        rev.estimate(volumes, prices, share)


def test_a_unit_named_na_is_a_unit(tmp_path: Path) -> None:
    frame = _panel()
    frame["unit"] = frame["unit"].replace({"donor0001": "NA", "donor0002": "N/A",
                                           "donor0003": "null"})
    frame.to_csv(tmp_path / "panel.csv", index=False)
    s = _study(outcome={"file": str(tmp_path / "panel.csv"), "units": "kb/d"})
    assert {"NA", "N/A", "null"} <= set(s.design.donors)
    assert "nan" not in s.design.donors


# --------------------------------------------------------------------------- 5. bounded reads
def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


@pytest.mark.timeout(30)
@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "/dev/stdin", "fifo", "dir"])
def test_user_csv_must_be_a_regular_file(tmp_path: Path, special: str) -> None:
    path = {"fifo": lambda: str(_fifo(tmp_path)), "dir": lambda: str(tmp_path)}.get(
        special, lambda: special)()
    with pytest.raises(StudyError, match="not a regular file|cannot read"):
        _study(outcome={"file": path, "units": "kb/d"})


@pytest.mark.timeout(30)
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_config_must_be_a_regular_file(tmp_path: Path, special: str, capsys) -> None:
    path = str(_fifo(tmp_path)) if special == "fifo" else special
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(path)
    assert main(["report", "--out", str(tmp_path / "o"), "--config", path, "--quiet"]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_oversized_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import venecon.userfiles as userfiles

    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (userfiles.MAX_CONFIG_BYTES + 10) + "\n")
    with pytest.raises(ConfigError, match="more than the"):
        load_config(big)
    with pytest.raises(StudyError, match="more than the"):
        Study.from_toml(big)
    csv = tmp_path / "p.csv"
    _panel().to_csv(csv, index=False)
    monkeypatch.setattr(userfiles, "MAX_CSV_BYTES", 100)
    with pytest.raises(StudyError, match="more than the 100 allowed"):
        userfiles.read_user_csv(csv, lambda p, f: StudyError("study.outcome.file", p, f),
                                limit=userfiles.MAX_CSV_BYTES)


# --------------------------------------------------------------------------- 7. no tracebacks
@pytest.mark.parametrize("content, words", [
    (b"", "is empty"), (b"   \n\n", "is empty"),
    (b"unit,time,value\nVEN,2000,1\nCOL,2000,\xff\xfe\n", "not UTF-8"),
    (b"unit,time,value\nVEN,2000,1\nCOL,2000,2,9,9\n", "not a rectangular CSV"),
])
def test_bad_user_csv_is_a_study_error(tmp_path: Path, content: bytes, words: str) -> None:
    (tmp_path / "p.csv").write_bytes(content)
    with pytest.raises(StudyError, match=words) as info:
        _study(outcome={"file": str(tmp_path / "p.csv"), "units": "kb/d"})
    assert info.value.key == "study.outcome.file"


def test_non_utf8_study_toml(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes('[study]\nname = "x"\ntitle = "compañía"\n'.encode("latin-1"))
    with pytest.raises(StudyError, match="not UTF-8"):
        Study.from_toml(path)


@pytest.mark.parametrize("where", ["treatment", "window"])
@pytest.mark.parametrize("date", ["2015-02-30", "2014-04-31", "2015-02-29"])
def test_impossible_calendar_dates_in_a_study(where: str, date: str) -> None:
    kw = {"treatment": date} if where == "treatment" else {
        "window": {"pre": ["1990-01", date], "post": ["2016-01", "2016-12"]}}
    args = dict(name="d", treated="ZZZ", treatment=2015,
                outcome={"frame": _panel(), "units": "kb/d"},
                window={"pre": [1990, 2014], "post": [2015, 2020]},
                estimators={"its": {}}, robustness={"enabled": False})
    args.update(kw)
    with pytest.raises(StudyError, match="not a calendar date"):
        Study(**args)


def test_impossible_calendar_date_in_a_toml(tmp_path: Path, capsys) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[study]\nname = "d"\ntreated = "IRN"\ntreatment = "2015-02-30"\n'
                    'outcome = {dataset = "production_annual", series = "crude_oil"}\n'
                    'window = {pre = [2000, 2011], post = [2012, 2015]}\n'
                    '[study.estimators.its]\n')
    assert main(["study", "run", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "not a calendar date" in capsys.readouterr().err


@pytest.mark.parametrize("flag", [["flag"], "value", "unit", "time", "", 3])
def test_flag_column_must_name_one_other_column(flag) -> None:
    with pytest.raises(StudyError, match="flag_column"):
        _study(outcome={"frame": _panel(), "units": "kb/d", "flag_column": flag})


def test_every_error_above_is_a_venecon_error() -> None:
    assert issubclass(StudyError, VeneconError) and issubclass(DataValueError, VeneconError)


def _report_of(frame: pd.DataFrame, tmp_path: Path, treated: str = "ZZZ", **kw) -> Path:
    from venecon.report.render import write_study_report

    s = Study(name="draw", treated=treated, treatment=2015,
              outcome={"frame": frame, "units": "kb/d $^"},
              window={"pre": [1990, 2014], "post": [2015, 2020]},
              estimators={"synthetic_control": {"v": "equal", "placebo": False}},
              robustness={"enabled": False}, **kw)
    out = tmp_path / "out"
    write_study_report([s.run()], out)
    return out


def test_a_unit_named_like_mathtext_is_drawn_literally(tmp_path: Path) -> None:
    frame = _panel()
    frame["unit"] = frame["unit"].replace({"ZZZ": "$x^$"})
    out = _report_of(frame, tmp_path, treated="$x^$", title="$x^$ and $\\frac{$")
    assert (out / "figures" / "study_draw_headline.png").stat().st_size > 1000
    assert "$x^$" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("time", [2000, 2016])
def test_a_value_too_large_to_represent_stops_the_study_with_its_reason(
        tmp_path: Path, time: int) -> None:
    # 1e308 reached the figures (a raw OverflowError) before the models refused values whose
    # squares overflow; now the estimator refuses it and the report says why
    frame = _panel()
    frame.loc[(frame["unit"] == "ZZZ") & (frame["time"] == time), "value"] = 1e308
    out = _report_of(frame, tmp_path)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "larger than 1e+100" in md and "overflow" in md
