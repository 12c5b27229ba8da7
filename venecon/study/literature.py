"""Published figures a study is compared with: the ``literature`` entries of its declaration.

``literature`` in a study TOML is a list whose items are either a registry key of
:mod:`venecon.literature` (the published facts are shown beside the study) or a
table declaring a comparison of one published figure with one venecon number::

    [[study.literature]]
    id = "rodriguez2019_kbd"        # row id (default: source_measure)
    source = "rodriguez2019"        # key of venecon.literature: study, citation, tag, figures
    measure = "kbd"                 # which of its figures: "kbd" or "usd_bn"
    estimator = "synthetic_control" # default: the study's headline estimator
    window = "first_full_year"      # "post", a subwindow name, or [start, end]
    quantity = "effect"             # effect | observed | volume_value_usd_bn[_per_year]
                                    # | export_value_usd_bn[_per_year]
    concept = "..."                 # what the venecon number measures, in words
    sign = -1                       # -1: a published decline set beside a signed effect
    why_different = "..."

The published figure brings its own window and concept (``Figure.window``,
``Figure.concept``); a comparison whose windows or concepts differ is kept but
flagged (:func:`mismatch`), never read as agreement. Only figures whose
verification tag is [V], [V-sec] or [P] may be compared ([U] is refused).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Comparison", "QUANTITIES", "parse_literature", "check_comparisons", "mismatch"]

#: What a comparison sets beside the published figure, and its unit.
QUANTITIES = {
    "effect": "the estimate's average effect over the window",
    "observed": "the observed outcome over the window (a data check)",
    "volume_value_usd_bn": "the effect's barrels valued at realised prices, total (USD bn)",
    "volume_value_usd_bn_per_year": "the effect's barrels valued at realised prices, USD bn/yr",
    "export_value_usd_bn": "gross export value lost by channel (volume, price, discount), total",
    "export_value_usd_bn_per_year": "gross export value lost by channel, annual rate",
}

#: Verification tags of venecon.literature that may be compared (the literature note's V or P).
COMPARABLE_TAGS = ("[V]", "[V-sec]", "[P]")


@dataclass(frozen=True)
class Comparison:
    """One declared comparison of a published figure with a venecon number of the study."""

    id: str
    source: str
    measure: str
    estimator: str | None
    window: Any  # "post", a subwindow name, or (start, end)
    quantity: str
    concept: str
    sign: int = 1
    why_different: str = ""


def _error(key: str, problem: str, fix: str) -> Exception:
    from .spec import StudyError

    return StudyError(key, problem, fix)


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _error(key, f"{value!r} is not a non-empty string", "give a string")
    return value


def _comparison(key: str, t: Mapping[str, Any]) -> Comparison:
    from ..literature import published
    from .spec import period

    allowed = ("id", "source", "measure", "estimator", "window", "quantity", "concept", "sign",
               "why_different")
    unknown = sorted(set(t) - set(allowed))
    if unknown:
        raise _error(f"{key}.{unknown[0]}", "unknown key", f"use one of {', '.join(allowed)}")
    for need in ("source", "concept"):
        if need not in t:
            raise _error(f"{key}.{need}", "missing", f"give {need}")
    source = _text(f"{key}.source", t["source"])
    try:
        entry = published(source)
    except KeyError as exc:
        raise _error(f"{key}.source", f"{source!r} is not in venecon.literature ({exc})",
                     "use a key of venecon.literature") from None
    if entry.tag not in COMPARABLE_TAGS:
        raise _error(f"{key}.source", f"{source!r} is tagged {entry.tag} (not verified)",
                     "compare only figures tagged [V], [V-sec] or [P] in the literature note")
    measure = t.get("measure", "kbd")
    if entry.get(measure) is None:
        raise _error(f"{key}.measure", f"{source} publishes no {measure!r} figure",
                     ", ".join(f.measure for f in entry.figures))
    quantity = t.get("quantity", "effect")
    if quantity not in QUANTITIES:
        raise _error(f"{key}.quantity", f"{quantity!r} is not allowed", ", ".join(QUANTITIES))
    window = t.get("window", "post")
    if isinstance(window, list):
        if len(window) != 2:
            raise _error(f"{key}.window", f"{window!r} is not a window", "[start, end]")
        window = (period(f"{key}.window[0]", window[0]), period(f"{key}.window[1]", window[1]))
    elif not isinstance(window, str):
        raise _error(f"{key}.window", f"{window!r} is not a window",
                     '"post", a subwindow name or [start, end]')
    sign = t.get("sign", 1)
    if sign not in (1, -1) or isinstance(sign, bool):
        raise _error(f"{key}.sign", f"{sign!r} is not 1 or -1", "1 or -1")
    estimator = t.get("estimator")
    return Comparison(
        id=_text(f"{key}.id", t.get("id", f"{source}_{measure}")),
        source=source,
        measure=measure,
        estimator=None if estimator is None else _text(f"{key}.estimator", estimator),
        window=window,
        quantity=quantity,
        concept=_text(f"{key}.concept", t["concept"]),
        sign=int(sign),
        why_different=_text(f"{key}.why_different", t["why_different"])
        if "why_different" in t else "",
    )


def parse_literature(key: str, value: Any) -> tuple[tuple[str, ...], tuple[Comparison, ...]]:
    """``(registry keys, comparisons)`` of a study's ``literature`` list.

    A string item is a registry key; a table is a :class:`Comparison` (its
    ``source`` joins the keys). Keys are returned once each, in order.
    """
    if not isinstance(value, list):
        raise _error(key, f"{value!r} is not a list",
                     'e.g. ["rodriguez2019"] or [[study.literature]] tables')
    keys: list[str] = []
    comparisons: list[Comparison] = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            keys.append(item)
        elif isinstance(item, Mapping):
            c = _comparison(f"{key}[{i}]", item)
            comparisons.append(c)
            keys.append(c.source)
        else:
            raise _error(f"{key}[{i}]", f"{item!r} is neither a registry key nor a table",
                         'a key such as "rodriguez2019" or a [[study.literature]] table')
    ids = [c.id for c in comparisons]
    if len(set(ids)) != len(ids):
        dup = next(x for x in ids if ids.count(x) > 1)
        raise _error(key, f"comparison id {dup!r} is declared twice", "give each an own id")
    return tuple(dict.fromkeys(keys)), tuple(comparisons)


def check_comparisons(study: Any) -> None:
    """Each comparison names a declared estimator and window of ``study`` (before any fit)."""
    subs = [name for name, _ in study.window.subwindows]
    for i, c in enumerate(study.comparisons):
        key = f"study.literature[{i}]"
        if c.estimator is not None and c.estimator not in study.estimators:
            raise _error(f"{key}.estimator", f"{c.estimator!r} is not a declared estimator",
                         f"one of {', '.join(study.estimators)}")
        if isinstance(c.window, str) and c.window != "post" and c.window not in subs:
            raise _error(f"{key}.window", f"{c.window!r} is neither 'post' nor a subwindow",
                         ", ".join(["post", *subs]))


def mismatch(study_window: tuple[str, str], study_concept: str,
             figure: Any) -> list[str]:
    """Why a venecon number and a published figure are not on the same window and concept.

    ``study_window`` is ``(first, last)`` as months (``"YYYY-MM"``) or years;
    an empty list means the two can be read side by side.
    """
    out = []
    if figure.window is None:
        out.append("the published figure states no window (the literature note leaves it "
                   "unverified)")
    elif tuple(str(x) for x in study_window) != tuple(figure.window):
        out.append(f"windows differ: venecon {study_window[0]} to {study_window[1]}, published "
                   f"{figure.window[0]} to {figure.window[1]}")
    if figure.concept is None:
        out.append("the published figure states no concept")
    elif figure.concept != study_concept:
        out.append(f"concepts differ: venecon '{study_concept}', published '{figure.concept}'")
    return out
