"""Exact fixed-b critical values: Imhof's (1961) inversion of quadratic forms in normals.

The Bartlett-HAC t-statistic of a linear combination ``g'beta`` of OLS
coefficients, ``t = g'(b - beta) / sqrt(g' V g)``, has under i.i.d. Gaussian
errors a numerator ``N(0, s2)`` (``s2 = g'(X'X)^{-1}g``) independent of the
residuals, and a denominator ``e' P A P e``: a quadratic form in the errors
(``P`` the residual maker, ``A = D_c K D_c`` with ``K`` the Bartlett weights
``(1 - |t - s| / M)_+`` and ``c = X (X'X)^{-1} g``). So
``P(|t| > q) = P(s2 Z_0^2 - q^2 sum_j mu_j Z_j^2 > 0)`` with ``mu_j`` the
eigenvalues of ``P A P``, which :func:`imhof_sf` evaluates to ~1e-10.

:func:`exact_critical_value` gives the finite-sample critical value of a
design; :func:`location_critical_value` the asymptotic fixed-b value of the
location model with ``b = 1`` in closed form (the bridge eigenvalues
``2 / (k pi)^2`` summed through ``sinh``): 4.7711 at the two-sided 5% level,
Kiefer, Vogelsang and Bunzel's (2000) printed 4.771.

References
----------
Imhof, J. P. (1961). Computing the distribution of quadratic forms in normal
variables. *Biometrika* 48(3/4), 419-426.
Kiefer, N. M., T. J. Vogelsang and H. Bunzel (2000). Simple robust testing of
regression hypotheses. *Econometrica* 68(3), 695-714.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...exceptions import ModelSpecificationError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["imhof_sf", "exact_critical_value", "location_critical_value"]


def imhof_sf(theta: Callable[[float], float], log_rho: Callable[[float], float]) -> float:
    """``P(Q > 0)`` for ``Q = sum_k l_k Z_k^2`` by Imhof's inversion.

    From the phase ``theta(u) = sum arctan(l_k u) / 2`` and the modulus
    ``log rho(u) = sum log(1 + l_k^2 u^2) / 4``.
    """
    import warnings

    import numpy as np
    from scipy import integrate

    def integrand(u: float) -> float:
        return float(np.sin(theta(u)) / u * np.exp(-log_rho(u)))

    with warnings.catch_warnings():
        # quad's extrapolation reports round-off once the integral is accurate to ~1e-12
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, _ = integrate.quad(integrand, 0, np.inf, limit=1000, epsabs=1e-12, epsrel=1e-10)
    return 0.5 + val / np.pi


def _solve(tail: Callable[[float], float], alpha: float) -> float:
    from scipy import optimize

    if not 0 < alpha < 1:
        raise ModelSpecificationError(f"alpha must be in (0, 1), got {alpha!r}")
    return float(optimize.brentq(lambda q: tail(q) - alpha, 1e-3, 1e3, xtol=1e-10))


def location_critical_value(alpha: float = 0.05) -> float:
    """Two-sided ``1 - alpha`` fixed-b critical value, Bartlett kernel, ``b = 1``, location model.

    The limit of ``t = W(1) / sqrt(2 int_0^1 B(r)^2 dr)`` (``B`` a Brownian
    bridge independent of ``W(1)``; Kiefer and Vogelsang 2002): the bridge
    integral is ``sum_k Z_k^2 / (k pi)^2``, whose product over ``k`` is a
    ``sinh``, so Imhof's phase and modulus are closed-form. ``alpha = 0.05``
    gives 4.7711 (KVB 2000: 4.771); ``0.10`` gives 3.7637 (3.764).
    """
    import numpy as np

    rot = np.exp(1j * np.pi / 4)

    def tail(q: float) -> float:
        def parts(u: float) -> tuple[complex, float]:
            w = q * np.sqrt(2 * u) * rot  # pi sqrt(i a) with a = 2 q^2 u / pi^2
            return w, float(np.log(np.abs(1 - np.exp(-2 * w))))

        def theta(u: float) -> float:
            w, _ = parts(u)
            bridge = w.imag + np.angle(1 - np.exp(-2 * w)) - np.pi / 4  # sum_k arctan(a / k^2)
            return 0.5 * (np.arctan(u) - bridge)

        def log_rho(u: float) -> float:
            w, log1m = parts(u)
            log_sinh_ratio = w.real + log1m - np.log(2) - np.log(np.abs(w))
            return 0.25 * np.log1p(u * u) + 0.5 * log_sinh_ratio

        return imhof_sf(theta, log_rho)

    return _solve(tail, alpha)


def exact_critical_value(x: np.ndarray, g: np.ndarray, window: int, alpha: float = 0.05) -> float:
    """Exact two-sided ``1 - alpha`` critical value of the Bartlett-HAC t-statistic of ``g'beta``.

    For design ``x`` (``n x k``), Bartlett window ``window`` (``M``; weights
    ``1 - l / M``, as :func:`~venecon.models.timeseries.hac.bartlett_cov`) and
    i.i.d. Gaussian errors; one ``n x n`` eigendecomposition.
    """
    import numpy as np

    x = np.asarray(x, dtype="float64")
    g = np.asarray(g, dtype="float64")
    n = x.shape[0]
    xtx_inv = np.linalg.inv(x.T @ x)
    c = x @ (xtx_inv @ g)
    s2 = float(c @ c)
    if not s2 > 0:
        raise ModelSpecificationError("the combination g is identically zero")
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    a = c[:, None] * np.clip(1 - lag / window, 0, None) * c[None, :]
    p = np.eye(n) - x @ xtx_inv @ x.T
    mu = np.linalg.eigvalsh(p @ a @ p)
    mu = mu[mu > 1e-12 * mu.max()] / s2

    def tail(q: float) -> float:
        lam = np.concatenate([[1.0], -q * q * mu])
        return imhof_sf(lambda u: 0.5 * float(np.arctan(lam * u).sum()),
                        lambda u: 0.25 * float(np.log1p((lam * u) ** 2).sum()))

    return _solve(tail, alpha)
