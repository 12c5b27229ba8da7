"""Synthetic difference-in-differences (Arkhangelsky et al. 2021) in studies.

One treated unit, several treated on one date (one cohort), or staggered
cohorts: :class:`venecon.models.SyntheticDiD` on the treated unit(s) and the
study's donors; the headline is ``att`` with the interval of the chosen
standard error (placebo by default, the paper's Algorithm 4). Staggered
cohorts are fitted one SDID per adoption date against the never-treated units
and averaged with weights by treated unit-periods (Arkhangelsky et al. 2021,
section 8; Clarke et al. 2023), as the model does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .base import DONORS, STAGGERED, Adapter, boolean, choice, integer
from .cohort_panel import cohort_panel, design_of, panel_estimate
from .registry import register

__all__ = ["SDIDStudyOptions", "ADAPTER"]


@dataclass(frozen=True)
class SDIDStudyOptions:
    """Options of :class:`venecon.models.SyntheticDiD` in a study.

    ``method``: "sdid", or the paper's "sc" and "did" special cases; ``se``:
    "placebo" (default; needs more donors than treated units), "jackknife" or
    "bootstrap" (two or more treated units) or "none"; ``replications`` and
    ``seed`` of the placebo or bootstrap; ``log``: fit the natural log of the
    outcome (effects in log points).
    """

    method: str = "sdid"
    se: str = "placebo"
    replications: int = 200
    seed: int = 0
    log: bool = False


_LABELS = {"sdid": "Synthetic DiD", "sc": "Synthetic control (SDID special case)",
           "did": "DiD (SDID special case)"}


def run(ctx: Any, opts: SDIDStudyOptions, n_jobs: int = 1, inference: bool = True) -> Any:  # noqa: ARG001
    """SyntheticDiD on the design; see the module docstring."""
    import numpy as np
    import pandas as pd

    from ...models import SyntheticDiD

    panel = cohort_panel(ctx, "sdid", opts.log)
    f = panel.frame.assign(time=panel.frame["time"].map(panel.labels))
    treated = sorted(panel.cohorts)
    first = panel.labels[min(panel.cohorts.values())]
    if design_of(ctx) == STAGGERED:
        timing: dict[str, Any] = {
            "treated": {u: panel.labels[c] for u, c in sorted(panel.cohorts.items())}}
    else:
        timing = {"treated": treated[0] if len(treated) == 1 else treated,
                  "treatment_time": first}
    res = SyntheticDiD(
        f[["unit", "time", "value"]], outcome="value", unit="unit", time="time", **timing,
        method=opts.method, se=opts.se if inference else "none",
        replications=opts.replications, seed=opts.seed, alpha=ctx.alpha,
        outcome_unit=panel.unit).fit()
    att = float(res.params["att"])
    lower = upper = pvalue = None
    if opts.se != "none" and inference:
        ci = res.conf_int(ctx.alpha).loc["att"]
        lower, upper = float(ci.iloc[0]), float(ci.iloc[1])
        pvalue = float(res.pvalues["att"])
    eff = res.effects
    path = pd.DataFrame({"observed": eff["actual"], "counterfactual": eff["counterfactual"],
                         "effect": eff["effect"], "lower": eff["effect_lower"],
                         "upper": eff["effect_upper"]})
    path.index.name = "period"
    post = path[path.index >= first]
    cf = float(post["counterfactual"].mean())
    pre = path[path.index < first]
    extra: dict[str, Any] = {
        # a share of a mean log outcome means nothing: an effect in log points already is one
        "counterfactual_mean": cf,
        "share_of_counterfactual": att / cf if cf and not opts.log else None,
        "method": opts.method, "se": opts.se if inference else "none",
        "weights": {str(k): float(v) for k, v in res.unit_weights.items() if v > 1e-3},
    }
    if len(treated) == 1 and len(pre):
        # what the shifted counterfactual misses before the treatment: the fit the verdict reads
        gap = (pre["observed"] - pre["counterfactual"]).to_numpy(dtype="float64")
        extra["pre_rmspe"] = float(np.sqrt(np.mean(gap**2)))
    label = (f"{_LABELS[opts.method]} ({len(treated)} treated, "
             f"{len(panel.controls)} donors, {opts.se if inference else 'no'} SE)")
    return panel_estimate("sdid", label, ctx, panel, att=att, lower=lower, upper=upper,
                          pvalue=pvalue, path=path, result=res, extra=extra)


ADAPTER = register(Adapter(
    name="sdid",
    label="Synthetic difference-in-differences",
    options=SDIDStudyOptions,
    fields={"method": choice("sdid", "sc", "did"),
            "se": choice("placebo", "jackknife", "bootstrap", "none"),
            "replications": integer(2, 10_000), "seed": integer(0, 2**32 - 1), "log": boolean},
    run=run,
    data=DONORS,
))
