"""One single-unit estimator run per treated unit, averaged across units.

For designs with several treated units (one date or staggered) and an
estimator that fits one treated unit at a time (synthetic control): each
unit gets its own design (its own treatment date, the pre window ending the
period before it, the study's never-treated units as donors); the headline is
the unweighted mean of the units' average effects, the path the mean effect
by event time, and ``extra["by_unit"]`` holds every unit's own estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["unit_contexts", "per_unit"]


def unit_contexts(ctx: Any) -> list[tuple[str, Any]]:
    """``(unit, Context)`` for each treated unit of a multi-unit design."""
    import pandas as pd

    times = sorted(t for t in ctx.frame["time"].unique() if ctx.pre[0] <= t <= ctx.sample_end)
    out = []
    for unit, first, date in ctx.cohorts:
        before = [t for t in times if t < first]
        after = [t for t in times if first <= t <= ctx.post[1]]
        if not before or not after:
            continue
        out.append((unit, ctx.vary(
            treated=unit, treatment_period=first, treatment_date=pd.Timestamp(date),
            pre=(ctx.pre[0], before[-1]), post=(first, after[-1]), cohorts=(), subwindows=(),
            donors=tuple(d for d in ctx.donors if d != unit))))
    return out


def per_unit(runner: Callable[..., Any], ctx: Any, opts: Any, n_jobs: int = 1,
             inference: bool = True) -> Any:
    """``runner`` on each treated unit's own design, and the average across units."""
    import numpy as np
    import pandas as pd

    from ...exceptions import InsufficientDataError, VeneconError
    from ..data import fmt_period
    from ..results import Estimate

    rows: dict[str, Any] = {}
    paths = []
    caveats: list[str] = []
    ests = []
    for unit, uctx in unit_contexts(ctx):
        try:
            e = runner(uctx, opts, n_jobs=n_jobs, inference=inference)
        except VeneconError as exc:
            rows[unit] = {"not_run": str(exc).splitlines()[0][:200]}
            caveats.append(f"{unit}: not estimated ({rows[unit]['not_run']})")
            continue
        ests.append(e)
        rows[unit] = {
            "average_effect": e.average_effect, "lower": e.lower, "upper": e.upper,
            "placebo_pvalue": e.placebo_pvalue, "pre_rmspe": e.pre_rmspe,
            "treatment_period": fmt_period(uctx.treatment_period), "window": list(e.window),
            "weights": None if e.weights is None else dict(e.weights),
            "counterfactual_mean": e.counterfactual_mean,
        }
        caveats += [f"{unit}: {c}" for c in e.caveats]
        p = e.path
        t = list(p.index)
        k = t.index(uctx.treatment_period) if uctx.treatment_period in t else None
        if k is not None and "effect" in p:
            paths.append(pd.Series(p["effect"].to_numpy(dtype="float64"),
                                   index=np.arange(len(t)) - k, name=unit))
    if not ests:
        raise InsufficientDataError(
            "no treated unit could be estimated: "
            + "; ".join(f"{u}: {r['not_run']}" for u, r in rows.items()))
    avg = float(np.mean([e.average_effect for e in ests]))
    cfs = [e.counterfactual_mean for e in ests if e.counterfactual_mean is not None]
    cf = float(np.mean(cfs)) if len(cfs) == len(ests) else None
    wide = pd.concat(paths, axis=1) if paths else pd.DataFrame()
    path = pd.DataFrame({"effect": wide.mean(axis=1), "units": wide.notna().sum(axis=1)})
    path.index.name = "event_time"
    first = ests[0]
    name = first.estimator
    label = (f"{first.label.split(' (')[0]}: mean of {len(ests)} treated units' average "
             f"effects (one fit per unit)")
    windows = [e.window for e in ests]
    return Estimate(
        estimator=name, label=label, average_effect=avg, lower=None, upper=None,
        alpha=ctx.alpha, unit=first.unit, counterfactual_mean=cf,
        share_of_counterfactual=(avg / cf if cf else None), placebo_pvalue=None, pre_rmspe=None,
        weights=None, path=path,
        caveats=tuple(["the average across units has no interval or placebo p-value; each "
                       "unit's placebo p-value is in its row"] + caveats),
        window=(min(w[0] for w in windows), max(w[1] for w in windows)),
        extra={"by_unit": rows, "n_units": len(ests)},
    )
