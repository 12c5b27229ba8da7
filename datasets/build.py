#!/usr/bin/env python
"""Build venecon's curated tables from the raw source files.

Usage::

    python datasets/build.py [--raw ../shared/raw] [--research ../shared/research] [--out datasets]

Reads the raw files listed in ``_build/raw.py`` (each checked against its
sha256), writes one tidy CSV per dataset to ``OUT/data/`` and the Frictionless
descriptor ``OUT/datapackage.json``. The output is deterministic: the same raw
files give the same bytes, which ``tests/test_build.py`` checks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _build import (conflicts, countries, episodes, events, macro, opec_quotas, prices,  # noqa: E402,I001
                    production, reported, trade)
from _build.common import validate, write_csv  # noqa: E402
from _build.descriptor import package_descriptor, resource_descriptor, write_descriptor  # noqa: E402

BUILDERS = [production, prices, trade, macro]


def build(raw_dir: Path, research_dir: Path, out_dir: Path) -> dict:
    """Build every curated table into ``out_dir`` and return the package descriptor."""
    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    # production_monthly's notes set EIA beside the press-reported OPEC secondary sources.
    secondary = reported.secondary_sources(research_dir)
    for builder in BUILDERS:
        built = (builder.build(raw_dir, secondary) if builder is production
                 else builder.build(raw_dir))
        for resource in built:
            frame = validate(resource)
            path = data_dir / f"{resource.name}.csv"
            sha = write_csv(frame, path)
            entries.append(resource_descriptor(resource, frame, sha, path.stat().st_size))
            print(f"  {resource.name:<22} {len(frame):>7} rows  sha256 {sha[:12]}")
    extra = (events.build(research_dir, data_dir) + reported.build(research_dir, data_dir)
             + episodes.build(raw_dir, data_dir) + conflicts.build(raw_dir, data_dir)
             + opec_quotas.build(raw_dir, data_dir))
    for entry in extra:
        print(f"  {entry['name']:<22} {entry['rows']:>7} rows  {entry['hash'][:19]}")
    entries.sort(key=lambda e: e["name"])
    descriptor = package_descriptor(entries + extra)
    descriptor["resources"].sort(key=lambda e: e["name"])
    used = sorted({c for e in descriptor["resources"] for c in e.get("countries", [])})
    descriptor["country_aliases"] = countries.aliases(used)
    write_descriptor(descriptor, out_dir / "datapackage.json")
    return descriptor


def main(argv: list[str] | None = None) -> int:
    root = HERE.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=root.parent / "shared" / "raw")
    parser.add_argument("--research", type=Path, default=root.parent / "shared" / "research")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    print(f"building curated tables from {args.raw} into {args.out}")
    build(args.raw, args.research, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
