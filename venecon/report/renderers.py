"""Renderers of report blocks: Markdown, self-contained HTML and LaTeX tables.

A block is ``(kind, value)``: ``("h", (level, text))``, ``("p", text)``,
``("table", (header, rows, caption))``, ``("fig", (stem, png_path, caption))``,
``("code", text)`` or ``("details", (summary, text))`` (a collapsed appendix).
Sections (:mod:`venecon.report.sections`) produce blocks; these functions
render them, so a new output format is one more function here.
"""

from __future__ import annotations

import base64
import html
import re
from urllib.parse import quote

from ..escaping import html_text, latex_text, markdown_fence, markdown_text
from .blocks import Block

__all__ = ["to_markdown", "to_html", "tex_table", "tex_escape", "inline", "PAGE"]


def to_markdown(blocks: list[Block]) -> str:
    """Markdown: figures linked from ``figures/``, appendices as ``<details>``.

    Every text is escaped for Markdown (:func:`venecon.escaping.markdown_text`):
    user strings (titles, units, unit names, donor reasons) never become HTML,
    links or images; code keeps a fence longer than any backtick run in it.
    """
    md = markdown_text
    out: list[str] = []
    for kind, value in blocks:
        if kind == "h":
            out.append(f"{'#' * value[0]} {md(value[1])}\n")
        elif kind == "p":
            out.append(md(value) + "\n")
        elif kind == "code":
            fence = markdown_fence(value)
            out.append(fence + "\n" + value.rstrip() + "\n" + fence + "\n")
        elif kind == "details":
            fence = markdown_fence(value[1])
            out.append(f"<details><summary>{html_text(value[0])}</summary>\n\n{fence}\n"
                       + value[1].rstrip() + f"\n{fence}\n\n</details>\n")
        elif kind == "table":
            header, rows, caption = value
            if caption:
                out.append(f"*{md(caption)}*\n")
            esc = lambda s: md(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
            out.append("| " + " | ".join(esc(h) for h in header) + " |")
            out.append("|" + "---|" * len(header))
            out.extend("| " + " | ".join(esc(c) for c in r) + " |" for r in rows)
            out.append("")
        elif kind == "fig":
            stem, path, caption = value
            out.append(f"![{md(caption, brackets=True)}](figures/{quote(path.name)})\n\n"
                       f"*Figure ({md(stem)}): {md(caption)}*\n")
    return "\n".join(out).rstrip() + "\n"



def to_html(blocks: list[Block], title: str) -> str:
    """One self-contained HTML page: figures embedded as base64 PNG."""
    body: list[str] = []
    for kind, value in blocks:
        if kind == "h":
            body.append(f"<h{value[0]}>{html.escape(value[1])}</h{value[0]}>")
        elif kind == "p":
            body.append(f"<p>{inline(value)}</p>")
        elif kind == "code":
            body.append(f"<pre>{html.escape(value)}</pre>")
        elif kind == "details":
            body.append(f"<details><summary>{html.escape(value[0])}</summary>"
                        f"<pre>{html.escape(value[1])}</pre></details>")
        elif kind == "table":
            header, rows, caption = value
            cap = f"<caption>{inline(caption)}</caption>" if caption else ""
            head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
            trs = "".join(
                "<tr>" + "".join(_td(c) for c in r) + "</tr>" for r in rows
            )
            body.append(
                f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>"
            )
        elif kind == "fig":
            stem, path, caption = value
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            body.append(
                f'<figure id="fig-{html.escape(stem)}"><img alt="{html.escape(caption)}" '
                f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
                "</figcaption></figure>"
            )
    return PAGE.format(title=html.escape(title), body="\n".join(body))




def _td(cell: str) -> str:
    # short cells (numbers, windows, units) never wrap; prose does
    attr = ' class="nw"' if len(cell) <= 26 else ""
    return f"<td{attr}>{inline(cell)}</td>"


def inline(text: str) -> str:
    """Escape, then render `code` and **bold** spans."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }}
h1 {{ border-bottom: 2px solid #333; }} h2 {{ border-bottom: 1px solid #aaa; margin-top: 2em; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.88em; }}
caption {{ text-align: left; font-style: italic; padding-bottom: 0.3em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; }}
th {{ background: #f0f0f0; }} figure {{ margin: 1.5em 0; }}
img {{ max-width: 100%; border: 1px solid #ddd; }} figcaption {{ font-size: 0.9em; color: #444; }}
pre {{ background: #f6f6f6; padding: 0.7em; overflow-x: auto; font-size: 0.85em; }}
code {{ background: #f3f3f3; padding: 0 0.2em; }}
details {{ margin: 1em 0; }} td.nw {{ white-space: nowrap; }}
summary {{ cursor: pointer; font-weight: 600; }}
</style></head>
<body>
{body}
</body></html>
"""


# --------------------------------------------------------------------------- LaTeX


def tex_escape(s: str) -> str:
    """``s`` for LaTeX text mode (:func:`venecon.escaping.latex_text`)."""
    return latex_text(s)


def tex_table(header: list[str], rows: list[list[str]], caption: str, label: str) -> str:
    cols = "l" * len(header)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{tex_escape(caption)}}}",
        rf"\label{{tab:{label}}}",
        r"\small",
        rf"\begin{{tabular}}{{{cols}}}",
        r"\toprule",
        " & ".join(tex_escape(h) for h in header) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(tex_escape(c) for c in r) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


