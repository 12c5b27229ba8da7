"""venecon: sanctions and resource-economics analysis, Venezuela first.

Data in (``load``, ``datasets``, ``describe``, ``cite``), aligned panels,
models and results. Heavy dependencies (pandas, statsmodels, linearmodels,
matplotlib, scipy, yfinance) are imported only when a function needs them, so
``import venecon`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach
from ._version import __version__
from .exceptions import (
    ApiKeyError,
    CachedDataWarning,
    CacheIntegrityError,
    DataIntegrityError,
    DatasetNotFoundError,
    DateIndexError,
    DateRangeError,
    EventNotFoundError,
    FilterError,
    OfflineError,
    SchemaError,
    SourceError,
    UnknownValueError,
    VeneconError,
)

# Public name -> module that defines it, imported on first access (PEP 562).
_LAZY = {
    "cite": "venecon.data.catalogue",
    "datasets": "venecon.data.catalogue",
    "describe": "venecon.data.catalogue",
    "load": "venecon.data.load",
    "events": "venecon.policy.registry",
    "event": "venecon.policy.registry",
    "add_events": "venecon.policy.registry",
    "reset_events": "venecon.policy.registry",
    "regimes": "venecon.policy.indicators",
    "plot_events": "venecon.policy.plotting",
    "Study": "venecon.study.study",
}

__all__ = [
    "__version__",
    "ApiKeyError",
    "CacheIntegrityError",
    "CachedDataWarning",
    "DataIntegrityError",
    "DatasetNotFoundError",
    "DateIndexError",
    "DateRangeError",
    "EventNotFoundError",
    "FilterError",
    "OfflineError",
    "SchemaError",
    "SourceError",
    "UnknownValueError",
    "VeneconError",
    *_LAZY,
]

if TYPE_CHECKING:
    from .data.catalogue import cite, datasets, describe
    from .data.load import load
    from .policy.indicators import regimes
    from .policy.plotting import plot_events
    from .policy.registry import add_events, event, events, reset_events
    from .study.study import Study

__getattr__, __dir__ = attach(__name__, _LAZY)

# Models count any registered flow unit; venecon's outcomes are oil flows (b/d, kb/d, mb/d).
# Every import of a venecon module runs this file first, so the units are always there.
from .revenue.units import register_oil_flow_units  # noqa: E402

register_oil_flow_units()
del register_oil_flow_units
