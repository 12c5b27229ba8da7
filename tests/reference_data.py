"""Test-only access to external reference files, and the rule for when one is missing.

The synthetic-control reference panels (Basque Country, West German
reunification, Texas) are validation fixtures, not library data. They are
read from a local mirror directory named by ``VENECON_TEST_DATA`` (CI points it
at ``../shared/raw``) or fetched with pooch from the upstream repository at a
pinned commit; either way the sha256 is checked.

A missing reference (file, research note or test-only package) goes through
:func:`unavailable`: when the environment names the reference files
(``VENECON_TEST_DATA`` or ``VENECON_RAW_DIR`` is set, as in CI) the test
FAILS, because a reference CI expects is gone; otherwise (a developer without
the files) it is skipped with the reason.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

# pysyncon's data directory at the commit recorded in shared/raw/MANIFEST.md.
UPSTREAM = "https://raw.githubusercontent.com/sdfordham/pysyncon/34350ca548370902bc40cfcf6d37d97b9de0839e/data/"
REFERENCE_PANELS = {
    "basque.csv": "7f7f90d7a01984a33a2ea3efc311ce826c05b61234a52c27445adacc6f52bf70",
    "germany.csv": "c59ff635faaf43729eaefdf5e9a4584fc3112a56fdab84b9ac5f78e1b6302e83",
    "texas.csv": "cd26d6828924951662ea3607cbc27d6f67bdf8b9c44234e88f32602d3f124023",
}
MIRROR_SUBDIR = "synth-reference"

def strict() -> bool:
    """True when the environment names the reference files (CI): a missing one must fail."""
    return bool(os.environ.get("VENECON_TEST_DATA") or os.environ.get("VENECON_RAW_DIR"))


def unavailable(reason: str) -> NoReturn:
    """Fail under :func:`strict` (the files were promised), else skip with ``reason``."""
    if strict():
        pytest.fail(f"{reason} (VENECON_TEST_DATA or VENECON_RAW_DIR is set, so every reference "
                    "file and test extra must be present)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def need_module(name: str) -> ModuleType:
    """Import a test-only package (``pip install venecon[test]``), else :func:`unavailable`."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        unavailable(f"{name} is not installed ({exc}); pip install -e '.[test]'")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reference_panel(filename: str) -> Path:
    """Path to a verified copy of a reference panel, or :func:`unavailable`.

    Looks in ``$VENECON_TEST_DATA/synth-reference/`` (and ``$VENECON_TEST_DATA/``),
    then downloads from the pinned upstream URL unless ``VENECON_OFFLINE`` is set.
    """
    expected = REFERENCE_PANELS[filename]
    mirror = os.environ.get("VENECON_TEST_DATA")
    if mirror:
        for candidate in (Path(mirror) / MIRROR_SUBDIR / filename, Path(mirror) / filename):
            if candidate.is_file():
                if _sha256(candidate) != expected:
                    pytest.fail(f"{candidate} does not match the pinned sha256 {expected}")
                return candidate
        unavailable(f"{filename}: not in the mirror {mirror}/{MIRROR_SUBDIR}")
    if os.environ.get("VENECON_OFFLINE"):
        unavailable(f"{filename}: no local mirror (VENECON_TEST_DATA) and VENECON_OFFLINE is set")
    pooch = need_module("pooch")
    try:
        return Path(pooch.retrieve(UPSTREAM + filename, known_hash=f"sha256:{expected}"))
    except Exception as exc:  # network down, proxy, HTTP error: no reference to test against
        unavailable(f"{filename}: no local mirror (set VENECON_TEST_DATA) and download failed: "
                    f"{exc}")


# Reference panels with no pinned upstream URL (copied into shared/raw from PyPI wheels; see
# shared/raw/MANIFEST.md): read from the local mirror only, sha256-checked, else unavailable().
MIRROR_ONLY = {
    "california_prop99_synthdid.csv": (
        "synth-reference", "550d24c2f743507d097692d181bdbbf36c6168a39a0b6fc831cc89d98082f7de"),
    "mpdta.csv": (
        "did-reference", "df2b03c8b41ded94d22b4e84e0bf334652f57c12339130d41de59c160c2c50e5"),
    "Nile.csv": ("strucchange-reference",
                 "1b6b4a2609106ae3cd1251a26fb4dd8b52af620212828e7eefbea8e6f25d32ad"),
}


def mirror_file(filename: str) -> Path:
    """A verified copy of a :data:`MIRROR_ONLY` panel from the mirror (``VENECON_TEST_DATA``)."""
    subdir, expected = MIRROR_ONLY[filename]
    mirror = os.environ.get("VENECON_TEST_DATA")
    if not mirror:
        unavailable(f"{filename}: set VENECON_TEST_DATA to the shared/raw mirror")
    for candidate in (Path(mirror) / subdir / filename, Path(mirror) / filename):
        if candidate.is_file():
            if _sha256(candidate) != expected:
                pytest.fail(f"{candidate} does not match the pinned sha256 {expected}")
            return candidate
    unavailable(f"{filename}: not in the mirror {mirror}/{subdir}")


def r_output_values(name: str) -> dict[str, float]:
    """``key value`` lines of a committed R reference output, ``tests/fixtures/<name>_output.txt``.

    The script that writes it, ``tests/fixtures/<name>.R``, is committed beside it;
    lines of any other shape (R's version banner) are skipped.
    """
    values = {}
    text = (Path(__file__).parent / "fixtures" / f"{name}_output.txt").read_text()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                values[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return values
