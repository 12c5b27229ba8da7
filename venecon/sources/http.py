"""HTTP GET with timeouts, retries and key redaction, on the standard library.

:class:`HttpClient` retries rate limits (429), server errors (500, 502, 503,
504), timeouts, dropped connections and truncated or unparseable bodies, with
exponential backoff that honours ``Retry-After``. Other client errors (400,
401, 403, 404) are not retried: 401/403, or a message about the key, raise
:class:`~venecon.exceptions.ApiKeyError`. Every message passes through
:func:`redact`, so the values of secret parameters never reach logs or errors.
The sleep function is injectable so tests run fast.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import json
import logging
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from .._version import __version__
from ..exceptions import ApiKeyError, SourceError, redact, register_secret
from .cache import SECRET_PARAMS

__all__ = ["HttpClient", "RETRY_STATUSES", "redact"]

log = logging.getLogger("venecon.sources")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_KEY_WORDS = ("api_key", "api key")


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _error_text(body: bytes) -> str:
    """A short message from an error body (JSON ``error``/``error_message``/``message``)."""
    text = body[:2000].decode("utf-8", errors="replace")
    try:
        payload = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:300]
    if isinstance(payload, Mapping):
        for name in ("error_message", "error", "message", "msg"):
            found = payload.get(name)
            if isinstance(found, Mapping):
                found = found.get("message") or found.get("code") or json.dumps(found)
            if found:
                return str(found)[:300]
    return " ".join(text.split())[:300]


class _PastDeadline(Exception):
    """The wall-clock deadline passed while a body was still arriving."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"{seconds:.1f} s")
        self.seconds = seconds


class HttpClient:
    """A small retrying HTTP GET client.

    Parameters
    ----------
    timeout : float
        Seconds allowed for connecting and for each read.
    retries : int
        Retries after the first attempt (so ``retries + 1`` attempts at most).
    backoff : float
        First wait in seconds; doubles each retry.
    max_wait : float
        Cap on any single wait, including ``Retry-After``.
    sleep : callable
        Called with the seconds to wait; inject a no-op in tests.
    max_time : float
        Wall-clock bound, in seconds, on one :meth:`get` with all its attempts
        and waits. A server dripping its body byte by byte (each read well
        inside ``timeout``) is cut off here; the overshoot is at most one
        ``timeout``.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        max_time: float = 600.0,
    ) -> None:
        self.timeout = timeout
        self.max_time = max_time
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep

    def get(
        self, url: str, params: Mapping[str, Any], *,
        validate: Callable[[bytes], Any] | None = None, deadline: float | None = None,
    ) -> bytes:
        """GET ``url`` with query ``params`` and return the body.

        Parameters
        ----------
        url : str
            Base URL without query string.
        params : mapping
            Query parameters; lists become repeated parameters. Values of
            parameters named like keys (``api_key``...) are redacted everywhere.
        validate : callable, optional
            Called on the body; raising ``ValueError`` marks it truncated or
            corrupt, which is retried like a timeout.
        deadline : float, optional
            A :func:`time.monotonic` time the whole call must end by (a paged
            query's overall deadline); the earlier of it and ``max_time``
            from now applies.

        Raises
        ------
        ApiKeyError
            The server rejected the key (401/403 or a key-related message).
        SourceError
            Any other failure; ``transient`` tells whether retrying later may help.
        """
        secrets = [str(v) for k, v in params.items() if k.lower() in SECRET_PARAMS and v]
        for secret in secrets:
            register_secret(secret)
        full = f"{url}?{urllib.parse.urlencode(params, doseq=True)}" if params else url
        shown = redact(full, secrets)
        last: SourceError | None = None
        until = time.monotonic() + self.max_time
        if deadline is not None:
            until = min(until, deadline)
        for attempt in range(self.retries + 1):
            wait = None
            if time.monotonic() >= until:
                break
            try:
                body = self._once(full, until)
                if validate is not None:
                    validate(body)
                return body
            except urllib.error.HTTPError as exc:
                body = exc.read() if exc.fp is not None else b""
                detail = redact(_error_text(body), secrets)
                message = f"{shown} returned HTTP {exc.code}: {detail}"
                if exc.code in RETRY_STATUSES:
                    last = SourceError(message, status=exc.code, transient=True)
                    wait = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                elif exc.code in (401, 403) or any(k in detail.lower() for k in _KEY_WORDS):
                    raise ApiKeyError(message, status=exc.code) from None
                else:
                    raise SourceError(message, status=exc.code) from None
            except _PastDeadline as exc:
                last = SourceError(f"{shown} was still sending after {exc.seconds:.1f} s, past "
                                   "its deadline (a slow or stalled server)", transient=True)
                break
            except TimeoutError:
                last = SourceError(f"{shown} timed out after {self.timeout:g} s", transient=True)
            except (http.client.IncompleteRead, ValueError) as exc:
                kind = "truncated" if isinstance(exc, http.client.IncompleteRead) else "malformed"
                last = SourceError(
                    f"{shown} returned a {kind} body ({redact(str(exc), secrets)[:200]})",
                    transient=True,
                )
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", exc)
                kind = "timed out" if isinstance(reason, TimeoutError) else "failed"
                last = SourceError(
                    f"{shown} {kind}: {redact(str(reason), secrets)}", transient=True
                )
            if attempt < self.retries:
                delay = min(self.max_wait, wait if wait is not None else self.backoff * 2**attempt)
                if time.monotonic() + delay >= until:
                    break  # the wait alone would pass the deadline
                log.warning("%s; retry %d of %d in %.1f s", last, attempt + 1, self.retries, delay)
                self.sleep(delay)
        if last is None:
            last = SourceError(f"{shown} was not tried: its deadline had passed", transient=True)
        tries = attempt + 1
        raise SourceError(f"{last} (gave up after {tries} attempt{'s' if tries > 1 else ''})",
                          status=last.status, transient=True)

    def _once(self, full_url: str, until: float) -> bytes:
        request = urllib.request.Request(
            full_url, headers={"User-Agent": f"venecon/{__version__}", "Accept": "application/json"}
        )
        started = time.monotonic()
        timeout = max(0.001, min(self.timeout, until - started))
        sockets: list[socket.socket] = []
        # a server dripping its status line or headers is cut at the deadline too: the timer
        # shuts the connection, and the blocked read fails at once
        cutter = threading.Timer(max(0.0, until - started), _shut, args=(sockets,))
        cutter.daemon = True
        cutter.start()
        try:
            with _opener(sockets).open(request, timeout=timeout) as response:
                chunks = []
                while True:  # read1 returns what has arrived: the clock is checked as it drips
                    chunk = response.read1(1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    if time.monotonic() > until:
                        raise _PastDeadline(time.monotonic() - started)
                body = b"".join(chunks)
                expected = response.headers.get("Content-Length")
                if expected is not None and expected.isdigit() and int(expected) != len(body):
                    raise http.client.IncompleteRead(body, int(expected) - len(body))
                return body
        except (OSError, http.client.HTTPException) as exc:
            if time.monotonic() >= until and not isinstance(exc, urllib.error.HTTPError):
                raise _PastDeadline(time.monotonic() - started) from exc
            raise
        finally:
            cutter.cancel()


def _shut(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _opener(sockets: list[socket.socket]) -> urllib.request.OpenerDirector:
    """A urllib opener whose HTTP(S) connections record their sockets in ``sockets``."""

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def __init__(self) -> None:
            self.context = ssl.create_default_context()
            super().__init__(context=self.context)

        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(SecureConnection, req, context=self.context)

    return urllib.request.build_opener(Handler, SecureHandler)
