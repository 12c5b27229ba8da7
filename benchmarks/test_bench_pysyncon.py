"""venecon against pysyncon on the Basque nested-V specification (one fit + all 17 placebos).

pysyncon is a benchmark-only dependency (``pip install pysyncon``); the test is
skipped without it. ``bench_synth_basque.py`` prints the same comparison as a
script. The target is a ratio of at least 10 with weights equal within 0.001.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import workloads as w

pytest.importorskip("pytest_benchmark")
pytest.importorskip("pysyncon")


def test_pysyncon_ratio(benchmark):
    import bench_synth_basque as b

    df = w.basque_frame()
    ve = benchmark.pedantic(lambda: b.run_venecon(df, 1), rounds=3, iterations=1)
    t = time.perf_counter()
    ps = b.run_pysyncon(df, 1, None)
    t_ps = time.perf_counter() - t
    diff = float(np.max(np.abs(ve["weights"].reindex(ps["weights"].index) - ps["weights"])))
    ratio = t_ps / benchmark.stats.stats.median
    benchmark.extra_info.update(pysyncon_s=t_ps, ratio=ratio, max_weight_diff=diff)
    assert diff <= 1e-3
