"""The standard analysis behind ``venecon report``.

:func:`run_analysis` fits every model of the report with the configuration of
:mod:`venecon.report.config` and returns an :class:`Analysis`: the fitted
results objects (for figures and tables) and ``results``, a JSON-safe dict of
every headline number with its interval, the model options and provenance.
:func:`analyse` returns only that dict.

Sections (``[report] sections``):

* ``data``: the data behind the report (sha256 of each dataset, coverage);
* ``sanctions``: the 2017 financial sanctions (EO 13808) and the 2019 oil
  sanctions (the PdVSA designation) on monthly crude output: interrupted time series,
  intervention ARIMA, local projections and structural breaks;
* ``synth``: synthetic control on annual output (EI), with placebos in space
  and leave-one-donor-out (needs :mod:`venecon.models.synth`);
* ``chevron``: Chevron's licences (GL 41 to GL 50) on Venezuela's exports to the US
  (deflated to approximate kb/d); national output around GL 41 only as description;
* ``reopening``: the 2025 naval interdiction and the 2026 reopening (GL 46), as far as
  the monthly data reach;
* ``revenue``: revenue lost (needs :mod:`venecon.revenue`);
* ``literature``: venecon's numbers beside the published ones.

Sections whose module is not importable are left out (and listed under
``results["sections_unavailable"]``), never stubbed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import load_config, validate

__all__ = [
    "Analysis",
    "run_analysis",
    "analyse",
    "canonical",
    "LITERATURE",
    "literature_rows",
    "available_sections",
]

Progress = Callable[[str], None]

#: Significant digits kept for every float in ``results.json`` (so the file
#: does not depend on the last bits of floating-point arithmetic).
DIGITS = 10


def canonical(value: Any) -> Any:
    """JSON-safe copy of ``value``: floats to :data:`DIGITS` significant digits, NaN -> None."""
    import numpy as np
    import pandas as pd

    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if not math.isfinite(x):
            return None
        return float(f"{x:.{DIGITS}g}") + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (pd.DataFrame, pd.Series)):
        from ..models.core.results import jsonable

        return canonical(jsonable(value))
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        return canonical(value.tolist())
    return str(value)


# --------------------------------------------------------------------------- literature

#: Which venecon number each published figure is set beside, and why they differ.
#: The published facts (study, method, figure, value, unit, verification tag) are
#: taken from :mod:`venecon.literature` (``source``: registry key; ``measure``: which
#: of its figures; ``sign``: -1 where the published decline is set beside a signed
#: venecon effect). See :func:`literature_rows`.
LITERATURE: list[dict[str, Any]] = [
    {
        "id": "rodriguez2019_kbd",
        "source": "rodriguez2019",
        "measure": "kbd",
        "sign": -1,
        "venecon": "synth_effect_2018_2018_kbd",
        "why_different": (
            "venecon uses EI annual crude+NGL output and a documented donor pool (1990-2016 fit), "
            "with 2018 as the first full treated year (2017, partly treated, left out); "
            "Rodríguez's data, donor weights and treatment month are unverified [U]. His "
            "figure refers "
            "to mid-2019 ('today'), which mixes the 2017 and 2019 sanctions; compare also "
            "venecon's "
            "2019-2025 average."
        ),
    },
    {
        "id": "rodriguez2019_usd",
        "source": "rodriguez2019",
        "measure": "usd_bn",
        "venecon": "synth_value_2018_2018_usd_bn_per_year",
        "why_different": (
            "venecon values its synthetic-control gap with venecon.revenue.lost under the "
            "[revenue] assumptions (annual mean benchmark less the observed Merey discount "
            "where a full year exists, else the assumed discount); differences in volume carry "
            "through one to one."
        ),
    },
    {
        "id": "rodriguez2022",
        "source": "rodriguez2022",
        "measure": "usd_bn",
        "venecon": "revenue_lost_usd_bn_per_year",
        "why_different": (
            "Rodríguez identifies only the credit channel within the Orinoco Basin (firm-level "
            "DiD); "
            "venecon's time-series counterfactual extrapolates national pre-sanction output, so it "
            "attributes to the sanctions every deviation from the pre-period trend."
        ),
    },
    {
        "id": "weisbrot_sachs2019",
        "source": "weisbrot_sachs2019",
        "measure": "usd_bn",
        "venecon": "sanctions_financial_value_12m_usd_bn",
        "why_different": (
            "venecon's interrupted time series finds the post-August-2017 decline in trend, valued "
            "at Brent minus the assumed discount; Weisbrot & Sachs use Colombia as the "
            "counterfactual, "
            "a comparison Bahar et al. (2019) and Hausmann & Muci (2019) criticise for pre-trends."
        ),
    },
    {
        "id": "oliveros2020",
        "source": "oliveros2020",
        "measure": "usd_bn",
        "venecon": "revenue_lost_usd_bn_total",
        "why_different": (
            "Oliveros's period and price assumptions are unverified [U]; venecon's total "
            "covers the "
            "[revenue] window only."
        ),
    },
    {
        "id": "monaldi2020",
        "source": "monaldi2020",
        "measure": "kbd",
        "venecon": "data_crude_2018_12_kbd",
        "why_different": "Data check: EIA monthly crude (production_monthly), same month.",
    },
    {
        "id": "iai2023",
        "source": "iai2023",
        "measure": "kbd",
        "venecon": "data_crude_2019_01_kbd",
        "why_different": "Data check: EIA monthly crude (production_monthly), same month.",
    },
    {
        "id": "guacamaya2025",
        "source": "guacamaya2025",
        "measure": "kbd",
        "venecon": "data_crude_2025_01_kbd",
        "why_different": (
            "Data check: EIA crude, same month; PDVSA's total may include condensate "
            "and is the official (higher) series."
        ),
    },
]


def literature_rows() -> list[dict[str, Any]]:
    """:data:`LITERATURE` with the published facts filled in from :mod:`venecon.literature`.

    Each row: ``id``, ``study``, ``method``, ``published`` (the figure in words),
    ``value``, ``unit``, ``tag`` (without brackets: ``"V"``, ``"V-sec"``),
    ``venecon`` (the ``results.json`` headline key) and ``why_different``.
    """
    from ..literature import published

    rows = []
    for item in LITERATURE:
        entry = published(item["source"])
        fig = entry.get(item["measure"])
        if fig is None:
            raise KeyError(f"{item['id']}: {entry.key} publishes no {item['measure']!r} figure")
        sign = item.get("sign", 1)
        value = fig.value
        value = [sign * v for v in value] if isinstance(value, tuple) else sign * value
        rows.append(
            {
                "id": item["id"],
                "study": entry.study,
                "method": fig.method or entry.method,
                "published": fig.text,
                "value": value,
                "unit": fig.unit,
                "tag": entry.tag.strip("[]"),
                "venecon": item["venecon"],
                "why_different": item["why_different"],
            }
        )
    return rows


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
        self.fitted: dict[str, Any] = {}
        self.reused: list[str] = []

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

    def crude(self, start: str, end: str | None = None) -> Any:
        frame = self.load("production_monthly", country=self.treated, series="crude_oil")
        import pandas as pd

        keep = frame["date"] >= pd.Timestamp(start)
        if end is not None:
            keep &= frame["date"] <= pd.Timestamp(end)
        out = frame[keep].reset_index(drop=True)
        out.attrs = frame.attrs
        return out

    def fit(self, key: str, make: Callable[[], Any]) -> Any:
        """The model ``key``: reused from a study that fitted the same design, else fitted."""
        if key in self.fitted:
            self.reused.append(key)
            return self.fitted[key]
        return make()

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

    def sanctions(self) -> None:
        from ..models import ITS, FixedB, InterventionARIMA, LocalProjections, StructuralBreaks

        c = self.config["sanctions"]
        y = self.crude(c["start"])
        ev = dict(c["events"])
        label = ", ".join(f"{k} ({v})" for k, v in ev.items())
        self.progress("sanctions: interrupted time series")
        its = self.fit("sanctions_its", lambda: ITS(y, ev, end=c["end"], inference=FixedB()).fit())
        self.record(
            "sanctions_its", its, f"ITS on crude output {c['start']}..{c['end']}; events {label}."
        )
        self.progress("sanctions: intervention ARIMA")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # short pre-period warning, noted below
            arima = self.fit("sanctions_arima", lambda: InterventionARIMA(
                y, ev, end=c["end"], seed=c["arima_seed"]).fit())
        self.record(
            "sanctions_arima",
            arima,
            f"Intervention ARIMA {c['start']}..{c['end']}, order by BIC on the pre-period; "
            f"counterfactual simulated from the pre-period model (seed {c['arima_seed']}).",
        )
        self.notes.setdefault("sanctions", []).append(
            f"The pre-period before the first event is short (from {c['start']}), so "
            "counterfactual bands widen fast."
        )
        fw, ow = c["financial_window"], c["effect_window"]
        for key, res, name in (
            ("sanctions_its", its, "ITS"),
            ("sanctions_arima", arima, "intervention ARIMA"),
        ):
            for tag, w, what in (
                ("financial", fw, "2017 financial sanctions, before the oil sanctions"),
                ("oil", ow, "2017 + 2019 sanctions, after the oil sanctions"),
            ):
                for k, v in _cumulative(res, w, key, f"{what} ({name})", self.alpha).items():
                    self.headline[f"{key}_{tag}_{k}"] = v
        self.progress("sanctions: local projections and structural breaks")
        lp = LocalProjections(
            y, list(ev), end=c["end"], horizons=c["lp_horizons"], lags=c["lp_lags"]
        ).fit()
        self.record(
            "sanctions_lp",
            lp,
            f"Local projections, horizons 0..{c['lp_horizons']}, "
            f"{c['lp_lags']} lags; pulses at {', '.join(ev)} (registry dates).",
        )
        breaks = StructuralBreaks(self.crude(c["start"]), model="level").fit()
        self.record(
            "breaks_level",
            breaks,
            f"Mean shifts in crude output {c['start']}.. end of data "
            "(BIC, trim 0.15, up to 5 breaks), compared with the events registry.",
        )

    def synth_panel(self) -> Any:
        """The annual panel of the synthetic control; checks the donor pool against it."""
        from ..exceptions import ConfigError

        s = self.config["synth"]
        df = self.load("production_annual", series="oil_production", source=s["source"])
        df = df[(df["date"] >= s["start"]) & (df["date"] <= s["end"])]
        df = df[~df["date"].isin(s["left_out"])]  # the partial year belongs to neither window
        wide = df.pivot(index="date", columns="country", values="value")
        complete = sorted(
            c for c in wide.columns if wide[c].notna().all() and c != self.treated
        )
        bad = [d for d in s["donors"] if d not in complete]
        if bad:
            raise ConfigError(
                f"config key 'synth.donors': {', '.join(bad)} not in the {s['source']} panel "
                "with complete "
                f"data {s['start']}-{s['end']}; allowed: {', '.join(complete)}",
                key="synth.donors",
                allowed=", ".join(complete),
            )
        return df

    def synth(self) -> None:
        import pandas as pd

        from ..parallel import capped_jobs

        s = self.config["synth"]
        jobs = capped_jobs(s["n_jobs"], "synth.n_jobs")  # the cap of --n-jobs, with its note
        df = self.synth_panel()
        self.progress("synthetic control: fit")
        model = self.synth_model(df, s["donors"])
        res = self.fit("synth", lambda: model.fit(placebo=s["placebo"], n_jobs=jobs))
        gap = f"; {', '.join(map(str, s['left_out']))} left out" if s["left_out"] else ""
        self.record(
            "synth",
            res,
            f"Synthetic control, {self.treated} vs {len(s['donors'])} donors, EI "
            f"({s['source']}) annual crude+NGL kb/d {s['start']}-{s['end']}; first treated year "
            f"{s['treatment']}{gap}.",
        )
        rec = self.model_records["synth"]
        if s["placebo"]:
            rec["placebo"] = {k: v for k, v in res.placebo.to_dict().items() if k != "table"}
            rec["placebo"]["table"] = canonical(res.placebo.table)
        loo_avg: dict[str, float] = {}
        if s["leave_one_out"]:
            self.progress("synthetic control: leave-one-donor-out")
            loo = res.leave_one_out(n_jobs=jobs)
            loo_avg = dict(loo.average_effect)
            rec["leave_one_out"] = {"average_effect": loo_avg, "range": list(loo.range)}
            self.frames["synth_loo"] = loo.gaps
        t, o, e = s["treatment"], s["oil_sanctions_year"], s["end"]
        windows = {f"{t}_{e}": (t, e), f"{t}_{o - 1}": (t, o - 1), f"{o}_{e}": (o, e)}
        pval = res.placebo.pvalue if s["placebo"] else None
        for tag, (a, b) in windows.items():
            if a > b:
                continue
            est = res.average_effect(a, b)
            lo = hi = None
            interval = "none"
            if s["leave_one_out"] and (a, b) == (t, e):
                vals = list(loo_avg.values())
                lo, hi, interval = (
                    min(vals),
                    max(vals),
                    "leave-one-donor-out range (not a confidence interval)",
                )
            self.headline[f"synth_effect_{tag}_kbd"] = _headline(
                est,
                lo,
                hi,
                unit="kb/d",
                model="synth",
                alpha=None,
                window=[a, b],
                interval=interval,
                method="synthetic control gap (actual - synthetic), average over the window",
                description=f"Synthetic control: average output gap {a}-{b}",
                placebo_pvalue=pval,
                rmspe_pre=res.rmspe_pre,
            )
        self.frames["synth_years"] = pd.Index(windows)
        if s["quota_variant"]:
            self.synth_quota_variant(df, res)

    def synth_model(self, df: Any, donors: list[str]) -> Any:
        """The [synth] synthetic control on ``df`` with ``donors`` (not yet fitted)."""
        from ..models import SyntheticControl

        s = self.config["synth"]
        predictors = [("value", range(a, b + 1), "mean") for a, b in s["predictor_windows"]]
        predictors += [("value", [yr], "mean") for yr in s["predictor_years"]]
        return SyntheticControl(
            df,
            outcome="value",
            unit="country",
            time="date",
            treated=self.treated,
            treatment_time=s["treatment"],
            donors=list(donors),
            predictors=predictors,
            fit_window=tuple(s["fit_window"]),
            events={"oil sanctions": s["oil_sanctions_year"]},
            rng=s["seed"],
        )

    def synth_quota_variant(self, df: Any, res: Any) -> None:
        """The synthetic control without the donors bound by OPEC+ quotas while the treated
        unit was not (the bundled study's robustness dimension ``quota_bound``)."""
        from ..study.donors import quota_screen

        s = self.config["synth"]
        t, e = s["treatment"], s["end"]
        bound, _ = quota_screen(list(s["donors"]), self.treated, (t, e), (s["start"], e))
        kept = [d for d in s["donors"] if d not in bound]
        if not bound or len(kept) < 2:
            return
        self.progress("synthetic control: without quota-bound donors")
        variant = self.synth_model(df, kept).fit(placebo=False)
        est = variant.average_effect(t, e)
        base = res.average_effect(t, e)
        weights = variant.weights[variant.weights > 0.001].sort_values(ascending=False)
        self.model_records["synth"]["quota_variant"] = {
            "excluded": {d: bound[d] for d in sorted(bound)},
            "main_weight_of_excluded": float(res.weights.reindex(sorted(bound)).fillna(0).sum()),
            "coverage": "{}-{}".format(*self.load("opec_quotas")["date"].agg(["min", "max"])),
            "average_effect": est,
            "moves_by": est - base,
            "weights": {str(k): float(v) for k, v in weights.items()},
            "rmspe_pre": variant.rmspe_pre,
        }
        self.headline[f"synth_effect_{t}_{e}_without_quota_bound_kbd"] = _headline(
            est,
            None,
            None,
            unit="kb/d",
            model="synth",
            alpha=None,
            window=[t, e],
            interval="none",
            method="synthetic control gap without the donors bound by OPEC+ quotas in a post "
            f"year in which {self.treated} was exempt ({', '.join(sorted(bound))})",
            description=f"Synthetic control without quota-bound donors: average output gap "
            f"{t}-{e} (moves by {est - base:+,.1f} kb/d from the main design)",
            rmspe_pre=variant.rmspe_pre,
        )

    def deflator(self) -> Any:
        """The [chevron] price: :class:`venecon.study.spec.Deflator`."""
        from ..study.spec import Deflator

        c = self.config["chevron"]
        return Deflator(
            benchmark=c["deflate_benchmark"],
            discount_usd=c["deflate_discount_usd"],
            observed_merey=c["deflate_observed_merey"],
        )

    def price_variants(self) -> dict[str, Any]:
        """The headline's price, changed one choice at a time (the sensitivity of the volumes)."""
        import dataclasses

        d = self.deflator()
        other = "wti" if d.benchmark == "brent" else "brent"
        return {
            f"{d.benchmark}_no_discount": dataclasses.replace(d, discount_usd=0.0),
            f"{other}_less_discount": dataclasses.replace(d, benchmark=other),
            f"{d.benchmark}_less_discount_no_merey": dataclasses.replace(d, observed_merey=False),
        }

    def exports_to_us(self, deflator: Any = None) -> Any:
        """Venezuela's exports to the US as approximate kb/d (the [chevron] outcome) and the
        deflator's record (:mod:`venecon.study.deflate`)."""
        import pandas as pd

        from ..study.deflate import deflate_panel

        c = self.config["chevron"]
        frame = self.load(
            "trade", country=self.treated, series=c["exports_series"], source=c["exports_source"]
        )
        panel = pd.DataFrame({
            "unit": frame["country"].to_numpy(),
            "time": pd.to_datetime(frame["date"]).to_numpy(),
            "value": frame["value"].to_numpy(dtype="float64"),
        })
        deflator = self.deflator() if deflator is None else deflator
        out, choices = deflate_panel(panel, str(frame["unit"].iloc[0]), deflator)
        y = out.set_index("time")["value"]
        y.index.name = "date"
        y.name = "value"
        return y, choices

    def chevron(self) -> None:
        from ..models import ITS, FixedB, InterventionARIMA, LocalProjections

        c = self.config["chevron"]
        import pandas as pd

        full, choices = self.exports_to_us()
        self.frames["exports_us"] = full
        y = full[full.index >= pd.Timestamp(c["start"])]
        ev = dict(c["events"])
        outcome = (
            f"Venezuela's exports to the US (trade:{c['exports_series']}, {c['exports_source']}, "
            "USD million CIF) deflated to approximate kb/d: " + choices["deflate"]
        )
        self.notes.setdefault("chevron", []).extend(
            [outcome, choices["deflate_prices"], choices["deflate_caveat"]]
        )
        self.notes["chevron"].extend(self.reported_chevron_exports(full))
        events = ", ".join(f"{k} ({v})" for k, v in ev.items())
        self.progress("Chevron licence: exports to the US, ITS and ARIMA")
        its = self.fit("chevron_its", lambda: ITS(
            y, ev, unit="kb/d", alpha=self.alpha, inference=FixedB()).fit())
        self.record(
            "chevron_its", its,
            f"ITS on exports to the US (approximate kb/d) {c['start']}..end of data around "
            f"{events}.",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            arima = self.fit("chevron_arima", lambda: InterventionARIMA(
                y, ev, unit="kb/d", alpha=self.alpha, seed=c["arima_seed"]).fit())
        self.record(
            "chevron_arima", arima,
            f"Intervention ARIMA on exports to the US {c['start']}..end of data, steps at "
            f"{events}; seed {c['arima_seed']}.",
        )
        level = {"outcome": outcome, "level": "exports to the US (what the licences act on)"}
        for key, res, name in (
            ("chevron_its", its, "ITS"),
            ("chevron_arima", arima, "intervention ARIMA"),
        ):
            what = f"GL 41 alone, exports to the US ({name})"
            for k, v in _cumulative(res, c["effect_window"], key, what, self.alpha).items():
                self.headline[f"{key}_{k}"] = {**v, **level}
        for name, window in c["regime_windows"].items():
            v = _cumulative(
                its, window, "chevron_its", f"Licence regime {name}: exports to the US (ITS)",
                self.alpha,
            )["average_kbd"]
            self.headline[f"chevron_its_regime_{name}_average_kbd"] = {**v, **level}
        for name, deflator in self.price_variants().items():
            alt = self.exports_to_us(deflator)[0]
            alt = alt[alt.index >= pd.Timestamp(c["start"])]
            res = ITS(alt, ev, unit="kb/d", alpha=self.alpha, inference=FixedB()).fit()
            what = (f"GL 41 alone, exports to the US at another price: {name.replace('_', ' ')} "
                    f"({deflator.benchmark} less {deflator.discount_usd:g} USD/bbl; observed "
                    f"Merey {'used' if deflator.observed_merey else 'not used'}) (ITS)")
            v = _cumulative(res, c["effect_window"], "chevron_its", what, self.alpha)
            self.headline[f"chevron_price_{name}_average_kbd"] = {
                **v["average_kbd"], **level, "price_sensitivity": True
            }
        first = dict(list(ev.items())[:1])
        lp = LocalProjections(
            y, first, unit="kb/d", end=c["effect_window"][1], horizons=c["lp_horizons"],
            lags=c["lp_lags"],
        ).fit()
        self.record(
            "chevron_lp", lp,
            f"Local projections of exports to the US, horizons 0..{c['lp_horizons']}, pulse at "
            f"{next(iter(first))} ({first[next(iter(first))]}); sample to "
            f"{c['effect_window'][1]}, before the next licence regime.",
        )
        self.chevron_output()
        self.frames["regime_means"] = self._regime_means()

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
        from ..models import ITS, FixedB

        c = self.config["chevron"]
        ev = dict(c["output_events"])
        crude = self.crude(c["output_start"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            res = ITS(crude, ev, inference=FixedB()).fit()
        # the model's data warnings (e.g. months the source flags) go to the section's notes
        self.notes.setdefault("chevron", []).extend(
            f"Descriptive national-output ITS: {w.message}" for w in caught
            if issubclass(w.category, UserWarning)
        )
        self.record(
            "chevron_output_its", res,
            f"Descriptive: ITS on national crude output (EIA) {c['output_start']}..end of data "
            "around " + ", ".join(f"{k} ({v})" for k, v in ev.items()) + ". National output "
            "cannot identify a company licence.",
        )
        note = {
            "descriptive": True,
            "level_note": (
                "national crude output cannot identify a company licence: it moves with "
                "PdVSA's own fields, the other joint ventures, GL 44 and OPEC+ conditions; the "
                "licence's headline is chevron_its_average_kbd (exports to the US)"
            ),
        }
        for k, v in _cumulative(
            res, c["output_window"], "chevron_output_its",
            "Descriptive only: national crude output around GL 41 (ITS)", self.alpha,
        ).items():
            self.headline[f"chevron_output_its_{k}"] = {**v, **note}

    def _regime_means(self) -> Any:
        """Mean crude output (and exports to the US, when fitted) by Chevron licence state.

        A month belongs to the state that covers most of its days (``regimes(partial=
        "fraction")``): May 2025, 26 days under the GL 41B wind-down, is "wind-down".
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
        from .period_2026 import events_since, monthly_path, post_counts

        c = self.config["reopening"]
        self.progress("2026: month by month")
        crude = self.load("production_monthly", country=self.treated, series="crude_oil")
        res, table = monthly_path(crude, c, self.alpha)
        self.record(
            "reopening_its",
            res,
            f"Saturated ITS on crude output {c['pre'][0]}..end of data: a linear trend fitted on "
            f"{c['pre'][0]}..{c['pre'][1]} (before the naval closure) and one level term per month "
            f"from {c['post_start']}, so each month's effect is observed minus trend.",
        )
        dates = {e: f"{pd.Timestamp(event(e)['date']):%Y-%m-%d}" for e in c["count_after"]}
        counts = post_counts(table, dates)
        marked = events_since(c["marked_since"], c["marked_categories"])
        self.frames["period_2026"] = table
        self.frames["events_2026"] = marked
        reported = self.load("reported_monthly")
        self.frames["reported_2026"] = reported[reported["date"] >= pd.Timestamp(c["pre"][0])]
        last = table.index.max()
        latest = table.loc[last]
        window_first = table.index[-counts[c["count_after"][-1]]] if counts[
            c["count_after"][-1]] else last
        since = table.loc[window_first:]
        base = dict(unit="kb/d", model="reopening_its", alpha=self.alpha,
                    method=f"observed minus the {c['pre'][0]}..{c['pre'][1]} linear trend (EIA "
                           "crude output); band: trend variance + pre-window residual variance",
                    interval="prediction band for one month (trend + residual variance)")
        self.headline["reopening_2026_latest_gap_kbd"] = _headline(
            float(latest["gap"]),
            float(latest["observed"] - latest["band_upper"]),
            float(latest["observed"] - latest["band_lower"]),
            description=f"Crude output in {last:%Y-%m} minus the pre-blockade trend",
            window=[f"{last:%Y-%m}", f"{last:%Y-%m}"],
            post_months=counts,
            **base,
        )
        self.headline["reopening_2026_average_gap_kbd"] = _headline(
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

    def value_usd_bn_per_year(self, years: tuple[int, int]) -> tuple[float, str]:
        """The synthetic control's gap over ``years`` valued by ``venecon.revenue.lost``.

        Same assumptions as the revenue section (benchmark, observed Merey discount
        with its fallback, export share), so the two dollar figures are comparable.
        """
        import importlib

        rev = importlib.import_module("venecon.revenue")
        lost = rev.lost(
            self.models["synth"],
            self.load("prices_monthly"),
            self.revenue_assumptions(rev),
            start=years[0],
            end=years[1],
        )
        return lost.per_year_usd_bn[0], lost.method

    def literature(self) -> list[dict[str, Any]]:
        # synth 2017-2018 valued at prices (an annual rate), W&S 12 months after Aug 2017
        s = self.config["synth"]
        key = f"synth_effect_{s['treatment']}_{s['oil_sanctions_year'] - 1}_kbd"
        if key in self.headline:
            h = self.headline[key]
            yrs = tuple(h["window"])
            value, method = self.value_usd_bn_per_year(yrs)
            self.headline[f"synth_value_{yrs[0]}_{yrs[1]}_usd_bn_per_year"] = _headline(
                value,
                None,
                None,
                unit="USD bn/yr (nominal)",
                model="synth",
                alpha=None,
                window=list(yrs),
                interval="none",
                method=method,
                description=f"Synthetic-control gap {yrs[0]}-{yrs[1]} valued with "
                "venecon.revenue.lost "
                "(the revenue section's assumptions)",
            )
        if "sanctions_its" in self.models and "revenue" in self.sections_run:
            import importlib

            rev = importlib.import_module("venecon.revenue")
            cw = self.config["revenue"]["comparison_window"]
            lost = rev.lost(
                self.models["sanctions_its"],
                self.load("prices_monthly"),
                self.revenue_assumptions(rev),
                start=cw[0],
                end=cw[1],
            )
            self.headline["sanctions_financial_value_12m_usd_bn"] = _headline(
                lost.usd_million / 1e3,
                lost.lower / 1e3,
                lost.upper / 1e3,
                unit="USD bn (12 months)",
                model="revenue_lost(sanctions_its)",
                method=lost.method,
                alpha=lost.alpha,
                window=list(cw),
                description="Revenue lost in the 12 months after EO 13808 (ITS)",
            )
        rows = []
        for row in literature_rows():
            h = self.headline.get(row["venecon"])
            row["venecon_estimate"] = None if h is None else h["estimate"]
            row["venecon_lower"] = None if h is None else h.get("lower")
            row["venecon_upper"] = None if h is None else h.get("upper")
            row["venecon_unit"] = None if h is None else h["unit"]
            row["source_note"] = "shared/research/literature.md (verification tag as given there)"
            rows.append(row)
        return rows


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
        Studies already run: a model named in ``[report] reuse`` (``key =
        "study.estimator"``) is taken from them instead of being fitted again
        (the bundled studies declare the same designs, so the numbers agree).
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
    runner.fitted = reusable(cfg, studies)
    wanted = cfg["report"]["sections"]
    results: dict[str, Any] = {}
    unavailable = {}
    if "synth" in wanted and not avail.get("synth"):
        runner.synth_panel()  # a bad donor pool fails before any model is fitted
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
        datasets.update(prov.get("datasets", {}))
        data_version = prov.get("data_version", data_version)
    if "data" in results:
        for name, d in results["data"]["datasets"].items():
            datasets.setdefault(name, d["sha256"])
    results.update(
        {
            "venecon_version": __version__,
            "config": cfg,
            "live": bool(live),
            "sections": runner.sections_run,
            "sections_unavailable": unavailable,
            "reused_from_studies": {k: cfg["report"]["reuse"][k] for k in runner.reused},
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


def reusable(cfg: dict[str, Any], studies: Sequence[Any]) -> dict[str, Any]:
    """``{model key: fitted results}`` of ``[report] reuse`` found among ``studies``."""
    by_name = {r.study.name: r for r in studies if r.identified}
    out = {}
    for key, ref in cfg["report"]["reuse"].items():
        name, _, estimator = ref.partition(".")
        est = by_name.get(name, None)
        est = None if est is None else est.estimates.get(estimator)
        if est is not None and est.result is not None:
            out[key] = est.result
    return out


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
