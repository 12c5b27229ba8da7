"""Two-way fixed-effects least squares shared by the panel estimators.

:func:`fit_twoway` gives the numbers of
``linearmodels.panel.PanelOLS(y, X, entity_effects=True, time_effects=True).fit(...)``
(parameters, covariance, degrees of freedom, R-squared, log-likelihood) without
PanelOLS's set-up, which dominates for designs with many regressors (the
Sun-Abraham saturated regression: 87 columns on 90,000 rows took 2.8x the CPU of
pyfixest and about 1 GiB). The pieces come from the libraries that own them:

* the entity and time effects are absorbed by pyfixest's demeaning routine
  (``pyfixest.core.demean.demean``, alternating projections, exact after one
  sweep in a balanced panel; a tolerance of 1e-11 on columns scaled by powers of
  two otherwise, which leaves the coefficients within about 1e-11 of PanelOLS's
  exact dummy-variable projection; if the sweeps do not converge, as in a very
  weakly connected panel, linearmodels' exact projection is used instead);
* the absorbed-column check is linearmodels' own (``check_absorbed``: a column is
  absorbed if less than 1e-5 of its norm is left after the effects and the
  earlier columns are removed), run on a k x k matrix with the same cross-product
  as the demeaned regressors, so it gives the same answer and message as PanelOLS
  without an n x k Gram-Schmidt;
* the covariance is linearmodels' ``DriscollKraay``, or ``ClusteredCovariance``'s
  formula with the clusters' score sums from one sparse product (linearmodels loops
  over the clusters in Python, which dominated fits with many entities), with the
  degrees of freedom PanelOLS uses (``extra_df`` = entities + periods - 1).

The only solve done here is the k x k normal-equations system (Cholesky), whose
solution equals PanelOLS's pivoted-QR least squares to rounding for designs that
pass the absorbed-column check. ``tests/test_models_panel.py`` and
``tests/test_models_staggered.py`` compare every number with a direct PanelOLS
call to 1e-10.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...exceptions import InsufficientDataError, ModelSpecificationError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["TwoWayFit", "fit_twoway", "results_kwargs", "covariance_label"]

#: Convergence tolerance of the alternating projections, on columns scaled to max |x| in [0.5, 1).
DEMEAN_TOL = 1e-11
DEMEAN_MAXITER = 10_000


@dataclass(frozen=True)
class TwoWayFit:
    """Estimates of a two-way fixed-effects regression (the numbers of a PanelOLS fit)."""

    params: pd.Series
    std_errors: pd.Series
    cov: pd.DataFrame
    nobs: int
    df_resid: int
    rsquared: float
    rsquared_within: float
    loglik: float
    #: Reproduces the fit with linearmodels (``linearmodels.panel.PanelOLS``) on demand.
    replicate: Any = field(default=None, repr=False, compare=False)


def _codes(values: Any) -> tuple[np.ndarray, int]:
    import pandas as pd

    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype("int64"), len(uniques)


def _demean(yx: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``yx`` less its entity and period effects (``groups``: their two columns of codes).

    Overwrites ``yx``.
    """
    import numpy as np
    from pyfixest.core.demean import demean  # not pyfixest.estimation: that imports 2.5 s of CPU

    # Powers of two: the scaling is exact, and the tolerance is relative to each column's size.
    peak = np.maximum(yx.max(axis=0), -yx.min(axis=0))
    scale = np.exp2(np.ceil(np.log2(np.where(peak > 0, peak, 1.0))))
    yx /= scale
    out, converged = demean(yx, groups.astype(np.uint64), np.ones(yx.shape[0]), tol=DEMEAN_TOL,
                            maxiter=DEMEAN_MAXITER)
    if not converged:
        # A very weakly connected panel: use linearmodels' exact projection (what
        # PanelOLS does), slower but free of any tolerance.
        import pandas as pd
        from linearmodels.panel.data import PanelData

        index = pd.MultiIndex.from_arrays([groups[:, 0], groups[:, -1]])
        out = np.asarray(PanelData(pd.DataFrame(yx, index=index)).demean("both").values2d)
    out *= scale
    return out


def _clustered(xt: np.ndarray, resid: np.ndarray, gram: np.ndarray, members: Any,
               n_clusters: int, *, k: int, nobs: int, debiased: bool, extra_df: int,
               group_debias: bool) -> np.ndarray:
    """Entity-clustered covariance: linearmodels' ``ClusteredCovariance`` formula.

    ``(X'X/n)^-1 S (X'X/n)^-1 / n`` with ``S`` the cross-product of the clusters'
    score sums over ``n``, scaled by ``n / (n - extra_df [- k if debiased])`` and, with
    ``group_debias``, by ``G/(G-1) (n-1)/n``. The score sums come from one sparse
    product (``members``: clusters x observations) instead of linearmodels' Python
    loop over clusters, which dominated the fit with many entities.
    """
    import numpy as np

    if n_clusters < 2:
        raise InsufficientDataError("a clustered covariance needs at least two entities")
    nobs_eff = nobs - extra_df - (k if debiased else 0)
    if nobs_eff <= 0:
        raise InsufficientDataError(
            f"the covariance cannot be estimated: {nobs} observations leave no residual degrees "
            f"of freedom after {extra_df} for the effects")
    scores = members @ (xt * resid[:, None])
    meat = scores.T @ scores / nobs
    if group_debias:
        meat *= (n_clusters / (n_clusters - 1)) * ((nobs - 1) / nobs)
    meat *= nobs / nobs_eff
    xpxi = np.linalg.inv(gram / nobs)
    out = (xpxi @ meat @ xpxi) / nobs
    return (out + out.T) / 2


def fit_twoway(frame: pd.DataFrame, *, outcome: str, regressors: Sequence[str], entity: str,
               time: str, cov: Mapping[str, Any], model: str, replicate: Any = None,
               work: Callable[[], np.ndarray] | None = None) -> TwoWayFit:
    """Least squares of ``outcome`` on ``regressors`` with entity and time effects.

    The numbers of PanelOLS with ``entity_effects=True, time_effects=True``.

    Parameters
    ----------
    frame : DataFrame
        Long panel holding the columns below (float outcome and regressors).
    outcome : str
        Dependent variable.
    regressors : sequence of str
        Regressor columns (their names are the parameter names).
    entity, time : str
        Entity and period columns (periods are ordered by value for the
        Driscoll-Kraay kernel).
    cov : mapping
        ``PanelOLS.fit`` keywords: ``cov_type`` "clustered" (by entity) or
        "kernel" (Bartlett), ``debiased``, ``group_debias``, ``bandwidth``.
    model : str
        Estimator name for error messages.
    replicate : callable, optional
        Stored on the result to reproduce it with PanelOLS.
    work : callable, optional
        Returns ``[y, X]`` as a new (n, 1 + k) float array, when the caller builds it
        (the regressors then need not be columns of ``frame``). Called once; the fit
        holds the only reference, so the array is freed as soon as it is demeaned.
    """
    import numpy as np
    import pandas as pd
    from linearmodels.panel.covariance import DriscollKraay
    from linearmodels.panel.utility import AbsorbingEffectError, check_absorbed
    from scipy import linalg, sparse

    names = [str(n) for n in regressors]
    nobs, k = len(frame), len(names)
    ent, n_ent = _codes(frame[entity].to_numpy())
    per, n_per = _codes(frame[time].to_numpy())
    neffects = n_ent + n_per - 1  # as PanelOLS counts them (no constant; both effects)
    df_resid = nobs - k - neffects
    if df_resid <= 0:
        raise InsufficientDataError(
            f"{model}: {nobs} observations leave no residual degrees of freedom for {k} "
            f"regressor(s) and {neffects} entity and time effects")
    # One (n, k + 1) work array: the design is never held twice by the fit.
    if work is None:
        yx = np.empty((nobs, k + 1))
        yx[:, 0] = frame[outcome].to_numpy(dtype="float64")
        yx[:, 1:] = frame[list(regressors)].to_numpy(dtype="float64")
    else:
        yx = work()
        if yx.shape != (nobs, k + 1):
            raise ValueError(f"work has shape {yx.shape}, expected {(nobs, k + 1)}")
    # [y x]'[y x] after removing entity means, for PanelOLS's within R-squared: the raw
    # cross-product less the entity sums' (scipy sparse sums; no second demeaning pass).
    members = sparse.csr_matrix((np.ones(nobs), (ent, np.arange(nobs))), shape=(n_ent, nobs))
    sums = members @ yx
    raw = yx.T @ yx
    norms = np.sqrt(np.diag(raw)[1:])  # column norms of the regressors, from the same product
    w_gram = raw - (sums / np.bincount(ent, minlength=n_ent)[:, None]).T @ sums
    both = _demean(yx, np.column_stack([ent, per]))
    del yx
    yt, xt = both[:, :1], both[:, 1:]
    cross = both.T @ both  # one product gives X'X, X'y and y'y of the demeaned data
    gram, xty, tss = cross[1:, 1:], cross[1:, :1], float(cross[0, 0])
    # linearmodels' absorbed-column rule on a k x k root of the same cross-product.
    lam, vec = np.linalg.eigh(gram)
    root = np.sqrt(np.clip(lam, 0.0, None))[:, None] * vec.T
    try:
        check_absorbed(root, names, np.diag(norms))
    except AbsorbingEffectError as exc:
        raise ModelSpecificationError(
            f"{model}: a treatment regressor is absorbed by the entity and time effects, so there "
            "is no untreated comparison for it (linearmodels: "
            f"{str(exc).splitlines()[0]})") from None
    params = linalg.solve(gram, xty, assume_a="pos")
    options = dict(cov)
    kind = options.pop("cov_type")
    options.pop("cluster_entity", None)
    common = dict(debiased=bool(options.pop("debiased")), extra_df=neffects)
    resid = (yt - xt @ params)[:, 0]
    if kind == "clustered":
        vcov = _clustered(xt, resid, gram, members, n_ent, k=k, nobs=nobs,
                          group_debias=bool(options.get("group_debias", False)), **common)
    else:
        estimator = DriscollKraay(yt, xt, params, ent[:, None], per[:, None],
                                  kernel=options.get("kernel", "bartlett"),
                                  bandwidth=options.get("bandwidth"), **common)
        vcov = np.asarray(estimator.cov)
    rss = float(resid @ resid)
    beta = params[:, 0]
    wtss = float(w_gram[0, 0])
    wrss = wtss - 2 * float(beta @ w_gram[1:, 0]) + float(beta @ w_gram[1:, 1:] @ beta)
    sigma2 = rss / nobs
    params = pd.Series(params[:, 0], index=names)
    return TwoWayFit(
        params=params,
        std_errors=pd.Series(np.sqrt(np.diag(vcov)), index=names),
        cov=pd.DataFrame(vcov, index=names, columns=names),
        nobs=int(nobs), df_resid=int(df_resid),
        rsquared=1.0 - rss / tss if tss > 0 else float("nan"),
        rsquared_within=1.0 - wrss / wtss if wtss > 0 else float("nan"),
        loglik=(-0.5 * nobs * (np.log(2 * np.pi) + np.log(sigma2) + 1) if sigma2 > 0
                else float("nan")),
        replicate=replicate,
    )


def covariance_label(cov: Mapping[str, Any]) -> str:
    """Human-readable name of the covariance given by ``PanelOLS.fit`` keywords."""
    if cov["cov_type"] == "clustered":
        factors = [f for f, on in (("n/(n-d-k)", cov["debiased"]),
                                   ("G/(G-1)", cov["group_debias"])) if on]
        return "clustered by entity" + (f" (scaled by {' and '.join(factors)})" if factors else "")
    return (f"Driscoll-Kraay (Bartlett kernel, bandwidth {cov['bandwidth']:g})"
            + (" (debiased)" if cov["debiased"] else ""))


def results_kwargs(fit: TwoWayFit, *, model: str, dependent: str, cov: Mapping[str, Any],
                   provenance: dict[str, Any], header: list[tuple[str, str]],
                   notes: list[str]) -> dict[str, Any]:
    """Keyword arguments of :class:`~venecon.models.core.results.ModelResults` for a two-way fit."""
    import numpy as np

    # linearmodels uses Student-t(df_resid) only when debiased; keep its p-values exactly.
    df_resid = float(fit.df_resid) if cov["debiased"] else None
    return dict(
        model=model, dependent=dependent, params=fit.params, std_errors=fit.std_errors,
        cov=fit.cov, nobs=fit.nobs, df_resid=df_resid, cov_type=covariance_label(cov),
        provenance=provenance, header=header, notes=notes,
        statistics={"rsquared_within": float(fit.rsquared_within),
                    "rsquared": float(fit.rsquared),
                    "df_resid": float(fit.df_resid),
                    "loglik": float(fit.loglik) if np.isfinite(fit.loglik) else None},
    )
