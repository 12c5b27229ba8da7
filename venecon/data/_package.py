"""Find the bundled data package and read its files with integrity checks.

The curated tables live in ``datasets/`` in the source tree and are copied into
the wheel as ``venecon/_datasets``. Everything that reads them goes through
:func:`read_verified`, which compares each file with the sha256 recorded in
``datapackage.json`` before a single row is parsed.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

from ..exceptions import DataIntegrityError, DatasetNotFoundError

DESCRIPTOR = "datapackage.json"


@cache
def data_root() -> Path:
    """Directory holding ``datapackage.json``: the installed copy, else the source tree."""
    installed = Path(str(resources.files("venecon"))) / "_datasets"
    if (installed / DESCRIPTOR).is_file():
        return installed
    source_tree = Path(__file__).resolve().parents[2] / "datasets"
    if (source_tree / DESCRIPTOR).is_file():
        return source_tree
    raise DataIntegrityError(
        "venecon's bundled datasets are missing (no datapackage.json in the package or the "
        "source tree). Reinstall with 'pip install --force-reinstall venecon', or from a "
        "checkout run 'python datasets/build.py'."
    )


@cache
def _descriptor() -> dict:
    path = data_root() / DESCRIPTOR
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataIntegrityError(f"cannot read the data package descriptor {path}: {exc}") from exc
    # Check the shape once here, so an empty or hand-edited descriptor is a clear error
    # rather than a KeyError wherever a field is first used.
    entries = found.get("resources") if isinstance(found, dict) else None
    if (not isinstance(entries, list) or "version" not in found
            or not all(isinstance(e, dict) and {"name", "path", "hash"} <= set(e)
                       for e in entries)):
        raise DataIntegrityError(
            f"the data package descriptor {path} is malformed: it needs a 'version' and a "
            "'resources' list whose entries have 'name', 'path' and 'hash'. Reinstall venecon "
            "('pip install --force-reinstall venecon') or rebuild it ('python datasets/build.py')."
        )
    return found


def descriptor() -> dict:
    """A copy of the whole data-package descriptor."""
    return copy.deepcopy(_descriptor())


def version() -> str:
    """The data package's version (without copying the descriptor)."""
    return _descriptor()["version"]


def names() -> list[str]:
    """Names of the bundled datasets, sorted."""
    return sorted(entry["name"] for entry in _descriptor()["resources"])


def suggest(word: str, options: list[str]) -> str:
    """' Did you mean ...?' for the closest option, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


def alpha3(value: str) -> str | None:
    """The ISO alpha-3 code for a country name or alpha-2 code used in the data, if known."""
    key = " ".join(str(value).replace("\u00a0", " ").split()).lower()
    aliases = _descriptor().get("country_aliases", {})
    if key in aliases:
        return aliases[key]
    # A misspelt name ("Venezuala"): the closest full name, never a guess from two letters.
    names = [a for a in aliases if len(a) > 3]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.85) if len(key) > 3 else []
    return aliases[close[0]] if close else None


def resource(name: str) -> dict:
    """The descriptor entry of one dataset (read-only: do not mutate)."""
    for entry in _descriptor()["resources"]:
        if entry["name"] == name:
            return entry
    available = names()
    raise DatasetNotFoundError(
        f"unknown dataset {name!r}.{suggest(name, available)} "
        f"Available datasets: {', '.join(available)}."
    )


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def read_verified(name: str) -> bytes:
    """The bytes of a dataset's file, after checking them against the recorded sha256."""
    entry = resource(name)
    path = data_root() / entry["path"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataIntegrityError(
            f"dataset {name!r}: cannot read {path} ({exc}). Reinstall venecon "
            "('pip install --force-reinstall venecon') or rebuild it ('python datasets/build.py')."
        ) from exc
    expected = entry["hash"].removeprefix("sha256:")
    actual = sha256_bytes(data)
    if actual != expected:
        raise DataIntegrityError(
            f"dataset {name!r}: file {path} has sha256 {actual} but datapackage.json records "
            f"{expected}. The file was modified or corrupted; reinstall venecon "
            "('pip install --force-reinstall venecon') or, in a source checkout, rebuild it "
            "with 'python datasets/build.py'."
        )
    return data
