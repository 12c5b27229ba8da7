"""The dataset catalogue: ``datasets()``, ``describe()`` and ``cite()``."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .._version import __release_date__, __version__
from . import _package

if TYPE_CHECKING:
    import pandas as pd

LIBRARY_CITATION = {
    "key": "venecon",
    "title": "venecon: sanctions and resource-economics analysis in Python",
    "author": "{The venecon developers}",
    "license": "BSD-3-Clause",
}


def vintage_text(entry: dict[str, Any]) -> str:
    """One-line vintage of a descriptor entry: newest upstream commit, edition or note."""
    vintage = entry.get("vintage")
    if not isinstance(vintage, dict):
        return str(vintage or "")
    if vintage.get("latest_commit"):
        unknown = sum(1 for raw in vintage.get("raw_files", []) if not raw.get("committed"))
        extra = f" ({unknown} raw file of unknown commit date)" if unknown else ""
        return f"upstream commit {vintage['latest_commit']}{extra}"
    if vintage.get("note_sha256"):
        return f"research note sha256 {vintage['note_sha256'][:12]}"
    return str(vintage.get("edition", ""))


def datasets() -> pd.DataFrame:
    """A catalogue of the bundled datasets, one row each.

    Returns
    -------
    Catalogue
        A DataFrame (:class:`venecon.data.table.Catalogue`, printed in 100
        columns: name, frequency, coverage, rows and a shortened title).
        Columns ``name, title, frequency, start, end, last_period, vintage,
        rows, series, units, source, licence, sha256``; ``last_period`` is the
        last observed period (for ``events`` the last event's date),
        ``vintage`` says when the table was taken (the newest upstream commit
        of its raw files, or the research note it is compiled from; per-file
        detail in ``describe(name)["vintage"]``), ``source`` lists the
        publisher codes used in the table's ``source`` column.
    """
    from .table import Catalogue

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
                "last_period": (entry.get("vintage") or {}).get("last_period"),
                "vintage": vintage_text(entry),
                "rows": entry.get("rows"),
                "series": ", ".join(series),
                "units": ", ".join(sorted({s["unit"] for s in series.values()})),
                "source": ", ".join(dict.fromkeys(s["source"] for s in entry["sources"])),
                "licence": "; ".join(lic["title"] for lic in entry["licenses"]),
                "sha256": entry["hash"].removeprefix("sha256:"),
            }
        )
    return Catalogue(rows)


class DatasetDescription(dict):
    """The metadata of one dataset: a dict (JSON-safe) that prints as a summary.

    Keys are those of the dataset's entry in the bundled ``datapackage.json``
    (``title``, ``coverage``, ``vintage``, ``series``, ``sources``, ``notes``,
    ...) plus ``data_version``. :meth:`summary` (also ``repr``) is a short
    readable account; :meth:`to_dict` returns a plain dict copy.
    """

    def to_dict(self) -> dict[str, Any]:
        """A plain, deep-copied dict (for ``json.dumps`` and the like)."""
        return copy.deepcopy(dict(self))

    def _lines(self) -> list[tuple[str, str]]:
        coverage = self.get("coverage", {})
        vintage = self.get("vintage") or {}
        rows: list[tuple[str, str]] = [
            ("frequency", str(self.get("frequency", ""))),
            ("coverage", f"{coverage.get('start')} to {coverage.get('end')}"),
            ("rows", f"{self.get('rows')}"),
        ]
        if isinstance(vintage, dict):
            rows.append(("last period", str(vintage.get("last_period"))))
            by_source = vintage.get("last_period_by_source")
            if by_source:
                rows.append(("last by source", ", ".join(f"{k} {v}" for k, v in by_source.items())))
            rows.append(("vintage", vintage_text(self)))
            for raw in vintage.get("raw_files", []):
                rows.append(("raw file", f"{raw['file']} (commit {raw['commit'][:10]}, "
                             f"{raw.get('committed') or 'date unknown'})"))
        series = self.get("series", {})
        if series:
            rows.append(("series", ", ".join(f"{k} [{v.get('unit')}]" for k, v in series.items())))
        sources = ", ".join(dict.fromkeys(s.get("source", "") for s in self.get("sources", [])))
        rows.append(("sources", sources))
        if self.get("warn_flags"):
            rows.append(("warns on flags", ", ".join(self["warn_flags"])))
        rows.append(("sha256", str(self.get("hash", "")).removeprefix("sha256:")[:16] + "..."))
        rows.append(("data version", str(self.get("data_version"))))
        rows.append(("notes", f"{len(self.get('notes', []))} (see ['notes'])"))
        return rows

    def summary(self) -> str:
        """A short plain-text account: coverage, last period, vintage, sources, flags."""
        lines = [f"{self.get('name')}: {self.get('title')}"]
        width = max(len(k) for k, _ in self._lines())
        lines += [f"  {k:<{width}}  {v}" for k, v in self._lines()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
                       for k, v in self._lines())
        title = html.escape(f"{self.get('name')}: {self.get('title')}")
        return f"<div><strong>{title}</strong><table>{body}</table></div>"


def describe(name: str) -> DatasetDescription:
    """The full metadata of one dataset.

    Returns a :class:`DatasetDescription`: the dataset's entry of the bundled
    Frictionless ``datapackage.json`` as a dict (title, description, coverage,
    vintage with the last period and each raw file's upstream commit and time,
    series definitions and units, schema, upstream sources with repository,
    commit and sha256, licences, attribution, notes on caveats) that prints as
    a readable summary; ``.to_dict()`` gives a plain dict.
    """
    entry = copy.deepcopy(_package.resource(name))
    entry["data_version"] = _package.version()
    return DatasetDescription(entry)


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
            "year": __release_date__[:4],
            "date": __release_date__,
            "license": LIBRARY_CITATION["license"],
        },
    )
    if name is None:
        return library
    entry = _package.resource(name)
    version = _package.version()
    entries = [
        _bibtex(
            "misc",
            f"venecon_{name}",
            {
                "title": (f"{entry['title']} (venecon curated dataset '{name}', "
                          f"data version {version})"),
                "author": LIBRARY_CITATION["author"],
                "howpublished": f"venecon {__version__}, datasets/data/{name}.csv",
                "year": __release_date__[:4],
                "note": (f"sha256 {entry['hash'].removeprefix('sha256:')}. "
                         f"{entry.get('attribution', '')}").strip(),
            },
        )
    ]
    vintage = entry.get("vintage") if isinstance(entry.get("vintage"), dict) else {}
    committed = {f.get("commit"): f.get("committed") for f in vintage.get("raw_files", [])}
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
                    # the year of the raw file's upstream commit (its vintage), where known
                    "year": str(committed.get(raw.get("commit")) or "")[:4],
                    "note": " ".join(
                        part
                        for part in (
                            source.get("attribution", ""),
                            f"Licence: {source['license']}." if source.get("license") else "",
                            (f"Raw file from {raw['repository']} at commit {raw['commit']}."
                             if raw else ""),
                        )
                        if part
                    ),
                },
            )
        )
    return "\n\n".join(entries)
