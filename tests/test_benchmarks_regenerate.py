"""``benchmarks/regenerate.py`` rewrites only the generated section of BENCHMARKS.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _regenerate():
    path = ROOT / "benchmarks" / "regenerate.py"
    spec = importlib.util.spec_from_file_location("regenerate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_splice_ignores_the_markers_named_in_prose_and_replaces_its_own_block():
    r = _regenerate()
    prose = f"rewrites `{r.BEGIN}` and `{r.END}` below:"
    doc = f"# Benchmarks\n\n{prose}\n\n## Targets\n\nt\n\n## Older rows\n\nold\n"
    once = r.splice(doc, "first run")
    assert prose in once
    assert once.index("## Targets") < once.index("first run") < once.index("## Older rows")
    twice = r.splice(once, "second run")
    assert "first run" not in twice and twice.count("second run") == 1
    assert twice.count(r.BEGIN) == 2 and prose in twice  # the prose mention and the marker


def test_the_committed_file_has_one_generated_block():
    r = _regenerate()
    text = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert text.count(f"\n{r.BEGIN}\n") == 1 and text.count(f"\n{r.END}\n") == 1
