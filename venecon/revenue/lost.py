"""Revenue lost: a path model's counterfactual output gap valued at export prices.

Method (stated again in every result's ``method``):

* lost output in month t is ``-effect_t`` (kb/d), i.e. counterfactual minus
  the model's treated path. For :class:`~venecon.models.InterventionARIMA` and
  synthetic control the treated path is actual output; for
  :class:`~venecon.models.ITS` it is the fitted path (ITS defines
  ``effect = fitted - counterfactual``), so a month's residual is not counted
  as an effect.
* lost revenue is ``lost_t x c_t`` with ``c_t = 1000 x days_t x export_share_t
  x realised_price_t / 1e6`` (USD million per kb/d). Prices and the other
  assumptions are treated as known: the only uncertainty carried to dollars is
  the model's.
* monthly intervals: since ``c_t > 0``, the model's pointwise interval
  ``[effect_lower, effect_upper]`` maps to ``[-effect_upper, -effect_lower] x c_t``.
* cumulative interval: *not* the sum of monthly bounds (which would ignore the
  correlation between months) but the model's own interval for the weighted
  sum ``sum_t c_t x effect_t`` (exact linear combination for ITS, re-weighted
  simulated paths for intervention ARIMA). Models that give no interval for
  sums (synthetic control) get NaN bounds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import ModelSpecificationError, SchemaError, UnitError
from ..models.results import PathResults, jsonable
from ._data import frame_provenance
from .accounting import _load_prices, realised_prices
from .assumptions import Assumptions, Discount
from .units import BARRELS_PER_KB, USD_PER_MILLION

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["LostRevenue", "lost", "sensitivity", "DAYS_PER_YEAR"]

#: Days in the "per year" figures (the convention of the published arithmetic).
DAYS_PER_YEAR = 365

METHOD = (
    "lost output = -effect (counterfactual minus the model's treated path), kb/d; "
    "lost revenue = lost output x 1000 x days x export share x realised price / 1e6, "
    "USD million. Prices and assumptions treated as known. "
    "Monthly bounds: the model's pointwise interval mapped through this positive linear transform. "
    "Cumulative bounds: the model's interval for the price-weighted sum of effects ({interval})."
)


@dataclass(frozen=True, eq=False)
class LostRevenue:
    """Revenue lost over a window, monthly and in total (USD million; bn per year).

    Positive numbers are revenue lost (counterfactual above the treated path).
    ``lower``/``upper`` bound the total at level ``1 - alpha``.
    """

    monthly: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    periods: int
    days: int
    alpha: float
    usd_million: float
    lower: float
    upper: float
    kbd_average: float
    kbd_lower: float
    kbd_upper: float
    real_usd_million: float | None
    real_lower: float | None
    real_upper: float | None
    method: str
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def per_year_usd_bn(self) -> tuple[float, float, float]:
        """(estimate, lower, upper): the window's total as an annual rate, USD bn per 365 days."""
        scale = DAYS_PER_YEAR / self.days / 1e3
        return self.usd_million * scale, self.lower * scale, self.upper * scale

    def to_frame(self) -> pd.DataFrame:
        """Rows: total USD million (nominal, real), USD bn per year, average kb/d."""
        import pandas as pd

        rows = {
            "total, USD million (nominal)": (self.usd_million, self.lower, self.upper),
            "per year, USD bn (nominal)": self.per_year_usd_bn,
            "average lost output, kb/d": (self.kbd_average, self.kbd_lower, self.kbd_upper),
        }
        if self.real_usd_million is not None:
            rows["total, USD million (real)"] = (
                self.real_usd_million,
                self.real_lower,
                self.real_upper,
            )
        return pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "lower", "upper"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record: totals, monthly table, method and provenance (with assumptions)."""
        out = {k: jsonable(getattr(self, k)) for k in self.__dataclass_fields__ if k != "monthly"}
        out["per_year_usd_bn"] = jsonable(list(self.per_year_usd_bn))
        out["monthly"] = jsonable(self.monthly)
        json.dumps(out)
        return out

    def __str__(self) -> str:
        pct = f"{100 * (1 - self.alpha):g}%"
        year, ylo, yhi = self.per_year_usd_bn
        return (
            f"Revenue lost {self.start:%Y-%m} to {self.end:%Y-%m} ({self.periods} months): "
            f"USD {self.usd_million:,.0f} million [{pct}: {self.lower:,.0f}, {self.upper:,.0f}], "
            f"USD {year:,.2f} bn per year [{ylo:,.2f}, {yhi:,.2f}]; average lost output "
            f"{self.kbd_average:,.1f} kb/d [{self.kbd_lower:,.1f}, {self.kbd_upper:,.1f}]"
        )


def _check_result(result: Any) -> None:
    import pandas as pd

    if not isinstance(result, PathResults):
        raise ModelSpecificationError(
            "lost revenue needs a path-based result (ITS, InterventionARIMA, SyntheticControl "
            f"fit), got "
            f"{type(result).__name__}"
        )
    if result.unit != "kb/d":
        raise UnitError(
            f"lost revenue: the model's outcome unit is {result.unit!r}; expected 'kb/d' "
            "(fit the model on kb/d output, e.g. production_monthly crude_oil)"
        )
    if not isinstance(result.effects.index, pd.DatetimeIndex):
        raise SchemaError(
            "lost revenue needs monthly effects (a date index); this result is indexed by "
            f"{type(result.effects.index).__name__}"
        )


def _sum_interval(
    result: PathResults, positions: np.ndarray, weights: np.ndarray, alpha: float
) -> tuple[float, float, float, str]:
    """(lost, lower, upper, method) of ``-sum weights x effect`` from the model's own interval."""
    try:
        est, lo, hi, method = result._cumulative_interval(positions, weights, alpha)
    except NotImplementedError:
        effect = result.effects["effect"].to_numpy()[positions]
        return -float(weights @ effect), math.nan, math.nan, "no interval for sums from this model"
    return -est, -hi, -lo, method


def lost(
    result: PathResults,
    prices: Any = None,
    assumptions: Assumptions | None = None,
    *,
    start: Any = None,
    end: Any = None,
) -> LostRevenue:
    """Revenue lost to the effect estimated by a path model, with its interval in dollars.

    Parameters
    ----------
    result : PathResults
        A fitted ITS, InterventionARIMA or SyntheticControl with a monthly
        outcome in kb/d.
    prices : DataFrame or Series, optional
        Monthly prices (USD/bbl); default the bundled ``prices_monthly``.
    assumptions : Assumptions
        Export share, benchmark, discount and (optional) deflator.
    start, end : date-like, optional
        Window (inclusive months); default: first treated month to the end of the sample.

    Returns
    -------
    LostRevenue
        ``monthly`` has ``counterfactual``, ``treated_path``, ``lost_kbd`` with
        ``lost_kbd_lower/upper``, ``lost_barrels`` (all output, before the
        export share), ``usd_million_per_kbd`` (the price weight c_t),
        ``lost_usd_million`` with bounds (and ``_real`` columns with a
        deflator); totals at the model's ``alpha``. See the module docstring
        for the method.
    """
    import numpy as np

    if not isinstance(assumptions, Assumptions):
        raise ModelSpecificationError("lost needs explicit venecon.revenue.Assumptions")
    _check_result(result)
    effects = result.effects
    positions = result._window(start, end)  # DateRangeError outside the treated periods
    months = effects.index[positions]
    prices = _load_prices(prices)
    table = realised_prices(months, prices, assumptions)
    days = np.asarray(months.days_in_month, dtype="float64")
    share = assumptions.share_on(months).to_numpy()
    weight = BARRELS_PER_KB * days * share * table["realised_price"].to_numpy() / USD_PER_MILLION
    eff = effects.iloc[positions]
    monthly = eff[["counterfactual"]].copy()
    monthly["treated_path"] = (eff["counterfactual"] + eff["effect"]).to_numpy()
    monthly["lost_kbd"] = -eff["effect"].to_numpy()
    monthly["lost_kbd_lower"] = -eff["effect_upper"].to_numpy()
    monthly["lost_kbd_upper"] = -eff["effect_lower"].to_numpy()
    monthly["days"] = days.astype(int)
    monthly["lost_barrels"] = monthly["lost_kbd"] * BARRELS_PER_KB * days
    monthly["export_share"] = share
    monthly = monthly.join(table)
    monthly["usd_million_per_kbd"] = weight
    for suffix in ("", "_lower", "_upper"):
        monthly[f"lost_usd_million{suffix}"] = monthly[f"lost_kbd{suffix}"] * weight
    alpha = result._alpha
    total, lo, hi, interval = _sum_interval(result, positions, weight, alpha)
    kbd, kbd_lo, kbd_hi, _ = _sum_interval(result, positions, days / days.sum(), alpha)
    real = (None, None, None)
    if assumptions.deflator is not None:
        factor = assumptions.deflator.factors(months).to_numpy()
        for suffix in ("", "_lower", "_upper"):
            monthly[f"lost_usd_million_real{suffix}"] = (
                monthly[f"lost_usd_million{suffix}"] * factor
            )
        real = _sum_interval(result, positions, weight * factor, alpha)[:3]
    provenance = {
        "function": "venecon.revenue.lost",
        "model": result.model,
        "model_provenance": result.provenance,
        "prices": frame_provenance(prices, table["benchmark_price"]),
        "assumptions": assumptions.to_dict(),
        "units": {
            "lost_kbd": "kb/d",
            "lost_barrels": "barrels",
            "lost_usd_million": "USD million (nominal)",
            "usd_million_per_kbd": "USD million per kb/d in the month",
            "per_year_usd_bn": f"USD bn per {DAYS_PER_YEAR} days",
        },
    }
    return LostRevenue(
        monthly=monthly,
        start=months[0],
        end=months[-1],
        periods=len(months),
        days=int(days.sum()),
        alpha=alpha,
        usd_million=total,
        lower=lo,
        upper=hi,
        kbd_average=kbd,
        kbd_lower=kbd_lo,
        kbd_upper=kbd_hi,
        real_usd_million=real[0],
        real_lower=real[1],
        real_upper=real[2],
        method=METHOD.format(interval=interval),
        provenance=provenance,
    )


def sensitivity(
    result: PathResults,
    prices: Any = None,
    assumptions: Assumptions | None = None,
    *,
    discounts: list[Discount] | None = None,
    export_shares: list[float] | None = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Lost revenue over a grid of discount and export-share assumptions.

    Each row is :func:`lost` with ``assumptions`` changed in the discount and
    export share only (benchmark, deflator, window stay fixed).

    Parameters
    ----------
    discounts : list of Discount, optional
        Default: ``[assumptions.discount]``.
    export_shares : list of float, optional
        Default: ``[assumptions.export_share]``.

    Returns
    -------
    DataFrame
        Columns ``discount``, ``export_share``, ``usd_million``, ``lower``,
        ``upper`` (total over the window), ``per_year_usd_bn`` with
        ``per_year_lower``/``per_year_upper``; ``attrs["venecon"]`` has the base
        assumptions and the window.
    """
    import pandas as pd

    if not isinstance(assumptions, Assumptions):
        raise ModelSpecificationError("sensitivity needs explicit venecon.revenue.Assumptions")
    discounts = list(discounts) if discounts is not None else [assumptions.discount]
    shares = list(export_shares) if export_shares is not None else [assumptions.export_share]
    if not discounts or not shares:
        raise ModelSpecificationError(
            "sensitivity: give at least one discount and one export share"
        )
    prices = _load_prices(prices)
    rows = []
    for discount in discounts:
        for share in shares:
            changed = assumptions.replace(discount=discount, export_share=share)
            res = lost(result, prices, changed, start=start, end=end)
            year = res.per_year_usd_bn
            rows.append(
                {
                    "discount": discount.label,
                    "export_share": share if not isinstance(share, pd.Series) else "series",
                    "usd_million": res.usd_million,
                    "lower": res.lower,
                    "upper": res.upper,
                    "per_year_usd_bn": year[0],
                    "per_year_lower": year[1],
                    "per_year_upper": year[2],
                }
            )
    table = pd.DataFrame(rows)
    table.attrs["venecon"] = {
        "function": "venecon.revenue.sensitivity",
        "window": [f"{res.start:%Y-%m}", f"{res.end:%Y-%m}"],
        "alpha": res.alpha,
        "model": result.model,
        "base_assumptions": assumptions.to_dict(),
        "method": res.method,
    }
    return table
