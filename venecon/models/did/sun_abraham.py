"""Sun and Abraham (2021) interaction-weighted event study for staggered adoption.

When producers are sanctioned at different times and the effect differs across
cohorts or grows with time since treatment, the two-way fixed-effects event
study (:class:`~venecon.models.PanelEventStudy`) mixes effects of other
periods into each lead and lag. Sun and Abraham's interaction-weighted (IW)
estimator avoids that in two steps:

1. Estimate cohort-specific effects ``delta_{e,l}`` in the saturated regression

   ``y_it = a_i + l_t + sum_{e} sum_{l != ref} delta_{e,l} 1{E_i = e} 1{t - E_i = l}
   + g' x_it + e_it``

   on the treated cohorts and a control group: every relative period of every
   treated cohort gets its own coefficient (no binning), only ``ref`` (default
   -1) is omitted. It is estimated like :class:`~venecon.models.PanelDiD` (the
   numbers of :class:`linearmodels.panel.PanelOLS` with entity and time effects,
   without its set-up cost; ``results.linearmodels`` runs PanelOLS itself), so the
   covariance options are those of :class:`~venecon.models.PanelDiD`.
2. Average across cohorts: ``nu_l = sum_e w_{e,l} delta_{e,l}`` with
   ``w_{e,l}`` the share of cohort ``e`` among the observations at relative
   period ``l`` in the estimation sample (in a balanced panel, the cohort's
   share of the entities observed at ``l``). ``att`` averages all post-treatment
   cells (``l >= 0`` in the window) with weights proportional to their
   observation counts.

Control group
-------------
``control="never"``: never-treated entities (cohort NaN, or first treated after
the sample ends). ``control="last"``: the last-treated cohort (plus any
never-treated entities); periods from the last cohort's first treated period
on are dropped. Entities treated in or before the first sample period
(always-treated) carry no pre-treatment information and are dropped.

Standard errors
---------------
``std_errors`` of ``nu_l`` and ``att`` come from the delta method with the
weights treated as known: ``Var(nu) = W V W'`` where ``V`` is the covariance of
the ``delta_{e,l}``. The additional term for the estimated cohort shares in
Sun and Abraham (2021) is **not** included (fixest's ``aggregate``/``sunab``
also ignore it; Stata's ``eventstudyinteract`` is documented by its authors to
include it, so its standard errors can be slightly larger).

Matching software: R ``fixest::feols(y ~ sunab(cohort, year) | id + year,
cluster = ~id)`` (never-treated coded as a cohort outside the sample) and Stata
``eventstudyinteract y rel_*, cohort(cohort) control_cohort(never) absorb(id
year) vce(cluster id)``. Neither was available to the venecon developers; the
implementation is validated (``tests/test_models_staggered.py``) against simulated
data with a known dynamic ATT, a hand-built OLS with the same interactions,
pyfixest's saturated event study (``pyfixest.event_study(..., estimator="saturated")``:
the same cohort coefficients to 1e-10 on Callaway and Sant'Anna's ``mpdta``), and
R ``did``'s dynamic ATT on ``mpdta`` (-0.0199, -0.0510, -0.1373, -0.1008 for event
times 0-3, which the IW estimator equals with never-treated controls).

Reference: Sun, L. and Abraham, S. (2021), "Estimating dynamic treatment effects
in event studies with heterogeneous treatment effects", *Journal of
Econometrics* 225(2), 175-199.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...exceptions import InsufficientDataError, ModelSpecificationError
from ..core.checks import check_alpha
from ..core.results import build_provenance, jsonable
from ..core.vocabulary import renamed_arguments
from .options import PanelOptions, event_time, event_window
from .panel import (
    TWFE_DEPENDENCIES,
    PanelEventStudyResults,
    cohorts_of,
    fit_panelols,
    float_controls,
    panel_frame,
)
from .twfe import fit_twoway, results_kwargs

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SunAbraham", "SunAbrahamResults"]


def _cell(e: int, rel: int) -> str:
    return f"cohort_{e}:rel_{rel:+d}" if rel else f"cohort_{e}:rel_0"


def _cell_block(frame: pd.DataFrame, cells: list[tuple[int, int, str]], extra: int,
                lead: int = 0) -> np.ndarray:
    """0/1 cohort x relative-period indicators as one float block, in columns
    ``lead .. lead + len(cells)`` of an (n, lead + len(cells) + extra) array of zeros.

    Each row is in at most one cell, so the block is filled by position (a comparison
    over all rows per cell, or a column insert per cell, costs far more).
    """
    import numpy as np
    import pandas as pd

    position = pd.MultiIndex.from_tuples([(float(e), float(r)) for e, r, _ in cells]).get_indexer(
        pd.MultiIndex.from_arrays([frame["_cohort"].to_numpy(dtype="float64"),
                                   frame["_rel"].to_numpy(dtype="float64")]))
    block = np.zeros((len(frame), lead + len(cells) + extra))
    rows = np.flatnonzero(position >= 0)
    block[rows, lead + position[rows]] = 1.0
    return block


def _saturated_panelols(frame: pd.DataFrame, cells: list[tuple[int, int, str]], **fit: Any) -> Any:
    """linearmodels PanelOLS on the saturated design (``results.linearmodels``)."""
    import pandas as pd

    block = pd.DataFrame(_cell_block(frame, cells, 0), index=frame.index,
                         columns=[c for _, _, c in cells])
    return fit_panelols(pd.concat([frame, block], axis=1), **fit)


def _saturated_work(frame: pd.DataFrame, cells: list[tuple[int, int, str]], outcome: str,
                    controls: Sequence[str]) -> np.ndarray:
    """``[y, cells, controls]``: the saturated design written once, straight into the
    fit's work array (PanelOLS, when asked for, gets the same columns in a frame)."""
    work = _cell_block(frame, cells, len(controls), lead=1)
    work[:, 0] = frame[outcome].to_numpy(dtype="float64")
    if controls:
        work[:, 1 + len(cells):] = frame[list(controls)].to_numpy(dtype="float64")
    return work


class SunAbrahamResults(PanelEventStudyResults):
    """Results of :class:`SunAbraham`.

    ``params`` are the IW event-time estimates (``event_-3``, ``event_0``, ...)
    and ``att``; ``event_time`` tabulates them with the reference period.
    ``cohort_effects`` holds the cohort-specific ``delta_{e,l}`` with their
    standard errors, observation counts and IW weights; ``cohort_cov`` their
    covariance.
    """

    def __init__(self, *, cohort_effects: pd.DataFrame, cohort_cov: pd.DataFrame,
                 dropped: dict[str, list], **kwargs: Any) -> None:
        self._cohort_effects = cohort_effects.copy()
        self._cohort_cov = cohort_cov.copy()
        self._dropped = {k: list(v) for k, v in dropped.items()}
        super().__init__(**kwargs)

    @property
    def cohort_effects(self) -> pd.DataFrame:
        """One row per (cohort, rel).

        Columns ``parameter``, ``estimate``, ``std_error``, ``nobs``, ``weight``.
        """
        return self._cohort_effects.copy()

    @property
    def cohort_cov(self) -> pd.DataFrame:
        """Covariance of the cohort-specific coefficients (linearmodels)."""
        return self._cohort_cov.copy()

    @property
    def weights(self) -> pd.DataFrame:
        """IW weights ``w_{e,l}``: rows cohorts, columns relative periods (columns sum to one)."""
        ce = self._cohort_effects
        return ce.pivot(index="cohort", columns="rel", values="weight").fillna(0.0)

    @property
    def dropped(self) -> dict[str, list]:
        """Entities left out: ``always_treated`` and, with ``control='last'``, nothing else."""
        return {k: list(v) for k, v in self._dropped.items()}

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["cohort_effects"] = jsonable(self._cohort_effects)
        out["dropped"] = jsonable(self._dropped)
        return out


class SunAbraham:
    """Sun-Abraham interaction-weighted event study for staggered adoption.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per entity and period.
    outcome : str
        Outcome column.
    cohort : str
        First treated period of each row's entity (constant within entity; NaN never treated).
    entity, time : str, default "country", "date"
        Entity and integer period (year) columns.
    control : {"never", "last"}, default "never"
        Control group: never-treated entities, or the last-treated cohort.
    window : (int, int), optional
        Event times to report (aggregate); default all relative periods in the
        sample. The regression is always fully saturated, whatever the window.
    reference : int, default -1
        Omitted relative period.
    alpha : float, default 0.05
        One minus the coverage of the intervals in ``results.event_time``.
    options, entity, time, controls, require_balanced, cov_type, bandwidth, debiased, group_debias
        As in :class:`~venecon.models.PanelDiD`
        (:class:`~venecon.models.did.options.PanelOptions`; default: clustered by entity).

    Notes
    -----
    See the module docstring for the model, the weights and the standard
    errors (delta method, weights treated as known). R:
    ``fixest::feols(y ~ sunab(cohort, year) | id + year, cluster = ~id)``;
    Stata: ``eventstudyinteract``.
    """

    _name = "Sun-Abraham interaction-weighted event study"

    @renamed_arguments(entity="unit", control="control_group")
    def __init__(self, data: pd.DataFrame, *, outcome: str, cohort: str,
                 control_group: str = "never",
                 window: tuple[int, int] | None = None, reference: int = -1, alpha: float = 0.05,
                 options: PanelOptions | None = None, unit: str | None = None,
                 time: str | None = None, controls: Sequence[str] | None = None,
                 cov_type: str | None = None, bandwidth: float | None = None,
                 debiased: bool | None = None, group_debias: bool | None = None,
                 require_balanced: bool | None = None) -> None:
        self.data = data
        self.outcome = outcome
        self.cohort = cohort
        self.control_group = control_group
        self.control = control_group  # the name the estimation code reads
        self.window = None if window is None else event_window(window, "SunAbraham")
        self.reference = event_time(reference, "reference", "SunAbraham")
        self.alpha = check_alpha(alpha)
        self.options = PanelOptions.resolve(
            options, model="SunAbraham", unit=unit, time=time, controls=controls,
            cov_type=cov_type, bandwidth=bandwidth, debiased=debiased,
            group_debias=group_debias, require_balanced=require_balanced)

    def _options(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "cohort": self.cohort, "control": self.control,
                "window": None if self.window is None else list(self.window),
                "reference": self.reference, "alpha": self.alpha, **self.options.to_dict()}

    def design(
        self,
    ) -> tuple[pd.DataFrame, list[tuple[int, int, str]], dict[str, Any], dict[str, list]]:
        """The estimation frame with cohort x relative-period columns, the cells
        ``(cohort, rel, column)``, the provenance and the dropped entities."""
        import pandas as pd

        frame, cells, provenance, dropped = self._layout()
        block = pd.DataFrame(_cell_block(frame, cells, 0), index=frame.index,
                             columns=[c for _, _, c in cells])
        return pd.concat([frame, block], axis=1), cells, provenance, dropped

    def _layout(self) -> tuple[pd.DataFrame, list[tuple[int, int, str]], dict[str, Any],
                               dict[str, list]]:
        """:meth:`design` without the cell columns (``_cohort`` and ``_rel`` locate them)."""
        import numpy as np

        name = "SunAbraham"
        o = self.options
        if self.control not in ("never", "last"):
            raise ModelSpecificationError(
                f"{name}: control must be 'never' or 'last', got {self.control!r}")
        frame, provenance = panel_frame(self.data, outcome=self.outcome, entity=o.unit,
                                        time=o.time, columns=[self.cohort, *o.controls],
                                        require_balanced=o.require_balanced, model=name)
        cohorts = cohorts_of(frame, entity=o.unit, cohort=self.cohort, model=name)
        first, last = int(frame[o.time].min()), int(frame[o.time].max())
        # Treated after the sample ends: untreated throughout, i.e. never treated here.
        cohorts = cohorts.where(~(cohorts > last))
        always = sorted(cohorts.index[cohorts <= first].tolist())
        if always:
            frame = frame[~frame[o.unit].isin(always)].reset_index(drop=True)
            cohorts = cohorts.drop(index=always)
        treated = sorted({int(c) for c in cohorts.dropna()})
        if not treated:
            raise ModelSpecificationError(
                f"{name}: no entity is treated within the sample {first}-{last}")
        if self.control == "never":
            if cohorts.isna().sum() == 0:
                raise ModelSpecificationError(
                    f"{name}: control='never' but every entity is treated within "
                    f"{first}-{last}, so there is no untreated comparison; use control='last' "
                    "(the last-treated cohort as controls) or add never-treated entities")
        else:
            if len(treated) < 2:
                raise ModelSpecificationError(
                    f"{name}: control='last' needs at least two treated cohorts (one becomes the "
                    f"control group); found {treated}")
            control_cohort = treated[-1]
            frame = frame[frame[o.time] < control_cohort].reset_index(drop=True)
            cohorts = cohorts.where(cohorts != control_cohort)
            treated = treated[:-1]
        entity_cohort = frame[o.unit].map(cohorts)
        rel = frame[o.time] - entity_cohort
        cells: list[tuple[int, int, str]] = []
        cohort_values, rel_values = entity_cohort.to_numpy(), rel.to_numpy()
        for e in treated:
            rels = np.unique(rel_values[cohort_values == e]).astype("int64").tolist()
            if self.reference not in rels:
                raise InsufficientDataError(
                    f"{name}: cohort {e} has no observation at the reference period "
                    f"{self.reference} (year {e + self.reference}); its effects are not identified "
                    "relative to it")
            cells.extend((e, r, _cell(e, r)) for r in rels if r != self.reference)
        if not cells:
            raise InsufficientDataError(f"{name}: no cohort x relative-period cell to estimate")
        float_controls(frame, o.controls, name)
        frame["_rel"] = rel
        frame["_cohort"] = entity_cohort
        return frame, cells, provenance, {"always_treated": always}

    def fit(self) -> SunAbrahamResults:
        """Estimate the cohort-specific effects and their IW aggregation."""
        from functools import partial

        import numpy as np
        import pandas as pd

        name = "SunAbraham"
        o = self.options
        frame, cells, provenance, dropped = self._layout()
        columns = [c for _, _, c in cells]
        cov = o.fit_keywords(frame[o.time].nunique(), name)
        regressors = [*columns, *o.controls]
        replicate = partial(_saturated_panelols, frame, cells, outcome=self.outcome,
                            regressors=regressors, entity=o.unit, time=o.time, cov=dict(cov),
                            model=name)
        res = fit_twoway(frame, outcome=self.outcome, regressors=regressors, entity=o.unit,
                         time=o.time, cov=cov, model=name, replicate=replicate,
                         work=partial(_saturated_work, frame, cells, self.outcome, o.controls))
        delta = res.params[columns].to_numpy(dtype="float64")
        vcov = res.cov.loc[columns, columns].to_numpy(dtype="float64")
        sizes = frame.groupby(["_cohort", "_rel"]).size()
        counts = sizes.reindex(pd.MultiIndex.from_tuples(
            [(float(e), float(r)) for e, r, _ in cells])).to_numpy(dtype="float64")
        ce = pd.DataFrame({"cohort": [e for e, _, _ in cells], "rel": [r for _, r, _ in cells],
                           "parameter": columns, "estimate": delta,
                           "std_error": res.std_errors[columns].to_numpy(dtype="float64"),
                           "nobs": counts.astype("int64")})
        rels = sorted(set(ce["rel"]))
        if self.window is not None:
            lo, hi = self.window
            if lo > hi:
                raise ModelSpecificationError(f"{name}: window {self.window} is empty")
            rels = [r for r in rels if lo <= r <= hi]
            if not rels:
                raise InsufficientDataError(
                    f"{name}: no relative period of the data lies in the window {self.window}")
        # Aggregation matrix: one row per event time, plus the post-period ATT.
        names = [f"event_{r:+d}" if r else "event_0" for r in rels]
        agg = np.zeros((len(rels) + 1, len(columns)))
        ce["weight"] = np.nan
        for i, r in enumerate(rels):
            hit = (ce["rel"] == r).to_numpy()
            agg[i, hit] = counts[hit] / counts[hit].sum()
            ce.loc[hit, "weight"] = agg[i, hit]
        post = ce["rel"].isin([r for r in rels if r >= 0]).to_numpy()
        if post.any():
            agg[-1, post] = counts[post] / counts[post].sum()
            names.append("att")
        else:
            agg = agg[:-1]
        est = agg @ delta
        cov_agg = agg @ vcov @ agg.T
        se = np.sqrt(np.clip(np.diag(cov_agg), 0, None))
        params = pd.Series(est, index=names)
        ev = [n for n in names if n != "att"]
        et = pd.DataFrame({"estimate": params[ev].to_numpy(), "std_error": se[: len(ev)],
                           "parameter": ev}, index=pd.Index(rels, name="k"))
        if min(rels) <= self.reference <= max(rels):
            et.loc[self.reference] = [0.0, 0.0, "reference"]
        et = et.sort_index()
        et[["estimate", "std_error"]] = et[["estimate", "std_error"]].astype("float64")
        periods = (int(frame[o.time].min()), int(frame[o.time].max()))
        treated = sorted({int(e) for e, _, _ in cells})
        header = [("Entities", str(frame[o.unit].nunique())),
                  ("Treated cohorts", ", ".join(map(str, treated))),
                  ("Control group", "never treated" if self.control == "never" else
                   "last-treated cohort (and never treated)"),
                  ("Periods", f"{periods[0]}-{periods[1]}"),
                  ("Reference period", str(self.reference)),
                  ("Cohort x period cells", str(len(cells)))]
        notes = ["Sun and Abraham (2021) interaction-weighted estimator: saturated cohort x "
                 "relative-period regression (entity and time effects; the numbers of linearmodels "
                 "PanelOLS), "
                 "then cohort-share weights (observation counts). R: fixest sunab(); Stata: "
                 "eventstudyinteract.",
                 "Standard errors of the aggregates: delta method with the weights treated as "
                 "known (the weight-estimation term of Sun and Abraham 2021 is not included)."]
        if dropped["always_treated"]:
            notes.append("Dropped always-treated entities: "
                         f"{', '.join(map(str, dropped['always_treated']))}.")
        prov = build_provenance(model="venecon.models.SunAbraham", data=provenance, sample=None,
                                options=self._options(), dependencies=TWFE_DEPENDENCIES)
        prov["data"]["sample"] = {"start": periods[0], "end": periods[1], "nobs": int(res.nobs)}
        kwargs = results_kwargs(res, model=self._name, dependent=self.outcome, cov=cov,
                                provenance=prov, header=header, notes=notes)
        kwargs.update(params=params, std_errors=pd.Series(se, index=names),
                      cov=pd.DataFrame(cov_agg, index=names, columns=names))
        return SunAbrahamResults(
            cohort_effects=ce, cohort_cov=pd.DataFrame(vcov, index=columns, columns=columns),
            dropped=dropped, event_time=et, reference=self.reference, alpha=self.alpha, fit=res,
            entities=frame[o.unit].nunique(), periods=periods, **kwargs)
