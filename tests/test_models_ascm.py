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

from venecon.exceptions import ModelSpecificationError, UnbalancedPanelError
from venecon.models.ascm import AugmentedSynthControl, ridge_penalty_cv

KANSAS_SHA256 = "3d4b9ffdcaf9927eb53d97d7ee2bd55b5538a400a905f530391737df0ab985fd"


@pytest.fixture(scope="module")
def kansas() -> pd.DataFrame:
    root = os.environ.get("VENECON_TEST_DATA")
    if not root:
        pytest.skip("VENECON_TEST_DATA is not set (augsynth-kansas/kansas.csv)")
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
    assert pen.value == max(g for g, e in zip(pen.grid, pen.errors)
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
