"""The sections of the standard analysis (:mod:`venecon.report.analysis`), as registered sections.

Each reads ``ctx.analysis`` (the fitted models and ``results.json`` content)
and returns nothing when the analysis did not run or its section was left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .._text import pvalue_text
from ..revenue import ASB_SOURCE
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
        c = r["designs"]["sanctions"]
        d.h(2, "The financial sanctions and the oil sanctions (time series)")
        d.p(
            f"Crude output {c['sample'][0]}..{c['sample'][1]} (before COVID-19), events "
            + ", ".join(f"`{k}` {v}" for k, v in c["events"].items())
            + f". The financial window {c['financial_window'][0]}..{c['financial_window'][1]} "
            f"(study `{c['financial_study']}`) measures the financial sanctions alone; the oil "
            f"window {c['oil_window'][0]}..{c['oil_window'][1]} (study `{c['oil_study']}`) "
            "measures both, against a counterfactual without either. "
            f"The counterfactual extrapolates the path from {c['sample'][0]} to the first event, "
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
        m = r["models"]["synth"]
        s = m["design"]
        left = s["left_out"]
        d.h(2, "Synthetic control")
        d.p(
            f"Venezuela against a convex combination of {len(s['donors'])} oil producers "
            f"({s['outcome']}), pre-period {s['pre'][0]}-{s['pre'][1]}, "
            f"first full treated year {s['first_treated']}"
            + (
                f" ({', '.join(map(str, left))}, the year the treatment took effect, is "
                "left out of both windows: partly treated, it is neither a comparison year nor "
                "a treated one)"
                if left
                else ""
            )
            + f". The design is the study `{s['study']}`; producers with their own shocks "
            "are excluded from the pool (the study lists each with its reason)."
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
                f"{m['placebo']['n_units']}, p = {pvalue_text(m['placebo']['pvalue'])}. "
                "Pre-period RMSPE "
                f"{m['rmspe_pre']:.1f} kb/d."
            )
        q = m.get("quota_variant")
        if q:
            window = r["headline"]["synth_effect_without_quota_bound_kbd"]["window"]
            base = q["average_effect"] - q["moves_by"]
            d.p(
                f"OPEC+ quotas: {len(q['excluded'])} donors were bound by OPEC+ production quotas "
                f"in a post year in which Venezuela was exempt ({', '.join(q['excluded'])}; "
                "`venecon.load('opec_quotas')`, which codes "
                f"{q['coverage']} only); they carry "
                f"{100 * q['main_weight_of_excluded']:.0f}% of the main design's weight. Without "
                "them (the study's robustness specification "
                f"{q['robustness_spec']}) the {window[0]}-{window[1]} average gap is "
                f"{q['average_effect']:,.1f} kb/d against {base:,.1f} kb/d with them: the "
                f"estimate moves by {q['moves_by']:+,.1f} kb/d."
            )
        d.fig("synth_paths", figures)
        d.fig("synth_placebo", figures)


@standard("chevron", order=60)
def chevron(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
    if "chevron" in r["sections"]:
        c = r["designs"]["chevron"]
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
            f"GL 41 alone, before GL 44 let any US buyer purchase from PdVSA (study "
            f"`{c['study']}`)."
            + (
                f" Interrupted time series: {est(h)} {h['unit']} over that window."
                if h is not None else ""
            )
        )
        for note in r.get("notes", {}).get("chevron", []):
            d.p(note)
        d.table(_EFFECT_HEADER, _effects_rows(a, ("chevron_its", "chevron_arima")))
        prices = _effects_rows(a, ("chevron_price_",))
        if prices:
            d.p(
                "How the volumes depend on the price: the same ITS on the exports deflated at "
                "other prices, one choice changed at a time (the rows of dimension `price` in "
                f"the robustness grid of study `{c['study']}`)."
            )
            d.table(_EFFECT_HEADER, prices)
        d.fig("chevron_its", figures)
        d.fig("chevron_arima", figures)
        d.p(
            "Descriptive only: national crude output around GL 41 and its revocation (the "
            "design of venecon 0.2). National output moves with PdVSA's own fields, the other "
            "joint ventures, GL 44 and OPEC+ conditions, so it cannot identify a company "
            "licence; these numbers are not the licence's effect. Verdict: not identified "
            "(the outcome is not the level the licence acts on)."
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
    if "reopening" not in r["sections"] or "reopening_period" not in a.frames:
        return
    c = {**a.config["reopening"], **r["designs"]["reopening"]}
    t = a.frames["reopening_period"]
    h = r["headline"]["reopening_latest_gap_kbd"]
    counts = h["post_months"]
    capture, licence = c["count_after"][0], c["count_after"][-1]
    d.h(2, "After Maduro's capture, month by month")
    d.p(
        f"Monthly crude output (EIA, `production_monthly`) runs to {t.index.max():%Y-%m}. The "
        f"counterfactual is the linear trend of {c['pre'][0]}..{c['pre'][1]} (before the "
        f"December naval closure) carried forward; each month from {c['post_start']} has its "
        "own level term, so its effect is observed minus trend. The band adds the pre-window's "
        f"residual SD ({t.attrs['pre_residual_sd']:.1f} kb/d, lag-1 autocorrelation "
        f"{t.attrs['pre_lag1_autocorrelation']:.2f}) to the trend's own uncertainty: one "
        "month's gap is read against one month's noise."
    )
    ev = a.frames.get("reopening_events")
    n_licences = 0 if ev is None else int((ev["category"] != "military-enforcement").sum())
    prices = a.frames.get("prices")
    brent = {} if prices is None else {
        f"{x:%Y-%m}": v for x, v in prices.loc[
            (prices["series"] == "brent") & (prices["source"] == "eia_spot"), ["date", "value"]]
        .itertuples(index=False)}
    first, last = f"{t.index[0]:%Y-%m}", f"{t.index[-1]:%Y-%m}"
    moved = (f"Brent moved from {brent[first]:.2f} ({first}) to {brent[last]:.2f} USD/bbl "
             f"({last})" if first in brent and last in brent else "Brent moved")
    d.p(
        f"**Verdict: too short for a credible estimate.** There are {counts[capture]} monthly "
        f"observations after the capture (`{capture}`) and {counts[licence]} after `{licence}`. "
        f"The capture, the end of the naval closure and {n_licences} licences, authorisations and "
        f"orders fall in the same weeks, and {moved}, so no month's gap can be given to one of "
        f"them. The path is descriptive: it says how far output is from where the {c['pre'][0]}.."
        f"{c['pre'][1]} trend "
        "would have put it."
    )
    rep = a.frames.get("reopening_reported")
    opec = {} if rep is None else {
        f"{x:%Y-%m}": v for x, v in rep.loc[
            rep["series"] == "crude_oil_secondary_sources", ["date", "value"]].itertuples(
                index=False)}
    merey = {} if rep is None else {
        f"{x:%Y-%m}": v for x, v in rep.loc[rep["series"] == "merey", ["date", "value"]]
        .itertuples(index=False)}
    rows = []
    for month, row in t.iterrows():
        m = f"{month:%Y-%m}"
        rows.append([
            m, f"{row['observed']:,.0f}", f"{opec[m]:,.0f}" if m in opec else "n/a",
            f"{row['counterfactual']:,.0f}",
            f"[{row['band_lower']:,.0f}, {row['band_upper']:,.0f}]",
            f"{row['gap']:+,.0f}" + (" *" if row["gap_exceeds_band"] else ""),
            f"{brent[m]:.2f}" if m in brent else "n/a",
            f"{merey[m]:.2f}" if m in merey else "n/a",
        ])
    d.table(
        ["month", "EIA kb/d", "OPEC secondary sources kb/d", "trend (counterfactual)",
         f"{100 * (1 - a.config['report']['alpha']):g}% band", "observed - trend",
         "Brent USD/bbl (EIA)", "Merey USD/bbl (OPEC MOMR, press)"],
        rows,
        "Month by month: * marks a month outside the band. OPEC secondary sources and Merey: "
        "press-reported OPEC MOMR figures (`reported_monthly`, tag P), only where a source "
        "states them.",
    )
    if ev is not None and len(ev):
        d.table(
            ["date", "event id", "category", "instrument", "direction", "verification"],
            [[f"{x['date']:%Y-%m-%d}", x["id"], x["category"], x["instrument"],
              x["direction"], x["verification"]] for _, x in ev.iterrows()],
            f"Registry events from {c['marked_since']} marked on the chart (licences, "
            "authorisations, the executive order and the capture)",
        )
    d.table(_EFFECT_HEADER, _effects_rows(a, ("reopening_",)))
    d.fig("reopening", figures)


def _discount_rows(frame: Any) -> list[list[str]]:
    return [[str(y), f"{row['discount']:.2f}", str(int(row["months"])), row["source"]]
            for y, row in frame.iterrows()]


@standard("revenue", order=80)
def revenue(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    figures = ctx.figures
    if "revenue" not in r or "revenue_channels" not in a.models:
        return
    c = a.config["revenue"]
    rv = r["revenue"]
    ch = a.models["revenue_channels"]
    h = r["headline"]["revenue_lost_usd_bn_per_year"]
    fb = rv["fallback_discount"]
    cf = ch.counterfactual_discount
    table = ch.table
    observed = table[table["discount_act_basis"] == "observed"]
    discounts = a.frames["revenue_discounts"]
    asb = discounts[discounts["source"] == ASB_SOURCE]
    press = discounts[discounts["source"] != ASB_SOURCE]
    asb_year, asb_gap = int(asb.index.max()), float(asb["discount"].iloc[-1])
    asb_end = f"{asb_year}-12" if int(asb["months"].iloc[-1]) == 12 else str(asb_year)
    d.h(2, "Revenue lost: gross export value by channel (not fiscal revenue)")
    d.p(
        "**Concept.** Every dollar figure here is gross export value: exported barrels times "
        "the realised export price (benchmark minus the Merey discount). It is not state or "
        "fiscal revenue: royalties, taxes, joint-venture partners' shares, oil shipped to repay "
        "debt and production costs are not deducted. Nominal USD unless marked real."
    )
    d.p(
        f"**Identity.** In each month, value = V x (P - D), with V exported barrels (output x "
        f"days x export share {c['export_share']:g}), P {c['benchmark'].capitalize()} (EIA "
        "spot) and D the "
        f"discount. The loss over {c['window'][0]}..{c['window'][1]} is value without the "
        f"sanctions (counterfactual output of `{c['model']}`, the no-sanctions discount) minus "
        "value with them (the model's path, the actual discount), split into volume, price and "
        "discount channels by the Shapley value (the average over the 3! orders of changing "
        "the factors), which adds up exactly in every month. The benchmark is the same in "
        "both worlds (sanctions on Venezuela are assumed not to move Brent), so the price "
        "channel is zero by construction."
    )
    d.p(
        f"**Discounts.** Actual: the observed Brent-minus-Merey discount where a Merey price "
        f"exists ({len(observed)} of {len(table)} months in the window, OPEC ASB to "
        f"{asb_end}), "
        f"else {fb['value']:.2f} USD/bbl, the median of every observed annual discount "
        f"(table below: OPEC ASB {asb.index.min()}-{asb_year}, press-reported OPEC MOMR "
        f"{press.index.min()}-{press.index.max()}). The median is chosen because no Merey "
        f"price is bundled for {asb_year + 1}-{press.index.min() - 1}: it sits in the middle "
        "of the observed range, is not pulled by the narrowest heavy-sour spreads (Maya "
        "narrowed the same years) or by the widest press-reported discounts, and is far from "
        f"the bottom of the range, where the {asb_year} gap of {asb_gap:.2f} that the earlier "
        f"report assumed lies. No-sanctions discount: {cf['value']:.2f} USD/bbl, "
        f"the median of the observed annual discounts {c['counterfactual_discount_years'][0]}-"
        f"{c['counterfactual_discount_years'][1]}."
    )
    d.table(["year", "Brent - Merey, USD/bbl", "months observed", "source"],
            _discount_rows(a.frames["revenue_discounts"]),
            "Observed annual Merey discounts (mean of the year's observed months)")
    per_year = ch.per_year_usd_bn()
    totals = ch.totals
    real = ch.per_year_usd_bn(real=True) if ch.real_totals is not None else None
    base_year = c["deflator_base"]
    d.table(
        ["channel", "USD bn/yr (nominal)"]
        + ([f"USD bn/yr (constant {base_year} USD)"] if real is not None else [])
        + ["total USD m (nominal)", "share of total"],
        [[k, num(per_year[k])] + ([num(real[k])] if real is not None else [])
         + [num(totals[k]),
            f"{100 * totals[k] / totals['total']:.0f}%" if totals["total"] else "n/a"]
         for k in ("volume", "price", "discount", "total")],
        f"Gross export value lost {c['window'][0]}..{c['window'][1]}, by channel (sum exact); "
        f"total {num(h['estimate'])} USD bn/yr [{num(h['lower'])}, {num(h['upper'])}], the "
        "model's interval",
    )
    comp = rv.get("comparator") or {}
    disc_obs = float(observed["discount"].sum()) if len(observed) else 0.0
    if len(observed):
        d.p(
            f"The discount channel is {num(per_year['discount'])} USD bn/yr. In the months "
            f"with an observed Merey price ({observed.index.min():%Y-%m}.."
            f"{observed.index.max():%Y-%m}) it is {num(disc_obs)} USD m: Merey's discount "
            f"({observed['discount_act'].min():.1f}-{observed['discount_act'].max():.1f}) was "
            f"below the no-sanctions {cf['value']:.2f}"
            + (f", but so was Maya's (Mexican heavy sour, OPEC ASB: {comp['window_mean']:.2f} "
               f"against a {comp['pre_years'][0]}-{comp['pre_years'][1]} median of "
               f"{comp['pre_median']:.2f}), so the narrowing was market-wide, not a sanctions "
               "gain" if comp.get("window_mean") is not None else "")
            + f". After {asb_end} no Merey price is bundled and the channel is the gap between "
            "two medians, i.e. an assumption, not a measurement; the grid below shows what "
            "wider discounts would add."
        )
    if real is not None:
        rh = r["headline"]["revenue_lost_real_usd_bn_per_year"]
        d.p(
            f"Real USD: {num(rh['estimate'])} USD bn/yr [{num(rh['lower'])}, {num(rh['upper'])}] "
            f"in constant {base_year} dollars. Deflator: {rv['deflator']['name']} "
            f"(`{rv['deflator']['source']}`; EI deflates crude prices with the US CPI, whose "
            "ratios match the BLS CPI-U annual averages), annual averages applied to each "
            "month of the year."
        )
    else:
        d.p("Real USD: not reported in this run ([revenue] deflator = \"none\").")
    d.table(_EFFECT_HEADER, _effects_rows(a, ("revenue_",)))
    sens = a.frames.get("revenue_sensitivity")
    if sens is not None and len(sens):
        d.p(sensitivity_sentence(h, sens, rv.get("headline_rank")))
        d.table(
            ["fallback discount USD/bbl", "export share", "USD bn/yr [interval]", "volume",
             "discount", "rank"],
            [[f"{row['fallback_discount_usd']:.2f}" + (" (headline)" if row["headline"] else ""),
              f"{row['export_share']:g}",
              f"{num(row['per_year_usd_bn'])} [{num(row['per_year_lower'])}, "
              f"{num(row['per_year_upper'])}]",
              num(row["volume_usd_bn_per_year"]), num(row["discount_usd_bn_per_year"]),
              str(int(row["rank"]))]
             for _, row in sens.iterrows()],
            "Sensitivity: the discount assumed where no Merey price exists x the export share "
            "(observed discounts kept; rank 1 = largest loss)",
        )
    d.fig("revenue_lost", figures)


def sensitivity_sentence(h: dict[str, Any], sens: Any, rank: str | None) -> str:
    """The headline beside the sensitivity range, and its rank in the grid."""
    values = sens["per_year_usd_bn"].astype(float)
    where = (f" The headline is cell rank {rank} (1 = largest loss)." if rank else
             " The headline's assumptions are not a cell of the grid.")
    return (f"Headline USD {num(h['estimate'])} bn/yr; sensitivity range USD "
            f"{num(values.min())} to {num(values.max())} bn/yr over {len(values)} cells "
            f"(fallback discounts x export shares).{where}")


@standard("literature", order=90)
def literature(a: Any, d: Doc, ctx: ReportContext) -> None:
    r = a.results
    tex = ctx.tex
    if "literature" in r:
        d.h(2, "venecon beside the published estimates")
        d.p(
            "Each comparison is declared by a study (`[[study.literature]]`) and computed on the "
            "study's window; a row is read side by side only when both windows and concepts "
            "match, otherwise the mismatch is stated. Verification tags from the project's "
            "literature note: [V] read in the source; [V-sec] in a secondary source; [P] partly "
            "verified."
        )
        rows = []
        for row in r["literature"]:
            ven = "not computed in this run"
            if row["venecon_estimate"] is not None:
                ven = num(row["venecon_estimate"])
                if row["venecon_lower"] is not None and row["venecon_upper"] is not None:
                    ven += f" [{num(row['venecon_lower'])}, {num(row['venecon_upper'])}]"
                ven += f" {row['venecon_unit']} (`{row['venecon']}`)"
            lw = row["literature_window"]
            windows = (f"venecon {'..'.join(map(str, row['window'] or ['?']))}; published "
                       + ("not stated" if lw is None else "..".join(lw)))
            same = "yes" if row["comparable"] else "no: " + "; ".join(row["mismatch"])
            rows.append(
                [row["study"], f"{row['published']} [{row['tag']}]", ven, windows, same,
                 row["why_different"]]
            )
        d.table(["study", "published", "venecon", "windows", "same window and concept",
                 "why they differ"], rows)
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
