"""Calendar facts about periods and series shared by the models and the revenue accounting.

This module sits below both :mod:`venecon.models` and :mod:`venecon.revenue`
(it imports neither), so each can use it without an import circle.

* :func:`days_in_period`: days of one month or year (365/366);
* :func:`period_days`: days of each element of a regular index (month, quarter
  or year starts, a ``PeriodIndex`` or integer years);
* :func:`series_sha256`: the digest that identifies user-supplied data in provenance;
* :func:`read_date`: a date-like value as a ``Timestamp``, or the caller's error.
"""

from __future__ import annotations

import calendar
import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["days_in_period", "period_days", "read_date", "series_sha256"]


def read_date(value: Any, what: str, error: type[Exception]) -> pd.Timestamp:
    """``value`` as a ``Timestamp``; raises ``error`` naming ``what`` if it is no date or NaT."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise error(f"cannot read {what} {value!r} as a date ({exc})") from None
    if stamp is pd.NaT:
        raise error(f"{what} is missing (NaT)")
    return stamp


def series_sha256(values: pd.Series) -> str:
    """sha256 of a series' index (int64 view) and float64 values: identifies user-supplied data."""
    import numpy as np

    digest = hashlib.sha256()
    digest.update(np.asarray(values.index.asi8, dtype="<i8").tobytes())
    digest.update(np.asarray(values.to_numpy(dtype="float64"), dtype="<f8").tobytes())
    return digest.hexdigest()


def days_in_period(period: Any) -> int:
    """Number of days in a month or a year.

    Parameters
    ----------
    period : str, Timestamp, Period or int
        ``"2019-02"`` or a month ``Period``/``Timestamp`` gives the days of
        that month; ``"2019"``, a year ``Period`` or the integer ``2019`` gives
        the days of that year (365 or 366). A ``Timestamp`` is read as its month.

    Returns
    -------
    int

    Examples
    --------
    >>> days_in_period("2020-02"), days_in_period(2020), days_in_period("2019")
    (29, 366, 365)
    """
    import pandas as pd

    if isinstance(period, bool):
        raise TypeError("period must be a month or a year, not a bool")
    if isinstance(period, int):
        return 366 if calendar.isleap(period) else 365
    if isinstance(period, str) and period.strip().isdigit() and len(period.strip()) == 4:
        return days_in_period(int(period))
    if isinstance(period, pd.Timestamp):
        return int(period.days_in_month)
    try:
        p = period if isinstance(period, pd.Period) else pd.Period(period)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot read {period!r} as a month or a year ({exc})") from None
    freq = p.freqstr.split("-")[0]
    if freq in ("M", "ME"):
        return int(p.days_in_month)
    if freq in ("Y", "A", "YE", "Y-DEC", "A-DEC"):
        return 366 if p.is_leap_year else 365
    if freq == "D":
        # pd.Period("2019-02-01") is a day: read it as the month it falls in.
        return int(p.days_in_month)
    raise TypeError(f"period {period!r} has frequency {p.freqstr!r}; give a month or a year")


def period_days(index: Any) -> np.ndarray:
    """Days of each period of a regular index, as floats.

    A ``PeriodIndex`` (any frequency) counts each period's own span; integer
    years count 365 or 366 days; a ``DatetimeIndex`` whose ``freq`` is a
    quarter or year start (``QS``, ``YS``) counts the days to the next
    period's start; any other ``DatetimeIndex`` is read month by month (the
    days of each date's month).
    """
    import numpy as np
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        span = index.end_time.normalize() - index.start_time.normalize()
        return np.asarray(span.days + 1, dtype="float64")
    if isinstance(index, pd.DatetimeIndex):
        code = (index.freqstr or "M").split("-")[0]
        if code in ("QS", "YS", "AS", "QE", "YE", "Q", "Y", "A"):
            return period_days(index.to_period(code[0] if code[0] != "A" else "Y"))
        return np.asarray(index.days_in_month, dtype="float64")
    values = np.asarray(index)
    if values.dtype.kind in "iu":
        return np.array([366.0 if calendar.isleap(int(y)) else 365.0 for y in values])
    raise TypeError(
        f"period_days needs a DatetimeIndex, a PeriodIndex or integer years, got "
        f"{type(index).__name__} ({values.dtype})"
    )
