"""Two-way fixed-effects difference-in-differences and event studies on country panels.

Both estimators build the treatment regressors, check them, and estimate
``y ~ X`` with entity and time effects with the conventions of
:class:`linearmodels.panel.PanelOLS` (``entity_effects=True, time_effects=True``):
the effects are absorbed by pyfixest's demeaning routine, the absorbed-column
check and the covariance are linearmodels' own (:mod:`venecon.models.did.twfe`),
which avoids PanelOLS's set-up (a multiple of the fit's CPU and memory when
there are many regressors). A direct ``PanelOLS`` call on the same regressors
gives identical numbers (the tests check parameters, standard errors, p-values
and covariances to 1e-10); that call is ``results.linearmodels``, run when first
read. Options shared by the estimators are one frozen
:class:`~venecon.models.did.options.PanelOptions`.

Model
-----
``y_it = a_i + l_t + b' D_it + g' x_it + e_it`` where ``D_it`` is a 0/1
treatment indicator (:class:`PanelDiD`) or a set of event-time indicators
``1{t - E_i = k}`` around each entity's first treated period ``E_i``
(:class:`PanelEventStudy`).

Matching Stata and R calls (coefficients are identical; see *Standard errors*
for the small-sample factor)

=====================  ==========================================================
venecon                Stata / R
=====================  ==========================================================
``PanelDiD``,          ``reghdfe y d, absorb(id year) vce(cluster id)``;
clustered              ``fixest::feols(y ~ d | id + year, cluster = ~id)``
``PanelDiD``, kernel   ``xtscc y d i.year, fe lag(m)`` (Driscoll-Kraay);
                       ``fixest::feols(y ~ d | id + year, vcov = "DK")``
``PanelEventStudy``    ``reghdfe y ev_*, absorb(id year) vce(cluster id)`` with
                       hand-made event dummies (``eventdd``);
                       ``fixest::feols(y ~ i(rel, ref = -1) | id + year, cluster = ~id)``
=====================  ==========================================================

Standard errors
---------------
``cov_type="clustered"`` clusters by entity (linearmodels ``cluster_entity=True``);
``cov_type="kernel"`` is the Driscoll-Kraay estimator (linearmodels ``"kernel"``:
cross-sectional sums of scores, then a Bartlett-weighted HAC with weights
``1 - j / (bandwidth + 1)``, the lag convention of ``xtscc, lag(bandwidth)``).
By default ``debiased=True``: the covariance is scaled by ``n / (n - d - k)``
(``d`` absorbed effects, ``k`` regressors, as linearmodels counts them) and
clustered covariances also by ``G / (G - 1)`` (``group_debias=True``); tests use
Student-t with linearmodels' residual degrees of freedom. reghdfe and fixest do
not count effects nested in the clusters (the entity effects) in ``d``, so
their clustered standard errors differ from these by the scalar
``sqrt((n - d_lm - k) / (n - d_nested - k))``; coefficients are identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...exceptions import DataValueError, InsufficientDataError, ModelSpecificationError
from ..core.checks import check_alpha
from ..core.outcome import MAX_MAGNITUDE
from ..core.results import Headline, ModelResults, build_provenance, path_frame, two_sided_pvalue
from ..core.vocabulary import renamed_arguments
from .options import COV_TYPES, PanelOptions, event_time, event_window
from .twfe import TwoWayFit, fit_twoway, results_kwargs

#: Packages the two-way fixed-effects numbers come from (their versions are in the provenance).
TWFE_DEPENDENCIES = ("linearmodels", "pyfixest")

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "PanelDiD",
    "PanelDiDResults",
    "PanelEventStudy",
    "PanelEventStudyResults",
    "PanelOptions",
    "COV_TYPES",
    "event_time_columns",
]



# --------------------------------------------------------------------------- inputs


def panel_frame(
    data: Any,
    *,
    outcome: str,
    entity: str,
    time: str,
    columns: Sequence[str] = (),
    require_balanced: bool = False,
    model: str,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Check a long panel and return it sorted by (entity, time) with its provenance.

    The time column must hold integers (years or period numbers): event time is
    ``time - cohort``, so it needs arithmetic on periods. Raises
    :class:`~venecon.exceptions.ModelSpecificationError` naming the first bad row.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise ModelSpecificationError(f"{model}: data must be a long pandas DataFrame "
                                      f"(one row per entity and period), got {type(data).__name__}")
    needed = [entity, time, outcome, *columns]
    missing = [c for c in dict.fromkeys(needed) if c not in data.columns]
    if missing:
        raise ModelSpecificationError(
            f"{model}: column(s) {missing} not in data "
            f"(columns: {', '.join(map(str, data.columns[:12]))})")
    frame = data[list(dict.fromkeys(needed))].copy()
    if frame.empty:
        raise InsufficientDataError(f"{model}: data has no rows")
    times = frame[time]
    if not pd.api.types.is_numeric_dtype(times) or pd.api.types.is_bool_dtype(times):
        raise ModelSpecificationError(
            f"{model}: time column {time!r} must hold integer periods (e.g. years), got dtype "
            f"{times.dtype}; convert dates first, e.g. df[{time!r}] = df[{time!r}].dt.year")
    if times.isna().any() or (np.asarray(times, dtype="float64") % 1 != 0).any():
        bad = frame[times.isna() | (np.asarray(times, dtype="float64") % 1 != 0)]
        raise ModelSpecificationError(f"{model}: time column {time!r} must hold integers; "
                                      f"first bad row:\n{bad.head(1).to_string()}")
    frame[time] = times.astype("int64")
    if frame[entity].isna().any():
        raise ModelSpecificationError(f"{model}: entity column {entity!r} has missing values")
    y = pd.to_numeric(frame[outcome], errors="coerce")
    bad = ~np.isfinite(y.to_numpy(dtype="float64", na_value=np.nan))
    if bad.any():
        raise ModelSpecificationError(
            f"{model}: outcome {outcome!r} has {int(bad.sum())} missing or non-finite value(s) "
            f"(e.g. log of zero); drop those rows first. First:\n{frame[bad].head(3).to_string()}")
    frame[outcome] = y.astype("float64")
    huge = np.abs(frame[outcome].to_numpy()) > MAX_MAGNITUDE
    if huge.any():
        raise DataValueError(
            f"{model}: outcome {outcome!r} has {int(huge.sum())} value(s) larger than "
            f"{MAX_MAGNITUDE:g} in magnitude; their squares overflow double precision: check "
            f"the units or rescale the outcome. First:\n{frame[huge].head(3).to_string()}")
    dup = frame.duplicated([entity, time], keep=False)
    if dup.any():
        raise ModelSpecificationError(
            f"{model}: {int(dup.sum())} rows share an (entity, time) pair; one row per "
            f"{entity} and {time} is needed. First:\n{frame[dup].head(4).to_string()}")
    frame = frame.sort_values([entity, time], kind="mergesort").reset_index(drop=True)
    if require_balanced:
        periods = np.sort(frame[time].unique())
        counts = frame.groupby(entity, sort=True)[time].nunique()
        short = counts[counts < len(periods)]
        if len(short):
            raise ModelSpecificationError(
                f"{model}: require_balanced=True but the panel is unbalanced: {len(short)} of "
                f"{len(counts)} entities lack some of the {len(periods)} periods "
                f"{periods[0]}-{periods[-1]} (e.g. {', '.join(map(str, short.index[:5]))}). "
                "Restrict the sample or pass require_balanced=False")
    attrs = data.attrs.get("venecon") if hasattr(data, "attrs") else None
    if isinstance(attrs, Mapping) and "datasets" in attrs:
        provenance = {"datasets": dict(attrs["datasets"]),
                      "data_version": attrs.get("data_version")}
    else:
        digest = hashlib.sha256(
            pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()
        provenance = {"datasets": {"user-supplied": digest}, "data_version": None}
    return frame, provenance


def cohorts_of(frame: pd.DataFrame, *, entity: str, cohort: str, model: str) -> pd.Series:
    """First treated period per entity (float, NaN = never treated).

    Checked constant within entity.
    """
    import numpy as np
    import pandas as pd

    given = frame[cohort]
    values = pd.to_numeric(given, errors="coerce").to_numpy(dtype="float64", na_value=np.nan,
                                                            copy=True)
    missing = np.isnan(values)
    if (given.notna().to_numpy() & missing).any():
        raise ModelSpecificationError(f"{model}: cohort column {cohort!r} must hold the first "
                                      "treated period (an integer) or NaN for never-treated "
                                      "entities")
    values[np.isinf(values)] = np.nan
    missing = np.isnan(values)
    if (values[~missing] % 1 != 0).any():
        raise ModelSpecificationError(
            f"{model}: cohort column {cohort!r} must hold integer periods")
    codes, entities = pd.factorize(frame[entity], sort=True)
    # Per entity: smallest and largest cohort, and how many rows have one.
    low, high = np.full(len(entities), np.inf), np.full(len(entities), -np.inf)
    np.fmin.at(low, codes, values)
    np.fmax.at(high, codes, values)
    known = np.bincount(codes, weights=~missing, minlength=len(entities))
    rows = np.bincount(codes, minlength=len(entities))
    # More than one distinct value (NaN counting as one): two numbers, or a number and NaN.
    varying = (known > 0) & ((low != high) | (known < rows))
    if varying.any():
        raise ModelSpecificationError(
            f"{model}: cohort {cohort!r} must be constant within each entity (one first treated "
            f"period per entity); it varies for {', '.join(map(str, entities[varying][:5]))}")
    return pd.Series(np.where(known > 0, low, np.nan), index=pd.Index(entities, name=entity),
                     name=cohort)


def float_controls(frame: pd.DataFrame, controls: Sequence[str], model: str) -> None:
    """Convert the control columns of ``frame`` to float in place; all values must be finite."""
    import numpy as np
    import pandas as pd

    for c in controls:
        values = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        if not np.isfinite(values).all():
            raise ModelSpecificationError(
                f"{model}: control {c!r} has missing or non-numeric values")
        frame[c] = values


def fit_panelols(frame: pd.DataFrame, *, outcome: str, regressors: Sequence[str], entity: str,
                 time: str, cov: Mapping[str, Any], model: str) -> Any:
    """``PanelOLS(y, X, entity_effects=True, time_effects=True).fit(**cov)``, errors translated.

    The estimators use :func:`fit_design` (same numbers, a fraction of the CPU and
    memory); this direct call is what ``results.linearmodels`` runs.
    """
    from linearmodels.panel import PanelOLS
    from linearmodels.panel.utility import AbsorbingEffectError

    indexed = frame.set_index([entity, time])
    try:
        mod = PanelOLS(indexed[outcome], indexed[list(regressors)], entity_effects=True,
                       time_effects=True)
        return mod.fit(**cov)
    except AbsorbingEffectError as exc:
        raise ModelSpecificationError(
            f"{model}: a treatment regressor is absorbed by the entity and time effects, so there "
            f"is no untreated comparison for it "
            f"(linearmodels: {str(exc).splitlines()[0]})") from None
    except ValueError as exc:
        raise ModelSpecificationError(f"{model}: linearmodels PanelOLS failed: {exc}") from None


def fit_design(frame: pd.DataFrame, *, outcome: str, regressors: Sequence[str], entity: str,
               time: str, cov: Mapping[str, Any], model: str) -> TwoWayFit:
    """Two-way fixed-effects fit of ``outcome`` on ``regressors`` in ``frame`` (PanelOLS's numbers).

    See :func:`venecon.models.did.twfe.fit_twoway`; ``replicate`` on the result runs
    :func:`fit_panelols` on the same design.
    """
    from functools import partial

    regressors = list(regressors)
    # A partial, not a closure, so that results pickle (e.g. across joblib workers).
    replicate = partial(fit_panelols, frame, outcome=outcome, regressors=regressors, entity=entity,
                        time=time, cov=dict(cov), model=model)
    return fit_twoway(frame, outcome=outcome, regressors=regressors, entity=entity, time=time,
                      cov=cov, model=model, replicate=replicate)


# --------------------------------------------------------------------------- results


class PanelDiDResults(ModelResults):
    """Results of :class:`PanelDiD` (and the base of :class:`PanelEventStudyResults`).

    Adds ``linearmodels`` (the same regression run by ``PanelOLS``), ``entities``
    and ``periods`` to :class:`~venecon.models.core.results.ModelResults`.
    """

    def __init__(self, *, fit: TwoWayFit, entities: int, periods: tuple[int, int],
                 alpha: float = 0.05, **kwargs: Any) -> None:
        self._alpha = check_alpha(alpha)
        self._replicate = fit.replicate
        self._lm_cache: dict[str, Any] = {}
        self._entities = int(entities)
        self._periods = (int(periods[0]), int(periods[1]))
        super().__init__(**kwargs)

    @property
    def linearmodels(self) -> Any:
        """The same regression as a linearmodels ``PanelEffectsResults``.

        Computed by ``PanelOLS(...).fit(...)`` on the estimation design when first
        read (the estimates above come from the faster :func:`fit_design`; the tests
        check that both agree to 1e-10).
        """
        if "result" not in self._lm_cache:
            self._lm_cache["result"] = self._replicate()
        return self._lm_cache["result"]

    @property
    def entities(self) -> int:
        """Number of entities in the estimation sample."""
        return self._entities

    @property
    def periods(self) -> tuple[int, int]:
        """First and last period of the estimation sample."""
        return self._periods


# --------------------------------------------------------------------------- DiD


class PanelDiD:
    """Two-way fixed-effects difference-in-differences on a long panel.

    ``y_it = a_i + l_t + b * D_it + g' x_it + e_it`` with the numbers of
    :class:`linearmodels.panel.PanelOLS` with entity and time effects (see the
    module docstring; ``results.linearmodels`` runs PanelOLS itself).

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per entity and period.
    outcome : str
        Outcome column.
    treatment : str
        0/1 treatment indicator ``D_it`` (1 while treated).
    options : PanelOptions, optional
        Entity and time columns, controls, balance requirement and covariance
        (:class:`~venecon.models.did.options.PanelOptions`; defaults: "country",
        "date", no controls, clustered by entity, debiased).
    entity, time, controls, require_balanced, cov_type, bandwidth, debiased, group_debias
        The fields of ``options``, as keywords (they override ``options``):
        entity and integer period columns; time-varying covariates ``x_it``;
        raise if the panel is unbalanced; ``"clustered"`` (by entity) or
        ``"kernel"`` (Driscoll-Kraay, Bartlett weights); the kernel's lag
        truncation (``None``: linearmodels' ``floor(4 (T/100)^(2/9))``);
        ``n / (n - d - k)`` scaling with t-based inference; clustered only,
        ``G / (G - 1)`` scaling.
    alpha : float, default 0.05
        One minus the coverage of the result's default intervals (``results.alpha``).

    Notes
    -----
    Stata: ``reghdfe y d, absorb(id year) vce(cluster id)`` or, for
    Driscoll-Kraay, ``xtscc y d i.year, fe lag(m)``. R:
    ``fixest::feols(y ~ d | id + year, cluster = ~id)`` or ``vcov = "DK"``.
    Coefficients are identical; see the module docstring for the standard
    errors' small-sample factor. With staggered adoption and heterogeneous
    effects the TWFE coefficient is a weighted average with possibly negative
    weights (Goodman-Bacon 2021); use :class:`~venecon.models.SunAbraham`.

    Examples
    --------
    >>> res = PanelDiD(panel, outcome="log_output", treatment="sanctioned").fit()  # doctest: +SKIP
    >>> res.params["sanctioned"]  # doctest: +SKIP
    """

    _name = "Panel DiD (TWFE)"

    @renamed_arguments(entity="unit")
    def __init__(self, data: pd.DataFrame, *, outcome: str, treatment: str,
                 options: PanelOptions | None = None, unit: str | None = None,
                 time: str | None = None, controls: Sequence[str] | None = None,
                 cov_type: str | None = None, bandwidth: float | None = None,
                 debiased: bool | None = None, group_debias: bool | None = None,
                 require_balanced: bool | None = None, alpha: float = 0.05) -> None:
        self.data = data
        self.outcome = outcome
        self.treatment = treatment
        self.alpha = check_alpha(alpha)
        self.options = PanelOptions.resolve(
            options, model="PanelDiD", unit=unit, time=time, controls=controls,
            cov_type=cov_type, bandwidth=bandwidth, debiased=debiased,
            group_debias=group_debias, require_balanced=require_balanced)

    def _options(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "treatment": self.treatment, **self.options.to_dict()}

    def fit(self) -> PanelDiDResults:
        """Estimate the model; see the class docstring."""
        name = "PanelDiD"
        o = self.options
        frame, provenance = panel_frame(self.data, outcome=self.outcome, entity=o.unit,
                                        time=o.time, columns=[self.treatment, *o.controls],
                                        require_balanced=o.require_balanced, model=name)
        d = frame[self.treatment]
        if not d.isin([0, 1]).all():
            raise ModelSpecificationError(f"{name}: treatment {self.treatment!r} must be 0/1 "
                                          f"(values: {sorted(d.dropna().unique().tolist())[:6]})")
        frame[self.treatment] = d.astype("float64")
        treated = frame.groupby(o.unit)[self.treatment].max()
        if treated.sum() == 0:
            raise ModelSpecificationError(
                f"{name}: no observation is treated ({self.treatment!r} is all 0)")
        if (frame[self.treatment] == 1).all():
            raise ModelSpecificationError(f"{name}: every observation is treated; there is no "
                                          "untreated comparison")
        # No never-treated entity and a single switch date: D equals a time dummy for everyone.
        starts = frame[frame[self.treatment] == 1].groupby(o.unit)[o.time].min()
        if treated.all() and starts.nunique() == 1 and len(treated) > 0:
            raise ModelSpecificationError(
                f"{name}: every entity is treated from {int(starts.iloc[0])}; with time effects "
                "there is no untreated comparison. Add never-treated entities")
        float_controls(frame, o.controls, name)
        cov = o.fit_keywords(frame[o.time].nunique(), name)
        res = fit_design(frame, outcome=self.outcome, regressors=[self.treatment, *o.controls],
                         entity=o.unit, time=o.time, cov=cov, model=name)
        periods = (int(frame[o.time].min()), int(frame[o.time].max()))
        header = [("Entities", str(frame[o.unit].nunique())),
                  ("Periods", f"{periods[0]}-{periods[1]}"),
                  ("Treated entities", str(int(treated.sum()))),
                  ("Effects", "entity, time")]
        notes = ["Two-way fixed effects with the numbers of linearmodels "
                 "PanelOLS(entity_effects=True, time_effects=True); Stata: reghdfe y d, "
                 "absorb(id year); R: fixest::feols(y ~ d | id + year).",
                 "Under staggered adoption with heterogeneous effects TWFE weights can be "
                 "negative; see venecon.models.SunAbraham."]
        prov = build_provenance(model="venecon.models.PanelDiD", data=provenance, sample=None,
                                options=self._options(), dependencies=TWFE_DEPENDENCIES)
        prov["data"]["sample"] = {"start": periods[0], "end": periods[1], "nobs": int(res.nobs)}
        return PanelDiDResults(fit=res, entities=frame[o.unit].nunique(), periods=periods,
                               alpha=self.alpha,
                               **results_kwargs(res, model=self._name, dependent=self.outcome,
                                                cov=cov, provenance=prov, header=header,
                                                notes=notes))


# --------------------------------------------------------------------------- event study


def _label(k: int) -> str:
    return f"{k:+d}" if k else "0"


def event_time_columns(rel: Any, window: tuple[int, int], reference: int,
                       endpoints: str) -> dict[str, Any]:
    """Event-time indicators ``1{rel = k}`` for ``k`` in ``window`` except ``reference``.

    ``rel`` is ``time - cohort`` (NaN for never-treated rows). With
    ``endpoints="bin"`` the first and last indicators also take every earlier or
    later event time (``event_<=-5``, ``event_>=+10``); with ``"drop"`` rows
    outside the window are expected to have been removed. Returns an ordered
    dict name -> float array.
    """
    import numpy as np

    rel = np.asarray(rel, dtype="float64")
    lo, hi = window
    out: dict[str, Any] = {}
    for k in range(lo, hi + 1):
        if k == reference:
            continue
        if endpoints == "bin" and k == lo:
            name, hit = f"event_<={_label(k)}", rel <= k
        elif endpoints == "bin" and k == hi:
            name, hit = f"event_>={_label(k)}", rel >= k
        else:
            name, hit = f"event_{_label(k)}", rel == k
        out[name] = np.where(np.isnan(rel), 0.0, hit.astype("float64"))
    return out


class PanelEventStudyResults(PanelDiDResults):
    """Results of :class:`PanelEventStudy`: adds ``event_time`` and an event-time plot."""

    def __init__(self, *, event_time: pd.DataFrame, reference: int, alpha: float = 0.05,
                 **kwargs: Any) -> None:
        self._event_time = event_time[["estimate", "std_error", "parameter"]].copy()
        self._reference = int(reference)
        super().__init__(alpha=alpha, **kwargs)

    @property
    def alpha(self) -> float:
        """One minus the coverage of the intervals in :attr:`event_time` (the model's ``alpha``)."""
        return self._alpha

    def _path(self, alpha: float) -> pd.DataFrame:
        """One row per event time (the reference a row of zeros), with the parameter name."""
        et = self.event_table(alpha)
        return path_frame(et.index, et["estimate"], et["std_error"], et["lower"], et["upper"],
                          parameter=et["parameter"])

    def _headline(self, alpha: float) -> Headline:
        """``att`` where the estimator has one (Sun-Abraham), else the mean of the
        post-treatment event-time coefficients with its standard error from their covariance."""
        import numpy as np

        if "att" in self._params.index:
            return super()._headline(alpha)
        et = self._event_time
        post = et[(et.index > self._reference) & (et["parameter"] != "reference")]
        names = post["parameter"].tolist()
        g = np.full(len(names), 1.0 / len(names))
        est = float(g @ self._params[names].to_numpy())
        se = float(np.sqrt(g @ self._cov.loc[names, names].to_numpy() @ g))
        q = self._critical(alpha)
        p = two_sided_pvalue(est / se, self._df_resid) if se > 0 else float("nan")
        return Headline(name=f"average event-time effect, k = {post.index[0]}..{post.index[-1]}",
                        estimate=est, std_error=se, pvalue=p, lower=est - q * se,
                        upper=est + q * se, alpha=alpha, window=(int(post.index[0]),
                                                                  int(post.index[-1])),
                        inference=self._cov_type)

    @property
    def event_time(self) -> pd.DataFrame:
        """One row per event time (index ``k``): ``estimate``, ``std_error``, ``lower``,
        ``upper`` (``1 - alpha`` interval, the model's ``alpha``) and ``parameter``; the
        reference period is a row of zeros. :meth:`event_table` gives other levels."""
        return self.event_table(self._alpha)

    def event_table(self, alpha: float | None = None) -> pd.DataFrame:
        """:attr:`event_time` with ``1 - alpha`` intervals (the same as :meth:`conf_int`)."""
        import numpy as np

        et = self._event_time.copy()
        ci = self.conf_int(self._alpha if alpha is None else alpha)
        where = ci.index.get_indexer(et["parameter"])  # -1: the reference row
        for side in ("lower", "upper"):
            et[side] = np.where(where >= 0, ci[side].to_numpy()[where], 0.0)
        return et[["estimate", "std_error", "lower", "upper", "parameter"]]

    @property
    def reference(self) -> int:
        """The omitted (normalised to zero) event time."""
        return self._reference

    def honest_did(self, options: Any = None, *, effect: int | None = None) -> Any:
        """Sensitivity of the effect to violations of parallel trends (Rambachan and Roth 2023).

        Relative-magnitudes (C-LF) and smoothness (FLCI) intervals over grids of
        ``Mbar`` and ``M``, their breakdown values and the pre-trend power of
        Roth (2022), from the event-time coefficients and their covariance; see
        :mod:`venecon.models.did.honest`.

        Parameters
        ----------
        options : HonestOptions, optional
            Grids, level, ``l_vec`` (:class:`~venecon.models.did.honest.HonestOptions`).
        effect : int, optional
            Post-period event time examined (default: the first after the reference).

        Returns
        -------
        HonestResults

        Notes
        -----
        With ``endpoints="bin"`` the first and last coefficients pool every earlier
        or later event time; the restrictions then treat each pool as one period.
        """
        from .honest import event_study_sensitivity

        et = self._event_time
        est = et.loc[et["parameter"] != "reference", "estimate"]
        names = et.loc[est.index, "parameter"].tolist()
        return event_study_sensitivity(est, self.cov.loc[names, names], self._reference,
                                       options=options, effect=effect, source=self._model,
                                       data=self.provenance.get("data"))

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        from ..core.results import jsonable

        out = super().to_dict(alpha)
        out["event_time"] = jsonable(self.event_table(alpha))
        out["reference"] = self._reference
        return out

    def plot(self, alpha: float | None = None, ax: Any = None) -> Figure:
        """Coefficients against event time with ``1 - alpha`` intervals (default: the
        model's ``alpha``); returns the Figure."""
        import matplotlib.pyplot as plt

        alpha = self._alpha if alpha is None else check_alpha(alpha)
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        et = self.event_table(alpha)
        ax.fill_between(et.index, et["lower"], et["upper"], color="C0", alpha=0.2,
                        label=f"{100 * (1 - alpha):g}% CI")
        ax.plot(et.index, et["estimate"], "o-", color="C0", label="estimate")
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(self._reference + 0.5, color="grey", ls=":", lw=1)
        ax.set_xlabel("event time (periods since first treated period)")
        ax.set_ylabel(self._dependent)
        ax.set_title(self._model)
        ax.legend(loc="best")
        return fig


class PanelEventStudy:
    """Two-way fixed-effects event study (leads and lags around treatment).

    ``y_it = a_i + l_t + sum_{k != ref} b_k 1{t - E_i = k} + g' x_it + e_it``
    where ``E_i`` is entity ``i``'s first treated period (``cohort`` column,
    NaN for never-treated entities), with the numbers of :class:`linearmodels.panel.PanelOLS`.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per entity and period.
    outcome : str
        Outcome column.
    cohort : str
        First treated period of each row's entity (constant within entity; NaN never treated).
    entity, time : str, default "country", "date"
        Entity and integer period (year) columns.
    window : (int, int), default (-5, 10)
        First and last event time estimated.
    reference : int, default -1
        Omitted event time; coefficients are relative to it.
    endpoints : {"bin", "drop"}, default "bin"
        ``"bin"``: the end indicators absorb all earlier/later event times
        (treated rows outside the window stay in the sample); ``"drop"``:
        treated rows outside the window are dropped.
    alpha : float, default 0.05
        One minus the coverage of the intervals in ``results.event_time``.
    options, entity, time, controls, require_balanced, cov_type, bandwidth, debiased, group_debias
        As in :class:`PanelDiD` (:class:`~venecon.models.did.options.PanelOptions`).

    Notes
    -----
    Stata: ``reghdfe y ev_lead* ev_lag*, absorb(id year) vce(cluster id)`` with
    the same dummies (``eventdd`` builds them). R:
    ``fixest::feols(y ~ i(rel_time, ref = -1) | id + year, cluster = ~id)``
    (bin the ends yourself). Needs never-treated entities (otherwise event time
    and calendar time are collinear; use :class:`~venecon.models.SunAbraham`
    with ``control="last"``). Under heterogeneous effects across cohorts the
    TWFE lead/lag coefficients are contaminated by other periods' effects (Sun
    and Abraham 2021); compare with :class:`~venecon.models.SunAbraham`.
    """

    _name = "Panel event study (TWFE)"

    @renamed_arguments(entity="unit")
    def __init__(self, data: pd.DataFrame, *, outcome: str, cohort: str,
                 window: tuple[int, int] = (-5, 10), reference: int = -1, endpoints: str = "bin",
                 alpha: float = 0.05, options: PanelOptions | None = None,
                 unit: str | None = None, time: str | None = None,
                 controls: Sequence[str] | None = None, cov_type: str | None = None,
                 bandwidth: float | None = None, debiased: bool | None = None,
                 group_debias: bool | None = None, require_balanced: bool | None = None) -> None:
        self.data = data
        self.outcome = outcome
        self.cohort = cohort
        self.window = event_window(window, "PanelEventStudy")
        self.reference = event_time(reference, "reference", "PanelEventStudy")
        self.endpoints = endpoints
        self.alpha = check_alpha(alpha)
        self.options = PanelOptions.resolve(
            options, model="PanelEventStudy", unit=unit, time=time, controls=controls,
            cov_type=cov_type, bandwidth=bandwidth, debiased=debiased,
            group_debias=group_debias, require_balanced=require_balanced)

    def _options(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "cohort": self.cohort, "window": list(self.window),
                "reference": self.reference, "endpoints": self.endpoints, "alpha": self.alpha,
                **self.options.to_dict()}

    def design(self) -> tuple[pd.DataFrame, list[str], dict[str, Any]]:
        """The checked estimation frame with event-time columns, their names and the provenance.

        Exposed so that the regression can be reproduced outside venecon.
        """
        import pandas as pd

        name = "PanelEventStudy"
        o = self.options
        lo, hi = self.window
        if lo > hi or not lo <= self.reference <= hi:
            raise ModelSpecificationError(
                f"{name}: need window[0] <= reference <= window[1], got window={self.window}, "
                f"reference={self.reference}")
        if hi - lo < 1:
            raise ModelSpecificationError(
                f"{name}: the window {self.window} leaves no event time to estimate")
        if self.endpoints not in ("bin", "drop"):
            raise ModelSpecificationError(
                f"{name}: endpoints must be 'bin' or 'drop', got {self.endpoints!r}")
        if self.endpoints == "bin" and self.reference in (lo, hi):
            raise ModelSpecificationError(
                f"{name}: with endpoints='bin' the reference cannot be a binned end")
        frame, provenance = panel_frame(self.data, outcome=self.outcome, entity=o.unit,
                                        time=o.time, columns=[self.cohort, *o.controls],
                                        require_balanced=o.require_balanced, model=name)
        cohorts = cohorts_of(frame, entity=o.unit, cohort=self.cohort, model=name)
        if cohorts.notna().sum() == 0:
            raise ModelSpecificationError(
                f"{name}: no entity is ever treated ({self.cohort!r} is all NaN)")
        if cohorts.isna().sum() == 0:
            raise ModelSpecificationError(
                f"{name}: every entity is treated at some time, so there is no never-treated "
                "comparison and event time is collinear with the entity and time effects. Add "
                "never-treated entities or use SunAbraham(control='last')")
        rel = frame[o.time] - frame[o.unit].map(cohorts)
        if self.endpoints == "drop":
            keep = rel.isna() | ((rel >= lo) & (rel <= hi))
            frame, rel = frame[keep].reset_index(drop=True), rel[keep].reset_index(drop=True)
        columns = event_time_columns(rel.to_numpy(), self.window, self.reference, self.endpoints)
        empty = [c for c, v in columns.items() if not v.any()]
        if empty:
            raise InsufficientDataError(
                f"{name}: no observation falls in event time(s) {empty}; narrow the window "
                f"{self.window}")
        frame = pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
        float_controls(frame, o.controls, name)
        return frame, list(columns), provenance

    def fit(self) -> PanelEventStudyResults:
        """Estimate the event study; see the class docstring."""
        import pandas as pd

        name = "PanelEventStudy"
        o = self.options
        frame, names, provenance = self.design()
        cov = o.fit_keywords(frame[o.time].nunique(), name)
        res = fit_design(frame, outcome=self.outcome, regressors=[*names, *o.controls],
                         entity=o.unit, time=o.time, cov=cov, model=name)
        ks = [k for k in range(self.window[0], self.window[1] + 1) if k != self.reference]
        et = pd.DataFrame({"estimate": res.params[names].to_numpy(),
                           "std_error": res.std_errors[names].to_numpy(), "parameter": names},
                          index=pd.Index(ks, name="k"))
        et.loc[self.reference] = [0.0, 0.0, "reference"]
        et = et.sort_index()
        et[["estimate", "std_error"]] = et[["estimate", "std_error"]].astype("float64")
        periods = (int(frame[o.time].min()), int(frame[o.time].max()))
        cohorts = frame.groupby(o.unit)[self.cohort].first()
        header = [("Entities", str(frame[o.unit].nunique())),
                  ("Treated entities", str(int(cohorts.notna().sum()))),
                  ("Periods", f"{periods[0]}-{periods[1]}"),
                  ("Event window",
                   f"{self.window[0]} to {self.window[1]}, reference {self.reference}"),
                  ("Endpoints", self.endpoints)]
        notes = ["Two-way fixed effects with event-time indicators (the numbers of linearmodels "
                 "PanelOLS); R: fixest::feols(y ~ i(rel, ref = -1) | id + year).",
                 "TWFE leads and lags can be contaminated by other periods' effects when effects "
                 "differ across cohorts; compare venecon.models.SunAbraham."]
        prov = build_provenance(model="venecon.models.PanelEventStudy", data=provenance,
                                sample=None, options=self._options(),
                                dependencies=TWFE_DEPENDENCIES)
        prov["data"]["sample"] = {"start": periods[0], "end": periods[1], "nobs": int(res.nobs)}
        return PanelEventStudyResults(
            event_time=et, reference=self.reference, alpha=self.alpha, fit=res,
            entities=frame[o.unit].nunique(), periods=periods,
            **results_kwargs(res, model=self._name, dependent=self.outcome, cov=cov,
                             provenance=prov, header=header, notes=notes))
