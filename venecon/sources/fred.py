"""FRED client: Brent and WTI daily spot prices and US CPI.

``https://api.stlouisfed.org/fred/series/observations`` with
``file_type=json`` returns ``{"count", "offset", "limit", "observations":
[{"date", "value"}, ...]}``; a value of ``"."`` means missing and is dropped
(FRED's daily spot series carry one for every holiday). Pages of up to
100,000 observations are requested with ``offset``/``limit``. The key comes
from ``$FRED_API_KEY`` and is never logged, cached or recorded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..exceptions import ApiKeyError, SourceError, register_secret
from ._live import Session, paged, total_of
from ._tidy import tidy_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BASE_URL", "KEY_ENV", "SERIES", "observations", "spot_prices", "us_cpi"]

BASE_URL = "https://api.stlouisfed.org/fred/series/observations"
KEY_ENV = "FRED_API_KEY"
PAGE = 100_000
SOURCE = "fred"

#: FRED id -> (venecon series, country, unit)
SERIES: dict[str, tuple[str, str, str]] = {
    "DCOILBRENTEU": ("brent", "WLD", "USD/bbl"),
    "DCOILWTICO": ("wti", "WLD", "USD/bbl"),
    "CPIAUCSL": ("cpi_all_urban", "USA", "index 1982-1984=100"),
}


def _key(api_key: str | None) -> str:
    key = api_key or os.environ.get(KEY_ENV, "").strip()
    if not key:
        raise ApiKeyError(
            "FRED needs an API key: request one (free) at "
            "https://fredaccount.stlouisfed.org/apikeys and set the environment variable "
            f"{KEY_ENV}."
        )
    register_secret(key)
    return key


def _validate(body: bytes) -> dict[str, Any]:
    payload = json.loads(body.decode("utf-8"))
    if not isinstance(payload, dict):
        raise ValueError("FRED response is not a JSON object")
    if "error_message" in payload or "error_code" in payload:
        message = str(payload.get("error_message", payload.get("error_code")))[:300]
        kind = ApiKeyError if "api_key" in message.lower() else SourceError
        raise kind(f"FRED error: {message}", status=payload.get("error_code"))
    if not isinstance(payload.get("observations"), list):
        raise ValueError("FRED response lacks 'observations' (truncated or not a FRED body)")
    return payload


def _read(payload: dict[str, Any]) -> tuple[list[Any], int | None]:
    return payload["observations"], total_of(payload.get("count"))


def observations(
    series_ids: str | Iterable[str],
    *,
    start: str | None = None,
    end: str | None = None,
    api_key: str | None = None,
    session: Session | None = None,
    dataset: str = "fred",
) -> pd.DataFrame:
    """Observations of FRED series as a tidy frame.

    Parameters
    ----------
    series_ids : str or iterable of str
        FRED ids; those in :data:`SERIES` get venecon names and units, others
        keep their id as ``series`` and an empty unit.
    start, end : str, optional
        ``"YYYY-MM-DD"`` bounds (``observation_start``/``observation_end``).
    api_key : str, optional
        Default ``$FRED_API_KEY``.
    session : Session, optional
        Cache, HTTP client, ``refresh`` and ``offline`` settings.
    dataset : str
        Name recorded in the provenance.

    Returns
    -------
    DataFrame
        Columns ``date, country, series, value, unit, source`` (``source`` is
        ``fred``); missing observations (``"."``) are dropped.
    """
    session = session or Session()
    ids = [series_ids] if isinstance(series_ids, str) else list(series_ids)
    key = _key(api_key)
    rows: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    for series_id in ids:
        name, country, unit = SERIES.get(series_id, (series_id, "WLD", ""))
        params: dict[str, Any] = {"series_id": series_id, "api_key": key, "file_type": "json"}
        if start:
            params["observation_start"] = str(start)
        if end:
            params["observation_end"] = str(end)
        page_rows, page_records = paged(session, SOURCE, BASE_URL, params, validate=_validate,
                                        read=_read, limit_param="limit", page_size=PAGE)
        records.extend(page_records)
        for obs in page_rows:
            raw = obs.get("value") if isinstance(obs, dict) else None
            if raw in (".", "", None):
                continue
            try:
                if isinstance(raw, bool):  # float(True) is 1.0: a JSON true is no measurement
                    raise TypeError
                value = float(raw)
            except (TypeError, ValueError):
                raise SourceError(f"FRED {series_id}: unreadable value {raw!r} on "
                                  f"{obs.get('date')!r}") from None
            rows.append({"date": obs.get("date"), "country": country, "series": name,
                         "value": value, "unit": unit, "source": SOURCE})
    return tidy_frame(rows, dataset, records, ["date", "country", "series", "value", "unit",
                                               "source"])


def spot_prices(
    *, start: str | None = None, end: str | None = None, api_key: str | None = None,
    session: Session | None = None,
) -> pd.DataFrame:
    """Brent (``DCOILBRENTEU``) and WTI (``DCOILWTICO``) daily spot prices, USD/bbl.

    The ``prices_daily`` schema with series ``brent`` and ``wti``, country
    ``WLD`` and source ``fred``. See :func:`observations` for the parameters.
    """
    return observations(["DCOILBRENTEU", "DCOILWTICO"], start=start, end=end, api_key=api_key,
                        session=session, dataset="prices_daily")


def us_cpi(
    *, start: str | None = None, end: str | None = None, api_key: str | None = None,
    session: Session | None = None,
) -> pd.DataFrame:
    """US CPI for all urban consumers, seasonally adjusted (``CPIAUCSL``), monthly.

    Series ``cpi_all_urban``, country ``USA``, unit ``index 1982-1984=100``,
    for deflating dollar prices. See :func:`observations` for the parameters.
    """
    return observations("CPIAUCSL", start=start, end=end, api_key=api_key, session=session,
                        dataset="cpi_monthly")
