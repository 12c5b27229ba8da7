"""Event regressors for the estimators: step, pulse, ramp, decay and event-time dummies.

Every builder takes a regular date index (a ``DatetimeIndex`` of daily,
weekly, monthly, quarterly or annual dates, or a ``PeriodIndex``) and an event
(a date-like, or an id of :func:`venecon.events`), and returns values aligned
to that index.

Partial periods
---------------
An event inside a period (EO 13808 took effect on 2017-08-25, 7 of August's
31 days before September) is placed according to ``partial``:

``"start"`` (default)
    The event's own period is treated in full (August 2017 = 1).
``"next"``
    Treatment starts in the first period that begins on or after the event
    (September 2017); an event on a period's first day starts that period.
``"fraction"``
    The event's period gets the share of its days from the event day on
    (August 2017 = 7/31); later periods follow in event time, so a ramp or
    decay is shifted by the same fraction.

All builders are functions of the same event time (see
:func:`venecon.policy._index.elapsed`), so ``pulse`` is the first difference
of ``step``, ``ramp(k=1)`` equals ``step``, and ``"fraction"`` lies between
``"start"`` and ``"next"``. :func:`venecon.regimes` uses the same conventions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DateRangeError, EventNotFoundError, OptionError
from . import _index

__all__ = ["step", "pulse", "ramp", "decay", "event_time_dummies", "resolve"]


def resolve(date: Any) -> tuple[str, pd.Timestamp, str | None]:
    """(label, calendar day, date precision) for a date-like or a registry event id.

    A string is looked up as an event id first (ids never read as dates, the
    registry's schema guarantees it), then read as a date.
    """
    if isinstance(date, str):
        from ..data._package import suggest
        from .registry import all_events, event

        ids = all_events()["id"].tolist()
        if date in ids:
            record = event(date)
            return date, record["date"], record["date_precision"]
        try:
            stamp = _index.to_timestamp(date, "event")
        except DateRangeError:
            raise EventNotFoundError(
                f"event {date!r} is neither a registry event id nor a date (YYYY-MM-DD)."
                f"{suggest(date, ids)} venecon.events() lists the ids."
            ) from None
        return f"{stamp:%Y-%m-%d}", stamp, None
    stamp = _index.to_timestamp(date, "event")
    return f"{stamp:%Y-%m-%d}", stamp, None


def _prepare(index: Any, date: Any, partial: str) -> tuple[pd.Index, str, int, np.ndarray]:
    """(index to return, label, event position, elapsed event time) after every check."""
    _index.check_partial(partial)
    periods = _index.as_periods(index)
    label, stamp, precision = resolve(date)
    shown = repr(label)
    _index.check_precision(periods, precision, shown, stamp)
    k = _index.check_in_index(periods, stamp, partial, shown)
    original = index.index if isinstance(index, pd.Series | pd.DataFrame) else index
    return original, label, k, _index.elapsed(periods, stamp, partial)


def _series(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    return pd.Series(values.astype("float64"), index=index, name=name)


def step(index: pd.DatetimeIndex | pd.PeriodIndex, date: Any, *,
         partial: str = "start") -> pd.Series:
    """0 before the event, 1 from the event's period on.

    Parameters
    ----------
    index : DatetimeIndex or PeriodIndex
        A regular daily, weekly, monthly, quarterly or annual index.
    date : date-like or str
        The event date, or an event id of the registry (``"gl41"``).
    partial : {"start", "next", "fraction"}, default "start"
        How an event inside a period is placed (see the module docstring).

    Returns
    -------
    Series
        Float values on ``index``, named after the event id (or its date).

    Raises
    ------
    DateRangeError
        The event lies outside the index, or is dated only to a month or year
        and the index is finer.
    DateIndexError
        The index is irregular, unsorted, has duplicates or an unsupported
        frequency.
    EventNotFoundError
        A string that is neither a date nor an event id.
    """
    original, label, _, e = _prepare(index, date, partial)
    return _series(np.clip(e, 0.0, 1.0), original, label)


def pulse(index: pd.DatetimeIndex | pd.PeriodIndex, date: Any, *,
          partial: str = "start") -> pd.Series:
    """1 in the event's period only (the first difference of :func:`step`).

    With ``partial="fraction"`` the pulse is split between the event's period
    (the share of days from the event on) and the next (the rest), so it still
    sums to one. Parameters, returns and errors as for :func:`step`; the name
    is ``"<event>_pulse"``.
    """
    original, label, _, e = _prepare(index, date, partial)
    values = np.clip(e, 0.0, 1.0) - np.clip(e - 1.0, 0.0, 1.0)
    return _series(values, original, f"{label}_pulse")


def ramp(index: pd.DatetimeIndex | pd.PeriodIndex, date: Any, periods: int, *,
         partial: str = "start") -> pd.Series:
    """0 before the event, then rising linearly to 1 over ``periods`` periods, then 1.

    The event's period is ``1/periods``, the next ``2/periods``, and so on;
    ``ramp(..., periods=1)`` equals :func:`step`. The name is
    ``"<event>_ramp<periods>"``. Other parameters, returns and errors as for
    :func:`step`; ``periods`` must be a positive integer.
    """
    if isinstance(periods, bool) or not isinstance(periods, int | np.integer) or periods < 1:
        raise OptionError(f"ramp periods must be a positive integer, got {periods!r}")
    original, label, _, e = _prepare(index, date, partial)
    return _series(np.clip(e / int(periods), 0.0, 1.0), original, f"{label}_ramp{int(periods)}")


def decay(index: pd.DatetimeIndex | pd.PeriodIndex, date: Any, rate: float, *,
          partial: str = "start") -> pd.Series:
    """0 before the event, 1 in the event's period, then ``rate**k`` k periods later.

    ``rate`` must lie strictly between 0 and 1 (the half-life is
    ``log(0.5) / log(rate)`` periods). With ``partial="fraction"`` the event
    period gets its share of days and later periods ``rate**(k - phi)``. The
    name is ``"<event>_decay<rate>"``. Other parameters, returns and errors as
    for :func:`step`.
    """
    number = isinstance(rate, int | float | np.floating) and not isinstance(rate, bool)
    if not number or not 0 < rate < 1:
        raise OptionError(f"decay rate must be a number strictly between 0 and 1, got {rate!r}")
    original, label, _, e = _prepare(index, date, partial)
    with np.errstate(over="ignore"):
        tail = np.power(float(rate), np.maximum(e - 1.0, 0.0))
    values = np.where(e <= 0, 0.0, np.where(e < 1, e, tail))
    return _series(values, original, f"{label}_decay{float(rate):g}")


def event_time_dummies(index: pd.DatetimeIndex | pd.PeriodIndex, date: Any, *, leads: int,
                       lags: int, reference: int | None = -1) -> pd.DataFrame:
    """Event-time indicators with binned endpoints, for event studies.

    Relative period ``r`` is the index position minus the event's position
    (the event's period, ``r = 0``, is the one containing the event date, as
    ``partial="start"``). One column per ``r`` from ``-leads`` to ``lags``
    except ``reference``:

    * ``"<event>_lead<m>"`` is 1 where ``r = -m``; the earliest,
      ``lead<leads>``, is binned: 1 for every ``r <= -leads``;
    * ``"<event>_lag<m>"`` is 1 where ``r = m`` (``lag0`` is the event
      period); the last, ``lag<lags>``, is binned: 1 for every ``r >= lags``.

    Every period thus belongs to exactly one column or to the omitted
    reference period, and the coefficients are effects relative to it.

    Parameters
    ----------
    index : DatetimeIndex or PeriodIndex
        A regular index, as for :func:`step`.
    date : date-like or str
        The event date or a registry id.
    leads, lags : int
        Pre-event and post-event periods with their own column (``leads >= 0``,
        ``lags >= 0``). With ``leads=0`` there are no pre-event columns and
        every pre-event period is in the baseline (set ``reference=None``).
    reference : int or None, default -1
        The relative period left out as the baseline; it must lie in
        ``[-leads, lags]``. ``None`` keeps every column (then add no
        intercept, or drop one yourself).

    Returns
    -------
    DataFrame
        ``leads + lags + 1`` columns (one fewer with a reference) of 0.0/1.0 on
        ``index``, ordered from the earliest lead to the last lag.

    Raises
    ------
    ValueError
        Negative or non-integer ``leads``/``lags``, or a ``reference`` outside
        ``[-leads, lags]``.
    DateRangeError, DateIndexError, EventNotFoundError
        As for :func:`step`.
    """
    for name, value in (("leads", leads), ("lags", lags)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise OptionError(f"{name} must be a non-negative integer, got {value!r}")
    leads, lags = int(leads), int(lags)
    if reference is not None:
        if isinstance(reference, bool) or not isinstance(reference, int | np.integer):
            raise OptionError(
                f"reference must be an integer relative period or None, got {reference!r}")
        if not -leads <= reference <= lags:
            raise OptionError(
                f"reference {reference} is outside the event window [-{leads}, {lags}]: choose "
                f"a relative period inside it (leads={leads}), or reference=None"
            )
    original, label, k, _ = _prepare(index, date, "start")
    r = np.arange(len(original)) - k
    columns: dict[str, np.ndarray] = {}
    for rel in range(-leads, lags + 1):
        if rel == reference:
            continue
        if rel == -leads and leads > 0:
            hit = r <= rel
        elif rel == lags:
            hit = r >= rel
        else:
            hit = r == rel
        name = f"{label}_lead{-rel}" if rel < 0 else f"{label}_lag{rel}"
        columns[name] = hit.astype("float64")
    return pd.DataFrame(columns, index=original)
