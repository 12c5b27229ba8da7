"""SARIMAX maximum likelihood that does not depend on the outcome's units.

statsmodels' optimiser stops on absolute tolerances and its approximate diffuse
prior has an absolute variance (1e6), so the same series in other units gives
other estimates (an outcome times 1e12 moved a step effect sevenfold). Here the
outcome is divided by a power of two near its scale (exact in binary floating
point), the likelihood is maximised by Newton's method to its rounding floor
(Newton's iterates do not depend on a linear reparametrisation, so the stopping
point does not depend on units either), and estimates are multiplied back.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["PowerOfTwo", "UnitFreeFit", "power_of_two", "fit_unit_free"]

#: Newton decrement (per-observation log-likelihood) below which a fit has converged.
DECREMENT_TOL = 1e-22
#: Newton iterations after statsmodels' quasi-Newton search.
NEWTON_ITER = 60


def power_of_two(values: np.ndarray) -> float:
    """The power of two nearest (in log scale) to the root mean square of ``values`` (1 if zero)."""
    import numpy as np

    v = np.asarray(values, dtype="float64")
    v = v[np.isfinite(v)]
    peak = float(np.max(np.abs(v))) if v.size else 0.0
    if peak == 0.0:
        return 1.0
    # Divided by the peak's power of two first so the squares cannot overflow or underflow.
    e_peak = math.frexp(peak)[1]
    rms = float(np.sqrt(np.mean(np.ldexp(v, -e_peak) ** 2)))
    return math.ldexp(1.0, e_peak + round(math.log2(rms)))


@dataclass(frozen=True)
class PowerOfTwo:
    """How a model's data were rescaled: outcome by ``outcome``, exog column j by ``exog[j]``."""

    outcome: float
    exog: tuple[float, ...]

    def param_factors(self, param_names: list[str], exog_names: list[str]) -> np.ndarray:
        """Per parameter, the factor taking an estimate on the rescaled data to the original units.

        Trend terms scale with the outcome, a regression coefficient with outcome / regressor,
        ``sigma2`` with the outcome squared; ARMA coefficients have no units.
        """
        import numpy as np

        col = dict(zip(exog_names, self.exog, strict=True))
        out = []
        for name in param_names:
            if name == "sigma2":
                out.append(self.outcome**2)
            elif name in col:
                out.append(self.outcome / col[name])
            elif name in ("intercept", "drift") or name.startswith("trend."):
                out.append(self.outcome)
            else:
                out.append(1.0)
        return np.asarray(out, dtype="float64")


@dataclass(frozen=True)
class UnitFreeFit:
    """A SARIMAX fit on rescaled data and what is needed to map it back to the original units."""

    results: Any  # statsmodels MLEResults on the rescaled data
    scale: PowerOfTwo
    factors: np.ndarray  # per parameter (see PowerOfTwo.param_factors)
    converged: bool
    messages: list[str]
    cov: np.ndarray  # of the parameters on the rescaled data

    @property
    def params(self) -> np.ndarray:
        import numpy as np

        return np.asarray(self.results.params, dtype="float64") * self.factors

    @property
    def bse(self) -> np.ndarray:
        import numpy as np

        return np.sqrt(np.diag(self.cov)) * self.factors

    def cov_params(self) -> np.ndarray:
        import numpy as np

        return self.cov * np.outer(self.factors, self.factors)

    @property
    def llf_shift(self) -> float:
        """``n log(s)``: the log-likelihood in original units is the rescaled one minus this."""
        r = self.results
        return float(r.nobs_effective - r.nobs_diffuse) * math.log(self.scale.outcome)

    @property
    def llf(self) -> float:
        return float(self.results.llf) - self.llf_shift

    def criterion(self, name: str) -> float:
        """An information criterion (aic, bic, aicc, hqic) in the original units."""
        return float(getattr(self.results, name)) + 2.0 * self.llf_shift


def _newton(model: Any, x0: np.ndarray) -> tuple[np.ndarray, bool]:
    """Maximise the per-observation log-likelihood over unconstrained parameters from ``x0``.

    Gradients by complex step (statsmodels' score), the Hessian by central
    differences of the gradient; steps halve until the likelihood rises, and
    once the Newton decrement is below rounding the full step is taken.
    """
    import numpy as np

    n = float(model.nobs)

    def f(x):
        try:
            return -float(model.loglike(x, transformed=False)) / n
        except (np.linalg.LinAlgError, ValueError):  # a step to a numerically singular model
            return np.inf

    def grad(x):
        try:
            return -np.asarray(model.score(x, transformed=False), dtype="float64") / n
        except (np.linalg.LinAlgError, ValueError):
            return np.full(x.size, np.nan)

    def hess(x):
        k = x.size
        h = 1e-5 * np.maximum(1.0, np.abs(x))
        out = np.empty((k, k))
        for j in range(k):
            e = np.zeros(k)
            e[j] = h[j]
            out[:, j] = (grad(x + e) - grad(x - e)) / (2 * h[j])
        return (out + out.T) / 2

    x = np.asarray(x0, dtype="float64").copy()
    fx = f(x)
    for _ in range(NEWTON_ITER):
        g = grad(x)
        H = hess(x)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            return x, False
        w, v = np.linalg.eigh(H)
        if w[0] <= 1e-12 * max(1.0, abs(w[-1])):
            return x, False  # not a strict maximum here (a flat direction or a saddle)
        step = -(v @ ((v.T @ g) / w))
        decrement = float(-g @ step)
        if decrement < DECREMENT_TOL:
            return x, True
        t = 1.0
        while True:
            x_new = x + t * step
            f_new = f(x_new)
            if np.isfinite(f_new) and (f_new <= fx - 1e-4 * t * decrement or decrement < 1e-12):
                break
            t /= 2
            if t < 1e-10:
                return x, decrement < 1e-14
        x, fx = x_new, f_new
    return x, False


def approx_cov(model: Any, params: np.ndarray) -> np.ndarray | None:
    """Inverse of minus the numerical Hessian of the log-likelihood at ``params``.

    statsmodels' ``cov_type="approx"`` (complex step with a fixed step) is
    accurate to about 1e-8 and its error changes with the units; here central
    differences of the complex-step score, with steps proportional to each
    parameter and Richardson extrapolation, are accurate to about 1e-12.
    None when a step leaves the admissible region (then statsmodels' is used).
    """
    import numpy as np

    x = np.asarray(params, dtype="float64")
    k = x.size
    h = 1e-4 * np.maximum(np.abs(x), 1e-2)

    def diff(step):
        out = np.empty((k, k))
        for j in range(k):
            e = np.zeros(k)
            e[j] = step[j]
            up = np.asarray(model.score(x + e, transformed=True), dtype="float64")
            down = np.asarray(model.score(x - e, transformed=True), dtype="float64")
            out[:, j] = (up - down) / (2 * step[j])
        return out

    with np.errstate(all="ignore"):
        hess = (4 * diff(h / 2) - diff(h)) / 3
    hess = (hess + hess.T) / 2
    if not np.all(np.isfinite(hess)):
        return None
    return -np.linalg.pinv(hess)


def fit_unit_free(make_model, endog: Any, exog: Any, *, cov_type: str, maxiter: int,
                  polish: bool = True) -> UnitFreeFit:
    """Fit ``make_model(endog / s, exog / e)`` by maximum likelihood and keep the powers of two.

    ``make_model(endog, exog)`` builds the statsmodels state-space model.
    statsmodels' L-BFGS search gives the start, Newton's method the optimum.
    """
    import numpy as np
    import pandas as pd

    from ..core.threads import limit_blas_threads

    y = np.asarray(endog, dtype="float64")
    s = power_of_two(np.diff(y) if y.size > 2 and np.any(np.diff(y) != 0) else y)
    if exog is None:
        scale, x = PowerOfTwo(s, ()), None
    else:
        frame = pd.DataFrame(exog)
        cols = tuple(power_of_two(frame[c].to_numpy()) for c in frame.columns)
        scale, x = PowerOfTwo(s, cols), frame / np.asarray(cols)
    model = make_model(endog / s, x)
    with warnings.catch_warnings(record=True) as caught, limit_blas_threads():
        warnings.simplefilter("always")
        start = model.fit(disp=False, maxiter=maxiter, return_params=True)
        x0 = model.untransform_params(np.asarray(start, dtype="float64"))
        converged = False
        if polish:
            x0, converged = _newton(model, x0)
        params = model.transform_params(x0)
        cov = approx_cov(model, params) if cov_type == "approx" else None
        res = model.smooth(params, cov_type=cov_type if cov is None else "none")
        if cov is None:
            cov = np.asarray(res.cov_params(), dtype="float64")
    messages = sorted({f"{w.category.__name__}: {w.message}" for w in caught
                       if "ConvergenceWarning" not in w.category.__name__})
    names = list(model.param_names)
    exog_names = [] if exog is None else [str(c) for c in pd.DataFrame(exog).columns]
    return UnitFreeFit(results=res, scale=scale, factors=scale.param_factors(names, exog_names),
                       converged=converged, messages=messages, cov=cov)
