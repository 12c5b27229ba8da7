"""Yahoo Finance adapter (injected download), live datasets, the overlay and the CLI."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from venecon.exceptions import (
    CachedDataWarning,
    CacheIntegrityError,
    DatasetNotFoundError,
    OfflineError,
    SourceError,
)
from venecon.sources import live, yahoo
from venecon.sources._live import Session
from venecon.sources.cli import add_refresh_command


def wide(tickers, days=3, shift=0.0):
    """A frame shaped like yfinance.download(..., auto_adjust=False) (MultiIndex columns)."""
    index = pd.DatetimeIndex(pd.bdate_range("2019-01-28", periods=days), name="Date")
    columns = pd.MultiIndex.from_product(
        [["Adj Close", "Close", "High", "Low", "Open", "Volume"], tickers],
        names=["Price", "Ticker"])
    values = np.arange(len(index) * len(columns), dtype=float).reshape(len(index), -1) + 1 + shift
    return pd.DataFrame(values, index=index, columns=columns)


class FakeDownload:
    def __init__(self, result=None, error=None):
        self.calls, self.result, self.error = [], result, error

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return self.result if self.result is not None else wide(kwargs["tickers"])


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("VENECON_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VENECON_OFFLINE", raising=False)
    return Session()


def test_yahoo_keeps_close_and_adjusted_close(session):
    download = FakeDownload()
    frame = yahoo.prices(["CVX", "BZ=F"], start="2019-01-01", session=session, download=download)
    (call,) = download.calls
    assert call["auto_adjust"] is False and call["interval"] == "1d"
    assert list(frame.columns) == ["date", "country", "series", "value", "unit", "source",
                                   "ticker", "field"]
    assert set(frame["field"]) == {"close", "adj_close"}
    assert set(frame["series"]) == {"chevron", "brent_futures"}
    cvx = frame[frame["ticker"] == "CVX"].pivot(index="date", columns="field", values="value")
    source = wide(["CVX", "BZ=F"])
    assert cvx["close"].tolist() == source[("Close", "CVX")].tolist()
    assert cvx["adj_close"].tolist() == source[("Adj Close", "CVX")].tolist()
    assert set(frame.loc[frame["ticker"] == "BZ=F", "unit"]) == {"USD/bbl"}
    assert frame.attrs["venecon"]["responses"][0]["params"]["auto_adjust"] is False


def test_yahoo_flat_columns_for_one_ticker(session):
    flat = wide(["VLO"]).droplevel("Ticker", axis=1)
    frame = yahoo.prices("VLO", session=session, download=FakeDownload(flat))
    assert set(frame["series"]) == {"valero"} and len(frame) == 6


def test_yahoo_cache_and_fallback(session):
    first = yahoo.prices("CVX", session=session, download=FakeDownload())
    again = FakeDownload()
    pd.testing.assert_frame_equal(first, yahoo.prices("CVX", session=session, download=again))
    assert again.calls == []  # served from the cache
    session.refresh = True
    with pytest.warns(CachedDataWarning, match="retrieved 20"):
        frame = yahoo.prices("CVX", session=session,
                             download=FakeDownload(error=ConnectionError("no network")))
    pd.testing.assert_frame_equal(first, frame)


def test_yahoo_empty_result_without_cache_is_an_error(session):
    with pytest.raises(OfflineError, match="no rows"):
        yahoo.prices("CVX", session=session, download=FakeDownload(pd.DataFrame()))


def test_yahoo_missing_ticker_is_reported(session):
    with pytest.raises(OfflineError, match="PSX"):
        yahoo.prices(["CVX", "PSX"], session=session, download=FakeDownload(wide(["CVX"])))


def test_yfinance_missing_gives_install_hint(session, monkeypatch):
    monkeypatch.setitem(sys.modules, "yfinance", None)  # import yfinance -> ImportError
    with pytest.raises(SourceError, match=r"venecon\[live\]"):
        yahoo.prices("CVX", session=session)


# --------------------------------------------------------------------------- live tables
def test_live_resource_matches_bundled_schema():
    from venecon.data import _package

    for name in ("production_monthly", "prices_daily"):
        bundled = [f["name"] for f in _package.resource(name)["schema"]["fields"]]
        assert [f["name"] for f in live.live_resource(name)["schema"]["fields"]] == bundled
        assert live.live_resource(name)["frequency"] == _package.resource(name)["frequency"]
    with pytest.raises(DatasetNotFoundError, match="market_daily"):
        live.live_resource("rigs")


def test_live_table_writes_and_reuses_a_verified_overlay(session, monkeypatch):
    download = FakeDownload()
    monkeypatch.setattr(yahoo, "_yf_download", download)
    entry, frame = live.live_table("market_daily", session=session)
    assert entry["frequency"] == "daily" and len(download.calls) == 1
    overlay = session.cache.root / "overlay" / "market_daily.entry"
    header, _, csv = overlay.read_bytes().partition(b"\n")
    recorded = json.loads(header)["attrs"]
    assert hashlib.sha256(csv).hexdigest() == \
        recorded["datasets"]["market_daily@live"] == frame.attrs["venecon"]["datasets"][
            "market_daily@live"]

    _, again = live.live_table("market_daily", session=session)
    assert len(download.calls) == 1
    pd.testing.assert_frame_equal(frame, again)
    assert again.attrs["venecon"] == recorded

    overlay.write_bytes(header + b"\n" + csv.replace(b"1.0", b"2.0", 1))
    with pytest.raises(CacheIntegrityError, match="venecon data refresh market_daily"):
        live.live_table("market_daily", session=session)


def test_refresh_refetches_and_never_touches_bundled_files(session, monkeypatch):
    from venecon.data import _package

    root = _package.data_root()
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    monkeypatch.setattr(yahoo, "_yf_download", FakeDownload())
    live.live_table("market_daily", session=session)
    monkeypatch.setattr(yahoo, "_yf_download", lambda **kw: wide(kw["tickers"], shift=100))
    written = live.refresh(["market_daily"], session=Session(refresh=True))
    _, frame = live.live_table("market_daily", session=session)
    assert frame["value"].min() > 100
    assert written["market_daily"].parent == session.cache.root / "overlay"
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    assert before == after


def test_fetch_passes_parameters(session):
    download = FakeDownload()
    frame = live.fetch("market_daily", tickers=["XLE"], download=download, session=session)
    assert download.calls[0]["tickers"] == ["XLE"] and set(frame["series"]) == {"energy_select_etf"}


def _parser():
    parser = argparse.ArgumentParser(prog="venecon")
    commands = parser.add_subparsers(dest="command", required=True)
    data_commands = commands.add_parser("data").add_subparsers(dest="data_command", required=True)
    add_refresh_command(data_commands)
    return parser


def test_cli_refresh(session, monkeypatch, capsys):
    monkeypatch.setattr(yahoo, "_yf_download", FakeDownload())
    args = _parser().parse_args(["data", "refresh", "market_daily"])
    args.run(args)
    assert "market_daily: written to" in capsys.readouterr().out
    assert (session.cache.root / "overlay" / "market_daily.entry").is_file()


def test_cli_refresh_reports_failures(session, monkeypatch, capsys):
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    monkeypatch.setattr(yahoo, "_yf_download", FakeDownload())
    args = _parser().parse_args(["data", "refresh", "cpi_monthly", "market_daily"])
    with pytest.raises(SourceError, match="1 of 2"):
        args.run(args)
    captured = capsys.readouterr()
    assert "FRED_API_KEY" in captured.err and "market_daily: written" in captured.out
    with pytest.raises(DatasetNotFoundError):
        args = _parser().parse_args(["data", "refresh", "nope"])
        args.run(args)


def test_offline_live_table_without_anything_cached(session, monkeypatch):
    monkeypatch.setenv("VENECON_OFFLINE", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(OfflineError, match="offline"):
            live.live_table("market_daily", session=Session())
