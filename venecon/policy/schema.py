"""The events schema: fields, vocabularies and row-naming validation.

One definition serves three readers: the build (``datasets/_build/events.py``)
validates the curated table before writing it, :func:`venecon.events` validates
the bundled file after reading it, and :func:`venecon.add_events` validates a
user's own events. Every error is a :class:`~venecon.exceptions.SchemaError`
that names the offending row (its line in a CSV, or its position in a frame)
and its ``id``.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import TYPE_CHECKING, Any

from ..data._package import suggest
from ..exceptions import SchemaError

if TYPE_CHECKING:
    import pandas as pd

CATEGORIES: dict[str, str] = {
    "financial": "Debt, equity, payment and government-blocking measures (EO 13808, 13835, 13884), "
    "the PdVSA 2020 bond licences and financial-sector designations",
    "oil-trade": "Measures on trade in Venezuelan oil with PdVSA or the GoV: the PdVSA "
    "designation and its import wind-down, GL 44 and its wind-down, the 2026 licences",
    "company-licence": "Licences to named companies: the GL 8 series (Chevron and four oil-service "
    "firms), GL 41 and its wind-down, Chevron's 2025 specific licence, GL 7 and GL 13, the 2026 "
    "trader licences and GL 50/50A",
    "secondary": "Measures aimed at non-US third parties: the EO 13850 sectoral authority, "
    "designations of foreign traders, the EO 14245 secondary tariff",
    "military-enforcement": "Non-sanction military and enforcement actions: the naval deployment, "
    "boat strikes, tanker seizures, the blockade and the January 2026 operation",
    "context": "Everything else worth marking: individual and non-oil designations, arms "
    "measures, statutes and frameworks, political signals, Venezuelan legislation",
}

DIRECTIONS: dict[str, str] = {
    "tightening": "restricts more (new prohibitions, designations, narrowed licences, "
    "creditor delays)",
    "easing": "permits more (new or extended licences, carve-outs)",
    "wind-down": "a licence that only permits winding down or limited maintenance",
    "expiry": "a licence or wind-down period ends",
    "none": "no change in what is permitted: administrative consolidation and the note's "
    "'non-sanction' military, enforcement and context events",
}

PRECISIONS: dict[str, str] = {
    "day": "the day is known",
    "month": "only the month is known; 'date' is the first day of that month",
    "year": "only the year is known; 'date' is 1 January of that year",
}

VERIFICATION: dict[str, str] = {
    "V": "verified in an official text or in a source that quotes it",
    "P": "partly verified: the event is verified, one element (usually the exact day or the "
    "licence letter) is not",
    "U": "unverified (allowed in user events only; the bundled registry codes V and P rows)",
}

# (name, type, description): the order is the column order of the table.
FIELDS: list[tuple[str, str, str]] = [
    ("id", "string", "Stable lower-case slug identifying the event, e.g. 'eo13808', "
     "'pdvsa-sdn', 'gl41'"),
    ("date", "date", "Effective date. When only the month or year is known, its first day "
     "(see date_precision)"),
    ("announced", "date", "Date signed or announced, where it differs from the effective date"),
    ("end", "date", "Expiry or wind-down end stated for the instrument, where there is one"),
    ("date_precision", "string", "How precisely 'date' is known: " + "; ".join(
        f"{k}: {v}" for k, v in PRECISIONS.items())),
    ("instrument", "string", "The legal instrument or action (EO, general licence, "
     "designation, statute, military action)"),
    ("issuer", "string", "Issuing authority, as given in the timeline note"),
    ("category", "string", "One of: " + ", ".join(CATEGORIES)),
    ("direction", "string", "One of: " + "; ".join(f"{k} ({v})" for k, v in DIRECTIONS.items())),
    ("scope", "string", "Scope, as given in the timeline note"),
    ("entities", "string", "Affected entities named in the note, separated by '; '"),
    ("description", "string", "One-line description"),
    ("citation", "string", "Federal Register citation or official release and the sources "
     "that verify the row, as given in the timeline note"),
    ("verification", "string", "V (verified) or P (partly verified); user events may also use U"),
    ("tag_text", "string", "The timeline note's tag cell, verbatim (keeps compound tags such as "
     "'V (date) / U (use)')"),
    ("date_text", "string", "The timeline note's date cell, verbatim (keeps ranges such as "
     "'2025-07-29/30')"),
    ("remarks", "string", "Coding conventions and caveats for this row"),
]

COLUMNS = [name for name, _, _ in FIELDS]
DATE_COLUMNS = [name for name, kind, _ in FIELDS if kind == "date"]
TEXT_COLUMNS = [name for name, kind, _ in FIELDS if kind == "string"]
# What a user must supply; the rest may be omitted or left empty.
REQUIRED = ["id", "date", "category", "direction", "description"]
# The bundled registry must also trace every row to the timeline note.
REQUIRED_BUNDLED = [*REQUIRED, "instrument", "issuer", "citation", "verification", "tag_text",
                    "date_text"]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _missing(value: Any) -> bool:
    import pandas as pd

    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class _Rows:
    """Names rows in error messages: CSV line numbers, or frame positions."""

    def __init__(self, frame: pd.DataFrame, source: str, first_line: int | None):
        self.frame = frame
        self.source = source
        self.first_line = first_line

    def name(self, position: int) -> str:
        where = (f"line {position + self.first_line}" if self.first_line is not None
                 else f"row {position}")
        ident = self.frame["id"].iloc[position] if "id" in self.frame.columns else None
        shown = "" if _missing(ident) else f" (id {str(ident)!r})"
        return f"{self.source}, {where}{shown}"

    def fail(self, position: int, message: str) -> None:
        raise SchemaError(f"{self.name(position)}: {message}")


def _parse_date(value: Any) -> Any:
    """A Timestamp for an ISO ``YYYY-MM-DD`` string or a date-like object, else ``None``."""
    import numpy as np
    import pandas as pd

    if isinstance(value, str):
        text = value.strip()
        if not ISO_DATE.match(text):
            return None
        try:
            return pd.Timestamp(_dt.date.fromisoformat(text))
        except ValueError:
            return None
    if isinstance(value, pd.Timestamp | _dt.datetime | _dt.date | np.datetime64):
        stamp = pd.Timestamp(value)
        if stamp is pd.NaT:
            return None
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        # An event is a calendar day; a time of day would silently shift partial periods.
        return stamp if stamp == stamp.normalize() else None
    return None


def validate_events(
    data: pd.DataFrame, *, source: str = "events", first_line: int | None = None,
    bundled: bool = False,
) -> pd.DataFrame:
    """Check an events table against the schema and return it in canonical form.

    Parameters
    ----------
    data : DataFrame
        One event per row. Must have the columns in :data:`REQUIRED`; the other
        columns of :data:`COLUMNS` are optional. Dates are ``YYYY-MM-DD``
        strings or date-like values (no time of day).
    source : str
        What to call the table in error messages (a file name, "user events").
    first_line : int, optional
        The CSV line number of the first data row (2 for a file with a header),
        so messages say "line 7"; without it they say "row 5" (0-based position).
    bundled : bool
        Apply the stricter rules of the bundled registry: the traceability
        columns are required and ``verification`` must be V or P.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS` in order, dates as ``datetime64[ns]``, text as
        pandas ``string`` dtype, missing ``date_precision`` filled with "day".

    Raises
    ------
    SchemaError
        Naming the row and its id: a missing or unknown column, a missing
        required value, a malformed or duplicate id, a bad date, an unknown
        category, direction, precision or verification tag, an end before its
        start, or a date that contradicts its precision.
    """
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise SchemaError(f"{source}: expected a DataFrame, got {type(data).__name__}")
    frame = data.reset_index(drop=True)
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        twice = sorted({c for c in columns if columns.count(c) > 1})
        raise SchemaError(f"{source}: duplicate column names {twice}")
    frame.columns = columns
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise SchemaError(
            f"{source}: unknown column {unknown[0]!r}.{suggest(unknown[0], COLUMNS)} "
            f"Allowed columns: {', '.join(COLUMNS)}."
        )
    required = REQUIRED_BUNDLED if bundled else REQUIRED
    absent = [c for c in required if c not in columns]
    if absent:
        raise SchemaError(f"{source}: missing required column(s) {', '.join(absent)}. "
                          f"Required: {', '.join(required)}.")
    if frame.empty:
        raise SchemaError(f"{source}: no events (the table has no rows)")
    rows = _Rows(frame, source, first_line)

    out: dict[str, list] = {c: [] for c in COLUMNS}
    for pos in range(len(frame)):
        record = {c: (frame[c].iloc[pos] if c in columns else None) for c in COLUMNS}
        for column in required:
            if _missing(record[column]):
                rows.fail(pos, f"{column!r} is missing (required: {', '.join(required)})")
        for column in TEXT_COLUMNS:
            value = record[column]
            if _missing(value):
                record[column] = None
            elif not isinstance(value, str):
                rows.fail(pos, f"{column!r} must be text, got {value!r}")
            else:
                record[column] = value.strip()
        ident = record["id"]
        if not ID_PATTERN.match(ident):
            rows.fail(pos, f"id {ident!r} is not a slug: use lower-case letters, digits and "
                           "'-', '_' or '.' between them, starting with a letter (e.g. "
                           "'my-event-1')")
        if _reads_as_date(ident):
            rows.fail(pos, f"id {ident!r} reads as a date; regressors accept a date or an id, so "
                           "choose an id that cannot be mistaken for one")
        for column in DATE_COLUMNS:
            value = record[column]
            if _missing(value):
                record[column] = pd.NaT
                continue
            stamp = _parse_date(value)
            if stamp is None:
                rows.fail(pos, f"{column} {value!r} is not a valid date: write YYYY-MM-DD "
                               "(a real calendar day, no time of day)")
            if not pd.Timestamp.min <= stamp <= pd.Timestamp.max:
                rows.fail(pos, f"{column} {value!r} is outside the dates pandas can hold "
                               f"({pd.Timestamp.min:%Y-%m-%d} to {pd.Timestamp.max:%Y-%m-%d})")
            record[column] = stamp
        for column, vocabulary in (("category", CATEGORIES), ("direction", DIRECTIONS),
                                   ("date_precision", PRECISIONS), ("verification", VERIFICATION)):
            value = record[column]
            if value is None:
                continue
            if value not in vocabulary:
                rows.fail(pos, f"unknown {column} {value!r}.{suggest(value, list(vocabulary))} "
                               f"Allowed: {', '.join(vocabulary)}.")
        if bundled and record["verification"] == "U":
            rows.fail(pos, "the bundled registry codes only V and P rows, not U")
        precision = record["date_precision"] or "day"
        record["date_precision"] = precision
        start = record["date"]
        if precision == "month" and start.day != 1:
            rows.fail(pos, f"date {start:%Y-%m-%d} has date_precision 'month': use the first "
                           "day of the month")
        if precision == "year" and (start.month, start.day) != (1, 1):
            rows.fail(pos, f"date {start:%Y-%m-%d} has date_precision 'year': use 1 January")
        end = record["end"]
        if end is not pd.NaT and end < start:
            rows.fail(pos, f"end {end:%Y-%m-%d} is before its start (date {start:%Y-%m-%d})")
        for column in COLUMNS:
            out[column].append(record[column])

    seen: dict[str, int] = {}
    for pos, ident in enumerate(out["id"]):
        if ident in seen:
            rows.fail(pos, f"duplicate id {ident!r}: already used by {rows.name(seen[ident])}")
        seen[ident] = pos

    result = pd.DataFrame(out, columns=COLUMNS)
    for column in DATE_COLUMNS:
        result[column] = pd.to_datetime(result[column]).astype("datetime64[ns]")
    for column in TEXT_COLUMNS:
        result[column] = result[column].astype("string")
    return result


def _reads_as_date(text: str) -> bool:
    import pandas as pd

    try:
        pd.Timestamp(text)
    except (TypeError, ValueError):
        return False
    return True
