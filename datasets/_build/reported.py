"""Reported 2025-26 OPEC figures: ``data/reported_monthly.csv`` from the research note.

The note's last section, "Reported 2026 figures (for later curation)", lists
figures from OPEC's Monthly Oil Market Report (MOMR) as reported by the press:
Merey 16 monthly prices (with the OPEC Reference Basket where the report gives
it) and Venezuelan crude production by OPEC secondary sources and by direct
communication. OPEC's report itself was not read, so every row is tagged P.

They are their own source (``opec_momr_press``), never spliced into the OPEC
ASB Merey series (``prices_monthly``) or EIA production (``production_monthly``).
Each figure curated below names the note row it comes from (the row's month
cell), the figure's text in that row and the URL that reports it; the build
fails when the row, the text or the URL is not in the note, when the row is
tagged U, or when a row of the section is neither curated nor listed in
:data:`LEFT_OUT` with a reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .descriptor import csv_fields
from .events import NOTE, NOTE_PATH, clean

SECTION = "## Reported 2026 figures (for later curation)"
PRODUCTION_TABLE = "**Crude production**"
PRICE_TABLE = "**Merey 16 price (monthly average, US$/bbl)**"
SOURCE = "opec_momr_press"
#: Company figures from Reuters' sources, as syndicated (not OPEC figures).
REUTERS = "reuters_sources_press"

SERIES = {
    "merey": ("USD/bbl", "Merey 16 monthly average price as reported from OPEC's Monthly Oil "
              "Market Report by the press (source opec_momr_press)"),
    "opec_basket": ("USD/bbl", "OPEC Reference Basket monthly average, where the same press report "
                    "gives it beside Merey (source opec_momr_press)"),
    "crude_oil_secondary_sources": ("kb/d", "Venezuelan crude production, OPEC secondary sources "
                                    "(OPEC's independent estimates), as reported by the press"),
    "crude_oil_direct_communication": ("kb/d", "Venezuelan crude production communicated by "
                                       "Venezuela to OPEC (direct communication), as reported by "
                                       "the press"),
    "chevron_jv_crude_output": ("kb/d", "Crude output of Chevron's joint ventures with PdVSA, as "
                                "reported by Reuters from sources (source reuters_sources_press); "
                                "a reported range has its upper end in value_high"),
    "chevron_exports_us": ("kb/d", "Chevron's exports of Venezuelan crude to the US, as reported "
                           "by Reuters from sources (source reuters_sources_press); partial-month "
                           "figures say so in remarks"),
}


@dataclass(frozen=True)
class Figure:
    """One reported figure: the note row (table, month cell), its text there, and who reported it."""

    table: str
    row: str
    month: str
    series: str
    value: float
    text: str
    reported_by: str
    url: str
    remarks: str = ""
    source: str = SOURCE
    value_high: float | None = None
    # True: ``text`` is the figure as printed in the article the row cites (the note's cell
    # does not carry it; the row still gives the tag and the URL). False: ``text`` is in the cell.
    in_article: bool = False


CONTRASTE_FEB = "https://www.diariocontraste.com/2026/02/el-merey-supera-los-45-dolares-y-acelera-su-descenso"
FINANZAS = "https://finanzasdigital.com/venezuela-produccion-petroleo-mayo-opep-pdvsa/"
TDJ = ("https://en.tdjnoticias.com/2026/05/13/venezuelan-oil-breaks-the-90-barrier-for-the-first-"
       "time-in-a-decade/")
NOT_NAMED = "The article read does not name OPEC as the source of the price."
LOCALNEWSWAVE_AUG = "https://www.localnewswave.com/article/1030403840368013312"
RISMADAR = "https://rismadarvoice.com/chevron-to-triple-venezuelan-oil-exports-to-us-in-march"

FIGURES: list[Figure] = [
    *(Figure(PRICE_TABLE, "2025-01 / 02 / 03", month, "merey", value, f"{value:.2f}",
             "Diario Contraste (Feb 2026)", CONTRASTE_FEB, NOT_NAMED)
      for month, value in (("2025-01", 66.86), ("2025-02", 64.96), ("2025-03", 61.10))),
    Figure(PRICE_TABLE, "2025-04", "2025-04", "merey", 56.72, "56.72",
           "Finanzas Digital (Jun 2025, 'data de la OPEP')", FINANZAS),
    Figure(PRICE_TABLE, "2025-05", "2025-05", "merey", 51.73, "51.73",
           "Finanzas Digital (Jun 2025, 'data de la OPEP')", FINANZAS,
           "The note cites 'the same Finanzas Digital article' as for 2025-04."),
    Figure(PRICE_TABLE, "2025-06", "2025-06", "merey", 56.86, "56.86",
           "Fenavi 2025-07-16 (OPEC MOMR)",
           "https://fenavi.com.ve/crudo-merey-gana-valor-en-junio-julio-16-2025-1125-am/"
           "?action=video&post_id=24936"),
    Figure(PRICE_TABLE, "2025-07", "2025-07", "merey", 58.14, "58.14",
           "localnewswave (undated; July 2025 data from the OPEC report)",
           "https://www.localnewswave.com/article/1007827342403317760"),
    Figure(PRICE_TABLE, "2025-07", "2025-07", "opec_basket", 70.97, "ORB 70.97",
           "localnewswave (undated; July 2025 data from the OPEC report)",
           "https://www.localnewswave.com/article/1007827342403317760"),
    Figure(PRICE_TABLE, "2025-08", "2025-08", "merey", 56.22, "56.22",
           "Diario Contraste (Sep 2025, OPEC MOMR)",
           "https://www.diariocontraste.com/2025/09/crudo-merey-desciende-en-agosto-y-se-mantiene-"
           "como-el-de-menor-precio-en-la-opep"),
    Figure(PRICE_TABLE, "2025-08", "2025-08", "opec_basket", 69.73, "ORB 69.73",
           "Diario Contraste (Sep 2025, OPEC MOMR)",
           "https://www.diariocontraste.com/2025/09/crudo-merey-desciende-en-agosto-y-se-mantiene-"
           "como-el-de-menor-precio-en-la-opep"),
    Figure(PRICE_TABLE, "2025-09", "2025-09", "merey", 55.29, "55.29",
           "Diario Contraste (Oct 2025, OPEC report)",
           "https://www.diariocontraste.com/2025/10/opep-informa-que-el-crudo-venezolano-merey-"
           "finalizo-septiembre-a-5529-dolares"),
    Figure(PRICE_TABLE, "2025-10", "2025-10", "merey", 48.56, "48.56",
           "Diario Contraste (Feb 2026)", CONTRASTE_FEB, NOT_NAMED),
    Figure(PRICE_TABLE, "2025-11", "2025-11", "merey", 47.51, "47.51",
           "La Nación / ANSA 2025-12-15",
           "https://www.lanacion.com.ar/agencias/economia-petroleo-venezolano-cierra-con-su-precio-"
           "mas-bajo-en-5-anos-nid15122025/",
           "The article cites 'datos del mercado petrolero' and does not name OPEC."),
    Figure(PRICE_TABLE, "2025-12", "2025-12", "merey", 45.50, "45.50",
           "Diario Contraste (Feb 2026)", CONTRASTE_FEB, NOT_NAMED),
    Figure(PRICE_TABLE, "2026-01", "2026-01", "merey", 43.21, "43.21",
           "Diario Contraste (Feb 2026)", CONTRASTE_FEB, NOT_NAMED),
    Figure(PRICE_TABLE, "2026-04", "2026-04", "merey", 90.47, "90.47",
           "The Daily Journal 2026-05-13, via AVN, citing the latest OPEC MOMR", TDJ,
           "Up 4.55 on March (the March price itself is not reported, so it is not derived)."),
    Figure(PRICE_TABLE, "2026-04", "2026-04", "opec_basket", 108.79, "ORB 108.79",
           "The Daily Journal 2026-05-13, via AVN, citing the latest OPEC MOMR", TDJ),
    Figure(PRODUCTION_TABLE, "2025-08", "2025-08", "crude_oil_secondary_sources", 940.0,
           "940,000 b/d",
           "localnewswave (undated; OPEC's October 2025 MOMR: September data, August as the "
           "prior month)", LOCALNEWSWAVE_AUG,
           "August as revised in the October 2025 MOMR; the September 2025 MOMR's first estimate "
           "for August was 936 kb/d (Finanzas Digital 2025-09-11, "
           "https://finanzasdigital.com/produccion-petroleo-venezuela-opep-agosto-2025-"
           "discrepancia-pdvsa/)."),
    Figure(PRODUCTION_TABLE, "2025-08", "2025-08", "crude_oil_direct_communication", 1098.0,
           "1 098 000 bpd",
           "localnewswave (undated; OPEC's October 2025 MOMR: September data, August as the "
           "prior month)", LOCALNEWSWAVE_AUG,
           "Read in the article at the row's URL ('1 098 000 bpd' in August, primary sources), "
           "which the note's row cites for the secondary-source figure; the note's cell does not "
           "carry this figure. The September 2025 MOMR gave the same 1,098 kb/d (Finanzas "
           "Digital 2025-09-11).",
           in_article=True),
    Figure(PRODUCTION_TABLE, "2025-09", "2025-09", "crude_oil_secondary_sources", 967.0,
           "967,000 b/d (secondary)", "localnewswave (undated)",
           "https://localnewswave.com/article/1030604978485706752"),
    Figure(PRODUCTION_TABLE, "2025-09", "2025-09", "crude_oil_direct_communication", 1105.0,
           "1,105,000 b/d (direct communication)", "Diario Versión Final 2025-10-14",
           "https://diarioversionfinal.com/politica-dinero/venezuela-aumenta-su-produccion-"
           "petrolera-a-1-105-000-barriles-diarios-en-septiembre/"),
    Figure(PRODUCTION_TABLE, "2026-04", "2026-04", "crude_oil_secondary_sources", 1031.0,
           "1.031 million b/d", "The Daily Journal 2026-05-13, via AVN", TDJ,
           "Up 46 kb/d on March (the March level itself is not reported, so it is not derived)."),
    Figure(PRODUCTION_TABLE, "Jan 2026", "2026-01", "chevron_jv_crude_output", 240.0,
           "producing 240,000", "Reuters (sources), via rismadarvoice 2026-01-29", RISMADAR,
           "Reported as a range, 240,000-250,000 b/d: value is its lower end, value_high its "
           "upper end.", source=REUTERS, value_high=250.0),
    Figure(PRODUCTION_TABLE, "Jan 2026", "2026-01", "chevron_exports_us", 230.0,
           "about 230,000 b/d so far in January",
           "Reuters (sources), via rismadarvoice 2026-01-29", RISMADAR,
           "'About' 230,000 b/d 'so far in January' (reported 2026-01-29): a partial month. The "
           "row's 'planned 300,000 b/d in March' is a plan, not a figure, and is not curated.",
           source=REUTERS),
]

# Rows of the two tables that are not curated, and why.
LEFT_OUT = {
    (PRODUCTION_TABLE, "2025-12"): "a Reuters survey, not OPEC, and only 'about 830,000 b/d'",
    (PRODUCTION_TABLE, "early 2026"): "no month and no figure ('close to 1,000,000 bpd'), "
    "Reuters on the EIA STEO",
    (PRODUCTION_TABLE, "2026-05 to 2026-10"): "not found (tagged U)",
    (PRICE_TABLE, "2026-02, 2026-03, 2026-05 to 2026-10"): "not found (tagged U)",
}


def rows_of(section: str, heading: str) -> dict[str, dict[str, str]]:
    """The rows of the table after ``heading`` in the section, keyed by their first cell."""
    start = section.find(heading)
    if start < 0:
        raise ValueError(f"{NOTE}: table {heading!r} not found in {SECTION!r}")
    lines = []
    for line in section[start + len(heading):].splitlines():
        if line.strip().startswith("|"):
            lines.append([clean(c) for c in line.strip().strip("|").split("|")])
        elif lines:
            break
    header, body = lines[0], lines[2:]
    return {cells[0]: dict(zip(header, cells, strict=True)) for cells in body}


def frame_from_note(text: str) -> pd.DataFrame:
    start = text.find(SECTION)
    if start < 0:
        raise ValueError(f"{NOTE}: section {SECTION!r} not found")
    section = text[start:]
    tables = {h: rows_of(section, h) for h in (PRODUCTION_TABLE, PRICE_TABLE)}
    used = set()
    records = []
    for fig in FIGURES:
        row = tables[fig.table].get(fig.row)
        if row is None:
            raise ValueError(f"{NOTE}: no row {fig.row!r} in {fig.table}")
        cells = list(row.values())
        tag = cells[-1]
        if tag not in ("V", "P"):
            raise ValueError(f"{NOTE}: row {fig.row!r} of {fig.table} is tagged {tag!r}")
        figure_cell = cells[1]
        if not fig.in_article and fig.text not in figure_cell:
            raise ValueError(f"{fig.month} {fig.series}: {fig.text!r} not in {figure_cell!r}")
        if fig.url not in section:
            raise ValueError(f"{fig.month} {fig.series}: URL {fig.url} not in the note's section")
        if fig.in_article and fig.url not in " ".join(cells):
            # a figure read in the article must come from the article the row itself cites
            raise ValueError(f"{fig.month} {fig.series}: URL {fig.url} is not the row's")
        used.add((fig.table, fig.row))
        records.append({
            "date": f"{fig.month}-01", "country": "VEN", "series": fig.series,
            "value": fig.value, "unit": SERIES[fig.series][0], "source": fig.source,
            "value_high": fig.value_high, "reported_by": fig.reported_by, "url": fig.url,
            "verification": tag, "note_text": figure_cell, "remarks": fig.remarks,
        })
    for key in LEFT_OUT:
        if key[1] not in tables[key[0]]:
            raise ValueError(f"{NOTE}: left-out row {key[1]!r} not in {key[0]}")
    unaccounted = [(h, r) for h, rows in tables.items() for r in rows
                   if (h, r) not in used and (h, r) not in LEFT_OUT]
    if unaccounted:
        raise ValueError(f"{NOTE}: reported-figure rows neither curated nor left out: {unaccounted}")
    frame = pd.DataFrame(records)
    if frame.duplicated(["date", "series"]).any():
        raise ValueError("reported figures: two figures for one month and series")
    return frame.sort_values(["series", "date"], kind="mergesort").reset_index(drop=True)


def secondary_sources(research_dir: Path) -> pd.Series:
    """OPEC secondary-source production (kb/d) on month starts, for production_monthly's notes."""
    frame = frame_from_note((Path(research_dir) / NOTE).read_text(encoding="utf-8"))
    rows = frame[frame["series"] == "crude_oil_secondary_sources"]
    return pd.Series(rows["value"].to_numpy(), index=pd.to_datetime(rows["date"]))


FIELDS = [
    ("date", "date", "Month (first day) the figure refers to"),
    ("country", "string", "ISO 3166-1 alpha-3 code (VEN)"),
    ("series", "string", "Series name; see the resource's 'series' map"),
    ("value", "number", "The reported figure, in 'unit' (a range's lower end)"),
    ("unit", "string", "Unit of 'value'"),
    ("source", "string", "opec_momr_press: OPEC MOMR figures as reported by the press; "
     "reuters_sources_press: Chevron figures Reuters reports from sources"),
    ("value_high", "number", "Upper end where the report gives a range; else empty"),
    ("reported_by", "string", "Publication (and date) that reported the figure"),
    ("url", "string", "Address of the report"),
    ("verification", "string", "The note's tag: P (OPEC's report itself was not read)"),
    ("note_text", "string", "The figure's cell in the research note, verbatim (a figure read "
     "in the article the row cites says so in remarks)"),
    ("remarks", "string", "Caveats (e.g. OPEC not named in the article read)"),
]


def build(research_dir: Path, data_dir: Path) -> list[dict]:
    """Write ``data_dir/reported_monthly.csv`` and return its descriptor entry."""
    note = Path(research_dir) / NOTE
    raw = note.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    frame = frame_from_note(raw.decode("utf-8"))
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    (Path(data_dir) / "reported_monthly.csv").write_bytes(data)
    left = [f"Left out: {row} ({table.strip('*')}): {why}." for (table, row), why in LEFT_OUT.items()]
    months = {s: ", ".join(sorted(frame.loc[frame["series"] == s, "date"].str[:7]))
              for s in SERIES}
    return [{
        "name": "reported_monthly",
        "path": "data/reported_monthly.csv",
        "title": "OPEC figures for Venezuela in 2025-2026 as reported by the press (Merey price, "
        "production by secondary sources and direct communication), and Chevron's reported joint-"
        "venture output and exports to the US",
        "description": (
            "One row per press-reported figure from OPEC's Monthly Oil Market Report: Merey 16 "
            "monthly prices (and the OPEC basket where given) for 2025-01 to 2026-01 and 2026-04, "
            "and Venezuelan crude production by OPEC secondary sources and by direct "
            "communication; and Chevron's joint-venture output and exports to the US as Reuters "
            "reported them from sources (January 2026). Every row carries the report's URL and "
            "the tag P. Own sources (opec_momr_press, reuters_sources_press), never spliced into "
            "the OPEC ASB Merey series or EIA production; venecon.revenue uses its Merey prices "
            "for an observed discount in those months."
        ),
        **csv_fields(data),
        "frequency": "monthly",
        "coverage": {"start": frame["date"].min(), "end": frame["date"].max()},
        "rows": int(len(frame)),
        "vintage": {
            "last_period": frame["date"].max(),
            "note_sha256": sha,
            "basis": f"press reports of OPEC's MOMR listed in {NOTE_PATH} at this sha256 (each "
            "row's 'reported_by' gives the report's date)",
        },
        "countries": ["VEN"],
        "series": {name: {"definition": text, "unit": unit}
                   for name, (unit, text) in sorted(SERIES.items())},
        "schema": {"fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
                   "primaryKey": ["date", "country", "series", "source"]},
        "compiled_from": {"title": "venecon research note: Timeline of US measures, licences and "
                          "related events affecting Venezuela's oil sector and PdVSA (2005-2026), "
                          f"section '{SECTION[3:]}'", "file": NOTE_PATH, "sha256": sha},
        "sources": [{
            "title": "OPEC Monthly Oil Market Report, as reported by the press (each row's "
            "'reported_by' and 'url')",
            "path": "https://www.opec.org/opec_web/en/publications/338.htm",
            "source": SOURCE,
            "license": "Figures quoted from press reports of OPEC's MOMR; cite OPEC and the report",
            "license_path": "https://www.opec.org/opec_web/en/publications/338.htm",
            "attribution": "OPEC Monthly Oil Market Report, as reported by the publications named "
            "in each row.",
        }, {
            "title": "Reuters reports from sources on Chevron's Venezuelan joint ventures, as "
            "syndicated (each row's 'reported_by' and 'url')",
            "path": RISMADAR,
            "source": REUTERS,
            "license": "Figures quoted from a syndicated Reuters report; cite Reuters",
            "license_path": RISMADAR,
            "attribution": "Reuters, as syndicated by the publication named in each row.",
        }],
        "licenses": [{"title": "Figures quoted from press reports of OPEC's MOMR; cite OPEC and "
                      "the report", "path": "https://www.opec.org/opec_web/en/publications/338.htm"}],
        "attribution": "OPEC Monthly Oil Market Report figures as reported by the press; compiled "
        "by the venecon developers from the research note.",
        "notes": [
            f"Compiled from the venecon research note {NOTE_PATH} (sha256 {sha}), section "
            f"'{SECTION[3:]}'. OPEC's MOMR itself was not read: every figure is tagged P.",
            *(f"{name}: months {months[name]}." for name in SERIES),
            "Months absent from a series were not found in the stored corpus; nothing is "
            "interpolated or derived (e.g. March 2026 from a reported month-on-month change).",
            "Never spliced into prices_monthly (OPEC ASB Merey, to 2017-12) or production_monthly "
            "(EIA): set them side by side.",
            "Chevron figures (reuters_sources_press) are curated only where a row of the note "
            "tagged V or P states them with a URL: one row (Jan 2026). No tanker-tracking export "
            "figure with a URL is in the note; the literature note's Chevron figures (January "
            "2025 JV output from PDVSA via Guacamaya; August-September 2025 exports via Latin "
            "Times) carry no URL and are not curated.",
            *left,
        ],
    }]
