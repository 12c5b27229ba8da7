"""A minimal report of one or more studies (Markdown, HTML, figures, tables).

This is the stand-in the ``venecon study run`` command uses until the report
package (``venecon.report``) renders studies itself; :func:`write_report` is the
single entry point, so swapping it is a one-line change in :mod:`venecon.cli`.
Every sentence is written from the results: the headline with its interval
and robustness range, and the caveats the estimate's own diagnostics raise.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

__all__ = ["write_report", "path_figure", "specification_curve"]


def _num(x: Any, digits: int = 1) -> str:
    return "n/a" if x is None else f"{x:,.{digits}f}"


def path_figure(est: Any, treated: str) -> Any:
    """Observed and counterfactual outcome (top) and the effect with its interval (bottom)."""
    import matplotlib.pyplot as plt

    p = est.path
    fig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(7.5, 5.5), gridspec_kw={"height_ratios": [2, 1]}
    )
    if "observed" in p:
        top.plot(p.index, p["observed"], color="black", lw=1.3, label=f"{treated}, observed")
        top.plot(p.index, p["counterfactual"], color="C0", ls="--", lw=1.3, label="counterfactual")
        top.set_ylabel(f"outcome ({est.unit})")
        top.legend(loc="best", fontsize=8)
    bottom.plot(p.index, p["effect"], color="C3", lw=1.2, label="effect")
    if p["lower"].notna().any():
        bottom.fill_between(
            p.index,
            p["lower"].astype(float),
            p["upper"].astype(float),
            color="C3",
            alpha=0.2,
            label=f"{100 * (1 - est.alpha):g}% interval",
        )
        bottom.legend(loc="best", fontsize=8)
    bottom.axhline(0, color="grey", lw=0.8)
    bottom.set_ylabel(f"effect ({est.unit})")
    top.set_title(est.label, fontsize=10)
    fig.tight_layout()
    return fig


def specification_curve(rob: Any, unit: str) -> Any:
    """Every specification's estimate, sorted, with intervals where they exist; headline in red."""
    import matplotlib.pyplot as plt
    import numpy as np

    t = (
        rob.table[rob.table["status"] == "ok"]
        .sort_values(["estimate", "spec_id"])
        .reset_index(drop=True)
    )
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    x = np.arange(len(t))
    base = (t["dimension"] == "baseline").to_numpy()
    lo = t["lower"].astype(float).to_numpy()
    hi = t["upper"].astype(float).to_numpy()
    has = ~np.isnan(lo)
    ax.vlines(x[has], lo[has], hi[has], color="grey", lw=1)
    ax.scatter(
        x[~base],
        t["estimate"][~base],
        color="C0",
        zorder=3,
        s=18,
        label="alternative specification",
    )
    ax.scatter(x[base], t["estimate"][base], color="C3", zorder=4, s=30, label="headline")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(
        x,
        [f"{d}: {v}"[:28] for d, v in zip(t["dimension"], t["value"], strict=True)],
        rotation=60,
        ha="right",
        fontsize=7,
    )
    ax.set_ylabel(f"average effect ({unit})")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def _save(fig: Any, path: Path) -> list[str]:
    import matplotlib.pyplot as plt

    fig.savefig(path.with_suffix(".png"), dpi=150, metadata={"Software": None})
    fig.savefig(path.with_suffix(".svg"), metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return [path.with_suffix(".png").name, path.with_suffix(".svg").name]


def _estimates_table(r: Any) -> Any:
    import pandas as pd

    rows = []
    for k, e in r.estimates.items():
        rows.append(
            {
                "estimator": k,
                "label": e.label,
                "window": f"{e.window[0]} to {e.window[1]}",
                "average_effect": e.average_effect,
                "lower": e.lower,
                "upper": e.upper,
                "unit": e.unit,
                "share_of_counterfactual": e.share_of_counterfactual,
                "placebo_pvalue": e.placebo_pvalue,
                "pre_rmspe": e.pre_rmspe,
                "caveats": " | ".join(e.caveats),
            }
        )
    return pd.DataFrame(rows)


def write_report(results: list[Any], out: str | Path) -> dict[str, Path]:
    """Write ``report.md``, ``report.html``, ``figures/`` and ``tables/`` for the studies."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "venecon"  # stable SVG ids across runs
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    md: list[str] = ["# venecon studies", ""]
    for r in results:
        s = r.study
        md += [f"## {s.title}", "", r.summary(), ""]
        if r.data_choices:
            md += [
                "Data choices: "
                + "; ".join(f"{k}: {v}" for k, v in sorted(r.data_choices.items()))
                + ".",
                "",
            ]
        if not r.identified:
            continue
        tab = _estimates_table(r)
        tab.to_csv(out / "tables" / f"{s.name}_estimates.csv", index=False, float_format="%.6g")
        md += [
            "| estimator | window | average effect | interval | placebo p | pre-RMSPE |",
            "|---|---|---|---|---|---|",
        ]
        for _, e in r.estimates.items():
            interval = "none" if e.lower is None else f"[{_num(e.lower)},&nbsp;{_num(e.upper)}]"
            md.append(
                f"| {e.label} | {e.window[0]}–{e.window[1]} | {_num(e.average_effect)} {e.unit} "
                f"| {interval} | "
                f"{_num(e.placebo_pvalue, 3)} | {_num(e.pre_rmspe)} |"
            )
        md.append("")
        for k, e in r.estimates.items():
            if k == "local_projections":
                continue
            names = _save(path_figure(e, s.treated), out / "figures" / f"{s.name}_{k}")
            md += [
                f"![{e.label}: observed and counterfactual {s.treated} ({e.unit}), and the effect]"
                f"(figures/{names[0]})",
                "",
            ]
            if e.caveats:
                md += [f"Caveats ({e.label}):", *[f"- {c}" for c in e.caveats], ""]
        if r.robustness is not None and r.robustness.n_specifications:
            r.robustness.table.to_csv(
                out / "tables" / f"{s.name}_robustness.csv", index=False, float_format="%.6g"
            )
            names = _save(
                specification_curve(r.robustness, r.headline_estimate.unit),
                out / "figures" / f"{s.name}_robustness",
            )
            md += [
                f"![Specification curve: the headline and every alternative specification]"
                f"(figures/{names[0]})",
                "",
            ]
        if r.excluded_donors:
            md += [
                "Excluded donors:",
                *[f"- {k}: {v}" for k, v in sorted(r.excluded_donors.items())],
                "",
            ]
    text = "\n".join(md) + "\n"
    (out / "report.md").write_text(text, encoding="utf-8")
    (out / "report.html").write_text(_html(text), encoding="utf-8")
    return {"md": out / "report.md", "html": out / "report.html"}


def _html(md: str) -> str:
    """A small Markdown subset (headings, images, tables, lists, paragraphs) as HTML."""
    body: list[str] = []
    table: list[list[str]] = []
    lst: list[str] = []

    def flush() -> None:
        if table:
            head, *rows = [r for r in table if not set("".join(r)) <= set("-")]
            body.append(
                "<table><thead><tr>"
                + "".join(f"<th>{c}</th>" for c in head)
                + "</tr></thead><tbody>"
                + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
                + "</tbody></table>"
            )
            table.clear()
        if lst:
            body.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in lst) + "</ul>")
            lst.clear()

    for line in md.splitlines():
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if line.startswith("- "):
            lst.append(line[2:])
            continue
        flush()
        if line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("!["):
            alt, src = line[2:].split("](", 1)
            body.append(
                f'<figure><img src="{html.escape(src[:-1])}" alt="{html.escape(alt)}" '
                'style="max-width:100%">'
                f"<figcaption>{html.escape(alt)}</figcaption></figure>"
            )
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    flush()
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>venecon studies</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}td,th{padding:2px 8px;"
        "border-bottom:1px solid #ddd;white-space:nowrap}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
