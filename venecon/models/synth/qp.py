"""Exact solver for least squares on the probability simplex.

The inner problem of synthetic control is

    min_w ||A w - b||^2   subject to   w >= 0,  sum(w) = 1,

a small convex quadratic program (A has one column per donor and one row per
predictor). Because ``sum(w) = 1``, ``A w - b = (A - b 1') w``, so the problem
is the *minimum-norm point* of the convex hull of the columns
``p_j = a_j - b``. Wolfe's (1976) algorithm solves exactly that: it is a
primal active-set method that keeps a set of affinely independent points
(the "corral"), solves the equality-constrained problem on it in closed form
and moves along the segment to that solution whenever a weight would turn
negative. It terminates finitely, needs no tuning, and returns the exact
optimum up to floating-point rounding, unlike a generic optimiser (SLSQP,
interior point with a margin) whose answer depends on its stopping rule.

Reference: P. Wolfe (1976), "Finding the nearest point in a polytope",
Mathematical Programming 11, 128-149.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["simplex_lstsq", "min_norm_point", "support_guess"]


_DGESV = None  # scipy's LAPACK dgesv, bound on first use (scipy is imported lazily)


def _solve_ones(m: np.ndarray) -> np.ndarray:
    """Solve ``m z = 1`` for a small square ``m`` (LAPACK ``gesv`` without numpy's overhead).

    The corral systems have a handful of rows and are solved tens of thousands
    of times in a nested V search; calling LAPACK directly costs about a
    quarter of ``numpy.linalg.solve`` (same algorithm: LU with partial pivoting).
    Falls back to least squares when the matrix is singular.
    """
    import numpy as np

    global _DGESV
    if _DGESV is None:
        from scipy.linalg.lapack import dgesv

        _DGESV = dgesv
    ones = np.ones(len(m))
    _, _, z, info = _DGESV(m, ones)
    if info != 0:  # rounding made the corral degenerate: least-norm answer
        z = np.linalg.lstsq(m, ones, rcond=None)[0]
    return z


def _affine_minimizer(G: np.ndarray) -> np.ndarray:
    """Coefficients ``a`` (summing to 1) of the min-norm point of the affine hull.

    ``G`` is the Gram matrix ``P_S' P_S`` of the corral. Minimising
    ``a' G a`` subject to ``1'a = 1`` equals minimising ``a' (G + 11') a``
    (the added term is the constant 1), and ``G + 11'`` is positive definite
    exactly when the corral is affinely independent, which Wolfe's algorithm
    maintains. The solution is ``M^{-1} 1 / (1' M^{-1} 1)``.
    """
    z = _solve_ones(G + 1.0)
    return z / z.sum()


#: Magnitudes of ``P`` left as they are: the Gram entries of :func:`_affine_minimizer`
#: then lie in [1, 2^40), where the unit constant added to them neither swamps them
#: (tiny units) nor vanishes against them (huge units), and results on data in
#: ordinary units keep their exact rounding.
_PEAK_WINDOW = (1.0, 2.0**20)


def _normalised(P: np.ndarray) -> np.ndarray:
    """``P`` rescaled by a power of two into :data:`_PEAK_WINDOW` when it lies outside it.

    The weights of the min-norm point do not depend on the units of ``P``, but
    the Gram matrices of the corral do, and :func:`_affine_minimizer` adds the
    constant 1 to them: a problem in tiny units (Gram entries near 1e-16) loses
    its Gram matrix to rounding, one in huge units loses the constant (and
    overflows when squared beyond 1e154). Outside the window the largest
    magnitude is brought to [1, 2); a power of two rescales without rounding.
    """
    import numpy as np

    peak = float(np.abs(P).max()) if P.size else 0.0
    if not (np.isfinite(peak) and peak > 0) or _PEAK_WINDOW[0] <= peak < _PEAK_WINDOW[1]:
        return P
    return np.ldexp(P, 1 - int(np.frexp(peak)[1]))


def _warm_corral(
    P: np.ndarray, warm: list[int], tol: float
) -> tuple[list[int], np.ndarray, np.ndarray] | None:
    """A valid starting corral from a previous support (with its points ``P_S``), or None.

    A support is a valid Wolfe state when its affine min-norm point has
    strictly positive weights; this holds after small changes of the problem
    (the outer V search moves in small steps), so most solves then need one
    or two cycles instead of building the corral point by point.
    """
    if not warm:
        return None
    PS = P[:, warm]
    z = _solve_ones(PS.T @ PS + 1.0)
    total = float(z.sum())
    if not (math.isfinite(total) and total > 0):  # degenerate support: start cold
        return None
    alpha = z / total
    if not (alpha > tol).all():  # also rejects NaN
        return None
    return list(warm), alpha, PS


#: Default bound on the corral updates of :func:`min_norm_point`.
_MAX_ITER = 10_000


def min_norm_point(
    P: np.ndarray,
    *,
    start: int | None = None,
    warm: list[int] | None = None,
    tol: float = 1e-12,
    max_iter: int = _MAX_ITER,
) -> tuple[np.ndarray, int]:
    """Weights ``w`` on the simplex minimising ``||P w||`` (Wolfe's algorithm).

    Parameters
    ----------
    P : ndarray, shape (k, n)
        The points, one per column.
    start : int, optional
        Index of the first corral point; defaults to the point of smallest norm.
    warm : list of int, optional
        Support of a previous solution of a nearby problem, used as the
        starting corral when it is a valid one (the answer does not depend on
        it, only the number of cycles).
    tol : float
        Relative tolerance of the optimality test and of zero weights.
    max_iter : int
        Safety bound on the number of corral updates.

    Returns
    -------
    w : ndarray, shape (n,)
        Optimal weights (non-negative, summing to 1).
    iterations : int
        Number of major and minor cycles.

    Notes
    -----
    Each cycle needs the inner products ``p_j' x`` of every point with the
    current point ``x = P_S lam`` (one ``P' x``, O(k n)) and the Gram matrix of
    the corral only (O(k |S|^2)); the full n x n Gram matrix is never formed,
    so a warm-started solve with many donors costs about two matrix-vector
    products.
    """
    import numpy as np

    P = _normalised(np.asarray(P, dtype="float64"))
    return _wolfe(P, np.einsum("ij,ij->j", P, P), start, warm, tol, max_iter)


def _wolfe(
    P: np.ndarray, norms: np.ndarray, start: int | None, warm: list[int] | None, tol: float,
    max_iter: int,
) -> tuple[np.ndarray, int]:
    """:func:`min_norm_point` on a normalised ``P`` whose squared column norms are ``norms``."""
    import numpy as np

    n = P.shape[1]
    scale = max(float(norms.max()), sys.float_info.min)
    state = _warm_corral(P, warm, tol) if warm else None
    if state is None:
        corral, lam = [int(np.argmin(norms)) if start is None else int(start)], np.ones(1)
        points = None
    else:
        corral, lam, points = state  # the corral's points, reused by the first cycle
    changed = state is None
    PT = P.T
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        x = (P[:, corral] if points is None else points) @ lam
        points = None
        px = PT @ x  # p_j' x for every j
        xx = float(x @ x)
        j = int(px.argmin())
        # optimal when no point lies strictly beyond the supporting hyperplane at x
        if xx - px[j] <= tol * scale or j in corral:
            break
        changed = True
        corral.append(j)
        lam = np.append(lam, 0.0)
        while iterations < max_iter:  # minor cycles
            iterations += 1
            PS = P[:, corral]
            alpha = _affine_minimizer(PS.T @ PS)
            if (alpha > tol).all():
                lam = alpha
                break
            # walk from lam towards alpha until the first weight hits zero
            down = alpha < lam
            if not down.any():  # degenerate (rounding): accept the clipped affine solution
                lam = np.clip(alpha, 0.0, None)
                lam = lam / lam.sum()
                keep = lam > 0
                corral = [c for c, k in zip(corral, keep, strict=False) if k]
                lam = lam[keep]
                break
            theta = min(1.0, float(np.min(lam[down] / (lam[down] - alpha[down]))))
            lam = lam + theta * (alpha - lam)
            keep = lam > tol
            corral = [c for c, k in zip(corral, keep, strict=False) if k]
            lam = lam[keep]
            lam = lam / lam.sum()
    # canonical final weights: re-solve on the sorted support so the result
    # depends only on the support, not on the path (cold or warm start) that
    # found it; outer optimisers with finite-difference gradients need that.
    # A warm start that was already optimal is that very solve on that very
    # (sorted) support, so it is reused instead of repeated.
    w = np.zeros(n)
    if not changed and corral == sorted(corral):  # (distinct indices: sorted = increasing)
        w[corral] = lam
        return w, iterations
    idx = sorted(corral)
    PS = P[:, idx]
    alpha = _affine_minimizer(PS.T @ PS)
    if (alpha > 0).all():
        w[idx] = alpha
    else:  # pragma: no cover - rounding at a degenerate optimum
        w[corral] = lam
    return w, iterations


#: Largest number of candidates for which :func:`simplex_lstsq` starts from
#: :func:`support_guess` (measured: with 38 donors the guess saves a third of the
#: solve; with 400 or more it costs more than the cold cycles it saves).
_GUESS_MAX_CANDIDATES = 128


def simplex_lstsq(
    A: np.ndarray, b: np.ndarray, *, tol: float = 1e-12, warm: list[int] | None = None,
    guess: list[int] | None = None,
) -> np.ndarray:
    """Solve ``min ||A w - b||^2`` over ``w >= 0, sum(w) = 1`` exactly.

    Parameters
    ----------
    A : ndarray, shape (k, n)
        One column per candidate (donor), one row per (weighted) predictor.
    b : ndarray, shape (k,)
        Target (the treated unit's weighted predictors).
    tol : float
        Relative tolerance (see :func:`min_norm_point`).
    warm : list of int, optional
        Support of a nearby problem's solution (see :func:`min_norm_point`).
    guess : list of int, optional
        A likely support used in place of :func:`support_guess` (say, that of a nearby
        problem): unlike ``warm`` it keeps the cold start's answer when ``b`` lies in the
        hull of ``A``'s columns, so the weights are the ones it would return without it.

    Returns
    -------
    ndarray, shape (n,)
        The optimal weights.
    """
    import numpy as np

    A = np.asarray(A, dtype="float64")
    b = np.asarray(b, dtype="float64").reshape(-1, 1)
    P = _normalised(A - b)
    # (normalised once: min_norm_point's own normalisation would leave P unchanged)
    norms = np.einsum("ij,ij->j", P, P)
    if warm is not None:
        return _wolfe(P, norms, None, warm, tol, _MAX_ITER)[0]
    # the compiled guess pays off on few candidates; with many, Wolfe's cold cycles
    # (one O(k n) product each, about one per support point) cost less than the guess
    if guess is None and P.shape[1] <= _GUESS_MAX_CANDIDATES:
        guess = support_guess(P)
    w = _wolfe(P, norms, None, guess, tol, _MAX_ITER)[0]
    if not guess:  # a cold start: its answer as it is
        return w
    x = P @ w
    if x @ x <= tol * float(norms.max()):
        # b lies in the hull of A's columns: every convex combination reproducing it
        # is optimal and the weights are not unique; the cold start picks the same
        # one as ever (the guess could lead Wolfe's cycles to another)
        w = _wolfe(P, norms, None, None, tol, _MAX_ITER)[0]
    return w


def support_guess(P: np.ndarray) -> list[int]:
    """Likely support of the min-norm point of the columns of ``P`` (a warm start).

    ``scipy.optimize.nnls`` (Lawson-Hanson, compiled) on the penalised problem
    ``min ||P w||^2 + M^2 (1'w - 1)^2, w >= 0`` with a large ``M`` finds the
    support of the simplex solution in one call. It is only a starting corral:
    :func:`min_norm_point` checks it (positive affine weights), continues
    Wolfe's cycles until its own optimality test holds and re-solves on the
    final support. When the optimum is unique (the target outside the hull of
    the points, the synthetic-control case) that support, and so the answer, is
    the one a cold start reaches; a cold start builds the corral one point per
    cycle instead (about 20 cycles for 38 donors, 3x slower).
    """
    import numpy as np
    from scipy.optimize import nnls

    k, n = P.shape
    if n < 2 or not np.isfinite(P).all():
        return []
    M = 1e3 * max(float(np.abs(P).max()), sys.float_info.min)
    A, b = np.empty((k + 1, n)), np.zeros(k + 1)
    A[:k], A[k], b[k] = P, M, M
    try:
        w = nnls(A, b)[0]
    except (RuntimeError, ValueError):  # iteration limit: no guess
        return []
    return np.flatnonzero(w > 0).tolist()
