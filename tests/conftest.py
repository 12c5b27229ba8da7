"""Shared fixtures: the raw source directory and the reference panels."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reference_data import reference_panel, unavailable

REPO = Path(__file__).resolve().parents[1]


def raw_directory() -> Path | None:
    """``$VENECON_RAW_DIR`` or ``../shared/raw`` beside the checkout, if it exists."""
    candidate = Path(os.environ.get("VENECON_RAW_DIR", REPO.parent / "shared" / "raw"))
    return candidate if (candidate / "MANIFEST.md").is_file() else None


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The raw source files, or skip: they are not part of the repository."""
    found = raw_directory()
    if found is None:
        unavailable("raw source files not found: set VENECON_RAW_DIR to shared/raw")
    return found


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture()
def basque_panel() -> Path:
    return reference_panel("basque.csv")


@pytest.fixture()
def germany_panel() -> Path:
    return reference_panel("germany.csv")


@pytest.fixture()
def texas_panel() -> Path:
    return reference_panel("texas.csv")
