# ruff: noqa: F811  (pytest fixtures imported from test_sources_http are used by name)
"""Issue 23, defect 3: keys and the cache.

A body echoing the key is redacted before it is cached; each cache entry is
bound to its request; a cached body that passes sha256 but fails validation is
re-fetched; malformed records and overlays are specific errors; JSON ``true``
is no number. A local server on 127.0.0.1 replays recorded payload shapes.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote, quote_plus

import pytest
from test_sources_http import (  # noqa: F401  (fixtures are used by name)
    FRED,
    INTL,
    INTL_ROWS,
    KEY,
    eia_page,
    fred_body,
    intl_row,
    ok,
    scan_dir,
    server,
    session,
    sleeps,
)

from venecon.exceptions import CacheIntegrityError, OfflineError, SourceError
from venecon.sources import eia, fred, live
from venecon.sources._live import Session
from venecon.sources.cache import Cache, read_entry, write_entry

pytestmark = pytest.mark.timeout(60)


def _entries(session, source):
    out = {}
    for path in (session.cache.root / "raw" / source).glob("*.entry"):
        record = json.loads(path.read_bytes().partition(b"\n")[0])
        out[path] = record
    return out


@pytest.mark.parametrize("echo", [KEY, quote(KEY, safe=""), quote_plus(KEY)],
                         ids=["plain", "quoted", "quote_plus"])
def test_a_200_body_echoing_the_key_is_redacted_before_caching(server, session, echo):
    page = eia_page(INTL_ROWS, 5)
    page["request"]["params"] = {"api_key": echo, "frequency": "monthly"}
    server.script[INTL] = [ok(page)]
    frame = eia.crude_production(session=session)
    assert len(frame) == 4  # OPEC is an aggregate
    scan_dir(session.cache.root)
    (path,) = _entries(session, "eia_api")
    record, body = read_entry(path)
    assert b"<redacted>" in body and record["sha256"] == hashlib.sha256(body).hexdigest()
    again = eia.crude_production(session=session)  # served from the cache, still valid
    assert server.hits(INTL) == 1 and again["value"].equals(frame["value"])


def _spot(query):
    series = query["series_id"][0]
    value = "70.0" if series == "DCOILBRENTEU" else "60.0"
    return ok(fred_body([("2020-01-02", value), ("2020-01-03", value)]))


def test_an_entry_copied_over_another_request_is_refused(server, session, caplog):
    server.script[FRED] = [_spot]
    first = fred.spot_prices(session=session)
    entries = _entries(session, "fred")
    brent = next(p for p, r in entries.items() if r["params"]["series_id"] == "DCOILBRENTEU")
    wti = next(p for p, r in entries.items() if r["params"]["series_id"] == "DCOILWTICO")
    wti.write_bytes(brent.read_bytes())  # Brent's entry under WTI's request
    hits = server.hits(FRED)
    again = fred.spot_prices(session=session)
    assert server.hits(FRED) == hits + 1  # WTI re-fetched, not served as Brent
    assert again["value"].tolist() == first["value"].tolist()
    assert "belongs to another request" in caplog.text
    assert json.loads(wti.read_bytes().partition(b"\n")[0])["params"]["series_id"] == "DCOILWTICO"
    wti.write_bytes(brent.read_bytes())
    with pytest.raises(OfflineError, match="belongs to another request"):
        fred.spot_prices(session=Session(cache=session.cache, offline=True))


def _rewrite_body(path, body: bytes) -> None:
    record = json.loads(path.read_bytes().partition(b"\n")[0])
    record["sha256"] = hashlib.sha256(body).hexdigest()
    write_entry(path, record, body)


def test_a_cached_body_passing_sha256_but_not_validation_is_refetched(server, session):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5))]
    first = eia.crude_production(session=session)
    (path,) = _entries(session, "eia_api")
    _rewrite_body(path, b'{"response": {"total": "5"}}')  # consistent sha256, not a v2 body
    again = eia.crude_production(session=session)
    assert server.hits(INTL) == 2 and again["value"].equals(first["value"])
    _rewrite_body(path, b"[1, 2]")
    with pytest.raises(OfflineError, match="not a valid eia_api response"):
        eia.crude_production(session=Session(cache=session.cache, offline=True))


@pytest.mark.parametrize("header", [b'"sha256 retrieved_utc url params client"',
                                    b'["sha256", "retrieved_utc", "url", "params", "client"]', b"7",
                                    b'{"sha256": 5, "retrieved_utc": "x", "url": "u", '
                                    b'"params": {}, "client": "c"}'])
def test_a_record_line_that_is_not_an_object_is_refetched(server, session, header):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5))]
    eia.crude_production(session=session)
    (path,) = _entries(session, "eia_api")
    body = path.read_bytes().partition(b"\n")[2]
    path.write_bytes(header + b"\n" + body)
    with pytest.raises(OfflineError, match="cached response"):
        eia.crude_production(session=Session(cache=session.cache, offline=True))
    eia.crude_production(session=session)
    assert server.hits(INTL) == 2


def test_json_true_is_not_read_as_one(server, session):
    server.script[INTL] = [ok(eia_page([intl_row("2019-01", "VEN", True)], 1))]
    with pytest.raises(SourceError, match="boolean"):
        eia.crude_production(session=session)
    server.script[FRED] = [ok(fred_body([("2020-01-02", True)]))]
    with pytest.raises(SourceError, match="unreadable value True"):
        fred.us_cpi(session=session)


def _overlay(tmp_path, monkeypatch):
    """A real overlay of market_daily (yfinance replaced by a recorded frame)."""
    import numpy as np
    import pandas as pd

    from venecon.sources import yahoo

    def download(**kwargs):
        index = pd.date_range("2020-01-01", periods=3, freq="D")
        columns = pd.MultiIndex.from_product([["Close", "Adj Close"], kwargs["tickers"]])
        return pd.DataFrame(np.arange(3 * len(columns), dtype=float).reshape(3, -1) + 1,
                            index=index, columns=columns)

    monkeypatch.setattr(yahoo, "_yf_download", download)
    monkeypatch.delenv("VENECON_OFFLINE", raising=False)
    cache = Cache(tmp_path / "cache")
    live.live_table("market_daily", session=Session(cache=cache))
    return cache, live.overlay_path(cache, "market_daily")


def _consistent(path, body: bytes, name: str = "market_daily") -> None:
    """Rewrite the overlay so that both of its sha256 records match ``body``."""
    record = json.loads(path.read_bytes().partition(b"\n")[0])
    sha = hashlib.sha256(body).hexdigest()
    record["sha256"] = sha
    record["attrs"]["datasets"][f"{name}@live"] = sha
    write_entry(path, record, body)


@pytest.mark.parametrize("mutate", [
    lambda text: b"\xff\xfe not csv \x00",
    lambda text: b"a,b\n1,2\n",
    lambda text: text.replace(b"2020-01-02", b"2020-02-30", 1),
    lambda text: text.replace(b",1.0,", b",inf,", 1),
    lambda text: text.replace(b",1.0,", b",true,", 1),
    lambda text: text + text.splitlines(keepends=True)[1],  # a duplicated row
    lambda text: b"date,country\n",
], ids=["binary", "other-columns", "impossible-date", "inf", "true", "duplicate", "ragged"])
def test_a_malformed_overlay_with_a_consistent_sha256_is_a_clear_error(tmp_path, monkeypatch,
                                                                       mutate):
    cache, path = _overlay(tmp_path, monkeypatch)
    body = path.read_bytes().partition(b"\n")[2]
    assert b",1.0," in body
    _consistent(path, mutate(body))
    with pytest.raises(CacheIntegrityError, match="venecon data refresh market_daily"):
        live.live_table("market_daily", session=Session(cache=cache, offline=True))


@pytest.mark.parametrize("header", [b'"sha256 attrs"', b'["sha256", "attrs"]'])
def test_an_overlay_record_that_is_not_an_object_is_a_clear_error(tmp_path, monkeypatch, header):
    cache, path = _overlay(tmp_path, monkeypatch)
    path.write_bytes(header + b"\n" + path.read_bytes().partition(b"\n")[2])
    with pytest.raises(CacheIntegrityError, match="venecon data refresh market_daily"):
        live.live_table("market_daily", session=Session(cache=cache, offline=True))
