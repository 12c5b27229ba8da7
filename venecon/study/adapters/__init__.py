"""The estimator registry of studies: one adapter module per estimator.

>>> from venecon.study import adapters
>>> adapters.names()[:3]
('synthetic_control', 'augmented_synthetic_control', 'its')

Each module below defines an options dataclass and registers an
:class:`~venecon.study.adapters.base.Adapter` with :func:`register`; its
``name`` becomes a ``[study.estimators.<name>]`` table. Importing this
package registers them in the order that picks the default headline. A new
estimator is one module plus its import here (or a call of :func:`register`
from your own code); see the guide, "Adding an estimator".
"""

from __future__ import annotations

# isort: off
# Registration order is the order of preference for the default headline and the grid.
from . import synthetic_control  # noqa: F401
from . import augmented_synthetic_control  # noqa: F401
from . import its  # noqa: F401
from . import arima  # noqa: F401
from . import local_projections  # noqa: F401
from . import structural_breaks  # noqa: F401
from . import sdid  # noqa: F401
from . import callaway_santanna  # noqa: F401
from . import sun_abraham  # noqa: F401
from . import panel_event_study  # noqa: F401
from . import panel_did  # noqa: F401
# isort: on
from .base import COHORT, DESIGNS, SINGLE, STAGGERED, Adapter
from .registry import adapter, adapters, names, parse_estimators, register, run_estimator

__all__ = ["Adapter", "register", "adapter", "adapters", "names", "parse_estimators",
           "run_estimator", "SINGLE", "COHORT", "STAGGERED", "DESIGNS"]
