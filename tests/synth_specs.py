"""Reference synthetic-control specifications, defined once for the tests and the benchmarks.

``tests/test_models_synth*.py`` import this module directly (pytest puts
``tests/`` on the path); ``benchmarks/workloads.py`` adds ``tests/`` to the path.

- Basque Country (Abadie and Gardeazabal 2003), as in
  ``shared/research/synth_references.md``: nested V from equal weights,
  Nelder-Mead, fit window 1960-1969.
- California Proposition 99 (Abadie, Diamond and Hainmueller 2010) as shipped
  with R ``synthdid``: outcome-only, the default predictors (every pre-period
  outcome), equal V.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from venecon.models import SyntheticControl

BASQUE_TREATED = "Basque Country (Pais Vasco)"
SCHOOL = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"]
SECTORS = [
    "sec.agriculture",
    "sec.energy",
    "sec.industry",
    "sec.construction",
    "sec.services.venta",
    "sec.services.nonventa",
]
PROP99_SHA256 = "550d24c2f743507d097692d181bdbbf36c6168a39a0b6fc831cc89d98082f7de"


def basque_frame(path: str | Path) -> pd.DataFrame:
    df = pd.read_csv(path)
    df["year"] = df["year"].astype(int)
    return df


def basque_specification() -> dict[str, Any]:
    """Keyword arguments of :class:`SyntheticControl` for the AG 2003 specification."""
    return {
        "outcome": "gdpcap",
        "unit": "regionname",
        "time": "year",
        "treated": BASQUE_TREATED,
        "treatment_time": 1970,
        "predictors": SCHOOL
        + [("gdpcap", slice(1960, 1969), "mean")]
        + [(s, range(1961, 1970, 2), "mean") for s in SECTORS]
        + [("popdens", [1969], "mean")],
        "predictor_periods": slice(1964, 1969),
        "fit_window": (1960, 1969),
        "starts": ("equal",),
        "optimizer": "Nelder-Mead",
    }


def basque_model(df: pd.DataFrame, **kw: Any) -> SyntheticControl:
    return SyntheticControl(df, **{**basque_specification(), **kw})


def prop99_frame(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";")


def prop99_model(df: pd.DataFrame, **kw: Any) -> SyntheticControl:
    spec = {
        "outcome": "PacksPerCapita",
        "unit": "State",
        "time": "Year",
        "treated": "California",
        "treatment_time": 1989,
        "v": "equal",
    }
    return SyntheticControl(df, **{**spec, **kw})
