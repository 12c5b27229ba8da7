"""``venecon study``: run studies, check declarations, list the bundled ones, print a template.

* ``venecon study run FILE.toml ... --out DIR``: run studies and write results and a report;
* ``venecon study check FILE.toml ...``: validate declarations against the data, fit nothing;
* ``venecon study list``: the bundled studies with their title, treated unit and treatment;
* ``venecon study template``: a commented TOML to start from (runs as it is).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

__all__ = [
    "check_command", "list_command", "list_rows", "resolve", "run_command", "template_text",
]

#: The commented starting point printed by ``venecon study template``.
TEMPLATE = "template.toml"


def resolve(item: str) -> Path:
    """A TOML path, or the file of a bundled study of that name."""
    from .bundled import bundled_names, bundled_path
    from .spec import StudyError

    path = Path(item)
    if path.is_file():
        return path
    if item in bundled_names():
        return bundled_path(item)
    raise StudyError(
        "study",
        f"{item!r} is neither a file nor a bundled study",
        f"give a TOML path or one of {', '.join(bundled_names())}",
    )


def run_command(files: list[str], out: str | Path, *, n_jobs: int = 1, quiet: bool = False) -> Path:
    """Validate every study first (so a bad file fails before any model runs), then run them."""
    from ..report.output import check_output, staged_output
    from ..report.render import write_study_report
    from .output import check_unique_names, run_studies, write_results
    from .study import Study

    studies = [Study.from_toml(resolve(f)) for f in files]
    check_unique_names(studies)
    check_output(out)  # a bad --out fails before any model runs
    from ..progress import silenced

    with silenced() if quiet else contextlib.nullcontext():  # --quiet: no bar at all
        results = run_studies(studies, n_jobs=n_jobs, progress=not quiet)
    # whole or nothing: written to a staging directory beside --out, then renamed into place
    with staged_output(out) as stage:
        write_results(results, stage)
        write_study_report(results, stage)
    return Path(out)


def _units(treated: Any) -> str:
    """The treated unit, or the first two of several and how many more (a narrow column)."""
    if not isinstance(treated, list):
        return str(treated)
    shown = ", ".join(map(str, treated[:2]))
    return shown + (f", +{len(treated) - 2}" if len(treated) > 2 else "")


def list_rows() -> list[dict[str, str]]:
    """Name, title, treated unit(s) and treatment of each bundled study (read, not validated)."""
    from ..userfiles import parse_toml
    from .bundled import bundled_names, bundled_path

    rows = []
    for name in bundled_names():
        study = parse_toml(bundled_path(name).read_text(encoding="utf-8")).get("study", {})
        treated = study.get("treated", "")
        treatment = study.get("treatment", "")
        if isinstance(treatment, dict) and treatment.get("from_episodes"):
            # cohorts from the sanction registry: the countries filter names the treated
            treated = treated or treatment.get("countries", "")
            treatment = "registry episodes"
        elif isinstance(treatment, dict):
            treatment = ", ".join(f"{u} {d}" for u, d in treatment.items())
        rows.append({
            "name": name,
            "title": str(study.get("title", name)),
            "treated": _units(treated),
            "treatment": str(treatment),
        })
    return rows


def list_command(width: int = 100) -> str:
    """The bundled studies as a table of at most ``width`` columns (titles wrap)."""
    import textwrap

    rows = list_rows()
    heads = {"name": "name", "treated": "treated", "treatment": "treatment", "title": "title"}
    w = {k: max(len(heads[k]), *(len(r[k]) for r in rows)) for k in ("name", "treated",
                                                                      "treatment")}
    lead = w["name"] + w["treated"] + w["treatment"] + 6
    title_width = max(20, width - lead)
    lines = []
    for r in [heads, *rows]:
        wrapped = textwrap.wrap(r["title"], title_width) or [""]
        lines.append(f"{r['name']:<{w['name']}}  {r['treated']:<{w['treated']}}  "
                     f"{r['treatment']:<{w['treatment']}}  {wrapped[0]}".rstrip())
        lines += [" " * lead + more for more in wrapped[1:]]
    return "\n".join(lines) + "\n\nrun one: venecon study run NAME --out DIR; " \
        "start your own: venecon study template > my-study.toml"


def template_text() -> str:
    """The commented study declaration printed by ``venecon study template``."""
    from importlib import resources

    return resources.files(__package__).joinpath(TEMPLATE).read_text(encoding="utf-8")


def check_command(files: list[str]) -> tuple[list[str], int]:
    """(report lines, number of files that failed): every file is checked, good or bad.

    Each file is parsed by :meth:`Study.from_toml` (the schema of
    :mod:`venecon.study.spec`) and checked against its data (treated unit,
    windows, donor pool), exactly as ``study run`` does before fitting anything.
    """
    from ..exceptions import VeneconError
    from .output import check_unique_names
    from .study import Study

    lines: list[str] = []
    studies, failed = [], 0
    for item in files:
        try:
            path = resolve(item)
            study = Study.from_toml(path)
        except VeneconError as exc:
            failed += 1
            lines += [f"error: {item}", f"    {exc}"]
            continue
        studies.append(study)
        d = study.design
        label = getattr(study.treatment, "label", None)
        if d.cohorts:  # several treated units: each with its own first treated period
            treated = ", ".join(f"{unit} {period}" for unit, period, _ in d.cohorts)
            what = f"treated units (first treated period): {treated}"
        else:
            value = getattr(study.treatment, "value", study.treatment)
            what = f"{study.treated} treated at {value}"
            label = None if label == str(value) else label
        what += f" ({label})" if label else ""
        lines += [
            f"ok: {path}",
            f"    study {study.name!r} ({study.frequency}): {what}",
            f"    pre {d.pre[0]}..{d.pre[1]}, post {d.post[0]}..{d.post[1]}; {len(d.donors)} "
            f"donors, {len(d.excluded)} excluded",
            f"    estimators: {', '.join(study.estimators)}",
        ]
        if study.robustness.prices:
            from .deflate import price_variants

            lines.append("    robustness prices: " + "; ".join(
                label for label, _ in price_variants(study.outcome.deflate,
                                                     study.robustness.prices)))
    try:
        check_unique_names(studies)
    except VeneconError as exc:
        failed += 1
        lines += ["error: the files together", f"    {exc}"]
    return lines, failed
