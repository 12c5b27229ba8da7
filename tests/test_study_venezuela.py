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

#: (study, estimator, window) -> (estimate, lower, upper); report headline key in the comment.
MONTHLY = {
    # sanctions_its_financial_average_kbd
    ("venezuela-2017-financial", "its", None): (-180.7398904, -255.6535441, -105.8262367),
    # sanctions_arima_financial_average_kbd
    ("venezuela-2017-financial", "arima", None): (-255.3870637, -381.3165013, -127.0946527),
    # sanctions_its_oil_average_kbd
    ("venezuela-2019-oil", "its", None): (-561.4165446, -713.9776755, -408.8554138),
    # sanctions_arima_oil_average_kbd
    ("venezuela-2019-oil", "arima", None): (-690.9599696, -923.1985806, -446.5241949),
    # chevron_its_average_kbd
    ("venezuela-chevron", "its", None): (-126.0499894, -239.6646529, -12.43532599),
    # chevron_arima_average_kbd
    ("venezuela-chevron", "arima", None): (-85.00335739, -357.1885789, 200.0702954),
    # reopening_vs_trend_average_kbd
    ("venezuela-reopening", "its", None): (-60.74879227, -140.9395878, 19.44200326),
    # reopening_level_shift_kbd: the level[gl46] term of the same ITS
    ("venezuela-reopening", "its", "level[gl46]"): (13.88888889, -67.21935083, 94.9971286),
}

#: Annual synthetic control (EI ei_sr2024 today): synth_effect_*_kbd, placebo p-value,
#: pre-period RMSPE, leave-one-donor-out range and donor weights of models.synth.
ANNUAL = {
    "average_effect": -1135.675052,  # synth_effect_2017_2023_kbd
    "2017_2018": -493.4325817,  # synth_effect_2017_2018_kbd
    "2019_2023": -1392.57204,  # synth_effect_2019_2023_kbd
    "placebo_pvalue": 0.0487804878,
    "pre_rmspe": 153.5724744,
    "leave_one_out_range": (-1474.139728, -1110.134493),
    "weights": {
        "AGO": 0.1953492366,
        "GBR": 0.1622665848,
        "MEX": 0.5073770558,
        "NOR": 0.07752555093,
        "SAU": 0.05748157195,
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
    assert r.data_choices["source"].startswith("ei_sr2024")  # the EI edition of these pins
    assert e.average_effect == pytest.approx(ANNUAL["average_effect"], rel=REL)
    for w in ("2017_2018", "2019_2023"):
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
    # the Chevron ITS headline extrapolates the 2021-22 recovery: a significant pre-trend
    assert any("significant pre-period trend of +11.5" in c for c in chevron)
    assert any("trend extrapolation" in c for c in chevron)
    oil = results["venezuela-2019-oil"].estimates["its"].caveats
    assert any("first modelled event (eo13808" in c for c in oil)
    assert any("covers zero" in c for c in results["venezuela-chevron"].estimates["arima"].caveats)
    assert not any(
        "covers zero" in c for c in results["venezuela-2017-financial"].estimates["its"].caveats
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
    assert len(lp.path) == 7 and lp.lower is None
