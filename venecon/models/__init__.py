"""venecon's estimators, one subpackage per family.

>>> from venecon.models import ITS, SyntheticControl, CallawaySantAnna

- :mod:`venecon.models.timeseries`: ITS, intervention ARIMA, local projections,
  structural breaks (Bai-Perron), HAC and fixed-b inference, market event studies.
- :mod:`venecon.models.synth`: synthetic control, synthetic DiD, augmented (ridge) SC.
- :mod:`venecon.models.did`: two-way fixed effects, Sun-Abraham, Callaway-Sant'Anna,
  HonestDiD sensitivity.
- :mod:`venecon.models.core`: the results protocol and the input checks they share.

Every model is configured by its inputs (data, events, options) and its
``fit()`` returns an immutable results object sharing one API
(:class:`~venecon.models.core.results.ModelResults`): ``params``, ``std_errors``,
``pvalues``, ``conf_int()``, ``summary()``, ``to_frame()``, ``to_dict()``,
``to_latex()``, ``plot(alpha)``, ``provenance``, the headline (``headline``,
``estimate``, ``std_error``, ``pvalue``) and the path table ``path(alpha)`` in
one schema (docs/guide/results.md). Models with a counterfactual
path add ``effects`` and ``cumulative_effect()``
(:class:`~venecon.models.core.results.PathResults`). Import models from here:
the names below are the public API; the subpackages' module layout may change.

statsmodels and matplotlib are imported only when a model is fitted or plotted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

_LAZY = {
    "ITS": "venecon.models.timeseries.its",
    "ITSResults": "venecon.models.timeseries.its",
    "InterventionARIMA": "venecon.models.timeseries.arima",
    "InterventionARIMAResults": "venecon.models.timeseries.arima",
    "LocalProjections": "venecon.models.timeseries.projections",
    "LocalProjectionsResults": "venecon.models.timeseries.projections",
    "StructuralBreaks": "venecon.models.timeseries.breaks",
    "StructuralBreaksResults": "venecon.models.timeseries.breaks",
    "FixedB": "venecon.models.timeseries.hac",
    "NeweyWest": "venecon.models.timeseries.hac",
    "limit_blas_threads": "venecon.models.core.threads",
    "ModelResults": "venecon.models.core.results",
    "PathResults": "venecon.models.core.results",
    "CumulativeEffect": "venecon.models.core.results",
    "Headline": "venecon.models.core.results",
    "Summary": "venecon.models.core.results",
    "EventStudy": "venecon.models.timeseries.event_study",
    "EventStudyResults": "venecon.models.timeseries.event_study",
    "SyntheticControl": "venecon.models.synth.model",
    "SyntheticControlResults": "venecon.models.synth.model",
    "PanelDiD": "venecon.models.did.panel",
    "PanelDiDResults": "venecon.models.did.panel",
    "PanelEventStudy": "venecon.models.did.panel",
    "PanelEventStudyResults": "venecon.models.did.panel",
    "SunAbraham": "venecon.models.did.sun_abraham",
    "SunAbrahamResults": "venecon.models.did.sun_abraham",
    "SyntheticDiD": "venecon.models.synth.sdid",
    "SyntheticDiDResults": "venecon.models.synth.sdid",
    "SDIDOptions": "venecon.models.synth.sdid",
    "AugmentedSynthControl": "venecon.models.synth.ascm",
    "AugmentedSynthResults": "venecon.models.synth.ascm",
    "CallawaySantAnna": "venecon.models.did.callaway",
    "CallawaySantAnnaResults": "venecon.models.did.callaway",
    "HonestOptions": "venecon.models.did.honest",
    "HonestResults": "venecon.models.did.honest",
    "honest_did": "venecon.models.did.honest",
}

__all__ = list(_LAZY)

if TYPE_CHECKING:
    from .core.results import CumulativeEffect, Headline, ModelResults, PathResults, Summary
    from .core.threads import limit_blas_threads
    from .did.callaway import CallawaySantAnna, CallawaySantAnnaResults
    from .did.honest import HonestOptions, HonestResults, honest_did
    from .did.panel import PanelDiD, PanelDiDResults, PanelEventStudy, PanelEventStudyResults
    from .did.sun_abraham import SunAbraham, SunAbrahamResults
    from .synth.ascm import AugmentedSynthControl, AugmentedSynthResults
    from .synth.model import SyntheticControl, SyntheticControlResults
    from .synth.sdid import SDIDOptions, SyntheticDiD, SyntheticDiDResults
    from .timeseries.arima import InterventionARIMA, InterventionARIMAResults
    from .timeseries.breaks import StructuralBreaks, StructuralBreaksResults
    from .timeseries.event_study import EventStudy, EventStudyResults
    from .timeseries.hac import FixedB, NeweyWest
    from .timeseries.its import ITS, ITSResults
    from .timeseries.projections import LocalProjections, LocalProjectionsResults

__getattr__, __dir__ = attach(__name__, _LAZY)
