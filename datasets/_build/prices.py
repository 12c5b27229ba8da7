"""Crude oil price tables: daily benchmarks and monthly benchmarks and export grades.

Country convention for prices: ``WLD`` for international benchmarks and baskets
that are not one country's grade (Brent, WTI, Dubai, the OPEC Reference
Basket); the producing country for national export grades (Merey -> VEN,
Maya -> MEX, Urals -> RUS, Arab Heavy -> SAU, ...).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import opec
from .common import Resource, gap_notes, month_start, read_iciv, tidy
from .countries import WORLD, iso3
from .raw import open_raw

EIA_DAILY = {"brent": "eia-oil-prices/brent-daily.csv", "wti": "eia-oil-prices/wti-daily.csv"}
EIA_MONTHLY = {"brent": "eia-oil-prices/brent-monthly.csv", "wti": "eia-oil-prices/wti-monthly.csv"}
ORB_DAILY = "opec-orb/OPEC_ORB.csv"
T71 = (
    "opec-asb-2018/T71 Oil price - OPEC Reference Basket (ORB) and corresponding components "
    "spot prices.xlsx"
)
T72 = "opec-asb-2018/T72.xlsx"
WB_PINK = "iciv-venezuela/wb_commodities_monthly.csv"

COUNTRY_CONVENTION = (
    "Country convention: WLD for international benchmarks and baskets that are not one "
    "country's grade (Brent, WTI, Dubai, the OPEC Reference Basket); the producing country "
    "for national export grades (Merey -> VEN, Maya -> MEX, Urals -> RUS, Arab Heavy -> SAU, ...)."
)

# Benchmarks that several publishers quote; the same series name under two
# sources is intended (``source`` tells them apart), so each definition names
# the concept of every publisher.
BENCHMARKS = {
    "brent": (
        "Brent crude spot price (eia_spot: Europe Brent spot FOB, EIA RBRTE; "
        "opec_asb2018: Dated Brent, ASB Table 7.2)"
    ),
    "wti": (
        "West Texas Intermediate crude spot price (eia_spot: Cushing, OK WTI spot FOB, EIA RWTC; "
        "opec_asb2018: WTI, ASB Table 7.2)"
    ),
    "dubai": (
        "Dubai crude spot price (wb_pinksheet: World Bank Pink Sheet 'Crude oil, Dubai'; "
        "opec_asb2018: Dubai, ASB Table 7.2)"
    ),
    "opec_basket": (
        "OPEC Reference Basket (ORB), a weighted average of OPEC members' export grades "
        "(opec_orb: daily OPEC Secretariat quote; opec_asb2018: monthly, ASB Table 7.1)"
    ),
}

# ASB title units -> venecon units (see common.UNITS).

# ASB grade labels whose plain slug would be unclear or would not match the
# benchmark names above.
GRADE_NAMES = {"BrentDated": "brent", "ORB": "opec_basket", "Marine": "qatar_marine"}


def _date_price(raw_dir: Path, path: str, date_format: str = "%Y-%m-%d") -> pd.DataFrame:
    """Read a two-column ``date, price`` file into columns ``date`` (parsed) and ``value``."""
    frame = pd.read_csv(open_raw(raw_dir, path))
    frame.columns = ["date", "value"]
    frame["date"] = pd.to_datetime(frame["date"], format=date_format)
    return frame


def _span(dates: pd.Series, fmt: str = "%Y-%m-%d") -> str:
    """First and last date as text, e.g. '2003-01-02 to 2020-06-18'."""
    return f"{dates.min():{fmt}} to {dates.max():{fmt}}"


def prices_daily(raw_dir: Path) -> Resource:
    """Build ``prices_daily``: EIA Brent and WTI and the OPEC Reference Basket, daily.

    Parameters
    ----------
    raw_dir : Path
        The raw source directory (``shared/raw``).

    Returns
    -------
    Resource
    """
    raw = {series: _date_price(raw_dir, path) for series, path in EIA_DAILY.items()}
    raw["opec_basket"] = _date_price(raw_dir, ORB_DAILY, "%m/%d/%Y")  # M/D/YYYY, newest first
    source = {"brent": "eia_spot", "wti": "eia_spot", "opec_basket": "opec_orb"}
    frame = pd.concat(
        [tidy(r["date"], r["value"], s, WORLD, source[s]) for s, r in raw.items()],
        ignore_index=True,
    )
    dropped = sum(int(r["value"].isna().sum()) for r in raw.values())
    wti = raw["wti"].loc[raw["wti"]["value"].idxmin()]
    return Resource(
        name="prices_daily",
        title="Crude oil benchmark prices, daily (Brent, WTI, OPEC Reference Basket)",
        description=(
            "Daily spot prices in US dollars per barrel on trading days: Europe Brent spot FOB and "
            "Cushing, OK WTI spot FOB from the EIA (eia_spot), and the OPEC Reference Basket from "
            "the OPEC Secretariat (opec_orb). " + COUNTRY_CONVENTION
        ),
        frequency="daily",
        frame=frame,
        inputs=[*EIA_DAILY.values(), ORB_DAILY],
        series={s: BENCHMARKS[s] for s in raw},
        notes=[
            f"WTI closed at {wti['value']:.2f} US$/bbl on {wti['date']:%Y-%m-%d} (expiring May "
            "2020 contract with Cushing storage nearly full). The negative price is real and "
            "kept; log returns and log prices are undefined on that day.",
            f"The OPEC Reference Basket daily file covers {_span(raw['opec_basket']['date'])} "
            "only; no later ORB quotes are bundled.",
            f"Coverage: Brent {_span(raw['brent']['date'])}, WTI {_span(raw['wti']['date'])}.",
            "Dates are each publisher's trading days, so the series do not share one calendar.",
            "This vintage of the EIA daily files does not reproduce EIA's own monthly averages in "
            "a few months, a sign of missing or since-revised daily quotes: Brent 2012-04 lacks "
            "the 2012-04-03 quote (daily mean 119.42 vs published 119.75, so the 2012 daily mean "
            "is 111.57 vs the published annual 111.63); Brent 2003-04 and 2019-12 and WTI 2019-11 "
            "and 2019-12 differ by 0.02-0.09 US$/bbl. Every other year's daily mean matches EIA's "
            "published annual average to 0.01.",
            f"Rows with a missing price are dropped ({dropped} in the current raw files).",
        ],
    )


def _grade(label: str, table: str) -> tuple[str, str, str]:
    """ASB row label 'Country - Grade' -> (series, country, definition)."""
    country_name, grade = (part.strip() for part in label.split(" - ", 1))
    series = GRADE_NAMES.get(grade) or re.sub(r"[^a-z0-9]+", "_", grade.lower()).strip("_")
    if series in BENCHMARKS:
        return series, WORLD, BENCHMARKS[series]
    definition = (
        f"{grade} crude ({country_name}) spot price, monthly average (OPEC ASB 2018 {table})"
    )
    return series, iso3(country_name), definition


def _asb_prices(raw_dir: Path, path: str, table: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The monthly blocks of an ASB price table (T71/T72) as tidy rows plus definitions.

    The yearly block is not part of the output (a monthly table cannot hold
    annual averages); it only serves as a consistency check on the monthly rows.
    """
    workbook = open_raw(raw_dir, path)
    unit = opec.asb_unit(workbook)
    yearly = opec.blocks(workbook, "Yearly")
    pieces, definitions = [], {}
    for label, values in opec.blocks(workbook, "Monthly").items():
        _check_against_yearly(path, label, values, yearly[label])
        series, country, definitions[series] = _grade(label, table)
        pieces.append(tidy(values.index, values, series, country, "opec_asb2018", unit))
    return pd.concat(pieces, ignore_index=True), definitions


def _check_against_yearly(
    path: str, label: str, monthly: pd.Series, yearly: pd.Series, tolerance: float = 1.0
) -> None:
    """Fail if the mean of a complete year of months drifts from the ASB's yearly figure.

    The yearly figures average daily quotes, so they differ a little from the
    plain mean of twelve monthly averages (up to ~0.7 $/b in T72); a larger gap
    means a misread block or a row taken from the wrong grade.
    """
    months = monthly.dropna()
    by_year = months.groupby(months.index.year).agg(["mean", "size"])
    full = by_year.loc[by_year["size"] == 12, "mean"]
    gap = (full - yearly.reindex(full.index)).abs().dropna()
    if (gap > tolerance).any():
        raise ValueError(
            f"{path}: monthly means of {label!r} differ from its yearly block:\n"
            f"{gap[gap > tolerance]}"
        )


def prices_monthly(raw_dir: Path) -> Resource:
    """Build ``prices_monthly``: EIA, OPEC ASB (T71, T72) and World Bank monthly prices.

    Parameters
    ----------
    raw_dir : Path
        The raw source directory (``shared/raw``).

    Returns
    -------
    Resource
    """
    pieces = []
    for series, path in EIA_MONTHLY.items():
        raw = _date_price(raw_dir, path)
        pieces.append(
            tidy(month_start(raw["date"], day=15), raw["value"], series, WORLD, "eia_spot")
        )
    t71, definitions = _asb_prices(raw_dir, T71, "Table 7.1")
    t72, more = _asb_prices(raw_dir, T72, "Table 7.2")
    definitions.update(more)
    # T72 repeats T71's ORB row; keep one copy, after checking they agree.
    orb = t72["series"] == "opec_basket"
    both = t72[orb].merge(
        t71[t71["series"] == "opec_basket"],
        on=["date", "series", "country", "source", "unit"],
        how="outer",
    )
    if not (both["value_x"] == both["value_y"]).all():
        raise ValueError("the ORB rows of ASB Tables 7.1 and 7.2 differ")
    dubai = read_iciv(raw_dir, WB_PINK)
    if set(dubai["variable"]) != {"crudo_dubai_usd"}:
        raise ValueError(f"{WB_PINK}: unexpected variables {set(dubai['variable'])}")
    pieces += [t71, t72[~orb], tidy(dubai["date"], dubai["valor"], "dubai", WORLD, "wb_pinksheet")]
    frame = pd.concat(pieces, ignore_index=True)
    definitions.update({s: BENCHMARKS[s] for s in ("brent", "wti", "dubai")})
    spans = {key: _span(part["date"], "%Y-%m") for key, part in frame.groupby(["series", "source"])}
    return Resource(
        name="prices_monthly",
        title="Crude oil prices, monthly: benchmarks, OPEC basket components, selected grades",
        description=(
            "Monthly average spot prices in US dollars per barrel: EIA Brent and WTI (eia_spot); "
            "the OPEC Reference Basket and its component grades, including Venezuela's Merey "
            "(OPEC ASB 2018 Table 7.1); selected spot crudes such as Dated Brent, WTI, Dubai, "
            "Urals, Maya, Isthmus and Arab Heavy (Table 7.2); both ASB tables have source "
            "opec_asb2018; and the World Bank Pink Sheet Dubai price (wb_pinksheet). A benchmark "
            "quoted by two publishers appears once per source under the same series name: filter "
            "on 'source'. " + COUNTRY_CONVENTION
        ),
        frequency="monthly",
        frame=frame,
        inputs=[*EIA_MONTHLY.values(), T71, T72, WB_PINK],
        series=definitions,
        notes=[
            f"Merey (ASB Table 7.1) covers {spans['merey', 'opec_asb2018']} only: there is no "
            "post-2017 Merey price, and no later Venezuelan export-grade price in the bundled "
            "sources.",
            "ASB Table 7.1 lists the 2018 basket components, one grade per member; Venezuela's "
            "row is Merey. Earlier Venezuelan basket grades (e.g. BCF-17, Tia Juana Light) are "
            "not in the table, and nothing is spliced into merey. A grade having a price in a "
            "month does not mean it was in the basket then.",
            "All OPEC ASB monthly prices end in 2017-12 (2018 edition). Coverage elsewhere: EIA "
            f"Brent {spans['brent', 'eia_spot']}, EIA WTI {spans['wti', 'eia_spot']}, World Bank "
            f"Dubai {spans['dubai', 'wb_pinksheet']}.",
            "Monthly figures only: the ASB yearly blocks and the EIA annual files are left out. "
            "ASB yearly figures average daily quotes and differ from the mean of the monthly "
            "values by up to about 0.7 US$/bbl.",
            "EIA monthly files are stamped on the 15th; their dates were moved to the first of "
            "the month.",
            "ASB Table 7.2 repeats Table 7.1's ORB row (identical values); it is kept once.",
            *gap_notes(frame, ["series", "source", "country"]),
        ],
    )


def build(raw_dir: Path) -> list[Resource]:
    """Build ``prices_daily`` and ``prices_monthly`` from the raw files in ``raw_dir``."""
    return [prices_daily(raw_dir), prices_monthly(raw_dir)]
