"""Sanctioned oil producers as staggered cohorts: the cross-country output event study."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["oil_sanctions_output_study"]


def oil_sanctions_output_study(production: pd.DataFrame | None = None,
                               episodes: pd.DataFrame | None = None, *,
                               window: tuple[int, int] = (-5, 10),
                               focus: str = "VEN") -> dict[str, Any]:
    """Output response of sanctioned oil producers: Sun-Abraham and TWFE event studies.

    Outcome: ``log`` of annual oil production (``production_annual``,
    ``oil_production``, Energy Institute Statistical Review 2024 by default;
    country-years with zero output are dropped). Treatment: each country's
    first episode in ``oil_sanction_episodes`` whose instrument restricts its
    oil (``oil_measure == "yes"``); producers without such an episode are the
    never-treated controls (they may be sanctioned in other ways). The world
    total (and any other aggregate code) is excluded. Every treated cohort
    holds one country here, so the cohort-specific coefficients of ``focus``'s
    cohort are that country's own path, shown beside the IW average.

    Returns
    -------
    dict
        ``sun_abraham`` and ``twfe`` results, ``cohorts`` (country -> year),
        and ``paths``: a frame indexed by event time with the IW ``average``
        and ``focus``'s own estimates (both in log points relative to the year
        before treatment).
    """
    import numpy as np
    import pandas as pd

    from ..data import load
    from ..data.codes import AGGREGATE_CODES
    from ..models import PanelEventStudy, SunAbraham

    if production is None:
        production = load("production_annual", series="oil_production", source="ei_sr2024")
    if episodes is None:
        episodes = load("oil_sanction_episodes")
    oil = episodes[episodes["oil_measure"] == "yes"]
    cohorts = oil.groupby("country")["start"].min().astype("int64")
    keep = ~production["country"].isin(AGGREGATE_CODES) & (production["value"] > 0)
    frame = production[keep].copy()
    frame["log_output"] = np.log(frame["value"].astype("float64"))
    frame["cohort"] = frame["country"].map(cohorts).astype("float64")
    frame = frame[["country", "date", "log_output", "cohort"]].reset_index(drop=True)
    frame.attrs = dict(production.attrs)
    sa = SunAbraham(frame, outcome="log_output", cohort="cohort", window=window).fit()
    twfe = PanelEventStudy(frame, outcome="log_output", cohort="cohort", window=window).fit()
    own = sa.cohort_effects
    own = own[own["cohort"] == cohorts.get(focus, -1)].set_index("rel")["estimate"]
    paths = pd.DataFrame({"average": sa.event_time["estimate"]})
    paths[focus] = own.reindex(paths.index)
    if sa.reference in paths.index:
        paths.loc[sa.reference, focus] = 0.0
    return {"sun_abraham": sa, "twfe": twfe, "cohorts": cohorts.to_dict(), "paths": paths}
