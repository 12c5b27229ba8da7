"""Value checks of a study declaration: each raises :class:`StudyError` naming the TOML key.

Shared by the schema (:mod:`venecon.study.spec`) and the estimator adapters
(:mod:`venecon.study.adapters`), which validate their own option tables with
them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from .._text import sentence
from ..exceptions import VeneconError

__all__ = [
    "StudyError",
    "check_name",
    "check_table",
    "check_str",
    "check_bool",
    "check_int",
    "check_float",
    "check_choice",
    "check_codes",
    "check_pair",
    "period",
]


class StudyError(VeneconError, ValueError):
    """A study declaration is invalid or cannot be estimated on its data.

    ``key`` is the dotted TOML key at fault (``"study.window.pre"``) and
    ``fix`` says how to repair it; both appear in the message.
    """

    def __init__(self, key: str, problem: str, fix: str) -> None:
        super().__init__(f"study key '{key}': {sentence(problem)} Fix: {fix}")
        self.key = key
        self.problem = problem
        self.fix = fix


_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")


def check_table(key: str, value: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """A TOML table whose keys are all in ``allowed``."""
    if not isinstance(value, Mapping):
        raise StudyError(key, f"{value!r} is not a table", f"write a [{key}] table")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise StudyError(f"{key}.{unknown[0]}", "unknown key", f"use one of {', '.join(allowed)}")
    return dict(value)


def check_str(key: str, value: Any) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise StudyError(key, f"{value!r} is not a non-empty string", "give a string")
    return value


def check_name(key: str, name: Any) -> str:
    """A study name: a slug of at most 100 characters (it names files and HTML ids).

    The one check for every entry point (TOML, ``Study(name=...)``, the CLI).
    """
    if not isinstance(name, str) or not _SLUG.match(name) or len(name) > 100:
        raise StudyError(
            key, f"{name!r} is not a slug of at most 100 characters",
            'lower-case letters, digits, "-" and "_", starting with a letter or digit, '
            'e.g. "iran-2012"')
    return name


def check_bool(key: str, value: Any) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise StudyError(key, f"{value!r} is not a boolean", "write true or false")
    return value


def check_int(key: str, value: Any, lo: int, hi: int) -> int:
    """An integer in ``[lo, hi]``."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise StudyError(key, f"{value!r} is out of range", f"an integer from {lo} to {hi}")
    return int(value)


def check_float(key: str, value: Any, lo: float, hi: float) -> float:
    """A number in the open interval ``(lo, hi)``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo < value < hi:
        raise StudyError(key, f"{value!r} is out of range", f"a number in ({lo}, {hi})")
    return float(value)


def check_choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of ``choices``."""
    if value not in choices:
        raise StudyError(key, f"{value!r} is not allowed", f"one of {', '.join(choices)}")
    return value


def period(key: str, value: Any) -> int | str:
    """A year (int) or a month/day string ``"YYYY-MM[-DD]"``."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
        return value
    if isinstance(value, str) and MONTH.match(value):
        try:  # the pattern admits "2015-02-30"; the calendar does not
            datetime.date.fromisoformat(value if len(value) == 10 else value + "-01")
        except ValueError:
            raise StudyError(key, f"{value!r} is not a calendar date",
                             "a date that exists, e.g. 2015-02-28") from None
        return value
    raise StudyError(
        key, f"{value!r} is not a period", 'a year (2012) or a month/date ("2017-09", "2017-08-24")'
    )


def check_pair(key: str, value: Any, allow_end: bool = False) -> tuple[Any, Any]:
    """A window ``[start, end]`` of two periods of one kind, start <= end."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise StudyError(key, f"{value!r} is not a window", "two periods [start, end]")
    a = period(f"{key}[0]", value[0])
    if allow_end and value[1] == "end":  # the last period of the data, whatever the vintage
        return a, "end"
    b = period(f"{key}[1]", value[1])
    if type(a) is not type(b):
        raise StudyError(key, "mixes a year and a month", "two years or two months")
    if str(a) > str(b) if isinstance(a, str) else a > b:
        raise StudyError(key, f"start {a} is after end {b}", "start <= end")
    return a, b


def check_codes(key: str, value: Any) -> tuple[str, ...]:
    """A list of unit codes."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise StudyError(key, f"{value!r} is not a list of unit codes", 'e.g. ["IRQ", "LBY"]')
    return tuple(value)
