"""The report's reopening section: the months after the naval closure and the capture, one by one.

The design is the study the section names (``[reopening] study`` of the report's
configuration): a saturated interrupted time series (a linear
trend fitted on the pre-window, one level term per month from the treatment's
month), so each month's effect is exactly the observed value minus the
extrapolated trend. This module reads that fitted result month by month. The
band around the counterfactual adds the pre-window's residual variance to the
trend's own (HAC) variance: a single month's gap is read against the noise of
a single month, not only against the uncertainty of the trend.
"""

from __future__ import annotations

from typing import Any

__all__ = ["monthly_path", "events_since", "post_counts"]


def monthly_path(res: Any, pre: tuple[Any, Any], post: Any, alpha: float) -> Any:
    """Per-month table of a fitted saturated ITS ``res`` for the months ``post``.

    ``pre`` is the pre-window (first and last month) whose residuals give the
    one-month noise. The table, indexed by month, has ``observed``,
    ``counterfactual``, ``gap`` (observed minus counterfactual, kb/d),
    ``band_lower``/``band_upper`` (the counterfactual's ``1 - alpha`` band for
    a single month) and ``gap_exceeds_band``.
    """
    import numpy as np
    import pandas as pd
    from scipy.stats import norm

    eff = res.effects
    pre_rows = eff.loc[pd.Timestamp(pre[0]):pd.Timestamp(pre[1])]
    resid = (pre_rows["actual"] - pre_rows["fitted"]).to_numpy()
    sigma = float(np.sqrt((resid ** 2).sum() / (len(resid) - 2)))
    post = pd.DatetimeIndex(post, name="date")
    rows = eff.loc[post]
    z = float(norm.ppf(1 - alpha / 2))
    spread = z * np.sqrt(rows["effect_se"].to_numpy() ** 2 + sigma ** 2)
    table = pd.DataFrame({
        "observed": rows["actual"].to_numpy(),
        "counterfactual": rows["counterfactual"].to_numpy(),
        "gap": (rows["actual"] - rows["counterfactual"]).to_numpy(),
        "band_lower": rows["counterfactual"].to_numpy() - spread,
        "band_upper": rows["counterfactual"].to_numpy() + spread,
    }, index=post)
    table["gap_exceeds_band"] = (table["observed"] < table["band_lower"]) | (
        table["observed"] > table["band_upper"])
    table.attrs["pre_residual_sd"] = sigma
    table.attrs["pre_months"] = len(resid)
    table.attrs["pre_lag1_autocorrelation"] = float(np.corrcoef(resid[:-1], resid[1:])[0, 1])
    return table


def events_since(start: str, categories: list[str]) -> Any:
    """Registry events dated from ``start`` whose category is one of ``categories``."""
    import pandas as pd

    from ..data import load

    ev = load("events")
    keep = (ev["date"] >= pd.Timestamp(start)) & ev["category"].isin(categories)
    return ev.loc[keep, ["id", "date", "category", "instrument", "direction",
                         "verification"]].sort_values(["date", "id"]).reset_index(drop=True)


def post_counts(table: Any, dates: dict[str, str]) -> dict[str, int]:
    """Months of data from each dated event's first full month (its month if it starts day 1-3).

    A month counts as after an event when the event falls on or before the
    month's 3rd day: an event on the 3rd counts its own month, one on the 29th
    counts from the next month.
    """
    import pandas as pd

    out = {}
    for name, day in dates.items():
        stamp = pd.Timestamp(day)
        first = stamp.to_period("M").to_timestamp()
        if stamp.day > 3:
            first = first + pd.offsets.MonthBegin(1)
        out[name] = int((table.index >= first).sum())
    return out
