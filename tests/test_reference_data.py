"""A reference file CI expects must fail the run when it is missing, never skip it."""

from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped
from reference_data import (
    COMMITTED,
    COMMITTED_DIR,
    MIRROR_ONLY,
    committed,
    mirror_file,
    need_module,
    reference_panel,
    unavailable,
)


def test_missing_reference_fails_when_the_environment_names_the_files(monkeypatch, tmp_path):
    monkeypatch.setenv("VENECON_TEST_DATA", str(tmp_path))  # an empty mirror
    monkeypatch.delenv("VENECON_RAW_DIR", raising=False)
    for call in (lambda: reference_panel("texas.csv"),  # not committed: the mirror's
                 lambda: need_module("venecon_no_such_module"),
                 lambda: unavailable("gone")):
        with pytest.raises(Failed, match="must be present"):
            call()


def test_missing_reference_skips_for_a_developer_without_the_files(monkeypatch):
    monkeypatch.delenv("VENECON_TEST_DATA", raising=False)
    monkeypatch.delenv("VENECON_RAW_DIR", raising=False)
    monkeypatch.setenv("VENECON_OFFLINE", "1")
    for call in (lambda: reference_panel("texas.csv"),
                 lambda: need_module("venecon_no_such_module")):
        with pytest.raises(Skipped):
            call()


def test_committed_panels_are_there_and_read_first(monkeypatch, tmp_path):
    monkeypatch.setenv("VENECON_TEST_DATA", str(tmp_path))  # an empty mirror: not needed
    for name in COMMITTED:
        assert committed(name) == COMMITTED_DIR / name
    assert mirror_file("mpdta.csv") == COMMITTED_DIR / "mpdta.csv"
    assert reference_panel("basque.csv") == COMMITTED_DIR / "basque.csv"
    assert set(MIRROR_ONLY) <= set(COMMITTED)
    provenance = (COMMITTED_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    for name, (_, sha256) in COMMITTED.items():
        assert f"`{name}`" in provenance and sha256 in provenance
