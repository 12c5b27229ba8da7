"""Repeated-fit work through joblib (venecon.parallel) and the synthetic-control grid.

The Dask test starts a ``dask.distributed.LocalCluster`` (two worker processes
on loopback) and checks that placebos and a specification grid run through
joblib's Dask backend give exactly the serial results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reference_data import need_module

from venecon.exceptions import ModelSpecificationError
from venecon.models import SyntheticControl
from venecon.models.synth.grid import simulated_panel, specification_grid
from venecon.parallel import parallel_map

PREDICTORS = {
    "blocks": [
        ("y", slice(1, 10), "mean"),
        ("y", slice(11, 20), "mean"),
        ("x1", slice(1, 20), "mean"),
    ],
    "blocks+x2": [
        ("y", slice(1, 10), "mean"),
        ("y", slice(11, 20), "mean"),
        ("x1", slice(1, 20), "mean"),
        ("x2", slice(1, 20), "mean"),
    ],
}


@pytest.fixture(scope="module")
def small_panel() -> pd.DataFrame:
    return simulated_panel(8, 30, treatment_period=21, seed=3)


def _model(df: pd.DataFrame, **kw) -> SyntheticControl:
    kw.setdefault("predictors", PREDICTORS["blocks"])
    return SyntheticControl(
        df,
        outcome="y",
        unit="unit",
        time="period",
        treated="treated",
        treatment_time=21,
        n_random_starts=1,
        seed=7,
        **kw,
    )


def _grid(df: pd.DataFrame, n_jobs: int) -> pd.DataFrame:
    donors = sorted(set(df["unit"]) - {"treated"})
    return specification_grid(
        df,
        outcome="y",
        unit="unit",
        time="period",
        treated="treated",
        treatment_time=21,
        donor_pools={"all": None, "first 6": donors[:6]},
        windows={"full": (1, 20), "late": (11, 20)},
        predictor_sets=PREDICTORS,
        placebo=True,
        seed=7,
        n_random_starts=1,
        n_jobs=n_jobs,
    )


def test_simulated_panel_shape_and_effect():
    df = simulated_panel(5, 12, treatment_period=10, effect=-50.0, noise=0.0, seed=1)
    assert df.shape == (6 * 12, 5)
    assert list(df.columns) == ["unit", "period", "y", "x1", "x2"]
    assert not df.duplicated(["unit", "period"]).any()
    assert df.attrs["treatment_period"] == 10
    # same seed, same panel; another seed, another panel
    pd.testing.assert_frame_equal(
        df, simulated_panel(5, 12, treatment_period=10, effect=-50.0, noise=0.0, seed=1)
    )
    assert not df["y"].equals(simulated_panel(5, 12, treatment_period=10, seed=2)["y"])
    # the treated unit is a convex combination of donors before treatment: a near-perfect synthetic
    res = SyntheticControl(
        df, outcome="y", unit="unit", time="period", treated="treated", treatment_time=10, v="equal"
    ).fit()
    assert res.params.iloc[0] < -25
    with pytest.raises(ModelSpecificationError, match="at least 3 donors"):
        simulated_panel(2, 12)
    # a treatment period outside the panel would silently give a panel with no effect
    for bad in (1, 13, 40):
        with pytest.raises(ModelSpecificationError, match=r"treatment_period must be in 2\.\.12"):
            simulated_panel(5, 12, treatment_period=bad)


def test_parallel_map_keeps_order():
    tasks = [(i, 2) for i in range(7)]
    assert parallel_map(pow, tasks) == [i**2 for i in range(7)]
    assert parallel_map(pow, tasks, n_jobs=2, prefer="threads") == [i**2 for i in range(7)]


@pytest.fixture(scope="module")
def serial_grid(small_panel) -> pd.DataFrame:
    return _grid(small_panel, n_jobs=1)


@pytest.mark.slow
def test_specification_grid_small_case(small_panel, serial_grid):
    grid = serial_grid
    assert len(grid) == 2 * 2 * 2
    assert list(grid[["donor_pool", "window", "predictors"]].iloc[0]) == ["all", "full", "blocks"]
    assert list(grid["n_donors"].unique()) == [8, 6]
    assert grid["placebo_p"].between(0, 1).all()
    assert (grid["pre_rmspe"] > 0).all() and grid["average_effect"].notna().all()
    assert set(grid["fit_start"]) == {1, 11}
    # each row equals the model fitted on its own
    one = _model(small_panel, fit_window=(11, 20), predictors=PREDICTORS["blocks+x2"]).fit()
    row = grid.query("donor_pool == 'all' and window == 'late' and predictors == 'blocks+x2'")
    assert row["average_effect"].iloc[0] == one.params.iloc[0]
    assert row["pre_rmspe"].iloc[0] == one.rmspe_pre
    # sequences get default names; model arguments that the grid owns are refused
    g2 = specification_grid(
        small_panel,
        outcome="y",
        unit="unit",
        time="period",
        treated="treated",
        treatment_time=21,
        donor_pools=[None],
        windows=[(1, 20)],
        predictor_sets=[PREDICTORS["blocks"]],
        v="equal",
    )
    assert list(g2[["donor_pool", "window", "predictors"]].iloc[0]) == [
        "pool0",
        "window0",
        "predictors0",
    ]
    assert np.isnan(g2["placebo_p"].iloc[0])
    with pytest.raises(TypeError, match="donors"):
        specification_grid(
            small_panel,
            donor_pools=[None],
            windows=[(1, 20)],
            predictor_sets=[None],
            donors=["donor0001"],
            outcome="y",
        )


def test_placebos_identical_on_local_processes(small_panel):
    model = _model(small_panel)
    # two results: one result runs its placebo test once and keeps it
    pd.testing.assert_frame_equal(model.fit().placebo().gaps,
                                  model.fit().placebo(n_jobs=2).gaps)


@pytest.mark.slow
def test_dask_localcluster_matches_serial(small_panel, serial_grid):
    """A real dask.distributed LocalCluster (2 processes, loopback) via joblib's Dask backend."""
    distributed = need_module("dask.distributed")
    import joblib

    model = _model(small_panel)
    serial_pl = model.fit().placebo()
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with joblib.parallel_backend("dask"):
            dask_pl = model.fit().placebo(n_jobs=-1)
            dask_grid = _grid(small_panel, -1)
        # the work really ran on the cluster's workers
        assert len(client.scheduler_info()["workers"]) == 2
        assert sum(client.run(lambda: 1).values()) == 2
    pd.testing.assert_frame_equal(serial_pl.gaps, dask_pl.gaps, check_exact=True)
    pd.testing.assert_frame_equal(serial_pl.table, dask_pl.table, check_exact=True)
    pd.testing.assert_frame_equal(serial_grid, dask_grid, check_exact=True)
