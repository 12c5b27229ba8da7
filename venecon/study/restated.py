"""The caveats to write beside a verdict: those its reasons do not already state, each once.

The verdict rule (:mod:`venecon.study.verdict`) re-reads several diagnostics that
already raised a caveat (an interval covering zero, a short pre-period, a placebo
rank, trend extrapolation, the treated unit's own earlier sanctions, its
confounders), and the study repeats an estimate's flagged data rows. A paragraph
that gives the verdict's reasons and then every caveat says those things twice;
:func:`beside_verdict` keeps the caveats that add something, and writes a sentence
shared by several of them (the advice closing each uninformative ITS interval) once.

``results.json`` keeps every caveat (``caveats``, ``estimates.<e>.caveats``) and
every reason (``verdict_reasons``); only the sentences built from them are shorter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["PAIRS", "beside_verdict"]

_LEVEL = re.compile(r"^(passed|fragile|not identified): ")
_SENTENCE = re.compile(r"(?<=\.) (?=[A-Z])")

#: ``(caveat, statement)`` patterns: a caveat matching the first is already said by a
#: verdict reason (level prefix removed) or an earlier caveat matching the second. The
#: caveats are worded by :mod:`venecon.study.estimators`, the adapters and
#: :class:`venecon.study.Study`; the reasons by :mod:`venecon.study.verdict`.
PAIRS: tuple[tuple[str, str], ...] = (
    (r"has other recorded sanctions in the pre-period",
     r"^(the pre-period is not sanction-free|the effect is incremental to sanctions)"),
    (r"^the [\d.]+% interval \[.*\] covers zero", r"^the [\d.]+% interval \[.*\] covers zero"),
    (r"^only \d+ pre-treatment", r"^only \d+ pre-treatment"),
    (r"^poor pre-period fit", r"^pre-period fit: "),
    (r"^placebo rank", r"^placebo rank"),
    (r"^trend extrapolation: the counterfactual extends",
     r"^the counterfactual extends the pre-period model"),
    (r"^the counterfactual is the path before the first modelled event",
     r"^the counterfactual is the path before an earlier modelled event"),
    (r"^the counterfactual carries forward a significant pre-period trend",
     r"^trend extrapolation: carried forward"),
    (r"^two-way fixed effects under staggered adoption",
     r"^two-way fixed effects under staggered adoption"),
    (r"cohort\(s\) hold one unit", r"^cohorts of one treated unit"),
    (r"^\d+ flagged data row\(s\) of ", r"^\d+ data row\(s\) in the sample are flagged"),
)


def _said(caveat: str, statements: Sequence[str]) -> bool:
    text = caveat.rstrip(".")
    if any(text in s for s in statements):
        return True
    return any(re.search(c, caveat) and any(re.search(s, x) for x in statements)
               for c, s in PAIRS)


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
    caveats: Sequence[str], reasons: Sequence[str], weighed: Iterable[str] = (),
    said: Sequence[str] = (),
) -> list[str]:
    """The caveats no reason states, in order, each sentence once.

    ``weighed`` are caveats the verdict reads as evidence whatever their wording
    (the study's confounders: one reason names them all); ``said`` are caveats
    written elsewhere in the same paragraph (an estimate's own, beside the study's).
    """
    weighed = set(weighed)
    statements = [_LEVEL.sub("", r) for r in reasons] + list(said)
    kept: list[str] = []
    for c in caveats:
        if c in weighed or c in kept or _said(c, statements + kept):
            continue
        kept.append(c)
    return _once(kept)
