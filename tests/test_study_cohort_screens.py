"""Donor screens and the pooled synthetic control's placebo test for several treated units.

The screens (armed conflict, OPEC+ quotas, sanctions, aggregates) are checked on
the bundled ``oil-sanction-cohorts`` design and on a simulated panel whose units
carry real country codes, so that the bundled registries apply to them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import tomllib

from venecon.study import Study

BUNDLED = Path(__file__).resolve().parents[1] / "venecon/study/bundled/oil-sanction-cohorts.toml"


def cohort_declaration(**donors) -> dict:
    d = tomllib.loads(BUNDLED.read_text(encoding="utf-8"))
    d["study"]["donors"].update(donors)
    return d


def test_bundled_cohort_design_screens_its_controls():
    base = Study.from_dict(cohort_declaration())
    screened = Study.from_dict(cohort_declaration(exclude_conflict=True,
                                                  exclude_quota_bound=True))
    out = screened.design.excluded
    # Colombia: armed conflict on its soil over the sample (UCDP/PRIO)
    assert "COL" in base.design.donors and "COL" not in screened.design.donors
    assert out["COL"].startswith("armed conflict on its soil in the study years 1970-2025")
    # Kuwait: OPEC+ quota-bound 2017-2022 while a treated unit was not
    assert "KWT" in base.design.donors and "KWT" not in screened.design.donors
    assert out["KWT"].startswith("bound by OPEC/OPEC+ production quotas in 2017-2022 while")
    # kept, the quota-bound controls are flagged with the reason and the switch
    assert "exclude_quota_bound = false" in base.design.donor_flags["KWT"]
    # the reason names every treated unit the control was bound apart from
    assert "; also bound while IRN, SYR, VEN were not, after their treatment" in out["KWT"]
    assert "KWT" in base.design.quota_units
    # the sanctions screen and aggregates still apply
    for s in (base, screened):
        assert "aggregate" in s.design.excluded["WLD"]
        assert not set(s.design.donors) & {"IRN", "IRQ", "LBY", "SYR", "VEN", "RUS"}
    assert set(screened.design.donors) < set(base.design.donors)
    assert all(screened.design.excluded[u] for u in set(base.design.donors)
               - set(screened.design.donors))


# the simulated panel of test_study_registry with real codes: COL has conflicts on its soil
# in 2000-2019, KWT is OPEC+ quota-bound in 2019 (opec_quotas) while IRN (exempt) was not;
# the rest neither
CODES = ("IRN", "VEN", "COL", "KWT", "NOR", "CAN", "ARG", "AUS", "DNK", "BRA", "GBR", "NZL",
         "ITA", "ROU", "BOL", "ALB", "WLD")


def simulated_codes_panel(path: Path) -> Path:
    from test_study_registry import simulated_panel

    file = simulated_panel(path, {"U00": 2012, "U01": 2017})
    frame = pd.read_csv(file)
    names = {f"U{i:02d}": code for i, code in enumerate(CODES)}
    frame = frame[frame["unit"].isin(names)].assign(unit=lambda f: f["unit"].map(names))
    frame.to_csv(file, index=False)
    return file


def test_simulated_panel_screens_reach_results_json(tmp_path):
    from test_study_registry import sim_study, write_toml

    simulated_codes_panel(tmp_path)
    write_toml(tmp_path, sim_study("sim-screens", '["IRN", "VEN"]', "{IRN = 2012, VEN = 2017}",
                                   "[2000, 2019]")
               + "[study.donors]\nexclude_conflict = true\nexclude_quota_bound = true\n"
               "[study.estimators.panel_did]\n[study.robustness]\nenabled = false\n")
    s = Study.from_toml(tmp_path / "study.toml")
    assert "COL" not in s.design.donors and "KWT" not in s.design.donors
    res = s.run()
    doc = json.loads(json.dumps(res.to_dict()))
    reasons = {r["unit"]: r["reason"] for r in doc["donors_excluded"]}
    assert reasons["COL"].startswith("armed conflict on its soil in the study years 2000-2019")
    assert reasons["KWT"].startswith(
        "bound by OPEC/OPEC+ production quotas in 2019 while IRN was not")
    assert "aggregate" in reasons["WLD"]
    assert set(res.donors) == set(CODES) - {"VEN", "IRN", "COL", "KWT", "WLD"}


POOLED_SC = "[study.estimators.synthetic_control]\n[study.robustness]\nenabled = false\n"


def pooled_sc(tmp_path: Path, effect_on: dict[str, int]):
    from test_study_registry import sim_study, simulated_panel, write_toml

    simulated_panel(tmp_path, effect_on)
    file = write_toml(tmp_path, sim_study(
        "sim-pooled", '["U00", "U01", "U02"]', "{U00 = 2010, U01 = 2010, U02 = 2013}",
        "[2000, 2019]") + POOLED_SC)
    return Study.from_toml(file).run()


def test_pooled_placebo_of_a_known_effect_is_small(tmp_path):
    res = pooled_sc(tmp_path, {"U00": 2010, "U01": 2010, "U02": 2013})
    e = res.estimates["synthetic_control"]
    test = e.extra["pooled_placebo"]
    assert abs(e.average_effect + 5.0) < 0.2
    # 27 never-treated placebos per treated unit: 27**3 means, all enumerated
    assert test["placebos"] == {"U00": 27, "U01": 27, "U02": 27}
    assert test["n_averages"] == test["combinations"] == 27 ** 3 and not test["sampled"]
    assert e.placebo_pvalue == test["pvalue"] < 0.01
    assert e.significant
    assert any(r.startswith("passed: placebo test of the mean over treated units")
               for r in e.verdict_reasons)


def test_pooled_placebo_of_a_null_effect_is_not_small(tmp_path):
    res = pooled_sc(tmp_path, {})
    e = res.estimates["synthetic_control"]
    assert abs(e.average_effect) < 1.0
    assert e.placebo_pvalue > 0.2
    assert not e.significant
    assert any(r.startswith("fragile: placebo test of the mean over treated units")
               for r in e.verdict_reasons)


def test_pooled_placebo_counts_and_samples():
    from venecon.study.adapters import pooled

    # two units, placebos {-1, 1} and {-3, 3}: means -2, -1, 1, 2 (each once)
    out = pooled.pooled_placebo(2.0, {"A": [-1.0, 1.0], "B": [-3.0, 3.0]})
    assert out["n_averages"] == 4 and out["pvalue"] == (1 + 2) / (1 + 4)
    assert pooled.pooled_placebo(0.5, {"A": [-1.0, 1.0], "B": [-3.0, 3.0]})["pvalue"] == 1.0
    assert pooled.pooled_placebo(2.5, {"A": [-1.0, 1.0], "B": [-3.0, 3.0]})["pvalue"] == 0.2
    # beyond MAX_COMBINATIONS: a seeded sample of PLACEBO_DRAWS means, reproducible
    big = {u: np.linspace(-1, 1, 80) for u in "ABC"}
    a, b = (pooled.pooled_placebo(0.5, big, seed=3) for _ in range(2))
    assert a["sampled"] and a["n_averages"] == pooled.PLACEBO_DRAWS and a == b
    assert a["combinations"] == 80 ** 3 and a["seed"] == 3
    # the exact share of means with |mean| >= 0.5, by enumeration, within sampling error
    g = np.linspace(-1, 1, 80)
    m = (g[:, None, None] + g[None, :, None] + g[None, None, :]).ravel() / 3
    assert abs(a["pvalue"] - np.mean(np.abs(m) >= 0.5)) < 0.01


def test_alternative_outcome_runs_for_several_treated_units(tmp_path):
    from test_study_registry import write_toml

    file = write_toml(tmp_path, """
[study]
name = "irn-ven-outcomes"
treated = ["IRN", "VEN"]
treatment = {IRN = 2012, VEN = 2017}
[study.outcome]
dataset = "production_annual"
series = "oil_production"
[study.window]
sample = [2000, 2023]
[study.donors]
exclude_sanctioned = true
[study.estimators.panel_did]
log = true
[study.robustness]
outcomes = [{ series = "crude_condensate" }, { series = "crude_oil", source = "opec_asb2018" }]
""")
    res = Study.from_toml(file).run()
    t = res.robustness.table
    rows = t[t["dimension"] == "outcome"].set_index("value")
    ok = rows.loc["crude_condensate (default source)"]
    assert ok["status"] == "ok" and ok["estimate"] < 0
    # the same estimator on the same cohorts: the two concepts' estimates are close
    assert abs(ok["estimate"] - res.estimates["panel_did"].average_effect) < 0.25
    # a concept that ends before the sample (OPEC ASB 2018: to 2017) is not comparable
    assert rows.loc["crude_oil (opec_asb2018)", "status"].startswith("not applicable")
