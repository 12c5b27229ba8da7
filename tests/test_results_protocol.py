"""Every results class follows one protocol (docs/guide/results.md).

The headline under one name (``headline``, ``estimate``, ``std_error``,
``pvalue``), one path-table schema (``path()``), ``alpha`` honoured by
``plot`` and ``conf_int``, the renderings, provenance with every numerical
dependency's version, and one immutability mechanism. The data are small
simulated series and panels: the numbers are checked against their references
in the estimators' own test modules; here the shapes and the links between
the protocol's parts are.
"""

from __future__ import annotations

import inspect
import json
import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from venecon.exceptions import ModelSpecificationError
from venecon.models import (
    ITS,
    CallawaySantAnna,
    EventStudy,
    InterventionARIMA,
    LocalProjections,
    PanelDiD,
    PanelEventStudy,
    StructuralBreaks,
    SunAbraham,
    SyntheticControl,
    SyntheticDiD,
)
from venecon.models.core.results import PATH_COLUMNS, Frozen, Headline
from venecon.models.did.honest import HonestOptions
from venecon.models.synth.ascm import AugmentedSynthControl
from venecon.models.synth.inference import PlaceboResult, conformal_intervals

matplotlib.use("Agg")


# --------------------------------------------------------------------------- data


def _monthly(seed: int = 0, n: int = 96, jump: float = -30.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2012-01-01", periods=n, freq="MS")
    y = 1000 + np.cumsum(rng.normal(0, 4, n)) + np.where(np.arange(n) >= 60, jump, 0.0)
    return pd.Series(y, index=index, name="output")


def _synth_panel(seed: int = 1, units: int = 10, years: range = range(1975, 2011)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factor = np.cumsum(rng.normal(0, 1, len(years)))
    rows = []
    for i in range(units):
        load = rng.uniform(0.5, 1.5)
        level = rng.normal(50, 5)
        for t, year in enumerate(years):
            effect = -4.0 if i == 0 and year >= 2003 else 0.0
            rows.append((f"u{i}", year, level + load * factor[t] + rng.normal(0, 0.5) + effect,
                         float(i == 0 and year >= 2003)))
    return pd.DataFrame(rows, columns=["unit", "year", "y", "d"])


def _staggered(seed: int = 0, n_per: int = 8, periods: int = 14) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    i = 0
    for g in (5, 8, np.nan):
        for _ in range(n_per):
            a = rng.normal()
            for t in range(1, periods + 1):
                eff = 0.5 * (t - g + 1) if not np.isnan(g) and t >= g else 0.0
                rows.append((f"c{i:02d}", 2000 + t, a + 0.1 * t + eff + 0.2 * rng.normal(),
                             2000 + g, float(not np.isnan(g) and t >= g)))
            i += 1
    frame = pd.DataFrame(rows, columns=["country", "date", "y", "cohort", "d"])
    return frame


def _prices(seed: int = 3, n: int = 400) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2018-01-01", periods=n)
    m = rng.normal(0, 0.01, n)
    r = 0.0002 + 1.2 * m + rng.normal(0, 0.002, n)
    r[dates.get_loc(pd.Timestamp("2019-03-01"))] += 0.04
    to_prices = lambda x: pd.Series(100 * np.exp(np.cumsum(np.r_[0, x[1:]])), index=dates)  # noqa: E731
    return to_prices(r), to_prices(m)


# --------------------------------------------------------------------------- results


def _sc(placebo: bool = False, **fit):
    return SyntheticControl(_synth_panel(), outcome="y", unit="unit", time="year", treated="u0",
                            treatment_time=2003, v="equal", outcome_unit="kb/d").fit(
        conformal=True, placebo=placebo, **fit)


def _panel_es():
    return PanelEventStudy(_staggered(), outcome="y", cohort="cohort", window=(-3, 4),
                           endpoints="drop")


def _honest():
    return _panel_es().fit().honest_did(HonestOptions(grid_points=20, lf_simulations=100,
                                                      mbar=(0.0, 1.0), m=(0.0, 0.1)))


BUILDERS = {
    "ITS": lambda: ITS(_monthly(), {"event": "2017-01-01"}, outcome_unit="kb/d").fit(),
    "InterventionARIMA": lambda: InterventionARIMA(_monthly(), {"event": "2017-01-01"},
                                                   order=(0, 1, 0), n_simulations=200,
                                                   outcome_unit="kb/d").fit(),
    "LocalProjections": lambda: LocalProjections(_monthly(), {"event": "2017-01-01"},
                                                 horizons=4).fit(),
    "StructuralBreaks": lambda: StructuralBreaks(_monthly(), max_breaks=2, n_sim=0).fit(),
    "SyntheticControl": _sc,
    "SyntheticDiD": lambda: SyntheticDiD(_synth_panel(), outcome="y", unit="unit", time="year",
                                         treated="d", se="placebo",
                                         replications=50, outcome_unit="kb/d").fit(),
    "AugmentedSynthControl": lambda: AugmentedSynthControl(
        _synth_panel(), outcome="y", unit="unit", time="year", treated="u0",
        treatment_time=2003, lam=1.0).fit(conformal=True, grid_size=20),
    "CallawaySantAnna": lambda: CallawaySantAnna(_staggered(), outcome="y", unit="country",
                                                 time="date", cohort="cohort").fit(),
    "CallawaySantAnna.aggregate": lambda: CallawaySantAnna(
        _staggered(), outcome="y", unit="country", time="date", cohort="cohort").fit().aggregate(
        "dynamic", bootstrap=None),
    "SunAbraham": lambda: SunAbraham(_staggered(), outcome="y", cohort="cohort",
                                     window=(-3, 4)).fit(),
    "PanelDiD": lambda: PanelDiD(_staggered(), outcome="y", treatment="d").fit(),
    "PanelEventStudy": lambda: _panel_es().fit(),
    "EventStudy": lambda: EventStudy(_prices()[0], {"jump": "2019-03-01"}, market=_prices()[1],
                                     estimation=(-120, -11), window=(-2, 2)).fit(),
    "HonestResults": _honest,
    "PlaceboResult (SC placebo-in-space)": lambda: _sc().placebo(),
}

#: Results with a counterfactual path report observed and counterfactual columns.
WITH_COUNTERFACTUAL = {"ITS", "InterventionARIMA", "SyntheticControl", "SyntheticDiD",
                       "AugmentedSynthControl", "EventStudy"}


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def case(request):
    return request.param, BUILDERS[request.param]()


def _drawn(figure) -> list[np.ndarray]:
    """Vertices of every interval in a figure: filled bands and error bars."""
    from matplotlib.collections import LineCollection, PolyCollection

    out = []
    for ax in figure.axes:
        for coll in ax.collections:
            if isinstance(coll, PolyCollection | LineCollection):
                out += [np.asarray(p.vertices, dtype="float64") for p in coll.get_paths()]
    return out


# --------------------------------------------------------------------------- the protocol


def test_headline_under_one_name(case):
    name, res = case
    head = res.headline
    assert isinstance(head, Headline) and head.name
    assert math.isfinite(head.estimate)
    assert res.estimate == head.estimate
    assert res.std_error == head.std_error or (math.isnan(res.std_error)
                                               and math.isnan(head.std_error))
    assert head.alpha == res.alpha
    if math.isfinite(head.lower):
        assert head.lower <= head.estimate <= head.upper
    json.dumps(head.to_dict())
    assert head.name in str(head)


def test_path_schema(case):
    name, res = case
    path = res.path()
    assert tuple(path.columns[: len(PATH_COLUMNS)]) == PATH_COLUMNS
    assert len(path) > 0
    if name in WITH_COUNTERFACTUAL:
        assert {"observed", "counterfactual"} <= set(path.columns)
    for col in ("estimate", "std_error", "lower", "upper"):
        assert path[col].dtype == "float64"
    both = path["lower"].notna() & path["upper"].notna()
    assert both.any(), f"{name}: no interval in the path"
    if name.startswith("PlaceboResult"):
        return  # the band is the placebos' spread, which the treated gap may leave
    inside = path.loc[both]
    assert (inside["lower"] <= inside["estimate"] + 1e-9).all()
    assert (inside["estimate"] <= inside["upper"] + 1e-9).all()


def test_alpha_changes_path_conf_int_and_the_drawn_band(case):
    import matplotlib.pyplot as plt

    name, res = case
    assert 0 < res.alpha < 1
    wide, narrow = res.path(0.05), res.path(0.2)
    ok = wide["lower"].notna() & narrow["lower"].notna()
    assert ok.any()
    assert (wide.loc[ok, "upper"] - wide.loc[ok, "lower"]
            >= narrow.loc[ok, "upper"] - narrow.loc[ok, "lower"] - 1e-9).all()
    assert (wide.loc[ok, "upper"] - wide.loc[ok, "lower"]
            > narrow.loc[ok, "upper"] - narrow.loc[ok, "lower"]).any()
    fitted = res.plot()
    other = res.plot(alpha=0.1 if not math.isclose(res.alpha, 0.1) else 0.2)
    a, b = _drawn(fitted), _drawn(other)
    plt.close("all")
    assert a and b, f"{name}: plot draws no interval"
    assert len(a) != len(b) or any(x.shape != y.shape or not np.allclose(x, y)
                                   for x, y in zip(a, b, strict=True)), \
        f"{name}: plot(alpha=...) draws the same band"
    ci = res.conf_int(0.2)
    assert {"lower", "upper"} <= set(ci.columns)


def test_a_parameter_headline_has_the_parameter_interval(case):
    name, res = case
    params = getattr(res, "params", None)
    if params is None or res.headline.name not in params.index or math.isnan(res.std_error):
        return  # an average, or a test's p-value (synthetic controls): checked below
    head = res.headline_at(0.2)
    ci = res.conf_int(0.2).loc[head.name]
    assert (head.lower, head.upper) == pytest.approx((ci["lower"], ci["upper"]))
    assert head.estimate == params[head.name]
    assert head.pvalue == pytest.approx(res.pvalues[head.name])


def test_path_at_the_fitted_alpha_is_the_default(case):
    name, res = case
    pd.testing.assert_frame_equal(res.path(), res.path(res.alpha))


def test_renderings(case):
    name, res = case
    text = str(res.summary())
    assert len(text.splitlines()) > 3
    html = res._repr_html_()
    assert html.startswith("<div") and "<script" not in html
    latex = res.to_latex()
    assert r"\begin{tabular}" in latex
    frame = res.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame)


def test_provenance_names_every_numerical_dependency(case):
    name, res = case
    versions = res.provenance["versions"]
    assert {"venecon", "numpy", "scipy", "pandas", "statsmodels"} <= set(versions)
    if name in ("PanelDiD", "PanelEventStudy", "SunAbraham"):
        assert {"linearmodels", "pyfixest"} <= set(versions)
    json.dumps(res.provenance)


def test_one_immutability_mechanism(case):
    name, res = case
    assert isinstance(res, Frozen)
    with pytest.raises(AttributeError, match="immutable"):
        res.alpha_new = 0.1  # a new attribute
    with pytest.raises(AttributeError, match="immutable"):
        object.__getattribute__(res, "__class__").__setattr__(res, "_provenance", {})
    with pytest.raises(AttributeError, match="immutable"):
        del res._provenance


# --------------------------------------------------------------------------- specific promises


def test_summary_escapes_html():
    res = ITS(_monthly().rename("<b>output</b>"), {"<i>e</i>": "2017-01-01"}).fit()
    html = res._repr_html_()
    assert "<b>output</b>" not in html and "&lt;b&gt;output&lt;/b&gt;" in html


def test_sc_conf_int_is_the_conformal_interval():
    res = _sc()
    ci = res.conf_int()
    assert math.isnan(ci["lower"].iloc[0])  # the average effect has no interval
    rows = ci.iloc[1:]
    eff = res.effects.dropna(subset=["effect"])
    np.testing.assert_allclose(rows["lower"].to_numpy(), eff["effect_lower"].to_numpy())
    np.testing.assert_allclose(rows["upper"].to_numpy(), eff["effect_upper"].to_numpy())
    wider = res.conf_int(0.04).iloc[1:]
    assert ((wider["upper"] - wider["lower"]) >= (rows["upper"] - rows["lower"]) - 1e-9).all()
    # the parameter table and the JSON export keep to the parameters (the average effect)
    assert list(res.to_frame().index) == list(res.params.index)
    assert list(res.to_dict(alpha=0.01)["conf_int"]["lower"]) == list(res.params.index)


def test_sc_conformal_default_alpha_is_005():
    res = SyntheticControl(_synth_panel(), outcome="y", unit="unit", time="year", treated="u0",
                           treatment_time=2003, v="equal").fit(conformal=True)
    assert res.alpha == 0.05
    post = res.effects.dropna(subset=["effect"]).index
    again = res.conformal(0.05, periods=list(post[:1]))
    assert again["lower"].iloc[0] == pytest.approx(res.effects.loc[post[0], "effect_lower"])
    # the module function has the same default as fit(conformal=True) and conformal()
    direct = conformal_intervals(res.engine, periods=list(post[:1]))
    assert direct.attrs["alpha"] == 0.05 and direct["lower"].iloc[0] == again["lower"].iloc[0]


def test_sc_placebo_one_name_one_result():
    res = _sc()
    assert res.placebo_result is None and math.isnan(res.pvalue)
    assert math.isnan(res.summary().tables[0][1]["placebo p-value"].iloc[0])
    # no placebo was run: calling placebo() runs it (was TypeError: 'NoneType' not callable)
    pl = res.placebo()
    assert isinstance(pl, PlaceboResult) and 0 < pl.pvalue <= 1
    # the result keeps it: the same object again, and the summary shows its p-value
    assert res.placebo() is pl and res.placebo(n_jobs=2) is pl and res.placebo_result is pl
    assert res.pvalue == pl.pvalue and res.pvalues.iloc[0] == pl.pvalue
    assert res.summary().tables[0][1]["placebo p-value"].iloc[0] == pl.pvalue
    assert f"Placebo-in-space p-value {pl.pvalue:.4f}" in str(res.summary())
    # identical to the test fit(placebo=True) runs, number for number
    fitted = _sc(placebo=True)
    assert fitted.placebo() is fitted.placebo_result
    pd.testing.assert_frame_equal(fitted.placebo().gaps, pl.gaps, check_exact=True)
    pd.testing.assert_frame_equal(fitted.placebo().table, pl.table, check_exact=True)
    assert fitted.placebo().to_dict() == pl.to_dict()
    assert fitted.to_dict() == res.to_dict()
    assert str(fitted.summary()) == str(res.summary())
    with pytest.raises(AttributeError, match="immutable"):
        res._placebo = None


def test_sc_placebo_filter_as_fitted():
    res = _sc(placebo=True, pre_fit_filter=2)
    carried = res.placebo_result
    assert carried.pre_fit_filter == 2 and res.placebo() is carried
    assert res.placebo(pre_fit_filter=2.0) is carried
    # another filter runs another test, which the result does not report
    unfiltered = res.placebo(pre_fit_filter=None)
    assert unfiltered.pre_fit_filter is None and unfiltered.n_units >= carried.n_units
    assert res.placebo_result is carried and res.pvalue == carried.pvalue
    # the fit's filter is the one placebo() runs later
    later = _sc(pre_fit_filter=2)
    assert later.placebo_result is None
    assert later.placebo().to_dict() == carried.to_dict()
    assert repr(inspect.signature(later.placebo)) == (
        "<Signature (*, pre_fit_filter: 'float | None' = <as fitted>, n_jobs: 'int' = 1) "
        "-> 'PlaceboResult'>")
    with pytest.raises(ModelSpecificationError, match="pre_fit_filter must be positive"):
        _sc(pre_fit_filter=0)
    with pytest.raises(ModelSpecificationError, match="pre_fit_filter must be positive"):
        _sc().placebo(pre_fit_filter="5")


def test_sc_placebo_old_names_warn():
    res, fitted = _sc(), _sc(placebo=True)
    with pytest.warns(FutureWarning, match=r"placebo_space\(\) is now called placebo\(\)"):
        pl = res.placebo_space()
    assert res.placebo_result is pl  # the result reports it, as after placebo()
    with pytest.warns(FutureWarning, match=r"placebo_space\(\) is now called placebo\(\)"):
        filtered = res.placebo_space(pre_fit_filter=2)
    assert filtered.pre_fit_filter == 2 and res.placebo_result is pl
    with pytest.warns(FutureWarning, match=r"with_placebo\(\) is now called placebo\(\)"):
        copy_ = _sc().with_placebo(filtered)
    assert copy_.placebo_result is filtered and copy_.pvalue == filtered.pvalue
    with pytest.warns(FutureWarning, match=r"with_placebo\(\)"):
        assert _sc().with_placebo().to_dict() == fitted.to_dict()
    # the attribute that .placebo was: reads go to placebo_result, with a warning
    with pytest.warns(FutureWarning, match=r"placebo\.pvalue is now called "
                      r"SyntheticControlResults\.placebo_result\.pvalue"):
        assert fitted.placebo.pvalue == fitted.placebo_result.pvalue
    with pytest.warns(FutureWarning, match=r"placebo\.table"):
        pd.testing.assert_frame_equal(fitted.placebo.table, pl.table)
    with pytest.warns(FutureWarning, match=r"bool\("):
        assert fitted.placebo and not _sc().placebo
    with pytest.warns(FutureWarning), pytest.raises(AttributeError,
                                                    match=r"call results\.placebo\(\)"):
        _ = _sc().placebo.pvalue
    assert "not run yet" in repr(_sc().placebo) and "carried" in repr(fitted.placebo)


def test_sdid_cumulative_effect_on_annual_data():
    res = BUILDERS["SyntheticDiD"]()
    cum = res.cumulative_effect()
    post = res.effects.dropna(subset=["effect"])
    days = np.array([366 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 365
                     for y in post.index])
    assert cum.barrels == pytest.approx(float(post["effect"].to_numpy() @ days) * 1e3)
    assert cum.frequency == "Y" and cum.periods == len(post)
    assert cum.barrels_lower < cum.barrels < cum.barrels_upper


def test_sdid_headline_is_att():
    res = BUILDERS["SyntheticDiD"]()
    assert res.estimate == res.params["att"]
    assert res.std_error == res.std_errors["att"]
    assert res.headline.window == (2003, 2010)


def test_its_headline_is_the_average_effect_with_its_exact_interval():
    res = BUILDERS["ITS"]()
    head = res.headline
    post = res.effects.loc["2017-01-01":, "effect"]
    assert head.estimate == pytest.approx(post.mean())
    w = res.weighted_sum(res.window_positions(), np.full(len(post), 1 / len(post)))
    assert (head.lower, head.upper) == pytest.approx((w.lower, w.upper))
    q = (head.upper - head.lower) / (2 * head.std_error)
    from scipy import stats

    assert q == pytest.approx(stats.norm.ppf(0.975))


def test_cs_headline_is_the_simple_aggregation():
    res = BUILDERS["CallawaySantAnna"]()
    simple = res.aggregate("simple")
    assert res.estimate == simple.params["att"]
    assert res.std_error == simple.std_errors["att"]
    assert res.alpha == 0.05


def test_honest_at_another_alpha_reruns_the_analysis():
    res = _honest()
    assert res.conf_int(0.2)["upper"].iloc[0] < res.conf_int()["upper"].iloc[0]
    assert res.at_alpha(res.alpha) is res


def test_placebo_in_time_renders():
    res = SyntheticControl(_synth_panel(), outcome="y", unit="unit", time="year", treated="u0",
                           treatment_time=2003, v="equal",
                           predictors=[("y", slice(1990, 2002), "mean")]).fit()
    pt = res.placebo_time([1995])
    assert list(pt.to_frame().index) == [1995]
    assert "Placebo-in-time" in str(pt.summary())
    assert r"\begin{tabular}" in pt.to_latex() and pt._repr_html_().startswith("<div")
    with pytest.raises(AttributeError, match="immutable"):
        pt.extra = 1
