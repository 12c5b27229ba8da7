"""Two-way fixed-effects difference-in-differences in studies.

``y_it = a_i + l_t + b D_it``, ``D_it = 1`` from the unit's first treated
period on. Runs every design with never-treated units; under staggered
adoption the estimate is flagged
(:data:`~venecon.study.adapters.cohort_panel.STAGGERED_TWFE`). The headline is
``b`` with its clustered interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .base import PANEL, Adapter, boolean, choice
from .cohort_panel import cohort_panel, design_of, panel_estimate
from .registry import register

__all__ = ["PanelDiDOptions", "ADAPTER"]


@dataclass(frozen=True)
class PanelDiDOptions:
    """Options of :class:`venecon.models.PanelDiD` in a study: ``cov_type`` "clustered"
    (by unit) or "kernel" (Driscoll-Kraay), ``log``."""

    cov_type: str = "clustered"
    log: bool = False


def run(ctx: Any, opts: PanelDiDOptions, n_jobs: int = 1, inference: bool = True) -> Any:  # noqa: ARG001
    """PanelDiD on the design; see the module docstring."""
    from ...models import PanelDiD

    panel = cohort_panel(ctx, "panel_did", opts.log)
    f = panel.frame.assign(treated=(panel.frame["time"] >= panel.frame["cohort"]).astype("int64"))
    res = PanelDiD(f, outcome="value", treatment="treated", unit="unit", time="time",
                   cov_type=opts.cov_type).fit()
    ci = res.conf_int(ctx.alpha).loc["treated"]
    label = f"TWFE DiD ({len(panel.cohorts)} treated unit(s), {opts.cov_type} SE)"
    return panel_estimate("panel_did", label, ctx, panel, att=float(res.params["treated"]),
                          lower=float(ci.iloc[0]), upper=float(ci.iloc[1]),
                          pvalue=float(res.pvalues["treated"]), path=None, result=res,
                          extra={"cov_type": opts.cov_type,
                                 "staggered_twfe": design_of(ctx) == "staggered"})


ADAPTER = register(Adapter(
    name="panel_did",
    label="TWFE DiD",
    options=PanelDiDOptions,
    fields={"cov_type": choice("clustered", "kernel"), "log": boolean},
    run=run,
    data=PANEL,
))
