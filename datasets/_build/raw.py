"""The raw inputs of the curated tables, transcribed from ``shared/raw/MANIFEST.md``.

Each entry records where the file came from (repository, path, commit), its
sha256, the upstream publisher and licence. :func:`open_raw` refuses a file
whose bytes differ from the recorded hash, so a curated table can only be built
from the exact vintage its provenance names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Publisher:
    """An upstream publisher; ``code`` is the value of the tables' ``source`` column."""

    code: str
    title: str
    url: str
    licence: str
    licence_url: str
    attribution: str


@dataclass(frozen=True)
class RawFile:
    path: str  # relative to shared/raw
    publisher: Publisher
    repository: str
    repo_path: str
    commit: str
    sha256: str
    description: str

    @property
    def committed(self) -> str:
        """UTC date of the upstream commit that holds this version of the file ("" if unknown)."""
        return COMMIT_DATES.get(self.commit, "")

    @property
    def repository_url(self) -> str:
        return f"https://github.com/{self.repository}/blob/{self.commit}/{self.repo_path}"


# Commit date (UTC) of each upstream commit named below, read from the git metadata of the
# repository snapshots the MANIFEST cites (``git log -1 --format=%cI <commit>``, converted
# to UTC). The Growth Lab commit is not in the stored snapshot (whose HEAD, 2025-07-18,
# holds an older version of the file), so its date is unknown.
COMMIT_DATES = {
    "538dd3f5897352dff19073f26307caa7293bb906": "2026-08-11",
    "34cc3694d32906119a315c38c852aa2ebdd77971": "2026-07-06",
    "68b6f812aefa0fc7097d6988671de1e0f16ce91c": "2026-08-10",
    "f7fb694c15f464c99bbdde1ca99fd1c24cd24644": "2026-08-17",
    "a72f4053143fea70d3b326bf85b1b51768c2f1c6": "2026-05-22",
    "c0aadba421fbfbf0d64c2e30d5a9b4c27291bf0d": "2019-08-16",
    "1b938b5bbf7df718b657448e73ea8938d6cea6c7": "2026-08-20",
    "3d663f26d40b85427a8970a4c5c3e6448c70c335": "2026-08-06",
    "396e1d21f0c42d9904ce8adc152419f9301d43a9": "2026-01-08",
    "73d0b84c91f33b2720429cabc622ead52c0dd9e3": "2026-07-21",
    "8b52f0a105047bf885cac625f7a8f918daef35b6": "2024-11-03",
    "abe28aee734f80ae1b8ba650a33d90a81068bf38": "2017-01-19",
    "a1a4cd9dd1a78bbb388b691b73da7a70b4217963": "2020-06-20",
    "02b449dfda33e11ca9ad04257b8855acc2a1f27b": "2023-03-22",
    "93901c43a6c810cf3f5d5972404c9f85337f5ebe": "2025-08-28",
}

PUBLIC_DOMAIN_EIA = (
    "US federal government work, public domain (EIA copyright and reuse policy)",
    "https://www.eia.gov/about/copyrights_reuse.php",
)
OPEC_TERMS = (
    "OPEC Annual Statistical Bulletin terms: research, educational and other non-commercial use "
    "with OPEC acknowledged as copyright holder; commercial use needs OPEC's permission",
    "https://asb.opec.org/",
)

EIA_IES = Publisher(
    "eia_ies",
    "U.S. Energy Information Administration, International Energy Statistics",
    "https://www.eia.gov/international/data/world",
    *PUBLIC_DOMAIN_EIA,
    "Source: U.S. Energy Information Administration (EIA), International Energy Statistics.",
)
EIA_SPOT = Publisher(
    "eia_spot",
    "U.S. Energy Information Administration, spot prices (series RBRTE, RWTC; Thomson Reuters/Refinitiv via EIA)",
    "https://www.eia.gov/dnav/pet/pet_pri_spt_s1_d.htm",
    *PUBLIC_DOMAIN_EIA,
    "Source: U.S. Energy Information Administration (EIA), Spot Prices for Crude Oil and Petroleum Products.",
)
EIA_PSM = Publisher(
    "eia_psm",
    "U.S. Energy Information Administration, Petroleum Supply Monthly (series MTTNTUSVE2, via Quandl)",
    "https://www.eia.gov/dnav/pet/hist/LeafHandler.ashx?n=PET&s=MTTNTUSVE2&f=M",
    *PUBLIC_DOMAIN_EIA,
    "Source: U.S. Energy Information Administration (EIA), Petroleum Supply Monthly.",
)
EI_TERMS = (
    "Energy Institute terms: free to use and quote with attribution; price series are "
    "(c) S&P Global Commodity Insights (third-party copyright)",
    "https://www.energyinst.org/statistical-review",
)
EI = Publisher(
    "ei_sr2024",
    "Energy Institute, Statistical Review of World Energy 2024",
    "https://www.energyinst.org/statistical-review",
    *EI_TERMS,
    "Energy Institute Statistical Review of World Energy 2024.",
)
EI_2026 = Publisher(
    "ei_sr2026",
    "Energy Institute, Statistical Review of World Energy 2026",
    "https://www.energyinst.org/statistical-review",
    *EI_TERMS,
    "Energy Institute Statistical Review of World Energy 2026.",
)
OPEC_ASB = Publisher(
    "opec_asb2018",
    "OPEC Annual Statistical Bulletin 2018 (interactive tables)",
    "https://asb.opec.org/",
    *OPEC_TERMS,
    "Source: OPEC Annual Statistical Bulletin 2018, (c) OPEC.",
)
OPEC_ORB = Publisher(
    "opec_orb",
    "OPEC Secretariat, OPEC Reference Basket daily price (via Quandl OPEC/ORB)",
    "https://www.opec.org/opec_web/en/data_graphs/40.htm",
    "OPEC data: non-commercial research use with attribution",
    "https://www.opec.org/opec_web/en/data_graphs/40.htm",
    "Source: OPEC Secretariat, OPEC Reference Basket, (c) OPEC.",
)
WB_PINK = Publisher(
    "wb_pinksheet",
    "World Bank Commodity Markets (Pink Sheet), monthly prices",
    "https://www.worldbank.org/en/research/commodity-markets",
    "CC BY 4.0",
    "https://creativecommons.org/licenses/by/4.0/",
    "World Bank, Commodity Markets (Pink Sheet), CC BY 4.0.",
)
WB_WDI = Publisher(
    "wb_wdi",
    "World Bank, World Development Indicators",
    "https://databank.worldbank.org/source/world-development-indicators",
    "CC BY 4.0",
    "https://creativecommons.org/licenses/by/4.0/",
    "World Bank, World Development Indicators, CC BY 4.0.",
)
IMF_WEO = Publisher(
    "imf_weo",
    "International Monetary Fund, World Economic Outlook (DataMapper)",
    "https://www.imf.org/external/datamapper",
    "IMF data terms: free reuse with attribution",
    "https://www.imf.org/external/terms.htm",
    "Source: International Monetary Fund, World Economic Outlook.",
)
IMF_IMTS = Publisher(
    "imf_imts",
    "International Monetary Fund, International Trade in Goods (IMTS), US-reported",
    "https://data.imf.org/en/datasets/IMF.STA:IMTS",
    "IMF data terms: free reuse with attribution",
    "https://www.imf.org/external/terms.htm",
    "Source: International Monetary Fund, International Trade in Goods (IMTS).",
)
UN_COMTRADE = Publisher(
    "un_comtrade",
    "United Nations Comtrade, monthly HS TOTAL as reported by Spain, Brazil, India, Turkiye and China",
    "https://comtradeplus.un.org/",
    "UN Comtrade terms of use: attribution; redistribution of bulk extracts restricted "
    "(aggregated partner totals only are bundled, for research use)",
    "https://unstats.un.org/wiki/display/comtrade/Terms+of+Use",
    "Source: United Nations Comtrade database.",
)
GROWTHLAB = Publisher(
    "growthlab",
    "Harvard Growth Lab, comtrade-mirroring estimate of Venezuelan crude exports (HS 270900)",
    "https://github.com/harvard-growth-lab/comtrade-mirroring",
    "Apache-2.0",
    "https://www.apache.org/licenses/LICENSE-2.0",
    "Harvard Growth Lab, comtrade-mirroring (Apache-2.0).",
)

UCDP_TERMS = ("CC BY 4.0 (UCDP datasets; attribution required)",
              "https://creativecommons.org/licenses/by/4.0/")
UCDP_ATTRIBUTION = (
    "UCDP/PRIO Armed Conflict Dataset: Gleditsch, N. P., Wallensteen, P., Eriksson, M., "
    "Sollenberg, M. and Strand, H. (2002), 'Armed Conflict 1946-2001: A New Dataset', Journal of "
    "Peace Research 39(5); Davies, S., Engstr\u00f6m, G., Pettersson, T. and \u00d6berg, M. "
    "(2025), "
    "'Organized violence 1989-2024', Journal of Peace Research."
)
UCDP_221 = Publisher(
    "ucdp_acd_221",
    "UCDP/PRIO Armed Conflict Dataset, version 22.1 (Uppsala Conflict Data Program and PRIO)",
    "https://ucdp.uu.se/downloads/",
    *UCDP_TERMS,
    UCDP_ATTRIBUTION,
)
UCDP_251 = Publisher(
    "ucdp_acd_251",
    "UCDP/PRIO Armed Conflict Dataset, version 25.1 (Uppsala Conflict Data Program and PRIO)",
    "https://ucdp.uu.se/downloads/",
    *UCDP_TERMS,
    UCDP_ATTRIBUTION,
)

_ICIV = "Felipegomeze2/ICIV"
_OPEC = "tzeghnoun/opec_stats"
_OPEC_COMMIT = "c0aadba421fbfbf0d64c2e30d5a9b4c27291bf0d"
_PRICES = "datasets/oil-prices"


def _opec(table: str, sha: str, description: str) -> RawFile:
    return RawFile(
        f"opec-asb-2018/{table}", OPEC_ASB, _OPEC, f"data/{table}", _OPEC_COMMIT, sha, description
    )


def _eia_price(name: str, commit: str, sha: str, description: str) -> RawFile:
    return RawFile(
        f"eia-oil-prices/{name}", EIA_SPOT, _PRICES, f"data/{name}", commit, sha, description
    )


RAW: dict[str, RawFile] = {
    f.path: f
    for f in [
        RawFile(
            "iciv-venezuela/eia_monthly.csv", EIA_IES, _ICIV, "iciv/data/raw/eia_monthly.csv",
            "538dd3f5897352dff19073f26307caa7293bb906",
            "ac79b9e45c570efb838b99d1d41a20cbe0f08d622a0b769a21b08b02d6cf63ca",
            "Venezuela oil production, EIA international monthly (products 53, 55, 57), kb/d",
        ),
        RawFile(
            "iciv-venezuela/eia.csv", EIA_IES, _ICIV, "iciv/data/raw/eia.csv",
            "34cc3694d32906119a315c38c852aa2ebdd77971",
            "f2ec2dad01af2e9b77708d1d99dbdfd4f2303f2c2721cd2f641340381cdccbb1",
            "Venezuela annual crude production (EIA product 57), kb/d",
        ),
        RawFile(
            "energy-institute/EI-Stats-Review-All-Data.xlsx", EI,
            "rajaeian-fatemeh/VisualCommunication", "EI-Stats-Review-All-Data.xlsx",
            "8b52f0a105047bf885cac625f7a8f918daef35b6",
            "1f5c27446a6995448a84e943a22c7d9dd5812d3775b85cd0836df1e3b8dae729",
            "Energy Institute Statistical Review of World Energy 2024, full workbook",
        ),
        RawFile(
            "energy-institute-2026/EI-Stats-Review-ALL-data-2026.xlsx", EI_2026,
            "MatteoCs1bc/Global_Energy_Data_2026", "EI-Stats-Review-ALL-data (1).xlsx",
            "73d0b84c91f33b2720429cabc622ead52c0dd9e3",
            "ec12a2bb8b56a44080d71d3847b25135fbe1991600c7d1437e12dbdea11b111a",
            "Energy Institute Statistical Review of World Energy 2026, full workbook (renamed in "
            "shared/raw without the space)",
        ),
        _opec("T36 World crude oil production by country.xlsx",
              "000c935968e8992222c3386f1d910fcd0cf694ff1524fb3542c00ce28fd579b3",
              "ASB Table 3.6, world crude oil production by country, 1,000 b/d"),
        _opec("T35 Daily and cumulative crude oil production in OPEC Members.xlsx",
              "ec3fbeffc2fe77fcfcf8bac10f3e21b9f9c1bee8a42c2347e0f577fc34e42568",
              "ASB Table 3.5, OPEC members daily and cumulative crude production"),
        _opec("T12 - OPEC Members crude oil production allocations.xlsx",
              "bbee742403f3cf0db73a8bc78dcd213b9d220a6504ad7c66f848e0011579c7a9",
              "ASB Table 1.2, OPEC members crude production allocations"),
        _opec("T51 Oil trade - OPEC Members' crude oil exports by destination.xlsx",
              "1e6558dfcfd973487153f2d4c25933896a6b6a4fe25ad5296fa7990ef405c650",
              "ASB Table 5.1, OPEC members crude exports by destination, 1,000 b/d"),
        _opec("T52.xlsx",
              "f0dc12ed18669ab718e35bfee96fb6559100abd0e9b3de9bc9637b74770bef5d",
              "ASB Table 5.2, OPEC members petroleum product exports by destination, 1,000 b/d"),
        _opec("T53 World crude oil exports by country.xlsx",
              "15c534d0b03e27fb9f108b866b7f76e21f4da0bb50d09227ea5dbd8691fd7c62",
              "ASB Table 5.3, world crude oil exports by country, 1,000 b/d"),
        _opec("T25 OPEC Members values of petroleum exports.xlsx",
              "578e7bd53c6f3f809a310eb3055bd3450b4680c610376f2e62bba68ed3a36098",
              "ASB Table 2.5, value of petroleum exports, million US$"),
        _opec("T24 OPEC Members values of exports.xlsx",
              "0cbb4372bc99679ac2de3bfc294987e7b48a72e6836890583503511ac6c5bad9",
              "ASB Table 2.4, total merchandise export values, million US$"),
        _opec("T22 Macro data - OPEC Members GDP at current market prices.xlsx",
              "32f38d7a8afa0924d59158620d9e2eaa786fbd33a46de4b2af7408cec05262c5",
              "ASB Table 2.2, GDP at current market prices, million US$"),
        _opec("T32 Active rigs by country.xlsx",
              "96634ac2350ebc9b5a55244e8c951aee00062d0d51af2bff7fb8158a7e757256",
              "ASB Table 3.2, active rigs by country"),
        _opec("T71 Oil price - OPEC Reference Basket (ORB) and corresponding components spot prices.xlsx",
              "1813765fe9bdb1f899e2088230373409fa07d4336f9a00f67f29b6683ba9c2f0",
              "ASB Table 7.1, ORB and component spot prices (incl. Venezuela Merey), US$/b"),
        _opec("T72.xlsx",
              "5db1633c4dd70f6a8bd292448e9b084401d94a30d5843c766aa02602ebd27b8a",
              "ASB Table 7.2, selected spot crude prices, US$/b"),
        _eia_price("brent-daily.csv", "1b938b5bbf7df718b657448e73ea8938d6cea6c7",
                   "b5908edde7a195aca26d8bcc9993c38899fa579b0415796616a1469eee0d4dd4",
                   "Europe Brent spot price FOB (EIA RBRTE), daily"),
        _eia_price("brent-monthly.csv", "3d663f26d40b85427a8970a4c5c3e6448c70c335",
                   "f54b0314afcb816c125ab666abab9f7189130cda8849c16549c604595df51c7c",
                   "Europe Brent spot price FOB (EIA RBRTE), monthly average"),
        _eia_price("brent-year.csv", "396e1d21f0c42d9904ce8adc152419f9301d43a9",
                   "acfd0d8a75e06d53bf204762256d515f464f7317ddf6796bbaef0f2862cec16b",
                   "Europe Brent spot price FOB (EIA RBRTE), annual average"),
        _eia_price("wti-daily.csv", "1b938b5bbf7df718b657448e73ea8938d6cea6c7",
                   "e296634680fca6c045838d4c07a174383386efa8b657adb7ece4cc7464ef49a8",
                   "Cushing OK WTI spot price FOB (EIA RWTC), daily"),
        _eia_price("wti-monthly.csv", "3d663f26d40b85427a8970a4c5c3e6448c70c335",
                   "9942e3e45f0f4d4622da8aafd9046c4889fa1e6a291417bc72884aad9fac3b21",
                   "Cushing OK WTI spot price FOB (EIA RWTC), monthly average"),
        _eia_price("wti-year.csv", "396e1d21f0c42d9904ce8adc152419f9301d43a9",
                   "6a25a5cad40c74e8f0ae886389177538b463ebe984f4624443d0b16c3b6540b8",
                   "Cushing OK WTI spot price FOB (EIA RWTC), annual average"),
        RawFile(
            "iciv-venezuela/wb_commodities_monthly.csv", WB_PINK, _ICIV,
            "iciv/data/raw/wb_commodities_monthly.csv", "68b6f812aefa0fc7097d6988671de1e0f16ce91c",
            "1f56fe63324c3fe282d31d9422a5fb41e343cac0d71744d139efb660fcd61505",
            "Crude oil, Dubai, monthly price (World Bank Pink Sheet), US$/bbl",
        ),
        RawFile(
            "quandl-eia/PET_MTTNTUSVE2_M.csv", EIA_PSM, "collabmarket/data_oil",
            "data/PET_MTTNTUSVE2_M.csv", "abe28aee734f80ae1b8ba650a33d90a81068bf38",
            "9fa5226ca504d0938e48edaab6e5e9a1660cba0dd2352b880396edf0110c3c79",
            "US net imports from Venezuela of crude oil and petroleum products, kb/d",
        ),
        RawFile(
            "iciv-venezuela/imts_monthly.csv", IMF_IMTS, _ICIV, "iciv/data/raw/imts_monthly.csv",
            "68b6f812aefa0fc7097d6988671de1e0f16ce91c",
            "97e33388a4945e7a53e705f5ace0348a6ad070c7489b8b2c293523ea402c44d6",
            "US-reported trade with Venezuela (IMF IMTS), million US$",
        ),
        RawFile(
            "iciv-venezuela/comtrade_monthly.csv", UN_COMTRADE, _ICIV,
            "iciv/data/raw/comtrade_monthly.csv", "f7fb694c15f464c99bbdde1ca99fd1c24cd24644",
            "907d0ef02304a86dfce042c6b03638ffa8b421c4ecf580472f747239c23a6a7b",
            "Five partners' reported trade with Venezuela (UN Comtrade), million US$",
        ),
        RawFile(
            "growthlab/venezuela_270900_exports.csv", GROWTHLAB,
            "harvard-growth-lab/comtrade-mirroring", "mirror/data/static/venezuela_270900_exports.csv",
            "8f9a5e67e7c1a283803c278b05fe2eab9ef0a640",
            "95e67c42a4af66f3224743a57c8d66df8710bfee8a48ad7b3922faff0d78273c",
            "Growth Lab estimate of Venezuelan crude export value (HS 270900), US$",
        ),
        RawFile(
            "opec-orb/OPEC_ORB.csv", OPEC_ORB, "KalenAsberry12/project_one", "OPEC_ORB.csv",
            "a1a4cd9dd1a78bbb388b691b73da7a70b4217963",
            "91ff8ea43dcbb2dfe2b7ef15868fdf7e9f16e2608a38282b134396c77cf73240",
            "OPEC Reference Basket daily price, US$/bbl",
        ),
        RawFile(
            "iciv-venezuela/imf.csv", IMF_WEO, _ICIV, "iciv/data/raw/imf.csv",
            "a72f4053143fea70d3b326bf85b1b51768c2f1c6",
            "e3e4ed8a3ead3c0df5c7fe12237c5081d1ff53b9cb8219a444629b22361cbd32",
            "Venezuela macro indicators (IMF WEO via DataMapper), percent",
        ),
        RawFile(
            "iciv-venezuela/wdi.csv", WB_WDI, _ICIV, "iciv/data/raw/wdi.csv",
            "538dd3f5897352dff19073f26307caa7293bb906",
            "169c289d4e8da950264f03c7a88ad0c16463096e4616ca3b32a2bff110007b23",
            "Venezuela World Development Indicators, mixed units",
        ),
        RawFile(
            "ucdp-acd/ucdp-prio-acd-221.csv", UCDP_221, "andybega/ds-external-data",
            "acd/input/v22.1/ucdp-prio-acd-221.csv", "02b449dfda33e11ca9ad04257b8855acc2a1f27b",
            "232fe10e37367580c488021fb6f3bc1907b61cf4c1ac6eb84134348628a6c2ec",
            "UCDP/PRIO Armed Conflict Dataset v22.1, conflict-years 1946-2021 (UCDP's own CSV)",
        ),
        RawFile(
            "ucdp-acd/UcdpPrioConflict_v25_1.csv", UCDP_251,
            "Jenssah86/bit_academy_analytics_project",
            "UcdpPrioConflict_v25_1.csv", "93901c43a6c810cf3f5d5972404c9f85337f5ebe",
            "406e587448537b5ae1a4234b7ffd6cc9dff60776171c716a74cb705f8277f6b7",
            "UCDP/PRIO Armed Conflict Dataset v25.1, conflict-years 1946-2024 (re-saved by a third "
            "party: semicolon-separated, D-M-YYYY dates, one record split over two lines)",
        ),
    ]
}


class RawFileError(RuntimeError):
    """A raw input is missing or differs from the vintage recorded above."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_raw(raw_dir: Path, path: str) -> Path:
    """Return the path of a registered raw file after checking its sha256."""
    entry = RAW[path]
    full = Path(raw_dir) / path
    if not full.exists():
        raise RawFileError(f"raw input {full} is missing (see shared/raw/MANIFEST.md)")
    actual = sha256_file(full)
    if actual != entry.sha256:
        raise RawFileError(
            f"raw input {full} has sha256 {actual}, expected {entry.sha256}: "
            "the curated tables are pinned to that vintage"
        )
    return full
