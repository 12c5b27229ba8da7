"""Benchmark: InterventionARIMA with and without venecon's one-BLAS-thread limit (issue 16).

The same fit (monthly crude oil 2010-01 to 2020-02, one event, order chosen
by BIC over the 3 x 3 grid, 2000 simulated paths) runs alternately with the
limit (``venecon.models.limit_blas_threads``, what every fit does) and with it
replaced by a no-op (BLAS free to use its default thread count), ``--reps``
times each; the script prints wall and CPU seconds (``time.process_time``,
all threads) per run and their medians, and checks that both give identical
numbers (limiting threads must not move a result).

Run as a script (not collected by pytest)::

    python benchmarks/bench_blas_threads.py [--reps 5]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
import warnings

import numpy as np


def fit_once() -> object:
    import venecon
    from venecon.models import InterventionARIMA

    crude = venecon.load("production_monthly", series="crude_oil", start="2010-01")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return InterventionARIMA(crude, {"eo13808": "2017-08-24"}, end="2020-02").fit()


def main() -> None:
    from threadpoolctl import threadpool_info

    import venecon.models.core.threads as threads

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    limited = threads.limit_blas_threads
    free = lambda limit=1: contextlib.nullcontext()  # noqa: E731
    fit_once()  # imports, data load and caches outside the timings
    print("BLAS:", [(d["internal_api"], d["num_threads"]) for d in threadpool_info()
                    if d["user_api"] == "blas"])
    times: dict[str, list[tuple[float, float]]] = {"limited": [], "free": []}
    results = {}
    for _ in range(args.reps):
        for name, manager in (("free", free), ("limited", limited)):
            threads.limit_blas_threads = manager
            wall, cpu = time.perf_counter(), time.process_time()
            results[name] = fit_once()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    threads.limit_blas_threads = limited
    for name, rows in times.items():
        walls = ", ".join(f"{w:.2f}" for w, _ in rows)
        print(f"{name:8s} wall s: {walls}  median {statistics.median(w for w, _ in rows):.2f}; "
              f"CPU median {statistics.median(c for _, c in rows):.2f}")
    same = np.array_equal(results["free"].params.to_numpy(), results["limited"].params.to_numpy())
    print("identical params:", same, "; identical effects:",
          results["free"].effects.equals(results["limited"].effects))


if __name__ == "__main__":
    main()
