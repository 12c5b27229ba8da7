"""``venecon report`` reliability (issue 15): bad --out fails first, whole-or-nothing output,
clear errors for non-UTF-8 configs and impossible dates, no private cross-module imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import venecon.report.analysis as analysis_module
import venecon.report.render as render_module
from venecon.cli import main
from venecon.exceptions import ConfigError, VeneconError
from venecon.report.config import load_config

#: These build reports (tens of seconds each on 2 cores): left out of `tox -e fast`.
pytestmark = pytest.mark.slow


FAST = '[report]\nsections = ["data"]\nstudies = []\n'


@pytest.fixture
def fast_config(tmp_path: Path) -> Path:
    path = tmp_path / "fast.toml"
    path.write_text(FAST)
    return path


@pytest.fixture
def no_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if the analysis starts: a bad --out must be caught before."""

    def boom(*_a, **_k):
        raise AssertionError("the analysis ran before --out was checked")

    monkeypatch.setattr(render_module, "run_analysis", boom)


def test_out_is_an_existing_file(tmp_path: Path, no_analysis, capsys) -> None:
    target = tmp_path / "report.html"
    target.write_text("not a directory")
    assert main(["report", "--out", str(target), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "not a directory" in err
    assert target.read_text() == "not a directory"


def test_out_below_a_file_is_unwritable(tmp_path: Path, no_analysis, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["report", "--out", str(blocker / "sub" / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "cannot create the parent directory" in err


def test_out_directory_with_foreign_files_is_not_replaced(tmp_path: Path, no_analysis) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(ConfigError, match="other than a venecon report") as info:
        render_module.build_report(tmp_path / "mine", quiet=True)
    assert info.value.key == "--out"
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if "venecon-" in p.name)


def test_failure_mid_write_leaves_nothing(tmp_path: Path, fast_config: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"

    def fail(results, path):  # figures are already written when results.json is
        assert any((path.parent / "figures").iterdir())
        raise KeyboardInterrupt  # a user's Ctrl-C (or a kill) mid-write

    monkeypatch.setattr(render_module, "write_results_json", fail)
    with pytest.raises(KeyboardInterrupt):
        render_module.build_report(out, str(fast_config), quiet=True)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_failure_mid_write_keeps_the_earlier_report(tmp_path: Path, fast_config: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    render_module.build_report(out, str(fast_config), quiet=True)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Path("results.json") in before

    def fail(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render_module, "write_results_json", fail)
    with pytest.raises(OSError, match="No space"):
        render_module.build_report(out, str(fast_config), quiet=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert _leftovers(tmp_path) == []
    monkeypatch.undo()
    render_module.build_report(out, str(fast_config), quiet=True)  # rerun replaces it whole
    assert (out / "results.json").read_bytes() == before[Path("results.json")]
    assert _leftovers(tmp_path) == []


def test_non_utf8_config(tmp_path: Path, capsys) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[report]\n# compañía\nsections = ["data"]\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8") as info:
        load_config(path)
    assert isinstance(info.value, VeneconError) and "re-save" in str(info.value)
    assert main(["report", "--out", str(tmp_path / "o"), "--config", str(path), "--quiet"]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("date", ["2017-02-30", "2019-04-31", "2023-02-29"])
def test_impossible_treatment_date_fails_validation(date: str) -> None:
    """Dates live in the study declarations the report reads; they are checked there."""
    from venecon.study import Study
    from venecon.study.spec import StudyError

    decl = {"study": {"name": "x", "treated": "VEN", "treatment": date,
                      "outcome": {"dataset": "production_monthly", "series": "crude_oil"},
                      "window": {"pre": ["2016-01", "2016-12"], "post": ["2017-09", "2018-12"]},
                      "estimators": {"its": {}}}}
    with pytest.raises(StudyError, match="not a calendar date") as info:
        Study.from_dict(decl)
    assert info.value.key == "study.treatment"


def test_leap_day_is_a_date() -> None:
    from venecon.study.spec import period

    assert period("study.treatment", "2016-02-29") == "2016-02-29"


def test_report_imports_no_private_names_of_other_modules() -> None:
    """Issue 16: ``report`` used ``models.results._versions``; only public names may cross."""
    root = Path(analysis_module.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level == 1:
                continue  # same-package relative imports are the package's own
            if node.level == 0 and not (node.module or "").startswith("venecon"):
                continue
            offenders += [f"{path.name}: {a.name}" for a in node.names
                          if a.name.startswith("_") and a.name != "__version__"]
    assert offenders == []
