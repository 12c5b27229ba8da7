"""The studies bundled with venecon: one TOML declaration per file in this directory.

Venezuela's episodes (the 2017 financial sanctions, the 2019 oil sanctions,
Chevron's licence period, the 2025-26 reopening, the annual synthetic control)
and the cross-country comparisons (Iran 2012 and 2018, Russia 2022, Libya
2011) are all declared here and estimated the same way. Every country code,
date and event id of these studies lives in the TOML files, not in code.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["bundled_studies", "bundled_path", "bundled_names"]


def bundled_names() -> list[str]:
    """Names (file stems) of the bundled studies, sorted."""
    return sorted(
        p.name[:-5] for p in resources.files(__name__).iterdir() if p.name.endswith(".toml")
    )


def bundled_path(name: str) -> Path:
    """Path of a bundled study's TOML file."""
    from ..spec import StudyError

    names = bundled_names()
    if name not in names:
        raise StudyError(
            "study.name", f"{name!r} is not a bundled study", f"one of {', '.join(names)}"
        )
    return Path(str(resources.files(__name__).joinpath(f"{name}.toml")))


def bundled_studies(names: list[str] | None = None) -> dict[str, Any]:
    """The bundled studies as ``{name: Study}`` (validated against the bundled data)."""
    from ..study import Study

    return {n: Study.from_toml(bundled_path(n)) for n in (names or bundled_names())}
