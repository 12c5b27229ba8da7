"""Local projections (Jordà, 2005): impulse responses by horizon with HAC errors."""

from __future__ import annotations

import json
import warnings
from typing import TYPE_CHECKING, Any

from ..._periods import series_sha256
from ...exceptions import InsufficientDataError, ModelSpecificationError
from ..core.checks import check_alpha, check_partial, check_rank, require
from ..core.events import Event, regressors, resolve_events
from ..core.outcome import prepare_controls, prepare_outcome
from ..core.results import (
    Headline,
    ModelResults,
    build_provenance,
    jsonable,
    path_frame,
    two_sided_pvalue,
)
from ..core.vocabulary import renamed_arguments

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["LocalProjections", "LocalProjectionsResults"]

_RESPONSES = ("difference", "level")
_TRENDS = ("n", "c", "ct")


def hac_bandwidth(rule: int | str, h: int, nobs: int) -> int:
    """Newey-West lags of the horizon-``h`` regression.

    ``"h+1"``: ``h + 1`` (the LP residual at horizon ``h`` is MA(h) under the
    model, Jordà 2005; one more lag keeps a correction at ``h = 0``).
    ``"nw"``: ``max(h + 1, floor(4 * (nobs / 100) ** (2 / 9)))`` (Newey and
    West 1994 rule of thumb, never below ``h + 1``).
    ``"statsmodels"``: the rule of ``statsmodels.tsa.api.LocalProjections``
    (0.15), ``max(h, ceil(4 * (max(h, 1) / 100) ** (2 / 9)))``.
    An integer is used at every horizon.
    """
    import math

    if isinstance(rule, str):
        key = rule.lower()
        if key == "h+1":
            return h + 1
        if key == "nw":
            return max(h + 1, int(4 * (nobs / 100.0) ** (2.0 / 9.0)))
        if key == "statsmodels":
            return max(h, int(math.ceil(4.0 * (max(h, 1) / 100.0) ** (2.0 / 9.0))))
    elif not isinstance(rule, bool) and isinstance(rule, int) and rule >= 0:
        return int(rule)
    raise ModelSpecificationError(
        f"hac_lags must be 'h+1', 'nw', 'statsmodels' or a non-negative int, got {rule!r}"
    )


class LocalProjectionsResults(ModelResults):
    """Results of :class:`LocalProjections`.

    ``params`` are the impulse responses, named ``h0``, ``h1``, ... for one
    shock and ``h0[label]``, ... for several events. ``cov`` holds the
    within-horizon covariances; covariances across horizons come from
    separate regressions and are not estimated (``NaN``), so joint tests
    across horizons are not supported. :attr:`irf` is the tidy table.
    :attr:`mean_response` is each shock's mean response over the horizons
    with its standard error, from the regression of the averaged outcome.
    """

    def __init__(self, *, irf: pd.DataFrame, mean_response: pd.DataFrame, alpha: float,
                 period: str = "month", **kwargs: Any) -> None:
        self._irf = irf.copy()
        self._mean = mean_response.copy()
        self._alpha = float(alpha)
        self._period = period
        super().__init__(**kwargs)

    @property
    def irf(self) -> pd.DataFrame:
        """One row per (shock, horizon): coefficient, std_error, lower, upper, nobs, hac_lags."""
        return self._irf.copy()

    def _path(self, alpha: float) -> pd.DataFrame:
        """One row per (shock, horizon): the response with its pointwise ``1 - alpha`` interval."""
        irf = self._irf
        ci = self.conf_int(alpha).loc[irf["param"]]
        return path_frame(irf["horizon"], irf["coefficient"], irf["std_error"], ci["lower"],
                          ci["upper"], shock=irf["shock"], parameter=irf["param"])

    @property
    def mean_response(self) -> pd.DataFrame:
        """One row per shock: mean response over horizons 0..H, std_error, lower, upper (at the
        fit's ``alpha``), nobs, hac_lags, sigma2."""
        return self._mean.copy()

    def _headline(self, alpha: float) -> Headline:
        """The mean response of the first shock over its horizons, with its interval."""
        from scipy import stats

        row = self._mean.iloc[0]
        h = self._irf["horizon"]
        b, se = float(row["coefficient"]), float(row["std_error"])
        q = float(stats.norm.ppf(1 - alpha / 2))
        return Headline(name=f"mean response to {self._mean.index[0]}, h = {h.min()}..{h.max()}",
                        estimate=b, std_error=se,
                        pvalue=two_sided_pvalue(b / se) if se > 0 else float("nan"),
                        lower=b - q * se, upper=b + q * se, alpha=alpha,
                        window=(int(h.min()), int(h.max())),
                        inference="normal, HAC regression of the outcome averaged over the "
                                  "horizons; pointwise intervals in path()")

    def _summary_tables(self, alpha):
        tables = super()._summary_tables(alpha)
        detail = self._irf.set_index("param")[["nobs", "hac_lags", "sigma2"]]
        return [*tables, ("Regressions by horizon", detail),
                ("Mean response over the horizons", self._mean)]

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["irf"] = jsonable(self._irf)
        out["mean_response"] = jsonable(self._mean.reset_index())
        out["irf_alpha"] = self._alpha
        json.dumps(out)
        return out

    def plot(self, alpha: float | None = None, ax: Any = None) -> Figure:
        """Impulse response by horizon with its pointwise ``1 - alpha`` band; returns the Figure."""
        import matplotlib.pyplot as plt

        alpha = self._alpha if alpha is None else float(alpha)
        ci = self.conf_int(alpha)
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        for i, (shock, rows) in enumerate(self._irf.groupby("shock", sort=False)):
            names = rows["param"].tolist()
            h = rows["horizon"].to_numpy()
            ax.plot(h, self._params[names].to_numpy(), marker="o", ms=3, color=f"C{i}", label=shock)
            ax.fill_between(h, ci.loc[names, "lower"].to_numpy(), ci.loc[names, "upper"].to_numpy(),
                            color=f"C{i}", alpha=0.2)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel(f"horizon ({self._period}s)")
        ax.set_ylabel(f"response of {self._dependent}")
        ax.set_title(f"{self._model}: {100 * (1 - alpha):g}% pointwise intervals")
        ax.legend(loc="best")
        return fig


class LocalProjections:
    r"""Impulse responses by local projections (Jordà, 2005) with Newey-West errors.

    For each horizon ``h = 0, ..., H`` one OLS regression (statsmodels) of

    .. math::

        y_{t+h} - y_{t-1} = \beta_h s_t + \sum_{j=1}^{p} (\phi_{hj} y_{t-j}
                            + \psi_{hj} s_{t-j}) + c_h (+ \tau_h t) + u_{t+h}

    gives the response ``beta_h`` of the outcome ``h`` periods (months,
    quarters or years, the data's frequency) after a unit
    shock ``s_t``. ``response="level"`` uses ``y_{t+h}`` instead: when the
    outcome's first lag is a control (``lags >= 1``) the two give identical
    ``beta_h`` and standard errors (Frisch-Waugh: ``y_{t-1}`` is a regressor),
    and the difference form only matters with ``lags=0``.

    All horizons use the same sample, ``t = p, ..., T - H - 1``, the shock is
    ordered first (its current value enters, other variables only with lags)
    and the covariance has no small-sample correction: the conventions of
    ``statsmodels.tsa.api.LocalProjections`` (statsmodels >= 0.15), whose
    numbers this class reproduces exactly (see the tests). venecon runs the
    regressions itself because the statsmodels results expose neither
    residuals nor covariances, which the event variance below and the results
    API need.

    Parameters
    ----------
    data : Series or DataFrame
        Monthly, quarterly or annual outcome (as for :class:`~venecon.models.ITS`).
    shock : Series, or events
        A shock series with a date index of the outcome's frequency covering the sample (its
        lags are controls), or one or more events (date-like, registry id,
        list, or dict label -> date/id). Each event enters as a pulse,
        1 in its first treated period (:func:`venecon.policy.regressors.pulse`).
    outcome, start, end, outcome_unit : optional
        As for :class:`~venecon.models.ITS`.
    horizons : int, default 12
        Largest horizon ``H``.
    lags : int, default 2
        Lags ``p`` of the outcome used as controls.
    shock_lags : int, optional
        Lags of a shock series (default ``lags``); must be 0 for events,
        whose lagged pulses would only remove single periods from the sample.
    response : {"difference", "level"}, default "difference"
        ``y_{t+h} - y_{t-1}`` or ``y_{t+h}``.
    trend : {"c", "ct", "n"}, default "c"
        Constant, constant and (centred) linear trend, or neither.
    hac_lags : "h+1", "nw", "statsmodels" or int, default "h+1"
        Newey-West (Bartlett) lags per horizon, see :func:`hac_bandwidth`.
    partial : str, default "start"
        Placement of an event inside a period (see :mod:`venecon.policy.regressors`).
    alpha : float, default 0.05
        Level of the intervals in :attr:`LocalProjectionsResults.irf`.

    Notes
    -----
    **One event is one observation.** With an event pulse, ``beta_h`` is the
    regression residual of the single month ``t_0 + h``: its error contains
    one draw of ``u_{t_0+h}``, which the HAC covariance cannot see (the
    pulse's score is zero). venecon therefore reports
    ``se^2 = HAC variance + sigma_h^2`` with ``sigma_h^2 = SSR_h / (n - k)``,
    the variance of a prediction error. This is exact only under homoskedastic
    (ideally Gaussian) errors at the event; it is not an asymptotic result
    and differs from statsmodels' standard error by the ``sigma_h^2`` term.
    For a shock series the errors are the plain HAC errors.

    Raises
    ------
    ModelSpecificationError
        Irregular, duplicated or missing outcome periods, a shock series with
        gaps, an event outside the sample, two events in the same period.
    InsufficientDataError
        Fewer estimation periods before the first event than regressors + 2,
        an event within ``H`` periods of the sample's end or within ``lags``
        of its start, or too few observations for the regressions.

    Examples
    --------
    >>> import venecon
    >>> from venecon.models import LocalProjections
    >>> crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    >>> res = LocalProjections(crude, "pdvsa-sdn", horizons=12).fit()  # doctest: +SKIP
    >>> res.irf  # doctest: +SKIP
    """

    @renamed_arguments(unit="outcome_unit")
    def __init__(
        self,
        data: pd.Series | pd.DataFrame,
        shock: Any,
        *,
        outcome: str | None = None,
        start: Any = None,
        end: Any = None,
        horizons: int = 12,
        lags: int = 2,
        shock_lags: int | None = None,
        response: str = "difference",
        trend: str = "c",
        hac_lags: int | str = "h+1",
        partial: str = "start",
        outcome_unit: str | None = None,
        alpha: float = 0.05,
    ) -> None:
        import pandas as pd

        check_partial(partial)
        self.horizons = _nonneg_int(horizons, "horizons")
        self.lags = _nonneg_int(lags, "lags")
        if response not in _RESPONSES:
            raise ModelSpecificationError(f"response must be one of {_RESPONSES}, got {response!r}")
        if trend not in _TRENDS:
            raise ModelSpecificationError(f"trend must be one of {_TRENDS}, got {trend!r}")
        hac_bandwidth(hac_lags, 0, 100)  # validate the rule now, not at fit()
        self.response, self.trend, self.hac_rule = response, trend, hac_lags
        self.partial, self.alpha = partial, check_alpha(alpha)
        self.outcome = prepare_outcome(data, outcome=outcome, start=start, end=end,
                                       outcome_unit=outcome_unit)
        y = self.outcome.y
        self.events: list[Event] = []
        if isinstance(shock, pd.Series | pd.DataFrame):
            self.shock = self._shock_series(shock, y.index)
            self.shock_lags = (self.lags if shock_lags is None
                               else _nonneg_int(shock_lags, "shock_lags"))
            self.shock_names = [str(self.shock.columns[0])]
        else:
            if shock_lags:
                raise ModelSpecificationError("shock_lags must be 0 with events (pulses)")
            self.events = resolve_events(shock, y.index, partial=partial)
            pulse = regressors().pulse
            self.shock = pd.DataFrame(
                {ev.label: pulse(y.index, ev.date, partial=partial).to_numpy(dtype="float64")
                 for ev in self.events}, index=y.index)
            self.shock_lags = 0
            self.shock_names = [ev.label for ev in self.events]
        self._check_sample()

    @staticmethod
    def _shock_series(shock: pd.Series | pd.DataFrame, index: pd.DatetimeIndex) -> pd.DataFrame:
        if shock.ndim == 2 and shock.shape[1] != 1:
            raise ModelSpecificationError(
                f"shock: pass one shock series, got {shock.shape[1]} columns"
            )
        frame = prepare_controls(shock, index)
        frame.columns = ["shock" if c in ("0", "control") else c for c in frame.columns]
        if frame.iloc[:, 0].std() == 0:
            raise ModelSpecificationError("shock: the shock series is constant over the sample")
        return frame

    # --- sample -----------------------------------------------------------------
    @property
    def _t_range(self) -> tuple[int, int]:
        """First and one-past-last regression date (the statsmodels common sample)."""
        p = max(self.lags, self.shock_lags, 1 if self.response == "difference" else 0)
        return p, len(self.outcome.y) - self.horizons

    def _n_regressors(self) -> int:
        n_det = {"n": 0, "c": 1, "ct": 2}[self.trend]
        return len(self.shock_names) * (1 + self.shock_lags) + self.lags + n_det

    def _check_sample(self) -> None:
        lo, hi = self._t_range
        k = self._n_regressors()
        index = self.outcome.y.index
        label, word = self.outcome.label, self.outcome.period
        require(hi - lo, k + 2, f"LocalProjections: regression {word}s with horizons="
                        f"{self.horizons} and lags={self.lags} ({k} regressors)")
        if not self.events:
            return
        for ev in self.events:
            if ev.position > hi - 1:
                raise InsufficientDataError(
                    f"LocalProjections: event {ev.label!r} ({label(ev.period)}) is less than "
                    f"horizons={self.horizons} {word}s before the sample's end "
                    f"({label(index[-1])}); lower horizons or extend end="
                )
            if ev.position < lo:
                raise InsufficientDataError(
                    f"LocalProjections: event {ev.label!r} ({label(ev.period)}) has fewer than "
                    f"{lo} earlier {word}(s) for the lags; move start= earlier"
                )
        first = self.events[0]
        require(first.position - lo, k + 2,
                        f"LocalProjections: {word}s before the first event {first.label!r} "
                        f"in the regression sample ({k} regressors)")
        for a, b in zip(self.events, self.events[1:], strict=False):
            gap = b.position - a.position
            if gap <= self.horizons:
                warnings.warn(
                    f"LocalProjections: events {a.label!r} and {b.label!r} are {gap} {word}(s) "
                    f"apart; the response to {a.label!r} at horizons >= {gap} also contains the "
                    f"effect of {b.label!r}",
                    UserWarning, stacklevel=4,
                )

    # --- design ---------------------------------------------------------------
    def design(self, h: int) -> tuple[pd.Series, pd.DataFrame]:
        """Outcome and regressors of the horizon-``h`` regression (for checks by hand)."""
        return self._response(h), self._regressors()

    def _regressors(self) -> pd.DataFrame:
        """The regressors, the same at every horizon (shock, lags, deterministic terms)."""
        import numpy as np
        import pandas as pd

        y = self.outcome.y.to_numpy()
        s = self.shock.to_numpy()
        rows = np.arange(*self._t_range)
        cols: dict[str, np.ndarray] = {}
        for j, name in enumerate(self.shock_names):
            cols[name] = s[rows, j]
        # statsmodels orders the lags of [shock, outcome] lag by lag.
        for lag in range(1, max(self.lags, self.shock_lags) + 1):
            if lag <= self.shock_lags:
                for j, name in enumerate(self.shock_names):
                    cols[f"{name}.L{lag}"] = s[rows - lag, j]
            if lag <= self.lags:
                cols[f"{self.outcome.name}.L{lag}"] = y[rows - lag]
        if self.trend in ("c", "ct"):
            cols["const"] = np.ones(len(rows))
        if self.trend == "ct":
            cols["trend"] = np.arange(len(rows), dtype="float64") - (len(rows) - 1) / 2
        return pd.DataFrame(cols, index=self.outcome.y.index[rows])

    def _response(self, h: int) -> pd.Series:
        """The left-hand side of the horizon-``h`` regression."""
        import numpy as np
        import pandas as pd

        y = self.outcome.y.to_numpy()
        rows = np.arange(*self._t_range)
        lhs = y[rows + h] - (y[rows - 1] if self.response == "difference" else 0.0)
        return pd.Series(lhs, index=self.outcome.y.index[rows], name=f"y(t+{h})")

    def _options(self) -> dict[str, Any]:
        return {
            "shock": "events" if self.events else self.shock_names[0],
            "events": {ev.label: f"{ev.date:%Y-%m-%d}" for ev in self.events},
            "horizons": self.horizons, "lags": self.lags, "shock_lags": self.shock_lags,
            "response": self.response, "trend": self.trend, "hac_lags": self.hac_rule,
            "partial": self.partial, "alpha": self.alpha,
            **({"frequency": self.outcome.freq} if self.outcome.freq != "M" else {}),
        }

    # --- fit ------------------------------------------------------------------
    def _fit_mean(self, lhs: list[pd.Series], x: pd.DataFrame) -> dict[str, Any]:
        """One regression of the outcome averaged over horizons 0..H on the common regressors.

        Every horizon has the same sample and regressors ``x``, so by linearity of
        OLS its coefficients are the horizons' mean responses exactly, and its
        HAC covariance is their joint uncertainty (the averaged error is
        MA(H) under the model: the bandwidth of horizon H).
        """
        mean = sum(lhs) / len(lhs)
        return self._regress(mean, x, hac_bandwidth(self.hac_rule, self.horizons, len(mean)))

    def _regress(self, lhs: pd.Series, x: pd.DataFrame, nlags: int) -> dict[str, Any]:
        import numpy as np
        import statsmodels.api as sm

        # Columns equilibrated by powers of two (exact) and the estimates mapped back:
        # lags of an outcome in tiny or huge units next to an O(1) shock would
        # otherwise cost OLS digits in proportion to the design's condition number.
        d = _equilibration(x.to_numpy())
        res = sm.OLS(lhs, x * d).fit(cov_type="HAC",
                                     cov_kwds={"maxlags": nlags, "use_correction": False})
        j = [x.columns.get_loc(n) for n in self.shock_names]
        cov = (np.asarray(res.cov_params()) * np.outer(d, d))[np.ix_(j, j)]
        sigma2 = float(res.ssr / res.df_resid)
        if self.events:  # see Notes: one event = one draw of the error
            cov = cov + sigma2 * np.eye(len(j))
        return {"beta": (np.asarray(res.params) * d)[j], "cov": cov, "nobs": int(res.nobs),
                "hac_lags": nlags, "sigma2": sigma2, "rsquared": float(res.rsquared)}

    def fit(self) -> LocalProjectionsResults:
        """Run the ``H + 1`` regressions.

        Returns
        -------
        LocalProjectionsResults
        """
        import numpy as np
        import pandas as pd
        from scipy import stats

        from ..core.threads import limit_blas_threads

        # the regressors do not depend on the horizon: one design, H + 1 outcomes
        lhs = [self._response(h) for h in range(self.horizons + 1)]
        x = self._regressors()
        check_rank(x.to_numpy(), list(x.columns), "LocalProjections")
        with limit_blas_threads():
            fits = [self._regress(y, x, hac_bandwidth(self.hac_rule, h, len(y)))
                    for h, y in enumerate(lhs)]
            mean = self._fit_mean(lhs, x)
        single = len(self.shock_names) == 1
        names, rows = [], []
        n_shock = len(self.shock_names)
        cov = np.full((n_shock * len(fits),) * 2, np.nan)
        for h, f in enumerate(fits):
            block = slice(h * n_shock, (h + 1) * n_shock)
            cov[block, block] = f["cov"]
        order = [(j, h) for j in range(n_shock) for h in range(len(fits))]
        perm = [h * n_shock + j for j, h in order]
        cov = cov[np.ix_(perm, perm)]
        q = float(stats.norm.ppf(1 - self.alpha / 2))
        for j, h in order:
            f = fits[h]
            name = f"h{h}" if single else f"h{h}[{self.shock_names[j]}]"
            names.append(name)
            se = float(np.sqrt(f["cov"][j, j]))
            b = float(f["beta"][j])
            rows.append({"param": name, "shock": self.shock_names[j], "horizon": h,
                         "coefficient": b, "std_error": se, "lower": b - q * se,
                         "upper": b + q * se,
                         "nobs": f["nobs"], "hac_lags": f["hac_lags"], "sigma2": f["sigma2"]})
        irf = pd.DataFrame(rows).set_index("param", drop=False)
        irf.index.name = None
        mean_se = np.sqrt(np.diag(mean["cov"]))
        mean_response = pd.DataFrame(
            {"coefficient": mean["beta"], "std_error": mean_se,
             "lower": mean["beta"] - q * mean_se, "upper": mean["beta"] + q * mean_se,
             "nobs": mean["nobs"], "hac_lags": mean["hac_lags"], "sigma2": mean["sigma2"]},
            index=pd.Index(self.shock_names, name="shock"))
        params = pd.Series(irf["coefficient"].to_numpy(), index=names)
        return LocalProjectionsResults(
            irf=irf.reset_index(drop=True), mean_response=mean_response, alpha=self.alpha,
            period=self.outcome.period,
            model="LocalProjections", dependent=self.outcome.name, params=params,
            std_errors=pd.Series(irf["std_error"].to_numpy(), index=names),
            cov=pd.DataFrame(cov, index=names, columns=names), nobs=fits[0]["nobs"], df_resid=None,
            cov_type=f"HAC (Newey-West, Bartlett kernel, lags rule {self.hac_rule!r}, "
                     "no small-sample correction)",
            provenance=self._provenance(), header=self._header(), notes=self._notes(),
            statistics={"horizons": self.horizons, "lags": self.lags,
                        "rsquared_h0": fits[0]["rsquared"]},
        )

    def _provenance(self) -> dict[str, Any]:
        data = dict(self.outcome.provenance)
        if not self.events:
            data["shock"] = {"name": self.shock_names[0],
                             "sha256": series_sha256(self.shock.iloc[:, 0])}
        lo, hi = self._t_range
        return build_provenance(model="venecon.models.LocalProjections", data=data,
                                sample=self.outcome.y.index[lo:hi], options=self._options())

    def _header(self) -> list[tuple[str, str]]:
        what = (", ".join(f"{ev.label} ({self.outcome.label(ev.period)}, pulse)"
                          for ev in self.events)
                if self.events else f"{self.shock_names[0]} (series)")
        lhs = "y(t+h) - y(t-1)" if self.response == "difference" else "y(t+h)"
        return [("Shock", what), ("Response", lhs), ("Horizons", f"0..{self.horizons}"),
                ("Controls", f"{self.lags} outcome lag(s), {self.shock_lags} shock lag(s), "
                             f"trend {self.trend!r}")]

    def _notes(self) -> list[str]:
        notes = ["Each horizon is a separate OLS regression on the common sample t = p..T-H-1; "
                 "intervals are pointwise (normal), covariances across horizons are not estimated.",
                 "The mean response over horizons 0..H and its interval come from one more "
                 "regression, of the outcome averaged over the horizons, with the HAC lags of "
                 "horizon H."]
        if self.events:
            notes.append("Event standard errors add the horizon's residual variance to the HAC "
                         "variance (one event = one draw of the error; assumes homoskedastic "
                         "errors).")
        return notes


def _equilibration(x: np.ndarray) -> np.ndarray:
    """Per column, the power of two that brings its root mean square nearest to 1 (1 if zero)."""
    import numpy as np

    rms = np.sqrt(np.mean(x * x, axis=0))
    ok = np.isfinite(rms) & (rms > 0)
    exp = np.zeros(x.shape[1], dtype=int)
    exp[ok] = np.round(np.log2(rms[ok])).astype(int)
    return np.ldexp(1.0, -exp)


def _nonneg_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelSpecificationError(f"{name} must be a non-negative int, got {value!r}")
    return int(value)
