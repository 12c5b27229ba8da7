"""Newey-West (Bartlett kernel) covariances and fixed-b critical values for them.

Newey-West intervals with a rule-of-thumb bandwidth are liberal in the
samples sanctions studies have: for :class:`~venecon.models.ITS` with 120
months, AR(1) errors with coefficient 0.5 and the ``"nw"`` rule (4 lags),
nominal 95% intervals for the level and slope changes cover the truth in
84.4% and 82.7% of 2000 simulations (``tests/test_models_its_coverage.py``,
where statsmodels' OLS with ``cov_type="HAC"`` gives the same intervals in
every repetition).

:class:`FixedB` is the alternative of Kiefer and Vogelsang (2002, 2005): a
large Bartlett bandwidth ``M = b * n`` (by default ``b = 1``, no truncation)
with critical values from the *fixed-b* distribution rather than the normal.
That distribution depends on the deterministic regressors (a trend, steps at
events; Bunzel and Vogelsang 2005), so it is computed for the model's own
design: the distribution of the HAC t-statistic of each coefficient (or
linear combination) under i.i.d. Gaussian errors, which is exact for Gaussian
white noise and the fixed-b approximation under weak dependence.

Fixed-b is not a cure for strong persistence in short samples. In
``benchmarks/fixed_b_coverage.py`` (ITS with one event at mid-sample, AR(1)
errors, 5000 repetitions a cell, Monte Carlo s.e. 0.3 points; table in
``docs/guide/estimators.md``) its nominal 95% intervals cover at least 93% for
both the level and the slope change when the AR(1) coefficient is 0 (any n
from 30), 0.3 (n >= 60) or 0.5 (n >= 120; the level alone from n = 60). At 0.8
they cover 88.1-92.1% (level) and 74.5-91.5% (slope) for n from 30 to 240
(89.1% and 81.3% at n = 60), at 0.9 85.9-90.6% and 66.8-86.8%. Newey-West
with the rule-of-thumb lags covers less in every cell (57.0% and 44.3% at 0.9
and n = 60).

Critical values and p-values are averages over simulated residual vectors of
the exact conditional tail ``2 (1 - Phi(q sqrt(v_s / s2)))`` (the numerator of
the t-statistic is normal and independent of the residuals under Gaussian
errors; ``v_s`` the HAC variance of draw ``s``, ``s2`` the numerator's
variance): smooth in ``q``, with a third to a quarter of the seed-to-seed
spread of the empirical quantile of the same draws. With the default 9999 draws the
95% critical values of the ITS coefficients stay within 0.9% of the exact
values of :func:`~venecon.models.timeseries.imhof.exact_critical_value`
(Imhof 1961) across seeds (``tests/test_models_fixed_b.py``).

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

from ...exceptions import ModelSpecificationError, UninformativeIntervalWarning
from ...limits import check_bound

if TYPE_CHECKING:
    import numpy as np

__all__ = ["NeweyWest", "FixedB", "FixedBDraws", "warn_uninformative", "MIN_POST", "MAX_WIDTH_SD",
           "bartlett_cov", "QuadraticSpectral", "quadratic_spectral", "andrews_bandwidth",
           "kernel_hac_cov"]

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
    """Bartlett HAC with bandwidth ``b * n`` and fixed-b critical values for the design.

    Closer to nominal coverage than Newey-West with a rule-of-thumb bandwidth
    under autocorrelation in every design simulated, and at nominal coverage
    (93% or more for 95% intervals) only where the errors are weakly
    persistent: AR(1) coefficient 0.3 from n = 60, 0.5 from n = 120. With
    persistence 0.8 its 95% intervals cover 89.1% (level change) and 81.3%
    (slope change) at n = 60 and 92.1% / 91.5% at n = 240; see the module
    docstring and the coverage table in ``docs/guide/estimators.md``. Fits
    with fewer than :data:`MIN_POST` post-event observations warn
    (:func:`warn_uninformative`).

    Parameters
    ----------
    bandwidth : float, default 1.0
        ``b`` in (0, 1]: the Bartlett bandwidth as a share of the sample
        (``M = ceil(b * n)``, i.e. ``M - 1`` lags). ``b = 1`` is Kiefer and
        Vogelsang's (2002) estimator without truncation.
    n_sim : int, default 9999
        Simulated residual vectors for the critical values and p-values
        (averages of the exact conditional tail, see the module docstring).
    seed : int, default 0
        Seed of the simulation (recorded in the provenance).
    """

    bandwidth: float = 1.0
    n_sim: int = 9999
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
        self.xtx_inv = np.linalg.inv(x.T @ x)  # the numerator's variance is g'(X'X)^{-1}g
        self.xtx_inv.setflags(write=False)
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

    def ratios(self, g: np.ndarray) -> np.ndarray:
        """``sqrt(v_s / s2)`` for the combinations in the rows of ``g`` (``m x S``): the HAC
        standard error of each draw over the numerator's standard deviation."""
        import numpy as np

        g = np.atleast_2d(np.asarray(g, dtype="float64"))
        var = ((g[None, :, :] @ self.cov) * g[None, :, :]).sum(axis=2).T
        s2 = np.einsum("ij,jk,ik->i", g, self.xtx_inv, g)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sqrt(var / s2[:, None])

    def critical(self, g: np.ndarray, alpha: float) -> np.ndarray:
        """Two-sided ``1 - alpha`` critical values of the combinations in the rows of ``g``.

        The root ``q`` of ``mean_s 2 (1 - Phi(q r_s)) = alpha`` (``r_s`` from
        :meth:`ratios`), by safeguarded Newton steps from the empirical quantile
        of the draws. A combination that is identically zero (no effect before an
        event) gets the normal critical value: its standard error is zero anyway.
        """
        import numpy as np
        from scipy import stats

        g = np.ascontiguousarray(np.atleast_2d(np.asarray(g, dtype="float64")))
        key = (g.tobytes(), g.shape, float(alpha))
        if key not in self._critical:
            out = np.full(g.shape[0], float(stats.norm.ppf(1 - alpha / 2)))
            live = np.abs(g).sum(axis=1) > 0
            if live.any():
                out[live] = _conditional_quantile(self.ratios(g[live]),
                                                  np.quantile(self.tstats(g[live]), 1 - alpha,
                                                              axis=1), alpha)
            out.setflags(write=False)
            if len(self._critical) >= 64:  # bounded: a few windows and levels per design
                self._critical.pop(next(iter(self._critical)))
            self._critical[key] = out
        return self._critical[key].copy()

    def pvalues(self, g: np.ndarray, t_observed: np.ndarray) -> np.ndarray:
        """Two-sided p-values ``mean_s 2 (1 - Phi(|t| r_s))``."""
        import numpy as np
        from scipy import special

        r = self.ratios(g)
        t = np.abs(np.asarray(t_observed, dtype="float64"))[:, None]
        return np.mean(2 * special.ndtr(-t * r), axis=1)


def _conditional_quantile(r: np.ndarray, start: np.ndarray, alpha: float) -> np.ndarray:
    """Rows' roots ``q`` of ``mean(2 ndtr(-q r)) = alpha`` (decreasing in ``q``), Newton steps
    kept inside a shrinking bracket."""
    import numpy as np
    from scipy import special

    lo, hi = np.zeros(len(r)), np.full(len(r), np.inf)
    q = np.where(np.isfinite(start) & (start > 0), start, 2.0)
    for _ in range(60):
        f = np.mean(2 * special.ndtr(-q[:, None] * r), axis=1) - alpha
        lo, hi = np.where(f > 0, q, lo), np.where(f > 0, hi, q)
        slope = -np.mean(2 * r * np.exp(-0.5 * (q[:, None] * r) ** 2), axis=1) / np.sqrt(2 * np.pi)
        step = np.where(slope < 0, f / slope, 0.0)
        done = np.abs(step) <= 1e-10 * q
        if done.all():
            return q - step
        new = q - step
        outside = ~done & ~((new > lo) & (new < hi))
        q = np.where(outside, np.where(np.isfinite(hi), 0.5 * (lo + hi), 2 * q), new)
    return q


MIN_POST = 12
"""Fewest post-event observations (to the next event or the sample's end) before
:func:`warn_uninformative` warns."""
MAX_WIDTH_SD = 2.0
"""Widest level-change interval, in standard deviations of the outcome, before it warns."""


def warn_uninformative(post: dict[str, int], widths: dict[str, float], sd: float,
                       model: str) -> None:
    """Warn (:class:`~venecon.exceptions.UninformativeIntervalWarning`) about events whose
    fixed-b intervals cannot inform: fewer than :data:`MIN_POST` post-event observations, or
    a level-change interval wider than :data:`MAX_WIDTH_SD` standard deviations of the
    outcome (wider than the outcome's own +-1 s.d. range). With ``b = 1`` the critical
    values of effects identified by a few observations grow to 7-9 (against 1.96), so such an
    interval says little beyond "not estimable here"."""
    import warnings

    for label, n_post in post.items():
        width = widths.get(label, float("nan"))
        reasons = []
        if n_post < MIN_POST:
            reasons.append(f"{n_post} post-event observation(s) (fewer than {MIN_POST})")
        if sd > 0 and width > MAX_WIDTH_SD * sd:
            reasons.append(f"a level-change interval {width / sd:.1f} times the outcome's "
                           f"standard deviation (more than {MAX_WIDTH_SD:g})")
        if reasons:
            warnings.warn(
                f"{model}: the fixed-b interval of event {label!r} is uninformative: "
                f"{' and '.join(reasons)}. Extend the sample past the event, drop events "
                "closer together than a year, or report the estimate as not identified",
                UninformativeIntervalWarning, stacklevel=4)


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
    """Quadratic-spectral kernel ``25 / (12 pi^2 x^2) (sin(z) / z - cos(z))``.

    With ``z = 6 pi x / 5``.
    """
    import numpy as np

    x = np.asarray(x, dtype="float64")
    z = 6 * np.pi * x / 5
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 25 / (12 * np.pi**2 * x**2) * (np.sin(z) / z - np.cos(z))
    return np.where(x == 0, 1.0, w)


def _ar1_ols(v: np.ndarray) -> tuple[float, float]:
    """AR(1) of a demeaned series by OLS with intercept: slope and innovation variance.

    As R ``ar.ols``.
    """
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
