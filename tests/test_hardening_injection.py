"""Issue 23, defect 2: study names are checked at one place; user text is escaped per format.

Titles, units, unit names and donor reasons are the user's text: no ``<script>``
survives into ``report.md`` or ``report.html`` (attributes included), no cell of
a table CSV starts a spreadsheet formula, and LaTeX specials stay text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from test_fuzz_api import outside_code

from venecon.cli import main
from venecon.escaping import csv_cell, latex_text, markdown_text
from venecon.models.synth.grid import simulated_panel
from venecon.report.render import write_study_report
from venecon.report.renderers import to_html, to_markdown
from venecon.study import Study
from venecon.study.spec import StudyError

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","x")'


def _frame(treated: str = "ZZZ") -> pd.DataFrame:
    p = simulated_panel(n_donors=8, n_periods=20, treatment_period=15, effect=-5.0, noise=0.5,
                        seed=1, n_covariates=0)
    unit = p["unit"].replace({"treated": treated})
    return pd.DataFrame({"unit": unit, "time": p["period"] + 2000, "value": p["y"]})


def _study(name: str = "inject", **kw) -> Study:
    args = dict(
        name=name, treated="ZZZ", treatment=2014,
        outcome={"frame": _frame(), "units": FORMULA},
        window={"pre": [2000, 2013], "post": [2014, 2019]},
        estimators={"synthetic_control": {"v": "equal", "placebo": False}},
        robustness={"enabled": False},
    )
    args.update(kw)
    return Study(**args)


@pytest.mark.parametrize("name", ['x"><img src=x onerror=alert(1)>', "a/b", "../up", "A-Upper",
                                  "", "x" * 101, 7, None])
def test_python_study_names_are_checked_like_toml(name) -> None:
    with pytest.raises(StudyError, match="study.name"):
        _study(name)


@pytest.mark.parametrize("name", ['x\\"><img src=x>', "a/b"])
def test_toml_and_cli_names_are_checked(tmp_path: Path, name: str, capsys) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text(f'[study]\nname = "{name}"\ntreated = "IRN"\ntreatment = 2012\n'
                    'outcome = {dataset = "production_annual", series = "crude_oil"}\n'
                    'window = {pre = [2000, 2011], post = [2012, 2015]}\n'
                    '[study.estimators.its]\n')
    assert main(["study", "run", str(toml), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "study.name" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_user_text_is_escaped_in_every_output(tmp_path: Path) -> None:
    s = _study(title=SCRIPT, description=SCRIPT + " [click](javascript:alert(1))")
    write_study_report([s.run()], tmp_path)
    md = outside_code((tmp_path / "report.md").read_text(encoding="utf-8"))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in md and "<script" not in html
    assert "](javascript" not in md
    assert "&lt;script>" in md  # shown as text, not dropped
    rows = []
    for path in sorted((tmp_path / "tables").glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows += list(csv.reader(fh))
    cells = [c for r in rows for c in r]
    assert "'" + FORMULA in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    # numbers stay numbers: a negative effect is not quoted
    assert any(c.startswith("-") and c[1:2].isdigit() for c in cells)


def test_html_attributes_and_markdown_blocks_are_escaped(tmp_path: Path) -> None:
    png = tmp_path / "f.png"
    png.write_bytes(b"\x89PNG")
    blocks = [("h", (1, SCRIPT)), ("p", f"unit {IMG} and `<code>`"),
              ("table", (["unit", "reason"], [[IMG, SCRIPT]], SCRIPT)),
              ("fig", ('x"onload="alert(1)', png, IMG)),
              ("code", "```\n<script>x</script>"), ("details", (SCRIPT, "````"))]
    html = to_html(blocks, SCRIPT)
    assert "<script" not in html and "<img src=x" not in html
    assert 'id="fig-x&quot;onload=&quot;alert(1)"' in html
    md = to_markdown(blocks)
    assert "````\n```\n<script>x</script>\n````" in md  # a fence the code cannot close
    assert "<script" not in outside_code(md)
    assert "<img" not in md
    assert "`<code>`" in md  # code spans are literal already


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\nx"), ("a\r\nb", "a\nb"), ("plain", "plain"), (-1.5, -1.5),
    ("", "")])
def test_csv_formula_prefix_rule(text, expected) -> None:
    assert csv_cell(text) == expected


def test_latex_and_markdown_escapes() -> None:
    assert latex_text(r"50% & $x_1^2$ #{~}\ <a>") == (
        r"50\% \& \$x\_1\textasciicircum{}2\$ \#\{\textasciitilde{}\}\textbackslash{} "
        r"\textless{}a\textgreater{}")
    assert markdown_text("``<b>`") == "``&lt;b>`"  # an unclosed run is no code span
    assert markdown_text("![x](y) [r]: z") == "![x\\](y) [r\\]: z"
    assert markdown_text("12.3 [1.0, 2.0]") == "12.3 [1.0, 2.0]"


def test_model_summary_latex_escapes_once_and_keeps_comments_on_one_line() -> None:
    """Before: ``\\`` became ``\\textbackslash{}`` and then its braces were escaped again."""
    from venecon.models.core.results import Summary

    latex = Summary("y\\x{1}\n\\input{/etc/passwd}", [("unit", "50% & $x^$")], [], []).as_latex()
    first = latex.splitlines()[0]
    assert first == r"% y\textbackslash{}x\{1\} \textbackslash{}input\{/etc/passwd\}"
    assert r"unit & 50\% \& \$x\textasciicircum{}\$ \\" in latex


def test_markdown_text_keeps_a_user_line_break_from_opening_a_block() -> None:
    # found by the writers' fuzz test: two user strings joined in one sentence, each
    # "```" + line break + "<script>", made the second line an HTML block
    from markdown_it import MarkdownIt

    from venecon.escaping import markdown_text

    text = markdown_text("**```\n<script>** and ```\n<script>")
    assert "\n" not in text
    assert "<script" not in MarkdownIt().render(text)
