"""Published revenue-loss figures, their arithmetic, and venecon's own estimates beside them.

The figures, citations and verification tags come from the registry
:mod:`venecon.literature` (built from the project's literature note,
``research/literature.md``): **[V]** verified in the source itself,
**[V-sec]** verified only in a secondary source quoting it. Each row keeps the
sentence of the note it rests on (``quote``) so it can be checked. None of
venecon's numbers is stored here: :func:`published_comparison` fits the models
on the bundled data each time it is called.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from .. import literature
from .units import BARRELS_PER_KB

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PUBLISHED",
    "published_figures",
    "annual_revenue_usd_bn",
    "implied_price",
    "implied_kbd",
    "published_comparison",
    "default_comparison_assumptions",
]

#: Days in a year in the published "per year" arithmetic.
YEAR_DAYS = 365

#: The revenue-loss studies of the registry compared here, in order.
REVENUE_KEYS: tuple[str, ...] = literature.keys("revenue loss")

_FIELDS = (
    "key",
    "study",
    "citation",
    "method",
    "scope",
    "figure",
    "kbd",
    "usd_bn",
    "basis",
    "price_usd_bbl",
    "tag",
    "quote",
)

#: The published revenue figures as dicts (a view of :data:`venecon.literature.REGISTRY`;
#: ``quote`` is verbatim from the note).
PUBLISHED: list[dict[str, Any]] = [
    {k: v for k, v in literature.published(key).to_dict().items() if k in _FIELDS}
    for key in REVENUE_KEYS
]

#: The note's own consistency arithmetic, verbatim (from the registry; checked in the tests).
PUBLISHED_ARITHMETIC: dict[str, str] = {
    key: literature.published(key).arithmetic  # type: ignore[misc]
    for key in REVENUE_KEYS
    if literature.published(key).arithmetic is not None
}


def annual_revenue_usd_bn(kbd: float, price: float, days: float = YEAR_DAYS) -> float:
    """USD bn from ``kbd`` kb/d sold at ``price`` USD/bbl for ``days`` days (default 365)."""
    return kbd * BARRELS_PER_KB * days * price / 1e9


def implied_price(usd_bn: float, kbd: float, days: float = YEAR_DAYS) -> float:
    """USD/bbl implied by ``usd_bn`` over ``days`` days of ``kbd`` kb/d."""
    return usd_bn * 1e9 / (kbd * BARRELS_PER_KB * days)


def implied_kbd(usd_bn: float, price: float, days: float = YEAR_DAYS) -> float:
    """kb/d implied by ``usd_bn`` over ``days`` days at ``price`` USD/bbl."""
    return usd_bn * 1e9 / (price * BARRELS_PER_KB * days)


def published_figures() -> pd.DataFrame:
    """The published revenue figures as a table (one row per study), with tags, citations, quotes.

    The revenue-loss rows of :func:`venecon.literature.published_figures`, plus
    ``implied_price_usd_bbl`` for per-year figures that state both kb/d and USD.
    """
    import pandas as pd

    rows = []
    for item in PUBLISHED:
        row = dict(item)
        if isinstance(row["usd_bn"], tuple):
            row["usd_bn_low"], row["usd_bn_high"] = row.pop("usd_bn")
        else:
            row["usd_bn_low"] = row["usd_bn_high"] = row.pop("usd_bn")
        row["implied_price_usd_bbl"] = (
            implied_price(row["usd_bn_low"], row["kbd"])
            if row["kbd"] and row["basis"] == "per year"
            else None
        )
        rows.append(row)
    return pd.DataFrame(rows).set_index("key")


def default_comparison_assumptions(export_share: float = 1.0) -> Any:
    """Assumptions for :func:`published_comparison`, computed from the bundled data.

    Benchmark: EIA Brent. Discount: observed Brent minus Merey (OPEC ASB)
    where Merey exists (to 2017-12); after that an assumed fixed discount equal
    to the mean observed Brent-minus-Merey discount of 2017 (computed here, not
    typed in). Export share: ``1.0`` by default, which values all lost output
    at the export price as the published per-year figures do.
    """
    from .assumptions import ASB_SOURCE, Assumptions, Discount, merey_gap_2017

    fallback = merey_gap_2017("brent", "eia_spot")
    return Assumptions(
        export_share=export_share,
        benchmark="brent",
        benchmark_source="eia_spot",
        discount=Discount.observed("merey", ASB_SOURCE, fallback=fallback),
        export_share_note=(
            "1.0: all lost output valued at the export price (as in the "
            "published per-year arithmetic)"
            if export_share == 1.0
            else ""
        ),
    )


def _fits(start: str, end: str, events: list[str]) -> dict[str, Any]:
    from ..data.load import load
    from ..models import ITS, InterventionARIMA

    data = load("production_monthly", series="crude_oil", start=start, end=end)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short pre-periods warn; the sample is stated in the table
        return {
            "ITS": ITS(data, events=events).fit(),
            "InterventionARIMA": InterventionARIMA(data, events=events).fit(),
        }


def published_comparison(
    assumptions: Any = None,
    *,
    start: str = "2016-01",
    end: str = "2020-02",
    events: tuple[str, ...] = ("eo13808", "pdvsa-sdn"),
) -> pd.DataFrame:
    """venecon's lost-revenue estimates beside the published figures (computed live).

    For each published figure and each model (ITS and intervention ARIMA on
    ``production_monthly`` crude oil, ``start``-``end``, ``events``), venecon's
    estimate is put on the published figure's basis:

    * Rodríguez (2019), per year: average over 2017-08 to 2019-05 (the month
      before publication);
    * Rodríguez (2022), per year: average over 2017-08 to the end of the sample
      (national output; the paper covers Orinoco firms only, so not like for like);
    * Weisbrot & Sachs (2019): total over 2017-09 to 2018-08;
    * Oliveros (2020): total over 2017-08 to the end of the sample (the
      published window is not verified).

    Returns
    -------
    DataFrame
        One row per (figure, model): the published figure, tag and citation;
        venecon's average lost output (kb/d) and USD bn with the model's
        interval (level 0.95); the window. ``attrs["venecon"]`` records the
        assumptions and the model provenance.
    """
    import pandas as pd

    from .loss import lost

    assumptions = assumptions or default_comparison_assumptions()
    fits = _fits(start, end, list(events))
    windows = {
        "rodriguez2019": ("2017-08", "2019-05", "per year"),
        "rodriguez2022": ("2017-08", end, "per year"),
        "weisbrot_sachs2019": ("2017-09", "2018-08", "total"),
        "oliveros2020": ("2017-08", end, "total"),
    }
    figures = published_figures()
    rows = []
    for key, (lo, hi, basis) in windows.items():
        pub = figures.loc[key]
        for name, result in fits.items():
            res = lost(result, None, assumptions, start=lo, end=hi)
            usd = (
                res.per_year_usd_bn
                if basis == "per year"
                else (res.usd_million / 1e3, res.lower / 1e3, res.upper / 1e3)
            )
            rows.append(
                {
                    "study": pub["study"],
                    "tag": pub["tag"],
                    "published": pub["figure"],
                    "published_usd_bn_low": pub["usd_bn_low"],
                    "published_usd_bn_high": pub["usd_bn_high"],
                    "published_kbd": pub["kbd"],
                    "basis": pub["basis"],
                    "scope": pub["scope"],
                    "venecon_model": name,
                    "venecon_window": f"{res.start:%Y-%m} to {res.end:%Y-%m}",
                    "venecon_kbd": res.kbd_average,
                    "venecon_kbd_lower": res.kbd_lower,
                    "venecon_kbd_upper": res.kbd_upper,
                    "venecon_usd_bn": usd[0],
                    "venecon_usd_bn_lower": usd[1],
                    "venecon_usd_bn_upper": usd[2],
                    "citation": pub["citation"],
                }
            )
    table = pd.DataFrame(rows)
    table.attrs["venecon"] = {
        "function": "venecon.revenue.published_comparison",
        "sample": [start, end],
        "events": list(events),
        "assumptions": assumptions.to_dict(),
        "models": {name: r.provenance for name, r in fits.items()},
        "source_of_published_figures": (
            "venecon.literature (research/literature.md, section 1; tags [V], [V-sec])"
        ),
        "per_year": f"window total x {YEAR_DAYS} / days in window",
    }
    return table
