"""Regenerate BENCHMARKS.md's peer tables in one run: every peer, one machine, one sitting.

    VENECON_TEST_DATA=/path/to/shared/raw python benchmarks/regenerate.py \
        [--only synth panel cs sdid study modern_did] [--quick] [--out BENCHMARKS.md]

Runs each comparison script below in its own process (BLAS at one thread, CPU time,
the contenders interleaved within each repeat), collects their JSON (or, for a script
without one, its printed table) and rewrites the part of ``BENCHMARKS.md`` between
the markers ``<!-- regenerate.py: begin -->`` and ``<!-- regenerate.py: end -->``
(inserted before the first ``## `` section after the headline targets when absent).
Nothing else in the file changes. ``--quick`` uses small sizes and few repeats to
check that every step runs (minutes instead of about an hour); its numbers are not
for the file (write them elsewhere with ``--out``).

Steps (issue 23's "Scale and speed" table):

* ``synth``: ``bench_synth_peers.py``: Prop 99 outcome-only SC + 38 placebos against the
  exact nnls floor, the penalised floor and mlsynth; Basque nested V + 17 placebos
  against pysyncon; ridge augmented SC on Kansas against mlsynth.
* ``panel``: ``bench_panel.py``: Sun-Abraham against one plain pyfixest ``feols``
  saturated regression and PanelEventStudy against ``feols`` with ``i()``, at 3,000 x 30
  and 100,000 x 20.
* ``cs``: ``bench_cs_scale.py``: Callaway-Sant'Anna against csdid at 10,000 and 100,000
  units, with the growth slopes.
* ``sdid``: ``bench_sdid_scale.py``: the SDID placebo standard error (200 replications)
  against synthdid-py at 1,000 and 5,000 controls (synthdid-py's placebo loop timed on 40
  replications and scaled to 200).
* ``study``: ``bench_study_scale.py``: the design time at 500, 1,000 and 2,000 units and
  a whole study on a 10,000 x 200 user panel.
* ``modern_did``: ``bench_modern_did.py``: synthetic DiD and Callaway-Sant'Anna on the
  reference data beside synthdid-py and csdid (printed table).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BEGIN, END = "<!-- regenerate.py: begin -->", "<!-- regenerate.py: end -->"
BLAS = {v: "1" for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def _run(args: list[str], tmp: Path) -> str:
    env = {**os.environ, **BLAS,
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")])}
    print("$", " ".join(["python", *args]), flush=True)
    out = subprocess.run([sys.executable, *args], cwd=HERE, env=env, capture_output=True,
                         text=True, check=False)
    sys.stdout.write(out.stdout[-4000:])
    if out.returncode:
        raise RuntimeError(f"{args[0]} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def _commit() -> str:
    """The checked-out commit (with ``+changes`` when the tree differs), or "unknown"."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, text=True, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty.strip() else "")


def _mmm(d: dict[str, float], fmt: str = "{:.2f}") -> str:
    return " / ".join(fmt.format(d[k]) for k in ("min", "median", "max"))


# --------------------------------------------------------------------------- steps


def _synth_rows(label: str, summary: dict, last: str = "{:.4g}") -> list[str]:
    """Table rows of one ``bench_synth_peers.py`` workload, one per contender."""
    rows = []
    for name, s in summary.items():
        if "failed" in s:
            rows.append(f"| {label} | {name} | failed: {s['failed']} | | | | |")
            continue
        r = s["ratio_to_venecon"]
        inverse = {"min": 1 / r["max"], "median": 1 / r["median"], "max": 1 / r["min"]}
        rows.append(f"| {label} | {name} | {s['cpu_median_s']:.4g} s | {_mmm(r)} | "
                    f"{_mmm(inverse)} | {s['max_weight_diff']:.1e} | "
                    f"{last.format(s['placebo_pvalue'])} |")
    return rows


def synth(tmp: Path, quick: bool) -> str:
    js = tmp / "synth.json"
    reps, basque = ("3", "1") if quick else ("9", "3")
    _run(["bench_synth_peers.py", "--repeats", reps, "--basque-repeats", basque,
          *(["--skip-basque"] if quick else []), "--json", str(js)], tmp)
    data = json.loads(js.read_text())
    head = ("| workload | contender | CPU median | contender / venecon: min / median / max "
            "| venecon / contender: min / median / max | max weight diff | {} |")
    lines = ["### Synthetic control (`bench_synth_peers.py`)", "", head.format("placebo p"),
             "|---|---|---:|---:|---:|---:|---:|"]
    for key, label in (("prop99", "Prop 99 outcome-only, fit + 38 placebos"),
                       ("basque", "Basque nested V, fit + 17 placebos")):
        lines += _synth_rows(label, data.get(key, {}))
    ascm = data.get("kansas_ascm")
    if isinstance(ascm, dict):  # the script's last column is the average effect here
        lines += ["", head.format("ATT"), "|---|---|---:|---:|---:|---:|---:|"]
        lines += _synth_rows("Ridge augmented SC, Kansas (augsynth vignette), fit", ascm,
                             "{:.5f}")
    return "\n".join(lines)


def panel(tmp: Path, quick: bool) -> str:
    js = tmp / "panel.json"
    sizes = ["500x20", "2000x20"] if quick else ["3000x30", "100000x20"]
    _run(["bench_panel.py", "--pairs", "sun_abraham_feols", "event_study", "--sizes", *sizes,
          "--repeat", "2" if quick else "3", "--blas-threads", "1", "--json", str(js)], tmp)
    lines = ["### Panel estimators against pyfixest (`bench_panel.py`, one BLAS thread)", "",
             "| workload | venecon CPU | pyfixest CPU | venecon / pyfixest: min / median / max "
             "| max \\|dcoef\\| | peak RSS venecon / pyfixest |",
             "|---|---:|---:|---:|---:|---:|"]
    names = {"sun_abraham_feols": "Sun-Abraham vs plain `feols` saturated",
             "event_study": "PanelEventStudy vs `feols` with `i()`",
             "sun_abraham": "Sun-Abraham vs `pyfixest.event_study` saturated"}
    for r in json.loads(js.read_text()):
        lines.append(
            f"| {names[r['pair']]}, {r['units']:,} x {r['periods']} | "
            f"{r['venecon_cpu_median_s']:.3f} s | {r['pyfixest_cpu_median_s']:.3f} s | "
            f"{r['ratio_min']:.2f} / {r['ratio_median']:.2f} / {r['ratio_max']:.2f} | "
            f"{r['max_abs_coef_diff']:.0e} | {r['venecon_peak_rss_mib']:.0f} / "
            f"{r['pyfixest_peak_rss_mib']:.0f} MiB |")
    return "\n".join(lines)


def cs(tmp: Path, quick: bool) -> str:
    js = tmp / "cs.json"
    sizes = ["2000", "10000"] if quick else ["10000", "100000"]
    _run(["bench_cs_scale.py", "--sizes", *sizes, "--repeat", "2" if quick else "3",
          "--json", str(js)], tmp)
    rows = json.loads(js.read_text())
    lines = ["### Callaway-Sant'Anna against csdid (`bench_cs_scale.py`, stacked mpdta)", "",
             "| units | venecon CPU (+ band read) | csdid CPU | csdid / venecon: min / median "
             "/ max | with band (median) | \\|dATT\\| |",
             "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['units']:,} | {statistics.median(r['venecon_cpu']):.3f} s "
            f"({statistics.median(r['venecon_band_cpu']):.3f} s) | "
            f"{statistics.median(r['csdid_cpu']):.3f} s | {r['speedup_min']:.2f} / "
            f"{r['speedup_median']:.2f} / {r['speedup_max']:.2f} | "
            f"{r['speedup_band_median']:.2f} | {r['att_diff']:.0e} |")
    if "slope_venecon_cpu" in rows[0]:
        r = rows[0]
        lines += ["", f"Slope of log CPU on log units: venecon {r['slope_venecon_cpu']:.2f} "
                  f"(band read {r['slope_venecon_band_cpu']:.2f}), csdid "
                  f"{r['slope_csdid_cpu']:.2f}."]
    return "\n".join(lines)


def sdid(tmp: Path, quick: bool) -> str:
    js = tmp / "sdid.json"
    args = (["--controls", "200", "1000", "--reps", "50", "--peer-reps", "5"] if quick
            else ["--controls", "1000", "5000", "--reps", "200", "--peer-reps", "40",
                  "--repeat", "2"])
    _run(["bench_sdid_scale.py", *args, "--json", str(js)], tmp)
    rows = json.loads(js.read_text())["rows"]
    lines = ["### Synthetic DiD placebo standard error against synthdid-py "
             "(`bench_sdid_scale.py`)", "",
             "| controls x periods | replications (peer timed) | venecon CPU | synthdid-py CPU "
             "| synthdid-py / venecon | ATT | SE |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['controls']:,} x {r['periods']} | {r['replications']} "
            f"({r['peer_replications_timed']}) | {r['venecon_cpu_s']:.2f} s | "
            f"{r['peer_cpu_s']:.2f} s | {r['ratio']:.2f}x | {r['att']:.6f} | "
            f"{r['se_venecon']:.6f} |")
    if len(rows) >= 2:
        import math

        a, b = rows[0], rows[-1]
        span = math.log(b["controls"] / a["controls"])
        lines += ["", "Slope of log CPU on log controls: venecon "
                  f"{math.log(b['venecon_cpu_s'] / a['venecon_cpu_s']) / span:.2f}, synthdid-py "
                  f"{math.log(b['peer_cpu_s'] / a['peer_cpu_s']) / span:.2f}."]
    return "\n".join(lines)


def study(tmp: Path, quick: bool) -> str:
    js = tmp / "study.json"
    args = (["--units", "2000", "--years", "100", "--design", "250", "500"] if quick
            else ["--units", "10000", "--years", "200", "--design", "500", "1000", "2000"])
    _run(["bench_study_scale.py", *args, "--json", str(js)], tmp)
    data = json.loads(js.read_text())
    design = ", ".join(f"{d['cpu_s']:.2f} s ({d['units']:,} units)" for d in data["design"])
    s = data["study"]
    return "\n".join([
        "### A study on a wide user panel (`bench_study_scale.py`)", "",
        f"Design (`build_design`, {data['design'][0]['years']} years): {design}.", "",
        "| panel | design CPU | run CPU | total CPU | wall | placebo p | robustness rows |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| {s['units']:,} units x {s['years']} years, SC (equal V) + {s['units'] - 1:,} placebos"
        f" + grid | {s['design_cpu_s']:.1f} s | {s['run_cpu_s']:.1f} s | "
        f"{s['total_cpu_s']:.1f} s | {s['wall_s']:.1f} s | {s['placebo_pvalue']:.4g} | "
        f"{s['robustness_specs']} |"])


def modern_did(tmp: Path, quick: bool) -> str:
    out = _run(["bench_modern_did.py", "--repeat", "1" if quick else "3",
                *(["--peer-placebo-reps", "10", "--placebo-reps", "20"] if quick else [])], tmp)
    return "\n".join(["### Synthetic DiD and Callaway-Sant'Anna on the reference data "
                      "(`bench_modern_did.py`)", "", "```text", out.strip(), "```"])


STEPS: dict[str, Callable[[Path, bool], str]] = {
    "synth": synth, "panel": panel, "cs": cs, "sdid": sdid, "study": study,
    "modern_did": modern_did}


def splice(text: str, block: str) -> str:
    """``text`` with the generated block replaced (or inserted before the second section).

    The markers count only on a line of their own, so prose that names them (in backticks)
    is left alone.
    """
    body = f"{BEGIN}\n{block}\n{END}"
    marks = re.compile(rf"^{re.escape(BEGIN)}$.*?^{re.escape(END)}$", re.S | re.M)
    if marks.search(text):
        return marks.sub(lambda _: body, text, count=1)
    sections = [m.start() for m in re.finditer(r"^## ", text, re.M)]
    at = sections[1] if len(sections) > 1 else len(text)
    return text[:at] + body + "\n\n" + text[at:]


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(STEPS), default=list(STEPS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    parts: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only:
            try:
                parts.append(STEPS[name](Path(tmp), args.quick))
            except Exception as exc:  # noqa: BLE001 - a failed step is reported in the file
                parts.append(f"### {name}\n\nfailed: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''}")
    import numpy as np

    header = (f"## Scale and speed beside every peer (generated)\n\n"
              f"`python benchmarks/regenerate.py{' --quick' if args.quick else ''}` on "
              f"{_dt.date.today().isoformat()} at commit {_commit()}: {platform.platform()}, "
              f"{os.cpu_count()} cores, "
              f"Python {platform.python_version()}, numpy {np.__version__}; CPU time "
              "(`time.process_time`, plus waited-for children where a peer uses a pool), "
              "BLAS at one thread, contenders interleaved within each repeat, each ratio "
              "taken within one repeat.")
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    args.out.write_text(splice(old, "\n\n".join([header, *parts])), encoding="utf-8")
    print(f"wrote {args.out}", flush=True)
    return args.out


if __name__ == "__main__":
    main()
