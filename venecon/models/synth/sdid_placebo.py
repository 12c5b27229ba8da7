"""The placebo replications of synthetic DiD (Algorithm 4) without per-replication copies.

A placebo replication keeps the controls' rows and periods and only changes
which of them play the treated: the last ``N1`` of a permutation of the
controls. So every replication's unit-weight problem is a column subset of one
matrix (the controls' pre-period outcomes), and its time-weight problem a row
subset of one matrix. This module solves all replications on those shared
matrices instead of stacking B copies of the panel:

* unit weights live in the coordinates of the full control set (the placebo
  treated are blocked columns), and the rows of the Gram matrix that
  Frank-Wolfe visits are computed once, on first use, and shared by every
  replication (a few hundred of the ``N0`` rows in practice, so neither the
  ``N0 x N0`` Gram matrix nor B copies of it are ever formed);
* the time-weight Gram matrices ``T0 x T0`` come from sums over all controls
  less the placebo-treated rows.

The iterations, stopping rules and starting values are those of
:func:`venecon.models.synth.sdid_solver.placebo_draws` (R ``synthdid``'s
``vcov(method = "placebo")``), so the replicates agree with it to rounding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .sdid_blocks import in_blocks
from .sdid_solver import GramRows, blocked_value, frank_wolfe_gram, sparsify, sum_normalize

if TYPE_CHECKING:
    import numpy as np

    from .sdid_solver import Problem

__all__ = ["noise_levels", "permutation_paths", "placebo_paths", "shared_paths"]


def _omega(
    Yc: np.ndarray,
    t0: int,
    blocked_rows: np.ndarray,
    treated: np.ndarray,
    p: Problem,
    init: np.ndarray,
) -> np.ndarray:
    """Unit weights (B, N0) of every replication, in the coordinates of all controls.

    ``blocked_rows`` (B, m) are the controls a replication leaves out, ``treated``
    (B, N1) those whose mean it fits; ``init`` the starting weights.
    """
    import numpy as np

    M = Yc[:, :t0].T  # pre-periods x controls
    target = Yc[treated, :t0].mean(axis=1)  # (B, t0)
    if p.intercept_omega:
        M = M - M.mean(axis=0, keepdims=True)
        target = target - target.mean(axis=1, keepdims=True)
    B, K = len(target), M.shape[1]
    blocked = np.zeros((B, K), dtype=bool)
    blocked[np.arange(B)[:, None], blocked_rows] = True
    c = target @ M
    diag = np.broadcast_to(np.einsum("tk,tk->k", M, M), (B, K))
    eta = t0 * np.asarray(p.zeta_omega, dtype="float64") ** 2
    c[blocked] = -blocked_value(c, diag, eta)
    rows = GramRows(M)
    threshold = t0 * np.asarray(p.min_decrease, dtype="float64") ** 2

    def solve(x: np.ndarray, max_iter: int) -> np.ndarray:
        g = (x @ M.T) @ M
        return frank_wolfe_gram(rows, diag, c, x, g, eta, threshold, max_iter)

    return _two_rounds(solve, init, p)


def _lambda(
    Yc: np.ndarray, t0: int, treated: np.ndarray, p: Problem, init: np.ndarray
) -> np.ndarray:
    """Time weights (B, T0): each replication regresses its controls' post-period means on
    their pre-period outcomes (with an intercept), from sums over all controls less the
    rows ``treated`` (B, m) it leaves out."""
    import numpy as np

    A = Yc[:, :t0]
    b = Yc[:, t0:].mean(axis=1)
    # centre on all controls first: demeaning from sums then loses no precision
    A = A - A.mean(axis=0)
    b = b - b.mean()
    m = len(A) - treated.shape[1]
    At, bt = A[treated], b[treated]  # (B, N1, t0), (B, N1)
    sa = A.sum(axis=0) - At.sum(axis=1)  # (B, t0)
    sb = b.sum() - bt.sum(axis=1)  # (B,)
    G = (A.T @ A)[None] - At.transpose(0, 2, 1) @ At - sa[:, :, None] * sa[:, None, :] / m
    c = (A.T @ b)[None] - (bt[:, None, :] @ At)[:, 0, :] - sa * (sb / m)[:, None]
    diag = np.einsum("bii->bi", G)
    eta = m * np.asarray(p.zeta_lambda, dtype="float64") ** 2
    threshold = m * np.asarray(p.min_decrease, dtype="float64") ** 2

    def solve(x: np.ndarray, max_iter: int) -> np.ndarray:
        g = (G @ x[:, :, None])[:, :, 0]
        return frank_wolfe_gram(G, diag, c, x, g, eta, threshold, max_iter)

    return _two_rounds(solve, init, p)


def _two_rounds(solve: Any, init: np.ndarray, p: Problem) -> np.ndarray:
    """R ``synthdid``'s schedule: a short round, sparsify, then the long round."""
    x = solve(init, p.max_iter_pre if p.sparsify else p.max_iter)
    return solve(sparsify(x), p.max_iter) if p.sparsify else x


def shared_paths(
    Yc: np.ndarray,
    t0: int,
    blocked: np.ndarray,
    treated: np.ndarray,
    p: Problem,
    omega: np.ndarray,
    lam: np.ndarray,
) -> np.ndarray:
    """Gap paths (B, T) of B problems on one control matrix ``Yc`` (N0, T).

    Problem b leaves out the controls ``blocked[b]`` and fits the mean of the rows
    ``treated[b]`` (placebo-treated controls) with the rest; ``omega`` (B, N0, zero on
    blocked rows) and ``lam`` (B, t0) start the weights, or are the weights when ``p``
    does not update them.
    """
    import numpy as np

    lam_b = _lambda(Yc, t0, blocked, p, lam) if p.update_lambda else lam
    omega_b = _omega(Yc, t0, blocked, treated, p, omega) if p.update_omega else omega
    gap = Yc[treated].mean(axis=1) - omega_b @ Yc  # (B, T)
    return gap - np.einsum("bt,bt->b", gap[:, :t0], lam_b)[:, None]


def noise_levels(Yc: np.ndarray, t0: int, blocked: np.ndarray) -> np.ndarray:
    """R ``synthdid``'s noise level (sd of the pre-period first differences) of each
    problem's controls: all rows of ``Yc`` less ``blocked`` (B, m), from sums."""
    import numpy as np

    D = np.diff(Yc[:, :t0], axis=1)
    D = D - D.mean()  # centred: the variance from sums then keeps its precision
    r1, r2 = D.sum(axis=1), (D * D).sum(axis=1)
    n = (len(D) - blocked.shape[1]) * D.shape[1]
    s1 = r1.sum() - r1[blocked].sum(axis=1)
    s2 = r2.sum() - r2[blocked].sum(axis=1)
    return np.sqrt((s2 - s1 * s1 / n) / (n - 1))


def placebo_paths(
    Y: np.ndarray,
    n0: int,
    t0: int,
    p: Problem,
    omega: np.ndarray,
    lam: np.ndarray,
    reps: int,
    rng: Any,
    whole: bool = False,
) -> np.ndarray:
    """Post-period effect paths (reps, T1) of Algorithm 4 (R ``synthdid``'s placebo).

    With ``whole`` the paths cover every period (reps, T), pre-treatment gaps included.

    In each replication the last ``N1`` of ``rng.permutation(n0)`` play the treated. The
    permutations are drawn here, in replication order, and solved in fixed blocks
    (:func:`~venecon.models.synth.sdid_blocks.in_blocks`) on the active scheduler.
    """
    import numpy as np

    perms = np.array([rng.permutation(n0) for _ in range(reps)])
    parts = in_blocks(permutation_paths, perms, n0, Y, n0, t0, p, omega, lam, whole)
    return np.concatenate(parts)


def permutation_paths(
    perms: np.ndarray,
    Y: np.ndarray,
    n0: int,
    t0: int,
    p: Problem,
    omega: np.ndarray,
    lam: np.ndarray,
    whole: bool = False,
) -> np.ndarray:
    """The placebo paths (B, T1), or (B, T) with ``whole``, of the permutations ``perms``
    (B, n0) of the controls, solved as one batch on the shared control matrix.

    The weights start from the fitted ``omega`` (restricted to each replication's
    controls and renormalised) and ``lam``, and are re-estimated as in the fit.
    """
    import numpy as np

    reps = len(perms)
    n1 = Y.shape[0] - n0
    m = n0 - n1
    treated = perms[:, m:]
    # starting unit weights: the fitted omega on each replication's controls, renormalised
    start = np.zeros((reps, n0))
    for j, perm in enumerate(perms):
        start[j, perm[:m]] = sum_normalize(omega[perm[:m]])
    gap = shared_paths(Y[:n0], t0, treated, treated, p, start, np.tile(lam, (reps, 1)))
    return gap if whole else gap[:, t0:]
