"""The dataset catalogue: ``datasets()``, ``describe()`` and ``cite()``."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from .._version import __version__
from . import _package

if TYPE_CHECKING:
    import pandas as pd

LIBRARY_CITATION = {
    "key": "venecon",
    "title": "venecon: sanctions and resource-economics analysis in Python",
    "author": "{The venecon developers}",
    "license": "BSD-3-Clause",
}


def datasets() -> pd.DataFrame:
    """A catalogue of the bundled datasets, one row each.

    Returns
    -------
    DataFrame
        Columns ``name, title, frequency, start, end, rows, series, units,
        source, licence, sha256``; ``source`` lists the publisher codes used in
        the table's ``source`` column.
    """
    import pandas as pd

    rows = []
    for name in _package.names():
        entry = _package.resource(name)
        series = entry.get("series", {})
        rows.append(
            {
                "name": name,
                "title": entry["title"],
                "frequency": entry.get("frequency", ""),
                "start": entry.get("coverage", {}).get("start"),
                "end": entry.get("coverage", {}).get("end"),
                "rows": entry.get("rows"),
                "series": ", ".join(series),
                "units": ", ".join(sorted({s["unit"] for s in series.values()})),
                "source": ", ".join(dict.fromkeys(s["source"] for s in entry["sources"])),
                "licence": "; ".join(lic["title"] for lic in entry["licenses"]),
                "sha256": entry["hash"].removeprefix("sha256:"),
            }
        )
    return pd.DataFrame(rows)


def describe(name: str) -> dict:
    """The full metadata of one dataset.

    Returns the dataset's entry of the bundled Frictionless ``datapackage.json``
    (a JSON-safe dict): title, description, coverage, series definitions and
    units, schema, upstream sources with the raw file's repository, commit and
    sha256, licences, attribution and notes on caveats.
    """
    entry = copy.deepcopy(_package.resource(name))
    entry["data_version"] = _package.descriptor()["version"]
    return entry


def _bibtex(kind: str, key: str, fields: dict[str, str]) -> str:
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@{kind}{{{key},\n{body}\n}}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def cite(name: str | None = None) -> str:
    """BibTeX for the library, or for one dataset and its upstream sources.

    Parameters
    ----------
    name : str, optional
        A dataset name. Without it, the citation of the venecon library.

    Returns
    -------
    str
        One or more BibTeX entries. For a dataset: the curated venecon table
        (with its data version and sha256) followed by each upstream publisher,
        whose attribution terms the dataset's licence requires you to honour.
    """
    library = _bibtex(
        "software",
        LIBRARY_CITATION["key"],
        {
            "title": LIBRARY_CITATION["title"],
            "author": LIBRARY_CITATION["author"],
            "version": __version__,
            "license": LIBRARY_CITATION["license"],
        },
    )
    if name is None:
        return library
    entry = _package.resource(name)
    version = _package.descriptor()["version"]
    entries = [
        _bibtex(
            "misc",
            f"venecon_{name}",
            {
                "title": f"{entry['title']} (venecon curated dataset '{name}', data version {version})",
                "author": LIBRARY_CITATION["author"],
                "howpublished": f"venecon {__version__}, datasets/data/{name}.csv",
                "note": f"sha256 {entry['hash'].removeprefix('sha256:')}. {entry.get('attribution', '')}".strip(),
            },
        )
    ]
    seen = set()
    for source in entry["sources"]:
        key = _slug(source.get("source") or source["title"])
        if key in seen:
            continue
        seen.add(key)
        raw = source.get("raw", {})
        entries.append(
            _bibtex(
                "misc",
                key,
                {
                    "title": source["title"],
                    "url": source["path"],
                    "note": " ".join(
                        part
                        for part in (
                            source.get("attribution", ""),
                            f"Licence: {source['license']}." if source.get("license") else "",
                            f"Raw file from {raw['repository']} at commit {raw['commit']}." if raw else "",
                        )
                        if part
                    ),
                },
            )
        )
    return "\n\n".join(entries)
