"""Regime indicators and Chevron's licence state, against the research note's spell tables."""

from __future__ import annotations

import re
import sys

import numpy as np
import pandas as pd
import pytest
from reference_data import unavailable
from test_policy_registry import REPO, research_dir

import venecon
from venecon.policy import spells

# (first day of the new state, state before, state from that day)
CHEVRON_CHANGES = [
    ("2019-01-28", "pre-designation", "operations"),
    ("2020-04-21", "operations", "maintenance-only"),
    ("2022-11-26", "maintenance-only", "gl41-production"),
    ("2025-03-04", "gl41-production", "wind-down"),
    ("2025-05-27", "wind-down", "none"),
    ("2025-07-29", "none", "restricted-licence"),
    ("2026-01-29", "restricted-licence", "2026-regime"),
    ("2026-02-13", "2026-regime", "named-operator"),
]


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    return venecon.regimes("D", "2017-01-01", "2026-06-30")


@pytest.mark.parametrize("change, before, after", CHEVRON_CHANGES)
def test_chevron_state_on_each_side_of_every_change_daily(daily, change, before, after):
    day = pd.Timestamp(change)
    assert daily.at[day - pd.Timedelta(days=1), "chevron_licence"] == before
    assert daily.at[day, "chevron_licence"] == after


def _month_state(daily: pd.DataFrame, month: pd.Period, partial: str) -> str:
    """A month's Chevron state from the daily states, by the ``partial`` rule."""
    days = daily.loc[month.start_time:month.end_time.normalize(), "chevron_licence"]
    if partial == "start":
        return days.iloc[-1]
    if partial == "next":
        return days.iloc[0]
    counts = days.value_counts()
    best = counts[counts == counts.max()].index
    return max(best, key=lambda state: days.cat.categories.get_loc(state))  # later on a tie


@pytest.mark.parametrize("change, before, after", CHEVRON_CHANGES)
@pytest.mark.parametrize("partial", ["start", "next", "fraction"])
@pytest.mark.slow
def test_chevron_state_in_months_around_every_change(daily, change, before, after, partial):
    day = pd.Timestamp(change)
    month = day.to_period("M")
    frame = venecon.regimes("M", "2018-01", "2026-12", partial=partial)["chevron_licence"]
    # Two changes can fall in consecutive months (2026-01-29, 2026-02-13), so the months
    # around a change are checked against the daily states, not against before/after alone.
    for period in (month - 1, month, month + 1):
        assert frame[period.start_time] == _month_state(daily, period, partial), period
    # The month of the change: "start" shows the state on its last day, "next" on its
    # first day, "fraction" the state covering most of its days.
    following = (month + 1).start_time
    days_after = (following - day).days
    if partial == "next":
        assert frame[month.start_time] == before
    elif partial == "fraction" and days_after < month.days_in_month - days_after:
        assert frame[month.start_time] == before
    # "start" takes the state on the month's last day: "after" unless a later change
    # falls in the same month (none does).
    else:
        assert frame[month.start_time] == after


def test_chevron_categories_are_ordered_and_complete():
    state = venecon.regimes("M", "2005-01", "2026-12")["chevron_licence"]
    assert state.cat.ordered
    assert list(state.cat.categories) == ["pre-designation", "operations", "maintenance-only",
                                          "gl41-production", "wind-down", "none",
                                          "restricted-licence", "2026-regime", "named-operator"]
    assert state.iloc[0] == "pre-designation" and state.iloc[-1] == "named-operator"
    assert state.is_monotonic_increasing  # the states follow each other in time
    assert len(state.unique()) == 9


@pytest.mark.parametrize(
    "column, month, fraction",
    [
        ("financial_sanctions", "2017-08", 7 / 31),
        ("pdvsa_blocked", "2019-01", 4 / 31),
        ("us_import_winddown", "2019-01", 4 / 31),
        ("us_import_winddown", "2019-04", 27 / 30),
        ("government_blocked", "2019-08", 27 / 31),
        ("gl44_relief", "2023-10", 14 / 31),
        ("gl44_relief", "2024-04", 17 / 30),
        ("gl44_winddown", "2024-04", 13 / 30),
        ("gl44_winddown", "2024-05", 30 / 31),
        ("secondary_tariff", "2025-04", 29 / 30),
        ("interdiction", "2025-12", 22 / 31),
        ("blockade", "2025-12", 16 / 31),
        ("licensed_reopening", "2026-01", 3 / 31),
        ("upstream_licensed", "2026-02", 19 / 28),
        ("named_operators", "2026-02", 16 / 28),
        ("direct_pdvsa_sales", "2026-03", 14 / 31),
    ],
)
@pytest.mark.slow
def test_fractions_of_partial_months(column, month, fraction):
    stamp = pd.Timestamp(f"{month}-01")
    by_mode = {p: venecon.regimes("M", "2016-01", "2026-12", partial=p)[column]
               for p in ("fraction", "start", "next")}
    assert by_mode["fraction"][stamp] == pytest.approx(fraction)
    starts = column in {"financial_sanctions", "pdvsa_blocked", "government_blocked",
                        "secondary_tariff", "interdiction", "blockade", "licensed_reopening",
                        "upstream_licensed", "named_operators", "direct_pdvsa_sales"}
    is_start_month = starts or (column, month) in {("us_import_winddown", "2019-01"),
                                                    ("gl44_relief", "2023-10"),
                                                    ("gl44_winddown", "2024-04")}
    assert by_mode["start"][stamp] == (1.0 if is_start_month else 0.0)
    assert by_mode["next"][stamp] == (0.0 if is_start_month else 1.0)


def test_regimes_are_indicators_with_the_documented_columns():
    frame = venecon.regimes("M", "2005-01", "2026-12", dummies=True)
    assert frame.index.name == "date" and frame.index[0] == pd.Timestamp("2005-01-01")
    assert len(frame) == 22 * 12
    binary = [c for c in frame.columns if c != "chevron_licence"]
    assert set(np.unique(frame[binary].to_numpy())) <= {0.0, 1.0}
    dummies = frame.filter(like="chevron_").drop(columns="chevron_licence")
    assert (dummies.sum(axis=1) == 1).all()
    assert frame.loc["2023-01-01", "chevron_gl41-production"] == 1.0
    assert frame.loc["2016-12-01", "financial_sanctions"] == 0.0
    assert frame.loc["2026-12-01", ["financial_sanctions", "pdvsa_blocked", "blockade"]].eq(1).all()
    assert frame.loc["2024-07-01", ["gl44_relief", "gl44_winddown"]].eq(0).all()
    assert frame.attrs["venecon"]["datasets"]["events"]


def test_fraction_dummies_are_shares_that_sum_to_one():
    frame = venecon.regimes("M", "2025-01", "2025-12", partial="fraction", dummies=True)
    shares = frame.filter(like="chevron_").drop(columns="chevron_licence")
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert frame.loc["2025-05-01", "chevron_wind-down"] == pytest.approx(26 / 31)
    assert frame.loc["2025-05-01", "chevron_none"] == pytest.approx(5 / 31)


def test_regimes_on_a_user_index_and_other_frequencies():
    index = pd.date_range("2019-01-31", "2019-12-31", freq="ME")
    frame = venecon.regimes(index=index)
    assert frame.index.equals(index)
    assert frame.loc["2019-07-31", "government_blocked"] == 0.0
    assert frame.loc["2019-08-31", "government_blocked"] == 1.0
    quarterly = venecon.regimes("Q", "2023-01-01", "2024-12-31", partial="fraction")
    assert quarterly.loc["2023-10-01", "gl44_relief"] == pytest.approx(75 / 92)
    annual = venecon.regimes("Y", "2016", "2018", partial="fraction")
    assert annual.loc["2017-01-01", "financial_sanctions"] == pytest.approx(129 / 365)
    periods = venecon.regimes(index=pd.period_range("2022-10", "2023-01", freq="M"))
    assert periods["chevron_licence"].tolist() == ["maintenance-only", "gl41-production",
                                                   "gl41-production", "gl41-production"]


def test_an_end_naming_a_year_or_quarter_keeps_the_whole_period():
    assert venecon.regimes("M", "2019-01", "2026").index[-1] == pd.Timestamp("2026-12-01")
    quarter = venecon.regimes("M", "2019-01", pd.Period("2026Q2"))
    assert quarter.index[-1] == pd.Timestamp("2026-06-01")
    assert venecon.regimes("D", "2019-01", "2019-02").index[-1] == pd.Timestamp("2019-02-28")
    assert venecon.regimes("M", "2019-01", "2019-02-15").index[-1] == pd.Timestamp("2019-02-01")


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"freq": "H"}, ValueError, "unknown freq"),
        ({"start": "2020-01", "end": "2019-01"}, venecon.DateRangeError, "is after end"),
        ({"start": "soon"}, venecon.DateRangeError, "cannot read start"),
        ({"partial": "half"}, ValueError, "partial must be one of"),
        ({"index": pd.DatetimeIndex(["2020-01-01", "2020-03-01", "2020-04-01"])},
         venecon.DateIndexError, "irregular"),
    ],
)
def test_bad_regime_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        venecon.regimes(**kwargs)


def test_spells_cite_registry_events():
    table = spells()
    ids = set(venecon.events()["id"])
    for ref in pd.concat([table["start_event"], table["end_event"]]).dropna():
        ident, field = ref.split(".")
        assert ident in ids and field in {"date", "end"}
    chevron = table[table["regime"] == "chevron_licence"]
    # Consecutive states chain: each ends where the next begins.
    assert (chevron["end"].iloc[:-1].to_numpy() == chevron["start"].iloc[1:].to_numpy()).all()


# -- the spells follow the note's tables ---------------------------------------------------

def _dates(cell: str) -> list[pd.Timestamp]:
    # A range like "2025-07-29/30" counts as its first date (the registry's convention).
    return [pd.Timestamp(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", cell)]


@pytest.fixture(scope="module")
def note_spells():
    found = research_dir()
    if found is None:
        unavailable("shared/research/sanctions_timeline.md not found")
    sys.path.insert(0, str(REPO / "datasets"))
    try:
        from _build.events import spell_tables
    finally:
        sys.path.remove(str(REPO / "datasets"))
    return spell_tables((found / "sanctions_timeline.md").read_text(encoding="utf-8"))


def test_chevron_spells_match_the_note(note_spells):
    rows = note_spells["chevron"]
    table = spells()
    chevron = table[(table["regime"] == "chevron_licence") & (table["state"] != "pre-designation")]
    assert len(rows) == len(chevron)
    starts = [_dates(period)[0] for period, _ in rows]
    for i, ((period, status), (_, spell)) in enumerate(zip(rows, chevron.iterrows(), strict=True)):
        dates = _dates(period)
        assert spell["start"] == dates[0], (period, status)
        if len(dates) > 1:
            assert spell["end"] == dates[1], (period, status)
        elif i + 1 < len(rows):
            # An open-ended spell ("2025-07-29/30 ->") gives way to the next state.
            assert spell["end"] == starts[i + 1], (period, status)
        else:
            assert pd.isna(spell["end"])


def test_broad_regimes_match_the_note(note_spells):
    rows = note_spells["broad"]
    table = spells().set_index("regime")
    mapping = {
        0: [("financial_sanctions", "start")],
        1: [("pdvsa_blocked", "start"), ("us_import_winddown", "end")],
        2: [("government_blocked", "start")],
        4: [("gl44_relief", "start"), ("gl44_relief", "end")],
        5: [("gl44_winddown", "start"), ("gl44_winddown", "end")],
        6: [("secondary_tariff", "start")],
        7: [("interdiction", "start"), ("blockade", "start")],
        8: [("licensed_reopening", "start")],
        9: [("upstream_licensed", "start"), ("named_operators", "start")],
        10: [("direct_pdvsa_sales", "start")],
    }
    assert len(rows) == 11
    for position, checks in mapping.items():
        dates = _dates(rows[position][0] + " " + rows[position][1])
        coded = [table.at[name, field] for name, field in checks]
        assert coded == dates, rows[position]
    assert table.at["us_import_winddown", "start"] == table.at["pdvsa_blocked", "start"]
    # Row 3 (secondary designations of traders) is a pair of events, not a spell.
    assert _dates(rows[3][0]) == [venecon.event("rosneft-trading-sdn")["date"],
                                  venecon.event("tnk-trading-sdn")["date"]]


def test_month_convention_and_day_shares_side_by_side():
    """May 2024: 30 of 31 days in the GL 44A wind-down; May 2025: 26 of 31 under GL 41B."""
    start = venecon.regimes("M", "2024-04", "2025-06", shares=True)
    # "start" codes the state on the month's last day ...
    assert start.loc["2024-05-01", "gl44_winddown"] == 0.0
    assert start.loc["2025-05-01", "chevron_licence"] == "none"
    # ... and the shares say how much of the month each regime covers
    assert start.loc["2024-05-01", "gl44_winddown_share"] == pytest.approx(30 / 31)
    assert start.loc["2024-04-01", "gl44_relief_share"] == pytest.approx(17 / 30)
    assert start.loc["2025-05-01", "chevron_wind-down_share"] == pytest.approx(26 / 31)
    assert start.loc["2025-05-01", "chevron_none_share"] == pytest.approx(5 / 31)
    state_shares = start.filter(regex=r"^chevron_.*_share$")
    assert np.allclose(state_shares.sum(axis=1), 1.0)
    assert start.attrs["venecon"]["regimes"] == {"partial": "start", "shares": True}
    # the majority convention: partial="fraction" codes May 2025 as the wind-down
    fraction = venecon.regimes("M", "2024-04", "2025-06", partial="fraction")
    assert fraction.loc["2025-05-01", "chevron_licence"] == "wind-down"
    assert fraction.loc["2024-05-01", "gl44_winddown"] == pytest.approx(30 / 31)
    assert "gl44_winddown_share" not in fraction.columns


def test_blockade_and_interdiction_stay_open_and_say_why():
    from venecon.policy.indicators import spells

    table = spells()
    for name in ("blockade", "interdiction"):
        row = table[table["regime"] == name].iloc[0]
        assert pd.isna(row["end"])
        assert "no end dated in the sources" in row["description"]
    notes = " ".join(venecon.describe("events")["notes"])
    assert "no source in the research note dates the lifting of the blockade" in notes
