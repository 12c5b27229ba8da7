"""Designs with several treated units: their treatment dates, sample and never-treated units.

A study declares several treated units as ``treated = ["IRN", "VEN"]`` with
one treatment date for all, one date per unit (``treatment = {IRN = "2012-07",
VEN = "2017-08"}``) or cohorts from the sanction registry
(``treatment = {from_episodes = true, ...}``, :class:`~venecon.study.spec.EpisodeCohorts`),
and the window as ``sample = [start, end]``. :func:`build_cohort_design`
resolves this against the data into a :class:`~venecon.study.data.StudyDesign`
whose ``cohorts`` hold ``(unit, first treated period, treatment date)``:

* annual data, a date after 1 January: the next year is the unit's first
  treated year with ``partial_period = "exclude"`` or ``"untreated"`` (the
  partial year stays in the sample as untreated: one unit's partial year
  cannot leave the panel) and the year itself with ``"treated"``;
* a treated unit is left out (with its reason) when the sample holds fewer
  than :data:`~venecon.study.estimators.MIN_PRE` periods before its
  treatment, no period after it, or not all of its periods;
* armed conflicts in a treated unit from its treatment to the end of the
  sample (UCDP/PRIO, :func:`venecon.study.donors.treated_conflicts`) are the
  design's confounders, which the verdict weighs;
* the never-treated units are every other unit with complete data over the
  sample, minus aggregates and the donor rules' exclusions, each with its
  reason (``exclude_sanctioned`` reads ``oil_sanction_episodes`` over the
  sample; ``exclude_conflict`` and ``exclude_quota_bound`` the screens of
  :mod:`venecon.study.donors`, see :func:`control_screens`).
"""

from __future__ import annotations

from typing import Any

from .data import StudyDesign, fmt_period, resolve_treatment, to_period
from .donors import sanction_screen
from .estimators import MIN_PRE
from .spec import AGGREGATES, EpisodeCohorts, StudyError, Treatment, UnitDates

__all__ = ["episode_dates", "treatment_dates", "build_cohort_design", "control_screens"]


def episode_dates(spec: EpisodeCohorts) -> dict[str, Any]:
    """Country -> 1 January of its first episode passing the filters (``oil_sanction_episodes``)."""
    import pandas as pd

    from ..data import load

    eps = load("oil_sanction_episodes")
    keep = eps["oil_measure"].isin(spec.oil_measure)
    if spec.types:
        kind = eps["type"].fillna("").str.lower()
        keep &= kind.apply(lambda t: any(w.lower() in t for w in spec.types))
    if spec.years is not None:
        keep &= eps["start"].between(*spec.years)
    if spec.countries is not None:
        keep &= eps["country"].isin(spec.countries)
    first = eps[keep].groupby("country")["start"].min()
    return {str(c): pd.Timestamp(int(y), 1, 1) for c, y in first.items()}


def treatment_dates(study: Any) -> dict[str, Any]:
    """Treated unit -> treatment date (Timestamp) as declared."""
    t = study.treatment
    treated = (study.treated,) if isinstance(study.treated, str) else tuple(study.treated or ())
    if isinstance(t, EpisodeCohorts):
        dates = episode_dates(t)
        if not dates:
            raise StudyError("study.treatment", "no episode of oil_sanction_episodes passes the "
                             "filters", "widen countries, oil_measure, types or years")
        if treated:
            missing = [u for u in treated if u not in dates]
            if missing:
                raise StudyError("study.treated", f"{', '.join(missing)} has no episode passing "
                                 "the filters", "drop it, or widen the filters")
            dates = {u: dates[u] for u in treated}
        return dates
    if isinstance(t, UnitDates):
        dates = {u: resolve_treatment(Treatment(value=v), "monthly")[1] for u, v in t.dates}
        if treated and set(treated) != set(dates):
            raise StudyError("study.treatment", f"dates are given for {', '.join(dates)} but the "
                             f"treated units are {', '.join(treated)}",
                             "give one date for each treated unit")
        return dates
    date = resolve_treatment(t, "monthly")[1]
    return {u: date for u in treated}


def _first(date: Any, frequency: str, rule: str) -> Any:
    if frequency != "annual":
        return date.to_period("M").to_timestamp()
    partial = (date.month, date.day) != (1, 1)
    return int(date.year) + (1 if partial and rule != "treated" else 0)


def build_cohort_design(study: Any, panel: Any) -> StudyDesign:
    """Check a multi-unit declaration against the data and resolve cohorts and controls."""
    import pandas as pd

    frame, freq = panel.frame, panel.frequency
    w = study.window
    if w.sample is None:
        raise StudyError("study.window", "pre and post windows fit one treatment date",
                         "with several treated units or dates give sample = [start, end]; "
                         "each unit's pre window ends before its own treatment")
    start = to_period(w.sample[0], freq, "study.window.sample")
    times = sorted(frame["time"].unique())
    end = times[-1] if w.sample[1] == "end" else min(
        to_period(w.sample[1], freq, "study.window.sample"), times[-1])
    sample = [t for t in times if start <= t <= end]
    if not sample:
        raise StudyError("study.window.sample", "holds no data", "choose periods of the data")
    units = set(frame["unit"])
    inside = frame[(frame["time"] >= start) & (frame["time"] <= end)]
    complete = inside.groupby("unit")["time"].nunique() == len(sample)
    excluded: dict[str, str] = {}
    cohorts = []
    dates = treatment_dates(study)
    need = MIN_PRE[freq]
    for unit, date in sorted(dates.items()):
        first = _first(date, freq, w.partial_period)
        n_pre = sum(t < first for t in sample)
        why = None
        if unit not in units:
            why = "not in the data"
        elif not complete.get(unit, False):
            why = f"incomplete data over {fmt_period(start)}-{fmt_period(end)}"
        elif n_pre < need:
            why = f"{n_pre} pre-treatment period(s) in the sample (fewer than {need})"
        elif first > end:
            why = f"treated from {fmt_period(first)}, after the sample"
        if why:
            excluded[unit] = f"treated unit left out: {why}"
            continue
        cohorts.append((unit, first, f"{pd.Timestamp(date):%Y-%m-%d}"))
    if not cohorts:
        raise StudyError("study.treated", "no treated unit can be estimated: "
                         + "; ".join(f"{u}: {r}" for u, r in excluded.items()),
                         "widen the sample or choose other units")
    cohorts.sort(key=lambda c: (c[1], c[0]))
    rules = study.donors
    reasons = dict(rules.reasons)
    years = (start, end) if freq == "annual" else (start.year, end.year)
    sanctioned = sanction_screen(*years) if rules.exclude_sanctioned else {}
    pool = sorted(units - set(dates) - AGGREGATES)
    screened, flags, quota = control_screens(rules, pool, cohorts, freq, years)
    controls = []
    for u in sorted(units - set(dates)):
        if u in AGGREGATES:
            excluded[u] = "aggregate (a total, not a country)"
        elif rules.include is not None and u not in rules.include:
            continue
        elif u in rules.exclude:
            excluded[u] = reasons.get(u, "excluded by the study")
        elif u in sanctioned:
            excluded[u] = sanctioned[u]
        elif u in screened:
            excluded[u] = screened[u]
        elif not complete.get(u, False):
            excluded[u] = f"incomplete data over {fmt_period(start)}-{fmt_period(end)}"
        else:
            controls.append(u)
    if len(controls) < 2:
        raise StudyError("study.donors", f"{len(controls)} never-treated unit(s) with complete "
                         "data over the sample", "widen the sample or the donor rules")
    first = cohorts[0][1]
    rule = {"exclude": "untreated", "untreated": "untreated", "treated": "treated"}[
        w.partial_period]
    timing = "" if freq != "annual" else (
        f"a treatment dated after 1 January: its year counts as {rule} for that unit "
        "(several treated units: a partial year stays in the panel)")
    from .donors import treated_conflicts

    last = end if freq == "annual" else end.year
    wars = [treated_conflicts(u, c if freq == "annual" else c.year, last) for u, c, _ in cohorts]
    return StudyDesign(
        treatment_period=first, treatment_date=pd.Timestamp(cohorts[0][2]),
        pre=(sample[0], max(t for t in sample if t < first)), post=(first, sample[-1]),
        sample_end=sample[-1], donors=tuple(controls), excluded=excluded,
        n_pre=min(sum(t < c for t in sample) for _, c, _ in cohorts), flagged=(),
        other_events=(), timing=timing, cohorts=tuple(cohorts),
        confounders=tuple(w for w in wars if w),
        donor_flags={u: why for u, why in sorted(flags.items()) if u in controls},
        quota_units=tuple(u for u in quota
                          if u in controls or excluded.get(u, "").startswith("bound by OPEC")))


def control_screens(rules: Any, pool: list[str], cohorts: list[tuple], frequency: str,
                    years: tuple[int, int]) -> tuple[dict[str, str], dict[str, str], tuple]:
    """(excluded, flagged, quota units) of the never-treated units, as for one treated unit.

    The conflict screen (``study.donors.exclude_conflict``) covers the sample
    years. The OPEC+ quota screen runs once per treated unit over that unit's
    post-treatment years: a control bound in a year its treated unit is not is
    excluded with ``exclude_quota_bound`` (flagged otherwise), and the reason
    names the treated unit; a control bound with a treated unit is flagged.
    """
    from .donors import conflict_screen, quota_screen

    excluded: dict[str, str] = {}
    flags: dict[str, str] = {}
    if rules.exclude_conflict:
        out, kept = conflict_screen(pool, *years)
        excluded.update(out)
        flags.update(kept)
    apart: dict[str, str] = {}
    joint: dict[str, str] = {}
    also: dict[str, list[str]] = {}
    for unit, first, _ in cohorts:
        start = first if frequency == "annual" else first.year
        a, j = quota_screen(pool, unit, (start, years[1]), years)
        for u, why in a.items():
            if u in apart:
                also[u].append(unit)
            else:
                apart[u], also[u] = why, []
        for u, why in j.items():
            joint.setdefault(u, why)
    for u, others in also.items():
        if others:
            many = len(others) > 1
            apart[u] += (f"; also bound while {', '.join(others)} {'were' if many else 'was'} "
                         f"not, after {'their' if many else 'its'} treatment")
    quota = tuple(sorted(u for u in apart if u not in excluded))
    for u, why in sorted(apart.items()):
        if rules.exclude_quota_bound:
            excluded.setdefault(u, why)
        else:
            flags.setdefault(u, why + " (study.donors.exclude_quota_bound = false)")
    for u, why in sorted(joint.items()):
        if u not in apart:
            flags.setdefault(u, why)
    return excluded, flags, quota
