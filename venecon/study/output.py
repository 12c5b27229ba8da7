"""Running several studies and writing ``results.json``.

``results.json`` holds ``{"studies": {name: StudyResults.to_dict()}, "provenance": ...,
"venecon_version": ...}`` with sorted keys, no timestamps and the sha256 of every
dataset used, so two runs on the same data write the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["check_unique_names", "run_studies", "results_dict", "write_results"]


def check_unique_names(studies: Iterable[Any]) -> None:
    """Refuse two studies (or results) of one name: ``results.json`` keys them by name.

    Raises
    ------
    StudyError
        Two entries share a name; the message names it.
    """
    from .spec import StudyError

    seen: set[str] = set()
    for s in studies:
        name = s.name if hasattr(s, "name") else s.study.name
        if name in seen:
            raise StudyError("study.name", f"two studies in one run are named {name!r}; the "
                             "second would silently replace the first in results.json",
                             "give every study its own name")
        seen.add(name)


def run_studies(studies: Iterable[Any], n_jobs: int = 1, progress: bool = False) -> list[Any]:
    """``[study.run(n_jobs, progress) for study in studies]`` with a progress bar over studies."""
    studies = list(studies)
    check_unique_names(studies)
    if progress:
        from tqdm.auto import tqdm

        studies_iter = tqdm(studies, desc="studies", unit="study")
    else:
        studies_iter = studies
    out = []
    for s in studies_iter:
        if progress:
            studies_iter.set_postfix_str(s.name)
        out.append(s.run(n_jobs=n_jobs, progress=progress))
    return out


def results_dict(results: Iterable[Any]) -> dict[str, Any]:
    """The ``results.json`` content of some :class:`StudyResults`."""
    from .._version import __version__

    results = list(results)
    check_unique_names(results)
    studies, datasets = {}, {}
    for r in results:
        studies[r.study.name] = r.to_dict()
        datasets.update(r.provenance.get("datasets", {}))
    return {
        "studies": studies,
        "venecon_version": __version__,
        "provenance": {"datasets": dict(sorted(datasets.items()))},
    }


def write_results(results: Iterable[Any], out: str | Path) -> Path:
    """Write ``out/results.json`` (sorted keys, strict JSON) and return its path."""
    from ..report.output import write_json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return write_json(results_dict(results), out / "results.json")
