"""Flow units that :meth:`PathResults.cumulative_effect` can sum over calendar days.

A flow unit is an amount per day. ``cumulative_effect`` multiplies each period's
effect by the period's calendar days and by the unit's registered factor (amount
per unit-day), so the sum comes out in the registry's base amount. The models
hold no unit of their own: the application registers its units here, and
``import venecon`` registers the oil-output units (b/d, kb/d, mb/d, summed in
barrels; :data:`venecon.revenue.units.BARRELS_PER_UNIT_DAY`).
"""

from __future__ import annotations

import math

from ...exceptions import ModelSpecificationError

__all__ = ["PER_UNIT_DAY", "register_flow_unit"]

#: Flow unit -> base amount per (unit x day); filled by :func:`register_flow_unit`.
PER_UNIT_DAY: dict[str, float] = {}


def register_flow_unit(unit: str, per_unit_day: float) -> None:
    """Let ``cumulative_effect`` sum outcomes measured in ``unit``.

    Parameters
    ----------
    unit : str
        The unit string models are given (``unit=`` / ``outcome_unit=``), e.g. ``"kb/d"``.
    per_unit_day : float
        Base amount in one unit sustained for one day (1000 barrels for ``"kb/d"``).
    """
    factor = float(per_unit_day)
    if not isinstance(unit, str) or not unit or not (math.isfinite(factor) and factor > 0):
        raise ModelSpecificationError(
            f"a flow unit needs a non-empty name and a positive finite factor; got "
            f"{unit!r} -> {per_unit_day!r}"
        )
    PER_UNIT_DAY[unit] = factor
