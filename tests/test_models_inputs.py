"""Bad input to the time-series models: one specific venecon error each (issue 15).

Each case below failed before the numeric-input checks moved into
``venecon.models.core`` (infinite estimates, p-values from rounding noise,
raw ValueError/TypeError from pandas or int(), or a misleading message).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from venecon.exceptions import FrequencyError, ModelSpecificationError, VeneconError
from venecon.models import ITS, InterventionARIMA, LocalProjections, StructuralBreaks
from venecon.models.core import checks, events, outcome


def series(n: int = 60, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 100 + 0.5 * t - 8 * (t >= 30) + rng.normal(0, 1, n)
    return pd.Series(y, index=pd.date_range("2015-01-01", periods=n, freq="MS"), name="y")


EVENT = "2017-07-01"
MODELS = [
    lambda y: ITS(y, EVENT),
    lambda y: InterventionARIMA(y, EVENT, order=(1, 0, 0), n_simulations=10),
    lambda y: LocalProjections(y, EVENT, horizons=3),
    lambda y: StructuralBreaks(y, n_sim=0),
]


@pytest.mark.parametrize("build", MODELS)
def test_infinite_outcome(build):
    y = series()
    y.iloc[40] = np.inf
    with pytest.raises(ModelSpecificationError, match=r"1 infinite value\(s\) \(2018-05\)"):
        build(y)


@pytest.mark.parametrize("build", MODELS)
def test_constant_outcome(build):
    y = pd.Series(5.0, index=series().index)
    with pytest.raises(ModelSpecificationError, match="constant"):
        build(y)


@pytest.mark.parametrize("build", MODELS)
def test_text_in_a_numeric_column(build):
    y = series().astype(object)
    y.iloc[12] = "12,5"
    with pytest.raises(ModelSpecificationError, match=r"non-numbers \(1 value\(s\), first '12,5'"):
        build(y)
    wide = y.to_frame("crude")
    with pytest.raises(ModelSpecificationError, match="outcome 'crude'.*non-numbers"):
        build(wide)
    tidy = pd.DataFrame({"date": y.index, "value": y.to_numpy()})
    with pytest.raises(ModelSpecificationError, match="non-numbers"):
        build(tidy)


def test_text_in_controls():
    y = series()
    controls = pd.Series(np.arange(60.0), index=y.index, name="brent").astype(object)
    controls.iloc[3] = "n/a"
    with pytest.raises(ModelSpecificationError, match="controls 'brent'.*non-numbers"):
        ITS(y, EVENT, controls=controls)
    controls = pd.Series(np.arange(60.0), index=y.index, name="brent")
    controls.iloc[3] = -np.inf
    with pytest.raises(ModelSpecificationError, match="controls 'brent'.*infinite"):
        ITS(y, EVENT, controls=controls)


@pytest.mark.parametrize("build", [
    lambda y: ITS(y, EVENT, partial="bogus"),
    lambda y: InterventionARIMA(y, EVENT, partial="bogus"),
    lambda y: LocalProjections(y, EVENT, partial="bogus"),
])
def test_unknown_partial_is_a_venecon_error(build):
    with pytest.raises(ModelSpecificationError, match="partial must be one of 'start', 'next'"):
        build(series())


@pytest.mark.parametrize("kwargs, message", [
    ({"n_simulations": -5}, "n_simulations must be an int >= 1, got -5"),
    ({"n_simulations": 2.5}, "n_simulations must be an int"),
    ({"order": ("a", 1, 0)},
     r"order must be 3 non-negative integers \(p, d, q\), got \('a', 1, 0\)"),
    ({"order": (1, -1, 0)}, "order must be 3 non-negative integers"),
    ({"order": (1, 0)}, "order must be 3"),
    ({"seasonal_order": (0, 0, 0)}, "seasonal_order must be 4"),
    ({"maxiter": 0}, "maxiter must be an int >= 1"),
    ({"seed": "x"}, "seed must be an int"),
    ({"max_p": None}, "max_p must be an int"),
])
def test_intervention_arima_options(kwargs, message):
    with pytest.raises(ModelSpecificationError, match=message):
        InterventionARIMA(series(), EVENT, **kwargs)


def test_frame_without_a_date_index_says_so():
    """Was: 'dates carry a time of day' (a RangeIndex read as nanoseconds since 1970)."""
    frame = pd.DataFrame({"crude": series().to_numpy()})
    with pytest.raises(FrequencyError, match="not dates or calendar years.*set_index") as info:
        ITS(frame, EVENT)
    assert "time of day" not in str(info.value)
    strings = pd.Series(series().to_numpy(), index=[f"row{i}" for i in range(60)])
    with pytest.raises(FrequencyError, match="must hold dates"):
        ITS(strings, EVENT)


def test_exact_fit_warns_that_errors_are_rounding_noise():
    y = pd.Series(np.linspace(10, 1, 40), index=pd.date_range("2018-01-01", periods=40, freq="MS"))
    with pytest.warns(UserWarning, match="fit the outcome exactly"):
        ITS(y, ["2020-01-01"]).fit()


def test_errors_are_venecon_errors_and_value_errors():
    for exc in (FrequencyError, ModelSpecificationError):
        assert issubclass(exc, VeneconError) and issubclass(exc, ValueError)


def test_public_checks_are_usable_by_other_models():
    values = outcome.numeric_values(pd.Series([1, "2", None]), "x")
    np.testing.assert_array_equal(values, [1.0, 2.0, np.nan])
    with pytest.raises(ModelSpecificationError, match="booleans"):
        outcome.numeric_values(pd.Series([True, False]), "x")
    with pytest.raises(ModelSpecificationError, match="infinite"):
        outcome.check_finite(pd.Series([1.0, -np.inf], index=series(2).index), "x")
    with pytest.raises(ModelSpecificationError, match="constant"):
        outcome.check_variation(pd.Series([3.0, 3.0, 3.0]), "x")
    outcome.check_variation(pd.Series([3.0, 3.0, 3.0 + 1e-6]), "x")
    assert checks.check_partial("next") == "next"
    assert events.event_date(2012) == ("2012", pd.Timestamp("2012-01-01"))
    with pytest.raises(ModelSpecificationError, match="calendar year"):
        events.event_date(12)
