"""On-disk cache of raw responses from live sources, with integrity checks.

Each entry is two files under ``<root>/raw/<source>/``: ``<key>.body`` (the
response bytes exactly as received) and ``<key>.json`` (a sidecar with the
body's sha256, the UTC retrieval time, the request URL and parameters with
secrets redacted, and the client version). Both are written atomically (a
temporary file in the same directory, then :func:`os.replace`), body first, so
a reader never sees a sidecar without its complete body. Reads recompute the
sha256 and raise :class:`~venecon.exceptions.CacheIntegrityError` on mismatch.

The root is ``$VENECON_CACHE_DIR`` if set, else the user cache directory given
by ``platformdirs`` (``~/.cache/venecon`` on Linux).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._version import __version__
from ..exceptions import CacheIntegrityError

__all__ = ["CACHE_ENV", "Cache", "CacheEntry", "cache_dir", "client_version", "redact_params"]

CACHE_ENV = "VENECON_CACHE_DIR"
#: Parameter names whose values are secrets: never stored, hashed or logged.
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "access_token"})
REDACTED = "<redacted>"


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


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see either the old or the new file, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@dataclass(frozen=True)
class CacheEntry:
    """A verified cached response.

    Attributes
    ----------
    body : bytes
        The raw response body.
    meta : dict
        The sidecar: ``sha256``, ``retrieved_utc``, ``source``, ``url``,
        ``params`` (secrets redacted), ``client``, ``key``.
    """

    body: bytes
    meta: dict[str, Any]

    @property
    def vintage(self) -> str:
        """The UTC retrieval time, e.g. ``'2026-03-01T12:00:00Z'``."""
        return str(self.meta["retrieved_utc"])


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

    def _paths(self, source: str, key: str) -> tuple[Path, Path]:
        folder = self.root / "raw" / source
        return folder / f"{key}.body", folder / f"{key}.json"

    def get(self, source: str, key: str) -> CacheEntry | None:
        """The verified entry, or ``None`` if absent.

        Raises
        ------
        CacheIntegrityError
            The body is missing, unreadable, or its sha256 differs from the sidecar's.
        """
        body_path, meta_path = self._paths(source, key)
        if not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            expected = meta["sha256"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CacheIntegrityError(
                f"cached response {meta_path} has an unreadable sidecar ({type(exc).__name__})"
            ) from None
        try:
            body = body_path.read_bytes()
        except OSError:
            raise CacheIntegrityError(
                f"cached response {body_path} is missing although its sidecar exists"
            ) from None
        actual = hashlib.sha256(body).hexdigest()
        if actual != expected:
            raise CacheIntegrityError(
                f"cached response {body_path} is corrupt: sha256 {actual[:12]}... differs from "
                f"the recorded {str(expected)[:12]}... (retrieved {meta.get('retrieved_utc')})"
            )
        return CacheEntry(body=body, meta=meta)

    def put(
        self, source: str, key: str, body: bytes, *, url: str, params: Mapping[str, Any]
    ) -> CacheEntry:
        """Store ``body`` with its sidecar (atomically) and return the entry."""
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
        body_path, meta_path = self._paths(source, key)
        _atomic_write(body_path, body)
        _atomic_write(meta_path, json.dumps(meta, indent=1, sort_keys=True, default=str).encode())
        return CacheEntry(body=body, meta=meta)

    def discard(self, source: str, key: str) -> None:
        """Remove an entry (used before re-fetching a corrupt one)."""
        for path in self._paths(source, key):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
