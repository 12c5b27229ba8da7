"""Staggered adoption in venecon.models.SyntheticDiD.

References
----------
* ``synthdid-py`` 0.1.0 ``synthdid.staggered`` (``staggered_synthdid_estimate`` and
  ``StaggeredEstimate.se``), which implements the cohort-by-cohort estimator of Stata
  ``sdid`` (Clarke, Pailanir, Athey and Imbens 2023): the aggregate ATT and its jackknife,
  placebo and bootstrap standard errors (venecon draws the same permutations and bootstrap
  samples from ``numpy.random.default_rng(seed)``) agree to 1e-8.
* By hand: the aggregate equals the treated-unit-period weighted mean of single-cohort
  SyntheticDiD fits on each cohort and the never-treated units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models import SyntheticDiD

COHORTS = {6: 2, 8: 3, 10: 2}  # adoption position: number of treated units
KW = dict(outcome="y", unit="unit", time="year")


def staggered_panel(seed: int = 0, n_co: int = 14, T: int = 12, cohorts=COHORTS) -> pd.DataFrame:
    """Two-factor model with unit intercepts and an effect of 2 from adoption on."""
    rng = np.random.default_rng(seed)
    N = n_co + sum(cohorts.values())
    factors = rng.normal(size=(T, 2)).cumsum(axis=0)
    loadings = rng.normal(size=(N, 2))
    Y = 3 * rng.normal(size=N)[:, None] + loadings @ factors.T + rng.normal(size=(N, T))
    adopt = np.full(N, T)
    start = n_co
    for a, k in cohorts.items():
        adopt[start : start + k] = a
        start += k
    D = np.arange(T)[None, :] >= adopt[:, None]
    Y = Y + 2.0 * D
    return pd.DataFrame(
        {
            "unit": np.repeat([f"u{i:02d}" for i in range(N)], T),
            "year": np.tile(np.arange(2000, 2000 + T), N),
            "y": Y.ravel(),
            "d": D.ravel().astype(int),
        }
    )


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return staggered_panel()


@pytest.fixture(scope="module")
def port(panel):
    staggered = pytest.importorskip("synthdid.staggered")
    return staggered.staggered_synthdid_estimate(
        panel, unit="unit", time="year", outcome="y", treatment="d"
    )


def test_point_estimate_and_cohorts_match_synthdid_port(panel, port):
    res = SyntheticDiD(panel, treated="d", se="none", **KW).fit()
    assert res.params["att"] == pytest.approx(port.att, abs=1e-8)
    table = res.cohorts
    assert list(table.index) == [2006, 2008, 2010]
    np.testing.assert_allclose(table["att"], port.by_cohort["tau"], atol=1e-8)
    np.testing.assert_allclose(table["weight"], port.by_cohort["weight"], atol=1e-12)
    assert list(table["n_treated"]) == [2, 3, 2] and list(table["post_periods"]) == [6, 4, 2]
    for label, est in port.estimates.items():
        np.testing.assert_allclose(
            res.cohort_unit_weights[label].to_numpy(), est.weights.omega, atol=1e-8
        )


def test_aggregate_equals_single_cohort_fits_by_hand(panel):
    res = SyntheticDiD(panel, treated="d", se="none", **KW).fit()
    first = panel[panel["d"] == 1].groupby("unit")["year"].min()
    never = sorted(set(panel["unit"]) - set(first.index))
    atts, weights = [], []
    for year, members in first.groupby(first):
        sub = panel[panel["unit"].isin(never + list(members.index))]
        one = SyntheticDiD(
            sub, treated=list(members.index), treatment_time=year, se="none", **KW
        ).fit()
        atts.append(one.params["att"])
        weights.append(len(members) * (2012 - year))
    assert res.params["att"] == pytest.approx(np.average(atts, weights=weights), abs=1e-10)
    # the per-period effects average to the same number over treated unit-periods
    eff = res.effects["effect"].dropna()
    n_now = [int((first <= y).sum()) for y in eff.index]
    assert np.average(eff, weights=n_now) == pytest.approx(res.params["att"], abs=1e-10)


@pytest.mark.parametrize("se", ["jackknife", "placebo", "bootstrap"])
def test_standard_errors_match_synthdid_port(panel, port, se):
    res = SyntheticDiD(panel, treated="d", se=se, replications=8, seed=11, **KW).fit()
    expected = port.se(method=se, replications=8, random_state=11)
    assert res.std_errors["att"] == pytest.approx(expected, rel=1e-8)
    assert res.std_errors["att"] > 0
    assert res.cohorts["std_error"].notna().all()
    lo, hi = res.conf_int().loc["att"]
    assert lo < res.params["att"] < hi


def test_adoption_dict_equals_indicator_column(panel):
    first = panel[panel["d"] == 1].groupby("unit")["year"].min()
    by_dict = SyntheticDiD(panel.drop(columns="d"), treated=first.to_dict(), se="none", **KW)
    by_col = SyntheticDiD(panel, treated="d", se="none", **KW)
    assert by_dict.fit().params["att"] == pytest.approx(by_col.fit().params["att"], abs=1e-12)
    res = by_dict.fit()
    assert res.provenance["options"]["adoption"]["u14"] == 2006
    assert "Adoption cohorts" in str(res.summary())
    assert res.to_dict()["cohorts"][0]["adoption"] == 2006
    # one adoption date given as a dict is the single-date estimator
    one = {u: 2008 for u in first.index}
    single = SyntheticDiD(panel.drop(columns="d"), treated=one, se="none", **KW).fit()
    listed = SyntheticDiD(
        panel.drop(columns="d"), treated=list(first.index), treatment_time=2008, se="none", **KW
    ).fit()
    assert single.params["att"] == listed.params["att"] and single.cohorts is None


def test_bad_staggered_designs(panel):
    first = panel[panel["d"] == 1].groupby("unit")["year"].min().to_dict()
    with pytest.raises(InsufficientDataError, match="2001.*u14.*1 pre-treatment"):
        SyntheticDiD(panel.drop(columns="d"), treated={**first, "u14": 2001}, **KW)
    everyone = {u: 2006 + 2 * (i % 3) for i, u in enumerate(sorted(panel["unit"].unique()))}
    with pytest.raises(InsufficientDataError, match="never-treated"):
        SyntheticDiD(panel.drop(columns="d"), treated=everyone, **KW)
    with pytest.raises(ModelSpecificationError, match="drop treatment_time"):
        SyntheticDiD(panel.drop(columns="d"), treated=first, treatment_time=2006, **KW)
    with pytest.raises(ModelSpecificationError, match="disagrees.*2006, 2008, 2010"):
        SyntheticDiD(panel, treated="d", treatment_time=2006, **KW)
    with pytest.raises(ModelSpecificationError, match="not a period"):
        SyntheticDiD(panel.drop(columns="d"), treated={**first, "u14": 1990}, **KW)
    few = {u: first.get(u, 2008) for u in sorted(panel["unit"].unique())[5:]}
    with pytest.raises(InsufficientDataError, match="placebo.*more controls"):
        SyntheticDiD(panel.drop(columns="d"), treated=few, **KW)
    off = panel.assign(
        d=np.where((panel["unit"] == "u14") & (panel["year"] == 2011), 0, panel["d"])
    )
    with pytest.raises(ModelSpecificationError, match="switches off.*u14"):
        SyntheticDiD(off, treated="d", **KW)
