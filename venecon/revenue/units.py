"""Unit conversions and unit checks for revenue accounting.

Three units meet in every revenue figure, and mixing them up is the most common
error in published arithmetic:

* ``kb/d``: thousand barrels per day, a *flow* (how output is reported);
* barrels: a *stock* over a period, ``kb/d x 1000 x days in the period``;
* ``USD million``: revenue, ``barrels x USD/bbl / 1e6``.

The helpers here make each step explicit. :func:`kbd_to_barrels` needs the
period because a month has 28 to 31 days and a year 365 or 366; nothing in
venecon silently assumes 30-day months.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._periods import days_in_period, period_days
from ..exceptions import UnitError
from ..models.core.flow_units import register_flow_unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BARRELS_PER_KB",
    "BARRELS_PER_UNIT_DAY",
    "register_oil_flow_units",
    "USD_PER_MILLION",
    "VOLUME_UNIT",
    "PRICE_UNIT",
    "REVENUE_UNIT",
    "days_in_period",
    "kbd_to_barrels",
    "barrels_to_kbd",
    "usd_to_usd_million",
    "usd_million_to_usd",
    "check_unit",
    "month_ranges",
]

#: Barrels in one thousand barrels.
BARRELS_PER_KB = 1_000.0
#: Barrels per (unit x day) for flow units of oil output, what a path model's
#: ``cumulative_effect`` sums over calendar days.
# "mb/d" is million barrels per day (as in EIA and the literature notes). "Mb/d" is left
# out on purpose: in industry usage it often means thousand b/d, so it is ambiguous.
BARRELS_PER_UNIT_DAY = {"b/d": 1.0, "kb/d": 1e3, "mb/d": 1e6}
#: US dollars in one USD million.
USD_PER_MILLION = 1_000_000.0
#: The unit every volume must be in.
VOLUME_UNIT = "kb/d"
#: The unit every price and discount must be in.
PRICE_UNIT = "USD/bbl"
#: The unit of every revenue column.
REVENUE_UNIT = "USD million"


def _index_days(index: Any) -> Any:
    """Days of each element of a PeriodIndex (any frequency) or a monthly DatetimeIndex.

    A period covers its own span (a year Period 365 or 366 days, not the 31 of
    its first month). A DatetimeIndex is read month by month, so one with a
    declared non-monthly frequency (e.g. ``YS``) is refused rather than valued
    at 28-31 days per element.
    """
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex):
        freq = index.freqstr
        if freq is not None and not freq.startswith("M"):
            raise TypeError(
                f"a DatetimeIndex of frequency {freq!r} is read month by month; pass a PeriodIndex "
                "(e.g. index.to_period('Y')) or period= a year for annual flows"
            )
    return period_days(index)


def _days_like(kbd: Any, period: Any) -> Any:
    """Days per element: from ``period`` or, if it is None, from a Series' monthly index."""
    import pandas as pd

    if period is not None:
        if isinstance(period, pd.DatetimeIndex | pd.PeriodIndex):
            return _index_days(period)
        return float(days_in_period(period))
    if isinstance(kbd, pd.Series) and isinstance(kbd.index, pd.DatetimeIndex | pd.PeriodIndex):
        return _index_days(kbd.index)
    raise TypeError(
        "period is required: a month ('2019-01'), a year ('2019' or 2019), or a monthly "
        "DatetimeIndex; it is optional only for a Series with a monthly date index"
    )


def kbd_to_barrels(kbd: Any, period: Any = None) -> Any:
    """Barrels over a period from a flow in thousand barrels per day.

    ``barrels = kbd x 1000 x days in period``.

    Parameters
    ----------
    kbd : float, array or Series
        Flow in kb/d.
    period : month, year, monthly DatetimeIndex or PeriodIndex, optional
        See :func:`days_in_period`. Omit it for a Series with a monthly date
        index (each value is then converted with its own month's days) or a
        PeriodIndex (each value with its own period's days: 365/366 for years).

    Examples
    --------
    >>> kbd_to_barrels(1.0, "2019-01")
    31000.0
    >>> kbd_to_barrels(797, 2019)  # Rodriguez (2019): 797 kb/d over a year
    290905000.0
    """
    return kbd * _days_like(kbd, period) * BARRELS_PER_KB


def barrels_to_kbd(barrels: Any, period: Any = None) -> Any:
    """Average flow in kb/d from barrels over a period; the inverse of :func:`kbd_to_barrels`."""
    return barrels / (_days_like(barrels, period) * BARRELS_PER_KB)


def usd_to_usd_million(usd: Any) -> Any:
    """US dollars to USD million (divide by 1e6)."""
    return usd / USD_PER_MILLION


def usd_million_to_usd(usd_million: Any) -> Any:
    """USD million to US dollars (multiply by 1e6)."""
    return usd_million * USD_PER_MILLION


def check_unit(data: Any, expected: str, what: str) -> str | None:
    """Raise :class:`UnitError` unless ``data`` is in ``expected``.

    A tidy frame's ``unit`` column is checked row by row; a Series or wide
    frame is checked through ``attrs["unit"]`` if present. Data that carry no
    unit at all are accepted (returning ``None``): the caller documents the
    unit it assumes and records that it was not checkable.
    """
    import pandas as pd

    units: list[str]
    if isinstance(data, pd.DataFrame) and "unit" in data.columns:
        units = sorted({str(u) for u in data["unit"].dropna().unique()})
    elif isinstance(data, pd.Series | pd.DataFrame) and "unit" in data.attrs:
        units = [str(data.attrs["unit"])]
    else:
        return None
    wrong = [u for u in units if u != expected]
    if wrong:
        raise UnitError(
            f"{what}: expected unit {expected!r}, found {', '.join(map(repr, wrong))}. "
            f"Convert the data to {expected} first (see venecon.revenue.units)"
        )
    return expected if units else None


def month_ranges(months: Iterable[pd.Timestamp], limit: int = 8) -> str:
    """Compact text for a set of months: ``'2018-01 to 2020-02 (26 months), 2021-05'``."""
    import pandas as pd

    periods = sorted({pd.Timestamp(m).to_period("M") for m in months})
    if not periods:
        return "none"
    runs: list[tuple[Any, Any]] = []
    for p in periods:
        if runs and (p - runs[-1][1]).n == 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    parts = []
    for lo, hi in runs[:limit]:
        n = (hi - lo).n + 1
        parts.append(str(lo) if n == 1 else f"{lo} to {hi} ({n} months)")
    if len(runs) > limit:
        parts.append(f"... and {len(runs) - limit} more run(s)")
    return ", ".join(parts)


def register_oil_flow_units() -> None:
    """Register :data:`BARRELS_PER_UNIT_DAY` with the models (``import venecon`` does this)."""
    for unit, barrels in BARRELS_PER_UNIT_DAY.items():
        register_flow_unit(unit, barrels)
