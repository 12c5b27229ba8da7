"""CallawaySantAnna with covariates and sampling weights on an unbalanced panel.

Reference: the ``csdid`` Python port of R ``did``, ``ATTgt(..., allow_unbalanced_panel=True)``
(its cells, per-unit sums of the observations' influence functions and aggregations), with
``moderndid``'s ports of R ``DRDID``'s repeated-cross-section estimators as its 2x2
estimator (R ``did`` accepts an ``est_method`` function the same way): ``drdid_rc`` for
"dr", ``drdid_imp_local_rc`` (R ``drdid_imp_rc``) for "dr-imp", ``std_ipw_did_rc`` for "ipw",
``reg_did_rc`` for "reg"; analytical standard errors. ``csdid``'s own ``reg`` and ``ipw`` are
checked too; its own ``drdid_rc`` adds the pre-period outcome-regression estimation effects
with the opposite sign to R ``DRDID``'s ``drdid_rc.R`` (ATT equal, standard errors ~1e-3
apart on this panel), so "dr" follows R through ``moderndid``. ``moderndid``'s own ``att_gt``
is not used: at the version installed it sends an unbalanced panel down its balanced-panel
path and fails.

Data: ``mpdta`` (``shared/raw/did-reference/mpdta.csv``) with a seeded 10% of its rows
removed, the covariate ``lpop`` and seeded unit weights; and a simulated unbalanced panel
with a time-varying covariate. ATT(g,t), their standard errors and the simple and dynamic
aggregations agree at 1e-8 (measured: at most 1.2e-9 for "dr-imp", whose inverse probability
tilting converges to a tolerance; below 1e-11 for "ipw", 1e-12 for "dr", 1e-13 for "reg").
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from reference_data import mirror_file, need_module

from venecon.exceptions import ModelSpecificationError, NoComparisonUnitsError
from venecon.models import CallawaySantAnna

KW = dict(outcome="lemp", unit="countyreal", time="year", cohort="first.treat")
TOL = 1e-8
GROUPS = {"never": "nevertreated", "notyet": "notyettreated"}
RC = {"dr": "drdid_rc", "dr-imp": "drdid_imp_local_rc", "ipw": "std_ipw_did_rc",
      "reg": "reg_did_rc"}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(mirror_file("mpdta.csv"))


@pytest.fixture(scope="module")
def unbalanced(mpdta) -> pd.DataFrame:
    """``mpdta`` with unit weights in [0.5, 2] and 10% of its rows removed (seeded)."""
    rng = np.random.default_rng(20261206)
    units = mpdta["countyreal"].unique()
    w = pd.Series(rng.uniform(0.5, 2.0, len(units)), index=units)
    df = mpdta.assign(w=mpdta["countyreal"].map(w), state=mpdta["countyreal"] // 1000)
    return df[rng.random(len(df)) > 0.1].reset_index(drop=True)


def _drdid(est_method: str):
    """A ``moderndid`` DRDID repeated-cross-section estimator in ``csdid``'s calling form."""
    need_module("moderndid")
    module = __import__(f"moderndid.drdid.estimators.{RC[est_method]}",
                        fromlist=[RC[est_method]])
    fn = getattr(module, RC[est_method])

    def estimator(y, post, D, i_weights=None, covariates=None):
        out = fn(y=y, post=post, d=D, covariates=covariates, i_weights=i_weights,
                 influence_func=True)
        return out.att, out.att_inf_func

    return estimator


def _csdid(df, est_method, control_group, *, weights=None, base_period="varying",
           clustervar=None, names=("lemp", "first.treat", "countyreal", "year", "lpop")) -> dict:
    att_gt = need_module("csdid.att_gt")
    y, g, unit, t, x = names
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = att_gt.ATTgt(yname=y, gname=g, idname=unit, tname=t,
                           xformla=f"{y}~{x}", data=df, control_group=GROUPS[control_group],
                           weights_name=weights, clustervar=clustervar,
                           allow_unbalanced_panel=True,
                           ).fit(est_method=est_method, bstrap=False, base_period=base_period)
        out = {"att": np.asarray(fit.results["att"]), "se": np.asarray(fit.results["se"]),
               "group": np.asarray(fit.results["group"]), "year": np.asarray(fit.results["year"])}
        for kind in ("simple", "dynamic"):
            fit.aggte(typec=kind, bstrap=False, cband=False)
            a = fit.atte
            out[kind] = (a["overall_att"], a["overall_se"], np.asarray(a["att_egt"]),
                         np.asarray(a["se_egt"]))
    return out


def _compare(res, ref) -> None:
    gt = res.att_gt
    np.testing.assert_array_equal(gt["cohort"].to_numpy(), ref["group"])
    np.testing.assert_array_equal(gt["period"].to_numpy(), ref["year"])
    np.testing.assert_allclose(gt["att"].to_numpy(), ref["att"], rtol=0, atol=TOL)
    ok = ~np.isnan(ref["se"])  # csdid leaves the universal base cells' standard error missing
    np.testing.assert_allclose(gt["std_error"].to_numpy()[ok], ref["se"][ok], rtol=0, atol=TOL)
    for kind in ("simple", "dynamic"):
        agg = res.aggregate(kind)
        att, se, by_e, se_e = ref[kind]
        assert agg.params["att"] == pytest.approx(att, abs=TOL), kind
        assert agg.std_errors["att"] == pytest.approx(se, abs=TOL), kind
        if kind == "dynamic":
            names = [n for n in agg.params.index if n != "att"]
            np.testing.assert_allclose(agg.params[names].to_numpy(), by_e, rtol=0, atol=TOL)
            ok = ~np.isnan(se_e)  # the universal base period's event: missing in csdid, 0 here
            np.testing.assert_allclose(agg.std_errors[names].to_numpy()[ok], se_e[ok], rtol=0,
                                       atol=TOL)


@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("control_group", ["never", "notyet"])
@pytest.mark.parametrize("est_method", ["dr", "dr-imp", "ipw", "reg"])
def test_unbalanced_with_covariates_matches_r_did(unbalanced, est_method, control_group,
                                                  weights):
    assert unbalanced.groupby("countyreal").size().min() < 5  # unbalanced indeed
    ref = _csdid(unbalanced, _drdid(est_method), control_group, weights=weights)
    res = CallawaySantAnna(unbalanced, **KW, covariates=["lpop"], est_method=est_method,
                           control_group=control_group, weights=weights).fit()
    _compare(res, ref)


def _time_varying(seed: int = 20261206, n: int = 500, periods: int = 6) -> pd.DataFrame:
    """Staggered panel (cohorts 3, 4, 5, never) whose adoption and trend depend on a
    time-varying covariate ``x``, with unit weights and 15% of unit-periods missing."""
    rng = np.random.default_rng(seed)
    x0 = rng.normal(size=n)
    p = np.exp(np.column_stack([np.zeros(n), 0.6 * x0, 0.3 * x0, -0.4 * x0]))
    g = np.array([rng.choice([0, 3, 4, 5], p=row / row.sum()) for row in p])
    t = np.tile(np.arange(1, periods + 1), n)
    gu, xu = np.repeat(g, periods), np.repeat(x0, periods)
    x = xu + 0.2 * t + rng.normal(scale=0.3, size=n * periods)
    effect = np.where((gu > 0) & (t >= gu), 1.0 + 0.5 * (t - gu), 0.0)
    y = (np.repeat(rng.normal(size=n), periods) + 0.5 * t * xu + effect
         + rng.normal(size=n * periods))
    df = pd.DataFrame({"id": np.repeat(np.arange(1, n + 1), periods), "t": t, "g": gu, "y": y,
                       "x": x, "w": np.repeat(rng.uniform(0.5, 2.0, n), periods)})
    return df[rng.random(len(df)) > 0.15].reset_index(drop=True)


@pytest.mark.parametrize("est_method", ["dr", "dr-imp", "ipw", "reg"])
def test_time_varying_covariate_uses_each_observation_own_value(est_method):
    # a repeated cross section: each observation carries its own period's covariate value
    df = _time_varying()
    ref = _csdid(df, _drdid(est_method), "notyet", weights="w", names=("y", "g", "id", "t", "x"))
    res = CallawaySantAnna(df, outcome="y", unit="id", time="t", cohort="g", covariates=["x"],
                           est_method=est_method, control_group="notyet", weights="w").fit()
    _compare(res, ref)


@pytest.mark.parametrize("est_method", ["ipw", "reg"])
def test_unbalanced_with_covariates_matches_csdid_own_estimators(unbalanced, est_method):
    ref = _csdid(unbalanced, est_method, "notyet", weights="w")
    res = CallawaySantAnna(unbalanced, **KW, covariates=["lpop"], est_method=est_method,
                           control_group="notyet", weights="w").fit()
    _compare(res, ref)


@pytest.mark.parametrize("est_method", ["dr", "reg"])
def test_unbalanced_universal_base_and_clusters(unbalanced, est_method):
    ref = _csdid(unbalanced, _drdid(est_method), "never", base_period="universal")
    res = CallawaySantAnna(unbalanced, **KW, covariates=["lpop"], est_method=est_method,
                           base_period="universal").fit()
    _compare(res, ref)
    ref = _csdid(unbalanced, _drdid(est_method), "never", clustervar="state")
    res = CallawaySantAnna(unbalanced, **KW, covariates=["lpop"], est_method=est_method,
                           cluster="state").fit()
    np.testing.assert_allclose(res.att_gt["std_error"].to_numpy(), ref["se"], rtol=0, atol=TOL)


@pytest.mark.parametrize("est_method", ["dr", "dr-imp", "ipw", "reg"])
def test_balanced_panels_never_take_the_repeated_cross_section_path(mpdta, monkeypatch,
                                                                    est_method):
    import venecon.models.did.callaway as callaway

    kw = dict(**KW, covariates=["lpop"], est_method=est_method, weights="w")
    data = mpdta.assign(w=1.0 + (mpdta["countyreal"] % 3))
    before = CallawaySantAnna(data, **kw).fit()

    def refuse(*args, **kwargs):
        raise AssertionError("the repeated-cross-section path ran on a balanced panel")

    monkeypatch.setattr(callaway, "rc_cell", refuse)
    after = CallawaySantAnna(data, **kw).fit()
    # bit for bit: the panel estimators alone produce the balanced results
    np.testing.assert_array_equal(after.att_gt["att"].to_numpy(), before.att_gt["att"].to_numpy())
    np.testing.assert_array_equal(after.att_gt["std_error"].to_numpy(),
                                  before.att_gt["std_error"].to_numpy())
    with pytest.raises(AssertionError, match="balanced panel"):
        CallawaySantAnna(data.iloc[1:], **kw).fit()


def test_intercept_only_repeated_cross_section_equals_four_means(unbalanced):
    from venecon.models.did.drdid_rc import RC_ESTIMATORS, rc_cell

    # without covariates every repeated-cross-section estimator reduces to the difference of
    # the four group-period means of the unweighted unbalanced path
    plain = CallawaySantAnna(unbalanced, **KW).fit()
    weighted = CallawaySantAnna(unbalanced.assign(two=2.0), **KW, weights="two").fit()
    np.testing.assert_allclose(weighted.att_gt["att"], plain.att_gt["att"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(weighted.att_gt["std_error"], plain.att_gt["std_error"],
                               rtol=0, atol=1e-12)
    wide = unbalanced.pivot(index="countyreal", columns="year", values="lemp")
    cohort = unbalanced.groupby("countyreal")["first.treat"].first().reindex(wide.index)
    row = plain.att_gt.set_index("parameter").loc["ATT(2004,2006)"]
    y = wide.to_numpy()
    for method in RC_ESTIMATORS:
        att, psi = rc_cell(y, None, None, (3, 0), (cohort == 2004).to_numpy(),
                           (cohort == 0).to_numpy(), method)
        assert att == pytest.approx(row["att"], abs=1e-12), method
        assert np.sqrt(np.sum(psi**2)) / len(psi) == pytest.approx(row["std_error"], abs=1e-12)


def test_unbalanced_bad_input(unbalanced):
    holed = unbalanced.astype({"lpop": "float64"})
    holed.loc[holed.index[5], "lpop"] = np.nan
    with pytest.raises(ModelSpecificationError, match=r"covariate 'lpop'.*1 row\(s\).*drop "
                                                      r"those rows"):
        CallawaySantAnna(holed, **KW, covariates=["lpop"])
    with pytest.raises(ModelSpecificationError, match=r"cohort \d+ in \d+: .*singular"):
        CallawaySantAnna(unbalanced.assign(one=1.0), **KW, covariates=["one"],
                         est_method="reg").fit()
    with pytest.raises(ModelSpecificationError, match="weights 'w' must be constant"):
        CallawaySantAnna(unbalanced.assign(w=np.arange(len(unbalanced), dtype=float)), **KW,
                         covariates=["lpop"], weights="w")
    # cohort 2004 unobserved in its base year 2003: its cells are named, not silently dropped
    gone = unbalanced[~((unbalanced["first.treat"] == 2004) & (unbalanced["year"] == 2003))]
    with pytest.raises(NoComparisonUnitsError, match=r"cohort 2004 in 2004 \(a group has no "
                                                     r"observation in 2004 or 2003\)"):
        CallawaySantAnna(gone, **KW, covariates=["lpop"]).fit()
