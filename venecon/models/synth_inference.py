"""Inference for :class:`~venecon.models.synth.SyntheticControl`.

- :func:`placebo_space`: every donor is treated in turn (Abadie, Diamond and
  Hainmueller 2010); the p-value is the rank of the treated unit's post/pre
  MSPE ratio, optionally among placebos whose pre-period fit is not much worse
  than the treated unit's (the "pre-fit filter", ADH 2010 Figs. 5-7).
- :func:`placebo_time`: the treatment is moved to earlier periods, with every
  predictor period, fit window and training window shifted by the same number
  of periods and the data after the real treatment removed (ADH 2015).
- :func:`leave_one_out`: refits without each donor that has positive weight.
- :func:`conformal_intervals`: per-period intervals by inverting the
  permutation test of Chernozhukov, Wuthrich and Zhu (2021, JASA).

Every refit repeats the full specification (including the V search), and
the seed of any random V starts is ``rng + position``, so results are
identical for any ``n_jobs``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..exceptions import InsufficientDataError, ModelSpecificationError
from .results import jsonable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import numpy as np
    import pandas as pd

    from .synth import _Engine, _Fit

__all__ = ["PlaceboResult", "placebo_space", "placebo_time", "leave_one_out", "conformal_intervals"]


def _map(func: Callable[..., Any], tasks: list[tuple], n_jobs: int) -> list[Any]:
    """Run ``func(*task)`` for each task, in parallel with joblib when ``n_jobs != 1``.

    The active joblib backend is used, so ``with joblib.parallel_backend("dask"):``
    sends the fits to a Dask cluster (see :mod:`venecon.parallel`).
    """
    from ..parallel import parallel_map

    return parallel_map(func, tasks, n_jobs)


def _unit_fit(
    engine: _Engine, i: int, donors: np.ndarray, offset: int
) -> tuple[np.ndarray, np.ndarray]:
    """(weights, gap path) of unit ``i`` from ``donors``."""
    fit = engine.fit(i, donors, seed_offset=offset)
    return fit.weights, engine.path(i, donors, fit.weights)


@dataclass(frozen=True)
class PlaceboResult:
    """Placebo-in-space test.

    Attributes
    ----------
    gaps : DataFrame
        Gap paths (periods x units), the treated unit first.
    table : DataFrame
        Per unit: ``pre_rmspe``, ``post_rmspe``, ``ratio`` (post/pre MSPE),
        ``average_effect`` over the effect window, ``included`` (pre-fit filter).
    pvalue : float
        Share of units (treated included) whose ratio is at least the treated
        unit's, among included units: ``rank / n_units``.
    pvalue_effect : float
        One-sided p-value of the average effect: share of included units whose
        average effect is at most the treated unit's (for a negative effect) or
        at least it (for a positive one).
    rank, n_units : int
        Rank of the treated unit's ratio (1 = largest) and number of units compared.
    pre_fit_filter : float or None
        Placebos with pre-MSPE above this multiple of the treated unit's were dropped.
    """

    gaps: pd.DataFrame
    table: pd.DataFrame
    pvalue: float
    pvalue_effect: float
    rank: int
    n_units: int
    pre_fit_filter: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return {
            "pvalue": self.pvalue,
            "pvalue_effect": self.pvalue_effect,
            "rank": self.rank,
            "n_units": self.n_units,
            "pre_fit_filter": self.pre_fit_filter,
            "table": jsonable(self.table),
        }

    def plot(self, ax: Any = None) -> Any:
        """Gap paths of the included placebos (grey) and the treated unit (black)."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 4)) if ax is None else (ax.figure, ax)
        included = self.table.index[self.table["included"]]
        for u in included[1:]:
            ax.plot(self.gaps.index, self.gaps[u].to_numpy(), color="grey", lw=0.7, alpha=0.6)
        ax.plot(
            self.gaps.index,
            self.gaps.iloc[:, 0].to_numpy(),
            color="black",
            lw=1.8,
            label=str(self.gaps.columns[0]),
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(f"Placebo gaps (p = {self.pvalue:.3f}, rank {self.rank} of {self.n_units})")
        ax.legend(loc="best")
        return fig


def placebo_space(
    engine: _Engine,
    *,
    pre_fit_filter: float | None = None,
    n_jobs: int = 1,
    main: _Fit | None = None,
) -> PlaceboResult:
    """Treat every donor in turn (the treated unit is never a donor) and rank the MSPE ratios.

    Parameters
    ----------
    engine : _Engine
        From a fitted model (use :meth:`SyntheticControlResults.placebo_space`).
    pre_fit_filter : float, optional
        Drop placebos whose pre-period MSPE exceeds this multiple of the
        treated unit's (ADH 2010 use 20, 5 and 2). ``None`` keeps all.
    n_jobs : int, default 1
        joblib workers (-1: all cores).
    main : _Fit, optional
        The treated unit's fit, if already computed.
    """
    import numpy as np
    import pandas as pd

    if pre_fit_filter is not None and not (
        isinstance(pre_fit_filter, numbers.Real) and pre_fit_filter > 0
    ):
        raise ModelSpecificationError(f"pre_fit_filter must be positive, got {pre_fit_filter!r}")
    n = len(engine.units)
    donors = np.arange(1, n)
    work = replace(engine, spec=None)  # the model object need not travel to workers
    tasks = [(work, j, donors[donors != j], j) for j in donors]
    out = _map(_unit_fit, tasks, n_jobs)
    w0 = main.weights if main is not None else engine.fit(0, donors).weights
    paths = [engine.path(0, donors, w0)] + [g for _, g in out]
    gaps = pd.DataFrame(
        np.column_stack(paths), index=pd.Index(engine.times), columns=list(engine.units)
    )
    t0, (lo, hi) = engine.t0, engine.window
    G = gaps.to_numpy()
    pre = np.mean(G[:t0] ** 2, axis=0)
    post = np.mean(G[lo : hi + 1] ** 2, axis=0)
    avg = np.mean(G[lo : hi + 1], axis=0)
    with np.errstate(divide="ignore"):
        ratio = post / pre
    included = np.ones(n, dtype=bool)
    if pre_fit_filter is not None:
        included = pre <= pre_fit_filter * pre[0]
        included[0] = True
    r = ratio[included]
    rank = int(np.sum(r >= ratio[0]))
    a = avg[included]
    p_eff = float(np.mean(a <= avg[0]) if avg[0] < 0 else np.mean(a >= avg[0]))
    table = pd.DataFrame(
        {
            "pre_rmspe": np.sqrt(pre),
            "post_rmspe": np.sqrt(post),
            "ratio": ratio,
            "average_effect": avg,
            "included": included,
        },
        index=list(engine.units),
    )
    return PlaceboResult(
        gaps=gaps,
        table=table,
        pvalue=rank / len(r),
        pvalue_effect=p_eff,
        rank=rank,
        n_units=len(r),
        pre_fit_filter=pre_fit_filter,
    )


def leave_one_out(
    engine: _Engine, weights: pd.Series, *, n_jobs: int = 1, threshold: float = 1e-6
) -> pd.DataFrame:
    """Refit without each donor whose weight exceeds ``threshold``.

    Returns
    -------
    DataFrame
        One column per dropped donor (plus ``"all donors"``) with the gap path;
        ``.attrs["average_effect"]`` maps each column to its average effect over
        the effect window, ``.attrs["range"]`` is (min, max) over the refits.
    """
    import numpy as np
    import pandas as pd

    donors = np.arange(1, len(engine.units))
    active = [j for j, w in zip(donors, weights.to_numpy(), strict=False) if w > threshold]
    work = replace(engine, spec=None)
    tasks = [(work, 0, donors[donors != j], j) for j in active]
    kept = [j for j in active if len(donors) - 1 >= 2]
    if len(kept) < len(active):
        raise InsufficientDataError("leave-one-out needs at least 3 donors")
    out = _map(_unit_fit, tasks, n_jobs)
    cols = ["all donors"] + [f"without {engine.units[j]}" for j in active]
    full = engine.path(0, donors, weights.to_numpy())
    frame = pd.DataFrame(
        np.column_stack([full] + [g for _, g in out]), index=pd.Index(engine.times), columns=cols
    )
    lo, hi = engine.window
    avg = {c: float(frame[c].iloc[lo : hi + 1].mean()) for c in cols}
    loo = [avg[c] for c in cols[1:]]
    frame.attrs["average_effect"] = avg
    frame.attrs["range"] = (min(loo), max(loo)) if loo else (np.nan, np.nan)
    frame.attrs["weights"] = {
        f"without {engine.units[j]}": dict(
            zip([engine.units[k] for k in donors[donors != j]], w.tolist(), strict=False)
        )
        for j, (w, _) in zip(active, out, strict=False)
    }
    return frame


# --------------------------------------------------------------------------- placebo in time


def _shift(periods: Sequence[Any], times: Sequence[Any], d: int, what: str) -> tuple:
    pos = {t: r for r, t in enumerate(times)}
    out = []
    for p in periods:
        r = pos.get(p)
        if r is None or r - d < 0:
            raise InsufficientDataError(
                f"placebo_time: {what} period {p!r} cannot be moved back {d} periods"
            )
        out.append(times[r - d])
    return tuple(out)


def _time_fit(spec: Any, fake: Any) -> pd.Series:
    """Gap path of the treated unit with the treatment moved to ``fake``."""
    from .synth import Predictor, SyntheticControl

    times = spec.times
    d = times.index(spec.treatment_time) - times.index(fake)
    frame = spec._frame[spec._frame[spec.time_col] < spec.treatment_time]
    preds = [
        Predictor(p.variable, _shift(p.periods, times, d, p.label), p.op) for p in spec.predictors
    ]
    training = None
    if spec.training_predictors is not None:
        training = {
            "predictors": [
                Predictor(p.variable, _shift(p.periods, times, d, p.label), p.op)
                for p in spec.training_predictors
            ],
            "fit_window": _shift(
                (spec.training_window[0], spec.training_window[-1]), times, d, "training window"
            ),
        }
    # the fit window may be clipped at the start of the panel (ADH 2015's 1975
    # placebo fits from 1960); predictor periods may not
    first = times[max(times.index(spec.fit_window[0]) - d, 0)]
    fit_window = (first, _shift((spec.fit_window[-1],), times, d, "fit window")[0])
    model = SyntheticControl(
        frame,
        outcome=spec.outcome,
        unit=spec.unit_col,
        time=spec.time_col,
        treated=spec.treated,
        treatment_time=fake,
        donors=list(spec.donors),
        predictors=preds,
        fit_window=fit_window,
        v=spec.v_spec,
        v_training=training,
        starts=spec.starts,
        n_random_starts=spec.n_random_starts,
        optimizer=spec.optimizer,
        maxiter=spec.maxiter,
        rng=spec.rng,
    )
    return model.fit().gaps


def placebo_time(engine: _Engine, times: Sequence[Any], *, n_jobs: int = 1) -> pd.DataFrame:
    """Move the treatment to each of ``times`` (before the real one) and refit.

    The data from the real treatment on are dropped, and every predictor period,
    the fit window and any training window move back by the same number of
    periods (the start of the fit window is clipped at the first period of the
    panel). A credible design shows small placebo gaps.

    Returns
    -------
    DataFrame
        One row per placebo time: ``pre_rmspe``, ``post_rmspe`` (from the placebo
        time to the period before the real treatment), ``ratio`` (post/pre MSPE)
        and ``average_effect``; ``.attrs["gaps"]`` holds the gap paths.
    """
    import numpy as np
    import pandas as pd

    spec = engine.spec
    if spec is None:
        raise ModelSpecificationError("placebo_time needs the results of SyntheticControl.fit()")
    fakes = [spec._coerce_time(t) for t in times]
    for t in fakes:
        if t not in spec.times or not t < spec.treatment_time:
            raise ModelSpecificationError(
                f"placebo time {t!r} must be a period of the panel before the treatment "
                f"{spec.treatment_time!r}"
            )
    paths = _map(_time_fit, [(spec, t) for t in fakes], n_jobs)
    rows = {}
    for t, g in zip(fakes, paths, strict=False):
        pre, post = g[g.index < t], g[g.index >= t]
        rows[t] = {
            "pre_rmspe": float(np.sqrt(np.mean(pre**2))),
            "post_rmspe": float(np.sqrt(np.mean(post**2))),
            "ratio": float(np.mean(post**2) / np.mean(pre**2)),
            "average_effect": float(post.mean()),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "placebo_time"
    out.attrs["gaps"] = pd.DataFrame(dict(zip(fakes, paths, strict=False)))
    return out


# --------------------------------------------------------------------------- conformal


def _conformal_pvalue(y1: np.ndarray, Y0: np.ndarray, theta: float) -> float:
    """CWZ p-value of ``effect = theta`` in the last row (q=1, circular block permutations)."""
    import numpy as np

    from ._qp import simplex_lstsq

    y = y1.copy()
    y[-1] -= theta
    w = simplex_lstsq(Y0, y)
    u = np.abs(y - Y0 @ w)
    # moving-block permutations of a single post period: each of the T0 + 1
    # residuals takes the last position once
    return float(np.mean(u >= u[-1] - 1e-12 * max(1.0, u[-1])))


def _bound(
    f: Callable[[float], float], start: float, step: float, alpha: float, tol: float
) -> float:
    """Largest |delta| along ``step`` with ``f(start + delta) > alpha`` (expand, then bisect)."""
    inside, outside = 0.0, step
    for _ in range(60):
        if f(start + outside) <= alpha:
            break
        inside, outside = outside, 2 * outside
    else:
        return float("inf") if step > 0 else float("-inf")
    while abs(outside - inside) > tol:
        mid = 0.5 * (inside + outside)
        if f(start + mid) > alpha:
            inside = mid
        else:
            outside = mid
    return start + 0.5 * (inside + outside)


def conformal_intervals(
    engine: _Engine, *, alpha: float = 0.1, periods: Sequence[Any] | None = None, rtol: float = 1e-6
) -> pd.DataFrame:
    """Per-period conformal intervals for the effect (Chernozhukov, Wuthrich and Zhu 2021).

    For post period ``t`` and candidate effect ``theta``, the treated outcome in
    ``t`` is reduced by ``theta``, the synthetic control is refitted on all
    pre-treatment periods plus ``t`` (simplex-constrained least squares on the
    outcomes, CWZ's canonical estimator; predictors and V are not used), and
    ``theta`` is kept when the absolute residual in ``t`` is not in the top
    ``alpha`` share of the ``T0 + 1`` absolute residuals. The interval is the set
    of kept ``theta``, found by expanding and bisecting from the point estimate.
    Validity rests on exchangeable (or stationary, weakly dependent) residuals.

    Parameters
    ----------
    alpha : float, default 0.1
        Miscoverage; must exceed ``1 / (T0 + 1)``.
    periods : sequence, optional
        Post-treatment periods (default: all).
    rtol : float
        Bisection tolerance relative to the pre-period RMSPE.

    Returns
    -------
    DataFrame
        Indexed by period: ``estimate`` (outcome-based SC gap), ``lower``, ``upper``.
    """
    import numpy as np
    import pandas as pd

    from ._inputs import check_alpha
    from ._qp import simplex_lstsq

    alpha = check_alpha(alpha)
    t0 = engine.t0
    if not 1.0 / (t0 + 1) < alpha:
        raise InsufficientDataError(
            f"conformal intervals at alpha={alpha} need more than {int(np.ceil(1 / alpha)) - 1} "
            f"pre-treatment periods; there are {t0}"
        )
    Y = engine.Y
    donors = np.arange(1, Y.shape[1])
    chosen: Sequence[int] = range(t0, len(engine.times))
    if periods is not None:
        wanted = [engine.spec._coerce_time(p) if engine.spec else p for p in periods]
        unknown = [p for p in wanted if p not in engine.times]
        if unknown:
            raise ModelSpecificationError(
                f"conformal: periods {unknown!r} are not periods of the panel"
            )
        chosen = [engine.times.index(p) for p in wanted]
    w = simplex_lstsq(Y[:t0, donors], Y[:t0, 0])
    scale = float(np.sqrt(np.mean((Y[:t0, 0] - Y[:t0, donors] @ w) ** 2))) or 1.0
    rows = {}
    for r in chosen:
        if r < t0:
            raise ModelSpecificationError(
                f"conformal: {engine.times[r]!r} is not a post-treatment period"
            )
        rows_used = np.r_[np.arange(t0), r]
        y1, Y0 = Y[rows_used, 0], Y[np.ix_(rows_used, donors)]
        est = float(Y[r, 0] - Y[r, donors] @ w)

        def f(theta: float, y1: np.ndarray = y1, Y0: np.ndarray = Y0) -> float:
            return _conformal_pvalue(y1, Y0, theta)

        lower = _bound(f, est, -scale, alpha, rtol * scale)
        upper = _bound(f, est, scale, alpha, rtol * scale)
        rows[engine.times[r]] = {"estimate": est, "lower": lower, "upper": upper}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "period"
    out.attrs["alpha"] = alpha
    out.attrs["method"] = "Chernozhukov-Wuthrich-Zhu (2021) conformal, q=1, outcome-based SC"
    return out
