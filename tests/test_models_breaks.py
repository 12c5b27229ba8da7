"""StructuralBreaks: DP = brute force, Chow F, simulated breaks, real data, bad input."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import venecon
from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models import StructuralBreaks
from venecon.models.breaks import bai_quantile, optimal_partitions, segment_ssr

matplotlib.use("Agg")

FIXTURES = Path(__file__).parent / "fixtures" / "models_lp_breaks.json"


def series(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=len(values), freq="MS"), name="y")


def shifts(seed: int, n: int = 120, at: tuple[int, ...] = (40, 80), size: float = 3.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    level = np.zeros(n)
    for k, b in enumerate(at, start=1):
        level[b:] += size * (1 if k % 2 else -0.7)
    return series(level + rng.normal(size=n))


def lstsq_ssr(y: np.ndarray, a: int, b: int, q: int) -> float:
    x = np.column_stack([np.ones(b - a), np.arange(a, b, dtype=float)])[:, :q]
    beta = np.linalg.lstsq(x, y[a:b], rcond=None)[0]
    return float(((y[a:b] - x @ beta) ** 2).sum())


@pytest.mark.parametrize("model,q", [("level", 1), ("trend", 2)])
def test_dynamic_programming_equals_brute_force(model, q):
    rng = np.random.default_rng(3 + q)
    n, h, mmax = 28, 4, 3
    y = np.cumsum(rng.normal(size=n)) + 50
    ssr = segment_ssr(y, model)
    for a in range(n):  # every segment's SSR agrees with a direct least-squares fit
        for b in range(a + 1, n + 1):
            assert ssr[a, b] == pytest.approx(lstsq_ssr(y, a, b, q), rel=1e-9, abs=1e-9)
    total, parts = optimal_partitions(ssr, mmax, h)
    for m in range(mmax + 1):
        best, where = np.inf, None
        for cut in itertools.combinations(range(h, n - h + 1), m):
            bounds = [0, *cut, n]
            if min(np.diff(bounds)) < h:
                continue
            value = sum(lstsq_ssr(y, a, b, q) for a, b in zip(bounds, bounds[1:]))
            if value < best:
                best, where = value, cut
        assert parts[m] == where
        assert total[m] == pytest.approx(best, rel=1e-10)


@pytest.mark.parametrize("model", ["level", "trend"])
def test_sup_f_one_break_equals_chow_test_in_statsmodels(model):
    import statsmodels.api as sm

    y = shifts(5, at=(55,))
    res = StructuralBreaks(y, model=model, max_breaks=1, select=1, n_sim=0).fit()
    b = res.breaks["date"].iloc[0]
    t = np.arange(len(y), dtype=float)
    d = (y.index >= b).astype(float)
    base = np.column_stack([np.ones_like(t), t])[:, : (1 if model == "level" else 2)]
    full = np.column_stack([base, base * d[:, None]])
    chow = sm.OLS(y.to_numpy(), full).fit().compare_f_test(sm.OLS(y.to_numpy(), base).fit())
    assert res.tests.loc["sup-F(1)", "statistic"] == pytest.approx(chow[0], rel=1e-9)
    # and the regime coefficients are statsmodels OLS given the date
    regimes = np.column_stack([base * (1 - d)[:, None], base * d[:, None]])
    if model == "trend":  # venecon orders the columns by regime: const[1], trend[1], const[2], ...
        regimes = regimes[:, [0, 1, 2, 3]]
    ref = sm.OLS(y.to_numpy(), regimes).fit()
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-9)
    np.testing.assert_allclose(res.std_errors.to_numpy(), ref.bse, rtol=1e-9)


def test_bai_quantiles_and_simulated_critical_value():
    # Bai (1997): 95% and 90% intervals use 11.03 and 7.69.
    assert bai_quantile(0.975) == pytest.approx(11.03, abs=0.01)
    assert bai_quantile(0.95) == pytest.approx(7.69, abs=0.01)
    # Simulated finite-sample 5% value near Bai-Perron (2003, Table 1) asymptotic 8.58
    # (q = 1, trim 0.15, one break).
    res = StructuralBreaks(shifts(6), max_breaks=1, n_sim=999).fit()
    # 999 draws: Monte Carlo sd of the 5% value is about 0.3 (measured 7.86-8.64 across seeds).
    assert 7.5 < res.tests.loc["sup-F(1)", "crit_5pct"] < 9.5


def test_recovers_simulated_breaks():
    res = StructuralBreaks(shifts(7)).fit()
    positions = [res.fitted.index.get_loc(d) for d in res.breaks["date"]]
    assert len(positions) == 2 and abs(positions[0] - 40) <= 1 and abs(positions[1] - 80) <= 1
    index = res.fitted.index
    for (_, row), true in zip(res.breaks.iterrows(), (40, 80), strict=True):
        assert row["lower"] <= index[true] <= row["upper"]
    assert res.tests.loc["sup-F(2)", "pvalue"] < 0.01
    # no break: BIC picks none and sup-F(1) is not significant
    calm = StructuralBreaks(series(np.random.default_rng(8).normal(size=120))).fit()
    assert len(calm.breaks) == 0 and calm.tests.loc["sup-F(1)", "pvalue"] > 0.05


@pytest.mark.slow
def test_break_date_interval_coverage():
    reps, hits = 300, 0
    for r in range(reps):
        y = shifts(20_000 + r, n=120, at=(60,), size=1.0)
        res = StructuralBreaks(y, max_breaks=1, select=1, n_sim=0).fit()
        row = res.breaks.iloc[0]
        hits += row["lower"] <= y.index[60] <= row["upper"]
    # Measured with statsmodels 0.15: 0.937 (shift of 1 sd, 120 months, iid N(0,1) errors, 300 reps).
    assert 0.9 <= hits / reps <= 0.985


# ------------------------------------------------------------ real data

def _fixture(key: str) -> dict:
    return json.loads(FIXTURES.read_text())[key]


@pytest.mark.parametrize("key", ["breaks_level_2016_2026", "breaks_trend_2016_2026",
                                 "breaks_level_2021_2026"])
def test_real_data_regression_fixture(key):
    spec = _fixture(key)
    crude = venecon.load("production_monthly", series="crude_oil", start=spec["data"]["start"])
    assert crude.attrs["venecon"]["datasets"] == spec["data"]["datasets"]
    res = StructuralBreaks(crude, **spec["options"]).fit()
    got = res.to_dict()
    assert got["breaks"] == spec["breaks"]
    for a, b in zip(got["tests"], spec["tests"], strict=True):
        assert a["statistic"] == pytest.approx(b["statistic"], rel=1e-9)
        assert a["pvalue"] == b["pvalue"] and a["crit_5pct"] == pytest.approx(b["crit_5pct"], rel=1e-12)
    for name, value in spec["params"].items():
        assert res.params[name] == pytest.approx(value, rel=1e-9), name
    table = json.loads(res.compare_events().to_json(orient="records", date_format="iso"))
    assert table == spec["compare_events"]


def test_real_data_sanction_breaks_match_events():
    crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    res = StructuralBreaks(crude).fit()
    table = res.compare_events(["eo13808", "pdvsa-sdn", "gl41", "gl41a"])
    assert table.loc["break1", "nearest_event"] == "eo13808"
    assert table.loc["break1", "distance_months"] == 1
    assert table.loc["break2", "nearest_event"] == "pdvsa-sdn"
    assert table.loc["break2", "distance_months"] == 2


# ------------------------------------------------------------ API and bad input

def test_results_api():
    res = StructuralBreaks(shifts(9), n_sim=99).fit()
    json.dumps(res.to_dict())
    text = str(res.summary())
    assert "Break dates" in text and "sup-F(1)" in text and "UDmax" in text and "mean[3]" in text
    assert res.provenance["seed"] == 20260401
    assert list(res.selection.columns) == ["ssr", "bic", "lwz", "dates"]
    assert res.plot().axes[0].get_title().endswith("2 break(s)")
    assert StructuralBreaks(shifts(9), n_sim=99).fit().to_dict() == res.to_dict()


def test_bad_input():
    y = shifts(10)
    bad = y.copy()
    bad.iloc[7] = np.nan
    with pytest.raises(ModelSpecificationError, match="missing value"):
        StructuralBreaks(bad)
    with pytest.raises(ModelSpecificationError, match="duplicated"):
        StructuralBreaks(pd.concat([y, y.iloc[[2]]]).sort_index())
    with pytest.raises(ModelSpecificationError, match="irregular"):
        StructuralBreaks(y.drop(y.index[30]))
    with pytest.raises(InsufficientDataError, match="minimum segment length"):
        StructuralBreaks(y, model="trend", trim=2)
    with pytest.raises(InsufficientDataError, match="one break"):
        StructuralBreaks(y.iloc[:15], trim=8)
    with pytest.raises(ModelSpecificationError, match="trim"):
        StructuralBreaks(y, trim=0.6)
    with pytest.raises(ModelSpecificationError, match="model"):
        StructuralBreaks(y, model="variance")
    with pytest.raises(ModelSpecificationError, match="select"):
        StructuralBreaks(y, select="aic")
    with pytest.raises(ModelSpecificationError, match="alpha must be in"):
        StructuralBreaks(y, alpha=1.5)
    with pytest.warns(UserWarning, match="max_breaks=5 is used"):
        model = StructuralBreaks(y, max_breaks=9)
    assert model.max_breaks == 5


def test_compare_events_outside_sample_and_same_month():
    res = StructuralBreaks(shifts(11), n_sim=0).fit()  # breaks at 2013-05 and 2016-09
    with pytest.warns(UserWarning, match="outside the sample"):
        table = res.compare_events({"late": "2030-01-01", "early": "2013-04-10"})
    assert table.loc["break1", "nearest_event"] == "early"
    same = res.compare_events({"a": "2013-05-02", "b": "2013-05-30"})
    assert same.loc["break1", "nearest_event"] == "a; b"  # cannot be told apart: both listed
