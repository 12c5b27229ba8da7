"""The shared results API: immutability, rendering, JSON export, provenance, reproducibility."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

import venecon
from venecon.models import ITS, CumulativeEffect

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def result():
    crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    return ITS(crude, {"eo13808": "2017-08-24", "pdvsa-sdn": "2019-01-28"}, end="2020-02").fit()


def test_immutable(result):
    with pytest.raises(AttributeError, match="immutable"):
        result.params = None
    p = result.params
    p.iloc[0] = 1e9
    assert result.params.iloc[0] != 1e9
    e = result.effects
    e.iloc[:, :] = 0
    assert result.effects["actual"].iloc[0] > 0
    prov = result.provenance
    prov["seed"] = 3
    assert result.provenance["seed"] is None


def test_conf_int_and_pvalues(result):
    from scipy import stats

    ci = result.conf_int(0.1)
    q = stats.norm.ppf(0.95)
    np.testing.assert_allclose(ci["upper"], result.params + q * result.std_errors, rtol=1e-12)
    assert list(ci.columns) == ["lower", "upper"]
    with pytest.raises(ValueError):
        result.conf_int(1.5)
    assert ((result.pvalues >= 0) & (result.pvalues <= 1)).all()


def test_renderings(result):
    text = str(result.summary())
    assert "level[eo13808]" in text and "HAC" in text and "sha256" in text
    html = result._repr_html_()
    assert html.startswith("<div") and "level[eo13808]" in html
    latex = result.to_latex()
    assert r"\begin{tabular}" in latex and r"level[eo13808]" in latex
    frame = result.to_frame()
    assert list(frame.columns) == ["estimate", "std_error", "stat", "pvalue", "lower", "upper"]


def test_to_dict_is_json_safe_and_complete(result):
    d = result.to_dict()
    back = json.loads(json.dumps(d))
    assert back["params"]["level[pdvsa-sdn]"] == pytest.approx(result.params["level[pdvsa-sdn]"])
    assert len(back["effects"]) == result.nobs
    assert back["provenance"]["data"]["datasets"]["production_monthly"]


def test_provenance_contents_and_reproducibility(result):
    prov = result.provenance
    assert set(prov) >= {"model", "data", "versions", "options", "seed"}
    from venecon.data.load import provenance

    assert prov["data"]["datasets"] == provenance("production_monthly")["datasets"]
    assert prov["data"]["sample"] == {"start": "2016-01-01", "end": "2020-02-01", "nobs": 50}
    assert {"venecon", "numpy", "pandas", "statsmodels", "scipy"} <= set(prov["versions"])
    assert prov["options"]["events"] == {"eo13808": "2017-08-24", "pdvsa-sdn": "2019-01-28"}
    crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    again = ITS(crude, {"eo13808": "2017-08-24", "pdvsa-sdn": "2019-01-28"}, end="2020-02").fit()
    assert (json.dumps(again.to_dict(), sort_keys=True)
            == json.dumps(result.to_dict(), sort_keys=True))
    assert str(again.summary()) == str(result.summary())


def test_user_supplied_data_records_sha256():
    y = pd.Series(np.linspace(10, 1, 40), index=pd.date_range("2018-01-01", periods=40, freq="MS"))
    res = ITS(y, ["2020-01-01"], hac_lags=0).fit()
    sha = res.provenance["data"]["datasets"]["user-supplied"]
    assert len(sha) == 64
    y2 = y.copy()
    y2.iloc[3] += 1
    assert (ITS(y2, ["2020-01-01"], hac_lags=0).fit()
            .provenance["data"]["datasets"]["user-supplied"] != sha)
    with pytest.raises(venecon.exceptions.ModelSpecificationError, match="unit"):
        res.cumulative_effect()


def test_cumulative_effect_object(result):
    cum = result.cumulative_effect("2019-01", "2019-12")
    assert isinstance(cum, CumulativeEffect)
    assert cum.periods == 12 and cum.days == 365 and cum.unit == "kb/d"
    assert cum.barrels_lower < cum.barrels < cum.barrels_upper
    json.dumps(cum.to_dict())
    assert "million barrels" in str(cum)
    with pytest.raises(venecon.DateRangeError):
        result.cumulative_effect("2030-01", "2030-02")


def test_flow_units_come_from_the_domain_registry(monkeypatch):
    from venecon.models.core import flow_units
    from venecon.revenue.units import BARRELS_PER_UNIT_DAY

    # import venecon registered the oil units; the models hold no table of their own
    assert flow_units.PER_UNIT_DAY == BARRELS_PER_UNIT_DAY
    monkeypatch.setitem(flow_units.PER_UNIT_DAY, "kt/d", 1.0)  # removed again after the test
    y = pd.Series(np.linspace(10, 1, 40), index=pd.date_range("2018-01-01", periods=40, freq="MS"))
    def total(unit: str) -> CumulativeEffect:
        res = ITS(y, ["2020-01-01"], hac_lags=0, outcome_unit=unit).fit()
        return res.cumulative_effect("2020-01", "2020-12")

    kbd = total("kb/d")
    flow_units.register_flow_unit("kt/d", 2.0)
    kt = total("kt/d")
    # same effects, 2 base amounts per unit-day instead of 1000: the sum scales by 2/1000
    assert kt.barrels == pytest.approx(kbd.barrels * 2.0 / 1e3, rel=1e-12)
    assert kt.average == pytest.approx(kbd.average, rel=1e-12)
    with pytest.raises(venecon.exceptions.ModelSpecificationError, match="positive finite"):
        flow_units.register_flow_unit("x/d", 0.0)


def test_plots(result):
    import matplotlib.pyplot as plt

    fig = result.plot()
    assert len(fig.axes) == 2
    plt.close(fig)
    from venecon.models.core.results import ModelResults

    fig = ModelResults.plot(result)
    plt.close(fig)


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, venecon, venecon.models; "
            "print([m for m in ('statsmodels', 'matplotlib', 'scipy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_statistics_are_a_deep_copy():
    from venecon.models.core.results import ModelResults

    res = ModelResults(model="m", dependent="y", params=pd.Series([1.0], index=["a"]),
                       std_errors=pd.Series([0.5], index=["a"]), cov=[[0.25]], nobs=10,
                       df_resid=None, cov_type="x", provenance={},
                       statistics={"by_horizon": [1.0, 2.0], "nested": {"k": 1}})
    stats = res.statistics
    stats["by_horizon"].append(3.0)
    stats["nested"]["k"] = 2
    res.to_dict()["statistics"]["nested"]["k"] = 3
    assert res.statistics == {"by_horizon": [1.0, 2.0], "nested": {"k": 1}}


def test_alpha_outside_zero_one_is_a_venecon_error(result):
    for alpha in (0, 1, 1.5, float("nan")):
        with pytest.raises(venecon.exceptions.ModelSpecificationError, match="alpha must be in"):
            result.cumulative_effect("2019-01", "2019-12", alpha=alpha)
    y = pd.Series(np.linspace(10, 1, 40), index=pd.date_range("2018-01-01", periods=40, freq="MS"))
    with pytest.raises(venecon.exceptions.ModelSpecificationError, match="alpha must be in"):
        ITS(y, ["2020-01-01"], alpha=2)
