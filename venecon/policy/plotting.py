"""Mark events and shade policy spells on a matplotlib axes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_events"]

CATEGORY_COLORS = {
    "financial": "#1f77b4",
    "oil-trade": "#d62728",
    "company-licence": "#2ca02c",
    "secondary": "#9467bd",
    "military-enforcement": "#7f7f7f",
    "context": "#bcbd22",
}
STATE_COLORS = {
    "operations": "#c7e9c0",
    "maintenance-only": "#fdd0a2",
    "gl41-production": "#74c476",
    "wind-down": "#fdae6b",
    "none": "#d9d9d9",
    "restricted-licence": "#9ecae1",
    "2026-regime": "#6baed6",
    "named-operator": "#3182bd",
}


def _pandas_freq(ax: Any) -> Any:
    """The period frequency pandas drew this axes with, if any.

    ``Series.plot`` draws a regular DatetimeIndex or a PeriodIndex at period
    ordinals, not at matplotlib dates, and records the frequency on the axes.
    """
    try:
        from pandas.plotting._matplotlib.timeseries import _get_ax_freq
    except ImportError:  # pragma: no cover - private pandas API moved
        return getattr(ax, "freq", None)
    return _get_ax_freq(ax)


def _to_x(ax: Any, stamps: Iterable[pd.Timestamp], x: str) -> np.ndarray:
    stamps = [pd.Timestamp(s) for s in stamps]
    if x == "year":
        return np.array([s.year + (s.day_of_year - 1) / (366 if s.is_leap_year else 365)
                         for s in stamps], dtype="float64")
    freq = _pandas_freq(ax) if x == "auto" else None
    if freq is not None:
        out = []
        for s in stamps:
            period = pd.Period(s, freq=freq)
            length = (period + 1).start_time - period.start_time
            out.append(period.ordinal + (s - period.start_time) / length)
        return np.array(out, dtype="float64")
    import matplotlib.dates as mdates

    return np.asarray(mdates.date2num([s.to_pydatetime() for s in stamps]), dtype="float64")


def _select_events(events: Any) -> pd.DataFrame:
    from .indicators import spells as spell_table
    from .registry import all_events, event

    if events is None:
        # The events that bound the regimes and the Chevron states.
        table = spell_table()
        refs = pd.concat([table["start_event"], table["end_event"]]).dropna()
        ids = list(dict.fromkeys(ref.split(".")[0] for ref in refs))
        frame = all_events()
        return frame[frame["id"].isin(ids)]
    if isinstance(events, pd.DataFrame):
        missing = [c for c in ("id", "date") if c not in events.columns]
        if missing:
            raise ValueError(f"plot_events: the events frame lacks column(s) {missing}")
        return events
    ids = [events] if isinstance(events, str) else list(events)
    return pd.DataFrame([event(i) for i in ids])


def plot_events(
    ax: Axes,
    events: Any = None,
    *,
    spells: str | Iterable[str] | None = None,
    labels: bool = True,
    x: str = "auto",
    line_kw: dict | None = None,
    text_kw: dict | None = None,
    span_kw: dict | None = None,
) -> Axes:
    """Draw event lines and shade policy spells on an axes that shows a time series.

    Call it after plotting the data: events and spells outside the current
    x-range are skipped and the x-limits are kept.

    Parameters
    ----------
    ax : matplotlib Axes
        An axes with dates on the x-axis: drawn by matplotlib with datetimes
        or by pandas (``Series.plot`` with a regular or Period index, whose
        period coordinates are handled), or with decimal years (``x="year"``).
    events : None, str, list of str or DataFrame, optional
        Event ids, or a frame from :func:`venecon.events` (needs ``id`` and
        ``date``). By default the events that bound the regimes of
        :func:`venecon.regimes`. Lines are coloured by ``category``.
    spells : str or list of str, optional
        Shade spells: ``"chevron"`` (Chevron's licence states, each in its own
        colour), ``"regimes"`` (every binary regime) or regime names such as
        ``"gl44_relief"``. Shaded spans carry labels for ``ax.legend()``.
    labels : bool, default True
        Write each event id at the top of its line.
    x : {"auto", "year"}, default "auto"
        "year" for axes whose x values are (decimal) years, e.g. an annual
        table plotted against its integer ``date``.
    line_kw, text_kw, span_kw : dict, optional
        Extra keyword arguments for ``axvline``, ``text`` and ``axvspan``.

    Returns
    -------
    matplotlib Axes
        ``ax``, for chaining.
    """
    from .indicators import CHEVRON_COLUMN, REGIMES
    from .indicators import spells as spell_table

    if x not in ("auto", "year"):
        raise ValueError(f"x must be 'auto' or 'year', got {x!r}")
    has_data = ax.has_data()
    xlim = ax.get_xlim()
    lo, hi = (min(xlim), max(xlim)) if has_data else (-np.inf, np.inf)

    if spells is not None:
        names = [spells] if isinstance(spells, str) else list(spells)
        regime_names = [r.name for r in REGIMES]
        table = spell_table()
        for name in names:
            if name == "chevron":
                rows = table[(table["regime"] == CHEVRON_COLUMN) &
                             (table["state"] != "pre-designation")]
            elif name == "regimes":
                rows = table[table["regime"].isin(regime_names)]
            elif name in regime_names:
                rows = table[table["regime"] == name]
            else:
                from ..data._package import suggest

                options = ["chevron", "regimes", *regime_names]
                raise ValueError(f"unknown spells {name!r}.{suggest(name, options)} Use 'chevron', "
                                 f"'regimes' or one of: {', '.join(regime_names)}.")
            for i, (_, row) in enumerate(rows.iterrows()):
                start = _to_x(ax, [row["start"]], x)[0]
                end = hi if pd.isna(row["end"]) else _to_x(ax, [row["end"]], x)[0]
                if not np.isfinite(end) or end <= lo or start >= hi:
                    continue
                is_state = row["regime"] == CHEVRON_COLUMN
                label = str(row["state"]) if is_state else str(row["regime"])
                color = STATE_COLORS.get(label) if is_state else f"C{i % 10}"
                kw = {"color": color, "alpha": 0.35 if is_state else 0.2, "lw": 0,
                      "label": label, "zorder": 0}
                kw.update(span_kw or {})
                ax.axvspan(max(start, lo), min(end, hi), **kw)

    chosen = _select_events(events)
    if not chosen.empty:
        positions = _to_x(ax, chosen["date"], x)
        categories = chosen["category"] if "category" in chosen.columns else [None] * len(chosen)
        placed: dict[float, list[str]] = {}  # same-day events share one line and one label
        colors: dict[float, str] = {}
        for pos, ident, category in zip(positions, chosen["id"], categories, strict=True):
            if not lo <= pos <= hi:
                continue
            kw = {"color": CATEGORY_COLORS.get(str(category), "black"), "lw": 0.8,
                  "ls": "--", "alpha": 0.8}
            kw.update(line_kw or {})
            if pos not in placed:
                ax.axvline(pos, **kw)
                colors[pos] = kw["color"]
            placed.setdefault(pos, []).append(str(ident))
        if labels and placed:
            # Near neighbours would print over each other: move a label down below the
            # labels it would hit (measured with the canvas renderer, where there is one).
            get_renderer = getattr(ax.figure.canvas, "get_renderer", None)
            renderer = get_renderer() if get_renderer is not None else None
            boxes: list[Any] = []
            for pos in sorted(placed):
                tkw = {"rotation": 90, "va": "top", "ha": "right", "fontsize": 7,
                       "color": colors[pos]}
                tkw.update(text_kw or {})
                text = ax.text(pos, 0.98, " + ".join(placed[pos]),
                               transform=ax.get_xaxis_transform(), **tkw)
                if renderer is None:
                    continue
                for _ in range(len(boxes)):
                    box = text.get_window_extent(renderer)
                    hit = [b for b in boxes if b.overlaps(box)]
                    if not hit:
                        break
                    below = min(b.y0 for b in hit) - 2
                    text.set_y(ax.transAxes.inverted().transform((0, below))[1])
                boxes.append(text.get_window_extent(renderer))
    if has_data:
        ax.set_xlim(xlim)
    return ax
