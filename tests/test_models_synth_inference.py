"""Synthetic-control inference (placebos, leave-one-out, conformal) and the Venezuela case."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_models_synth import basque_model, germany_model, toy_model, toy_panel

from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models.synth.inference import placebo_space

FIXTURE = Path(__file__).parent / "fixtures" / "synth_venezuela.json"


# --------------------------------------------------------------------------- placebo in space


def test_placebo_space_fixed_v_is_parallel_deterministic(basque_panel):
    """With V fixed each placebo is one QP: p-value = rank / (J + 1), same for any n_jobs."""
    model = basque_model(basque_panel, v="equal")
    res = model.fit()
    serial = res.placebo()
    parallel = model.fit().placebo(n_jobs=2)  # a fresh result: res keeps its first test
    pd.testing.assert_frame_equal(serial.gaps, parallel.gaps)
    assert serial.n_units == 18 and serial.gaps.shape == (43, 18)
    np.testing.assert_allclose(serial.gaps.iloc[:, 0], res.gaps)
    t = serial.table
    assert serial.rank == int((t["ratio"] >= t["ratio"].iloc[0]).sum())
    assert serial.pvalue == pytest.approx(serial.rank / 18)
    # the pre-fit filter keeps the treated unit and drops placebos fitting > k times worse
    filt = res.placebo(pre_fit_filter=2)
    kept = filt.table["included"]
    assert kept.iloc[0] and filt.n_units == kept.sum() < 18
    assert (t.loc[kept, "pre_rmspe"] ** 2 <= 2 * t["pre_rmspe"].iloc[0] ** 2 + 1e-12).all()
    with pytest.raises(ModelSpecificationError, match="pre_fit_filter"):
        res.placebo(pre_fit_filter=0)


def test_fit_with_placebo_fills_pvalue():
    res = toy_model(v="equal").fit(placebo=True)
    assert res.pvalues.iloc[0] == pytest.approx(res.placebo().pvalue)
    assert "Placebo-in-space p-value" in str(res.summary())
    assert res.to_dict()["placebo"]["n_units"] == 6


@pytest.mark.slow
def test_placebo_space_nested_basque(basque_panel):
    """Full nested V per placebo (17 refits): deterministic across n_jobs.

    pysyncon's test-suite pins Madrid's placebo gap in 1960 at -0.9272 (its sign
    convention is synthetic minus actual; ours, as ADH's, actual minus synthetic).
    """
    res = basque_model(basque_panel).fit()
    a = res.placebo()
    # the module function runs the test again (res.placebo() would return a)
    b = placebo_space(res.engine, n_jobs=2)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
    assert 0 < a.pvalue <= 1
    assert a.gaps.loc[1960, "Madrid (Comunidad De)"] == pytest.approx(0.9272, abs=1e-3)


# --------------------------------------------------------------------------- time, LOO


def test_placebo_time_germany(germany_panel):
    """ADH 2015 move reunification to 1975: small placebo gap; predictor periods shift 15 years."""
    # invest80 is only observed in 1980 and cannot move back 15 years (that is an error)
    res = germany_model(germany_panel, v="equal").fit()
    with pytest.raises(ModelSpecificationError, match="invest80"):
        res.placebo_time([1975])
    preds = [(v, range(1981, 1991), "mean") for v in ("gdp", "trade", "infrate", "industry")]
    res = germany_model(germany_panel, v="equal", predictors=preds).fit()
    out = res.placebo_time([1975])
    # the fake 1975 treatment moves the path far less (relative to pre-fit) than the real one:
    # measured ratio 1.9 against 117 for 1990
    g = res.gaps
    real_ratio = np.mean(g.loc[1990:] ** 2) / np.mean(g.loc[:1989] ** 2)
    assert out.table.loc[1975, "ratio"] < 0.25 * real_ratio
    gaps = out.gaps[1975]
    assert gaps.index.max() == 1989
    with pytest.raises(ModelSpecificationError, match="before the treatment"):
        res.placebo_time([1995])


def test_placebo_time_reports_unshiftable_periods(basque_panel):
    res = basque_model(basque_panel, v="equal").fit()
    with pytest.raises(InsufficientDataError, match="cannot be moved back"):
        res.placebo_time([1956])


def test_leave_one_out(germany_panel):
    res = germany_model(germany_panel).fit()
    loo = res.leave_one_out()
    active = res.weights[res.weights > 1e-6]
    assert list(loo.gaps.columns) == ["all donors"] + [f"without {d}" for d in active.index]
    lo, hi = loo.range
    # measured: -2805 (without Austria) to +116 (without USA, when Japan takes weight
    # 0.32): with V re-estimated per refit the average effect is not robust to the USA
    assert lo <= loo.average_effect["all donors"] <= hi
    assert loo.average_effect["without Austria"] < 0
    assert loo.average_effect["all donors"] == pytest.approx(res.average_effect())
    assert loo.weights["without Austria"].get("Austria") is None


# --------------------------------------------------------------------------- conformal


def test_conformal_intervals_cover_and_shrink(germany_panel):
    res = germany_model(germany_panel, v="equal").fit()
    ci = res.conformal(alpha=0.1, periods=[1991, 2000])
    assert (ci["lower"] <= ci["estimate"]).all() and (ci["estimate"] <= ci["upper"]).all()
    # the interval edges are where the permutation p-value crosses alpha
    from venecon.models.synth.inference import _conformal_pvalue

    Y = res.engine.Y
    rows = np.r_[np.arange(res.engine.t0), res.engine.times.index(2000)]
    y1, Y0 = Y[rows, 0], Y[np.ix_(rows, np.arange(1, Y.shape[1]))]
    width = ci.loc[2000, "upper"] - ci.loc[2000, "lower"]
    assert _conformal_pvalue(y1, Y0, ci.loc[2000, "upper"] + 0.01 * width) <= 0.1
    assert _conformal_pvalue(y1, Y0, ci.loc[2000, "upper"] - 0.01 * width) > 0.1
    # 2000: the reunification effect is clearly negative (ADH 2015)
    assert ci.loc[2000, "upper"] < 0
    wider = res.conformal(alpha=0.05, periods=[2000])
    assert wider.loc[2000, "upper"] - wider.loc[2000, "lower"] >= width - 1e-6
    with pytest.raises(InsufficientDataError, match="pre-treatment periods"):
        res.conformal(alpha=0.01)


def test_conformal_and_placebo_bad_input_are_venecon_errors():
    res = toy_model(v="equal").fit()
    for alpha in (0, -0.1, 1.0, 1.5, float("nan")):
        with pytest.raises(ModelSpecificationError, match=r"alpha must be in \(0, 1\)"):
            res.conformal(alpha=alpha)
    with pytest.raises(ModelSpecificationError, match=r"periods \[1800\] are not periods"):
        res.conformal(alpha=0.2, periods=[1800])
    with pytest.raises(ModelSpecificationError, match="pre_fit_filter"):
        res.placebo(pre_fit_filter="5")
    assert res.placebo(pre_fit_filter=np.int64(5)).pre_fit_filter == 5


def test_conformal_coverage_simulation():
    """Under no effect and i.i.d. noise, 80% intervals cover 0 about 80% of the time."""
    covered = []
    for seed in range(40):
        df = toy_panel(n_units=6, n_years=25, seed=seed)
        res = toy_model(df, v="equal", treatment_time=2020).fit()
        ci = res.conformal(alpha=0.2, periods=[2020])
        covered.append(ci.loc[2020, "lower"] <= 0 <= ci.loc[2020, "upper"])
    assert 0.6 <= np.mean(covered) <= 0.97


def test_fit_with_conformal_fills_effects():
    res = toy_model(v="equal").fit(conformal=True, alpha=0.2)
    eff = res.effects
    assert (
        eff.loc[2012:, "effect_lower"].notna().all() and eff.loc[:2011, "effect_lower"].isna().all()
    )


# --------------------------------------------------------------------------- Venezuela


def venezuela_panel():
    """The annual panel of the fixture's specification (source and edition named there)."""
    import venecon

    spec = json.loads(FIXTURE.read_text())["specification"]
    df = venecon.load("production_annual", series="oil_production", source=spec["source"])
    return df[df["date"] >= spec["start"]]


def panel_sha256() -> str:
    """sha256 of the panel behind the fixture: a data change is named as such."""
    import hashlib

    df = venezuela_panel().sort_values(["country", "date"])
    text = df[["country", "date", "value"]].to_csv(index=False, float_format="%.17g")
    return hashlib.sha256(text.encode()).hexdigest()


def venezuela_model(**kw):
    """Venezuela vs a documented pool of oil producers (see fixtures/synth_venezuela.json)."""
    from venecon.models import SyntheticControl

    spec = json.loads(FIXTURE.read_text())["specification"]
    df = venezuela_panel()
    predictors = [("value", range(a, b + 1), "mean") for a, b in spec["predictor_windows"]]
    predictors += [("value", [y], "mean") for y in spec["predictor_years"]]
    return SyntheticControl(
        df,
        outcome="value",
        unit="country",
        time="date",
        treated="VEN",
        treatment_time=spec["treatment"],
        donors=spec["donors"],
        predictors=predictors,
        fit_window=tuple(spec["fit_window"]),
        events={"oil sanctions (PdVSA SDN)": 2019},
        seed=0,
        **kw,
    )


def test_venezuela_donor_pool_is_documented():
    import venecon

    ref = json.loads(FIXTURE.read_text())
    spec = ref["specification"]
    df = venecon.load("production_annual", series="oil_production", source=spec["source"])
    wide = df[df["date"] >= spec["start"]].pivot(index="date", columns="country", values="value")
    complete = {c for c in wide.columns if wide[c].notna().all()}
    # every producer with complete data is either a donor or excluded with a reason
    assert set(spec["donors"]) | set(spec["excluded"]) | {"VEN"} >= complete
    assert not set(spec["donors"]) & set(spec["excluded"]) and "WLD" in spec["excluded"]


#: a deterministic fit on the same data: only floating-point rounding may differ
RTOL = 1e-6


def _close(actual, expected, what):
    assert actual == pytest.approx(expected, rel=RTOL, abs=1e-9), what


@pytest.fixture(scope="module")
def venezuela():
    ref = json.loads(FIXTURE.read_text())
    assert ref["data_sha256"] == panel_sha256(), (
        "the bundled panel changed: regenerate the fixture with "
        "`python tests/fixtures/make_synth_venezuela.py` and review the diff"
    )
    res = venezuela_model().fit(placebo=True, n_jobs=2)
    return ref["results"], res


@pytest.mark.slow
def test_venezuela_fit_matches_recorded_results(venezuela):
    """Self-generated regression values (fixtures/synth_venezuela.json), EI annual data."""
    ref, res = venezuela
    assert res.outcome_unit == "kb/d"
    assert res.provenance["data"]["datasets"]["production_annual"]
    assert set(res.weights.index) == set(ref["weights"])
    for donor, w in ref["weights"].items():
        _close(res.weights[donor], w, donor)
    for label, v in ref["v"].items():
        _close(res.v[label], v, label)
    _close(res.statistics["mspe_fit"], ref["mspe_fit"], "mspe_fit")
    _close(res.rmspe_pre, ref["rmspe_pre"], "rmspe_pre")
    _close(res.average_effect(), ref["average_effect_2017_2023"], "2017-2023")
    _close(res.average_effect(2017, 2018), ref["average_effect_2017_2018"], "2017-2018")
    _close(res.average_effect(2019, 2023), ref["average_effect_2019_2023"], "2019-2023")
    for col, key in (("actual", "actual"), ("counterfactual", "synthetic")):
        for year, value in ref[key].items():
            _close(res.effects.loc[int(year), col], value, f"{key} {year}")
    for year, gap in ref["gaps"].items():
        # pre-period gaps near zero: absolute tolerance relative to the outcome's scale
        assert res.gaps[int(year)] == pytest.approx(gap, rel=RTOL, abs=1e-6), year
    cum = res.cumulative_effect(2017, 2023)
    _close(cum.barrels, ref["cumulative_barrels_2017_2023"], "cumulative barrels")


@pytest.mark.slow
def test_venezuela_placebo_loo_and_conformal(venezuela):
    ref, res = venezuela
    pl = res.placebo_result
    assert (pl.pvalue, pl.rank, pl.n_units) == (
        pytest.approx(ref["placebo_pvalue"]),
        ref["placebo_rank"],
        ref["placebo_n"],
    )
    assert pl.pvalue_effect == pytest.approx(ref["placebo_pvalue_effect"])
    for unit, ratio in ref["placebo_ratios"].items():
        _close(pl.table.loc[unit, "ratio"], ratio, unit)
    filt = res.placebo(pre_fit_filter=5, n_jobs=2)
    assert filt.pvalue == pytest.approx(ref["placebo_pvalue_filter5"])
    assert filt.n_units == ref["placebo_n_filter5"]
    loo = res.leave_one_out(n_jobs=2)
    assert dict(loo.average_effect).keys() == ref["loo_average_effects"].keys()
    for col, value in ref["loo_average_effects"].items():
        _close(loo.average_effect[col], value, col)
    _close(loo.range[0], ref["loo_range"][0], "loo min")
    _close(loo.range[1], ref["loo_range"][1], "loo max")
    ci = res.conformal(alpha=ref["conformal_alpha"])
    assert [str(y) for y in ci.index] == list(ref["conformal"])
    for year, (lo, hi) in ref["conformal"].items():
        # the bounds are bisected to 1e-6 x the pre-period RMSPE
        tol = 2e-6 * res.rmspe_pre
        assert ci.loc[int(year), "lower"] == pytest.approx(lo, abs=tol), year
        assert ci.loc[int(year), "upper"] == pytest.approx(hi, abs=tol), year
