"""The revenue section's computations: assumptions from the [revenue] config, channels, grid.

The section values the sanctions model's lost barrels as **gross export
value** (not fiscal revenue) and splits the loss into volume, price and
discount channels with :func:`venecon.revenue.loss_channels`. The discount
assumptions come from observed Merey prices (:func:`venecon.revenue.observed_discounts`):

* actual world: the observed discount where a Merey price exists, else the
  median of every observed annual discount (``discount_fallback =
  "median_observed"``) or a fixed ``discount_usd`` (``"fixed"``);
* counterfactual world (no sanctions): the median of the observed annual
  discounts of ``counterfactual_discount_years`` (before the sanctions).
"""

from __future__ import annotations

from typing import Any

__all__ = ["assumptions_from_config", "counterfactual_discount", "fallback_discount",
           "channel_grid", "comparator_discounts"]


def fallback_discount(rev: Any, c: dict[str, Any]) -> Any:
    """The discount assumed in months without an observed Merey price."""
    if c["discount_fallback"] == "median_observed":
        return rev.median_observed_discount(benchmark=c["benchmark"])
    return rev.Discount.usd(c["discount_usd"], note="report [revenue] discount_usd")


def counterfactual_discount(rev: Any, c: dict[str, Any]) -> Any:
    """The no-sanctions discount: median observed annual discount of the stated years."""
    years = tuple(c["counterfactual_discount_years"])
    return rev.median_observed_discount(years, benchmark=c["benchmark"])


def assumptions_from_config(rev: Any, c: dict[str, Any], fallback: Any = None) -> Any:
    """The actual-world :class:`~venecon.revenue.Assumptions` of the [revenue] config."""
    fallback = fallback if fallback is not None else fallback_discount(rev, c)
    discount = (
        rev.Discount.observed("merey", rev.ASB_SOURCE, fallback=fallback,
                              note="observed Merey (OPEC ASB, press-reported OPEC MOMR) "
                                   "where available")
        if c["discount_observed"]
        else fallback
    )
    deflator = rev.us_cpi_deflator(str(c["deflator_base"])) if c["deflator"] == "us_cpi" else None
    return rev.Assumptions(
        export_share=c["export_share"],
        discount=discount,
        benchmark=c["benchmark"],
        deflator=deflator,
        export_share_note="report [revenue] export_share",
    )


def channel_grid(rev: Any, res: Any, prices: Any, c: dict[str, Any], cf: Any,
                 headline_fallback: Any) -> Any:
    """Loss and channels over fallback discounts x export shares; the headline's rank.

    Each cell keeps the observed Merey discount where it exists and varies the
    fallback (the assumption for unobserved months) and the export share; the
    headline's fallback is always one of the cells. ``rank`` 1 is the largest
    loss; ``attrs["headline_rank"]`` reads "k of n".
    """
    import pandas as pd

    values = sorted({float(x) for x in c["sensitivity_discounts_usd"]}
                    | {float(headline_fallback.value)})
    rows = []
    for x in values:
        is_headline = abs(x - headline_fallback.value) < 1e-12
        fb = headline_fallback if is_headline else rev.Discount.usd(x)
        for share in c["sensitivity_export_shares"]:
            a = assumptions_from_config(rev, {**c, "export_share": share}, fb)
            ch = rev.loss_channels(res, prices, a, cf, start=c["window"][0], end=c["window"][1])
            year = ch.per_year_usd_bn()
            lo, hi = ch.interval_per_year_usd_bn
            rows.append({
                "fallback_discount_usd": x,
                "export_share": float(share),
                "per_year_usd_bn": float(year["total"]),
                "per_year_lower": lo,
                "per_year_upper": hi,
                **{f"{k}_usd_bn_per_year": float(year[k]) for k in rev.CHANNELS},
                "headline": is_headline and abs(share - c["export_share"]) < 1e-12,
            })
    grid = pd.DataFrame(rows)
    grid["rank"] = grid["per_year_usd_bn"].rank(ascending=False, method="min").astype(int)
    hit = grid[grid["headline"]]
    grid.attrs["headline_rank"] = (
        f"{int(hit['rank'].iloc[0])} of {len(grid)}" if len(hit) else None)
    return grid


def comparator_discounts(prices: Any, months: Any, years: tuple[int, int], benchmark: str,
                         grade: str = "maya") -> dict[str, Any]:
    """Another heavy sour grade's discount (OPEC ASB) in the window and before the sanctions.

    Shows whether a narrow Merey discount in the window was Venezuelan or
    market-wide: ``window_mean`` over the window's months with a price,
    ``pre_median`` the median of the annual means of ``years``.
    """
    import numpy as np
    import pandas as pd

    from ..revenue.assumptions import ASB_SOURCE, DEFAULT_BENCHMARK_SOURCES

    def series(name: str, source: str) -> Any:
        rows = prices[(prices["series"] == name) & (prices["source"] == source)]
        return rows.set_index("date")["value"].astype(float)

    gap = (series(benchmark, DEFAULT_BENCHMARK_SOURCES[benchmark])
           - series(grade, ASB_SOURCE)).dropna()
    inside = gap.reindex(pd.DatetimeIndex(months)).dropna()
    annual = gap.groupby(gap.index.year).mean().loc[years[0]:years[1]]
    return {
        "grade": grade,
        "source": ASB_SOURCE,
        "window_months": [f"{inside.index.min():%Y-%m}", f"{inside.index.max():%Y-%m}"]
        if len(inside) else None,
        "window_mean": float(inside.mean()) if len(inside) else None,
        "pre_years": list(years),
        "pre_median": float(np.median(annual.to_numpy())),
    }
