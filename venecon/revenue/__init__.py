"""Oil revenue accounting: monthly estimates, revenue lost, decompositions, published checks.

>>> import venecon.revenue as rev
>>> a = rev.Assumptions(export_share=1.0, benchmark="brent",
...                     discount=rev.Discount.observed("merey", fallback=rev.Discount.usd(10)))
>>> table = rev.estimate(venecon.load("production_monthly", series="crude_oil"), None, a,
...                      start="2016-01", end="2019-12")                    # doctest: +SKIP

Revenue is never observed in venecon's data; it is computed as

    revenue [USD million] = volume [kb/d] x 1000 x days in month x export share
                            x (benchmark - discount) [USD/bbl] / 1e6

with every assumption (export share, benchmark and its source, the
Venezuelan discount, the deflator) held in :class:`Assumptions` and written
into each output's provenance. Real dollars need a deflator the user passes
(:class:`Deflator`), e.g. :func:`us_cpi_deflator`, the US CPI implied by the
Energy Institute's nominal and constant-dollar crude prices (bundled in ``macro``).

Public API
----------
estimate
    Monthly revenue (nominal, and real with a deflator) from volumes and prices.
lost, sensitivity, LostRevenue
    A path model's lost output valued at export prices, with the model's
    interval carried to dollars; a grid over discounts and export shares.
    Monthly results (ITS, intervention ARIMA) and annual ones (synthetic
    control on integer years: 365/366 days, annual mean prices).
realised_prices, annual_realised_prices
    Benchmark, discount and realised price per month, or per calendar year
    (mean of the year's 12 months).
loss_channels, LossChannels
    Gross export value lost split exactly into volume, price and discount channels.
observed_discounts, median_observed_discount
    Observed annual Merey discounts (OPEC ASB, press-reported OPEC MOMR) and their median.
us_cpi_deflator
    Real US dollars with the bundled US CPI (annual averages, EI Statistical Review 2026).
decompose, Decomposition, shapley
    Exact volume / benchmark / discount decomposition of a revenue change.
published_figures, published_comparison, annual_revenue_usd_bn, implied_price, implied_kbd
    Published figures (literature note), their arithmetic, and venecon's estimates beside them.
kbd_to_barrels, barrels_to_kbd, usd_to_usd_million, usd_million_to_usd, days_in_period
    Unit conversions.

pandas is imported only when a function runs. The modules are named ``loss`` and
``decomposition`` (not ``lost``/``decompose``) so that importing them never
replaces the functions ``venecon.revenue.lost`` and ``decompose`` on the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

_LAZY = {
    "Assumptions": "venecon.revenue.assumptions",
    "Discount": "venecon.revenue.assumptions",
    "Deflator": "venecon.revenue.assumptions",
    "DEFAULT_BENCHMARK_SOURCES": "venecon.revenue.assumptions",
    "ASB_SOURCE": "venecon.revenue.assumptions",
    "REPORTED_SOURCE": "venecon.revenue.assumptions",
    "REPORTED_DATASET": "venecon.revenue.assumptions",
    "observed_export_share": "venecon.revenue.assumptions",
    "central_assumptions": "venecon.revenue.assumptions",
    "merey_gap_2017": "venecon.revenue.assumptions",
    "observed_discounts": "venecon.revenue.assumptions",
    "median_observed_discount": "venecon.revenue.assumptions",
    "us_cpi_deflator": "venecon.revenue.assumptions",
    "loss_channels": "venecon.revenue.channels",
    "LossChannels": "venecon.revenue.channels",
    "CHANNELS": "venecon.revenue.channels",
    "estimate": "venecon.revenue.accounting",
    "realised_prices": "venecon.revenue.accounting",
    "annual_realised_prices": "venecon.revenue.accounting",
    "COLUMN_UNITS": "venecon.revenue.accounting",
    "lost": "venecon.revenue.loss",
    "sensitivity": "venecon.revenue.loss",
    "LostRevenue": "venecon.revenue.loss",
    "decompose": "venecon.revenue.decomposition",
    "Decomposition": "venecon.revenue.decomposition",
    "shapley": "venecon.revenue.decomposition",
    "PUBLISHED": "venecon.revenue.published",
    "published_figures": "venecon.revenue.published",
    "published_comparison": "venecon.revenue.published",
    "default_comparison_assumptions": "venecon.revenue.published",
    "annual_revenue_usd_bn": "venecon.revenue.published",
    "implied_price": "venecon.revenue.published",
    "implied_kbd": "venecon.revenue.published",
    "kbd_to_barrels": "venecon.revenue.units",
    "barrels_to_kbd": "venecon.revenue.units",
    "usd_to_usd_million": "venecon.revenue.units",
    "usd_million_to_usd": "venecon.revenue.units",
    "days_in_period": "venecon.revenue.units",
}

__all__ = list(_LAZY)

if TYPE_CHECKING:
    from .accounting import COLUMN_UNITS, annual_realised_prices, estimate, realised_prices
    from .assumptions import (
        ASB_SOURCE,
        DEFAULT_BENCHMARK_SOURCES,
        REPORTED_DATASET,
        REPORTED_SOURCE,
        Assumptions,
        Deflator,
        Discount,
        central_assumptions,
        median_observed_discount,
        merey_gap_2017,
        observed_discounts,
        observed_export_share,
        us_cpi_deflator,
    )
    from .channels import CHANNELS, LossChannels, loss_channels
    from .decomposition import Decomposition, decompose, shapley
    from .loss import LostRevenue, lost, sensitivity
    from .published import (
        PUBLISHED,
        annual_revenue_usd_bn,
        default_comparison_assumptions,
        implied_kbd,
        implied_price,
        published_comparison,
        published_figures,
    )
    from .units import (
        barrels_to_kbd,
        days_in_period,
        kbd_to_barrels,
        usd_million_to_usd,
        usd_to_usd_million,
    )

__getattr__, __dir__ = attach(__name__, _LAZY)
