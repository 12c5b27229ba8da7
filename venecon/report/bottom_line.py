"""The executive summary's opening: the treated unit's bottom line, episode by episode.

For each episode declared in ``bundled/bottom-line.toml`` (the treated unit is
``[report] treated`` of the configuration) the summary gives the preferred
estimate and why, the range across credible designs, the published figures
read on their own window and concept (:func:`venecon.literature.on_window`),
and the confounders with the bundled figures that measure them. Designs are
the estimates of the treated unit's studies (and their sub-windows), each with
its verdict (:attr:`~venecon.study.StudyResults.verdict`, or the estimate's own
where it has one).

The rule for "preferred", written once here and printed in the report: among
the designs whose verdict is ``"credible"``, the one with the smallest
pre-period fit error relative to the counterfactual's level; ties go to a
design with an interval, then to fewer caveats. With no credible design the
summary says so and gives the range across the fragile ones, labelled fragile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._text import plural, sentence
from .blocks import Block, Doc, est, num

__all__ = ["EpisodeEstimate", "declaration", "designs", "preferred", "bottom_line"]

DECLARATION = "bottom-line.toml"


@dataclass(frozen=True)
class EpisodeEstimate:
    """One estimate of an episode: which study and estimator, its window, value and verdict."""

    study: str
    title: str
    label: str
    window: tuple[str, str]
    effect: float
    lower: float | None
    upper: float | None
    unit: str
    verdict: str | None
    reasons: tuple[str, ...]
    relative_fit: float | None
    caveats: int
    path: Any = None
    outcome: str = ""

    @property
    def name(self) -> str:
        return f"{self.label}, {self.window[0]}..{self.window[1]}, study `{self.study}`"

    def value(self) -> str:
        return f"{est(self.effect, self.lower, self.upper)} {self.unit}"


def declaration() -> dict[str, Any]:
    """The bundled declaration (``bundled/bottom-line.toml``) as a dict."""
    from importlib import resources

    from ..userfiles import parse_toml

    text = resources.files(__package__).joinpath("bundled", DECLARATION).read_text(
        encoding="utf-8")
    return parse_toml(text)


def _verdict(r: Any, e: Any) -> tuple[str | None, tuple[str, ...]]:
    own = getattr(e, "verdict", None)
    if own is not None:
        return own, tuple(getattr(e, "verdict_reasons", ()) or ())
    return getattr(r, "verdict", None), tuple(getattr(r, "verdict_reasons", ()) or ())


def _episode_dates(r: Any) -> list[tuple[str, Any]]:
    import pandas as pd

    design = r.study.design
    out = [(r.study.treatment.label or "treatment", pd.Timestamp(design.treatment_date))]
    for name, date in design.other_events:
        try:
            out.append((name, pd.Timestamp(date)))
        except (ValueError, TypeError):
            continue
    return sorted(out, key=lambda kv: kv[1])


def _starts(window: tuple[str, str]) -> Any:
    import pandas as pd

    first = window[0]
    return pd.Timestamp(int(first), 12, 31) if first.isdigit() else pd.Timestamp(first)


def designs(studies: Sequence[Any], treated: str, episode: str) -> list[EpisodeEstimate]:
    """Every estimate of ``treated``'s studies that belongs to ``episode`` (a treatment label).

    A study belongs to the episode of its treatment label; a sub-window of an
    estimate (``extra["by_window"]``) belongs to the latest of the study's
    events dated at or before the sub-window's start (a year counts from its
    last day, so an event within the first year of a window still opens it).
    Estimates whose window is not a span of periods (local projections'
    horizons) are left out: they are not an average effect over a window.
    """
    out = []
    for r in studies:
        if r.study.treated != treated or not r.identified:
            continue
        own = r.study.treatment.label
        for e in r.estimates.values():
            if not all(str(w)[:4].isdigit() for w in e.window):
                continue
            verdict, reasons = _verdict(r, e)
            rel = None
            if e.pre_rmspe is not None and e.counterfactual_mean:
                rel = e.pre_rmspe / abs(e.counterfactual_mean)
            base = dict(study=r.study.name, title=r.study.title, verdict=verdict,
                        reasons=reasons, relative_fit=rel, caveats=len(e.caveats),
                        unit=e.unit, outcome=_outcome(r))
            if own == episode:
                out.append(EpisodeEstimate(
                    label=e.label, window=tuple(e.window), effect=e.average_effect,
                    lower=e.lower, upper=e.upper, path=e.path.get("effect"), **base))
            by_window = (e.extra or {}).get("by_window") or {}
            for sub, w in sorted(by_window.items()):
                window = tuple(str(x) for x in w["window"])
                start = _starts(window)
                opened = [n for n, d in _episode_dates(r) if d <= start]
                if opened and opened[-1] == episode and not (own == episode
                                                            and window == tuple(e.window)):
                    out.append(EpisodeEstimate(
                        label=f"{e.label}, sub-window {sub}", window=window,
                        effect=w["average_effect"], lower=w.get("lower"),
                        upper=w.get("upper"), path=None, **base))
    return out


def _outcome(r: Any) -> str:
    o = r.study.outcome
    if o.dataset is None:
        return "the user's panel"
    chosen = (r.data_choices or {}).get("source", "")
    return f"{o.dataset}:{o.series}" + (f" ({chosen.split(':', 1)[0]})" if chosen else "")


def preferred(candidates: Sequence[EpisodeEstimate]) -> EpisodeEstimate | None:
    """The credible design with the best diagnostics (see the module docstring), or None."""
    credible = [d for d in candidates if d.verdict == "credible"]
    if not credible:
        return None
    return min(credible, key=lambda d: (math.inf if d.relative_fit is None else d.relative_fit,
                                        d.lower is None, d.caveats, d.study, d.label))


def _range(ds: Sequence[EpisodeEstimate]) -> str:
    lo, hi = min(d.effect for d in ds), max(d.effect for d in ds)
    units = sorted({d.unit for d in ds})
    return f"{num(lo)} to {num(hi)} {'/'.join(units)}"


def _episode_text(name: str, ds: list[EpisodeEstimate]) -> list[str]:
    if not ds:
        return [f"**{name[:1].upper() + name[1:]}**: no study of this episode ran."]
    best = preferred(ds)
    credible = [d for d in ds if d.verdict == "credible"]
    fragile = [d for d in ds if d.verdict == "fragile"]
    unrated = [d for d in ds if d.verdict is None]
    failed = [d for d in ds if d.verdict == "not identified"]
    head = f"**{name[:1].upper() + name[1:]}.** "
    if best is not None:
        text = (head + f"Preferred estimate: **{best.value()}** ({best.name}), the credible "
                "design with the smallest pre-period fit error relative to the outcome's level")
        text += f"; why credible: {'; '.join(best.reasons)}." if best.reasons else "."
        if len(credible) > 1:
            text += (f" Across the {plural(len(credible), 'credible design')} the average "
                     f"effect runs from {_range(credible)}: " + "; ".join(
                         f"{d.value()} ({d.name})" for d in credible) + ".")
        else:
            text += " It is the only credible design."
    elif not fragile and not failed:
        text = head + "No verdict was recorded for this episode's designs, so none is preferred."
    else:
        text = head + "No design of this episode is rated credible"
        if fragile:
            text += (f"; the {plural(len(fragile), 'fragile design')} run from "
                     f"{_range(fragile)} (fragile, not a preferred estimate): " + "; ".join(
                         f"{d.value()} ({d.name})" for d in fragile) + ".")
        else:
            text += "."
    if unrated:
        text += (f" Without a verdict ({plural(len(unrated), 'design')}, range "
                 f"{_range(unrated)}; unrated, not a preferred estimate): " + "; ".join(
                     f"{d.value()} ({d.name})" for d in unrated) + ".")
    for d in failed:
        text += f" Not identified: {d.name}" + (f" ({d.reasons[0]})" if d.reasons else "") + "."
    for d in fragile if best is not None else []:
        why = f": {'; '.join(d.reasons)}" if d.reasons else ""
        text += f" Fragile: {d.value()} ({d.name}){why}."
    return [text]


def _published_text(item: dict[str, Any], ds: list[EpisodeEstimate]) -> str | None:
    from ..literature import on_window, published

    entry = published(item["key"])
    fig = entry.get("kbd")
    if fig is None or fig.window is None:
        return None
    w = fig.window
    rows = []
    for d in ds:
        if d.path is None:
            continue
        got = on_window(d.path, w)
        if got is None:
            continue
        span = got["first"] if got["first"] == got["last"] else f"{got['first']}..{got['last']}"
        rows.append(f"{d.label} ({d.study}, {d.outcome}): average {num(got['average'])}, "
                    f"end of window {num(got['end'])} {d.unit} over {span}")
    text = (f"**Published, on the same window and concept.** {entry.study}: "
            f"{fig.text} {entry.tag} (a decline: {num(-fig.value)} {fig.unit} as an effect). "
            f"Matching window {w[0]}..{w[1]}; concept: {fig.concept}. ")
    if rows:
        text += "venecon on that window: " + "; ".join(rows) + ". "
    else:
        text += "No venecon design of the episode covers that window. "
    return text + (fig.window_note or "")


def _measure_text(m: dict[str, Any]) -> str:
    from .. import load

    frame = load(m["dataset"], country=m["country"], series=m["series"])
    if m.get("source"):
        frame = frame[frame["source"] == m["source"]]
    values = []
    for p in m["periods"]:
        hit = frame[frame["date"].astype(str).str.startswith(str(p))]
        if len(hit):
            values.append(f"{num(float(hit['value'].iloc[0]))} ({p})")
    unit = str(frame["unit"].iloc[0]) if len(frame) else ""
    if not values:
        return f"{m['label']}: no bundled figure for {', '.join(map(str, m['periods']))}"
    return f"{m['label']}, {unit}: " + ", ".join(values)


def _confounder_text(c: dict[str, Any], studies: Sequence[Any], all_designs: list[EpisodeEstimate],
                     treated: str) -> str:
    text = f"**{c['name']}.** {c['text'].strip()}"
    figures = [_measure_text(m) for m in c.get("measures", [])]
    if c.get("donor_weights"):
        for r in studies:
            if r.study.treated != treated or not r.identified:
                continue
            for e in r.estimates.values():
                if e.weights:
                    top = sorted(e.weights.items(), key=lambda kv: -kv[1])[:5]
                    figures.append(f"donor weights of {r.study.name} ({e.label}): " + ", ".join(
                        f"{u} {w:.3f}" for u, w in top))
    if c.get("window_includes"):
        month = c["window_includes"]
        inside = [d for d in all_designs if _covers(d.window, month)]
        figures.append("windows that include it: " + ("; ".join(
            f"{d.name}: {d.value()}" for d in inside) if inside else "none"))
    return sentence(text + (" Figures: " + "; ".join(figures) if figures else ""))


def _covers(window: tuple[str, str], month: str) -> bool:
    a, b = window  # "YYYY" or "YYYY-MM": compare the month at each bound's resolution
    return a <= month[: len(a)] and month[: len(b)] <= b


def bottom_line(studies: Sequence[Any], treated: str) -> list[Block]:
    """The blocks of the bottom line for ``treated`` (empty when none of its studies ran)."""
    if not any(r.study.treated == treated for r in studies):
        return []
    decl = declaration()
    d = Doc()
    d.h(3, f"{decl['country']}: the bottom line")
    d.p("Preferred estimate: among the designs whose verdict is credible, the one with the "
        "smallest pre-period fit error relative to the counterfactual's level (ties: an "
        "interval, then fewer caveats). Ranges are across credible designs only; with no "
        "credible design the range shown is across fragile ones and says so. Effects are "
        "treated minus counterfactual (negative: a loss); windows differ between designs "
        "and are printed with each.")
    by_episode = {ep["label"]: designs(studies, treated, ep["label"]) for ep in decl["episodes"]}
    for ep in decl["episodes"]:
        for text in _episode_text(ep["name"], by_episode[ep["label"]]):
            d.p(text)
    for item in decl.get("published", []):
        text = _published_text(item, by_episode.get(item["episode"], []))
        if text:
            d.p(text)
    everything = [x for ds in by_episode.values() for x in ds]
    d.p("**Confounders, where the numbers are.**")
    for c in decl.get("confounders", []):
        d.p(_confounder_text(c, studies, everything, treated))
    return d.blocks
