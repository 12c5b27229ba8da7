"""One option, three schedulers: serial, loky and a Dask cluster give identical numbers.

The Dask tests start a ``dask.distributed.LocalCluster`` on 127.0.0.1 (two
single-threaded worker processes) and point venecon at its scheduler address,
as a user points a study at a remote cluster; nothing leaves the loopback.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from venecon.exceptions import OptionError, VeneconError
from venecon.models import SyntheticControl
from venecon.models.synth.grid import simulated_panel
from venecon.parallel import Compute, active_compute, compute, parallel_map, task_seeds
from venecon.study import bundled_studies
from venecon.study.spec import StudyError

SCHEDULERS = ("serial", "loky", "dask")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


def _where(scheduler: str, cluster) -> Compute:
    if scheduler == "dask":
        return Compute("dask", cluster.scheduler_address)
    return Compute(scheduler, n_jobs=2 if scheduler == "loky" else 1)


def test_task_seeds_are_spawned_children():
    seeds = task_seeds(7, 5)
    assert seeds == task_seeds(7, 5) and len(set(seeds)) == 5
    assert task_seeds(7, 8)[:5] == seeds  # task i's seed does not depend on the task count
    expect = np.random.SeedSequence(7).spawn(2)[1].generate_state(1, dtype=np.uint64)[0] >> 1
    assert seeds[1] == int(expect)
    assert task_seeds(8, 5)[:4] != seeds[1:]  # not the shifted streams of seed + i
    assert task_seeds(None, 3) == [None, None, None]


def test_compute_option_is_checked():
    assert Compute().scheduler == "serial" and Compute(n_jobs=2).scheduler == "loky"
    assert Compute(address="tcp://127.0.0.1:8786").scheduler == "dask"
    with pytest.raises(OptionError, match="scheduler must be one of serial, loky, dask"):
        Compute("ray")
    with pytest.raises(OptionError, match="use it with scheduler 'dask'"):
        Compute("loky", "tcp://127.0.0.1:8786")
    with pytest.raises(OptionError, match="n_jobs must be a positive number"):
        Compute("loky", n_jobs=0)
    with pytest.raises(OptionError, match=r"study.compute.workers is not a key"):
        Compute.from_mapping({"workers": 2}, "study.compute")
    assert active_compute() is None
    with compute("serial") as spec:
        assert active_compute() is spec
    assert active_compute() is None


def test_dask_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(OptionError, match=r"pip install 'venecon\[dask\]'"):
        with compute("dask"):
            pass


def test_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("dask.distributed")
    with compute("dask", address="tcp://127.0.0.1:9"), pytest.raises(
            OptionError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        parallel_map(pow, [(2, 2), (3, 2)])


def test_parallel_map_on_each_scheduler(cluster):
    tasks = [(i, 3) for i in range(40)]
    for s in SCHEDULERS:
        with compute(_where(s, cluster)):
            assert parallel_map(pow, tasks) == [i**3 for i in range(40)]
    # an object shared by every task is sent once and still reaches every task
    shared = np.arange(5.0)
    with compute(_where("dask", cluster)):
        out = parallel_map(np.dot, [(shared, np.full(5, float(i))) for i in range(9)])
    assert out == [float(shared.sum() * i) for i in range(9)]
    with compute(_where("dask", cluster)), pytest.raises(ZeroDivisionError):
        parallel_map(divmod, [(1, 1), (1, 0)])  # a task's error reaches the caller as raised


def test_placebos_identical_on_every_scheduler(cluster):
    df = simulated_panel(8, 30, treatment_period=21, seed=3)
    model = SyntheticControl(df, outcome="y", unit="unit", time="period", treated="treated",
                             treatment_time=21, n_random_starts=2, seed=11)
    res = model.fit()
    out = {}
    for s in SCHEDULERS:
        with compute(_where(s, cluster)):
            # a fresh result per scheduler: a result runs its placebo test once and keeps it
            out[s] = (model.fit().placebo(), res.leave_one_out())
    for s in ("loky", "dask"):
        pd.testing.assert_frame_equal(out[s][0].gaps, out["serial"][0].gaps, check_exact=True)
        pd.testing.assert_frame_equal(out[s][0].table, out["serial"][0].table, check_exact=True)
        pd.testing.assert_frame_equal(out[s][1].gaps, out["serial"][1].gaps, check_exact=True)


def test_study_grid_identical_on_every_scheduler(cluster):
    study = bundled_studies()["libya-2011"]
    runs = {"serial": study.run(), "loky": study.run(n_jobs=2, scheduler="loky"),
            "dask": study.run(address=cluster.scheduler_address)}
    base = runs["serial"]
    assert len(base.robustness.table) >= 5
    for s in ("loky", "dask"):
        pd.testing.assert_frame_equal(runs[s].robustness.table, base.robustness.table,
                                      check_exact=True)
        assert runs[s].to_dict() == base.to_dict()


def test_study_compute_table(cluster):
    import dataclasses

    study = bundled_studies()["libya-2011"]
    declared = dataclasses.replace(study, compute={"address": cluster.scheduler_address})
    assert declared.compute == Compute("dask", cluster.scheduler_address)
    assert "compute" not in declared.to_dict()  # where a study ran is not part of its result
    assert declared.run().to_dict() == study.run().to_dict()
    with pytest.raises(StudyError, match=r"study.compute.*scheduler must be one of"):
        dataclasses.replace(study, compute={"scheduler": "mpi"})


def test_cli_scheduler_flags(tmp_path, monkeypatch, capsys):
    import venecon.study.cli as study_cli
    from venecon.cli import main

    seen = []

    def fake_run(files, out, *, n_jobs, quiet):
        seen.append((active_compute(), n_jobs))
        return tmp_path

    monkeypatch.setattr(study_cli, "run_command", fake_run)
    monkeypatch.setattr("venecon.parallel.available_cores", lambda: 2)
    args = ["study", "run", "libya-2011", "--quiet"]
    assert main(args) == 0
    assert main([*args, "--scheduler", "loky", "--n-jobs", "8"]) == 0
    assert main([*args, "--address", "tcp://10.0.0.5:8786"]) == 0
    assert seen == [(None, 1), (Compute("loky", None, 2), 2),
                    (Compute("dask", "tcp://10.0.0.5:8786", 1), 1)]
    assert main([*args, "--scheduler", "loky", "--address", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert "--n-jobs 8 capped at the 2 core(s) available" in err
    assert "--address is a Dask scheduler's address: use it with scheduler 'dask'" in err
    with pytest.raises(SystemExit):
        main([*args, "--scheduler", "ray"])


def test_report_config_n_jobs_is_capped(monkeypatch, capsys):
    from venecon.parallel import capped_jobs

    monkeypatch.setattr("venecon.parallel.available_cores", lambda: 2)
    assert capped_jobs(64, "synth.n_jobs") == 2
    assert "venecon: note: synth.n_jobs 64 capped at the 2 core(s) available" in \
        capsys.readouterr().err
    assert isinstance(OptionError("x"), VeneconError)


def test_specification_curve_identical_on_every_scheduler(cluster):
    from venecon.study.curve import specification_curve

    study = bundled_studies()["libya-2011"]
    tables = {}
    for s in SCHEDULERS:
        with compute(_where(s, cluster)):
            tables[s] = specification_curve(study, sizes=[2, 4], subsets_per_size=1,
                                            starts=[1995]).table
    assert len(tables["serial"]) == 14
    for s in ("loky", "dask"):
        pd.testing.assert_frame_equal(tables[s], tables["serial"], check_exact=True)


def test_study_toml_compute_table(tmp_path):
    from venecon.study import Study, bundled_path

    text = bundled_path("libya-2011").read_text()
    path = tmp_path / "libya.toml"
    path.write_text(text + '\n[study.compute]\nscheduler = "loky"\nn_jobs = 2\n')
    study = Study.from_toml(path)
    assert study.compute == Compute("loky", None, 2)
    path.write_text(text + '\n[study.compute]\nworkers = 2\n')
    with pytest.raises(StudyError, match=r"study.compute.workers is not a key"):
        Study.from_toml(path)


# --------------------------------------------------------------------------- SDID blocks


def _sdid_panels():
    from test_models_sdid_staggered import staggered_panel

    single = simulated_panel(30, 16, treatment_period=12, seed=5)
    treated = sorted(single["unit"].unique())[:3]  # three treated units: bootstrap allowed
    single = single.assign(d=(single["unit"].isin(treated) & (single["period"] >= 12)).astype(int))
    x = np.random.default_rng(6).normal(size=len(single))
    return {"single": (single, dict(outcome="y", unit="unit", time="period", treated="d")),
            "covariates": (single.assign(x=x, y=single["y"] + 0.5 * x),
                           dict(outcome="y", unit="unit", time="period", treated="d",
                                covariates=["x"])),
            "staggered": (staggered_panel(n_co=20), dict(outcome="y", unit="unit", time="year",
                                                          treated="d"))}


@pytest.fixture
def small_blocks(monkeypatch):
    from venecon.models.synth import sdid_blocks

    monkeypatch.setattr(sdid_blocks, "BLOCK_WORK", 1)
    monkeypatch.setattr(sdid_blocks, "MIN_BLOCK", 4)  # 18 replications: four blocks


def test_sdid_block_layout_depends_on_the_draws_only():
    from venecon.models.synth.sdid_blocks import block_slices

    assert block_slices(200, 38) == [slice(0, 200)]  # Prop 99's placebo: one batch
    assert block_slices(200, 1000) == [slice(0, 100), slice(100, 200)]
    assert len(block_slices(200, 5000)) == 4 and len(block_slices(10_000, 5000)) == 200
    for n in (2, 3, 49, 50, 99, 100, 101, 1001):
        parts = block_slices(n, 5000)
        lengths = [s.stop - s.start for s in parts]
        assert parts[0].start == 0 and parts[-1].stop == n
        assert all(a.stop == b.start for a, b in zip(parts, parts[1:], strict=False))
        assert max(lengths) - min(lengths) <= 1 and min(lengths) >= 2


@pytest.mark.parametrize("design", ["single", "staggered", "covariates"])
def test_sdid_standard_errors_identical_on_every_scheduler(cluster, small_blocks, design):
    from venecon.models import SyntheticDiD

    df, kw = _sdid_panels()[design]
    for se in ("placebo", "bootstrap", "jackknife"):
        out = {}
        for s in SCHEDULERS:
            with compute(_where(s, cluster)):
                out[s] = SyntheticDiD(df, se=se, replications=18, seed=4, **kw).fit()
        base = out["serial"]
        assert np.isfinite(base.std_errors["att"]) and base.std_errors["att"] > 0
        for s in ("loky", "dask"):
            assert out[s].std_errors["att"] == base.std_errors["att"], (design, se, s)
            pd.testing.assert_frame_equal(out[s].replications, base.replications,
                                          check_exact=True)
            if design == "staggered":
                pd.testing.assert_frame_equal(out[s].cohorts, base.cohorts, check_exact=True)


@pytest.mark.parametrize("design", ["single", "staggered"])
def test_sdid_placebo_blocks_agree_with_one_batch(monkeypatch, design):
    # blocks change which replications share a batch (and so the rounding of the shared Gram
    # rows), not the draws: the replicates agree with one batch to rounding
    from venecon.models import SyntheticDiD
    from venecon.models.synth import sdid_blocks

    df, kw = _sdid_panels()[design]
    whole = SyntheticDiD(df, replications=18, seed=4, **kw).fit()
    monkeypatch.setattr(sdid_blocks, "BLOCK_WORK", 1)
    monkeypatch.setattr(sdid_blocks, "MIN_BLOCK", 4)
    blocked = SyntheticDiD(df, replications=18, seed=4, **kw).fit()
    np.testing.assert_allclose(blocked.replications, whole.replications, rtol=0, atol=1e-10)
    assert blocked.std_errors["att"] == pytest.approx(whole.std_errors["att"], rel=1e-12)
