"""Trade values deflated by a stated crude price into approximate barrels per day.

A value of trade in USD million per month divided by a price in USD per barrel
gives million barrels in the month; divided by the month's days and multiplied
by 1,000 it gives thousand barrels per day::

    kb/d = value [USD million] * 1000 / (price [USD/bbl] * days in the month)

The price is stated, month by month, in :func:`deflator_prices`: Merey 16 where
a monthly figure is observed (OPEC ASB in ``prices_monthly`` to 2017-12; OPEC's
Monthly Oil Market Report as reported by the press in ``reported_monthly``,
2025-01 to 2026-01 and 2026-04), else the benchmark (``prices_monthly``, EIA
spot) less a stated discount in USD/bbl. Every month records which basis it
used.

What the result is not: the IMF IMTS series is the partner's (US) imports of
all goods from Venezuela, valued CIF. Dividing by an FOB crude price counts
freight and insurance as barrels (a few per cent) and counts non-oil goods as
oil; in months with no crude trade (US imports of Venezuelan crude stopped
from mid-2019 to the end of 2022) the series is non-oil trade divided by an oil
price, a baseline and not a volume.
"""

from __future__ import annotations

from typing import Any

from ..revenue import ASB_SOURCE, REPORTED_DATASET, REPORTED_SOURCE
from .spec import BENCHMARK_SOURCE, Deflator, StudyError

__all__ = [
    "Deflator",
    "deflator_prices",
    "to_barrels_per_day",
    "deflate_panel",
    "price_variants",
    "BENCHMARK_SOURCE",
]

#: Merey 16 monthly prices: (dataset, source) in the order they are preferred.
MEREY_SOURCES = ((REPORTED_DATASET, REPORTED_SOURCE), ("prices_monthly", ASB_SOURCE))


def deflator_prices(months: Any, deflator: Deflator) -> Any:
    """The price (USD/bbl) and its basis for each month of ``months``.

    Returns
    -------
    DataFrame
        Indexed by the month starts, columns ``price`` and ``basis``.

    Raises
    ------
    StudyError
        A month has neither an observed Merey price (when asked for) nor a
        benchmark price, or a price is not positive.
    """
    import pandas as pd

    from ..data import load

    idx = pd.DatetimeIndex(pd.to_datetime(months)).to_period("M").to_timestamp()
    bench = load("prices_monthly", series=deflator.benchmark, source=BENCHMARK_SOURCE)
    bench = bench.set_index(pd.to_datetime(bench["date"]))["value"].astype("float64")
    price = bench.reindex(idx) - deflator.discount_usd
    basis = pd.Series(
        f"{deflator.benchmark} ({BENCHMARK_SOURCE}) - {deflator.discount_usd:g}", index=idx
    )
    if deflator.observed_merey:
        for dataset, source in reversed(MEREY_SOURCES):
            m = load(dataset, series="merey", source=source)
            m = m.set_index(pd.to_datetime(m["date"]))["value"].astype("float64")
            hit = idx.intersection(m.index)
            price.loc[hit] = m.loc[hit].to_numpy()
            basis.loc[hit] = f"merey ({source})"
    missing = price.index[price.isna()]
    if len(missing):
        raise StudyError(
            "study.outcome.deflate",
            f"no price for {len(missing)} month(s) ({missing[0]:%Y-%m} to {missing[-1]:%Y-%m})",
            f"end the window where prices_monthly:{deflator.benchmark} ends",
        )
    if (price <= 0).any():
        bad = price.index[price <= 0][0]
        raise StudyError(
            "study.outcome.deflate.discount_usd",
            f"the price in {bad:%Y-%m} is {price[bad]:.2f} USD/bbl after the discount",
            "a smaller discount, or a window that avoids the month",
        )
    return pd.DataFrame({"price": price, "basis": basis})


def to_barrels_per_day(values: Any, months: Any, prices: Any) -> Any:
    """``values`` (USD million per month) as kb/d at ``prices`` (USD/bbl) for ``months``."""
    import numpy as np
    import pandas as pd

    idx = pd.DatetimeIndex(pd.to_datetime(months))
    days = idx.days_in_month.to_numpy(dtype="float64")
    return np.asarray(values, dtype="float64") * 1000.0 / (np.asarray(prices) * days)


def deflate_panel(frame: Any, unit: str, deflator: Deflator) -> tuple[Any, dict[str, str]]:
    """A monthly panel in USD million as approximate kb/d, and the choices it records.

    Raises
    ------
    StudyError
        The panel is not in USD million, or a month has no price.
    """
    if unit.lower() not in ("usd million", "million usd", "usd mn"):
        raise StudyError(
            "study.outcome.deflate",
            f"the outcome is in {unit!r}, not USD million a month",
            "deflate only a trade value in USD million (e.g. trade:exports_value)",
        )
    out = frame.copy()
    prices = deflator_prices(out["time"], deflator)
    months = out["time"].dt.to_period("M").dt.to_timestamp()
    price = prices["price"].reindex(months).to_numpy()
    out["value"] = to_barrels_per_day(out["value"].to_numpy(), months, price)
    basis = prices["basis"].reindex(months)
    counts = basis.value_counts().sort_index()
    used = "; ".join(
        f"{b}: {int(n)} months ({basis.index[basis == b].min():%Y-%m} to "
        f"{basis.index[basis == b].max():%Y-%m})"
        for b, n in counts.items()
    )
    choices = {
        "deflate": deflator.describe(),
        "deflate_prices": used,
        "deflate_caveat": "US imports of all goods from Venezuela valued CIF, divided by an FOB "
        "crude price: freight, insurance and non-oil goods count as barrels; where no crude is "
        "traded the series is a non-oil baseline, not a volume",
    }
    return out, choices


def price_variants(
    declared: Deflator | None, variants: Any, months: Any = None
) -> tuple[tuple[str, Deflator], ...]:
    """The ``[study.robustness] prices`` as ``(label, deflator)`` pairs, checked.

    ``months`` (optional): the outcome's months, each of which must have a positive
    price under every variant.

    Raises
    ------
    StudyError
        Prices are declared for an outcome that is not deflated; a variant is the
        declared price or repeats another (its deflator or its label); a month
        has no price, or a price that is not positive, under a variant.
    """
    key = "study.robustness.prices"
    if not variants:
        return ()
    if declared is None:
        raise StudyError(
            key,
            "the outcome is not a value deflated by a price ([study.outcome.deflate] is missing)",
            "declare [study.outcome.deflate] for a trade value in USD million, or remove prices",
        )

    def choice(d: Deflator) -> tuple[str, float, bool]:
        return d.benchmark, d.discount_usd, d.observed_merey

    out: list[tuple[str, Deflator]] = []
    for i, v in enumerate(variants):
        label, d = v.resolve(declared)
        if choice(d) == choice(declared):
            raise StudyError(f"{key}[{i}]", "is the declared price (the baseline)",
                             "change benchmark, discount_usd or observed_merey")
        for j, (other, od) in enumerate(out):
            if other == label or choice(od) == choice(d):
                raise StudyError(f"{key}[{i}]", f"repeats {key}[{j}] ({other})",
                                 "give each price variant once, under its own label")
        if months is not None:
            try:
                deflator_prices(months, d)
            except StudyError as exc:
                raise StudyError(f"{key}[{i}]", f"at {label}, {exc.problem}", exc.fix) from None
        out.append((label, d))
    return tuple(out)
