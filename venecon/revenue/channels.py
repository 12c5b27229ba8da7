"""Gross export value lost, split exactly into volume, price and discount channels.

The concept is **gross export value** (barrels exported times the realised
export price), not fiscal or state revenue: royalties, taxes, partners'
shares, debt-service cargoes and costs are not deducted.

For every period t (month, or year of an annual result) and each world w
(``cf``: without the treatment, ``act``: the model's treated path)

    value_w,t = V_w,t x (P_w,t - D_w,t)                  [USD]

with ``V`` exported barrels (output x 1000 x days x export share), ``P`` the
benchmark price and ``D`` the discount (USD/bbl). The loss is
``value_cf - value_act`` and is split by the Shapley value of the three
factors (each factor's marginal effect averaged over the 3! orders in which
the factors can move from the treated to the counterfactual world), which for
this product has the closed form

    volume   = (V_cf - V_act) x ((P_cf - D_cf) + (P_act - D_act)) / 2
    price    = (P_cf - P_act) x (V_cf + V_act) / 2
    discount = -(D_cf - D_act) x (V_cf + V_act) / 2

so ``volume + price + discount = loss`` exactly in every period (no
residual). ``V_cf`` and ``V_act`` come from the model (counterfactual and
treated path); ``P_act = P_cf`` = the observed benchmark, i.e. the treatment
is assumed not to move the world price (the price channel is then zero, and
is reported as such); ``D_act`` is the actual-world discount of the
assumptions (observed where a Merey price exists, else its stated fallback)
and ``D_cf`` the counterfactual discount the caller states.

Interval: the loss is ``-sum_t c_t effect_t + sum_t V_act,t (D_act,t - D_cf,t)``
with ``c_t`` the counterfactual realised price per barrel: the first term is
:func:`venecon.revenue.lost` under the counterfactual discount (the model's
own interval for the weighted sum), the second is known given the treated
path, so it shifts the interval without widening it. Prices, shares and
discounts are treated as known, as in :func:`~venecon.revenue.lost`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import AssumptionError, ModelSpecificationError
from ..models.core.results import PathResults, jsonable
from .assumptions import Assumptions, Discount
from .decomposition import shapley
from .loss import DAYS_PER_YEAR, lost
from .units import BARRELS_PER_KB, USD_PER_MILLION

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LossChannels", "loss_channels", "CHANNELS", "CONCEPT"]

#: The three channels, in the order of the identity's factors.
CHANNELS = ("volume", "price", "discount")

#: What the dollar figures measure (written into every result).
CONCEPT = (
    "gross export value: exported barrels x realised export price (benchmark minus discount); "
    "not fiscal or state revenue (no royalties, taxes, partner shares, debt-service cargoes or "
    "costs are deducted)"
)

IDENTITY = (
    "value = V x (P - D); V exported barrels (output x 1000 x days x export share), P benchmark "
    "price, D discount (USD/bbl); loss = value(counterfactual) - value(treated path), split by "
    "the Shapley value of (V, P, D): volume = dV x mean realised price, price = dP x mean V, "
    "discount = -dD x mean V (means over the two worlds), exact in every period"
)


@dataclass(frozen=True, eq=False)
class LossChannels:
    """Gross export value lost over a window and its volume, price and discount channels.

    Positive numbers are value lost (counterfactual above the treated world).
    ``table`` has one row per period; ``totals`` (USD million, nominal) the
    window's sums of ``volume``, ``price``, ``discount`` and ``total`` (their
    sum, exactly); ``real_totals`` the same in constant dollars when the
    assumptions carry a deflator, else None. ``lower``/``upper`` bound the
    total at level ``1 - alpha`` (the model's interval; see the module
    docstring).
    """

    table: pd.DataFrame
    totals: pd.Series
    real_totals: pd.Series | None
    lower: float
    upper: float
    alpha: float
    days: int
    real_lower: float | None
    real_upper: float | None
    frequency: str
    counterfactual_discount: dict[str, Any]
    method: str
    provenance: dict[str, Any] = field(default_factory=dict)
    concept: str = CONCEPT

    @property
    def total(self) -> float:
        """Value lost over the window, USD million (nominal)."""
        return float(self.totals["total"])

    def per_year_usd_bn(self, real: bool = False) -> pd.Series:
        """Channels and total as an annual rate, USD bn per 365 days."""
        totals = self.real_totals if real else self.totals
        if totals is None:
            raise AssumptionError(
                "real values need a deflator in the assumptions (venecon.revenue.Deflator)"
            )
        return totals * (DAYS_PER_YEAR / self.days / 1e3)

    @property
    def interval_per_year_usd_bn(self) -> tuple[float, float]:
        """(lower, upper) of the nominal total, USD bn per 365 days."""
        scale = DAYS_PER_YEAR / self.days / 1e3
        return self.lower * scale, self.upper * scale

    @property
    def real_interval_per_year_usd_bn(self) -> tuple[float, float] | None:
        """(lower, upper) of the real total, USD bn per 365 days; None without a deflator."""
        if self.real_lower is None or self.real_upper is None:
            return None
        scale = DAYS_PER_YEAR / self.days / 1e3
        return self.real_lower * scale, self.real_upper * scale

    def to_frame(self) -> pd.DataFrame:
        """Channels and total: window total (USD million) and annual rate (USD bn), nominal/real."""
        import pandas as pd

        out = pd.DataFrame({"usd_million": self.totals,
                            "usd_bn_per_year": self.per_year_usd_bn()})
        if self.real_totals is not None:
            out["real_usd_million"] = self.real_totals
            out["real_usd_bn_per_year"] = self.per_year_usd_bn(real=True)
        total = self.total
        out["share_of_total_pct"] = 100 * out["usd_million"] / total if total else float("nan")
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record: totals, per-period table, interval, method and provenance."""
        lo, hi = self.interval_per_year_usd_bn
        out = {
            "concept": self.concept,
            "identity": IDENTITY,
            "totals_usd_million": jsonable(self.totals),
            "per_year_usd_bn": jsonable(self.per_year_usd_bn()),
            "real_totals_usd_million": jsonable(self.real_totals),
            "real_per_year_usd_bn": (None if self.real_totals is None
                                     else jsonable(self.per_year_usd_bn(real=True))),
            "lower_usd_million": self.lower,
            "upper_usd_million": self.upper,
            "per_year_interval_usd_bn": [lo, hi],
            "real_per_year_interval_usd_bn": jsonable(self.real_interval_per_year_usd_bn),
            "alpha": self.alpha,
            "days": self.days,
            "frequency": self.frequency,
            "counterfactual_discount": self.counterfactual_discount,
            "method": self.method,
            "table": jsonable(self.table),
            "provenance": jsonable(self.provenance),
        }
        json.dumps(out)
        return out

    def __str__(self) -> str:
        year = self.per_year_usd_bn()
        lo, hi = self.interval_per_year_usd_bn
        parts = ", ".join(f"{k} {year[k]:+,.2f}" for k in CHANNELS)
        return (f"Gross export value lost: USD {year['total']:,.2f} bn/yr "
                f"[{100 * (1 - self.alpha):g}%: {lo:,.2f}, {hi:,.2f}] = {parts} (nominal)")


def _factor(assumptions: Assumptions, table: pd.DataFrame, frequency: str) -> Any:
    """Deflator factor per period (index(base) / index(t)), or None without a deflator."""
    if assumptions.deflator is None:
        return None
    if frequency == "annual":
        return table["deflator_factor"].to_numpy()
    return assumptions.deflator.factors(table.index).to_numpy()


def loss_channels(
    result: PathResults,
    prices: Any = None,
    assumptions: Assumptions | None = None,
    counterfactual_discount: Discount | None = None,
    *,
    start: Any = None,
    end: Any = None,
) -> LossChannels:
    """Gross export value lost to a path model's effect, split into three exact channels.

    Parameters
    ----------
    result : PathResults
        As for :func:`venecon.revenue.lost` (monthly or annual, kb/d).
    prices : DataFrame or Series, optional
        Monthly prices (default: the bundled ``prices_monthly``).
    assumptions : Assumptions
        The actual world: export share, benchmark, discount ``D_act``
        (observed where available, else its fallback) and optional deflator.
    counterfactual_discount : Discount
        ``D_cf``, the discount without the treatment (e.g. the median observed
        discount before it). ``None`` uses the actual discount, so the discount
        channel is zero.
    start, end
        The window, as for :func:`venecon.revenue.lost`.

    Returns
    -------
    LossChannels
        Per-period ``table`` (kb/d of both worlds, exported barrels, benchmark,
        both discounts, value of both worlds, the channels and ``loss``, USD
        million; ``_real`` columns with a deflator) and the window's totals.
        ``volume + price + discount == total`` up to floating-point rounding.

    Raises
    ------
    ModelSpecificationError
        No :class:`Assumptions`, or a counterfactual discount that is not a
        :class:`Discount`; otherwise as :func:`venecon.revenue.lost`.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(assumptions, Assumptions):
        raise ModelSpecificationError("loss_channels needs explicit venecon.revenue.Assumptions")
    if counterfactual_discount is None:
        counterfactual_discount = assumptions.discount
    if not isinstance(counterfactual_discount, Discount):
        raise ModelSpecificationError(
            "counterfactual_discount must be a venecon.revenue.Discount (e.g. Discount.usd(11.4, "
            f"note=...)), got {type(counterfactual_discount).__name__}"
        )
    actual = lost(result, prices, assumptions, start=start, end=end)
    cf = lost(result, prices, assumptions.replace(discount=counterfactual_discount),
              start=start, end=end)
    t_act, t_cf = actual.table, cf.table
    barrels = BARRELS_PER_KB * t_act["days"].to_numpy() * t_act["export_share"].to_numpy()
    v_act = t_act["treated_path"].to_numpy() * barrels
    v_cf = t_act["counterfactual"].to_numpy() * barrels
    bench = t_act["benchmark_price"].to_numpy()
    d_act = t_act["discount"].to_numpy()
    d_cf = t_cf["discount"].to_numpy()

    def value(x: Any) -> float:
        return x[0] * (x[1] - x[2]) / USD_PER_MILLION

    effects = np.array([
        shapley(value, [v_act[i], bench[i], d_act[i]], [v_cf[i], bench[i], d_cf[i]])
        for i in range(len(t_act))
    ]).reshape(len(t_act), len(CHANNELS))
    table = pd.DataFrame(index=t_act.index)
    table["counterfactual_kbd"] = t_act["counterfactual"].to_numpy()
    table["treated_kbd"] = t_act["treated_path"].to_numpy()
    table["days"] = t_act["days"].to_numpy()
    table["export_share"] = t_act["export_share"].to_numpy()
    table["exported_barrels_cf"] = v_cf
    table["exported_barrels_act"] = v_act
    table["benchmark_price"] = bench
    table["discount_act"] = d_act
    table["discount_act_basis"] = t_act["discount_basis"].to_numpy()
    table["discount_cf"] = d_cf
    table["value_cf_usd_million"] = v_cf * (bench - d_cf) / USD_PER_MILLION
    table["value_act_usd_million"] = v_act * (bench - d_act) / USD_PER_MILLION
    for j, name in enumerate(CHANNELS):
        table[name] = effects[:, j]
    table["loss"] = table["value_cf_usd_million"] - table["value_act_usd_million"]
    # Per period: the counterfactual-discount valuation's pointwise interval shifted by the
    # known discount term on the treated path (see the module docstring).
    known = v_act * (d_act - d_cf) / USD_PER_MILLION
    table["loss_lower"] = t_cf["lost_usd_million_lower"].to_numpy() + known
    table["loss_upper"] = t_cf["lost_usd_million_upper"].to_numpy() + known
    totals = table[list(CHANNELS)].sum()
    totals["total"] = float(table["loss"].sum())
    factor = _factor(assumptions, t_act, actual.frequency)
    real_totals = None
    real_bounds: tuple[float | None, float | None] = (None, None)
    if factor is not None:
        for name in (*CHANNELS, "loss"):
            table[f"{name}_real"] = table[name].to_numpy() * factor
        real_totals = table[[f"{n}_real" for n in CHANNELS]].sum()
        real_totals.index = list(CHANNELS)
        real_totals["total"] = float(table["loss_real"].sum())
        known_real = float((known * factor).sum())
        real_bounds = (cf.real_lower + known_real, cf.real_upper + known_real)
    # The counterfactual-discount valuation carries the model's interval; the discount
    # term on the treated path is known given that path, so it shifts the bounds.
    shift = float(known.sum())
    method = (
        f"{IDENTITY}. Counterfactual benchmark = observed benchmark (price channel zero by "
        f"assumption). Actual discount: {assumptions.discount.label}; counterfactual discount: "
        f"{counterfactual_discount.label}. Interval: the model's interval for the loss valued at "
        "the counterfactual realised price, shifted by the known discount term on the treated "
        f"path. Volumes: {cf.method}"
    )
    provenance = {
        "function": "venecon.revenue.loss_channels",
        "actual": actual.provenance,
        "counterfactual_discount": counterfactual_discount.to_dict(),
        "units": {"channels": "USD million (nominal)", "discount": "USD/bbl",
                  "exported_barrels": "barrels", "kbd": "kb/d"},
    }
    return LossChannels(
        table=table,
        totals=totals,
        real_totals=real_totals,
        lower=cf.lower + shift,
        upper=cf.upper + shift,
        alpha=actual.alpha,
        days=actual.days,
        real_lower=real_bounds[0],
        real_upper=real_bounds[1],
        frequency=actual.frequency,
        counterfactual_discount=counterfactual_discount.to_dict(),
        method=method,
        provenance=provenance,
    )
