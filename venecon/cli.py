"""The ``venecon`` command line.

``venecon report`` runs the standard analysis and writes the report (the main
job); ``venecon study run | check | list | template`` runs, validates, lists and
starts study declarations; ``venecon tour`` prints a short tour of the bundled data;
``venecon data list | describe NAME | cite [NAME] | build | refresh`` browses
and rebuilds the dataset catalogue.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .exceptions import VeneconError


def _data_list(_: argparse.Namespace) -> None:
    from .data import datasets

    print(repr(datasets()))  # 100 columns; venecon data describe NAME gives the rest


def _data_describe(args: argparse.Namespace) -> None:
    from .data import describe

    entry = describe(args.name)
    print(entry.summary() + "\n")
    print(json.dumps(entry.to_dict(), indent=2, ensure_ascii=False))


def _data_cite(args: argparse.Namespace) -> None:
    from .data import cite

    print(cite(args.name))


def _data_build(args: argparse.Namespace) -> None:
    """Run ``datasets/build.py`` of a source checkout (the raw files are not shipped)."""
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "datasets" / "build.py"
    if not script.is_file():
        raise VeneconError(
            "'venecon data build' rebuilds the curated tables from the raw source files and "
            "needs a "
            "source checkout of venecon (git clone, then run it from there, with the raw files "
            "under "
            "../shared/raw or --raw DIR); this installation has the built tables only")
    raw = Path(args.raw) if args.raw else script.parent.parent.parent / "shared" / "raw"
    if not raw.is_dir():
        raise VeneconError(f"'venecon data build' needs the raw source files; {raw} does not exist "
                           "(pass --raw DIR)")
    cmd = [sys.executable, str(script), "--raw", str(raw)]
    if args.research:
        cmd += ["--research", str(args.research)]
    if args.out:
        cmd += ["--out", str(args.out)]
    code = subprocess.call(cmd)
    if code:
        raise VeneconError(f"datasets/build.py failed with exit status {code}")


def _n_jobs_arg(text: str) -> int:
    """``--n-jobs``: a positive int or -1 (argparse reports anything else as a usage error)."""
    from .parallel import check_n_jobs

    try:
        return int(check_n_jobs(int(text), "--n-jobs"))  # type: ignore[arg-type]
    except (ValueError, VeneconError) as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of jobs: give a positive integer, or -1 for every core"
        ) from exc


def _jobs(args: argparse.Namespace) -> int:
    """``--n-jobs`` capped at the cores available, with a note when it was."""
    from .parallel import capped_jobs

    return capped_jobs(args.n_jobs, "--n-jobs")


def _where(args: argparse.Namespace, n_jobs: int) -> Any:
    """A :func:`venecon.parallel.compute` block for ``--scheduler``/``--address`` (if given)."""
    import contextlib

    from .parallel import Compute, compute

    if args.scheduler is None and args.address is None:
        return contextlib.nullcontext()
    return compute(Compute(args.scheduler, args.address, n_jobs, key="--"))


def _report(args: argparse.Namespace) -> None:
    from .report.render import build_report

    n = _jobs(args)
    with _where(args, n):
        out = build_report(args.out, args.config, live=args.live, quiet=args.quiet, n_jobs=n)
    if not args.quiet:
        print(out / "report.html")


def _study_run(args: argparse.Namespace) -> None:
    from .study.cli import run_command

    n = _jobs(args)
    with _where(args, n):
        out = run_command(args.files, args.out, n_jobs=n, quiet=args.quiet)
    if not args.quiet:
        print(out / "report.html")


def _add_compute_args(parser: argparse.ArgumentParser) -> None:
    from .parallel import SCHEDULERS

    parser.add_argument("--scheduler", choices=SCHEDULERS, default=None,
                        help="where placebos and robustness grids run: serial, loky (--n-jobs "
                        "local processes) or dask (needs venecon[dask]); results are identical")
    parser.add_argument("--address", default=None,
                        help="a running Dask scheduler, e.g. tcp://host:8786 (implies --scheduler "
                        "dask; without it, dask starts a local cluster of --n-jobs workers)")


def _study_check(args: argparse.Namespace) -> None:
    from .study.cli import check_command
    from .study.spec import StudyError

    lines, failed = check_command(args.files)
    print("\n".join(lines))
    if failed:
        raise StudyError("study", f"{failed} problem(s) in {len(args.files)} file(s) "
                         "(see above)", "fix the keys named and run venecon study check again")


def _study_list(_: argparse.Namespace) -> None:
    from .study.cli import list_command

    print(list_command())


def _study_template(_: argparse.Namespace) -> None:
    from .study.cli import template_text

    sys.stdout.write(template_text())


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
    report = commands.add_parser(
        "report", help="run the standard analysis and write the report (HTML, Markdown, figures, "
        "LaTeX tables, results.json)")
    report.add_argument(
        "--out", default="venecon-report", help="output directory (default: venecon-report)"
    )
    report.add_argument("--config", default=None, help="TOML file overriding windows, donor pools, "
                        "events and assumptions")
    report.add_argument(
        "--live", action="store_true", help="use the live vintage of monthly production and "
        "prices (venecon data refresh) instead of the bundled data")
    report.add_argument("--quiet", action="store_true", help="no progress output")
    report.add_argument("--n-jobs", type=_n_jobs_arg, default=1,
                        help="parallel jobs for the studies' robustness grids (joblib; -1: every "
                        "core; capped at the cores available)")
    _add_compute_args(report)
    report.set_defaults(run=_report)
    commands.add_parser("tour", help="a short tour of the bundled data").set_defaults(run=_tour)
    study = commands.add_parser("study", help="declared studies of sanctions episodes")
    study = study.add_subparsers(dest="study_command", required=True)
    study_run = study.add_parser("run", help="run studies (TOML files or bundled names) and write "
                                 "results.json and a report")
    study_run.add_argument("files", nargs="+", help="study TOML files, or names of bundled studies")
    study_run.add_argument("--out", default="venecon-study", help="output directory")
    study_run.add_argument("--n-jobs", type=_n_jobs_arg, default=1,
                           help="parallel jobs (joblib; -1: every core; capped at the cores "
                           "available)")
    study_run.add_argument("--quiet", action="store_true", help="no progress output")
    _add_compute_args(study_run)
    study_run.set_defaults(run=_study_run)
    study_check = study.add_parser(
        "check", help="validate study TOML files against the data without running them")
    study_check.add_argument("files", nargs="+", help="study TOML files, or names of bundled "
                             "studies")
    study_check.set_defaults(run=_study_check)
    study.add_parser("list", help="the bundled studies: name, treated unit, treatment, title"
                     ).set_defaults(run=_study_list)
    study.add_parser("template", help="print a commented study TOML to start from (venecon "
                     "study template > my-study.toml)").set_defaults(run=_study_template)

    data = commands.add_parser("data", help="the bundled dataset catalogue")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    data_commands.add_parser("list", help="list the datasets").set_defaults(run=_data_list)
    describe = data_commands.add_parser("describe", help="metadata and provenance of a dataset")
    describe.add_argument("name")
    describe.set_defaults(run=_data_describe)
    cite = data_commands.add_parser("cite", help="BibTeX for a dataset, or for venecon")
    cite.add_argument("name", nargs="?")
    cite.set_defaults(run=_data_cite)
    build = data_commands.add_parser(
        "build", help="rebuild the curated tables from the raw files (source checkout only)")
    build.add_argument(
        "--raw", default=None, help="raw files (default: ../shared/raw of the checkout)"
    )
    build.add_argument("--research", default=None, help="research notes (events registry)")
    build.add_argument("--out", default=None, help="output directory (default: datasets/)")
    build.set_defaults(run=_data_build)
    from .sources.cli import add_refresh_command

    add_refresh_command(data_commands)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be so that the same clean-up runs."""


def _on_sigterm(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; 0 on success, 2 on a venecon error, 130/143 when interrupted.

    Ctrl-C and SIGTERM both unwind normally (a staging directory is removed,
    ``--out`` is left as it was) and print one line, not a traceback.
    """
    import signal
    import threading

    args = build_parser().parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        args.run(args)
    except VeneconError as exc:
        print(f"venecon: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        what = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted (Ctrl-C)"
        # a note says when the output had been written just before the signal took effect
        where = "; ".join(getattr(exc, "__notes__", ())) or "an existing --out is left as it was"
        print(f"venecon: {what}; stopped, and {where}", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
