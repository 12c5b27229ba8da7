"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens and Wager 2021).

SDID reweights both units and periods before taking a difference in
differences. With ``N0`` control units, ``N1`` treated units (one common
adoption date), ``T0`` pre-treatment and ``T1`` post-treatment periods:

* **Unit weights** ``omega`` (simplex over the controls, with an intercept)
  minimise ``sum_t (w0 + omega' Y_co,t - Ybar_tr,t)^2 + T0 zeta^2 ||omega||^2``
  over the pre-treatment periods, with the paper's regularisation
  ``zeta = (N1 T1)^(1/4) * sigma``, ``sigma`` the standard deviation of the
  first differences of the control outcomes before treatment.
* **Time weights** ``lambda`` (simplex over the pre-periods, with an
  intercept) make the weighted pre-period outcome of every control unit
  track its post-period mean, with an "infinitesimal" ridge
  ``zeta_lambda = 1e-6 * sigma``.
* ``att = (Ybar_tr,post - lambda' Ybar_tr,pre) - (omega' Y_co,post_mean - omega' Y_co,pre lambda)``.

The weights are computed as the reference software (R ``synthdid``) does:
Frank-Wolfe with exact line search on the "collapsed" problem, stopped when
the penalised objective falls by less than ``(1e-5 sigma)^2`` in an
iteration, first for at most 100 iterations, then (after zeroing weights
below a quarter of the largest, "sparsify") for at most 10,000. ``method="sc"``
(no intercept, no time weights, ridge ``1e-6 sigma``) and ``method="did"``
(uniform weights) are the two special cases of the paper's Table 1.

Standard errors: the placebo method (Algorithm 4: controls assigned at
random to pseudo-treatment, weights re-estimated), the fixed-weight jackknife
(Algorithm 3, needs at least two treated units) or the unit bootstrap
(Algorithm 2, at least two treated units). Replications are drawn from a
seeded :class:`numpy.random.Generator`, so results reproduce exactly but the
draws differ from R's.

Validated against the California Proposition 99 panel shipped with R
``synthdid``: SDID -15.604, SC -19.620, DiD -27.349 packs per capita
(published Table 1: -15.6, -19.6, -27.3; ``tests/test_models_sdid.py``).

Reference: Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. and
Wager, S. (2021), "Synthetic difference-in-differences", *American Economic
Review* 111(12), 4088-4118.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...exceptions import InsufficientDataError, ModelSpecificationError, UnbalancedPanelError
from ...limits import check_bound
from ..core.checks import check_alpha
from ..core.results import BARRELS_PER_UNIT_DAY, PathResults, build_provenance, jsonable
from ..did.panel import panel_frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SDIDOptions", "SyntheticDiD", "SyntheticDiDResults"]

METHODS = ("sdid", "sc", "did")
SE_METHODS = ("placebo", "jackknife", "bootstrap", "none")


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class SDIDOptions:
    """Tuning of the weight solver (defaults are those of R ``synthdid``).

    Attributes
    ----------
    eta_omega : float or None
        ``zeta_omega = eta_omega * sigma``; ``None`` uses ``(N1 T1)^(1/4)`` for
        SDID and ``1e-6`` for SC.
    eta_lambda : float
        ``zeta_lambda = eta_lambda * sigma`` (time weights).
    min_decrease : float or None
        Stop when the objective falls by less than ``min_decrease^2``;
        ``None`` uses ``1e-5 * sigma``.
    max_iter : int
        Iterations of the second (post-sparsify) Frank-Wolfe round.
    max_iter_pre_sparsify : int
        Iterations of the first round.
    sparsify : bool
        Zero weights at or below a quarter of the largest and re-solve from there.
    """

    eta_omega: float | None = None
    eta_lambda: float = 1e-6
    min_decrease: float | None = None
    max_iter: int = 10_000
    max_iter_pre_sparsify: int = 100
    sparsify: bool = True

    def __post_init__(self) -> None:
        for name in ("max_iter", "max_iter_pre_sparsify"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ModelSpecificationError(
                    f"SDIDOptions: {name} must be a positive int, got {value!r}"
                )
        for name in ("eta_omega", "eta_lambda", "min_decrease"):
            value = getattr(self, name)
            if value is not None and not (float(value) >= 0):
                raise ModelSpecificationError(f"SDIDOptions: {name} must be >= 0, got {value!r}")


@dataclass(frozen=True)
class _Problem:
    """One estimation problem: rows of Y are controls then treated; columns pre then post."""

    method: str
    zeta_omega: float
    zeta_lambda: float
    min_decrease: float
    max_iter: int
    max_iter_pre: int
    sparsify: bool

    @property
    def update_omega(self) -> bool:
        return self.method != "did"

    @property
    def update_lambda(self) -> bool:
        return self.method == "sdid"

    @property
    def intercept_omega(self) -> bool:
        return self.method != "sc"


# --------------------------------------------------------------------------- solver
#
# The solver works on a batch of B independent problems at once (the placebo and
# bootstrap replications), because Frank-Wolfe needs thousands of cheap iterations and
# Python's per-iteration overhead would otherwise dominate. Problems of different size
# (bootstrap draws) are padded: padded rows are zero and padded columns are never chosen.


def _fw(
    A: np.ndarray,
    b: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    zeta: float,
    intercept: bool,
    init: np.ndarray | None,
    min_decrease: float,
    max_iter: int,
) -> np.ndarray:
    """Frank-Wolfe with exact line search for ``||A x - b||^2 / n + zeta^2 ||x||^2`` on the simplex.

    ``A`` is (B, n, k), ``b`` (B, n); ``rows`` (B,) the number of real rows of
    each problem (the rest are zero padding) and ``cols`` (B, k) a mask of its
    real columns. With ``intercept`` each real column and ``b`` are demeaned
    over the real rows first. Iterates from ``init`` (default uniform) and stops
    a problem once an iteration (from the second on) lowers the objective by
    ``min_decrease^2`` or less, or after ``max_iter`` iterations, as R
    ``synthdid``'s ``sc.weight.fw`` does.
    """
    import numpy as np

    B, n, k = A.shape
    real = np.arange(n)[None, :] < rows[:, None]
    if intercept:
        A = A - (A.sum(axis=1) / rows[:, None])[:, None, :]
        b = b - (b.sum(axis=1) / rows)[:, None]
        A = np.where(real[:, :, None], A, 0.0)
        b = np.where(real, b, 0.0)
    if init is None:
        x = cols / cols.sum(axis=1, keepdims=True)
    else:
        x = np.where(cols, init, 0.0).astype("float64")
    z2 = zeta * zeta
    eta = rows * z2
    G = np.einsum("bni,bnj->bij", A, A)
    diag = np.einsum("bii->bi", G)
    # blocked (padded) columns get a huge gradient so argmin never picks them
    c = np.einsum("bni,bn->bi", A, b) - np.where(cols, 0.0, 1e300)
    g = np.einsum("bij,bj->bi", G, x)  # A'A x, updated along the iterations
    threshold = min_decrease * min_decrease * rows
    if B == 1:  # the main fit: same iteration on 1-d arrays, several times faster
        return _iterate_one(
            G[0], diag[0], c[0], x[0], g[0], float(eta[0]), float(threshold[0]), max_iter
        )[None, :]
    active = np.ones(B, dtype=bool)
    idx = np.arange(B)
    for t in range(max_iter):
        half_grad = g - c + eta[:, None] * x
        i = np.argmin(half_grad, axis=1)  # first minimiser, as R's which.min
        # direction d = e_i - x: slope half_grad.d, curvature ||A d||^2 + eta ||d||^2
        xi = x[idx, i]
        slope = half_grad[idx, i] - (half_grad * x).sum(axis=1)
        curv = (
            diag[idx, i]
            - 2.0 * g[idx, i]
            + (x * g).sum(axis=1)
            + eta * (1.0 - 2.0 * xi + (x * x).sum(axis=1))
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.clip(-slope / curv, 0.0, 1.0)
        # x already at the vertex (d = 0, 0/0), or a finished problem: no move
        step = np.where(active & (curv > 0) & np.isfinite(step), step, 0.0)
        s = step[:, None]
        x = (1.0 - s) * x
        x[idx, i] += step
        g = (1.0 - s) * g + s * G[idx, i, :]
        # exact decrease of ||Ax - b||^2 + eta ||x||^2 along the step (R compares the
        # objective / n before and after; same quantity, scaled by n)
        decrease = -(2.0 * step * slope + step * step * curv)
        if t >= 1:
            active &= decrease > threshold
            if not active.any():
                break
    return x


def _iterate_one(
    G: np.ndarray,
    diag: np.ndarray,
    c: np.ndarray,
    x: np.ndarray,
    g: np.ndarray,
    eta: float,
    threshold: float,
    max_iter: int,
) -> np.ndarray:
    """The iteration of :func:`_fw` for a single problem (1-d arrays, Python scalars)."""
    for t in range(max_iter):
        half_grad = g - c + eta * x
        i = int(half_grad.argmin())
        xi = float(x[i])
        slope = float(half_grad[i]) - float(half_grad @ x)
        curv = (
            float(diag[i])
            - 2.0 * float(g[i])
            + float(x @ g)
            + eta * (1.0 - 2.0 * xi + float(x @ x))
        )
        if not curv > 0:  # x already at the vertex: no move
            step = 0.0
        else:
            step = min(1.0, max(0.0, -slope / curv))
        x = (1.0 - step) * x
        x[i] += step
        g = (1.0 - step) * g + step * G[i]
        if t >= 1 and -(2.0 * step * slope + step * step * curv) <= threshold:
            break
    return x


def _sparsify(v: np.ndarray) -> np.ndarray:
    """Zero weights at or below a quarter of each row's largest and renormalise (R ``synthdid``)."""
    import numpy as np

    v = np.where(v <= v.max(axis=1, keepdims=True) / 4, 0.0, v)
    return v / v.sum(axis=1, keepdims=True)


def _sum_normalize(x: np.ndarray) -> np.ndarray:
    import numpy as np

    s = x.sum()
    return x / s if s != 0 else np.full(len(x), 1.0 / len(x))


@dataclass(frozen=True)
class _Batch:
    """B problems: ``Y`` (B, N, T), controls first; ``n0`` (B,) controls; ``n`` (B,) real rows."""

    Y: np.ndarray
    n0: np.ndarray
    n: np.ndarray
    t0: int

    @property
    def masks(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        rows = np.arange(self.Y.shape[1])[None, :]
        control = rows < self.n0[:, None]
        treated = (rows >= self.n0[:, None]) & (rows < self.n[:, None])
        return control, treated


def _batch(Ys: list[np.ndarray], n0s: list[int], t0: int) -> _Batch:
    """Stack problems of different sizes: controls at the top, treated next, zeros below."""
    import numpy as np

    width = max(len(Y) for Y in Ys)
    out = np.zeros((len(Ys), width, Ys[0].shape[1]))
    for j, Y in enumerate(Ys):
        out[j, : len(Y)] = Y
    return _Batch(out, np.asarray(n0s), np.asarray([len(Y) for Y in Ys]), t0)


def _weights(
    bt: _Batch, p: _Problem, omega: np.ndarray | None, lam: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Unit (B, N) and time (B, T0) weights; ``omega``/``lam`` initialise (or fix) them."""
    import numpy as np

    Y, t0 = bt.Y, bt.t0
    B, N, _ = Y.shape
    control, treated = bt.masks
    n1 = bt.n - bt.n0
    if lam is None and not p.update_lambda:
        lam = np.zeros((B, t0)) if p.method == "sc" else np.full((B, t0), 1.0 / t0)
    if omega is None and not p.update_omega:
        omega = control / bt.n0[:, None]
    # the "collapsed" problem: post periods averaged, treated units averaged
    post_mean = Y[:, :, t0:].mean(axis=2)
    tr_pre = np.einsum("bn,bnt->bt", treated, Y[:, :, :t0]) / n1[:, None]
    ones_t = np.ones((B, t0), dtype=bool)

    def solve(A, b, rows, cols, zeta, intercept, init):
        first = _fw(
            A,
            b,
            rows,
            cols,
            zeta,
            intercept,
            init,
            p.min_decrease,
            p.max_iter_pre if p.sparsify else p.max_iter,
        )
        if not p.sparsify:
            return first
        return _fw(A, b, rows, cols, zeta, intercept, _sparsify(first), p.min_decrease, p.max_iter)

    if p.update_lambda:
        # rows: control units; columns: pre-periods; target: each control's post mean
        A = np.where(control[:, :, None], Y[:, :, :t0], 0.0)
        b = np.where(control, post_mean, 0.0)
        lam = solve(A, b, bt.n0.astype("float64"), ones_t, p.zeta_lambda, True, lam)
    if p.update_omega:
        # rows: pre-periods; columns: control units; target: the treated mean
        A = np.where(control[:, None, :], Y[:, :, :t0].transpose(0, 2, 1), 0.0)
        init = None if omega is None else np.where(control, omega, 0.0)
        omega = solve(
            A, tr_pre, np.full(B, float(t0)), control, p.zeta_omega, p.intercept_omega, init
        )
    return omega, lam


def _curves(bt: _Batch, omega: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Per-period gap ``treated mean - omega' controls`` less its lambda-weighted pre level."""
    import numpy as np

    control, treated = bt.masks
    w = treated / (bt.n - bt.n0)[:, None] - np.where(control, omega, 0.0)
    gap = np.einsum("bn,bnt->bt", w, bt.Y)
    return gap - np.einsum("bt,bt->b", gap[:, : bt.t0], lam)[:, None]


def _estimate(
    bt: _Batch, p: _Problem, omega: np.ndarray | None = None, lam: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(full gap paths (B, T), omega (B, N), lambda (B, T0)); the ATT is the post-period mean."""
    omega, lam = _weights(bt, p, omega, lam)
    return _curves(bt, omega, lam), omega, lam


# --------------------------------------------------------------------------- variance


#: Replications per task of the placebo and bootstrap (a fixed split, so the draws and
#: their grouping, hence the numbers, do not depend on n_jobs or the scheduler).
REPLICATIONS_PER_TASK = 50


def _replicate(Y, t0, p, omega, lam, draws):
    """Post-period gap paths of ``draws``: ``(rows, n0)`` pairs, rows of ``Y`` with the
    ``n0`` controls first; the weights start from ``omega`` renormalised, ``lam`` fixed.

    Each problem of the batch iterates on its own (a finished one no longer moves),
    so a replication's path does not depend on which others share its batch.
    """
    import numpy as np

    bt = _batch([Y[rows] for rows, _ in draws], [k0 for _, k0 in draws], t0)
    init = np.zeros((len(draws), bt.Y.shape[1]))
    for j, (rows, k0) in enumerate(draws):
        init[j, :k0] = _sum_normalize(omega[rows[:k0]])
    curves, _, _ = _estimate(bt, p, init, np.tile(lam, (len(draws), 1)))
    return curves[:, t0:]


def _replicate_all(Y, t0, p, omega, lam, draws, n_jobs):
    """:func:`_replicate` in tasks of about :data:`REPLICATIONS_PER_TASK` draws (at least 2)."""
    import numpy as np

    from ...parallel import parallel_map

    k = -(-len(draws) // REPLICATIONS_PER_TASK)
    bounds = np.linspace(0, len(draws), k + 1).round().astype(int)
    tasks = [(Y, t0, p, omega, lam, draws[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return np.vstack(parallel_map(_replicate, tasks, n_jobs))


def _placebo(Y, n0, t0, p, omega, lam, reps, rng, n_jobs=1):
    """Algorithm 4: the last N1 of a random permutation of the controls play the treated."""
    m = n0 - (Y.shape[0] - n0)
    # drawn here, in order, from one generator (the permutations of synthdid-py's seed)
    draws = [(rng.permutation(n0), m) for _ in range(reps)]
    return _replicate_all(Y, t0, p, omega[:n0], lam, draws, n_jobs)


def _jackknife(Y, n0, t0, omega, lam):
    """Algorithm 3: leave one unit out, weights fixed (the controls' omega renormalised)."""
    import numpy as np

    n = Y.shape[0]
    out = np.empty((n, Y.shape[1] - t0))
    for i in range(n):
        keep = np.delete(np.arange(n), i)
        k0 = n0 - int(i < n0)
        w = np.zeros(n - 1)
        w[:k0] = omega[keep[:k0]] / omega[keep[:k0]].sum()
        bt = _batch([Y[keep]], [k0], t0)
        out[i] = _curves(bt, w[None, :], lam[None, :])[0, t0:]
    return out


def _bootstrap(Y, n0, t0, p, omega, lam, reps, rng, n_jobs=1):
    """Algorithm 2: resample units with replacement; redraw samples lacking either group."""
    import numpy as np

    n = Y.shape[0]
    draws = []
    while len(draws) < reps:
        ind = np.sort(rng.integers(0, n, size=n))
        k0 = int((ind < n0).sum())
        if 0 < k0 < n:
            draws.append((ind, k0))
    return _replicate_all(Y, t0, p, omega, lam, draws, n_jobs)


def _se(draws: np.ndarray, kind: str) -> np.ndarray:
    """Standard error of each column of the replicate matrix (R ``synthdid``'s scaling)."""
    import numpy as np

    m = draws.shape[0]
    if kind == "jackknife":
        return np.sqrt((m - 1) / m * ((draws - draws.mean(axis=0)) ** 2).sum(axis=0))
    return np.sqrt((m - 1) / m) * draws.std(axis=0, ddof=1)


# --------------------------------------------------------------------------- results


class SyntheticDiDResults(PathResults):
    """Results of :class:`SyntheticDiD`.

    ``params["att"]`` is the average treatment effect on the treated over the
    post-treatment periods, with the standard error of the chosen method
    (``cov_type``) and normal intervals as in the paper. ``effects`` holds,
    for every period, the treated mean (``actual``), the SDID counterfactual
    (``omega``-weighted controls shifted by the ``lambda``-weighted
    pre-period gap), their difference (``effect``, post-treatment only) and a
    pointwise interval from the same replications. ``unit_weights`` and
    ``time_weights`` are Series; ``replications`` the replicate effect paths.
    """

    def __init__(
        self,
        *,
        unit_weights: pd.Series,
        time_weights: pd.Series,
        gaps: pd.Series,
        replications: pd.DataFrame | None,
        se_method: str,
        method: str,
        **kwargs: Any,
    ) -> None:
        self._unit_weights = unit_weights.copy()
        self._time_weights = time_weights.copy()
        self._gaps = gaps.copy()
        self._replications = None if replications is None else replications.copy()
        self._se_method = se_method
        self._method = method
        super().__init__(**kwargs)

    @property
    def unit_weights(self) -> pd.Series:
        """Control-unit weights ``omega`` (non-negative, summing to one)."""
        return self._unit_weights.copy()

    @property
    def time_weights(self) -> pd.Series:
        """Pre-period weights ``lambda`` (summing to one; all zero for ``method='sc'``)."""
        return self._time_weights.copy()

    @property
    def gaps(self) -> pd.Series:
        """Treated mean minus the counterfactual in every period (pre-period gaps show the fit)."""
        return self._gaps.copy()

    @property
    def method(self) -> str:
        """``"sdid"``, ``"sc"`` or ``"did"``."""
        return self._method

    @property
    def replications(self) -> pd.DataFrame | None:
        """Replicate post-period effect paths of the placebo, jackknife or bootstrap.

        None when fitted with ``se='none'``.
        """
        return None if self._replications is None else self._replications.copy()

    def _cumulative_interval(
        self, positions: np.ndarray, weights: np.ndarray, alpha: float
    ) -> tuple[float, float, float, str]:
        import numpy as np
        from scipy import stats

        est = float(self._effects["effect"].to_numpy()[positions] @ weights)
        if self._replications is None:
            return est, np.nan, np.nan, "point estimate only (se='none')"
        cols = [self._effects.index[i] for i in positions]
        draws = self._replications[cols].to_numpy() @ weights
        se = float(_se(draws[:, None], self._se_method)[0])
        q = stats.norm.ppf(1 - alpha / 2)
        return est, est - q * se, est + q * se, f"normal, {self._se_method} standard error"

    def cumulative_effect(
        self, start: Any = None, end: Any = None, alpha: float | None = None
    ) -> Any:
        """Barrels over a window (monthly dates and a flow unit such as kb/d only).

        The interval uses the standard deviation of the same weighted sum
        across the placebo (jackknife, bootstrap) replications.
        """
        import pandas as pd

        if not isinstance(self._effects.index, pd.DatetimeIndex):
            raise ModelSpecificationError(
                "cumulative_effect counts barrels per day of each month, so it needs monthly "
                f"dates as the time column; this fit's periods are {self._effects.index.dtype} "
                "(e.g. years). Use effects or params['att'] instead"
            )
        if self._unit not in BARRELS_PER_UNIT_DAY:
            raise ModelSpecificationError(
                f"cumulative_effect needs a flow unit ({', '.join(BARRELS_PER_UNIT_DAY)}); the "
                f"outcome's unit is {self._unit!r}. Pass outcome_unit='kb/d' to SyntheticDiD"
            )
        return super().cumulative_effect(start, end, alpha)

    def _summary_tables(self, alpha: float) -> list[tuple[str, pd.DataFrame]]:
        tables = super()._summary_tables(alpha)
        w = self._unit_weights[self._unit_weights > 5e-4].sort_values(ascending=False)
        lam = self._time_weights[self._time_weights > 5e-4]
        tables.append(("Unit weights (> 0.0005)", w.to_frame("omega")))
        if len(lam):
            tables.append(("Time weights (> 0.0005)", lam.to_frame("lambda")))
        return tables

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["method"] = self._method
        out["unit_weights"] = jsonable(self._unit_weights)
        out["time_weights"] = jsonable(self._time_weights)
        return out


# --------------------------------------------------------------------------- model


class SyntheticDiD:
    """Synthetic difference-in-differences for one adoption date (Arkhangelsky et al. 2021).

    Parameters
    ----------
    data : DataFrame
        Balanced long panel, one row per unit and period.
    outcome, unit, time : str
        Column names. ``time`` holds integer periods (years) or dates.
    treated : str, label or sequence of labels
        Either the name of a 0/1 column (1 for treated units from adoption on,
        as R ``synthdid::panel.matrices`` expects) or the treated unit(s).
    treatment_time : period, optional
        First treated period. Required when ``treated`` names units; with an
        indicator column it is read from the data (and checked if given).
    method : {"sdid", "sc", "did"}, default "sdid"
        Synthetic DiD, or the paper's synthetic-control and DiD special cases.
    se : {"placebo", "jackknife", "bootstrap", "none"}, default "placebo"
        Standard-error method (paper's Algorithms 4, 3, 2). The jackknife and
        bootstrap need at least two treated units; the placebo needs more
        controls than treated units.
    replications : int, default 200
        Placebo or bootstrap replications (R's default).
    seed : int, default 0
        Seed of the replications (:func:`numpy.random.default_rng`).
    alpha : float, default 0.05
        Level of the pointwise intervals in ``effects``.
    options : SDIDOptions, optional
        Regularisation and solver settings (R ``synthdid`` defaults).
    outcome_unit : str, optional
        Unit of the outcome, e.g. ``"kb/d"`` (for ``cumulative_effect``).

    Notes
    -----
    R: ``synthdid_estimate(Y, N0, T0)``, ``sc_estimate``, ``did_estimate`` and
    ``vcov(est, method = "placebo")``. Point estimates match R ``synthdid`` on
    California Proposition 99 to 1e-3 (``tests/test_models_sdid.py``).

    Examples
    --------
    >>> res = SyntheticDiD(prop99, outcome="PacksPerCapita", unit="State", time="Year",
    ...                    treated="treated").fit()  # doctest: +SKIP
    >>> res.params["att"]  # doctest: +SKIP
    -15.60...
    """

    _label = {
        "sdid": "Synthetic DiD",
        "sc": "Synthetic control (SDID special case)",
        "did": "Difference-in-differences (SDID special case)",
    }

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        outcome: str,
        unit: str,
        time: str,
        treated: Any,
        treatment_time: Any = None,
        method: str = "sdid",
        se: str = "placebo",
        replications: int = 200,
        seed: int = 0,
        alpha: float = 0.05,
        options: SDIDOptions | None = None,
        outcome_unit: str | None = None,
    ) -> None:
        import numpy as np

        name = "SyntheticDiD"
        if method not in METHODS:
            raise ModelSpecificationError(
                f"{name}: method must be one of {METHODS}, got {method!r}"
            )
        if se not in SE_METHODS:
            raise ModelSpecificationError(f"{name}: se must be one of {SE_METHODS}, got {se!r}")
        if (
            isinstance(replications, bool)
            or not isinstance(replications, int | np.integer)
            or replications < 2
        ):
            raise ModelSpecificationError(
                f"{name}: replications must be an int >= 2, got {replications!r}"
            )
        if options is not None and not isinstance(options, SDIDOptions):
            raise ModelSpecificationError(
                f"{name}: options must be an SDIDOptions, got {type(options).__name__}"
            )
        self.outcome, self.unit, self.time = outcome, unit, time
        check_bound(replications, "replications", name)
        self.method, self.se, self.replications, self.seed = (
            method,
            se,
            int(replications),
            int(seed),
        )
        self.alpha = check_alpha(alpha)
        self.options = options or SDIDOptions()
        self.outcome_unit = outcome_unit
        self._prepare(data, treated, treatment_time)

    # --- inputs --------------------------------------------------------------------------
    def _prepare(self, data: Any, treated: Any, treatment_time: Any) -> None:
        import numpy as np
        import pandas as pd

        name = "SyntheticDiD"
        if not isinstance(data, pd.DataFrame):
            raise ModelSpecificationError(
                f"{name}: data must be a long pandas DataFrame, got {type(data).__name__}"
            )
        column = isinstance(treated, str) and treated in data.columns
        extra = [treated] if column else []
        for c in (self.unit, self.time, self.outcome, *extra):
            if c not in data.columns:
                raise ModelSpecificationError(
                    f"{name}: column {c!r} not in data "
                    f"(columns: {', '.join(map(str, data.columns[:12]))})"
                )
        # panel_frame wants integer periods: code dates as positions and map back afterwards.
        work = data
        dates = pd.api.types.is_datetime64_any_dtype(data[self.time])
        if dates:
            if data[self.time].isna().any():
                raise ModelSpecificationError(
                    f"{name}: time column {self.time!r} has missing dates"
                )
            periods = np.sort(data[self.time].unique())
            work = data.copy()
            work[self.time] = np.searchsorted(periods, data[self.time].to_numpy())
        frame, provenance = panel_frame(
            work, outcome=self.outcome, entity=self.unit, time=self.time, columns=extra, model=name
        )
        times = np.sort(frame[self.time].unique())
        labels = list(periods) if dates else [int(t) for t in times]
        wide = frame.pivot(index=self.unit, columns=self.time, values=self.outcome)
        missing = wide.isna().sum(axis=1)
        if missing.any():
            short = missing[missing > 0]
            raise UnbalancedPanelError(
                f"{name}: SDID needs a balanced panel, but {len(short)} of {len(wide)} units lack "
                f"some of the {len(times)} periods (e.g. {', '.join(map(str, short.index[:5]))}, "
                f"{int(short.iloc[0])} missing). Restrict the sample to periods every unit has, "
                "or drop those units"
            )
        units = list(wide.index)
        if column:
            d = pd.to_numeric(frame[extra[0]], errors="coerce")
            if not d.isin([0, 1]).all():
                raise ModelSpecificationError(
                    f"{name}: treatment column {treated!r} must hold 0 or 1"
                )
            W = frame.assign(_d=d).pivot(index=self.unit, columns=self.time, values="_d").to_numpy()
            ever = W.any(axis=1)
            if not ever.any():
                raise ModelSpecificationError(
                    f"{name}: treatment column {treated!r} is 0 everywhere"
                )
            first = {int(np.argmax(row)) for row in W[ever]}
            if len(first) > 1:
                raise ModelSpecificationError(
                    f"{name}: treated units adopt at different periods "
                    f"({', '.join(str(labels[i]) for i in sorted(first))}); SDID here needs one "
                    "adoption date. Fit each adoption cohort separately"
                )
            t0 = first.pop()
            if not (W[ever][:, t0:] == 1).all():
                raise ModelSpecificationError(
                    f"{name}: treatment in {treated!r} switches off after adoption for some unit; "
                    "SDID needs treatment to stay on"
                )
            tr_units = [u for u, e in zip(units, ever, strict=True) if e]
            if treatment_time is not None and self._position(treatment_time, labels) != t0:
                raise ModelSpecificationError(
                    f"{name}: treatment_time {treatment_time!r} disagrees with column {treated!r}, "
                    f"which starts in {labels[t0]}"
                )
        else:
            tr_units = (
                list(treated)
                if isinstance(treated, list | tuple | set | pd.Index | np.ndarray)
                else [treated]
            )
            unknown = [u for u in tr_units if u not in set(units)]
            if unknown:
                raise ModelSpecificationError(
                    f"{name}: treated unit(s) {unknown} not in {self.unit!r} "
                    f"(e.g. {', '.join(map(str, units[:6]))}); "
                    "or pass the name of a 0/1 treatment column"
                )
            if treatment_time is None:
                raise ModelSpecificationError(
                    f"{name}: treatment_time is required when treated names units"
                )
            t0 = self._position(treatment_time, labels)
        if t0 < 2:
            raise InsufficientDataError(
                f"{name}: treatment starts in {labels[t0]}, leaving {t0} pre-treatment period(s); "
                "SDID needs at least two (the noise level uses first differences before treatment)"
            )
        controls = [u for u in units if u not in set(tr_units)]
        if len(controls) < 2:
            raise InsufficientDataError(
                f"{name}: {len(controls)} control unit(s); at least two are needed"
            )
        if self.se == "placebo" and len(controls) <= len(tr_units):
            raise InsufficientDataError(
                f"{name}: the placebo standard error needs more controls ({len(controls)}) than "
                f"treated units ({len(tr_units)}); use se='jackknife' or se='bootstrap'"
            )
        if self.se in ("jackknife", "bootstrap") and len(tr_units) < 2:
            raise InsufficientDataError(
                f"{name}: se={self.se!r} needs at least two treated units (one is treated here); "
                "the paper's placebo method (se='placebo') works with one"
            )
        order = controls + [u for u in units if u in set(tr_units)]
        self._Y = wide.loc[order].to_numpy(dtype="float64")
        self._n0, self._t0 = len(controls), t0
        self._controls, self._treated_units = controls, order[len(controls) :]
        self._labels = labels
        self._dates = dates
        self.treatment_time = labels[t0]
        self._provenance = provenance

    def _position(self, value: Any, labels: list) -> int:
        import pandas as pd

        try:
            key = pd.Timestamp(value) if self._is_dates(labels) else int(value)
        except (TypeError, ValueError):
            raise ModelSpecificationError(
                f"SyntheticDiD: cannot read treatment_time {value!r} as a period"
            ) from None
        keys = [pd.Timestamp(x) for x in labels] if self._is_dates(labels) else labels
        if key not in keys:
            raise ModelSpecificationError(
                f"SyntheticDiD: treatment_time {value!r} is not a period of the data "
                f"({labels[0]} to {labels[-1]})"
            )
        return keys.index(key)

    @staticmethod
    def _is_dates(labels: list) -> bool:
        return not isinstance(labels[0], int)

    def _problem(self) -> tuple[_Problem, float]:
        import numpy as np

        Y, n0, t0 = self._Y, self._n0, self._t0
        n1, t1 = Y.shape[0] - n0, Y.shape[1] - t0
        sigma = float(np.diff(Y[:n0, :t0], axis=1).std(ddof=1))
        o = self.options
        eta_omega = (
            o.eta_omega
            if o.eta_omega is not None
            else (1e-6 if self.method == "sc" else (n1 * t1) ** 0.25)
        )
        min_dec = o.min_decrease if o.min_decrease is not None else 1e-5 * sigma
        p = _Problem(
            self.method,
            eta_omega * sigma,
            o.eta_lambda * sigma,
            min_dec,
            o.max_iter,
            o.max_iter_pre_sparsify,
            o.sparsify,
        )
        return p, sigma

    def _options(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "unit": self.unit,
            "time": self.time,
            "treated": [jsonable(u) for u in self._treated_units],
            "treatment_time": jsonable(self.treatment_time),
            "method": self.method,
            "se": self.se,
            "replications": self.replications,
            "alpha": self.alpha,
            "solver": {k: getattr(self.options, k) for k in self.options.__dataclass_fields__},
        }

    # --- fit -------------------------------------------------------------------------------
    def fit(self, *, n_jobs: int = 1) -> SyntheticDiDResults:
        """Estimate the weights, the ATT and its standard error.

        Parameters
        ----------
        n_jobs : int, default 1
            Parallel jobs for the placebo or bootstrap replications
            (:func:`venecon.parallel.parallel_map`; a :func:`venecon.parallel.compute`
            block sends them to Dask). The draws are made here from ``seed`` and
            split into fixed tasks, so the result does not depend on it.
        """
        import numpy as np
        import pandas as pd
        from scipy import stats

        Y, n0, t0 = self._Y, self._n0, self._t0
        p, sigma = self._problem()
        paths, omega_b, lam_b = _estimate(_batch([Y], [n0], t0), p)
        gaps, omega, lam = paths[0], omega_b[0, :n0], lam_b[0]
        att = float(gaps[t0:].mean())
        rng = np.random.default_rng(self.seed)
        if self.se == "placebo":
            draws = _placebo(Y, n0, t0, p, omega, lam, self.replications, rng, n_jobs)
        elif self.se == "bootstrap":
            draws = _bootstrap(Y, n0, t0, p, omega, lam, self.replications, rng, n_jobs)
        elif self.se == "jackknife":
            if (omega > 0).sum() == 1 and self.method != "did":
                raise InsufficientDataError(
                    "SyntheticDiD: the fixed-weight jackknife is undefined when one control "
                    "carries "
                    "all the weight; use se='placebo' or se='bootstrap'"
                )
            draws = _jackknife(Y, n0, t0, omega, lam)
        else:
            draws = None
        kind = self.se
        post = self._labels[t0:]
        if draws is not None:
            se_att = float(_se(draws.mean(axis=1)[:, None], kind)[0])
            se_path = _se(draws, kind)
            reps = pd.DataFrame(draws, columns=pd.Index(post, name=self.time))
        else:
            se_att, se_path, reps = np.nan, np.full(len(post), np.nan), None
        q = stats.norm.ppf(1 - self.alpha / 2)
        index = pd.Index(self._labels, name=self.time)
        actual = Y[n0:].mean(axis=0)
        effect = np.where(np.arange(len(index)) >= t0, gaps, np.nan)
        band = np.concatenate([np.full(t0, np.nan), q * se_path])
        effects = pd.DataFrame(
            {
                "actual": actual,
                "counterfactual": actual - gaps,
                "effect": effect,
                "effect_lower": effect - band,
                "effect_upper": effect + band,
            },
            index=index,
        )
        events = pd.DataFrame(
            {"date": [self.treatment_time], "period": [self.treatment_time]},
            index=pd.Index(["treatment"], name="event"),
        )
        label = {
            "placebo": "placebo (Algorithm 4)",
            "jackknife": "fixed-weight jackknife (Algorithm 3)",
            "bootstrap": "unit bootstrap (Algorithm 2)",
            "none": "none",
        }[kind]
        if draws is not None and kind != "jackknife":
            label += f", {self.replications} replications, seed {self.seed}"
        omega_s = pd.Series(omega, index=pd.Index(self._controls, name=self.unit), name="omega")
        lam_s = pd.Series(lam, index=pd.Index(self._labels[:t0], name=self.time), name="lambda")
        provenance = build_provenance(
            model="venecon.models.SyntheticDiD",
            data=self._provenance,
            sample=None,
            options=self._options(),
            seed=self.seed if kind in ("placebo", "bootstrap") else None,
        )
        n1 = Y.shape[0] - n0
        header = [
            (
                "Treated units",
                ", ".join(map(str, self._treated_units[:5])) + (" ..." if n1 > 5 else ""),
            ),
            ("Treatment", str(self.treatment_time)),
            ("N0 / N1 / T0 / T1", f"{n0} / {n1} / {t0} / {Y.shape[1] - t0}"),
            ("Effective controls", f"{1 / float(omega @ omega):.2f}"),
        ]
        notes = [
            f"Noise level sigma = {sigma:.6g} (sd of first differences of control outcomes "
            f"before treatment); zeta_omega = {p.zeta_omega:.6g}, "
            f"zeta_lambda = {p.zeta_lambda:.3g}.",
            "Counterfactual = omega-weighted controls shifted by the lambda-weighted pre-period "
            "gap; intervals are normal with the replication standard error.",
            "Arkhangelsky, Athey, Hirshberg, Imbens and Wager (2021), AER 111(12).",
        ]
        return SyntheticDiDResults(
            unit_weights=omega_s,
            time_weights=lam_s,
            gaps=pd.Series(gaps, index=index, name="gap"),
            replications=reps,
            se_method=kind,
            method=self.method,
            actual=pd.Series(actual, index=index, name=self.outcome),
            effects=effects,
            events=events,
            unit=self.outcome_unit,
            alpha=self.alpha,
            model=self._label[self.method],
            dependent=self.outcome,
            params=pd.Series([att], index=["att"]),
            std_errors=pd.Series([se_att], index=["att"]),
            cov=pd.DataFrame([[se_att**2]], index=["att"], columns=["att"]),
            nobs=int(Y.size),
            df_resid=None,
            cov_type=label,
            provenance=provenance,
            header=header,
            notes=notes,
            statistics={
                "noise_level": sigma,
                "zeta_omega": p.zeta_omega,
                "zeta_lambda": p.zeta_lambda,
                "n_control": n0,
                "n_treated": n1,
                "pre_periods": t0,
                "post_periods": int(Y.shape[1] - t0),
            },
        )
