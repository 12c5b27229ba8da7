"""EIA and FRED clients over the real HTTP path, against a local server on 127.0.0.1.

The server replays payloads in each API's documented JSON format, including
rate limits, server errors, timeouts, truncated bodies and key errors. No test
reaches the internet; backoff sleeps are recorded, not slept.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from venecon.exceptions import (
    ApiKeyError,
    CachedDataWarning,
    OfflineError,
    SourceError,
    VeneconError,
)
from venecon.sources import eia, fred
from venecon.sources._live import Session
from venecon.sources.cache import Cache
from venecon.sources.http import HttpClient, _retry_after, redact

KEY = "SeCrEt+KEY/123=xyz"  # has characters that URL-encoding changes
pytestmark = pytest.mark.timeout(60)


# --------------------------------------------------------------------------- server
class Server:
    """Threaded HTTP server; ``script[path]`` is a list of responses consumed in order
    (the last one repeats). A response is a dict: status, body (bytes or JSON-able),
    headers, delay (seconds before answering), truncate (bytes actually sent)."""

    def __init__(self) -> None:
        self.script: dict[str, list[dict]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                with outer.lock:
                    outer.requests.append((parts.path, query))
                    queue = outer.script.get(parts.path) or [{"status": 404, "body": {}}]
                    spec = queue.pop(0) if len(queue) > 1 else queue[0]
                if callable(spec):
                    spec = spec(query)
                time.sleep(spec.get("delay", 0))
                body = spec.get("body", b"")
                if not isinstance(body, bytes):
                    body = json.dumps(body).encode()
                try:
                    self.send_response(spec.get("status", 200))
                    for name, value in spec.get("headers", {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: spec.get("truncate", len(body))])
                    self.wfile.flush()
                    if "truncate" in spec:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@pytest.fixture
def server(monkeypatch):
    srv = Server()
    monkeypatch.setattr(eia, "BASE_URL", srv.url + "/v2")
    monkeypatch.setattr(fred, "BASE_URL", srv.url + "/fred/series/observations")
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def session(tmp_path, sleeps, monkeypatch):
    monkeypatch.setenv("EIA_API_KEY", KEY)
    monkeypatch.setenv("FRED_API_KEY", KEY)
    monkeypatch.delenv("VENECON_OFFLINE", raising=False)
    client = HttpClient(timeout=0.5, retries=3, backoff=0.25, sleep=sleeps.append)
    return Session(cache=Cache(tmp_path / "cache"), client=client)


INTL = "/v2/international/data/"
IMPCUS = "/v2/petroleum/move/impcus/data/"
FRED = "/fred/series/observations"


def intl_row(period, code, value, kind="c"):
    return {"period": period, "productId": 57,
            "productName": "Crude oil including lease condensate",
            "activityId": 1, "activityName": "Production", "countryRegionId": code,
            "countryRegionName": code, "countryRegionTypeId": kind, "countryRegionTypeName":
            "Country" if kind == "c" else "Region", "dataFlagId": None, "dataFlagDescription": None,
            "unit": "TBPD", "unitName": "thousand barrels per day", "value": value}


def eia_page(rows, total):
    return {"response": {"total": str(total), "dateFormat": "YYYY-MM", "frequency": "monthly",
                         "data": rows, "description": "International energy data"},
            "request": {"command": "/v2/international/data/"}, "apiVersion": "2.1.8"}


INTL_ROWS = [intl_row("2019-01", "VEN", 1152.5), intl_row("2019-01", "WORL", 82000.0, "r"),
             intl_row("2019-01", "OPEC", 30000.0, "r"), intl_row("2019-02", "VEN", "--"),
             intl_row("2019-02", "SAU", 10100.0)]

IMPCUS_ROWS = [
    {"period": p, "duoarea": "NUS-NVE", "area-name": "Venezuela", "product": "EPC0",
     "product-name": "Crude Oil", "process": "IM0", "process-name": "Imports",
     "series": "MCRIMUSVE2",
     "series-description": "U.S. Imports from Venezuela of Crude Oil (Thousand Barrels per Day)",
     "value": v, "units": "MBBL/D"} for p, v in [("2019-01", 586), ("2019-02", 166), ("2019-03", 0)]
]


def fred_body(obs, count=None):
    return {"realtime_start": "2026-01-01", "realtime_end": "2026-01-01",
            "observation_start": "1600-01-01", "observation_end": "9999-12-31", "units": "lin",
            "output_type": 1, "file_type": "json", "order_by": "observation_date",
            "sort_order": "asc", "count": len(obs) if count is None else count, "offset": 0,
            "limit": 100000,
            "observations": [{"realtime_start": "2026-01-01", "realtime_end": "2026-01-01",
                              "date": d, "value": v} for d, v in obs]}


def ok(body, **extra):
    return {"status": 200, "body": body, **extra}


def assert_no_key(*texts):
    for text in texts:
        assert KEY not in text
        assert "SeCrEt" not in text


def scan_dir(root: Path):
    for path in root.rglob("*"):
        if path.is_file():
            assert b"SeCrEt" not in path.read_bytes(), path


# --------------------------------------------------------------------------- EIA
def test_eia_production_paginates_and_maps_to_the_tidy_schema(server, session, monkeypatch):
    monkeypatch.setattr(eia, "PAGE", 3)
    server.script[INTL] = [ok(eia_page(INTL_ROWS[:3], 5)), ok(eia_page(INTL_ROWS[3:], 5))]
    frame = eia.crude_production(session=session, start="2019-01", end="2019-02")

    assert list(frame.columns) == ["date", "country", "series", "value", "unit", "source", "flag"]
    assert frame["date"].dtype.kind == "M"
    assert set(frame["country"]) == {"VEN", "WLD", "SAU"}  # OPEC aggregate dropped
    ven = frame[frame["country"] == "VEN"].set_index("date")
    assert ven.loc["2019-01-01", "value"] == 1152.5
    assert pd.isna(ven.loc["2019-02-01", "value"]) and ven.loc["2019-02-01", "flag"] == "eia:--"
    assert set(frame["unit"]) == {"kb/d"} and set(frame["source"]) == {"eia_api"}
    assert set(frame["series"]) == {"crude_oil"}

    queries = [q for p, q in server.requests if p == INTL]
    assert [q["offset"] for q in queries] == [["0"], ["3"]]
    assert queries[0]["facets[productId][]"] == ["57"]
    assert queries[0]["facets[activityId][]"] == ["1"]
    assert queries[0]["facets[unit][]"] == ["TBPD"]
    assert queries[0]["frequency"] == ["monthly"] and queries[0]["start"] == ["2019-01"]
    assert queries[0]["api_key"] == [KEY]  # the key does go to the server, and only there

    prov = frame.attrs["venecon"]
    assert list(prov["datasets"]) == ["production_monthly@live"]
    assert prov["data_version"].startswith("live:")
    assert len(prov["responses"]) == 2
    assert all(len(r["sha256"]) == 64 and r["params"]["api_key"] == "<redacted>"
               for r in prov["responses"])
    assert_no_key(json.dumps(prov))


def test_eia_country_facet_maps_wld_to_worl(server, session):
    server.script[INTL] = [ok(eia_page([INTL_ROWS[0]], 1))]
    eia.crude_production(["VEN", "WLD"], session=session)
    assert server.requests[0][1]["facets[countryRegionId][]"] == ["VEN", "WORL"]


def test_eia_us_imports_from_venezuela(server, session):
    server.script[IMPCUS] = [ok(eia_page(IMPCUS_ROWS, 3))]
    frame = eia.us_imports_from_venezuela(session=session)
    assert server.requests[0][1]["facets[series][]"] == ["MCRIMUSVE2"]
    assert list(frame.columns) == ["date", "country", "series", "value", "unit", "source",
                                   "partner", "reporter"]
    assert frame["value"].tolist() == [586.0, 166.0, 0.0]
    assert frame["date"].tolist() == list(pd.to_datetime(["2019-01-01", "2019-02-01",
                                                          "2019-03-01"]))
    assert set(frame["series"]) == {"crude_exports_volume"}
    assert set(frame["partner"]) == {"USA"} and set(frame["country"]) == {"VEN"}


def test_eia_rejects_an_unexpected_series_or_unit(server, session):
    bad = dict(IMPCUS_ROWS[0], units="MBBL")
    server.script[IMPCUS] = [ok(eia_page([bad], 1))]
    with pytest.raises(SourceError, match="MBBL"):
        eia.us_imports_from_venezuela(session=session)


# --------------------------------------------------------------------------- retries
def test_rate_limit_honours_retry_after(server, session, sleeps):
    server.script[INTL] = [{"status": 429, "body": {"error": "rate limited"},
                            "headers": {"Retry-After": "7"}}, ok(eia_page(INTL_ROWS, 5))]
    frame = eia.crude_production(session=session)
    assert len(frame) == 4 and sleeps == [7.0]


def test_server_error_then_success_backs_off_exponentially(server, session, sleeps):
    server.script[INTL] = [{"status": 500, "body": b"oops"}, {"status": 503, "body": b"busy"},
                           ok(eia_page(INTL_ROWS, 5))]
    eia.crude_production(session=session)
    assert sleeps == [0.25, 0.5]
    assert server.hits(INTL) == 3


def test_timeout_is_retried(server, session, sleeps):
    server.script[FRED] = [{"delay": 2.0, **ok(fred_body([("2020-01-02", "61.2")]))},
                           ok(fred_body([("2020-01-02", "61.2")]))]
    started = time.monotonic()
    frame = fred.observations("DCOILBRENTEU", session=session)
    assert time.monotonic() - started < 1.9
    assert frame["value"].tolist() == [61.2] and len(sleeps) == 1


def test_truncated_body_is_detected_and_retried(server, session, sleeps):
    body = json.dumps(eia_page(INTL_ROWS, 5)).encode()
    server.script[INTL] = [ok(body, truncate=40), ok(body)]
    frame = eia.crude_production(session=session)
    assert len(frame) == 4 and len(sleeps) == 1


def test_invalid_json_is_treated_as_truncated(server, session, sleeps):
    body = json.dumps(eia_page(INTL_ROWS, 5)).encode()
    server.script[INTL] = [ok(body[:-10]), ok(body)]  # consistent Content-Length, bad JSON
    assert len(eia.crude_production(session=session)) == 4 and len(sleeps) == 1


def test_retries_exhausted_without_cache_is_a_clear_error(server, session, sleeps, caplog):
    server.script[INTL] = [{"status": 503, "body": b"down"}]
    with caplog.at_level(logging.DEBUG), pytest.raises(OfflineError) as info:
        eia.crude_production(session=session)
    message = str(info.value)
    assert "HTTP 503" in message and "4 attempts" in message and "retry later" in message
    assert len(sleeps) == 3 and server.hits(INTL) == 4
    assert_no_key(message, caplog.text)
    assert "<redacted>" in message  # the URL is shown, with its key redacted


def test_bad_key_is_not_retried_and_never_echoed(server, session, sleeps, caplog):
    server.script[INTL] = [{"status": 403, "body": {"error": {
        "code": "API_KEY_INVALID", "message": f"An invalid api_key {KEY} was supplied."}}}]
    with caplog.at_level(logging.DEBUG), pytest.raises(ApiKeyError) as info:
        eia.crude_production(session=session)
    assert sleeps == [] and server.hits(INTL) == 1
    assert "invalid api_key" in str(info.value)
    assert_no_key(str(info.value), repr(info.value), caplog.text)
    assert isinstance(info.value, VeneconError)


def test_fred_bad_key_400_is_an_api_key_error(server, session, sleeps):
    server.script[FRED] = [{"status": 400, "body": {
        "error_code": 400, "error_message": "Bad Request.  The value for variable api_key is "
        "not registered.  Read https://fred.stlouisfed.org/docs/api/api_key.html for more "
        "information."}}]
    with pytest.raises(ApiKeyError, match="not registered") as info:
        fred.spot_prices(session=session)
    assert_no_key(str(info.value))
    assert sleeps == []


def test_missing_key_says_how_to_get_one(session, monkeypatch):
    monkeypatch.delenv("EIA_API_KEY")
    monkeypatch.delenv("FRED_API_KEY")
    with pytest.raises(ApiKeyError, match="EIA_API_KEY"):
        eia.crude_production(session=session)
    with pytest.raises(ApiKeyError, match="FRED_API_KEY"):
        fred.us_cpi(session=session)


def test_other_client_errors_fail_fast(server, session, sleeps):
    server.script[INTL] = [{"status": 400, "body": {"error": "Invalid facet 'bogus'"}}]
    with pytest.raises(SourceError, match="Invalid facet") as info:
        eia.crude_production(session=session)
    assert not info.value.transient and info.value.status == 400 and sleeps == []


# --------------------------------------------------------------------------- FRED
def test_fred_spot_prices_drop_missing_dots(server, session):
    def answer(query):
        if query["series_id"] == ["DCOILBRENTEU"]:
            return ok(fred_body([("2020-01-01", "."), ("2020-01-02", "66.25")]))
        return ok(fred_body([("2020-01-02", "61.17"), ("2020-01-03", "63.00")]))

    server.script[FRED] = [answer]
    frame = fred.spot_prices(session=session, start="2020-01-01")
    assert list(frame.columns) == ["date", "country", "series", "value", "unit", "source"]
    assert frame.groupby("series")["value"].count().to_dict() == {"brent": 1, "wti": 2}
    assert set(frame["unit"]) == {"USD/bbl"} and set(frame["source"]) == {"fred"}
    assert server.requests[0][1]["file_type"] == ["json"]
    assert server.requests[0][1]["observation_start"] == ["2020-01-01"]


def test_fred_paginates_and_cpi_schema(server, session, monkeypatch):
    monkeypatch.setattr(fred, "PAGE", 2)
    server.script[FRED] = [ok(fred_body([("2020-01-01", "258.7"), ("2020-02-01", "259.0")], 3)),
                           ok(fred_body([("2020-03-01", "258.1")], 3))]
    frame = fred.us_cpi(session=session)
    assert frame["value"].tolist() == [258.7, 259.0, 258.1]
    assert set(frame["series"]) == {"cpi_all_urban"} and set(frame["country"]) == {"USA"}
    assert [q["offset"] for _, q in server.requests] == [["0"], ["2"]]


# --------------------------------------------------------------------------- cache + offline
def test_cache_hit_makes_no_request_and_is_identical(server, session):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5))]
    first = eia.crude_production(session=session)
    second = eia.crude_production(session=session)
    assert server.hits(INTL) == 1
    pd.testing.assert_frame_equal(first, second)
    assert second.attrs["venecon"]["responses"][0]["from_cache"] is True
    assert first.attrs["venecon"]["datasets"] == second.attrs["venecon"]["datasets"]


def test_refresh_refetches(server, session):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5)), ok(eia_page(INTL_ROWS[:1], 1))]
    eia.crude_production(session=session)
    session.refresh = True
    frame = eia.crude_production(session=session)
    assert server.hits(INTL) == 2 and len(frame) == 1


def test_failed_refresh_falls_back_to_cache_with_a_warning_naming_the_vintage(server, session):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5)), {"status": 503, "body": b"down"}]
    first = eia.crude_production(session=session)
    vintage = first.attrs["venecon"]["responses"][0]["retrieved_utc"]
    session.refresh = True
    with pytest.warns(CachedDataWarning, match=vintage) as record:
        frame = eia.crude_production(session=session)
    pd.testing.assert_frame_equal(first, frame)
    assert_no_key(*(str(w.message) for w in record))


def test_offline_uses_cache_and_never_connects(server, session, monkeypatch):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5))]
    eia.crude_production(session=session)
    monkeypatch.setenv("VENECON_OFFLINE", "1")
    session.refresh = True
    with pytest.warns(CachedDataWarning, match="offline"):
        eia.crude_production(session=session)
    session.refresh = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eia.crude_production(session=session)  # a plain cache hit needs no warning
    assert server.hits(INTL) == 1


def test_offline_without_cache_says_what_to_do(session):
    session.offline = True
    with pytest.raises(OfflineError) as info:
        fred.spot_prices(session=session)
    message = str(info.value)
    assert "no cached copy" in message and "venecon data refresh" in message
    assert "VENECON_OFFLINE" in message
    assert_no_key(message)


def test_unreachable_server_without_cache(session, sleeps, monkeypatch):
    monkeypatch.setattr(fred, "BASE_URL", "http://127.0.0.1:9/fred/series/observations")
    with pytest.raises(OfflineError, match="failed") as info:
        fred.spot_prices(session=session)
    assert len(sleeps) == 3
    assert_no_key(str(info.value))


def _body_file(session, source="eia_api"):
    (path,) = (session.cache.root / "raw" / source).glob("*.entry")
    return path


def test_corrupt_entry_is_detected_and_refetched(server, session, caplog):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5))]
    first = eia.crude_production(session=session)
    path = _body_file(session)
    path.write_bytes(path.read_bytes().replace(b"1152.5", b"9999.9"))
    with caplog.at_level(logging.WARNING):
        again = eia.crude_production(session=session)
    assert "corrupt" in caplog.text and server.hits(INTL) == 2
    pd.testing.assert_frame_equal(first, again)
    assert b"1152.5" in path.read_bytes()


def test_corrupt_entry_offline_is_reported(server, session):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5))]
    eia.crude_production(session=session)
    _body_file(session).write_bytes(b"{}")
    session.offline = True
    with pytest.raises(OfflineError, match="corrupt"):
        eia.crude_production(session=session)


def test_key_never_in_logs_cache_files_or_cache_keys(server, session, caplog, monkeypatch):
    server.script[INTL] = [{"status": 500, "body": b"x"}, ok(eia_page(INTL_ROWS, 5))]
    with caplog.at_level(logging.DEBUG):
        frame = eia.crude_production(session=session)
    assert_no_key(caplog.text, json.dumps(frame.attrs["venecon"]))
    scan_dir(session.cache.root)
    entry = next((session.cache.root / "raw" / "eia_api").glob("*.entry"))
    sidecar = json.loads(entry.read_bytes().split(b"\n", 1)[0])
    assert sidecar["params"]["api_key"] == "<redacted>"
    assert set(sidecar) >= {"sha256", "retrieved_utc", "params", "client", "url"}
    assert sidecar["retrieved_utc"].endswith("Z") and sidecar["client"].startswith("venecon/")
    # another key maps to the same cache entry: the key is not part of the cache key
    monkeypatch.setenv("EIA_API_KEY", "another-key")
    eia.crude_production(session=session)
    assert server.hits(INTL) == 2


# --------------------------------------------------------------------------- helpers
def test_redact_covers_encoded_forms():
    from urllib.parse import quote, quote_plus

    text = f"a {KEY} b {quote(KEY, safe='')} c {quote_plus(KEY)}"
    assert_no_key(redact(text, [KEY]))
    assert redact("nothing", [""]) == "nothing"


def test_retry_after_forms():
    assert _retry_after("3") == 3.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a past date: no wait


def test_retry_after_is_capped(server, session, sleeps):
    session.client.max_wait = 5
    server.script[INTL] = [{"status": 429, "body": b"", "headers": {"Retry-After": "3600"}},
                           ok(eia_page(INTL_ROWS, 5))]
    eia.crude_production(session=session)
    assert sleeps == [5]
