"""Ctrl-C and SIGTERM are held across the steps that must not be cut in half, then delivered."""

from __future__ import annotations

import signal
import tempfile
import threading
from pathlib import Path

import pytest

from venecon.signals import signals_deferred
from venecon.sources.cache import atomic_write


class Stop(Exception):
    pass


def _stop(_signum, _frame):
    raise Stop


def test_a_held_signal_is_delivered_after_the_block_by_the_earlier_handler() -> None:
    previous = signal.signal(signal.SIGTERM, _stop)
    steps = []
    try:
        with pytest.raises(Stop), signals_deferred():
            signal.raise_signal(signal.SIGTERM)
            steps.append("after the signal")  # the block runs to its end first
        assert signal.getsignal(signal.SIGTERM) is _stop
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert steps == ["after the signal"]


def test_ctrl_c_in_the_block_is_a_keyboard_interrupt_after_it() -> None:
    with pytest.raises(KeyboardInterrupt), signals_deferred():
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)  # a second one does not cut the block either
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_outside_the_main_thread_nothing_is_changed() -> None:
    seen = []

    def run():
        with signals_deferred():
            seen.append(signal.getsignal(signal.SIGINT))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert seen == [signal.default_int_handler]


def test_a_signal_as_the_cache_file_is_made_leaves_no_temporary_file(tmp_path: Path,
                                                                     monkeypatch) -> None:
    made = tempfile.mkstemp

    def interrupted(*args, **kwargs):
        result = made(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # lands after the file exists, before the try owns it
        return result

    monkeypatch.setattr(tempfile, "mkstemp", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "entry", b"body")
    assert list(tmp_path.iterdir()) == []
