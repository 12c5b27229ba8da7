"""A study's design must grow linearly with the panel (it once grew quadratically: 46 s for
2,000 units).

The test times the design on a panel and on one sixteen times as wide and
checks the ratio of the two (the best of a few runs each): linear work gives
about 16, work that scans the panel once per unit gives about 256. A ratio, not a
wall-clock limit, so a slow or busy machine does not fail it.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from venecon.models.synth.grid import simulated_panel
from venecon.study import Study

#: Linear work grows 16x on a sixteen times wider panel; per-unit scans of the
#: panel (quadratic) multiply it by 256. The bound leaves room for timing noise
#: and for the fixed costs that make small panels relatively slow.
WIDER = 16
MAX_RATIO = 40.0


def _panel(n_units: int, n_years: int = 200, seed: int = 0) -> pd.DataFrame:
    """A factor-model panel (``simulated_panel``) of ``n_units`` units ending in 2019."""
    p = simulated_panel(n_units - 1, n_years, n_covariates=0, seed=seed)
    return pd.DataFrame({"unit": p["unit"], "time": p["period"] + (2019 - n_years),
                         "value": p["y"]})


def _ratio(small, large, repeats: int = 3) -> float:
    """Best time of ``large`` over best time of ``small``; stops early once clearly too slow."""
    t_small = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        small()
        t_small = min(t_small, time.perf_counter() - t)
    t_large = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        large()
        t_large = min(t_large, time.perf_counter() - t)
        if t_large / t_small > 3 * MAX_RATIO:
            break
    return t_large / t_small


def _study(frame: pd.DataFrame) -> Study:
    return Study(
        name="scale",
        treated="treated",
        treatment=2012,
        outcome={"frame": frame, "units": "kb/d"},
        window={"pre": [int(frame["time"].min()), 2011], "post": [2012, 2019]},
        estimators={"synthetic_control": {"v": "equal", "placebo": False}},
        robustness={"enabled": False},
    )


def test_study_design_grows_linearly_with_units():
    small, large = _panel(100), _panel(100 * WIDER)
    _study(small)  # warm-up: imports and the bundled registries read by the donor screens
    ratio = _ratio(lambda: _study(small), lambda: _study(large))
    assert ratio < MAX_RATIO, f"design time grew {ratio:.1f}x for {WIDER}x the units"


def test_study_design_keeps_its_donor_rules_on_a_wide_panel():
    frame = _panel(3000, n_years=40)
    frame = frame[~((frame["unit"] == "donor0007") & (frame["time"] == 2015))]  # one gap
    frame.loc[frame["unit"] == "donor0009", "value"] = 0.0  # never produced
    design = _study(frame).design
    assert ("donor0007" in design.excluded
            and "incomplete data: 1 of 40" in design.excluded["donor0007"])
    assert design.excluded["donor0009"].startswith("no output in the pre-period")
    assert len(design.donors) == 3000 - 3


def test_long_placebo_loops_show_a_progress_bar_unless_silenced(capsys):
    from venecon.models import SyntheticControl
    from venecon.progress import set_enabled, silenced

    frame = _panel(210, n_years=30)
    model = SyntheticControl(frame, outcome="value", unit="unit", time="time", treated="treated",
                             treatment_time=2015, v="equal")
    set_enabled(True)
    try:
        shown = model.fit(placebo=True)
        assert "placebos in space" in capsys.readouterr().err
        with silenced():
            quiet = model.fit(placebo=True)
        assert "placebos in space" not in capsys.readouterr().err
    finally:
        set_enabled(None)
    assert shown.placebo_result.pvalue == quiet.placebo_result.pvalue
    assert shown.placebo_result.n_units == 210
