"""Policy regimes as period indicators: ``regimes()`` and the spells behind it.

The spells follow the research note's "Chevron licence spells" and "Broad
oil-sector treatment indicator" tables. Their boundaries are not typed here:
each one names the registry event (and field, ``date`` or ``end``) it comes
from, so a regime changes only when the cited registry does.

Spell convention: a spell is the half-open day range ``[start, end)``. The end
is the first day of what follows, exactly as the note's tables chain one spell
into the next (GL 44 relief 2023-10-18 -> 2024-04-18, the day it lapsed at
12:01 a.m.). Where the note gives a range ("2025-07-29/30") the registry's
first date is used; the alternative stays in that event's ``remarks``. The
Chevron state is one category per day: where the note leaves a spell open
("2025-07-29/30 ->" for the restricted specific licence) and a later one
begins (GL 46/48 from 2026-01-29, GL 50/50A from 2026-02-13), the later state
takes over. The last coded state runs open-ended: the note finds no licence
action after 2026-03-18 (a gap in its corpus, which it says).

Open spells: ``interdiction`` (from the first tanker seizure, 2025-12-10) and
``blockade`` (from the order of 2025-12-16) have no end because no source in
the note dates one: neither the lifting of the order nor a last seizure is
reported, and the note's broad table leaves the spell open. Exports resumed
under licences from January 2026; that is the ``licensed_reopening`` regime
(GL 46, from 2026-01-29), coded beside the blockade, not as its end. A user who
reads the reopening as the blockade's end can take
``blockade * (1 - licensed_reopening)``.

Month convention: a spell's days are exact; how a month that a spell starts or
ends inside is coded is chosen by ``regimes(partial=...)``. The default,
"start", gives the state on the month's last day, so May 2024 has
``gl44_winddown = 0`` although the GL 44A wind-down covered 30 of its 31 days
(it ended 2024-05-31), and May 2025 is Chevron state "none" although GL 41B ran
to 2025-05-27 (26 of 31 days). ``partial="fraction"`` gives the share of the
month's days in each binary regime (30/31 for May 2024) and, for the Chevron
state, the state covering most days ("wind-down" for May 2025);
``shares=True`` adds those day shares as ``<regime>_share`` and
``chevron_<state>_share`` columns beside the columns coded under ``partial``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DateIndexError, DateRangeError
from . import _index

__all__ = ["regimes", "spells", "REGIMES", "CHEVRON_STATES"]

DEFAULT_START = "2005-01-01"  # the note's coverage starts in 2005
DEFAULT_END = "2026-12-31"


@dataclass(frozen=True)
class Spell:
    name: str
    start: tuple[str, str]  # (event id, field)
    end: tuple[str, str] | None
    description: str


# Binary regimes, from the note's "Broad oil-sector treatment indicator" table.
REGIMES: list[Spell] = [
    Spell("financial_sanctions", ("eo13808", "date"), None,
          "Financial sanctions in force (EO 13808, from 2017-08-25)"),
    Spell("pdvsa_blocked", ("pdvsa-sdn", "date"), None,
          "PdVSA designated; US market closed to PdVSA crude (from 2019-01-28)"),
    Spell("us_import_winddown", ("gl12", "date"), ("gl12", "end"),
          "GL 7/12 wind-down of US imports of PdVSA crude (2019-01-28 to 2019-04-28)"),
    Spell("government_blocked", ("eo13884", "date"), None,
          "GoV blocked, with secondary exposure (EO 13884, from 2019-08-05)"),
    Spell("gl44_relief", ("gl44", "date"), ("gl44", "end"),
          "GL 44 broad oil and gas authorisation (2023-10-18 to 2024-04-18)"),
    Spell("gl44_winddown", ("gl44-lapse", "date"), ("gl44a", "end"),
          "GL 44A wind-down (2024-04-18 to 2024-05-31)"),
    Spell("secondary_tariff", ("eo14245-effective", "date"), None,
          "EO 14245 secondary-tariff authority in effect (from 2025-04-02)"),
    Spell("interdiction", ("skipper-seizure", "date"), None,
          "Physical interdiction of tankers (first seizure 2025-12-10; no end dated in the "
          "sources)"),
    Spell("blockade", ("blockade", "date"), None,
          "Blockade of sanctioned oil tankers ordered (from 2025-12-16; no end dated in the "
          "sources: the reopening from 2026-01-29 is licensed_reopening)"),
    Spell("licensed_reopening", ("gl46", "date"), None,
          "Licensed reopening of Venezuelan oil trade (GL 46, from 2026-01-29)"),
    Spell("upstream_licensed", ("gl48", "date"), None,
          "Goods and services for upstream exploration and production licensed (GL 48, from "
          "2026-02-10)"),
    Spell("named_operators", ("gl50", "date"), None,
          "Oil and gas operations licensed for named companies (GL 50/50A, from 2026-02-13)"),
    Spell("direct_pdvsa_sales", ("pdvsa-sales-2026", "date"), None,
          "Broad authorisation of direct PdVSA sales to US and world buyers (from 2026-03-18)"),
]

# Chevron's licence state, from the note's "Chevron licence spells" table; each
# state runs from its start to the next state's start.
CHEVRON_STATES: list[Spell] = [
    Spell("operations", ("gl8", "date"), None, "GL 8 series: operations permitted"),
    Spell("maintenance-only", ("gl8f", "date"), None,
          "GL 8F onward: maintenance and wind-down only"),
    Spell("gl41-production", ("gl41", "date"), None, "GL 41: production and exports to the US"),
    Spell("wind-down", ("gl41a", "date"), None, "GL 41A/41B: wind-down"),
    Spell("none", ("gl41b-expiry", "date"), None, "No general licence"),
    Spell("restricted-licence", ("chevron-licence-2025", "date"), None,
          "Restricted specific licence; in-kind royalties"),
    Spell("2026-regime", ("gl46", "date"), None, "GL 46 / 48: broader regime"),
    Spell("named-operator", ("gl50", "date"), None,
          "GL 50 / 50A (Chevron named): operations authorised; taxes and royalties into US-held "
          "funds"),
]
# Before PdVSA's designation Chevron needed no OFAC licence; the note's table starts there.
PRE_DESIGNATION = "pre-designation"
CHEVRON_COLUMN = "chevron_licence"


def _date(ref: tuple[str, str]) -> pd.Timestamp:
    from .registry import bundled_events

    frame = bundled_events().set_index("id")
    ident, field = ref
    value = frame.at[ident, field]
    if pd.isna(value):  # pragma: no cover - guarded by the tests of the bundled registry
        raise DateRangeError(f"regime boundary {ident}.{field} is missing in the registry")
    return pd.Timestamp(value)


def spells() -> pd.DataFrame:
    """The spells ``regimes()`` is built from, with the registry events they cite.

    Returns
    -------
    DataFrame
        Columns ``regime, state, start, end, start_event, end_event,
        description``: one row per binary regime spell (``state`` "in force") and one per
        Chevron licence state (``regime`` "chevron_licence"). ``end`` is the
        first day after the spell (missing: still in force).
    """
    rows = []
    for spell in REGIMES:
        rows.append({
            "regime": spell.name, "state": "in force", "start": _date(spell.start),
            "end": _date(spell.end) if spell.end else pd.NaT,
            "start_event": f"{spell.start[0]}.{spell.start[1]}",
            "end_event": f"{spell.end[0]}.{spell.end[1]}" if spell.end else None,
            "description": spell.description,
        })
    states = CHEVRON_STATES
    rows.append({
        "regime": CHEVRON_COLUMN, "state": PRE_DESIGNATION, "start": pd.NaT,
        "end": _date(states[0].start), "start_event": None,
        "end_event": f"{states[0].start[0]}.{states[0].start[1]}",
        "description": "Before PdVSA's designation: no OFAC licence needed",
    })
    for current, following in zip(states, [*states[1:], None], strict=True):
        rows.append({
            "regime": CHEVRON_COLUMN, "state": current.name, "start": _date(current.start),
            "end": _date(following.start) if following else pd.NaT,
            "start_event": f"{current.start[0]}.{current.start[1]}",
            "end_event": f"{following.start[0]}.{following.start[1]}" if following else None,
            "description": current.description,
        })
    frame = pd.DataFrame(rows)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("regime", "state", "start_event", "end_event", "description"):
        frame[column] = frame[column].astype("string")
    return frame


def _on(periods: pd.PeriodIndex, date: pd.Timestamp, partial: str) -> np.ndarray:
    """A step at ``date`` on ``periods`` (no range check: spells may start before the index)."""
    return np.clip(_index.elapsed(periods, date, partial), 0.0, 1.0)


def _indicator(periods: pd.PeriodIndex, start: Any, end: Any, partial: str) -> np.ndarray:
    values = np.ones(len(periods)) if pd.isna(start) else _on(periods, start, partial)
    if not pd.isna(end):
        values = values - _on(periods, end, partial)
    return np.clip(values, 0.0, 1.0)


_FREQS = {"D": "D", "W": "W-SUN", "M": "M", "MS": "M", "ME": "M", "Q": "Q-DEC", "QS": "Q-DEC",
          "QE": "Q-DEC", "Y": "Y-DEC", "YS": "Y-DEC", "YE": "Y-DEC", "A": "Y-DEC", "AS": "Y-DEC"}


def regimes(freq: str = "M", start: Any = None, end: Any = None, *, index: Any = None,
            partial: str = "start", dummies: bool = False, shares: bool = False) -> pd.DataFrame:
    """Policy regime indicators per period, and Chevron's licence state.

    Parameters
    ----------
    freq : {"D", "W", "M", "Q", "Y"}, default "M"
        Period frequency ("MS"/"ME", "QS"/"QE", "YS"/"YE"/"A" are accepted).
    start, end : date-like, optional
        First and last period (defaults 2005-01-01 and 2026-12-31).
    index : DatetimeIndex or PeriodIndex, optional
        Build on this regular index instead (``freq``, ``start`` and ``end``
        are then ignored); the result is aligned to it.
    partial : {"start", "next", "fraction"}, default "start"
        How a change inside a period is placed, as in
        :mod:`venecon.policy.regressors`: with "start" a period shows the
        state on its last day (a regime starting 2017-08-25 is 1 for August),
        with "next" the state on its first day (0 for August), with
        "fraction" the share of its days in the regime (7/31 for August).
        For the categorical Chevron state, "fraction" gives the state that
        covers most days of the period (the later state on a tie).
    dummies : bool, default False
        Also return one column per Chevron state, ``chevron_<state>``, with
        the same ``partial`` convention (shares under "fraction").
    shares : bool, default False
        Also return the share of each period's days in every binary regime,
        ``<regime>_share``, and in every Chevron state, ``chevron_<state>_share``,
        whatever ``partial`` is (the month convention of the coded columns is
        then visible beside them: May 2024 has ``gl44_winddown`` 0 under
        "start" and ``gl44_winddown_share`` 30/31).

    Returns
    -------
    DataFrame
        Indexed by the period start dates (named ``date``; ``index`` itself
        when given). Float columns ``financial_sanctions, pdvsa_blocked,
        us_import_winddown, government_blocked, gl44_relief, gl44_winddown,
        secondary_tariff, interdiction, blockade, licensed_reopening,
        upstream_licensed, named_operators, direct_pdvsa_sales`` and the
        ordered categorical ``chevron_licence`` with states
        ``pre-designation, operations, maintenance-only, gl41-production,
        wind-down, none, restricted-licence, 2026-regime, named-operator``.
        ``frame.attrs["venecon"]`` records the registry's sha256;
        :func:`spells` lists every boundary and the event it comes from.

    Raises
    ------
    DateRangeError
        An unreadable ``start``/``end`` or ``start`` after ``end``.
    DateIndexError
        An irregular ``index``.
    ValueError
        An unknown ``freq`` or ``partial``.

    Examples
    --------
    >>> import venecon
    >>> r = venecon.regimes("M", "2019-01", "2026-06")
    >>> r.loc["2023-01-01", "chevron_licence"]  # doctest: +SKIP
    'gl41-production'
    """
    from .registry import bundled_events

    _index.check_partial(partial)
    if index is not None:
        periods = _index.as_periods(index)
        out_index = index.index if isinstance(index, pd.Series | pd.DataFrame) else index
    else:
        key = str(freq).upper()
        if key not in _FREQS:
            raise DateIndexError(f"unknown freq {freq!r}: use 'D', 'W', 'M', 'Q' or 'Y'")
        lo = _index.to_timestamp(start if start is not None else DEFAULT_START, "start")
        hi = _index.to_timestamp(end if end is not None else DEFAULT_END, "end")
        # end="2026" or end=Period("2026Q2") names a whole period: keep all of it.
        whole = end if isinstance(end, pd.Period) else None
        if isinstance(end, str):
            try:
                whole = pd.Period(end.strip())
            except (TypeError, ValueError):
                whole = None
        if whole is not None:
            hi = max(hi, whole.end_time.normalize())
        if lo > hi:
            raise DateRangeError(f"regimes: start {start!r} is after end {end!r}")
        periods = pd.period_range(lo, hi, freq=_FREQS[key])
        out_index = pd.DatetimeIndex(periods.start_time, name="date")

    table = spells()
    data: dict[str, Any] = {}
    for spell in REGIMES:
        row = table[table["regime"] == spell.name].iloc[0]
        data[spell.name] = _indicator(periods, row["start"], row["end"], partial)

    chevron = table[table["regime"] == CHEVRON_COLUMN]
    states = chevron["state"].tolist()
    shares_by_state = np.vstack([_indicator(periods, r["start"], r["end"], partial)
                                 for _, r in chevron.iterrows()])
    # Under start/next exactly one state is 1; under fraction take the largest share,
    # the later state on a tie (argmax on the reversed stack).
    pick = len(states) - 1 - np.argmax(shares_by_state[::-1], axis=0)
    labels = pd.Categorical.from_codes(pick, categories=states, ordered=True)
    data[CHEVRON_COLUMN] = labels
    if dummies:
        for state, values in zip(states, shares_by_state, strict=True):
            data[f"chevron_{state}"] = values
    if shares:
        for spell in REGIMES:
            row = table[table["regime"] == spell.name].iloc[0]
            data[f"{spell.name}_share"] = _indicator(periods, row["start"], row["end"], "fraction")
        for (_, r), state in zip(chevron.iterrows(), states, strict=True):
            data[f"chevron_{state}_share"] = _indicator(periods, r["start"], r["end"], "fraction")
    frame = pd.DataFrame(data, index=out_index)
    frame.attrs["venecon"] = dict(bundled_events().attrs.get("venecon", {}))
    frame.attrs["venecon"]["regimes"] = {"partial": partial, "shares": shares}
    return frame
