"""Whole-or-nothing output for ``venecon report`` and ``venecon study run``.

:func:`staged_output` checks ``--out`` *before* any analysis runs, yields a
fresh staging directory next to it (same file system, so the final rename is
atomic), and only when the block completes writes a manifest of what venecon
wrote (:data:`MANIFEST`: every file with its sha256) and renames the staging
directory into place.

An existing ``--out`` is replaced only if it is empty or holds exactly what an
earlier venecon run wrote there, unchanged (checked against its manifest);
any other file -- the user's own ``figures/fig1_final.pdf``, an edited
``report.md`` -- makes the run stop with a :class:`~venecon.exceptions.ConfigError`
naming ``--out``, before any model runs and again just before the swap. Only
files listed in the manifest are ever deleted. A symlinked ``--out`` stays a
symlink: the directory it points to is the one replaced.

A run that fails or is killed leaves ``--out`` as it was. Ctrl-C or SIGTERM
while a staging directory is being made, or while the renames run, takes
effect just after that step, so neither leaves a directory behind. A staging
directory left behind by a killed run (SIGKILL) is removed (and an earlier
report caught between the two renames is put back) by the next run writing
beside it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..exceptions import ConfigError, OutputError
from ..signals import signals_deferred

__all__ = ["MANIFEST", "REPORT_ENTRIES", "check_output", "staged_output", "write_json"]

#: The manifest venecon writes into every output directory: ``{"files": {path: sha256}}``.
MANIFEST = ".venecon-manifest.json"
#: What a venecon report directory holds at its top level.
REPORT_ENTRIES = frozenset({"report.html", "report.md", "results.json", "figures", "tables",
                            MANIFEST})

_ALLOWED = "a new directory, an empty one, or the unchanged directory of an earlier venecon run"
_OWNER = ".venecon-staging"  # pid and host of the run that owns a staging directory
_KINDS = ("venecon-report", "venecon-old")


def _err(out: Path, problem: str) -> ConfigError:
    return ConfigError(f"--out {out}: {problem}; allowed: {_ALLOWED}", key="--out",
                       allowed=_ALLOWED)


def write_json(obj: Any, path: str | Path) -> Path:
    """Deterministic strict JSON: sorted keys, indent 2, no NaN, UTF-8, trailing newline."""
    path = Path(path)
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _contents(root: Path) -> tuple[list[str], list[str]]:
    """(files, directories) below ``root`` as sorted POSIX relative paths; symlinks are files."""
    files, dirs = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for d in list(dirnames):
            p = base / d
            if p.is_symlink():
                dirnames.remove(d)
                files.append(p.relative_to(root).as_posix())
            else:
                dirs.append(p.relative_to(root).as_posix())
        files.extend((base / f).relative_to(root).as_posix() for f in filenames)
    return sorted(files), sorted(dirs)


def _manifest(root: Path) -> dict[str, str] | None:
    """The ``files`` of ``root``'s manifest, or None when it has none (or an unreadable one)."""
    path = root / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


def _foreign(root: Path) -> list[str]:
    """What in ``root`` venecon did not write, or changed since (empty: safe to replace)."""
    files, dirs = _contents(root)
    if not files and not dirs:
        return []
    written = _manifest(root)
    if written is None:
        return files  # empty directories hold nothing to lose
    keep_dirs = {str(Path(f).parent.as_posix()) for f in written}
    keep_dirs |= {p.as_posix() for f in written for p in Path(f).parents}
    out = []
    for f in files:
        if f == MANIFEST:
            continue
        p = root / f
        if f not in written or p.is_symlink() or not p.is_file():
            out.append(f)
        elif _sha256(p) != written[f]:
            out.append(f"{f} (changed since venecon wrote it)")
    out.extend(d + "/" for d in dirs if d not in keep_dirs)
    return out


def _target(out: str | Path) -> Path:
    """``out`` as an absolute path; a symlink is followed so that the link itself stays."""
    out = Path(out).expanduser().absolute()
    if out.is_symlink():
        return Path(os.path.realpath(out))
    return out


def check_output(out: str | Path) -> Path:
    """Check that venecon may write its output to ``out``; return the directory to replace.

    Raises
    ------
    ConfigError
        ``out`` is an existing file, a directory holding files venecon did not
        write (or changed since), or its parent cannot be created or written.
    """
    shown_out = Path(out).expanduser().absolute()
    out = _target(out)
    if out.exists():
        if not out.is_dir():
            raise _err(shown_out, "exists and is not a directory (pass a directory path)")
        foreign = _foreign(out)
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise _err(shown_out, f"is a directory holding files other than a venecon report "
                                  f"({shown}); venecon replaces only what it wrote itself (listed "
                                  f"in {MANIFEST}), so move those files or choose another path")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _err(shown_out, f"cannot create the parent directory {parent} "
                              f"({exc.strerror or exc})") from exc
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _err(shown_out, f"the parent directory {parent} is not writable")
    return out


def _mark_owner(directory: Path) -> None:
    (directory / _OWNER).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}),
                                    encoding="utf-8")


def _owner_alive(directory: Path) -> bool:
    try:
        owner = json.loads((directory / _OWNER).read_text(encoding="utf-8"))
        pid, host = int(owner["pid"]), str(owner["host"])
    except (OSError, ValueError, KeyError, TypeError):
        return True  # not recognisably ours: leave it alone
    if host != socket.gethostname():
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _stale_dirs(out: Path) -> Iterator[tuple[str, Path]]:
    prefix = f".{out.name}."
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return
    for p in entries:
        if not p.name.startswith(prefix) or p.is_symlink() or not p.is_dir():
            continue
        rest = p.name[len(prefix):]
        kind = next((k for k in _KINDS if rest.startswith(k + "-")), None)
        if kind is not None and (p / _OWNER).is_file() and not _owner_alive(p):
            yield kind, p


def clean_stale(out: str | Path) -> list[Path]:
    """Remove the staging directories that killed venecon runs left beside ``out``.

    An earlier report caught between the two renames of a killed run (moved
    aside, the new one not yet in place) is put back at ``out``. Only
    directories holding venecon's owner file, of a process no longer running
    on this host, are touched. Returns the directories removed.
    """
    out = _target(out)
    removed = []
    for kind, p in _stale_dirs(out):
        report = p / "report"
        if kind == "venecon-old" and report.is_dir():
            if not out.exists():
                with contextlib.suppress(OSError):
                    os.replace(report, out)
            elif not _foreign(report):
                _remove_written(report)
        if kind == "venecon-old" and report.exists():
            continue  # something not ours is still in it: leave it
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def _remove_written(root: Path) -> None:
    """Delete the files of ``root``'s manifest and the directories left empty, nothing else."""
    written = _manifest(root) or {}
    for f in sorted(written) + [MANIFEST]:
        with contextlib.suppress(OSError):
            (root / f).unlink()
    _, dirs = _contents(root)
    for d in sorted(dirs, key=lambda s: s.count("/"), reverse=True) + [""]:
        with contextlib.suppress(OSError):
            (root / d).rmdir() if d else root.rmdir()


def _write_manifest(stage: Path) -> None:
    files, _ = _contents(stage)
    written = {f: _sha256(stage / f) for f in files if f not in (MANIFEST, _OWNER)}
    write_json({"files": written, "written_by": "venecon"}, stage / MANIFEST)


def _swap(stage: Path, out: Path, shown: Path) -> None:
    """Put ``stage`` at ``out``; an earlier venecon output there is removed after the swap."""
    for _ in range(20):  # a concurrent writer may win a round; its output is whole too
        try:
            check_output(shown)
        except FileNotFoundError:  # another writer is moving its output in or out: look again
            continue
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.venecon-old-", dir=out.parent))
            _mark_owner(old)
            try:
                os.replace(out, old / "report")
            except FileNotFoundError:  # another writer moved it first
                shutil.rmtree(old, ignore_errors=True)
                continue
            foreign = _foreign(old / "report")
            if foreign:  # a file appeared since the check: put it all back untouched
                with contextlib.suppress(OSError):
                    os.replace(old / "report", out)
                    shutil.rmtree(old, ignore_errors=True)
                raise _err(shown, f"files appeared while venecon was writing ({foreign[0]}); "
                                  "nothing was replaced")
        try:
            os.replace(stage, out)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):  # another writer's output landed
                if old is not None:
                    _remove_written(old / "report")
                    shutil.rmtree(old, ignore_errors=True)
                continue
            if old is not None:  # put the earlier output back
                os.replace(old / "report", out)
                shutil.rmtree(old, ignore_errors=True)
            raise
        if old is not None:
            _remove_written(old / "report")
            if not (old / "report").exists():
                shutil.rmtree(old, ignore_errors=True)
        return
    raise _err(shown, "other venecon runs kept replacing it; try again")


@contextlib.contextmanager
def staged_output(out: str | Path) -> Iterator[Path]:
    """Check ``out``, yield a staging directory beside it, and rename it to ``out`` on success.

    Call it before the analysis so a bad ``--out`` fails first. On any
    exception (or signal) the staging directory is removed and ``out`` left
    untouched; an :class:`OSError` while writing (a full disk, a permission
    change) becomes an :class:`~venecon.exceptions.OutputError`.
    """
    shown = Path(out).expanduser().absolute()
    target = check_output(out)
    clean_stale(out)
    stage: Path | None = None
    try:
        with signals_deferred():
            stage = _new_stage(target, shown)
        try:
            yield stage
            (stage / _OWNER).unlink()
            _write_manifest(stage)
            os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes it 0700; the output is a normal dir
            swapped = False
            try:
                with signals_deferred():
                    _swap(stage, target, shown)
                    swapped = True
            except BaseException as exc:
                if swapped:  # a signal came during the renames; they finished first
                    exc.add_note("the new output was already complete at --out")
                raise
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            raise OutputError(f"--out {shown}: writing the output failed: "
                              f"{exc.strerror or exc} ({exc.filename or target}); nothing at "
                              "--out was changed (free some space or fix the permission, then "
                              "rerun)") from exc
    except BaseException:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        raise


def _new_stage(target: Path, shown: Path) -> Path:
    stage = None
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.venecon-report-", dir=target.parent))
        _mark_owner(stage)
    except OSError as exc:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        raise _err(shown, f"cannot create a staging directory in {target.parent} "
                          f"({exc.strerror or exc})") from exc
    return stage


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
