"""Two-way fixed-effects event study (leads and lags) in studies.

Runs every design with never-treated units; under staggered adoption the
estimate is flagged (:data:`~venecon.study.adapters.cohort_panel.STAGGERED_TWFE`).
The headline is the mean of the event-time coefficients 0..last of the window
with the interval of that mean (from their covariance); the path is the
event-time table with the joint Wald test of the leads (``extra["pretrend_test"]``)
and the HonestDiD relative-magnitudes breakdown value at event time 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .base import PANEL, Adapter, boolean, choice, event_window
from .cohort_panel import (
    breakdown,
    cohort_panel,
    default_window,
    design_of,
    event_path,
    mean_effect,
    panel_estimate,
    pre_trend,
    without_honest,
)
from .registry import register

__all__ = ["PanelEventStudyOptions", "ADAPTER"]


@dataclass(frozen=True)
class PanelEventStudyOptions:
    """Options of :class:`venecon.models.PanelEventStudy` in a study: event ``window``
    (default -5 to 10, cut to the data), ``endpoints`` "bin" or "drop", ``log``, and
    ``honest``: compute the HonestDiD breakdown value."""

    window: tuple[int, int] | None = None
    endpoints: str = "bin"
    log: bool = False
    honest: bool = True


def run(ctx: Any, opts: PanelEventStudyOptions, n_jobs: int = 1, inference: bool = True) -> Any:  # noqa: ARG001
    """PanelEventStudy on the design; see the module docstring."""
    from ...models import PanelEventStudy

    panel = cohort_panel(ctx, "panel_event_study", opts.log)
    window = opts.window or default_window(panel)
    res = PanelEventStudy(panel.frame, outcome="value", cohort="cohort", unit="unit",
                          time="time", window=window, endpoints=opts.endpoints,
                          alpha=ctx.alpha).fit()
    table = res.event_table(ctx.alpha)
    est = table[table["parameter"] != "reference"]
    post, pre = est[est.index >= 0], est[est.index < 0]
    att, lower, upper, p = mean_effect(post["estimate"],
                                       res.cov.loc[post["parameter"], post["parameter"]],
                                       ctx.alpha)
    extra = {"event_window": list(window), "endpoints": opts.endpoints,
             "staggered_twfe": design_of(ctx) == "staggered",
             "pretrend_test": pre_trend(pre["estimate"], res.cov.loc[pre["parameter"],
                                                                 pre["parameter"]])}
    if inference and opts.honest:
        extra["honest"] = breakdown(res, ctx.alpha)
    label = (f"TWFE event study: mean of event times 0..{window[1]} "
             f"({len(panel.cohorts)} treated unit(s))")
    return panel_estimate("panel_event_study", label, ctx, panel, att=att, lower=lower,
                          upper=upper, pvalue=p, path=event_path(table), result=res,
                          extra=extra)


ADAPTER = register(Adapter(
    name="panel_event_study",
    label="TWFE event study",
    options=PanelEventStudyOptions,
    fields={"window": event_window, "endpoints": choice("bin", "drop"), "log": boolean,
            "honest": boolean},
    run=run,
    data=PANEL,
    plain=without_honest,
))
