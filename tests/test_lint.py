"""The source tree is ruff-clean: ``venecon``, ``tests`` and ``benchmarks``.

ruff runs with the rules and line length of ``pyproject.toml`` (``[tool.ruff]``), from
the interpreter running the tests (the ``test`` extra pins its version, so a new ruff
release cannot fail the suite with rules it added). A missing ruff skips for a
developer and fails in CI (``reference_data.need_module``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reference_data import need_module

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("venecon", "tests", "benchmarks")


def test_ruff_finds_nothing():
    need_module("ruff")
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
         *CHECKED],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    # ruff exits 1 when it reports findings and 2 when it could not run (bad config, crash).
    assert proc.returncode != 2, f"ruff could not run:\n{proc.stderr}{proc.stdout}"
    findings = [line for line in proc.stdout.splitlines() if line.startswith(CHECKED)]
    if proc.returncode != 0 or findings:
        pytest.fail(f"ruff reports {len(findings)} finding(s); fix them (rules: [tool.ruff] in "
                    "pyproject.toml):\n" + "\n".join(findings or [proc.stdout + proc.stderr]),
                    pytrace=False)
