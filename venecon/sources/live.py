"""Live datasets: fetch, the user-local overlay, and the hook used by ``venecon.load``.

A live dataset has the schema of the bundled one of the same name
(``production_monthly``, ``prices_daily``) or is live-only (``us_crude_imports``,
``cpi_monthly``, ``market_daily``). :func:`live_table` returns the overlay
copy in ``<cache>/overlay/<name>.entry`` if there is one, else fetches the
table and writes the overlay; ``refresh=True`` always re-fetches. The overlay
is one file, published atomically: a JSON record line (the table's sha256 and
provenance) followed by the table as CSV (``tail -n +2 FILE`` shows it). The bundled files are never
touched. Every frame carries ``attrs["venecon"]`` with the sha256 of the
table, the vintage and the provenance of each raw response.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import CacheIntegrityError, DatasetNotFoundError
from . import eia, fred, yahoo
from ._live import Session
from ._tidy import KEYS, frame_sha256
from .cache import Cache, read_entry, write_entry

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LIVE_DATASETS", "LiveDataset", "fetch", "live_resource", "live_table", "overlay_path",
           "refresh"]

_BASE = ["date", "country", "series", "value", "unit", "source"]


@dataclass(frozen=True)
class LiveDataset:
    """A dataset that can be fetched from a live source."""

    name: str
    frequency: str
    columns: tuple[str, ...]
    getter: Callable[..., pd.DataFrame]
    description: str
    needs: str | None  # environment variable with the API key, if any


LIVE_DATASETS: dict[str, LiveDataset] = {
    d.name: d
    for d in (
        LiveDataset("production_monthly", "monthly", (*_BASE, "flag"), eia.crude_production,
                    "EIA international: crude oil production by country, kb/d", eia.KEY_ENV),
        LiveDataset("us_crude_imports", "monthly", (*_BASE, "partner", "reporter"),
                    eia.us_imports_from_venezuela,
                    "EIA: US imports of Venezuelan crude oil (MCRIMUSVE2), kb/d", eia.KEY_ENV),
        LiveDataset("prices_daily", "daily", tuple(_BASE), fred.spot_prices,
                    "FRED: Brent and WTI daily spot prices, USD/bbl", fred.KEY_ENV),
        LiveDataset("cpi_monthly", "monthly", tuple(_BASE), fred.us_cpi,
                    "FRED: US CPI, all urban consumers, SA (CPIAUCSL)", fred.KEY_ENV),
        LiveDataset("market_daily", "daily", (*_BASE, "ticker", "field"), yahoo.prices,
                    "Yahoo Finance: futures and equities, close and adjusted close", None),
    )
}


def live_dataset(name: str) -> LiveDataset:
    try:
        return LIVE_DATASETS[name]
    except KeyError:
        raise DatasetNotFoundError(
            f"no live source for dataset {name!r}. Live datasets: {', '.join(LIVE_DATASETS)}."
        ) from None


def live_resource(name: str) -> dict[str, Any]:
    """A descriptor entry (``name``, ``frequency``, ``schema.fields``) like the bundled ones."""
    spec = live_dataset(name)
    kinds = {"date": "date", "value": "number"}
    fields = [{"name": c, "type": kinds.get(c, "string")} for c in spec.columns]
    return {"name": name, "frequency": spec.frequency, "schema": {"fields": fields},
            "description": spec.description, "live": True}


def _session(session: Session | None, refresh: bool, offline: bool | None,
             cache: Cache | None) -> Session:
    if session is not None:
        return session
    return Session(cache=cache, refresh=refresh, offline=offline)


def fetch(
    name: str,
    *,
    refresh: bool = False,
    offline: bool | None = None,
    session: Session | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Fetch a live dataset (cache first) as a tidy frame, bypassing the overlay.

    Parameters
    ----------
    name : str
        One of :data:`LIVE_DATASETS`.
    refresh : bool
        Re-fetch even if cached.
    offline : bool, optional
        Use only the cache (default ``$VENECON_OFFLINE``).
    session : Session, optional
        Overrides ``refresh``/``offline`` (cache, HTTP client).
    **params
        Passed to the source function (``start``, ``end``, ``countries``,
        ``tickers``, ``download``...).
    """
    return live_dataset(name).getter(session=_session(session, refresh, offline, None), **params)


def overlay_path(cache: Cache, name: str) -> Path:
    """The overlay file of the live dataset ``name`` in ``cache``."""
    return cache.root / "overlay" / f"{name}.entry"


def _read_overlay(cache: Cache, name: str) -> pd.DataFrame | None:
    path = overlay_path(cache, name)
    try:
        record, data = read_entry(path, required=("sha256", "attrs"))
        attrs = record["attrs"]
        consistent = attrs["datasets"][f"{name}@live"] == record["sha256"]
    except FileNotFoundError:
        return None
    except (OSError, CacheIntegrityError, KeyError, TypeError) as exc:
        raise CacheIntegrityError(
            f"the live overlay of {name!r} ({path}) is unreadable or corrupt ({exc}); "
            f"run 'venecon data refresh {name}'"
        ) from None
    if not consistent:
        raise CacheIntegrityError(
            f"the live overlay {path} records a table sha256 other than its body's; "
            f"run 'venecon data refresh {name}'"
        )
    frame = _parse_overlay(data, name, record["sha256"])
    if frame is None or not isinstance(attrs, dict):
        raise CacheIntegrityError(
            f"the live overlay {path} matches its sha256 but is not a valid {name!r} table "
            f"(columns {', '.join(live_dataset(name).columns)}, ISO dates, finite numbers, no "
            f"empty or duplicate keys); run 'venecon data refresh {name}'"
        )
    frame.attrs["venecon"] = attrs
    return frame


def _parse_overlay(data: bytes, name: str, sha: str) -> pd.DataFrame | None:
    """The overlay's table, re-validated as a fetched one is; None if it is not one."""
    import numpy as np
    import pandas as pd

    columns = live_dataset(name).columns
    try:
        frame = pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""],
                            dtype={c: "string" for c in columns if c not in ("date", "value")},
                            encoding="utf-8")
        if tuple(frame.columns) != tuple(columns):
            return None
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
        frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64")
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    keys = [c for c in KEYS if c in frame.columns]
    text = [c for c in keys if c != "date"]
    if (frame["date"].isna().any() or np.isinf(frame["value"].to_numpy()).any()
            or any(frame[c].fillna("").str.strip().eq("").any() for c in text)
            or frame.duplicated(keys).any() or frame_sha256(frame) != sha):
        return None
    return frame


def _write_overlay(cache: Cache, name: str, frame: pd.DataFrame) -> Path:
    path = overlay_path(cache, name)
    text = frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode("utf-8")
    sha = hashlib.sha256(text).hexdigest()
    assert sha == frame_sha256(frame)
    write_entry(path, {"sha256": sha, "attrs": frame.attrs["venecon"]}, text)
    return path


def live_table(
    name: str,
    *,
    refresh: bool = False,
    offline: bool | None = None,
    session: Session | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Descriptor entry and full frame of a live dataset: the hook for ``venecon.load``.

    Uses the overlay if present and ``refresh`` is false; otherwise fetches
    (cache first, or re-fetching with ``refresh=True``) and writes the overlay.
    """
    spec = live_dataset(name)
    session = _session(session, refresh, offline, None)
    assert session.cache is not None
    frame = None if session.refresh else _read_overlay(session.cache, name)
    if frame is None:
        frame = spec.getter(session=session)
        _write_overlay(session.cache, name, frame)
    return live_resource(name), frame


def refresh(
    names: list[str] | None = None,
    *,
    session: Session | None = None,
    download: Callable[..., pd.DataFrame] | None = None,
) -> dict[str, Path]:
    """Re-fetch live datasets and rewrite their overlay copies.

    Parameters
    ----------
    names : list of str, optional
        Default: all of :data:`LIVE_DATASETS`.
    session : Session, optional
        Default: a session with ``refresh=True``.
    download : callable, optional
        Replacement for ``yfinance.download`` (see :func:`venecon.sources.yahoo.prices`).

    Returns
    -------
    dict
        Dataset name -> path of the written overlay file.
    """
    session = session or Session(refresh=True)
    assert session.cache is not None
    written = {}
    for name in names or list(LIVE_DATASETS):
        spec = live_dataset(name)
        extra = {"download": download} if name == "market_daily" and download else {}
        frame = spec.getter(session=session, **extra)
        written[name] = _write_overlay(session.cache, name, frame)
    return written
