"""Dated events and their regressors: resolve ids and dates to positions in an index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...exceptions import (
    ModelSpecificationError,
    VeneconError,
)
from .calendar import FREQUENCIES, frequency_of, period_label
from .checks import check_partial

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EventsArg",
    "Event",
    "regressors",
    "event_date",
    "resolve_events",
    "events_frame",
]


EventsArg = Any  # date-like, event id, sequence of them, or mapping label -> date-like/id



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



def regressors() -> Any:
    """The event-regressor builders of :mod:`venecon.policy.regressors`."""
    try:
        from ...policy import regressors as module
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
            from ...policy import event as lookup

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
    """The ``events`` table of a :class:`~venecon.models.core.results.PathResults`:
    ``date`` (as given) and ``period`` (first treated period), indexed by label."""
    import pandas as pd

    return pd.DataFrame(
        {"date": [ev.date for ev in events], "period": [ev.period for ev in events]},
        index=pd.Index([ev.label for ev in events], name="event"),
    )

