"""The raw-response cache: location, sidecars, atomic writes and integrity checks."""

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


def test_put_get_roundtrip_with_sidecar(tmp_path):
    cache = Cache(tmp_path)
    key = cache.key("eia_api", "https://x/data/", PARAMS)
    entry = cache.put("eia_api", key, b'{"a": 1}', url="https://x/data/", params=PARAMS)
    again = cache.get("eia_api", key)
    assert again.body == b'{"a": 1}' and again.meta == entry.meta
    meta = json.loads((tmp_path / "raw" / "eia_api" / f"{key}.json").read_text())
    assert meta["sha256"] == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert meta["params"] == {"frequency": "monthly", "api_key": "<redacted>", "offset": 0}
    assert meta["retrieved_utc"].endswith("Z") and entry.vintage == meta["retrieved_utc"]
    assert meta["client"].startswith("venecon/") and "python/" in meta["client"]
    assert b"SeCrEt" not in (tmp_path / "raw" / "eia_api" / f"{key}.json").read_bytes()
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


@pytest.mark.parametrize("damage", ["body", "sidecar", "missing_body", "sidecar_hash"])
def test_damaged_entries_raise_integrity_errors(tmp_path, damage):
    cache = Cache(tmp_path)
    key = cache.key("fred", "u", PARAMS)
    cache.put("fred", key, b"payload", url="u", params=PARAMS)
    folder = tmp_path / "raw" / "fred"
    body, side = folder / f"{key}.body", folder / f"{key}.json"
    if damage == "body":
        body.write_bytes(b"pay1oad")
    elif damage == "sidecar":
        side.write_text("{not json")
    elif damage == "missing_body":
        body.unlink()
    else:
        meta = json.loads(side.read_text())
        meta["sha256"] = "0" * 64
        side.write_text(json.dumps(meta))
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
    assert sorted(leftovers) == sorted([f"{key}.body", f"{key}.json"])  # no temp files left


def test_atomic_write_uses_os_replace(tmp_path, monkeypatch):
    calls = []
    real = os.replace
    monkeypatch.setattr(cache_mod.os, "replace", lambda s, d: (calls.append((s, d)), real(s, d)))
    Cache(tmp_path).put("fred", "k", b"x", url="u", params={})
    assert len(calls) == 2 and all(Path(s).parent == Path(d).parent for s, d in calls)


def test_import_venecon_stays_light():
    code = ("import sys, venecon, venecon.sources, venecon.sources.cli; "
            "bad = [m for m in ('requests', 'yfinance', 'platformdirs', 'pandas') "
            "if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
