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

import re
from dataclasses import dataclass, field
from typing import Any

from .spec import AGGREGATES, MONTHLY_ONLY, StudyError

__all__ = [
    "Panel",
    "Design",
    "load_panel",
    "choose_source",
    "build_design",
    "fmt_period",
    "to_period",
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
class Design:
    """The resolved design: periods, treatment and donor pool."""

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


def _bundled(spec: Any) -> Panel:
    import pandas as pd

    from ..data import describe, load
    from ..exceptions import DatasetNotFoundError, FilterError

    try:
        frame = load(spec.dataset, series=spec.series)
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
    sha = str(desc.get("hash", "")).removeprefix("sha256:")
    return Panel(out, str(freq), unit, source, choices, {spec.dataset: sha})


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


def _sanctioned(first_year: int, last_year: int) -> dict[str, str]:
    from ..data import load

    eps = load("oil_sanction_episodes")
    out: dict[str, str] = {}
    for row in eps.itertuples(index=False):
        end = last_year if row.end != row.end or row.end is None else int(row.end)  # NaN: ongoing
        if int(row.start) <= last_year and end >= first_year:
            span = f"{int(row.start)}-{'' if row.end != row.end else int(row.end)}"
            out.setdefault(str(row.country), "")
            note = f"{row.episode_id} ({row.type}, {span}, oil measure: {row.oil_measure})"
            out[str(row.country)] = "; ".join(x for x in (out[str(row.country)], note) if x)
    return {k: f"recorded sanction overlapping the study years: {v}" for k, v in out.items()}


def build_design(study: Any, panel: Panel) -> Design:
    """Check the declaration against the data and resolve periods and donors.

    Raises
    ------
    StudyError
        Treated unit absent, treatment outside the data, no pre-period, a donor
        pool that rules every donor out, a monthly-only estimator on annual data.
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
    post = (post[0], min(post[1], times.max()))
    if w.sample_end is None:
        end = post[1]
    elif w.sample_end == "end":
        end = last
    else:
        end = to_period(w.sample_end, freq, "study.window.sample_end")
    end = min(max(end, post[1]), times.max())
    # monthly-only estimators: ask the model itself whether it takes this frequency
    if freq != "monthly":
        for name in study.estimators:
            if name in MONTHLY_ONLY and not time_series_accepts(
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
    sanctioned = _sanctioned(_year(pre[0]), _year(end)) if study.donors.exclude_sanctioned else {}
    n_periods = in_window["time"].nunique()
    donors = []
    candidates = 0
    for u in units:
        if u == study.treated:
            continue
        if u in AGGREGATES:
            excluded[u] = "aggregate (total or group of countries), never a donor"
        elif u in study.donors.exclude:
            excluded[u] = reasons.get(u, "excluded by study.donors.exclude")
        elif u in sanctioned:
            excluded[u] = sanctioned[u]
        elif study.donors.include is not None and u not in study.donors.include:
            continue
        else:
            candidates += 1
            have = in_window.loc[in_window["unit"] == u, "time"].nunique()
            pre_vals = in_window.loc[
                (in_window["unit"] == u) & (in_window["time"] <= pre[1]), "value"
            ]
            if have < n_periods:
                excluded[u] = (
                    f"incomplete data: {n_periods - have} of {n_periods} study periods missing"
                )
            elif (pre_vals == 0).all():
                # a unit with no output before the treatment is not a comparable producer
                excluded[u] = "no output in the pre-period (all zero): not a comparable unit"
            else:
                donors.append(u)
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
    own_eps = _sanctioned(_year(pre[0]), _year(pre[1])).get(study.treated, "")
    return Design(
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
    )


def time_series_accepts(y: Any, date: Any) -> bool:
    """Whether venecon's ITS takes this series' index (construction only, no fit)."""
    from ..models import ITS

    from ..exceptions import VeneconError

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
