"""A reference file CI expects must fail the run when it is missing, never skip it."""

from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped
from reference_data import (
    mirror_file,
    need_module,
    reference_panel,
    unavailable,
)


def test_missing_reference_fails_when_the_environment_names_the_files(monkeypatch, tmp_path):
    monkeypatch.setenv("VENECON_TEST_DATA", str(tmp_path))  # an empty mirror
    monkeypatch.delenv("VENECON_RAW_DIR", raising=False)
    for call in (lambda: reference_panel("texas.csv"),
                 lambda: mirror_file("mpdta.csv"),
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
