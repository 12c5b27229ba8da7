"""Specification curves (venecon.study.curve): the grid, each row's fit, the seeds, the plot."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import pytest

from venecon.study import bundled_studies
from venecon.study.adapters import run_estimator
from venecon.study.curve import PREDICTOR_SETS, specification_curve
from venecon.study.spec import StudyError


@pytest.fixture(scope="module")
def study():
    return bundled_studies()["libya-2011"]


@pytest.fixture(scope="module")
def curve(study):
    return specification_curve(study, sizes=[2, 3], subsets_per_size=2, seed=4)


def test_every_combination_once(study, curve):
    t = curve.table
    starts = t["start"].unique()
    # per donor subset and start: 3 predictor sets x 2 SC variants + the ridge ASCM
    assert len(t) == 2 * 2 * len(starts) * (2 * len(PREDICTOR_SETS) + 1)
    assert list(t["spec_id"]) == [f"{i:05d}" for i in range(1, len(t) + 1)]
    assert set(t["donor_size"]) == {2, 3}
    assert (t["donors"].str.split().str.len() == t["donor_size"]).all()
    assert t.groupby("donor_size")["donors"].nunique().tolist() == [2, 2]
    assert starts[0] == study.context().pre[0] and len(starts) >= 2
    assert not t.duplicated(["donors", "predictors", "start", "estimator"]).any()
    assert (t["status"] == "ok").all() and t["estimate"].notna().all()


def test_a_row_is_the_estimator_on_its_variant(study, curve):
    import dataclasses

    t = curve.table
    row = t[(t["estimator"] == "synthetic control (regression V)")
            & (t["predictors"] == "every pre-period outcome")].iloc[-1]
    ctx = study.context()
    variant = ctx.vary(donors=tuple(row["donors"].split()), pre=(row["start"], ctx.pre[1]),
                       predictor_set="all_pre_outcomes")
    opts = dataclasses.replace(study.estimators["synthetic_control"], v="regression",
                               placebo=False, fit_window=None)
    assert run_estimator("synthetic_control", variant, opts, inference=False).average_effect \
        == row["estimate"]


def test_seeded_subsets_and_summary(study, curve):
    again = specification_curve(study, sizes=[2, 3], subsets_per_size=2, seed=4)
    assert again.table.equals(curve.table)
    other = specification_curve(study, sizes=[3], subsets_per_size=2, seed=5)
    assert set(other.table["donors"]) != set(curve.table.query("donor_size == 3")["donors"])
    s = curve.summary()
    est = curve.table["estimate"]
    assert s["n_specifications"] == s["n_fitted"] == len(est)
    assert s["min"] == est.min() and s["max"] == est.max() and s["median"] == est.median()
    assert 0.0 <= s["share_same_sign"] <= 1.0 and curve.headline is not None
    fig = curve.plot()
    assert len(fig.axes) == 3
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_all_subsets_when_there_are_few(study):
    n = len(study.context().donors)
    t = specification_curve(study, sizes=[n], subsets_per_size=3, starts=[1995]).table
    assert t["donors"].nunique() == math.comb(n, n) and len(t) == 2 * len(PREDICTOR_SETS) + 1


def test_bad_sizes_are_refused(study):
    with pytest.raises(StudyError, match="is not a pool size"):
        specification_curve(study, sizes=[1])
