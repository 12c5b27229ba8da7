"""Country names in the raw files -> ISO 3166-1 alpha-3 codes.

pycountry resolves the standard names; ``OVERRIDES`` holds the spellings the
publishers use that pycountry does not know. ``AGGREGATES`` lists rows that are
not countries (regional totals, residual "Other ..." groups) and are dropped on
purpose; the world total is kept under the World Bank code ``WLD``.
An unmapped name raises, so a new spelling in a future raw file cannot slip
through as a silent drop.
"""

from __future__ import annotations

import re

import pycountry

WORLD = "WLD"

# Publisher spelling -> ISO alpha-3. Add entries here (alphabetical) when a
# raw file uses a name pycountry cannot resolve.
OVERRIDES: dict[str, str] = {
    "brunei": "BRN",
    "china hong kong sar": "HKG",
    "iran ir": "IRN",
    "ir iran": "IRN",
    "korea, republic of": "KOR",
    "republic of congo": "COG",
    "russia": "RUS",
    "russian federation": "RUS",
    "south korea": "KOR",
    "trinidad & tobago": "TTO",
    "trinidad and tobago": "TTO",
    "turkey": "TUR",
    "uae": "ARE",
    "united kingdom": "GBR",
    "us": "USA",
    "usa": "USA",
    "united states": "USA",
    "venezuela": "VEN",
    "vietnam": "VNM",
}

WORLD_NAMES = {"total world", "world", "world total"}


def _normalise(name: str) -> str:
    return re.sub(r"\s+", " ", str(name).replace("\u00a0", " ")).strip().lower()


def is_aggregate(name: str) -> bool:
    """True for regional totals and residual groups that are not countries."""
    key = _normalise(name)
    if key in WORLD_NAMES:
        return False
    return (
        key.startswith(("total ", "other ", "of which", "rest of"))
        or key.endswith((" total", " others"))
        or key
        in {
            "opec",
            "non-opec",
            "oecd",
            "non-oecd",
            "european union",
            "eu",
            "cis",
            "ussr",
            "fsu",  # OPEC ASB: former Soviet Union total
            "others",  # OPEC ASB: residual row of each region
            "opec percentage",  # OPEC ASB: OPEC share of the world, not a country
            "european union #",  # EI: footnote mark on the EU total
            "sudans",  # OPEC ASB: Sudan and South Sudan combined (not one ISO country)
            "former soviet union",
            "middle east",
            "africa",
            "asia pacific",
            "asia and pacific",  # OPEC ASB region rows (T53) and destinations (T51, T52)
            "eastern europe and eurasia",
            "western europe",
            "north america",
            "latin america",
            "europe",
        }
    )


def iso3(name: str) -> str:
    """Return the ISO alpha-3 code for a publisher's country name.

    Raises
    ------
    KeyError
        If the name is neither a known country nor the world total. Aggregates
        must be filtered with :func:`is_aggregate` before calling this.
    """
    key = _normalise(name)
    if key in WORLD_NAMES:
        return WORLD
    if key in OVERRIDES:
        return OVERRIDES[key]
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        raise KeyError(
            f"no ISO 3166 code for country name {name!r}: add it to OVERRIDES in "
            "datasets/_build/countries.py or to the aggregate list"
        ) from None


def aliases(codes: list[str]) -> dict[str, str]:
    """Lower-case names and alpha-2 codes -> alpha-3, for the codes the tables use.

    Written into ``datapackage.json`` so that ``venecon.load`` can answer a
    country given as "Venezuela" or "VE" with its alpha-3 code without needing
    pycountry at run time.
    """
    out: dict[str, str] = {}
    for code in sorted(set(codes)):
        if code == WORLD:
            for name in WORLD_NAMES:
                out[name] = WORLD
            continue
        country = pycountry.countries.get(alpha_3=code)
        if country is None:  # e.g. SUN, a withdrawn code
            historic = pycountry.historic_countries.get(alpha_3=code)
            if historic is not None:
                out[_normalise(historic.name)] = code
            continue
        out[country.alpha_2.lower()] = code
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                out[_normalise(value)] = code
    for name, code in OVERRIDES.items():
        if code in codes:
            out[name] = code
    return dict(sorted(out.items()))
