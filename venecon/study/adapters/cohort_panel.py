"""The panel that the DiD-family adapters fit, and what they report from an event study.

:func:`cohort_panel` turns a study's design into a long panel ``unit, time,
value, cohort``: the treated unit(s) with their first treated period and the
never-treated units (the study's donors) with no cohort. Periods are coded
as consecutive integers over the periods present (a partial year the study
leaves out of both windows is then skipped, not a gap), and ``labels`` maps a
code back to its period. :func:`event_path`, :func:`pre_trend` and
:func:`breakdown` read an event-study result the same way for every adapter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .. import restated
from ..restated import Statement

__all__ = ["CohortPanel", "cohort_panel", "design_of", "event_path", "pre_trend", "breakdown",
           "mean_effect", "panel_estimate", "default_window", "FEW_TREATED", "STAGGERED_TWFE",
           "without_honest"]

#: Treated units below which the DiD-family intervals are flagged as optimistic.
FEW_TREATED = 5

#: Caveat of a two-way fixed-effects estimate under staggered adoption.
STAGGERED_TWFE = Statement(
    restated.STAGGERED_TWFE,
    "two-way fixed effects under staggered adoption: the estimate weights 2x2 comparisons, "
    "some with already-treated units as controls and possibly negative weights "
    "(Goodman-Bacon 2021; Sun and Abraham 2021); compare callaway_santanna or sun_abraham")


@dataclass(frozen=True)
class CohortPanel:
    """A long panel for the DiD-family estimators (see the module docstring)."""

    frame: Any
    cohorts: dict[str, int]
    labels: dict[int, Any]
    controls: tuple[str, ...]
    unit: str
    #: Never-treated units left out, unit -> reason (non-positive output under ``log``).
    dropped: dict[str, str]


def design_of(ctx: Any) -> str:
    """"single", "cohort" or "staggered" for a :class:`~venecon.study.estimators.Context`."""
    from .base import COHORT, SINGLE, STAGGERED

    if not ctx.cohorts:
        return SINGLE
    return COHORT if len({c for _, c, _ in ctx.cohorts}) == 1 else STAGGERED


def cohort_panel(ctx: Any, name: str, log: bool = False) -> CohortPanel:
    """The design as a panel with integer periods; ``log`` takes natural logs of the outcome."""
    import numpy as np

    from ..checks import StudyError

    firsts = ({u: c for u, c, _ in ctx.cohorts} if ctx.cohorts
              else {ctx.treated: ctx.treatment_period})
    units = (*firsts, *ctx.donors)
    f = ctx.frame
    f = f[f["unit"].isin(units) & (f["time"] >= ctx.pre[0]) & (f["time"] <= ctx.sample_end)]
    f = f[["unit", "time", "value"]].copy()
    f["value"] = f["value"].astype("float64")
    dropped: dict[str, str] = {}
    if log:
        bad = f[~(f["value"] > 0)]
        treated_bad = bad[bad["unit"].isin(firsts)]
        if len(treated_bad):
            row = treated_bad.iloc[0]
            raise StudyError(f"study.estimators.{name}.log",
                             f"{len(treated_bad)} outcome value(s) of treated units are not "
                             f"positive (e.g. {row['unit']} at {row['time']}: {row['value']})",
                             "set log = false, or leave that unit out")
        for u, rows in bad.groupby("unit"):
            dropped[str(u)] = (f"{len(rows)} non-positive outcome value(s) in the sample: no "
                               "logarithm")
        f = f[~f["unit"].isin(dropped)].copy()
        f["value"] = np.log(f["value"])
    times = sorted(f["time"].unique())
    # codes from 1: Callaway-Sant'Anna reads cohort 0 as never treated
    code = {t: i for i, t in enumerate(times, start=1)}
    f["time"] = f["time"].map(code).astype("int64")
    cohorts = {}
    for u, c in firsts.items():
        later = [i for t, i in code.items() if t >= c]
        if later:
            cohorts[u] = min(later)
    f["cohort"] = f["unit"].map(cohorts).astype("float64")
    return CohortPanel(frame=f.reset_index(drop=True), cohorts=cohorts,
                       labels={i: t for t, i in code.items()},
                       controls=tuple(d for d in ctx.donors if d not in dropped),
                       unit="log points" if log else ctx.unit, dropped=dropped)


def event_path(table: Any) -> Any:
    """An event-time table (``estimate``, ``lower``, ``upper``) as a study path."""
    import pandas as pd

    path = pd.DataFrame({"effect": table["estimate"].to_numpy(dtype="float64"),
                         "lower": table["lower"].to_numpy(dtype="float64"),
                         "upper": table["upper"].to_numpy(dtype="float64")},
                        index=pd.Index([int(k) for k in table.index], name="event_time"))
    return path


def mean_effect(est: Any, cov: Any, alpha: float) -> tuple[float, float, float, float]:
    """Mean of coefficients with its normal interval and p-value: ``(mean, lower, upper, p)``."""
    import numpy as np
    from scipy import stats

    b = np.asarray(est, dtype="float64")
    v = np.asarray(cov, dtype="float64")
    w = np.full(len(b), 1.0 / len(b))
    m, se = float(w @ b), float(math.sqrt(max(w @ v @ w, 0.0)))
    z = float(stats.norm.ppf(1 - alpha / 2))
    p = float(2 * stats.norm.sf(abs(m) / se)) if se > 0 else math.nan
    return m, m - z * se, m + z * se, p


def pre_trend(est: Any, cov: Any) -> dict[str, Any]:
    """Joint Wald test that the pre-period coefficients are zero (chi-squared, rank of cov).

    ``est`` is indexed by event time (reference and zero-variance rows left out).
    """
    import numpy as np
    from scipy import stats

    b = np.asarray(est, dtype="float64")
    v = np.asarray(cov, dtype="float64")
    keep = np.diag(v) > 0
    b, v = b[keep], v[np.ix_(keep, keep)]
    if not len(b):
        return {"not_run": "no pre-period coefficient to test"}
    df = int(np.linalg.matrix_rank(v))
    stat = float(b @ np.linalg.pinv(v) @ b)
    return {"stat": stat, "df": df, "pvalue": float(stats.chi2.sf(stat, df)),
            "coefficients": {str(int(k)): float(x) for k, x in
                             zip(np.asarray(est.index)[keep], b, strict=True)}}


#: The power at which the pre-test's detectable linear trend is read (Roth 2022 uses 50% and 80%).
POWER_TARGET = 0.8


def breakdown(result: Any, alpha: float = 0.05) -> dict[str, Any]:
    """HonestDiD (Rambachan and Roth 2023) relative-magnitudes breakdown value at event time 0.

    The smallest ``Mbar`` at which the robust interval of the first post-period
    effect includes zero: post-treatment violations of parallel trends up to
    ``Mbar`` times the largest pre-period one cannot overturn the sign below it.
    ``pretrend_power`` is the slope of the linear pre-trend that the pre-test
    (any pre-period coefficient significant) detects with probability
    :data:`POWER_TARGET` (Roth 2022); the first post-period follows the reference
    period, so that trend alone shifts the first effect by one slope.
    """
    from ...exceptions import VeneconError
    from ...models import HonestOptions

    try:
        # one-point grids: the breakdown is found by bisection, not read off the grids
        h = result.honest_did(HonestOptions(alpha=alpha, mbar=(0.0,), m=(0.0,)))
    except (VeneconError, ValueError, ArithmeticError) as exc:
        return {"not_run": str(exc).splitlines()[0][:200]}
    value = h.breakdown["relative_magnitudes"]
    out = {"relative_magnitudes": None if not math.isfinite(value) else float(value),
           "effect": "event time 0", "method": "relative magnitudes (C-LF), Rambachan and "
           "Roth 2023; venecon.models.honest"}
    power = h.pretrend
    if power is not None and POWER_TARGET in power["slopes"]:
        out["pretrend_power"] = {
            "power": POWER_TARGET, "slope": power["slopes"][POWER_TARGET],
            "test": "any pre-period coefficient individually significant",
            "method": "Roth 2022; venecon.models.did.honest.pretrend_power"}
    return out


def panel_estimate(name: str, label: str, ctx: Any, panel: CohortPanel, *, att: float,
                   lower: float | None, upper: float | None, pvalue: float | None, path: Any,
                   result: Any, caveats: tuple[str, ...] = (),
                   extra: dict[str, Any] | None = None) -> Any:
    """The :class:`~venecon.study.results.Estimate` of a DiD-family adapter."""
    from ..data import fmt_period
    from ..results import Estimate

    first = min(panel.cohorts.values())
    more = dict(extra or {})
    if design_of(ctx) == "staggered" and more.get("staggered_twfe"):
        caveats = (STAGGERED_TWFE, *caveats)
    if len(panel.cohorts) < FEW_TREATED and name != "sdid":
        caveats = (*caveats, f"{len(panel.cohorts)} treated unit(s): standard errors that rest "
                   "on the treated units' variation understate the uncertainty with so few "
                   "(Conley and Taber 2011); read the interval and the pre-trend test as "
                   "optimistic")
    return Estimate(
        estimator=name, label=label, average_effect=float(att),
        lower=None if lower is None else float(lower),
        upper=None if upper is None else float(upper), alpha=ctx.alpha, unit=panel.unit,
        counterfactual_mean=more.pop("counterfactual_mean", None),
        share_of_counterfactual=more.pop("share_of_counterfactual", None),
        placebo_pvalue=None, pre_rmspe=more.pop("pre_rmspe", None), weights=None, path=path,
        caveats=tuple(caveats),
        window=(fmt_period(panel.labels[first]), fmt_period(ctx.post[1])),
        extra={"pvalue": pvalue, "n_controls": len(panel.controls),
               **({"controls_dropped": dict(panel.dropped)} if panel.dropped else {}),
               "cohorts": {u: fmt_period(panel.labels[c])
                           for u, c in sorted(panel.cohorts.items())},
               **more},
        result=result)


def default_window(panel: CohortPanel, lo: int = -5, hi: int = 10) -> tuple[int, int]:
    """The event window ``[lo, hi]`` cut to the event times the treated units have."""
    rel = panel.frame["time"] - panel.frame["cohort"]
    rel = rel.dropna()
    return max(lo, int(rel.min())), min(hi, int(rel.max()))


def without_honest(opts: Any) -> Any:
    """Options of a grid refit: the sensitivity analysis belongs to the headline fit."""
    import dataclasses

    return dataclasses.replace(opts, honest=False)
