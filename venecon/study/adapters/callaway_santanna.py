"""Callaway and Sant'Anna (2021) group-time effects in studies.

Runs every design: one treated unit, one cohort, or staggered cohorts, with
the study's never-treated units (``control_group = "never"``) or also the
not-yet-treated (``"notyet"``) as controls. The headline is the ``simple``
aggregation (R ``did::aggte(type = "simple")``); the path is the ``dynamic``
aggregation by event time with its pre-period coefficients, their joint
Wald test (``extra["pretrend_test"]``) and, with the universal base period (the
default here, so that the pre-period estimates form a path), the HonestDiD
relative-magnitudes breakdown value of the effect at event time 0
(``extra["honest"]``). The simple ATT does not depend on the base period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .base import PANEL, Adapter, boolean, choice, event_window, integer
from .cohort_panel import (
    breakdown,
    cohort_panel,
    default_window,
    event_path,
    panel_estimate,
    pre_trend,
    without_honest,
)
from .registry import register

__all__ = ["CallawayStudyOptions", "ADAPTER"]


@dataclass(frozen=True)
class CallawayStudyOptions:
    """Options of :class:`venecon.models.CallawaySantAnna` in a study.

    ``control_group`` "never" or "notyet"; ``anticipation`` periods;
    ``base_period`` "universal" (default: HonestDiD needs it) or "varying" (R's
    default); ``window`` the event times of the simple ATT (default: every
    post-treatment cell) and of the dynamic path (default: -5 to 10, cut to the
    data); ``honest``: compute the HonestDiD breakdown value (about 20 seconds);
    ``seed`` of the multiplier bootstrap of the uniform band; ``log``: the
    natural log of the outcome (effects in log points).
    """

    control_group: str = "never"
    anticipation: int = 0
    base_period: str = "universal"
    window: tuple[int, int] | None = None
    seed: int = 0
    log: bool = False
    honest: bool = True


def run(ctx: Any, opts: CallawayStudyOptions, n_jobs: int = 1, inference: bool = True) -> Any:  # noqa: ARG001
    """CallawaySantAnna on the design; see the module docstring."""
    from ...models import CallawaySantAnna

    panel = cohort_panel(ctx, "callaway_santanna", opts.log)
    f = panel.frame.assign(cohort=panel.frame["cohort"].fillna(0).astype("int64"))
    res = CallawaySantAnna(f, outcome="value", unit="unit", time="time", cohort="cohort",
                           control_group=opts.control_group, anticipation=opts.anticipation,
                           alpha=ctx.alpha, seed=opts.seed, base_period=opts.base_period).fit()
    lo, hi = opts.window or (-float("inf"), float("inf"))
    simple = res.aggregate("simple", min_e=lo, max_e=hi)
    # the dynamic path (and HonestDiD, whose cost grows with the event times) in a window
    lo, hi = opts.window or default_window(panel)
    ci = simple.conf_int(ctx.alpha).loc["att"]
    extra: dict[str, Any] = {"control_group": opts.control_group,
                             "base_period": opts.base_period}
    path = None
    if inference:
        dyn = res.aggregate("dynamic", min_e=lo, max_e=hi)
        names = [n for n in dyn.params.index if n != "att"]
        times = [int(n.split("_")[1]) for n in names]
        dci = dyn.conf_int(ctx.alpha).loc[names]
        import pandas as pd

        table = pd.DataFrame({"estimate": dyn.params[names].to_numpy(),
                              "lower": dci.iloc[:, 0].to_numpy(),
                              "upper": dci.iloc[:, 1].to_numpy()}, index=times)
        path = event_path(table)
        pre = [n for n, k in zip(names, times, strict=True) if k < -1
               or (k == -1 and opts.base_period == "varying")]
        est = pd.Series(dyn.params[pre].to_numpy(), index=[int(n.split("_")[1]) for n in pre])
        extra["pretrend_test"] = pre_trend(est, dyn.cov.loc[pre, pre]) if pre else \
            {"not_run": "no pre-period event time"}
        extra["event_window"] = [lo, hi]
        if not opts.honest:
            extra["honest"] = {"not_run": "honest = false"}
        elif opts.base_period != "universal":
            extra["honest"] = {"not_run": 'HonestDiD needs base_period = "universal"'}
        else:
            extra["honest"] = breakdown(dyn, ctx.alpha)
    label = (f"Callaway-Sant'Anna simple ATT ({len(panel.cohorts)} treated unit(s) in "
             f"{len(set(panel.cohorts.values()))} cohort(s), {opts.control_group}-treated "
             "controls)")
    return panel_estimate("callaway_santanna", label, ctx, panel,
                          att=float(simple.params["att"]), lower=float(ci.iloc[0]),
                          upper=float(ci.iloc[1]), pvalue=float(simple.pvalues["att"]),
                          path=path, result=res, extra=extra)


ADAPTER = register(Adapter(
    name="callaway_santanna",
    label="Callaway-Sant'Anna",
    options=CallawayStudyOptions,
    fields={"control_group": choice("never", "notyet"), "anticipation": integer(0, 10),
            "base_period": choice("universal", "varying"), "window": event_window,
            "seed": integer(0, 2**32 - 1), "log": boolean, "honest": boolean},
    run=run,
    data=PANEL,
    plain=without_honest,
))
