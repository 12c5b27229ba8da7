"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens and Wager 2021).

Staggered adoption is in :mod:`.sdid_staggered`, covariates in :mod:`.sdid_covariates`,
the solver in :mod:`.sdid_solver` and the placebo replications in :mod:`.sdid_placebo`;
this module reads the data, runs them and packages the results.

SDID reweights both units and periods before taking a difference in
differences. With ``N0`` control units, ``N1`` treated units (one adoption date;
staggered designs repeat this per cohort), ``T0`` pre- and ``T1`` post-treatment periods:

* **Unit weights** ``omega`` (simplex over the controls, with an intercept)
  minimise ``sum_t (w0 + omega' Y_co,t - Ybar_tr,t)^2 + T0 zeta^2 ||omega||^2``
  over the pre-treatment periods, with the paper's regularisation
  ``zeta = (N1 T1)^(1/4) * sigma``, ``sigma`` the standard deviation of the
  first differences of the control outcomes before treatment.
* **Time weights** ``lambda`` (simplex over the pre-periods, with an
  intercept) make the weighted pre-period outcome of every control unit
  track its post-period mean, with an "infinitesimal" ridge
  ``zeta_lambda = 1e-6 * sigma``.
* ``att = (Ybar_tr,post - lambda' Ybar_tr,pre) - (omega' Y_co,post_mean - omega' Y_co,pre lambda)``.

The weights are computed as the reference software (R ``synthdid``) does:
Frank-Wolfe with exact line search on the "collapsed" problem, stopped when
the penalised objective falls by less than ``(1e-5 sigma)^2`` in an
iteration, first for at most 100 iterations, then (after zeroing weights
below a quarter of the largest, "sparsify") for at most 10,000. ``method="sc"``
(no intercept, no time weights, ridge ``1e-6 sigma``) and ``method="did"``
(uniform weights) are the two special cases of the paper's Table 1.

Standard errors: the placebo method (Algorithm 4: controls assigned at
random to pseudo-treatment, weights re-estimated), the fixed-weight jackknife
(Algorithm 3, needs at least two treated units) or the unit bootstrap
(Algorithm 2, at least two treated units). Replications are drawn from a
seeded :class:`numpy.random.Generator`, so results reproduce exactly but the
draws differ from R's. They are solved in fixed blocks
(``sdid_blocks``) through :func:`venecon.parallel.parallel_map`, so they run
on the active scheduler (serial, loky or Dask) with identical results.

Validated against the California Proposition 99 panel shipped with R
``synthdid``: SDID -15.604, SC -19.620, DiD -27.349 packs per capita
(published Table 1: -15.6, -19.6, -27.3; ``tests/test_models_sdid.py``).

Reference: Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. and
Wager, S. (2021), "Synthetic difference-in-differences", *American Economic
Review* 111(12), 4088-4118.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...exceptions import InsufficientDataError, ModelSpecificationError, UnbalancedPanelError
from ...limits import check_bound
from ..core.checks import check_alpha, check_outcome_unit
from ..core.flow_units import PER_UNIT_DAY
from ..core.results import PathResults, build_provenance, jsonable
from ..did.panel import panel_frame
from .sdid_covariates import (
    covariate_bootstrap,
    covariate_jackknife,
    covariate_paths,
    covariate_placebo,
    projected_beta,
)
from .sdid_placebo import placebo_paths
from .sdid_solver import (
    Problem,
    SDIDOptions,
    bootstrap_draws,
    estimate,
    jackknife_draws,
    make_problem,
    replicate_se,
    stack,
)
from .sdid_staggered import (
    aggregate_weights,
    bootstrap_staggered,
    fit_cohorts,
    jackknife_staggered,
    period_effects,
    placebo_staggered,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SDIDOptions", "SyntheticDiD", "SyntheticDiDResults"]

METHODS = ("sdid", "sc", "did")
COVARIATE_METHODS = ("optimized", "projected")
SE_METHODS = ("placebo", "jackknife", "bootstrap", "none")


# The solver and the replications live in sdid_solver; the names below keep their
# historical spelling inside this module.
_batch = stack
_estimate = estimate
_se = replicate_se


# --------------------------------------------------------------------------- results


class SyntheticDiDResults(PathResults):
    """Results of :class:`SyntheticDiD`.

    ``params["att"]`` is the average treatment effect on the treated over the
    post-treatment periods, with the standard error of the chosen method
    (``cov_type``) and normal intervals as in the paper. ``effects`` holds,
    for every period, the treated mean (``actual``), the SDID counterfactual
    (``omega``-weighted controls shifted by the ``lambda``-weighted
    pre-period gap), their difference (``effect``, post-treatment only) and a
    pointwise interval from the same replications. ``unit_weights`` and
    ``time_weights`` are Series; ``replications`` the replicate effect paths.
    """

    def __init__(
        self,
        *,
        unit_weights: pd.Series,
        time_weights: pd.Series,
        gaps: pd.Series,
        replications: pd.DataFrame | None,
        se_method: str,
        method: str,
        cohorts: pd.DataFrame | None = None,
        cohort_unit_weights: pd.DataFrame | None = None,
        covariate_coefficients: pd.Series | None = None,
        path_replications: pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> None:
        self._beta = None if covariate_coefficients is None else covariate_coefficients.copy()
        self._cohorts = None if cohorts is None else cohorts.copy()
        self._cohort_unit_weights = (
            None if cohort_unit_weights is None else cohort_unit_weights.copy()
        )
        self._unit_weights = unit_weights.copy()
        self._time_weights = time_weights.copy()
        self._gaps = gaps.copy()
        self._replications = None if replications is None else replications.copy()
        self._path_replications = (None if path_replications is None
                                   else path_replications.copy())
        self._se_method = se_method
        self._method = method
        super().__init__(**kwargs)

    @property
    def unit_weights(self) -> pd.Series:
        """Control-unit weights ``omega`` (non-negative, summing to one)."""
        return self._unit_weights.copy()

    @property
    def time_weights(self) -> pd.Series:
        """Pre-period weights ``lambda`` (summing to one; all zero for ``method='sc'``)."""
        return self._time_weights.copy()

    @property
    def gaps(self) -> pd.Series:
        """Treated mean minus the counterfactual in every period (pre-period gaps show the fit)."""
        return self._gaps.copy()

    @property
    def cohorts(self) -> pd.DataFrame | None:
        """Staggered adoption: one row per adoption cohort, None for one adoption date.

        Columns ``att`` (the cohort's SDID estimate against the never-treated
        units), ``std_error`` (from the same replications as the aggregate),
        ``weight`` (its share of treated unit-periods, the weight in
        ``params["att"]``), ``n_treated``, ``n_control``, ``pre_periods``,
        ``post_periods``, ``noise_level`` and ``zeta_omega``.
        """
        return None if self._cohorts is None else self._cohorts.copy()

    @property
    def covariate_coefficients(self) -> pd.Series | None:
        """``beta`` of the covariate adjustment (the effect is estimated on ``Y - X beta``).

        None without covariates, and for staggered adoption with the optimized
        adjustment, where each cohort has its own (columns ``beta[...]`` of
        :attr:`cohorts`). Not a causal estimate: ``beta`` serves the fit of the weights.
        """
        return None if self._beta is None else self._beta.copy()

    @property
    def cohort_unit_weights(self) -> pd.DataFrame | None:
        """Staggered adoption: each cohort's control weights ``omega`` (controls x cohorts)."""
        return None if self._cohort_unit_weights is None else self._cohort_unit_weights.copy()

    @property
    def method(self) -> str:
        """``"sdid"``, ``"sc"`` or ``"did"``."""
        return self._method

    @property
    def replications(self) -> pd.DataFrame | None:
        """Replicate post-period effect paths of the placebo, jackknife or bootstrap.

        None when fitted with ``se='none'``.
        """
        return None if self._replications is None else self._replications.copy()

    @property
    def path_replications(self) -> pd.DataFrame | None:
        """Replicate gap paths over every period, pre-treatment included (as :attr:`gaps`).

        The post-period columns equal :attr:`replications`. None with ``se='none'``.
        """
        return None if self._path_replications is None else self._path_replications.copy()

    @property
    def se_method(self) -> str:
        """``"placebo"``, ``"jackknife"``, ``"bootstrap"`` or ``"none"``."""
        return self._se_method

    def honest_did(self, options: Any = None, *, effect: int | None = None,
                   pre_periods: int | None = None) -> Any:
        """Sensitivity of a per-period effect to violations of parallel trends.

        Rambachan and Roth (2023) bounds on the gap path relative to the last
        pre-treatment period, with the covariance of the replications; see
        :func:`venecon.models.did.honest.synthetic_did_sensitivity`.
        """
        from ..did.honest import synthetic_did_sensitivity

        return synthetic_did_sensitivity(self, options, effect=effect, pre_periods=pre_periods)

    def _cumulative_interval(
        self, positions: np.ndarray, weights: np.ndarray, alpha: float
    ) -> tuple[float, float, float, str]:
        import numpy as np
        from scipy import stats

        est = float(self._effects["effect"].to_numpy()[positions] @ weights)
        if self._replications is None:
            return est, np.nan, np.nan, "point estimate only (se='none')"
        cols = [self._effects.index[i] for i in positions]
        draws = self._replications[cols].to_numpy() @ weights
        se = float(_se(draws[:, None], self._se_method)[0])
        q = stats.norm.ppf(1 - alpha / 2)
        return est, est - q * se, est + q * se, f"normal, {self._se_method} standard error"

    def cumulative_effect(
        self, start: Any = None, end: Any = None, alpha: float | None = None
    ) -> Any:
        """Barrels over a window of months, quarters or years (a flow unit such as kb/d).

        Each period counts its calendar days (a year 365 or 366, integer
        years as calendar years). The interval uses the standard deviation of
        the same weighted sum across the placebo (jackknife, bootstrap)
        replications.
        """
        if self._unit not in PER_UNIT_DAY:
            raise ModelSpecificationError(
                f"cumulative_effect needs a flow unit ({', '.join(PER_UNIT_DAY)}); the "
                f"outcome's unit is {self._unit!r}. Pass outcome_unit='kb/d' to SyntheticDiD"
            )
        return super().cumulative_effect(start, end, alpha)

    def _path_band(self, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Normal intervals with each period's replication standard error."""
        import numpy as np
        from scipy import stats

        eff = self._effects
        effect = eff["effect"].to_numpy(dtype="float64")
        se = np.full(len(eff), np.nan)
        if self._replications is not None:
            where = eff.index.get_indexer(self._replications.columns)
            se[where] = _se(self._replications.to_numpy(), self._se_method)
        q = stats.norm.ppf(1 - alpha / 2)
        return se, effect - q * se, effect + q * se

    def _headline(self, alpha: float) -> Any:
        """``att`` with its replication standard error over the post-treatment periods."""
        from dataclasses import replace

        post = self._effects.index[self._effects["effect"].notna().to_numpy()]
        return replace(self._parameter_headline("att", alpha), window=(post[0], post[-1]))

    def _summary_tables(self, alpha: float) -> list[tuple[str, pd.DataFrame]]:
        tables = super()._summary_tables(alpha)
        w = self._unit_weights[self._unit_weights > 5e-4].sort_values(ascending=False)
        lam = self._time_weights[self._time_weights > 5e-4]
        if self._cohorts is not None:
            tables.append(("Adoption cohorts", self._cohorts))
        if self._beta is not None:
            tables.append(("Covariate adjustment (beta)", self._beta.to_frame("beta")))
        tables.append(("Unit weights (> 0.0005)", w.to_frame("omega")))
        if len(lam):
            tables.append(("Time weights (> 0.0005)", lam.to_frame("lambda")))
        return tables

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["method"] = self._method
        out["unit_weights"] = jsonable(self._unit_weights)
        out["time_weights"] = jsonable(self._time_weights)
        if self._cohorts is not None:
            out["cohorts"] = jsonable(self._cohorts.reset_index())
        if self._beta is not None:
            out["covariate_coefficients"] = jsonable(self._beta)
        return out


# --------------------------------------------------------------------------- model


class SyntheticDiD:
    """Synthetic difference-in-differences (Arkhangelsky et al. 2021), one or several
    adoption dates, with or without time-varying covariates.

    Parameters
    ----------
    data : DataFrame
        Balanced long panel, one row per unit and period.
    outcome, unit, time : str
        Column names. ``time`` holds integer periods (years) or dates.
    treated : str, label, sequence of labels or dict
        One of:

        * the name of a 0/1 column (1 for treated units from adoption on, as R
          ``synthdid::panel.matrices`` expects; units may switch on at different
          periods, but never off);
        * the treated unit(s), with ``treatment_time`` (one adoption date);
        * ``{unit: first treated period, ...}``, one adoption date per treated unit.

        Several adoption dates give staggered SDID (see Notes).
    treatment_time : period, optional
        First treated period when ``treated`` names units. With an indicator
        column it is read from the data (and checked if given); not allowed with
        a dict.
    method : {"sdid", "sc", "did"}, default "sdid"
        Synthetic DiD, or the paper's synthetic-control and DiD special cases.
    se : {"placebo", "jackknife", "bootstrap", "none"}, default "placebo"
        Standard-error method (paper's Algorithms 4, 3, 2). The jackknife and
        bootstrap need at least two treated units; the placebo needs more
        (never-treated) controls than treated units.
    replications : int, default 200
        Placebo or bootstrap replications (R's default).
    seed : int, default 0
        Seed of the replications (:func:`numpy.random.default_rng`).
    alpha : float, default 0.05
        Level of the pointwise intervals in ``effects``.
    options : SDIDOptions, optional
        Regularisation and solver settings (R ``synthdid`` defaults).
    outcome_unit : str, optional
        Unit of the outcome, e.g. ``"kb/d"`` (for ``cumulative_effect``).
    covariates : str or sequence of str, optional
        Time-varying numeric covariate columns; the effect is estimated on
        ``Y - X beta``.
    covariate_method : {"optimized", "projected"}, default "optimized"
        ``"optimized"``: ``beta`` updated jointly with the weights, as R
        ``synthdid_estimate(Y, N0, T0, X)`` (and Stata ``sdid``'s default);
        replications re-estimate it. ``"projected"`` (Kranz 2022; Stata
        ``sdid``'s ``projected``): ``beta`` from a two-way fixed-effects
        regression over the untreated observations, held fixed in replications.

    Notes
    -----
    R: ``synthdid_estimate(Y, N0, T0, X)``, ``sc_estimate``, ``did_estimate`` and
    ``vcov(est, method = "placebo")``. Point estimates match R ``synthdid`` on
    California Proposition 99 to 1e-3 (``tests/test_models_sdid.py``); weights,
    ``beta`` and the three standard errors match its Python port ``synthdid-py``
    to 1e-8, with and without covariates (``tests/test_models_sdid_covariates.py``).

    Staggered adoption follows the paper's appendix and Stata ``sdid`` (Clarke,
    Pailanir, Athey and Imbens 2023): each adoption cohort is estimated against
    the never-treated units over all periods (pre-periods before its adoption),
    with its own weights, noise level and (optimized) ``beta``; ``params["att"]``
    averages the cohort effects with weights ``N_a T_post,a`` (treated
    unit-periods). ``results.cohorts`` has one row per cohort (effect, standard
    error, weight, sizes); ``effects`` holds, per period, the mean effect of the
    units treated then. Placebo: never-treated units take the treated units'
    adoption dates at random and everything is re-estimated; bootstrap: units
    resampled, re-estimated; jackknife: one unit left out, weights fixed. This
    matches ``synthdid-py``'s ``staggered_synthdid_estimate`` and its standard
    errors to 1e-8 (``tests/test_models_sdid_staggered.py``). One adoption date
    (however given) is the ordinary estimator.

    Examples
    --------
    >>> res = SyntheticDiD(prop99, outcome="PacksPerCapita", unit="State", time="Year",
    ...                    treated="treated").fit()  # doctest: +SKIP
    >>> res.params["att"]  # doctest: +SKIP
    -15.60...
    >>> res = SyntheticDiD(panel, outcome="y", unit="country", time="year",
    ...                    treated={"VEN": 2017, "IRN": 2012, "LBY": 2011}).fit()  # doctest: +SKIP
    >>> res.cohorts[["att", "weight"]]  # doctest: +SKIP
    """

    _label = {
        "sdid": "Synthetic DiD",
        "sc": "Synthetic control (SDID special case)",
        "did": "Difference-in-differences (SDID special case)",
    }

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        outcome: str,
        unit: str,
        time: str,
        treated: Any,
        treatment_time: Any = None,
        method: str = "sdid",
        se: str = "placebo",
        replications: int = 200,
        seed: int = 0,
        alpha: float = 0.05,
        options: SDIDOptions | None = None,
        outcome_unit: str | None = None,
        covariates: str | Sequence[str] | None = None,
        covariate_method: str = "optimized",
    ) -> None:
        import numpy as np

        name = "SyntheticDiD"
        if covariate_method not in COVARIATE_METHODS:
            raise ModelSpecificationError(
                f"{name}: covariate_method must be one of {COVARIATE_METHODS}, "
                f"got {covariate_method!r}"
            )
        if isinstance(covariates, str):
            covariates = [covariates]
        self.covariates = [] if covariates is None else list(covariates)
        self.covariate_method = covariate_method
        if method not in METHODS:
            raise ModelSpecificationError(
                f"{name}: method must be one of {METHODS}, got {method!r}"
            )
        if se not in SE_METHODS:
            raise ModelSpecificationError(f"{name}: se must be one of {SE_METHODS}, got {se!r}")
        if (
            isinstance(replications, bool)
            or not isinstance(replications, int | np.integer)
            or replications < 2
        ):
            raise ModelSpecificationError(
                f"{name}: replications must be an int >= 2, got {replications!r}"
            )
        if options is not None and not isinstance(options, SDIDOptions):
            raise ModelSpecificationError(
                f"{name}: options must be an SDIDOptions, got {type(options).__name__}"
            )
        self.outcome, self.unit, self.time = outcome, unit, time
        check_bound(replications, "replications", name)
        self.method, self.se, self.replications, self.seed = (
            method,
            se,
            int(replications),
            int(seed),
        )
        self.alpha = check_alpha(alpha)
        self.options = options or SDIDOptions()
        self.outcome_unit = check_outcome_unit(outcome_unit)
        self._prepare(data, treated, treatment_time)

    # --- inputs --------------------------------------------------------------------------
    def _prepare(self, data: Any, treated: Any, treatment_time: Any) -> None:
        import numpy as np
        import pandas as pd

        name = "SyntheticDiD"
        if not isinstance(data, pd.DataFrame):
            raise ModelSpecificationError(
                f"{name}: data must be a long pandas DataFrame, got {type(data).__name__}"
            )
        column = isinstance(treated, str) and treated in data.columns
        extra = [treated] if column else []
        for c in (self.unit, self.time, self.outcome, *extra, *self.covariates):
            if c not in data.columns:
                raise ModelSpecificationError(
                    f"{name}: column {c!r} not in data "
                    f"(columns: {', '.join(map(str, data.columns[:12]))})"
                )
        # panel_frame wants integer periods: code dates as positions and map back afterwards.
        work = data
        dates = pd.api.types.is_datetime64_any_dtype(data[self.time])
        if dates:
            if data[self.time].isna().any():
                raise ModelSpecificationError(
                    f"{name}: time column {self.time!r} has missing dates"
                )
            periods = np.sort(data[self.time].unique())
            work = data.copy()
            work[self.time] = np.searchsorted(periods, data[self.time].to_numpy())
        frame, provenance = panel_frame(
            work, outcome=self.outcome, entity=self.unit, time=self.time, columns=extra, model=name
        )
        times = np.sort(frame[self.time].unique())
        labels = list(periods) if dates else [int(t) for t in times]
        wide = frame.pivot(index=self.unit, columns=self.time, values=self.outcome)
        missing = wide.isna().sum(axis=1)
        if missing.any():
            short = missing[missing > 0]
            raise UnbalancedPanelError(
                f"{name}: SDID needs a balanced panel, but {len(short)} of {len(wide)} units lack "
                f"some of the {len(times)} periods (e.g. {', '.join(map(str, short.index[:5]))}, "
                f"{int(short.iloc[0])} missing). Restrict the sample to periods every unit has, "
                "or drop those units"
            )
        units = list(wide.index)
        adopt = self._adoption_positions(frame, treated, treatment_time, column, units, labels)
        tr_units = [u for u in units if u in adopt]
        for t0 in sorted(set(adopt.values())):
            if t0 < 2:
                who = [str(u) for u in tr_units if adopt[u] == t0]
                raise InsufficientDataError(
                    f"{name}: treatment starts in {labels[t0]} (unit(s) {', '.join(who[:5])}), "
                    f"leaving {t0} pre-treatment period(s); SDID needs at least two (the noise "
                    "level uses first differences before treatment). Drop those units or extend "
                    "the panel backwards"
                )
        staggered = len(set(adopt.values())) > 1
        controls = [u for u in units if u not in adopt]
        if len(controls) < 2:
            raise InsufficientDataError(
                f"{name}: {len(controls)} never-treated control unit(s); at least two are "
                "needed"
                + (
                    " (staggered SDID compares each cohort with the never-treated units only)"
                    if staggered
                    else ""
                )
            )
        if self.se == "placebo" and len(controls) <= len(tr_units):
            raise InsufficientDataError(
                f"{name}: the placebo standard error needs more controls ({len(controls)}) than "
                f"treated units ({len(tr_units)}); use se='jackknife' or se='bootstrap'"
            )
        if self.se in ("jackknife", "bootstrap") and len(tr_units) < 2:
            raise InsufficientDataError(
                f"{name}: se={self.se!r} needs at least two treated units (one is treated here); "
                "the paper's placebo method (se='placebo') works with one"
            )
        # treated rows by adoption date, then in the panel's unit order
        tr_units = sorted(tr_units, key=lambda u: adopt[u])
        order = controls + tr_units
        self._Y = wide.loc[order].to_numpy(dtype="float64")
        self._adoption = np.array([adopt[u] for u in tr_units], dtype=int)
        t0 = int(self._adoption.min())
        self._staggered = staggered
        self._n0, self._t0 = len(controls), t0
        self._controls, self._treated_units = controls, tr_units
        self._labels = labels
        self._dates = dates
        self.treatment_time = labels[t0]
        self._provenance = provenance
        self._X = self._covariate_array(data, frame, order, dates, periods if dates else None)

    def _covariate_array(
        self, data: pd.DataFrame, frame: pd.DataFrame, order: list, dates: bool, periods: Any
    ) -> np.ndarray | None:
        """(N, T, C) covariates in the row order of ``_Y``; None without covariates."""
        import numpy as np
        import pandas as pd

        if not self.covariates:
            return None
        name = "SyntheticDiD"
        work = data[[self.unit, self.time, *self.covariates]].copy()
        if dates:
            work[self.time] = np.searchsorted(periods, work[self.time].to_numpy())
        work = work[work[self.unit].isin(set(order))]
        layers = []
        for c in self.covariates:
            values = pd.to_numeric(work[c], errors="coerce")
            if not np.isfinite(values.to_numpy(dtype="float64")).all():
                raise ModelSpecificationError(
                    f"{name}: covariate {c!r} has missing, non-numeric or infinite values; "
                    "SDID needs every covariate in every unit and period"
                )
            wide = work.assign(_v=values).pivot_table(
                index=self.unit, columns=self.time, values="_v", aggfunc="first"
            )
            wide = wide.reindex(index=order, columns=sorted(frame[self.time].unique()))
            if wide.isna().any().any():
                raise UnbalancedPanelError(
                    f"{name}: covariate {c!r} is missing for some unit and period"
                )
            layers.append(wide.to_numpy(dtype="float64"))
        X = np.stack(layers, axis=2)
        if (X.std(axis=(0, 1)) == 0).any():
            const = [
                c for c, sd in zip(self.covariates, X.std(axis=(0, 1)), strict=True) if sd == 0
            ]
            raise ModelSpecificationError(
                f"{name}: covariate(s) {const} never vary; drop them (SDID's unit and time "
                "effects absorb constants)"
            )
        return X

    def _adoption_positions(
        self,
        frame: pd.DataFrame,
        treated: Any,
        treatment_time: Any,
        column: bool,
        units: list,
        labels: list,
    ) -> dict[Any, int]:
        """Each treated unit's first treated period, as a column position."""
        import numpy as np
        import pandas as pd

        name = "SyntheticDiD"
        if column:
            d = pd.to_numeric(frame[treated], errors="coerce")
            if not d.isin([0, 1]).all():
                raise ModelSpecificationError(
                    f"{name}: treatment column {treated!r} must hold 0 or 1"
                )
            W = frame.assign(_d=d).pivot(index=self.unit, columns=self.time, values="_d").to_numpy()
            ever = W.any(axis=1)
            if not ever.any():
                raise ModelSpecificationError(
                    f"{name}: treatment column {treated!r} is 0 everywhere"
                )
            adopt = {}
            for u, row, e in zip(units, W, ever, strict=True):
                if not e:
                    continue
                first = int(np.argmax(row))
                if not (row[first:] == 1).all():
                    raise ModelSpecificationError(
                        f"{name}: treatment in {treated!r} switches off after adoption for unit "
                        f"{u!r}; SDID needs treatment to stay on"
                    )
                adopt[u] = first
            if treatment_time is not None:
                t0 = self._position(treatment_time, labels)
                if set(adopt.values()) != {t0}:
                    starts = sorted(set(adopt.values()))
                    raise ModelSpecificationError(
                        f"{name}: treatment_time {treatment_time!r} disagrees with column "
                        f"{treated!r}, which starts in "
                        f"{', '.join(str(labels[i]) for i in starts)}"
                    )
            return adopt
        if isinstance(treated, dict):
            if treatment_time is not None:
                raise ModelSpecificationError(
                    f"{name}: treated={{unit: date}} carries each unit's adoption date; "
                    "drop treatment_time"
                )
            if not treated:
                raise ModelSpecificationError(f"{name}: treated is an empty dict")
            pairs = list(treated.items())
        else:
            tr_units = (
                list(treated)
                if isinstance(treated, list | tuple | set | pd.Index | np.ndarray)
                else [treated]
            )
            if treatment_time is None:
                raise ModelSpecificationError(
                    f"{name}: treatment_time is required when treated names units "
                    "(or pass treated={unit: adoption date, ...})"
                )
            pairs = [(u, treatment_time) for u in tr_units]
        known = set(units)
        unknown = [u for u, _ in pairs if u not in known]
        if unknown:
            raise ModelSpecificationError(
                f"{name}: treated unit(s) {unknown} not in {self.unit!r} "
                f"(e.g. {', '.join(map(str, units[:6]))}); "
                "or pass the name of a 0/1 treatment column"
            )
        return {u: self._position(when, labels) for u, when in pairs}

    def _position(self, value: Any, labels: list) -> int:
        import pandas as pd

        try:
            key = pd.Timestamp(value) if self._is_dates(labels) else int(value)
        except (TypeError, ValueError):
            raise ModelSpecificationError(
                f"SyntheticDiD: cannot read treatment_time {value!r} as a period"
            ) from None
        keys = [pd.Timestamp(x) for x in labels] if self._is_dates(labels) else labels
        if key not in keys:
            raise ModelSpecificationError(
                f"SyntheticDiD: treatment_time {value!r} is not a period of the data "
                f"({labels[0]} to {labels[-1]})"
            )
        return keys.index(key)

    @staticmethod
    def _is_dates(labels: list) -> bool:
        return not isinstance(labels[0], int)

    def _problem(self) -> tuple[Problem, float]:
        return make_problem(self._Y, self._n0, self._t0, self.method, self.options)

    def _options(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "unit": self.unit,
            "time": self.time,
            "treated": [jsonable(u) for u in self._treated_units],
            "treatment_time": jsonable(self.treatment_time),
            **(
                {
                    "adoption": {
                        str(u): jsonable(self._labels[t])
                        for u, t in zip(self._treated_units, self._adoption, strict=True)
                    }
                }
                if self._staggered
                else {}
            ),
            "method": self.method,
            "covariates": list(self.covariates),
            "covariate_method": self.covariate_method if self.covariates else None,
            "se": self.se,
            "replications": self.replications,
            "alpha": self.alpha,
            "solver": {k: getattr(self.options, k) for k in self.options.__dataclass_fields__},
        }

    # --- fit -------------------------------------------------------------------------------
    def fit(self) -> SyntheticDiDResults:
        """Estimate the weights, the ATT and its standard error."""
        return self._package(self._fit_staggered() if self._staggered else self._fit_single())

    def _adjusted(self) -> tuple[np.ndarray, pd.Series | None]:
        """The outcome SDID works on: ``Y`` less ``X beta`` for projected covariates."""
        import numpy as np

        if self._X is None or self.covariate_method != "projected":
            return self._Y, None
        T = self._Y.shape[1]
        starts = np.concatenate([np.full(self._n0, T), self._adoption])
        untreated = np.arange(T)[None, :] < starts[:, None]
        beta = projected_beta(self._Y, self._X, untreated, self.covariates, "SyntheticDiD")
        return self._Y - self._X @ beta.to_numpy(), beta

    def _fit_single(self) -> _Fit:
        import numpy as np
        import pandas as pd

        n0, t0 = self._n0, self._t0
        Y, beta = self._adjusted()
        X = self._X if self.covariate_method == "optimized" else None
        p, sigma = make_problem(Y, n0, t0, self.method, self.options)
        if X is None:
            paths, omega_b, lam_b = _estimate(_batch([Y], [n0], t0), p)
        else:
            paths, omega_b, lam_b, beta_b = covariate_paths(Y[None], X[None], n0, t0, p)
            beta = pd.Series(beta_b[0], index=pd.Index(self.covariates, name="covariate"))
        gaps, omega, lam = paths[0], omega_b[0, :n0], lam_b[0]
        rng = np.random.default_rng(self.seed)
        if self.se == "placebo":
            draws = (
                placebo_paths(Y, n0, t0, p, omega, lam, self.replications, rng, whole=True)
                if X is None
                else covariate_placebo(Y, X, n0, t0, p, omega, lam, self.replications, rng)
            )
        elif self.se == "bootstrap":
            draws = (
                bootstrap_draws(Y, n0, t0, p, omega, lam, self.replications, rng, whole=True)
                if X is None
                else covariate_bootstrap(Y, X, n0, t0, p, omega, lam, self.replications, rng)
            )
        elif self.se == "jackknife":
            if (omega > 0).sum() == 1 and self.method != "did":
                raise InsufficientDataError(
                    "SyntheticDiD: the fixed-weight jackknife is undefined when one control "
                    "carries all the weight; use se='placebo' or se='bootstrap'"
                )
            draws = (
                jackknife_draws(Y, n0, t0, omega, lam, whole=True)
                if X is None
                else covariate_jackknife(Y, X, n0, t0, p, omega, lam)
            )
        else:
            draws = None
        # without covariates the replications cover the whole path (pre-period gaps too, for
        # honest_did); the standard errors read the post-period part
        full = None
        if draws is not None and X is None:
            full, draws = draws, draws[:, t0:]
        Y = self._Y
        n1 = Y.shape[0] - n0
        return _Fit(
            att=float(gaps[t0:].mean()),
            gaps=gaps,
            actual=Y[n0:].mean(axis=0),
            omega=omega,
            lam=lam,
            draws_att=None if draws is None else draws.mean(axis=1),
            draws_path=draws,
            draws_whole=full,
            notes=[
                f"Noise level sigma = {sigma:.6g} (sd of first differences of control outcomes "
                f"before treatment); zeta_omega = {p.zeta_omega:.6g}, "
                f"zeta_lambda = {p.zeta_lambda:.3g}."
            ],
            beta=None if beta is None else beta.rename("beta"),
            statistics={
                "noise_level": sigma,
                "zeta_omega": p.zeta_omega,
                "zeta_lambda": p.zeta_lambda,
                "n_control": n0,
                "n_treated": n1,
                "pre_periods": t0,
                "post_periods": int(Y.shape[1] - t0),
            },
            header=[
                ("Treatment", str(self.treatment_time)),
                ("N0 / N1 / T0 / T1", f"{n0} / {n1} / {t0} / {Y.shape[1] - t0}"),
            ],
        )

    def _fit_staggered(self) -> _Fit:
        import numpy as np
        import pandas as pd

        n0, adoption = self._n0, self._adoption
        Y, beta = self._adjusted()
        X = self._X if self.covariate_method == "optimized" else None
        T = Y.shape[1]
        fits = fit_cohorts(Y, n0, adoption, self.method, self.options, X)
        t0s = np.array([f.t0 for f in fits])
        sizes = np.array([f.n_treated for f in fits])
        post = T - t0s
        w = aggregate_weights(sizes, post)
        att = float(w @ np.array([f.att for f in fits]))
        gaps_k = np.stack([f.gaps for f in fits])
        first = int(t0s.min())
        effect = period_effects(gaps_k, sizes, t0s)
        # before the first adoption: the size-weighted pre-period fit of all cohorts
        pre_fit = sizes @ gaps_k / sizes.sum()
        gaps = np.where(np.arange(T) >= first, effect, pre_fit)
        on = np.arange(T)[None, :] >= np.concatenate([np.full(n0, T), adoption])[:, None]
        treated_now = on[n0:]
        raw = self._Y[n0:]
        with np.errstate(invalid="ignore"):
            actual = np.where(
                np.arange(T) >= first,
                (raw * treated_now).sum(axis=0) / treated_now.sum(axis=0),
                raw.mean(axis=0),
            )
        rng = np.random.default_rng(self.seed)
        if self.se == "placebo":
            draws = placebo_staggered(
                Y, n0, adoption, self.method, self.options, self.replications, rng, X
            )
        elif self.se == "bootstrap":
            draws = bootstrap_staggered(
                Y, n0, adoption, self.method, self.options, self.replications, rng, X
            )
        elif self.se == "jackknife":
            draws = jackknife_staggered(Y, n0, adoption, fits, X)
        else:
            draws = None
        omega = w @ np.stack([f.omega for f in fits])
        lam = np.zeros(int(t0s.max()))
        for wk, f in zip(w, fits, strict=True):
            lam[: f.t0] += wk * f.lam
        labels = self._labels
        cohort_se = (
            np.full(len(fits), np.nan) if draws is None else _column_se(draws.cohorts, self.se)
        )
        table = pd.DataFrame(
            {
                "att": [f.att for f in fits],
                "std_error": cohort_se,
                "weight": w,
                "n_treated": sizes,
                "n_control": [f.n_control for f in fits],
                "pre_periods": t0s,
                "post_periods": post,
                "noise_level": [f.sigma for f in fits],
                "zeta_omega": [float(f.problem.zeta_omega) for f in fits],
            },
            index=pd.Index([labels[t] for t in t0s], name="adoption"),
        )
        if X is not None:  # each cohort's own covariate coefficients
            for c, name in enumerate(self.covariates):
                table[f"beta[{name}]"] = [float(f.beta[c]) for f in fits]
        weights = pd.DataFrame(
            np.stack([f.omega for f in fits], axis=1),
            index=pd.Index(self._controls, name=self.unit),
            columns=table.index,
        )
        return _Fit(
            att=att,
            gaps=gaps,
            actual=actual,
            omega=omega,
            lam=lam,
            draws_att=None if draws is None else draws.att,
            draws_path=None if draws is None else draws.periods[:, first:],
            notes=[
                f"Staggered adoption: {len(fits)} cohorts, each against the {n0} never-treated "
                "units with its own weights and noise level; ATT = cohort ATTs weighted by "
                "treated unit-periods (Arkhangelsky et al. 2021; Stata sdid, Clarke et al. "
                "2023). Unit and time weights shown are the cohort weights averaged with "
                "those shares; per-cohort weights are in cohort_unit_weights.",
                "Effects in each period average the units treated in that period; before the "
                "first adoption the gap is the cohorts' size-weighted pre-period fit.",
            ],
            statistics={
                "n_control": n0,
                "n_treated": int(sizes.sum()),
                "n_cohorts": len(fits),
                "pre_periods": first,
                "post_periods": int(T - first),
                "treated_unit_periods": int(sizes @ post),
            },
            header=[
                (
                    "Adoption",
                    f"staggered, {len(fits)} cohorts from {labels[first]} to "
                    f"{labels[int(t0s.max())]}",
                ),
                ("N0 / N1 / T", f"{n0} / {int(sizes.sum())} / {T}"),
            ],
            cohorts=table,
            cohort_unit_weights=weights,
            beta=None if beta is None else beta.rename("beta"),
        )

    def _package(self, f: _Fit) -> SyntheticDiDResults:
        import numpy as np
        import pandas as pd
        from scipy import stats

        Y, n0, t0 = self._Y, self._n0, self._t0
        kind = self.se
        post = self._labels[t0:]
        if f.draws_path is not None:
            se_att = float(_se(f.draws_att[:, None], kind)[0])
            se_path = _column_se(f.draws_path, kind)
            reps = pd.DataFrame(f.draws_path, columns=pd.Index(post, name=self.time))
        else:
            se_att, se_path, reps = np.nan, np.full(len(post), np.nan), None
        q = stats.norm.ppf(1 - self.alpha / 2)
        index = pd.Index(self._labels, name=self.time)
        effect = np.where(np.arange(len(index)) >= t0, f.gaps, np.nan)
        band = np.concatenate([np.full(t0, np.nan), q * se_path])
        effects = pd.DataFrame(
            {
                "actual": f.actual,
                "counterfactual": f.actual - f.gaps,
                "effect": effect,
                "effect_lower": effect - band,
                "effect_upper": effect + band,
            },
            index=index,
        )
        events = pd.DataFrame(
            {"date": [self.treatment_time], "period": [self.treatment_time]},
            index=pd.Index(["treatment"], name="event"),
        )
        label = {
            "placebo": "placebo (Algorithm 4)",
            "jackknife": "fixed-weight jackknife (Algorithm 3)",
            "bootstrap": "unit bootstrap (Algorithm 2)",
            "none": "none",
        }[kind]
        if f.draws_path is not None and kind != "jackknife":
            label += f", {self.replications} replications, seed {self.seed}"
        omega_s = pd.Series(f.omega, index=pd.Index(self._controls, name=self.unit), name="omega")
        lam_s = pd.Series(
            f.lam, index=pd.Index(self._labels[: len(f.lam)], name=self.time), name="lambda"
        )
        provenance = build_provenance(
            model="venecon.models.SyntheticDiD",
            data=self._provenance,
            sample=None,
            options=self._options(),
            seed=self.seed if kind in ("placebo", "bootstrap") else None,
        )
        n1 = Y.shape[0] - n0
        header = [
            (
                "Treated units",
                ", ".join(map(str, self._treated_units[:5])) + (" ..." if n1 > 5 else ""),
            ),
            *f.header,
            ("Effective controls", f"{1 / float(f.omega @ f.omega):.2f}"),
        ]
        notes = [
            *f.notes,
            "Counterfactual = omega-weighted controls shifted by the lambda-weighted pre-period "
            "gap; intervals are normal with the replication standard error.",
            "Arkhangelsky, Athey, Hirshberg, Imbens and Wager (2021), AER 111(12).",
        ]
        return SyntheticDiDResults(
            unit_weights=omega_s,
            time_weights=lam_s,
            gaps=pd.Series(f.gaps, index=index, name="gap"),
            replications=reps,
            path_replications=None if f.draws_whole is None else pd.DataFrame(
                f.draws_whole, columns=pd.Index(self._labels, name=self.time)),
            se_method=kind,
            method=self.method,
            cohorts=f.cohorts,
            cohort_unit_weights=f.cohort_unit_weights,
            covariate_coefficients=f.beta,
            actual=pd.Series(f.actual, index=index, name=self.outcome),
            effects=effects,
            events=events,
            unit=self.outcome_unit,
            alpha=self.alpha,
            model=self._label[self.method],
            dependent=self.outcome,
            params=pd.Series([f.att], index=["att"]),
            std_errors=pd.Series([se_att], index=["att"]),
            cov=pd.DataFrame([[se_att**2]], index=["att"], columns=["att"]),
            nobs=int(Y.size),
            df_resid=None,
            cov_type=label,
            provenance=provenance,
            header=header,
            notes=notes,
            statistics=f.statistics,
        )


@dataclass(frozen=True)
class _Fit:
    """What a fit hands to the results: ``gaps`` over all periods, replicate draws."""

    att: float
    gaps: np.ndarray
    actual: np.ndarray
    omega: np.ndarray
    lam: np.ndarray
    draws_att: np.ndarray | None
    draws_path: np.ndarray | None
    notes: list[str]
    statistics: dict[str, Any]
    header: list[tuple[str, str]]
    cohorts: pd.DataFrame | None = None
    cohort_unit_weights: pd.DataFrame | None = None
    beta: pd.Series | None = None
    draws_whole: np.ndarray | None = None


def _column_se(draws: np.ndarray, kind: str) -> np.ndarray:
    """:func:`replicate_se` of each column over its finite draws (a bootstrap draw may lack
    a cohort, so some per-period or per-cohort draws are undefined)."""
    import numpy as np

    out = np.full(draws.shape[1], np.nan)
    for j in range(draws.shape[1]):
        col = draws[:, j]
        col = col[np.isfinite(col)]
        if len(col) >= 2:
            out[j] = float(_se(col[:, None], kind)[0])
    return out
