"""Report blocks: what a section returns and a renderer draws.

:class:`Doc` collects blocks with small builder methods; formatting helpers
(:func:`num`, :func:`est`) print numbers the same way in every section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["Block", "Doc", "NBSP", "num", "est", "window_text", "interval_label"]

Block = tuple[str, Any]

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


def window_text(h: dict[str, Any]) -> str:
    w = h.get("window")
    return "" if not w else f"{w[0]}..{w[1]}"


def interval_label(h: dict[str, Any]) -> str:
    if h.get("alpha") is not None and h.get("interval") == "confidence interval":
        return f"{100 * (1 - h['alpha']):g}% CI"
    return h.get("interval", "")


class Doc:
    """A list of blocks with builder methods (``h``, ``p``, ``table``, ``fig``, ...)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def h(self, level: int, text: str) -> None:
        self.blocks.append(("h", (level, text)))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def table(self, header: list[str], rows: list[list[Any]], caption: str = "") -> None:
        self.blocks.append(("table", (header, [[str(c) for c in r] for r in rows], caption)))

    def fig(self, stem: str, figures: dict[str, tuple[Path, str]]) -> None:
        if stem in figures:
            self.blocks.append(("fig", (stem, figures[stem][0], figures[stem][1])))

    def code(self, text: str) -> None:
        self.blocks.append(("code", text))

    def details(self, summary: str, text: str) -> None:
        """A collapsed block (HTML ``<details>``): appendices such as the configuration."""
        self.blocks.append(("details", (summary, text)))

    def extend(self, blocks: list[Block]) -> None:
        self.blocks.extend(blocks)
