"""Exact decomposition of a revenue change into volume, benchmark-price and discount effects.

For a period (one or more months) revenue is ``R = V x (P - D)`` where ``V``
is exported barrels, ``P`` the export-weighted benchmark price and ``D`` the
export-weighted discount (weighted by each month's exported barrels, which
makes the identity exact for multi-month periods). The change ``R_b - R_a``
is split by the Shapley value of the three factors: each factor's effect is its
marginal contribution averaged over the 3! orders in which the factors can
move from period a to b. For this function the Shapley values have a closed
(midpoint) form,

    volume    = (V_b - V_a) x (Pr_a + Pr_b) / 2          (Pr = P - D)
    benchmark = (P_b - P_a) x (V_a + V_b) / 2
    discount  = -(D_b - D_a) x (V_a + V_b) / 2

and ``volume + benchmark + discount = R_b - R_a`` is an algebraic identity (no
residual term). With ``split_volume=True`` volume is split into output
(barrels produced) and export share with the general Shapley formula over
four factors, ``R = Q x s x (P - D)``, which is also exact. Unlike the
logarithmic mean Divisia index, Shapley handles zero volumes and sign changes.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import DateRangeError, SchemaError
from ..models.core.results import jsonable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Decomposition", "decompose", "shapley"]


def shapley(
    f: Callable[[Sequence[float]], float], a: Sequence[float], b: Sequence[float]
) -> list[float]:
    """Shapley decomposition of ``f(b) - f(a)`` over the factors (exact: the effects sum to it).

    Effect ``i`` averages ``f(x with factor i at b) - f(x with i at a)`` over
    all subsets of the other factors already at ``b``, with the Shapley weights
    ``|S|! (n - |S| - 1)! / n!``.
    """
    n = len(a)
    if n != len(b):
        raise ValueError("shapley: a and b need the same number of factors")
    effects = [0.0] * n
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                x = [b[j] if j in subset else a[j] for j in range(n)]
                lo, hi = list(x), list(x)
                lo[i], hi[i] = a[i], b[i]
                effects[i] += weight * (f(hi) - f(lo))
    return effects


def _months(period: Any) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """(first month, last month, label) of '2013', '2013-05', or a (start, end) pair."""
    import pandas as pd

    if isinstance(period, tuple | list):
        if len(period) != 2:
            raise DateRangeError(
                f"a period is a month, a year or a (start, end) pair, got {period!r}"
            )
        lo, _, _ = _months(period[0])
        _, hi, _ = _months(period[1])
        if lo > hi:
            raise DateRangeError(f"period {period!r}: start is after end")
        return lo, hi, f"{lo:%Y-%m} to {hi:%Y-%m}"
    text = str(period).strip()
    if len(text) == 4 and text.isdigit():
        return pd.Timestamp(f"{text}-01-01"), pd.Timestamp(f"{text}-12-01"), text
    try:
        month = pd.Period(period, "M").to_timestamp()
    except (TypeError, ValueError):
        raise DateRangeError(
            f"cannot read period {period!r} (use '2013', '2013-05' or a (start, end) pair)"
        ) from None
    return month, month, f"{month:%Y-%m}"


def _factors(table: pd.DataFrame, period: Any, real: bool) -> dict[str, Any]:
    """Exported barrels, output barrels, and export-weighted prices of one period."""
    import numpy as np
    import pandas as pd

    lo, hi, label = _months(period)
    wanted = pd.date_range(lo, hi, freq="MS")
    absent = wanted.difference(table.index)
    if len(absent):
        from .units import month_ranges

        raise DateRangeError(
            f"decompose: the revenue table lacks {month_ranges(absent)} of period {label}; it "
            f"covers {table.index.min():%Y-%m} to {table.index.max():%Y-%m}"
        )
    rows = table.loc[wanted]
    deflate = rows["deflator_factor"].to_numpy() if real else np.ones(len(rows))
    v = rows["exported_barrels"].to_numpy()
    volume = float(v.sum())
    # Export-weighted means make V x (P - D) equal the period's revenue exactly;
    # with no exports the weights are undefined and simple means are used.
    w = v / volume if volume > 0 else np.full(len(v), 1 / len(v))
    output = float(rows["barrels"].sum())
    return {
        "period": label,
        "months": len(rows),
        "output_barrels": output,
        "export_share": volume / output if output > 0 else float(rows["export_share"].mean()),
        "exported_barrels": volume,
        "benchmark_price": float(w @ (rows["benchmark_price"].to_numpy() * deflate)),
        "discount": float(w @ (rows["discount"].to_numpy() * deflate)),
        "revenue_usd_million": float((v * rows["realised_price"].to_numpy() * deflate).sum()) / 1e6,
    }


@dataclass(frozen=True, eq=False)
class Decomposition:
    """Effects (USD million) that sum exactly to the revenue change between two periods."""

    effects: pd.Series
    factors: pd.DataFrame
    real: bool
    method: str
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Revenue of period b minus revenue of period a, USD million."""
        return float(
            self.factors["revenue_usd_million"].iloc[1]
            - self.factors["revenue_usd_million"].iloc[0]
        )

    def to_frame(self) -> pd.DataFrame:
        """Effects with their share of the total change (percent)."""
        import pandas as pd

        frame = pd.DataFrame({"usd_million": self.effects})
        frame.loc["total"] = self.total
        frame["share_of_change_pct"] = (
            100 * frame["usd_million"] / self.total if self.total else math.nan
        )
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record."""
        out = {
            "effects": jsonable(self.effects),
            "total": self.total,
            "factors": jsonable(self.factors),
            "real": self.real,
            "method": self.method,
            "provenance": jsonable(self.provenance),
        }
        json.dumps(out)
        return out

    def __str__(self) -> str:
        a, b = self.factors.index
        kind = "real" if self.real else "nominal"
        parts = ", ".join(f"{k} {v:+,.0f}" for k, v in self.effects.items())
        return f"Revenue change {a} -> {b} ({kind} USD million): {self.total:+,.0f} = {parts}"


def decompose(
    revenue: pd.DataFrame,
    period_a: Any,
    period_b: Any,
    *,
    real: bool = False,
    split_volume: bool = False,
) -> Decomposition:
    """Split the revenue change from ``period_a`` to ``period_b`` into exact additive effects.

    Parameters
    ----------
    revenue : DataFrame
        Output of :func:`venecon.revenue.estimate` covering both periods.
    period_a, period_b : str or (start, end)
        A year (``"2013"``), a month (``"2013-05"``) or an inclusive pair of months.
    real : bool
        Decompose real revenue (prices deflated month by month); needs a
        deflator in the estimate.
    split_volume : bool
        Report ``output`` and ``export_share`` effects instead of one ``volume`` effect.

    Returns
    -------
    Decomposition
        ``effects`` (USD million): ``volume`` (or ``output`` and
        ``export_share``), ``benchmark_price``, ``discount``; they sum to
        ``total`` up to floating-point rounding. ``factors`` holds each
        period's exported barrels, export-weighted benchmark and discount (USD/bbl).
    """
    import pandas as pd

    needed = {
        "exported_barrels",
        "barrels",
        "benchmark_price",
        "discount",
        "realised_price",
        "export_share",
    }
    if not isinstance(revenue, pd.DataFrame) or not needed <= set(revenue.columns):
        raise SchemaError(
            "decompose needs the table returned by venecon.revenue.estimate "
            f"(columns {sorted(needed)})"
        )
    if real and "deflator_factor" not in revenue.columns:
        raise SchemaError(
            "decompose(real=True) needs an estimate made with a deflator in the assumptions"
        )
    a, b = _factors(revenue, period_a, real), _factors(revenue, period_b, real)
    if split_volume:
        names = ["output", "export_share", "benchmark_price", "discount"]
        keys = ["output_barrels", "export_share", "benchmark_price", "discount"]

        def f(x: Sequence[float]) -> float:
            return x[0] * x[1] * (x[2] - x[3]) / 1e6
    else:
        names = ["volume", "benchmark_price", "discount"]
        keys = ["exported_barrels", "benchmark_price", "discount"]

        def f(x: Sequence[float]) -> float:
            return x[0] * (x[1] - x[2]) / 1e6

    effects = pd.Series(
        shapley(f, [a[k] for k in keys], [b[k] for k in keys]), index=names, name="usd_million"
    )
    factors = pd.DataFrame([a, b]).set_index("period")
    method = (
        "Shapley decomposition of R = "
        + ("Q x s x (P - D)" if split_volume else "V x (P - D)")
        + "; V exported barrels, Q output barrels, s export share, P and D export-weighted "
        "benchmark and discount (USD/bbl" + (", deflated" if real else "") + ")"
    )
    provenance = {"function": "venecon.revenue.decompose", "estimate": revenue.attrs.get("venecon")}
    return Decomposition(
        effects=effects, factors=factors, real=real, method=method, provenance=provenance
    )
