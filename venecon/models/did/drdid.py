"""Two-period panel DiD estimators with covariates (Sant'Anna and Zhao 2020).

Each function takes the outcome change ``dy`` (post minus base period), the
treatment indicator ``d`` (1 treated, 0 comparison), a design matrix ``x``
whose first column is the intercept, and unit weights ``w`` (normalised here
to mean one, as R ``DRDID`` does), and returns ``(att, psi)``: the ATT on the
treated and its influence function, one entry per row, so that
``sqrt(sum(psi**2)) / n`` is the analytical standard error.

* :func:`reg_did_panel` - outcome regression (Heckman, Ichimura and Todd 1997);
* :func:`ipw_did_panel` - normalised (Hajek) inverse probability weighting
  with a logit propensity score (Abadie 2005);
* :func:`dr_did_panel` - the locally efficient doubly robust estimator of
  Sant'Anna and Zhao (2020, eq. 3.1) with a maximum-likelihood logit
  propensity score and an ordinary least squares outcome model of the
  comparison units (``DRDID::drdid_panel``, "traditional"). This is what
  R ``did::att_gt(est_method = "dr")`` calls for panel data, and what the
  ``csdid`` Python port calls;
* :func:`dr_imp_did_panel` - the *improved* doubly robust estimator of
  Sant'Anna and Zhao (2020, section 3.1; ``DRDID::drdid_imp_panel``, the
  default of ``DRDID::drdid``): the same formula with the propensity score
  fitted by inverse probability tilting (Graham, Pinto and Egel 2012), which
  reweights the comparison units to the treated units' covariate means, and
  the outcome model by least squares weighted by ``p / (1 - p)``. The two
  first steps' estimation effects vanish, so the influence function has no
  correction terms and the estimator is doubly robust for inference too.

Propensity scores are capped at ``1 - 1e-6`` and comparison units with a score
at or above ``trim_level`` get zero weight, as in R ``DRDID``. The influence
functions include the estimation effect of the propensity score and of the
outcome regression. Validated through :class:`~venecon.models.CallawaySantAnna`
against the ``csdid`` Python port of R ``did`` (``tests/test_models_callaway_covariates.py``);
:func:`dr_imp_did_panel` against ``moderndid``'s port of ``DRDID::drdid_imp_panel``
(``tests/test_models_callaway_drimp.py``).

References: Sant'Anna, P. H. C. and Zhao, J. (2020), "Doubly robust
difference-in-differences estimators", *Journal of Econometrics* 219(1), 101-122.
Graham, B. S., Pinto, C. C. and Egel, D. (2012), "Inverse probability tilting for
moment condition models with missing data", *Review of Economic Studies* 79(3), 1053-1079.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...exceptions import ModelSpecificationError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["reg_did_panel", "ipw_did_panel", "dr_did_panel", "dr_imp_did_panel", "logit_fit",
           "tilting_fit", "wls_fit", "ols_influence", "pscore_fit", "check_weights"]


def _solve(a: np.ndarray, what: str) -> np.ndarray:
    import numpy as np

    if np.linalg.cond(a) > 1e12:
        raise ModelSpecificationError(
            f"the {what} design is singular (collinear covariates, or a covariate constant "
            "within the treated or comparison units of a cell); drop covariates")
    return np.linalg.inv(a)


def logit_fit(d: np.ndarray, x: np.ndarray, w: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Weighted logit coefficients by Newton-Raphson (the maximum likelihood estimate)."""
    import numpy as np

    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (w * (d - p))
        info = x.T @ ((w * p * (1 - p))[:, None] * x)
        step = _solve(info, "propensity score") @ grad
        beta = beta + step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            return beta
    raise ModelSpecificationError(
        "the propensity score logit did not converge (perfect separation of treated and "
        "comparison units by the covariates?); drop covariates or use est_method='reg'")


def tilting_fit(d: np.ndarray, x: np.ndarray, w: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Inverse probability tilting coefficients of a logit propensity score.

    Minimises the convex loss ``mean(w * (-d x'g + (1 - d) exp(x'g)))``, whose
    first-order condition makes the comparison units' weights ``w p / (1 - p)``
    reproduce the treated units' weighted covariate sums (R ``DRDID``'s
    ``loss.ps.cal``), by Newton steps with backtracking from the maximum
    likelihood logit (R's starting value).
    """
    import numpy as np

    def loss(g: np.ndarray) -> float:
        v = x @ g
        return float(np.mean(w * np.where(d == 1, -v, np.exp(np.minimum(v, 700)))))

    beta = logit_fit(d, x, w)
    value = loss(beta)
    scale = np.mean(w * d) * (1 + np.abs(x).max())
    for _ in range(200):
        e = np.exp(np.minimum(x @ beta, 700))
        grad = x.T @ (w * (e * (1 - d) - d)) / len(d)
        if np.max(np.abs(grad)) < tol * scale:
            return beta
        hess = x.T @ ((w * (1 - d) * e)[:, None] * x) / len(d)
        step = _solve(hess, "propensity score (tilting)") @ grad
        t = 1.0
        while t > 1e-12:
            trial = loss(beta - t * step)
            if trial <= value:
                break
            t /= 2
        beta, value = beta - t * step, trial
    raise ModelSpecificationError(
        "the inverse probability tilting propensity score did not converge (the comparison "
        "units cannot be reweighted to the treated units' covariate means: poor overlap); drop "
        "covariates or use est_method='dr'")


def wls_fit(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares coefficients of ``y`` on ``x`` (weights ``w``, zero for excluded
    rows)."""
    return _solve(x.T @ (w[:, None] * x), "outcome regression") @ (x.T @ (w * y))


def ols_influence(y: np.ndarray, x: np.ndarray, w: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Asymptotic linear representation of the coefficients ``beta`` of :func:`wls_fit` (same
    ``w``, zero outside the regression's rows), one row per observation."""
    n = len(y)
    resid = y - x @ beta
    return (w * resid)[:, None] * x @ _solve(x.T @ (w[:, None] * x) / n, "outcome regression")


def pscore_fit(d: np.ndarray, x: np.ndarray, w: np.ndarray,
               trim_level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logit propensity score capped at ``1 - 1e-6``, the rows kept by trimming (treated rows
    and comparison rows with a score below ``trim_level``) and the asymptotic linear
    representation of the logit coefficients, one row per observation (R ``DRDID``)."""
    import numpy as np

    beta = logit_fit(d, x, w)
    ps = np.minimum(1.0 / (1.0 + np.exp(-(x @ beta))), 1 - 1e-6)
    keep = np.where(d == 1, True, ps < trim_level)
    info = x.T @ ((w * ps * (1 - ps))[:, None] * x)
    # asymptotic linear representation of the logit coefficients
    lin = (w * (d - ps))[:, None] * x @ _solve(info, "propensity score") * len(d)
    return ps, keep, lin


def check_weights(d: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weights normalised to mean one, after checking both groups carry weight."""
    if not (w * d).sum() > 0 or not (w * (1 - d)).sum() > 0:
        raise ModelSpecificationError("a cell has no weighted treated or comparison units")
    return w / w.mean()


def reg_did_panel(dy, d, x, w) -> tuple[float, np.ndarray]:
    """Outcome-regression DiD (R ``DRDID::reg_did_panel``)."""
    import numpy as np

    w = check_weights(d, w)
    beta = wls_fit(dy, x, w * (1 - d))
    fitted = x @ beta
    wt = w * d
    eta_t = np.mean(wt * dy) / wt.mean()
    eta_c = np.mean(wt * fitted) / wt.mean()
    lin = ols_influence(dy, x, w * (1 - d), beta)
    inf_t = (wt * dy - wt * eta_t) / wt.mean()
    inf_c = (wt * fitted - wt * eta_c + lin @ np.mean(wt[:, None] * x, axis=0)) / wt.mean()
    return float(eta_t - eta_c), inf_t - inf_c


def ipw_did_panel(dy, d, x, w, trim_level: float = 0.995) -> tuple[float, np.ndarray]:
    """Normalised inverse-probability-weighted DiD (R ``DRDID::std_ipw_did_panel``)."""
    import numpy as np

    w = check_weights(d, w)
    ps, keep, lin = pscore_fit(d, x, w, trim_level)
    wt = keep * w * d
    wc = keep * w * ps * (1 - d) / (1 - ps)
    eta_t = np.mean(wt * dy) / wt.mean()
    eta_c = np.mean(wc * dy) / wc.mean()
    inf_t = (wt * dy - wt * eta_t) / wt.mean()
    m2 = np.mean((wc * (dy - eta_c))[:, None] * x, axis=0)
    inf_c = (wc * dy - wc * eta_c + lin @ m2) / wc.mean()
    return float(eta_t - eta_c), inf_t - inf_c


def dr_did_panel(dy, d, x, w, trim_level: float = 0.995) -> tuple[float, np.ndarray]:
    """Doubly robust DiD (R ``DRDID::drdid_panel``, Sant'Anna and Zhao 2020 eq. 3.1)."""
    import numpy as np

    w = check_weights(d, w)
    ps, keep, lin_ps = pscore_fit(d, x, w, trim_level)
    beta = wls_fit(dy, x, w * (1 - d))
    resid = dy - x @ beta
    wt = keep * w * d
    wc = keep * w * ps * (1 - d) / (1 - ps)
    eta_t = np.mean(wt * resid) / wt.mean()
    eta_c = np.mean(wc * resid) / wc.mean()
    lin_ols = ols_influence(dy, x, w * (1 - d), beta)
    inf_t = (wt * resid - wt * eta_t - lin_ols @ np.mean(wt[:, None] * x, axis=0)) / wt.mean()
    m2 = np.mean((wc * (resid - eta_c))[:, None] * x, axis=0)
    m3 = np.mean(wc[:, None] * x, axis=0)
    inf_c = (wc * resid - wc * eta_c + lin_ps @ m2 - lin_ols @ m3) / wc.mean()
    return float(eta_t - eta_c), inf_t - inf_c


def dr_imp_did_panel(dy, d, x, w, trim_level: float = 0.995) -> tuple[float, np.ndarray]:
    """Improved doubly robust DiD (R ``DRDID::drdid_imp_panel``, Sant'Anna and Zhao 2020, 3.1).

    Propensity score by inverse probability tilting (:func:`tilting_fit`), the
    comparison units' outcome change regressed on ``x`` with weights
    ``w p / (1 - p)``; no first-step corrections in the influence function.
    """
    import numpy as np

    w = check_weights(d, w)
    ps = np.minimum(1.0 / (1.0 + np.exp(-(x @ tilting_fit(d, x, w)))), 1 - 1e-6)
    keep = np.where(d == 1, True, ps < trim_level)
    odds = ps / (1 - ps)
    # the regression uses every comparison unit, trimmed or not, as R DRDID's wols.br.panel
    resid = dy - x @ wls_fit(dy, x, w * odds * (1 - d))
    summand = keep * np.where(d == 1, 1.0, -odds) * resid
    treated = np.mean(w * d)
    att = np.mean(w * summand) / treated
    return float(att), w * keep * (summand - d * att) / treated


ESTIMATORS = {"dr": dr_did_panel, "dr-imp": dr_imp_did_panel, "ipw": ipw_did_panel,
              "reg": reg_did_panel}
