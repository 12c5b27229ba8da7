"""The robustness grid of a study: reasonable alternatives to each declared choice.

Dimensions (each declared in ``[study.robustness]`` or defaulted):

* ``sample_start``: the first pre-period moved later (default: by a sixth and
  a third of the pre-period, rounded; a monthly pre-period of 24 months thus
  starts 4 and 8 months later), keeping at least the identification minimum;
* ``donors`` (synthetic control): leave out each donor of positive weight in
  turn; put back the excluded units that have complete data;
* ``quota_bound`` (synthetic control): with the donors bound by OPEC+ quotas
  while the treated unit was not put back (when the study excludes them) or
  left out (when it keeps them);
* ``timing`` (annual data, a treatment dated inside a year): the conventions
  for the partial year that the study did not choose;
* ``predictors`` (synthetic control): every pre-period outcome as a predictor;
* ``outcome``: declared alternative concepts (``outcomes = [{series, source}]``);
* ``price``: an outcome that is a value deflated by a price
  (``[study.outcome.deflate]``) deflated at each declared alternative price
  (``prices = [{label, benchmark, discount_usd, observed_merey}]``,
  :func:`venecon.study.deflate.price_variants`), on the same months and design;
* ``estimator``: every other estimator that applies at the study's frequency
  (synthetic control needs donors; the time-series models must accept the data):
  those whose adapter compares ``"always"`` (with default options when the
  study does not declare them), then those the study declares
  (:mod:`venecon.study.adapters`).

Which dimensions apply is the headline adapter's ``robustness``.

Every specification is one task of :func:`venecon.parallel.parallel_map`, a
pure function of its inputs (synthetic-control seeds are fixed), so the table
is identical for any ``n_jobs`` and scheduler. Synthetic-control variants
are refitted without placebos (a placebo run per variant would multiply the
cost by the number of donors), so their ``significant`` is empty.
"""

from __future__ import annotations

from typing import Any

from .adapters import adapter, adapters, run_estimator
from .adapters.cohort_panel import design_of
from .data import fmt_period
from .estimators import MIN_PRE, Context
from .results import Estimate

__all__ = ["specifications", "run_grid"]


def specifications(
    study: Any,
    ctx: Context,
    headline: str,
    estimates: dict[str, Any],
    put_back: tuple[str, ...],
    alt_contexts: dict[str, Any],
    timing: dict[str, Any] | None = None,
    prices: dict[str, Any] | None = None,
) -> list[tuple]:
    """The grid as ``(spec_id, dimension, value, estimator, context, options)`` tuples.

    ``alt_contexts`` maps an outcome label to a Context (or an error message
    when the alternative concept cannot be used); ``timing`` maps a partial-period
    convention to its Context; ``prices`` maps a price variant's label to the
    Context of the outcome deflated at that price.
    """
    r = study.robustness
    main = estimates[headline]
    head = adapter(headline)
    dims = head.robustness
    plain = head.plain(study.estimators[headline])
    out: list[tuple] = []
    times = sorted(
        t
        for t in ctx.frame.loc[ctx.frame["unit"] == ctx.treated, "time"].unique()
        if ctx.pre[0] <= t < ctx.treatment_period
    )
    n_pre = len(times)
    starts = r.sample_starts
    if starts is None:
        starts = tuple(
            times[k]
            for k in sorted({max(1, round(n_pre / 6)), max(1, round(n_pre / 3))})
            if n_pre - k >= MIN_PRE[ctx.frequency]
        )
    else:
        from .data import to_period

        starts = tuple(
            to_period(s, ctx.frequency, "study.robustness.sample_starts") for s in starts
        )
    for s in starts if "sample_start" in dims else ():
        out.append(("sample_start", fmt_period(s), headline, ctx.vary(pre=(s, ctx.pre[1])), plain))
    if "donors" in dims and main.weights is not None:
        if r.leave_one_out:
            for d in sorted(k for k, w in main.weights.items() if w > 1e-3):
                out.append(
                    (
                        "donors",
                        f"without {d}",
                        headline,
                        ctx.vary(donors=tuple(x for x in ctx.donors if x != d)),
                        plain,
                    )
                )
        if r.excluded_donors and put_back:
            out.append(
                (
                    "donors",
                    "with excluded units (" + ", ".join(put_back) + ")",
                    headline,
                    ctx.vary(donors=tuple(sorted(ctx.donors + put_back)), donors_put_back=True),
                    plain,
                )
            )
        if "quota_bound" in dims:
            out += _quota_variant(study, ctx, headline, put_back, plain)
        if r.predictor_sets and "predictors" in dims:
            out.append(
                (
                    "predictors",
                    "every pre-period outcome",
                    headline,
                    ctx.vary(predictor_set="all_pre_outcomes"),
                    plain,
                )
            )
    for label, alt in alt_contexts.items() if "outcome" in dims else ():
        out.append(("outcome", label, headline, alt, plain))
    for label, alt in (timing or {}).items() if "timing" in dims else ():
        out.append(("timing", label, headline, alt, plain))
    if r.estimators and "estimator" in dims:
        order = [a for a in adapters() if a.compare == "always"]
        order += [a for a in adapters() if a.compare == "declared" and a.name in estimates]
        for a in order:
            name = a.name
            if name == headline:
                continue
            o = a.plain(study.estimators.get(name) or a.options())
            why = a.cannot(design_of(ctx), ctx.frequency)
            if why is not None:
                out.append(("estimator", name, name, f"not applicable: {why}", o))
                continue
            if name == "synthetic_control":
                if len(ctx.donors) < 2:
                    out.append(
                        ("estimator", name, name, "not applicable: no donor pool in the data", o)
                    )
                    continue
            unit = estimates[name].unit if name in estimates else ctx.unit
            if unit != main.unit:  # e.g. an estimator fitted in logs beside one in levels
                out.append(("estimator", name, name,
                            f"not comparable: in {unit}, the headline in {main.unit}", o))
                continue
            if name in estimates and name != "synthetic_control":
                # already fitted on this design with the declared options: no refit
                out.append(("estimator", name, name, estimates[name], o))
                continue
            out.append(("estimator", name, name, ctx, o))
    for label, alt in (prices or {}).items() if "price" in dims else ():
        out.append(("price", label, headline, alt, plain))
    return [(f"{i:02d}", *row) for i, row in enumerate(out, start=1)]


def _quota_variant(study: Any, ctx: Context, headline: str, put_back: tuple[str, ...],
                   plain: Any) -> list[tuple]:
    """The synthetic control with and without the OPEC+ quota-bound donors (see module doc)."""
    units = getattr(study.design, "quota_units", ())
    if not units:
        return []
    if study.donors.exclude_quota_bound:
        back = tuple(u for u in units if u in put_back)
        if not back:
            return []
        return [("quota_bound", "with quota-bound donors (" + ", ".join(back) + ")", headline,
                 ctx.vary(donors=tuple(sorted(ctx.donors + back)), donors_put_back=True), plain)]
    kept = tuple(d for d in ctx.donors if d not in units)
    if len(kept) < 2:
        return [("quota_bound", "without quota-bound donors", headline,
                 "not applicable: fewer than 2 donors left", plain)]
    return [("quota_bound", "without quota-bound donors (" + ", ".join(units) + ")", headline,
             ctx.vary(donors=kept), plain)]


def _run_one(
    spec_id: str, dimension: str, value: str, estimator: str, ctx: Any, opts: Any
) -> dict[str, Any]:
    row = {
        "spec_id": spec_id,
        "dimension": dimension,
        "value": value,
        "estimator": estimator,
        "estimate": None,
        "lower": None,
        "upper": None,
        "significant": None,
        "status": "ok",
    }
    if isinstance(ctx, str):
        row["status"] = ctx
        return row
    if isinstance(ctx, Estimate):
        est = ctx
        row.update(
            estimate=est.average_effect,
            lower=est.lower,
            upper=est.upper,
            significant=est.significant,
        )
        return row
    from ..exceptions import VeneconError

    try:
        est = run_estimator(estimator, ctx, opts, n_jobs=1, inference=True)
    except (VeneconError, ValueError) as exc:
        why = str(exc).splitlines()[0][:200]
        if ctx.frequency == "annual" and adapter(estimator).time_series:
            why = f"not applicable at this frequency (annual): {why}"
        row["status"] = why
        return row
    row.update(
        estimate=est.average_effect, lower=est.lower, upper=est.upper, significant=est.significant
    )
    return row


def run_grid(specs: list[tuple], main: Any, n_jobs: int = 1, progress: bool = False) -> Any:
    """Run the grid (through :func:`venecon.parallel.parallel_map`) and return its table.

    The first row is the headline specification itself (``dimension="baseline"``).
    """
    import pandas as pd

    from ..parallel import active_compute, parallel_map

    if progress and n_jobs == 1 and active_compute() is None:
        from tqdm.auto import tqdm

        rows = [_run_one(*s) for s in tqdm(specs, desc="robustness grid", unit="spec")]
    else:
        rows = parallel_map(_run_one, specs, n_jobs=n_jobs)
    base = {
        "spec_id": "00",
        "dimension": "baseline",
        "value": "as declared",
        "estimator": main.estimator,
        "estimate": main.average_effect,
        "lower": main.lower,
        "upper": main.upper,
        "significant": main.significant,
        "status": "ok",
    }
    table = pd.DataFrame([base, *rows])
    table["significant"] = table["significant"].astype("object")
    return table
