"""The curated tables rebuild byte for byte from the raw files."""

from __future__ import annotations

import subprocess
import sys

import pytest
from reference_data import unavailable


@pytest.mark.timeout(600)
@pytest.mark.slow
def test_rebuild_reproduces_the_committed_files(raw_dir, repo_root, tmp_path):
    research = raw_dir.parent / "research"
    if not research.is_dir():
        unavailable("shared/research not found beside the raw files (needed for the events "
                    "table)")
    subprocess.run(
        [sys.executable, str(repo_root / "datasets" / "build.py"), "--raw", str(raw_dir),
         "--research", str(research), "--out", str(tmp_path)],
        check=True, capture_output=True, text=True,
    )
    committed = repo_root / "datasets"
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(
        p.relative_to(committed)
        for p in [committed / "datapackage.json", *(committed / "data").glob("*")]
        if p.is_file()
    )
    assert built == shipped, "the build writes exactly the committed files"
    for relative in built:
        assert (tmp_path / relative).read_bytes() == (committed / relative).read_bytes(), (
            f"{relative} differs from a fresh build: run 'python datasets/build.py' and commit"
        )
