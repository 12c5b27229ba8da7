"""CPU time of ``venecon report`` by section (standard analysis steps, each study, writing).

    python scripts/bench_report.py [--n-jobs 1] [--out DIR]

CPU is ``time.process_time()`` of this process, so run it with ``--n-jobs 1``
(the default) for a complete CPU account; with more jobs the work done in
joblib workers is not counted here (the wall time is then the useful number).
Prints a table (step, CPU s, wall s) and the totals.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    from venecon.progress import set_enabled
    from venecon.report.analysis import run_analysis
    from venecon.report.config import load_config
    from venecon.report.render import configured_studies, with_section_studies, write_report

    set_enabled(False)
    rows: list[tuple[str, float, float]] = []
    mark = [time.process_time(), time.perf_counter(), "config and study declarations"]

    def step(label: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        rows.append((mark[2], cpu - mark[0], wall - mark[1]))
        mark[:] = [cpu, wall, label]

    t0, w0 = mark[0], mark[1]
    cfg = load_config(None)
    results = []
    for study in with_section_studies(cfg, configured_studies(cfg)):  # as build_report
        step(f"study: {study.name}")
        results.append(study.run(n_jobs=args.n_jobs))
    step("analysis: start")
    a = run_analysis(cfg, progress=lambda msg: step(f"analysis: {msg}"), studies=results)
    step("figures, tables and report")
    out = Path(args.out or tempfile.mkdtemp(prefix="venecon-bench-"))
    write_report(a, out, results)
    step("end")
    width = max(len(r[0]) for r in rows)
    print(f"{'step'.ljust(width)}  CPU s  wall s")
    for label, cpu, wall in rows:
        print(f"{label.ljust(width)}  {cpu:5.1f}  {wall:6.1f}")
    print(f"{'total'.ljust(width)}  {time.process_time() - t0:5.1f}  "
          f"{time.perf_counter() - w0:6.1f}")


if __name__ == "__main__":
    main()
