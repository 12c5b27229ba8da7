"""Progress bars for long work (reports, robustness grids, placebos, conformal grids).

One small wrapper around `tqdm <https://tqdm.github.io>`_ so that every long
loop in venecon shows a total, a rate and the time left, and so that one
switch silences them all (``venecon report --quiet``, the test suite)::

    from venecon.progress import progress

    for unit in progress(units, desc="placebos", unit="fit"):
        ...

    with progress(total=n_specs, desc="robustness") as bar:
        for spec in specs:
            ...
            bar.update()

Whether a bar is shown is decided, in order, by the ``enabled`` argument,
:func:`set_enabled` / :func:`silenced`, the environment variable
``VENECON_PROGRESS`` (``0`` off, ``1`` on), and otherwise tqdm's own rule:
shown only when stderr is a terminal (so pipes, CI logs and pytest's captured
output stay clean). A disabled bar is a no-op with the same methods.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["Progress", "progress", "set_enabled", "silenced", "is_enabled"]

_STATE: dict[str, bool | None] = {"enabled": None}


def set_enabled(enabled: bool | None) -> None:
    """Turn every venecon progress bar on (True), off (False) or back to automatic (None)."""
    if enabled is not None and not isinstance(enabled, bool):
        from .exceptions import VeneconError

        raise VeneconError(f"set_enabled takes True, False or None, not {enabled!r}")
    _STATE["enabled"] = enabled


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Within the block no venecon progress bar is shown (restores the previous setting)."""
    before = _STATE["enabled"]
    _STATE["enabled"] = False
    try:
        yield
    finally:
        _STATE["enabled"] = before


def is_enabled(enabled: bool | None = None) -> bool | None:
    """The resolved switch: True/False, or None for tqdm's rule (shown on a terminal only)."""
    if enabled is not None:
        return bool(enabled) and _STATE["enabled"] is not False
    if _STATE["enabled"] is not None:
        return _STATE["enabled"]
    env = os.environ.get("VENECON_PROGRESS", "").strip().lower()
    if env in ("0", "false", "no", "off"):
        return False
    if env in ("1", "true", "yes", "on"):
        return True
    return None


class Progress:
    """An iterable and context manager that shows a bar (tqdm) or does nothing.

    Methods: ``update(n=1)``, ``set_description(text)``, ``set_postfix(text)``,
    ``write(message)`` (a line above the bar, or to stderr when silent is
    off but no bar is shown), ``close()``. Iterating yields the wrapped items.
    """

    def __init__(self, iterable: Iterable[Any] | None = None, *, total: int | None = None,
                 desc: str | None = None, unit: str = "it", enabled: bool | None = None,
                 leave: bool = True) -> None:
        self._iterable = iterable
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        self.total = total
        self.n = 0
        switch = is_enabled(enabled)
        self._bar: Any = None
        if switch is not False:
            from tqdm.auto import tqdm

            # disable=None: tqdm shows the bar only when stderr is a terminal
            self._bar = tqdm(iterable, total=total, desc=desc, unit=unit, leave=leave,
                             disable=None if switch is None else False, dynamic_ncols=True)
            if self._bar.disable:
                self._bar = None

    @property
    def active(self) -> bool:
        """Whether a bar is shown."""
        return self._bar is not None

    def __iter__(self) -> Iterator[Any]:
        source = self._bar if self._bar is not None else (self._iterable or ())
        for item in source:
            self.n += 1
            yield item

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, n: int = 1) -> None:
        self.n += n
        if self._bar is not None:
            self._bar.update(n)

    def set_description(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_description_str(text)

    def set_postfix(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(text)

    def write(self, message: str) -> None:
        if self._bar is not None:
            self._bar.write(message)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def progress(iterable: Iterable[Any] | None = None, *, total: int | None = None,
             desc: str | None = None, unit: str = "it", enabled: bool | None = None,
             leave: bool = True) -> Progress:
    """A :class:`Progress` bar over ``iterable`` (or a manual one with ``total``).

    Parameters
    ----------
    iterable : iterable, optional
        Items to yield; ``total`` defaults to its length.
    total : int, optional
        Number of steps (for a manual bar driven by ``update``).
    desc, unit : str
        Label before the bar and the unit of a step ("fit", "study", ...).
    enabled : bool, optional
        True: show it (unless :func:`silenced` or ``set_enabled(False)``);
        False: never; None: the global setting, ``VENECON_PROGRESS``, or
        tqdm's terminal rule.
    leave : bool, default True
        Keep the finished bar on screen.
    """
    return Progress(iterable, total=total, desc=desc, unit=unit, enabled=enabled, leave=leave)
