"""Scaling of synthetic control with donors, periods and placebo count (simulated panels).

The 200-donor, 300-period panel with all 200 placebos on 2 processes is the
performance target (under 60 s, peak memory under 1 GiB; peak memory is
measured by ``run_benchmarks.py``, which runs each workload in its own process).
"""

from __future__ import annotations

import pytest
import workloads as w

pytest.importorskip("pytest_benchmark")


def test_simulated_200x300_all_placebos_2_jobs(benchmark):
    func = w.prepare_simulated(200, 300, placebos=None, n_jobs=2)
    benchmark.extra_info.update(donors=200, periods=300, placebos=200, n_jobs=2)
    benchmark.pedantic(func, rounds=3, iterations=1)


@pytest.mark.parametrize("n_donors", [25, 50, 100, 200])
def test_scaling_donors(benchmark, n_donors):
    """Fit + 10 placebos, 300 periods, serial."""
    func = w.prepare_simulated(n_donors, 300, placebos=10)
    benchmark.extra_info.update(donors=n_donors, periods=300, placebos=10)
    benchmark.pedantic(func, rounds=3, iterations=1)


@pytest.mark.parametrize("n_periods", [60, 150, 300, 600])
def test_scaling_periods(benchmark, n_periods):
    """Fit + 10 placebos, 100 donors, serial."""
    func = w.prepare_simulated(100, n_periods, placebos=10)
    benchmark.extra_info.update(donors=100, periods=n_periods, placebos=10)
    benchmark.pedantic(func, rounds=3, iterations=1)


@pytest.mark.parametrize("placebos", [0, 50, 100, 200])
def test_scaling_placebo_count(benchmark, placebos):
    """Fit + k placebos, 200 donors x 300 periods, serial."""
    func = w.prepare_simulated(200, 300, placebos=placebos)
    benchmark.extra_info.update(donors=200, periods=300, placebos=placebos)
    benchmark.pedantic(func, rounds=1, iterations=1)
