"""The one JSON form of venecon's outputs: ``results.json``, every ``to_dict()``, provenance.

:func:`canonical` turns numbers, dates, numpy and pandas objects into plain JSON
types, the same way wherever it is called:

* mappings: keys as text, sorted (so a file does not depend on insertion order);
* floats: rounded to ``digits`` significant digits (:data:`DIGITS` by default,
  so ``results.json`` does not depend on the last bits of floating-point
  arithmetic; ``None`` keeps every bit), NaN and infinities as ``None``,
  ``-0.0`` as ``0.0``;
* numpy scalars and arrays as Python numbers and lists; sets as sorted lists;
* dates: ``YYYY-MM-DD`` (full ISO text when there is a time of day); with
  ``dates="month"`` the first day of a month reads ``YYYY-MM`` (the study
  files, whose periods are months); ``NaT`` as ``None``; a ``Period`` as its text;
* a ``Series`` as a mapping of index to value; a ``DataFrame`` as a list of
  records, its index as a column unless it is a plain ``RangeIndex``.

It sits below every other module (it imports only numpy and pandas).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["DIGITS", "canonical"]

#: Significant digits kept for every float in ``results.json``.
DIGITS = 10


def canonical(value: Any, digits: int | None = DIGITS,
              dates: Literal["day", "month"] = "day") -> Any:
    """A JSON-safe copy of ``value`` (see the module docstring for the rules).

    Parameters
    ----------
    value : any
        What to convert; containers are converted recursively.
    digits : int or None, default :data:`DIGITS`
        Significant digits of floats; ``None`` keeps them exact.
    dates : {"day", "month"}, default "day"
        ``"month"`` writes a timestamp on the first day of a month as ``YYYY-MM``.
    """
    import numpy as np
    import pandas as pd

    def again(v: Any) -> Any:
        return canonical(v, digits, dates)

    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        x = float(value)
        if not math.isfinite(x):
            return None
        return (x if digits is None else float(f"{x:.{digits}g}")) + 0.0  # -0.0 -> 0.0
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        if value != value.normalize():
            return value.isoformat()
        return f"{value:%Y-%m}" if dates == "month" and value.day == 1 else f"{value:%Y-%m-%d}"
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, pd.Series):
        return {str(again(k)): again(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        frame = value if isinstance(value.index, pd.RangeIndex) else value.reset_index()
        return [again(row) for row in frame.to_dict("records")]
    if isinstance(value, np.ndarray | pd.Index):
        return again(value.tolist())
    if isinstance(value, Mapping):
        return {str(k): again(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | range):
        return [again(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((again(v) for v in value), key=str)
    return str(value)
