"""Live data sources: EIA API v2, FRED and Yahoo Finance, with an integrity-checked cache.

The bundled datasets are a frozen vintage; these clients fetch today's
numbers in the same tidy schema. ``venecon.sources.fetch("production_monthly")``
returns EIA's monthly crude production for every country; raw responses are
cached (``$VENECON_CACHE_DIR`` or the user cache directory) with their sha256,
UTC retrieval time, redacted request and client version. Offline, or when a
request fails, the cached vintage is used with a warning naming it.

Submodules (imported on first use so ``import venecon`` stays light):
``cache``, ``http``, ``eia``, ``fred``, ``yahoo``, ``live``.
"""

from __future__ import annotations

from .._lazy import attach

_LAZY = {
    "fetch": "venecon.sources.live",
    "live_table": "venecon.sources.live",
    "live_resource": "venecon.sources.live",
    "refresh": "venecon.sources.live",
    "LIVE_DATASETS": "venecon.sources.live",
    "Session": "venecon.sources._live",
    "Cache": "venecon.sources.cache",
    "cache_dir": "venecon.sources.cache",
    "HttpClient": "venecon.sources.http",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = attach(__name__, _LAZY)
