"""Country codes that are not countries: totals and groups, never units of a comparison.

The bundled tables use two (``venecon.describe(name)`` says so in their
``country`` field): ``WLD``, the world total or an international benchmark
(World Bank convention), and ``SUN``, the withdrawn ISO code of the USSR, whose
rows total the later Soviet republics. The others are the group codes a user's
panel from the World Bank, OECD or OPEC is likely to carry.
"""

from __future__ import annotations

__all__ = ["AGGREGATE_CODES"]

#: Totals and groups: the bundled tables' ``WLD`` and ``SUN``; World Bank ``EUU``
#: (European Union), ``EMU`` (euro area), ``OED`` (OECD members); and the common
#: spellings ``EU``, ``OECD``, ``OPEC``, ``OPC``, ``NONOPEC`` and ``ROW`` (rest of world).
AGGREGATE_CODES = frozenset(
    {"WLD", "SUN", "EUU", "EMU", "OED", "EU", "OECD", "OPEC", "OPC", "NONOPEC", "ROW"}
)
