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
