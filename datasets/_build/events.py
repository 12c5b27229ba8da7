"""The events registry: ``data/events.csv`` from the research timeline note.

The facts come from ``shared/research/sanctions_timeline.md``: each coded event
names the note row it is taken from (the row's date cell and a phrase of its
instrument cell). The build reads that row and takes from it the date (parsed
from the date cell), the issuer, scope, citation and verification tag; the
curation below adds what the note leaves to the coder: a stable id, category,
direction, end date, entities and a one-line description. The build fails
loudly when a referenced row is missing or ambiguous, when it is tagged U,
when a curated end or announcement date does not occur in the row, when a
Federal Register citation is not in the note's citation table, or when a row
of the note is neither coded nor listed in :data:`LEFT_OUT` with a reason.

Conventions (also written into the descriptor's notes):

* ``date`` is the effective date. A date cell giving a range ("2025-07-29/30")
  is coded as the first date of the range; the cell is kept verbatim in
  ``date_text`` and the alternative is named in ``remarks``.
* A date cell known only to the month ("2024-11 (day U)") or year is coded as
  the first day of that month or year with ``date_precision`` "month"/"year".
* A compound tag cell ("V (list, GL 7/8/12/13); U (content of GL 9/10/11/14)")
  is kept in ``tag_text``; ``verification`` records the tag of the part coded.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

NOTE = "sanctions_timeline.md"
NOTE_PATH = f"research/{NOTE}"
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the schema lives in the package; the build runs from a checkout
    sys.path.insert(0, str(REPO))

from venecon.policy.schema import FIELDS, validate_events  # noqa: E402

from .descriptor import csv_fields  # noqa: E402

PUBLIC_DOMAIN = ("US federal government work, public domain (17 U.S.C. 105)",
                 "https://www.usa.gov/government-works")


@dataclass(frozen=True)
class Coded:
    """One event taken from one row of the note's main table.

    ``row`` is (date cell, a phrase of the instrument cell) and must match
    exactly one row. ``scope`` and ``issuer`` default to the row's cells.
    ``verification`` is needed only when the row's tag cell is compound.
    ``fr`` is a citation from the note's "Key primary citations" table that the
    row's own citation cell lacks.
    """

    id: str
    row: tuple[str, str]
    instrument: str
    category: str
    direction: str
    description: str
    entities: str = ""
    end: str = ""
    announced: str = ""
    scope: str = ""
    issuer: str = ""
    verification: str = ""
    fr: str = ""
    remarks: str = ""


@dataclass(frozen=True)
class LeftOut:
    """A row of the note's main table (or part of one) that is not coded, and why."""

    row: tuple[str, str]
    reason: str


SERVICE_FIRMS = "Halliburton; Schlumberger; Baker Hughes; Weatherford"
GL8_FIRMS = f"Chevron; {SERVICE_FIRMS}"
GL8_FR = "86 FR 59024 (2021-10-26)"
FIRST_OF_RANGE = "Date cell is a range; coded as its first date (the registry's convention)."

CODED: list[Coded] = [
    Coded("aeca-2006", ("2006 (day U; recalled May 2006)", "AECA"),
          "AECA section 40A determination",
          "context", "tightening",
          "State Department finds Venezuela 'not cooperating fully' on counter-terrorism: US "
          "commercial arms sales and retransfers banned, renewed every year since",
          entities="GoV", remarks="Only the year is verified (day unknown; recalled May 2006)."),
    Coded("hezbollah-sdn-2008", ("2008 (day U)", "EO 13224"), "EO 13224 designations",
          "context", "tightening",
          "Two individuals and two travel agencies in Venezuela designated for supporting "
          "Hezbollah",
          remarks="Only the year is verified."),
    Coded("isa-pdvsa-2011", ("2011-05-24", "Iran Sanctions Act"),
          "Iran Sanctions Act (as amended by CISADA)",
          "context", "tightening",
          "PdVSA sanctioned for reformate cargoes to Iran: barred from US government contracts, "
          "Ex-Im Bank financing and US export licences; oil sales to the US and CITGO not affected",
          entities="PdVSA"),
    Coded("pl113-278", ("2014-12-18", "Venezuela Defense of Human Rights"), "Pub. L. 113-278",
          "context", "tightening",
          "Venezuela Defense of Human Rights and Civil Society Act of 2014: mandates and "
          "authorises targeted sanctions on human-rights violators"),
    Coded("eo13692", ("2015-03-08", "EO 13692"), "EO 13692", "context", "tightening",
          "National emergency over Venezuela declared; 7 named officials blocked; oil sector not "
          "affected",
          entities="GoV officials"),
    Coded("cfr591", ("2015-07-10", "31 CFR part 591"), "31 CFR part 591", "context", "tightening",
          "Venezuela Sanctions Regulations implement the 2014 Act and EO 13692 (abbreviated form)",
          remarks="Note's direction: tightening (admin)."),
    Coded("eo13808", ("2017-08-25", "EO 13808 (signed"), "EO 13808", "financial", "tightening",
          "Financial sanctions: no new GoV debt over 30 days or PdVSA debt over 90 days, no new "
          "GoV equity, certain GoV bonds, no dividends or profit distributions to the GoV",
          entities="GoV; PdVSA; CITGO", announced="2017-08-24"),
    Coded("gl1-4", ("2017-08-25", "GL 1–4"), "GL 1-4", "financial", "easing",
          "Carve-outs issued with EO 13808 (GL 2 CITGO; GL 3 listed bonds; GL 4 new debt for farm "
          "goods and medicine exports)",
          entities="CITGO", remarks="Note's direction: easing (carve-out)."),
    Coded("eo13827", ("2018-03-19", "EO 13827"), "EO 13827", "financial", "tightening",
          "Bars dealings in any GoV digital currency issued on or after 2018-01-09 (the 'petro')",
          entities="GoV"),
    Coded("eo13835", ("2018-05-21", "EO 13835"), "EO 13835", "financial", "tightening",
          "Bars purchase of GoV debt (including receivables), debt pledged as collateral, and "
          "sales or pledges of GoV equity stakes in entities it owns 50% or more (e.g. CITGO)",
          entities="GoV; CITGO"),
    Coded("gl5", ("2018-07-19", "GL 5"), "GL 5", "financial", "easing",
          "Authorises transactions related to the PdVSA 2020 8.5% bond (CITGO shares as "
          "collateral)",
          entities="PdVSA; CITGO", remarks="Note's direction: easing (creditor carve-out)."),
    Coded("eo13850", ("2018-11-01", "EO 13850"), "EO 13850", "secondary", "tightening",
          "Authorises blocking anyone operating in the gold sector or any sector Treasury "
          "designates; the legal basis for the PdVSA designation"),
    Coded("eo13857", ("2019-01-25", "EO 13857"), "EO 13857", "financial", "tightening",
          "Redefines 'Government of Venezuela' to include the Central Bank, PdVSA and anyone "
          "acting for the Maduro regime",
          entities="GoV; Central Bank of Venezuela; PdVSA"),
    Coded("pdvsa-sdn", ("2019-01-28", "PdVSA designated SDN"), "SDN designation under EO 13850",
          "oil-trade", "tightening",
          "PdVSA and entities it owns 50% or more blocked (about $7 bn of assets); US market "
          "closes to PdVSA crude",
          entities="PdVSA"),
    Coded("gl7", ("2019-01-28", "GL 3 amended"), "GL 7", "company-licence", "easing",
          "PDVH/CITGO carve-out issued with the PdVSA designation",
          entities="PDVH; CITGO", scope="company-specific", verification="V"),
    Coded("gl8", ("2019-01-28", "GL 3 amended"), "GL 8", "company-licence", "easing",
          "Chevron, Halliburton, Schlumberger, Baker Hughes and Weatherford may maintain "
          "operations "
          "with PdVSA", entities=GL8_FIRMS, end="2019-07-27", scope="company-specific",
          verification="V", fr=GL8_FR),
    Coded("gl12", ("2019-01-28", "GL 3 amended"), "GL 12", "oil-trade", "wind-down",
          "Wind-down of dealings with PdVSA, including US imports of Venezuelan oil, with payments "
          "into blocked accounts", entities="PdVSA", end="2019-04-28", scope="oil trade",
          verification="V"),
    Coded("gl13", ("2019-01-28", "GL 3 amended"), "GL 13", "company-licence", "easing",
          "Nynas AB carve-out issued with the PdVSA designation", entities="Nynas AB",
          scope="company-specific", verification="V"),
    Coded("bandes-sdn", ("2019-03-22", "BANDES"), "SDN designation; GL 4 amended; GLs 15-18",
          "financial", "tightening",
          "BANDES and subsidiaries designated (financial sector); GL 4 amended and GLs 15-18 "
          "issued",
          entities="BANDES"),
    Coded("gl12-expiry", ("2019-04-28", "GL 7/12 import wind-down ends"), "GL 7/12 expiry",
          "oil-trade", "expiry",
          "End of authorised US purchases of PdVSA crude (payments had gone into blocked accounts)",
          entities="PdVSA"),
    Coded("gl8-2019-07", ("2019-07-26/27", "GL 8 extended"), "GL 8 extension (letter unverified)",
          "company-licence", "easing",
          "GL 8 extended; oil-service companies may keep operating on contracts in effect before "
          "2019-07-26", entities=GL8_FIRMS, fr=GL8_FR,
          remarks=f"{FIRST_OF_RANGE} Alternative: 2019-07-27. Note's direction: easing (extension) "
                  f"/ narrowing."),
    Coded("eo13884", ("2019-08-05", "EO 13884"), "EO 13884", "financial", "tightening",
          "Blocks all GoV property in the US and bars transactions with the GoV; authorises "
          "blocking any person, including non-US persons, who materially assists it",
          entities="GoV"),
    Coded("gl5a", ("2019-10-24", "GL 5A"), "GL 5A", "financial", "tightening",
          "Delays bondholders' enforcement on CITGO shares (PdVSA 2020 bond) until 2020-01-22",
          entities="PdVSA; CITGO",
          remarks="Note's direction: tightening for creditors (protects CITGO)."),
    Coded("cfr591-2019", ("2019-11-22", "31 CFR 591 amended"), "31 CFR part 591 amendment",
          "context", "none",
          "Venezuela Sanctions Regulations amended to incorporate EOs 13808-13884 "
          "(administrative consolidation)", remarks="Note's direction: admin."),
    Coded("gl8e", ("2020-01-17/18", "GL 8E"), "GL 8E", "company-licence", "easing",
          "Oil-service companies' authorisation extended (about three months at a time since 2019)",
          entities=GL8_FIRMS, end="2020-04-22", fr=GL8_FR, verification="P",
          remarks=f"{FIRST_OF_RANGE} Alternative: 2020-01-18."),
    Coded("rosneft-trading-sdn", ("2020-02-18", "Rosneft Trading"),
          "SDN designation under EO 13850; GL 36",
          "secondary", "tightening",
          "Rosneft Trading S.A., which handled a large share of 2019 exports, designated; GL 36 "
          "wind-down to 2020-05-20", entities="Rosneft Trading S.A."),
    Coded("tnk-trading-sdn", ("2020-03-12", "TNK Trading"), "SDN designation under EO 13850",
          "secondary", "tightening",
          "TNK Trading International S.A., the Rosneft subsidiary cargoes had shifted to, "
          "designated "
          "(wind-down to 2020-05-20)", entities="TNK Trading International S.A."),
    Coded("gl5c", ("2020-04-10", "GL 5C"), "GL 5C", "financial", "tightening",
          "PdVSA 2020 bond authorisation delayed to 2020-07-22", entities="PdVSA; CITGO",
          remarks="Note's direction: tightening for creditors."),
    Coded("gl8f", ("2020-04-21", "GL 8F"), "GL 8F", "company-licence", "tightening",
          "Narrowed to limited maintenance, safety and wind-down: no drilling, lifting, "
          "processing, "
          "purchase, sale or transport of Venezuelan oil", entities=GL8_FIRMS, end="2020-12-01",
          fr=GL8_FR, remarks="Note's direction: tightening / wind-down."),
    Coded("gl5e", ("2020-10-06", "GL 5E"), "GL 5E", "financial", "tightening",
          "PdVSA 2020 bond authorisation delayed to 2021-01-19", entities="PdVSA; CITGO",
          remarks="Note's direction: tightening for creditors."),
    Coded("gl8g", ("2020-11-17", "GL 8G"), "GL 8G", "company-licence", "wind-down",
          "Limited maintenance and wind-down licence extended", entities=GL8_FIRMS,
          end="2021-06-03",
          fr=GL8_FR),
    Coded("gl8h", ("2021-06-01", "GL 8H"), "GL 8H", "company-licence", "wind-down",
          "Limited maintenance and wind-down licence extended", entities=GL8_FIRMS,
          end="2021-12-01"),
    Coded("gl5h", ("2021-09-10", "GL 5H"), "GL 5H", "financial", "tightening",
          "PdVSA 2020 bond authorisation delayed to 2022-01-21", entities="PdVSA; CITGO",
          remarks="Note's direction: tightening for creditors."),
    Coded("gl8i", ("2021-11-24", "GL 8I"), "GL 8I", "company-licence", "wind-down",
          "Limited maintenance and wind-down licence extended", entities=GL8_FIRMS,
          remarks="Expiry unverified (recalled as 2022-06-01; the source says 'June 1, 2021'), so "
                  "'end' is left empty."),
    Coded("gl41", ("2022-11-26", "GL 41"), "GL 41", "company-licence", "easing",
          "Chevron's JVs may produce and lift oil and sell it only to the US; no taxes or "
          "royalties to the GoV and no dividends to PdVSA; renews monthly for 6-month periods",
          entities="Chevron; PdVSA"),
    Coded("gl8k", ("2022-11-26", "GL 8K"), "GL 8K", "company-licence", "wind-down",
          "Oil-service companies' licence extended; Chevron removed (now covered by GL 41)",
          entities=SERVICE_FIRMS, end="2023-05-26"),
    Coded("gl5j", ("2023-01-17", "GL 5J"), "GL 5J", "financial", "tightening",
          "PdVSA 2020 bond authorisation delayed to 2023-04-20", entities="PdVSA; CITGO",
          remarks="Note's direction: tightening for creditors."),
    Coded("gl8l", ("2023-05-23 (recalled from \"Tuesday\")", "GL 8L"), "GL 8L", "company-licence",
          "wind-down", "Oil-service companies' licence extended", entities=SERVICE_FIRMS,
          end="2023-11-19", remarks="Day recalled from 'Tuesday' (hence P)."),
    Coded("gl5l", ("2023-07-19", "GL 5L"), "GL 5L", "financial", "tightening",
          "PdVSA 2020 bond authorisation delayed to 2023-10-20", entities="PdVSA; CITGO",
          remarks="Note's direction: tightening for creditors."),
    Coded("gl44", ("2023-10-18", "GL 44"), "GL 44", "oil-trade", "easing",
          "All oil and gas sector transactions, including with PdVSA and new investment, "
          "authorised; tied to the Barbados electoral agreement",
          entities="PdVSA", end="2024-04-18",
          remarks="Issued with GL 43 (Minerven), GL 3I and GL 9H; the same release lifted "
                  "secondary-market bond trading bans. Lapsed 12:01 a.m. 2024-04-18."),
    Coded("gl8m", ("2023-11-16", "GL 8M"), "GL 8M", "company-licence", "wind-down",
          "Oil-service companies' licence extended", entities=SERVICE_FIRMS,
          remarks="Expiry unverified, so 'end' is left empty."),
    Coded("gl43a", ("2024-01-30", "GL 43 revoked"), "GL 43A", "context", "tightening",
          "GL 43 (Minerven, gold) revoked with a 14-day wind-down; warning that GL 44 will not be "
          "renewed (snapback begins)", entities="Minerven"),
    Coded("gl44a", ("2024-04-17", "GL 44A"), "GL 44A", "oil-trade", "wind-down",
          "GL 44 not renewed; oil and gas transactions must wind down; specific licences case by "
          "case",
          entities="PdVSA", end="2024-05-31"),
    Coded("gl44-lapse", ("2024-04-18", "GL 44 lapses"), "GL 44 expiry", "oil-trade", "expiry",
          "End of the broad oil and gas authorisation", entities="PdVSA"),
    Coded("gl8n", ("2024-05-10", "GL 8N"), "GL 8N", "company-licence", "wind-down",
          "Oil-service companies' licence extended", entities=SERVICE_FIRMS, end="2024-11-15",
          remarks="End is a range (2024-11-15/16); coded as its first date."),
    Coded("gl44a-expiry", ("2024-05-31", "GL 44A wind-down ends"), "GL 44A expiry", "oil-trade",
          "expiry", "End of the GL 44A wind-down", entities="PdVSA"),
    Coded("gl8o", ("2024-11 (day U)", "GL 8O and GL 5Q"), "GL 8O", "company-licence", "wind-down",
          "Oil-service companies' licence extended", entities=SERVICE_FIRMS, end="2025-05-09",
          scope="company-specific", remarks="Day unknown."),
    Coded("gl5q", ("2024-11 (day U)", "GL 8O and GL 5Q"), "GL 5Q", "financial", "tightening",
          "PdVSA 2020 bond authorisation effective only on or after 2025-03-07",
          entities="PdVSA; CITGO", scope="financial",
          remarks="Day unknown. Note's direction: creditor delay."),
    Coded("chevron-reversal-2025", ("2025-02-26", "Presidential announcement"),
          "Presidential announcement", "context", "tightening",
          "President says he is reversing the Biden-era Chevron 'oil transaction agreement' "
          "concession",
          entities="Chevron", remarks="Note's direction: signal (tightening)."),
    Coded("gl41a", ("2025-03-04", "GL 41A"), "GL 41A", "company-licence", "wind-down",
          "Replaces GL 41: Chevron's JVs must wind down (GL 41 had auto-renewed on 2025-03-01)",
          entities="Chevron; PdVSA", end="2025-04-03"),
    Coded("eo14245", ("2025-03-24", "EO 14245"), "EO 14245", "secondary", "tightening",
          "'Imposing Tariffs on Countries Importing Venezuelan Oil': authorises a 25% tariff on US "
          "imports from any country importing Venezuelan oil, from 2025-04-02",
          remarks="The tariff authority takes effect 2025-04-02 (event eo14245-effective)."),
    Coded("gl41b", ("2025-03-24 (date P)", "GL 41B"), "GL 41B", "company-licence", "wind-down",
          "Chevron wind-down extended; no new fields; exports only to the US",
          entities="Chevron; PdVSA", end="2025-05-27",
          remarks="Issue date partly verified (Export Compliance Daily reference id suggests "
                  "2025-03-24)."),
    Coded("eo14245-effective", ("2025-04-02", "EO 14245 tariff authority takes effect"),
          "EO 14245 (tariff authority in effect)", "secondary", "tightening",
          "Secondary-tariff authority of EO 14245 takes effect", issuer="President",
          verification="V",
          remarks="Date verified; whether any country was actually tariffed is unverified. Issuer "
                  "cell in the note is empty; coded as the EO's issuer."),
    Coded("gl8o-expiry", ("2025-05-09", "GL 8O lapses"), "GL 8O expiry", "company-licence",
          "expiry",
          "Oil-service companies' maintenance licence lapses, not renewed", entities=SERVICE_FIRMS),
    Coded("gl41b-expiry", ("2025-05-27", "GL 41B lapses"), "GL 41B expiry", "company-licence",
          "expiry",
          "Chevron wind-down ends; the deadline also ends European partners' authorisations",
          entities="Chevron; Repsol; Maurel & Prom",
          remarks="Lapsed 11:59 p.m. 2025-05-27 (State Dept)."),
    Coded("chevron-licence-2025", ("2025-07-29/30", "Restricted specific licence"),
          "Specific licence (not public)", "company-licence", "easing",
          "Restricted specific licence: Chevron may run JV decisions, procurement and contractor "
          "payments; no money to the Maduro government (royalties and taxes in kind)",
          entities="Chevron", verification="V",
          remarks=f"{FIRST_OF_RANGE} Alternative: 2025-07-30 (Reuters report). Verified in "
                  f"secondary sources. Exports resumed in Aug 2025. Note's direction: easing "
                  f"(restricted)."),
    Coded("maduro-reward-2025",
          ("2025-08 (day U; \"earlier this month\" per 08-19 reports)", "Reward"),
          "Reward raised to $50 m", "context", "none",
          "Reward for Maduro raised to $50 m (non-sanction pressure)", entities="Maduro",
          remarks="Day unknown. Note's direction: non-sanction."),
    Coded("naval-deployment-2025", ("2025-08-18/19", "US naval deployment"), "Naval deployment",
          "military-enforcement", "none",
          "US naval deployment to the southern Caribbean (destroyers, the Iwo Jima amphibious "
          "group, about 4,000 sailors and Marines); at least 8 warships by late August",
          remarks=f"{FIRST_OF_RANGE} Alternative: 2025-08-19. Note's direction: non-sanction "
                  f"(military)."),
    Coded("boat-strikes", ("2025-09-02", "First US strike"), "Military strike",
          "military-enforcement", "none",
          "First US strike on an alleged drug boat from Venezuela (11 killed); start of the "
          "lethal boat-strike campaign", verification="V",
          remarks="Strike verified; the later tally (at least 22 strikes, more than 80 dead by Nov "
                  "2025) partly verified. Note's direction: non-sanction (military)."),
    Coded("skipper-seizure", ("2025-12-10", "Skipper"), "Tanker seizure", "military-enforcement",
          "none",
          "US seizes the sanctioned VLCC Skipper (about 1.8-2 m bbl of Merey): first tanker "
          "seizure", entities="Skipper (VLCC)",
          remarks="One source gives Dec 11. Note's direction: non-sanction (enforcement)."),
    Coded("blockade", ("2025-12-16", "TOTAL AND COMPLETE BLOCKADE"),
          "Presidential order (blockade)",
          "military-enforcement", "tightening",
          "Blockade of all sanctioned oil tankers going into and out of Venezuela ordered; exports "
          "fall sharply", remarks="One source gives Dec 19. Note's direction: non-sanction "
          "(enforcement) / tightening."),
    Coded("centuries-seizure", ("2025-12-20", "Centuries"), "Tanker seizure",
          "military-enforcement",
          "none", "USCG seizes the Panama-flagged tanker Centuries (not on the sanctions list): "
          "enforcement reaches beyond listed vessels", entities="Centuries (tanker)",
          remarks="Note's direction: non-sanction (enforcement)."),
    Coded("gl5t", ("2025-12-19", "GL 5T"), "GL 5T", "financial", "tightening",
          "A late-2025 iteration of the PdVSA 2020 bond licence (known from GL 5U, which "
          "replaces it); the date from which it authorised bond dealings is unverified",
          entities="PdVSA; CITGO",
          remarks="Coded as a creditor delay like the other GL 5 iterations; its terms are "
                  "unverified (hence P). Note's direction: creditor delay (terms U)."),
    Coded("absolute-resolve", ("2026-01-03", "Operation Absolute Resolve"), "Military operation",
          "military-enforcement", "none",
          "US strikes on Caracas; Maduro and Cilia Flores captured and taken to New York; Delcy "
          "Rodríguez named acting president", entities="Maduro; Cilia Flores",
          remarks="Note's direction: non-sanction (military)."),
    Coded("energy-arrangement-2026", ("2026-01-06", "energy arrangement"),
          "US-Venezuela energy arrangement",
          "oil-trade", "easing",
          "Interim authorities to hand over 30-50 m bbl, proceeds to US-controlled accounts; "
          "sanctions selectively rolled back for sales; US diluent supplied",
          entities="GoV; PdVSA", remarks="Note's direction: easing (managed)."),
    Coded("eo14373", ("2026-01-09", "EO 14373"), "EO 14373", "financial", "easing",
          "New national emergency: Venezuelan oil and diluent proceeds held by the US ('Foreign "
          "Government Deposit Funds') shielded from attachment; transfers only as licensed",
          entities="GoV", remarks="Note's direction: easing (enabling) / creditor-blocking."),
    Coded("vitol-trafigura-licences-2026",
          ("2026-01 (day U; Vitol's preliminary licence reported 2026-01-08)", "Vitol and Trafigura"),
          "Specific licences (not public)", "company-licence", "easing",
          "Specific licences to Vitol and Trafigura to ship and market Venezuelan crude and fuel "
          "under the US-managed supply deal (Vitol first reported with a preliminary 18-month "
          "licence to negotiate)", entities="Vitol; Trafigura",
          remarks="Day unknown (Vitol's preliminary licence was reported 2026-01-08; both traders "
                  "held licences by late January). Note's direction: easing (specific, "
                  "company-level)."),
    Coded("hydrocarbons-law-2026", ("2026-01-29 (corrected; was \"2026-01 (before 01-29)\")",
                                    "National Assembly"),
          "Hydrocarbons law reform", "context", "none",
          "Venezuela's National Assembly passes the partial reform of the Organic Hydrocarbons Law "
          "(productive participation contracts, flexible royalties for undeveloped fields, "
          "independent dispute resolution); signed by the acting president the same day",
          entities="GoV",
          remarks="First discussion 2026-01-22; passed and signed on the day GL 46 was issued. "
                  "Note's direction: context."),
    Coded("gl46", ("2026-01-29", "GL 46"), "GL 46", "oil-trade", "easing",
          "Established US entities may lift, export, sell, store, transport and refine "
          "Venezuelan-origin oil, including with the GoV and PdVSA, under conditions",
          entities="GoV; PdVSA", remarks="Replaced by GL 46A on 2026-02-10 (event gl46a)."),
    Coded("gl5u", ("2026-02-02", "GL 5U"), "GL 5U", "financial", "tightening",
          "Replaces GL 5T: dealings in the PdVSA 2020 8.5% bond authorised only on or after "
          "2026-03-20; new FAQs 1226-1235 on GL 46", entities="PdVSA; CITGO",
          remarks="Creditor delay to 2026-03-20 (coded as tightening for creditors, like the "
                  "earlier GL 5 delays); whether that date held is unverified. Note's direction: "
                  "creditor delay; easing for creditors from 2026-03-20."),
    Coded("gl47", ("2026-02-03", "GL 47"), "GL 47", "oil-trade", "easing",
          "Sale of US-origin diluents to Venezuela, including to PdVSA", entities="PdVSA"),
    Coded("gl48", ("2026-02-10", "GL 48"), "GL 48", "oil-trade", "easing",
          "Goods, technology and services for oil and gas exploration, development and production "
          "in Venezuela; excludes Russia and China"),
    Coded("gl46a", ("2026-02-10", "GL 46A"), "GL 46A and GL 30B", "oil-trade", "easing",
          "GL 46A replaces GL 46 (routine local taxes, permits and fees may be paid to the GoV "
          "directly); GL 30B replaces GL 30A (port and airport transactions, without the bar on "
          "diluent exports)", entities="GoV; PdVSA; INEA", remarks="Issued with GL 48."),
    Coded("gl49", ("2026-02-13 (corrected; was \"2026-02 (day U)\")", "GL 49"), "GL 49",
          "oil-trade", "easing",
          "Negotiating and entering into contingent contracts for new oil or gas investment with "
          "the GoV and PdVSA authorised; performing them needs a separate OFAC authorisation",
          entities="GoV; PdVSA"),
    Coded("gl50", ("2026-02-13", "GL 50"), "GL 50", "company-licence", "easing",
          "Oil and gas operations authorised for BP, Chevron, Eni, Repsol and Shell only; oil "
          "taxes and royalties into the Foreign Government Deposit Funds",
          entities="BP; Chevron; Eni; Repsol; Shell"),
    Coded("gl50a", ("2026-02-18", "GL 50A"), "GL 50A", "company-licence", "easing",
          "Replaces GL 50: named-company operations licence reissued, covering dealings with the "
          "GoV and PdVSA tied to the authorised companies, with payment and reporting conditions",
          entities="BP; Chevron; Eni; Repsol; Shell", verification="V",
          remarks="Date verified; whether GL 50A added Maurel & Prom is unverified, so entities "
                  "are GL 50's."),
    Coded("faq1236-1237", ("2026-02-18", "FAQs 1236"), "OFAC FAQs 1236-1237", "context", "none",
          "Guidance: GL 30B versus GL 30A; royalties, per-barrel levies and federal taxes owed to "
          "the GoV or PdVSA go into the Foreign Government Deposit Funds",
          remarks="Note's direction: none (guidance)."),
    Coded("us-import-licence-2026", ("2026-03-13 (day P; reported 2026-03-14)", "import into the US"),
          "Treasury licence (number unverified)", "oil-trade", "easing",
          "US companies may deal with the GoV, PdVSA and PdVSA-majority entities in Venezuelan oil "
          "(purchase, storage, transport, refining) for its later import into the US",
          entities="GoV; PdVSA",
          remarks="Day partly verified (reported 2026-03-14); licence number unverified."),
    Coded("pdvsa-sales-2026", ("2026-03-18", "Broad Treasury authorisation"),
          "Treasury authorisation (number unverified)", "oil-trade", "easing",
          "PdVSA may sell Venezuelan oil directly to US companies and on global markets, with some "
          "limits", entities="PdVSA",
          remarks="Licence number unverified (hence P). Issued the day the Jones Act was waived "
                  "for 60 days."),
]

LEFT_OUT: list[LeftOut] = [
    LeftOut(("2019-01-28", "GL 3 amended"),
            "GL 3A, 9, 10, 11 and 14 issued with the PdVSA designation: their content is "
            "unverified (U in the row's tag), so no category or direction can be coded; GL 7, 8, "
            "12 and 13 from the same row are coded"),
    LeftOut(("2019-04 (days U; recalled Apr 5 & Apr 12)", "Cuba"),
            "tagged U: the April 2019 designations of shipping firms and vessels carrying oil to "
            "Cuba have unconfirmed dates"),
    LeftOut(("2026-08 (U)", "White House fact sheet"),
            "tagged U: the August 2026 'historic oil agreement' fact sheet was seen only as a URL "
            "title; its content was not read"),
]

# Items outside the main table that are not coded (the note lists them in prose).
NOT_IN_MAIN_TABLE = [
    "GL 8A-8D and GL 8J (series detail): letters and dates unverified (U).",
    "GL 5B, 5K, 5M-5P and 5R-5S (series detail): unverified (U).",
    "Whether GL 5U's bond authorisation took effect on 2026-03-20 or a later letter delayed it "
    "(series detail): unverified (U), so no event marks 2026-03-20.",
    "GL 5D, 5F/5G and 5I (series detail, V-sec or P): the note gives only the date they delay the "
    "bond authorisation to, not their issue date, so they cannot be placed in time.",
    "The May-June 2022 Chevron negotiation licence, the comfort letters to Eni and Repsol and the "
    "2024 specific licences to Repsol, Eni and Maurel & Prom: unverified and not rows of the note.",
]


def clean(cell: str) -> str:
    """A table cell without Markdown bold markers or surrounding space."""
    return re.sub(r"\s+", " ", cell.replace("**", "")).strip()


def table_after(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first Markdown table after ``heading``, as cleaned cells."""
    start = text.find(heading)
    if start < 0:
        raise ValueError(f"{NOTE}: heading {heading!r} not found")
    rows: list[list[str]] = []
    for line in text[start + len(heading):].splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            rows.append([clean(c) for c in stripped.strip("|").split("|")])
        elif rows:
            break
    if len(rows) < 3:
        raise ValueError(f"{NOTE}: no table after {heading!r}")
    return rows[2:]  # drop the header and the |---| separator


def main_table(text: str) -> list[dict[str, str]]:
    header = ["date", "instrument", "issuer", "what", "direction", "scope", "citation", "tag"]
    rows = []
    for cells in table_after(text, "## Main table"):
        if len(cells) != len(header):
            raise ValueError(f"{NOTE}: main-table row has {len(cells)} cells, expected 8: {cells}")
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def spell_tables(text: str) -> dict[str, list[tuple[str, str]]]:
    """The note's "Chevron licence spells" and "Broad oil-sector treatment indicator" tables.

    Returns ``{"chevron": [(period, status), ...], "broad": [(period, regime), ...]}``;
    ``venecon.policy.indicators`` codes its spells from these (its tests compare them).
    """
    chevron = [(c[0], c[2]) for c in table_after(text, "**Chevron licence spells.**")]
    broad = [(c[0], c[1]) for c in table_after(text, "**Broad oil-sector treatment indicator:**")]
    return {"chevron": chevron, "broad": broad}


def find_row(rows: list[dict[str, str]], key: tuple[str, str]) -> dict[str, str]:
    date, phrase = key
    hits = [r for r in rows if r["date"] == date and phrase in r["instrument"]]
    if len(hits) > 1:  # "GL 48" is also named in the GL 46A row of the same day: exact wins
        hits = [r for r in hits if r["instrument"] == phrase] or hits
    if len(hits) != 1:
        raise ValueError(
            f"{NOTE}: the curation references the row dated {date!r} with {phrase!r} in its "
            f"instrument, which matches {len(hits)} rows; fix the reference or the note"
        )
    return hits[0]


def parse_date(cell: str) -> tuple[str, str]:
    """(ISO date, precision) from a date cell: first date of a range, or month/year start."""
    if m := re.match(r"^(\d{4}-\d{2}-\d{2})", cell):
        return m.group(1), "day"
    if m := re.match(r"^(\d{4}-\d{2})(?!\d)", cell):
        return f"{m.group(1)}-01", "month"
    if m := re.match(r"^(\d{4})(?!\d)", cell):
        return f"{m.group(1)}-01-01", "year"
    raise ValueError(f"{NOTE}: cannot read a date from the date cell {cell!r}")


def verification_of(coded: Coded, tag: str) -> str:
    if tag.startswith("U"):
        raise ValueError(f"{NOTE}: event {coded.id!r} references a row tagged U ({tag!r}); "
                         "verify the row in the note first")
    if tag in ("V", "P"):
        if coded.verification and coded.verification != tag:
            raise ValueError(f"event {coded.id!r}: curated verification {coded.verification!r} "
                             f"contradicts the note's tag {tag!r}")
        return tag
    if coded.verification not in ("V", "P") or not re.search(rf"\b{coded.verification}\b", tag):
        raise ValueError(f"event {coded.id!r}: the note's tag {tag!r} is compound; state which "
                         "part is coded with verification='V' or 'P' (a letter in the tag)")
    return coded.verification


def frame_from_note(text: str) -> pd.DataFrame:
    rows = main_table(text)
    fr_citations = [c[1] for c in table_after(text, "## Key primary citations (Federal Register)")]
    used: set[int] = set()
    records = []
    for coded in CODED:
        row = find_row(rows, coded.row)
        used.add(id(row))
        date, precision = parse_date(row["date"])
        text_of_row = " ".join(row.values())
        for label, value in (("end", coded.end), ("announced", coded.announced)):
            if value and value not in text_of_row:
                raise ValueError(
                    f"event {coded.id!r}: {label} {value} does not occur in its note row")
        citation = row["citation"]
        remarks = coded.remarks
        if "as above" in citation:
            # A filtered registry has no "above": take the cited row's citation, say so.
            previous = rows[rows.index(row) - 1]["citation"]
            if "as above" in previous:
                raise ValueError(f"event {coded.id!r}: cannot resolve {citation!r}")
            remarks = " ".join(filter(None, [remarks, f"The note's citation cell reads "
                                             f"{citation!r}, i.e. the row above's."]))
            citation = previous
        if coded.fr:
            if coded.fr not in fr_citations:
                raise ValueError(f"event {coded.id!r}: {coded.fr!r} is not in the note's "
                                 "Federal Register citation table")
            if coded.fr.split(" (")[0] not in citation:
                citation = f"{citation}; {coded.fr}"
        issuer = coded.issuer or row["issuer"]
        if issuer in ("", "—"):
            raise ValueError(f"event {coded.id!r}: the note gives no issuer; curate one")
        records.append({
            "id": coded.id,
            "date": date,
            "announced": coded.announced,
            "end": coded.end,
            "date_precision": precision,
            "instrument": coded.instrument,
            "issuer": issuer,
            "category": coded.category,
            "direction": coded.direction,
            "scope": coded.scope or row["scope"],
            "entities": coded.entities,
            "description": coded.description,
            "citation": citation,
            "verification": verification_of(coded, row["tag"]),
            "tag_text": row["tag"],
            "date_text": row["date"],
            "remarks": remarks,
        })
    for left in LEFT_OUT:
        row = find_row(rows, left.row)
        used.add(id(row))
    unaccounted = [r for r in rows if id(r) not in used]
    if unaccounted:
        listed = "; ".join(f"{r['date']} {r['instrument'][:50]!r}" for r in unaccounted)
        raise ValueError(f"{NOTE}: rows neither coded nor listed in LEFT_OUT: {listed}")
    frame = pd.DataFrame(records)
    # Chronological; rows on the same day keep the note's order (stable sort).
    order = pd.to_datetime(frame["date"]).argsort(kind="mergesort")
    return frame.iloc[order].reset_index(drop=True)


def notes(sha: str) -> list[str]:
    left = [f"Left out: {left.row[0]} ({left.row[1]}): {left.reason}." for left in LEFT_OUT]
    return [
        f"Compiled from the venecon research note {NOTE_PATH} (sha256 {sha}); every row names its "
        f"sources in 'citation' and keeps the note's tag ('verification', 'tag_text').",
        "Only rows tagged V (verified) or P (partly verified) are coded; U rows are left out.",
        "'date' is the effective date (for executive orders the signing date, per the note). A "
        "date range in the note (e.g. 2025-07-29/30) is coded as its first date; the cell is kept "
        "verbatim in 'date_text' and the alternative in 'remarks'.",
        "Dates known only to the month or year are the first day of that month or year, with "
        "date_precision 'month' or 'year'; venecon's regressors refuse to place them in a finer "
        "index.",
        "direction 'none' marks events that change nothing that is permitted (the note's "
        "'non-sanction' military, enforcement and context events and administrative "
        "consolidation).",
        "The blockade (2025-12-16) and the tanker seizures (skipper-seizure 2025-12-10, "
        "centuries-seizure 2025-12-20) have no 'end': no source in the research note dates the "
        "lifting of the blockade order or a last seizure, and its broad-indicator table leaves "
        "the spell open ('2025-12-10 / 2025-12-16 ->'). Exports resumed under US arrangements and "
        "licences from January 2026 (energy-arrangement-2026, gl46), which venecon.regimes() "
        "codes as licensed_reopening beside the open blockade spell, not as its end.",
        *left,
        *(f"Not coded: {item}" for item in NOT_IN_MAIN_TABLE),
    ]


def build(research_dir: Path, data_dir: Path) -> list[dict]:
    """Write ``data_dir/events.csv`` and return its data-package descriptor entry."""
    note = Path(research_dir) / NOTE
    try:
        raw = note.read_bytes()
    except OSError as exc:
        raise FileNotFoundError(f"the events registry is built from {note}: {exc}") from exc
    sha = hashlib.sha256(raw).hexdigest()
    frame = frame_from_note(raw.decode("utf-8"))
    checked = validate_events(frame, source=f"curated events (from {NOTE})", bundled=True)
    out = checked.copy()
    for column in ("date", "announced", "end"):
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    path = Path(data_dir) / "events.csv"
    data = out.to_csv(index=False, lineterminator="\n").encode("utf-8")
    path.write_bytes(data)
    return [{
        "name": "events",
        "path": "data/events.csv",
        "title": "Registry of US sanctions, licences and related events affecting Venezuela's oil "
        "sector (2006-2026)",
        "description": (
            "One row per event: executive orders, the PdVSA designation, the GL 5, 8, 41, 44 and "
            "46-50 licence families, Chevron's 2025 licences, the 2026 trader and PdVSA-sales "
            "authorisations, the secondary-tariff order and, as "
            "their own category, the 2025-2026 military and enforcement events. Dates are "
            "effective dates; every row carries its citation (Federal Register or official release "
            "and the sources quoted) and its verification tag. venecon.events() filters it, "
            "venecon.regimes() turns its spells into period indicators."
        ),
        **csv_fields(data),
        "frequency": "event",
        "coverage": {"start": out["date"].min(), "end": out["date"].max()},
        "rows": int(len(out)),
        "countries": ["VEN"],
        "series": {},
        "vintage": {
            "last_period": out["date"].max(),
            "note_sha256": sha,
            "basis": f"the research note {NOTE_PATH} at this sha256; the last coded event is "
            "its last V/P row (the note finds no later licence action in its corpus)",
        },
        "schema": {
            "fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
            "primaryKey": ["id"],
        },
        "compiled_from": {"title": "venecon research note: Timeline of US measures, licences and "
                          "related events affecting Venezuela's oil sector and PdVSA (2005-2026)",
                          "file": NOTE_PATH, "sha256": sha},
        "sources": [
            {
                "title": "Federal Register (Office of the Federal Register, National Archives and "
                "Records Administration)",
                "path": "https://www.federalregister.gov/",
                "source": "federal_register",
                "license": PUBLIC_DOMAIN[0],
                "license_path": PUBLIC_DOMAIN[1],
                "attribution": "Executive orders and OFAC rules as published in the Federal "
                "Register; each row's 'citation' gives the volume and page.",
            },
            {
                "title": "US Department of the Treasury, Office of Foreign Assets Control (OFAC): "
                "Venezuela-related sanctions, general licenses and recent actions",
                "path": "https://ofac.treasury.gov/sanctions-programs-and-country-information/"
                "venezuela-related-sanctions",
                "source": "ofac",
                "license": PUBLIC_DOMAIN[0],
                "license_path": PUBLIC_DOMAIN[1],
                "attribution": "General licenses and designations as released by OFAC; rows "
                "verified through law-firm or press sources name them in 'citation'.",
            },
        ],
        "licenses": [{"title": PUBLIC_DOMAIN[0], "path": PUBLIC_DOMAIN[1]}],
        "attribution": "Events registry compiled by the venecon developers from the Federal "
        "Register, OFAC releases and the sources named in each row's citation.",
        "notes": notes(sha),
    }]
