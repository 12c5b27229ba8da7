"""The ``opec_quotas`` table: OPEC / OPEC+ membership and production-quota obligations by year.

One row per (year, country) for OPEC members and the non-OPEC participants of
the Declaration of Cooperation (DoC, 10 December 2016) in 2017-2022, saying
whether the country was bound by a production quota (an allocation, or a
pledged adjustment) that year or exempt. A year counts as bound when the
country had an obligation in force during the year.

Sources and tags (only rows tagged V or P are coded; each row carries its URL):

* ``V``: 2017 and 2018 OPEC allocations read from the OPEC Annual Statistical
  Bulletin 2018, Table 1.2 (raw file ``opec-asb-2018/T12 ...``): an allocation
  in the Jan17-May17 or Jun17- column (footnotes 53/ and 54/: 171st Conference,
  effective 2017-01-01, extended by the 172nd and, for the whole of 2018, the
  173rd) is a quota; "--" ("no production level allocated") with footnote 53/'s
  "with the exception of Libya and Nigeria" is an exemption. 2017-2018 DoC
  participants from the Declaration of Cooperation as published by OPEC.
* ``P``: 2019-2022 from press and secondary sources (Reuters surveys of OPEC
  output listing the members in the deal and the exempt ones; the April 2020
  OPEC+ statement as carried by KUNA; Iran's oil minister on the exemptions in
  Mehr News; TASS on OPEC's December 2022 report; OPEC's Declaration of
  Cooperation page read through a mirror; shared/research/opec_quota_exemptions.md).
  Non-OPEC participants are the DoC's ten: their per-country adjustments were
  not read; Mexico after 2020 is not coded (its 2020 share was disputed).

Not coded (unverified): Congo's 2018 obligation (joined June 2018); every
obligation from 2023 on (TASS, May 2023, still reports Iran, Libya and
Venezuela outside the agreement; the non-OPEC side was not read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .countries import iso3
from .descriptor import raw_sources, raw_vintage, registry_fields
from .raw import RAW, open_raw

NAME = "opec_quotas"
T12 = "opec-asb-2018/T12 - OPEC Members crude oil production allocations.xlsx"
ASB_URL = "https://asb.opec.org/ (Annual Statistical Bulletin 2018, Table 1.2)"
DOC_URL = ("https://www.opec.org/opec_web/flipbook/Declaration%20of%20Cooperation/"
           "Declaration%20of%20Cooperation/assets/basic-html/page-8.html")
DOC_PAGE = "https://www.opec.org/opec_web/en/publications/4580.htm"
REUTERS_2019 = ("https://business.financialpost.com/pmn/business-pmn/"
                "opec-oil-output-falls-by-110000-bpd-in-november-reuters-survey")
REUTERS_2020 = ("https://business.financialpost.com/pmn/business-pmn/"
                "opec-oil-output-plunges-by-640000-bpd-in-january-reuters-survey")
MEHR_177 = "https://en.mehrnews.com/news/153090/OPEC-decisions-in-177th-meeting-announced"
QATAR = "https://www.azernews.az/region/141979.html"
APRIL_2020 = "https://www.kuna.net.kw/ArticleDetails.aspx?id=2885214&language=en"
MEHR_APRIL_2020 = ("https://en.mehrnews.com/news/157544/"
                   "G20-to-cut-output-by-3-7mbd-along-with-9-7mbd-by-OPEC-Zanganeh")
TASS_2022 = "https://tass.com/economy/1550019"
ECUADOR = "https://www.fool.com/terms/o/opec/"

#: The ten non-OPEC participants of the Declaration of Cooperation (OPEC's text, page 8).
DOC_PARTICIPANTS = ("AZE", "BHR", "BRN", "KAZ", "MYS", "MEX", "OMN", "RUS", "SDN", "SSD")
#: OPEC members exempt from the 2019 and 2020 (first quarter) adjustments.
EXEMPT_2019 = ("IRN", "LBY", "VEN")
#: OPEC members in the 2019 adjustment (Reuters: "the 11 members participating").
BOUND_2019 = ("DZA", "AGO", "COG", "ECU", "GNQ", "GAB", "IRQ", "KWT", "NGA", "SAU", "ARE")
#: ... and in the 2020-2022 adjustments (Ecuador left OPEC at the end of 2019).
BOUND_2020 = tuple(c for c in BOUND_2019 if c != "ECU")

_APRIL = ("April 2020 agreement (9th/10th OPEC and non-OPEC Ministerial Meetings: 9.7-10 mb/d "
          "from May 2020, 7.7-8 mb/d July-December 2020, 5.8-6 mb/d 2021-01-01 to 2022-04-30)")
#: (year, agreement, OPEC members in it, URL for the exemption, URL for the DoC participants)
DEALS = [
    (2019, "1.2 mb/d adjustment from January 2019 (5th OPEC and non-OPEC Ministerial Meeting, "
     "December 2018), extended to 2020-03-31", BOUND_2019, REUTERS_2019, DOC_PAGE),
    (2020, "first-quarter 2020 adjustment (177th Conference, December 2019) and the " + _APRIL,
     BOUND_2020, MEHR_177, APRIL_2020),
    (2021, _APRIL, BOUND_2020, MEHR_APRIL_2020, APRIL_2020),
    (2022, _APRIL + " and the 2 mb/d cut from November 2022 (October 2022 decision)", BOUND_2020,
     TASS_2022, APRIL_2020),
]
MEMBERS_SAY = {
    2019: "a Reuters survey lists it among the 11 members in the deal",
    2020: "a Reuters survey (January 2020) lists it among the 10 members in the deal; the April "
    "2020 statement binds all participating countries",
    2021: "the April 2020 statement binds all participating countries; the member list is the "
    "2020 one (Iran, Libya and Venezuela exempt), not read per country for 2021",
    2022: "TASS (December 2022, OPEC report): 'ten of the 13 members' are in the OPEC+ agreement, "
    "Iran, Libya and Venezuela exempt; the ten are read as the 2020 list",
}
EXEMPT_SAY = {
    2019: "Reuters survey; 177th Conference: 'Iran, Venezuela and Libya remained exempted'",
    2020: "177th Conference: 'Iran, Venezuela and Libya remained exempted'; Iran's oil minister "
    "(Mehr, 2020-04-13): still exempted from the April 2020 cuts",
    2021: "Iran's oil minister (Mehr, 2020-04-13): Iran, Venezuela and Libya still exempted from "
    "the April 2020 cuts, which run to April 2022",
    2022: "TASS (December 2022): Iran, Libya and Venezuela are exempt from restrictions",
}


@dataclass(frozen=True)
class Row:
    date: int
    country: str
    member: str
    quota_bound: bool
    tag: str
    source_url: str
    note: str


FIELDS: list[tuple[str, str, str]] = [
    ("date", "integer", "Year"),
    ("country", "string", "ISO 3166-1 alpha-3 code"),
    ("member", "string", "'OPEC' (member that year), 'DoC' (non-OPEC participant in the "
     "Declaration of Cooperation) or 'none' (left OPEC: the row records the exit)"),
    ("quota_bound", "boolean", "True when the country had a production quota or pledged "
     "adjustment in force during the year; False when exempt or not a participant"),
    ("tag", "string", "V: read in an OPEC publication; P: press or secondary source, or partly "
     "inferred (note says what)"),
    ("source_url", "string", "Where the row's facts were read"),
    ("note", "string", "The agreement, the exemption and what is not verified"),
]


def asb_rows(raw_dir: Path) -> list[Row]:
    """2017 and 2018 OPEC rows from ASB 2018 Table 1.2 (the last two allocation columns)."""
    sheet = pd.read_excel(open_raw(raw_dir, T12), header=None, dtype=object)
    marks = sheet.iloc[3].tolist()
    jan17 = next(i for i, v in enumerate(marks) if str(v).strip() == "53/")
    jun17 = next(i for i, v in enumerate(marks) if str(v).strip() == "54/")
    rows: list[Row] = []
    for _, line in sheet.iterrows():
        label = str(line.iloc[0]).strip()
        if line.iloc[0] is None or label in ("", "nan") or not isinstance(line.iloc[jun17],
                                                                           (int, float, str)):
            continue
        cells = (str(line.iloc[jan17]).strip(), str(line.iloc[jun17]).strip())
        if label.startswith(("OPEC", "Target", "Notes", "Section", "Table")) or not any(
                c.replace(".", "").isdigit() or c == "--" for c in cells):
            continue
        code = iso3(label)
        allocated = [c.replace(".", "").isdigit() for c in cells]
        exempt = code in ("LBY", "NGA")  # footnote 53/: "with the exception of Libya and Nigeria"
        if not any(allocated) and not exempt:
            continue  # not yet a member (Equatorial Guinea before June 2017 is '--' too)
        for year, bound, alloc in ((2017, any(allocated), cells[1] if allocated[1] else cells[0]),
                                   (2018, allocated[1], cells[1])):
            note = (f"allocation {alloc} thousand b/d (171st-173rd Conference)" if bound else
                    "exempt: no production level allocated (171st Conference, 'with the "
                    "exception of Libya and Nigeria'; extended to 2018)")
            rows.append(Row(year, code, "OPEC", bound, "V", ASB_URL, note))
    return rows


def curated_rows() -> list[Row]:
    """DoC participants 2017-2022 and OPEC 2019-2022 (tags in the module docstring)."""
    rows: list[Row] = []
    for year in (2017, 2018):
        for code in DOC_PARTICIPANTS:
            rows.append(Row(year, code, "DoC", True, "V", DOC_URL,
                            "non-OPEC participant in the Declaration of Cooperation: voluntary "
                            "adjustment or managed decline from 2017-01-01, amended to the whole "
                            "of 2018"))
    for year, deal, members, exempt, doc in DEALS:
        for code in members:
            rows.append(Row(year, code, "OPEC", True, "P", members_url(year),
                            f"in the {deal}: {MEMBERS_SAY[year]}"))
        for code in EXEMPT_2019:
            rows.append(Row(year, code, "OPEC", False, "P", exempt,
                            f"exempt from the {deal}: {EXEMPT_SAY[year]}"))
        for code in DOC_PARTICIPANTS:
            if code == "MEX" and year > 2020:
                continue  # Mexico's obligation after its disputed 2020 share was not read
            rows.append(Row(year, code, "DoC", True, "P", doc,
                            f"non-OPEC participant in the {deal}; participation taken from the "
                            "Declaration of Cooperation's list of ten, per-country adjustment not "
                            "read" + (" (Russia: baseline 11.0 mb/d, as Saudi Arabia's)"
                                      if code == "RUS" and year >= 2020 else "")))
    rows.append(Row(2019, "QAT", "none", False, "P", QATAR,
                    "withdrew from OPEC with effect from 2019-01-01 (Article 8 notice)"))
    rows.append(Row(2020, "ECU", "none", False, "P", ECUADOR, "withdrew from OPEC in January 2020"))
    return rows


def members_url(year: int) -> str:
    return {2019: REUTERS_2019, 2020: REUTERS_2020, 2021: APRIL_2020, 2022: TASS_2022}[year]


def frame_of(rows: list[Row]) -> pd.DataFrame:
    frame = pd.DataFrame([r.__dict__ for r in rows])[[n for n, _, _ in FIELDS]]
    dup = frame.duplicated(["date", "country"], keep=False)
    if dup.any():
        raise ValueError(f"{NAME}: duplicate country-years\n{frame[dup]}")
    if not frame["tag"].isin(["V", "P"]).all() or (frame["source_url"] == "").any():
        raise ValueError(f"{NAME}: every row needs tag V or P and a source URL")
    return frame.sort_values(["date", "country"], kind="mergesort").reset_index(drop=True)


def build(raw_dir: Path, data_dir: Path) -> list[dict]:
    """Write ``data_dir/opec_quotas.csv`` and return its descriptor entry."""
    asb = asb_rows(raw_dir)
    got = {(r.date, r.country): r.quota_bound for r in asb}
    expected = {(2017, "VEN"): True, (2018, "SAU"): True, (2017, "LBY"): False,
                (2018, "NGA"): False}
    if any(got.get(k) is not v for k, v in expected.items()):
        raise ValueError(f"{NAME}: Table 1.2 was not read as expected: {sorted(got.items())}")
    frame = frame_of(asb + curated_rows())
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    (Path(data_dir) / f"{NAME}.csv").write_bytes(data)
    raws = [RAW[T12]]
    sources, licences = raw_sources(raws)
    sources += [
        {"title": "OPEC, Declaration of Cooperation (OPEC and non-OPEC Ministerial Meetings)",
         "path": DOC_URL, "source": "opec_doc",
         "license": "OPEC publication, cited", "attribution": "OPEC Secretariat."},
        {"title": "Press and secondary sources named per row (Reuters surveys via Financial Post, "
         "KUNA, TASS, Mehr News, AzerNews, The Motley Fool)", "path": REUTERS_2019,
         "source": "press", "license": "cited, not redistributed",
         "attribution": "As named in each row's source_url."},
    ]
    tags = frame["tag"].value_counts().to_dict()
    return [{
        "name": NAME,
        "path": f"data/{NAME}.csv",
        "title": "OPEC and OPEC+ membership and production-quota obligations, 2017-2022, with "
        "exemptions",
        "description": (
            "One row per year and country for OPEC members and the ten non-OPEC participants of "
            "the Declaration of Cooperation: whether the country was bound by a production quota "
            "or pledged adjustment that year, or exempt (Libya and Nigeria 2017-18; Iran, Libya "
            "and Venezuela 2019-22). Each row carries a verification tag and the URL it was read "
            "at. Used by studies to screen quota-bound donors (study.donors.exclude_quota_bound)."
        ),
        **registry_fields(frame, data),
        "vintage": {"last_period": int(frame["date"].max()), **raw_vintage(raws),
                    "edition": "OPEC ASB 2018 Table 1.2 (2017-2018) and the sources per row",
                    "basis": "upstream commit date (UTC) of the ASB file; curated rows cite their "
                    "URL"},
        "schema": {"fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
                   "primaryKey": ["date", "country"]},
        "sources": sources,
        "licenses": licences + [{"title": "Facts cited from the sources named per row",
                                 "path": DOC_URL}],
        "attribution": "OPEC Annual Statistical Bulletin 2018, (c) OPEC; other rows as cited.",
        "notes": [
            f"Verification tags: {', '.join(f'{k}: {v}' for k, v in sorted(tags.items()))} rows. "
            "V: read in an OPEC publication (ASB 2018 Table 1.2; the Declaration of Cooperation). "
            "P: press or secondary sources, or participation inferred (each row's note says "
            "which).",
            "A year is bound when an obligation was in force during it.",
            "Not verified, so not coded: all obligations and exemptions from 2023 on (TASS, May "
            "2023, still reports Iran, Libya and Venezuela outside the agreement, but the non-OPEC "
            "side and 2024-2025 were not read; Angola left OPEC on 2024-01-01); Mexico's "
            "obligations after 2020; Congo's 2018 obligation (it joined in June 2018); Iran's 2017 "
            "terms beyond its Table 1.2 allocation (sources differ on a small cut or a freeze).",
            "Non-OPEC participants (DoC) pledged voluntary adjustments or managed decline, not "
            "OPEC allocations; their 2019-2022 rows infer participation from the Declaration of "
            "Cooperation's list of ten (tag P). The 2021-2022 OPEC member lists are the 2020 one "
            "(the press sources give the count and the exempt three, not every name).",
            "Country-years without a row are not covered (not OPEC members or DoC participants, "
            "or outside 2017-2022): a study reads them as not bound only within the coded years.",
        ],
    }]
