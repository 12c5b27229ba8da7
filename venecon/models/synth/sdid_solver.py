"""Frank-Wolfe weights and replications of synthetic difference-in-differences.

The computations behind :class:`venecon.models.SyntheticDiD`: the unit and
time weights of Arkhangelsky, Athey, Hirshberg, Imbens and Wager (2021) found
as R ``synthdid`` finds them (Frank-Wolfe with exact line search, its stopping
rule and "sparsify" second round), the per-period effect paths, and the
placebo (Algorithm 4), fixed-weight jackknife (Algorithm 3) and unit
bootstrap (Algorithm 2) replications. Problems are solved in batches so that
replications share the per-iteration work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError
from .sdid_blocks import in_blocks

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Batch",
    "GramRows",
    "Problem",
    "SDIDOptions",
    "blocked_value",
    "bootstrap_draws",
    "bootstrap_samples",
    "curves",
    "estimate",
    "frank_wolfe",
    "frank_wolfe_gram",
    "jackknife_draws",
    "jackknife_rows",
    "make_problem",
    "placebo_draws",
    "problem_from_sigma",
    "replicate_se",
    "sample_paths",
    "solve_weights",
    "sparsify",
    "stack",
    "subset_problem",
    "sum_normalize",
]


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
class Problem:
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


def make_problem(
    Y: np.ndarray, n0: int, t0: int, method: str, options: SDIDOptions
) -> tuple[Problem, float]:
    """The regularisation and stopping rule of R ``synthdid`` for one panel, and sigma.

    ``Y`` has the ``n0`` controls first and the ``t0`` pre-periods first; sigma
    is the standard deviation of the controls' first differences before
    treatment (R's ``noise.level``).
    """
    import numpy as np

    n1, t1 = Y.shape[0] - n0, Y.shape[1] - t0
    sigma = float(np.diff(Y[:n0, :t0], axis=1).std(ddof=1))
    return problem_from_sigma(sigma, n1, t1, method, options), sigma


def problem_from_sigma(
    sigma: Any, n1: int, t1: int, method: str, options: SDIDOptions
) -> Problem:
    """:class:`Problem` for noise level(s) ``sigma`` (a float, or one per problem of a batch),
    ``n1`` treated units and ``t1`` post-periods."""
    import numpy as np

    o = options
    sigma = sigma if np.ndim(sigma) == 0 else np.asarray(sigma, dtype="float64")
    eta_omega = (
        o.eta_omega
        if o.eta_omega is not None
        else (1e-6 if method == "sc" else (n1 * t1) ** 0.25)
    )
    min_dec = o.min_decrease if o.min_decrease is not None else 1e-5 * sigma
    return Problem(
        method,
        eta_omega * sigma,
        o.eta_lambda * sigma,
        min_dec,
        o.max_iter,
        o.max_iter_pre_sparsify,
        o.sparsify,
    )


# --------------------------------------------------------------------------- solver

#: Iterations between exact recomputations of the solver's running dot products.
REFRESH = 16
#: Smallest scale of the solver's scaled running weights and gradient before it folds the
#: scale back in (bounds the scaled gradient at 1e20 times the real one).
MIN_SCALE = 1e-20
#: Memory for the Gram matrices of one batch of weight problems.
GRAM_BYTES = 256 * 2**20
#
# The solver works on a batch of B independent problems at once (the placebo and
# bootstrap replications), because Frank-Wolfe needs thousands of cheap iterations and
# Python's per-iteration overhead would otherwise dominate. Problems of different size
# (bootstrap draws) are padded: padded rows are zero and padded columns are never chosen.


class GramRows:
    """Rows of ``M'M`` for a (n, K) matrix ``M``, computed on first use and kept."""

    def __init__(self, M: np.ndarray) -> None:
        import numpy as np

        self._M = np.ascontiguousarray(M)
        self._slot = np.full(M.shape[1], -1, dtype=np.int64)
        self._rows = np.empty((min(64, M.shape[1]), M.shape[1]))
        self._used = 0
        self._out = np.empty((0, M.shape[1]))

    def __call__(self, i: np.ndarray, which: np.ndarray) -> np.ndarray:
        """Rows ``i`` (one per problem; ``which`` is unused: the matrix is shared).

        The result is a view of a buffer reused by the next call (large arrays allocated
        afresh in every iteration would cost more than the arithmetic).
        """
        import numpy as np

        slots = self._slot[i]
        missing = slots < 0
        if np.count_nonzero(missing):
            new = np.unique(i[missing])
            need = self._used + len(new)
            if need > len(self._rows):
                grown = np.empty((max(need, 2 * len(self._rows)), self._rows.shape[1]))
                grown[: self._used] = self._rows[: self._used]
                self._rows = grown
            self._rows[self._used : need] = (self._M.T @ self._M[:, new]).T
            self._slot[new] = np.arange(self._used, need)
            self._used = need
            slots = self._slot[i]
        if len(self._out) < len(i):
            self._out = np.empty((len(i), self._rows.shape[1]))
        out = self._out[: len(i)]
        np.take(self._rows, slots, axis=0, out=out, mode="clip")  # "raise" would buffer
        return out


def blocked_value(c: np.ndarray, diag: np.ndarray, eta: Any) -> float:
    """``-c`` for columns Frank-Wolfe must never pick: 1e30 times any gradient the real
    columns can have (``|A'A x|_i <= max diag``), so it holds at every scale of the data
    while the scaled running gradient (``MIN_SCALE``) stays finite."""
    import numpy as np

    return 1e30 * (1.0 + float(np.max(np.abs(c))) + float(np.max(diag)) + float(np.max(eta)))


def frank_wolfe(
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
    if B == 1 and 8 * k * k > GRAM_BYTES:
        # one problem too wide for its Gram matrix: build the rows the iterations visit
        G = GramRows(A[0])
        diag = np.einsum("nk,nk->k", A[0], A[0])[None, :]
        g = ((A[0] @ x[0]) @ A[0])[None, :]
    else:
        G = A.transpose(0, 2, 1) @ A
        diag = np.einsum("bii->bi", G)
        g = (G @ x[:, :, None])[:, :, 0]  # A'A x, updated along the iterations
    # blocked (padded) columns get a huge gradient so argmin never picks them
    c = (b[:, None, :] @ A)[:, 0, :]
    c = np.where(cols, c, -blocked_value(c, diag, eta))
    threshold = min_decrease * min_decrease * rows
    return frank_wolfe_gram(G, diag, c, x, g, eta, threshold, max_iter)


def frank_wolfe_gram(
    G: Any,
    diag: np.ndarray,
    c: np.ndarray,
    x: np.ndarray,
    g: np.ndarray,
    eta: np.ndarray,
    threshold: np.ndarray,
    max_iter: int,
) -> np.ndarray:
    """The iterations of :func:`frank_wolfe` on the problems' Gram matrices ``A'A``.

    ``G`` is either the (B, k, k) Gram matrices or a function ``G(i, which)`` giving row
    ``i[j]`` of problem ``which[j]``'s Gram matrix as a (len(which), k) array (so a
    solver can build only the rows the iterations visit). ``diag`` (B, k) is their
    diagonal, ``c = A'b`` (blocked columns at ``-blocked_value``), ``x`` the start, ``g = A'A x``,
    ``eta = n zeta^2`` and ``threshold = n min_decrease^2`` per problem.

    Each iteration costs a few passes over a (B, k) array: the half gradient
    ``h = g - c + eta x`` is carried along instead of ``g``, and problems that have
    stopped are dropped from the batch once they are half of it.
    """
    import numpy as np

    B = len(x)
    eta = np.broadcast_to(np.asarray(eta, dtype="float64"), (B,)).copy()
    threshold = np.broadcast_to(np.asarray(threshold, dtype="float64"), (B,)).copy()
    row = G if callable(G) else (lambda i, which: G[which, i, :])
    if B == 1 and not callable(G):  # the main fit: the iteration on 1-d arrays
        return iterate_one(
            G[0], diag[0], c[0], x[0], g[0], float(eta[0]), float(threshold[0]), max_iter
        )[None, :]
    out = x.astype("float64").copy()
    which = np.arange(B)  # original problem of each row still iterating
    # contiguous: entries (b, i) are read through flat indices below
    diag, c = np.ascontiguousarray(diag, dtype="float64"), np.ascontiguousarray(c, dtype="float64")
    # x = xs * xr and h = hs * hr with per-problem scales: the (1 - s) shrink of a step
    # then costs O(1) instead of a pass over the array
    xr, xs = out.copy(), np.ones(B)
    hr, hs = np.ascontiguousarray(g - c + eta[:, None] * out), np.ones(B)
    hx = cx = xx = None
    # The loop is bound by numpy's per-call overhead (B x k is small): entries (b, i) are
    # read through flat indices, and the full-step branches run only when a step is full.
    k = hr.shape[1]
    base = np.arange(B) * k
    flat_xr, flat_hr = xr.reshape(-1), hr.reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore"):  # x already at the vertex: 0/0
        for t in range(max_iter):
            i = hr.argmin(axis=1)  # first minimiser, as R's which.min
            at = base + i
            # direction d = e_i - x: slope h.d, curvature ||A d||^2 + eta ||d||^2
            xi = xs * flat_xr.take(at)
            hi = hs * flat_hr.take(at)
            ci = c.take(at)
            if t % REFRESH == 0:
                # h.x, c.x and x.x follow exact one-step updates below; recomputing them
                # every REFRESH iterations keeps their rounding at the level of a fresh
                # dot product
                x = xs[:, None] * xr
                hx = hs * np.einsum("bk,bk->b", hr, x)
                cx = np.einsum("bk,bk->b", c, x)
                xx = np.einsum("bk,bk->b", x, x)
            eta_xi = eta * xi
            gi = hi + ci - eta_xi  # (A'A x)_i
            xg = hx + cx - eta * xx  # x'A'A x
            slope = hi - hx
            gii = diag.take(at)
            curv = gii - 2.0 * gi + xg + eta * (1.0 - 2.0 * xi + xx)
            step = (-slope / curv).clip(0.0, 1.0)
            # x already at the vertex (d = 0, 0/0): no move
            step = np.where((curv > 0) & np.isfinite(step), step, 0.0)
            keep = 1.0 - step
            whole = keep == 0.0  # a full step: x becomes the vertex, h its gradient
            any_whole = np.count_nonzero(whole) > 0  # any(): a tenth of the call cost
            col = row(i, which)
            col -= c
            # x <- (1 - s) x + s e_i;  h <- (1 - s) h + s v with v = G_i - c + eta e_i
            if any_whole:
                xs = np.where(whole, 1.0, xs * keep)
                xr[whole] = 0.0
                hs = np.where(whole, 1.0, hs * keep)
                hr[whole] = col[whole]
                col *= np.where(whole, 0.0, step / hs)[:, None]
            else:
                xs = xs * keep
                hs = hs * keep
                col *= (step / hs)[:, None]
            flat_xr[at] += step / xs
            hr += col
            flat_hr[at] += step * eta / hs
            small = (xs < MIN_SCALE) | (hs < MIN_SCALE)
            if np.count_nonzero(small):
                xr[small] *= xs[small, None]
                hr[small] *= hs[small, None]
                xs[small], hs[small] = 1.0, 1.0
            # the same step for the dot products (v.x = g_i - c.x + eta x_i, v_i = G_ii - c_i + eta)
            kk, ss = keep * keep, step * step
            hx = kk * hx + step * keep * (hi + gi - cx + eta_xi) + ss * (gii - ci + eta)
            cx = keep * cx + step * ci
            xx = kk * xx + 2.0 * step * keep * xi + ss
            # exact decrease of ||Ax - b||^2 + eta ||x||^2 along the step (R compares the
            # objective / n before and after; same quantity, scaled by n)
            decrease = -(2.0 * step * slope + ss * curv)
            if t >= 1:
                going = decrease > threshold
                n_going = np.count_nonzero(going)
                if n_going < len(going):
                    out[which[~going]] = xs[~going, None] * xr[~going]
                    if not n_going:
                        return out
                    xr, xs, hr, hs = xr[going], xs[going], hr[going], hs[going]
                    c, diag = c[going], diag[going]
                    eta, threshold, which = eta[going], threshold[going], which[going]
                    hx, cx, xx = hx[going], cx[going], xx[going]
                    base = np.arange(len(which)) * k
                    flat_xr, flat_hr = xr.reshape(-1), hr.reshape(-1)
    out[which] = xs[:, None] * xr
    return out


def iterate_one(
    G: np.ndarray,
    diag: np.ndarray,
    c: np.ndarray,
    x: np.ndarray,
    g: np.ndarray,
    eta: float,
    threshold: float,
    max_iter: int,
) -> np.ndarray:
    """The iteration of :func:`frank_wolfe` for a single problem (1-d arrays, Python scalars)."""
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


def sparsify(v: np.ndarray) -> np.ndarray:
    """Zero weights at or below a quarter of each row's largest and renormalise (R ``synthdid``)."""
    import numpy as np

    v = np.where(v <= v.max(axis=1, keepdims=True) / 4, 0.0, v)
    return v / v.sum(axis=1, keepdims=True)


def sum_normalize(x: np.ndarray) -> np.ndarray:
    import numpy as np

    s = x.sum()
    return x / s if s != 0 else np.full(len(x), 1.0 / len(x))


@dataclass(frozen=True)
class Batch:
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


def stack(Ys: list[np.ndarray], n0s: list[int], t0: int) -> Batch:
    """Stack problems of different sizes: controls at the top, treated next, zeros below."""
    import numpy as np

    width = max(len(Y) for Y in Ys)
    out = np.zeros((len(Ys), width, Ys[0].shape[1]))
    for j, Y in enumerate(Ys):
        out[j, : len(Y)] = Y
    return Batch(out, np.asarray(n0s), np.asarray([len(Y) for Y in Ys]), t0)


def solve_weights(
    bt: Batch, p: Problem, omega: np.ndarray | None, lam: np.ndarray | None
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
        first = frank_wolfe(
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
        return frank_wolfe(
            A, b, rows, cols, zeta, intercept, sparsify(first), p.min_decrease, p.max_iter
        )

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


def curves(bt: Batch, omega: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Per-period gap ``treated mean - omega' controls`` less its lambda-weighted pre level."""
    import numpy as np

    control, treated = bt.masks
    w = treated / (bt.n - bt.n0)[:, None] - np.where(control, omega, 0.0)
    gap = np.einsum("bn,bnt->bt", w, bt.Y)
    return gap - np.einsum("bt,bt->b", gap[:, : bt.t0], lam)[:, None]


def estimate(
    bt: Batch, p: Problem, omega: np.ndarray | None = None, lam: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(full gap paths (B, T), omega (B, N), lambda (B, T0)); the ATT is the post-period mean.

    Large batches are solved in chunks so that the problems' Gram matrices (B, N, N)
    stay within ``GRAM_BYTES``.
    """
    import numpy as np

    B, N, _ = bt.Y.shape
    per = max(1, GRAM_BYTES // (8 * N * N))
    if B <= per:
        omega, lam = solve_weights(bt, p, omega, lam)
        return curves(bt, omega, lam), omega, lam
    parts = []
    for lo in range(0, B, per):
        sl = slice(lo, min(lo + per, B))
        part = Batch(bt.Y[sl], bt.n0[sl], bt.n[sl], bt.t0)
        parts.append(
            estimate(
                part,
                subset_problem(p, np.arange(B)[sl]),
                None if omega is None else omega[sl],
                None if lam is None else lam[sl],
            )
        )
    return tuple(np.concatenate([q[j] for q in parts]) for j in range(3))


def subset_problem(p: Problem, members: np.ndarray) -> Problem:
    """``p`` for some problems of its batch (per-problem regularisation arrays sliced)."""
    from dataclasses import replace

    import numpy as np

    def pick(v: Any) -> Any:
        return v if np.ndim(v) == 0 else np.asarray(v)[members]

    return replace(
        p,
        zeta_omega=pick(p.zeta_omega),
        zeta_lambda=pick(p.zeta_lambda),
        min_decrease=pick(p.min_decrease),
    )


# --------------------------------------------------------------------------- variance


def placebo_draws(Y, n0, t0, p, omega, lam, reps, rng):
    """Algorithm 4: the last N1 of a random permutation of the controls play the treated."""
    import numpy as np

    n1 = Y.shape[0] - n0
    m = n0 - n1
    perms = [rng.permutation(n0) for _ in range(reps)]
    bt = stack([Y[perm] for perm in perms], [m] * reps, t0)
    init = np.zeros((reps, n0))
    for j, perm in enumerate(perms):
        init[j, :m] = sum_normalize(omega[perm[:m]])
    curves, _, _ = estimate(bt, p, init, np.tile(lam, (reps, 1)))
    return curves[:, t0:]


def jackknife_draws(Y, n0, t0, omega, lam, whole=False):
    """Algorithm 3: leave one unit out, weights fixed (the controls' omega renormalised).

    Post-period paths; with ``whole`` every period, pre-treatment gaps included. The
    left-out units are taken in fixed blocks on the active scheduler."""
    import numpy as np

    units = np.arange(Y.shape[0])
    parts = in_blocks(jackknife_rows, units, len(units), Y, n0, t0, omega, lam, whole)
    return np.concatenate(parts)


def jackknife_rows(units, Y, n0, t0, omega, lam, whole=False):
    """The rows of :func:`jackknife_draws` that leave out each of ``units`` in turn."""
    import numpy as np

    n = Y.shape[0]
    first = 0 if whole else t0
    out = np.empty((len(units), Y.shape[1] - first))
    for j, i in enumerate(units):
        keep = np.delete(np.arange(n), i)
        k0 = n0 - int(i < n0)
        w = np.zeros(n - 1)
        w[:k0] = omega[keep[:k0]] / omega[keep[:k0]].sum()
        bt = stack([Y[keep]], [k0], t0)
        out[j] = curves(bt, w[None, :], lam[None, :])[0, first:]
    return out


def bootstrap_samples(n: int, n0: int, reps: int, rng: Any) -> list[tuple[np.ndarray, int]]:
    """Sorted unit draws with replacement and their control counts; a draw without a
    control or without a treated unit is redrawn (R ``synthdid``'s bootstrap)."""
    import numpy as np

    draws = []
    while len(draws) < reps:
        ind = np.sort(rng.integers(0, n, size=n))
        k0 = int((ind < n0).sum())
        if 0 < k0 < n:
            draws.append((ind, k0))
    return draws


def bootstrap_draws(Y, n0, t0, p, omega, lam, reps, rng, whole=False):
    """Algorithm 2: resample units with replacement; redraw samples lacking either group.

    Post-period paths; with ``whole`` every period, pre-treatment gaps included. The
    samples are drawn here and solved in fixed blocks on the active scheduler."""
    import numpy as np

    draws = bootstrap_samples(Y.shape[0], n0, reps, rng)
    parts = in_blocks(sample_paths, draws, Y.shape[0], Y, t0, p, omega, lam, whole)
    return np.concatenate(parts)


def sample_paths(draws, Y, t0, p, omega, lam, whole=False):
    """Paths (B, T1), or (B, T) with ``whole``, of the bootstrap ``draws`` (units, controls)
    as one batch, the weights starting from the fitted ones restricted to each sample."""
    import numpy as np

    n = Y.shape[0]
    bt = stack([Y[ind] for ind, _ in draws], [k0 for _, k0 in draws], t0)
    init = np.zeros((len(draws), n))
    for j, (ind, k0) in enumerate(draws):
        init[j, :k0] = sum_normalize(omega[ind[:k0]])
    curves, _, _ = estimate(bt, p, init, np.tile(lam, (len(draws), 1)))
    return curves if whole else curves[:, t0:]


def replicate_se(draws: np.ndarray, kind: str) -> np.ndarray:
    """Standard error of each column of the replicate matrix (R ``synthdid``'s scaling)."""
    import numpy as np

    m = draws.shape[0]
    if kind == "jackknife":
        return np.sqrt((m - 1) / m * ((draws - draws.mean(axis=0)) ** 2).sum(axis=0))
    return np.sqrt((m - 1) / m) * draws.std(axis=0, ddof=1)
