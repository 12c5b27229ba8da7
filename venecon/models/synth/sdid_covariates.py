"""Time-varying covariates in synthetic difference-in-differences.

Two adjustments, as in Stata ``sdid``'s ``covariates(..., optimized|projected)``
(Clarke, Pailanir, Athey and Imbens 2023):

* ``"optimized"`` (R ``synthdid``'s ``synthdid_estimate(Y, N0, T0, X)``;
  Arkhangelsky et al. 2021, footnote 4): the outcome is residualised on the
  covariates, ``Y - X beta``, with ``beta`` chosen jointly with the weights.
  Each iteration takes one gradient step on ``beta`` (step ``1/t``) on the sum
  of the two weight problems' penalised losses, then one exact-line-search
  Frank-Wolfe step for the time weights and one for the unit weights on the
  residualised collapsed panel; it stops when the combined objective moves by
  at most ``min_decrease^2`` in an iteration (R ``synthdid``'s
  ``sc.weight.fw.covariates``; no sparsify round), or after ``max_iter``.
* ``"projected"`` (Kranz 2022): ``beta`` from a two-way fixed-effects
  regression of the outcome on the covariates over the untreated observations
  (never-treated units, and treated units before their adoption); SDID then
  runs on ``Y - X beta``. Replications keep this ``beta``.

Replications of the optimized adjustment re-estimate ``beta`` (from zero)
with the weights, as R ``synthdid``'s ``vcov`` does; problems of one shape
are solved as a batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sdid_blocks import in_blocks
from .sdid_solver import bootstrap_samples, sum_normalize

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .sdid_solver import Problem

__all__ = [
    "collapse",
    "covariate_bootstrap",
    "covariate_jackknife",
    "covariate_jackknife_rows",
    "covariate_paths",
    "covariate_permutation_paths",
    "covariate_placebo",
    "covariate_sample_paths",
    "joint_weights",
    "projected_beta",
    "solve_grouped",
]


def collapse(Y: np.ndarray, n0: int, t0: int) -> np.ndarray:
    """R ``synthdid``'s collapsed form of ``(..., N, T)``: controls x pre-periods, the
    controls' post-period means, the treated pre-period means and the treated post mean."""
    import numpy as np

    co, tr = Y[..., :n0, :], Y[..., n0:, :]
    top = np.concatenate([co[..., :t0], co[..., t0:].mean(axis=-1, keepdims=True)], axis=-1)
    trm = tr.mean(axis=-2, keepdims=True)
    bottom = np.concatenate([trm[..., :t0], trm[..., t0:].mean(axis=-1, keepdims=True)], axis=-1)
    return np.concatenate([top, bottom], axis=-2)


def _fw_step(
    A: np.ndarray, x: np.ndarray, b: np.ndarray, eta: np.ndarray, move: np.ndarray
) -> np.ndarray:
    """One exact-line-search Frank-Wolfe step for ``||A x - b||^2 + eta ||x||^2`` per problem.

    ``A`` (B, n, k), ``x`` (B, k), ``b`` (B, n), ``eta`` (B,); problems with ``move``
    False keep ``x``.
    """
    import numpy as np

    idx = np.arange(len(x))
    Ax = (A @ x[:, :, None])[:, :, 0]
    half_grad = ((Ax - b)[:, None, :] @ A)[:, 0, :] + eta[:, None] * x
    i = np.argmin(half_grad, axis=1)  # first minimiser, as R's which.min
    d_x = -x
    d_x[idx, i] += 1.0
    d_err = A[idx, :, i] - Ax
    denom = np.einsum("bn,bn->b", d_err, d_err) + eta * np.einsum("bk,bk->b", d_x, d_x)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.clip(-np.einsum("bk,bk->b", half_grad, d_x) / denom, 0.0, 1.0)
    # x already at the vertex, a flat direction, or a finished problem: no move
    still = ~d_x.any(axis=1) | ~(denom > 0) | ~move
    step[still] = 0.0
    return x + step[:, None] * d_x


def joint_weights(
    Yc: np.ndarray,
    Xc: np.ndarray,
    p: Problem,
    lam: np.ndarray,
    omega: np.ndarray,
    update_lambda: bool,
    update_omega: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time weights (B, T0), unit weights (B, N0) and ``beta`` (B, C) of B same-shape problems.

    ``Yc`` (B, N0+1, T0+1) and ``Xc`` (B, N0+1, T0+1, C) are collapsed; ``lam`` and
    ``omega`` are the starting (or, when not updated, fixed) weights.
    """
    import numpy as np

    B, n0p, t0p = Yc.shape
    C = Xc.shape[-1]
    N0, T0 = n0p - 1, t0p - 1
    if B == 1:
        one = _joint_one(Yc[0], Xc[0], p, lam[0], omega[0], update_lambda, update_omega)
        return tuple(v[None, :] for v in one)
    zl = np.broadcast_to(np.asarray(p.zeta_lambda, dtype="float64"), (B,))
    zo = np.broadcast_to(np.asarray(p.zeta_omega, dtype="float64"), (B,))
    md2 = np.broadcast_to(np.asarray(p.min_decrease, dtype="float64") ** 2, (B,))
    eta_l, eta_o = N0 * zl**2, T0 * zo**2
    beta = np.zeros((B, C))
    lam, omega = lam.astype("float64").copy(), omega.astype("float64").copy()
    # Demeaning is linear, so demean Y and X once: (Y - X beta) demeaned = Yd - Xd beta.
    # The lambda problem: control rows demeaned over controls (its intercept).
    Yl0 = Yc[:, :N0, :] - Yc[:, :N0, :].mean(axis=1, keepdims=True)
    Xl0 = Xc[:, :N0] - Xc[:, :N0].mean(axis=1, keepdims=True)
    # The omega problem: pre-periods x units, demeaned over periods when it has an intercept.
    Yo0 = Yc[:, :, :T0].transpose(0, 2, 1)
    Xo0 = Xc[:, :, :T0].transpose(0, 2, 1, 3)
    if p.intercept_omega:
        Yo0 = Yo0 - Yo0.mean(axis=1, keepdims=True)
        Xo0 = Xo0 - Xo0.mean(axis=1, keepdims=True)
    Xl = np.ascontiguousarray(Xl0).reshape(B, -1, C)
    Xo = np.ascontiguousarray(Xo0).reshape(B, -1, C)
    # the beta gradient uses the raw (not demeaned) covariates; the errors have mean zero
    # over the demeaned axis, so demeaned ones give the same number
    Xg_l = np.ascontiguousarray(Xc[:, :N0]).reshape(B, -1, C)
    Xg_o = np.ascontiguousarray(Xc[:, :, :T0].transpose(0, 2, 1, 3)).reshape(B, -1, C)

    def update(beta, lam, omega, move):
        Yl = Yl0 - (Xl @ beta[:, :, None]).reshape(Yl0.shape)
        if update_lambda:
            lam = _fw_step(Yl[:, :, :T0], lam, Yl[:, :, T0], eta_l, move)
        err_l = (Yl[:, :, :T0] @ lam[:, :, None])[:, :, 0] - Yl[:, :, T0]
        Yo = Yo0 - (Xo @ beta[:, :, None]).reshape(Yo0.shape)
        if update_omega:
            omega = _fw_step(Yo[:, :, :N0], omega, Yo[:, :, N0], eta_o, move)
        err_o = (Yo[:, :, :N0] @ omega[:, :, None])[:, :, 0] - Yo[:, :, N0]
        val = (
            zo**2 * np.einsum("bk,bk->b", omega, omega)
            + zl**2 * np.einsum("bk,bk->b", lam, lam)
            + np.einsum("bt,bt->b", err_o, err_o) / T0
            + np.einsum("bn,bn->b", err_l, err_l) / N0
        )
        return lam, omega, err_l, err_o, val

    everyone = np.ones(B, dtype=bool)
    lam, omega, err_l, err_o, _ = update(beta, lam, omega, everyone)
    active = everyone.copy()
    previous = None
    minus_one = -np.ones((B, 1))
    for t in range(1, p.max_iter + 1):
        # gradient of the two losses in beta: err' X_c [weights, -1] for each covariate c
        lam_c = np.concatenate([lam, minus_one], axis=1)
        om_c = np.concatenate([omega, minus_one], axis=1)
        outer_l = (err_l[:, :, None] * lam_c[:, None, :]).reshape(B, 1, -1)
        outer_o = (err_o[:, :, None] * om_c[:, None, :]).reshape(B, 1, -1)
        grad = -((outer_l @ Xg_l)[:, 0, :] / N0 + (outer_o @ Xg_o)[:, 0, :] / T0)
        if active.all():
            beta = beta - grad / t
            lam, omega, err_l, err_o, val = update(beta, lam, omega, active)
        else:
            beta = np.where(active[:, None], beta - grad / t, beta)
            new = update(beta, lam, omega, active)
            lam = np.where(active[:, None], new[0], lam)
            omega = np.where(active[:, None], new[1], omega)
            err_l = np.where(active[:, None], new[2], err_l)
            err_o = np.where(active[:, None], new[3], err_o)
            val = new[4]
        if previous is not None:
            active &= np.abs(previous - val) > md2
            if not active.any():
                break
        previous = val
    return lam, omega, beta


def _fw_one(A: np.ndarray, x: np.ndarray, b: np.ndarray, eta: float) -> np.ndarray:
    """:func:`_fw_step` for one problem on 1-d arrays (the main fit's loop)."""
    import numpy as np

    Ax = A @ x
    half_grad = (Ax - b) @ A + eta * x
    i = int(np.argmin(half_grad))
    d_x = -x
    d_x[i] += 1.0
    if not d_x.any():
        return x
    d_err = A[:, i] - Ax
    denom = float(d_err @ d_err) + eta * float(d_x @ d_x)
    if not denom > 0:
        return x
    step = min(1.0, max(0.0, -float(half_grad @ d_x) / denom))
    return x + step * d_x


def _joint_one(Yc, Xc, p, lam, omega, update_lambda, update_omega):
    """:func:`joint_weights` for one problem on 2-d arrays (several times faster per step)."""
    import numpy as np

    n0p, t0p, C = Xc.shape
    N0, T0 = n0p - 1, t0p - 1
    zl, zo = float(p.zeta_lambda), float(p.zeta_omega)
    md2 = float(p.min_decrease) ** 2
    lam, omega, beta = lam.astype("float64").copy(), omega.astype("float64").copy(), np.zeros(C)
    Yl0 = Yc[:N0] - Yc[:N0].mean(axis=0)
    Xl0 = Xc[:N0] - Xc[:N0].mean(axis=0)
    Yo0, Xo0 = Yc[:, :T0].T, Xc[:, :T0].transpose(1, 0, 2)
    if p.intercept_omega:
        Yo0, Xo0 = Yo0 - Yo0.mean(axis=0), Xo0 - Xo0.mean(axis=0)
    Xl = np.ascontiguousarray(Xl0).reshape(-1, C)
    Xo = np.ascontiguousarray(Xo0).reshape(-1, C)
    # for the beta gradient: covariate c's block times the weights, one matrix product
    Gl = np.ascontiguousarray(Xc[:N0].transpose(2, 0, 1)).reshape(C * N0, t0p)
    Go = np.ascontiguousarray(Xc[:, :T0].transpose(2, 1, 0)).reshape(C * T0, n0p)
    lam_c, om_c = np.empty(t0p), np.empty(n0p)
    lam_c[T0], om_c[N0] = -1.0, -1.0

    def update(lam, omega):
        Yl = Yl0 - (Xl @ beta).reshape(Yl0.shape)
        if update_lambda:
            lam = _fw_one(Yl[:, :T0], lam, Yl[:, T0], N0 * zl**2)
        err_l = Yl[:, :T0] @ lam - Yl[:, T0]
        Yo = Yo0 - (Xo @ beta).reshape(Yo0.shape)
        if update_omega:
            omega = _fw_one(Yo[:, :N0], omega, Yo[:, N0], T0 * zo**2)
        err_o = Yo[:, :N0] @ omega - Yo[:, N0]
        val = (
            zo**2 * float(omega @ omega)
            + zl**2 * float(lam @ lam)
            + float(err_o @ err_o) / T0
            + float(err_l @ err_l) / N0
        )
        return lam, omega, err_l, err_o, val

    lam, omega, err_l, err_o, _ = update(lam, omega)
    previous = None
    for t in range(1, p.max_iter + 1):
        lam_c[:T0], om_c[:N0] = lam, omega
        grad = -(
            (Gl @ lam_c).reshape(C, N0) @ err_l / N0 + (Go @ om_c).reshape(C, T0) @ err_o / T0
        )
        beta = beta - grad / t
        lam, omega, err_l, err_o, val = update(lam, omega)
        if previous is not None and abs(previous - val) <= md2:
            break
        previous = val
    return lam, omega, beta


def covariate_paths(
    Y: np.ndarray,
    X: np.ndarray,
    n0: int,
    t0: int,
    p: Problem,
    omega: np.ndarray | None = None,
    lam: np.ndarray | None = None,
    fixed: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gap paths (B, T), omega (B, N0), lambda (B, T0) and beta (B, C) of B problems.

    ``Y`` (B, N, T) and ``X`` (B, N, T, C) hold ``n0`` controls first. ``omega`` and
    ``lam`` start the solver (uniform when None); with ``fixed`` they are kept and
    only ``beta`` is estimated (the fixed-weight jackknife).
    """
    import numpy as np

    B, N, T = Y.shape
    if p.method == "sc":
        lam, update_l = np.zeros((B, t0)), False
    elif p.method == "did":
        lam, update_l = np.full((B, t0), 1.0 / t0), False
    else:
        update_l = not fixed
        lam = np.full((B, t0), 1.0 / t0) if lam is None else lam
    if p.method == "did":
        omega, update_o = np.full((B, n0), 1.0 / n0), False
    else:
        update_o = not fixed
        omega = np.full((B, n0), 1.0 / n0) if omega is None else omega
    Yc = collapse(Y, n0, t0)
    Xc = np.stack([collapse(X[..., c], n0, t0) for c in range(X.shape[-1])], axis=-1)
    lam, omega, beta = joint_weights(Yc, Xc, p, lam, omega, update_l, update_o)
    adjusted = Y - np.einsum("bntc,bc->bnt", X, beta)
    w = np.concatenate([-omega, np.full((B, N - n0), 1.0 / (N - n0))], axis=1)
    gap = np.einsum("bn,bnt->bt", w, adjusted)
    gap = gap - np.einsum("bt,bt->b", gap[:, :t0], lam)[:, None]
    return gap, omega, lam, beta


def projected_beta(
    Y: np.ndarray, X: np.ndarray, untreated: np.ndarray, names: list[str], model: str
) -> pd.Series:
    """``beta`` of the two-way fixed-effects regression of ``Y`` on ``X`` over the
    untreated cells (Kranz 2022). ``Y`` (N, T), ``X`` (N, T, C), ``untreated`` (N, T)."""
    import numpy as np
    import pandas as pd

    from ..did.twfe import fit_twoway

    unit, time = np.nonzero(untreated)
    frame = pd.DataFrame({"_unit": unit, "_time": time, "_y": Y[unit, time]})
    cols = [f"_x{c}" for c in range(X.shape[-1])]
    for c, col in enumerate(cols):
        frame[col] = X[unit, time, c]
    fit = fit_twoway(
        frame,
        outcome="_y",
        regressors=cols,
        entity="_unit",
        time="_time",
        cov={"cov_type": "clustered", "debiased": False},
        model=model,
    )
    return pd.Series(fit.params.to_numpy(), index=pd.Index(names, name="covariate"), name="beta")


# --------------------------------------------------------------------------- replications


def solve_grouped(Ys, Xs, n0s, t0, p, omegas, lams, fixed=False):
    """Gap paths (B, T) of problems of several shapes, solved in same-shape batches.

    ``p`` may carry per-problem (B,) regularisation; ``omegas``/``lams`` are per-problem
    starting weights (None: uniform).
    """
    import numpy as np

    from .sdid_solver import subset_problem

    out = [None] * len(Ys)
    shapes = sorted({(len(Y), n0) for Y, n0 in zip(Ys, n0s, strict=True)})
    for n, n0 in shapes:
        members = [
            j for j, (Y, m) in enumerate(zip(Ys, n0s, strict=True)) if (len(Y), m) == (n, n0)
        ]
        sub = subset_problem(p, members)
        paths, _, _, _ = covariate_paths(
            np.stack([Ys[j] for j in members]),
            np.stack([Xs[j] for j in members]),
            n0,
            t0,
            sub,
            None if omegas is None else np.stack([omegas[j] for j in members]),
            None if lams is None else np.stack([lams[j] for j in members]),
            fixed,
        )
        for j, path in zip(members, paths, strict=True):
            out[j] = path
    return np.stack(out)


def covariate_placebo(Y, X, n0, t0, p, omega, lam, reps, rng):
    """Algorithm 4 with covariates: ``beta`` and the weights re-estimated in each draw.

    The permutations are drawn here and solved in fixed blocks on the active scheduler."""
    import numpy as np

    perms = np.array([rng.permutation(n0) for _ in range(reps)])
    parts = in_blocks(covariate_permutation_paths, perms, n0, Y, X, n0, t0, p, omega, lam)
    return np.concatenate(parts)


def covariate_permutation_paths(perms, Y, X, n0, t0, p, omega, lam):
    """Post-period placebo paths of the permutations ``perms`` (B, n0), one batch."""
    m = n0 - (Y.shape[0] - n0)
    paths = solve_grouped(
        [Y[perm] for perm in perms],
        [X[perm] for perm in perms],
        [m] * len(perms),
        t0,
        p,
        [sum_normalize(omega[perm[:m]]) for perm in perms],
        [lam] * len(perms),
    )
    return paths[:, t0:]


def covariate_bootstrap(Y, X, n0, t0, p, omega, lam, reps, rng):
    """Algorithm 2 with covariates (the draws of :func:`bootstrap_draws`), solved in fixed
    blocks on the active scheduler."""
    import numpy as np

    draws = bootstrap_samples(Y.shape[0], n0, reps, rng)
    parts = in_blocks(covariate_sample_paths, draws, Y.shape[0], Y, X, t0, p, omega, lam)
    return np.concatenate(parts)


def covariate_sample_paths(draws, Y, X, t0, p, omega, lam):
    """Post-period paths of the bootstrap ``draws`` (units, controls), one batch."""
    paths = solve_grouped(
        [Y[ind] for ind, _ in draws],
        [X[ind] for ind, _ in draws],
        [k0 for _, k0 in draws],
        t0,
        p,
        [sum_normalize(omega[ind[:k0]]) for ind, k0 in draws],
        [lam] * len(draws),
    )
    return paths[:, t0:]


def covariate_jackknife(Y, X, n0, t0, p, omega, lam):
    """Algorithm 3 with covariates: weights fixed, ``beta`` re-estimated without each unit
    (the left-out units in fixed blocks on the active scheduler)."""
    import numpy as np

    units = np.arange(Y.shape[0])
    parts = in_blocks(covariate_jackknife_rows, units, len(units), Y, X, n0, t0, p, omega, lam)
    return np.concatenate(parts)


def covariate_jackknife_rows(units, Y, X, n0, t0, p, omega, lam):
    """The rows of :func:`covariate_jackknife` leaving out each of ``units`` in turn."""
    import numpy as np

    n = Y.shape[0]
    keeps = [np.delete(np.arange(n), i) for i in units]
    n0s = [n0 - int(i < n0) for i in units]
    paths = solve_grouped(
        [Y[k] for k in keeps],
        [X[k] for k in keeps],
        n0s,
        t0,
        p,
        [sum_normalize(omega[k[:m]]) for k, m in zip(keeps, n0s, strict=True)],
        [lam] * len(units),
        fixed=True,
    )
    return paths[:, t0:]
