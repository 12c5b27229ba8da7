"""Studies: one declared design of a sanctions episode, run through every applicable estimator.

A :class:`Study` is a frozen, validated declaration (treated unit, outcome,
treatment, windows, donor rules, estimators, robustness grid), built from a
TOML file or directly. :meth:`Study.run` fits every declared estimator,
summarises each as an :class:`Estimate` with the caveats its own diagnostics
raise, runs the robustness grid (:class:`Robustness`) through
:mod:`venecon.parallel`, judges every estimate and the study by one rule
(:mod:`venecon.study.verdict`: "credible", "fragile" or "not identified", with
reasons), and returns an immutable :class:`StudyResults`.
:func:`bundled_studies` returns the studies shipped with venecon (Venezuela's
episodes and the cross-country comparisons); ``venecon study run FILE.toml
--out DIR`` writes ``results.json`` and a report. :func:`specification_curve`
refits a study over thousands of donor subsets, predictor sets, starts and
estimators (:mod:`venecon.study.curve`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

_LAZY = {
    "Study": "study",
    "StudyResults": "results",
    "Estimate": "results",
    "Robustness": "results",
    "Verdict": "verdict",
    "StudyError": "spec",
    "bundled_studies": "bundled",
    "bundled_path": "bundled",
    "run_studies": "output",
    "write_results": "output",
    "specification_curve": "curve",
    "SpecificationCurve": "curve",
}

__all__ = list(_LAZY)

if TYPE_CHECKING:
    from .bundled import bundled_path, bundled_studies
    from .curve import SpecificationCurve, specification_curve
    from .output import run_studies, write_results
    from .results import Estimate, Robustness, StudyResults
    from .spec import StudyError
    from .study import Study
    from .verdict import Verdict

__getattr__, __dir__ = attach(__name__, _LAZY)
