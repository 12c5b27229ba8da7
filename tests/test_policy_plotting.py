"""plot_events marks events and shades spells at the right x on matplotlib and pandas axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import venecon  # noqa: E402

MONTHS = pd.date_range("2018-01-01", "2026-06-01", freq="MS")
SERIES = pd.Series(range(len(MONTHS)), index=MONTHS, dtype="float64")


@pytest.fixture()
def ax():
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


def _line_x(ax) -> list[float]:
    return [line.get_xdata()[0] for line in ax.get_lines()[1:]]  # skip the data line


def test_lines_on_a_matplotlib_date_axis(ax):
    ax.plot(SERIES.index, SERIES.values)
    xlim = ax.get_xlim()
    venecon.plot_events(ax, ["pdvsa-sdn", "gl41"])
    assert _line_x(ax) == pytest.approx(
        mdates.date2num([pd.Timestamp("2019-01-28"), pd.Timestamp("2022-11-26")]))
    assert ax.get_xlim() == xlim
    assert [t.get_text() for t in ax.texts] == ["pdvsa-sdn", "gl41"]


def test_lines_on_a_pandas_period_axis(ax):
    SERIES.plot(ax=ax)  # pandas draws a regular index at monthly period ordinals
    venecon.plot_events(ax, ["eo13884"], labels=False)
    august_2019 = pd.Period("2019-08", freq="M").ordinal
    assert _line_x(ax) == pytest.approx([august_2019 + 4 / 31])
    assert not ax.texts


def test_events_outside_the_axis_are_skipped(ax):
    recent = SERIES["2019-06-01":]
    ax.plot(recent.index, recent.values)
    venecon.plot_events(ax, venecon.events(category="financial"))
    drawn = {t.get_text() for t in ax.texts}
    assert "eo13884" in drawn and "eo13808" not in drawn  # 2017 is left of the x-range


def test_default_marks_the_regime_boundaries_and_shades_chevron_states(ax):
    ax.plot(SERIES.index, SERIES.values)
    venecon.plot_events(ax, spells="chevron")
    drawn = {t.get_text() for t in ax.texts}
    assert {"gl41", "gl41a", "gl8f", "chevron-licence-2025", "gl46"} <= drawn
    spans = [p for p in ax.patches if isinstance(p, Rectangle)]
    labels = [p.get_label() for p in spans]
    assert labels == ["operations", "maintenance-only", "gl41-production", "wind-down", "none",
                      "restricted-licence", "2026-regime", "named-operator"]
    gl41 = spans[2]
    x0 = mdates.date2num(pd.Timestamp("2022-11-26"))
    assert gl41.get_x() == pytest.approx(x0)
    x1 = mdates.date2num(pd.Timestamp("2025-03-04"))
    assert gl41.get_x() + gl41.get_width() == pytest.approx(x1)


def test_regime_spells_and_decimal_years(ax):
    years = pd.Series([1.0, 2.0, 3.0], index=[2022, 2023, 2024])
    ax.plot(years.index, years.values)
    venecon.plot_events(ax, ["gl44"], spells="gl44_relief", x="year")
    assert _line_x(ax)[0] == pytest.approx(2023 + 290 / 365)
    (span,) = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert span.get_label() == "gl44_relief"


def test_bad_arguments(ax):
    ax.plot(SERIES.index, SERIES.values)
    with pytest.raises(ValueError, match="unknown spells 'chevrons'. Did you mean 'chevron'"):
        venecon.plot_events(ax, spells="chevrons")
    with pytest.raises(ValueError, match="x must be"):
        venecon.plot_events(ax, x="days")
    with pytest.raises(venecon.EventNotFoundError):
        venecon.plot_events(ax, ["gl99"])
