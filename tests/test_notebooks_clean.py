"""Example notebooks: committed without outputs or execution counts; public API only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reference_data import need_module

nbformat = need_module("nbformat")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_there_are_example_notebooks() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert "01_data_tour.ipynb" in names
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_has_no_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs"
            assert cell.get("execution_count") is None, (
                f"{path.name} cell {i} has an execution count"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_uses_only_the_public_api(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # no private modules or names (venecon._x, venecon.models.synth.qp, res._params ...)
            assert not re.search(r"venecon(\.\w+)*\._\w+", cell.source), cell.source
            assert not re.search(r"\b\w+\._[a-z]\w*", cell.source), cell.source
