"""The parts of a study declaration and the TOML schema that builds them.

Every table of a study file maps to one frozen dataclass below; unknown keys
and values of the wrong type raise :class:`StudyError` naming the dotted TOML
key (``study.window.pre``) and what is allowed. Checks that need the data
(is the treated unit in the panel, does the window hold a pre-period) live in
:mod:`venecon.study.data`; they too run before any model is fitted.

Schema (everything under one ``[study]`` table; * = required)::

    name*            slug, e.g. "iran-2012"
    title            text (default: name)
    treated*         unit code (ISO3 for bundled data)
    treatment*       year (2012), month/date ("2017-08-24") or event id ("pdvsa-sdn")
    treatment_label  label of the treatment in models (default: the event id)
    other_events     {label = date or event id}: further breaks modelled by ITS/ARIMA/LP
    frequency        "annual" | "monthly" (inferred from the data; checked if given)
    alpha            interval level (default 0.05)
    headline         estimator whose estimate is the headline (default: first of
                     synthetic_control, its, arima, local_projections declared)
    literature       ids of venecon.literature to compare with
    [study.outcome]* dataset + series (+ source) | file (CSV: unit, time, value) + units
    [study.outcome.deflate]  benchmark, discount_usd, observed_merey, note: a trade value
                     (USD million a month) as approximate kb/d (venecon.study.deflate)
    [study.level]    acts_on, note, descriptive = [{dataset, series, note}]: the level the
                     treatment acts on, and series reported only as description
    [study.window]*  pre = [start, end]*, post = [start, end | "end"]*,
                     sample_end (period or "end"), subwindows = {name = [start, end]},
                     partial_period = "exclude" | "treated" | "untreated" (annual data,
                     treatment dated inside a year; see WindowSpec)
    [study.donors]   include, exclude, reasons = {code = "why"}, exclude_sanctioned,
                     exclude_conflict, exclude_quota_bound
    [study.estimators.<name>]*  synthetic_control | augmented_synthetic_control | its |
                     arima | local_projections |
                     structural_breaks, each with the fields of its options class below
    [study.robustness]  enabled, sample_starts, leave_one_out, excluded_donors,
                     predictor_sets, outcomes = [{series, source}], estimators
    [study.revenue]  benchmark, export_share, export_share_note, discount_usd,
                     discount_observed
    [study.compute]  scheduler = "serial" | "loky" | "dask", address (a Dask scheduler,
                     "tcp://host:8786"), n_jobs: where placebos and the grid run
                     (venecon.parallel.Compute; never changes a result)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._text import sentence
from ..exceptions import VeneconError

__all__ = [
    "StudyError",
    "check_name",
    "OutcomeSpec",
    "Treatment",
    "WindowSpec",
    "DonorRules",
    "SyntheticControlOptions",
    "ITSOptions",
    "ARIMAOptions",
    "LocalProjectionsOptions",
    "StructuralBreaksOptions",
    "RobustnessSpec",
    "RevenueSpec",
    "LevelSpec",
    "Deflator",
    "ESTIMATORS",
    "parse_study",
    "parse_treatment",
]


class StudyError(VeneconError, ValueError):
    """A study declaration is invalid or cannot be estimated on its data.

    ``key`` is the dotted TOML key at fault (``"study.window.pre"``) and
    ``fix`` says how to repair it; both appear in the message.
    """

    def __init__(self, key: str, problem: str, fix: str) -> None:
        super().__init__(f"study key '{key}': {sentence(problem)} Fix: {fix}")
        self.key = key
        self.fix = fix


_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")


# --------------------------------------------------------------------------- value checks


def _table(key: str, value: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise StudyError(key, f"{value!r} is not a table", f"write a [{key}] table")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise StudyError(f"{key}.{unknown[0]}", "unknown key", f"use one of {', '.join(allowed)}")
    return dict(value)


def _str(key: str, value: Any) -> str:
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


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise StudyError(key, f"{value!r} is not a boolean", "write true or false")
    return value


def _int(key: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise StudyError(key, f"{value!r} is out of range", f"an integer from {lo} to {hi}")
    return int(value)


def _float(key: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo < value < hi:
        raise StudyError(key, f"{value!r} is out of range", f"a number in ({lo}, {hi})")
    return float(value)


def period(key: str, value: Any) -> int | str:
    """A year (int) or a month/day string ``"YYYY-MM[-DD]"``."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
        return value
    if isinstance(value, str) and _MONTH.match(value):
        try:  # the pattern admits "2015-02-30"; the calendar does not
            datetime.date.fromisoformat(value if len(value) == 10 else value + "-01")
        except ValueError:
            raise StudyError(key, f"{value!r} is not a calendar date",
                             "a date that exists, e.g. 2015-02-28") from None
        return value
    raise StudyError(
        key, f"{value!r} is not a period", 'a year (2012) or a month/date ("2017-09", "2017-08-24")'
    )


def _pair(key: str, value: Any, allow_end: bool = False) -> tuple[Any, Any]:
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


def _codes(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise StudyError(key, f"{value!r} is not a list of unit codes", 'e.g. ["IRQ", "LBY"]')
    return tuple(value)


def _event_table(key: str, value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise StudyError(
            key,
            f"{value!r} is not a table",
            'label = date or event id, e.g. {pdvsa = "2019-01-28"}',
        )
    return tuple((str(k), _str(f"{key}.{k}", v)) for k, v in value.items())


# --------------------------------------------------------------------------- parts


@dataclass(frozen=True)
class OutcomeSpec:
    """What is measured: a bundled dataset's series, or a user panel.

    ``dataset``/``series``/``source`` select a bundled table (``source`` None:
    the documented default, see :func:`venecon.study.data.choose_source`);
    ``file`` (a CSV path) or ``frame`` (a DataFrame) give a user panel with
    ``unit``, ``time`` and ``value`` columns; ``units`` is the unit of measure.
    """

    dataset: str | None = None
    series: str | None = None
    source: str | None = None
    file: str | None = None
    frame: Any = field(default=None, compare=False, repr=False)
    units: str | None = None
    flag_column: str = "flag"
    deflate: Any = None

    @property
    def label(self) -> str:
        if self.dataset:
            label = f"{self.dataset}:{self.series}" + (f" ({self.source})" if self.source else "")
            return label + (" deflated to kb/d" if self.deflate is not None else "")
        return self.file or "user DataFrame"


#: Source of the benchmark prices in ``prices_monthly`` used by :class:`Deflator` (EIA spot).
BENCHMARK_SOURCE = "eia_spot"


@dataclass(frozen=True)
class Deflator:
    """How a trade value becomes approximate kb/d.

    ``benchmark`` is a ``prices_monthly`` series (``brent`` or ``wti``, EIA spot);
    ``discount_usd`` is subtracted from it where Merey is not observed;
    ``observed_merey`` uses Merey 16 where a monthly figure exists; ``note``
    says where the discount comes from.
    """

    benchmark: str = "brent"
    discount_usd: float = 0.0
    observed_merey: bool = True
    note: str = ""

    def describe(self) -> str:
        merey = (
            "Merey 16 where a monthly price is observed (OPEC ASB to 2017-12; OPEC MOMR as "
            "reported by the press, reported_monthly), else "
            if self.observed_merey
            else ""
        )
        return (
            f"USD value / ({merey}{self.benchmark} ({BENCHMARK_SOURCE}) less "
            f"{self.discount_usd:g} USD/bbl) / days in the month x 1000 = kb/d"
            + (f"; discount: {self.note}" if self.note else "")
        )


@dataclass(frozen=True)
class LevelSpec:
    """The level a treatment acts on, and outcomes that cannot identify it.

    ``acts_on`` names what the treatment changes (e.g. a company's liftings and
    exports); ``note`` says why the study's outcome measures it;
    ``descriptive`` lists ``(dataset, series, note)`` outcomes that are shown
    only as description, each with the reason it cannot identify the
    treatment (e.g. national output for a company licence). A verdict reads
    these: an estimate on a descriptive outcome is "not identified".
    """

    acts_on: str
    note: str = ""
    descriptive: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Treatment:
    """The treatment as declared (year, date or event id) and an optional label."""

    value: int | str
    label: str | None = None
    event_id: str | None = None


#: Conventions for a treatment dated inside a year of annual data (``partial_period``).
PARTIAL_PERIOD = ("exclude", "treated", "untreated")


@dataclass(frozen=True)
class WindowSpec:
    """Pre- and post-treatment windows (inclusive), an optional estimation ``sample``
    end beyond the post window, and named ``subwindows`` of the post window.

    ``partial_period`` says what an annual design does with the year that holds a
    treatment dated after 1 January (``treatment = "2017-08-25"``): ``"exclude"``
    (default) treats the next year as the first treated year and leaves the partial
    year out of both windows; ``"treated"`` counts it as treated (post window);
    ``"untreated"`` as untreated (pre window). The two conventions not chosen run
    as robustness variants. A treatment given as a year, or on 1 January, has no
    partial year.
    """

    pre: tuple[Any, Any]
    post: tuple[Any, Any]
    sample_end: Any = None
    subwindows: tuple[tuple[str, tuple[Any, Any]], ...] = ()
    partial_period: str = "exclude"


@dataclass(frozen=True)
class DonorRules:
    """Who may serve as a donor.

    ``include`` (explicit pool; default every unit with complete data),
    ``exclude`` (codes, with reasons in ``reasons``), ``exclude_sanctioned``
    (units with a recorded oil sanction overlapping the study's years,
    ``venecon.load("oil_sanction_episodes")``), ``exclude_conflict`` (units
    with an armed conflict on their soil in the pre or post window,
    ``venecon.load("conflicts")``; interstate-only years, where UCDP names
    governments rather than battlefields, flag a donor instead),
    ``exclude_quota_bound`` (units bound by an OPEC/OPEC+ quota in a post-window
    year in which the treated unit is not, ``venecon.load("opec_quotas")``; the
    years the table does not cover cannot exclude anyone). Aggregates
    (:data:`AGGREGATES`) are never donors. Every exclusion carries its reason;
    donors kept despite a known contamination are flagged with theirs.
    """

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()
    exclude_sanctioned: bool = False
    exclude_conflict: bool = False
    exclude_quota_bound: bool = False


#: Codes that are totals or groups, never donors (World Bank/ISO conventions).
AGGREGATES = frozenset({"WLD", "SUN", "OPEC", "OECD", "EU", "EUU", "NONOPEC", "ROW"})


@dataclass(frozen=True)
class SyntheticControlOptions:
    """Options of the synthetic control (:class:`venecon.models.SyntheticControl`).

    ``predictor_windows``: pre-period windows whose mean outcome is a predictor;
    ``predictor_years``: single pre-periods used as predictors. Default: the
    pre-period in three equal parts plus its last period.
    """

    v: str = "nested"
    placebo: bool = True
    leave_one_out: bool = False
    conformal: bool = False
    predictor_windows: tuple[tuple[Any, Any], ...] | None = None
    predictor_years: tuple[Any, ...] | None = None
    fit_window: tuple[Any, Any] | None = None
    seed: int = 0


@dataclass(frozen=True)
class AugmentedSynthControlOptions:
    """Options of the ridge augmented synthetic control
    (:class:`venecon.models.synth.ascm.AugmentedSynthControl`): ``progfunc`` "ridge" or "none",
    a fixed ridge penalty ``lam`` (default: augsynth's cross-validation, ``min_1se`` rule)
    and per-period ``conformal`` intervals."""

    progfunc: str = "ridge"
    lam: float | None = None
    min_1se: bool = True
    conformal: bool = True


@dataclass(frozen=True)
class ITSOptions:
    """Options of the interrupted time series (:class:`venecon.models.ITS`).

    ``inference``: ``"fixed-b"`` (default; :class:`venecon.models.FixedB`, Kiefer-Vogelsang
    critical values, which keep their 95% coverage in short autocorrelated samples: 93.7% for
    the level change at n = 120 with AR(1) errors of 0.5, against 84.4% for Newey-West) or
    ``"newey-west"`` (:class:`venecon.models.NeweyWest`, normal critical values).
    """

    slope_change: bool = True
    seasonal: bool = False
    log: bool = False
    end: Any = None
    inference: str = "fixed-b"


@dataclass(frozen=True)
class ARIMAOptions:
    """Options of the intervention ARIMA (:class:`venecon.models.InterventionARIMA`)."""

    seed: int = 0
    end: Any = None
    max_p: int = 2
    max_q: int = 2
    d: int = 1


@dataclass(frozen=True)
class LocalProjectionsOptions:
    """Options of the local projections (:class:`venecon.models.LocalProjections`)."""

    horizons: int = 6
    lags: int = 2
    end: Any = None


@dataclass(frozen=True)
class StructuralBreaksOptions:
    """Options of the break dating (:class:`venecon.models.StructuralBreaks`).

    ``hac``: break-date intervals and regime standard errors with the
    prewhitened quadratic-spectral HAC (:class:`venecon.models.timeseries.hac.QuadraticSpectral`),
    for autocorrelated monthly output; ``trim`` a fraction of the sample or a
    number of periods. It is never the headline unless the study names it.
    """

    model: str = "level"
    max_breaks: int = 5
    trim: float | int = 0.15
    select: str | int = "bic"
    hac: bool = True
    n_sim: int = 999
    seed: int = 20260401
    end: Any = None


ESTIMATORS: dict[str, type] = {
    "synthetic_control": SyntheticControlOptions,
    "augmented_synthetic_control": AugmentedSynthControlOptions,
    "its": ITSOptions,
    "arima": ARIMAOptions,
    "local_projections": LocalProjectionsOptions,
    "structural_breaks": StructuralBreaksOptions,
}

#: Estimators that need monthly data (the time-series models are monthly-only in venecon).
MONTHLY_ONLY = ("its", "arima", "local_projections")


@dataclass(frozen=True)
class RobustnessSpec:
    """The robustness grid.

    ``sample_starts``: alternative first pre-periods (default: the pre start
    moved by a sixth and a third of the pre-period); ``leave_one_out``: refit
    without each donor of positive weight; ``excluded_donors``: refit with the
    excluded (non-aggregate) groups put back; ``predictor_sets``: also fit with
    every pre-period outcome as a predictor; ``outcomes``: alternative
    outcome concepts (tables with ``series`` and ``source``); ``estimators``:
    every other applicable estimator is a specification.
    """

    enabled: bool = True
    sample_starts: tuple[Any, ...] | None = None
    leave_one_out: bool = True
    excluded_donors: bool = True
    predictor_sets: bool = True
    outcomes: tuple[tuple[str, str | None], ...] = ()
    estimators: bool = True


@dataclass(frozen=True)
class RevenueSpec:
    """Revenue assumptions (passed to :mod:`venecon.revenue` by the report)."""

    benchmark: str = "brent"
    export_share: float = 1.0
    export_share_note: str | None = None
    discount_usd: float = 0.0
    discount_observed: str | None = None


# --------------------------------------------------------------------------- parser


_STUDY_KEYS = (
    "name",
    "title",
    "treated",
    "treatment",
    "treatment_label",
    "other_events",
    "alpha",
    "headline",
    "outcome",
    "window",
    "donors",
    "estimators",
    "robustness",
    "revenue",
    "literature",
    "frequency",
    "description",
    "level",
    "compute",
)


def parse_estimators(key: str, value: Any) -> dict[str, Any]:
    table = _table(key, value, tuple(ESTIMATORS))
    if not table:
        raise StudyError(key, "names no estimator", f"add one of {', '.join(ESTIMATORS)}")
    out: dict[str, Any] = {}
    for name, opts in table.items():
        cls = ESTIMATORS[name]
        k = f"{key}.{name}"
        fields = cls.__dataclass_fields__
        raw = _table(k, opts if opts is not None else {}, tuple(fields))
        kw: dict[str, Any] = {}
        for f, v in raw.items():
            fk = f"{k}.{f}"
            if name == "structural_breaks" and f in ("model", "max_breaks", "trim", "select",
                                                     "hac", "n_sim"):
                kw[f] = _breaks_option(fk, f, v)
            elif f == "v":
                kw[f] = _choice(fk, v, ("nested", "regression", "equal"))
            elif f == "inference":
                kw[f] = _choice(fk, v, ("fixed-b", "newey-west"))
            elif f == "progfunc":
                kw[f] = _choice(fk, v, ("ridge", "none"))
            elif f == "lam":
                kw[f] = _float(fk, v, 1e-12, 1e12)
            elif f in ("placebo", "leave_one_out", "conformal", "slope_change", "seasonal", "log",
                       "min_1se"):
                kw[f] = _bool(fk, v)
            elif f == "seed":
                kw[f] = _int(fk, v, 0, 2**32 - 1)
            elif f in ("max_p", "max_q", "lags"):
                kw[f] = _int(fk, v, 0, 12)
            elif f == "d":
                kw[f] = _int(fk, v, 0, 2)
            elif f == "horizons":
                kw[f] = _int(fk, v, 1, 48)
            elif f == "end":
                kw[f] = period(fk, v)
            elif f == "fit_window":
                kw[f] = _pair(fk, v)
            elif f == "predictor_windows":
                if not isinstance(v, list) or not v:
                    raise StudyError(fk, f"{v!r} is not a list of windows", "e.g. [[1990, 1999]]")
                kw[f] = tuple(_pair(f"{fk}[{i}]", w) for i, w in enumerate(v))
            elif f == "predictor_years":
                if not isinstance(v, list):
                    raise StudyError(fk, f"{v!r} is not a list of periods", "e.g. [2014, 2016]")
                kw[f] = tuple(period(f"{fk}[{i}]", y) for i, y in enumerate(v))
        out[name] = cls(**kw)
    return out


def _breaks_option(key: str, f: str, v: Any) -> Any:
    if f == "model":
        return _choice(key, v, ("level", "trend"))
    if f == "max_breaks":
        return _int(key, v, 1, 10)
    if f == "n_sim":
        return _int(key, v, 0, 99_999)
    if f == "hac":
        return _bool(key, v)
    if f == "trim":
        return _int(key, v, 2, 10_000) if isinstance(v, int) else _float(key, v, 0.0, 0.5)
    return v if v in ("bic", "lwz", "sequential") else _int(key, v, 0, 10)


def _choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise StudyError(key, f"{value!r} is not allowed", f"one of {', '.join(choices)}")
    return value


def parse_outcome(key: str, value: Any) -> OutcomeSpec:
    t = _table(
        key, value,
        ("dataset", "series", "source", "file", "frame", "units", "flag_column", "deflate"),
    )
    if ("dataset" in t) == ("file" in t or "frame" in t):
        raise StudyError(
            key,
            "needs exactly one of 'dataset' (bundled data) and 'file' (your CSV)",
            'dataset = "production_annual" with series = "...", or file = "panel.csv" '
            'with units = "..."',
        )
    if "dataset" in t:
        if "series" not in t:
            raise StudyError(f"{key}.series", "missing", "name the series of the dataset")
        return OutcomeSpec(
            dataset=_str(f"{key}.dataset", t["dataset"]),
            series=_str(f"{key}.series", t["series"]),
            source=None if t.get("source") is None else _str(f"{key}.source", t["source"]),
            units=t.get("units"),
            deflate=None if "deflate" not in t else parse_deflate(f"{key}.deflate", t["deflate"]),
        )
    if "units" not in t:
        raise StudyError(f"{key}.units", "missing for a user panel", 'give the unit, e.g. "kb/d"')
    return OutcomeSpec(
        file=None if "file" not in t else _str(f"{key}.file", t["file"]),
        frame=t.get("frame"),
        units=_str(f"{key}.units", t["units"]),
        flag_column=_flag_column(f"{key}.flag_column", t.get("flag_column", "flag")),
    )


def parse_deflate(key: str, value: Any) -> Deflator:
    """``[study.outcome.deflate]`` as a :class:`Deflator` (applied in venecon.study.deflate)."""
    t = _table(key, value, ("benchmark", "discount_usd", "observed_merey", "note"))
    return Deflator(
        benchmark=_choice(f"{key}.benchmark", t.get("benchmark", "brent"), ("brent", "wti")),
        discount_usd=_float(f"{key}.discount_usd", t.get("discount_usd", 0.0), -1e-9, 100.0),
        observed_merey=_bool(f"{key}.observed_merey", t.get("observed_merey", True)),
        note=_str(f"{key}.note", t["note"]) if "note" in t else "",
    )


def parse_level(key: str, value: Any) -> LevelSpec:
    t = _table(key, value, ("acts_on", "note", "descriptive"))
    if "acts_on" not in t:
        raise StudyError(f"{key}.acts_on", "missing", "say what the treatment acts on")
    raw = t.get("descriptive", [])
    if not isinstance(raw, list):
        raise StudyError(
            f"{key}.descriptive", f"{raw!r} is not a list",
            'e.g. [{dataset = "production_monthly", series = "crude_oil", note = "why"}]',
        )
    items = []
    for i, x in enumerate(raw):
        k = f"{key}.descriptive[{i}]"
        xt = _table(k, x, ("dataset", "series", "note"))
        for need in ("dataset", "series", "note"):
            if need not in xt:
                raise StudyError(f"{k}.{need}", "missing", f"give {need}")
        items.append(tuple(_str(f"{k}.{f}", xt[f]) for f in ("dataset", "series", "note")))
    return LevelSpec(
        acts_on=_str(f"{key}.acts_on", t["acts_on"]),
        note=_str(f"{key}.note", t["note"]) if "note" in t else "",
        descriptive=tuple(items),
    )


def _flag_column(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or value in ("unit", "time", "value"):
        raise StudyError(key, f"{value!r} is not the name of a flag column",
                         'one column name other than unit, time and value, e.g. "flag"')
    return value


def parse_window(key: str, value: Any) -> WindowSpec:
    t = _table(key, value, ("pre", "post", "sample_end", "subwindows", "partial_period"))
    for need in ("pre", "post"):
        if need not in t:
            raise StudyError(f"{key}.{need}", "missing", f"give {need} = [start, end]")
    pre, post = _pair(f"{key}.pre", t["pre"]), _pair(f"{key}.post", t["post"], allow_end=True)
    if type(pre[0]) is not type(post[0]):
        raise StudyError(f"{key}.post", "mixes years and months with pre", "use one kind")
    if (str(pre[1]) >= str(post[0])) if isinstance(pre[0], str) else pre[1] >= post[0]:
        raise StudyError(
            f"{key}.pre",
            f"ends at {pre[1]}, not before the post window {post[0]}",
            "end the pre window before the post window starts",
        )
    subs: list[tuple[str, tuple[Any, Any]]] = []
    raw = t.get("subwindows", {})
    if not isinstance(raw, Mapping):
        raise StudyError(f"{key}.subwindows", "is not a table", 'e.g. {"2017_2018" = [2017, 2018]}')
    for name, w in raw.items():
        subs.append((str(name), _pair(f"{key}.subwindows.{name}", w)))
    end = t.get("sample_end")
    if end is not None and end != "end":
        end = period(f"{key}.sample_end", end)
    partial = _choice(f"{key}.partial_period", t.get("partial_period", "exclude"), PARTIAL_PERIOD)
    return WindowSpec(pre=pre, post=post, sample_end=end, subwindows=tuple(subs),
                      partial_period=partial)


def parse_donors(key: str, value: Any) -> DonorRules:
    flags = ("exclude_sanctioned", "exclude_conflict", "exclude_quota_bound")
    t = _table(key, value, ("include", "exclude", "reasons", *flags))
    reasons = t.get("reasons", {})
    if not isinstance(reasons, Mapping):
        raise StudyError(f"{key}.reasons", "is not a table", 'code = "reason", e.g. {LBY = "war"}')
    return DonorRules(
        include=None if "include" not in t else _codes(f"{key}.include", t["include"]),
        exclude=_codes(f"{key}.exclude", t.get("exclude", [])),
        reasons=tuple((str(k), _str(f"{key}.reasons.{k}", v)) for k, v in reasons.items()),
        **{f: _bool(f"{key}.{f}", t.get(f, False)) for f in flags},
    )


def parse_robustness(key: str, value: Any) -> RobustnessSpec:
    fields = tuple(RobustnessSpec.__dataclass_fields__)
    t = _table(key, value, fields)
    kw: dict[str, Any] = {}
    for f, v in t.items():
        fk = f"{key}.{f}"
        if f == "sample_starts":
            if not isinstance(v, list):
                raise StudyError(fk, f"{v!r} is not a list", "e.g. [1995, 2000]")
            kw[f] = tuple(period(f"{fk}[{i}]", x) for i, x in enumerate(v))
        elif f == "outcomes":
            if not isinstance(v, list):
                raise StudyError(fk, f"{v!r} is not a list", 'e.g. [{series = "crude_oil"}]')
            items = []
            for i, x in enumerate(v):
                xt = _table(f"{fk}[{i}]", x, ("series", "source"))
                if "series" not in xt:
                    raise StudyError(f"{fk}[{i}].series", "missing", "name the series")
                items.append((_str(f"{fk}[{i}].series", xt["series"]), xt.get("source")))
            kw[f] = tuple(items)
        else:
            kw[f] = _bool(fk, v)
    return RobustnessSpec(**kw)


def parse_revenue(key: str, value: Any) -> RevenueSpec:
    t = _table(key, value, tuple(RevenueSpec.__dataclass_fields__))
    kw: dict[str, Any] = {}
    for f, v in t.items():
        fk = f"{key}.{f}"
        if f == "export_share":
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
                raise StudyError(fk, f"{v!r} is out of range", "a number in (0, 1]")
            kw[f] = float(v)
        elif f == "discount_usd":
            kw[f] = _float(fk, v, -1e-9, 100.0)
        else:
            kw[f] = _str(fk, v)
    return RevenueSpec(**kw)


def parse_treatment(value: Any, label: str | None = None) -> Treatment:
    """A year, a month/date, or an event id of the registry (checked against the data later)."""
    if isinstance(value, str) and not _MONTH.match(value):
        return Treatment(value=value, label=label or value, event_id=value)
    return Treatment(value=period("study.treatment", value), label=label)


def parse_study(d: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the ``[study]`` table of a TOML file (or its dict) into constructor keywords.

    Raises
    ------
    StudyError
        Unknown keys, missing keys or values of the wrong type; the message
        names the dotted key.
    """
    if not isinstance(d, Mapping) or set(d) != {"study"}:
        extra = sorted(set(d) - {"study"}) if isinstance(d, Mapping) else []
        key = extra[0] if extra else "study"
        raise StudyError(key, "a study file holds one [study] table", "put every key under [study]")
    t = _table("study", d["study"], _STUDY_KEYS)
    for need in ("name", "treated", "treatment", "outcome", "window", "estimators"):
        if need not in t:
            raise StudyError(f"study.{need}", "missing", f"add study.{need}")
    name = check_name("study.name", t["name"])
    treatment = parse_treatment(t["treatment"], t.get("treatment_label"))
    lit = t.get("literature", [])
    if not isinstance(lit, list) or not all(isinstance(x, str) for x in lit):
        raise StudyError(
            "study.literature", f"{lit!r} is not a list of ids", 'e.g. ["rodriguez2019"]'
        )
    freq = t.get("frequency")
    if freq is not None:
        freq = _choice("study.frequency", freq, ("annual", "monthly"))
    return {
        "name": name,
        "title": _str("study.title", t.get("title", name)),
        "description": t.get("description", ""),
        "treated": _str("study.treated", t["treated"]),
        "treatment": treatment,
        "other_events": _event_table("study.other_events", t.get("other_events", {})),
        "alpha": _float("study.alpha", t.get("alpha", 0.05), 0.0, 0.5),
        "outcome": parse_outcome("study.outcome", t["outcome"]),
        "window": parse_window("study.window", t["window"]),
        "donors": parse_donors("study.donors", t.get("donors", {})),
        "estimators": parse_estimators("study.estimators", t["estimators"]),
        "headline": None
        if t.get("headline") is None
        else _choice("study.headline", t["headline"], tuple(ESTIMATORS)),
        "robustness": parse_robustness("study.robustness", t.get("robustness", {})),
        "revenue": None if "revenue" not in t else parse_revenue("study.revenue", t["revenue"]),
        "literature": tuple(lit),
        "frequency": freq,
        "level": None if "level" not in t else parse_level("study.level", t["level"]),
        "compute": None if "compute" not in t else parse_compute("study.compute", t["compute"]),
    }


def parse_compute(key: str, value: Any) -> Any:
    """``[study.compute]`` as a :class:`venecon.parallel.Compute`."""
    from ..exceptions import OptionError
    from ..parallel import Compute

    try:
        return Compute.from_mapping(value, key)
    except OptionError as exc:
        raise StudyError(key, str(exc), "see venecon.parallel.Compute") from None
