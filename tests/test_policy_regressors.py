"""Event regressors: values, shapes, partial periods, frequencies, errors and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import venecon
from venecon.policy.regressors import decay, event_time_dummies, pulse, ramp, step

MONTHS = pd.date_range("2017-01-01", "2018-12-01", freq="MS")  # 24 months
AUG = 7  # position of 2017-08 in MONTHS
F = 7 / 31  # share of August 2017 from 2017-08-25 on


def at(series: pd.Series, position: int) -> float:
    return float(series.iloc[position])


def test_step_under_each_partial_convention():
    start = step(MONTHS, "eo13808")
    assert start.name == "eo13808" and start.index.equals(MONTHS) and start.dtype == "float64"
    assert start.iloc[:AUG].eq(0).all() and start.iloc[AUG:].eq(1).all()
    nxt = step(MONTHS, "eo13808", partial="next")
    assert nxt.iloc[:AUG + 1].eq(0).all() and nxt.iloc[AUG + 1:].eq(1).all()
    frac = step(MONTHS, "eo13808", partial="fraction")
    assert at(frac, AUG) == pytest.approx(F) and frac.iloc[AUG + 1:].eq(1).all()
    # An event on a period's first day is the same under every convention.
    for partial in ("start", "next", "fraction"):
        assert step(MONTHS, "2018-03-01", partial=partial).iloc[14:].eq(1).all()
        assert step(MONTHS, "2018-03-01", partial=partial).iloc[:14].eq(0).all()


def test_pulse_is_the_first_difference_of_step():
    assert pulse(MONTHS, "eo13808").to_numpy().nonzero()[0].tolist() == [AUG]
    frac = pulse(MONTHS, "eo13808", partial="fraction")
    assert frac.name == "eo13808_pulse"
    assert at(frac, AUG) == pytest.approx(F) and at(frac, AUG + 1) == pytest.approx(1 - F)
    assert frac.sum() == pytest.approx(1.0)
    assert pulse(MONTHS, "eo13808", partial="next").to_numpy().nonzero()[0].tolist() == [AUG + 1]


def test_ramp_values():
    r = ramp(MONTHS, "eo13808", 3)
    assert r.name == "eo13808_ramp3"
    assert r.iloc[AUG - 1:AUG + 4].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1, 1])
    frac = ramp(MONTHS, "eo13808", 3, partial="fraction")
    assert frac.iloc[AUG:AUG + 4].tolist() == pytest.approx([F / 3, (1 + F) / 3, (2 + F) / 3, 1])
    pd.testing.assert_series_equal(ramp(MONTHS, "eo13808", 1), step(MONTHS, "eo13808"),
                                   check_names=False)


def test_decay_values():
    d = decay(MONTHS, "eo13808", 0.5)
    assert d.name == "eo13808_decay0.5"
    assert d.iloc[AUG - 1:AUG + 4].tolist() == pytest.approx([0, 1, 0.5, 0.25, 0.125])
    frac = decay(MONTHS, "eo13808", 0.5, partial="fraction")
    assert at(frac, AUG) == pytest.approx(F)
    assert at(frac, AUG + 1) == pytest.approx(0.5 ** F)
    assert at(frac, AUG + 2) == pytest.approx(0.5 ** (1 + F))


def test_event_time_dummies_shape_values_and_binning():
    dummies = event_time_dummies(MONTHS, "eo13808", leads=3, lags=4)
    assert dummies.shape == (24, 7)  # -3..4 without the reference -1
    assert list(dummies.columns) == ["eo13808_lead3", "eo13808_lead2", "eo13808_lag0",
                                     "eo13808_lag1", "eo13808_lag2", "eo13808_lag3",
                                     "eo13808_lag4"]
    assert dummies.index.equals(MONTHS)
    # Binned endpoints: lead3 covers every month up to 2017-05, lag4 every month from 2017-12.
    assert dummies["eo13808_lead3"].iloc[:AUG - 2].eq(1).all()
    assert dummies["eo13808_lead3"].iloc[AUG - 2:].eq(0).all()
    assert dummies["eo13808_lag4"].iloc[AUG + 4:].eq(1).all()
    assert dummies["eo13808_lag0"].to_numpy().nonzero()[0].tolist() == [AUG]
    # Every month is in exactly one column, except the reference month (2017-07).
    sums = dummies.sum(axis=1)
    assert sums.iloc[AUG - 1] == 0 and sums.drop(MONTHS[AUG - 1]).eq(1).all()
    no_reference = event_time_dummies(MONTHS, "eo13808", leads=2, lags=1, reference=None)
    assert no_reference.shape == (24, 4) and no_reference.sum(axis=1).eq(1).all()
    post_only = event_time_dummies(MONTHS, "eo13808", leads=0, lags=2, reference=None)
    assert list(post_only.columns) == ["eo13808_lag0", "eo13808_lag1", "eo13808_lag2"]
    assert post_only.iloc[:AUG].eq(0).all().all()


def test_dates_periods_and_other_frequencies():
    periods = pd.period_range("2017-01", "2018-12", freq="M")
    s = step(periods, "2017-08-25", partial="fraction")
    assert s.index.equals(periods) and s.name == "2017-08-25"
    assert at(s, AUG) == pytest.approx(F)
    ends = pd.date_range("2017-01-31", "2018-12-31", freq="ME")
    assert at(step(ends, pd.Timestamp("2017-08-25"), partial="fraction"), AUG) == pytest.approx(F)
    mid_month = pd.DatetimeIndex([f"2017-{m:02d}-15" for m in range(1, 13)])
    assert step(mid_month, "eo13808").tolist() == [0.0] * 7 + [1.0] * 5
    quarters = pd.date_range("2016-01-01", "2019-10-01", freq="QS")
    assert step(quarters, "eo13808", partial="fraction")["2017-07-01"] == pytest.approx(37 / 92)
    years = pd.date_range("2015-01-01", "2020-01-01", freq="YS")
    assert step(years, "eo13808", partial="fraction")["2017-01-01"] == pytest.approx(129 / 365)
    days = pd.date_range("2017-08-20", "2017-08-31", freq="D")
    assert step(days, "eo13808").tolist() == [0.0] * 5 + [1.0] * 7
    weeks = pd.date_range("2017-07-02", "2017-10-01", freq="W-SUN")
    assert step(weeks, "eo13808", partial="fraction")["2017-08-27"] == pytest.approx(3 / 7)
    frame = pd.DataFrame({"y": range(24)}, index=MONTHS)
    assert step(frame, "eo13808").index.equals(MONTHS)


def test_user_event_ids_resolve():
    venecon.reset_events()
    try:
        venecon.add_events({"id": "my-shock", "date": "2018-02-10", "category": "context",
                            "direction": "none", "description": "test"})
        s = step(MONTHS, "my-shock")
        assert s.name == "my-shock" and s.to_numpy().nonzero()[0][0] == 13
    finally:
        venecon.reset_events()


def test_month_precision_events_only_in_monthly_or_coarser_indexes():
    monthly = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    assert step(monthly, "gl8o")["2024-11-01"] == 1.0 and step(monthly, "gl8o")["2024-10-01"] == 0.0
    with pytest.raises(venecon.DateRangeError, match="dated only to the month"):
        step(pd.date_range("2024-01-01", "2025-01-31", freq="D"), "gl8o")
    with pytest.raises(venecon.DateRangeError, match="dated only to the year"):
        step(pd.date_range("2005-01-01", "2007-12-01", freq="MS"), "aeca-2006")


@pytest.mark.parametrize(
    "index, date, error, message",
    [
        (MONTHS, "eo13835", None, None),
        (MONTHS, "2016-12-31", venecon.DateRangeError, "lies before the index"),
        (MONTHS, "gl41", venecon.DateRangeError, "lies after the index"),
        (MONTHS, "gl-41", venecon.EventNotFoundError, "Did you mean 'gl41'"),
        (MONTHS, "soon", venecon.EventNotFoundError, "neither a registry event id nor a date"),
        (pd.DatetimeIndex(["2017-01-01", "2017-02-01", "2017-04-01"]), "2017-01-15",
         venecon.DateIndexError, "irregular.*a gap"),
        (pd.DatetimeIndex(["2017-01-01", "2017-01-01", "2017-02-01"]), "2017-01-15",
         venecon.DateIndexError, "duplicate dates"),
        (pd.DatetimeIndex(["2017-03-01", "2017-02-01", "2017-01-01"]), "2017-01-15",
         venecon.DateIndexError, "not sorted"),
        (pd.bdate_range("2017-01-02", "2017-03-01"), "2017-01-15", venecon.DateIndexError,
         "unsupported index frequency 'B'"),
        (pd.DatetimeIndex(["2017-01-02", "2017-01-05", "2017-01-06", "2017-01-09"]), "2017-01-05",
         venecon.DateIndexError, "irregular"),
        (pd.RangeIndex(24), "2017-01-15", venecon.DateIndexError, "expected a DatetimeIndex"),
    ],
)
def test_bad_inputs(index, date, error, message):
    if error is None:
        step(index, date)  # inside the index: no error
        return
    with pytest.raises(error, match=message):
        step(index, date)


def test_next_convention_can_push_an_event_past_the_index():
    with pytest.raises(venecon.DateRangeError, match="only after the index ends"):
        step(MONTHS, "2018-12-05", partial="next")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: step(MONTHS, "eo13808", partial="half"), "partial must be one of"),
        (lambda: ramp(MONTHS, "eo13808", 0), "positive integer"),
        (lambda: ramp(MONTHS, "eo13808", 2.5), "positive integer"),
        (lambda: decay(MONTHS, "eo13808", 1.0), "strictly between 0 and 1"),
        (lambda: decay(MONTHS, "eo13808", 0), "strictly between 0 and 1"),
        (lambda: event_time_dummies(MONTHS, "eo13808", leads=-1, lags=2), "leads must be"),
        (lambda: event_time_dummies(MONTHS, "eo13808", leads=2, lags=2, reference=5), "outside"),
        (lambda: event_time_dummies(MONTHS, "eo13808", leads=0, lags=2), "outside"),
    ],
)
def test_bad_parameters(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- properties -----------------------------------------------------------------------------

FREQS = {"D": 400, "W-SUN": 150, "MS": 120, "ME": 120, "QS": 60, "YS": 30}


@st.composite
def cases(draw):
    freq = draw(st.sampled_from(sorted(FREQS)))
    n = draw(st.integers(3, FREQS[freq]))
    index = pd.date_range("2000-01-01", periods=n, freq=freq)
    periods = index.to_period("W-SUN" if freq == "W-SUN" else freq[0])
    first = periods[0].start_time
    last = (periods[-1] + 1).start_time - pd.Timedelta(days=1)
    offset = draw(st.integers(0, (last - first).days))
    return index, first + pd.Timedelta(days=offset)


PROFILE = settings(max_examples=80, deadline=None)


@PROFILE
@given(cases())
def test_regressor_properties(case):
    index, date = case
    start = step(index, date).to_numpy()
    frac = step(index, date, partial="fraction").to_numpy()
    assert np.all(np.diff(start) >= 0) and set(np.unique(start)) <= {0.0, 1.0}
    assert np.all((frac >= 0) & (frac <= 1)) and np.all(np.diff(frac) >= -1e-12)
    assert np.all(frac <= start + 1e-12)  # "fraction" never treats more than "start"
    first = int(np.flatnonzero(start)[0])
    own = index.to_period("W-SUN" if index.freqstr == "W-SUN" else index.freqstr[0])[first]
    assert own.start_time <= date < (own + 1).start_time  # "start": the period containing it
    assert np.allclose(pulse(index, date, partial="fraction").to_numpy(),
                       np.diff(frac, prepend=0.0))
    assert np.allclose(ramp(index, date, 1).to_numpy(), start)
    k = 4
    r = ramp(index, date, k, partial="fraction").to_numpy()
    assert np.all(np.diff(r) >= -1e-12) and np.all(r <= frac + 1e-12)
    d = decay(index, date, 0.7).to_numpy()
    assert np.all(d <= start) and d[first] == 1.0
    dummies = event_time_dummies(index, date, leads=2, lags=3)
    assert dummies.shape == (len(index), 5)
    sums = dummies.sum(axis=1).to_numpy()
    assert set(np.unique(sums)) <= {0.0, 1.0}
    if first >= 1:
        assert sums[first - 1] == 0.0  # the reference period r = -1
    assert (sums == 0).sum() == (1 if first >= 1 else 0)


@PROFILE
@given(cases())
def test_next_lies_between_start_and_one_period_later(case):
    index, date = case
    start = step(index, date).to_numpy()
    try:
        nxt = step(index, date, partial="next").to_numpy()
    except venecon.DateRangeError:
        assert start[-1] == 1 and start.sum() == 1  # the event is in the last period
        return
    shift = int(start.sum() - nxt.sum())
    assert shift in (0, 1)
    assert np.all(nxt <= start)
