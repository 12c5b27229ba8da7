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

Annual results (a synthetic control on the annual Energy Institute panel:
integer years, kb/d) are valued year by year with the same formula, where
``days_t`` is the calendar year's 365 or 366 days and every monthly input is
reduced to the year's mean of its 12 months: the benchmark price, the observed
discount (else the discount's fallback for the whole year; see
:func:`~venecon.revenue.accounting.annual_realised_prices`), a monthly
export-share series and the deflator's index. A year without all 12 months of
prices is an error naming the year. Annual-mean flow times annual-mean price
ignores the within-year covariance of output and prices; with only annual
output there is nothing to estimate it from, and the method text says so.

Annual bounds: each year's bound is the model's pointwise interval mapped as
above. A synthetic control has such an interval only when fitted with
``conformal=True``; otherwise the bounds are NaN, never zero. The total's
bounds are NaN for a synthetic control even with conformal intervals: those
are per-year intervals, and summing their ends would ignore the dependence
between years (the same rule as for monthly results).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import DateRangeError, ModelSpecificationError, SchemaError, UnitError
from ..models.core.results import PathResults, jsonable
from ._data import frame_provenance, require_cover, select_price
from .accounting import annual_realised_prices, load_prices, realised_prices, year_months
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

METHOD_ANNUAL = (
    "annual result: lost output = -effect (counterfactual minus the model's treated path), "
    "kb/d average over the year; lost revenue = lost output x 1000 x days in the calendar year "
    "(365/366) x export share x realised price / 1e6, USD million. Annual prices: mean of the "
    "year's 12 monthly benchmark prices minus the year's discount (mean of 12 observed monthly "
    "discounts where all exist, else the fallback for the whole year); a monthly export-share "
    "series or deflator index enters as its mean over the year's 12 months. Annual-mean flow x "
    "annual-mean price: the within-year covariance of output and price is not captured. "
    "Prices and assumptions treated as known. Yearly bounds: the model's pointwise interval "
    "mapped through this positive linear transform (NaN where the model gives none, e.g. a "
    "synthetic control fitted without conformal=True). Total bounds: the model's interval for "
    "the price-weighted sum of effects ({interval}); per-year bounds are not summed."
)


@dataclass(frozen=True, eq=False)
class LostRevenue:
    """Revenue lost over a window, per period and in total (USD million; bn per year).

    Positive numbers are revenue lost (counterfactual above the treated path).
    ``lower``/``upper`` bound the total at level ``1 - alpha`` (NaN when the
    model gives no interval for sums).

    The per-period table is ``monthly`` for a monthly result and ``annual``
    (indexed by ``year``) for an annual one; the other is None, so code written
    for months cannot silently read years. ``table`` returns whichever exists.
    For an annual result ``start`` is 1 January of the first year and ``end``
    1 December of the last (month starts, as for monthly results), ``periods``
    counts years and ``days`` the calendar days (365/366 per year).
    """

    monthly: pd.DataFrame | None
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
    annual: pd.DataFrame | None = None
    frequency: str = "monthly"

    @property
    def table(self) -> pd.DataFrame:
        """The per-period table: ``monthly`` for monthly results, ``annual`` for annual ones."""
        return self.annual if self.frequency == "annual" else self.monthly

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
        tables = ("monthly", "annual")
        out = {k: jsonable(getattr(self, k)) for k in self.__dataclass_fields__ if k not in tables}
        out["per_year_usd_bn"] = jsonable(list(self.per_year_usd_bn))
        for name in tables:
            out[name] = jsonable(getattr(self, name))
        json.dumps(out)
        return out

    def __str__(self) -> str:
        pct = f"{100 * (1 - self.alpha):g}%"
        year, ylo, yhi = self.per_year_usd_bn
        span = (
            f"{self.start:%Y} to {self.end:%Y} ({self.periods} years)"
            if self.frequency == "annual"
            else f"{self.start:%Y-%m} to {self.end:%Y-%m} ({self.periods} months)"
        )
        return (
            f"Revenue lost {span}: "
            f"USD {self.usd_million:,.0f} million [{pct}: {self.lower:,.0f}, {self.upper:,.0f}], "
            f"USD {year:,.2f} bn per year [{ylo:,.2f}, {yhi:,.2f}]; average lost output "
            f"{self.kbd_average:,.1f} kb/d [{self.kbd_lower:,.1f}, {self.kbd_upper:,.1f}]"
        )


def _is_annual(index: pd.Index) -> bool:
    """Integer calendar years (as synthetic control on the annual panel) or annual periods."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        return index.freqstr.split("-")[0] in ("Y", "A", "YE")
    return pd.api.types.is_integer_dtype(index.dtype)


def _check_result(result: Any) -> str:
    """``"monthly"`` or ``"annual"``; raise for anything that cannot be valued in dollars."""
    import pandas as pd

    if not isinstance(result, PathResults):
        raise ModelSpecificationError(
            "lost revenue needs a path-based result (ITS, InterventionARIMA, SyntheticControl "
            f"fit), got "
            f"{type(result).__name__}"
        )
    index = result.effects.index
    if result.outcome_unit != "kb/d":
        if _is_annual(index):
            # Annual panels also come in stocks (Mt per year) or shares: only a flow can be
            # multiplied by the days of the year into barrels.
            raise UnitError(
                f"lost revenue: the annual model's outcome unit is {result.outcome_unit!r}, not a "
                "flow in 'kb/d'; barrels are kb/d x 1000 x days in the year, so fit the model on "
                "kb/d output (e.g. production_annual oil_production, source ei_sr2024) or pass "
                "outcome_unit='kb/d' if the outcome is in kb/d"
            )
        raise UnitError(
            f"lost revenue: the model's outcome unit is {result.outcome_unit!r}; expected 'kb/d' "
            "(fit the model on kb/d output, e.g. production_monthly crude_oil)"
        )
    if isinstance(index, pd.DatetimeIndex):
        frequency = result.frequency
        if frequency == "Q":
            raise SchemaError(
                "lost revenue values monthly or annual effects; this result is quarterly. Fit "
                "the model on monthly output, or on annual output for annual figures"
            )
        return "annual" if frequency == "Y" else "monthly"
    if _is_annual(index):
        return "annual"
    raise SchemaError(
        "lost revenue needs monthly effects (a date index) or annual effects (integer years); "
        f"this result is indexed by {type(index).__name__} ({index.dtype})"
    )


def _sum_interval(
    result: PathResults, positions: np.ndarray, weights: np.ndarray, alpha: float
) -> tuple[float, float, float, str]:
    """(lost, lower, upper, method) of ``-sum weights x effect`` from the model's own interval."""
    est, lo, hi, method = result.weighted_sum(positions, weights, alpha)
    return -est, -hi, -lo, method


def _as_year(value: Any, what: str) -> int:
    """A calendar year from ``2019``, ``"2019"`` or an annual Period; nothing finer.

    A month or a date is refused rather than truncated to its year: an annual
    result cannot value part of a year, and silently widening ``"2019-07"`` to
    all of 2019 would change the window the user asked for.
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.Period) and value.freqstr.split("-")[0] in ("Y", "A", "YE"):
        return int(value.year)
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        return int(value.strip())
    raise DateRangeError(
        f"lost revenue: the result is annual, so {what} must be a year (e.g. 2019 or '2019'), "
        f"got {value!r}"
    )


def _annual_window(result: PathResults, start: Any, end: Any) -> tuple[np.ndarray, list[int]]:
    """Positions (into ``effects``) and years of the treated years from ``start`` to ``end``.

    The default window mirrors the monthly one: the first treated period of
    the first event to the last period with an effect. The effects are indexed
    by integer years (synthetic control) or year starts (a time-series model
    fitted on annual data).
    """
    import numpy as np
    import pandas as pd

    effects = result.effects

    def year(value: Any, what: str) -> int:
        return int(value.year) if isinstance(value, pd.Timestamp) else _as_year(value, what)

    years = np.array([year(y, "the effects index") for y in effects.index])
    treated = effects["effect"].notna().to_numpy()
    if not treated.any():
        raise DateRangeError("lost revenue: the result has no period with an effect")
    first = min(year(p, "an event's period") for p in result.events["period"])
    lo = _as_year(start, "start") if start is not None else first
    hi = _as_year(end, "end") if end is not None else int(years[treated].max())
    if lo > hi:
        raise DateRangeError(f"lost revenue: start {start!r} is after end {end!r}")
    if lo < years.min() or hi > years.max():
        raise DateRangeError(
            f"lost revenue: {lo} to {hi} is outside the effects, which cover "
            f"{years.min()} to {years.max()}"
        )
    mask = (years >= lo) & (years <= hi) & treated
    if not mask.any():
        raise DateRangeError(f"lost revenue: no years with an effect in {lo} to {hi}")
    positions = np.flatnonzero(mask)
    return positions, [int(y) for y in years[positions]]


def _annual_mean(monthly: pd.Series, years: list[int]) -> np.ndarray:
    """Mean of each year's 12 monthly values (``monthly`` covers them: checked by the caller)."""
    return monthly.groupby(monthly.index.year).mean().reindex(years).to_numpy(dtype="float64")


def _benchmark_months(prices: Any, assumptions: Assumptions, months: Any) -> pd.Series:
    """The monthly benchmark prices behind the annual means (for provenance)."""
    a = assumptions
    return select_price(prices, a.benchmark, a.benchmark_source, "benchmark").reindex(months)



def _period_table(eff: Any, index: Any, days: Any, share: Any, prices: Any, weight: Any) -> Any:
    """Lost output and its value per period (month or year): LostRevenue's table."""
    import pandas as pd

    out = pd.DataFrame({"counterfactual": eff["counterfactual"].to_numpy()}, index=index)
    out["treated_path"] = (eff["counterfactual"] + eff["effect"]).to_numpy()
    out["lost_kbd"] = -eff["effect"].to_numpy()
    # NaN when the model has no per-period interval (synthetic control without
    # conformal=True): an unknown bound must stay visibly unknown, not become 0.
    out["lost_kbd_lower"] = -eff["effect_upper"].to_numpy()
    out["lost_kbd_upper"] = -eff["effect_lower"].to_numpy()
    out["days"] = days.astype(int)
    out["lost_barrels"] = out["lost_kbd"] * BARRELS_PER_KB * days
    out["export_share"] = share
    out = out.join(prices)
    out["usd_million_per_kbd"] = weight
    for suffix in ("", "_lower", "_upper"):
        out[f"lost_usd_million{suffix}"] = out[f"lost_kbd{suffix}"] * weight
    return out


def _summarise(
    result: PathResults,
    positions: Any,
    weight: Any,
    days: Any,
    real_weight: Any,
    method: str,
    provenance: dict[str, Any],
    **fields: Any,
) -> LostRevenue:
    """Totals with the model's interval for the price-weighted sums, as a LostRevenue."""
    alpha = result.alpha
    total, lo, hi, interval = _sum_interval(result, positions, weight, alpha)
    kbd, kbd_lo, kbd_hi, _ = _sum_interval(result, positions, days / days.sum(), alpha)
    real = (
        (None, None, None)
        if real_weight is None
        else _sum_interval(result, positions, real_weight, alpha)[:3]
    )
    return LostRevenue(
        periods=len(positions),
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
        method=method.format(interval=interval),
        provenance=provenance,
        **fields,
    )

def _lost_annual(
    result: PathResults, prices: Any, assumptions: Assumptions, start: Any, end: Any
) -> LostRevenue:
    """:func:`lost` for an annual result (integer years); see the module docstring."""
    import pandas as pd

    positions, years = _annual_window(result, start, end)
    months = year_months(years)
    prices = load_prices(prices)
    table = annual_realised_prices(years, prices, assumptions)
    days = result.period_days(positions)
    # A monthly share series is averaged over the year's months, like the prices
    # (share_on raises naming any month the series does not cover).
    share = _annual_mean(assumptions.share_on(months), years)
    weight = BARRELS_PER_KB * days * share * table["realised_price"].to_numpy() / USD_PER_MILLION
    eff = result.effects.iloc[positions]
    annual = _period_table(eff, pd.Index(years, name="year"), days, share, table, weight)
    real_weight = None
    deflator = assumptions.deflator
    if deflator is not None:
        # Real value of a year's dollars: base level over the year's mean index level
        # (the mean of monthly factors would weight low-index months more).
        level = require_cover(deflator.index, months, f"deflator {deflator.name!r}")
        factor = deflator.base_level() / _annual_mean(level, years)
        annual["deflator_factor"] = factor
        for suffix in ("", "_lower", "_upper"):
            annual[f"lost_usd_million_real{suffix}"] = annual[f"lost_usd_million{suffix}"] * factor
        real_weight = weight * factor
    provenance = {
        "function": "venecon.revenue.lost",
        "frequency": "annual",
        "model": result.model,
        "model_provenance": result.provenance,
        # user-supplied prices are identified by the monthly values used, as for monthly results
        "prices": frame_provenance(prices, _benchmark_months(prices, assumptions, months)),
        "assumptions": assumptions.to_dict(),
        "annual_treatment": (
            "days = calendar days of the year (365/366); benchmark price, export-share series "
            "and deflator index = mean of the year's 12 months (all required); observed "
            "discount = mean of the year's 12 monthly observed discounts, else the fallback "
            "for the whole year"
        ),
        "units": {
            "lost_kbd": "kb/d (annual average)",
            "lost_barrels": "barrels in the year",
            "benchmark_price": "USD/bbl (annual mean of monthly prices)",
            "lost_usd_million": "USD million (nominal)",
            "usd_million_per_kbd": "USD million per kb/d in the year",
            "per_year_usd_bn": f"USD bn per {DAYS_PER_YEAR} days",
        },
    }
    return _summarise(
        result, positions, weight, days, real_weight, METHOD_ANNUAL, provenance,
        start=months[0], end=months[-1], monthly=None, annual=annual, frequency="annual",
    )


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
        A fitted ITS, InterventionARIMA or SyntheticControl with an outcome in
        kb/d, monthly (date index) or annual (integer years, e.g. a synthetic
        control on ``production_annual``).
    prices : DataFrame or Series, optional
        Monthly prices (USD/bbl); default the bundled ``prices_monthly``. For
        an annual result each year's price is the mean of its 12 months.
    assumptions : Assumptions
        Export share, benchmark, discount and (optional) deflator.
    start, end : date-like or int, optional
        Window, inclusive: months for a monthly result; years (``2019`` or
        ``"2019"``) for an annual one. Default: the first treated period of
        the first event to the last period with an effect.

    Returns
    -------
    LostRevenue
        The per-period table (``monthly``, or ``annual`` indexed by ``year``)
        has ``counterfactual``, ``treated_path``, ``lost_kbd`` with
        ``lost_kbd_lower/upper``, ``days``, ``lost_barrels`` (all output,
        before the export share), ``export_share``, ``benchmark_price``,
        ``discount``, ``discount_basis``, ``realised_price``,
        ``usd_million_per_kbd`` (the price weight c_t), ``lost_usd_million``
        with bounds (and ``_real`` columns with a deflator); totals at the
        model's ``alpha``. Bounds the model does not give are NaN. See the
        module docstring for the method.

    Raises
    ------
    ModelSpecificationError
        Not a path result, or no :class:`Assumptions`.
    UnitError
        The outcome is not in kb/d (a flow).
    SchemaError
        Effects indexed by neither months nor years.
    DateRangeError
        A window outside the effects; prices, an observed discount without a
        fallback, an export-share series or a deflator that lack a month (for
        an annual result: any month of a year in the window; the message
        names the year).
    """
    if not isinstance(assumptions, Assumptions):
        raise ModelSpecificationError("lost needs explicit venecon.revenue.Assumptions")
    if _check_result(result) == "annual":
        return _lost_annual(result, prices, assumptions, start, end)
    effects = result.effects
    positions = result.window_positions(start, end)  # DateRangeError outside the treated periods
    months = effects.index[positions]
    prices = load_prices(prices)
    table = realised_prices(months, prices, assumptions)
    days = result.period_days(positions)
    share = assumptions.share_on(months).to_numpy()
    weight = BARRELS_PER_KB * days * share * table["realised_price"].to_numpy() / USD_PER_MILLION
    eff = effects.iloc[positions]
    monthly = _period_table(eff, eff.index, days, share, table, weight)
    real_weight = None
    if assumptions.deflator is not None:
        factor = assumptions.deflator.factors(months).to_numpy()
        for suffix in ("", "_lower", "_upper"):
            monthly[f"lost_usd_million_real{suffix}"] = (
                monthly[f"lost_usd_million{suffix}"] * factor
            )
        real_weight = weight * factor
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
    return _summarise(
        result, positions, weight, days, real_weight, METHOD, provenance,
        start=months[0], end=months[-1], monthly=monthly,
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
    export share only (benchmark, deflator, window stay fixed). Works for
    monthly and annual results alike (see :func:`lost`).

    Parameters
    ----------
    result, prices, assumptions, start, end
        As for :func:`lost`.
    discounts : list of Discount, optional
        Default: ``[assumptions.discount]``.
    export_shares : list of float, optional
        Default: ``[assumptions.export_share]``.

    Returns
    -------
    DataFrame
        Columns ``discount``, ``export_share``, ``usd_million``, ``lower``,
        ``upper`` (total over the window), ``per_year_usd_bn`` with
        ``per_year_lower``/``per_year_upper``, ``rank`` (1 = largest loss) and
        ``headline`` (the cell of the base ``assumptions``); ``attrs["venecon"]``
        has the base assumptions, the window and ``headline_rank`` ("2 of 8",
        or None when the base assumptions are not a cell of the grid).
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
    prices = load_prices(prices)
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
    # Where the base assumptions sit in the grid: rank 1 is the largest loss.
    table["rank"] = table["usd_million"].rank(ascending=False, method="min").astype(int)
    base_share = assumptions.export_share if not isinstance(assumptions.export_share, pd.Series) \
        else "series"
    table["headline"] = (table["discount"] == assumptions.discount.label) & (
        table["export_share"] == base_share)
    table.attrs["venecon"] = {
        "headline_rank": (f"{int(table.loc[table['headline'], 'rank'].iloc[0])} of {len(table)}"
                          if table["headline"].any() else None),
        "function": "venecon.revenue.sensitivity",
        "window": (
            [f"{res.start:%Y}", f"{res.end:%Y}"]
            if res.frequency == "annual"
            else [f"{res.start:%Y-%m}", f"{res.end:%Y-%m}"]
        ),
        "frequency": res.frequency,
        "alpha": res.alpha,
        "model": result.model,
        "base_assumptions": assumptions.to_dict(),
        "method": res.method,
    }
    return table
