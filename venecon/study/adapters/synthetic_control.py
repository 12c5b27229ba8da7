"""Synthetic control (Abadie, Diamond and Hainmueller 2010) in studies.

One treated unit: :func:`venecon.study.estimators.run_synthetic_control`.
Several treated units (one date or staggered): one synthetic control per
treated unit on its own treatment date, the never-treated units as donors;
the headline is the average of the units' average effects, with one row per
unit in ``extra["by_unit"]`` (each with its placebo p-value and pre-period
RMSPE).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..estimators import LABELS, run_synthetic_control
from .base import DONORS, Adapter, a_window, boolean, choice, integer, periods, windows
from .pooled import per_unit
from .registry import register

__all__ = ["SyntheticControlOptions", "ADAPTER"]


@dataclass(frozen=True)
class SyntheticControlOptions:
    """Options of the synthetic control (:class:`venecon.models.SyntheticControl`).

    ``predictor_windows``: pre-period windows whose mean outcome is a predictor;
    ``predictor_years``: single pre-periods used as predictors. Default: the
    pre-period in three equal parts plus its last period.
    """

    v: str = "nested"
    placebo: bool = True
    leave_one_out: bool = False
    conformal: bool = False
    predictor_windows: tuple[tuple[Any, Any], ...] | None = None
    predictor_years: tuple[Any, ...] | None = None
    fit_window: tuple[Any, Any] | None = None
    seed: int = 0


def run(ctx: Any, opts: SyntheticControlOptions, n_jobs: int = 1, inference: bool = True) -> Any:
    """The synthetic control on the design (per treated unit when there are several)."""
    if ctx.cohorts:
        return per_unit(run_synthetic_control, ctx, opts, n_jobs=n_jobs, inference=inference)
    return run_synthetic_control(ctx, opts, n_jobs=n_jobs, inference=inference)


def _plain(opts: SyntheticControlOptions) -> SyntheticControlOptions:
    return dataclasses.replace(opts, placebo=False, leave_one_out=False, conformal=False)


ADAPTER = register(Adapter(
    name="synthetic_control",
    label=LABELS["synthetic_control"],
    options=SyntheticControlOptions,
    fields={
        "v": choice("nested", "regression", "equal"),
        "placebo": boolean,
        "leave_one_out": boolean,
        "conformal": boolean,
        "predictor_windows": windows,
        "predictor_years": periods,
        "fit_window": a_window,
        "seed": integer(0, 2**32 - 1),
    },
    run=run,
    data=DONORS,
    robustness=("sample_start", "donors", "quota_bound", "predictors", "outcome", "timing",
                "estimator", "price"),
    compare="always",
    plain=_plain,
))
