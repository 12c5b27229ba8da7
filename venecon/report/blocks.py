"""Report blocks: what a section returns and a renderer draws.

:class:`Doc` collects blocks with small builder methods; formatting helpers
(:func:`num`, :func:`est`) print numbers the same way in every section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._text import NBSP, est, num

__all__ = ["Block", "Doc", "NBSP", "num", "est", "window_text", "interval_label"]

Block = tuple[str, Any]

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
