"""The study: a declared design that runs through every applicable estimator."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .spec import (
    DonorRules,
    LevelSpec,
    OutcomeSpec,
    RevenueSpec,
    RobustnessSpec,
    StudyError,
    Treatment,
    UnitDates,
    WindowSpec,
    check_name,
    parse_compute,
    parse_donors,
    parse_level,
    parse_outcome,
    parse_revenue,
    parse_robustness,
    parse_study,
    parse_treated,
    parse_treatment,
    parse_window,
)

__all__ = ["Study"]


def _headline_order() -> tuple[str, ...]:
    """Which estimate is the headline when the study names none: the first declared of these
    (the registry's order, :mod:`venecon.study.adapters`)."""
    from .adapters import adapters

    return tuple(a.name for a in adapters() if a.headline)


def _read_toml(path: Path) -> dict[str, Any]:
    from ..userfiles import read_user_toml

    return read_user_toml(path, lambda problem, fix: StudyError("study", problem, fix))


@dataclass(frozen=True)
class Study:
    """A declared, validated design of one sanctions episode.

    Build it from a TOML file (:meth:`from_toml`), a dict (:meth:`from_dict`)
    or directly; tables may be given as dicts (``window={"pre": [1995, 2011],
    "post": [2012, 2015]}``) and are validated like the TOML. Construction
    loads the data and checks the design against it (treated unit present,
    treatment inside the data, a pre-period, donors left, estimators that fit
    the frequency), so a bad declaration fails before any model is fitted.

    Examples
    --------
    >>> import venecon
    >>> s = venecon.Study.from_toml("iran-2012.toml")  # doctest: +SKIP
    >>> res = s.run(n_jobs=2)  # doctest: +SKIP
    >>> res.estimates["synthetic_control"].average_effect  # doctest: +SKIP
    """

    name: str
    treated: str | tuple[str, ...] | None
    treatment: Any
    outcome: Any
    window: Any
    estimators: Mapping[str, Any]
    title: str = ""
    description: str = ""
    donors: Any = field(default_factory=DonorRules)
    robustness: Any = field(default_factory=RobustnessSpec)
    revenue: Any = None
    literature: tuple[str, ...] = ()
    #: declared comparisons with published figures (:class:`venecon.study.literature.Comparison`)
    comparisons: tuple[Any, ...] = ()
    other_events: tuple[tuple[str, str], ...] = ()
    alpha: float = 0.05
    headline: str | None = None
    frequency: str | None = None
    level: Any = None
    compute: Any = field(default=None, compare=False, repr=False)
    base_dir: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        import pandas as pd

        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("name", check_name("study.name", self.name))
        if isinstance(self.outcome, pd.DataFrame):
            raise StudyError(
                "study.outcome",
                "a bare DataFrame has no unit of measure",
                'pass outcome={"frame": df, "units": "kb/d"}',
            )
        if isinstance(self.outcome, Mapping):
            put("outcome", parse_outcome("study.outcome", self.outcome))
        if isinstance(self.window, Mapping):
            put("window", parse_window("study.window", self.window))
        if isinstance(self.donors, Mapping):
            put("donors", parse_donors("study.donors", self.donors))
        if isinstance(self.robustness, Mapping):
            put("robustness", parse_robustness("study.robustness", self.robustness))
        if isinstance(self.revenue, Mapping):
            put("revenue", parse_revenue("study.revenue", self.revenue))
        if isinstance(self.level, Mapping):
            put("level", parse_level("study.level", self.level))
        if isinstance(self.compute, Mapping):
            put("compute", parse_compute("study.compute", self.compute))
        if self.level is not None and not isinstance(self.level, LevelSpec):
            raise StudyError("study.level", "is not a table", "give a [study.level] table")
        from .adapters import parse_estimators

        put("estimators", parse_estimators("study.estimators", dict(self.estimators)))
        put("treatment", parse_treatment(self.treatment))
        if self.treated is not None:
            put("treated", parse_treated("study.treated", self.treated))
        t = self.treatment
        if isinstance(t, UnitDates) and len(t.dates) == 1 and self.treated in (None, t.dates[0][0]):
            put("treated", t.dates[0][0])  # one unit with its date: the single-unit design
            put("treatment", Treatment(value=t.dates[0][1], label=t.label))
        put(
            "other_events",
            tuple(
                tuple(x)
                for x in (
                    self.other_events.items()
                    if isinstance(self.other_events, Mapping)
                    else self.other_events
                )
            ),
        )
        from .literature import parse_literature

        lit = list(self.literature) if isinstance(self.literature, tuple) else self.literature
        keys, comparisons = parse_literature("study.literature", lit)
        put("literature", keys)
        put("comparisons", tuple(self.comparisons) + comparisons)
        if not self.title:
            put("title", self.name)
        for k, t in (
            ("outcome", OutcomeSpec),
            ("window", WindowSpec),
            ("donors", DonorRules),
            ("robustness", RobustnessSpec),
        ):
            if not isinstance(getattr(self, k), t):
                raise StudyError(
                    f"study.{k}",
                    f"{getattr(self, k)!r} is not a table",
                    f"give a [study.{k}] table",
                )
        if self.revenue is not None and not isinstance(self.revenue, RevenueSpec):
            raise StudyError("study.revenue", "is not a table", "give a [study.revenue] table")
        if self.headline is not None and self.headline not in self.estimators:
            raise StudyError(
                "study.headline",
                f"{self.headline!r} is not a declared estimator",
                f"one of {', '.join(self.estimators)}",
            )
        self._check_literature()
        from .data import build_design, load_panel

        panel = load_panel(self.outcome, self.base_dir, self.frequency)
        put("frequency", panel.frequency)
        if self.several:
            from .cohorts import build_cohort_design

            design = build_cohort_design(self, panel)
            put("treated", tuple(u for u, _, _ in design.cohorts))
        else:
            if self.window.pre is None:
                raise StudyError("study.window", "sample = [start, end] is for several treated "
                                 "units or dates", "with one treated unit and one date give "
                                 "pre = [start, end] and post = [start, end]")
            design = build_design(self, panel)
        self._check_predictors(design.pre, panel.frequency)
        if self.robustness.prices:
            from .deflate import price_variants

            price_variants(self.outcome.deflate, self.robustness.prices,
                           sorted(panel.frame["time"].unique()))
        object.__setattr__(self, "_panel", panel)
        object.__setattr__(self, "_design", design)

    @property
    def several(self) -> bool:
        """Several treated units or treatment dates (:mod:`venecon.study.cohorts`)."""
        return not isinstance(self.treatment, Treatment) or not isinstance(self.treated, str)

    @property
    def time_series(self) -> tuple[str, ...]:
        """Declared estimators that model the treated series alone (their adapters say so)."""
        from .adapters import adapter

        return tuple(k for k in self.estimators if adapter(k).time_series)

    @property
    def treated_label(self) -> str:
        """The treated unit, or the treated units joined by commas."""
        return self.treated if isinstance(self.treated, str) else ", ".join(self.treated or ())

    @property
    def design(self) -> Any:
        """The resolved design (:class:`~venecon.study.data.StudyDesign`): periods, donors."""
        return self._design

    @property
    def treatment_period(self) -> Any:
        """First treated period: an int year (annual) or a month-start Timestamp (monthly)."""
        return self._design.treatment_period

    def _check_predictors(self, pre: tuple[Any, Any], frequency: str) -> None:
        """Declared predictor years and windows lie in the pre-period (none is silently dropped)."""
        from .data import to_period

        for est, opts in self.estimators.items():
            key = f"study.estimators.{est}"
            for i, y in enumerate(getattr(opts, "predictor_years", None) or ()):
                if not pre[0] <= to_period(y, frequency, f"{key}.predictor_years[{i}]") <= pre[1]:
                    raise StudyError(
                        f"{key}.predictor_years[{i}]",
                        f"{y} is outside the pre-period {pre[0]}..{pre[1]}",
                        "use pre-treatment periods only (a later one would fit the effect away)")
            for i, (a, b) in enumerate(getattr(opts, "predictor_windows", None) or ()):
                k = f"{key}.predictor_windows[{i}]"
                if to_period(a, frequency, k) > pre[1] or to_period(b, frequency, k) < pre[0]:
                    raise StudyError(k, f"[{a}, {b}] does not overlap the pre-period "
                                        f"{pre[0]}..{pre[1]}", "use a pre-treatment window")

    def _check_literature(self) -> None:
        from .literature import check_comparisons

        check_comparisons(self)
        if not self.literature:
            return
        from ..literature import published

        for i, key in enumerate(self.literature):
            try:
                published(key)
            except Exception as exc:  # noqa: BLE001 - unknown key: say which and how to list them
                raise StudyError(
                    f"study.literature[{i}]",
                    f"{key!r} is not in venecon.literature ({exc})",
                    "use a key of venecon.literature",
                ) from exc

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, base_dir: str | Path | None = None) -> Study:
        """A study from parsed TOML (``{"study": {...}}``); files resolve against ``base_dir``."""
        kw = parse_study(d)
        return cls(**kw, base_dir=None if base_dir is None else str(base_dir))

    @classmethod
    def from_toml(cls, path: str | Path) -> Study:
        """A study from a TOML file (see the README section "Run a study on another country")."""
        path = Path(path)
        return cls.from_dict(_read_toml(path), base_dir=path.parent)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """The declaration as resolved (JSON-able; a user DataFrame is not included)."""

        def conv(x: Any) -> Any:
            if dataclasses.is_dataclass(x):
                return {
                    f.name: conv(getattr(x, f.name))
                    for f in dataclasses.fields(x)
                    if f.name != "frame"
                }
            if isinstance(x, Mapping):
                return {str(k): conv(v) for k, v in x.items()}
            if isinstance(x, (list, tuple)):
                return [conv(v) for v in x]
            return x

        out = {
            f.name: conv(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in ("base_dir", "compute")  # where it ran never changes a result
        }
        return out

    # ------------------------------------------------------------------ running
    def context(self) -> Any:
        """The resolved design as estimators see it (:class:`~venecon.study.estimators.Context`)."""
        return self._context()

    def _context(self, panel: Any = None, design: Any = None) -> Any:
        from .data import to_period
        from .estimators import Context

        panel = panel or self._panel
        d = design or self._design
        subs = tuple(
            (
                n,
                (
                    to_period(a, panel.frequency, "study.window.subwindows"),
                    to_period(b, panel.frequency, "study.window.subwindows"),
                ),
            )
            for n, (a, b) in self.window.subwindows
        )
        frame = panel.frame
        if d.partial:  # a partial period belongs to neither window (study.window.partial_period)
            frame = frame[~frame["time"].isin(d.partial)]
        return Context(
            frame=frame,
            treated=self.treated if isinstance(self.treated, str) else d.cohorts[0][0],
            frequency=panel.frequency,
            unit=panel.unit,
            alpha=self.alpha,
            design=d,
            treatment_label=self.treatment.label or "treatment",
            subwindows=subs if not d.cohorts else (),
        )

    def run(
        self,
        n_jobs: int = 1,
        progress: bool = False,
        *,
        scheduler: str | None = None,
        address: str | None = None,
    ) -> Any:
        """Fit every declared estimator, then the robustness grid; return :class:`StudyResults`.

        Parameters
        ----------
        n_jobs : int, default 1
            Parallel jobs for placebos and the robustness grid. Results do not
            depend on it.
        progress : bool, default False
            Show progress bars (tqdm) for the grid.
        scheduler : {"serial", "loky", "dask"}, optional
            Where placebos and the grid run (:class:`venecon.parallel.Compute`);
            ``address`` is a Dask scheduler's (``"tcp://host:8786"``). When
            neither is given, an enclosing :func:`venecon.parallel.compute` block
            is used, else the study's ``[study.compute]``, else ``n_jobs`` alone.
        """
        import contextlib

        from ..parallel import active_compute, compute

        if scheduler is not None or address is not None:
            where: Any = compute(scheduler, address=address, n_jobs=n_jobs)
        elif self.compute is not None and active_compute() is None:
            where = compute(self.compute)
        else:
            where = contextlib.nullcontext()
        with where:
            return self._run(n_jobs, progress)

    def _run(self, n_jobs: int, progress: bool) -> Any:
        from ..exceptions import VeneconError
        from .adapters import SINGLE, adapter, adapters, run_estimator
        from .adapters.base import SERIES
        from .adapters.cohort_panel import design_of
        from .donors import kept_flagged
        from .estimators import MIN_PRE
        from .restated import CONFOUNDERS, FLAGGED_ROWS, PRE_PERIOD_SANCTIONS, Statement
        from .results import Robustness

        panel, design = self._panel, self._design
        ctx = self._context()
        caveats = []
        if design.flagged:
            caveats.append(Statement(
                FLAGGED_ROWS,
                f"{len(design.flagged)} flagged data row(s) of {self.treated} in the window "
                f"(first {design.flagged[0]})"
            ))
        if design.treated_episodes:
            caveats.append(Statement(
                PRE_PERIOD_SANCTIONS,
                f"{self.treated} has other recorded sanctions in the pre-period "
                f"({design.treated_episodes.split(': ', 1)[1]}): "
                "the pre-period is not sanction-free"
            ))
        caveats += [Statement(CONFOUNDERS, c) for c in design.confounders]
        caveats += kept_flagged(dict(design.donor_flags))
        choices = dict(panel.data_choices)
        if design.timing:
            choices["timing"] = design.timing
        base = dict(
            panel=panel,
            data_choices={**choices, **dict(design.window_notes)},
            donors=design.donors,
            excluded_donors=design.excluded,
            provenance=self._provenance(panel),
        )
        reason = None
        pooled = [adapter(k) for k in self.estimators if adapter(k).data != SERIES]
        if pooled and len(design.donors) < 2:
            reason = (
                f"no donor pool: {len(design.donors)} donor(s) with complete data over the study "
                f"periods ({pooled[0].label.lower()} needs at least 2)"
            )
        elif design.n_pre < MIN_PRE[panel.frequency]:
            reason = (
                f"too few pre-treatment periods: {design.n_pre} "
                f"(at least {MIN_PRE[panel.frequency]} needed at {panel.frequency} frequency)"
            )
        if reason is not None:
            return self._results(reason, {}, None, None, caveats, {}, base)
        estimates, failed = {}, {}
        kind = design_of(ctx)
        for name in self.estimators:
            why = adapter(name).cannot(kind, panel.frequency)
            if why is not None:
                failed[name] = why
                continue
            try:
                estimates[name] = run_estimator(name, ctx, self.estimators[name], n_jobs=n_jobs)
            except VeneconError as exc:
                failed[name] = str(exc).splitlines()[0]
        if panel.frequency != "monthly" and kind == SINGLE:
            from .data import time_series_accepts

            own = panel.frame[panel.frame["unit"] == self.treated].set_index("time")["value"]
            if not time_series_accepts(own, design.treatment_date):
                for a in adapters():
                    if a.time_series and a.name not in self.estimators:
                        failed[a.name] = f"not applicable at this frequency ({panel.frequency})"
        if not estimates:
            reason = "no estimator could be fitted: " + "; ".join(
                f"{k}: {v}" for k, v in failed.items()
            )
            return self._results(reason, {}, None, None, caveats, failed, base)
        headline = self.headline or next(
            (k for k in _headline_order() if k in estimates), next(iter(estimates)))
        if headline not in estimates:
            raise StudyError(
                "study.headline",
                f"{headline} could not be fitted: {failed[headline]}",
                "choose another headline estimator",
            )
        robust = None
        if self.robustness.enabled and adapter(headline).robustness:
            from .robustness import run_grid, specifications

            complete = self._complete_units(panel, design)
            put_back = tuple(
                sorted(
                    u
                    for u, why in design.excluded.items()
                    if not why.startswith(("aggregate", "incomplete", "no output"))
                    and u in complete
                )
            )
            timing = {
                label: ctx.vary(frame=panel.frame[~panel.frame["time"].isin(gap)],
                                treatment_period=tp, pre=pre, post=post)
                for label, tp, pre, post, gap in design.timing_variants
            }
            specs = specifications(
                self, ctx, headline, estimates, put_back, self._alt_contexts(), timing,
                prices=self._price_contexts(),
            )
            table = run_grid(specs, estimates[headline], n_jobs=n_jobs, progress=progress)
            robust = Robustness.from_table(table, estimates[headline].average_effect)
        return self._results(None, estimates, headline, robust, caveats, failed, base)

    def _judged(self, estimates, headline, robust) -> tuple[dict, Any]:
        """Estimates with their in-time placebo and verdict, and the study's verdict."""
        from .data import treated_episode_list
        from .estimators import in_time_placebo
        from .verdict import Evidence, judge_study

        ctx, d = self._context(), self._design
        out = {}
        for k, e in estimates.items():
            placebo = {} if d.cohorts else in_time_placebo(k, ctx, self.estimators[k])
            out[k] = dataclasses.replace(e, extra={**e.extra, "in_time_placebo": placebo}) \
                if placebo else e
        f = ctx.frame
        own = f[(f["unit"] == ctx.treated) & (f["time"] >= d.pre[0])
                & (f["time"] < d.treatment_period)]
        ev = Evidence(
            treatment_period=d.treatment_period,
            frequency=ctx.frequency,
            pre_outcome=own.set_index("time")["value"].astype("float64"),
            alpha=self.alpha,
            confounders=tuple(d.confounders),
            donor_flags=dict(d.donor_flags),
            treated_episodes=() if d.cohorts else tuple(treated_episode_list(
                self.treated, d.pre, d.treatment_period, ctx.frequency)),
            n_pre=d.n_pre,
            descriptive=self._descriptive_note(),
        )
        per, study = judge_study(out, headline, ev, robust)
        judged = {
            k: dataclasses.replace(e, verdict=per[k].verdict, verdict_reasons=per[k].reasons)
            for k, e in out.items()
        }
        return judged, study

    def _descriptive_note(self) -> str:
        """The ``[study.level] descriptive`` note of the study's own outcome, or ``""``."""
        if self.level is None:
            return ""
        own = (self.outcome.dataset, self.outcome.series)
        return next((note for ds, series, note in self.level.descriptive
                     if (ds, series) == own), "")

    def _results(self, reason, estimates, headline, robust, caveats, failed, base) -> Any:
        from .results import StudyResults
        from .verdict import not_run

        verdict = not_run(reason) if reason is not None else None
        if verdict is None:
            estimates, verdict = self._judged(estimates, headline, robust)
        return StudyResults(
            study=self,
            identified=reason is None,
            reason=reason,
            estimates=estimates,
            headline=headline,
            robustness=robust,
            caveats=tuple(caveats),
            not_applicable=failed,
            verdict=verdict.verdict,
            verdict_reasons=verdict.reasons,
            **base,
        )

    @staticmethod
    def _complete_units(panel: Any, design: Any) -> frozenset[str]:
        """The units observed in every period of the study sample (``pre[0]`` to ``sample_end``).

        One pass over the panel, so the robustness grid's check of which excluded
        units could be put back costs the same for ten or ten thousand of them.
        """
        f = panel.frame
        sel = f[(f["time"] >= design.pre[0]) & (f["time"] <= design.sample_end)]
        counts = sel.groupby("unit", sort=False, observed=True)["time"].nunique()
        return frozenset(counts.index[counts == sel["time"].nunique()])

    def _alt_contexts(self) -> dict[str, Any]:
        from .data import build_design, fmt_period, load_panel

        out: dict[str, Any] = {}
        for series, source in self.robustness.outcomes:
            label = f"{series} ({source or 'default source'})"
            alt = dataclasses.replace(self.outcome, series=series, source=source)
            try:
                panel = load_panel(alt, self.base_dir)
                if panel.frequency != self.frequency:
                    raise StudyError(
                        "study.robustness.outcomes", "different frequency", "same frequency"
                    )
                if self.several:
                    from .cohorts import build_cohort_design

                    design = build_cohort_design(_Alt(self, alt), panel)
                    if design.cohorts != self._design.cohorts:
                        # another set of treated units or dates estimates another average
                        raise StudyError(
                            "study.robustness.outcomes",
                            f"{label} resolves the treated units to "
                            + ", ".join(f"{u} {fmt_period(c)}" for u, c, _ in design.cohorts),
                            "drop it, or choose a sample both outcomes cover")
                else:
                    design = build_design(_Alt(self, alt), panel)
                if design.post != self._design.post or design.pre != self._design.pre:
                    # a concept that does not cover the declared windows is not comparable
                    raise StudyError(
                        "study.robustness.outcomes",
                        f"{label} covers {fmt_period(design.pre[0])} to "
                        f"{fmt_period(design.post[1])}, not the declared windows",
                        "drop it or shorten the windows",
                    )
                out[label] = self._context(panel, design)
            except StudyError as exc:
                out[label] = f"not applicable: {exc}"
        return out

    def _price_contexts(self) -> dict[str, Any]:
        """The design on the outcome deflated at each ``[study.robustness] prices`` variant.

        Deflating changes the values, never the months, so the design is the study's own.
        """
        from .data import load_panel
        from .deflate import price_variants

        return {
            label: self._context(
                load_panel(dataclasses.replace(self.outcome, deflate=d), self.base_dir,
                           self.frequency),
                self._design,
            )
            for label, d in price_variants(self.outcome.deflate, self.robustness.prices)
        }

    def _provenance(self, panel: Any) -> dict[str, Any]:
        from .._version import __version__

        return {"datasets": dict(sorted(panel.datasets.items())), "venecon_version": __version__}


class _Alt:
    """A study seen with another outcome (for the outcome-concept robustness check)."""

    def __init__(self, study: Study, outcome: OutcomeSpec) -> None:
        self._s, self.outcome = study, outcome

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)
