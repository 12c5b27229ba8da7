"""Two-period repeated-cross-section DiD estimators with covariates (Sant'Anna and Zhao 2020).

:class:`~venecon.models.CallawaySantAnna` uses them for the cells of an unbalanced panel
with covariates or sampling weights, as R ``did::att_gt(allow_unbalanced_panel = TRUE)``
does: the two periods' observations of a cell are pooled as repeated cross sections (each
with its own covariate values) and a unit's influence sums those of its observations
(:func:`rc_cell`).

Each estimator takes the outcome ``y`` of every observation, the post-period indicator
``post``, the treatment indicator ``d``, a design matrix ``x`` whose first column is the
intercept and observation weights ``w`` (normalised here to mean one, as R ``DRDID``), and
returns ``(att, psi)``: the ATT and its influence function, one entry per observation.

* :func:`reg_did_rc` - outcome regression (``DRDID::reg_did_rc``): OLS of the comparison
  observations' outcome on ``x`` in each period;
* :func:`ipw_did_rc` - normalised inverse probability weighting (``DRDID::std_ipw_did_rc``);
* :func:`dr_did_rc` - the locally efficient doubly robust estimator (``DRDID::drdid_rc``),
  with OLS outcome models of the comparison and the treated observations of each period and
  a maximum-likelihood logit propensity score (what R ``did::att_gt(est_method = "dr")``
  calls for repeated cross sections and unbalanced panels);
* :func:`dr_imp_did_rc` - the improved locally efficient doubly robust estimator
  (``DRDID::drdid_imp_rc``, the default of ``DRDID::drdid`` for repeated cross sections):
  propensity score by inverse probability tilting, comparison outcome models by least
  squares weighted by ``p / (1 - p)``, no first-step terms in the influence function.

The first steps (logit, least squares and their linear representations) are those of
:mod:`venecon.models.did.drdid`, with the same capping and trimming of the propensity score.
Validated through :class:`~venecon.models.CallawaySantAnna` against the ``csdid`` port of
R ``did`` run with ``allow_unbalanced_panel=True`` and ``moderndid``'s ports of these four
``DRDID`` functions as its 2x2 estimators (``tests/test_models_callaway_unbalanced.py``).

Reference: Sant'Anna, P. H. C. and Zhao, J. (2020), "Doubly robust difference-in-differences
estimators", *Journal of Econometrics* 219(1), 101-122.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...exceptions import ModelSpecificationError, NoComparisonUnitsError
from .drdid import ols_influence, pscore_fit, tilting_fit, wls_fit

if TYPE_CHECKING:
    import numpy as np

__all__ = ["reg_did_rc", "ipw_did_rc", "dr_did_rc", "dr_imp_did_rc", "rc_cell", "RC_ESTIMATORS"]


def _hajek(wk: np.ndarray, v: np.ndarray) -> tuple[float, np.ndarray]:
    """Weighted mean of ``v`` with weights ``wk`` and its influence function."""
    import numpy as np

    scale = wk.mean()
    est = float(np.mean(wk * v) / scale)
    return est, (wk * v - wk * est) / scale


def _moment(wk: np.ndarray, v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``mean(wk v x) / mean(wk)``: the derivative of a weighted mean with respect to a first
    step's coefficients."""
    import numpy as np

    return np.mean((wk * v)[:, None] * x, axis=0) / wk.mean()


def _normalised(post: np.ndarray, d: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weights normalised to mean one, after checking each group-period carries weight."""
    for group in (d, 1 - d):
        for period in (post, 1 - post):
            if not (w * group * period).sum() > 0:
                raise ModelSpecificationError(
                    "a cell has no weighted treated or comparison observations in one of its "
                    "two periods")
    return w / w.mean()


def reg_did_rc(y, post, d, x, w) -> tuple[float, np.ndarray]:
    """Outcome-regression DiD for repeated cross sections (R ``DRDID::reg_did_rc``)."""
    import numpy as np

    w = _normalised(post, d, w)
    w_pre, w_post = w * (1 - d) * (1 - post), w * (1 - d) * post
    beta_pre, beta_post = wls_fit(y, x, w_pre), wls_fit(y, x, w_post)
    treat_post, inf_post = _hajek(w * d * post, y)
    treat_pre, inf_pre = _hajek(w * d * (1 - post), y)
    wd = w * d
    cont, inf_cont = _hajek(wd, x @ beta_post - x @ beta_pre)
    lin = ols_influence(y, x, w_post, beta_post) - ols_influence(y, x, w_pre, beta_pre)
    inf_cont = inf_cont + lin @ np.mean(wd[:, None] * x, axis=0) / wd.mean()
    return treat_post - treat_pre - cont, inf_post - inf_pre - inf_cont


def ipw_did_rc(y, post, d, x, w, trim_level: float = 0.995) -> tuple[float, np.ndarray]:
    """Normalised IPW DiD for repeated cross sections (R ``DRDID::std_ipw_did_rc``)."""
    w = _normalised(post, d, w)
    ps, keep, lin_ps = pscore_fit(d, x, w, trim_level)
    wt = keep * w * d
    wc = keep * w * ps * (1 - d) / (1 - ps)
    treat_post, it_post = _hajek(wt * post, y)
    treat_pre, it_pre = _hajek(wt * (1 - post), y)
    cont_post, ic_post = _hajek(wc * post, y)
    cont_pre, ic_pre = _hajek(wc * (1 - post), y)
    ps_effect = lin_ps @ (_moment(wc * post, y - cont_post, x)
                          - _moment(wc * (1 - post), y - cont_pre, x))
    att = (treat_post - treat_pre) - (cont_post - cont_pre)
    return att, (it_post - it_pre) - (ic_post - ic_pre + ps_effect)


def _locally_efficient(y, post, d, w, wt, wc, fit) -> tuple[float, np.ndarray, dict]:
    """The locally efficient doubly robust ATT of Sant'Anna and Zhao (2020) from
    treated weights ``wt``, comparison weights ``wc`` and the fitted outcome models ``fit``
    (``c0``, ``c1`` comparison, ``t0``, ``t1`` treated; 0 base, 1 post period), with its
    influence function as if the first steps were known, and the pieces their estimation
    effects need."""
    import numpy as np

    resid = y - np.where(post == 1, fit["c1"], fit["c0"])
    part = {"wt1": wt * post, "wt0": wt * (1 - post), "wc1": wc * post, "wc0": wc * (1 - post),
            "resid": resid}
    treat_post, it_post = _hajek(part["wt1"], resid)
    treat_pre, it_pre = _hajek(part["wt0"], resid)
    part["cont_post"], ic_post = _hajek(part["wc1"], resid)
    part["cont_pre"], ic_pre = _hajek(part["wc0"], resid)
    # all treated against the treated of each period, on the treated-minus-comparison model gap
    gap1, gap0 = fit["t1"] - fit["c1"], fit["t0"] - fit["c0"]
    d_post, id_post = _hajek(wt, gap1)
    dt1_post, idt1_post = _hajek(part["wt1"], gap1)
    d_pre, id_pre = _hajek(wt, gap0)
    dt0_pre, idt0_pre = _hajek(part["wt0"], gap0)
    att = ((treat_post - treat_pre) - (part["cont_post"] - part["cont_pre"])
           + (d_post - dt1_post) - (d_pre - dt0_pre))
    psi = ((it_post - it_pre) - (ic_post - ic_pre)
           + (id_post - idt1_post) - (id_pre - idt0_pre))
    return float(att), psi, part


def _outcome_models(y, post, d, x, w_cont, w_treat, with_influence: bool) -> tuple[dict, dict]:
    """Least squares fits of the comparison (weights ``w_cont``) and treated (``w_treat``)
    observations of each period, and their linear representations if asked."""
    fit, lin = {}, {}
    for name, rows in (("c0", w_cont * (1 - d) * (1 - post)), ("c1", w_cont * (1 - d) * post),
                       ("t0", w_treat * d * (1 - post)), ("t1", w_treat * d * post)):
        beta = wls_fit(y, x, rows)
        fit[name] = x @ beta
        if with_influence:
            lin[name] = ols_influence(y, x, rows, beta)
    return fit, lin


def dr_did_rc(y, post, d, x, w, trim_level: float = 0.995) -> tuple[float, np.ndarray]:
    """Locally efficient doubly robust DiD for repeated cross sections (R ``DRDID::drdid_rc``).

    Maximum-likelihood logit propensity score; OLS outcome models of the comparison and of
    the treated observations of each period. The influence function carries the estimation
    effects of both first steps with the signs of R ``DRDID``'s ``drdid_rc.R``.
    """
    import numpy as np

    w = _normalised(post, d, w)
    ps, keep, lin_ps = pscore_fit(d, x, w, trim_level)
    fit, lin = _outcome_models(y, post, d, x, w, w, with_influence=True)
    wt = keep * w * d
    att, psi, p = _locally_efficient(y, post, d, w, wt, keep * w * ps * (1 - d) / (1 - ps), fit)
    ones = np.ones_like(y)
    treat_or = -lin["c1"] @ _moment(p["wt1"], ones, x) - lin["c0"] @ _moment(p["wt0"], ones, x)
    cont_or = -lin["c1"] @ _moment(p["wc1"], ones, x) - lin["c0"] @ _moment(p["wc0"], ones, x)
    cont_ps = lin_ps @ (_moment(p["wc1"], p["resid"] - p["cont_post"], x)
                        - _moment(p["wc0"], p["resid"] - p["cont_pre"], x))
    share = wt / wt.mean()
    inf_or = ((lin["t1"] - lin["c1"])
              @ np.mean((share - p["wt1"] / p["wt1"].mean())[:, None] * x, axis=0)
              - (lin["t0"] - lin["c0"])
              @ np.mean((share - p["wt0"] / p["wt0"].mean())[:, None] * x, axis=0))
    return att, psi + treat_or - cont_ps - cont_or + inf_or


def dr_imp_did_rc(y, post, d, x, w, trim_level: float = 0.995) -> tuple[float, np.ndarray]:
    """Improved locally efficient doubly robust DiD for repeated cross sections (R
    ``DRDID::drdid_imp_rc``).

    Propensity score by inverse probability tilting (:func:`~venecon.models.did.drdid.tilting_fit`)
    on the pooled observations; the comparison observations' outcome models weighted by
    ``w p / (1 - p)``, the treated ones' by ``w``; no first-step terms in the influence
    function.
    """
    import numpy as np

    w = _normalised(post, d, w)
    ps = np.minimum(1.0 / (1.0 + np.exp(-(x @ tilting_fit(d, x, w)))), 1 - 1e-6)
    keep = np.where(d == 1, True, ps < trim_level)
    odds = ps / (1 - ps)
    # the regressions use every comparison observation, trimmed or not, as R DRDID's wols_rc
    fit, _ = _outcome_models(y, post, d, x, w * odds, w, with_influence=False)
    att, psi, _ = _locally_efficient(y, post, d, w, w * d, keep * w * odds * (1 - d), fit)
    return att, psi


RC_ESTIMATORS = {"dr": dr_did_rc, "dr-imp": dr_imp_did_rc, "ipw": ipw_did_rc,
                 "reg": reg_did_rc}


def rc_cell(
    y: np.ndarray,
    x: np.ndarray | None,
    w: np.ndarray | None,
    periods: tuple[int, int],
    treated: np.ndarray,
    comp: np.ndarray,
    est_method: str,
) -> tuple[float, np.ndarray]:
    """ATT and per-unit influence of one cell of an unbalanced panel with covariates or weights.

    ``y``: outcomes (units x periods, NaN where a unit is not observed); ``x``: covariates
    (units x periods x k, or None for the intercept only); ``w``: unit weights (None for
    equal); ``periods``: the column indices of the cell's period and base period. The
    observed rows of treated and comparison units in the two periods form the repeated cross
    section, each with its own covariate values; the observation influence function is scaled
    by units / observations and summed within unit (R ``did``'s ``allow_unbalanced_panel``),
    so ``sqrt(sum(psi**2)) / n`` is the analytical standard error with ``n`` units.
    """
    import numpy as np

    n = y.shape[0]
    sub = treated | comp
    rows = [np.flatnonzero(sub & ~np.isnan(y[:, j])) for j in periods]
    unit = np.concatenate(rows[::-1])  # base-period observations first
    post = np.concatenate([np.zeros(len(rows[1])), np.ones(len(rows[0]))])
    d = treated[unit].astype("float64")
    for group in (d, 1 - d):
        for period in (post, 1 - post):
            if not (group * period).any():
                raise NoComparisonUnitsError("no observations")
    cols = np.concatenate([np.full(len(rows[1]), periods[1]), np.full(len(rows[0]), periods[0])])
    design = np.ones((len(unit), 1))
    if x is not None:
        design = np.column_stack([design, x[unit, cols, :]])
    att, psi_obs = RC_ESTIMATORS[est_method](
        y[unit, cols], post, d, design, np.ones(len(unit)) if w is None else w[unit])
    psi = np.zeros(n)
    np.add.at(psi, unit, n / len(unit) * psi_obs)
    return att, psi
