"""Synthetic control (Abadie and Gardeazabal 2003; Abadie, Diamond and Hainmueller 2010, 2015).

The synthetic unit is a convex combination ``Y0 W`` of donor units whose
weights ``W`` (non-negative, summing to one) make the donors' predictors
``X0 W`` close to the treated unit's ``X1`` in the norm given by a diagonal,
non-negative predictor-importance matrix ``V``:

.. math::

    W(V) = \\arg\\min_{W \\in \\Delta} (X_1 - X_0 W)' V (X_1 - X_0 W).

For a given ``V`` this is a small quadratic program, solved exactly by an
active-set method (:mod:`venecon.models.synth.qp`). ``V`` is chosen by one of five
strategies (``v=``): ``"nested"`` minimises the outcome MSPE over the fit window,
``min_V ||Z_1 - Z_0 W(V)||^2 / T`` (the ADH procedure, a derivative-free search
over ``V`` from several recorded starts); ``"crossval"`` does the same on a
training specification and reuses that ``V`` (ADH 2015); ``"regression"``
sets ``V`` from a regression of the fit-window outcomes on the predictors
(the starting value of R's ``Synth``); ``"equal"`` gives every predictor the
same weight; or an array or dict supplies ``V``.

Two conventions for the scale of the predictors (``scale=``), both common:

- ``scale=True`` (default, R ``Synth`` and pysyncon): each predictor is divided
  by its standard deviation (``ddof=1``) across the treated unit and the donors
  before weighting, so ``V`` is free of units. With the default predictors
  (the outcome in every fit-window period) and ``v="equal"``, each period's
  outcome then counts in proportion to ``1 / sd_t^2``, so the weights do not
  minimise the pre-period MSPE.
- ``scale=False``: the predictors enter in their own units. With the default
  predictors and ``v="equal"`` the weights minimise the pre-period mean squared
  gap ``||Y_1 - Y_0 W||^2 / T_0`` over the simplex: the outcome-only synthetic
  control of mlsynth, scpi's simplex estimator and causalpy (validated on
  Proposition 99, Abadie, Diamond and Hainmueller 2010, to 1e-6 against a
  simplex least squares computed independently in the test-suite: support
  from scipy's SLSQP, weights from the closed-form KKT system, optimality
  checked). On that panel the two conventions' weights differ by up to 0.039.

The estimated effect in period ``t`` is the gap ``Y_1t - Y_0t' W``.

The numerical engine (weights for a given V, the V search, the frozen arrays
every refit uses) is :mod:`venecon.models.synth.engine`. Inference (placebos in
space and in time, leave-one-donor-out, conformal intervals) lives in
:mod:`venecon.models.synth.inference` and is reached from the results object;
placebo-in-time re-specifies the model through :meth:`SyntheticControl.respecify`.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...data.codes import AGGREGATE_CODES
from ...exceptions import (
    DataValueError,
    DonorPoolWarning,
    InsufficientDataError,
    ModelSpecificationError,
)
from ...limits import check_bound
from ..core.checks import check_count, check_outcome_unit
from ..core.outcome import MAX_MAGNITUDE
from ..core.results import CumulativeEffect, Headline, PathResults, build_provenance, jsonable
from ..core.vocabulary import rename_keywords, renamed_arguments, warn_renamed
from .engine import (
    Engine,
    Fit,
    Predictor,
    PredictorMatrices,
    VOptions,
    fmt_period,
    label_index,
)
from .inference import (
    LeaveOneOutResult,
    PlaceboResult,
    PlaceboTimeResult,
    check_placebo_work,
    check_pre_fit_filter,
    conformal_intervals,
    leave_one_out,
    placebo_note,
    placebo_space,
    placebo_time,
)
from .placebo_method import AS_FITTED, PlaceboMethod

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SyntheticControl", "SyntheticControlResults", "Predictor"]

_OPS = ("mean", "median", "sum", "min", "max", "last", "first")
_EFFECT_COLUMNS = ("actual", "counterfactual", "effect", "effect_lower", "effect_upper")
_V_STRATEGIES = ("nested", "crossval", "regression", "equal")
#: Codes that name aggregates rather than units (World Bank / ISO 3166 user-assigned
#: codes for the world, the EU, the euro area and the OECD; OPEC)


# --------------------------------------------------------------------------- results


class SyntheticControlResults(PathResults):
    """Results of :class:`SyntheticControl`.

    Besides the shared API (``params`` holds the average effect over the
    effect window; ``effects`` the per-period actual, synthetic and gap), it
    gives the donor ``weights``, the predictor weights ``v``, the predictor
    ``balance`` table, ``rmspe_pre`` and, from the same specification, the
    inference procedures :attr:`placebo` (``placebo()``), :meth:`placebo_time`,
    :meth:`leave_one_out` and :meth:`conformal`.

    The average effect has no standard error: synthetic control gives no
    sampling distribution for it. ``pvalues`` is the placebo-in-space
    p-value once the result has its placebo test (``fit(placebo=True)`` or a
    call of ``placebo()``; NaN before). The average effect has no
    interval; when fitted with ``conformal=True`` the per-period conformal
    intervals are in ``effects``, :meth:`conf_int` (rows ``effect <period>``)
    and :meth:`path`, at any ``alpha``.

    Placebo-in-space has one name: ``placebo()`` returns the
    :class:`~venecon.models.synth.inference.PlaceboResult`, running it unless
    the result already has it (with the fit's ``pre_fit_filter``), and keeps
    it, so that ``pvalues``, ``summary()`` and ``to_dict()`` show it from then
    on, as after ``fit(placebo=True)``. The test is fixed by the fit (its seeds
    included), so keeping it computes a value of the result rather than
    changing one: the result stays immutable. :attr:`placebo_result` is the
    test the result has, or None; it never runs one.

    :meth:`plot` draws the actual and synthetic paths (top) and the gap in
    every period (bottom), with the conformal band when there is one.
    """

    _plot_counterfactual = "synthetic"
    _plot_effect = "gap"
    _plot_effect_legend = "gap"
    _plot_interval = "conformal interval"

    def __init__(
        self,
        *,
        weights: pd.Series,
        v: pd.Series,
        balance: pd.DataFrame,
        gaps: pd.Series,
        rmspe_pre: float,
        window: tuple[Any, Any],
        placebo: PlaceboResult | None,
        engine: Engine,
        pre_fit_filter: float | None = None,
        specification: SyntheticControl,
        **kwargs: Any,
    ) -> None:
        # built for this result by SyntheticControl.fit and never handed out (the
        # properties give copies): kept as they are, not copied a second time
        self._weights = weights
        self._v = v
        self._balance = balance
        self._gaps = gaps
        self._rmspe_pre = float(rmspe_pre)
        self._window_bounds = window
        self._placebo = placebo
        # the filter of the placebo test this result reports (fit's pre_fit_filter)
        self._placebo_filter = pre_fit_filter
        self._engine = engine
        # a snapshot of the model (sharing its private copy of the data) for re-specification
        self._specification = specification
        super().__init__(**kwargs)

    # --- estimates ---------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        """Donor weights (non-negative, summing to one), indexed by donor."""
        return self._weights.copy()

    @property
    def v(self) -> pd.Series:
        """Predictor weights (diagonal of V, summing to one), indexed by predictor."""
        return self._v.copy()

    @property
    def balance(self) -> pd.DataFrame:
        """Predictors of the treated unit, the synthetic unit and the donor average (unscaled)."""
        return self._balance.copy()

    @property
    def gaps(self) -> pd.Series:
        """Actual minus synthetic outcome in every period (pre and post)."""
        return self._gaps.copy()

    @property
    def rmspe_pre(self) -> float:
        """Root mean squared gap over all pre-treatment periods."""
        return self._rmspe_pre

    @property
    def placebo(self) -> PlaceboMethod:
        """Placebo-in-space test (ADH 2010): ``placebo(*, pre_fit_filter=<as fitted>, n_jobs=1)``.

        Returns the :class:`~venecon.models.synth.inference.PlaceboResult`: every
        donor treated in turn, the treated unit ranked by its post/pre MSPE
        ratio. With the fit's ``pre_fit_filter`` (the default) it is the test
        ``fit(placebo=True)`` ran, or one run now and kept, after which
        ``pvalues``, ``summary()`` and ``to_dict()`` show its p-value; another
        filter runs a test the result does not keep. ``n_jobs`` (joblib
        workers) does not change the result. See
        :func:`venecon.models.synth.inference.placebo_space`.

        Up to venecon 0.4 ``placebo`` was the attribute now called
        :attr:`placebo_result`; reading ``results.placebo.pvalue`` still works
        with a ``FutureWarning``.
        """
        return PlaceboMethod(self._run_placebo, self._placebo, type(self).__name__)

    @property
    def placebo_result(self) -> PlaceboResult | None:
        """The placebo-in-space test this result has (``fit(placebo=True)`` or an
        earlier ``placebo()``), else None; never runs one."""
        return self._placebo

    def _run_placebo(self, pre_fit_filter: float | None, n_jobs: int) -> PlaceboResult:
        """The test with ``pre_fit_filter``; the fit's one is computed once and kept."""
        import math

        if pre_fit_filter is AS_FITTED:
            pre_fit_filter = self._placebo_filter
        check_pre_fit_filter(pre_fit_filter)
        reported = pre_fit_filter == self._placebo_filter
        if reported and self._placebo is not None:
            return self._placebo
        # the treated unit's weights are already known: no second V search for them
        main = Fit(self._weights.to_numpy(), self._v.to_numpy(), math.nan)
        record = {"data": self._provenance.get("data", {}), "seed": self._provenance.get("seed")}
        placebo = placebo_space(self._engine, pre_fit_filter=pre_fit_filter, n_jobs=n_jobs,
                                main=main, provenance=record)
        if reported:
            self._keep_placebo(placebo)
        return placebo

    def _keep_placebo(self, placebo: PlaceboResult) -> None:
        """Report ``placebo`` from now on (its p-value in ``pvalues``, the summary and notes)."""
        object.__setattr__(self, "_placebo", placebo)
        object.__setattr__(self, "_placebo_filter", placebo.pre_fit_filter)
        object.__setattr__(self, "_statistics",
                           dict(self._statistics, placebo_pvalue=placebo.pvalue))
        object.__setattr__(self, "_notes", [n for n in self._notes
                                            if not n.startswith("Placebo-in-space p-value")]
                           + [placebo_note(placebo)])

    def with_placebo(
        self, placebo: PlaceboResult | None = None, *, pre_fit_filter: float | None = None,
        n_jobs: int = 1,
    ) -> SyntheticControlResults:
        """Deprecated: ``placebo()`` runs the test and this result then reports it.

        A copy of this result reporting ``placebo`` (or the test run with
        ``pre_fit_filter``), with a ``FutureWarning``.
        """
        warn_renamed(f"{type(self).__name__}.with_placebo()",
                     "placebo() (the result then carries the test)")
        if placebo is None:
            placebo = self._run_placebo(pre_fit_filter, n_jobs)
        elif not isinstance(placebo, PlaceboResult):
            raise ModelSpecificationError(
                f"with_placebo: expected a PlaceboResult (from placebo()), got "
                f"{type(placebo).__name__}")
        new = copy.copy(self)
        new._keep_placebo(placebo)
        return new

    @property
    def pvalues(self) -> pd.Series:
        """Placebo-in-space p-value of the average effect (NaN unless ``fit(placebo=True)``)."""
        import numpy as np
        import pandas as pd

        p = np.nan if self._placebo is None else self._placebo.pvalue
        return pd.Series([p], index=self._params.index, name="pvalue")

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """Intervals at ``1 - alpha`` (default: the fitted ``alpha``).

        The average effect's row is NaN: synthetic control gives no interval for
        it. After ``fit(conformal=True)`` one row per post-treatment period
        (``effect <period>``) follows with its conformal interval (Chernozhukov,
        Wuthrich and Zhu 2021), recomputed when ``alpha`` differs from the fit's.
        """
        import numpy as np
        import pandas as pd

        alpha = self._alpha_or_default(alpha)
        out = pd.DataFrame({"lower": np.nan, "upper": np.nan}, index=self._params.index)
        if not self._has_conformal():
            return out
        _, lower, upper = self._path_band(alpha)
        post = self._effects["effect"].notna().to_numpy()
        rows = pd.DataFrame({"lower": lower[post], "upper": upper[post]},
                            index=[f"effect {fmt_period(t)}" for t in self._effects.index[post]])
        return pd.concat([out, rows])

    def _param_conf_int(self, alpha: float) -> pd.DataFrame:
        """NaN: the average effect (the one parameter) has no interval."""
        import numpy as np
        import pandas as pd

        return pd.DataFrame({"lower": np.nan, "upper": np.nan}, index=self._params.index)

    def _has_conformal(self) -> bool:
        return bool(self._effects["effect_lower"].notna().any())

    def _path_band(self, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Conformal intervals (NaN without ``fit(conformal=True)``); no standard errors."""
        import math

        import numpy as np

        eff = self._effects
        se = np.full(len(eff), np.nan)
        if math.isclose(alpha, self._alpha) or not self._has_conformal():
            return se, eff["effect_lower"].to_numpy(dtype="float64"), \
                eff["effect_upper"].to_numpy(dtype="float64")
        ci = conformal_intervals(self._engine, alpha=alpha)
        lower = np.full(len(eff), np.nan)
        upper = lower.copy()
        where = eff.index.get_indexer(ci.index)
        lower[where], upper[where] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
        return se, lower, upper

    def _headline_window(self) -> tuple[Any, Any]:
        return self._window_bounds

    def _headline(self, alpha: float) -> Headline:
        """The average effect over the effect window; its p-value is the placebo test's."""
        import math

        name = self._headline_name()
        pl = self._placebo
        return Headline(name=name, estimate=float(self._params[name]), std_error=math.nan,
                        pvalue=math.nan if pl is None else pl.pvalue, lower=math.nan,
                        upper=math.nan, alpha=alpha, window=self._window_bounds, unit=self._unit,
                        inference="placebo-in-space p-value" if pl is not None else
                        "none (run placebo())")

    def average_effect(self, start: Any = None, end: Any = None) -> float:
        """Mean gap over the inclusive window ``start``-``end`` (default: the effect window)."""
        start = self._window_bounds[0] if start is None else start
        end = self._window_bounds[1] if end is None else end
        g = self._gaps
        sel = g[(g.index >= start) & (g.index <= end)]
        post = sel.index >= self._events["period"].iloc[0]
        if not post.all() or sel.empty:
            raise ModelSpecificationError(
                f"average_effect: window {start}-{end} must lie in the post-treatment periods "
                f"{self._events['period'].iloc[0]}-{g.index[-1]}"
            )
        return float(sel.mean())

    # --- inference ----------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The frozen numerical engine of this fit (read-only copies of Y and X)."""
        return self._engine

    def placebo_space(
        self, *, pre_fit_filter: float | None = None, n_jobs: int = 1
    ) -> PlaceboResult:
        """Deprecated name of ``placebo()`` (``pre_fit_filter`` defaults to None here).

        Warns (``FutureWarning``) and returns ``placebo(pre_fit_filter=pre_fit_filter,
        n_jobs=n_jobs)``.
        """
        warn_renamed(f"{type(self).__name__}.placebo_space()", "placebo()")
        return self._run_placebo(pre_fit_filter, n_jobs)

    def placebo_time(self, times: Sequence[Any], *, n_jobs: int = 1) -> PlaceboTimeResult:
        """Placebo-in-time test; see :func:`venecon.models.synth.inference.placebo_time`."""
        return placebo_time(self._specification, times, n_jobs=n_jobs)

    def leave_one_out(self, *, n_jobs: int = 1) -> LeaveOneOutResult:
        """Leave-one-donor-out refits; see :func:`venecon.models.synth.inference.leave_one_out`."""
        return leave_one_out(self._engine, self._weights, n_jobs=n_jobs)

    def conformal(
        self, alpha: float | None = None, *, periods: Sequence[Any] | None = None,
        rtol: float = 1e-6,
    ) -> pd.DataFrame:
        """Per-period conformal intervals (Chernozhukov, Wuthrich and Zhu 2021).

        ``alpha`` defaults to the fitted one. See
        :func:`venecon.models.synth.inference.conformal_intervals`.
        """
        alpha = self._alpha_or_default(alpha)
        if periods is not None:
            periods = [self._specification.coerce_time(p) for p in periods]
        return conformal_intervals(self._engine, alpha=alpha, periods=periods, rtol=rtol)

    # --- presentation -------------------------------------------------------------------
    def honest_did(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG002
        """Not defined: raises :class:`~venecon.exceptions.ModelSpecificationError`.

        Rambachan and Roth (2023) bound violations of parallel trends by the
        pre-treatment event-study coefficients and need their covariance. A
        synthetic control's pre-treatment gaps are the targets its weights were
        fitted to and have no sampling covariance, so the bounds are not
        defined; see :data:`venecon.models.did.honest.SYNTHETIC_CONTROL_UNDEFINED`.
        ``SyntheticDiD(...).fit().honest_did()`` gives them for SDID.
        """
        from ..did.honest import SYNTHETIC_CONTROL_UNDEFINED

        raise ModelSpecificationError(SYNTHETIC_CONTROL_UNDEFINED)

    def _summary_tables(self, alpha: float) -> list[tuple[str, pd.DataFrame]]:
        import pandas as pd

        eff = pd.DataFrame({"estimate": self._params, "placebo p-value": self.pvalues})
        w = self._weights[self._weights > 5e-4].sort_values(ascending=False).to_frame("weight")
        v = self._v.to_frame("V")
        return [
            ("Average effect", eff),
            ("Donor weights (> 0.0005)", w),
            ("Predictor weights", v),
            ("Predictor balance", self._balance),
        ]

    def cumulative_effect(
        self, start: Any = None, end: Any = None, alpha: float | None = None
    ) -> CumulativeEffect:
        """Total effect over a window in barrels for flow outcomes (kb/d); intervals are NaN.

        :meth:`PathResults.cumulative_effect` with the effect window as the
        default window: annual (integer year) periods count 365 or 366 days,
        monthly ones their days in the month.
        """
        start = self._window_bounds[0] if start is None else start
        end = self._window_bounds[1] if end is None else end
        return super().cumulative_effect(start, end, alpha)

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["weights"] = jsonable(self._weights)
        out["v"] = jsonable(self._v)
        out["balance"] = jsonable(self._balance)
        out["rmspe_pre"] = self._rmspe_pre
        if self._placebo is not None:
            out["placebo"] = self._placebo.to_dict()
        return out

    def _effect_path(self) -> pd.Series:
        """The gap in every period (the fit before treatment, the effect after) for plots."""
        return self._gaps

# --------------------------------------------------------------------------- model


def _periods(value: Any, times: Sequence[Any], what: str) -> tuple:
    """Resolve a period spec (scalar, list, range, slice(start, end) inclusive) to periods."""
    if isinstance(value, slice):
        out = tuple(
            t
            for t in times
            if (value.start is None or t >= value.start) and (value.stop is None or t <= value.stop)
        )
    elif isinstance(value, str) or not isinstance(value, Sequence | range):
        out = (value,)
    else:
        out = tuple(value)
    if not out:
        raise ModelSpecificationError(f"{what}: no periods selected by {value!r}")
    return out


class SyntheticControl:
    """Synthetic control estimator with nested, cross-validated, regression, equal or custom V.

    Parameters
    ----------
    data : DataFrame
        Long panel: one row per unit and period.
    outcome, unit, time : str
        Columns holding the outcome, the unit identifier and the period
        (integer years or timestamps; any sortable type).
    treated : hashable
        The treated unit.
    treatment_time : period
        First treated period (same type as the ``time`` column; strings are
        parsed as timestamps when the column holds dates).
    donors : sequence, optional
        Donor pool; default every other unit in the panel.
    predictors : sequence, optional
        Each item is a column name (aggregated with ``predictor_op`` over
        ``predictor_periods``), a tuple ``(column, periods, op)`` (R ``Synth``'s
        special predictors) or a :class:`Predictor`. ``periods`` is one period,
        a list or range of periods, or ``slice(start, end)`` (inclusive).
        Default: the outcome in each period of the fit window.
    predictor_periods : periods, optional
        Periods for plain column names; default all pre-treatment periods.
    predictor_op : str, default "mean"
        Aggregation for plain column names.
    fit_window : (start, end), optional
        Inclusive periods whose outcome MSPE the nested V search minimises;
        default every pre-treatment period. A window reaching the treatment
        period is accepted with a warning (some published specifications do so).
    v : {"nested", "crossval", "regression", "equal"}, array or dict, default "nested"
        Predictor-weight strategy (see the module docstring). An array (in
        predictor order) or a dict ``{label or column: weight}`` gives V directly.
    v_training : dict, optional
        For ``v="crossval"``: ``{"predictors": [...], "fit_window": (start, end)}``,
        the training specification whose nested V is reused (ADH 2015). It must
        have as many predictors as ``predictors``. Its window may reach the
        treatment period (ADH 2015 train on 1981-1990 for a 1990 treatment).
    starts : sequence of {"equal", "regression"}, default ("equal", "regression")
        Deterministic starts of the nested V search; the best loss wins.
    n_random_starts : int, default 0
        Additional Dirichlet-random starts drawn from ``seed``.
    optimizer : str, default "Nelder-Mead"
        scipy.optimize.minimize method of the V search (``"BFGS"`` also works).
    maxiter : int, optional
        Iteration cap of the V search (scipy's default when None).
    effect_window : (start, end), optional
        Inclusive post-treatment periods of the reported average effect;
        default all post-treatment periods.
    events : dict, optional
        Extra labelled periods to mark in plots, e.g. ``{"oil sanctions": 2019}``.
    outcome_unit : str, optional
        Unit of the outcome (``"kb/d"`` enables barrels); read from a ``unit``
        column with one value when present.
    drop_incomplete_donors : bool, default False
        Drop donors with missing outcomes in the sample or missing predictors
        (with a warning) instead of raising.
    seed : int, optional
        Seed of random starts; each placebo and leave-one-out refit gets its own
        seed from :func:`venecon.parallel.task_seeds`, so results do not depend
        on ``n_jobs`` or the scheduler. (Formerly ``rng=``, which still works with
        a ``FutureWarning``.)
    scale : bool, default True
        Divide each predictor by its standard deviation across units (R
        ``Synth``); ``False`` keeps predictors in their own units, so the default
        predictors with ``v="equal"`` give the pre-period-MSPE-minimising
        (outcome-only) synthetic control. See the module docstring.
    flagged_donors : mapping, optional
        Units the caller knows should rarely be donors, unit -> reason (for oil
        producers under sanctions, :func:`venecon.study.donors.sanctioned_donors`);
        those in the pool are named in a :class:`~venecon.exceptions.DonorPoolWarning`,
        as are aggregate codes and units whose outcome totals the others'.

    Raises
    ------
    ModelSpecificationError
        Unknown treated unit, donors or columns; duplicated unit-periods;
        missing outcomes or predictors; a predictor without variation; a bad V.
    DataValueError
        Text or infinite values in the outcome or a predictor column (checked
        before any linear algebra).

    Warns
    -----
    DonorPoolWarning
        A donor is an aggregate (a code in
        :data:`venecon.data.codes.AGGREGATE_CODES` such as ``WLD``, or a unit
        whose outcome is at least the sum of all others in every period) or is
        named in ``flagged_donors``.
    InsufficientDataError
        No pre-treatment period, no post-treatment period, fewer than two donors.

    Examples
    --------
    >>> sc = SyntheticControl(df, outcome="gdpcap", unit="regionname", time="year",
    ...                       treated="Basque Country (Pais Vasco)", treatment_time=1970,
    ...                       predictors=[("gdpcap", slice(1960, 1969), "mean")],
    ...                       fit_window=(1960, 1969))  # doctest: +SKIP
    >>> res = sc.fit()  # doctest: +SKIP
    >>> res.weights, res.placebo(n_jobs=2).pvalue  # doctest: +SKIP
    """

    @renamed_arguments(rng="seed")
    def __init__(
        self,
        data: pd.DataFrame,
        *,
        outcome: str,
        unit: str,
        time: str,
        treated: Any,
        treatment_time: Any,
        donors: Sequence[Any] | None = None,
        predictors: Sequence[Any] | None = None,
        predictor_periods: Any = None,
        predictor_op: str = "mean",
        fit_window: tuple[Any, Any] | None = None,
        v: str | Sequence[float] | Mapping[str, float] = "nested",
        v_training: Mapping[str, Any] | None = None,
        starts: Sequence[str] = ("equal", "regression"),
        n_random_starts: int = 0,
        optimizer: str = "Nelder-Mead",
        maxiter: int | None = None,
        effect_window: tuple[Any, Any] | None = None,
        events: Mapping[str, Any] | None = None,
        outcome_unit: str | None = None,
        drop_incomplete_donors: bool = False,
        seed: int | None = None,
        scale: bool = True,
        flagged_donors: Mapping[Any, str] | None = None,
    ) -> None:
        import pandas as pd

        # every argument but the data, for respecify()
        # (deep-copied: a list the caller changes later must not change a re-specification)
        self._kwargs = copy.deepcopy(
            {k: v for k, v in locals().items() if k not in ("self", "data", "np", "pd")}
        )
        self._check_columns(data, outcome, unit, time)
        self.outcome, self.unit_col, self.time_col = outcome, unit, time
        self.treated = treated
        self.attrs = dict(data.attrs.get("venecon", {})) if hasattr(data, "attrs") else {}
        self.outcome_unit = check_outcome_unit(outcome_unit) or self._detect_unit(data, unit)
        self.drop_incomplete_donors = bool(drop_incomplete_donors)
        frame = data
        # units and periods are factorised once; every later lookup uses the codes
        self._ucodes, uvals = pd.factorize(frame[unit])
        self._tcodes, tvals = pd.factorize(frame[time])
        self._units_seen = uvals.tolist()  # in order of appearance, as Series.unique
        key = self._ucodes.astype("int64") * (len(tvals) + 1) + self._tcodes
        key.sort()  # a duplicate (unit, time) pair is a repeated key: adjacent once sorted
        if len(key) > 1 and bool((key[1:] == key[:-1]).any()) and frame.duplicated(
            [unit, time]
        ).any():
            dup = frame.loc[frame.duplicated([unit, time], keep=False), [unit, time]].head(3)
            raise ModelSpecificationError(
                f"the panel has duplicated ({unit}, {time}) rows, e.g. {dup.to_dict('records')}"
            )
        self._time_values = tvals.tolist()
        times = self._sorted_periods(self._time_values, time)
        self.times = tuple(pd.Timestamp(t) if isinstance(t, pd.Timestamp) else t for t in times)
        self.treatment_time = self.coerce_time(treatment_time)
        self.donors = self._resolve_donors(frame, treated, donors)
        self.pre = tuple(t for t in self.times if t < self.treatment_time)
        self.post = tuple(t for t in self.times if t >= self.treatment_time)
        if not self.pre:
            raise InsufficientDataError(
                f"treatment_time {treatment_time!r} leaves no pre-treatment period: the panel "
                f"starts in {fmt_period(self.times[0])}"
            )
        if not self.post:
            raise InsufficientDataError(
                f"treatment_time {treatment_time!r} is after the last period "
                f"{fmt_period(self.times[-1])}"
            )
        self.fit_window = (
            self.pre if fit_window is None else self._window(fit_window, self.times, "fit_window")
        )
        if self.fit_window[-1] >= self.treatment_time:
            # the Mixtape's Texas specification does this; allowed, but it lets treated
            # outcomes shape V, so say so
            warnings.warn(
                f"fit_window ends in {fmt_period(self.fit_window[-1])}, at or after the treatment "
                f"({fmt_period(self.treatment_time)}): post-treatment outcomes influence V",
                UserWarning,
                stacklevel=3,
            )
        self.effect_window = self._window(effect_window, self.post, "effect_window")
        self.predictor_periods = (
            self.pre
            if predictor_periods is None
            else _periods(predictor_periods, self.times, "predictor_periods")
        )
        self.predictor_op = predictor_op
        self.predictors = self._resolve_predictors(predictors, frame)
        self.v_spec = v
        self.v_training = dict(v_training) if v_training is not None else None
        self.training_predictors = None
        self.training_window = None
        if isinstance(v, str) and v == "crossval":
            self._resolve_training(frame)
        self.starts = tuple(starts)
        self.n_random_starts = check_count(n_random_starts, "n_random_starts", 0)
        check_bound(self.n_random_starts, "n_random_starts", "SyntheticControl")
        self.optimizer = optimizer
        self.maxiter = maxiter
        self.events = dict(events or {})
        self.seed = seed
        self.rng = seed  # the name the fitting code reads
        if not isinstance(scale, bool):
            raise ModelSpecificationError(f"scale must be True or False, got {scale!r}")
        self.scale = scale
        self.flagged_donors = dict(flagged_donors or {})
        # the model owns a copy of the columns it uses: later changes to the caller's
        # frame cannot reach this model, its results or their placebo-in-time refits
        self._frame = self._own_copy(frame)
        self._check_values(self._frame)
        self._build(self._frame)
        self._warn_donors()

    # --- re-specification -----------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """A copy of the model's own copy of the panel (the columns it uses)."""
        return self._frame.copy()

    def respecify(self, **changes: Any) -> SyntheticControl:
        """A new model with the same arguments except ``changes`` (and the same data by default).

        Used by the placebo-in-time test, which moves the treatment, the
        predictor periods and the windows; ``data=`` replaces the panel. Donor
        warnings already given for this model are not repeated.

        Examples
        --------
        >>> earlier = model.respecify(treatment_time=1975,
        ...                           fit_window=(1960, 1974))  # doctest: +SKIP
        """
        changes = rename_keywords(changes, {"rng": "seed"}, "respecify")
        unknown = sorted(set(changes) - set(self._kwargs) - {"data"})
        if unknown:
            raise ModelSpecificationError(
                f"respecify: unknown argument(s) {unknown}; use {sorted(self._kwargs)} or data"
            )
        data = changes.pop("data", self._frame)
        kwargs = {**self._kwargs, **changes}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DonorPoolWarning)
            return SyntheticControl(data, **kwargs)

    def _variables(self) -> list[str]:
        """Numeric columns the model reads: the outcome and every predictor variable."""
        preds = list(self.predictors) + list(self.training_predictors or ())
        return list(dict.fromkeys([self.outcome, *(p.variable for p in preds)]))

    def _own_copy(self, frame: pd.DataFrame) -> pd.DataFrame:
        cols = list(dict.fromkeys([self.unit_col, self.time_col, *self._variables()]))
        # by position where the names are unique: a list of labels costs several times more
        columns = frame.columns
        out = (frame.take(columns.get_indexer(cols), axis=1) if columns.is_unique
               else frame[cols]).copy(deep=True)
        out.attrs = {}
        return out

    def _check_values(self, frame: pd.DataFrame) -> None:
        """Text or infinite values in the columns used, before any linear algebra.

        Columns of numbers stored as text (object dtype) are converted in the
        model's own copy; a value that is not a number raises.
        """
        import numpy as np
        import pandas as pd

        rows = self._rows_of([self.treated, *self.donors])

        def where(mask: np.ndarray) -> str:
            r = np.flatnonzero(mask)[0]
            unit, period = frame[self.unit_col].iloc[r], frame[self.time_col].iloc[r]
            return f"{frame[col].iloc[r]!r} for {unit!r} in {fmt_period(period)}"

        for col in self._variables():
            values = frame[col]
            if not (
                pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
            ):
                num = pd.to_numeric(values, errors="coerce")
                text = rows & num.isna().to_numpy() & values.notna().to_numpy()
                if text.any():
                    raise DataValueError(
                        f"column {col!r} holds a value that is not a number: {where(text)} "
                        f"({int(text.sum())} such value(s)). Fix it, or convert the column with "
                        "pd.to_numeric(..., errors='coerce') to treat such values as missing"
                    )
                frame[col] = num.astype("float64")
            inf = rows & np.isinf(frame[col].to_numpy(dtype="float64", na_value=np.nan))
            if inf.any():
                raise DataValueError(
                    f"column {col!r} holds {int(inf.sum())} infinite value(s), e.g. {where(inf)}. "
                    "Replace them with NaN (missing; see drop_incomplete_donors) or with "
                    "finite numbers"
                )
            magnitude = np.abs(frame[col].to_numpy(dtype="float64", na_value=0.0))
            huge = rows & (magnitude > MAX_MAGNITUDE)
            if huge.any():
                raise DataValueError(
                    f"column {col!r} holds {int(huge.sum())} value(s) larger than "
                    f"{MAX_MAGNITUDE:g} in magnitude, e.g. {where(huge)}; their squares overflow "
                    "double precision: check the units or rescale the column"
                )

    def _warn_donors(self) -> None:
        """Warn about donors that are aggregates or that the caller flagged (``flagged_donors``)."""
        flagged = {u: why for u, why in self.flagged_donors.items() if u in self.donors}
        suspects = {**self._aggregate_donors(), **flagged}
        if suspects:
            detail = "; ".join(f"{u}: {why}" for u, why in suspects.items())
            warnings.warn(
                f"donor pool of {self.treated!r} includes {len(suspects)} unit(s) that should "
                f"rarely be donors: {detail}. Pass donors= without them",
                DonorPoolWarning,
                stacklevel=4,
            )

    def _aggregate_donors(self) -> dict[Any, str]:
        """Donors with an aggregate code (WLD, ...) or whose outcome totals the other units'."""
        import numpy as np

        out = {u: "an aggregate code, not a unit" for u in self.donors if u in AGGREGATE_CODES}
        Y = self._Y
        if Y.shape[1] >= 4 and np.isfinite(Y).all() and (Y >= 0).all():
            donors = Y[:, 1:]
            others = Y.sum(axis=1)[:, None] - donors
            # (a rounding margin: a published total equals the sum of its parts)
            totals = (donors > 0).all(axis=0) & (donors >= others * (1 - 1e-9)).all(axis=0)
            for j in np.flatnonzero(totals):
                u = self._units[1 + j]
                if u not in out:
                    out[u] = "its outcome is at least the sum of all other units' in every period"
        return out

    # --- input checks ---------------------------------------------------------------------
    @staticmethod
    def _check_columns(data: Any, *cols: str) -> None:
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            raise ModelSpecificationError(
                f"data must be a long DataFrame, got {type(data).__name__}"
            )
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ModelSpecificationError(
                f"columns {missing} are not in the panel; it has {list(data.columns)}"
            )
        if data.empty:
            raise InsufficientDataError(
                "the panel is empty (no rows); pass a long frame with one row per unit and period"
            )

    @staticmethod
    def _sorted_periods(values: list, time: str) -> list:
        """The distinct periods in order; a column mixing types (text among years) is refused."""
        try:
            return sorted(values)
        except TypeError:
            from collections import Counter

            kinds = Counter(type(v).__name__ for v in values)
            rare = kinds.most_common()[-1][0]
            odd = next(v for v in values if type(v).__name__ == rare)
            raise ModelSpecificationError(
                f"the time column {time!r} mixes {', '.join(sorted(kinds))} values (e.g. {odd!r} "
                f"among {kinds.most_common(1)[0][0]} periods); periods must be all numbers "
                "(years) or all dates: convert it "
                "with pd.to_numeric(..., errors='coerce') or pd.to_datetime and drop what fails"
            ) from None

    @staticmethod
    def _detect_unit(data: pd.DataFrame, unit_col: str) -> str | None:
        if "unit" in data.columns and unit_col != "unit":
            values = data["unit"].dropna().unique()
            if len(values) == 1:
                return str(values[0])
        return None

    def coerce_time(self, value: Any) -> Any:
        """``value`` as a period of the time column (strings parsed for a date column)."""
        import pandas as pd

        try:
            if isinstance(self.times[0], pd.Timestamp) and not isinstance(value, pd.Timestamp):
                value = pd.Timestamp(value)
            value < self.times[0]  # noqa: B015 - only checks the types compare
        except (TypeError, ValueError):
            raise ModelSpecificationError(
                f"period {value!r} cannot be compared with the {self.time_col!r} column "
                f"({type(self.times[0]).__name__} values)"
            ) from None
        return value

    def _resolve_donors(self, frame: pd.DataFrame, treated: Any, donors: Any) -> tuple:
        units = self._units_seen
        if treated not in units:
            raise ModelSpecificationError(
                f"treated unit {treated!r} is not in column {self.unit_col!r}; "
                f"units include {sorted(map(str, units))[:12]}"
            )
        if donors is None:
            pool = [u for u in units if u != treated]
        else:
            if isinstance(donors, str) or not isinstance(donors, Iterable):
                raise ModelSpecificationError(
                    f"donors must be a list of units of column {self.unit_col!r} (or None for "
                    f"every other unit), got {donors!r}"
                )
            pool = list(dict.fromkeys(donors))
            known = set(units)
            unknown = [d for d in pool if d not in known]
            if unknown:
                raise ModelSpecificationError(
                    f"donors {unknown} are not in column {self.unit_col!r}"
                )
            if treated in pool:
                raise ModelSpecificationError(
                    f"the treated unit {treated!r} is also listed as a donor"
                )
        if len(pool) < 2:
            raise InsufficientDataError(
                f"the donor pool has {len(pool)} unit(s); synthetic control needs at least 2"
            )
        return tuple(pool)

    def _window(self, window: Any, allowed: tuple, what: str) -> tuple:
        if window is None:
            return allowed
        if isinstance(window, slice):
            lo, hi = window.start, window.stop
        else:
            try:
                lo, hi = window
            except (TypeError, ValueError):
                raise ModelSpecificationError(
                    f"{what} must be (start, end), got {window!r}"
                ) from None
        lo = allowed[0] if lo is None else self.coerce_time(lo)
        hi = allowed[-1] if hi is None else self.coerce_time(hi)
        out = tuple(t for t in allowed if lo <= t <= hi)
        if lo < allowed[0] or hi > allowed[-1] or not out:
            raise ModelSpecificationError(
                f"{what} {fmt_period(lo)}-{fmt_period(hi)} must lie within "
                f"{fmt_period(allowed[0])}-{fmt_period(allowed[-1])}"
            )
        return out

    def _resolve_predictors(self, predictors: Any, frame: pd.DataFrame) -> tuple[Predictor, ...]:
        if predictors is None:
            return tuple(Predictor(self.outcome, (t,), "mean") for t in self.fit_window)
        out = []
        for p in predictors:
            if isinstance(p, Predictor):
                pred = p
            elif isinstance(p, str):
                pred = Predictor(p, self.predictor_periods, self.predictor_op)
            else:
                try:
                    var, periods, op = p
                except (TypeError, ValueError):
                    raise ModelSpecificationError(
                        f"predictor {p!r} must be a column name or (column, periods, op)"
                    ) from None
                pred = Predictor(
                    var,
                    tuple(
                        self.coerce_time(t)
                        for t in _periods(periods, self.times, f"predictor {var!r}")
                    ),
                    op,
                )
            if pred.variable not in frame.columns:
                raise ModelSpecificationError(
                    f"predictor column {pred.variable!r} is not in the panel"
                )
            if pred.op not in _OPS:
                raise ModelSpecificationError(f"predictor op {pred.op!r} is not one of {_OPS}")
            out.append(pred)
        if not out:
            raise ModelSpecificationError("predictors is empty")
        return tuple(out)

    def _resolve_training(self, frame: pd.DataFrame) -> None:
        tr = self.v_training
        if not tr or "predictors" not in tr or "fit_window" not in tr:
            raise ModelSpecificationError(
                "v='crossval' needs v_training={'predictors': [...], 'fit_window': (start, end)}"
            )
        self.training_predictors = self._resolve_predictors(tr["predictors"], frame)
        self.training_window = self._window(tr["fit_window"], self.times, "v_training fit_window")
        if len(self.training_predictors) != len(self.predictors):
            raise ModelSpecificationError(
                f"v_training has {len(self.training_predictors)} predictors but the model has "
                f"{len(self.predictors)}; cross-validated V needs one weight per predictor"
            )

    # --- numeric design ---------------------------------------------------------------------
    def _wide(self, frame: pd.DataFrame, units: list) -> dict[str, np.ndarray]:
        """Each variable as a (periods + 1) x units array, from one pass over the long frame.

        Rows follow ``self.times``; the extra last row is NaN and stands for
        periods absent from the panel. Replaces one pandas pivot per predictor
        (most of the set-up time of an outcome-only fit); the values are the same.
        """
        import numpy as np
        import pandas as pd

        # position of each row's period in self.times and unit in units (-1: neither)
        r = np.append(pd.Index(self.times).get_indexer(self._time_values), -1)[self._tcodes]
        c = self._unit_positions(units)[self._ucodes]
        keep = (r >= 0) & (c >= 0)
        r, c = r[keep], c[keep]
        out = {}
        for var in self._variables():
            a = np.full((len(self.times) + 1, len(units)), np.nan)
            a[r, c] = frame[var].to_numpy(dtype="float64", na_value=np.nan)[keep]
            out[var] = a
        return out

    def _matrix(self, wide: dict[str, np.ndarray], predictors: Sequence[Predictor]) -> np.ndarray:
        import numpy as np

        pos = {t: i for i, t in enumerate(self.times)}
        missing = len(self.times)
        rows = []
        for p in predictors:
            a = wide[p.variable]
            if len(p.periods) == 1:
                # every op of one period is that period's value (NaN if missing)
                rows.append(a[pos.get(p.periods[0], missing)])
            else:
                rows.append(self._aggregate(a[[pos.get(t, missing) for t in p.periods]], p))
        return np.vstack(rows)

    @staticmethod
    def _aggregate(a: np.ndarray, p: Predictor) -> np.ndarray:
        """``p.op`` over the rows (periods) of ``a``, skipping missing values."""
        import numpy as np

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are reported below
            if p.op == "mean":
                return np.nanmean(a, axis=0)
            if p.op == "median":
                return np.nanmedian(a, axis=0)
            if p.op == "sum":
                return np.where(np.isnan(a).all(axis=0), np.nan, np.nansum(a, axis=0))
            if p.op == "min":
                return np.nanmin(a, axis=0)
            if p.op == "max":
                return np.nanmax(a, axis=0)
        rows = a if p.op == "first" else a[::-1]
        # first (last) non-missing value of each column; NaN where all are missing
        return rows[np.argmax(~np.isnan(rows), axis=0), np.arange(a.shape[1])]

    def _rows_of(self, units: Sequence[Any]) -> np.ndarray:
        """Boolean mask of the frame's rows that belong to ``units``."""
        return self._unit_positions(units)[self._ucodes] >= 0

    def _unit_positions(self, units: Sequence[Any]) -> np.ndarray:
        """For each unit seen in the frame (factorised order), its position in ``units`` or -1.

        A trailing -1 stands for rows whose unit is missing (factorise code -1).
        """
        import numpy as np

        where = {u: i for i, u in enumerate(units)}
        return np.array([where.get(u, -1) for u in self._units_seen] + [-1], dtype="int64")

    def _incomplete(self, units: list, Y: np.ndarray, mats: list[np.ndarray]) -> dict[Any, str]:
        """Units with a missing outcome or predictor, with the reason."""
        import numpy as np

        bad: dict[Any, str] = {}
        if not np.isnan(Y).any() and not any(np.isnan(X).any() for _, X in mats):
            return bad
        for j, u in enumerate(units):
            miss_t = [self.times[r] for r in np.flatnonzero(np.isnan(Y[:, j]))]
            if miss_t:
                bad[u] = (
                    f"missing {self.outcome!r} in {', '.join(fmt_period(t) for t in miss_t[:5])}"
                )
                continue
            for preds, X in mats:
                miss_p = [preds[r].label for r in np.flatnonzero(np.isnan(X[:, j]))]
                if miss_p:
                    bad[u] = f"no data for predictor(s) {miss_p[:3]}"
                    break
        return bad

    def _build(self, frame: pd.DataFrame) -> None:
        import numpy as np

        units = [self.treated, *self.donors]
        wide = self._wide(frame, units)
        Y = wide[self.outcome][:-1]
        mats = [(self.predictors, self._matrix(wide, self.predictors))]
        if self.training_predictors is not None:
            mats.append((self.training_predictors, self._matrix(wide, self.training_predictors)))
        bad = self._incomplete(units, Y, mats)
        if self.treated in bad:
            raise ModelSpecificationError(f"treated unit {self.treated!r}: {bad[self.treated]}")
        if bad:
            detail = "; ".join(f"{u}: {why}" for u, why in list(bad.items())[:5])
            if not self.drop_incomplete_donors:
                raise ModelSpecificationError(
                    f"{len(bad)} donor(s) have missing data ({detail}). Remove them from donors, "
                    "or pass drop_incomplete_donors=True to drop them with a warning"
                )
            warnings.warn(
                f"dropping {len(bad)} incomplete donor(s): {detail}", UserWarning, stacklevel=4
            )
            keep = [j for j, u in enumerate(units) if u not in bad]
            units = [units[j] for j in keep]
            Y = Y[:, keep]
            mats = [(p, X[:, keep]) for p, X in mats]
            self.donors = tuple(units[1:])
            if len(self.donors) < 2:
                raise InsufficientDataError(
                    f"after dropping incomplete donors {len(self.donors)} remain; "
                    "at least 2 are needed"
                )
        for preds, X in mats:
            flat = [preds[r].label for r in np.flatnonzero(X.std(axis=1) == 0)]
            if flat:
                raise ModelSpecificationError(
                    f"predictor(s) {flat} take the same value for every unit; they cannot be "
                    "scaled or matched on. Remove them"
                )
        self._units = tuple(units)
        self._Y = Y
        self._X = mats[0][1]
        self._X_train = mats[1][1] if len(mats) > 1 else None

    # --- V options ---------------------------------------------------------------------------
    def _v_options(self) -> VOptions:
        import numpy as np

        common = dict(
            starts=self.starts,
            n_random_starts=self.n_random_starts,
            optimizer=self.optimizer,
            maxiter=self.maxiter,
            seed=self.rng,
            scale=self.scale,
        )
        v = self.v_spec
        if isinstance(v, str):
            if v not in _V_STRATEGIES:
                raise ModelSpecificationError(
                    f"v={v!r}: use one of {_V_STRATEGIES}, an array or a dict"
                )
            return VOptions(strategy=v, **common)
        labels = [p.label for p in self.predictors]
        if isinstance(v, Mapping):
            names = {p.label: i for i, p in enumerate(self.predictors)}
            names.update(
                {
                    p.variable: i
                    for i, p in enumerate(self.predictors)
                    if sum(q.variable == p.variable for q in self.predictors) == 1
                }
            )
            unknown = [k for k in v if k not in names]
            if unknown:
                raise ModelSpecificationError(
                    f"V names {unknown} match no predictor; predictors: {labels}"
                )
            arr = np.zeros(len(labels))
            for k, val in v.items():
                arr[names[k]] = float(val)
        else:
            arr = np.asarray(v, dtype="float64").ravel()
        if (
            arr.shape != (len(labels),)
            or not np.isfinite(arr).all()
            or (arr < 0).any()
            or arr.sum() <= 0
        ):
            raise ModelSpecificationError(
                f"custom V must have {len(labels)} non-negative finite entries, "
                f"not all zero; got {arr}"
            )
        return VOptions(strategy="custom", custom=tuple(arr / arr.sum()), **common)

    def _engine(self) -> Engine:
        import numpy as np

        times = self.times
        pos = {t: r for r, t in enumerate(times)}
        training = None
        if self._X_train is not None:
            rows = np.array([pos[t] for t in self.training_window])
            training = PredictorMatrices(
                self._X_train, self._Y[rows], tuple(p.label for p in self.training_predictors)
            )
        return Engine(
            units=self._units,
            times=times,
            Y=self._Y,
            X=self._X,
            fit_rows=np.array([pos[t] for t in self.fit_window]),
            t0=pos[self.treatment_time],
            window=(pos[self.effect_window[0]], pos[self.effect_window[-1]]),
            opts=self._v_options(),
            labels=tuple(p.label for p in self.predictors),
            training=training,
        )

    def _options(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "unit": self.unit_col,
            "time": self.time_col,
            "treated": self.treated,
            "treatment_time": self.treatment_time,
            "donors": list(self.donors),
            "predictors": [[p.variable, list(p.periods), p.op] for p in self.predictors],
            "fit_window": [self.fit_window[0], self.fit_window[-1]],
            "effect_window": [self.effect_window[0], self.effect_window[-1]],
            "v": self.v_spec if isinstance(self.v_spec, str) else jsonable(self.v_spec),
            "v_training": None
            if self.training_predictors is None
            else {
                "predictors": [
                    [p.variable, list(p.periods), p.op] for p in self.training_predictors
                ],
                "fit_window": [self.training_window[0], self.training_window[-1]],
            },
            "starts": list(self.starts),
            "n_random_starts": self.n_random_starts,
            "optimizer": self.optimizer,
            "maxiter": self.maxiter,
            "scale": self.scale,
            "scaling": "predictors divided by their sd (ddof=1) across treated and donors"
            if self.scale
            else "none (predictors in their own units)",
            "inner_solver": "exact active-set (Wolfe min-norm point) QP on the simplex",
        }

    def _data_record(self) -> dict[str, Any]:
        import numpy as np

        if self.attrs.get("datasets"):
            return dict(self.attrs)
        digest = hashlib.sha256(np.ascontiguousarray(self._Y).tobytes())
        digest.update(np.ascontiguousarray(self._X).tobytes())
        return {"datasets": {"user-supplied": digest.hexdigest()}, "data_version": None}

    # --- fit ------------------------------------------------------------------------------------
    def fit(
        self,
        *,
        placebo: bool = False,
        pre_fit_filter: float | None = None,
        conformal: bool = False,
        alpha: float = 0.05,
        n_jobs: int = 1,
    ) -> SyntheticControlResults:
        """Estimate the weights, the synthetic path and the average effect.

        Parameters
        ----------
        placebo : bool, default False
            Also run the placebo-in-space test; its p-value becomes ``pvalues``.
            Without it the result runs the test when ``placebo()`` is first called.
        pre_fit_filter : float, optional
            Filter of the placebo test, now or in a later ``placebo()`` (drop
            placebos with pre-MSPE above this multiple of the treated unit's).
        conformal : bool, default False
            Fill ``effect_lower``/``effect_upper`` with per-period conformal intervals.
        alpha : float, default 0.05
            One minus the coverage of the conformal intervals (as every venecon
            model's ``alpha``; it was 0.1 up to venecon 0.3.0).
        n_jobs : int, default 1
            Parallel jobs for the placebo loop (joblib).

        Raises
        ------
        ModelSpecificationError
            ``placebo=True`` with ``v="nested"`` or ``"crossval"`` and more than
            :data:`venecon.limits.BOUNDS` ``["nested_placebos"]`` (1,000) placebos,
            each of which would repeat the V search, unless raised with
            :func:`venecon.limits.raised`; checked before any search.
        """
        import numpy as np
        import pandas as pd

        from ..core.checks import check_alpha

        alpha = check_alpha(alpha)
        check_pre_fit_filter(pre_fit_filter)
        engine = self._engine()
        donors = np.arange(1, len(self._units))
        if placebo:  # refused before the treated unit's own search, not after it
            check_placebo_work(engine)
        fit = engine.fit(0, donors)
        gaps = engine.path(0, donors, fit.weights)
        synth = self._Y[:, donors] @ fit.weights
        t0 = engine.t0
        lo, hi = engine.window
        avg = float(np.mean(gaps[lo : hi + 1]))
        rmspe = float(np.sqrt(np.mean(gaps[:t0] ** 2)))
        index = pd.Index(self.times, name=self.time_col)
        missing = np.full(len(gaps), np.nan)
        effects = pd.DataFrame(
            np.column_stack([self._Y[:, 0], synth, np.where(np.arange(len(gaps)) >= t0, gaps,
                                                            np.nan), missing, missing]),
            index=index,
            columns=label_index(_EFFECT_COLUMNS),
        )
        if conformal:
            ci = conformal_intervals(engine, alpha=alpha)
            effects.loc[ci.index, "effect_lower"] = ci["lower"].to_numpy()
            effects.loc[ci.index, "effect_upper"] = ci["upper"].to_numpy()
        weights = pd.Series(fit.weights, index=list(self.donors), name="weight")
        # one index of labels for v and balance: an index of text costs more than a series
        labels = pd.Index(engine.labels)
        v = pd.Series(fit.v, index=labels, name="V")
        balance = pd.DataFrame(
            np.column_stack([self._X[:, 0], self._X[:, donors] @ fit.weights,
                             self._X[:, donors].mean(axis=1), fit.v]),
            index=labels,
            columns=label_index(("treated", "synthetic", "donor mean", "V")),
        )
        pl = None
        if placebo:
            pl = placebo_space(engine, pre_fit_filter=pre_fit_filter, n_jobs=n_jobs, main=fit,
                               provenance={"data": self._data_record(), "seed": self.rng})
        return self._results(engine, fit, effects, gaps, avg, rmspe, weights, v, balance, pl, alpha,
                             pre_fit_filter=pre_fit_filter)

    def _results(self, engine, fit, effects, gaps, avg, rmspe, weights, v, balance, pl, alpha,
                 pre_fit_filter=None):
        import numpy as np
        import pandas as pd

        lo, hi = engine.window
        name = f"average effect {fmt_period(self.times[lo])}-{fmt_period(self.times[hi])}"
        index = pd.Index([name])  # shared by params, std_errors and cov (see fit)
        params = pd.Series([avg], index=index)
        events = pd.DataFrame(
            {"date": [self.treatment_time], "period": [self.treatment_time]},
            index=label_index(("treatment",)),
            columns=label_index(("date", "period")),
        )
        extra = {k: self.coerce_time(t) for k, t in self.events.items()}
        if extra:
            events = pd.concat(
                [
                    events,
                    pd.DataFrame(
                        {"date": list(extra.values()), "period": list(extra.values())},
                        index=pd.Index(list(extra)),
                    ),
                ]
            )
        options = self._options()
        options["v_search"] = fit.starts
        # converted to JSON when first read: a placebo-in-time loop builds many results
        provenance = functools.partial(
            build_provenance,
            model="venecon.models.SyntheticControl",
            data=copy.deepcopy(self._data_record()),
            sample=None,
            options=options,
            seed=self.rng,
        )
        notes = [
            "Gap = actual minus synthetic; the average effect has no standard error. "
            "Inference: placebo(), placebo_time(), leave_one_out(), conformal().",
            f"V: {options['v'] if isinstance(options['v'], str) else 'custom'}; "
            f"fit-window MSPE {fit.loss:.6g}; pre-treatment RMSPE {rmspe:.6g}.",
        ]
        if pl is not None:
            notes.append(placebo_note(pl))
        header = [
            ("Treated unit", str(self.treated)),
            ("Treatment", fmt_period(self.treatment_time)),
            ("Donors", str(len(self.donors))),
            ("Pre-period RMSPE", f"{rmspe:.4g}"),
        ]
        return SyntheticControlResults(
            weights=weights,
            v=v,
            balance=balance,
            gaps=pd.Series(gaps, index=effects.index, name="gap"),
            rmspe_pre=rmspe,
            window=(self.times[lo], self.times[hi]),
            placebo=pl,
            engine=engine,
            pre_fit_filter=pre_fit_filter,
            # a snapshot: later changes to this model's attributes do not reach the results
            specification=copy.copy(self),
            actual=effects["actual"],
            effects=effects,
            events=events,
            unit=self.outcome_unit,
            alpha=alpha,
            model="Synthetic control",
            dependent=self.outcome,
            params=params,
            std_errors=pd.Series([np.nan], index=index),
            cov=pd.DataFrame([[np.nan]], index=index, columns=index),
            nobs=len(self.times) * len(self._units),
            df_resid=None,
            cov_type="none (see placebo inference)",
            provenance=provenance,
            header=header,
            notes=notes,
            statistics={
                "rmspe_pre": rmspe,
                "mspe_fit": fit.loss,
                "placebo_pvalue": None if pl is None else pl.pvalue,
            },
        )
