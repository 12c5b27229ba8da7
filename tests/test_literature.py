"""The registry of published figures (venecon.literature): verbatim quotes, values, accessors.

Every entry's ``quote`` (and ``arithmetic`` line, where there is one) must occur
verbatim in the project's literature note, ``research/literature.md``. The note
is looked for beside the raw data (``$VENECON_RAW_DIR/../research``, or
``$VENECON_TEST_DATA/../research``) and beside the checkout
(``<repo>/../shared/research``); without it the check is skipped, unless the
environment names the raw files (CI), where it fails.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from reference_data import strict

from venecon import literature as lit
from venecon.literature import REGISTRY, published, published_figures


def _note() -> Path | None:
    candidates = [
        Path(os.environ[var]).expanduser().resolve().parent / "research" / "literature.md"
        for var in ("VENECON_RAW_DIR", "VENECON_TEST_DATA")
        if os.environ.get(var)
    ]
    candidates.append(
        Path(__file__).resolve().parents[1].parent / "shared" / "research" / "literature.md"
    )
    return next((p for p in candidates if p.is_file()), None)


NOTE = _note()
needs_note = pytest.mark.skipif(
    NOTE is None and not strict(),
    reason=(
        "research/literature.md not found beside $VENECON_RAW_DIR, $VENECON_TEST_DATA "
        "or the checkout (../shared/research)"
    ),
)


@needs_note
@pytest.mark.parametrize("entry", REGISTRY, ids=[p.key for p in REGISTRY])
def test_quote_is_verbatim_in_the_literature_note(entry: lit.Published) -> None:
    assert NOTE is not None
    text = NOTE.read_text(encoding="utf-8")
    assert entry.quote in text, entry.key
    if entry.arithmetic is not None:
        assert entry.arithmetic in text, entry.key
    # the tag is in the quoted sentence, or (for quotes under a tagged heading) in the note
    assert entry.tag in entry.quote or entry.tag in text, entry.key


def test_registry_entries_are_complete_and_unique() -> None:
    keys = [p.key for p in REGISTRY]
    assert len(keys) == len(set(keys))
    assert keys == [
        "rodriguez2019",
        "rodriguez2022",
        "weisbrot_sachs2019",
        "oliveros2020",
        "monaldi2020",
        "iai2023",
        "guacamaya2025",
    ]
    for p in REGISTRY:
        assert p.study and p.citation and p.method and p.scope and p.quote, p.key
        assert p.tag in {"[V]", "[V-sec]"}, p.key
        assert p.kind in {"revenue loss", "output level"}, p.key
        assert p.figures and p.figure, p.key
        for f in p.figures:
            assert f.measure in {"kbd", "usd_bn"} and f.unit and f.text, p.key
        if p.kind == "revenue loss":
            assert p.usd_bn is not None, p.key
    assert lit.keys("output level") == ("monaldi2020", "iai2023", "guacamaya2025")


def test_published_accessor() -> None:
    r = published("rodriguez2019")
    assert r.value("kbd") == (797.0, "kb/d")
    assert r.value("usd_bn") == (16.9, "USD bn/yr")
    assert r.kbd == 797.0 and r.usd_bn == 16.9 and r.tag == "[V]"
    assert published("oliveros2020").value("usd_bn") == ((17.0, 31.0), "USD bn (total)")
    assert published("weisbrot_sachs2019").value("usd_bn") == (6.0, "USD bn (12 months)")
    assert published("monaldi2020").value("kbd") == (1300.0, "kb/d")
    assert published("iai2023").value("kbd") == (1150.0, "kb/d")
    assert published("guacamaya2025").value("kbd") == (1068.0, "kb/d")
    with pytest.raises(KeyError, match="publishes no"):
        published("monaldi2020").value("usd_bn")
    with pytest.raises(KeyError, match="known: rodriguez2019"):
        published("nobody2000")


def test_unknown_kind_is_a_venecon_error() -> None:
    from venecon.exceptions import UnknownValueError
    from venecon.literature import keys, published_figures

    assert len(keys("revenue loss")) + len(keys("output level")) == len(keys())
    with pytest.raises(UnknownValueError, match="kinds: \\['output level', 'revenue loss'\\]"):
        published_figures("revenue")


def test_published_figures_table() -> None:
    table = published_figures()
    assert list(table.index) == [p.key for p in REGISTRY]
    assert (table.loc["oliveros2020", "usd_bn_low"], table.loc["oliveros2020", "usd_bn_high"]) == (
        17.0,
        31.0,
    )
    assert table.loc["guacamaya2025", "kbd"] == 1068.0
    assert {"study", "citation", "method", "scope", "figure", "tag", "quote"} <= set(table.columns)
    assert list(published_figures("revenue loss").index) == list(lit.keys("revenue loss"))


def test_other_modules_take_their_facts_from_the_registry() -> None:
    import dataclasses

    from venecon.revenue.published import PUBLISHED, PUBLISHED_ARITHMETIC
    from venecon.study import bundled_studies
    from venecon.study.literature import Comparison

    for row in PUBLISHED:
        entry = published(row["key"])
        assert row["quote"] == entry.quote and row["figure"] == entry.figure
        assert row["citation"] == entry.citation and row["tag"] == entry.tag
    assert set(PUBLISHED_ARITHMETIC) == {"rodriguez2019", "rodriguez2022", "weisbrot_sachs2019"}
    # the studies declare which venecon number each figure is set beside (no published fact
    # typed in twice: value, unit, tag, window and concept come from the registry)
    fields = {f.name for f in dataclasses.fields(Comparison)}
    assert not fields & {"value", "unit", "tag", "citation"}
    declared = {c.id: (name, c) for name, s in bundled_studies().items() for c in s.comparisons}
    assert set(declared) >= {"rodriguez2019_kbd", "rodriguez2019_usd", "rodriguez2022",
                             "weisbrot_sachs2019", "oliveros2020", "monaldi2020", "iai2023",
                             "guacamaya2025"}
    name, c = declared["rodriguez2019_kbd"]
    assert name == "venezuela-annual" and c.sign == -1 and c.window == "first_full_year"
    assert declared["weisbrot_sachs2019"][1].window == ("2017-09", "2018-08")


def test_a_comparison_refuses_unverified_figures_and_flags_other_windows() -> None:
    from venecon.literature import Figure
    from venecon.study.literature import mismatch, parse_literature
    from venecon.study.spec import StudyError

    keys, comps = parse_literature("study.literature", [
        "oliveros2020",
        {"source": "rodriguez2019", "concept": "x", "window": ["2017-09", "2018-12"]},
    ])
    assert keys == ("oliveros2020", "rodriguez2019") and comps[0].id == "rodriguez2019_kbd"
    with pytest.raises(StudyError, match="quantity"):
        parse_literature("study.literature", [
            {"source": "rodriguez2019", "concept": "x", "quantity": "guess"}])
    with pytest.raises(StudyError, match="publishes no"):
        parse_literature("study.literature", [
            {"source": "monaldi2020", "concept": "x", "measure": "usd_bn"}])
    fig = Figure("kbd", 797.0, "kb/d", "t", window=("2017-09", "2018-12"), concept="c")
    assert mismatch(("2017-09", "2018-12"), "c", fig) == []
    why = mismatch(("2018", "2018"), "d", fig)
    assert "windows differ: venecon 2018 to 2018, published 2017-09 to 2018-12" in why[0]
    assert why[1].startswith("concepts differ")
    assert "states no window" in mismatch(("2018", "2018"), "c", Figure("kbd", 1.0, "kb/d",
                                                                        "t"))[0]


def test_unverified_tags_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import venecon.literature as lit
    from venecon.study.literature import parse_literature
    from venecon.study.spec import StudyError

    entry = dataclasses.replace(published("monaldi2020"), tag="[U]")
    monkeypatch.setattr(lit, "published", lambda key: entry)
    with pytest.raises(StudyError, match="tagged \\[U\\]"):
        parse_literature("study.literature", [{"source": "monaldi2020", "concept": "x"}])


def test_importing_the_registry_does_not_import_pandas() -> None:
    import subprocess

    code = "import sys, venecon.literature; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
