"""Frequencies and regular date indexes: what a period is and how it is labelled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...exceptions import (
    FrequencyError,
    ModelSpecificationError,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FREQUENCIES",
    "frequency_of",
    "period_label",
    "regular_index",
    "period_start",
    "month_start",
]


#: Supported frequencies: code -> (pandas period code, offset alias of period starts, word).
FREQUENCIES = {
    "M": ("M", "MS", "month"),
    "Q": ("Q-DEC", "QS-JAN", "quarter"),
    "Y": ("Y-DEC", "YS-JAN", "year"),
}



def frequency_of(index: Any) -> str:
    """``"M"``, ``"Q"`` or ``"Y"`` of a regular index of period starts, integer years or periods.

    A ``DatetimeIndex`` is read from its ``freq`` if set (as :func:`regular_index`
    sets it), else from the spacing of its dates; one or no date is monthly.
    """
    import numpy as np
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        code = index.freqstr.split("-")[0][0]
        return {"A": "Y"}.get(code, code)
    if not isinstance(index, pd.DatetimeIndex):
        if np.asarray(index).dtype.kind in "iu":
            return "Y"
        raise FrequencyError(f"expected a date index or integer years, got {type(index).__name__}")
    if index.freqstr is not None:
        code = index.freqstr.split("-")[0].rstrip("SE")
        code = {"A": "Y"}.get(code, code)
        if code in FREQUENCIES:
            return code
    months = np.unique(index.to_period("M").asi8)
    step = int(np.gcd.reduce(np.diff(months))) if len(months) > 1 else 1
    return "Y" if step % 12 == 0 else "Q" if step % 3 == 0 and step % 6 != 0 else "M"



def period_label(stamp: Any, freq: str) -> str:
    """How a period is written in messages and tables: ``2019-03``, ``2019Q1`` or ``2019``."""
    import pandas as pd

    stamp = pd.Timestamp(stamp)
    if freq == "Y":
        return f"{stamp:%Y}"
    if freq == "Q":
        return f"{stamp.year}Q{stamp.quarter}"
    return f"{stamp:%Y-%m}"



def _years(values: Any, what: str) -> pd.DatetimeIndex:
    """Integer (or integral float) calendar years as year-start dates."""
    import numpy as np
    import pandas as pd

    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise FrequencyError(
                f"{what}: the index holds non-integer numbers ({arr[:3].tolist()}...); expected "
                "dates or integer calendar years"
            )
        arr = arr.astype("int64")
    if len(arr) and (arr.min() < 1000 or arr.max() > 9999):
        raise FrequencyError(
            f"{what}: the index holds the numbers {arr.min()}..{arr.max()}, not dates or calendar "
            "years (a RangeIndex?). Give the data a date index, e.g. df.set_index('date'), a "
            "tidy frame with a 'date' column, or integer years (1965, 1966, ...)"
        )
    return pd.DatetimeIndex([pd.Timestamp(int(year), 1, 1) for year in arr])



def regular_index(index: Any, what: str) -> pd.DatetimeIndex:
    """Map a date-like index to period starts of one regular frequency: month, quarter or year.

    Accepted: a ``DatetimeIndex`` (or anything ``pd.DatetimeIndex`` reads) with
    one date per month, quarter or year, stamped on the same day of the period
    or on its last day; a monthly, quarterly or annual ``PeriodIndex``; integer
    calendar years. The frequency is read from the dates' spacing (the
    greatest common divisor of the steps in months), so a gap in a monthly
    series is reported as a gap, not as another frequency. The returned dates
    are the periods' first days with ``freq`` set (``MS``, ``QS-JAN``, ``YS-JAN``).

    Raises
    ------
    FrequencyError
        No dates, a time of day, more than one date per month, a spacing that
        is not 1, 3 or 12 months, or dates on different days of their periods.
    """
    import numpy as np
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        code = index.freqstr.split("-")[0]
        code = {"A": "Y", "YE": "Y", "ME": "M", "QE": "Q"}.get(code, code)
        if code not in FREQUENCIES:
            raise FrequencyError(
                f"{what}: a PeriodIndex of frequency {index.freqstr!r} is not supported; use "
                "monthly, quarterly or annual periods"
            )
        stamps = index.to_timestamp(how="start")
        return pd.DatetimeIndex(stamps.to_period(FREQUENCIES[code][0]).to_timestamp(how="start"))
    if not isinstance(index, pd.DatetimeIndex):
        values = np.asarray(index)
        if values.dtype.kind in "iuf" and values.dtype != bool:
            return _years(values, what)
        try:
            index = pd.DatetimeIndex(index)
        except (TypeError, ValueError) as exc:
            raise FrequencyError(
                f"{what}: the index must hold dates (a DatetimeIndex or PeriodIndex) or integer "
                f"years, got {type(index).__name__} ({exc})"
            ) from None
    if index.hasnans:
        raise FrequencyError(f"{what}: the date index contains missing dates (NaT)")
    if index.tz is not None:
        index = index.tz_localize(None)
    if (index.normalize() != index).any():
        raise FrequencyError(
            f"{what}: dates carry a time of day (e.g. {index[index.normalize() != index][0]}); "
            "expected one date per month, quarter or year"
        )
    months = index.to_period("M")
    unique = np.unique(months.asi8)
    if len(unique) < len(np.unique(index.asi8)):
        raise FrequencyError(
            f"{what}: more than one date in a month (daily or weekly data?); time-series models "
            "take one observation per month, quarter or year: aggregate first, e.g. "
            "series.resample('MS').mean()"
        )
    step = int(np.gcd.reduce(np.diff(unique))) if len(unique) > 1 else 0
    if step == 0:
        freq = frequency_of(index) if index.freq is not None else "M"
    elif step % 12 == 0:
        freq = "Y"
    elif step % 3 == 0 and step % 6 != 0:
        freq = "Q"
    elif step == 1:
        freq = "M"
    else:
        raise FrequencyError(
            f"{what}: the index is irregular: dates are {step} months apart, which is not a "
            "monthly, quarterly or annual frequency; give one observation per month, quarter "
            "or year"
        )
    period_code, _, word = FREQUENCIES[freq]
    periods = index.to_period(period_code)
    starts = periods.to_timestamp(how="start")
    # The same place in each period (its first day, the 15th of its middle month, ...)
    # or each period's last day; monthly data may also be stamped on the 28th-31st.
    place = set(zip((months.asi8 - starts.to_period("M").asi8).tolist(), index.day.tolist(),
                    strict=True))
    ends = periods.to_timestamp(how="end").normalize() == index
    if len(place) > 1 and not ends.all() and not (
            freq == "M" and set(index.day.tolist()) <= {28, 29, 30, 31}):
        raise FrequencyError(
            f"{what}: dates fall on different days of the {word} "
            f"({', '.join(f'{d:%Y-%m-%d}' for d in index[:3])}...); expected one observation "
            f"per {word}, stamped at its start or its end"
        )
    return pd.DatetimeIndex(starts)



def period_start(value: Any, freq: str, what: str,
                 error: type[Exception] = ModelSpecificationError) -> pd.Timestamp:
    """First day of the month, quarter or year (``freq``) holding ``value``; an int is a year."""
    import numpy as np
    import pandas as pd

    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        if not 1000 <= int(value) <= 9999:
            raise error(f"{what}: an integer is read as a calendar year, got {value!r}")
        value = pd.Timestamp(int(value), 1, 1)
    stamp = month_start(value, what, error)
    return stamp.to_period(FREQUENCIES[freq][0]).to_timestamp(how="start")



def month_start(value: Any, what: str,
                error: type[Exception] = ModelSpecificationError) -> pd.Timestamp:
    """First day of the month of a date-like ``value``; raises ``error`` if it is no date."""
    from ..._periods import read_date

    return read_date(value, what, error).to_period("M").to_timestamp()

