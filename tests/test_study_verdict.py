"""The verdict rule (venecon.study.verdict) and the caveats it reads, on simulated panels.

The fixture is the panel of issue 20's new user: one treated unit with a true
effect of -50, 17 donors, a linear factor model with a fixed seed, annual
1990-2020 (treatment 2015). Its synthetic control ranks the treated unit first
of 18, the smallest p-value 17 donors allow.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from venecon import Study
from venecon.exceptions import WindowWarning
from venecon.models.synth.grid import simulated_panel
from venecon.study.estimators import placebo_caveat, placebo_reading
from venecon.study.results import Estimate, Robustness
from venecon.study.verdict import (
    CREDIBLE,
    FRAGILE,
    NOT_IDENTIFIED,
    VERDICTS,
    Evidence,
    count_text,
    judge_estimate,
)

EFFECT = -50.0


def _panel(n_donors: int = 17, seed: int = 7, monthly: bool = False, treated: str = "SIM"):
    p = simulated_panel(
        n_donors=n_donors,
        n_periods=31 if not monthly else 60,
        treatment_period=26 if not monthly else 44,
        effect=EFFECT,
        noise=1.0,
        seed=seed,
        n_covariates=0,
    )
    if monthly:
        time = pd.date_range("2015-05-01", periods=60, freq="MS")[p["period"] - 1]
    else:
        time = p["period"] + 1989
    return pd.DataFrame(
        {"unit": p["unit"].replace({"treated": treated}).to_numpy(), "time": time,
         "value": p["y"].to_numpy()}
    )


def _study(**changes) -> Study:
    kw = dict(
        name="simulated",
        treated="SIM",
        treatment=2015,
        outcome={"frame": _panel(), "units": "kb/d"},
        window={"pre": [1990, 2014], "post": [2015, 2020]},
        estimators={"synthetic_control": {"placebo": True, "leave_one_out": True}, "its": {}},
    )
    kw.update(changes)
    return Study(**kw)


@pytest.fixture(scope="module")
def simulated():
    return _study().run()


def test_simulated_panel_is_credible_and_no_caveat_calls_its_pvalue_too_high(simulated):
    r = simulated
    e = r.estimates["synthetic_control"]
    assert e.average_effect == pytest.approx(EFFECT, abs=1.5)  # noise sd 1
    assert e.placebo_pvalue == pytest.approx(1 / 18)  # rank 1 of 18
    assert r.headline == "synthetic_control"
    assert r.verdict == CREDIBLE and e.verdict == CREDIBLE
    # defect (a): 1/18 > 0.05 is the smallest p-value 17 donors allow, not a caveat
    assert not [c for c in r.caveats_of() if "p-value" in c or "placebo" in c]
    assert "p-value" not in "".join(r.caveats_of("synthetic_control"))
    reasons = " | ".join(r.verdict_reasons)
    assert "passed: placebo rank 1 of 18" in reasons
    assert "the smallest p-value possible with 17 donors" in reasons
    assert "above 0.05" not in r.summary() and "above 0.05" not in r.summary(markdown=True)
    # the in-time placebo ran (treatment moved back 6 years, to 2009) and found ~nothing
    placebo = e.extra["in_time_placebo"]
    assert placebo["moved_to"] == "2009" and abs(placebo["average_effect"]) < 5


def test_placebo_rank_is_read_against_the_smallest_attainable_pvalue():
    assert placebo_caveat(1, 18, 0.05) == []  # rank 1 of 18: nothing better is possible
    assert placebo_caveat(1, 43, 0.05) == []
    assert placebo_caveat(2, 43, 0.05) == []  # p = 0.047 <= 0.05
    (c,) = placebo_caveat(5, 18, 0.05)
    assert "rank 5 of 18 (p-value 0.278, against the smallest possible 0.0556 with 17 donors)" in c
    assert placebo_reading(1, 18, 0.05).startswith(
        "placebo rank 1 of 18 (p-value 0.0556): the smallest p-value possible with 17 donors"
    )


def test_robustness_shares_name_their_denominator(simulated):
    # the case: 12 specifications, 3 with a test (all significant), 9 without
    table = pd.DataFrame(
        {
            "status": ["ok"] * 12,
            "estimate": [-10.0 - i for i in range(12)],
            "significant": pd.Series([True, True, True] + [None] * 9, dtype="object"),
        }
    )
    rob = Robustness.from_table(table, -10.0)
    assert rob.shares_text() == (
        "12 of 12 specifications have the headline's sign; 3 of 3 specifications with a test "
        "are significant; 9 have no test"
    )
    text = simulated.summary(markdown=True)
    assert "% are significant" not in text and "% have the headline" not in text
    assert re.search(r"\d+ of 3 specifications with a test (are|is) significant; 7 have no test",
                     text), text
    assert simulated.robustness.to_dict()["shares"] == simulated.robustness.shares_text()


def _ven_monthly(treatment: str, pre: list[str], post: list[str]) -> Study:
    return Study(
        name="ven-simulated",
        treated="VEN",
        treatment=treatment,
        outcome={"frame": _panel(monthly=True, treated="VEN"), "units": "kb/d"},
        window={"pre": pre, "post": post},
        estimators={"its": {}},
        robustness={"enabled": False},
    )


def test_own_treatment_episode_is_not_a_pre_period_sanction():
    # defect (c): VEN-2017-US (EO 13808, 2017-08-24) is this study's own treatment; at year
    # resolution the 2016-01..2017-07 pre-period "overlapped" it
    s = _ven_monthly("2017-08-24", ["2015-05", "2017-07"], ["2017-09", "2018-12"])
    assert s.design.treated_episodes == ""
    r = s.run()
    assert not [c for c in r.caveats_of() if "VEN-2017-US" in c]
    assert not [c for c in r.verdict_reasons if "sanction-free" in c]
    # an episode that did begin before the treatment is still reported, and the later
    # treatment's own episode (VEN-2019-US) is not
    s19 = _ven_monthly("2019-01-28", ["2015-05", "2018-12"], ["2019-01", "2019-12"])
    assert "VEN-2017-US" in s19.design.treated_episodes
    assert "VEN-2019-US" not in s19.design.treated_episodes


def test_caveat_counts_in_the_tables_equal_the_caveats_listed(tmp_path):
    # defect (d): the study-level caveat (a pre-period sanction) counts in every row
    from venecon.report.render import write_study_report

    s19 = _ven_monthly("2019-01-28", ["2015-05", "2018-12"], ["2019-01", "2019-12"])
    r = s19.run()
    e = r.headline_estimate
    listed = r.caveats_of()
    assert r.caveats and len(listed) == len(e.caveats) + len(r.caveats)
    # EO 13808 (2017-08) began inside this pre-period: it moved the pre-period path
    assert any("VEN-2017-US" in x and "began or ended inside it" in x for x in r.verdict_reasons)
    sentence = r.summary(markdown=True)
    # every caveat is said once: by a verdict reason, or in the caveats after it
    beside = r.caveats_beside_verdict()
    assert all(c.rstrip(".") in sentence for c in beside)
    stated = [c for c in listed if c not in beside]
    assert any("has other recorded sanctions" in c for c in stated)
    assert "has other recorded sanctions" not in sentence
    write_study_report([r], tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if "(headline)" in line and line.startswith("|"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[-1]) == len(listed)
    assert cells[-2] == e.verdict
    csv = pd.read_csv(tmp_path / "tables" / "ven-simulated_estimates.csv")
    assert csv.loc[0, "caveats"].count(" | ") + 1 == len(listed)


def test_window_past_the_data_warns_and_records_the_window_used():
    with pytest.warns(WindowWarning, match="2015 to 2020"):
        s = _study(window={"pre": [1990, 2014], "post": [2015, 2030]},
                   estimators={"synthetic_control": {"placebo": False}},
                   robustness={"enabled": False})
    r = s.run()
    assert r.estimates["synthetic_control"].window == ("2015", "2020")
    assert "2015 to 2020" in r.data_choices["study.window.post"]
    assert "2030" in r.data_choices["study.window.post"]


def _estimate(**changes) -> Estimate:
    kw = dict(
        estimator="synthetic_control", label="Synthetic control", average_effect=-41.0,
        lower=None, upper=None, alpha=0.05, unit="kb/d", counterfactual_mean=10_000.0,
        share_of_counterfactual=-0.004, placebo_pvalue=42 / 43, pre_rmspe=1031.0,
        weights={"SAU": 0.816, "USA": 0.184}, path=None, caveats=(), window=("2022", "2025"),
        extra={"placebo_rank": 42, "placebo_units": 43},
    )
    kw.update(changes)
    return Estimate(**kw)


def _evidence(sd_scale: float = 1.0, **changes) -> Evidence:
    import numpy as np

    rng = np.random.default_rng(0)
    y = 10_000 + sd_scale * 300 * rng.standard_normal(27)
    kw = dict(treatment_period=2022, frequency="annual",
              pre_outcome=pd.Series(y, index=range(1995, 2022)), n_pre=27)
    kw.update(changes)
    return Evidence(**kw)


def test_russia_like_case_is_not_identified():
    # pre-RMSPE 1,031 kb/d against pre-period variation of ~300 and placebo p 42/43 = 0.977
    v = judge_estimate("synthetic_control", _estimate(), _evidence())
    assert v.verdict == NOT_IDENTIFIED
    assert v.reasons[0].startswith("not identified: pre-period fit")
    assert "the counterfactual does not track the pre-period" in v.reasons[0]
    assert any("placebo rank 42 of 43" in x for x in v.reasons)
    assert any("no larger than the pre-period fit error" in x for x in v.reasons)


def test_agreement_donor_flags_and_confounders():
    good = dict(pre_rmspe=10.0, average_effect=-300.0, placebo_pvalue=1 / 43,
                extra={"placebo_rank": 1, "placebo_units": 43}, window=("2017", "2018"))
    ev = _evidence()
    assert judge_estimate("synthetic_control", _estimate(**good), ev).verdict == CREDIBLE
    v = judge_estimate("synthetic_control", _estimate(**good), ev,
                       others={"its": {("2017", "2018"): -810.0}})
    assert v.verdict == FRAGILE
    assert ("fragile: SC and ITS differ by a factor of 2.7 over 2017-2018 (-300 vs -810 kb/d)"
            in v.reasons)
    flagged = _evidence(donor_flags={"SAU": "OPEC+ quota-bound 2017-2025"})
    v = judge_estimate("synthetic_control", _estimate(**good), flagged)
    assert v.verdict == FRAGILE
    assert any("82% of the synthetic control's weight is on flagged donors" in x
               and "OPEC+ quota-bound" in x for x in v.reasons)
    war = _evidence(confounders=("armed conflict on the treated unit's soil in 2011",))
    v = judge_estimate("synthetic_control", _estimate(**good), war)
    assert v.verdict == FRAGILE and "armed conflict" in v.reasons[0]


def test_a_level_outside_the_donors_is_said_once():
    from venecon.study.restated import DONOR_RANGE, Statement, beside_verdict

    e = _estimate(pre_rmspe=10.0, extra={"placebo_rank": 1, "placebo_units": 43,
                                         "treated_pre_mean": 2_400.0,
                                         "donor_pre_range": [50.0, 1_900.0]})
    v = judge_estimate("synthetic_control", e, _evidence())
    reason = next(r for r in v.reasons if "lies outside the donors'" in r)
    assert reason.startswith("fragile:") and reason.topic == DONOR_RANGE
    caveat = Statement(DONOR_RANGE, "the treated unit's mean pre-period outcome (2,400 kb/d) lies "
                       "outside the donors' range (50 to 1,900)")
    assert beside_verdict([caveat], v.reasons) == []


def test_a_pre_test_without_power_is_read_against_the_first_effect():
    path = pd.DataFrame({"effect": [0.01, -0.02, 0.0, -0.18, -0.3],
                         "lower": [-0.1] * 5, "upper": [0.1] * 5}, index=[-3, -2, -1, 0, 1])
    passed = {"pvalue": 0.4, "df": 2, "stat": 1.8}

    def judged(slope: float, pre: dict) -> list[str]:
        e = _estimate(estimator="callaway_santanna", unit="log points", path=path,
                      extra={"pretrend_test": pre,
                             "honest": {"relative_magnitudes": 2.0,
                                        "pretrend_power": {"power": 0.8, "slope": slope}}})
        v = judge_estimate("callaway_santanna", e, _evidence())
        return [r for r in v.reasons if "Roth 2022" in r]

    # detectable only from a slope of 0.25 per period: such a trend alone moves the first
    # effect (-0.18) by more than its size
    weak = judged(0.25, passed)
    assert len(weak) == 1 and weak[0].startswith("fragile: pre-test power (Roth 2022)")
    assert "slope of 0.25 log points per period" in weak[0] and "(estimate -0.18)" in weak[0]
    strong = judged(0.05, passed)
    assert len(strong) == 1 and strong[0].startswith("passed:")
    # a rejected pre-test is already the finding
    assert judged(0.25, {"pvalue": 0.001, "df": 2, "stat": 14.0}) == []


def test_results_json_contract(simulated):
    d = json.loads(json.dumps(simulated.to_dict(), allow_nan=False))
    assert d["verdict"] in VERDICTS
    assert d["verdict_reasons"] and all(isinstance(x, str) for x in d["verdict_reasons"])
    for e in d["estimates"].values():
        assert e["verdict"] in VERDICTS and isinstance(e["verdict_reasons"], list)
    assert isinstance(d["donors_excluded"], list)
    assert "excluded_donors" not in d
    assert "Verdict: credible" in d["summary"]


def test_not_run_study_has_a_verdict_and_counts():
    r = _study(window={"pre": [2012, 2014], "post": [2015, 2020]}).run()
    assert not r.identified and r.verdict == NOT_IDENTIFIED
    assert r.verdict_reasons[0].startswith(
        "not identified: the study did not run: too few pre-treatment"
    )
    assert "did not run" in r.summary(markdown=True)
    assert count_text(["credible"] * 2 + ["fragile"] * 4 + ["not identified"] * 3) == (
        "9 studies: 2 credible, 4 fragile, 3 not identified"
    )
    assert count_text(["fragile"]) == "1 study: 0 credible, 1 fragile, 0 not identified"


def test_in_time_placebo_catches_an_effect_that_began_before_the_declared_treatment():
    # the true shift of -50 starts in 2011 (period 22) but the study declares 2015: moved back
    # to 2009, the placebo window 2009-2014 holds most of the real effect
    p = simulated_panel(n_donors=17, n_periods=31, treatment_period=22, effect=EFFECT,
                        noise=1.0, seed=7, n_covariates=0)
    df = pd.DataFrame({"unit": p["unit"].replace({"treated": "SIM"}).to_numpy(),
                       "time": p["period"].to_numpy() + 1989, "value": p["y"].to_numpy()})
    r = _study(outcome={"frame": df, "units": "kb/d"},
               estimators={"synthetic_control": {"placebo": True}},
               robustness={"enabled": False}).run()
    placebo = r.estimates["synthetic_control"].extra["in_time_placebo"]
    assert placebo["moved_to"] == "2009" and placebo["average_effect"] < -15
    # -32.3 against -42.3: 76% of the estimate, above IN_TIME_WEAK (the fit is poor too)
    assert r.verdict == FRAGILE
    assert any(x.startswith("fragile: in-time placebo") and "(fragile above 50%)" in x
               for x in r.verdict_reasons)


def test_several_confounders_are_one_reason_naming_each_unit():
    lines = tuple(f"{u}: armed conflict in the treatment window {y}-2025: on its soil {y} "
                  "intensity 2 (UCDP/PRIO ACD): the effect mixes the treatment with the conflict"
                  for u, y in (("LBY", 1986), ("IRQ", 1990)))
    pre = pd.Series([1.0, 2.0, 3.0])
    e = Estimate(estimator="its", label="ITS", average_effect=-5.0, lower=-9.0, upper=-1.0,
                 alpha=0.05, unit="kb/d", counterfactual_mean=None, share_of_counterfactual=None,
                 placebo_pvalue=None, pre_rmspe=None, weights=None, path=pd.DataFrame(),
                 caveats=lines, window=("2015", "2020"))
    reasons = judge_estimate("its", e, Evidence(2015, "annual", pre, confounders=lines,
                                                n_pre=25)).reasons
    conflict = [r for r in reasons if "armed conflict" in r]
    assert len(conflict) == 1
    assert "LBY: armed conflict in the treatment window 1986-2025; IRQ: armed conflict in the " \
           "treatment window 1990-2025" in conflict[0]
    assert "on its soil" not in conflict[0]  # the details stay in the study's confounders
    one = judge_estimate("its", e, Evidence(2015, "annual", pre, confounders=lines[:1],
                                            n_pre=25)).reasons
    assert f"fragile: confounding event in the treated unit: {lines[0]}" in one


def test_caveats_beside_the_verdict_drop_what_a_reason_says_and_shared_sentences():
    from venecon.study.restated import (
        CONFOUNDERS,
        FLAGGED_ROWS,
        INTERVAL_COVERS_ZERO,
        Statement,
        beside_verdict,
    )

    advice = "Extend the sample past the event, or report the estimate as not identified"
    conflict = "LBY: armed conflict in the treatment window 2011-2015: details"
    caveats = [
        Statement(INTERVAL_COVERS_ZERO, "the 95% interval [-368, 6.514] covers zero"),
        f"ITS: the interval of event 'a' is uninformative: 2 observations. {advice}",
        f"ITS: the interval of event 'b' is uninformative: 3 observations. {advice}",
        Statement(CONFOUNDERS, conflict),
        Statement(FLAGGED_ROWS,
                  "9 flagged data row(s) of VEN in the window (first 2016-01 (equal_steps))"),
    ]
    reasons = [
        Statement(INTERVAL_COVERS_ZERO, "fragile: the 95% interval [-368, 6.51] covers zero"),
        Statement(CONFOUNDERS, f"fragile: confounding event in the treated unit: {conflict}"),
        "passed: robustness",
    ]
    kept = beside_verdict(caveats, reasons, said=[
        Statement(FLAGGED_ROWS, "9 data row(s) in the sample are flagged (equal_steps)")])
    assert kept == ["ITS: the interval of event 'a' is uninformative: 2 observations.",
                    f"ITS: the interval of event 'b' is uninformative: 3 observations. {advice}"]
    # a caveat without a topic is kept, however close its words are to a reason's
    assert beside_verdict(["the 95% interval [-368, 6.51] covers zero"], reasons[:1]) == [
        "the 95% interval [-368, 6.51] covers zero"]
    # two caveats on one topic: the first is written
    short = [Statement("short_pre_period", "only 7 pre-treatment years (fewer than 10): a"),
             Statement("short_pre_period", "only 7 pre-treatment years (fewer than 10): b")]
    assert beside_verdict(short, []) == [short[0]]


def test_a_reworded_caveat_is_still_dropped_by_the_reason_on_its_topic():
    """The caveat and the reason share a topic, not a wording: rewording either keeps one."""
    import dataclasses
    import pickle

    from venecon.study.restated import SHORT_PRE_PERIOD, Statement, topic_of

    r = _study(window={"pre": [2008, 2014], "post": [2015, 2020]},
               estimators={"its": {}}).run()
    e = r.headline_estimate
    (caveat,) = [c for c in r.caveats_of() if topic_of(c) == SHORT_PRE_PERIOD]
    assert caveat.startswith("only 7 pre-treatment years")
    assert [x for x in e.verdict_reasons if topic_of(x) == SHORT_PRE_PERIOD] == [
        "fragile: only 7 pre-treatment years (fewer than 10)"]
    assert caveat not in r.caveats_beside_verdict()
    assert caveat.rstrip(".") not in r.summary()
    # the topic survives pickling (the robustness grid ships estimates to workers)
    assert topic_of(pickle.loads(pickle.dumps(caveat))) == SHORT_PRE_PERIOD
    reworded = Statement(SHORT_PRE_PERIOD, "the history before 2015 is seven years long")
    plain = "the history before 2015 is seven years long"
    for text, dropped in ((reworded, True), (plain, False)):
        e2 = dataclasses.replace(e, caveats=tuple(
            text if c is caveat else c for c in e.caveats))
        r2 = dataclasses.replace(r, estimates={**r.estimates, r.headline: e2})
        assert (text in r2.caveats_of()) and (text not in r2.caveats_beside_verdict()) is dropped
        assert ("seven years long" in r2.summary()) is not dropped
    # results.json keeps caveats and reasons as plain strings
    d = json.loads(json.dumps(r.to_dict()))
    assert caveat in d["estimates"]["its"]["caveats"]
    assert all(isinstance(x, str) for x in d["verdict_reasons"])
