"""Exception hierarchy for venecon.

Every error venecon raises on purpose derives from :class:`VeneconError`, so a
notebook can catch all of them with one ``except`` clause. The subclasses also
derive from the matching built-in exception (``KeyError``, ``ValueError``) so
code written against pandas conventions keeps working.
"""

from __future__ import annotations

__all__ = [
    "VeneconError",
    "DatasetNotFoundError",
    "DataIntegrityError",
    "FilterError",
    "UnknownValueError",
    "DateRangeError",
    "SchemaError",
    "EventNotFoundError",
    "DateIndexError",
    "ModelSpecificationError",
    "InsufficientDataError",
    "UnitError",
    "AssumptionError",
    "SourceError",
    "ApiKeyError",
    "OfflineError",
    "CacheIntegrityError",
    "CachedDataWarning",
    "ConfigError",
    "DataValueError",
    "VeneconWarning",
    "DonorPoolWarning",
]


class VeneconError(Exception):
    """Base class of every error raised by venecon."""


class DatasetNotFoundError(VeneconError, KeyError):
    """An unknown dataset name was requested."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class DataIntegrityError(VeneconError):
    """A bundled or cached file does not match its recorded sha256 or schema."""


class FilterError(VeneconError, ValueError):
    """A filter passed to :func:`venecon.load` cannot be applied."""


class UnknownValueError(FilterError):
    """A filter names a country, series, source (or other key) absent from the data."""


class DateRangeError(FilterError):
    """A requested date range is malformed or lies outside the data."""


class SchemaError(VeneconError, ValueError):
    """A table (bundled or user-supplied) violates its schema; the message names the row."""


class EventNotFoundError(VeneconError, KeyError):
    """An unknown event id was requested from the registry."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DateIndexError(VeneconError, ValueError):
    """A date index is irregular, unsorted, has duplicates or an unsupported frequency."""


class ModelSpecificationError(VeneconError, ValueError):
    """A model's inputs cannot define the requested model.

    Examples: an event outside the sample, two events in the same period, an
    irregular or duplicated date index, missing outcome values, or a design
    matrix without full column rank. The message names the offending input.
    """


class InsufficientDataError(ModelSpecificationError):
    """Too few observations (overall, before an event, or in a segment) to fit the model."""


class UnitError(VeneconError, ValueError):
    """Data come in a unit other than the one a calculation needs; the message names both."""


class AssumptionError(VeneconError, ValueError):
    """An explicit assumption (export share, price discount, deflator) is invalid.

    Examples: an export share outside [0, 1], a discount at or above the
    benchmark price, a deflator with non-positive values. Assumptions that do
    not cover the months of the data raise :class:`DateRangeError` instead.
    """


class SourceError(VeneconError):
    """A live data source (EIA, FRED, Yahoo Finance) failed or returned unusable data.

    ``transient`` is true for failures worth retrying later (timeouts, rate
    limits, server errors, truncated bodies); ``status`` is the HTTP status, if
    any. Messages never contain API keys.
    """

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False):
        super().__init__(message)
        self.status = status
        self.transient = transient


class ApiKeyError(SourceError):
    """An API key is missing from the environment or was rejected by the source."""


class OfflineError(SourceError):
    """A live source cannot be reached and no usable cached copy exists."""


class CacheIntegrityError(DataIntegrityError):
    """A cached response does not match the sha256 recorded in its sidecar."""


class CachedDataWarning(UserWarning):
    """Live data were served from the on-disk cache; the message names the vintage."""


class ConfigError(VeneconError, ValueError):
    """A report configuration (``venecon report --config FILE``) is invalid.

    ``key`` is the dotted name of the offending key (e.g. ``"synth.donors"``)
    and ``allowed`` describes the accepted values; both appear in the message.
    """

    def __init__(self, message: str, *, key: str | None = None, allowed: str | None = None):
        super().__init__(message)
        self.key = key
        self.allowed = allowed


class DataValueError(ModelSpecificationError):
    """A value a model needs as a number is text or infinite; the message names the cell."""


class VeneconWarning(UserWarning):
    """Base class of the warnings venecon issues about questionable (but usable) input."""


class DonorPoolWarning(VeneconWarning):
    """A synthetic-control donor pool includes aggregates or units under a recorded sanction."""
