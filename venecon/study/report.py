"""Figures and tables of a study: its path, its specification curve, its estimates.

The report (:mod:`venecon.report.study_sections`) places them; they live here
because they draw only on :class:`~venecon.study.StudyResults`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["path_figure", "specification_curve", "estimates_table", "synthetic_control_tables",
           "in_time_table", "PRE_FIT_FILTERS"]


def path_figure(
    est: Any,
    treated: str,
    treatment: Any = None,
    *,
    pre: tuple[Any, Any] | None = None,
    title: str | None = None,
    treatment_label: str = "treatment",
    other_events: tuple[tuple[str, Any], ...] = (),
    source: str | None = None,
) -> Any:
    """Observed and counterfactual outcome (top) and the effect with its interval (bottom).

    ``treatment`` (a date) is drawn as a vertical line labelled ``treatment_label``
    and its date, ``other_events`` (``(label, date)`` pairs) as lighter lines; the
    pre-period ``pre`` is shaded grey and the estimate's post window
    (``est.window``) red, so two studies of one series with different windows
    never look alike. ``title`` heads the figure (the estimator's label is the
    subtitle); ``source`` is printed beneath it.
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    p = est.path
    dated = isinstance(p.index, pd.DatetimeIndex)
    fig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(7.5, 6.0), gridspec_kw={"height_ratios": [2, 1]}
    )
    for lo, hi, colour, name in ((*(pre or (None, None)), "0.6", "pre-period"),
                                 (*_window(est.window), "C3", "post window")):
        if lo is None:
            continue
        a, b = _x(lo, dated), _x(hi, dated, end=True)
        for ax in (top, bottom):
            ax.axvspan(a, b, color=colour, alpha=0.10, lw=0, label=name if ax is top else None)
    if "observed" in p:
        top.plot(p.index, p["observed"], color="black", lw=1.3, label=f"{treated}, observed")
        top.plot(p.index, p["counterfactual"], color="C0", ls="--", lw=1.3, label="counterfactual")
        top.set_ylabel(f"outcome ({est.unit})")
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
    events = [] if treatment is None else [(treatment_label, treatment, "black", "-")]
    events += [(name, date, "grey", ":") for name, date in other_events]
    for name, date, colour, style in events:
        try:
            stamp = pd.Timestamp(date)
        except (ValueError, TypeError):  # an event given by registry id, not a date
            continue
        x = _x(stamp, dated)
        for ax in (top, bottom):
            ax.axvline(x, color=colour, ls=style, lw=1)
        # a treatment declared as a year resolves to its first day: print the year alone
        when = f"{stamp:%Y}" if not dated and (stamp.month, stamp.day) == (1, 1) else \
            f"{stamp:%Y-%m-%d}"
        top.annotate(
            f"{name} {when}",
            (x, 1),
            xycoords=("data", "axes fraction"),
            xytext=(-2, -3),
            textcoords="offset points",
            rotation=90,
            va="top",
            ha="right",
            fontsize=7.5,
            color=colour,
        )
    if "observed" in p:
        top.legend(loc="best", fontsize=8)
    if not dated:  # years: integer ticks
        from matplotlib.ticker import MaxNLocator

        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        fig.suptitle(title, fontsize=10.5)
    top.set_title(est.label, fontsize=9)
    rect = (0, 0, 1, 1)
    if source:
        import textwrap

        fig.text(0.01, 0.005, textwrap.fill(source, 130), fontsize=7, color="0.3",
                 va="bottom", ha="left")
        rect = (0, 0.04 + 0.018 * source.count("\n") + 0.012 * (len(source) // 130), 1, 1)
    fig.tight_layout(rect=rect)
    return fig


def _window(window: tuple[str, str]) -> tuple[Any, Any]:
    """An estimate's window (text) as periods; ``(None, None)`` if it is not one."""
    import pandas as pd

    try:
        if all(w.isdigit() for w in window):
            return int(window[0]), int(window[1])
        return pd.Timestamp(window[0]), pd.Timestamp(window[1])
    except (ValueError, AttributeError):
        return None, None


def _x(value: Any, dated: bool, *, end: bool = False) -> Any:
    """A period or date on the figure's x axis: a Timestamp (monthly) or a fractional year.

    ``end`` takes the end of the period (a window's last month or year is shaded whole).
    """
    import pandas as pd

    if dated:
        stamp = pd.Timestamp(value) if not isinstance(value, int) else pd.Timestamp(value, 1, 1)
        return stamp + pd.offsets.MonthBegin(1) if end else stamp
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value + 0.5 if end else value - 0.5
    stamp = pd.Timestamp(value)
    days = 366 if stamp.is_leap_year else 365
    return stamp.year - 0.5 + (stamp.day_of_year - 1) / days


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


#: Pre-fit filters of the placebo test: placebos whose pre-period MSPE exceeds this
#: multiple of the treated unit's are dropped (Abadie, Diamond and Hainmueller 2010, Fig. 5-7).
PRE_FIT_FILTERS = (20.0, 5.0, 2.0)


def synthetic_control_tables(est: Any) -> dict[str, Any]:
    """The tables a referee asks of a synthetic control, from the estimate's fitted result.

    Returns ``{title: DataFrame}`` (empty when ``est`` holds no synthetic-control
    fit): ``"Predictor balance and V weights"`` (treated, synthetic, donor mean
    and the diagonal of V per predictor); ``"Donor weights"`` (above 0.0005);
    ``"Placebos filtered by pre-period fit"`` (the treated unit's rank of the
    post/pre MSPE ratio among the placebos kept by each filter of
    :data:`PRE_FIT_FILTERS`, its p-value and the smallest p-value that count of
    units allows) and ``"In-time placebo"`` (:func:`in_time_table`: the in-time placebo the
    verdict reads).
    """
    import pandas as pd

    res = est.result
    if res is None or not hasattr(res, "balance") or not hasattr(res, "v"):
        return {}
    out: dict[str, Any] = {}
    bal = res.balance.copy()
    if "V" not in bal.columns:
        bal["V"] = res.v.reindex(bal.index)
    out["Predictor balance and V weights"] = bal
    w = res.weights
    out["Donor weights"] = w[w > 5e-4].sort_values(ascending=False).to_frame("weight")
    pl = res.placebo_result
    if pl is not None:
        table = pl.table
        treated = table.index[0]
        mspe = table["pre_rmspe"] ** 2
        rows = []
        for k in (None, *PRE_FIT_FILTERS):
            kept = table if k is None else table[mspe <= k * mspe.loc[treated]]
            rank = int((kept["ratio"] >= kept.loc[treated, "ratio"]).sum())
            rows.append({
                "pre-fit filter": "none" if k is None else f"pre-MSPE <= {k:g} x treated",
                "units compared": len(kept), "rank of treated": rank,
                "p-value": rank / len(kept), "smallest possible p": 1 / len(kept),
            })
        out["Placebos filtered by pre-period fit"] = pd.DataFrame(rows).set_index(
            "pre-fit filter")
    out["In-time placebo"] = in_time_table(est)
    return out


def in_time_table(est: Any) -> Any:
    """The estimate's in-time placebo (the one its verdict reads) as a one-row table.

    ``est.extra["in_time_placebo"]`` is computed by
    :func:`venecon.study.estimators.in_time_placebo`; the row says why when it
    could not run.
    """
    import pandas as pd

    p = est.extra.get("in_time_placebo") or {}
    if "average_effect" not in p:
        return pd.DataFrame({"result": [f"not computed: {p.get('not_run', 'not run')}"]},
                            index=pd.Index(["–"], name="placebo treatment"))
    row = {"window": f"{p['window'][0]} to {p['window'][1]}",
           "periods moved back": p["shift"],
           "average gap": p["average_effect"],
           "share of the estimate": (p["average_effect"] / est.average_effect
                                     if est.average_effect else float("nan"))}
    return pd.DataFrame([row], index=pd.Index([p["moved_to"]], name="placebo treatment"))
