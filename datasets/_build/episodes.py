"""The ``oil_sanction_episodes`` table: major sanctions on oil producers, hand-curated.

Each row is one sanction episode (a sender's measure against a producer) with
its start and end year, type, a citation of the legal instrument and the Global
Sanctions Data Base (GSDB v3) case it corresponds to, and a verification tag:

* ``V``: every fact in the row was checked in the curation session against a
  source read then: the GSDB v3 file (case rows; cited as "GSDB v3 case N") and
  the instrument's text or a law-firm / government summary named in the citation.
* ``P``: partly verified; ``remarks`` says which part was not.

The facts are a literal table below (they are curated facts, not numbers
derived from a raw file). The GSDB itself may not be redistributed, so only
case identifiers are cited. When the GSDB file is available beside the raw
files (``gsdb/GSDB_V3.csv``) the build checks every cited case: target country
and start year must match; otherwise the check is skipped (the output does not
depend on it).

Conventions: ``start`` is the year the measure took effect; ``end`` the last
year in force as coded by the cited GSDB case, empty when the case is still
open at the end of GSDB v3 coverage (2022). ``oil_measure`` is "yes" when the
cited instrument itself restricts trade in, or investment or services for, the
target's oil (as read in the curation session), "no" when it does not, and
"unverified" when the instrument's oil content was not checked.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from .descriptor import csv_fields

NAME = "oil_sanction_episodes"
GSDB_FILE = Path("gsdb") / "GSDB_V3.csv"
GSDB_END = 2022  # last year covered by GSDB v3: an end of 2022 there means "still in force"

# GSDB ``sanctioned_state`` spelling of each target.
GSDB_NAMES = {"IRN": "Iran", "IRQ": "Iraq", "LBY": "Libya", "RUS": "Russia", "SYR": "Syria",
              "SDN": "Sudan", "VEN": "Venezuela"}
ISO3 = re.compile(r"^[A-Z]{3}$")
TAGS = ("V", "P")
OIL = ("yes", "no", "unverified")


@dataclass(frozen=True)
class Episode:
    """One curated row; see the module docstring for the conventions."""

    episode_id: str
    country: str
    sender: str
    start: int
    end: int | None
    type: str
    oil_measure: str
    description: str
    instrument: str
    gsdb_case: str
    citation: str
    verification: str
    remarks: str = ""


FIELDS: list[tuple[str, str, str]] = [
    ("episode_id", "string", "Stable identifier: target ISO3, start year, sender"),
    ("country", "string", "Target country, ISO 3166-1 alpha-3 code"),
    ("sender", "string", "Sanctioning state(s) or organisation (US, EU, UN)"),
    ("start", "integer", "Year the measure took effect"),
    ("end", "number", "Last year in force as coded by the cited GSDB case; empty (NaN when loaded) "
     "when still in force at the end of GSDB v3 coverage (2022)"),
    ("type", "string", "Kind of measure: oil embargo, trade embargo, oil-sector investment ban, "
     "financial, arms and travel, ..."),
    ("oil_measure", "string", "'yes' if the cited instrument restricts trade in, or investment or "
     "services for, the target's oil; 'no' if not; 'unverified' if its oil content was not checked"),
    ("description", "string", "One-line description of the measure"),
    ("instrument", "string", "Legal instrument (UN Security Council resolution, US executive order, "
     "EU Council decision or regulation), with date and official-journal citation where checked"),
    ("gsdb_case", "string", "Global Sanctions Data Base v3 case id(s) the episode corresponds to "
     "(';'-separated)"),
    ("citation", "string", "Sources read to verify the row"),
    ("verification", "string", "V: every fact checked against a source read during curation; P: partly"),
    ("remarks", "string", "What is not verified, mapping choices, caveats"),
]

FR = "Federal Register"
EPISODES: list[Episode] = [
    Episode("IRN-1979-US", "IRN", "US", 1979, 1981, "import restrictions; asset freeze", "unverified",
            "US import restrictions and freeze of Iranian government assets during the hostage crisis",
            "", "243",
            "GSDB v3 case 243 (US; 1979-1981; trade imp_part, financial)", "P",
            "Dates and measure types from GSDB only; the executive orders and whether the import "
            "restrictions covered Iranian crude were not checked in the curation session."),
    Episode("IRN-1995-US", "IRN", "US", 1995, 2016, "oil-sector investment ban; trade embargo", "yes",
            "US persons barred from contracts for the financing or management of the development "
            "of Iran's petroleum resources (EO 12957); GSDB codes a complete US export and import "
            "ban from 1995",
            "Executive Order 12957 of 1995-03-15, 60 FR 14615 (1995-03-17)", "539",
            "EO 12957 text (Federal Register via govinfo.gov; Weekly Compilation of Presidential "
            "Documents 31(11)); GSDB v3 case 539 (US; 1995-2016; exp_compl, imp_compl)", "V",
            "End year is GSDB's (JCPOA implementation); EO 12957's national emergency itself "
            "continued. The 1995 trade embargo order that followed EO 12957 is not cited here."),
    Episode("IRN-2012-EU", "IRN", "EU", 2012, 2016, "oil embargo", "yes",
            "EU ban on the import, purchase and transport of Iranian crude oil and petroleum "
            "products and on related finance and insurance; contracts concluded before 2012-01-23 "
            "could be executed until 2012-07-01",
            "Council Decision 2012/35/CFSP of 2012-01-23 (implemented by Council Regulation (EU) "
            "No 56/2012 and later Regulation (EU) No 267/2012)", "930",
            "Norton Rose Fulbright (Feb 2012), Gibson Dunn (2012-01-30) and Mondaq summaries of "
            "Decision 2012/35/CFSP; GSDB v3 case 930 (EU and partners; 2012-2016; exp_part, "
            "imp_part, financial)", "V",
            "GSDB has no case that names the oil embargo; case 930 is the EU case of 2012 with an "
            "import restriction (GSDB objective: human_rights). Regulation 267/2012 is cited from "
            "the UK P&I summary."),
    Episode("IRN-2018-US", "IRN", "US", 2018, None, "secondary sanctions on oil purchases", "yes",
            "US reimposes the sanctions lifted under the JCPOA, including sanctions on purchases "
            "of petroleum, petroleum products and petrochemicals from Iran from 2018-11-05",
            "Executive Order 13846 of 2018-08-06, 83 FR 38939 (2018-08-07)", "1094",
            "EO 13846 (Federal Register 83 FR 38939 via regulations.justia.com; OFAC FAQs 597 and "
            "607); GSDB v3 case 1094 (US; 2018-2022; exp_part, imp_part, financial, travel)", "V"),
    Episode("IRQ-1990-UN", "IRQ", "UN", 1990, 2003, "UN comprehensive embargo", "yes",
            "UN Security Council bars imports of all commodities and products originating in Iraq "
            "(oil included), exports to Iraq except humanitarian goods, arms sales and funds",
            "UN Security Council resolution 661 (1990) of 1990-08-06 (S/RES/661)", "375",
            "Text of S/RES/661 (everything2 transcription; Chilcot Inquiry report vol. 1 para. 13); "
            "GSDB v3 case 375 (UN; 1990-2003; exp_compl, imp_compl, arms, military, financial)", "V",
            "From 1996 the UN oil-for-food programme allowed controlled oil exports (not coded here)."),
    Episode("LBY-1986-US", "LBY", "US", 1986, 2004, "trade embargo", "yes",
            "US bans imports of Libyan-origin goods and exports to Libya from 1986-02-01, adding to "
            "an existing ban on imports of Libyan crude oil and refined products; Libyan "
            "government property blocked (EO 12544)",
            "Executive Order 12543 of 1986-01-07 and Executive Order 12544 of 1986-01-08", "315",
            "President Reagan's reports to Congress on the Libya emergency of 1986-07-30 and "
            "1987-01-21 (Reagan Library); GSDB v3 case 315 (US; 1986-2004; exp_part, imp_part, "
            "financial)", "V",
            "The earlier US ban on imports of Libyan crude (GSDB case 277, 1982) is referred to by "
            "the 1986 report but its instrument was not checked."),
    Episode("LBY-1992-UN", "LBY", "UN", 1992, 2003, "arms and air embargo", "no",
            "UN arms and air embargo and reduction of Libyan diplomatic staff abroad",
            "UN Security Council resolution 748 (1992) of 1992-03-31", "449",
            "UN Office of the Spokesman, 'History of UN sanctions on Libya' (Global Policy Forum); "
            "GSDB v3 case 449 (UN; 1992-2003)", "V",
            "The UN suspended the measures in April 1999 (S/PRST/1999/10); GSDB codes the end as 2003."),
    Episode("LBY-1993-UN", "LBY", "UN", 1993, 2003, "oil-equipment embargo; asset freeze", "yes",
            "UN freezes Libyan government funds abroad (oil and gas revenues exempt) and bans "
            "supplying equipment for oil refining and transport, effective 1993-12-01",
            "UN Security Council resolution 883 (1993) of 1993-11-11", "488",
            "UN Office of the Spokesman, 'History of UN sanctions on Libya'; US State Department "
            "cable 93STATE374527 (1993-12-14); GSDB v3 case 488 (UN; 1993-2003; exp_part, financial)",
            "V"),
    Episode("LBY-2011-UN", "LBY", "UN", 2011, None, "arms embargo; asset freeze; travel ban",
            "unverified",
            "UN arms embargo, asset freeze and travel ban during the 2011 conflict",
            "", "903",
            "GSDB v3 case 903 (UN; 2011-2022; arms, military, financial, travel, other)", "P",
            "Measure types and dates from GSDB only; the Security Council resolution(s) were not "
            "checked in the curation session."),
    Episode("SYR-2011-EU", "SYR", "EU", 2011, None, "oil embargo", "yes",
            "EU bans the purchase, import and transport of Syrian crude oil and petroleum products "
            "and related finance and insurance (existing contracts until 2011-11-15); new "
            "investment in Syria's oil industry banned on 2011-09-23 (Decision 2011/628/CFSP)",
            "Council Regulation (EU) No 878/2011 of 2011-09-02 amending Regulation (EU) No 442/2011",
            "909;978",
            "Mondaq (Middle East and North Africa sanctions update, Sept 2011); Council of the EU "
            "press note of 2011-09-26; Decision 2011/628/CFSP (OJ L 247, 2011-09-24); GSDB v3 cases "
            "909 (EU and partners; 2011-2013) and 978 (2013-2022)", "V",
            "GSDB splits the EU Syria regime into two cases; the episode spans both."),
    Episode("SDN-1997-US", "SDN", "US", 1997, 2017, "trade embargo; asset freeze", "yes",
            "US blocks Government of Sudan property and bans imports of Sudanese-origin goods and "
            "exports to Sudan",
            "Executive Order 13067 of 1997-11-03, 62 FR 59989 (1997-11-05)", "593",
            "EO 13067 text (Federal Register via govinfo.gov); GSDB v3 case 593 (US; 1997-2017; "
            "exp_compl, imp_compl, financial)", "V"),
    Episode("SDN-2006-US", "SDN", "US", 2006, 2017, "oil-sector transactions ban", "yes",
            "US persons barred from all transactions relating to Sudan's petroleum and "
            "petrochemical industries, including oilfield services and pipelines",
            "Executive Order 13412 (October 2006)", "789",
            "OFAC recent action 'Sudan Executive Order Signed' (2006-10-13); EO 13412 text (NASA "
            "NODIS copy); GSDB v3 case 789 (US; 2006-2017; exp_part, financial)", "P",
            "The signing day differs between the sources read (NODIS lists 2006-10-07 as effective "
            "date, OFAC's release is of 2006-10-13); the year is certain. The GSDB mapping is the "
            "closest match (cases 788 and 789 both start in 2006)."),
    Episode("RUS-2014-EU", "RUS", "EU", 2014, None, "sectoral sanctions", "unverified",
            "EU sectoral restrictive measures over Russia's actions in Ukraine",
            "Council Regulation (EU) No 833/2014", "1000",
            "Noerr (2022) on the amendments of Regulation (EU) No 833/2014; GSDB v3 case 1000 (EU; "
            "2014-2022; exp_part, imp_part, arms, military, financial)", "P",
            "The regulation's restrictions on oil-exploration technology were not checked in the "
            "curation session (oil_measure 'unverified')."),
    Episode("RUS-2022-EU", "RUS", "EU", 2022, None, "oil embargo", "yes",
            "EU bans imports of Russian crude oil (seaborne, from 2022-12-05 after wind-down) and "
            "petroleum products (from 2023-02-05), with a temporary pipeline exemption; sixth "
            "sanctions package",
            "Council Regulation (EU) 2022/879 of 2022-06-03 amending Regulation (EU) No 833/2014; "
            "Council Decision (CFSP) 2022/884", "1302",
            "Noerr, Willkie Farr, Clyde & Co and shiplawlog summaries of the sixth package "
            "(June 2022); GSDB v3 case 1302 (EU and partners; 2022; exp_part, imp_part, financial, "
            "travel, other)", "V"),
    Episode("VEN-2017-US", "VEN", "US", 2017, None, "financial", "no",
            "US bars new debt of the Government of Venezuela (over 30 days) and PdVSA (over 90 "
            "days), new GoV equity, certain GoV bonds and profit distributions to the GoV",
            "Executive Order 13808 (signed 2017-08-24, effective 2017-08-25), 82 FR 41155 "
            "(2017-08-29)", "1080",
            "venecon research note research/sanctions_timeline.md (row 2017-08-25, tag V); GSDB v3 "
            "case 1080 (US; 2017-2022; financial, travel)", "V"),
    Episode("VEN-2019-US", "VEN", "US", 2019, None, "oil embargo (SDN designation of PdVSA)", "yes",
            "PdVSA designated under EO 13850: its US assets blocked and the US market closed to "
            "its crude after the GL 12 wind-down (to 2019-04-28)",
            "SDN designation of PdVSA under Executive Order 13850, 2019-01-28 (Treasury/OFAC)",
            "1136",
            "venecon research note research/sanctions_timeline.md (rows 2019-01-28, tag V); GSDB "
            "v3 case 1136 (US; 2019-2022; imp_part, financial, other)", "V"),
]

#: Facts that could not be verified in the curation session and are left out.
GAPS = [
    "Iran 1987 US import embargo (GSDB case 340, imp_compl): instrument and oil coverage not checked.",
    "Libya 1982 US crude import ban (GSDB case 277): instrument not checked.",
    "Syria 2011 US measures (GSDB case 913), including any petroleum import ban: instrument not checked.",
    "Libya 2011 UN resolution number(s) (episode LBY-2011-UN cites GSDB only).",
    "G7 price cap on Russian crude (December 2022): instrument not checked.",
    "Iraq 1996 oil-for-food programme (easing): not coded.",
]


def validate(rows: list[Episode]) -> pd.DataFrame:
    """Check the curated rows and return them as a frame in schema order."""
    ids = [r.episode_id for r in rows]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"{NAME}: duplicate episode ids {sorted(dup)}")
    for r in rows:
        where = f"{NAME} row {r.episode_id}"
        if not ISO3.match(r.country):
            raise ValueError(f"{where}: country {r.country!r} is not an ISO3 code")
        if not r.episode_id.startswith(f"{r.country}-{r.start}-"):
            raise ValueError(f"{where}: id must start with '<country>-<start>-'")
        if not 1945 <= r.start <= 2100:
            raise ValueError(f"{where}: implausible start year {r.start}")
        if r.end is not None and r.end < r.start:
            raise ValueError(f"{where}: end {r.end} is before start {r.start}")
        if r.verification not in TAGS:
            raise ValueError(f"{where}: verification must be one of {TAGS}")
        if r.oil_measure not in OIL:
            raise ValueError(f"{where}: oil_measure must be one of {OIL}")
        if not r.citation.strip() or not r.description.strip() or not r.sender.strip():
            raise ValueError(f"{where}: sender, description and citation are required")
        if r.verification == "P" and not r.remarks:
            raise ValueError(f"{where}: a P row must say in remarks what is not verified")
        for case in r.gsdb_case.split(";"):
            if not case.isdigit() or "GSDB v3 case" not in r.citation:
                raise ValueError(f"{where}: gsdb_case must be case numbers cited in 'citation'")
    frame = pd.DataFrame([{f.name: getattr(r, f.name) for f in fields(Episode)} for r in rows])
    frame = frame[[name for name, _, _ in FIELDS]]
    frame["end"] = frame["end"].astype("Int64")
    return frame.sort_values(["country", "start", "episode_id"], kind="mergesort").reset_index(drop=True)


def check_against_gsdb(frame: pd.DataFrame, gsdb_csv: Path) -> int:
    """Each cited GSDB case must name the row's target and start in its start year
    (the first case for episodes spanning several). Returns the number of cases checked."""
    gsdb = pd.read_csv(gsdb_csv).set_index("case_id")
    checked = 0
    for _, row in frame.iterrows():
        cases = [int(c) for c in row["gsdb_case"].split(";")]
        for i, case in enumerate(cases):
            if case not in gsdb.index:
                raise ValueError(f"{NAME} row {row['episode_id']}: GSDB case {case} not in {gsdb_csv}")
            g = gsdb.loc[case]
            if GSDB_NAMES[row["country"]] not in str(g["sanctioned_state"]).split(", "):
                raise ValueError(f"{NAME} row {row['episode_id']}: GSDB case {case} targets "
                                 f"{g['sanctioned_state']!r}")
            if i == 0 and int(g["begin"]) != row["start"]:
                raise ValueError(f"{NAME} row {row['episode_id']}: GSDB case {case} begins "
                                 f"{g['begin']}, the row {row['start']}")
            last = int(gsdb.loc[cases[-1], "end"])
            expected = None if last >= GSDB_END else last
            got = None if pd.isna(row["end"]) else int(row["end"])
            if i == len(cases) - 1 and got != expected:
                raise ValueError(f"{NAME} row {row['episode_id']}: end {got} but GSDB case "
                                 f"{cases[-1]} ends {last}")
            checked += 1
    return checked


def build(raw_dir: Path, data_dir: Path) -> list[dict]:
    """Write ``data_dir/oil_sanction_episodes.csv`` and return its descriptor entry."""
    frame = validate(EPISODES)
    gsdb = Path(raw_dir) / GSDB_FILE
    if gsdb.is_file():  # a check only: the output never depends on the GSDB file
        check_against_gsdb(frame, gsdb)
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    (Path(data_dir) / f"{NAME}.csv").write_bytes(data)
    tags = frame["verification"].value_counts().to_dict()
    return [{
        "name": NAME,
        "path": f"data/{NAME}.csv",
        "title": "Major sanctions on oil producers (Iran, Iraq, Libya, Russia, Syria, Sudan, "
        "Venezuela), 1979-2022: curated episodes",
        "description": (
            "One row per sanction episode against an oil producer: sender, start and end year, "
            "type, whether the instrument restricts the target's oil, the legal instrument, the "
            "Global Sanctions Data Base (GSDB v3) case it corresponds to, the sources read and a "
            "verification tag (V verified, P partly). Hand-curated so the cross-country study runs "
            "offline; venecon.data.gsdb.read_gsdb maps a user's own copy of the full GSDB to the same "
            "schema."
        ),
        **csv_fields(data),
        "frequency": "episode",
        "coverage": {"start": int(frame["start"].min()), "end": GSDB_END},
        "rows": int(len(frame)),
        "countries": sorted(frame["country"].unique().tolist()),
        "series": {},
        "vintage": {
            "last_period": GSDB_END,
            "edition": "Global Sanctions Data Base release 3 (coverage to 2022), and the legal "
            "instruments cited per row",
            "basis": "hand-curated; episodes still open are open as of GSDB v3's last year",
        },
        "schema": {"fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
                   "primaryKey": ["episode_id"]},
        "sources": [
            {
                "title": "The Global Sanctions Data Base (GSDB), release 3 (Felbermayr, Kirilakha, "
                "Syropoulos, Yalcin and Yotov)",
                "path": "https://www.globalsanctionsdatabase.com/",
                "source": "gsdb",
                "license": "GSDB terms of use; case identifiers and facts are cited, the database "
                "itself is not redistributed",
                "attribution": "Felbermayr, G., Kirilakha, A., Syropoulos, C., Yalcin, E. and Yotov, "
                "Y. V. (2020), 'The Global Sanctions Data Base', European Economic Review 129; and "
                "later releases by the same authors.",
            },
            {
                "title": "Federal Register (executive orders)",
                "path": "https://www.federalregister.gov/",
                "source": "federal_register",
                "license": "US federal government work, public domain (17 U.S.C. 105)",
                "license_path": "https://www.usa.gov/government-works",
                "attribution": "US executive orders as published in the Federal Register; each "
                "row's 'instrument' gives volume and page where checked.",
            },
            {
                "title": "United Nations Security Council resolutions",
                "path": "https://www.un.org/securitycouncil/content/resolutions",
                "source": "unsc",
                "license": "United Nations official documents, cited by symbol",
                "attribution": "Security Council resolutions cited by number and date in 'instrument'.",
            },
            {
                "title": "EUR-Lex: Official Journal of the European Union (Council decisions and "
                "regulations)",
                "path": "https://eur-lex.europa.eu/",
                "source": "eur_lex",
                "license": "EU legal acts, cited by number and date",
                "attribution": "EU Council decisions and regulations cited in 'instrument'; the "
                "summaries read are named in 'citation'.",
            },
        ],
        "licenses": [{"title": "BSD 3-Clause (venecon's curation); facts cited from the sources",
                      "path": "https://opensource.org/license/bsd-3-clause"}],
        "attribution": "Episodes curated by the venecon developers from the sources named in each "
        "row's citation; GSDB case ids refer to Felbermayr et al. (2020) and later releases.",
        "notes": [
            f"Verification tags: {', '.join(f'{k}: {v}' for k, v in sorted(tags.items()))} rows.",
            "'end' is the last year in force as coded by the cited GSDB case; empty when the case "
            "is open at the end of GSDB v3 coverage (2022). Loaded, it is a float column with NaN "
            "for open episodes.",
            "oil_measure says whether the cited instrument itself restricts the target's oil; "
            "'unverified' rows were not read for oil content.",
            *(f"Gap: {gap}" for gap in GAPS),
        ],
    }]
