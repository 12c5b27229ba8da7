"""Sun and Abraham (2021) interaction-weighted event study in studies.

Runs every design with never-treated units (``control_group = "never"``) or, with
two or more cohorts, the last-treated cohort as controls. The headline is
the model's ``att`` (the IW average of the post-treatment event times in the
window); the path is the IW event-time table with the joint Wald test of its
pre-period coefficients (``extra["pretrend_test"]``) and the HonestDiD
relative-magnitudes breakdown value at event time 0 (``extra["honest"]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..restated import SINGLETON_COHORTS, Statement
from .base import PANEL, Adapter, boolean, choice, event_window
from .cohort_panel import (
    breakdown,
    cohort_panel,
    default_window,
    event_path,
    panel_estimate,
    pre_trend,
    without_honest,
)
from .registry import register

__all__ = ["SunAbrahamStudyOptions", "ADAPTER"]


@dataclass(frozen=True)
class SunAbrahamStudyOptions:
    """Options of :class:`venecon.models.SunAbraham` in a study: ``control_group`` "never"
    or "last" (the old key ``control`` still works, with a ``FutureWarning``), the event
    ``window`` reported (default: -5 to 10, cut to the data), ``log``, and ``honest``:
    compute the HonestDiD breakdown value."""

    control_group: str = "never"
    window: tuple[int, int] | None = None
    log: bool = False
    honest: bool = True


def run(ctx: Any, opts: SunAbrahamStudyOptions, n_jobs: int = 1, inference: bool = True) -> Any:  # noqa: ARG001
    """SunAbraham on the design; see the module docstring."""
    from ...models import SunAbraham

    panel = cohort_panel(ctx, "sun_abraham", opts.log)
    window = opts.window or default_window(panel)
    res = SunAbraham(panel.frame, outcome="value", cohort="cohort", unit="unit", time="time",
                     control_group=opts.control_group, window=window, alpha=ctx.alpha).fit()
    ci = res.conf_int(ctx.alpha).loc["att"]
    table = res.event_table(ctx.alpha)
    pre = table[(table.index < 0) & (table["parameter"] != "reference")]
    extra = {"control": opts.control_group, "event_window": list(window),
             "pretrend_test": pre_trend(pre["estimate"], res.cov.loc[pre["parameter"],
                                                                 pre["parameter"]])}
    sizes = panel.frame.drop_duplicates("unit")["cohort"].value_counts()
    single = sorted(panel.labels[int(c)] for c, n in sizes.items() if n == 1)
    caveats = ()
    if single:
        # a cohort of one unit identifies its cells from that unit alone: its clustered
        # variance has one cluster, so intervals and the pre-trend test come out too narrow
        extra["singleton_cohorts"] = [str(c) for c in single]
        caveats = (Statement(
            SINGLETON_COHORTS,
            f"{len(single)} of {len(sizes)} cohort(s) hold one unit (treated in "
            f"{', '.join(str(c) for c in single)}): their coefficients rest on one cluster "
            "each, so the clustered intervals and the pre-trend test are too narrow; read the "
            "point estimates, not the intervals"),)
    if inference and opts.honest:
        extra["honest"] = breakdown(res, ctx.alpha)
    label = (f"Sun-Abraham IW average of event times 0..{window[1]} ({len(panel.cohorts)} "
             f"treated unit(s), {opts.control_group}-treated controls)")
    return panel_estimate("sun_abraham", label, ctx, panel, att=float(res.params["att"]),
                          lower=float(ci.iloc[0]), upper=float(ci.iloc[1]),
                          pvalue=float(res.pvalues["att"]), path=event_path(table), result=res,
                          caveats=caveats, extra=extra)


ADAPTER = register(Adapter(
    name="sun_abraham",
    label="Sun-Abraham",
    options=SunAbrahamStudyOptions,
    fields={"control_group": choice("never", "last"), "window": event_window, "log": boolean,
            "honest": boolean},
    renamed={"control": "control_group"},
    run=run,
    data=PANEL,
    plain=without_honest,
))
