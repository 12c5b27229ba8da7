"""The contract between the table builders and the writer.

A builder returns :class:`Resource` objects: a tidy frame plus what the data
package needs to describe it. :func:`write_resource` checks the frame against
the shared schema and writes it deterministically (same input bytes, same
output bytes), so the curated files can be rebuilt and compared byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .raw import RAW, RawFile, open_raw

# Columns every curated table has, in this order.
CORE_COLUMNS = ["date", "country", "series", "value", "unit", "source"]

FREQUENCIES = ("daily", "monthly", "annual")

# The unit vocabulary: every ``unit`` value must be one of these keys.
UNITS: dict[str, str] = {
    "kb/d": "thousand barrels per day",
    "kb": "thousand barrels",
    "USD/bbl": "US dollars per barrel",
    "USD": "US dollars (current)",
    "USD million": "million US dollars (current)",
    "USD billion": "billion US dollars (current)",
    "percent": "percent",
    "count": "number (count)",
    "LCU/USD": "local currency units per US dollar",
    "years": "years",
    "per 1000 live births": "deaths per 1,000 live births",
    "bcf": "billion cubic feet",
    "billion kWh": "billion kilowatt-hours",
    "index 2025=100": "price index, annual average of 2025 = 100",
}

_SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


@dataclass
class Resource:
    """One curated table and its description.

    Parameters
    ----------
    name : str
        Dataset name (``venecon.load(name)``), a lower-case slug.
    title, description : str
        Human-readable title and a paragraph on content and caveats.
    frequency : {"daily", "monthly", "annual"}
        ``date`` holds ISO dates for daily and monthly tables (monthly dates
        are month starts) and integer years for annual tables.
    frame : DataFrame
        The tidy table: the :data:`CORE_COLUMNS` then any ``extra_columns``.
    inputs : list of str
        Keys of :data:`raw.RAW` the table was derived from.
    extra_columns : dict
        Name -> description of columns beyond the core ones (e.g. ``partner``,
        ``flag``). Extra columns that identify a row belong in ``key_extra``.
    key_extra : list of str
        Extra columns that are part of the primary key.
    series : dict
        Series name -> one-line definition (concept, publisher code), for the
        data package and ``venecon.describe``.
    notes : list of str
        Caveats and known gaps, written into the descriptor.
    warn_flags : list of str
        Values of the ``flag`` column that make ``venecon.load`` warn when a
        requested window contains them (e.g. months still incomplete upstream).
    """

    name: str
    title: str
    description: str
    frequency: str
    frame: pd.DataFrame
    inputs: list[str]
    series: dict[str, str]
    extra_columns: dict[str, str] = field(default_factory=dict)
    key_extra: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warn_flags: list[str] = field(default_factory=list)

    @property
    def primary_key(self) -> list[str]:
        return ["date", "country", "series", "source", *self.key_extra]

    @property
    def raw_files(self) -> list[RawFile]:
        return [RAW[key] for key in self.inputs]


def _fail(resource: Resource, message: str, rows: pd.DataFrame | None = None) -> None:
    detail = "" if rows is None else "\n" + rows.head(5).to_string()
    raise ValueError(f"curated table {resource.name!r}: {message}{detail}")


def validate(resource: Resource) -> pd.DataFrame:
    """Check the shared schema and return the frame in canonical order."""
    if not _SLUG.match(resource.name):
        _fail(resource, "name must be a lower-case slug")
    if resource.frequency not in FREQUENCIES:
        _fail(resource, f"frequency must be one of {FREQUENCIES}")
    unknown_inputs = [key for key in resource.inputs if key not in RAW]
    if unknown_inputs:
        _fail(resource, f"inputs not registered in raw.RAW: {unknown_inputs}")
    columns = CORE_COLUMNS + list(resource.extra_columns)
    frame = resource.frame
    missing = [c for c in columns if c not in frame.columns]
    surplus = [c for c in frame.columns if c not in columns]
    if missing or surplus:
        _fail(resource, f"missing columns {missing}, undeclared columns {surplus}")
    frame = frame[columns].copy()

    if resource.frequency == "annual":
        years = pd.to_numeric(frame["date"], errors="coerce")
        if years.isna().any() or (years % 1 != 0).any():
            _fail(resource, "annual dates must be integer years", frame[years.isna()])
        frame["date"] = years.astype("int64")
    else:
        dates = pd.to_datetime(frame["date"], errors="coerce")
        if dates.isna().any():
            _fail(resource, "unparseable dates", frame[dates.isna()])
        if resource.frequency == "monthly" and (dates.dt.day != 1).any():
            _fail(resource, "monthly dates must be month starts", frame[dates.dt.day != 1])
        frame["date"] = dates.dt.strftime("%Y-%m-%d")

    bad_country = ~frame["country"].astype(str).str.fullmatch(r"[A-Z]{3}")
    if bad_country.any():
        _fail(resource, "country must be an ISO 3166 alpha-3 code", frame[bad_country])
    bad_series = ~frame["series"].astype(str).str.fullmatch(_SLUG.pattern)
    if bad_series.any():
        _fail(resource, "series names must be lower-case slugs", frame[bad_series])
    undocumented = sorted(set(frame["series"]) - set(resource.series))
    if undocumented:
        _fail(resource, f"series without a definition in Resource.series: {undocumented}")
    bad_unit = ~frame["unit"].isin(list(UNITS))
    if bad_unit.any():
        _fail(resource, f"unit must be one of {list(UNITS)}", frame[bad_unit])
    publishers = {RAW[key].publisher.code for key in resource.inputs}
    bad_source = ~frame["source"].isin(sorted(publishers))
    if bad_source.any():
        _fail(resource, f"source must be a publisher code of the inputs {sorted(publishers)}",
              frame[bad_source])
    values = pd.to_numeric(frame["value"], errors="coerce")
    if values.isna().any():
        _fail(resource, "values must be numeric and present (drop missing rows upstream)",
              frame[values.isna()])
    frame["value"] = values.astype("float64")
    # A series has one unit: mixing units inside a series is the silent error we guard against.
    units_per_series = frame.groupby(["series", "source"])["unit"].nunique()
    if (units_per_series > 1).any():
        _fail(resource, f"series with several units: {list(units_per_series[units_per_series > 1].index)}")

    duplicated = frame.duplicated(resource.primary_key, keep=False)
    if duplicated.any():
        _fail(resource, f"duplicate keys {resource.primary_key}", frame[duplicated])
    order = ["series", "source", "country", *resource.key_extra, "date"]
    return frame.sort_values(order, kind="mergesort").reset_index(drop=True)


def write_csv(frame: pd.DataFrame, path: Path) -> str:
    """Write ``frame`` deterministically and return the file's sha256."""
    text = frame.to_csv(index=False, lineterminator="\n")
    data = text.encode("utf-8")
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


# Helpers shared by the table builders.


def tidy(
    dates, values, series: str, country, source: str, unit: str = "USD/bbl", **extra
) -> pd.DataFrame:
    """Assemble one series in the shared long layout, dropping missing values.

    Parameters
    ----------
    dates, values : array-like
        Observation dates and values, aligned.
    series, country, source, unit : str
        Core columns; ``country`` may also be an array aligned with ``values``.
    **extra
        Extra columns, constant (``partner="USA"``) or aligned arrays.

    Returns
    -------
    DataFrame
        Core columns, then ``extra``, without rows whose value is missing.
    """
    frame = pd.DataFrame(
        {"date": list(dates), "value": pd.to_numeric(list(values), errors="coerce")}
    )
    frame = frame.assign(country=country, series=series, unit=unit, source=source, **extra)
    return frame.dropna(subset=["value"])[
        ["date", "country", "series", "value", "unit", "source", *extra]
    ]


def month_start(dates: pd.Series, day: int) -> pd.Series:
    """Map monthly dates stamped on a fixed day to the first of the month.

    ``day`` is the day the publisher stamps (15 for EIA monthly files, -1 for
    month-end files); any other day means the file is not what we think it is.
    """
    dates = pd.to_datetime(dates, format="%Y-%m-%d")
    expected = dates.dt.days_in_month if day == -1 else day
    if (dates.dt.day != expected).any():
        raise ValueError(
            f"monthly dates not all stamped on day {day}: {dates[dates.dt.day != expected].head()}"
        )
    return dates.dt.to_period("M").dt.to_timestamp()


def read_iciv(raw_dir: Path, path: str) -> pd.DataFrame:
    """Read an ICIV long file (año, mes, variable, valor, fuente) and add a month-start ``date``."""
    frame = pd.read_csv(open_raw(raw_dir, path), encoding="utf-8-sig")
    frame["date"] = pd.to_datetime({"year": frame["año"], "month": frame["mes"], "day": 1})
    return frame


def gap_notes(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    """One note per series (rows sharing ``keys``) with months missing inside its span."""
    notes = []
    for key, part in frame.groupby(keys):
        months = pd.PeriodIndex(pd.DatetimeIndex(part["date"]), freq="M")
        missing = pd.period_range(months.min(), months.max(), freq="M").difference(months)
        if len(missing) == 0:
            continue
        runs = pd.Series(missing).groupby((pd.Series(missing.asi8).diff() != 1).cumsum().to_numpy())
        spans = [f"{r.iloc[0]}" if len(r) == 1 else f"{r.iloc[0]} to {r.iloc[-1]}" for _, r in runs]
        notes.append(
            f"{key[0]} ({', '.join(key[1:])}): no value for {len(missing)} months inside its "
            f"span ({', '.join(spans)})."
        )
    return notes or ["No months are missing inside any series' span."]
