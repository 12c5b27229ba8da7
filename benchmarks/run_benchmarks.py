"""Run every benchmark workload in its own process: median wall time and peak memory.

    VENECON_TEST_DATA=/path/to/shared/raw python benchmarks/run_benchmarks.py \
        [--only NAME ...] [--repeat N] [--json results.json]

Each workload is set up and repeated ``--repeat`` times in a fresh
subprocess (so set-up, caches and joblib workers do not leak between
workloads). Reported per workload: the median (and min/max) of the timed
repetitions; ``peak_rss_mib``, the largest resident set of the workload
process itself (``ru_maxrss``); and ``peak_tree_mib``, the largest total RSS of
the process plus all its children (joblib/loky workers), sampled every 50 ms
with psutil.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (label, workload, parameters, repetitions)
PLAN: list[tuple[str, str, dict, int]] = [
    ("import venecon", "import", {}, 7),
    *[
        (f"load {n}", "load", {"name": n}, 5)
        for n in (
            "events",
            "macro",
            "oil_sanction_episodes",
            "prices_daily",
            "prices_monthly",
            "production_annual",
            "production_monthly",
            "rigs",
            "trade",
            "trade_annual",
        )
    ],
    ("synth Basque: nested fit", "synth_fit", {}, 5),
    ("synth Basque: fit + 17 placebos (1 job)", "synth_placebos", {"n_jobs": 1}, 3),
    ("synth Basque: fit + 17 placebos (2 jobs)", "synth_placebos", {"n_jobs": 2}, 3),
    ("synth Basque: conformal, 28 periods", "conformal", {}, 3),
    ("intervention ARIMA + counterfactual", "arima", {}, 3),
    ("panel event study (EI, oil sanctions)", "event_study", {}, 5),
    # Sun-Abraham and TWFE event study on simulated panels, venecon and pyfixest
    # (bench_panel.py also gives interleaved CPU ratios and checks the coefficients).
    *[
        (f"panel {pair} {n}x30 ({side})", "panel",
         {"pair": pair, "side": side, "n_units": n}, 3)
        for pair in ("sun_abraham", "event_study")
        for n in (1000, 3000)
        for side in ("venecon", "pyfixest")
    ],
    (
        "simulated 200x300: fit + 200 placebos (2 jobs)",
        "simulated",
        {"n_donors": 200, "n_periods": 300, "placebos": None, "n_jobs": 2},
        3,
    ),
    *[
        (
            f"scaling donors={d} (T=300, fit + 10 placebos)",
            "simulated",
            {"n_donors": d, "n_periods": 300, "placebos": 10},
            3,
        )
        for d in (25, 50, 100, 200)
    ],
    *[
        (
            f"scaling periods={t} (100 donors, fit + 10 placebos)",
            "simulated",
            {"n_donors": 100, "n_periods": t, "placebos": 10},
            3,
        )
        for t in (60, 150, 300, 600)
    ],
    *[
        (
            f"scaling placebos={k} (200x300, 1 job)",
            "simulated",
            {"n_donors": 200, "n_periods": 300, "placebos": k},
            1,
        )
        for k in (0, 50, 100, 200)
    ],
    ("venecon report --quiet (offline)", "report", {"out_dir": "__tmp__"}, 3),
]


def child(workload: str, params: dict, repeat: int) -> None:
    """Set up and time one workload; print a JSON line."""
    sys.path.insert(0, str(HERE))
    import tempfile

    import bench_panel
    import workloads

    workloads.WORKLOADS.update(bench_panel.WORKLOADS)
    if params.get("out_dir") == "__tmp__":
        params = dict(params, out_dir=tempfile.mkdtemp(prefix="venecon-bench-"))
    func = workloads.WORKLOADS[workload](**params)
    times, inner = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - t)
        if workload == "import":
            inner.append(value)
    out = {
        "times": times,
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_ru_maxrss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    if inner:
        out["import_times"] = inner
    print("RESULT " + json.dumps(out))


def measure(workload: str, params: dict, repeat: int) -> dict:
    import psutil

    cmd = [sys.executable, __file__, "--child", workload, json.dumps(params), str(repeat)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [ps, *ps.children(recursive=True)]
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    line = [x for x in stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode != 0 or not line:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else "failed"}
    res = json.loads(line[-1][7:])
    times = res.pop("import_times", None) or res["times"]
    res.update(
        median_s=statistics.median(times),
        min_s=min(times),
        max_s=max(times),
        peak_tree_mib=peak / 2**20,
    )
    return res


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="substrings of workload labels to run")
    parser.add_argument("--repeat", type=int, help="override the repetitions of every workload")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    args = parser.parse_args()
    results = {}
    print(f"{'workload':58} {'median s':>9} {'min':>8} {'max':>8} {'rss MiB':>8} {'tree MiB':>8}")
    for label, workload, params, repeat in PLAN:
        if args.only and not any(s in label for s in args.only):
            continue
        r = measure(workload, params, args.repeat or repeat)
        results[label] = r
        if "error" in r:
            print(f"{label:58} ERROR {r['error']}")
        else:
            print(
                f"{label:58} {r['median_s']:9.3f} {r['min_s']:8.3f} {r['max_s']:8.3f} "
                f"{r['ru_maxrss_mib']:8.0f} {r['peak_tree_mib']:8.0f}",
                flush=True,
            )
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
