"""Turn parsed rows from a live source into a typed tidy frame with provenance.

Rows are checked before anything is returned: a missing or unreadable date,
an empty key (country, series...), an infinite value or one outside the
source's plausible range raises :class:`~venecon.exceptions.SourceError`
naming the first bad row and the number of bad rows. Bad rows are reported
rather than dropped because a silently shorter series is a wrong answer; a
missing value the source itself marks as missing (EIA ``--``, FRED ``.``)
stays ``NaN`` with its flag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..exceptions import SourceError

if TYPE_CHECKING:
    import pandas as pd

KEYS = ("date", "country", "series", "source", "partner", "reporter", "ticker", "field")


def frame_sha256(frame: pd.DataFrame) -> str:
    """sha256 of the frame's CSV rendering (what a user would archive)."""
    text = frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def live_provenance(
    dataset: str, frame: pd.DataFrame, records: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The ``attrs["venecon"]`` record of a live frame.

    ``datasets`` and ``data_version`` have the same shape as for bundled data
    (so models copy them into results unchanged): the key is
    ``"<dataset>@live"`` and the version names the newest retrieval time.
    ``responses`` lists each raw response's sha256, UTC retrieval time,
    redacted request and client version.
    """
    times = sorted(str(r.get("retrieved_utc")) for r in records)
    return {
        "datasets": {f"{dataset}@live": frame_sha256(frame)},
        "data_version": f"live:{times[-1]}" if times else "live",
        "responses": [dict(r) for r in records],
        "client": f"venecon/{__version__}",
    }


def tidy_frame(
    rows: list[dict[str, Any]],
    dataset: str,
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """A typed frame (``date`` as Timestamp, ``value`` float, text as ``string``), sorted.

    ``bounds`` is the closed range of plausible values (e.g. ``(0, 1e6)`` kb/d);
    ``NaN`` (a value the source marks missing) is allowed, ``inf`` never.
    """
    import numpy as np
    import pandas as pd

    boolean = [i for i, r in enumerate(rows) if isinstance(r, Mapping)
               and isinstance(r.get("value"), (bool, np.bool_))]
    if boolean:  # pd.to_numeric reads true as 1.0
        raise SourceError(f"{dataset}: the source returned {len(boolean)} boolean value(s), e.g. "
                          f"{rows[boolean[0]]!r}; the response is malformed. Retry later with "
                          "refresh=True.")
    frame = pd.DataFrame(rows, columns=list(columns))
    try:
        frame["date"] = pd.to_datetime(frame["date"].astype("string"), format="ISO8601")
    except (TypeError, ValueError) as exc:
        raise SourceError(f"{dataset}: the source returned an unreadable date ({exc})") from None
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    for column in columns:
        if column not in ("date", "value"):
            frame[column] = frame[column].astype("string")
    keys = [c for c in KEYS if c in frame.columns]
    text_keys = [c for c in keys if c != "date"]
    empty = np.zeros(len(frame), dtype=bool)
    for column in text_keys:
        empty |= frame[column].fillna("").str.strip().eq("").to_numpy(dtype=bool)
    value = frame["value"].to_numpy()
    bad_value = np.isinf(value)
    if bounds is not None:
        with np.errstate(invalid="ignore"):
            bad_value |= (value < bounds[0]) | (value > bounds[1])
    for mask, what in ((frame["date"].isna().to_numpy(), "a missing date"), (empty, "an empty key"),
                       (bad_value, "an infinite or implausible value" + (
                           f" (plausible: {bounds[0]:g} to {bounds[1]:g})" if bounds else ""))):
        if mask.any():
            position = int(np.flatnonzero(mask)[0])
            raise SourceError(
                f"{dataset}: the source returned {int(mask.sum())} row(s) with {what}, e.g. "
                f"{rows[position]!r}. The response is not usable; retry later with "
                f"refresh=True, and report it to the source if it persists."
            )
    duplicated = frame.duplicated(keys)
    if duplicated.any():
        first = frame.loc[duplicated, keys].iloc[0].to_dict()
        raise SourceError(f"{dataset}: the source returned duplicate rows, e.g. {first}")
    order = [c for c in keys if c != "date"] + ["date"]
    frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
    frame.attrs["venecon"] = live_provenance(dataset, frame, records)
    return frame
