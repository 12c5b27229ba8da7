"""Monthly revenue estimates from output volumes and prices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import AssumptionError, DataValueError, DateRangeError
from ._data import frame_provenance, prepare_volumes, require_cover, select_price
from .assumptions import Assumptions
from .units import BARRELS_PER_KB, USD_PER_MILLION, month_ranges

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["estimate", "realised_prices", "annual_realised_prices", "year_months", "COLUMN_UNITS"]

#: Unit of every column of :func:`estimate`'s table.
COLUMN_UNITS = {
    "volume_kbd": "kb/d",
    "days": "days",
    "barrels": "barrels",
    "export_share": "fraction",
    "exported_barrels": "barrels",
    "benchmark_price": "USD/bbl",
    "discount": "USD/bbl",
    "discount_basis": "observed | assumed",
    "discount_source": "price source of an observed discount, or 'assumed: <assumption>'",
    "realised_price": "USD/bbl",
    "revenue_usd_million": "USD million (nominal)",
    "deflator_factor": "index(base) / index(t)",
    "realised_price_real": "USD/bbl (constant USD of base)",
    "revenue_usd_million_real": "USD million (constant USD of base)",
    "volume_flagged": "bool",
}


def load_prices(prices: Any) -> Any:
    if prices is None:
        from ..data.load import load

        return load("prices_monthly")
    return prices


def realised_prices(
    months: pd.DatetimeIndex, prices: Any, assumptions: Assumptions
) -> pd.DataFrame:
    """Benchmark, discount, its basis and realised price (USD/bbl) on ``months``.

    Raises
    ------
    DateRangeError
        The benchmark (or the observed grade, without a fallback) lacks a month.
    AssumptionError
        The discount would make a realised price zero or negative.
    """
    import numpy as np
    import pandas as pd

    prices = load_prices(prices)
    a = assumptions
    raw = select_price(
        prices, a.benchmark, a.benchmark_source, f"benchmark {a.benchmark} ({a.benchmark_source})"
    )
    benchmark = require_cover(
        raw,
        months,
        f"the benchmark price {a.benchmark} ({a.benchmark_source})",
        " Choose another benchmark/source or restrict the output period.",
    )
    discount, basis = a.discount.resolve(benchmark, prices)
    source = a.discount.sources(months, prices)
    realised = benchmark - discount
    for what, values in (("benchmark price", benchmark), ("discount", discount),
                         ("realised price", realised)):
        numeric = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
        infinite = months[~np.isfinite(numeric)]
        if len(infinite):  # inf - inf is NaN: a silent NaN revenue otherwise
            raise DataValueError(
                f"the {what} is infinite or not a number in {month_ranges(infinite)} "
                f"(benchmark {a.benchmark}, {a.benchmark_source}); fix or drop those prices")
    bad = months[(realised <= 0).to_numpy()]
    if len(bad):
        raise AssumptionError(
            f"discount {a.discount.label} leaves a zero or negative realised price in "
            f"{month_ranges(bad)}"
        )
    return pd.DataFrame(
        {
            "benchmark_price": benchmark,
            "discount": discount,
            "discount_basis": basis,
            "discount_source": source,
            "realised_price": realised,
        },
        index=months,
    )


def year_months(years: Any) -> pd.DatetimeIndex:
    """The month starts of every calendar year in ``years`` (12 per year, sorted)."""
    import pandas as pd

    years = sorted({int(y) for y in years})
    return pd.DatetimeIndex(
        [pd.Timestamp(y, m, 1) for y in years for m in range(1, 13)], name="date"
    )


def _year_gaps(values: pd.Series, years: list[int]) -> dict[int, pd.DatetimeIndex]:
    """For each year lacking some of its 12 monthly values: the missing months."""
    gaps = {}
    for year in years:
        months = year_months([year])
        missing = months[values.reindex(months).isna().to_numpy()]
        if len(missing):
            gaps[year] = missing
    return gaps


def _describe_gaps(gaps: dict[int, pd.DatetimeIndex]) -> str:
    return "; ".join(
        f"{year} ({12 - len(missing)} of 12 months; missing {month_ranges(missing)})"
        for year, missing in gaps.items()
    )


def annual_realised_prices(years: Any, prices: Any, assumptions: Assumptions) -> pd.DataFrame:
    """Annual average benchmark, discount and realised price (USD/bbl) for calendar ``years``.

    The annual benchmark is the mean of the year's 12 monthly prices; a year
    with fewer than 12 months is an error rather than a mean of what exists,
    because a part-year mean is a price of a different period than the annual
    volume it multiplies. An observed discount (e.g. Brent minus Merey) is the
    mean of its 12 monthly values where all 12 exist; any other year takes the
    discount's ``fallback`` for the whole year (never a mix of observed and
    assumed months, so each year's basis is one of ``observed``/``assumed``).

    Parameters
    ----------
    years : iterable of int
        Calendar years.
    prices : DataFrame or Series, optional
        Monthly prices (USD/bbl), as for :func:`realised_prices`; default the
        bundled ``prices_monthly``.
    assumptions : Assumptions
        Benchmark and discount (the export share and deflator are not used here).

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``benchmark_price``, ``discount``,
        ``discount_basis`` (``observed``/``assumed``), ``realised_price``.

    Raises
    ------
    DateRangeError
        The benchmark lacks a month of a year, or an observed discount without
        a fallback lacks one (the message names the years and months).
    AssumptionError
        The discount would make an annual realised price zero or negative.
    """
    import pandas as pd

    prices = load_prices(prices)
    a = assumptions
    years = sorted({int(y) for y in years})
    months = year_months(years)
    what = f"the benchmark price {a.benchmark} ({a.benchmark_source})"
    raw = select_price(prices, a.benchmark, a.benchmark_source, f"benchmark {what}")
    gaps = _year_gaps(raw, years)
    if gaps:
        covered = raw.dropna()
        span = (
            f"it covers {covered.index.min():%Y-%m} to {covered.index.max():%Y-%m}"
            if len(covered)
            else "it has no values"
        )
        raise DateRangeError(
            f"{what} lacks months of year(s) {_describe_gaps(gaps)} ({span}). An annual average "
            "price needs all 12 months of the year: choose another benchmark/source or end the "
            "window at the last complete year."
        )
    monthly = raw.reindex(months)
    benchmark = monthly.groupby(monthly.index.year).mean()
    benchmark.index = pd.Index(years, name="year")
    basis = pd.Series("assumed", index=benchmark.index)
    d = a.discount
    if d.kind != "observed":
        discount = d.amount(benchmark)
    else:
        grade = d.grade_prices(prices)[0]
        gap = monthly - grade.reindex(months)
        incomplete = _year_gaps(gap, years)
        discount = gap.groupby(gap.index.year).mean()
        discount.index = benchmark.index
        if incomplete and d.fallback is None:
            raise DateRangeError(
                f"the observed {d.grade} price (needed for the discount) lacks months of year(s) "
                f"{_describe_gaps(incomplete)}; an observed annual discount needs all 12 months. "
                f"Give an explicit assumption for those years, e.g. Discount.observed({d.grade!r}, "
                "fallback=Discount.usd(...)); the bundled Merey price ends in 2017-12."
            )
        observed = ~benchmark.index.isin(list(incomplete))
        basis[observed] = "observed"
        if incomplete:
            discount = discount.where(observed, d.fallback.amount(benchmark))
    realised = benchmark - discount
    bad = benchmark.index[(realised <= 0).to_numpy()]
    if len(bad):
        raise AssumptionError(
            f"discount {d.label} leaves a zero or negative annual realised price in "
            f"{', '.join(map(str, bad))}"
        )
    return pd.DataFrame(
        {
            "benchmark_price": benchmark,
            "discount": discount,
            "discount_basis": basis,
            "realised_price": realised,
        },
        index=benchmark.index,
    )


def _provenance(
    kind: str,
    volumes_prov: dict[str, Any],
    prices: Any,
    price_series: pd.Series,
    assumptions: Assumptions,
    months: pd.DatetimeIndex,
    **extra: Any,
) -> dict[str, Any]:
    from .._version import __version__

    return {
        "function": kind,
        "venecon": __version__,
        "period": [f"{months.min():%Y-%m}", f"{months.max():%Y-%m}"],
        "volumes": volumes_prov,
        "prices": frame_provenance(prices, price_series),
        "assumptions": assumptions.to_dict(),
        "units": dict(COLUMN_UNITS),
        **extra,
    }


def estimate(
    volumes: Any,
    prices: Any = None,
    assumptions: Assumptions | None = None,
    *,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Monthly oil export revenue, nominal (and real with a deflator), with every step shown.

    Parameters
    ----------
    volumes : DataFrame or Series
        Monthly output in kb/d: a one-series tidy frame from
        ``venecon.load("production_monthly", series="crude_oil")``, or a Series
        with a monthly date index (its unit is then taken as kb/d unchecked
        unless ``attrs["unit"]`` says otherwise).
    prices : DataFrame or Series, optional
        Monthly prices in USD/bbl: a tidy frame like ``venecon.load("prices_monthly")``
        (the default), a wide frame with one column per series, or a Series
        holding the benchmark (then only assumed discounts are possible).
    assumptions : Assumptions
        Export share, benchmark, discount, deflator. Required: there are no
        silent defaults for the share or the discount.
    start, end : date-like, optional
        Restrict the output period (inclusive months).

    Returns
    -------
    DataFrame
        Indexed by month start; columns (units in :data:`COLUMN_UNITS` and in
        ``attrs["venecon"]["units"]``): ``volume_kbd``, ``days``, ``barrels``
        (``volume x 1000 x days``), ``export_share``, ``exported_barrels``,
        ``benchmark_price``, ``discount``, ``discount_basis``, ``realised_price``
        (benchmark minus discount), ``revenue_usd_million`` (``exported_barrels
        x realised_price / 1e6``); with a deflator also ``deflator_factor``,
        ``realised_price_real`` and ``revenue_usd_million_real``; with flagged
        source data ``volume_flagged``. ``attrs["venecon"]`` records the data
        sha256s and ``assumptions.to_dict()``.

    Raises
    ------
    SchemaError
        Missing, negative or non-consecutive volumes; a tidy frame with several series.
    UnitError
        Volumes not in kb/d or prices not in USD/bbl.
    DateRangeError
        A price, observed discount, export-share series or deflator that does
        not cover every output month (the message names the months).
    AssumptionError
        Invalid assumptions (e.g. a discount that leaves no positive price).
    """
    import numpy as np
    import pandas as pd

    if not isinstance(assumptions, Assumptions):
        raise AssumptionError(
            "estimate needs explicit assumptions: venecon.revenue.Assumptions(export_share=..., "
            "discount=..., benchmark=...)"
        )
    q, flags = prepare_volumes(volumes, start, end)
    months = q.index
    prices = load_prices(prices)
    price_table = realised_prices(months, prices, assumptions)
    days = np.asarray(months.days_in_month, dtype="float64")
    out = pd.DataFrame({"volume_kbd": q.to_numpy(), "days": days.astype(int)}, index=months)
    out["barrels"] = q.to_numpy() * BARRELS_PER_KB * days
    out["export_share"] = assumptions.share_on(months).to_numpy()
    out["exported_barrels"] = out["barrels"] * out["export_share"]
    out = out.join(price_table)
    out["revenue_usd_million"] = out["exported_barrels"] * out["realised_price"] / USD_PER_MILLION
    if assumptions.deflator is not None:
        factor = assumptions.deflator.factors(months)
        out["deflator_factor"] = factor.to_numpy()
        out["realised_price_real"] = out["realised_price"] * out["deflator_factor"]
        out["revenue_usd_million_real"] = out["revenue_usd_million"] * out["deflator_factor"]
    if flags is not None and flags.any():
        out["volume_flagged"] = flags.to_numpy()
    out.index.name = "date"
    out.attrs["venecon"] = _provenance(
        "venecon.revenue.estimate",
        frame_provenance(volumes, q),
        prices,
        price_table["benchmark_price"],
        assumptions,
        months,
        flagged_volume_months=month_ranges(months[flags.to_numpy()])
        if flags is not None and flags.any()
        else None,
    )
    return out
