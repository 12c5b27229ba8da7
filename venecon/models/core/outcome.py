"""The outcome series a model fits: numeric, finite, varying, on a regular index."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..._periods import series_sha256
from ...exceptions import (
    InsufficientDataError,
    ModelSpecificationError,
    VeneconError,
)
from .calendar import FREQUENCIES, frequency_of, period_label, period_start, regular_index
from .checks import check_outcome_unit

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "Outcome",
    "numeric_values",
    "MAX_MAGNITUDE",
    "check_finite",
    "check_variation",
    "prepare_outcome",
    "prepare_controls",
]


@dataclass(frozen=True)
class Outcome:
    """A checked outcome series and what is known about where it came from."""

    y: pd.Series  # float64, regular period-start DatetimeIndex with freq MS, QS-JAN or YS-JAN
    name: str
    unit: str | None
    provenance: dict[str, Any]  # {"datasets": {...}, "data_version": ...}
    flagged: int  # observations the source flags (e.g. spread annual estimates)
    freq: str = "M"  # "M", "Q" or "Y"

    @property
    def period(self) -> str:
        """The period word: ``"month"``, ``"quarter"`` or ``"year"``."""
        return FREQUENCIES[self.freq][2]

    def label(self, stamp: Any) -> str:
        """A period as written in messages and tables (``2019-03``, ``2019Q1``, ``2019``)."""
        return period_label(stamp, self.freq)



def numeric_values(values: Any, what: str, index: Any = None,
                   error: type[VeneconError] = ModelSpecificationError) -> np.ndarray:
    """``values`` as float64; text or other non-numbers raise ``error``, naming the first offender.

    Missing values (None, NaN) stay NaN (they are reported by the caller with
    their dates); everything else must be a number. ``error`` lets other
    packages (revenue: ``SchemaError``) raise their own class with the same message.
    """
    import numpy as np
    import pandas as pd

    series = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if series.dtype == bool or pd.api.types.is_bool_dtype(series.dtype):
        raise error(f"{what}: the values are booleans; expected numbers")
    try:
        return series.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        pass
    coerced = pd.to_numeric(series, errors="coerce")
    bad = np.flatnonzero(coerced.isna().to_numpy() & series.notna().to_numpy())
    where = ""
    if len(bad):
        first = bad[0]
        at = index[first] if index is not None and len(index) > first else series.index[first]
        where = f" ({len(bad)} value(s), first {series.iloc[first]!r} at {at})"
    raise error(
        f"{what}: the column holds text or other non-numbers{where}; convert it with "
        "pd.to_numeric(..., errors='coerce') and handle the entries it cannot read"
    )



#: Largest magnitude the time-series models accept: the squares and cross-products of
#: larger values overflow float64 (max ~1.8e308) in least squares and likelihoods.
MAX_MAGNITUDE = 1e100



def check_finite(y: pd.Series, what: str, freq: str = "M") -> None:
    """Raise when ``y`` holds infinite or overflowing values, naming them.

    An infinity makes every estimate infinite; a finite value above
    :data:`MAX_MAGNITUDE` overflows once squared, with the same result.
    """
    import numpy as np

    values = y.to_numpy(dtype="float64")
    bad = np.isinf(values)
    if bad.any():
        shown = ", ".join(period_label(d, freq) for d in y.index[bad][:10])
        raise ModelSpecificationError(
            f"{what}: {int(bad.sum())} infinite value(s) ({shown}); an infinity makes every "
            "estimate infinite: fix or drop those observations (e.g. a division by zero upstream)"
        )
    huge = np.abs(values) > MAX_MAGNITUDE
    if huge.any():
        shown = ", ".join(period_label(d, freq) for d in y.index[huge][:10])
        raise ModelSpecificationError(
            f"{what}: {int(huge.sum())} value(s) larger than {MAX_MAGNITUDE:g} in magnitude "
            f"({shown}, e.g. {values[huge][0]:g}); their squares overflow double precision: "
            "check those observations (units, a sentinel value) or rescale the series"
        )



def check_variation(y: pd.Series, what: str) -> None:
    """Raise when ``y`` is constant: a model of its changes would report rounding noise.

    Constant means every value equals the first up to ``1e-12`` of its scale.
    """
    import numpy as np

    values = y.to_numpy(dtype="float64")
    if len(values) == 0:
        return
    scale = max(float(np.max(np.abs(values))), 1.0)
    if float(np.ptp(values)) <= 1e-12 * scale:
        raise ModelSpecificationError(
            f"{what}: the series is constant ({values[0]:g} in all {len(values)} periods); there "
            "is no variation to estimate effects from (standard errors and p-values would be "
            "rounding noise). Check that the right series was selected"
        )



def _regularise(y: pd.Series, what: str, freq: str) -> pd.Series:
    """Sort (with a warning) and check for duplicates, gaps, missing and infinite values."""
    import numpy as np
    import pandas as pd

    word = FREQUENCIES[freq][2]
    if not y.index.is_monotonic_increasing:
        warnings.warn(
            f"{what}: the dates were not in increasing order; the observations were sorted by date",
            UserWarning,
            stacklevel=5,
        )
        y = y.sort_index(kind="stable")
    duplicated = y.index[y.index.duplicated()]
    if len(duplicated):
        shown = ", ".join(period_label(d, freq) for d in duplicated.unique()[:10])
        raise ModelSpecificationError(
            f"{what}: {len(duplicated)} duplicated {word}(s) in the outcome ({shown}); "
            f"filter the data to one value per {word} (for a tidy frame, select one "
            "country/series/source)"
        )
    if len(y) > 1:
        steps = np.diff(y.index.to_period(FREQUENCIES[freq][0]).asi8)
        if (steps != 1).any():
            gaps = [
                f"{period_label(y.index[i], freq)} -> {period_label(y.index[i + 1], freq)}"
                for i in np.flatnonzero(steps != 1)
            ]
            raise ModelSpecificationError(
                f"{what}: the {FREQUENCIES[freq][2]}ly index is irregular; {word}s are missing "
                f"between {', '.join(gaps[:10])}. Time-series models need consecutive {word}s: "
                "restrict the sample (start/end) or fill the gaps explicitly"
            )
    missing = y.index[y.isna().to_numpy()]
    if len(missing):
        shown = ", ".join(period_label(d, freq) for d in missing[:10])
        raise ModelSpecificationError(
            f"{what}: {len(missing)} missing value(s) in the outcome ({shown}); restrict the "
            "sample with start/end or impute them explicitly before fitting"
        )
    check_finite(y, what, freq)
    out = pd.Series(y.to_numpy(dtype="float64"),
                    index=pd.DatetimeIndex(y.index, freq=FREQUENCIES[freq][1]))
    out.index.name = "date"
    out.name = y.name
    return out



def prepare_outcome(
    data: Any,
    *,
    outcome: str | None = None,
    start: Any = None,
    end: Any = None,
    outcome_unit: str | None = None,
) -> Outcome:
    """Check and normalise the outcome of a time-series model.

    Parameters
    ----------
    data : Series or DataFrame
        A Series with a date index (monthly, quarterly or annual dates, a
        PeriodIndex, or integer years); a tidy frame with ``date`` and
        ``value`` columns (as returned by :func:`venecon.load`, one country
        and series); or a wide frame with such an index and an ``outcome`` column.
    outcome : str, optional
        Column of a wide frame; the name of the outcome otherwise.
    start, end : date-like or int, optional
        Inclusive estimation sample (an int is a year).
    outcome_unit : str, optional
        Unit of the outcome (``"kb/d"``); read from a tidy frame's ``unit`` column if omitted.

    Raises
    ------
    FrequencyError
        An index that is not one regular monthly, quarterly or annual frequency.
    ModelSpecificationError
        Text in the values, missing or infinite values, gaps, duplicates, a
        constant series.
    """
    import numpy as np
    import pandas as pd

    unit = check_outcome_unit(outcome_unit)
    provenance: dict[str, Any] | None = None
    flagged = 0
    flags: pd.Series | None = None
    if isinstance(data, pd.Series):
        name = outcome or (str(data.name) if data.name is not None else "y")
        index = regular_index(data.index, "outcome")
        y = pd.Series(numeric_values(data, "outcome", data.index), index=index, name=name)
    elif isinstance(data, pd.DataFrame):
        attrs = data.attrs.get("venecon")
        if isinstance(attrs, Mapping) and "datasets" in attrs:
            provenance = {
                "datasets": dict(attrs["datasets"]),
                "data_version": attrs.get("data_version"),
            }
        if "date" in data.columns and "value" in data.columns:
            for key in ("country", "series", "source"):
                if key in data.columns:
                    values = data[key].dropna().unique().tolist()
                    if len(values) > 1:
                        raise ModelSpecificationError(
                            f"outcome: the tidy frame holds {len(values)} values of {key!r} "
                            f"({', '.join(map(str, values[:6]))}); select one, e.g. "
                            f"venecon.load(..., {key}={values[0]!r})"
                        )
            if unit is None and "unit" in data.columns:
                units = data["unit"].dropna().unique().tolist()
                unit = str(units[0]) if len(units) == 1 else None
            if outcome is None:
                if "series" in data.columns and data["series"].notna().any():
                    outcome = str(data["series"].dropna().iloc[0])
                else:
                    outcome = "value"
            name = outcome
            dates = data["date"]
            index = regular_index(pd.Index(dates), "outcome")
            y = pd.Series(numeric_values(data["value"], "outcome", dates.to_numpy()),
                          index=index, name=name)
            if "flag" in data.columns:
                flags = pd.Series(data["flag"].notna().to_numpy(), index=y.index)
        else:
            if outcome is None:
                if data.shape[1] != 1:
                    raise ModelSpecificationError(
                        "outcome: pass outcome=<column> to choose the outcome of a wide frame "
                        f"(columns: {', '.join(map(str, data.columns[:10]))}), or a tidy frame "
                        "with 'date' and 'value' columns"
                    )
                outcome = str(data.columns[0])
            if outcome not in data.columns:
                raise ModelSpecificationError(
                    f"outcome: column {outcome!r} not in the frame "
                    f"(columns: {', '.join(map(str, data.columns[:10]))})"
                )
            name = outcome
            index = regular_index(data.index, "outcome")
            y = pd.Series(numeric_values(data[outcome], f"outcome {outcome!r}", data.index),
                          index=index, name=name)
    else:
        raise ModelSpecificationError(
            f"data must be a pandas Series or DataFrame, got {type(data).__name__}"
        )
    if len(y) == 0:
        raise InsufficientDataError(
            "outcome: the series is empty (no observations); pass the data to model, e.g. "
            "venecon.load(...) with a country and series that exist"
        )
    freq = frequency_of(y.index) if len(y) > 1 else "M"
    if len(y) == 1 and isinstance(y.index, pd.DatetimeIndex):
        freq = "M"
    y.name = name
    if start is not None or end is not None:
        lo = period_start(start, freq, "start") if start is not None else None
        hi = period_start(end, freq, "end") if end is not None else None
        keep = np.ones(len(y), dtype=bool)
        if lo is not None:
            keep &= np.asarray(y.index >= lo)
        if hi is not None:
            keep &= np.asarray(y.index <= hi)
        if not keep.any():
            raise InsufficientDataError(
                f"outcome: no observations between {start!r} and {end!r}; the data cover "
                f"{period_label(y.index.min(), freq)} to {period_label(y.index.max(), freq)}"
            )
        y = y[keep]
        if flags is not None:
            flags = flags[keep]
    y = _regularise(y, "outcome", freq)
    check_variation(y, "outcome")
    if flags is not None:
        flagged = int(flags.sum())
        if flagged:
            first = flags.index[flags.to_numpy()].min()
            last = flags.index[flags.to_numpy()].max()
            warnings.warn(
                f"outcome: {flagged} observation(s) between {period_label(first, freq)} and "
                f"{period_label(last, freq)} are flagged by the source (e.g. annual estimates "
                "spread evenly over months); they carry no monthly information. Consider "
                "start= after them.",
                UserWarning,
                stacklevel=4,
            )
    if provenance is None:
        provenance = {"datasets": {"user-supplied": series_sha256(y)}, "data_version": None}
    return Outcome(y=y, name=name, unit=unit, provenance=provenance, flagged=flagged, freq=freq)



def prepare_controls(controls: Any, index: pd.DatetimeIndex) -> pd.DataFrame | None:
    """Align control regressors to the estimation sample; all values must be present and finite."""
    import pandas as pd

    if controls is None:
        return None
    if isinstance(controls, pd.Series):
        controls = controls.to_frame(controls.name if controls.name is not None else "control")
    if not isinstance(controls, pd.DataFrame):
        raise ModelSpecificationError(
            "controls must be a Series or DataFrame with a date index, got "
            f"{type(controls).__name__}"
        )
    freq = frequency_of(index)
    frame = pd.DataFrame(
        {c: numeric_values(controls[c], f"controls {c!r}", controls.index)
         for c in controls.columns},
        index=regular_index(controls.index, "controls"),
    )
    if frame.index.duplicated().any():
        raise ModelSpecificationError(f"controls: duplicated {FREQUENCIES[freq][2]}s in the index")
    frame = frame.reindex(index)
    bad = frame.index[frame.isna().any(axis=1).to_numpy()]
    if len(bad):
        shown = ", ".join(period_label(d, freq) for d in bad[:10])
        raise ModelSpecificationError(
            f"controls: {len(bad)} {FREQUENCIES[freq][2]}(s) of the estimation sample lack "
            f"control values ({shown})"
        )
    frame.columns = [str(c) for c in frame.columns]
    for c in frame.columns:
        check_finite(frame[c], f"controls {c!r}", freq)
    return frame.astype("float64")

