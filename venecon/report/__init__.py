"""``venecon report``: the standard analysis as a citable report.

>>> from venecon.report import build_report
>>> build_report("venecon-report")  # doctest: +SKIP

writes ``report.html`` (self-contained), ``report.md``, ``figures/*.png``,
``tables/*.tex`` and ``results.json`` (every headline number with its
interval, the model options and the provenance of the data). Two runs with
the same configuration give byte-identical ``results.json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

_LAZY = {
    "build_report": "venecon.report.render",
    "run_analysis": "venecon.report.analysis",
    "analyse": "venecon.report.analysis",
    "Analysis": "venecon.report.analysis",
    "load_config": "venecon.report.config",
    "validate": "venecon.report.config",
    "DEFAULTS": "venecon.report.config",
}

__all__ = list(_LAZY)

if TYPE_CHECKING:
    from .analysis import Analysis, analyse, run_analysis
    from .config import DEFAULTS, load_config, validate
    from .render import build_report

__getattr__, __dir__ = attach(__name__, _LAZY)
