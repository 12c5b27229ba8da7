"""Escaping of user text for every output format venecon writes.

Study titles, unit names, units, donor reasons and study names are the user's
text; each writer passes them through the function of its format here, so a
``<script>`` in a title stays text in ``report.md`` and ``report.html``, a
``$`` stays a dollar sign in a figure label and a ``=HYPERLINK(...)`` stays a
string in a spreadsheet.

- HTML (:func:`html_text`): ``& < > " '`` as entities, safe in element text
  and in quoted attribute values.
- Markdown (:func:`markdown_text`): outside code spans, ``\\`` doubled (a
  user backslash never undoes an escape), ``<`` as ``&lt;`` (raw HTML is
  allowed in Markdown) and a ``]`` that would close a link, image or
  reference backslash-escaped (no links or images from user text); ``*``,
  ``_`` and backticks are left for the emphasis and code spans the report
  itself writes. :func:`markdown_fence`
  picks a code fence longer than any backtick run of the text it encloses.
- LaTeX (:func:`latex_text`): the ten special characters as their text-mode
  commands.
- CSV (:func:`csv_cell`): the OWASP rule against formula injection -- a cell
  starting with ``= + - @``, a tab or a carriage return gets a leading single
  quote (https://owasp.org/www-community/attacks/CSV_Injection). Numbers are
  never touched: :func:`csv_frame` quotes text cells only.

Report figures draw every text literally (``text.parse_math`` off while the
report is written, :func:`venecon.report.render.write_report`), so a ``$`` in
a unit name never starts matplotlib mathtext.
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = [
    "csv_cell",
    "csv_frame",
    "html_text",
    "latex_text",
    "markdown_fence",
    "markdown_text",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a code span as CommonMark reads it: maximal backtick runs of equal length; an opener
# after a backslash is not taken as one (escaping inside too is the safe side)
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_LINK_CLOSE = re.compile(r"\](?=[(\[:])")
_NBSP = "\u00a0"
_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "–": "--",
    _NBSP: "~",
    "\n": " ",
    "\r": " ",
}


def html_text(text: Any) -> str:
    """``text`` for HTML element content or a quoted attribute value."""
    return html.escape(str(text), quote=True)


def _markdown_plain(text: str, brackets: bool) -> str:
    # user backslashes are literal, so none can undo an escape below; "<" opens every HTML
    # tag and autolink; "](", "][" and "]:" close link, image and reference syntax
    text = text.replace("\\", "\\\\").replace("<", "&lt;")
    if brackets:
        return text.replace("[", "\\[").replace("]", "\\]")
    return _LINK_CLOSE.sub(r"\\]", text)


def markdown_text(text: Any, *, brackets: bool = False) -> str:
    """``text`` for Markdown prose, headings and table cells: no raw HTML, links or images.

    ``brackets=True`` escapes every ``[`` and ``]`` (for text inside an image
    description or link text, where the writer's own ``](`` follows). Line breaks
    become spaces: these are one-line contexts, and a user's line break would let
    the next line open a block (an HTML block, a fence or a heading).
    """
    text = re.sub(r"[\r\n]+", " ", str(text))
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_markdown_plain(text[pos:m.start()], brackets))
        out.append(m.group(0))  # inside a code span everything is literal text already
        pos = m.end()
    out.append(_markdown_plain(text[pos:], brackets))
    return "".join(out)


def markdown_fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text`` (at least three)."""
    runs = [len(m) for m in re.findall(r"`+", text)]
    return "`" * max(3, max(runs, default=0) + 1)


def latex_text(text: Any) -> str:
    """``text`` for LaTeX text mode."""
    return "".join(_LATEX.get(ch, ch) for ch in str(text))


def csv_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    Carriage returns inside text become ``\n``: the writers end lines with
    ``\n``, and the csv module quotes a field only for the characters of its
    line terminator, so a bare ``\r`` would split a row in a spreadsheet.
    """
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            value = "'" + value
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def csv_frame(frame: Any) -> Any:
    """A copy of a DataFrame with each text cell and column name passed through :func:`csv_cell`."""
    from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype) or is_datetime64_any_dtype(dtype)):
            out[col] = out[col].map(csv_cell)
    out.columns = [csv_cell(c) for c in out.columns]
    return out
