"""The parts of a study declaration and the TOML schema that builds them.

Every table of a study file maps to one frozen dataclass below; unknown keys
and values of the wrong type raise :class:`StudyError` naming the dotted TOML
key (``study.window.pre``) and what is allowed. Checks that need the data
(is the treated unit in the panel, does the window hold a pre-period) live in
:mod:`venecon.study.data`; they too run before any model is fitted.

Schema (everything under one ``[study]`` table; * = required)::

    name*            slug, e.g. "iran-2012"
    title            text (default: name)
    treated*         unit code (ISO3 for bundled data), or a list of codes
    treatment*       year (2012), month/date ("2017-08-24") or event id ("pdvsa-sdn");
                     one date per unit ({IRN = "2012-07", VEN = "2017-08"}); or cohorts
                     from the registry ({from_episodes = true, countries, oil_measure,
                     types, years}: EpisodeCohorts); ``treated`` is optional then
    treatment_label  label of the treatment in models (default: the event id)
    other_events     {label = date or event id}: further breaks modelled by ITS/ARIMA/LP
    frequency        "annual" | "monthly" (inferred from the data; checked if given)
    alpha            interval level (default 0.05)
    headline         estimator whose estimate is the headline (default: the first
                     declared in the registry's order)
    literature       ids of venecon.literature to show, or [[study.literature]] tables
                     comparing a published figure with one of the study's numbers on the
                     same window and concept (venecon.study.literature)
    [study.outcome]* dataset + series (+ source) | file (CSV: unit, time, value) + units
    [study.outcome.deflate]  benchmark, discount_usd, observed_merey, note: a trade value
                     (USD million a month) as approximate kb/d (venecon.study.deflate)
    [study.level]    acts_on, note, descriptive = [{dataset, series, note}]: the level the
                     treatment acts on, and series reported only as description
    [study.window]*  pre = [start, end]*, post = [start, end | "end"]* (one treated
                     unit and date), or sample = [start, end | "end"]* (several units or
                     dates: each unit's pre window ends before its own treatment),
                     sample_end (period or "end"), subwindows = {name = [start, end]},
                     partial_period = "exclude" | "treated" | "untreated" (annual data,
                     treatment dated inside a year; see WindowSpec)
    [study.donors]   include, exclude, reasons = {code = "why"}, exclude_sanctioned,
                     exclude_conflict, exclude_quota_bound
    [study.estimators.<name>]*  a name of the estimator registry
                     (venecon.study.adapters.names(): synthetic_control, sdid, callaway_santanna,
                     sun_abraham, panel_did, panel_event_study, its, ...), each with the fields
                     of its adapter's options class
    [study.robustness]  enabled, sample_starts, leave_one_out, excluded_donors,
                     predictor_sets, outcomes = [{series, source}], estimators,
                     prices = [{label, benchmark, discount_usd, observed_merey}]: the
                     outcome deflated at other prices (needs [study.outcome.deflate])
    [study.revenue]  benchmark, export_share, export_share_note, discount_usd,
                     discount_observed
    [study.compute]  scheduler = "serial" | "loky" | "dask", address (a Dask scheduler,
                     "tcp://host:8786"), n_jobs: where placebos and the grid run
                     (venecon.parallel.Compute; never changes a result)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._lazy import moved
from ..data.codes import AGGREGATE_CODES
from .checks import MONTH as _MONTH
from .checks import StudyError, check_name, period
from .checks import check_bool as _bool
from .checks import check_choice as _choice
from .checks import check_codes as _codes
from .checks import check_float as _float
from .checks import check_pair as _pair
from .checks import check_str as _str
from .checks import check_table as _table

__all__ = [
    "StudyError",
    "check_name",
    "OutcomeSpec",
    "Treatment",
    "UnitDates",
    "EpisodeCohorts",
    "WindowSpec",
    "DonorRules",
    "RobustnessSpec",
    "RevenueSpec",
    "LevelSpec",
    "Deflator",
    "PriceVariant",
    "parse_study",
    "parse_treatment",
    "parse_treated",
]


# --------------------------------------------------------------------------- value checks


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
class PriceVariant:
    """The declared deflator with some of its choices changed: one ``price`` robustness row.

    ``benchmark``, ``discount_usd`` and ``observed_merey`` replace the fields of the
    study's :class:`Deflator` that they name (None: as declared); ``label`` names the
    row (default: the resulting price in words).
    """

    label: str | None = None
    benchmark: str | None = None
    discount_usd: float | None = None
    observed_merey: bool | None = None

    def resolve(self, declared: Deflator) -> tuple[str, Deflator]:
        """``(label, deflator)``: the declared deflator with this variant's changes."""
        d = Deflator(
            benchmark=declared.benchmark if self.benchmark is None else self.benchmark,
            discount_usd=declared.discount_usd if self.discount_usd is None
            else self.discount_usd,
            observed_merey=declared.observed_merey if self.observed_merey is None
            else self.observed_merey,
        )
        label = self.label or (
            f"{d.benchmark} less {d.discount_usd:g} USD/bbl"
            + ("" if d.observed_merey else ", no observed Merey")
        )
        return label, d


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


@dataclass(frozen=True)
class UnitDates:
    """One treatment date per treated unit: ``treatment = {IRN = "2012-07", VEN = 2017}``."""

    dates: tuple[tuple[str, int | str], ...]
    label: str | None = None


@dataclass(frozen=True)
class EpisodeCohorts:
    """Treated units and their dates from ``venecon.load("oil_sanction_episodes")``.

    Each country's first episode that passes the filters is its treatment (its
    ``start`` year): ``countries`` (default: every country; ``study.treated``,
    when given, must be among them), ``oil_measure`` (values of the column,
    default ``["yes"]``: measures that restrict the country's oil), ``types``
    (case-insensitive substrings of the ``type`` column, any of them) and
    ``years`` (``[first, last]`` start years).
    """

    countries: tuple[str, ...] | None = None
    oil_measure: tuple[str, ...] = ("yes",)
    types: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    label: str | None = None


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

    pre: tuple[Any, Any] | None = None
    post: tuple[Any, Any] | None = None
    sample_end: Any = None
    subwindows: tuple[tuple[str, tuple[Any, Any]], ...] = ()
    partial_period: str = "exclude"
    #: First and last period of a design with several treated units or dates (``sample``);
    #: each unit's pre window ends the period before its own first treated period.
    sample: tuple[Any, Any] | None = None


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


#: Codes that are totals or groups, never donors (:data:`venecon.data.codes.AGGREGATE_CODES`).
AGGREGATES = AGGREGATE_CODES


@dataclass(frozen=True)
class RobustnessSpec:
    """The robustness grid.

    ``sample_starts``: alternative first pre-periods (default: the pre start
    moved by a sixth and a third of the pre-period); ``leave_one_out``: refit
    without each donor of positive weight; ``excluded_donors``: refit with the
    excluded (non-aggregate) groups put back; ``predictor_sets``: also fit with
    every pre-period outcome as a predictor; ``outcomes``: alternative
    outcome concepts (tables with ``series`` and ``source``); ``estimators``:
    every other applicable estimator is a specification; ``prices``: the
    outcome deflated at other prices (:class:`PriceVariant`; only for an outcome
    with ``[study.outcome.deflate]``).
    """

    enabled: bool = True
    sample_starts: tuple[Any, ...] | None = None
    leave_one_out: bool = True
    excluded_donors: bool = True
    predictor_sets: bool = True
    outcomes: tuple[tuple[str, str | None], ...] = ()
    estimators: bool = True
    prices: tuple[PriceVariant, ...] = ()


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
    t = _table(key, value, ("pre", "post", "sample_end", "subwindows", "partial_period", "sample"))
    if "sample" in t:
        other = sorted(set(t) - {"sample", "partial_period"})
        if other:
            raise StudyError(f"{key}.{other[0]}", "is not used with sample = [start, end]",
                             "give either sample (several treated units or dates) or pre and post")
        rule = _choice(f"{key}.partial_period", t.get("partial_period", "exclude"), PARTIAL_PERIOD)
        return WindowSpec(sample=_pair(f"{key}.sample", t["sample"], allow_end=True),
                          partial_period=rule)
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
        elif f == "prices":
            kw[f] = parse_prices(fk, v)
        else:
            kw[f] = _bool(fk, v)
    return RobustnessSpec(**kw)


def parse_prices(key: str, value: Any) -> tuple[PriceVariant, ...]:
    """``[study.robustness] prices``: a list of tables, each changing the declared deflator."""
    if not isinstance(value, list) or not value:
        raise StudyError(key, f"{value!r} is not a non-empty list of tables",
                         'e.g. [{benchmark = "wti"}, {discount_usd = 0.0}]')
    out = []
    for i, x in enumerate(value):
        k = f"{key}[{i}]"
        t = _table(k, x, ("label", "benchmark", "discount_usd", "observed_merey"))
        if not set(t) - {"label"}:
            raise StudyError(k, "changes nothing of the declared price",
                             "give benchmark, discount_usd or observed_merey")
        out.append(PriceVariant(
            label=_str(f"{k}.label", t["label"]) if "label" in t else None,
            benchmark=_choice(f"{k}.benchmark", t["benchmark"], ("brent", "wti"))
            if "benchmark" in t else None,
            discount_usd=_float(f"{k}.discount_usd", t["discount_usd"], -1e-9, 100.0)
            if "discount_usd" in t else None,
            observed_merey=_bool(f"{k}.observed_merey", t["observed_merey"])
            if "observed_merey" in t else None,
        ))
    return tuple(out)


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


def parse_treated(key: str, value: Any) -> str | tuple[str, ...]:
    """One unit code, or a list of them (a list of one is that code)."""
    if isinstance(value, (list, tuple)):
        codes = _codes(key, list(value))
        if not codes:
            raise StudyError(key, "is an empty list", 'e.g. ["IRN", "VEN"]')
        if len(set(codes)) < len(codes):
            raise StudyError(key, f"{list(codes)!r} repeats a unit", "list each unit once")
        return codes[0] if len(codes) == 1 else codes
    return _str(key, value)


def _episodes(key: str, t: Mapping[str, Any], label: str | None) -> EpisodeCohorts:
    t = _table(key, t, ("from_episodes", "countries", "oil_measure", "types", "years"))
    if t["from_episodes"] is not True:
        raise StudyError(f"{key}.from_episodes", f"{t['from_episodes']!r} is not true",
                         "write from_episodes = true, or give one date per unit")
    years = None
    if "years" in t:
        a, b = _pair(f"{key}.years", t["years"])
        if not isinstance(a, int):
            raise StudyError(f"{key}.years", "are not years", "e.g. [1985, 2022]")
        years = (a, b)
    words = {}
    for f in ("oil_measure", "types"):
        if f in t:
            v = t[f]
            if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
                raise StudyError(f"{key}.{f}", f"{v!r} is not a list of strings",
                                 'e.g. ["yes"]' if f == "oil_measure" else '["embargo"]')
            words[f] = tuple(v)
    return EpisodeCohorts(
        countries=None if "countries" not in t else _codes(f"{key}.countries", t["countries"]),
        years=years, label=label, **words)


def parse_treatment(value: Any, label: str | None = None) -> Treatment | UnitDates | EpisodeCohorts:
    """A year, a month/date, an event id of the registry (checked against the data later),
    one date per unit (a table), or cohorts from the sanction episodes (``from_episodes``)."""
    key = "study.treatment"
    if isinstance(value, (Treatment, UnitDates, EpisodeCohorts)):
        return value
    if isinstance(value, Mapping):
        if "from_episodes" in value:
            return _episodes(key, value, label)
        if not value:
            raise StudyError(key, "is an empty table", '{IRN = "2012-07", VEN = "2017-08"}')
        return UnitDates(tuple((_str(key, str(u)), period(f"{key}.{u}", v))
                               for u, v in value.items()), label=label)
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
    for need in ("name", "treatment", "outcome", "window", "estimators"):
        if need not in t:
            raise StudyError(f"study.{need}", "missing", f"add study.{need}")
    name = check_name("study.name", t["name"])
    treatment = parse_treatment(t["treatment"], t.get("treatment_label"))
    if "treated" not in t and not isinstance(treatment, EpisodeCohorts):
        raise StudyError("study.treated", "missing", "add study.treated")
    estimators = t["estimators"]
    if not isinstance(estimators, Mapping) or not estimators:
        raise StudyError("study.estimators", f"{estimators!r} names no estimator",
                         "add a [study.estimators.<name>] table")
    freq = t.get("frequency")
    if freq is not None:
        freq = _choice("study.frequency", freq, ("annual", "monthly"))
    return {
        "name": name,
        "title": _str("study.title", t.get("title", name)),
        "description": t.get("description", ""),
        "treated": parse_treated("study.treated", t["treated"]) if "treated" in t
        else treatment.countries,
        "treatment": treatment,
        "other_events": _event_table("study.other_events", t.get("other_events", {})),
        "alpha": _float("study.alpha", t.get("alpha", 0.05), 0.0, 0.5),
        "outcome": parse_outcome("study.outcome", t["outcome"]),
        "window": parse_window("study.window", t["window"]),
        "donors": parse_donors("study.donors", t.get("donors", {})),
        # options are validated by each estimator's adapter (venecon.study.adapters)
        "estimators": dict(estimators),
        "headline": None if t.get("headline") is None else _str("study.headline", t["headline"]),
        "robustness": parse_robustness("study.robustness", t.get("robustness", {})),
        "revenue": None if "revenue" not in t else parse_revenue("study.revenue", t["revenue"]),
        # ids and [[study.literature]] tables, parsed by venecon.study.literature in Study
        "literature": t.get("literature", []),
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


# the estimators' option tables moved to their adapters (venecon.study.adapters) in 0.4.0
__getattr__ = moved(__name__, {
    "SyntheticControlOptions": "venecon.study.adapters.synthetic_control",
    "AugmentedSynthControlOptions": "venecon.study.adapters.augmented_synthetic_control",
    "ITSOptions": "venecon.study.adapters.its",
    "ARIMAOptions": "venecon.study.adapters.arima",
    "LocalProjectionsOptions": "venecon.study.adapters.local_projections",
    "StructuralBreaksOptions": "venecon.study.adapters.structural_breaks",
    "parse_estimators": "venecon.study.adapters.registry",
}, "0.4.0")
