"""The events registry: ``events()``, ``event()`` and users' own events.

The bundled registry is the curated table ``events`` (read through
:func:`venecon.load`, so its sha256 is checked) and is validated against
:mod:`venecon.policy.schema` on first use. Users add events for the session
with :func:`add_events`; they are validated the same way and then appear in
:func:`events`, :func:`event` and wherever an event id is accepted (the
regressor builders). :func:`reset_events` drops them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import pandas as pd

from .._periods import read_date
from ..data._package import suggest
from ..exceptions import (
    DateRangeError,
    EventNotFoundError,
    FilterError,
    SchemaError,
    UnknownValueError,
)
from .schema import CATEGORIES, COLUMNS, DIRECTIONS, VERIFICATION, validate_events

__all__ = ["events", "event", "add_events", "reset_events"]

# Events added with add_events(), kept for the session (module state, like matplotlib's rcParams).
_USER: list[pd.DataFrame] = []


@cache
def bundled_events() -> pd.DataFrame:
    from ..data.load import load

    frame = load("events")
    checked = validate_events(frame[COLUMNS], source="bundled events.csv", first_line=2,
                              bundled=True)
    checked["origin"] = "venecon"
    checked.attrs["venecon"] = frame.attrs.get("venecon", {})
    return checked


def _user() -> pd.DataFrame | None:
    return pd.concat(_USER, ignore_index=True) if _USER else None


def all_events(include_user: bool = True) -> pd.DataFrame:
    bundled = bundled_events()
    user = _user() if include_user else None
    frame = bundled if user is None else pd.concat([bundled, user], ignore_index=True)
    frame = frame.sort_values("date", kind="mergesort").reset_index(drop=True)
    frame["origin"] = frame["origin"].astype("string")
    frame.attrs["venecon"] = dict(bundled.attrs["venecon"])
    if user is not None:
        frame.attrs["venecon"]["user_events"] = user["id"].tolist()
    return frame


def _as_list(name: str, value: str | Iterable[str]) -> list[str]:
    if not isinstance(value, str | Iterable):
        raise FilterError(f"events: {name} must be a string or a list of strings, "
                          f"got {type(value).__name__} {value!r}")
    values = [value] if isinstance(value, str) else [str(v) for v in value]
    if not values:
        raise FilterError(f"events: an empty list for {name} selects nothing; "
                          "pass None to keep all")
    return values


def _check_vocabulary(name: str, values: list[str], vocabulary: Iterable[str]) -> None:
    allowed = list(vocabulary)
    for value in values:
        if value not in allowed:
            raise UnknownValueError(
                f"events: unknown {name} {value!r}.{suggest(value, allowed)} "
                f"Allowed: {', '.join(allowed)}."
            )


def _entity_items(frame: pd.DataFrame) -> list[str]:
    items = set()
    for text in frame["entities"].dropna():
        items.update(part.strip() for part in str(text).split(";") if part.strip())
    return sorted(items)


def events(
    *,
    category: str | Iterable[str] | None = None,
    direction: str | Iterable[str] | None = None,
    scope: str | None = None,
    entity: str | None = None,
    verification: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    include_user: bool = True,
) -> pd.DataFrame:
    """The registry of sanctions, licences and related events, as a DataFrame.

    Parameters
    ----------
    category : str or list of str, optional
        Keep these categories: ``financial``, ``oil-trade``, ``company-licence``,
        ``secondary``, ``military-enforcement``, ``context``.
    direction : str or list of str, optional
        Keep these directions: ``tightening``, ``easing``, ``wind-down``,
        ``expiry``, ``none`` (no change in what is permitted: military,
        enforcement, context and administrative events).
    scope : str, optional
        Keep events whose ``scope`` contains this text (case-insensitive), e.g.
        ``"oil trade"``.
    entity : str, optional
        Keep events naming this entity (case-insensitive, part of a name is
        enough: ``"chevron"``, ``"PdVSA"``, ``"Rosneft"``).
    verification : str or list of str, optional
        ``"V"`` (verified) or ``"P"`` (partly verified); user events may be ``"U"``.
    start, end : date-like, optional
        Inclusive range of effective dates (``date``).
    include_user : bool, default True
        Include events added with :func:`add_events`.

    Returns
    -------
    DataFrame
        One row per event, sorted by ``date``, with the schema's columns (see
        ``venecon.describe("events")``) and ``origin`` ("venecon" or "user").
        ``frame.attrs["venecon"]`` records the registry's sha256.

    Raises
    ------
    UnknownValueError
        An unknown category, direction or verification tag, or an entity or
        scope text that no event has (with a suggestion).
    DateRangeError
        An unreadable bound or ``start`` after ``end``.
    FilterError
        Filters that together select no event.

    Examples
    --------
    >>> import venecon
    >>> chevron = venecon.events(category="company-licence", entity="Chevron")
    >>> chevron[["id", "date", "end"]]  # doctest: +SKIP
    """
    frame = all_events(include_user)
    mask = pd.Series(True, index=frame.index)
    for name, value, vocabulary in (("category", category, CATEGORIES),
                                    ("direction", direction, DIRECTIONS),
                                    ("verification", verification, VERIFICATION)):
        if value is None:
            continue
        values = _as_list(name, value)
        _check_vocabulary(name, values, vocabulary)
        mask &= frame[name].isin(values).fillna(False).astype(bool)
    if scope is not None:
        hit = frame["scope"].str.contains(str(scope), case=False, regex=False).fillna(False)
        if not hit.any():
            scopes = sorted(frame["scope"].dropna().unique())
            raise UnknownValueError(f"events: no event has scope text {scope!r}."
                                    f"{suggest(scope, scopes)} Scopes: {'; '.join(scopes)}.")
        mask &= hit.astype(bool)
    if entity is not None:
        hit = frame["entities"].str.contains(str(entity), case=False, regex=False).fillna(False)
        if not hit.any():
            items = _entity_items(frame)
            raise UnknownValueError(f"events: no event names entity {entity!r}."
                                    f"{suggest(entity, items)} Entities: {', '.join(items)}.")
        mask &= hit.astype(bool)
    lo = read_date(start, "start", DateRangeError) if start is not None else None
    hi = read_date(end, "end", DateRangeError) if end is not None else None
    if lo is not None and hi is not None and lo > hi:
        raise DateRangeError(f"events: start {start!r} is after end {end!r}")
    if lo is not None:
        mask &= frame["date"] >= lo
    if hi is not None:
        mask &= frame["date"] <= hi
    selected = frame[mask.to_numpy()].reset_index(drop=True)
    if selected.empty:
        given = {k: v for k, v in dict(category=category, direction=direction, scope=scope,
                                       entity=entity, verification=verification, start=start,
                                       end=end).items() if v is not None}
        raise FilterError(f"events: no event matches {given} together "
                          f"(the registry covers {frame['date'].min():%Y-%m-%d} to "
                          f"{frame['date'].max():%Y-%m-%d}).")
    selected.attrs = frame.attrs
    return selected


def event(id: str) -> dict[str, Any]:
    """One event of the registry, as a dict.

    Parameters
    ----------
    id : str
        The event id, e.g. ``"eo13808"``, ``"pdvsa-sdn"``, ``"gl41"``; user
        events added with :func:`add_events` are found too.

    Returns
    -------
    dict
        The event's fields (see ``venecon.describe("events")``): dates as
        ``pandas.Timestamp``, missing values as ``None``, plus ``origin``.

    Raises
    ------
    EventNotFoundError
        The id is not in the registry (the message suggests the closest).
    """
    frame = all_events()
    hit = frame[frame["id"] == str(id)]
    if hit.empty:
        ids = frame["id"].tolist()
        raise EventNotFoundError(
            f"unknown event id {id!r}.{suggest(str(id), ids)} "
            "venecon.events() lists the registry's ids."
        )
    row = hit.iloc[0]
    return {column: (None if pd.isna(row[column]) else
                     (pd.Timestamp(row[column]) if column in ("date", "announced", "end")
                      else str(row[column])))
            for column in [*COLUMNS, "origin"]}


def _check_widths(path: str) -> None:
    """Reject a row with more or fewer fields than the header.

    pandas would take the first field of over-long rows as an index, shifting every
    column (an id "2020-01-01" that is really the date), or pad short rows with NaN.
    """
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for row in reader:
            if row and len(row) != len(header):
                raise SchemaError(
                    f"{os.path.basename(path)}, line {reader.line_num}: {len(row)} fields but the "
                    f"header has {len(header)} ({', '.join(header)}); quote values that contain "
                    f"commas and give every row the same columns")


def _read_user(data: Any) -> tuple[pd.DataFrame, str, int | None]:
    if isinstance(data, pd.DataFrame):
        return data, "user events", None
    if isinstance(data, str | os.PathLike):
        path = os.fspath(data)
        try:
            _check_widths(path)
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        except SchemaError:
            raise
        except (OSError, ValueError) as exc:
            raise SchemaError(f"cannot read user events from {path!r}: {exc}") from exc
        return frame, os.path.basename(path), 2
    if isinstance(data, Mapping):
        return pd.DataFrame([dict(data)]), "user events", None
    if isinstance(data, Iterable):
        records = list(data)
        if records and all(isinstance(r, Mapping) for r in records):
            return pd.DataFrame([dict(r) for r in records]), "user events", None
    raise SchemaError("add_events expects a DataFrame, a CSV path, a dict or a list of dicts, "
                      f"got {type(data).__name__}")


def add_events(data: Any, *, replace: bool = False) -> pd.DataFrame:
    """Add your own events to the registry for this session, validated like the bundled ones.

    Parameters
    ----------
    data : DataFrame, str or path, dict or list of dicts
        The events, or the path of a CSV file with a header row. Required
        columns: ``id, date, category, direction, description``; optional: the
        other columns of the schema (``announced, end, date_precision,
        instrument, issuer, scope, entities, citation, verification, tag_text,
        date_text, remarks``). Dates are ``YYYY-MM-DD``.
    replace : bool, default False
        Replace user events added earlier under the same ids. Bundled ids can
        never be replaced: give your variant its own id.

    Returns
    -------
    DataFrame
        The validated events as added (with ``origin`` "user").

    Raises
    ------
    SchemaError
        Naming the row (the CSV line, or the frame position) and its id: a
        missing column or value, an unknown column, category or direction, a
        bad date, an end before its start, a duplicate id, or an id that is
        already in the registry.

    Examples
    --------
    >>> import venecon
    >>> venecon.add_events({"id": "my-shock", "date": "2020-03-09", "category": "context",
    ...                     "direction": "none", "description": "Oil price war"})  # doctest: +SKIP
    >>> venecon.policy.regressors.step(index, "my-shock")  # doctest: +SKIP
    """
    raw, source, first_line = _read_user(data)
    frame = validate_events(raw, source=source, first_line=first_line)
    rows = frame["id"].tolist()
    bundled = set(bundled_events()["id"])
    current = _user()
    existing = set() if current is None else set(current["id"])
    for pos, ident in enumerate(rows):
        where = f"{source}, " + (f"line {pos + first_line}" if first_line else f"row {pos}")
        if ident in bundled:
            raise SchemaError(f"{where} (id {ident!r}): id is a bundled event; give your "
                              "event its own id")
        if ident in existing and not replace:
            raise SchemaError(f"{where} (id {ident!r}): id was already added; pass replace=True "
                              "to replace it")
    if current is not None and replace:
        kept = current[~current["id"].isin(rows)]
        _USER.clear()
        if not kept.empty:
            _USER.append(kept)
    frame["origin"] = "user"
    _USER.append(frame)
    return frame.copy()


def reset_events() -> None:
    """Remove every event added with :func:`add_events` (the bundled registry stays)."""
    _USER.clear()
