"""Trade tables: Venezuela's monthly flows with partners and the annual OPEC export panel.

Every series is named from the perspective of the economy in ``country`` (the
exporter): ``exports_value`` in the monthly table is Venezuela's exports,
whoever reported them. ``partner`` is the counterpart and, in the monthly
table, ``reporter`` is who published the figure, so mirror data (a partner's
imports from Venezuela standing in for Venezuela's exports) stay visible.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import opec
from .common import Resource, gap_notes, month_start, read_iciv, tidy
from .countries import WORLD
from .raw import RAW, open_raw

IMTS = "iciv-venezuela/imts_monthly.csv"
COMTRADE = "iciv-venezuela/comtrade_monthly.csv"
EIA_NET = "quandl-eia/PET_MTTNTUSVE2_M.csv"
T51 = "opec-asb-2018/T51 Oil trade - OPEC Members' crude oil exports by destination.xlsx"
T52 = "opec-asb-2018/T52.xlsx"
T53 = "opec-asb-2018/T53 World crude oil exports by country.xlsx"
T25 = "opec-asb-2018/T25 OPEC Members values of petroleum exports.xlsx"
T24 = "opec-asb-2018/T24 OPEC Members values of exports.xlsx"
GROWTHLAB = "growthlab/venezuela_270900_exports.csv"

# The fixed Comtrade partner set, reported as one aggregate in the raw file.
FIVE_PARTNERS = "esp_bra_ind_tur_chn"
# Growth Lab's importer code "ANS": Comtrade's "areas not specified".
NOT_SPECIFIED = "areas_not_specified"

# ICIV variable -> (series, partner/reporter, token the 'fuente' text must hold).
# The token pins the direction: the IMF key says whether the US figure is its
# imports (MG_CIF) or its exports (XG_FOB), so a relabelled column cannot swap them.
MIRROR = {
    "exportaciones_espejo_usa_musd": ("exports_value", "USA", "USA.MG_CIF_USD.VEN.M"),
    "importaciones_espejo_usa_musd": ("imports_value", "USA", "USA.XG_FOB_USD.VEN.M"),
    "exportaciones_espejo_socios_musd": (
        "exports_value",
        FIVE_PARTNERS,
        "Espana, Brasil, India, Turkiye, China",
    ),
    "importaciones_espejo_socios_musd": (
        "imports_value",
        FIVE_PARTNERS,
        "Espana, Brasil, India, Turkiye, China",
    ),
}

INCOMPLETE = "incomplete_reporting"
REPORTING_LAG_DAYS = 92  # three months: see the note in trade_monthly


def incomplete_reporting(frame: pd.DataFrame, vintage: str) -> pd.Series:
    """'incomplete_reporting' for Comtrade months closing < REPORTING_LAG_DAYS before ``vintage``."""
    taken = pd.Timestamp(vintage).tz_localize(None).normalize()
    month_end = pd.to_datetime(frame["date"]) + pd.offsets.MonthEnd(0)
    young = (taken - month_end).dt.days < REPORTING_LAG_DAYS
    return pd.Series("", index=frame.index).where(~(young & (frame["source"] == "un_comtrade")),
                                                   INCOMPLETE)


MONTHLY_SERIES = {
    "exports_value": (
        "Value of Venezuela's goods exports (all goods) to the partner, measured as the partner's "
        "reported imports from Venezuela (mirror data; imports are valued CIF), USD million"
    ),
    "imports_value": (
        "Value of Venezuela's goods imports (all goods) from the partner, measured as the "
        "partner's reported exports to Venezuela (mirror data; US exports are valued FOB), USD "
        "million"
    ),
    "net_petroleum_exports_volume": (
        "Venezuela's net exports of crude oil and petroleum products to the partner, measured as "
        "US net imports from Venezuela (US imports from Venezuela minus US exports to Venezuela; "
        "EIA series MTTNTUSVE2), thousand barrels per day"
    ),
}


def trade_monthly(raw_dir: Path) -> Resource:
    """Build ``trade``: Venezuela's monthly trade with partners from partner statistics.

    Parameters
    ----------
    raw_dir : Path
        The raw source directory (``shared/raw``).

    Returns
    -------
    Resource
    """
    pieces = []
    for path, source in ((IMTS, "imf_imts"), (COMTRADE, "un_comtrade")):
        raw = read_iciv(raw_dir, path)
        for variable, part in raw.groupby("variable"):
            series, partner, token = MIRROR[variable]
            if not part["fuente"].str.contains(token, regex=False).all():
                raise ValueError(f"{path}: {variable} is not described as {token!r}")
            pieces.append(
                tidy(
                    part["date"],
                    part["valor"],
                    series,
                    "VEN",
                    source,
                    "USD million",
                    partner=partner,
                    reporter=partner,
                )
            )
    net = pd.read_csv(open_raw(raw_dir, EIA_NET))
    pieces.append(
        tidy(
            month_start(net["Date"], day=-1),
            net["Value"],
            "net_petroleum_exports_volume",
            "VEN",
            "eia_psm",
            "kb/d",
            partner="USA",
            reporter="USA",
        )
    )
    frame = pd.concat(pieces, ignore_index=True)
    frame["flag"] = incomplete_reporting(frame, RAW[COMTRADE].committed)
    flagged = sorted(frame.loc[frame["flag"] != "", "date"].dt.strftime("%Y-%m").unique())
    return Resource(
        name="trade",
        title="Venezuela's trade with partners, monthly (mirror statistics)",
        description=(
            "Venezuela's monthly goods trade as reported by its partners, because Venezuela's own "
            "trade statistics stop: US-reported trade with Venezuela from the IMF (imf_imts, "
            "2010-2026), the combined trade of five partners (Spain, Brazil, India, Turkiye, "
            "China) from UN Comtrade (un_comtrade, 2010-2026), and US net imports of crude oil "
            "and petroleum products from Venezuela in volume from the EIA (eia_psm, 1993-2016). "
            "'country' is always VEN and series are named from Venezuela's side (exports = flows "
            "out of Venezuela); 'partner' is the counterpart and 'reporter' the economy whose "
            "statistics the figure comes from."
        ),
        frequency="monthly",
        frame=frame,
        inputs=[IMTS, COMTRADE, EIA_NET],
        series=MONTHLY_SERIES,
        extra_columns={
            "partner": (
                "Counterpart of the flow: ISO 3166 alpha-3 code, or 'esp_bra_ind_tur_chn' for the "
                "sum of Spain, Brazil, India, Turkiye and China (UN Comtrade aggregate)"
            ),
            "reporter": (
                "Economy whose statistics report the figure: 'USA' for IMF IMTS and EIA data, "
                "'esp_bra_ind_tur_chn' for the five Comtrade reporters. A reporter other than VEN "
                "means mirror data"
            ),
            "flag": (
                f"Empty for an ordinary figure; '{INCOMPLETE}' for a Comtrade aggregate month "
                "closing less than three months before the raw file was taken (partners' "
                "reports probably still missing; see notes)"
            ),
        },
        key_extra=["partner", "reporter"],
        warn_flags=[INCOMPLETE],
        notes=[
            f"Incomplete months: the Comtrade five-partner aggregate sums whatever the five "
            f"reporters had sent when the raw file was taken (upstream commit "
            f"{RAW[COMTRADE].committed}); the raw file holds only the sum, not the partners, so "
            f"coverage cannot be read from it. Rule: a month closing less than "
            f"{REPORTING_LAG_DAYS} days before that date is flagged '{INCOMPLETE}', because most "
            "monthly reporters to UN Comtrade send data within three months of the close of the "
            "month (UN Statistics Division: 76 of 81 regular reporters have a median delay under "
            "three months, https://unstats.un.org/unsd/tradekb/Knowledgebase/Timetable-for-data-"
            f"availability-of-country). Flagged: {', '.join(flagged)}. The exports_value aggregate "
            "falls from 2,088 (2026-05) to 81 (2026-06) and 181 (2026-07) USD million, almost "
            "certainly reporters not yet in; venecon.load warns when a window contains these "
            "months.",
            "Mirror data: exports_value is the partner's imports from Venezuela, valued CIF "
            "(includes freight and insurance) and covering all goods, not only oil. It is a proxy "
            "for Venezuela's exports, dominated by crude oil.",
            "The Comtrade partner set is fixed and partial: Spain, Brazil, India, Turkiye and "
            "China only, summed. It misses other buyers and transshipment hubs (e.g. Malaysia, "
            "Singapore), so it understates Venezuela's non-US exports.",
            "US figures (imf_imts) fall to near zero after the January 2019 PDVSA sanctions and "
            "recover from 2023 under Chevron's general licence.",
            "net_petroleum_exports_volume is crude oil plus petroleum products, net of US exports "
            "to Venezuela (not crude-only imports) and stops in 2016-10, before the 2017 "
            "sanctions; Quandl's month-end dates were moved to the first of the month.",
            *gap_notes(frame, ["series", "source", "partner"]),
        ],
    )


# OPEC ASB destination regions (T51, T52) -> partner labels. The ASB's North
# America is Canada and the United States; Mexico is in Latin America (T53).
REGIONS = {
    "Europe": "europe",
    "North America": "north_america",
    "Asia and Pacific": "asia_pacific",
    "Latin America": "latin_america",
    "Africa": "africa",
    "Middle East": "middle_east",
}

# ASB table -> series (the unit comes from the table title). Tables without a
# destination column are exports to all destinations (partner WLD).
ASB_TABLES = {
    T51: "crude_exports_volume",
    T52: "product_exports_volume",
    T53: "crude_exports_volume",
    T25: "petroleum_exports_value",
    T24: "exports_value",
}

ANNUAL_SERIES = {
    "crude_exports_volume": (
        "Crude oil exports of the country to the partner region (ASB Table 5.1, OPEC members, "
        "2012-2017) or to all destinations, partner WLD (Table 5.3, world, 1980-2017); "
        "may include lease condensate and oil in transit, thousand barrels per day"
    ),
    "product_exports_volume": (
        "Petroleum product exports of the country to the partner region, or to all destinations "
        "for partner WLD (ASB Table 5.2, OPEC members); may include re-exports, thousand barrels "
        "per day"
    ),
    "petroleum_exports_value": (
        "Value of the country's petroleum exports (crude and, where applicable, products; some "
        "include condensate and other NGLs) to all destinations (ASB Table 2.5), USD million"
    ),
    "exports_value": (
        "Value of the country's total merchandise (all goods) exports to all destinations, fob "
        "(ASB Table 2.4), USD million"
    ),
    "crude_exports_value": (
        "Harvard Growth Lab estimate of the value of Venezuela's crude petroleum exports (HS "
        "270900) that Comtrade records under 'areas not specified' (production minus consumption "
        "times the Energy Institute price; 'value_final'), US dollars"
    ),
}


def _asb_exports(raw_dir: Path, path: str) -> pd.DataFrame:
    """One ASB export table as tidy rows with ``partner``; aggregates are dropped.

    The ASB's second label column (T51, T52) is the destination region; rows
    without one are exports to all destinations (partner WLD).
    """
    workbook = open_raw(raw_dir, path)
    unit = opec.asb_unit(workbook)
    return pd.concat(
        opec.country_rows(part, ASB_TABLES[path], "opec_asb2018", unit).assign(
            partner=REGIONS[group] if group else WORLD
        )
        for group, part in opec.read(workbook).groupby("group", sort=False)
    )


def _check_regions_add_up(frame: pd.DataFrame) -> None:
    """Fail if a member's crude exports by region (T51) do not sum to its total (T53).

    Both tables come from the same members' returns, so a mismatch would mean
    rows were attached to the wrong exporter.
    """
    crude = frame[frame["series"] == "crude_exports_volume"]
    regions = crude[crude["partner"] != WORLD].groupby(["country", "date"])["value"].sum()
    total = crude[crude["partner"] == WORLD].set_index(["country", "date"])["value"]
    gap = (regions - total.reindex(regions.index)).abs()
    if not (gap < 0.01).all():
        raise ValueError(
            f"ASB Table 5.1 regions do not add up to Table 5.3 totals:\n{gap[~(gap < 0.01)]}"
        )


def _growthlab(raw_dir: Path) -> pd.DataFrame:
    """Growth Lab's crude export value estimate (``value_final``), checked to be VEN -> ANS."""
    raw = pd.read_csv(open_raw(raw_dir, GROWTHLAB))
    if set(raw["exporter"]) != {"VEN"} or set(raw["importer"]) != {"ANS"}:
        raise ValueError(f"{GROWTHLAB}: expected VEN exports to ANS only")
    return tidy(
        raw["year"],
        raw["value_final"],
        "crude_exports_value",
        "VEN",
        "growthlab",
        "USD",
        partner=NOT_SPECIFIED,
    )


def _recode_soviet_union(frame: pd.DataFrame) -> pd.DataFrame:
    """Give Table 5.3's pre-1990 'Russia' rows the USSR's code.

    Before 1990 the row labelled Russia holds the whole Soviet Union's exports
    (it equals the FSU total and the successor states have no rows), so coding
    it RUS would overstate Russia by the other republics' exports.
    """
    soviet = (
        (frame["country"] == "RUS")
        & (frame["date"] < 1990)
        & (frame["series"] == ASB_TABLES[T53])
        & (frame["partner"] == WORLD)
    )
    return frame.assign(country=frame["country"].mask(soviet, "SUN"))


def trade_annual(raw_dir: Path) -> Resource:
    """Build ``trade_annual``: OPEC ASB export tables and the Growth Lab estimate.

    Parameters
    ----------
    raw_dir : Path
        The raw source directory (``shared/raw``).

    Returns
    -------
    Resource
    """
    frame = pd.concat(
        [*(_asb_exports(raw_dir, path) for path in ASB_TABLES), _growthlab(raw_dir)],
        ignore_index=True,
    )
    _check_regions_add_up(frame)
    frame = _recode_soviet_union(frame)
    # The ASB's own footnotes, quoted so the caveats travel with the table.
    asb_notes = [
        f"{opec.title(open_raw(raw_dir, path)).split(':')[0]} note: {line}"
        for path in ASB_TABLES
        for line in opec.notes(open_raw(raw_dir, path))
    ]
    return Resource(
        name="trade_annual",
        title="Oil and merchandise exports by country, annual (OPEC ASB 2018; Growth Lab estimate)",
        description=(
            "Annual export volumes and values by exporting country ('country'): crude oil exports "
            "of OPEC members by destination region and of all countries in total, OPEC members' "
            "petroleum product exports by destination, and the value of their petroleum and total "
            "merchandise exports (OPEC Annual Statistical Bulletin 2018, to 2017); plus the "
            "Harvard Growth Lab estimate of Venezuela's crude export value for 2020-2024 "
            "(growthlab). 'partner' is the destination: an OPEC region label, or WLD for all "
            "destinations."
        ),
        frequency="annual",
        frame=frame,
        inputs=[*ASB_TABLES, GROWTHLAB],
        series=ANNUAL_SERIES,
        extra_columns={
            "partner": (
                "Destination of the exports: WLD for all destinations; an OPEC ASB region "
                f"({', '.join(REGIONS.values())}; North America = Canada and the United States, "
                "Mexico is in Latin America); 'areas_not_specified' for Comtrade's 'areas not "
                "specified' (Growth Lab estimate)"
            )
        },
        key_extra=["partner"],
        notes=[
            "OPEC members' figures are official data communicated to OPEC; the other countries' "
            "crude exports in Table 5.3 are compiled by the OPEC Secretariat from other sources.",
            "Aggregates are dropped: OPEC, OECD, FSU, regional totals, the 'Others' residual of "
            "each region and 'Sudans' (Sudan and South Sudan combined, not one ISO country). The "
            "world total of Table 5.3 is kept as country WLD.",
            "Destination-region rows (Tables 5.1, 5.2) exist for OPEC members only and for "
            "2012-2017; Table 5.1 regions of a member add up to its Table 5.3 total.",
            "Cells marked 'na' or '-' are missing and dropped; zeros are kept as published.",
            "All OPEC ASB series stop in 2017 (2018 edition). The Growth Lab series covers "
            "2020-2024 only, is a model estimate rather than reported trade, and is in US "
            "dollars, not millions.",
            "Table 5.3 labels the Soviet Union 'Russia' before 1990 (its 1980-1989 values equal "
            "the ASB's FSU total; Azerbaijan and Kazakhstan start in 1990): those rows carry the "
            "withdrawn ISO 3166 code SUN (USSR), not RUS.",
            "No annual series for 2018-2019: neither source covers those years.",
            *asb_notes,
        ],
    )


def build(raw_dir: Path) -> list[Resource]:
    """Build ``trade`` (monthly) and ``trade_annual`` from the raw files in ``raw_dir``."""
    return [trade_monthly(raw_dir), trade_annual(raw_dir)]
