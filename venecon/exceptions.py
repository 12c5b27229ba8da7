"""Exception hierarchy for venecon.

Every error venecon raises on purpose derives from :class:`VeneconError`, so a
notebook can catch all of them with one ``except`` clause. The subclasses also
derive from the matching built-in exception (``KeyError``, ``ValueError``) so
code written against pandas conventions keeps working.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterable

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
    "UnbalancedPanelError",
    "NoComparisonUnitsError",
    "FrequencyError",
    "UnitError",
    "AssumptionError",
    "SourceError",
    "ApiKeyError",
    "OfflineError",
    "CacheIntegrityError",
    "CachedDataWarning",
    "ConfigError",
    "OptionError",
    "REDACTED",
    "redact",
    "register_secret",
    "DataValueError",
    "OutputError",
    "VeneconWarning",
    "DonorPoolWarning",
    "WindowWarning",
    "UninformativeIntervalWarning",
]

REDACTED = "<redacted>"
# Secrets (API keys) seen by this process. SourceError redacts them from its own message, so no
# code path that builds a message from a server response can leak a key, whoever raises it.
_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
_MIN_SECRET = 4  # shorter strings are too common to replace safely (and are no real API keys)


def register_secret(value: str | None) -> None:
    """Remember ``value`` (an API key) so every :class:`SourceError` message hides it."""
    if value and len(value) >= _MIN_SECRET:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each secret (given or registered) and its URL-encoded forms replaced.

    The one redaction function of venecon: HTTP messages, cache records and
    :class:`SourceError` all use it.
    """
    with _SECRETS_LOCK:
        known = set(_SECRETS)
    known.update(s for s in secrets if s)
    # longest first, so a key containing another registered key is replaced whole
    for secret in sorted(known, key=len, reverse=True):
        forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, REDACTED)
    return text


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


class OptionError(VeneconError, ValueError):
    """A keyword option has a value outside its documented set (``partial="bogus"``).

    The message names the option, the value given and the allowed values.
    """


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


class UnbalancedPanelError(ModelSpecificationError):
    """A panel estimator that needs every unit in every period got an unbalanced panel.

    The message names units that lack periods and how to balance the sample.
    """


class NoComparisonUnitsError(InsufficientDataError):
    """A treated cohort has no comparison units under the chosen control group.

    Example: ``control_group="never"`` on a panel where every unit is
    eventually treated; the message names the cohort and period and suggests
    another control group.
    """


class FrequencyError(ModelSpecificationError, DateIndexError):
    """A time-series model's date index is not one regular frequency (month, quarter or year).

    Examples: daily or weekly dates, dates two months apart, a time of day,
    a numeric index that holds no calendar years (a ``RangeIndex``). The
    message says what was found and how to give the data a regular index.
    """


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
    any. Messages never contain API keys: every key passed to
    :func:`register_secret` (the clients register theirs) is redacted here,
    whatever built the message.
    """

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False):
        super().__init__(redact(str(message)))
        self.status = status
        self.transient = transient


class ApiKeyError(SourceError):
    """An API key is missing from the environment or was rejected by the source."""


class OfflineError(SourceError):
    """A live source cannot be reached and no usable cached copy exists."""


class CacheIntegrityError(DataIntegrityError):
    """A cached response is incomplete or does not match the sha256 in its record."""


class CachedDataWarning(UserWarning):
    """Live data were served from the on-disk cache; the message names the vintage."""


class IncompleteDataWarning(UserWarning):
    """Loaded rows include months the dataset flags as incomplete; the message lists them."""


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


class OutputError(VeneconError, OSError):
    """Writing the output failed (a full disk, a lost permission); ``--out`` is unchanged."""


class VeneconWarning(UserWarning):
    """Base class of the warnings venecon issues about questionable (but usable) input."""


class DonorPoolWarning(VeneconWarning):
    """A synthetic-control donor pool includes aggregates or units under a recorded sanction."""


class WindowWarning(VeneconWarning):
    """A declared study window reaches past the data; the message names the window used."""


class UninformativeIntervalWarning(VeneconWarning):
    """Fixed-b intervals of an event's effect are too wide to inform (a short post-event
    period); the message names the event, its post-event observations and the interval width."""
