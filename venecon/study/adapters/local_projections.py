"""Local projections (Jorda 2005) in studies: a model of the treated series alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..estimators import LABELS, run_local_projections
from .base import COHORT, SERIES, STAGGERED, Adapter, a_period, integer
from .registry import register

__all__ = ["LocalProjectionsOptions", "ADAPTER"]

_ONE = "needs one treated series (it models the treated unit alone); declare one treated unit"


@dataclass(frozen=True)
class LocalProjectionsOptions:
    """Options of the local projections (:class:`venecon.models.LocalProjections`)."""

    horizons: int = 6
    lags: int = 2
    end: Any = None


ADAPTER = register(Adapter(
    name="local_projections",
    label=LABELS["local_projections"],
    options=LocalProjectionsOptions,
    fields={"horizons": integer(1, 48), "lags": integer(0, 12), "end": a_period},
    run=run_local_projections,
    data=SERIES,
    refuses={COHORT: _ONE, STAGGERED: _ONE},
    time_series=True,
    # a mean impulse response, not a counterfactual path: no robustness grid around it
    robustness=(),
    compare="never",
))
