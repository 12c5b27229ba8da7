"""Figures of ``venecon report`` (matplotlib, Agg backend; PNG for the HTML, SVG for papers).

Each function takes an :class:`~venecon.report.analysis.Analysis` and returns
a matplotlib Figure or None when its section was not run. :func:`make_figures`
writes them all (``STEM.png`` at :data:`DPI` and vector ``STEM.svg``) and
returns ``{stem: (png path, caption)}``. Every axis carries its unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._text import pvalue_text
from ..revenue import ASB_SOURCE

if TYPE_CHECKING:
    from .analysis import Analysis

__all__ = ["make_figures", "FIGURES"]

DPI = 150


def plt_agg() -> Any:
    """matplotlib.pyplot on the Agg backend with deterministic SVG ids."""
    return _plt()


def save_figure(fig: Any, directory: Path, stem: str) -> Path:
    """Write ``fig`` as ``stem.png`` (:data:`DPI`) and ``stem.svg``; close it; return the PNG."""
    plt = _plt()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.png"
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    fig.savefig(directory / f"{stem}.svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "venecon", "figure.max_open_warning": 0})
    return plt


def _nice(name: str) -> str:
    """``financial_sanctions`` -> ``Financial sanctions`` (legend text, never a raw key)."""
    text = name.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def policy_timeline(ax: Any, regimes: list[str], *, start: Any, end: Any) -> list[Any]:
    """Draw each regime's spells as its own row of bars (no overlapping shading).

    One row per name in ``regimes`` (``"chevron"``: Chevron's licence states,
    each state in its colour; else a binary regime of :func:`venecon.regimes`
    drawn where in force). Returns legend handles with readable labels.
    """
    import matplotlib.dates as mdates
    import pandas as pd
    from matplotlib.patches import Patch

    from ..policy.indicators import CHEVRON_COLUMN
    from ..policy.indicators import spells as spell_table
    from ..policy.plotting import STATE_COLORS

    table = spell_table()
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    handles: list[Any] = []
    ticks = []
    for row_no, name in enumerate(reversed(regimes)):
        regime = CHEVRON_COLUMN if name == "chevron" else name
        rows = table[table["regime"] == regime]
        if name == "chevron":
            rows = rows[rows["state"] != "pre-designation"]
        for _, r in rows.iterrows():
            a = max(r["start"], lo)
            b = hi if pd.isna(r["end"]) else min(r["end"], hi)
            if b <= a:
                continue
            is_state = name == "chevron"
            color = STATE_COLORS.get(str(r["state"]), "#999999") if is_state else "#4a6fa5"
            x0 = mdates.date2num(a.to_pydatetime())
            ax.broken_barh([(x0, mdates.date2num(b.to_pydatetime()) - x0)],
                           (row_no - 0.38, 0.76), facecolors=color, edgecolor="white", lw=0.5)
            label = (f"Chevron licence: {str(r['state']).replace('-', ' ')}" if is_state
                     else f"{_nice(name)} in force")
            if label not in {h.get_label() for h in handles}:
                handles.append(Patch(facecolor=color, label=label))
        ticks.append("Chevron licence" if name == "chevron" else _nice(name))
    ax.set_yticks(range(len(ticks)), ticks, fontsize=8)
    ax.set_ylim(-0.6, len(ticks) - 0.4)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return handles


def _bounding_events(regimes: list[str]) -> list[str]:
    """Registry ids of the events that start or end a spell of ``regimes`` (read from the data)."""
    import pandas as pd

    from ..policy.indicators import spells as spell_table

    table = spell_table()
    rows = table[table["regime"].isin(regimes)]
    refs = pd.concat([rows["start_event"], rows["end_event"]]).dropna()
    return list(dict.fromkeys(str(ref).split(".")[0] for ref in refs))


def production(a: Analysis) -> Any:
    """Monthly crude output with key events; policy spells as separate rows underneath."""
    from ..policy.indicators import CHEVRON_COLUMN
    from ..policy.plotting import plot_events

    crude = a.frames.get("crude")
    if crude is None:
        return None
    plt = _plt()
    fig, (ax, strip) = plt.subplots(
        2, 1, figsize=(11, 5.6), sharex=True, height_ratios=[4, 1.1]
    )
    start = a.config["report"]["chart_start"]
    crude = crude[crude.index >= f"{start}-01"]
    ax.plot(crude.index, crude.to_numpy(), color="black", lw=1.5, label="crude output (EIA)")
    plot_events(ax, _bounding_events(["financial_sanctions", CHEVRON_COLUMN]),
                text_kw={"fontsize": 7})
    ax.set_ylabel("crude output, kb/d")
    ax.set_title("Crude oil output, monthly (EIA, production_monthly), with the policy events")
    handles = policy_timeline(strip, ["financial_sanctions", "chevron"],
                              start=crude.index.min(), end=crude.index.max())
    strip.set_xlabel("month")
    line = ax.get_lines()[0]
    fig.legend(handles=[line, *handles], loc="lower center", ncol=4, fontsize=7.5,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig



def source_name(dataset: str, source: str) -> str:
    """The title of ``source`` in ``dataset``'s metadata, without its parenthesised detail."""
    from ..data import describe

    for s in describe(dataset).get("sources", []):
        if s.get("source") == source:
            return str(s["title"]).split(" (", 1)[0]
    return source


def prices(a: Analysis) -> Any:
    """Brent (EIA) and Merey (OPEC ASB), and the Merey-Brent discount where both exist."""
    frame = a.frames.get("prices")
    if frame is None:
        return None
    plt = _plt()
    wide = frame.pivot_table(index="date", columns=["series", "source"], values="value")
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6), sharex=True, height_ratios=[2, 1])
    brent = wide[("brent", "eia_spot")].dropna()
    merey = wide[("merey", ASB_SOURCE)].dropna()
    asb = source_name("prices_monthly", ASB_SOURCE)
    ax1.plot(
        brent.index, brent.to_numpy(), color="tab:blue", lw=1.2, label="Brent (EIA spot, monthly)"
    )
    ax1.plot(merey.index, merey.to_numpy(), color="tab:red", lw=1.2, label=f"Merey ({asb})")
    ax1.set_ylabel("USD/bbl")
    ax1.set_title(f"Prices: Brent and Merey (Merey observed {merey.index.min():%Y-%m} to "
                  f"{merey.index.max():%Y-%m} only)")
    ax1.legend(fontsize=8)
    disc = (wide[("merey", ASB_SOURCE)] - wide[("brent", ASB_SOURCE)]).dropna()
    ax2.bar(disc.index, disc.to_numpy(), width=25, color="tab:red")
    ax2.axhline(0, color="black", lw=0.6)
    ax2.set_ylabel("USD/bbl")
    ax2.set_title(f"Merey minus Brent (both {asb})", fontsize=10)
    fig.tight_layout()
    return fig


def _model_plot(key: str, title: str, ylabels: tuple[str, ...] = ()) -> Any:
    """The results object's own ``plot()``, titled, with unit-bearing y labels."""

    def make(a: Analysis) -> Any:
        res = a.models.get(key)
        if res is None:
            return None
        fig = res.plot()
        fig.set_size_inches(10, 4.5)
        if fig.axes:
            fig.axes[0].set_title(title)
        for ax, label in zip(fig.axes, ylabels, strict=False):
            ax.set_ylabel(label)
        fig.tight_layout()
        return fig

    make.__doc__ = title
    return make


_PATH_LABELS = ("crude output, kb/d", "effect, kb/d")
_EXPORT_LABELS = ("exports to the US, approx. kb/d", "effect, approx. kb/d")


def synth_placebo(a: Analysis) -> Any:
    """Placebo-in-space gaps: every donor treated in turn (grey) vs Venezuela (black)."""
    res = a.models.get("synth")
    pl = None if res is None else res.placebo_result
    if pl is None:
        return None
    fig = pl.plot()
    fig.set_size_inches(10, 4.5)
    ax = fig.axes[0]
    ax.set_title(
        f"Synthetic control placebo gaps (p = {pvalue_text(pl.pvalue)}, "
        f"rank {pl.rank} "
        f"of {pl.n_units} by post/pre RMSPE ratio)"
    )
    ax.set_ylabel("gap, kb/d")
    import numpy as np

    span = float(np.nanmax(np.abs(pl.gaps.iloc[:, 0].to_numpy())))
    if span > 0:  # large producers' placebo gaps would flatten Venezuela's
        ax.set_ylim(-2.5 * span, 2.5 * span)
        ax.text(
            0.01,
            0.02,
            "y-axis cut at 2.5x Venezuela's largest gap; larger placebo gaps run off the chart",
            transform=ax.transAxes,
            fontsize=7,
            color="grey",
        )
    fig.tight_layout()
    return fig


def revenue_lost(a: Analysis) -> Any:
    """Monthly gross export value lost by channel (stacked), the total and its band."""
    ch = a.models.get("revenue_channels")
    if ch is None:
        return None
    import numpy as np

    plt = _plt()
    t = ch.table
    fig, ax = plt.subplots(figsize=(10, 4.5))
    colors = {"volume": "tab:purple", "price": "tab:olive", "discount": "tab:orange"}
    pos = np.zeros(len(t))
    neg = np.zeros(len(t))
    for name, color in colors.items():
        v = t[name].to_numpy()
        if not np.any(v):
            continue
        base = np.where(v >= 0, pos, neg)
        ax.bar(t.index, v, bottom=base, width=25, color=color, label=f"{name} channel",
               zorder=2)
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    ax.plot(t.index, t["loss"].to_numpy(), color="black", lw=1.2, marker=".", zorder=3,
            label="total (sum of channels)")
    ax.fill_between(t.index, t["loss_lower"].to_numpy(), t["loss_upper"].to_numpy(),
                    color="grey", alpha=0.25, step="mid", zorder=0,
                    label=f"{100 * (1 - ch.alpha):g}% interval of the total (monthly)")
    ax.axhline(0, color="black", lw=0.6)
    year = ch.per_year_usd_bn()
    lo, hi = ch.interval_per_year_usd_bn
    ax.set_title(
        f"Venezuela: gross export value lost {t.index.min():%Y-%m} to {t.index.max():%Y-%m} "
        f"({a.config['revenue']['model']}): USD {year['total']:.2f} bn/yr [{lo:.2f}, {hi:.2f}]",
        fontsize=10)
    ax.set_ylabel("USD million per month (nominal)")
    ax.set_xlabel("month")
    ax.legend(fontsize=8, loc="upper left")
    fig.text(0.01, 0.01, "Source: venecon; EIA crude output and Brent, "
             f"{source_name('prices_monthly', ASB_SOURCE)} Merey; gross export value, not "
             "fiscal revenue", fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def reopening_period(a: Analysis) -> Any:
    """Output since the pre-window with trend and band, prices, and the marked events."""
    import pandas as pd

    from ..policy.plotting import plot_events

    t = a.frames.get("reopening_period")
    if t is None:
        return None
    c = {**a.config["reopening"], **a.results["designs"]["reopening"]}
    res = a.models["reopening_its"]
    eff = res.effects.loc[pd.Timestamp(c["chart_start"]):]
    plt = _plt()
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(11, 7), sharex=True, height_ratios=[3, 2])
    ax.plot(eff.index, eff["actual"].to_numpy(), color="black", lw=1.5, marker=".",
            label="crude output (EIA)")
    ax.plot(eff.index, eff["counterfactual"].to_numpy(), color="tab:blue", ls="--", lw=1.2,
            label=f"linear trend {c['pre'][0]}..{c['pre'][1]}, carried forward")
    ax.fill_between(t.index, t["band_lower"].to_numpy(), t["band_upper"].to_numpy(),
                    color="tab:blue", alpha=0.15, label="band for one month")
    rep = a.frames.get("reopening_reported")
    if rep is not None:
        opec = rep[rep["series"] == "crude_oil_secondary_sources"]
        opec = opec[opec["date"] >= eff.index.min()]
        ax.scatter(opec["date"], opec["value"], color="tab:red", marker="s", s=22, zorder=3,
                   label="OPEC secondary sources (press-reported MOMR)")
    ax.axvspan(t.index.min(), t.index.max(), color="grey", alpha=0.08, lw=0)
    ax.set_ylabel("crude output, kb/d")
    ax.set_title(f"Venezuela after the naval closure and Maduro's capture: output to "
                 f"{t.index.max():%Y-%m} against the {c['pre'][0]}..{c['pre'][1]} trend "
                 f"(shown from {c['chart_start']})", fontsize=10)
    ev = a.frames.get("reopening_events")
    if ev is not None and len(ev):
        plot_events(ax, ev, text_kw={"fontsize": 6})
    ax.legend(fontsize=7, loc="upper left")
    prices = a.frames.get("prices")
    if prices is not None:
        sel = prices[(prices["series"] == "brent") & (prices["source"] == "eia_spot")
                     & (prices["date"] >= eff.index.min())]
        ax2.plot(sel["date"], sel["value"], color="tab:blue", lw=1.2, label="Brent (EIA spot)")
    if rep is not None:
        merey = rep[(rep["series"] == "merey") & (rep["date"] >= eff.index.min())]
        merey = merey.set_index("date")["value"].astype(float)
        merey = merey.reindex(pd.date_range(merey.index.min(), merey.index.max(), freq="MS"))
        ax2.plot(merey.index, merey.to_numpy(), color="tab:red", lw=1.0, marker="o", ms=3,
                 label="Merey (OPEC MOMR, press-reported; gaps where none)")
    if ev is not None and len(ev):
        plot_events(ax2, ev, labels=False)
    ax2.set_xlim(eff.index.min() - pd.Timedelta(days=10), eff.index.max() + pd.Timedelta(days=10))
    ax2.set_ylabel("USD/bbl")
    ax2.set_xlabel("month")
    ax2.legend(fontsize=7, loc="upper left")
    fig.text(0.01, 0.005, "Source: venecon; EIA (production_monthly, Brent), OPEC MOMR via press "
             "(reported_monthly), events registry (dashed lines)", fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


#: stem -> (function, caption)
FIGURES: dict[str, tuple[Any, str]] = {
    "production": (
        production,
        "Venezuela's crude output (EIA, kb/d) with the events that start or end a policy spell "
        "(dashed lines); below, the financial-sanctions spell and Chevron's licence states, "
        "each on its own row. Early months for which EIA gives only an annual estimate show "
        "that estimate spread over the months (flagged in the data).",
    ),
    "prices": (
        prices,
        "Brent and Merey prices and the Merey discount to Brent (the OPEC ASB Merey series ends "
        "where the red line ends; later discounts are assumptions, see the revenue section).",
    ),
    "sanctions_its": (
        _model_plot("sanctions_its", "Financial and oil sanctions: interrupted time series",
                    _PATH_LABELS),
        "Interrupted time series: actual (solid) and counterfactual (dashed) crude output around "
        "EO 13808 and the PdVSA designation; lower panel: the effect with its interval.",
    ),
    "sanctions_arima": (
        _model_plot("sanctions_arima", "Financial and oil sanctions: intervention ARIMA",
                    _PATH_LABELS),
        "Intervention ARIMA: actual output and the counterfactual forecast from the pre-period "
        "model; lower panel: the effect with its simulated band.",
    ),
    "breaks": (
        _model_plot("breaks_level", "Structural breaks in mean crude output",
                    ("crude output, kb/d",)),
        "Crude output (black) and the regime means between estimated breaks (red, BIC); "
        "dashed lines mark the break dates and shaded bands their confidence intervals.",
    ),
    "synth_paths": (
        _model_plot("synth", "Synthetic control: Venezuela vs synthetic Venezuela",
                    ("crude + NGL output, kb/d", "gap, kb/d")),
        "Synthetic control: actual and synthetic output (EI annual, kb/d); lower panel: the "
        "gap (actual minus synthetic).",
    ),
    "synth_placebo": (
        synth_placebo,
        "Placebo gaps: each donor treated in turn (grey) and Venezuela (black).",
    ),
    "chevron_its": (
        _model_plot("chevron_its", "Chevron's licences: exports to the US, interrupted time series",
                    _EXPORT_LABELS),
        "Interrupted time series of Venezuela's exports to the US (IMF IMTS, deflated to "
        "approximate kb/d) around every licence regime of the [chevron] configuration; lower "
        "panel: the effect with its interval.",
    ),
    "chevron_arima": (
        _model_plot("chevron_arima", "Chevron's licences: exports to the US, intervention ARIMA",
                    _EXPORT_LABELS),
        "Intervention ARIMA of exports to the US around the licence regimes; lower panel: the "
        "effect with its simulated band.",
    ),
    "reopening": (
        reopening_period,
        "Venezuela's crude output by month (EIA, black) against the linear trend of the "
        "pre-blockade window (dashed) with a one-month band (shaded, from the first post month); "
        "red squares: OPEC secondary sources where a press report gives them; dashed vertical "
        "lines: the registry's licences, authorisations and the capture since the chart's "
        "first marked month ([reopening] marked_since). Lower panel: "
        "Brent and the press-reported Merey price (gaps: months without a press report). "
        "Monthly values are drawn at the first day of their month.",
    ),
    "revenue_lost": (
        revenue_lost,
        "Gross export value lost per month (USD million, nominal; not fiscal revenue) by "
        "channel, stacked; black: the total; grey: its monthly interval (the model's).",
    ),
}


def make_figures(a: Analysis, directory: Path) -> dict[str, tuple[Path, str]]:
    """Write every available figure to ``directory`` as PNG (:data:`DPI`) and SVG."""
    out: dict[str, tuple[Path, str]] = {}
    for stem, (func, caption) in FIGURES.items():
        fig = func(a)
        if fig is None:
            continue
        out[stem] = (save_figure(fig, directory, stem), caption)
    return out
