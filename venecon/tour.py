"""``venecon tour``: a short, printed tour of the bundled data.

Every figure printed is computed from the bundled tables through the public
API, with the dataset, series and source named beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .data import datasets, load

if TYPE_CHECKING:
    import pandas as pd

# Months around the policy changes the library studies (events registry ids in brackets).
MILESTONES = {
    "2016-01": "before the financial sanctions",
    "2017-08": "EO 13808 financial sanctions [eo13808]",
    "2019-01": "PdVSA designated [pdvsa-sdn]",
    "2020-06": "trough after the oil sanctions",
    "2022-11": "Chevron General License 41 [gl41]",
    "2025-03": "GL 41A wind-down of Chevron's licence [gl41a]",
}


def _heading(text: str) -> None:
    print(f"\n{text}\n{'-' * len(text)}")


def monthly_milestones() -> pd.DataFrame:
    """Venezuela's EIA crude output at the milestone months and the latest month."""
    crude = load("production_monthly", country="VEN", series="crude_oil").set_index("date")["value"]
    months = {m: label for m, label in MILESTONES.items()}
    months[f"{crude.index.max():%Y-%m}"] = "latest month in the bundle"
    rows = [{"month": m, "crude_kbd": crude[m].iloc[0], "note": label}
            for m, label in months.items()]
    import pandas as pd

    return pd.DataFrame(rows)


def concepts_side_by_side(years: tuple[int, ...] = (2013, 2017, 2019, 2020, 2023)) -> pd.DataFrame:
    """Venezuela's annual output under each statistical concept (never spliced)."""
    annual = load("production_annual", country="VEN")
    annual = annual[annual["date"].isin(years)]
    return annual.pivot_table(index=["series", "source"], columns="date", values="value").round(0)


def prices_overview(years: tuple[int, ...] = (2012, 2016, 2017, 2020, 2024)) -> pd.DataFrame:
    """Annual mean Brent (EIA daily) and, where OPEC data exist, Merey and its discount."""
    brent = load("prices_daily", series="brent", source="eia_spot")
    brent_annual = brent.groupby(brent["date"].dt.year)["value"].mean()
    monthly = load("prices_monthly", series=["merey", "brent"], source="opec_asb2018")
    wide = monthly.pivot_table(index="date", columns="series", values="value")
    opec_annual = wide.groupby(wide.index.year).mean()
    import pandas as pd

    table = pd.DataFrame({"brent_eia": brent_annual.reindex(years)})
    table["merey_opec"] = opec_annual["merey"].reindex(years)
    table["merey_minus_brent_opec"] = (opec_annual["merey"] - opec_annual["brent"]).reindex(years)
    return table.round(2)


def us_imports_from_venezuela() -> pd.Series:
    """Annual US-reported imports from Venezuela (IMF IMTS, all goods, USD million)."""
    flows = load("trade", series="exports_value", partner="USA", source="imf_imts")
    flows = flows[flows["date"].dt.year < flows["date"].max().year]  # complete years only
    return flows.groupby(flows["date"].dt.year)["value"].sum().round(0)


def run() -> None:
    """Print the tour."""
    import pandas as pd

    with pd.option_context("display.width", 120, "display.max_columns", 20):
        _heading("Bundled datasets (venecon.datasets())")
        print(datasets()[["name", "frequency", "start", "end", "rows", "source"]]
              .to_string(index=False))

        _heading("Venezuela crude output at policy milestones, kb/d "
                 "(production_monthly, EIA crude_oil)")
        print(monthly_milestones().to_string(index=False))

        _heading("Venezuela annual output by statistical concept, kb/d (production_annual)")
        print(concepts_side_by_side().to_string())

        _heading("Oil prices, annual means, USD/bbl (prices_daily EIA; prices_monthly OPEC ASB)")
        print(prices_overview().to_string())

        _heading("US imports from Venezuela, all goods, USD million per year (trade, IMF IMTS)")
        print(us_imports_from_venezuela().to_string())

    print(
        "\nProvenance of any table: venecon.describe(name); citation: venecon.cite(name)."
        "\nSanctions and licence events: venecon.events(); regime indicators: venecon.regimes()."
    )
