"""Running several studies and writing ``results.json``.

``results.json`` holds ``{"studies": {name: StudyResults.to_dict()}, "provenance": ...,
"venecon_version": ...}`` with sorted keys, no timestamps and the sha256 of every
dataset used, so two runs on the same data write the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["run_studies", "results_dict", "write_results"]


def run_studies(studies: Iterable[Any], n_jobs: int = 1, progress: bool = False) -> list[Any]:
    """``[study.run(n_jobs, progress) for study in studies]`` with a progress bar over studies."""
    studies = list(studies)
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
