"""Documented bounds on the work one option may ask for, raised only explicitly.

A typo such as ``SyntheticDiD(replications=10**9)`` would otherwise run for
days. Each bounded option has a default ceiling here (:data:`BOUNDS`, about an
hour of CPU on a laptop for a typical design or far beyond any published
practice); a larger value raises :class:`~venecon.exceptions.ModelSpecificationError`
saying how to go past it on purpose::

    from venecon.limits import raised
    with raised(replications=10**6):
        SyntheticDiD(replications=10**6).fit(...)
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

from .exceptions import ModelSpecificationError

__all__ = ["BOUNDS", "check_bound", "current", "raised"]

#: option -> largest value accepted without :func:`raised`.
BOUNDS = MappingProxyType({
    "replications": 100_000,     # SyntheticDiD placebo/bootstrap replications
    "n_random_starts": 10_000,   # SyntheticControl V-search starts
    "n_sim": 1_000_000,          # FixedB simulated null draws
    # SyntheticControl placebo-in-space refits that each search V (v="nested" or
    # "crossval"): about 0.3 s apiece on the Basque panel (17 donors) and 0.13 s on a
    # simulated 10,000-unit panel with four predictors, whose 9,999 would take 20 minutes
    "nested_placebos": 1_000,
})

_raised: dict[str, int] = {}


def current(name: str) -> int:
    """The bound in force for ``name`` (raised or default)."""
    return _raised.get(name, BOUNDS[name])


def check_bound(value: Any, name: str, owner: str) -> None:
    """Raise when ``value`` exceeds the bound of ``name`` (``owner`` names the model)."""
    limit = current(name)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > limit:
        raise ModelSpecificationError(
            f"{owner}: {name}={value:,} is beyond the documented bound of {limit:,}; a value "
            f"this large would run for hours or days. Pass a smaller {name}, or raise the bound "
            f"on purpose: `from venecon.limits import raised`, then "
            f"`with raised({name}={value}): ...`")


@contextlib.contextmanager
def raised(**bounds: int) -> Iterator[None]:
    """Accept larger values of the named options inside the ``with`` block."""
    unknown = sorted(set(bounds) - set(BOUNDS))
    if unknown:
        raise ModelSpecificationError(
            f"venecon.limits.raised: unknown option(s) {', '.join(unknown)}; bounded options: "
            f"{', '.join(sorted(BOUNDS))}")
    saved = dict(_raised)
    _raised.update({k: int(v) for k, v in bounds.items()})
    try:
        yield
    finally:
        _raised.clear()
        _raised.update(saved)
