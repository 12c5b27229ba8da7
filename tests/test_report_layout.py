"""Layout of ``venecon.report`` (issue 13): no country code, date or event id in its code
(they live in the bundled declarations); sections are a registry; studies compose the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import venecon
import venecon.report.sections as sections_module

REPORT = Path(sections_module.__file__).parent
#: ISO3 codes of oil producers under a recorded sanction (and Venezuela's)
SANCTIONED = ("VEN", "IRN", "RUS", "LBY", "SYR", "IRQ", "SDN", "SSD", "CUB", "PRK", "MMR", "YEM")
DATE = re.compile(r"\b(1[89]|20)\d\d-(0[1-9]|1[0-2])\b")


def _sources() -> list[Path]:
    return sorted(REPORT.rglob("*.py"))


def test_no_country_code_date_or_event_id_in_report_code() -> None:
    ids = sorted(i for i in venecon.events()["id"] if len(i) > 3)
    event = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    code = re.compile(r"\b(" + "|".join(SANCTIONED) + r")\b")
    hits = []
    for path in _sources():
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in (("code", code), ("date", DATE), ("event id", event)):
                m = pattern.search(line)
                if m:
                    hits.append(f"{path.name}:{no}: {what} {m.group(0)!r}")
    assert hits == [], "\n".join(hits)


def test_the_declarations_hold_them() -> None:
    """The standard analysis is declared in TOML next to the code, and it is what runs."""
    text = (REPORT / "bundled" / "standard-analysis.toml").read_text(encoding="utf-8")
    assert DATE.search(text) and 'treated = "VEN"' in text
    from venecon.report.config import DEFAULTS

    assert DEFAULTS["report"]["treated"] == "VEN"
    assert DEFAULTS["sanctions"]["oil"] == "venezuela-2019-oil"
    assert "reuse" not in DEFAULTS["report"] and "events" not in DEFAULTS["sanctions"]


#: The method references the report's prose cites by author and year.
CITATIONS = ("(Jordà 2005)", "Bai's (1997)")


def test_no_year_in_report_code() -> None:
    """Windows and years come from the study and report declarations, never from code."""
    year = re.compile(r"(?<!\d)(19|20)[0-9]{2}(?!\d)")  # inside names too: ``frames_2026``
    hits = []
    for path in sorted(REPORT.glob("*.py")):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for c in CITATIONS:
                line = line.replace(c, "")
            if year.search(line):
                hits.append(f"{path.name}:{no}: {line.strip()}")
    assert hits == [], "\n".join(hits)


def test_no_window_literal_in_report_code() -> None:
    """No window spelled in code, not even inside a name (``value_2017_2018``, ``2022..2023``):
    a window comes from a declaration, and a key built from it carries the declared name."""
    window = re.compile(r"(?<!\d)(19|20)\d\d(_|-|\.\.|/)(19|20)?\d\d(?!\d)")
    hits = [
        f"{path.name}:{no}: {line.strip()}"
        for path in _sources()
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if window.search(line)
    ]
    assert hits == [], "\n".join(hits)


def test_adding_a_section_is_one_function(tmp_path: Path) -> None:
    from venecon.report import study_sections  # noqa: F401 - registers the built-in sections
    from venecon.report.blocks import Doc
    from venecon.report.renderers import to_html, to_markdown
    from venecon.report.sections import (
        ReportContext,
        compose,
        registered,
        section,
        unregister,
    )

    @section("test_extra", order=11)
    def extra(studies, ctx):
        d = Doc()
        d.h(2, "Extra")
        d.p(f"{len(studies)} studies; alpha {ctx.config['alpha']}")
        return d.blocks

    try:
        names = registered()
        assert names.index("executive_summary") < names.index("test_extra")
        doc = compose([], ReportContext(config={"alpha": 0.05}), names=["test_extra"])
        assert "0 studies; alpha 0.05" in to_markdown(doc.blocks)
        assert "<h2>Extra</h2>" in to_html(doc.blocks, "t")
    finally:
        unregister("test_extra")
    with pytest.raises(ValueError, match="already registered"):
        section("executive_summary", order=1)(lambda s, c: [])


def test_unknown_study_in_config() -> None:
    from venecon.exceptions import ConfigError
    from venecon.report.config import validate

    with pytest.raises(ConfigError, match="unknown bundled study") as info:
        validate({"report": {"studies": ["atlantis-1999"]}})
    assert info.value.key == "report.studies"
