"""The sections of the standard analysis (:mod:`venecon.report.analysis`), as registered sections.

Each reads ``ctx.analysis`` (the fitted models and ``results.json`` content)
and returns nothing when the analysis did not run or its section was left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .blocks import Block, Doc, est, interval_label, num, window_text
from .renderers import tex_table
from .sections import ReportContext, section


def standard(name: str, *, order: float) -> Any:
    """Register ``func(a, d, ctx)`` as a section that writes into ``d`` when the analysis ran."""

    def register(func: Any) -> Any:
        def run(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
            if ctx.analysis is None:
                return []
            d = Doc()
            func(ctx.analysis, d, ctx)
            return d.blocks

        run.__name__, run.__doc__ = func.__name__, func.__doc__
        section(name, order=order)(run)
        return func

    return register

__all__: list[str] = []



def _effects_rows(a: Any, prefix: tuple[str, ...]) -> list[list[str]]:
    rows = []
    for key, h in a.results["headline"].items():
        if key.startswith(prefix):
            rows.append(
                [key, h["description"], est(h), h["unit"], interval_label(h), window_text(h)]
            )
    return rows


_EFFECT_HEADER = [
    "key (results.json)",
    "quantity",
    "estimate [interval]",
    "unit",
    "interval",
    "window",
]


@standard("title", order=0)
def title(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    prov = r["provenance"]
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


@standard("standard_headline", order=20)
def standard_headline(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    tex = ctx.tex
    d.h(2, "Headline numbers")
    keys = [k for k in r["headline"] if not k.startswith("data_")]
    rows = [
        [
            k,
            r["headline"][k]["description"],
            est(r["headline"][k]),
            r["headline"][k]["unit"],
            interval_label(r["headline"][k]),
            window_text(r["headline"][k]),
        ]
        for k in keys
    ]
    d.table(
        _EFFECT_HEADER,
        rows,
        "Effects are treated minus counterfactual: negative = output or revenue "
        "below the counterfactual (except revenue lost, which is positive for a loss).",
    )
    tex["headline"] = tex_table(
        _EFFECT_HEADER[1:],
        [row[1:] for row in rows],
        "venecon headline estimates",
        "venecon-headline",
    )


@standard("data", order=30)
def data(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
    if "data" in r:
        d.h(2, "Data")
        rows = [
            [n, v["data_version"] or "", str(v["rows"]), v["sha256"][:16] + "…"]
            for n, v in r["data"]["datasets"].items()
        ]
        d.table(
            ["dataset", "data version", "rows", "sha256 (first 16 hex; full in results.json)"], rows
        )
        prices = a.frames.get("prices")
        merey = "" if prices is None else (
            f" Merey prices (OPEC ASB) end in "
            f"{prices.loc[prices['series'] == 'merey', 'date'].max():%Y-%m}; later Merey "
            "discounts are assumptions, stated in the revenue section.")
        d.p(f"Monthly crude output (EIA) runs to {r['data']['crude_last_month']}.{merey}")
        d.fig("production", figures)
        d.fig("prices", figures)


@standard("sanctions", order=50)
def sanctions(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
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
            f"The counterfactual extrapolates the path from {c['start']} to the first event, "
            "which already fell steeply, so these are deviations from an existing decline."
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
                        num(b.get("shift")),
                    ]
                    for b in brk
                ],
                "Structural breaks in mean output (BIC)",
            )
        d.fig("breaks", figures)


@standard("synth", order=55)
def synth(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
    if "synth" in r["sections"]:
        s = a.config["synth"]
        m = r["models"]["synth"]
        d.h(2, "Synthetic control")
        d.p(
            f"Venezuela against a convex combination of {len(s['donors'])} oil producers (EI "
            "Statistical "
            f"Review, `{s['source']}`, annual crude+NGL, kb/d), fit "
            f"{s['fit_window'][0]}-{s['fit_window'][1]}, "
            f"first full treated year {s['treatment']}"
            + (
                f" ({', '.join(map(str, s['left_out']))}, the year the treatment took effect, is "
                "left out of both windows: partly treated, it is neither a comparison year nor "
                "a treated one)"
                if s["left_out"]
                else ""
            )
            + ". Producers with their own shocks (Iran, Russia, Libya, Iraq, Syria, "
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
        q = m.get("quota_variant")
        if q:
            t, e = s["treatment"], s["end"]
            base = q["average_effect"] - q["moves_by"]
            ranked = sorted(q["weights"].items(), key=lambda kv: -kv[1])[:5]
            top = ", ".join(f"{k} {v:.3f}" for k, v in ranked)
            d.p(
                f"OPEC+ quotas: {len(q['excluded'])} donors were bound by OPEC+ production quotas "
                f"in a post year in which Venezuela was exempt ({', '.join(q['excluded'])}; "
                "`venecon.load('opec_quotas')`, which codes "
                f"{q['coverage']} only); they carry "
                f"{100 * q['main_weight_of_excluded']:.0f}% of the main design's weight. Without "
                "them the "
                f"{t}-{e} average gap is {q['average_effect']:,.1f} kb/d against "
                f"{base:,.1f} kb/d with them: the estimate moves by {q['moves_by']:+,.1f} kb/d "
                f"(pre-period RMSPE {q['rmspe_pre']:.1f} kb/d; weights {top})."
            )
        d.fig("synth_paths", figures)
        d.fig("synth_placebo", figures)


@standard("chevron", order=60)
def chevron(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
    if "chevron" in r["sections"]:
        c = a.config["chevron"]
        h = r["headline"].get("chevron_its_average_kbd")
        d.h(2, "Chevron's licences (GL 41 to GL 50) and Venezuela's exports to the US")
        d.p(
            "A company licence acts on what the company lifts and ships, not on national "
            "output: GL 41 let Chevron's joint ventures with PdVSA sell only to the US. The "
            "outcome is the US's imports from Venezuela (IMF IMTS, USD million CIF) divided by a "
            "stated crude price into approximate thousand barrels a day (the deflator and its "
            "months are in the notes below). Each licence regime is an event: "
            + ", ".join(f"`{k}` {v}" for k, v in c["events"].items())
            + f". The headline window, {c['effect_window'][0]} to {c['effect_window'][1]}, is "
            "GL 41 alone, before GL 44 let any US buyer purchase from PdVSA."
            + (
                f" Interrupted time series: {est(h)} {h['unit']} over that window."
                if h is not None else ""
            )
        )
        for note in r.get("notes", {}).get("chevron", []):
            d.p(note)
        d.table(_EFFECT_HEADER, _effects_rows(a, ("chevron_its", "chevron_arima")))
        d.p(
            "How the volumes depend on the price: the same ITS with the price changed one "
            "choice at a time (no discount; the other benchmark; no observed Merey)."
        )
        d.table(_EFFECT_HEADER, _effects_rows(a, ("chevron_price_",)))
        d.fig("chevron_its", figures)
        d.fig("chevron_arima", figures)
        d.p(
            "Descriptive only: national crude output around GL 41 and its revocation (the "
            "design of venecon 0.2). National output moves with PdVSA's own fields, the other "
            "joint ventures, GL 44 and OPEC+ conditions, so it cannot identify a company "
            "licence; these numbers are not the licence's effect."
        )
        d.table(_EFFECT_HEADER, _effects_rows(a, ("chevron_output_",)))
    if "regime_means" in a.frames:
        t = a.frames["regime_means"]
        exports = "exports_us_mean" in t.columns
        d.table(
            ["Chevron licence state", "from", "to", "months", "mean crude kb/d", "min", "max"]
            + (["mean exports to the US, approx. kb/d"] if exports else []),
            [
                [
                    row["chevron_licence"],
                    row["from"],
                    row["to"],
                    str(int(row["count"])),
                    num(row["mean"]),
                    num(row["min"]),
                    num(row["max"]),
                ]
                + ([num(row["exports_us_mean"])] if exports else [])
                for _, row in t.iterrows()
            ],
            "Crude output (EIA) and exports to the US by Chevron licence state since "
            f"{a.config['chevron']['regimes_since']} (venecon.regimes(partial=\"fraction\"): a "
            "month belongs to the state covering most of its days)",
        )


@standard("reopening", order=65)
def reopening(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
    if "reopening" in r["sections"]:
        d.h(2, "The 2026 reopening, as far as the data reach")
        h = r["headline"]["reopening_level_shift_kbd"]
        d.p(
            f"Monthly data end {h['window'][1]}: {h['months_after']} months after the last "
            "event. The level shift is measured against the months between the events; treat "
            "it as descriptive."
        )
        d.table(_EFFECT_HEADER, _effects_rows(a, ("reopening_",)))
        d.fig("reopening", figures)


@standard("revenue", order=80)
def revenue(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
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
        if sens is not None and len(sens):
            d.p(sensitivity_sentence(r["headline"]["revenue_lost_usd_bn_per_year"], sens, c))
            d.table(
                ["discount", "export share", "total USD m", "per year USD bn [interval]"],
                [
                    [
                        str(row["discount"]),
                        f"{row['export_share']:g}",
                        num(row["usd_million"]),
                        f"{num(row['per_year_usd_bn'])} [{num(row['per_year_lower'])}, "
                        f"{num(row['per_year_upper'])}]",
                    ]
                    for _, row in sens.iterrows()
                ],
                "Sensitivity to the discount and the export share",
            )
        d.fig("revenue_lost", figures)


def sensitivity_sentence(h: dict[str, Any], sens: Any, c: dict[str, Any]) -> str:
    """The headline beside the sensitivity range, and which cell of the grid it is."""
    values = sens["per_year_usd_bn"].astype(float)
    above = int((values < h["estimate"]).sum())
    same_share = sens[(sens["export_share"] - c["export_share"]).abs() < 1e-9]
    cell = ""
    if len(same_share):
        gap = (same_share["per_year_usd_bn"].astype(float) - h["estimate"]).abs()
        nearest = same_share.loc[gap.idxmin()]
        cell = (f" Its nearest cell is discount {nearest['discount']}, export share "
                f"{nearest['export_share']:g} ({num(nearest['per_year_usd_bn'])}); the headline "
                "itself uses the observed discount where one exists and the stated fallback "
                "after.")
    else:
        cell = (f" Its export share ({c['export_share']:g}) is not one of the grid's, so it "
                "sits in no cell.")
    return (f"Headline USD {num(h['estimate'])} bn/yr; sensitivity range USD "
            f"{num(values.min())} to {num(values.max())} bn/yr over {len(values)} cells "
            f"(discounts x export shares). The headline is above {above} of the {len(values)} "
            f"cells (rank {len(values) - above} from the top).{cell}")


@standard("literature", order=90)
def literature(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    tex = ctx.tex
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
                ven = num(row["venecon_estimate"])
                if row["venecon_lower"] is not None and row["venecon_upper"] is not None:
                    ven += f" [{num(row['venecon_lower'])}, {num(row['venecon_upper'])}]"
                ven += f" {row['venecon_unit']} (`{row['venecon']}`)"
            rows.append(
                [row["study"], f"{row['published']} [{row['tag']}]", ven, row["why_different"]]
            )
        d.table(["study", "published", "venecon", "why they differ"], rows)
        tex["literature"] = tex_table(
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


@standard("provenance", order=100)
def provenance(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    prov = r["provenance"]
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


@section("appendix", order=200)
def appendix(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    """The configuration and the study declarations, collapsed (never the end of the page)."""
    d = Doc()
    d.h(2, "Appendix: configuration")
    if ctx.config:
        d.details("Configuration of this run (results.json → config); click to expand",
                  json.dumps(ctx.config, indent=1, sort_keys=True))
    for r in studies:
        d.details(f"Declaration of the study {r.study.name}; click to expand",
                  json.dumps(r.study.to_dict(), indent=1, sort_keys=True, default=str))
    return d.blocks
