"""Crude production tables: Venezuela monthly (EIA) and the annual country panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .common import Resource
from .raw import open_raw

EIA_MONTHLY = "iciv-venezuela/eia_monthly.csv"

# EIA international product ids -> venecon series. The raw file's own
# ``variable`` labels are misleading (see MANIFEST), so select by id only.
EIA_PRODUCTS = {
    57: ("crude_oil", "Crude oil including lease condensate (EIA international product 57)"),
    53: ("total_liquids", "Total petroleum and other liquids (EIA international product 53)"),
    55: ("crude_ngpl_other", "Crude oil, NGPL and other liquids (EIA international product 55)"),
}

FLAG_CONSTANT = "annual_constant"
FLAG_LINEAR = "linear_interpolation"


def spread_flags(values: pd.Series, years: pd.Series) -> pd.Series:
    """Flag calendar years whose twelve months are an annual estimate spread out.

    EIA filled some years with one number repeated twelve times (2008-2014) or a
    straight line through the year (2015). Month-to-month movement in those
    years is an artefact, so models should be able to drop them.
    """
    flags = pd.Series("", index=values.index, dtype=object)
    for year, chunk in values.groupby(years):
        if len(chunk) != 12:
            continue
        steps = np.diff(chunk.to_numpy())
        if np.allclose(steps, 0.0):
            flags[chunk.index] = FLAG_CONSTANT
        elif np.allclose(steps, steps[0], atol=1e-9):
            flags[chunk.index] = FLAG_LINEAR
    return flags


def production_monthly(raw_dir: Path) -> Resource:
    raw = pd.read_csv(open_raw(raw_dir, EIA_MONTHLY), encoding="utf-8-sig")
    if set(raw["unidad"]) != {"TBPD"}:
        raise ValueError(f"{EIA_MONTHLY}: expected TBPD units only, found {set(raw['unidad'])}")
    pieces = []
    for product, (series, _) in EIA_PRODUCTS.items():
        part = raw[raw["productId"] == product].sort_values(["año", "mes"]).reset_index(drop=True)
        pieces.append(
            pd.DataFrame(
                {
                    "date": pd.to_datetime(
                        {"year": part["año"], "month": part["mes"], "day": 1}
                    ),
                    "country": "VEN",
                    "series": series,
                    "value": part["valor"].astype(float),
                    "unit": "kb/d",
                    "source": "eia_ies",
                    "flag": spread_flags(part["valor"], part["año"]),
                }
            )
        )
    frame = pd.concat(pieces, ignore_index=True)
    return Resource(
        name="production_monthly",
        title="Venezuela oil production, monthly (EIA International Energy Statistics)",
        description=(
            "Venezuela's monthly oil production from the EIA international series, in thousand "
            "barrels per day. crude_oil (product 57, crude including lease condensate) is the "
            "series the literature calls EIA crude; total_liquids (product 53) adds NGL, other "
            "liquids and refinery gain. Months in years where EIA spread an annual estimate "
            "over the months carry a non-empty 'flag' and should be excluded from monthly models."
        ),
        frequency="monthly",
        frame=frame,
        inputs=[EIA_MONTHLY],
        series={series: text for series, text in EIA_PRODUCTS.values()},
        extra_columns={
            "flag": (
                "Empty for an ordinary monthly figure; 'annual_constant' where EIA repeated one "
                "annual estimate in all twelve months (2008-2014), 'linear_interpolation' where the "
                "months follow a straight line through the year (2015)"
            )
        },
        notes=[
            "Monthly values for 2008-2015 are annual estimates spread over the months (see 'flag'): "
            "a monthly pre-period should start in 2016 or use annual data.",
            "EIA annual levels run about 0.08-0.15 mb/d above OPEC secondary-source estimates in "
            "2013-2019; EIA, Energy Institute and OPEC figures are different concepts and are not spliced.",
        ],
    )


def build(raw_dir: Path) -> list[Resource]:
    return [production_monthly(raw_dir)]
