"""Donor screens from the bundled registries: sanctions, armed conflict (UCDP/PRIO), OPEC+ quotas.

Each screen returns, per unit, the reason it is excluded (or flagged when the
study keeps it). The reasons name the years and the registry, so a reader can
check them: ``venecon.load("conflicts")`` and ``venecon.load("opec_quotas")``.

Rules
-----
Sanctions: a unit with an episode in ``oil_sanction_episodes`` whose years
(an open end: ongoing) overlap the study years. :func:`sanctioned_donors` keeps
only episodes whose instrument restricts oil, in the words of a warning, for
``SyntheticControl(..., flagged_donors=...)``.

Conflict: a unit with a country-year in ``conflicts`` inside the study years
(pre-period start to sample end) that is not interstate-only. Interstate-only
years are flagged, never excluded: UCDP lists the governments of an interstate
conflict as its location, not where the fighting took place.

Quotas: a unit bound by an OPEC/OPEC+ obligation in a post-window year in which
the treated unit is not bound (exempt, or outside the agreements). Years the
table does not cover (``opec_quotas`` codes 2017-2022) cannot exclude a unit;
the reason says so. A donor bound in the same years as the treated unit shares
its agreement: it is flagged (their output decisions are joint).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "year_spans", "sanction_episodes", "sanction_screen", "sanctioned_donors", "conflict_screen",
    "quota_screen", "treated_conflicts", "kept_flagged", "flag_lead",
]


def year_spans(years: list[int]) -> str:
    """``[1994, 1995, 1996, 2001]`` -> ``"1994-1996, 2001"``."""
    years = sorted(set(int(y) for y in years))
    if not years:
        return ""
    runs: list[list[int]] = [[years[0], years[0]]]
    for y in years[1:]:
        if y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def sanction_episodes(first: int, last: int, *, oil_only: bool = False) -> dict[str, list[Any]]:
    """Unit -> its ``oil_sanction_episodes`` rows (named tuples) overlapping ``first``..``last``.

    An episode without an end year is ongoing. ``oil_only`` keeps the episodes
    whose instrument restricts the target's oil (``oil_measure == "yes"``).
    """
    from ..data import load

    out: dict[str, list[Any]] = {}
    for row in load("oil_sanction_episodes").itertuples(index=False):
        if oil_only and row.oil_measure != "yes":
            continue
        end = last if row.end != row.end or row.end is None else int(row.end)  # NaN: ongoing
        if int(row.start) <= last and end >= first:
            out.setdefault(str(row.country), []).append(row)
    return out


def _span(row: Any, sep: str) -> str:
    return f"{int(row.start)}{sep}{'' if row.end != row.end else int(row.end)}"


def sanction_screen(first: int, last: int) -> dict[str, str]:
    """Unit -> why it is excluded: every recorded sanction overlapping the study years."""
    return {
        unit: "recorded sanction overlapping the study years: " + "; ".join(
            f"{r.episode_id} ({r.type}, {_span(r, '-')}, oil measure: {r.oil_measure})"
            for r in rows)
        for unit, rows in sanction_episodes(first, last).items()
    }


def sanctioned_donors(donors: list[Any], first: int, last: int) -> dict[Any, str]:
    """Donor -> its oil sanction overlapping ``first``..``last``, for a donor-pool warning.

    Pass the result as ``SyntheticControl(..., flagged_donors=...)``; the first
    episode of each donor is named, e.g. ``oil sanction IRQ-1990-UN (1990-2003)
    overlaps 1995-2015``.
    """
    episodes = sanction_episodes(first, last, oil_only=True)
    out: dict[Any, str] = {}
    for unit in donors:
        if isinstance(unit, str) and episodes.get(unit):
            row = episodes[unit][0]
            until = "" if row.end != row.end else f"-{int(row.end)}"
            out[unit] = (f"oil sanction {row.episode_id} ({row.start}{until}) overlaps "
                         f"{first}-{last}")
    return out


def _conflict_rows(first: int, last: int) -> Any:
    from ..data import load

    frame = load("conflicts")
    return frame[(frame["date"] >= first) & (frame["date"] <= last)]


def _intensity_text(part: Any, column: str = "intensity_soil") -> str:
    out = []
    for level, label in ((2, "intensity 2, war (1,000+ battle deaths)"),
                         (1, "intensity 1 (25-999 battle deaths)")):
        years = part.loc[part[column] == level, "date"].tolist()
        if years:
            out.append(f"{year_spans(years)} {label}")
    return "; ".join(out)


def conflict_screen(
    units: list[str], first: int, last: int
) -> tuple[dict[str, str], dict[str, str]]:
    """(excluded, flagged): units with an armed conflict on their soil in ``first``..``last``."""
    rows = _conflict_rows(first, last)
    rows = rows[rows["country"].isin(units)]
    excluded, flagged = {}, {}
    for unit, part in rows.groupby("country"):
        soil = part[~part["interstate_only"]]
        inter = part[part["interstate_only"]]
        if len(soil):
            excluded[str(unit)] = (
                f"armed conflict on its soil in the study years {first}-{last}: "
                f"{_intensity_text(soil)} (UCDP/PRIO ACD, venecon.load('conflicts'))"
            )
        elif len(inter):
            flagged[str(unit)] = (
                f"party to an interstate conflict in {year_spans(inter['date'].tolist())} "
                "(UCDP lists governments, not battlefields; study.donors.exclude_conflict "
                "excludes only conflicts on a country's soil)"
            )
    return excluded, flagged


def treated_conflicts(unit: str, first: int, last: int) -> str:
    """A confounder line when the treated unit has a conflict in ``first``..``last``, else ""."""
    part = _conflict_rows(first, last)
    part = part[part["country"] == unit]
    if part.empty:
        return ""
    pieces = []
    soil = part[part["intensity_soil"] > 0]
    if len(soil):
        pieces.append(f"on its soil {_intensity_text(soil)}")
    inter = part[part["conflict_types"].str.split(";").apply(lambda t: "2" in t)]
    if len(inter):
        pieces.append(
            "interstate, its government a party (UCDP does not say where the fighting was), in "
            f"{year_spans(inter['date'].tolist())} (highest intensity of all its conflicts in "
            f"those years: {_intensity_text(inter, 'intensity')})"
        )
    return (f"{unit}: armed conflict in the treatment window {first}-{last}: "
            f"{'; '.join(pieces)} (UCDP/PRIO ACD): the effect mixes the treatment with the "
            "conflict")


def quota_screen(units: list[str], treated: str, post: tuple[int, int], pre: tuple[int, int],
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """(bound_when_treated_is_not, same_agreement) over the post window and the study years."""
    from ..data import load

    quotas = load("opec_quotas")
    covered = sorted(quotas["date"].unique().tolist())
    cover = f"{covered[0]}-{covered[-1]}"
    bound = quotas[quotas["quota_bound"]]
    by_unit = bound.groupby("country")["date"].apply(lambda s: set(int(x) for x in s)).to_dict()
    own = by_unit.get(treated, set())
    post_years = set(range(post[0], post[1] + 1))
    study_years = set(range(pre[0], post[1] + 1))
    uncovered = sorted(post_years - set(covered))
    tail = (f"; obligations in {year_spans(uncovered)} are not coded (opec_quotas covers {cover})"
            if uncovered else "")
    apart, joint = {}, {}
    for unit in units:
        years = by_unit.get(unit, set())
        alone = sorted((years & post_years) - own)
        shared = sorted(years & own & study_years)
        if alone:
            apart[unit] = (
                f"bound by OPEC/OPEC+ production quotas in {year_spans(alone)} while {treated} was "
                f"not (venecon.load('opec_quotas')){tail}"
            )
        elif shared:
            joint[unit] = (
                f"bound by the same OPEC/OPEC+ agreement as {treated} in {year_spans(shared)}: "
                f"their output decisions are joint, not independent{tail}"
            )
    return apart, joint


def flag_lead(why: str) -> str:
    """The first clause of a flag's reason, without its closing source in parentheses."""
    depth = 0
    for i, ch in enumerate(why):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and why.startswith(("; ", ": "), i):
            why = why[:i]
            break
    if why.endswith(")") and " (" in why:
        # "... while LBY was not (venecon.load('opec_quotas'))": the source is in the full reason
        depth = 0
        for i in range(len(why) - 1, -1, -1):
            depth += (why[i] == ")") - (why[i] == "(")
            if depth == 0:
                return why[:i].rstrip() if i > 0 else why
    return why


def kept_flagged(flags: dict[str, str]) -> list[str]:
    """The caveat on donors kept despite a flag (``StudyDesign.donor_flags``, unit -> reason).

    One reason: ``"donor(s) QAT kept although <reason>"``. Several: one line that
    names each group by the first clause of its reason (the reasons' shared clauses,
    such as the years the quota registry does not cover, would otherwise repeat once
    per group); the reasons in full stay in the study's ``donor_flags``.
    """
    by_reason: dict[str, list[str]] = {}
    for unit, why in flags.items():
        by_reason.setdefault(why, []).append(unit)
    if len(by_reason) <= 1:
        return [f"donor(s) {', '.join(us)} kept although {why}" for why, us in by_reason.items()]
    by_lead: dict[str, list[str]] = {}
    for unit, why in flags.items():
        by_lead.setdefault(flag_lead(why), []).append(unit)
    return [f"{len(flags)} donor(s) kept although flagged (each reason in full in the study's "
            "donor flags): "
            + "; ".join(f"{', '.join(us)} {lead}" for lead, us in by_lead.items())]
