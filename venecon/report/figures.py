"""Figures of ``venecon report`` (matplotlib, Agg backend, PNG).

Each function takes an :class:`~venecon.report.analysis.Analysis` and returns
a matplotlib Figure or None when its section was not run. :func:`make_figures`
writes them all and returns ``{stem: (path, caption)}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import Analysis

__all__ = ["make_figures", "FIGURES"]

DPI = 110


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "venecon", "figure.max_open_warning": 0})
    return plt


def production(a: Analysis) -> Any:
    """Monthly crude output with sanctions and Chevron's licence spells shaded."""
    from ..policy.plotting import plot_events

    crude = a.frames.get("crude")
    if crude is None:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(11, 4.8))
    crude = crude[crude.index >= "2010-01-01"]
    ax.plot(crude.index, crude.to_numpy(), color="black", lw=1.5, label="crude output (EIA)")
    plot_events(
        ax,
        ["eo13808", "pdvsa-sdn", "gl41", "gl41a", "chevron-licence-2025", "blockade", "gl46"],
        spells=["chevron", "financial_sanctions"],
        text_kw={"fontsize": 7},
    )
    ax.set_ylabel("kb/d")
    ax.set_title("Venezuela crude oil output, 2010 to the latest month (EIA, production_monthly)")
    ax.legend(loc="upper right", fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def prices(a: Analysis) -> Any:
    """Brent (EIA) and Merey (OPEC ASB), and the Merey-Brent discount where both exist."""
    frame = a.frames.get("prices")
    if frame is None:
        return None
    plt = _plt()
    wide = frame.pivot_table(index="date", columns=["series", "source"], values="value")
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6), sharex=True, height_ratios=[2, 1])
    brent = wide[("brent", "eia_spot")].dropna()
    merey = wide[("merey", "opec_asb2018")].dropna()
    ax1.plot(
        brent.index, brent.to_numpy(), color="tab:blue", lw=1.2, label="Brent (EIA spot, monthly)"
    )
    ax1.plot(merey.index, merey.to_numpy(), color="tab:red", lw=1.2, label="Merey (OPEC ASB 2018)")
    ax1.set_ylabel("USD/bbl")
    ax1.set_title("Prices: Brent and Venezuela's Merey (Merey observed 2005-03 to 2017-12 only)")
    ax1.legend(fontsize=8)
    disc = (wide[("merey", "opec_asb2018")] - wide[("brent", "opec_asb2018")]).dropna()
    ax2.bar(disc.index, disc.to_numpy(), width=25, color="tab:red")
    ax2.axhline(0, color="black", lw=0.6)
    ax2.set_ylabel("USD/bbl")
    ax2.set_title("Merey minus Brent (both OPEC ASB 2018)", fontsize=10)
    fig.tight_layout()
    return fig


def _model_plot(key: str, title: str) -> Any:
    def make(a: Analysis) -> Any:
        res = a.models.get(key)
        if res is None:
            return None
        fig = res.plot()
        fig.set_size_inches(10, 4.5)
        if fig.axes:
            fig.axes[0].set_title(title)
        fig.tight_layout()
        return fig

    make.__doc__ = title
    return make


def synth_placebo(a: Analysis) -> Any:
    """Placebo-in-space gaps: every donor treated in turn (grey) vs Venezuela (black)."""
    res = a.models.get("synth")
    if res is None or not a.config["synth"]["placebo"]:
        return None
    fig = res.placebo.plot()
    fig.set_size_inches(10, 4.5)
    ax = fig.axes[0]
    ax.set_title(
        f"Synthetic control placebo gaps (p = {res.placebo.pvalue:.3f}, rank {res.placebo.rank} "
        f"of {res.placebo.n_units} by post/pre RMSPE ratio)"
    )
    ax.set_ylabel("gap, kb/d")
    import numpy as np

    span = float(np.nanmax(np.abs(res.placebo.gaps.iloc[:, 0].to_numpy())))
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
    """Monthly revenue lost with its interval."""
    lost = a.models.get("revenue_lost")
    if lost is None:
        return None
    plt = _plt()
    m = lost.monthly
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.bar(
        m.index,
        m["lost_usd_million"].to_numpy(),
        width=25,
        color="tab:purple",
        label="revenue lost",
    )
    lower = m["lost_usd_million_lower"].to_numpy()
    upper = m["lost_usd_million_upper"].to_numpy()
    ax.fill_between(
        m.index,
        lower,
        upper,
        color="tab:purple",
        alpha=0.2,
        step="mid",
        label=f"{100 * (1 - lost.alpha):g}% interval (monthly)",
    )
    ax.axhline(0, color="black", lw=0.6)
    year, lo, hi = lost.per_year_usd_bn
    ax.set_title(
        f"Revenue lost {lost.start:%Y-%m} to {lost.end:%Y-%m} ({a.config['revenue']['model']}): "
        f"USD {year:.1f} bn/yr [{lo:.1f}, {hi:.1f}]"
    )
    ax.set_ylabel("USD million per month")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


#: stem -> (function, caption)
FIGURES: dict[str, tuple[Any, str]] = {
    "production": (
        production,
        "Venezuela's crude output (EIA, kb/d) with the financial-sanctions spell "
        "and Chevron's licence states shaded; key events marked. Months before 2016 are EIA's "
        "annual estimates spread over the months (flagged in the data).",
    ),
    "prices": (
        prices,
        "Brent and Merey prices and the Merey discount to Brent (OPEC ASB data end in "
        "2017-12; later discounts are assumptions, see the revenue section).",
    ),
    "sanctions_its": (
        _model_plot("sanctions_its", "2017/2019 sanctions: interrupted time series"),
        "Interrupted time series: actual, fitted and counterfactual crude output around "
        "EO 13808 and the PdVSA designation.",
    ),
    "sanctions_arima": (
        _model_plot("sanctions_arima", "2017/2019 sanctions: intervention ARIMA"),
        "Intervention ARIMA: counterfactual forecast from the pre-period model with its "
        "simulated band.",
    ),
    "breaks": (
        _model_plot("breaks_level", "Structural breaks in mean crude output"),
        "Estimated mean shifts (BIC) with their confidence intervals.",
    ),
    "synth_paths": (
        _model_plot("synth", "Synthetic control: Venezuela vs synthetic Venezuela"),
        "Synthetic control: actual and synthetic output (EI annual, kb/d).",
    ),
    "synth_placebo": (
        synth_placebo,
        "Placebo gaps: each donor treated in turn (grey) and Venezuela (black).",
    ),
    "chevron_its": (
        _model_plot("chevron_its", "Chevron's licence: interrupted time series"),
        "Interrupted time series around GL 41 (2022-11) and its revocation (2025-03).",
    ),
    "chevron_arima": (
        _model_plot("chevron_arima", "Chevron's licence: intervention ARIMA"),
        "Intervention ARIMA around GL 41, sample ending before the revocation.",
    ),
    "reopening": (
        _model_plot("reopening_its", "2025 blockade and 2026 reopening (level shifts)"),
        "Level-shift ITS around the December 2025 blockade and GL 46 (January 2026).",
    ),
    "revenue_lost": (
        revenue_lost,
        "Monthly revenue lost (USD million) with the model's interval carried to dollars.",
    ),
}


def make_figures(a: Analysis, directory: Path) -> dict[str, tuple[Path, str]]:
    """Write every available figure to ``directory`` as PNG."""
    plt = _plt()
    directory.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, str]] = {}
    for stem, (func, caption) in FIGURES.items():
        fig = func(a)
        if fig is None:
            continue
        path = directory / f"{stem}.png"
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
        plt.close(fig)
        out[stem] = (path, caption)
    return out
