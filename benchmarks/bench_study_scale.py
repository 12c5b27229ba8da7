"""A study on a wide user panel: design time by panel width and the whole study at 10,000 units.

    python benchmarks/bench_study_scale.py [--units 10000] [--years 200] [--design 500 1000 2000]
        [--json out.json]

The panel is ``venecon.models.synth.grid.simulated_panel`` (a three-factor model; unit
``treated`` is a convex mix of three donors, treated in the year at 80% of the span).
The study declares the synthetic control with equal predictor weights and placebos in
space (every one of the other units
refitted as if treated) plus the default robustness grid, as a user panel study
would (``tests/test_study.py``'s user TOML). Times are CPU seconds of this process
(``time.process_time``); BLAS is limited to one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def panel(n_units: int, n_years: int, seed: int = 0):
    """``simulated_panel`` as a user panel: ``unit, time, value``, years ending in 2024."""
    import pandas as pd

    from venecon.models.synth.grid import simulated_panel

    p = simulated_panel(n_units - 1, n_years, n_covariates=0, seed=seed)
    return pd.DataFrame({"unit": p["unit"], "time": p["period"] + (2024 - n_years),
                         "value": p["y"]})


def study(frame, placebo: bool = True, robustness: bool = True):
    from venecon.study import Study

    years = sorted(frame["time"].unique())
    treat = int(years[int(0.8 * len(years))])
    return Study(
        name="wide-user-panel",
        treated="treated",
        treatment=treat,
        outcome={"frame": frame, "units": "units"},
        window={"pre": [int(years[0]), treat - 1], "post": [treat, int(years[-1])]},
        estimators={"synthetic_control": {"v": "equal", "placebo": placebo}},
        robustness={"enabled": robustness},
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=200)
    parser.add_argument("--design", type=int, nargs="*", default=[500, 1000, 2000])
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    out: dict = {"design": [], "study": None}
    study(panel(50, args.years))  # imports and the bundled registries, outside the timings
    for n in args.design:
        frame = panel(n, args.years)
        t = time.process_time()
        study(frame)
        out["design"].append({"units": n, "years": args.years, "cpu_s": time.process_time() - t})
        print(f"design {n} x {args.years}: {out['design'][-1]['cpu_s']:.2f} s CPU", flush=True)
    frame = panel(args.units, args.years)
    t0, w0 = time.process_time(), time.perf_counter()
    s = study(frame)
    t1 = time.process_time()
    res = s.run(progress=True)
    t2, w2 = time.process_time(), time.perf_counter()
    e = res.estimates["synthetic_control"]
    out["study"] = {
        "units": args.units, "years": args.years, "design_cpu_s": t1 - t0,
        "run_cpu_s": t2 - t1, "total_cpu_s": t2 - t0, "wall_s": w2 - w0,
        "average_effect": e.average_effect, "placebo_pvalue": e.placebo_pvalue,
        "robustness_specs": 0 if res.robustness is None else int(len(res.robustness.table)),
    }
    print(f"study {args.units} x {args.years}: design {t1 - t0:.1f} s, run {t2 - t1:.1f} s, "
          f"total {t2 - t0:.1f} s CPU ({w2 - w0:.1f} s wall)", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2, sort_keys=True)
    return out


if __name__ == "__main__":
    main()
