"""StructuralBreaks: DP = brute force, Chow F, strucchange references, simulated breaks, real data.

References: strucchange 1.5-3 and sandwich 3.0-2 (R 4.2) outputs in
``$VENECON_TEST_DATA/strucchange-reference/`` (``breakpoints(Nile ~ 1)``; Bai
and Perron 2003, Table 1, on RealInt as ``?RealInt`` reproduces it) and
``tests/fixtures/strucchange-extra_output.txt`` (``strucchange-extra.R``:
intervals for every het.reg/het.err/HAC combination, ``pargmaxV``, ``kernHAC``).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from reference_data import unavailable

import venecon
from venecon.exceptions import InsufficientDataError, ModelSpecificationError
from venecon.models import StructuralBreaks
from venecon.models.timeseries.breaks import (
    argmax_cdf,
    bai_intervals,
    bai_quantile,
    optimal_partitions,
    segment_ssr,
)
from venecon.models.timeseries.hac import QuadraticSpectral, kernel_hac_cov

matplotlib.use("Agg")

FIXTURES = Path(__file__).parent / "fixtures" / "models_lp_breaks.json"
EXTRA = Path(__file__).parent / "fixtures" / "strucchange-extra_output.txt"
# shared/raw/MANIFEST.md, strucchange-reference/
REFERENCE = {
    "Nile.csv": "1b6b4a2609106ae3cd1251a26fb4dd8b52af620212828e7eefbea8e6f25d32ad",
    "RealInt.csv": "ddf8be95b4e15bb7e2783e88337cb93106a4586f1cbfc4ee3176a6615b5661f7",
    "sc_ref_output.txt":
        "842204b97b9da524770308506d974f4f5d954132fbbbf3ce199380997e33e893",
    "sc_bp2003_table1_output.txt":
        "4e91feac157819b0b719a7fc122ce29c142a372f98189d9d05e14d8ab3a29811",
}


def reference(name: str) -> Path:
    """A strucchange reference file: skip without ``VENECON_TEST_DATA``, fail if it is missing."""
    import hashlib
    import os

    root = os.environ.get("VENECON_TEST_DATA")
    if not root:
        unavailable("set VENECON_TEST_DATA to shared/raw for the strucchange references")
    path = Path(root) / "strucchange-reference" / name
    if not path.is_file():
        pytest.fail(f"{path} is missing (shared/raw/MANIFEST.md, strucchange-reference/)")
    if hashlib.sha256(path.read_bytes()).hexdigest() != REFERENCE[name]:
        pytest.fail(f"{path} does not match its sha256 in shared/raw/MANIFEST.md")
    return path


def nile_series() -> pd.Series:
    df = pd.read_csv(reference("Nile.csv"))
    return pd.Series(df["Nile"].to_numpy(float),
                     index=pd.PeriodIndex(df["year"].astype(str), freq="Y").to_timestamp(),
                     name="Nile")


def realint_series() -> pd.Series:
    df = pd.read_csv(reference("RealInt.csv"))
    index = pd.PeriodIndex([f"{y}Q{q}" for y, q in zip(df["year"], df["quarter"], strict=True)],
                           freq="Q")
    return pd.Series(df["RealInt"].to_numpy(float), index=index.to_timestamp(), name="RealInt")


def strucchange_date(stamp: pd.Timestamp, freq: str) -> str:
    """strucchange's breakdate label: ``1898`` (annual) or ``1966(4)`` (quarterly)."""
    return str(stamp.year) if freq == "Y" else f"{stamp.year}({stamp.quarter})"


def printed_confint(text: str) -> tuple[list[list[int]], list[list[str]]]:
    """The last ``confint`` table of a strucchange print: observation numbers and dates."""
    import re

    block = text[text.rindex("Confidence intervals for breakpoints"):]
    obs_block, dates_block = block.split("Corresponding to breakdates", 1)
    obs = [[int(v) for v in m.groups()]
           for m in re.finditer(r"^\d+\s+(-?\d+)\s+(\d+)\s+(-?\d+)\s*$", obs_block, re.M)]
    dates = [list(m.groups()) for m in re.finditer(r"^\d+\s+(\S+)\s+(\S+)\s+(\S+)\s*$",
                                                   dates_block, re.M)]
    return obs, dates


def series(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=len(values), freq="MS"),
                     name="y")


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
            value = sum(lstsq_ssr(y, a, b, q) for a, b in itertools.pairwise(bounds))
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
    pooled = StructuralBreaks(y, model=model, max_breaks=1, select=1, n_sim=0, het_err=False).fit()
    np.testing.assert_allclose(pooled.std_errors.to_numpy(), ref.bse, rtol=1e-9)
    # default: each regime's own variance with the ML divisor n_j, as strucchange's vcov
    own = []
    for part in (d == 0, d == 1):
        fit = sm.OLS(y.to_numpy()[part], base[part]).fit()
        own += list(fit.bse * np.sqrt(fit.df_resid / fit.nobs))
    np.testing.assert_allclose(res.std_errors.to_numpy(), own, rtol=1e-9)


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
    # Measured: 0.930 with the regime-specific (strucchange) intervals, 0.943 with
    # hac=QuadraticSpectral() (shift of 1 sd, 120 months, iid N(0,1) errors, 300 reps).
    assert 0.9 <= hits / reps <= 0.985


@pytest.mark.slow
def test_hac_intervals_keep_more_coverage_under_autocorrelation():
    def ar1(seed: int, size: float, n: int = 120, rho: float = 0.5) -> pd.Series:
        rng = np.random.default_rng(seed)
        e, u = rng.normal(size=n + 50), np.zeros(n + 50)
        for t in range(1, n + 50):
            u[t] = rho * u[t - 1] + e[t]
        return series(np.where(np.arange(n) >= n // 2, size, 0.0) + u[50:] * np.sqrt(1 - rho**2))

    cover = {}
    for name, hac in (("iid", None), ("hac", QuadraticSpectral())):
        hits = 0
        for r in range(300):
            y = ar1(30_000 + r, 1.0)
            row = StructuralBreaks(y, max_breaks=1, select=1, n_sim=0, hac=hac).fit().breaks.iloc[0]
            hits += bool(row["lower"] <= y.index[60] <= row["upper"])
        cover[name] = hits / 300
    # Measured: 0.697 (iid) and 0.860 (hac); AR(1) 0.5 errors, shift of 1 sd, 120 months.
    assert cover["iid"] < 0.8 < cover["hac"] < 0.95


# ------------------------------------------------------------ strucchange references

def test_nile_reproduces_strucchange_breakpoints():
    """``breakpoints(Nile ~ 1)``: 1898 [1895, 1902], means 1097.75, 849.9722.

    The dates are the last year of the old regime.
    """
    text = reference("sc_ref_output.txt").read_text()
    obs, dates = printed_confint(text[:text.index("Optimal 3-segment")])
    assert obs == [[25, 28, 32]] and dates == [["1895", "1898", "1902"]]
    res = StructuralBreaks(nile_series(), n_sim=0).fit()
    row = res.breaks.iloc[0]
    # strucchange's convention: the last year of the old regime
    got = [strucchange_date(row[c], "Y") for c in ("last_old_lower", "last_old", "last_old_upper")]
    assert got == dates[0]
    assert [row["obs_lower"], row["obs"], row["obs_upper"]] == obs[0]
    # venecon's convention: the first year of the new regime, one year later
    assert [row[c].year for c in ("lower", "date", "upper")] == [1896, 1899, 1903]
    assert res.params.round(4).tolist() == [1097.75, 849.9722]


def test_realint_reproduces_bai_perron_2003_table1():
    """Bai and Perron (2003) Table 1 as strucchange's ``?RealInt`` reproduces it.

    h = 15, 3 breaks, QS HAC.
    """
    import re

    text = reference("sc_bp2003_table1_output.txt").read_text()
    text = text[:text.index("Nile")]
    obs, dates = printed_confint(text)
    assert dates == [["1965(2)", "1966(4)", "1969(3)"], ["1969(1)", "1972(3)", "1972(4)"],
                     ["1980(1)", "1980(3)", "1981(1)"]]
    means = [float(v)
             for v in re.findall(r"^\d{4}\(\d\) - \d{4}\(\d\)\s+(-?[\d.]+)\s*$", text, re.M)]
    ses = [float(v) for v in text[text.index("0.18"):].split("\n")[0].split()]
    assert means == [1.8236167, 0.8660848, -1.7961384, 5.6428896]
    assert ses == [0.1857577, 0.1499849, 0.5026749, 0.5887460]
    res = StructuralBreaks(realint_series(), trim=15, select=3, hac=QuadraticSpectral(),
                           n_sim=0).fit()
    table = res.breaks
    got = [[strucchange_date(r[c], "Q") for c in ("last_old_lower", "last_old", "last_old_upper")]
           for _, r in table.iterrows()]
    assert got == dates
    assert table[["obs_lower", "obs", "obs_upper"]].to_numpy().tolist() == obs
    # to the printed precision (7 decimals)
    np.testing.assert_allclose(res.params.to_numpy(), means, atol=5e-8)
    np.testing.assert_allclose(res.std_errors.to_numpy(), ses, atol=5e-8)
    # the SSRs for m = 0..5 printed by summary(breakpoints)
    total, _ = optimal_partitions(segment_ssr(realint_series().to_numpy(), "level"), 5, 15)
    assert np.round(total, 1).tolist() == [1214.9, 645.0, 456.0, 445.2, 444.9, 449.6]


def _extra_line(prefix: str, start: str = "") -> list[float]:
    text = EXTRA.read_text()
    text = text[text.index(start):] if start else text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(prefix))
    return [float(v) for v in line.split(":", 1)[1].split()]


@pytest.mark.parametrize("het_reg", [True, False])
@pytest.mark.parametrize("het_err", [True, False])
@pytest.mark.parametrize("hac", [False, True])
def test_intervals_equal_strucchange_for_every_option(het_reg, het_err, hac):
    """``confint(bp, het.reg, het.err, vcov.)`` of strucchange-extra.R.

    Every combination, exactly.
    """
    y = realint_series().to_numpy()
    _, parts = optimal_partitions(segment_ssr(y, "level"), 5, 15)
    ref = _extra_line(f"het.reg {str(het_reg).upper()} het.err {str(het_err).upper()}",
                      "## RealInt")
    if hac:
        text = EXTRA.read_text()
        at = text.index(f"het.reg {str(het_reg).upper()} het.err {str(het_err).upper()}",
                        text.index("## RealInt"))
        ref = [float(v) for v in text[at:].splitlines()[1].split(":", 1)[1].split()]
    lower, upper = ref[0:3], ref[6:9]  # R prints the 3 x 3 matrix column by column
    got = bai_intervals(y, np.ones((len(y), 1)), parts[3], 0.05, het_reg=het_reg, het_err=het_err,
                        hac=QuadraticSpectral() if hac else None)
    assert [g["obs_lower"] for g in got] == lower and [g["obs_upper"] for g in got] == upper


def test_nile_interval_options_equal_strucchange():
    y = nile_series()
    for prefix, kwargs in (("het.reg TRUE het.err FALSE", {"het_err": False}),
                           ("level 0.90", {"alpha": 0.10}),
                           ("QS prewhite HAC", {"hac": QuadraticSpectral()})):
        ref = _extra_line(prefix)
        row = StructuralBreaks(y, n_sim=0, **kwargs).fit().breaks.iloc[0]
        assert [row["obs_lower"], row["obs"], row["obs_upper"]] == ref, prefix


def test_argmax_cdf_equals_pargmaxv_and_bai_symmetric_law():
    for xi, phi1, phi2 in ((1, 1, 1), (1.5, 1, 2), (0.5, 3, 1)):
        ref = _extra_line(f"xi {xi} phi1 {phi1} phi2 {phi2}")
        got = [argmax_cdf(v, xi, phi1, phi2) for v in (-20, -5, -1, 0.5, 3, 15)]
        np.testing.assert_allclose(got, ref, rtol=1e-9)
    # symmetric case: P(|argmax| <= c) = 0.95 at c = bai_quantile(0.975)
    c = bai_quantile(0.975)
    assert argmax_cdf(c) - argmax_cdf(-c) == pytest.approx(0.95, abs=1e-9)


def test_kernel_hac_equals_sandwich_kernhac():
    y = np.array(_extra_line("y"))
    n = len(y)
    x = np.column_stack([np.ones(n), np.arange(1, n + 1.0)])
    resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    for prefix, option in (("kernHAC prewhite=1:", QuadraticSpectral()),
                           ("kernHAC prewhite=0:", QuadraticSpectral(prewhite=False)),
                           ("kernHAC prewhite=1 adjust=FALSE:", QuadraticSpectral(adjust=False))):
        cov, bw = kernel_hac_cov(x, resid, option)
        np.testing.assert_allclose(cov.ravel(), _extra_line(prefix), rtol=1e-9)
    assert kernel_hac_cov(x, resid)[1] == pytest.approx(_extra_line("bwAndrews")[0], rel=1e-9)
    text = EXTRA.read_text().split("intercept-only bwAndrews:")[1].split("kernHAC:")
    cov, bw = kernel_hac_cov(np.ones((n, 1)), y - y.mean())
    assert bw == pytest.approx(float(text[0]), rel=1e-9)
    assert cov[0, 0] == pytest.approx(float(text[1]), rel=1e-12)
    # the regime s.e. without HAC: strucchange's vcov (SSR_j / n_j) on RealInt
    res = StructuralBreaks(realint_series(), trim=15, select=3, n_sim=0).fit()
    np.testing.assert_allclose(res.std_errors.to_numpy(), _extra_line("iid s.e. het.err=TRUE"),
                               rtol=1e-9)


def test_sequential_and_wdmax_tests():
    res = StructuralBreaks(realint_series(), trim=15, n_sim=199).fit()
    t = res.tests
    f = t.loc[[f"sup-F({k})" for k in range(1, 6)]]
    # WDmax weights the sup-F(k) by c(1) / c(k), the simulated 5% critical values
    weights = f["crit_5pct"].iloc[0] / f["crit_5pct"]
    assert t.loc["WDmax", "statistic"] == pytest.approx((f["statistic"] * weights).max(), rel=1e-12)
    # sup-F(l+1|l) by brute force: the best extra break in each regime of the l-break optimum
    y = realint_series().to_numpy()
    ssr = segment_ssr(y, "level")
    _, parts = optimal_partitions(ssr, 5, 15)
    for m in (1, 2):
        bounds, best = [0, *parts[m], len(y)], -np.inf
        for a, b in itertools.pairwise(bounds):
            for tau in range(a + 15, b - 15 + 1):
                s0 = lstsq_ssr(y, a, b, 1)
                s1 = lstsq_ssr(y, a, tau, 1) + lstsq_ssr(y, tau, b, 1)
                best = max(best, (s0 - s1) / (s1 / (b - a - 2)))
        assert t.loc[f"sup-F({m + 1}|{m})", "statistic"] == pytest.approx(best, rel=1e-9)
    # the sequential critical values rise with l: the max over l + 1 regimes
    seq = t.loc[["sup-F(2|1)", "sup-F(3|2)", "sup-F(4|3)"], "crit_5pct"].to_numpy()
    assert np.all(np.diff(seq) > 0) and seq[0] > f["crit_5pct"].iloc[0]
    # the second break is strong (sup-F(2|1) = 52.2), the fourth nil (sup-F(4|3) = 0.04)
    assert t.loc["sup-F(2|1)", "pvalue"] < 0.05 and t.loc["sup-F(4|3)", "pvalue"] > 0.5
    # the sequential procedure adds breaks while the tests reject at 5%
    seq = StructuralBreaks(realint_series(), trim=15, n_sim=199, select="sequential").fit()
    stop = next(m for m in range(1, 5) if t.loc[f"sup-F({m + 1}|{m})", "pvalue"] > 0.05)
    assert len(seq.breaks) == stop
    assert seq.tests.equals(t)
    with pytest.raises(ModelSpecificationError, match="n_sim"):
        StructuralBreaks(realint_series(), select="sequential", n_sim=0)


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
        assert a["index"] == b["index"]
        if b["statistic"] is None:  # sup-F(l+1|l) when no regime can hold another break
            assert a["statistic"] is None and a["pvalue"] is None
        else:
            assert a["statistic"] == pytest.approx(b["statistic"], rel=1e-9)
            assert a["pvalue"] == b["pvalue"]
        assert a["crit_5pct"] == pytest.approx(b["crit_5pct"], rel=1e-12)
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


# ------------------------------------------------------------ the study estimator

@pytest.mark.slow
def test_study_estimator_dates_breaks_against_the_sanctions():
    from venecon.study import StudyError, bundled_studies
    from venecon.study.spec import parse_estimators

    r = bundled_studies(["venezuela-breaks"])["venezuela-breaks"].run()
    e = r.estimates["structural_breaks"]
    assert r.headline == "structural_breaks"
    crude = venecon.load("production_monthly", series="crude_oil", start="2016-01")
    ref = StructuralBreaks(crude, hac=QuadraticSpectral(), outcome_unit="kb/d").fit()
    # the headline is the shift at the break nearest the PdVSA designation, with the interval of
    # the difference of the two regime means (their HAC standard errors)
    key = e.extra["break_nearest_treatment"]
    i = int(key.removeprefix("break"))
    b, a = f"mean[{i}]", f"mean[{i + 1}]"
    shift = ref.params[a] - ref.params[b]
    se = float(np.sqrt(ref.cov.loc[a, a] + ref.cov.loc[b, b]))
    assert e.average_effect == pytest.approx(shift, rel=1e-12)
    assert e.upper - e.average_effect == pytest.approx(1.959963984540054 * se, rel=1e-9)
    rows = {row["break"]: row for row in e.extra["breaks"]}
    assert rows[key]["nearest_event"] == "pdvsa-sdn" and rows[key]["event_in_interval"]
    assert rows["break1"]["nearest_event"] == "eo13808" and rows["break1"]["event_in_interval"]
    assert rows[key]["date"] == ref.breaks.loc[key, "date"].strftime("%Y-%m")
    with pytest.raises(StudyError, match="hac"):
        parse_estimators("study.estimators", {"structural_breaks": {"hac": "yes"}})
    with pytest.raises(StudyError, match="model"):
        parse_estimators("study.estimators", {"structural_breaks": {"model": "variance"}})
    opts = parse_estimators("study.estimators", {"structural_breaks": {"trim": 12, "select": 2}})
    assert opts["structural_breaks"].trim == 12 and opts["structural_breaks"].select == 2


def test_hac_options_and_short_segments():
    with pytest.raises(ModelSpecificationError, match="bandwidth"):
        QuadraticSpectral(bandwidth=0)
    with pytest.raises(ModelSpecificationError, match="prewhite"):
        QuadraticSpectral(prewhite=1)
    with pytest.raises(ModelSpecificationError, match="hac must be"):
        StructuralBreaks(shifts(12), hac="qs")
    with pytest.raises(ModelSpecificationError, match="het_err"):
        StructuralBreaks(shifts(12), het_err="no")
    with pytest.raises(InsufficientDataError, match="HAC"):
        StructuralBreaks(shifts(12), trim=6, hac=QuadraticSpectral())
    # a fixed bandwidth is used as given; the Andrews bandwidth is data-driven
    y = shifts(13).to_numpy()
    x = np.ones((len(y), 1))
    assert kernel_hac_cov(x, y - y.mean(), QuadraticSpectral(bandwidth=3.0))[1] == 3.0
