"""Market-model event study: abnormal returns around sanctions and licence news.

For each event, day 0 is the first trading day on or after the event date.
A market model ``r_t = a + b m_t + e_t`` (or, without a market series, the
constant-mean model ``r_t = a + e_t``) is estimated by OLS on the estimation
window (trading days ``estimation[0]..estimation[1]`` relative to day 0,
ending before the event window). Abnormal returns are ``AR_t = r_t - a - b
m_t`` on the event window, ``CAR`` their sum.

Tests
-----
Classic t-test (per event)
    ``CAR / sd(CAR)`` with the prediction-error variance of the market model,
    ``s^2 * 1'(I + X0 (X'X)^{-1} X0')1``, against Student-t with ``L - k``
    degrees of freedom (Campbell, Lo and MacKinlay 1997, ch. 4).
Classic test of the mean CAR (CAAR)
    ``CAAR / sqrt(sum var(CAR_i)) * N``, normal (assumes independent events
    and no event-induced variance).
Boehmer, Musumeci and Poulsen (1991)
    Standardised CARs ``SCAR_i = CAR_i / sd(CAR_i)``; ``z = mean(SCAR) *
    sqrt(N) / sd(SCAR)``, robust to event-induced variance; needs two or more
    events (``NaN`` otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import InsufficientDataError, ModelSpecificationError
from .results import ModelResults, build_provenance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EventStudy", "EventStudyResults"]


def _prices(data: Any, label: str) -> tuple[pd.Series, dict[str, Any] | None]:
    """A price series (DatetimeIndex, sorted, unique, positive) and its provenance."""
    import pandas as pd

    provenance = None
    attrs = getattr(data, "attrs", {}).get("venecon")
    if isinstance(attrs, Mapping) and "datasets" in attrs:
        provenance = {"datasets": dict(attrs["datasets"]),
                      "data_version": attrs.get("data_version")}
    if isinstance(data, pd.DataFrame):
        if not {"date", "value"} <= set(data.columns):
            raise ModelSpecificationError(f"{label}: a DataFrame needs 'date' and 'value' columns")
        for key in ("series", "country", "source", "field", "ticker"):
            if key in data.columns and data[key].nunique() > 1:
                raise ModelSpecificationError(
                    f"{label}: the frame holds several values of {key!r} "
                    f"({', '.join(map(str, data[key].unique()[:5]))}); select one")
        name = str(data["series"].iloc[0]) if "series" in data.columns and len(data) else label
        series = pd.Series(data["value"].to_numpy(), index=pd.DatetimeIndex(data["date"]),
                           name=name)
    elif isinstance(data, pd.Series):
        series = data.copy()
        series.index = pd.DatetimeIndex(series.index)
    else:
        raise ModelSpecificationError(f"{label}: expected a Series or a tidy DataFrame of prices")
    series = series.astype("float64").dropna().sort_index()
    if series.index.has_duplicates:
        raise ModelSpecificationError(f"{label}: duplicate dates, e.g. "
                                      f"{series.index[series.index.duplicated()][0]:%Y-%m-%d}")
    return series, provenance


def _event_dates(events: Any) -> dict[str, pd.Timestamp]:
    import pandas as pd

    if isinstance(events, Mapping):
        return {str(k): pd.Timestamp(v) for k, v in events.items()}
    if isinstance(events, str | pd.Timestamp):
        events = [events]
    out = {}
    for item in events:
        try:
            out[str(item)[:10] if not isinstance(item, str) else item] = pd.Timestamp(item)
        except (TypeError, ValueError):
            from ..policy.registry import event

            out[str(item)] = pd.Timestamp(event(str(item))["date"])
    return out


class EventStudyResults(ModelResults):
    """Results of :class:`EventStudy`: CARs as ``params`` plus the tests and daily ARs.

    ``params`` holds ``CAR[<event>]`` for each event and ``CAAR``; their
    standard errors are the classic ones. ``tests`` is a frame with the
    classic and BMP statistics; ``abnormal_returns`` the daily ARs and CARs.
    """

    def __init__(self, *, abnormal_returns: pd.DataFrame, tests: pd.DataFrame, **kwargs: Any):
        self._abnormal_returns = abnormal_returns.copy()
        self._tests = tests.copy()
        super().__init__(**kwargs)

    @property
    def abnormal_returns(self) -> pd.DataFrame:
        """``event, day, date, return, abnormal_return, car, se_ar`` (a copy)."""
        return self._abnormal_returns.copy()

    @property
    def tests(self) -> pd.DataFrame:
        """One row per test: ``test, estimate, statistic, pvalue, distribution``."""
        return self._tests.copy()

    def _summary_tables(self, alpha: float) -> list[tuple[str, pd.DataFrame]]:
        return [*super()._summary_tables(alpha), ("Tests of the mean CAR", self.tests)]


class EventStudy:
    """Abnormal returns around events, with a market (or constant-mean) model.

    Parameters
    ----------
    prices : Series or DataFrame
        Price levels of the asset: a Series with a DatetimeIndex, or a tidy
        frame (``date``, ``value``) holding one series, e.g.
        ``venecon.load("prices_daily", series="brent", source="eia_spot")``.
    events : iterable or mapping
        Event dates, registry ids (``"pdvsa-sdn"``) or ``{label: date}``.
    market : Series or DataFrame, optional
        Market index prices; without it the constant-mean model is used.
    estimation : (int, int)
        Estimation window in trading days relative to day 0, inclusive.
    window : (int, int)
        Event window in trading days relative to day 0, inclusive.

    Examples
    --------
    >>> import venecon
    >>> from venecon.models.event_study import EventStudy
    >>> brent = venecon.load("prices_daily", series="brent")
    >>> res = EventStudy(brent, ["pdvsa-sdn", "eo13808"]).fit()  # doctest: +SKIP
    """

    def __init__(
        self,
        prices: Any,
        events: Iterable[Any] | Mapping[str, Any],
        *,
        market: Any = None,
        estimation: tuple[int, int] = (-250, -11),
        window: tuple[int, int] = (-1, 1),
    ) -> None:
        self.prices, self._provenance = _prices(prices, "prices")
        self.market, self._market_provenance = None, None
        if market is not None:
            self.market, self._market_provenance = _prices(market, "market")
            if self._market_provenance is None:
                self._market_provenance = {"datasets": {"user-supplied": _sha(self.market)},
                                           "data_version": None}
        self.events = _event_dates(events)
        if not self.events:
            raise ModelSpecificationError("events: no events given")
        (e0, e1), (w0, w1) = estimation, window
        if not (e0 < e1 < w0 <= w1):
            raise ModelSpecificationError(
                f"estimation {estimation} must end before the event window {window} starts")
        self.estimation, self.window = (int(e0), int(e1)), (int(w0), int(w1))

    def fit(self) -> EventStudyResults:
        """Estimate the model per event; return CARs, tests and daily abnormal returns."""
        import numpy as np
        import pandas as pd
        from scipy import stats

        levels = {"r": self.prices}
        if self.market is not None:
            levels["m"] = self.market
        # Trading days are the dates with every price; a non-positive price (WTI on
        # 2020-04-20) gives undefined log returns, an error only if a window uses it.
        prices = pd.DataFrame(levels).dropna()
        frame = np.log(prices.where(prices > 0)).diff().iloc[1:]
        dates = frame.index
        rows, cars, ses, dfs, span, used = [], {}, {}, [], [len(dates), 0], 0
        for label, when in self.events.items():
            t0 = int(dates.searchsorted(when))
            if t0 >= len(dates) or when < dates[0]:
                raise ModelSpecificationError(
                    f"event {label} ({when:%Y-%m-%d}) is outside the returns sample "
                    f"{dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d}")
            lo, hi = t0 + self.estimation[0], t0 + self.estimation[1]
            w0, w1 = t0 + self.window[0], t0 + self.window[1]
            if lo < 0 or w1 >= len(dates):
                raise InsufficientDataError(
                    f"event {label} ({when:%Y-%m-%d}): the estimation window {self.estimation} "
                    f"and event window {self.window} need trading days outside the sample")
            span = [min(span[0], lo), max(span[1], w1)]
            est, evt = frame.iloc[lo:hi + 1], frame.iloc[w0:w1 + 1]
            bad = pd.concat([est, evt]).isna().any(axis=1)
            if bad.any():
                raise ModelSpecificationError(
                    f"event {label} ({when:%Y-%m-%d}): log return undefined on "
                    f"{bad.index[bad][0]:%Y-%m-%d} (a non-positive price) inside the windows")
            X = np.column_stack([np.ones(len(est))] + ([est["m"]] if "m" in est else []))
            X0 = np.column_stack([np.ones(len(evt))] + ([evt["m"]] if "m" in evt else []))
            beta, *_ = np.linalg.lstsq(X, est["r"].to_numpy(), rcond=None)
            df = len(est) - X.shape[1]
            s2 = float(np.sum((est["r"].to_numpy() - X @ beta) ** 2) / df)
            V = s2 * (np.eye(len(evt)) + X0 @ np.linalg.inv(X.T @ X) @ X0.T)
            ar = evt["r"].to_numpy() - X0 @ beta
            cars[label], ses[label] = float(ar.sum()), float(np.sqrt(V.sum()))
            dfs.append(df)
            used += len(est)
            rows.append(pd.DataFrame({
                "event": label, "day": np.arange(self.window[0], self.window[1] + 1),
                "date": evt.index, "return": evt["r"].to_numpy(), "abnormal_return": ar,
                "car": np.cumsum(ar), "se_ar": np.sqrt(np.diag(V))}))
        n = len(cars)
        car = pd.Series(cars)
        se = pd.Series(ses)
        caar, se_caar = float(car.mean()), float(np.sqrt((se**2).sum()) / n)
        scar = car / se
        bmp = float(scar.mean() * np.sqrt(n) / scar.std(ddof=1)) if n > 1 else float("nan")
        tests = pd.DataFrame([
            {"test": "classic (CAAR / sd)", "estimate": caar, "statistic": caar / se_caar,
             "pvalue": 2 * stats.norm.sf(abs(caar / se_caar)), "distribution": "normal"},
            {"test": "BMP (standardised, event-induced variance robust)",
             "estimate": float(scar.mean()), "statistic": bmp,
             "pvalue": 2 * stats.t.sf(abs(bmp), n - 1) if n > 1 else float("nan"),
             "distribution": f"t({n - 1})"},
        ])
        names = [f"CAR[{k}]" for k in cars] + ["CAAR"]
        params = pd.Series([*car.to_numpy(), caar], index=names)
        std = pd.Series([*se.to_numpy(), se_caar], index=names)
        # Independent events: Var(CAR_i) on the diagonal and, as CAAR is their mean,
        # Cov(CAR_i, CAAR) = Var(CAR_i) / n.
        var = se.to_numpy() ** 2
        cov = np.diag(np.append(var, se_caar**2))
        cov[:n, n] = cov[n, :n] = var / n
        model = "market model" if self.market is not None else "constant-mean model"
        options = {"estimation": self.estimation, "window": self.window, "model": model,
                   "events": {k: f"{v:%Y-%m-%d}" for k, v in self.events.items()},
                   "returns": "log"}
        data = dict(self._provenance or {"datasets": {"user-supplied": _sha(self.prices)},
                                         "data_version": None})
        if self.market is not None:
            data["market"] = {"datasets": dict(self._market_provenance["datasets"]),
                              "data_version": self._market_provenance.get("data_version")}
        notes = [f"{model.capitalize()} on trading days "
                 f"{self.estimation[0]}..{self.estimation[1]}; "
                 f"CAR over days {self.window[0]}..{self.window[1]}; per-event t-tests use "
                 f"t({min(dfs)}) or more degrees of freedom, CAAR a normal reference."]
        if n == 1:
            notes.append("BMP test needs two or more events: not computed.")
        return EventStudyResults(
            abnormal_returns=pd.concat(rows, ignore_index=True), tests=tests,
            model="venecon.models.EventStudy", dependent=str(getattr(self.prices, "name", "")
                                                             or "returns"),
            params=params, std_errors=std, cov=pd.DataFrame(cov, names, names),
            nobs=used, df_resid=float(min(dfs)),
            cov_type="market-model prediction error (classic)",
            provenance=build_provenance(model="venecon.models.EventStudy", data=data,
                                        sample=dates[span[0]:span[1] + 1], options=options),
            notes=notes, statistics={"bmp_z": bmp, "classic_z": caar / se_caar, "events": n})


def _sha(series: pd.Series) -> str:
    import hashlib

    return hashlib.sha256(series.to_csv().encode("utf-8")).hexdigest()
