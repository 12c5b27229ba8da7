"""Input checks shared by venecon's time-series models.

Every estimator goes through the same steps: turn the user's data (a pandas
Series with a date index, a tidy frame from :func:`venecon.load`, or a wide
frame with a date index) into a float Series on a regular monthly, quarterly
or annual index (:func:`regular_index`), check its values once, before any
linear algebra (:func:`numeric_values`, :func:`check_finite`,
:func:`check_variation`), resolve the events to positions in that index, and
check that there are enough observations. Other models call the same public
functions. Each failure raises a specific
:class:`~venecon.exceptions.ModelSpecificationError` (or its subclass
:class:`~venecon.exceptions.InsufficientDataError`) whose message names the
offending dates; where a harmless default exists (an unsorted index) the data
are fixed and a warning says what was done.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._periods import series_sha256
from ..exceptions import (
    FrequencyError,
    InsufficientDataError,
    ModelSpecificationError,
    VeneconError,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "Outcome",
    "Event",
    "FREQUENCIES",
    "MAX_MAGNITUDE",
    "check_finite",
    "check_partial",
    "check_variation",
    "event_date",
    "frequency_of",
    "numeric_values",
    "period_label",
    "period_start",
    "prepare_controls",
    "prepare_outcome",
    "regular_index",
    "resolve_events",
]

EventsArg = Any  # date-like, event id, sequence of them, or mapping label -> date-like/id


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


@dataclass(frozen=True)
class Event:
    """An event resolved against the estimation sample."""

    label: str
    date: pd.Timestamp  # the date as given or as recorded in the registry
    position: int  # index of the first (partially) treated period
    period: pd.Timestamp  # that period's start
    value: Any = None  # what the regressor builders get: the registry id or the date

    @property
    def spec(self) -> Any:
        """The event as the regressor builders take it (registry id, date or year start)."""
        return self.date if self.value is None else self.value


#: Supported frequencies: code -> (pandas period code, offset alias of period starts, word).
FREQUENCIES = {
    "M": ("M", "MS", "month"),
    "Q": ("Q-DEC", "QS-JAN", "quarter"),
    "Y": ("Y-DEC", "YS-JAN", "year"),
}


def frequency_of(index: Any) -> str:
    """``"M"``, ``"Q"`` or ``"Y"`` of a regular index of period starts, integer years or periods.

    A ``DatetimeIndex`` is read from its ``freq`` if set (as :func:`regular_index`
    sets it), else from the spacing of its dates; one or no date is monthly.
    """
    import numpy as np
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        code = index.freqstr.split("-")[0][0]
        return {"A": "Y"}.get(code, code)
    if not isinstance(index, pd.DatetimeIndex):
        if np.asarray(index).dtype.kind in "iu":
            return "Y"
        raise FrequencyError(f"expected a date index or integer years, got {type(index).__name__}")
    if index.freqstr is not None:
        code = index.freqstr.split("-")[0].rstrip("SE")
        code = {"A": "Y"}.get(code, code)
        if code in FREQUENCIES:
            return code
    months = np.unique(index.to_period("M").asi8)
    step = int(np.gcd.reduce(np.diff(months))) if len(months) > 1 else 1
    return "Y" if step % 12 == 0 else "Q" if step % 3 == 0 and step % 6 != 0 else "M"


def period_label(stamp: Any, freq: str) -> str:
    """How a period is written in messages and tables: ``2019-03``, ``2019Q1`` or ``2019``."""
    import pandas as pd

    stamp = pd.Timestamp(stamp)
    if freq == "Y":
        return f"{stamp:%Y}"
    if freq == "Q":
        return f"{stamp.year}Q{stamp.quarter}"
    return f"{stamp:%Y-%m}"


def _years(values: Any, what: str) -> pd.DatetimeIndex:
    """Integer (or integral float) calendar years as year-start dates."""
    import numpy as np
    import pandas as pd

    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise FrequencyError(
                f"{what}: the index holds non-integer numbers ({arr[:3].tolist()}...); expected "
                "dates or integer calendar years"
            )
        arr = arr.astype("int64")
    if len(arr) and (arr.min() < 1000 or arr.max() > 9999):
        raise FrequencyError(
            f"{what}: the index holds the numbers {arr.min()}..{arr.max()}, not dates or calendar "
            "years (a RangeIndex?). Give the data a date index, e.g. df.set_index('date'), a "
            "tidy frame with a 'date' column, or integer years (1965, 1966, ...)"
        )
    return pd.DatetimeIndex([pd.Timestamp(int(year), 1, 1) for year in arr])


def regular_index(index: Any, what: str) -> pd.DatetimeIndex:
    """Map a date-like index to period starts of one regular frequency: month, quarter or year.

    Accepted: a ``DatetimeIndex`` (or anything ``pd.DatetimeIndex`` reads) with
    one date per month, quarter or year, stamped on the same day of the period
    or on its last day; a monthly, quarterly or annual ``PeriodIndex``; integer
    calendar years. The frequency is read from the dates' spacing (the
    greatest common divisor of the steps in months), so a gap in a monthly
    series is reported as a gap, not as another frequency. The returned dates
    are the periods' first days with ``freq`` set (``MS``, ``QS-JAN``, ``YS-JAN``).

    Raises
    ------
    FrequencyError
        No dates, a time of day, more than one date per month, a spacing that
        is not 1, 3 or 12 months, or dates on different days of their periods.
    """
    import numpy as np
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        code = index.freqstr.split("-")[0]
        code = {"A": "Y", "YE": "Y", "ME": "M", "QE": "Q"}.get(code, code)
        if code not in FREQUENCIES:
            raise FrequencyError(
                f"{what}: a PeriodIndex of frequency {index.freqstr!r} is not supported; use "
                "monthly, quarterly or annual periods"
            )
        stamps = index.to_timestamp(how="start")
        return pd.DatetimeIndex(stamps.to_period(FREQUENCIES[code][0]).to_timestamp(how="start"))
    if not isinstance(index, pd.DatetimeIndex):
        values = np.asarray(index)
        if values.dtype.kind in "iuf" and values.dtype != bool:
            return _years(values, what)
        try:
            index = pd.DatetimeIndex(index)
        except (TypeError, ValueError) as exc:
            raise FrequencyError(
                f"{what}: the index must hold dates (a DatetimeIndex or PeriodIndex) or integer "
                f"years, got {type(index).__name__} ({exc})"
            ) from None
    if index.hasnans:
        raise FrequencyError(f"{what}: the date index contains missing dates (NaT)")
    if index.tz is not None:
        index = index.tz_localize(None)
    if (index.normalize() != index).any():
        raise FrequencyError(
            f"{what}: dates carry a time of day (e.g. {index[index.normalize() != index][0]}); "
            "expected one date per month, quarter or year"
        )
    months = index.to_period("M")
    unique = np.unique(months.asi8)
    if len(unique) < len(np.unique(index.asi8)):
        raise FrequencyError(
            f"{what}: more than one date in a month (daily or weekly data?); time-series models "
            "take one observation per month, quarter or year: aggregate first, e.g. "
            "series.resample('MS').mean()"
        )
    step = int(np.gcd.reduce(np.diff(unique))) if len(unique) > 1 else 0
    if step == 0:
        freq = frequency_of(index) if index.freq is not None else "M"
    elif step % 12 == 0:
        freq = "Y"
    elif step % 3 == 0 and step % 6 != 0:
        freq = "Q"
    elif step == 1:
        freq = "M"
    else:
        raise FrequencyError(
            f"{what}: the index is irregular: dates are {step} months apart, which is not a "
            "monthly, quarterly or annual frequency; give one observation per month, quarter "
            "or year"
        )
    period_code, _, word = FREQUENCIES[freq]
    periods = index.to_period(period_code)
    starts = periods.to_timestamp(how="start")
    # The same place in each period (its first day, the 15th of its middle month, ...)
    # or each period's last day; monthly data may also be stamped on the 28th-31st.
    place = set(zip((months.asi8 - starts.to_period("M").asi8).tolist(), index.day.tolist(),
                    strict=True))
    ends = periods.to_timestamp(how="end").normalize() == index
    if len(place) > 1 and not ends.all() and not (
            freq == "M" and set(index.day.tolist()) <= {28, 29, 30, 31}):
        raise FrequencyError(
            f"{what}: dates fall on different days of the {word} "
            f"({', '.join(f'{d:%Y-%m-%d}' for d in index[:3])}...); expected one observation "
            f"per {word}, stamped at its start or its end"
        )
    return pd.DatetimeIndex(starts)


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


def check_count(value: Any, name: str, minimum: int) -> int:
    """An int option (``n_simulations``, ``seed``, ...) of at least ``minimum``, else a clear error.

    Floats, text and booleans are refused rather than truncated, so ``seed=2.7``
    or ``seed="5"`` cannot silently become another seed.
    """
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ModelSpecificationError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


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


def check_partial(partial: Any) -> str:
    """``partial`` if it is one of ``"start"``, ``"next"``, ``"fraction"``, else a clear error."""
    allowed = ("start", "next", "fraction")
    if partial not in allowed:
        raise ModelSpecificationError(
            f"partial must be one of {', '.join(map(repr, allowed))}, got {partial!r}: it says "
            "how an event dated inside a period is placed (see venecon.policy.regressors)"
        )
    return partial


def _regularise(y: pd.Series, what: str, freq: str) -> pd.Series:
    """Sort (with a warning) and check for duplicates, gaps, missing and infinite values."""
    import numpy as np
    import pandas as pd

    word = FREQUENCIES[freq][2]
    if not y.index.is_monotonic_increasing:
        warnings.warn(
            f"{what}: the dates were not in increasing order; the observations were sorted by date",
            UserWarning,
            stacklevel=4,
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
    unit: str | None = None,
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
    unit : str, optional
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
                stacklevel=3,
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
            f"controls must be a Series or DataFrame with a date index, got {type(controls).__name__}"
        )
    freq = frequency_of(index)
    frame = pd.DataFrame(
        {c: numeric_values(controls[c], f"controls {c!r}", controls.index) for c in controls.columns},
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


def regressors() -> Any:
    """The event-regressor builders of :mod:`venecon.policy.regressors`."""
    try:
        from ..policy import regressors as module
    except ImportError as exc:  # pragma: no cover - the policy package ships with venecon
        raise ImportError(
            "venecon.policy.regressors is required to build event regressors"
        ) from exc
    return module


def event_date(value: Any) -> tuple[str, pd.Timestamp]:
    """(label, date) for a date-like, an integer year or a registry event id.

    Public so that other modules (``StructuralBreaksResults.compare_events``)
    read events exactly as the models do.
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, str):
        if not value.strip():
            raise ModelSpecificationError(
                "an event is an empty string; give a date ('YYYY-MM-DD'), a year or a registry "
                "id such as 'eo13808' (see venecon.events())"
            )
        try:
            return value, pd.Timestamp(value)
        except (TypeError, ValueError):
            pass
        import venecon

        try:
            record = venecon.event(value)  # raises EventNotFoundError for unknown ids
        except AttributeError:
            from ..policy import event as lookup

            record = lookup(value)
        date = record["date"] if isinstance(record, Mapping) else record.date
        return value, pd.Timestamp(date)
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        if not 1000 <= int(value) <= 9999:
            raise ModelSpecificationError(
                f"cannot read event {value!r} as a date: an integer is read as a calendar year "
                "(1000-9999); pass dates as 'YYYY-MM-DD'"
            )
        return str(int(value)), pd.Timestamp(int(value), 1, 1)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ModelSpecificationError(f"cannot read event {value!r} as a date ({exc})") from None
    if stamp is pd.NaT:
        raise ModelSpecificationError("an event date is missing (NaT)")
    return f"{stamp:%Y-%m-%d}", stamp


def resolve_events(
    events: EventsArg, index: pd.DatetimeIndex, *, partial: str = "start"
) -> list[Event]:
    """Resolve events to positions in ``index``, sorted by date.

    ``events`` is one date-like, integer year or registry id, a sequence of
    them, or a mapping ``label -> date-like or id``. The first treated period
    is where :func:`venecon.policy.regressors.step` first becomes non-zero, so
    the models share the registry's convention for events within a period
    (``partial``) at every frequency.

    Raises
    ------
    ModelSpecificationError
        No events, an event before the second observation or after the last,
        two events whose first treated period coincides, an unknown ``partial``.
    """
    import numpy as np
    import pandas as pd

    check_partial(partial)
    freq = frequency_of(index)
    code, _, word = FREQUENCIES[freq]
    label_of = lambda stamp: period_label(stamp, freq)  # noqa: E731
    if events is None or (isinstance(events, Sequence | Mapping) and not isinstance(events, str)
                          and len(events) == 0):
        raise ModelSpecificationError("at least one event is required")
    if isinstance(events, Mapping):
        items = []
        for label, value in events.items():
            _, date = event_date(value)
            items.append((str(label), value, date))
    else:
        if isinstance(events, str) or not isinstance(events, Sequence):
            events = [events]
        items = [(*event_date(v), v) for v in events]
        items = [(label, value, date) for label, date, value in items]
    labels = [label for label, _, _ in items]
    if len(set(labels)) != len(labels):
        raise ModelSpecificationError(f"event labels must be unique, got {labels}")
    build = regressors().step
    first, last = index[0].to_period(code), index[-1].to_period(code)
    resolved = []
    for label, value, date in items:
        # An integer year goes to the builder as its first day.
        value = date if isinstance(value, int | np.integer) else value
        period = date.to_period(code)
        if period > last:
            raise ModelSpecificationError(
                f"event {label!r} ({date:%Y-%m-%d}) is after the sample, which ends "
                f"{label_of(index[-1])}; extend end= or drop the event"
            )
        if period <= first and not (period == first and partial == "next"):
            raise ModelSpecificationError(
                f"event {label!r} ({date:%Y-%m-%d}) is at or before the first observation "
                f"({label_of(index[0])}): there is no pre-event period; move start= earlier"
            )
        # Ids go to the builder as ids so the registry's own date and rules apply.
        try:
            on = np.asarray(build(index, value, partial=partial), dtype="float64")
        except VeneconError as exc:
            raise ModelSpecificationError(f"event {label!r}: {exc}") from exc
        nonzero = np.flatnonzero(on != 0)
        if nonzero.size == 0:
            raise ModelSpecificationError(
                f"event {label!r} ({date:%Y-%m-%d}) is after the sample, which ends "
                f"{label_of(index[-1])}; extend end= or drop the event"
            )
        position = int(nonzero[0])
        if position == 0:
            raise ModelSpecificationError(
                f"event {label!r} ({date:%Y-%m-%d}) is at or before the first observation "
                f"({label_of(index[0])}): there is no pre-event period; move start= earlier"
            )
        resolved.append(Event(label, date, position, pd.Timestamp(index[position]), value))
    resolved.sort(key=lambda e: (e.position, e.date))
    for a, b in zip(resolved, resolved[1:], strict=False):
        if a.position == b.position:
            raise ModelSpecificationError(
                f"events {a.label!r} ({a.date:%Y-%m-%d}) and {b.label!r} ({b.date:%Y-%m-%d}) "
                f"both start in {label_of(a.period)}: their effects cannot be told apart at "
                f"{'annual' if freq == 'Y' else FREQUENCIES[freq][2] + 'ly'} frequency; drop "
                "or merge one of them"
            )
    return resolved


def events_frame(events: Sequence[Event]) -> pd.DataFrame:
    """The ``events`` table of a :class:`~venecon.models.results.PathResults`:
    ``date`` (as given) and ``period`` (first treated period), indexed by label."""
    import pandas as pd

    return pd.DataFrame(
        {"date": [ev.date for ev in events], "period": [ev.period for ev in events]},
        index=pd.Index([ev.label for ev in events], name="event"),
    )


def hac_lags(rule: int | str, nobs: int) -> int:
    """Newey-West lag length.

    ``"nw"`` applies the Newey and West (1994) rule of thumb
    ``floor(4 * (nobs / 100) ** (2 / 9))``; an integer is used as given.
    """
    if isinstance(rule, str):
        if rule.lower() != "nw":
            raise ModelSpecificationError(f"hac_lags must be 'nw' or a non-negative int, got {rule!r}")
        return int(4 * (nobs / 100.0) ** (2.0 / 9.0))
    if isinstance(rule, bool) or not isinstance(rule, int) or rule < 0:
        raise ModelSpecificationError(f"hac_lags must be 'nw' or a non-negative int, got {rule!r}")
    return int(rule)


def period_start(value: Any, freq: str, what: str,
                 error: type[Exception] = ModelSpecificationError) -> pd.Timestamp:
    """First day of the month, quarter or year (``freq``) holding ``value``; an int is a year."""
    import numpy as np
    import pandas as pd

    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        if not 1000 <= int(value) <= 9999:
            raise error(f"{what}: an integer is read as a calendar year, got {value!r}")
        value = pd.Timestamp(int(value), 1, 1)
    stamp = month_start(value, what, error)
    return stamp.to_period(FREQUENCIES[freq][0]).to_timestamp(how="start")


def month_start(value: Any, what: str,
                error: type[Exception] = ModelSpecificationError) -> pd.Timestamp:
    """First day of the month of a date-like ``value``; raises ``error`` if it is no date."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise error(f"{what}: cannot read {value!r} as a date ({exc})") from None
    if stamp is pd.NaT:
        raise error(f"{what}: the date is missing (NaT)")
    return stamp.to_period("M").to_timestamp()


def check_alpha(alpha: Any, what: str = "alpha") -> float:
    """``alpha`` as a float in (0, 1), else :class:`ModelSpecificationError`.

    Outside (0, 1) the critical values or quantiles of an interval swap sides
    or become NaN, so every interval level is checked here.
    """
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(alpha, bool) or not 0 < value < 1:
        raise ModelSpecificationError(f"{what} must be in (0, 1), got {alpha!r}")
    return value


def require(n: int, need: int, what: str) -> None:
    """Raise :class:`InsufficientDataError` when ``n < need``."""
    if n < need:
        raise InsufficientDataError(f"{what}: {n} observation(s), at least {need} required")


def check_rank(x: np.ndarray, names: Sequence[str], model: str) -> None:
    """Raise when the design matrix lacks full column rank, naming a culprit column."""
    import numpy as np

    rank = np.linalg.matrix_rank(x)
    if rank == x.shape[1]:
        return
    culprits = []
    for j in range(x.shape[1]):
        others = np.delete(x, j, axis=1)
        if np.linalg.matrix_rank(others) == rank:
            culprits.append(names[j])
    raise ModelSpecificationError(
        f"{model}: the regressors are collinear (rank {rank} < {x.shape[1]} columns); "
        f"columns involved: {', '.join(culprits) or 'unknown'}. Events too close together "
        "or to the sample's ends, a constant control, or seasonal dummies with too few "
        "months can cause this"
    )


def check_residuals(resid: np.ndarray, y: np.ndarray, model: str) -> None:
    """Warn when a fit is exact up to rounding: its standard errors are then rounding noise.

    Exact means a residual root mean square below ``1e-10`` of the outcome's
    largest absolute value (real data never come that close; a constructed
    series, e.g. a straight line, does). A warning rather than an error: the
    point estimates are right, and a constructed series is a legitimate test
    input. A constant outcome is an error earlier (:func:`check_variation`).
    """
    import numpy as np

    resid = np.asarray(resid, dtype="float64")
    scale = max(float(np.max(np.abs(y))) if len(y) else 0.0, 1e-300)
    rms = float(np.sqrt(np.mean(resid**2))) if len(resid) else 0.0
    if rms <= 1e-10 * scale:
        warnings.warn(
            f"{model}: the regressors fit the outcome exactly (residual root mean square "
            f"{rms:.3g} against values up to {scale:.3g}); the standard errors, intervals and "
            "p-values are rounding noise. Check that the outcome is observed data, not a "
            "constructed or interpolated series",
            UserWarning,
            stacklevel=3,
        )
