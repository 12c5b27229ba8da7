"""Structural breaks (Bai and Perron 1998, 2003) in studies: a model of the treated series alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..estimators import LABELS, run_structural_breaks
from .base import COHORT, SERIES, STAGGERED, Adapter, a_period, boolean, choice, integer, number
from .registry import register

__all__ = ["StructuralBreaksOptions", "ADAPTER"]

_ONE = "needs one treated series (it models the treated unit alone); declare one treated unit"


@dataclass(frozen=True)
class StructuralBreaksOptions:
    """Options of the break dating (:class:`venecon.models.StructuralBreaks`).

    ``hac``: break-date intervals and regime standard errors with the
    prewhitened quadratic-spectral HAC (:class:`venecon.models.timeseries.hac.QuadraticSpectral`),
    for autocorrelated monthly output; ``trim`` a fraction of the sample or a
    number of periods. It is never the headline unless the study names it.
    """

    model: str = "level"
    max_breaks: int = 5
    trim: float | int = 0.15
    select: str | int = "bic"
    hac: bool = True
    n_sim: int = 999
    seed: int = 20260401
    end: Any = None


def _trim(key: str, value: Any) -> float | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return integer(2, 10_000)(key, value)
    return number(0.0, 0.5)(key, value)


def _select(key: str, value: Any) -> str | int:
    return value if value in ("bic", "lwz", "sequential") else integer(0, 10)(key, value)


ADAPTER = register(Adapter(
    name="structural_breaks",
    label=LABELS["structural_breaks"],
    options=StructuralBreaksOptions,
    fields={"model": choice("level", "trend"), "max_breaks": integer(1, 10), "trim": _trim,
            "select": _select, "hac": boolean, "n_sim": integer(0, 99_999),
            "seed": integer(0, 2**32 - 1), "end": a_period},
    run=run_structural_breaks,
    data=SERIES,
    refuses={COHORT: _ONE, STAGGERED: _ONE},
    compare="never",
    headline=False,
))
