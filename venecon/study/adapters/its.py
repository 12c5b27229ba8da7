"""Interrupted time series (segmented regression) in studies: the treated series alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..estimators import LABELS, run_its
from .base import COHORT, SERIES, STAGGERED, Adapter, a_period, boolean, choice
from .registry import register

__all__ = ["ITSOptions", "ADAPTER"]

_ONE = "needs one treated series (it models the treated unit alone); declare one treated unit"


@dataclass(frozen=True)
class ITSOptions:
    """Options of the interrupted time series (:class:`venecon.models.ITS`).

    ``inference``: ``"fixed-b"`` (default; :class:`venecon.models.FixedB`, Kiefer-Vogelsang
    critical values, which keep their 95% coverage in short autocorrelated samples: 93.7% for
    the level change at n = 120 with AR(1) errors of 0.5, against 84.4% for Newey-West) or
    ``"newey-west"`` (:class:`venecon.models.NeweyWest`, normal critical values).

    ``saturated``: one level term per period from the treatment's period to the end of the
    sample and no slope change (``slope_change`` is not used; other declared events add no
    term), so each post period's effect is exactly its observed value minus the pre-period
    trend carried forward: a descriptive month-by-month reading of a short post-period.
    """

    slope_change: bool = True
    seasonal: bool = False
    log: bool = False
    end: Any = None
    inference: str = "fixed-b"
    saturated: bool = False


ADAPTER = register(Adapter(
    name="its",
    label=LABELS["its"],
    options=ITSOptions,
    fields={"slope_change": boolean, "seasonal": boolean, "log": boolean, "end": a_period,
            "inference": choice("fixed-b", "newey-west"), "saturated": boolean},
    run=run_its,
    data=SERIES,
    refuses={COHORT: _ONE, STAGGERED: _ONE},
    time_series=True,
    compare="always",
))
