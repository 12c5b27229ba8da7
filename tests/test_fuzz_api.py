"""Property-based fuzzing of the public API with bad inputs (issue 15).

Every public entry point (``load``, ``events``/``add_events``, ``regimes``,
each model's constructor and ``fit``, ``revenue.estimate``/``lost``, the report
config loader and the CLI) is driven with generated bad inputs: NaN, inf,
text, booleans, duplicates, gaps, empty frames, wrong types, out-of-range
dates and bad options. The property: a call either returns (and then a model's
estimates are finite) or raises a :class:`~venecon.exceptions.VeneconError`.
Anything else (a raw ``KeyError``, ``LinAlgError``, ``ZeroDivisionError``, a
plain ``ValueError``, a silent infinity) fails.

The study entry points (a TOML file, a user CSV, ``Study(...)`` in Python)
and the output writers (Markdown, HTML, LaTeX, CSV) are fuzzed too (issue 23):
a study either validates (with a slug name) or raises a ``VeneconError``, and
no generated user text survives a writer as markup, a link or a spreadsheet
formula. Those two tests count their own cases and need at least 500 between
them in every run, whatever else runs.

Runs are deterministic (``derandomize=True``) and bounded (small data, few
simulations); the module prints the number of generated cases and the outcome
tally per entry point at the end.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import venecon
from venecon.exceptions import VeneconError

pytestmark = pytest.mark.timeout(900)

SETTINGS = settings(derandomize=True, deadline=None, database=None, print_blob=False,
                    suppress_health_check=list(HealthCheck),
                    max_examples=int(os.environ.get("VENECON_FUZZ_EXAMPLES", "40")))

#: Failures found by earlier runs, fixed at their root: id -> (entry point, venecon error, text
#: in its message). Each is run on its concrete input below and must raise exactly that error.
FIXED: dict[str, tuple[str, str, str]] = {
    "cli-non-utf8-config": ("cli", "ConfigError", "not UTF-8"),
    **{f"{api}-empty": (api, "InsufficientDataError", "the series is empty")
       for api in ("ITS", "InterventionARIMA", "LocalProjections")},
    **{f"{api}-empty-event": (api, "ModelSpecificationError", "an event is an empty string")
       for api in ("ITS", "InterventionARIMA", "LocalProjections")},
    "InterventionARIMA-huge": ("InterventionARIMA", "ModelSpecificationError",
                               "larger than 1e+100"),
    "InterventionARIMA-huge-svd": ("InterventionARIMA", "ModelSpecificationError",
                                   "larger than 1e+100"),
    "InterventionARIMA-cov-type": ("InterventionARIMA", "ModelSpecificationError",
                                   "cov_type must be one of"),
    "InterventionARIMA-trend-list": ("InterventionARIMA", "ModelSpecificationError",
                                     "trend must be"),  # found with 300 examples per test
    "StructuralBreaks-seed": ("StructuralBreaks", "ModelSpecificationError", "seed must be an int"),
    "StructuralBreaks-seed-text": ("StructuralBreaks", "ModelSpecificationError",
                                   "seed must be an int"),
    "StructuralBreaks-model-dict": ("StructuralBreaks", "ModelSpecificationError",
                                    "model must be 'level' or 'trend'"),
    "SyntheticControl-text-time": ("SyntheticControl", "ModelSpecificationError",
                                   "the time column 'year' mixes"),
    "SyntheticControl-empty": ("SyntheticControl", "InsufficientDataError", "the panel is empty"),
    "SyntheticControl-random-starts": ("SyntheticControl", "ModelSpecificationError",
                                       "n_random_starts must be an int"),
    "SyntheticControl-random-starts-text": ("SyntheticControl", "ModelSpecificationError",
                                            "n_random_starts must be an int"),
    "SyntheticControl-donors-type": ("SyntheticControl", "ModelSpecificationError",
                                     "donors must be a list"),
    "PanelEventStudy-reference-inf": ("PanelEventStudy", "ModelSpecificationError",
                                      "reference must be an integer event time"),
    "PanelEventStudy-window-dict": ("PanelEventStudy", "ModelSpecificationError",
                                    "window must be a pair"),
    **{f"{api}-controls": (api, "ModelSpecificationError", "controls must be a list")
       for api in ("PanelDiD", "PanelEventStudy", "SunAbraham")},
    **{f"{api}-int-options": (api, "ModelSpecificationError",
                              "reference must be an integer event time")
       for api in ("PanelEventStudy", "SunAbraham")},
    **{f"{api}-window": (api, "ModelSpecificationError", "window must be a pair")
       for api in ("PanelEventStudy", "SunAbraham")},
    "revenue.lost-text-prices": ("revenue.lost", "SchemaError", "text or other non-numbers"),
    "revenue.estimate-text": ("revenue.estimate", "SchemaError", "text or other non-numbers"),
    "revenue.estimate-start": ("revenue.estimate", "DateRangeError", "'not a date' is not a date"),
    "revenue.estimate-empty-start": ("revenue.estimate", "DateRangeError",
                                     "start='' is not a date"),
}

TALLY: Counter[tuple[str, str]] = Counter()
#: With $VENECON_FUZZ_EXPLORE set, failures are collected (and printed) instead of raised.
EXPLORE = bool(os.environ.get("VENECON_FUZZ_EXPLORE"))
FOUND: Counter[str] = Counter()
CASES: dict[str, str] = {}


def _finite(result) -> bool:
    params = getattr(result, "params", None)
    if params is None:
        return True
    values = np.asarray(params, dtype="float64")
    return bool(np.isfinite(values).all())


def _unexpected(api: str, exc: BaseException, message: str, case) -> None:
    """Fail the test (or, exploring, collect the failure)."""
    if not EXPLORE:
        raise AssertionError(message) from exc
    FOUND[message] += 1
    CASES.setdefault(message, repr(case)[:300])
    TALLY[(api, "FAILED")] += 1


def check(api: str, call, *, finite: bool = False, case=None):
    """Run ``call``; only a return or a VeneconError may come out (and finite estimates)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call()
    except VeneconError as exc:
        TALLY[(api, type(exc).__name__)] += 1
        return None
    except Exception as exc:  # noqa: BLE001  (the property under test)
        _unexpected(api, exc, f"{api} raised {type(exc).__name__} (not a VeneconError): "
                              f"{str(exc)[:200]}", case)
        return None
    if finite and not _finite(result):
        _unexpected(api, FloatingPointError("non-finite estimates"),
                    f"{api} returned non-finite estimates silently: "
                    f"{getattr(result, 'params', None)}", case)
        return result
    TALLY[(api, "ok")] += 1
    return result


@pytest.fixture(scope="module", autouse=True)
def tally(request):
    yield
    total = sum(TALLY.values())
    by_api: dict[str, Counter] = {}
    for (api, outcome), count in sorted(TALLY.items()):
        if count == 0:
            continue
        by_api.setdefault(api, Counter())[outcome] += count
    lines = [f"fuzz: {total} generated cases over {len(by_api)} entry points"]
    lines += [f"  {api}: {sum(c.values())} ({', '.join(f'{k} {v}' for k, v in c.items())})"
              for api, c in by_api.items()]
    lines += [f"  FOUND x{n}: {m}\n      e.g. {CASES.get(m)}" for m, n in FOUND.most_common()]
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("\n" + "\n".join(lines))
    out = Path(os.environ.get("VENECON_FUZZ_TALLY", ""))
    if out.name:
        out.write_text(json.dumps({"total": total, "by_api": {a: dict(c) for a, c in
                                                             by_api.items()}}, indent=1))


# --------------------------------------------------------------------------- bad values
BAD_SCALARS = [np.nan, np.inf, -np.inf, "abc", "", None, True, 1e308, -5, 0, [], {}, "1,5"]
BAD_DATES = ["9999-01-01", "1600-01-01", "2017-02-30", "", "not a date", None, 5, 3.5,
             np.nan, [], "2017-13", pd.NaT, "2262-04-12", {"a": 1}, b"2017-01-01"]
GOOD_DATES = ["2017-08-01", "2018-06", pd.Timestamp("2017-08-25"), "eo13808"]
BAD_OPTION = st.sampled_from([-5, -1, 0, 10**9, 0.5, "bogus", "", None, np.nan, np.inf, True,
                              ("a", 1, 0), (1, 2), [], {}, "X"])


def monthly(n: int = 72, start: str = "2014-01-01", seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=n, freq="MS")
    values = 1000 + np.cumsum(rng.normal(0, 10, n)) + 80 * (index >= "2017-08-01")
    return pd.Series(values, index=index, name="crude_oil")


CORRUPTIONS = ["none", "nan", "inf", "-inf", "text", "bool", "constant", "duplicate", "gap",
               "unsorted", "tz", "time_of_day", "daily", "empty", "short", "huge", "negative",
               "string_index", "period_index", "out_of_range_index", "object_numbers",
               "frame_no_date", "tidy", "tidy_two_series", "list", "none_data", "dict",
               "all_nan", "int_index"]


def corrupt(series: pd.Series, how: str, where: int):
    """``series`` damaged in one way (``where`` picks the position)."""
    s = series.copy()
    i = where % len(s)
    if how == "none":
        return s
    if how in ("nan", "inf", "-inf", "huge", "negative"):
        s.iloc[i] = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "huge": 1e308,
                     "negative": -5.0}[how]
        return s
    if how in ("text", "bool", "object_numbers"):
        s = s.astype(object)
        if how != "object_numbers":
            s.iloc[i] = "abc" if how == "text" else True
        return s
    if how == "constant":
        return pd.Series(7.0, index=s.index, name=s.name)
    if how == "all_nan":
        return pd.Series(np.nan, index=s.index, name=s.name)
    if how == "duplicate":
        return pd.concat([s, s.iloc[[i]]])
    if how == "gap":
        return s.drop(s.index[max(1, min(i, len(s) - 2))])
    if how == "unsorted":
        return s.iloc[::-1]
    if how == "tz":
        return s.tz_localize("UTC")
    if how == "time_of_day":
        s.index = s.index + pd.Timedelta(hours=6)
        return s
    if how == "daily":
        s.index = pd.date_range(s.index[0], periods=len(s), freq="D")
        return s
    if how == "empty":
        return s.iloc[:0]
    if how == "short":
        return s.iloc[: 1 + where % 4]
    if how == "string_index":
        s.index = [f"row {k}" for k in range(len(s))]
        return s
    if how == "int_index":
        s.index = range(len(s))
        return s
    if how == "period_index":
        s.index = s.index.to_period("D")
        return s
    if how == "out_of_range_index":
        s.index = ["9999-01-01"] + [f"{d:%Y-%m-%d}" for d in s.index[1:]]
        return s
    if how == "frame_no_date":
        return pd.DataFrame({"x": s.to_numpy()})
    if how in ("tidy", "tidy_two_series"):
        frame = pd.DataFrame({"date": s.index, "country": "VEN", "series": "crude_oil",
                              "value": s.to_numpy(), "unit": "kb/d", "source": "test"})
        if how == "tidy_two_series":
            frame = pd.concat([frame, frame.assign(series="other")], ignore_index=True)
        return frame
    if how == "list":
        return s.tolist()
    if how == "none_data":
        return None
    if how == "dict":
        return {"a": 1}
    raise AssertionError(how)


series_args = st.tuples(st.sampled_from(CORRUPTIONS), st.integers(0, 200))
events_arg = st.one_of(st.sampled_from(GOOD_DATES), st.sampled_from(BAD_DATES),
                       st.lists(st.sampled_from(GOOD_DATES + BAD_DATES[:6]), max_size=3),
                       st.dictionaries(st.sampled_from(["a", "b"]),
                                       st.sampled_from(GOOD_DATES + BAD_DATES[:6]), max_size=2),
                       st.just("no-such-event"))


def model_case(spec: dict[str, list], good_event: str) -> st.SearchStrategy[tuple]:
    """(data damage, events, options): one of the three bad, or all three at once."""
    clean = st.just(("none", 0))
    return st.one_of(
        st.tuples(series_args, st.just(good_event), st.just({})),
        st.tuples(clean, events_arg, st.just({})),
        st.tuples(clean, st.just(good_event), options(spec)),
        st.tuples(series_args, events_arg, options(spec)),
    )


def options(spec: dict[str, list]) -> st.SearchStrategy[dict]:
    """Up to two options, each set to a listed value or a generic bad one."""
    names = sorted(spec)
    return st.lists(st.sampled_from(names), max_size=2, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {n: st.one_of(st.sampled_from(spec[n]), BAD_OPTION) if spec[n] else BAD_OPTION
             for n in chosen}))


# --------------------------------------------------------------------------- data and registry
@SETTINGS
@given(
    name=st.sampled_from(["production_monthly", "prices_daily", "trade", "production_annual",
                          "nope", "", "PRODUCTION_MONTHLY"]),
    filters=st.dictionaries(
        st.sampled_from(["country", "series", "source", "start", "end", "unit", "bogus",
                         "date", "value"]),
        st.one_of(st.sampled_from(["VEN", "XXX", "brent", "", "2019-01", "2019-02-30",
                                   "9999-01-01", "1600-01-01", "2020", "2019-13"]),
                  st.sampled_from(BAD_SCALARS), st.lists(st.sampled_from(["VEN", 5, None]),
                                                         max_size=3)),
        max_size=3),
)
def test_fuzz_load(name, filters):
    check("load", lambda: venecon.load(name, **filters), case=(name, filters))


@SETTINGS
@given(kwargs=st.dictionaries(
    st.sampled_from(["category", "direction", "scope", "entity", "verification", "start", "end",
                     "include_user"]),
    st.one_of(st.sampled_from(BAD_DATES), st.sampled_from(["financial", "V", "X", "VEN"]),
              st.sampled_from(BAD_SCALARS)),
    max_size=3))
def test_fuzz_events(kwargs):
    check("events", lambda: venecon.events(**kwargs), case=kwargs)


EVENT_FIELDS = {
    "id": ["my-event", "2020-01-01", "Bad Id", "", None, 5, "eo13808", "a" * 300],
    "date": GOOD_DATES[:3] + BAD_DATES,
    "category": ["context", "financial", "bogus", "", None, 3],
    "direction": ["none", "tightening", "up", None],
    "description": ["x", "", None, np.nan, 5],
    "end": ["2016-01-01", "2030-01-01", "9999-12-31", "bad", None],
    "announced": ["2017-08-24", "1600-01-01", "2017-02-29"],
    "date_precision": ["day", "month", "year", "week"],
    "bogus": ["x"],
}


@SETTINGS
@given(
    rows=st.lists(st.fixed_dictionaries(
        {k: st.sampled_from(v) for k, v in EVENT_FIELDS.items() if k in
         ("id", "date", "category", "direction", "description")},
        optional={k: st.sampled_from(v) for k, v in EVENT_FIELDS.items() if k in
                  ("end", "announced", "date_precision", "bogus")}), max_size=3),
    form=st.sampled_from(["records", "frame", "dict", "csv", "ragged_csv", "latin1_csv",
                          "missing_file", "number"]),
    replace=st.booleans(),
)
def test_fuzz_add_events(tmp_path_factory, rows, form, replace):
    venecon.reset_events()
    folder = tmp_path_factory.mktemp("events")

    def call():
        if form == "records":
            return venecon.add_events(rows, replace=replace)
        if form == "frame":
            return venecon.add_events(pd.DataFrame(rows), replace=replace)
        if form == "dict":
            return venecon.add_events(rows[0] if rows else {}, replace=replace)
        if form == "number":
            return venecon.add_events(5)
        path = folder / "events.csv"
        if form == "missing_file":
            return venecon.add_events(folder / "absent.csv")
        frame = pd.DataFrame(rows)
        text = frame.to_csv(index=False)
        if form == "ragged_csv" and rows:
            text = text.rstrip("\n") + ",extra\n"
        data = text.encode("latin-1", errors="replace") if form == "latin1_csv" else \
            text.encode("utf-8")
        if form == "latin1_csv":
            data += "\nmy-b,2020-01-01,context,none,caf\xe9\n".encode("latin-1")
        path.write_bytes(data)
        return venecon.add_events(str(path), replace=replace)

    try:
        check("add_events", call, case=(rows, form))
    finally:
        venecon.reset_events()


@SETTINGS
@given(
    freq=st.one_of(st.sampled_from(["M", "D", "W", "Q", "Y", "X", "", "ms", "1M"]),
                   st.sampled_from(BAD_SCALARS)),
    start=st.sampled_from([None, "2019-01", *BAD_DATES]),
    end=st.sampled_from([None, "2020-06", "1990-01", *BAD_DATES[:5]]),
    partial=st.sampled_from(["start", "bogus", None, 1]),
    index=st.sampled_from([None, "daily", "irregular", "empty", "strings"]),
)
def test_fuzz_regimes(freq, start, end, partial, index):
    idx = {None: None, "daily": pd.date_range("2019-01-01", periods=40, freq="D"),
           "irregular": pd.DatetimeIndex(["2019-01-01", "2019-03-07", "2019-03-08"]),
           "empty": pd.DatetimeIndex([]), "strings": ["a", "b"]}[index]
    check("regimes", lambda: venecon.regimes(freq, start, end, index=idx, partial=partial),
          case=(freq, start, end, partial, index))


# --------------------------------------------------------------------------- time-series models
ITS_OPTIONS = {"log": [True], "seasonal": [True], "hac_lags": ["nw", -1, "x", 10**6],
               "partial": ["start", "bogus", "prorate"], "alpha": [0, 1, 2, -0.1],
               "controls": ["nan", "text", "short", "same"], "start": ["2015-01", "9999-01"],
               "end": ["2016-01", "1600-01"], "outcome": ["value", "nope"]}


def _controls(spec, y):
    if not isinstance(spec, str) or spec not in ("nan", "text", "short", "same"):
        return spec
    base = monthly(seed=3)
    if spec == "nan":
        base.iloc[5] = np.nan
    elif spec == "text":
        base = base.astype(object)
        base.iloc[5] = "x"
    elif spec == "short":
        base = base.iloc[:10]
    return base.rename("control")


def _model(cls, data, events, opts, **fixed):
    kwargs = {**fixed, **opts}
    if "controls" in kwargs:
        kwargs["controls"] = _controls(kwargs["controls"], data)
    model = cls(data, events, **kwargs) if events is not _NO_EVENTS else cls(data, **kwargs)
    return model.fit()


_NO_EVENTS = object()


@SETTINGS
@given(case=model_case(ITS_OPTIONS, "2017-08-01"))
def test_fuzz_its(case):
    data, events, opts = case
    from venecon.models import ITS

    check("ITS", lambda: _model(ITS, corrupt(monthly(), *data), events, opts), finite=True,
          case=(data, events, opts))


ARIMA_OPTIONS = {"order": [(1, 0, 0), ("a", 1, 0), (-1, 0, 0), (50, 0, 0), (1.5, 0, 0)],
                 "n_simulations": [-5, 0, 1], "shape": ["step", "pulse", "bogus", ("ramp", -2)],
                 "ic": ["aic", "bogus"], "cov_type": ["bogus"], "seed": [-1, "x"],
                 "seasonal_order": [(1, 0, 0, 12), (0, 0, 0, -1), "x"], "d": [-1, 5],
                 "trend": ["x", "ct"], "maxiter": [0, -1], "partial": ["bogus"]}


@SETTINGS
@given(case=model_case(ARIMA_OPTIONS, "2016-08-01"))
def test_fuzz_intervention_arima(case):
    data, events, opts = case
    from venecon.models import InterventionARIMA

    fixed = {"order": (1, 1, 0), "n_simulations": 20, "maxiter": 50}
    check("InterventionARIMA",
          lambda: _model(InterventionARIMA, corrupt(monthly(48), *data), events, opts, **fixed),
          finite=True, case=(data, events, opts))


LP_OPTIONS = {"horizons": [0, -1, 10**4, 2.5, "x"], "lags": [-1, 100, "x"],
              "shock_lags": [-1, 1000], "response": ["level", "bogus"], "trend": ["x", "ct"],
              "hac_lags": ["h+1", "x", -3], "partial": ["bogus"], "alpha": [0, 5]}


@SETTINGS
@given(case=model_case(LP_OPTIONS, "2017-08-01"))
def test_fuzz_local_projections(case):
    data, events, opts = case
    from venecon.models import LocalProjections

    check("LocalProjections",
          lambda: _model(LocalProjections, corrupt(monthly(), *data), events, opts, horizons=6),
          finite=True, case=(data, events, opts))


BREAKS_OPTIONS = {"model": ["level", "trend", "bogus"], "max_breaks": [0, -1, 100, "x"],
                  "trim": [0, 0.5, 0.9, -0.1, 200], "select": ["bic", "lwz", "bogus", 99, -1],
                  "n_sim": [0, -5, "x"], "seed": [-1, "x"], "alpha": [0, 1.5]}


@SETTINGS
@given(case=model_case(BREAKS_OPTIONS, "unused"))
def test_fuzz_structural_breaks(case):
    data, _, opts = case
    from venecon.models import StructuralBreaks

    fixed = {"n_sim": 19, "max_breaks": 2}
    check("StructuralBreaks",
          lambda: _model(StructuralBreaks, corrupt(monthly(), *data), _NO_EVENTS, opts, **fixed),
          finite=True, case=(data, opts))


# --------------------------------------------------------------------------- panel models
def toy_panel(n_units=6, n_years=16, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=n_years).cumsum()
    rows = []
    for u in range(n_units):
        y = 10 + u + rng.uniform(0.5, 1.5) * factor + rng.normal(scale=0.3, size=n_years)
        x = rng.normal(size=n_years) + u
        for t in range(n_years):
            rows.append({"unit": f"u{u}", "year": 2000 + t, "y": y[t], "x": x[t]})
    return pd.DataFrame(rows)


def staggered(n_per=3, periods=10, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows, i = [], 0
    for g in (4, 7, np.nan):
        for _ in range(n_per):
            alpha = rng.normal()
            for t in range(1, periods + 1):
                treated = float(not np.isnan(g) and t >= g)
                rows.append((f"c{i:02d}", 2000 + t, alpha + 0.1 * t + treated + rng.normal(0, .2),
                             2000 + g, treated, rng.normal()))
            i += 1
    return pd.DataFrame(rows, columns=["country", "date", "y", "cohort", "d", "x"])


PANEL_DAMAGE = ["none", "nan_outcome", "inf_outcome", "text_outcome", "duplicate_row",
                "drop_column", "empty", "constant_outcome", "text_time", "nan_time",
                "bool_outcome", "inf_control", "single_unit", "object_numbers"]


def damage_panel(frame: pd.DataFrame, how: str, where: int, *, outcome: str, time: str,
                 unit: str, control: str) -> pd.DataFrame:
    df = frame.copy()
    i = where % len(df)
    if how == "nan_outcome":
        df.loc[i, outcome] = np.nan
    elif how == "inf_outcome":
        df.loc[i, outcome] = np.inf
    elif how in ("text_outcome", "bool_outcome", "object_numbers"):
        df[outcome] = df[outcome].astype(object)
        if how != "object_numbers":
            df.loc[i, outcome] = "abc" if how == "text_outcome" else True
    elif how == "duplicate_row":
        df = pd.concat([df, df.iloc[[i]]], ignore_index=True)
    elif how == "drop_column":
        df = df.drop(columns=[[outcome, time, unit, control][where % 4]])
    elif how == "empty":
        df = df.iloc[:0]
    elif how == "constant_outcome":
        df[outcome] = 1.0
    elif how == "text_time":
        df[time] = df[time].astype(object)
        df.loc[i, time] = "later"
    elif how == "nan_time":
        df[time] = df[time].astype(float)
        df.loc[i, time] = np.nan
    elif how == "inf_control":
        df.loc[i, control] = np.inf
    elif how == "single_unit":
        df = df[df[unit] == df[unit].iloc[0]]
    return df


SYNTH_OPTIONS = {"treated": ["u2", "nope", 5, None], "treatment_time": [2010, 1990, 2030, "x",
                                                                        None, 2000],
                 "donors": [["u0", "u1"], [], ["nope"], ["u2"], "u0"],
                 "v": ["nested", "equal", "bogus", [1.0], [-1.0, 1.0]],
                 "optimizer": ["bogus"], "fit_window": [(2000, 2009), (2009, 2000), ("a", 1)],
                 "predictor_op": ["median", "bogus"], "n_random_starts": [-1, "x"]}


@SETTINGS
@given(damage=st.tuples(st.sampled_from(PANEL_DAMAGE), st.integers(0, 500)),
       opts=options(SYNTH_OPTIONS))
def test_fuzz_synthetic_control(damage, opts):
    from venecon.models import SyntheticControl

    df = damage_panel(toy_panel(), *damage, outcome="y", time="year", unit="unit", control="x")
    kwargs = {"treated": "u2", "treatment_time": 2010, "v": "equal",
              "predictors": [("y", slice(2000, 2009), "mean"), ("x", slice(2000, 2009), "mean")],
              **opts}

    def call():
        return SyntheticControl(df, outcome="y", unit="unit", time="year", **kwargs).fit()

    check("SyntheticControl", call, finite=True, case=(damage, opts))


PANEL_OPTIONS = {"cov_type": ["clustered", "robust", "bogus", "kernel"],
                 "bandwidth": [-1.0, "x"], "require_balanced": [True],
                 "controls": [["x"], ["nope"], "x", [5]]}
ES_OPTIONS = {**PANEL_OPTIONS, "window": [(-2, 3), (3, -2), ("a", 1), (0, 0), (-100, 100)],
              "reference": [-1, 0, 50, "x"], "endpoints": ["bin", "trim", "bogus"]}
SA_OPTIONS = {**PANEL_OPTIONS, "window": [(-2, 3), (3, -2), ("a", 1), None],
              "reference": [-1, 50, "x"], "control_group": ["never", "last", "bogus"]}


@SETTINGS
@given(damage=st.tuples(st.sampled_from(PANEL_DAMAGE), st.integers(0, 500)),
       which=st.sampled_from(["PanelDiD", "PanelEventStudy", "SunAbraham"]),
       data=st.data())
def test_fuzz_panel_models(damage, which, data):
    from venecon.models import PanelDiD, PanelEventStudy, SunAbraham

    column = "d" if which == "PanelDiD" else "cohort"
    df = damage_panel(staggered(), *damage, outcome="y", time="date", unit="country",
                      control=column)
    spec = {"PanelDiD": PANEL_OPTIONS, "PanelEventStudy": ES_OPTIONS, "SunAbraham": SA_OPTIONS}
    opts = data.draw(options(spec[which]))
    if which == "PanelDiD":
        call = lambda: PanelDiD(df, outcome="y", treatment="d", **opts).fit()  # noqa: E731
    elif which == "PanelEventStudy":
        kw = {"window": (-2, 3), **opts}
        call = lambda: PanelEventStudy(df, outcome="y", cohort="cohort", **kw).fit()  # noqa: E731
    else:
        call = lambda: SunAbraham(df, outcome="y", cohort="cohort", **opts).fit()  # noqa: E731
    check(which, call, finite=True, case=(damage, opts))


# --------------------------------------------------------------------------- event study
def daily(n=420, seed=0) -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.bdate_range("2016-01-01", periods=n)
    return pd.Series(60 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=index, name="brent")


ES_STUDY_OPTIONS = {"estimation": [(-100, -11), (-11, -100), ("a", 1), (-1000, -11), (1, 2)],
                    "window": [(-1, 1), (1, -1), (0, 0), (0, 500), (-1.5, 1)],
                    "missing": ["raise", "skip", "bogus"],
                    "market": ["same", "constant", "nan", "text", "short", "scaled"]}


def _market(spec, prices):
    base = daily(seed=4)
    if not isinstance(spec, str):
        return spec
    if spec == "same":
        return base
    if spec == "constant":
        return pd.Series(100.0, index=base.index)
    if spec == "nan":
        base.iloc[200] = np.nan
    elif spec == "text":
        base = base.astype(object)
        base.iloc[200] = "n/a"
    elif spec == "short":
        base = base.iloc[:50]
    elif spec == "scaled" and isinstance(prices, pd.Series):
        return prices * 2
    return base


@SETTINGS
@given(case=model_case(ES_STUDY_OPTIONS, "2016-10-03"))
def test_fuzz_event_study(case):
    data, events, opts = case
    from venecon.models import EventStudy

    prices = corrupt(daily(), *data)
    kwargs = {"estimation": (-100, -11), **opts}
    if "market" in kwargs:
        kwargs["market"] = _market(kwargs["market"], prices)
    check("EventStudy", lambda: EventStudy(prices, events, **kwargs).fit(), finite=True,
          case=(data, events, opts))


# --------------------------------------------------------------------------- revenue
def _assumptions(kind):
    import venecon.revenue as rev

    if kind == "fixed":
        return rev.Assumptions(export_share=0.9, discount=rev.Discount.usd(10.0))
    if kind == "share_nan":
        return rev.Assumptions(export_share=np.nan, discount=rev.Discount.usd(10.0))
    if kind == "share_big":
        return rev.Assumptions(export_share=5, discount=rev.Discount.usd(10.0))
    if kind == "discount_inf":
        return rev.Assumptions(export_share=0.9, discount=rev.Discount.usd(np.inf))
    if kind == "discount_text":
        return rev.Assumptions(export_share=0.9, discount=rev.Discount.usd("ten"))
    if kind == "benchmark":
        return rev.Assumptions(export_share=0.9, discount=rev.Discount.usd(10.0),
                               benchmark="nope")
    if kind == "percent":
        return rev.Assumptions(export_share=0.9, discount=rev.Discount.percent(150))
    return kind  # None, a string, a number: wrong types


ASSUMPTION_KINDS = ["fixed", "share_nan", "share_big", "discount_inf", "discount_text",
                    "benchmark", "percent", None, "bogus", 5]


def _prices_arg(kind, index):
    if kind == "default":
        return None
    s = pd.Series(60.0, index=index, name="brent")
    if kind == "nan":
        s.iloc[3] = np.nan
    elif kind == "inf":
        s.iloc[3] = np.inf
    elif kind == "text":
        s = s.astype(object)
        s.iloc[3] = "x"
    elif kind == "negative":
        s.iloc[3] = -5
    elif kind == "short":
        s = s.iloc[:3]
    elif kind == "wrong_type":
        return "brent"
    return s


@SETTINGS
@given(data=series_args,
       prices=st.one_of(st.just("default"),
                        st.sampled_from(["series", "nan", "inf", "text", "negative", "short",
                                         "wrong_type"])),
       assumptions=st.one_of(st.just("fixed"), st.sampled_from(ASSUMPTION_KINDS)),
       start=st.sampled_from([None, "2015-01", *BAD_DATES[:6]]),
       end=st.sampled_from([None, "2016-06", "1990-01"]))
def test_fuzz_revenue_estimate(data, prices, assumptions, start, end):
    import venecon.revenue as rev

    volumes = corrupt(monthly(36, start="2014-01-01"), *data)
    index = pd.date_range("2014-01-01", periods=36, freq="MS")

    def call():
        return rev.estimate(volumes, _prices_arg(prices, index), _assumptions(assumptions),
                            start=start, end=end)

    check("revenue.estimate", call, case=(data, prices, assumptions, start, end))


@pytest.fixture(scope="module")
def its_result():
    from venecon.models import ITS

    return ITS(monthly(), "2017-08-01", outcome_unit="kb/d").fit()


@SETTINGS
@given(result=st.one_of(st.just("its"), st.sampled_from([None, "text", 5])),
       prices=st.one_of(st.just("default"),
                        st.sampled_from(["series", "nan", "inf", "text", "short", "wrong_type"])),
       assumptions=st.one_of(st.just("fixed"), st.sampled_from(ASSUMPTION_KINDS)),
       start=st.one_of(st.none(), st.sampled_from(["2018-01", *BAD_DATES[:6]])),
       end=st.one_of(st.none(), st.sampled_from(["2019-06", "1990-01"])))
def test_fuzz_revenue_lost(its_result, result, prices, assumptions, start, end):
    import venecon.revenue as rev

    res = its_result if result == "its" else result
    index = pd.date_range("2014-01-01", periods=72, freq="MS")

    def call():
        return rev.lost(res, _prices_arg(prices, index), _assumptions(assumptions),
                        start=start, end=end)

    check("revenue.lost", call, case=(result, prices, assumptions, start, end))


# --------------------------------------------------------------------------- config and CLI
CONFIG_VALUES = st.one_of(st.sampled_from(BAD_SCALARS[3:]), st.sampled_from(BAD_DATES[:6]),
                          st.sampled_from(["2019-01", "2017-02-30", "2019-13", "MEX", "x"]),
                          st.lists(st.sampled_from(["MEX", "NOR", "XXX", ""]), max_size=3))
CONFIG_KEYS = st.sampled_from(["report.sections", "sanctions.effect_window", "synth.donors",
                               "synth.placebo", "synth.treatment", "revenue.export_share",
                               "bogus.key", "report.bogus", "sanctions.events",
                               "chevron.window"])


def _toml_value(value) -> str:
    if value is None:
        return '""'
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value))


def _config_text(entries) -> str:
    tables: dict[str, list[str]] = {}
    for key, value in entries:
        table, name = key.split(".")
        tables.setdefault(table, []).append(f"{name} = {_toml_value(value)}")
    # one guaranteed-bad key keeps 'venecon report' from running the whole analysis
    tables.setdefault("bogus", []).append("key = 1")
    return "\n".join(f"[{t}]\n" + "\n".join(dict.fromkeys(lines)) for t, lines in
                     tables.items())


@SETTINGS
@given(entries=st.lists(st.tuples(CONFIG_KEYS, CONFIG_VALUES), max_size=3),
       encoding=st.sampled_from(["utf-8", "utf-8", "broken_toml", "missing", "directory"]))
def test_fuzz_config_loader(tmp_path_factory, entries, encoding):
    from venecon.report.config import load_config

    folder = tmp_path_factory.mktemp("config")
    path = folder / "venecon.toml"
    text = _config_text(entries)
    if encoding == "broken_toml":
        text = text.replace("=", "", 1)
    if encoding == "missing":
        path = folder / "absent.toml"
    elif encoding == "directory":
        path = folder
    else:
        path.write_text(text, encoding="utf-8")
    check("report.load_config", lambda: load_config(path), case=(entries, encoding))


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """No network: offline mode, an empty cache, unroutable source URLs, no yfinance."""
    from venecon.sources import eia, fred, yahoo

    patch = pytest.MonkeyPatch()
    patch.setenv("VENECON_OFFLINE", "1")
    patch.setenv("VENECON_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    patch.setattr(eia, "BASE_URL", "http://127.0.0.1:9/v2")
    patch.setattr(fred, "BASE_URL", "http://127.0.0.1:9/fred")

    def no_download(**kwargs):
        raise AssertionError("the fuzz test must not download")

    patch.setattr(yahoo, "_yf_download", no_download)
    yield
    patch.undo()


CLI_WORDS = ["data", "list", "describe", "cite", "refresh", "production_monthly", "nope",
             "prices_daily", "--bogus", "", "report", "--config", "--help", "-h", "build",
             "trade", "cpi_monthly", "market_daily", "--version"]


@SETTINGS
@given(argv=st.one_of(
    st.lists(st.sampled_from(CLI_WORDS), max_size=4),
    st.tuples(st.just("data"), st.sampled_from(["describe", "cite"]),
              st.sampled_from(["production_monthly", "nope", "", "trade", "../x"])).map(list),
    st.tuples(st.just("data"), st.just("refresh"),
              st.sampled_from(["production_monthly", "nope", "cpi_monthly", "market_daily"]))
    .map(list),
    st.lists(st.tuples(CONFIG_KEYS, CONFIG_VALUES), max_size=2).map(
        lambda e: ["report-config", e]),
    st.just(["report-config", "non-utf8"]),
    st.just(["data", "build", "--raw", "/nonexistent/raw"]),
))
def test_fuzz_cli(offline, tmp_path_factory, capsys, argv):
    from venecon.cli import main

    if argv[:1] == ["report-config"]:  # a config file that must fail validation
        folder = tmp_path_factory.mktemp("cli")
        config = folder / "bad.toml"
        if argv[1] == "non-utf8":
            config.write_bytes(b"[report]\nsections = [\"data\"]\n# caf\xe9\n")
        else:
            config.write_text(_config_text(argv[1]), encoding="utf-8")
        argv = ["report", "--quiet", "--config", str(config), "--out", str(folder / "out")]
    elif "report" in argv and "--config" not in argv:
        argv = [a for a in argv if a != "report"]  # never run the full analysis here
    elif "report" in argv:
        argv = ["report", "--config", "/nonexistent.toml", "--out", "/nonexistent/out"]

    def call():
        try:
            return main(argv)
        except SystemExit as exc:  # argparse: usage errors (2), --help and --version (0)
            if exc.code not in (0, 2):
                raise
            return exc.code

    code = check("cli", call, case=argv)
    if code is not None:  # tally the exit status rather than "ok"
        TALLY[("cli", "ok")] -= 1
        TALLY[("cli", f"exit {code}")] += 1
    capsys.readouterr()
    assert code in (None, 0, 2)


# --------------------------------------------------------------------------- fixed failures
def _known_case(key: str):
    """The concrete input behind ``FIXED[key]``, as a thunk."""
    from venecon.models import (
        ITS,
        InterventionARIMA,
        LocalProjections,
        PanelDiD,
        PanelEventStudy,
        StructuralBreaks,
        SunAbraham,
        SyntheticControl,
    )

    ts = {"ITS": (ITS, {}), "InterventionARIMA": (InterventionARIMA, {"order": (1, 1, 0),
                                                                       "n_simulations": 20}),
          "LocalProjections": (LocalProjections, {"horizons": 6}),
          "StructuralBreaks": (StructuralBreaks, {"n_sim": 19, "max_breaks": 2})}
    api = FIXED[key][0]
    kind = key.removeprefix(api + "-")
    if api in ts:
        cls, fixed = ts[api]
        data, events, opts = monthly(48 if cls is InterventionARIMA else 72), "2016-08-01", {}
        data = {"text": corrupt(data, "text", 10), "empty": data.iloc[:0],
                "inf": corrupt(data, "inf", 65), "huge": corrupt(data, "huge", 38),
                "huge-svd": corrupt(data, "huge", 74)}.get(kind, data)
        if kind == "empty-event":
            events = ""
        opts = {"int-options": {"order": ("a", 1, 0)}, "seed": {"seed": -1},
                "n-simulations": {"n_simulations": -5}, "not-iterable": {"order": 0.5},
                "seed-type": {"seed": ("a", 1, 0)}, "cov-type": {"cov_type": "bogus"},
                "seed-text": {"seed": "x"}, "model-dict": {"model": {}},
                "trend-list": {"trend": []}}.get(kind, {})
        if api == "StructuralBreaks":
            return lambda: cls(data, **{**fixed, **opts}).fit()
        return lambda: cls(data, events, **{**fixed, **opts}).fit()
    if api == "SyntheticControl":
        how = {"text-time": "text_time", "text": "text_outcome", "empty": "empty",
               "inf-svd": "inf_outcome", "inf": "inf_outcome"}.get(kind, "none")
        where = 333 if kind == "inf" else 0  # a donor's outcome in the fit window
        df = damage_panel(toy_panel(), how, where, outcome="y", time="year", unit="unit",
                          control="x")
        opts = {"inf-svd": {"v": "nested"}, "random-starts": {"n_random_starts": np.nan},
                "donors-type": {"donors": -1},
                "random-starts-text": {"n_random_starts": "x"}}.get(kind, {})
        kw = {"treated": "u2", "treatment_time": 2010, "v": "equal",
              "predictors": [("y", slice(2000, 2009), "mean"), ("x", slice(2000, 2009), "mean")],
              **opts}
        return lambda: SyntheticControl(df, outcome="y", unit="unit", time="year", **kw).fit()
    if api in ("PanelDiD", "PanelEventStudy", "SunAbraham"):
        opts = {"controls": {"controls": -5}, "bandwidth": {"cov_type": "kernel",
                                                            "bandwidth": "x"},
                "int-options": {"reference": "x"}, "window": {"window": -5},
                "reference-inf": {"reference": np.inf}, "window-dict": {"window": {}}}[kind]
        df = staggered()
        if api == "PanelDiD":
            return lambda: PanelDiD(df, outcome="y", treatment="d", **opts).fit()
        cls = PanelEventStudy if api == "PanelEventStudy" else SunAbraham
        return lambda: cls(df, outcome="y", cohort="cohort", **opts).fit()
    if api == "revenue.estimate":
        import venecon.revenue as rev

        volumes = monthly(36)
        start = {"start": "not a date", "empty-start": ""}.get(kind)
        if kind == "text":
            volumes = corrupt(volumes, "text", 0)
        return lambda: rev.estimate(volumes, None, _assumptions("fixed"), start=start)
    if api == "revenue.lost":
        import venecon.revenue as rev
        from venecon.models import ITS

        prices = _prices_arg("text", pd.date_range("2014-01-01", periods=72, freq="MS"))
        result = ITS(monthly(), "2017-08-01", outcome_unit="kb/d").fit()
        return lambda: rev.lost(result, prices, _assumptions("fixed"))
    if api == "cli":
        def run():
            import tempfile

            from venecon.report.config import load_config
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "bad.toml"
                path.write_bytes(b"[report]\nsections = [\"data\"]\n# caf\xe9\n")
                return load_config(path)
        return run
    raise AssertionError(key)


@pytest.mark.parametrize("key", sorted(FIXED))
def test_fixed_case_raises_its_specific_venecon_error(key):
    """Each former failure (a raw traceback before its fix) now raises a clear venecon error."""
    import venecon.exceptions as errors

    _, kind, text = FIXED[key]
    call = _known_case(key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(getattr(errors, kind)) as info:
            call()
    assert text in str(info.value)
    assert type(info.value).__name__ == kind


# --------------------------------------------------------------------------- found cases
def test_issue15_found_cases_in_data_and_registry(tmp_path, monkeypatch):
    """Cases of issue 15 fixed in venecon/data and venecon/policy (each failed before)."""
    from venecon.data import _package
    from venecon.exceptions import DataIntegrityError, DateIndexError, OptionError, SchemaError

    for text in ("{}", "[]", '{"resources": "x", "version": "1"}',
                 '{"version": "1", "resources": [{"nme": "x"}]}'):
        root = tmp_path / f"pkg{abs(hash(text))}"
        root.mkdir()
        (root / "datapackage.json").write_text(text)
        monkeypatch.setattr(_package, "data_root", lambda root=root: root)
        _package._descriptor.cache_clear()
        with pytest.raises(DataIntegrityError, match="malformed"):
            _package.names()  # before: KeyError 'resources'
    monkeypatch.undo()
    _package._descriptor.cache_clear()

    event = {"id": "my-shock", "category": "context", "direction": "none", "description": "x"}
    for date in ("9999-01-01", "1600-01-01"):  # before: OutOfBoundsDatetime
        with pytest.raises(SchemaError, match="outside the dates pandas can hold"):
            venecon.add_events({**event, "date": date})
    with pytest.raises(DateIndexError, match="unknown freq 'X'"):  # before: plain ValueError
        venecon.regimes(freq="X")
    with pytest.raises(OptionError, match="partial must be one of"):
        venecon.regimes(partial="bogus")
    ragged = tmp_path / "events.csv"
    ragged.write_text("id,date,category,direction,description\n"
                      "my-a,2020-01-01,context,none,x,extra\n")
    with pytest.raises(SchemaError, match="line 2: 6 fields but the header has 5") as info:
        venecon.add_events(ragged)  # before: "id '2020-01-01' is not a slug"
    assert "slug" not in str(info.value)
    venecon.reset_events()


# --------------------------------------------------------------------------- studies and writers
#: Text a careless or hostile user might put in a name, title, unit or unit name.
NASTY = ["iran-2012", "x", "A-Upper", "a/b", "../up", "", " ", "NA", "null", "$x^$", "$\\frac{$",
         "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "=HYPERLINK(\"x\")",
         "+1", "-1", "@SUM(A1)", "\tx", "\rx", "[a](javascript:alert(1))", "![i](x)", "[r]: x",
         "``<b>`", "\\`<i>`", "```\n<script>", "a|b", "50% & $5 #1 _{~}^\\", "x" * 120,
         "café", "line\nbreak", "<!-- c -->", "&lt;b&gt;", "<", "]("]
nasty_text = st.one_of(st.sampled_from(NASTY), st.text(
    alphabet=st.sampled_from(list("ab1-_ <>&\"'$`[]()=+@|*#%{}~^\\\t\r\n!:/é")), max_size=16))

#: A valid study; each generated case damages up to two of its fields (see _STUDY_BAD).
_STUDY_GOOD = {"name": "fz", "title": "Fuzz", "units": "kb/d", "treated": "ZZZ", "renamed": "ZZZ",
               "treatment": 2008, "window": {"pre": [2000, 2007], "post": [2008, 2011]},
               "flag_column": "flag", "predictor_years": None, "csv": "none",
               "encoding": "utf-8"}
_STUDY_BAD = {
    "name": nasty_text, "title": nasty_text, "units": nasty_text,
    "treated": st.one_of(st.sampled_from(["NA", "nope"]), nasty_text),
    "renamed": st.sampled_from(["NA", "$x^$", "<b>", "=1+1", "null", "N/A", " ZZZ"]),
    "treatment": st.sampled_from(["2008", "2008-01", "2008-02-30", "2007-02-29", 1, True, None,
                                  2030, "eo13808", "2008-13", 2008.0, [2008], "", 1999]),
    "window": st.sampled_from([{"pre": [2000, 2007], "post": [2008, "end"]},
                               {"pre": [2007, 2000], "post": [2008, 2011]},
                               {"pre": [2000, 2009], "post": [2008, 2011]},
                               {"pre": ["2000-01", "2007-02-30"], "post": [2008, 2011]},
                               {"pre": [2000], "post": [2008, 2011]}, {},
                               {"pre": [1990, 2007], "post": [2008, 2030]}]),
    "flag_column": st.sampled_from([["flag"], "value", "unit", "time", "", 3, None, "other"]),
    "predictor_years": st.sampled_from([[2001], [2010], [], ["x"], [2001.5], [1990],
                                        [2001, 2001]]),
    "csv": st.sampled_from(["empty", "blank", "latin1", "ragged", "bom", "header_only",
                            "text_value", "missing_column", "dup_row"]),
    "encoding": st.just("latin-1"),
}
_STUDY_CASE = st.tuples(
    st.sampled_from(["python", "toml", "csv"]),
    st.lists(st.sampled_from(sorted(_STUDY_BAD)), max_size=2, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({k: _STUDY_BAD[k] for k in chosen})),
).map(lambda t: {"entry": t[0], **_STUDY_GOOD, **t[1]})


def _study_frame() -> pd.DataFrame:
    from venecon.models.synth.grid import simulated_panel

    p = simulated_panel(n_donors=4, n_periods=12, treatment_period=9, effect=-5.0, noise=0.5,
                        seed=1, n_covariates=0)
    return pd.DataFrame({"unit": p["unit"].replace({"treated": "ZZZ"}),
                         "time": p["period"] + 2000, "value": p["y"]})


def _csv_bytes(frame: pd.DataFrame, how: str) -> bytes:
    text = frame.to_csv(index=False)
    return {"empty": b"", "blank": b" \n\n", "header_only": b"unit,time,value\n",
            "latin1": (text + "caf\xe9,2000,1\n").encode("latin-1"),
            "ragged": (text + "ZZZ,2030,1,2,3\n").encode(),
            "bom": b"\xef\xbb\xbf" + text.encode(),
            "text_value": text.replace("\nZZZ,2003,", "\nZZZ,2003,x").encode(),
            "missing_column": frame.drop(columns="value").to_csv(index=False).encode(),
            "dup_row": (text + text.splitlines()[1] + "\n").encode()}.get(how, text.encode())


def _toml(study: dict) -> str:
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if v is None:
            return '"none"'
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v)

    estimators = study.pop("estimators")
    lines = ["[study]"] + [f"{k} = {value(v)}" for k, v in study.items()]
    for name, opts in estimators.items():
        lines.append(f"[study.estimators.{name}]")
        lines += [f"{k} = {value(v)}" for k, v in opts.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_fuzz_study_entry_points(tmp_path_factory):
    """TOML, user CSV and ``Study(...)``: a valid study (slug name) or a VeneconError."""
    from venecon.study import Study
    from venecon.study.spec import check_name

    base = _study_frame()
    folder = tmp_path_factory.mktemp("studies")
    seen = Counter()

    @settings(SETTINGS, max_examples=int(os.environ.get("VENECON_FUZZ_STUDIES", "300")))
    @given(case=_STUDY_CASE)
    def run(case):
        frame = base.copy()
        frame["unit"] = frame["unit"].replace({"ZZZ": case["renamed"]})
        treated = case["renamed"] if case["treated"] == "ZZZ" else case["treated"]
        sc = {"v": "equal", "placebo": False}
        if case["predictor_years"] is not None:
            sc["predictor_years"] = case["predictor_years"]
        outcome = {"units": case["units"]}
        if case["flag_column"] is not None:
            outcome["flag_column"] = case["flag_column"]
        kw = {"name": case["name"], "title": case["title"], "treated": treated,
              "treatment": case["treatment"], "window": case["window"],
              "estimators": {"synthetic_control": sc}, "robustness": {"enabled": False}}
        seen[case["entry"]] += 1
        if case["entry"] == "python":
            call = lambda: Study(**kw, outcome={**outcome, "frame": frame})  # noqa: E731
        else:
            path = folder / f"panel{seen.total()}.csv"
            path.write_bytes(_csv_bytes(frame, case["csv"] if case["entry"] == "csv" else "none"))
            study = {**kw, "outcome": {**outcome, "file": path.name}}
            if case["entry"] == "csv":
                call = lambda: Study(**{**kw, "outcome": {**outcome, "file": str(path)}})  # noqa
            else:
                toml = folder / f"study{seen.total()}.toml"
                toml.write_bytes(_toml(study).encode(case["encoding"], errors="replace"))
                call = lambda: Study.from_toml(toml)  # noqa: E731
        result = check(f"study.{case['entry']}", call, case=case)
        if result is not None:
            assert check_name("name", result.name) == result.name

    run()
    assert seen.total() >= 250, seen


def outside_code(md: str) -> str:
    """Markdown without fenced blocks and code spans (their content is literal text)."""
    import re

    kept, fence = [], None
    for line in md.splitlines():
        if fence is None and line.startswith("```"):
            fence = line[: len(line) - len(line.lstrip("`"))]
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            kept.append(line)
    return re.sub(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", "\n".join(kept))


_OWN_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "pre",
             "code", "strong", "em", "table", "caption", "thead", "tbody", "tr", "th", "td",
             "details", "summary", "figure", "img", "figcaption"}
_OWN_ATTRS = {"lang", "charset", "name", "content", "class", "id", "alt", "src"}


def _tags(text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(text)
    return found


@pytest.mark.slow
def test_fuzz_output_writers(tmp_path_factory):
    """No generated user text survives a writer as markup, a link, LaTeX or a formula."""
    import csv
    import io
    import re

    from markdown_it import MarkdownIt

    from venecon.escaping import csv_frame, latex_text
    from venecon.report.renderers import tex_table, to_html, to_markdown

    png = tmp_path_factory.mktemp("fig") / "f.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    md_parser = MarkdownIt("commonmark").enable("table")
    seen = Counter()

    @settings(SETTINGS, max_examples=int(os.environ.get("VENECON_FUZZ_WRITERS", "300")))
    @given(texts=st.lists(nasty_text, min_size=6, max_size=6))
    def run(texts):
        a, b, c, d, e, f = texts
        blocks = [("h", (2, a)), ("p", f"**{b}** and {c}"), ("table", (["unit", e], [[d, f]], a)),
                  ("details", (b, c)), ("code", d), ("fig", (e, png, f))]
        seen["writers"] += 1
        TALLY[("writers", "ok")] += 1
        md = to_markdown(blocks)
        rendered = md_parser.render(md)
        for tag, attrs in _tags(rendered):  # formatting only: no link, script or raw HTML
            assert tag in {"h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "em", "table",
                           "thead", "tbody", "tr", "th", "td", "pre", "code", "details",
                           "summary", "img", "br", "hr", "ul", "ol", "li", "blockquote"}, (tag, md)
            if tag == "img":
                assert dict(attrs).get("src", "").startswith("figures/"), md
        assert not re.search(r"<(?!details>|summary>|/summary>|/details>)[A-Za-z/!?]",
                             outside_code(md)), md
        page = to_html(blocks, a)
        for tag, attrs in _tags(page):
            assert tag in _OWN_TAGS, (tag, texts)
            assert {k for k, _ in attrs} <= _OWN_ATTRS, (tag, attrs, texts)
        frame = pd.DataFrame({"unit": [a, b, c], e or "x": [d, f, "ok"], "value": [1.0, -2, 3]})
        buffer = io.StringIO()
        csv_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
        for row in csv.reader(io.StringIO(buffer.getvalue())):
            for cell in row:
                if cell.startswith(("=", "+", "@", "\t", "\r")) or (
                        cell.startswith("-") and not re.fullmatch(r"-[\d.e+-]+", cell)):
                    raise AssertionError(f"formula cell {cell!r} from {texts}")
        for text in (latex_text(a), tex_table([b], [[c]], d, "label")):
            bare = re.sub(r"\\(?:[A-Za-z]+(?:\{\})?|[&%$#_{}])", "", text)
            bare = bare.replace(r"\begin{table}", "")
            assert not re.search(r"(?<!\\)[&%$#_~^]", bare.split("\\toprule")[-1]
                                 .replace(" & ", " ").replace(r" \\", "")), text

    run()
    assert seen["writers"] >= 250, seen
