"""The Chevron study acts on exports to the US, deflated to approximate kb/d by a stated price."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import venecon
from venecon.study import Study, StudyError, bundled_studies
from venecon.study.bundled import bundled_path
from venecon.study.deflate import deflator_prices, to_barrels_per_day
from venecon.study.spec import Deflator


def _toml() -> dict:
    import tomllib

    return tomllib.loads(bundled_path("venezuela-chevron").read_text(encoding="utf-8"))


def test_unit_conversion_is_value_over_price_and_days():
    # 310 USD million at 100 USD/bbl is 3.1 million barrels; over 31 days, 100 kb/d
    got = to_barrels_per_day([310.0, 280.0], ["2023-05-01", "2023-02-01"], [100.0, 100.0])
    assert got.tolist() == pytest.approx([100.0, 100.0], rel=1e-12)


def test_each_month_states_its_price_and_basis():
    d = Deflator(benchmark="brent", discount_usd=13.32, observed_merey=True)
    p = deflator_prices(["2017-12-01", "2024-12-01", "2025-01-01"], d)
    brent = venecon.load("prices_monthly", series="brent", source="eia_spot").set_index("date")
    assert p.loc["2024-12-01", "price"] == pytest.approx(
        brent.loc["2024-12-01", "value"] - 13.32, abs=1e-9
    )
    assert p.loc["2024-12-01", "basis"] == "brent (eia_spot) - 13.32"
    assert p.loc["2025-01-01", "price"] == 66.86  # Merey, OPEC MOMR via the press
    assert p.loc["2025-01-01", "basis"] == "merey (opec_momr_press)"
    assert p.loc["2017-12-01", "basis"] == "merey (opec_asb2018)"
    plain = deflator_prices(["2025-01-01"], Deflator(benchmark="wti", observed_merey=False))
    assert plain["basis"].iloc[0] == "wti (eia_spot) - 0"


def test_discount_is_the_observed_2025_mean_gap():
    """The study's 13.32 USD/bbl is mean(Brent - Merey) over the 12 months of 2025."""
    stated = _toml()["study"]["outcome"]["deflate"]["discount_usd"]
    brent = venecon.load("prices_monthly", series="brent", source="eia_spot").set_index("date")
    merey = venecon.load("reported_monthly", series="merey").set_index("date")["value"]
    merey = merey[merey.index.year == 2025]
    assert len(merey) == 12
    gap = (brent.loc[merey.index, "value"] - merey).mean()
    assert stated == pytest.approx(gap, abs=0.005)


def test_study_outcome_is_exports_to_the_us_and_national_output_is_descriptive():
    s = bundled_studies(["venezuela-chevron"])["venezuela-chevron"]
    assert (s.outcome.dataset, s.outcome.series, s.outcome.source) == (
        "trade", "exports_value", "imf_imts"
    )
    assert s.outcome.deflate.discount_usd == 13.32
    assert [d[:2] for d in s.level.descriptive] == [("production_monthly", "crude_oil")]
    assert "cannot identify a company licence" in s.level.descriptive[0][2]
    # the headline window is GL 41 alone, ending before GL 44 (2023-10-18)
    assert s.window.post == ("2022-11", "2023-09")
    assert dict(s.other_events)["gl44"] == "gl44"
    # one hand-checked month: 2023-05, 352.73 USD million at Brent 75.47 - 13.32 = 62.15, 31 days
    frame = s._panel.frame.set_index("time")["value"]  # noqa: SLF001 - the resolved panel
    assert s._panel.unit == "kb/d"  # noqa: SLF001
    assert frame[pd.Timestamp("2023-05-01")] == pytest.approx(
        352.73 * 1000 / (62.15 * 31), rel=1e-3
    )


def test_study_results_record_the_deflator():
    r = bundled_studies(["venezuela-chevron"])["venezuela-chevron"].run(n_jobs=1)
    assert "13.32" in r.data_choices["deflate"]
    assert "merey (opec_momr_press): 14 months" in r.data_choices["deflate_prices"]
    assert {"trade", "prices_monthly", "reported_monthly"} <= set(r.provenance["datasets"])
    level = r.to_dict()["declaration"]["level"]
    assert level["descriptive"][0][0] == "production_monthly"
    by = r.estimates["its"].extra["by_window"]
    assert set(by) == {
        "gl41_whole", "gl41_with_gl44", "gl41_after_gl44", "winddown", "no_licence",
        "restricted_licence", "blockade", "regime_2026",
    }


def _declaration(**changes) -> dict:
    d = _toml()
    d["study"].update(changes)
    return d


def test_deflating_a_series_not_in_usd_is_refused():
    d = _declaration(outcome={
        "dataset": "production_monthly", "series": "crude_oil",
        "deflate": {"benchmark": "brent", "discount_usd": 13.32},
    })
    with pytest.raises(StudyError, match="study.outcome.deflate.*not USD million"):
        Study.from_dict(d)


@pytest.mark.parametrize(
    ("deflate", "key"),
    [
        ({"benchmark": "dubai"}, "study.outcome.deflate.benchmark"),
        ({"discount_usd": -3}, "study.outcome.deflate.discount_usd"),
        ({"price": "brent"}, "study.outcome.deflate.price"),
    ],
)
def test_bad_deflate_keys_name_the_key(deflate, key):
    d = _toml()
    d["study"]["outcome"]["deflate"] = deflate
    with pytest.raises(StudyError) as info:
        Study.from_dict(d)
    assert info.value.key == key


def test_a_discount_that_makes_a_price_negative_is_refused():
    d = _toml()
    d["study"]["outcome"]["deflate"] = {"benchmark": "brent", "discount_usd": 30.0,
                                        "observed_merey": False}
    with pytest.raises(StudyError, match="USD/bbl after the discount"):
        Study.from_dict(d)


@pytest.mark.parametrize(
    ("level", "key"),
    [
        ({"note": "x"}, "study.level.acts_on"),
        ({"acts_on": "x", "descriptive": [{"dataset": "production_monthly"}]},
         "study.level.descriptive[0].series"),
        ({"acts_on": "x", "descriptive": "production_monthly"}, "study.level.descriptive"),
    ],
)
def test_bad_level_tables_name_the_key(level, key):
    with pytest.raises(StudyError) as info:
        Study.from_dict(_declaration(level=level))
    assert info.value.key == key


# --------------------------------------------------------------------------- price robustness


@pytest.fixture(scope="module")
def chevron_results():
    return bundled_studies(["venezuela-chevron"])["venezuela-chevron"].run(n_jobs=1)


def _its_by_hand(deflator: Deflator, events: dict, start: str, window: tuple) -> tuple:
    """The study's ITS fitted directly on the exports deflated at ``deflator``."""
    from venecon.models import ITS, FixedB

    t = venecon.load("trade", country="VEN", series="exports_value", source="imf_imts")
    t = t[pd.to_datetime(t["date"]) >= pd.Timestamp(start)].sort_values("date")
    months = pd.to_datetime(t["date"])
    prices = deflator_prices(months, deflator)["price"].to_numpy()
    y = pd.Series(to_barrels_per_day(t["value"].to_numpy(), months, prices),
                  index=pd.DatetimeIndex(months, name="date"), name="value")
    with warnings.catch_warnings():  # the later regimes' short samples warn, as in the study
        warnings.simplefilter("ignore")
        res = ITS(y, events, unit="kb/d", alpha=0.05, slope_change=True, seasonal=False,
                  log=False, inference=FixedB()).fit()
    ce = res.cumulative_effect(*window)
    return ce.average, ce.average_lower, ce.average_upper


def test_the_grid_holds_the_price_variants_fitted_at_those_prices(chevron_results):
    r = chevron_results
    declared = r.study.outcome.deflate
    t = r.robustness.table
    rows = t[t["dimension"] == "price"].set_index("value")
    expected = {
        "brent_no_discount": Deflator("brent", 0.0, True),
        "wti_less_discount": Deflator("wti", declared.discount_usd, True),
        "brent_less_discount_no_merey": Deflator("brent", declared.discount_usd, False),
    }
    assert list(rows.index) == list(expected)
    assert (rows["estimator"] == "its").all() and (rows["status"] == "ok").all()
    its = r.estimates["its"]
    for label, d in expected.items():
        got = tuple(rows.loc[label, ["estimate", "lower", "upper"]])
        by_hand = _its_by_hand(d, its.extra["events"], r.study.window.pre[0], its.window)
        assert got == pytest.approx(by_hand, rel=1e-12, abs=0), label
    # the prices move the volumes: no discount lowers them, WTI (above Brent less the
    # discount) raises them
    assert rows.loc["brent_no_discount", "estimate"] < its.average_effect
    assert rows.loc["wti_less_discount", "estimate"] > its.average_effect
    assert r.robustness.n_specifications == int((t["status"] == "ok").sum())


def _with_prices(prices, **outcome) -> dict:
    d = _toml()
    d["study"]["robustness"] = {"prices": prices}
    if outcome:
        d["study"]["outcome"] = outcome
    return d


@pytest.mark.parametrize(
    ("prices", "key", "words"),
    [
        ([], "study.robustness.prices", "non-empty list"),
        ({"benchmark": "wti"}, "study.robustness.prices", "non-empty list"),
        ([{"benchmark": "dubai"}], "study.robustness.prices[0].benchmark", "not allowed"),
        ([{"discount_usd": -1.0}], "study.robustness.prices[0].discount_usd", "out of range"),
        ([{"observed_merey": "no"}], "study.robustness.prices[0].observed_merey",
         "not a boolean"),
        ([{"price": 70.0}], "study.robustness.prices[0].price", "unknown key"),
        ([{"label": "x"}], "study.robustness.prices[0]", "changes nothing"),
        ([{"benchmark": "brent"}], "study.robustness.prices[0]", "is the declared price"),
        ([{"benchmark": "wti"}, {"label": "again", "benchmark": "wti"}],
         "study.robustness.prices[1]", r"repeats study.robustness.prices\[0\] \(wti"),
        ([{"label": "a", "benchmark": "wti"}, {"label": "a", "discount_usd": 0.0}],
         "study.robustness.prices[1]", "repeats"),
        ([{"discount_usd": 30.0, "observed_merey": False}], "study.robustness.prices[0]",
         "USD/bbl after the discount"),
    ],
)
def test_bad_price_variants_name_the_key(prices, key, words):
    with pytest.raises(StudyError, match=words) as info:
        Study.from_dict(_with_prices(prices))
    assert info.value.key == key


def test_prices_need_a_deflated_outcome():
    d = _with_prices([{"benchmark": "wti"}], dataset="trade", series="exports_value",
                     source="imf_imts")
    with pytest.raises(StudyError, match=r"\[study.outcome.deflate\] is missing") as info:
        Study.from_dict(d)
    assert info.value.key == "study.robustness.prices"


def test_study_check_reports_the_price_variants_and_refuses_bad_ones(tmp_path):
    from venecon.study.cli import check_command

    good = bundled_path("venezuela-chevron")
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text(encoding="utf-8").replace(
        'benchmark = "wti" }', 'benchmark = "dubai" }'), encoding="utf-8")
    lines, failed = check_command([str(good), str(bad)])
    assert failed == 1
    text = "\n".join(lines)
    assert ("robustness prices: brent_no_discount; wti_less_discount; "
            "brent_less_discount_no_merey") in text
    assert "study key 'study.robustness.prices[1].benchmark'" in text


def test_a_default_label_says_the_price():
    from venecon.study.deflate import price_variants
    from venecon.study.spec import PriceVariant

    got = price_variants(Deflator("brent", 13.32, True),
                         (PriceVariant(benchmark="wti"), PriceVariant(observed_merey=False)))
    assert [label for label, _ in got] == [
        "wti less 13.32 USD/bbl", "brent less 13.32 USD/bbl, no observed Merey"]
