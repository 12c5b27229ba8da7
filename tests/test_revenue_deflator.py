"""The bundled US CPI (macro, USA cpi_index) and venecon.revenue.us_cpi_deflator.

Reference: BLS CPI-U, U.S. city average, all items, not seasonally adjusted, annual
averages (series CUUR0000SA0; https://www.bls.gov/cpi/tables/supplemental-files/).
The bundled index is derived from the Energy Institute's crude prices in money of
the day and in constant dollars (EI deflates with the US CPI), so its ratios between
years must equal the BLS ratios to the rounding of EI's figures.
"""

from __future__ import annotations

import pandas as pd
import pytest

import venecon
import venecon.revenue as rev
from venecon.exceptions import DateRangeError

#: BLS CPI-U annual averages (1982-84 = 100).
BLS_CPI_U = {2016: 240.007, 2017: 245.120, 2018: 251.107, 2019: 255.657, 2020: 258.811,
             2021: 270.970, 2022: 292.655, 2023: 304.702, 2024: 313.689}


def test_bundled_index_matches_bls_cpi_u_ratios():
    cpi = venecon.load("macro", country="USA", series="cpi_index").set_index("date")["value"]
    assert set(venecon.load("macro", country="USA", series="cpi_index")["source"]) == {
        "ei_sr2026"}
    assert cpi[2025] == 100.0
    for year, value in BLS_CPI_U.items():
        # BLS publishes 3 decimals on ~250 (relative rounding <= 2e-6 per value)
        assert cpi[year] / cpi[2017] == pytest.approx(value / BLS_CPI_U[2017], rel=1e-5), year


def test_us_cpi_deflator_spreads_annual_averages_over_months():
    d = rev.us_cpi_deflator("2025")
    cpi = venecon.load("macro", country="USA", series="cpi_index").set_index("date")["value"]
    months = pd.date_range("2018-01", "2018-12", freq="MS")
    factors = d.factors(months)
    assert factors.nunique() == 1
    assert factors.iloc[0] == pytest.approx(100.0 / cpi[2018], rel=1e-12)
    record = d.to_dict()
    assert record["base"] == "2025" and "EI Statistical Review 2026" in record["name"]
    assert record["data"]["datasets"]["macro"]
    with pytest.raises(DateRangeError):
        d.factors(pd.date_range("2026-01", "2026-02", freq="MS"))
