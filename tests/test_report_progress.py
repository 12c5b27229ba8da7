"""``venecon.progress``: totals and time left when on; silent for --quiet, pipes and tests."""

from __future__ import annotations

import pytest

from venecon.exceptions import VeneconError
from venecon.progress import progress, set_enabled, silenced


@pytest.fixture(autouse=True)
def _reset():
    yield
    set_enabled(None)


def test_iterates_and_counts_when_silent(capsys) -> None:
    bar = progress(range(5), desc="placebos", enabled=False)
    assert list(bar) == [0, 1, 2, 3, 4] and bar.n == 5 and bar.total == 5
    assert not bar.active
    with progress(total=3, enabled=False) as manual:
        manual.update()
        manual.update(2)
        manual.set_postfix("x")
    assert manual.n == 3
    assert capsys.readouterr().err == ""


def test_shows_total_and_time_left(capsys, monkeypatch) -> None:
    monkeypatch.setenv("VENECON_PROGRESS", "1")
    assert list(progress(range(4), desc="robustness", unit="spec")) == [0, 1, 2, 3]
    err = capsys.readouterr().err
    assert "robustness" in err and "4/4" in err and "spec" in err and "<" in err  # elapsed<left


def test_not_a_terminal_is_silent_by_default(capsys, monkeypatch) -> None:
    monkeypatch.delenv("VENECON_PROGRESS", raising=False)
    assert list(progress(range(3))) == [0, 1, 2]  # pytest's captured stderr is no terminal
    assert capsys.readouterr().err == ""


def test_silenced_and_set_enabled_win(capsys, monkeypatch) -> None:
    monkeypatch.setenv("VENECON_PROGRESS", "1")
    with silenced():
        list(progress(range(3), enabled=True))
    set_enabled(False)
    list(progress(range(3)))
    assert capsys.readouterr().err == ""
    set_enabled(None)
    monkeypatch.setenv("VENECON_PROGRESS", "0")
    list(progress(range(3)))
    assert capsys.readouterr().err == ""
    with pytest.raises(VeneconError):
        set_enabled("yes")  # type: ignore[arg-type]
