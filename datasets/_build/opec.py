"""Generic reader for the OPEC Annual Statistical Bulletin 2018 workbooks (``opec-asb-2018/*.xlsx``).

Every ASB interactive table has the same layout: one sheet, the section on row 1,
the title with the unit in parentheses on row 2 (``"Table 3.6: World crude oil
production by country (1,000 b/d)"``), then one or more *blocks*. A block starts
with a header row whose data cells are periods (years as int or ``"1960"``,
or dates) and whose first cell names the block (``"Monthly"``, ``"Yearly"``,
``"country"``, ``"Daily crude oil production (average)"`` or empty). One or two
label columns precede the periods: the row label (country, grade, exporter) and
an optional *group* (T32/T36 region, T51 importing region, T52 destination).
A blank row ends a block; ``Notes:`` lines and the copyright/disclaimer follow.

Interface (stable; other builders rely on it):

``read(path, kind=None) -> DataFrame``
    Long table, one row per (block, label, group, period) with columns
    ``block`` (header's first cell, stripped), ``label`` (row label with footnote
    digits removed: ``"Kuwait1"`` -> ``"Kuwait"``), ``group`` (second label
    column or ``""``), ``footnote`` (the removed digits, e.g. ``"1,2"``, or
    ``""``), ``period`` (int year for annual blocks, month-start
    ``Timestamp`` for monthly blocks) and ``value`` (float; NaN where the cell
    is empty or a missing-value marker such as ``na``, ``-``, ``--``).
    ``kind`` keeps blocks whose header starts with it (case-insensitive).
    Rows with a blank label or ``"of which"`` inherit the label of the row
    above (T52 lists destinations under each exporter); rows without any value
    (``"of which"`` separators) are skipped.
``blocks(path, kind=None) -> dict``
    The same data as ``{key: Series indexed by period}``; ``key`` is the label,
    or ``(label, group)`` when the block has a group column. Blocks of the same
    kind are concatenated (T71/T72 split the monthly data into 1983-2003 and
    2004-2017 blocks). Missing values stay NaN.
``country_rows(frame, series, source, unit) -> DataFrame``
    Tidy core-column rows (``date, country, series, value, unit, source``)
    from any frame with ``label, period, value`` columns (the output of
    :func:`read`, or another publisher's country table): drops missing values
    and aggregates (``countries.is_aggregate``), maps labels to ISO alpha-3.
``title(path)``, ``unit(path)``, ``notes(path)``
    Row-2 title, the unit in its trailing parentheses (``"1,000 b/d"``,
    ``"m $"``, ``"$/b"``; ``None`` if absent) and the lines after ``Notes:``.

Headers made only of 1 January dates (T51, T53 store years that way) are
read as annual. Tables whose header is not made of periods (T12, allocation
periods such as ``"Apr82-Mar83"``) are not supported.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .countries import is_aggregate, iso3

MISSING = {"", "na", "n/a", "n.a.", "-", "--", "..."}
_FOOTNOTE = re.compile(r"^(.*?[A-Za-z)\]])\s*(\d+(?:\s*,\s*\d+)*)$")
_YEAR = re.compile(r"^\d{4}$")


@cache
def _sheet(path: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=0, header=None, engine="openpyxl", dtype=object)


def _text(cell) -> str:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return re.sub(r"\s+", " ", str(cell).replace("\u00a0", " ")).strip()


def _period(cell):
    """A header cell as int year or Timestamp, or None if it is not a period."""
    if isinstance(cell, (dt.datetime, pd.Timestamp)):
        return pd.Timestamp(cell)
    if isinstance(cell, (int, np.integer)) and 1900 <= cell <= 2100:
        return int(cell)
    if isinstance(cell, float) and cell.is_integer() and 1900 <= cell <= 2100:
        return int(cell)
    if isinstance(cell, str) and _YEAR.match(cell.strip()):
        return int(cell.strip())
    return None


def _value(cell) -> float:
    if isinstance(cell, str):
        if cell.strip().lower() in MISSING:
            return np.nan
        raise ValueError(f"unexpected text {cell!r} in an ASB data cell")
    if cell is None:
        return np.nan
    return float(cell)


def _header(row: list):
    """(first data column, periods) if ``row`` is a block header, else None."""
    for start in (1, 2):
        cells = [c for c in row[start:] if _text(c)]
        if cells and all(_period(c) is not None for c in cells) and _period(row[start]) is not None:
            periods = [_period(c) if _text(c) else None for c in row[start:]]
            present = [p for p in periods if p is not None]
            pairs = zip(present, present[1:], strict=False)
            if any(type(a) is not type(b) or a >= b for a, b in pairs):
                return None  # periods must increase strictly
            stamps = [p for p in periods if isinstance(p, pd.Timestamp)]
            yearly = all(p.month == 1 and p.day == 1 for p in stamps)
            if stamps and len(stamps) == len(cells) and yearly:
                periods = [p.year if p is not None else None for p in periods]
            return start, periods
    return None


def _split_label(text: str) -> tuple[str, str]:
    match = _FOOTNOTE.match(text)
    if match:
        return match.group(1).strip(), re.sub(r"\s+", "", match.group(2))
    return text, ""


def read(path: Path | str, kind: str | None = None) -> pd.DataFrame:
    """Read every block of an ASB workbook into one long frame.

    Parameters
    ----------
    path : Path or str
        The workbook (open it through ``raw.open_raw`` first).
    kind : str, optional
        Keep only blocks whose header's first cell starts with this text
        (case-insensitive), e.g. ``"Monthly"``, ``"Yearly"``, ``"Daily"``.

    Returns
    -------
    DataFrame
        Columns ``block, label, group, footnote, period, value`` in sheet order.
    """
    rows = _sheet(str(path)).values.tolist()
    records, current, label = [], None, ""
    for row in rows:
        # Headers are only looked for between blocks: a data row of rig counts
        # or years-like values must not be mistaken for one.
        header = _header(row) if current is None else None
        if header is not None:
            current, label = (_text(row[0]), *header), ""
            continue
        if current is None:
            continue
        block, start, periods = current
        if not any(_text(c) for c in row) or _text(row[0]).lower().startswith("notes"):
            current = None  # a blank row or the notes end the block
            continue
        own = _text(row[0])
        if own and own.lower() != "of which":
            label = own
        group = _text(row[1]) if start == 2 else ""
        values = [_value(c) for c in row[start:start + len(periods)]]
        if all(np.isnan(v) for v in values) and all(not _text(c) for c in row[start:]):
            continue  # separator rows such as "of which"
        name, footnote = _split_label(label)
        for period, value in zip(periods, values, strict=True):
            if period is not None:
                records.append((block, name, group, footnote, period, value))
    columns = ["block", "label", "group", "footnote", "period", "value"]
    frame = pd.DataFrame(records, columns=columns)
    if kind is not None:
        frame = frame[frame["block"].str.lower().str.startswith(kind.lower())]
    return frame.reset_index(drop=True)


def blocks(path: Path | str, kind: str | None = None) -> dict:
    """Return ``{label or (label, group): Series indexed by period}``.

    See the module docstring; blocks of the same kind are concatenated and a
    period present twice for one key raises (it would mean two blocks overlap).
    """
    frame = read(path, kind)
    has_group = (frame["group"] != "").any()
    out = {}
    keys = ["label", "group"] if has_group else ["label"]
    for key, part in frame.groupby(keys, sort=False):
        series = pd.Series(part["value"].to_numpy(), index=pd.Index(part["period"].tolist()))
        if series.index.duplicated().any():
            raise ValueError(f"{path}: {key!r} has the same period in two blocks; pass kind=")
        out[key if has_group else key[0]] = series.sort_index()
    return out


def title(path: Path | str) -> str:
    """The table title (row 2), e.g. ``"Table 3.2: Active rigs by country"``."""
    return _text(_sheet(str(path)).iat[1, 0])


def unit(path: Path | str) -> str | None:
    """The unit in the title's trailing parentheses, or None."""
    match = re.search(r"\(([^()]*)\)\s*$", title(path))
    return match.group(1) if match else None


def notes(path: Path | str) -> list[str]:
    """The footnote lines printed after ``Notes:`` (up to the copyright line)."""
    lines, inside = [], False
    for cell in _sheet(str(path))[0].tolist():
        text = _text(cell)
        if text.lower().startswith("notes"):
            inside = True
            text = re.sub(r"^notes:?\s*", "", text, flags=re.I)
        elif text.startswith("©"):
            break
        if inside and text:
            lines.append(text)
    return lines


def country_rows(frame: pd.DataFrame, series: str, source: str, unit: str) -> pd.DataFrame:
    """Turn a ``label, period, value`` country table into tidy core-column rows.

    Parameters
    ----------
    frame : DataFrame
        Needs ``label`` (publisher country name), ``period`` and ``value``.
    series, source, unit : str
        Constant core columns.

    Returns
    -------
    DataFrame
        ``date, country, series, value, unit, source``; rows with a missing
        value and aggregate rows (regions, "Others", OPEC, ...) are dropped,
        the world total is kept as ``WLD``. An unknown country name raises.
    """
    rows = frame[frame["value"].notna() & ~frame["label"].map(is_aggregate)]
    return pd.DataFrame(
        {
            "date": rows["period"].to_numpy(),
            "country": rows["label"].map(iso3).to_numpy(),
            "series": series,
            "value": rows["value"].astype(float).to_numpy(),
            "unit": unit,
            "source": source,
        }
    )


# ASB unit labels -> the venecon unit vocabulary (common.UNITS).
ASB_UNITS = {"$/b": "USD/bbl", "1,000 b/d": "kb/d", "m $": "USD million"}


def asb_unit(path: Path) -> str:
    """The venecon unit of an ASB table, read from its title (e.g. '(1,000 b/d)' -> 'kb/d')."""
    label = unit(path)
    if label not in ASB_UNITS:
        raise ValueError(f"{path}: unexpected ASB unit {label!r}")
    return ASB_UNITS[label]
