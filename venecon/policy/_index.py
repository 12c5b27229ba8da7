"""Date indexes as regular periods, and where an event falls in them.

Regressors and regime indicators are computed on periods: each element of a
regular index is one period (a day, week, month, quarter or year) covering the
calendar days from its start up to the next period's start. A monthly index
may be dated at month starts, month ends or mid-month; all are the same
periods. The event-time arithmetic lives in :func:`elapsed`, which every
builder shares so that the ``partial`` conventions agree everywhere.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import (
    Day,
    MonthBegin,
    MonthEnd,
    QuarterBegin,
    QuarterEnd,
    Week,
    YearBegin,
    YearEnd,
)

from .._periods import read_date
from ..exceptions import DateIndexError, DateRangeError, OptionError

PARTIAL = ("start", "next", "fraction")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
# Frequencies finer than the precision cannot place an event dated only to it.
_RANK = {"D": 0, "W": 1, "M": 2, "Q": 3, "Y": 4}
_PRECISION_RANK = {"day": 0, "month": 2, "year": 4}


def check_partial(partial: str) -> str:
    if partial not in PARTIAL:
        raise OptionError(
            f"partial must be one of {', '.join(map(repr, PARTIAL))}, got {partial!r}")
    return partial


def _period_freq(offset: Any) -> str | None:
    """The period frequency matching a DatetimeIndex offset, or None if unsupported."""
    if getattr(offset, "n", 1) != 1:
        return None
    if isinstance(offset, Day):
        return "D"
    if isinstance(offset, Week) and offset.weekday is not None:
        return f"W-{DAYS[offset.weekday]}"
    if isinstance(offset, MonthBegin | MonthEnd):
        return "M"
    # Quarters and years labelled by their first month end in the month before it.
    if isinstance(offset, QuarterBegin):
        return f"Q-{MONTHS[(offset.startingMonth - 2) % 12]}"
    if isinstance(offset, QuarterEnd):
        return f"Q-{MONTHS[offset.startingMonth - 1]}"
    if isinstance(offset, YearBegin):
        return f"Y-{MONTHS[(offset.month - 2) % 12]}"
    if isinstance(offset, YearEnd):
        return f"Y-{MONTHS[offset.month - 1]}"
    return None


def _consecutive(periods: pd.PeriodIndex) -> bool:
    ordinals = periods.asi8
    return len(ordinals) < 2 or bool(np.all(np.diff(ordinals) == 1))


def _first_gap(periods: pd.PeriodIndex) -> str:
    ordinals = periods.asi8
    steps = np.diff(ordinals)
    bad = int(np.flatnonzero(steps != 1)[0])
    if steps[bad] == 0:
        return f"{periods[bad]} appears twice"
    if steps[bad] < 0:
        return f"{periods[bad + 1]} follows {periods[bad]} (not sorted)"
    return f"{periods[bad + 1]} follows {periods[bad]} (a gap of {steps[bad] - 1} period(s))"


def as_periods(index: Any) -> pd.PeriodIndex:
    """A regular index as consecutive periods, or a :class:`DateIndexError` saying why not.

    Accepts a DatetimeIndex (daily, weekly, monthly, quarterly or annual, with
    or without ``freq`` set), a PeriodIndex of those frequencies, or a Series
    or DataFrame whose index is one of them.
    """
    if isinstance(index, pd.Series | pd.DataFrame):
        index = index.index
    if isinstance(index, pd.PeriodIndex):
        periods = index
        if periods.hasnans:
            raise DateIndexError("the index has missing periods (NaT)")
        code = periods.freqstr.split("-")[0]
        if code not in _RANK:
            raise DateIndexError(f"unsupported index frequency {periods.freqstr!r}: use daily, "
                                 "weekly, monthly, quarterly or annual periods")
    elif isinstance(index, pd.DatetimeIndex):
        if index.hasnans:
            raise DateIndexError("the index has missing dates (NaT)")
        if len(index) == 0:
            raise DateIndexError("the index is empty")
        if index.tz is not None:
            index = index.tz_localize(None)
        if index.has_duplicates:
            dup = index[index.duplicated()][0]
            raise DateIndexError(f"the index has duplicate dates (e.g. {dup:%Y-%m-%d}); "
                                 "regressors need one row per period")
        if not index.is_monotonic_increasing:
            raise DateIndexError("the index is not sorted in increasing date order; sort it first")
        freq = index.freq
        if freq is not None and _period_freq(freq) is None:
            raise DateIndexError(f"unsupported index frequency {freq.freqstr!r}: use daily "
                                 "(calendar days), weekly, monthly, quarterly or annual dates")
        if freq is None and len(index) >= 3:
            inferred = pd.infer_freq(index)
            freq = to_offset(inferred) if inferred else None
        # An inferred spacing such as '31D' (mid-month dates) is not a period: fall through.
        pfreq = _period_freq(freq) if freq is not None else None
        if pfreq is None and len(index) == 1:
            raise DateIndexError("cannot tell the frequency of a one-date index: set its freq "
                                 "(pd.date_range(..., periods=1, freq='MS')) or pass a PeriodIndex")
        if pfreq is None:
            # No inferable freq (e.g. mid-month dates, or two dates): the coarsest-fine
            # frequency at which the dates are consecutive periods.
            for candidate in ("D", "M", "Q-DEC", "Y-DEC"):
                periods = index.to_period(candidate)
                if periods.is_unique and _consecutive(periods):
                    pfreq = candidate
                    break
        if pfreq is None:
            monthly = index.to_period("M")
            detail = _first_gap(monthly) if monthly.is_unique and len(index) > 1 else ""
            raise DateIndexError(
                "the index is irregular: it is not one date per consecutive day, week, month, "
                f"quarter or year{f' ({detail})' if detail else ''}. Regressors need a regular "
                "index; for trading-day data build them on a daily calendar index and reindex"
            )
        periods = index.to_period(pfreq)
    else:
        raise DateIndexError(f"expected a DatetimeIndex or PeriodIndex, got {type(index).__name__}")
    if len(periods) == 0:
        raise DateIndexError("the index is empty")
    if not periods.is_unique or not _consecutive(periods):
        raise DateIndexError(f"the index is irregular: {_first_gap(periods)}")
    return periods


def freq_code(periods: pd.PeriodIndex) -> str:
    return periods.freqstr.split("-")[0]


def describe_span(periods: pd.PeriodIndex) -> str:
    return f"{periods[0]} to {periods[-1]}"


def to_timestamp(date: Any, label: str = "date") -> pd.Timestamp:
    """A calendar day from a date-like (a Period becomes its first day)."""
    if isinstance(date, pd.Period):
        return date.start_time.normalize()
    if isinstance(date, str | _dt.date | _dt.datetime | np.datetime64 | pd.Timestamp):
        stamp = read_date(date, label, DateRangeError)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        return stamp.normalize()
    raise DateRangeError(f"cannot read {label} {date!r} as a date")


def position(periods: pd.PeriodIndex, date: pd.Timestamp, partial: str) -> tuple[int, float]:
    """(k, phi): the event's period relative to ``periods[0]`` and the share of it elapsed.

    ``partial`` says when an event inside a period takes effect:

    * ``"start"``: in the period that contains it (phi = 0);
    * ``"next"``: from the first period that starts on or after it (phi = 0);
    * ``"fraction"``: in its own period, for the share of days from the event on
      (phi is the share of the period elapsed before the event day).
    """
    freq = periods.freq
    own = pd.Period(date, freq=freq)
    k = int(own.ordinal - periods[0].ordinal)
    start = own.start_time
    length = ((own + 1).start_time - start) / pd.Timedelta(days=1)
    phi = ((date - start) / pd.Timedelta(days=1)) / length
    if partial == "start" or phi == 0:
        return k, 0.0
    if partial == "next":
        return k + 1, 0.0
    return k, float(phi)


def elapsed(periods: pd.PeriodIndex, date: pd.Timestamp, partial: str) -> np.ndarray:
    """Periods of exposure to an event by the end of each period of the index.

    ``e = j - k + 1 - phi`` for period ``j``: 0 or less before the event, the
    share of the event period from the event on in that period, and one more
    for each following period. Every builder is a function of ``e``: a step
    is ``clip(e, 0, 1)``, a ramp ``clip(e / periods, 0, 1)``.
    """
    k, phi = position(periods, date, partial)
    j = np.arange(len(periods), dtype="float64")
    return j - k + 1.0 - phi


def check_in_index(periods: pd.PeriodIndex, date: pd.Timestamp, partial: str, label: str) -> int:
    """The event's period position; :class:`DateRangeError` if it is not inside the index."""
    first = periods[0].start_time
    after = (periods[-1] + 1).start_time
    span = describe_span(periods)
    if date < first:
        raise DateRangeError(
            f"event {label} ({date:%Y-%m-%d}) lies before the index ({span}): every period "
            "would be treated, so the regressor would be constant. Start the index earlier."
        )
    if date >= after:
        raise DateRangeError(
            f"event {label} ({date:%Y-%m-%d}) lies after the index ({span}): the regressor "
            "would be all zeros. Extend the index."
        )
    k, _ = position(periods, date, partial)
    if k >= len(periods):
        raise DateRangeError(
            f"event {label} ({date:%Y-%m-%d}) takes effect only after the index ends ({span}) "
            "with partial='next': the regressor would be all zeros. Extend the index."
        )
    return k


def check_precision(periods: pd.PeriodIndex, precision: str | None, label: str,
                    date: pd.Timestamp) -> None:
    """Refuse to place an event known only to the month or year in a finer index."""
    if not precision or precision == "day":
        return
    if _RANK[freq_code(periods)] < _PRECISION_RANK[precision]:
        shown = f"{date:%Y-%m}" if precision == "month" else f"{date:%Y}"
        raise DateRangeError(
            f"event {label} is dated only to the {precision} ({shown}; date_precision "
            f"{precision!r}): placing it in a {periods.freqstr} index would invent a date. "
            f"Use a {'monthly' if precision == 'month' else 'annual'} or coarser index."
        )
