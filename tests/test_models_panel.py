"""PanelDiD and PanelEventStudy reproduce a direct linearmodels PanelOLS call exactly."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import PanelOLS

from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models.did.panel import PanelDiD, PanelEventStudy

TOL = 1e-10


def staggered_panel(seed: int = 0, n_per: int = 8, periods: int = 20,
                    cohorts=(6, 10, 14), never: bool = True) -> pd.DataFrame:
    """Entities in cohorts (first treated period) plus never-treated ones, with dynamic effects."""
    rng = np.random.default_rng(seed)
    rows = []
    groups = list(cohorts) + ([np.nan] if never else [])
    slope = {6: 0.5, 10: 0.2, 14: -0.1}
    i = 0
    for g in groups:
        for _ in range(n_per):
            alpha = rng.normal()
            for t in range(1, periods + 1):
                rel = t - g
                eff = (rel + 1) * slope.get(g, 0.3) if rel >= 0 else 0.0
                x = rng.normal()
                y = alpha + 0.1 * t + 0.3 * x + eff + 0.2 * rng.normal()
                rows.append((f"c{i:02d}", 2000 + t, y, 2000 + g, float(rel >= 0), x))
            i += 1
    return pd.DataFrame(rows, columns=["country", "date", "y", "cohort", "d", "x"])


def direct(frame: pd.DataFrame, regressors: list[str], **fit) -> object:
    indexed = frame.set_index(["country", "date"])
    return PanelOLS(indexed["y"], indexed[regressors], entity_effects=True,
                    time_effects=True).fit(**fit)


def assert_same(res, lm, names):
    np.testing.assert_allclose(res.params[names].to_numpy(), lm.params[names].to_numpy(),
                               rtol=0, atol=TOL)
    np.testing.assert_allclose(res.std_errors[names].to_numpy(), lm.std_errors[names].to_numpy(),
                               rtol=0, atol=TOL)
    np.testing.assert_allclose(res.pvalues[names].to_numpy(), lm.pvalues[names].to_numpy(),
                               rtol=0, atol=TOL)
    np.testing.assert_allclose(res.cov.loc[names, names].to_numpy(),
                               lm.cov.loc[names, names].to_numpy(), rtol=0, atol=TOL)
    assert res.nobs == lm.nobs


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return staggered_panel()


# --------------------------------------------------------------------------- equality


@pytest.mark.parametrize("debiased", [True, False])
def test_did_clustered_equals_panelols(panel, debiased):
    res = PanelDiD(panel, outcome="y", treatment="d", debiased=debiased,
                   group_debias=debiased).fit()
    lm = direct(panel, ["d"], cov_type="clustered", cluster_entity=True, debiased=debiased,
                group_debias=debiased)
    assert_same(res, lm, ["d"])
    assert res.distribution == (f"t({lm.df_resid:g})" if debiased else "normal")


@pytest.mark.parametrize("bandwidth", [None, 0, 3])
def test_did_driscoll_kraay_equals_panelols(panel, bandwidth):
    res = PanelDiD(panel, outcome="y", treatment="d", controls=["x"], cov_type="kernel",
                   bandwidth=bandwidth).fit()
    fit = {"cov_type": "kernel", "kernel": "bartlett", "debiased": True}
    if bandwidth is not None:  # None: linearmodels' default bandwidth on both sides
        fit["bandwidth"] = bandwidth
    lm = direct(panel, ["d", "x"], **fit)
    assert_same(res, lm, ["d", "x"])
    assert "Driscoll-Kraay" in res.cov_type


def _hand_event_dummies(frame: pd.DataFrame, lo: int, hi: int, ref: int, binned: bool) -> list[str]:
    """Event-time dummies written out row by row, independently of venecon."""
    names = []
    for k in range(lo, hi + 1):
        if k == ref:
            continue
        name = f"k{k}"
        values = []
        for c, t in zip(frame["cohort"], frame["date"], strict=True):
            if np.isnan(c):
                values.append(0.0)
                continue
            r = t - c
            if binned and k == lo:
                values.append(float(r <= k))
            elif binned and k == hi:
                values.append(float(r >= k))
            else:
                values.append(float(r == k))
        frame[name] = values
        names.append(name)
    return names


@pytest.mark.parametrize("endpoints", ["bin", "drop"])
def test_event_study_equals_panelols_with_hand_made_dummies(panel, endpoints):
    lo, hi, ref = -4, 6, -1
    res = PanelEventStudy(panel, outcome="y", cohort="cohort", window=(lo, hi), reference=ref,
                          endpoints=endpoints, controls=["x"]).fit()
    frame = panel.copy()
    if endpoints == "drop":
        r = frame["date"] - frame["cohort"]
        frame = frame[frame["cohort"].isna() | ((r >= lo) & (r <= hi))].reset_index(drop=True)
    names = _hand_event_dummies(frame, lo, hi, ref, endpoints == "bin")
    lm = direct(frame, [*names, "x"], cov_type="clustered", cluster_entity=True, debiased=True,
                group_debias=True)
    ours = [p for p in res.params.index if p.startswith("event_")]
    assert len(ours) == len(names)
    renamed = pd.Series(res.params[ours].to_numpy(), index=names)
    np.testing.assert_allclose(renamed.to_numpy(), lm.params[names].to_numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(res.std_errors[ours].to_numpy(), lm.std_errors[names].to_numpy(),
                               rtol=0, atol=TOL)
    np.testing.assert_allclose(res.params["x"], lm.params["x"], rtol=0, atol=TOL)
    et = res.event_time
    assert list(et.index) == list(range(lo, hi + 1))
    assert et.loc[ref, "estimate"] == 0 and et.loc[ref, "parameter"] == "reference"
    np.testing.assert_allclose(et.drop(index=ref)["estimate"].to_numpy(),
                               lm.params[names].to_numpy(), rtol=0, atol=TOL)


def test_event_study_driscoll_kraay_equals_panelols(panel):
    res = PanelEventStudy(panel, outcome="y", cohort="cohort", window=(-3, 3), cov_type="kernel",
                          bandwidth=2).fit()
    frame = panel.copy()
    names = _hand_event_dummies(frame, -3, 3, -1, True)
    lm = direct(frame, names, cov_type="kernel", kernel="bartlett", bandwidth=2, debiased=True)
    np.testing.assert_allclose(res.params.to_numpy(), lm.params[names].to_numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(res.std_errors.to_numpy(), lm.std_errors[names].to_numpy(),
                               rtol=0, atol=TOL)


def test_unbalanced_panel_is_accepted_unless_balance_is_required(panel):
    unbalanced = panel.drop(index=[3, 50, 51, 200]).reset_index(drop=True)
    res = PanelDiD(unbalanced, outcome="y", treatment="d").fit()
    lm = direct(unbalanced, ["d"], cov_type="clustered", cluster_entity=True, debiased=True,
                group_debias=True)
    assert_same(res, lm, ["d"])
    with pytest.raises(ModelSpecificationError, match="unbalanced"):
        PanelDiD(unbalanced, outcome="y", treatment="d", require_balanced=True).fit()
    with pytest.raises(ModelSpecificationError, match="unbalanced"):
        PanelEventStudy(unbalanced, outcome="y", cohort="cohort", require_balanced=True).fit()
    PanelDiD(panel, outcome="y", treatment="d", require_balanced=True).fit()


# --------------------------------------------------------------------------- results API


def test_results_api_and_provenance(panel):
    framed = panel.copy()
    framed.attrs["venecon"] = {"datasets": {"production_annual": "ab" * 32}, "data_version": "x"}
    res = PanelEventStudy(framed, outcome="y", cohort="cohort", window=(-3, 3)).fit()
    text = str(res.summary())
    assert "event_+3" in text.replace(">=", "") or "event_>=+3" in text
    out = res.to_dict()
    json.dumps(out)
    assert out["provenance"]["data"]["datasets"] == {"production_annual": "ab" * 32}
    assert out["provenance"]["options"]["window"] == [-3, 3]
    assert out["provenance"]["data"]["sample"] == {"start": 2001, "end": 2020, "nobs": len(panel)}
    assert res.entities == panel["country"].nunique() and res.periods == (2001, 2020)
    assert res.linearmodels.nobs == res.nobs
    with pytest.raises(AttributeError):
        res.foo = 1  # immutable
    # user-supplied data get a content hash, identical for identical input
    a = PanelDiD(panel, outcome="y", treatment="d").fit().provenance
    b = PanelDiD(panel.copy(), outcome="y", treatment="d").fit().provenance
    assert a == b and "user-supplied" in a["data"]["datasets"]


# --------------------------------------------------------------------------- bad input


def test_no_untreated_comparison_is_refused():
    everyone_at_once = staggered_panel(cohorts=(8,), never=False, n_per=6)
    with pytest.raises(ModelSpecificationError, match="no untreated comparison"):
        PanelDiD(everyone_at_once, outcome="y", treatment="d").fit()
    no_never = staggered_panel(never=False, n_per=4)
    with pytest.raises(ModelSpecificationError, match="never-treated"):
        PanelEventStudy(no_never, outcome="y", cohort="cohort").fit()
    nobody = staggered_panel(cohorts=(), never=True, n_per=4)
    with pytest.raises(ModelSpecificationError, match="no observation is treated"):
        PanelDiD(nobody, outcome="y", treatment="d").fit()


@pytest.mark.parametrize(
    ("mutate", "kwargs", "message"),
    [
        (lambda f: f.assign(d=f["d"] * 2), {}, "must be 0/1"),
        (lambda f: pd.concat([f, f.head(1)]), {}, "share an"),
        (lambda f: f.assign(y=f["y"].where(f.index != 5)), {}, "missing or non-finite"),
        (lambda f: f.assign(date=pd.to_datetime(f["date"].astype(str))), {}, "integer periods"),
        (lambda f: f.assign(date=f["date"] + 0.5), {}, "must hold integers"),
        (lambda f: f, {"cov_type": "robust"}, "cov_type must be one of"),
        (lambda f: f, {"cov_type": "kernel", "bandwidth": 25}, "bandwidth must be in"),
        (lambda f: f, {"bandwidth": 2}, "kernel' only"),
        (lambda f: f.drop(columns="d"), {}, "not in data"),
        (lambda f: f.assign(x=f["x"].astype(object).where(f.index != 3, "n/a")),
         {"controls": ["x"]}, "control 'x' has missing or non-numeric"),
    ],
)
def test_bad_did_inputs(panel, mutate, kwargs, message):
    with pytest.raises(ModelSpecificationError, match=message):
        PanelDiD(mutate(panel.copy()), outcome="y", treatment="d", **kwargs).fit()


def test_bad_event_study_inputs(panel):
    with pytest.raises(ModelSpecificationError, match="reference"):
        PanelEventStudy(panel, outcome="y", cohort="cohort", window=(0, 5), reference=-1).fit()
    with pytest.raises(ModelSpecificationError, match="endpoints"):
        PanelEventStudy(panel, outcome="y", cohort="cohort", endpoints="trim").fit()
    with pytest.raises(InsufficientDataError, match="no observation falls"):
        PanelEventStudy(panel, outcome="y", cohort="cohort", window=(-30, 3),
                        endpoints="drop").fit()
    varying = panel.copy()
    varying.loc[0, "cohort"] = 2003
    with pytest.raises(ModelSpecificationError, match="constant within each entity"):
        PanelEventStudy(varying, outcome="y", cohort="cohort").fit()
    with pytest.raises(ModelSpecificationError, match="DataFrame"):
        PanelDiD(panel.to_numpy(), outcome="y", treatment="d").fit()


@pytest.mark.parametrize(("debiased", "group_debias"), [(True, True), (True, False), (False, True),
                                                        (False, False)])
def test_clustered_label_names_the_factors_applied(panel, debiased, group_debias):
    # The label said "G/(G-1)" whenever debiased=True, though linearmodels applies
    # G/(G-1) according to group_debias alone.
    res = PanelDiD(panel, outcome="y", treatment="d", debiased=debiased,
                   group_debias=group_debias).fit()
    lm = direct(panel, ["d"], cov_type="clustered", cluster_entity=True, debiased=debiased,
                group_debias=group_debias)
    assert_same(res, lm, ["d"])
    assert ("G/(G-1)" in res.cov_type) == group_debias
    assert ("n/(n-d-k)" in res.cov_type) == debiased


# --------------------------------------------------------------------------- engine, options, alpha


@pytest.mark.parametrize("cov", [{"cov_type": "clustered"}, {"cov_type": "kernel", "bandwidth": 2}])
def test_linearmodels_attribute_is_panelols_on_the_same_design(panel, cov):
    """The estimates come from venecon.models.did.twfe; ``.linearmodels`` runs PanelOLS itself."""
    unbalanced = panel.drop(index=[3, 50, 51, 200]).reset_index(drop=True)
    for frame in (panel, unbalanced):
        res = PanelDiD(frame, outcome="y", treatment="d", controls=["x"], **cov).fit()
        lm = res.linearmodels
        assert_same(res, lm, ["d", "x"])
        stats = res.statistics
        assert stats["df_resid"] == lm.df_resid
        for key in ("rsquared", "rsquared_within", "loglik"):
            assert abs(stats[key] - float(getattr(lm, key))) < 1e-10, key
    assert res.linearmodels is lm  # computed once


def test_absorbed_regressor_is_a_clear_error(panel):
    frame = panel.assign(size=panel.groupby("country")["x"].transform("mean"))
    with pytest.raises(ModelSpecificationError, match="absorbed by the entity and time effects"):
        PanelDiD(frame, outcome="y", treatment="d", controls=["size"]).fit()


def test_options_object_and_keywords_are_the_same_model(panel):
    from venecon.models.did.options import PanelOptions

    opts = PanelOptions(controls=["x"], cov_type="kernel", bandwidth=2)
    by_object = PanelDiD(panel, outcome="y", treatment="d", options=opts).fit()
    by_keywords = PanelDiD(panel, outcome="y", treatment="d", controls=["x"], cov_type="kernel",
                           bandwidth=2).fit()
    pd.testing.assert_series_equal(by_object.std_errors, by_keywords.std_errors)
    assert by_object.provenance["options"] == by_keywords.provenance["options"]
    assert by_object.provenance["options"]["controls"] == ["x"]
    # Keywords override the object's fields; None keeps them.
    other = PanelDiD(panel, outcome="y", treatment="d", options=opts, controls=[], debiased=None)
    assert ((other.options.controls, other.options.cov_type, other.options.debiased)
            == ((), "kernel", True))
    with pytest.raises(ModelSpecificationError,
                       match="PanelDiD: bandwidth applies to cov_type='kernel'"):
        PanelDiD(panel, outcome="y", treatment="d", options=opts, cov_type="clustered")
    with pytest.raises(ModelSpecificationError, match="kernel' only"):
        PanelOptions(bandwidth=2)
    with pytest.raises(ModelSpecificationError, match="PanelEventStudy: cov_type must be one of"):
        PanelEventStudy(panel, outcome="y", cohort="cohort", options=opts, cov_type="hac")
    with pytest.raises(ModelSpecificationError, match="options must be a PanelOptions"):
        PanelDiD(panel, outcome="y", treatment="d", options={"cov_type": "kernel"})
    with pytest.raises(AttributeError):
        opts.cov_type = "clustered"  # frozen


def test_event_time_intervals_follow_alpha(panel):
    from scipy import stats

    res = PanelEventStudy(panel, outcome="y", cohort="cohort", window=(-3, 3), alpha=0.1).fit()
    et = res.event_time
    est = et.drop(index=-1)
    q = stats.t.ppf(0.95, res.statistics["df_resid"])
    np.testing.assert_allclose(est["lower"], est["estimate"] - q * est["std_error"],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(est["upper"], est["estimate"] + q * est["std_error"],
                               rtol=0, atol=1e-12)
    ci = res.conf_int(0.1).loc[est["parameter"]]
    np.testing.assert_allclose(est["lower"].to_numpy(), ci["lower"].to_numpy(), rtol=0, atol=1e-15)
    assert (et.loc[-1, ["estimate", "lower", "upper"]] == 0).all()
    wide = res.event_table(0.05).drop(index=-1)
    q95 = stats.t.ppf(0.975, res.statistics["df_resid"])
    np.testing.assert_allclose(wide["upper"], wide["estimate"] + q95 * wide["std_error"], rtol=0,
                               atol=1e-12)
    assert (wide["upper"] > est["upper"]).all()
    rows = json.loads(json.dumps(res.to_dict(0.1)))["event_time"]
    np.testing.assert_allclose([r["upper"] for r in rows], et["upper"].to_numpy(),
                               rtol=0, atol=1e-15)
    fig = res.plot()
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "90% CI"
    with pytest.raises(ModelSpecificationError):
        PanelEventStudy(panel, outcome="y", cohort="cohort", alpha=1.5)


def test_unconverged_demeaning_falls_back_to_the_exact_projection(panel, monkeypatch):
    import venecon.models.did.twfe as twfe

    unbalanced = panel.drop(index=[3, 50, 51, 200]).reset_index(drop=True)
    from linearmodels.panel.data import PanelData

    calls = []
    exact = PanelData.demean
    monkeypatch.setattr(PanelData, "demean",
                        lambda self, *a, **k: calls.append(a) or exact(self, *a, **k))
    monkeypatch.setattr(twfe, "DEMEAN_MAXITER", 1)  # the sweeps stop unconverged
    res = PanelDiD(unbalanced, outcome="y", treatment="d", controls=["x"]).fit()
    assert ("both",) in calls  # linearmodels' projection was used
    lm = direct(unbalanced, ["d", "x"], cov_type="clustered", cluster_entity=True, debiased=True,
                group_debias=True)
    assert_same(res, lm, ["d", "x"])


def test_options_name_the_unit_column_unit_and_entity_still_works(panel):
    from venecon.models.did.options import PanelOptions

    opts = PanelOptions(unit="country", controls=["x"])
    assert opts.unit == "country" and opts.to_dict()["unit"] == "country"
    with pytest.warns(FutureWarning, match="PanelOptions: entity= is now called unit=") as rec:
        old = PanelOptions(entity="country", controls=["x"])
    assert {w.filename for w in rec} == {__file__}
    assert old == opts
    with pytest.warns(FutureWarning, match="PanelOptions.entity is now called PanelOptions.unit"):
        assert old.entity == "country"
    a = PanelDiD(panel, outcome="y", treatment="d", options=opts).fit()
    b = PanelDiD(panel, outcome="y", treatment="d", options=old).fit()
    pd.testing.assert_series_equal(a.params, b.params)
