"""Multiple structural breaks in level or trend (Bai and Perron, 1998, 2003)."""

from __future__ import annotations

import json
import math
import warnings
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError
from ..core.calendar import FREQUENCIES, period_label
from ..core.checks import check_alpha, check_count, require
from ..core.events import event_date
from ..core.outcome import prepare_outcome
from ..core.results import (
    Headline,
    ModelResults,
    build_provenance,
    jsonable,
    path_frame,
    two_sided_pvalue,
)
from ..core.vocabulary import renamed_arguments
from .hac import QuadraticSpectral, kernel_hac_cov

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["StructuralBreaks", "StructuralBreaksResults", "segment_ssr", "optimal_partitions",
           "bai_quantile", "argmax_cdf", "bai_intervals"]

_MODELS = {"level": 1, "trend": 2}


# --------------------------------------------------------------------------- numerics


def segment_ssr(y: np.ndarray, model: str) -> np.ndarray:
    """``S[i, j]``: SSR of the OLS fit of ``y[i:j]`` on the model's regressors.

    ``inf`` if ``j <= i``. ``"level"`` regresses on a constant, ``"trend"`` on
    a constant and the time index. Computed from cumulative sums of the centred data, which is
    exact up to rounding (the tests compare it with ``lstsq`` on every segment).
    """
    import numpy as np

    n = len(y)
    y = np.asarray(y, dtype="float64") - float(np.mean(y))
    t = np.arange(n, dtype="float64") - (n - 1) / 2.0

    def csum(v: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(v)])

    def seg(c: np.ndarray) -> np.ndarray:
        return c[None, :] - c[:, None]  # [i, j] -> sum over i..j-1

    length = seg(csum(np.ones(n)))
    sy, syy = seg(csum(y)), seg(csum(y * y))
    with np.errstate(divide="ignore", invalid="ignore"):
        if model == "level":
            ssr = syy - sy**2 / length
        else:
            st, stt, sty = seg(csum(t)), seg(csum(t * t)), seg(csum(t * y))
            det = length * stt - st**2
            ssr = syy - (stt * sy**2 - 2 * st * sy * sty + length * sty**2) / det
            ssr = np.where(length == 1, 0.0, ssr)
    ssr = np.where(length >= 1, np.maximum(ssr, 0.0), np.inf)
    return ssr


def optimal_partitions(ssr: np.ndarray, max_breaks: int, h: int
                       ) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Global SSR minimum for 0..max_breaks breaks by dynamic programming (Bai and Perron, 2003).

    ``cost[m, j]`` is the smallest SSR of ``y[:j]`` split into ``m + 1``
    segments of at least ``h`` observations:
    ``cost[m, j] = min_i cost[m - 1, i] + ssr[i, j]``.

    Returns
    -------
    total : ndarray
        ``total[m]``: minimal SSR with ``m`` breaks (``inf`` if infeasible).
    breaks : list of tuple
        ``breaks[m]``: the break positions (first index of each new segment).
    """
    import numpy as np

    n = ssr.shape[0] - 1
    allowed = np.full_like(ssr, np.inf)
    i, j = np.triu_indices(n + 1, k=h)
    allowed[i, j] = ssr[i, j]
    cost = np.full((max_breaks + 1, n + 1), np.inf)
    back = np.zeros((max_breaks + 1, n + 1), dtype=int)
    cost[0] = allowed[0]
    for m in range(1, max_breaks + 1):
        cand = cost[m - 1][:, None] + allowed  # [i, j]: last segment is i..j-1
        back[m] = np.argmin(cand, axis=0)
        cost[m] = cand[back[m], np.arange(n + 1)]
    total = cost[:, n].copy()
    breaks: list[tuple[int, ...]] = []
    for m in range(max_breaks + 1):
        if not np.isfinite(total[m]):
            breaks.append(())
            continue
        found, j = [], n
        for k in range(m, 0, -1):
            j = int(back[k, j])
            found.append(j)
        breaks.append(tuple(sorted(found)))
    return total, breaks


def bai_quantile(p: float) -> float:
    """Quantile of ``argmax_s W(s) - |s| / 2`` (two-sided Brownian motion), Bai (1997).

    Uses the closed-form distribution function (Bai 1997, p. 555, after Yao 1987)
    ``G(x) = 1 + sqrt(x / 2pi) exp(-x/8) + 1.5 exp(x) Phi(-1.5 sqrt x) - (x + 5)/2 Phi(-sqrt(x)/2)``
    for ``x > 0``; ``bai_quantile(0.975) = 11.03`` gives 95% intervals.
    """
    from scipy import optimize, stats

    def cdf(x: float) -> float:
        r = math.sqrt(x)
        return (1 + math.sqrt(x / (2 * math.pi)) * math.exp(-x / 8)
                + 1.5 * math.exp(x + stats.norm.logcdf(-1.5 * r))
                - (x + 5) / 2 * stats.norm.cdf(-r / 2))

    if not 0.5 < p < 1:
        raise ValueError(f"p must be in (0.5, 1), got {p!r}")
    return float(optimize.brentq(lambda x: cdf(x) - p, 1e-9, 500.0, xtol=1e-12))


def argmax_cdf(x: float, xi: float = 1.0, phi1: float = 1.0, phi2: float = 1.0) -> float:
    """Distribution function of the break-date estimator's limit with unequal regimes (Bai 1997).

    ``P(argmax_s V(s) <= x)`` where ``V(s) = W1(-s) - |s|/2`` for ``s <= 0`` and
    ``V(s) = sqrt(phi) W2(s) - xi s / 2`` for ``s > 0`` (Bai 1997, Proposition 3;
    Bai and Perron 2003, eq. 6), with ``phi = xi (phi2 / phi1)^2``: ``xi`` is
    the ratio of the shift's squared size in the regressor moments of the new
    and the old regime (``delta' Q2 delta / delta' Q1 delta``), ``phi1`` and
    ``phi2`` the error standard deviations (or long-run standard deviations)
    of the two regimes. With ``xi = phi1 = phi2 = 1`` this is the symmetric
    law of :func:`bai_quantile`. Equals strucchange's ``pargmaxV`` (tests).
    """
    from scipy import stats

    phi = xi * (phi2 / phi1) ** 2
    a = abs(float(x))
    r = math.sqrt(a)
    if x < 0:
        f = xi / phi
        return (-math.sqrt(a / (2 * math.pi)) * math.exp(-a / 8)
                - phi / xi * (phi + 2 * xi) / (phi + xi)
                * math.exp(f * (1 + f) * a / 2 + stats.norm.logcdf(-(0.5 + f) * r))
                + (a / 2 - 2 + (phi + 2 * xi) ** 2 / ((phi + xi) * xi)) * stats.norm.cdf(-r / 2))
    g = xi**2 / phi
    return (1 + math.sqrt(g) * math.sqrt(a / (2 * math.pi)) * math.exp(-g * a / 8)
            + xi / phi * (2 * phi + xi) / (phi + xi)
            * math.exp((phi + xi) * a / 2 + stats.norm.logcdf(-(phi + xi / 2) / math.sqrt(phi) * r))
            - ((2 * phi + xi) ** 2 / ((phi + xi) * phi) - 2 + g * a / 2)
            * stats.norm.cdf(-math.sqrt(g) * r / 2))


def _argmax_quantile(p: float, xi: float, phi1: float, phi2: float, upper: bool) -> float:
    from scipy import optimize

    def gap(v: float) -> float:
        return argmax_cdf(v, xi, phi1, phi2) - p

    bound = 0.0
    while (gap(bound) < 0) if upper else (gap(bound) > 0):
        bound += 1000.0 if upper else -1000.0
    lo, hi = (0.0, bound) if upper else (bound, 0.0)
    return float(optimize.brentq(gap, lo, hi, xtol=1e-10))


def bai_intervals(y: np.ndarray, x: np.ndarray, breaks: tuple[int, ...], alpha: float, *,
                  het_reg: bool = True, het_err: bool = True,
                  hac: QuadraticSpectral | None = None) -> list[dict[str, float]]:
    """Break-date intervals of Bai (1997) and Bai and Perron (2003), as strucchange computes them.

    ``breaks`` are the first positions (0-based) of the new regimes, which are
    also strucchange's break numbers (1-based last observation of the old
    regime). For the break between regimes 1 and 2 with coefficient change
    ``delta``, ``Q_j`` the regressors' second moments and ``Omega_j`` the
    (long-run) covariance of the scores in regime ``j``, the interval is
    ``[T - ceil(u s), T - floor(l s)]`` with ``l``, ``u`` the ``alpha/2`` and
    ``1 - alpha/2`` quantiles of :func:`argmax_cdf` at
    ``xi = delta'Q2 delta / delta'Q1 delta``, ``phi_j^2 = delta'Omega_j delta /
    delta'Q_j delta`` and ``s = phi1^2 / delta'Q1 delta``.

    ``het_reg=False`` uses the whole sample's ``Q`` for every regime,
    ``het_err=False`` one error variance (or one long-run covariance of the
    scores of the pooled regression) for every regime; ``hac`` replaces
    ``sigma_j^2 Q_j`` by ``n_j Q_j V_j Q_j`` with ``V_j`` the regime's
    HAC covariance (:func:`~venecon.models.timeseries.hac.kernel_hac_cov`), which is
    strucchange's ``confint(..., vcov. = kernHAC)`` with ``sandwich = TRUE``.

    Returns
    -------
    list of dict
        Per break: ``obs_lower``, ``obs_upper`` (unclipped positions, NaN when
        the interval cannot be computed because ``P(argmax <= 0)`` falls outside
        ``[alpha/2, 1 - alpha/2]``), ``xi``, ``phi1``, ``phi2``.
    """
    import numpy as np

    n = len(y)
    bounds = [0, *breaks, n]
    q_full = x.T @ x / n
    regimes, resid = [], []
    for a, b in zip(bounds, bounds[1:], strict=False):
        beta, *_ = np.linalg.lstsq(x[a:b], y[a:b], rcond=None)
        regimes.append((beta, y[a:b] - x[a:b] @ beta))
        resid.append(regimes[-1][1])
    resid_all = np.concatenate(resid)
    sigma_pooled = float(resid_all @ resid_all / n)
    if hac is None:
        omega_pooled = sigma_pooled * q_full
    else:
        omega_pooled = n * q_full @ kernel_hac_cov(x, resid_all, hac)[0] @ q_full
    moments = []
    for (a, b), (_, u) in zip(zip(bounds, bounds[1:], strict=False), regimes, strict=True):
        q_j = x[a:b].T @ x[a:b] / (b - a) if het_reg else q_full
        sigma = float(u @ u / (b - a)) if het_err else sigma_pooled
        if not het_err:
            omega = omega_pooled
        elif hac is None:
            omega = sigma * q_j
        else:
            omega = (b - a) * q_j @ kernel_hac_cov(x[a:b], u, hac)[0] @ q_j
        moments.append((q_j, sigma, omega))
    out = []
    for i, t in enumerate(breaks, start=1):
        delta = regimes[i][0] - regimes[i - 1][0]
        (q1, s1, o1), (q2, s2, o2) = moments[i - 1], moments[i]
        qp1, qp2 = float(delta @ q1 @ delta), float(delta @ q2 @ delta)
        xi = qp2 / qp1 if het_reg else 1.0
        if hac is None:
            phi1, phi2 = math.sqrt(s1), math.sqrt(s2)
        else:
            phi1 = math.sqrt(float(delta @ o1 @ delta) / qp1)
            phi2 = math.sqrt(float(delta @ o2 @ delta) / qp2)
        row = {"obs_lower": float("nan"), "obs_upper": float("nan"), "xi": xi, "phi1": phi1,
               "phi2": phi2}
        with np.errstate(all="ignore"):
            p0 = argmax_cdf(0.0, xi, phi1, phi2) if qp1 > 0 and phi1 > 0 else float("nan")
        if not alpha / 2 <= p0 <= 1 - alpha / 2:
            warnings.warn(f"break {i}: no interval, P(argmax V <= 0) = {p0:.4f} is outside "
                          f"[{alpha / 2}, {1 - alpha / 2}]", UserWarning, stacklevel=3)
        else:
            scale = phi1**2 / qp1
            hi = _argmax_quantile(1 - alpha / 2, xi, phi1, phi2, upper=True) * scale
            lo = _argmax_quantile(alpha / 2, xi, phi1, phi2, upper=False) * scale
            row.update(obs_lower=float(t - math.ceil(hi)), obs_upper=float(t - math.floor(lo)))
        out.append(row)
    return out


def _sup_f(total: np.ndarray, n: int, q: int) -> np.ndarray:
    """F statistics of ``m`` breaks against none at the SSR-minimising dates.

    Homoskedastic form.
    """
    import numpy as np

    m = np.arange(len(total))
    with np.errstate(divide="ignore", invalid="ignore"):
        f = ((total[0] - total) / (m * q)) / (total / (n - (m + 1) * q))
    f[0] = np.nan
    return f


def _simulate_null(n: int, model: str, h: int, max_breaks: int, n_sim: int,
                   seed: int) -> np.ndarray:
    """sup-F(1..max_breaks) under no break and iid N(0, 1) errors: ``n_sim x max_breaks``.

    The statistics are invariant to the null model's coefficients and the error
    scale, so this is their exact finite-sample null distribution for iid
    Gaussian errors with this ``n``, model and minimum segment length.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    q = _MODELS[model]
    out = np.empty((n_sim, max_breaks))
    for r in range(n_sim):
        total, _ = optimal_partitions(segment_ssr(rng.standard_normal(n), model), max_breaks, h)
        out[r] = _sup_f(total, n, q)[1:]
    return out


def _sequential_f(ssr: np.ndarray, partition: tuple[int, ...], q: int, h: int) -> float:
    """sup-F(l+1 | l): the largest one-break F statistic within a regime of ``partition``.

    In each regime long enough to split into two of at least ``h`` periods, the
    Chow F of the best split, ``((S0 - S1) / q) / (S1 / (n_j - 2q))``, with the
    regime's own SSRs (Bai and Perron 1998, section 5; 2003, section 4.2).
    NaN when no regime can be split.
    """
    import numpy as np

    n = ssr.shape[0] - 1
    bounds = [0, *partition, n]
    best = float("nan")
    for a, b in zip(bounds, bounds[1:], strict=False):
        if b - a < 2 * h:
            continue
        taus = np.arange(a + h, b - h + 1)
        split = float(np.min(ssr[a, taus] + ssr[taus, b]))
        f = ((ssr[a, b] - split) / q) / (split / (b - a - 2 * q)) if split > 0 else float("inf")
        best = f if not best >= f else best
    return best


# --------------------------------------------------------------------------- results


class StructuralBreaksResults(ModelResults):
    """Results of :class:`StructuralBreaks`.

    ``params`` are the regime coefficients (``mean[1]``, ... or ``const[1]``,
    ``trend[1]``, ...; the trend is per period), estimated by OLS given the
    break dates. :attr:`breaks` lists the dates with their intervals,
    :attr:`tests` the sup-F tests, :attr:`selection` the information criteria,
    and :meth:`compare_events` matches breaks to registry events.
    """

    def __init__(self, *, actual: pd.Series, fitted: pd.Series, breaks: pd.DataFrame,
                 tests: pd.DataFrame, selection: pd.DataFrame, freq: str = "M",
                 design: np.ndarray | None = None, alpha: float = 0.05,
                 **kwargs: Any) -> None:
        self._alpha = check_alpha(alpha)
        self._design = None if design is None else design.copy()
        self._freq = freq
        self._actual, self._fitted = actual.copy(), fitted.copy()
        self._breaks, self._tests, self._selection = breaks.copy(), tests.copy(), selection.copy()
        super().__init__(**kwargs)

    @property
    def breaks(self) -> pd.DataFrame:
        """One row per break, its date and ``1 - alpha`` interval in two conventions.

        ``date``, ``lower``, ``upper``: the **first period of the new regime**
        (venecon's convention, used by :meth:`compare_events` and :meth:`plot`).
        ``last_old``, ``last_old_lower``, ``last_old_upper``: the **last period
        of the old regime** (strucchange's ``breakdates`` and ``confint``; the
        same interval moved back one period). ``obs``, ``obs_lower``,
        ``obs_upper``: strucchange's observation numbers (1-based, last of the
        old regime), not clipped to the sample, NaN when no interval exists.
        ``shift`` is the change in the mean (or, for ``"trend"``, in the trend
        line at the break), ``xi``, ``phi1``, ``phi2`` the parameters of the
        limit law (:func:`argmax_cdf`), ``clipped`` whether an interval reached
        beyond the sample and was cut at its ends.
        """
        return self._breaks.copy()

    @property
    def tests(self) -> pd.DataFrame:
        """Statistic, simulated p-value and 5% critical value of each test.

        ``sup-F(k)``: ``k`` breaks against none; ``UDmax`` and ``WDmax``
        (Bai and Perron 1998): the largest sup-F(k), unweighted and weighted by
        ``c(1) / c(k)`` (the 5% critical values); ``sup-F(l+1|l)``: ``l + 1``
        breaks against the ``l`` of the global optimum (sequential test).
        """
        return self._tests.copy()

    @property
    def selection(self) -> pd.DataFrame:
        """SSR, BIC and LWZ by number of breaks, with the global-optimum dates."""
        return self._selection.copy()

    @property
    def fitted(self) -> pd.Series:
        """Fitted regime means or trends."""
        return self._fitted.copy()

    def _path(self, alpha: float) -> pd.DataFrame:
        """One row per period: the fitted regime (``estimate``) with its standard error and
        ``1 - alpha`` interval given the break dates, and the series (``observed``)."""
        import numpy as np

        fitted = self._fitted.to_numpy(dtype="float64")
        if self._design is None:
            se = np.full(len(fitted), np.nan)
        else:
            x = self._design
            se = np.sqrt(np.einsum("ij,jk,ik->i", x, self._cov.to_numpy(), x))
        q = self._critical(alpha)
        return path_frame(self._fitted.index, fitted, se, fitted - q * se, fitted + q * se,
                          observed=self._actual)

    def _headline(self, alpha: float) -> Headline:
        """The shift of the regime line at the first break (NaN without a break)."""
        import math

        import numpy as np

        if not len(self._breaks):
            nan = math.nan
            return Headline(name="shift at the first break (no break)", estimate=nan,
                            std_error=nan, pvalue=nan, lower=nan, upper=nan, alpha=alpha,
                            inference=self._cov_type)
        q = len(self._params) // (len(self._breaks) + 1)
        at = np.array([1.0, float(self._breaks["obs"].iloc[0])])[:q]
        g = np.zeros(len(self._params))
        g[q:2 * q], g[:q] = at, -at
        est = float(g @ self._params.to_numpy())
        se = float(np.sqrt(g @ self._cov.to_numpy() @ g))
        crit = self._critical(alpha)
        date = self._breaks["date"].iloc[0]
        return Headline(name=f"shift at the first break ({period_label(date, self._freq)})",
                        estimate=est, std_error=se,
                        pvalue=two_sided_pvalue(est / se, self._df_resid) if se > 0 else math.nan,
                        lower=est - crit * se, upper=est + crit * se, alpha=alpha,
                        window=(date, date), unit=None, inference=self._cov_type)

    def compare_events(self, events: Any = None, *, category: str | None = None) -> pd.DataFrame:
        """Nearest event to each detected break.

        Parameters
        ----------
        events : ids, dates, list or dict, optional
            Events to compare with; default: the whole registry (:func:`venecon.events`).
        category : str, optional
            Keep only registry events of this category (``"oil-trade"``, ...).

        Returns
        -------
        DataFrame
            Per break: ``date``, ``lower``, ``upper``, ``nearest_event`` (ids
            joined by ``"; "`` when several share the nearest month),
            ``event_date``, ``distance_months`` (break month minus event
            month: positive if the break follows the event) and
            ``event_in_interval``.
        """
        import pandas as pd

        table = self._event_table(events, category)
        rows = []
        for _, b in self._breaks.iterrows():
            month = b["date"].to_period("M")
            dist = [(month - e.to_period("M")).n for e in table["date"]]
            best = min(abs(d) for d in dist)
            hit = [k for k, d in enumerate(dist) if abs(d) == best]
            signed = dist[hit[0]]
            rows.append({
                "date": b["date"], "lower": b["lower"], "upper": b["upper"],
                "nearest_event": "; ".join(table["id"].iloc[hit].tolist()),
                "event_date": table["date"].iloc[hit[0]], "distance_months": signed,
                "event_in_interval": bool(b["lower"] <= table["date"].iloc[hit[0]].to_period("M")
                                          .to_timestamp() <= b["upper"]),
            })
        return pd.DataFrame(rows, index=self._breaks.index)

    def _event_table(self, events: Any, category: str | None) -> pd.DataFrame:
        import pandas as pd

        import venecon

        if events is None:
            table = venecon.events()[["id", "date", "category"]].copy()
            if category is not None:
                table = table[table["category"] == category]
        else:
            if isinstance(events, str) or not hasattr(events, "__iter__"):
                events = [events]
            items = events.items() if isinstance(events, dict) else [(None, v) for v in events]
            recs = []
            for label, value in items:
                name, date = event_date(value)
                recs.append({"id": label or name, "date": pd.Timestamp(date)})
            table = pd.DataFrame(recs)
        if table.empty:
            raise ModelSpecificationError(f"compare_events: no events (category={category!r})")
        lo, hi = self._actual.index[0], self._actual.index[-1]
        last_day = hi.to_period(FREQUENCIES[self._freq][0]).to_timestamp(how="end")
        outside = table[(table["date"] < lo) | (table["date"] > last_day.normalize())]
        if events is not None and len(outside):
            warnings.warn(
                f"compare_events: {', '.join(outside['id'])} outside the sample "
                f"({period_label(lo, self._freq)} to {period_label(hi, self._freq)})"
                "; kept in the comparison, but a break cannot coincide "
                "with them", UserWarning, stacklevel=3)
        return table.reset_index(drop=True)

    def _summary_tables(self, alpha):
        tables = super()._summary_tables(alpha)
        if len(self._breaks):
            word = FREQUENCIES[self._freq][2]
            tables.append((f"Break dates: first {word} of the new regime (strucchange's dates are "
                           f"the last {word} of the old regime, columns last_old*)",
                           self._breaks_text()))
        tables += [("sup-F, UDmax, WDmax and sequential sup-F(l+1|l) tests", self._tests),
                   ("Number of breaks", self._selection.drop(columns="dates"))]
        return tables

    def _breaks_text(self) -> pd.DataFrame:
        import pandas as pd

        out = self._breaks.drop(columns=["obs_lower", "obs_upper", "xi", "phi1", "phi2"])
        for c in ("date", "lower", "upper", "last_old", "last_old_lower", "last_old_upper"):
            out[c] = ["" if pd.isna(d) else period_label(d, self._freq) for d in out[c]]
        return out

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["breaks"] = jsonable(self._breaks)
        out["tests"] = jsonable(self._tests)
        out["selection"] = jsonable(self._selection)
        json.dumps(out)
        return out

    def plot(self, alpha: float | None = None, ax: Any = None,
             events: dict[str, Any] | None = None) -> Figure:
        """The series, the fitted regimes with their ``1 - alpha`` band, the break dates and
        their intervals (at the fitted ``alpha``); returns the Figure.

        Break dates (dashed) are the first period of the new regime; the
        shaded spans their intervals. ``events`` (label -> date) are drawn as
        dotted grey lines at their dates.
        """
        import matplotlib.pyplot as plt
        import pandas as pd

        alpha = self._alpha_or_default(alpha)
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 4))
        else:
            fig = ax.figure
        ax.plot(self._actual.index, self._actual.to_numpy(), color="black", lw=1, label="actual")
        ax.plot(self._fitted.index, self._fitted.to_numpy(), color="C3", lw=1.5, label="regimes")
        band = self._path(alpha)
        if band["lower"].notna().any():
            ax.fill_between(self._fitted.index, band["lower"].to_numpy(),
                            band["upper"].to_numpy(), color="C3", alpha=0.15,
                            label=f"{100 * (1 - alpha):g}% interval of the regimes")
        for _, b in self._breaks.iterrows():
            ax.axvline(b["date"], color="C0", ls="--", lw=1)
            if not (b["lower"] is pd.NaT or b["upper"] is pd.NaT):
                ax.axvspan(b["lower"], b["upper"], color="C0", alpha=0.15)
        for k, (label, when) in enumerate((events or {}).items()):
            stamp = pd.Timestamp(when)
            ax.axvline(stamp, color="grey", ls=":", lw=1.2)
            ax.annotate(label, (stamp, 0.98 - 0.08 * k), xycoords=("data", "axes fraction"),
                        rotation=90, va="top", ha="right", fontsize=8, color="dimgrey")
        ax.set_ylabel(self._dependent)
        ax.set_title(f"{self._model}: {len(self._breaks)} break(s)")
        ax.legend(loc="best")
        return fig


# --------------------------------------------------------------------------- model


class StructuralBreaks:
    r"""Break dates in the level or trend of a series (Bai and Perron, 1998, 2003).

    Monthly, quarterly or annual data; break dates are written at the data's
    frequency (``1899`` for annual data, ``2019-03`` for monthly).

    With ``m`` breaks at ``T_1 < ... < T_m`` the model is pure structural change,

    .. math::

        y_t = x_t' \beta_j + u_t, \qquad T_{j-1} \le t < T_j,

    with ``x_t = 1`` (``model="level"``: mean shifts) or ``x_t = (1, t)``
    (``"trend"``: intercept and slope shifts, a broken trend that need not be
    continuous). For each ``m <= max_breaks`` the dates minimise the total SSR
    over all partitions with segments of at least ``h`` periods, found exactly
    by dynamic programming over the segment SSRs (Bai and Perron 2003).

    Parameters
    ----------
    data : Series or DataFrame
        Monthly outcome (as for :class:`~venecon.models.ITS`).
    model : {"level", "trend"}, default "level"
    max_breaks : int, default 5
        Largest number of breaks considered; lowered, with a warning, when the
        minimum segment length does not allow that many.
    trim : float or int, default 0.15
        Minimum segment length ``h``: a fraction of the sample
        (``h = floor(trim * n)``) or a number of periods. Must leave
        ``h > q`` (the regressors per segment).
    select : {"bic", "lwz", "sequential"} or int, default "bic"
        Number of breaks: minimum of BIC (Yao 1988) or LWZ (Liu, Wu and Zidek
        1997, ``c0 = 0.299, delta0 = 0.1``); ``"sequential"``: none unless
        sup-F(1) rejects at 5%, then one more while sup-F(l+1|l) rejects at 5%
        (Bai and Perron 1998, 2003; needs ``n_sim > 0``); or a fixed number.
    n_sim : int, default 999
        Simulations of the sup-F null distribution (p-values, critical values).
    seed : int, default 20260401
        Seed of those simulations (recorded in ``provenance``).
    outcome, start, end, outcome_unit : optional
        As for :class:`~venecon.models.ITS`.
    alpha : float, default 0.05
        Level of the break-date intervals.
    het_reg : bool, default True
        Break-date intervals with regime-specific regressor moments ``Q_j``
        (strucchange's ``het.reg``); False uses the whole sample's.
    het_err : bool, default True
        Regime-specific error variances, or long-run covariances with ``hac``
        (strucchange's ``het.err``), for the intervals and the regime
        coefficients' standard errors; False pools them.
    hac : QuadraticSpectral, optional
        Serial-correlation-robust intervals and standard errors: the
        quadratic-spectral HAC with Andrews' bandwidth and prewhitening
        (:class:`~venecon.models.timeseries.hac.QuadraticSpectral`), as Bai and Perron
        (2003, Table 1) and strucchange's ``?RealInt`` use. Needs regimes of
        at least 8 periods.

    Notes
    -----
    **Dates.** ``breaks["date"]`` is the first period of the new regime.
    strucchange (``breakdates``, ``confint``) reports the last period of the
    old regime: ``breaks["last_old"]`` and ``last_old_lower``/``last_old_upper``
    give that convention, ``obs*`` its observation numbers. For
    ``breakpoints(Nile ~ 1)``: strucchange's 1898 [1895, 1902] is venecon's
    ``date`` 1899 in [1896, 1903].

    **Intervals** (Bai 1997; Bai and Perron 2003, section 3) as strucchange's
    ``confint.breakpointsfull`` computes them (:func:`bai_intervals`): the
    limit law of the break-date estimator with different regressor moments
    and error variances on the two sides (:func:`argmax_cdf`), so intervals
    are asymmetric, wider on the side of the noisier or less informative
    regime. Validated against strucchange 1.5-3: Nile 1898 [1895, 1902] and
    Bai and Perron's (2003) Table 1 on RealInt with the prewhitened
    quadratic-spectral HAC (``tests/test_models_breaks.py``). For
    ``model="trend"`` the regressors are not stationary, so those intervals
    are a heuristic.

    **Regime coefficients.** OLS within each regime given the dates. Standard
    errors: with ``het_err`` (default) each regime's own ``SSR_j / n_j``
    (strucchange's ``vcov``; ML divisor) or its HAC covariance with ``hac``;
    without, the pooled OLS covariance (``SSR / (n - p)``) or the HAC of the
    pooled regime regression. They ignore the estimation of the dates, which
    is asymptotically negligible (Bai and Perron 1998).

    **Tests.** ``sup-F(k)`` is the F statistic of ``k`` breaks against none at
    the SSR-minimising dates, ``((SSR_0 - SSR_k) / (k q)) / (SSR_k / (n - (k+1) q))``,
    which for a given partition equals the Chow test of equal coefficients
    (tests check this against statsmodels). ``UDmax`` is the largest sup-F(k),
    ``WDmax`` the largest ``c(1) / c(k) sup-F(k)`` with ``c(k)`` the 5% critical
    values (Bai and Perron 1998). ``sup-F(l+1|l)`` tests ``l + 1`` breaks
    against the ``l`` of the global optimum: the largest Chow F of one more
    break inside a regime (its regime's own F). Critical values are for the
    chosen trimming and this sample size: the null distributions of sup-F(k),
    UDmax and WDmax are simulated (``n_sim`` draws, seeded) exactly in finite
    samples under iid Gaussian errors for this ``n``, model and ``h`` (the
    statistics do not depend on the null coefficients or the scale); they
    approach the Bai-Perron (1998, 2003) asymptotic tables as ``n`` grows (for
    ``q = 1``, trim 0.15 and one break the tabulated 5% value is 8.58). The
    sequential test uses the limit ``P(sup-F(l+1|l) <= c) = G(c)^(l+1)``
    (Bai and Perron 1998, Proposition 9) with ``G`` the simulated law of
    sup-F(1); since a regime is shorter than the sample, its trimming
    ``h / n_j`` is larger than ``h / n``, which makes these critical values
    somewhat conservative.

    **Coverage** of the 95% break-date interval, one break in the middle of
    120 months, 300 simulations (``tests/test_models_breaks.py``): with iid
    N(0, 1) errors and a shift of 1 sd, 93.0% (default) and 94.3% (``hac``);
    with AR(1) errors of coefficient 0.5 (unit variance), 69.7% and 86.0% for a
    shift of 1 sd, 84.3% and 93.0% for 2 sd. Use ``hac`` on autocorrelated
    series; even then small shifts in persistent series are dated too precisely.

    **Assumptions.** The tests assume serially uncorrelated, homoskedastic
    errors (``hac`` changes the intervals and standard errors, not the
    tests). Monthly oil output is strongly autocorrelated; with positively
    autocorrelated errors sup-F over-rejects and BIC tends to choose too many
    breaks, so treat the breaks as descriptive dating, not as evidence of a
    break, unless the residuals are close to white noise.

    References
    ----------
    Bai, J. (1997). Estimation of a change point in multiple regression models.
    *Review of Economics and Statistics* 79(4), 551-563.
    Bai, J. and P. Perron (1998). Estimating and testing linear models with
    multiple structural changes. *Econometrica* 66(1), 47-78.
    Bai, J. and P. Perron (2003). Computation and analysis of multiple
    structural change models. *Journal of Applied Econometrics* 18(1), 1-22.
    Zeileis, A., F. Leisch, K. Hornik and C. Kleiber (2002). strucchange: an R
    package for testing for structural change in linear regression models.
    *Journal of Statistical Software* 7(2), 1-38.

    Raises
    ------
    ModelSpecificationError
        Irregular, duplicated, missing or infinite values; a constant series; an
        invalid option. A non-regular frequency raises ``FrequencyError``.
    InsufficientDataError
        Fewer than two minimum-length segments of data, ``h <= q``, or ``hac``
        with segments shorter than 8 periods.
    """

    @renamed_arguments(unit="outcome_unit")
    def __init__(
        self,
        data: pd.Series | pd.DataFrame,
        *,
        model: str = "level",
        max_breaks: int = 5,
        trim: float | int = 0.15,
        select: str | int = "bic",
        n_sim: int = 999,
        seed: int = 20260401,
        outcome: str | None = None,
        start: Any = None,
        end: Any = None,
        outcome_unit: str | None = None,
        alpha: float = 0.05,
        het_reg: bool = True,
        het_err: bool = True,
        hac: QuadraticSpectral | None = None,
    ) -> None:
        for name, flag in (("het_reg", het_reg), ("het_err", het_err)):
            if not isinstance(flag, bool):
                raise ModelSpecificationError(f"{name} must be True or False, got {flag!r}")
        if hac is not None and not isinstance(hac, QuadraticSpectral):
            raise ModelSpecificationError(
                "hac must be None or a venecon.models.timeseries.hac.QuadraticSpectral(), "
                f"got {hac!r}")
        self.het_reg, self.het_err, self.hac = het_reg, het_err, hac
        if not isinstance(model, str) or model not in _MODELS:
            raise ModelSpecificationError(f"model must be 'level' or 'trend', got {model!r}")
        if not (isinstance(select, str) and select in ("bic", "lwz", "sequential")) and not (
                isinstance(select, int) and not isinstance(select, bool) and select >= 0):
            raise ModelSpecificationError(
                f"select must be 'bic', 'lwz', 'sequential' or an int >= 0, got {select!r}")
        if select == "sequential" and n_sim == 0:
            raise ModelSpecificationError("select='sequential' needs the simulated critical "
                                          "values: give n_sim > 0")
        if isinstance(max_breaks, bool) or not isinstance(max_breaks, int) or max_breaks < 1:
            raise ModelSpecificationError(f"max_breaks must be an int >= 1, got {max_breaks!r}")
        if isinstance(n_sim, bool) or not isinstance(n_sim, int) or n_sim < 0:
            raise ModelSpecificationError(f"n_sim must be an int >= 0, got {n_sim!r}")
        self.outcome = prepare_outcome(data, outcome=outcome, start=start, end=end,
                                       outcome_unit=outcome_unit)
        self.model, self.q = model, _MODELS[model]
        self.trim, self.select, self.n_sim = trim, select, n_sim
        self.seed = check_count(seed, "seed", 0)
        self.alpha = check_alpha(alpha)
        n = len(self.outcome.y)
        self.h = self._min_length(trim, n)
        require(self.h, self.q + 1, f"StructuralBreaks: minimum segment length (trim={trim!r}, "
                        f"{self.q} regressor(s) per segment)")
        word = self.outcome.period
        require(n, 2 * self.h, f"StructuralBreaks: {word}s for one break with segments of "
                        f"at least {self.h}")
        if hac is not None:
            require(self.h, 8, "StructuralBreaks: minimum segment length with a HAC "
                            "covariance (trim)")
        feasible = n // self.h - 1
        if max_breaks > feasible:
            warnings.warn(
                f"StructuralBreaks: max_breaks={max_breaks} needs segments of {self.h} {word}s; "
                f"{n} {word}s allow at most {feasible} breaks, so max_breaks={feasible} is used",
                UserWarning, stacklevel=3)
            max_breaks = feasible
        if isinstance(select, int) and select > max_breaks:
            raise ModelSpecificationError(f"select={select} exceeds max_breaks={max_breaks}")
        self.max_breaks = max_breaks

    @staticmethod
    def _min_length(trim: float | int, n: int) -> int:
        if isinstance(trim, bool) or not isinstance(trim, int | float):
            raise ModelSpecificationError(
                f"trim must be a fraction in (0, 0.5) or an int, got {trim!r}")
        if isinstance(trim, int):
            if trim < 1:
                raise ModelSpecificationError(f"trim must be >= 1 period, got {trim}")
            return trim
        if not 0 < trim < 0.5:
            raise ModelSpecificationError(f"trim as a fraction must be in (0, 0.5), got {trim}")
        return int(math.floor(trim * n))

    def _options(self) -> dict[str, Any]:
        return {"model": self.model, "max_breaks": self.max_breaks, "trim": self.trim,
                "min_length": self.h, "select": self.select, "n_sim": self.n_sim,
                "alpha": self.alpha, "het_reg": self.het_reg, "het_err": self.het_err,
                "hac": None if self.hac is None else {
                    "kernel": "quadratic-spectral", "prewhite": self.hac.prewhite,
                    "bandwidth": self.hac.bandwidth, "adjust": self.hac.adjust},
                **({"frequency": self.outcome.freq} if self.outcome.freq != "M" else {})}

    # --- steps ----------------------------------------------------------------
    def _design(self, breaks: tuple[int, ...]) -> pd.DataFrame:
        """Regressors of the partition: one block per regime (used for the OLS and checks)."""
        import numpy as np
        import pandas as pd

        y = self.outcome.y
        n = len(y)
        t = np.arange(n, dtype="float64")
        bounds = [0, *breaks, n]
        cols = {}
        for r, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False), start=1):
            d = ((t >= a) & (t < b)).astype("float64")
            if self.model == "level":
                cols[f"mean[{r}]"] = d
            else:
                cols[f"const[{r}]"] = d
                cols[f"trend[{r}]"] = d * t
        return pd.DataFrame(cols, index=y.index)

    def _choose(self, total: np.ndarray) -> tuple[int, pd.DataFrame]:
        import numpy as np
        import pandas as pd

        n, q = len(self.outcome.y), self.q
        m = np.arange(len(total))
        p = (m + 1) * q + m
        bic = np.log(total / n) + p * np.log(n) / n
        lwz = np.log(total / (n - p)) + p * 0.299 * np.log(n) ** 2.1 / n
        table = pd.DataFrame({"ssr": total, "bic": bic, "lwz": lwz},
                             index=pd.Index(m, name="breaks"))
        if isinstance(self.select, int):
            chosen = self.select
        elif self.select == "sequential":
            chosen = -1  # set from the tests
        else:
            chosen = int(np.nanargmin(table[self.select]))
        return chosen, table

    def _sequential_choice(self, tests: pd.DataFrame) -> int:
        """Breaks by the sequential procedure: sup-F(1), then sup-F(l+1|l), each at 5%."""
        if not tests.loc["sup-F(1)", "pvalue"] <= 0.05:
            return 0
        chosen = 1
        while (chosen < self.max_breaks
               and tests.loc[f"sup-F({chosen + 1}|{chosen})", "pvalue"] <= 0.05):
            chosen += 1
        return chosen

    def _tests(self, total: np.ndarray, ssr: np.ndarray,
               partitions: list[tuple[int, ...]]) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        n, mmax = len(self.outcome.y), self.max_breaks
        f = _sup_f(total, n, self.q)[1:]
        seq = np.array([_sequential_f(ssr, partitions[m], self.q, self.h) for m in range(1, mmax)])
        names = ([f"sup-F({k})" for k in range(1, mmax + 1)] + ["UDmax", "WDmax"]
                 + [f"sup-F({m + 1}|{m})" for m in range(1, mmax)])
        if self.n_sim == 0:
            stat = np.concatenate([f, [np.nanmax(f), np.nan], seq])
            nan = np.full(len(stat), np.nan)
            return pd.DataFrame({"statistic": stat, "pvalue": nan, "crit_5pct": nan}, index=names)
        sims = _simulate_null(n, self.model, self.h, self.max_breaks, self.n_sim, self.seed)
        cv = np.quantile(sims, 0.95, axis=0)
        weights = cv[0] / cv
        with np.errstate(invalid="ignore"):
            wd_sims = np.nanmax(sims * weights[None, :], axis=1)
        sims = np.column_stack([sims, np.nanmax(sims, axis=1), wd_sims])
        stat = np.concatenate([f, [np.nanmax(f), np.nanmax(f * weights)]])
        pv = (1 + (sims >= stat[None, :]).sum(axis=0)) / (self.n_sim + 1)
        cv = np.quantile(sims, 0.95, axis=0)
        # sequential: P(sup-F(l+1|l) <= c) = G(c)^(l+1), G the law of sup-F(1)
        below = np.array([1 - (1 + (sims[:, 0] >= v).sum()) / (self.n_sim + 1) for v in seq])
        seq_pv = np.where(np.isnan(seq), np.nan, 1 - below ** np.arange(2, mmax + 1))
        seq_cv = np.array([np.quantile(sims[:, 0], 0.95 ** (1 / (m + 1))) for m in range(1, mmax)])
        return pd.DataFrame({"statistic": np.concatenate([stat, seq]),
                             "pvalue": np.concatenate([pv, seq_pv]),
                             "crit_5pct": np.concatenate([cv, seq_cv])}, index=names)

    def _intervals(self, breaks: tuple[int, ...], beta: np.ndarray) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        index = self.outcome.y.index
        n = len(index)
        x = np.column_stack([np.ones(n), np.arange(n, dtype="float64")])[:, : self.q]
        y = self.outcome.y.to_numpy(dtype="float64")
        found = bai_intervals(y, x, breaks, self.alpha, het_reg=self.het_reg,
                              het_err=self.het_err, hac=self.hac)
        rows, clipped = [], []
        for i, (b, ci) in enumerate(zip(breaks, found, strict=True), start=1):
            delta = beta[i * self.q:(i + 1) * self.q] - beta[(i - 1) * self.q:i * self.q]
            row = {"date": index[b], "lower": pd.NaT, "upper": pd.NaT,
                   "last_old": index[b - 1], "last_old_lower": pd.NaT, "last_old_upper": pd.NaT,
                   "obs": b, "obs_lower": ci["obs_lower"], "obs_upper": ci["obs_upper"],
                   "shift": float(delta[0]) if self.q == 1 else float(delta @ np.array([1.0, b])),
                   "xi": ci["xi"], "phi1": ci["phi1"], "phi2": ci["phi2"], "clipped": False}
            if not np.isnan(ci["obs_lower"]):
                # first period of the new regime: positions 1 .. n - 1 exist in the sample
                lo = min(max(int(ci["obs_lower"]), 1), n - 1)
                hi = min(max(int(ci["obs_upper"]), 1), n - 1)
                row.update(lower=index[lo], upper=index[hi], last_old_lower=index[lo - 1],
                           last_old_upper=index[hi - 1],
                           clipped=(lo, hi) != (ci["obs_lower"], ci["obs_upper"]))
                if row["clipped"]:
                    clipped.append(f"break{i}")
            rows.append(row)
        if clipped:
            warnings.warn(f"StructuralBreaks: the interval(s) of {', '.join(clipped)} reach beyond "
                          "the sample and are cut at its ends (obs_lower/obs_upper keep the "
                          "uncut positions)", UserWarning, stacklevel=3)
        columns = ["date", "lower", "upper", "last_old", "last_old_lower", "last_old_upper", "obs",
                   "obs_lower", "obs_upper", "shift", "xi", "phi1", "phi2", "clipped"]
        return pd.DataFrame(rows, columns=columns,
                            index=pd.Index([f"break{i}" for i in range(1, len(breaks) + 1)]))

    def _regime_cov(self, x: pd.DataFrame, breaks: tuple[int, ...], ols: Any) -> tuple[Any, str]:
        """Covariance of the regime coefficients and its description (see the class Notes)."""
        import numpy as np

        resid = np.asarray(ols.resid, dtype="float64")
        design = x.to_numpy()
        if not self.het_err:
            if self.hac is None:
                return np.asarray(ols.cov_params()), "nonrobust OLS, pooled error variance"
            return kernel_hac_cov(design, resid, self.hac)[0], "QS HAC of the pooled regression"
        n = len(resid)
        bounds = [0, *breaks, n]
        cov = np.zeros((design.shape[1], design.shape[1]))
        for r, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            cols = slice(r * self.q, (r + 1) * self.q)
            xr, ur = design[a:b, cols], resid[a:b]
            if self.hac is None:
                cov[cols, cols] = float(ur @ ur / (b - a)) * np.linalg.inv(xr.T @ xr)
            else:
                cov[cols, cols] = kernel_hac_cov(xr, ur, self.hac)[0]
        what = ("regime-specific error variances (SSR_j / n_j)" if self.hac is None
                else "regime-specific QS HAC (prewhitened)" if self.hac.prewhite
                else "regime-specific QS HAC")
        return cov, what

    def fit(self) -> StructuralBreaksResults:
        """Date the breaks, test them and estimate the regimes.

        Returns
        -------
        StructuralBreaksResults
        """
        import numpy as np
        import pandas as pd
        import statsmodels.api as sm

        y = self.outcome.y
        ssr = segment_ssr(y.to_numpy(), self.model)
        total, partitions = optimal_partitions(ssr, self.max_breaks, self.h)
        chosen, selection = self._choose(total)
        tests = self._tests(total, ssr, partitions)
        if chosen < 0:
            chosen = self._sequential_choice(tests)
        label = self.outcome.label
        selection["dates"] = [", ".join(label(y.index[b]) for b in p) for p in partitions]
        breaks = partitions[chosen]
        x = self._design(breaks)
        res = sm.OLS(y, x).fit()
        sigma2 = float(res.ssr / res.df_resid)
        table = self._intervals(breaks, np.asarray(res.params))
        cov, cov_what = self._regime_cov(x, breaks, res)
        names = list(x.columns)
        crit = "iid Gaussian null, simulated" if self.n_sim else "not computed (n_sim=0)"
        errors = (("regime-specific" if self.het_err else "pooled") + " error variances"
                  + (", quadratic-spectral HAC" + (" (prewhitened)" if self.hac.prewhite else "")
                     if self.hac is not None else "")
                  + (", regime-specific regressor moments" if self.het_reg else ""))
        return StructuralBreaksResults(
            actual=y, fitted=pd.Series(np.asarray(res.fittedvalues), index=y.index, name="fitted"),
            breaks=table, tests=tests, selection=selection, design=x.to_numpy(dtype="float64"),
            alpha=self.alpha, model="StructuralBreaks", dependent=self.outcome.name,
            params=res.params,
            std_errors=pd.Series(np.sqrt(np.diag(cov)), index=names),
            cov=pd.DataFrame(cov, index=names, columns=names),
            nobs=int(res.nobs), df_resid=float(res.df_resid),
            cov_type=f"{cov_what}, conditional on the estimated break dates",
            provenance=build_provenance(model="venecon.models.StructuralBreaks",
                                        data=self.outcome.provenance, sample=y.index,
                                        options=self._options(), seed=self.seed),
            freq=self.outcome.freq,
            header=[("Model", f"{self.model} (q={self.q}), min. segment {self.h} "
                              f"{self.outcome.period}s"),
                    ("Breaks", f"{len(breaks)} chosen by {self.select} (max {self.max_breaks}): "
                               + (", ".join(label(y.index[b]) for b in breaks) or "none")
                               + f" (first {self.outcome.period} of the new regime)")],
            notes=[f"sup-F, UDmax, WDmax and sup-F(l+1|l) p-values and critical values: {crit} "
                   f"({self.n_sim} draws, seed {self.seed}); the tests assume serially "
                   "uncorrelated, homoskedastic errors.",
                   f"Break-date intervals (Bai 1997; Bai and Perron 2003, as strucchange's "
                   f"confint) with {errors}."],
            statistics={"ssr": float(res.ssr), "n_breaks": len(breaks), "min_length": self.h,
                        "sigma2": sigma2},
        )
