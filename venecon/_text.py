"""Small text helpers shared by messages and reports: counts, shares, sentence ends.

>>> plural(1, "study"), plural(9, "study"), plural(2, "specification")
('1 study', '9 studies', '2 specifications')
>>> percent(-0.004), percent(-0.19), percent(0.5, signed=False)
('0%', '-19%', '50%')
>>> sentence("Did you mean 'SYR'?"), sentence("no caveat")
("Did you mean 'SYR'?", 'no caveat.')
"""

from __future__ import annotations

from typing import Any

__all__ = ["plural", "percent", "sentence", "num", "est", "NBSP", "pvalue_text"]

_IRREGULAR = {"study": "studies", "country": "countries", "analysis": "analyses",
              "is": "are", "was": "were", "has": "have"}


def plural(n: int, word: str, many: str | None = None, *, count: bool = True) -> str:
    """``"1 study"`` / ``"9 studies"``.

    ``many`` overrides the plural form, ``count=False`` drops n.
    """
    if n == 1:
        form = word
    elif many is not None:
        form = many
    elif word in _IRREGULAR:
        form = _IRREGULAR[word]
    elif word.endswith(("s", "x", "ch", "sh")):
        form = word + "es"
    elif word.endswith("y") and word[-2:-1] not in "aeiou":
        form = word[:-1] + "ies"
    else:
        form = word + "s"
    return f"{n} {form}" if count else form


def percent(share: float, digits: int = 0, *, signed: bool = True) -> str:
    """A share as a percentage, with a sign if ``signed``; never ``-0%`` (rounds to ``0%``)."""
    value = round(100 * float(share), digits)
    if value == 0:
        value = 0.0  # -0.0 compares equal to 0 and would print as "-0"
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value:.{digits}f}%"


def sentence(text: str) -> str:
    """``text`` ending in exactly one full stop.

    Unless it already ends with ``.``, ``?`` or ``!``.
    """
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


NBSP = "\u00a0"


def num(x: Any, digits: int = 1) -> str:
    """A number for prose and tables: thousands separators, sensible decimals, "–" for None."""
    if x is None:
        return "–"
    if isinstance(x, (list, tuple)):
        return "–".join(num(v, digits) for v in x)
    if isinstance(x, str):
        return x
    x = float(x)
    if abs(x) >= 100 or digits == 0:
        return f"{x:,.{0 if abs(x) >= 1000 else digits}f}"
    return f"{x:,.{max(digits, 2) if abs(x) < 10 else digits}f}"


def est(estimate: Any, lower: Any = None, upper: Any = None) -> str:
    """``estimate [lower, upper]`` joined by non-breaking spaces, so it never wraps."""
    if isinstance(estimate, dict):
        estimate, lower, upper = estimate["estimate"], estimate.get("lower"), estimate.get("upper")
    text = num(estimate)
    if lower is not None and upper is not None:
        text += f"{NBSP}[{num(lower)},{NBSP}{num(upper)}]"
    return text


def pvalue_text(p: float) -> str:
    """A p-value to three decimals, or to two significant digits below 0.001 (a pooled
    placebo's 0.00015 is not "0.000")."""
    return f"{p:.3f}" if p >= 0.001 else f"{p:.2g}"
