"""The standard analysis behind ``venecon report``.

:func:`run_analysis` composes the report from the fitted studies that the
configuration of :mod:`venecon.report.config` names and returns an
:class:`Analysis`: the fitted results objects (for figures and tables) and
``results``, a JSON-safe dict of every headline number with its interval and
window, the model options and provenance.
:func:`analyse` returns only that dict.

Sections (``[report] sections``):

* ``data``: the data behind the report (sha256 of each dataset, coverage);
* ``sanctions``: the financial sanctions and the oil sanctions on monthly crude
  output (the studies ``[sanctions]`` names): interrupted time series,
  intervention ARIMA, local projections and structural breaks;
* ``synth``: synthetic control on annual output (the study ``[synth]`` names), with
  its placebos in space, leave-one-donor-out range and quota-bound variant;
* ``chevron``: Chevron's licences on Venezuela's exports to the US (deflated to
  approximate kb/d); national output around the licence only as description;
* ``reopening``: the naval closure and the reopening, month by month against the
  trend before the closure, as far as the monthly data reach;
* ``revenue``: revenue lost (needs :mod:`venecon.revenue`);
* ``literature``: the studies' declared comparisons with published figures.

Every design is declared once, in a study TOML; the sections read the fitted
studies' results and refit nothing (``results["models_from_studies"]`` says
which study and estimator each model comes from).

Sections whose module is not importable are left out (and listed under
``results["sections_unavailable"]``), never stubbed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..canonical import canonical
from .config import load_config, validate

__all__ = [
    "Analysis",
    "run_analysis",
    "analyse",
    "canonical",
    "available_sections",
]

Progress = Callable[[str], None]


# --------------------------------------------------------------------------- containers


@dataclass
class Analysis:
    """Fitted objects and the JSON-safe ``results`` of one report run."""

    config: dict[str, Any]
    results: dict[str, Any]
    models: dict[str, Any] = field(default_factory=dict)
    frames: dict[str, Any] = field(default_factory=dict)


def available_sections() -> dict[str, str | None]:
    """Each optional section -> None if its module imports, else the reason it is left out."""
    out: dict[str, str | None] = {}
    try:
        from ..models.synth import inference, model  # noqa: F401

        model.SyntheticControl  # noqa: B018

        out["synth"] = None
    except Exception as exc:  # noqa: BLE001 - any import failure leaves the section out
        out["synth"] = f"venecon.models.synth not importable: {type(exc).__name__}: {exc}"
    try:
        import importlib

        rev = importlib.import_module("venecon.revenue")
        for name in ("lost", "Assumptions", "Discount"):
            getattr(rev, name)
        out["revenue"] = None
    except Exception as exc:  # noqa: BLE001
        out["revenue"] = f"venecon.revenue not importable: {type(exc).__name__}: {exc}"
    return out


def _headline(
    estimate: float,
    lower: float | None,
    upper: float | None,
    *,
    unit: str,
    model: str,
    method: str,
    description: str,
    alpha: float | None,
    window: Any = None,
    interval: str = "confidence interval",
    **extra: Any,
) -> dict[str, Any]:
    out = {
        "estimate": estimate,
        "lower": lower,
        "upper": upper,
        "unit": unit,
        "model": model,
        "method": method,
        "description": description,
        "alpha": alpha,
        "interval": interval,
    }
    if window is not None:
        out["window"] = list(window)
    out.update(extra)
    return out


def _cumulative(
    res: Any, window: list[str], model_key: str, description: str, alpha: float
) -> dict[str, dict[str, Any]]:
    ce = res.cumulative_effect(window[0], window[1], alpha=alpha).to_dict()
    base = {"model": model_key, "method": ce["method"], "alpha": ce["alpha"], "window": window}
    return {
        "average_kbd": _headline(
            ce["average"],
            ce["average_lower"],
            ce["average_upper"],
            unit="kb/d",
            description=f"{description}: average effect",
            **base,
        ),
        "barrels_million": _headline(
            ce["barrels"] / 1e6,
            ce["barrels_lower"] / 1e6,
            ce["barrels_upper"] / 1e6,
            unit="million barrels",
            description=f"{description}: cumulative effect",
            **base,
        ),
    }


# --------------------------------------------------------------------------- sections


class _Runner:
    def __init__(self, config: dict[str, Any], live: bool, progress: Progress | None) -> None:
        self.config = config
        self.live = live
        self.progress = progress or (lambda _msg: None)
        self.alpha = config["report"]["alpha"]
        self.models: dict[str, Any] = {}
        self.frames: dict[str, Any] = {}
        self.headline: dict[str, dict[str, Any]] = {}
        self.model_records: dict[str, Any] = {}
        self.notes: dict[str, list[str]] = {}
        self._cache: dict[tuple, Any] = {}
        self.sections_run: list[str] = []
        self.treated = config["report"]["treated"]
        self.studies: dict[str, Any] = {}
        #: model key -> "study.estimator" it was taken from
        self.sources: dict[str, str] = {}
        #: per section: the study designs it reads (for the report's text)
        self.designs: dict[str, Any] = {}

    # data --------------------------------------------------------------
    def load(self, name: str, **filters: Any) -> Any:
        from ..data import load

        key = (name, tuple(sorted((k, str(v)) for k, v in filters.items())))
        if key not in self._cache:
            kwargs = dict(filters)
            if self.live and name in ("production_monthly", "prices_monthly"):
                kwargs["live"] = True
            self._cache[key] = load(name, **kwargs)
        return self._cache[key].copy()

    def record(self, key: str, res: Any, note: str) -> None:
        self.models[key] = res
        d = res.to_dict(alpha=self.alpha) if "alpha" in _params(res.to_dict) else res.to_dict()
        d.pop("placebo", None)
        d["note"] = note
        self.model_records[key] = d

    # sections ----------------------------------------------------------
    def data(self) -> dict[str, Any]:
        from ..data import describe

        crude = self.load("production_monthly", country=self.treated,
                          series="crude_oil").set_index("date")["value"]
        self.frames["crude"] = crude
        prices = self.load("prices_monthly", series=["merey", "brent"])
        self.frames["prices"] = prices
        out: dict[str, Any] = {"datasets": {}}
        for name in ("production_monthly", "production_annual", "prices_monthly", "events"):
            d = describe(name)
            out["datasets"][name] = {
                "sha256": str(d.get("hash", "")).removeprefix("sha256:"),
                "data_version": d.get("data_version"),
                "rows": d.get("rows"),
                "coverage": d.get("coverage"),
                "vintage": d.get("vintage"),
            }
        out["crude_last_month"] = f"{crude.index.max():%Y-%m}"
        for month in self.config["report"]["data_months"]:
            ts = crude.index[crude.index.strftime("%Y-%m") == month]
            if len(ts):
                self.headline[f"data_crude_{month.replace('-', '_')}_kbd"] = _headline(
                    float(crude[ts[0]]),
                    None,
                    None,
                    unit="kb/d",
                    model="data",
                    method="observed (EIA, production_monthly, crude_oil)",
                    description=f"{self.treated} crude output in {month}",
                    alpha=None,
                    interval="none (observed value)",
                )
        return out

    # studies ----------------------------------------------------------
    def study(self, section: str, key: str) -> Any:
        """The fitted results of the study ``[section] key`` names."""
        from ..exceptions import ConfigError

        name = self.config[section][key]
        res = self.studies.get(name)
        if res is None or not res.identified:
            why = "was not run" if res is None else f"did not run ({res.reason})"
            raise ConfigError(
                f"config key '{section}.{key}': study {name!r} {why}",
                key=f"{section}.{key}", allowed="a study that runs (bundled or passed in)")
        return res

    def estimate(self, section: str, key: str, estimator: str) -> Any:
        """One fitted estimate of the study ``[section] key`` names (recorded as its source)."""
        from ..exceptions import ConfigError

        res = self.study(section, key)
        est = res.estimates.get(estimator)
        if est is None or est.result is None:
            why = res.not_applicable.get(estimator, "not declared")
            raise ConfigError(
                f"config key '{section}.{key}': study {res.study.name!r} has no fitted "
                f"{estimator} ({why})", key=f"{section}.{key}",
                allowed=f"a study that declares {estimator}")
        return est

    def take(self, model_key: str, section: str, key: str, estimator: str, note: str) -> Any:
        """Record the estimate's fitted model under ``model_key`` (never refitted)."""
        est = self.estimate(section, key, estimator)
        self.record(model_key, est.result, note)
        self.sources[model_key] = f"{self.config[section][key]}.{estimator}"
        return est

    def take_time_series(self, prefix: str, section: str, key: str,
                         outcome: str) -> dict[str, tuple[Any, str]]:
        """The study's ITS and intervention ARIMA as ``{model key: (estimate, name)}``."""
        name_of = self.config[section][key]
        out = {}
        for estimator, name in (("its", "ITS"), ("arima", "intervention ARIMA")):
            e = self.estimate(section, key, estimator)
            events = ", ".join(f"{k} ({v})" for k, v in e.extra["events"].items())
            self.take(f"{prefix}_{estimator}", section, key, estimator,
                      f"{e.label} on {outcome} {e.extra['sample'][0]}..{e.extra['sample'][1]} "
                      f"around {events} (study {name_of}).")
            out[f"{prefix}_{estimator}"] = (e, name)
        return out

    # sections ----------------------------------------------------------
    def sanctions(self) -> None:
        fin, oil = (self.study("sanctions", k) for k in ("financial", "oil"))
        taken = self.take_time_series("sanctions", "sanctions", "oil", "crude output")
        models = {k: e for k, (e, _) in taken.items()}
        for key, (_, name) in taken.items():
            estimator = key.removeprefix("sanctions_")
            for tag, st, what in (
                ("financial", fin, "financial sanctions, before the oil sanctions"),
                ("oil", oil, "financial + oil sanctions, after the oil sanctions"),
            ):
                w = list(st.estimates[estimator].window)
                res = st.estimates[estimator].result
                for k, v in _cumulative(res, w, key, f"{what} ({name})", self.alpha).items():
                    self.headline[f"{key}_{tag}_{k}"] = {**v, "study": st.study.name}
        first = models["sanctions_its"].extra["sample"][0]
        self.notes.setdefault("sanctions", []).append(
            f"The pre-period before the first event is short (from {first}), so "
            "counterfactual bands widen fast."
        )
        lp = self.estimate("sanctions", "oil", "local_projections")
        self.take("sanctions_lp", "sanctions", "oil", "local_projections",
                  f"{lp.label}; pulses at {', '.join(lp.extra['events'])} (study "
                  f"{oil.study.name}).")
        br = self.estimate("sanctions", "breaks", "structural_breaks")
        self.take("breaks_level", "sanctions", "breaks", "structural_breaks",
                  f"{br.label}, {br.extra['sample'][0]}..{br.extra['sample'][1]}, compared with "
                  f"the events registry (study {self.config['sanctions']['breaks']}).")
        self.designs["sanctions"] = {
            "financial_study": fin.study.name,
            "oil_study": oil.study.name,
            "sample": models["sanctions_its"].extra["sample"],
            "events": models["sanctions_its"].extra["events"],
            "financial_window": list(fin.estimates["its"].window),
            "oil_window": list(oil.estimates["its"].window),
        }

    def synth(self) -> None:
        from ..study.donors import quota_screen

        st = self.study("synth", "study")
        e = self.take("synth", "synth", "study", "synthetic_control",
                      f"{st.estimates['synthetic_control'].label}, {st.study.outcome.label}, "
                      f"{st.study.window.pre[0]}-{st.study.window.post[1]} (study "
                      f"{st.study.name}).")
        res = e.result
        rec = self.model_records["synth"]
        pl = res.placebo_result
        if pl is not None:
            rec["placebo"] = {k: v for k, v in pl.to_dict().items() if k != "table"}
            rec["placebo"]["table"] = canonical(pl.table)
        loo = e.extra.get("leave_one_out")
        if loo:
            rec["leave_one_out"] = {"average_effect": loo,
                                    "range": e.extra["leave_one_out_range"]}
        design = st.study.design
        rec["design"] = {
            "study": st.study.name,
            "donors": list(st.donors),
            "outcome": st.study.outcome.label,
            "pre": list(st.study.window.pre),
            "first_treated": design.treatment_period,
            "left_out": list(design.partial),
        }
        pval = pl.pvalue if pl is not None else None
        windows = [("", tuple(st.study.window.post))] + [
            (f"_{n}", tuple(w)) for n, w in st.study.window.subwindows]
        for tag, (a, b) in windows:
            lo = hi = None
            interval = "none"
            if loo and not tag:
                lo, hi = e.extra["leave_one_out_range"]
                interval = "leave-one-donor-out range (not a confidence interval)"
            self.headline[f"synth_effect{tag}_kbd"] = _headline(
                res.average_effect(a, b), lo, hi, unit="kb/d", model="synth", alpha=None,
                window=[a, b], interval=interval, study=st.study.name,
                method="synthetic control gap (actual - synthetic), average over the window",
                description=f"Synthetic control: average output gap {a}-{b}",
                placebo_pvalue=pval, rmspe_pre=res.rmspe_pre,
            )
        grid = None if st.robustness is None else st.robustness.table
        row = None if grid is None else grid[(grid["dimension"] == "quota_bound")
                                              & (grid["status"] == "ok")]
        if row is None or row.empty:
            return
        t, end = st.study.window.post
        bound, _ = quota_screen(list(st.donors), st.study.treated, (t, end),
                                (st.study.window.pre[0], end))
        est, base = float(row["estimate"].iloc[0]), e.average_effect
        rec["quota_variant"] = {
            "excluded": {d: bound[d] for d in sorted(bound)},
            "main_weight_of_excluded": float(res.weights.reindex(sorted(bound)).fillna(0).sum()),
            "coverage": "{}-{}".format(*self.load("opec_quotas")["date"].agg(["min", "max"])),
            "average_effect": est,
            "moves_by": est - base,
            "robustness_spec": str(row["spec_id"].iloc[0]),
        }
        self.headline["synth_effect_without_quota_bound_kbd"] = _headline(
            est, None, None, unit="kb/d", model="synth", alpha=None, window=[t, end],
            interval="none", study=st.study.name,
            method="synthetic control gap without the donors bound by OPEC+ quotas in a post "
            f"year in which {st.study.treated} was exempt ({', '.join(sorted(bound))}); the "
            "study's robustness specification quota_bound",
            description=f"Synthetic control without quota-bound donors: average output gap "
            f"{t}-{end} (moves by {est - base:+,.1f} kb/d from the main design)",
        )

    def chevron(self) -> None:
        st = self.study("chevron", "study")
        spec = st.study.outcome
        f = st.panel.frame
        full = f[f["unit"] == st.study.treated].set_index("time")["value"].astype("float64")
        full.index.name, full.name = "date", "value"
        self.frames["exports_us"] = full
        choices = st.data_choices
        outcome = (
            f"{st.study.treated}'s exports to the US ({spec.dataset}:{spec.series}, "
            f"{spec.source}, USD million CIF) deflated to approximate kb/d: " + choices["deflate"]
        )
        self.notes.setdefault("chevron", []).extend(
            [outcome, choices["deflate_prices"], choices["deflate_caveat"]]
        )
        self.notes["chevron"].extend(self.reported_chevron_exports(full))
        level = {"outcome": outcome, "level": "exports to the US (what the licences act on)",
                 "study": st.study.name}
        taken = self.take_time_series("chevron", "chevron", "study",
                                      "exports to the US (approximate kb/d)")
        for key, (e, name) in taken.items():
            what = f"GL 41 alone, exports to the US ({name})"
            for k, v in _cumulative(e.result, list(e.window), key, what, self.alpha).items():
                self.headline[f"{key}_{k}"] = {**v, **level}
        ests = {k: e for k, (e, _) in taken.items()}
        its = ests["chevron_its"]
        for name, window in st.study.window.subwindows:
            v = _cumulative(
                its.result, list(window), "chevron_its",
                f"Licence regime {name}: exports to the US (ITS)", self.alpha,
            )["average_kbd"]
            self.headline[f"chevron_its_regime_{name}_average_kbd"] = {**v, **level}
        self.chevron_prices(st, its, level)
        lp = self.estimate("chevron", "study", "local_projections")
        self.take("chevron_lp", "chevron", "study", "local_projections",
                  f"{lp.label} of exports to the US; pulse at {st.study.treatment.label}; sample "
                  f"{lp.extra['sample'][0]}..{lp.extra['sample'][1]} (study {st.study.name}).")
        self.designs["chevron"] = {
            "study": st.study.name,
            "events": its.extra["events"],
            "effect_window": list(its.window),
            "pre": [str(x) for x in st.study.window.pre],
        }
        self.chevron_output()
        self.frames["regime_means"] = self._regime_means()

    def chevron_prices(self, st: Any, its: Any, level: dict[str, Any]) -> None:
        """The study's price variants (its robustness rows, dimension ``price``) as headlines."""
        from ..study.deflate import price_variants

        grid = None if st.robustness is None else st.robustness.table
        if grid is None:
            return
        method = its.result.cumulative_effect(*its.window, alpha=self.alpha).method
        variants = dict(price_variants(st.study.outcome.deflate, st.study.robustness.prices))
        rows = grid[(grid["dimension"] == "price") & (grid["status"] == "ok")]
        for row in rows.itertuples(index=False):
            d = variants[row.value]
            what = (f"GL 41 alone, exports to the US at another price: "
                    f"{row.value.replace('_', ' ')} ({d.benchmark} less {d.discount_usd:g} "
                    f"USD/bbl; observed Merey {'used' if d.observed_merey else 'not used'}) (ITS)")
            self.headline[f"chevron_price_{row.value}_average_kbd"] = {
                **_headline(float(row.estimate), float(row.lower), float(row.upper),
                            unit="kb/d", model="chevron_its", method=method,
                            description=f"{what}: average effect", alpha=self.alpha,
                            window=list(its.window)),
                **level, "price_sensitivity": True, "robustness_spec": str(row.spec_id),
            }

    def reported_chevron_exports(self, exports: Any) -> list[str]:
        """The deflated series beside Chevron's press-reported exports (reported_monthly)."""
        import pandas as pd

        rep = self.load("reported_monthly", series="chevron_exports_us")
        out = []
        for row in rep.itertuples(index=False):
            month = pd.Timestamp(row.date)
            if month in exports.index:
                out.append(
                    f"Check against a reported figure: Chevron's exports to the US in "
                    f"{month:%Y-%m} were reported at {row.value:g} kb/d ({row.reported_by}; "
                    f"{row.remarks}); the deflated series, all US imports from Venezuela, gives "
                    f"{exports[month]:.1f} kb/d."
                )
        return out

    def chevron_output(self) -> None:
        """National crude output around GL 41: described, never read as the licence's effect."""
        st = self.study("chevron", "output")
        e = self.take("chevron_output_its", "chevron", "output", "its",
                      f"Descriptive: {st.estimates['its'].label} on national crude output (EIA) "
                      f"{st.study.window.pre[0]}..end of data around "
                      + ", ".join(f"{k} ({v})" for k, v in
                                  self.estimate("chevron", "output", "its").extra["events"].items())
                      + f" (study {st.study.name}). National output cannot identify a company "
                      "licence.")
        # the estimate's data caveats (e.g. months the source flags) go to the section's notes
        self.notes.setdefault("chevron", []).extend(
            f"Descriptive national-output ITS: {c}" for c in e.caveats if "flagged" in c)
        note = {
            "descriptive": True,
            "study": st.study.name,
            "level_note": (
                "national crude output cannot identify a company licence: it moves with "
                "PdVSA's own fields, the other joint ventures, GL 44 and OPEC+ conditions; the "
                "licence's headline is chevron_its_average_kbd (exports to the US)"
            ),
        }
        for k, v in _cumulative(
            e.result, list(e.window), "chevron_output_its",
            "Descriptive only: national crude output around GL 41 (ITS)", self.alpha,
        ).items():
            self.headline[f"chevron_output_its_{k}"] = {**v, **note}

    def _regime_means(self) -> Any:
        """Mean crude output (and exports to the US, when fitted) by Chevron licence state.

        A month belongs to the state that covers most of its days (``regimes(partial=
        "fraction")``): a month with most of its days under the wind-down is "wind-down".
        """
        import pandas as pd

        from ..policy.indicators import regimes

        crude = self.frames.get("crude")
        if crude is None:
            crude = self.load("production_monthly", country=self.treated,
                              series="crude_oil").set_index("date")["value"]
        reg = regimes(partial="fraction")["chevron_licence"]
        frame = crude.to_frame("crude_kbd").join(reg, how="inner")
        exports = self.frames.get("exports_us")
        if exports is not None:
            frame = frame.join(exports.rename("exports_us_kbd"), how="left")
        frame = frame[frame.index >= pd.Timestamp(self.config["chevron"]["regimes_since"])]
        table = frame.groupby("chevron_licence", observed=True)["crude_kbd"].agg(
            ["mean", "count", "min", "max"]
        )
        if exports is not None:
            table["exports_us_mean"] = frame.groupby("chevron_licence", observed=True)[
                "exports_us_kbd"].mean()
        first = (
            frame.reset_index()
            .groupby("chevron_licence", observed=True)["date"]
            .agg(["min", "max"])
        )
        table["from"] = first["min"].dt.strftime("%Y-%m")
        table["to"] = first["max"].dt.strftime("%Y-%m")
        return table.reset_index()

    def reopening(self) -> None:
        import pandas as pd

        from ..policy.registry import event
        from .reopening import events_since, monthly_path, post_counts

        c = self.config["reopening"]
        self.progress("reopening: month by month")
        st = self.study("reopening", "study")
        pre = st.study.window.pre
        e = self.estimate("reopening", "study", "its")
        if not st.study.estimators["its"].saturated:
            from ..exceptions import ConfigError

            raise ConfigError(
                f"config key 'reopening.study': study {st.study.name!r} declares a "
                "non-saturated ITS; the section reads one level term per month",
                key="reopening.study",
                allowed="a study with [study.estimators.its] saturated = true")
        self.take("reopening_its", "reopening", "study", "its",
                  f"{e.label} on crude output {e.extra['sample'][0]}..{e.extra['sample'][1]}: a "
                  f"linear trend fitted on {pre[0]}..{pre[1]} and one level term per month from "
                  f"{next(iter(e.extra['events']))}, so each month's effect is observed minus "
                  f"trend (study {st.study.name}).")
        table = monthly_path(e.result, pre, list(e.extra["events"].values()), self.alpha)
        self.designs["reopening"] = {
            "study": st.study.name,
            "sample": e.extra["sample"],
            "pre": [str(x) for x in pre],
            "post_start": next(iter(e.extra["events"])),
        }
        dates = {e: f"{pd.Timestamp(event(e)['date']):%Y-%m-%d}" for e in c["count_after"]}
        counts = post_counts(table, dates)
        marked = events_since(c["marked_since"], c["marked_categories"])
        self.frames["reopening_period"] = table
        self.frames["reopening_events"] = marked
        reported = self.load("reported_monthly")
        self.frames["reopening_reported"] = reported[reported["date"] >= pd.Timestamp(pre[0])]
        last = table.index.max()
        latest = table.loc[last]
        window_first = table.index[-counts[c["count_after"][-1]]] if counts[
            c["count_after"][-1]] else last
        since = table.loc[window_first:]
        base = dict(unit="kb/d", model="reopening_its", alpha=self.alpha,
                    method=f"observed minus the {pre[0]}..{pre[1]} linear trend (EIA "
                           "crude output); band: trend variance + pre-window residual variance",
                    interval="prediction band for one month (trend + residual variance)")
        self.headline["reopening_latest_gap_kbd"] = _headline(
            float(latest["gap"]),
            float(latest["observed"] - latest["band_upper"]),
            float(latest["observed"] - latest["band_lower"]),
            description=f"Crude output in {last:%Y-%m} minus the pre-blockade trend",
            window=[f"{last:%Y-%m}", f"{last:%Y-%m}"],
            post_months=counts,
            **base,
        )
        self.headline["reopening_average_gap_kbd"] = _headline(
            float(since["gap"].mean()), None, None,
            description=f"Average of observed minus trend, {window_first:%Y-%m} to {last:%Y-%m} "
                        f"(after {c['count_after'][-1]})",
            window=[f"{window_first:%Y-%m}", f"{last:%Y-%m}"],
            post_months=counts,
            **{**base, "interval": "none (descriptive average of monthly gaps)"},
        )
        self.notes["reopening"] = [
            f"pre-window residual SD {table.attrs['pre_residual_sd']:.1f} kb/d over "
            f"{table.attrs['pre_months']} months (lag-1 autocorrelation "
            f"{table.attrs['pre_lag1_autocorrelation']:.2f})"
        ]
        self.frames["regime_means"] = self._regime_means()

    def revenue(self) -> dict[str, Any]:
        import importlib

        rev = importlib.import_module("venecon.revenue")
        c = self.config["revenue"]
        res = self.models.get(c["model"])
        if res is None:
            from ..exceptions import ConfigError

            raise ConfigError(
                f"config key 'revenue.model': {c['model']!r} is not fitted (its section is "
                "not in report.sections)",
                key="revenue.model",
                allowed="a model of a section in report.sections",
            )
        self.progress("revenue lost")
        from .revenue_channels import (
            channel_grid,
            comparator_discounts,
            counterfactual_discount,
            fallback_discount,
        )

        fallback = fallback_discount(rev, c)
        assumptions = self.revenue_assumptions(rev)
        cf = counterfactual_discount(rev, c)
        prices = self.load("prices_monthly")
        lost = rev.lost(res, prices, assumptions, start=c["window"][0], end=c["window"][1])
        self.models["revenue_lost"] = lost
        ch = rev.loss_channels(res, prices, assumptions, cf,
                               start=c["window"][0], end=c["window"][1])
        self.models["revenue_channels"] = ch
        year = ch.per_year_usd_bn()
        ylo, yhi = ch.interval_per_year_usd_bn
        base = {
            "model": f"revenue_channels({c['model']})",
            "method": ch.method,
            "alpha": ch.alpha,
            "window": c["window"],
            "concept": ch.concept,
            "assumptions": assumptions.to_dict(),
            "counterfactual_discount": ch.counterfactual_discount,
        }
        self.headline["revenue_lost_usd_bn_per_year"] = _headline(
            float(year["total"]), ylo, yhi,
            unit="USD bn/yr (nominal)",
            description="Gross export value lost (not fiscal revenue), annual rate: volume + "
                        "price + discount channels",
            **base,
        )
        self.headline["revenue_lost_usd_bn_total"] = _headline(
            ch.total / 1e3, ch.lower / 1e3, ch.upper / 1e3,
            unit="USD bn (nominal)",
            description="Gross export value lost (not fiscal revenue), total over the window",
            **base,
        )
        for name in rev.CHANNELS:
            self.headline[f"revenue_channel_{name}_usd_bn_per_year"] = _headline(
                float(year[name]), None, None,
                unit="USD bn/yr (nominal)",
                description=f"Gross export value lost: {name} channel (Shapley share of the "
                            "total)",
                interval="none (the interval is the total's)",
                **base,
            )
        out = canonical({"volume_only": lost.to_dict(), "channels": ch.to_dict()})
        self.progress("revenue lost: sensitivity")
        grid = channel_grid(rev, res, prices, c, cf, fallback)
        self.frames["revenue_sensitivity"] = grid
        self.frames["revenue_discounts"] = rev.observed_discounts(benchmark=c["benchmark"])
        out["sensitivity"] = canonical(grid)
        out["headline_rank"] = grid.attrs["headline_rank"]
        out["observed_discounts"] = canonical(self.frames["revenue_discounts"].reset_index())
        out["fallback_discount"] = fallback.to_dict()
        out["comparator"] = comparator_discounts(
            prices, ch.table.index, tuple(c["counterfactual_discount_years"]), c["benchmark"])
        out["deflator"] = None if assumptions.deflator is None else canonical(
            assumptions.deflator.to_dict())
        if ch.real_totals is not None:
            real = ch.per_year_usd_bn(real=True)
            base_real = {**base, "deflator": out["deflator"]["name"]}
            rlo, rhi = ch.real_interval_per_year_usd_bn
            self.headline["revenue_lost_real_usd_bn_per_year"] = _headline(
                float(real["total"]), rlo, rhi,
                unit=f"USD bn/yr (constant {c['deflator_base']} USD)",
                description="Gross export value lost (not fiscal revenue), annual rate, real",
                **base_real,
            )
        return out

    def revenue_assumptions(self, rev: Any) -> Any:
        from .revenue_channels import assumptions_from_config

        return assumptions_from_config(rev, self.config["revenue"])

    def literature(self) -> list[dict[str, Any]]:
        """The studies' declared comparisons (``[[study.literature]]``), each computed on the
        study's window and set beside the published figure with both windows and concepts."""
        import importlib

        rev = importlib.import_module("venecon.revenue")
        rows = []
        for r in self.studies.values():
            if not r.identified:
                continue
            for c in r.study.comparisons:
                rows.append(self.comparison(rev, r, c))
        return rows

    def comparison(self, rev: Any, r: Any, c: Any) -> dict[str, Any]:
        """One comparison row (:mod:`venecon.study.literature`)."""
        from ..literature import published
        from ..study.literature import QUANTITIES, mismatch

        entry = published(c.source)
        fig = entry.get(c.measure)
        est = r.estimates.get(c.estimator or r.headline)
        value = fig.value
        row: dict[str, Any] = {
            "id": c.id,
            "study": entry.study,
            "citation": entry.citation,
            "method": fig.method or entry.method,
            "published": fig.text,
            "value": [c.sign * v for v in value] if isinstance(value, tuple) else c.sign * value,
            "unit": fig.unit,
            "tag": entry.tag.strip("[]"),
            "literature_window": None if fig.window is None else list(fig.window),
            "literature_concept": fig.concept,
            "venecon_study": r.study.name,
            "estimator": c.estimator or r.headline,
            "quantity": c.quantity,
            "quantity_means": QUANTITIES[c.quantity],
            "concept": c.concept,
            "why_different": c.why_different,
            "source_note": "shared/research/literature.md (verification tag as given there)",
        }
        if est is None or est.result is None:
            row.update(window=None, comparable=False, venecon=None, venecon_estimate=None,
                       venecon_lower=None, venecon_upper=None, venecon_unit=None,
                       mismatch=[f"{row['estimator']} was not fitted in {r.study.name}"])
            return row
        a, b = self.comparison_window(r, est, c.window)
        v, lo, hi, unit = self.compared_value(rev, est, c.quantity, a, b)
        problems = mismatch((str(a), str(b)), c.concept, fig)
        row.update(window=[a, b], comparable=not problems, mismatch=problems,
                   venecon=f"{r.study.name}.{row['estimator']} ({c.quantity})",
                   venecon_estimate=v, venecon_lower=lo, venecon_upper=hi, venecon_unit=unit)
        return row

    @staticmethod
    def comparison_window(r: Any, est: Any, window: Any) -> tuple[Any, Any]:
        """A comparison's window: "post", a subwindow name, or (start, end) as declared."""
        from ..exceptions import ConfigError

        if isinstance(window, tuple):
            return window
        if window == "post":
            a, b = r.study.window.post
            return a, (est.window[1] if b == "end" else b)
        subs = dict(r.study.window.subwindows)
        if window not in subs:
            raise ConfigError(
                f"study {r.study.name!r}: literature window {window!r} is not a subwindow",
                key="study.literature.window", allowed=", ".join(["post", *subs]))
        return subs[window]

    def compared_value(self, rev: Any, est: Any, quantity: str, a: Any,
                       b: Any) -> tuple[float, float | None, float | None, str]:
        """``(value, lower, upper, unit)`` of ``quantity`` over ``a``..``b`` from the fitted
        estimate (never refitted); money with the revenue section's assumptions."""
        import pandas as pd

        res = est.result
        if quantity == "effect":
            if hasattr(res, "cumulative_effect"):
                ce = res.cumulative_effect(a, b, alpha=self.alpha)
                return float(ce.average), float(ce.average_lower), float(ce.average_upper), \
                    est.unit
            return float(res.average_effect(a, b)), None, None, est.unit
        if quantity == "observed":
            path = est.path["observed"]
            if isinstance(path.index, pd.DatetimeIndex):
                months = path.index.to_period("M")
                sel = path[(months >= pd.Period(a, "M")) & (months <= pd.Period(b, "M"))]
            else:
                sel = path[(path.index >= a) & (path.index <= b)]
            return float(sel.mean()), None, None, est.unit
        from .revenue_channels import counterfactual_discount

        prices = self.load("prices_monthly")
        assumptions = self.revenue_assumptions(rev)
        if quantity.startswith("volume_value"):
            lost = rev.lost(res, prices, assumptions, start=a, end=b)
            if quantity.endswith("per_year"):
                return float(lost.per_year_usd_bn[0]), None, None, "USD bn/yr (nominal)"
            return (lost.usd_million / 1e3, lost.lower / 1e3, lost.upper / 1e3,
                    f"USD bn ({a} to {b})")
        ch = rev.loss_channels(res, prices, assumptions,
                               counterfactual_discount(rev, self.config["revenue"]),
                               start=a, end=b)
        if quantity.endswith("per_year"):
            lo, hi = ch.interval_per_year_usd_bn
            return float(ch.per_year_usd_bn()["total"]), lo, hi, "USD bn/yr (nominal)"
        return ch.total / 1e3, ch.lower / 1e3, ch.upper / 1e3, "USD bn (nominal)"


def _params(func: Callable[..., Any]) -> tuple[str, ...]:
    import inspect

    try:
        return tuple(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return ()


# --------------------------------------------------------------------------- entry points


def run_analysis(
    config: dict[str, Any] | str | None = None,
    *,
    live: bool = False,
    progress: Progress | None = None,
    studies: Sequence[Any] = (),
) -> Analysis:
    """Run the standard analysis.

    Parameters
    ----------
    config : dict, path or None
        A resolved config (:func:`~venecon.report.config.validate`), overrides
        as a dict, a TOML path, or None for the defaults.
    live : bool
        Use the user-local live vintage of monthly production and prices
        (``venecon data refresh``) instead of the bundled data.
    progress : callable, optional
        Called with a short message before each long step.
    studies : sequence of StudyResults, optional
        Studies already run. The sections read the studies their config tables
        name (``[sanctions]``, ``[synth]``, ``[chevron]``); one not among these is
        run here from the bundled declarations. No model is fitted twice.
    """
    import matplotlib

    matplotlib.use("Agg")

    if config is None or isinstance(config, str):
        cfg = load_config(config)
    else:
        cfg = (
            validate({k: v for k, v in config.items()})
            if not _is_full(config)
            else validate(config)
        )
    avail = available_sections()
    runner = _Runner(cfg, live, progress)
    runner.studies = section_results(cfg, studies, progress)
    wanted = cfg["report"]["sections"]
    results: dict[str, Any] = {}
    unavailable = {}
    for section in wanted:
        if avail.get(section):
            unavailable[section] = avail[section]
            continue
        if section == "revenue":
            try:
                out = runner.revenue()
            except ImportError as exc:  # pragma: no cover - defensive
                unavailable[section] = str(exc)
                continue
            results["revenue"] = out
        elif section == "literature":
            continue  # last, once every number exists
        elif section == "data":
            results["data"] = runner.data()
        else:
            runner.progress(f"section {section}")
            getattr(runner, section)()
        runner.sections_run.append(section)
    if "literature" in wanted:
        runner.progress("literature comparison")
        results["literature"] = runner.literature()
        runner.sections_run.append("literature")
    from .._version import __version__
    from ..models.core.results import package_versions

    datasets: dict[str, str] = {}
    data_version = None
    for rec in runner.model_records.values():
        prov = rec.get("provenance", {}).get("data", {})
        # a model fitted on a study's series names its data "user-supplied"; the study's
        # provenance (results["studies"]) lists the bundled datasets it came from
        datasets.update({k: v for k, v in prov.get("datasets", {}).items()
                         if k != "user-supplied"})
        data_version = prov.get("data_version") or data_version
    if "data" in results:
        for name, d in results["data"]["datasets"].items():
            datasets.setdefault(name, d["sha256"])
            # every section model may come from a study (its data "user-supplied", no version)
            data_version = data_version or d.get("data_version")
    results.update(
        {
            "venecon_version": __version__,
            "config": cfg,
            "live": bool(live),
            "sections": runner.sections_run,
            "sections_unavailable": unavailable,
            "models_from_studies": dict(sorted(runner.sources.items())),
            "designs": runner.designs,
            "headline": runner.headline,
            "models": runner.model_records,
            "notes": runner.notes,
            "provenance": {
                "datasets": dict(sorted(datasets.items())),
                "data_version": data_version,
                "versions": package_versions(),
                "live": bool(live),
            },
        }
    )
    return Analysis(
        config=cfg, results=canonical(results), models=runner.models, frames=runner.frames
    )


def section_results(cfg: dict[str, Any], studies: Sequence[Any],
                    progress: Progress | None = None) -> dict[str, Any]:
    """``{name: StudyResults}`` of the studies the sections read: those given, else run here."""
    from .config import section_studies

    have = {r.study.name: r for r in studies}
    missing = [n for n in section_studies(cfg, have) if n not in have]
    if missing:
        from ..study import bundled_studies

        for name, study in bundled_studies(missing).items():
            if progress is not None:
                progress(f"study {name}")
            have[name] = study.run()
    return have


def _is_full(config: dict[str, Any]) -> bool:
    from .config import DEFAULTS

    return set(config) == set(DEFAULTS)


def analyse(
    config: dict[str, Any] | str | None = None,
    *,
    live: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The JSON-safe results of :func:`run_analysis` (what ``results.json`` holds)."""
    return run_analysis(config, live=live, progress=progress).results
