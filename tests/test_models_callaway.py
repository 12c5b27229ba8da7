"""Callaway and Sant'Anna (2021) group-time effects (venecon.models.CallawaySantAnna).

References
----------
* ``mpdta`` (R ``did``'s example panel, ``shared/raw/did-reference/mpdta.csv``): simple ATT
  with never-treated comparisons -0.0399513 (moderndid; R ``did`` prints -0.0400); dynamic
  ATT(e), e = 0..3: -0.0199, -0.0510, -0.1373, -0.1008 (R ``did`` README).
* R ``did`` README (did 2.x, ``att_gt(..., est_method = "reg")`` then ``aggte``), printed
  standard errors, which are multiplier-bootstrap (``bstrap = TRUE``, 1000 draws) numbers.
* The ``csdid`` Python port of R ``did`` (``bstrap = False``: analytical standard errors),
  run live as an independent computation of both comparison groups.
* venecon's own :class:`~venecon.models.SunAbraham` (never-treated controls).
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from reference_data import mirror_file, need_module

from venecon.exceptions import ModelSpecificationError, NoComparisonUnitsError
from venecon.models import CallawaySantAnna, SunAbraham
from venecon.models.did.callaway import BootstrapOptions

KW = dict(outcome="lemp", unit="countyreal", time="year", cohort="first.treat")
SIMPLE_NEVER = -0.0399513
DYNAMIC_NEVER = {0: -0.0199, 1: -0.0510, 2: -0.1373, 3: -0.1008}
# R did README (bootstrap standard errors, printed to 4 decimals)
R_DYNAMIC = {  # e: (estimate, std. error)
    -3: (0.0305, 0.0154), -2: (-0.0006, 0.0132), -1: (-0.0245, 0.0153), 0: (-0.0199, 0.0123),
    1: (-0.0510, 0.0167), 2: (-0.1373, 0.0413), 3: (-0.1008, 0.0351),
}
R_DYNAMIC_OVERALL = (-0.0772, 0.0219)
R_GROUP = {2004: (-0.0797, 0.0291), 2006: (-0.0229, 0.0176), 2007: (-0.0261, 0.0175)}
R_GROUP_OVERALL = (-0.031, 0.0126)
# Analytical vs R's printed bootstrap standard errors: the bootstrap's Monte Carlo error
# (1000 draws, interquartile-range scale) and rounding; the largest gap is e = 2 (12%).
SE_REL_TOL = 0.15


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(mirror_file("mpdta.csv"))


@pytest.fixture(scope="module")
def never(mpdta):
    return CallawaySantAnna(mpdta, **KW).fit()


@pytest.fixture(scope="module")
def notyet(mpdta):
    return CallawaySantAnna(mpdta, control_group="notyet", **KW).fit()


def test_simple_att_never_treated(never):
    simple = never.aggregate("simple")
    assert simple.params["att"] == pytest.approx(SIMPLE_NEVER, abs=1e-6)
    assert list(simple.params.index) == ["att"]


def test_dynamic_att_matches_reference_and_sun_abraham(mpdta, never):
    dyn = never.aggregate("dynamic")
    for e, ref in DYNAMIC_NEVER.items():
        name = f"event_{e:+d}" if e else "event_0"
        assert round(dyn.params[name], 4) == ref
    sa = SunAbraham(mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(0, np.nan)}),
                    outcome="lemp", cohort="first.treat", unit="countyreal", time="year").fit()
    for e in range(0, 4):
        name = f"event_{e:+d}" if e else "event_0"
        assert dyn.params[name] == pytest.approx(sa.params[name], abs=1e-10)


def test_att_gt_by_hand(mpdta, never):
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    g = mpdta.groupby("countyreal")["first.treat"].first()
    # post cell: base g - 1 = 2003; pre cell: base t - 1 (varying base period)
    for (cohort, t, base) in ((2004, 2006, 2003), (2007, 2005, 2004)):
        d = wide[t] - wide[base]
        ref = d[g == cohort].mean() - d[g == 0].mean()
        row = never.att_gt.set_index("parameter").loc[f"ATT({cohort},{t})"]
        assert row["att"] == pytest.approx(ref, abs=1e-14)
        assert row["base"] == base


def _csdid(mpdta, control_group: str):
    """csdid's ATT(g,t) and the four aggregations, analytical standard errors."""
    need_module("csdid")
    from csdid.att_gt import ATTgt

    out: dict[str, dict] = {}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                      xformla=None, data=mpdta, control_group=control_group)
        fit = model.fit(est_method="dr", bstrap=False)
        out["gt"] = {"att": np.asarray(fit.results["att"]), "se": np.asarray(fit.results["se"])}
        for kind in ("simple", "dynamic", "group", "calendar"):
            fit.aggte(typec=kind, bstrap=False, cband=False)
            a = fit.atte
            out[kind] = {"att": a["overall_att"], "se": a["overall_se"],
                         "egt": None if a["egt"] is None else np.asarray(a["egt"]),
                         "att_egt": None if a["att_egt"] is None else np.asarray(a["att_egt"]),
                         "se_egt": None if a["se_egt"] is None else np.asarray(a["se_egt"])}
    return out


@pytest.mark.parametrize("control_group", ["never", "notyet"])
def test_matches_csdid_both_comparison_groups(mpdta, never, notyet, control_group):
    ref = _csdid(mpdta, {"never": "nevertreated", "notyet": "notyettreated"}[control_group])
    res = never if control_group == "never" else notyet
    np.testing.assert_allclose(res.att_gt["att"], ref["gt"]["att"], atol=1e-10)
    np.testing.assert_allclose(res.att_gt["std_error"], ref["gt"]["se"], rtol=1e-8)
    prefix = {"dynamic": "event", "group": "group", "calendar": "time"}
    for kind in ("simple", "dynamic", "group", "calendar"):
        agg = res.aggregate(kind)
        assert agg.params["att"] == pytest.approx(ref[kind]["att"], abs=1e-10), kind
        assert agg.std_errors["att"] == pytest.approx(ref[kind]["se"], rel=1e-8), kind
        if kind != "simple":
            names = [f"{prefix[kind]}_{int(x):+d}" if kind == "dynamic" and x else
                     ("event_0" if kind == "dynamic" else f"{prefix[kind]}_{int(x)}")
                     for x in ref[kind]["egt"]]
            np.testing.assert_allclose(agg.params[names], ref[kind]["att_egt"], atol=1e-10)
            np.testing.assert_allclose(agg.std_errors[names], ref[kind]["se_egt"], rtol=1e-8)


def test_not_yet_treated_results(notyet):
    # Reported in the issue note; equal to csdid (test above).
    simple = notyet.aggregate("simple")
    assert simple.params["att"] == pytest.approx(-0.039764, abs=1e-6)
    assert simple.std_errors["att"] == pytest.approx(0.012052, abs=1e-6)
    gt = notyet.att_gt.set_index("parameter")
    # 2007 is the last cohort: from 2007 on only never-treated units compare, as with "never".
    assert gt.loc["ATT(2004,2007)", "n_comparison"] == gt.loc["ATT(2007,2007)", "n_comparison"]
    assert gt.loc["ATT(2004,2004)", "n_comparison"] > gt.loc["ATT(2004,2007)", "n_comparison"]


def test_standard_errors_beside_r_printed_output(never):
    dyn = never.aggregate("dynamic")
    for e, (est, se) in R_DYNAMIC.items():
        name = f"event_{e:+d}" if e else "event_0"
        assert round(dyn.params[name], 4) == pytest.approx(est, abs=1e-12)
        assert dyn.std_errors[name] == pytest.approx(se, rel=SE_REL_TOL)
    assert round(dyn.params["att"], 4) == R_DYNAMIC_OVERALL[0]
    assert dyn.std_errors["att"] == pytest.approx(R_DYNAMIC_OVERALL[1], rel=SE_REL_TOL)
    grp = never.aggregate("group")
    for g, (est, se) in R_GROUP.items():
        assert round(grp.params[f"group_{g}"], 4) == est
        assert grp.std_errors[f"group_{g}"] == pytest.approx(se, rel=SE_REL_TOL)
    assert round(grp.params["att"], 3) == R_GROUP_OVERALL[0]
    assert grp.std_errors["att"] == pytest.approx(R_GROUP_OVERALL[1], rel=SE_REL_TOL)


def test_multiplier_bootstrap_band_is_seeded(never):
    dyn = never.aggregate("dynamic")
    again = never.aggregate("dynamic")
    pd.testing.assert_frame_equal(dyn.band, again.band)
    other = never.aggregate("dynamic", bootstrap=BootstrapOptions(replications=1000, seed=7))
    assert other.crit_value != dyn.crit_value
    band = dyn.band
    # uniform over 7 event times: wider than pointwise, narrower than Bonferroni
    assert 1.96 < dyn.crit_value < 3.2
    assert (band["lower"] <= band["estimate"]).all() and (band["upper"] >= band["estimate"]).all()
    np.testing.assert_allclose(band["boot_std_error"], band["std_error"], rtol=0.15)
    assert dyn.provenance["options"]["aggregate"]["bootstrap"]["seed"] == 0
    assert never.aggregate("simple").band.empty


def test_anticipation_shifts_the_base_period(mpdta):
    with pytest.warns(UserWarning, match="dropped 20 unit"):
        res = CallawaySantAnna(mpdta, anticipation=1, **KW).fit()
    gt = res.att_gt.set_index("parameter")
    assert gt.loc["ATT(2006,2007)", "base"] == 2004  # g - 1 - anticipation
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    g = mpdta.groupby("countyreal")["first.treat"].first()
    d = wide[2007] - wide[2004]
    assert gt.loc["ATT(2006,2007)", "att"] == pytest.approx(
        d[g == 2006].mean() - d[g == 0].mean(), abs=1e-14)
    # 2004 adopters would need a base period before 2003: dropped, as R did does
    assert 2004 not in set(gt["cohort"])
    assert res.dropped["always_treated"]


def test_results_api(never, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    assert "ATT(2004,2006)" in str(never.summary())
    dyn = never.aggregate("dynamic")
    text = str(dyn.summary())
    assert "Uniform band" in text and "event_+2" in text
    assert "\\begin{tabular}" in dyn.to_latex()
    json.dumps(never.to_dict())
    json.dumps(dyn.to_dict())
    dyn.plot().savefig(tmp_path / "dyn.png")
    never.plot().savefig(tmp_path / "gt.png")
    never.aggregate("simple").plot().savefig(tmp_path / "simple.png")
    ci = dyn.conf_int()
    assert (ci["lower"] < dyn.params).all()
    assert never.provenance["model"] == "venecon.models.CallawaySantAnna"
    assert never.influence.shape == (500, 12)
    with pytest.raises(AttributeError):
        never.params = None  # type: ignore[misc]
    with pytest.raises(ModelSpecificationError, match="kind"):
        never.aggregate("cohort")


# --------------------------------------------------------------------------- bad input


def test_no_comparison_units(mpdta):
    treated_only = mpdta[mpdta["first.treat"] > 0]
    with pytest.raises(NoComparisonUnitsError, match="control_group='notyet'"):
        CallawaySantAnna(treated_only, **KW)
    with pytest.raises(NoComparisonUnitsError, match="cohort 2007 in 2007"):
        CallawaySantAnna(treated_only, control_group="notyet", **KW).fit()
    # restricted to the periods before the last cohort's adoption, the not-yet group works
    early = treated_only[treated_only["year"] < 2007]
    res = CallawaySantAnna(early.assign(**{"first.treat": early["first.treat"].replace(2007, 0)}),
                           control_group="notyet", **KW).fit()
    assert np.isfinite(res.aggregate("simple").params["att"])


def test_unbalanced_panel(mpdta):
    # an unbalanced panel is estimated as R did's allow_unbalanced_panel, with or without
    # covariates (validated against csdid in test_models_callaway_covariates.py and
    # test_models_callaway_unbalanced.py)
    res = CallawaySantAnna(mpdta.iloc[1:], **KW).fit()
    assert np.isfinite(res.params).all()
    cov = CallawaySantAnna(mpdta.iloc[1:], **KW, covariates=["lpop"]).fit()
    assert np.isfinite(cov.std_errors).all()
    assert not np.allclose(cov.params, res.params)


@pytest.mark.parametrize("bad", [np.inf, np.nan, "x"])
def test_non_numeric_or_infinite_outcome(mpdta, bad):
    broken = mpdta.astype({"lemp": object})
    broken.loc[7, "lemp"] = bad
    with pytest.raises(ModelSpecificationError, match="non-finite"):
        CallawaySantAnna(broken, **KW)


def test_unknown_columns_and_options(mpdta):
    with pytest.raises(ModelSpecificationError, match="'gname'"):
        CallawaySantAnna(mpdta, outcome="lemp", unit="countyreal", time="year", cohort="gname")
    with pytest.raises(ModelSpecificationError, match="control_group"):
        CallawaySantAnna(mpdta, control_group="nevertreated", **KW)
    with pytest.raises(ModelSpecificationError, match="anticipation"):
        CallawaySantAnna(mpdta, anticipation=-1, **KW)
    varying = mpdta.copy()
    varying.loc[0, "first.treat"] = 2004
    with pytest.raises(ModelSpecificationError, match="constant within each unit"):
        CallawaySantAnna(varying, **KW)
    with pytest.raises(ModelSpecificationError):
        BootstrapOptions(replications=1)


def test_missing_cohort_means_never_treated(mpdta, never):
    nan_coded = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(0, np.nan)})
    res = CallawaySantAnna(nan_coded, **KW).fit()
    np.testing.assert_allclose(res.params, never.params, atol=0)
