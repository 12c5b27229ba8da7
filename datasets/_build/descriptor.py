"""Write ``datapackage.json``: a Frictionless Data Package describing every table.

The descriptor is the single source of provenance that ``venecon.datasets()``,
``describe`` and ``cite`` read at run time. It holds no wall-clock time, so a
rebuild from the same raw files gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .common import CORE_COLUMNS, UNITS, Resource

PACKAGE_NAME = "venecon-datasets"
# Bump when the raw vintage or the curation changes; results carry it.
DATA_VERSION = "2026.11.0"

CORE_FIELD_DOCS = {
    "date": "Observation date: ISO date (monthly tables: first day of the month) or integer year (annual tables)",
    "country": "ISO 3166-1 alpha-3 code; WLD is the world total or a global benchmark (World Bank "
    "convention); SUN (the withdrawn ISO code of the USSR) marks Soviet Union totals",
    "series": "Series name; see the resource's 'series' map for its definition",
    "value": "Observation value, in 'unit'",
    "unit": "Unit of 'value'; see the package's 'units' map",
    "source": "Publisher code of the figure; see the resource's 'sources'",
}


def _field(name: str, frequency: str, description: str) -> dict:
    if name == "date":
        kind = "integer" if frequency == "annual" else "date"
    elif name == "value":
        kind = "number"
    else:
        kind = "string"
    return {"name": name, "type": kind, "description": description}


def _coverage(frame: pd.DataFrame) -> dict:
    first, last = frame["date"].min(), frame["date"].max()
    return {"start": first if isinstance(first, str) else int(first),
            "end": last if isinstance(last, str) else int(last)}


def resource_descriptor(resource: Resource, frame: pd.DataFrame, sha256: str, size: int) -> dict:
    """The data-package entry for one curated table (``frame`` as validated and written)."""
    fields = [_field(c, resource.frequency, CORE_FIELD_DOCS[c]) for c in CORE_COLUMNS]
    fields += [_field(c, resource.frequency, d) for c, d in resource.extra_columns.items()]
    units = frame.groupby("series")["unit"].first().to_dict()
    sources, licences = raw_sources(resource.raw_files)
    attribution = " ".join(dict.fromkeys(raw.publisher.attribution for raw in resource.raw_files))
    return {
        "name": resource.name,
        "path": f"data/{resource.name}.csv",
        "title": resource.title,
        "description": resource.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": f"sha256:{sha256}",
        "frequency": resource.frequency,
        "coverage": _coverage(frame),
        "rows": int(len(frame)),
        "countries": sorted(frame["country"].unique().tolist()),
        "series": {name: {"definition": resource.series[name], "unit": units[name]}
                   for name in sorted(units)},
        "schema": {"fields": fields, "primaryKey": resource.primary_key},
        "sources": sources,
        "licenses": licences,
        "attribution": attribution,
        "vintage": vintage(resource, frame),
        **({"warn_flags": list(resource.warn_flags)} if resource.warn_flags else {}),
        "notes": list(resource.notes),
    }


def raw_sources(raw_files: list) -> tuple[list[dict], list[dict]]:
    """The ``sources`` and ``licenses`` entries of a table built from registered raw files."""
    sources = []
    for raw in raw_files:
        publisher = raw.publisher
        sources.append(
            {
                "title": publisher.title,
                "path": publisher.url,
                "source": publisher.code,
                "raw": {
                    "file": raw.path,
                    "description": raw.description,
                    "repository": raw.repository,
                    "repository_path": raw.repo_path,
                    "commit": raw.commit,
                    "url": raw.repository_url,
                    "sha256": raw.sha256,
                },
                "license": publisher.licence,
                "license_path": publisher.licence_url,
                "attribution": publisher.attribution,
            }
        )
    licences = []
    for raw in raw_files:
        entry = {"title": raw.publisher.licence, "path": raw.publisher.licence_url}
        if entry not in licences:
            licences.append(entry)
    return sources, licences


def raw_vintage(raw_files: list) -> dict:
    """Per raw file: source, publication, upstream commit and its date; and the newest date."""
    files = [{"file": raw.path, "source": raw.publisher.code, "publication": raw.publisher.title,
              "commit": raw.commit, "committed": raw.committed or None}
             for raw in raw_files]
    times = sorted(f["committed"] for f in files if f["committed"])
    return {"latest_commit": times[-1] if times else None, "raw_files": files}


def vintage(resource: Resource, frame: pd.DataFrame) -> dict:
    """When the table was taken: each raw file's upstream commit date and the last period.

    The raw collection records no retrieval date, so a raw file's vintage is the
    date of the upstream commit holding that version (publication editions are
    named in the sources' titles, e.g. OPEC ASB 2018, EI Statistical Review 2026).
    """
    files = raw_vintage(resource.raw_files)
    last = {}
    for source, part in frame.groupby("source"):
        end = part["date"].max()
        last[source] = end if isinstance(end, str) else int(end)
    return {
        "last_period": _coverage(frame)["end"],
        "last_period_by_source": last,
        "latest_commit": files["latest_commit"],
        "raw_files": files["raw_files"],
        "basis": "upstream commit date (UTC) of each raw file; the raw collection records no "
        "retrieval date",
    }


def csv_fields(data: bytes) -> dict:
    """The file fields of a CSV resource entry (format, media type, size, sha256)."""
    import hashlib

    return {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": len(data),
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}


def registry_fields(frame: pd.DataFrame, data: bytes) -> dict:
    """File, frequency and coverage fields of an annual country-year registry (own schema)."""
    return {
        **csv_fields(data),
        "frequency": "annual",
        "layout": "registry",
        "coverage": {"start": int(frame["date"].min()), "end": int(frame["date"].max())},
        "rows": int(len(frame)),
        "countries": sorted(frame["country"].unique().tolist()),
        "series": {},
    }


def package_descriptor(resources: list[dict], extra: list[dict] | None = None) -> dict:
    return {
        "profile": "data-package",
        "name": PACKAGE_NAME,
        "title": "venecon curated datasets: Venezuela oil production, prices, trade and macro",
        "version": DATA_VERSION,
        "description": (
            "Tidy tables derived by datasets/build.py from published raw files (see each "
            "resource's sources). Different statistical concepts stay distinct series or sources."
        ),
        "units": UNITS,
        "resources": resources + (extra or []),
    }


def write_descriptor(descriptor: dict, path: Path) -> None:
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")
