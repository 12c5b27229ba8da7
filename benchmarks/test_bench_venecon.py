"""Benchmarks of the user-facing workloads (pytest-benchmark; see benchmarks/README.md)."""

from __future__ import annotations

import pytest
import workloads as w

pytest.importorskip("pytest_benchmark")


def _run(benchmark, func, rounds: int, **info):
    benchmark.extra_info.update(info)
    return benchmark.pedantic(func, rounds=rounds, iterations=1, warmup_rounds=0)


def test_import_venecon(benchmark):
    """``import venecon`` in a fresh interpreter (the benchmark times the whole subprocess;
    ``extra_info["import_s"]`` holds the import alone)."""
    run = w.prepare_import()
    times = []
    benchmark.pedantic(lambda: times.append(run()), rounds=7, iterations=1)
    benchmark.extra_info["import_s_median"] = sorted(times)[len(times) // 2]


@pytest.mark.parametrize("name", w.dataset_names())
def test_load_dataset(benchmark, name):
    """Cold ``venecon.load(name)``: sha256 check, parse and typing (caches cleared each round)."""
    _run(benchmark, w.prepare_load(name), rounds=5)


def test_synth_basque_fit(benchmark):
    _run(benchmark, w.prepare_synth_fit(), rounds=5)


def test_synth_basque_fit_and_all_placebos(benchmark):
    _run(benchmark, w.prepare_synth_placebos(n_jobs=1), rounds=3, placebos=17, n_jobs=1)


def test_synth_basque_conformal(benchmark):
    _run(benchmark, w.prepare_conformal(), rounds=3, periods=28)


def test_intervention_arima_with_counterfactual(benchmark):
    _run(benchmark, w.prepare_arima(), rounds=3)


def test_panel_event_study(benchmark):
    _run(benchmark, w.prepare_event_study(), rounds=5)


def test_venecon_report_offline(benchmark, tmp_path):
    if not w.report_available():
        pytest.skip("venecon report is not available in this checkout")
    _run(benchmark, w.prepare_report(tmp_path / "report"), rounds=3)
