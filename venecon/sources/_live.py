"""Cache-first retrieval shared by the EIA and FRED clients.

:func:`retrieve` returns a cached response if one exists (verified by sha256)
unless ``refresh=True``; otherwise it fetches, validates and caches. When the
network fails (or ``offline``), it falls back to the cache with a
:class:`~venecon.exceptions.CachedDataWarning` naming the vintage; with no
usable cache it raises :class:`~venecon.exceptions.OfflineError` saying what
to do. A corrupt entry is discarded and re-fetched (or reported when offline).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..exceptions import CachedDataWarning, CacheIntegrityError, OfflineError, SourceError
from .cache import Cache, CacheEntry, redact_params
from .http import HttpClient

log = logging.getLogger("venecon.sources")

OFFLINE_ENV = "VENECON_OFFLINE"


def is_offline(offline: bool | None) -> bool:
    """``offline`` if given, else whether ``$VENECON_OFFLINE`` is set to a true value."""
    if offline is not None:
        return bool(offline)
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Session:
    """What a live fetch uses: cache, HTTP client, refresh and offline flags.

    Parameters
    ----------
    cache : Cache, optional
        Default: a :class:`Cache` at :func:`~venecon.sources.cache.cache_dir`.
    client : HttpClient, optional
        Default: an :class:`HttpClient` with 30 s timeouts and 4 retries.
    refresh : bool
        Re-fetch even when a cached copy exists.
    offline : bool, optional
        Never touch the network (default: ``$VENECON_OFFLINE``).
    """

    cache: Cache | None = None
    client: HttpClient | None = None
    refresh: bool = False
    offline: bool | None = None

    def __post_init__(self) -> None:
        if self.cache is None:
            self.cache = Cache()
        if self.client is None:
            self.client = HttpClient()


def retrieve(
    session: Session,
    source: str,
    url: str,
    params: Mapping[str, Any],
    *,
    validate: Callable[[bytes], Any] | None = None,
    fetch: Callable[[], bytes] | None = None,
) -> tuple[CacheEntry, bool]:
    """The response for a request and whether it came from the cache.

    ``fetch``, if given, replaces the HTTP GET (used for yfinance); it must
    return the bytes to cache and raise :class:`SourceError` on failure.

    Raises
    ------
    OfflineError
        Offline (or the request failed) and no usable cached copy exists.
    ApiKeyError, SourceError
        The source rejected the request (bad key, bad parameters).
    """
    cache, client = session.cache, session.client
    assert cache is not None and client is not None
    key = cache.key(source, url, params)
    offline = is_offline(session.offline)
    what = f"{source} request {redact_params(params)}"
    entry: CacheEntry | None = None
    corrupt: CacheIntegrityError | None = None
    try:
        entry = cache.get(source, key)
    except CacheIntegrityError as exc:
        corrupt = exc
        log.warning("%s; it will be re-fetched", exc)
    if entry is not None and not session.refresh:
        return entry, True
    if offline:
        if entry is not None:
            _warn_cached(entry, what, "offline mode (refresh skipped)")
            return entry, True
        if corrupt is not None:
            raise OfflineError(
                f"{corrupt}. venecon is offline ({OFFLINE_ENV} or offline=True), so it cannot be "
                f"re-fetched: go online and retry, or run 'venecon data refresh'."
            )
        raise OfflineError(
            f"no cached copy of the {what} in {cache.root} and venecon is offline. "
            f"Connect to the internet (unset {OFFLINE_ENV}) and retry, or run "
            f"'venecon data refresh' on a connected machine and copy its cache directory "
            f"(set VENECON_CACHE_DIR to point at it)."
        )
    try:
        body = fetch() if fetch is not None else client.get(url, params, validate=validate)
    except SourceError as exc:
        if not exc.transient:
            raise
        if entry is not None:
            _warn_cached(entry, what, f"the request failed ({exc})")
            return entry, True
        raise OfflineError(
            f"{exc}. No usable cached copy of the {what} exists in {cache.root}"
            f"{' (the cached one is corrupt)' if corrupt else ''}. Check the connection and "
            f"retry later; venecon retries rate limits and timeouts with backoff."
        ) from None
    if corrupt is not None:
        cache.discard(source, key)
    return cache.put(source, key, body, url=url, params=params), False


def _warn_cached(entry: CacheEntry, what: str, why: str) -> None:
    warnings.warn(
        f"using the cached {what} retrieved {entry.vintage} (vintage {entry.vintage}) "
        f"because of {why}; numbers may differ from today's.",
        CachedDataWarning,
        stacklevel=4,
    )
