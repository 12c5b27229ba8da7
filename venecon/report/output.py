"""Whole-or-nothing report output: check ``--out`` first, write to a staging directory, rename.

:func:`staged_output` checks the output path *before* any analysis runs (an
existing file, a directory that holds something other than an earlier venecon
report, or a place the user cannot write to all raise
:class:`~venecon.exceptions.ConfigError` naming ``--out``), yields a fresh
temporary directory next to ``out`` (same file system, so the final rename is
atomic), and only when the block completes renames it into place. A run that
fails or is killed mid-write leaves ``out`` as it was (absent, or the earlier
report); an interrupted run may leave a hidden ``.venecon-report-*`` staging
directory next to it, never a half-written ``out``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..exceptions import ConfigError

__all__ = ["REPORT_ENTRIES", "check_output", "staged_output"]

#: What a venecon report directory holds; only such a directory is replaced.
REPORT_ENTRIES = frozenset({"report.html", "report.md", "results.json", "figures", "tables"})

_ALLOWED = "a new directory, an empty one, or the directory of an earlier venecon report"


def _err(out: Path, problem: str) -> ConfigError:
    return ConfigError(f"--out {out}: {problem}; allowed: {_ALLOWED}", key="--out",
                       allowed=_ALLOWED)


def check_output(out: str | Path) -> Path:
    """Check that the report can be written to ``out``; return it as an absolute path.

    Raises
    ------
    ConfigError
        ``out`` is an existing file, a directory with files that are not a
        venecon report (it would be replaced), or its parent cannot be
        created or written.
    """
    out = Path(out).expanduser().absolute()
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise _err(out, "exists and is not a directory (pass a directory path)")
        extra = sorted(p.name for p in out.iterdir() if p.name not in REPORT_ENTRIES)
        if extra:
            shown = ", ".join(extra[:5]) + (", ..." if len(extra) > 5 else "")
            raise _err(out, f"is a directory holding files other than a venecon report "
                            f"({shown}); the report replaces the whole directory, so choose "
                            "another path")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _err(out, f"cannot create the parent directory {parent} "
                        f"({exc.strerror or exc})") from exc
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _err(out, f"the parent directory {parent} is not writable")
    return out


@contextlib.contextmanager
def staged_output(out: str | Path) -> Iterator[Path]:
    """Check ``out``, yield a staging directory beside it, and rename it to ``out`` on success.

    Call it before the analysis so a bad ``--out`` fails first. An earlier
    report at ``out`` is swapped out and deleted only after the new one is in
    place; on any exception the staging directory is removed and ``out`` is
    left untouched.
    """
    out = check_output(out)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.venecon-report-", dir=out.parent))
    except OSError as exc:
        raise _err(out, f"cannot create a staging directory in {out.parent} "
                        f"({exc.strerror or exc})") from exc
    try:
        yield staging
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it 0700; a report is a normal dir
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.venecon-old-", dir=out.parent))
            os.replace(out, old / "report")
        try:
            os.replace(staging, out)
        except OSError:
            if old is not None:  # put the earlier report back
                os.replace(old / "report", out)
                old.rmdir()
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
