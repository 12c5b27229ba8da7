"""Numerical engine of :class:`~venecon.models.SyntheticControl`.

The model (:mod:`venecon.models.synth.model`) turns a long panel into numbers; this
module holds what every refit needs and nothing else, so the inference
procedures (:mod:`venecon.models.synth.inference`) use it without importing
the model:

- :class:`Predictor`, one row of the predictor matrix;
- :class:`PredictorMatrices`, the predictors and fit-window outcomes of all units as arrays;
- :class:`VOptions`, how the predictor weights ``V`` are chosen;
- :class:`Engine`, a frozen, picklable bundle of copies of those arrays with
  :meth:`Engine.fit` (weights of any unit from any donor set) and
  :meth:`Engine.path` (its gap path);
- :class:`Fit`, the outcome of one fit;
- :func:`label_index`, the cached column labels of the small tables every fit builds.

For a given ``V`` the donor weights solve a simplex-constrained least squares,
solved exactly by :func:`venecon.models.synth.qp.min_norm_point`; the ``"nested"``
strategy searches ``V`` (ADH 2010) with :func:`scipy.optimize.minimize`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError
from .qp import min_norm_point, simplex_lstsq

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "Predictor",
    "PredictorMatrices",
    "VOptions",
    "Fit",
    "Engine",
    "fmt_period",
    "label_index",
    "scale_predictors",
    "regression_v",
]


def fmt_period(p: Any) -> str:
    """A period as printed in labels and messages (``2019``, ``2019-01``)."""
    import pandas as pd

    if isinstance(p, pd.Timestamp):
        return f"{p:%Y-%m}" if p.day == 1 else f"{p:%Y-%m-%d}"
    if isinstance(p, float) and p.is_integer():
        return str(int(p))
    return str(p)


@cache
def _text_index(names: tuple[str, ...]) -> pd.Index:
    import pandas as pd

    return pd.Index(list(names))


def label_index(names: Sequence[str]) -> pd.Index:
    """A pandas index of fixed labels (table columns), built once per process.

    An index of text costs tens of microseconds in pandas 3 (an arrow array),
    more than the small tables of a fit; each label set is built once and
    handed out as a view, whose ``name`` can be set without touching the cache.
    """
    return _text_index(tuple(names)).view()


def _is_contiguous(periods: Sequence[Any]) -> bool:
    try:
        return all(int(b) - int(a) == 1 for a, b in zip(periods, periods[1:], strict=False))
    except (TypeError, ValueError):
        return False


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
            return f"{self.variable} ({fmt_period(p[0])})"
        span = f"{fmt_period(p[0])}-{fmt_period(p[-1])}"
        where = span if _is_contiguous(p) else ",".join(fmt_period(x) for x in p)
        return f"{self.variable} ({self.op} {where})"


@dataclass(frozen=True)
class PredictorMatrices:
    """Numeric form of a specification: predictors and fit-window outcomes for all units."""

    X: np.ndarray  # (k, n) predictors; column i is unit i
    Z: np.ndarray  # (t_fit, n) outcomes in the fit window
    labels: tuple[str, ...]


@dataclass(frozen=True)
class VOptions:
    """How V is chosen (see :class:`~venecon.models.SyntheticControl`)."""

    strategy: str
    custom: tuple[float, ...] | None = None
    starts: tuple[str, ...] = ("equal", "regression")
    n_random_starts: int = 0
    optimizer: str = "Nelder-Mead"
    maxiter: int | None = None
    seed: int | None = None
    scale: bool = True  # divide predictors by their sd across units (R Synth)


@dataclass(frozen=True)
class Fit:
    """Outcome of one synthetic-control fit: donor weights, V, fit-window MSPE, V search record."""

    weights: np.ndarray
    v: np.ndarray
    loss: float
    starts: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- numerical core


def scale_predictors(X: np.ndarray, scale: bool = True) -> np.ndarray:
    """Divide each predictor by its standard deviation across units (R ``Synth``'s scaling).

    With ``scale=False`` the predictors are used in their own units (the
    outcome-only synthetic control of mlsynth, scpi and causalpy).
    """
    if not scale:
        return X
    sd = X.std(axis=1, ddof=1)
    return X / sd[:, None]


def _synthetic(Y: np.ndarray, donors: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``Y[:, donors] @ w`` from the donors with positive weight only.

    The simplex weights are sparse (at most one more than the predictors are
    positive), so this reads a few columns instead of copying all of them: with
    thousands of donors and placebos the copy would dominate every refit.
    """
    import numpy as np

    nz = np.flatnonzero(w)
    return Y[:, donors[nz]] @ w[nz]


def _loss(Z: np.ndarray, i: int, donors: np.ndarray, w: np.ndarray) -> float:
    import numpy as np

    gap = Z[:, i] - _synthetic(Z, donors, w)
    return float(np.mean(gap**2))


def regression_v(Xs: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """V from regressing the fit-window outcomes on the (scaled) predictors, across units.

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

        r = np.sqrt(v)
        P = r[:, None] * self.D - (r * self.x0)[:, None]
        w = min_norm_point(P, warm=self.support if warm else None)[0]
        if warm:
            self.support = np.flatnonzero(w > 0).tolist()
        return w

    def loss(self, w: np.ndarray) -> float:
        gap = self.z0 - self.Zd @ w
        return float((gap @ gap) / len(gap))


def _nested(design: PredictorMatrices, i: int, donors: np.ndarray, opts: VOptions) -> Fit:
    """ADH nested optimisation: minimise the fit-window MSPE over V from several starts."""
    import numpy as np
    from scipy.optimize import minimize

    cols = np.concatenate(([i], donors))
    Xs = scale_predictors(design.X[:, cols], opts.scale)
    Z = design.Z[:, cols]
    prep = _Prepared(Xs, Z)
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
            starts.append(("regression", regression_v(Xs, Z)))
        else:
            raise ModelSpecificationError(f"unknown V start {name!r}; use 'equal' or 'regression'")
    for r in range(opts.n_random_starts):
        starts.append((f"random{r}", rng.dirichlet(np.ones(k))))
    # the loss is normalised by its value at the first start so the optimiser's
    # absolute tolerances act as relative ones whatever the outcome's units
    base = mspe(starts[0][1]) or 1.0
    best: Fit | None = None
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
            best = Fit(w, v, loss)
    assert best is not None
    return replace(best, starts=record)


def _fixed_v(opts: VOptions, k: int) -> np.ndarray:
    """V of the ``"equal"`` and custom strategies (the same for every unit and donor set)."""
    import numpy as np

    if opts.strategy == "equal":
        return np.full(k, 1.0 / k)
    return np.asarray(opts.custom, dtype="float64")


def fit_one(
    design: PredictorMatrices, i: int, donors: np.ndarray, opts: VOptions,
    training: PredictorMatrices | None = None,
) -> Fit:
    """Fit the synthetic control of column ``i`` of ``design`` from columns ``donors``."""
    import numpy as np

    if opts.strategy == "nested":
        return _nested(design, i, donors, opts)
    donors = np.asarray(donors)
    cols = np.concatenate(([i], donors))  # np.r_ costs more than a small fit's QP set-up
    Xs = scale_predictors(design.X[:, cols], opts.scale)
    k = Xs.shape[0]
    if opts.strategy == "crossval":
        if training is None:
            raise ModelSpecificationError("v='crossval' needs a training specification")
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
        v, starts = regression_v(Xs, design.Z[:, cols]), []
    else:  # equal or custom
        v, starts = _fixed_v(opts, k), []
    r = np.sqrt(v)
    w = simplex_lstsq(r[:, None] * Xs[:, 1:], r * Xs[:, 0])
    return Fit(w, v, _loss(design.Z, i, donors, w), starts)


# --------------------------------------------------------------------------- engine


def _frozen(a: np.ndarray) -> np.ndarray:
    """A read-only copy: the engine owns its arrays, and nobody writes into them."""
    import numpy as np

    out = np.array(a, dtype="float64", copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class Engine:
    """Everything needed to refit a synthetic control (placebos, leave-one-out): picklable.

    The arrays are read-only copies taken at construction, so an engine (and
    the results holding it) never sees later changes to the user's data.

    Attributes
    ----------
    units : tuple
        Units of the columns of ``Y`` and ``X``: the treated unit first, then the donors.
    times : tuple
        Sorted periods of the rows of ``Y``.
    Y : ndarray
        (T, n) outcomes.
    X : ndarray
        (k, n) unscaled predictors.
    fit_rows : ndarray
        Positions in ``times`` of the fit window of the V search.
    t0 : int
        Position of the treatment period.
    window : (int, int)
        Positions (inclusive) of the effect window.
    opts : VOptions
        V strategy and search options.
    labels : tuple of str
        Predictor labels.
    training : PredictorMatrices or None
        Training specification of ``v="crossval"``.
    """

    units: tuple
    times: tuple
    Y: np.ndarray
    X: np.ndarray
    fit_rows: np.ndarray
    t0: int
    window: tuple[int, int]
    opts: VOptions
    labels: tuple[str, ...]
    training: PredictorMatrices | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "Y", _frozen(self.Y))
        object.__setattr__(self, "X", _frozen(self.X))
        if self.training is not None:
            t = self.training
            object.__setattr__(self, "training",
                               PredictorMatrices(_frozen(t.X), _frozen(t.Z), t.labels))

    def __getstate__(self) -> dict[str, Any]:
        # the cached arrays are rebuilt where needed; a worker receives the data once
        return {k: v for k, v in self.__dict__.items() if k not in ("_design", "_weighted_X")}

    def design(self) -> PredictorMatrices:
        """Predictors and fit-window outcomes of every unit (built once per engine)."""
        cached = self.__dict__.get("_design")
        if cached is None:
            import numpy as np

            rows = np.asarray(self.fit_rows)
            # a contiguous fit window is a view of Y, not a (T x n) copy per refit
            if len(rows) and np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))):
                Z = self.Y[int(rows[0]) : int(rows[0]) + len(rows)]
            else:
                Z = self.Y[rows]
            cached = PredictorMatrices(self.X, Z, self.labels)
            object.__setattr__(self, "_design", cached)
        return cached

    def fit(self, i: int, donors: np.ndarray, seed: int | None = None) -> Fit:
        """Fit unit ``i`` from ``donors`` (positions); random V starts use ``seed`` if given."""
        opts = self.opts
        if opts.seed is not None and seed is not None and opts.n_random_starts:  # seeds only them
            opts = replace(opts, seed=seed)
        return fit_one(self.design(), i, donors, opts, self.training)

    def path(self, i: int, donors: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Gap (actual minus synthetic) of unit ``i`` in every period."""
        return self.Y[:, i] - _synthetic(self.Y, donors, w)

    def refit_path(self, i: int, donors: np.ndarray, seed: int | None = None) -> np.ndarray:
        """Gap path of unit ``i`` refitted from ``donors``: what a placebo loop keeps of a fit.

        The weights are those of :meth:`fit` to the bit. A fixed ``V`` (equal or
        custom) on unscaled predictors weights every unit's predictors alike, so
        ``sqrt(V) X`` is formed once per engine and each refit only selects its
        columns (the same products :func:`fit_one` forms per fit); no fit
        record or loss is built.
        """
        opts = self.opts
        if opts.scale or opts.strategy not in ("equal", "custom"):
            return self.path(i, donors, self.fit(i, donors, seed=seed).weights)
        weighted = self.__dict__.get("_weighted_X")
        if weighted is None:
            import numpy as np

            weighted = np.sqrt(_fixed_v(opts, self.X.shape[0]))[:, None] * self.X
            object.__setattr__(self, "_weighted_X", weighted)
        return self.path(i, donors, simplex_lstsq(weighted[:, donors], weighted[:, i]))
