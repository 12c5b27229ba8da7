# ruff: noqa: F811  (pytest fixtures imported from test_sources_http are used by name)
"""Live sources against a misbehaving server on 127.0.0.1 (issue 15).

The server ignores paging while announcing a huge total, echoes the API key in
200-status error bodies, sends malformed rows, answers slowly or cuts bodies
short. Every test is bounded in requests and wall time: a client that loops,
leaks the key or accepts a bad row fails here. The last tests read the cache
and the overlay while other threads refresh them.
"""

from __future__ import annotations

import itertools
import threading
import time
from urllib.parse import quote, quote_plus

import pytest
from test_sources_http import (  # noqa: F401  (fixtures are used by name)
    FRED,
    INTL,
    INTL_ROWS,
    KEY,
    assert_no_key,
    eia_page,
    fred_body,
    intl_row,
    ok,
    server,
    session,
    sleeps,
)

from venecon.exceptions import (
    ApiKeyError,
    OfflineError,
    SourceError,
    VeneconError,
    redact,
)
from venecon.sources import eia, fred, live, yahoo
from venecon.sources._live import Session
from venecon.sources.cache import Cache

pytestmark = pytest.mark.timeout(60)


def _month(i: int) -> str:
    return f"{1900 + i // 12}-{i % 12 + 1:02d}"


def new_row_per_page(total, *, delay=0.0, value=None):
    """A server page: one new month at each offset (``value`` defaults to 1.0)."""
    def page(query):
        offset = int(query["offset"][0])
        row = intl_row(_month(offset), "VEN", 1.0 if value is None else value(offset))
        return ok(eia_page([row], total), delay=delay)

    return page


# --------------------------------------------------------------------------- paging
def test_server_ignoring_offset_with_huge_total_stops_after_one_repeat(server, session):
    # issue 15: 864 requests and 1,727 cache files in 10 s before the fix
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 10**12))]
    started = time.monotonic()
    with pytest.raises(SourceError, match="ignores paging") as info:
        eia.crude_production(session=session)
    assert server.hits(INTL) == 2 and time.monotonic() - started < 5
    assert not info.value.transient
    assert len(list((session.cache.root / "raw" / "eia_api").glob("*.entry"))) == 2


def test_page_cap_stops_a_server_announcing_endless_new_rows(server, session):
    server.script[INTL] = [new_row_per_page(10**12)]
    session.max_pages = 5
    with pytest.raises(SourceError, match="more rows than 5 pages"):
        eia.crude_production(session=session)
    assert server.hits(INTL) == 5


def test_overall_deadline_bounds_a_slow_paged_query(server, session):
    server.script[INTL] = [new_row_per_page(10**12, delay=0.15)]
    session.deadline = 0.4
    started = time.monotonic()
    with pytest.raises(SourceError, match="deadline") as info:
        eia.crude_production(session=session)
    assert info.value.transient
    assert server.hits(INTL) <= 8 and time.monotonic() - started < 10  # loose: a shared CI box


def test_fred_paging_is_bounded_too(server, session):
    server.script[FRED] = [ok(fred_body([("2020-01-02", "60.0")], count=10**9))]
    with pytest.raises(SourceError, match="ignores paging"):
        fred.spot_prices(session=session)
    assert server.hits(FRED) == 2


def test_honest_paging_still_reads_every_page(server, session):
    server.script[INTL] = [new_row_per_page(3, value=float)]
    frame = eia.crude_production(session=session)
    assert frame["value"].tolist() == [0.0, 1.0, 2.0] and server.hits(INTL) == 3


# --------------------------------------------------------------------------- echoed keys
ECHOES = [KEY, quote(KEY, safe=""), quote_plus(KEY)]


@pytest.mark.parametrize("echo", ECHOES, ids=["plain", "quoted", "quote_plus"])
def test_eia_200_error_body_echoing_the_key_is_redacted(server, session, echo):
    server.script[INTL] = [ok({"error": f"invalid api_key {echo} supplied", "code": 403})]
    with pytest.raises(ApiKeyError, match="EIA API error: invalid api_key") as info:
        eia.crude_production(session=session)
    assert_no_key(str(info.value), repr(info.value))
    assert "<redacted>" in str(info.value) and server.hits(INTL) == 1


@pytest.mark.parametrize("echo", ECHOES, ids=["plain", "quoted", "quote_plus"])
def test_fred_error_message_echoing_the_key_is_redacted(server, session, echo):
    server.script[FRED] = [ok({"error_code": 400,
                               "error_message": f"Bad Request. The value {echo} of api_key is "
                                                f"not registered."})]
    with pytest.raises(ApiKeyError, match="FRED error") as info:
        fred.us_cpi(session=session)
    assert_no_key(str(info.value), repr(info.value))


def test_key_in_a_malformed_row_or_value_is_redacted(server, session):
    server.script[INTL] = [ok(eia_page([f"row for {KEY}"], 1))]
    with pytest.raises(SourceError, match="not an object") as info:
        eia.crude_production(session=session)
    assert_no_key(str(info.value))
    server.script[FRED] = [ok(fred_body([("2020-01-02", f"v{KEY}")]))]
    with pytest.raises(SourceError, match="unreadable value") as info:
        fred.us_cpi(session=session)
    assert_no_key(str(info.value))


def test_key_echoed_in_retried_5xx_bodies_never_reaches_the_offline_error(server, session,
                                                                          caplog):
    server.script[INTL] = [{"status": 503, "body": {"message": f"overloaded ({KEY})"}}]
    with pytest.raises(OfflineError) as info:
        eia.crude_production(session=session)
    assert_no_key(str(info.value), caplog.text)
    assert server.hits(INTL) == session.client.retries + 1


def test_any_source_error_redacts_registered_keys():
    from venecon.exceptions import register_secret

    register_secret("another-secret-key-0123")
    message = str(SourceError("x another-secret-key-0123 y another-secret-key-0123"))
    assert message == "x <redacted> y <redacted>"
    assert redact("abc", ["a"]) == "<redacted>bc"  # explicit secrets: any length
    register_secret("ab")  # too short to be a key: never replaced in other messages
    assert str(SourceError("tab")) == "tab"


# --------------------------------------------------------------------------- malformed rows
BAD_ROWS = {
    "empty_country": intl_row("2019-01", "", 1000.0),
    "null_country": intl_row("2019-01", None, 1000.0),
    "missing_date": {k: v for k, v in intl_row("2019-01", "VEN", 1000.0).items()
                     if k != "period"},
    "null_date": intl_row(None, "VEN", 1000.0),
    "unreadable_date": intl_row("2019-13", "VEN", 1000.0),
    "negative": intl_row("2019-01", "VEN", -5),
    "absurd": intl_row("2019-01", "VEN", 1e308),
    "infinite_text": intl_row("2019-01", "VEN", "inf"),
    "minus_infinity_text": intl_row("2019-01", "VEN", "-Infinity"),
    "not_an_object": ["2019-01", "VEN", 1000.0],
}


@pytest.mark.parametrize("name", sorted(BAD_ROWS))
def test_eia_rejects_a_malformed_row(server, session, name):
    rows = [intl_row("2018-12", "VEN", 1200.0), BAD_ROWS[name]]
    server.script[INTL] = [ok(eia_page(rows, 2))]
    with pytest.raises(SourceError) as info:
        eia.crude_production(session=session)
    assert "returned" in str(info.value) and server.hits(INTL) == 1


def test_eia_infinity_literal_in_json_is_rejected(server, session):
    body = b'{"response": {"total": 1, "data": [{"period": "2019-01", "countryRegionId": "VEN",' \
           b' "countryRegionTypeId": "c", "unit": "TBPD", "value": Infinity}]}}'
    server.script[INTL] = [ok(body)]
    with pytest.raises(SourceError, match="infinite or implausible"):
        eia.crude_production(session=session)


def test_eia_imports_reject_negative_volumes(server, session):
    from test_sources_http import IMPCUS, IMPCUS_ROWS

    rows = [dict(IMPCUS_ROWS[0], value=-5)]
    server.script[IMPCUS] = [ok(eia_page(rows, 1))]
    with pytest.raises(SourceError, match="plausible: 0 to 1e\\+06"):
        eia.us_imports_from_venezuela(session=session)


def test_fred_rejects_infinite_values_but_keeps_negative_prices(server, session):
    server.script[FRED] = [ok(fred_body([("2020-04-20", "-36.98"), ("2020-04-21", "8.91")]))]
    frame = fred.observations("DCOILWTICO", session=session)
    assert frame["value"].tolist() == [-36.98, 8.91]  # WTI really closed below zero
    server.script[FRED] = [ok(fred_body([("2020-04-22", "inf")]))]
    session.refresh = True
    with pytest.raises(SourceError, match="infinite"):
        fred.observations("DCOILWTICO", session=session)


# --------------------------------------------------------------------------- slow, truncated
def test_slow_server_is_bounded_by_timeout_and_retries(server, session, sleeps):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5), delay=2.0)]
    started = time.monotonic()
    with pytest.raises(OfflineError, match="timed out"):
        eia.crude_production(session=session)
    attempts = session.client.retries + 1
    assert server.hits(INTL) == attempts
    assert time.monotonic() - started < attempts * session.client.timeout + 5


def test_always_truncated_body_gives_up_after_the_retries(server, session, sleeps):
    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5), truncate=40)]
    with pytest.raises(OfflineError, match="truncated|malformed"):
        eia.crude_production(session=session)
    assert server.hits(INTL) == session.client.retries + 1
    assert not list((session.cache.root / "raw").rglob("*.entry"))  # nothing half-cached


def test_truncated_later_page_keeps_the_earlier_page_cached(server, session, sleeps):
    first = [intl_row("2019-01", "VEN", 1.0)]
    second = [intl_row("2019-02", "VEN", 2.0)]

    def page(query):
        if query["offset"] == ["0"]:
            return ok(eia_page(first, 2))
        return ok(eia_page(second, 2), truncate=30)

    server.script[INTL] = [page]
    with pytest.raises(OfflineError):
        eia.crude_production(session=session)
    server.script[INTL] = [ok(eia_page(second, 2))]
    frame = eia.crude_production(session=session)
    assert frame["value"].tolist() == [1.0, 2.0]


# --------------------------------------------------------------------------- concurrency
def _hammer(writer, reader, *, writers=2, readers=4, rounds=25):
    """Run writers and readers at once; return the exceptions readers met."""
    errors: list[BaseException] = []
    start = threading.Barrier(writers + readers)

    def run(work):
        start.wait()
        for _ in range(rounds):
            try:
                work()
            except BaseException as exc:  # noqa: BLE001  (collected and asserted on)
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(writer,)) for _ in range(writers)]
    threads += [threading.Thread(target=run, args=(reader,)) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=50)
    return errors


def test_readers_never_see_a_mismatched_cache_entry_during_refresh(server, session):
    # issue 15: OfflineError in 44-59 of 60 reads when record and body came from two writers
    counter = itertools.count()
    served: set[float] = set()
    lock = threading.Lock()

    def page(query):
        with lock:
            value = float(next(counter) % 997) + 0.5
            served.add(value)
        return ok(eia_page([intl_row("2019-01", "VEN", value)], 1))

    server.script[INTL] = [page]
    eia.crude_production(session=session)  # the first entry exists before the race starts
    writer_session = Session(cache=session.cache, client=session.client, refresh=True)
    reader_session = Session(cache=Cache(session.cache.root), client=session.client,
                             offline=True)
    seen = []

    def write():
        eia.crude_production(session=writer_session)

    def read():
        frame = eia.crude_production(session=reader_session)
        seen.append(float(frame["value"].iloc[0]))

    errors = _hammer(write, read)
    assert errors == []
    assert len(seen) == 4 * 25 and set(seen) <= served


def test_readers_never_see_a_half_written_overlay_during_refresh(tmp_path, monkeypatch):
    import numpy as np
    import pandas as pd

    counter = itertools.count()

    def download(**kwargs):
        shift = float(next(counter))
        index = pd.date_range("2020-01-01", periods=200, freq="D")
        columns = pd.MultiIndex.from_product([["Close", "Adj Close"], kwargs["tickers"]])
        return pd.DataFrame(shift + np.ones((200, len(columns))), index=index, columns=columns)

    monkeypatch.setattr(yahoo, "_yf_download", download)
    monkeypatch.delenv("VENECON_OFFLINE", raising=False)
    cache = Cache(tmp_path / "cache")
    live.live_table("market_daily", session=Session(cache=cache))
    writer_session = Session(cache=cache, refresh=True)

    def write():
        live.refresh(["market_daily"], session=writer_session)

    def read():
        _, frame = live.live_table("market_daily", session=Session(cache=cache, offline=True))
        assert frame["value"].nunique() == 1 and len(frame) == 200 * 2 * 7

    errors = _hammer(write, read, rounds=15)
    assert errors == []
    assert [p.name for p in (cache.root / "overlay").iterdir()] == ["market_daily.entry"]


@pytest.mark.filterwarnings("ignore::venecon.exceptions.CachedDataWarning")
def test_every_fault_is_a_venecon_error(server, session, sleeps):
    """A scripted run of all faults above in one session: only VeneconErrors come out."""
    faults = [ok(eia_page(INTL_ROWS, 10**12)), ok({"error": f"api_key {KEY}"}),
              ok(eia_page([None], 1)), ok(b"{\"response\": "), ok(eia_page([], "lots"))]
    for spec in faults:
        server.script[INTL] = [spec]
        session.refresh = True
        try:
            eia.crude_production(session=session)
        except VeneconError as exc:
            assert_no_key(str(exc))


def test_cached_record_missing_a_field_is_refetched(server, session):
    # issue 15: a record without 'url' raised KeyError('url') inside the EIA client
    import json

    server.script[INTL] = [ok(eia_page(INTL_ROWS, 5))]
    first = eia.crude_production(session=session)
    (path,) = (session.cache.root / "raw" / "eia_api").glob("*.entry")
    header, _, body = path.read_bytes().partition(b"\n")
    record = json.loads(header)
    del record["url"]
    path.write_bytes(json.dumps(record).encode() + b"\n" + body)
    again = eia.crude_production(session=session)
    assert server.hits(INTL) == 2 and again["value"].equals(first["value"])
    assert "url" in json.loads(path.read_bytes().partition(b"\n")[0])
