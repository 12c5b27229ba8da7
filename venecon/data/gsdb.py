"""Read a user's own copy of the Global Sanctions Data Base into venecon's episodes schema.

The GSDB (Felbermayr, Kirilakha, Syropoulos, Yalcin and Yotov 2020, and later
releases; https://www.globalsanctionsdatabase.com/) may not be redistributed,
so venecon ships only the hand-curated ``oil_sanction_episodes`` table and this
loader for a copy you obtained yourself.

>>> from venecon.data.gsdb import read_gsdb
>>> episodes = read_gsdb("GSDB_V3.csv")  # doctest: +SKIP

Mapping (one row per case and target; cases with several targets, e.g.
"Syria, Russia, Iran", are split):

==============  =====================================================================
episodes        GSDB
==============  =====================================================================
episode_id      ``GSDB-<case_id>`` (``GSDB-<case_id>-<ISO3>`` for multi-target cases)
country         ISO3 of ``sanctioned_state`` (``<NA>`` when the name is not known;
                extend with ``names=``)
sender          ``sanctioning_state``
start, end      ``begin``, ``end``; an end equal to the last year in the file (the
                data's coverage, 2022 for release 3) is open (NaN)
type            the measures coded 1: ``trade (descr_trade)``, ``arms``, ``military``,
                ``financial``, ``travel``, ``other``
oil_measure     ``"unverified"`` (the GSDB does not code oil)
description     ``objective`` and ``success``
gsdb_case       ``case_id``; citation ``GSDB case <id> (<file name>)``
verification    ``"GSDB"``: as coded by the GSDB, not checked by venecon
==============  =====================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import SchemaError, VeneconError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ENV_VAR", "GSDBFileError", "read_gsdb"]

ENV_VAR = "VENECON_GSDB_PATH"
REQUIRED = ("case_id", "sanctioned_state", "sanctioning_state", "begin", "end", "trade",
            "arms", "military", "financial", "travel", "other")
MEASURES = ("arms", "military", "financial", "travel", "other")
COLUMNS = ("episode_id", "country", "sender", "start", "end", "type", "oil_measure", "description",
           "instrument", "gsdb_case", "citation", "verification", "remarks")

# GSDB spellings -> ISO3 for producers and frequent targets; pycountry, when
# installed, resolves the rest.
NAMES: dict[str, str] = {
    "Algeria": "DZA", "Angola": "AGO", "Azerbaijan": "AZE", "Iran": "IRN", "Iraq": "IRQ",
    "Kazakhstan": "KAZ", "Korea, North": "PRK", "Korea, South": "KOR", "Kuwait": "KWT",
    "Libya": "LBY", "Myanmar": "MMR", "Nigeria": "NGA", "Russia": "RUS", "Saudi Arabia": "SAU",
    "South Sudan": "SSD", "Sudan": "SDN", "Syria": "SYR", "United States": "USA",
    "Venezuela": "VEN", "Yemen": "YEM",
}


class GSDBFileError(VeneconError, FileNotFoundError):
    """No GSDB file was given, or the given path does not exist."""


def _iso3(name: str, names: Mapping[str, str]) -> str | None:
    if name in names:
        return names[name]
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is optional at run time
        return None
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


def read_gsdb(path: str | os.PathLike | None = None, *,
              names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read a GSDB file (CSV, or Stata ``.dta``) and map it to the episodes schema.

    Parameters
    ----------
    path : path-like, optional
        The GSDB file. Defaults to the environment variable ``VENECON_GSDB_PATH``.
    names : mapping, optional
        Extra ``sanctioned_state`` name -> ISO3 codes (override the built-in ones).

    Returns
    -------
    DataFrame
        The columns of ``venecon.load("oil_sanction_episodes")``, one row per
        case and target, sorted by country, start and case. ``end`` is float
        with NaN for cases open at the end of the file's coverage.

    Raises
    ------
    GSDBFileError
        No path given and ``VENECON_GSDB_PATH`` unset, or the file is missing.
    SchemaError
        The file lacks GSDB columns, or a row has a non-integer or reversed
        ``begin``/``end`` (the message names the case).
    """
    import numpy as np
    import pandas as pd

    if path is None:
        path = os.environ.get(ENV_VAR)
        if not path:
            raise GSDBFileError(
                f"read_gsdb: no path given and ${ENV_VAR} is not set. The Global Sanctions Data "
                "Base cannot be redistributed: request it from "
                "https://www.globalsanctionsdatabase.com/ "
                f"and pass its path, or set {ENV_VAR}")
    file = Path(path).expanduser()
    if not file.is_file():
        raise GSDBFileError(f"read_gsdb: GSDB file {str(file)!r} does not exist")
    try:
        raw = pd.read_stata(file) if file.suffix.lower() == ".dta" else pd.read_csv(file)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SchemaError(f"read_gsdb: cannot parse {file.name} as a GSDB file: {exc}") from None
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise SchemaError(f"read_gsdb: {file.name} is not in the GSDB format; missing columns "
                          f"{missing} (found: {', '.join(map(str, raw.columns[:12]))})")
    for col in ("case_id", "begin", "end"):
        values = pd.to_numeric(raw[col], errors="coerce")
        bad = values.isna() | (values % 1 != 0)
        if bad.any():
            row = raw[bad].iloc[0]
            raise SchemaError(f"read_gsdb: {file.name}: column {col!r} must hold integers; case "
                              f"{row['case_id']!r} has {row[col]!r}")
        raw[col] = values.astype("int64")
    for col in ("trade", *MEASURES):
        # A blank measure cell means "not coded" (0); text such as "yes" is not a GSDB code.
        values = pd.to_numeric(raw[col], errors="coerce")
        bad = (values.isna() & raw[col].notna()) | (values.notna() & (values % 1 != 0))
        if bad.any():
            row = raw[bad].iloc[0]
            raise SchemaError(f"read_gsdb: {file.name}: column {col!r} must hold 0/1 codes; case "
                              f"{row['case_id']!r} has {row[col]!r}")
        raw[col] = values.fillna(0).astype("int64")
    reversed_ = raw["end"] < raw["begin"]
    if reversed_.any():
        row = raw[reversed_].iloc[0]
        raise SchemaError(f"read_gsdb: {file.name}: case {row['case_id']} ends ({row['end']}) "
                          f"before it begins ({row['begin']})")
    if raw["case_id"].duplicated().any():
        dup = raw.loc[raw["case_id"].duplicated(), "case_id"].iloc[0]
        raise SchemaError(f"read_gsdb: {file.name}: case_id {dup} occurs twice")
    lookup = {**NAMES, **dict(names or {})}
    coverage_end = int(raw["end"].max())
    rows = []
    for rec in raw.to_dict("records"):
        targets = [t.strip() for t in str(rec["sanctioned_state"]).split(",") if t.strip()]
        # "Korea, South" is one name with a comma: keep known comma names whole.
        if str(rec["sanctioned_state"]).strip() in lookup:
            targets = [str(rec["sanctioned_state"]).strip()]
        measures = []
        if int(rec["trade"] or 0):
            descr = rec.get("descr_trade")
            measures.append("trade" + (f" ({descr})" if isinstance(descr, str) and descr else ""))
        measures += [m for m in MEASURES if int(rec[m] or 0)]
        objective = rec.get("objective")
        success = rec.get("success")
        desc = "; ".join(
            x
            for x in (f"objective: {objective}" if isinstance(objective, str) else "",
                      f"success: {success}" if isinstance(success, str) else "")
            if x)
        for target in targets:
            iso = _iso3(target, lookup)
            suffix = f"-{iso or target}" if len(targets) > 1 else ""
            rows.append({
                "episode_id": f"GSDB-{rec['case_id']}{suffix}",
                "country": iso,
                "sender": str(rec["sanctioning_state"]),
                "start": int(rec["begin"]),
                "end": np.nan if int(rec["end"]) >= coverage_end else float(rec["end"]),
                "type": "; ".join(measures) if measures else "none coded",
                "oil_measure": "unverified",
                "description": desc or "(no objective coded)",
                "instrument": "",
                "gsdb_case": str(rec["case_id"]),
                "citation": f"GSDB case {rec['case_id']} ({file.name})",
                "verification": "GSDB",
                "remarks": "" if iso else f"target {target!r} has no ISO3 code here; pass names=",
            })
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in COLUMNS:
        if col not in ("start", "end"):
            out[col] = out[col].astype("string")
    out["start"] = out["start"].astype("int64")
    out["end"] = out["end"].astype("float64")
    out = out.sort_values(["country", "start", "episode_id"], kind="mergesort", na_position="last")
    out = out.reset_index(drop=True)
    out.attrs["venecon"] = {"datasets": {"gsdb (user copy)": file.name}, "data_version": None}
    return out
