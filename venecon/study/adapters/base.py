"""What an estimator adapter declares, and the option checkers adapters are built from.

An :class:`Adapter` ties one estimator to studies: the TOML table that
configures it (``[study.estimators.<name>]``), its options (a small frozen
dataclass, each field parsed by a checker), the data it needs, the designs it
can run (one treated unit; several units with one date; staggered cohorts)
with the reason when it cannot, how it fits and reports its headline (a
function returning a :class:`~venecon.study.results.Estimate`), and which
robustness dimensions apply. Adapters are registered with
:func:`venecon.study.adapters.register`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..checks import (
    StudyError,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_pair,
    check_table,
    period,
)

__all__ = [
    "Adapter",
    "SINGLE",
    "COHORT",
    "STAGGERED",
    "DESIGNS",
    "SERIES",
    "DONORS",
    "PANEL",
    "boolean",
    "choice",
    "integer",
    "number",
    "optional_number",
    "a_period",
    "a_window",
    "windows",
    "periods",
    "event_window",
]

#: One treated unit, one treatment date.
SINGLE = "single"
#: Several treated units, one treatment date.
COHORT = "cohort"
#: Several treated units with different treatment dates (staggered adoption).
STAGGERED = "staggered"
DESIGNS = (SINGLE, COHORT, STAGGERED)

#: The treated unit's series alone.
SERIES = "treated series"
#: The treated unit(s) and a donor pool (weights over donors).
DONORS = "panel with donors"
#: A panel of treated cohorts and never-treated units.
PANEL = "panel of cohorts"

Checker = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Adapter:
    """One estimator as studies see it.

    Attributes
    ----------
    name : str
        Its TOML table: ``[study.estimators.<name>]``.
    label : str
        Plain-English name for reports.
    options : type
        Frozen dataclass of its options (defaults are the documented defaults).
    fields : mapping
        Option name -> checker ``(dotted_key, value) -> parsed value``; one per
        field of ``options``.
    run : callable
        ``run(ctx, opts, n_jobs=1, inference=True) -> Estimate`` on a
        :class:`~venecon.study.estimators.Context` (a module-level function, so
        the robustness grid can pickle it).
    data : str
        What it needs: :data:`SERIES`, :data:`DONORS` or :data:`PANEL`.
    refuses : mapping
        Design (:data:`SINGLE`, :data:`COHORT`, :data:`STAGGERED`) -> the reason
        it cannot run that design; designs not listed run.
    frequencies : tuple of str
        Frequencies it runs at.
    time_series : bool
        A model of the treated series alone: below monthly frequency it runs
        only if the model accepts the series
        (:func:`venecon.study.data.time_series_accepts`).
    robustness : tuple of str
        Robustness dimensions of the grid that apply when it is the headline
        (see :mod:`venecon.study.robustness`); empty: no grid.
    compare : {"always", "declared", "never"}
        In another headline's grid (``estimator`` dimension): always (with
        default options when not declared), only when declared, or never.
    plain : callable
        Options for the grid's refits (inference extras such as placebos off).
    headline : bool
        May be the default headline (the first declared in registration order).
    renamed : mapping
        Old option name -> its field: the old name still parses, with a
        ``FutureWarning`` that gives the new one.
    """

    name: str
    label: str
    options: type
    fields: Mapping[str, Checker]
    run: Callable[..., Any]
    data: str = SERIES
    refuses: Mapping[str, str] = field(default_factory=dict)
    frequencies: tuple[str, ...] = ("annual", "monthly")
    time_series: bool = False
    robustness: tuple[str, ...] = ("sample_start", "outcome", "timing", "estimator", "price")
    compare: str = "declared"
    plain: Callable[[Any], Any] = field(default=lambda opts: opts)
    #: May be the default headline (else only when the study names it).
    headline: bool = True
    renamed: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        declared = {f.name for f in dataclasses.fields(self.options)}
        if declared != set(self.fields):
            raise TypeError(f"adapter {self.name!r}: fields {sorted(self.fields)} do not match the "
                            f"options {sorted(declared)}")
        if set(self.renamed) & declared or not set(self.renamed.values()) <= declared:
            raise TypeError(f"adapter {self.name!r}: renamed {dict(self.renamed)} must map old "
                            f"names to fields of {sorted(declared)}")
        bad = sorted(set(self.refuses) - set(DESIGNS))
        if bad or self.compare not in ("always", "declared", "never"):
            raise TypeError(f"adapter {self.name!r}: unknown design {bad} or compare "
                            f"{self.compare!r}")

    def parse(self, key: str, value: Any) -> Any:
        """The options table at ``key`` as :attr:`options` (``None``: the defaults)."""
        if isinstance(value, self.options):
            return value
        if dataclasses.is_dataclass(value):
            value = dataclasses.asdict(value)
        raw = check_table(key, self._renamed(key, {} if value is None else value),
                          tuple(self.fields))
        return self.options(**{f: self.fields[f](f"{key}.{f}", v) for f, v in raw.items()})

    def _renamed(self, key: str, value: Any) -> Any:
        """``value`` with each old option name (:attr:`renamed`) replaced by its field's."""
        if not isinstance(value, Mapping) or not set(self.renamed) & set(value):
            return value
        out = dict(value)
        for old, new in self.renamed.items():
            if old not in out:
                continue
            if new in out:
                raise StudyError(f"{key}.{old}", f"{old!r} is the old name of {new!r}, and both "
                                 "are given", f"keep {key}.{new} only")
            from ...models.core.vocabulary import warn_renamed

            warn_renamed(f"{key}.{old}", f"{key}.{new}", stacklevel=3)
            out[new] = out.pop(old)
        return out

    def cannot(self, design: str, frequency: str) -> str | None:
        """Why it cannot run this design at this frequency, or None."""
        if design in self.refuses:
            return self.refuses[design]
        if frequency not in self.frequencies:
            return f"not applicable at this frequency ({frequency})"
        return None


# --------------------------------------------------------------------------- checkers


def boolean(key: str, value: Any) -> bool:
    """``true`` or ``false``."""
    return check_bool(key, value)


def choice(*choices: str) -> Checker:
    """One of ``choices``."""
    return lambda key, value: check_choice(key, value, choices)


def integer(lo: int, hi: int) -> Checker:
    """An integer in ``[lo, hi]``."""
    return lambda key, value: check_int(key, value, lo, hi)


def number(lo: float, hi: float) -> Checker:
    """A number in ``(lo, hi)``."""
    return lambda key, value: check_float(key, value, lo, hi)


def optional_number(lo: float, hi: float) -> Checker:
    """A number in ``(lo, hi)``; TOML has no null, so only numbers are written."""
    return number(lo, hi)


def a_period(key: str, value: Any) -> Any:
    """A year or a month/date."""
    return period(key, value)


def a_window(key: str, value: Any) -> tuple[Any, Any]:
    """``[start, end]``."""
    return check_pair(key, value)


def windows(key: str, value: Any) -> tuple[tuple[Any, Any], ...]:
    """A non-empty list of windows."""
    if not isinstance(value, list) or not value:
        raise StudyError(key, f"{value!r} is not a list of windows", "e.g. [[1990, 1999]]")
    return tuple(check_pair(f"{key}[{i}]", w) for i, w in enumerate(value))


def periods(key: str, value: Any) -> tuple[Any, ...]:
    """A list of periods."""
    if not isinstance(value, list):
        raise StudyError(key, f"{value!r} is not a list of periods", "e.g. [2014, 2016]")
    return tuple(period(f"{key}[{i}]", y) for i, y in enumerate(value))


def event_window(key: str, value: Any) -> tuple[int, int]:
    """Event times ``[first, last]`` around the treatment, first < 0 <= last."""
    ok = (isinstance(value, list) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    if not ok or not value[0] < 0 <= value[1] or value[1] - value[0] > 100:
        raise StudyError(key, f"{value!r} is not an event window",
                         "two integers [first, last] with first < 0 <= last, e.g. [-5, 10]")
    return int(value[0]), int(value[1])
