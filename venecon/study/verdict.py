"""The verdict rule: is an estimate "credible", "fragile" or "not identified", and why.

One rule (:func:`judge_estimate`) reads an estimate's own diagnostics and the
study's design and returns a :class:`Verdict`: the worst level any diagnostic
reaches, with one plain-English reason per diagnostic, each starting with
what it reads as (the failures first, then what the estimate passed). The
study's verdict (:func:`judge_study`) is its headline estimate's, judged with
the study's robustness grid; a study that
could not run is "not identified". The thresholds are the module constants
below; the user guide (``docs/guide/robustness.md``) gives the rule as a table.

Diagnostics (each applies where the estimator provides it):

* pre-period fit: pre-period RMSPE over the standard deviation and over the
  mean absolute level of the treated unit's pre-period outcome;
* the effect against the pre-period fit error;
* placebo in space (synthetic control): the treated unit's rank read against
  the smallest p-value the donor count allows;
* placebo in time (synthetic control, ITS): the treatment moved back into the
  pre-period should give no effect;
* leave-one-out (synthetic control): sign and size when each donor is dropped;
* agreement between estimators on the same window;
* donor contamination: synthetic-control weight on donors with a known
  contamination (``StudyDesign.donor_flags``), and a treated level outside the donors';
* trend extrapolation (ITS, ARIMA): the pre-period trend carried forward against
  the effect, the post window against the pre window, an earlier modelled event;
* event studies (Callaway-Sant'Anna, Sun-Abraham, TWFE event study): the joint
  test of the pre-period coefficients; when it passes, the linear pre-trend a pre-test
  detects with 80% probability (Roth 2022), fragile if that trend alone moves the first
  post-period effect as much as its estimate; the HonestDiD relative-magnitudes
  breakdown value of the first post-period effect (Rambachan and Roth 2023);
  two-way fixed effects under staggered adoption;
* several treated units fitted one at a time (synthetic control): the placebo
  test of their mean (Cavallo et al. 2013, :func:`venecon.study.adapters.pooled.pooled_placebo`)
  when every unit has placebos, else each unit's placebo rank;
* the treated unit's confounders (``StudyDesign.confounders``) and its own earlier
  sanctions that began or ended inside the pre-period (one in force throughout is a
  background the effect is incremental to); a short pre-period; the robustness grid's sign.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .data import fmt_period, to_period
from .donors import flag_lead
from .estimators import FEW_PRE, LONG_POST, POOR_FIT, placebo_reading
from .restated import (
    CONFOUNDERS,
    DONOR_RANGE,
    EARLIER_EVENT,
    EXTENDED_MODEL,
    INTERVAL_COVERS_ZERO,
    PLACEBO_RANK,
    PRE_PERIOD_FIT,
    PRE_PERIOD_SANCTIONS,
    SHORT_PRE_PERIOD,
    SINGLETON_COHORTS,
    STAGGERED_TWFE,
    TREND_CARRIED,
    Statement,
)

__all__ = [
    "CREDIBLE",
    "FRAGILE",
    "NOT_IDENTIFIED",
    "VERDICTS",
    "FIT_FAIL",
    "FIT_WEAK",
    "EFFECT_TO_FIT",
    "IN_TIME_FAIL",
    "IN_TIME_WEAK",
    "LOO_CHANGE",
    "AGREE_FACTOR",
    "FLAGGED_WEIGHT",
    "TREND_DOMINATES",
    "SAME_SIGN",
    "BREAKDOWN_WEAK",
    "Finding",
    "Verdict",
    "Evidence",
    "judge_estimate",
    "judge_study",
    "not_run",
    "count_text",
]

CREDIBLE = "credible"
FRAGILE = "fragile"
NOT_IDENTIFIED = "not identified"
#: The verdicts, best first.
VERDICTS = (CREDIBLE, FRAGILE, NOT_IDENTIFIED)
_PASS = "pass"
_RANK = {_PASS: 0, CREDIBLE: 0, FRAGILE: 1, NOT_IDENTIFIED: 2}
#: How each reason starts: what its diagnostic reads as.
_READS = {_PASS: "passed", FRAGILE: "fragile", NOT_IDENTIFIED: "not identified"}

#: Pre-period RMSPE / standard deviation of the treated pre-period outcome above which the
#: estimate is not identified: a counterfactual whose error exceeds the outcome's own
#: variation tracks the pre-period worse than its flat mean would.
FIT_FAIL = 1.0
#: The same ratio above which the estimate is fragile: the counterfactual misses half or
#: more of the outcome's pre-period variation.
FIT_WEAK = 0.5
#: |effect| / pre-period RMSPE at or below which the estimate is fragile: an effect no larger
#: than the counterfactual's error before the treatment cannot be told from that error.
EFFECT_TO_FIT = 1.0
#: |in-time placebo effect| / |effect| above which the estimate is not identified: the design
#: finds an effect as large as the estimate where there was no treatment.
IN_TIME_FAIL = 1.0
#: The same ratio above which the estimate is fragile: half the estimate or more could be the
#: design's own error.
IN_TIME_WEAK = 0.5
#: Largest relative change of the effect when one donor is dropped before the estimate is
#: fragile: a synthetic control that one donor moves by half is that donor's story.
LOO_CHANGE = 0.5
#: Factor between two estimators' effects on the same window above which both are fragile:
#: within a factor of 2 the estimators tell the same story of size; beyond it, they do not.
AGREE_FACTOR = 2.0
#: Share of synthetic-control weight on flagged donors above which the estimate is fragile:
#: when most of the counterfactual is contaminated units, it carries their shocks.
FLAGGED_WEIGHT = 0.5
#: |trend carried into the post window| / |effect| above which a time-series estimate is
#: fragile: the counterfactual's own extrapolation then moves more than the effect.
TREND_DOMINATES = 1.0
#: Share of robustness specifications with the headline's sign below which the study is
#: fragile: one in five alternatives reversing the sign is not a robust sign.
SAME_SIGN = 0.8

#: HonestDiD relative-magnitudes breakdown value (``Mbar``) below which an event-study
#: estimate is fragile: a post-treatment violation of parallel trends smaller than the largest
#: pre-period one would already make the first effect's robust interval include zero.
BREAKDOWN_WEAK = 1.0

_SHORT = {"synthetic_control": "SC", "its": "ITS", "arima": "ARIMA"}
_COUNTERFACTUAL = tuple(_SHORT)


@dataclass(frozen=True)
class Finding:
    """One diagnostic read: its level ("pass", "fragile", "not identified") and reason.

    ``topic`` (:mod:`venecon.study.restated`) is the diagnostic's, when a caveat can
    state it too: a paragraph that gives this reason does not repeat that caveat.
    """

    level: str
    reason: str
    topic: str = ""


@dataclass(frozen=True)
class Verdict:
    """A verdict ("credible", "fragile", "not identified") and its reasons, worst first.

    Each reason starts with what its diagnostic reads as ("not identified: ...",
    "fragile: ...", "passed: ...") and is a :class:`~venecon.study.restated.Statement`
    carrying its finding's topic.
    """

    verdict: str
    reasons: tuple[str, ...]

    @classmethod
    def from_findings(cls, findings: Sequence[Finding]) -> Verdict:
        worst = max((_RANK[f.level] for f in findings), default=0)
        ordered = sorted(findings, key=lambda f: -_RANK[f.level])
        return cls(VERDICTS[worst], tuple(Statement(f.topic, f"{_READS[f.level]}: {f.reason}")
                                         for f in ordered))


@dataclass(frozen=True)
class Evidence:
    """What the rule reads besides the estimate: the design and the treated pre-period."""

    treatment_period: Any
    frequency: str
    #: The treated unit's outcome over the pre window (a Series indexed by period).
    pre_outcome: Any
    alpha: float = 0.05
    confounders: tuple[str, ...] = ()
    donor_flags: Mapping[str, str] = field(default_factory=dict)
    #: The treated unit's earlier sanctions: ``(description, in force throughout)`` pairs
    #: (:func:`venecon.study.data.treated_episode_list`).
    treated_episodes: tuple[tuple[str, bool], ...] = ()
    n_pre: int = 0
    #: Why the outcome cannot identify the treatment, when the study lists its own outcome
    #: among ``[study.level] descriptive`` (empty: the outcome measures what it acts on).
    descriptive: str = ""


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _period(text: str, frequency: str) -> Any:
    return to_period(int(text) if frequency == "annual" else text, frequency, "window")


# --------------------------------------------------------------------------- diagnostics


def _fit(e: Any, ev: Evidence) -> list[Finding]:
    import numpy as np

    y = np.asarray(ev.pre_outcome, dtype="float64")
    if e.pre_rmspe is None or len(y) < 2:
        return []
    sd, level, r = float(np.std(y, ddof=1)), float(np.mean(np.abs(y))), float(e.pre_rmspe)
    to_sd = r / sd if sd > 0 else math.inf
    to_level = r / level if level > 0 else math.inf
    text = (
        f"pre-period fit: RMSPE {_num(r)} {e.unit} is {to_sd:.2g} times the standard deviation "
        f"({_num(sd)}) and {100 * to_level:.0f}% of the mean level ({_num(level)}) of the "
        "treated pre-period outcome"
    )
    out = []
    if to_sd > FIT_FAIL:
        out.append(Finding(NOT_IDENTIFIED, text + ": the counterfactual does not track the "
                           "pre-period (worse than the outcome's own variation)", PRE_PERIOD_FIT))
    elif to_sd > FIT_WEAK or to_level > POOR_FIT:
        out.append(Finding(FRAGILE, text + f" (fragile above {FIT_WEAK:g} times the standard "
                           f"deviation or {100 * POOR_FIT:.0f}% of the level)", PRE_PERIOD_FIT))
    else:
        out.append(Finding(_PASS, text, PRE_PERIOD_FIT))
    if abs(e.average_effect) <= EFFECT_TO_FIT * r:
        out.append(Finding(FRAGILE, f"the effect ({_num(e.average_effect)} {e.unit}) is no "
                           f"larger than the pre-period fit error (RMSPE {_num(r)})"))
    return out


def _placebo_space(e: Any) -> list[Finding]:
    rank, n = e.extra.get("placebo_rank"), e.extra.get("placebo_units")
    if rank is None or n is None:
        return []
    text = placebo_reading(int(rank), int(n), e.alpha)
    if rank == 1 or rank / n <= e.alpha:
        return [Finding(_PASS, text, PLACEBO_RANK)]
    return [Finding(FRAGILE, text + ": the treated gap is within the range of the donors' "
                    "placebo gaps", PLACEBO_RANK)]


def _placebo_time(e: Any) -> list[Finding]:
    p = e.extra.get("in_time_placebo")
    if not p:
        return []
    if "average_effect" not in p:
        return []  # the reason is given with the missing placebo test (judge_estimate)
    x = float(p["average_effect"])
    if not math.isfinite(x):
        return []
    ratio = abs(x) / abs(e.average_effect) if e.average_effect else math.inf
    text = (
        f"in-time placebo: with the treatment moved back to {p['moved_to']} the effect over "
        f"{p['window'][0]} to {p['window'][1]} is {_num(x)} {e.unit}, "
        f"{100 * ratio:.0f}% of the estimate"
    )
    if ratio > IN_TIME_FAIL:
        return [Finding(NOT_IDENTIFIED, text + ": the design finds a larger effect where there "
                        "was no treatment")]
    if ratio > IN_TIME_WEAK:
        return [Finding(FRAGILE, text + f" (fragile above {100 * IN_TIME_WEAK:.0f}%)")]
    return [Finding(_PASS, text)]


def _leave_one_out(e: Any, rob: Any) -> list[Finding]:
    vals = dict(e.extra.get("leave_one_out") or {})
    if not vals and rob is not None:
        t = rob.table
        rows = t[(t["dimension"] == "donors") & (t["status"] == "ok")
                 & t["value"].astype(str).str.startswith("without ")]
        vals = {str(v)[len("without "):]: float(x) for v, x in zip(rows["value"], rows["estimate"],
                                                                   strict=True)}
    if not vals:
        return []
    est = e.average_effect
    lo, hi = min(vals.values()), max(vals.values())
    flips = sorted(k for k, v in vals.items() if v * est < 0)
    change = max(abs(v - est) for v in vals.values()) / abs(est) if est else math.inf
    text = (f"leave-one-out: dropping each of {len(vals)} donor(s) in turn gives "
            f"{_num(lo)} to {_num(hi)} {e.unit}")
    if flips:
        return [Finding(FRAGILE, text + f"; the sign flips without {', '.join(flips)}")]
    if change > LOO_CHANGE:
        return [Finding(FRAGILE, text + f"; one donor moves the estimate by {100 * change:.0f}% "
                        f"(fragile above {100 * LOO_CHANGE:.0f}%)")]
    return [Finding(_PASS, text + f" (at most {100 * change:.0f}% from the estimate)")]


def _agreement(key: str, e: Any, others: Mapping[str, Any]) -> list[Finding]:
    """Compare with every other counterfactual estimator on the same window(s)."""
    if key not in _COUNTERFACTUAL:
        return []
    mine = {tuple(e.window): e.average_effect}
    for w in (e.extra.get("by_window") or {}).values():
        mine[tuple(w["window"])] = w["average_effect"]
    out = []
    for other, windows in sorted(others.items()):
        if other == key:
            continue
        for window, b in sorted(windows.items()):
            a = mine.get(window)
            if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
                continue
            who = f"{_SHORT[key]} and {_SHORT[other]}"
            span = f"{window[0]}-{window[1]}" if "-" not in window[0] else \
                f"{window[0]} to {window[1]}"
            vals = f"({_num(a)} vs {_num(b)} {e.unit})"
            if a * b < 0:
                out.append(Finding(FRAGILE, f"{who} disagree in sign over {span} {vals}"))
                continue
            lo, hi = sorted((abs(a), abs(b)))
            factor = hi / lo if lo > 0 else math.inf
            if factor > AGREE_FACTOR:
                out.append(Finding(FRAGILE, f"{who} differ by a factor of {factor:.1f} over "
                                   f"{span} {vals}"))
            else:
                out.append(Finding(_PASS, f"{who} agree within a factor of {factor:.1f} over "
                                   f"{span} {vals}"))
    return out


def _donors(e: Any, ev: Evidence) -> list[Finding]:
    out = []
    w = dict(e.weights or {})
    flagged = {u: w[u] for u in ev.donor_flags if w.get(u, 0) > 1e-3}
    if flagged:
        share = sum(flagged.values())
        # each donor's flag by its first clause: the clauses the flags share (the years a
        # registry does not cover) would repeat once per donor; in full in `donor_flags`
        names = "; ".join(f"{u} {w:.3g}: {flag_lead(ev.donor_flags[u])}"
                          for u, w in sorted(flagged.items(), key=lambda kv: (-kv[1], kv[0])))
        text = (f"{100 * share:.0f}% of the synthetic control's weight is on flagged donors "
                f"({names})")
        level = FRAGILE if share > FLAGGED_WEIGHT else _PASS
        out.append(Finding(level, text + (f" (fragile above {100 * FLAGGED_WEIGHT:.0f}%)"
                                          if level == FRAGILE else "")))
    rng, mean = e.extra.get("donor_pre_range"), e.extra.get("treated_pre_mean")
    if rng is not None and mean is not None and not rng[0] <= mean <= rng[1]:
        out.append(Finding(FRAGILE, f"the treated unit's pre-period mean ({_num(mean)} {e.unit}) "
                           f"lies outside the donors' ({_num(rng[0])} to {_num(rng[1])}): no "
                           "convex combination of donors matches its level", DONOR_RANGE))
    return out


def _trend(e: Any, ev: Evidence) -> list[Finding]:
    import pandas as pd

    events = e.extra.get("events") or {}
    p = e.path
    if not events or "counterfactual" not in p:
        return []
    origin = min(_as_period(pd.Timestamp(d), ev.frequency) for d in events.values())
    out = []
    if origin < ev.treatment_period:
        first = min(events, key=lambda k: events[k])
        out.append(Finding(FRAGILE, f"the counterfactual is the path before an earlier modelled "
                           f"event ({first}, {fmt_period(origin)}): the effect combines the "
                           "treatment with it", EARLIER_EVENT))
    a, b = (_period(x, ev.frequency) for x in e.window)
    post = p[(p.index >= a) & (p.index <= b)]["counterfactual"].astype(float)
    before = p[p.index < origin]["counterfactual"].astype(float).dropna()
    at = p[p.index >= origin]["counterfactual"].astype(float).dropna()
    base = before.iloc[-1] if len(before) else (at.iloc[0] if len(at) else math.nan)
    added = float(post.mean() - base)
    if math.isfinite(added):
        last = float(post.iloc[-1] - base)
        text = (f"trend extrapolation: carried forward from the last pre-period, the pre-period "
                f"model adds {added:+,.4g} {e.unit} on average to the counterfactual over "
                f"{e.window[0]} to {e.window[1]} ({last:+,.4g} by {e.window[1]}), against an "
                f"effect of {_num(e.average_effect)}")
        if abs(added) > TREND_DOMINATES * abs(e.average_effect):
            out.append(Finding(FRAGILE, text + ": the extrapolated trend, not the data, "
                               "dominates the counterfactual", TREND_CARRIED))
        else:
            out.append(Finding(_PASS, text, TREND_CARRIED))
    n_pre = int((ev.pre_outcome.index < origin).sum())
    n_post = int(((p.index >= origin) & (p.index <= b)).sum())
    if n_pre and n_post / n_pre > LONG_POST:
        out.append(Finding(FRAGILE, f"the counterfactual extends the pre-period model {n_post} "
                           f"periods from {n_pre} pre-periods (fragile above a ratio of "
                           f"{LONG_POST:g})", EXTENDED_MODEL))
    return out


def _as_period(date: Any, frequency: str) -> Any:
    return int(date.year) if frequency == "annual" else date.to_period("M").to_timestamp()


def _interval(e: Any) -> list[Finding]:
    if e.lower is None or e.upper is None:
        return []
    text = f"the {100 * (1 - e.alpha):g}% interval [{_num(e.lower)}, {_num(e.upper)}]"
    if e.lower <= 0 <= e.upper:
        return [Finding(FRAGILE, text + " covers zero", INTERVAL_COVERS_ZERO)]
    return [Finding(_PASS, text + " excludes zero")]


def _confounder_head(text: str) -> str:
    """``"LBY: armed conflict in the treatment window 1986-2025"`` of a confounder line.

    A confounder reads "unit: event: details" (:func:`venecon.study.donors.treated_conflicts`);
    a line without that shape is its own head.
    """
    return ": ".join(text.split(": ", 2)[:2])


def _design(ev: Evidence) -> list[Finding]:
    out = []
    if len(ev.confounders) == 1:
        out.append(Finding(FRAGILE, f"confounding event in the treated unit: {ev.confounders[0]}",
                           CONFOUNDERS))
    elif ev.confounders:
        # one diagnostic, one reason: the units and windows here, each in full in `confounders`
        out.append(Finding(FRAGILE, "the effect mixes the treatment with confounding events in "
                           f"{len(ev.confounders)} treated units (each in full in the study's "
                           "confounders): "
                           + "; ".join(_confounder_head(c) for c in ev.confounders),
                           CONFOUNDERS))
    moved = [n for n, throughout in ev.treated_episodes if not throughout]
    background = [n for n, throughout in ev.treated_episodes if throughout]
    if moved:
        out.append(Finding(FRAGILE, "the pre-period is not sanction-free: "
                           f"{'; '.join(moved)} began or ended inside it", PRE_PERIOD_SANCTIONS))
    if background:
        out.append(Finding(_PASS, f"the effect is incremental to sanctions in force over the "
                           f"whole pre-period and after the treatment ({'; '.join(background)})",
                           PRE_PERIOD_SANCTIONS))
    few = FEW_PRE[ev.frequency]
    if ev.n_pre < few:
        per = "years" if ev.frequency == "annual" else "months"
        out.append(Finding(FRAGILE, f"only {ev.n_pre} pre-treatment {per} (fewer than {few})",
                           SHORT_PRE_PERIOD))
    return out


def _pretest_power(e: Any, power: Mapping[str, Any]) -> list[Finding]:
    """Roth (2022): could a trend the pre-test would likely miss explain the first effect?

    A linear pre-trend of the slope the pre-test detects with probability
    ``power["power"]`` shifts the first post-period effect (one period after the
    reference period) by one slope; if that reaches the effect itself, passing the
    pre-test says little.
    """
    path = e.path
    if path is None or 0 not in path.index or not math.isfinite(path.loc[0, "effect"]):
        return []
    first, slope = float(path.loc[0, "effect"]), abs(float(power["slope"]))
    text = (f"pre-test power (Roth 2022): a test rejecting when any pre-period coefficient is "
            f"significant detects a linear pre-trend with {100 * power['power']:g}% probability "
            f"only from a slope of {_num(slope)} {e.unit} per period; that trend alone moves the "
            f"first effect by {_num(slope)} (estimate {_num(first)})")
    if slope >= abs(first):
        return [Finding(FRAGILE, text + ": a trend the pre-test would likely miss could explain "
                        "it")]
    return [Finding(_PASS, text)]


def _event_study(e: Any) -> list[Finding]:
    """Pre-trend test, HonestDiD breakdown value and staggered TWFE (DiD-family adapters)."""
    out = []
    pre = e.extra.get("pretrend_test") or {}
    if "pvalue" in pre:
        text = (f"pre-trend test: the {pre['df']} pre-period coefficient(s) are jointly "
                f"chi2({pre['df']}) = {pre['stat']:.3g}, p-value {pre['pvalue']:.3g}")
        if pre["pvalue"] < e.alpha:
            out.append(Finding(FRAGILE, text + f": parallel pre-trends are rejected at "
                               f"{e.alpha:g}"))
        else:
            out.append(Finding(_PASS, text))
    honest = e.extra.get("honest") or {}
    rejected = "pvalue" in pre and pre["pvalue"] < e.alpha
    if "pretrend_power" in honest and not rejected:
        out += _pretest_power(e, honest["pretrend_power"])
    if "relative_magnitudes" in honest:
        b = honest["relative_magnitudes"]
        if b is None:
            out.append(Finding(_PASS, "HonestDiD: the robust interval of the first effect "
                               "excludes zero over the whole relative-magnitudes search"))
        else:
            text = (f"HonestDiD breakdown value Mbar = {b:.3g} (relative magnitudes): the first "
                    f"effect's robust interval includes zero once post-treatment violations of "
                    f"parallel trends reach {b:.3g} times the largest pre-period one")
            level = FRAGILE if b < BREAKDOWN_WEAK else _PASS
            out.append(Finding(level, text + (f" (fragile below {BREAKDOWN_WEAK:g})"
                                              if level == FRAGILE else "")))
    if e.extra.get("singleton_cohorts"):
        out.append(Finding(FRAGILE, "cohorts of one treated unit ("
                           + ", ".join(e.extra["singleton_cohorts"]) + "): their clustered "
                           "standard errors rest on one cluster each, so the interval and the "
                           "pre-trend test are too narrow", SINGLETON_COHORTS))
    if e.extra.get("staggered_twfe"):
        out.append(Finding(FRAGILE, "two-way fixed effects under staggered adoption: the "
                           "estimate can weight already-treated units as controls "
                           "(Goodman-Bacon 2021)", STAGGERED_TWFE))
    rows = {u: r for u, r in (e.extra.get("by_unit") or {}).items()
            if r.get("placebo_pvalue") is not None}
    by_unit = "placebo in space by treated unit: " + ", ".join(
        f"{u} p = {r['placebo_pvalue']:.3g}" for u, r in sorted(rows.items()))
    pooled = e.extra.get("pooled_placebo") or {}
    if "pvalue" in pooled:
        # the test of the mean itself decides; the units' own p-values are read beside it
        p = pooled["pvalue"]
        text = (f"placebo test of the mean over treated units (Cavallo et al. 2013): p = {p:.3g} "
                f"from {pooled['n_averages']:,} placebo means"
                + (" (a seeded sample)" if pooled.get("sampled") else "")
                + (f"; {by_unit}" if rows else ""))
        out.append(Finding(FRAGILE, text + f" (above {e.alpha:g})") if p > e.alpha
                   else Finding(_PASS, text))
    elif rows:
        above = sorted(u for u, r in rows.items() if r["placebo_pvalue"] > e.alpha)
        out.append(Finding(FRAGILE, by_unit + f"; above {e.alpha:g} for {', '.join(above)}")
                   if above else Finding(_PASS, by_unit))
    return out


def _robustness(e: Any, rob: Any) -> list[Finding]:
    if rob is None or not rob.n_specifications or rob.share_same_sign is None:
        return []
    same = round(rob.share_same_sign * rob.n_specifications)
    text = (f"robustness: {same} of {rob.n_specifications} specifications have the headline's "
            f"sign; the estimates run from {_num(rob.min)} to {_num(rob.max)} {e.unit}")
    if rob.share_same_sign < SAME_SIGN:
        return [Finding(FRAGILE, text + f" (fragile below {100 * SAME_SIGN:.0f}% with the sign)")]
    return [Finding(_PASS, text)]


# --------------------------------------------------------------------------- the rule


def judge_estimate(
    key: str,
    e: Any,
    ev: Evidence,
    others: Mapping[str, Mapping[tuple[str, str], float]] | None = None,
    robustness: Any = None,
) -> Verdict:
    """The verdict of one estimate (an :class:`~venecon.study.Estimate`).

    ``others`` maps other estimators to ``{window: average effect}`` for the
    agreement check; ``robustness`` (the headline's grid) adds the grid's
    leave-one-out rows and sign share.
    """
    findings: list[Finding] = []
    if key == "local_projections":
        findings.append(Finding(FRAGILE, "local projections give the mean response to a one-"
                                "period pulse, not a counterfactual path: no pre-period fit or "
                                "placebo checks it"))
    findings += _fit(e, ev) + _placebo_space(e) + _placebo_time(e)
    if key == "synthetic_control":
        findings += _leave_one_out(e, robustness) + _donors(e, ev)
    if key in ("its", "arima"):
        findings += _trend(e, ev)
    findings += _event_study(e)
    findings += _interval(e) + _agreement(key, e, others or {}) + _design(ev)
    findings += _robustness(e, robustness)
    if ev.descriptive:
        findings.append(Finding(NOT_IDENTIFIED, f"descriptive outcome: {ev.descriptive}"))
    tested = ("placebo_rank" in e.extra
              or "average_effect" in (e.extra.get("in_time_placebo") or {})
              or "pvalue" in (e.extra.get("pretrend_test") or {})
              or "pvalue" in (e.extra.get("pooled_placebo") or {})
              or any(r.get("placebo_pvalue") is not None
                     for r in (e.extra.get("by_unit") or {}).values()))
    if not tested and key != "local_projections":
        why = (e.extra.get("in_time_placebo") or {}).get("not_run")
        findings.append(Finding(FRAGILE, "no placebo test (in space or in time) could be run on "
                                "this estimate" + (f" (in time: {why})" if why else "")))
    return Verdict.from_findings(findings)


def _comparable(estimates: Mapping[str, Any], headline: str, rob: Any) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for k, e in estimates.items():
        if k not in _COUNTERFACTUAL:
            continue
        wins = {tuple(e.window): e.average_effect}
        for w in (e.extra.get("by_window") or {}).values():
            wins[tuple(w["window"])] = w["average_effect"]
        out[k] = wins
    if rob is not None:
        t = rob.table
        rows = t[(t["dimension"] == "estimator") & (t["status"] == "ok")]
        for name, x in zip(rows["estimator"], rows["estimate"], strict=True):
            if name in _COUNTERFACTUAL and name not in out:
                out[name] = {tuple(estimates[headline].window): float(x)}
    return out


def judge_study(
    estimates: Mapping[str, Any], headline: str, ev: Evidence, robustness: Any = None
) -> tuple[dict[str, Verdict], Verdict]:
    """Every estimate's verdict, and the study's: its headline estimate's, with the grid."""
    others = _comparable(estimates, headline, robustness)
    per = {
        k: judge_estimate(k, e, ev, others, robustness if k == headline else None)
        for k, e in estimates.items()
    }
    return per, per[headline]


def not_run(reason: str) -> Verdict:
    """The verdict of a study that could not run."""
    return Verdict.from_findings([Finding(NOT_IDENTIFIED, f"the study did not run: {reason}")])


def count_text(verdicts: Sequence[str], noun: str = "studies") -> str:
    """``"9 studies: 2 credible, 4 fragile, 3 not identified"``."""
    n = len(verdicts)
    parts = [f"{sum(v == x for v in verdicts)} {x}" for x in VERDICTS]
    what = noun
    if n == 1 and noun.endswith("ies"):
        what = noun.removesuffix("ies") + "y"
    return f"{n} {what}: " + ", ".join(parts)
