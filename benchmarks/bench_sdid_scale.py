"""Benchmark: the SDID placebo standard error at 1,000 and 5,000 controls, beside synthdid-py.

The workload of the "Scale and speed" table (issue 23): a simulated factor-model panel
(``venecon.models.synth.grid.simulated_panel``: one treated unit, 30 periods, treatment
from period 25), the SDID point estimate plus the placebo standard error (Algorithm 4,
200 replications, seed 0) in venecon :class:`~venecon.models.SyntheticDiD` and in
``synthdid-py`` (``synthdid_estimate`` + ``placebo_se(est, 200, 0)``, a port of R
``synthdid``). Both draw the same permutations, so the standard errors agree; every row
checks the ATT to 1e-8 and (with all peer replications) the standard error to 1e-6.

CPU time (``time.process_time``) of each side in one process, the two sides interleaved,
BLAS limited to one thread (``threadpoolctl``). Run as a script::

    python benchmarks/bench_sdid_scale.py [--controls 1000 5000] [--reps 200]
        [--peer-reps K] [--repeat N] [--json out.json]

``--peer-reps K`` runs synthdid-py's placebo loop on K replications and scales its time to
``--reps`` (its loop refits one replication after another, so its time is linear in the
count); the default runs them all. The ratio is peer CPU / venecon CPU.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from typing import Any


def panel(n_controls: int, n_periods: int = 30, seed: int = 0) -> Any:
    from venecon.models.synth.grid import simulated_panel

    df = simulated_panel(n_controls, n_periods, seed=seed)
    t0 = int(0.8 * n_periods) + 1
    return df.assign(d=((df["unit"] == "treated") & (df["period"] >= t0)).astype(int))


def run_venecon(df: Any, reps: int) -> tuple[float, float, float]:
    from venecon.models import SyntheticDiD

    start = time.process_time()
    res = SyntheticDiD(df, outcome="y", unit="unit", time="period", treated="d",
                       replications=reps, seed=0).fit()
    return time.process_time() - start, float(res.params["att"]), float(res.std_errors["att"])


def run_peer(df: Any, reps: int, peer_reps: int) -> tuple[float, float, float]:
    from synthdid import panel_matrices, synthdid_estimate
    from synthdid.vcov import placebo_se

    start = time.process_time()
    p = panel_matrices(df, unit="unit", time="period", outcome="y", treatment="d")
    est = synthdid_estimate(p.Y, p.N0, p.T0)
    fit = time.process_time() - start
    start = time.process_time()
    se = placebo_se(est, peer_reps, 0)
    placebo = (time.process_time() - start) * reps / peer_reps
    return fit + placebo, float(est), se if peer_reps == reps else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--peer-reps", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    import synthdid  # noqa: F401 - both libraries imported before any timing
    from threadpoolctl import threadpool_limits

    import venecon.models  # noqa: F401

    rows = []
    with threadpool_limits(1):
        for n in args.controls:
            df = panel(n)
            k = args.reps if args.peer_reps is None else min(args.peer_reps, args.reps)
            ours, theirs = [], []
            for r in range(args.repeat):
                sides = ["venecon", "peer"] if r % 2 == 0 else ["peer", "venecon"]
                for name in sides:
                    if name == "venecon":
                        ours.append(run_venecon(df, args.reps))
                    else:
                        theirs.append(run_peer(df, args.reps, k))
            v_cpu = statistics.median(o[0] for o in ours)
            p_cpu = statistics.median(o[0] for o in theirs)
            att_v, se_v = ours[0][1], ours[0][2]
            att_p, se_p = theirs[0][1], theirs[0][2]
            assert abs(att_v - att_p) < 1e-8, (att_v, att_p)
            if se_p == se_p:
                assert abs(se_v - se_p) <= 1e-6 * abs(se_p), (se_v, se_p)
            row = {
                "controls": n, "periods": 30, "replications": args.reps,
                "peer_replications_timed": k, "venecon_cpu_s": round(v_cpu, 2),
                "peer_cpu_s": round(p_cpu, 2), "ratio": round(p_cpu / v_cpu, 2),
                "att": att_v, "se_venecon": se_v, "se_peer": se_p,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "blas_threads": 1, "rows": rows}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
