"""Time-varying covariates in venecon.models.SyntheticDiD.

References
----------
* ``synthdid-py`` 0.1.0, a port of R ``synthdid``: ``synthdid_estimate(Y, N0, T0, X=X)``
  (and ``sc_estimate``, ``did_estimate``), whose covariate coefficients are updated jointly
  with the weights (R's ``sc.weight.fw.covariates``), and its ``placebo_se``,
  ``bootstrap_se`` and ``jackknife_se``. Weights, ``beta``, the ATT and the three standard
  errors agree to 1e-8 on a simulated panel with a covariate effect.
* The projected adjustment (Kranz 2022; Stata ``sdid ..., covariates(..., projected)``)
  by hand: ``beta`` from pyfixest's ``feols(y ~ x1 + x2 | unit + t)`` on the untreated
  observations, then synthdid-py on ``Y - X beta``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from venecon.exceptions import ModelSpecificationError
from venecon.models import SDIDOptions, SyntheticDiD

N0, N1, T0, T1 = 14, 3, 9, 4
BETA = np.array([1.5, -0.7])
# a cap on the joint iterations keeps the test short; both libraries apply the same cap
CAP = 1500
KW = dict(outcome="y", unit="unit", time="t", covariates=["x1", "x2"])


def covariate_panel(seed: int = 1) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """One factor, unit intercepts, two trending covariates with effects BETA, effect 1."""
    rng = np.random.default_rng(seed)
    N, T = N0 + N1, T0 + T1
    X = 0.5 * rng.normal(size=(N, T, 2)).cumsum(axis=1)
    factor = rng.normal(size=T).cumsum()
    Y = (
        2 * rng.normal(size=N)[:, None]
        + np.outer(rng.normal(size=N), factor)
        + X @ BETA
        + 0.5 * rng.normal(size=(N, T))
    )
    Y[N0:, T0:] += 1.0
    units = [f"s{i:02d}" for i in range(N)]
    frame = pd.DataFrame(
        {
            "unit": np.repeat(units, T),
            "t": np.tile(np.arange(1990, 1990 + T), N),
            "y": Y.ravel(),
            "x1": X[..., 0].ravel(),
            "x2": X[..., 1].ravel(),
        }
    )
    frame["d"] = (frame["unit"].isin(units[N0:]) & (frame["t"] >= 1990 + T0)).astype(int)
    return frame, Y, X


@pytest.fixture(scope="module")
def panel():
    return covariate_panel()


@pytest.fixture(scope="module")
def port_estimate(panel):
    synthdid = pytest.importorskip("synthdid")
    _, Y, X = panel
    return synthdid.synthdid_estimate(Y, N0, T0, X=X, max_iter=CAP)


def _fit(frame, **kw):
    return SyntheticDiD(frame, treated="d", options=SDIDOptions(max_iter=CAP), **KW, **kw).fit()


@pytest.mark.parametrize("method", ["sdid", "sc", "did"])
def test_optimized_covariates_match_synthdid_port(panel, method):
    synthdid = pytest.importorskip("synthdid")
    frame, Y, X = panel
    fn = {
        "sdid": synthdid.synthdid_estimate,
        "sc": synthdid.sc_estimate,
        "did": synthdid.did_estimate,
    }[method]
    est = fn(Y, N0, T0, X=X, max_iter=CAP)
    res = _fit(frame, method=method, se="none")
    assert res.params["att"] == pytest.approx(float(est), abs=1e-8)
    np.testing.assert_allclose(res.covariate_coefficients, est.weights.beta, atol=1e-8)
    np.testing.assert_allclose(res.unit_weights, est.weights.omega, atol=1e-8)
    np.testing.assert_allclose(res.time_weights, est.weights.lambda_, atol=1e-8)
    # the effect path is on Y - X beta; actual is the raw treated mean
    assert res.effects["actual"].iloc[0] == pytest.approx(Y[N0:, 0].mean(), abs=1e-12)
    # the covariates matter here: ignoring them moves the estimate
    plain = SyntheticDiD(
        frame, treated="d", se="none", method=method, outcome="y", unit="unit", time="t"
    ).fit()
    assert abs(plain.params["att"] - res.params["att"]) > 1e-3


@pytest.mark.parametrize("se", ["placebo", "bootstrap", "jackknife"])
def test_standard_errors_match_synthdid_port(panel, port_estimate, se):
    from synthdid.vcov import bootstrap_se, jackknife_se, placebo_se

    frame, _, _ = panel
    res = _fit(frame, se=se, replications=5, seed=4)
    expected = {
        "placebo": lambda: placebo_se(port_estimate, 5, 4),
        "bootstrap": lambda: bootstrap_se(port_estimate, 5, 4),
        "jackknife": lambda: jackknife_se(port_estimate),
    }[se]()
    assert res.std_errors["att"] == pytest.approx(expected, rel=1e-8)


def test_projected_covariates_by_hand(panel):
    synthdid = pytest.importorskip("synthdid")
    import pyfixest as pf

    frame, Y, X = panel
    res = SyntheticDiD(frame, treated="d", se="none", covariate_method="projected", **KW).fit()
    untreated = frame[frame["d"] == 0]
    fit = pf.feols("y ~ x1 + x2 | unit + t", data=untreated)
    beta = fit.coef()[["x1", "x2"]].to_numpy()
    np.testing.assert_allclose(res.covariate_coefficients, beta, rtol=1e-8)
    est = synthdid.synthdid_estimate(Y - X @ beta, N0, T0)
    assert res.params["att"] == pytest.approx(float(est), abs=1e-8)
    assert "Covariate adjustment" in str(res.summary())
    assert res.provenance["options"]["covariate_method"] == "projected"


def test_staggered_with_covariates_matches_port():
    staggered = pytest.importorskip("synthdid.staggered")
    frame, _, _ = covariate_panel(seed=5)
    # a second cohort: the last treated unit adopts three periods later
    last = frame["unit"] == f"s{N0 + N1 - 1:02d}"
    frame = frame.assign(d=np.where(last & (frame["t"] < 1990 + T0 + 3), 0, frame["d"]))
    res = _fit(frame, se="placebo", replications=4, seed=1)
    port = staggered.staggered_synthdid_estimate(
        frame,
        unit="unit",
        time="t",
        outcome="y",
        treatment="d",
        covariates=["x1", "x2"],
        max_iter=CAP,
    )
    assert res.params["att"] == pytest.approx(port.att, abs=1e-8)
    assert list(res.cohorts.columns[-2:]) == ["beta[x1]", "beta[x2]"]
    for (_, row), est in zip(res.cohorts.iterrows(), port.estimates.values(), strict=True):
        np.testing.assert_allclose(row[["beta[x1]", "beta[x2]"]], est.weights.beta, atol=1e-8)
    assert res.cohorts["att"].to_numpy() == pytest.approx(port.by_cohort["tau"], abs=1e-8)


def test_bad_covariates(panel):
    frame, _, _ = panel
    with pytest.raises(ModelSpecificationError, match="'x9' not in data"):
        SyntheticDiD(frame, treated="d", outcome="y", unit="unit", time="t", covariates="x9")
    holes = frame.astype({"x1": object})
    holes.loc[3, "x1"] = "n/a"
    with pytest.raises(ModelSpecificationError, match="covariate 'x1'.*non-numeric"):
        SyntheticDiD(holes, treated="d", **KW)
    with pytest.raises(ModelSpecificationError, match="never vary"):
        SyntheticDiD(frame.assign(x2=1.0), treated="d", **KW)
    with pytest.raises(ModelSpecificationError, match="covariate_method"):
        SyntheticDiD(frame, treated="d", covariate_method="residualised", **KW)
