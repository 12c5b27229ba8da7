"""Crude production tables: Venezuela monthly (EIA) and the annual country panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import opec
from .common import Resource, read_iciv
from .raw import open_raw

EIA_MONTHLY = "iciv-venezuela/eia_monthly.csv"
EIA_ANNUAL = "iciv-venezuela/eia.csv"
EI_WORKBOOK = "energy-institute/EI-Stats-Review-All-Data.xlsx"
EI_WORKBOOK_2026 = "energy-institute-2026/EI-Stats-Review-ALL-data-2026.xlsx"
T35 = "opec-asb-2018/T35 Daily and cumulative crude oil production in OPEC Members.xlsx"
T36 = "opec-asb-2018/T36 World crude oil production by country.xlsx"

# EI source code -> workbook. The 2026 edition is venecon's Energy Institute source; the
# 2024 edition stays as its own source so results computed on it reproduce. One edition
# per (series, source): never mixed year by year.
EI_EDITIONS = {"ei_sr2026": EI_WORKBOOK_2026, "ei_sr2024": EI_WORKBOOK}
EI_CURRENT = "ei_sr2026"

# EI sheet -> (series, definition). Both sheets are in thousand barrels daily.
EI_SHEETS = {
    "Oil Production - barrels": (
        "oil_production",
        "Oil production: crude oil, shale/tight oil, oil sands, condensates and NGLs; excludes "
        "biofuels, coal/gas-to-liquids and refinery gain (ei_sr2026 and ei_sr2024, sheet 'Oil "
        "Production - barrels' of each edition)",
    ),
    "Crude+cond production - barrels": (
        "crude_condensate",
        "Crude oil including shale/tight oil, oil sands and lease/gas condensate; excludes NGLs "
        "(ei_sr2026 and ei_sr2024, sheet 'Crude+cond production - barrels' of each edition)",
    ),
}
EI_UNIT = "Thousand barrels daily"

# States that EI reports inside a predecessor's row before they appear: the
# former Soviet republics (inside "USSR" to 1984) and South Sudan (inside
# Sudan to 2011). EI prints 0 for those years; that 0 means "not reported
# separately", not "no output", so their leading zeros are dropped.
SUCCESSOR_STATES = {"AZE", "KAZ", "RUS", "TKM", "UZB", "SSD"}

# EIA international product ids -> venecon series. The raw file's own
# ``variable`` labels are misleading (see MANIFEST), so select by id only.
EIA_PRODUCTS = {
    57: ("crude_oil", "Crude oil including lease condensate (EIA international product 57)"),
    53: ("total_liquids", "Total petroleum and other liquids (EIA international product 53)"),
    55: ("crude_ngpl_other", "Crude oil, NGPL and other liquids (EIA international product 55)"),
}

FLAG_CONSTANT = "annual_constant"
FLAG_LINEAR = "linear_interpolation"
FLAG_STEPS = "equal_steps"
#: Shortest run of months, inside one calendar year, with one identical month-to-month change
#: that is flagged as interpolated (three equal steps).
MIN_STEP_RUN = 4


def spread_flags(values: pd.Series, years: pd.Series) -> pd.Series:
    """Flag months that are an estimate spread out rather than a monthly figure.

    EIA filled some years with one number repeated twelve times (2008-2014) or a
    straight line through the year (2015): the whole year is flagged
    ("annual_constant", "linear_interpolation"). Elsewhere, a run of at least
    :data:`MIN_STEP_RUN` consecutive months inside one year whose month-to-month
    change is one identical number (2016-01..04: 2383, 2382, 2381, 2380) is the
    same pattern over part of a year and is flagged "equal_steps". Month-to-month
    movement in flagged months is an artefact, so models should be able to drop them.
    """
    flags = pd.Series("", index=values.index, dtype=object)
    for year, chunk in values.groupby(years):
        steps = np.diff(chunk.to_numpy())
        if len(chunk) == 12 and np.allclose(steps, 0.0):
            flags[chunk.index] = FLAG_CONSTANT
        elif len(chunk) == 12 and np.allclose(steps, steps[0], atol=1e-9):
            flags[chunk.index] = FLAG_LINEAR
        else:
            for first, last in equal_step_runs(steps):
                flags[chunk.index[first:last + 1]] = FLAG_STEPS
    return flags


def equal_step_runs(steps: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) month positions of runs of at least MIN_STEP_RUN months with equal steps."""
    runs = []
    start = 0
    for i in range(1, len(steps) + 1):
        if i < len(steps) and abs(steps[i] - steps[start]) <= 1e-9:
            continue
        if i - start + 1 >= MIN_STEP_RUN:  # steps start..i-1 join months start..i
            runs.append((start, i))
        start = i
    return runs


def equal_steps_text(frame: pd.DataFrame) -> str:
    """Which months of each series carry the 'equal_steps' flag, for the descriptor's notes."""
    parts = []
    for series, rows in frame[frame["flag"] == FLAG_STEPS].groupby("series", sort=True):
        dates = pd.to_datetime(rows["date"]).sort_values()
        spans, first, prev = [], dates.iloc[0], dates.iloc[0]
        for d in list(dates.iloc[1:]) + [None]:
            if d is not None and (d.year * 12 + d.month) - (prev.year * 12 + prev.month) == 1:
                prev = d
                continue
            spans.append(f"{first:%Y-%m}..{prev:%Y-%m}")
            if d is not None:
                first = prev = d
        parts.append(f"{series} {', '.join(spans)}")
    return "; ".join(parts) if parts else "none"


def eia_minus_secondary(eia: pd.DataFrame, secondary: pd.Series | None) -> str:
    """The note comparing EIA crude with OPEC secondary sources, month by month."""
    crude = eia[eia["series"] == "crude_oil"].set_index("date")["value"]
    text = ("EIA crude (product 57) runs above OPEC secondary-source estimates not only in 2013-2019 "
            "(annual levels about 0.08-0.15 mb/d higher) but through 2026")
    if secondary is None or secondary.empty:
        return text + "."
    months = [d for d in secondary.index if d in crude.index]
    gaps = ", ".join(f"{d:%Y-%m} {crude[d] - secondary[d]:+.0f} (EIA {crude[d]:.0f} vs "
                     f"{secondary[d]:.0f})" for d in months)
    return (text + f": EIA minus OPEC secondary sources, kb/d, in the months with a curated "
            f"press-reported secondary-source figure (reported_monthly, series "
            f"crude_oil_secondary_sources): {gaps}. Gaps of +155 (2018-06), +44 (2020-06) and "
            "+9 (2024-06) kb/d against press-reported secondary sources are cited in venecon's "
            "issue tracker (issue 12); those secondary-source figures are not curated here, so "
            "they are not reproduced from data.")


def production_monthly(raw_dir: Path, secondary: pd.Series | None = None) -> Resource:
    """Venezuela monthly production (EIA); ``secondary`` (OPEC secondary sources, kb/d, on
    month starts) only feeds the note that sets the two side by side."""
    raw = read_iciv(raw_dir, EIA_MONTHLY)
    if set(raw["unidad"]) != {"TBPD"}:
        raise ValueError(f"{EIA_MONTHLY}: expected TBPD units only, found {set(raw['unidad'])}")
    pieces = []
    for product, (series, _) in EIA_PRODUCTS.items():
        part = raw[raw["productId"] == product].sort_values(["año", "mes"]).reset_index(drop=True)
        pieces.append(
            pd.DataFrame(
                {
                    "date": part["date"],
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
                "months follow a straight line through the year (2015), 'equal_steps' where at "
                "least four consecutive months of one year change by one identical amount "
                "(e.g. crude 2016-01..04: 2383, 2382, 2381, 2380)"
            )
        },
        notes=[
            "Monthly values for 2008-2015 are annual estimates spread over the months (see 'flag'): "
            "a monthly pre-period should start in 2016 or use annual data.",
            "Runs of four or more months inside a year with one identical month-to-month change "
            "are flagged 'equal_steps' (interpolated between EIA's estimates, like 2015): "
            + equal_steps_text(frame) + ".",
            eia_minus_secondary(frame, secondary),
            "EIA, Energy Institute and OPEC figures are different concepts and are not spliced.",
        ],
    )


def read_ei_sheet(path: Path, sheet: str) -> tuple[pd.DataFrame, int]:
    """Read one country-by-year sheet of the EI Statistical Review workbook.

    The header is row 3 (years from column B); after the last year EI adds
    growth-rate and share columns whose headers repeat the final year or read
    "2013-23", so the year columns are the strictly increasing run of integers.

    Returns
    -------
    frame : DataFrame
        ``label, period, value`` for every country/aggregate row and year;
        non-numeric cells ("-", "^", "n/a", blanks) are NaN.
    text_cells : int
        How many data cells held text rather than a number (reported in notes).
    """
    raw = pd.read_excel(path, sheet_name=sheet, header=None, engine="openpyxl", dtype=object)
    header = raw.iloc[2].tolist()
    if str(header[0]).strip() != EI_UNIT:
        raise ValueError(
            f"{path.name} [{sheet}]: expected unit {EI_UNIT!r} in A3, found {header[0]!r}"
        )
    years = []
    for cell in header[1:]:
        if not isinstance(cell, int) or (years and cell <= years[-1]):
            break
        years.append(cell)
    block = raw.iloc[3:, : len(years) + 1]
    labels = block[0].map(lambda c: str(c).strip() if isinstance(c, str) else "")
    cells = block.iloc[:, 1:]
    is_text = cells.map(lambda c: isinstance(c, str))
    values = cells.map(lambda c: np.nan if isinstance(c, str) or c is None else float(c))
    # Data rows have a label and at least one cell; footnotes have only a label.
    keep = (labels != "") & cells.notna().any(axis=1)
    values.columns = years
    frame = values[keep].assign(label=labels[keep]).melt(
        id_vars="label", var_name="period", value_name="value"
    )
    return frame, int(is_text[keep].to_numpy().sum())


def drop_successor_zeros(rows: pd.DataFrame) -> pd.DataFrame:
    """Drop the leading zeros of :data:`SUCCESSOR_STATES` (see the comment there)."""
    rows = rows.sort_values(["country", "date"])
    successor = rows["country"].isin(SUCCESSOR_STATES)
    started = (rows["value"] != 0).astype(int).groupby(rows["country"]).cummax().astype(bool)
    return rows[~successor | started]


def _value(frame: pd.DataFrame, series: str, source: str, country: str, year: int) -> str:
    hit = frame[(frame["series"] == series) & (frame["source"] == source)
                & (frame["country"] == country) & (frame["date"] == year)]
    return f"{hit['value'].iloc[0]:,.0f}" if len(hit) else "n/a"


def ei_revisions(frame: pd.DataFrame, country: str = "VEN") -> list[str]:
    """Notes stating how the current EI edition revised the 2024 edition's years for one country."""
    notes = []
    for name in ("oil_production", "crude_condensate"):
        both = {}
        for code in ("ei_sr2026", "ei_sr2024"):
            part = frame[(frame["series"] == name) & (frame["source"] == code)
                         & (frame["country"] == country)]
            both[code] = part.set_index("date")["value"]
        diff = (both["ei_sr2026"] - both["ei_sr2024"]).dropna()
        moved = diff[diff.abs() >= 0.05]  # EI prints one decimal
        years = f"{int(diff.index.min())}-{int(diff.index.max())}"
        if moved.empty:
            notes.append(f"EI revisions, {country} {name}: ei_sr2026 equals ei_sr2024 in {years}.")
            continue
        listed = ", ".join(f"{int(y)} {v:+.1f}" for y, v in moved.items())
        notes.append(
            f"EI revisions, {country} {name} (ei_sr2026 minus ei_sr2024, kb/d, years where the "
            f"2026 edition changed the 2024 edition's figure; {years} compared): {listed}. "
            f"Largest absolute revision {moved.abs().max():.1f} kb/d in "
            f"{int(moved.abs().idxmax())}.")
    return notes


def production_annual(raw_dir: Path) -> Resource:
    """Country-year crude and oil production panel (EI 2026 and 2024, OPEC ASB 2018, EIA).

    Each publisher's concept is its own (series, source) pair; nothing is
    spliced or level-adjusted. Units are thousand barrels per day throughout.
    """
    pieces, series = [], {}
    text_cells = {}
    for code, workbook in EI_EDITIONS.items():
        path = open_raw(raw_dir, workbook)
        for sheet, (name, definition) in EI_SHEETS.items():
            frame, text_cells[code, sheet] = read_ei_sheet(path, sheet)
            pieces.append(drop_successor_zeros(opec.country_rows(frame, name, code, "kb/d")))
            series[name] = definition

    t36_path, t35_path = open_raw(raw_dir, T36), open_raw(raw_dir, T35)
    if opec.unit(t36_path) != "1,000 b/d":
        raise ValueError(f"{T36}: unexpected unit {opec.unit(t36_path)!r}")
    t36 = opec.read(t36_path)
    t35 = opec.read(t35_path, kind="Daily crude oil production")
    # T35 repeats T36 for the OPEC members from 1982 on; the notes rely on that.
    overlap = t35.merge(t36, on=["label", "period"], suffixes=("_35", "_36"))
    if overlap.empty or not np.allclose(overlap["value_35"], overlap["value_36"], equal_nan=True):
        raise ValueError(f"{T35} no longer equals {T36} where they overlap: revisit the notes")
    pieces.append(opec.country_rows(t36, "crude_oil", "opec_asb2018", "kb/d"))
    pieces.append(opec.country_rows(t35, "crude_oil_opec_members", "opec_asb2018", "kb/d"))

    eia = pd.read_csv(open_raw(raw_dir, EIA_ANNUAL), encoding="utf-8-sig")
    eia = eia.dropna(subset=["petroleo_crudo_produccion_tbpd"])
    pieces.append(pd.DataFrame({
        "date": eia["año"], "country": "VEN", "series": "crude_oil",
        "value": eia["petroleo_crudo_produccion_tbpd"].astype(float), "unit": "kb/d",
        "source": "eia_ies",
    }))
    series["crude_oil"] = (
        "Crude oil production (opec_asb2018: ASB Table 3.6, world crude oil production by country, "
        "OPEC members' official figures; eia_ies: EIA international product 57, crude oil including "
        "lease condensate, Venezuela only)"
    )
    series["crude_oil_opec_members"] = (
        "Crude oil production, daily average, OPEC's 2018 member countries back to 1960 "
        "(opec_asb2018, ASB Table 3.5; same figures as crude_oil/opec_asb2018 from 1982)"
    )
    frame = pd.concat(pieces, ignore_index=True)

    def span(name: str, source: str) -> str:
        part = frame[(frame["series"] == name) & (frame["source"] == source)]
        return f"{part['date'].min()}-{part['date'].max()}, {part['country'].nunique()} countries"

    ei_zeros = frame[(frame["source"] == EI_CURRENT) & (frame["value"] == 0)]
    last_zero = ei_zeros.groupby("country")["date"].max()
    notes = [
        "Different concepts are different (series, source) pairs and are never spliced or "
        "level-adjusted: EI oil_production includes NGLs, EI crude_condensate and EIA crude_oil "
        "include condensate, OPEC crude_oil is crude as officially reported by members. Venezuela "
        f"2017, kb/d: OPEC crude_oil {_value(frame, 'crude_oil', 'opec_asb2018', 'VEN', 2017)}, "
        f"EIA crude_oil {_value(frame, 'crude_oil', 'eia_ies', 'VEN', 2017)}, EI crude_condensate "
        f"{_value(frame, 'crude_condensate', EI_CURRENT, 'VEN', 2017)}, EI oil_production "
        f"{_value(frame, 'oil_production', EI_CURRENT, 'VEN', 2017)} ({EI_CURRENT}).",
        "Energy Institute editions: ei_sr2026 (Statistical Review 2026, data to 2025) is the "
        "current Energy Institute source. ei_sr2024 "
        "(Statistical Review 2024, data to 2023) is kept as a separate source, complete in itself, "
        "so that results computed on that edition (venecon's regression fixtures, published "
        "studies citing it) reproduce. Each EI edition revises earlier years: never combine the "
        "two editions year by year; pick one source.",
        *ei_revisions(frame),
        f"Coverage: ei_sr2026 oil_production {span('oil_production', 'ei_sr2026')}; "
        f"crude_condensate {span('crude_condensate', 'ei_sr2026')}; ei_sr2024 oil_production "
        f"{span('oil_production', 'ei_sr2024')}; crude_condensate "
        f"{span('crude_condensate', 'ei_sr2024')}; opec_asb2018 crude_oil "
        f"{span('crude_oil', 'opec_asb2018')}; crude_oil_opec_members "
        f"{span('crude_oil_opec_members', 'opec_asb2018')}; eia_ies crude_oil {span('crude_oil', 'eia_ies')} "
        "(counts include WLD where present).",
        "Dropped rows: regional totals, residual 'Other ...'/'Others' groups, OPEC/non-OPEC/OECD/EU/"
        "FSU subtotals, EI's 'USSR' row (1965-1984; the former Soviet republics start in 1985) and "
        "OPEC's 'Sudans' (Sudan and South Sudan combined, not one ISO country, so Sudan is absent "
        "from the OPEC series). The world total is kept as WLD.",
        f"EI zeros ({EI_CURRENT}): EI prints 0 for countries with no output yet (e.g. Guyana to "
        f"{last_zero.get('GUY')}, Chad to {last_zero.get('TCD')}); these are kept "
        f"({len(last_zero)} countries have zero years). The exception is the "
        "leading zeros of states reported inside a predecessor's row (former Soviet republics "
        "before 1985, South Sudan before 2012), which mean 'not reported separately' and are dropped.",
        "EI missing-value markers ('-', '^' = less than 0.05, 'n/a', blank) are dropped, not "
        "zero-filled; the editions have "
        + ", ".join(f"{n} text cells in {code} '{sheet}'"
                    for (code, sheet), n in text_cells.items()) + ".",
        "OPEC ASB T35 (daily average crude production of the 2018 OPEC members, 1960-2017) is the "
        "same publication and concept as T36 and equals it exactly for every member in 1982-2017 "
        "(checked at build time). It is kept as the distinct series crude_oil_opec_members for its "
        "1960-1981 years rather than spliced onto crude_oil; T35's cumulative-production block is "
        "not included.",
        "OPEC members' figures in the ASB are official (direct-communication) numbers, above OPEC's "
        "secondary-source estimates for Venezuela; Kuwait and Saudi Arabia include their share of "
        "Neutral Zone output (ASB footnote). Members are the 2018 membership for all years.",
        "EIA annual crude for Venezuela is a flat round number in 2008-2014 (annual estimates), "
        "its empty 2026 row is dropped, and 2025 is the latest year.",
        "Gas and electricity columns of iciv-venezuela/eia.csv are in the 'macro' table.",
    ]
    return Resource(
        name="production_annual",
        title="Oil and crude production by country, annual (Energy Institute, OPEC ASB, EIA)",
        description=(
            "Country-year production panel in thousand barrels per day for synthetic-control donor "
            "pools: Energy Institute Statistical Review oil production (crude + NGLs, 1965-2025) "
            "and crude + condensate (2000-2025) for all reported countries from the 2026 edition "
            "(source ei_sr2026; the 2024 edition, to 2023, stays as source ei_sr2024), OPEC Annual "
            "Statistical Bulletin 2018 crude production by country (1982-2017, plus OPEC members "
            "from 1960), and EIA crude oil for Venezuela (2000-2025). Each publisher's concept is a "
            "separate (series, source) pair; levels differ and are not spliced."
        ),
        frequency="annual",
        frame=frame,
        inputs=[EI_WORKBOOK_2026, EI_WORKBOOK, T36, T35, EIA_ANNUAL],
        series=dict(sorted(series.items())),
        notes=notes,
    )


def build(raw_dir: Path, secondary: pd.Series | None = None) -> list[Resource]:
    return [production_monthly(raw_dir, secondary), production_annual(raw_dir)]
