"""``venecon.load``: a curated table as a tidy DataFrame, with checked filters."""

from __future__ import annotations

import io
import numbers
import warnings
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from ..exceptions import DateRangeError, FilterError, IncompleteDataWarning, UnknownValueError
from . import _package

if TYPE_CHECKING:
    import pandas as pd

Selection = str | Iterable[str] | None


@cache
def _frame(name: str) -> pd.DataFrame:
    """Parse a dataset once per process; callers get copies."""
    import pandas as pd

    entry = _package.resource(name)
    fields = entry["schema"]["fields"]
    kinds = {f["name"]: f["type"] for f in fields}
    dtypes = {c: "string" for c, kind in kinds.items() if kind == "string"}
    # keep_default_na=False: a code such as "NA" must stay a string; only empty cells are missing.
    frame = pd.read_csv(
        io.BytesIO(_package.read_verified(name)),
        dtype=dtypes,
        keep_default_na=False,
        na_values=[""],
    )
    for column, kind in kinds.items():
        if kind == "date":
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
        elif kind == "integer":
            frame[column] = frame[column].astype("int64")
        elif kind == "number":
            frame[column] = frame[column].astype("float64")
    return frame


def _as_list(value: Selection) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable):
        raise FilterError(f"a filter takes a string or a list of strings, not {value!r}")
    values = list(value)
    if not values:
        raise FilterError("an empty list selects nothing; pass None to keep all values")
    return [str(v) for v in values]


def _bound(name: str, frequency: str, label: str, value: Any) -> Any:
    """Turn a start/end argument into something comparable with the ``date`` column.

    Years (``2015``, ``"2015"``) and partial dates (``"2019-06"``) name a whole
    period: ``start`` is its first instant and ``end`` its last, so that
    ``end="2019"`` keeps all of 2019 in a daily or monthly table.
    """
    import pandas as pd

    if isinstance(value, bool) or (
        isinstance(value, numbers.Real)
        and not isinstance(value, numbers.Integral)
        and not float(value).is_integer()
    ):
        raise DateRangeError(f"{name}: cannot read {label}={value!r} as a date or a year")
    try:
        if isinstance(value, numbers.Real) or (
            isinstance(value, str) and value.strip().lstrip("-").isdigit()
        ):
            year = int(value)
            if frequency == "annual":
                return year
            # pd.Timestamp(2015) would be 2015 ns after 1970, never what is meant.
            period = pd.Period(year=year, freq="Y")
            return period.start_time if label == "start" else period.end_time
        stamp = pd.Timestamp(value)
        if stamp is not pd.NaT and frequency == "annual":
            return stamp.year
    except (TypeError, ValueError, OverflowError) as exc:
        raise DateRangeError(f"{name}: cannot read {label}={value!r} as a date ({exc})") from None
    if stamp is pd.NaT:
        raise DateRangeError(f"{name}: {label} is missing (NaT)")
    if stamp.tzinfo is not None:
        raise DateRangeError(
            f"{name}: {label}={value!r} has a time zone; the data's dates are naive")
    if isinstance(value, str):
        try:
            period = pd.Period(value.strip())
        except (TypeError, ValueError):
            return stamp
        return period.start_time if label == "start" else period.end_time
    return stamp


def _coverage(frame: pd.DataFrame) -> str:
    first, last = frame["date"].min(), frame["date"].max()
    fmt = (lambda d: str(d)) if isinstance(first, numbers.Number) else (lambda d: f"{d:%Y-%m-%d}")
    return f"{fmt(first)} to {fmt(last)}"


def load(
    name: str,
    *,
    country: Selection = None,
    series: Selection = None,
    source: Selection = None,
    start: Any = None,
    end: Any = None,
    live: bool = False,
    refresh: bool = False,
    **filters: Selection,
) -> pd.DataFrame:
    """Load a bundled dataset as a tidy (long) DataFrame.

    Parameters
    ----------
    name : str
        Dataset name; ``venecon.datasets()`` lists them.
    country, series, source : str or list of str, optional
        Keep rows whose column equals one of the values. Countries are ISO 3166
        alpha-3 codes (``"VEN"``); ``WLD`` is the world total. A name or an
        alpha-2 code (``"Venezuela"``, ``"VE"``) is refused with the alpha-3
        code to use.
    start, end : date-like or int, optional
        Inclusive date range. Annual tables take years (``2015``); daily and
        monthly tables take anything ``pandas.Timestamp`` reads (``"2019-01"``).
    live : bool, default False
        Use the user-local live vintage (EIA API, FRED, Yahoo; see
        ``venecon.sources``) instead of the bundled one: same schema, same
        filters, provenance naming the retrieval; ``attrs["venecon"]["vintage"]``
        gives the UTC retrieval time and the last period. A live name means the
        same concept as the bundled table of that name; live-only series have
        their own names (``us_crude_imports``, ``cpi_monthly``, ``market_daily``).
        Needs ``venecon[live]`` and, the first time, network access; offline
        it falls back to the cache.
    refresh : bool, default False
        With ``live=True``: fetch again instead of reusing the cached vintage.
    **filters : str or list of str
        Equality filters on the dataset's other text columns (for example
        ``partner="USA"`` in ``trade``).

    Returns
    -------
    DataFrame
        A new frame (safe to modify) with the columns of the dataset's schema:
        ``date, country, series, value, unit, source`` and any extra columns.
        ``date`` is a Timestamp for daily and monthly tables and an integer year
        for annual ones. ``frame.attrs["venecon"]`` records the dataset name,
        its sha256 and the data version, which venecon's models copy into
        their results' provenance.

    Raises
    ------
    DatasetNotFoundError
        Unknown dataset name (the message lists the available ones).
    UnknownValueError
        A filter value that never occurs in the column (the message lists the
        values that do and suggests the closest).
    DateRangeError
        An unreadable bound, ``start`` after ``end``, or a range with no data.
    FilterError
        A filter on a column the dataset lacks, or filters that together
        select no rows.

    Warns
    -----
    IncompleteDataWarning
        The selection holds months the dataset flags as incomplete (its
        ``warn_flags``, e.g. Comtrade months whose reporters are not all in);
        the message lists them.

    Examples
    --------
    >>> import venecon
    >>> crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    >>> crude[["date", "value"]].head(2)  # doctest: +SKIP
    """
    if live:
        from ..sources.live import live_table

        entry, frame = live_table(name, refresh=refresh)
    else:
        entry = _package.resource(name)
        frame = _frame(name)
    selections = {"country": country, "series": series, "source": source, **filters}
    filterable = [
        f["name"] for f in entry["schema"]["fields"] if f["type"] == "string"
    ]
    mask = None
    for column, wanted in selections.items():
        if wanted is None:
            continue
        if column not in filterable:
            raise FilterError(
                f"dataset {name!r} cannot be filtered on {column!r}."
                f"{_package.suggest(column, filterable)} "
                f"Filterable columns: {', '.join(filterable)} (and start/end for dates)."
            )
        values = _as_list(wanted)
        present = frame[column].dropna().unique().tolist()
        missing = [v for v in values if v not in present]
        if missing:
            shown = ", ".join(sorted(present)[:60]) + (" ..." if len(present) > 60 else "")
            hint = _package.suggest(missing[0], present)
            code = _package.alpha3(missing[0]) if column in ("country", "partner") else None
            if code is not None:
                hint = (f" Countries are ISO 3166 alpha-3 codes: use {code!r} for "
                        f"{missing[0]!r}." + ("" if code in present else
                                               f" ({code!r} is not in this selection either.)"))
            raise UnknownValueError(
                f"dataset {name!r} has no {column} {missing[0]!r}.{hint} "
                f"Values of {column!r}: {shown}."
            )
        hit = frame[column].isin(values).to_numpy()
        mask = hit if mask is None else mask & hit
    selected = frame if mask is None else frame[mask]
    if mask is not None and selected.empty:
        raise FilterError(f"dataset {name!r}: no rows match {_describe(selections)} together.")

    if start is not None or end is not None:
        if "date" not in frame.columns:
            raise FilterError(f"dataset {name!r} has no 'date' column to filter on")
        frequency = entry.get("frequency", "")
        lo = _bound(name, frequency, "start", start) if start is not None else None
        hi = _bound(name, frequency, "end", end) if end is not None else None
        if lo is not None and hi is not None and lo > hi:
            raise DateRangeError(f"{name}: start {start!r} is after end {end!r}")
        in_range = selected["date"].notna()
        if lo is not None:
            in_range &= selected["date"] >= lo
        if hi is not None:
            in_range &= selected["date"] <= hi
        if not in_range.any():
            what = f" for {_describe(selections)}" if mask is not None else ""
            raise DateRangeError(
                f"dataset {name!r} has no data between {start!r} and {end!r}{what}: "
                f"the data cover {_coverage(selected)}."
            )
        selected = selected[in_range]
    result = selected.reset_index(drop=True).copy()
    _warn_flagged(name, entry, result)
    # Provenance travels with the frame so models can record which data they used.
    result.attrs["venecon"] = dict(frame.attrs["venecon"]) if live else provenance(name)
    if live:
        result.attrs["venecon"]["vintage"] = live_vintage(frame)
    return result


def live_vintage(frame: pd.DataFrame) -> dict[str, Any]:
    """When a live table was taken: the newest UTC retrieval time and its last period."""
    responses = frame.attrs.get("venecon", {}).get("responses", [])
    times = sorted(str(r["retrieved_utc"]) for r in responses if r.get("retrieved_utc"))
    last = frame["date"].max() if len(frame) else None
    return {"retrieved_utc": times[-1] if times else None,
            "last_period": None if last is None else f"{last:%Y-%m-%d}",
            "basis": "live overlay: newest retrieval time (UTC) of its raw responses"}


def _warn_flagged(name: str, entry: dict[str, Any], frame: pd.DataFrame) -> None:
    """Warn, listing the months, when rows carry a flag the dataset declares worth a warning."""
    flags = entry.get("warn_flags") or []
    if not flags or "flag" not in frame.columns:
        return
    hit = frame[frame["flag"].isin(flags)]
    if hit.empty:
        return
    months = sorted({f"{d:%Y-%m}" for d in hit["date"]})
    what = sorted({f"{s} ({src})" for s, src in zip(hit["series"], hit["source"], strict=True)})
    warnings.warn(
        f"dataset {name!r}: {len(months)} month(s) in the selection are flagged "
        f"{', '.join(sorted(set(hit['flag'])))}: {', '.join(months)} ({', '.join(what)}). "
        "Their figures are probably incomplete (see venecon.describe"
        f"({name!r}).notes); end the window before them or drop rows with a 'flag'.",
        IncompleteDataWarning,
        stacklevel=3,
    )


def provenance(name: str) -> dict[str, Any]:
    """Dataset name, sha256 and data version, as stored in a loaded frame's ``attrs``."""
    entry = _package.resource(name)
    return {
        "datasets": {name: entry["hash"].removeprefix("sha256:")},
        "data_version": _package.version(),
    }


def _describe(selections: dict[str, Selection]) -> str:
    parts = [f"{k}={v!r}" for k, v in selections.items() if v is not None]
    return ", ".join(parts) if parts else "the filters"
