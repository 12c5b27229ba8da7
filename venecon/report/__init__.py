"""``venecon report``: the bundled studies and the standard analysis as a citable report.

>>> from venecon.report import build_report
>>> build_report("venecon-report")  # doctest: +SKIP

runs the bundled studies (:func:`venecon.study.bundled_studies`) and the
standard analysis, and writes ``report.html`` (self-contained),
``report.md``, ``figures/*.png`` and ``*.svg``, ``tables/*.tex`` and
``results.json`` (every headline number with its interval, the model options,
``studies.<name>`` and the provenance of the data). Two runs with the same
configuration give byte-identical ``results.json``.

The report is a composition: a section is one function registered with
:func:`section` (it receives the studies' results and a
:class:`ReportContext` and returns blocks); :func:`write_study_report` renders
studies alone with the same sections and renderers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

_LAZY = {
    "build_report": "venecon.report.render",
    "write_study_report": "venecon.report.render",
    "section": "venecon.report.sections",
    "ReportContext": "venecon.report.sections",
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
    from .render import build_report, write_study_report
    from .sections import ReportContext, section

__getattr__, __dir__ = attach(__name__, _LAZY)
