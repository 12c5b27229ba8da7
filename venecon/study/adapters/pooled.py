"""One single-unit estimator run per treated unit, averaged across units.

For designs with several treated units (one date or staggered) and an
estimator that fits one treated unit at a time (synthetic control): each
unit gets its own design (its own treatment date, the pre window ending the
period before it, the study's never-treated units as donors); the headline is
the unweighted mean of the units' average effects, the path the mean effect
by event time, and ``extra["by_unit"]`` holds every unit's own estimate.

When every unit's fit carries its placebo-in-space test, the mean has its own
placebo test (Cavallo, Galiani, Noy and Pantano 2013, "Catastrophic Natural
Disasters and Economic Growth", *Review of Economics and Statistics* 95(5)):
a placebo average takes one placebo unit per treated unit (each placebo's
average effect over its treated unit's own window, from that unit's placebo
run, after its pre-fit filter) and averages them; the distribution runs over
every such combination, or over :data:`PLACEBO_DRAWS` seeded draws when there
are more than :data:`MAX_COMBINATIONS`. The statistic is the average effect
(not the post/pre RMSPE ratio), two-sided: the p-value is the share of placebo
averages at least as large in absolute value as the observed mean, counting
the observed mean itself, ``(1 + #{|placebo mean| >= |mean|}) / (1 + N)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["unit_contexts", "per_unit", "pooled_placebo", "MAX_COMBINATIONS", "PLACEBO_DRAWS"]

#: Enumerate every combination of one placebo per treated unit up to this many.
MAX_COMBINATIONS = 200_000
#: Seeded draws of combinations (with replacement) when there are more.
PLACEBO_DRAWS = 100_000


def pooled_placebo(observed: float, placebos: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    """The placebo test of a mean over treated units (Cavallo et al. 2013).

    Parameters
    ----------
    observed
        The mean of the treated units' average effects.
    placebos
        Treated unit -> its placebo units' average effects (1-d arrays).
    seed
        Seed of the draws when the combinations exceed :data:`MAX_COMBINATIONS`.

    Returns
    -------
    dict
        ``pvalue``, ``n_averages`` (placebo averages compared), ``combinations`` (all
        there are), ``sampled``, ``seed`` (when sampled), ``min_pvalue`` (``1 / (1 + N)``),
        ``placebos`` per unit and the ``statistic`` in words.
    """
    import math

    import numpy as np

    arrays = [np.asarray(v, dtype="float64") for _, v in sorted(placebos.items())]
    arrays = [a[np.isfinite(a)] for a in arrays]
    if not arrays or any(a.size == 0 for a in arrays):
        raise ValueError("every treated unit needs at least one placebo")
    total = math.prod(a.size for a in arrays)
    if total <= MAX_COMBINATIONS:
        sums = np.zeros(1)
        for a in arrays:
            sums = (sums[:, None] + a[None, :]).ravel()
        sampled = False
    else:
        rng = np.random.default_rng(seed)
        sums = np.zeros(PLACEBO_DRAWS)
        for a in arrays:
            sums += a[rng.integers(0, a.size, PLACEBO_DRAWS)]
        sampled = True
    means = sums / len(arrays)
    # a relative tolerance so that a placebo mean equal to the observed one in exact
    # arithmetic counts as at least as large despite rounding
    hit = np.abs(means) >= abs(observed) * (1 - 1e-10)
    n = int(means.size)
    out: dict[str, Any] = {
        "pvalue": float((1 + hit.sum()) / (1 + n)),
        "n_averages": n,
        "combinations": int(total) if total < 2**63 else float(total),
        "sampled": sampled,
        "min_pvalue": 1.0 / (1 + n),
        "placebos": {u: int(np.isfinite(np.asarray(v, dtype="float64")).sum())
                     for u, v in sorted(placebos.items())},
        "statistic": "mean of the units' average effects, two-sided (absolute value); one "
                     "placebo per treated unit (Cavallo, Galiani, Noy and Pantano 2013)",
    }
    if sampled:
        out["seed"] = int(seed)
    return out


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
    placebos: dict[str, Any] = {}
    for unit, uctx in unit_contexts(ctx):
        try:
            e = runner(uctx, opts, n_jobs=n_jobs, inference=inference)
        except VeneconError as exc:
            rows[unit] = {"not_run": str(exc).splitlines()[0][:200]}
            caveats.append(f"{unit}: not estimated ({rows[unit]['not_run']})")
            continue
        ests.append(e)
        test = getattr(e.result, "placebo_result", None) if e.result is not None else None
        if test is not None:
            table = test.table
            keep = table["included"].to_numpy(dtype=bool).copy()
            keep[0] = False  # the first row is the treated unit itself
            placebos[unit] = table["average_effect"].to_numpy(dtype="float64")[keep]
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
    extra: dict[str, Any] = {"by_unit": rows, "n_units": len(ests)}
    pvalue = None
    if len(placebos) == len(ests) and all(len(v) for v in placebos.values()):
        test = pooled_placebo(avg, placebos, seed=int(getattr(opts, "seed", 0)))
        pvalue = test["pvalue"]
        extra["pooled_placebo"] = test
        head = (f"placebo p-value of the mean {pvalue:.3g} (Cavallo et al. 2013: "
                f"{test['n_averages']:,} placebo means of one placebo per treated unit"
                + (", a seeded sample" if test["sampled"] else "") + "); no interval; "
                "each unit's own placebo p-value is in its row")
    else:
        head = ("the average across units has no interval or placebo p-value (a treated "
                "unit has no placebo test); each unit's placebo p-value is in its row")
    return Estimate(
        estimator=name, label=label, average_effect=avg, lower=None, upper=None,
        alpha=ctx.alpha, unit=first.unit, counterfactual_mean=cf,
        share_of_counterfactual=(avg / cf if cf else None), placebo_pvalue=pvalue,
        pre_rmspe=None, weights=None, path=path, caveats=tuple([head] + caveats),
        window=(min(w[0] for w in windows), max(w[1] for w in windows)), extra=extra,
    )
