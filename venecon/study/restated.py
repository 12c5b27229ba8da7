"""The caveats to write beside a verdict: those its reasons do not already state, each once.

The verdict rule (:mod:`venecon.study.verdict`) re-reads several diagnostics that
already raised a caveat (an interval covering zero, a short pre-period, a placebo
rank, trend extrapolation, the treated unit's own earlier sanctions, its
confounders), and the study repeats an estimate's flagged data rows. A paragraph
that gives the verdict's reasons and then every caveat says those things twice.

A caveat and a verdict reason that state the same diagnostic carry the same
topic (a :class:`Statement`, one of the topic constants below);
:func:`beside_verdict` keeps the caveats whose topic no reason and no earlier
caveat covers, however either is worded, and writes a sentence shared by several
of them (the advice closing each uninformative ITS interval) once.

``results.json`` keeps every caveat (``caveats``, ``estimates.<e>.caveats``) and
every reason (``verdict_reasons``) as plain strings; only the sentences built
from them are shorter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = [
    "Statement",
    "topic_of",
    "beside_verdict",
    "CONFOUNDERS",
    "DONOR_RANGE",
    "EARLIER_EVENT",
    "EXTENDED_MODEL",
    "FLAGGED_ROWS",
    "INTERVAL_COVERS_ZERO",
    "PLACEBO_RANK",
    "PRE_PERIOD_FIT",
    "PRE_PERIOD_SANCTIONS",
    "SHORT_PRE_PERIOD",
    "SINGLETON_COHORTS",
    "STAGGERED_TWFE",
    "TREND_CARRIED",
]

#: The treated unit's own confounding events (``StudyDesign.confounders``).
CONFOUNDERS = "confounders"
#: The treated unit's pre-period level outside the donors' range (synthetic control).
DONOR_RANGE = "donor_range"
#: The counterfactual starts at a modelled event before the treatment (ITS).
EARLIER_EVENT = "earlier_event"
#: The counterfactual extends the pre-period model over a long post window (ITS).
EXTENDED_MODEL = "extended_model"
#: Data rows of the treated unit that the source flags as estimates.
FLAGGED_ROWS = "flagged_rows"
#: The estimate's interval covers zero.
INTERVAL_COVERS_ZERO = "interval_covers_zero"
#: The treated unit's placebo rank among the donors (synthetic control).
PLACEBO_RANK = "placebo_rank"
#: The pre-period fit error against the treated outcome.
PRE_PERIOD_FIT = "pre_period_fit"
#: The treated unit's own earlier sanctions in force in the pre-period.
PRE_PERIOD_SANCTIONS = "pre_period_sanctions"
#: Fewer pre-treatment periods than :data:`venecon.study.estimators.FEW_PRE`.
SHORT_PRE_PERIOD = "short_pre_period"
#: Cohorts of one treated unit (clustered errors on one cluster).
SINGLETON_COHORTS = "singleton_cohorts"
#: Two-way fixed effects under staggered adoption.
STAGGERED_TWFE = "staggered_twfe"
#: The pre-period trend carried forward into the counterfactual (ITS, ARIMA).
TREND_CARRIED = "trend_carried"

_SENTENCE = re.compile(r"(?<=\.) (?=[A-Z])")


class Statement(str):
    """A caveat or verdict reason: its text, and the topic of the diagnostic it states.

    A ``str`` (so every listing, table and ``results.json`` keeps the text as it
    was); ``topic`` is read by :func:`beside_verdict` only. A string built from a
    statement (``f"{unit}: {c}"``) is a new sentence with no topic.
    """

    def __new__(cls, topic: str, text: str) -> Statement:
        self = super().__new__(cls, text)
        object.__setattr__(self, "topic", topic)
        return self

    topic: str

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Statement is immutable (cannot set {name!r})")

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (Statement, (self.topic, str(self)))

    def __repr__(self) -> str:
        return f"Statement({self.topic!r}, {str(self)!r})"


def topic_of(text: str) -> str:
    """The topic of a :class:`Statement`; ``""`` for a plain string."""
    return getattr(text, "topic", "")


def _once(texts: Sequence[str]) -> list[str]:
    """Drop a sentence that a later text repeats (and a text left empty)."""
    split = [_SENTENCE.split(t.rstrip(".")) for t in texts]
    out = []
    for i, sentences in enumerate(split):
        later = {s for other in split[i + 1:] for s in other}
        kept = [s for s in sentences if s not in later]
        if kept:
            out.append(" ".join(kept))
    return out


def beside_verdict(
    caveats: Sequence[str], reasons: Sequence[str], said: Sequence[str] = ()
) -> list[str]:
    """The caveats no reason states, in order, each sentence once.

    A caveat is dropped when a reason, a caveat in ``said`` (written elsewhere in
    the same paragraph: an estimate's own, beside the study's) or an earlier
    caveat has its topic, or when an earlier caveat has its text.
    """
    covered = {topic_of(x) for x in (*reasons, *said)}
    kept: list[str] = []
    for c in caveats:
        topic = topic_of(c)
        if c in kept or (topic and topic in covered):
            continue
        kept.append(c)
        covered.add(topic)
    return _once(kept)
