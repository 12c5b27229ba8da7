"""Reading the user's files: regular files only, with a size limit, and CSV with clear errors.

A path such as ``/dev/zero``, ``/dev/urandom``, ``/dev/stdin`` or a FIFO would
exhaust memory or block forever, so only regular files are read, and no more
than a limit of bytes (:data:`MAX_CONFIG_BYTES` for TOML files,
:data:`MAX_CSV_BYTES` for data). :func:`read_user_toml` reads a TOML file and
turns non-UTF-8 bytes or a syntax error into such a message.
:func:`read_user_csv` reads a panel CSV with every cell as text kept (a unit
called ``NA`` is a unit, not a missing value; only empty cells are missing)
and turns an empty file, non-UTF-8 bytes or a ragged row into a message
naming the file and the fix.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .exceptions import VeneconError

__all__ = [
    "MAX_CONFIG_BYTES", "MAX_CSV_BYTES", "parse_toml", "read_regular_file", "read_user_csv",
    "read_user_toml",
]

#: Largest TOML file read (a configuration or study declaration is a few kB).
MAX_CONFIG_BYTES = 1 << 20
#: Largest user CSV read (10,000 units x 200 years is about 40 MB).
MAX_CSV_BYTES = 1 << 30

ErrorFactory = Callable[[str, str], VeneconError]


def read_regular_file(path: str | os.PathLike[str], limit: int, error: ErrorFactory) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    ``error(problem, fix)`` builds the exception raised otherwise. The file is
    opened without blocking (a FIFO never stalls the call) and read to at most
    ``limit + 1`` bytes, so a file growing after the check is still bounded.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}",
                    "give the path of an existing, readable file") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else
                    "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                    "a directory" if stat.S_ISDIR(info.st_mode) else
                    "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise error(f"{path} is {kind}, not a regular file",
                        "save the content to a file and give its path")
        if info.st_size > limit:
            raise error(f"{path} is {info.st_size:,} bytes, more than the {limit:,} allowed",
                        "give a smaller file")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise error(f"{path} grew past the {limit:,} bytes allowed while being read",
                            "give a smaller file")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_user_csv(path: str | os.PathLike[str], error: ErrorFactory,
                  limit: int = MAX_CSV_BYTES) -> tuple[Any, bytes]:
    """``(frame, raw bytes)`` of a user CSV; text such as ``NA`` stays text.

    Raises ``error(problem, fix)`` for a file that is not a regular file, too
    large, empty, not UTF-8, or has a row with more fields than the header.
    """
    import io

    import pandas as pd

    raw = read_regular_file(path, limit, error)
    if not raw.strip():
        raise error(f"{path} is empty", "give a CSV with a header line (unit,time,value) and rows")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path} is not UTF-8 text (byte {raw[exc.start]:#04x} on line {line})",
                    "re-save the CSV with UTF-8 encoding") from None
    try:
        frame = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise error(f"{path} has no header line", "start the CSV with unit,time,value") from None
    except pd.errors.ParserError as exc:
        raise error(f"{path} is not a rectangular CSV ({' '.join(str(exc).split())})",
                    "give every row as many fields as the header") from None
    return frame, raw


def _tomllib() -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` (``tomli`` on Python 3.10); raises its ``TOMLDecodeError``."""
    return _tomllib().loads(text)


def read_user_toml(path: str | os.PathLike[str], error: ErrorFactory) -> dict[str, Any]:
    """The tables of a user's TOML file (at most :data:`MAX_CONFIG_BYTES`).

    Raises ``error(problem, fix)`` for a file that is not a regular file, too
    large, not UTF-8 or not valid TOML.
    """
    raw = read_regular_file(path, MAX_CONFIG_BYTES, error)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path} is not UTF-8 text (byte {raw[exc.start]:#04x} at position "
                    f"{exc.start})", "re-save it with UTF-8 encoding") from None
    try:
        return parse_toml(text)
    except _tomllib().TOMLDecodeError as exc:
        raise error(f"{path} is not valid TOML: {exc}", "fix the TOML syntax") from exc
