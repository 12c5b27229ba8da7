"""Specification curves: a study refitted over every combination of reasonable choices.

:func:`specification_curve` crosses, for a study with a donor pool,

* ``donor_size``: every donor-pool size from 2 to the whole pool, with
  ``subsets_per_size`` random subsets of each (all of them when there are fewer);
* ``predictors`` (synthetic control only): the declared predictors, every
  pre-period outcome, and the pre-period in thirds plus its last period;
* ``start``: the first pre-period as declared and moved later (the robustness
  grid's defaults, :mod:`venecon.study.robustness`);
* ``estimator``: the synthetic control with nested and with regression ``V``,
  and the ridge augmented synthetic control,

and fits each specification as one task of :func:`venecon.parallel.parallel_map`
(serial, local processes or a Dask cluster; see :mod:`venecon.parallel`). The
subsets are drawn from per-size seeds (:func:`venecon.parallel.task_seeds`), so
the curve is a pure function of the study and ``seed`` whatever runs it.

The curve is the sorted estimates with, below them, which choices produced each
(Simonsohn, Simmons and Nelson 2020, "Specification curve analysis", *Nature
Human Behaviour* 4, 1208-1214). Specifications are fitted without placebos or
conformal intervals (their cost would multiply by the number of donors), so the
curve describes sensitivity to choices, not sampling uncertainty.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import VeneconError
from ..parallel import parallel_map, task_seeds
from .adapters import run_estimator
from .estimators import MIN_PRE
from .spec import StudyError

__all__ = ["PREDICTOR_SETS", "SpecificationCurve", "specification_curve"]

#: Predictor sets of the synthetic control: label -> ``Context.predictor_set``.
PREDICTOR_SETS = {
    "declared": "declared",
    "every pre-period outcome": "all_pre_outcomes",
    "thirds + last": "thirds",
}
_DIMENSIONS = ("donor_size", "predictors", "start", "estimator")


def _estimators(study: Any) -> dict[str, tuple[str, Any]]:
    """label -> (runner, options): SC nested V, SC regression V, ridge ASCM (no inference)."""
    from .adapters.augmented_synthetic_control import AugmentedSynthControlOptions
    from .adapters.synthetic_control import SyntheticControlOptions

    sc = study.estimators.get("synthetic_control", SyntheticControlOptions())
    # the fit window follows each specification's pre-period (a declared one would
    # reach before a later start)
    sc = dataclasses.replace(sc, placebo=False, leave_one_out=False, conformal=False,
                             fit_window=None)
    ascm = study.estimators.get("augmented_synthetic_control", AugmentedSynthControlOptions())
    return {
        "synthetic control (nested V)": ("synthetic_control", dataclasses.replace(sc, v="nested")),
        "synthetic control (regression V)": (
            "synthetic_control", dataclasses.replace(sc, v="regression")),
        "ridge augmented SC": ("augmented_synthetic_control",
                               dataclasses.replace(ascm, conformal=False)),
    }


def _subsets(donors: tuple[str, ...], size: int, count: int, seed: int | None) -> list[tuple]:
    """``count`` distinct donor subsets of ``size`` (every one when there are no more)."""
    import math

    import numpy as np

    if math.comb(len(donors), size) <= count:
        return list(itertools.combinations(donors, size))
    rng = np.random.default_rng(seed)
    seen: dict[tuple, None] = {}
    while len(seen) < count:
        pick = tuple(sorted(rng.choice(len(donors), size=size, replace=False)))
        seen.setdefault(tuple(donors[i] for i in pick))
    return list(seen)


def _fit(ctx: Any, donors: tuple, start: Any, predictor_set: str, runner: str,
         opts: Any) -> tuple[float | None, str]:
    """(average effect, status) of one specification."""
    import warnings

    from ..exceptions import DonorPoolWarning

    variant = ctx.vary(donors=donors, pre=(start, ctx.pre[1]), predictor_set=predictor_set)
    try:
        with warnings.catch_warnings():
            # the curve varies the pool on purpose; a warning per subset is noise
            warnings.simplefilter("ignore", DonorPoolWarning)
            est = run_estimator(runner, variant, opts, n_jobs=1, inference=False)
    except (VeneconError, ValueError) as exc:
        return None, str(exc).splitlines()[0][:200]
    return est.average_effect, "ok"


class SpecificationCurve:
    """The fitted curve: ``table`` (one row per specification), :meth:`summary`, :meth:`plot`.

    ``table`` has ``spec_id``, ``donor_size``, ``donors``, ``predictors``,
    ``start``, ``estimator``, ``estimate`` and ``status`` ("ok" or why the
    specification could not be fitted); ``headline`` is the study's own estimate.
    """

    def __init__(self, table: Any, headline: float | None, unit: str, study: str) -> None:
        self._table = table.copy()
        self.headline, self.unit, self.study = headline, unit, study

    @property
    def table(self) -> Any:
        return self._table.copy()

    def summary(self) -> dict[str, Any]:
        """Counts, quantiles of the estimates and the share with the headline's sign."""
        import numpy as np

        ok = self._table.loc[self._table["status"] == "ok", "estimate"].astype(float)
        q = np.quantile(ok, [0.0, 0.05, 0.5, 0.95, 1.0]) if len(ok) else [np.nan] * 5
        sign = np.sign(self.headline) if self.headline is not None else np.nan
        return {
            "n_specifications": len(self._table),
            "n_fitted": len(ok),
            "min": float(q[0]), "q05": float(q[1]), "median": float(q[2]),
            "q95": float(q[3]), "max": float(q[4]),
            "share_same_sign": float(np.mean(np.sign(ok) == sign)) if len(ok) else float("nan"),
        }

    def plot(self, ax: Any = None) -> Any:
        """The sorted estimates over a panel marking each specification's choices."""
        import matplotlib.pyplot as plt
        import numpy as np

        t = self._table[self._table["status"] == "ok"].sort_values(["estimate", "spec_id"])
        x = np.arange(len(t))
        cats = [(d, v) for d in ("estimator", "predictors", "start")
                for v in sorted(t[d].astype(str).unique())]
        fig, (top, size, marks) = plt.subplots(
            3, 1, figsize=(8, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1.2, 2]})
        top.scatter(x, t["estimate"], s=2, color="C0", label="specification")
        if self.headline is not None:
            top.axhline(self.headline, color="C3", lw=1, label="headline")
        top.axhline(0, color="grey", lw=0.8)
        top.set_ylabel(f"average effect ({self.unit})")
        top.set_title(f"{self.study}: {len(t):,} specifications")
        top.legend(loc="best", fontsize=8)
        size.scatter(x, t["donor_size"], s=1, color="C2")
        size.set_ylabel("donors")
        for row, (dim, value) in enumerate(cats):
            hit = (t[dim].astype(str) == value).to_numpy()
            marks.scatter(x[hit], np.full(hit.sum(), row), marker="|", s=12, color=f"C{row % 10}")
        marks.set_yticks(range(len(cats)), [f"{d}: {v}"[:40] for d, v in cats], fontsize=7)
        marks.set_xlabel("specifications, sorted by estimate")
        fig.tight_layout()
        return fig


def specification_curve(
    study: Any,
    *,
    subsets_per_size: int = 10,
    sizes: Sequence[int] | None = None,
    starts: Sequence[Any] | None = None,
    predictor_sets: Mapping[str, str] | None = None,
    seed: int = 0,
    n_jobs: int = 1,
) -> SpecificationCurve:
    """Fit ``study`` over donor subsets x predictor sets x pre-period starts x estimators.

    Parameters
    ----------
    study : Study
        A study with a donor pool (at least 2 donors).
    subsets_per_size : int, default 10
        Random donor subsets per pool size.
    sizes : sequence of int, optional
        Pool sizes (default every size from 2 to the pool).
    starts : sequence, optional
        First pre-periods (default: as declared, and later by a sixth and a third
        of the pre-period, as in the robustness grid).
    predictor_sets : mapping, optional
        Label -> ``Context.predictor_set`` (default :data:`PREDICTOR_SETS`).
    seed : int, default 0
        Seed of the subsets (one spawned child per size).
    n_jobs : int, default 1
        Parallel jobs (:func:`venecon.parallel.parallel_map`; a
        :func:`venecon.parallel.compute` block sends the fits to Dask).

    Returns
    -------
    SpecificationCurve
    """
    import pandas as pd

    ctx = study.context()
    donors = tuple(ctx.donors)
    if len(donors) < 2:
        raise StudyError("study.donors", f"{len(donors)} donor(s) with complete data",
                         "a specification curve needs a donor pool of at least 2")
    sizes = list(range(2, len(donors) + 1) if sizes is None else sizes)
    bad = [k for k in sizes if not 2 <= k <= len(donors)]
    if bad:
        raise StudyError("sizes", f"{bad[0]} is not a pool size", f"2 to {len(donors)}")
    times = sorted(t for t in ctx.frame.loc[ctx.frame["unit"] == ctx.treated, "time"].unique()
                   if ctx.pre[0] <= t <= ctx.pre[1])
    if starts is None:
        n = len(times)
        starts = [times[k] for k in sorted({0, max(1, round(n / 6)), max(1, round(n / 3))})
                  if n - k >= MIN_PRE[ctx.frequency]]
    preds = dict(PREDICTOR_SETS if predictor_sets is None else predictor_sets)
    estimators = _estimators(study)
    rows, tasks = [], []
    for k, s in zip(sizes, task_seeds(seed, len(sizes)), strict=True):
        for pool in _subsets(donors, k, subsets_per_size, s):
            for label, (runner, opts) in estimators.items():
                for start in starts:
                    for p_label, p_set in (preds.items() if runner == "synthetic_control"
                                           else [("n/a", "declared")]):
                        rows.append({"donor_size": k, "donors": " ".join(pool),
                                     "predictors": p_label, "start": start, "estimator": label})
                        tasks.append((ctx, pool, start, p_set, runner, opts))
    fits = parallel_map(_fit, tasks, n_jobs)
    table = pd.DataFrame(rows)
    table.insert(0, "spec_id", [f"{i:05d}" for i in range(1, len(table) + 1)])
    table["estimate"] = [e for e, _ in fits]
    table["status"] = [s for _, s in fits]
    from .adapters import adapters

    order = [a.name for a in adapters() if a.headline]
    headline = None
    main = study.headline or next((k for k in order if k in study.estimators), None)
    if main is not None:
        try:
            headline = run_estimator(main, ctx, study.estimators[main], inference=False)
            headline = headline.average_effect
        except VeneconError:
            headline = None
    return SpecificationCurve(table, headline, ctx.unit, study.name)
