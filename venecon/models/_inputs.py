"""Input checks shared by venecon's time-series models.

Every estimator goes through the same steps: turn the user's data (a pandas
Series with a DatetimeIndex, a tidy frame from :func:`venecon.load`, or a wide
frame with a DatetimeIndex) into a float Series on a regular monthly index,
resolve the events to positions in that index, and check that there are
enough observations. Each failure raises a specific
:class:`~venecon.exceptions.ModelSpecificationError` (or its subclass
:class:`~venecon.exceptions.InsufficientDataError`) whose message names the
offending dates; where a harmless default exists (an unsorted index) the data
are fixed and a warning says what was done.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exceptions import InsufficientDataError, ModelSpecificationError, VeneconError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Outcome", "Event", "prepare_outcome", "prepare_controls", "resolve_events"]

EventsArg = Any  # date-like, event id, sequence of them, or mapping label -> date-like/id


@dataclass(frozen=True)
class Outcome:
    """A checked outcome series and what is known about where it came from."""

    y: pd.Series  # float64, regular month-start DatetimeIndex with freq="MS"
    name: str
    unit: str | None
    provenance: dict[str, Any]  # {"datasets": {...}, "data_version": ...}
    flagged: int  # observations the source flags (e.g. spread annual estimates)


@dataclass(frozen=True)
class Event:
    """An event resolved against the estimation sample."""

    label: str
    date: pd.Timestamp  # the date as given or as recorded in the registry
    position: int  # index of the first (partially) treated period
    period: pd.Timestamp  # that period's start


def _sha256_series(y: pd.Series) -> str:
    import numpy as np

    digest = hashlib.sha256()
    digest.update(np.asarray(y.index.asi8, dtype="<i8").tobytes())
    digest.update(np.asarray(y.to_numpy(dtype="float64"), dtype="<f8").tobytes())
    return digest.hexdigest()


def _monthly_index(index: Any, what: str) -> pd.DatetimeIndex:
    """Map a date-like index to month starts; reject non-monthly data."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        if index.freqstr not in ("M",):
            raise ModelSpecificationError(
                f"{what}: only monthly data are supported, got a PeriodIndex with "
                f"frequency {index.freqstr!r}"
            )
        return index.to_timestamp(how="start")
    if not isinstance(index, pd.DatetimeIndex):
        try:
            index = pd.DatetimeIndex(index)
        except (TypeError, ValueError) as exc:
            raise ModelSpecificationError(
                f"{what}: the index must hold dates (a DatetimeIndex or PeriodIndex), "
                f"got {type(index).__name__} ({exc})"
            ) from None
    if index.hasnans:
        raise ModelSpecificationError(f"{what}: the date index contains missing dates (NaT)")
    if index.tz is not None:
        index = index.tz_localize(None)
    months = index.to_period("M").to_timestamp(how="start")
    # Monthly data are stamped on one day of the month (first, last, ...). Two
    # observations in one month, or dates with a time of day, mean other data.
    if (index.normalize() != index).any():
        raise ModelSpecificationError(f"{what}: dates carry a time of day; expected monthly dates")
    days = set(index.day.tolist())
    if len(days) > 1 and not (days <= {28, 29, 30, 31}):
        raise ModelSpecificationError(
            f"{what}: dates fall on different days of the month ({sorted(days)[:5]}...); "
            "expected one observation per month (month-start or month-end dates)"
        )
    return pd.DatetimeIndex(months)


def _regularise(y: pd.Series, what: str) -> pd.Series:
    """Sort (with a warning) and check for duplicates, gaps and missing values."""
    import numpy as np
    import pandas as pd

    if not y.index.is_monotonic_increasing:
        warnings.warn(
            f"{what}: the dates were not in increasing order; the observations were sorted by date",
            UserWarning,
            stacklevel=4,
        )
        y = y.sort_index(kind="stable")
    duplicated = y.index[y.index.duplicated()]
    if len(duplicated):
        shown = ", ".join(f"{d:%Y-%m}" for d in duplicated.unique()[:10])
        raise ModelSpecificationError(
            f"{what}: {len(duplicated)} duplicated month(s) in the outcome ({shown}); "
            "filter the data to one value per month (for a tidy frame, select one "
            "country/series/source)"
        )
    if len(y) > 1:
        steps = np.diff(y.index.to_period("M").asi8)
        if (steps != 1).any():
            gaps = [
                f"{y.index[i]:%Y-%m} -> {y.index[i + 1]:%Y-%m}" for i in np.flatnonzero(steps != 1)
            ]
            raise ModelSpecificationError(
                f"{what}: the monthly index is irregular; months are missing between "
                f"{', '.join(gaps[:10])}. Time-series models need consecutive months: "
                "restrict the sample (start/end) or fill the gaps explicitly"
            )
    missing = y.index[y.isna().to_numpy()]
    if len(missing):
        shown = ", ".join(f"{d:%Y-%m}" for d in missing[:10])
        raise ModelSpecificationError(
            f"{what}: {len(missing)} missing value(s) in the outcome ({shown}); restrict the "
            "sample with start/end or impute them explicitly before fitting"
        )
    out = pd.Series(y.to_numpy(dtype="float64"), index=pd.DatetimeIndex(y.index, freq="MS"))
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
        A Series with a DatetimeIndex/PeriodIndex; a tidy frame with ``date``
        and ``value`` columns (as returned by :func:`venecon.load`, one country
        and series); or a wide frame with a date index and an ``outcome`` column.
    outcome : str, optional
        Column of a wide frame; the name of the outcome otherwise.
    start, end : date-like, optional
        Inclusive estimation sample.
    unit : str, optional
        Unit of the outcome (``"kb/d"``); read from a tidy frame's ``unit`` column if omitted.
    """
    import numpy as np
    import pandas as pd

    provenance: dict[str, Any] | None = None
    flagged = 0
    flags: pd.Series | None = None
    if isinstance(data, pd.Series):
        name = outcome or (str(data.name) if data.name is not None else "y")
        y = data.copy()
        y.index = _monthly_index(y.index, "outcome")
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
            y = pd.Series(data["value"].to_numpy(dtype="float64", na_value=np.nan), name=name)
            y.index = _monthly_index(pd.DatetimeIndex(data["date"]), "outcome")
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
            y = data[outcome].astype("float64").copy()
            y.index = _monthly_index(data.index, "outcome")
    else:
        raise ModelSpecificationError(
            f"data must be a pandas Series or DataFrame, got {type(data).__name__}"
        )
    y.name = name
    if start is not None or end is not None:
        lo = month_start(start, "start") if start is not None else None
        hi = month_start(end, "end") if end is not None else None
        keep = np.ones(len(y), dtype=bool)
        if lo is not None:
            keep &= np.asarray(y.index >= lo)
        if hi is not None:
            keep &= np.asarray(y.index <= hi)
        if not keep.any():
            raise InsufficientDataError(
                f"outcome: no observations between {start!r} and {end!r}; the data cover "
                f"{y.index.min():%Y-%m} to {y.index.max():%Y-%m}"
            )
        y = y[keep]
        if flags is not None:
            flags = flags[keep]
    y = _regularise(y, "outcome")
    if flags is not None:
        flagged = int(flags.sum())
        if flagged:
            first = flags.index[flags.to_numpy()].min()
            last = flags.index[flags.to_numpy()].max()
            warnings.warn(
                f"outcome: {flagged} observation(s) between {first:%Y-%m} and {last:%Y-%m} are "
                "flagged by the source (e.g. annual estimates spread evenly over months); they "
                "carry no monthly information. Consider start= after them.",
                UserWarning,
                stacklevel=3,
            )
    if provenance is None:
        provenance = {"datasets": {"user-supplied": _sha256_series(y)}, "data_version": None}
    return Outcome(y=y, name=name, unit=unit, provenance=provenance, flagged=flagged)


def prepare_controls(controls: Any, index: pd.DatetimeIndex) -> pd.DataFrame | None:
    """Align control regressors to the estimation sample; all values must be present."""
    import pandas as pd

    if controls is None:
        return None
    if isinstance(controls, pd.Series):
        controls = controls.to_frame(controls.name if controls.name is not None else "control")
    if not isinstance(controls, pd.DataFrame):
        raise ModelSpecificationError(
            f"controls must be a Series or DataFrame with a date index, got {type(controls).__name__}"
        )
    frame = controls.copy()
    frame.index = _monthly_index(frame.index, "controls")
    if frame.index.duplicated().any():
        raise ModelSpecificationError("controls: duplicated months in the index")
    frame = frame.reindex(index)
    bad = frame.index[frame.isna().any(axis=1).to_numpy()]
    if len(bad):
        shown = ", ".join(f"{d:%Y-%m}" for d in bad[:10])
        raise ModelSpecificationError(
            f"controls: {len(bad)} month(s) of the estimation sample lack control values ({shown})"
        )
    frame.columns = [str(c) for c in frame.columns]
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


def _event_date(value: Any) -> tuple[str, pd.Timestamp]:
    """(label, date) for a date-like or a registry event id."""
    import pandas as pd

    if isinstance(value, str):
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
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ModelSpecificationError(f"cannot read event {value!r} as a date ({exc})") from None
    if stamp is pd.NaT:
        raise ModelSpecificationError("an event date is missing (NaT)")
    return f"{stamp:%Y-%m-%d}", stamp


def resolve_events(
    events: EventsArg, index: pd.DatetimeIndex, *, partial: str = "start"
) -> list[Event]:
    """Resolve events to positions in ``index``, sorted by date.

    ``events`` is one date-like or registry id, a sequence of them, or a mapping
    ``label -> date-like or id``. The first treated period is where
    :func:`venecon.policy.regressors.step` first becomes non-zero, so the
    models share the registry's convention for events within a month
    (``partial``).

    Raises
    ------
    ModelSpecificationError
        No events, an event before the second observation or after the last,
        or two events whose first treated period coincides.
    """
    import numpy as np
    import pandas as pd

    if events is None or (isinstance(events, Sequence | Mapping) and not isinstance(events, str)
                          and len(events) == 0):
        raise ModelSpecificationError("at least one event is required")
    if isinstance(events, Mapping):
        items = []
        for label, value in events.items():
            _, date = _event_date(value)
            items.append((str(label), value, date))
    else:
        if isinstance(events, str) or not isinstance(events, Sequence):
            events = [events]
        items = [(*_event_date(v), v) for v in events]
        items = [(label, value, date) for label, date, value in items]
    labels = [label for label, _, _ in items]
    if len(set(labels)) != len(labels):
        raise ModelSpecificationError(f"event labels must be unique, got {labels}")
    build = regressors().step
    resolved = []
    for label, value, date in items:
        month = date.to_period("M")
        if month > index[-1].to_period("M"):
            raise ModelSpecificationError(
                f"event {label!r} ({date:%Y-%m-%d}) is after the sample, which ends "
                f"{index[-1]:%Y-%m}; extend end= or drop the event"
            )
        if month <= index[0].to_period("M") and not (month == index[0].to_period("M")
                                                      and partial == "next"):
            raise ModelSpecificationError(
                f"event {label!r} ({date:%Y-%m-%d}) is at or before the first observation "
                f"({index[0]:%Y-%m}): there is no pre-event period; move start= earlier"
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
                f"{index[-1]:%Y-%m}; extend end= or drop the event"
            )
        position = int(nonzero[0])
        if position == 0:
            raise ModelSpecificationError(
                f"event {label!r} ({date:%Y-%m-%d}) is at or before the first observation "
                f"({index[0]:%Y-%m}): there is no pre-event period; move start= earlier"
            )
        resolved.append(Event(label, date, position, pd.Timestamp(index[position])))
    resolved.sort(key=lambda e: (e.position, e.date))
    for a, b in zip(resolved, resolved[1:], strict=False):
        if a.position == b.position:
            raise ModelSpecificationError(
                f"events {a.label!r} ({a.date:%Y-%m-%d}) and {b.label!r} ({b.date:%Y-%m-%d}) "
                f"both start in {a.period:%Y-%m}: their effects cannot be told apart at "
                "monthly frequency; drop or merge one of them"
            )
    return resolved


def events_frame(events: Sequence[Event]) -> pd.DataFrame:
    """The ``events`` table of a :class:`~venecon.models.results.PathResults`:
    ``date`` (as given) and ``period`` (first treated month), indexed by label."""
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
