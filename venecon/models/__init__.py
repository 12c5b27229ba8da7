"""Time-series estimators of sanction and licence effects.

>>> from venecon.models import ITS, InterventionARIMA, LocalProjections, StructuralBreaks

Every model is configured by its inputs (data, events, options) and its
``fit()`` returns an immutable results object sharing one API
(:class:`~venecon.models.results.ModelResults`): ``params``, ``std_errors``,
``pvalues``, ``conf_int()``, ``summary()``, ``to_frame()``, ``to_dict()``,
``to_latex()``, ``plot()`` and ``provenance``. Models with a counterfactual
path add ``effects`` and ``cumulative_effect()``
(:class:`~venecon.models.results.PathResults`).

statsmodels and matplotlib are imported only when a model is fitted or plotted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

_LAZY = {
    "ITS": "venecon.models.its",
    "ITSResults": "venecon.models.its",
    "InterventionARIMA": "venecon.models.arima",
    "InterventionARIMAResults": "venecon.models.arima",
    "LocalProjections": "venecon.models.projections",
    "LocalProjectionsResults": "venecon.models.projections",
    "StructuralBreaks": "venecon.models.breaks",
    "StructuralBreaksResults": "venecon.models.breaks",
    "FixedB": "venecon.models.hac",
    "NeweyWest": "venecon.models.hac",
    "limit_blas_threads": "venecon.models.threads",
    "ModelResults": "venecon.models.results",
    "PathResults": "venecon.models.results",
    "CumulativeEffect": "venecon.models.results",
    "Summary": "venecon.models.results",
    "EventStudy": "venecon.models.event_study",
    "EventStudyResults": "venecon.models.event_study",
    "SyntheticControl": "venecon.models.synth",
    "SyntheticControlResults": "venecon.models.synth",
    "PanelDiD": "venecon.models.panel",
    "PanelDiDResults": "venecon.models.panel",
    "PanelEventStudy": "venecon.models.panel",
    "PanelEventStudyResults": "venecon.models.panel",
    "SunAbraham": "venecon.models.staggered",
    "SunAbrahamResults": "venecon.models.staggered",
    "SyntheticDiD": "venecon.models.sdid",
    "SyntheticDiDResults": "venecon.models.sdid",
    "SDIDOptions": "venecon.models.sdid",
    "CallawaySantAnna": "venecon.models.callaway",
    "CallawaySantAnnaResults": "venecon.models.callaway",
    "HonestOptions": "venecon.models.honest",
    "HonestResults": "venecon.models.honest",
    "honest_did": "venecon.models.honest",
}

__all__ = list(_LAZY)

if TYPE_CHECKING:
    from .arima import InterventionARIMA, InterventionARIMAResults
    from .breaks import StructuralBreaks, StructuralBreaksResults
    from .callaway import CallawaySantAnna, CallawaySantAnnaResults
    from .event_study import EventStudy, EventStudyResults
    from .hac import FixedB, NeweyWest
    from .honest import HonestOptions, HonestResults, honest_did
    from .its import ITS, ITSResults
    from .panel import PanelDiD, PanelDiDResults, PanelEventStudy, PanelEventStudyResults
    from .projections import LocalProjections, LocalProjectionsResults
    from .results import CumulativeEffect, ModelResults, PathResults, Summary
    from .sdid import SDIDOptions, SyntheticDiD, SyntheticDiDResults
    from .staggered import SunAbraham, SunAbrahamResults
    from .synth import SyntheticControl, SyntheticControlResults
    from .threads import limit_blas_threads

__getattr__, __dir__ = attach(__name__, _LAZY)
