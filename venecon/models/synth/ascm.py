"""Augmented synthetic control (ridge ASCM) of Ben-Michael, Feller and Rothstein (2021).

The synthetic-control weights are augsynth's outcome-only SCM: the simplex weights that
minimise the L2 distance between the treated unit's pre-period outcomes and the donors'
(every pre-period outcome weighted equally). Ridge ASCM adds to them the ridge-regression
correction of the remaining imbalance,

    w_aug = w_scm + X_c (X_c' X_c + lambda I)^{-1} (x_1 - X_c' w_scm),

with the pre-period outcomes centred on the donor mean (so the correction sums to zero).
``lambda`` is chosen as augsynth chooses it: a geometric grid of 21 values from the
squared largest singular value of ``X_c`` down by a factor ``1e-8``, leave-one-period-out
cross-validation over the pre-period (the SCM weights refitted without the held-out period),
and the largest ``lambda`` whose mean squared error is within one standard error of the
minimum. One SVD of ``X_c`` gives the correction at every ``lambda`` and, through the
leave-one-out formula of ridge regression, every fold's held-out error (see
:func:`ridge_penalty_cv`); no fold or penalty needs a linear solve.

Validated against the augsynth vignette on the 2012 Kansas tax cuts (tests/test_models_ascm.py):
SCM average ATT -0.0294, L2 imbalance 0.083; ridge ASCM -0.0401, L2 imbalance 0.062,
average estimated bias 0.011.

References
----------
Ben-Michael, E., Feller, A. and Rothstein, J. (2021). The augmented synthetic control method.
*Journal of the American Statistical Association* 116(536), 1789-1803.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError, NoComparisonUnitsError, UnbalancedPanelError
from ..core.results import Headline, PathResults, build_provenance

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "AugmentedSynthControl", "AugmentedSynthResults", "RidgeBasis", "RidgePenalty",
    "ridge_penalty_cv",
]


@dataclass(frozen=True)
class RidgePenalty:
    """The cross-validated ridge penalty and its error curve.

    Attributes
    ----------
    value : float
        The chosen ``lambda``.
    grid, errors, std_errors : tuple of float
        The ``lambda`` grid, the mean held-out squared error at each value and its standard
        error (standard deviation over folds divided by the square root of their number).
    rule : str
        ``"1se"`` (largest ``lambda`` within one standard error of the minimum) or ``"min"``.
    """

    value: float
    grid: tuple[float, ...]
    errors: tuple[float, ...]
    std_errors: tuple[float, ...]
    rule: str


def scm_weights(Xc: np.ndarray, x1: np.ndarray, guess: list[int] | None = None) -> np.ndarray:
    """Simplex weights minimising ``||X_c' w - x_1||`` (``X_c``: donors x periods); ``guess``,
    the support of a nearby problem's solution, only saves cycles (see ``simplex_lstsq``)."""
    from .qp import simplex_lstsq

    return simplex_lstsq(Xc.T, x1, guess=guess)


@dataclass(frozen=True, eq=False)
class RidgeBasis:
    """SVD ``X_c = U diag(s) V'`` of centred donor outcomes (donors x periods).

    The ridge correction of any residual at any penalty follows from it without a solve,

        X_c (X_c' X_c + lambda I)^{-1} r = U diag(s / (s^2 + lambda)) V' r,

    so one decomposition serves the whole penalty grid, the cross-validation folds (see
    :func:`ridge_penalty_cv`) and every target a conformal grid refits on the same donors.

    Attributes
    ----------
    u, s : ndarray
        Left singular vectors (donors x k) and singular values (k = min(donors, periods)).
    vt : ndarray, shape (periods, periods)
        All right singular vectors as rows: the first k pair with ``s``, the others (with
        fewer donors than periods) span the period directions in which ``X_c`` is zero.
    """

    u: np.ndarray
    s: np.ndarray
    vt: np.ndarray

    @classmethod
    def of(cls, Xc: np.ndarray) -> RidgeBasis:
        """The decomposition of ``Xc`` (donors x periods)."""
        import numpy as np

        # full V only when it is wider than the thin one (U never grows beyond donors x k)
        u, s, vt = np.linalg.svd(Xc, full_matrices=Xc.shape[0] < Xc.shape[1])
        return cls(u=u, s=s, vt=vt)

    def correction(self, r: np.ndarray, lam: float) -> np.ndarray:
        """The ridge adjustment ``X_c (X_c' X_c + lam I)^{-1} r`` of a pre-period residual ``r``."""
        s = self.s
        return self.u @ (s / (s * s + lam) * (self.vt[: s.size] @ r))


def ridge_penalty_cv(
    Xc: np.ndarray,
    x1: np.ndarray,
    *,
    n_lambda: int = 20,
    lambda_min_ratio: float = 1e-8,
    min_1se: bool = True,
    basis: RidgeBasis | None = None,
    scm: np.ndarray | None = None,
) -> RidgePenalty:
    """Choose the ridge penalty by leave-one-period-out cross-validation (augsynth's rule).

    Parameters
    ----------
    Xc : ndarray, shape (donors, periods)
        Donors' pre-period outcomes, centred on the donor mean.
    x1 : ndarray, shape (periods,)
        The treated unit's pre-period outcomes, centred the same way.
    n_lambda, lambda_min_ratio : int, float
        The grid: ``n_lambda + 1`` values from ``s_1^2`` (largest singular value of ``Xc``
        squared) to ``s_1^2 * lambda_min_ratio``, evenly spaced in logs.
    min_1se : bool
        Take the largest ``lambda`` within one standard error of the minimum error (augsynth's
        default) rather than the minimiser.
    basis : RidgeBasis, optional
        The decomposition of ``Xc`` when the caller already has it.
    scm : ndarray, optional
        The SCM weights fitted on every pre-period, when the caller already has them.

    Notes
    -----
    Each fold holds out one pre-period ``i`` (all but the last), refits the SCM weights
    ``w_i`` on the others, and scores the squared error at ``i`` of the augmented fit
    ``w_i + (G_i + lambda I)^{-1} X_{-i} r_i``, where ``X_{-i}`` is ``Xc`` without column
    ``i``, ``G_i = X_{-i} X_{-i}'`` and ``r_i`` the fold's residual on the other periods.
    ``G_i`` is ``X_c X_c'`` less the held-out column's outer product, and the
    Sherman-Morrison identity reduces that error to

        e_i = sum_j k_j v_ij (V' R_i)_j / sum_j k_j v_ij^2,   k_j = lambda / (s_j^2 + lambda),

    with ``X_c = U diag(s) V'`` (``V`` square, ``s_j = 0`` beyond the rank) and ``R_i`` the
    residual of ``w_i`` on every period: the leave-one-out formula of ridge regression. Every
    fold at every penalty comes from the one SVD, with no solve, and neither sum subtracts
    nearly equal numbers as the penalty shrinks (a solve of ``X'X + lambda I`` squares the
    condition number instead).
    """
    import numpy as np

    t0 = Xc.shape[1]
    if t0 < 3:
        raise ModelSpecificationError(
            f"ridge ASCM cross-validation needs at least 3 pre-treatment periods, got {t0}; "
            "pass a fixed lambda instead"
        )
    basis = RidgeBasis.of(Xc) if basis is None else basis
    top = float(basis.s[0]) ** 2
    grid = top * (lambda_min_ratio ** (1.0 / n_lambda)) ** np.arange(n_lambda + 1)
    folds = np.arange(t0 - 1)
    # the full-sample support starts each fold's solve (one cycle or two instead of a guess)
    scm = scm_weights(Xc, x1) if scm is None else scm
    support = np.flatnonzero(scm > 0).tolist()
    keep = ~np.eye(t0, dtype=bool)
    W = np.column_stack([scm_weights(Xc[:, keep[i]], x1[keep[i]], guess=support)
                         for i in folds])
    R = x1[:, None] - Xc.T @ W  # column i: residuals of fold i's SCM fit on every period
    v = basis.vt[:, folds]  # column i: period i's row of V (all t0 components)
    s2 = np.zeros((t0, 1))
    s2[: basis.s.size, 0] = basis.s**2
    kept = grid / (s2 + grid)  # (components, grid): the share ridge leaves unfitted
    errors = ((v * (basis.vt @ R)).T @ kept / ((v * v).T @ kept)) ** 2
    mean = errors.mean(axis=0)
    se = errors.std(axis=0, ddof=1) / np.sqrt(t0 - 1)
    k = int(mean.argmin())
    value = float(grid[mean <= mean[k] + se[k]].max()) if min_1se else float(grid[k])
    return RidgePenalty(
        value=value,
        grid=tuple(float(g) for g in grid),
        errors=tuple(float(e) for e in mean),
        std_errors=tuple(float(s) for s in se),
        rule="1se" if min_1se else "min",
    )


class ConformalRefit:
    """Weights on one set of donors' outcomes refitted for many treated-unit targets (the
    nulls of a conformal grid): the donors are centred on their mean and decomposed once,
    and each SCM solve starts from the previous one's support (which saves cycles without
    changing the answer; see ``simplex_lstsq``).

    Parameters
    ----------
    Y : ndarray, shape (donors, periods)
        The donors' outcomes.
    lam : float or None
        Ridge penalty; None fits plain outcome-only SCM.
    """

    def __init__(self, Y: np.ndarray, lam: float | None) -> None:
        self._Y = Y
        self._mu = Y.mean(axis=0)
        self._Xc = Y - self._mu
        self._ridge = None if lam is None else (RidgeBasis.of(self._Xc), float(lam))
        self._support: list[int] | None = None

    def residuals(self, y1: np.ndarray) -> np.ndarray:
        """``y1`` minus its (augmented) synthetic control, weights fitted on every period."""
        import numpy as np

        x1 = y1 - self._mu
        w = scm_weights(self._Xc, x1, guess=self._support)
        self._support = np.flatnonzero(w > 0).tolist()
        if self._ridge is not None:
            basis, lam = self._ridge
            w = w + basis.correction(x1 - self._Xc.T @ w, lam)
        return y1 - w @ self._Y


def conformal_pvalue(r: np.ndarray, n_post: int, scheme: str, *, draws: int = 1000,
                     seed: int = 0) -> float:
    """Conformal p-value from the residuals ``r`` of weights refitted on every period with
    the null imposed (already subtracted from the treated unit's last ``n_post`` periods).

    The residuals are permuted and the statistic ``sum |r_post| / sqrt(n_post)`` compared
    with its permutation distribution (Chernozhukov, Wuthrich and Zhu 2021). ``scheme="iid"``
    enumerates the permutations exactly for one period (augsynth draws 1,000 at random, whose
    expectation this is) and draws ``draws`` random permutations (generator seeded with
    ``seed``, so the answer is reproducible) for several; ``"block"`` uses the ``T`` cyclic
    shifts (moving blocks) of the residuals.
    """
    import numpy as np

    T = r.size

    def stat(x: np.ndarray) -> float:
        return float(np.abs(x).sum() / np.sqrt(x.size))

    observed = stat(r[T - n_post:])
    if scheme == "iid" and n_post == 1:
        perm = np.abs(r)
    elif scheme == "iid":
        rng = np.random.default_rng(seed)
        perm = np.array([stat(rng.permutation(r)[T - n_post:]) for _ in range(draws)])
    else:
        perm = np.array([stat(np.roll(r, -k)[T - n_post:]) for k in range(T)])
    # the tolerance keeps the observed permutation in its own tail despite rounding
    return float(np.mean(perm >= observed - 1e-12 * max(observed, 1.0)))


def invert_grid(grid: np.ndarray, pvalues: np.ndarray, alpha: float) -> tuple[float, float]:
    """The conformal interval: smallest and largest null on the grid not rejected at ``alpha``."""
    import numpy as np

    order = np.argsort(grid)
    grid, pvalues = grid[order], pvalues[order]
    kept = np.flatnonzero(pvalues >= alpha)
    if kept.size == 0:
        return float("nan"), float("nan")
    # a bound at the end of the grid is not located: report it as unknown, not as the end
    lo = float(grid[kept[0]]) if kept[0] > 0 else float("nan")
    hi = float(grid[kept[-1]]) if kept[-1] < grid.size - 1 else float("nan")
    return lo, hi


class AugmentedSynthResults(PathResults):
    """Results of :class:`AugmentedSynthControl`: the average effect after treatment, the
    per-period path, the weights, pre-period L2 imbalance and the estimated bias of SCM."""

    _plot_counterfactual = "synthetic control"

    def __init__(self, *, weights: pd.Series, scm_weights: pd.Series, l2_imbalance: float,
                 scaled_l2_imbalance: float, estimated_bias: float | None,
                 penalty: RidgePenalty | None,
                 conformal: dict[Any, tuple[np.ndarray, np.ndarray]] | None = None,
                 **kwargs: Any) -> None:
        self._conformal = {k: (g.copy(), p.copy()) for k, (g, p) in (conformal or {}).items()}
        self._weights = weights.copy()
        self._scm_weights = scm_weights.copy()
        self._l2 = float(l2_imbalance)
        self._scaled_l2 = float(scaled_l2_imbalance)
        self._bias = None if estimated_bias is None else float(estimated_bias)
        self._penalty = penalty
        super().__init__(**kwargs)

    @property
    def att(self) -> float:
        """Average effect over the post-treatment periods."""
        return float(self.params.iloc[0])

    @property
    def weights(self) -> pd.Series:
        """Donor weights (augmented weights may be negative)."""
        return self._weights.copy()

    @property
    def scm_weights(self) -> pd.Series:
        """The simplex SCM weights the ridge correction starts from."""
        return self._scm_weights.copy()

    @property
    def l2_imbalance(self) -> float:
        """L2 norm of the treated-minus-synthetic pre-period outcomes."""
        return self._l2

    @property
    def scaled_l2_imbalance(self) -> float:
        """L2 imbalance relative to that of uniform donor weights (augsynth's scale)."""
        return self._scaled_l2

    @property
    def estimated_bias(self) -> float | None:
        """Average over post periods of the ridge model's estimate of SCM's bias (None for
        plain SCM): the SCM effect minus the augmented effect."""
        return self._bias

    @property
    def conformal_grids(self) -> dict[Any, pd.DataFrame]:
        """Per post period: the grid of nulls and their conformal p-values (the last null is 0)."""
        import pandas as pd

        return {k: pd.DataFrame({"null": g, "pvalue": p})
                for k, (g, p) in self._conformal.items() if k != "joint null"}

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Intervals of the average effect (NaN: none is computed) and, after
        ``fit(conformal=True)``, the per-period conformal intervals at ``alpha``.

        The average effect has no interval, as in augsynth: inverting the conformal test of a
        constant effect over the post period refits the weights on the imposed null, and on
        the Kansas reference its p-value is neither monotone nor largest near the estimate
        (ridge ASCM: 0.072 at 0, 0.039 at the estimate -0.040, 0.132 at +0.05), so the set of
        nulls not rejected is no interval. :attr:`joint_pvalue` tests no effect at all.
        """
        import pandas as pd

        from ..core.checks import check_alpha

        alpha = check_alpha(alpha)
        rows = {name: (float("nan"), float("nan")) for name in self.params.index}
        for period, (g, p) in self._conformal.items():
            if period != "joint null":
                rows[f"effect {period}"] = invert_grid(g, p, alpha)
        return pd.DataFrame.from_dict(rows, orient="index", columns=["lower", "upper"])

    def _path_band(self, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-period conformal intervals at ``alpha`` (NaN without ``fit(conformal=True)``)."""
        import numpy as np

        eff = self._effects
        lower = np.full(len(eff), np.nan)
        upper = lower.copy()
        for period, (g, p) in self._conformal.items():
            if period != "joint null":
                i = eff.index.get_loc(period)
                lower[i], upper[i] = invert_grid(g, p, alpha)
        return np.full(len(eff), np.nan), lower, upper

    def _headline(self, alpha: float) -> Headline:
        """The average effect after treatment; its p-value is the joint conformal test's."""
        import math

        post = self._effects.index[self._effects["effect"].notna().to_numpy()]
        joint = self.joint_pvalue
        return Headline(name="average effect", estimate=self.att, std_error=math.nan,
                        pvalue=math.nan if joint is None else joint, lower=math.nan,
                        upper=math.nan, alpha=alpha, window=(post[0], post[-1]),
                        unit=self._unit,
                        inference="conformal p-value of no effect in any post period"
                        if joint is not None else "none (fit(conformal=True))")

    @property
    def joint_pvalue(self) -> float | None:
        """Conformal p-value of no effect in any post period (sum of absolute residuals,
        1,000 iid permutations, seed 0; None without ``fit(conformal=True)``)."""
        if "joint null" not in self._conformal:
            return None
        return float(self._conformal["joint null"][1][0])

    @property
    def penalty(self) -> RidgePenalty | None:
        """The ridge penalty and its cross-validation curve.

        None for plain SCM or a fixed lambda.
        """
        return self._penalty


class AugmentedSynthControl:
    """Ridge-augmented synthetic control for one treated unit (Ben-Michael et al. 2021).

    Parameters
    ----------
    data : DataFrame
        Balanced long panel.
    outcome, unit, time : str
        Column names.
    treated : hashable
        The treated unit's label in ``unit``.
    treatment_time : scalar
        First treated period (a value of ``time``).
    progfunc : {"ridge", "none"}
        ``"ridge"`` augments SCM with ridge regression; ``"none"`` is plain outcome-only SCM.
    lam : float, optional
        Fixed ridge penalty; by default chosen by :func:`ridge_penalty_cv`.
    min_1se : bool
        Cross-validation rule (see :func:`ridge_penalty_cv`).

    Notes
    -----
    Validated against augsynth's vignette on Kansas (see module docstring).
    """

    def __init__(self, data: pd.DataFrame, *, outcome: str, unit: str, time: str, treated: Any,
                 treatment_time: Any, progfunc: str = "ridge", lam: float | None = None,
                 min_1se: bool = True) -> None:
        import numpy as np

        for col in (outcome, unit, time):
            if col not in data.columns:
                raise ModelSpecificationError(f"column {col!r} is not in the data; "
                                              f"columns are {sorted(map(str, data.columns))}")
        if progfunc not in ("ridge", "none"):
            raise ModelSpecificationError(f"progfunc must be 'ridge' or 'none', got {progfunc!r}")
        if lam is not None and not (np.isfinite(lam) and lam > 0):
            raise ModelSpecificationError(f"lam must be a positive number, got {lam!r}")
        wide = data.pivot_table(index=unit, columns=time, values=outcome, aggfunc="first")
        if wide.isna().any().any() or data.duplicated([unit, time]).any():
            raise UnbalancedPanelError(
                f"{outcome!r} must be observed once for every {unit} in every {time}; "
                "drop units or periods with gaps"
            )
        if treated not in wide.index:
            raise ModelSpecificationError(f"treated unit {treated!r} is not in column {unit!r}")
        times = wide.columns.to_numpy()
        pre = times < treatment_time
        if pre.sum() < 1 or pre.all():
            raise ModelSpecificationError(
                f"treatment_time {treatment_time!r} must leave periods before and after it"
            )
        if len(wide) < 3:
            raise NoComparisonUnitsError("augmented synthetic control needs at least 2 donors")
        self.outcome, self.unit, self.time = outcome, unit, time
        self.treated, self.treatment_time = treated, treatment_time
        self.progfunc, self.lam, self.min_1se = progfunc, lam, min_1se
        self._wide = wide
        self._pre = pre
        self.attrs = dict(data.attrs.get("venecon", {}))

    def _data_record(self) -> dict[str, Any]:
        """The loaded datasets' record, or a digest of the outcome panel for user data."""
        import hashlib

        import numpy as np

        if self.attrs.get("datasets"):
            return dict(self.attrs)
        values = np.ascontiguousarray(self._wide.to_numpy(dtype="float64"))
        digest = hashlib.sha256(values.tobytes())
        return {"datasets": {"user-supplied": digest.hexdigest()}, "data_version": None}

    def fit(self, alpha: float = 0.05, *, conformal: bool = False,
            grid_size: int = 50) -> AugmentedSynthResults:
        """Estimate the weights and the effect path.

        Parameters
        ----------
        alpha : float
            Level of the conformal intervals.
        conformal : bool
            Compute conformal intervals (Chernozhukov, Wuthrich and Zhu 2021) as augsynth does:
            per post period, the weights refitted on the pre-period plus that period with a
            null effect subtracted (ridge penalty held at its chosen value), exact iid
            permutations of the residuals, nulls on a grid of ``grid_size`` points spanning
            the estimate -/+ twice the root mean square post-period effect, plus 0; the
            interval is the range of nulls with p-value >= ``alpha``. Also the joint test of
            no effect in any period (see :attr:`AugmentedSynthResults.joint_pvalue`).
        grid_size : int
            Points in each grid (augsynth: 50).
        """
        import numpy as np
        import pandas as pd

        from ..core.checks import check_alpha

        alpha = check_alpha(alpha)
        if isinstance(grid_size, bool) or not isinstance(grid_size, int) or grid_size < 3:
            raise ModelSpecificationError(f"grid_size must be an integer >= 3, got {grid_size!r}")

        wide, pre = self._wide, self._pre
        donors = [u for u in wide.index if u != self.treated]
        Y = wide.loc[donors].to_numpy(dtype="float64")
        y1 = wide.loc[self.treated].to_numpy(dtype="float64")
        mu = Y[:, pre].mean(axis=0)
        Xc, x1 = Y[:, pre] - mu, y1[pre] - mu
        w_scm = scm_weights(Xc, x1)
        penalty = None
        w = w_scm
        if self.progfunc == "ridge":
            basis = RidgeBasis.of(Xc)
            lam = self.lam
            if lam is None:
                penalty = ridge_penalty_cv(Xc, x1, min_1se=self.min_1se, basis=basis,
                                           scm=w_scm)
                lam = penalty.value
            w = w_scm + basis.correction(x1 - Xc.T @ w_scm, float(lam))
        synth = w @ Y
        gaps = y1 - synth
        att = float(gaps[~pre].mean())
        lam_used = None if self.progfunc == "none" else float(lam)
        grids = self._conformal(Y, y1, gaps, lam_used, grid_size) if conformal else {}
        l2 = float(np.linalg.norm(Xc.T @ w - x1))
        unif = float(np.linalg.norm(Xc.mean(axis=0) - x1))
        bias = None
        if self.progfunc == "ridge":
            bias = float((y1 - w_scm @ Y)[~pre].mean() - att)
        index = pd.Index(wide.columns, name="period")
        effects = pd.DataFrame(
            {"actual": y1, "counterfactual": synth,
             "effect": np.where(pre, np.nan, gaps), "effect_lower": np.nan, "effect_upper": np.nan},
            index=index,
        )
        if conformal:
            effects["pvalue"] = np.nan
            for period, (g, p) in grids.items():
                if period != "joint null":
                    lo, hi = invert_grid(g, p, alpha)
                    effects.loc[period, ["effect_lower", "effect_upper"]] = [lo, hi]
                    effects.loc[period, "pvalue"] = p[-1]
        post_periods = list(index[~pre])
        names = ["average effect"] + [f"effect {period}" for period in post_periods]
        nan = np.full(len(names), np.nan)
        options = {"progfunc": self.progfunc, "lam": None if penalty is None and self.lam is None
                   else float(lam), "min_1se": self.min_1se}
        provenance = build_provenance(
            model="venecon.models.AugmentedSynthControl",
            data=self._data_record(),
            sample=None, options=options,
        )
        return AugmentedSynthResults(
            weights=pd.Series(w, index=donors, name="weight"),
            scm_weights=pd.Series(w_scm, index=donors, name="weight"),
            l2_imbalance=l2, scaled_l2_imbalance=l2 / unif, estimated_bias=bias, penalty=penalty,
            conformal=grids,
            actual=effects["actual"], effects=effects,
            events=pd.DataFrame({"date": [self.treatment_time], "period": [self.treatment_time]},
                                index=pd.Index(["treatment"])),
            unit=None, alpha=alpha,
            model="Augmented synthetic control (ridge)" if self.progfunc == "ridge"
            else "Synthetic control (outcome-only)",
            dependent=self.outcome,
            params=pd.Series(np.r_[att, gaps[~pre]], index=names),
            std_errors=pd.Series(nan, index=names),
            cov=pd.DataFrame(np.diag(nan), index=names, columns=names),
            nobs=int(wide.size), df_resid=None,
            cov_type="conformal (Chernozhukov, Wuthrich and Zhu 2021)" if conformal else "none",
            provenance=provenance,
            header=[("Treated unit", str(self.treated)), ("Donors", str(len(donors))),
                    ("L2 imbalance", f"{l2:.4g}"),
                    ("Estimated bias", "NA" if bias is None else f"{bias:.4g}")],
            notes=["L2 imbalance: pre-period outcomes, treated minus synthetic."],
            statistics={"l2_imbalance": l2, "scaled_l2_imbalance": l2 / unif,
                        "estimated_bias": bias, "lambda": options["lam"],
                        "joint_pvalue": grids["joint null"][1][0] if conformal else None},
        )

    def _conformal(self, Y: np.ndarray, y1: np.ndarray, gaps: np.ndarray, lam: float | None,
                   grid_size: int) -> dict[Any, tuple[np.ndarray, np.ndarray]]:
        """Grids of nulls and conformal p-values per post period (the last point of each is
        the null of no effect) and the joint-null p-value under ``"joint null"``."""
        import numpy as np

        pre = self._pre
        t0 = int(pre.sum())
        post = gaps[~pre]
        scale = float(np.sqrt(np.mean(post**2)))
        out: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        for j, period in enumerate(self._wide.columns[~pre]):
            # the nulls move only the treated unit: one refit object serves the whole grid
            refit = ConformalRefit(np.c_[Y[:, :t0], Y[:, t0 + j]], lam)
            grid = np.r_[np.linspace(post[j] - 2 * scale, post[j] + 2 * scale, grid_size), 0.0]
            target = y1[:t0 + 1].copy()
            p = np.empty(grid.size)
            for g, h in enumerate(grid):
                target[t0] = y1[t0 + j] - h
                p[g] = conformal_pvalue(refit.residuals(target), 1, "iid")
            out[period] = (grid, p)
        # joint null of no effect in any post period (augsynth's "p Value for Joint Null")
        t = Y.shape[1]
        joint = conformal_pvalue(ConformalRefit(Y, lam).residuals(y1), t - t0, "iid")
        out["joint null"] = (np.zeros(1), np.array([joint]))
        return out
