""":class:`Catalogue`, the frame :func:`venecon.datasets` returns: it prints in 100 columns.

A plain ``DataFrame`` of thirteen columns with long titles, licences and
digests prints hundreds of characters wide in a terminal. The catalogue prints
the columns a reader scans (name, frequency, coverage, rows, title shortened)
and names the others; every column stays in the frame.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["Catalogue", "catalogue_text", "WIDTH"]

#: Widest line of the printed catalogue.
WIDTH = 100
_SHOWN = ("name", "frequency", "start", "last_period", "rows")


def catalogue_text(frame: pd.DataFrame, width: int = WIDTH) -> str:
    """The catalogue as text no wider than ``width``: the scanned columns and a short title."""
    if not set(_SHOWN) | {"title"} <= set(frame.columns) or frame.empty:
        with pd.option_context("display.width", width, "display.max_colwidth", 30):
            return pd.DataFrame.__repr__(frame)
    cells = {c: [c] + ["" if pd.isna(v) else str(v) for v in frame[c]] for c in _SHOWN}
    widths = {c: max(map(len, cells[c])) for c in _SHOWN}
    room = max(10, width - sum(widths.values()) - 2 * len(_SHOWN))
    titles = ["title"] + [t if len(t) <= room else t[: room - 3] + "..." for t in frame["title"]]
    lines = []
    for i in range(len(frame) + 1):
        left = "  ".join(
            cells[c][i].rjust(widths[c]) if c == "rows" else cells[c][i].ljust(widths[c])
            for c in _SHOWN
        )
        lines.append(f"{left}  {titles[i]}".rstrip()[:width])
    others = [c for c in frame.columns if c not in (*_SHOWN, "title")]
    footer = (f"{len(frame)} datasets; also the columns {', '.join(others)}. "
              "venecon.describe(name) tells one in full.")
    import textwrap

    return "\n".join(lines + [""] + textwrap.wrap(footer, width))


class Catalogue(pd.DataFrame):
    """The dataset catalogue: a ``DataFrame`` whose ``repr`` fits :data:`WIDTH` columns.

    Selections and copies are plain DataFrames (``df[["name", "title"]]``).
    """

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __repr__(self) -> str:
        return catalogue_text(self)
