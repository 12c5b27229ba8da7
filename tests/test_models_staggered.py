"""Sun-Abraham: recovers a known dynamic ATT where TWFE fails, and equals a hand-built OLS."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels.panel import PanelOLS
from reference_data import mirror_file
from test_models_panel import staggered_panel

from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models.did.panel import PanelEventStudy
from venecon.models.did.sun_abraham import SunAbraham

# Effects in staggered_panel: (l + 1) * slope_e for l >= 0, slopes 0.5 / 0.2 / -0.1
# for the cohorts first treated in 2006 / 2010 / 2014 (periods 2001-2020).
SLOPES = {2006: 0.5, 2010: 0.2, 2014: -0.1}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return staggered_panel(seed=1, n_per=15)


def true_dynamic_att(frame: pd.DataFrame, ks) -> dict[int, float]:
    """ATT at event time k: effect averaged over the treated entities observed at k."""
    treated = frame[frame["cohort"].notna()].assign(rel=lambda f: f["date"] - f["cohort"])
    out = {}
    for k in ks:
        at = treated[treated["rel"] == k]
        effect = [(k + 1) * SLOPES[int(c)] if k >= 0 else 0.0 for c in at["cohort"]]
        out[k] = float(np.mean(effect))
    return out


def test_recovers_the_true_dynamic_att_where_twfe_is_biased(panel):
    ks = range(-4, 7)
    truth = true_dynamic_att(panel, ks)
    sa = SunAbraham(panel, outcome="y", cohort="cohort", controls=["x"], window=(-4, 6)).fit()
    twfe = PanelEventStudy(panel, outcome="y", cohort="cohort", controls=["x"],
                           window=(-4, 6)).fit()
    sa_err = np.array([sa.event_time.loc[k, "estimate"] - truth[k] for k in ks])
    twfe_err = np.array([twfe.event_time.loc[k, "estimate"] - truth[k] for k in ks])
    se = np.array([max(sa.event_time.loc[k, "std_error"], 1e-12) for k in ks if k != -1])
    # Measured (seed 1): SA max |error| 0.088 (at most 1.74 SE); TWFE max |error| 1.71.
    assert np.abs(sa_err).max() < 0.15
    assert np.all(np.abs(np.delete(sa_err, 3)) < 3 * se)
    assert np.abs(twfe_err).max() > 1.0
    # The post-period ATT: observation-weighted mean of the true cell effects in the window.
    treated = panel[panel["cohort"].notna()].assign(rel=lambda f: f["date"] - f["cohort"])
    post = treated[(treated["rel"] >= 0) & (treated["rel"] <= 6)]
    att_true = np.mean([(r + 1) * SLOPES[int(c)]
                        for r, c in zip(post["rel"], post["cohort"], strict=True)])
    assert abs(sa.params["att"] - att_true) < 3 * sa.std_errors["att"]


def _hand_design(frame: pd.DataFrame, ref: int = -1):
    """Saturated cohort x relative-period dummies built independently of venecon."""
    cols = {}
    for c in sorted(frame["cohort"].dropna().unique()):
        rels = sorted((frame.loc[frame["cohort"] == c, "date"] - c).astype(int).unique())
        for r in rels:
            if r == ref:
                continue
            cols[(int(c), int(r))] = (((frame["cohort"] == c) & (frame["date"] - c == r))
                                      .astype(float).to_numpy())
    return cols


def test_cohort_effects_equal_a_hand_built_ols_and_iw_equals_weights_times_coefficients(panel):
    sa = SunAbraham(panel, outcome="y", cohort="cohort", controls=["x"]).fit()
    cells = _hand_design(panel)
    X = pd.DataFrame({f"{e}:{r}": v for (e, r), v in cells.items()})
    X["x"] = panel["x"].to_numpy()
    X = pd.concat([X, pd.get_dummies(panel["country"], prefix="i", drop_first=True, dtype=float),
                   pd.get_dummies(panel["date"], prefix="t", drop_first=True, dtype=float)], axis=1)
    ols = sm.OLS(panel["y"].to_numpy(), sm.add_constant(X)).fit()
    ce = sa.cohort_effects.set_index(["cohort", "rel"])
    assert len(ce) == len(cells)
    for (e, r) in cells:
        assert abs(ce.loc[(e, r), "estimate"] - ols.params[f"{e}:{r}"]) < 1e-8
    # Cluster-robust covariance of the dummies regression (statsmodels, entity clusters):
    # identical up to linearmodels' small-sample scaling, which is a common scalar.
    codes = pd.factorize(panel["country"])[0]
    robust = ols.get_robustcov_results("cluster", groups=codes, use_correction=False)
    names = [f"{e}:{r}" for (e, r) in cells]
    sm_se = pd.Series(robust.bse, index=ols.params.index)[names].to_numpy()
    ratio = ce["std_error"].to_numpy() / sm_se
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-8)
    # IW aggregation by hand: counts of each cohort at each relative period.
    counts = {(e, r): v.sum() for (e, r), v in cells.items()}
    vcov = sa.cohort_cov
    for k in [-5, -2, 0, 3, 9]:
        members = [(e, r) for (e, r) in cells if r == k]
        w = np.array([counts[m] for m in members], dtype=float)
        w /= w.sum()
        coef = np.array([ols.params[f"{e}:{r}"] for e, r in members])
        name = f"event_{k:+d}" if k else "event_0"
        assert abs(sa.params[name] - w @ coef) < 1e-8
        cols = [ce.loc[m, "parameter"] for m in members]
        v = vcov.loc[cols, cols].to_numpy()
        assert abs(sa.std_errors[name] - np.sqrt(w @ v @ w)) < 1e-12
        np.testing.assert_allclose(sa.weights.loc[[e for e, _ in members], k].to_numpy(), w,
                                   atol=1e-15)
    # The cohort coefficients and their covariance are a direct PanelOLS call's.
    direct_x = pd.DataFrame({ce.loc[(e, r), "parameter"]: v for (e, r), v in cells.items()})
    direct_x["x"] = panel["x"].to_numpy()
    direct_x.index = pd.MultiIndex.from_frame(panel[["country", "date"]])
    lm = PanelOLS(panel.set_index(["country", "date"])["y"], direct_x, entity_effects=True,
                  time_effects=True).fit(cov_type="clustered", cluster_entity=True, debiased=True,
                                         group_debias=True)
    cols = list(ce["parameter"])
    np.testing.assert_allclose(sa.cohort_cov.to_numpy(), lm.cov.loc[cols, cols].to_numpy(),
                               atol=1e-10, rtol=0)


def test_last_treated_cohort_as_control_equals_hand_built_ols(panel):
    treated_only = panel[panel["cohort"].notna()].reset_index(drop=True)
    sa = SunAbraham(treated_only, outcome="y", cohort="cohort", control_group="last").fit()
    # By hand: drop periods from 2014 on, code the 2014 cohort as untreated.
    sub = treated_only[treated_only["date"] < 2014].copy()
    sub["cohort"] = sub["cohort"].where(sub["cohort"] != 2014)
    cells = _hand_design(sub)
    X = pd.DataFrame({f"{e}:{r}": v for (e, r), v in cells.items()})
    X = pd.concat([X,
                   pd.get_dummies(sub["country"], prefix="i", drop_first=True, dtype=float)
                   .reset_index(drop=True),
                   pd.get_dummies(sub["date"], prefix="t", drop_first=True, dtype=float)
                   .reset_index(drop=True)], axis=1)
    ols = sm.OLS(sub["y"].to_numpy(), sm.add_constant(X)).fit()
    ce = sa.cohort_effects.set_index(["cohort", "rel"])
    assert sorted(ce.index.get_level_values(0).unique()) == [2006, 2010]
    for (e, r) in cells:
        assert abs(ce.loc[(e, r), "estimate"] - ols.params[f"{e}:{r}"]) < 1e-8
    assert sa.periods == (2001, 2013)


def test_results_api(panel):
    sa = SunAbraham(panel, outcome="y", cohort="cohort", window=(-3, 3)).fit()
    assert list(sa.params.index) == ["event_-3", "event_-2", "event_0", "event_+1", "event_+2",
                                     "event_+3", "att"]
    assert list(sa.event_time.index) == [-3, -2, -1, 0, 1, 2, 3]
    json.dumps(sa.to_dict())
    assert "Sun and Abraham" in str(sa.summary())
    np.testing.assert_allclose(sa.weights.sum(axis=0).loc[[-3, 0, 3]].to_numpy(), 1.0)


def test_always_treated_entities_are_dropped_and_late_cohorts_are_never_treated(panel):
    frame = panel.copy()
    frame.loc[frame["country"] == "c00", "cohort"] = 1990   # always treated
    frame.loc[frame["country"] == "c01", "cohort"] = 2030   # treated after the sample
    sa = SunAbraham(frame, outcome="y", cohort="cohort").fit()
    assert sa.dropped["always_treated"] == ["c00"]
    assert sa.entities == frame["country"].nunique() - 1


def test_bad_inputs():
    no_never = staggered_panel(never=False, n_per=4)
    with pytest.raises(ModelSpecificationError, match="no untreated comparison"):
        SunAbraham(no_never, outcome="y", cohort="cohort").fit()
    one_cohort = staggered_panel(cohorts=(10,), never=False, n_per=4)
    with pytest.raises(ModelSpecificationError, match="at least two treated cohorts"):
        SunAbraham(one_cohort, outcome="y", cohort="cohort", control_group="last").fit()
    panel = staggered_panel(n_per=3)
    with pytest.raises(ModelSpecificationError, match="control must be"):
        SunAbraham(panel, outcome="y", cohort="cohort", control_group="notyet").fit()
    with pytest.raises(ModelSpecificationError, match="unbalanced"):
        SunAbraham(panel.drop(index=[7]), outcome="y", cohort="cohort", require_balanced=True).fit()
    with pytest.raises(InsufficientDataError, match="window"):
        SunAbraham(panel, outcome="y", cohort="cohort", window=(40, 50)).fit()
    gap = panel[~((panel["cohort"] == 2010) & (panel["date"] == 2009))]
    with pytest.raises(InsufficientDataError, match="reference period"):
        SunAbraham(gap, outcome="y", cohort="cohort").fit()


def test_oil_sanctions_application_matches_the_pinned_fixture():
    """Regression: tests/fixtures/panel_oil_sanctions.json (made by make_panel_oil_sanctions.py)."""
    from pathlib import Path

    import venecon
    from venecon.study.sanction_output import oil_sanctions_output_study

    pinned = json.loads(
        (Path(__file__).parent / "fixtures" / "panel_oil_sanctions.json").read_text())
    if (pinned["inputs"]["production_annual"] != venecon.describe("production_annual")["hash"]
            or pinned["inputs"]["oil_sanction_episodes"]
            != venecon.describe("oil_sanction_episodes")["hash"]):
        pytest.fail(
            "bundled data changed: rerun tests/fixtures/make_panel_oil_sanctions.py deliberately")
    r = oil_sanctions_output_study()
    sa = r["sun_abraham"]
    assert r["cohorts"] == pinned["cohorts"]
    assert sa.nobs == pinned["nobs"] and list(sa.periods) == pinned["periods"]
    for k, v in pinned["sun_abraham"]["params"].items():
        assert abs(sa.params[k] - v) < 1e-9, k
        assert abs(sa.std_errors[k] - pinned["sun_abraham"]["std_errors"][k]) < 1e-9, k
    for k, v in pinned["venezuela_path"].items():
        got = r["paths"]["VEN"].loc[int(k)]
        assert (v is None and np.isnan(got)) or abs(got - v) < 1e-9, k
    for k, v in pinned["twfe"]["params"].items():
        assert abs(r["twfe"].params[k] - v) < 1e-9, k


# --------------------------------------------------------------------------- mpdta, pyfixest, alpha

# R did, aggte(att_gt(yname = "lemp", gname = "first.treat", idname = "countyreal",
# tname = "year", data = mpdta), type = "dynamic") (never-treated controls, no covariates),
# as printed to four decimals; with these controls the Sun-Abraham IW estimate of each
# post-treatment event time is the same average of the same cohort-period contrasts.
MPDTA_DYNAMIC_ATT = {0: -0.0199, 1: -0.0510, 2: -0.1373, 3: -0.1008}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    """Callaway and Sant'Anna's mpdta panel (shared/raw/MANIFEST.md)."""
    path = mirror_file("mpdta.csv")
    frame = pd.read_csv(path)
    frame["cohort"] = frame["first.treat"].where(frame["first.treat"] > 0)
    return frame


def test_mpdta_dynamic_att_matches_r_did_and_pyfixest_saturated(mpdta):
    import re
    import warnings

    import pyfixest as pf

    sa = SunAbraham(mpdta, outcome="lemp", cohort="cohort", unit="countyreal", time="year").fit()
    for e, value in MPDTA_DYNAMIC_ATT.items():
        name = f"event_{e:+d}" if e else "event_0"
        assert abs(sa.params[name] - value) <= 5e-5, name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyfixest: the saturated event study is "in beta"
        fit = pf.event_study(mpdta, yname="lemp", idname="countyreal", tname="year",
                             gname="first.treat", estimator="saturated", att=False)
    pattern = re.compile(r"::(-?[\d.]+):.+::(-?[\d.]+)$")
    names = {}
    for name in fit.coef().index:
        rel, cohort = pattern.search(name).groups()
        names[(int(float(cohort)), int(float(rel)))] = name
    ce = sa.cohort_effects
    theirs = [names[(e, r)] for e, r in zip(ce["cohort"], ce["rel"], strict=True)]
    assert len(theirs) == len(names) == 12
    np.testing.assert_allclose(ce["estimate"].to_numpy(), fit.coef()[theirs].to_numpy(), rtol=0,
                               atol=1e-10)
    # Clustered errors differ by one scalar: linearmodels counts the entity effects in the
    # degrees of freedom, pyfixest does not (they are nested in the clusters).
    n, entities, periods, k = len(mpdta), 500, 5, len(ce)
    scalar = np.sqrt((n - k - periods) / (n - k - entities - periods + 1))
    np.testing.assert_allclose(ce["std_error"].to_numpy() / fit.se()[theirs].to_numpy(), scalar,
                               rtol=1e-10, atol=0)
    # The cohort regression is a PanelOLS call's (run on demand).
    lm = sa.linearmodels
    np.testing.assert_allclose(lm.params[ce["parameter"]].to_numpy(), ce["estimate"].to_numpy(),
                               rtol=0, atol=1e-10)
    np.testing.assert_allclose(lm.cov.loc[ce["parameter"], ce["parameter"]].to_numpy(),
                               sa.cohort_cov.to_numpy(), rtol=0, atol=1e-12)


def test_sun_abraham_event_time_intervals_follow_alpha(panel):
    from scipy import stats

    sa = SunAbraham(panel, outcome="y", cohort="cohort", window=(-3, 3), alpha=0.1).fit()
    et = sa.event_time.drop(index=-1)
    q = stats.t.ppf(0.95, sa.statistics["df_resid"])
    np.testing.assert_allclose(et["upper"], et["estimate"] + q * et["std_error"],
                               rtol=0, atol=1e-12)
    assert sa.alpha == 0.1 and sa.provenance["options"]["alpha"] == 0.1
    assert (sa.event_table(0.05)["upper"].drop(index=-1) > et["upper"]).all()


def test_results_pickle_and_keep_their_panelols_replica(panel):
    import pickle

    sa = SunAbraham(panel, outcome="y", cohort="cohort", window=(-3, 3)).fit()
    back = pickle.loads(pickle.dumps(sa))
    pd.testing.assert_series_equal(back.params, sa.params)
    cols = list(sa.cohort_effects["parameter"])
    np.testing.assert_allclose(back.linearmodels.params[cols].to_numpy(),
                               sa.cohort_effects["estimate"].to_numpy(), rtol=0, atol=1e-10)
