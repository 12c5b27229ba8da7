"""``venecon study run FILE.toml ... --out DIR``: run studies and write results and a report."""

from __future__ import annotations

import contextlib
from pathlib import Path

__all__ = ["run_command", "resolve"]


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
