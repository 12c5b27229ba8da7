"""The documentation site builds offline with warnings as errors, and its tutorials run clean.

The build executes every example notebook (myst-nb), so this is also where the
tutorials are run on the bundled data. After the build, the executed notebooks
are read back: a tutorial must not print stray matplotlib reprs
(``<Axes: ...>``, ``Text(...)``) or unexplained warnings.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_nb")
pytest.importorskip("numpydoc")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
STRAY_REPR = re.compile(r"^(<(Axes|Figure|matplotlib)[^>]*>|Text\(|\[<matplotlib)", re.M)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (DOCS / "conf.py").is_file():
        pytest.skip("no docs/ in this tree (installed package without the source checkout)")
    out = tmp_path_factory.mktemp("docs")
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
           "-d", str(out / "doctrees"), str(DOCS), str(out / "html")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert proc.returncode == 0, (
        f"sphinx-build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}")
    return out


def test_landing_api_and_tutorial_pages_exist(built: Path) -> None:
    html = built / "html"
    assert (html / "index.html").is_file()
    assert (html / "api" / "index.html").is_file()
    tutorials = sorted((html / "tutorials").glob("*.html"))
    examples = sorted((ROOT / "examples").glob("*.ipynb"))
    assert {p.stem for p in tutorials} == {p.stem for p in examples}


def test_every_public_name_has_a_page(built: Path) -> None:
    sys.path.insert(0, str(DOCS))
    try:
        import _api
    finally:
        sys.path.remove(str(DOCS))
    pages = {p.stem for p in (built / "html" / "api" / "generated").glob("*.html")}
    missing = [path for package, *_ in _api.PACKAGES for _, path in _api._entries(package)
               if path not in pages]
    assert not missing, f"public names without an API page: {missing}"


def _executed_notebooks(built: Path) -> list[Path]:
    found = sorted(built.rglob("jupyter_execute/**/*.ipynb")) or sorted(
        (built / "html").rglob("*.ipynb"))
    return [p for p in found if not p.name.startswith(".")]


def test_tutorials_print_no_stray_reprs_or_warnings(built: Path) -> None:
    notebooks = _executed_notebooks(built)
    assert notebooks, "the build kept no executed notebooks"
    problems = []
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            for output in cell.get("outputs", []):
                text = output.get("text") or output.get("data", {}).get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                if output.get("name") == "stderr" and "Warning" in text:
                    problems.append(f"{path.name} cell {i}: warning printed: {text[:200]!r}")
                if output.get("output_type") == "execute_result" and STRAY_REPR.search(text):
                    problems.append(f"{path.name} cell {i}: stray repr {text[:80]!r}")
    assert not problems, "\n".join(problems)
