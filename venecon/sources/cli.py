"""``venecon data refresh [NAME ...]``: re-fetch live datasets into the user-local overlay."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..exceptions import SourceError


def add_refresh_command(data_commands: Any) -> None:
    """Register ``refresh`` on the ``venecon data`` sub-parsers."""
    parser = data_commands.add_parser(
        "refresh",
        help="re-fetch live datasets (EIA, FRED, Yahoo) into the user-local overlay",
        description="Re-fetch live datasets into the user-local overlay (the cache directory, "
        "$VENECON_CACHE_DIR or the user cache dir). The bundled files are never changed. "
        "Needs EIA_API_KEY for production_monthly and us_crude_imports, FRED_API_KEY for "
        "prices_daily and cpi_monthly, and yfinance for market_daily.",
    )
    parser.add_argument("names", nargs="*", help="datasets to refresh (default: all live ones)")
    parser.set_defaults(run=run_refresh)


def run_refresh(args: argparse.Namespace) -> None:
    """Refresh each dataset in turn; report failures at the end (exit status 2)."""
    from .live import LIVE_DATASETS, live_dataset, refresh

    names = list(args.names) or list(LIVE_DATASETS)
    for name in names:
        live_dataset(name)  # unknown names fail before any download
    failed = []
    for name in names:
        try:
            path = refresh([name])[name]
        except SourceError as exc:
            failed.append(name)
            print(f"{name}: not refreshed: {exc}", file=sys.stderr)
            continue
        print(f"{name}: written to {path}")
    if failed:
        raise SourceError(f"{len(failed)} of {len(names)} datasets not refreshed: "
                          f"{', '.join(failed)}")
