"""The report is a composition of studies: every model it shows is fitted once, by its study."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from typing import Any

import pytest

SECTIONS = ["sanctions", "synth", "chevron", "reopening"]


def _fingerprint(value: Any) -> str:
    """A digest of a model's inputs (its attributes), equal for equal specifications."""
    import numpy as np
    import pandas as pd

    h = hashlib.sha256()

    def feed(x: Any) -> None:
        if isinstance(x, (pd.DataFrame, pd.Series)):
            h.update(pd.util.hash_pandas_object(x, index=True).to_numpy().tobytes())
            names = list(x.columns) if isinstance(x, pd.DataFrame) else [x.name]
            h.update(repr(names).encode())
        elif isinstance(x, np.ndarray):
            h.update(np.ascontiguousarray(x).tobytes())
        elif isinstance(x, dict):
            for k in sorted(x, key=str):
                h.update(str(k).encode())
                feed(x[k])
        elif isinstance(x, (list, tuple)):
            for v in x:
                feed(v)
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            feed({f.name: getattr(x, f.name) for f in dataclasses.fields(x)})
        elif hasattr(x, "__dict__") and not isinstance(x, type):
            feed(vars(x))
        else:
            h.update(repr(x).encode())

    feed({k: v for k, v in vars(value).items() if not k.startswith("_cache")})
    return h.hexdigest()


@pytest.fixture()
def fit_log(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every ``fit`` of the report's model classes, as ``(class, fingerprint of inputs)``."""
    from venecon import models

    log: list[tuple[str, str]] = []
    for name in ("ITS", "InterventionARIMA", "LocalProjections", "StructuralBreaks",
                 "SyntheticControl"):
        cls = getattr(models, name)
        original = cls.fit

        def fit(self: Any, *args: Any, _original: Any = original, _name: str = name,
                **kwargs: Any) -> Any:
            log.append((_name, _fingerprint(self)))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "fit", fit)
    return log


def test_the_report_fits_no_model_of_its_studies_again(fit_log: list[tuple[str, str]]) -> None:
    from venecon.report.analysis import run_analysis
    from venecon.report.config import section_studies, validate
    from venecon.study import bundled_studies

    cfg = validate({"report": {"sections": SECTIONS}})
    # the grids are off except venezuela-chevron's, whose price rows the report reads
    studies = [
        s if s.name == "venezuela-chevron" else
        dataclasses.replace(s, robustness=dataclasses.replace(s.robustness, enabled=False))
        for s in bundled_studies(section_studies(cfg)).values()
    ]
    results = [s.run() for s in studies]
    by_study = list(fit_log)
    assert by_study, "the fit log recorded nothing: the counting is broken"
    fit_log.clear()
    a = run_analysis(cfg, studies=results)
    by_report = list(fit_log)
    # the report fits nothing: the Chevron price sensitivity is the study's robustness grid
    # (dimension "price") and the reopening's saturated ITS is the venezuela-2026-monthly study's
    assert by_report == []
    assert Counter(name for name, _ in by_study)["ITS"] > 0
    found = {r.study.name: r for r in results}
    grid = found["venezuela-chevron"].robustness.table
    prices = grid[grid["dimension"] == "price"]
    assert len(prices) == 3
    for row in prices.itertuples(index=False):
        h = a.results["headline"][f"chevron_price_{row.value}_average_kbd"]
        # results.json keeps 10 significant digits
        assert (h["estimate"], h["lower"], h["upper"]) == pytest.approx(
            (row.estimate, row.lower, row.upper), rel=1e-9)
        assert h["robustness_spec"] == row.spec_id and h["study"] == "venezuela-chevron"
    # every model the sections show is the study's own fitted object
    for key, source in a.results["models_from_studies"].items():
        study, estimator = source.split(".")
        assert a.models[key] is found[study].estimates[estimator].result, key
    assert set(a.results["models_from_studies"]) == {
        "sanctions_its", "sanctions_arima", "sanctions_lp", "breaks_level", "synth",
        "chevron_its", "chevron_arima", "chevron_lp", "chevron_output_its", "reopening_its"}


def test_sections_run_the_studies_they_read_when_not_given(fit_log) -> None:
    """``run_analysis`` without studies runs each study a section reads once."""
    from venecon.report.analysis import run_analysis
    from venecon.report.config import validate

    cfg = validate({"report": {"sections": ["chevron"]}})
    a = run_analysis(cfg)
    assert a.results["models_from_studies"]["chevron_its"] == "venezuela-chevron.its"
    h = a.results["headline"]["chevron_its_average_kbd"]
    assert h["study"] == "venezuela-chevron" and h["window"] == ["2022-11", "2023-09"]
    # the chevron studies' models, their in-time placebos and robustness grids (with the price
    # sensitivity): no specification is fitted twice
    twice = [k for k, n in Counter(fit_log).items() if n > 1]
    assert not twice


def test_reopening_reads_a_saturated_study_and_refuses_one_that_is_not(fit_log) -> None:
    """The month-by-month path is the study's saturated ITS: one level term per post month."""
    from venecon.exceptions import ConfigError
    from venecon.report.analysis import run_analysis
    from venecon.report.config import validate

    a = run_analysis(validate({"report": {"sections": ["reopening"]}}))
    assert a.results["models_from_studies"]["reopening_its"] == "venezuela-2026-monthly.its"
    table = a.frames["reopening_period"]
    res = a.models["reopening_its"]
    levels = [k for k in res.params.index if k.startswith("level[")]
    assert levels == [f"level[{m:%Y-%m}]" for m in table.index]
    assert not any(k.startswith("slope[") for k in res.params.index)
    # a saturated fit reproduces every post month exactly: the effect is observed minus trend
    assert (res.effects.loc[table.index, "fitted"] - table["observed"]).abs().max() < 1e-8
    assert a.results["designs"]["reopening"]["pre"] == ["2024-01", "2025-11"]
    with pytest.raises(ConfigError, match="saturated"):
        run_analysis(validate({"report": {"sections": ["reopening"]},
                               "reopening": {"study": "venezuela-reopening"}}))
