"""Yahoo Finance adapter (through yfinance): daily futures and equity prices.

Always downloads with ``auto_adjust=False`` and keeps both the close and the
adjusted close (``field`` column: ``close``, ``adj_close``), so a paper can
say which one it used. yfinance is optional (``pip install venecon[live]``)
and imported only when :func:`prices` runs without an injected ``download``.
The downloaded prices are cached like the HTTP sources (as CSV, with sha256
and retrieval time), so offline runs fall back to the last vintage.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..exceptions import SourceError
from ._live import Session, retrieve
from ._tidy import tidy_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_TICKERS", "TICKERS", "prices"]

SOURCE = "yahoo"
#: ticker -> (venecon series, country, unit)
TICKERS: dict[str, tuple[str, str, str]] = {
    "BZ=F": ("brent_futures", "WLD", "USD/bbl"),
    "CL=F": ("wti_futures", "WLD", "USD/bbl"),
    "CVX": ("chevron", "USA", "USD"),
    "VLO": ("valero", "USA", "USD"),
    "PSX": ("phillips66", "USA", "USD"),
    "MPC": ("marathon_petroleum", "USA", "USD"),
    "PBF": ("pbf_energy", "USA", "USD"),
    "^GSPC": ("sp500", "USA", "index points"),
    "XLE": ("energy_select_etf", "USA", "USD"),
}
DEFAULT_TICKERS = ("BZ=F", "CL=F", "CVX", "VLO", "PSX", "MPC", "^GSPC")
_FIELDS = {"Close": "close", "Adj Close": "adj_close"}


def _yf_download(**kwargs: Any) -> pd.DataFrame:
    try:
        import yfinance
    except ImportError:
        raise SourceError(
            "Yahoo Finance data need the optional package yfinance: "
            "pip install 'venecon[live]' (or pip install yfinance)."
        ) from None
    return yfinance.download(**kwargs)


def _long(wide: pd.DataFrame, tickers: list[str]) -> pd.DataFrame:
    """date, ticker, field, value from yfinance's wide frame (flat or MultiIndex columns)."""
    import pandas as pd

    if wide is None or len(wide) == 0:
        raise SourceError(f"Yahoo Finance returned no rows for {tickers}", transient=True)
    parts = []
    for column in wide.columns:
        if isinstance(wide.columns, pd.MultiIndex):
            field, ticker = column[0], column[1]
        else:
            if len(tickers) != 1:
                raise SourceError("Yahoo Finance returned flat columns for several tickers")
            field, ticker = column, tickers[0]
        if field not in _FIELDS:
            continue
        series = pd.to_numeric(wide[column], errors="coerce").dropna()
        index = pd.DatetimeIndex(series.index)
        if index.tz is not None:
            index = index.tz_localize(None)
        parts.append(pd.DataFrame({"date": index.normalize().strftime("%Y-%m-%d"),
                                   "ticker": str(ticker), "field": _FIELDS[field],
                                   "value": series.to_numpy()}))
    if not parts:
        raise SourceError("Yahoo Finance returned neither 'Close' nor 'Adj Close' columns; "
                          "was auto_adjust=False honoured?")
    found = {p["ticker"].iloc[0] for p in parts if len(p)}
    if missing := [t for t in tickers if t not in found]:
        raise SourceError(f"Yahoo Finance returned no prices for {missing}", transient=True)
    return pd.concat(parts, ignore_index=True)


def prices(
    tickers: str | Iterable[str] = DEFAULT_TICKERS,
    *,
    start: str | None = None,
    end: str | None = None,
    session: Session | None = None,
    download: Callable[..., pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Daily close and adjusted close from Yahoo Finance, as a tidy frame.

    Parameters
    ----------
    tickers : str or iterable of str
        Yahoo symbols; :data:`TICKERS` maps the usual ones (Brent ``BZ=F``,
        WTI ``CL=F``, Chevron ``CVX``, refiners, ``^GSPC``) to venecon names.
        Others keep their symbol as ``series``.
    start, end : str, optional
        ``"YYYY-MM-DD"``; ``end`` is exclusive, as in yfinance.
    session : Session, optional
        Cache, ``refresh`` and ``offline`` settings.
    download : callable, optional
        Replacement for ``yfinance.download`` (tests inject one); called with
        ``tickers, start, end, interval="1d", auto_adjust=False,
        actions=False, progress=False, group_by="column"``.

    Returns
    -------
    DataFrame
        ``date, country, series, value, unit, source, ticker, field`` with
        ``field`` in ``{"close", "adj_close"}`` and source ``yahoo``.
    """
    import pandas as pd

    session = session or Session()
    symbols = [tickers] if isinstance(tickers, str) else list(tickers)
    params = {"tickers": sorted(symbols), "start": start, "end": end, "interval": "1d",
              "auto_adjust": False}
    download = download or _yf_download

    def fetch() -> bytes:
        try:
            wide = download(tickers=symbols, start=start, end=end, interval="1d",
                            auto_adjust=False, actions=False, progress=False, group_by="column")
        except SourceError:
            raise
        except Exception as exc:  # yfinance raises many kinds; all mean "try later"
            raise SourceError(f"Yahoo Finance download failed: {type(exc).__name__}: {exc}",
                              transient=True) from None
        return _long(wide, symbols).to_csv(index=False, lineterminator="\n").encode("utf-8")

    def validate(body: bytes) -> None:
        pd.read_csv(io.BytesIO(body))

    entry, cached = retrieve(session, SOURCE, "yfinance.download", params, validate=validate,
                             fetch=fetch)
    raw = pd.read_csv(io.BytesIO(entry.body), dtype={"ticker": "string", "field": "string"})
    rows: list[dict[str, Any]] = []
    for record in raw.to_dict("records"):
        series, country, unit = TICKERS.get(record["ticker"], (record["ticker"], "WLD", ""))
        rows.append({"date": record["date"], "country": country, "series": series,
                     "value": record["value"], "unit": unit, "source": SOURCE,
                     "ticker": record["ticker"], "field": record["field"]})
    return tidy_frame(rows, "market_daily", [entry.provenance(cached)],
                      ["date", "country", "series", "value", "unit", "source", "ticker", "field"])
