"""Intervention ARIMA: SARIMAX with event regressors and a counterfactual forecast."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError
from ..core.checks import check_alpha, check_count, check_partial, check_rank, require
from ..core.events import events_frame, regressors, resolve_events
from ..core.outcome import prepare_controls, prepare_outcome
from ..core.results import PathResults, build_provenance
from ..core.vocabulary import renamed_arguments
from .unit_free import UnitFreeFit, fit_unit_free

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["InterventionARIMA", "InterventionARIMAResults"]

_SHAPES = ("step", "pulse", "ramp", "decay")


def _parse_shape(shape: Any, label: str) -> tuple[str, float | int | None]:
    if isinstance(shape, str):
        kind, arg = shape, None
    elif isinstance(shape, tuple | list) and len(shape) == 2:
        kind, arg = shape
    else:
        raise ModelSpecificationError(
            f"event {label!r}: shape must be 'step', 'pulse', ('ramp', periods) or "
            f"('decay', rate), got {shape!r}"
        )
    if kind not in _SHAPES:
        raise ModelSpecificationError(
            f"event {label!r}: unknown shape {kind!r}; use one of {_SHAPES}")
    if kind == "ramp" and not (isinstance(arg, int) and arg >= 1):
        raise ModelSpecificationError(
            f"event {label!r}: ramp needs ('ramp', periods>=1), got {shape!r}")
    if kind == "decay" and not (isinstance(arg, float | int) and 0 < arg < 1):
        raise ModelSpecificationError(
            f"event {label!r}: decay needs ('decay', rate in (0, 1)), got {shape!r}")
    if kind in ("step", "pulse") and arg is not None:
        raise ModelSpecificationError(f"event {label!r}: shape {kind!r} takes no argument")
    return kind, arg


def _int_tuple(value: Any, size: int, name: str, example: str) -> tuple[int, ...]:
    """``value`` as a tuple of ``size`` non-negative ints, else a clear error."""
    import numbers

    if (isinstance(value, str) or not hasattr(value, "__len__") or len(value) != size
            or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0
                   for v in value)):
        raise ModelSpecificationError(
            f"{name} must be {size} non-negative integers {example}, got {value!r}")
    return tuple(int(v) for v in value)


#: Parameter covariances statsmodels' state-space fit accepts (MLEModel.fit, cov_type).
_COV_TYPES = ("approx", "oim", "opg", "robust", "robust_oim", "robust_approx", "none")


#: Information criteria closer than this (per observation) are a tie, broken by the smaller model.
IC_TIE = 1e-9


class InterventionARIMAResults(PathResults):
    """Results of :class:`InterventionARIMA`.

    ``params`` are the full-sample intervention model's estimates (event
    regressors, controls, ARMA terms, ``sigma2``). ``effects`` covers the
    periods from the first event on: ``actual``, the pre-period model's
    ``counterfactual`` forecast with its prediction interval
    (``counterfactual_lower``/``_upper``), ``effect = actual - counterfactual``
    and ``effect_lower``/``effect_upper`` (``actual`` minus the forecast's
    interval). Cumulative intervals come from ``n_simulations`` simulated paths
    of the pre-period model (``provenance["seed"]``).
    """

    def __init__(self, *, simulated: np.ndarray, order: tuple, seasonal_order: tuple,
                 order_selection: pd.DataFrame | None, counterfactual_params: pd.DataFrame,
                 **kwargs: Any) -> None:
        simulated = simulated.copy()
        simulated.setflags(write=False)
        self._simulated = simulated  # (periods after the first event, repetitions)
        self._order = tuple(order)
        self._seasonal_order = tuple(seasonal_order)
        self._order_selection = None if order_selection is None else order_selection.copy()
        self._counterfactual_params = counterfactual_params.copy()
        super().__init__(**kwargs)

    @property
    def order(self) -> tuple[int, int, int]:
        """The (p, d, q) order used."""
        return self._order

    @property
    def seasonal_order(self) -> tuple[int, int, int, int]:
        """The seasonal (P, D, Q, s) order used."""
        return self._seasonal_order

    @property
    def order_selection(self) -> pd.DataFrame | None:
        """Information criteria of the candidate orders on the pre-period.

        None if the order was given. ``converged`` is True where Newton's method
        reached a strict maximum of the likelihood.
        """
        return None if self._order_selection is None else self._order_selection.copy()

    @property
    def counterfactual_params(self) -> pd.DataFrame:
        """Estimates of the pre-period model that produces the counterfactual forecast."""
        return self._counterfactual_params.copy()

    def _cumulative_interval(self, positions, weights, alpha):
        import numpy as np

        eff = self._effects
        actual = eff["actual"].to_numpy()[positions]
        est = float(weights @ eff["effect"].to_numpy()[positions])
        paths = weights @ (actual[:, None] - self._simulated[positions])
        lo, hi = np.quantile(paths, [alpha / 2, 1 - alpha / 2])
        reps = self._simulated.shape[1]
        return est, float(lo), float(hi), f"simulation ({reps} paths of the pre-period model)"

    def _path_band(self, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The forecast's normal interval: the stored one at the fitted level, else rescaled."""
        import math

        from scipy import stats

        eff = self._effects
        se = eff["counterfactual_se"].to_numpy(dtype="float64")
        if math.isclose(alpha, self._alpha):
            return se, eff["effect_lower"].to_numpy(dtype="float64"), \
                eff["effect_upper"].to_numpy(dtype="float64")
        q = float(stats.norm.ppf(1 - alpha / 2))
        effect = eff["effect"].to_numpy(dtype="float64")
        return se, effect - q * se, effect + q * se

    def _sum_std_error(self, positions, weights):
        """Standard deviation and two-sided share of the simulated weighted sums."""
        import numpy as np

        actual = self._effects["actual"].to_numpy()[positions]
        paths = weights @ (actual[:, None] - self._simulated[positions])
        share = min(float(np.mean(paths <= 0)), float(np.mean(paths >= 0)))
        return float(np.std(paths, ddof=1)), min(1.0, 2 * share)

    def _summary_tables(self, alpha):
        tables = super()._summary_tables(alpha)
        cf = self._counterfactual_params.copy()
        cf.columns = ["coef", "std err"]
        tables.append(("Pre-period (counterfactual) model", cf))
        if self._order_selection is not None:
            tables.append(("Order selection on the pre-period", self._order_selection))
        return tables

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        from ..core.results import jsonable

        out = super().to_dict(alpha)
        out["order"] = list(self._order)
        out["seasonal_order"] = list(self._seasonal_order)
        out["counterfactual_params"] = jsonable(self._counterfactual_params)
        out["order_selection"] = (None if self._order_selection is None
                                  else jsonable(self._order_selection))
        return out


class InterventionARIMA:
    """Intervention (Box-Tiao) ARIMA with a CausalImpact-style counterfactual.

    Two statsmodels ``SARIMAX`` models are fitted:

    1. the *intervention model* on the whole sample, with one regressor per
       event of the chosen shape (built by :mod:`venecon.policy.regressors`)
       plus controls; its coefficients are ``params``;
    2. the *pre-period model*, the same ARIMA without event regressors fitted
       to the periods before the first event; its forecast over the remaining
       periods (``get_forecast``) is the counterfactual, with point-wise
       prediction intervals, and simulated paths give intervals for
       cumulative effects (parameter uncertainty is not included, as in
       ``get_forecast``).

    Both are fitted in units that do not matter (:mod:`.unit_free`): on the
    outcome (and each control) divided by a power of two near its scale, with
    statsmodels' exact diffuse prior for integrated states, statsmodels'
    L-BFGS search polished by Newton's method until the Newton decrement is
    below 1e-22. Estimates, effects and intervals are then multiplied back
    exactly, so an outcome times ``c`` gives estimates times ``c`` (ARMA
    coefficients unchanged, ``sigma2`` times ``c**2``) to about 1e-13 relative
    and standard errors to about 1e-10, over at least ``c`` in 1e-12..1e12
    (tests/test_models_scale.py). The log-likelihood and information criteria
    are in the outcome's units: they shift by ``-n log c`` and ``2 n log c``.

    Validated (tests/test_models_arima.py) against R's ``stats::arima``
    (``method="ML"``) on the Nile with a step from 1899: parameters to 5e-6 (R's
    optimiser tolerance), the ARIMA(1,0,0) log-likelihood to 1e-8; against
    statsmodels' SARIMAX likelihood (its score vanishes at the estimates, forecasts
    equal statsmodels' at them to 1e-12); and, on the bundled production data
    where BIC picks ARIMA(0,1,0), against the closed-form maximum (least squares
    on the differences) to 1e-12.

    Parameters
    ----------
    data : Series or DataFrame
        Monthly, quarterly or annual outcome (see :class:`~venecon.models.ITS`).
    events : date-like, event id, list of them, or dict
        The events; a dict maps labels to dates or registry ids.
    shape : str, tuple or dict, default "step"
        Shape of the event regressors: ``"step"``, ``"pulse"``,
        ``("ramp", periods)`` or ``("decay", rate)``; a dict maps event labels
        to shapes.
    order : (p, d, q), optional
        ARIMA order. If omitted, ``p <= max_p`` and ``q <= max_q`` are chosen by
        ``ic`` on the pre-period model with ``d`` fixed (information criteria
        are not comparable across ``d``); criteria within 1e-9 per observation
        are a tie, which goes to the smaller model, then the smaller ``p``.
        Candidates whose likelihood has no strict maximum (``converged`` is
        False in ``order_selection``: a root on the unit circle, typically an
        MA(1) at -1 after over-differencing, or cancelling AR and MA roots) are
        passed over unless none has one, as auto.arima rejects near-unit roots
        (Hyndman and Khandakar 2008, J. Stat. Softw. 27(3)).
    seasonal_order : (P, D, Q, s), default (0, 0, 0, 0)
    d : int, default 1
        Differencing order when ``order`` is chosen by the grid.
    max_p, max_q : int, default 2
    ic : {"bic", "aic", "aicc", "hqic"}, default "bic"
    trend : {"c", "n", "t", "ct"}, default "c"
        SARIMAX trend. statsmodels applies it to the differenced series, so with
        ``d = 1`` the default ``"c"`` (``intercept``) is a drift and the
        counterfactual continues the pre-event linear trend.
    controls : Series or DataFrame, optional
        Regressors with a date index of the outcome's frequency covering the sample.
    start, end, outcome, partial, outcome_unit, alpha
        As in :class:`~venecon.models.ITS`.
    cov_type : str, default "approx"
        Covariance of the parameters. ``"approx"``: inverse of minus the
        numerical Hessian (central differences of statsmodels' complex-step
        score with Richardson extrapolation, accurate to about 1e-12); other
        values are statsmodels' ``MLEResults`` covariances.
    n_simulations : int, default 2000
        Simulated paths for cumulative intervals.
    seed : int, default 0
        Seed of the simulation (recorded in the provenance).
    maxiter : int, default 500
        Iterations of statsmodels' L-BFGS search before the Newton polish.

    Raises
    ------
    InsufficientDataError
        If the pre-period has fewer than ``d + D*s + k + 5`` observations,
        ``k`` being the number of parameters of the pre-period model (for
        every order of the grid).
    ModelSpecificationError
        As for :class:`~venecon.models.ITS`, and for unknown shapes.
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
        shape: Any = "step",
        order: tuple[int, int, int] | None = None,
        seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
        d: int = 1,
        max_p: int = 2,
        max_q: int = 2,
        ic: str = "bic",
        trend: str | None = None,
        controls: pd.Series | pd.DataFrame | None = None,
        partial: str = "start",
        outcome_unit: str | None = None,
        alpha: float = 0.05,
        cov_type: str = "approx",
        n_simulations: int = 2000,
        seed: int = 0,
        maxiter: int = 500,
    ) -> None:
        import numpy as np
        import pandas as pd

        # Options first: they are cheap to check and their errors are the clearest.
        check_partial(partial)
        self.order = None if order is None else _int_tuple(order, 3, "order", "(p, d, q)")
        self.seasonal_order = _int_tuple(seasonal_order, 4, "seasonal_order", "(P, D, Q, s)")
        self.d = self.order[1] if self.order is not None else check_count(d, "d", 0)
        self.max_p = check_count(max_p, "max_p", 0)
        self.max_q = check_count(max_q, "max_q", 0)
        self.n_simulations = check_count(n_simulations, "n_simulations", 1)
        self.maxiter = check_count(maxiter, "maxiter", 1)
        self.seed = check_count(seed, "seed", 0)
        if ic not in ("aic", "bic", "aicc", "hqic"):
            raise ModelSpecificationError(f"ic must be 'aic', 'bic', 'aicc' or 'hqic', got {ic!r}")
        self.ic = ic
        self.outcome = prepare_outcome(data, outcome=outcome, start=start, end=end,
                                       outcome_unit=outcome_unit)
        y = self.outcome.y
        self.events = resolve_events(events, y.index, partial=partial)
        self.controls = prepare_controls(controls, y.index)
        # In SARIMAX the trend acts on the differenced series: with d=1, "c" is a drift.
        self.trend = "c" if trend is None else trend
        self.partial = partial
        self.alpha = check_alpha(alpha)
        if cov_type not in _COV_TYPES:
            raise ModelSpecificationError(
                f"cov_type must be one of {', '.join(map(repr, _COV_TYPES))} (statsmodels "
                f"MLEResults covariances), got {cov_type!r}")
        self.cov_type = cov_type

        shapes = shape if isinstance(shape, Mapping) else {ev.label: shape for ev in self.events}
        unknown = set(shapes) - {ev.label for ev in self.events}
        if unknown:
            raise ModelSpecificationError(f"shape given for unknown event(s): {sorted(unknown)}")
        build = regressors()
        columns: dict[str, np.ndarray] = {}
        self.shapes = {}
        for ev in self.events:
            kind, arg = _parse_shape(shapes.get(ev.label, "step"), ev.label)
            self.shapes[ev.label] = kind if arg is None else [kind, arg]
            if kind == "step":
                x = build.step(y.index, ev.date, partial=partial)
            elif kind == "pulse":
                x = build.pulse(y.index, ev.date, partial=partial)
            elif kind == "ramp":
                x = build.ramp(y.index, ev.date, arg, partial=partial)
            else:
                x = build.decay(y.index, ev.date, arg, partial=partial)
            columns[f"{kind}[{ev.label}]"] = np.asarray(x, dtype="float64")
        exog = pd.DataFrame(columns, index=y.index)
        if self.controls is not None:
            exog = pd.concat([exog, self.controls], axis=1)
        self.exog = exog
        check_rank(exog.to_numpy(), list(exog.columns), "InterventionARIMA")

        self.n_pre = self.events[0].position
        s = self.seasonal_order
        trend_terms = {"n": 0, "c": 1, "t": 1, "ct": 2}
        if not isinstance(self.trend, str) or self.trend not in trend_terms:
            raise ModelSpecificationError(
                f"trend must be 'n', 'c', 't' or 'ct', got {self.trend!r}")
        self._k_fixed = trend_terms[self.trend]
        k_controls = 0 if self.controls is None else self.controls.shape[1]
        self._k_base = self._k_fixed + k_controls + s[0] + s[2] + 1  # + sigma2
        lost = self.d + s[1] * s[3]
        smallest = self._k_base + (0 if self.order is None else self.order[0] + self.order[2])
        word = self.outcome.period
        require(self.n_pre - lost, smallest + 5,
                        f"InterventionARIMA: usable {word}s before the first event "
                        f"{self.events[0].label!r} (after differencing, for {smallest} parameters)")
        if self.n_pre < {"M": 24, "Q": 12, "Y": 15}[self.outcome.freq]:
            warnings.warn(
                f"InterventionARIMA: only {self.n_pre} {word}s before the first event; the "
                "counterfactual model is estimated from a short pre-period",
                UserWarning,
                stacklevel=3,
            )

    # ------------------------------------------------------------------ helpers
    def _fit(self, endog, exog, order, cov_type: str = "none") -> UnitFreeFit:
        """SARIMAX by maximum likelihood, independent of the outcome's units (see unit_free).

        The exact diffuse prior for the integrated states: statsmodels' default
        approximate prior (variance 1e6) makes the likelihood depend on units.
        """
        import numpy as np
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        def make(e, x):
            return SARIMAX(e, exog=x, order=order, seasonal_order=self.seasonal_order,
                           trend=self.trend, use_exact_diffuse=True)

        try:
            return fit_unit_free(make, endog, exog, cov_type=cov_type, maxiter=self.maxiter)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise ModelSpecificationError(
                f"InterventionARIMA: the SARIMAX {order} likelihood cannot be evaluated on this "
                f"series ({type(exc).__name__}: {exc}); a series that is an exact trend or has "
                "constant differences leaves no innovation variance to estimate. Try another "
                "order or d, or check the data") from exc

    def _select_order(self, y_pre, x_pre) -> tuple[tuple[int, int, int], pd.DataFrame]:
        import pandas as pd

        rows = []
        lost = self.d + self.seasonal_order[1] * self.seasonal_order[3]
        for p in range(self.max_p + 1):
            for q in range(self.max_q + 1):
                k = self._k_base + p + q
                if len(y_pre) - lost < k + 5:
                    continue
                try:
                    res = self._fit(y_pre, x_pre, (p, self.d, q))
                except ModelSpecificationError:
                    continue  # a candidate whose likelihood cannot be evaluated is not a choice
                # Compared on the rescaled data, where the criteria do not depend on units.
                rows.append({"p": p, "d": self.d, "q": q, "k": k,
                             **{ic: res.criterion(ic) for ic in ("aic", "bic", "aicc", "hqic")},
                             "converged": res.converged,
                             "unit_free": float(getattr(res.results, self.ic)),
                             "n": float(res.results.nobs_effective)})
        if not rows:  # every candidate failed: the same error, from the smallest order
            self._fit(y_pre, x_pre, (0, self.d, 0))
        table = pd.DataFrame(rows)
        ok = table[table["converged"]] if table["converged"].any() else table
        # Ties within IC_TIE per observation go to the smaller model, then the smaller p.
        best_ic = ok["unit_free"].min()
        tied = ok[ok["unit_free"] <= best_ic + IC_TIE * ok["n"]]
        best = tied.sort_values(["k", "p", "q"], kind="stable").iloc[0]
        order = (int(best["p"]), self.d, int(best["q"]))
        table = table.drop(columns=["unit_free", "n"])
        table.index = [f"({r.p},{r.d},{r.q})" for r in table.itertuples()]
        table.index.name = "order"
        table["chosen"] = table.index == f"({order[0]},{order[1]},{order[2]})"
        return order, table.drop(columns=["p", "d", "q"])

    def _options(self, order) -> dict[str, Any]:
        return {
            "events": {ev.label: f"{ev.date:%Y-%m-%d}" for ev in self.events},
            "shapes": self.shapes,
            "order": list(order),
            "order_given": self.order is not None,
            "seasonal_order": list(self.seasonal_order),
            "ic": self.ic,
            "max_p": self.max_p,
            "max_q": self.max_q,
            "trend": self.trend,
            "controls": None if self.controls is None else list(self.controls.columns),
            "partial": self.partial,
            "alpha": self.alpha,
            "cov_type": self.cov_type,
            "n_simulations": self.n_simulations,
            "maxiter": self.maxiter,
            **({"frequency": self.outcome.freq} if self.outcome.freq != "M" else {}),
        }

    def fit(self) -> InterventionARIMAResults:
        """Fit the intervention model and the pre-period counterfactual model.

        Returns
        -------
        InterventionARIMAResults
        """
        import numpy as np
        import pandas as pd

        y = self.outcome.y
        n_pre = self.n_pre
        y_pre = y.iloc[:n_pre]
        c_pre = None if self.controls is None else self.controls.iloc[:n_pre]
        c_post = None if self.controls is None else self.controls.iloc[n_pre:]
        selection = None
        if self.order is None:
            order, selection = self._select_order(y_pre, c_pre)
        else:
            order = self.order

        full = self._fit(y, self.exog, order, cov_type=self.cov_type)
        pre = self._fit(y_pre, c_pre, order, cov_type=self.cov_type)
        for which, res in (("intervention", full), ("pre-period", pre)):
            if not res.converged:
                warnings.warn(f"InterventionARIMA: the {which} model's likelihood has no strict "
                              "maximum the optimiser could reach (a flat direction or a boundary); "
                              "its estimates depend on where the search stopped: try another "
                              "order (an MA root at -1 after differencing suggests d=0 with "
                              "trend='ct')", UserWarning, stacklevel=2)
            if res.messages:
                warnings.warn(f"InterventionARIMA ({which} model): statsmodels warned: "
                              + "; ".join(res.messages), UserWarning, stacklevel=2)

        from ..core.threads import limit_blas_threads

        # The pre-period model saw the rescaled data: its forecasts and paths are scaled back
        # by the same power of two (exact).
        s = pre.scale.outcome
        x_post = None if c_post is None else c_post / np.asarray(pre.scale.exog)
        steps = len(y) - n_pre
        with limit_blas_threads():
            fc = pre.results.get_forecast(steps=steps, exog=x_post)
        frame = fc.summary_frame(alpha=self.alpha)
        post = y.iloc[n_pre:]
        effects = pd.DataFrame(index=post.index)
        effects["actual"] = post.to_numpy()
        effects["counterfactual"] = frame["mean"].to_numpy() * s
        effects["counterfactual_se"] = frame["mean_se"].to_numpy() * s
        effects["counterfactual_lower"] = frame["mean_ci_lower"].to_numpy() * s
        effects["counterfactual_upper"] = frame["mean_ci_upper"].to_numpy() * s
        effects["effect"] = effects["actual"] - effects["counterfactual"]
        effects["effect_lower"] = effects["actual"] - effects["counterfactual_upper"]
        effects["effect_upper"] = effects["actual"] - effects["counterfactual_lower"]

        simulate = pre.results.simulate
        seed_arg = "rng" if "rng" in inspect.signature(simulate).parameters else "random_state"
        with limit_blas_threads():
            sims = simulate(steps, repetitions=self.n_simulations, anchor="end", exog=x_post,
                            **{seed_arg: np.random.default_rng(self.seed)})
        sims = np.asarray(sims, dtype="float64").reshape(steps, self.n_simulations) * s

        names = list(full.results.params.index)
        params = pd.Series(full.params, index=names)
        cov = pd.DataFrame(full.cov_params(), index=names, columns=names)
        cf_params = pd.DataFrame({"coef": pre.params, "std_error": pre.bse},
                                 index=list(pre.results.params.index))
        events = events_frame(self.events)
        p, d, q = order
        label, word = self.outcome.label, self.outcome.period
        header = [
            ("Order (p,d,q)", f"({p},{d},{q})"
             + (" chosen by " + self.ic.upper() if selection is not None else "")),
            ("Seasonal order", str(self.seasonal_order)),
            ("Trend", self.trend),
            ("Events", ", ".join(f"{ev.label} ({label(ev.period)}, {self.shapes[ev.label]})"
                                 for ev in self.events)),
            ("Pre-period", f"{label(y.index[0])} to {label(y.index[n_pre - 1])} "
                           f"({n_pre} {word}s)"),
            ("Log-likelihood", f"{full.llf:.3f}"),
        ]
        notes = [
            "Parameters: full-sample SARIMAX with event regressors (Box-Tiao intervention model).",
            "Counterfactual: forecast of the pre-period model (no event regressors) from the first "
            "event on; effect = actual - counterfactual. Intervals exclude parameter uncertainty.",
        ]
        stats = {"llf": full.llf, "aic": full.criterion("aic"), "bic": full.criterion("bic"),
                 "pre_llf": pre.llf, "n_pre": n_pre}
        provenance = build_provenance(model="venecon.models.InterventionARIMA",
                                      data=self.outcome.provenance, sample=y.index,
                                      options=self._options(order), seed=self.seed)
        return InterventionARIMAResults(
            simulated=sims, order=order, seasonal_order=self.seasonal_order,
            order_selection=selection, counterfactual_params=cf_params,
            actual=y, effects=effects, events=events, unit=self.outcome.unit, alpha=self.alpha,
            model="InterventionARIMA", dependent=self.outcome.name, params=params,
            std_errors=pd.Series(full.bse, index=names), cov=cov, nobs=int(full.results.nobs),
            df_resid=None, cov_type=f"statsmodels SARIMAX cov_type={self.cov_type!r}",
            provenance=provenance, header=header, notes=notes, statistics=stats,
        )
