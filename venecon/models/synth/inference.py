"""Inference for :class:`~venecon.models.synth.model.SyntheticControl`.

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
the random V starts of the refit for unit (or left-out donor) ``j`` are seeded
with the ``j``-th of :func:`venecon.parallel.task_seeds` of ``rng``, so results
are identical for any ``n_jobs`` and scheduler.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ...exceptions import InsufficientDataError, ModelSpecificationError
from ...limits import current
from ...parallel import parallel_map, task_seeds
from ..core.results import Frozen, Headline, Summary, build_provenance, jsonable, path_frame
from .engine import Engine, Fit, Predictor, label_index

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import numpy as np
    import pandas as pd

__all__ = [
    "PlaceboResult",
    "placebo_note",
    "check_pre_fit_filter",
    "PlaceboTimeResult",
    "LeaveOneOutResult",
    "placebo_space",
    "placebo_time",
    "leave_one_out",
    "conformal_intervals",
    "check_placebo_work",
]


#: Placebo loops with at least this many refits show a progress bar (on a terminal).
_BAR_MIN_FITS = 200


def _unit_fit(
    engine: Engine, i: int, donors: np.ndarray, seed: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(weights, gap path) of unit ``i`` from ``donors``, random V starts seeded ``seed``."""
    fit = engine.fit(i, donors, seed=seed)
    return fit.weights, engine.path(i, donors, fit.weights)


def _unit_gap(engine: Engine, i: int, donors: np.ndarray, seed: int | None) -> np.ndarray:
    """Gap path of unit ``i`` refitted from ``donors`` (all a placebo in space keeps)."""
    return engine.refit_path(i, donors, seed)


def check_placebo_work(engine: Engine) -> None:
    """Refuse a placebo-in-space whose refits each search V beyond the documented bound.

    With ``v="nested"`` or ``"crossval"`` every placebo repeats the V search, so
    the work grows with the number of units times the cost of a search over
    that many donors; :data:`venecon.limits.BOUNDS` ``["nested_placebos"]``
    caps the number of such refits unless raised with :func:`venecon.limits.raised`.
    """
    n = len(engine.units) - 1
    limit = current("nested_placebos")
    if engine.opts.strategy in ("nested", "crossval") and n > limit:
        raise ModelSpecificationError(
            f"placebo_space: {n:,} placebo refits, each with its own {engine.opts.strategy} V "
            f"search, are beyond the documented bound of {limit:,} (nested_placebos); they would "
            "run for hours. Choose v='equal', v='regression' or a fixed V (each refit is then "
            "one quadratic program), or raise the bound on purpose: `from venecon.limits import "
            f"raised`, then `with raised(nested_placebos={n}): ...`")


class PlaceboResult(Frozen):
    """Placebo-in-space test (immutable; the frames are handed out as copies).

    Follows the results protocol (docs/guide/results.md): :attr:`headline`
    (the treated unit's average effect with the rank p-value), :meth:`path`
    (the treated gap with the ``1 - alpha`` band of the placebo gaps),
    ``summary()``, ``to_frame()``, ``to_latex()``, ``plot(alpha)`` and
    ``provenance``.

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
    alpha : float
        Level of the placebo band in :meth:`path` and :meth:`plot` (0.05).
    """

    #: Level of the placebo band drawn by default.
    alpha = 0.05

    def __init__(
        self,
        *,
        gaps: pd.DataFrame,
        table: pd.DataFrame,
        pvalue: float,
        pvalue_effect: float,
        rank: int,
        n_units: int,
        pre_fit_filter: float | None,
        provenance: Mapping[str, Any] | None = None,
    ) -> None:
        self._gaps = gaps.copy()
        self._table = table.copy()
        self.pvalue = float(pvalue)
        self.pvalue_effect = float(pvalue_effect)
        self.rank = int(rank)
        self.n_units = int(n_units)
        self.pre_fit_filter = pre_fit_filter
        self._provenance = build_provenance(
            model="venecon.models.synth.inference.placebo_space",
            data=dict((provenance or {}).get("data", {})),
            sample=None, options={**dict((provenance or {}).get("options", {})),
                                  "pre_fit_filter": pre_fit_filter},
            seed=(provenance or {}).get("seed"))
        self._freeze()

    @property
    def gaps(self) -> pd.DataFrame:
        """Gap paths (periods x units), the treated unit first (a copy)."""
        return self._gaps.copy()

    @property
    def table(self) -> pd.DataFrame:
        """Per-unit RMSPEs, ratio, average effect and pre-fit inclusion (a copy)."""
        return self._table.copy()

    @property
    def provenance(self) -> dict[str, Any]:
        """The synthetic control's data, the filter and the package versions (a copy)."""
        import copy

        return copy.deepcopy(self._provenance)

    # --- the protocol -------------------------------------------------------------------
    @property
    def headline(self) -> Headline:
        """The treated unit's average effect over the effect window with the rank p-value."""
        return Headline(name="average effect (placebo-in-space test)",
                        estimate=float(self._table["average_effect"].iloc[0]),
                        std_error=float("nan"), pvalue=self.pvalue, lower=float("nan"),
                        upper=float("nan"), alpha=self.alpha,
                        inference=f"rank {self.rank} of {self.n_units} by post/pre MSPE ratio")

    @property
    def estimate(self) -> float:
        """The treated unit's average effect over the effect window."""
        return self.headline.estimate

    @property
    def std_error(self) -> float:
        """NaN: a placebo test gives no standard error."""
        return float("nan")

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:  # noqa: ARG002
        """NaN: a placebo test gives a p-value, not an interval for the effect."""
        import pandas as pd

        return pd.DataFrame({"lower": [float("nan")], "upper": [float("nan")]},
                            index=[self.headline.name])

    def path(self, alpha: float | None = None) -> pd.DataFrame:
        """The treated gap per period with the pointwise ``alpha/2`` and ``1 - alpha/2``
        quantiles of the included placebos' gaps (``lower``, ``upper``) and their count."""
        import numpy as np

        from ..core.checks import check_alpha

        alpha = self.alpha if alpha is None else check_alpha(alpha)
        included = self._table["included"].to_numpy().copy()
        included[0] = False
        placebos = self._gaps.to_numpy()[:, included]
        if placebos.shape[1]:
            lower, upper = np.quantile(placebos, [alpha / 2, 1 - alpha / 2], axis=1)
        else:
            lower = upper = np.full(len(self._gaps), np.nan)
        return path_frame(self._gaps.index, self._gaps.iloc[:, 0], np.nan, lower, upper,
                          placebos=int(placebos.shape[1]))

    def to_frame(self) -> pd.DataFrame:
        """Per unit: RMSPEs, ratio, average effect and inclusion (:attr:`table`)."""
        return self.table

    def summary(self) -> Summary:
        """Summary (text, HTML, LaTeX) of the test and the per-unit table."""
        header = [("Treated unit", str(self._gaps.columns[0])),
                  ("Placebo p-value (MSPE ratio rank)", f"{self.pvalue:.4f}"),
                  ("Rank / units", f"{self.rank} / {self.n_units}"),
                  ("p-value of the average effect (one-sided)", f"{self.pvalue_effect:.4f}"),
                  ("Pre-fit filter", "none" if self.pre_fit_filter is None
                   else f"{self.pre_fit_filter:g} x treated pre-MSPE")]
        versions = self._provenance["versions"]
        notes = ["Every donor treated in turn (Abadie, Diamond and Hainmueller 2010).",
                 ", ".join(f"{k} {v}" for k, v in versions.items()) + "."]
        return Summary("Placebo-in-space test", header, [("Units", self._table)], notes)

    def to_latex(self) -> str:
        """The summary as LaTeX tables."""
        return self.summary().as_latex()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def __str__(self) -> str:
        return self.summary().as_text()

    def __repr__(self) -> str:
        return (
            f"PlaceboResult(pvalue={self.pvalue:.4g}, rank={self.rank}, n_units={self.n_units}, "
            f"pre_fit_filter={self.pre_fit_filter})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return {
            "pvalue": self.pvalue,
            "pvalue_effect": self.pvalue_effect,
            "rank": self.rank,
            "n_units": self.n_units,
            "pre_fit_filter": self.pre_fit_filter,
            "table": jsonable(self._table),
        }

    def plot(self, alpha: float | None = None, ax: Any = None) -> Any:
        """Gap paths of the included placebos (grey), their ``1 - alpha`` band and the
        treated unit (black)."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 4)) if ax is None else (ax.figure, ax)
        gaps = self._gaps
        included = self._table.index[self._table["included"]]
        for u in included[1:]:
            ax.plot(gaps.index, gaps[u].to_numpy(), color="grey", lw=0.7, alpha=0.6)
        band = self.path(alpha)
        if band["lower"].notna().any():
            level = self.alpha if alpha is None else alpha
            ax.fill_between(gaps.index, band["lower"].to_numpy(), band["upper"].to_numpy(),
                            color="grey", alpha=0.15,
                            label=f"{100 * (1 - level):g}% of placebo gaps")
        ax.plot(
            gaps.index,
            gaps.iloc[:, 0].to_numpy(),
            color="black",
            lw=1.8,
            label=str(gaps.columns[0]),
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(f"Placebo gaps (p = {self.pvalue:.3f}, rank {self.rank} of {self.n_units})")
        ax.legend(loc="best")
        return fig


def placebo_note(placebo: PlaceboResult) -> str:
    """The summary note of a placebo-in-space test."""
    return (f"Placebo-in-space p-value {placebo.pvalue:.4f} (post/pre MSPE ratio rank "
            f"{placebo.rank} of {placebo.n_units}).")


def check_pre_fit_filter(pre_fit_filter: Any) -> None:
    """Raise :class:`~venecon.exceptions.ModelSpecificationError` unless None or positive."""
    if pre_fit_filter is not None and not (
        isinstance(pre_fit_filter, numbers.Real) and pre_fit_filter > 0
    ):
        raise ModelSpecificationError(f"pre_fit_filter must be positive, got {pre_fit_filter!r}")


def placebo_space(
    engine: Engine,
    *,
    pre_fit_filter: float | None = None,
    n_jobs: int = 1,
    main: Fit | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> PlaceboResult:
    """Treat every donor in turn (the treated unit is never a donor) and rank the MSPE ratios.

    Parameters
    ----------
    engine : Engine
        From a fitted model (use ``SyntheticControlResults.placebo()``).
    pre_fit_filter : float, optional
        Drop placebos whose pre-period MSPE exceeds this multiple of the
        treated unit's (ADH 2010 use 20, 5 and 2). ``None`` keeps all.
    n_jobs : int, default 1
        joblib workers (-1: all cores).
    main : Fit, optional
        The treated unit's fit, if already computed.
    provenance : mapping, optional
        The synthetic control's provenance (its data, options and seed are recorded).
    """
    import numpy as np
    import pandas as pd

    check_pre_fit_filter(pre_fit_filter)
    n = len(engine.units)
    donors = np.arange(1, n)
    seeds = task_seeds(engine.opts.seed, n)
    tasks = [(engine, j, donors[donors != j], seeds[j]) for j in donors]
    check_placebo_work(engine)
    # a bar only for long loops (thousands of units), so bundled studies print nothing
    desc = "placebos in space" if len(tasks) >= _BAR_MIN_FITS else None
    out = parallel_map(_unit_gap, tasks, n_jobs, desc=desc)
    w0 = main.weights if main is not None else engine.fit(0, donors).weights
    paths = [engine.path(0, donors, w0), *out]
    units = pd.Index(engine.units)  # one index of unit names for both frames
    gaps = pd.DataFrame(np.column_stack(paths), index=pd.Index(engine.times), columns=units)
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
        index=units,
        columns=label_index(("pre_rmspe", "post_rmspe", "ratio", "average_effect", "included")),
    )
    return PlaceboResult(
        gaps=gaps,
        table=table,
        pvalue=rank / len(r),
        pvalue_effect=p_eff,
        rank=rank,
        n_units=len(r),
        pre_fit_filter=pre_fit_filter,
        provenance=provenance,
    )


class LeaveOneOutResult(Frozen):
    """Leave-one-donor-out refits (immutable; frames and mappings are handed out as copies).

    Attributes
    ----------
    gaps : DataFrame
        One column per dropped donor (``"without <donor>"``) plus ``"all donors"``,
        with the gap path in every period.
    average_effect : dict
        Column -> average gap over the effect window.
    range : (float, float)
        Smallest and largest average effect over the refits (NaN if none).
    weights : dict
        ``"without <donor>"`` -> {donor: weight} of that refit.
    """

    def __init__(
        self,
        *,
        gaps: pd.DataFrame,
        average_effect: Mapping[str, float],
        range: tuple[float, float],  # noqa: A002 - the documented name
        weights: Mapping[str, Mapping[Any, float]],
    ) -> None:
        self._gaps = gaps.copy()
        self._average_effect = dict(average_effect)
        self.range = (float(range[0]), float(range[1]))
        self._weights = {k: dict(v) for k, v in weights.items()}
        self._freeze()

    @property
    def gaps(self) -> pd.DataFrame:
        """Gap paths, ``"all donors"`` first (a copy)."""
        return self._gaps.copy()

    @property
    def average_effect(self) -> Mapping[str, float]:
        """Average effect over the effect window per refit (read-only mapping)."""
        return MappingProxyType(dict(self._average_effect))

    @property
    def weights(self) -> dict[str, dict[Any, float]]:
        """Donor weights of each refit (a copy)."""
        return {k: dict(v) for k, v in self._weights.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (average effects, range and weights of every refit)."""
        return {
            "average_effect": dict(self._average_effect),
            "range": list(self.range),
            "weights": jsonable(self._weights),
        }

    def __repr__(self) -> str:
        return f"LeaveOneOutResult(refits={len(self._average_effect) - 1}, range={self.range})"


def leave_one_out(
    engine: Engine, weights: pd.Series, *, n_jobs: int = 1, threshold: float = 1e-6
) -> LeaveOneOutResult:
    """Refit without each donor whose weight exceeds ``threshold``.

    Returns
    -------
    LeaveOneOutResult
        Gap paths of every refit, their average effects over the effect window,
        the (min, max) range over the refits and each refit's weights.
    """
    import numpy as np
    import pandas as pd

    donors = np.arange(1, len(engine.units))
    active = [j for j, w in zip(donors, weights.to_numpy(), strict=False) if w > threshold]
    if active and len(donors) - 1 < 2:
        raise InsufficientDataError("leave-one-out needs at least 3 donors")
    seeds = task_seeds(engine.opts.seed, len(engine.units))
    tasks = [(engine, 0, donors[donors != j], seeds[j]) for j in active]
    out = parallel_map(_unit_fit, tasks, n_jobs)
    cols = ["all donors"] + [f"without {engine.units[j]}" for j in active]
    full = engine.path(0, donors, weights.to_numpy())
    frame = pd.DataFrame(
        np.column_stack([full] + [g for _, g in out]), index=pd.Index(engine.times), columns=cols
    )
    lo, hi = engine.window
    avg = {c: float(frame[c].iloc[lo : hi + 1].mean()) for c in cols}
    loo = [avg[c] for c in cols[1:]]
    return LeaveOneOutResult(
        gaps=frame,
        average_effect=avg,
        range=(min(loo), max(loo)) if loo else (np.nan, np.nan),
        weights={
            f"without {engine.units[j]}": dict(
                zip([engine.units[k] for k in donors[donors != j]], w.tolist(), strict=False)
            )
            for j, (w, _) in zip(active, out, strict=False)
        },
    )


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


def _time_fit(model: Any, fake: Any) -> pd.Series:  # model: a SyntheticControl
    """Gap path of the treated unit with the treatment moved to ``fake``."""
    times = model.times
    d = times.index(model.treatment_time) - times.index(fake)
    data = model.data
    data = data[data[model.time_col] < model.treatment_time]
    preds = [
        Predictor(p.variable, _shift(p.periods, times, d, p.label), p.op) for p in model.predictors
    ]
    training = None
    if model.training_predictors is not None:
        training = {
            "predictors": [
                Predictor(p.variable, _shift(p.periods, times, d, p.label), p.op)
                for p in model.training_predictors
            ],
            "fit_window": _shift(
                (model.training_window[0], model.training_window[-1]), times, d, "training window"
            ),
        }
    # the fit window may be clipped at the start of the panel (ADH 2015's 1975
    # placebo fits from 1960); predictor periods may not
    first = times[max(times.index(model.fit_window[0]) - d, 0)]
    fit_window = (first, _shift((model.fit_window[-1],), times, d, "fit window")[0])
    placebo = model.respecify(
        data=data,
        treatment_time=fake,
        donors=list(model.donors),
        predictors=preds,
        fit_window=fit_window,
        v_training=training,
        effect_window=None,
        events=None,
        drop_incomplete_donors=False,
    )
    return placebo.fit().gaps


class PlaceboTimeResult(Frozen):
    """Placebo-in-time test (immutable; frames are handed out as copies).

    Attributes
    ----------
    table : DataFrame
        One row per placebo time: ``pre_rmspe``, ``post_rmspe`` (from the placebo
        time to the period before the real treatment), ``ratio`` (post/pre MSPE)
        and ``average_effect``.
    gaps : DataFrame
        Gap path of each placebo (periods x placebo times).
    """

    def __init__(self, *, table: pd.DataFrame, gaps: pd.DataFrame) -> None:
        self._table = table.copy()
        self._gaps = gaps.copy()
        self._freeze()

    @property
    def table(self) -> pd.DataFrame:
        """RMSPEs, ratio and average effect per placebo time (a copy)."""
        return self._table.copy()

    @property
    def gaps(self) -> pd.DataFrame:
        """Gap path of each placebo (a copy)."""
        return self._gaps.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the table."""
        return {"table": jsonable(self._table)}

    def to_frame(self) -> pd.DataFrame:
        """One row per placebo time (:attr:`table`)."""
        return self.table

    def summary(self) -> Summary:
        """Summary (text, HTML, LaTeX) of the placebo times."""
        return Summary("Placebo-in-time test", [("Placebo times", str(len(self._table)))],
                       [("Placebo times", self._table)],
                       ["The treatment moved to each earlier time with every window shifted "
                        "(Abadie, Diamond and Hainmueller 2015); small placebo effects support "
                        "the design."])

    def to_latex(self) -> str:
        """The summary as LaTeX tables."""
        return self.summary().as_latex()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def __repr__(self) -> str:
        return f"PlaceboTimeResult(times={list(self._table.index)})"


def placebo_time(
    model: Any, times: Sequence[Any], *, n_jobs: int = 1  # model: a SyntheticControl
) -> PlaceboTimeResult:
    """Move the treatment of ``model`` to each of ``times`` (before the real one) and refit.

    The data from the real treatment on are dropped, and every predictor period,
    the fit window and any training window move back by the same number of
    periods (the start of the fit window is clipped at the first period of the
    panel); the model is re-specified with
    :meth:`~venecon.models.SyntheticControl.respecify`. A credible design shows
    small placebo gaps.

    Returns
    -------
    PlaceboTimeResult
        ``table`` (one row per placebo time: ``pre_rmspe``, ``post_rmspe``,
        ``ratio``, ``average_effect``) and ``gaps`` (the placebo gap paths).
    """
    import numpy as np
    import pandas as pd

    fakes = [model.coerce_time(t) for t in times]
    for t in fakes:
        if t not in model.times or not t < model.treatment_time:
            raise ModelSpecificationError(
                f"placebo time {t!r} must be a period of the panel before the treatment "
                f"{model.treatment_time!r}"
            )
    paths = parallel_map(_time_fit, [(model, t) for t in fakes], n_jobs)
    rows = {}
    for t, g in zip(fakes, paths, strict=False):
        pre, post = g[g.index < t], g[g.index >= t]
        rows[t] = {
            "pre_rmspe": float(np.sqrt(np.mean(pre**2))),
            "post_rmspe": float(np.sqrt(np.mean(post**2))),
            "ratio": float(np.mean(post**2) / np.mean(pre**2)),
            "average_effect": float(post.mean()),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "placebo_time"
    return PlaceboTimeResult(table=table, gaps=pd.DataFrame(dict(zip(fakes, paths, strict=False))))


# --------------------------------------------------------------------------- conformal


def _conformal_pvalue(y1: np.ndarray, Y0: np.ndarray, theta: float) -> float:
    """CWZ p-value of ``effect = theta`` in the last row (q=1, circular block permutations)."""
    import numpy as np

    from .qp import simplex_lstsq

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
    engine: Engine, *, alpha: float = 0.05, periods: Sequence[Any] | None = None, rtol: float = 1e-6
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
    alpha : float, default 0.05
        Miscoverage; must exceed ``1 / (T0 + 1)`` (0.1 up to venecon 0.4).
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

    from ..core.checks import check_alpha
    from .qp import simplex_lstsq

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
        wanted = list(periods)
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
