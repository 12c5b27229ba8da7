"""The raw-response cache: location, one-file entries, atomic writes and integrity checks."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from venecon.exceptions import CacheIntegrityError, DataIntegrityError
from venecon.sources import cache as cache_mod
from venecon.sources.cache import Cache, cache_dir, redact_params

PARAMS = {"frequency": "monthly", "api_key": "SeCrEt", "offset": 0}


def test_env_override_and_platform_default(monkeypatch, tmp_path):
    monkeypatch.setenv("VENECON_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    assert Cache().root == tmp_path / "mine"
    monkeypatch.delenv("VENECON_CACHE_DIR")
    import platformdirs

    assert cache_dir() == Path(platformdirs.user_cache_dir("venecon", appauthor=False))


def _split(path):
    header, _, body = path.read_bytes().partition(b"\n")
    return json.loads(header), body


def test_put_get_roundtrip_with_record(tmp_path):
    cache = Cache(tmp_path)
    key = cache.key("eia_api", "https://x/data/", PARAMS)
    entry = cache.put("eia_api", key, b'{"a": 1}', url="https://x/data/", params=PARAMS)
    again = cache.get("eia_api", key)
    assert again.body == b'{"a": 1}' and again.meta == entry.meta
    path = tmp_path / "raw" / "eia_api" / f"{key}.entry"
    meta, body = _split(path)
    assert body == b'{"a": 1}'  # the body follows the record line byte for byte
    assert meta["sha256"] == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert meta["params"] == {"frequency": "monthly", "api_key": "<redacted>", "offset": 0}
    assert meta["retrieved_utc"].endswith("Z") and entry.vintage == meta["retrieved_utc"]
    assert meta["client"].startswith("venecon/") and "python/" in meta["client"]
    assert b"SeCrEt" not in path.read_bytes()
    assert cache.get("eia_api", "0" * 32) is None


def test_cache_key_ignores_secrets_but_not_other_params():
    a = Cache.key("eia_api", "u", PARAMS)
    assert a == Cache.key("eia_api", "u", {**PARAMS, "api_key": "other"})
    assert "SeCrEt" not in a
    assert a != Cache.key("eia_api", "u", {**PARAMS, "offset": 5000})
    assert a != Cache.key("fred", "u", PARAMS)


def test_redact_params_is_case_insensitive():
    assert redact_params({"API_KEY": "x", "Token": "y", "a": 1}) == {
        "API_KEY": "<redacted>", "Token": "<redacted>", "a": 1}


@pytest.mark.parametrize("damage", ["body", "record", "truncated", "record_hash",
                                    "missing_url", "missing_retrieved_utc"])
def test_damaged_entries_raise_integrity_errors(tmp_path, damage):
    cache = Cache(tmp_path)
    key = cache.key("fred", "u", PARAMS)
    cache.put("fred", key, b"payload", url="u", params=PARAMS)
    path = tmp_path / "raw" / "fred" / f"{key}.entry"
    meta, body = _split(path)
    if damage == "body":
        path.write_bytes(path.read_bytes().replace(b"payload", b"pay1oad"))
    elif damage == "record":
        path.write_bytes(b"{not json\n" + body)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:20])
    else:
        if damage == "record_hash":
            meta["sha256"] = "0" * 64
        else:  # issue 15: a record without 'url' raised KeyError deep in the EIA client
            del meta[damage.removeprefix("missing_")]
        path.write_bytes(json.dumps(meta).encode() + b"\n" + body)
    with pytest.raises(CacheIntegrityError) as info:
        cache.get("fred", key)
    assert isinstance(info.value, DataIntegrityError)
    cache.discard("fred", key)
    assert cache.get("fred", key) is None


def test_writes_are_atomic(tmp_path, monkeypatch):
    cache = Cache(tmp_path)
    key = cache.key("fred", "u", PARAMS)
    cache.put("fred", key, b"old", url="u", params=PARAMS)

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(cache_mod.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        cache.put("fred", key, b"new", url="u", params=PARAMS)
    monkeypatch.undo()
    assert cache.get("fred", key).body == b"old"  # the old entry is intact and valid
    leftovers = [p.name for p in (tmp_path / "raw" / "fred").iterdir()]
    assert leftovers == [f"{key}.entry"]  # no temp files left


def test_record_and_body_are_published_in_one_rename(tmp_path, monkeypatch):
    calls = []
    real = os.replace
    monkeypatch.setattr(cache_mod.os, "replace", lambda s, d: (calls.append((s, d)), real(s, d)))
    Cache(tmp_path).put("fred", "k", b"x", url="u", params={})
    assert len(calls) == 1 and Path(calls[0][0]).parent == Path(calls[0][1]).parent


def test_import_venecon_stays_light():
    code = ("import sys, venecon, venecon.sources, venecon.sources.cli; "
            "bad = [m for m in ('requests', 'yfinance', 'platformdirs', 'pandas') "
            "if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
