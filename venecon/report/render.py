"""Write the report: ``report.md``, ``report.html`` (self-contained), figures, tables, results.

The report is built once as a list of blocks (headings, paragraphs, tables,
figures) and rendered twice: to Markdown (figures linked from ``figures/``)
and to HTML (figures embedded as base64 PNG, so the file stands alone).
"""

from __future__ import annotations

import base64
import html
import json
import sys
from pathlib import Path
from typing import Any

from .analysis import Analysis, run_analysis
from .figures import make_figures
from .output import staged_output

__all__ = ["build_report", "write_report", "write_results_json"]


# --------------------------------------------------------------------------- formatting


def _num(x: Any, digits: int = 1) -> str:
    if x is None:
        return "–"
    if isinstance(x, (list, tuple)):
        return "–".join(_num(v, digits) for v in x)
    if isinstance(x, str):
        return x
    x = float(x)
    if abs(x) >= 100 or digits == 0:
        return f"{x:,.{0 if abs(x) >= 1000 else digits}f}"
    return f"{x:,.{max(digits, 2) if abs(x) < 10 else digits}f}"


NBSP = "\u00a0"


def _est(h: dict[str, Any]) -> str:
    """``estimate [lower, upper]`` joined by non-breaking spaces, so it never wraps."""
    text = _num(h["estimate"])
    if h.get("lower") is not None and h.get("upper") is not None:
        text += f"{NBSP}[{_num(h['lower'])},{NBSP}{_num(h['upper'])}]"
    return text


def _window(h: dict[str, Any]) -> str:
    w = h.get("window")
    return "" if not w else f"{w[0]}..{w[1]}"


def _interval_label(h: dict[str, Any]) -> str:
    if h.get("alpha") is not None and h.get("interval") == "confidence interval":
        return f"{100 * (1 - h['alpha']):g}% CI"
    return h.get("interval", "")


# --------------------------------------------------------------------------- blocks


class Doc:
    def __init__(self) -> None:
        self.blocks: list[tuple[str, Any]] = []

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

    # renderers -----------------------------------------------------------
    def markdown(self) -> str:
        out: list[str] = []
        for kind, value in self.blocks:
            if kind == "h":
                out.append(f"{'#' * value[0]} {value[1]}\n")
            elif kind == "p":
                out.append(value + "\n")
            elif kind == "code":
                out.append("```\n" + value.rstrip() + "\n```\n")
            elif kind == "details":
                out.append(f"<details><summary>{html.escape(value[0])}</summary>\n\n```\n"
                           + value[1].rstrip() + "\n```\n\n</details>\n")
            elif kind == "table":
                header, rows, caption = value
                if caption:
                    out.append(f"*{caption}*\n")
                esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
                out.append("| " + " | ".join(esc(h) for h in header) + " |")
                out.append("|" + "---|" * len(header))
                out.extend("| " + " | ".join(esc(c) for c in r) + " |" for r in rows)
                out.append("")
            elif kind == "fig":
                stem, path, caption = value
                out.append(f"![{caption}](figures/{path.name})\n\n*Figure ({stem}): {caption}*\n")
        return "\n".join(out).rstrip() + "\n"

    def html(self, title: str) -> str:
        body: list[str] = []
        for kind, value in self.blocks:
            if kind == "h":
                body.append(f"<h{value[0]}>{html.escape(value[1])}</h{value[0]}>")
            elif kind == "p":
                body.append(f"<p>{_inline(value)}</p>")
            elif kind == "code":
                body.append(f"<pre>{html.escape(value)}</pre>")
            elif kind == "details":
                body.append(f"<details><summary>{html.escape(value[0])}</summary>"
                            f"<pre>{html.escape(value[1])}</pre></details>")
            elif kind == "table":
                header, rows, caption = value
                cap = f"<caption>{_inline(caption)}</caption>" if caption else ""
                head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
                trs = "".join(
                    "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in rows
                )
                body.append(
                    f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>"
                )
            elif kind == "fig":
                stem, path, caption = value
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                body.append(
                    f'<figure id="fig-{stem}"><img alt="{html.escape(caption)}" '
                    f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
                    "</figcaption></figure>"
                )
        return _HTML.format(title=html.escape(title), body="\n".join(body))


def _inline(text: str) -> str:
    """Escape, then render `code` and **bold** spans."""
    import re

    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


_HTML = """<!DOCTYPE html>
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
details {{ margin: 1em 0; }}
summary {{ cursor: pointer; font-weight: 600; }}
</style></head>
<body>
{body}
</body></html>
"""


# --------------------------------------------------------------------------- LaTeX


def _tex_escape(s: str) -> str:
    rep = {
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
        "–": "--",
        NBSP: "~",
    }
    return "".join(rep.get(ch, ch) for ch in s)


def _tex_table(header: list[str], rows: list[list[str]], caption: str, label: str) -> str:
    cols = "l" * len(header)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{_tex_escape(caption)}}}",
        rf"\label{{tab:{label}}}",
        r"\small",
        rf"\begin{{tabular}}{{{cols}}}",
        r"\toprule",
        " & ".join(_tex_escape(h) for h in header) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(_tex_escape(c) for c in r) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- content


def _effects_rows(a: Analysis, prefix: tuple[str, ...]) -> list[list[str]]:
    rows = []
    for key, h in a.results["headline"].items():
        if key.startswith(prefix):
            rows.append([key, h["description"], _est(h), h["unit"], _interval_label(h), _window(h)])
    return rows


_EFFECT_HEADER = [
    "key (results.json)",
    "quantity",
    "estimate [interval]",
    "unit",
    "interval",
    "window",
]


def _build(a: Analysis, figures: dict[str, tuple[Path, str]]) -> tuple[Doc, dict[str, str]]:
    r = a.results
    prov = r["provenance"]
    d = Doc()
    tex: dict[str, str] = {}
    d.h(
        1, "venecon report: US sanctions, Chevron's licences and Venezuela's oil output and revenue"
    )
    d.p(
        f"Produced by venecon {r['venecon_version']} on data version {prov['data_version']}"
        f"{' (live vintage)' if r['live'] else ' (bundled data, offline)'}. Every number below "
        "is in "
        "`results.json` under the key shown, with its interval, the model options and the "
        "sha256 of every "
        "dataset used; two runs with the same configuration give an identical `results.json`."
    )
    d.p("Sections: " + ", ".join(r["sections"]) + ".")
    if r.get("sections_unavailable"):
        d.p(
            "Not included in this run (module unavailable): "
            + ", ".join(r["sections_unavailable"])
            + "."
        )

    # headline --------------------------------------------------------------
    d.h(2, "Headline numbers")
    keys = [k for k in r["headline"] if not k.startswith("data_")]
    rows = [
        [
            k,
            r["headline"][k]["description"],
            _est(r["headline"][k]),
            r["headline"][k]["unit"],
            _interval_label(r["headline"][k]),
            _window(r["headline"][k]),
        ]
        for k in keys
    ]
    d.table(
        _EFFECT_HEADER,
        rows,
        "Effects are treated minus counterfactual: negative = output or revenue "
        "below the counterfactual (except revenue lost, which is positive for a loss).",
    )
    tex["headline"] = _tex_table(
        _EFFECT_HEADER[1:],
        [row[1:] for row in rows],
        "venecon headline estimates",
        "venecon-headline",
    )

    # data ---------------------------------------------------------------
    if "data" in r:
        d.h(2, "Data")
        rows = [
            [n, v["data_version"] or "", str(v["rows"]), v["sha256"][:16] + "…"]
            for n, v in r["data"]["datasets"].items()
        ]
        d.table(
            ["dataset", "data version", "rows", "sha256 (first 16 hex; full in results.json)"], rows
        )
        d.p(
            f"Monthly crude output (EIA) runs to {r['data']['crude_last_month']}. Merey prices "
            "(OPEC ASB "
            "2018) end in 2017-12; later Merey discounts are assumptions, stated in the "
            "revenue section."
        )
        d.fig("production", figures)
        d.fig("prices", figures)

    # sanctions -----------------------------------------------------------
    if "sanctions" in r["sections"]:
        c = a.config["sanctions"]
        d.h(2, "The 2017 financial sanctions and the 2019 oil sanctions (time series)")
        d.p(
            f"Crude output {c['start']}..{c['end']} (before COVID-19), events "
            + ", ".join(f"`{k}` {v}" for k, v in c["events"].items())
            + f". The financial window {c['financial_window'][0]}..{c['financial_window'][1]} "
            "measures the "
            "2017 sanctions alone; the oil window measures both, against a counterfactual "
            "without either. "
            "The counterfactual extrapolates the pre-sanction path (2016-01..2017-07), which "
            "already fell "
            "steeply, so these are deviations from an existing decline."
        )
        d.table(_EFFECT_HEADER, _effects_rows(a, ("sanctions_its", "sanctions_arima")))
        for n in r["notes"].get("sanctions", []):
            d.p(n)
        d.fig("sanctions_its", figures)
        d.fig("sanctions_arima", figures)
        br = r["models"].get("breaks_level", {})
        brk = br.get("breaks") or br.get("statistics", {}).get("breaks")
        if isinstance(brk, list) and brk:
            d.table(
                ["break", "date", "interval", "shift (kb/d)"],
                [
                    [
                        b.get("index", ""),
                        str(b.get("date", ""))[:7],
                        f"{str(b.get('lower', ''))[:7]}..{str(b.get('upper', ''))[:7]}",
                        _num(b.get("shift")),
                    ]
                    for b in brk
                ],
                "Structural breaks in mean output (BIC)",
            )
        d.fig("breaks", figures)

    # synth -----------------------------------------------------------------
    if "synth" in r["sections"]:
        s = a.config["synth"]
        m = r["models"]["synth"]
        d.h(2, "Synthetic control")
        d.p(
            f"Venezuela against a convex combination of {len(s['donors'])} oil producers (EI "
            "Statistical "
            f"Review, `{s['source']}`, annual crude+NGL, kb/d), fit "
            f"{s['fit_window'][0]}-{s['fit_window'][1]}, "
            f"treatment {s['treatment']}. Producers with their own shocks (Iran, Russia, Libya, "
            "Iraq, Syria, "
            "Yemen, Sudan/South Sudan, Guyana) are excluded from the pool."
        )
        w = a.models["synth"].weights
        w = w[w > 0.001].sort_values(ascending=False)
        d.table(
            ["donor", "weight"], [[k, f"{v:.3f}"] for k, v in w.items()], "Donor weights (> 0.001)"
        )
        d.table(_EFFECT_HEADER, _effects_rows(a, ("synth_effect",)))
        if "placebo" in m:
            d.p(
                "Placebo in space: Venezuela's post/pre RMSPE ratio ranks "
                f"{m['placebo']['rank']} of "
                f"{m['placebo']['n_units']}, p = {m['placebo']['pvalue']:.3f}. Pre-period RMSPE "
                f"{m['rmspe_pre']:.1f} kb/d."
            )
        d.fig("synth_paths", figures)
        d.fig("synth_placebo", figures)

    # chevron -----------------------------------------------------------------
    if "chevron" in r["sections"]:
        c = a.config["chevron"]
        d.h(2, "Chevron's licence (GL 41, its revocation and the restricted 2025 licence)")
        d.p(
            f"Crude output from {c['start']}, events "
            + ", ".join(f"`{k}` {v}" for k, v in c["events"].items())
            + ". The interrupted time series extrapolates the 2021-22 recovery trend, so its "
            "counterfactual for the licence period is high; the intervention ARIMA's interval "
            "includes zero."
        )
        d.table(_EFFECT_HEADER, _effects_rows(a, ("chevron_",)))
        d.fig("chevron_its", figures)
        d.fig("chevron_arima", figures)
    if "regime_means" in a.frames:
        t = a.frames["regime_means"]
        d.table(
            ["Chevron licence state", "from", "to", "months", "mean kb/d", "min", "max"],
            [
                [
                    row["chevron_licence"],
                    row["from"],
                    row["to"],
                    str(int(row["count"])),
                    _num(row["mean"]),
                    _num(row["min"]),
                    _num(row["max"]),
                ]
                for _, row in t.iterrows()
            ],
            "Crude output by Chevron licence state (venecon.regimes(), since 2019)",
        )

    # reopening ------------------------------------------------------------------
    if "reopening" in r["sections"]:
        d.h(2, "The 2026 reopening, as far as the data reach")
        h = r["headline"]["reopening_level_shift_kbd"]
        d.p(
            f"Monthly data end {h['window'][1]}: {h['months_after']} months after the last "
            "event. The level "
            "shift is measured against the blockade months; treat it as descriptive."
        )
        d.table(_EFFECT_HEADER, _effects_rows(a, ("reopening_",)))
        d.fig("reopening", figures)

    # revenue -----------------------------------------------------------------
    if "revenue" in r:
        c = a.config["revenue"]
        rv = r["revenue"]
        d.h(2, "Revenue lost")
        d.p(
            f"Lost output from `{c['model']}` over {c['window'][0]}..{c['window'][1]}, valued at "
            f"{c['benchmark']} minus the Merey discount "
            + ("(observed OPEC ASB Merey where available, " if c["discount_observed"] else "(")
            + f"else {c['discount_usd']:g} USD/bbl), export share {c['export_share']:g}, "
            "nominal USD."
        )
        d.p("Method: " + str(rv.get("method", "")))
        d.table(_EFFECT_HEADER, _effects_rows(a, ("revenue_lost",)))
        sens = a.frames.get("revenue_sensitivity")
        if sens is not None:
            d.table(
                ["discount", "export share", "total USD m", "per year USD bn [interval]"],
                [
                    [
                        str(row["discount"]),
                        f"{row['export_share']:g}",
                        _num(row["usd_million"]),
                        f"{_num(row['per_year_usd_bn'])} [{_num(row['per_year_lower'])}, "
                        f"{_num(row['per_year_upper'])}]",
                    ]
                    for _, row in sens.iterrows()
                ],
                "Sensitivity to the discount and the export share",
            )
        d.fig("revenue_lost", figures)

    # literature -----------------------------------------------------------------
    if "literature" in r:
        d.h(2, "venecon beside the published estimates")
        d.p(
            "Verification tags from the project's literature note: [V] read in the source; "
            "[V-sec] in a "
            "secondary source; [U] unverified (do not cite without checking)."
        )
        rows = []
        for row in r["literature"]:
            ven = "not computed in this run"
            if row["venecon_estimate"] is not None:
                ven = _num(row["venecon_estimate"])
                if row["venecon_lower"] is not None and row["venecon_upper"] is not None:
                    ven += f" [{_num(row['venecon_lower'])}, {_num(row['venecon_upper'])}]"
                ven += f" {row['venecon_unit']} (`{row['venecon']}`)"
            rows.append(
                [row["study"], f"{row['published']} [{row['tag']}]", ven, row["why_different"]]
            )
        d.table(["study", "published", "venecon", "why they differ"], rows)
        tex["literature"] = _tex_table(
            ["study", "published", "venecon", "tag"],
            [
                [
                    x[0],
                    x[1].rsplit(" [", 1)[0],
                    x[2].split(" (`")[0],
                    x[1].rsplit(" [", 1)[1].rstrip("]"),
                ]
                for x in rows
            ],
            "venecon's estimates beside the published literature",
            "venecon-literature",
        )

    # provenance and citing --------------------------------------------------------
    d.h(2, "Provenance and how to cite")
    d.table(["dataset", "sha256"], [[k, v] for k, v in prov["datasets"].items()])
    d.table(["package", "version"], [[k, v] for k, v in prov["versions"].items()])
    from ..data.catalogue import cite

    d.p(
        "Cite venecon (and each dataset: `venecon data cite NAME` or `venecon.cite(NAME)`) and "
        "quote the "
        "`results.json` key of every number you use, e.g. "
        "`headline.sanctions_its_oil_average_kbd`, with the "
        "venecon version and data version above."
    )
    d.code(cite())
    d.h(2, "Appendix: configuration")
    d.details("Configuration of this run (results.json → config); click to expand",
              json.dumps(a.config, indent=1, sort_keys=True))
    return d, tex


# --------------------------------------------------------------------------- entry point


def write_results_json(results: dict[str, Any], path: Path) -> None:
    """Deterministic JSON: sorted keys, fixed indentation, no timestamps, trailing newline."""
    text = json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def build_report(
    out: str | Path = "venecon-report",
    config: Any = None,
    *,
    live: bool = False,
    quiet: bool = False,
) -> Path:
    """Run the standard analysis and write the report to ``out``.

    Parameters
    ----------
    out : path
        Output directory (created): ``report.html``, ``report.md``,
        ``figures/*.png``, ``tables/*.tex``, ``results.json``.
    config : path, dict or None
        TOML file or overrides (see :mod:`venecon.report.config`).
    live : bool
        Use the live vintage of monthly production and prices.
    quiet : bool
        No progress lines on stderr.

    Returns
    -------
    Path
        The output directory.
    """
    out = Path(out)
    steps = [0]

    def progress(msg: str) -> None:
        if not quiet:
            steps[0] += 1
            print(f"venecon report [{steps[0]:2d}] {msg}", file=sys.stderr, flush=True)

    if isinstance(config, Path):
        config = str(config)
    with staged_output(out) as stage:  # checks --out before any analysis runs
        a = run_analysis(config, live=live, progress=progress)
        progress("figures")
        write_report(a, stage)
    progress(f"done: {out / 'report.html'}")
    return out


def write_report(a: Analysis, out: Path) -> None:
    """Write figures, tables, ``results.json``, ``report.md`` and ``report.html`` into ``out``."""
    figures = make_figures(a, out / "figures")
    tables = out / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    doc, tex = _build(a, figures)
    for key, res in a.models.items():
        if hasattr(res, "to_latex"):
            (tables / f"{key}.tex").write_text(res.to_latex(), encoding="utf-8")
    for key, text in tex.items():
        (tables / f"{key}.tex").write_text(text, encoding="utf-8")
    write_results_json(a.results, out / "results.json")
    (out / "report.md").write_text(doc.markdown(), encoding="utf-8")
    (out / "report.html").write_text(doc.html("venecon report"), encoding="utf-8")
