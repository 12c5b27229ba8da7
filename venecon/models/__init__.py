"""Time-series estimators of sanction and licence effects.

>>> from venecon.models import ITS, InterventionARIMA

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

from importlib import import_module
from typing import TYPE_CHECKING, Any

_LAZY = {
    "ITS": "venecon.models.its",
    "ITSResults": "venecon.models.its",
    "InterventionARIMA": "venecon.models.arima",
    "InterventionARIMAResults": "venecon.models.arima",
    "ModelResults": "venecon.models.results",
    "PathResults": "venecon.models.results",
    "CumulativeEffect": "venecon.models.results",
    "Summary": "venecon.models.results",
}

__all__ = list(_LAZY)

if TYPE_CHECKING:
    from .arima import InterventionARIMA, InterventionARIMAResults
    from .its import ITS, ITSResults
    from .results import CumulativeEffect, ModelResults, PathResults, Summary


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'venecon.models' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
