"""Macro tables: Venezuela macro indicators (IMF WEO, World Bank WDI, EIA), OPEC members'
GDP, and active drilling rigs by country (OPEC ASB)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import opec
from .common import Resource
from .raw import open_raw

IMF = "iciv-venezuela/imf.csv"
WDI = "iciv-venezuela/wdi.csv"
EIA_ANNUAL = "iciv-venezuela/eia.csv"
T22 = "opec-asb-2018/T22 Macro data - OPEC Members GDP at current market prices.xlsx"
T32 = "opec-asb-2018/T32 Active rigs by country.xlsx"
EI_2026 = "energy-institute-2026/EI-Stats-Review-ALL-data-2026.xlsx"
EI_PRICE_SHEET = "Oil crude prices since 1861"
# The EI sheet's deflator is stated in its footnote; the index is used from the first year
# of the BLS CPI (1913): EI does not say what extends it to earlier years.
US_CPI_FIRST_YEAR = 1913

# First WEO year that is a staff estimate or projection in this vintage (MANIFEST:
# "2025-2026 are IMF estimates/projections"); the raw extract has no per-year flag.
IMF_PROJECTION_FROM = 2025

# Raw column -> (series, unit, publisher indicator). The ICIV column names are
# Spanish and one is wrong: ``inflacion_deflactor_pib_pct`` holds WEO PCPIPCH
# (consumer prices), not the GDP deflator (ICIV config at the raw file's commit).
IMF_COLUMNS = {
    "inflacion_deflactor_pib_pct": ("inflation_cpi", "percent", "PCPIPCH"),
    "desempleo_pct": ("unemployment_rate", "percent", "LUR"),
    "cuenta_corriente_pct_pib": ("current_account_gdp_share", "percent", "BCA_NGDPD"),
    "pib_crecimiento_imf_pct": ("gdp_real_growth", "percent", "NGDP_RPCH"),
}
WDI_COLUMNS = {
    "pib_nominal_usd": ("gdp_current", "USD", "NY.GDP.MKTP.CD"),  # rescaled to USD million below
    "pib_crecimiento_real_pct": ("gdp_real_growth", "percent", "NY.GDP.MKTP.KD.ZG"),
    "pib_per_capita_usd": ("gdp_per_capita_current", "USD", "NY.GDP.PCAP.CD"),
    "ied_neta_usd": ("fdi_net_inflows", "USD", "BX.KLT.DINV.CD.WD"),
    "reservas_internacionales_usd": ("reserves_total", "USD", "FI.RES.TOTL.CD"),
    "exportaciones_pct_pib": ("exports_gdp_share", "percent", "NE.EXP.GNFS.ZS"),
    "acceso_electricidad_pct": ("electricity_access", "percent", "EG.ELC.ACCS.ZS"),
    "inflacion_ipc_pct": ("inflation_cpi", "percent", "FP.CPI.TOTL.ZG"),
    "tipo_cambio_oficial_lcu_usd": ("exchange_rate_official", "LCU/USD", "PA.NUS.FCRF"),
    "tasa_alfabetizacion_adulta_pct": ("literacy_rate_adult", "percent", "SE.ADT.LITR.ZS"),
    "remesas_recibidas_usd": ("remittances_received", "USD", "BX.TRF.PWKR.CD.DT"),
    "esperanza_vida_anos": ("life_expectancy", "years", "SP.DYN.LE00.IN"),
    "mortalidad_infantil_x1000": ("infant_mortality", "per 1000 live births", "SP.DYN.IMRT.IN"),
}
EIA_COLUMNS = {
    "gas_natural_produccion_bcf": ("natural_gas_production", "bcf", "INTL.26-1-VEN-BCF.A"),
    "electricidad_generacion_bkwh": ("electricity_generation", "billion kWh",
                                     "INTL.2-12-VEN-BKWH.A"),
}

SERIES = {
    "gdp_current": "GDP at current prices, million US dollars (wb_wdi: NY.GDP.MKTP.CD divided by "
                   "1e6; opec_asb2018: ASB Table 2.2, GDP at current market prices)",
    "gdp_real_growth": "Real GDP growth, annual percent (imf_weo: NGDP_RPCH; wb_wdi: NY.GDP.MKTP.KD.ZG)",
    "gdp_per_capita_current": "GDP per capita, current US dollars (wb_wdi: NY.GDP.PCAP.CD)",
    "inflation_cpi": "Consumer price inflation, annual average, percent (imf_weo: PCPIPCH; "
                     "wb_wdi: FP.CPI.TOTL.ZG)",
    "unemployment_rate": "Unemployment rate, percent of labour force (imf_weo: LUR)",
    "current_account_gdp_share": "Current account balance, percent of GDP (imf_weo: BCA_NGDPD)",
    "fdi_net_inflows": "Foreign direct investment, net inflows, BoP, current US dollars "
                       "(wb_wdi: BX.KLT.DINV.CD.WD)",
    "reserves_total": "Total reserves including gold, current US dollars (wb_wdi: FI.RES.TOTL.CD)",
    "exports_gdp_share": "Exports of goods and services, percent of GDP (wb_wdi: NE.EXP.GNFS.ZS)",
    "electricity_access": "Access to electricity, percent of population (wb_wdi: EG.ELC.ACCS.ZS)",
    "exchange_rate_official": "Official exchange rate, local currency units per US dollar, period "
                              "average (wb_wdi: PA.NUS.FCRF)",
    "literacy_rate_adult": "Adult literacy rate, percent of people aged 15 and above "
                           "(wb_wdi: SE.ADT.LITR.ZS)",
    "remittances_received": "Personal remittances received, current US dollars "
                            "(wb_wdi: BX.TRF.PWKR.CD.DT)",
    "life_expectancy": "Life expectancy at birth, total, years (wb_wdi: SP.DYN.LE00.IN)",
    "infant_mortality": "Infant mortality rate per 1,000 live births (wb_wdi: SP.DYN.IMRT.IN)",
    "natural_gas_production": "Dry natural gas production, billion cubic feet "
                              "(eia_ies: INTL.26-1-VEN-BCF.A)",
    "electricity_generation": "Electricity net generation, billion kWh (eia_ies: INTL.2-12-VEN-BKWH.A)",
    "cpi_index": "US consumer price index, annual, last EI year = 100 (ei_sr2026: implied by the "
                 "Energy Institute's crude price in money of the day and in constant dollars, "
                 "which EI deflates with the US CPI; index = 100 x nominal / real)",
}


def wide_to_rows(raw: pd.DataFrame, columns: dict, source: str) -> pd.DataFrame:
    """Venezuela rows from an ICIV wide table (``año`` + one column per indicator).

    Parameters
    ----------
    raw : DataFrame
        The ICIV file, one row per year.
    columns : dict
        Raw column -> (series, unit, publisher indicator code).
    source : str
        Publisher code for every row.

    Returns
    -------
    DataFrame
        Core columns; empty cells are dropped.
    """
    pieces = []
    for column, (series, unit, _) in columns.items():
        part = raw[["año", column]].dropna()
        pieces.append(pd.DataFrame({
            "date": part["año"].astype(int), "country": "VEN", "series": series,
            "value": part[column].astype(float), "unit": unit, "source": source,
        }))
    return pd.concat(pieces, ignore_index=True)


def _years(frame: pd.DataFrame, mask) -> str:
    years = sorted(frame.loc[mask, "date"].unique())
    return f"{years[0]}-{years[-1]}" if years else "none"


def us_cpi_implied(raw_dir: Path) -> tuple[pd.DataFrame, str]:
    """The US CPI implied by the EI crude price sheet (nominal and constant dollars).

    EI's sheet gives each year's crude price in money of the day and in dollars of
    its last year, "deflated using the Consumer Price Index for the US" (its
    footnote); their ratio is the CPI relative to that year. Returns the rows
    and the constant-dollar year.
    """
    raw = pd.read_excel(open_raw(raw_dir, EI_2026), sheet_name=EI_PRICE_SHEET, header=None,
                        engine="openpyxl", dtype=object)
    header = [str(c).strip() for c in raw.iloc[3, :3]]
    if header[:2] != ["Year", "$ money of the day"] or not header[2].startswith("$ "):
        raise ValueError(f"{EI_2026} [{EI_PRICE_SHEET}]: unexpected header {header}")
    base = int(header[2].removeprefix("$ "))
    footnotes = " ".join(str(c) for c in raw[0].dropna() if isinstance(c, str))
    if "Consumer Price Index for the US" not in footnotes:
        raise ValueError(f"{EI_2026} [{EI_PRICE_SHEET}]: the US CPI footnote is missing")
    rows = raw.iloc[4:, :3]
    rows = rows[rows[0].map(lambda c: isinstance(c, int))]
    rows = rows[rows[0] >= US_CPI_FIRST_YEAR]
    nominal = rows[1].astype(float).to_numpy()
    real = rows[2].astype(float).to_numpy()
    frame = pd.DataFrame({
        "date": rows[0].astype(int).to_numpy(), "country": "USA", "series": "cpi_index",
        "value": (100 * nominal / real).round(6), "unit": f"index {base}=100",
        "source": "ei_sr2026",
    })
    if frame["date"].max() != base:
        raise ValueError(f"{EI_2026} [{EI_PRICE_SHEET}]: last year {frame['date'].max()} is not "
                         f"the constant-dollar year {base}")
    return frame, base


def macro(raw_dir: Path) -> Resource:
    """Venezuela macro indicators (IMF WEO, WDI, EIA energy) and OPEC members' GDP."""
    def iciv(path: str) -> pd.DataFrame:
        return pd.read_csv(open_raw(raw_dir, path), encoding="utf-8-sig")

    imf = wide_to_rows(iciv(IMF), IMF_COLUMNS, "imf_weo")
    wdi = wide_to_rows(iciv(WDI), WDI_COLUMNS, "wb_wdi")
    eia = wide_to_rows(iciv(EIA_ANNUAL), EIA_COLUMNS, "eia_ies")
    # WDI's exports share is exactly 0.0 for 2000-2011 in this pull: an impossible
    # value for an oil exporter, so it is treated as missing.
    zero_exports = (wdi["series"] == "exports_gdp_share") & (wdi["value"] == 0)
    dropped_exports = _years(wdi, zero_exports)
    wdi = wdi[~zero_exports].copy()
    # One unit per series across sources: WDI's GDP (US$) joins OPEC's (million US$).
    # Rounding to 9 decimals keeps the raw file's 0.001 US$ precision and drops float noise.
    gdp = wdi["series"] == "gdp_current"
    wdi.loc[gdp, "value"] = (wdi.loc[gdp, "value"] / 1e6).round(9)
    wdi.loc[gdp, "unit"] = "USD million"

    t22_path = open_raw(raw_dir, T22)
    if opec.unit(t22_path) != "m $":
        raise ValueError(f"{T22}: unexpected unit {opec.unit(t22_path)!r}")
    t22 = opec.country_rows(opec.read(t22_path), "gdp_current", "opec_asb2018", "USD million")

    cpi_us, cpi_base = us_cpi_implied(raw_dir)
    frame = pd.concat([imf, wdi, eia, t22, cpi_us], ignore_index=True)
    frame["flag"] = ""
    projected = (frame["source"] == "imf_weo") & (frame["date"] >= IMF_PROJECTION_FROM)
    frame.loc[projected, "flag"] = "projection"

    infant = wdi[wdi["series"] == "infant_mortality"]
    repeated = infant[infant["value"] == infant["value"].iloc[-1]]
    ven = frame[frame["country"] == "VEN"]
    cpi_years = f"{cpi_us['date'].min()}-{cpi_us['date'].max()}"
    cpi = ven[ven["series"] == "inflation_cpi"].pivot(index="date", columns="source",
                                                      values="value")
    ends = ven.groupby(["series", "source"])["date"].max()
    cpi_gap = (cpi["imf_weo"] - cpi["wb_wdi"]).abs().max()

    def value(series: str, source: str, year: int) -> float:
        hit = ven[(ven["series"] == series) & (ven["source"] == source) & (ven["date"] == year)]
        return hit["value"].iloc[0]

    notes = [
        f"IMF WEO values from {IMF_PROJECTION_FROM} on are staff estimates/projections, marked "
        "flag='projection'; the raw extract (IMF DataMapper) carries no per-year status, so earlier "
        "years may also contain staff estimates for Venezuela.",
        "The ICIV column 'inflacion_deflactor_pib_pct' is WEO PCPIPCH (consumer-price inflation), "
        "not the GDP deflator, per the ICIV configuration at the raw file's commit; it is published "
        "here as inflation_cpi. IMF and WDI CPI inflation differ by at most "
        f"{cpi_gap:.1f} points in the years both report.",
        f"WDI exports_gdp_share is 0.0 in {dropped_exports} in the source pull (impossible for an "
        "oil exporter); those years are treated as missing and dropped.",
        f"WDI infant_mortality repeats {repeated['value'].iloc[0]:g} in {_years(repeated, slice(None))}: "
        "the provider carries the last estimate forward, so it is not an observed flat trend.",
        "Series that stop early (Venezuela stopped reporting to the World Bank and IMF): "
        + ", ".join(f"{series} ({source}) ends {end}" for (series, source), end in ends.items()
                    if end < 2020 and source != "opec_asb2018")
        + "; literacy_rate_adult has only scattered survey years.",
        "exchange_rate_official is in bolivares fuertes per US dollar for the whole span (the World "
        "Bank rescales pre-2008 bolivares by 1/1000); the 2018 and 2021 redenominations fall after "
        "the last observation.",
        "gdp_current is in million US$ for both sources (WDI's US$ figures divided by 1e6). "
        "For Venezuela they differ widely in the last years "
        "(conversion rates and national-accounts vintages differ): "
        + "; ".join(f"{year} WDI {value('gdp_current', 'wb_wdi', year) / 1e3:,.0f} bn US$ versus "
                    f"OPEC {value('gdp_current', 'opec_asb2018', year) / 1e3:,.0f} bn US$"
                    for year in (2013, 2015, 2017)) + ".",
        "opec_asb2018 gdp_current covers the 2018 OPEC member countries 1960-2017 (aggregate row "
        "dropped); ASB note: data from 2010 on reflect national-accounts rebasing (Nigeria flagged).",
        "natural_gas_production and electricity_generation come from the annual EIA file that also "
        "holds Venezuela's crude production (see production_annual) and end in 2024.",
        "The ICIV WDI pull also has WDI values for 2025 (GDP, growth, per capita, exports share); "
        "treat them as preliminary.",
        f"cpi_index (USA, ei_sr2026, {cpi_years}) is derived, not published as such: 100 x the "
        f"Energy Institute's crude price in money of the day / the same price in {cpi_base} "
        f"dollars (EI Statistical Review 2026, sheet '{EI_PRICE_SHEET}', whose footnote says the "
        "constant-dollar prices are deflated with the US Consumer Price Index), rounded to 6 "
        "decimals. Annual averages; it matches the BLS CPI-U annual-average ratios to rounding "
        "(tests/test_revenue_deflator.py). Years before 1913 are left out (EI does not say how "
        "its deflator extends before the BLS CPI starts).",
    ]
    return Resource(
        name="macro",
        title="Venezuela macroeconomic indicators, OPEC members' GDP and a US price index, annual",
        description=(
            "Venezuela's annual macro indicators from the IMF World Economic Outlook (growth, "
            "inflation, unemployment, current account; 2025-2026 flagged as projections) and the "
            "World Bank World Development Indicators (GDP, growth, per capita GDP, FDI, reserves, "
            "exports share, CPI inflation, exchange rate, literacy, remittances, life expectancy, "
            "infant mortality), EIA dry gas production and electricity generation, GDP at "
            "current prices for all OPEC members from the OPEC Annual Statistical Bulletin 2018, "
            "and a US consumer price index implied by the Energy Institute's nominal and "
            "constant-dollar crude prices (the deflator for real US dollars)."
        ),
        frequency="annual",
        frame=frame,
        inputs=[IMF, WDI, EIA_ANNUAL, T22, EI_2026],
        series=SERIES,
        extra_columns={
            "flag": "Empty for a published outturn; 'projection' for IMF WEO staff estimates and "
                    f"projections (years >= {IMF_PROJECTION_FROM} in this vintage)",
        },
        notes=notes,
    )


def rigs(raw_dir: Path) -> Resource:
    """Active drilling rigs by country at year end (OPEC ASB 2018, Table 3.2)."""
    path = open_raw(raw_dir, T32)
    table = opec.read(path)
    frame = opec.country_rows(table, "active_rigs", "opec_asb2018", "count")
    missing = table[table["value"].isna() & (table["group"] != "")]
    gaps = "; ".join(
        f"{label} {part['period'].min()}-{part['period'].max()}"
        for label, part in missing.groupby("label") if label != "Others"
    )
    return Resource(
        name="rigs",
        title="Active drilling rigs by country, annual (OPEC Annual Statistical Bulletin 2018)",
        description=(
            "Number of active oil and gas drilling rigs at year end by country, 1982-2017, from "
            "OPEC ASB Table 3.2 (a stand-in for the Baker Hughes international rig count, which is "
            "not available here). All countries in the table, plus the world total as WLD."
        ),
        frequency="annual",
        frame=frame,
        inputs=[T32],
        series={"active_rigs": "Active rigs at year end (opec_asb2018, ASB Table 3.2)"},
        notes=[
            "Figures are as at year end (ASB note).",
            "China before 2008 counts offshore rigs only (ASB footnote): a break in the CHN series.",
            "WLD includes Eastern Europe and Eurasia only from 2002 (ASB footnote): a break in the "
            "world total.",
            f"Not available ('na' in the ASB), so absent here: {gaps}.",
            "Dropped rows: the regional 'Others' residuals and the OPEC, OPEC percentage, OECD and "
            "FSU subtotals.",
        ],
    )


def build(raw_dir: Path) -> list[Resource]:
    return [macro(raw_dir), rigs(raw_dir)]
