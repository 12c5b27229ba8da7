"""The fast SDID replication paths equal the plain batched solver.

``sdid_placebo`` solves placebo replications on the shared control matrix (lazily built
Gram rows, scaled running gradients, per-problem noise levels from sums); ``estimate``
splits large batches into chunks. Both must give the numbers of the straightforward
batched Frank-Wolfe of ``sdid_solver`` (which tests/test_models_sdid.py and
tests/test_models_sdid_staggered.py tie to synthdid-py) up to rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reference_data import mirror_file

from venecon.models import SDIDOptions, SyntheticDiD
from venecon.models.synth import sdid_placebo, sdid_solver, sdid_staggered

KW = dict(outcome="PacksPerCapita", unit="State", time="Year")


@pytest.fixture(scope="module")
def prop99() -> pd.DataFrame:
    return pd.read_csv(mirror_file("california_prop99_synthdid.csv"), sep=";")


@pytest.mark.parametrize("method", ["sdid", "sc", "did"])
def test_shared_matrix_placebo_equals_stacked_batch(prop99, method):
    res = SyntheticDiD(prop99, treated="treated", method=method, se="none", **KW).fit()
    model = SyntheticDiD(prop99, treated="treated", method=method, se="none", **KW)
    p, _ = model._problem()
    Y, n0, t0 = model._Y, model._n0, model._t0
    omega, lam = res.unit_weights.to_numpy(), res.time_weights.to_numpy()
    fast = sdid_placebo.placebo_paths(Y, n0, t0, p, omega, lam, 25, np.random.default_rng(7))
    plain = sdid_solver.placebo_draws(Y, n0, t0, p, omega, lam, 25, np.random.default_rng(7))
    np.testing.assert_allclose(fast, plain, atol=1e-9, rtol=0)


def test_noise_levels_from_sums_equal_numpy():
    rng = np.random.default_rng(3)
    Yc = 1e6 + rng.normal(size=(40, 12)).cumsum(axis=1)
    blocked = np.array([rng.permutation(40)[:5] for _ in range(6)])
    fast = sdid_placebo.noise_levels(Yc, 9, blocked)
    for b, rows in enumerate(blocked):
        keep = np.setdiff1d(np.arange(40), rows)
        direct = np.diff(Yc[keep, :9], axis=1).std(ddof=1)
        assert fast[b] == pytest.approx(direct, rel=1e-12)


def test_staggered_placebo_equals_refits_from_scratch():
    from test_models_sdid_staggered import staggered_panel

    model = SyntheticDiD(staggered_panel(), treated="d", se="none", outcome="y", unit="unit",
                         time="year")
    Y, n0, adoption = model._Y, model._n0, model._adoption
    opts = SDIDOptions()
    fast = sdid_staggered.placebo_staggered(Y, n0, adoption, "sdid", opts, 6,
                                            np.random.default_rng(2))
    rng = np.random.default_rng(2)
    n_tr = len(adoption)
    samples = [(perm[n_tr:], perm[:n_tr], adoption)
               for perm in (rng.permutation(n0) for _ in range(6))]
    # the stacked path, reached through the covariate-free refit
    plain = sdid_staggered._refit(samples, Y, np.unique(adoption), "sdid", opts)
    np.testing.assert_allclose(fast.att, plain.att, atol=1e-9)
    np.testing.assert_allclose(fast.cohorts, plain.cohorts, atol=1e-9)


def test_chunked_batches_equal_one_batch(prop99, monkeypatch):
    model = SyntheticDiD(prop99, treated="treated", se="none", **KW)
    p, _ = model._problem()
    batch = sdid_solver.stack([model._Y] * 5, [model._n0] * 5, model._t0)
    whole = sdid_solver.estimate(batch, p)
    monkeypatch.setattr(sdid_solver, "GRAM_BYTES", 8 * 39 * 39 * 2)  # two problems a chunk
    chunked = sdid_solver.estimate(batch, p)
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_wide_single_problem_builds_gram_rows_lazily(prop99, monkeypatch):
    full = SyntheticDiD(prop99, treated="treated", se="none", **KW).fit()
    monkeypatch.setattr(sdid_solver, "GRAM_BYTES", 8 * 10 * 10)  # every problem is "wide"
    lazy = SyntheticDiD(prop99, treated="treated", se="none", **KW).fit()
    assert lazy.params["att"] == pytest.approx(full.params["att"], abs=1e-10)
    np.testing.assert_allclose(lazy.unit_weights, full.unit_weights, atol=1e-10)
    np.testing.assert_allclose(lazy.time_weights, full.time_weights, atol=1e-10)


@pytest.mark.parametrize("scale", [1e-40, 1e60, 1e95])
def test_placebo_blocks_treated_columns_at_any_scale(prop99, scale):
    # the blocked columns' sentinel is relative to the data, so far from 1 in either
    # direction the placebo (blocked columns) and the bootstrap (padded ones) scale exactly
    base = SyntheticDiD(prop99, treated="treated", replications=10, **KW).fit()
    scaled = prop99.assign(PacksPerCapita=prop99["PacksPerCapita"] * scale)
    res = SyntheticDiD(scaled, treated="treated", replications=10, **KW).fit()
    assert res.params["att"] / scale == pytest.approx(base.params["att"], rel=1e-9)
    assert res.std_errors["att"] / scale == pytest.approx(base.std_errors["att"], rel=1e-7)
