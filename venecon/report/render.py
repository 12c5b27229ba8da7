"""Write the report: ``report.md``, ``report.html`` (self-contained), figures, tables, results.

The report is a composition: the studies (:mod:`venecon.study`, the bundled
ones by default) and the standard analysis are run, the registered sections
(:mod:`venecon.report.sections`) turn them into blocks, and the renderers
(:mod:`venecon.report.renderers`) draw the blocks as Markdown (figures linked
from ``figures/``), HTML (figures embedded as base64 PNG, so the file stands
alone) and LaTeX tables.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..study.output import check_unique_names
from .analysis import Analysis, run_analysis
from .config import load_config, validate
from .figures import make_figures
from .output import staged_output, write_json

__all__ = [
    "build_report",
    "write_report",
    "write_results_json",
    "write_study_report",
    "results_with_studies",
]


# --------------------------------------------------------------------------- entry point


def write_results_json(results: dict[str, Any], path: Path) -> None:
    """Deterministic JSON: sorted keys, fixed indentation, no timestamps, trailing newline."""
    write_json(results, path)


def build_report(
    out: str | Path = "venecon-report",
    config: Any = None,
    *,
    live: bool = False,
    quiet: bool = False,
    studies: Sequence[Any] | None = None,
    n_jobs: int = 1,
) -> Path:
    """Run the standard analysis and the studies, and write the report to ``out``.

    Parameters
    ----------
    out : path
        Output directory: ``report.html``, ``report.md``, ``figures/*.png``
        and ``*.svg``, ``tables/*.tex``, ``results.json``. Checked before any
        analysis runs; written whole or not at all (see :mod:`.output`).
    config : path, dict or None
        TOML file or overrides (see :mod:`venecon.report.config`).
    live : bool
        Use the live vintage of monthly production and prices.
    quiet : bool
        No progress bar.
    studies : sequence of Study, optional
        The studies to run; default the bundled ones named in
        ``[report] studies`` (all bundled studies unless configured). The
        studies the sections read (``[sanctions]``, ``[synth]``, ``[chevron]``)
        are added when missing; each study is run once and the sections read
        its fitted results.
    n_jobs : int
        Parallel jobs for the studies' robustness grids.

    Returns
    -------
    Path
        The output directory.
    """
    from ..progress import progress as progress_bar
    from ..progress import silenced

    out = Path(out)
    if isinstance(config, Path):
        config = str(config)
    cfg = config if isinstance(config, dict) and _is_resolved(config) else (
        load_config(config) if config is None or isinstance(config, str) else validate(config))
    with staged_output(out) as stage:  # checks --out before any analysis runs
        studies = with_section_studies(cfg, configured_studies(cfg) if studies is None
                                       else list(studies))
        check_unique_names(studies)
        total = 2 + len(studies)
        with progress_bar(total=total, desc="venecon report", unit="step",
                          enabled=False if quiet else None) as bar, (
                silenced() if quiet else contextlib.nullcontext()):
            results = []
            for study in studies:  # first: the standard analysis reads their results
                bar.set_postfix(f"study {study.name}")
                results.append(study.run(n_jobs=n_jobs))
                bar.update()
            bar.set_postfix("standard analysis")
            a = run_analysis(cfg, live=live, progress=bar.set_postfix, studies=results)
            bar.update()
            bar.set_postfix("figures, tables and report")
            write_report(a, stage, results)
            bar.update()
    return out


def _is_resolved(config: dict[str, Any]) -> bool:
    from .config import DEFAULTS

    return set(config) == set(DEFAULTS) and all(
        set(config[k]) == set(DEFAULTS[k]) for k in DEFAULTS)


def configured_studies(cfg: dict[str, Any]) -> list[Any]:
    from ..study import bundled_studies

    names = cfg["report"]["studies"]
    return list(bundled_studies(None if names == ["all"] else list(names)).values())


def with_section_studies(cfg: dict[str, Any], studies: list[Any]) -> list[Any]:
    """``studies`` plus the bundled ones the report sections read that are not among them."""
    from ..study import bundled_studies
    from .config import section_studies

    have = {s.name for s in studies}
    missing = [n for n in section_studies(cfg, have) if n not in have]
    return studies + list(bundled_studies(missing).values()) if missing else studies


def results_with_studies(a: Analysis, studies: Sequence[Any]) -> dict[str, Any]:
    """``results.json``: the standard analysis plus ``studies.<name>`` for every study."""
    check_unique_names(studies)
    results = dict(a.results)
    if studies:
        results["studies"] = {r.study.name: r.to_dict() for r in studies}
        datasets = dict(results["provenance"]["datasets"])
        for r in studies:
            datasets.update(r.provenance.get("datasets", {}))
        results["provenance"] = {**results["provenance"],
                                 "datasets": dict(sorted(datasets.items()))}
    return results


def write_report(a: Analysis | None, out: Path, studies: Sequence[Any] = (),
                 config: dict[str, Any] | None = None) -> None:
    """Write figures, tables, ``results.json``, ``report.md`` and ``report.html`` into ``out``.

    ``a`` is the standard analysis (or None: a report of the studies alone, as
    ``venecon study run`` writes); ``studies`` are :class:`~venecon.study.StudyResults`.
    """
    import matplotlib

    from . import standard_sections, study_sections  # noqa: F401 - register the built-in sections

    check_drawable(studies)
    # titles, units and unit names are the user's text: a "$" never starts mathtext
    with matplotlib.rc_context({"text.parse_math": False}):
        _write_report(a, out, studies, config)


#: Largest magnitude drawn or tabulated: beyond it axis arithmetic overflows.
DRAWABLE = 1e300


def check_drawable(studies: Sequence[Any]) -> None:
    """Refuse estimates too large to draw or tabulate (before anything is written).

    Raises
    ------
    DataValueError
        An estimate or a value of its path is infinite or beyond :data:`DRAWABLE`.
    """
    import numpy as np

    from ..exceptions import DataValueError

    for r in studies:
        for key, e in getattr(r, "estimates", {}).items():
            values = [v for v in (e.average_effect, e.lower, e.upper) if v is not None]
            path = getattr(e, "path", None)
            if path is not None and hasattr(path, "select_dtypes"):
                values += list(path.select_dtypes("number").to_numpy(dtype="float64").ravel())
            arr = np.asarray(values, dtype="float64")
            bad = arr[np.isinf(arr) | (np.abs(np.nan_to_num(arr)) > DRAWABLE)]
            if bad.size:
                raise DataValueError(
                    f"study {r.study.name!r}, {key}: the estimate holds {bad[0]:g}, too large to "
                    f"draw or tabulate (beyond {DRAWABLE:g}); check the outcome for a sentinel "
                    "or overflowing value, or rescale it (e.g. to thousands or millions)")


def _write_report(a: Analysis | None, out: Path, studies: Sequence[Any],
                  config: dict[str, Any] | None) -> None:
    from .renderers import to_html, to_markdown
    from .sections import ReportContext, compose

    figures = make_figures(a, out / "figures") if a is not None else {}
    tables = out / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    cfg = a.config if a is not None else (config or {})
    ctx = ReportContext(config=cfg, analysis=a, figures=figures, figure_dir=out / "figures")
    doc = compose(list(studies), ctx)
    if a is not None:
        for key, res in a.models.items():
            if hasattr(res, "to_latex"):
                (tables / f"{key}.tex").write_text(res.to_latex(), encoding="utf-8")
        results = results_with_studies(a, studies)
    else:
        from ..study.output import results_dict

        results = results_dict(studies)
    for key, text in ctx.tex.items():
        (tables / f"{key}.tex").write_text(text, encoding="utf-8")
    _study_csv_tables(studies, tables)
    write_results_json(results, out / "results.json")
    (out / "report.md").write_text(to_markdown(doc.blocks), encoding="utf-8")
    (out / "report.html").write_text(to_html(doc.blocks, "venecon report"), encoding="utf-8")


def _study_csv_tables(studies: Sequence[Any], tables: Path) -> None:
    """Each study that ran: its estimates and robustness grid as CSV (for a paper's appendix)."""
    from ..escaping import csv_frame
    from ..study.report import estimates_table

    for r in studies:
        if not r.identified:
            continue
        csv = {"index": False, "float_format": "%.10g", "lineterminator": "\n"}
        csv_frame(estimates_table(r)).to_csv(tables / f"{r.study.name}_estimates.csv", **csv)
        if r.robustness is not None and r.robustness.n_specifications:
            csv_frame(r.robustness.table).to_csv(tables / f"{r.study.name}_robustness.csv", **csv)


def write_study_report(studies: Sequence[Any], out: str | Path) -> Path:
    """The report of some studies alone (``venecon study run``), with the same sections."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_report(None, out, studies)
    return out
