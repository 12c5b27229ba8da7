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
    [study.window]*  pre = [start, end]*, post = [start, end | "end"]*,
                     sample_end (period or "end"), subwindows = {name = [start, end]}
    [study.donors]   include, exclude, reasons = {code = "why"}, exclude_sanctioned
    [study.estimators.<name>]*  synthetic_control | its | arima | local_projections,
                     each with the fields of its options class below
    [study.robustness]  enabled, sample_starts, leave_one_out, excluded_donors,
                     predictor_sets, outcomes = [{series, source}], estimators
    [study.revenue]  benchmark, export_share, export_share_note, discount_usd,
                     discount_observed
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._text import sentence
from ..exceptions import VeneconError

__all__ = [
    "StudyError",
    "OutcomeSpec",
    "Treatment",
    "WindowSpec",
    "DonorRules",
    "SyntheticControlOptions",
    "ITSOptions",
    "ARIMAOptions",
    "LocalProjectionsOptions",
    "RobustnessSpec",
    "RevenueSpec",
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

    @property
    def label(self) -> str:
        if self.dataset:
            return f"{self.dataset}:{self.series}" + (f" ({self.source})" if self.source else "")
        return self.file or "user DataFrame"


@dataclass(frozen=True)
class Treatment:
    """The treatment as declared (year, date or event id) and an optional label."""

    value: int | str
    label: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class WindowSpec:
    """Pre- and post-treatment windows (inclusive), an optional estimation ``sample``
    end beyond the post window, and named ``subwindows`` of the post window."""

    pre: tuple[Any, Any]
    post: tuple[Any, Any]
    sample_end: Any = None
    subwindows: tuple[tuple[str, tuple[Any, Any]], ...] = ()


@dataclass(frozen=True)
class DonorRules:
    """Who may serve as a donor.

    ``include`` (explicit pool; default every unit with complete data),
    ``exclude`` (codes, with reasons in ``reasons``), ``exclude_sanctioned``
    (units with a recorded oil sanction overlapping the study's years,
    ``venecon.load("oil_sanction_episodes")``). Aggregates (:data:`AGGREGATES`)
    are never donors.
    """

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()
    exclude_sanctioned: bool = False


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


ESTIMATORS: dict[str, type] = {
    "synthetic_control": SyntheticControlOptions,
    "its": ITSOptions,
    "arima": ARIMAOptions,
    "local_projections": LocalProjectionsOptions,
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
            if f == "v":
                kw[f] = _choice(fk, v, ("nested", "regression", "equal"))
            elif f == "inference":
                kw[f] = _choice(fk, v, ("fixed-b", "newey-west"))
            elif f in ("placebo", "leave_one_out", "conformal", "slope_change", "seasonal", "log"):
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


def _choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise StudyError(key, f"{value!r} is not allowed", f"one of {', '.join(choices)}")
    return value


def parse_outcome(key: str, value: Any) -> OutcomeSpec:
    t = _table(key, value, ("dataset", "series", "source", "file", "frame", "units", "flag_column"))
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
        )
    if "units" not in t:
        raise StudyError(f"{key}.units", "missing for a user panel", 'give the unit, e.g. "kb/d"')
    return OutcomeSpec(
        file=None if "file" not in t else _str(f"{key}.file", t["file"]),
        frame=t.get("frame"),
        units=_str(f"{key}.units", t["units"]),
        flag_column=t.get("flag_column", "flag"),
    )


def parse_window(key: str, value: Any) -> WindowSpec:
    t = _table(key, value, ("pre", "post", "sample_end", "subwindows"))
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
    return WindowSpec(pre=pre, post=post, sample_end=end, subwindows=tuple(subs))


def parse_donors(key: str, value: Any) -> DonorRules:
    t = _table(key, value, ("include", "exclude", "exclude_sanctioned", "reasons"))
    reasons = t.get("reasons", {})
    if not isinstance(reasons, Mapping):
        raise StudyError(f"{key}.reasons", "is not a table", 'code = "reason", e.g. {LBY = "war"}')
    return DonorRules(
        include=None if "include" not in t else _codes(f"{key}.include", t["include"]),
        exclude=_codes(f"{key}.exclude", t.get("exclude", [])),
        reasons=tuple((str(k), _str(f"{key}.reasons.{k}", v)) for k, v in reasons.items()),
        exclude_sanctioned=_bool(f"{key}.exclude_sanctioned", t.get("exclude_sanctioned", False)),
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
    name = _str("study.name", t["name"])
    if not _SLUG.match(name):
        raise StudyError(
            "study.name", f"{name!r} is not a slug", 'lower-case words and "-", e.g. "iran-2012"'
        )
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
    }
