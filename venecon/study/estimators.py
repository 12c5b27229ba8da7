"""Runners of the single-series and synthetic-control estimators: a design -> an Estimate.

Each runner is registered with studies by its adapter
(:mod:`venecon.study.adapters`).

Each runner is a module-level function of a picklable :class:`Context`, so the
robustness grid can ship them to joblib or Dask workers unchanged. Caveats come
from the estimate's own diagnostics (each a :class:`~venecon.study.restated.Statement`
whose topic a verdict reason stating the same diagnostic shares), with these thresholds:

* poor pre-period fit: pre-period RMSPE above :data:`POOR_FIT` (10%) of the
  treated unit's mean absolute pre-period outcome;
* interval covering zero (estimators with an interval), or a synthetic-control
  placebo rank worse than first with a p-value above ``alpha`` (read against the
  smallest p-value the donor count allows, :func:`placebo_reading`);
* trend extrapolation (ITS, ARIMA): a post window longer than
  :data:`LONG_POST` (half) of the pre window, or a pre-period trend that is
  significant at ``alpha`` and that the counterfactual carries forward;
* flagged data rows (non-empty ``flag``) in the estimation sample;
* too few pre-periods: fewer than :data:`FEW_PRE` (10 years or 24 months).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from typing import Any

from .._lazy import moved
from .data import StudyDesign, fmt_period
from .restated import (
    DONOR_RANGE,
    EARLIER_EVENT,
    EXTENDED_MODEL,
    FLAGGED_ROWS,
    INTERVAL_COVERS_ZERO,
    PLACEBO_RANK,
    PRE_PERIOD_FIT,
    SHORT_PRE_PERIOD,
    TREND_CARRIED,
    Statement,
)
from .results import Estimate

__all__ = [
    "Context",
    "run_synthetic_control",
    "run_augmented_synthetic_control",
    "run_its",
    "run_arima",
    "run_local_projections",
    "run_structural_breaks",
    "in_time_placebo",
    "placebo_reading",
    "placebo_caveat",
    "LABELS",
    "POOR_FIT",
    "LONG_POST",
    "FEW_PRE",
    "MIN_PRE",
]

#: Pre-period RMSPE / mean |pre-period outcome| above which the fit is called poor.
POOR_FIT = 0.10
#: Post/pre window length ratio above which a trend counterfactual is called an extrapolation.
LONG_POST = 0.5
#: Pre-periods below which a caveat is raised, by frequency.
FEW_PRE = {"annual": 10, "monthly": 24}
#: Pre-periods below which the episode is not identified, by frequency.
MIN_PRE = {"annual": 5, "monthly": 12}

LABELS = {
    "synthetic_control": "Synthetic control",
    "augmented_synthetic_control": "Augmented synthetic control",
    "its": "Interrupted time series",
    "arima": "Intervention ARIMA",
    "local_projections": "Local projections",
    "structural_breaks": "Structural breaks",
}


#: :class:`StudyDesign` fields that estimators read through a :class:`Context`.
_DESIGN_FIELDS = ("treatment_period", "treatment_date", "pre", "post", "sample_end", "donors",
                  "other_events", "cohorts")


def _from_design(name: str) -> property:
    return property(lambda self: getattr(self.design, name), doc=f"``design.{name}``.")


@dataclass(frozen=True)
class Context:
    """Everything one estimator run needs (picklable): the study design plus the run's data.

    The design's periods, donors, other events and cohorts are read-only attributes
    (``ctx.pre``, ``ctx.donors``, ...); :meth:`vary` changes them on the design.
    """

    frame: Any  # long panel unit, time, value[, flag]
    treated: str
    frequency: str
    unit: str
    alpha: float
    design: StudyDesign
    treatment_label: str
    subwindows: tuple[tuple[str, tuple[Any, Any]], ...] = ()
    predictor_set: str = "declared"
    # True in the robustness variant that deliberately puts excluded units back as donors
    donors_put_back: bool = False

    treatment_period = _from_design("treatment_period")
    treatment_date = _from_design("treatment_date")
    pre = _from_design("pre")
    post = _from_design("post")
    sample_end = _from_design("sample_end")
    donors = _from_design("donors")
    other_events = _from_design("other_events")
    # several treated units: (unit, first treated period, treatment date) each; ``treated`` is
    # then the first of them and ``donors`` the never-treated units
    cohorts = _from_design("cohorts")

    def vary(self, **changes: Any) -> Context:
        """A copy with ``changes`` applied; design fields are replaced on the design."""
        design = {k: changes.pop(k) for k in _DESIGN_FIELDS if k in changes}
        if design:
            changes["design"] = replace(self.design, **design)
        return replace(self, **changes)


def _series(ctx: Context, end: Any = None) -> Any:
    f = ctx.frame
    end = ctx.sample_end if end is None else end
    own = f[(f["unit"] == ctx.treated) & (f["time"] >= ctx.pre[0]) & (f["time"] <= end)]
    s = own.set_index("time")["value"].astype("float64")
    s.name = "value"
    return s


def _flag_caveat(ctx: Context, end: Any = None) -> list[str]:
    f = ctx.frame
    if "flag" not in f.columns:
        return []
    end = ctx.sample_end if end is None else end
    rows = f[
        (f["unit"] == ctx.treated)
        & (f["time"] >= ctx.pre[0])
        & (f["time"] <= end)
        & (f["flag"] != "")
    ]
    if rows.empty:
        return []
    return [Statement(
        FLAGGED_ROWS,
        f"{len(rows)} data row(s) in the sample are flagged "
        f"({', '.join(sorted(set(rows['flag'])))}; {fmt_period(rows['time'].min())} to "
        f"{fmt_period(rows['time'].max())}): they are estimates, not observations"
    )]


def _pre_caveats(ctx: Context, n_pre: int) -> list[str]:
    few = FEW_PRE[ctx.frequency]
    per = "years" if ctx.frequency == "annual" else "months"
    return (
        [Statement(
            SHORT_PRE_PERIOD,
            f"only {n_pre} pre-treatment {per} (fewer than {few}): the counterfactual rests on "
            "a short history"
        )]
        if n_pre < few
        else []
    )


def _events(ctx: Context, end: Any) -> dict[str, Any]:
    """Treatment plus the other declared events inside the sample, in date order."""
    import pandas as pd

    from ..policy.registry import event

    items = [(ctx.treatment_label, pd.Timestamp(ctx.treatment_date))]
    for label, value in ctx.other_events:
        try:
            date = pd.Timestamp(value)
        except (TypeError, ValueError):
            date = pd.Timestamp(event(value)["date"])
        if ctx.pre[0] <= _as_period(date, ctx.frequency) <= end:
            items.append((label, date))
    items.sort(key=lambda kv: kv[1])
    return {k: f"{v:%Y-%m-%d}" for k, v in items}


def _saturated_events(ctx: Context, y: Any) -> dict[str, str]:
    """One event per period of ``y`` from the treatment's period: a level term each."""
    import pandas as pd

    first = _as_period(pd.Timestamp(ctx.treatment_date), ctx.frequency)
    return {fmt_period(p): (f"{p}-01-01" if ctx.frequency == "annual" else f"{p:%Y-%m-%d}")
            for p in y.index if p >= first}


def _as_period(date: Any, frequency: str) -> Any:
    return int(date.year) if frequency == "annual" else date.to_period("M").to_timestamp()


def _first_event(events: dict[str, str], ctx: Context) -> Any:
    import pandas as pd

    return min(_as_period(pd.Timestamp(d), ctx.frequency) for d in events.values())


def _window_stats(path: Any, window: tuple[Any, Any]) -> tuple[float, float | None]:
    sel = path[(path.index >= window[0]) & (path.index <= window[1])]
    cf = float(sel["counterfactual"].mean()) if "counterfactual" in sel else math.nan
    return float(sel["effect"].mean()), (cf if math.isfinite(cf) else None)


def placebo_reading(rank: int, n_units: int, alpha: float) -> str:
    """The placebo rank read against the smallest p-value the donor count allows.

    With ``n_units - 1`` donors the smallest attainable p-value is ``1 / n_units``
    (the treated unit ranked first): "rank 1 of 18: the smallest p-value
    possible with 17 donors".
    """
    n_donors = n_units - 1
    p, p_min = rank / n_units, 1 / n_units
    text = f"placebo rank {rank} of {n_units} (p-value {p:.3g})"
    if rank == 1:
        text += f": the smallest p-value possible with {n_donors} donors"
        if p_min > alpha:
            need = math.ceil(1 / alpha) - 1
            text += f" (no ranking can reach {alpha:g} with fewer than {need} donors)"
        return text
    return text[:-1] + f", against the smallest possible {p_min:.3g} with {n_donors} donors)"


def placebo_caveat(rank: int, n_units: int, alpha: float) -> list[str]:
    """A caveat when the treated unit's placebo rank is not extreme for its donor count.

    Raised when the rank is worse than first and the p-value exceeds ``alpha``:
    a p-value above ``alpha`` is not a caveat when it is the smallest the donor
    count allows.
    """
    if rank == 1 or rank / n_units <= alpha:
        return []
    return [Statement(
        PLACEBO_RANK, placebo_reading(rank, n_units, alpha)
        + ": the treated gap is within the range of the donors' placebo gaps"
    )]


# --------------------------------------------------------------------------- synthetic control


def _predictors(ctx: Context, opts: Any) -> tuple[list, tuple]:
    pre_times = sorted(t for t in ctx.frame["time"].unique() if ctx.pre[0] <= t <= ctx.pre[1])
    declared_fit = opts.fit_window or (pre_times[0], pre_times[-1])
    # a variant whose pre-period starts after the declared fit window fits from its own start
    fit_window = (max(declared_fit[0], pre_times[0]), declared_fit[1])
    if ctx.predictor_set == "all_pre_outcomes":
        # every pre-period outcome inside the fit window: the predictors and the
        # window V is chosen on cover the same periods
        inside = [t for t in pre_times if fit_window[0] <= t <= fit_window[1]]
        return [("value", [t], "mean") for t in inside], fit_window
    declared = opts.predictor_windows is not None or opts.predictor_years is not None
    if declared and ctx.predictor_set == "declared":
        # windows and years as declared; in a robustness variant with a shorter pre-period,
        # those outside it drop out (the main design refuses them, see Study)
        import pandas as pd

        def at(p: Any) -> Any:  # a declared year or "YYYY-MM" as a period of the frame
            return p if isinstance(p, int) else _as_period(pd.Timestamp(p), ctx.frequency)

        wins = [(at(a), at(b)) for a, b in (opts.predictor_windows or ())]
        wins = [(a, b) for a, b in wins if b >= pre_times[0]]
        preds = [
            ("value", [t for t in pre_times if max(a, pre_times[0]) <= t <= b], "mean")
            for a, b in wins
        ]
        preds = [p for p in preds if p[1]]
        years = [at(y) for y in (opts.predictor_years or ())]
        preds += [("value", [y], "mean") for y in years if y in pre_times]
        if preds:
            return preds, fit_window
    # default: the pre-period in three equal parts plus its last period
    n = len(pre_times)
    cuts = [round(i * n / 3) for i in range(4)]
    parts = [pre_times[cuts[i] : cuts[i + 1]] for i in range(3) if cuts[i + 1] > cuts[i]]
    preds = [("value", p, "mean") for p in parts] + [("value", [pre_times[-1]], "mean")]
    return preds, fit_window


def run_synthetic_control(
    ctx: Context, opts: Any, n_jobs: int = 1, inference: bool = True
) -> Estimate:
    """Synthetic control (ADH 2010, :class:`venecon.models.SyntheticControl`) on the design."""
    import numpy as np
    import pandas as pd

    from ..exceptions import DonorPoolWarning
    from ..models import SyntheticControl

    f = ctx.frame
    units = (ctx.treated, *ctx.donors)
    df = f[f["unit"].isin(units) & (f["time"] >= ctx.pre[0]) & (f["time"] <= ctx.sample_end)]
    df = df[["unit", "time", "value"]].reset_index(drop=True)
    predictors, fit_window = _predictors(ctx, opts)
    events = {}
    for label, value in ctx.other_events:
        try:
            events[label] = _as_period(pd.Timestamp(value), ctx.frequency)
        except (TypeError, ValueError):
            continue
    with warnings.catch_warnings():
        if ctx.donors_put_back:
            # this variant includes the excluded units on purpose; the study records them
            warnings.simplefilter("ignore", DonorPoolWarning)
        model = SyntheticControl(
            df,
            outcome="value",
            unit="unit",
            time="time",
            treated=ctx.treated,
            treatment_time=ctx.treatment_period,
            donors=list(ctx.donors),
            predictors=predictors,
            fit_window=fit_window,
            v=opts.v,
            effect_window=ctx.post,
            events=events or None,
            outcome_unit=ctx.unit,
            seed=opts.seed,
        )
        res = model.fit(
            placebo=opts.placebo and inference,
            conformal=opts.conformal and inference,
            alpha=ctx.alpha,
            n_jobs=n_jobs,
        )
    eff = res.effects  # indexed like the study frame's time column (integer years when annual)
    path = pd.DataFrame(
        {
            "observed": eff["actual"],
            "counterfactual": eff["counterfactual"],
            "effect": res.gaps,
            "lower": eff["effect_lower"],
            "upper": eff["effect_upper"],
        }
    )
    path.index.name = "period"
    avg = res.average_effect(*ctx.post)
    _, cf = _window_stats(path, ctx.post)
    pl = res.placebo_result
    pval = pl.pvalue if pl is not None else None
    own_pre = path[path.index < ctx.treatment_period]["observed"]
    level = float(np.mean(np.abs(own_pre)))
    caveats = []
    if level > 0 and res.rmspe_pre / level > POOR_FIT:
        caveats.append(Statement(
            PRE_PERIOD_FIT,
            f"poor pre-period fit: RMSPE {res.rmspe_pre:.4g} {ctx.unit} is "
            f"{100 * res.rmspe_pre / level:.0f}% of the mean pre-period outcome "
            f"(threshold {100 * POOR_FIT:.0f}%)"
        ))
    donor_pre = df[(df["unit"] != ctx.treated) & (df["time"] < ctx.treatment_period)]
    means = donor_pre.groupby("unit")["value"].mean()
    own_mean = float(own_pre.mean())
    if len(means) and not means.min() <= own_mean <= means.max():
        caveats.append(Statement(
            DONOR_RANGE,
            f"the treated unit's mean pre-period outcome ({own_mean:,.4g} {ctx.unit}) lies "
            f"outside the donors' range ({means.min():,.4g} to {means.max():,.4g}): no convex "
            "combination of donors can match its level"
        ))
    if pl is not None:
        caveats += placebo_caveat(pl.rank, pl.n_units, ctx.alpha)
    caveats += _pre_caveats(ctx, len(own_pre)) + _flag_caveat(ctx)
    extra: dict[str, Any] = {
        "v": ctx.predictor_set if ctx.predictor_set != "declared" else opts.v,
        "n_donors": len(ctx.donors),
        "predictors": len(predictors),
    }
    if pl is not None:
        extra["placebo_n"] = int(len(pl.table)) if hasattr(pl, "table") else None
        extra["placebo_rank"] = int(pl.rank)
        extra["placebo_units"] = int(pl.n_units)
    if len(means):
        extra["treated_pre_mean"] = own_mean
        extra["donor_pre_range"] = [float(means.min()), float(means.max())]
    if opts.leave_one_out and inference:
        loo = res.leave_one_out(n_jobs=n_jobs)
        vals = dict(loo.average_effect)
        extra["leave_one_out"] = {str(k): float(v) for k, v in vals.items()}
        extra["leave_one_out_range"] = [float(min(vals.values())), float(max(vals.values()))]
    by = {}
    for name, (a, b) in ctx.subwindows:
        by[name] = {
            "average_effect": res.average_effect(a, b),
            "lower": None,
            "upper": None,
            "window": [fmt_period(a), fmt_period(b)],
        }
    if by:
        extra["by_window"] = by
    weights = {str(k): float(v) for k, v in res.weights.items()}
    label = f"{LABELS['synthetic_control']} ({opts.v} V, {len(ctx.donors)} donors)"
    return Estimate(
        estimator="synthetic_control",
        label=label,
        average_effect=float(avg),
        lower=None,
        upper=None,
        alpha=ctx.alpha,
        unit=ctx.unit,
        counterfactual_mean=cf,
        share_of_counterfactual=(float(avg) / cf if cf else None),
        placebo_pvalue=pval,
        pre_rmspe=float(res.rmspe_pre),
        weights=weights,
        path=path,
        caveats=tuple(caveats),
        window=(fmt_period(ctx.post[0]), fmt_period(ctx.post[1])),
        extra=extra,
        result=res,
    )


def run_augmented_synthetic_control(
    ctx: Context, opts: Any, n_jobs: int = 1, inference: bool = True  # noqa: ARG001
) -> Estimate:
    """Ridge augmented synthetic control (Ben-Michael, Feller and Rothstein 2021) on the design."""
    import numpy as np
    import pandas as pd

    from ..models import AugmentedSynthControl

    f = ctx.frame
    units = (ctx.treated, *ctx.donors)
    df = f[f["unit"].isin(units) & (f["time"] >= ctx.pre[0]) & (f["time"] <= ctx.post[1])]
    model = AugmentedSynthControl(
        df[["unit", "time", "value"]].reset_index(drop=True), outcome="value", unit="unit",
        time="time", treated=ctx.treated, treatment_time=ctx.treatment_period,
        progfunc=opts.progfunc, lam=opts.lam, min_1se=opts.min_1se,
    )
    res = model.fit(alpha=ctx.alpha, conformal=opts.conformal and inference)
    eff = res.effects
    path = pd.DataFrame({
        "observed": eff["actual"], "counterfactual": eff["counterfactual"],
        "effect": eff["actual"] - eff["counterfactual"],
        "lower": eff["effect_lower"], "upper": eff["effect_upper"],
    })
    path.index.name = "period"
    avg, cf = _window_stats(path, ctx.post)
    n_pre = int((path.index < ctx.treatment_period).sum())
    caveats = _pre_caveats(ctx, n_pre) + _flag_caveat(ctx)
    if res.scaled_l2_imbalance > 0.5:
        caveats.append(
            f"pre-period imbalance is {100 * res.scaled_l2_imbalance:.0f}% of uniform weights': "
            "the ridge correction extrapolates beyond the donors"
        )
    extra: dict[str, Any] = {
        "n_donors": len(ctx.donors),
        "progfunc": opts.progfunc,
        "lambda": res.statistics["lambda"],
        "l2_imbalance": res.l2_imbalance,
        "scaled_l2_imbalance": res.scaled_l2_imbalance,
        "estimated_bias": res.estimated_bias,
        "joint_pvalue": res.joint_pvalue,
        "negative_weights": int((res.weights < 0).sum()),
    }
    pre_gap = path.loc[path.index < ctx.treatment_period, "effect"]
    label = f"{LABELS['augmented_synthetic_control']} ({opts.progfunc}, {len(ctx.donors)} donors)"
    return Estimate(
        estimator="augmented_synthetic_control",
        label=label,
        average_effect=float(avg),
        lower=None,
        upper=None,
        alpha=ctx.alpha,
        unit=ctx.unit,
        counterfactual_mean=cf,
        share_of_counterfactual=(float(avg) / cf if cf else None),
        placebo_pvalue=None,
        pre_rmspe=float(np.sqrt(np.mean(pre_gap**2))),
        weights={str(k): float(v) for k, v in res.weights.items()},
        path=path,
        caveats=tuple(caveats),
        window=(fmt_period(ctx.post[0]), fmt_period(ctx.post[1])),
        extra=extra,
        result=res,
    )


# --------------------------------------------------------------------------- time series


def _ts_common(
    ctx: Context,
    res: Any,
    name: str,
    label: str,
    end: Any,
    n_pre: int,
    extra: dict[str, Any],
    warned: list[str],
) -> Estimate:
    import numpy as np
    import pandas as pd

    from ..revenue.units import BARRELS_PER_UNIT_DAY

    eff = res.effects
    if ctx.frequency == "annual" and isinstance(eff.index, pd.DatetimeIndex):
        # annual models index by year-start dates; the study's windows are integer years
        eff = eff.set_axis(eff.index.year)
    path = pd.DataFrame(
        {
            "observed": eff["actual"],
            "counterfactual": eff["counterfactual"],
            "effect": eff["effect"],
            "lower": eff["effect_lower"],
            "upper": eff["effect_upper"],
        }
    )
    path.index.name = "period"

    def window_effect(a: Any, b: Any) -> tuple[float, float | None, float | None]:
        if ctx.unit in BARRELS_PER_UNIT_DAY:
            ce = res.cumulative_effect(a, b, alpha=ctx.alpha)
            return float(ce.average), float(ce.average_lower), float(ce.average_upper)
        sel = path[(path.index >= a) & (path.index <= b)]["effect"]
        return float(sel.mean()), None, None

    avg, lo, hi = window_effect(*ctx.post)
    _, cf = _window_stats(path, ctx.post)
    caveats = list(warned)
    if lo is not None and lo <= 0 <= hi:
        caveats.append(Statement(INTERVAL_COVERS_ZERO, f"the {100 * (1 - ctx.alpha):g}% interval "
                                 f"[{lo:.4g}, {hi:.4g}] covers zero"))
    # the counterfactual starts at the first modelled event, which may precede the treatment
    ev = res.events
    origin = ev["period"].min()
    if ctx.frequency == "annual" and isinstance(origin, pd.Timestamp):
        origin = origin.year
    if origin < ctx.treatment_period:
        first = ev.index[ev["period"] == origin][0]
        caveats.append(Statement(
            EARLIER_EVENT,
            f"the counterfactual is the path before the first modelled event ({first}, "
            f"{fmt_period(origin)}): the effect over the post window combines the treatment "
            "with the earlier event(s)"
        ))
    n_post = int(((path.index >= origin) & (path.index <= ctx.post[1])).sum())
    if n_pre and n_post / n_pre > LONG_POST:
        caveats.append(Statement(
            EXTENDED_MODEL,
            "trend extrapolation: the counterfactual extends the pre-period model "
            f"{n_post} periods "
            f"past the treatment, from {n_pre} pre-periods (ratio above {LONG_POST:g})"
        ))
    if "pre_trend" in extra:
        b, se = extra["pre_trend"], extra["pre_trend_se"]
        from scipy import stats

        z = float(stats.norm.ppf(1 - ctx.alpha / 2))
        if se > 0 and abs(b / se) > z:
            caveats.append(Statement(
                TREND_CARRIED,
                f"the counterfactual carries forward a significant pre-period trend of {b:+.3g} "
                f"{ctx.unit} per period ({n_post} periods to the end of the post window: "
                f"{b * n_post:+.4g} {ctx.unit}); the effect is relative to that trend"
            ))
    pre_rmspe = None
    if "fitted" in eff.columns:
        pre = eff[eff.index < origin]
        pre_rmspe = float(np.sqrt(np.mean((pre["actual"] - pre["fitted"]) ** 2)))
        level = float(np.mean(np.abs(pre["actual"])))
        if level > 0 and pre_rmspe / level > POOR_FIT:
            caveats.append(Statement(
                PRE_PERIOD_FIT,
                f"poor pre-period fit: RMSPE {pre_rmspe:.4g} {ctx.unit} is "
                f"{100 * pre_rmspe / level:.0f}% "
                f"of the mean pre-period outcome (threshold {100 * POOR_FIT:.0f}%)"
            ))
    caveats += _pre_caveats(ctx, n_pre) + _flag_caveat(ctx, end)
    by = {}
    for nm, (a, b) in ctx.subwindows:
        e, lw, up = window_effect(a, b)
        by[nm] = {
            "average_effect": e,
            "lower": lw,
            "upper": up,
            "window": [fmt_period(a), fmt_period(b)],
        }
    if by:
        extra["by_window"] = by
    return Estimate(
        estimator=name,
        label=label,
        average_effect=avg,
        lower=lo,
        upper=hi,
        alpha=ctx.alpha,
        unit=ctx.unit,
        counterfactual_mean=cf,
        share_of_counterfactual=(avg / cf if cf else None),
        placebo_pvalue=None,
        pre_rmspe=pre_rmspe,
        weights=None,
        path=path,
        caveats=tuple(caveats),
        window=(fmt_period(ctx.post[0]), fmt_period(ctx.post[1])),
        extra=extra,
        result=res,
    )


def _fit_ts(model: Any, ctx: Context, opts: Any, *, saturated: bool = False,
            **kwargs: Any) -> tuple:
    """Fit a monthly time-series model on the treated series; warnings are collected."""
    end = ctx.sample_end if opts.end is None else _period(opts.end, ctx)
    y = _series(ctx, end)
    events = _saturated_events(ctx, y) if saturated else _events(ctx, end)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model(y, events, outcome_unit=ctx.unit, alpha=ctx.alpha, **kwargs).fit()
    n_pre = int((y.index < _first_event(events, ctx)).sum())
    extra: dict[str, Any] = {
        "events": events,
        "sample": [fmt_period(y.index[0]), fmt_period(y.index[-1])],
    }
    warned = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return res, end, n_pre, extra, warned


def run_its(ctx: Context, opts: Any, n_jobs: int = 1, inference: bool = True) -> Estimate:  # noqa: ARG001
    """Interrupted time series (:class:`venecon.models.ITS`, segmented OLS with HAC errors)."""
    from ..models import ITS, FixedB, NeweyWest

    res, end, n_pre, extra, warned = _fit_ts(
        ITS, ctx, opts, saturated=opts.saturated,
        slope_change=opts.slope_change and not opts.saturated, seasonal=opts.seasonal,
        log=opts.log, inference=FixedB() if opts.inference == "fixed-b" else NeweyWest(),
    )
    if "trend" in res.params.index:
        extra["pre_trend"] = float(res.params["trend"])
        extra["pre_trend_se"] = float(res.std_errors["trend"])
    ci = res.conf_int(ctx.alpha)
    extra["terms"] = {
        k: {
            "estimate": float(res.params[k]),
            "lower": float(ci.loc[k].iloc[0]),
            "upper": float(ci.loc[k].iloc[1]),
        }
        for k in res.params.index
        if k.startswith(("level[", "slope["))
    }
    label = LABELS["its"] + (" (saturated: one level term per post period)" if opts.saturated
                             else " (level shifts only)" if not opts.slope_change else "")
    if opts.saturated:
        # each post period is fitted exactly by its own level term, so the interval carries
        # the trend's uncertainty only; a single period's noise is the pre-period residual SD
        pre = res.effects.iloc[:n_pre]
        sd = math.sqrt(float(((pre["actual"] - pre["fitted"]) ** 2).sum()) / max(n_pre - 2, 1))
        warned = [*warned, "saturated: the interval covers the pre-period trend's uncertainty "
                  f"only; read one period's gap against the pre-period residual SD ({sd:.3g} "
                  f"{ctx.unit})"]
    return _ts_common(ctx, res, "its", label, end, n_pre, extra, warned)


def run_arima(ctx: Context, opts: Any, n_jobs: int = 1, inference: bool = True) -> Estimate:  # noqa: ARG001
    """Intervention ARIMA (:class:`venecon.models.InterventionARIMA`); order by BIC, pre-period."""
    from ..models import InterventionARIMA

    res, end, n_pre, extra, warned = _fit_ts(
        InterventionARIMA, ctx, opts, seed=opts.seed, max_p=opts.max_p, max_q=opts.max_q, d=opts.d
    )
    extra.update(order=list(res.order), seed=opts.seed)
    # keep the short-pre-period warning (a diagnostic); statsmodels' optimiser chatter is not
    warned = [w for w in warned if "months before the first event" in w]
    label = LABELS["arima"] + f" {tuple(res.order)}"
    return _ts_common(ctx, res, "arima", label, end, n_pre, extra, warned)


def run_local_projections(
    ctx: Context, opts: Any, n_jobs: int = 1, inference: bool = True
) -> Estimate:  # noqa: ARG001
    """Local projections (Jordà 2005, :class:`venecon.models.LocalProjections`) of event pulses.

    ``average_effect`` is the mean response of the outcome to the treatment
    pulse over horizons 0..H, with the interval of
    :attr:`~venecon.models.LocalProjectionsResults.mean_response` (one HAC
    regression of the outcome averaged over the horizons); the pointwise
    bands are in ``path``.
    """
    import pandas as pd

    from ..models import LocalProjections

    res, end, _, extra, _ = _fit_ts(
        LocalProjections, ctx, opts, horizons=opts.horizons, lags=opts.lags
    )
    irf = res.irf
    own = irf[irf["shock"] == ctx.treatment_label]
    path = pd.DataFrame(
        {
            "effect": own["coefficient"].to_numpy(),
            "lower": own["lower"].to_numpy(),
            "upper": own["upper"].to_numpy(),
        },
        index=pd.Index(own["horizon"].to_numpy(), name="horizon"),
    )
    mean = res.mean_response.loc[ctx.treatment_label]
    caveats = [
        f"mean impulse response over horizons 0..{opts.horizons} to a one-period pulse at the "
        "treatment; its interval treats the event as one draw of the error (homoskedastic)"
    ]
    caveats += _flag_caveat(ctx, end)
    return Estimate(
        estimator="local_projections",
        label=LABELS["local_projections"] + f" (h=0..{opts.horizons})",
        average_effect=float(mean["coefficient"]),
        lower=float(mean["lower"]),
        upper=float(mean["upper"]),
        alpha=ctx.alpha,
        unit=ctx.unit,
        counterfactual_mean=None,
        share_of_counterfactual=None,
        placebo_pvalue=None,
        pre_rmspe=None,
        weights=None,
        path=path,
        caveats=tuple(caveats),
        window=("h0", f"h{opts.horizons}"),
        extra={**extra, "irf": {str(k): float(v) for k, v in path["effect"].items()}},
        result=res,
    )


def in_time_placebo(name: str, ctx: Context, opts: Any) -> dict[str, Any]:
    """The estimator refitted with the treatment moved back into the pre-period.

    The move is the post window's length or half the pre-period, whichever is
    shorter; the pre-period is the part before the first modelled event (the
    treatment or an earlier declared event), and the data from there on are
    dropped. Synthetic control uses its default predictors on the shortened
    pre-period (declared predictor windows would reach past the placebo date).
    Returns ``moved_to``, ``shift``, ``window`` and ``average_effect``, or
    ``not_run`` with the reason.
    """
    import dataclasses

    import pandas as pd

    from ..exceptions import VeneconError

    if name not in ("synthetic_control", "its"):
        return {}
    f = ctx.frame
    own = sorted(f.loc[f["unit"] == ctx.treated, "time"].unique())
    origin = ctx.treatment_period
    if name == "its":
        origin = _first_event(_events(ctx, ctx.sample_end), ctx)
    pre = [t for t in own if ctx.pre[0] <= t < origin]
    n_post = sum(ctx.post[0] <= t <= ctx.post[1] for t in own)
    shift = min(n_post, len(pre) // 2)
    need = MIN_PRE[ctx.frequency]
    if shift < 1 or len(pre) - shift < need:
        return {"not_run": f"{len(pre)} pre-periods: moving the treatment back {shift} leaves "
                f"{len(pre) - shift}, fewer than the {need} an estimate needs"}
    fake = pre[len(pre) - shift]
    date = pd.Timestamp(fake, 1, 1) if ctx.frequency == "annual" else pd.Timestamp(fake)
    placebo = ctx.vary(
        frame=f[f["time"] < origin],
        treatment_period=fake,
        treatment_date=date,
        pre=(ctx.pre[0], pre[len(pre) - shift - 1]),
        post=(fake, pre[-1]),
        sample_end=pre[-1],
        subwindows=(),
        other_events=() if name == "synthetic_control" else ctx.other_events,
        predictor_set="declared",
    )
    if name == "synthetic_control":
        opts = dataclasses.replace(opts, placebo=False, leave_one_out=False, conformal=False,
                                   predictor_windows=None, predictor_years=None, fit_window=None)
    else:
        opts = dataclasses.replace(opts, end=None)
    try:
        runner = run_synthetic_control if name == "synthetic_control" else run_its
        est = runner(placebo, opts, inference=False)
    except (VeneconError, ValueError) as exc:
        return {"not_run": str(exc).splitlines()[0][:200]}
    return {
        "moved_to": fmt_period(fake),
        "shift": int(shift),
        "window": [fmt_period(fake), fmt_period(pre[-1])],
        "average_effect": est.average_effect,
    }


def _period(value: Any, ctx: Context) -> Any:
    from .data import to_period

    return to_period(value, ctx.frequency, "study.estimators.*.end")


def run_structural_breaks(
    ctx: Context, opts: Any, n_jobs: int = 1, inference: bool = True
) -> Estimate:  # noqa: ARG001
    """Break dates with intervals (:class:`venecon.models.StructuralBreaks`) over the whole sample.

    ``average_effect`` is the shift in the mean at the break nearest the
    treatment date, with the interval of the difference of the two regime
    means (their standard errors, HAC with ``hac``); ``extra["breaks"]`` has
    every break with its date interval and the nearest treatment or other
    event. ``path`` holds the series and its regime means.
    """
    import numpy as np
    import pandas as pd
    from scipy import stats

    from ..exceptions import InsufficientDataError
    from ..models import StructuralBreaks
    from ..models.timeseries.hac import QuadraticSpectral

    end = ctx.sample_end if opts.end is None else _period(opts.end, ctx)
    y = _series(ctx, end)
    if ctx.frequency == "annual":
        y.index = pd.PeriodIndex([str(t) for t in y.index], freq="Y").to_timestamp()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = StructuralBreaks(
            y, model=opts.model, max_breaks=opts.max_breaks, trim=opts.trim, select=opts.select,
            n_sim=opts.n_sim, seed=opts.seed, outcome_unit=ctx.unit, alpha=ctx.alpha,
            hac=QuadraticSpectral() if opts.hac else None,
        ).fit()
    table = res.breaks
    if table.empty:
        raise InsufficientDataError(
            f"structural_breaks: no break chosen by {opts.select} in {fmt_period(y.index[0])}.."
            f"{fmt_period(y.index[-1])}; nothing to compare with the treatment"
        )
    events = {ctx.treatment_label: str(pd.Timestamp(ctx.treatment_date).date()),
              **dict(ctx.other_events)}
    near = res.compare_events(events)
    treat = pd.Timestamp(ctx.treatment_date).to_period("M")
    key = min(table.index, key=lambda k: abs((table.loc[k, "date"].to_period("M") - treat).n))
    i = int(key.removeprefix("break"))
    # the shift of the regime line at the break, and its standard error from the regimes' cov
    q = 1 if opts.model == "level" else 2
    at = np.array([1.0, float(table.loc[key, "obs"])])[:q]
    g = np.zeros(len(res.params))
    g[i * q:(i + 1) * q], g[(i - 1) * q:i * q] = at, -at
    shift = float(g @ res.params.to_numpy())
    se = float(np.sqrt(g @ res.cov.to_numpy() @ g))
    z = float(stats.norm.ppf(1 - ctx.alpha / 2))
    old_level = float(at @ res.params.to_numpy()[(i - 1) * q:i * q])
    regime_end = [*table["obs"].astype(int), len(y)][i] - 1  # the new regime runs to the next break

    def label(stamp: Any) -> str | None:
        if pd.isna(stamp):
            return None
        return str(stamp.year) if ctx.frequency == "annual" else fmt_period(stamp)

    rows = []
    for k, b in table.iterrows():
        rows.append({
            "break": k, "date": label(b["date"]), "lower": label(b["lower"]),
            "upper": label(b["upper"]), "last_old": label(b["last_old"]),
            "shift": float(b["shift"]), "nearest_event": near.loc[k, "nearest_event"],
            "distance_months": int(near.loc[k, "distance_months"]),
            "event_in_interval": bool(near.loc[k, "event_in_interval"]),
            "clipped": bool(b["clipped"]),
        })
    caveats = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    if (not near.loc[key, "event_in_interval"]
            or near.loc[key, "nearest_event"] != ctx.treatment_label):
        caveats.append(
            f"the break nearest the treatment ({rows[i - 1]['date']}, interval "
            f"{rows[i - 1]['lower']}..{rows[i - 1]['upper']}) does not have the treatment date "
            "in its interval: the shift is not dated at the treatment")
    caveats.append("the break tests assume serially uncorrelated errors; monthly output is "
                   "autocorrelated, so read the number of breaks as descriptive")
    caveats += _flag_caveat(ctx, end)
    tests = res.tests
    path = pd.DataFrame({"actual": y.to_numpy(), "fitted": res.fitted.to_numpy()}, index=y.index)
    path.index.name = "period"
    return Estimate(
        estimator="structural_breaks",
        label=LABELS["structural_breaks"] + ": mean shift at the break nearest the treatment ("
        + f"{rows[i - 1]['date']}; {opts.model}, {len(table)} breaks by {opts.select}"
        + (", HAC" if opts.hac else "") + ")",
        average_effect=shift,
        lower=shift - z * se,
        upper=shift + z * se,
        alpha=ctx.alpha,
        unit=ctx.unit,
        counterfactual_mean=None,  # the old regime's mean is not a counterfactual
        share_of_counterfactual=None,
        placebo_pvalue=None,
        pre_rmspe=None,
        weights=None,
        path=path,
        caveats=tuple(caveats),
        window=(rows[i - 1]["date"], label(y.index[regime_end])),
        extra={
            "breaks": rows, "break_nearest_treatment": key, "events": events,
            "old_regime_level": old_level,
            "sample": [fmt_period(y.index[0]), fmt_period(y.index[-1])],
            "tests": {k: {c: (None if pd.isna(v) else float(v)) for c, v in r.items()}
                      for k, r in tests.iterrows()},
            "cov_type": res.cov_type,
        },
        result=res,
    )


# one adapter per estimator runs it since 0.4.0 (venecon.study.adapters)
__getattr__ = moved(__name__, {"run_estimator": "venecon.study.adapters.registry"}, "0.4.0")
