"""Benchmark: a 10,000-specification curve of a bundled study on a Dask LocalCluster.

Every donor-pool size (2 to the whole pool) with ``--subsets-per-size`` random
subsets, x three predictor sets (synthetic control), x three pre-period starts,
x three estimators (synthetic control with nested and with regression V, ridge
augmented synthetic control): :func:`venecon.study.curve.specification_curve`,
run on a ``dask.distributed.LocalCluster`` of ``--workers`` single-threaded
worker processes on 127.0.0.1 through ``venecon.parallel.compute``.

It reports the wall time, the CPU time of the workers and of this process, and
checks on a smaller curve that the serial, loky and Dask tables are identical.

Run as a script (not collected by pytest)::

    python benchmarks/bench_spec_curve.py [--study venezuela-annual] [--subsets-per-size 13]
        [--workers 2] [--out benchmarks/results_spec_curve.json] [--plot curve.png]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one BLAS thread per worker process
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def _cpu() -> float:
    """CPU seconds of the calling process (user + system)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default="venezuela-annual")
    ap.add_argument("--subsets-per-size", type=int, default=13)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results_spec_curve.json")))
    ap.add_argument("--plot", default=None)
    args = ap.parse_args()

    import pandas as pd
    from dask.distributed import Client, LocalCluster

    from venecon.parallel import compute
    from venecon.study import bundled_studies
    from venecon.study.curve import specification_curve

    warnings.simplefilter("ignore")
    study = bundled_studies()[args.study]
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        # identity: a small curve, serially, on 2 loky processes and on the cluster
        small = dict(sizes=[2, 5, 20, len(study.context().donors)], subsets_per_size=2,
                     seed=args.seed)
        serial = specification_curve(study, **small).table
        with compute("loky", n_jobs=2):
            loky = specification_curve(study, **small).table
        with compute("dask", address=cluster.scheduler_address):
            dask = specification_curve(study, **small).table
        pd.testing.assert_frame_equal(serial, loky, check_exact=True)
        pd.testing.assert_frame_equal(serial, dask, check_exact=True)

        before = client.run(_cpu)
        cpu0, wall0 = _cpu(), time.perf_counter()
        with compute("dask", address=cluster.scheduler_address):
            curve = specification_curve(study, subsets_per_size=args.subsets_per_size,
                                        seed=args.seed)
        wall = time.perf_counter() - wall0
        main_cpu = _cpu() - cpu0
        after = client.run(_cpu)
    worker_cpu = sum(after[w] - before[w] for w in after)
    table = curve.table
    out = {
        "study": args.study,
        "specifications": len(table),
        "fitted": int((table["status"] == "ok").sum()),
        "not_fitted_reasons": table.loc[table["status"] != "ok", "status"].value_counts()
        .head(5).to_dict(),
        "workers": args.workers,
        "threads_per_worker": 1,
        "wall_s": round(wall, 1),
        "worker_cpu_s": round(worker_cpu, 1),
        "main_cpu_s": round(main_cpu, 1),
        "cpu_ms_per_specification": round(1000 * worker_cpu / len(table), 1),
        "summary": {k: (round(v, 4 if k.startswith("share") else 1) if isinstance(v, float) else v)
                    for k, v in curve.summary().items()},
        "headline": curve.headline,
        "by_estimator_median": table[table["status"] == "ok"].groupby("estimator")["estimate"]
        .median().round(1).to_dict(),
        "identity_check": {"specifications": len(serial),
                           "serial_loky_dask_identical": True},
        "machine": {"python": platform.python_version(), "cores": os.cpu_count(),
                    "load_average_1min_at_end": round(os.getloadavg()[0], 2)},
    }
    Path(args.out).write_text(json.dumps(out, indent=2, sort_keys=True) + "\n")
    print(json.dumps(out, indent=2, sort_keys=True))
    if args.plot:
        curve.plot().savefig(args.plot, dpi=110)


if __name__ == "__main__":
    main()
