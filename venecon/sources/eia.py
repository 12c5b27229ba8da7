"""EIA API v2 client: monthly crude production by country and US imports from Venezuela.

Two routes of ``https://api.eia.gov/v2``:

``international``
    productId 57 (crude oil including lease condensate), activityId 1
    (production), unit TBPD (thousand barrels per day), frequency monthly,
    faceted by ``countryRegionId``. Mapped to the ``production_monthly``
    schema, series ``crude_oil``, unit ``kb/d``; EIA's world total ``WORL``
    becomes ``WLD`` and other regional aggregates are dropped.
``petroleum/move/impcus``
    series ``MCRIMUSVE2``, U.S. imports from Venezuela of crude oil, thousand
    barrels per day (units ``MBBL/D``). The live-only ``us_crude_imports`` dataset (columns
    of ``trade``, a different concept from the bundled ``trade`` values):
    country ``VEN``, series ``crude_exports_volume``, partner and reporter
    ``USA`` (US customs records, i.e. mirror data).

Responses follow ``{"response": {"total", "data": [...]}}``; pages of up to
5,000 rows are requested with ``offset``/``length`` until ``total`` rows are
read, bounded by ``Session.max_pages`` and ``Session.deadline`` and stopped
with an error if a page repeats earlier rows (a server ignoring ``offset``).
A row with a missing date, an empty country, or a value that is negative,
infinite or above 1e6 kb/d makes the call fail with
:class:`~venecon.exceptions.SourceError` naming the row (it is not dropped:
a silently shorter series would be a wrong answer). The key comes from
``$EIA_API_KEY`` and is never logged, cached or recorded; any message built
from a response passes through :func:`venecon.exceptions.redact`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..exceptions import ApiKeyError, SourceError, register_secret
from ._live import Session, paged, total_of
from ._tidy import tidy_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BASE_URL", "KEY_ENV", "crude_production", "us_imports_from_venezuela"]

BASE_URL = "https://api.eia.gov/v2"
KEY_ENV = "EIA_API_KEY"
PAGE = 5000
SOURCE = "eia_api"
#: kb/d: volumes are never negative, and 1e6 kb/d is over ten times world crude output
PLAUSIBLE_KBD = (0.0, 1e6)
_MISSING = {"", "--", "NA", "na", "(s)", "W", "-", "NaN"}


def _key(api_key: str | None) -> str:
    key = api_key or os.environ.get(KEY_ENV, "").strip()
    if not key:
        raise ApiKeyError(
            "the EIA API needs a key: register (free) at "
            f"https://www.eia.gov/opendata/register.php and set the environment variable {KEY_ENV}."
        )
    register_secret(key)
    return key


def _validate(body: bytes) -> dict[str, Any]:
    """Parse an EIA v2 body; ``ValueError`` if truncated, ``SourceError`` for an API error."""
    payload = json.loads(body.decode("utf-8"))  # JSONDecodeError is a ValueError
    if not isinstance(payload, dict):
        raise ValueError("EIA response is not a JSON object")
    if "error" in payload and "response" not in payload:
        message = str(payload["error"])[:300]  # SourceError redacts any echoed key
        kind = ApiKeyError if any(w in message.lower() for w in ("api_key", "api key")) else \
            SourceError
        raise kind(f"EIA API error: {message}")
    response = payload.get("response")
    if not isinstance(response, dict) or not isinstance(response.get("data"), list):
        raise ValueError("EIA response lacks response.data (truncated or not an API v2 body)")
    return payload


def _pages(
    session: Session, route: str, params: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All rows of a query across pages, and one provenance record per page."""
    def read(payload: dict[str, Any]) -> tuple[list[Any], int | None]:
        response = payload["response"]
        return response["data"], total_of(response.get("total"))

    return paged(session, SOURCE, f"{BASE_URL}/{route}/data/", params, validate=_validate,
                 read=read, limit_param="length", page_size=PAGE)


def _objects(rows: list[Any], route: str) -> list[dict[str, Any]]:
    """``rows``, checked to be JSON objects (a malformed body can hold anything)."""
    for row in rows:
        if not isinstance(row, dict):
            raise SourceError(f"EIA {route} returned a row that is not an object: {row!r:.100}; "
                              f"retry later with refresh=True.")
    return rows


def _value(raw: Any) -> tuple[float, str | None]:
    if isinstance(raw, bool):  # float(True) is 1.0: a JSON true is no measurement
        raise SourceError(f"EIA returned the JSON boolean {str(raw).lower()} as a value; the "
                          "response is malformed. Retry later with refresh=True.")
    if raw is None or (isinstance(raw, str) and raw.strip() in _MISSING):
        return float("nan"), (f"eia:{raw.strip()}" if isinstance(raw, str) and raw.strip() else
                               "eia:missing")
    try:
        return float(raw), None
    except (TypeError, ValueError):
        return float("nan"), f"eia:{str(raw)[:20]}"


def _common(start: str | None, end: str | None, api_key: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"api_key": _key(api_key), "frequency": "monthly", "data[0]": "value",
                              "sort[0][column]": "period", "sort[0][direction]": "asc"}
    if start:
        params["start"] = str(start)[:7]
    if end:
        params["end"] = str(end)[:7]
    return params


def crude_production(
    countries: str | Iterable[str] | None = None,
    *,
    start: str | None = None,
    end: str | None = None,
    api_key: str | None = None,
    session: Session | None = None,
) -> pd.DataFrame:
    """Monthly crude oil production by country (EIA international data), in kb/d.

    Parameters
    ----------
    countries : str or iterable of str, optional
        ISO 3166 alpha-3 codes (``"VEN"``; ``"WLD"`` for the world). Default: all.
    start, end : str, optional
        ``"YYYY-MM"`` bounds, inclusive.
    api_key : str, optional
        Default ``$EIA_API_KEY``.
    session : Session, optional
        Cache, HTTP client, ``refresh`` and ``offline`` settings.

    Returns
    -------
    DataFrame
        Columns ``date, country, series, value, unit, source, flag`` (the
        ``production_monthly`` schema); ``date`` is the month start, ``flag``
        records EIA's marker for a missing value (``"eia:--"``).
        ``attrs["venecon"]`` holds the provenance of every response used.
    """
    session = session or Session()
    params = _common(start, end, api_key)
    params.update({"facets[productId][]": "57", "facets[activityId][]": "1",
                   "facets[unit][]": "TBPD"})
    if countries is not None:
        codes = [countries] if isinstance(countries, str) else list(countries)
        params["facets[countryRegionId][]"] = sorted("WORL" if c == "WLD" else c for c in codes)
    rows, records = _pages(session, "international", params)
    out = []
    for row in _objects(rows, "international"):
        code = str(row.get("countryRegionId") or "")
        if code == "WORL":
            code = "WLD"
        elif row.get("countryRegionTypeId", "c") != "c":
            continue
        unit = str(row.get("unit", "TBPD"))
        if unit != "TBPD":
            raise SourceError(f"EIA international returned unit {unit!r}, expected 'TBPD'")
        value, flag = _value(row.get("value"))
        out.append({"date": row.get("period"), "country": code, "series": "crude_oil",
                    "value": value, "unit": "kb/d", "source": SOURCE, "flag": flag})
    return tidy_frame(out, "production_monthly", records,
                      ["date", "country", "series", "value", "unit", "source", "flag"],
                      bounds=PLAUSIBLE_KBD)


def us_imports_from_venezuela(
    *,
    start: str | None = None,
    end: str | None = None,
    api_key: str | None = None,
    session: Session | None = None,
    series_ids: Sequence[str] = ("MCRIMUSVE2",),
) -> pd.DataFrame:
    """Monthly US imports of Venezuelan crude oil (EIA ``petroleum/move/impcus``), in kb/d.

    Parameters
    ----------
    start, end : str, optional
        ``"YYYY-MM"`` bounds, inclusive.
    api_key : str, optional
        Default ``$EIA_API_KEY``.
    session : Session, optional
        Cache, HTTP client, ``refresh`` and ``offline`` settings.
    series_ids : sequence of str
        EIA series; the default ``MCRIMUSVE2`` is crude oil in thousand b/d.

    Returns
    -------
    DataFrame
        The ``trade`` schema: ``date, country, series, value, unit, source,
        partner, reporter`` with country ``VEN``, series
        ``crude_exports_volume``, unit ``kb/d``, partner and reporter ``USA``.
    """
    session = session or Session()
    params = _common(start, end, api_key)
    params["facets[series][]"] = list(series_ids)
    rows, records = _pages(session, "petroleum/move/impcus", params)
    out = []
    for row in _objects(rows, "impcus"):
        if row.get("series") not in series_ids:
            raise SourceError(f"EIA impcus returned series {row.get('series')!r}, "
                              f"expected one of {list(series_ids)}")
        units = str(row.get("units", "MBBL/D"))
        if units.upper() != "MBBL/D":
            raise SourceError(f"EIA impcus returned units {units!r}, expected 'MBBL/D'")
        value, _ = _value(row.get("value"))
        out.append({"date": row.get("period"), "country": "VEN", "series": "crude_exports_volume",
                    "value": value, "unit": "kb/d", "source": SOURCE, "partner": "USA",
                    "reporter": "USA"})
    return tidy_frame(out, "us_crude_imports", records,
                      ["date", "country", "series", "value", "unit", "source", "partner",
                       "reporter"],
                      bounds=PLAUSIBLE_KBD)
