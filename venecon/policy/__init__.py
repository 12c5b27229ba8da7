"""Policy as data: the events registry, regime indicators and event regressors.

* :func:`events`, :func:`event`: the curated registry of US sanctions, licences
  and related events (``venecon.describe("events")`` for its provenance);
  :func:`add_events` / :func:`reset_events` for your own events.
* :func:`regimes`: regime indicators and Chevron's licence state per period;
  :func:`spells` lists the boundaries and the events they come from.
* :mod:`venecon.policy.regressors`: step, pulse, ramp, decay and event-time
  dummies on any regular date index.
* :func:`plot_events`: mark events and shade spells on a matplotlib axes.

Submodules import pandas; this package imports them only when a name is used.
"""

from __future__ import annotations

from .._lazy import attach

_LAZY = {
    "events": "registry",
    "event": "registry",
    "add_events": "registry",
    "reset_events": "registry",
    "validate_events": "schema",
    "regimes": "indicators",
    "spells": "indicators",
    "step": "regressors",
    "pulse": "regressors",
    "ramp": "regressors",
    "decay": "regressors",
    "event_time_dummies": "regressors",
    "plot_events": "plotting",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = attach(__name__, _LAZY)
