"""Ridge ASCM against the augsynth vignette on the 2012 Kansas tax cuts.

Reference: augsynth ``vignettes/singlesynth-vignette.md`` (Ben-Michael, Feller and
Rothstein 2021), file ``augsynth-kansas/kansas.csv`` under ``VENECON_TEST_DATA``
(see shared/raw/MANIFEST.md). Printed: SCM average ATT -0.0294, L2 imbalance 0.083,
79.5% improvement on uniform weights, weights 0.053 to 0.301 on 7 donors; ridge ASCM
-0.0401, L2 imbalance 0.062, 84.7% improvement, average estimated bias 0.011,
largest weight 0.316.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reference_data import unavailable

from venecon.exceptions import ModelSpecificationError, UnbalancedPanelError
from venecon.models.synth.ascm import AugmentedSynthControl, ridge_penalty_cv

KANSAS_SHA256 = "3d4b9ffdcaf9927eb53d97d7ee2bd55b5538a400a905f530391737df0ab985fd"


@pytest.fixture(scope="module")
def kansas() -> pd.DataFrame:
    root = os.environ.get("VENECON_TEST_DATA")
    if not root:
        unavailable("VENECON_TEST_DATA is not set (augsynth-kansas/kansas.csv)")
    path = Path(root) / "augsynth-kansas" / "kansas.csv"
    assert path.is_file(), f"{path} is missing (VENECON_TEST_DATA is set, so it must exist)"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == KANSAS_SHA256
    return pd.read_csv(path)


def _model(kansas: pd.DataFrame, **kw) -> AugmentedSynthControl:
    return AugmentedSynthControl(kansas, outcome="lngdpcapita", unit="state", time="year_qtr",
                                 treated="Kansas", treatment_time=2012.25, **kw)


def test_treatment_column_agrees(kansas):
    treated = kansas.loc[kansas["treated"] == 1]
    assert set(treated["state"]) == {"Kansas"}
    assert treated["year_qtr"].min() == 2012.25


def test_scm_reproduces_vignette(kansas):
    res = _model(kansas, progfunc="none").fit()
    assert round(res.att, 4) == -0.0294
    assert round(res.l2_imbalance, 3) == 0.083
    assert round(1 - res.scaled_l2_imbalance, 3) == 0.795
    w = res.weights[res.weights > 1e-6]
    assert len(w) == 7
    assert round(w.min(), 3) == 0.053 and round(w.max(), 3) == 0.301
    assert res.estimated_bias is None
    assert np.isclose(res.weights.sum(), 1.0) and (res.weights >= -1e-12).all()


def test_ridge_ascm_reproduces_vignette(kansas):
    res = _model(kansas).fit()
    assert round(res.att, 4) == -0.0401
    assert round(res.l2_imbalance, 3) == 0.062
    assert round(1 - res.scaled_l2_imbalance, 3) == 0.847
    assert round(res.estimated_bias, 3) == 0.011
    assert round(res.weights.max(), 3) == 0.316
    # the bias is the SCM effect minus the augmented one, period by period on average
    scm = _model(kansas, progfunc="none").fit()
    assert np.isclose(scm.att - res.att, res.estimated_bias)
    # ridge correction sums to zero: augmented weights still sum to one
    assert np.isclose(res.weights.sum(), 1.0)
    pen = res.penalty
    assert pen is not None and pen.rule == "1se" and len(pen.grid) == 21
    k = int(np.argmin(pen.errors))
    assert pen.value == max(g for g, e in zip(pen.grid, pen.errors, strict=True)
                            if e <= pen.errors[k] + pen.std_errors[k])


def test_fixed_lambda_limits(kansas):
    scm = _model(kansas, progfunc="none").fit()
    big = _model(kansas, lam=1e12).fit()
    assert abs(big.att - scm.att) < 1e-6
    small = _model(kansas, lam=1e-3).fit()
    assert small.l2_imbalance < big.l2_imbalance


def test_results_protocol(kansas):
    res = _model(kansas).fit()
    frame = res.effects
    assert {"actual", "counterfactual", "effect"} <= set(frame.columns)
    post = frame.loc[frame.index >= 2012.25, "effect"]
    assert len(post) == 16 and np.isclose(post.mean(), res.att)
    assert "Augmented synthetic control" in str(res.summary())
    assert res.provenance["model"] == "venecon.models.AugmentedSynthControl"
    assert res.statistics["estimated_bias"] == res.estimated_bias
    with pytest.raises(AttributeError):
        res.foo = 1


def test_bad_input():
    df = pd.DataFrame({"u": list("aabbcc"), "t": [1, 2] * 3, "y": [1.0, 2, 1, 3, 2, 2]})
    with pytest.raises(ModelSpecificationError, match="progfunc"):
        AugmentedSynthControl(df, outcome="y", unit="u", time="t", treated="a",
                              treatment_time=2, progfunc="lasso")
    with pytest.raises(ModelSpecificationError, match="column"):
        AugmentedSynthControl(df, outcome="z", unit="u", time="t", treated="a", treatment_time=2)
    with pytest.raises(UnbalancedPanelError):
        AugmentedSynthControl(df.iloc[:-1], outcome="y", unit="u", time="t", treated="a",
                              treatment_time=2)
    with pytest.raises(ModelSpecificationError, match="at least 3"):
        ridge_penalty_cv(np.ones((3, 2)), np.ones(2))


# summary(asyn) and summary(syn) in the vignette: Time, Estimate, 95% CI lower, upper, p value.
# augsynth draws 1,000 random permutations; venecon enumerates them exactly (the expectation
# of augsynth's draw), so bounds agree to the grid step of augsynth's 50-point grid (Monte
# Carlo noise moves a bound by a step or two) and p-values to Monte Carlo error.
VIGNETTE_ASCM = """
2012.25 -0.022 -0.044 0.003 0.057
2012.50 -0.047 -0.072 -0.018 0.020
2012.75 -0.043 -0.071 -0.010 0.023
2013.00 -0.030 -0.055 -0.004 0.026
2013.25 -0.041 -0.067 -0.016 0.024
2013.50 -0.059 -0.091 -0.030 0.023
2013.75 -0.045 -0.073 -0.019 0.024
2014.00 -0.058 -0.087 -0.026 0.020
2014.25 -0.055 -0.094 -0.020 0.023
2014.50 -0.041 -0.080 -0.006 0.038
2014.75 -0.029 -0.072 0.006 0.051
2015.00 -0.040 -0.082 0.000 0.055
2015.25 -0.030 -0.069 0.002 0.045
2015.50 -0.033 -0.072 0.000 0.059
2015.75 -0.029 -0.071 0.010 0.056
2016.00 -0.038 -0.091 0.004 0.049
"""
VIGNETTE_SCM = """
2012.25 -0.018 -0.042 0.006 0.123
2012.50 -0.041 -0.070 -0.007 0.026
2012.75 -0.033 -0.060 -0.001 0.041
2013.00 -0.019 -0.046 0.005 0.104
2013.25 -0.029 -0.053 0.000 0.042
2013.50 -0.046 -0.075 -0.015 0.018
2013.75 -0.032 -0.056 -0.010 0.027
2014.00 -0.045 -0.074 -0.013 0.016
2014.25 -0.043 -0.079 -0.014 0.019
2014.50 -0.029 -0.066 0.000 0.036
2014.75 -0.018 -0.053 0.018 0.123
2015.00 -0.029 -0.074 0.005 0.083
2015.25 -0.019 -0.051 0.013 0.122
2015.50 -0.022 -0.058 0.007 0.105
2015.75 -0.019 -0.055 0.013 0.172
2016.00 -0.028 -0.067 0.008 0.102
"""


@pytest.mark.parametrize("progfunc,table,joint", [("ridge", VIGNETTE_ASCM, 0.071),
                                                  ("none", VIGNETTE_SCM, 0.34)])
def test_conformal_reproduces_vignette(kansas, progfunc, table, joint):
    res = _model(kansas, progfunc=progfunc).fit(conformal=True)
    rows = [row.split() for row in table.strip().splitlines()]
    columns = ["period", "estimate", "lower", "upper", "pvalue"]
    ref = pd.DataFrame(rows, dtype=float, columns=columns).set_index("period")
    eff = res.effects.loc[ref.index]
    post = res.effects["effect"].dropna()
    step = 4 * np.sqrt(np.mean(post**2)) / 49
    assert np.allclose(eff["effect"], ref["estimate"], atol=5e-4)
    assert np.abs(eff["effect_lower"] - ref["lower"]).max() <= 3 * step + 1e-3
    assert np.abs(eff["effect_upper"] - ref["upper"]).max() <= 3 * step + 1e-3
    # every printed bound is a null whose exact p-value augsynth's 1,000 draws could put at or
    # above 0.05 (within 3 Monte Carlo standard errors, sqrt(0.05 * 0.95 / 1000))
    floor = 0.05 - 3 * np.sqrt(0.05 * 0.95 / 1000)
    grids = res.conformal_grids
    for period, row in ref.iterrows():
        g = grids[period]
        for bound in (row["lower"], row["upper"]):
            nearest = g.iloc[(g["null"] - bound).abs().argmin()]
            gap = abs(nearest["null"] - bound)
            assert gap <= 5e-4 + 1e-9 or gap < step
            assert nearest["pvalue"] >= floor
    assert np.abs(eff["pvalue"] - ref["pvalue"]).max() <= 0.03
    # augsynth's joint null (1,000 random permutations; printed 0.071 and 0.34, 0.3 across runs)
    assert abs(res.joint_pvalue - joint) <= 0.04
    ci = res.conf_int()
    assert np.isnan(ci.iloc[0]).all()  # no average-effect interval (see conf_int docstring)
    assert np.allclose(ci.loc["effect 2012.5"], eff.loc[2012.5, ["effect_lower", "effect_upper"]])
    # lower alpha, wider intervals, from the stored grids
    wide = res.conf_int(0.025).iloc[1:].dropna()
    assert len(wide) > 0 and (wide["lower"] <= ci.loc[wide.index, "lower"]).all()
    # 89 + 1 periods: no p-value is below 1/90, so at alpha 0.01 no bound is located
    assert res.conf_int(0.01).iloc[1:].isna().all().all()


def test_params_and_intervals_align(kansas):
    res = _model(kansas).fit(conformal=True)
    assert list(res.conf_int().index) == list(res.params.index)
    assert res.params.index[0] == "average effect" and len(res.params) == 17
    post = res.effects["effect"].dropna()
    assert np.allclose(res.params.iloc[1:], post)
    assert res.provenance["data"]["datasets"]["user-supplied"]
    assert res.statistics["joint_pvalue"] == res.joint_pvalue
    frame = res.to_frame()
    assert np.isclose(frame.loc["effect 2013.5", "lower"], res.effects.loc[2013.5, "effect_lower"])


def test_study_runner_matches_model(kansas):
    from venecon.study.adapters import adapter, run_estimator
    from venecon.study.data import StudyDesign
    from venecon.study.estimators import Context

    opts = adapter("augmented_synthetic_control").options()
    # studies index periods by integer years or month starts: quarters as their first month
    time = pd.to_datetime(dict(year=kansas["year"], month=3 * kansas["qtr"] - 2, day=1))
    frame = pd.DataFrame({"unit": kansas["state"], "time": time, "value": kansas["lngdpcapita"]})
    donors = tuple(sorted(set(frame["unit"]) - {"Kansas"}))
    ts = pd.Timestamp
    design = StudyDesign(treatment_period=ts("2012-04-01"), treatment_date=ts("2012-04-01"),
                         pre=(ts("1990-01-01"), ts("2012-01-01")),
                         post=(ts("2012-04-01"), ts("2016-01-01")), sample_end=ts("2016-01-01"),
                         donors=donors, excluded={}, n_pre=89, flagged=(), other_events=())
    ctx = Context(frame=frame, treated="Kansas", frequency="monthly", unit="log GDP per capita",
                  alpha=0.05, design=design, treatment_label="tax cut")
    est = run_estimator("augmented_synthetic_control", ctx, opts)
    assert round(est.average_effect, 4) == -0.0401
    assert round(est.extra["estimated_bias"], 3) == 0.011
    assert abs(est.extra["joint_pvalue"] - 0.071) <= 0.04
    assert est.path.loc[ts("2012-04-01"), "lower"] == pytest.approx(-0.0443, abs=1e-4)
    assert est.lower is None and est.upper is None


def test_study_options_parse():
    from venecon.study.adapters import parse_estimators
    from venecon.study.spec import StudyError

    out = parse_estimators("study.estimators", {"augmented_synthetic_control": {
        "progfunc": "none", "lam": 0.5, "min_1se": False, "conformal": False}})
    opts = out["augmented_synthetic_control"]
    assert (opts.progfunc, opts.lam, opts.min_1se, opts.conformal) == ("none", 0.5, False, False)
    with pytest.raises(StudyError):
        parse_estimators("study.estimators", {"augmented_synthetic_control": {"progfunc": "lasso"}})


def test_study_with_ascm_recovers_a_known_effect():
    import json

    from venecon import Study
    from venecon.models.synth.grid import simulated_panel

    # a linear factor panel: the treated unit is a convex combination of donors, shifted by -20
    p = simulated_panel(n_donors=20, n_periods=31, treatment_period=26, effect=-20.0, noise=1.0,
                        seed=3, n_covariates=0)
    frame = pd.DataFrame({"unit": p["unit"].replace({"treated": "ZZZ"}),
                          "time": p["period"] + 1989, "value": p["y"]})
    study = Study(name="ascm-study", treated="ZZZ", treatment=2015,
                  outcome={"frame": frame, "units": "kb/d"},
                  window={"pre": [1990, 2014], "post": [2015, 2020]},
                  estimators={"augmented_synthetic_control": {},
                              "synthetic_control": {"v": "equal", "placebo": False}})
    res = study.run()
    e = res.estimates["augmented_synthetic_control"]
    # same tolerance as the synthetic-control study test on this panel (noise sd 1)
    assert e.average_effect == pytest.approx(-20.0, abs=1.5)
    assert e.path["lower"].notna().sum() > 0
    grid = res.robustness.table
    row = grid[grid["estimator"] == "augmented_synthetic_control"]
    assert list(row["dimension"]) == ["estimator"]
    assert row["estimate"].iloc[0] == pytest.approx(e.average_effect)
    json.dumps(res.to_dict(), allow_nan=False)


def _kansas_pre(kansas: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    wide = kansas.pivot(index="state", columns="year_qtr", values="lngdpcapita")
    pre = wide.columns.to_numpy() < 2012.25
    Y = wide.drop(index="Kansas").to_numpy()
    y1 = wide.loc["Kansas"].to_numpy()
    mu = Y[:, pre].mean(axis=0)
    return Y, y1, Y[:, pre] - mu, y1[pre] - mu


def _ridge_solve(X: np.ndarray, r: np.ndarray, lam: float) -> np.ndarray:
    """The ridge correction as its formula reads: one linear solve per penalty."""
    return X @ np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), r)


def test_penalty_cv_matches_per_lambda_solves(kansas):
    """The one-SVD cross-validation against a refit per fold and a solve per fold and penalty.

    The error curves agree to 1e-9 relative: the normal equations ``X'X + lambda I`` square
    the condition number, so at the smallest penalties (1e-8 of the largest) the solve itself
    carries rounding of about 2e-10 relative; a per-fold SVD of each fold, which does not
    square it, agrees with the one-SVD path to 1e-12. The chosen penalty is the same grid
    point and the weights agree to 1e-12.
    """
    from venecon.models.synth.ascm import scm_weights

    Y, y1, Xc, x1 = _kansas_pre(kansas)
    pen = ridge_penalty_cv(Xc, x1)
    grid = np.array(pen.grid)
    assert grid[0] == pytest.approx(np.linalg.svd(Xc, compute_uv=False)[0] ** 2, rel=1e-14)
    t0 = Xc.shape[1]
    solved = np.empty((t0 - 1, grid.size))
    by_fold_svd = np.empty_like(solved)
    for i in range(t0 - 1):
        keep = np.arange(t0) != i
        X0, x0 = Xc[:, keep], x1[keep]
        w = scm_weights(X0, x0)
        r = x0 - X0.T @ w
        u, s, vt = np.linalg.svd(X0, full_matrices=False)
        for j, lam in enumerate(grid):
            solved[i, j] = (x1[i] - Xc[:, i] @ (w + _ridge_solve(X0, r, lam))) ** 2
            by_fold_svd[i, j] = (x1[i] - Xc[:, i] @ (w + u @ (s / (s * s + lam) * (vt @ r))))**2
    for ref, rtol in ((solved, 1e-9), (by_fold_svd, 1e-12)):
        np.testing.assert_allclose(pen.errors, ref.mean(axis=0), rtol=rtol, atol=0)
        se = ref.std(axis=0, ddof=1) / np.sqrt(t0 - 1)
        np.testing.assert_allclose(pen.std_errors, se, rtol=rtol, atol=0)
    mean = solved.mean(axis=0)
    se = solved.std(axis=0, ddof=1) / np.sqrt(t0 - 1)
    k = int(mean.argmin())
    assert pen.value == grid[mean <= mean[k] + se[k]].max()
    # the fitted weights: SCM plus the correction solved at the chosen penalty
    res = _model(kansas).fit()
    w_scm = scm_weights(Xc, x1)
    w = w_scm + _ridge_solve(Xc, x1 - Xc.T @ w_scm, pen.value)
    np.testing.assert_allclose(res.weights.to_numpy(), w, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(res.scm_weights.to_numpy(), w_scm)
    assert res.att == pytest.approx(float(np.mean((y1 - w @ Y)[Y.shape[1] - 16:])), abs=1e-12)


@pytest.mark.parametrize("progfunc", ["ridge", "none"])
def test_conformal_matches_refits_from_scratch(kansas, progfunc):
    """Conformal p-values identical to refitting every null from scratch (centring, a cold
    SCM solve and a ridge solve per null), the residuals behind them and the grids equal to
    rounding."""
    from venecon.models.synth.ascm import ConformalRefit, conformal_pvalue, scm_weights

    res = _model(kansas, progfunc=progfunc).fit(conformal=True)
    lam = None if res.penalty is None else res.penalty.value
    Y, y1, Xc, _ = _kansas_pre(kansas)
    t0 = Xc.shape[1]

    def residuals(Yx: np.ndarray, target: np.ndarray) -> np.ndarray:
        mu = Yx.mean(axis=0)
        X, x = Yx - mu, target - mu
        w = scm_weights(X, x)
        if lam is not None:
            w = w + _ridge_solve(X, x - X.T @ w, lam)
        return target - w @ Yx

    grids = res.conformal_grids
    assert len(grids) == Y.shape[1] - t0
    for j, (period, frame) in enumerate(grids.items()):
        Yx = np.c_[Y[:, :t0], Y[:, t0 + j]]
        refit = ConformalRefit(Yx, lam)  # the nulls in the fit's order: warm starts as there
        p = []
        for h in frame["null"]:
            target = np.r_[y1[:t0], y1[t0 + j] - h]
            r = residuals(Yx, target)
            np.testing.assert_allclose(refit.residuals(target), r, rtol=0, atol=1e-13)
            p.append(np.mean(np.abs(r) >= abs(r[-1]) - 1e-12 * max(abs(r[-1]), 1.0)))
        np.testing.assert_array_equal(frame["pvalue"].to_numpy(), p, err_msg=str(period))
        post = res.effects["effect"].dropna().to_numpy()
        scale = np.sqrt(np.mean(post**2))
        ref_grid = np.r_[np.linspace(post[j] - 2 * scale, post[j] + 2 * scale, 50), 0.0]
        np.testing.assert_allclose(frame["null"], ref_grid, rtol=0, atol=1e-14)
    joint = conformal_pvalue(residuals(Y, y1), Y.shape[1] - t0, "iid")
    assert res.joint_pvalue == joint


@pytest.mark.parametrize("donors,periods,spike", [(30, 8, 0.0), (6, 25, 0.0), (12, 20, 1e4)])
def test_penalty_cv_shapes_and_leverage(donors, periods, spike):
    """The one-SVD path against a per-fold SVD with more donors than periods (every period of
    leverage one), fewer, and one period of leverage near one (a donor's outcome spiking in
    it, where both sides agree to about 1e-12 at the middle penalties, 1e-15 elsewhere)."""
    from venecon.models.synth.ascm import scm_weights

    rng = np.random.default_rng(donors * periods)
    Y = rng.normal(size=(donors, periods)).cumsum(axis=1)
    Y[0, 3] += spike
    y1 = Y[1:4].mean(axis=0) + rng.normal(scale=0.3, size=periods)
    mu = Y.mean(axis=0)
    Xc, x1 = Y - mu, y1 - mu
    pen = ridge_penalty_cv(Xc, x1)
    errors = np.empty((periods - 1, len(pen.grid)))
    for i in range(periods - 1):
        keep = np.arange(periods) != i
        X0, x0 = Xc[:, keep], x1[keep]
        w = scm_weights(X0, x0)
        u, s, vt = np.linalg.svd(X0, full_matrices=False)
        c = u @ ((s / (s * s + np.array(pen.grid)[:, None])) * (vt @ (x0 - X0.T @ w))).T
        errors[i] = (x1[i] - Xc[:, i] @ (w[:, None] + c)) ** 2
    np.testing.assert_allclose(pen.errors, errors.mean(axis=0), rtol=1e-11, atol=0)


def test_is_a_public_name_of_venecon_models():
    import venecon.models

    assert venecon.models.AugmentedSynthControl is AugmentedSynthControl
    assert "AugmentedSynthResults" in venecon.models.__all__
