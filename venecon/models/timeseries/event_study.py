"""Market-model event study: abnormal returns around sanctions and licence news.

For each event, day 0 is the first trading day on or after the event date.
Trading days are the dates present in the data. A date present with a missing
(``NaN``) price is not a trading day to drop silently: if it falls inside an
event's windows (in particular on the event day, which would move day 0), the
fit stops with :class:`~venecon.exceptions.ModelSpecificationError`, unless
``missing="skip"`` says explicitly that such dates are non-trading days.
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

from ...exceptions import InsufficientDataError, ModelSpecificationError
from ..core.checks import check_rank
from ..core.results import ModelResults, build_provenance, path_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EventStudy", "EventStudyResults"]


def _prices(data: Any, label: str) -> tuple[pd.Series, dict[str, Any] | None]:
    """A price series (DatetimeIndex, sorted, unique, finite or NaN) and its provenance.

    ``NaN`` entries are kept (:meth:`EventStudy.fit` decides what they mean);
    text, infinite values and unreadable dates raise here.
    """
    import numpy as np
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
        values, dates = data["value"], data["date"]
    elif isinstance(data, pd.Series):
        values, dates, name = data, data.index, data.name
    else:
        raise ModelSpecificationError(f"{label}: expected a Series or a tidy DataFrame of prices, "
                                      f"got {type(data).__name__}")
    try:
        index = pd.DatetimeIndex(dates)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ModelSpecificationError(
            f"{label}: the dates are unreadable ({type(exc).__name__}: {exc}); pass a "
            f"DatetimeIndex or a 'date' column of dates") from None
    if index.hasnans:
        raise ModelSpecificationError(f"{label}: the dates contain missing values (NaT)")
    if index.tz is not None:
        index = index.tz_localize(None)
    raw = np.asarray(values)
    if raw.dtype.kind in "fiu":
        numbers = raw.astype("float64")
    else:  # object, string or bool columns: every entry must be a real number (or missing)
        raw = raw.astype(object)
        numbers = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype="float64")
        text = (np.isnan(numbers) & pd.notna(raw)) | np.array(
            [isinstance(v, bool | np.bool_) for v in raw], dtype=bool)
        if text.any():
            first = int(np.flatnonzero(text)[0])
            raise ModelSpecificationError(
                f"{label}: {int(text.sum())} price(s) are not numbers, e.g. {raw[first]!r} on "
                f"{index[first]:%Y-%m-%d}; convert the column with pd.to_numeric and decide "
                f"what the entries mean")
    series = pd.Series(numbers, index=index, name=name)
    if np.isinf(series.to_numpy()).any():
        raise ModelSpecificationError(
            f"{label}: infinite price on {series.index[np.isinf(series.to_numpy())][0]:%Y-%m-%d}")
    series = series.sort_index(kind="stable")
    if series.index.has_duplicates:
        raise ModelSpecificationError(f"{label}: duplicate dates, e.g. "
                                      f"{series.index[series.index.duplicated()][0]:%Y-%m-%d}")
    if series.notna().sum() < 3:
        raise InsufficientDataError(f"{label}: {int(series.notna().sum())} price(s); an event "
                                    f"study needs estimation and event windows of returns")
    return series, provenance


def _timestamp(label: str, value: Any) -> pd.Timestamp:
    """An event date, or a registry id's date; a clear error for anything else."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    if isinstance(value, str):
        try:
            when = pd.Timestamp(value)
        except (TypeError, ValueError):  # not a date: a registry id (or an unknown one)
            from ...policy.registry import event

            return pd.Timestamp(event(value)["date"])
    elif isinstance(value, dt.date | np.datetime64):
        try:
            when = pd.Timestamp(value)
        except (TypeError, ValueError, OverflowError):
            when = pd.NaT
    else:
        raise ModelSpecificationError(
            f"event {label}: expected a date, a date string or a registry id, got "
            f"{type(value).__name__} {value!r:.40}")
    if pd.isna(when):
        raise ModelSpecificationError(f"event {label}: {value!r:.40} is not a usable date")
    when = when.tz_localize(None) if when.tzinfo is not None else when
    if not pd.Timestamp.min <= when <= pd.Timestamp.max:
        raise ModelSpecificationError(
            f"event {label}: {when:%Y-%m-%d} is outside the dates pandas can hold "
            f"({pd.Timestamp.min:%Y-%m-%d} to {pd.Timestamp.max:%Y-%m-%d})")
    return when


def _event_dates(events: Any) -> dict[str, pd.Timestamp]:
    import datetime as dt

    import numpy as np

    if isinstance(events, Mapping):
        return {str(k): _timestamp(str(k), v) for k, v in events.items()}
    if isinstance(events, str | dt.date | np.datetime64):
        events = [events]
    if not isinstance(events, Iterable):
        raise ModelSpecificationError(
            f"events: expected dates, registry ids or a {{label: date}} mapping, got "
            f"{type(events).__name__}")
    out = {}
    for item in events:
        label = item if isinstance(item, str) else str(item)[:10]
        out[label] = _timestamp(label, item)
    return out


def _window(value: Any, what: str) -> tuple[int, int]:
    import numbers

    if (not isinstance(value, tuple | list) or len(value) != 2
            or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                       for v in value)):
        raise ModelSpecificationError(f"{what}: expected two integers (first, last trading day "
                                      f"relative to day 0), got {value!r:.60}")
    return int(value[0]), int(value[1])


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

    def _headline_name(self) -> str:
        return "CAAR"

    def _path(self, alpha: float) -> pd.DataFrame:
        """One row per (event, trading day): the abnormal return with its ``1 - alpha``
        prediction interval, the return (``observed``) and the model's prediction
        (``counterfactual``), the day's ``date`` and the cumulative ``car``."""
        ar = self._abnormal_returns
        q = self._critical(alpha)
        est, se = ar["abnormal_return"], ar["se_ar"]
        return path_frame(ar["day"], est, se, est - q * se, est + q * se,
                          observed=ar["return"], counterfactual=ar["return"] - est,
                          event=ar["event"], date=ar["date"], car=ar["car"])

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
    missing : {"raise", "skip"}
        What a date with a missing (``NaN``) price inside an event's windows
        means. ``"raise"`` (default) stops with an error naming the date, as a
        missing price on the event day would otherwise move day 0 to the next
        trading day; ``"skip"`` treats such dates as non-trading days.

    Examples
    --------
    >>> import venecon
    >>> from venecon.models.timeseries.event_study import EventStudy
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
        missing: str = "raise",
    ) -> None:
        if missing not in ("raise", "skip"):
            raise ModelSpecificationError(f"missing must be 'raise' or 'skip', got {missing!r}")
        self.missing = missing
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
        (e0, e1), (w0, w1) = _window(estimation, "estimation"), _window(window, "window")
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
        # dates the user supplied with a missing price (not merely absent dates)
        gaps = pd.DatetimeIndex(sorted(set().union(*(s.index[s.isna()] for s in levels.values()))))
        prices = pd.DataFrame(levels).dropna()
        if len(prices) < 3:
            raise InsufficientDataError(f"{len(prices)} date(s) carry every price (asset and "
                                        f"market); an event study needs many more")
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
            inside = gaps[(gaps >= min(dates[lo], when)) & (gaps <= max(dates[w1], dates[t0]))]
            if len(inside) and self.missing == "raise":
                on_day = f" is the event day (day 0 would move to {dates[t0]:%Y-%m-%d})" \
                    if when.normalize() in inside else " lies inside the windows"
                raise ModelSpecificationError(
                    f"event {label} ({when:%Y-%m-%d}): the price on {inside[0]:%Y-%m-%d} is "
                    f"missing (NaN) and{on_day}. Fill it, drop the date, or pass "
                    f"missing='skip' to treat dates with missing prices as non-trading days")
            est, evt = frame.iloc[lo:hi + 1], frame.iloc[w0:w1 + 1]
            bad = pd.concat([est, evt]).isna().any(axis=1)
            if bad.any():
                raise ModelSpecificationError(
                    f"event {label} ({when:%Y-%m-%d}): log return undefined on "
                    f"{bad.index[bad][0]:%Y-%m-%d} (a non-positive price) inside the windows")
            if "m" in est and np.ptp(est["m"].to_numpy()) == 0:
                raise ModelSpecificationError(
                    f"event {label} ({when:%Y-%m-%d}): the market price is constant over the "
                    f"estimation window, so the market model's beta is not identified; check "
                    f"the market series or drop market= for the constant-mean model")
            X = np.column_stack([np.ones(len(est))] + ([est["m"]] if "m" in est else []))
            X0 = np.column_stack([np.ones(len(evt))] + ([evt["m"]] if "m" in evt else []))
            check_rank(X, ["constant", "market"][:X.shape[1]], f"event {label}")
            beta, *_ = np.linalg.lstsq(X, est["r"].to_numpy(), rcond=None)
            df = len(est) - X.shape[1]
            resid = est["r"].to_numpy() - X @ beta
            s2 = float(np.sum(resid**2) / df)
            # A model that fits the estimation window exactly leaves no variance to test
            # against (constant prices, or an asset that is the market): the t-statistics
            # would divide by zero or by rounding noise.
            if s2 <= 1e-24 + 1e-20 * float(np.mean(est["r"].to_numpy() ** 2)):
                kind = "market" if "m" in est else "constant-mean"
                raise ModelSpecificationError(
                    f"event {label} ({when:%Y-%m-%d}): the {kind} model fits the estimation "
                    f"window exactly (residual variance {s2:.3g}); the asset's prices are "
                    f"constant there"
                    f"{' or move exactly with the market' if 'm' in est else ''}, so abnormal "
                    f"returns cannot be tested. Use a longer or different estimation window")
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
