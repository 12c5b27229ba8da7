"""Donor pools from the registries (conflicts, opec_quotas) and timing at the data's resolution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from venecon import Study
from venecon.study import StudyError, bundled_studies


def _panel(units: tuple[str, ...], treated: str, effect_from: int, effect: float = -50.0,
           start: int = 1995, end: int = 2024) -> pd.DataFrame:
    """An annual panel on ISO codes (so the registries apply): donors are smooth trends, the
    treated unit is their mean plus ``effect`` from ``effect_from``."""
    rng = np.random.default_rng(7)
    years = np.arange(start, end + 1)
    rows, donors = [], []
    for i, u in enumerate(units):
        if u == treated:
            continue
        y = 500 + 40 * i + (3 + i % 4) * (years - start) + rng.normal(0, 2, len(years))
        donors.append(y)
        rows += [{"unit": u, "time": int(t), "value": float(v)}
                 for t, v in zip(years, y, strict=True)]
    own = np.mean(donors, axis=0) + np.where(years >= effect_from, effect, 0.0)
    rows += [{"unit": treated, "time": int(t), "value": float(v)}
             for t, v in zip(years, own, strict=True)]
    return pd.DataFrame(rows)


def _study(frame: pd.DataFrame, treated: str, treatment, pre, post, donors=None, window=None,
           robustness=False) -> Study:
    study = {
        "name": "sim",
        "treated": treated,
        "treatment": treatment,
        "outcome": {"frame": frame, "units": "kb/d"},
        "window": {"pre": pre, "post": post, **(window or {})},
        "donors": donors or {},
        "estimators": {"synthetic_control": {"v": "equal", "placebo": False}},
        "robustness": {"enabled": robustness, "estimators": False, "leave_one_out": False},
    }
    return Study.from_dict({"study": study})


UNITS = ("VEN", "MEX", "SAU", "NOR", "GBR", "CAN", "BRA", "ARG", "AUS")


def test_a_dated_treatment_maps_to_the_first_full_year_by_default():
    s = _study(_panel(UNITS, "VEN", 2018), "VEN", "2017-08-25", [1995, 2016], [2017, 2024])
    d = s.design
    assert d.treatment_period == 2018 and d.post == (2018, 2024) and d.pre == (1995, 2016)
    assert d.partial == (2017,)
    assert "2018 is the first full treated year; 2017 is left out of both windows" in d.timing
    assert "236 of 365 days" in d.timing and "post window 2017-2024 -> 2018-2024" in d.timing
    r = s.run()
    assert r.data_choices["timing"] == d.timing
    path = r.estimates["synthetic_control"].path
    assert 2017 not in path.index and 2018 in path.index
    # the simulated effect of -50 from 2018 is recovered (equal weights, noise sd 2)
    assert r.estimates["synthetic_control"].average_effect == pytest.approx(-50, abs=3)


@pytest.mark.parametrize("rule, period, pre_end, post_start", [
    ("treated", 2017, 2016, 2017), ("untreated", 2018, 2017, 2018)])
def test_the_other_conventions(rule, period, pre_end, post_start):
    s = _study(_panel(UNITS, "VEN", 2018), "VEN", "2017-08-25", [1995, 2016], [2017, 2024],
               window={"partial_period": rule})
    assert s.design.treatment_period == period and s.design.partial == ()
    assert s.design.pre[1] == pre_end and s.design.post[0] == post_start
    assert f"partial_period = '{rule}'" in s.design.timing


def test_timing_variants_run_in_the_robustness_grid():
    s = _study(_panel(UNITS, "VEN", 2018), "VEN", "2017-08-25", [1995, 2016], [2017, 2024],
               robustness=True)
    table = s.run().robustness.table
    timing = table[table["dimension"] == "timing"].set_index("value")
    assert set(timing.index) == {"partial year 2017 treated", "partial year 2017 untreated"}
    assert (timing["status"] == "ok").all()
    # counting the partly treated 2017 as treated dilutes the effect that starts in 2018
    assert timing.loc["partial year 2017 treated", "estimate"] > -50


def test_a_year_or_1_january_has_no_partial_year():
    for treatment in (2018, "2018-01-01"):
        s = _study(_panel(UNITS, "VEN", 2018), "VEN", treatment, [1995, 2017], [2018, 2024])
        assert s.design.partial == () and s.design.timing == ""
        assert s.design.treatment_period == 2018


def test_bad_partial_period_names_the_key():
    with pytest.raises(StudyError, match="study.window.partial_period"):
        _study(_panel(UNITS, "VEN", 2018), "VEN", "2017-08-25", [1995, 2016], [2018, 2024],
               window={"partial_period": "half"})
    with pytest.raises(StudyError, match="study.donors.exclude_conflict"):
        _study(_panel(UNITS, "VEN", 2018), "VEN", 2018, [1995, 2017], [2018, 2024],
               donors={"exclude_conflict": "yes"})


def test_quota_bound_donors_are_excluded_with_the_years():
    s = _study(_panel(UNITS, "VEN", 2018), "VEN", 2018, [1995, 2017], [2018, 2024],
               donors={"exclude_quota_bound": True}, robustness=True)
    ex = s.design.excluded
    assert set(ex) == {"MEX", "SAU"}
    assert ex["MEX"].startswith("bound by OPEC/OPEC+ production quotas in 2019-2020 while VEN")
    assert "in 2019-2022 while VEN" in ex["SAU"] and "2023-2024 are not coded" in ex["SAU"]
    table = s.run().robustness.table
    row = table[table["dimension"] == "quota_bound"].iloc[0]
    assert row["value"] == "with quota-bound donors (MEX, SAU)" and row["status"] == "ok"


def test_kept_quota_bound_donors_are_flagged_and_refit_without():
    s = _study(_panel(UNITS, "VEN", 2018), "VEN", 2018, [1995, 2017], [2018, 2024],
               robustness=True)
    assert set(s.design.donor_flags) == {"MEX", "SAU"} and "MEX" in s.design.donors
    r = s.run()
    # two reasons: one caveat names each donor by the first clause of its reason, once
    kept = [c for c in r.caveats if "kept although" in c]
    assert len(kept) == 1 and kept[0].startswith("2 donor(s) kept although flagged")
    for unit, years in (("MEX", "2019-2020"), ("SAU", "2019-2022")):
        assert f"{unit} bound by OPEC/OPEC+ production quotas in {years} while VEN was not" \
            in kept[0]
    assert "not coded" not in kept[0] and "not coded" in s.design.donor_flags["SAU"]
    row = r.robustness.table.query("dimension == 'quota_bound'").iloc[0]
    assert row["value"] == "without quota-bound donors (MEX, SAU)"


def test_a_donor_in_the_same_agreement_is_flagged():
    units = ("RUS", "SAU", "NOR", "GBR", "CAN", "BRA")
    s = _study(_panel(units, "RUS", 2022, start=1995), "RUS", 2022, [1995, 2021], [2022, 2024])
    assert "same OPEC/OPEC+ agreement as RUS in 2017-2022" in s.design.donor_flags["SAU"]
    assert "SAU" in s.design.donors


def test_conflict_screen_excludes_donors_and_records_the_treated_war():
    units = ("LBY", "DZA", "NGA", "TUN", "NOR", "GBR", "CAN", "BRA", "AUS")
    s = _study(_panel(units, "LBY", 2011, end=2015), "LBY", 2011, [1995, 2010], [2011, 2015],
               donors={"exclude_conflict": True})
    ex = s.design.excluded
    assert ex["DZA"].startswith(
        "armed conflict on its soil in the study years 1995-2015: 1995-1999 intensity 2")
    assert "2013-2015 intensity 2" in ex["NGA"]
    assert "1998 intensity 1" in ex["GBR"]  # UCDP's Northern Ireland conflict
    # Tunisia's 2011 revolution is below UCDP's threshold; its 2013-2015 conflict is not
    assert "2013-2015 intensity 1" in ex["TUN"] and "2011" not in ex["TUN"]
    # Australia's only conflict-year (2003, Iraq) is interstate: flagged, not excluded
    assert "AUS" not in ex and "interstate" in s.design.donor_flags["AUS"]
    (war,) = s.design.confounders
    assert war.startswith("LBY: armed conflict in the treatment window 2011-2015: on its soil 2011 "
                          "intensity 2, war")


def test_without_the_option_no_conflict_exclusion():
    units = ("LBY", "DZA", "NOR", "GBR", "CAN")
    s = _study(_panel(units, "LBY", 2011, end=2015), "LBY", 2011, [1995, 2010], [2011, 2015])
    assert "DZA" in s.design.donors and s.design.confounders  # the war is recorded regardless


@pytest.fixture(scope="module")
def bundled():
    return bundled_studies(["venezuela-annual", "iran-2018", "russia-2022", "libya-2011"])


def test_bundled_designs_for_a_referee(bundled):
    ven = bundled["venezuela-annual"].design
    assert ven.treatment_period == 2018 and ven.partial == (2017,)
    iran = bundled["iran-2018"].design
    # first full year 2019; the pre-period ends before Iran's own 2012-2015 sanctions
    assert iran.treatment_period == 2019 and iran.pre == (1995, 2011)
    assert iran.partial == tuple(range(2012, 2019))
    assert {"DZA", "SAU"} <= set(iran.excluded) and "while IRN was not" in iran.excluded["SAU"]
    rus = bundled["russia-2022"].design
    assert "same OPEC/OPEC+ agreement as RUS" in rus.donor_flags["SAU"]
    assert any("interstate" in c and "in 2022-2024" in c and "2022-2024 intensity 2, war" in c
               for c in rus.confounders)
    lby = bundled["libya-2011"].design
    assert lby.excluded["TUN"].startswith("own revolution")
    assert any("2011 intensity 2, war" in c for c in lby.confounders)
    assert not any(u in lby.donors for u in ("DZA", "NGA", "TUN"))


def test_results_json_lists_exclusions_flags_and_confounders():
    units = ("LBY", "DZA", "NOR", "GBR", "CAN", "BRA", "AUS")
    s = _study(_panel(units, "LBY", 2011, end=2015), "LBY", 2011, [1995, 2010], [2011, 2015],
               donors={"exclude_conflict": True})
    d = s.run().to_dict()
    assert {"unit": "DZA", "reason": s.design.excluded["DZA"]} in d["donors_excluded"]
    assert [e["unit"] for e in d["donors_excluded"]] == sorted(s.design.excluded)
    assert d["donor_flags"] == dict(s.design.donor_flags) and "AUS" in d["donor_flags"]
    assert d["confounders"] == list(s.design.confounders)
