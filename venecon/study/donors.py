"""Donor screens from the bundled registries: armed conflict (UCDP/PRIO) and OPEC+ quotas.

Each screen returns, per unit, the reason it is excluded (or flagged when the
study keeps it). The reasons name the years and the registry, so a reader can
check them: ``venecon.load("conflicts")`` and ``venecon.load("opec_quotas")``.

Rules
-----
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

__all__ = ["year_spans", "conflict_screen", "quota_screen", "treated_conflicts"]


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
