"""Input handling shared by the revenue functions: monthly series, coverage, provenance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._periods import series_sha256
from ..exceptions import DateRangeError, SchemaError
from ..models.core.outcome import numeric_values
from .units import check_unit, month_ranges

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "to_months",
    "series_sha256",
    "frame_provenance",
    "select_price",
    "require_cover",
    "prepare_volumes",
    "month_start",
]


def to_months(index: Any, what: str) -> pd.DatetimeIndex:
    """Month-start DatetimeIndex from dates or monthly periods; one value per month."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        if not index.freqstr.startswith("M"):
            raise SchemaError(
                f"{what}: expected monthly data, got periods of frequency {index.freqstr!r}"
            )
        months = index.to_timestamp(how="start")
    else:
        try:
            dates = pd.DatetimeIndex(index)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"{what}: the index must hold monthly dates ({exc})") from None
        if dates.hasnans:
            raise SchemaError(f"{what}: the date index contains missing dates (NaT)")
        months = dates.tz_localize(None) if dates.tz is not None else dates
        months = months.to_period("M").to_timestamp(how="start")
    months = pd.DatetimeIndex(months, name="date")
    duplicated = months[months.duplicated()]
    if len(duplicated):
        raise SchemaError(
            f"{what}: more than one value in {month_ranges(duplicated)}; expected one value per "
            "month (for a tidy frame, select one country, series and source)"
        )
    return months


def month_start(value: Any, what: str) -> pd.Timestamp:
    """The first day of the month of ``value`` (a date-like); a clear error if it is not a date."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise DateRangeError(
            f"{what}={value!r} is not a date ({exc}); pass e.g. '2019-01' or '2019-01-01'"
        ) from None
    if stamp is pd.NaT:
        raise DateRangeError(f"{what}={value!r} is not a date; pass e.g. '2019-01' or '2019-01-01'")
    if stamp.tz is not None:
        stamp = stamp.tz_localize(None)
    return stamp.to_period("M").to_timestamp()


def frame_provenance(data: Any, fallback: pd.Series | None = None) -> dict[str, Any]:
    """``{"datasets": ..., "data_version": ...}`` of a loaded frame, else a user-supplied sha256."""
    attrs = getattr(data, "attrs", {}).get("venecon")
    if isinstance(attrs, Mapping) and "datasets" in attrs:
        return {"datasets": dict(attrs["datasets"]), "data_version": attrs.get("data_version")}
    sha = series_sha256(fallback) if fallback is not None else None
    return {"datasets": {"user-supplied": sha}, "data_version": None}


def _one(frame: pd.DataFrame, key: str, what: str) -> str | None:
    if key not in frame.columns:
        return None
    values = sorted({str(v) for v in frame[key].dropna().unique()})
    if len(values) > 1:
        raise SchemaError(
            f"{what}: the tidy frame holds {len(values)} values of {key!r} "
            f"({', '.join(values[:6])}); "
            f"select one, e.g. venecon.load(..., {key}={values[0]!r})"
        )
    return values[0] if values else None


def tidy_to_series(frame: pd.DataFrame, what: str, unit: str) -> pd.Series:
    """Values of a one-series tidy frame as a float Series on month starts (unit checked)."""
    import pandas as pd

    for key in ("country", "series", "source"):
        _one(frame, key, what)
    check_unit(frame, unit, what)
    values = pd.Series(
        numeric_values(frame["value"], what, error=SchemaError),
        index=to_months(frame["date"], what),
        name=what,
    )
    return values.sort_index()


def select_price(
    prices: Any, series: str, source: str | None, what: str, unit: str = "USD/bbl"
) -> pd.Series:
    """One price series (``series`` from ``source``) from a tidy frame, wide frame or Series."""
    import pandas as pd

    if isinstance(prices, pd.Series):
        check_unit(prices, unit, what)
        out = pd.Series(
            numeric_values(prices, what, error=SchemaError),
            index=to_months(prices.index, what),
            name=series,
        )
        return out.sort_index()
    if not isinstance(prices, pd.DataFrame):
        raise SchemaError(
            f"{what}: prices must be a pandas DataFrame or Series, got {type(prices).__name__}"
        )
    if {"date", "value", "series"} <= set(prices.columns):
        rows = prices[prices["series"] == series]
        if source is not None and "source" in rows.columns:
            rows = rows[rows["source"] == source]
        if rows.empty:
            have = sorted(
                {
                    f"{s} ({src})"
                    for s, src in zip(
                        prices["series"],
                        prices.get("source", pd.Series([""] * len(prices))),
                        strict=False,
                    )
                }
            )
            raise SchemaError(
                f"{what}: no rows with series={series!r}"
                + (f" and source={source!r}" if source else "")
                + f" in the price table; it holds {', '.join(have[:12])}"
            )
        out = tidy_to_series(rows, what, unit)
        return out.rename(series)
    if series not in prices.columns:
        raise SchemaError(
            f"{what}: column {series!r} not in the price frame "
            f"(columns: {', '.join(map(str, prices.columns[:10]))})"
        )
    check_unit(prices, unit, what)
    column = prices[series]
    out = pd.Series(
        numeric_values(column, f"{what} {series!r}", error=SchemaError),
        index=to_months(prices.index, what),
        name=series,
    )
    return out.sort_index()


def require_cover(
    values: pd.Series, months: pd.DatetimeIndex, what: str, hint: str = ""
) -> pd.Series:
    """``values`` on ``months``; :class:`DateRangeError` naming every month without a value."""
    aligned = values.reindex(months)
    gaps = months[aligned.isna().to_numpy()]
    if len(gaps):
        covered = values.dropna()
        span = (
            f"it covers {covered.index.min():%Y-%m} to {covered.index.max():%Y-%m}"
            if len(covered)
            else "it has no values"
        )
        raise DateRangeError(
            f"{what} does not cover {len(gaps)} month(s) of the output period "
            f"{months.min():%Y-%m} to {months.max():%Y-%m}: {month_ranges(gaps)} ({span}).{hint}"
        )
    return aligned


def prepare_volumes(
    volumes: Any, start: Any = None, end: Any = None
) -> tuple[pd.Series, pd.Series | None]:
    """Monthly output in kb/d (checked: unit, one series, no gaps, no missing or negative values).

    Returns the volumes and, for a tidy frame with a ``flag`` column, a boolean
    Series marking flagged months (e.g. annual estimates spread over months).
    """
    import pandas as pd

    flags = None
    if isinstance(volumes, pd.DataFrame) and {"date", "value"} <= set(volumes.columns):
        q = tidy_to_series(volumes, "volumes", "kb/d")
        if "flag" in volumes.columns:
            flags = pd.Series(
                volumes["flag"].notna().to_numpy(), index=to_months(volumes["date"], "volumes")
            )
            flags = flags.sort_index()
    elif isinstance(volumes, pd.Series):
        check_unit(volumes, "kb/d", "volumes")
        q = pd.Series(
            numeric_values(volumes, "volumes", error=SchemaError),
            index=to_months(volumes.index, "volumes"),
        ).sort_index()
    else:
        raise SchemaError(
            "volumes must be a tidy frame from venecon.load (date, value, unit kb/d) or a Series "
            f"in kb/d with a monthly date index, got {type(volumes).__name__}"
        )
    if start is not None:
        q = q[q.index >= month_start(start, "start")]
    if end is not None:
        q = q[q.index <= month_start(end, "end")]
    if q.empty:
        raise DateRangeError(f"volumes: no months between {start!r} and {end!r}")
    full = pd.date_range(q.index.min(), q.index.max(), freq="MS", name="date")
    absent = full.difference(q.index)
    if len(absent):
        raise SchemaError(
            f"volumes: months absent from the series: {month_ranges(absent)}; "
            "pass consecutive months (monthly totals need every month)"
        )
    missing = q.index[q.isna().to_numpy()]
    if len(missing):
        raise SchemaError(
            f"volumes: missing values in {month_ranges(missing)}; revenue needs a volume "
            "for every month (restrict start/end or impute explicitly)"
        )
    negative = q.index[(q < 0).to_numpy()]
    if len(negative):
        raise SchemaError(
            f"volumes: negative values in {month_ranges(negative)} "
            f"(min {q.min():g} kb/d); output cannot be negative"
        )
    q = pd.Series(
        q.to_numpy(), index=pd.DatetimeIndex(full, freq="MS", name="date"), name="volume_kbd"
    )
    if flags is not None:
        flags = flags.reindex(q.index, fill_value=False)
    return q, flags
