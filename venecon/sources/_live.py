"""Cache-first retrieval shared by the EIA and FRED clients.

:func:`retrieve` returns a cached response if one exists (verified by sha256)
unless ``refresh=True``; otherwise it fetches, validates and caches. When the
network fails (or ``offline``), it falls back to the cache with a
:class:`~venecon.exceptions.CachedDataWarning` naming the vintage; with no
usable cache it raises :class:`~venecon.exceptions.OfflineError` saying what
to do. A corrupt entry -- a sha256 mismatch, a record of another request, or
a body that fails the source's validation -- is discarded and re-fetched (or
reported when offline).
"""

from __future__ import annotations

import json
import logging
import os
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
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
    max_pages : int
        Most pages one paged query may request; a server that keeps
        announcing more rows beyond this is reported, not followed.
    deadline : float
        Seconds one paged query may take in total, wall clock: checked before
        each page and while each response arrives (a slow-drip server is cut
        off at the deadline, give or take one client timeout).
    """

    cache: Cache | None = None
    client: HttpClient | None = None
    refresh: bool = False
    offline: bool | None = None
    max_pages: int = 500
    deadline: float = 1800.0

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
    deadline: float | None = None,
) -> tuple[CacheEntry, bool]:
    """The response for a request and whether it came from the cache.

    ``fetch``, if given, replaces the HTTP GET (used for yfinance); it must
    return the bytes to cache and raise :class:`SourceError` on failure.
    ``deadline`` (a :func:`time.monotonic` time) bounds the HTTP GET.

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
        if entry is not None and validate is not None:
            try:
                validate(entry.body)
            except (ValueError, SourceError) as exc:
                entry = None
                raise CacheIntegrityError(
                    f"cached response {cache.path(source, key)} matches its sha256 but is not "
                    f"a valid {source} response ({str(exc)[:200]})") from None
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
        body = fetch() if fetch is not None else client.get(url, params, validate=validate,
                                                                  deadline=deadline)
    except SourceError as exc:
        if not exc.transient:
            raise
        if entry is not None:
            _warn_cached(entry, what, f"the request failed ({exc})")
            return entry, True
        if deadline is not None and time.monotonic() >= deadline:
            raise SourceError(
                f"{exc}; the query's deadline (Session.deadline) has passed. The pages read so "
                "far are cached, so retrying later resumes.", transient=True) from None
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


def paged(
    session: Session,
    source: str,
    url: str,
    params: Mapping[str, Any],
    *,
    validate: Callable[[bytes], Any],
    read: Callable[[Any], tuple[Sequence[Any], int | None]],
    limit_param: str,
    page_size: int,
) -> tuple[list[Any], list[dict[str, Any]]]:
    """All rows of an ``offset``-paged query, and one provenance record per page.

    ``read`` maps a validated body to ``(rows, total)`` (``total`` may be
    ``None``). Paging stops when ``total`` rows are read or a page is empty. A
    server that ignores ``offset`` (a page adding no new rows), more than
    ``session.max_pages`` pages, or a query running past ``session.deadline``
    seconds raise :class:`SourceError` instead of looping.
    """
    started = time.monotonic()
    rows: list[Any] = []
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    offset = 0
    for _ in range(max(1, session.max_pages)):
        elapsed = time.monotonic() - started
        if elapsed > session.deadline:
            raise SourceError(
                f"{source}: paging through {url} took {elapsed:.0f} s, past the "
                f"{session.deadline:g} s deadline, after {len(rows)} rows; the pages read so far "
                f"are cached, so retrying later resumes (or raise Session.deadline).",
                transient=True,
            )
        entry, cached = retrieve(session, source, url,
                                 {**params, "offset": offset, limit_param: page_size},
                                 validate=validate, deadline=started + session.deadline)
        page, total = read(validate(entry.body))
        records.append(entry.provenance(cached))
        prints = {json.dumps(row, sort_keys=True, default=str) for row in page}
        if page and prints <= seen:
            raise SourceError(
                f"{source}: {url} returned at offset {offset} only rows of earlier pages "
                f"(announcing {total} rows, {len(rows)} read): the server ignores paging, so the "
                f"result would be incomplete. Retry later with refresh=True."
            )
        seen |= prints
        rows.extend(page)
        offset += len(page)
        if not page or (total is not None and offset >= total):
            return rows, records
    raise SourceError(
        f"{source}: {url} announced more rows than {session.max_pages} pages of {page_size} "
        f"hold ({len(rows)} read); narrow the query (start/end, countries) or raise "
        f"Session.max_pages."
    )


def total_of(value: Any) -> int | None:
    """A page's announced row count, or ``None`` when absent or unreadable."""
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None
