"""The estimator registry of studies: adapters, several treated units, staggered cohorts.

Each DiD-family adapter is checked twice: on a simulated panel with a known
effect (-5 from the treatment on, unit and period effects, noise sd 0.5), and
on bundled data against the model fitted directly on the same panel (the
adapter must add nothing to the model's number).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from venecon.study import Study, StudyError, adapters
from venecon.study.adapters import COHORT, SINGLE, STAGGERED

EFFECT = -5.0
NEW = ("sdid", "callaway_santanna", "sun_abraham", "panel_did", "panel_event_study")


def simulated_panel(path: Path, cohorts: dict[str, int]) -> Path:
    """30 units, 2000-2019, y = unit + period effect + EFFECT after treatment + N(0, 0.5)."""
    rng = np.random.default_rng(7)
    units = [f"U{i:02d}" for i in range(30)]
    years = range(2000, 2020)
    a = rng.normal(100, 10, len(units))
    trend = np.cumsum(rng.normal(0.5, 1, len(years)))
    rows = [(u, y, a[i] + trend[j] + (EFFECT if u in cohorts and y >= cohorts[u] else 0.0)
             + rng.normal(0, 0.5))
            for i, u in enumerate(units) for j, y in enumerate(years)]
    file = path / "panel.csv"
    pd.DataFrame(rows, columns=["unit", "time", "value"]).to_csv(file, index=False)
    return file


def write_toml(path: Path, text: str) -> Path:
    file = path / "study.toml"
    file.write_text(text, encoding="utf-8")
    return file


def sim_study(name: str, treated: str, treatment: str, sample: str) -> str:
    """The head of a study TOML on the simulated panel."""
    return (f'[study]\nname = "{name}"\ntreated = {treated}\ntreatment = {treatment}\n'
            '[study.outcome]\nfile = "panel.csv"\nunits = "units"\n'
            f"[study.window]\nsample = {sample}\n")


ESTIMATORS_TOML = """
[study.estimators.sdid]
[study.estimators.callaway_santanna]
honest = false
[study.estimators.sun_abraham]
honest = false
[study.estimators.panel_did]
[study.estimators.panel_event_study]
honest = false
[study.robustness]
enabled = false
"""


def test_registry_lists_every_estimator_in_headline_order():
    names = adapters.names()
    assert names[:2] == ("synthetic_control", "augmented_synthetic_control")
    assert set(NEW) <= set(names)
    for a in adapters.adapters():
        assert a.parse(f"study.estimators.{a.name}", None) == a.options()


@pytest.mark.parametrize("table, key", [
    ({"sdid": {"se": "wild"}}, "study.estimators.sdid.se"),
    ({"callaway_santanna": {"windw": [-2, 2]}}, "study.estimators.callaway_santanna.windw"),
    ({"sun_abraham": {"window": [0, 3]}}, "study.estimators.sun_abraham.window"),
    ({"panel_did": {"log": "yes"}}, "study.estimators.panel_did.log"),
    ({"did2s": {}}, "study.estimators.did2s"),
    ({"its": {"saturated": "yes"}}, "study.estimators.its.saturated"),
])
def test_bad_options_name_the_key(table, key):
    with pytest.raises(StudyError) as err:
        adapters.parse_estimators("study.estimators", table)
    assert err.value.key == key


def test_adapters_say_which_designs_they_run():
    sdid, cs, its = (adapters.adapter(n) for n in ("sdid", "callaway_santanna", "its"))
    assert sdid.cannot(SINGLE, "annual") is None and sdid.cannot(COHORT, "annual") is None
    assert sdid.cannot(STAGGERED, "annual") is None
    assert all(cs.cannot(d, "annual") is None for d in (SINGLE, COHORT, STAGGERED))
    assert "one treated series" in its.cannot(COHORT, "monthly")


def test_saturated_its_is_observed_minus_the_pre_period_ols_trend():
    """One level term per post month: each month's effect is its value minus the OLS trend."""
    import venecon

    study = Study.from_dict({"study": {
        "name": "saturated", "treated": "VEN", "treatment": "2019-01-28",
        "outcome": {"dataset": "production_monthly", "series": "crude_oil"},
        "window": {"pre": ["2017-01", "2018-12"], "post": ["2019-01", "2019-06"],
                   "sample_end": "2019-06"},
        "other_events": {"ignored": "2019-04-01"},
        "estimators": {"its": {"saturated": True}}, "robustness": {"enabled": False}}})
    e = study.run().estimates["its"]
    months = [f"2019-{m:02d}" for m in range(1, 7)]
    assert list(e.extra["terms"]) == [f"level[{m}]" for m in months]
    crude = venecon.load("production_monthly", country="VEN", series="crude_oil")
    y = crude.set_index("date")["value"].loc["2017-01-01":"2019-06-01"].to_numpy(float)
    slope, intercept = np.polyfit(np.arange(24), y[:24], 1)
    gaps = y[24:] - (intercept + slope * np.arange(24, 30))
    assert e.path["effect"].loc[pd.Timestamp("2019-01-01"):].to_numpy() == pytest.approx(
        gaps, rel=1e-9, abs=1e-8)
    # kb/d: the window's average weights each month by its days (barrels lost / days)
    days = np.array([31, 28, 31, 30, 31, 30])
    assert e.average_effect == pytest.approx((gaps * days).sum() / days.sum(), rel=1e-9)
    # the interval is the trend's only: the caveat gives one month's noise (pre-period SD)
    resid = y[:24] - (intercept + slope * np.arange(24))
    sd = math.sqrt((resid ** 2).sum() / 22)
    assert any(c.startswith("saturated:") and f"({sd:.3g} kb/d)" in c for c in e.caveats)


def test_one_cohort_recovers_the_known_effect(tmp_path):
    simulated_panel(tmp_path, {"U00": 2010, "U01": 2010, "U02": 2010})
    file = write_toml(tmp_path, sim_study("sim-cohort", '["U00", "U01", "U02"]', "2010",
                                          "[2000, 2019]") + ESTIMATORS_TOML)
    res = Study.from_toml(file).run()
    assert res.identified and set(res.estimates) == set(NEW)
    for name, e in res.estimates.items():
        assert abs(e.average_effect - EFFECT) < 0.15, name
        assert e.lower < EFFECT < e.upper, name
        assert e.extra["cohorts"] == {"U00": "2010", "U01": "2010", "U02": "2010"}
    assert res.headline == "sdid"
    out = res.to_dict()
    assert json.loads(json.dumps(out)) == out


def test_staggered_cohorts(tmp_path):
    cohorts = {"U00": 2010, "U01": 2010, "U02": 2010, "U03": 2013, "U04": 2013}
    simulated_panel(tmp_path, cohorts)
    file = write_toml(tmp_path, sim_study(
        "sim-staggered", '["U00", "U01", "U02", "U03", "U04"]',
        "{U00 = 2010, U01 = 2010, U02 = 2010, U03 = 2013, U04 = 2013}", "[2000, 2019]")
        + ESTIMATORS_TOML)
    res = Study.from_toml(file).run()
    assert "sdid" not in res.not_applicable
    for name in ("sdid", "callaway_santanna", "sun_abraham", "panel_did", "panel_event_study"):
        e = res.estimates[name]
        assert abs(e.average_effect - EFFECT) < 0.15, name
        assert e.lower < EFFECT < e.upper, name
    twfe = res.estimates["panel_did"]
    assert twfe.extra["staggered_twfe"] and any("staggered" in c for c in twfe.caveats)
    assert any("two-way fixed effects under staggered" in r for r in twfe.verdict_reasons)
    cs = res.estimates["callaway_santanna"]
    assert {"stat", "df", "pvalue"} <= set(cs.extra["pretrend_test"])
    # the dynamic path: zero at the universal base period, about EFFECT after treatment
    assert cs.path.loc[-1, "effect"] == 0.0
    assert abs(cs.path.loc[0:, "effect"].mean() - EFFECT) < 0.2


def test_sun_abraham_breakdown_value_reaches_results(tmp_path):
    simulated_panel(tmp_path, {"U00": 2010, "U01": 2010, "U02": 2010})
    file = write_toml(tmp_path, sim_study("sim-honest", '["U00", "U01", "U02"]', "2010",
                                          "[2004, 2014]") + """
[study.estimators.sun_abraham]
window = [-3, 3]
[study.robustness]
enabled = false
""")
    res = Study.from_toml(file).run()
    e = res.estimates["sun_abraham"]
    direct = e.result.honest_did()
    assert e.extra["honest"]["relative_magnitudes"] == pytest.approx(
        direct.breakdown["relative_magnitudes"])
    assert e.extra["honest"]["relative_magnitudes"] > 1.0  # no pre-trend in the simulation
    assert any(r.startswith("passed: HonestDiD breakdown value") for r in e.verdict_reasons)
    assert "honest" in res.to_dict()["estimates"]["sun_abraham"]["extra"]


def test_sun_abraham_control_group_and_its_old_key_control(tmp_path, capsys):
    import warnings

    from venecon.cli import main

    simulated_panel(tmp_path, {"U00": 2010, "U01": 2010, "U02": 2010, "U03": 2013, "U04": 2013})
    files = {}
    for key, line in (("new", 'control_group = "last"\n'), ("old", 'control = "last"\n'),
                      ("default", ""), ("both", 'control = "last"\ncontrol_group = "never"\n')):
        files[key] = tmp_path / f"{key}.toml"
        files[key].write_text(
            sim_study(f"sim-{key}", '["U00", "U01", "U02", "U03", "U04"]',
                      "{U00 = 2010, U01 = 2010, U02 = 2010, U03 = 2013, U04 = 2013}",
                      "[2000, 2019]")
            + f"[study.robustness]\nenabled = false\n[study.estimators.sun_abraham]\n{line}"
            "honest = false\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        new = Study.from_toml(files["new"])
    with pytest.warns(FutureWarning, match=r"study\.estimators\.sun_abraham\.control is now "
                      r"called study\.estimators\.sun_abraham\.control_group"):
        old = Study.from_toml(files["old"])
    assert old.estimators["sun_abraham"] == new.estimators["sun_abraham"]
    assert new.estimators["sun_abraham"].control_group == "last"
    a, b = (s.run().estimates["sun_abraham"] for s in (new, old))
    assert a.average_effect == b.average_effect and (a.lower, a.upper) == (b.lower, b.upper)
    assert "last-treated controls" in a.label
    # the option is read, not dropped: the default (never-treated controls) differs
    never = Study.from_toml(files["default"]).run().estimates["sun_abraham"]
    assert never.average_effect != a.average_effect
    with pytest.raises(StudyError, match="both are given") as err:
        Study.from_toml(files["both"])
    assert err.value.key == "study.estimators.sun_abraham.control"
    with pytest.warns(FutureWarning, match="control_group"):
        assert main(["study", "check", str(files["old"]), str(files["new"])]) == 0
    out = capsys.readouterr().out
    assert f"ok: {files['old']}" in out and f"ok: {files['new']}" in out


def test_list_of_one_and_a_table_of_one_are_the_single_unit_design(tmp_path):
    simulated_panel(tmp_path, {"U00": 2010})
    base = {"name": "one", "outcome": {"file": "panel.csv", "units": "u"},
            "window": {"pre": [2000, 2009], "post": [2010, 2019]},
            "estimators": {"sdid": {"se": "none"}}}
    a = Study.from_dict({"study": {**base, "treated": ["U00"], "treatment": 2010}},
                        base_dir=tmp_path)
    b = Study.from_dict({"study": {**base, "treatment": {"U00": 2010}, "treated": "U00"}},
                        base_dir=tmp_path)
    assert a.treated == b.treated == "U00" and not a.several and not b.several
    assert a.run().estimates["sdid"].average_effect == pytest.approx(EFFECT, abs=0.3)


@pytest.mark.parametrize("extra, key", [
    ({"treated": ["U00", "U00"]}, "study.treated"),
    ({"treated": ["U00", "U01"], "window": {"pre": [2000, 2009], "post": [2010, 2019]}},
     "study.window"),
    ({"treatment": {"U00": 2010, "U09": 2012}}, "study.treatment"),
    ({"treatment": {"from_episodes": "yes"}}, "study.treatment.from_episodes"),
])
def test_several_units_bad_declarations(tmp_path, extra, key):
    simulated_panel(tmp_path, {})
    d = {"name": "bad", "treated": ["U00", "U01"], "treatment": 2010,
         "outcome": {"file": "panel.csv", "units": "u"}, "window": {"sample": [2000, 2019]},
         "estimators": {"callaway_santanna": {}}, **extra}
    with pytest.raises(StudyError) as err:
        Study.from_dict({"study": d}, base_dir=tmp_path)
    assert err.value.key == key


# --------------------------------------------------------------------------- bundled data


@pytest.fixture(scope="module")
def iran():
    """Iran 2012 on bundled annual output with every DiD-family estimator (no grid)."""
    return Study.from_dict({"study": {
        "name": "iran-did", "treated": "IRN", "treatment": 2012,
        "outcome": {"dataset": "production_annual", "series": "oil_production"},
        "window": {"pre": [1995, 2011], "post": [2012, 2015]},
        "donors": {"exclude_sanctioned": True},
        "estimators": {"sdid": {}, "callaway_santanna": {"honest": False},
                       "sun_abraham": {"honest": False}, "panel_did": {},
                       "panel_event_study": {"honest": False}},
        "robustness": {"enabled": False}}})


def _panel(study):
    ctx = study._context()  # noqa: SLF001 - the design the adapters received
    f = ctx.frame
    f = f[f["unit"].isin((ctx.treated, *ctx.donors)) & f["time"].between(1995, 2015)]
    return f[["unit", "time", "value"]].reset_index(drop=True)


def test_bundled_adapters_equal_the_models(iran):
    from venecon.models import (
        CallawaySantAnna,
        PanelDiD,
        PanelEventStudy,
        SunAbraham,
        SyntheticDiD,
    )

    res = iran.run()
    assert set(res.estimates) == set(NEW)
    f = _panel(iran)
    sdid = SyntheticDiD(f, outcome="value", unit="unit", time="time", treated="IRN",
                        treatment_time=2012).fit()
    assert res.estimates["sdid"].average_effect == pytest.approx(sdid.params["att"], rel=1e-12)
    g = f.assign(cohort=np.where(f["unit"] == "IRN", 2012, 0))
    cs = CallawaySantAnna(g, outcome="value", unit="unit", time="time", cohort="cohort",
                          base_period="universal").fit().aggregate("simple")
    assert res.estimates["callaway_santanna"].average_effect == pytest.approx(
        cs.params["att"], rel=1e-10)
    h = f.assign(cohort=np.where(f["unit"] == "IRN", 2012.0, np.nan))
    sa = SunAbraham(h, outcome="value", cohort="cohort", unit="unit", time="time",
                    window=(-5, 3)).fit()
    assert res.estimates["sun_abraham"].average_effect == pytest.approx(sa.params["att"],
                                                                         rel=1e-10)
    did = PanelDiD(h.assign(d=(h["time"] >= 2012).astype(int) * (h["unit"] == "IRN")),
                   outcome="value", treatment="d", unit="unit", time="time").fit()
    assert res.estimates["panel_did"].average_effect == pytest.approx(did.params["d"],
                                                                       rel=1e-10)
    es = PanelEventStudy(h, outcome="value", cohort="cohort", unit="unit", time="time",
                         window=(-5, 3)).fit().event_time
    assert res.estimates["panel_event_study"].average_effect == pytest.approx(
        es.loc[0:3, "estimate"].mean(), rel=1e-10)
    for e in res.estimates.values():
        assert math.isfinite(e.average_effect) and e.verdict


def test_cli_runs_two_treated_units_with_sdid_cs_and_sc(tmp_path):
    from venecon.cli import main

    file = write_toml(tmp_path, """
[study]
name = "irn-ven"
title = "Oil sanctions on Iran (2012) and Venezuela (2017)"
treated = ["IRN", "VEN"]
treatment = {IRN = 2012, VEN = "2017-08-25"}

[study.outcome]
dataset = "production_annual"
series = "oil_production"

[study.window]
sample = [1995, 2021]

[study.donors]
exclude_sanctioned = true

[study.estimators.synthetic_control]
placebo = false

[study.estimators.sdid]

[study.estimators.callaway_santanna]
log = true
honest = false

[study.robustness]
enabled = false
""")
    out = tmp_path / "out"
    assert main(["study", "run", str(file), "--out", str(out), "--quiet"]) == 0
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    (study,) = doc["studies"].values()
    assert study["treated"] == ["IRN", "VEN"]
    est = study["estimates"]
    assert set(est) == {"synthetic_control", "callaway_santanna", "sdid"}
    assert set(est["synthetic_control"]["extra"]["by_unit"]) == {"IRN", "VEN"}
    assert est["callaway_santanna"]["extra"]["cohorts"] == {"IRN": "2012", "VEN": "2018"}
    # staggered SDID: one fit per adoption date, averaged by treated unit-periods
    assert est["sdid"]["extra"]["cohorts"] == {"IRN": "2012", "VEN": "2018"}
    assert "sdid" not in study.get("not_applicable", {})
    assert study["verdict"] in ("credible", "fragile", "not identified")
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Callaway-Sant'Anna" in report and "one row per treated unit" in report
    assert "Synthetic DiD" in report and "('IRN'" not in report


@pytest.mark.slow
def test_bundled_cohort_study_runs_cs_and_sa_with_breakdown_values():
    from venecon import load
    from venecon.study import bundled_studies

    s = bundled_studies(["oil-sanction-cohorts"])["oil-sanction-cohorts"]
    eps = load("oil_sanction_episodes")
    first = eps[eps["oil_measure"] == "yes"].groupby("country")["start"].min()
    # Russia has no complete series over the sample (USSR before 1985): left out with its reason
    assert {u: c for u, c, _ in s.design.cohorts} == {
        u: int(first[u]) for u in ("IRN", "IRQ", "LBY", "SYR", "VEN")}
    assert "RUS" in s.design.excluded and "incomplete" in s.design.excluded["RUS"]
    res = s.run()
    assert res.headline == "callaway_santanna" and res.verdict
    out = res.to_dict()["estimates"]
    for name in ("callaway_santanna", "sun_abraham", "panel_event_study"):
        extra = out[name]["extra"]
        assert extra["honest"]["relative_magnitudes"] is not None, name
        assert extra["pretrend_test"]["pvalue"] is not None, name
    assert out["panel_event_study"]["extra"]["staggered_twfe"]
    assert out["sun_abraham"]["extra"]["singleton_cohorts"]
    assert any("HonestDiD breakdown value" in r for r in res.verdict_reasons)


@pytest.mark.parametrize("module, name, home", [
    ("venecon.study.spec", "ITSOptions", "venecon.study.adapters.its"),
    ("venecon.study.spec", "SyntheticControlOptions", "venecon.study.adapters.synthetic_control"),
    ("venecon.study.spec", "parse_estimators", "venecon.study.adapters.registry"),
    ("venecon.study.estimators", "run_estimator", "venecon.study.adapters.registry"),
])
def test_moved_names_still_import_with_a_warning(module, name, home):
    import importlib

    with pytest.warns(FutureWarning, match=f"moved to {home}"):
        old = getattr(importlib.import_module(module), name)
    assert old is getattr(importlib.import_module(home), name)
