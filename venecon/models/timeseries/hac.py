"""Newey-West (Bartlett kernel) covariances and fixed-b critical values for them.

Newey-West intervals with a rule-of-thumb bandwidth are liberal in the
samples sanctions studies have: for :class:`~venecon.models.ITS` with 120
months, AR(1) errors with coefficient 0.5 and the ``"nw"`` rule (4 lags),
nominal 95% intervals for the level and slope changes cover the truth in
84.4% and 82.7% of 2000 simulations (``tests/test_models_its_coverage.py``,
where statsmodels' OLS with ``cov_type="HAC"`` gives the same intervals in
every repetition).

:class:`FixedB` is the small-sample-valid alternative of Kiefer and
Vogelsang (2002, 2005): a large Bartlett bandwidth ``M = b * n`` (by default
``b = 1``, no truncation) with critical values from the *fixed-b* limit
rather than the normal. The fixed-b limit depends on the deterministic
regressors (a trend, steps at events; Bunzel and Vogelsang 2005), so the
critical values are simulated for the model's own design: the distribution of
the HAC t-statistic of each coefficient (or linear combination) under i.i.d.
Gaussian errors, which is exact for Gaussian white noise and the fixed-b
approximation under weak dependence. In the simulation above, nominal 95%
fixed-b intervals cover 93.7% (level) and 92.7% (slope).

The covariance is computed with numpy (to evaluate thousands of simulated
draws at once) and equals statsmodels' ``cov_type="HAC"`` (``maxlags = M - 1``,
no small-sample correction) to rounding; the tests check this.

References
----------
Kiefer, N. M. and T. J. Vogelsang (2002). Heteroskedasticity-autocorrelation
robust standard errors using the Bartlett kernel without truncation.
*Econometrica* 70(5), 2093-2095.
Kiefer, N. M. and T. J. Vogelsang (2005). A new asymptotic theory for
heteroskedasticity-autocorrelation robust tests. *Econometric Theory* 21, 1130-1164.
Bunzel, H. and T. J. Vogelsang (2005). Powerful trend function tests that are
robust to strong serial correlation. *JBES* 23(4), 381-394.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...exceptions import ModelSpecificationError
from ...limits import check_bound

if TYPE_CHECKING:
    import numpy as np

__all__ = ["NeweyWest", "FixedB", "FixedBDraws", "bartlett_cov", "QuadraticSpectral", "quadratic_spectral",
           "andrews_bandwidth", "kernel_hac_cov"]

_CACHE: dict = {}  # (sha256 of the design, shape, option) -> FixedBDraws (read-only arrays)


@dataclass(frozen=True)
class NeweyWest:
    """Newey-West covariance with normal critical values (the default of :class:`ITS`).

    Parameters
    ----------
    lags : int or "nw", default "nw"
        Bartlett lags; ``"nw"`` is ``floor(4 * (n / 100) ** (2 / 9))``.
    """

    lags: int | str = "nw"


@dataclass(frozen=True)
class FixedB:
    """Bartlett HAC with bandwidth ``b * n`` and simulated fixed-b critical values.

    Recommended for reports: it keeps its nominal coverage in samples where
    Newey-West with a rule-of-thumb bandwidth does not (see the module docstring).

    Parameters
    ----------
    bandwidth : float, default 1.0
        ``b`` in (0, 1]: the Bartlett bandwidth as a share of the sample
        (``M = ceil(b * n)``, i.e. ``M - 1`` lags). ``b = 1`` is Kiefer and
        Vogelsang's (2002) estimator without truncation.
    n_sim : int, default 4999
        Simulated draws for the critical values and p-values.
    seed : int, default 0
        Seed of the simulation (recorded in the provenance).
    """

    bandwidth: float = 1.0
    n_sim: int = 4999
    seed: int = 0

    def __post_init__(self) -> None:
        b = self.bandwidth
        if isinstance(b, bool) or not isinstance(b, int | float) or not 0 < b <= 1:
            raise ModelSpecificationError(f"FixedB: bandwidth must be in (0, 1], got {b!r}")
        if isinstance(self.n_sim, bool) or not isinstance(self.n_sim, int) or self.n_sim < 99:
            raise ModelSpecificationError(f"FixedB: n_sim must be an int >= 99, got {self.n_sim!r}")
        check_bound(self.n_sim, "n_sim", "FixedB")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ModelSpecificationError(f"FixedB: seed must be an int, got {self.seed!r}")

    def window(self, nobs: int) -> int:
        """Bartlett window ``M = ceil(b * n)`` (weights ``1 - l / M``; ``M - 1`` lags)."""
        return max(1, min(nobs, int(math.ceil(self.bandwidth * nobs - 1e-9))))


def bartlett_cov(x: np.ndarray, resid: np.ndarray, window: int) -> np.ndarray:
    """Bartlett-kernel HAC covariance of OLS coefficients, for one or many residual vectors.

    ``resid`` is ``(n,)`` or ``(n, S)``; the result is ``(k, k)`` or ``(S, k, k)``.
    The kernel sum ``sum_{|l| < M} (1 - |l|/M) Gamma_l`` equals ``(1/M) sum_j B_j B_j'``
    with ``B_j`` the sums of the scores over the windows ``j .. j+M-1`` (scores
    zero outside the sample), which costs ``O((n + M) k^2)`` per draw instead of
    ``O(n M k^2)``. Equals statsmodels ``cov_type="HAC"``, ``maxlags=M-1``.
    """
    import numpy as np

    single = resid.ndim == 1
    u = (resid[:, None] if single else resid).T  # (S, n)
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    z = u[:, :, None] * x[None, :, :]  # scores, (S, n, k)
    c = np.concatenate([np.zeros((u.shape[0], 1, k)), np.cumsum(z, axis=1)], axis=1)
    j = np.arange(-(window - 1), n)
    b = c[:, np.minimum(j + window, n)] - c[:, np.maximum(j, 0)]
    s = np.matmul(b.transpose(0, 2, 1), b) / window
    cov = xtx_inv @ s @ xtx_inv
    return cov[0] if single else cov


class FixedBDraws:
    """Simulated fixed-b null draws for one design: critical values for any linear combination.

    Holds ``delta`` (``S x k``, the OLS coefficient errors) and ``cov``
    (``S x k x k``, their HAC covariances) for ``S`` i.i.d. N(0, 1) error
    vectors. The t-statistic of a combination ``g`` in draw ``s`` is
    ``g'delta_s / sqrt(g' cov_s g)``. :meth:`for_design` reuses the draws of
    a design already simulated (a refit, a simulation study).
    """

    def __init__(self, x: np.ndarray, option: FixedB) -> None:
        import numpy as np

        n, k = x.shape
        self.window = option.window(n)
        errors = np.random.default_rng(option.seed).standard_normal((n, option.n_sim))
        delta, *_ = np.linalg.lstsq(x, errors, rcond=None)
        resid = errors - x @ delta
        # In blocks of draws: the window sums take (n + M) * k * block floats.
        block = max(1, int(2e7 // ((n + self.window) * k)))
        cov = np.concatenate([bartlett_cov(x, resid[:, i:i + block], self.window)
                              for i in range(0, option.n_sim, block)], axis=0)
        delta = np.ascontiguousarray(delta.T)
        delta.setflags(write=False)
        cov.setflags(write=False)
        self.delta, self.cov = delta, cov
        # critical values by (combinations, alpha): a refit of the same design (a simulation
        # study, a placebo loop) asks for the same quantiles, each an m x S pass over the draws
        self._critical: dict[tuple[bytes, tuple[int, ...], float], np.ndarray] = {}

    @classmethod
    def for_design(cls, x: np.ndarray, option: FixedB) -> FixedBDraws:
        """The draws for design ``x`` and ``option``, from a small cache keyed by their bytes."""
        import hashlib

        import numpy as np

        x = np.ascontiguousarray(x, dtype="float64")
        key = (hashlib.sha256(x.tobytes()).hexdigest(), x.shape, option)
        if key not in _CACHE:
            if len(_CACHE) >= 8:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = cls(x, option)
        return _CACHE[key]

    def tstats(self, g: np.ndarray) -> np.ndarray:
        """``|t|`` of the combinations in the rows of ``g`` (``m x k``) in every draw: ``m x S``."""
        import numpy as np

        g = np.atleast_2d(np.asarray(g, dtype="float64"))
        num = g @ self.delta.T
        var = ((g[None, :, :] @ self.cov) * g[None, :, :]).sum(axis=2).T
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.abs(num / np.sqrt(var))

    def critical(self, g: np.ndarray, alpha: float) -> np.ndarray:
        """Two-sided ``1 - alpha`` critical values of the combinations in the rows of ``g``.

        A combination that is identically zero (no effect before an event) gets
        the normal critical value: its standard error is zero anyway.
        """
        import numpy as np
        from scipy import stats

        g = np.ascontiguousarray(np.atleast_2d(np.asarray(g, dtype="float64")))
        key = (g.tobytes(), g.shape, float(alpha))
        if key not in self._critical:
            out = np.full(g.shape[0], float(stats.norm.ppf(1 - alpha / 2)))
            live = np.abs(g).sum(axis=1) > 0
            if live.any():
                out[live] = np.quantile(self.tstats(g[live]), 1 - alpha, axis=1)
            out.setflags(write=False)
            if len(self._critical) >= 64:  # bounded: a few windows and levels per design
                self._critical.pop(next(iter(self._critical)))
            self._critical[key] = out
        return self._critical[key].copy()

    def pvalues(self, g: np.ndarray, t_observed: np.ndarray) -> np.ndarray:
        """Simulated two-sided p-values ``(1 + #{|t_s| >= |t|}) / (S + 1)``."""
        import numpy as np

        draws = self.tstats(g)
        exceed = (draws >= np.abs(np.asarray(t_observed))[:, None]).sum(axis=1)
        return (1 + exceed) / (draws.shape[1] + 1)


# --------------------------------------------------------------------------- kernel HAC


@dataclass(frozen=True)
class QuadraticSpectral:
    """Quadratic-spectral kernel HAC with Andrews (1991) bandwidth and VAR(1) prewhitening.

    The covariance of Andrews (1991) and Andrews and Monahan (1992) as R's
    ``sandwich::kernHAC(fit, kernel = "Quadratic Spectral", prewhite = 1,
    approx = "AR(1)")`` computes it (the reference of Bai and Perron 2003,
    Table 1, in strucchange's ``?RealInt``); :func:`kernel_hac_cov` matches it
    to rounding (``tests/fixtures/strucchange-extra_output.txt``).

    Parameters
    ----------
    prewhite : bool, default True
        Prewhiten the scores with a VAR(1) fitted by OLS without intercept and
        recolour the kernel estimate with ``(I - A)^{-1}`` (Andrews and Monahan 1992).
    bandwidth : float, optional
        Kernel bandwidth; default: Andrews' (1991) plug-in from univariate
        AR(1) fits to the (prewhitened) scores, with weight zero on the
        intercept's scores as ``sandwich::bwAndrews`` does.
    adjust : bool, default True
        Multiply by ``n / (n - k)`` (``sandwich``'s default small-sample factor).

    References
    ----------
    Andrews, D. W. K. (1991). Heteroskedasticity and autocorrelation consistent
    covariance matrix estimation. *Econometrica* 59(3), 817-858.
    Andrews, D. W. K. and J. C. Monahan (1992). An improved heteroskedasticity
    and autocorrelation consistent covariance matrix estimator. *Econometrica*
    60(4), 953-966.
    """

    prewhite: bool = True
    bandwidth: float | None = None
    adjust: bool = True

    def __post_init__(self) -> None:
        b = self.bandwidth
        if b is not None and (isinstance(b, bool) or not isinstance(b, int | float) or not b > 0):
            raise ModelSpecificationError(f"QuadraticSpectral: bandwidth must be > 0, got {b!r}")
        for name in ("prewhite", "adjust"):
            if not isinstance(getattr(self, name), bool):
                raise ModelSpecificationError(
                    f"QuadraticSpectral: {name} must be True or False, got {getattr(self, name)!r}")


def quadratic_spectral(x: np.ndarray) -> np.ndarray:
    """Quadratic-spectral kernel ``25 / (12 pi^2 x^2) (sin(z) / z - cos(z))``, ``z = 6 pi x / 5``."""
    import numpy as np

    x = np.asarray(x, dtype="float64")
    z = 6 * np.pi * x / 5
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 25 / (12 * np.pi**2 * x**2) * (np.sin(z) / z - np.cos(z))
    return np.where(x == 0, 1.0, w)


def _ar1_ols(v: np.ndarray) -> tuple[float, float]:
    """AR(1) of a demeaned series by OLS with intercept: slope and innovation variance (as R ``ar.ols``)."""
    import numpy as np

    v = v - v.mean()
    design = np.column_stack([np.ones(len(v) - 1), v[:-1]])
    coef, *_ = np.linalg.lstsq(design, v[1:], rcond=None)
    e = v[1:] - design @ coef
    return float(coef[1]), float(e @ e / len(e))


def andrews_bandwidth(scores: np.ndarray, weights: np.ndarray) -> float:
    """Andrews (1991) AR(1) plug-in bandwidth of the quadratic-spectral kernel.

    ``1.3221 (n alpha(2))^{1/5}`` with ``alpha(2) = sum_a w_a 4 rho_a^2 sigma_a^4 / (1 - rho_a)^8
    / sum_a w_a sigma_a^4 / (1 - rho_a)^4`` over the columns ``a`` of ``scores``
    (already prewhitened when prewhitening is used).
    """
    import numpy as np

    fits = np.array([_ar1_ols(scores[:, a]) for a in range(scores.shape[1])])
    rho, s2 = fits[:, 0], fits[:, 1]
    num = np.sum(weights * 4 * rho**2 * s2**2 / (1 - rho) ** 8)
    den = np.sum(weights * s2**2 / (1 - rho) ** 4)
    return float(1.3221 * (len(scores) * num / den) ** 0.2)


def kernel_hac_cov(x: np.ndarray, resid: np.ndarray, option: QuadraticSpectral | None = None
                   ) -> tuple[np.ndarray, float]:
    """HAC covariance of OLS coefficients with the quadratic-spectral kernel; also the bandwidth.

    ``(X'X)^{-1} S (X'X)^{-1}`` with ``S = n/(n-k) D [sum_l w(l/b) Gamma_l] D'``
    over the prewhitened scores (``D = (I - A)^{-1}``, ``A`` their VAR(1)
    matrix), the kernel weights cut where they fall below ``1e-7`` in absolute
    value, as ``sandwich::kernHAC`` does.
    """
    import numpy as np

    option = option or QuadraticSpectral()
    x = np.asarray(x, dtype="float64")
    resid = np.asarray(resid, dtype="float64")
    n, k = x.shape
    u = x * resid[:, None]
    # Andrews' weights: none on the scores of a constant regressor, unless all are constant
    weights = np.where(np.sum((u - resid[:, None]) ** 2, axis=0) < 1e-16, 0.0, 1.0)
    if not weights.any():
        weights[:] = 1.0
    recolour = np.eye(k)
    if option.prewhite:
        coef, *_ = np.linalg.lstsq(u[:-1], u[1:], rcond=None)  # u_t = A u_{t-1} + v_t, coef = A'
        recolour = np.linalg.inv(np.eye(k) - coef.T)
        u = u[1:] - u[:-1] @ coef
    m = len(u)
    bw = float(option.bandwidth) if option.bandwidth is not None else andrews_bandwidth(u, weights)
    w = quadratic_spectral(np.arange(m) / bw)
    live = np.nonzero(np.abs(w) > 1e-7)[0]
    w = w[: live.max() + 1]
    half = 0.5 * w[0] * (u.T @ u)
    for lag in range(1, len(w)):
        half += w[lag] * (u[: m - lag].T @ u[lag:])
    s = half + half.T
    if option.adjust:
        s *= n / (n - k)
    s = recolour @ s @ recolour.T
    xtx_inv = np.linalg.inv(x.T @ x)
    return xtx_inv @ s @ xtx_inv, bw
