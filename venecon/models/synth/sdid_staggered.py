"""Staggered adoption for synthetic difference-in-differences.

Units adopt at different dates. As in Arkhangelsky et al. (2021, appendix) and
Stata ``sdid`` (Clarke, Pailanir, Athey and Imbens 2023), the panel is split
into adoption cohorts; each cohort's treated units are compared with the
never-treated units over all periods (pre-periods: before the cohort's
adoption; post-periods: from adoption to the end of the sample), with its own
weights, noise level and regularisation; and the cohort effects are averaged
with weights proportional to the cohort's treated unit-periods,
``N_a * T_post,a``. Equivalently the aggregate is the mean of the per-period
effects over every treated unit-period.

Standard errors follow Stata ``sdid`` (and the Python port ``synthdid``):

* placebo: the never-treated units are permuted, the first ``N_tr`` of them
  inherit the treated units' adoption dates and the whole staggered estimate
  is recomputed on the never-treated units alone;
* bootstrap: units are resampled with replacement (draws without a treated or
  a never-treated unit, or with an undefined estimate, are redrawn) and the
  staggered estimate is recomputed;
* jackknife: each unit is left out in turn with the weights held fixed (the
  remaining controls' ``omega`` renormalised); a cohort whose treated units
  are all left out drops from that replicate's average.

Replicates are solved in fixed blocks of replications (one task each on the active
scheduler), within a block one batch per cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .sdid_blocks import in_blocks
from .sdid_covariates import covariate_paths, solve_grouped
from .sdid_placebo import noise_levels, shared_paths
from .sdid_solver import (
    Problem,
    SDIDOptions,
    curves,
    estimate,
    make_problem,
    problem_from_sigma,
    stack,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "CohortFit",
    "StaggeredDraws",
    "aggregate_weights",
    "batch_problem",
    "bootstrap_staggered",
    "concat_draws",
    "fit_cohorts",
    "jackknife_rows",
    "jackknife_staggered",
    "period_effects",
    "permutation_draws",
    "placebo_staggered",
]


@dataclass(frozen=True)
class CohortFit:
    """One adoption cohort fitted against the never-treated units."""

    t0: int
    n_treated: int
    n_control: int
    post: int
    att: float
    gaps: np.ndarray  # (T,) treated mean minus counterfactual, every period
    omega: np.ndarray  # (n_control,)
    lam: np.ndarray  # (t0,)
    sigma: float
    problem: Problem
    beta: np.ndarray | None = None  # covariate coefficients (optimized adjustment)


@dataclass(frozen=True)
class StaggeredDraws:
    """Replicates: aggregate ATT (R,), per-period effects (R, T) and cohort ATTs (R, K)."""

    att: np.ndarray
    periods: np.ndarray
    cohorts: np.ndarray


def aggregate_weights(n_treated: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Cohort weights ``N_a T_post,a / sum_b N_b T_post,b`` (zero for an empty cohort)."""
    import numpy as np

    w = np.asarray(n_treated, dtype="float64") * np.asarray(post, dtype="float64")
    total = w.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return w / total


def period_effects(gaps: np.ndarray, n_treated: np.ndarray, t0s: np.ndarray) -> np.ndarray:
    """Mean effect over the units treated in each period.

    ``gaps`` (..., K, T) are the cohorts' gap paths, ``n_treated`` (..., K) their
    sizes and ``t0s`` (K,) their adoption positions. NaN where no unit is treated.
    The ``n(t)``-weighted mean of the result over periods is the aggregate ATT.
    """
    import numpy as np

    T = gaps.shape[-1]
    on = np.arange(T)[None, :] >= np.asarray(t0s)[:, None]  # (K, T)
    w = np.asarray(n_treated, dtype="float64")[..., :, None] * on  # (..., K, T)
    total = w.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * gaps).sum(axis=-2) / total, np.nan)


def batch_problem(
    Ys: list[np.ndarray], n0s: list[int], t0: int, method: str, options: SDIDOptions
) -> Problem:
    """One :class:`Problem` for a batch, with each problem's own noise level."""
    import numpy as np

    probs = [make_problem(Y, n0, t0, method, options)[0] for Y, n0 in zip(Ys, n0s, strict=True)]
    first = probs[0]
    return Problem(
        method,
        np.array([p.zeta_omega for p in probs]),
        np.array([p.zeta_lambda for p in probs]),
        np.array([p.min_decrease for p in probs]),
        first.max_iter,
        first.max_iter_pre,
        first.sparsify,
    )


def fit_cohorts(
    Y: np.ndarray,
    n_co: int,
    adoption: np.ndarray,
    method: str,
    options: SDIDOptions,
    X: np.ndarray | None = None,
) -> list[CohortFit]:
    """Fit every cohort: ``Y`` has the ``n_co`` never-treated rows first, then the treated
    rows in the order of ``adoption`` (their first treated period, as a column position).
    With covariates ``X`` (N, T, C) each cohort estimates its own ``beta`` jointly with
    its weights (R ``synthdid``'s optimized adjustment)."""
    import numpy as np

    fits = []
    for t0 in np.unique(adoption):
        rows = n_co + np.flatnonzero(adoption == t0)
        block = np.concatenate([Y[:n_co], Y[rows]])
        p, sigma = make_problem(block, n_co, int(t0), method, options)
        beta = None
        if X is None:
            paths, omega, lam = estimate(stack([block], [n_co], int(t0)), p)
        else:
            xblock = np.concatenate([X[:n_co], X[rows]])
            paths, omega, lam, b = covariate_paths(block[None], xblock[None], n_co, int(t0), p)
            beta = b[0]
        fits.append(
            CohortFit(
                t0=int(t0),
                n_treated=len(rows),
                n_control=n_co,
                post=Y.shape[1] - int(t0),
                att=float(paths[0, int(t0) :].mean()),
                gaps=paths[0],
                omega=omega[0, :n_co],
                lam=lam[0],
                sigma=sigma,
                problem=p,
                beta=beta,
            )
        )
    return fits


def _refit(
    samples: list[tuple[np.ndarray, np.ndarray, int]],
    Y: np.ndarray,
    t0s: np.ndarray,
    method: str,
    options: SDIDOptions,
    X: np.ndarray | None = None,
) -> StaggeredDraws:
    """Recompute the staggered estimate on each sample from scratch (uniform starts).

    A sample is (control rows, treated rows, their adoption positions) into ``Y``.
    Cohorts absent from a sample get size zero.
    """
    import numpy as np

    R, K, T = len(samples), len(t0s), Y.shape[1]
    gaps = np.zeros((R, K, T))
    sizes = np.zeros((R, K))
    for k, t0 in enumerate(t0s):
        members = [(r, ctrl, tr[adopt == t0]) for r, (ctrl, tr, adopt) in enumerate(samples)]
        members = [m for m in members if len(m[2])]
        if not members:
            continue
        blocks = [np.concatenate([Y[ctrl], Y[tr]]) for _, ctrl, tr in members]
        n0s = [len(ctrl) for _, ctrl, _ in members]
        p = batch_problem(blocks, n0s, int(t0), method, options)
        if X is None:
            paths, _, _ = estimate(stack(blocks, n0s, int(t0)), p)
        else:
            xblocks = [np.concatenate([X[ctrl], X[tr]]) for _, ctrl, tr in members]
            paths = solve_grouped(blocks, xblocks, n0s, int(t0), p, None, None)
        for j, (r, _, tr) in enumerate(members):
            gaps[r, k] = paths[j]
            sizes[r, k] = len(tr)
    return _draws(gaps, sizes, np.asarray(t0s))


def _draws(gaps: np.ndarray, sizes: np.ndarray, t0s: np.ndarray) -> StaggeredDraws:
    """Replicates from the cohorts' gap paths (R, K, T) and sizes (R, K; 0: absent)."""
    import numpy as np

    R, K, T = gaps.shape
    post = T - t0s
    cohort_att = np.full((R, K), np.nan)
    for k, t0 in enumerate(t0s):
        cohort_att[:, k] = np.where(sizes[:, k] > 0, gaps[:, k, t0:].mean(axis=1), np.nan)
    w = aggregate_weights(sizes, post[None, :])
    att = np.nansum(w * np.nan_to_num(cohort_att), axis=1)
    att = np.where(np.isfinite(cohort_att).sum(axis=1) > 0, att, np.nan)
    return StaggeredDraws(att, period_effects(gaps, sizes, t0s), cohort_att)


def concat_draws(parts: list[StaggeredDraws]) -> StaggeredDraws:
    """The replicates of several blocks, in block order."""
    import numpy as np

    return StaggeredDraws(*(np.concatenate([getattr(d, f) for d in parts])
                            for f in ("att", "periods", "cohorts")))


def placebo_staggered(
    Y: np.ndarray,
    n_co: int,
    adoption: np.ndarray,
    method: str,
    options: SDIDOptions,
    reps: int,
    rng: Any,
    X: np.ndarray | None = None,
) -> StaggeredDraws:
    """Placebo replicates: never-treated units take the treated units' adoption dates.

    The permutations are drawn here and solved in fixed blocks on the active scheduler."""
    import numpy as np

    perms = np.array([rng.permutation(n_co) for _ in range(reps)])
    return concat_draws(
        in_blocks(permutation_draws, perms, n_co, Y, n_co, adoption, method, options, X))


def permutation_draws(
    perms: np.ndarray,
    Y: np.ndarray,
    n_co: int,
    adoption: np.ndarray,
    method: str,
    options: SDIDOptions,
    X: np.ndarray | None = None,
) -> StaggeredDraws:
    """The placebo replicates of the permutations ``perms`` (B, n_co) of the never-treated
    units: the first ``N_tr`` of each take the treated units' adoption dates."""
    import numpy as np

    reps, n_tr = len(perms), len(adoption)
    if X is not None:
        samples = [(perm[n_tr:], perm[:n_tr], adoption) for perm in perms]
        return _refit(samples, Y, np.unique(adoption), method, options, X)
    # Every replication and cohort works on the never-treated rows: solve them on that
    # one matrix (sdid_placebo) rather than on stacked copies.
    blocked = perms[:, :n_tr]
    t0s = np.unique(adoption)
    T, m = Y.shape[1], n_co - n_tr
    Yc = Y[:n_co]
    gaps = np.zeros((reps, len(t0s), T))
    sizes = np.zeros((reps, len(t0s)))
    omega = np.full((reps, n_co), 1.0 / m)
    omega[np.arange(reps)[:, None], blocked] = 0.0
    for k, t0 in enumerate(t0s):
        treated = blocked[:, adoption == t0]
        sigma = noise_levels(Yc, int(t0), blocked)
        p = problem_from_sigma(sigma, treated.shape[1], T - int(t0), method, options)
        lam = np.zeros((reps, t0)) if method == "sc" else np.full((reps, t0), 1.0 / t0)
        gaps[:, k] = shared_paths(Yc, int(t0), blocked, treated, p, omega, lam)
        sizes[:, k] = treated.shape[1]
    return _draws(gaps, sizes, t0s)


def bootstrap_staggered(
    Y: np.ndarray,
    n_co: int,
    adoption: np.ndarray,
    method: str,
    options: SDIDOptions,
    reps: int,
    rng: Any,
    X: np.ndarray | None = None,
) -> StaggeredDraws:
    """Unit-bootstrap replicates; draws lacking either group or undefined are redrawn.

    Each round's samples are drawn here and refitted in fixed blocks on the active
    scheduler; the undefined ones are then redrawn in the next round."""
    import numpy as np

    N = Y.shape[0]
    t0s = np.unique(adoption)
    full = np.concatenate([np.full(n_co, -1), adoption])
    kept: list[StaggeredDraws] = []
    have, tries = 0, 0
    while have < reps:
        samples = []
        while len(samples) < reps - have:
            tries += 1
            if tries > max(1000, 100 * reps):
                from ...exceptions import InsufficientDataError

                raise InsufficientDataError(
                    "SyntheticDiD: the bootstrap keeps drawing samples without a treated or "
                    "a never-treated unit; the panel is too small for se='bootstrap'"
                )
            ind = np.sort(rng.integers(0, N, size=N))
            ctrl, tr = ind[ind < n_co], ind[ind >= n_co]
            if len(ctrl) and len(tr):
                tr = tr[np.argsort(full[tr], kind="stable")]
                samples.append((ctrl, tr, full[tr]))
        out = concat_draws(in_blocks(_refit, samples, N, Y, t0s, method, options, X))
        ok = np.isfinite(out.att)
        kept.append(StaggeredDraws(out.att[ok], out.periods[ok], out.cohorts[ok]))
        have += int(ok.sum())
    d = concat_draws(kept)
    return StaggeredDraws(d.att[:reps], d.periods[:reps], d.cohorts[:reps])


def jackknife_staggered(
    Y: np.ndarray,
    n_co: int,
    adoption: np.ndarray,
    fits: list[CohortFit],
    X: np.ndarray | None = None,
) -> StaggeredDraws:
    """Leave-one-unit-out replicates with every cohort's weights (and ``beta``) held fixed
    (the left-out units in fixed blocks on the active scheduler)."""
    import numpy as np

    units = np.arange(Y.shape[0])
    return concat_draws(in_blocks(jackknife_rows, units, len(units), Y, n_co, adoption, fits, X))


def jackknife_rows(
    units: np.ndarray,
    Y: np.ndarray,
    n_co: int,
    adoption: np.ndarray,
    fits: list[CohortFit],
    X: np.ndarray | None = None,
) -> StaggeredDraws:
    """The replicates of :func:`jackknife_staggered` leaving out each of ``units``."""
    import numpy as np

    T = Y.shape[1]
    K = len(fits)
    gaps = np.zeros((len(units), K, T))
    sizes = np.zeros((len(units), K))
    Y_all = Y
    for k, f in enumerate(fits):
        Y = Y_all if f.beta is None or X is None else Y_all - X @ f.beta
        rows = n_co + np.flatnonzero(adoption == f.t0)
        for j, i in enumerate(units):
            tr = rows[rows != i]
            keep_c = np.arange(n_co) != i
            omega = f.omega[keep_c]
            s = omega.sum()
            omega = omega / s if s != 0 else np.full(len(omega), 1.0 / len(omega))
            if not len(tr) or not len(omega):
                continue
            block = np.concatenate([Y[:n_co][keep_c], Y[tr]])
            bt = stack([block], [n_co - int(i < n_co)], f.t0)
            w = np.concatenate([omega, np.zeros(len(tr))])
            gaps[j, k] = curves(bt, w[None, :], f.lam[None, :])[0]
            sizes[j, k] = len(tr)
    return _draws(gaps, sizes, np.array([f.t0 for f in fits]))
