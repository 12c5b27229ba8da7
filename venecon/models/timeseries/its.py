"""Interrupted time series: segmented regression with level and slope changes at events."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError
from ..core import checks
from ..core.checks import check_alpha, check_partial, check_rank, check_residuals, require
from ..core.events import events_frame, regressors, resolve_events
from ..core.outcome import prepare_controls, prepare_outcome
from ..core.results import PathResults, build_provenance
from ..core.vocabulary import renamed_arguments
from .hac import FixedB, FixedBDraws, NeweyWest, warn_uninformative

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["ITS", "ITSResults"]


class ITSResults(PathResults):
    """Results of :class:`ITS`.

    ``effects`` has one row per month of the sample with ``actual``,
    ``fitted``, ``counterfactual`` (the fitted value with every event term set
    to zero: the pre-event trend, seasonality and controls), ``effect`` (the
    sum of the event terms, i.e. ``fitted - counterfactual``, in the outcome's
    unit), ``effect_se`` and the interval ``effect_lower``/``effect_upper``.
    With ``log=True`` the effect in levels is
    ``exp(fitted) - exp(counterfactual)`` with delta-method standard errors, and
    ``effect_pct = 100 * (exp(event terms) - 1)`` with its interval is added.
    """

    def __init__(self, *, design: np.ndarray, event_mask: np.ndarray, log: bool,
                 fixed_b: FixedBDraws | None = None, **kwargs: Any) -> None:
        design = design.copy()
        design.setflags(write=False)
        self._design = design
        self._event_mask = event_mask.copy()
        self._log = log
        self._fixed_b = fixed_b  # simulated fixed-b draws (read-only arrays), or None
        super().__init__(**kwargs)

    def critical_values(self, g: np.ndarray, alpha: float) -> np.ndarray:
        """Two-sided critical values for the linear combinations in the rows of ``g``.

        The normal quantile with Newey-West inference; with
        :class:`~venecon.models.timeseries.hac.FixedB` the simulated fixed-b quantile of
        each combination's t-statistic for this design.
        """
        import numpy as np

        g = np.atleast_2d(np.asarray(g, dtype="float64"))
        if self._fixed_b is None:
            return np.full(g.shape[0], self._critical(alpha))
        return self._fixed_b.critical(g, check_alpha(alpha))

    def _param_critical(self, alpha: float) -> Any:
        import numpy as np

        if self._fixed_b is None:
            return super()._param_critical(alpha)
        return self.critical_values(np.eye(len(self._params)), alpha)

    @property
    def distribution(self) -> str:
        """``"normal"``, or ``"fixed-b (simulated)"``.

        The latter with :class:`~venecon.models.timeseries.hac.FixedB`.
        """
        return "fixed-b (simulated)" if self._fixed_b is not None else super().distribution

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values of ``params = 0`` (simulated under fixed-b inference)."""
        import numpy as np

        if self._fixed_b is None:
            return super().pvalues
        p = self._fixed_b.pvalues(np.eye(len(self._params)), self.tstats.to_numpy())
        return self._params.__class__(p, index=self._params.index, name="pvalue")

    def _gradients(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Effect in levels at ``positions`` and its gradient with respect to params."""
        import numpy as np

        beta = self._params.to_numpy()
        x = self._design[positions]
        x_cf = x * ~self._event_mask
        if not self._log:
            return (x - x_cf) @ beta, x - x_cf
        f, c = np.exp(x @ beta), np.exp(x_cf @ beta)
        return f - c, f[:, None] * x - c[:, None] * x_cf

    def _cumulative_interval(self, positions, weights, alpha):
        est, grad = self._gradients(positions)
        g = weights @ grad
        se = float(g @ self._cov.to_numpy() @ g) ** 0.5
        total = float(weights @ est)
        q = float(self.critical_values(g, alpha)[0])
        method = "delta method" if self._log else "exact linear combination"
        return total, total - q * se, total + q * se, f"{method}, {self.cov_type}"

    def _path_band(self, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The stored band at the fitted level, else each effect's critical value at ``alpha``."""
        import math

        import numpy as np

        if math.isclose(alpha, self._alpha) or self._fixed_b is None:
            return super()._path_band(alpha)
        eff = self._effects
        _, grad = self._gradients(np.arange(len(eff)))
        se = eff["effect_se"].to_numpy(dtype="float64")
        q = self.critical_values(grad, alpha)
        effect = eff["effect"].to_numpy(dtype="float64")
        return se, effect - q * se, effect + q * se

    def _sum_std_error(self, positions: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
        """Delta-method (exact for levels) standard error and p-value of a weighted sum."""
        import numpy as np
        from scipy import stats

        est, grad = self._gradients(positions)
        g = weights @ grad
        se = float(g @ self._cov.to_numpy() @ g) ** 0.5
        t = float(weights @ est) / se if se > 0 else float("nan")
        if self._fixed_b is not None:
            return se, float(self._fixed_b.pvalues(g[None, :], np.array([t]))[0])
        if self._df_resid is None:
            return se, float(2 * stats.norm.sf(abs(t)))
        return se, float(2 * stats.t.sf(abs(t), self._df_resid))

    def percent_effects(self, alpha: float = 0.05) -> pd.DataFrame:
        """Level changes of a log model as percentages, ``100 * (exp(b) - 1)``, with intervals."""
        import numpy as np

        if not self._log:
            raise ModelSpecificationError(
                "percent_effects applies to log models (ITS(..., log=True))")
        table = self.to_frame(alpha).loc[lambda t: t.index.str.startswith(("level[", "slope["))]
        return 100 * np.expm1(table[["estimate", "lower", "upper"]])

    def _summary_tables(self, alpha):
        tables = super()._summary_tables(alpha)
        if self._log:
            pct = self.percent_effects(alpha)
            pct.columns = ["effect %", "lower %", "upper %"]
            tables.append(("Event terms as percent changes, 100*(exp(b)-1)", pct))
        return tables


class ITS:
    """Interrupted time series (segmented regression) with HAC standard errors.

    The model for month ``t`` is

    .. math::

        y_t = a + b t + \\sum_k (\\delta_k D_{kt} + \\gamma_k D_{kt} (t - t_k))
              + s_{m(t)} + x_t' \\theta + u_t

    where ``t`` counts periods (months, quarters or years) from the first
    observation, ``D_kt`` is the step regressor of event ``k`` (1 from its
    first treated period ``t_k`` on, built by
    :func:`venecon.policy.regressors.step`), ``delta_k`` the level change at
    ``t_k`` and ``gamma_k`` the change in the per-period slope after it;
    ``s_m`` are optional month-of-year (quarter-of-year) effects (the first
    is the reference) and ``x_t`` optional controls. The counterfactual is the
    pre-event trend: the fitted value with every event term set to zero.

    Parameters
    ----------
    data : Series or DataFrame
        Monthly, quarterly or annual outcome: a Series with a date index
        (period starts or ends, a PeriodIndex, or integer years) or a tidy
        frame from :func:`venecon.load` (one country and series), e.g. the
        annual ``production_annual``. A tidy frame's provenance (dataset
        sha256) is copied into the results.
    events : date-like, event id, list of them, or dict
        The events; a dict maps labels to dates or registry ids.
    outcome : str, optional
        Column of a wide frame, or a name for the outcome.
    start, end : date-like, optional
        Inclusive estimation sample.
    log : bool, default False
        Model ``log(y)``; event terms are then log points (percent via
        ``100 * (exp(b) - 1)``, see :meth:`ITSResults.percent_effects`).
    slope_change : bool, default True
        Include a slope change at each event (otherwise only level changes).
    seasonal : bool, default False
        Include 11 month-of-year (3 quarter-of-year) dummies; not for annual data.
    controls : Series or DataFrame, optional
        Control regressors with a date index of the outcome's frequency
        covering the sample (e.g. the Brent price).
    hac_lags : int or "nw", default "nw"
        Lags of the Newey-West (Bartlett kernel) covariance. ``"nw"`` uses
        ``floor(4 * (nobs / 100) ** (2 / 9))`` (Newey and West, 1994). The
        covariance is statsmodels' ``cov_type="HAC"`` (no small-sample
        correction); tests use the normal distribution. Like all Newey-West
        intervals with a rule-of-thumb bandwidth these are liberal in short
        samples: with 120 months and AR(1) errors (coefficient 0.5), nominal
        95% intervals for the level and slope changes cover the truth in 84.4%
        and 82.7% of 2000 simulations (statsmodels gives the same intervals).
        Use ``inference=FixedB()`` for intervals that keep their level.
    inference : NeweyWest or FixedB, optional
        :class:`~venecon.models.timeseries.hac.FixedB` (recommended for reports): Bartlett
        HAC with bandwidth ``b * n`` and fixed-b critical values simulated for
        this design (Kiefer and Vogelsang 2002, 2005); 93.7% and 92.7% coverage
        in the simulation above. Default :class:`~venecon.models.timeseries.hac.NeweyWest`
        with ``hac_lags`` (kept as the default so that existing results do not move).
    partial : str, default "start"
        How an event dated inside a period is assigned, passed to
        :func:`venecon.policy.regressors.step`.
    outcome_unit : str, optional
        Unit of the outcome (read from a tidy frame's ``unit`` column if omitted);
        ``"kb/d"`` enables barrels in
        :meth:`~venecon.models.core.results.PathResults.cumulative_effect`. The
        old name ``unit=`` still works with a ``FutureWarning``.
    alpha : float, default 0.05
        Level of the intervals stored in ``effects``.

    Raises
    ------
    FrequencyError
        An index that is not one regular monthly, quarterly or annual frequency.
    ModelSpecificationError
        Duplicated, missing, infinite or non-numeric values, non-consecutive
        periods, a constant outcome or one the model fits exactly, an event
        outside the sample, two events starting in the same period, collinear
        regressors, non-positive values with ``log=True``, an unknown ``partial``.
    InsufficientDataError
        Fewer than ``k + 2`` observations before the first event (``k`` = the
        number of pre-event parameters: intercept, trend, seasonal dummies and
        controls), or fewer than 2 periods (1 without a slope change) between
        events or after the last one.

    Examples
    --------
    >>> import venecon
    >>> from venecon.models import ITS
    >>> crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    >>> res = ITS(crude, {"eo13808": "2017-08-24", "pdvsa": "2019-01-28"},
    ...           end="2020-02").fit()  # doctest: +SKIP
    >>> res.summary()  # doctest: +SKIP
    """

    @renamed_arguments(unit="outcome_unit")
    def __init__(
        self,
        data: pd.Series | pd.DataFrame,
        events: Any,
        *,
        outcome: str | None = None,
        start: Any = None,
        end: Any = None,
        log: bool = False,
        slope_change: bool = True,
        seasonal: bool = False,
        controls: pd.Series | pd.DataFrame | None = None,
        hac_lags: int | str = "nw",
        partial: str = "start",
        outcome_unit: str | None = None,
        alpha: float = 0.05,
        inference: NeweyWest | FixedB | None = None,
    ) -> None:
        import numpy as np
        import pandas as pd

        check_partial(partial)
        if inference is not None and hac_lags != "nw":
            raise ModelSpecificationError(
                "give the Newey-West lags either as hac_lags= or as inference=NeweyWest(lags), "
                "not both (with FixedB the bandwidth is its own)")
        if inference is None:
            inference = NeweyWest(hac_lags)
        if not isinstance(inference, NeweyWest | FixedB):
            raise ModelSpecificationError(
                "inference must be venecon.models.NeweyWest(...) or FixedB(...), "
                f"got {inference!r}")
        if isinstance(inference, NeweyWest):
            hac_lags = inference.lags
        self.inference = inference
        self.outcome = prepare_outcome(data, outcome=outcome, start=start, end=end,
                                       outcome_unit=outcome_unit)
        y = self.outcome.y
        self.events = resolve_events(events, y.index, partial=partial)
        self.controls = prepare_controls(controls, y.index)
        self.log = bool(log)
        self.slope_change = bool(slope_change)
        self.seasonal = bool(seasonal)
        self.partial = partial
        self.alpha = check_alpha(alpha)
        label = self.outcome.label
        word = self.outcome.period
        if isinstance(inference, FixedB):
            self.hac_lags = inference.window(len(y)) - 1
            self._hac_rule = f"fixed-b, b={inference.bandwidth:g}"
        else:
            self.hac_lags = checks.hac_lags(hac_lags, len(y))
            self._hac_rule = hac_lags
        if self.log and (y <= 0).any():
            bad = y.index[(y <= 0).to_numpy()]
            raise ModelSpecificationError(
                f"log=True needs positive values; {len(bad)} are <= 0 (first {label(bad[0])})"
            )
        if self.seasonal and self.outcome.freq == "Y":
            raise ModelSpecificationError(
                "seasonal=True needs monthly or quarterly data; annual data have no seasons")

        n = len(y)
        t = np.arange(n, dtype="float64")
        columns: dict[str, np.ndarray] = {"const": np.ones(n), "trend": t}
        if self.seasonal and self.outcome.freq == "M":
            month = np.asarray(y.index.month)
            for m in range(2, 13):
                columns[f"month[{m}]"] = (month == m).astype("float64")
        elif self.seasonal:
            quarter = np.asarray(y.index.quarter)
            for m in range(2, 5):
                columns[f"quarter[{m}]"] = (quarter == m).astype("float64")
        if self.controls is not None:
            for name in self.controls.columns:
                if name in columns:
                    raise ModelSpecificationError(
                        f"control name {name!r} clashes with a model term")
                columns[name] = self.controls[name].to_numpy()
        k_pre = len(columns)
        step = regressors().step
        for ev in self.events:
            d = np.asarray(step(y.index, ev.date, partial=partial), dtype="float64")
            columns[f"level[{ev.label}]"] = d
            if self.slope_change:
                columns[f"slope[{ev.label}]"] = d * (t - ev.position)
        self.exog = pd.DataFrame(columns, index=y.index)
        self.event_columns = [c for c in self.exog.columns if c.startswith(("level[", "slope["))]

        first = self.events[0].position
        require(first, k_pre + 2,
                        f"ITS: {word}s before the first event {self.events[0].label!r} "
                        f"({k_pre} pre-event parameters)")
        if first < {"M": 12, "Q": 8, "Y": 8}[self.outcome.freq]:
            warnings.warn(
                f"ITS: only {first} {word}s before the first event; the pre-event trend is "
                "estimated from few points",
                UserWarning,
                stacklevel=3,
            )
        need = 2 if self.slope_change else 1
        bounds = [ev.position for ev in self.events] + [n]
        for ev, stop in zip(self.events, bounds[1:], strict=True):
            require(stop - ev.position, need,
                            f"ITS: {word}s from event {ev.label!r} ({label(ev.period)}) to the "
                            "next event or the end of the sample")
        check_rank(self.exog.to_numpy(), list(self.exog.columns), "ITS")

    @property
    def endog(self) -> pd.Series:
        """The modelled outcome (``log(y)`` if ``log=True``)."""
        import numpy as np

        y = self.outcome.y
        return np.log(y) if self.log else y.copy()

    def _options(self) -> dict[str, Any]:
        return {
            "events": {ev.label: f"{ev.date:%Y-%m-%d}" for ev in self.events},
            "log": self.log,
            "slope_change": self.slope_change,
            "seasonal": self.seasonal,
            "controls": None if self.controls is None else list(self.controls.columns),
            "hac_lags": self.hac_lags,
            "hac_rule": self._hac_rule,
            "partial": self.partial,
            "alpha": self.alpha,
            # Only when they differ from the monthly Newey-West default, so that the
            # provenance of existing results stays byte-identical.
            **({"frequency": self.outcome.freq} if self.outcome.freq != "M" else {}),
            **({"inference": {"fixed_b": self.inference.bandwidth,
                              "n_sim": self.inference.n_sim, "seed": self.inference.seed}}
               if isinstance(self.inference, FixedB) else {}),
        }

    def fit(self) -> ITSResults:
        """Estimate by OLS with Newey-West (HAC) covariance (statsmodels).

        Returns
        -------
        ITSResults

        Raises
        ------
        ModelSpecificationError
            The regressors fit the outcome exactly (residuals at rounding
            level), so standard errors and p-values would be rounding noise.
        """
        import numpy as np
        import pandas as pd
        import statsmodels.api as sm

        from ..core.threads import limit_blas_threads

        y = self.endog
        with limit_blas_threads():
            res = sm.OLS(y, self.exog).fit(cov_type="HAC", cov_kwds={"maxlags": self.hac_lags})
        check_residuals(np.asarray(res.resid), y.to_numpy(), "ITS")
        fixed_b = None
        if isinstance(self.inference, FixedB):
            with limit_blas_threads():
                fixed_b = FixedBDraws.for_design(self.exog.to_numpy(), self.inference)
        names = list(self.exog.columns)
        params = pd.Series(np.asarray(res.params), index=names)
        cov = pd.DataFrame(np.asarray(res.cov_params()), index=names, columns=names)
        x = self.exog.to_numpy()
        mask = np.array([c in self.event_columns for c in names])
        actual = self.outcome.y
        fitted_lin = x @ params.to_numpy()
        cf_lin = (x * ~mask) @ params.to_numpy()
        df_resid = float(res.df_resid) if res.use_t else None

        # Build the results first without effects to reuse its gradient code.
        events = events_frame(self.events)
        kind = "log" if self.log else "level"
        word = self.outcome.period
        cov_type = f"HAC (Newey-West, Bartlett kernel, {self.hac_lags} lags)"
        notes = [
            "Counterfactual: the pre-event trend (fitted values with all event terms set to zero).",
            f"Level/slope terms are changes in {'log ' if self.log else ''}{self.outcome.name} at "
            f"the first treated {word} and per {word} after it.",
        ]
        if fixed_b is not None:
            b = self.inference.bandwidth
            cov_type = (f"HAC (Bartlett kernel, bandwidth b={b:g}: {self.hac_lags} lags), "
                        "fixed-b critical values")
            notes.append(
                f"Fixed-b inference (Kiefer and Vogelsang 2005): critical values and p-values "
                f"for this design under Gaussian errors (the exact conditional tail averaged "
                f"over {self.inference.n_sim} simulated residual vectors, seed "
                f"{self.inference.seed}), not the normal.")
        header = [
            ("Events", ", ".join(f"{ev.label} ({self.outcome.label(ev.period)})"
                                 for ev in self.events)),
            ("Outcome scale", kind),
            ("R-squared", f"{res.rsquared:.4f}"),
        ]
        stats = {"rsquared": res.rsquared, "rsquared_adj": res.rsquared_adj,
                 "ssr": res.ssr, "hac_lags": self.hac_lags, "df_resid": res.df_resid}
        provenance = build_provenance(
            model="venecon.models.ITS", data=self.outcome.provenance, sample=actual.index,
            options=self._options(),
        )
        common = dict(
            model="ITS", dependent=self.outcome.name, params=params, std_errors=res.bse,
            cov=cov, nobs=int(res.nobs), df_resid=df_resid, cov_type=cov_type,
            provenance=provenance, header=header, notes=notes, statistics=stats,
            design=x, event_mask=mask, log=self.log, fixed_b=fixed_b,
            actual=actual, events=events, unit=self.outcome.unit, alpha=self.alpha,
        )
        placeholder = pd.DataFrame(
            {c: np.zeros(len(actual)) for c in
             ("actual", "counterfactual", "effect", "effect_lower", "effect_upper")},
            index=actual.index,
        )
        draft = ITSResults(effects=placeholder, **common)
        positions = np.arange(len(actual))
        effect, grad = draft._gradients(positions)
        se = np.sqrt(np.einsum("ij,jk,ik->i", grad, cov.to_numpy(), grad))
        q = draft.critical_values(grad, self.alpha) if fixed_b is not None else draft._critical(
            self.alpha)
        effects = pd.DataFrame(index=actual.index)
        effects["actual"] = actual.to_numpy()
        effects["fitted"] = np.exp(fitted_lin) if self.log else fitted_lin
        effects["counterfactual"] = np.exp(cf_lin) if self.log else cf_lin
        effects["effect"] = effect
        effects["effect_se"] = se
        effects["effect_lower"] = effect - q * se
        effects["effect_upper"] = effect + q * se
        if self.log:
            delta = (x * mask) @ params.to_numpy()
            dse = np.sqrt(np.einsum("ij,jk,ik->i", x * mask, cov.to_numpy(), x * mask))
            if fixed_b is not None:
                q = draft.critical_values(x * mask, self.alpha)
            effects["effect_pct"] = 100 * np.expm1(delta)
            effects["effect_pct_lower"] = 100 * np.expm1(delta - q * dse)
            effects["effect_pct_upper"] = 100 * np.expm1(delta + q * dse)
        result = ITSResults(effects=effects, **common)
        if fixed_b is not None:
            ends = [ev.position for ev in self.events[1:]] + [len(actual)]
            ci = result.conf_int(self.alpha)
            warn_uninformative(
                {ev.label: end - ev.position for ev, end in zip(self.events, ends, strict=True)},
                {ev.label: float(ci.loc[f"level[{ev.label}]", "upper"]
                                 - ci.loc[f"level[{ev.label}]", "lower"]) for ev in self.events},
                float(np.std(self.endog, ddof=1)), "ITS")
        return result
