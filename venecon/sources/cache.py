"""On-disk cache of raw responses from live sources, with integrity checks.

Each entry is one file, ``<root>/raw/<source>/<key>.entry``: a first line
holding the JSON record (the body's sha256 and size, the UTC retrieval time,
the request URL and parameters with secrets redacted, the client version)
followed by the response bytes as received, with the values of secret parameters
(and their URL-encoded forms) replaced by ``<redacted>`` before anything is
written. Record and body are one
file so they are published as one unit: the file is written under a temporary
name in the same directory and renamed into place (:func:`os.replace`), so a
reader sees the old entry or the new one, never a record from one writer with
the body of another. Reads recompute the sha256 and check the record's fields;
any mismatch raises :class:`~venecon.exceptions.CacheIntegrityError` and the
entry is re-fetched. Each entry is bound to its request: the record's source,
URL and public parameters must hash to the key it is read under, so an entry
copied over another request's file is refused, not served. ``head -1 FILE`` shows the record.

The root is ``$VENECON_CACHE_DIR`` if set, else the user cache directory given
by ``platformdirs`` (``~/.cache/venecon`` on Linux).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import tempfile
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._version import __version__
from ..exceptions import REDACTED, CacheIntegrityError
from ..signals import signals_deferred

__all__ = ["CACHE_ENV", "Cache", "CacheEntry", "cache_dir", "client_version", "read_entry",
           "redact_body", "redact_params", "write_entry"]

CACHE_ENV = "VENECON_CACHE_DIR"
#: Parameter names whose values are secrets: never stored, hashed or logged.
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "access_token"})
#: Fields every cached record must have (provenance copied into each live frame).
RECORD_FIELDS = ("sha256", "retrieved_utc", "url", "params", "client")


def cache_dir() -> Path:
    """The cache root: ``$VENECON_CACHE_DIR``, else the platform's user cache directory."""
    override = os.environ.get(CACHE_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # optional dependency (extra "live"), imported only when needed

    return Path(platformdirs.user_cache_dir("venecon", appauthor=False))


def client_version() -> str:
    """``venecon/<version> python/<version>``, recorded with every cached response."""
    return f"venecon/{__version__} python/{platform.python_version()}"


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``params`` with the values of secret parameters replaced by a marker."""
    return {k: (REDACTED if k.lower() in SECRET_PARAMS else v) for k, v in params.items()}


def redact_body(body: bytes, params: Mapping[str, Any]) -> bytes:
    """``body`` with every secret parameter value (plain or URL-encoded) replaced by a marker."""
    marker = REDACTED.encode("utf-8")
    forms: set[str] = set()
    for k, v in params.items():
        if k.lower() in SECRET_PARAMS and v is not None and str(v):
            value = str(v)
            forms |= {value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value),
                      urllib.parse.quote(value), json.dumps(value)[1:-1]}
    for form in sorted(forms, key=len, reverse=True):  # longest first: no partial leftovers
        if form:
            body = body.replace(form.encode("utf-8"), marker)
    return body


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see either the old or the new file, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = handle = None
    try:
        with signals_deferred():  # a signal between mkstemp and this try would leave tmp behind
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            handle = os.fdopen(fd, "wb")
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if handle is not None:
            handle.close()
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def write_entry(path: Path, record: Mapping[str, Any], body: bytes) -> None:
    """Publish ``record`` (JSON, one line) and ``body`` atomically as the single file ``path``."""
    header = json.dumps(record, sort_keys=True, default=str, separators=(",", ":"))
    atomic_write(path, header.encode("utf-8") + b"\n" + body)


def read_entry(path: Path, *, required: tuple[str, ...] = ("sha256",)) -> tuple[dict, bytes]:
    """The record and body of an entry written by :func:`write_entry`, verified.

    Raises
    ------
    FileNotFoundError
        No entry at ``path``.
    CacheIntegrityError
        The record is unreadable or lacks a ``required`` field, or the body's
        sha256 differs from the recorded one.
    """
    data = path.read_bytes()
    header, newline, body = data.partition(b"\n")
    try:
        record = json.loads(header.decode("utf-8"))
    except (ValueError, TypeError, AttributeError):
        raise CacheIntegrityError(f"{path} has an unreadable record line") from None
    if not isinstance(record, dict):
        raise CacheIntegrityError(
            f"{path} has a record line that is a JSON {type(record).__name__}, not an object")
    missing = [name for name in required if name not in record]
    if not newline or missing:
        raise CacheIntegrityError(
            f"{path} is incomplete: its record lacks {missing or 'the body'}"
        )
    if not isinstance(record["sha256"], str):
        raise CacheIntegrityError(f"{path} records a sha256 that is not a string")
    actual = hashlib.sha256(body).hexdigest()
    if actual != record["sha256"]:
        raise CacheIntegrityError(
            f"{path} is corrupt: sha256 {actual[:12]}... differs from the recorded "
            f"{str(record['sha256'])[:12]}... (retrieved {record.get('retrieved_utc')})"
        )
    return record, body


@dataclass(frozen=True)
class CacheEntry:
    """A verified cached response.

    Attributes
    ----------
    body : bytes
        The raw response body.
    meta : dict
        The record: ``sha256``, ``retrieved_utc``, ``source``, ``url``,
        ``params`` (secrets redacted), ``client``, ``key``.
    """

    body: bytes
    meta: dict[str, Any]

    @property
    def vintage(self) -> str:
        """The UTC retrieval time, e.g. ``'2026-03-01T12:00:00Z'``."""
        return str(self.meta["retrieved_utc"])

    def provenance(self, from_cache: bool) -> dict[str, Any]:
        """The record copied into a live frame's ``attrs["venecon"]["responses"]``."""
        return {**{k: self.meta[k] for k in RECORD_FIELDS}, "from_cache": from_cache}


class Cache:
    """Raw-response cache rooted at ``root`` (default :func:`cache_dir`).

    Parameters
    ----------
    root : path-like, optional
        Directory of the cache; created on first write.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else cache_dir()

    def __repr__(self) -> str:
        return f"Cache({str(self.root)!r})"

    @staticmethod
    def key(source: str, url: str, params: Mapping[str, Any]) -> str:
        """A stable key for a request; secret parameters are excluded before hashing."""
        public = {k: v for k, v in params.items() if k.lower() not in SECRET_PARAMS}
        canonical = json.dumps([source, url, public], sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]

    def path(self, source: str, key: str) -> Path:
        """The file holding the entry ``key`` of ``source``."""
        return self.root / "raw" / source / f"{key}.entry"

    def get(self, source: str, key: str) -> CacheEntry | None:
        """The verified entry, or ``None`` if absent.

        Raises
        ------
        CacheIntegrityError
            The entry is unreadable, lacks a provenance field, or its sha256
            differs from the recorded one.
        """
        path = self.path(source, key)
        try:
            meta, body = read_entry(path, required=RECORD_FIELDS)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CacheIntegrityError(f"cached response {path} is unreadable ({exc})") from None
        except CacheIntegrityError as exc:
            raise CacheIntegrityError(f"cached response {exc}") from None
        url, params = meta.get("url"), meta.get("params")
        if (meta.get("source") != source or meta.get("key") != key or not isinstance(url, str)
                or not isinstance(params, dict) or self.key(source, url, params) != key):
            raise CacheIntegrityError(
                f"cached response {path} belongs to another request ({meta.get('source')!r} "
                f"{str(url)[:80]!r}); it is not served for this one and will be re-fetched")
        return CacheEntry(body=body, meta=meta)

    def put(
        self, source: str, key: str, body: bytes, *, url: str, params: Mapping[str, Any]
    ) -> CacheEntry:
        """Store ``body`` with its record (atomically, as one file) and return the entry.

        Secret parameter values echoed in ``body`` are redacted first
        (:func:`redact_body`); the entry returned holds the stored bytes.
        """
        body = redact_body(body, params)
        meta = {
            "key": key,
            "source": source,
            "url": url,
            "params": redact_params(params),
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            "retrieved_utc": _utc_now(),
            "client": client_version(),
        }
        write_entry(self.path(source, key), meta, body)
        # what a reader gets back is the JSON round trip, so return the same
        return CacheEntry(body=body, meta=json.loads(json.dumps(meta, default=str)))

    def discard(self, source: str, key: str) -> None:
        """Remove an entry (used before re-fetching a corrupt one)."""
        try:
            self.path(source, key).unlink()
        except FileNotFoundError:
            pass
