"""Property-based tests of ``venecon.load``'s filters against a brute-force mask."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import venecon
from venecon.data import _package

# Tidy tables (date, country, series, value, ...); the registries have their own schemas.
TIDY = [n for n in _package.names()
        if _package.resource(n)["frequency"] in ("daily", "monthly", "annual")
        and _package.resource(n).get("layout") != "registry"]
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def selections(draw):
    name = draw(st.sampled_from(TIDY))
    full = venecon.load(name)
    chosen = {}
    for column in ("country", "series", "source"):
        values = sorted(full[column].unique())
        if draw(st.booleans()):
            chosen[column] = draw(st.lists(st.sampled_from(values), min_size=1, max_size=4,
                                           unique=True))
    dates = sorted(full["date"].unique())
    lo, hi = sorted(draw(st.lists(st.sampled_from(dates), min_size=2, max_size=2)))
    bounds = {}
    if draw(st.booleans()):
        bounds["start"] = lo
    if draw(st.booleans()):
        bounds["end"] = hi
    return name, full, chosen, bounds


@PROFILE
@given(selections())
def test_filters_match_a_brute_force_selection(case):
    name, full, chosen, bounds = case
    mask = pd.Series(True, index=full.index)
    for column, values in chosen.items():
        mask &= full[column].isin(values)
    if "start" in bounds:
        mask &= full["date"] >= bounds["start"]
    if "end" in bounds:
        mask &= full["date"] <= bounds["end"]
    expected = full[mask].reset_index(drop=True)
    if expected.empty:
        with pytest.raises((venecon.FilterError, venecon.DateRangeError)):
            venecon.load(name, **chosen, **bounds)
        return
    result = venecon.load(name, **chosen, **bounds)
    pd.testing.assert_frame_equal(result, expected)


@PROFILE
@given(name=st.sampled_from(TIDY), column=st.sampled_from(["country", "series", "source"]),
       junk=st.text(alphabet="abcdefghijklmnopqrstuvwxyzQXZ_", min_size=1, max_size=12))
def test_values_absent_from_the_data_are_rejected(name, column, junk):
    present = set(venecon.load(name)[column])
    if junk in present:
        return
    with pytest.raises(venecon.UnknownValueError, match=column):
        venecon.load(name, **{column: junk})


@PROFILE
@given(name=st.sampled_from(TIDY), data=st.data())
def test_single_values_and_one_element_lists_agree(name, data):
    full = venecon.load(name)
    series = data.draw(st.sampled_from(sorted(full["series"].unique())))
    pd.testing.assert_frame_equal(venecon.load(name, series=series),
                                  venecon.load(name, series=[series]))
