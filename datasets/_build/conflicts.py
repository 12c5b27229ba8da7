"""The ``conflicts`` table: country-years with an armed conflict on a country's soil (UCDP/PRIO).

One row per (year, country) in which at least one conflict of the UCDP/PRIO
Armed Conflict Dataset is *located*, read from ``gwno_loc`` (the Gleditsch-Ward
codes of every country whose territory the conflict concerns; a comma-separated
list). ``intensity`` is the highest UCDP intensity level among those conflicts
(1 = 25-999 battle-related deaths in the year, 2 = 1,000 or more).

Versions: v22.1 (UCDP's own file) gives 1946-2021; v25.1 (a third-party re-save)
gives 2022-2024 only, as shared/raw/MANIFEST.md advises. The build parses v25.1
in full anyway, repairs its one record split over two lines (conflict 11349,
China, 2008) and checks the repair against v22.1; it counts the country-years
on which the two versions disagree up to 2021 (UCDP's revisions) and states the
count in the descriptor notes.

Caveats carried into the descriptor:

* For interstate conflicts (``type_of_conflict`` 2) ``gwno_loc`` lists the
  governments involved, not where the fighting took place: Russia 2022-24
  appears through the war in Ukraine, the United States and the United Kingdom
  through Iraq 2003. ``interstate_only`` marks country-years whose only
  conflicts are interstate so a user can drop them.
* Gleditsch-Ward to ISO 3166 alpha-3 (:data:`GW_ISO3`): each GW code maps to
  the present-day state that holds it; codes of states that no longer exist map
  to their successor (365 Russia/Soviet Union -> RUS, 345 Yugoslavia -> SRB,
  680 South Yemen -> YEM, 817 Republic of Vietnam -> VNM, 751 Hyderabad -> IND).
  An unmapped code stops the build.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .descriptor import raw_sources, raw_vintage, registry_fields
from .raw import RAW, open_raw

NAME = "conflicts"
V221 = "ucdp-acd/ucdp-prio-acd-221.csv"
V251 = "ucdp-acd/UcdpPrioConflict_v25_1.csv"
LAST_V221 = 2021  # v22.1 covers 1946-2021; v25.1 is used for the years after

#: Gleditsch-Ward state number -> ISO 3166-1 alpha-3 (rule in the module docstring).
GW_ISO3: dict[int, str] = {
    2: "USA", 20: "CAN", 40: "CUB", 41: "HTI", 42: "DOM", 51: "JAM", 52: "TTO", 55: "GRD",
    70: "MEX", 90: "GTM", 91: "HND", 92: "SLV", 93: "NIC", 94: "CRI", 95: "PAN", 100: "COL",
    101: "VEN", 110: "GUY", 115: "SUR", 130: "ECU", 135: "PER", 140: "BRA", 145: "BOL",
    150: "PRY", 155: "CHL", 160: "ARG", 165: "URY", 200: "GBR", 205: "IRL", 210: "NLD",
    211: "BEL", 220: "FRA", 230: "ESP", 235: "PRT", 255: "DEU", 290: "POL", 310: "HUN",
    316: "CZE", 317: "SVK", 325: "ITA", 339: "ALB", 341: "MNE", 343: "MKD", 344: "HRV",
    345: "SRB", 346: "BIH", 349: "SVN", 350: "GRC", 352: "CYP", 355: "BGR", 359: "MDA",
    360: "ROU", 365: "RUS", 366: "EST", 367: "LVA", 368: "LTU", 369: "UKR", 370: "BLR",
    371: "ARM", 372: "GEO", 373: "AZE", 380: "SWE", 385: "NOR", 390: "DNK", 404: "GNB",
    411: "GNQ", 420: "GMB", 432: "MLI", 433: "SEN", 434: "BEN", 435: "MRT", 436: "NER",
    437: "CIV", 438: "GIN", 439: "BFA", 450: "LBR", 451: "SLE", 452: "GHA", 461: "TGO",
    471: "CMR", 475: "NGA", 481: "GAB", 482: "CAF", 483: "TCD", 484: "COG", 490: "COD",
    500: "UGA", 501: "KEN", 510: "TZA", 516: "BDI", 517: "RWA", 520: "SOM", 522: "DJI",
    530: "ETH", 531: "ERI", 540: "AGO", 541: "MOZ", 551: "ZMB", 552: "ZWE", 553: "MWI",
    560: "ZAF", 565: "NAM", 570: "LSO", 571: "BWA", 572: "SWZ", 580: "MDG", 581: "COM",
    590: "MUS", 600: "MAR", 615: "DZA", 616: "TUN", 620: "LBY", 625: "SDN", 626: "SSD",
    630: "IRN", 640: "TUR", 645: "IRQ", 651: "EGY", 652: "SYR", 660: "LBN", 663: "JOR",
    666: "ISR", 670: "SAU", 678: "YEM", 680: "YEM", 690: "KWT", 692: "BHR", 694: "QAT",
    696: "ARE", 698: "OMN", 700: "AFG", 701: "TKM", 702: "TJK", 703: "KGZ", 704: "UZB",
    705: "KAZ", 710: "CHN", 712: "MNG", 713: "TWN", 731: "PRK", 732: "KOR", 740: "JPN",
    750: "IND", 751: "IND", 770: "PAK", 771: "BGD", 775: "MMR", 780: "LKA", 790: "NPL",
    800: "THA", 811: "KHM", 812: "LAO", 816: "VNM", 817: "VNM", 820: "MYS", 830: "SGP",
    835: "BRN", 840: "PHL", 850: "IDN", 860: "TLS", 900: "AUS", 910: "PNG", 920: "NZL",
    940: "SLB", 950: "FJI",
}

FIELDS: list[tuple[str, str, str]] = [
    ("date", "integer", "Year"),
    ("country", "string", "ISO 3166-1 alpha-3 code of the country on whose soil the conflict is "
     "located (from UCDP's gwno_loc; Gleditsch-Ward codes mapped as stated in the notes)"),
    ("intensity", "integer", "Highest UCDP intensity level of the conflicts located in the country "
     "that year: 1 = 25-999 battle-related deaths, 2 = 1,000 or more (war)"),
    ("intensity_soil", "integer", "Highest intensity among the conflicts that are not interstate "
     "(types 1, 3, 4), whose location is the country's territory; 0 when every conflict of the "
     "country-year is interstate"),
    ("n_conflicts", "integer", "Number of UCDP conflicts located in the country that year"),
    ("conflict_ids", "string", "UCDP conflict_id of each of them (';'-separated, ascending)"),
    ("conflict_types", "string", "UCDP type_of_conflict of each of them, in the order of "
     "conflict_ids (1 extrasystemic, 2 interstate, 3 intrastate, 4 internationalised intrastate)"),
    ("interstate_only", "boolean", "True when every conflict of the country-year is interstate "
     "(type 2): gwno_loc then names the governments involved, not necessarily where the fighting "
     "took place"),
    ("source", "string", "ucdp_acd_221 (years to 2021) or ucdp_acd_251 (2022-2024)"),
]

COLUMNS = ["conflict_id", "year", "intensity_level", "type_of_conflict", "gwno_loc"]


def read_v221(raw_dir: Path) -> pd.DataFrame:
    """v22.1 conflict-years (UCDP's comma-separated file), the columns this table uses."""
    frame = pd.read_csv(open_raw(raw_dir, V221), dtype=str, keep_default_na=False)
    return _typed(frame[COLUMNS])


def read_v251(raw_dir: Path) -> tuple[pd.DataFrame, str]:
    """v25.1 conflict-years with its split record joined; and a note on the repair.

    The third-party re-save breaks one record (conflict 11349) over two lines:
    the first holds the fields up to ``territory_name`` followed by empty
    fields, the second starts with an empty field and holds the rest, with the
    fields after ``ep_end_date`` garbled. The year, intensity, type and
    location are read from the second line and checked against v22.1.
    """
    text = open_raw(raw_dir, V251).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    width = len(header)
    good, repaired = [], []
    i = 0
    while i < len(body):
        row = body[i]
        split = i + 1 < len(body) and body[i + 1][:1] == [""]
        if row and row[header.index("year")] == "" and split:
            tail = body[i + 1]
            head = row[: header.index("territory_name") + 1]
            # second line: '', year, intensity, cumulative, type, start_date, start_prec,
            # start_date2, start_prec2, ep_end, ep_end_date, <garbled gwno_a..>, gwno_loc, region
            rec = dict(zip(header, head, strict=False))
            rec.update(year=tail[1], intensity_level=tail[2], type_of_conflict=tail[4],
                       gwno_loc=tail[13])
            good.append([rec.get(h, "") for h in header])
            repaired.append(rec)
            i += 2
            continue
        if len(row) != width:
            raise ValueError(f"{V251}: line {i + 2} has {len(row)} fields, expected {width}")
        good.append(row)
        i += 1
    if [r["conflict_id"] for r in repaired] != ["11349"]:
        raise ValueError(f"{V251}: expected exactly one split record (conflict 11349), found "
                         f"{[r['conflict_id'] for r in repaired]}")
    frame = _typed(pd.DataFrame(good, columns=header)[COLUMNS])
    rec = repaired[0]
    note = (f"v25.1's record of conflict {rec['conflict_id']} ({rec['location']}, "
            f"{rec['year']}) is split over two lines in the re-saved file; the build joins them "
            "and reads year, "
            f"intensity ({rec['intensity_level']}), type ({rec['type_of_conflict']}) and location "
            f"(gwno_loc {rec['gwno_loc']}) from the second line, which agree with v22.1.")
    return frame, note


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in ("conflict_id", "year", "intensity_level", "type_of_conflict"):
        out[c] = out[c].astype(int)
    return out


def country_years(conflicts: pd.DataFrame, source: str) -> pd.DataFrame:
    """Conflict-years -> one row per (year, country of location)."""
    rows = []
    for rec in conflicts.itertuples(index=False):
        for code in str(rec.gwno_loc).split(","):
            gw = int(code.strip())
            if gw not in GW_ISO3:
                raise ValueError(f"{NAME}: Gleditsch-Ward code {gw} (conflict {rec.conflict_id}, "
                                 f"{rec.year}) has no ISO3 mapping in GW_ISO3")
            rows.append((rec.year, GW_ISO3[gw], rec.conflict_id, rec.intensity_level,
                         rec.type_of_conflict))
    long = pd.DataFrame(rows, columns=["date", "country", "conflict_id", "intensity", "type"])
    long = long.drop_duplicates(["date", "country", "conflict_id"])
    long = long.sort_values(["date", "country", "conflict_id"], kind="mergesort")
    out = long.groupby(["date", "country"], sort=True).agg(
        intensity=("intensity", "max"),
        n_conflicts=("conflict_id", "size"),
        conflict_ids=("conflict_id", lambda s: ";".join(str(x) for x in s)),
        conflict_types=("type", lambda s: ";".join(str(x) for x in s)),
        interstate_only=("type", lambda s: bool((s == 2).all())),
    ).reset_index()
    soil = long[long["type"] != 2].groupby(["date", "country"])["intensity"].max()
    out["intensity_soil"] = [int(soil.get((d, c), 0)) for d, c in zip(out["date"], out["country"],
                                                                      strict=True)]
    out["source"] = source
    return out


def build(raw_dir: Path, data_dir: Path) -> list[dict]:
    """Write ``data_dir/conflicts.csv`` and return its descriptor entry."""
    v221 = read_v221(raw_dir)
    v251, repair_note = read_v251(raw_dir)
    check = v221[(v221["conflict_id"] == 11349) & (v221["year"] == 2008)]
    fixed = v251[(v251["conflict_id"] == 11349) & (v251["year"] == 2008)]
    cols = ["intensity_level", "type_of_conflict", "gwno_loc"]
    if check[cols].to_dict("records") != fixed[cols].to_dict("records"):
        raise ValueError(f"{NAME}: the repaired v25.1 record differs from v22.1: "
                         f"{fixed[cols].to_dict('records')} vs {check[cols].to_dict('records')}")
    old = country_years(v221[v221["year"] <= LAST_V221], "ucdp_acd_221")
    new_all = country_years(v251, "ucdp_acd_251")
    new = new_all[new_all["date"] > LAST_V221]
    key = ["date", "country"]
    both = old.merge(new_all[new_all["date"] <= LAST_V221], on=key, how="outer",
                     suffixes=("_221", "_251"), indicator=True)
    only_221 = int((both["_merge"] == "left_only").sum())
    only_251 = int((both["_merge"] == "right_only").sum())
    matched = both[both["_merge"] == "both"]
    other_intensity = int((matched["intensity_221"] != matched["intensity_251"]).sum())
    frame = pd.concat([old, new], ignore_index=True)
    frame = frame[[n for n, _, _ in FIELDS]].sort_values(key, kind="mergesort")
    frame = frame.reset_index(drop=True)
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    (Path(data_dir) / f"{NAME}.csv").write_bytes(data)
    raws = [RAW[V221], RAW[V251]]
    sources, licences = raw_sources(raws)
    last = {"ucdp_acd_221": LAST_V221, "ucdp_acd_251": int(frame["date"].max())}
    return [{
        "name": NAME,
        "path": f"data/{NAME}.csv",
        "title": "Armed conflict on a country's soil, country-year (UCDP/PRIO Armed Conflict "
        "Dataset v22.1 to 2021, v25.1 for 2022-2024)",
        "description": (
            "One row per country and year with at least one UCDP/PRIO armed conflict (25 or more "
            "battle-related deaths in the year, a government as one side) located on its soil "
            "(UCDP's gwno_loc): the highest intensity level (1 = 25-999 deaths, 2 = 1,000 or "
            "more), "
            "the number of conflicts, their UCDP ids and types. Country-years without a row had no "
            "such conflict. Used by studies to screen donors (study.donors.exclude_conflict) and "
            "to "
            "record conflict in the treated unit as a confounder."
        ),
        **registry_fields(frame, data),
        "vintage": {"last_period": int(frame["date"].max()), "last_period_by_source": last,
                    **raw_vintage(raws),
                    "basis": "upstream commit date (UTC) of each raw file; the raw collection "
                    "records no retrieval date"},
        "schema": {"fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
                   "primaryKey": ["date", "country"]},
        "sources": sources,
        "licenses": licences,
        "attribution": raws[0].publisher.attribution,
        "notes": [
            "Units: intensity is UCDP's intensity_level (1 = 25-999 battle-related deaths in the "
            "year, 2 = at least 1,000); n_conflicts is a count of UCDP conflicts.",
            "Location: a conflict counts for every country listed in gwno_loc. For interstate "
            "conflicts (type 2) gwno_loc lists the governments involved, not where the fighting "
            "took place (Russia 2022-2024 appears through the war in Ukraine; the United States, "
            "the United Kingdom and Australia through Iraq 2003); interstate_only marks such "
            "country-years.",
            "Country codes: each Gleditsch-Ward code maps to the ISO 3166 alpha-3 code of the "
            "state "
            "holding it today; former states map to their successor: 365 (Russia, Soviet Union) "
            "RUS, 345 (Yugoslavia) SRB, 680 (South Yemen) YEM, 817 (Republic of Vietnam) VNM, "
            "751 (Hyderabad) IND.",
            f"Versions: v22.1 for 1946-{LAST_V221}, v25.1 for {LAST_V221 + 1}-"
            f"{int(frame['date'].max())} only (shared/raw/MANIFEST.md: the v25.1 file is a "
            "third-party re-save). Up to 2021 the two versions disagree on "
            f"{only_221} country-years present only in v22.1, {only_251} present only in v25.1 and "
            f"{other_intensity} with another intensity (UCDP's revisions).",
            repair_note,
            "A country-year without a row had no state-based armed conflict located there in the "
            "dataset; it may still have had one-sided or non-state violence, or unrest below the "
            "25-death threshold (e.g. Tunisia's 2010-11 revolution is not in the dataset).",
        ],
    }]
