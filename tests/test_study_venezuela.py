"""The bundled Venezuela studies reproduce the headline numbers of ``venecon report``.

Reference: ``venecon report --out DIR --quiet`` on main at e5c0f13 (bundled data),
``DIR/results.json["headline"]``; the keys are given beside each pin. The study
machinery builds the same models from the TOML declarations (no Venezuela code),
so the numbers agree to the 10 significant digits of results.json.

MONTHLY pins (EIA monthly crude, production_monthly) do not depend on the Energy
Institute edition. ANNUAL pins use the default (newest) EI edition of
production_annual: when a newer edition becomes the default, re-run
``venecon study run venezuela-annual --out DIR`` and update ANNUAL from DIR/results.json.
"""

from __future__ import annotations

import pytest

from venecon.study import bundled_studies

REL = 1e-8  # results.json keeps 10 significant digits
# ITS intervals use fixed-b critical values (the studies' default since 0.2.0); the point
# estimates are those of the 0.1.0 report, whose Newey-West intervals were narrower.

#: (study, estimator, window) -> (estimate, lower, upper); report headline key in the comment.
MONTHLY = {
    # sanctions_its_financial_average_kbd
    ("venezuela-2017-financial", "its", None): (-180.7398904, -367.9934505, 6.513669653),
    # sanctions_arima_financial_average_kbd
    ("venezuela-2017-financial", "arima", None): (-255.3870637, -381.3165013, -127.0946527),
    # sanctions_its_oil_average_kbd
    ("venezuela-2019-oil", "its", None): (-561.4165446, -903.9173981, -218.9156911),
    # sanctions_arima_oil_average_kbd
    ("venezuela-2019-oil", "arima", None): (-690.9599696, -923.1985806, -446.5241949),
    # chevron_its_average_kbd: exports to the US (approx. kb/d), GL 41 alone, 2022-11..2023-09
    ("venezuela-chevron", "its", None): (95.35066939637797, 73.2280139, 117.4733249),
    # chevron_arima_average_kbd
    ("venezuela-chevron", "arima", None): (95.72822222057721, 81.00081864014088, 111.9439523163796),
    # reopening_vs_trend_average_kbd
    ("venezuela-reopening", "its", None): (-60.74879227, -178.110501, 56.61291645),
    # reopening_level_shift_kbd: the level[gl46] term of the same ITS
    ("venezuela-reopening", "its", "level[gl46]"): (13.88888889, -460.2086854, 487.9864632),
}

#: Annual synthetic control on the Energy Institute 2026 edition (ei_sr2026, to 2025):
#: effect averages, placebo p-value, pre-period RMSPE, leave-one-donor-out range and donor
#: weights. Made with ``venecon study run venezuela-annual`` (values from results.json).
#: EO 13808 took effect on 2017-08-25, so 2018 is the first full treated year and 2017 is left
#: out of both windows (study.window.partial_period = "exclude"); the fit (1990-2016) and the
#: weights are those of the earlier design that counted 2017 as treated (2017-2025: -1121.39506,
#: 2017-2018: -496.8628095; 2019-2025 unchanged).
ANNUAL = {
    "average_effect": -1230.191685299235,  # 2018-2025
    "first_full_year": -742.7035655745392,  # 2018
    "oil_sanctions": -1299.8328452599053,  # 2019-2025
    "placebo_pvalue": 0.04878048780487805,
    "pre_rmspe": 152.57844223280995,
    "leave_one_out_range": (-1638.979718164143, -1190.3591128992841),
    "weights": {
        "AGO": 0.19516741346789196,
        "GBR": 0.1600331420281171,
        "MEX": 0.4997175561577027,
        "NOR": 0.08706392000357073,
        "SAU": 0.058017968342717385,
    },
}

NAMES = [
    "venezuela-2017-financial",
    "venezuela-2019-oil",
    "venezuela-chevron",
    "venezuela-reopening",
    "venezuela-annual",
]


@pytest.fixture(scope="module")
def results():
    return {n: s.run(n_jobs=1) for n, s in bundled_studies(NAMES).items()}


@pytest.mark.parametrize("key", list(MONTHLY), ids=lambda k: f"{k[0]}-{k[1]}-{k[2] or 'avg'}")
@pytest.mark.slow
def test_monthly_headlines_match_the_report(results, key):
    name, est, term = key
    e = results[name].estimates[est]
    if term is None:
        got = (e.average_effect, e.lower, e.upper)
    else:
        t = e.extra["terms"][term]
        got = (t["estimate"], t["lower"], t["upper"])
    assert got == pytest.approx(MONTHLY[key], rel=REL)


def test_annual_synthetic_control_matches_the_report(results):
    r = results["venezuela-annual"]
    e = r.estimates["synthetic_control"]
    assert r.data_choices["source"].startswith("ei_sr2026")  # the EI edition of these pins
    assert e.average_effect == pytest.approx(ANNUAL["average_effect"], rel=REL)
    for w in ("first_full_year", "oil_sanctions"):
        assert e.extra["by_window"][w]["average_effect"] == pytest.approx(ANNUAL[w], rel=REL)
    assert e.placebo_pvalue == pytest.approx(ANNUAL["placebo_pvalue"], rel=REL)
    assert e.pre_rmspe == pytest.approx(ANNUAL["pre_rmspe"], rel=REL)
    assert tuple(e.extra["leave_one_out_range"]) == pytest.approx(
        ANNUAL["leave_one_out_range"], rel=REL
    )
    positive = {k: v for k, v in e.weights.items() if v > 1e-6}
    assert positive == pytest.approx(ANNUAL["weights"], rel=1e-7)
    # the declared exclusions reproduce the report's donor pool of 40 producers
    assert len(r.donors) == 40 and "VEN" not in r.donors
    assert r.excluded_donors["IRN"] == "own sanctions (2012-2016, re-imposed 2018)"


def test_caveats_are_raised_by_the_estimates_own_diagnostics(results):
    chevron = results["venezuela-chevron"].estimates["its"].caveats
    # exports to the US before GL 41 are a small non-oil baseline: its fit error is large
    # relative to it (not to the effect), and no pre-trend is carried forward
    assert any("poor pre-period fit" in c for c in chevron)
    assert not any("significant pre-period trend" in c for c in chevron)
    oil = results["venezuela-2019-oil"].estimates["its"].caveats
    assert any("first modelled event (eo13808" in c for c in oil)
    assert not any(
        "covers zero" in c for c in results["venezuela-chevron"].estimates["arima"].caveats
    )
    # with fixed-b critical values the 2017 ITS interval reaches zero (the caveat says so);
    # the 2019 one does not
    assert any(
        "covers zero" in c for c in results["venezuela-2017-financial"].estimates["its"].caveats
    )
    assert not any(
        "covers zero" in c for c in results["venezuela-2019-oil"].estimates["its"].caveats
    )


def test_robustness_shows_the_sample_start_sensitivity_of_the_issue(results):
    # issue 13: moving the ITS sample start from 2016-01 to 2016-07 moves the 2017 effect
    # from -181 to -273 kb/d and the 2019 effect from -561 to -745 kb/d
    for name, expected in (("venezuela-2017-financial", -273), ("venezuela-2019-oil", -745)):
        t = results[name].robustness.table
        row = t[(t["dimension"] == "sample_start") & (t["value"] == "2016-07")].iloc[0]
        assert row["estimate"] == pytest.approx(expected, abs=0.5)
        rob = results[name].robustness
        assert rob.min <= row["estimate"] <= rob.max


def test_local_projections_are_reported(results):
    lp = results["venezuela-2019-oil"].estimates["local_projections"]
    assert len(lp.path) == 7
    # the mean over horizons 0..6 is the averaged regression's, with its interval
    mean = lp.result.mean_response.loc["pdvsa-sdn"]
    assert lp.average_effect == mean["coefficient"] == pytest.approx(lp.path["effect"].mean())
    assert (lp.lower, lp.upper) == (mean["lower"], mean["upper"])
    assert lp.lower < lp.average_effect < lp.upper


def test_annual_timing_and_quota_variants_are_reported(results):
    r = results["venezuela-annual"]
    assert r.study.design.partial == (2017,) and r.study.treatment_period == 2018
    assert "2018 is the first full treated year" in r.data_choices["timing"]
    t = r.robustness.table.set_index("dimension")
    timing = t.loc["timing"].set_index("value")["estimate"]
    # counting the partial year 2017 as treated reproduces the earlier design's 2017-2025 average
    assert timing["partial year 2017 treated"] == pytest.approx(-1121.39506, rel=REL)
    quota = t.loc[["quota_bound"]]
    assert len(quota) == 1 and quota.iloc[0]["value"].startswith("without quota-bound donors (AGO")
    assert "MEX" in quota.iloc[0]["value"] and "SAU" in quota.iloc[0]["value"]
    assert quota.iloc[0]["estimate"] == pytest.approx(-1709.583129, rel=1e-6)
    flags = r.study.design.donor_flags
    assert "2019-2020 while VEN was not" in flags["MEX"]
