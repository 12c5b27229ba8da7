"""Intervention ARIMA in studies: a model of the treated series alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..estimators import LABELS, run_arima
from .base import COHORT, SERIES, STAGGERED, Adapter, a_period, integer
from .registry import register

__all__ = ["ARIMAOptions", "ADAPTER"]

_ONE = "needs one treated series (it models the treated unit alone); declare one treated unit"


@dataclass(frozen=True)
class ARIMAOptions:
    """Options of the intervention ARIMA (:class:`venecon.models.InterventionARIMA`)."""

    seed: int = 0
    end: Any = None
    max_p: int = 2
    max_q: int = 2
    d: int = 1


ADAPTER = register(Adapter(
    name="arima",
    label=LABELS["arima"],
    options=ARIMAOptions,
    fields={"seed": integer(0, 2**32 - 1), "end": a_period, "max_p": integer(0, 12),
            "max_q": integer(0, 12), "d": integer(0, 2)},
    run=run_arima,
    data=SERIES,
    refuses={COHORT: _ONE, STAGGERED: _ONE},
    time_series=True,
    compare="always",
))
