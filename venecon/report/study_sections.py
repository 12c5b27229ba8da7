"""Report sections written from studies (:class:`~venecon.study.StudyResults`).

Every sentence is built from the results: which study, which estimator, the
headline with its interval and robustness range, and the caveats that the
estimate's own diagnostics raised. Nothing here names a country, a date or an
event: those live in the study declarations (``venecon/study/bundled/*.toml``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .._text import percent, pvalue_text
from ..study.results import sensitivity_text
from .blocks import Block, Doc, est, num
from .renderers import tex_table
from .sections import ReportContext, section

__all__ = ["cross_country_rows", "forest_rows"]


@section("study_title", order=0)
def study_title(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    """Title of a report of studies alone (the standard analysis writes its own)."""
    if ctx.analysis is not None or not studies:
        return []
    d = Doc()
    d.h(1, "venecon study report: " + "; ".join(r.study.title for r in studies))
    from .._version import __version__

    d.p(f"Produced by venecon {__version__}. Every number below is in `results.json` under "
        "`studies.<name>`, with the study's declaration and the sha256 of every dataset used.")
    return d.blocks


@section("executive_summary", order=10)
def executive_summary(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    if not studies:
        return []
    from .bottom_line import bottom_line

    d = Doc()
    d.h(2, "Executive summary")
    opening = bottom_line(studies, ctx.config.get("report", {}).get("treated", ""))
    d.extend(opening)
    if opening:
        d.h(3, "Every study")
    from ..study.verdict import count_text

    n_ran = sum(bool(r.identified) for r in studies)
    d.p(f"{count_text([r.verdict for r in studies])} ({n_ran} of {len(studies)} ran). The "
        "verdict weighs each headline's diagnostics (pre-period fit, placebos in space and in "
        "time, leave-one-out, agreement between estimators, donor contamination, trend "
        "extrapolation, confounders) by the rule in the user guide. Effects are treated minus "
        "counterfactual (negative: output below what the counterfactual expects). Each headline "
        "comes with its interval, the range over the study's robustness grid, its verdict and "
        "the caveats its own diagnostics raise.")
    for r in studies:
        d.p(r.summary(markdown=True))
    return d.blocks


def _estimate_rows(r: Any) -> list[list[str]]:
    rows = []
    for key, e in r.estimates.items():
        rows.append([
            e.label + (" (headline)" if key == r.headline else "")
            + (f" [{sensitivity_text(e)}]" if sensitivity_text(e) else ""),
            f"{e.window[0]}..{e.window[1]}",
            est(e.average_effect, e.lower, e.upper),
            e.unit,
            "–" if e.share_of_counterfactual is None
            else percent(e.share_of_counterfactual, 1),
            "–" if e.placebo_pvalue is None else pvalue_text(e.placebo_pvalue),
            "–" if e.pre_rmspe is None else num(e.pre_rmspe),
            e.verdict or "–",
            str(len(r.caveats_of(key))),
        ])
    return rows


def figure_source(r: Any) -> str:
    """The note under a study figure: dataset, series, source edition and its sha256."""
    o = r.study.outcome
    if o.dataset is not None:
        text = f"Source: venecon dataset {o.dataset}, series {o.series}"
        chosen = r.data_choices.get("source")
        if chosen:
            text += f", source {chosen.split(':', 1)[0]}"
        sha = (r.provenance.get("datasets") or {}).get(o.dataset)
        if sha:
            text += f" (sha256 {sha[:12]})"
    else:
        text = f"Source: the user's panel{'' if o.file is None else ' ' + str(o.file)}"
    return text + ". Grey: pre-period; red: post window; lines: treatment and other events."


def path_figure_args(r: Any, e: Any) -> dict[str, Any]:
    """Arguments of :func:`venecon.study.report.path_figure` for estimate ``e`` of study ``r``."""
    s = r.study
    design = s.design
    return {
        "est": e, "treated": s.treated_label, "treatment": design.treatment_date,
        "pre": design.pre, "title": f"{s.title} [{s.treated_label}]",
        "treatment_label": s.treatment.label or "treatment",
        "other_events": tuple(design.other_events), "source": figure_source(r),
    }


_EST_HEADER = ["estimator", "window", "average effect [interval]", "unit",
               "share of counterfactual", "placebo p", "pre-RMSPE", "verdict", "caveats"]


@section("study_results", order=40)
def study_results(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    """Per study: estimates, the path figure of the headline, the specification curve."""
    from ..study.report import path_figure, specification_curve

    d = Doc()
    if studies:
        d.h(2, "Studies: estimates and robustness")
    for r in studies:
        s = r.study
        d.h(3, s.title)
        if not r.identified:
            d.p(f"Did not run: {r.reason}. {r.verdict_text()}")
            continue
        d.p(f"Study verdict: **{r.verdict}** (the verdict of its headline, "
            f"{r.headline_estimate.label}, by the rule in the user guide).")
        d.table(["each diagnostic and what it reads as (failures first)"],
                [[x.rstrip(".")] for x in r.verdict_reasons])
        if len(s.design.confounders) > 1:
            d.table(["confounder (weighed by the verdict)"],
                    [[c.rstrip(".")] for c in s.design.confounders],
                    f"Confounders of the study `{s.name}`")
        if s.design.donor_flags:
            by_why: dict[str, list[str]] = {}
            for u, why in sorted(s.design.donor_flags.items()):
                by_why.setdefault(why, []).append(u)
            d.table(["donors kept", "flagged because"],
                    [[", ".join(us), why] for why, us in by_why.items()],
                    f"Flagged donors of the study `{s.name}`")
        if r.data_choices:
            d.p("Data choices: " + "; ".join(f"{k}: {v}" for k, v in sorted(r.data_choices.items()))
                + ".")
        d.table(_EST_HEADER, _estimate_rows(r), f"Estimates of the study `{s.name}`")
        ctx.tex[f"study_{s.name}"] = tex_table(_EST_HEADER, _estimate_rows(r),
                                               f"{s.title}: estimates", f"study-{s.name}")
        d.extend(_synthetic_control_blocks(r, ctx))
        for e_ in r.estimates.values():
            rows = e_.extra.get("by_unit") or {}
            if rows:
                d.table(["treated unit", "first treated period", "average effect", "unit",
                         "placebo p", "pre-RMSPE"],
                        [[u, x.get("treatment_period", "–"),
                          x["not_run"] if "not_run" in x else num(x["average_effect"]), e_.unit,
                          "–" if x.get("placebo_pvalue") is None
                          else pvalue_text(x["placebo_pvalue"]),
                          "–" if x.get("pre_rmspe") is None else num(x["pre_rmspe"])]
                         for u, x in sorted(rows.items())],
                        f"{e_.label}: one row per treated unit")
        if r.not_applicable:
            d.p("Not run: " + "; ".join(f"{k} ({v})" for k, v in sorted(r.not_applicable.items()))
                + ".")
        e = r.headline_estimate
        if e is not None and "observed" in e.path:
            d.extend(ctx.figure(
                f"study_{s.name}_headline", path_figure(**path_figure_args(r, e)),
                f"{e.label}: observed and counterfactual outcome ({e.unit}); lower panel: the "
                "effect" + (" with its interval." if e.lower is not None else ".")))
        d.extend(_verdicts_and_caveats(r))
        rob = r.robustness
        if rob is not None and rob.n_specifications and e is not None:
            d.extend(ctx.figure(
                f"study_{s.name}_specification_curve", specification_curve(rob, e.unit),
                f"Specification curve: the headline (red) and every alternative specification "
                f"(blue) sorted by estimate, {e.unit}, with intervals (grey) where the estimator "
                "gives one."))
            skipped = rob.table[rob.table["status"] != "ok"]
            if len(skipped):
                d.p("Specifications not run: " + "; ".join(
                    f"{row.dimension} = {row.value} ({row.status})"
                    for row in skipped.itertuples()) + ".")
        if r.donors_excluded:
            d.p("Excluded donors: " + "; ".join(
                f"{x['unit']} ({x['reason']})" for x in r.donors_excluded) + ".")
    return d.blocks


def _verdicts_and_caveats(r: Any) -> list[Block]:
    """Each other estimate's verdict and every caveat no verdict reason states, each once."""
    from ..study.restated import beside_verdict
    from ..study.results import verdict_sentence

    d = Doc()
    # a caveat every estimate raises (flagged data rows) is written once, with the study's
    common = [c for c in r.headline_estimate.caveats
              if len(r.estimates) > 1 and all(c in x.caveats for x in r.estimates.values())
              and c in beside_verdict(r.headline_estimate.caveats, r.verdict_reasons)]
    for key, est_ in r.estimates.items():
        if key != r.headline and est_.verdict:
            # the design's reasons (confounders, earlier sanctions, ...) are the
            # headline's too: they stand once, in the table above
            mine = [x for x in est_.verdict_reasons if x not in r.verdict_reasons]
            n = len(est_.verdict_reasons) - len(mine)
            d.p(f"{est_.label}: " + verdict_sentence(est_.verdict, mine)
                + (f" Also {n} of the headline's reasons (table above)." if n else ""))
        own = [c for c in beside_verdict(est_.caveats, est_.verdict_reasons)
               if c not in common]
        if own:
            d.p(f"Caveats ({est_.label}; besides its verdict's reasons): "
                + "; ".join(c.rstrip(".") for c in own) + ".")
    shared = common + beside_verdict(r.caveats, r.verdict_reasons,
                                     said=r.headline_estimate.caveats)
    if shared:
        d.p("Caveats of the study (every estimate; besides the verdict's reasons): "
            + "; ".join(c.rstrip(".") for c in shared) + ".")
    return d.blocks


def _cell(x: Any) -> str:
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return str(x) if isinstance(x, int) else num(x, 3 if abs(x) < 1 else 1)
    return str(x)


def _synthetic_control_blocks(r: Any, ctx: ReportContext) -> list[Block]:
    """Predictor balance, V and donor weights, placebos by pre-fit, in-time placebo (tables)."""
    from ..study.report import synthetic_control_tables

    d = Doc()
    for key, e in r.estimates.items():
        tables = synthetic_control_tables(e)
        for title, frame in tables.items():
            index = frame.index.name or {"Donor weights": "donor"}.get(title, "")
            header = [index, *map(str, frame.columns)]
            rows = [[str(i), *(_cell(v) for v in row)] for i, row in
                    zip(frame.index, frame.itertuples(index=False), strict=True)]
            caption = f"{title} ({e.label}, study `{r.study.name}`)"
            d.table(header, rows, caption)
            slug = "_".join(title.lower().replace("-", " ").split()[:3])
            ctx.tex[f"study_{r.study.name}_{key}_{slug}"] = tex_table(
                header, rows, f"{r.study.title}: {title[:1].lower() + title[1:]}",
                f"study-{r.study.name}-{slug.replace('_', '-')}")
    return d.blocks


@section("local_projections", order=45)
def local_projections(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    """Impulse responses shown and read: where the response is significant, and how large."""
    d = Doc()
    found = [(r, r.estimates["local_projections"]) for r in studies
             if r.identified and "local_projections" in r.estimates]
    if not found:
        return []
    d.h(2, "Local projections")
    d.p("Response of the outcome h periods after a one-period pulse at the treatment date "
        "(Jordà 2005), with pointwise intervals; read alongside the time-series counterfactuals "
        "because it does not extrapolate a pre-period trend.")
    drawn: dict[str, str] = {}  # one figure per regression: studies may share a fit
    for r, e in found:
        irf = e.path
        sig = irf[(irf["upper"] < 0) | (irf["lower"] > 0)]
        peak_h = irf["effect"].abs().idxmax()
        peak = irf.loc[peak_h]
        reading = (f"{r.study.title}: the response peaks at horizon {peak_h} with "
                   f"{est(peak['effect'], peak['lower'], peak['upper'])} {e.unit}; ")
        if len(sig):
            reading += f"it is significant at horizon(s) {', '.join(str(h) for h in sig.index)}"
        else:
            reading += f"no horizon is significant at the {100 * e.alpha:g}% level"
        reading += (f"; the mean over horizons {irf.index.min()}..{irf.index.max()} is "
                    f"{est(e.average_effect, e.lower, e.upper)} {e.unit} "
                    f"({100 * (1 - e.alpha):g}% interval).")
        fit = (json.dumps(e.result.provenance, sort_keys=True, default=str)
               if e.result is not None else None)
        if fit in drawn:
            reading += (f" The regression is the one of {drawn[fit]} (same events, sample and "
                        "outcome), drawn above.")
            d.p(reading)
            continue
        d.p(reading)
        if fit is not None:
            drawn[fit] = r.study.title
        if e.result is not None and hasattr(e.result, "plot"):
            fig = e.result.plot()
            for ax in fig.axes:
                ax.set_ylabel(f"response, {e.unit}")
                ax.set_xlabel("horizon (periods after the pulse)")
            d.extend(ctx.figure(f"study_{r.study.name}_local_projections", fig,
                                f"Local projections of {r.study.title}: response ({e.unit}) by "
                                "horizon with pointwise intervals."))
    return d.blocks


_BREAK_HEADER = ["break", "first month of new regime", "interval (of that month)",
                 "last month of old regime",
                 "shift", "nearest event", "months after event", "event in interval"]


@section("structural_breaks", order=46)
def structural_breaks(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    """Break dates with their intervals, set against the study's treatment and other events."""
    d = Doc()
    found = [(r, r.estimates["structural_breaks"]) for r in studies
             if r.identified and "structural_breaks" in r.estimates]
    if not found:
        return []
    d.h(2, "Break dates")
    d.p("Mean shifts dated by Bai and Perron's global least-squares search, with Bai's (1997) "
        "break-date intervals allowing different variances on the two sides of each break "
        "(as R strucchange's confint; validated on its Nile and Bai-Perron RealInt examples). "
        "A sanction coincides with a break when its date falls inside the break's interval.")
    for r, e in found:
        rows = [[b["break"], b["date"],
                 "none" if b["lower"] is None
                 else f"{b['lower']}..{b['upper']}" + (" (cut)" if b.get("clipped") else ""),
                 b["last_old"], num(b["shift"]), b["nearest_event"], str(b["distance_months"]),
                 "yes" if b["event_in_interval"] else "no"]
                for b in e.extra["breaks"]]
        caption = f"{r.study.title}: break dates, {100 * (1 - e.alpha):g}% intervals ({e.unit})"
        d.table(_BREAK_HEADER, rows, caption)
        ctx.tex[f"study_{r.study.name}_breaks"] = tex_table(
            _BREAK_HEADER, rows, caption, f"study-{r.study.name}-breaks")
        tests = e.extra["tests"]
        seq = [f"{k} = {num(v['statistic'])} (5% critical value {num(v['crit_5pct'])})"
               for k, v in tests.items() if "|" in k and v["statistic"] is not None]
        d.p(f"Tests: UDmax = {num(tests['UDmax']['statistic'])} (5% critical value "
            f"{num(tests['UDmax']['crit_5pct'])}); sequential " + "; ".join(seq) + ". They "
            "assume serially uncorrelated errors, which monthly output is not, so they overstate "
            "the evidence for each added break.")
        d.p(f"Covariance: {e.extra['cov_type']}."
            + (" An interval marked (cut) reaches beyond the sample and is cut at its end."
               if any(b.get("clipped") for b in e.extra["breaks"]) else "")
            + (" No interval (none) where Bai's limit law puts more than "
               f"{100 * (1 - e.alpha / 2):g}% of the break date's probability on one side of the "
               "estimate (very unequal regimes)."
               if any(b["lower"] is None for b in e.extra["breaks"]) else ""))
        if e.result is not None and hasattr(e.result, "plot"):
            s = r.study
            fig = e.result.plot(events=dict(e.extra.get("events", {})))
            fig.axes[0].set_ylabel(f"{s.treated} outcome, {e.unit}")
            fig.axes[0].set_title(e.label, fontsize=9)
            d.extend(ctx.figure(
                f"study_{s.name}_breaks", fig,
                f"{s.title}: the series (black), regime means (red), break dates (dashed: first "
                "month of the new regime) with their intervals (shaded), and the events "
                "(dotted)."))
    return d.blocks


def cross_country_rows(studies: Sequence[Any]) -> list[dict[str, Any]]:
    """One row per study: the synthetic-control estimate where there is one, else the headline."""
    rows = []
    for r in studies:
        row: dict[str, Any] = {"study": r.study.name, "title": r.study.title,
                               "treated": r.study.treated_label, "identified": bool(r.identified),
                               "verdict": r.verdict}
        e = None
        if r.identified:
            e = r.estimates.get("synthetic_control") or r.headline_estimate
        if e is None:
            row["reason"] = r.reason or "no estimate"
        else:
            row["verdict"] = e.verdict
            row.update(estimator=e.label, effect=e.average_effect, lower=e.lower, upper=e.upper,
                       unit=e.unit, share=e.share_of_counterfactual, pvalue=e.placebo_pvalue,
                       pre_rmspe=e.pre_rmspe, window=f"{e.window[0]}..{e.window[1]}")
        rows.append(row)
    return rows


@section("cross_country", order=70)
def cross_country(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    """Every episode estimated the same way, side by side, with its verdict; why where not run."""
    if len({r.study.treated_label for r in studies}) < 2:
        return []
    d = Doc()
    d.h(2, "Across countries: every episode estimated the same way")
    d.p("Each row is a bundled study. The effect is the synthetic-control average gap where the "
        "study runs one (else its headline estimator); the share is the effect over the mean "
        "counterfactual; the placebo p-value ranks the treated unit's post/pre RMSPE ratio "
        "among its donors'. The verdict is that of the estimate shown. Where a study could "
        "not run the row says why instead of printing a number.")
    rows = []
    for row in cross_country_rows(studies):
        if "effect" not in row:
            rows.append([row["title"], row["treated"], f"did not run: {row['reason']}",
                         "", "", "", "", "", row["verdict"]])
            continue
        rows.append([
            row["title"], row["treated"], row["estimator"], row["window"],
            f"{est(row['effect'], row['lower'], row['upper'])} {row['unit']}",
            "–" if row["share"] is None else percent(row["share"], 1),
            "–" if row["pvalue"] is None else pvalue_text(row['pvalue']),
            "–" if row["pre_rmspe"] is None else num(row["pre_rmspe"]),
            row["verdict"],
        ])
    header = ["study", "treated", "estimator", "window", "effect", "share of counterfactual",
              "placebo p", "pre-RMSPE", "verdict"]
    d.table(header, rows, "Episodes side by side")
    ctx.tex["cross_country"] = tex_table(header, rows, "Sanctions episodes side by side",
                                         "venecon-cross-country")
    return d.blocks


def forest_rows(studies: Sequence[Any], analysis: Any = None) -> list[dict[str, Any]]:
    """venecon's estimates and the published ones, one sign convention (effect < 0 is a loss).

    venecon's rows are the headlines of the studies that declare literature
    comparisons, and the revenue figures of the standard analysis. Rows:
    ``label``, ``source`` ("venecon" or the study), ``value``, ``lower``,
    ``upper``, ``unit`` ("kb/d" or "USD bn/yr"). Published output declines are
    negated; published revenue losses and venecon's revenue lost (positive
    for a loss) are negated too, so that every row reads "effect on the
    country" with losses below zero.
    """
    from ..literature import keys, published

    rows: list[dict[str, Any]] = []
    for r in studies:
        # only studies compared with a published effect (a data check is not one)
        compared = any(c.quantity != "observed" for c in r.study.comparisons) or (
            r.study.literature and not r.study.comparisons)
        e = r.headline_estimate if r.identified and compared else None
        if e is not None and e.unit == "kb/d":
            rows.append({"label": f"venecon: {r.study.title} ({e.label})", "source": "venecon",
                         "value": e.average_effect, "lower": e.lower, "upper": e.upper,
                         "unit": "kb/d"})
    if analysis is not None:
        for key, unit, what in (
            ("revenue_lost_usd_bn_per_year", "USD bn/yr", "revenue lost, annual rate"),
            ("revenue_lost_usd_bn_total", "USD bn (total)", "revenue lost, total"),
        ):
            h = analysis.results["headline"].get(key)
            if h is not None:
                rows.append({"label": f"venecon: {what} ({', '.join(map(str, h['window']))})",
                             "source": "venecon", "value": -h["estimate"],
                             "lower": None if h["upper"] is None else -h["upper"],
                             "upper": None if h["lower"] is None else -h["lower"],
                             "unit": unit})
        for c in analysis.results.get("literature", []):
            # a revenue loss valued over one year of months, set beside an annual figure
            if c["quantity"] == "volume_value_usd_bn" and c["venecon_estimate"] is not None \
                    and _months(c["window"]) == 12:
                rows.append({"label": f"venecon: revenue lost, {c['window'][0]} to "
                                      f"{c['window'][1]} ({c['venecon_study']})",
                             "source": "venecon", "value": -c["venecon_estimate"],
                             "lower": None if c["venecon_upper"] is None
                             else -c["venecon_upper"],
                             "upper": None if c["venecon_lower"] is None
                             else -c["venecon_lower"],
                             "unit": "USD bn/yr"})
    for key in keys():
        entry = published(key)
        for measure in ("kbd", "usd_bn"):
            fig = entry.get(measure)
            if fig is None:
                continue
            if measure == "kbd":
                unit = "kb/d"
            elif "yr" in fig.unit or "12 months" in fig.unit:
                unit = "USD bn/yr"
            elif "total" in fig.unit:
                unit = "USD bn (total)"
            else:
                continue
            if measure == "kbd" and "decline" not in fig.text.lower() \
                    and "loss" not in fig.text.lower() and "lost" not in fig.text.lower():
                continue  # a level of output (a data check), not an effect
            v = fig.value
            lo, hi = (v if isinstance(v, tuple) else (None, None))
            mid = (lo + hi) / 2 if isinstance(v, tuple) else v
            rows.append({"label": f"{entry.study}: {fig.text}", "source": entry.study,
                         "value": -mid, "lower": None if hi is None else -hi,
                         "upper": None if lo is None else -lo, "unit": unit})
    return rows


def _months(window: list[str]) -> int:
    """Months from the first to the last month of ``window`` (both included)."""
    import pandas as pd

    return (pd.Period(window[1], "M") - pd.Period(window[0], "M")).n + 1


def forest_figure(rows: list[dict[str, Any]]) -> Any:
    """Two panels (kb/d and USD bn/yr): venecon's estimates (black) beside published (blue)."""
    from .figures import DPI, plt_agg

    plt = plt_agg()
    units = [u for u in ("kb/d", "USD bn/yr", "USD bn (total)")
             if any(r["unit"] == u for r in rows)]
    heights = [sum(r["unit"] == u for r in rows) for u in units]
    fig, axes = plt.subplots(len(units), 1, figsize=(10, 1.4 + 0.5 * sum(heights)),
                             height_ratios=heights, squeeze=False, dpi=DPI)
    for ax, unit in zip(axes[:, 0], units, strict=True):
        sub = [r for r in rows if r["unit"] == unit]
        for y, r in enumerate(reversed(sub)):
            color = "black" if r["source"] == "venecon" else "tab:blue"
            if r["lower"] is not None and r["upper"] is not None:
                ax.plot([r["lower"], r["upper"]], [y, y], color=color, lw=1.6)
            ax.plot([r["value"]], [y], "o", color=color, ms=5)
        ax.set_yticks(range(len(sub)), [_wrap(r["label"]) for r in reversed(sub)], fontsize=7.5)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_xlabel(f"effect, {unit} (negative: loss)")
    axes[0, 0].set_title("venecon's estimates (black) beside the published ones (blue)")
    # tight_layout sizes the left margin to the widest (wrapped) label at the dpi the figure
    # is saved at (text extents depend on it), with a margin to spare, so none is clipped
    fig.tight_layout(pad=1.5)
    return fig


def _wrap(text: str, width: int = 55, lines: int = 2) -> str:
    """A row label on at most ``lines`` lines of ``width`` characters (the rest elided)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …"))


@section("forest", order=88)
def forest(studies: Sequence[Any], ctx: ReportContext) -> list[Block]:
    rows = forest_rows(studies, ctx.analysis)
    if not any(r["source"] == "venecon" for r in rows):
        return []
    d = Doc()
    d.h(2, "Forest plot: venecon beside the literature")
    d.p("One sign convention: every row is the effect on the country, losses below zero "
        "(published declines and revenue losses are negated). Ranges are drawn where the "
        "source gives one; points without a bar have no published interval. Studies that "
        "publish no estimate (e.g. critiques of a method) are not plotted.")
    d.extend(ctx.figure("forest", forest_figure(rows),
                        "venecon's headline estimates (black, with intervals) and published "
                        "figures (blue, with their ranges), in kb/d and USD bn per year."))
    d.table(["row", "value [range]", "unit"],
            [[r["label"], est(r["value"], r["lower"], r["upper"]), r["unit"]] for r in rows])
    return d.blocks
