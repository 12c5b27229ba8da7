"""The trade tables ``trade`` (monthly) and ``trade_annual`` against published figures."""

from __future__ import annotations

import pandas as pd
import pytest

import venecon
from venecon.data import _package

KEYS = {
    "trade": ["date", "country", "series", "source", "partner", "reporter"],
    "trade_annual": ["date", "country", "series", "source", "partner"],
}
FIVE = "esp_bra_ind_tur_chn"
# MANIFEST quotes one decimal: the raw value may sit exactly half a unit away (478.55 -> 478.6).
ONE_DECIMAL = 0.05 + 1e-9


def _value(name: str, date, **filters) -> float:
    rows = venecon.load(name, start=date, end=date, **filters)
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


@pytest.mark.parametrize("name", list(KEYS))
def test_schema_keys_order_and_units(name):
    frame = venecon.load(name)
    assert list(frame.columns) == [
        "date",
        "country",
        "series",
        "value",
        "unit",
        "source",
        *KEYS[name][4:],
        *(["flag"] if name == "trade" else []),  # months still incomplete upstream
    ]
    assert not frame.duplicated(KEYS[name]).any()
    assert frame["value"].notna().all()
    assert frame["unit"].isin(["USD million", "USD", "kb/d"]).all()
    assert (frame.groupby(["series", "source"])["unit"].nunique() == 1).all()
    for _, part in frame.groupby(["series", "source", "country", *KEYS[name][4:]]):
        assert part["date"].is_monotonic_increasing
    assert set(frame["series"]) <= set(_package.resource(name)["series"])
    if name == "trade":
        assert pd.api.types.is_datetime64_any_dtype(frame["date"])
        assert (frame["date"].dt.day == 1).all()
        assert set(frame["country"]) == {"VEN"}
    else:
        assert pd.api.types.is_integer_dtype(frame["date"])


@pytest.mark.parametrize(
    "month, expected, tolerance",
    # MANIFEST.md, iciv-venezuela/imts_monthly.csv QC: US imports from Venezuela (CIF), USD million.
    # Tolerance: half a unit of the last digit MANIFEST quotes.
    [
        ("2015-06", 1464, 0.5),
        ("2018-06", 1255, 0.5),
        ("2019-06", 25.8, ONE_DECIMAL),
        ("2023-06", 253.5, ONE_DECIMAL),
        ("2024-06", 493.1, ONE_DECIMAL),
        ("2025-06", 221.8, ONE_DECIMAL),
    ],
)
def test_us_imports_from_venezuela(month, expected, tolerance):
    value = _value(
        "trade", month, series="exports_value", partner="USA", reporter="USA", source="imf_imts"
    )
    assert value == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize(
    "month, expected",
    # MANIFEST.md, iciv-venezuela/comtrade_monthly.csv QC: five partners' imports from Venezuela.
    [("2019-06", 1669.8), ("2020-06", 330.5), ("2024-06", 2220.2), ("2025-06", 355.5)],
)
def test_five_partner_imports_from_venezuela(month, expected):
    value = _value("trade", month, series="exports_value", partner=FIVE, source="un_comtrade")
    assert value == pytest.approx(expected, abs=ONE_DECIMAL)


def test_eia_net_petroleum_exports_to_us():
    net = venecon.load("trade", series="net_petroleum_exports_volume")
    assert set(net["source"]) == {"eia_psm"} and set(net["unit"]) == {"kb/d"}
    assert net["date"].min() == pd.Timestamp("1993-01-01")  # month-end 1993-01-31 -> month start
    assert net["date"].max() == pd.Timestamp("2016-10-01")
    assert len(net) == 286  # 1993-01 .. 2016-10, no gap
    # MANIFEST.md, quandl-eia/PET_MTTNTUSVE2_M.csv QC: 2016 values 646-844 kb/d.
    in_2016 = net[net["date"].dt.year == 2016]["value"]
    assert in_2016.min() == 646 and in_2016.max() == 844


def test_directions_are_not_swapped():
    # US exports to Venezuela (Venezuela's imports_value) were well below US
    # imports from it before the 2019 sanctions; a swap would invert that.
    us = venecon.load("trade", partner="USA", source="imf_imts", start="2010-01", end="2018-12")
    wide = us.pivot(index="date", columns="series", values="value")
    assert (wide["exports_value"] > wide["imports_value"]).mean() > 0.9


def _annual(country, series, partner, year) -> float:
    return _value("trade_annual", year, country=country, series=series, partner=partner)


@pytest.mark.parametrize(
    "partner, year, expected",
    # MANIFEST.md, OPEC ASB 2018 Table 5.1: Venezuela's crude exports by destination, kb/d.
    [("north_america", 2012, 478.6), ("north_america", 2017, 545.6), ("asia_pacific", 2017, 643.8)],
)
def test_venezuela_crude_exports_by_region(partner, year, expected):
    assert _annual("VEN", "crude_exports_volume", partner, year) == pytest.approx(
        expected, abs=ONE_DECIMAL
    )


def test_venezuela_world_crude_exports_2017():
    # MANIFEST.md, OPEC ASB 2018 Table 5.3: Venezuela 2017 1596.4 kb/d.
    assert _annual("VEN", "crude_exports_volume", "WLD", 2017) == pytest.approx(
        1596.4, abs=ONE_DECIMAL
    )


@pytest.mark.parametrize(
    "year, expected", [(2013, 88753), (2015, 37236), (2016, 26473), (2017, 31449)]
)
def test_venezuela_petroleum_export_value(year, expected):
    # MANIFEST.md, OPEC ASB 2018 Table 2.5: value of petroleum exports, USD million.
    assert _annual("VEN", "petroleum_exports_value", "WLD", year) == pytest.approx(
        expected, abs=0.5
    )


@pytest.mark.parametrize("year, expected", [(2020, 2.41e9), (2024, 13.82e9)])
def test_growthlab_estimate(year, expected):
    # MANIFEST.md, growthlab/venezuela_270900_exports.csv: 2020 2.41bn, 2024 13.82bn (US$).
    rows = venecon.load("trade_annual", source="growthlab", start=year, end=year)
    assert rows[["country", "series", "partner", "unit"]].iloc[0].tolist() == [
        "VEN",
        "crude_exports_value",
        "areas_not_specified",
        "USD",
    ]
    assert float(rows["value"].iloc[0]) == pytest.approx(expected, abs=0.005e9)


def test_regions_add_up_to_world_total():
    crude = venecon.load(
        "trade_annual", series="crude_exports_volume", source="opec_asb2018", start=2012, end=2017
    )
    by_region = crude[crude["partner"] != "WLD"].groupby(["country", "date"])["value"].sum()
    total = crude[crude["partner"] == "WLD"].set_index(["country", "date"])["value"]
    assert len(by_region) == 14 * 6  # OPEC's 14 members in the 2018 ASB, 2012-2017
    assert (by_region - total.reindex(by_region.index)).abs().max() < 0.01


def test_annual_panel_has_no_aggregates():
    annual = venecon.load("trade_annual")
    assert annual["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert set(annual["partner"]) == {
        "WLD",
        "europe",
        "north_america",
        "asia_pacific",
        "latin_america",
        "africa",
        "middle_east",
        "areas_not_specified",
    }
    world = annual[annual["country"] == "WLD"]
    assert set(world["series"]) == {"crude_exports_volume"}  # only Table 5.3 has a world total
    # OPEC members for value tables; T53 adds non-members such as the US, Canada, Russia.
    assert annual[annual["series"] == "petroleum_exports_value"]["country"].nunique() == 14
    assert {"USA", "CAN", "RUS", "NOR", "MEX"} <= set(annual["country"])
