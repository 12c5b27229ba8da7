"""The ``venecon`` command line.

``venecon tour`` prints a short tour of the bundled data (the main job until
the full report exists); ``venecon data list | describe NAME | cite [NAME]``
browses the dataset catalogue.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .exceptions import VeneconError


def _data_list(_: argparse.Namespace) -> None:
    from .data import datasets

    table = datasets()[["name", "frequency", "start", "end", "rows", "units", "source"]]
    print(table.to_string(index=False))


def _data_describe(args: argparse.Namespace) -> None:
    from .data import describe

    print(json.dumps(describe(args.name), indent=2, ensure_ascii=False))


def _data_cite(args: argparse.Namespace) -> None:
    from .data import cite

    print(cite(args.name))


def _tour(_: argparse.Namespace) -> None:
    from .tour import run

    run()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="venecon", description="Sanctions and resource-economics analysis, Venezuela first."
    )
    from ._version import __version__

    parser.add_argument("--version", action="version", version=f"venecon {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("tour", help="a short tour of the bundled data").set_defaults(run=_tour)

    data = commands.add_parser("data", help="the bundled dataset catalogue")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    data_commands.add_parser("list", help="list the datasets").set_defaults(run=_data_list)
    describe = data_commands.add_parser("describe", help="metadata and provenance of a dataset")
    describe.add_argument("name")
    describe.set_defaults(run=_data_describe)
    cite = data_commands.add_parser("cite", help="BibTeX for a dataset, or for venecon")
    cite.add_argument("name", nargs="?")
    cite.set_defaults(run=_data_cite)
    from .sources.cli import add_refresh_command

    add_refresh_command(data_commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except VeneconError as exc:
        print(f"venecon: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
