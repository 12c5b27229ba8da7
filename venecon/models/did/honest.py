"""Sensitivity of event-study conclusions to violations of parallel trends.

Rambachan and Roth (2023) replace exact parallel trends by a set ``Delta`` of
allowed differential trends ``delta`` and give confidence sets for a scalar
effect ``theta = l' tau_post`` that are valid for every ``delta`` in the set:

Relative magnitudes, ``Delta^RM(Mbar)``
    each post-treatment change of the differential trend is at most ``Mbar``
    times the largest pre-treatment change (``|delta_t - delta_{t-1}|``).
    Confidence set: the conditional-least-favourable hybrid ("C-LF") of
    Andrews, Roth and Pakes (2023), as the R package HonestDiD computes it by
    default: the moment inequalities on the post-period changes are tested at
    each value of ``theta`` on a grid (a least-favourable first stage of size
    ``alpha / 10``, then the conditional test of size ``(alpha - kappa) / (1 -
    kappa)``), the union taken over which pre-period change is the largest and
    its sign.
Smoothness, ``Delta^SD(M)``
    the slope of the differential trend changes by at most ``M`` between
    consecutive periods (``M = 0``: an exactly linear trend). Confidence set:
    the optimal fixed-length confidence interval (FLCI) of Armstrong and
    Kolesar, an affine estimator ``v' beta`` whose weights minimise the
    half-length ``cv_alpha(bias / sd) * sd`` (``cv``: quantile of a folded
    normal), the worst-case bias taken over ``Delta^SD(M)``.

The *breakdown value* is the smallest ``Mbar`` (or ``M``) at which the interval
includes zero; :func:`pretrend_power` gives the power of the usual pre-test
against a linear trend (Roth 2022).

Validation (``tests/test_models_honest.py``): the HonestDiD README's Medicaid
example (Rambachan and Roth 2023; ``ehec_data.csv`` of the Mixtape Advanced-DID
sessions). FLCIs for ``M`` = 0.01..0.05 equal the printed bounds (three
significant digits; ``M`` = 0 within 1e-4); C-LF sets for ``Mbar`` = 0.5..2 equal
HonestDiD's own R code run on the same inputs to six digits (first, second and
average effect; GLPK solving its linear program) and the README's current
printing within one grid step.

The least-favourable critical value is simulated (1000 draws by default). To
give the reference package's numbers for the same seed, the draws are R's
(Mersenne-Twister, ``set.seed``, normal by inversion; multivariate normal by
the symmetric square root as ``mvtnorm::rmvnorm``); the intervals lie on a grid
of ``grid_points`` values over ``+-20`` standard errors, as HonestDiD's do.
The FLCI uses the exact folded-normal quantile (HonestDiD simulates it with
10^6 draws; the difference is below its printed precision).

References
----------
Rambachan, A. and Roth, J. (2023), "A More Credible Approach to Parallel
Trends", Review of Economic Studies 90(5), 2555-2591.
Andrews, I., Roth, J. and Pakes, A. (2023), "Inference for Linear Conditional
Moment Inequalities", Review of Economic Studies 90(6), 2763-2791.
Armstrong, T. and Kolesar, M. (2018), "Optimal Inference in a Class of
Regression Models", Econometrica 86(2), 655-683.
Roth, J. (2022), "Pretest with Caution: Event-Study Estimates after Testing
for Parallel Trends", American Economic Review: Insights 4(3), 305-322.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from itertools import combinations
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError
from ..core.results import Frozen, Headline, HeadlineFields, path_frame, two_sided_pvalue

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "HonestOptions",
    "HonestResults",
    "honest_did",
    "event_study_sensitivity",
    "synthetic_did_sensitivity",
    "SYNTHETIC_CONTROL_UNDEFINED",
    "relative_magnitudes_ci",
    "smoothness_flci",
    "pretrend_power",
    "r_normal_draws",
]

#: Largest number of candidate vertices enumerated for the C-LF test (subsets of moments).
MAX_VERTEX_SUBSETS = 3_000_000


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class HonestOptions:
    """Settings of :func:`honest_did`.

    Parameters
    ----------
    alpha : float, default 0.05
        One minus the coverage of every interval.
    mbar : sequence of float, default (0, 0.5, 1, 1.5, 2)
        Grid of ``Mbar`` for the relative-magnitudes bounds.
    m : sequence of float, optional
        Grid of ``M`` for the smoothness bounds; default ten values from 0 to
        the largest pre-period second difference plus ``z_{1-alpha/2}`` of its
        standard errors (the pre-period curvature the data cannot rule out).
    l_vec : sequence of float, optional
        Weights ``l`` of ``theta = l' tau_post`` (default: the first
        post-treatment period, as HonestDiD).
    grid_points : int, default 1000
        Values of ``theta`` tested for the C-LF set (HonestDiD's default).
    lf_simulations : int, default 1000
        Draws for the least-favourable critical value (HonestDiD's default).
    seed : int, default 0
        Seed of those draws (R's ``set.seed``; HonestDiD uses 0).
    breakdown_tol : float, default 1e-3
        Absolute precision of the breakdown values (bisection).
    target_power : sequence of float, default (0.5, 0.8)
        Powers for which :func:`pretrend_power` reports the linear-trend slope.
    """

    alpha: float = 0.05
    mbar: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0)
    m: tuple[float, ...] | None = None
    l_vec: tuple[float, ...] | None = None
    grid_points: int = 1000
    lf_simulations: int = 1000
    seed: int = 0
    breakdown_tol: float = 1e-3
    target_power: tuple[float, ...] = (0.5, 0.8)

    def __post_init__(self) -> None:
        if not (isinstance(self.alpha, int | float) and 0 < float(self.alpha) < 1):
            raise ModelSpecificationError(f"alpha must be in (0, 1), got {self.alpha!r}")
        for name in ("mbar", "m", "l_vec", "target_power"):
            value = getattr(self, name)
            if value is None:
                continue
            try:
                values = tuple(float(v) for v in (value if hasattr(value, "__iter__") else [value]))
            except (TypeError, ValueError):
                raise ModelSpecificationError(f"{name} must be numbers, got {value!r}") from None
            if not values or not all(math.isfinite(v) for v in values):
                raise ModelSpecificationError(f"{name} must be finite numbers, got {value!r}")
            if name in ("mbar", "m") and min(values) < 0:
                raise ModelSpecificationError(f"{name} must be >= 0, got {value!r}")
            if name == "target_power" and not all(0 < v < 1 for v in values):
                raise ModelSpecificationError(f"target_power must be in (0, 1), got {value!r}")
            object.__setattr__(self, name, values)
        for name, low in (("grid_points", 10), ("lf_simulations", 100)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ModelSpecificationError(f"{name} must be an integer >= {low}, got {value!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ModelSpecificationError(f"seed must be an integer, got {self.seed!r}")
        if not (isinstance(self.breakdown_tol, int | float) and self.breakdown_tol > 0):
            raise ModelSpecificationError(f"breakdown_tol must be > 0, got {self.breakdown_tol!r}")

    def to_dict(self) -> dict[str, Any]:
        """The options as JSON-ready values."""
        out = asdict(self)
        for k, v in out.items():
            if isinstance(v, tuple):
                out[k] = list(v)
        return out


# --------------------------------------------------------------------------- inputs


def _inputs(beta: Any, sigma: Any, num_pre: int, l_vec: Sequence[float] | None,
            ) -> tuple[np.ndarray, np.ndarray, int, int, np.ndarray]:
    import numpy as np

    b = np.asarray(beta, dtype="float64").ravel()
    s = np.asarray(sigma, dtype="float64")
    if s.shape != (len(b), len(b)):
        raise ModelSpecificationError(
            f"sigma must be a {len(b)} x {len(b)} covariance matrix of the event-study "
            f"coefficients, got shape {s.shape}")
    if not (np.isfinite(b).all() and np.isfinite(s).all()):
        raise ModelSpecificationError("beta and sigma must be finite (no NaN or inf)")
    if not np.allclose(s, s.T, rtol=1e-8, atol=1e-14 * max(1.0, float(np.abs(s).max()))):
        raise ModelSpecificationError("sigma is not symmetric; pass the coefficients' covariance")
    s = (s + s.T) / 2
    if np.linalg.eigvalsh(s).min() < -1e-10 * max(float(np.abs(s).max()), 1e-300):
        raise ModelSpecificationError("sigma is not positive semi-definite")
    if not isinstance(num_pre, int | np.integer) or isinstance(num_pre, bool):
        raise ModelSpecificationError(f"num_pre must be an integer, got {num_pre!r}")
    num_pre = int(num_pre)
    num_post = len(b) - num_pre
    if num_pre < 1 or num_post < 1:
        raise ModelSpecificationError(
            f"need at least one pre-period and one post-period coefficient (excluding the "
            f"reference period), got {num_pre} pre and {num_post} post of {len(b)}")
    lv = np.zeros(num_post) if l_vec is None else np.asarray(l_vec, dtype="float64").ravel()
    if l_vec is None:
        lv[0] = 1.0
    if len(lv) != num_post:
        raise ModelSpecificationError(
            f"l_vec has {len(lv)} weights but there are {num_post} post-period coefficients")
    if not np.any(lv):
        raise ModelSpecificationError("l_vec is all zeros; it must select an effect")
    return b, s, num_pre, num_post, lv


def original_ci(beta: Any, sigma: Any, num_pre: int, l_vec: Sequence[float] | None = None,
                alpha: float = 0.05) -> tuple[float, float, float, float]:
    """``(estimate, std_error, lower, upper)`` of ``l' beta_post`` under exact parallel trends.

    The normal interval HonestDiD calls the "original" confidence set.
    """
    import numpy as np
    from scipy.special import ndtri

    b, s, k, _, lv = _inputs(beta, sigma, num_pre, l_vec)
    est = float(lv @ b[k:])
    se = float(np.sqrt(lv @ s[k:, k:] @ lv))
    z = float(ndtri(1 - alpha / 2))
    return est, se, est - z * se, est + z * se


# --------------------------------------------------------------------------- R's draws


def r_normal_draws(n: int, seed: int = 0) -> np.ndarray:
    """The first ``n`` values of R's ``set.seed(seed); rnorm(n)`` (R >= 3.6 defaults).

    R seeds its Mersenne-Twister by scrambling the integer seed with the linear
    congruential generator ``69069 s + 1`` (50 rounds, then one per state
    word) and draws normals by inversion from two uniforms
    (``(floor(2^27 u1) + u2) / 2^27``). Reproducing that stream lets simulated
    critical values equal those of R packages for the same seed.
    """
    import numpy as np
    from scipy.special import ndtri

    state = int(seed) & 0xFFFFFFFF
    for _ in range(50):
        state = (69069 * state + 1) & 0xFFFFFFFF
    words = []
    for _ in range(625):
        state = (69069 * state + 1) & 0xFFFFFFFF
        words.append(state)
    bitgen = np.random.MT19937()
    # words[0] is R's position slot (reset to 624, i.e. "regenerate before the next draw").
    bitgen.state = {"bit_generator": "MT19937",
                    "state": {"key": np.array(words[1:], dtype=np.uint32), "pos": 624}}
    u = bitgen.random_raw(2 * n).astype("float64") * 2.3283064365386963e-10
    tiny = 0.5 * 2.328306437080797e-10
    u = np.where(u <= 0.0, tiny, np.where(1.0 - u <= 0.0, 1.0 - tiny, u))
    big = 134217728.0
    return ndtri((np.floor(big * u[0::2]) + u[1::2]) / big)


def _r_mvnorm(n: int, cov: np.ndarray, seed: int) -> np.ndarray:
    """``set.seed(seed); mvtnorm::rmvnorm(n, sigma = cov)`` (symmetric square root)."""
    import numpy as np

    values, vectors = np.linalg.eigh(cov)
    root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    z = r_normal_draws(n * len(cov), seed).reshape(n, len(cov))  # R fills by row here
    return z @ root


# --------------------------------------------------------------------------- C-LF test


def _rm_constraints(num_pre: int, num_post: int, mbar: float, s: int, positive: bool,
                    ) -> np.ndarray:
    """Rows ``A`` of ``A delta <= 0`` for ``Delta^RM``, given that pre-period change ``s``
    (``-(num_pre-1)..0``; 0 is the change into the reference period) is the largest
    in absolute value, with sign ``+`` (``positive``) or ``-``.

    Columns are ``delta`` without the reference period. Only the rows involving a
    post-period are returned: those are the moments HonestDiD tests by default
    (``postPeriodMomentsOnly``).
    """
    import numpy as np

    n = num_pre + num_post
    diff = np.zeros((n, n + 1))  # first differences of the path with the reference included
    for r in range(n):
        diff[r, r], diff[r, r + 1] = -1.0, 1.0
    top = np.zeros(n + 1)
    top[num_pre + s - 1], top[num_pre + s] = -1.0, 1.0
    if not positive:
        top = -top
    bound = np.vstack([np.tile(top, (num_pre, 1)), np.tile(mbar * top, (num_post, 1))])
    a = np.vstack([diff - bound, -diff - bound])
    a = a[(a**2).sum(axis=1) > 1e-10]
    a = np.delete(a, num_pre, axis=1)
    return a[np.any(a[:, num_pre:] != 0, axis=1)]


def _gamma_basis(l_vec: np.ndarray) -> np.ndarray:
    """An invertible matrix whose first row is ``l'`` (completed by unit vectors, in order)."""
    import numpy as np

    rows = [l_vec]
    for j in range(len(l_vec)):
        e = np.zeros(len(l_vec))
        e[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([*rows, e])) > len(rows):
            rows.append(e)
        if len(rows) == len(l_vec):
            break
    return np.vstack(rows)


_DIRECTIONS: dict[bytes, Any] = {}


def _vertex_directions(x: np.ndarray) -> np.ndarray:
    """Nonnegative directions (unit sum).

    Their scalings are the vertices of :class:`_DualVertices`.
    """
    import numpy as np

    m = x.shape[0]
    key = x.tobytes() + str(x.shape).encode()
    if key in _DIRECTIONS:
        return _DIRECTIONS[key]
    if x.shape[1]:
        # Nuisance directions that are linearly dependent add nothing to the program.
        _, r, piv = _qr_pivot(x)
        rank = int((np.abs(np.diag(r)) > 1e-10 * max(1.0, np.abs(r).max())).sum())
        x = x[:, sorted(piv[:rank])]
    k = x.shape[1]
    if k == 0:
        dirs = np.eye(m)
    else:
        paired = _paired_directions(x)
        dirs = _enumerated_directions(x) if paired is None else paired
    if not len(dirs):
        raise ModelSpecificationError(
            "the relative-magnitudes test is degenerate (its linear program is unbounded)")
    if len(_DIRECTIONS) > 8:
        _DIRECTIONS.clear()
    _DIRECTIONS[key] = dirs
    return dirs


def _enumerated_directions(x: np.ndarray) -> np.ndarray:
    """The directions of :func:`_vertex_directions` for ``x`` of full column rank ``k``: the
    nonnegative null vector of ``X_S'`` for every ``k + 1`` rows ``S`` where it is unique."""
    import numpy as np

    m, k = x.shape
    total = math.comb(m, k + 1)
    if total > MAX_VERTEX_SUBSETS:
        raise ModelSpecificationError(
            f"the relative-magnitudes test has {m} moments and {k} nuisance parameters "
            f"({total:,} candidate vertices, more than {MAX_VERTEX_SUBSETS:,}); shorten the "
            f"post-period window of the event study")
    found = []
    it = combinations(range(m), k + 1)
    while True:
        chunk = np.array(list(_take(it, 20_000)), dtype=int)
        if not len(chunk):
            break
        mats = np.transpose(x[chunk], (0, 2, 1))  # (n, k, k + 1): X_S'
        _, sv, vt = np.linalg.svd(mats)
        full = sv[:, -1] > 1e-10 * np.maximum(sv[:, 0], 1e-300)
        u = vt[full, -1, :]
        u = u * np.where(u.sum(axis=1, keepdims=True) < 0, -1.0, 1.0)
        ok = (u >= -1e-12).all(axis=1) & (u.sum(axis=1) > 1e-12)
        u = np.clip(u[ok], 0.0, None)
        rows = np.zeros((len(u), m))
        np.put_along_axis(rows, chunk[full][ok], u, axis=1)
        found.append(rows / rows.sum(axis=1, keepdims=True))
    return np.unique(np.round(np.vstack(found), 12), axis=0) if found else np.zeros((0, m))


def _paired_directions(x: np.ndarray) -> np.ndarray | None:
    """The directions of :func:`_vertex_directions` in closed form when the moments come in
    opposite pairs (``x = [P; -P]``) with ``P`` of ``k + 1`` rows and rank ``k``, the shape of
    every relative-magnitudes program (``+-`` each post-period change); ``None`` otherwise.

    With ``u = (u+, u-)`` the cone ``{u >= 0 : X'u = 0}`` is ``P'(u+ - u-) = 0``, so
    ``u+ - u- = c n`` for the null vector ``n`` of ``P'``. Its extreme rays, the
    directions the subset enumeration finds, are the two rays ``c = +-1`` with the
    smallest support, ``(max(c n, 0), max(-c n, 0))``, and for every nonzero row
    ``P_i`` the pair ray ``e_i + e_{i+p}`` (``c = 0``; a zero row's pair is the sum of
    the two ``c`` rays instead). Same rounding and order as the enumeration.
    """
    import numpy as np

    m, k = x.shape
    p = m // 2
    if m != 2 * p or p != k + 1:
        return None
    top, bottom = x[:p], x[p:]
    scale = max(float(np.abs(x).max()), 1e-300)
    if not np.allclose(bottom, -top, rtol=0.0, atol=1e-14 * scale):
        return None
    norms = np.sqrt((top * top).sum(axis=1))
    zero = norms <= 1e-12 * scale
    if not (zero | (norms >= 1e-6 * scale)).all():
        return None  # rows neither clearly zero nor clearly not: enumerate
    _, sv, vt = np.linalg.svd(top.T)
    if not sv[-1] > 1e-10 * max(sv[0], 1e-300):
        return None
    n = vt[-1]
    rays = [np.concatenate([np.clip(c * n, 0.0, None), np.clip(-c * n, 0.0, None)])
            for c in (1.0, -1.0)]
    for i in np.flatnonzero(~zero):
        pair = np.zeros(m)
        pair[i] = pair[i + p] = 1.0
        rays.append(pair)
    found = np.vstack(rays)
    return np.unique(np.round(found / found.sum(axis=1, keepdims=True), 12), axis=0)


def _take(iterator: Any, n: int) -> Any:
    from itertools import islice

    return islice(iterator, n)


class _DualVertices:
    """Vertices of ``{g >= 0 : g' sd = 1, X' g = 0}``, the dual of the ARP linear program.

    The ARP statistic ``eta(y) = min_{eta, d} eta`` s.t. ``y - X d <= eta * sd`` equals
    ``max_g g' y`` over this polytope, so with its vertices enumerated once the
    statistic, the optimal vertex and the conditioning interval of Andrews, Roth
    and Pakes (their Appendix D) are matrix products over all draws and grid points.
    A vertex is ``u / (u' sd)`` for a nonnegative ``u`` spanning the null space of
    ``X_S'`` for some ``k + 1`` rows ``S``; those directions depend on ``X`` only, so
    they are enumerated once and shared by every ``sd`` (each pre-period change,
    sign and ``Mbar``).
    """

    def __init__(self, sd: np.ndarray, directions: np.ndarray) -> None:
        self.vertices = directions / (directions @ sd)[:, None]

    def eta(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Statistic and index of the optimal vertex for each column of ``y``."""
        import numpy as np

        vals = self.vertices @ y
        idx = np.argmax(vals, axis=0)
        return vals[idx, np.arange(y.shape[1])], idx


def _qr_pivot(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from scipy.linalg import qr

    return qr(x, pivoting=True, mode="economic")


def _conditional_accept(y: np.ndarray, sigma: np.ndarray, verts: _DualVertices,
                        alpha: float, kappa: float, lf_cv: float) -> np.ndarray:
    """C-LF test of ``E[y] - X d <= 0`` for each column of ``y``: True where not rejected."""
    import numpy as np
    from scipy.stats import truncnorm

    eta, idx = verts.eta(y)
    v = verts.vertices
    g = v[idx]  # optimal vertex per column, (G, m)
    sg = g @ sigma  # (G, m)
    var_b = np.einsum("gm,gm->g", sg, g)
    accept = np.ones(y.shape[1], dtype=bool)
    first = eta > lf_cv  # least-favourable first stage
    accept[first] = False
    # A vertex with no variance (opposite moments of an equality, Mbar = 0) gives a
    # statistic that is zero up to rounding when the moments hold: reject only above it.
    zero = ~first & (np.abs(var_b) < np.finfo(float).eps)
    accept[zero] = ~(eta[zero] > 1e-10)
    live = ~first & ~zero
    if not live.any():
        return accept
    g, sg, var_b, eta_l, y_l = g[live], sg[live], var_b[live], eta[live], y[:, live]
    c = sg / var_b[:, None]  # Sigma g / g' Sigma g, per column
    vy = v @ y_l  # (V, G)
    vc = v @ c.T  # (V, G)
    num = vy - vc * eta_l  # v' s with s = y - c eta
    den = 1.0 - vc
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = num / den
    lo = np.where(den > 1e-10, ratio, -np.inf).max(axis=0)
    up = np.where(den < -1e-10, ratio, np.inf).min(axis=0)
    sd_b = np.sqrt(var_b)
    zlo, zup = lo / sd_b, np.minimum(up, lf_cv) / sd_b
    stat = eta_l / sd_b
    inside = (zlo <= stat) & (stat <= zup)
    size = (alpha - kappa) / (1 - kappa)
    res = np.ones(len(stat), dtype=bool)
    if inside.any():
        cval = np.maximum(0.0, truncnorm.ppf(1 - size, zlo[inside], zup[inside]))
        res[inside] = ~(stat[inside] > cval)
    accept[live] = res
    return accept


def _rm_accept(b: np.ndarray, s: np.ndarray, k: int, t: int, lv: np.ndarray, mbar: float,
               thetas: np.ndarray, alpha: float, lf_simulations: int, seed: int) -> np.ndarray:
    """Acceptance of each ``theta`` by the C-LF test, united over the largest pre-period change."""
    import numpy as np

    gamma_inv = np.linalg.inv(_gamma_basis(lv))
    kappa = alpha / 10
    accept = np.zeros(len(thetas), dtype=bool)
    for s_idx in range(-(k - 1), 1):
        for positive in (True, False):
            a = _rm_constraints(k, t, mbar, s_idx, positive)
            a_gamma = a[:, k:] @ gamma_inv
            sig_y = a @ s @ a.T
            verts = _DualVertices(np.sqrt(np.diag(sig_y)), _vertex_directions(a_gamma[:, 1:]))
            draws = _r_mvnorm(lf_simulations, sig_y, seed)
            lf_cv = float(np.quantile(verts.eta(draws.T)[0], 1 - kappa))
            y = (a @ b)[:, None] - np.outer(a_gamma[:, 0], thetas)
            accept |= _conditional_accept(y, sig_y, verts, alpha, kappa, lf_cv)
    return accept


def relative_magnitudes_ci(beta: Any, sigma: Any, num_pre: int, mbar: float, *,
                           l_vec: Sequence[float] | None = None, alpha: float = 0.05,
                           grid_points: int = 1000, lf_simulations: int = 1000, seed: int = 0,
                           grid: tuple[float, float] | None = None) -> tuple[float, float]:
    """C-LF confidence set for ``l' tau_post`` under ``Delta^RM(mbar)``: ``(lower, upper)``.

    Parameters
    ----------
    beta, sigma : array
        Event-study coefficients (pre-periods first, the reference period left
        out) and their covariance.
    num_pre : int
        Number of pre-period coefficients (the first ``num_pre`` of ``beta``).
    mbar : float
        Largest ratio of a post-period change of the differential trend to the
        largest pre-period change.
    l_vec, alpha, grid_points, lf_simulations, seed
        See :class:`HonestOptions`.
    grid : (float, float), optional
        Range of ``theta`` tested (default ``+-20`` standard errors of
        ``l' beta_post`` around zero, as HonestDiD, continued at the same step to
        cover the estimate ``+-20`` standard errors). When the set reaches an end
        of the range, that side is extended by the range's width at the same
        step, up to six times (then a :class:`~venecon.exceptions.VeneconWarning`
        says the set is open there).

    Returns
    -------
    (float, float)
        Smallest and largest accepted grid value (``nan`` if none is accepted).
        The set is the union over which pre-period change is the largest and its sign.

    Notes
    -----
    Reproduces HonestDiD's ``computeConditionalCS_DeltaRM(hybrid_flag = "LF")``
    (Rambachan and Roth 2023, Section 4; Andrews, Roth and Pakes 2023).
    """
    import numpy as np

    b, s, k, t, lv = _inputs(beta, sigma, num_pre, l_vec)
    if not (math.isfinite(mbar) and mbar >= 0):
        raise ModelSpecificationError(f"mbar must be a finite number >= 0, got {mbar!r}")
    sd_theta = float(np.sqrt(lv @ s[k:, k:] @ lv))
    lo, hi = (-20 * sd_theta, 20 * sd_theta) if grid is None else grid
    step = (hi - lo) / (grid_points - 1)
    thetas = np.linspace(lo, hi, grid_points)
    if grid is None:
        # HonestDiD's grid is centred on zero; an estimate more than 20 standard errors
        # away would fall outside it, so extend it (same points and step) to cover
        # the estimate +-20 standard errors.
        est = float(lv @ b[k:])
        below = int(math.ceil(max(0.0, lo - (est - 20 * sd_theta)) / step))
        above = int(math.ceil(max(0.0, (est + 20 * sd_theta) - hi) / step))
        thetas = lo + step * np.arange(-below, grid_points + above)
        lo, hi = float(thetas[0]), float(thetas[-1])
    accept = _rm_accept(b, s, k, t, lv, mbar, thetas, alpha, lf_simulations, seed)
    ahead = np.arange(1, grid_points + 1) * step
    for _ in range(6):
        # A set accepted at an end of the grid is open there: extend that side by the
        # grid's width at the same step (HonestDiD only warns).
        if not (accept[0] or accept[-1]):
            break
        low = lo - ahead[::-1] if accept[0] else []
        high = hi + ahead if accept[-1] else []
        extra = np.concatenate([np.asarray(low, dtype=float), np.asarray(high, dtype=float)])
        more = _rm_accept(b, s, k, t, lv, mbar, extra, alpha, lf_simulations, seed)
        thetas = np.concatenate([thetas, extra])
        accept = np.concatenate([accept, more])
        order = np.argsort(thetas)
        thetas, accept = thetas[order], accept[order]
        lo, hi = thetas[0], thetas[-1]
    else:
        if accept[0] or accept[-1]:
            import warnings

            from ...exceptions import VeneconWarning

            warnings.warn(f"relative magnitudes, Mbar = {mbar:g}: the confidence set is open "
                          f"(accepted at the end of the grid [{lo:.4g}, {hi:.4g}]); the bound "
                          "shown is that end", VeneconWarning, stacklevel=2)
    if not accept.any():
        return float("nan"), float("nan")
    return float(thetas[accept].min()), float(thetas[accept].max())


# --------------------------------------------------------------------------- FLCI


_FOLDED_DRAWS: dict[int, Any] = {}


def _folded_normal_quantile(p: float, mu: float, seed: int | None = None) -> float:
    """``q`` with ``P(|Z + mu| <= q) = p`` for standard normal ``Z``.

    With ``seed`` given, the simulated quantile of HonestDiD instead: the
    ``p`` quantile (type 7) of ``|Z_i + mu|`` over R's first 10^6 normal
    draws for that seed.
    """
    import numpy as np
    from scipy.optimize import brentq
    from scipy.special import ndtr, ndtri

    if seed is not None:
        if seed not in _FOLDED_DRAWS:
            _FOLDED_DRAWS.clear()
            _FOLDED_DRAWS[seed] = r_normal_draws(10**6, seed)
        return float(np.quantile(np.abs(_FOLDED_DRAWS[seed] + mu), p))
    mu = abs(mu)
    if mu == 0:
        return float(ndtri((1 + p) / 2))
    lo, hi = max(0.0, mu + ndtri(p) - 1.0), mu + ndtri(p) + 1.0
    # P(|Z+mu| <= q) = Phi(q - mu) - Phi(-q - mu), increasing in q.
    return float(brentq(lambda q: ndtr(q - mu) - ndtr(-q - mu) - p, lo, hi, xtol=1e-14,
                        rtol=1e-15))


@dataclass(frozen=True)
class _FlciProblem:
    """Worst-case bias and variance of ``v_pre' beta_pre + l' beta_post`` over ``Delta^SD``.

    The pre-period weights are parametrised by their cumulative sums ``w``
    (``w_j = v_1 + ... + v_j``); unbiasedness for linear trends through the
    reference period is ``sum(w) = sum_t t l_t``, and the worst-case bias over
    ``Delta^SD(M)`` is ``M * (const + sum_j |w_1 + ... + w_j|)`` (Rambachan and
    Roth 2023, Appendix; the same parametrisation as HonestDiD).
    """

    sigma: Any
    num_pre: int
    l_vec: Any
    const: float = field(init=False)
    target: float = field(init=False)

    def __post_init__(self) -> None:
        import numpy as np

        lv = np.asarray(self.l_vec)
        t = len(lv)
        tt = np.arange(1, t + 1)
        const = sum(abs(float(np.arange(1, s + 1) @ lv[t - s:])) for s in range(1, t + 1))
        object.__setattr__(self, "const", const - float(tt @ lv))
        object.__setattr__(self, "target", float(tt @ lv))

    def weights(self, w: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.diff(np.concatenate([[0.0], w]))

    def variance(self, w: np.ndarray) -> float:
        import numpy as np

        v = np.concatenate([self.weights(w), self.l_vec])
        return float(v @ self.sigma @ v)

    def bias(self, w: np.ndarray) -> float:
        import numpy as np

        return self.const + float(np.abs(np.cumsum(w)).sum())

    def quad(self) -> tuple[np.ndarray, np.ndarray, float]:
        """``variance(w) = w' Q w + q' w + c``."""
        import numpy as np

        k = self.num_pre
        d = np.eye(k) - np.eye(k, k=-1)  # v = D w
        s_pre, s_pp = self.sigma[:k, :k], self.sigma[:k, k:]
        lv = np.asarray(self.l_vec)
        return d.T @ s_pre @ d, 2 * d.T @ s_pp @ lv, float(lv @ self.sigma[k:, k:] @ lv)

    def min_variance(self) -> np.ndarray:
        """``w`` of the smallest variance subject to ``sum(w) = target`` (closed form)."""
        import numpy as np

        q, lin, _ = self.quad()
        k = self.num_pre
        kkt = np.zeros((k + 1, k + 1))
        kkt[:k, :k] = 2 * q
        kkt[:k, k] = kkt[k, :k] = 1.0
        rhs = np.concatenate([-lin, [self.target]])
        return np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]

    def min_bias(self, h: float, start: np.ndarray) -> np.ndarray:
        """``w`` of the smallest worst-case bias with standard deviation at most ``h``.

        Linear objective in ``(u, w)`` with ``-u <= cumsum(w) <= u``, ``sum(w) =
        target`` and the convex quadratic constraint ``variance <= h^2`` (SLSQP;
        the problem is convex, so its local solution is the global one).
        """
        import numpy as np
        from scipy.optimize import minimize

        k = self.num_pre
        q, lin, c0 = self.quad()
        low = np.tril(np.ones((k, k)))
        scale = h * h

        def obj(x: np.ndarray) -> float:
            return float(x[:k].sum())

        def obj_grad(x: np.ndarray) -> np.ndarray:
            return np.concatenate([np.ones(k), np.zeros(k)])

        a_abs = np.vstack([np.hstack([np.eye(k), -low]), np.hstack([np.eye(k), low])])
        eq_jac = np.concatenate([np.zeros(k), np.ones(k)])[None, :]

        # The inequalities |cumsum(w)| <= u and variance <= h^2 as one constraint (SLSQP
        # stacks them in this order either way; one call per evaluation instead of two).
        def ineq(x: np.ndarray) -> np.ndarray:
            w = x[k:]
            return np.concatenate([a_abs @ x, [(scale - (w @ q @ w + lin @ w + c0)) / scale]])

        def ineq_jac(x: np.ndarray) -> np.ndarray:
            quad = np.concatenate([np.zeros(k), -(2 * q @ x[k:] + lin)])[None, :] / scale
            return np.vstack([a_abs, quad])

        cons = [
            {"type": "ineq", "fun": ineq, "jac": ineq_jac},
            {"type": "eq", "fun": lambda x: np.array([x[k:].sum() - self.target]),
             "jac": lambda x: eq_jac},
        ]
        x0 = np.concatenate([np.abs(np.cumsum(start)) + 1e-12, start])
        res = minimize(obj, x0, jac=obj_grad, constraints=cons, method="SLSQP",
                       options={"ftol": 1e-15, "maxiter": 1000})
        # Any feasible w gives a valid interval; should the solver stop at an infeasible
        # point, keep the feasible candidate with the smallest bias (the minimum-variance
        # weights always are feasible), so the interval stays valid if not optimal.
        limit = scale * (1 + 1e-6) + 1e-300
        candidates = [w for w in (res.x[k:], start, self.min_variance())
                      if abs(w.sum() - self.target) <= 1e-8 * max(1.0, abs(self.target))
                      and self.variance(w) <= limit]
        return min(candidates, key=self.bias)


def smoothness_flci(beta: Any, sigma: Any, num_pre: int, m: float, *,
                    l_vec: Sequence[float] | None = None, alpha: float = 0.05,
                    folded_normal: str = "exact", seed: int = 0,
                    ) -> tuple[float, float, np.ndarray]:
    """Optimal FLCI for ``l' tau_post`` under ``Delta^SD(m)``: ``(lower, upper, v)``.

    ``v`` are the weights of the affine estimator ``v' beta`` (pre-periods first).
    The standard deviation ``h`` is searched between the smallest achievable
    and the one of the smallest-bias estimator; for each ``h`` the worst-case
    bias is minimised; the half-length ``h * cv_{1-alpha}(m * bias / h)`` is
    minimised over ``h`` (bounded Brent search; HonestDiD bisects a numerical
    derivative of the same convex function). Reproduces HonestDiD's
    ``findOptimalFLCI``.

    ``folded_normal="exact"`` uses the exact quantile of the folded normal;
    ``"simulated"`` HonestDiD's Monte Carlo one (10^6 of R's draws for ``seed``),
    which reproduces its printed intervals digit for digit.
    """
    import numpy as np
    from scipy.optimize import minimize_scalar

    b, s, k, _, lv = _inputs(beta, sigma, num_pre, l_vec)
    if not (math.isfinite(m) and m >= 0):
        raise ModelSpecificationError(f"m must be a finite number >= 0, got {m!r}")
    if folded_normal not in ("exact", "simulated"):
        raise ModelSpecificationError(
            f"folded_normal must be 'exact' or 'simulated', got {folded_normal!r}")
    fseed = seed if folded_normal == "simulated" else None

    def cv(mu: float) -> float:
        return _folded_normal_quantile(p, mu, fseed)

    prob = _FlciProblem(s, k, lv)
    w_var = prob.min_variance()
    h_min = math.sqrt(max(prob.variance(w_var), 0.0))
    w_bias = np.zeros(k)
    w_bias[-1] = prob.target
    h_max = math.sqrt(max(prob.variance(w_bias), 0.0))
    p = 1 - alpha

    if m == 0 or h_max <= h_min * (1 + 1e-12):
        w = w_var
        half = cv(0.0) * h_min if m == 0 else cv(m * prob.bias(w) / h_min) * h_min
    else:
        cache: dict[float, np.ndarray] = {}

        def length(h: float) -> float:
            w_h = prob.min_bias(h, w_var if h < (h_min + h_max) / 2 else w_bias)
            cache[h] = w_h
            bias = m * prob.bias(w_h)
            return cv(bias / h) * h

        opt = minimize_scalar(length, bounds=(h_min, h_max), method="bounded",
                              options={"xatol": 1e-12 * h_max, "maxiter": 500})
        ends = {h_min: length(h_min), h_max: length(h_max)}
        h_star, half = float(opt.x), float(opt.fun)
        for h_end, val in ends.items():
            if val < half:
                h_star, half = h_end, val
        w = cache[h_star] if h_star in cache else prob.min_bias(h_star, w_var)
        half = cv(m * prob.bias(w) / h_star) * h_star
    v = np.concatenate([prob.weights(w), lv])
    centre = float(v @ b)
    return centre - half, centre + half, v


# --------------------------------------------------------------------------- pre-trend power


def pretrend_power(sigma_pre: Any, pre_times: Sequence[float], *, alpha: float = 0.05,
                   slope: float | None = None, target_power: Sequence[float] = (0.5, 0.8),
                   ) -> dict[str, Any]:
    """Power of the pre-test against a linear pre-trend (Roth 2022).

    The pre-test rejects parallel trends when any pre-period coefficient is
    individually significant (``|beta_t / se_t| > z_{1-alpha/2}``). Against the
    trend ``delta_t = slope * t`` (``t``: event time relative to the reference
    period, negative before it) its power is ``1 - P(all |beta_t| <= z se_t)``
    with ``beta_pre ~ N(delta_pre, Sigma_pre)``. The rectangle probability is
    computed by :class:`~venecon.models.did.rectangle.NormalRectangle`: exact for
    one pre-period, a nested Gauss-Legendre rule up to five (error 1e-10 or less
    unless the correlations are nearly singular), fixed scrambled Sobol' points
    beyond (error about 1e-5); either way the same smooth function of ``slope``
    on every call, so the slopes with each
    ``target_power`` (Brent's method in ``|slope|``, as the pretrends package's
    ``slope_for_power`` with ``uniroot``) are reproducible and as accurate as the
    power: ``slope_error`` is ``power_error`` divided by the power's derivative.

    Returns
    -------
    dict
        ``alpha``; ``size`` (the power at slope 0); ``slopes`` {target power:
        slope}; ``power_error``, the largest estimated absolute error of the
        power at slope 0 and at those slopes; ``slope_error`` {target power:
        absolute error of the slope}; ``method`` of the rectangle probability;
        and, if ``slope`` is given, ``power`` against it.

    Validated (``tests/test_models_honest.py``) against the pretrends README
    (He and Wang 2017: slope with 50% power 0.05205871, found there with
    ``uniroot``'s default tolerance 1.2e-4 and critical value 1.96) and against
    R's ``mvtnorm::pmvnorm`` (Miwa algorithm, deterministic) to 1e-9.
    """
    import numpy as np
    from scipy.optimize import brentq
    from scipy.special import ndtri

    from .rectangle import accurate_rectangle

    s = np.asarray(sigma_pre, dtype="float64")
    tt = np.asarray(pre_times, dtype="float64").ravel()
    if s.shape != (len(tt), len(tt)) or len(tt) == 0:
        raise ModelSpecificationError(
            f"sigma_pre must be {len(tt)} x {len(tt)} for {len(tt)} pre-periods, got {s.shape}")
    se = np.sqrt(np.diag(s))
    if not (se > 0).all():
        raise ModelSpecificationError("every pre-period coefficient needs a positive variance")
    z = float(ndtri(1 - alpha / 2))

    def limits(g: float) -> tuple[np.ndarray, np.ndarray]:
        mu = g * tt / se
        return -z - mu, z - mu

    # one rule for every slope (chosen at slope 0), so the power is a smooth function of it
    rect = accurate_rectangle(s / np.outer(se, se), *limits(0.0))

    def power(g: float) -> float:
        return 1.0 - rect.probability(*limits(g))

    out: dict[str, Any] = {"alpha": alpha, "size": power(0.0), "slopes": {}, "slope_error": {},
                           "method": rect.method}
    errors = [rect.error(*limits(0.0))]
    scale = float(np.max(se / np.maximum(np.abs(tt), 1)))
    for target in target_power:
        if out["size"] >= target:  # the pre-test's size already reaches it: no trend needed
            out["slopes"][float(target)], out["slope_error"][float(target)] = 0.0, 0.0
            continue
        hi = scale
        while power(hi) < target and hi < 1e6 * scale:
            hi *= 2
        g = float(brentq(lambda x, tg=target: power(x) - tg, 0.0, hi, xtol=1e-12 * scale))
        err = rect.error(*limits(g))
        dpower = (power(1.0001 * g) - power(0.9999 * g)) / (2e-4 * g)
        out["slopes"][float(target)] = g
        out["slope_error"][float(target)] = err / dpower if dpower > 0 else float("inf")
        errors.append(err)
    out["power_error"] = max(errors)
    if slope is not None:
        out["power"] = power(float(slope))
    return out


# --------------------------------------------------------------------------- driver


def _breakdown(includes_zero: Any, upper: float, tol: float) -> float:
    """Smallest value in ``[0, upper]`` at which ``includes_zero`` holds (bisection).

    ``nan`` if it already holds at 0 (no significant conclusion to break down);
    ``inf`` if it does not hold up to ``upper`` (doubled up to 2^20 times first).
    """
    if includes_zero(0.0):
        return float("nan")
    hi = upper
    for _ in range(20):
        if includes_zero(hi):
            break
        hi *= 2
    else:
        return float("inf")
    lo = 0.0
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if includes_zero(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _default_m_grid(b: np.ndarray, s: np.ndarray, k: int, alpha: float) -> tuple[float, ...]:
    import numpy as np
    from scipy.special import ndtri

    path = np.concatenate([b[:k], [0.0]])  # pre-periods and the reference period
    if len(path) < 3:
        top = float(np.sqrt(s[0, 0]))
    else:
        d2 = np.zeros((len(path) - 2, len(path)))
        for r in range(len(path) - 2):
            d2[r, r:r + 3] = (1.0, -2.0, 1.0)
        d2 = d2[:, :k]  # the reference period is fixed at zero
        full = np.concatenate([d2, np.zeros((len(d2), len(b) - k))], axis=1)
        se = np.sqrt(np.diag(full @ s @ full.T))
        top = float(np.max(np.abs(full @ b) + ndtri(1 - alpha / 2) * se))
    return tuple(float(f"{x:.3g}") for x in np.linspace(0.0, top, 10))


def honest_did(beta: Any, sigma: Any, num_pre: int, *, options: HonestOptions | None = None,
               event_times: Sequence[int] | None = None, reference: int = -1,
               label: str = "theta", source: str = "",
               data: dict[str, Any] | None = None) -> HonestResults:
    """Relative-magnitudes and smoothness sensitivity, breakdown values and pre-trend power.

    Parameters
    ----------
    beta, sigma : array
        Event-study coefficients and covariance, pre-periods first, the
        reference period left out (as HonestDiD's ``betahat``, ``sigma``).
    num_pre : int
        Number of pre-period coefficients.
    options : HonestOptions, optional
        Grids, level and simulation settings.
    event_times : sequence of int, optional
        Event time of each coefficient (default ``-num_pre-1..-2`` and ``0..``,
        i.e. reference period -1); used for the pre-trend power.
    reference : int, default -1
        Event time of the omitted (reference) period.
    label, source : str
        What ``theta`` is and which estimator produced ``beta`` (for the summary).
    data : dict, optional
        Provenance of the data behind ``beta`` (the ``provenance["data"]`` of the
        event-study result); default: the sha256 of ``beta`` and ``sigma``.

    Returns
    -------
    HonestResults
    """
    import numpy as np
    import pandas as pd

    o = options or HonestOptions()
    if not isinstance(o, HonestOptions):
        raise ModelSpecificationError(f"options must be a HonestOptions, got {type(o).__name__}")
    b, s, k, t, lv = _inputs(beta, sigma, num_pre, o.l_vec)
    est, se, lo0, hi0 = original_ci(b, s, k, lv, o.alpha)
    rm_kw = dict(l_vec=lv, alpha=o.alpha, grid_points=o.grid_points,
                 lf_simulations=o.lf_simulations, seed=o.seed)
    rm_rows = [(mb, *relative_magnitudes_ci(b, s, k, mb, **rm_kw)) for mb in o.mbar]
    m_grid = o.m if o.m is not None else _default_m_grid(b, s, k, o.alpha)
    sd_rows = [(mm, *smoothness_flci(b, s, k, mm, l_vec=lv, alpha=o.alpha)[:2]) for mm in m_grid]

    def rm_zero(mb: float) -> bool:
        lo, hi = relative_magnitudes_ci(b, s, k, mb, **rm_kw)
        return not (lo > 0 or hi < 0)  # an empty set (nan) does not exclude zero either

    def sd_zero(mm: float) -> bool:
        lo, hi, _ = smoothness_flci(b, s, k, mm, l_vec=lv, alpha=o.alpha)
        return lo <= 0 <= hi

    tol = o.breakdown_tol
    bd_rm = _breakdown(rm_zero, 2.0, tol)
    bd_sd = _breakdown(sd_zero, max(se, 1e-12), tol * se)
    times = (np.asarray(event_times, dtype=float) if event_times is not None
             else np.concatenate([np.arange(-k - 1, -1), np.arange(t)]).astype(float))
    if len(times) != len(b):
        raise ModelSpecificationError(
            f"event_times has {len(times)} entries for {len(b)} coefficients")
    power = pretrend_power(s[:k, :k], times[:k] - reference, alpha=o.alpha,
                           target_power=o.target_power)
    rm = pd.DataFrame(rm_rows, columns=["mbar", "lower", "upper"])
    sd = pd.DataFrame(sd_rows, columns=["m", "lower", "upper"])
    if data is None:
        import hashlib

        digest = hashlib.sha256(b.tobytes() + s.tobytes()).hexdigest()
        data = {"datasets": {"user-supplied": digest}, "data_version": None}
    from ..core.results import build_provenance

    prov = build_provenance(model="venecon.models.did.honest.honest_did", data=data, sample=None,
                            options={**o.to_dict(), "num_pre": k, "num_post": t,
                                     "source": source}, seed=o.seed)
    refit = partial(honest_did, beta, sigma, num_pre, event_times=event_times,
                    reference=reference, label=label, source=source, data=data)
    return HonestResults(provenance=prov, relative_magnitudes=rm, smoothness=sd,
                         original=(est, se, lo0, hi0), breakdown_rm=bd_rm, breakdown_sd=bd_sd,
                         pretrend=power, options=o, num_pre=k, num_post=t, l_vec=tuple(lv),
                         label=label, source=source, refit=refit)


def event_study_sensitivity(estimates: pd.Series, cov: pd.DataFrame, reference: int, *,
                            options: HonestOptions | None = None, effect: int | None = None,
                            source: str = "", data: dict[str, Any] | None = None,
                            ) -> HonestResults:
    """:func:`honest_did` on an event study given as estimates indexed by event time.

    Parameters
    ----------
    estimates : Series
        Coefficients indexed by integer event time, the reference period left
        out (or included with value 0, then dropped); the index must be
        consecutive around the reference period.
    cov : DataFrame
        Their covariance, rows and columns in the order of ``estimates``.
    reference : int
        The omitted event time; earlier times are pre-periods, later ones post.
    options : HonestOptions, optional
        As :func:`honest_did`; ``options.l_vec`` overrides ``effect``.
    effect : int, optional
        Event time of the effect examined (default: the first post-period).
    source : str
        The estimator (for the summary).
    data : dict, optional
        Provenance of the event study's data (recorded in the result).
    """
    import numpy as np

    o = options or HonestOptions()
    times = np.asarray(estimates.index, dtype="int64")
    b = estimates.to_numpy(dtype="float64")
    v = np.asarray(cov, dtype="float64")
    keep = times != reference
    times, b, v = times[keep], b[keep], v[np.ix_(keep, keep)]
    order = np.argsort(times, kind="stable")
    times, b, v = times[order], b[order], v[np.ix_(order, order)]
    full = np.arange(times.min(), times.max() + 1)
    full = full[full != reference]
    if len(times) != len(full) or (times != full).any():
        raise ModelSpecificationError(
            f"sensitivity analysis needs consecutive event times around the reference period "
            f"{reference}; got {times.tolist()}. Re-estimate with a contiguous window")
    pre, post = times[times < reference], times[times > reference]
    if not len(pre) or not len(post):
        raise ModelSpecificationError(
            f"sensitivity analysis needs pre-period and post-period coefficients around the "
            f"reference period {reference}; got event times {times.tolist()}")
    if post[0] != reference + 1:
        raise ModelSpecificationError(
            f"the first post-period ({post[0]}) must follow the reference period {reference}")
    if o.l_vec is None:
        first = int(post[0]) if effect is None else int(effect)
        if first not in set(post.tolist()):
            raise ModelSpecificationError(
                f"effect must be a post-period event time ({post.tolist()}), got {effect!r}")
        lv = (post == first).astype(float)
        o = HonestOptions(**{**o.to_dict(), "l_vec": tuple(lv)})
        label = f"effect at event time {first}"
    else:
        label = "l_vec' tau_post"
    return honest_did(b, v, len(pre), options=o, event_times=times, reference=reference,
                      label=label, source=source, data=data)


#: Why :func:`honest_did` refuses a synthetic control (raised by its ``honest_did``).
SYNTHETIC_CONTROL_UNDEFINED = (
    "HonestDiD bounds are not defined for a synthetic control: its pre-treatment gaps are the "
    "targets the donor weights were fitted to, not estimates of a differential trend, and they "
    "have no sampling covariance (the method gives no sampling distribution, only placebo and "
    "conformal inference). Rambachan and Roth (2023) need event-study coefficients with a "
    "covariance matrix. Use SyntheticDiD (its placebo, jackknife or bootstrap replications give "
    "the covariance of the whole gap path) with results.honest_did(), or the conformal "
    "intervals of SyntheticControl (fit(conformal=True))")


def synthetic_did_sensitivity(result: Any, options: HonestOptions | None = None, *,
                              effect: int | None = None, pre_periods: int | None = None,
                              ) -> HonestResults:
    """:func:`honest_did` on the per-period effects of a synthetic difference-in-differences.

    The event study is the SDID gap path (treated mean minus the
    ``omega``-weighted controls, :attr:`SyntheticDiDResults.gaps`) *relative to
    the last pre-treatment period*, which is the reference (event time -1,
    left out): ``beta_e = gap_{T0+e} - gap_{T0-1}`` for the pre-periods
    ``e = -T0..-2`` and the post-periods ``e = 0..``. Post-period ``beta_e``
    therefore differ from SDID's per-period effects (relative to the
    ``lambda``-weighted pre-period average) by the constant ``gap_{T0-1} -
    lambda' gap_pre``; the reference is a single period because the
    Rambachan-Roth restrictions bound changes of the differential trend from
    one period to the next. The covariance of ``beta`` is that of the same
    contrasts across the placebo, bootstrap or jackknife replications of the
    whole path (:attr:`SyntheticDiDResults.path_replications`), scaled as R
    ``synthdid``'s standard errors (``(r-1)/r`` times the sample covariance,
    the jackknife's ``(n-1)/n`` times the sum of squares).

    Parameters
    ----------
    result : SyntheticDiDResults
        A fit with ``method`` "sdid" or "did" and replications (``se`` not "none").
    options : HonestOptions, optional
        As :func:`honest_did`.
    effect : int, optional
        Event time of the effect examined (default 0, the first post-period).
    pre_periods : int, optional
        Use only the last ``pre_periods`` pre-period coefficients (default all
        ``T0 - 1``); the C-LF cost grows with their number.

    Notes
    -----
    The unit weights are fitted to the pre-treatment path, so the pre-period
    gaps show only the part of a differential trend the weights could not
    absorb, and the placebo replications (which refit the weights) measure
    their spread under that fitting. The bounds take the pre-period gaps as
    the measure of pre-treatment violations, as Rambachan and Roth (2023) do
    for event-study coefficients; with ``method="sc"`` (no intercept, no time
    weights) the pre-period gaps are pure fitting residuals and the bounds are
    refused, as for :class:`~venecon.models.SyntheticControl`. Validated in
    ``tests/test_models_honest_paths.py`` on simulated panels with a known
    effect and a known linear differential trend. Under such a trend the
    ``M = 0`` interval covers the effect at its nominal rate with
    ``method="did"`` (96% in 100 panels), less with ``method="sdid"`` (79%):
    the fitted unit weights absorb part of the trend, so its extrapolation
    under-corrects (docs/guide/estimators.md).
    """
    import numpy as np
    import pandas as pd

    method = getattr(result, "method", None)
    if method == "sc":
        raise ModelSpecificationError(
            "honest_did is not defined for SyntheticDiD(method='sc'): "
            + SYNTHETIC_CONTROL_UNDEFINED)
    if method not in ("sdid", "did") or not hasattr(result, "path_replications"):
        raise ModelSpecificationError(
            f"synthetic_did_sensitivity needs a SyntheticDiD result, got {type(result).__name__}")
    reps = result.path_replications
    if reps is None:
        raise ModelSpecificationError(
            "honest_did needs the covariance of the gap path, estimated from replications; this "
            "SyntheticDiD was fitted with se='none'. Refit with se='placebo' (or 'jackknife', "
            "'bootstrap')")
    gaps = result.gaps
    t0 = len(result.time_weights)
    if t0 < 2:
        raise ModelSpecificationError(
            f"honest_did needs at least two pre-treatment periods (one beside the reference), "
            f"got {t0}")
    k = t0 - 1 if pre_periods is None else pre_periods
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or not 1 <= k <= t0 - 1:
        raise ModelSpecificationError(
            f"pre_periods must be an integer from 1 to {t0 - 1}, got {pre_periods!r}")
    ref = t0 - 1
    cols = [*range(ref - int(k), ref), *range(t0, len(gaps))]
    g = gaps.to_numpy(dtype="float64")
    d = reps.loc[:, list(gaps.index)].to_numpy(dtype="float64")
    beta = g[cols] - g[ref]
    contrasts = d[:, cols] - d[:, [ref]]
    r = len(contrasts)
    centred = contrasts - contrasts.mean(axis=0)
    scale = (r - 1) / r if result.se_method == "jackknife" else 1.0 / r
    cov = scale * centred.T @ centred
    times = [*range(-int(k) - 1, -1), *range(len(gaps) - t0)]
    return event_study_sensitivity(
        pd.Series(beta, index=times), pd.DataFrame(cov, index=times, columns=times), -1,
        options=options, effect=effect,
        source=f"SyntheticDiD ({method}, {result.se_method} covariance, gaps relative to "
               f"{gaps.index[ref]})", data=result.provenance.get("data"))


# --------------------------------------------------------------------------- results


class HonestResults(HeadlineFields, Frozen):
    """Sensitivity of an event-study effect to violations of parallel trends (immutable).

    Follows the results protocol (docs/guide/results.md): :attr:`headline` is
    the effect under exact parallel trends; :meth:`path` has one row per
    restriction and bound; ``conf_int(alpha)``, ``path(alpha)`` and
    ``plot(alpha)`` at another level than the fitted one rerun the analysis
    with that ``alpha`` (same grids, seed and simulations).

    Attributes
    ----------
    relative_magnitudes : DataFrame
        ``mbar, lower, upper``: C-LF confidence sets under ``Delta^RM(mbar)``.
    smoothness : DataFrame
        ``m, lower, upper``: FLCIs under ``Delta^SD(m)``.
    original : dict
        ``estimate, std_error, lower, upper`` under exact parallel trends.
    breakdown : dict
        ``relative_magnitudes`` and ``smoothness``: smallest ``Mbar`` / ``M`` at
        which the interval includes zero (``nan``: it already does at 0;
        ``inf``: never within the search). Precision ``options.breakdown_tol``
        (times the standard error for ``M``).
    pretrend : dict
        Roth (2022) power of the pre-test: slopes with 50% / 80% power.
    """

    def __init__(self, *, provenance: dict[str, Any], relative_magnitudes: pd.DataFrame,
                 smoothness: pd.DataFrame,
                 original: tuple[float, float, float, float], breakdown_rm: float,
                 breakdown_sd: float, pretrend: dict[str, Any] | None, options: HonestOptions,
                 num_pre: int, num_post: int, l_vec: tuple[float, ...], label: str,
                 source: str, refit: Callable[[HonestOptions], HonestResults] | None = None,
                 ) -> None:
        import copy

        self._provenance = copy.deepcopy(provenance)
        self._rm = relative_magnitudes.copy()
        self._sd = smoothness.copy()
        est, se, lo, hi = original
        self._original = {"estimate": est, "std_error": se, "lower": lo, "upper": hi}
        self._breakdown = {"relative_magnitudes": breakdown_rm, "smoothness": breakdown_sd}
        self._pretrend = dict(pretrend) if pretrend else None
        self._options = options
        self._shape = (num_pre, num_post, tuple(l_vec))
        self._label = label
        self._source = source
        self._refit = refit
        self._freeze()

    def at_alpha(self, alpha: float) -> HonestResults:
        """The same sensitivity analysis with ``1 - alpha`` intervals (this result if equal)."""
        from ..core.checks import check_alpha

        alpha = check_alpha(alpha)
        if math.isclose(alpha, self.alpha):
            return self
        if self._refit is None:
            raise ModelSpecificationError(
                "this HonestResults cannot be recomputed at another alpha; run honest_did with "
                f"HonestOptions(alpha={alpha})")
        return self._refit(options=HonestOptions(**{**self._options.to_dict(), "alpha": alpha}))

    # --- the protocol -------------------------------------------------------------------
    @property
    def headline(self) -> Headline:
        """The effect under exact parallel trends with its standard error and interval."""
        o = self._original
        se = o["std_error"]
        return Headline(name=self._label, estimate=o["estimate"], std_error=se,
                        pvalue=two_sided_pvalue(o["estimate"] / se) if se > 0 else math.nan,
                        lower=o["lower"], upper=o["upper"], alpha=self.alpha,
                        inference="normal, under exact parallel trends")

    def path(self, alpha: float | None = None) -> pd.DataFrame:
        """One row per interval: ``period`` is the bound (``Mbar`` or ``M``; NaN for the
        original), ``estimate`` the point estimate, ``restriction`` and ``method`` say which."""
        r = self if alpha is None else self.at_alpha(alpha)
        frame = r.to_frame()
        o = r.original
        return path_frame(frame["bound"], o["estimate"], o["std_error"], frame["lower"],
                          frame["upper"], restriction=frame["restriction"],
                          method=frame["method"])

    @property
    def relative_magnitudes(self) -> pd.DataFrame:
        """``mbar, lower, upper`` (a copy)."""
        return self._rm.copy()

    @property
    def smoothness(self) -> pd.DataFrame:
        """``m, lower, upper`` (a copy)."""
        return self._sd.copy()

    @property
    def original(self) -> dict[str, float]:
        """Estimate, standard error and interval under exact parallel trends."""
        return dict(self._original)

    @property
    def breakdown(self) -> dict[str, float]:
        """Breakdown ``Mbar`` (relative magnitudes) and ``M`` (smoothness)."""
        return dict(self._breakdown)

    @property
    def pretrend(self) -> dict[str, Any] | None:
        """Pre-trend power (Roth 2022): ``size``, ``slopes`` {power: slope}, their errors.

        See ``venecon.models.did.honest.pretrend_power``.
        """
        if self._pretrend is None:
            return None
        return {k: dict(v) if isinstance(v, dict) else v for k, v in self._pretrend.items()}

    @property
    def options(self) -> HonestOptions:
        """The :class:`HonestOptions` used."""
        return self._options

    @property
    def provenance(self) -> dict[str, Any]:
        """Data behind the event study, options, seed and package versions (a copy)."""
        import copy

        return copy.deepcopy(self._provenance)

    @property
    def alpha(self) -> float:
        """One minus the coverage of every interval."""
        return float(self._options.alpha)

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """All intervals in one frame (:meth:`to_frame`), at ``1 - alpha`` (default: the fitted)."""
        return (self if alpha is None else self.at_alpha(alpha)).to_frame()

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: ``restriction, bound, lower, upper, method``."""
        import pandas as pd

        o = self._original
        rows = [{"restriction": "parallel trends", "bound": float("nan"), "lower": o["lower"],
                 "upper": o["upper"], "method": "original"}]
        rows += [{"restriction": "relative magnitudes", "bound": r.mbar, "lower": r.lower,
                  "upper": r.upper, "method": "C-LF"} for r in self._rm.itertuples()]
        rows += [{"restriction": "smoothness", "bound": r.m, "lower": r.lower,
                  "upper": r.upper, "method": "FLCI"} for r in self._sd.itertuples()]
        return pd.DataFrame(rows)

    def _header(self) -> list[tuple[str, str]]:
        k, t, lv = self._shape
        o = self._original
        bd = self._breakdown
        head = [("Effect", self._label), ("Event study", self._source or "user-supplied"),
                ("Pre / post coefficients", f"{k} / {t}"),
                ("l_vec", ", ".join(f"{x:g}" for x in lv)),
                ("Estimate (s.e.)", f"{o['estimate']:.4g} ({o['std_error']:.4g})"),
                ("Breakdown Mbar (relative magnitudes)", _fmt_bd(bd["relative_magnitudes"])),
                ("Breakdown M (smoothness)", _fmt_bd(bd["smoothness"]))]
        if self._pretrend:
            slopes = ", ".join(f"{100 * p:g}%: {g:.4g}"
                               for p, g in self._pretrend["slopes"].items())
            head.append(("Pre-trend slope with power", slopes))
        return head

    def summary(self) -> Any:
        """Summary (text, HTML, LaTeX) of the intervals and breakdown values."""
        from ..core.results import Summary

        notes = [
            f"{100 * (1 - self.alpha):g}% intervals. Relative magnitudes: C-LF hybrid of Andrews, "
            f"Roth and Pakes (grid of {self._options.grid_points} values, least-favourable "
            f"critical value from {self._options.lf_simulations} draws, "
            f"seed {self._options.seed}); "
            "smoothness: optimal FLCI (Rambachan and Roth 2023).",
            "Breakdown value: smallest Mbar (M) whose interval includes zero; n/a when the "
            "interval at Mbar = 0 (M = 0) already includes zero.",
            "Reference reproduced: HonestDiD README Medicaid example "
            "(tests/test_models_honest.py).",
        ]
        tables = [("Relative magnitudes (Delta^RM)", self._rm.set_index("mbar")),
                  ("Smoothness (Delta^SD)", self._sd.set_index("m"))]
        return Summary("Honest DiD sensitivity (Rambachan-Roth)", self._header(), tables, notes)

    def to_latex(self) -> str:
        """The summary as LaTeX tables."""
        return self.summary().as_latex()

    def __str__(self) -> str:
        return self.summary().as_text()

    def __repr__(self) -> str:
        bd = self._breakdown
        return (f"<HonestResults: {self._label}, "
                f"breakdown Mbar {_fmt_bd(bd['relative_magnitudes'])}, "
                f"M {_fmt_bd(bd['smoothness'])}>")

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe content (intervals, breakdown values, power, options)."""
        from ..core.results import jsonable

        return jsonable({"label": self._label, "source": self._source,
                         "original": self._original, "relative_magnitudes": self._rm,
                         "smoothness": self._sd, "breakdown": self._breakdown,
                         "pretrend": self._pretrend, "options": self._options.to_dict(),
                         "provenance": self._provenance,
                         "num_pre": self._shape[0], "num_post": self._shape[1],
                         "l_vec": list(self._shape[2])})

    def plot(self, alpha: float | None = None, axes: Any = None) -> Figure:
        """Intervals against ``Mbar`` and ``M`` beside the original interval; returns the Figure.

        ``alpha`` other than the fitted level reruns the analysis at that level.
        """
        import matplotlib.pyplot as plt

        if alpha is not None and not math.isclose(alpha, self.alpha):
            return self.at_alpha(alpha).plot(axes=axes)

        if axes is None:
            fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
        else:
            fig = axes[0].figure
        o = self._original
        for ax, frame, col, name, key in (
                (axes[0], self._rm, "mbar", "Mbar (relative magnitudes, C-LF)",
                 "relative_magnitudes"),
                (axes[1], self._sd, "m", "M (smoothness, FLCI)", "smoothness")):
            x = frame[col].to_numpy()
            gap = float(min(x[1:] - x[:-1])) if len(x) > 1 else 1.0
            x0 = float(x.min()) - gap
            ax.errorbar([x0], [(o["lower"] + o["upper"]) / 2],
                        yerr=[[(o["upper"] - o["lower"]) / 2]], fmt="none", color="C3",
                        capsize=4, label="original")
            mid = (frame["lower"] + frame["upper"]) / 2
            ax.errorbar(x, mid, yerr=[mid - frame["lower"], frame["upper"] - mid], fmt="none",
                        color="C0", capsize=4, label="robust")
            ax.axhline(0, color="grey", lw=0.8)
            # the original interval sits one grid step left of the first bound, labelled as such
            ax.set_xticks([x0, *x], ["orig.", *(f"{v:g}" for v in x)])
            bd = self._breakdown[key]
            if bd == bd and bd != float("inf"):
                ax.axvline(bd, color="grey", ls=":", lw=1, label=f"breakdown {bd:.3g}")
            ax.set_xlabel(name)
            ax.legend(loc="best", fontsize=8)
        axes[0].set_ylabel(f"{100 * (1 - self.alpha):g}% interval for {self._label}")
        fig.suptitle("Sensitivity to violations of parallel trends")
        return fig


def _fmt_bd(value: float) -> str:
    if value != value:
        return "n/a (interval includes zero at 0)"
    if value == float("inf"):
        return "none found"
    return f"{value:.3g}"
