"""Holding Ctrl-C and SIGTERM across the few steps that must not be cut in half.

Python runs a signal handler between any two bytecodes. A signal landing
between ``mkdtemp`` (or ``mkstemp``) and the ``try`` that removes what it made,
or between the two renames that swap an output into place, would leave a
directory or a temporary file behind. :func:`signals_deferred` holds both
signals for the length of such a step and delivers the first that came as soon
as it ends, through whatever handler was installed before (the command line's,
or Python's ``KeyboardInterrupt``).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["signals_deferred"]

_HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver the first that came.

    Outside the main thread handlers cannot be changed, and nothing is held.
    A handler installed outside Python (``signal.getsignal`` is ``None``) is
    left alone, since it could not be put back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    previous: dict[int, Any] = {}
    try:
        for signum in _HELD:
            if signal.getsignal(signum) is not None:
                previous[signum] = signal.signal(signum, lambda n, _frame: came.append(n))
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if came:
            signal.raise_signal(came[0])
