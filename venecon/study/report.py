"""Figures and tables of a study: its path, its specification curve, its estimates.

The report (:mod:`venecon.report.study_sections`) places them; they live here
because they draw only on :class:`~venecon.study.StudyResults`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["path_figure", "specification_curve", "estimates_table"]


def path_figure(est: Any, treated: str, treatment: Any = None) -> Any:
    """Observed and counterfactual outcome (top) and the effect with its interval (bottom)."""
    import matplotlib.pyplot as plt
    import pandas as pd

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
    if treatment is not None:
        for ax in (top, bottom):
            ax.axvline(treatment, color="grey", ls=":", lw=1)
        top.annotate(
            "treatment",
            (treatment, 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=8,
        )
    if not isinstance(p.index, pd.DatetimeIndex):  # years: integer ticks
        from matplotlib.ticker import MaxNLocator

        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
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


def estimates_table(r: Any) -> Any:
    """One row per estimate of a :class:`~venecon.study.StudyResults` (the CSV in ``tables/``)."""
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
                "verdict": e.verdict,
                "verdict_reasons": " | ".join(e.verdict_reasons),
                "caveats": " | ".join(r.caveats_of(k)),
            }
        )
    return pd.DataFrame(rows)
