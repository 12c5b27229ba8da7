"""Synthetic control (Abadie and Gardeazabal 2003; Abadie, Diamond and Hainmueller 2010, 2015).

The synthetic unit is a convex combination ``Y0 W`` of donor units whose
weights ``W`` (non-negative, summing to one) make the donors' predictors
``X0 W`` close to the treated unit's ``X1`` in the norm given by a diagonal,
non-negative predictor-importance matrix ``V``:

.. math::

    W(V) = \\arg\\min_{W \\in \\Delta} (X_1 - X_0 W)' V (X_1 - X_0 W).

For a given ``V`` this is a small quadratic program, solved exactly by an
active-set method (:mod:`venecon.models._qp`). ``V`` is chosen by one of five
strategies (``v=``): ``"nested"`` minimises the outcome MSPE over the fit window,
``min_V ||Z_1 - Z_0 W(V)||^2 / T`` (the ADH procedure, a derivative-free search
over ``V`` from several recorded starts); ``"crossval"`` does the same on a
training specification and reuses that ``V`` (ADH 2015); ``"regression"``
sets ``V`` from a regression of the fit-window outcomes on the predictors
(the starting value of R's ``Synth``); ``"equal"`` gives every predictor the
same weight; or an array or dict supplies ``V``.

Predictors are standardised by their standard deviation across the treated
unit and the donors before weighting, as in R ``Synth``, so ``V`` is free of
units. The estimated effect in period ``t`` is the gap ``Y_1t - Y_0t' W``.

Inference (placebos in space and in time, leave-one-donor-out, conformal
intervals) lives in :mod:`venecon.models.synth_inference` and is reached from
the results object.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..exceptions import InsufficientDataError, ModelSpecificationError
from .results import PathResults, build_provenance, jsonable

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SyntheticControl", "SyntheticControlResults", "Predictor"]

_OPS = ("mean", "median", "sum", "min", "max", "last", "first")
_V_STRATEGIES = ("nested", "crossval", "regression", "equal")


# --------------------------------------------------------------------------- specification


@dataclass(frozen=True)
class Predictor:
    """One row of the predictor matrix: ``op`` of ``variable`` over ``periods``.

    Parameters
    ----------
    variable : str
        Column of the panel (may be the outcome itself, e.g. lagged outcomes).
    periods : tuple
        The periods aggregated (explicit values of the time column).
    op : str
        ``"mean"`` (missing values skipped, as R ``Synth``), ``"median"``,
        ``"sum"``, ``"min"``, ``"max"``, ``"first"`` or ``"last"``.
    """

    variable: str
    periods: tuple
    op: str = "mean"

    @property
    def label(self) -> str:
        """Readable name, e.g. ``gdpcap (mean 1960-1969)``."""
        p = self.periods
        if len(p) == 1:
            return f"{self.variable} ({_fmt_period(p[0])})"
        span = f"{_fmt_period(p[0])}-{_fmt_period(p[-1])}"
        contiguous = _is_contiguous(p)
        where = span if contiguous else ",".join(_fmt_period(x) for x in p)
        return f"{self.variable} ({self.op} {where})"


def _fmt_period(p: Any) -> str:
    import pandas as pd

    if isinstance(p, pd.Timestamp):
        return f"{p:%Y-%m}" if p.day == 1 else f"{p:%Y-%m-%d}"
    if isinstance(p, float) and p.is_integer():
        return str(int(p))
    return str(p)


def _is_contiguous(periods: Sequence[Any]) -> bool:
    try:
        return all(int(b) - int(a) == 1 for a, b in zip(periods, periods[1:], strict=False))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class _Design:
    """Numeric form of a specification: predictors and fit-window outcomes for all units."""

    X: np.ndarray  # (k, n) predictors; column i is unit i
    Z: np.ndarray  # (t_fit, n) outcomes in the fit window
    labels: tuple[str, ...]


@dataclass(frozen=True)
class _VOptions:
    """How V is chosen (see :class:`SyntheticControl`)."""

    strategy: str
    custom: tuple[float, ...] | None = None
    starts: tuple[str, ...] = ("equal", "regression")
    n_random_starts: int = 0
    optimizer: str = "Nelder-Mead"
    maxiter: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class _Fit:
    """Outcome of one synthetic-control fit (treated column ``i``, donor columns ``donors``)."""

    weights: np.ndarray
    v: np.ndarray
    loss: float
    starts: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- numerical core


def _scale(X: np.ndarray) -> np.ndarray:
    """Divide each predictor by its standard deviation across units (R ``Synth``'s scaling)."""

    sd = X.std(axis=1, ddof=1)
    return X / sd[:, None]


def _weights(
    Xs: np.ndarray, i: int, donors: np.ndarray, v: np.ndarray, warm: list[int] | None = None
) -> np.ndarray:
    import numpy as np

    from ._qp import simplex_lstsq

    r = np.sqrt(v)[:, None]
    return simplex_lstsq(r * Xs[:, donors], r[:, 0] * Xs[:, i], warm=warm)


def _loss(design: _Design, i: int, donors: np.ndarray, w: np.ndarray) -> float:
    import numpy as np

    gap = design.Z[:, i] - design.Z[:, donors] @ w
    return float(np.mean(gap**2))


def _regression_v(Xs: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """V from regressing the fit-window outcomes on the scaled predictors, across units.

    ``beta`` (k x t) are the slopes of ``Z_t`` on ``[1, X]``; ``V`` is the
    normalised diagonal of ``beta beta'``. A minimum-norm least-squares solution
    is used when there are fewer units than predictors.
    """
    import numpy as np

    design = np.column_stack([np.ones(Xs.shape[1]), Xs.T])
    # the minimum-norm least-squares solution through the pseudo-inverse of the
    # small (units x predictors) design: the same answer as lstsq up to rounding,
    # without an SVD of the right-hand sides (hundreds of times faster with
    # many fit periods)
    beta = (np.linalg.pinv(design, rcond=np.finfo(float).eps * max(design.shape)) @ Z.T)[1:]
    v = np.sum(beta**2, axis=1)
    if not np.isfinite(v).all() or v.sum() <= 0:
        return np.full(len(v), 1.0 / len(v))
    return v / v.sum()


class _Prepared:
    """Cached pieces of one treated-versus-donors problem, reused by every V evaluation.

    The nested search evaluates ``W(V)`` and the fit-window loss thousands of
    times for the same treated unit and donors; the scaled predictor columns,
    the outcome matrices and their contiguous copies are built once here, and
    each evaluation only weights them by ``sqrt(V)`` and runs the
    warm-started active-set QP. The arithmetic is that of
    :func:`_weights` and :func:`_loss`, so results are unchanged.
    """

    __slots__ = ("D", "x0", "Zd", "z0", "support")

    def __init__(self, Xs: np.ndarray, Z: np.ndarray) -> None:
        import numpy as np

        self.D = np.ascontiguousarray(Xs[:, 1:])  # scaled donor predictors (k, m)
        self.x0 = np.ascontiguousarray(Xs[:, 0])  # scaled treated predictors (k,)
        self.Zd = np.ascontiguousarray(Z[:, 1:])  # donor fit-window outcomes (t, m)
        self.z0 = np.ascontiguousarray(Z[:, 0])
        self.support: list[int] = []  # last solution's support: warm start of the next QP

    def weights(self, v: np.ndarray, warm: bool = True) -> np.ndarray:
        import numpy as np

        from ._qp import min_norm_point

        r = np.sqrt(v)
        P = r[:, None] * self.D - (r * self.x0)[:, None]
        w = min_norm_point(P, warm=self.support if warm else None)[0]
        if warm:
            self.support = np.flatnonzero(w > 0).tolist()
        return w

    def loss(self, w: np.ndarray) -> float:
        gap = self.z0 - self.Zd @ w
        return float((gap @ gap) / len(gap))


def _nested(design: _Design, i: int, donors: np.ndarray, opts: _VOptions) -> _Fit:
    """ADH nested optimisation: minimise the fit-window MSPE over V from several starts."""
    import numpy as np
    from scipy.optimize import minimize

    Xs = _scale(design.X[:, np.r_[i, donors]])
    sub = _Design(Xs, design.Z[:, np.r_[i, donors]], design.labels)
    prep = _Prepared(Xs, sub.Z)
    k = Xs.shape[0]

    def to_v(x: np.ndarray) -> np.ndarray:
        a = np.abs(x)
        s = a.sum()
        return np.full(k, 1.0 / k) if s == 0 else a / s

    def mspe(x: np.ndarray) -> float:
        return prep.loss(prep.weights(to_v(x)))

    rng = np.random.default_rng(opts.seed)
    starts: list[tuple[str, np.ndarray]] = []
    for name in opts.starts:
        if name == "equal":
            starts.append(("equal", np.full(k, 1.0 / k)))
        elif name == "regression":
            starts.append(("regression", _regression_v(Xs, sub.Z)))
        else:
            raise ModelSpecificationError(f"unknown V start {name!r}; use 'equal' or 'regression'")
    for r in range(opts.n_random_starts):
        starts.append((f"random{r}", rng.dirichlet(np.ones(k))))
    # the loss is normalised by its value at the first start so the optimiser's
    # absolute tolerances act as relative ones whatever the outcome's units
    base = mspe(starts[0][1]) or 1.0
    best: _Fit | None = None
    record = []
    for name, x0 in starts:
        options = {"maxiter": opts.maxiter} if opts.maxiter else {}
        if opts.optimizer == "Nelder-Mead":
            options.update(xatol=1e-6, fatol=1e-8)
        res = minimize(lambda x: mspe(x) / base, x0, method=opts.optimizer, options=options)
        v = to_v(res.x)
        w = prep.weights(v, warm=False)
        loss = prep.loss(w)
        record.append(
            {
                "start": name,
                "v0": x0.tolist(),
                "loss": loss,
                "nfev": int(res.nfev),
                "converged": bool(res.success),
            }
        )
        if best is None or loss < best.loss - 1e-12 * abs(best.loss):
            best = _Fit(w, v, loss)
    assert best is not None
    return replace(best, starts=record)


def _fit_one(
    design: _Design, i: int, donors: np.ndarray, opts: _VOptions, training: _Design | None = None
) -> _Fit:
    """Fit the synthetic control of column ``i`` from columns ``donors``."""
    import numpy as np

    cols = np.r_[i, donors]
    local = np.arange(1, len(donors) + 1)
    Xs = _scale(design.X[:, cols])
    k = Xs.shape[0]
    if opts.strategy == "nested":
        return _nested(design, i, donors, opts)
    if opts.strategy == "crossval":
        assert training is not None
        trained = _nested(training, i, donors, opts)
        v = trained.v
        starts = [
            {
                "start": "crossval",
                "training_v": v.tolist(),
                "training_loss": trained.loss,
                "training_search": trained.starts,
            }
        ]
    elif opts.strategy == "regression":
        v, starts = _regression_v(Xs, design.Z[:, cols]), []
    elif opts.strategy == "equal":
        v, starts = np.full(k, 1.0 / k), []
    else:  # custom
        v, starts = np.asarray(opts.custom, dtype="float64"), []
    w = _weights(Xs, 0, local, v)
    sub = _Design(Xs, design.Z[:, cols], design.labels)
    return _Fit(w, v, _loss(sub, 0, local, w), starts)


# --------------------------------------------------------------------------- results


class SyntheticControlResults(PathResults):
    """Results of :class:`SyntheticControl`.

    Besides the shared API (``params`` holds the average effect over the
    effect window; ``effects`` the per-period actual, synthetic and gap), it
    gives the donor ``weights``, the predictor weights ``v``, the predictor
    ``balance`` table, ``rmspe_pre`` and, from the same specification, the
    inference procedures :meth:`placebo_space`, :meth:`placebo_time`,
    :meth:`leave_one_out` and :meth:`conformal`.

    The average effect has no standard error: synthetic control gives no
    sampling distribution for it. ``pvalues`` is the placebo-in-space
    p-value when the model was fitted with ``placebo=True`` (NaN otherwise),
    and ``conf_int`` is NaN; per-period conformal intervals are filled into
    ``effects`` when fitted with ``conformal=True``.
    """

    def __init__(
        self,
        *,
        weights: pd.Series,
        v: pd.Series,
        balance: pd.DataFrame,
        gaps: pd.Series,
        rmspe_pre: float,
        window: tuple[Any, Any],
        placebo: Any,
        engine: Any,
        **kwargs: Any,
    ) -> None:
        self._weights = weights.copy()
        self._v = v.copy()
        self._balance = balance.copy()
        self._gaps = gaps.copy()
        self._rmspe_pre = float(rmspe_pre)
        self._window_bounds = window
        self._placebo = placebo
        self._engine = engine
        super().__init__(**kwargs)

    # --- estimates ---------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        """Donor weights (non-negative, summing to one), indexed by donor."""
        return self._weights.copy()

    @property
    def v(self) -> pd.Series:
        """Predictor weights (diagonal of V, summing to one), indexed by predictor."""
        return self._v.copy()

    @property
    def balance(self) -> pd.DataFrame:
        """Predictors of the treated unit, the synthetic unit and the donor average (unscaled)."""
        return self._balance.copy()

    @property
    def gaps(self) -> pd.Series:
        """Actual minus synthetic outcome in every period (pre and post)."""
        return self._gaps.copy()

    @property
    def rmspe_pre(self) -> float:
        """Root mean squared gap over all pre-treatment periods."""
        return self._rmspe_pre

    @property
    def placebo(self) -> Any:
        """The placebo-in-space result computed at fit time (``placebo=True``), else None."""
        return self._placebo

    @property
    def pvalues(self) -> pd.Series:
        """Placebo-in-space p-value of the average effect (NaN unless ``fit(placebo=True)``)."""
        import numpy as np
        import pandas as pd

        p = np.nan if self._placebo is None else self._placebo.pvalue
        return pd.Series([p], index=self._params.index, name="pvalue")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """NaN: synthetic control gives no interval for the average effect (see ``conformal``)."""
        import numpy as np
        import pandas as pd

        return pd.DataFrame({"lower": np.nan, "upper": np.nan}, index=self._params.index)

    def average_effect(self, start: Any = None, end: Any = None) -> float:
        """Mean gap over the inclusive window ``start``-``end`` (default: the effect window)."""
        start = self._window_bounds[0] if start is None else start
        end = self._window_bounds[1] if end is None else end
        g = self._gaps
        sel = g[(g.index >= start) & (g.index <= end)]
        post = sel.index >= self._events["period"].iloc[0]
        if not post.all() or sel.empty:
            raise ModelSpecificationError(
                f"average_effect: window {start}-{end} must lie in the post-treatment periods "
                f"{self._events['period'].iloc[0]}-{g.index[-1]}"
            )
        return float(sel.mean())

    # --- inference ----------------------------------------------------------------------
    def placebo_space(self, *, pre_fit_filter: float | None = None, n_jobs: int = 1) -> Any:
        """Placebo-in-space test: every donor treated in turn (ADH 2010).

        See :func:`venecon.models.synth_inference.placebo_space`.
        """
        import math

        from .synth_inference import placebo_space

        # the treated unit's weights are already known: no second V search for them
        main = _Fit(self._weights.to_numpy(), self._v.to_numpy(), math.nan)
        return placebo_space(self._engine, pre_fit_filter=pre_fit_filter, n_jobs=n_jobs, main=main)

    def placebo_time(self, times: Sequence[Any], *, n_jobs: int = 1) -> Any:
        """Placebo-in-time test; see :func:`venecon.models.synth_inference.placebo_time`."""
        from .synth_inference import placebo_time

        return placebo_time(self._engine, times, n_jobs=n_jobs)

    def leave_one_out(self, *, n_jobs: int = 1) -> Any:
        """Leave-one-donor-out refits; see :func:`venecon.models.synth_inference.leave_one_out`."""
        from .synth_inference import leave_one_out

        return leave_one_out(self._engine, self._weights, n_jobs=n_jobs)

    def conformal(self, alpha: float = 0.1, **kwargs: Any) -> pd.DataFrame:
        """Per-period conformal intervals (Chernozhukov, Wuthrich and Zhu 2021).

        See :func:`venecon.models.synth_inference.conformal_intervals`.
        """
        from .synth_inference import conformal_intervals

        return conformal_intervals(self._engine, alpha=alpha, **kwargs)

    # --- presentation -------------------------------------------------------------------
    def _summary_tables(self, alpha: float) -> list[tuple[str, pd.DataFrame]]:
        import pandas as pd

        eff = pd.DataFrame({"estimate": self._params, "placebo p-value": self.pvalues})
        w = self._weights[self._weights > 5e-4].sort_values(ascending=False).to_frame("weight")
        v = self._v.to_frame("V")
        return [
            ("Average effect", eff),
            ("Donor weights (> 0.0005)", w),
            ("Predictor weights", v),
            ("Predictor balance", self._balance),
        ]

    def cumulative_effect(
        self, start: Any = None, end: Any = None, alpha: float | None = None
    ) -> Any:
        """Total effect over a window in barrels for flow outcomes (kb/d); intervals are NaN.

        Annual (integer year) periods count 365 or 366 days, monthly
        timestamps their days in the month.
        """
        import calendar
        import math

        import numpy as np
        import pandas as pd

        from .results import BARRELS_PER_UNIT_DAY, CumulativeEffect

        if self._unit not in BARRELS_PER_UNIT_DAY:
            raise ModelSpecificationError(
                f"cumulative_effect needs a flow unit ({', '.join(BARRELS_PER_UNIT_DAY)}); "
                f"the outcome's unit is {self._unit!r}. Pass outcome_unit='kb/d' to the model"
            )
        start = self._window_bounds[0] if start is None else start
        end = self._window_bounds[1] if end is None else end
        g = self._gaps[(self._gaps.index >= start) & (self._gaps.index <= end)]
        if g.empty or (g.index < self._events["period"].iloc[0]).any():
            raise ModelSpecificationError(
                f"cumulative_effect: {start}-{end} is not a post-treatment window"
            )
        if isinstance(g.index, pd.DatetimeIndex):
            days = np.asarray(g.index.days_in_month, dtype="float64")
            stamps = g.index
        else:
            days = np.array([366.0 if calendar.isleap(int(y)) else 365.0 for y in g.index])
            stamps = pd.DatetimeIndex(
                [pd.Timestamp(int(g.index[0]), 1, 1), pd.Timestamp(int(g.index[-1]), 12, 1)]
            )
        scale = BARRELS_PER_UNIT_DAY[self._unit]
        barrels = float(np.sum(g.to_numpy() * days) * scale)
        nan = math.nan
        return CumulativeEffect(
            start=stamps[0],
            end=stamps[-1],
            periods=len(g),
            days=int(days.sum()),
            unit=self._unit,
            alpha=self._alpha if alpha is None else float(alpha),
            barrels=barrels,
            barrels_lower=nan,
            barrels_upper=nan,
            average=barrels / (days.sum() * scale),
            average_lower=nan,
            average_upper=nan,
            method="point estimate only (synthetic control)",
        )

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["weights"] = jsonable(self._weights)
        out["v"] = jsonable(self._v)
        out["balance"] = jsonable(self._balance)
        out["rmspe_pre"] = self._rmspe_pre
        if self._placebo is not None:
            out["placebo"] = self._placebo.to_dict()
        return out

    def plot(self, alpha: float | None = None, ax: Any = None) -> Any:  # noqa: ARG002
        """Actual and synthetic paths (top) and the gap (bottom), with the treatment marked."""
        import matplotlib.pyplot as plt

        eff = self._effects
        if ax is None:
            fig, (top, bottom) = plt.subplots(
                2, 1, sharex=True, figsize=(8, 6), gridspec_kw={"height_ratios": [2, 1]}
            )
        else:
            top, bottom = ax
            fig = top.figure
        top.plot(eff.index, eff["actual"].to_numpy(), color="black", lw=1.2, label="actual")
        top.plot(
            eff.index, eff["counterfactual"].to_numpy(), color="C0", ls="--", label="synthetic"
        )
        bottom.plot(self._gaps.index, self._gaps.to_numpy(), color="C3", label="gap")
        if eff["effect_lower"].notna().any():
            bottom.fill_between(
                eff.index,
                eff["effect_lower"].to_numpy(),
                eff["effect_upper"].to_numpy(),
                color="C3",
                alpha=0.2,
                label="conformal interval",
            )
        bottom.axhline(0, color="grey", lw=0.8)
        for label, row in self._events.iterrows():
            for a in (top, bottom):
                a.axvline(row["period"], color="grey", ls=":", lw=1)
            top.annotate(
                str(label),
                (row["period"], 1),
                xycoords=("data", "axes fraction"),
                rotation=90,
                va="top",
                ha="right",
                fontsize=8,
            )
        unit = f" ({self._unit})" if self._unit else ""
        top.set_ylabel(f"{self._dependent}{unit}")
        bottom.set_ylabel("gap")
        top.legend(loc="best")
        bottom.legend(loc="best")
        top.set_title(self._model)
        return fig


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class _Engine:
    """Everything needed to refit the model for placebos: picklable for joblib."""

    units: tuple  # all units in the panel columns of Y (treated first, then donors)
    times: tuple  # sorted periods of Y
    Y: np.ndarray  # (T, n) outcomes
    X: np.ndarray  # (k, n) raw predictors (main specification)
    fit_rows: np.ndarray  # positions in ``times`` of the fit window
    t0: int  # position of the treatment period
    window: tuple[int, int]  # positions (inclusive) of the effect window
    opts: _VOptions
    labels: tuple[str, ...]
    training: _Design | None
    spec: Any  # the SyntheticControl (for placebo-in-time re-specification)

    def design(self) -> _Design:
        return _Design(self.X, self.Y[self.fit_rows], self.labels)

    def fit(self, i: int, donors: np.ndarray, seed_offset: int = 0) -> _Fit:
        opts = self.opts
        if opts.seed is not None and seed_offset:
            opts = replace(opts, seed=opts.seed + seed_offset)
        return _fit_one(self.design(), i, donors, opts, self.training)

    def path(self, i: int, donors: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Gap of unit ``i`` in every period."""
        return self.Y[:, i] - self.Y[:, donors] @ w


# --------------------------------------------------------------------------- model


def _periods(value: Any, times: Sequence[Any], what: str) -> tuple:
    """Resolve a period spec (scalar, list, range, slice(start, end) inclusive) to periods."""
    if isinstance(value, slice):
        out = tuple(
            t
            for t in times
            if (value.start is None or t >= value.start) and (value.stop is None or t <= value.stop)
        )
    elif isinstance(value, str) or not isinstance(value, Sequence | range):
        out = (value,)
    else:
        out = tuple(value)
    if not out:
        raise ModelSpecificationError(f"{what}: no periods selected by {value!r}")
    return out


class SyntheticControl:
    """Synthetic control estimator with nested, cross-validated, regression, equal or custom V.

    Parameters
    ----------
    data : DataFrame
        Long panel: one row per unit and period.
    outcome, unit, time : str
        Columns holding the outcome, the unit identifier and the period
        (integer years or timestamps; any sortable type).
    treated : hashable
        The treated unit.
    treatment_time : period
        First treated period (same type as the ``time`` column; strings are
        parsed as timestamps when the column holds dates).
    donors : sequence, optional
        Donor pool; default every other unit in the panel.
    predictors : sequence, optional
        Each item is a column name (aggregated with ``predictor_op`` over
        ``predictor_periods``), a tuple ``(column, periods, op)`` (R ``Synth``'s
        special predictors) or a :class:`Predictor`. ``periods`` is one period,
        a list or range of periods, or ``slice(start, end)`` (inclusive).
        Default: the outcome in each period of the fit window.
    predictor_periods : periods, optional
        Periods for plain column names; default all pre-treatment periods.
    predictor_op : str, default "mean"
        Aggregation for plain column names.
    fit_window : (start, end), optional
        Inclusive periods whose outcome MSPE the nested V search minimises;
        default every pre-treatment period. A window reaching the treatment
        period is accepted with a warning (some published specifications do so).
    v : {"nested", "crossval", "regression", "equal"}, array or dict, default "nested"
        Predictor-weight strategy (see the module docstring). An array (in
        predictor order) or a dict ``{label or column: weight}`` gives V directly.
    v_training : dict, optional
        For ``v="crossval"``: ``{"predictors": [...], "fit_window": (start, end)}``,
        the training specification whose nested V is reused (ADH 2015). It must
        have as many predictors as ``predictors``. Its window may reach the
        treatment period (ADH 2015 train on 1981-1990 for a 1990 treatment).
    starts : sequence of {"equal", "regression"}, default ("equal", "regression")
        Deterministic starts of the nested V search; the best loss wins.
    n_random_starts : int, default 0
        Additional Dirichlet-random starts drawn from ``rng``.
    optimizer : str, default "Nelder-Mead"
        scipy.optimize.minimize method of the V search (``"BFGS"`` also works).
    maxiter : int, optional
        Iteration cap of the V search (scipy's default when None).
    effect_window : (start, end), optional
        Inclusive post-treatment periods of the reported average effect;
        default all post-treatment periods.
    events : dict, optional
        Extra labelled periods to mark in plots, e.g. ``{"oil sanctions": 2019}``.
    outcome_unit : str, optional
        Unit of the outcome (``"kb/d"`` enables barrels); read from a ``unit``
        column with one value when present.
    drop_incomplete_donors : bool, default False
        Drop donors with missing outcomes in the sample or missing predictors
        (with a warning) instead of raising.
    rng : int, optional
        Seed of random starts; placebo fits use ``rng + position``, so results do
        not depend on ``n_jobs``.

    Raises
    ------
    ModelSpecificationError
        Unknown treated unit, donors or columns; duplicated unit-periods;
        missing outcomes or predictors; a predictor without variation; a bad V.
    InsufficientDataError
        No pre-treatment period, no post-treatment period, fewer than two donors.

    Examples
    --------
    >>> sc = SyntheticControl(df, outcome="gdpcap", unit="regionname", time="year",
    ...                       treated="Basque Country (Pais Vasco)", treatment_time=1970,
    ...                       predictors=[("gdpcap", slice(1960, 1969), "mean")],
    ...                       fit_window=(1960, 1969))  # doctest: +SKIP
    >>> res = sc.fit()  # doctest: +SKIP
    >>> res.weights, res.placebo_space(n_jobs=2).pvalue  # doctest: +SKIP
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        outcome: str,
        unit: str,
        time: str,
        treated: Any,
        treatment_time: Any,
        donors: Sequence[Any] | None = None,
        predictors: Sequence[Any] | None = None,
        predictor_periods: Any = None,
        predictor_op: str = "mean",
        fit_window: tuple[Any, Any] | None = None,
        v: str | Sequence[float] | Mapping[str, float] = "nested",
        v_training: Mapping[str, Any] | None = None,
        starts: Sequence[str] = ("equal", "regression"),
        n_random_starts: int = 0,
        optimizer: str = "Nelder-Mead",
        maxiter: int | None = None,
        effect_window: tuple[Any, Any] | None = None,
        events: Mapping[str, Any] | None = None,
        outcome_unit: str | None = None,
        drop_incomplete_donors: bool = False,
        rng: int | None = None,
    ) -> None:
        import pandas as pd

        self._check_columns(data, outcome, unit, time)
        self.outcome, self.unit_col, self.time_col = outcome, unit, time
        self.treated = treated
        self.attrs = dict(data.attrs.get("venecon", {})) if hasattr(data, "attrs") else {}
        self.outcome_unit = outcome_unit or self._detect_unit(data, unit)
        self.drop_incomplete_donors = bool(drop_incomplete_donors)
        frame = data
        if frame.duplicated([unit, time]).any():
            dup = frame.loc[frame.duplicated([unit, time], keep=False), [unit, time]].head(3)
            raise ModelSpecificationError(
                f"the panel has duplicated ({unit}, {time}) rows, e.g. {dup.to_dict('records')}"
            )
        times = sorted(frame[time].dropna().unique().tolist())
        self.times = tuple(pd.Timestamp(t) if isinstance(t, pd.Timestamp) else t for t in times)
        self.treatment_time = self._coerce_time(treatment_time)
        self.donors = self._resolve_donors(frame, treated, donors)
        self.pre = tuple(t for t in self.times if t < self.treatment_time)
        self.post = tuple(t for t in self.times if t >= self.treatment_time)
        if not self.pre:
            raise InsufficientDataError(
                f"treatment_time {treatment_time!r} leaves no pre-treatment period: the panel "
                f"starts in {_fmt_period(self.times[0])}"
            )
        if not self.post:
            raise InsufficientDataError(
                f"treatment_time {treatment_time!r} is after the last period "
                f"{_fmt_period(self.times[-1])}"
            )
        self.fit_window = (
            self.pre if fit_window is None else self._window(fit_window, self.times, "fit_window")
        )
        if self.fit_window[-1] >= self.treatment_time:
            # the Mixtape's Texas specification does this; allowed, but it lets treated
            # outcomes shape V, so say so
            warnings.warn(
                f"fit_window ends in {_fmt_period(self.fit_window[-1])}, at or after the treatment "
                f"({_fmt_period(self.treatment_time)}): post-treatment outcomes influence V",
                UserWarning,
                stacklevel=2,
            )
        self.effect_window = self._window(effect_window, self.post, "effect_window")
        self.predictor_periods = (
            self.pre
            if predictor_periods is None
            else _periods(predictor_periods, self.times, "predictor_periods")
        )
        self.predictor_op = predictor_op
        self.predictors = self._resolve_predictors(predictors, frame)
        self.v_spec = v
        self.v_training = dict(v_training) if v_training is not None else None
        self.training_predictors = None
        self.training_window = None
        if isinstance(v, str) and v == "crossval":
            self._resolve_training(frame)
        self.starts = tuple(starts)
        self.n_random_starts = int(n_random_starts)
        self.optimizer = optimizer
        self.maxiter = maxiter
        self.events = dict(events or {})
        self.rng = rng
        self._frame = frame
        self._build(frame)

    # --- input checks ---------------------------------------------------------------------
    @staticmethod
    def _check_columns(data: Any, *cols: str) -> None:
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            raise ModelSpecificationError(
                f"data must be a long DataFrame, got {type(data).__name__}"
            )
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ModelSpecificationError(
                f"columns {missing} are not in the panel; it has {list(data.columns)}"
            )

    @staticmethod
    def _detect_unit(data: pd.DataFrame, unit_col: str) -> str | None:
        if "unit" in data.columns and unit_col != "unit":
            values = data["unit"].dropna().unique()
            if len(values) == 1:
                return str(values[0])
        return None

    def _coerce_time(self, value: Any) -> Any:
        """``value`` as a period of the time column (strings parsed for a date column)."""
        import pandas as pd

        try:
            if isinstance(self.times[0], pd.Timestamp) and not isinstance(value, pd.Timestamp):
                value = pd.Timestamp(value)
            value < self.times[0]  # noqa: B015 - only checks the types compare
        except (TypeError, ValueError):
            raise ModelSpecificationError(
                f"period {value!r} cannot be compared with the {self.time_col!r} column "
                f"({type(self.times[0]).__name__} values)"
            ) from None
        return value

    def _resolve_donors(self, frame: pd.DataFrame, treated: Any, donors: Any) -> tuple:
        units = frame[self.unit_col].unique().tolist()
        if treated not in units:
            raise ModelSpecificationError(
                f"treated unit {treated!r} is not in column {self.unit_col!r}; "
                f"units include {sorted(map(str, units))[:12]}"
            )
        if donors is None:
            pool = [u for u in units if u != treated]
        else:
            pool = list(dict.fromkeys(donors))
            unknown = [d for d in pool if d not in units]
            if unknown:
                raise ModelSpecificationError(
                    f"donors {unknown} are not in column {self.unit_col!r}"
                )
            if treated in pool:
                raise ModelSpecificationError(
                    f"the treated unit {treated!r} is also listed as a donor"
                )
        if len(pool) < 2:
            raise InsufficientDataError(
                f"the donor pool has {len(pool)} unit(s); synthetic control needs at least 2"
            )
        return tuple(pool)

    def _window(self, window: Any, allowed: tuple, what: str) -> tuple:
        if window is None:
            return allowed
        if isinstance(window, slice):
            lo, hi = window.start, window.stop
        else:
            try:
                lo, hi = window
            except (TypeError, ValueError):
                raise ModelSpecificationError(
                    f"{what} must be (start, end), got {window!r}"
                ) from None
        lo = allowed[0] if lo is None else self._coerce_time(lo)
        hi = allowed[-1] if hi is None else self._coerce_time(hi)
        out = tuple(t for t in allowed if lo <= t <= hi)
        if lo < allowed[0] or hi > allowed[-1] or not out:
            raise ModelSpecificationError(
                f"{what} {_fmt_period(lo)}-{_fmt_period(hi)} must lie within "
                f"{_fmt_period(allowed[0])}-{_fmt_period(allowed[-1])}"
            )
        return out

    def _resolve_predictors(self, predictors: Any, frame: pd.DataFrame) -> tuple[Predictor, ...]:
        if predictors is None:
            return tuple(Predictor(self.outcome, (t,), "mean") for t in self.fit_window)
        out = []
        for p in predictors:
            if isinstance(p, Predictor):
                pred = p
            elif isinstance(p, str):
                pred = Predictor(p, self.predictor_periods, self.predictor_op)
            else:
                try:
                    var, periods, op = p
                except (TypeError, ValueError):
                    raise ModelSpecificationError(
                        f"predictor {p!r} must be a column name or (column, periods, op)"
                    ) from None
                pred = Predictor(
                    var,
                    tuple(
                        self._coerce_time(t)
                        for t in _periods(periods, self.times, f"predictor {var!r}")
                    ),
                    op,
                )
            if pred.variable not in frame.columns:
                raise ModelSpecificationError(
                    f"predictor column {pred.variable!r} is not in the panel"
                )
            if pred.op not in _OPS:
                raise ModelSpecificationError(f"predictor op {pred.op!r} is not one of {_OPS}")
            out.append(pred)
        if not out:
            raise ModelSpecificationError("predictors is empty")
        return tuple(out)

    def _resolve_training(self, frame: pd.DataFrame) -> None:
        tr = self.v_training
        if not tr or "predictors" not in tr or "fit_window" not in tr:
            raise ModelSpecificationError(
                "v='crossval' needs v_training={'predictors': [...], 'fit_window': (start, end)}"
            )
        self.training_predictors = self._resolve_predictors(tr["predictors"], frame)
        self.training_window = self._window(tr["fit_window"], self.times, "v_training fit_window")
        if len(self.training_predictors) != len(self.predictors):
            raise ModelSpecificationError(
                f"v_training has {len(self.training_predictors)} predictors but the model has "
                f"{len(self.predictors)}; cross-validated V needs one weight per predictor"
            )

    # --- numeric design ---------------------------------------------------------------------
    def _matrix(
        self, frame: pd.DataFrame, predictors: Sequence[Predictor], units: list
    ) -> np.ndarray:
        import numpy as np

        rows = []
        for p in predictors:
            wide = frame.pivot(index=self.time_col, columns=self.unit_col, values=p.variable)
            wide = wide.reindex(index=list(p.periods), columns=units).astype("float64")
            rows.append(self._aggregate(wide, p))
        return np.vstack(rows)

    @staticmethod
    def _aggregate(wide: pd.DataFrame, p: Predictor) -> np.ndarray:
        import numpy as np

        a = wide.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are reported below
            if p.op == "mean":
                return np.nanmean(a, axis=0)
            if p.op == "median":
                return np.nanmedian(a, axis=0)
            if p.op == "sum":
                return np.where(np.isnan(a).all(axis=0), np.nan, np.nansum(a, axis=0))
            if p.op == "min":
                return np.nanmin(a, axis=0)
            if p.op == "max":
                return np.nanmax(a, axis=0)
            if p.op == "first":
                return wide.bfill().to_numpy()[0]
            return wide.ffill().to_numpy()[-1]

    def _incomplete(self, units: list, Y: np.ndarray, mats: list[np.ndarray]) -> dict[Any, str]:
        """Units with a missing outcome or predictor, with the reason."""
        import numpy as np

        bad: dict[Any, str] = {}
        for j, u in enumerate(units):
            miss_t = [self.times[r] for r in np.flatnonzero(np.isnan(Y[:, j]))]
            if miss_t:
                bad[u] = (
                    f"missing {self.outcome!r} in {', '.join(_fmt_period(t) for t in miss_t[:5])}"
                )
                continue
            for preds, X in mats:
                miss_p = [preds[r].label for r in np.flatnonzero(np.isnan(X[:, j]))]
                if miss_p:
                    bad[u] = f"no data for predictor(s) {miss_p[:3]}"
                    break
        return bad

    def _build(self, frame: pd.DataFrame) -> None:
        import numpy as np

        units = [self.treated, *self.donors]
        Yw = frame.pivot(index=self.time_col, columns=self.unit_col, values=self.outcome)
        Y = Yw.reindex(index=list(self.times), columns=units).to_numpy(dtype="float64")
        mats = [(self.predictors, self._matrix(frame, self.predictors, units))]
        if self.training_predictors is not None:
            mats.append(
                (self.training_predictors, self._matrix(frame, self.training_predictors, units))
            )
        bad = self._incomplete(units, Y, mats)
        if self.treated in bad:
            raise ModelSpecificationError(f"treated unit {self.treated!r}: {bad[self.treated]}")
        if bad:
            detail = "; ".join(f"{u}: {why}" for u, why in list(bad.items())[:5])
            if not self.drop_incomplete_donors:
                raise ModelSpecificationError(
                    f"{len(bad)} donor(s) have missing data ({detail}). Remove them from donors, "
                    "or pass drop_incomplete_donors=True to drop them with a warning"
                )
            warnings.warn(
                f"dropping {len(bad)} incomplete donor(s): {detail}", UserWarning, stacklevel=3
            )
            keep = [j for j, u in enumerate(units) if u not in bad]
            units = [units[j] for j in keep]
            Y = Y[:, keep]
            mats = [(p, X[:, keep]) for p, X in mats]
            self.donors = tuple(units[1:])
            if len(self.donors) < 2:
                raise InsufficientDataError(
                    f"after dropping incomplete donors {len(self.donors)} remain; "
                    "at least 2 are needed"
                )
        for preds, X in mats:
            flat = [preds[r].label for r in np.flatnonzero(X.std(axis=1) == 0)]
            if flat:
                raise ModelSpecificationError(
                    f"predictor(s) {flat} take the same value for every unit; they cannot be "
                    "scaled or matched on. Remove them"
                )
        self._units = tuple(units)
        self._Y = Y
        self._X = mats[0][1]
        self._X_train = mats[1][1] if len(mats) > 1 else None

    # --- V options ---------------------------------------------------------------------------
    def _v_options(self) -> _VOptions:
        import numpy as np

        common = dict(
            starts=self.starts,
            n_random_starts=self.n_random_starts,
            optimizer=self.optimizer,
            maxiter=self.maxiter,
            seed=self.rng,
        )
        v = self.v_spec
        if isinstance(v, str):
            if v not in _V_STRATEGIES:
                raise ModelSpecificationError(
                    f"v={v!r}: use one of {_V_STRATEGIES}, an array or a dict"
                )
            return _VOptions(strategy=v, **common)
        labels = [p.label for p in self.predictors]
        if isinstance(v, Mapping):
            names = {p.label: i for i, p in enumerate(self.predictors)}
            names.update(
                {
                    p.variable: i
                    for i, p in enumerate(self.predictors)
                    if sum(q.variable == p.variable for q in self.predictors) == 1
                }
            )
            unknown = [k for k in v if k not in names]
            if unknown:
                raise ModelSpecificationError(
                    f"V names {unknown} match no predictor; predictors: {labels}"
                )
            arr = np.zeros(len(labels))
            for k, val in v.items():
                arr[names[k]] = float(val)
        else:
            arr = np.asarray(v, dtype="float64").ravel()
        if (
            arr.shape != (len(labels),)
            or not np.isfinite(arr).all()
            or (arr < 0).any()
            or arr.sum() <= 0
        ):
            raise ModelSpecificationError(
                f"custom V must have {len(labels)} non-negative finite entries, "
                f"not all zero; got {arr}"
            )
        return _VOptions(strategy="custom", custom=tuple(arr / arr.sum()), **common)

    def _engine(self) -> _Engine:
        import numpy as np

        times = self.times
        pos = {t: r for r, t in enumerate(times)}
        training = None
        if self._X_train is not None:
            rows = np.array([pos[t] for t in self.training_window])
            training = _Design(
                self._X_train, self._Y[rows], tuple(p.label for p in self.training_predictors)
            )
        return _Engine(
            units=self._units,
            times=times,
            Y=self._Y,
            X=self._X,
            fit_rows=np.array([pos[t] for t in self.fit_window]),
            t0=pos[self.treatment_time],
            window=(pos[self.effect_window[0]], pos[self.effect_window[-1]]),
            opts=self._v_options(),
            labels=tuple(p.label for p in self.predictors),
            training=training,
            spec=self,
        )

    def _options(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "unit": self.unit_col,
            "time": self.time_col,
            "treated": self.treated,
            "treatment_time": self.treatment_time,
            "donors": list(self.donors),
            "predictors": [[p.variable, list(p.periods), p.op] for p in self.predictors],
            "fit_window": [self.fit_window[0], self.fit_window[-1]],
            "effect_window": [self.effect_window[0], self.effect_window[-1]],
            "v": self.v_spec if isinstance(self.v_spec, str) else jsonable(self.v_spec),
            "v_training": None
            if self.training_predictors is None
            else {
                "predictors": [
                    [p.variable, list(p.periods), p.op] for p in self.training_predictors
                ],
                "fit_window": [self.training_window[0], self.training_window[-1]],
            },
            "starts": list(self.starts),
            "n_random_starts": self.n_random_starts,
            "optimizer": self.optimizer,
            "maxiter": self.maxiter,
            "scaling": "predictors divided by their sd (ddof=1) across treated and donors",
            "inner_solver": "exact active-set (Wolfe min-norm point) QP on the simplex",
        }

    def _data_record(self) -> dict[str, Any]:
        import numpy as np

        if self.attrs.get("datasets"):
            return dict(self.attrs)
        digest = hashlib.sha256(np.ascontiguousarray(self._Y).tobytes())
        digest.update(np.ascontiguousarray(self._X).tobytes())
        return {"datasets": {"user-supplied": digest.hexdigest()}, "data_version": None}

    # --- fit ------------------------------------------------------------------------------------
    def fit(
        self,
        *,
        placebo: bool = False,
        pre_fit_filter: float | None = None,
        conformal: bool = False,
        alpha: float = 0.1,
        n_jobs: int = 1,
    ) -> SyntheticControlResults:
        """Estimate the weights, the synthetic path and the average effect.

        Parameters
        ----------
        placebo : bool, default False
            Also run the placebo-in-space test; its p-value becomes ``pvalues``.
        pre_fit_filter : float, optional
            Passed to the placebo test (drop placebos with pre-MSPE above this
            multiple of the treated unit's).
        conformal : bool, default False
            Fill ``effect_lower``/``effect_upper`` with per-period conformal intervals.
        alpha : float, default 0.1
            Level of the conformal intervals.
        n_jobs : int, default 1
            Parallel jobs for the placebo loop (joblib).
        """
        import numpy as np
        import pandas as pd

        from ._inputs import check_alpha

        alpha = check_alpha(alpha)
        engine = self._engine()
        donors = np.arange(1, len(self._units))
        fit = engine.fit(0, donors)
        gaps = engine.path(0, donors, fit.weights)
        synth = self._Y[:, donors] @ fit.weights
        t0 = engine.t0
        lo, hi = engine.window
        avg = float(np.mean(gaps[lo : hi + 1]))
        rmspe = float(np.sqrt(np.mean(gaps[:t0] ** 2)))
        index = pd.Index(self.times, name=self.time_col)
        effects = pd.DataFrame(
            {
                "actual": self._Y[:, 0],
                "counterfactual": synth,
                "effect": np.where(np.arange(len(gaps)) >= t0, gaps, np.nan),
                "effect_lower": np.nan,
                "effect_upper": np.nan,
            },
            index=index,
        )
        if conformal:
            ci = self._conformal_frame(engine, alpha)
            effects.loc[ci.index, "effect_lower"] = ci["lower"].to_numpy()
            effects.loc[ci.index, "effect_upper"] = ci["upper"].to_numpy()
        weights = pd.Series(fit.weights, index=list(self.donors), name="weight")
        v = pd.Series(fit.v, index=list(engine.labels), name="V")
        balance = pd.DataFrame(
            {
                "treated": self._X[:, 0],
                "synthetic": self._X[:, donors] @ fit.weights,
                "donor mean": self._X[:, donors].mean(axis=1),
                "V": fit.v,
            },
            index=list(engine.labels),
        )
        pl = None
        if placebo:
            from .synth_inference import placebo_space

            pl = placebo_space(engine, pre_fit_filter=pre_fit_filter, n_jobs=n_jobs, main=fit)
        return self._results(engine, fit, effects, gaps, avg, rmspe, weights, v, balance, pl, alpha)

    def _conformal_frame(self, engine: _Engine, alpha: float) -> pd.DataFrame:
        from .synth_inference import conformal_intervals

        return conformal_intervals(engine, alpha=alpha)

    def _results(self, engine, fit, effects, gaps, avg, rmspe, weights, v, balance, pl, alpha):
        import numpy as np
        import pandas as pd

        lo, hi = engine.window
        name = f"average effect {_fmt_period(self.times[lo])}-{_fmt_period(self.times[hi])}"
        params = pd.Series([avg], index=[name])
        events = pd.DataFrame(
            {"date": [self.treatment_time], "period": [self.treatment_time]},
            index=pd.Index(["treatment"]),
        )
        extra = {k: self._coerce_time(t) for k, t in self.events.items()}
        if extra:
            events = pd.concat(
                [
                    events,
                    pd.DataFrame(
                        {"date": list(extra.values()), "period": list(extra.values())},
                        index=pd.Index(list(extra)),
                    ),
                ]
            )
        options = self._options()
        options["v_search"] = fit.starts
        provenance = build_provenance(
            model="venecon.models.SyntheticControl",
            data=self._data_record(),
            sample=None,
            options=options,
            seed=self.rng,
        )
        notes = [
            "Gap = actual minus synthetic; the average effect has no standard error. "
            "Inference: placebo_space(), placebo_time(), leave_one_out(), conformal().",
            f"V: {options['v'] if isinstance(options['v'], str) else 'custom'}; "
            f"fit-window MSPE {fit.loss:.6g}; pre-treatment RMSPE {rmspe:.6g}.",
        ]
        if pl is not None:
            notes.append(
                f"Placebo-in-space p-value {pl.pvalue:.4f} (post/pre MSPE ratio rank "
                f"{pl.rank} of {pl.n_units})."
            )
        header = [
            ("Treated unit", str(self.treated)),
            ("Treatment", _fmt_period(self.treatment_time)),
            ("Donors", str(len(self.donors))),
            ("Pre-period RMSPE", f"{rmspe:.4g}"),
        ]
        return SyntheticControlResults(
            weights=weights,
            v=v,
            balance=balance,
            gaps=pd.Series(gaps, index=effects.index, name="gap"),
            rmspe_pre=rmspe,
            window=(self.times[lo], self.times[hi]),
            placebo=pl,
            engine=engine,
            actual=effects["actual"],
            effects=effects,
            events=events,
            unit=self.outcome_unit,
            alpha=alpha,
            model="Synthetic control",
            dependent=self.outcome,
            params=params,
            std_errors=pd.Series([np.nan], index=[name]),
            cov=pd.DataFrame([[np.nan]], index=[name], columns=[name]),
            nobs=len(self.times) * len(self._units),
            df_resid=None,
            cov_type="none (see placebo inference)",
            provenance=provenance,
            header=header,
            notes=notes,
            statistics={
                "rmspe_pre": rmspe,
                "mspe_fit": fit.loss,
                "placebo_pvalue": None if pl is None else pl.pvalue,
            },
        )
