"""Data assembly for a study: the outcome panel, its frequency, the donor pool.

Everything here runs before any model is fitted, so a bad declaration fails
fast with a :class:`~venecon.study.spec.StudyError` naming the TOML key.

Default source rule (:func:`choose_source`): when a bundled dataset holds the
declared series from several sources and the study names none, the sources
are grouped into *concepts*: two sources are one concept when their codes
agree after removing a trailing edition year (``ei_sr2024`` and
``ei_sr2026``) or when their descriptor titles agree after removing years
("Energy Institute, Statistical Review of World Energy 2024"/"... 2026"); a
descriptor entry may also say so explicitly with ``concept`` and ``edition``
fields. If all sources are one concept the newest edition (largest year) is
used and the choice is recorded; sources of different concepts are never
mixed: the study must name one.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..data.codes import AGGREGATE_CODES
from .donors import sanction_screen
from .spec import StudyError

__all__ = [
    "Panel",
    "StudyDesign",
    "load_panel",
    "choose_source",
    "build_design",
    "fmt_period",
    "to_period",
    "episode_start",
    "treated_episodes",
    "treated_episode_list",
]

_YEAR = re.compile(r"(19|20)\d{2}")


@dataclass(frozen=True)
class Panel:
    """The outcome as a long frame ``unit, time, value[, flag]``; ``time`` is an int
    year (annual) or a month-start Timestamp (monthly)."""

    frame: Any
    frequency: str
    unit: str
    source: str | None
    data_choices: dict[str, str] = field(default_factory=dict)
    datasets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StudyDesign:
    """The resolved design: periods, treatment and donor pool.

    ``excluded`` and ``donor_flags`` map a unit to the reason it is out of the
    pool or kept despite a known contamination; ``confounders`` are events in
    the treated unit that the estimate cannot separate from the treatment.
    ``timing`` records how a dated treatment maps to the data's periods;
    ``partial`` holds the periods left out of both windows and
    ``timing_variants`` the other conventions as ``(label, treatment period,
    pre, post, partial periods)``. ``quota_units`` are the donors the OPEC+ quota screen
    concerns (excluded, or kept and flagged), for the robustness variant.
    """

    treatment_period: Any
    treatment_date: Any
    pre: tuple[Any, Any]
    post: tuple[Any, Any]
    sample_end: Any
    donors: tuple[str, ...]
    excluded: dict[str, str]
    n_pre: int
    flagged: tuple[str, ...]
    other_events: tuple[tuple[str, str], ...]
    treated_episodes: str = ""
    #: Confounding events in the treated unit during the windows, in plain words
    #: (e.g. "armed conflict on Libya's soil in 2011 (UCDP/PRIO)"); the verdict weighs them.
    confounders: tuple[str, ...] = ()
    #: Donors kept in the pool with a known contamination, unit -> reason
    #: (e.g. "OPEC+ quota-bound 2017-2025"); the verdict weighs their synthetic-control weight.
    donor_flags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: Windows as used when the declaration reached past the data, key -> what was used.
    window_notes: tuple[tuple[str, str], ...] = ()
    timing: str = ""
    partial: tuple[Any, ...] = ()
    timing_variants: tuple[tuple[Any, ...], ...] = ()
    quota_units: tuple[str, ...] = ()
    #: Several treated units: ``(unit, first treated period, treatment date)`` each
    #: (:func:`venecon.study.cohorts.build_cohort_design`); empty for one treated unit.
    cohorts: tuple[tuple[str, Any, str], ...] = ()

    def __getstate__(self) -> dict[str, Any]:
        # a read-only mapping proxy does not pickle; robustness workers receive a plain dict
        return {**self.__dict__, "donor_flags": dict(self.donor_flags)}


# --------------------------------------------------------------------------- sources


def _concepts(dataset: str, sources: list[str]) -> dict[str, tuple[str, int]]:
    """Source code -> (concept key, edition year) from the code and the descriptor."""
    from ..data import describe

    entries = {}
    try:
        for s in describe(dataset).get("sources", []) or []:
            if isinstance(s, dict) and s.get("source"):
                entries.setdefault(s["source"], s)
    except Exception:  # noqa: BLE001 - a descriptor without sources: codes alone decide
        entries = {}
    out = {}
    for code in sources:
        e = entries.get(code, {})
        title = str(e.get("title", ""))
        years = [int(m.group()) for m in _YEAR.finditer(code + " " + title)]
        edition = int(e.get("edition", max(years) if years else 0))
        concept = e.get("concept")
        if concept is None:
            stem = re.sub(r"_?(19|20)\d{2}$", "", code)
            tstem = _YEAR.sub("", title).strip(" ,()")
            concept = f"{stem}|{tstem}"
        out[code] = (str(concept), edition)
    return out


def choose_source(dataset: str, series: str, sources: list[str]) -> tuple[str, str]:
    """The source used when a study names none, and why (see the module docstring).

    Raises
    ------
    StudyError
        The series comes from sources of different concepts.
    """
    if len(sources) == 1:
        return sources[0], f"only source of {dataset}:{series}"
    info = _concepts(dataset, sources)

    def same(a: str, b: str) -> bool:
        ca, cb = info[a][0].split("|"), info[b][0].split("|")
        return ca[0] == cb[0] or (bool(ca[-1]) and ca[-1] == cb[-1])

    first = sources[0]
    if not all(same(first, s) for s in sources[1:]):
        raise StudyError(
            "study.outcome.source",
            f"{dataset}:{series} comes from sources of different concepts ({', '.join(sources)})",
            'name one with source = "..."; venecon never mixes concepts',
        )
    best = max(sources, key=lambda s: (info[s][1], s))
    return best, (
        f"newest edition ({info[best][1]}) of the same concept among {', '.join(sorted(sources))}; "
        "set study.outcome.source to choose another"
    )


# --------------------------------------------------------------------------- panel


def _load_declared(load: Any, spec: Any) -> Any:
    """The declared series, of the declared source only when it publishes the series (so the
    data warnings are those of the rows used); otherwise every source, for the checks below."""
    from ..exceptions import FilterError

    if spec.source is not None:
        try:
            return load(spec.dataset, series=spec.series, source=spec.source)
        except FilterError:
            pass
    return load(spec.dataset, series=spec.series)


def _bundled(spec: Any) -> Panel:
    import pandas as pd

    from ..data import describe, load
    from ..exceptions import DatasetNotFoundError, FilterError

    try:
        frame = _load_declared(load, spec)
    except DatasetNotFoundError as exc:
        raise StudyError(
            "study.outcome.dataset", str(exc), "venecon.datasets() lists them"
        ) from exc
    except FilterError as exc:
        raise StudyError(
            "study.outcome.series", str(exc), "venecon.describe(dataset) lists the series"
        ) from exc
    sources = sorted(frame["source"].dropna().unique().tolist()) if "source" in frame else []
    choices: dict[str, str] = {}
    source = spec.source
    if source is not None:
        if source not in sources:
            raise StudyError(
                "study.outcome.source",
                f"{source!r} does not publish {spec.dataset}:{spec.series}",
                f"one of {', '.join(sources)}",
            )
        choices["source"] = f"{source} (declared)"
    elif sources:
        source, why = choose_source(spec.dataset, spec.series, sources)
        choices["source"] = f"{source}: {why}"
    if source is not None:
        frame = frame[frame["source"] == source]
    desc = describe(spec.dataset)
    freq = desc.get("frequency")
    unit_col = "country" if "country" in frame.columns else "unit"
    out = pd.DataFrame(
        {
            "unit": frame[unit_col].astype(str).to_numpy(),
            "time": frame["date"].to_numpy(),
            "value": frame["value"].to_numpy(dtype="float64"),
        }
    )
    if "flag" in frame.columns:
        out["flag"] = frame["flag"].fillna("").astype(str).to_numpy()
    units = frame["unit"].dropna().unique().tolist() if "unit" in frame.columns else []
    unit = spec.units or (units[0] if len(units) == 1 else "")
    if freq == "monthly":
        out["time"] = pd.to_datetime(out["time"])
    out = out.dropna(subset=["value"]).sort_values(["unit", "time"]).reset_index(drop=True)
    shas = {spec.dataset: str(desc.get("hash", "")).removeprefix("sha256:")}
    if spec.deflate is not None:
        from .deflate import deflate_panel

        if freq != "monthly":
            raise StudyError(
                "study.outcome.deflate", f"{spec.dataset} is {freq}", "deflate monthly trade values"
            )
        out, more = deflate_panel(out, unit, spec.deflate)
        choices.update(more)
        unit = "kb/d"
        for name in ("prices_monthly", "reported_monthly"):
            shas[name] = str(describe(name).get("hash", "")).removeprefix("sha256:")
    return Panel(out, str(freq), unit, source, choices, shas)


def _user(spec: Any, base_dir: Any) -> Panel:
    import hashlib
    from pathlib import Path

    import pandas as pd

    key = "study.outcome.file"
    datasets: dict[str, str] = {}
    if spec.frame is not None:
        frame = spec.frame.copy()
        key = "study.outcome.frame"
    else:
        path = Path(spec.file)
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        from ..userfiles import read_user_csv

        frame, raw = read_user_csv(path, lambda problem, fix: StudyError(key, problem, fix))
        datasets[path.name] = hashlib.sha256(raw).hexdigest()
    missing_cols = [c for c in ("unit", "time", "value") if c not in frame.columns]
    if missing_cols:
        raise StudyError(
            key,
            f"lacks column(s) {', '.join(missing_cols)}",
            "the panel needs columns unit, time and value",
        )
    frame = frame.copy()
    frame["unit"] = frame["unit"].astype(str)
    bad = frame[["unit", "time", "value"]].isna().any(axis=1)
    if bad.any():
        rows = [int(i) + 2 for i in frame.index[bad][:3]]  # +2: header line and 1-based rows
        raise StudyError(
            key,
            f"{int(bad.sum())} row(s) have missing unit, time or value (CSV lines {rows})",
            "fill or drop those rows; a study never imputes",
        )
    dup = frame.duplicated(["unit", "time"], keep=False)
    if dup.any():
        ex = frame.loc[dup, ["unit", "time"]].head(2).to_dict("records")
        raise StudyError(
            key,
            f"{int(dup.sum())} duplicated unit-time rows, e.g. {ex}",
            "keep one row per unit and time",
        )
    try:
        frame["value"] = pd.to_numeric(frame["value"])
    except (TypeError, ValueError) as exc:
        raise StudyError(key, f"non-numeric values in 'value': {exc}", "numbers only") from exc
    t = frame["time"]
    if pd.api.types.is_integer_dtype(t):
        freq = "annual"
    else:
        try:
            ts = pd.to_datetime(t.astype(str))
        except (TypeError, ValueError) as exc:
            raise StudyError(
                key,
                f"cannot read 'time' as years or dates: {exc}",
                "integer years or YYYY-MM dates",
            ) from exc
        if (ts.dt.day != 1).any():
            raise StudyError(
                key,
                "'time' holds days other than the 1st",
                "monthly data dated YYYY-MM or YYYY-MM-01",
            )
        frame["time"] = ts
        freq = "monthly"
    keep = ["unit", "time", "value"] + (
        [spec.flag_column] if spec.flag_column in frame.columns else []
    )
    out = frame[keep].rename(columns={spec.flag_column: "flag"})
    if "flag" in out:
        out["flag"] = out["flag"].fillna("").astype(str)
    out = out.sort_values(["unit", "time"]).reset_index(drop=True)
    return Panel(out, freq, spec.units, None, {"data": "user panel"}, datasets)


def load_panel(outcome: Any, base_dir: Any = None, declared_frequency: str | None = None) -> Panel:
    """Read the study's outcome into a :class:`Panel` and check its frequency."""
    panel = _bundled(outcome) if outcome.dataset else _user(outcome, base_dir)
    if panel.frequency not in ("annual", "monthly"):
        raise StudyError(
            "study.outcome", f"the data are {panel.frequency}", "use annual or monthly data"
        )
    if declared_frequency is not None and declared_frequency != panel.frequency:
        raise StudyError(
            "study.frequency",
            f"declared {declared_frequency} but the data are {panel.frequency}",
            f'write frequency = "{panel.frequency}" or drop the key',
        )
    return panel


# --------------------------------------------------------------------------- design


def to_period(value: Any, frequency: str, key: str) -> Any:
    """A declared year/month as a period of the panel (int year or month-start Timestamp)."""
    import pandas as pd

    if frequency == "annual":
        if isinstance(value, int):
            return value
        return pd.Timestamp(value).year
    if isinstance(value, int):
        raise StudyError(
            key, f"{value} is a year but the data are monthly", 'give a month, e.g. "2017-09"'
        )
    return pd.Timestamp(value).to_period("M").to_timestamp()


def resolve_treatment(treatment: Any, frequency: str) -> tuple[Any, Any]:
    """(treatment period, treatment date) from a year, a date or an event id."""
    import pandas as pd

    from ..exceptions import EventNotFoundError
    from ..policy.registry import event

    if treatment.event_id is not None:
        try:
            date = event(treatment.event_id)["date"]
        except EventNotFoundError as exc:
            raise StudyError(
                "study.treatment", str(exc), "give a registry id, a year or a date"
            ) from exc
    elif isinstance(treatment.value, int):
        date = pd.Timestamp(treatment.value, 1, 1)
    else:
        date = pd.Timestamp(treatment.value)
    if frequency == "annual":
        return int(date.year), date
    return date.to_period("M").to_timestamp(), date


def build_design(study: Any, panel: Panel) -> StudyDesign:
    """Check the declaration against the data and resolve periods and donors.

    Raises
    ------
    StudyError
        Treated unit absent, treatment outside the data, no pre-period, a donor
        pool that rules every donor out, a time-series estimator on data its model
        does not take.
    """
    frame = panel.frame
    freq = panel.frequency
    units = sorted(frame["unit"].unique().tolist())
    if study.treated not in units:
        from ..data._package import suggest

        raise StudyError(
            "study.treated",
            f"{study.treated!r} is not in the data.{suggest(study.treated, units)}",
            f"one of {', '.join(units[:30])}{' ...' if len(units) > 30 else ''}",
        )
    tperiod, tdate = resolve_treatment(study.treatment, freq)
    own = frame[frame["unit"] == study.treated]
    times = own["time"]
    if not times.min() < tperiod <= times.max():
        raise StudyError(
            "study.treatment",
            f"{fmt_period(tperiod)} is outside the data of {study.treated} "
            f"({fmt_period(times.min())} to {fmt_period(times.max())})",
            "choose a treatment after the first and within the last period of the data",
        )
    w = study.window
    pre = (
        to_period(w.pre[0], freq, "study.window.pre"),
        to_period(w.pre[1], freq, "study.window.pre"),
    )
    last = times.max()
    post = (
        to_period(w.post[0], freq, "study.window.post"),
        last if w.post[1] == "end" else to_period(w.post[1], freq, "study.window.post"),
    )
    timing, partial, variants = "", (), ()
    if freq == "annual" and (tdate.month, tdate.day) != (1, 1):
        tperiod, pre, post, partial, timing, variants = partial_year(
            tdate, pre, post, w.partial_period
        )
        if tperiod > times.max():
            raise StudyError(
                "study.window.partial_period",
                f"the first full treated year {tperiod} is after the data of {study.treated} "
                f"(to {fmt_period(times.max())})",
                'write partial_period = "treated" or use monthly data',
            )
    elif freq == "monthly" and tdate.day != 1:
        timing = (
            f"treatment {tdate:%Y-%m-%d} is mapped to its month {fmt_period(tperiod)}, the first "
            f"treated month ({tdate.day - 1} of {tdate.days_in_month} days before the treatment)"
        )
    if pre[1] >= tperiod:
        raise StudyError(
            "study.window.pre",
            f"ends at {fmt_period(pre[1])}, at or after the treatment {fmt_period(tperiod)}",
            "end the pre window before the treatment",
        )
    if post[0] < tperiod:
        raise StudyError(
            "study.window.post",
            f"starts at {fmt_period(post[0])}, before the treatment {fmt_period(tperiod)}",
            "start the post window at or after the treatment",
        )
    if freq == "annual":
        years = sorted(int(y) for y in frame["time"].unique())
        partial = between(years, pre, post)
        if partial and not timing:
            timing = left_out_text(partial)
        elif len(partial) > 1:
            timing += "; " + left_out_text(partial)
        variants = tuple(
            (label, tp, vpre, vpost, between(years, vpre, vpost))
            for label, tp, vpre, vpost in variants
            if (tp, vpre, vpost) != (tperiod, pre, post)
        )
    n_pre = int(((times >= pre[0]) & (times <= pre[1])).sum())
    if n_pre == 0:
        raise StudyError(
            "study.window.pre",
            f"holds no data of {study.treated} ({fmt_period(pre[0])}-{fmt_period(pre[1])}; "
            f"data {fmt_period(times.min())}-{fmt_period(times.max())})",
            "choose pre-period years the data cover",
        )
    if not ((times >= post[0]) & (times <= post[1])).any():
        raise StudyError(
            "study.window.post",
            f"holds no data of {study.treated}",
            f"the data end in {fmt_period(times.max())}",
        )
    notes = []
    if post[1] > times.max():
        notes.append(_clipped("study.window.post", post, times.max(), study.treated))
    post = (post[0], min(post[1], times.max()))
    if w.sample_end is None:
        end = post[1]
    elif w.sample_end == "end":
        end = last
    else:
        end = to_period(w.sample_end, freq, "study.window.sample_end")
        if end > times.max():
            notes.append(_clipped("study.window.sample_end", (end,), times.max(), study.treated))
    end = min(max(end, post[1]), times.max())
    # models of the treated series alone: ask the model itself whether it takes this frequency
    if freq != "monthly":
        for name in study.time_series:
            if not time_series_accepts(
                own.set_index("time")["value"], tdate
            ):
                raise StudyError(
                    f"study.estimators.{name}",
                    f"needs monthly data; {study.outcome.label} is {freq}",
                    "remove it (synthetic control works on annual panels) or use monthly data",
                )
    in_window = frame[(frame["time"] >= pre[0]) & (frame["time"] <= end)]
    excluded: dict[str, str] = {}
    reasons = dict(study.donors.reasons)
    sanctioned = (sanction_screen(_year(pre[0]), _year(end))
                  if study.donors.exclude_sanctioned else {})
    screened, donor_flags, quota_units = _registry_screens(study, units, pre, post, end)
    n_periods = in_window["time"].nunique()
    # one pass over the window for every unit's coverage and pre-period zeros (a lookup per
    # unit below, never a scan of the panel per unit)
    have_by_unit = in_window.groupby("unit", sort=False)["time"].nunique().to_dict()
    pre_rows = in_window[in_window["time"] <= pre[1]]
    some_output = (pre_rows["value"] != 0).groupby(pre_rows["unit"], sort=False).any().to_dict()
    donors = []
    candidates = 0
    for u in units:
        if u == study.treated:
            continue
        if u in AGGREGATE_CODES:
            excluded[u] = "aggregate (total or group of countries), never a donor"
        elif u in study.donors.exclude:
            excluded[u] = reasons.get(u, "excluded by study.donors.exclude")
        elif u in sanctioned:
            excluded[u] = sanctioned[u]
        elif u in screened:
            excluded[u] = screened[u]
        elif study.donors.include is not None and u not in study.donors.include:
            continue
        else:
            candidates += 1
            have = have_by_unit.get(u, 0)
            if have < n_periods:
                excluded[u] = (
                    f"incomplete data: {n_periods - have} of {n_periods} study periods missing"
                )
            elif not some_output.get(u, False):
                # a unit with no output before the treatment is not a comparable producer
                excluded[u] = "no output in the pre-period (all zero): not a comparable unit"
            else:
                donors.append(u)
    quota_units = tuple(u for u in quota_units
                        if u in donors or excluded.get(u, "").startswith("bound by OPEC"))
    if study.donors.include is not None:
        absent = [u for u in study.donors.include if u not in units]
        if absent:
            raise StudyError(
                "study.donors.include",
                f"{', '.join(absent)} not in the data",
                "drop them from the list",
            )
    if "synthetic_control" in study.estimators and candidates < 2:
        # the declaration's rules leave nothing: an input error (too few donors with
        # complete data is a property of the data: the study runs as not identified)
        raise StudyError(
            "study.donors",
            f"the donor rules leave {candidates} candidate donor(s) ({len(excluded)} units "
            f"excluded; the data hold {len(units) - 1} other units)",
            "relax study.donors (include more units, exclude fewer, or exclude_sanctioned = false)",
        )
    flagged: tuple[str, ...] = ()
    if "flag" in frame.columns:
        f = own[(own["time"] >= pre[0]) & (own["time"] <= end) & (own["flag"] != "")]
        flagged = tuple(
            f"{fmt_period(t)} ({fl})" for t, fl in zip(f["time"], f["flag"], strict=True)
        )
    own_eps = treated_episodes(study.treated, pre, tperiod, freq)
    from .donors import treated_conflicts

    window = (min(_year(tperiod), int(tdate.year)), _year(post[1]))
    war = treated_conflicts(study.treated, *window)
    return StudyDesign(
        tperiod,
        tdate,
        pre,
        post,
        end,
        tuple(donors),
        excluded,
        n_pre,
        flagged,
        tuple(study.other_events),
        own_eps,
        window_notes=tuple(notes),
        confounders=(war,) if war else (),
        donor_flags={u: why for u, why in sorted(donor_flags.items()) if u in donors},
        timing=timing,
        partial=partial,
        timing_variants=variants,
        quota_units=quota_units,
    )


def _clipped(key: str, declared: tuple, data_end: Any, treated: str) -> tuple[str, str]:
    """Warn that a declared window ends past the data; (key, the window actually used)."""
    import warnings

    from ..exceptions import WindowWarning

    used = (
        f"declared to end {fmt_period(declared[-1])}; the data of {treated} end in "
        f"{fmt_period(data_end)}, so it ends there"
    )
    if len(declared) == 2:
        used = f"{fmt_period(declared[0])} to {fmt_period(data_end)} ({used})"
    warnings.warn(f"{key} {used}", WindowWarning, stacklevel=4)
    return key, used


def episode_start(row: Any, frequency: str) -> Any:
    """First period of a sanctions episode at the data's frequency, or None if unknown.

    ``oil_sanction_episodes`` dates episodes by year; at monthly frequency the
    month is the first ISO date of that year in the episode's ``instrument``
    (the legal act's date), and None when the instrument gives none.
    """
    import pandas as pd

    year = int(row.start)
    if frequency == "annual":
        return year
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", str(row.instrument or "")):
        if int(m.group(1)) == year:
            return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)
    return None


def treated_episode_list(
    treated: str, pre: tuple[Any, Any], tperiod: Any, frequency: str
) -> list[tuple[str, bool]]:
    """The treated unit's recorded sanctions that began before its treatment.

    Each item is ``(description, throughout)``; ``throughout`` is True when the
    episode was in force over the whole pre-period and past the treatment (a
    constant background: the estimate is incremental to it), False when it
    began or ended inside the pre-period (it moved the pre-period path).

    Overlap is judged at the data's resolution: an episode counts when it
    started no later than the last pre-period (annual: its year; monthly: the
    month of its instrument). An episode whose month is unknown counts only
    when its year ends before the treatment period, so the study's own
    treatment episode (dated to the treatment's year) is never counted.
    """
    import pandas as pd

    from ..data import load

    eps = load("oil_sanction_episodes")
    out = []
    for row in eps[eps["country"] == treated].itertuples(index=False):
        start = episode_start(row, frequency)
        end = None if pd.isna(row.end) else int(row.end)
        if end is not None and end < _year(pre[0]):
            continue
        if start is None:
            if pd.Timestamp(int(row.start) + 1, 1, 1) > tperiod:
                continue
            before = int(row.start) < _year(pre[0])
        elif start > pre[1]:
            continue
        else:
            before = start <= pre[0]
        span = f"{int(row.start)}-{'' if end is None else end}"
        note = f"{row.episode_id} ({row.type}, {span}, oil measure: {row.oil_measure})"
        out.append((note, before and (end is None or end >= _year(tperiod))))
    return out


def treated_episodes(treated: str, pre: tuple[Any, Any], tperiod: Any, frequency: str) -> str:
    """:func:`treated_episode_list` as one line of text ("" when there is none)."""
    notes = [n for n, _ in treated_episode_list(treated, pre, tperiod, frequency)]
    return "recorded sanction before the treatment: " + "; ".join(notes) if notes else ""


_CONVENTIONS = {
    "exclude": "{next} is the first full treated year; {year} is left out of both windows",
    "treated": "{year} counts as treated (in the post window)",
    "untreated": "{year} counts as untreated (in the pre window); {next} is the first treated year",
}


def _convention(year: int, pre: tuple[int, int], post: tuple[int, int], rule: str) -> tuple:
    """(treatment period, pre, post, partial periods) of one convention for the partial year."""
    pre_end, post_start = min(pre[1], year - 1), max(post[0], year + 1)
    if rule == "treated":
        return year, (pre[0], pre_end), (min(post[0], year) if post[0] <= year + 1 else post[0],
                                         post[1]), ()
    if rule == "untreated":
        return year + 1, (pre[0], year if pre[1] >= year - 1 else pre[1]), (post_start, post[1]), ()
    return year + 1, (pre[0], pre_end), (post_start, post[1]), (year,)


def between(years: list[int], pre: tuple[int, int], post: tuple[int, int]) -> tuple[int, ...]:
    """Years of annual data in neither window: left out of the estimation sample."""
    return tuple(y for y in years if pre[1] < y < post[0])


def left_out_text(years: tuple[int, ...]) -> str:
    """The timing record for years between the windows (annual data)."""
    from .donors import year_spans

    return (f"years between the pre and post windows ({year_spans(list(years))}) are left out "
            "of the estimation sample (annual data: neither treated nor a comparison period)")


def partial_year(date: Any, pre: tuple[int, int], post: tuple[int, int], rule: str) -> tuple:
    """Resolve a treatment dated inside a year of annual data (``study.window.partial_period``).

    Returns ``(treatment period, pre, post, partial periods, timing text, variants)``;
    the variants are the two other conventions as ``(label, period, pre, post)``.
    """
    import pandas as pd

    year = int(date.year)
    before = int((date - pd.Timestamp(year, 1, 1)).days)
    days = 366 if calendar.isleap(year) else 365
    tperiod, new_pre, new_post, partial = _convention(year, pre, post, rule)
    moved = []
    if new_pre != pre:
        moved.append(f"pre window {pre[0]}-{pre[1]} -> {new_pre[0]}-{new_pre[1]}")
    if new_post != post:
        moved.append(f"post window {post[0]}-{post[1]} -> {new_post[0]}-{new_post[1]}")
    others = [r for r in _CONVENTIONS if r != rule]
    text = (
        f"treatment {date:%Y-%m-%d} falls inside {year} ({before} of {days} days before it): "
        + _CONVENTIONS[rule].format(year=year, next=year + 1)
        + f" (study.window.partial_period = '{rule}')"
        + (f"; {', '.join(moved)}" if moved else "")
        + f"; the conventions '{others[0]}' and '{others[1]}' are robustness variants (dimension "
        "'timing')"
    )
    variants = tuple(
        (f"partial year {year} {r}" if r != "exclude" else f"partial year {year} left out",
         *_convention(year, pre, post, r)[:3])
        for r in others
    )
    return tperiod, new_pre, new_post, partial, text, variants


def _registry_screens(study: Any, units: list[str], pre: tuple, post: tuple, end: Any) -> tuple:
    """(excluded, flagged, quota units) from the conflict and OPEC+ quota registries.

    The quota screen always runs (a kept quota-bound donor is flagged and the
    robustness grid refits without it); the conflict screen runs when
    ``study.donors.exclude_conflict`` is set.
    """
    rules = study.donors
    from .donors import conflict_screen, quota_screen

    pool = [u for u in units if u != study.treated and u not in AGGREGATE_CODES]
    excluded: dict[str, str] = {}
    flags: dict[str, str] = {}
    first, last = _year(pre[0]), _year(end)
    if rules.exclude_conflict:
        out, kept = conflict_screen(pool, first, last)
        excluded.update(out)
        flags.update(kept)
    apart, joint = quota_screen(pool, study.treated, (_year(post[0]), _year(post[1])),
                                (first, last))
    quota_units: tuple[str, ...] = tuple(sorted(u for u in apart if u not in excluded))
    for u, why in apart.items():
        if rules.exclude_quota_bound:
            excluded.setdefault(u, why)
        else:
            flags.setdefault(u, why + " (study.donors.exclude_quota_bound = false)")
    for u, why in joint.items():
        flags.setdefault(u, why)
    return excluded, flags, quota_units


def time_series_accepts(y: Any, date: Any) -> bool:
    """Whether venecon's ITS takes this series' index (construction only, no fit)."""
    from ..exceptions import VeneconError
    from ..models import ITS

    try:
        ITS(y, {"t": date})
    except VeneconError:  # the model's own validation rejects this index or sample
        return False
    return True


def _year(p: Any) -> int:
    import numbers

    return int(p) if isinstance(p, numbers.Integral) else int(p.year)


def fmt_period(p: Any) -> str:
    """A period as text: a year ``"2012"`` or a month ``"2017-09"``."""
    import numbers

    return str(int(p)) if isinstance(p, numbers.Integral) else f"{p:%Y-%m}"
