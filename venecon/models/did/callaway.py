"""Callaway and Sant'Anna (2021) group-time average treatment effects for staggered adoption.

For each cohort ``g`` (units first treated in period ``g``) and period ``t``
the group-time effect is an unconditional two-period DiD on a balanced panel:

``ATT(g,t) = mean(Y_t - Y_b | G = g) - mean(Y_t - Y_b | comparison)``

with base period ``b`` the *varying* base period of R ``did``'s default
(``base_period = "varying"``): ``b = g - anticipation - 1`` for post-treatment
cells (``t >= g``) and ``b = t - 1`` for pre-treatment cells, whose effects
are then short-difference placebo tests. The comparison units are the
never-treated (``control_group="never"``) or those not yet treated by
``t + anticipation`` (``control_group="notyet"``, never-treated included,
cohort ``g`` itself excluded).

Inference follows R ``did``: each ``ATT(g,t)`` has the influence function
``psi_i = n/n_g 1{G_i=g}(dY_i - m_g) - n/n_c 1{i in comparison}(dY_i - m_c)``
(the doubly robust estimator with no covariates reduces to this), analytical
standard errors are ``sqrt(sum psi_i^2) / n``, and the aggregations of
:meth:`CallawaySantAnnaResults.aggregate` (``simple``, ``dynamic``,
``group``, ``calendar``) carry the estimation of the cohort shares into their
influence functions (R's ``wif``). The multiplier bootstrap (Mammen weights,
seeded) gives bootstrap standard errors (interquartile-range scale, as R)
and the critical value of a uniform confidence band.

Conventions of R ``did`` kept here: a cohort of 0 or missing is never
treated; a cohort after the last period (plus anticipation) counts as never
treated; units treated in or before the first period (plus anticipation) are
dropped (listed in ``dropped``, with a warning). Differences: R silently
replaces the missing comparison group (the last cohort as "never treated")
when there are no never-treated units, and sets cells without comparison
units to NA; venecon raises :class:`~venecon.exceptions.NoComparisonUnitsError`
naming the cells instead. Unbalanced panels are estimated as R's
``allow_unbalanced_panel``: each cell pools the two periods' observations as
repeated cross sections and a unit's influence sums those of its
observations. Without covariates and weights that is a difference of four
group-period means; with covariates (each observation's own values) or
weights each cell uses R ``DRDID``'s repeated-cross-section estimator of the
``est_method`` (``drdid_rc``, ``drdid_imp_rc``, ``std_ipw_did_rc``,
``reg_did_rc``; :mod:`venecon.models.did.drdid_rc`). Balanced panels never
take that path.

Covariates (``covariates=[...]``, on a balanced panel the values of the earlier
of the two periods compared) use ``est_method`` "dr" (R ``did``'s default: the
locally efficient doubly robust estimator ``DRDID::drdid_panel``, logit and OLS
first steps), "dr-imp" (the improved doubly
robust estimator ``DRDID::drdid_imp_panel``, inverse probability tilting and weighted least
squares first steps; R ``did`` reaches it only through a user-supplied ``est_method``
function), "ipw" or "reg" (:mod:`venecon.models.did.drdid`); ``base_period="universal"``
compares every period with ``g - 1 - anticipation``; ``weights`` (constant
within unit) and ``cluster`` (units nested in clusters) follow R ``did``.

Validated on ``mpdta`` (R ``did``'s example): simple ATT -0.0399513 with
never-treated comparisons, dynamic ATT(e) equal to :class:`~venecon.models.SunAbraham`,
not-yet-treated results equal to the ``csdid`` Python port, standard errors
beside R's printed output (``tests/test_models_callaway.py``); covariates with
each ``est_method``, the universal base period, weights, clustering and an
unbalanced panel equal to ``csdid`` at 1e-6
(``tests/test_models_callaway_covariates.py``); "dr-imp" equal to ``moderndid``'s
``att_gt`` run with its ``drdid_imp_panel`` at 1e-6 (``tests/test_models_callaway_drimp.py``);
unbalanced panels with covariates and weights, each ``est_method``, equal to ``csdid``'s
``allow_unbalanced_panel`` run with ``moderndid``'s ports of R ``DRDID``'s
repeated-cross-section estimators at 1e-8 (``tests/test_models_callaway_unbalanced.py``).

Reference: Callaway, B. and Sant'Anna, P. H. C. (2021), "Difference-in-differences
with multiple time periods", *Journal of Econometrics* 225(2), 200-230.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError, NoComparisonUnitsError
from ..core.checks import check_alpha
from ..core.results import Headline, ModelResults, build_provenance, jsonable, path_frame
from .drdid import ESTIMATORS
from .drdid_rc import rc_cell
from .panel import panel_frame

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "CallawaySantAnna",
    "CallawaySantAnnaResults",
    "AggregateResults",
    "BootstrapOptions",
    "CallawayOptions",
]

CONTROL_GROUPS = ("never", "notyet")
EST_METHODS = ("dr", "dr-imp", "ipw", "reg")
BASE_PERIODS = ("varying", "universal")
AGGREGATIONS = ("simple", "dynamic", "group", "calendar")


@dataclass(frozen=True)
class BootstrapOptions:
    """Multiplier bootstrap of the aggregated effects (R ``did``'s ``mboot``).

    Attributes
    ----------
    replications : int
        Bootstrap draws (R's ``biters``, default 1000).
    seed : int
        Seed of the Mammen weights (:func:`numpy.random.default_rng`).
    """

    replications: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        r = self.replications
        if isinstance(r, bool) or not isinstance(r, int) or r < 2:
            raise ModelSpecificationError(
                f"BootstrapOptions: replications must be an int >= 2, got {r!r}"
            )


@dataclass(frozen=True)
class CallawayOptions:
    """Estimation choices of :class:`CallawaySantAnna` beyond the panel layout (R ``did``'s
    ``xformla``, ``est_method``, ``base_period``, ``weightsname``, ``clustervars``).

    Attributes
    ----------
    covariates : tuple of str
        Covariate columns.
    est_method : {"dr", "dr-imp", "ipw", "reg"}
        Doubly robust as R ``did`` (``DRDID::drdid_panel``), improved doubly
        robust (``DRDID::drdid_imp_panel``), inverse probability weighting or
        outcome regression.
    base_period : {"varying", "universal"}
        Base period of the pre-treatment cells.
    weights, cluster : str or None
        Sampling-weight and cluster columns.
    """

    covariates: tuple[str, ...] = ()
    est_method: str = "dr"
    base_period: str = "varying"
    weights: str | None = None
    cluster: str | None = None

    def __post_init__(self) -> None:
        name = "CallawaySantAnna"
        cov = self.covariates
        if isinstance(cov, str) or not all(isinstance(c, str) for c in cov):
            raise ModelSpecificationError(
                f"{name}: covariates must be a list of column names, got {cov!r}")
        object.__setattr__(self, "covariates", tuple(cov))
        if self.est_method not in EST_METHODS:
            raise ModelSpecificationError(
                f"{name}: est_method must be one of {EST_METHODS}, got {self.est_method!r}")
        if self.base_period not in BASE_PERIODS:
            raise ModelSpecificationError(
                f"{name}: base_period must be one of {BASE_PERIODS}, got {self.base_period!r}")
        for field, value in (("weights", self.weights), ("cluster", self.cluster)):
            if value is not None and not isinstance(value, str):
                raise ModelSpecificationError(
                    f"{name}: {field} must be a column name or None, got {value!r}")


def influence_cov(psi: np.ndarray, cluster: np.ndarray | None) -> np.ndarray:
    """Covariance of estimates with influence functions ``psi`` (units x k), by cluster if given.

    Clustered: ``S'S / n^2`` with ``S`` the cluster sums of ``psi`` and ``n`` the number of units
    (R ``did``'s analytical clustered standard errors, no small-sample factor).
    """
    n = psi.shape[0]
    s = psi if cluster is None else cluster_sums(psi, cluster)
    return s.T @ s / n**2


def cluster_sums(psi: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """Sums of the rows of ``psi`` within each cluster (``cluster`` holds codes 0..C-1)."""
    import numpy as np

    out = np.zeros((int(cluster.max()) + 1, psi.shape[1]))
    np.add.at(out, cluster, psi)
    return out


def cluster_means(psi: np.ndarray, cluster: np.ndarray | None) -> np.ndarray:
    """Rows for the clustered multiplier bootstrap: one per cluster, its sum of ``psi`` scaled by
    clusters / units, so one weight per cluster and the bootstrap variance matches the
    analytical clustered one (``S'S / n^2``)."""
    if cluster is None:
        return psi
    sums = cluster_sums(psi, cluster)
    return sums * (sums.shape[0] / psi.shape[0])


def _unbalanced_cell(
    y_t: np.ndarray, y_b: np.ndarray, treated: np.ndarray, comp: np.ndarray
) -> tuple[float, np.ndarray]:
    """ATT and per-unit influence of one cell of an unbalanced panel (R did's
    ``allow_unbalanced_panel``): the two periods' observations are pooled as repeated cross
    sections (a unit missing in one period still counts in the other), each of the four
    group-period means is a sample mean over the observations present, and a unit's
    influence sums those of its observations. Without covariates R's doubly robust
    repeated-cross-section estimator reduces to this difference of four means."""
    import numpy as np

    n = len(y_t)
    att = 0.0
    psi = np.zeros(n)
    for y, group, sign in ((y_t, treated, 1), (y_b, treated, -1), (y_t, comp, -1),
                           (y_b, comp, 1)):
        cell = group & ~np.isnan(y)
        if not cell.any():
            raise NoComparisonUnitsError("no observations")
        m = y[cell].mean()
        att += sign * m
        psi[cell] += sign * n / cell.sum() * (y[cell] - m)
    return float(att), psi


def _multiplier(inf: np.ndarray, opts: BootstrapOptions, alpha: float) -> tuple[np.ndarray, float]:
    """Bootstrap standard errors and uniform critical value of the columns of ``inf`` (n x k)."""
    import numpy as np
    from scipy import stats

    n = inf.shape[0]
    rng = np.random.default_rng(opts.seed)
    root5 = np.sqrt(5.0)
    # Mammen's two-point weights: mean 0, variance 1, third moment 1.
    lo, hi = (1 - root5) / 2, (1 + root5) / 2
    p_lo = (root5 + 1) / (2 * root5)
    draws = np.empty((opts.replications, inf.shape[1]))
    chunk = max(1, min(opts.replications, 2_000_000 // max(n, 1)))
    # the weights are written into two reused buffers (the same draws and values as
    # np.where(u < p_lo, lo, hi), without two new (chunk x n) arrays per chunk)
    u, low = np.empty((chunk, n)), np.empty((chunk, n), dtype=bool)
    for start in range(0, opts.replications, chunk):
        m = min(chunk, opts.replications - start)
        v, below = u[:m], low[:m]
        rng.random(out=v)
        np.less(v, p_lo, out=below)
        np.multiply(below, lo - hi, out=v)
        v += hi
        draws[start : start + m] = np.sqrt(n) * (v @ inf) / n
    # robust scale: interquartile range of the draws over that of N(0, 1), as R did
    b = np.sort(draws, axis=0)
    nb = b.shape[0]
    q75, q25 = b[int(np.ceil(0.75 * nb)) - 1], b[int(np.ceil(0.25 * nb)) - 1]
    sigma = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    ok = sigma > np.sqrt(np.finfo(float).eps) * 10
    se = np.where(ok, sigma / np.sqrt(n), np.nan)
    if not ok.any():
        return se, float("nan")
    tmax = np.sort(np.abs(draws[:, ok] / sigma[ok]).max(axis=1))
    crit = float(tmax[int(np.ceil((1 - alpha) * nb)) - 1])  # R quantile(type = 1)
    return se, crit


def _uniform_band(psi_means: np.ndarray, bootstrap: BootstrapOptions, alpha: float,
                 est: np.ndarray, se: np.ndarray, names: list[str], labels: list[int],
                 index_name: str) -> tuple[pd.DataFrame, float]:
    """(band, critical value) of the non-overall parameters: :func:`_multiplier` laid out."""
    import pandas as pd

    boot_se, crit = _multiplier(psi_means, bootstrap, alpha)
    band = pd.DataFrame(
        {
            "estimate": est,
            "std_error": se,
            "boot_std_error": boot_se,
            "lower": est - crit * boot_se,
            "upper": est + crit * boot_se,
            "parameter": names,
        },
        index=pd.Index(labels, name=index_name),
    )
    return band, crit


def _require_universal_base(provenance: dict[str, Any]) -> None:
    """HonestDiD needs pre-period effects that form a path relative to ``e = -1``."""
    base = provenance.get("options", {}).get("base_period", "varying")
    if base != "universal":
        raise ModelSpecificationError(
            f"honest_did needs a universal base period (pre-period effects relative to "
            f"e = -1); these estimates use the {base!r} base period, whose pre-period "
            "estimates are one-period changes. Re-estimate with base_period='universal'")


class AggregateResults(ModelResults):
    """An aggregation of group-time effects (:meth:`CallawaySantAnnaResults.aggregate`).

    ``params["att"]`` is the overall effect of the aggregation; the other
    parameters are the effects by event time (``event_-1``, ``event_0``, ...),
    cohort (``group_2004``) or period (``time_2006``). Standard errors are
    analytical (influence functions). ``band`` gives, for the non-overall
    parameters, bootstrap standard errors and the uniform (simultaneous)
    ``1 - alpha`` band with critical value ``crit_value``;
    ``influence`` the influence functions (one column per parameter).

    ``band`` may be given as a picklable callable returning ``(band, crit_value)``
    (``crit_value`` then None): the bootstrap, ``replications`` x units draws, runs
    when the band is first read (it is the costliest part of an aggregation with
    many units) and is kept; the numbers do not depend on when it runs.
    """

    def __init__(
        self,
        *,
        kind: str,
        band: pd.DataFrame | Callable[[], tuple[pd.DataFrame, float]],
        crit_value: float | None,
        influence: pd.DataFrame,
        alpha: float = 0.05,
        **kwargs: Any,
    ) -> None:
        self._alpha = check_alpha(alpha)
        self._kind = kind
        if callable(band):
            self._band_source, self._banded = band, None
        else:
            self._band_source, self._banded = None, (band.copy(), float(crit_value))
        self._influence = influence.copy()
        super().__init__(**kwargs)

    @property
    def _band(self) -> pd.DataFrame:
        return self._band_and_crit()[0]

    @property
    def _crit(self) -> float:
        return self._band_and_crit()[1]

    def _band_and_crit(self) -> tuple[pd.DataFrame, float]:
        if self._banded is None:
            band, crit = self._band_source()
            object.__setattr__(self, "_banded", (band, float(crit)))  # computed once, then fixed
        return self._banded

    @property
    def kind(self) -> str:
        """``"simple"``, ``"dynamic"``, ``"group"`` or ``"calendar"``."""
        return self._kind

    @property
    def band(self) -> pd.DataFrame:
        """Estimate, analytical and bootstrap standard error, uniform ``lower``/``upper``."""
        return self._band.copy()

    @property
    def crit_value(self) -> float:
        """Critical value of the uniform band (NaN for ``simple``)."""
        return self._crit

    @property
    def influence(self) -> pd.DataFrame:
        """Influence functions of the parameters, one row per unit."""
        return self._influence.copy()

    def _headline_name(self) -> str:
        return "att"

    def _path(self, alpha: float) -> pd.DataFrame:
        """One row per event time, cohort or period with pointwise ``1 - alpha`` intervals;
        at the fitted ``alpha`` also the uniform band (``uniform_lower``, ``uniform_upper``)."""
        import math

        if not len(self._band):
            return super()._path(alpha)
        band = self._band
        ci = self.conf_int(alpha).loc[band["parameter"]]
        extra: dict[str, Any] = {"parameter": band["parameter"]}
        if math.isclose(alpha, self._alpha):
            extra.update(uniform_lower=band["lower"], uniform_upper=band["upper"])
        return path_frame(band.index, band["estimate"], band["std_error"], ci["lower"],
                          ci["upper"], **extra)

    def _summary_tables(self, alpha: float) -> list[tuple[str, pd.DataFrame]]:
        tables = super()._summary_tables(alpha)
        if len(self._band):
            tables.append(
                (
                    f"Uniform band (critical value {self._crit:.3f}, multiplier bootstrap)",
                    self._band,
                )
            )
        return tables

    def honest_did(self, options: Any = None, *, effect: int | None = None) -> Any:
        """Sensitivity of a dynamic effect to violations of parallel trends.

        Rambachan and Roth (2023). Needs ``kind="dynamic"`` and a universal
        base period (every pre-period effect relative to ``e = -1``, as R's
        ``honest_did`` for ``did`` requires):
        with the varying base period the pre-period estimates are one-period
        changes, not a path, and the restrictions do not apply to them. See
        :meth:`venecon.models.did.panel.PanelEventStudyResults.honest_did`.
        """
        import pandas as pd

        from .honest import event_study_sensitivity

        if self._kind != "dynamic":
            raise ModelSpecificationError(
                f"honest_did needs the dynamic (event-time) aggregation, got {self._kind!r}; "
                "use results.aggregate('dynamic')")
        _require_universal_base(self.provenance)
        names = [n for n in self.params.index if n != "att"]
        times = [0 if n == "event_0" else int(n.split("_")[1]) for n in names]
        est = pd.Series(self.params[names].to_numpy(), index=times)
        return event_study_sensitivity(est, self.cov.loc[names, names], -1, options=options,
                                       effect=effect, source=self._model,
                                       data=self.provenance.get("data"))

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["kind"] = self._kind
        out["band"] = jsonable(self._band)
        out["crit_value"] = jsonable(self._crit)
        return out

    def plot(self, alpha: float | None = None, ax: Any = None) -> Figure:
        """Effects with pointwise ``1 - alpha`` intervals (default: the fitted ``alpha``) and
        the uniform band at the fitted ``alpha`` (event study for ``dynamic``)."""
        import matplotlib.pyplot as plt
        import numpy as np

        alpha = self._alpha_or_default(alpha)
        if self._kind == "simple" or not len(self._band):
            return super().plot(alpha, ax)
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        band = self._band
        x = np.asarray(band.index, dtype="float64")
        est = band["estimate"].to_numpy()
        ci = self.conf_int(alpha).loc[band["parameter"]]
        ax.fill_between(
            x,
            band["lower"].to_numpy(),
            band["upper"].to_numpy(),
            color="C0",
            alpha=0.15,
            label=f"uniform {100 * (1 - self._alpha):g}% band",
        )
        ax.errorbar(
            x,
            est,
            yerr=[est - ci["lower"].to_numpy(), ci["upper"].to_numpy() - est],
            fmt="o",
            capsize=3,
            color="C0",
            label=f"pointwise {100 * (1 - alpha):g}% interval",
        )
        ax.axhline(0, color="grey", lw=0.8)
        if self._kind == "dynamic":
            ax.axvline(-0.5, color="grey", ls=":", lw=1)
            ax.set_xlabel("periods since treatment (e)")
        else:
            ax.set_xlabel("cohort" if self._kind == "group" else "period")
        ax.set_ylabel(f"ATT ({self._dependent})")
        ax.set_title(f"{self._model}")
        ax.legend(loc="best")
        return fig


class CallawaySantAnnaResults(ModelResults):
    """Group-time average treatment effects (:class:`CallawaySantAnna`).

    ``params`` are the ``ATT(g,t)`` named ``"ATT(g,t)"``; ``att_gt`` tabulates
    them with cohort, period, base period, event time, standard error and the
    numbers of treated and comparison units. :meth:`aggregate` summarises them.
    """

    def __init__(
        self,
        *,
        att_gt: pd.DataFrame,
        inf: np.ndarray,
        cohort_of_unit: np.ndarray,
        units: pd.Index,
        dropped: dict[str, list],
        spec: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        self._att_gt = att_gt.copy()
        self._inf = inf.copy()
        self._inf.setflags(write=False)
        self._cohort_of_unit = cohort_of_unit.copy()
        self._units = units.copy()
        self._dropped = {k: list(v) for k, v in dropped.items()}
        self._spec = dict(spec)
        self._alpha = check_alpha(self._spec["alpha"])
        super().__init__(**kwargs)

    @property
    def att_gt(self) -> pd.DataFrame:
        """One row per (cohort, period): att, std_error, interval, base period, event time, post,
        numbers of treated and comparison units."""
        return self._att_gt.copy()

    @property
    def influence(self) -> pd.DataFrame:
        """Influence functions of the ``ATT(g,t)``, one row per unit."""
        import pandas as pd

        return pd.DataFrame(self._inf, index=self._units, columns=self._params.index)

    @property
    def dropped(self) -> dict[str, list]:
        """Units left out: ``always_treated`` (treated in the first period)."""
        return {k: list(v) for k, v in self._dropped.items()}

    def _headline(self, alpha: float) -> Headline:
        """The simple aggregation's ``att`` (R ``aggte(type = "simple")``)."""
        from dataclasses import replace

        head = self.aggregate("simple").headline_at(alpha)
        return replace(head, name="att (simple aggregation)")

    def _path(self, alpha: float) -> pd.DataFrame:
        """One row per (cohort, period) cell: ``ATT(g,t)`` with pointwise intervals."""
        gt = self._att_gt
        ci = self.conf_int(alpha).loc[gt["parameter"]]
        return path_frame(gt["period"], gt["att"], gt["std_error"], ci["lower"], ci["upper"],
                          cohort=gt["cohort"], event=gt["event"], post=gt["post"],
                          parameter=gt["parameter"])

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["att_gt"] = jsonable(self._att_gt)
        out["dropped"] = jsonable(self._dropped)
        return out

    def plot(self, alpha: float | None = None, ax: Any = None) -> Figure:
        """ATT(g,t) by period with ``1 - alpha`` intervals (default: the fitted ``alpha``),
        one panel per cohort, pre-treatment cells in grey."""
        import matplotlib.pyplot as plt

        alpha = self._alpha_or_default(alpha)
        gt = self._att_gt
        cohorts = sorted(gt["cohort"].unique())
        if ax is None:
            fig, axes = plt.subplots(
                len(cohorts), 1, sharex=True, figsize=(7, 2.2 * len(cohorts)), squeeze=False
            )
            axes = axes[:, 0]
        else:
            axes = list(ax) if hasattr(ax, "__len__") else [ax]
            fig = axes[0].figure
        ci = self.conf_int(alpha)
        for a, g in zip(axes, cohorts, strict=False):
            cell = gt[gt["cohort"] == g]
            for post, colour in ((False, "grey"), (True, "C3")):
                part = cell[cell["post"] == post]
                lo = ci.loc[part["parameter"], "lower"].to_numpy()
                hi = ci.loc[part["parameter"], "upper"].to_numpy()
                est = part["att"].to_numpy()
                a.errorbar(
                    part["period"], est, yerr=[est - lo, hi - est], fmt="o", color=colour, capsize=3
                )
            a.axhline(0, color="grey", lw=0.8)
            a.set_ylabel(f"cohort {g}")
        axes[0].set_title(f"{self._model}: ATT(g,t), {100 * (1 - alpha):g}% pointwise intervals")
        return fig

    # --- aggregation -------------------------------------------------------------------------
    def _wif(self, keep: np.ndarray, pg: np.ndarray, cohorts: np.ndarray) -> np.ndarray:
        """Influence of estimating the cohort shares ``pg`` on a weighted average (R's ``wif``)."""
        import numpy as np

        s = pg[keep].sum()
        member = self._cohort_of_unit[:, None] == cohorts[keep][None, :]
        centred = self._spec["weights"][:, None] * member - pg[keep]
        return centred / s - np.outer(centred.sum(axis=1), pg[keep] / s**2)

    def honest_did(self, options: Any = None, *, effect: int | None = None,
                   min_e: float = -float("inf"), max_e: float = float("inf")) -> Any:
        """Rambachan-Roth sensitivity of a dynamic effect: ``aggregate("dynamic").honest_did()``.

        Sant'Anna's ``honest_did.AGGTEobj`` recipe (HonestDiD README): needs
        the universal base period; the event study is the dynamic aggregation
        in ``[min_e, max_e]`` with ``V = IF'IF / n^2`` of its influence
        functions, the reference ``e = -1`` dropped, event times consecutive.
        See :meth:`AggregateResults.honest_did`.
        """
        _require_universal_base(self.provenance)
        dyn = self.aggregate("dynamic", min_e=min_e, max_e=max_e)
        return dyn.honest_did(options, effect=effect)

    def aggregate(
        self,
        kind: str = "group",
        *,
        alpha: float | None = None,
        bootstrap: BootstrapOptions | None = None,
        balance_e: int | None = None,
        min_e: float = -float("inf"),
        max_e: float = float("inf"),
    ) -> AggregateResults:
        """Aggregate the group-time effects as R ``did::aggte``.

        Parameters
        ----------
        kind : {"simple", "dynamic", "group", "calendar"}, default "group"
            ``simple``: post-treatment ATT(g,t) weighted by cohort size.
            ``dynamic``: by event time ``e = t - g`` (all e, pre-treatment
            included), ``att`` averaging ``e >= 0``. ``group``: by cohort over its
            post-treatment periods, ``att`` weighted by cohort size.
            ``calendar``: by period over the cohorts treated by then, ``att``
            their average.
        alpha : float, optional
            Level of the uniform band (default: the model's).
        bootstrap : BootstrapOptions, optional
            Multiplier bootstrap settings for the uniform band (1000 draws, seed
            of the model by default).
        balance_e : int, optional
            ``dynamic`` only: keep the cohorts observed for at least
            ``balance_e`` periods after treatment and the event times up to
            ``balance_e``, so every effect averages the same cohorts (R's
            ``balance_e``).
        min_e, max_e : float, default -inf, inf
            Event-time window: ``dynamic`` keeps ``min_e <= e <= max_e``;
            ``simple`` and ``group`` average the post-treatment cells in it.

        Returns
        -------
        AggregateResults
            ``params`` with ``att`` and the effects by event time, cohort or
            period; analytical ``std_errors``; ``band`` and ``crit_value``.
        """
        import numpy as np
        import pandas as pd

        if kind not in AGGREGATIONS:
            raise ModelSpecificationError(
                f"aggregate: kind must be one of {AGGREGATIONS}, got {kind!r}"
            )
        alpha = self._spec["alpha"] if alpha is None else check_alpha(alpha)
        if bootstrap is None:
            bootstrap = BootstrapOptions(seed=self._spec["seed"])
        elif not isinstance(bootstrap, BootstrapOptions):
            raise ModelSpecificationError("aggregate: bootstrap must be a BootstrapOptions")
        if balance_e is not None and (
            isinstance(balance_e, bool) or not isinstance(balance_e, int) or balance_e < 0
        ):
            raise ModelSpecificationError(
                f"aggregate: balance_e must be an int >= 0, got {balance_e!r}")
        if balance_e is not None and kind != "dynamic":
            raise ModelSpecificationError(
                f"aggregate: balance_e applies to kind='dynamic' only, not {kind!r}")
        if not min_e <= max_e:
            raise ModelSpecificationError(
                f"aggregate: min_e ({min_e}) must not exceed max_e ({max_e})")
        if kind == "calendar" and (np.isfinite(min_e) or np.isfinite(max_e)):
            raise ModelSpecificationError(
                "aggregate: min_e and max_e do not apply to kind='calendar'")
        gt = self._att_gt
        att = gt["att"].to_numpy()
        cohort = gt["cohort"].to_numpy()
        period = gt["period"].to_numpy()
        event = period - cohort
        inf = self._inf
        glist = np.sort(np.unique(cohort))
        wts = self._spec["weights"]
        share = np.array([(wts * (self._cohort_of_unit == g)).mean() for g in glist])
        pg = share[np.searchsorted(glist, cohort)]
        post = cohort <= period
        # the event-time window of the simple and group aggregations
        in_window = post & (event >= min_e) & (event <= max_e)

        def weighted(keep: np.ndarray, with_wif: bool) -> tuple[float, np.ndarray]:
            w = pg[keep] / pg[keep].sum()
            psi = inf[:, keep] @ w
            if with_wif:
                psi = psi + self._wif(keep, pg, cohort) @ att[keep]
            return float(att[keep] @ w), psi

        names: list[str] = []
        labels: list[Any] = []
        est: list[float] = []
        psis: list[np.ndarray] = []
        if kind == "simple":
            if not in_window.any():
                raise ModelSpecificationError(
                    f"aggregate: no post-treatment cell has an event time in [{min_e}, {max_e}]")
            a, psi = weighted(np.flatnonzero(in_window), True)
            overall = (a, psi)
        elif kind == "dynamic":
            include = np.ones(len(att), dtype=bool)
            eseq = np.unique(event)
            if balance_e is not None:
                last = period.max()
                first = min(period.min(), self._att_gt["base"].min())
                include = last - cohort >= balance_e
                if not include.any():
                    raise ModelSpecificationError(
                        f"aggregate: no cohort is observed {balance_e} periods after treatment; "
                        "reduce balance_e")
                eseq = np.unique(event[include])
                eseq = eseq[(eseq <= balance_e) & (eseq >= balance_e - last + first)]
            eseq = eseq[(eseq >= min_e) & (eseq <= max_e)]
            if not len(eseq):
                raise ModelSpecificationError(
                    "aggregate: no event time is left by balance_e, min_e and max_e")
            for e in eseq:
                a, psi = weighted(np.flatnonzero((event == e) & include), True)
                names.append(f"event_{int(e):+d}" if e else "event_0")
                labels.append(int(e))
                est.append(a)
                psis.append(psi)
            on = np.asarray(labels) >= 0
            if not on.any():
                raise ModelSpecificationError(
                    "aggregate: the window holds no event time e >= 0 for the overall effect")
            overall = (
                float(np.mean(np.asarray(est)[on])),
                np.column_stack(psis)[:, on].mean(axis=1),
            )
        elif kind == "group":
            for g in glist:
                # equal weights within a cohort: its share is the same in every cell
                keep = np.flatnonzero((cohort == g) & in_window)
                if not len(keep):
                    raise ModelSpecificationError(
                        f"aggregate: cohort {int(g)} has no post-treatment cell with an event "
                        f"time in [{min_e}, {max_e}]; widen min_e/max_e")
                a, psi = weighted(keep, False)
                names.append(f"group_{int(g)}")
                labels.append(int(g))
                est.append(a)
                psis.append(psi)
            w = share / share.sum()
            wif = self._wif(np.arange(len(glist)), share, glist)
            overall = (
                float(np.asarray(est) @ w),
                np.column_stack(psis) @ w + wif @ np.asarray(est),
            )
        else:
            for t in np.unique(period[period >= glist.min()]):
                keep = np.flatnonzero((period == t) & post)
                if not len(keep):
                    continue
                a, psi = weighted(keep, True)
                names.append(f"time_{int(t)}")
                labels.append(int(t))
                est.append(a)
                psis.append(psi)
            overall = (float(np.mean(est)), np.column_stack(psis).mean(axis=1))
        names.append("att")
        est.append(overall[0])
        psis.append(overall[1])
        psi_all = np.column_stack(psis)
        cov = influence_cov(psi_all, self._spec["cluster"])
        se = np.sqrt(np.diag(cov))
        band: Any = pd.DataFrame(
            columns=["estimate", "std_error", "boot_std_error", "lower", "upper", "parameter"]
        )
        crit: float | None = float("nan")
        if len(labels):
            band, crit = partial(
                _uniform_band, cluster_means(psi_all[:, :-1], self._spec["cluster"]), bootstrap,
                alpha, np.asarray(est[:-1]), se[:-1], names[:-1], labels,
                {"dynamic": "e", "group": "cohort", "calendar": "period"}[kind]), None
        title = {
            "simple": "simple (cohort-size weighted post-treatment ATT(g,t))",
            "dynamic": "dynamic (event time)",
            "group": "group (cohort)",
            "calendar": "calendar (period)",
        }[kind]
        notes = [
            f"Aggregation: {title}; R did::aggte(type = '{kind}').",
            "Analytical standard errors from influence functions (cohort shares estimated).",
        ]
        if len(labels):
            notes.append(
                f"Uniform band: multiplier bootstrap (Mammen weights), "
                f"{bootstrap.replications} draws, seed {bootstrap.seed}."
            )
        prov = self.provenance
        prov["options"]["aggregate"] = {
            "kind": kind,
            "balance_e": balance_e,
            "min_e": jsonable(min_e),
            "max_e": jsonable(max_e),
            "alpha": alpha,
            "bootstrap": {"replications": bootstrap.replications, "seed": bootstrap.seed},
        }
        prov["seed"] = bootstrap.seed if len(labels) else prov.get("seed")
        return AggregateResults(
            kind=kind,
            band=band,
            crit_value=crit,
            alpha=alpha,
            influence=pd.DataFrame(psi_all, index=self._units, columns=names),
            model=f"{self._model} ({kind})",
            dependent=self._dependent,
            params=pd.Series(est, index=names),
            std_errors=pd.Series(se, index=names),
            cov=pd.DataFrame(cov, index=names, columns=names),
            nobs=self._nobs,
            df_resid=None,
            cov_type="analytical (influence function)",
            provenance=prov,
            header=self._header,
            notes=notes,
        )


class CallawaySantAnna:
    """Callaway-Sant'Anna group-time ATTs for staggered adoption, with or without covariates.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period (unbalanced allowed: R ``did``'s
        ``allow_unbalanced_panel``).
    outcome, unit, time : str
        Column names; ``time`` holds integer periods (years).
    cohort : str
        First treated period of each row's unit (constant within unit); 0 or
        missing means never treated (R ``did``'s ``gname``).
    control_group : {"never", "notyet"}, default "never"
        Never-treated units, or never-treated plus not-yet-treated units.
    anticipation : int, default 0
        Periods before ``g`` in which units may already react.
    alpha : float, default 0.05
        Level of intervals and uniform bands.
    seed : int, default 0
        Seed of the multiplier bootstrap used by :meth:`CallawaySantAnnaResults.aggregate`.
    covariates : sequence of str, default ()
        Covariate columns (R's ``xformla``); on a balanced panel each cell uses
        the earlier of its two periods' values, on an unbalanced one each
        observation its own.
    est_method : {"dr", "dr-imp", "ipw", "reg"}, default "dr"
        With covariates: ``"dr"`` the locally efficient doubly robust
        estimator R ``did::att_gt`` uses (``DRDID::drdid_panel``: logit
        propensity score, OLS outcome model); ``"dr-imp"`` the improved doubly
        robust estimator of Sant'Anna and Zhao (2020) (``DRDID::drdid_imp_panel``:
        inverse probability tilting, weighted least squares; doubly robust for
        inference too); ``"ipw"`` inverse probability weighting; ``"reg"``
        outcome regression. Without covariates all four are the same
        unconditional DiD.
    base_period : {"varying", "universal"}, default "varying"
        ``varying``: pre-treatment cells compare ``t`` with ``t - 1``;
        ``universal``: every cell compares with ``g - 1 - anticipation``.
    weights : str, optional
        Sampling weights, constant within unit (normalised to mean one).
    cluster : str, optional
        Cluster column (units nested in it) for standard errors and the bootstrap.

    Notes
    -----
    R: ``did::att_gt(yname, tname, idname, gname, data, control_group =
    "nevertreated" | "notyettreated", anticipation, base_period = "varying")``
    then ``aggte(type = ...)``. See the module docstring for the influence
    functions and for where venecon raises instead of dropping cells.

    Examples
    --------
    >>> res = CallawaySantAnna(mpdta, outcome="lemp", unit="countyreal", time="year",
    ...                        cohort="first.treat").fit()  # doctest: +SKIP
    >>> res.aggregate("simple").params["att"]  # doctest: +SKIP
    -0.0399...
    """

    _name = "Callaway-Sant'Anna"

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        outcome: str,
        unit: str,
        time: str,
        cohort: str,
        control_group: str = "never",
        anticipation: int = 0,
        alpha: float = 0.05,
        seed: int = 0,
        covariates: tuple[str, ...] | list[str] = (),
        est_method: str = "dr",
        base_period: str = "varying",
        weights: str | None = None,
        cluster: str | None = None,
    ) -> None:
        name = "CallawaySantAnna"
        self.options = CallawayOptions(covariates=covariates, est_method=est_method,
                                       base_period=base_period, weights=weights, cluster=cluster)
        self.covariates, self.est_method = self.options.covariates, est_method
        self.base_period = base_period
        self.weights, self.cluster = weights, cluster
        if control_group not in CONTROL_GROUPS:
            raise ModelSpecificationError(
                f"{name}: control_group must be one of {CONTROL_GROUPS}, got {control_group!r}"
            )
        if isinstance(anticipation, bool) or not isinstance(anticipation, int) or anticipation < 0:
            raise ModelSpecificationError(
                f"{name}: anticipation must be an int >= 0, got {anticipation!r}"
            )
        self.outcome, self.unit, self.time, self.cohort = outcome, unit, time, cohort
        self.control_group, self.anticipation = control_group, anticipation
        self.alpha = check_alpha(alpha)
        self.seed = int(seed)
        self._prepare(data)

    def _prepare(self, data: Any) -> None:
        import numpy as np
        import pandas as pd

        name = "CallawaySantAnna"
        frame, self._provenance = panel_frame(
            data,
            outcome=self.outcome,
            entity=self.unit,
            time=self.time,
            columns=[self.cohort, *self.covariates,
                     *[c for c in (self.weights, self.cluster) if c is not None]],
            model=name,
        )
        for c in self.covariates:
            x = pd.to_numeric(frame[c], errors="coerce")
            bad = x.isna() | np.isinf(x)
            if bad.any():
                first = frame.loc[bad.idxmax()]
                raise ModelSpecificationError(
                    f"{name}: covariate {c!r} must be numeric and non-missing in every row; "
                    f"{int(bad.sum())} row(s) are missing, infinite or not numeric (first: "
                    f"{self.unit} {first[self.unit]!r} in {first[self.time]!r}). Fill them, or "
                    "drop those rows (an unbalanced panel is estimated as R did's "
                    "allow_unbalanced_panel)"
                )
        g = pd.to_numeric(frame[self.cohort], errors="coerce")
        if (frame[self.cohort].notna() & g.isna()).any() or np.isinf(g).any():
            raise ModelSpecificationError(
                f"{name}: cohort column {self.cohort!r} must hold first treated periods "
                "(integers), "
                "0 or missing for never treated"
            )
        g = g.fillna(0.0)
        if (g % 1 != 0).any() or (g < 0).any():
            raise ModelSpecificationError(
                f"{name}: cohort column {self.cohort!r} must hold non-negative integers"
            )
        varying = g.groupby(frame[self.unit]).nunique()
        if (varying > 1).any():
            raise ModelSpecificationError(
                f"{name}: cohort {self.cohort!r} must be constant within each unit; it varies for "
                f"{', '.join(map(str, varying[varying > 1].index[:5]))}"
            )
        wide = frame.pivot(index=self.unit, columns=self.time, values=self.outcome)
        self._unbalanced = bool(wide.isna().to_numpy().any())
        cohorts = g.groupby(frame[self.unit]).first().reindex(wide.index).to_numpy()
        times = np.asarray(wide.columns, dtype="int64")
        if len(times) < 2:
            raise NoComparisonUnitsError(
                f"{name}: the panel has {len(times)} period; at least two are needed"
            )
        first, last = times[0], times[-1]
        # treated after the sample (plus anticipation): untreated throughout, as R did
        cohorts = np.where(cohorts > last + self.anticipation, 0.0, cohorts)
        always = (cohorts > 0) & (cohorts <= first + self.anticipation)
        dropped = sorted(wide.index[always].tolist())
        if dropped:
            warnings.warn(
                f"{name}: dropped {len(dropped)} unit(s) treated in or before the first period "
                f"{first} (plus anticipation {self.anticipation}); they have no pre-treatment "
                f"period (e.g. {', '.join(map(str, dropped[:5]))})",
                UserWarning,
                stacklevel=3,
            )
        self._Y = wide.to_numpy(dtype="float64")[~always]
        # covariates by unit and period, (units, periods, covariates); a cell uses its base period
        self._X = np.stack(
            [
                frame.pivot(index=self.unit, columns=self.time, values=c)
                .reindex(index=wide.index, columns=wide.columns)
                .to_numpy(dtype="float64")[~always]
                for c in self.covariates
            ],
            axis=2,
        ) if self.covariates else None
        self._units = wide.index[~always]
        self._cohorts = cohorts[~always]
        self._times = times
        self._dropped = {"always_treated": dropped}
        glist = np.sort(np.unique(self._cohorts[self._cohorts > 0]))
        if not len(glist):
            raise NoComparisonUnitsError(
                f"{name}: no unit is first treated within {first + self.anticipation + 1}-{last}; "
                f"column {self.cohort!r} holds no usable cohort"
            )
        if self.control_group == "never" and not (self._cohorts == 0).any():
            raise NoComparisonUnitsError(
                f"{name}: control_group='never' but every unit is treated by {last}, so no "
                "cohort has "
                "never-treated comparison units. Use control_group='notyet' (and drop the periods "
                f"from the last cohort's adoption, {int(glist[-1])}, on), or add never-treated "
                "units"
            )
        self._glist = glist
        self._w = None
        if self.weights is not None:
            w = pd.to_numeric(frame[self.weights], errors="coerce")
            if w.isna().any() or not np.isfinite(w).all() or (w < 0).any():
                raise ModelSpecificationError(
                    f"{name}: weights {self.weights!r} must be finite, non-negative numbers")
            if (w.groupby(frame[self.unit]).nunique() > 1).any():
                raise ModelSpecificationError(
                    f"{name}: weights {self.weights!r} must be constant within each unit")
            w = w.groupby(frame[self.unit]).first().reindex(wide.index).to_numpy()[~always]
            if not w.sum() > 0:
                raise ModelSpecificationError(f"{name}: weights {self.weights!r} are all zero")
            self._w = w / w.mean()  # normalised to mean one, as R did
        self._cl = None
        if self.cluster is not None and self.cluster != self.unit:
            c = frame[self.cluster]
            if c.isna().any():
                raise ModelSpecificationError(
                    f"{name}: cluster {self.cluster!r} has missing values")
            if (c.groupby(frame[self.unit]).nunique() > 1).any():
                raise ModelSpecificationError(
                    f"{name}: cluster {self.cluster!r} must be constant within each unit "
                    "(units nest in clusters)")
            labels = c.groupby(frame[self.unit]).first().reindex(wide.index)[~always]
            self._cl = pd.factorize(labels, sort=True)[0].astype("int64")

    def _cells(self) -> list[tuple[int, int, int, bool]]:
        """(cohort, period index, base index, post) for every cell R ``did`` estimates."""
        import numpy as np

        times, antic = self._times, self.anticipation
        out = []
        for g in self._glist:
            pre = np.flatnonzero(times + antic < g)
            base_g = int(pre[-1])  # exists: cohorts at or before the first period were dropped
            if self.base_period == "universal":
                # every cell against g - 1 - anticipation; the base cell itself is 0 by construction
                out.extend((int(g), j, base_g, bool(g <= times[j])) for j in range(len(times)))
                continue
            for j in range(1, len(times)):
                post = bool(g <= times[j])
                out.append((int(g), j, base_g if post else j - 1, post))
        return out

    def _options(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "unit": self.unit,
            "time": self.time,
            "cohort": self.cohort,
            "control_group": self.control_group,
            "anticipation": self.anticipation,
            "alpha": self.alpha,
            "base_period": self.base_period,
            "covariates": list(self.covariates),
            "weights": self.weights,
            "cluster": self.cluster,
            "est_method": self.est_method,
            "estimator": (
                f"{self.est_method} DiD with covariates" if self.covariates
                else "unconditional DiD (no covariates)"
            ),
        }

    def fit(self) -> CallawaySantAnnaResults:
        """Estimate every ATT(g,t) with its influence function."""
        import numpy as np
        import pandas as pd
        from scipy import stats

        name = "CallawaySantAnna"
        Y, G, times = self._Y, self._cohorts, self._times
        n = Y.shape[0]
        cells = self._cells()
        inf = np.zeros((n, len(cells)))
        rows = []
        empty = []
        for k, (g, j, b, post) in enumerate(cells):
            treated = G == g
            if self.control_group == "never":
                comp = G == 0
            else:
                # not yet treated by the later of the two periods compared
                comp = (G == 0) | ((G > times[max(j, b)] + self.anticipation) & (G != g))
            n1, n0 = int(treated.sum()), int(comp.sum())
            if n0 == 0:
                empty.append(f"cohort {g} in {times[j]}")
                continue
            dy = Y[:, j] - Y[:, b]
            if j == b:
                att = 0.0
            elif self._unbalanced:
                try:
                    if self._X is None and self._w is None:
                        att, psi = _unbalanced_cell(Y[:, j], Y[:, b], treated, comp)
                    else:
                        att, psi = rc_cell(Y, self._X, self._w, (j, b), treated, comp,
                                           self.est_method if self._X is not None else "reg")
                except NoComparisonUnitsError:
                    empty.append(f"cohort {g} in {times[j]} (a group has no observation in "
                                 f"{times[j]} or {times[b]})")
                    continue
                except ModelSpecificationError as err:
                    raise ModelSpecificationError(
                        f"{name}: cohort {g} in {times[j]}: {err}") from None
                inf[:, k] = psi
            elif self._X is None and self._w is None:
                m1, m0 = dy[treated].mean(), dy[comp].mean()
                att = m1 - m0
                inf[:, k] = np.where(treated, n / n1 * (dy - m1), 0.0) - np.where(
                    comp, n / n0 * (dy - m0), 0.0
                )
            else:
                sub = treated | comp
                # covariates from the earlier of the two periods, as R did's panel2cs2
                x = np.ones((int(sub.sum()), 1))
                if self._X is not None:
                    x = np.column_stack([x, self._X[sub, min(j, b), :]])
                wsub = np.ones(len(x)) if self._w is None else self._w[sub]
                try:
                    att, psi = ESTIMATORS[self.est_method if self._X is not None else "reg"](
                        dy[sub], treated[sub].astype("float64"), x, wsub
                    )
                except ModelSpecificationError as err:
                    raise ModelSpecificationError(
                        f"{name}: cohort {g} in {times[j]}: {err}") from None
                inf[sub, k] = n / sub.sum() * psi
            rows.append(
                {
                    "parameter": f"ATT({g},{times[j]})",
                    "cohort": g,
                    "period": int(times[j]),
                    "base": int(times[b]),
                    "event": int(times[j] - g),
                    "post": post,
                    "att": float(att),
                    "n_treated": n1,
                    "n_comparison": n0,
                }
            )
        if empty:
            raise NoComparisonUnitsError(
                f"{name}: no {'never' if self.control_group == 'never' else 'not-yet'}-treated "
                f"comparison units for {len(empty)} cell(s): {', '.join(empty[:6])}. With "
                "control_group='notyet' and no never-treated units, restrict the sample to periods "
                "before the last cohort's adoption and drop that cohort (R did drops such cells)"
            )
        gt = pd.DataFrame(rows)
        cov = influence_cov(inf, self._cl)
        se = np.sqrt(np.diag(cov))
        q = stats.norm.ppf(1 - self.alpha / 2)
        gt["std_error"] = se
        gt["lower"] = gt["att"] - q * se
        gt["upper"] = gt["att"] + q * se
        gt = gt[
            [
                "parameter",
                "cohort",
                "period",
                "base",
                "event",
                "post",
                "att",
                "std_error",
                "lower",
                "upper",
                "n_treated",
                "n_comparison",
            ]
        ]
        names = gt["parameter"].tolist()
        provenance = build_provenance(
            model="venecon.models.CallawaySantAnna",
            data=self._provenance,
            sample=None,
            options=self._options(),
            seed=self.seed,
        )
        label = {"never": "never treated", "notyet": "not yet treated"}[self.control_group]
        header = [
            ("Comparison group", label),
            ("Anticipation", str(self.anticipation)),
            ("Units / periods", f"{n} / {len(times)} ({times[0]}-{times[-1]})"),
            ("Cohorts", ", ".join(str(int(c)) for c in self._glist)),
        ]
        notes = [
            (f"{self.est_method} DiD with covariates {', '.join(self.covariates)} (earlier "
             "period's values)" if self.covariates else "Unconditional DiD")
            + " per (cohort, period); "
            + ("varying base period (R did default): g-1-anticipation after treatment, t-1 "
               "before." if self.base_period == "varying" else
               "universal base period g-1-anticipation for every period."),
            "Standard errors: analytical, from influence functions (R did, bstrap = FALSE)"
            + (f", clustered by {self.cluster}." if self._cl is not None else ".")
            + (f" Sampling weights {self.weights} (normalised to mean one)."
               if self._w is not None else ""),
            "Callaway and Sant'Anna (2021), Journal of Econometrics 225(2).",
        ]
        return CallawaySantAnnaResults(
            att_gt=gt,
            inf=inf,
            cohort_of_unit=G,
            units=pd.Index(self._units, name=self.unit),
            dropped=self._dropped,
            spec={"alpha": self.alpha, "seed": self.seed, "cluster": self._cl,
                  "weights": np.ones(n) if self._w is None else self._w},
            model=self._name,
            dependent=self.outcome,
            params=pd.Series(gt["att"].to_numpy(), index=names),
            std_errors=pd.Series(se, index=names),
            cov=pd.DataFrame(cov, index=names, columns=names),
            nobs=int(Y.size),
            df_resid=None,
            cov_type="analytical (influence function)",
            provenance=provenance,
            header=header,
            notes=notes,
            statistics={"n_units": n, "n_periods": len(times), "n_cells": len(cells)},
        )
