"""The dataset API: catalogue, loading, provenance, integrity and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import venecon
from venecon.data import _package
from venecon.data.load import _frame

CORE = ["date", "country", "series", "value", "unit", "source"]
# Tidy tables (date, country, series, value, ...); the registries have their own schemas
# (event or episode tables, and annual country-year registries marked layout = "registry").
TIDY = [n for n in _package.names()
        if _package.resource(n)["frequency"] in ("daily", "monthly", "annual")
        and _package.resource(n).get("layout") != "registry"]


def test_catalogue_lists_every_dataset_with_its_metadata():
    catalogue = venecon.datasets()
    assert list(catalogue.columns) == [
        "name", "title", "frequency", "start", "end", "last_period", "vintage", "rows", "series",
        "units", "source", "licence", "sha256",
    ]
    assert catalogue["name"].tolist() == _package.names()
    assert catalogue["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert (catalogue["licence"].str.len() > 0).all()


@pytest.mark.parametrize("name", TIDY)
def test_tidy_tables_follow_the_shared_schema(name):
    frame = venecon.load(name)
    entry = venecon.describe(name)
    assert list(frame.columns[:6]) == CORE
    assert not frame.empty and len(frame) == entry["rows"]
    assert frame[CORE].notna().all().all(), "core columns have no missing values"
    assert frame["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert set(frame["unit"]) <= set(_package.descriptor()["units"])
    key = entry["schema"]["primaryKey"]
    assert not frame.duplicated(key).any(), f"duplicate keys {key}"
    # Dates increase strictly within every series.
    others = [c for c in key if c != "date"]
    assert frame.groupby(others, dropna=False)["date"].apply(
        lambda d: d.is_monotonic_increasing and d.is_unique).all()
    if entry["frequency"] == "annual":
        assert frame["date"].dtype == "int64"
    else:
        assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    if entry["frequency"] == "monthly":
        assert (frame["date"].dt.day == 1).all(), "monthly dates are month starts"
    # Every series is defined, with the unit the rows carry.
    units = frame.groupby("series")["unit"].unique()
    for series, unit in units.items():
        assert entry["series"][series]["unit"] == unit[0] and len(unit) == 1
        assert entry["series"][series]["definition"]


@pytest.mark.parametrize("name", _package.names())
def test_provenance_is_complete(name):
    entry = venecon.describe(name)
    for key in ("title", "description", "hash", "bytes", "coverage", "schema", "sources",
                "licenses", "attribution"):
        assert entry.get(key), f"{name}: {key} missing"
    assert entry["data_version"] == _package.descriptor()["version"]
    for source in entry["sources"]:
        assert source["title"] and source["path"].startswith("https://")
        assert source["license"] and source["attribution"]
        raw = source.get("raw")
        if raw:  # tables derived from a raw file name its exact vintage
            assert raw["repository"] and raw["file"]
            assert len(raw["commit"]) == 40 and len(raw["sha256"]) == 64
    for field in entry["schema"]["fields"]:
        assert field["description"], f"{name}.{field['name']} undocumented"


def test_the_published_eia_figures_for_venezuela():
    # EIA International Energy Statistics, crude incl. lease condensate (product 57);
    # values as listed in shared/raw/MANIFEST.md for iciv-venezuela/eia_monthly.csv.
    crude = venecon.load("production_monthly", country="VEN",
                         series="crude_oil").set_index("date")["value"]
    assert crude["2013-06-01"] == pytest.approx(2500)
    assert crude["2019-06-01"] == pytest.approx(855)
    assert crude["2020-06-01"] == pytest.approx(400)
    assert crude["2026-04-01"] == pytest.approx(1100)


def test_spread_annual_estimates_are_flagged():
    crude = venecon.load("production_monthly", series="crude_oil").set_index("date")
    whole = crude["flag"].isin(["annual_constant", "linear_interpolation"])
    assert sorted(crude.index[whole].year.unique()) == list(range(2008, 2016))
    assert crude.loc["2015-01-01", "flag"] == "linear_interpolation"
    assert crude.loc["2012-07-01", "flag"] == "annual_constant"
    # the same pattern over part of a year: four or more months with one identical step
    steps = crude.index[crude["flag"] == "equal_steps"].strftime("%Y-%m").tolist()
    assert steps[:4] == ["2016-01", "2016-02", "2016-03", "2016-04"]
    assert crude.loc["2016-01-01":"2016-04-01", "value"].tolist() == [2383, 2382, 2381, 2380]
    assert steps[4:] == [f"2016-{m:02d}" for m in range(7, 12)] + [
        f"2025-{m:02d}" for m in range(1, 7)
    ]
    assert crude.loc["2016-05-01":"2016-06-01", "flag"].isna().all()
    assert crude.loc["2017-01-01":"2024-12-01", "flag"].isna().all()
    notes = " ".join(venecon.describe("production_monthly")["notes"])
    assert "crude_oil 2016-01..2016-04, 2016-07..2016-11, 2025-01..2025-06" in notes


def test_equal_step_runs_need_four_months_inside_one_year():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "datasets"))
    from _build.production import spread_flags

    values = pd.Series([5.0, 1, 2, 3, 4, 9, 8, 7, 7, 1, 2, 3] + [4.0, 5, 6])
    years = pd.Series([2016] * 12 + [2017] * 3)
    flags = spread_flags(values, years).tolist()
    # 1, 2, 3, 4 (three equal steps) is a run; 9, 8, 7 and 1, 2, 3 are too short; the run
    # 1, 2, 3 | 4, 5, 6 crosses a year boundary and each part is too short
    assert flags == [""] + ["equal_steps"] * 4 + [""] * 10


def test_load_filters_and_returns_a_private_copy():
    frame = venecon.load("production_monthly", series=["crude_oil"], start="2019-01", end="2019-12")
    assert len(frame) == 12 and frame["date"].min() == pd.Timestamp("2019-01-01")
    frame.loc[0, "value"] = -1.0
    again = venecon.load("production_monthly", series="crude_oil", start="2019-01", end="2019-01")
    assert again.loc[0, "value"] != -1.0
    assert frame.attrs["venecon"]["datasets"]["production_monthly"] == (
        venecon.describe("production_monthly")["hash"].removeprefix("sha256:")
    )


@pytest.mark.parametrize(
    "name, start, end, first, last",
    [
        # A year or a month names the whole period: end="2019" keeps December 2019.
        ("production_monthly", "2019", "2019", "2019-01-01", "2019-12-01"),
        ("production_monthly", 2019, 2019, "2019-01-01", "2019-12-01"),
        ("prices_daily", "2019-12", "2019-12", "2019-12-02", "2019-12-31"),
        ("prices_daily", "2019", "2019", "2019-01-02", "2019-12-31"),
        ("production_annual", 2015.0, "2016", 2015, 2016),
    ],
)
def test_date_bounds_cover_the_whole_period_they_name(name, start, end, first, last):
    kwargs = {"country": "WLD", "series": "brent"} if name == "prices_daily" else {"country": "VEN"}
    frame = venecon.load(name, start=start, end=end, **kwargs)
    as_date = (lambda d: d) if isinstance(first, int) else pd.Timestamp
    assert frame["date"].min() == as_date(first)
    assert frame["date"].max() == as_date(last)


def test_unknown_dataset_suggests_the_closest_name():
    with pytest.raises(venecon.DatasetNotFoundError,
                       match="Did you mean 'production_monthly'") as err:
        venecon.load("production_montly")
    assert "Available datasets" in str(err.value)
    assert isinstance(err.value, KeyError) and isinstance(err.value, venecon.VeneconError)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"country": "VNZ"}, venecon.UnknownValueError, "no country 'VNZ'. Did you mean 'VEN'"),
        ({"series": "crude"}, venecon.UnknownValueError, "no series 'crude'"),
        ({"source": "opec"}, venecon.UnknownValueError, "no source 'opec'"),
        ({"start": "1990-01", "end": "1995-12"}, venecon.DateRangeError, "data cover 2000-01-01"),
        ({"start": "2020-01", "end": "2019-01"}, venecon.DateRangeError, "is after end"),
        ({"start": "not a date"}, venecon.DateRangeError, "cannot read start"),
        ({"partner": "USA"}, venecon.FilterError, "cannot be filtered on 'partner'"),
        ({"series": []}, venecon.FilterError, "empty list"),
        ({"country": 5}, venecon.FilterError, "string or a list"),
        ({"start": 2015.5}, venecon.DateRangeError, "cannot read start"),
        ({"start": True}, venecon.DateRangeError, "cannot read start"),
        ({"start": pd.Timestamp("2019-01-01", tz="UTC")}, venecon.DateRangeError, "time zone"),
    ],
)
def test_bad_filters_say_what_is_wrong(kwargs, error, message):
    with pytest.raises(error, match=message):
        venecon.load("production_monthly", **kwargs)


def test_a_modified_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "datasets"
    shutil.copytree(_package.data_root(), copy)
    target = copy / "data" / "production_monthly.csv"
    target.write_bytes(target.read_bytes().replace(b"2500.0", b"2600.0", 1))
    monkeypatch.setattr(_package, "data_root", lambda: copy)
    _package.read_verified.cache_clear()
    _frame.cache_clear()
    try:
        with pytest.raises(venecon.DataIntegrityError, match="production_monthly.csv has sha256"):
            venecon.load("production_monthly")
    finally:
        _package.read_verified.cache_clear()
        _frame.cache_clear()


def test_import_is_light():
    code = (
        "import sys, venecon; heavy = ['pandas', 'numpy', 'statsmodels', 'linearmodels', "
        "'matplotlib', 'scipy', 'yfinance']; print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cite_gives_bibtex_for_the_library_and_each_dataset():
    library = venecon.cite()
    assert library.startswith("@software{venecon,") and venecon.__version__ in library
    for name in _package.names():
        text = venecon.cite(name)
        assert text.startswith(f"@misc{{venecon_{name},")
        assert venecon.describe(name)["hash"].removeprefix("sha256:") in text


def test_describe_is_json_safe_and_detached():
    entry = venecon.describe("production_monthly")
    json.dumps(entry)
    entry["title"] = "changed"
    assert venecon.describe("production_monthly")["title"] != "changed"


def test_citations_carry_year_and_release_metadata():
    import re
    from pathlib import Path

    from venecon._version import __release_date__

    library = venecon.cite()
    assert f"year = {{{__release_date__[:4]}}}" in library
    assert f"date = {{{__release_date__}}}" in library
    cff = Path(__file__).resolve().parents[1] / "CITATION.cff"
    if cff.is_file():  # the source checkout: CITATION.cff agrees with the package
        text = cff.read_text(encoding="utf-8")
        assert f'version: "{venecon.__version__}"' in text
        assert f'date-released: "{__release_date__}"' in text
    for name in _package.names():
        entries = venecon.cite(name).split("\n\n")
        assert all(re.search(r"year = \{\d{4}\}", e) for e in entries[:1]), name
        # every upstream publisher entry links its published source
        assert all("url = {http" in e for e in entries[1:]), name
