"""The registry of report sections.

A section is one function registered with :func:`section`; it receives the
studies' results (a sequence of :class:`~venecon.study.StudyResults`) and the
:class:`ReportContext` (configuration, the standard analysis if it ran, the
figure directory) and returns a list of blocks (:mod:`venecon.report.blocks`).
Adding a section is adding one function::

    from venecon.report.sections import section
    from venecon.report.blocks import Doc

    @section("my_section", order=75)
    def my_section(studies, ctx):
        d = Doc()
        d.h(2, "My section")
        d.p(f"{len(studies)} studies.")
        return d.blocks

:func:`compose` runs every registered section in ``order`` and returns the
document that the renderers (:mod:`venecon.report.renderers`) draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .blocks import Block, Doc

__all__ = ["ReportContext", "Section", "section", "unregister", "registered", "compose"]

Section = Callable[[Sequence[Any], "ReportContext"], list[Block]]

_REGISTRY: dict[str, tuple[float, Section]] = {}


@dataclass
class ReportContext:
    """What a section may use besides the studies.

    ``config``: the resolved report configuration; ``analysis``: the standard
    analysis (:class:`~venecon.report.analysis.Analysis`) or None; ``figures``:
    ``{stem: (png path, caption)}`` already written; ``figure_dir``: where
    :meth:`figure` writes; ``tex``: LaTeX tables to write (``name -> text``).
    """

    config: dict[str, Any]
    analysis: Any = None
    figures: dict[str, tuple[Path, str]] = field(default_factory=dict)
    figure_dir: Path | None = None
    tex: dict[str, str] = field(default_factory=dict)

    def figure(self, stem: str, fig: Any, caption: str) -> list[Block]:
        """Save ``fig`` as ``stem``.png (150 dpi) and .svg, close it, return its figure block."""
        from .figures import save_figure

        if self.figure_dir is None:
            raise RuntimeError("ReportContext.figure needs figure_dir")
        path = save_figure(fig, self.figure_dir, stem)
        self.figures[stem] = (path, caption)
        return [("fig", (stem, path, caption))]


def section(name: str, *, order: float) -> Callable[[Section], Section]:
    """Register ``func`` as the report section ``name``, placed by ``order`` (ascending)."""

    def register(func: Section) -> Section:
        if name in _REGISTRY and _REGISTRY[name][1] is not func:
            raise ValueError(f"report section {name!r} is already registered")
        _REGISTRY[name] = (order, func)
        return func

    return register


def unregister(name: str) -> None:
    """Remove the section ``name`` from the registry (e.g. a section added for one report)."""
    _REGISTRY.pop(name)


def registered() -> list[str]:
    """Names of the registered sections, in report order.

    The built-in sections register themselves when :mod:`venecon.report.standard_sections`
    and :mod:`venecon.report.study_sections` are imported (:mod:`venecon.report.render`
    does so); this module never imports them, so the section modules can import it.
    """
    return [n for n, _ in sorted(_REGISTRY.items(), key=lambda kv: (kv[1][0], kv[0]))]


def compose(studies: Sequence[Any], ctx: ReportContext,
            names: Sequence[str] | None = None) -> Doc:
    """Run the registered sections (all, or ``names``) in order into one :class:`Doc`."""
    doc = Doc()
    for name in registered():
        if names is not None and name not in names:
            continue
        doc.extend(_REGISTRY[name][1](studies, ctx))
    return doc
